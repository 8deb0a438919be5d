"""The Results page's table of the scheme against the Huurcommissie's service-cost rules
(:func:`energysim.results.tables.service_costs_table`, ``service_costs.csv``)."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from dashboards.shared import formatting as fmt
from dashboards.shared.downloads import download_table
from dashboards.shared.i18n import t

SHOWN = ("building_id", "rule", "scheme_value", "limit_value", "holds", "assumed")
"""The columns shown, in order (the download holds them too, with the source)."""


def _amount(value: float, unit: str) -> str:
    """A figure of the table in its unit; an empty limit is "no limit"."""
    if isinstance(value, float) and math.isnan(value):
        return t("service_costs.no_limit")
    if unit == "dwellings":
        return fmt.count(value)
    return t("service_costs.per_year", amount=fmt.eur(value, cents=True))


def shown_table(table: pd.DataFrame) -> pd.DataFrame:
    """The compliance table in the page's language: one row per building and rule, the
    rule in words, the scheme's figure and the limit in their unit, holds yes or no, and
    which of the building's service-cost terms were assumed."""
    return pd.DataFrame(
        {
            t("service_costs.col.building_id"): table["building_id"],
            t("service_costs.col.rule"): [t(f"service_costs.rule.{r}") for r in table["rule"]],
            t("service_costs.col.scheme_value"): [
                _amount(v, u) for v, u in zip(table["scheme_value"], table["unit"], strict=True)
            ],
            t("service_costs.col.limit_value"): [
                _amount(v, u) for v, u in zip(table["limit_value"], table["unit"], strict=True)
            ],
            t("service_costs.col.holds"): [
                t("service_costs.holds" if h else "service_costs.broken") for h in table["holds"]
            ],
            t("service_costs.col.assumed"): [
                ", ".join(t(f"service_costs.assumed.{name}") for name in str(a).split())
                for a in table["assumed"].fillna("")
            ],
        }
    )


def section(table: pd.DataFrame) -> None:
    """Whether every rule holds, the rules, the table and its download (under the
    section's heading, :func:`dashboards.results.view.page`)."""
    st.caption(t("service_costs.help"))
    broken = int((~table["holds"].astype(bool)).sum())
    if broken:
        st.warning(t("service_costs.some_broken", count=fmt.count(broken)))
    else:
        st.success(t("service_costs.all_hold"))
    st.table(shown_table(table).set_index(t("service_costs.col.building_id")))
    st.caption(t("service_costs.caption"))
    download = table.drop(columns=["rule_en", "rule_nl"]).assign(
        rule=[t(f"service_costs.rule.{r}") for r in table["rule"]]
    )
    download_table(
        download,
        "service_costs",
        "service_costs",
        labels={c: t(f"service_costs.col.{c}") for c in download.columns},
    )
