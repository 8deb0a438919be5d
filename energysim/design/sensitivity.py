"""How the recommended design fares when a figure is lower or higher than assumed.

One factor at a time, each with a stated low and high case, the design's scenario is
changed (:mod:`~energysim.design.downside` for the yield, the capex and the late price
path) and its money computed again: by re-pricing the design's run where only money
changes (:func:`energysim.design.money.reprice`: capex, discount rate, prices after
2030 -- exact, the kWh are the same) and by a run of the changed scenario where the
energy changes (yield, participation) or the tariffs do (feed-in costs). The prices
stay the design's: the question is how far its owners and households move.

The cases (each value in ``sensitivity.csv`` and ``design.json``):

- yield: P90 and P10 of the KNMI weather years (:func:`~energysim.design.downside.yield_spread`);
- capex: -15% and +15% (the domain's EUR 650-900/kWp around EUR 750);
- discount rate: 2 percentage points lower and higher;
- energy prices after 2030: flat (0%/yr) and 4%/yr from 2031 (*estimates*, ours);
- feed-in costs: none, and EUR 0.12705/kWh (Greenchoice's 2024 fixed contracts, the
  highest per-kWh figure of ``energysim/data/suppliers.csv``);
- participation: tenants taking part 20 percentage points of the dwellings fewer and
  more (at least one where strings are wired behind their meters, at most every
  dwelling).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from energysim.config.allocation_policy import StaticKey
from energysim.config.scenario import Scenario
from energysim.design.downside import (
    LATE_FROM_YEAR,
    LATE_HIGH_FRAC_PER_YR,
    LATE_LOW_FRAC_PER_YR,
    with_capex,
    with_late_prices,
    with_yield,
    yield_spread,
)
from energysim.design.money import households, reprice, with_finance
from energysim.design.words import Said, joined, say
from energysim.results.result import Result
from energysim.simulate import run

CAPEX_SWING_FRAC = 0.15
"""Capex lower and higher by this share [-]."""
RATE_SWING_FRAC = 0.02
"""Discount rate lower and higher by this much [-]."""
FEED_IN_COST_HIGH_EUR_PER_KWH = 0.12705
"""Feed-in costs in the high case, incl. VAT [EUR/kWh]: Greenchoice, 2- and 3-year fixed
contracts from 20 June 2024 (energysim/data/suppliers.csv)."""
PARTICIPATION_SWING_FRAC = 0.20
"""Tenants taking part: this share of the dwellings fewer and more [-]."""
FACTORS: tuple[str, ...] = (
    "yield",
    "capex",
    "discount_rate",
    "late_prices",
    "feed_in_cost",
    "participation",
)
"""The factors of the table, in its order."""
COLUMNS: tuple[str, ...] = (
    "factor",
    "case",
    "value",
    "setting",
    "method",
    "owners_npv_eur",
    "owners_npv_change_eur",
    "household_median_eur",
    "household_median_change_eur",
    "household_median_npv_eur",
    "household_median_npv_change_eur",
)


@dataclass(frozen=True)
class Case:
    """One changed scenario: its factor, ``low`` or ``high``, its value in words and as a
    number (``setting``: the yield factor [-], capex [EUR/kWp], discount rate [-], late
    indexation [-/yr], feed-in cost [EUR/kWh] or the share of dwellings taking part [-])."""

    factor: str
    case: str
    value: str
    setting: float
    scenario: Scenario | None
    """None when the scenario cannot take the case (``value`` says why)."""


def _with_feed_in_cost(scenario: Scenario, eur_per_kwh: float) -> Scenario:
    """The scenario with a feed-in cost per kWh and no monthly bands."""
    tariffs = scenario.tariffs.model_copy(
        update={
            "feed_in_cost_incl_vat_eur_per_kwh": eur_per_kwh,
            "feed_in_cost_bands_incl_vat_eur_per_month": None,
        }
    )
    return scenario.model_copy(update={"tariffs": tariffs})


def _with_participation(scenario: Scenario, swing_frac: float) -> tuple[Scenario, Said, float]:
    """The scenario with each building's participating tenants moved by ``swing_frac``
    of its dwellings, the counts in words and the share of all dwellings taking part."""
    buildings, words, taking_part = [], [], 0
    for b in scenario.buildings:
        strings = any(a.setup == "per_dwelling" for a in b.arrays)
        low = min(1, b.tenants.participating) if strings else 0
        count = int(
            np.clip(round(b.tenants.participating + swing_frac * b.dwellings), low, b.dwellings)
        )
        words.append(
            say("sensitivity.taking_part", building=b.id, count=count, dwellings=b.dwellings)
        )
        taking_part += count
        buildings.append(
            b.model_copy(update={"tenants": b.tenants.model_copy(update={"participating": count})})
        )
    dwellings = sum(b.dwellings for b in scenario.buildings)
    changed = scenario.model_copy(update={"buildings": buildings})
    changed = _static_key_resized(changed, [b.tenants.participating for b in buildings])
    changed = Scenario.model_validate(changed.model_dump())  # the scenario's own checks
    return (
        changed,
        say("sensitivity.participation", counts=joined(", ", words)),
        taking_part / dwellings,
    )


def _static_key_resized(scenario: Scenario, counts: list[int]) -> Scenario:
    """A static key of the tenants for another number of tenants: the first keep their
    shares (the last ones leave), those who join get the average share, all scaled to the
    key's total (an agreement redrawn for who takes part).

    Raises
    ------
    ValueError
        When the buildings would need different numbers of shares (one static key holds
        one list for every building).
    """
    key = scenario.allocation.tenants.key
    if not isinstance(key, StaticKey):
        return scenario
    if len(set(counts)) != 1:
        raise ValueError(
            "participation case: a static key of the tenants needs as many tenants in every "
            f"building, found {counts}"
        )
    old = np.asarray(key.shares_frac, dtype=np.float64)
    n = counts[0]
    mean = float(old.mean()) if len(old) else 0.0
    new = np.r_[old[:n], np.full(max(0, n - len(old)), mean)]
    if new.sum() > 0:
        new = new * (old.sum() / new.sum())
    tenants = scenario.allocation.tenants.model_copy(
        update={"key": key.model_copy(update={"shares_frac": [float(w) for w in new]})}
    )
    allocation = scenario.allocation.model_copy(update={"tenants": tenants})
    return scenario.model_copy(update={"allocation": allocation})


def cases(result: Result) -> list[Case]:
    """The low and high case of every factor of :data:`FACTORS` for a run's scenario."""
    s = result.scenario
    fin = s.finance
    out: list[Case] = []
    if s.generation_csv is None:
        spread = yield_spread(result)
        for case, name, factor in (
            ("low", "P90", spread.p90_factor),
            ("high", "P10", spread.p10_factor),
        ):
            words = say("sensitivity.yield", name=name, factor=factor)
            out.append(Case("yield", case, words, factor, with_yield(s, factor)))
    for case, sign in (("low", -1.0), ("high", 1.0)):
        capex = fin.capex_eur_per_kwp * (1.0 + sign * CAPEX_SWING_FRAC)
        words = say("sensitivity.capex", capex=capex, swing_frac=sign * CAPEX_SWING_FRAC)
        out.append(Case("capex", case, words, capex, with_capex(s, 1.0 + sign * CAPEX_SWING_FRAC)))
    for case, sign in (("low", -1.0), ("high", 1.0)):
        rate = fin.discount_rate_frac + sign * RATE_SWING_FRAC
        out.append(
            Case(
                "discount_rate",
                case,
                say("sensitivity.rate", rate_frac=rate),
                rate,
                with_finance(s, discount_rate_frac=rate),
            )
        )
    for case, frac in (("low", LATE_LOW_FRAC_PER_YR), ("high", LATE_HIGH_FRAC_PER_YR)):
        words = say("sensitivity.late", frac=frac, year=LATE_FROM_YEAR)
        out.append(Case("late_prices", case, words, frac, with_late_prices(s, frac)))
    for case, cost in (("low", 0.0), ("high", FEED_IN_COST_HIGH_EUR_PER_KWH)):
        words = say("price.kwh", value=cost)
        out.append(Case("feed_in_cost", case, words, cost, _with_feed_in_cost(s, cost)))
    for case, sign in (("low", -1.0), ("high", 1.0)):
        try:
            changed, words, share = _with_participation(s, sign * PARTICIPATION_SWING_FRAC)
        except ValueError as exc:  # the scenario's checks refuse it (ValidationError too)
            words = say("sensitivity.not_computed", error=str(exc))
            out.append(Case("participation", case, words, math.nan, None))
            continue
        out.append(Case("participation", case, words, share, changed))
    return out


def _figures(result: Result, accounts: Any) -> dict[str, float]:
    """Owners' NPV and the median household's year-one and lifetime benefit [EUR]."""
    table = households(result, accounts)
    return {
        "owners_npv_eur": float(accounts.stakeholders["npv_eur"].sum()),
        "household_median_eur": float(np.median(table["benefit_eur"])),
        "household_median_npv_eur": float(np.median(table["benefit_npv_eur"])),
    }


def evaluate(result: Result, scenario: Scenario) -> tuple[dict[str, float], str]:
    """The figures of a changed scenario: re-priced when only money changes, else run.

    Returns
    -------
    dict of str to float, str
        ``owners_npv_eur``, ``household_median_eur``, ``household_median_npv_eur``, and
        how they were found (``re-priced`` or ``run``).
    """
    try:
        accounts = reprice(result, scenario)
    except ValueError:  # kWh or tariffs change: a run
        changed = run(scenario)
        return _figures(changed, changed.accounts), "run"
    return _figures(result, accounts), "re-priced"


def sensitivity_table(
    result: Result,
    evaluate_case: Callable[[Result, Scenario], tuple[dict[str, float], str]] = evaluate,
) -> pd.DataFrame:
    """The sensitivity of a design's run: one row per factor and case, the base first.

    Parameters
    ----------
    result : Result
        The run of the recommended design.
    evaluate_case : callable
        How a changed scenario's figures are found (default :func:`evaluate`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`; changes against the base row [EUR].
    """
    base = _figures(result, result.accounts)
    rows = [
        {
            "factor": "base",
            "case": "base",
            "value": "as designed",
            "setting": float("nan"),
            "method": "run",
            **base,
        }
    ]
    for c in cases(result):
        if c.scenario is None:
            names = ("owners_npv_eur", "household_median_eur", "household_median_npv_eur")
            figures, method = dict.fromkeys(names, math.nan), "not computed"
        else:
            figures, method = evaluate_case(result, c.scenario)
        rows.append(
            {
                "factor": c.factor,
                "case": c.case,
                "value": c.value,
                "setting": c.setting,
                "method": method,
                **figures,
            }
        )
    table = pd.DataFrame(rows)
    # the words as said (energysim.design.words.Said), not pandas' strings: Dutch too
    table["value"] = pd.Series([r["value"] for r in rows], dtype=object, index=table.index)
    for name in ("owners_npv_eur", "household_median_eur", "household_median_npv_eur"):
        table[name.replace("_eur", "_change_eur")] = table[name] - base[name]
    return table.loc[:, list(COLUMNS)]


def table_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The table as plain records for ``design.json`` (no setting: null)."""

    def plain(value: Any) -> Any:
        if isinstance(value, (float, np.floating)):
            return float(value) if np.isfinite(value) else None
        return value

    return [{k: plain(v) for k, v in row.items()} for row in table.to_dict(orient="records")]


def sensitivity_lines(table: pd.DataFrame) -> list[Said]:
    """The table in words, one line per case, for the terminal."""
    lines = [say("sensitivity.head")]
    for row in table.itertuples(index=False):
        if row.factor == "base":
            lines.append(
                say(
                    "sensitivity.base",
                    owners_eur=float(row.owners_npv_eur),
                    median_eur=float(row.household_median_eur),
                )
            )
            continue
        lines.append(
            say(
                "sensitivity.case",
                factor=say(f"sensitivity.factor.{row.factor}"),
                case=say(f"sensitivity.cases.{row.case}"),
                value=row.value,
                method=say(f"sensitivity.method.{row.method}"),
                owners_eur=float(row.owners_npv_eur),
                owners_change_eur=float(row.owners_npv_change_eur),
                median_eur=float(row.household_median_eur),
                median_change_eur=float(row.household_median_change_eur),
            )
        )
    return lines
