"""Prices with a margin: the owners stay whole in a stated downside.

The joint prices (:mod:`~energysim.design.joint`) leave the owners at break-even to the
euro: a poorer weather year or dearer panels and they lose money. Here the four prices
are chosen together again, under the same legal limits, with the owners' constraints
taken from a run of the design under a downside (:class:`~energysim.design.downside.Downside`:
yield at P90, capex +15%, flat energy prices after 2030) and the households' from the
design's own run:

- ``NPV_o^down(p) >= 0`` for every owner, in the downside run re-priced;
- ``B_h(p) >= threshold`` for every household, as expected (the design's run);
- each price within its legal limit (:func:`~energysim.design.joint.joint_limits`).

Both sides are linear in the prices on a run's kWh (the module notes of
:mod:`~energysim.design.joint`), measured by re-pricing each run; the same two LPs
(:func:`~energysim.design.joint.solve_joint`) give the smallest subsidy that closes the
downside's gap and, when none is needed, the prices best for the households. What the
margin costs the households is their year-one and lifetime benefit at the break-even
prices against the margin's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from energysim.design.downside import Downside
from energysim.design.joint import (
    JOINT_LEVERS,
    JOINT_STEPS,
    PAYS_TOL_EUR,
    REFINE_ROUNDS,
    JointPrices,
    LinearMoney,
    MoneyAt,
    joint_limits,
    linear_money,
    listed_prices,
    nobody,
    solve_joint,
    with_prices,
)
from energysim.design.money import households, reprice
from energysim.design.prices import PriceTarget
from energysim.design.words import Said, say
from energysim.results.result import Result
from energysim.simulate import run


@dataclass(frozen=True)
class Margin:
    """Prices that keep the owners whole in the downside (``design.json`` ``margin``).

    Attributes
    ----------
    downside : list of dict
        Each downside figure: the scenario's, the downside's, its value and source.
    prices : dict of str to float
        Per lever of :data:`~energysim.design.joint.JOINT_LEVERS` [EUR/yr, EUR/kWh].
    pays : bool
        Every owner's NPV in the downside run is at least 0 at these legal prices while
        every household gains as expected.
    shortfall_eur : float
        The one-off subsidy in year 0 the owners lack in the downside at these prices
        [EUR] (0 when it pays).
    owners_npv_downside_eur, owners_npv_expected_eur : dict of str to float
        Each owner's NPV at these prices, in the downside and as expected [EUR].
    households : dict of str to dict
        ``break_even`` and ``margin``: the households' year-one total and median
        [EUR/yr], lifetime total and worst-off [EUR], at the joint prices and these.
    message : str
        The answer in plain words.
    """

    downside: list[dict[str, Any]]
    prices: dict[str, float]
    pays: bool
    shortfall_eur: float
    owners_npv_downside_eur: dict[str, float]
    owners_npv_expected_eur: dict[str, float]
    households: dict[str, dict[str, float]]
    message: str

    def as_dict(self) -> dict[str, Any]:
        """The figures as plain values."""
        return asdict(self)

    @property
    def cost_year_one_eur(self) -> float:
        """What the margin costs the households in year one [EUR/yr]."""
        h = self.households
        return h["break_even"]["year_one_total_eur"] - h["margin"]["year_one_total_eur"]


def _combined(down: LinearMoney, expected: LinearMoney) -> LinearMoney:
    """The owners' side of the downside, the households' side as expected."""
    return LinearMoney(
        down.owners0_eur, down.owners_slope, expected.households0_eur, expected.households_slope
    )


def _error_eur(down_at: MoneyAt, at: MoneyAt, model: LinearMoney, prices: np.ndarray) -> float:
    """The largest gap between the combined linear model and the money model [EUR]."""
    owners, _ = down_at(prices)
    _, house = at(prices)
    return float(
        max(
            np.abs(owners - model.owners_eur(prices)).max(initial=0.0),
            np.abs(house - model.households_eur(prices)).max(initial=0.0),
        )
    )


def _rounded_up(
    prices: np.ndarray, limits: np.ndarray, down_at: MoneyAt, at: MoneyAt, threshold: float
) -> np.ndarray:
    """Each price up to the step it is written in, when that stays legal and keeps every
    household at its threshold; else the prices as found."""
    steps = np.array([JOINT_STEPS[lv] for lv in JOINT_LEVERS])
    up = np.ceil(prices / steps - 1e-3) * steps
    up = np.array(
        [
            round(float(p), 2 if lv == "panel_fee" else 4)
            for lv, p in zip(JOINT_LEVERS, up, strict=True)
        ]
    )
    up = np.where(up <= limits + 1e-12, up, prices)
    owners, _ = down_at(up)
    _, house = at(up)
    if owners.min() >= 0 and house.min() >= threshold - 0.005:
        return up
    return prices


def _household_figures(result: Result, prices: np.ndarray) -> dict[str, float]:
    """The households' benefits at the prices, from the money model [EUR/yr, EUR]."""
    table = households(result, reprice(result, with_prices(result.scenario, prices)))
    year1, npv = table["benefit_eur"].to_numpy(), table["benefit_npv_eur"].to_numpy()
    return {
        "year_one_total_eur": float(year1.sum()),
        "year_one_median_eur": float(np.median(year1)),
        "lifetime_total_eur": float(npv.sum()),
        "lifetime_min_eur": float(npv.min()),
    }


def margin_prices(
    result: Result,
    joint: JointPrices,
    target: PriceTarget,
    downside: Downside | None = None,
    downside_result: Result | None = None,
) -> Margin:
    """The joint prices that keep every owner whole in the downside (module notes).

    Parameters
    ----------
    result : Result
        The run of the recommended design (its size, keys and owners).
    joint : JointPrices
        Its break-even prices chosen together (:func:`~energysim.design.joint.joint_prices`).
    target : PriceTarget
        The owners' rate and the lifetime benefit every household keeps.
    downside : Downside, optional
        Default :meth:`Downside.of` the run.
    downside_result : Result, optional
        The run of ``downside.scenario(result.scenario)``; run here when not given.

    Returns
    -------
    Margin
    """
    downside = downside or Downside.of(result)
    if downside_result is None:
        downside_result = run(downside.scenario(result.scenario))
    fin = result.scenario.finance
    rate = target.target_irr_frac if target.target_irr_frac is not None else fin.discount_rate_frac
    limits = joint_limits(result)
    at, down_at = MoneyAt(result, rate), MoneyAt(downside_result, rate)
    model = _combined(linear_money(down_at, limits), linear_money(at, limits))
    sol = solve_joint(model, limits, target.threshold_eur)
    for _ in range(REFINE_ROUNDS):  # piecewise linear: solve again on the tangent models
        here = np.clip(sol.prices, 0.0, limits)
        if _error_eur(down_at, at, model, here) < 0.5:
            break
        model = _combined(linear_money(down_at, limits, at=here), linear_money(at, limits, at=here))
        sol = solve_joint(model, limits, target.threshold_eur)
    prices = np.clip(sol.prices, 0.0, limits)
    if sol.pays:
        prices = _rounded_up(prices, limits, down_at, at, target.threshold_eur)
    prices = prices + 0.0  # no -0
    owners_down, _ = down_at(prices)
    owners_expected, _ = at(prices)
    pays = bool(sol.pays and owners_down.min() >= -PAYS_TOL_EUR)
    shortfall = 0.0 if pays else float(np.clip(-owners_down, 0.0, None).sum())
    break_even = np.array([joint.prices[lv] for lv in JOINT_LEVERS])
    figures = {
        "break_even": _household_figures(result, break_even),
        "margin": _household_figures(result, prices),
    }
    out = Margin(
        downside=downside.figures(result.scenario),
        prices={lv: float(p) for lv, p in zip(JOINT_LEVERS, prices, strict=True)},
        pays=pays,
        shortfall_eur=shortfall,
        owners_npv_downside_eur=dict(
            zip(down_at.owner_names, map(float, owners_down), strict=True)
        ),
        owners_npv_expected_eur=dict(zip(at.owner_names, map(float, owners_expected), strict=True)),
        households=figures,
        message="",
    )
    absent = nobody(result.scenario)
    return Margin(**(asdict(out) | {"message": _words(out, sol.households_ok, absent)}))


def _by_owner(names: list[str], values: np.ndarray) -> dict[str, float]:
    """Figures per owner [EUR]."""
    return {n: float(v) for n, v in zip(names, values, strict=True)}


def _words(m: Margin, households_ok: bool, absent: tuple[str, ...] = ()) -> Said:
    """The margin in plain words."""
    be, mg = m.households["break_even"], m.households["margin"]
    cost = say(
        "margin.cost",
        cost_eur=be["year_one_total_eur"] - mg["year_one_total_eur"],
        break_even_eur=be["year_one_total_eur"],
        margin_eur=mg["year_one_total_eur"],
        lifetime_eur=be["lifetime_total_eur"] - mg["lifetime_total_eur"],
    )
    if m.pays:
        return say(
            "margin.pays",
            listed=listed_prices(m.prices, absent),
            downside_eur=sum(m.owners_npv_downside_eur.values()),
            expected_eur=sum(m.owners_npv_expected_eur.values()),
            cost=cost,
        )
    if not households_ok:
        return say("margin.worse", shortfall_eur=m.shortfall_eur)
    return say(
        "margin.short",
        listed=listed_prices(m.prices, absent),
        shortfall_eur=m.shortfall_eur,
        cost=cost,
    )
