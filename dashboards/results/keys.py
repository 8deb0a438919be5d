"""The Results page's fairness comparison of sharing keys (``energysim keys``,
:func:`energysim.batch.key_fairness.compare_keys`): a chart of the gains per key and the
table of every figure, computed when asked (it runs the scenario once per key)."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboards.shared import chart_style as style
from dashboards.shared import formatting as fmt
from dashboards.shared.chart_style import CONFIG
from dashboards.shared.downloads import download_table
from dashboards.shared.i18n import t
from energysim.batch.key_fairness import FAIRNESS_COLUMNS, compare_keys
from energysim.config.scenario import Scenario

GAINS = ("median_gain_eur", "p10_gain_eur", "min_gain_eur")
"""The gains the chart shows per key, as grouped bars."""


@st.cache_data(show_spinner=False, max_entries=8)
def cached_keys(scenario_json: str) -> pd.DataFrame:
    """The comparison of a scenario given as JSON (the cache key)."""
    return compare_keys(Scenario.model_validate_json(scenario_json))


def chart(table: pd.DataFrame) -> go.Figure:
    """Median, 10th percentile and smallest gain per key [EUR/yr], grouped bars."""
    fig = go.Figure()
    names = [t(f"fair_keys.key.{k}") for k in table["key"]]
    for i, column in enumerate(GAINS):
        fig.add_bar(
            x=names,
            y=table[column],
            name=t(f"fair_keys.col.{column}"),
            marker_color=style.PALETTE[i % len(style.PALETTE)],
            text=[fmt.eur(v) for v in table[column]],
            textposition="outside",
            hovertemplate="%{x}: %{text}<extra>" + t(f"fair_keys.col.{column}") + "</extra>",
        )
    fig.add_hline(y=25, line={"color": "#e73f74", "width": 1, "dash": "dot"})
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=t("fair_keys.axis"), tickformat=",.0f")
    return style.apply_layout(fig, t("fair_keys.title"), height=420)


def _cell(column: str, value: float) -> str:
    """One figure of the table as people read it (an empty one as a dash)."""
    if isinstance(value, float) and math.isnan(value):
        return "–"
    if column.endswith("_eur") and column != "households_below_25_eur":
        return fmt.eur(value)
    if column == "energy_poor_benefit_frac":
        return fmt.percent(value, 0)
    if column == "gini":
        return fmt.number(value, 2)
    if column == "sharing_participants_mean":
        return fmt.number(value, 1)
    return fmt.count(value)


def shown_table(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison in the page's language, one row per key."""
    return pd.DataFrame(
        {
            t(f"fair_keys.col.{c}"): (
                [t(f"fair_keys.key.{k}") for k in table[c]]
                if c == "key"
                else [_cell(c, v) for v in table[c]]
            )
            for c in FAIRNESS_COLUMNS
        }
    )


def section(scenario: Scenario) -> None:
    """What is compared, the switch that computes the comparison, its chart and table
    (under the section's heading, :func:`dashboards.results.view.page`)."""
    st.caption(t("fair_keys.help"))
    if not st.toggle(t("fair_keys.show"), key="fair_keys_show"):
        st.caption(t("fair_keys.why_asked"))
        return
    with st.spinner(t("common.running")):
        table = cached_keys(scenario.model_dump_json())
    st.plotly_chart(chart(table), config=CONFIG, key="chart_fair_keys")
    st.table(shown_table(table).set_index(t("fair_keys.col.key")))
    st.caption(t("fair_keys.caption"))
    download_table(
        table.assign(key=[t(f"fair_keys.key.{k}") for k in table["key"]]),
        "sharing_keys",
        "fair_keys",
        labels={c: t(f"fair_keys.col.{c}") for c in FAIRNESS_COLUMNS},
    )
