"""The Compare page's state as plain Python: the variants and the comparison as shown.

Testable without a browser: what a variant is called and runs, the differences to the
first variant, the table in words.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboards.shared import formatting as fmt
from dashboards.shared.i18n import t
from dashboards.shared.state import check, load_example
from energysim.config.scenario import Scenario
from energysim.core.errors import EnergysimError

ROLES = ("tenant", "member")
WORST = 5


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
    example = check(*load_example(value))
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
