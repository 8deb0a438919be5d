"""What a roof, a dwelling and a connection can physically do: hard limits and warnings.

Two kinds of check live here, each with its figure and the reason for it:

- **Limits** (:data:`LIMITS`): values no roof, dwelling or connection can reach, such as
  1e300 kWp or a household using more than its connection can carry all year. They are
  errors: :func:`limit_violations` finds them in a scenario, and the measured-CSV readers
  use :func:`max_generation_kwh_per_interval`, :func:`max_household_kwh_per_interval` and
  :func:`max_common_kwh_per_interval` per cell.
- **Warnings**: possible but unusual values (a household using 40,000 kWh a year, 8 kWp
  per dwelling of a block of flats). :func:`plausibility_warnings` checks a scenario
  before a run (a finished run: :func:`energysim.results.warnings.result_warnings`); it
  returns sentences for the user, which the CLI prints and ``summary.json`` lists under
  ``messages``; each is a :class:`energysim.core.messages.Message`, so the dashboard can
  say it in Dutch.

The module is a table plus small pure functions; it reads no files and knows no screens,
so the dashboard can show the same limits and warnings as the command line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from energysim.core.errors import expect_type
from energysim.core.messages import Message

if TYPE_CHECKING:  # the scenario module imports this one: types only, no import cycle
    from energysim.config.scenario import Scenario

__all__ = [
    "LIMITS",
    "Limit",
    "HOURS_PER_YEAR_MAX",
    "limit_of",
    "limit_violations",
    "max_generation_kwh_per_interval",
    "max_household_kwh_per_interval",
    "max_common_kwh_per_interval",
    "plausibility_warnings",
]

HOURS_PER_YEAR_MAX = 8784.0
"""Hours in a leap year [h]: a connection running flat out all year."""

# --------------------------------------------------------------------------- physics
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


@dataclass(frozen=True)
class Limit:
    """An upper bound that no real value can exceed, and why.

    Parameters
    ----------
    pattern : str
        Which scenario fields it bounds: the dotted field path with list positions as
        ``[]`` and ``*`` for any run of characters (``buildings[].arrays[].capacity_kwp``).
    max : float
        The bound, in ``unit``.
    unit : str
        Unit of the field, as users read it.
    reason : str
        Why no real value can exceed it (shown in the error message).
    """

    pattern: str
    max: float
    unit: str
    reason: str

    def matches(self, pattern_path: str) -> bool:
        """Whether a field path (list positions as ``[]``) falls under this limit.

        ``*`` stands for any run of characters, everything else for itself (compared as
        text: no regular expression is compiled, as reading a scenario checks every
        field against every limit).
        """
        first, *middle_last = self.pattern.split("*")
        if not middle_last:
            return pattern_path == first
        *middle, last = middle_last
        end = len(pattern_path) - len(last)
        if end < len(first) or not (
            pattern_path.startswith(first) and pattern_path.endswith(last)
        ):
            return False
        pos = len(first)
        for part in middle:  # each part at its first place: leaves the most room after it
            found = pattern_path.find(part, pos, end)
            if found < 0:
                return False
            pos = found + len(part)
        return True

    def message(self, value: float) -> str:
        """The error text for a value above the bound (without the field name)."""
        return f"expected at most {self.max:,.10g} {self.unit} ({self.reason}), found {value:.6g}"


_HOUSEHOLD_KWH_PER_YR = HOUSEHOLD_CONNECTION_KW * HOURS_PER_YEAR_MAX
_COMMON_KWH_PER_YR = COMMON_CONNECTION_KW * HOURS_PER_YEAR_MAX
_HOUSEHOLD_REASON = (
    "a dwelling's small connection, at most 3x80 A = 55.2 kW, running flat out all year"
)

LIMITS: tuple[Limit, ...] = (
    Limit(
        "buildings[].arrays[].capacity_kwp",
        ROOF_AREA_M2_MAX * MODULE_KWP_PER_M2_MAX,
        "kWp",
        "a 1 km2 roof, about twice the largest in the world, fully covered at 0.25 kWp/m2",
    ),
    Limit(
        "buildings[].arrays[].area_m2",
        ROOF_AREA_M2_MAX,
        "m2",
        "1 km2, about twice the largest building roofs in the world",
    ),
    Limit(
        "buildings[].arrays[].packing_kwp_per_m2",
        MODULE_KWP_PER_M2_MAX,
        "kWp/m2",
        "the best modules convert about 23% of 1 kW/m2 of sunlight",
    ),
    Limit(
        "buildings[].dwellings",
        10_000,
        "dwellings",
        "the largest apartment buildings in the world hold a few thousand",
    ),
    Limit(
        "buildings[].members.count",
        10_000,
        "members",
        "for one roof; the largest Dutch energy cooperatives have a few thousand members in all",
    ),
    Limit(
        "buildings[].floor_area_m2[]",
        2_000,
        "m2 per dwelling",
        "larger than any apartment",
    ),
    Limit(
        "buildings[].*.annual_kwh[]",
        _HOUSEHOLD_KWH_PER_YR,
        "kWh/yr per household",
        _HOUSEHOLD_REASON,
    ),
    Limit(
        "buildings[].*.annual_kwh.*_kwh",
        _HOUSEHOLD_KWH_PER_YR,
        "kWh/yr per household",
        _HOUSEHOLD_REASON,
    ),
    Limit(
        "buildings[].common.*_kwh_per_yr",
        _COMMON_KWH_PER_YR,
        "kWh/yr",
        "the common connection, at most 10 MW on the medium-voltage grid, flat out all year",
    ),
    Limit(
        "buildings[].common.contracted_capacity_kw",
        COMMON_CONNECTION_KW,
        "kW",
        "the upper end of a connection to the medium-voltage grid, 10 MVA",
    ),
    Limit(
        "buildings[].members.certificates[]",
        1_000_000,
        "certificates per member",
        "a million certificates is no household's share of one roof",
    ),
    Limit(
        "buildings[].battery.capacity_kwh",
        10 * COMMON_CONNECTION_KW,
        "kWh",
        "ten hours of a 10 MW medium-voltage connection",
    ),
    Limit(
        "buildings[].battery.*power_kw",
        COMMON_CONNECTION_KW,
        "kW",
        "the upper end of a connection to the medium-voltage grid, 10 MVA",
    ),
    Limit(
        "buildings[].home_batteries.capacity_kwh",
        24 * HOUSEHOLD_CONNECTION_KW,
        "kWh per dwelling",
        "a day of a dwelling's small connection, 55.2 kW, at full power",
    ),
    Limit(
        "buildings[].home_batteries.*power_kw",
        HOUSEHOLD_CONNECTION_KW,
        "kW",
        "a dwelling's small connection, at most 3x80 A = 55.2 kW",
    ),
    Limit(
        "buildings[].ev_charging.charger_kw*",
        HOUSEHOLD_CONNECTION_KW,
        "kW",
        "a dwelling's small connection, at most 3x80 A = 55.2 kW",
    ),
    Limit(
        "buildings[].ev_charging.kwh_per_day*",
        24 * HOUSEHOLD_CONNECTION_KW,
        "kWh per day per vehicle",
        "a day of a dwelling's small connection, 55.2 kW, at full power",
    ),
    Limit(
        "buildings[].ev_charging.vehicles",
        10_000,
        "vehicles",
        "one per dwelling at most 10,000 dwellings, the largest buildings' few thousand",
    ),
    Limit(
        "buildings[].heat_pumps.space_heat_kwh_per_yr",
        _HOUSEHOLD_KWH_PER_YR,
        "kWh/yr per dwelling",
        "more heat than a dwelling's small connection (3x80 A) could deliver flat out all year",
    ),
    Limit(
        "buildings[].heat_pumps.hot_water_litres_per_day",
        10_000.0,
        "litres per dwelling per day",
        "fifty full baths a day",
    ),
    Limit(
        "buildings[].battery.opex_eur_per_kwh_per_yr",
        2_000.0,
        "EUR per kWh of storage per yr",
        "more than the whole battery costs: 300-1,000 EUR/kWh installed",
    ),
    Limit(
        "buildings[].heat_pumps.floor_area_m2",
        2_000,
        "m2 per dwelling",
        "larger than any apartment",
    ),
    Limit(
        "buildings[].*_eur_per_kwh",
        20_000.0,
        "EUR/kWh of storage",
        "20 x what batteries cost: 300-1,000 EUR/kWh",
    ),
    Limit(
        "*_eur_per_kwh",
        10.0,
        "EUR/kWh",
        "2.5 x the day-ahead market's price cap of 4 EUR/kWh, the SDAC harmonised maximum",
    ),
    Limit(
        "*_eur_per_kwp_per_yr",
        2_000.0,
        "EUR/kWp/yr",
        "more than the whole installation costs: 500-1,100 EUR/kWp, domain.md section 7",
    ),
    Limit(
        "*_eur_per_kwp",
        20_000.0,
        "EUR/kWp",
        "20 x what rooftop PV costs: 500-1,100 EUR/kWp, domain.md section 7",
    ),
    Limit(
        "*_eur_per_yr",
        1_000_000.0,
        "EUR/yr",
        "a million euros a year is no dwelling's or connection's energy charge or fee",
    ),
    Limit(
        "*_eur_per_month[]",
        100_000.0,
        "EUR/month",
        "no supplier's monthly fee comes near it",
    ),
)
"""Hard limits on scenario fields; the first matching pattern applies."""


def _leaves(data: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    """Yield (shown path, pattern path, value) of every number in a dumped scenario."""
    if isinstance(data, dict):
        for key, value in data.items():
            shown = f"{path}.{key}" if path else str(key)
            yield from _leaves(value, shown)
    elif isinstance(data, list | tuple):
        for i, value in enumerate(data):
            yield from _leaves(value, f"{path}[{i}]")
    elif isinstance(data, int | float) and not isinstance(data, bool):
        yield path, _pattern_path(path), data


_LIST_POSITION = re.compile(r"\[\d+\]")


def _pattern_path(path: str) -> str:
    return _LIST_POSITION.sub("[]", path)


def limit_of(field_path: str) -> Limit | None:
    """The limit of a scenario field (``tariffs.supply_price_eur_per_kwh``), if any."""
    return _limit_for_pattern(_pattern_path(field_path))


@lru_cache(maxsize=4096)
def _limit_for_pattern(pattern_path: str) -> Limit | None:
    for limit in LIMITS:
        if limit.matches(pattern_path):
            return limit
    return None


def limit_violations(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Fields of a scenario beyond what is physically possible.

    Parameters
    ----------
    data : dict
        A scenario as a dict (``Scenario.model_dump()`` or the parsed TOML).

    Returns
    -------
    list of (str, str)
        ``(field path, message)`` per violation, in field order: not finite (inf,
        NaN) or above its :data:`LIMITS` entry. Empty when all is possible.
    """
    out: list[tuple[str, str]] = []
    for shown, pattern, value in _leaves(data):
        if isinstance(value, float) and not math.isfinite(value):
            out.append((shown, f"expected a finite number, found {value}"))
            continue
        limit = _limit_for_pattern(pattern)
        if limit is not None and value > limit.max:
            out.append((shown, limit.message(float(value))))
    return out


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


# --------------------------------------------------------------------------- warnings
HOUSEHOLD_KWH_PER_YR_USUAL = (500.0, 15_000.0)
"""Household consumption beyond this range is unusual [kWh/yr]: Dutch households use
1,000-5,000 kWh (CBS average 1,706 kWh grid delivery, 2025; domain.md section 7); all-
electric homes with a heat pump and an electric car reach 10,000-15,000."""

KWP_PER_DWELLING_USUAL_MAX = 6.0
"""A block of flats' roof holds about 0.3-3 kWp per dwelling; a one-storey row of
dwellings up to about 5 [kWp/dwelling]."""

PACKING_KWP_PER_M2_USUAL = (0.05, 0.22)
"""Flat-roof systems carry about 0.08-0.20 kWp per m2 (south rows with spacing to
east-west ballasted systems)."""

COMMON_KWH_PER_DWELLING_USUAL_MAX = 1_000.0
"""Common installations use 30-300 kWh per dwelling per year (domain.md section 7)."""

DWELLINGS_USUAL_MAX = 1_000
"""Dutch corporation complexes rarely exceed a few hundred dwellings."""

MEMBERS_USUAL_MAX = 1_000
"""Collective solar roofs have tens to a few hundred members."""

FLOOR_AREA_M2_USUAL = (15.0, 300.0)
"""Dwelling floor area beyond this range is unusual [m2]."""

SCE_KWP_PER_MEMBER_MAX = 5.0
"""SCE: at least one member per 5 kWp (domain.md section 4)."""

SCE_LARGE_CONNECTION_KWP_MAX = 500.0
"""SCE: large connections up to 500 kWp (domain.md section 4)."""

EV_KWH_PER_DAY_USUAL_MAX = 40.0
"""A car charged at home rarely needs more than this a day [kWh/day per vehicle]. A
Dutch passenger car drives about 13,000 km a year (CBS), 35 km a day: at 0.18-0.20
kWh/km an EV charges 6-8 kWh a day. 40 kWh a day is about 80,000 km a year at 0.18
kWh/km, six times that and more than nearly any private car drives; a larger figure is
more likely the battery's capacity (40-100 kWh) entered as the daily energy, or a fleet
vehicle that does not charge at home."""


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.2f}"


def _consumption_warnings(where: str, building: str, group: str, spec: Any) -> list[str]:
    low, high = HOUSEHOLD_KWH_PER_YR_USUAL
    usual = f"usual is {low:,.0f}-{high:,.0f} kWh/yr per household"
    if isinstance(spec, list):
        odd = [v for v in spec if not low <= v <= high]
        if odd:
            return [
                Message(
                    f"{where}.annual_kwh: {len(odd)} household(s) outside what is usual "
                    f"({usual}), e.g. {_fmt(odd[0])} kWh/yr",
                    "consumption_households_unusual",
                    building=building,
                    group=group,
                    count=len(odd),
                    low=low,
                    high=high,
                    example_kwh=float(odd[0]),
                )
            ]
        return []
    mean = float(spec.mean_kwh)
    if not low <= mean <= high:
        return [
            Message(
                f"{where}.annual_kwh.mean_kwh: {_fmt(mean)} kWh/yr is unusual ({usual})",
                "consumption_mean_unusual",
                building=building,
                group=group,
                mean_kwh=mean,
                low=low,
                high=high,
            )
        ]
    return []


def _expect_scenario(scenario: object, caller: str) -> None:
    """Raise a :class:`TypeError` unless ``scenario`` is a :class:`Scenario`."""
    from energysim.config.scenario import Scenario  # here: the scenario module imports this one

    what = "a Scenario (from energysim.load_scenario or scenario_from_dict)"
    expect_type(scenario, Scenario, caller, what)


def _per_vehicle(value: float | list[float], n: int) -> list[float]:
    return list(value) if isinstance(value, list) else [float(value)] * n


def _ev_warnings(where: str, building: str, spec: Any) -> list[str]:
    """A daily energy above :data:`EV_KWH_PER_DAY_USUAL_MAX`, or above what the charger
    delivers while the vehicle is plugged in (the rest is not charged)."""
    n = spec.vehicles
    energy = _per_vehicle(spec.kwh_per_day, n)
    power = _per_vehicle(spec.charger_kw, n)
    arrive = _per_vehicle(spec.arrival_h, n)
    leave = _per_vehicle(spec.departure_h, n)
    out: list[str] = []
    odd = [e for e in energy if e > EV_KWH_PER_DAY_USUAL_MAX]
    if odd:
        out.append(
            Message(
                f"{where}.ev_charging.kwh_per_day: {len(odd)} vehicle(s) above "
                f"{EV_KWH_PER_DAY_USUAL_MAX:g} kWh per day, e.g. {_fmt(odd[0])} kWh: more than "
                "a car charged at home uses (a Dutch car drives about 13,000 km/yr, 6-8 "
                f"kWh/day; {EV_KWH_PER_DAY_USUAL_MAX:g} kWh/day is about 80,000 km/yr); is it "
                "the battery's capacity?",
                "ev_kwh_per_day_high",
                building=building,
                count=len(odd),
                usual_max=EV_KWH_PER_DAY_USUAL_MAX,
                example_kwh=float(odd[0]),
            )
        )
    # plugged in from arrival to departure, the next day's when it is not later (ev.py)
    hours = [d - a if d > a else d + 24.0 - a for a, d in zip(arrive, leave, strict=True)]
    short = [
        (e, p, h) for e, p, h in zip(energy, power, hours, strict=True) if e > p * h + 1e-9
    ]
    if short:
        e, p, h = short[0]
        out.append(
            Message(
                f"{where}.ev_charging.kwh_per_day: {len(short)} vehicle(s) need more than the "
                f"charger gives while plugged in, e.g. {_fmt(e)} kWh/day at {p:g} kW for "
                f"{h:g} h ({p * h:,.4g} kWh); the rest is not charged",
                "ev_charger_short",
                building=building,
                count=len(short),
                example_kwh=float(e),
                charger_kw=float(p),
                plugged_h=float(h),
                max_kwh=float(p * h),
            )
        )
    return out


def plausibility_warnings(scenario: Scenario) -> list[str]:
    """Possible but unusual values of a scenario, as sentences for the user.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (limits already checked).

    Returns
    -------
    list of Message
        One sentence per unusual value, naming the field, the value and what is usual
        (with its code and figures); empty when nothing stands out.

    Notes
    -----
    Ranges: household consumption :data:`HOUSEHOLD_KWH_PER_YR_USUAL`, kWp per
    dwelling :data:`KWP_PER_DWELLING_USUAL_MAX`, kWp per m2
    :data:`PACKING_KWP_PER_M2_USUAL`, common installations per dwelling
    :data:`COMMON_KWH_PER_DWELLING_USUAL_MAX`, dwellings and members per building,
    floor area per dwelling, the SCE's member and capacity rules (domain.md
    sections 4 and 7), and an EV's daily energy (:data:`EV_KWH_PER_DAY_USUAL_MAX`, and
    what its charger delivers while plugged in).

    Raises
    ------
    TypeError
        When ``scenario`` is not a Scenario.
    """
    _expect_scenario(scenario, "plausibility_warnings")
    out: list[str] = []
    for i, b in enumerate(scenario.buildings):
        where = f"buildings[{i}] ({b.id})"
        kwp_per_dwelling = b.capacity_kwp / b.dwellings
        if kwp_per_dwelling > KWP_PER_DWELLING_USUAL_MAX:
            out.append(
                Message(
                    f"{where}: {_fmt(kwp_per_dwelling)} kWp per dwelling is more than roofs "
                    f"usually hold (0.3-3 kWp per dwelling of a block of flats, up to "
                    f"{KWP_PER_DWELLING_USUAL_MAX:g} on a low-rise row); check capacity_kwp "
                    "or area_m2 and dwellings",
                    "kwp_per_dwelling_high",
                    building=b.id,
                    kwp_per_dwelling=kwp_per_dwelling,
                    usual_max=KWP_PER_DWELLING_USUAL_MAX,
                )
            )
        for j, a in enumerate(b.arrays):
            low, high = PACKING_KWP_PER_M2_USUAL
            if a.area_m2 is not None and not low <= a.packing_kwp_per_m2 <= high:
                out.append(
                    Message(
                        f"{where}.arrays[{j}].packing_kwp_per_m2: {a.packing_kwp_per_m2:g} "
                        f"kWp/m2 is unusual (flat roofs carry about 0.08-0.20 kWp/m2)",
                        "packing_unusual",
                        building=b.id,
                        array=a.id,
                        packing_kwp_per_m2=a.packing_kwp_per_m2,
                    )
                )
        out += _consumption_warnings(f"{where}.tenants", b.id, "tenants", b.tenants.annual_kwh)
        if b.members.count:
            out += _consumption_warnings(f"{where}.members", b.id, "members", b.members.annual_kwh)
        out += _building_size_warnings(where, b)
        if scenario.allocation.members.mode == "sce" and b.members.count:
            out += _sce_warnings(where, b)
        if b.ev_charging is not None and b.ev_charging.vehicles:
            out += _ev_warnings(where, b.id, b.ev_charging)
    return out


def _building_size_warnings(where: str, b: Any) -> list[str]:
    """Common installations per dwelling, dwellings, members and floor areas."""
    out: list[str] = []
    common_per_dwelling = b.common.total_kwh_per_yr / b.dwellings
    if common_per_dwelling > COMMON_KWH_PER_DWELLING_USUAL_MAX:
        out.append(
            Message(
                f"{where}.common: {_fmt(common_per_dwelling)} kWh/yr per dwelling is unusual "
                "for common installations (30-300 kWh per dwelling, domain.md section 7)",
                "common_per_dwelling_high",
                building=b.id,
                kwh_per_dwelling=common_per_dwelling,
            )
        )
    if b.dwellings > DWELLINGS_USUAL_MAX:
        out.append(
            Message(
                f"{where}.dwellings: {b.dwellings:,} dwellings in one building is unusual "
                f"(corporation complexes rarely exceed a few hundred)",
                "dwellings_many",
                building=b.id,
                dwellings=b.dwellings,
            )
        )
    if b.members.count > MEMBERS_USUAL_MAX:
        out.append(
            Message(
                f"{where}.members.count: {b.members.count:,} members for one roof is unusual "
                "(collective solar roofs have tens to a few hundred)",
                "members_many",
                building=b.id,
                members=b.members.count,
            )
        )
    if b.floor_area_m2:
        low, high = FLOOR_AREA_M2_USUAL
        odd = [v for v in b.floor_area_m2 if not low <= v <= high]
        if odd:
            out.append(
                Message(
                    f"{where}.floor_area_m2: {len(odd)} dwelling(s) outside "
                    f"{low:g}-{high:g} m2, e.g. {_fmt(odd[0])} m2",
                    "floor_area_unusual",
                    building=b.id,
                    count=len(odd),
                    low=low,
                    high=high,
                    example_m2=float(odd[0]),
                )
            )
    return out


def _sce_warnings(where: str, b: Any) -> list[str]:
    """The SCE's member and capacity rules (domain.md section 4)."""
    out: list[str] = []
    needed = math.ceil(b.capacity_kwp / SCE_KWP_PER_MEMBER_MAX)
    if b.members.count < needed:
        out.append(
            Message(
                f"{where}: the SCE asks at least one member per 5 kWp: {needed} for "
                f"{_fmt(b.capacity_kwp)} kWp, found {b.members.count}",
                "sce_members_few",
                building=b.id,
                needed=needed,
                capacity_kwp=b.capacity_kwp,
                members=b.members.count,
            )
        )
    if b.capacity_kwp > SCE_LARGE_CONNECTION_KWP_MAX:
        out.append(
            Message(
                f"{where}: {_fmt(b.capacity_kwp)} kWp is above the SCE's 500 kWp "
                "(large connection)",
                "sce_capacity_high",
                building=b.id,
                capacity_kwp=b.capacity_kwp,
            )
        )
    return out
