"""Prices chosen together under every legal limit at once.

The one-lever search of :mod:`~energysim.design.prices` moves one price and keeps the
others as the scenario has them, so its advice can rest on a panel fee the
Huurcommissie does not allow. Here the four prices of a scheme are chosen together:

- ``panel_fee`` (``panel_fee_eur_per_yr``): the Huurcommissie limit, the indexed fee
  within 10% of the investment per dwelling in years 1-10 and 6% after
  (:func:`~energysim.design.prices.huurcommissie_limit_eur_per_yr`);
- ``common``, ``tenants``, ``members`` (``common_fee_eur_per_kwh``,
  ``tenant_sharing_fee_eur_per_kwh``, ``sharing_fee_eur_per_kwh``): what a shared kWh
  saves its receiver (:func:`energysim.money.readings.shared_kwh_saving_eur_per_kwh`).

Limits are rounded down to the steps a board writes prices in (EUR 0.01/yr, EUR
0.0001/kWh), so a recommended price is at or below its limit as written.

Method
------
For the run's kWh, every owner's NPV and every household's lifetime benefit are linear
in the four prices: each fee is ``price x kWh`` (or ``price x dwellings``) on its
indexed path, the output VAT a taxable owner remits and the energy tax on the common
connection's fee are fractions of it (:mod:`energysim.money.owner_vat`,
``common_fee_energy_tax``). The model is measured, not assumed: five re-pricings of the
run (:func:`energysim.design.money.reprice`; all prices 0, then each at its limit) give
the intercepts and slopes, and the money model at the chosen prices is compared with
the linear prediction (``linear_error_eur``, reported; 0 to rounding on every example).

Two linear programs (scipy ``linprog``, HiGHS) on that model:

1. *Shortfall*: ``min sum_o s_o`` over prices within the limits and ``s_o >= 0``, with
   ``NPV_o(p) + s_o >= 0`` for every owner and ``B_h(p) >= threshold`` for every
   household: the smallest one-off subsidy in year 0 (it raises an owner's NPV by what
   it receives) with which legal prices pay while every household still gains. Zero:
   the roof pays.
2. When it pays, the prices: ``max z`` with ``z <= B_h(p)`` for every household and
   ``NPV_o(p) >= 0`` for every owner (the worst-off household's lifetime benefit), then,
   with ``z`` held within a cent of its optimum, ``max sum_h B_h(p)``: the households'
   total, which leaves the owners at break-even rather than above it.

When it does not pay, the prices are those of the shortfall LP and the design states
the subsidy, and the capex per kWp at those prices with which the owners reach their
target (brentq on the money model, as :func:`energysim.design.prices.what_is_needed`).
Every household counts in the LPs (the ``every`` criterion) whatever the one-lever
table watches.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import optimize

from energysim.config.scenario import Scenario
from energysim.design.money import households, owners_npv_eur, reprice, with_finance
from energysim.design.prices import PriceTarget, huurcommissie_limit_eur_per_yr, owners_goal_eur
from energysim.design.words import Said, joined, say
from energysim.money.readings import shared_kwh_saving_eur_per_kwh
from energysim.results.result import Result

JOINT_LEVERS: tuple[str, ...] = ("panel_fee", "common", "tenants", "members")
"""The prices chosen together, in the order of the LP's variables."""
JOINT_FIELDS: dict[str, str] = {
    "panel_fee": "panel_fee_eur_per_yr",
    "common": "common_fee_eur_per_kwh",
    "tenants": "tenant_sharing_fee_eur_per_kwh",
    "members": "sharing_fee_eur_per_kwh",
}
JOINT_STEPS: dict[str, float] = {
    "panel_fee": 0.01,
    "common": 1e-4,
    "tenants": 1e-4,
    "members": 1e-4,
}
"""The steps prices are written in [EUR/yr, EUR/kWh]."""
PAYS_TOL_EUR = 0.01
"""A shortfall below a cent is none."""
WORST_OFF_TOL_EUR = 0.01
"""How far the second LP may lower the worst-off household's benefit [EUR]."""
REFINE_ROUNDS = 3
"""Tangent models tried when the first linear model is off by more than EUR 0.50."""
OWNERS_MARGIN_EUR = 1e-3
"""The prices LPs keep every owner this far above its target [EUR], so that the money
model, not only the linear one, finds the owners at NPV >= 0."""


@dataclass(frozen=True)
class LinearMoney:
    """Owners' NPVs and households' lifetime benefits as affine functions of the prices.

    ``owners_eur = owners0_eur + owners_slope @ p`` (one row per owner) and
    ``households_eur = households0_eur + households_slope @ p`` (one row per household),
    with ``p`` the prices of :data:`JOINT_LEVERS` [EUR/yr, EUR/kWh].
    """

    owners0_eur: np.ndarray
    owners_slope: np.ndarray
    households0_eur: np.ndarray
    households_slope: np.ndarray

    def owners_eur(self, prices: np.ndarray) -> np.ndarray:
        """Predicted NPV per owner [EUR]."""
        return self.owners0_eur + self.owners_slope @ prices

    def households_eur(self, prices: np.ndarray) -> np.ndarray:
        """Predicted lifetime benefit per household [EUR]."""
        return self.households0_eur + self.households_slope @ prices


@dataclass(frozen=True)
class JointSolution:
    """The LPs' answer on a linear model: prices, whether they pay, the subsidy lacking."""

    prices: np.ndarray
    pays: bool
    shortfall_eur: float
    households_ok: bool
    """False when some household is below the threshold even with every price at 0."""


def solve_joint(money: LinearMoney, limits: np.ndarray, threshold_eur: float) -> JointSolution:
    """Choose the prices together on a linear money model (the module's two LPs).

    Parameters
    ----------
    money : LinearMoney
        Owners' NPVs and households' benefits as affine functions of the prices [EUR].
    limits : numpy.ndarray
        The highest legal price per lever [EUR/yr, EUR/kWh]; prices are at least 0.
    threshold_eur : float
        The lifetime benefit every household must keep [EUR].

    Returns
    -------
    JointSolution
    """
    n_p, n_o = len(limits), len(money.owners0_eur)
    n_h = len(money.households0_eur)
    bounds_p = [(0.0, float(u)) for u in limits]
    # 1. the smallest subsidy: variables (p, s); -A p - s <= f0 ; -H p <= h0 - threshold
    a_ub = np.vstack(
        [
            np.hstack([-money.owners_slope, -np.eye(n_o)]),
            np.hstack([-money.households_slope, np.zeros((n_h, n_o))]),
        ]
    )
    b_ub = np.concatenate([money.owners0_eur, money.households0_eur - threshold_eur])
    cost = np.concatenate([np.zeros(n_p), np.ones(n_o)])
    first = optimize.linprog(
        cost, A_ub=a_ub, b_ub=b_ub, bounds=bounds_p + [(0.0, None)] * n_o, method="highs"
    )
    if first.status == 2:  # households below the threshold at any legal price
        zero = np.zeros(n_p)
        short = float(np.clip(-money.owners_eur(zero), 0.0, None).sum())
        return JointSolution(zero, False, short, households_ok=False)
    if first.status != 0:
        raise RuntimeError(f"joint prices: the shortfall LP failed: {first.message}")
    shortfall = float(first.fun)
    if shortfall > PAYS_TOL_EUR:
        return JointSolution(np.asarray(first.x[:n_p]), False, shortfall, households_ok=True)
    # 2a. the worst-off household: variables (p, z); -A p <= f0 ; z - H p <= h0
    a_owner = np.hstack([-money.owners_slope, np.zeros((n_o, 1))])
    a_house = np.hstack([-money.households_slope, np.ones((n_h, 1))])
    cost = np.concatenate([np.zeros(n_p), [-1.0]])
    best = optimize.linprog(
        cost,
        A_ub=np.vstack([a_owner, a_house]),
        b_ub=np.concatenate([money.owners0_eur - OWNERS_MARGIN_EUR, money.households0_eur]),
        bounds=bounds_p + [(None, None)],
        method="highs",
    )
    if best.status != 0:  # the subsidy is below a cent but not zero: the first LP's prices
        return JointSolution(np.asarray(first.x[:n_p]), True, 0.0, households_ok=True)
    z = float(-best.fun)
    # 2b. the households' total with the worst-off within a cent of z
    total = optimize.linprog(
        -money.households_slope.sum(axis=0),
        A_ub=np.vstack([-money.owners_slope, -money.households_slope]),
        b_ub=np.concatenate(
            [money.owners0_eur - OWNERS_MARGIN_EUR, money.households0_eur - z + WORST_OFF_TOL_EUR]
        ),
        bounds=bounds_p,
        method="highs",
    )
    prices = np.asarray(total.x if total.status == 0 else best.x[:n_p])
    return JointSolution(prices, True, 0.0, households_ok=True)


@dataclass(frozen=True)
class JointPrices:
    """Prices chosen together and what they do (``design.json`` ``joint_prices``).

    Attributes
    ----------
    prices, limits : dict of str to float
        Per lever of :data:`JOINT_LEVERS`: the chosen price and its legal limit
        [EUR/yr, EUR/kWh]; the limits rounded down to the steps prices are written in.
    pays : bool
        Every owner reaches its target at legal prices while every household gains.
    shortfall_eur : float
        The one-off subsidy in year 0 that closes the owners' gap at these prices [EUR]
        (0 when it pays).
    capex_now_eur_per_kwp, capex_eur_per_kwp : float
        The scenario's capex and the capex with which the owners reach their target at
        these prices (None: even free panels do not) [EUR/kWp].
    owners_npv_eur : dict of str to float
        Each owner's NPV at these prices (at the target IRR when one is given) [EUR].
    households_npv_min_eur, households_npv_total_eur : float
        The worst-off household's and all households' lifetime benefit [EUR].
    linear_error_eur : float
        The largest gap between the linear model and the money model at the LP's prices [EUR].
    message : str
        The answer in plain words.
    """

    prices: dict[str, float]
    limits: dict[str, float]
    pays: bool
    shortfall_eur: float
    shortfall_frac_of_capex: float
    capex_now_eur_per_kwp: float
    capex_eur_per_kwp: float | None
    owners_npv_eur: dict[str, float]
    households_npv_min_eur: float
    households_npv_total_eur: float
    households_ok: bool
    linear_error_eur: float
    message: str

    def as_dict(self) -> dict[str, Any]:
        """The figures as plain values."""
        return asdict(self)


def joint_limits(result: Result) -> np.ndarray:
    """The legal limit of each lever of :data:`JOINT_LEVERS` for the run's scenario,
    rounded down to the step it is written in [EUR/yr, EUR/kWh].

    The panel fee: the Huurcommissie limit, both periods (0 when no tenant takes part);
    a price per kWh: what a shared kWh saves its receiver in year 1, incl. VAT.
    """
    fee = huurcommissie_limit_eur_per_yr(result.scenario)
    per_kwh = shared_kwh_saving_eur_per_kwh(result.scenario, result.tariffs)
    raw = {"panel_fee": fee if fee is not None else 0.0} | {
        lever: per_kwh for lever in JOINT_LEVERS[1:]
    }
    return _tidy(
        np.array(
            [
                max(0.0, math.floor(raw[lv] / JOINT_STEPS[lv] + 1e-9) * JOINT_STEPS[lv])
                for lv in JOINT_LEVERS
            ]
        )
    )


def with_prices(scenario: Scenario, prices: np.ndarray) -> Scenario:
    """The scenario with the four prices of :data:`JOINT_LEVERS` set."""
    return with_finance(
        scenario,
        **{JOINT_FIELDS[lv]: float(p) for lv, p in zip(JOINT_LEVERS, prices, strict=True)},
    )


class MoneyAt:
    """Owners' NPVs and households' lifetime benefits of a run at given prices, from the
    money model (:func:`energysim.design.money.reprice`), each price vector re-priced once.

    Parameters
    ----------
    result : Result
        The run whose kWh are priced.
    rate_frac : float
        The owners' rate [-] (discount rate or target IRR).
    """

    def __init__(self, result: Result, rate_frac: float) -> None:
        self.result, self.rate_frac = result, rate_frac
        self.owner_names: list[str] = []
        self._seen: dict[tuple[float, ...], tuple[np.ndarray, np.ndarray]] = {}

    def __call__(self, prices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """NPV per owner and lifetime benefit per household at the prices [EUR]."""
        key = tuple(float(p) for p in prices)
        if key not in self._seen:
            accounts = reprice(self.result, with_prices(self.result.scenario, prices))
            npv = owners_npv_eur(accounts, self.rate_frac)
            self.owner_names = [str(o) for o in npv.index]
            house = households(self.result, accounts)["benefit_npv_eur"].to_numpy()
            self._seen[key] = (npv.to_numpy(), house)
        return self._seen[key]


def linear_money(
    money_at: MoneyAt, limits: np.ndarray, at: np.ndarray | None = None
) -> LinearMoney:
    """Measure the affine money model by re-pricing the run.

    Without ``at``: every price 0, then each lever alone at its limit (EUR 1 where the
    limit is 0). With ``at``: the tangent model there, from secants of 1% of each limit
    (downward where a price is at its limit), for a money model that is piecewise linear
    (e.g. an owner's VAT regime that changes with its revenue).
    """
    n = len(JOINT_LEVERS)
    origin = np.zeros(n) if at is None else np.asarray(at, dtype=np.float64)
    owners0, house0 = money_at(origin)
    owner_cols, house_cols = [], []
    for i in range(n):
        step = float(limits[i]) if limits[i] > 0 else 1.0
        if at is not None:
            step *= 0.01 if origin[i] + 0.01 * step <= limits[i] else -0.01
        p = origin.copy()
        p[i] += step
        owners, house = money_at(p)
        owner_cols.append((owners - owners0) / step)
        house_cols.append((house - house0) / step)
    owner_slope, house_slope = np.column_stack(owner_cols), np.column_stack(house_cols)
    return LinearMoney(
        owners0 - owner_slope @ origin, owner_slope, house0 - house_slope @ origin, house_slope
    )


def _model_error_eur(money_at: MoneyAt, model: LinearMoney, prices: np.ndarray) -> float:
    """The largest gap between the linear model and the money model at the prices [EUR]."""
    owners, house = money_at(prices)
    return float(
        max(
            np.abs(owners - model.owners_eur(prices)).max(initial=0.0),
            np.abs(house - model.households_eur(prices)).max(initial=0.0),
        )
    )


def _rounded(prices: np.ndarray, limits: np.ndarray) -> np.ndarray:
    """Each price rounded up to its step when that stays within its limit."""
    steps = np.array([JOINT_STEPS[lv] for lv in JOINT_LEVERS])
    up = np.ceil(prices / steps - 1e-3) * steps  # LP noise below a thousandth of a step: down
    return np.where(up <= limits + 1e-12, _tidy(up), prices)


def _tidy(prices: np.ndarray) -> np.ndarray:
    """Prices on their steps without binary noise (13.12, not 13.120000000000001; 0, not
    -0, which a scenario file would not keep)."""
    return np.array(
        [
            round(float(p), 2 if lv == "panel_fee" else 4)
            for lv, p in zip(JOINT_LEVERS, prices, strict=True)
        ]
    )


def joint_prices(result: Result, target: PriceTarget, capex_search: bool = True) -> JointPrices:
    """The four prices chosen together under every legal limit (see the module notes).

    Parameters
    ----------
    result : Result
        The run of the design to price (its size, keys and owners as recommended).
    target : PriceTarget
        The owners' rate (discount rate, or a target IRR) and the lifetime benefit every
        household must keep.
    capex_search : bool
        Find the capex that closes a shortfall (brentq, a dozen re-pricings); without
        it ``capex_eur_per_kwp`` is None when the prices do not pay.

    Returns
    -------
    JointPrices
    """
    scenario = result.scenario
    rate = (
        target.target_irr_frac
        if target.target_irr_frac is not None
        else scenario.finance.discount_rate_frac
    )
    limits = joint_limits(result)
    money_at = MoneyAt(result, rate)
    model = linear_money(money_at, limits)
    sol = solve_joint(model, limits, target.threshold_eur)
    for _ in range(REFINE_ROUNDS):  # piecewise linear: solve again on the tangent model
        if _model_error_eur(money_at, model, np.clip(sol.prices, 0.0, limits)) < 0.5:
            break
        model = linear_money(money_at, limits, at=np.clip(sol.prices, 0.0, limits))
        sol = solve_joint(model, limits, target.threshold_eur)
    prices = np.clip(sol.prices, 0.0, limits)
    error = _model_error_eur(money_at, model, prices)
    if sol.pays:
        up = _rounded(prices, limits)
        owners_up, house_up = money_at(up)
        if owners_up.min() >= 0 and house_up.min() >= target.threshold_eur - 0.005:
            prices = up
    prices = prices + 0.0  # no -0
    owners, house = money_at(prices)
    pays = bool(sol.pays and owners.min() >= -PAYS_TOL_EUR)
    shortfall = 0.0 if pays else float(np.clip(-owners, 0.0, None).sum())
    priced = with_prices(scenario, prices)
    capex_now = priced.finance.capex_eur_per_kwp
    if pays:
        capex: float | None = capex_now
    else:
        capex = _capex_closing(result, priced, target) if capex_search else None
    total_capex = float(result.accounts.stakeholders["capex_eur"].sum())  # batteries too
    out = JointPrices(
        prices={lv: float(p) for lv, p in zip(JOINT_LEVERS, prices, strict=True)},
        limits={lv: float(u) for lv, u in zip(JOINT_LEVERS, limits, strict=True)},
        pays=pays,
        shortfall_eur=shortfall,
        shortfall_frac_of_capex=shortfall / total_capex if total_capex > 0 else math.inf,
        capex_now_eur_per_kwp=capex_now,
        capex_eur_per_kwp=capex,
        owners_npv_eur={o: float(v) for o, v in zip(money_at.owner_names, owners, strict=True)},
        households_npv_min_eur=float(house.min()),
        households_npv_total_eur=float(house.sum()),
        households_ok=sol.households_ok,
        linear_error_eur=error,
        message="",
    )
    return _with_message(out, nobody(scenario))


def _capex_closing(result: Result, priced: Scenario, target: PriceTarget) -> float | None:
    """The capex per kWp with which every owner reaches its target at these prices
    (brentq); None when even free panels do not [EUR/kWp]."""
    capex_now = priced.finance.capex_eur_per_kwp

    def goal(capex: float) -> float:
        return owners_goal_eur(result, with_finance(priced, capex_eur_per_kwp=capex), target)

    if goal(capex_now) >= 0:
        return capex_now
    if goal(0.0) < 0:
        return None
    return float(optimize.brentq(goal, 0.0, capex_now, xtol=1e-9))


def price_words(lever: str, value: float) -> Said:
    """A price as written [EUR/yr or EUR/kWh]."""
    return say("price.yr" if lever == "panel_fee" else "price.kwh", value=value)


JOINT_WORDS: dict[str, Said] = {lv: say(f"joint.lever.{lv}") for lv in JOINT_LEVERS}
"""The levers' names in a list of prices."""


def nobody(scenario: Scenario) -> tuple[str, ...]:
    """The levers of :data:`JOINT_LEVERS` nobody pays in the scenario: the panel fee and
    the tenants' price without participating tenants, the members' price without members."""
    tenants = sum(b.tenants.participating for b in scenario.buildings)
    members = sum(b.members.count for b in scenario.buildings)
    return (("panel_fee", "tenants") if not tenants else ()) + (() if members else ("members",))


def listed_prices(prices: dict[str, float], absent: tuple[str, ...] = ()) -> Said:
    """The four prices in words: ``panel fee EUR 45.00/yr, common connection ...``; a
    lever in ``absent`` (:func:`nobody`) is said to have nobody to pay it."""
    return joined(
        ", ",
        [
            say(f"joint.nobody.{lv}")
            if lv in absent
            else say("joint.listed", lever=JOINT_WORDS[lv], price=price_words(lv, prices[lv]))
            for lv in JOINT_LEVERS
        ],
    )


def _with_message(j: JointPrices, absent: tuple[str, ...] = ()) -> JointPrices:
    """The answer in plain words."""
    listed = listed_prices(j.prices, absent)
    if j.pays:
        text = say("joint.pays", listed=listed, worst_eur=j.households_npv_min_eur)
    elif not j.households_ok:
        text = say("joint.worse", shortfall_eur=j.shortfall_eur)
    else:
        capex = (
            say("joint.capex", capex=j.capex_eur_per_kwp, now=j.capex_now_eur_per_kwp)
            if j.capex_eur_per_kwp is not None
            else say("joint.no_capex")
        )
        text = say(
            "joint.short",
            listed=listed,
            shortfall_eur=j.shortfall_eur,
            frac=j.shortfall_frac_of_capex,
            capex=capex,
        )
    return JointPrices(**(asdict(j) | {"message": text}))
