"""The consumption of a run's participants [kWh/interval]: measured, else modelled.

:func:`read_consumption_files` reads what a scenario measured, in a run's order: the
``consumption_csv``, the meter exports, and each building's measured common
installations (where its common connection is not measured as a whole), each cell
checked against what the connection can carry. :func:`consumption_with_notes` makes the
time x participant table from them: the measured columns, and modelled profiles
(:mod:`energysim.inputs.demand`, or the context's pool of household-years) for everyone
else, written in place into one participant-ordered array.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from energysim.config.buildings import Building
from energysim.config.physics import max_common_kwh_per_interval, max_household_kwh_per_interval
from energysim.config.scenario import Scenario, participant_ids
from energysim.core.errors import DataError, ScenarioError
from energysim.core.messages import Message
from energysim.core.series_csv import read_timeseries_csv
from energysim.inputs import common_installations, demand, household_pool
from energysim.inputs.context import RunContext
from energysim.inputs.meter import read_meter_export
from energysim.inputs.population import derive_seed
from energysim.inputs.preflight import consumption_dtype
from energysim.inputs.timeindex import step_hours


def meter_export_kwh(context: RunContext) -> tuple[pd.DataFrame, list[str]]:
    """Households' meter exports on the simulation axis, and notes of what was filled.

    An hourly export in a 15-minute run is split evenly over the quarters; a 15-minute
    export in an hourly run is summed per hour.
    """
    scenario, index, participants = context.scenario, context.index, context.participants
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


def measured_consumption_kwh(context: RunContext) -> pd.DataFrame:
    """The scenario's ``consumption_csv`` per participant [kWh/interval] (empty without one).

    Each cell is at most what the participant's connection can carry in an interval.
    """
    scenario, index, participants = context.scenario, context.index, context.participants
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


@dataclass(frozen=True)
class ConsumptionFiles:
    """What a scenario measured of its participants' consumption [kWh/interval].

    Attributes
    ----------
    measured_kwh : pandas.DataFrame
        Time x participant id: the ``consumption_csv`` columns, and the meter exports
        in their place where both give one.
    notes : tuple of str
        What was filled in the meter exports.
    common_kwh : mapping of str to pandas.DataFrame
        Per building whose common connection is not measured as a whole, its measured
        common installations (time x kind; no columns without a file).
    """

    measured_kwh: pd.DataFrame
    notes: tuple[str, ...]
    common_kwh: Mapping[str, pd.DataFrame]


def read_consumption_files(context: RunContext) -> ConsumptionFiles:
    """Read every consumption file of a scenario, in a run's order: the
    ``consumption_csv``, the meter exports, each building's common profiles.

    Raises
    ------
    ScenarioError, DataError
        The first bad file.
    """
    measured = measured_consumption_kwh(context)
    notes: list[str] = []
    if context.scenario.meter_exports:
        exports, notes = meter_export_kwh(context)
        measured = pd.concat(
            [measured.drop(columns=list(exports.columns), errors="ignore"), exports], axis=1
        )
    common = {
        b.id: measured_common_profiles_kwh(b, context.index)
        for b in context.scenario.buildings
        if participant_ids(b)["common"][0] not in measured.columns
    }
    return ConsumptionFiles(measured, tuple(notes), common)


def consumption_with_notes(
    context: RunContext, files: ConsumptionFiles
) -> tuple[pd.DataFrame, list[str]]:
    """Consumption per participant [kWh/interval] and notes (filled meter gaps).

    Measured columns where ``files`` has them, modelled profiles for everyone else. In
    float32 for large runs (:func:`energysim.inputs.preflight.consumption_dtype`), with a
    note saying so.
    """
    notes = list(files.notes)
    ids = list(context.participants.index)
    dtype = consumption_dtype(context.n_steps, len(ids))
    values = np.empty((context.n_steps, len(ids)), dtype=dtype)
    if dtype is np.float32:
        notes.append(
            Message(
                f"{len(ids):,} participants x {context.n_steps:,} intervals: consumption is "
                "kept in single precision to fit memory (7 significant digits, at most 6e-8 "
                "of each value; every sum and the energy balance are computed in double "
                "precision)",
                "consumption_single_precision",
                participants=len(ids),
                intervals=context.n_steps,
            )
        )
    filled = np.zeros(len(ids), dtype=bool)
    measured = files.measured_kwh
    for pid in measured.columns:
        values[:, context.column[pid]] = measured[pid].to_numpy(dtype=np.float64)
        filled[context.column[pid]] = True
    pooled = 0
    for b_idx, b in enumerate(context.scenario.buildings):
        common = files.common_kwh.get(b.id)
        if common is not None:
            c = context.column[participant_ids(b)["common"][0]]
            values[:, c] = _common_kwh(context, b_idx, b, common)
            filled[c] = True
        pooled += _households_kwh(context, b_idx, b, set(measured.columns), values, filled)
    assert filled.all(), "every participant has a measured or a modelled profile"
    if pooled:
        notes.append(household_pool.note(pooled))
    return pd.DataFrame(values, index=context.index, columns=ids, copy=False), notes


def _common_kwh(context: RunContext, b_idx: int, b: Building, given: pd.DataFrame) -> np.ndarray:
    """A building's common connection [kWh/interval]: its measured installations
    (``given``) and the modelled profiles of the others."""
    site = context.scenario.site
    kinds = {k: v for k, v in b.common.annual_kwh().items() if v > 0 and k not in given.columns}
    common = given.to_numpy(dtype=np.float64).sum(axis=1)
    if kinds:
        # summed as the frame's columns would be
        modelled = common_installations.common_connection_kwh(
            context.index,
            site.latitude_deg,
            site.longitude_deg,
            kinds,
            dwellings=b.dwellings,
            seed=derive_seed(b.tenants.profile_seed, b_idx, 3),
            lighting_presence_dimming_frac=b.common.lighting_presence_dimming_frac,
            ventilation_night_setback_frac=b.common.ventilation_night_setback_frac,
        )
        common = common + modelled
    return common


def _households_kwh(
    context: RunContext,
    b_idx: int,
    b: Building,
    measured: set[str],
    values: np.ndarray,
    filled: np.ndarray,
) -> int:
    """Write the modelled profiles of a building's households that are not measured
    into their columns of ``values`` (and mark them in ``filled``); return how many were
    drawn from the context's pool of household-years."""
    pool = context.household_pool
    kept = context.kept_profiles
    if pool is not None:
        profiles_kwh = pool.profiles_kwh
    else:
        profiles_kwh = demand.household_profiles_kwh if kept is None else kept.profiles_kwh
    participants = context.participants
    ids_b = participant_ids(b)
    pooled = 0
    for role, group, tag in (("tenants", b.tenants, 1), ("members", b.members, 2)):
        todo = [p for p in ids_b[role] if p not in measured]
        if not todo:
            continue
        cols = context.columns(todo)
        annual = participants["annual_kwh"].to_numpy(dtype=np.float64)[cols]
        archetypes = list(participants["archetype"].to_numpy()[cols])
        seed = derive_seed(group.profile_seed, b_idx, tag)
        if isinstance(cols, slice):  # written in place
            profiles_kwh(context.index, annual, archetypes, seed, out=values[:, cols])
        else:
            values[:, cols] = profiles_kwh(context.index, annual, archetypes, seed)
        pooled += 0 if pool is None else len(annual)
        filled[cols] = True
    return pooled
