"""End to end: the dashboard served by streamlit, driven in headless Chromium.

Walks the dashboard as a user would and checks what the page shows against
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
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import tomli_w

from dashboards.scenario.state import starting_table
from dashboards.shared import i18n
from energysim.batch.runner import write_summary
from energysim.batch.sweep import set_path
from energysim.cli.main import main as energysim_main
from energysim.core.csv_dialect import read_csv_file
from tests.helpers import results_figures, storage_figures

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "scenarios"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
WIDTH, HEIGHT = 1366, 768
SIZES = ((1366, 768), (1920, 1080))
TIMEOUT_S = 120
POLL_S = 0.05
"""How often a wait looks again (selenium's default, 0.5 s, adds a quarter second a wait)."""
RUN_START_S = 0.5
"""How long after an action its rerun may take to start (mostly 0.05 s; more under load)."""
BUSY = ("running", "rerunRequested")
CHARTS_DRAWN_JS = """
let shown = 0;
for (const chart of document.querySelectorAll("[data-testid='stPlotlyChart']")) {
  if (chart.offsetParent === null) continue;  // in a tab not open
  const svg = chart.querySelector('svg.main-svg');
  if (!svg || !(svg.getBoundingClientRect().width > 0)) return null;
  shown += 1;
}
return shown;
"""
SCRIPT_STATE_JS = """
const app = document.querySelector("[data-testid='stApp']");
if (!app) return ['absent', -1];
if (window.__esApp !== app) {
  window.__esApp = app; window.__esChanges = 0;
  new MutationObserver((records) => { window.__esChanges += records.length; })
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}
return [app.getAttribute('data-test-script-state'), window.__esChanges];
"""


def T(key: str, **fill: Any) -> str:
    """A string of the dashboard's Dutch catalogue (the language a session starts in)."""
    return i18n.text("nl", key, **fill)


RUNS = T("scenario.ready").split(":")[0]  # "Dit scenario kan worden doorgerekend"
CANNOT = T("common.cannot_run_many").rstrip(":")

pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None or CHROMEDRIVER is None,
        reason="no chromium/chromedriver installed (Debian packages chromium, chromium-driver)",
    ),
    # run first (tests/conftest.py): under ``-n 2`` both workers take browser tests, each
    # with its own server and browser (the session's), and share the short tests at the end
    pytest.mark.slow,
]


def xq(text: str) -> str:
    """A string as an XPath literal (in double quotes; accents and € kept as they are)."""
    return json.dumps(text, ensure_ascii=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def streamlit_server(
    app: Path, args: list[str], env: dict[str, str], cwd: Path = REPO
) -> Iterator[tuple[str, int]]:
    """``python -m streamlit run APP -- ARGS`` headless on a free port, started in ``cwd``
    (``python -m`` puts that folder on ``sys.path``: the repository root, where the
    ``dashboards`` package is); its URL once it answers, and the server's process id
    (``benchmarks/dashboard.py`` serves its apps this way and reads the server's memory)."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(app),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.fileWatcherType",
            "none",
            "--",
            *args,
        ],
        cwd=cwd,
        env={**env, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    try:
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
            assert proc.stdout is not None
            raise RuntimeError(f"streamlit did not start: {proc.stdout.read().decode()[-2000:]}")
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


@contextmanager
def headless_chromium(profile: Path, downloads: Path) -> Iterator[Any]:
    """Headless Chromium (selenium) showing 1366x768, downloading into ``downloads``."""
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
        f"--user-data-dir={profile}",
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
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        yield driver
    finally:
        driver.quit()


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


class Page:
    """A user's browser on the dashboard: find, type, choose, read, photograph."""

    def __init__(self, driver: Any, url: str, shots: Path) -> None:
        from selenium.common.exceptions import (
            NoSuchElementException,
            StaleElementReferenceException,
        )
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support.ui import WebDriverWait

        self.d, self.url, self.shots = driver, url, shots
        self.By, self.Keys = By, Keys
        # a rerun replaces elements while a condition reads them: look again
        self.wait = WebDriverWait(
            driver,
            TIMEOUT_S,
            poll_frequency=POLL_S,
            ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
        )

    # ---- session and waiting
    def open(self) -> None:
        """A new session (a fresh page load) with the default example."""
        self.d.get(self.url)
        self.until(lambda: RUNS in self.text())

    def until(self, condition: Callable[[], Any], message: str = "") -> Any:
        self.wait.until(lambda _: condition(), message)
        self.idle()
        return condition()

    def script_state(self) -> tuple[str, int]:
        """Streamlit's script state and how often it has changed since the page loaded."""
        state, changes = self.d.execute_script(SCRIPT_STATE_JS)
        return str(state), int(changes)

    def idle(self) -> None:
        """Wait until streamlit has finished the run the last action asked for.

        The run starts a moment after a click or key press; it is seen starting (the state
        changes or is running), or, when none starts within ``RUN_START_S``, there is none.
        """
        _, before = self.script_state()
        deadline = time.monotonic() + RUN_START_S
        while time.monotonic() < deadline:
            state, changes = self.script_state()
            if state in BUSY or changes != before:
                break
            time.sleep(POLL_S)
        self.wait.until(lambda _: self.script_state()[0] not in BUSY)
        time.sleep(0.1)  # the last elements drawn

    def charts_drawn(self) -> int | None:
        """How many plotly charts the screen shows, or None while one of them has not drawn."""
        count = self.d.execute_script(CHARTS_DRAWN_JS)
        return None if count is None else int(count)

    def pictures_drawn(self) -> int:
        """Wait until every chart shown has drawn and the browser has painted it; how many."""
        self.wait.until(lambda _: self.charts_drawn() is not None, "a chart did not draw")
        self.d.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "requestAnimationFrame(() => requestAnimationFrame(() => done(true)));"
        )
        return int(self.charts_drawn() or 0)

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
    def find(self, by: str, where: str) -> Any:
        """The first element found, once there is one (a rerun may still be drawing)."""
        found = self.wait.until(lambda d: d.find_elements(by, where), f"not shown: {where}")
        return found[0]

    def _number(self, label: str) -> Any:
        return self.find(self.By.XPATH, f"//input[@aria-label={xq(label)}]")

    def _selectbox(self, label: str) -> Any:
        return self.find(
            self.By.XPATH,
            f"//div[@data-testid='stSelectbox'][.//label[normalize-space(.)={xq(label)}]]",
        )

    def type_number(self, label: str, value: float | str) -> None:
        field = self._number(label)
        field.send_keys(self.Keys.CONTROL, "a")
        field.send_keys(str(value), self.Keys.ENTER)
        self.idle()

    def choose(self, label: str, option: str) -> None:
        self._selectbox(label).find_element(self.By.CSS_SELECTOR, "input").click()
        self.wait.until(
            lambda d: d.find_elements(
                self.By.XPATH, f"//*[@role='option'][normalize-space(.)={xq(option)}]"
            )
        )
        self.d.find_element(
            self.By.XPATH, f"//*[@role='option'][normalize-space(.)={xq(option)}]"
        ).click()
        self.idle()

    def page(self, name: str, expect: str) -> None:
        self.find(
            self.By.XPATH,
            f"//section[@data-testid='stSidebar']//label[.//*[normalize-space(text())='{name}']]",
        ).click()
        self.until(lambda: expect in self.main_text(), f"{name}: {expect!r} not shown")

    def open_section(self, label: str) -> None:
        """Open a folded section (Results', :mod:`dashboards.results.sections`, or the
        Scenario page's) by a click on its label, and wait for the run that draws it (an
        open one stays open)."""
        summary = self.find(
            self.By.XPATH,
            f"//*[@data-testid='stExpander']//summary[contains(normalize-space(.), {xq(label)})]",
        )
        details = summary.find_element(self.By.XPATH, "./ancestor::details[1]")
        if details.get_attribute("open") is None:
            # scrolled to the middle first: at the edge a sticky header can take the click
            self.d.execute_script("arguments[0].scrollIntoView({block: 'center'});", summary)
            summary.click()
            self.idle()

    def upload(self, path: Path, where: str = "stSidebar") -> None:
        self.find(self.By.CSS_SELECTOR, f"[data-testid='{where}'] input[type='file']").send_keys(
            str(path)
        )
        self.until(lambda: path.name in self.text(), f"{path.name} not taken in")

    def download(self, folder: Path) -> Path:
        for old in folder.iterdir():
            old.unlink()
        self.find(self.By.CSS_SELECTOR, "[data-testid='stDownloadButton'] button").click()
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
        self.pictures_drawn()
        path = self.shots / f"{name}.png"
        self.d.save_screenshot(str(path))
        assert path.stat().st_size > 10_000
        print(f"screenshot: {path}")
        keep = os.environ.get("ENERGYSIM_SCREENSHOT")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(keep) / path.name)
        return path


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
    """The headline figures of Results, once the browser has drawn them.

    The benefit heading can be drawn before the metrics under it (the browser draws a
    rerun's elements over a few frames), so wait for the metrics themselves.
    """
    page.page(T("nav.results"), T("results.benefit_heading"))
    return page.until(page.metrics, "Results shows no headline figures")


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
    page.type_number(T("form.capacity", name="GF1-strings"), 60)
    page.until(lambda: "135,0 kWp" in page.main_text(), "the edit did not apply")
    edited = set_path(example("rotterdam-galerijflat"), "buildings[0].arrays[2].capacity_kwp", 60.0)
    expected = energysim_run(write(tmp_path, "edited.toml", edited), tmp_path / "run")
    assert results_shown(page) == results_figures(expected)
    assert "rotterdam-galerijflat.toml (voorbeeld, aangepast)" in page.main_text()
    page.shot("results")
    page.page(T("nav.scenario"), T("scenario.section_roof"))
    assert page.number(T("form.capacity", name="GF1-strings")) == "60"  # kWp, whole
    assert "135,0 kWp" in page.main_text()
    downloaded = page.download(folders["downloads"])
    again = energysim_run(downloaded, tmp_path / "again")
    assert results_figures(again) == results_figures(expected)


def test_a_reload_keeps_the_edited_scenario_and_the_page(browser: Page) -> None:
    """Streamlit forgets a session on a reload; the address's token brings it back."""
    page = browser
    page.open()
    page.type_number(T("form.capacity", name="GF1-strings"), "60,5")
    page.until(lambda: "135,5 kWp" in page.main_text(), "the edit did not apply")
    page.page(T("nav.results"), T("results.benefit_heading"))
    assert "sessie=" in page.d.current_url
    page.d.refresh()
    page.until(lambda: T("results.benefit_heading") in page.main_text(), "not back on Results")
    assert "rotterdam-galerijflat.toml (voorbeeld, aangepast)" in page.text()
    page.page(T("nav.scenario"), T("scenario.section_roof"))
    assert page.number(T("form.capacity", name="GF1-strings")) == "60,5"
    page.shot("scenario-after-reload")
    again = T("session.example_again")
    page.find(page.By.XPATH, f"//button[normalize-space(.)={xq(again)}]").click()
    page.until(lambda: "(voorbeeld)" in page.text(), "the example did not come back")
    assert page.number(T("form.capacity", name="GF1-strings")) == "30"


def test_an_example_replaces_the_scenario_and_the_measured_one_runs(
    browser: Page, tmp_path: Path
) -> None:
    page = browser
    page.open()
    page.type_number(T("form.dwellings"), 90)
    page.choose(T("nav.example"), "walkup-portiekflat")
    page.until(lambda: "walkup-portiekflat.toml (voorbeeld)" in page.main_text())
    assert page.number(T("form.dwellings")) == "24"
    assert page.number(T("form.participating")) == "24"
    assert page.number(T("form.members")) == "0"
    assert page.number(T("form.panel_fee")) == "72"  # whole euros a year
    assert page.selected(T("form.year")) == "2026"
    expected = energysim_run(SCENARIOS / "walkup-portiekflat.toml", tmp_path / "walkup")
    assert results_shown(page) == results_figures(expected)

    page.page(T("nav.scenario"), T("scenario.section_roof"))
    page.choose(T("nav.example"), "measured-complex")
    page.until(lambda: RUNS in page.main_text(), "measured example refused")
    assert page.selected(T("form.year")) == "2026"
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
    page.until(lambda: "custom-tiers.toml (geüpload)" in page.main_text())
    assert page.selected(T("form.order")) == "leden → huurders → algemeen"
    assert page.selected(T("form.tenants_key")) == T("key.equal_export")
    assert page.selected(T("form.mode")) == T("mode.postcoderoos")
    expected = energysim_run(path, tmp_path / "custom")
    default = energysim_run(SCENARIOS / "rotterdam-galerijflat.toml", tmp_path / "default")
    assert results_figures(expected) != results_figures(default)
    assert results_shown(page) == results_figures(expected)


def test_bad_files_and_refused_values_say_so_at_the_top_without_a_traceback(
    browser: Page, folders: dict[str, Path]
) -> None:
    good = (SCENARIOS / "rotterdam-galerijflat.toml").read_text(encoding="utf-8")
    files = {
        "year1999.toml": (good.replace("year = 2027", "year = 1999").encode(), "gevonden 1999"),
        "empty.toml": (b"", "veld 'buildings': dit verplichte veld ontbreekt"),
        "typo.toml": (
            good.replace("dwellings = 80", "dwelings = 80").encode(),
            "veld 'buildings[0].dwelings': onbekende sleutel",
        ),
    }
    page = browser
    page.open()
    for name, (content, message) in files.items():
        page.upload(write(folders["files"], name, content))
        errors = page.until(lambda: page.alerts("error"), f"{name}: no error shown")
        assert CANNOT in errors[0].text and message in errors[0].text
        assert page.in_first_screen(errors[0])
        assert RUNS not in page.main_text()
        for word in ("Traceback", "KeyError", 'File "'):
            assert word not in page.text()
        page.shot(f"upload-{name.removesuffix('.toml')}")
    assert page.selected(T("form.year")) == "2027"  # typo.toml's
    page.page(T("nav.results"), T("nav.results"))
    assert CANNOT in page.alerts("error")[0].text
    assert not page.metrics()

    # a value the library refuses clears the valid state, at the top and at the field
    page.page(T("nav.scenario"), T("scenario.section_roof"))
    page.choose(T("nav.example"), "rotterdam-galerijflat")
    page.until(lambda: RUNS in page.main_text())
    page.type_number(T("form.dwellings"), 0)
    errors = page.until(lambda: page.alerts("error"), "0 dwellings accepted")
    assert RUNS not in page.main_text()
    assert f"veld '{T('form.dwellings')}'" in errors[0].text and page.in_first_screen(errors[0])
    assert any("moet groter zijn dan 0" in e.text for e in errors[1:])
    page.shot("refused-value")
    page.type_number(T("form.dwellings"), 80)
    page.type_number(T("form.capacity", name="GF1-strings"), -5)
    page.until(lambda: page.alerts("error"), "-5 kWp accepted")
    assert RUNS not in page.main_text()


def test_uploads_above_the_limits_are_refused_in_dutch(
    browser: Page, folders: dict[str, Path]
) -> None:
    """A scenario too large to run quickly, and a file above its kind's size limit: a
    Dutch message at the top, the scenario kept (screenshots upload-too-*)."""
    good = (SCENARIOS / "rotterdam-galerijflat.toml").read_text(encoding="utf-8")
    slow = good.replace("dwellings = 80", "dwellings = 8000").encode()
    huge = good.encode() + b"# " + b"x" * 1_100_000 + b"\n"
    files = {
        "groot.toml": (slow, "groot.toml is te groot om in het dashboard vlot door te rekenen"),
        "enorm.toml": (huge, "het dashboard neemt een bestand van dit soort aan tot 1 MB"),
    }
    page = browser
    page.open()
    page.choose(T("nav.example"), "rotterdam-galerijflat")
    page.until(lambda: RUNS in page.main_text())
    for name, (content, message) in files.items():
        page.upload(write(folders["files"], name, content))
        errors = page.until(lambda: page.alerts("error"), f"{name}: no error shown")
        assert message in errors[0].text and T("session.upload_refused", message="") in (
            errors[0].text + " "
        )
        assert page.in_first_screen(errors[0])
        assert "Traceback" not in page.text()
        page.shot(f"upload-too-{'slow' if name == 'groot.toml' else 'large'}")
    assert page.number(T("form.dwellings")) == "80"  # the example stays


ENGLISH = re.compile(r"\b(expected|found|field|column|row|missing|should|not allowed)\b")
"""Words of the engine's (and Streamlit's) English messages."""


def test_errors_are_dutch_without_server_paths(browser: Page, folders: dict[str, Path]) -> None:
    """A refused value, a register the engine refuses and a file of the wrong kind: each
    said in Dutch, naming the user's file and never the server's folder (screenshots
    error-*)."""
    page = browser
    page.open()
    page.type_number(T("form.dwellings"), 0)
    errors = page.until(lambda: page.alerts("error"), "0 dwellings accepted")
    assert "moet groter zijn dan 0" in errors[0].text
    assert not [e.text for e in errors if ENGLISH.search(e.text)]
    page.shot("error-value")
    page.type_number(T("form.dwellings"), 80)
    page.until(lambda: RUNS in page.main_text())

    page.upload(write(folders["files"], "notities.txt", b"hallo"))
    error = page.until(lambda: page.alerts("error"), "a text file taken in")[0]
    assert T("upload.wrong_type", name="notities.txt", expected=".toml") in error.text
    assert "not allowed" not in page.text()
    page.shot("error-wrong-file")

    page.page(T("nav.ownership"), T("ownership.this_scenario"))
    page.d.find_element(
        page.By.XPATH,
        f"//label[.//*[normalize-space(text())={xq(T('ownership.source_upload'))}]]",
    ).click()
    page.idle()
    page.upload(write(folders["files"], "eigenaren.csv", b"installation_id,owner\n1,a\n"), "stMain")
    error = page.until(
        lambda: [e for e in page.alerts("error") if "eigenaren.csv" in e.text],
        "a bad register taken in",
    )[0]
    assert "kolom" in error.text
    assert "/tmp" not in page.text() and "energysim-" not in page.text()
    assert not ENGLISH.search(error.text) and "Engels" not in error.text, error.text
    page.shot("error-register")

    # above Streamlit's own limit (server.maxUploadSize): its refusal, in Dutch
    huge = write(folders["files"], "groot.csv", b"x" * 26_000_000)
    page.upload(huge, "stMain")
    said = T("upload.streamlit_too_large", limit="|").split("|")[0]  # "Het bestand mag hooguit"
    page.until(lambda: "or smaller" not in page.text() and said in page.text(), "English")
    page.shot("error-streamlit-limit")


def test_an_implausible_roof_is_warned_about(browser: Page) -> None:
    page = browser
    page.open()
    page.type_number(T("form.capacity", name="GF1-strings"), 100000)
    warnings = page.until(lambda: page.alerts("warning"), "no warning for 100,000 kWp")
    text = " ".join(w.text for w in warnings)
    # said in Dutch, with the Scenario page's words, not the engine's English
    assert "kWp per woning is meer dan een dak meestal draagt" in text
    assert "capacity_kwp" not in text and "kWp per dwelling" not in text
    page.shot("implausible")
    # what the run finds (households gaining more than their bill) is said on Results,
    # which runs the scenario
    page.page(T("nav.results"), T("results.generation"))
    warnings = page.until(lambda: page.alerts("warning"), "no warning on Results")
    assert "meer op vooruit dan hun hele stroomrekening" in " ".join(w.text for w in warnings)


NUMBER_FIELDS = (
    # (label, scenario field, Dutch form, value): every kind of number field
    (T("form.sharing_fee"), "finance.sharing_fee_eur_per_kwh", "0,05", 0.05),
    (T("form.capacity", name="GF1-strings"), "buildings[0].arrays[2].capacity_kwp", "24,5", 24.5),
    (T("form.azimuth", name="GF1-east"), "buildings[0].arrays[0].surface_azimuth_deg", "92,5",
     92.5),
    (T("storage.battery.capacity_kwh"), "buildings[0].battery.capacity_kwh", "1.250,5", 1250.5),
    # last: 1,250 members make every run after it a large one
    (T("form.members"), "buildings[0].members.count", "1.250", 1250),
)  # fmt: skip


def type_every_number_field(page: Page) -> None:
    """Switch the shared battery on and type the Dutch form of each of
    :data:`NUMBER_FIELDS`."""
    page.find(
        page.By.XPATH,
        f"//label[.//*[normalize-space(text())={xq(T('storage.battery.title'))}]]",
    ).click()
    page.idle()
    for label, _, typed, _ in NUMBER_FIELDS:
        page.type_number(label, typed)
        page.until(lambda typed=typed: not page.alerts("error"), f"{typed} refused")


def test_dutch_numbers_in_every_number_field_run_as_energysim_run(
    browser: Page, tmp_path: Path
) -> None:
    """A Dutch page (``lang="nl"``): ``0,05`` is five cents, ``1.250`` members are 1250;
    Results equal ``energysim run`` of the scenario so typed; undo brings it back; an
    ambiguous ``1.250`` kWp is refused in one Dutch line and the roof stays."""
    page = browser
    page.open()
    # the page's script sets the language a moment after the page is drawn
    lang = 'return document.documentElement.lang === "nl"'
    page.until(lambda: page.d.execute_script(lang), 'the page is not lang="nl"')
    assert page.number(T("form.sharing_fee")) == "0,020"  # the Dutch decimal comma
    data = example("rotterdam-galerijflat")
    data = set_path(data, "buildings[0].battery", starting_table("battery", data))
    for _, path, _, value in NUMBER_FIELDS:
        data = set_path(data, path, value)
    expected = energysim_run(write(tmp_path, "typed.toml", data), tmp_path / "run")
    expected_shown = results_figures(expected) | storage_figures(expected)
    # the Dutch forms (the English ones give the same scenario and Results: the same
    # server code reads both, tests/test_dashboard_numbers.py types them without a browser)
    type_every_number_field(page)
    page.shot("numbers-dutch")
    assert results_shown(page) == expected_shown
    page.page(T("nav.scenario"), T("scenario.section_roof"))
    # back on the page, each field shows the scenario's value the Dutch way
    assert page.number(T("form.sharing_fee")) == "0,050"
    assert page.number(T("form.members")) == "1250"
    assert page.number(T("storage.battery.capacity_kwh")) == "1250,5"
    undo = f"//button[.//*[normalize-space(text())={xq(T('scenario.undo'))}]]"
    page.find(page.By.XPATH, undo).click()
    page.until(lambda: page.number(T("form.sharing_fee")) == "0,020", "no undo")

    kwp = T("form.capacity", name="GF1-strings")
    # in the middle of the screen, where a user has the field they type in (left to the
    # driver, it is scrolled to the bottom edge, and the message under it falls off screen)
    page.d.execute_script("arguments[0].scrollIntoView({block: 'center'});", page._number(kwp))
    roof = page.number(kwp)  # the example's, after the undo
    page.type_number(kwp, "1.250")
    errors = page.until(lambda: page.alerts("error"), "an ambiguous 1.250 kWp was taken")
    reason = T("numbers.ambiguous", text="1.250", decimal="1,25", thousands="1250")
    said = [e for e in errors if T("numbers.refused", field=kwp, reason=reason) in e.text]
    assert len(said) == 2  # at the top, and at the field, where the user is
    # where the page settles (the message at the top moves the field down as it is drawn)
    page.until(lambda: page.in_first_screen(said[-1]), "the message at the field is off screen")
    tops = "return [...arguments].map((e) => e.getBoundingClientRect().top);"
    field_top, said_top = page.d.execute_script(tops, page._number(kwp), said[-1])
    assert 0 < said_top - field_top < 200  # right under the field, not somewhere else
    assert page.number(kwp) == roof  # the scenario's roof, unchanged
    page.shot("numbers-ambiguous")


def test_who_gains_least_names_the_tenants_who_do_not_take_part(browser: Page) -> None:
    """Results' "Wie het minst voordeel heeft" in Dutch: the default example's tenants who
    do not take part are a group of the table ("Doet mee": nee), EUR 19 a year each."""
    page = browser
    page.open()
    page.page(T("nav.results"), T("results.least_heading"))
    page.open_section(T("results.least_heading"))
    heading = page.find(
        page.By.XPATH, f"//*[normalize-space(text())={xq(T('results.least_heading'))}]"
    )
    page.d.execute_script("arguments[0].scrollIntoView();", heading)
    # the table after the heading: the grid's cells as its accessible table gives them
    after = f"[preceding::*[normalize-space(text())={xq(T('results.least_heading'))}]]"
    grid = page.find(page.By.XPATH, f"//*[@data-testid='stDataFrame']{after}")

    def cells() -> list[str]:
        return [str(c.get_attribute("textContent")) for c in grid.find_elements("tag name", "td")]

    page.until(cells, "the table of least benefit shows no cells")
    assert T("col.participating") in grid.get_attribute("textContent")
    shown = cells()
    assert shown.count(T("common.no")) == 5  # five tenants who do not take part
    assert shown.count(T("common.yes")) == 10  # five tenants taking part, five members
    assert "19" in shown
    path = page.shots / "results-least.png"
    page.d.save_screenshot(str(path))
    keep = os.environ.get("ENERGYSIM_SCREENSHOT")
    if keep:
        shutil.copy(path, Path(keep) / path.name)


def test_the_added_rooftop_asks_for_its_municipality(browser: Page) -> None:
    """Ownership in Dutch: the default example names no municipality, so adding its
    rooftop asks where it lies (no first-of-the-list guess); Rotterdam then shows it."""
    page = browser
    page.open()
    page.page(T("nav.ownership"), T("ownership.this_scenario"))
    for label in (T("ownership.source_example"), T("ownership.add")):
        page.find(page.By.XPATH, f"//label[.//*[normalize-space(text())={xq(label)}]]").click()
        page.idle()
    ask = T("ownership.municipality_ask", postcode="3074")
    page.until(lambda: ask in page.main_text(), "the page did not ask for the municipality")
    assert T("ownership.series_incl_rooftops_with_added") not in page.main_text()
    assert page.selected(T("ownership.municipality")) == ""
    page.shot("ownership-add-ask")
    page.choose(T("ownership.municipality"), "Rotterdam")
    page.until(lambda: T("ownership.series_incl_rooftops_with_added") in page.main_text())
    assert ask not in page.main_text()
    page.shot("ownership-add-rotterdam")


def test_compare_ownership_and_portfolio_pages(browser: Page, folders: dict[str, Path]) -> None:
    page = browser
    page.open()
    page.page(T("nav.compare"), T("compare.table_heading"))
    page.page(T("nav.ownership"), T("ownership.this_scenario"))
    page.d.find_element(
        page.By.XPATH,
        f"//label[.//*[normalize-space(text())={xq(T('ownership.source_example'))}]]",
    ).click()
    page.until(lambda: "Voorne aan Zee" in page.main_text(), "register not shown")

    page.page(T("nav.portfolio"), T("portfolio.upload"))
    assert "a path on this machine" not in page.main_text()
    page.choose(
        T("portfolio.pick", folder=str(folders["results"])), "portfolio-2026/batch_summary.csv"
    )
    page.until(lambda: "3 eenheden" in page.main_text(), "summary not opened")
    assert str(folders["results"]) not in page.text()  # no server folder on screen
    page.choose(T("portfolio.filter"), T("portfolio.sweep_column", name=T("setting.year")))
    page.choose(T("portfolio.equal_to"), "2027")
    page.until(lambda: page.metrics().get(T("portfolio.units_shown")) == "1", "filter not exact")
    page.upload(SCENARIOS / "register_example.csv", where="stMain")
    error = page.until(lambda: page.alerts("error"), "a register shown as units")[0]
    assert "geen samenvatting van een portefeuilleberekening" in error.text


# --------------------------------------------------------------------------- words, pictures
def test_a_portfolio_is_computed_in_the_browser_and_opened(browser: Page) -> None:
    """The example portfolio under both rules: started, its progress, its result."""
    page = browser
    page.open()
    page.page(T("nav.portfolio"), T("portfolio_run.heading"))
    heading = T("portfolio_run.heading")
    page.find(page.By.XPATH, f"//summary[.//*[normalize-space(text())={xq(heading)}]]").click()
    start = f"//button[normalize-space(.)={xq(T('portfolio_run.start'))}]"
    page.until(lambda: page.find(page.By.XPATH, start).is_displayed(), "no start button")
    page.shot("portfolio-run-form")
    page.find(page.By.XPATH, start).click()
    stop = f"//button[normalize-space(.)={xq(T('portfolio_run.stop'))}]"
    page.until(lambda: page.find(page.By.XPATH, stop).is_displayed(), "no progress shown")
    assert T("portfolio_run.heading") in page.main_text()
    page.shot("portfolio-run-progress")
    total = 2 * (len((SCENARIOS / "portfolio_example.csv").read_text().splitlines()) - 1)
    page.until(lambda: T("portfolio_run.done", total=str(total)) in page.main_text(), "not done")
    page.until(lambda: page.metrics().get(T("portfolio.units_shown")) == str(total))
    assert (
        T("portfolio.opened", name=T("portfolio_run.result_name"), count=total).replace("**", "")
        in page.main_text()
    )
    page.shot("portfolio-computed")
    assert not page.alerts("error")


PAGES = ("scenario", "results", "compare", "routes", "ownership", "portfolio")
CHARTED = ("results", "compare", "routes", "ownership", "portfolio")
"""The pages that draw charts, once ``show_everything`` has filled them in."""
GALLERY = bool(os.environ.get("ENERGYSIM_SCREENSHOT"))
"""Whether to photograph every page at every size too (``scripts/screenshots.py``)."""
RAW = re.compile(r"\b[a-z]\w*_(kwh|eur|frac|kw|kwp|mwh|pp)\b|\bcol\.\w+")


def paired_summary() -> pd.DataFrame:
    """A batch summary of the example portfolio's complexes at 2026 and 2027 (made-up
    figures of the right shape: this test looks at the page, not at the numbers)."""
    rows = []
    for i, cid in enumerate(("C001", "C002", "C003", "C004")):
        for year, loss in ((2026, 0.0), (2027, 25.0 + 5 * i)):
            rows.append(
                {
                    "unit_id": f"{cid}-year={year}",
                    "complex_id": cid,
                    "sweep.year": year,
                    "status": "ok",
                    "error": "",
                    "capacity_kwp": 40.0 + 10 * i,
                    "generation_kwh": 36000.0 + 9000 * i,
                    "self_consumption_frac": 0.55 + 0.08 * i,
                    "household_benefit_total_eur": 5000.0 - 100 * loss,
                    "household_benefit_eur.tenant.households": 20 + 5 * i,
                    "household_benefit_eur.tenant.mean_eur": 160.0 - 20 * i - loss,
                    "household_benefit_eur.member.mean_eur": 70.0,
                    "local_ownership_frac": 0.4,
                }
            )
    return pd.DataFrame(rows)


def visible_words(page: Page) -> str:
    """The page's visible text (the engine's notes and warnings too), less the scenario
    file's TOML shown as the file has it."""
    return str(
        page.d.execute_script(
            """
            const root = document.body.cloneNode(true);
            for (const e of root.querySelectorAll('[data-testid="stCode"], .modebar')) e.remove();
            document.body.appendChild(root); root.style.position = 'absolute';
            const text = root.innerText; root.remove(); return text;
            """
        )
    )


def set_size(page: Page, width: int, height: int) -> None:
    """Show the page at ``width`` x ``height``; at once when it is shown at that size."""
    if page.d.execute_script("return [window.innerWidth, window.innerHeight];") == [width, height]:
        return
    page.d.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    time.sleep(1.0)  # charts redraw at the new width


def full_shot(page: Page, name: str, width: int) -> Path:
    """A picture of the whole page, as tall as its content, at a width."""
    height = int(
        page.d.execute_script(
            "return document.querySelector(\"[data-testid='stMain']\").scrollHeight;"
        )
    )
    set_size(page, width, min(height + 40, 8000))
    path = page.shot(f"{name}-full")
    return path


def show_everything(page: Page, name: str, lang: str, folders: dict[str, Path]) -> None:
    """Open a page in a language with all its pictures drawn."""
    words = lambda key, **fill: i18n.text(lang, key, **fill)  # noqa: E731
    expect = {
        "scenario": words("scenario.section_rules"),
        "results": words("results.households_heading"),
        "compare": words("compare.table_heading"),
        "routes": words("routes.law_heading"),
        "ownership": words("ownership.this_scenario"),
        "portfolio": words("portfolio.upload"),
    }[name]
    page.page(words(f"nav.{name}"), expect)
    if name == "scenario":  # its folded explanation and the file's other fields open
        for part in ("scenario.how_title", "scenario.rest_title"):
            page.open_section(words(part))
    if name == "results":  # every folded section open: all its words and pictures
        for section in (
            "results.flows_heading",
            "results.benefit_heading",
            "results.least_heading",
            "household.heading",
            "results.households_heading",
            "service_costs.heading",
            "fair_keys.heading",
        ):
            page.open_section(words(section))
    if name == "ownership":
        for label in (words("ownership.source_example"), words("ownership.add")):
            page.d.find_element(
                page.By.XPATH, f"//label[.//*[normalize-space(text())={xq(label)}]]"
            ).click()
            page.idle()
        # the default example names no municipality: the page asks where the roof lies
        page.choose(words("ownership.municipality"), "Rotterdam")
        page.until(lambda: words("ownership.series_incl_rooftops_with_added") in page.main_text())
    if name == "portfolio":
        page.choose(
            words("portfolio.pick", folder=str(folders["results"])),
            "portfolio-paired/batch_summary.csv",
        )
        page.d.find_element(
            page.By.XPATH,
            f"//label[.//*[normalize-space(text())={xq(words('portfolio.portfolio_example'))}]]",
        ).click()
        page.until(lambda: "Galerijflat Zuidwijk" in page.main_text(), "names not shown")


def test_every_page_in_both_languages_with_words_and_pictures(
    browser: Page, folders: dict[str, Path]
) -> None:
    """Switch the language in the sidebar; every page in Dutch shows words, not raw
    identifiers nor a traceback, and its charts drawn; a screenshot of each at 1366x768.
    In English one page with charts (Compare) after the switch: the English words of
    every page are the AppTest's (``test_dashboard.py``,
    ``test_no_page_shows_a_raw_identifier_and_every_key_exists[en]``), which costs a
    fraction of the browser's drawing. With ``ENERGYSIM_SCREENSHOT`` set
    (``scripts/screenshots.py``) every page in both languages, also at 1920x1080 and of
    the whole page, at both widths: the gallery a person looks through."""
    (folders["results"] / "portfolio-paired").mkdir(exist_ok=True)
    write_summary(paired_summary(), folders["results"] / "portfolio-paired")
    page = browser
    page.open()
    try:
        for lang in ("nl", "en"):
            switch = (
                "//section[@data-testid='stSidebar']//label"
                f"[.//*[normalize-space(text())={xq(i18n.LANGUAGES[lang])}]]"
            )
            # a loaded machine may draw the sidebar a moment after the page
            page.until(lambda switch=switch: page.d.find_elements(page.By.XPATH, switch))
            page.d.find_element(page.By.XPATH, switch).click()
            page.until(lambda lang=lang: i18n.text(lang, "nav.results") in page.text())
            other = "en" if lang == "nl" else "nl"
            for name in PAGES if lang == "nl" or GALLERY else ("compare",):
                show_everything(page, name, lang, folders)
                text = visible_words(page)
                raw = sorted({m.group(0) for m in RAW.finditer(text)})
                assert raw == [], (lang, name, raw)
                own, foreign = i18n.text(lang, f"nav.{name}"), i18n.text(other, "nav.page")
                assert own in text and foreign not in text, (lang, name)
                for word in ("Traceback", "KeyError", 'File "'):
                    assert word not in page.text(), (lang, name, word)
                if name in CHARTED:  # its heading can be drawn before its first chart
                    page.until(lambda: page.charts_drawn(), f"{lang} {name}: no chart drawn")
                charts = page.pictures_drawn()
                assert (charts > 0) == (name in CHARTED), (lang, name, charts)
                page.shot(f"{name}-{lang}-{WIDTH}x{HEIGHT}")
                for width, height in SIZES if GALLERY else ():
                    set_size(page, width, height)
                    page.shot(f"{name}-{lang}-{width}x{height}")
                    full_shot(page, f"{name}-{lang}-{width}", width)
                    set_size(page, width, height)
                set_size(page, WIDTH, HEIGHT)
    finally:
        set_size(page, WIDTH, HEIGHT)
        page.open()  # the next test starts in Dutch again
        page.d.get(page.url + "/?lang=nl")
        page.until(lambda: RUNS in page.text())


def test_the_households_download_opens_in_a_dutch_excel(
    browser: Page, folders: dict[str, Path], tmp_path: Path
) -> None:
    page = browser
    page.open()
    page.page(T("nav.results"), T("results.households_heading"))
    page.open_section(T("results.households_heading"))
    for old in folders["downloads"].iterdir():
        old.unlink()
    buttons = [
        b
        for b in page.d.find_elements(
            page.By.CSS_SELECTOR, "[data-testid='stDownloadButton'] button"
        )
        if b.text.strip().endswith(T("dl.csv_nl"))
    ]
    buttons[-1].click()  # the last table: all households
    # a Dutch name in Dutch (huishoudens, not households)
    page.wait.until(lambda _: (folders["downloads"] / "huishoudens-nl.csv").exists(), "no file")
    time.sleep(0.5)
    content = (folders["downloads"] / "huishoudens-nl.csv").read_bytes()
    frame = read_csv_file(content, "nl")
    expected = energysim_run(SCENARIOS / "rotterdam-galerijflat.toml", tmp_path / "run")
    assert frame[T("col.benefit_eur")].sum() == pytest.approx(  # each to the cent
        expected["household_benefit_total_eur"], abs=0.005 * len(frame)
    )
    assert (frame[T("col.benefit_eur")].round(2) == frame[T("col.benefit_eur")]).all()
    assert set(frame[T("col.participating")]) <= {True, False}
    assert list(frame.columns)[0] == T("col.participant_id")


def test_results_answers_what_it_brings_first_and_shows_the_owners_side(
    browser: Page, tmp_path: Path
) -> None:
    """Results in Dutch at 1366x768: before anything else, the benefit per household a year
    of each group (median, and the p10-p90 range most households fall in) and whether every
    participating household gains, with a euro sign as Design writes it; the estimated
    figures one line away; then the owners' cases (NPV, IRR, payback, year-one cash), the
    cooperative per member and the scheme's prices. Every figure is `energysim run`'s."""
    from dashboards.results import answer

    expected = energysim_run(SCENARIOS / "rotterdam-galerijflat.toml", tmp_path / "run")
    (folder,) = [p for p in (tmp_path / "run").iterdir() if p.is_dir()]
    participants = pd.read_csv(folder / "participants.csv")
    page = browser
    page.open()
    page.page(T("nav.results"), T("answer.heading"))
    heading = page.find(page.By.XPATH, f"//h3[contains(., {xq(T('answer.heading'))})]")
    assert page.in_first_screen(heading)
    main = page.main_text()
    for group in answer.groups(participants):
        title = T(f"answer.group.{group['group']}", count=group["households"]).replace("**", "")
        median = T("answer.per_year", amount=fmt_eur(group["median_eur"]))
        low, high = fmt_eur(group["p10_eur"]), fmt_eur(group["p90_eur"])
        band = (
            T("answer.same", amount=low) if low == high else T("answer.range", low=low, high=high)
        )
        card = page.find(  # the innermost block holding the title: the card
            page.By.XPATH,
            f"(//*[@data-testid='stVerticalBlock'][contains(., {xq(title)})])[last()]",
        )
        assert median in card.text.replace("\u00a0", " ") and band in main.replace("\u00a0", " ")
        assert page.in_first_screen(card), title
    verdict = T("answer.all_gain", count=90)  # 60 tenants and 30 members, all gaining
    success = page.until(lambda: page.alerts("success"), "no verdict shown")
    assert verdict in success[0].text and page.in_first_screen(success[0])
    total = page.metrics()[T("results.benefit_total")]
    assert total == fmt_eur(expected["household_benefit_total_eur"]) and total.startswith("€ ")
    # the estimated figures: one line, folded; not a list in the notes box
    assert T("estimates.title", count=len(expected["assumptions"])) in main
    assert T("figure.supply_price_excl_vat_eur_per_kwh") not in " ".join(
        a.text for a in page.alerts("info")
    )
    page.shot("results-answer-1366")
    # the owners' side, each figure the run's
    owners_heading = page.find(page.By.XPATH, f"//h3[contains(., {xq(T('owners.heading'))})]")
    page.d.execute_script("arguments[0].scrollIntoView();", owners_heading)
    table = page.find(
        page.By.XPATH, f"//table[.//th[normalize-space(.)={xq(T('owners.col.npv'))}]]"
    ).text
    for owner in expected["stakeholders"]:
        assert owner["owner"] in table
        for figure in ("npv_eur", "net_year1_eur", "capex_eur"):
            assert fmt_eur(owner[figure]) in table, (owner["owner"], figure)
        assert owner["payback_yr"] is None and T("owners.never", years=25) in table
    coop = next(o for o in expected["stakeholders"] if o["owner_type"] == "resident_cooperative")
    per_member = T(
        "owners.per_member",
        owner=coop["owner"],
        members=30,
        npv=fmt_eur(coop["npv_eur"] / 30),
        cash=fmt_eur(coop["net_year1_eur"] / 30),
    ).replace("**", "")
    assert per_member in page.main_text()
    prices = page.find(
        page.By.XPATH, f"//table[.//th[normalize-space(.)={xq(T('owners.col.payer'))}]]"
    ).text
    assert T("owners.payer.tenants_in") in prices and "€ 0,020/kWh" in prices
    assert fmt_eur(expected["scheme_eur"]["panel_fees_eur"]) in prices
    page.d.save_screenshot(str(page.shots / "results-owners-1366.png"))
    for width, height in SIZES:
        set_size(page, width, height)
        page.shot(f"results-answer-{width}")
    set_size(page, WIDTH, HEIGHT)


def fmt_eur(value: float) -> str:
    """Euros as the Dutch pages write them (``€ 1.234``, ``-€ 56``)."""
    from dashboards.shared import formatting as fmt

    return fmt.eur(value, lang="nl")
