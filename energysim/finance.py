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


def connection_bill_eur(
    import_kwh: ArrayLike, export_kwh: ArrayLike, tariffs: TariffSet, *, rebate: bool = True
) -> FloatArray:
    """Annual bill of connections with the given import and feed-in, incl. VAT [EUR/yr].

    Notes
    -----
    ``variable_cost(billed import) - feed-in compensation * compensated feed-in
    + feed-in cost * feed-in + fixed cost``; feed-in costs are charged on all kWh fed in.
    """
    billed, compensated = settle_feed_in(import_kwh, export_kwh, tariffs)
    exp = np.asarray(export_kwh, dtype=np.float64)
    return (
        variable_cost_eur(billed, tariffs)
        - compensated * tariffs.feed_in_compensation_eur_per_kwh
        + exp * tariffs.feed_in_cost_eur_per_kwh
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
