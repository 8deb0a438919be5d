"""Shared fixtures.

``shared_data`` points at the project's reference data (``../shared/data`` from the
repository root). Tests that need it skip, saying why, when it is absent, as it is on a
user's fresh machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Return ``../shared/data``, or skip the test when it is not there."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not found at {SHARED_DATA} (only present on project machines)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """Return the repository root."""
    return REPO_ROOT
