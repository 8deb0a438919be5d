"""Shared fixtures.

``shared_data`` points at the project's reference data (``../shared/data`` from the
repository root). Tests that need it skip, saying why, when it is absent, as it is on a
user's fresh machine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
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


@pytest.fixture(scope="session", autouse=True)
def profile_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep energysim's persistent profile cache in a temporary folder for the session.

    Tests (and the CLI and dashboard processes they start, which inherit the
    environment) never write to the user's real cache folder.
    """
    folder = tmp_path_factory.mktemp("energysim-cache")
    saved = {k: os.environ.get(k) for k in ("ENERGYSIM_CACHE_DIR", "ENERGYSIM_NO_CACHE")}
    os.environ["ENERGYSIM_CACHE_DIR"] = str(folder)
    os.environ.pop("ENERGYSIM_NO_CACHE", None)
    yield folder
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
