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
    """Apply the year's regime to the kWh a supplier delivers and a connection's feed-in.

    Parameters
    ----------
    import_kwh, export_kwh : array_like
        Annual kWh the supplier delivers (the metered offtake less what was shared to
        the connection) and the connection's own feed-in [kWh/yr].
    tariffs : TariffSet
        With ``net_metering`` true (up to and including 2026), feed-in is netted
        against import over the year (Kamerstuk 36 611).
    connection : {"small", "large"}
        Net metering is for small connections only: a large connection never nets.

    Returns
    -------
    billed_import_kwh, compensated_export_kwh : numpy.ndarray
        Import left to pay the supply price for, and feed-in left to be paid the
        feed-in compensation: the supplier nets feed-in against the kWh it delivers
        (Elektriciteitswet 1998 art. 31c), so what it cannot net is compensated.
    """
    imp = np.asarray(import_kwh, dtype=np.float64)
    exp = np.asarray(export_kwh, dtype=np.float64)
    if tariffs.net_metering and connection == "small":
        netted = np.minimum(imp, exp)
        return imp - netted, exp - netted
    return imp.copy(), exp.copy()


def taxed_offtake_kwh(
    offtake_kwh: ArrayLike,
    export_kwh: ArrayLike,
    tariffs: TariffSet,
    connection: str = "small",
    untaxed_kwh: ArrayLike = 0.0,
) -> FloatArray:
    """The kWh a connection pays energy tax on in a year [kWh/yr].

    Parameters
    ----------
    offtake_kwh : array_like
        Metered offtake: everything the connection took from the grid, shared kWh
        included; what it used behind its meter (own strings, the common connection's
        own use of its roof) is not offtake [kWh/yr].
    export_kwh : array_like
        The connection's own feed-in [kWh/yr].
    tariffs : TariffSet
        ``net_metering``: up to 2026 a small connection's feed-in is netted.
    connection : {"small", "large"}
        A large connection never nets.
    untaxed_kwh : array_like
        kWh of the offtake left untaxed: the shared kWh under the what-if reading
        ``shared_energy_tax = "exempt"``, else 0 [kWh/yr].

    Returns
    -------
    numpy.ndarray
        ``max(0, X - netted)``, ``X = offtake - untaxed``, ``netted = min(feed-in, X)``
        under net metering (small connection) and 0 after [kWh/yr].

    References
    ----------
    Wet belastingen op milieugrondslag art. 50 lid 1: the tax is levied on the supply via
    a connection to the consumer; lid 2: only feed-in via the *same* connection is
    netted (while Elektriciteitswet 1998 art. 31c applies). No article exempts kWh
    shared over the grid, and the Energiewet adds none: the recipient's supplier bills
    energy tax on all offtake (domain.md section 4).
    """
    x = np.maximum(
        np.asarray(offtake_kwh, dtype=np.float64) - np.asarray(untaxed_kwh, dtype=np.float64),
        0.0,
    )
    if tariffs.net_metering and connection == "small":
        return x - np.minimum(np.asarray(export_kwh, dtype=np.float64), x)
    return x


def behind_meter_supply_tax_eur(
    taxed_kwh: ArrayLike, supplied_kwh: ArrayLike, tariffs: TariffSet
) -> FloatArray:
    """Energy tax and its VAT on kWh a third party supplies behind a connection's meter
    for a price per kWh [EUR/yr].

    Parameters
    ----------
    taxed_kwh : array_like
        What the connection already pays energy tax on (:func:`taxed_offtake_kwh`) [kWh/yr].
    supplied_kwh : array_like
        The kWh supplied behind its meter for a price per kWh [kWh/yr].
    tariffs : TariffSet

    Returns
    -------
    numpy.ndarray
        ``(energy_tax(taxed + supplied) - energy_tax(taxed)) x (1 + VAT)``: the supplied
        kWh sit on top of the offtake in the brackets (one consumer's consumption in a
        year; a reading: the law sets the brackets per connection).

    References
    ----------
    Wet belastingen op milieugrondslag art. 50 lid 4 onder a: consumption of electricity
    obtained other than by a supply via a connection counts as a supply; lid 5 onder a
    exempts only the consumer that generated the renewable electricity itself. A price
    per kWh makes the owners a supplier (domain.md section 4, "VAT of the owners").
    """
    base = np.asarray(taxed_kwh, dtype=np.float64)
    more = energy_tax_eur(base + np.asarray(supplied_kwh, dtype=np.float64), tariffs)
    return (more - energy_tax_eur(base, tariffs)) * (1.0 + tariffs.vat_frac)


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
    offtake_kwh: ArrayLike,
    export_kwh: ArrayLike,
    tariffs: TariffSet,
    *,
    shared_kwh: ArrayLike = 0.0,
    untaxed_kwh: ArrayLike = 0.0,
    rebate: bool = True,
    supply_cost_eur: ArrayLike | None = None,
    export_value_eur: ArrayLike | None = None,
    connection: str = "small",
    monthly_peak_kw_sum: ArrayLike = 0.0,
    contracted_kw: float = 0.0,
) -> FloatArray:
    """Annual bill of connections with the given offtake and feed-in, incl. VAT [EUR/yr].

    Parameters
    ----------
    offtake_kwh : array_like
        Metered offtake ``M``: what the connection took from the grid, shared kWh
        included; its use behind its own meter is not offtake [kWh/yr].
    export_kwh : array_like
        Its own feed-in ``E`` [kWh/yr].
    tariffs : TariffSet
    shared_kwh : array_like
        ``S``: kWh of the offtake shared to the connection over the grid (energy sharing,
        a roof on another connection, a shared battery); they replace the supply price
        only: the sharing price is paid to the producer outside this bill [kWh/yr].
    untaxed_kwh : array_like
        kWh of the offtake without energy tax (:func:`taxed_offtake_kwh`) [kWh/yr].
    rebate : bool
        Whether the connection gets the tax rebate (dwellings do, common connections not).
    supply_cost_eur : array_like, optional
        Supply cost of the kWh the supplier delivers, ``M - S``, excl. VAT, when prices
        vary by interval (``sum_t (M_t - S_t) * price_t``) [EUR/yr]; default
        ``(M - S) * flat price``.
    export_value_eur : array_like, optional
        A dynamic contract's feed-in, every kWh at its interval's price excl. VAT
        (``sum_t E_t * price_t``; negative prices cost money) [EUR/yr]; default the flat
        feed-in compensation.
    connection : {"small", "large"}
        A small connection pays the fixed network charge (and nets feed-in while net
        metering lasts); a large one the capacity-based tariff
        (:func:`large_network_cost_eur`), no rebate and no net metering.
    monthly_peak_kw_sum, contracted_kw : float
        For a large connection: sum of the monthly import peaks [kW], contracted
        capacity [kW].

    Notes
    -----
    ``(supply(billed) + energy_tax(taxed)) * (1 + VAT) - feed-in paid + feed-in costs +
    network costs``: ``taxed`` is :func:`taxed_offtake_kwh` (``M`` less the netted own
    feed-in), ``billed`` and the compensated feed-in follow :func:`settle_feed_in` on
    ``M - S`` (so the supply price is paid on ``max(0, M - S - netted)``). With interval
    prices the netted kWh reduce the supply cost in proportion. A dynamic contract
    (``export_value_eur``) pays every fed-in kWh its interval's price; under net metering
    it nets the supply in money over the year (consumption and feed-in each at their
    interval's price; energy tax netted in kWh, Frank Energie, "Saldering bij dynamische
    contracten"), a positive balance with VAT, a negative one paid as is. The feed-in
    paid is without VAT (households use the VAT small-business exemption for their
    panels). Network charges and the rebate do not depend on kWh shared.
    """
    supply, tax, feed_in_paid = _variable_parts_eur(
        offtake_kwh,
        export_kwh,
        tariffs,
        shared_kwh,
        untaxed_kwh,
        supply_cost_eur,
        export_value_eur,
        connection,
    )
    variable = (supply + tax) * (1.0 + tariffs.vat_frac)
    if connection == "large":
        network = large_network_cost_eur(offtake_kwh, monthly_peak_kw_sum, contracted_kw, tariffs)
    else:
        network = np.asarray(fixed_cost_eur(tariffs, rebate=rebate))
    return variable - feed_in_paid + feed_in_cost_eur(export_kwh, tariffs) + network


BILL_LINES = (
    "supply",
    "energy_tax",
    "vat",
    "network",
    "rebate",
    "feed_in",
    "feed_in_cost",
)
"""The lines of a bill (:func:`connection_bill_lines_eur`), in the order a bill shows them."""


def connection_bill_lines_eur(
    offtake_kwh: ArrayLike,
    export_kwh: ArrayLike,
    tariffs: TariffSet,
    *,
    shared_kwh: ArrayLike = 0.0,
    untaxed_kwh: ArrayLike = 0.0,
    rebate: bool = True,
    supply_cost_eur: ArrayLike | None = None,
    export_value_eur: ArrayLike | None = None,
    connection: str = "small",
    monthly_peak_kw_sum: ArrayLike = 0.0,
    contracted_kw: float = 0.0,
) -> dict[str, FloatArray]:
    """The bill of :func:`connection_bill_eur` line by line [EUR/yr].

    Parameters are those of :func:`connection_bill_eur`.

    Returns
    -------
    dict of str to numpy.ndarray
        :data:`BILL_LINES`: ``supply`` (excl. VAT), ``energy_tax`` (excl. VAT), ``vat``
        (on both), ``network`` (the small connection's charge, published incl. VAT, or a
        large connection's tariff with its VAT), ``rebate`` (the tax rebate credited with
        VAT, <= 0), ``feed_in`` (the compensation paid, <= 0; a dynamic contract's feed-in
        value), ``feed_in_cost`` (incl. VAT). They add up to :func:`connection_bill_eur`
        (to rounding).
    """
    supply, tax, feed_in_paid = _variable_parts_eur(
        offtake_kwh,
        export_kwh,
        tariffs,
        shared_kwh,
        untaxed_kwh,
        supply_cost_eur,
        export_value_eur,
        connection,
    )
    zero = np.zeros_like(supply)
    if connection == "large":
        network = large_network_cost_eur(offtake_kwh, monthly_peak_kw_sum, contracted_kw, tariffs)
        credit = 0.0
    else:
        network = np.asarray(tariffs.network_charge_incl_vat_eur_per_yr)
        credit = fixed_cost_eur(tariffs, rebate=False) - fixed_cost_eur(tariffs, rebate=rebate)
    lines: dict[str, ArrayLike] = {
        "supply": supply,
        "energy_tax": tax,
        "vat": (supply + tax) * tariffs.vat_frac,
        "network": network,
        "rebate": -credit,
        "feed_in": -feed_in_paid,
        "feed_in_cost": feed_in_cost_eur(export_kwh, tariffs),
    }
    shape = np.broadcast_shapes(*(np.shape(v) for v in lines.values()))
    return {name: zero + np.broadcast_to(np.asarray(v), shape) for name, v in lines.items()}


def _variable_parts_eur(
    offtake_kwh: ArrayLike,
    export_kwh: ArrayLike,
    tariffs: TariffSet,
    shared_kwh: ArrayLike,
    untaxed_kwh: ArrayLike,
    supply_cost_eur: ArrayLike | None,
    export_value_eur: ArrayLike | None,
    connection: str,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The supply and the energy tax excl. VAT, and the feed-in paid, of a bill [EUR/yr]
    (:func:`connection_bill_eur`, Notes)."""
    if connection not in CONNECTIONS:
        raise ValueError(f"connection: expected one of {CONNECTIONS}, found {connection!r}")
    offtake = np.asarray(offtake_kwh, dtype=np.float64)
    imp = np.maximum(offtake - np.asarray(shared_kwh, dtype=np.float64), 0.0)
    taxed = taxed_offtake_kwh(offtake, export_kwh, tariffs, connection, untaxed_kwh)
    supply, feed_in_paid = _supply_and_feed_in_eur(
        imp, export_kwh, tariffs, connection, supply_cost_eur, export_value_eur
    )
    return supply, energy_tax_eur(taxed, tariffs), feed_in_paid


def _supply_and_feed_in_eur(
    import_kwh: FloatArray,
    export_kwh: ArrayLike,
    tariffs: TariffSet,
    connection: str,
    supply_cost_eur: ArrayLike | None,
    export_value_eur: ArrayLike | None,
) -> tuple[FloatArray, FloatArray]:
    """The supply part of a bill excl. VAT and the feed-in paid (no VAT) [EUR/yr]
    (:func:`connection_bill_eur`, Notes)."""
    nets = tariffs.net_metering and connection == "small"
    if export_value_eur is not None:  # dynamic: every kWh at its interval's price
        if supply_cost_eur is None:
            raise ValueError("export_value_eur: a dynamic contract needs supply_cost_eur too")
        full = np.asarray(supply_cost_eur, dtype=np.float64)
        value = np.asarray(export_value_eur, dtype=np.float64)
        if not nets:
            return full, value
        balance = full - value
        return np.maximum(balance, 0.0), np.maximum(-balance, 0.0)
    billed, compensated = settle_feed_in(import_kwh, export_kwh, tariffs, connection)
    if supply_cost_eur is None:
        supply = billed * tariffs.supply_price_excl_vat_eur_per_kwh
    else:
        full = np.asarray(supply_cost_eur, dtype=np.float64)
        supply = full * np.divide(
            billed, import_kwh, out=np.zeros_like(billed), where=import_kwh > 0
        )
    return supply, compensated * tariffs.feed_in_compensation_excl_vat_eur_per_kwh


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
