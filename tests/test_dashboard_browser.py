"""End to end: the dashboard served by streamlit, driven in headless Chromium.

Walks the journeys of issue 14 as a user would and checks what the page shows against
``energysim run`` of the same scenario file: an edit survives leaving the page, an
example or an upload replaces the scenario whole and is what runs, bad files and
refused values give a message at the top (inside a 1366x768 screen) and no traceback,
the Portfolio page reads only batch summaries under its results folder, and there is
no Deploy button. Screenshots of every page at 1366x768 go to pytest's tmp folder
(printed; copied into the folder ``ENERGYSIM_SCREENSHOT`` names, when set).

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them); skips,
saying why, only where no browser is installed.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import tomli_w

from energysim.batch import write_summary
from energysim.cli import main as energysim_main
from energysim.sweep import set_path
from tests.helpers import results_figures

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "scenarios"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
WIDTH, HEIGHT = 1366, 768
TIMEOUT_S = 120

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="no chromium/chromedriver installed (Debian packages chromium, chromium-driver)",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def batch_summary() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": ["a-2026", "a-2027", "b-2026"],
            "complex_id": ["a", "a", "b"],
            "sweep.year": [2026, 2027, 2026],
            "status": ["ok", "ok", "ok"],
            "error": ["", "", ""],
            "specific_yield_kwh_per_kwp": [812.2027, 830.5, 790.0],
        }
    )


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {
        "results": tmp_path_factory.mktemp("results"),
        "shots": tmp_path_factory.mktemp("screenshots"),
        "downloads": tmp_path_factory.mktemp("downloads"),
        "files": tmp_path_factory.mktemp("files"),
    }
    (out["results"] / "portfolio-2026").mkdir()
    write_summary(batch_summary(), out["results"] / "portfolio-2026")
    return out


@pytest.fixture(scope="module")
def server(folders: dict[str, Path]) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    env.pop("ENERGYSIM_RESULTS_DIR", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(REPO / "dashboards" / "app.py"),
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
        cwd=REPO,
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
            time.sleep(0.5)
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


class Page:
    """A user's browser on the dashboard: find, type, choose, read, photograph."""

    def __init__(self, driver: Any, url: str, shots: Path) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support.ui import WebDriverWait

        self.d, self.url, self.shots = driver, url, shots
        self.By, self.Keys = By, Keys
        self.wait = WebDriverWait(driver, TIMEOUT_S)

    # ---- session and waiting
    def open(self) -> None:
        """A new session (a fresh page load) with the default example."""
        self.d.get(self.url)
        self.until(lambda: "This scenario runs" in self.text())

    def until(self, condition: Callable[[], Any], message: str = "") -> Any:
        self.wait.until(lambda _: condition(), message)
        self.idle()
        return condition()

    def idle(self) -> None:
        """Wait until streamlit has finished running the script."""
        time.sleep(0.25)  # the rerun a key press asks for has started by then
        self.wait.until(
            lambda d: (
                d.find_element(self.By.CSS_SELECTOR, "[data-testid='stApp']").get_attribute(
                    "data-test-script-state"
                )
                != "running"
            )
        )
        time.sleep(0.15)

    # ---- reading
    def text(self) -> str:
        return str(self.d.find_element(self.By.TAG_NAME, "body").text)

    def main_text(self) -> str:
        return str(self.d.find_element(self.By.CSS_SELECTOR, "[data-testid='stMain']").text)

    def alerts(self, kind: str) -> list[Any]:
        """Visible alerts of a kind: error, warning, success, info."""
        return [
            e
            for e in self.d.find_elements(
                self.By.CSS_SELECTOR,
                f"[data-testid='stMain'] [data-testid='stAlertContent{kind.title()}']",
            )
            if e.is_displayed()
        ]

    def number(self, label: str) -> str:
        return str(self._number(label).get_attribute("value"))

    def selected(self, label: str) -> str:
        """The option a select box shows."""
        return str(
            self._selectbox(label)
            .find_element(self.By.CSS_SELECTOR, "input")
            .get_attribute("value")
        )

    def metrics(self) -> dict[str, str]:
        out = {}
        for m in self.d.find_elements(self.By.CSS_SELECTOR, "[data-testid='stMetric']"):
            label = m.find_element(self.By.CSS_SELECTOR, "[data-testid='stMetricLabel']").text
            value = m.find_element(self.By.CSS_SELECTOR, "[data-testid='stMetricValue']").text
            out[label.strip()] = value.strip()
        return out

    def in_first_screen(self, element: Any) -> bool:
        """Whether an element is visible without scrolling on a 1366x768 screen."""
        top = self.d.execute_script("return arguments[0].getBoundingClientRect().top;", element)
        return 0 <= float(top) < HEIGHT - 40

    # ---- acting
    def _number(self, label: str) -> Any:
        return self.d.find_element(self.By.XPATH, f"//input[@aria-label={json.dumps(label)}]")

    def _selectbox(self, label: str) -> Any:
        return self.d.find_element(
            self.By.XPATH,
            f"//div[@data-testid='stSelectbox'][.//label[normalize-space(.)={json.dumps(label)}]]",
        )

    def type_number(self, label: str, value: float) -> None:
        field = self._number(label)
        field.send_keys(self.Keys.CONTROL, "a")
        field.send_keys(str(value), self.Keys.ENTER)
        self.idle()

    def choose(self, label: str, option: str) -> None:
        self._selectbox(label).find_element(self.By.CSS_SELECTOR, "input").click()
        self.wait.until(
            lambda d: d.find_elements(
                self.By.XPATH, f"//*[@role='option'][normalize-space(.)={json.dumps(option)}]"
            )
        )
        self.d.find_element(
            self.By.XPATH, f"//*[@role='option'][normalize-space(.)={json.dumps(option)}]"
        ).click()
        self.idle()

    def page(self, name: str, expect: str) -> None:
        self.d.find_element(
            self.By.XPATH,
            f"//section[@data-testid='stSidebar']//label[.//*[normalize-space(text())='{name}']]",
        ).click()
        self.until(lambda: expect in self.main_text(), f"{name}: {expect!r} not shown")

    def upload(self, path: Path, where: str = "stSidebar") -> None:
        self.d.find_element(
            self.By.CSS_SELECTOR, f"[data-testid='{where}'] input[type='file']"
        ).send_keys(str(path))
        self.until(lambda: path.name in self.text(), f"{path.name} not taken in")

    def download(self, folder: Path) -> Path:
        for old in folder.iterdir():
            old.unlink()
        self.d.find_element(self.By.CSS_SELECTOR, "[data-testid='stDownloadButton'] button").click()
        self.wait.until(
            lambda _: [p for p in folder.iterdir() if p.suffix == ".toml"], "no download"
        )
        time.sleep(0.5)
        return next(p for p in folder.iterdir() if p.suffix == ".toml")

    def shot(self, name: str) -> Path:
        self.d.execute_script(
            "for (const e of document.querySelectorAll('*')) {"
            " if (e.scrollTop > 0) { e.scrollTop = 0; } }"
        )
        time.sleep(1.0)  # let charts draw before the picture
        path = self.shots / f"{name}.png"
        self.d.save_screenshot(str(path))
        assert path.stat().st_size > 10_000
        print(f"screenshot: {path}")
        keep = os.environ.get("ENERGYSIM_SCREENSHOT")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(keep) / path.name)
        return path


@pytest.fixture(scope="module")
def browser(server: str, folders: dict[str, Path], tmp_path_factory) -> Iterator[Page]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

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


# --------------------------------------------------------------------------- expected
def energysim_run(path: Path, out: Path) -> dict[str, Any]:
    """``energysim run FILE`` and its summary.json."""
    assert energysim_main(["run", str(path), "--out", str(out)]) == 0
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    return dict(json.loads((folder / "summary.json").read_text(encoding="utf-8")))


def example(name: str) -> dict[str, Any]:
    return tomllib.loads((SCENARIOS / f"{name}.toml").read_text(encoding="utf-8"))


def write(folder: Path, name: str, data: dict[str, Any] | bytes) -> Path:
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else tomli_w.dumps(data).encode())
    return path


def results_shown(page: Page) -> dict[str, str]:
    page.page("Results", "Benefit per household")
    return page.metrics()


# --------------------------------------------------------------------------- journeys
def test_an_edit_stays_after_leaving_the_page_and_the_download_runs_the_same(
    browser: Page, folders: dict[str, Path], tmp_path: Path
) -> None:
    page = browser
    page.open()
    assert "Deploy" not in page.text()
    page.d.find_element(page.By.CSS_SELECTOR, "[data-testid='stMainMenu'] button").click()
    menu = page.until(lambda: page.d.find_element(page.By.CSS_SELECTOR, "[role='menu']").text)
    assert "Print" in menu  # the viewer's menu, without the developer's items
    for item in ("Deploy", "Rerun", "Clear cache", "Settings"):
        assert item not in menu
    page.d.find_element(page.By.TAG_NAME, "body").send_keys(page.Keys.ESCAPE)
    page.shot("scenario")
    page.type_number("GF1-strings: capacity (kWp)", 60)
    page.until(lambda: "135.0 kWp" in page.main_text(), "the edit did not apply")
    edited = set_path(example("rotterdam-galerijflat"), "buildings[0].arrays[2].capacity_kwp", 60.0)
    expected = energysim_run(write(tmp_path, "edited.toml", edited), tmp_path / "run")
    assert results_shown(page) == results_figures(expected)
    assert "rotterdam-galerijflat.toml (example, edited)" in page.main_text()
    page.shot("results")
    page.page("Scenario", "Roof")
    assert page.number("GF1-strings: capacity (kWp)") == "60.00"
    assert "135.0 kWp" in page.main_text()
    downloaded = page.download(folders["downloads"])
    again = energysim_run(downloaded, tmp_path / "again")
    assert results_figures(again) == results_figures(expected)


def test_an_example_replaces_the_scenario_and_the_measured_one_runs(
    browser: Page, tmp_path: Path
) -> None:
    page = browser
    page.open()
    page.type_number("Dwellings", 90)
    page.choose("Start from an example", "walkup-portiekflat")
    page.until(lambda: "walkup-portiekflat.toml (example)" in page.main_text())
    assert page.number("Dwellings") == "24"
    assert page.number("Dwellings taking part") == "24"
    assert page.number("Neighbourhood members") == "0"
    assert page.number("Panel fee per participating dwelling (EUR/yr)") == "72.00"
    assert page.selected("Year (net metering ends 1 Jan 2027)") == "2026"
    expected = energysim_run(SCENARIOS / "walkup-portiekflat.toml", tmp_path / "walkup")
    assert results_shown(page) == results_figures(expected)

    page.page("Scenario", "Roof")
    page.choose("Start from an example", "measured-complex")
    page.until(lambda: "This scenario runs" in page.main_text(), "measured example refused")
    assert page.selected("Year (net metering ends 1 Jan 2027)") == "2026"
    expected = energysim_run(SCENARIOS / "measured-complex.toml", tmp_path / "measured")
    assert results_shown(page) == results_figures(expected)
    assert not page.alerts("error")


def test_an_upload_shows_and_runs_its_tier_order_key_and_scheme(
    browser: Page, folders: dict[str, Path], tmp_path: Path
) -> None:
    data = example("rotterdam-galerijflat")
    data["name"] = "custom-tiers"
    data["allocation"]["order"] = ["members", "tenants", "common"]
    data["allocation"]["tenants"] = {"key": {"method": "equal", "variant": "export"}}
    data["allocation"]["members"]["mode"] = "postcoderoos"
    path = write(folders["files"], "custom-tiers.toml", data)
    page = browser
    page.open()
    page.upload(path)
    page.until(lambda: "custom-tiers.toml (uploaded)" in page.main_text())
    assert page.selected("Tier order") == "members -> tenants -> common"
    assert page.selected("Tenants' key") == "equal (export)"
    assert page.selected("Members' scheme") == "postcoderoos"
    expected = energysim_run(path, tmp_path / "custom")
    default = energysim_run(SCENARIOS / "rotterdam-galerijflat.toml", tmp_path / "default")
    assert results_figures(expected) != results_figures(default)
    assert results_shown(page) == results_figures(expected)


def test_bad_files_and_refused_values_say_so_at_the_top_without_a_traceback(
    browser: Page, folders: dict[str, Path]
) -> None:
    good = (SCENARIOS / "rotterdam-galerijflat.toml").read_text(encoding="utf-8")
    files = {
        "year1999.toml": (good.replace("year = 2027", "year = 1999").encode(), "found 1999"),
        "empty.toml": (b"", "field 'buildings': required field is missing"),
        "typo.toml": (
            good.replace("dwellings = 80", "dwelings = 80").encode(),
            "field 'buildings[0].dwelings': unknown key",
        ),
    }
    page = browser
    page.open()
    for name, (content, message) in files.items():
        page.upload(write(folders["files"], name, content))
        errors = page.until(lambda: page.alerts("error"), f"{name}: no error shown")
        assert "This scenario cannot run" in errors[0].text and message in errors[0].text
        assert page.in_first_screen(errors[0])
        assert "This scenario runs" not in page.main_text()
        for word in ("Traceback", "KeyError", 'File "'):
            assert word not in page.text()
        page.shot(f"upload-{name.removesuffix('.toml')}")
    assert page.selected("Year (net metering ends 1 Jan 2027)") == "2027"  # typo.toml's
    page.page("Results", "Results")
    assert "This scenario cannot run" in page.alerts("error")[0].text
    assert not page.metrics()

    # a value the library refuses clears the valid state, at the top and at the field
    page.page("Scenario", "Roof")
    page.choose("Start from an example", "rotterdam-galerijflat")
    page.until(lambda: "This scenario runs" in page.main_text())
    page.type_number("Dwellings", 0)
    errors = page.until(lambda: page.alerts("error"), "0 dwellings accepted")
    assert "This scenario runs" not in page.main_text()
    assert "buildings[0].dwellings" in errors[0].text and page.in_first_screen(errors[0])
    assert any("greater than 0" in e.text for e in errors[1:])
    page.shot("refused-value")
    page.type_number("Dwellings", 80)
    page.type_number("GF1-strings: capacity (kWp)", -5)
    page.until(lambda: page.alerts("error"), "-5 kWp accepted")
    assert "This scenario runs" not in page.main_text()


def test_an_implausible_roof_is_warned_about(browser: Page) -> None:
    page = browser
    page.open()
    page.type_number("GF1-strings: capacity (kWp)", 100000)
    warnings = page.until(lambda: page.alerts("warning"), "no warning for 100,000 kWp")
    text = " ".join(w.text for w in warnings)
    assert "kWp per dwelling" in text and "whole electricity bill" in text
    page.shot("implausible")


def test_compare_ownership_and_portfolio_pages(browser: Page, folders: dict[str, Path]) -> None:
    page = browser
    page.open()
    page.page("Compare", "this scenario in 2026 - this scenario")
    page.shot("compare")
    page.page("Ownership", "local ownership (by production)")
    page.d.find_element(
        page.By.XPATH, "//label[.//*[normalize-space(text())='example register']]"
    ).click()
    page.until(lambda: "Voorne aan Zee" in page.main_text(), "register not shown")
    page.shot("ownership")

    page.page("Portfolio", "Upload a batch summary")
    assert "a path on this machine" not in page.main_text()
    page.choose(
        f"...or a batch summary under {folders['results']}", "portfolio-2026/batch_summary.csv"
    )
    page.until(lambda: "3 units" in page.main_text(), "summary not opened")
    page.choose("Filter on column", "sweep.year")
    page.choose("...equal to", "2027")
    page.until(lambda: page.metrics().get("Units shown") == "1", "filter not exact")
    page.shot("portfolio")
    page.upload(SCENARIOS / "register_example.csv", where="stMain")
    error = page.until(lambda: page.alerts("error"), "a register shown as units")[0]
    assert "not a batch summary" in error.text
