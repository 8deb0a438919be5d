"""Money per household and per connection: bills with and without the scheme.

A household's annual benefit is the difference of its bills without and with the
scheme, plus money it receives, minus what it pays (domain.md section 5). The network
charge and the tax rebate are fixed per connection, so they appear in both bills and
cancel in the difference; they are kept in the bills so users recognise them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from energysim.tariffs import TariffSet

FloatArray = NDArray[np.float64]


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
    return first * tariffs.energy_tax_eur_per_kwh + rest * tariffs.energy_tax_bracket2_eur_per_kwh


def variable_cost_eur(import_kwh: ArrayLike, tariffs: TariffSet) -> FloatArray:
    """Variable part of an electricity bill incl. VAT [EUR/yr].

    Notes
    -----
    ``(supply_price * kWh + energy_tax(kWh)) * (1 + VAT)``.
    """
    kwh = np.asarray(import_kwh, dtype=np.float64)
    excl = kwh * tariffs.supply_price_eur_per_kwh + energy_tax_eur(kwh, tariffs)
    return excl * (1.0 + tariffs.vat_frac)


def fixed_cost_eur(tariffs: TariffSet, *, rebate: bool = True) -> float:
    """Fixed part of a bill incl. VAT [EUR/yr]: network charge minus the tax rebate.

    The network charge is taken incl. VAT as published; the rebate (excl. VAT, per
    dwelling connection) gets VAT. A common-area connection normally has no rebate
    (Belastingplan 2026 MvT).
    """
    credit = tariffs.tax_rebate_eur_per_yr * (1.0 + tariffs.vat_frac) if rebate else 0.0
    return tariffs.network_charge_eur_per_yr - credit


def settle_feed_in(
    import_kwh: ArrayLike, export_kwh: ArrayLike, tariffs: TariffSet
) -> tuple[FloatArray, FloatArray]:
    """Apply the year's regime to a connection's annual import and feed-in.

    Parameters
    ----------
    import_kwh, export_kwh : array_like
        Annual grid import and feed-in of each connection [kWh/yr].
    tariffs : TariffSet
        With ``net_metering`` true (up to and including 2026), feed-in is netted
        against import over the year (Kamerstuk 36 611).

    Returns
    -------
    billed_import_kwh, compensated_export_kwh : numpy.ndarray
        Import left to pay for, and feed-in left to be paid the feed-in compensation.
    """
    imp = np.asarray(import_kwh, dtype=np.float64)
    exp = np.asarray(export_kwh, dtype=np.float64)
    if tariffs.net_metering:
        netted = np.minimum(imp, exp)
        return imp - netted, exp - netted
    return imp.copy(), exp.copy()


def feed_in_cost_eur(export_kwh: ArrayLike, tariffs: TariffSet) -> FloatArray:
    """Feed-in costs of a year [EUR/yr]: per kWh fed in, plus a monthly fee by band.

    Notes
    -----
    Bands of 250 kWh per year (Essent style: EUR 4.07 to 20.32 per month): band ``k``
    covers ``[250 k, 250 (k + 1))`` kWh; beyond the last band its fee applies. No fee
    when nothing is fed in.
    """
    exp = np.asarray(export_kwh, dtype=np.float64)
    cost = exp * tariffs.feed_in_cost_eur_per_kwh
    bands = tariffs.feed_in_cost_bands_eur_per_month
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

    Notes
    -----
    ``(supply(billed) + energy_tax(billed)) * (1 + VAT) - feed-in compensation *
    compensated feed-in + feed-in costs + fixed costs``, where billed import and
    compensated feed-in follow :func:`settle_feed_in`; with interval prices the netted
    kWh reduce the supply cost in proportion.
    """
    imp = np.asarray(import_kwh, dtype=np.float64)
    billed, compensated = settle_feed_in(imp, export_kwh, tariffs)
    if supply_cost_eur is None:
        supply = billed * tariffs.supply_price_eur_per_kwh
    else:
        full = np.asarray(supply_cost_eur, dtype=np.float64)
        supply = full * np.divide(billed, imp, out=np.zeros_like(billed), where=imp > 0)
    variable = (supply + energy_tax_eur(billed, tariffs)) * (1.0 + tariffs.vat_frac)
    return (
        variable
        - compensated * tariffs.feed_in_compensation_eur_per_kwh
        + feed_in_cost_eur(export_kwh, tariffs)
        + fixed_cost_eur(tariffs, rebate=rebate)
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
