"""Every bound of a scenario's numbers in one table: ranges, physical limits, usual values.

One row of :data:`LIMITS` (a :class:`Limit`) says, for the scenario fields its pattern
matches, all that is known of their values:

- the **range** (``ge``, ``gt``, ``le``, ``lt``): what the number can mean at all (a
  fraction, a non-negative energy, a tilt up to 90 degrees). The schema's models take it
  from here (``latitude_deg: Annotated[float, bounds("site.latitude_deg")]``), so pydantic
  refuses a value out of range in its own words ("Input should be greater than 0");
- the **physical limit** (``max`` with its ``unit`` and ``reason``): what no roof,
  dwelling or connection can reach, such as 1e300 kWp or a household using more than its
  connection can carry all year. :func:`limit_violations` finds such values in a
  scenario (before and after the schema reads it) and the error says the reason;
- the **usual range** (``usual``): beyond it a value is possible but unusual (a
  household using 40,000 kWh a year): :func:`energysim.config.plausibility.plausibility_warnings`
  warns.

Adding a bound is one row. Patterns are dotted field paths with list positions as
``[]`` and ``*`` for any run of characters; the first row whose pattern matches a field
applies. The physical limits are built from the figures of :mod:`energysim.config.physics`,
with which the measured-CSV readers bound each cell. The module reads no files and
imports no model, so the schema, the warnings, the readers and the dashboard all take
their figures from here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from annotated_types import Interval

from energysim.config.physics import (
    COMMON_CONNECTION_KW,
    HOURS_PER_YEAR_MAX,
    HOUSEHOLD_CONNECTION_KW,
    MODULE_KWP_PER_M2_MAX,
    ROOF_AREA_M2_MAX,
)

__all__ = [
    "COMMON_KWH_PER_DWELLING_USUAL",
    "KWP_PER_DWELLING_USUAL",
    "LIMITS",
    "SPECIFIC_YIELD_USUAL",
    "Limit",
    "Usual",
    "bounds",
    "limit_of",
    "limit_violations",
    "usual_of",
]


class Usual(NamedTuple):
    """The range a value usually lies in, and why; outside it a warning says so."""

    low: float
    high: float
    reason: str


@dataclass(frozen=True)
class Limit:
    """What is known of the values of the scenario fields a pattern matches.

    Parameters
    ----------
    pattern : str
        Which scenario fields the row bounds: the dotted field path with list positions
        as ``[]`` and ``*`` for any run of characters (``buildings[].arrays[].capacity_kwp``).
    max : float
        The physical limit, in ``unit``: no real value can exceed it (``inf``: none).
    unit : str
        Unit of the field, as users read it.
    reason : str
        Why no real value can exceed ``max`` (shown in the error message).
    ge, gt, le, lt : float, optional
        The field's range (what the number can mean), enforced by the schema.
    usual : Usual, optional
        The usual range of a real value and why; outside it is unusual, not impossible.
    """

    pattern: str
    max: float = math.inf
    unit: str = ""
    reason: str = ""
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None
    usual: Usual | None = None
    _parts: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # the pattern's parts between ``*``, split once (every field is looked up)
        object.__setattr__(self, "_parts", tuple(self.pattern.split("*")))

    def matches(self, pattern_path: str) -> bool:
        """Whether a field path (list positions as ``[]``) falls under this row.

        ``*`` stands for any run of characters, everything else for itself (compared as
        text: no regular expression is compiled, as reading a scenario checks every
        field against every row).
        """
        first, *middle_last = self._parts
        if not middle_last:
            return pattern_path == first
        *middle, last = middle_last
        end = len(pattern_path) - len(last)
        if end < len(first) or not (pattern_path.startswith(first) and pattern_path.endswith(last)):
            return False
        pos = len(first)
        for part in middle:  # each part at its first place: leaves the most room after it
            found = pattern_path.find(part, pos, end)
            if found < 0:
                return False
            pos = found + len(part)
        return True

    def message(self, value: float) -> str:
        """The error text for a value above the physical limit (without the field name)."""
        return f"expected at most {self.max:,.10g} {self.unit} ({self.reason}), found {value:.6g}"

    def range(self) -> Interval:
        """The range, as the metadata of a field's type (pydantic enforces it)."""
        return Interval(gt=self.gt, ge=self.ge, lt=self.lt, le=self.le)


_HOUSEHOLD_KWH_PER_YR = HOUSEHOLD_CONNECTION_KW * HOURS_PER_YEAR_MAX
_COMMON_KWH_PER_YR = COMMON_CONNECTION_KW * HOURS_PER_YEAR_MAX
_HOUSEHOLD_REASON = (
    "a dwelling's small connection, at most 3x80 A = 55.2 kW, running flat out all year"
)
_MEDIUM_VOLTAGE = "the upper end of a connection to the medium-voltage grid, 10 MVA"
_SMALL_CONNECTION = "a dwelling's small connection, at most 3x80 A = 55.2 kW"
_A_DAY_OF_SMALL = "a day of a dwelling's small connection, 55.2 kW, at full power"
_APARTMENT = "larger than any apartment"
_LARGEST_ROOF = "1 km2, about twice the largest building roofs in the world"
_STORAGE_EUR = "20 x what batteries cost: 300-1,000 EUR/kWh"

HOUSEHOLD_KWH_PER_YR_USUAL = Usual(
    500.0,
    15_000.0,
    "Dutch households use 1,000-5,000 kWh (CBS average 1,706 kWh grid delivery, 2025; "
    "domain.md section 7); all-electric homes with a heat pump and an electric car reach "
    "10,000-15,000",
)
"""Household consumption beyond this range is unusual [kWh/yr]."""

EV_KWH_PER_DAY_USUAL = Usual(
    0.0,
    40.0,
    "a Dutch passenger car drives about 13,000 km a year (CBS), 35 km a day: at 0.18-0.20 "
    "kWh/km an EV charges 6-8 kWh a day. 40 kWh a day is about 80,000 km a year at 0.18 "
    "kWh/km, six times that and more than nearly any private car drives; a larger figure "
    "is more likely the battery's capacity (40-100 kWh) entered as the daily energy, or a "
    "fleet vehicle that does not charge at home",
)
"""A car charged at home rarely needs more than this a day [kWh/day per vehicle]."""

LIMITS: tuple[Limit, ...] = (
    # ---------------------------------------------------------------- when and where
    Limit("year", ge=2020, le=2060),
    Limit("tariff_year", ge=2020, le=2060),
    Limit("site.latitude_deg", unit="deg", ge=-90, le=90),
    Limit("site.longitude_deg", unit="deg", ge=-180, le=180),
    Limit("site.altitude_m", unit="m", ge=-500, le=9000),
    Limit("*seed", ge=0),  # the weather's, the households' draws and profiles
    # ---------------------------------------------------------------- roof arrays
    Limit(
        "buildings[].arrays[].capacity_kwp",
        ROOF_AREA_M2_MAX * MODULE_KWP_PER_M2_MAX,
        "kWp",
        "a 1 km2 roof, about twice the largest in the world, fully covered at 0.25 kWp/m2",
        gt=0,
    ),
    Limit("buildings[].arrays[].area_m2", ROOF_AREA_M2_MAX, "m2", _LARGEST_ROOF, gt=0),
    Limit(
        "buildings[].arrays[].packing_kwp_per_m2",
        MODULE_KWP_PER_M2_MAX,
        "kWp/m2",
        "the best modules convert about 23% of 1 kW/m2 of sunlight",
        gt=0,
        # from south-facing rows with spacing to east-west ballasted systems
        usual=Usual(0.05, 0.22, "flat roofs carry about 0.08-0.20 kWp/m2"),
    ),
    Limit("buildings[].arrays[].surface_tilt_deg", unit="deg", ge=0, le=90),
    Limit("buildings[].arrays[].surface_azimuth_deg", unit="deg", ge=0, lt=360),
    Limit("buildings[].arrays[].dc_ac_ratio", gt=0.5, le=2.0),
    Limit("buildings[].arrays[].losses*_frac", ge=0, lt=1),
    Limit("buildings[].arrays[].degradation_frac_per_yr", ge=0, lt=0.1),
    Limit("buildings[].roof_area_m2", ROOF_AREA_M2_MAX, "m2", _LARGEST_ROOF, gt=0),
    Limit("buildings[].roof_usable_frac", gt=0, le=1),
    # ---------------------------------------------------------------- dwellings and households
    Limit(
        "buildings[].dwellings",
        10_000,
        "dwellings",
        "the largest apartment buildings in the world hold a few thousand",
        gt=0,
        usual=Usual(1, 1_000, "corporation complexes rarely exceed a few hundred"),
    ),
    Limit(
        "buildings[].floor_area_m2[]",
        2_000,
        "m2 per dwelling",
        _APARTMENT,
        gt=0,  # a dwelling has a floor; the service-cost key divides by their sum
        usual=Usual(15.0, 300.0, "from a studio to a large family home"),
    ),
    Limit("buildings[].tenants.participating", ge=0),
    Limit("buildings[].service_costs.nom_dwellings", ge=0),
    Limit(
        "buildings[].members.count",
        10_000,
        "members",
        "for one roof; the largest Dutch energy cooperatives have a few thousand members in all",
        ge=0,
        usual=Usual(0, 1_000, "collective solar roofs have tens to a few hundred"),
    ),
    Limit(
        "buildings[].members.certificates[]",
        1_000_000,
        "certificates per member",
        "a million certificates is no household's share of one roof",
        # a member of the roof's scheme holds a share of it: the payout key divides by
        # their sum (a neighbour without certificates is not one of the members)
        gt=0,
    ),
    Limit(
        "buildings[].*.annual_kwh[]",
        _HOUSEHOLD_KWH_PER_YR,
        "kWh/yr per household",
        _HOUSEHOLD_REASON,
        ge=0,
        usual=HOUSEHOLD_KWH_PER_YR_USUAL,
    ),
    Limit(
        "buildings[].*.annual_kwh.mean_kwh",
        _HOUSEHOLD_KWH_PER_YR,
        "kWh/yr per household",
        _HOUSEHOLD_REASON,
        gt=0,
        usual=HOUSEHOLD_KWH_PER_YR_USUAL,
    ),
    Limit(
        "buildings[].*.annual_kwh.*_kwh",
        _HOUSEHOLD_KWH_PER_YR,
        "kWh/yr per household",
        _HOUSEHOLD_REASON,
        ge=0,
    ),
    # ---------------------------------------------------------------- common installations
    Limit(
        "buildings[].common.*_kwh_per_yr",
        _COMMON_KWH_PER_YR,
        "kWh/yr",
        "the common connection, at most 10 MW on the medium-voltage grid, flat out all year",
        ge=0,
    ),
    Limit(
        "buildings[].common.contracted_capacity_kw",
        COMMON_CONNECTION_KW,
        "kW",
        _MEDIUM_VOLTAGE,
        gt=0,
    ),
    Limit("buildings[].common.*_frac", ge=0, lt=1),
    Limit("buildings[].common.connection_upgrade_eur", unit="EUR", ge=0),
    # ---------------------------------------------------------------- batteries
    Limit(
        "buildings[].battery.capacity_kwh",
        10 * COMMON_CONNECTION_KW,
        "kWh",
        "ten hours of a 10 MW medium-voltage connection",
        ge=0,
    ),
    Limit("buildings[].battery.*power_kw", COMMON_CONNECTION_KW, "kW", _MEDIUM_VOLTAGE, ge=0),
    Limit(
        "buildings[].home_batteries.capacity_kwh",
        24 * HOUSEHOLD_CONNECTION_KW,
        "kWh per dwelling",
        _A_DAY_OF_SMALL,
        ge=0,
    ),
    Limit(
        "buildings[].home_batteries.*power_kw",
        HOUSEHOLD_CONNECTION_KW,
        "kW",
        _SMALL_CONNECTION,
        ge=0,
    ),
    Limit("buildings[].home_batteries.dwellings", ge=0),
    Limit(
        "buildings[].battery.opex_eur_per_kwh_per_yr",
        2_000.0,
        "EUR per kWh of storage per yr",
        "more than the whole battery costs: 300-1,000 EUR/kWh installed",
        ge=0,
    ),
    Limit("buildings[].home_batteries.opex_eur_per_kwh_per_yr", ge=0),
    Limit("buildings[].*.round_trip_efficiency_frac", gt=0, le=1),
    Limit("buildings[].*.end_of_life_frac", gt=0, lt=1),
    Limit("buildings[].*fade_frac_*", ge=0, lt=1),
    Limit("buildings[].*soc*_frac", ge=0, le=1),
    Limit("buildings[].battery.discharge_price_quantile_frac", ge=0, le=1),
    Limit("buildings[].*_eur_per_kwh", 20_000.0, "EUR/kWh of storage", _STORAGE_EUR, ge=0),
    # ---------------------------------------------------------------- heat pumps
    Limit("buildings[].heat_pumps.dwellings", ge=0),
    Limit(
        "buildings[].heat_pumps.space_heat_kwh_per_yr",
        _HOUSEHOLD_KWH_PER_YR,
        "kWh/yr per dwelling",
        "more heat than a dwelling's small connection (3x80 A) could deliver flat out all year",
        ge=0,
    ),
    Limit("buildings[].heat_pumps.space_heat_kwh_per_m2_per_yr", ge=0),
    Limit("buildings[].heat_pumps.compactness_als_ag", gt=0),
    Limit("buildings[].heat_pumps.floor_area_m2", 2_000, "m2 per dwelling", _APARTMENT, gt=0),
    Limit("buildings[].heat_pumps.heating_base_temp_degc", ge=5, le=25),
    Limit("buildings[].heat_pumps.cop_correction_frac", gt=0, le=1.5),
    Limit(
        "buildings[].heat_pumps.hot_water_litres_per_day",
        10_000.0,
        "litres per dwelling per day",
        "fifty full baths a day",
        ge=0,
    ),
    Limit("buildings[].heat_pumps.hot_water_temp_degc", ge=30, le=80),
    Limit("buildings[].heat_pumps.cold_water_temp_degc", ge=0, le=25),
    Limit("buildings[].heat_pumps.hot_water_reheat_hours[]", ge=0, le=23),
    # ---------------------------------------------------------------- EV charging
    Limit(
        "buildings[].ev_charging.vehicles",
        10_000,
        "vehicles",
        "one per dwelling at most 10,000 dwellings, the largest buildings' few thousand",
        ge=0,
    ),
    Limit(
        "buildings[].ev_charging.charger_kw[]",
        HOUSEHOLD_CONNECTION_KW,
        "kW",
        _SMALL_CONNECTION,
        gt=0,
    ),
    Limit(
        "buildings[].ev_charging.charger_kw",
        HOUSEHOLD_CONNECTION_KW,
        "kW",
        _SMALL_CONNECTION,
        gt=0,
    ),
    Limit(
        "buildings[].ev_charging.kwh_per_day[]",
        24 * HOUSEHOLD_CONNECTION_KW,
        "kWh per day per vehicle",
        _A_DAY_OF_SMALL,
        ge=0,
        usual=EV_KWH_PER_DAY_USUAL,
    ),
    Limit(
        "buildings[].ev_charging.kwh_per_day",
        24 * HOUSEHOLD_CONNECTION_KW,
        "kWh per day per vehicle",
        _A_DAY_OF_SMALL,
        ge=0,
        usual=EV_KWH_PER_DAY_USUAL,
    ),
    Limit("buildings[].ev_charging.*_h*", unit="h", ge=0, lt=24),  # arrival and departure
    # ---------------------------------------------------------------- sharing
    Limit("allocation.*.cap_frac", ge=0, le=1),
    Limit("allocation.*.cap_kwh", unit="kWh per interval", ge=0),
    Limit("allocation.*.key.shares_frac[]", ge=0, le=1),
    # ---------------------------------------------------------------- tariffs, finance, owners
    Limit("tariffs.bracket1_limit_kwh", unit="kWh/yr", gt=0),
    Limit("tariffs.vat_frac", ge=0, le=1),
    Limit("tariffs.*_eur_per_kw_per_*", ge=0),  # the large connection's capacity charges
    Limit("finance.lifetime_yr", unit="yr", ge=1, le=60),
    Limit("finance.discount_rate_frac", ge=-0.5, le=1),
    Limit("finance.*_indexation_frac_per_yr", ge=-0.1, le=0.2),
    Limit("finance.inverter_replacement_year", ge=1),
    Limit("finance.late_prices_from_year", unit="year", ge=2020, le=2100),
    # the SCE took applications from 1 April 2021 until 1 April 2026 (RVO): no decision
    # outside those years (energysim.config.scheme_rules.SCE_DECISION_YEARS)
    Limit("finance.sce_decision_year", unit="year", ge=2021, le=2026),
    Limit(
        "finance.certificate_price_eur",
        1_000_000.0,
        "EUR per certificate",
        "a million euros is no household's share of one roof (certificates cost EUR 50-500; "
        "Opgewekt Houten EUR 300 for 300 kWh/yr)",
        ge=0,
    ),
    Limit("ownership[].share_frac", gt=0, le=1),
    Limit("meter_exports[].fill_gaps_max_intervals", ge=0),
    # ---------------------------------------------------------------- money, by its unit
    Limit(
        "*_eur_per_kwh",
        10.0,
        "EUR/kWh",
        "2.5 x the day-ahead market's price cap of 4 EUR/kWh, the SDAC harmonised maximum",
        ge=0,
    ),
    Limit(
        "*_eur_per_kwp_per_yr",
        2_000.0,
        "EUR/kWp/yr",
        "more than the whole installation costs: 500-1,100 EUR/kWp, domain.md section 7",
        ge=0,
    ),
    Limit(
        "*_eur_per_kwp",
        20_000.0,
        "EUR/kWp",
        "20 x what rooftop PV costs: 500-1,100 EUR/kWp, domain.md section 7",
        ge=0,
    ),
    Limit(
        "*_eur_per_yr",
        1_000_000.0,
        "EUR/yr",
        "a million euros a year is no dwelling's or connection's energy charge or fee",
        ge=0,
    ),
    Limit(
        "*_eur_per_month[]",
        100_000.0,
        "EUR/month",
        "no supplier's monthly fee comes near it",
        ge=0,
    ),
)
"""What is known of each scenario field's values; the first matching pattern applies."""


# --------------------------------------------------------------------------- derived
# Usual ranges of quantities no single field holds: figures per dwelling of a building,
# and a run's yield (:mod:`energysim.results.warnings`).
KWP_PER_DWELLING_USUAL = Usual(
    0.0,
    6.0,
    "0.3-3 kWp per dwelling of a block of flats, up to 6 on a low-rise row",
)
"""A building's kWp per dwelling beyond this is more than roofs hold [kWp/dwelling]."""

COMMON_KWH_PER_DWELLING_USUAL = Usual(0.0, 1_000.0, "30-300 kWh per dwelling, domain.md section 7")
"""Common installations' annual use per dwelling beyond this is unusual [kWh/yr]."""

SPECIFIC_YIELD_USUAL = Usual(
    600.0, 1_200.0, "Dutch roofs yield about 750-1,000 kWh per kWp a year (domain.md section 7)"
)
"""A run's generation per kWp beyond this range is unusual [kWh/kWp/yr]."""


# --------------------------------------------------------------------------- lookups
_LIST_POSITION = re.compile(r"\[\d+\]")


def _pattern_path(path: str) -> str:
    return _LIST_POSITION.sub("[]", path)


def limit_of(field_path: str) -> Limit | None:
    """The row of a scenario field (``tariffs.supply_price_excl_vat_eur_per_kwh``), if any."""
    return _limit_for_pattern(_pattern_path(field_path))


_EXACT: dict[str, int] = {}
for _i, _limit in enumerate(LIMITS):
    if "*" not in _limit.pattern:
        _EXACT.setdefault(_limit.pattern, _i)
_WILDCARD = [(i, limit) for i, limit in enumerate(LIMITS) if "*" in limit.pattern]
"""The rows without ``*`` by their pattern, and those with one in order: a field's row is
found with one look-up and a few pattern matches (every field of the schema is looked
up on import)."""


@lru_cache(maxsize=4096)
def _limit_for_pattern(pattern_path: str) -> Limit | None:
    """The first row matching a pattern path: an exact row, or a ``*`` row before it."""
    exact = _EXACT.get(pattern_path, len(LIMITS))
    for i, limit in _WILDCARD:
        if i > exact:
            break
        if limit.matches(pattern_path):
            return limit
    return LIMITS[exact] if exact < len(LIMITS) else None


def bounds(field_path: str) -> Interval:
    """A field's range for the schema: ``altitude_m: Annotated[float, bounds("site.altitude_m")]``.

    Raises
    ------
    LookupError
        When no row matches the field (a schema field names its row: a typo fails on import).
    """
    limit = limit_of(field_path)
    if limit is None:
        raise LookupError(f"limits: no row of LIMITS matches the field {field_path!r}")
    return limit.range()


def usual_of(field_path: str) -> Usual:
    """The usual range of a field's values.

    Raises
    ------
    LookupError
        When the field's row gives none.
    """
    limit = limit_of(field_path)
    if limit is None or limit.usual is None:
        raise LookupError(f"limits: no usual range for the field {field_path!r}")
    return limit.usual


def _leaves(data: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    """Yield (shown path, pattern path, value) of every number in a dumped scenario.

    The pattern path (list positions as ``[]``) is built along with the shown one: a
    dict key's own ``[3]`` becomes ``[]`` as :func:`_pattern_path` would make it."""
    found: list[tuple[str, str, Any]] = []
    _collect_leaves(data, path, _pattern_path(path), found)
    return iter(found)


def _collect_leaves(data: Any, shown: str, pattern: str, found: list[tuple[str, str, Any]]) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            name = str(key)
            named = _pattern_path(name) if "[" in name else name
            if shown:
                _collect_leaves(value, f"{shown}.{name}", f"{pattern}.{named}", found)
            else:
                _collect_leaves(value, name, named, found)
    elif isinstance(data, (list, tuple)):
        inner = f"{pattern}[]"
        for i, value in enumerate(data):
            _collect_leaves(value, f"{shown}[{i}]", inner, found)
    elif isinstance(data, (int, float)) and not isinstance(data, bool):
        found.append((shown, pattern, data))


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
        NaN) or above its row's ``max``. Empty when all is possible. (Ranges are the
        schema's to check.)
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
