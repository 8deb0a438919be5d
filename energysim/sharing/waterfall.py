"""One building's sharing, set up from the scenario: own strings, then the waterfall.

The kernels of :mod:`energysim.sharing.allocation` know nothing of scenarios; this module turns a
building of a :class:`~energysim.config.scenario.Scenario` into their inputs (the pool, the
tiers in the scenario's order with their demand, key and caps) and writes what they
return into the run's :class:`~energysim.sharing.flows.Flows`, column by column of the
building's participants.

Order within a building (domain.md section 3): the strings behind each participating
dwelling's meter first (and home batteries behind them), then the common connection's
pool tier after tier (``allocation.order``), then export. A neighbourhood tier under the
SCE or postcoderoos takes all that reaches it and feeds it in (no netting).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from energysim.config.allocation_policy import (
    MembersPolicy,
    ProportionalKey,
    ScheduleKey,
    TierPolicy,
)
from energysim.config.buildings import Building
from energysim.config.scenario import Scenario, participant_ids
from energysim.core.series_csv import read_schedule_csv
from energysim.sharing import allocation as alloc
from energysim.sharing import storage
from energysim.sharing.flows import (
    Columns,
    Flows,
    OwnStrings,
    block_rows,
    column_positions,
    pick,
    sum_columns,
)

if TYPE_CHECKING:
    from energysim.results.result import Result


def schedule_shares(
    policy: TierPolicy, index: pd.DatetimeIndex, ids: list[str]
) -> np.ndarray | None:
    """A tier's shares per interval when its key is a schedule (read from its CSV)."""
    key = policy.key
    if isinstance(key, ScheduleKey):
        return read_schedule_csv(key.path, expected_index=index, participant_ids=ids)
    return None


@dataclass(frozen=True)
class BuildingWaterfall:
    """One building's waterfall as a run set it up, to share the same energy again.

    Attributes
    ----------
    building_id : str
    pool_kwh : numpy.ndarray
        ``(n_steps,)`` what the waterfall shares [kWh/interval].
    tiers : tuple of energysim.sharing.allocation.Tier
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


@dataclass
class BuildingAllocation:
    """What sharing one building's generation gave (:func:`allocate_building`).

    The participants' flows are written into the run's :class:`~energysim.sharing.flows.Flows`;
    these are the building's own series [kWh/interval] and what a shared battery needs.

    Attributes
    ----------
    export_kwh : numpy.ndarray
        ``(n_steps,)`` everything fed in: the common connection's remainder, the own
        strings' surplus and the SCE tier's energy.
    common_export_kwh : numpy.ndarray
        ``(n_steps,)`` what the common connection feeds in after the waterfall.
    sce_kwh : numpy.ndarray
        ``(n_steps,)`` what the neighbourhood tier feeds in under the SCE (zeros without).
    generation_kwh : numpy.ndarray
        ``(n_steps,)`` the building's generation, all arrays.
    netting_tiers : list of energysim.sharing.allocation.Tier
        The tiers that net their energy, as allocated (no SCE tier); empty when the
        building was shared block by block (it has no shared battery).
    tier_columns : dict of str to slice or list of int
        Each netting tier's participant columns.
    tier_allocated_kwh : dict of str to numpy.ndarray
        What each tier received from the pool; empty when shared block by block.
    netting_allocated_kwh : numpy.ndarray
        ``(n_steps,)`` what the netting tiers received together.
    home_battery : energysim.sharing.storage.BatteryRun or None
        The building's home batteries behind the meters, already run.
    waterfall : BuildingWaterfall or None
        Only when asked for (``keep_waterfall``).
    """

    export_kwh: np.ndarray
    common_export_kwh: np.ndarray
    sce_kwh: np.ndarray
    generation_kwh: np.ndarray
    netting_tiers: list[alloc.Tier]
    tier_columns: dict[str, Columns]
    tier_allocated_kwh: dict[str, np.ndarray]
    netting_allocated_kwh: np.ndarray
    home_battery: storage.BatteryRun | None
    waterfall: BuildingWaterfall | None


def allocate_building(
    scenario: Scenario,
    b: Building,
    index: pd.DatetimeIndex,
    gen: pd.DataFrame,
    cons: pd.DataFrame,
    participants: pd.DataFrame,
    flows: Flows,
    *,
    keep_waterfall: bool = False,
) -> BuildingAllocation:
    """Own strings, then the waterfall of one building.

    Writes the building's columns of ``flows`` (own string, own-string export, shared)
    and returns its series (:class:`BuildingAllocation`), with its waterfall when
    ``keep_waterfall``.

    Notes
    -----
    Every step of the waterfall is decided per interval (caps are per interval), so a
    building without a shared battery is shared block by block of
    :func:`~energysim.sharing.flows.block_rows` intervals: the tiers' demand exists
    for one block at a time, not as ``(n_steps, n_participants)`` arrays, and every
    number is the same as in one pass. A shared battery (which reads each tier's
    allocation of the whole year) and ``keep_waterfall`` take one pass.
    """
    ids = participant_ids(b)
    n_steps = len(index)
    column = {pid: j for j, pid in enumerate(participants.index)}
    cons_values = cons.to_numpy()
    taking_part = column_positions(column, ids["tenants"][: b.tenants.participating])
    per_dwelling = [a.id for a in b.arrays if a.setup == "per_dwelling"]
    pool = sum_columns(gen, [a.id for a in b.arrays if a.setup == "common"])
    own_export = np.zeros(n_steps)
    home: storage.BatteryRun | None = None
    if per_dwelling:  # the scenario ensures tenants.participating > 0
        own_export, to_pool, home = _own_strings(
            scenario, b, index, sum_columns(gen, per_dwelling), cons_values, taking_part, flows
        )
        if to_pool is not None:
            pool = pool + to_pool
    schedules = _tier_schedules(scenario, b, index, participants, column)
    one_pass = keep_waterfall or b.battery is not None
    step = n_steps if one_pass else block_rows(len(participants))
    export, sce = np.empty(n_steps), np.zeros(n_steps)
    reach: dict[str, np.ndarray] = {}
    for start in range(0, n_steps, step):
        rows = slice(start, start + step)
        tiers, tier_cols, sce_tier = _tiers(
            scenario, b, rows, cons_values, participants, column, bool(per_dwelling),
            pool[rows], flows, schedules,
        )  # fmt: skip
        result = alloc.allocate_waterfall(pool[rows], tiers)
        export[rows] = result.export_kwh
        for name, reach_b in result.reach_kwh.items():
            reach.setdefault(name, np.empty(n_steps))[rows] = reach_b
        for tier_name, tier_columns in tier_cols.items():
            if not isinstance(tier_columns, slice):
                flows.shared[rows, tier_columns] = result.allocated_kwh[tier_name]
        if sce_tier:
            sce[rows] = result.allocated_kwh["members"][:, 0]
    one_pass = step >= n_steps
    waterfall = (
        BuildingWaterfall(
            building_id=b.id,
            pool_kwh=pool,
            tiers=tuple(replace(t, out=None) for t in tiers),
            participant_ids={
                name: [str(p) for p in participants.index[c]] for name, c in tier_cols.items()
            },
            reach_kwh=reach,
        )
        if keep_waterfall
        else None
    )
    return BuildingAllocation(
        export_kwh=export + own_export + sce,
        common_export_kwh=export,
        sce_kwh=sce,
        generation_kwh=sum_columns(gen, [a.id for a in b.arrays]),
        netting_tiers=[t for t in tiers if t.name in tier_cols] if one_pass else [],
        tier_columns=tier_cols,
        tier_allocated_kwh=result.allocated_kwh if one_pass else {},
        netting_allocated_kwh=pool - export - sce,
        home_battery=home,
        waterfall=waterfall,
    )


def _own_strings(
    scenario: Scenario,
    b: Building,
    index: pd.DatetimeIndex,
    strings_total_kwh: np.ndarray,
    cons_values: np.ndarray,
    taking_part: Columns,
    flows: Flows,
) -> tuple[np.ndarray, np.ndarray | None, storage.BatteryRun | None]:
    """The strings behind each participating dwelling's meter, and home batteries.

    Every dwelling's string is the same share of the per-dwelling arrays. Without home
    batteries the string is kept in ``flows.strings`` (what each dwelling used and fed
    in is computed from it where it is read); with them, what a dwelling uses is written
    into ``flows.own`` and its surplus into ``flows.own_export`` when it is exported.
    Returns the building's own-string export (zeros when the surplus goes to the
    waterfall), the surplus for the waterfall's pool (None when exported) and the home
    batteries' run (None without) [kWh/interval].
    """
    policy = scenario.allocation
    n_taking_part = min(b.tenants.participating, len(participant_ids(b)["tenants"]))
    # every dwelling's string is the same: broadcast one column
    strings = strings_total_kwh / n_taking_part
    exported = policy.per_dwelling_surplus == "export"
    if flows.strings is not None:  # no (n_steps, n_dwellings) arrays: block by block
        assert b.home_batteries is None, "home batteries change the own strings in place"
        flows.strings = flows.strings.with_string(strings, taking_part)
        surplus, step = np.empty(len(index)), block_rows(cons_values.shape[1])
        for start in range(0, len(index), step):
            rows = slice(start, start + step)
            _, surplus_b = alloc.allocate_own_strings(
                strings[rows, None], pick(cons_values, rows, taking_part)
            )
            surplus[rows] = surplus_b.sum(axis=1)
        return (surplus, None, None) if exported else (np.zeros(len(index)), surplus, None)
    in_place = isinstance(taking_part, slice)
    used, own_surplus = alloc.allocate_own_strings(
        strings[:, None],
        cons_values[:, taking_part],
        out=flows.own[:, taking_part] if in_place else None,
        surplus_out=flows.own_export[:, taking_part] if in_place and exported else None,
    )
    home: storage.BatteryRun | None = None
    if b.home_batteries is not None:  # behind each meter, before any sharing
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
        return own_surplus.sum(axis=1), None, home
    return np.zeros(len(index)), own_surplus.sum(axis=1), home


def _tier_schedules(
    scenario: Scenario,
    b: Building,
    index: pd.DatetimeIndex,
    participants: pd.DataFrame,
    column: dict[str, int],
) -> dict[str, np.ndarray | None]:
    """The schedule key's shares of each tier of the building that has participants
    (None for other keys; a CSV is read once, for every block of intervals)."""
    ids = participant_ids(b)
    policy = scenario.allocation
    schedules: dict[str, np.ndarray | None] = {}
    for role in policy.order:
        tp: TierPolicy = getattr(policy, role)
        if role == "members" and getattr(tp, "mode", None) in ("sce", "postcoderoos"):
            continue
        chosen = ids[role][: b.tenants.participating] if role == "tenants" else ids[role]
        tier_ids = [str(p) for p in participants.index[column_positions(column, chosen)]]
        if tier_ids:
            schedules[role] = schedule_shares(tp, index, tier_ids)
    return schedules


def _schedule_rows(shares: np.ndarray | None, rows: slice) -> np.ndarray | None:
    """A schedule key's shares for some intervals (None for other keys)."""
    return None if shares is None else shares[rows]


def _tiers(
    scenario: Scenario,
    b: Building,
    rows: slice,
    cons_values: np.ndarray,
    participants: pd.DataFrame,
    column: dict[str, int],
    has_own_strings: bool,
    pool: np.ndarray,
    flows: Flows,
    schedules: dict[str, np.ndarray | None],
) -> tuple[list[alloc.Tier], dict[str, Columns], bool]:
    """The building's tiers in the scenario's order for the intervals ``rows``, their
    columns, and whether the last one is an SCE tier (it feeds in all that reaches it;
    its demand is the whole pool, ``pool`` being that of ``rows``).

    A tier's demand is its participants' consumption, less what their own strings gave
    (tenants), with households of another supplier than the sharing one left out.
    Consecutive columns get ``out``: the kernel writes their allocation in place.
    """
    ids = participant_ids(b)
    policy = scenario.allocation
    eligible = participants["sharing_eligible"].to_numpy(dtype=bool)
    tiers: list[alloc.Tier] = []
    tier_cols: dict[str, Columns] = {}
    sce_tier = False
    for role in policy.order:
        tp: TierPolicy = getattr(policy, role)
        cols: Columns
        if role == "common":
            cols = column_positions(column, ids["common"])
            d = pick(cons_values, rows, cols)
        elif role == "tenants":
            cols = column_positions(column, ids["tenants"][: b.tenants.participating])
            d = pick(cons_values, rows, cols)
            if has_own_strings:  # what the own string left
                used = flows.own_kwh(rows, cols)
                d = np.subtract(d, used, out=used if used.base is None else None)
            d = _sharing_demand(eligible, cols, d)
        else:
            cols = column_positions(column, ids["members"])
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
                        key=ProportionalKey(),
                        cap_frac=tp.cap_frac,
                        cap_kwh=tp.cap_kwh,
                    )
                )
                continue
            d = _sharing_demand(eligible, cols, pick(cons_values, rows, cols))
        tier_ids = [str(p) for p in participants.index[cols]]
        if not tier_ids:
            continue
        tier_cols[role] = cols
        tiers.append(
            alloc.Tier(
                name=role,
                demand_kwh=d,
                key=tp.key,
                schedule_shares_frac=_schedule_rows(schedules[role], rows),
                cap_frac=tp.cap_frac,
                cap_kwh=tp.cap_kwh,
                # consecutive columns: the allocation is written in place
                out=flows.shared[rows, cols] if isinstance(cols, slice) else None,
            )
        )
    return tiers, tier_cols, sce_tier


def empty_flows(scenario: Scenario, cons_values: np.ndarray) -> Flows:
    """The run's flows before sharing: shared energy zeros; own strings kept as one
    string per building (:class:`~energysim.sharing.flows.OwnStrings`), or as full arrays when
    home batteries change them in place."""
    n_steps, n_participants = cons_values.shape
    has_own = any(a.setup == "per_dwelling" for b in scenario.buildings for a in b.arrays)
    exported = has_own and scenario.allocation.per_dwelling_surplus == "export"
    if has_own and any(b.home_batteries is not None for b in scenario.buildings):
        return Flows.zeros(n_steps, n_participants, own=True, own_export=exported)
    flows = Flows.zeros(n_steps, n_participants, own=False, own_export=False)
    flows.strings = OwnStrings.none(cons_values, exported) if has_own else None
    return flows


def _sharing_demand(eligible: np.ndarray, cols: Columns, d: np.ndarray) -> np.ndarray:
    """A tier's demand with households of another supplier set to 0 (Energiewet: one
    supplier per sharing group)."""
    if not eligible[cols].all():  # another supplier: out of sharing (x 1.0 is exact)
        d = d * eligible[cols][None, :]
    return d


def building_waterfalls(result: Result) -> list[BuildingWaterfall]:
    """The waterfall of each building of a run, on the run's generation and consumption.

    For re-sharing the same energy with other keys (see :mod:`energysim.design.key_problem`)
    without simulating weather, generation or households again.
    """
    scenario = result.scenario
    flows = empty_flows(scenario, result.consumption_kwh.to_numpy())
    waterfalls = [
        allocate_building(
            scenario,
            b,
            result.index,
            result.generation_kwh,
            result.consumption_kwh,
            result.participants,
            flows,
            keep_waterfall=True,
        ).waterfall
        for b in scenario.buildings
    ]
    return [w for w in waterfalls if w is not None]
