"""``energysim keys``: every sharing key the scenario's set-up allows, side by side on
fairness.

Each key is given to the households' sharing tiers (the tenants, and the members when
they share kWh) and the scenario is run again on the same generation and consumption;
per key :func:`compare_keys` reports the distribution of the households' year-1 gain,
who is left behind, and how many take part in each interval.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from energysim.config.allocation_policy import (
    EqualKey,
    Key,
    MaxMinKey,
    PriorityKey,
    ProportionalKey,
)
from energysim.config.scenario import Scenario, participant_ids
from energysim.money.fairness import gini
from energysim.results.result import Result
from energysim.simulate import run

__all__ = ["FAIRNESS_COLUMNS", "LOW_GAIN_EUR", "compare_keys", "energy_poor_ids", "key_options"]

LOW_GAIN_EUR = 25.0
"""A household gaining less than this a year counts as left behind [EUR/yr]."""

FAIRNESS_COLUMNS = (
    "key",
    "median_gain_eur",
    "p10_gain_eur",
    "min_gain_eur",
    "households_below_25_eur",
    "gini",
    "energy_poor_benefit_frac",
    "sharing_participants_mean",
)
"""The columns of :func:`compare_keys`, one row per key."""


def energy_poor_ids(scenario: Scenario) -> list[str]:
    """Participants flagged ``energy_poor``, or of income class ``low``: the households a
    priority key would serve first and whose share of the benefit the comparison shows."""
    out: list[str] = []
    for b in scenario.buildings:
        ids = participant_ids(b)
        for role, group in (("tenants", b.tenants), ("members", b.members)):
            n = len(ids[role])
            poor = group.energy_poor
            income = group.income_class
            flags = poor if isinstance(poor, list) else [bool(poor)] * n
            classes = income if isinstance(income, list) else [income] * n
            out += [
                pid for pid, f, c in zip(ids[role], flags, classes, strict=True) if f or c == "low"
            ]
    return out


def _flagged(scenario: Scenario, name: str) -> bool:
    """Whether any household gives ``energy_poor`` (true) or ``income_class``."""
    for b in scenario.buildings:
        for group in (b.tenants, b.members):
            value = getattr(group, name)
            if (
                (value is True)
                or (isinstance(value, list) and any(value))
                or (name == "income_class" and isinstance(value, str))
            ):
                return True
    return False


def key_options(scenario: Scenario) -> dict[str, Key]:
    """The keys the set-up allows, by name: proportional, equal, max-min, and a priority
    key for the energy-poor or by income where the scenario flags households."""
    keys: dict[str, Key] = {
        "proportional": ProportionalKey(),
        "equal": EqualKey(),
        "maxmin": MaxMinKey(),
    }
    if _flagged(scenario, "energy_poor"):
        keys["priority_energy_poor"] = PriorityKey(first="energy_poor")
    if _flagged(scenario, "income_class"):
        keys["priority_income"] = PriorityKey(first="income_class")
    return keys


def _with_key(scenario: Scenario, key: Key) -> Scenario:
    """The scenario with ``key`` for the tenants and, when they share kWh, the members."""
    policy = scenario.allocation
    update: dict[str, Any] = {"tenants": policy.tenants.model_copy(update={"key": key})}
    if policy.members.mode == "sharing":
        update["members"] = policy.members.model_copy(update={"key": key})
    return scenario.model_copy(update={"allocation": policy.model_copy(update=update)})


def fairness_row(result: Result, poor: list[str]) -> dict[str, Any]:
    """One key's figures (:data:`FAIRNESS_COLUMNS` but ``key``) from its run."""
    p = result.participants
    households = p.index[(p["role"] != "common") & p["participating"]]
    gain = result.money.loc[households, "benefit_eur"].to_numpy(dtype=np.float64)
    if not len(gain):
        return dict.fromkeys(FAIRNESS_COLUMNS[1:], np.nan)
    poor_in = [h for h in households if h in set(poor)]
    total = float(gain.sum())
    share = (
        float(result.money.loc[poor_in, "benefit_eur"].sum()) / total
        if poor_in and total > 0
        else np.nan
    )
    sharing = (result.shared_kwh[households].to_numpy() > 1e-9).sum(axis=1)
    g = gini(gain)
    return {
        "median_gain_eur": float(np.median(gain)),
        "p10_gain_eur": float(np.percentile(gain, 10)),
        "min_gain_eur": float(gain.min()),
        "households_below_25_eur": int((gain < LOW_GAIN_EUR).sum()),
        "gini": np.nan if g is None else g,
        "energy_poor_benefit_frac": share,
        "sharing_participants_mean": float(sharing.mean()),
    }


def compare_keys(scenario: Scenario, base: Result | None = None) -> pd.DataFrame:
    """Run the scenario with every key of :func:`key_options` and compare their fairness.

    Parameters
    ----------
    scenario : Scenario
        The set-up; its own keys are replaced in the households' sharing tiers.
    base : Result, optional
        A run of the scenario whose generation and consumption are reused.

    Returns
    -------
    pandas.DataFrame
        One row per key, columns :data:`FAIRNESS_COLUMNS`: the median and 10th percentile
        of the participating households' year-1 gain, the smallest gain [EUR/yr], how many
        gain less than :data:`LOW_GAIN_EUR`, the Gini coefficient of the gains (empty when
        a gain is negative), the energy-poor's share of the total gain
        (:func:`energy_poor_ids`; empty without them) and the mean number of households
        that receive shared energy per interval.

    Notes
    -----
    Gini: ``G = sum_i sum_j |x_i - x_j| / (2 n^2 mean)``
    (:func:`energysim.money.fairness.gini`).
    """
    base = base if base is not None else run(scenario)
    poor = energy_poor_ids(scenario)
    rows = []
    for name, key in key_options(scenario).items():
        result = run(_with_key(scenario, key), inputs=base.inputs)
        rows.append({"key": name} | fairness_row(result, poor))
    return pd.DataFrame(rows, columns=list(FAIRNESS_COLUMNS))
