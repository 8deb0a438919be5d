"""Prices that pay for the roof: break-even prices and the range where everybody gains.

A *lever* is one price of the scheme: what the common installations pay per kWh (via
the service costs), what tenants or members pay per shared kWh, one price per shared
kWh for all three, or the panel fee per participating dwelling. For a lever, the
**break-even price** is the lowest price at which every owner reaches NPV = 0 at its
discount rate (or at a target IRR); the **households' maximum** is the highest price at
which the household the user watches (every household, the p10 or the median one) is
not worse off over the lifetime; the Huurcommissie limit caps the panel fee, and the
what a shared kWh saves a price per shared kWh (above it each shared kWh is a loss to its
receiver).
Between the two lies the range where everybody gains. Both ends are found with scipy's
``brentq`` on the library's own money model (:func:`energysim.design.money.reprice`).

References
----------
Huurcommissie, beleidsboek servicekosten: a removable installation may be charged as a
usage fee of at most 10% of the investment per year for 10 years, 6% after.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from scipy import optimize

from energysim.config.scenario import Scenario
from energysim.design.money import (
    Criterion,
    benefit_figures,
    households,
    owners_npv_eur,
    reprice,
    statistic_eur,
    with_finance,
)
from energysim.design.words import Said, say
from energysim.money.readings import shared_kwh_saving_eur_per_kwh
from energysim.money.service_costs import panel_fee_limit_eur_per_yr
from energysim.results.result import Result

Lever = Literal["uniform", "common", "tenants", "members", "panel_fee"]
LEVERS: tuple[str, ...] = get_args(Lever)
LEVER_ORDER: tuple[Lever, ...] = ("uniform", "common", "tenants", "members", "panel_fee")
LEVER_FIELDS: dict[str, tuple[str, ...]] = {
    "uniform": (
        "common_fee_eur_per_kwh",
        "tenant_sharing_fee_eur_per_kwh",
        "sharing_fee_eur_per_kwh",
    ),
    "common": ("common_fee_eur_per_kwh",),
    "tenants": ("tenant_sharing_fee_eur_per_kwh",),
    "members": ("sharing_fee_eur_per_kwh",),
    "panel_fee": ("panel_fee_eur_per_yr",),
}
"""The ``[finance]`` fields a lever sets."""
LEVER_WORDS: dict[str, Said] = {lever: say(f"lever.{lever}") for lever in LEVERS}
"""The levers in words."""
LEVER_UNITS: dict[str, str] = {lever: "EUR/kWh" for lever in LEVERS} | {"panel_fee": "EUR/yr"}

HOUSEHOLD_TOL_EUR = 0.005
"""A household counts as not worse off down to minus half a cent (root-finder tolerance)."""
PRICE_XTOL = 1e-12
"""brentq's absolute tolerance on a price [EUR/kWh or EUR/yr]: NPVs to well within a cent."""
_MAX_DOUBLINGS = 60


@dataclass(frozen=True)
class PriceTarget:
    """What "everybody gains" means.

    Attributes
    ----------
    criterion : {"every", "p10", "median"}
        The household that must not be worse off (lifetime NPV of its benefit).
    threshold_eur : float
        Its lifetime benefit must be at least this [EUR] (0: not worse off).
    target_irr_frac : float, optional
        The owners' target IRR [-]; default their discount rate (NPV = 0).
    """

    criterion: Criterion = "every"
    threshold_eur: float = 0.0
    target_irr_frac: float | None = None


def set_price(scenario: Scenario, lever: Lever, price: float) -> Scenario:
    """Return the scenario with the lever's price(s) set [EUR/kWh or EUR/yr]."""
    if lever not in LEVER_FIELDS:
        raise ValueError(f"lever: expected one of {', '.join(LEVERS)}, found {lever!r}")
    return with_finance(scenario, **{name: price for name in LEVER_FIELDS[lever]})


def current_price(scenario: Scenario, lever: Lever) -> float | None:
    """The lever's price in the scenario; None for ``uniform`` when the tiers differ."""
    values = {getattr(scenario.finance, name) for name in LEVER_FIELDS[lever]}
    return values.pop() if len(values) == 1 else None


def huurcommissie_limit_eur_per_yr(scenario: Scenario) -> float | None:
    """The highest year-1 panel fee within the Huurcommissie's rules [EUR/yr], the one
    rule code of the run's check (:func:`energysim.money.service_costs.panel_fee_limit_eur_per_yr`):
    the indexed fee within 10% of the investment per dwelling in years 1-10 and 6% after,
    0 where no fee may be charged (panels not removable, NOM dwellings, maintenance in the
    fee). None when no building has participating tenants.
    """
    return panel_fee_limit_eur_per_yr(scenario)


def price_limit(result: Result, lever: Lever) -> float | None:
    """The highest price a lever may take whatever households' totals say [EUR].

    The panel fee: the Huurcommissie limit (:func:`huurcommissie_limit_eur_per_yr`). A
    price per shared kWh: what the kWh saves its receiver in year 1, incl. VAT
    (:func:`energysim.money.readings.shared_kwh_saving_eur_per_kwh`: the supply price, as
    its energy tax stays on the receiver's bill; the import price under the what-if
    ``shared_energy_tax = "exempt"``); above it every shared kWh is a loss to whoever
    receives it, even when other gains (e.g. own strings) keep the household's total
    positive.
    """
    if lever == "panel_fee":
        return huurcommissie_limit_eur_per_yr(result.scenario)
    return shared_kwh_saving_eur_per_kwh(result.scenario, result.tariffs)


def owners_goal_eur(result: Result, scenario: Scenario, target: PriceTarget) -> float:
    """The worst-off owner's NPV at the owners' rate [EUR]: >= 0 means the roof pays."""
    rate = (
        target.target_irr_frac
        if target.target_irr_frac is not None
        else scenario.finance.discount_rate_frac
    )
    return float(owners_npv_eur(reprice(result, scenario), rate).min())


def outcome(result: Result, scenario: Scenario, target: PriceTarget) -> dict[str, Any]:
    """Owners' and households' money of a priced scenario (one row of a table)."""
    accounts = reprice(result, scenario)
    table = households(result, accounts)
    rate = (
        target.target_irr_frac
        if target.target_irr_frac is not None
        else scenario.finance.discount_rate_frac
    )
    npv = owners_npv_eur(accounts, rate)
    return {
        "owners_npv_eur": float(npv.sum()),
        "owners_npv_min_eur": float(npv.min()),
        "owners_revenue_year1_eur": float(accounts.scheme["owners_revenue_eur"]),
        **benefit_figures(table),
        "criterion_eur": statistic_eur(table["benefit_npv_eur"].to_numpy(), target.criterion),
    }


@dataclass(frozen=True)
class PriceRange:
    """The break-even price of a lever and the range where everybody gains.

    Attributes
    ----------
    lever, unit : str
    current : float or None
        The scenario's price (None: the tiers' prices differ).
    break_even : float or None
        Lowest price with every owner at NPV >= 0 (at the target IRR if given); 0 when
        the owners get there without it; None when no price of this lever does.
    households_max : float or None
        Highest price at which the watched household is not worse off (``inf``: the
        lever does not touch it); None when it is worse off even at price 0.
    limit : float or None
        The Huurcommissie limit (panel fee) or what a shared kWh saves (a price per
        kWh), see :func:`price_limit`.
    top : float or None
        ``min(households_max, limit)``: the top of the range.
    feasible : bool
        ``break_even <= top``: a price where everybody gains exists.
    """

    lever: Lever
    unit: str
    current: float | None
    break_even: float | None
    households_max: float | None
    limit: float | None
    top: float | None
    feasible: bool
    at_break_even: dict[str, Any] | None
    at_top: dict[str, Any] | None
    message: str

    def as_row(self) -> dict[str, Any]:
        """The range as one flat row (the ``prices.csv`` columns)."""
        row = {k: v for k, v in asdict(self).items() if not k.startswith("at_")}
        for name in ("at_break_even", "at_top"):
            for key, value in (getattr(self, name) or {}).items():
                row[f"{name.removeprefix('at_')}_{key}"] = value
        return row


def _grow(
    f: Callable[[float], float], start: float, limit: float, want_positive: bool
) -> float | None:
    """Double ``hi`` from ``start`` until ``f(hi)`` has the wanted sign; None past ``limit``."""
    hi = start
    for _ in range(_MAX_DOUBLINGS):
        value = f(hi)
        if (value > 0) == want_positive and value != 0:
            return hi
        if hi >= limit:
            return None
        hi = min(2.0 * hi, limit)
    return None


def price_scale(result: Result, lever: Lever) -> tuple[float, float]:
    """A natural first step and an upper search limit for a lever's price."""
    if lever == "panel_fee":
        return 10.0, 1e7
    return result.tariffs.import_price_eur_per_kwh, 1e3


def break_even_price(result: Result, lever: Lever, target: PriceTarget) -> float | None:
    """Lowest price of the lever at which every owner reaches its target (brentq).

    Returns 0 when the owners reach it at price 0, None when no price does (the lever
    moves no money, e.g. a tier that receives nothing).

    Notes
    -----
    Solves ``min_o NPV_o(p) = 0`` with ``NPV_o`` each owner's NPV of the run's cash
    flows at the discount rate (or the target IRR) and ``p`` the lever's price.
    """
    base = result.scenario

    def goal(p: float) -> float:
        return owners_goal_eur(result, set_price(base, lever, p), target)

    if goal(0.0) >= 0:
        return 0.0
    step, limit = price_scale(result, lever)
    hi = _grow(goal, step, limit, want_positive=True)
    if hi is None:
        return None
    return float(optimize.brentq(goal, 0.0, hi, xtol=PRICE_XTOL))


def households_max_price(result: Result, lever: Lever, target: PriceTarget) -> float | None:
    """Highest price of the lever at which the watched household is not worse off (brentq).

    Returns ``inf`` when no price makes it worse off, None when it is worse off even
    at price 0 (other fees or costs already outweigh its gain).
    """
    base = result.scenario

    def slack(p: float) -> float:
        accounts = reprice(result, set_price(base, lever, p))
        npv = households(result, accounts)["benefit_npv_eur"].to_numpy()
        return statistic_eur(npv, target.criterion) - target.threshold_eur + HOUSEHOLD_TOL_EUR

    if slack(0.0) < 0:
        return None
    step, limit = price_scale(result, lever)
    hi = _grow(slack, step, limit, want_positive=False)
    if hi is None:
        return math.inf
    return float(optimize.brentq(slack, 0.0, hi, xtol=PRICE_XTOL))


def price_range(result: Result, lever: Lever, target: PriceTarget) -> PriceRange:
    """Break-even price, households' maximum and the range where everybody gains."""
    scenario = result.scenario
    unit = LEVER_UNITS[lever]
    be = break_even_price(result, lever, target)
    hh = households_max_price(result, lever, target)
    limit = price_limit(result, lever)
    top = hh if hh is None or limit is None else min(hh, limit)
    feasible = be is not None and top is not None and be <= top
    owners_goal = (
        say("range.goal_irr", irr_frac=target.target_irr_frac)
        if target.target_irr_frac is not None
        else say("range.goal_npv", rate_frac=scenario.finance.discount_rate_frac)
    )
    words = LEVER_WORDS[lever]
    who = say(f"range.who.{target.criterion}")
    message: Said
    if be is None:
        message = say("range.no_price", lever=words, goal=owners_goal)
    elif top is None:
        message = say("range.worse_anyway", who=who, lever=words)
    elif not feasible:
        if limit is not None and top == limit:
            cap = say("range.cap_huurcommissie" if lever == "panel_fee" else "range.cap_saves")
        else:
            cap = say("range.cap_households", who=who)
        message = say("range.short", need=_fmt(be, unit), cap=cap, top=_fmt(top, unit))
    else:
        message = (
            say("range.between", low=_fmt(be, unit), high=_fmt(top, unit))
            if math.isfinite(top)
            else say("range.from", low=_fmt(be, unit))
        )
    at_be = outcome(result, set_price(scenario, lever, be), target) if be is not None else None
    at_top = (
        outcome(result, set_price(scenario, lever, top), target)
        if top is not None and math.isfinite(top)
        else None
    )
    return PriceRange(
        lever=lever,
        unit=unit,
        current=current_price(scenario, lever),
        break_even=be,
        households_max=hh,
        limit=limit,
        top=top,
        feasible=feasible,
        at_break_even=at_be,
        at_top=at_top,
        message=message,
    )


def price_curve(
    result: Result, lever: Lever, prices: np.ndarray, target: PriceTarget
) -> pd.DataFrame:
    """Owners' NPV and households' benefits along a lever's prices (one row per price)."""
    rows = [
        {"lever": lever, "price": float(p)}
        | outcome(result, set_price(result.scenario, lever, float(p)), target)
        for p in prices
    ]
    return pd.DataFrame(rows)


def curve_prices(result: Result, rng: PriceRange, n: int) -> np.ndarray:
    """``n`` prices from 0 to a little beyond the range's ends and the current price."""
    marks = [rng.break_even, rng.top, rng.current, rng.limit]
    if rng.lever != "panel_fee":
        marks.append(result.tariffs.import_price_eur_per_kwh)
    finite = [m for m in marks if m is not None and math.isfinite(m) and m > 0]
    hi = 1.25 * max(finite) if finite else price_scale(result, rng.lever)[0]
    return np.linspace(0.0, hi, n)


@dataclass(frozen=True)
class Needed:
    """What would open an empty range, at the best price households accept.

    Attributes
    ----------
    price : float
        The lever's price the figures are computed at (the top of the households'
        range, or the scenario's price when that is unbounded).
    capex_eur_per_kwp : float or None
        Capex at which the owners reach their target (None: even free panels do not).
    subsidy_eur : float
        One-off investment subsidy in year 0 that closes the owners' gap.
    members : int or None
        Members (sharing, this building) with which the range opens; None when not
        computed or not found (``members_note`` says why).
    """

    lever: str
    price: float
    owners_npv_eur: float
    capex_now_eur_per_kwp: float
    capex_eur_per_kwp: float | None
    subsidy_eur: float
    subsidy_frac_of_capex: float
    members_now: int | None = None
    members: int | None = None
    members_note: str = ""


def what_is_needed(result: Result, rng: PriceRange, target: PriceTarget) -> Needed:
    """Capex per kWp and subsidy that close the owners' gap at the best acceptable price.

    Notes
    -----
    The capex is found with brentq on ``min_o NPV_o(capex) = 0`` at the lever's price;
    a one-off subsidy in year 0 raises an owner's NPV by exactly what it receives, so the
    subsidy needed is what each owner lacks, ``sum_o max(0, -NPV_o)``. It equals the
    capex cut times the capacity when the owners' NPVs are proportional to their shares;
    owners that pay VAT differently (:mod:`energysim.money.owner_vat`) are not, and the
    cut, shared by the shares, then also pays the owner that needed less.
    """
    scenario = result.scenario
    lever = rng.lever
    if rng.top is None:  # households are worse off anyway: the price best for them
        price = 0.0
    elif math.isfinite(rng.top):
        price = rng.top
    else:  # households accept any price, yet none pays the owners
        price = rng.current if rng.current is not None else 0.0
    priced = set_price(scenario, lever, price)
    capex_now = priced.finance.capex_eur_per_kwp

    def goal(capex: float) -> float:
        return owners_goal_eur(result, with_finance(priced, capex_eur_per_kwp=capex), target)

    at_now = goal(capex_now)
    capex: float | None
    if at_now >= 0:
        capex = capex_now
    elif goal(0.0) < 0:
        capex = None
    else:
        capex = float(optimize.brentq(goal, 0.0, capex_now, xtol=1e-9))
    rate = (
        target.target_irr_frac
        if target.target_irr_frac is not None
        else scenario.finance.discount_rate_frac
    )
    accounts = reprice(result, priced)
    by_owner = owners_npv_eur(accounts, rate)
    npv = float(by_owner.sum())
    # what the owners invest as they pay it: arrays, batteries, a connection upgrade, VAT
    total_capex = float(accounts.stakeholders["capex_eur"].sum())
    subsidy = float((-by_owner).clip(lower=0.0).sum())
    return Needed(
        lever=lever,
        price=price,
        owners_npv_eur=npv,
        capex_now_eur_per_kwp=capex_now,
        capex_eur_per_kwp=capex,
        subsidy_eur=subsidy,
        subsidy_frac_of_capex=subsidy / total_capex if total_capex > 0 else math.inf,
    )


def _fmt(value: float, unit: str) -> Said:
    return say("price.kwh" if unit == "EUR/kWh" else "price.yr", value=value)
