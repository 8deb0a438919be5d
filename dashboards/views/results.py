"""Results page: where the energy goes, typical days, months, benefit per household."""

from __future__ import annotations

from typing import Any

import charts
import formatting as fmt
import pandas as pd
import state
import streamlit as st
from downloads import download_table
from i18n import t

from views import common, storage

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
STAT_COLUMNS = ["households", "mean_eur", "p10_eur", "median_eur", "p90_eur", "better_off_frac"]
LEAST = 5


def headline(s: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """The five headline figures: label key -> (value as shown, help key)."""
    return {
        "results.generation": (fmt.number(s["generation_kwh"]), "help.generation"),
        "results.self_consumption": (
            fmt.percent(s["self_consumption_frac"]),
            "help.self_consumption",
        ),
        "results.self_sufficiency": (
            fmt.percent(s["self_sufficiency_frac"]),
            "help.self_sufficiency",
        ),
        "results.local_ownership": (fmt.percent(s["local_ownership_frac"]), "help.local_ownership"),
        "results.benefit_total": (
            fmt.number(s["household_benefit_total_eur"]),
            "help.benefit_total",
        ),
    }


def benefit_stats(s: dict[str, Any]) -> pd.DataFrame:
    """The summary's statistics of benefit per household, one row per role."""
    stats = pd.DataFrame(
        {role: {k: v[k] for k in STAT_COLUMNS} for role, v in s["household_benefit_eur"].items()}
    ).T
    stats.index.name = "role"
    return stats


def shown_stats(stats: pd.DataFrame) -> pd.DataFrame:
    """The statistics as people read them (words, %, whole euros)."""
    out = pd.DataFrame(index=[t(f"role_plural.{r}") for r in stats.index])
    out[t("col.households")] = [fmt.count(v) for v in stats["households"]]
    for column in ("mean_eur", "p10_eur", "median_eur", "p90_eur"):
        out[t(f"col.{column}")] = [fmt.eur(v) for v in stats[column]]
    out[t("col.better_off_frac")] = [fmt.percent(v, 0) for v in stats["better_off_frac"]]
    return out


def least(households: pd.DataFrame) -> pd.DataFrame:
    """The households that gain least (lowest benefit first), per role."""
    columns = ["participant_id", "role", "consumption_kwh", "allocated_kwh", "benefit_eur"]
    parts = [
        part.nsmallest(LEAST, "benefit_eur")[columns]
        for _, part in households[households["participating"]].groupby("role", sort=False)
    ]
    return pd.concat(parts, ignore_index=True) if parts else households[columns].head(0)


def with_role_words(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with roles in words (tenant -> huurder)."""
    return frame.assign(role=frame["role"].map(lambda r: t(f"role.{r}")))


def page(checked: state.Check) -> None:
    """Render the Results page for the session's scenario."""
    st.header(t("nav.results"))
    out = common.banner(checked)
    if out is None:
        st.info(t("results.fix_first"))
        return
    s, table, ts = out["summary"], out["participants"], out["timeseries"]
    figures = headline(s)
    columns = st.columns(len(figures))
    for column, (label, (value, help_key)) in zip(columns, figures.items(), strict=True):
        column.metric(t(label), value, help=t(help_key))
    common.engine_messages(out["warnings"], out["notes"])

    storage.results(s)

    st.subheader(t("results.flows_heading"), help=t("help.flows"))
    flows = state.energy_flows(s, table)
    st.plotly_chart(charts.sankey(flows), config=charts.CONFIG, key="chart_flows")
    shown_flows = flows.assign(
        source=flows["source"].map(lambda n: t(f"flow.{n}")),
        target=flows["target"].map(lambda n: t(f"flow.{n}")),
    )
    download_table(shown_flows, "energy_flows", "flows")

    left, right = st.columns(2)
    with left:
        days = state.typical_days(ts)
        st.plotly_chart(
            charts.typical_days(days, state.SEASONS), config=charts.CONFIG, key="chart_days"
        )
        download_table(
            days.assign(season=days["season"].map(lambda x: t(f"season.{x}"))),
            "typical_days",
            "days",
        )
    with right:
        monthly = state.monthly(ts)
        st.plotly_chart(charts.months(monthly), config=charts.CONFIG, key="chart_months")
        download_table(monthly.reset_index(), "months", "months")

    st.subheader(t("results.benefit_heading"), help=t("help.benefit_distribution"))
    households = table[table.role != "common"]
    stats = benefit_stats(s)
    if households.empty or stats.empty:
        st.info(t("results.no_households"))
        return
    st.plotly_chart(
        charts.benefit_distribution(households, s["household_benefit_eur"]),
        config=charts.CONFIG,
        key="chart_benefit",
    )
    st.table(shown_stats(stats))
    download_table(with_role_words(stats.reset_index()), "benefit_per_household", "stats")

    st.subheader(t("results.least_heading"), help=t("help.least"))
    lowest = least(households)
    st.dataframe(fmt.readable(with_role_words(lowest)), hide_index=True, key="least_table")

    st.subheader(t("results.households_heading"))
    shown = households[HOUSEHOLD_COLUMNS]
    st.dataframe(fmt.readable(with_role_words(shown)), hide_index=True, key="households_table")
    download_table(with_role_words(shown), "households", "households")
