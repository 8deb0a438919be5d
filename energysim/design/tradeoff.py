"""What households give up for the owners: the Pareto front over the scheme's prices.

The recommended design (:mod:`~energysim.design.joint`) brings the owners to break-even
and leaves the rest to the households. A board may want a margin above break-even; every
euro of it is paid by the households, and some prices cost them more per euro the
owners receive than others (output VAT, the energy tax on the common connection's fee).
This module computes the trade-off as a curve: for a series of required owners' NPVs,
from the break-even up to the most legal prices allow, the legal prices that leave the
households the largest total lifetime benefit.

Method
------
On the linear money model of :func:`energysim.design.joint.linear_money` (owners' NPVs
``A p + a0`` and households' lifetime benefits ``H p + h0``, measured by re-pricing the
run), with the four prices ``p`` of :data:`~energysim.design.joint.JOINT_LEVERS` within
their legal limits ``0 <= p <= u`` (:func:`~energysim.design.joint.joint_limits`):

- every owner keeps NPV >= 0 and every household a lifetime benefit >= the design's
  threshold (the constraints of the joint prices' LPs);
- the first point maximises ``sum(H p + h0)`` (ties broken toward the owners); its
  owners' total NPV ``N_lo`` is the break-even end of the curve;
- the last point maximises the owners' total ``sum(A p + a0)`` (ties broken toward the
  households): ``N_hi``, the most legal prices allow;
- between them, for each required total ``N`` evenly spaced from ``N_lo`` to ``N_hi``,
  ``max sum(H p + h0)`` subject to ``sum(A p + a0) >= N`` (scipy ``linprog``, HiGHS).

One price is not linear at 0 (:data:`ZERO_REGIME_LEVER`): a common-connection fee above
0 carries energy tax, so the money jumps between a fee of 0 and the smallest fee. The
LPs are solved in both regimes, each on a model measured where it holds (the fee fixed
at 0; the fee from its smallest step up), and at each ``N`` the better is taken.

Within a regime the front ``F(N)`` of a linear program whose right-hand side moves is
concave and piecewise linear; taken over both it is still non-increasing, so every point
is Pareto-optimal in (owners' total NPV, households' total benefit): no legal prices
give both more. Each point's prices are rounded up to the steps a board writes prices in
when that keeps every constraint, and its figures are the money model's at those prices
(a run of the point's scenario gives the same to the cent); ``linear_error_eur`` is the
largest gap to the linear model, and a tangent model is measured where it exceeds EUR
0.50 (an owner's VAT regime changing with its revenue), as the joint prices do.

The recommended design maximises the worst-off household first and the total second,
so it may lie below this curve: ``below_front_eur`` says by how much, which is what
lifting the worst-off household costs the others.

References
----------
Wet belastingen op milieugrondslag art. 50 lid 4 onder a: electricity consumed that was
obtained other than via a connection counts as supplied, so a per-kWh fee for the roof's
power used behind the common connection's meter makes it a taxed supply; lid 5 onder a
exempts only a consumer's own generation (docs/finance.md, "Per-kWh fees"). The legal
limits of the prices are those of :mod:`~energysim.design.joint` (Huurcommissie,
beleidsboek servicekosten).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from energysim.config.scenario import Scenario
from energysim.design.joint import (
    JOINT_FIELDS,
    JOINT_LEVERS,
    JOINT_STEPS,
    OWNERS_MARGIN_EUR,
    REFINE_ROUNDS,
    LinearMoney,
    MoneyAt,
    _rounded,
    joint_limits,
    linear_money,
    listed_prices,
    with_prices,
)
from energysim.design.money import households, owners_npv_eur, reprice
from energysim.design.prices import PriceTarget
from energysim.design.words import Said, joined, say
from energysim.results.result import Result

FRONT_POINTS = 11
"""Points of the curve, both ends included."""
LINEAR_TOL_EUR = 0.5
"""Above this gap between the linear and the money model a tangent model is measured [EUR]."""
TIE_TOL_EUR = 1e-6
"""How far a tie-breaking LP may lower the objective it holds [EUR]."""
POINT_COLUMNS: tuple[str, ...] = (
    "point",
    "required_owners_npv_eur",
    "owners_npv_eur",
    "owners_npv_min_eur",
    "households_npv_total_eur",
    "households_npv_min_eur",
    "households_benefit_total_eur",
    "households_benefit_min_eur",
    *(JOINT_FIELDS[lv] for lv in JOINT_LEVERS),
    "linear_error_eur",
)
"""The columns of :attr:`Tradeoff.points`: per point, the owners' NPV (total and the
lowest owner's; at the target IRR when the design has one), the households' lifetime
and year-one benefit (total and the worst-off household's) [EUR, EUR/yr] and the four
prices [EUR/yr, EUR/kWh]."""


@dataclass(frozen=True)
class Tradeoff:
    """The trade-off between the owners' NPV and the households' benefit.

    Attributes
    ----------
    points : pandas.DataFrame
        One row per point of the front (:data:`POINT_COLUMNS`), owners' NPV increasing;
        empty when no legal prices pay for the roof.
    recommended : dict of str to float
        The recommended design's figures (the columns of :data:`POINT_COLUMNS` but
        ``point``, ``required_owners_npv_eur`` and ``linear_error_eur``), with
        ``front_households_npv_total_eur`` (the curve at its owners' NPV) and
        ``below_front_eur`` (how far below the curve it lies, >= 0).
    message : str
        The trade-off in plain words.
    """

    points: pd.DataFrame
    recommended: dict[str, float] = field(default_factory=dict)
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The figures as plain values (``design.json`` ``tradeoff``)."""
        return {
            "points": self.points.to_dict(orient="records"),
            "recommended": dict(self.recommended),
            "message": self.message,
        }


ZERO_REGIME_LEVER = "common"
"""The lever whose price 0 is a regime of its own: a fee above 0 makes the common
connection's own use of its roof a supply by a third party, which carries energy tax
(:mod:`energysim.money.year_one`, the common connection's account), so the money jumps
between 0 and the smallest fee."""


class _Branch:
    """The front's LPs on one linear model and one regime of the prices: legal prices
    within ``bounds``, every owner whole, every household above the floor."""

    def __init__(
        self, model: LinearMoney, bounds: list[tuple[float, float]], floor_eur: float
    ) -> None:
        self.model, self.bounds, self.floor_eur = model, bounds, floor_eur
        self.a_ub = np.vstack([-model.owners_slope, -model.households_slope])
        self.b_ub = np.concatenate(
            [model.owners0_eur - OWNERS_MARGIN_EUR, model.households0_eur - floor_eur]
        )
        self.owners_row = model.owners_slope.sum(axis=0)
        self.house_row = model.households_slope.sum(axis=0)

    def _solve(self, gain: np.ndarray, rows: list[np.ndarray], rhs: list[float]) -> np.ndarray:
        """``max gain @ p`` within the constraints and ``row @ p >= rhs`` for each row."""
        a_ub = np.vstack([self.a_ub, *[-r for r in rows]]) if rows else self.a_ub
        b_ub = np.concatenate([self.b_ub, [-x for x in rhs]])
        out = optimize.linprog(-gain, A_ub=a_ub, b_ub=b_ub, bounds=self.bounds, method="highs")
        if out.status != 0:
            raise RuntimeError(f"trade-off: an LP failed: {out.message}")
        return np.asarray(out.x)

    def households_first(self) -> np.ndarray:
        """The prices with the largest households' total, the owners' best among them."""
        p = self._solve(self.house_row, [], [])
        return self._solve(self.owners_row, [self.house_row], [self.house_row @ p - TIE_TOL_EUR])

    def owners_first(self) -> np.ndarray:
        """The prices with the largest owners' total, the households' best among them."""
        p = self._solve(self.owners_row, [], [])
        return self._solve(self.house_row, [self.owners_row], [self.owners_row @ p - TIE_TOL_EUR])

    def at(self, owners_total_eur: float) -> np.ndarray:
        """The prices with the largest households' total with the owners' total at least
        ``owners_total_eur`` [EUR]."""
        row_rhs = owners_total_eur - float(self.model.owners0_eur.sum())
        return self._solve(self.house_row, [self.owners_row], [row_rhs])

    def owners_total_eur(self, prices: np.ndarray) -> float:
        return float(self.model.owners_eur(prices).sum())

    def households_total_eur(self, prices: np.ndarray) -> float:
        return float(self.model.households_eur(prices).sum())


class _Front:
    """The front over every regime of the prices: per regime a linear model, measured
    where that regime holds; at each owners' NPV the regime that leaves households most.

    Parameters
    ----------
    money_at : _Money
        The money model of the run at given prices.
    limits : numpy.ndarray
        The legal limits of :data:`~energysim.design.joint.JOINT_LEVERS`.
    floor_eur : float
        The lifetime benefit every household keeps [EUR].
    """

    def __init__(self, money_at: _Money, limits: np.ndarray, floor_eur: float) -> None:
        self.money_at, self.limits, self.floor_eur = money_at, limits, floor_eur
        zero = JOINT_LEVERS.index(ZERO_REGIME_LEVER)
        bounds = [(0.0, float(u)) for u in limits]
        self.branches = [
            _Branch(linear_money(money_at, limits), _bound(bounds, zero, (0.0, 0.0)), floor_eur)
        ]
        step = JOINT_STEPS[ZERO_REGIME_LEVER]
        if limits[zero] >= 2 * step:  # a fee above 0: slopes measured where it is above 0
            above = np.zeros(len(limits))
            above[zero] = step
            model = linear_money(money_at, limits, at=above)
            positive = _bound(bounds, zero, (step, float(limits[zero])))
            self.branches.append(_Branch(model, positive, floor_eur))

    def _each(self, pick: str, level: float = 0.0) -> list[tuple[_Branch, np.ndarray]]:
        out = []
        for branch in self.branches:
            try:
                prices = getattr(branch, pick)(level) if pick == "at" else getattr(branch, pick)()
            except RuntimeError:  # no legal prices in this regime
                continue
            out.append((branch, prices))
        return out

    def first(self) -> tuple[_Branch, np.ndarray] | None:
        """The households' best prices over the regimes (ties: the owners' best)."""
        found = self._each("households_first")
        return max(
            found,
            key=lambda bp: (
                round(bp[0].households_total_eur(bp[1]), 6),
                bp[0].owners_total_eur(bp[1]),
            ),
            default=None,
        )

    def last(self) -> tuple[_Branch, np.ndarray] | None:
        """The owners' best prices over the regimes (ties: the households' best)."""
        found = self._each("owners_first")
        return max(
            found,
            key=lambda bp: (
                round(bp[0].owners_total_eur(bp[1]), 6),
                bp[0].households_total_eur(bp[1]),
            ),
            default=None,
        )

    def at(self, owners_total_eur: float) -> tuple[_Branch, np.ndarray] | None:
        """The households' best prices with the owners' total at least this [EUR]."""
        found = self._each("at", owners_total_eur)
        return max(found, key=lambda bp: bp[0].households_total_eur(bp[1]), default=None)

    def value_eur(self, owners_total_eur: float) -> float:
        """The front at an owners' total NPV [EUR]; NaN where no legal prices reach it."""
        best = self.at(owners_total_eur)
        return float("nan") if best is None else best[0].households_total_eur(best[1])


def _bound(
    bounds: list[tuple[float, float]], i: int, new: tuple[float, float]
) -> list[tuple[float, float]]:
    return [new if j == i else b for j, b in enumerate(bounds)]


class _Money(MoneyAt):
    """The money model at given prices, each price vector re-priced once: owners' NPVs
    and households' lifetime benefits (as :class:`~energysim.design.joint.MoneyAt`), and
    the figures a point reports (:meth:`figures`)."""

    def __init__(self, result: Result, rate_frac: float) -> None:
        super().__init__(result, rate_frac)
        self._figures: dict[tuple[float, ...], dict[str, float]] = {}

    def __call__(self, prices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """NPV per owner and lifetime benefit per household at the prices [EUR]."""
        figures = self.figures(prices)
        return figures["_owners"], figures["_households"]  # type: ignore[return-value]

    def figures(self, prices: np.ndarray) -> dict[str, Any]:
        """Owners' NPV (total, lowest), households' lifetime and year-one benefit (total,
        lowest) and the prices [EUR, EUR/yr, EUR/kWh]; ``_owners`` and ``_households``
        hold the arrays."""
        key = tuple(float(p) for p in prices)
        if key not in self._figures:
            accounts = reprice(self.result, with_prices(self.result.scenario, prices))
            owners = owners_npv_eur(accounts, self.rate_frac)
            self.owner_names = [str(o) for o in owners.index]
            table = households(self.result, accounts)
            npv, year1 = table["benefit_npv_eur"].to_numpy(), table["benefit_eur"].to_numpy()
            self._figures[key] = {
                "owners_npv_eur": float(owners.sum()),
                "owners_npv_min_eur": float(owners.min()),
                "households_npv_total_eur": float(npv.sum()),
                "households_npv_min_eur": float(npv.min()),
                "households_benefit_total_eur": float(year1.sum()),
                "households_benefit_min_eur": float(year1.min()),
                **{JOINT_FIELDS[lv]: p for lv, p in zip(JOINT_LEVERS, key, strict=True)},
                "_owners": owners.to_numpy(),
                "_households": npv,
            }
        return self._figures[key]

    def reported(self, prices: np.ndarray) -> dict[str, float]:
        """The figures a point reports (without the arrays)."""
        return {k: v for k, v in self.figures(prices).items() if not k.startswith("_")}


def _linear_error_eur(model: LinearMoney, prices: np.ndarray, figures: dict[str, float]) -> float:
    """The gap between the linear model and the money model at the prices, on the two
    totals and the two minima the front reports [EUR]."""
    owners, house = model.owners_eur(prices), model.households_eur(prices)
    return float(
        max(
            abs(owners.sum() - figures["owners_npv_eur"]),
            abs(owners.min() - figures["owners_npv_min_eur"]),
            abs(house.sum() - figures["households_npv_total_eur"]),
            abs(house.min() - figures["households_npv_min_eur"]),
        )
    )


def _rate_frac(scenario: Scenario, target: PriceTarget) -> float:
    """The owners' rate: the target IRR when given, else their discount rate [-]."""
    if target.target_irr_frac is not None:
        return target.target_irr_frac
    return scenario.finance.discount_rate_frac


def price_front(
    result: Result,
    target: PriceTarget,
    points: int = FRONT_POINTS,
    floor_eur: float | None = None,
) -> pd.DataFrame:
    """The Pareto front of the owners' total NPV and the households' total lifetime
    benefit over the legal prices (see the module notes).

    Parameters
    ----------
    result : Result
        The run of the design to price (its size, keys and owners).
    target : PriceTarget
        The owners' rate (discount rate or target IRR) and the households' threshold.
    points : int
        Points of the front, both ends included (at least 2).
    floor_eur : float, optional
        The lifetime benefit every household keeps [EUR]; default the target's threshold.

    Returns
    -------
    pandas.DataFrame
        :data:`POINT_COLUMNS`, owners' NPV increasing; empty when no legal prices bring
        every owner to its target while every household keeps the floor.
    """
    return _front(result, target, points, floor_eur)[0]


def best_households_eur(
    result: Result, target: PriceTarget, owners_npv_eur: float, floor_eur: float | None = None
) -> float:
    """The front itself at one owners' total NPV: the largest households' total lifetime
    benefit legal prices give with the owners' total at least ``owners_npv_eur`` [EUR]
    (on the linear money models); NaN when none do."""
    floor = target.threshold_eur if floor_eur is None else floor_eur
    money_at = _Money(result, _rate_frac(result.scenario, target))
    return _Front(money_at, joint_limits(result), floor).value_eur(owners_npv_eur)


def _front(
    result: Result, target: PriceTarget, points: int, floor_eur: float | None
) -> tuple[pd.DataFrame, _Front]:
    """The front's table and its LPs."""
    if points < 2:
        raise ValueError(f"price_front: expected at least 2 points, found {points!r}")
    floor = target.threshold_eur if floor_eur is None else floor_eur
    rate = _rate_frac(result.scenario, target)
    limits = joint_limits(result)
    money_at = _Money(result, rate)
    front = _Front(money_at, limits, floor)
    first, last = front.first(), front.last()
    if first is None or last is None:  # no legal prices pay (the joint prices say by how much)
        return pd.DataFrame(columns=list(POINT_COLUMNS)), front
    n_lo = first[0].owners_total_eur(first[1])
    n_hi = last[0].owners_total_eur(last[1])
    levels = np.linspace(n_lo, n_hi, points) if n_hi - n_lo > 1.0 else np.array([n_lo])
    rows: list[dict[str, float]] = []
    for i, level in enumerate(levels):
        chosen = first if i == 0 else last if i == len(levels) - 1 else front.at(level)
        if chosen is None:  # pragma: no cover - a level between two feasible ends is feasible
            continue
        prices, model = _point(money_at, limits, chosen[0], chosen[1], level)
        figures = money_at.reported(prices)
        rows.append(
            {"point": len(rows) + 1, "required_owners_npv_eur": float(level)}
            | figures
            | {"linear_error_eur": _linear_error_eur(model, prices, figures)}
        )
    return pd.DataFrame(rows, columns=list(POINT_COLUMNS)), front


def _point(
    money_at: _Money, limits: np.ndarray, branch: _Branch, prices: np.ndarray, level: float
) -> tuple[np.ndarray, LinearMoney]:
    """A point's prices: re-solved on tangent models while the linear model is off by
    more than :data:`LINEAR_TOL_EUR`, then rounded up to the written steps when every
    owner and household stays within its bound. Returns the prices and the model used."""
    for _ in range(REFINE_ROUNDS):
        model = branch.model
        owners, house = money_at(prices)
        gap = max(
            np.abs(owners - model.owners_eur(prices)).max(initial=0.0),
            np.abs(house - model.households_eur(prices)).max(initial=0.0),
        )
        if gap < LINEAR_TOL_EUR:
            break
        tangent = linear_money(money_at, limits, at=prices)
        branch = _Branch(tangent, branch.bounds, branch.floor_eur)
        prices = branch.at(level)
    up = _rounded(prices, limits)
    owners_up, house_up = money_at(up)
    if owners_up.min() >= 0.0 and house_up.min() >= branch.floor_eur - 0.005:
        prices = up
    return prices + 0.0, branch.model


def tradeoff(result: Result, target: PriceTarget, points: int = FRONT_POINTS) -> Tradeoff:
    """The trade-off of a recommended design: the front over its prices and where the
    design itself lies.

    Parameters
    ----------
    result : Result
        The recommended design's run (its prices are the recommended ones).
    target : PriceTarget
        The design's target.
    points : int
        Points of the front.

    Returns
    -------
    Tradeoff
    """
    front, problem = _front(result, target, points, None)
    fin = result.scenario.finance
    prices = np.array([getattr(fin, JOINT_FIELDS[lv]) for lv in JOINT_LEVERS])
    rec: dict[str, float] = problem.money_at.reported(prices)
    if len(front):
        on_front = problem.value_eur(rec["owners_npv_eur"])
        if np.isfinite(on_front):  # NaN: the design's prices do not pay
            rec["front_households_npv_total_eur"] = on_front
            rec["below_front_eur"] = max(0.0, on_front - rec["households_npv_total_eur"])
    return Tradeoff(front, rec, _message(front, rec))


def _message(front: pd.DataFrame, rec: dict[str, float]) -> Said:
    """The trade-off in a few words."""
    if not len(front):
        return say("tradeoff.none")
    lo, hi = front.iloc[0], front.iloc[-1]
    parts = [
        say(
            "tradeoff.curve",
            lo_owners_eur=float(lo["owners_npv_eur"]),
            lo_households_eur=float(lo["households_npv_total_eur"]),
            lo_year_one_eur=float(lo["households_benefit_total_eur"]),
            hi_owners_eur=float(hi["owners_npv_eur"]),
            hi_households_eur=float(hi["households_npv_total_eur"]),
            hi_year_one_eur=float(hi["households_benefit_total_eur"]),
        )
    ]
    gained = hi["owners_npv_eur"] - lo["owners_npv_eur"]
    if gained > 1.0:
        lost = lo["households_npv_total_eur"] - hi["households_npv_total_eur"]
        parts.append(say("tradeoff.each_euro", cost_eur=float(lost / gained)))
    if rec.get("below_front_eur", 0.0) > 0.5:
        parts.append(
            say(
                "tradeoff.below",
                below_eur=float(rec["below_front_eur"]),
                worst_eur=float(rec["households_npv_min_eur"]),
                worst_break_even_eur=float(lo["households_npv_min_eur"]),
            )
        )
    return joined("", parts)


def point_scenario(scenario: Scenario, point: dict[str, Any]) -> Scenario:
    """The scenario with a point's four prices (a row of :attr:`Tradeoff.points`, or its
    ``design.json`` record) [EUR/yr, EUR/kWh]."""
    return with_prices(scenario, np.array([float(point[JOINT_FIELDS[lv]]) for lv in JOINT_LEVERS]))


def tradeoff_lines(trade: Tradeoff, absent: tuple[str, ...] = ()) -> list[Said]:
    """The trade-off for the terminal: the curve in a sentence, then its break-even, middle
    and last points with their prices (a lever in ``absent`` has nobody to pay it)."""
    lines = [say("tradeoff.line", message=trade.message)]
    front = trade.points
    if not len(front):
        return lines
    for i in sorted({0, len(front) // 2, len(front) - 1}):
        row = front.iloc[i]
        prices = {lv: float(row[JOINT_FIELDS[lv]]) for lv in JOINT_LEVERS}
        lines.append(
            say(
                "tradeoff.point",
                point=int(row["point"]),
                owners_eur=float(row["owners_npv_eur"]),
                households_eur=float(row["households_npv_total_eur"]),
                year_one_eur=float(row["households_benefit_total_eur"]),
                worst_eur=float(row["households_benefit_min_eur"]),
                listed=listed_prices(prices, absent),
            )
        )
    return lines
