"""Compare page: the session's scenario under the rules of other years, or beside examples.

The variants run through :func:`energysim.batch.compare.compare`, the function behind
``energysim compare``: "this scenario under the rules of 2026 and of 2027" is
``energysim compare FILE --years 2026 2027`` (same weather and households, each year's
tariffs and net-metering rule), so every figure and difference here is the command's.
"""

from __future__ import annotations

import json
from typing import Any

import charts
import formatting as fmt
import i18n
import pandas as pd
import session
import state
import streamlit as st
from downloads import download_table
from i18n import t

from energysim.batch.compare import compare
from energysim.config.scenario import Scenario
from energysim.core.errors import EnergysimError
from views import common

ROLES = ("tenant", "member")
WORST = 5


@st.cache_data(show_spinner=False, max_entries=16)
def cached_compare(scenario_jsons: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``energysim compare`` of the variants (cached by their JSON)."""
    return compare([Scenario.model_validate_json(j) for j in scenario_jsons])


def variant_options(current: Scenario) -> list[str]:
    """The variants one can choose: this scenario under each year's rules, the examples."""
    years = sorted({*state.YEARS, current.rules_year})
    examples = [f"example:{n}" for n in state.examples() if f"{n}.toml" != session.source().name]
    return [f"rules:{y}" for y in years] + examples


def variant_label(option: str, current: Scenario) -> str:
    """What the page calls a variant."""
    kind, value = option.split(":", 1)
    if kind == "rules":
        own = int(value) == current.rules_year
        return t("compare.rules_own" if own else "compare.rules_of", year=value)
    return t("compare.example", name=value)


def variant_short(option: str) -> str:
    """A variant's short name, for charts and table headers (``regels van 2026``)."""
    kind, value = option.split(":", 1)
    return t("compare.rules_short", year=value) if kind == "rules" else value


def variant_scenario(option: str, current: Scenario) -> Scenario:
    """The scenario a variant runs (named as ``energysim compare --years`` names it)."""
    kind, value = option.split(":", 1)
    if kind == "rules":
        year = int(value)
        name = f"{current.name}-rules{year}"
        return current.model_copy(update={"tariff_year": year, "name": name})
    example = state.check(*state.load_example(value))
    if example.scenario is None:
        raise EnergysimError(f"{value}.toml: {example.errors[0]}")
    return example.scenario


def row_label(row: str) -> str:
    """A row of the comparison table in words (``tenant_mean_eur`` -> "Huurders: ...")."""
    if row.startswith("npv_eur["):
        return t("col.npv_eur_owner", owner=row[len("npv_eur[") : -1])
    return t(f"col.{row}")


def shown_value(row: str, value: Any) -> str:
    """One cell of the comparison table as people read it."""
    if row == "regime" and isinstance(value, str):
        return t(f"compare.regime_{value}")
    if row in ("year", "tariff_year"):
        return str(value)
    if row.endswith("_eur") or row.startswith("npv_eur["):
        return fmt.eur(value)
    return fmt.cell(row, value)


def differences(table: pd.DataFrame) -> pd.DataFrame:
    """Each variant minus the first, for the rows that are numbers (others empty)."""
    first = table.columns[0]
    out = pd.DataFrame(index=table.index)
    for column in table.columns[1:]:
        a = pd.to_numeric(table[first], errors="coerce")
        b = pd.to_numeric(table[column], errors="coerce")
        out[column] = b - a
    return out.drop(index=[r for r in ("year", "tariff_year") if r in out.index])


def shown_table(table: pd.DataFrame, diff: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The comparison for the page: rows in words, cells formatted, differences signed."""
    out = pd.DataFrame(index=[row_label(r) for r in table.index])
    first = names[table.columns[0]]
    for column in table.columns:
        out[names[column]] = [shown_value(r, v) for r, v in table[column].items()]
    for column in diff.columns:
        label = t("compare.difference_column", b=names[column], a=first)
        out[label] = [
            ""
            if r not in diff.index or pd.isna(diff.at[r, column])
            else _signed(r, diff.at[r, column])
            for r in table.index
        ]
    return out


def _signed(row: str, value: float) -> str:
    if row.endswith("_eur") or row.startswith("npv_eur["):
        return fmt.eur(value, sign=True)
    if row.endswith("_frac"):
        return fmt.pp(value * 100)
    if row.endswith("_kwh"):
        return fmt.kwh(value, sign=True)
    return fmt.number(value, 2, sign=True)


def household_difference(households: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Per household: the role and the difference ``b - a`` [EUR/yr] of their benefit."""
    out = households[["role"]].copy()
    out["difference_eur"] = households[b] - households[a]
    return out.dropna()


def page(checked: state.Check) -> None:
    """Render the Compare page: two to four variants side by side, with differences."""
    st.header(t("nav.compare"))
    out = common.banner(checked)
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
        st.error(t("compare.cannot_run", message=str(exc)), icon=":material/error:")
        return
    except ValueError as exc:  # two variants with one name
        st.error(t("compare.cannot_run", message=str(exc)), icon=":material/error:")
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
        st.plotly_chart(charts.role_benefits(means), config=charts.CONFIG, key="chart_roles")

    same_households = all(o.startswith("rules:") for o in chosen)
    if same_households:
        a, b = table.columns[0], table.columns[-1]
        per_household = household_difference(households, a, b)
        st.subheader(t("compare.households_heading"), help=t("help.compare_households"))
        st.plotly_chart(
            charts.household_differences(
                per_household, t("compare.households_title", b=names[b], a=names[a])
            ),
            config=charts.CONFIG,
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
