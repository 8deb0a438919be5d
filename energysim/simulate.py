"""Run one scenario: weather -> generation -> consumption -> allocation -> money.

Orchestration only: every physical, allocation and money rule lives in its own module;
this one builds the inputs those modules need from a :class:`~energysim.scenario.Scenario`
and collects what they return in a :class:`Result`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from energysim import allocation as alloc
from energysim import (
    demand,
    generation,
    ownership,
    profile_cache,
    storage,
    storage_money,
    storage_report,
    weather,
)
from energysim.accounts import Accounts, build_accounts, check_scheme_rules, distribution
from energysim.electrification import add_electric_loads, has_electric_loads
from energysim.errors import DataError, ScenarioError, expect_type
from energysim.io import read_schedule_csv, read_timeseries_csv
from energysim.meter import read_meter_export
from energysim.plausibility import (
    PRICE_EUR_PER_KWH_MIN,
    PRICE_MIN_REASON,
    limit_of,
    max_common_kwh_per_interval,
    max_generation_kwh_per_interval,
    max_household_kwh_per_interval,
    plausibility_warnings,
    result_warnings,
)
from energysim.population import derive_seed, draw_annual_kwh
from energysim.scenario import (
    Building,
    EqualKey,
    MembersPolicy,
    ProportionalKey,
    Scenario,
    ScheduleKey,
    StaticKey,
    TierPolicy,
    load_scenario,
    participant_ids,
)
from energysim.tariffs import TariffSet, resolve_tariffs
from energysim.timeindex import year_index

ROLE_NAMES = {"common": "common", "tenants": "tenant", "members": "member"}
BALANCE_TOL_KWH = 1e-9
BALANCE_BLOCK_STEPS = 2048
SCE_TIER_ID = "__sce__"


@dataclass
class Result:
    """Everything a run computed.

    Time series are ``DataFrame(index=interval starts, columns=ids)`` in kWh per
    interval; ``participants`` has one row per participant (index ``participant_id``).
    """

    scenario: Scenario
    tariffs: TariffSet
    index: pd.DatetimeIndex
    generation_kwh: pd.DataFrame
    consumption_kwh: pd.DataFrame
    own_string_kwh: pd.DataFrame
    shared_kwh: pd.DataFrame
    own_export_kwh: pd.DataFrame
    export_kwh: pd.DataFrame
    sce_kwh: pd.DataFrame
    participants: pd.DataFrame
    money: pd.DataFrame
    buildings: pd.DataFrame
    accounts: Accounts
    annual: pd.DataFrame
    messages: list[str] = field(default_factory=list)
    storage: storage.StorageResult | None = None
    inputs: RunInputs | None = None
    """The generation and consumption (before electric loads) the run was given or made."""

    @property
    def received_kwh(self) -> pd.DataFrame:
        """Energy each participant received, own string plus shared [kWh/interval].

        A new ``(n_steps, n_participants)`` frame at every call; for sums over groups of
        participants :func:`timeseries_table` works block by block instead.
        """
        values = self.own_string_kwh.to_numpy() + self.shared_kwh.to_numpy()
        return pd.DataFrame(values, index=self.index, columns=self.shared_kwh.columns, copy=False)


# --------------------------------------------------------------------------- inputs
@lru_cache(maxsize=4)
def _embedded_weather_cached(
    year: int, lat: float, lon: float, tz: str, step_min: int, seed: int, alt: float
) -> pd.DataFrame:
    """The embedded year of a site, generated once per process (many complexes share it)."""
    return weather.embedded_weather(year, lat, lon, tz, step_min, seed=seed, altitude_m=alt)


def _embedded_weather_key(scenario: Scenario) -> tuple[int, float, float, str, int, int, float]:
    """What the embedded weather year depends on: year, site, zone, step, seed, altitude."""
    site = scenario.site
    return (
        scenario.year,
        site.latitude_deg,
        site.longitude_deg,
        site.timezone,
        scenario.time_step_min,
        scenario.weather.seed,
        site.altitude_m,
    )


def load_weather(scenario: Scenario, index: pd.DatetimeIndex) -> pd.DataFrame:
    """Return the weather frame of the scenario on the simulation axis."""
    spec, site = scenario.weather, scenario.site
    if spec.source == "embedded":
        return _embedded_weather_cached(*_embedded_weather_key(scenario))
    assert spec.path is not None
    readers = {
        "epw": lambda p: weather.read_epw(p, scenario.year),
        "pvgis": lambda p: weather.read_pvgis_tmy(p, scenario.year),
        "knmi": weather.read_knmi_uurgeg,
        "csv": weather.read_weather_csv,
    }
    frame = readers[spec.source](spec.path)
    return weather.weather_for_year(
        frame,
        scenario.year,
        scenario.time_step_min,
        site.timezone,
        site.latitude_deg,
        site.longitude_deg,
    )


def generation_kwh(scenario: Scenario, index: pd.DatetimeIndex) -> pd.DataFrame:
    """AC generation per array [kWh/interval]: measured columns where given, else pvlib.

    Modelled arrays are simulated per kWp and scaled by their capacity (PVWatts is
    linear in the capacity: the inverter's rating scales with it too). With the
    embedded weather, the per-kWp profile of an orientation is computed once per process
    and shared by every array and complex with the same site, year and plane.
    """
    arrays = [a for b in scenario.buildings for a in b.arrays]
    ids = [a.id for a in arrays]
    out = np.empty((len(index), len(arrays)))
    measured = measured_generation_kwh(scenario, index)
    site, spec = scenario.site, scenario.weather
    wx: pd.DataFrame | None = None
    for j, a in enumerate(arrays):
        if a.id in measured.columns:
            out[:, j] = measured[a.id].to_numpy(dtype=np.float64)
            continue
        figures = {
            "surface_tilt_deg": a.surface_tilt_deg,
            "surface_azimuth_deg": a.surface_azimuth_deg,
            "dc_ac_ratio": a.dc_ac_ratio,
            "mounting": a.mounting,
            "losses_frac": a.total_losses_frac,
            "degradation_frac_per_yr": a.degradation_frac_per_yr,
        }
        shape = tuple(figures[c] for c in _PLANE_SHAPE) + (
            tuple(float(h) for h in a.horizon_deg) if a.horizon_deg is not None else None,
        )
        if spec.source == "embedded":
            per_kwp = _embedded_per_kwp_kwh(_embedded_weather_key(scenario), shape, len(index))
        else:
            wx = load_weather(scenario, index) if wx is None else wx
            per_kwp = generation.simulate_generation_kwh(
                wx, site.latitude_deg, site.longitude_deg, site.altitude_m, _unit_plane(shape)
            ).to_numpy()[:, 0]
        out[:, j] = per_kwp * a.dc_capacity_kwp
    return pd.DataFrame(out, index=index, columns=pd.Index(ids, name="id"), copy=False)


def _step_h(index: pd.DatetimeIndex) -> float:
    return float((index[1] - index[0]) / pd.Timedelta(hours=1))


def measured_generation_kwh(scenario: Scenario, index: pd.DatetimeIndex) -> pd.DataFrame:
    """The scenario's measured generation per array id [kWh/interval] (empty without one).

    Each cell is at most what its array can produce in an interval
    (:func:`energysim.plausibility.max_generation_kwh_per_interval`).
    """
    if scenario.generation_csv is None:
        return pd.DataFrame(index=index)
    arrays = [a for b in scenario.buildings for a in b.arrays]
    step_h = _step_h(index)
    bounds = {a.id: max_generation_kwh_per_interval(a.dc_capacity_kwp, step_h) for a in arrays}
    return read_timeseries_csv(
        scenario.generation_csv,
        expected_index=index,
        allowed_columns=[a.id for a in arrays],
        max_values=bounds,
    )


def _needs_weather(scenario: Scenario, measured: pd.DataFrame) -> bool:
    """Whether a weather file must be read: a modelled array and a weather file."""
    modelled = any(a.id not in measured.columns for b in scenario.buildings for a in b.arrays)
    return modelled and scenario.weather.source != "embedded"


_PLANE_SHAPE = tuple(c for c in generation.REQUIRED_PLANE_COLUMNS if c != "capacity_kwp")
"""A plane's figures other than its capacity (:func:`generation.simulate_generation_kwh`'s
columns); with the horizon they key the per-kWp cache."""


@lru_cache(maxsize=64)
def _embedded_per_kwp_kwh(
    weather_key: tuple[Any, ...], shape: tuple[Any, ...], n_steps: int
) -> np.ndarray:
    """Generation of 1 kWp of a plane in the embedded weather [kWh/interval], read-only.

    Kept in memory for the process and on disk in :mod:`energysim.profile_cache`,
    keyed by the weather's inputs, the plane's figures and the code that computes it.
    """
    year, lat, lon, tz, step_min, seed, alt = weather_key

    def compute() -> np.ndarray:
        wx = _embedded_weather_cached(year, lat, lon, tz, step_min, seed, alt)
        out = generation.simulate_generation_kwh(wx, lat, lon, alt, _unit_plane(shape))
        return out.to_numpy()[:, 0].copy()

    inputs = {
        "weather": dict(zip(_WEATHER_KEY_NAMES, weather_key, strict=True)),
        "plane": dict(zip((*_PLANE_SHAPE, "horizon_deg"), shape, strict=True)),
    }
    return profile_cache.cached_array(
        "per_kwp_generation",
        inputs,
        (n_steps,),
        compute,
        files=generation.PROFILE_SOURCES,
        libraries=generation.PROFILE_LIBRARIES,
    )


_WEATHER_KEY_NAMES = (
    "year",
    "latitude_deg",
    "longitude_deg",
    "timezone",
    "step_min",
    "seed",
    "altitude_m",
)
"""The fields of :func:`_embedded_weather_key`, in order."""


def _unit_plane(shape: tuple[Any, ...]) -> pd.DataFrame:
    row = dict(zip(_PLANE_SHAPE, shape[:-1], strict=True))
    row["capacity_kwp"] = 1.0
    row["horizon_deg"] = list(shape[-1]) if shape[-1] is not None else None
    return pd.DataFrame([row], index=pd.Index(["plane"]))


def participant_table(scenario: Scenario) -> pd.DataFrame:
    """One row per participant: building, role, participation, annual kWh, supplier."""
    rows: list[dict[str, Any]] = []
    supplier_needed = scenario.allocation.sharing_supplier
    for b_idx, b in enumerate(scenario.buildings):
        ids = participant_ids(b)
        rows.append(
            {
                "participant_id": ids["common"][0],
                "building_id": b.id,
                "role": "common",
                "participating": True,
                "annual_kwh": b.common.total_kwh_per_yr,
                "archetype": "",
                "supplier": "",
                "sharing_eligible": True,
            }
        )
        for role, group in (("tenants", b.tenants), ("members", b.members)):
            n = len(ids[role])
            annual = draw_annual_kwh(group.annual_kwh, n)
            _check_drawn_kwh(b_idx, role, group.annual_kwh, annual)
            if group.archetypes == "mixed":
                kinds = demand.draw_archetypes(n, derive_seed(group.profile_seed, b_idx, 7))
            else:
                kinds = list(group.archetypes)
            suppliers = group.suppliers or [supplier_needed or ""] * n
            for i, pid in enumerate(ids[role]):
                participating = role == "members" or i < b.tenants.participating
                rows.append(
                    {
                        "participant_id": pid,
                        "building_id": b.id,
                        "role": ROLE_NAMES[role],
                        "participating": participating,
                        "annual_kwh": float(annual[i]),
                        "archetype": kinds[i],
                        "supplier": suppliers[i],
                        "sharing_eligible": supplier_needed is None
                        or suppliers[i] == supplier_needed,
                    }
                )
    columns = {name: [row[name] for row in rows] for name in rows[0]}
    ids = pd.Index(columns.pop("participant_id"), name="participant_id")
    return pd.DataFrame(columns, index=ids)


def _check_drawn_kwh(b_idx: int, role: str, spec: Any, annual: np.ndarray) -> None:
    """A distribution's draws stay within what a household's connection can carry."""
    limit = limit_of(f"buildings[{b_idx}].{role}.annual_kwh[]")
    assert limit is not None
    above = ~(annual <= limit.max)  # NaN counts as above
    if above.any():
        i = int(np.flatnonzero(above)[0])
        raise ScenarioError(
            f"field 'buildings[{b_idx}].{role}.annual_kwh': household {i + 1} draws "
            f"{annual[i]:.6g} kWh/yr from this distribution; {limit.message(annual[i])}; "
            "lower sd_kwh"
        )


def meter_export_kwh(
    scenario: Scenario, index: pd.DatetimeIndex, participants: pd.DataFrame
) -> tuple[pd.DataFrame, list[str]]:
    """Households' meter exports on the simulation axis, and notes of what was filled.

    An hourly export in a 15-minute run is split evenly over the quarters; a 15-minute
    export in an hourly run is summed per hour.
    """
    columns: dict[str, np.ndarray] = {}
    notes: list[str] = []
    step = index[1] - index[0]
    for spec in scenario.meter_exports:
        if spec.participant_id not in participants.index:
            raise ScenarioError(
                f"meter_exports: participant_id '{spec.participant_id}' is not in the scenario"
            )
        frame, fills = read_meter_export(
            spec.path,
            tz=scenario.site.timezone,
            kind=spec.kind,
            label=spec.label,
            time_column=spec.time_column,
            fill_gaps_max_intervals=spec.fill_gaps_max_intervals,
        )
        name = spec.column or (frame.columns[0] if len(frame.columns) == 1 else None)
        if name is None or name not in frame.columns:
            raise DataError(
                f"{spec.path}: column '{spec.column}': expected one of {list(frame.columns)}"
            )
        series = frame[name]
        src_step = series.index[1] - series.index[0]
        if src_step > step:
            k = int(src_step / step)
            series = pd.Series(
                np.repeat(series.to_numpy() / k, k),
                index=pd.date_range(series.index[0], periods=len(series) * k, freq=step),
            )
        elif src_step < step:
            series = series.resample(step).sum(min_count=1)
        aligned = series.reindex(index)
        if aligned.isna().any():
            first = index[np.flatnonzero(aligned.isna().to_numpy())[0]]
            raise DataError(
                f"{spec.path}: column '{name}': expected the simulation year "
                f"{index[0].isoformat()} to {index[-1].isoformat()}, missing {first.isoformat()}"
            )
        bound, reason = _consumption_bounds(scenario, step)[spec.participant_id]
        above = aligned.to_numpy() > bound
        if above.any():
            i = int(np.flatnonzero(above)[0])
            raise DataError(
                f"{spec.path}: column '{name}', interval {index[i].isoformat()}: expected at "
                f"most {bound:,.6g} kWh per interval ({reason}), found {aligned.iloc[i]:.6g}"
            )
        columns[spec.participant_id] = aligned.to_numpy(dtype=np.float64)
        notes += [f"{spec.participant_id}: {f.describe()}" for f in fills]
    return pd.DataFrame(columns, index=index), notes


def _consumption_bounds(
    scenario: Scenario, step: pd.Timedelta
) -> dict[str, tuple[float, str]]:
    """Per participant, the most its connection can take in one interval [kWh] and why."""
    step_h = float(step / pd.Timedelta(hours=1))
    household = max_household_kwh_per_interval(step_h)
    out: dict[str, tuple[float, str]] = {}
    for b in scenario.buildings:
        ids = participant_ids(b)
        out[ids["common"][0]] = max_common_kwh_per_interval(step_h, b.common.connection)
        out.update({pid: household for pid in ids["tenants"] + ids["members"]})
    return out


def measured_consumption_kwh(
    scenario: Scenario, index: pd.DatetimeIndex, participants: pd.DataFrame
) -> pd.DataFrame:
    """The scenario's ``consumption_csv`` per participant [kWh/interval] (empty without one).

    Each cell is at most what the participant's connection can carry in an interval.
    """
    if scenario.consumption_csv is None:
        return pd.DataFrame(index=index)
    return read_timeseries_csv(
        scenario.consumption_csv,
        expected_index=index,
        allowed_columns=list(participants.index),
        max_values=_consumption_bounds(scenario, index[1] - index[0]),
    )


def measured_common_profiles_kwh(b: Building, index: pd.DatetimeIndex) -> pd.DataFrame:
    """A building's measured common installations [kWh/interval] (empty without a file)."""
    if b.common.profiles_csv is None:
        return pd.DataFrame(index=index)
    kinds = list(b.common.annual_kwh())
    bound = max_common_kwh_per_interval(_step_h(index), b.common.connection)
    return read_timeseries_csv(
        b.common.profiles_csv,
        expected_index=index,
        allowed_columns=kinds,
        max_values={k: bound for k in kinds},
    )


def consumption_kwh(
    scenario: Scenario, index: pd.DatetimeIndex, participants: pd.DataFrame
) -> pd.DataFrame:
    """Consumption per participant [kWh/interval]: measured columns where given, else profiles."""
    return consumption_with_notes(scenario, index, participants)[0]


def consumption_with_notes(
    scenario: Scenario, index: pd.DatetimeIndex, participants: pd.DataFrame
) -> tuple[pd.DataFrame, list[str]]:
    """Consumption per participant [kWh/interval] and notes (filled meter gaps)."""
    measured = measured_consumption_kwh(scenario, index, participants)
    notes: list[str] = []
    if scenario.meter_exports:
        exports, notes = meter_export_kwh(scenario, index, participants)
        measured = pd.concat(
            [measured.drop(columns=list(exports.columns), errors="ignore"), exports], axis=1
        )
    ids = list(participants.index)
    column = {pid: j for j, pid in enumerate(ids)}
    values = np.empty((len(index), len(ids)))
    filled = np.zeros(len(ids), dtype=bool)
    for pid in measured.columns:
        values[:, column[pid]] = measured[pid].to_numpy(dtype=np.float64)
        filled[column[pid]] = True
    is_measured = set(measured.columns)
    site = scenario.site
    for b_idx, b in enumerate(scenario.buildings):
        ids_b = participant_ids(b)
        common_id = ids_b["common"][0]
        if common_id not in is_measured:
            given = measured_common_profiles_kwh(b, index)
            kinds = {
                k: v for k, v in b.common.annual_kwh().items() if v > 0 and k not in given.columns
            }
            common = given.to_numpy(dtype=np.float64).sum(axis=1)
            if kinds:
                modelled = demand.common_profiles_kwh(
                    index,
                    site.latitude_deg,
                    site.longitude_deg,
                    kinds,
                    dwellings=b.dwellings,
                    seed=derive_seed(b.tenants.profile_seed, b_idx, 3),
                    lighting_presence_dimming_frac=b.common.lighting_presence_dimming_frac,
                    ventilation_night_setback_frac=b.common.ventilation_night_setback_frac,
                )
                common = common + modelled.to_numpy(dtype=np.float64).sum(axis=1)
            values[:, column[common_id]] = common
            filled[column[common_id]] = True
        for role, group, tag in (("tenants", b.tenants, 1), ("members", b.members, 2)):
            todo = [p for p in ids_b[role] if p not in is_measured]
            if not todo:
                continue
            cols = _columns(column, todo)
            annual = participants["annual_kwh"].to_numpy(dtype=np.float64)[cols]
            archetypes = list(participants["archetype"].to_numpy()[cols])
            seed = derive_seed(group.profile_seed, b_idx, tag)
            if isinstance(cols, slice):  # written in place
                demand.household_profiles_kwh(index, annual, archetypes, seed, out=values[:, cols])
            else:
                values[:, cols] = demand.household_profiles_kwh(index, annual, archetypes, seed)
            filled[cols] = True
    assert filled.all(), "every participant has a measured or a modelled profile"
    return pd.DataFrame(values, index=index, columns=ids, copy=False), notes


# --------------------------------------------------------------------------- allocation
def _key(policy: TierPolicy, index: pd.DatetimeIndex, ids: list[str]) -> Any:
    key = policy.key
    if isinstance(key, ProportionalKey):
        return alloc.ProportionalKey()
    if isinstance(key, StaticKey):
        return alloc.StaticKey(np.asarray(key.shares_frac, dtype=np.float64), key.variant)
    if isinstance(key, EqualKey):
        return alloc.EqualKey(key.variant)
    if isinstance(key, ScheduleKey):
        shares = read_schedule_csv(key.path, expected_index=index, participant_ids=ids)
        return alloc.ScheduleKey(shares, key.variant)
    raise AssertionError(f"unknown key {key!r}")


def _columns(column: dict[str, int], ids: list[str]) -> slice | list[int]:
    """Column positions of ``ids``: a slice (a view, no copy) when they are consecutive."""
    cols = [column[p] for p in ids]
    if cols and cols == list(range(cols[0], cols[0] + len(cols))):
        return slice(cols[0], cols[0] + len(cols))
    return cols


def _sum_columns(frame: pd.DataFrame, names: list[str]) -> np.ndarray:
    """Row sums of some columns of a single-dtype frame, without a pandas selection."""
    values = frame.to_numpy()
    if not names:
        return np.zeros(len(values))
    cols = _columns({c: j for j, c in enumerate(frame.columns)}, names)
    return values[:, cols].sum(axis=1)


NO_FLOW = np.broadcast_to(np.zeros(1), (1, 1))
"""A flow that is zero everywhere (its stride 0 marks it)."""


@dataclass
class _Flows:
    """The interval flows of a run, one column per participant in participant order.

    A flow that the scenario cannot have (own strings without per-dwelling arrays, their
    export when the surplus goes to the next tier) is a read-only broadcast zero: no
    ``(n_steps, n_participants)`` memory for it.
    """

    own: np.ndarray
    own_export: np.ndarray
    shared: np.ndarray

    @classmethod
    def zeros(
        cls, n_steps: int, n_participants: int, *, own: bool = True, own_export: bool = True
    ) -> _Flows:
        shape = (n_steps, n_participants)
        nothing = np.broadcast_to(np.zeros(1), shape)  # read-only, no memory
        return cls(
            np.zeros(shape) if own else nothing,
            np.zeros(shape) if own_export else nothing,
            np.zeros(shape),
        )

    def received(self, rows: slice | None = None, cols: Any = None) -> np.ndarray:
        """Own string plus shared of some rows and columns [kWh/interval].

        A new C-ordered array; ``cols`` is None (all), a column number or an array of
        column numbers.
        """
        rows = slice(None) if rows is None else rows

        def pick(values: np.ndarray) -> np.ndarray:
            if cols is None:
                return values[rows]
            if isinstance(cols, int | np.integer):
                return values[rows, int(cols)]
            if len(cols) and cols[-1] - cols[0] == len(cols) - 1:  # consecutive: a view
                return values[rows, int(cols[0]) : int(cols[-1]) + 1]
            return np.take(values[rows], cols, axis=1)

        if not self.own.strides[0]:  # no own strings: x + 0.0 == x
            return np.array(pick(self.shared), order="C")
        return np.add(pick(self.own), pick(self.shared), order="C")


@dataclass(frozen=True)
class BuildingWaterfall:
    """One building's waterfall as :func:`run` set it up, to share the same energy again.

    Attributes
    ----------
    building_id : str
    pool_kwh : numpy.ndarray
        ``(n_steps,)`` what the waterfall shares [kWh/interval].
    tiers : tuple of energysim.allocation.Tier
        In order, with the demand, key and caps of the run (``out`` unset).
    participant_ids : dict of str to list of str
        The participants (columns) of each tier; not for an SCE tier, which has none.
    reach_kwh : dict of str to numpy.ndarray
        What reached each tier under the scenario's keys [kWh/interval].
    """

    building_id: str
    pool_kwh: np.ndarray
    tiers: tuple[alloc.Tier, ...]
    participant_ids: dict[str, list[str]]
    reach_kwh: dict[str, np.ndarray]


def _allocate_building(
    scenario: Scenario,
    b: Building,
    index: pd.DatetimeIndex,
    gen: pd.DataFrame,
    cons: pd.DataFrame,
    participants: pd.DataFrame,
    flows: _Flows,
) -> dict[str, Any]:
    """Own strings, then the waterfall of one building.

    Writes the building's columns of ``flows`` (own string, own-string export, shared)
    and returns its interval export, common-connection export, SCE feed-in and
    generation [kWh/interval], and the waterfall (:class:`BuildingWaterfall`).
    """
    ids = participant_ids(b)
    policy = scenario.allocation
    n_steps = len(index)
    column = {pid: j for j, pid in enumerate(participants.index)}
    cons_values = cons.to_numpy()
    eligible = participants["sharing_eligible"].to_numpy(dtype=bool)
    taking_part = _columns(column, ids["tenants"][: b.tenants.participating])
    n_taking_part = min(b.tenants.participating, len(ids["tenants"]))
    per_dwelling = [a.id for a in b.arrays if a.setup == "per_dwelling"]
    shared_arrays = [a.id for a in b.arrays if a.setup == "common"]

    def sharing_demand(cols: slice | list[int], d: np.ndarray) -> np.ndarray:
        if not eligible[cols].all():  # another supplier: out of sharing (x 1.0 is exact)
            d = d * eligible[cols][None, :]
        return d

    pool = _sum_columns(gen, shared_arrays)
    own_export = np.zeros(n_steps)
    home: storage.BatteryRun | None = None
    if per_dwelling:  # the scenario ensures tenants.participating > 0
        # every dwelling's string is the same: broadcast one column, written in place
        strings = _sum_columns(gen, per_dwelling) / n_taking_part
        exported = policy.per_dwelling_surplus == "export"
        in_place = isinstance(taking_part, slice)
        used, own_surplus = alloc.allocate_own_strings(
            strings[:, None],
            cons_values[:, taking_part],
            out=flows.own[:, taking_part] if in_place else None,
            surplus_out=flows.own_export[:, taking_part] if in_place and exported else None,
        )
        if b.home_batteries is not None:  # issue 21: behind each meter, before any sharing
            home = storage.add_home_batteries(  # changes used and own_surplus in place
                b.home_batteries,
                b.id,
                used,
                own_surplus,
                cons_values[:, taking_part],
                taking_part,
                float((index[1] - index[0]) / pd.Timedelta(hours=1)),
                scenario.finance.lifetime_yr,
            )
        if not in_place:
            flows.own[:, taking_part] = used
            if exported:
                flows.own_export[:, taking_part] = own_surplus
        if exported:
            own_export = own_surplus.sum(axis=1)
        else:
            pool = pool + own_surplus.sum(axis=1)
        del used, own_surplus

    tiers: list[alloc.Tier] = []
    tier_cols: dict[str, slice | list[int]] = {}
    sce_tier = False
    for role in policy.order:
        tp: TierPolicy = getattr(policy, role)
        cols: slice | list[int]
        if role == "common":
            cols = _columns(column, ids["common"])
            d = cons_values[:, cols]
        elif role == "tenants":
            cols = taking_part
            d = cons_values[:, cols]
            if per_dwelling:  # what the own string left
                d = d - flows.own[:, cols]
            d = sharing_demand(cols, d)
        else:
            cols = _columns(column, ids["members"])
            assert isinstance(tp, MembersPolicy)
            if tp.mode in ("sce", "postcoderoos"):
                # SCE: the tier takes all that reaches it and feeds it in (no kWh netting);
                # its "demand" is the whole pool, an upper bound of what can reach it.
                if not b.members.count:
                    continue
                sce_tier = True
                tiers.append(
                    alloc.Tier(
                        name=role,
                        demand_kwh=pool[:, None].copy(),
                        key=alloc.ProportionalKey(),
                        cap_frac=tp.cap_frac,
                        cap_kwh=tp.cap_kwh,
                    )
                )
                continue
            d = sharing_demand(cols, cons_values[:, cols])
        tier_ids = [str(p) for p in participants.index[cols]]
        if not tier_ids:
            continue
        tier_cols[role] = cols
        tiers.append(
            alloc.Tier(
                name=role,
                demand_kwh=d,
                key=_key(tp, index, tier_ids),
                cap_frac=tp.cap_frac,
                cap_kwh=tp.cap_kwh,
                # consecutive columns: the allocation is written in place
                out=flows.shared[:, cols] if isinstance(cols, slice) else None,
            )
        )
    result = alloc.allocate_waterfall(pool, tiers)
    waterfall = BuildingWaterfall(
        building_id=b.id,
        pool_kwh=pool,
        tiers=tuple(replace(t, out=None) for t in tiers),
        participant_ids={
            name: [str(p) for p in participants.index[c]] for name, c in tier_cols.items()
        },
        reach_kwh=result.reach_kwh,
    )
    for tier_name, tier_columns in tier_cols.items():
        if not isinstance(tier_columns, slice):
            flows.shared[:, tier_columns] = result.allocated_kwh[tier_name]
    sce = result.allocated_kwh["members"][:, 0] if sce_tier else np.zeros(n_steps)
    return {
        # everything fed in: the common connection's remainder, own-string surplus, SCE
        "export": result.export_kwh + own_export + sce,
        "common_export": result.export_kwh,
        "sce": sce,
        "generation": _sum_columns(gen, [a.id for a in b.arrays]),
        # what a shared battery needs (issue 21): the netting tiers as allocated
        "netting_tiers": [t for t in tiers if t.name in tier_cols],
        "tier_columns": tier_cols,
        "tier_allocated": result.allocated_kwh,
        "netting_allocated": pool - result.export_kwh - sce,
        "home_battery": home,
        "waterfall": waterfall,
    }


def _building_batteries(
    scenario: Scenario,
    b: Building,
    index: pd.DatetimeIndex,
    out: dict[str, Any],
    flows: _Flows,
    price: np.ndarray,
    tariffs: TariffSet,
) -> list[storage.BatteryRun]:
    """A building's home batteries (already run) and its shared battery, run on its
    waterfall (issue 21); updates ``out``'s export series and the shared flows in place."""
    runs: list[storage.BatteryRun] = []
    if out["home_battery"] is not None:
        storage.add_received_value(out["home_battery"], price)
        runs.append(out["home_battery"])
    if b.battery is None:
        return runs
    run_ = storage.add_shared_battery(
        b.battery,
        b.id,
        index,
        out["netting_tiers"],
        out["tier_columns"],
        out["tier_allocated"],
        out["netting_allocated"],
        out["common_export"],
        flows.shared,
        price,
        tariffs,
        scenario.finance.lifetime_yr,
    )
    fed_in_change = run_.exported_kwh - run_.flows.charge_kwh
    out["common_export"] = np.maximum(out["common_export"] + fed_in_change, 0.0)
    out["export"] = out["export"] + fed_in_change
    return [*runs, run_]


def _storage_and_loads(
    scenario: Scenario,
    index: pd.DatetimeIndex,
    participants: pd.DataFrame,
    cons: pd.DataFrame,
    gen: pd.DataFrame,
) -> tuple[storage.StorageResult | None, pd.DataFrame]:
    """Heat pumps and EVs added to the dwellings' consumption, or None and ``cons`` as it
    is when the scenario has no storage or electrification (issue 21)."""
    has_batteries = any(
        b.battery is not None or b.home_batteries is not None for b in scenario.buildings
    )
    if not (has_batteries or has_electric_loads(scenario)):
        return None, cons
    loads = None
    if has_electric_loads(scenario):
        values = cons.to_numpy().copy()
        loads = add_electric_loads(
            scenario,
            index,
            participants,
            values,
            gen,
            lambda: load_weather(scenario, index)["temp_air"].to_numpy(dtype=np.float64),
        )
        cons = pd.DataFrame(values, index=cons.index, columns=cons.columns, copy=False)
    return storage.StorageResult([], loads), cons


def building_waterfalls(result: Result) -> list[BuildingWaterfall]:
    """The waterfall of each building of a run, on the run's generation and consumption.

    For re-sharing the same energy with other keys (see :mod:`energysim.design.keys`)
    without simulating weather, generation or households again.
    """
    scenario = result.scenario
    flows = _Flows.zeros(len(result.index), len(result.participants))
    return [
        _allocate_building(
            scenario,
            b,
            result.index,
            result.generation_kwh,
            result.consumption_kwh,
            result.participants,
            flows,
        )["waterfall"]
        for b in scenario.buildings
    ]


# --------------------------------------------------------------------------- run
def supply_price_eur_per_kwh(
    scenario: Scenario, index: pd.DatetimeIndex, tariffs: TariffSet
) -> np.ndarray:
    """Bare supply price excl. VAT of each interval [EUR/kWh]: flat, or the dynamic series."""
    path = scenario.tariffs.supply_price_csv
    if path is None:
        return np.full(len(index), tariffs.supply_price_excl_vat_eur_per_kwh)
    column = "supply_price_excl_vat_eur_per_kwh"
    limit = limit_of(f"tariffs.{column}")
    assert limit is not None
    return read_schedule_csv(
        path,
        expected_index=index,
        participant_ids=[column],
        max_row_sum=None,
        max_values={column: (limit.max, limit.reason)},
        min_values={column: (PRICE_EUR_PER_KWH_MIN, PRICE_MIN_REASON)},
        unit="EUR/kWh",
    )[:, 0]


def resolve(scenario: Scenario) -> tuple[Scenario, TariffSet]:
    """Return the scenario with the rules year's tariff defaults filled in, and the tariffs."""
    check_scheme_rules(scenario)
    tariffs = resolve_tariffs(scenario.rules_year, scenario.tariffs.model_dump())
    filled = scenario.tariffs.model_copy(update=tariffs.as_dict())
    return scenario.model_copy(update={"tariffs": filled}), tariffs


def as_scenario(scenario: Scenario | str | os.PathLike[str], caller: str = "run") -> Scenario:
    """A :class:`Scenario` as given, or loaded from a path; else a :class:`TypeError`.

    Raises
    ------
    TypeError
        When ``scenario`` is neither a Scenario nor a path.
    ScenarioError
        When a path's file is missing or invalid.
    """
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, str | os.PathLike):
        return load_scenario(Path(scenario))
    raise TypeError(
        f"{caller}(): expected a Scenario (from energysim.load_scenario or "
        f"scenario_from_dict) or a path to a scenario TOML file, found {type(scenario).__name__}"
    )


@dataclass(frozen=True)
class RunInputs:
    """The physics of a run: generation per array and consumption per participant.

    Given to :func:`run`, they replace the weather, PV and household models, so a
    scenario can be run again with other keys, fees, owners or a scaled roof at the cost
    of the allocation and the money only.

    Attributes
    ----------
    generation_kwh : pandas.DataFrame
        Time x array id [kWh/interval].
    consumption_kwh : pandas.DataFrame
        Time x participant id [kWh/interval].
    notes : tuple of str
        Notes of how they were made (e.g. filled meter gaps), kept in the run's messages.
    """

    generation_kwh: pd.DataFrame
    consumption_kwh: pd.DataFrame
    notes: tuple[str, ...] = ()

    @classmethod
    def of(cls, result: Result) -> RunInputs:
        """The inputs a run used (consumption before heat pumps and EVs, which a run adds)."""
        if result.inputs is None:
            raise ValueError("run inputs: this result does not keep them")
        return result.inputs

    def scaled(self, factor: float) -> RunInputs:
        """Every array's generation times ``factor`` (PVWatts is linear in capacity) [-]."""
        gen = pd.DataFrame(
            self.generation_kwh.to_numpy() * factor,
            index=self.generation_kwh.index,
            columns=self.generation_kwh.columns,
            copy=False,
        )
        return RunInputs(gen, self.consumption_kwh, self.notes)

    def check(
        self, index: pd.DatetimeIndex, scenario: Scenario, participants: pd.DataFrame
    ) -> None:
        """Raise when the inputs do not fit the scenario's year, arrays or participants."""
        arrays = [a.id for b in scenario.buildings for a in b.arrays]
        for what, frame, expected in (
            ("generation_kwh", self.generation_kwh, arrays),
            ("consumption_kwh", self.consumption_kwh, list(participants.index)),
        ):
            if not frame.index.equals(index) or list(frame.columns) != expected:
                raise ScenarioError(
                    f"scenario '{scenario.name}': run inputs '{what}': expected the year "
                    f"{scenario.year} at {scenario.time_step_min} min with columns "
                    f"{expected[:3]}..., found {len(frame)} rows with {list(frame.columns)[:3]}..."
                )


def annual_energy(
    participant_ids: pd.Index,
    consumption_kwh: np.ndarray,
    shared_kwh: np.ndarray,
    price_eur_per_kwh: np.ndarray,
    own_kwh: np.ndarray | None = None,
    own_export_kwh: np.ndarray | None = None,
) -> pd.DataFrame:
    """Annual energy and supply cost per participant, from interval flows.

    Parameters
    ----------
    participant_ids : pandas.Index
        The columns of the arrays (the frame's index).
    consumption_kwh, shared_kwh : numpy.ndarray
        ``(n_steps, n_participants)`` consumption and energy received from the
        waterfall [kWh/interval].
    price_eur_per_kwh : numpy.ndarray
        ``(n_steps,)`` bare supply price [EUR/kWh].
    own_kwh, own_export_kwh : numpy.ndarray, optional
        Own strings' self-consumed and fed-in energy; None when there are none.

    Returns
    -------
    pandas.DataFrame
        ``consumption_kwh``, ``own_string_kwh``, ``shared_kwh``, ``own_export_kwh``,
        ``allocated_kwh``, ``grid_import_kwh``, ``supply_cost_without_eur``,
        ``supply_cost_with_eur`` [kWh/yr, EUR/yr], the input of
        :func:`energysim.accounts.build_accounts`.
    """
    n = len(participant_ids)
    no_energy = np.zeros(n)
    consumption = consumption_kwh.sum(axis=0)
    own_string = own_kwh.sum(axis=0) if own_kwh is not None else no_energy
    shared = shared_kwh.sum(axis=0)
    allocated = own_string + shared
    grid_import = np.maximum(consumption - allocated, 0.0)
    price = price_eur_per_kwh
    if (price == price[0]).all():  # flat: price x kWh (allocated <= consumed per interval)
        cost_without, cost_with = consumption * price[0], grid_import * price[0]
    else:  # interval prices; elementwise sums, not BLAS: the same whatever the threads
        flows = _Flows(NO_FLOW if own_kwh is None else own_kwh, NO_FLOW, shared_kwh)
        cost_without = (consumption_kwh * price[:, None]).sum(axis=0)
        cost_with = _priced_grid_import_eur(consumption_kwh, flows, price)  # no (T, P) copy
    return pd.DataFrame(
        {
            "consumption_kwh": consumption,
            "own_string_kwh": own_string,
            "shared_kwh": shared,
            "own_export_kwh": own_export_kwh.sum(axis=0)
            if own_export_kwh is not None
            else no_energy,
            "allocated_kwh": allocated,
            "grid_import_kwh": grid_import,
            "supply_cost_without_eur": cost_without,
            "supply_cost_with_eur": cost_with,
        },
        index=participant_ids,
    )


MIN_BYTES_PER_PARTICIPANT_STEP = 16
"""At least two float64 tables of participants x intervals live at once (consumption and
what each received); a run measured 18-28 bytes per participant-interval."""


def _available_memory_bytes() -> int | None:
    """``MemAvailable`` of /proc/meminfo [bytes], or None where it cannot be read."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def check_memory(n_steps: int, n_participants: int) -> None:
    """Refuse a run whose tables cannot fit in this machine's available memory.

    Raises
    ------
    DataError
        When ``n_steps * n_participants * MIN_BYTES_PER_PARTICIPANT_STEP`` exceeds the
        memory available (Linux; elsewhere nothing is checked).
    """
    available = _available_memory_bytes()
    needed = n_steps * n_participants * MIN_BYTES_PER_PARTICIPANT_STEP
    if available is not None and needed > available:
        raise DataError(
            f"scenario: {n_participants:,} participants x {n_steps:,} intervals need at least "
            f"{needed / 2**30:,.1f} GiB of memory, more than the {available / 2**30:,.1f} GiB "
            "available; use time_step_min = 60, or fewer dwellings or members per run"
        )


def _set_up(
    scenario: Scenario | str | os.PathLike[str], caller: str
) -> tuple[Scenario, TariffSet, pd.DatetimeIndex, pd.DataFrame]:
    """The first steps of a run and of its checks: the scenario with the year's tariffs,
    the simulation axis, the participants, and the memory check."""
    scenario, tariffs = resolve(as_scenario(scenario, caller))
    index = year_index(scenario.year, scenario.time_step_min, scenario.site.timezone)
    participants = participant_table(scenario)
    check_memory(len(index), len(participants))
    return scenario, tariffs, index, participants


def check_inputs(scenario: Scenario | str | os.PathLike[str]) -> list[str]:
    """Run every input check :func:`run` runs, reading every referenced file, without
    simulating; return the plausibility warnings.

    The files are read by the same functions, in the same order, as :func:`run` reads
    them: measured generation, weather (for modelled arrays), measured consumption,
    meter exports, common installations' profiles, weather (for heat pumps), the dynamic
    supply price, then per building its allocation schedules and its battery's
    day-ahead prices. So a bad input gives the same error here as in a run.

    Raises
    ------
    ScenarioError, DataError
        The first bad input, as :func:`run` would raise it.
    """
    scenario, tariffs, index, participants = _set_up(scenario, "check_inputs")
    measured_gen = measured_generation_kwh(scenario, index)
    weather_read = _needs_weather(scenario, measured_gen)
    if weather_read:
        load_weather(scenario, index)
    measured = set(measured_consumption_kwh(scenario, index, participants).columns)
    if scenario.meter_exports:
        measured |= set(meter_export_kwh(scenario, index, participants)[0].columns)
    for b in scenario.buildings:
        if participant_ids(b)["common"][0] not in measured:
            measured_common_profiles_kwh(b, index)
    heat_pumps = any(b.heat_pumps is not None for b in scenario.buildings)
    if heat_pumps and not weather_read and scenario.weather.source != "embedded":
        load_weather(scenario, index)  # the outdoor temperature of the heat pumps
    price = supply_price_eur_per_kwh(scenario, index, tariffs)
    for b in scenario.buildings:
        ids = participant_ids(b)
        tiers = {
            "common": ids["common"],
            "tenants": ids["tenants"][: b.tenants.participating],
            "members": ids["members"] if scenario.allocation.members.mode == "sharing" else [],
        }
        for role in scenario.allocation.order:
            if tiers[role]:
                _key(getattr(scenario.allocation, role), index, tiers[role])
        battery = b.battery
        if battery is not None and battery.dispatch == "price_aware":
            if battery.foresight != "perfect":
                storage.day_ahead_price_eur_per_kwh(battery, index, price)
    return plausibility_warnings(scenario)


def run(
    scenario: Scenario | str | os.PathLike[str], *, inputs: RunInputs | None = None
) -> Result:
    """Simulate a scenario for its year.

    Parameters
    ----------
    scenario : Scenario or path
        A validated scenario (see :func:`energysim.scenario.load_scenario`), or the path
        of a scenario TOML file to load.
    inputs : RunInputs, optional
        Generation and consumption to use instead of simulating them (e.g. those of an
        earlier run of the same scenario with other keys, fees or owners).

    Returns
    -------
    Result
        Time series, per-participant annual figures and money; ``messages`` holds the
        run's notes and the plausibility warnings of its inputs and results
        (:mod:`energysim.plausibility`).

    Raises
    ------
    ScenarioError, DataError
        On inconsistent input discovered while running (e.g. a measured CSV); the same
        errors as :func:`check_inputs`.
    TypeError
        When ``scenario`` is neither a Scenario nor a path.
    """
    scenario, tariffs, index, participants = _set_up(scenario, "run")
    if inputs is None:
        gen = generation_kwh(scenario, index)
        cons, notes = consumption_with_notes(scenario, index, participants)
        inputs = RunInputs(gen, cons, tuple(notes))
    else:
        inputs.check(index, scenario, participants)
        gen, cons, notes = inputs.generation_kwh, inputs.consumption_kwh, list(inputs.notes)
    # electric loads follow the generation given (solar-following EVs): added here
    stored, cons = _storage_and_loads(scenario, index, participants, cons, gen)
    price = supply_price_eur_per_kwh(scenario, index, tariffs)

    ids = list(participants.index)
    has_own = any(a.setup == "per_dwelling" for b in scenario.buildings for a in b.arrays)
    flows = _Flows.zeros(
        len(index),
        len(ids),
        own=has_own,
        own_export=has_own and scenario.allocation.per_dwelling_surplus == "export",
    )
    export_cols, sce_cols, common_export, generation_by_building = {}, {}, {}, {}
    messages: list[str] = plausibility_warnings(scenario) + list(notes)
    for b in scenario.buildings:
        out = _allocate_building(scenario, b, index, gen, cons, participants, flows)
        if stored is not None:  # issue 21: batteries of the building
            stored.batteries += _building_batteries(scenario, b, index, out, flows, price, tariffs)
        export_cols[b.id] = out["export"]
        generation_by_building[b.id] = out["generation"]
        common_export[b.id] = float(out["common_export"].sum())
        sce_cols[b.id] = out["sce"]
    shared = pd.DataFrame(flows.shared, index=index, columns=ids, copy=False)
    own = pd.DataFrame(flows.own, index=index, columns=ids, copy=False)
    own_export = pd.DataFrame(flows.own_export, index=index, columns=ids, copy=False)
    export = pd.DataFrame(export_cols, index=index)
    sce = pd.DataFrame(sce_cols, index=index)

    excluded = participants.index[~participants["sharing_eligible"].to_numpy(dtype=bool)]
    if len(excluded):
        messages.append(
            f"{len(excluded)} household(s) have another supplier than "
            f"'{scenario.allocation.sharing_supplier}' and are left out of energy sharing "
            f"(Energiewet: one supplier per sharing group): {', '.join(excluded[:10])}"
            + (" ..." if len(excluded) > 10 else "")
        )

    cons_values = cons.to_numpy()
    annual = annual_energy(
        participants.index,
        cons_values,
        flows.shared,
        price,
        own_kwh=flows.own if has_own else None,
        own_export_kwh=flows.own_export if flows.own_export.strides[0] else None,
    )
    buildings = pd.DataFrame(
        {
            "capacity_kwp": [b.capacity_kwp for b in scenario.buildings],
            "generation_kwh": [
                float(generation_by_building[b.id].sum()) for b in scenario.buildings
            ],
            "export_kwh": [float(export_cols[b.id].sum()) for b in scenario.buildings],
            "common_export_kwh": [common_export[b.id] for b in scenario.buildings],
            "sce_kwh": [float(sce_cols[b.id].sum()) for b in scenario.buildings],
            **_common_peaks_kw(scenario, index, participants, cons_values, flows),
        },
        index=pd.Index([b.id for b in scenario.buildings], name="building_id"),
    )
    accounts = money_accounts(scenario, tariffs, participants, annual, buildings, stored)
    messages += accounts.messages
    result = Result(
        scenario=scenario,
        tariffs=tariffs,
        index=index,
        generation_kwh=gen,
        consumption_kwh=cons,
        own_string_kwh=own,
        shared_kwh=shared,
        own_export_kwh=own_export,
        export_kwh=export,
        sce_kwh=sce,
        participants=participants,
        money=accounts.money,
        buildings=buildings,
        accounts=accounts,
        annual=annual,
        messages=messages,
        storage=stored,
        inputs=inputs,
    )
    _check_balance(_into_scheme_kwh(result), flows, export.to_numpy().sum(axis=1), cons_values)
    result.messages += result_warnings(result)
    return result


def _priced_grid_import_eur(
    consumption: np.ndarray, flows: _Flows, price: np.ndarray
) -> np.ndarray:
    """Per participant, sum over intervals of grid import x price [EUR].

    Block by block without a full ``(n_steps, n_participants)`` temporary; each block's
    sum is added row after row to the running total (the stacked rows), which is the
    order of a sum over all rows at once, so the result is the same to the bit.
    """
    total = np.zeros(consumption.shape[1])
    for start in range(0, len(price), BALANCE_BLOCK_STEPS):
        rows = slice(start, start + BALANCE_BLOCK_STEPS)
        block = np.maximum(consumption[rows] - flows.received(rows), 0.0) * price[rows, None]
        total = np.vstack([total[None, :], block]).sum(axis=0) if start else block.sum(axis=0)
    return total


def money_accounts(
    scenario: Scenario,
    tariffs: TariffSet,
    participants: pd.DataFrame,
    annual: pd.DataFrame,
    buildings: pd.DataFrame,
    stored: storage.StorageResult | None,
) -> Accounts:
    """The money of a run's energy: :func:`energysim.accounts.build_accounts`, with the
    batteries' money when there are batteries (issue 21).

    Re-pricing a run (other fees, capex or owners; no kWh changed) calls this with the
    run's tables: the same money model as :func:`run`.
    """
    accounts = build_accounts(scenario, tariffs, participants, annual, buildings)
    if stored is not None:  # issue 21: battery money per household and owner
        accounts = storage_money.with_battery_money(
            scenario, tariffs, participants, annual, buildings, accounts, stored
        )
    return accounts


def _into_scheme_kwh(result: Result) -> np.ndarray:
    """Generation less what batteries stored net, per interval [kWh] (issue 21)."""
    gen = result.generation_kwh.to_numpy().sum(axis=1)
    if result.storage is None or not result.storage.batteries:
        return gen
    return gen - result.storage.net_charge_kwh(len(gen))


def _common_peaks_kw(
    scenario: Scenario,
    index: pd.DatetimeIndex,
    participants: pd.DataFrame,
    consumption: np.ndarray,
    flows: _Flows,
) -> dict[str, list[float]]:
    """Per building, the sum over the months of the common connection's peak import [kW].

    Only a large connection pays for its monthly peak (kW max); small ones get 0.
    """
    step_h = (index[1] - index[0]) / pd.Timedelta(hours=1)
    local = index.tz_convert(scenario.site.timezone)
    starts = np.flatnonzero(np.r_[True, np.diff(local.month.to_numpy()) != 0])
    column = {pid: j for j, pid in enumerate(participants.index)}
    without, with_scheme = [], []
    for b in scenario.buildings:
        if b.common.connection != "large":
            without.append(0.0)
            with_scheme.append(0.0)
            continue
        c = column[participant_ids(b)["common"][0]]
        grid = np.maximum(consumption[:, c] - flows.received(cols=c), 0.0)
        without.append(float(np.maximum.reduceat(consumption[:, c], starts).sum() / step_h))
        with_scheme.append(float(np.maximum.reduceat(grid, starts).sum() / step_h))
    return {"common_monthly_peaks_without_kw": without, "common_monthly_peaks_with_kw": with_scheme}


def expect_result(result: object, caller: str) -> None:
    """Raise a :class:`TypeError` unless ``result`` is a :class:`Result`."""
    expect_type(result, Result, caller, "a Result of energysim.run()")


def check_energy_balance(result: Result) -> None:
    """Raise if, in any interval, allocated + export differs from generation.

    Notes
    -----
    ``sum_p a_pt + x_t == G_t`` and ``0 <= a_pt <= D_pt`` (domain.md section 3); SCE
    energy is fed in and counted in the export. With batteries, what they charged less
    what they discharged is taken off ``G_t`` (their losses and SoC change).
    """
    expect_result(result, "check_energy_balance")
    _check_balance(
        _into_scheme_kwh(result),
        _result_flows(result),
        result.export_kwh.to_numpy().sum(axis=1),
        result.consumption_kwh.to_numpy(),
    )


def _result_flows(result: Result) -> _Flows:
    """A result's own-string, own-export and shared arrays (views, no copies)."""
    return _Flows(
        result.own_string_kwh.to_numpy(),
        result.own_export_kwh.to_numpy(),
        result.shared_kwh.to_numpy(),
    )


def _check_balance(
    gen: np.ndarray, flows: _Flows, export: np.ndarray, consumption: np.ndarray
) -> None:
    """See :func:`check_energy_balance`; arrays [kWh/interval]."""
    worst, over = 0.0, 0.0
    # in blocks of rows: the temporaries stay in the CPU cache
    for start in range(0, len(gen), BALANCE_BLOCK_STEPS):
        rows = slice(start, start + BALANCE_BLOCK_STEPS)
        block = flows.received(rows)
        lhs = block.sum(axis=1) + export[rows]
        worst = max(worst, float(np.max(np.abs(lhs - gen[rows]))))
        over = max(over, float(np.max(block - consumption[rows], initial=0.0)))
    if worst > BALANCE_TOL_KWH * max(1.0, float(np.max(gen, initial=0.0))):
        raise AssertionError(
            f"energy balance broken: max |allocated + export - generation| = {worst:g} kWh"
        )
    if over > BALANCE_TOL_KWH:
        raise AssertionError(f"a participant received more than it consumed by {over:g} kWh")


def summary(result: Result) -> dict[str, Any]:
    """The key figures of a run, as written to ``summary.json``."""
    expect_result(result, "summary")
    p = result.participants
    annual_recv = result.annual["allocated_kwh"]
    cons = result.annual["consumption_kwh"]
    money = result.money
    gen_total = float(result.generation_kwh.to_numpy().sum())
    export_total = float(result.export_kwh.to_numpy().sum())
    sce_total = float(result.sce_kwh.to_numpy().sum())
    in_scheme = p["participating"]

    roles = p["role"].to_numpy()

    def by_role(values: pd.Series, mask: pd.Series | None = None) -> dict[str, float]:
        v = values.to_numpy()
        keep = np.ones(len(v), dtype=bool) if mask is None else mask.to_numpy(dtype=bool)
        return {key: float(v[keep & (roles == name)].sum()) for key, name in ROLE_NAMES.items()}

    allocated = by_role(annual_recv)
    allocated_total = sum(allocated.values())
    consumption = by_role(cons, in_scheme)
    household = roles != "common"
    gain = money["benefit_eur"].to_numpy()
    service = money["service_cost_saving_eur"].to_numpy()
    benefit = {
        "common": float(service[household].sum()),
        "tenants": float((gain - service)[roles == "tenant"].sum()),
        "members": float(gain[roles == "member"].sum()),
    }
    stats = distribution(money, p, cons)
    scenario = result.scenario
    policy = scenario.ownership_policy
    local = ownership.local_types(
        rule=policy.rule, housing_corporation_local=policy.housing_corporation_local
    )
    owners = [(o.owner_type, o.share_frac) for o in scenario.ownership]
    capacity = scenario.capacity_kwp
    return {
        "scenario": scenario.name,
        "year": scenario.year,
        "tariff_year": scenario.rules_year,
        "time_step_min": scenario.time_step_min,
        "regime": "net_metering" if result.tariffs.net_metering else "no_net_metering",
        "capacity_kwp": capacity,
        "generation_kwh": gen_total,
        "export_kwh": export_total,
        "sce_kwh": sce_total,
        "allocated_kwh": allocated,
        "consumption_kwh": consumption,
        "self_consumption_frac": allocated_total / gen_total if gen_total > 0 else 0.0,
        "self_sufficiency_frac": allocated_total / sum(consumption.values())
        if sum(consumption.values()) > 0
        else 0.0,
        "specific_yield_kwh_per_kwp": gen_total / capacity if capacity > 0 else 0.0,
        "import_price_eur_per_kwh": result.tariffs.import_price_eur_per_kwh,
        "benefit_eur": benefit,
        "household_benefit_total_eur": float(gain[household].sum()),
        "household_benefit_eur": stats,
        "owners_revenue_eur": result.accounts.scheme["owners_revenue_eur"],
        "scheme_eur": result.accounts.scheme,
        "stakeholders": _records(result.accounts.stakeholders.reset_index()),
        "local_ownership_frac": ownership.local_share_frac(owners, local),
        "local_ownership_rule": {
            "rule": policy.rule,
            "housing_corporation_local": policy.housing_corporation_local,
        },
        "messages": list(result.messages),
        "assumptions": list(result.accounts.assumptions),
        **storage_report.summary_block(result),
    }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts of Python values (JSON-ready; None where missing)."""
    columns = {c: frame[c].to_numpy(dtype=object) for c in frame.columns}
    return [
        {
            c: (v.item() if isinstance(v, np.generic) else v)
            for c, v in zip(columns, row, strict=True)
        }
        for row in zip(*columns.values(), strict=True)
    ]


def installation_register_rows(result: Result, municipality: str | None = None) -> pd.DataFrame:
    """Register rows (one per owner) for each building's rooftop installation.

    Installation ids are ``<scenario>/<building>``; capacity and production come from
    the run, the owners from the scenario's ownership split.

    Raises
    ------
    ScenarioError
        When no municipality is given and the scenario's site names none.
    """
    expect_result(result, "installation_register_rows")
    place = municipality or result.scenario.site.municipality
    if place is None:
        raise ScenarioError(
            f"scenario '{result.scenario.name}': field 'site.municipality': needed to add it "
            "to a register (or pass --municipality)"
        )
    owners = [(o.owner, o.owner_type, o.share_frac) for o in result.scenario.ownership]
    frames = [
        ownership.installation_rows(
            f"{result.scenario.name}/{b}",
            place,
            "solar",
            row.capacity_kwp,
            row.generation_kwh,
            owners,
        )
        for b, row in result.buildings.iterrows()
    ]
    return pd.concat(frames, ignore_index=True)


def participants_table(result: Result) -> pd.DataFrame:
    """One row per participant with annual energy and money, as in ``participants.csv``."""
    expect_result(result, "participants_table")
    p = result.participants
    out = pd.DataFrame(index=p.index)
    out["building_id"] = p["building_id"]
    out["role"] = p["role"]
    out["participating"] = p["participating"]
    out["archetype"] = p["archetype"]
    out["sharing_eligible"] = p["sharing_eligible"]
    out["consumption_kwh"] = result.consumption_kwh.to_numpy().sum(axis=0)
    out["own_string_kwh"] = result.own_string_kwh.to_numpy().sum(axis=0)
    out["shared_kwh"] = result.shared_kwh.to_numpy().sum(axis=0)
    out["allocated_kwh"] = out.own_string_kwh + out.shared_kwh
    out["grid_import_kwh"] = (out.consumption_kwh - out.allocated_kwh).clip(lower=0.0)
    out["own_export_kwh"] = result.own_export_kwh.to_numpy().sum(axis=0)
    for col in result.money.columns:
        out[col] = result.money[col]
    storage_report.add_participant_columns(out, result)
    out.index.name = "participant_id"
    return out.reset_index()


def participant_audit(result: Result, participant_id: str) -> pd.DataFrame:
    """Monthly table of one participant: consumption, what each source gave, grid import.

    Answers a member's "why did I get this much?": one row per local calendar month
    and a total row, whose figures equal the run's annual figures.

    Raises
    ------
    ScenarioError
        If the participant id is not part of the scenario.
    """
    expect_result(result, "participant_audit")
    from energysim.audit import monthly_audit

    if participant_id not in result.participants.index:
        known = ", ".join(result.participants.index[:5])
        raise ScenarioError(
            f"participant '{participant_id}': not in scenario '{result.scenario.name}' "
            f"(ids look like {known}, ...)"
        )
    role = str(result.participants.loc[participant_id, "role"])
    tier = {"common": "common", "tenant": "tenants", "member": "members"}[role]
    received: dict[str, np.ndarray] = {}
    own = result.own_string_kwh[participant_id].to_numpy()
    if own.any():
        received["own_string"] = own
    received[tier] = result.shared_kwh[participant_id].to_numpy()
    return monthly_audit(
        result.index,
        result.consumption_kwh[participant_id].to_numpy(),
        received,
        tz=result.scenario.site.timezone,
    )


def timeseries_table(result: Result) -> pd.DataFrame:
    """Interval series of generation, allocation per role and export [kWh/interval]."""
    expect_result(result, "timeseries_table")
    roles = result.participants["role"].to_numpy()
    flows = _result_flows(result)
    consumption = result.consumption_kwh.to_numpy()
    out = pd.DataFrame(index=result.index)
    out["generation_kwh"] = result.generation_kwh.to_numpy().sum(axis=1)
    for key, name in ROLE_NAMES.items():
        cols = np.flatnonzero(roles == name)
        out[f"allocated_{key}_kwh"] = _group_sums(flows.received, cols, len(result.index))
    out["export_kwh"] = result.export_kwh.to_numpy().sum(axis=1)
    out["sce_kwh"] = result.sce_kwh.to_numpy().sum(axis=1)
    for key, name in ROLE_NAMES.items():
        mask = (roles == name) & result.participants["participating"].to_numpy(dtype=bool)
        cols = np.flatnonzero(mask)
        out[f"consumption_{key}_kwh"] = _group_sums(
            lambda r, c: _Flows(NO_FLOW, NO_FLOW, consumption).received(r, c),
            cols,
            len(result.index),
        )
    storage_report.add_timeseries_columns(out, result)
    out.index.name = "time"
    return out


def _group_sums(values: Any, cols: np.ndarray, n_steps: int) -> np.ndarray:
    """Per interval, the sum over the participants ``cols`` of ``values(rows, cols)``.

    ``values`` returns a new C-ordered ``(rows, len(cols))`` array; it is called block by
    block of rows, so no ``(n_steps, n_participants)`` temporary is made. Each row is
    summed as numpy sums a row of a C-ordered array, so the sums equal those of one
    selection of every row (to the bit).
    """
    out = np.zeros(n_steps)
    if len(cols):
        for start in range(0, n_steps, BALANCE_BLOCK_STEPS):
            rows = slice(start, start + BALANCE_BLOCK_STEPS)
            out[rows] = values(rows, cols).sum(axis=1)
    return out
