"""Ownership page: the scenario's local ownership, and a register's areas against the target.

Figures come from :func:`energysim.ownership.tables.ownership_report` (as ``energysim
ownership`` prints and writes them). The headline is the share in the Participatiemonitor's
scope (wind and solar on land, not on buildings); the share with rooftop solar above 15 kW
stands beside it, labelled. The chart is the report's ``chart_table`` per level
(municipality, province, RES region): both, and with and without this scenario's rooftop.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboards.ownership import charts
from dashboards.ownership.state import (
    EXAMPLE_REGISTER,
    MAIN_AREA_COLUMNS,
    area_table,
    chart_table,
    scenario_municipality,
    shown_notes,
)
from dashboards.shared import banner, i18n, session
from dashboards.shared import formatting as fmt
from dashboards.shared.chart_style import CONFIG
from dashboards.shared.downloads import download_table
from dashboards.shared.engine_errors import say_error
from dashboards.shared.i18n import t
from dashboards.shared.state import Check
from dashboards.shared.upload_files import MAX_TABLE_BYTES, MB, refuse_wrong_type
from energysim.config.scenario import Scenario
from energysim.core.errors import EnergysimError
from energysim.ownership import rules as ownership
from energysim.ownership.register import read_register
from energysim.ownership.tables import OwnershipReport, ownership_report
from energysim.results.tables import installation_register_rows
from energysim.simulate import run

SOURCES = ("none", "example", "upload")


def _register_path() -> Path | None:
    source = st.radio(
        t("ownership.register"),
        SOURCES,
        format_func=i18n.shown_as(SOURCES, lambda s: t(f"ownership.source_{s}")),
        key="register_source",
        horizontal=True,
        help=t("help.register"),
    )
    if source == "example":
        return EXAMPLE_REGISTER
    if source == "upload":
        up = st.file_uploader(
            t("ownership.upload"),
            key="register_upload",
            help=t("upload.limit_help", limit=fmt.number(MAX_TABLE_BYTES / MB)),
        )
        if up is None:
            return None
        try:
            refuse_wrong_type(up.name, (".csv", ".xlsx"))
            return session.saved_upload(up)
        except EnergysimError as exc:  # above the size limit: said in the user's language
            st.error(say_error(exc), icon=":material/error:")
            return None
    return None


def page(checked: Check) -> None:
    """Render the Ownership page for the session's scenario."""
    st.header(t("ownership.title"))
    out = banner.banner(checked)
    if out is None or checked.scenario is None:
        st.info(t("ownership.fix_first"))
        return
    s = out["summary"]
    target = ownership.OwnershipRules().target_frac
    st.metric(
        t("ownership.this_scenario"),
        fmt.percent(s["local_ownership_frac"]),
        t("ownership.vs_target", pp=fmt.pp((s["local_ownership_frac"] - target) * 100)),
        help=t("help.local_ownership"),
    )
    path = _register_path()
    if path is None:
        return
    try:
        register = read_register(path)
        add = st.checkbox(t("ownership.add"), key="add_rooftop", help=t("help.add_rooftop"))
        municipality = _municipality(checked.scenario, register) if add else None
        add = municipality is not None
        if add:
            register = ownership.add_installations(
                register, installation_register_rows(run(checked.scenario), municipality)
            )
        report = ownership_report(register)
    except (EnergysimError, ValueError) as exc:
        st.error(t("ownership.register_error", message=say_error(exc)), icon=":material/error:")
        return
    _headline(report)
    levels = [
        lv for lv in ("municipality", "province", "res_region") if lv in set(report.areas["level"])
    ]
    level = st.radio(
        t("ownership.level"),
        levels,
        format_func=i18n.shown_as(levels, lambda lv: t(f"ownership.level_{lv}")),
        key="ownership_level",
        horizontal=True,
        help=t("help.level"),
    )
    chart = chart_table(report, level)
    title = t(f"ownership.chart_title_{level}")
    st.plotly_chart(
        charts.ownership_shares(chart, report.target_frac, title),
        config=CONFIG,
        key="chart_ownership",
    )
    download_table(
        chart[["area", "series_words", "local_share_production_frac", "target_frac"]].rename(
            columns={"series_words": "series"}
        ),
        f"ownership_chart_{level}",
        "ownership_chart",
    )
    table = area_table(report, level, add)
    main = [c for c in table.columns if c in MAIN_AREA_COLUMNS]
    st.table(fmt.readable(table[main]).set_index(i18n.column(level)))  # headers wrap
    with st.expander(t("ownership.all_columns")):
        st.dataframe(fmt.readable(table), hide_index=True, key="areas_table_all")
    download_table(table, f"ownership_{level}", "ownership_areas")
    banner.engine_messages([], shown_notes(report.messages), lead="ownership.notes_lead")


def _municipality(scenario: Scenario, register: pd.DataFrame) -> str | None:
    """Where the added rooftop lies: the scenario's own municipality, chosen for the user
    (:func:`~dashboards.ownership.state.scenario_municipality`); without one the user
    picks it (None until then), as no table from postcode to municipality ships."""
    places = sorted(register.municipality.unique())
    own = scenario_municipality(scenario.site.municipality, places)
    choices = places + ([own] if own is not None and own not in places else [])
    chosen = st.selectbox(
        t("ownership.municipality"),
        choices,
        index=choices.index(own) if own is not None else None,
        placeholder=t("ownership.municipality_pick"),
        key="muni",
    )
    if chosen is None:
        st.caption(t("ownership.municipality_ask", postcode=scenario.buildings[0].postcode))
    return None if chosen is None else str(chosen)


def _headline(report: OwnershipReport) -> None:
    """The register's headline share (the Participatiemonitor's scope: wind and solar on
    land) against the target, and beside it, labelled, the share with rooftops."""
    total = report.total
    head, beside = st.columns(2)
    head.metric(
        t("ownership.headline"),
        fmt.percent(total["local_share_production_frac"]),
        t(
            "ownership.vs_target",
            pp=fmt.pp((total["local_share_production_frac"] - report.target_frac) * 100),
        ),
        help=t("help.ownership_headline"),
    )
    beside.metric(
        t("ownership.incl_rooftops"),
        fmt.percent(total["local_share_production_incl_rooftops_frac"]),
        t(
            "ownership.rooftops_mwh",
            mwh=fmt.number(total["rooftop_production_mwh"], 0),
        ),
        delta_color="off",
        delta_arrow="off",
        help=t("help.ownership_incl_rooftops"),
    )
