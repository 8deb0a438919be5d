"""Dutch electricity tariffs per year and regime.

Every figure here is a default a scenario can override (``[tariffs]``); its source is
named beside it, and *estimate* marks a figure of ours (domain.md section 4).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from energysim.errors import ScenarioError

NET_METERING_LAST_YEAR = 2026
"""Net metering (salderingsregeling) ends on 1 January 2027 (Kamerstuk 36 611)."""

FEED_IN_FLOOR_FRAC = 0.5
FEED_IN_FLOOR_YEARS = range(2027, 2031)
"""From 2027 until 2030 the feed-in compensation is at least 50% of the bare supply
price (Kamerstuk 36 611, amendment Grinwis nr. 15)."""

_BASE: dict[str, Any] = {
    # estimate: ANWB all-in variable price EUR 0.27/kWh (Oct 2024) / 1.21 minus the 2024
    # energy tax EUR 0.1088/kWh -> about EUR 0.115/kWh bare supply price excl. VAT.
    "supply_price_eur_per_kwh": 0.115,
    "vat_frac": 0.21,
    # bracket 2 (10,001-50,000 kWh) of the energy tax, excl. VAT (Belastingdienst tables).
    "bracket1_limit_kwh": 10_000.0,
    # estimate: 3x25A network charge EUR 400-480/yr (Liander, Stedin, Enexis); no per-kWh part.
    "network_charge_eur_per_yr": 440.0,
    # estimate: feed-in costs vary by supplier (Eneco EUR 0.115/kWh in 2024, many charge none).
    "feed_in_cost_eur_per_kwh": 0.0,
}

_BY_YEAR: dict[int, dict[str, float]] = {
    # energy tax bracket 1 excl. VAT: gelijkvergelijk.nl; selectra.nl.
    # Tax rebate excl. VAT: Belastingplan 2026 MvT. Bracket 2: 2025 table, carried into 2026
    # (estimate).
    2025: {
        "energy_tax_eur_per_kwh": 0.10154,
        "energy_tax_bracket2_eur_per_kwh": 0.06937,
        "tax_rebate_eur_per_yr": 524.95,
    },
    2026: {
        "energy_tax_eur_per_kwh": 0.09160,
        "energy_tax_bracket2_eur_per_kwh": 0.06937,
        "tax_rebate_eur_per_yr": 519.80,
    },
}
_LAST_KNOWN_YEAR = max(_BY_YEAR)


@dataclass(frozen=True)
class TariffSet:
    """The tariffs of one year, fully resolved.

    Attributes are excl. VAT unless named otherwise; ``net_metering`` is the annual
    netting of feed-in against consumption for small consumers.
    """

    year: int
    supply_price_eur_per_kwh: float
    energy_tax_eur_per_kwh: float
    energy_tax_bracket2_eur_per_kwh: float
    bracket1_limit_kwh: float
    vat_frac: float
    tax_rebate_eur_per_yr: float
    network_charge_eur_per_yr: float
    net_metering: bool
    feed_in_compensation_eur_per_kwh: float
    feed_in_cost_eur_per_kwh: float
    feed_in_cost_bands_eur_per_month: tuple[float, ...] | None = None

    @property
    def import_price_eur_per_kwh(self) -> float:
        """Retail import price incl. VAT [EUR/kWh].

        Notes
        -----
        ``(supply price + energy tax) * (1 + VAT)``; the network charge is fixed per
        connection and does not depend on kWh (domain.md section 5).
        """
        return (self.supply_price_eur_per_kwh + self.energy_tax_eur_per_kwh) * (1.0 + self.vat_frac)

    def as_dict(self) -> dict[str, Any]:
        """Return the tariff figures as a plain dict (without ``year``)."""
        out = asdict(self)
        out.pop("year")
        return out


def default_tariffs(year: int) -> dict[str, Any]:
    """Return the default tariff figures of ``year``.

    Years after the last year with published figures carry that year's figures forward
    (*estimate*); net metering applies up to and including 2026.

    Raises
    ------
    ScenarioError
        For a year before the first year with published figures.
    """
    if year < min(_BY_YEAR):
        raise ScenarioError(
            f"tariffs: no default figures for {year} (first is {min(_BY_YEAR)}); "
            "give every [tariffs] field explicitly"
        )
    figures = dict(_BASE)
    figures.update(_BY_YEAR[min(year, _LAST_KNOWN_YEAR)])
    figures["net_metering"] = year <= NET_METERING_LAST_YEAR
    figures["feed_in_compensation_eur_per_kwh"] = round(
        FEED_IN_FLOOR_FRAC * figures["supply_price_eur_per_kwh"], 6
    )
    return figures


def resolve_tariffs(year: int, overrides: Mapping[str, Any]) -> TariffSet:
    """Combine the year's defaults with the scenario's overrides.

    Parameters
    ----------
    year : int
        Tariff year.
    overrides : mapping
        Scenario ``[tariffs]`` fields; ``None`` means "use the default".

    Raises
    ------
    ScenarioError
        When a needed figure has no default, or the feed-in compensation is below the
        legal floor of 50% of the bare supply price in 2027-2030.
    """
    given: dict[str, Any] = {
        k: (tuple(v) if isinstance(v, list) else v)
        for k, v in overrides.items()
        if v is not None and k in TariffSet.__dataclass_fields__
    }
    fields = [
        f
        for f in TariffSet.__dataclass_fields__
        if f not in ("year", "feed_in_cost_bands_eur_per_month")
    ]
    figures: dict[str, Any]
    if all(f in given for f in fields):
        figures = given
    else:
        figures = default_tariffs(year)
        figures.update(given)
        if "supply_price_eur_per_kwh" in given and "feed_in_compensation_eur_per_kwh" not in given:
            figures["feed_in_compensation_eur_per_kwh"] = round(
                FEED_IN_FLOOR_FRAC * given["supply_price_eur_per_kwh"], 6
            )
    tariffs = TariffSet(year=year, **figures)
    if year in FEED_IN_FLOOR_YEARS and not tariffs.net_metering:
        floor = FEED_IN_FLOOR_FRAC * tariffs.supply_price_eur_per_kwh
        if tariffs.feed_in_compensation_eur_per_kwh < floor - 1e-12:
            raise ScenarioError(
                f"tariffs.feed_in_compensation_eur_per_kwh: expected at least {floor:.5f} "
                f"(50% of the bare supply price in {year}, amendment Grinwis), "
                f"found {tariffs.feed_in_compensation_eur_per_kwh}"
            )
    return tariffs
