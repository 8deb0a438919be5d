"""Side-by-side comparison of scenarios or of one scenario's tariff years (regimes)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from energysim.config.scenario import Scenario
from energysim.core.publish import (
    expect_csv_dialect,
    expect_folder_path,
    publish_atomically,
    write_csv,
)
from energysim.results.tables import participants_table, summary
from energysim.simulate import run


def compare(
    scenarios: Sequence[Scenario], *, years: Sequence[int] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run each variant and tabulate key figures per role and benefits per household.

    Parameters
    ----------
    scenarios : sequence of Scenario
        Scenarios to compare, or one scenario with ``years``.
    years : sequence of int, optional
        Run the (single) scenario under the rules of each of these years
        (``tariff_year``), e.g. 2026 and 2027 to see the end of net metering. The data
        year stays: the same weather, profiles or measured series, on their own calendar
        (weekdays, holidays, clock changes); only yearly rules change (tariffs, net
        metering, SCE availability, the lifetime's calendar years), none of which
        depends on the weekday, so nothing needs aligning.

    Returns
    -------
    table : pandas.DataFrame
        One column per variant; rows: generation, self-consumption, benefit per role,
        per-household statistics per role, local ownership.
    households : pandas.DataFrame
        One row per participant, one ``benefit_eur`` column per variant, and the
        difference between the last and the first variant.
    """
    if not isinstance(scenarios, list | tuple):
        found = type(scenarios).__name__
    else:
        found = ", ".join(sorted({type(x).__name__ for x in scenarios} - {"Scenario"}))
    if found:
        raise TypeError(
            f"compare(): expected a list of Scenario (from energysim.load_scenario), found {found}"
        )
    variants: list[tuple[str, Scenario]] = []
    if years:
        base = scenarios[0]
        variants = [
            (f"{base.name}@{y}", base.model_copy(update={"tariff_year": y})) for y in years
        ]
    else:
        variants = [(s.name, s) for s in scenarios]
    names = [n for n, _ in variants]
    if len(set(names)) != len(names):
        raise ValueError(f"compare: variant names must differ, found {names}")
    columns, per_household = {}, {}
    for name, scenario in variants:
        result = run(scenario)
        s = summary(result)
        row = {
            "year": s["year"],
            "tariff_year": s["tariff_year"],
            "regime": s["regime"],
            "generation_kwh": s["generation_kwh"],
            "self_consumption_frac": s["self_consumption_frac"],
            "self_sufficiency_frac": s["self_sufficiency_frac"],
            "local_ownership_frac": s["local_ownership_frac"],
        }
        for role in ("common", "tenants", "members"):
            row[f"allocated_{role}_kwh"] = s["allocated_kwh"][role]
            row[f"benefit_{role}_eur"] = s["benefit_eur"][role]
        for role, st in s["household_benefit_eur"].items():
            for key in ("mean_eur", "p10_eur", "median_eur", "p90_eur", "better_off_frac"):
                row[f"{role}_{key}"] = st.get(key)
        for st in s["stakeholders"]:
            row[f"npv_eur[{st['owner']}]"] = st["npv_eur"]
        columns[name] = row
        table = participants_table(result).set_index("participant_id")
        per_household[name] = table["benefit_eur"]
        per_household.setdefault("role", table["role"])
    households = pd.DataFrame(per_household)
    households = households[["role", *names]]
    if len(names) > 1:
        households[f"difference_eur ({names[-1]} - {names[0]})"] = (
            households[names[-1]] - households[names[0]]
        )
    return pd.DataFrame(columns), households


def format_comparison(table: pd.DataFrame) -> str:
    """The comparison table for the terminal, with a difference column for two variants."""
    shown = table.copy()
    if shown.shape[1] == 2:
        a, b = shown.columns
        numeric = (
            pd.to_numeric(shown[a], errors="coerce").notna()
            & pd.to_numeric(shown[b], errors="coerce").notna()
        )
        diff = pd.Series("", index=shown.index, dtype=object)
        diff[numeric] = (pd.to_numeric(shown[b][numeric]) - pd.to_numeric(shown[a][numeric])).map(
            lambda v: f"{v:+,.2f}"
        )
        shown["difference"] = diff
    return shown.to_string(float_format=lambda v: f"{v:,.2f}")


def write_comparison(
    table: pd.DataFrame, households: pd.DataFrame, out_dir: Path, csv_dialect: str = "standard"
) -> Path:
    """Write ``compare/comparison.csv`` and ``compare/households.csv`` atomically, in a
    CSV dialect of :mod:`energysim.core.csv_dialect` (a wrong argument is named)."""
    out_dir = expect_folder_path(out_dir, "write_comparison", "out_dir")
    csv_dialect = expect_csv_dialect(csv_dialect, "write_comparison")

    def write(folder: Path) -> None:
        write_csv(folder / "comparison.csv", table, index=True, dialect=csv_dialect)
        write_csv(folder / "households.csv", households, index=True, dialect=csv_dialect)

    return publish_atomically(out_dir / "compare", write)
