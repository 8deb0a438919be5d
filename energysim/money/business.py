"""Stakeholder business cases: cash flows over the lifetime, NPV, IRR, simple payback."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from energysim.config.economics import Finance
from energysim.money.rootfind import brentq


def npv_eur(cash_flows_eur: ArrayLike, discount_rate_frac: float) -> float:
    """Net present value of yearly cash flows, year 0 first [EUR].

    Notes
    -----
    ``NPV = sum_y CF_y / (1 + r)^y``.
    """
    cf = np.asarray(cash_flows_eur, dtype=np.float64)
    years = np.arange(len(cf))
    return float(np.sum(cf / (1.0 + discount_rate_frac) ** years))


def irr_frac(cash_flows_eur: ArrayLike) -> float | None:
    """Internal rate of return [-]: the rate at which the NPV is zero (Brent, as scipy).

    Returns None when the cash flows do not change sign or no root lies in (-99%, 1000%).
    """
    cf = np.asarray(cash_flows_eur, dtype=np.float64)
    if not (cf < 0).any() or not (cf > 0).any():
        return None
    low, high = -0.99, 10.0
    f_low, f_high = npv_eur(cf, low), npv_eur(cf, high)
    if np.sign(f_low) == np.sign(f_high):
        return None
    return float(brentq(lambda r: npv_eur(cf, r), low, high, xtol=1e-12))


def simple_payback_yr(cash_flows_eur: ArrayLike) -> float | None:
    """Years until the cumulative (undiscounted) cash flow turns non-negative [yr].

    Interpolated within the year it happens; None when it never does.
    """
    cf = np.asarray(cash_flows_eur, dtype=np.float64)
    cum = np.cumsum(cf)
    if cum[0] >= 0:
        return 0.0
    after = np.flatnonzero(cum >= 0)
    if not len(after):
        return None
    y = int(after[0])
    return float(y - 1 + (-cum[y - 1]) / cf[y])


def energy_price_factors(finance: Finance, first_year: int) -> NDArray[np.float64]:
    """Factor on year-1 energy prices per operating year 1..N [-].

    Parameters
    ----------
    finance : Finance
        ``price_indexation_frac_per_yr`` ``i``, and the late path when given:
        ``late_price_indexation_frac_per_yr`` ``j`` from calendar year
        ``late_prices_from_year`` ``c*`` on.
    first_year : int
        Calendar year of operating year 1 (the rules year).

    Returns
    -------
    numpy.ndarray
        ``P_y``, shape ``(N,)``.

    Notes
    -----
    One path: ``P_y = (1 + i)^(y-1)``. With a late path, each year's step is
    ``P_y = P_(y-1) (1 + r_c)`` with ``r_c = j`` when its calendar year ``c = first_year
    + y - 1 >= c*``, else ``i``: prices rise by ``i`` until ``c* - 1`` and by ``j`` after.
    Running costs keep ``i`` (the ``cost`` path of :func:`item_paths`).
    """
    years = np.arange(1, finance.lifetime_yr + 1)
    i, j = finance.price_indexation_frac_per_yr, finance.late_price_indexation_frac_per_yr
    if j is None:
        return np.asarray((1.0 + i) ** (years - 1), dtype=np.float64)
    rates = np.where(first_year + years - 1 >= finance.late_prices_from_year, j, i)
    return np.asarray(np.cumprod(np.r_[1.0, 1.0 + rates[1:]]), dtype=np.float64)


PATHS = ("energy", "fixed_fee", "per_kwh_fee", "subsidy", "cost")
"""How a cash-flow item moves over the lifetime (see :func:`item_paths`)."""


def item_paths(
    lifetime_yr: int,
    degradation_frac_per_yr: float,
    indexation_frac_per_yr: float,
    fee_indexation_frac_per_yr: float = 0.0,
    subsidy_years: int | None = None,
    energy_price_factor: NDArray[np.float64] | None = None,
) -> pd.DataFrame:
    """Factor on the year-1 amount of each kind of cash-flow item, per operating year 1..N.

    Parameters
    ----------
    lifetime_yr : int
        Operating years.
    degradation_frac_per_yr : float
        Yield loss per year ``d`` [-].
    indexation_frac_per_yr : float
        Indexation of energy prices and running costs ``i`` [-/yr].
    fee_indexation_frac_per_yr : float
        Indexation of fees ``f`` [-/yr] (0: a fee fixed in the agreement).
    subsidy_years : int, optional
        Years a subsidy runs; default the whole lifetime.
    energy_price_factor : numpy.ndarray, optional
        ``P_y`` of the ``energy`` path when energy prices follow another path than
        running costs (:func:`energy_price_factors`); default ``(1 + i)^(y-1)``.

    Returns
    -------
    pandas.DataFrame
        Index year 1..N; one column per kind of :data:`PATHS`.

    Notes
    -----
    With ``E_y = (1 - d)^(y-1)``, ``P_y = (1 + i)^(y-1)``, ``F_y = (1 + f)^(y-1)``:

    - ``energy``: kWh valued at energy prices (export value, avoided import, market
      revenue): ``E_y P_y``;
    - ``fixed_fee``: a fee per dwelling or per year (panel fee): ``F_y``; it does not
      shrink with the yield;
    - ``per_kwh_fee``: a fee per kWh (sharing fee): ``E_y F_y``;
    - ``subsidy``: a fixed amount per kWh: ``E_y`` while the subsidy runs, then 0 (the
      SCE's is not: it runs from its decision year against indexed market values and is
      computed year by year, :func:`energysim.money.subsidies.sce_subsidy_by_year_eur`);
    - ``cost``: running costs (opex, replacement): ``P_y``.
    """
    years = np.arange(1, lifetime_yr + 1)
    return pd.DataFrame(
        item_path_arrays(
            lifetime_yr,
            degradation_frac_per_yr,
            indexation_frac_per_yr,
            fee_indexation_frac_per_yr,
            subsidy_years,
            energy_price_factor,
        ),
        index=pd.Index(years, name="year"),
    )


def item_path_arrays(
    lifetime_yr: int,
    degradation_frac_per_yr: float,
    indexation_frac_per_yr: float,
    fee_indexation_frac_per_yr: float = 0.0,
    subsidy_years: int | None = None,
    energy_price_factor: NDArray[np.float64] | None = None,
) -> dict[str, NDArray[np.float64]]:
    """:func:`item_paths` as one array per kind of :data:`PATHS` (operating years 1..N),
    without a frame: for callers that only compute with the factors [-]."""
    years = np.arange(1, lifetime_yr + 1)
    energy = (1.0 - degradation_frac_per_yr) ** (years - 1)
    price = (1.0 + indexation_frac_per_yr) ** (years - 1)
    fee = (1.0 + fee_indexation_frac_per_yr) ** (years - 1)
    runs = lifetime_yr if subsidy_years is None else subsidy_years
    energy_price = price if energy_price_factor is None else np.asarray(energy_price_factor)
    return {
        "energy": energy * energy_price,
        "fixed_fee": fee,
        "per_kwh_fee": energy * fee,
        "subsidy": np.where(years <= runs, energy, 0.0),
        "cost": price,
    }


def yearly_factors(
    lifetime_yr: int, degradation_frac_per_yr: float, indexation_frac_per_yr: float
) -> pd.DataFrame:
    """Per operating year 1..N: energy factor ``(1 - d)^(y-1)``, price factor ``(1 + i)^(y-1)``."""
    years = np.arange(1, lifetime_yr + 1)
    return pd.DataFrame(
        {
            "energy_factor": (1.0 - degradation_frac_per_yr) ** (years - 1),
            "price_factor": (1.0 + indexation_frac_per_yr) ** (years - 1),
        },
        index=pd.Index(years, name="year"),
    )


def _per_year(value: NDArray[np.float64] | float, lifetime_yr: int) -> NDArray[np.float64]:
    """A year-1 amount, or one per operating year, as one value per operating year."""
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (lifetime_yr,))


def cash_flow_table(
    *,
    capex_eur: float,
    revenue_first_year_eur: NDArray[np.float64] | float,
    opex_first_year_eur: float,
    lifetime_yr: int,
    degradation_frac_per_yr: float,
    indexation_frac_per_yr: float,
    inverter_replacement_eur: float = 0.0,
    inverter_replacement_year: int | None = None,
    subsidy_by_year_eur: NDArray[np.float64] | None = None,
    fixed_fee_first_year_eur: NDArray[np.float64] | float = 0.0,
    per_kwh_fee_first_year_eur: NDArray[np.float64] | float = 0.0,
    fee_indexation_frac_per_yr: float = 0.0,
    certificates_eur: float = 0.0,
    energy_price_factor: NDArray[np.float64] | None = None,
) -> pd.DataFrame:
    """Yearly cash flows of an installation (or a share of one) [EUR].

    Parameters
    ----------
    revenue_first_year_eur : float or array
        Energy-linked revenue (kWh at energy prices) in operating year 1 at year-1
        prices, or one value per operating year (e.g. when net metering ends after year
        1); follows the ``energy`` path of :func:`item_paths`.
    subsidy_by_year_eur : array, optional
        Subsidy per operating year (not indexed; SCE amounts are fixed per kWh),
        degradation already applied by the caller.
    fixed_fee_first_year_eur : float or array
        Fees per dwelling or per year (panel fees), year-1 amount or one per year;
        ``fixed_fee`` path: only the fee indexation, no degradation.
    per_kwh_fee_first_year_eur : float or array
        Fees per kWh (sharing fees); ``per_kwh_fee`` path: degradation and fee indexation.
    fee_indexation_frac_per_yr : float
        Indexation of the fees [-/yr].
    certificates_eur : float
        What members paid the (cooperative) owner for their certificates, received in
        year 0 [EUR].
    energy_price_factor : numpy.ndarray, optional
        ``P_y`` of the ``energy`` path (:func:`item_paths`).

    Returns
    -------
    pandas.DataFrame
        Index year 0..N; columns ``capex_eur``, ``certificates_eur``,
        ``energy_revenue_eur``, ``fee_revenue_eur``, ``revenue_eur`` (their sum),
        ``subsidy_eur``, ``opex_eur``, ``replacement_eur``, ``residual_value_eur`` (what
        the owners' equipment is still worth at the end, received in year N: a
        battery's, :func:`energysim.money.batteries.battery_costs`; 0 here),
        ``net_cash_flow_eur``, ``cumulative_eur``.
    """
    flows = cash_flow_arrays(
        capex_eur=capex_eur,
        revenue_first_year_eur=revenue_first_year_eur,
        opex_first_year_eur=opex_first_year_eur,
        lifetime_yr=lifetime_yr,
        degradation_frac_per_yr=degradation_frac_per_yr,
        indexation_frac_per_yr=indexation_frac_per_yr,
        inverter_replacement_eur=inverter_replacement_eur,
        inverter_replacement_year=inverter_replacement_year,
        subsidy_by_year_eur=subsidy_by_year_eur,
        fixed_fee_first_year_eur=fixed_fee_first_year_eur,
        per_kwh_fee_first_year_eur=per_kwh_fee_first_year_eur,
        fee_indexation_frac_per_yr=fee_indexation_frac_per_yr,
        certificates_eur=certificates_eur,
        energy_price_factor=energy_price_factor,
    )
    return pd.DataFrame(flows, index=pd.Index(np.arange(0, lifetime_yr + 1), name="year"))


CASH_FLOW_COLUMNS = (
    "capex_eur",
    "certificates_eur",
    "energy_revenue_eur",
    "fee_revenue_eur",
    "revenue_eur",
    "subsidy_eur",
    "opex_eur",
    "replacement_eur",
    "residual_value_eur",
    "net_cash_flow_eur",
    "cumulative_eur",
)
"""The columns of :func:`cash_flow_table`, in order."""


def cash_flow_arrays(
    *,
    capex_eur: float,
    revenue_first_year_eur: NDArray[np.float64] | float,
    opex_first_year_eur: float,
    lifetime_yr: int,
    degradation_frac_per_yr: float,
    indexation_frac_per_yr: float,
    inverter_replacement_eur: float = 0.0,
    inverter_replacement_year: int | None = None,
    subsidy_by_year_eur: NDArray[np.float64] | None = None,
    fixed_fee_first_year_eur: NDArray[np.float64] | float = 0.0,
    per_kwh_fee_first_year_eur: NDArray[np.float64] | float = 0.0,
    fee_indexation_frac_per_yr: float = 0.0,
    certificates_eur: float = 0.0,
    energy_price_factor: NDArray[np.float64] | None = None,
) -> dict[str, NDArray[np.float64]]:
    """:func:`cash_flow_table` as one array per column of :data:`CASH_FLOW_COLUMNS` (years
    0..N), without a frame: the owners' cases of a run compute with these and make one
    frame of all owners (:func:`energysim.money.accounts.build_accounts`) [EUR]."""
    rates = (degradation_frac_per_yr, indexation_frac_per_yr, fee_indexation_frac_per_yr)
    paths = item_path_arrays(lifetime_yr, *rates, energy_price_factor=energy_price_factor)

    capex = np.r_[capex_eur, np.zeros(lifetime_yr)]
    certificates = np.r_[certificates_eur, np.zeros(lifetime_yr)]
    energy = np.r_[0.0, _per_year(revenue_first_year_eur, lifetime_yr) * paths["energy"]]
    fees = np.r_[
        0.0,
        _per_year(fixed_fee_first_year_eur, lifetime_yr) * paths["fixed_fee"]
        + _per_year(per_kwh_fee_first_year_eur, lifetime_yr) * paths["per_kwh_fee"],
    ]
    sub = np.zeros(lifetime_yr) if subsidy_by_year_eur is None else np.asarray(subsidy_by_year_eur)
    subsidy = np.r_[0.0, sub]
    cost = paths["cost"]
    opex = np.r_[0.0, opex_first_year_eur * cost]
    replacement = np.zeros(lifetime_yr + 1)
    if inverter_replacement_year is not None and 1 <= inverter_replacement_year <= lifetime_yr:
        replacement[inverter_replacement_year] = (
            inverter_replacement_eur * cost[inverter_replacement_year - 1]
        )
    net = certificates + energy + fees + subsidy - capex - opex - replacement
    return {
        "capex_eur": capex,
        "certificates_eur": certificates,
        "energy_revenue_eur": energy,
        "fee_revenue_eur": fees,
        "revenue_eur": energy + fees,
        "subsidy_eur": subsidy,
        "opex_eur": opex,
        "replacement_eur": replacement,
        "residual_value_eur": np.zeros(lifetime_yr + 1),
        "net_cash_flow_eur": net,
        "cumulative_eur": np.cumsum(net),
    }
