"""Subsidies and schemes for cooperative solar: SCE and the old postcoderoos.

References
----------
Subsidieregeling Coöperatieve Energieopwekking (SCE), Staatscourant 2020, in force
1 April 2021 (RVO): 15 years, subsidy per kWh = basisbedrag - correctiebedrag; the
correctiebedrag follows the market value but never below the basisenergieprijs; capped
at the installed capacity times the full-load hours of the category. Basisbedragen: 2023
EUR 0.140 / 0.131 per kWh (small / large connection), 2024 EUR 0.124 / 0.109 (RVO).
Regeling verlaagd tarief (postcoderoos), until 1 April 2021: members get the energy tax
back on their share of production, capped at their own consumption.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

SCE_FULL_LOAD_H = {"small": 900.0, "large": 800.0}
"""Full-load hours that cap the subsidised production: small connection 15-100 kWp with
100% feed-in 900 h, large connection up to 500 kWp 800 h (SCE)."""
SCE_DURATION_YR = 15


def sce_subsidy_eur_per_kwh(
    basisbedrag_eur_per_kwh: float,
    market_value_eur_per_kwh: float,
    basisenergieprijs_eur_per_kwh: float,
) -> float:
    """Subsidy per kWh under the SCE [EUR/kWh].

    Notes
    -----
    ``max(0, basisbedrag - max(market value, basisenergieprijs))``: the correctiebedrag is
    the market value floored at the basisenergieprijs; the subsidy is never negative.
    """
    correction = max(market_value_eur_per_kwh, basisenergieprijs_eur_per_kwh)
    return max(0.0, basisbedrag_eur_per_kwh - correction)


def sce_subsidised_kwh(
    production_kwh: float, capacity_kwp: float, connection: str = "small"
) -> float:
    """Production eligible for SCE subsidy in a year [kWh]: capped at kWp x full-load hours."""
    return float(min(production_kwh, capacity_kwp * SCE_FULL_LOAD_H[connection]))


def postcoderoos_refund_eur(
    share_kwh: ArrayLike,
    consumption_kwh: ArrayLike,
    energy_tax_eur_per_kwh: float,
    vat_frac: float = 0.21,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Energy-tax refund of postcoderoos members, excl. and incl. VAT [EUR/yr].

    Parameters
    ----------
    share_kwh : array_like
        Each member's share of the production [kWh/yr].
    consumption_kwh : array_like
        Each member's consumption [kWh/yr]; the refund is capped at it.
    energy_tax_eur_per_kwh : float
        Energy tax excl. VAT [EUR/kWh].
    vat_frac : float
        VAT [-].

    Notes
    -----
    ``refund = min(share, consumption) * tax``, and ``* (1 + VAT)`` incl. VAT. Worked
    example (HIER opgewekt): 20 members, 50,000 kWh, tax EUR 0.1007 -> EUR 251.75 each,
    EUR 304.62 incl. VAT.
    """
    eligible = np.minimum(
        np.asarray(share_kwh, dtype=np.float64), np.asarray(consumption_kwh, dtype=np.float64)
    )
    excl = eligible * energy_tax_eur_per_kwh
    return excl, excl * (1.0 + vat_frac)
