"""End to end in headless Chromium, in Dutch: what the page-by-page look at every page
(1366 and 1920 px) found and fixed. The Scenario page edits the roof's area, which the
Design page needs to propose a larger roof (:mod:`energysim.design.roof`): typed the
Dutch way, shown with the part that can carry panels, and in the downloaded scenario;
emptied, it is left out of the scenario again.

Shares the session's server and browser (``tests/conftest.py``) and the page helpers of
``test_dashboard_browser.py``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests.test_dashboard_browser import (  # noqa: F401 - pytestmark is this module's too
    Page,
    T,
    pytestmark,
    xq,
)

ROOF = T("form.roof_area")


def caption_under(page: Page, label: str) -> str:
    """The caption under a form field (the text of the field's block after its input)."""
    block = page.find(
        page.By.XPATH,
        f"//div[@data-testid='stTextInput'][.//label[normalize-space(.)={xq(label)}]]"
        "/ancestor::div[@data-testid='stElementContainer'][1]"
        "/following-sibling::div[1]",
    )
    return str(block.text)


def downloaded_roof(page: Page, folders: dict[str, Path]) -> dict[str, object]:
    path = page.download(folders["downloads"])
    return dict(tomllib.loads(path.read_text(encoding="utf-8"))["buildings"][0])


def test_the_roof_area_is_typed_the_dutch_way_and_reaches_the_scenario(
    browser: Page, folders: dict[str, Path]
) -> None:
    page = browser
    page.open()
    # the default example gives its roof: 1030 m2, of which 70% can carry panels; its
    # arrays take 250 + 250 m2 and 30 kWp at 0.15 kWp/m2 = 200 m2
    assert page.number(ROOF) == "1030"
    usable = T("form.roof_area_usable", frac="70%", usable="721", used="700")
    assert caption_under(page, ROOF) == usable
    page.type_number(ROOF, "1.250,5")
    wider = T("form.roof_area_usable", frac="70%", usable="875", used="700")
    page.until(lambda: caption_under(page, ROOF) == wider, "1.250,5 m2 not taken")
    assert not page.alerts("error")
    assert downloaded_roof(page, folders)["roof_area_m2"] == 1250.5
    page.shot("scenario-roof-area")
    page.page(T("nav.results"), T("results.benefit_heading"))
    page.page(T("nav.scenario"), T("scenario.section_roof"))
    assert page.number(ROOF) == "1250,5"  # the scenario's value, the Dutch way

    field = page._number(ROOF)  # emptied: the roof's area is not known
    field.send_keys(page.Keys.CONTROL, "a")
    field.send_keys(page.Keys.BACKSPACE, page.Keys.ENTER)
    page.idle()
    page.until(lambda: caption_under(page, ROOF) == T("form.roof_area_none", used="700"))
    assert page.number(ROOF) == "" and not page.alerts("error")
    assert "roof_area_m2" not in downloaded_roof(page, folders)
