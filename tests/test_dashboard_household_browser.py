"""Results' "Eén huishouden" in headless Chromium, in Dutch: a member looked up by its id
shows its year as ``energysim statements`` of the same scenario gives it, and its
statement downloads as the very PDF the command writes.

Shares the session's streamlit server and browser (``tests/conftest.py``); needs Debian's
``chromium`` and ``chromium-driver`` like the other browser tests.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from dashboards.results.household import bill_rows
from dashboards.shared import formatting as fmt
from energysim.cli.main import main as energysim_main
from tests.test_dashboard_browser import CHROMEDRIVER, CHROMIUM, SCENARIOS, Page, T, xq

pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None or CHROMEDRIVER is None,
        reason="no chromium/chromedriver installed (Debian packages chromium, chromium-driver)",
    ),
    # run first, like the other browser tests (tests/conftest.py)
    pytest.mark.slow,
]

MEMBER = "GF1-M001"


def test_one_household_shows_its_year_and_downloads_its_statement(
    browser: Page, folders: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    gallery = SCENARIOS / "rotterdam-galerijflat.toml"
    assert energysim_main(["statements", str(gallery), "--out", str(out)]) == 0
    v1 = out / "rotterdam-galerijflat" / "statements" / "v1"
    row = pd.read_csv(v1 / "statements.csv").set_index("participant_id").loc[MEMBER]

    page = browser
    page.open()
    page.page(T("nav.results"), T("household.heading"))
    page.open_section(T("household.heading"))
    heading = page.find(page.By.XPATH, f"//*[normalize-space(text())={xq(T('household.heading'))}]")
    page.d.execute_script("arguments[0].scrollIntoView();", heading)
    # look the member up by typing its id (the list holds 111 participants)
    box = page._selectbox(T("household.pick")).find_element(page.By.CSS_SELECTOR, "input")
    box.click()
    box.send_keys(MEMBER)
    page.find(page.By.XPATH, f"//*[@role='option'][normalize-space(.)={xq(MEMBER)}]").click()
    page.idle()
    assert T("household.role", role=T("role.member")) in page.main_text()
    expected = {
        T("household.used"): fmt.kwh(row["consumption_kwh"], lang="nl"),
        T("household.roof"): fmt.kwh(row["allocated_kwh"], lang="nl"),
        T("household.grid"): fmt.kwh(row["grid_import_kwh"], lang="nl"),
        T("household.bill_without"): fmt.eur(row["bill_without_eur"], lang="nl"),
        T("household.bill_with"): fmt.eur(row["bill_with_eur"], lang="nl"),
        T("household.benefit"): fmt.eur(row["benefit_eur"], sign=True, lang="nl"),
    }
    after = page.main_text().split(T("household.heading"), 1)[-1]
    page.until(
        lambda: all(
            f"{k}\n{v}" in page.main_text().split(T("household.heading"), 1)[-1]
            for k, v in expected.items()
        ),
        f"the household's figures differ from energysim statements: {expected}; "
        f"shown: {after[:400]}",
    )
    text = page.main_text()
    for _, line in bill_rows(row).iterrows():  # every line of its bill, with and without
        assert T(f"household.bill.{line['line']}") in text
        assert fmt.eur(line["with"], cents=True, lang="nl") in text
    assert T("household.part.sharing_fee") in text
    assert fmt.eur(-row["sharing_fee_eur"], cents=True, sign=True, lang="nl") in text

    # the section's heading again: the pick reran the sections (a fragment), drawing it anew
    heading = page.find(page.By.XPATH, f"//*[normalize-space(text())={xq(T('household.heading'))}]")
    page.d.execute_script("arguments[0].scrollIntoView();", heading)
    path = page.shots / "results-household-nl-1366x768.png"
    page.d.save_screenshot(str(path))
    print(f"screenshot: {path}")
    keep = os.environ.get("ENERGYSIM_SCREENSHOT")
    if keep:  # scripts/screenshots.py's gallery
        shutil.copy(path, Path(keep) / path.name)

    downloads = folders["downloads"]
    for old in downloads.iterdir():
        old.unlink()
    label = T("household.download")
    page.find(
        page.By.XPATH,
        f"//*[@data-testid='stDownloadButton']//button[.//*[normalize-space(text())={xq(label)}]]",
    ).click()
    target = downloads / f"{MEMBER}_nl.pdf"
    page.wait.until(lambda _: target.exists() and target.stat().st_size > 0, "no statement")
    time.sleep(0.5)
    # the same bytes as the command's statement: the same run, version and words
    assert target.read_bytes() == (v1 / f"{MEMBER}_nl.pdf").read_bytes()
