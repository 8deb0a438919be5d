"""Compare page: the session's scenario under the rules of other years, or beside examples.

The variants run through :func:`energysim.batch.compare.compare`, the function behind
``energysim compare``: "this scenario under the rules of 2026 and of 2027" is
``energysim compare FILE --years 2026 2027`` (same weather and households, each year's
tariffs and net-metering rule), so every figure and difference here is the command's.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from dashboards.compare import charts
from dashboards.compare.state import (
    ROLES,
    WORST,
    differences,
    household_difference,
    row_label,
    shown_table,
    variant_label,
    variant_scenario,
    variant_short,
)
from dashboards.shared import banner, form, i18n, session, state
from dashboards.shared import formatting as fmt
from dashboards.shared.chart_style import CONFIG
from dashboards.shared.downloads import download_table
from dashboards.shared.engine_errors import say_error
from dashboards.shared.i18n import t
from energysim.batch.compare import compare
from energysim.config.scenario import Scenario
from energysim.core.errors import EnergysimError


@st.cache_data(show_spinner=False, max_entries=16)
def cached_compare(scenario_jsons: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``energysim compare`` of the variants (cached by their JSON)."""
    return compare([Scenario.model_validate_json(j) for j in scenario_jsons])


def variant_options(current: Scenario) -> list[str]:
    """The variants one can choose: this scenario under each year's rules, the examples."""
    years = sorted({*form.YEARS, current.rules_year})
    examples = [f"example:{n}" for n in state.examples() if f"{n}.toml" != session.source().name]
    return [f"rules:{y}" for y in years] + examples


def page(checked: state.Check) -> None:
    """Render the Compare page: two to four variants side by side, with differences."""
    st.header(t("nav.compare"))
    out = banner.banner(checked)
    if out is None or checked.scenario is None:
        st.info(t("compare.fix_first"))
        return
    current = checked.scenario
    st.caption(t("compare.intro"))
    options = variant_options(current)
    default = [o for o in ("rules:2026", "rules:2027") if o in options]
    chosen = st.multiselect(
        t("compare.variants"),
        options,
        default=default,
        format_func=i18n.shown_as(options, lambda o: variant_label(o, current)),
        key=f"variants{st.session_state['rev']}",
        help=t("help.compare_variants"),
    )
    if not 2 <= len(chosen) <= 4:
        st.info(t("compare.choose"))
        return
    try:
        scenarios = [variant_scenario(o, current) for o in chosen]
        with st.spinner(t("common.running")):
            table, households = cached_compare(
                tuple(json.dumps(s.model_dump(mode="json"), sort_keys=True) for s in scenarios)
            )
    except EnergysimError as exc:
        st.error(t("compare.cannot_run", message=say_error(exc)), icon=":material/error:")
        return
    except ValueError as exc:  # two variants with one name
        st.error(t("compare.cannot_run", message=say_error(exc)), icon=":material/error:")
        return
    names = {s.name: variant_short(o) for s, o in zip(scenarios, chosen, strict=True)}
    diff = differences(table)

    means = pd.DataFrame(
        {
            names[c]: [
                table.at[f"{r}_mean_eur", c] if f"{r}_mean_eur" in table.index else None
                for r in ROLES
            ]
            for c in table.columns
        },
        index=list(ROLES),
    ).dropna(how="all")
    cols = st.columns(len(table.columns))
    first = table.columns[0]
    for col, variant in zip(cols, table.columns, strict=True):
        row = "tenant_mean_eur"
        value = table.at[row, variant] if row in table.index else None
        delta = None if variant == first or value is None else diff.at[row, variant]
        col.metric(
            t("compare.metric", variant=names[variant]),
            fmt.eur(value),
            None if delta is None else fmt.eur(delta, sign=True),
            help=t("help.compare_metric"),
        )
    if not means.empty:
        st.plotly_chart(charts.role_benefits(means), config=CONFIG, key="chart_roles")

    same_households = all(o.startswith("rules:") for o in chosen)
    if same_households:
        a, b = table.columns[0], table.columns[-1]
        per_household = household_difference(households, a, b)
        st.subheader(t("compare.households_heading"), help=t("help.compare_households"))
        st.plotly_chart(
            charts.household_differences(
                per_household, t("compare.households_title", b=names[b], a=names[a])
            ),
            config=CONFIG,
            key="chart_households",
        )
        worst = per_household[per_household["role"] != "common"].nsmallest(WORST, "difference_eur")
        st.markdown(t("compare.worst_heading", count=len(worst)))
        worst_shown = worst.reset_index().rename(columns={"index": "participant_id"})
        worst_shown["role"] = worst_shown["role"].map(lambda r: t(f"role.{r}"))
        st.dataframe(fmt.readable(worst_shown), hide_index=True, key="worst_table")
    else:
        st.caption(t("compare.no_households"))

    st.subheader(t("compare.table_heading"))
    st.table(shown_table(table, diff, names))
    numbers = table.copy()
    numbers.columns = [names[c] for c in table.columns]
    for column in diff.columns:
        numbers[t("compare.difference_column", b=names[column], a=names[first])] = diff[column]
    numbers.index = [row_label(r) for r in table.index]
    numbers.index.name = t("compare.figure")
    download_table(numbers, "comparison", "comparison")
    households_out = households.copy()
    households_out["role"] = households_out["role"].map(lambda r: t(f"role.{r}"))
    change = t("compare.difference_column", b=names[table.columns[-1]], a=names[first])
    households_out.columns = [
        "role" if c == "role" else names.get(c, change) for c in households_out.columns
    ]
    households_out.index.name = "participant_id"
    download_table(
        households_out,
        "comparison_households",
        "comparison_households",
        title=t("compare.households_download"),
    )
