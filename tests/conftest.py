"""Shared fixtures.

``shared_data`` points at the project's reference data (``../shared/data`` from the
repository root). Tests that need it skip, saying why, when it is absent, as it is on a
user's fresh machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
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


# --------------------------------------------------------------------------- the browser
# One streamlit server and one headless Chromium for the whole session, shared by
# test_dashboard_browser.py and test_dashboard_design_browser.py (each test starts a fresh
# page load, so no session state carries over). Both modules are in the xdist group
# "browser", so under ``-n`` they run on one worker and still share them.


@pytest.fixture(scope="session")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The dashboard's results folder (with a batch summary), screenshots, downloads, files."""
    from energysim.batch import write_summary
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
    """``streamlit run dashboards/app.py`` on a free port; its URL once it answers."""
    from tests.test_dashboard_browser import free_port

    port = free_port()
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    env.pop("ENERGYSIM_RESULTS_DIR", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(REPO_ROOT / "dashboards" / "app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.fileWatcherType",
            "none",
            "--",
            "--results-dir",
            str(folders["results"]),
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().decode().strip() == "ok":
                    break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        proc.wait()
        pytest.fail(f"streamlit did not start: {proc.stdout.read().decode()[-2000:]}")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.stdout.close()


@pytest.fixture(scope="session")
def browser(
    server: str, folders: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """Headless Chromium showing 1366x768, downloading into ``folders['downloads']``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    from tests.test_dashboard_browser import CHROMEDRIVER, CHROMIUM, HEIGHT, WIDTH, Page

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--window-size={WIDTH},{HEIGHT}",
        f"--user-data-dir={tmp_path_factory.mktemp('profile')}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        # the page itself, not the window with its frame, is 1366x768
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
        )
        driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior",
            {"behavior": "allow", "downloadPath": str(folders["downloads"])},
        )
        yield Page(driver, server, folders["shots"])
    finally:
        driver.quit()
