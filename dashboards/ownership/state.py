"""The Ownership page's state as plain Python: the example register and the tables shown."""

from __future__ import annotations

import pandas as pd

from dashboards.shared.i18n import t
from dashboards.shared.state import SCENARIO_DIR
from energysim.ownership.regions import CODE_PATTERN, SHIPPED_SOURCE, load_region_table
from energysim.ownership.tables import OwnershipReport

EXAMPLE_REGISTER = SCENARIO_DIR / "register_example.csv"
AREA_COLUMNS = [
    "installations",
    "production_mwh",
    "local_production_mwh",
    "local_share_production_frac",
    "local_share_capacity_frac",
    "to_target_pp",
    "gap_mwh",
    "target_met",
    "rooftop_production_mwh",
    "local_share_production_incl_rooftops_frac",
    "rooftop_kwp_to_close_gap",
    "target_met_incl_rooftops",
]
"""The headline's figures (the Participatiemonitor's scope: wind and solar on land), then
beside them the rooftops above 15 kW and the share with them."""
ADDED_COLUMNS = [
    "local_share_production_incl_rooftops_without_added_frac",
    "added_change_incl_rooftops_pp",
]
"""With this scenario's rooftop added: the share with rooftops without it, and the change."""
MAIN_AREA_COLUMNS = {
    "production_mwh",
    "local_share_production_frac",
    "to_target_pp",
    "rooftop_production_mwh",
    "local_share_production_incl_rooftops_frac",
    *ADDED_COLUMNS,
}
"""What the page's table shows (readable at 1366 px); the full table folds away and
downloads."""


def area_table(report: OwnershipReport, level: str, added: bool) -> pd.DataFrame:
    """One row per area of a level: the report's figures, and the headline's distance to
    the target in percentage points (share - target; negative: below it)."""
    rows = report.level(level).copy()
    rows["to_target_pp"] = (rows["local_share_production_frac"] - report.target_frac) * 100
    at = AREA_COLUMNS.index("local_share_production_incl_rooftops_frac") + 1
    columns = AREA_COLUMNS[:at] + (ADDED_COLUMNS if added else []) + AREA_COLUMNS[at:]
    out = rows[columns]
    out.index.name = level
    return out


def chart_table(report: OwnershipReport, level: str) -> pd.DataFrame:
    """The report's chart table of a level, with the series in words."""
    table = report.chart_table(level)
    return table.assign(series_words=table["series"].map(lambda s: t(f"ownership.series_{s}")))


def scenario_municipality(given: str | None, places: list[str]) -> str | None:
    """The municipality to add the scenario's rooftop in: the scenario's own
    (``[site] municipality``, a name or a CBS code) as the register writes it, or its
    official name when the register has none there; None when the scenario gives none.

    energysim ships no table from postcode to municipality (the region table goes from
    municipality to province and RES region), so a scenario without a municipality is
    not placed by guess: the page asks.
    """
    if not given:
        return None
    if given in places:
        return given
    regions = load_region_table()
    code = given if CODE_PATTERN.fullmatch(given) else regions.code_for_name(given)
    if code is None or code not in regions.municipalities.index:
        return given  # unknown: adding it says so (add_installations' message)
    for place in places:
        if regions.names_match(code, place):
            return place
    return str(regions.municipalities.loc[code, "municipality"])


def shown_notes(messages: list[str]) -> list[str]:
    """The report's notes as the page shows them: the one naming the region table that
    ships with energysim says what it is in words, not where it lies in the package."""
    return [
        t("ownership.regions_shipped")
        if getattr(m, "code", None) == "ownership_regions"
        and SHIPPED_SOURCE in str(getattr(m, "params", {}).get("source", ""))
        else m
        for m in messages
    ]
