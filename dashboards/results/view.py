"""Results page: first what the scheme brings each household and its owners, then, each
in a folded section drawn only when opened, where the energy goes (typical days,
months), the Huurcommissie's service-cost rules, the benefit per household, who gains
least, one household, every household and the sharing keys compared on fairness."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboards.results import (
    answer,
    charts,
    ev_note,
    household,
    keys,
    owners,
    report_download,
    sections,
    service_costs,
    state,
    storage,
)
from dashboards.shared import banner, i18n, session
from dashboards.shared import formatting as fmt
from dashboards.shared.chart_style import CONFIG
from dashboards.shared.downloads import download_table
from dashboards.shared.i18n import t
from dashboards.shared.state import Check, scenario_key
from energysim.config.scenario import Scenario
from energysim.results.flows import energy_flows

HOUSEHOLD_COLUMNS = [
    "participant_id",
    "role",
    "participating",
    "consumption_kwh",
    "allocated_kwh",
    "grid_import_kwh",
    "service_cost_saving_eur",
    "fees_eur",
    "benefit_eur",
]
HOUSEHOLDS_HEIGHT_PX = 480
"""The all-households table scrolls within this height (80 rows and more)."""


def page(checked: Check) -> None:
    """Render the Results page for the session's scenario: the first screen, then the
    details in folded sections (:mod:`dashboards.results.sections`), then the report."""
    st.header(t("nav.results"))
    out = banner.banner(checked)
    if out is None:
        st.info(t("results.fix_first"))
        return
    s, table = out["summary"], out["participants"]
    answer.show(table)
    figures = state.headline(s)
    columns = st.columns(len(figures))
    for column, (label, (value, help_key)) in zip(columns, figures.items(), strict=True):
        column.metric(t(label), value, help=t(help_key))
    banner.estimates(s["assumptions"])
    notes = answer.without_estimates(out["notes"])
    banner.engine_messages(out["warnings"], notes, lead="answer.notes_lead")
    assert checked.scenario is not None  # the banner ran it
    owners.show(checked.scenario, s, table)

    storage.results(s)

    details(checked.scenario, out)
    report_download.offer(checked.scenario)


@st.fragment
def details(scenario: Scenario, out: dict[str, Any]) -> None:
    """The folded sections; opening one reruns only them (a fragment), not the first
    screen above."""
    session.guarded(lambda: _sections(scenario, out))


def _sections(scenario: Scenario, out: dict[str, Any]) -> None:
    s, table = out["summary"], out["participants"]
    with sections.folded("flows", t("results.flows_heading")) as shown:
        if shown:
            _flows(scenario, s, table, out["timeseries"])
    with sections.folded("service_costs", t("service_costs.heading")) as shown:
        if shown:
            service_costs.section(out["service_costs"])
    households = table[table.role != "common"]
    stats = state.benefit_stats(s)
    if households.empty or stats.empty:
        st.info(t("results.no_households"))
    else:
        with sections.folded("benefit", t("results.benefit_heading")) as shown:
            if shown:
                _benefit(s, households, stats)
        with sections.folded("least", t("results.least_heading")) as shown:
            if shown:
                st.caption(t("help.least"))
                st.dataframe(  # every group's rows at once (three groups: more than ten rows)
                    fmt.readable(state.with_role_words(state.least(households))),
                    hide_index=True,
                    height="content",
                    key="least_table",
                )
    with sections.folded("household", t("household.heading")) as shown:
        if shown:
            with st.spinner(t("common.running")):
                made = banner.cached_statements(scenario_key(scenario))
            household.show(made)
    if not households.empty:
        with sections.folded("households", t("results.households_heading")) as shown:
            if shown:
                _households(households)
    with sections.folded("keys", t("fair_keys.heading")) as shown:
        if shown:
            keys.section(scenario)


def _flows(scenario: Scenario, s: dict[str, Any], table: pd.DataFrame, ts: pd.DataFrame) -> None:
    """Where the year's energy went, the typical days and the months."""
    st.caption(t("help.flows"))
    flows = energy_flows(s, table)
    st.plotly_chart(charts.sankey(flows), config=CONFIG, key="chart_flows")
    shown_flows = flows.assign(
        source=flows["source"].map(lambda n: t(f"flow.{n}")),
        target=flows["target"].map(lambda n: t(f"flow.{n}")),
    )
    download_table(shown_flows, "energy_flows", "flows")

    left, right = st.columns(2)
    with left:
        days = state.typical_days(ts)
        st.plotly_chart(charts.typical_days(days, state.SEASONS), config=CONFIG, key="chart_days")
        if peak := ev_note.note(scenario):
            st.caption(peak)
        download_table(
            days.assign(season=days["season"].map(lambda x: t(f"season.{x}"))),
            "typical_days",
            "days",
        )
    with right:
        monthly = state.monthly(ts)
        st.plotly_chart(charts.months(monthly), config=CONFIG, key="chart_months")
        download_table(monthly.reset_index(), "months", "months")


def _benefit(s: dict[str, Any], households: pd.DataFrame, stats: pd.DataFrame) -> None:
    """How the benefit per household is spread, per role, with its statistics."""
    st.caption(t("help.benefit_distribution"))
    st.plotly_chart(
        charts.benefit_distribution(households, s["household_benefit_eur"]),
        config=CONFIG,
        key="chart_benefit",
    )
    st.table(state.shown_stats(stats))
    download_table(state.with_role_words(stats.reset_index()), "benefit_per_household", "stats")


def _households(households: pd.DataFrame) -> None:
    """Every household's year, in a table that scrolls."""
    st.caption(t("results.households_caption"))
    shown = households[HOUSEHOLD_COLUMNS]
    per_year = {c: t(f"col_per_year.{c}") for c in shown if i18n.has(f"col_per_year.{c}")}
    table = fmt.readable(state.with_role_words(shown), per_year).set_index(t("col.participant_id"))
    with st.container(height=HOUSEHOLDS_HEIGHT_PX):  # headers wrap: no sideways scrolling
        st.table(table)
    download_table(state.with_role_words(shown), "households", "households")
