"""The right size: sweep the installed capacity and recommend the best one.

Every array of the scenario is scaled by the same factor (0.25x to 2x by default): its
``capacity_kwp`` or ``area_m2`` in the scenario, and its generation in the run (PVWatts
is linear in the capacity, so a scaled run equals a new simulation; with measured
generation the measured series is scaled, i.e. a bigger array with the same yield
profile). Households' consumption is the same at every size. Each size is run by
:func:`energysim.simulate.run` (allocation and money) on those inputs.

Only sizes the stated roofs carry are tried (:func:`energysim.design.roof.roof_room`:
none above the scenario's own size when a building does not give its roof's area), and
the largest the roofs carry is tried too when it lies below the largest asked. A size
whose inverters outgrow a small common connection is evaluated as a large connection,
with its tariffs and its one-off upgrade (:func:`energysim.design.roof.fit_connection`).

The recommendation maximises the **total net benefit**, the lifetime NPV of all
households' benefits plus the owners' NPV. Fees move money between households and
owners and cancel in that sum, so it does not depend on the prices; among the sizes
where a price of the chosen lever lets every owner reach NPV >= 0 while the watched
household is not worse off (:func:`energysim.design.prices.price_range`), the one with
the highest total is recommended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from energysim.config.scenario import Scenario
from energysim.design.joint import joint_prices
from energysim.design.money import households
from energysim.design.prices import Lever, PriceTarget, price_range
from energysim.design.roof import RoofRoom, fit_connection, roof_room
from energysim.design.words import say
from energysim.inputs.context import RunInputs
from energysim.money.accounts import connection_upgrade_eur
from energysim.results.result import Result
from energysim.simulate import run

DEFAULT_FACTORS: tuple[float, ...] = tuple(float(f) for f in np.linspace(0.25, 2.0, 15))
"""0.25x, 0.375x, ..., 2x the scenario's capacity."""


def scale_roof(scenario: Scenario, factor: float) -> Scenario:
    """The scenario with every array's capacity (or covered area) times ``factor``.

    Raises
    ------
    ValueError
        For a factor that is not positive.
    """
    if not factor > 0:
        raise ValueError(f"size factor: expected a positive number, found {factor}")
    buildings = []
    for b in scenario.buildings:
        arrays = [
            a.model_copy(update={"capacity_kwp": a.capacity_kwp * factor})
            if a.capacity_kwp is not None
            else a.model_copy(update={"area_m2": (a.area_m2 or 0.0) * factor})
            for a in b.arrays
        ]
        buildings.append(b.model_copy(update={"arrays": arrays}))
    return scenario.model_copy(update={"buildings": buildings})


def sized(scenario: Scenario, factor: float) -> Scenario:
    """The scenario at a size: every array times ``factor``
    (:func:`scale_roof`) and every small common connection its inverters outgrow made
    large, with its upgrade (:func:`energysim.design.roof.fit_connection`)."""
    out = scale_roof(scenario, factor) if factor != 1.0 else scenario
    return fit_connection(out)[0]


def size_factors(
    scenario: Scenario, factors: tuple[float, ...]
) -> tuple[tuple[float, ...], RoofRoom]:
    """The sizes to try: those the stated roofs carry, plus the largest they carry when
    it lies below the largest asked (:func:`energysim.design.roof.roof_room`)."""
    room = roof_room(scenario)
    cap = room.max_factor
    kept = [f for f in factors if f <= cap * (1 + 1e-9)]
    if cap < max(factors) and not any(np.isclose(f, cap) for f in kept):
        kept.append(cap)
    return tuple(sorted(set(kept))), room


def size_row(result: Result, factor: float, lever: Lever, target: PriceTarget) -> dict[str, Any]:
    """The figures of one size (one row of the curve)."""
    s = result.scenario
    fin = s.finance
    capacity = s.capacity_kwp
    generation = float(result.generation_kwh.to_numpy().sum())
    export = float(result.export_kwh.to_numpy().sum())
    table = households(result, result.accounts)
    stake = result.accounts.stakeholders
    owners_npv = float(stake["npv_eur"].sum())
    households_npv = float(table["benefit_npv_eur"].sum())
    rng = price_range(result, lever, target)
    joint = joint_prices(result, target, capex_search=False)
    return {
        "factor": factor,
        "capacity_kwp": capacity,
        "generation_kwh": generation,
        "allocated_kwh": float(result.annual["allocated_kwh"].sum()),
        "export_kwh": export,
        "self_consumption_frac": float(result.annual["allocated_kwh"].sum()) / generation
        if generation > 0
        else 0.0,
        "export_frac": export / generation if generation > 0 else 0.0,
        "roof_m2": float(sum(b.arrays_roof_m2 for b in s.buildings)),
        "large_connections": sum(b.common.connection == "large" for b in s.buildings),
        "connection_upgrade_eur": connection_upgrade_eur(s),
        "capex_eur": capacity * fin.capex_eur_per_kwp + connection_upgrade_eur(s),
        "households_benefit_year1_eur": float(table["benefit_eur"].sum()),
        "benefit_per_household_eur": float(table["benefit_eur"].mean()),
        "households_npv_eur": households_npv,
        "owners_npv_eur": owners_npv,
        "owners_npv_eur_per_kwp": owners_npv / capacity if capacity > 0 else 0.0,
        "owners_npv_ok": bool((stake["npv_eur"] >= 0).all()),
        "total_net_benefit_eur": households_npv + owners_npv,
        "break_even": rng.break_even,
        "top": rng.top,
        "feasible": rng.feasible,
        "joint_pays": joint.pays,
        "joint_shortfall_eur": joint.shortfall_eur,
        **{f"joint_{lv}": price for lv, price in joint.prices.items()},
    }


@dataclass(frozen=True)
class SizeDesign:
    """The size curve and the recommended size.

    Attributes
    ----------
    curve : pandas.DataFrame
        One row per size (see :func:`size_row`); ``break_even`` and ``top`` are the
        chosen lever's range at that size, ``joint_pays``, ``joint_shortfall_eur`` and
        ``joint_<lever>`` the prices chosen together there, on the scenario's keys and
        owners (the recommended design chooses them again on its own).
    recommended_factor : float or None
        The size with the highest total net benefit among those where legal prices,
        chosen together (:func:`energysim.design.joint.joint_prices`), pay for the roof
        while every household gains (``joint_pays``); None when at no size they do.
    message : str
    """

    curve: pd.DataFrame
    lever: str
    recommended_factor: float | None
    message: str
    roof: RoofRoom = field(default_factory=lambda: RoofRoom(1.0))

    @property
    def recommended(self) -> dict[str, Any] | None:
        """The recommended row, as a dict."""
        if self.recommended_factor is None:
            return None
        row = self.curve.loc[np.isclose(self.curve["factor"], self.recommended_factor)]
        return dict(row.iloc[0])


def size_curve(
    result: Result,
    lever: Lever,
    target: PriceTarget,
    factors: tuple[float, ...] = DEFAULT_FACTORS,
    inputs: RunInputs | None = None,
) -> SizeDesign:
    """Run the scenario at every size and recommend one.

    Parameters
    ----------
    result : Result
        The run at the scenario's size (factor 1).
    lever, target
        The price that must make each size pay, and for whom (see
        :mod:`energysim.design.prices`).
    factors : tuple of float
        Capacities relative to the scenario's [-].
    """
    inputs = inputs or RunInputs.of(result)
    tried, room = size_factors(result.scenario, factors)
    rows = []
    for f in tried:
        scenario = sized(result.scenario, f)
        same = f == 1.0 and scenario is result.scenario
        r = result if same else run(scenario, inputs=inputs.scaled(f) if f != 1.0 else inputs)
        rows.append(size_row(r, f, lever, target))
    curve = pd.DataFrame(rows)
    paying = curve[curve["joint_pays"]]
    if len(paying):
        best = paying.loc[paying["total_net_benefit_eur"].idxmax()]
        factor = float(best["factor"])
        message = say(
            "size.best",
            capacity_kwp=float(best["capacity_kwp"]),
            factor=factor,
            total_eur=float(best["total_net_benefit_eur"]),
        )
        return SizeDesign(curve, lever, factor, message, room)
    best = curve.loc[curve["total_net_benefit_eur"].idxmax()]
    least = curve.loc[curve["joint_shortfall_eur"].idxmin()]
    message = say(
        "size.none",
        least_kwp=float(least["capacity_kwp"]),
        shortfall_eur=float(least["joint_shortfall_eur"]),
        best_kwp=float(best["capacity_kwp"]),
        total_eur=float(best["total_net_benefit_eur"]),
    )
    return SizeDesign(curve, lever, None, message, room)
