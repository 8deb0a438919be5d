"""What roofs, connections and markets can physically do, and measured series' bounds.

The figures (the best modules' kWp per m2, a small connection's 55.2 kW, a medium-voltage
connection's 10 MW, the day-ahead market's price floor) from which the physical limits
of a scenario's fields are built (:data:`energysim.config.limits.LIMITS`), and with
which the measured-CSV readers bound each cell of a series per interval
(:func:`max_generation_kwh_per_interval`, :func:`max_household_kwh_per_interval`,
:func:`max_common_kwh_per_interval`).
"""

from __future__ import annotations

__all__ = [
    "COMMON_CONNECTION_KW",
    "HOURS_PER_YEAR_MAX",
    "HOUSEHOLD_CONNECTION_KW",
    "IRRADIANCE_PEAK_FRAC",
    "MODULE_KWP_PER_M2_MAX",
    "PRICE_EUR_PER_KWH_MIN",
    "PRICE_MIN_REASON",
    "ROOF_AREA_M2_MAX",
    "max_common_kwh_per_interval",
    "max_generation_kwh_per_interval",
    "max_household_kwh_per_interval",
]

HOURS_PER_YEAR_MAX = 8784.0
"""Hours in a leap year [h]: a connection running flat out all year."""

MODULE_KWP_PER_M2_MAX = 0.25
"""The best modules convert about 23% of the 1 kW/m2 of standard test conditions."""

ROOF_AREA_M2_MAX = 1_000_000.0
"""1 km2: about twice the largest building roofs in the world (about 0.5 km2)."""

IRRADIANCE_PEAK_FRAC = 1.5
"""Cloud enhancement lifts irradiance briefly to about 1.5 x the 1 kW/m2 of STC."""

HOUSEHOLD_CONNECTION_KW = 3 * 80 * 230 / 1000
"""A small connection (kleinverbruik) is at most 3 x 80 A at 230 V = 55.2 kW."""

COMMON_CONNECTION_KW = 10_000.0
"""10 MW: the upper end of a connection to the medium-voltage grid (10 MVA)."""

PRICE_EUR_PER_KWH_MIN = -0.5
"""Lowest possible day-ahead price [EUR/kWh]: the SDAC harmonised minimum clearing price
of -500 EUR/MWh. Dutch day-ahead prices are negative for hundreds of hours a year."""
PRICE_MIN_REASON = "the day-ahead market's harmonised minimum clearing price, -500 EUR/MWh"


def max_generation_kwh_per_interval(capacity_kwp: float, step_h: float) -> tuple[float, str]:
    """The most an array can produce in one interval [kWh] and why.

    Notes
    -----
    ``capacity_kwp * IRRADIANCE_PEAK_FRAC * step_h``: STC rating at the brief
    cloud-enhancement peak of about 1.5 kW/m2, before any loss or clipping.
    """
    bound = capacity_kwp * IRRADIANCE_PEAK_FRAC * step_h
    reason = (
        f"{capacity_kwp:,.6g} kWp x 1.5 (cloud-enhanced sunlight peaks near 1.5 kW/m2) "
        f"x {step_h:g} h"
    )
    return bound, reason


def max_household_kwh_per_interval(step_h: float) -> tuple[float, str]:
    """The most a dwelling's connection can take in one interval [kWh] and why."""
    return (
        HOUSEHOLD_CONNECTION_KW * step_h,
        f"a dwelling's small connection carries at most 3x80 A = 55.2 kW, x {step_h:g} h",
    )


def max_common_kwh_per_interval(step_h: float, connection: str = "large") -> tuple[float, str]:
    """The most a common connection can take in one interval [kWh] and why.

    A ``small`` common connection (kleinverbruik) carries at most 3x80 A = 55.2 kW; a
    ``large`` one at most about 10 MW on the medium-voltage grid.
    """
    if connection == "small":
        return (
            HOUSEHOLD_CONNECTION_KW * step_h,
            f"a small common connection carries at most 3x80 A = 55.2 kW, x {step_h:g} h",
        )
    return (
        COMMON_CONNECTION_KW * step_h,
        f"a building's connection carries at most 10 MW (medium voltage), x {step_h:g} h",
    )
