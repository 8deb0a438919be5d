"""Shared fixtures.

``shared_data`` points at the project's reference data (``../shared/data`` from the
repository root). Tests that need it skip, saying why, when it is absent, as it is on a
user's fresh machine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Return ``../shared/data``, or skip the test when it is not there."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not found at {SHARED_DATA} (only present on project machines)")
    return SHARED_DATA


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests marked ``slow`` first, each group in the order it was collected.

    pytest-xdist hands the tests out to its workers (``-n 2``) a few at a time in
    collection order, so a worker that starts a long test near the end of the run keeps
    the other one idle until it is done. Longest first ("longest processing time first",
    Graham, *Bounds on multiprocessing timing anomalies*, SIAM J. Appl. Math. 17(2), 1969)
    leaves only short tests for the end, and the workers finish together. A sort that
    keeps order (``list.sort`` is stable) keeps each module's tests together, and with
    them the module's fixtures.
    """
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """Return the repository root."""
    return REPO_ROOT


@pytest.fixture(scope="session", autouse=True)
def profile_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep energysim's persistent profile cache and the dashboard's kept sessions in
    temporary folders for the test session.

    Tests (and the CLI and dashboard processes they start, which inherit the
    environment) never write to the user's real cache folder.
    """
    folder = tmp_path_factory.mktemp("energysim-cache")
    names = ("ENERGYSIM_CACHE_DIR", "ENERGYSIM_NO_CACHE", "ENERGYSIM_SESSION_DIR")
    saved = {k: os.environ.get(k) for k in names}
    os.environ["ENERGYSIM_CACHE_DIR"] = str(folder)
    # the dashboard keeps its sessions there too (dashboards/shared/saved_session.py)
    os.environ["ENERGYSIM_SESSION_DIR"] = str(tmp_path_factory.mktemp("dashboard-sessions"))
    os.environ.pop("ENERGYSIM_NO_CACHE", None)
    yield folder
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


# --------------------------------------------------------------------------- the browser
# One streamlit server and one headless Chromium for the session of each process that runs
# a browser test, shared by the *_browser.py modules (each test starts a fresh page load,
# so no session state carries over). Under ``-n 2`` both workers take browser tests, each
# with its own server and browser, so the browser's work is shared between them.


@pytest.fixture(scope="session")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The dashboard's results folder (with a batch summary), screenshots, downloads, files."""
    from energysim.batch.runner import write_summary
    from tests.test_dashboard_browser import batch_summary

    out = {
        "results": tmp_path_factory.mktemp("results"),
        "shots": tmp_path_factory.mktemp("screenshots"),
        "downloads": tmp_path_factory.mktemp("downloads"),
        "files": tmp_path_factory.mktemp("files"),
    }
    (out["results"] / "portfolio-2026").mkdir()
    write_summary(batch_summary(), out["results"] / "portfolio-2026")
    return out


@pytest.fixture(scope="session")
def server(folders: dict[str, Path]) -> Iterator[str]:
    """``python -m streamlit run dashboards/app.py`` on a free port; its URL once it answers."""
    from tests.test_dashboard_browser import streamlit_server

    env = dict(os.environ)
    env.pop("ENERGYSIM_RESULTS_DIR", None)
    app = REPO_ROOT / "dashboards" / "app.py"
    with streamlit_server(app, ["--results-dir", str(folders["results"])], env) as (url, _):
        yield url


@pytest.fixture(scope="session")
def browser(
    server: str, folders: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """Headless Chromium showing 1366x768, downloading into ``folders['downloads']``."""
    from tests.test_dashboard_browser import Page, headless_chromium

    profile = tmp_path_factory.mktemp("profile")
    with headless_chromium(profile, folders["downloads"]) as driver:
        yield Page(driver, server, folders["shots"])
