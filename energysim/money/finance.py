"""Money per household and per connection: bills with and without the scheme.

A household's annual benefit is the difference of its bills without and with the
scheme, plus money it receives, minus what it pays (domain.md section 5). The network
charge and the tax rebate are fixed per connection, so they appear in both bills and
cancel in the difference; they are kept in the bills so users recognise them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from energysim.config.tariffs import TariffSet

FloatArray = NDArray[np.float64]


CONNECTIONS = ("small", "large")
"""Size of a connection: small (kleinverbruik, up to 3x80 A) or large (grootverbruik)."""


def energy_tax_eur(import_kwh: ArrayLike, tariffs: TariffSet) -> FloatArray:
    """Energy tax on annual grid import, excl. VAT [EUR/yr].

    Parameters
    ----------
    import_kwh : array_like
        Annual import billed [kWh/yr].
    tariffs : TariffSet
        Year's tariffs.

    Notes
    -----
    Bracket 1 up to ``bracket1_limit_kwh`` (10,000 kWh), bracket 2 above it (Wet
    belastingen op milieugrondslag art. 59). Bracket 3 (>50,000 kWh) is out of scope for
    dwellings and common connections of apartment complexes.
    """
    kwh = np.asarray(import_kwh, dtype=np.float64)
    first = np.minimum(kwh, tariffs.bracket1_limit_kwh)
    rest = np.maximum(kwh - tariffs.bracket1_limit_kwh, 0.0)
    return (
        first * tariffs.energy_tax_excl_vat_eur_per_kwh
        + rest * tariffs.energy_tax_bracket2_excl_vat_eur_per_kwh
    )


def variable_cost_eur(import_kwh: ArrayLike, tariffs: TariffSet) -> FloatArray:
    """Variable part of an electricity bill incl. VAT [EUR/yr].

    Notes
    -----
    ``(supply_price * kWh + energy_tax(kWh)) * (1 + VAT)``.
    """
    kwh = np.asarray(import_kwh, dtype=np.float64)
    excl = kwh * tariffs.supply_price_excl_vat_eur_per_kwh + energy_tax_eur(kwh, tariffs)
    return excl * (1.0 + tariffs.vat_frac)


def fixed_cost_eur(tariffs: TariffSet, *, rebate: bool = True) -> float:
    """Fixed part of a small connection's bill incl. VAT [EUR/yr]: network charge minus rebate.

    Notes
    -----
    ``network_charge_incl_vat - rebate_excl_vat * (1 + VAT)``: the network charge is
    published incl. VAT for small connections; the rebate (per dwelling connection) is
    published excl. VAT and credited with VAT. A common-area connection normally has no
    rebate (Belastingplan 2026 MvT).
    """
    credit = tariffs.tax_rebate_excl_vat_eur_per_yr * (1.0 + tariffs.vat_frac) if rebate else 0.0
    return tariffs.network_charge_incl_vat_eur_per_yr - credit


def large_network_cost_eur(
    import_kwh: ArrayLike,
    monthly_peak_kw_sum: ArrayLike,
    contracted_kw: float,
    tariffs: TariffSet,
) -> FloatArray:
    """Capacity-based network tariff of a large (> 3x80 A) connection, incl. VAT [EUR/yr].

    Parameters
    ----------
    import_kwh : array_like
        Annual grid import [kWh/yr] (a large connection has no net metering).
    monthly_peak_kw_sum : array_like
        Sum over the 12 months of each month's highest import [kW] (kW max).
    contracted_kw : float
        Contracted transport capacity [kW].
    tariffs : TariffSet
        ``large_network_*`` figures, excl. VAT.

    Notes
    -----
    ``(fixed + contract * kW_contract + peak * sum_m kWmax_m + transport * kWh) * (1 + VAT)``
    (grid operators' tariff structure for large connections: fixed transport charge,
    contracted capacity, monthly kW max, kWh transported). A large connection has no
    tax rebate. VAT is added: a housing corporation cannot deduct it on the service
    costs of dwellings (rent is VAT-exempt), so tenants bear it.
    """
    excl = (
        tariffs.large_network_fixed_excl_vat_eur_per_yr
        + contracted_kw * tariffs.large_network_contract_excl_vat_eur_per_kw_per_yr
        + np.asarray(monthly_peak_kw_sum, dtype=np.float64)
        * tariffs.large_network_peak_excl_vat_eur_per_kw_per_month
        + np.asarray(import_kwh, dtype=np.float64)
        * tariffs.large_network_transport_excl_vat_eur_per_kwh
    )
    return excl * (1.0 + tariffs.vat_frac)


def settle_feed_in(
    import_kwh: ArrayLike, export_kwh: ArrayLike, tariffs: TariffSet, connection: str = "small"
) -> tuple[FloatArray, FloatArray]:
    """Apply the year's regime to a connection's annual import and feed-in.

    Parameters
    ----------
    import_kwh, export_kwh : array_like
        Annual grid import and feed-in of each connection [kWh/yr].
    tariffs : TariffSet
        With ``net_metering`` true (up to and including 2026), feed-in is netted
        against import over the year (Kamerstuk 36 611).
    connection : {"small", "large"}
        Net metering is for small connections only: a large connection never nets.

    Returns
    -------
    billed_import_kwh, compensated_export_kwh : numpy.ndarray
        Import left to pay for, and feed-in left to be paid the feed-in compensation.
    """
    imp = np.asarray(import_kwh, dtype=np.float64)
    exp = np.asarray(export_kwh, dtype=np.float64)
    if tariffs.net_metering and connection == "small":
        netted = np.minimum(imp, exp)
        return imp - netted, exp - netted
    return imp.copy(), exp.copy()


def feed_in_cost_eur(export_kwh: ArrayLike, tariffs: TariffSet) -> FloatArray:
    """Feed-in costs of a year, incl. VAT [EUR/yr]: per kWh fed in, plus a monthly fee by band.

    Notes
    -----
    Suppliers publish feed-in costs incl. VAT; they are charged as given.
    Bands of 250 kWh per year (Essent style: EUR 4.07 to 20.32 per month): band ``k``
    covers ``[250 k, 250 (k + 1))`` kWh; beyond the last band its fee applies. No fee
    when nothing is fed in.
    """
    exp = np.asarray(export_kwh, dtype=np.float64)
    cost = exp * tariffs.feed_in_cost_incl_vat_eur_per_kwh
    bands = tariffs.feed_in_cost_bands_incl_vat_eur_per_month
    if bands:
        k = np.minimum((exp // 250.0).astype(np.int64), len(bands) - 1)
        monthly = np.where(exp > 0, np.asarray(bands, dtype=np.float64)[k], 0.0)
        cost = cost + 12.0 * monthly
    return cost


def connection_bill_eur(
    import_kwh: ArrayLike,
    export_kwh: ArrayLike,
    tariffs: TariffSet,
    *,
    rebate: bool = True,
    supply_cost_eur: ArrayLike | None = None,
    connection: str = "small",
    monthly_peak_kw_sum: ArrayLike = 0.0,
    contracted_kw: float = 0.0,
) -> FloatArray:
    """Annual bill of connections with the given import and feed-in, incl. VAT [EUR/yr].

    Parameters
    ----------
    import_kwh, export_kwh : array_like
        Annual grid import and feed-in [kWh/yr].
    tariffs : TariffSet
    rebate : bool
        Whether the connection gets the tax rebate (dwellings do, common connections not).
    supply_cost_eur : array_like, optional
        Supply cost of the import excl. VAT when prices vary by interval
        (``sum_t import_t * price_t``) [EUR/yr]; default ``import * flat price``.
    connection : {"small", "large"}
        A small connection pays the fixed network charge (and nets feed-in while net
        metering lasts); a large one the capacity-based tariff
        (:func:`large_network_cost_eur`), no rebate and no net metering.
    monthly_peak_kw_sum, contracted_kw : float
        For a large connection: sum of the monthly import peaks [kW], contracted
        capacity [kW].

    Notes
    -----
    ``(supply(billed) + energy_tax(billed)) * (1 + VAT) - feed-in compensation *
    compensated feed-in + feed-in costs + network costs``, where billed import and
    compensated feed-in follow :func:`settle_feed_in`; with interval prices the netted
    kWh reduce the supply cost in proportion. The feed-in compensation is paid as is
    (excl. VAT: households use the VAT small-business exemption for their panels).
    """
    if connection not in CONNECTIONS:
        raise ValueError(f"connection: expected one of {CONNECTIONS}, found {connection!r}")
    imp = np.asarray(import_kwh, dtype=np.float64)
    billed, compensated = settle_feed_in(imp, export_kwh, tariffs, connection)
    if supply_cost_eur is None:
        supply = billed * tariffs.supply_price_excl_vat_eur_per_kwh
    else:
        full = np.asarray(supply_cost_eur, dtype=np.float64)
        supply = full * np.divide(billed, imp, out=np.zeros_like(billed), where=imp > 0)
    variable = (supply + energy_tax_eur(billed, tariffs)) * (1.0 + tariffs.vat_frac)
    if connection == "large":
        network = large_network_cost_eur(imp, monthly_peak_kw_sum, contracted_kw, tariffs)
    else:
        network = np.asarray(fixed_cost_eur(tariffs, rebate=rebate))
    return (
        variable
        - compensated * tariffs.feed_in_compensation_excl_vat_eur_per_kwh
        + feed_in_cost_eur(export_kwh, tariffs)
        + network
    )


def split_by_key(amount_eur: float, weights: ArrayLike) -> FloatArray:
    """Split an amount over households in proportion to ``weights`` [EUR].

    Used for the service costs: per dwelling (equal weights) by default, or by floor
    area (Huurcommissie: the agreed key). The parts add up to the amount.
    """
    w = np.asarray(weights, dtype=np.float64)
    total = w.sum()
    if total <= 0:
        raise ValueError("service-cost key: expected positive weights")
    return amount_eur * w / total
