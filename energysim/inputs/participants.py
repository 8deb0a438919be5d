"""The participants of a scenario and their consumption [kWh/interval].

:func:`participant_table` is the static table, one row per participant (building, role,
taking part, annual kWh drawn from the scenario's distribution, archetype, supplier).
:func:`consumption_with_notes` is the time x participant consumption: measured columns
where given (``consumption_csv``, meter exports, a building's measured common
installations), each cell checked against what the connection can carry, and modelled
profiles (:mod:`energysim.inputs.demand`) for everyone else, written in place into one
participant-ordered array.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from energysim.config.buildings import Building
from energysim.config.physics import (
    max_common_kwh_per_interval,
    max_household_kwh_per_interval,
)
from energysim.config.scenario import Scenario, participant_ids
from energysim.core.errors import DataError, ScenarioError
from energysim.core.messages import Message
from energysim.core.series_csv import read_timeseries_csv
from energysim.inputs import demand, household_pool
from energysim.inputs.meter import read_meter_export
from energysim.inputs.population import derive_seed
from energysim.inputs.preflight import AnnualKwh, annual_kwh_draws, consumption_dtype
from energysim.inputs.timeindex import step_hours
from energysim.results.result import ROLE_NAMES
from energysim.sharing.flows import column_positions


def participant_table(scenario: Scenario, annual_kwh: AnnualKwh | None = None) -> pd.DataFrame:
    """One row per participant: building, role, participation, annual kWh, supplier.

    ``annual_kwh``: the households' annual consumption as
    :func:`energysim.inputs.preflight.annual_kwh_draws` drew and checked it (drawn here when
    not given).
    """
    if annual_kwh is None:
        annual_kwh = annual_kwh_draws(scenario)
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
            annual = annual_kwh[b_idx][role]
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
        notes += [
            Message(
                f"{spec.participant_id}: {f.describe()}",
                "meter_gap_filled",
                participant=spec.participant_id,
                column=f.column,
                intervals=f.intervals,
                start=f.start.isoformat(),
                energy_kwh=f.energy_kwh,
            )
            for f in fills
        ]
    return pd.DataFrame(columns, index=index), notes


def _consumption_bounds(scenario: Scenario, step: pd.Timedelta) -> dict[str, tuple[float, str]]:
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
    bound = max_common_kwh_per_interval(step_hours(index), b.common.connection)
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
    """Consumption per participant [kWh/interval] and notes (filled meter gaps).

    In float32 for large runs (:func:`energysim.inputs.preflight.consumption_dtype`), with a
    note saying so.
    """
    measured = measured_consumption_kwh(scenario, index, participants)
    notes: list[str] = []
    if scenario.meter_exports:
        exports, notes = meter_export_kwh(scenario, index, participants)
        measured = pd.concat(
            [measured.drop(columns=list(exports.columns), errors="ignore"), exports], axis=1
        )
    ids = list(participants.index)
    column = {pid: j for j, pid in enumerate(ids)}
    dtype = consumption_dtype(len(index), len(ids))
    values = np.empty((len(index), len(ids)), dtype=dtype)
    if dtype is np.float32:
        notes.append(
            Message(
                f"{len(ids):,} participants x {len(index):,} intervals: consumption is kept "
                "in single precision to fit memory (7 significant digits, at most 6e-8 of "
                "each value; every sum and the energy balance are computed in double "
                "precision)",
                "consumption_single_precision",
                participants=len(ids),
                intervals=len(index),
            )
        )
    filled = np.zeros(len(ids), dtype=bool)
    for pid in measured.columns:
        values[:, column[pid]] = measured[pid].to_numpy(dtype=np.float64)
        filled[column[pid]] = True
    is_measured = set(measured.columns)
    site = scenario.site
    pool, pooled = household_pool.active(), 0  # a batch's pool of household-years
    profiles_kwh = demand.household_profiles_kwh if pool is None else pool.profiles_kwh
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
            cols = column_positions(column, todo)
            annual = participants["annual_kwh"].to_numpy(dtype=np.float64)[cols]
            archetypes = list(participants["archetype"].to_numpy()[cols])
            seed = derive_seed(group.profile_seed, b_idx, tag)
            if isinstance(cols, slice):  # written in place
                profiles_kwh(index, annual, archetypes, seed, out=values[:, cols])
            else:
                values[:, cols] = profiles_kwh(index, annual, archetypes, seed)
            pooled += 0 if pool is None else len(annual)
            filled[cols] = True
    assert filled.all(), "every participant has a measured or a modelled profile"
    if pooled:
        notes.append(household_pool.note(pooled))
    return pd.DataFrame(values, index=index, columns=ids, copy=False), notes
