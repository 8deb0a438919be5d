"""End to end in headless Chromium: the Design page designs an example, "apply this
design" replaces the scenario, and Results change to ``energysim run`` of the scenario
the Scenario page then downloads; a shared battery switched on shows on Results.
Screenshots at 1366x768 go to pytest's tmp folder (and to ``ENERGYSIM_SCREENSHOT`` when
set; then the Design page's tabs too).

Shares the session's server and browser (tests/conftest.py) and the page helpers of
``test_dashboard_browser.py``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from dashboards.shared.i18n import t
from tests.helpers import results_figures
from tests.test_dashboard_browser import (  # noqa: F401 - pytestmark is this module's too
    HEIGHT,
    SCENARIOS,
    SIZES,
    WIDTH,
    Page,
    energysim_run,
    full_shot,
    pytestmark,
    set_size,
)
from tests.test_design_words import english_left

REPO = Path(__file__).resolve().parents[1]

KEEP = "ENERGYSIM_SCREENSHOT"
"""The folder screenshots are copied to; when set, each tab of the Design page too."""
EXAMPLE = "walkup-portiekflat"
"""Designed in some 4 s (the default example takes 12-20 s on this machine)."""


def results_now(page: Page) -> dict[str, str]:
    page.page(t("nav.results"), t("results.flows_heading"))
    return page.metrics()


def click_button(page: Page, words: str) -> None:
    page.d.find_element(page.By.XPATH, f"//button[.//*[normalize-space(text())='{words}']]").click()
    page.idle()


def shot_of(page: Page, name: str, words: str) -> Path:
    """A screenshot with the element showing ``words`` at the top of the screen."""
    element = page.d.find_element(page.By.XPATH, f"//*[normalize-space(text())='{words}']")
    page.d.execute_script(
        "arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -70);"
        "for (const e of document.querySelectorAll('*')) {"
        " if (e.scrollTop > 0) { e.scrollTop = Math.max(0, e.scrollTop - 70); } }",
        element,
    )
    page.pictures_drawn()
    path = page.shots / f"{name}.png"
    page.d.save_screenshot(str(path))
    assert path.stat().st_size > 10_000
    print(f"screenshot: {path}")
    keep = os.environ.get(KEEP)
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / path.name)
    return path


def report_in_dutch(page: Page) -> None:
    """The Rapport tab says the library's advice in the page's language (Dutch), its notes
    too; screenshots at 1366 and 1920 px wide when ``ENERGYSIM_SCREENSHOT`` is set."""
    label = t("design.tab.report")
    tab_button = page.d.find_element(
        page.By.XPATH, f"//*[@role='tab'][.//*[normalize-space(text())='{label}']]"
    )
    page.d.execute_script("arguments[0].click();", tab_button)
    page.idle()
    code = page.until(
        lambda: [
            c for c in page.d.find_elements(page.By.CSS_SELECTOR, "pre code") if c.text.strip()
        ],
        "no advice in the Rapport tab",
    )
    advice = "\n".join(c.text for c in code)
    assert advice.startswith("Nu: de huishoudens winnen samen € "), advice[:200]
    assert "Aanbevolen ontwerp: " in advice and "EUR" not in advice
    assert english_left(advice) == [], advice
    for width, height in SIZES if os.environ.get(KEEP) else ():
        set_size(page, width, height)
        page.idle()
        shot_of(page, f"design-report-{width}", label)
    set_size(page, WIDTH, HEIGHT)


def test_design_apply_and_the_storage_switches_in_the_browser(
    browser: Page,
    folders: dict[str, Path],
    tmp_path: Path,
) -> None:
    page = browser
    page.open()
    page.choose(t("nav.example"), EXAMPLE)
    page.until(lambda: f"{EXAMPLE}.toml" in page.main_text(), "example not chosen")
    before = results_figures(energysim_run(SCENARIOS / f"{EXAMPLE}.toml", tmp_path / "before"))
    page.page(t("nav.design"), t("design.recommended"))
    page.until(lambda: t("design.apply") in page.main_text(), "no design shown")
    assert not page.alerts("error")
    for word in ("Traceback", "KeyError", 'File "'):
        assert word not in page.text()
    # the answer is in the first screen
    verdict = page.alerts("success") + page.alerts("warning")
    assert verdict and page.in_first_screen(verdict[0])
    page.shot("design")
    for width, _ in SIZES if os.environ.get(KEEP) else ():  # the whole page, to look at
        full_shot(page, f"design-nl-{width}", width)
    set_size(page, WIDTH, HEIGHT)
    for tab in ("prices", "keys", "size", "ownership", "risk") if os.environ.get(KEEP) else ():
        label = t(f"design.tab.{tab}")
        tab_button = page.d.find_element(
            page.By.XPATH, f"//*[@role='tab'][.//*[normalize-space(text())='{label}']]"
        )
        page.d.execute_script("arguments[0].click();", tab_button)
        page.idle()
        if tab == "risk":  # the tornado chart, below the margin
            shot_of(page, "design-risk-tornado", t("design.risk.sensitivity"))
        shot_of(page, f"design-{tab}", label)
    report_in_dutch(page)
    if os.environ.get(KEEP):  # back to the top: the apply button is not under the header
        page.d.execute_script("for (const e of document.querySelectorAll('*')) e.scrollTop = 0;")

    click_button(page, t("design.apply"))
    prefix = t("design.applied", title="\0").split("\0")[0].strip()
    applied = page.until(
        lambda: [a for a in page.alerts("success") if prefix in a.text],
        "the design was not applied",
    )
    assert page.in_first_screen(applied[0])
    page.shot("design-applied")
    after = results_now(page)
    assert after != before
    page.page(t("nav.scenario"), t("storage.heading"))
    downloaded = page.download(folders["downloads"])
    expected = energysim_run(downloaded, tmp_path / "applied")
    assert results_figures(expected) == after

    # a shared battery switched on in the browser shows on Results
    label = t("storage.battery.title")
    page.d.find_element(page.By.XPATH, f"//label[.//*[normalize-space(text())='{label}']]").click()
    page.idle()
    page.until(lambda: t("storage.battery.capacity_kwh") in page.main_text(), "battery not on")
    shot_of(page, "scenario-storage", t("storage.heading"))
    page.page(t("nav.results"), t("storage.results.heading"))
    assert t("storage.results.delivered") in page.metrics()
    shot_of(page, "results-storage", t("storage.results.heading"))
