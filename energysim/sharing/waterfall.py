"""One building's waterfall, set up from the scenario: its tiers in order, then export.

The kernels of :mod:`energysim.sharing.allocation` know nothing of scenarios; this module
turns a building of a :class:`~energysim.config.scenario.Scenario` into their inputs (the
tiers in the scenario's order with their demand, key and caps) and writes their
allocation into the run's shared-energy array it is handed (``out``), column by column
of the building's participants.

Order within a building (domain.md section 3): the strings behind each participating
dwelling's meter first (:mod:`energysim.sharing.building`), then the common connection's
pool tier after tier (``allocation.order``), then export. A neighbourhood tier under the
SCE or postcoderoos takes all that reaches it and feeds it in (no netting).

Every step of the waterfall is decided per interval (caps are per interval), so it can
be shared block by block of :func:`~energysim.sharing.blocks.block_rows` intervals
(:func:`waterfall_by_blocks`: the tiers' demand exists for one block at a time, not as
``(n_steps, n_participants)`` arrays) with every number the same as in one pass
(:func:`waterfall_one_pass`, which keeps the tiers of the whole year for a shared battery
and for :mod:`energysim.design.keys`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from energysim.config.allocation_policy import (
    Key,
    MaxMinKey,
    MembersPolicy,
    PriorityKey,
    ProportionalKey,
    StaticKey,
    TierPolicy,
)
from energysim.config.buildings import Building
from energysim.config.scenario import participant_ids
from energysim.inputs.context import RunContext
from energysim.inputs.participants import Columns
from energysim.sharing import allocation as alloc
from energysim.sharing.blocks import block_rows, pick, positions
from energysim.sharing.kernel_inputs import is_clean
from energysim.sharing.maxmin import maxmin_shares
from energysim.sharing.own_strings import BuildingStrings, StoredShare


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


@dataclass(frozen=True)
class WaterfallPass:
    """A building's waterfall over the whole year in one pass (:func:`waterfall_one_pass`).

    Attributes
    ----------
    pool_kwh : numpy.ndarray
        ``(n_steps,)`` what the waterfall shared [kWh/interval].
    tiers : tuple of energysim.sharing.allocation.Tier
        In order, as allocated (an SCE tier last).
    tier_columns : dict of str to slice or list of int
        Each netting tier's participant columns (no SCE tier).
    allocated_kwh : dict of str to numpy.ndarray
        What each tier received [kWh/interval] (for consecutive columns, a view of the
        ``out`` the pass wrote into).
    reach_kwh : dict of str to numpy.ndarray
        What reached each tier [kWh/interval].
    export_kwh : numpy.ndarray
        ``(n_steps,)`` what the common connection feeds in after the waterfall.
    sce_kwh : numpy.ndarray
        ``(n_steps,)`` what the neighbourhood tier feeds in under the SCE (zeros without).
    """

    pool_kwh: np.ndarray
    tiers: tuple[alloc.Tier, ...]
    tier_columns: dict[str, Columns]
    allocated_kwh: dict[str, np.ndarray]
    reach_kwh: dict[str, np.ndarray]
    export_kwh: np.ndarray
    sce_kwh: np.ndarray

    @property
    def netting_tiers(self) -> list[alloc.Tier]:
        """The tiers that net their energy, as allocated (no SCE tier)."""
        return [t for t in self.tiers if t.name in self.tier_columns]

    @property
    def netting_allocated_kwh(self) -> np.ndarray:
        """``(n_steps,)`` what the netting tiers received together [kWh/interval]."""
        return self.pool_kwh - self.export_kwh - self.sce_kwh

    def kept(self, context: RunContext, building_id: str) -> BuildingWaterfall:
        """The waterfall to share again (:class:`BuildingWaterfall`)."""
        ids = context.participants.index
        return BuildingWaterfall(
            building_id=building_id,
            pool_kwh=self.pool_kwh,
            tiers=tuple(replace(t, out=None) for t in self.tiers),
            participant_ids={
                name: [str(p) for p in ids[c]] for name, c in self.tier_columns.items()
            },
            reach_kwh=self.reach_kwh,
        )


def waterfall_one_pass(
    context: RunContext,
    b: Building,
    pool_kwh: np.ndarray,
    consumption_kwh: np.ndarray,
    own: BuildingStrings | None,
    schedules: Mapping[tuple[str, str], np.ndarray],
    out: np.ndarray | None,
) -> WaterfallPass:
    """Share a building's pool over its tiers, the whole year at once.

    Parameters
    ----------
    pool_kwh : numpy.ndarray
        ``(n_steps,)`` what the common connection shares [kWh/interval].
    consumption_kwh : numpy.ndarray
        ``(n_steps, n_participants)`` the run's consumption [kWh/interval].
    own : StringShare or StoredShare or None
        The building's own strings (their use comes off the tenants' demand).
    schedules : mapping of (str, str) to numpy.ndarray
        The shares of each schedule key, per (building id, tier) ``(n_steps,
        n_tier_participants)`` (read by :mod:`energysim.inputs.loading`).
    out : numpy.ndarray or None
        ``(n_steps, n_participants)`` the run's shared energy: the building's columns
        are written; None: the allocation is only returned.
    """
    rows = slice(0, context.n_steps)
    keys = _maxmin_keys(context, b, pool_kwh, consumption_kwh, own, schedules)
    tiers, tier_cols, sce_tier = _tiers(
        context, b, rows, consumption_kwh, own, pool_kwh, schedules, out, keys
    )
    result = alloc.allocate_waterfall(pool_kwh, tiers)
    _write(out, rows, tier_cols, result)
    sce = result.allocated_kwh["members"][:, 0] if sce_tier else np.zeros(context.n_steps)
    return WaterfallPass(
        pool_kwh=pool_kwh,
        tiers=tuple(tiers),
        tier_columns=tier_cols,
        allocated_kwh=dict(result.allocated_kwh),
        reach_kwh=dict(result.reach_kwh),
        export_kwh=result.export_kwh,
        sce_kwh=sce,
    )


def waterfall_by_blocks(
    context: RunContext,
    b: Building,
    pool_kwh: np.ndarray,
    consumption_kwh: np.ndarray,
    own: BuildingStrings | None,
    schedules: Mapping[tuple[str, str], np.ndarray],
    out: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Share a building's pool block by block of intervals, writing its participants'
    columns of ``out``; the same numbers as :func:`waterfall_one_pass` (arguments as
    there). The kernels' energy inputs are checked once for the whole year
    (:func:`_year_checked`), not again in every block.

    Returns
    -------
    export_kwh, sce_kwh : numpy.ndarray
        ``(n_steps,)`` what the common connection feeds in after the waterfall, and
        what the neighbourhood tier feeds in under the SCE (zeros without) [kWh/interval].
    """
    n_steps = context.n_steps
    export, sce = np.empty(n_steps), np.zeros(n_steps)
    step = block_rows(len(context.participants))
    keys = _maxmin_keys(context, b, pool_kwh, consumption_kwh, own, schedules)
    specs = _tier_specs(context, b, keys, own is not None)  # the same in every block
    checked = _year_checked(pool_kwh, consumption_kwh, own, specs)
    for start in range(0, n_steps, step):
        rows = slice(start, start + step)
        tiers, tier_cols, sce_tier = _tiers(
            context, b, rows, consumption_kwh, own, pool_kwh[rows], schedules, out, keys, specs
        )
        result = alloc.allocate_waterfall(pool_kwh[rows], tiers, checked=checked)
        _write(out, rows, tier_cols, result)
        export[rows] = result.export_kwh
        if sce_tier:
            sce[rows] = result.allocated_kwh["members"][:, 0]
    return export, sce


def _year_checked(
    pool_kwh: np.ndarray,
    consumption_kwh: np.ndarray,
    own: BuildingStrings | None,
    specs: list[_TierSpec],
) -> bool:
    """Whether the whole year's inputs of a building's waterfall pass the kernels' energy
    check (:func:`~energysim.sharing.kernel_inputs.is_clean`, one pass each), so that its
    blocks need not be checked again: the pool, the consumption of every column between
    the building's first and last tier column, and the own strings' one string.

    Every tier's demand in a block is then finite and non-negative too: the consumption
    of some of those columns, times 0 or 1 (another supplier), less ``min(S, D)`` of a
    checked string (``D - min(S, D)`` is 0 or ``D - S > 0``, exactly). Strings stored
    after home batteries (:class:`StoredShare`) are not covered: False. False also when a
    value fails the one-pass test (or is -0.0): the kernels check every block themselves
    and refuse bad input with their own message, as without this test.
    """
    if isinstance(own, StoredShare):
        return False
    if own is not None and not is_clean(own.string_kwh):
        return False
    n_columns = consumption_kwh.shape[1]
    cols = [positions(s.cols, n_columns) for s in specs if s.cols is not None]
    cols = [c for c in cols if len(c)]
    if cols:
        first = min(int(c.min()) for c in cols)
        last = max(int(c.max()) for c in cols)
        if not is_clean(pick(consumption_kwh, slice(None), slice(first, last + 1))):
            return False
    return is_clean(np.asarray(pool_kwh))


def _write(
    out: np.ndarray | None,
    rows: slice,
    tier_cols: dict[str, Columns],
    result: alloc.WaterfallResult,
) -> None:
    """Write the allocation of tiers whose columns are not consecutive into ``out``
    (the kernel wrote the others in place)."""
    if out is None:
        return
    for name, cols in tier_cols.items():
        if not isinstance(cols, slice):
            out[rows, cols] = result.allocated_kwh[name]


def _schedule_rows(shares: np.ndarray | None, rows: slice) -> np.ndarray | None:
    """A schedule key's shares for some intervals (None for other keys)."""
    return None if shares is None else shares[rows]


@dataclass(frozen=True)
class _TierSpec:
    """What one tier of a building is, the same in every block of intervals: its
    participants' columns, key, caps and flags (:func:`_tier_specs`)."""

    role: str
    cols: Columns | None  # None: an SCE tier (no participants; its demand is the pool)
    key: Key
    cap_frac: float | None
    cap_kwh: float | None
    priority_first: np.ndarray | None
    eligible: np.ndarray | None  # (n_tier_participants,) bool; None: all of them share
    own_strings: bool  # tenants: what their own strings gave comes off their demand


def _tier_specs(
    context: RunContext, b: Building, keys: Mapping[str, Key], own: bool
) -> list[_TierSpec]:
    """The building's tiers in the scenario's order, as far as they do not depend on the
    intervals: made once per building and used for every block (:func:`_tiers`).

    A tier without participants is left out; an SCE (or postcoderoos) members' tier is
    kept when the building has members. ``own``: the building has own strings.
    """
    ids = participant_ids(b)
    policy = context.scenario.allocation
    eligible = context.participants["sharing_eligible"].to_numpy(dtype=bool)
    specs: list[_TierSpec] = []
    for role in policy.order:
        tp: TierPolicy = getattr(policy, role)
        if role == "members":
            assert isinstance(tp, MembersPolicy)
            if tp.mode in ("sce", "postcoderoos"):
                if b.members.count:
                    sce = _TierSpec(
                        role, None, ProportionalKey(), tp.cap_frac, tp.cap_kwh, None, None, False
                    )
                    specs.append(sce)
                continue
        chosen = ids[role][: b.tenants.participating] if role == "tenants" else ids[role]
        cols: Columns = context.columns(chosen)
        if not len(chosen):
            continue
        key = keys.get(role, tp.key)
        flags = priority_first(b, role, key) if isinstance(key, PriorityKey) else None
        # households of another supplier share nothing (Energiewet: one supplier per
        # sharing group); the common connection always shares
        mask = eligible[cols] if role != "common" else None
        specs.append(
            _TierSpec(
                role,
                cols,
                key,
                tp.cap_frac,
                tp.cap_kwh,
                flags,
                None if mask is None or mask.all() else mask,
                role == "tenants" and own,
            )
        )
    return specs


def _tiers(
    context: RunContext,
    b: Building,
    rows: slice,
    consumption_kwh: np.ndarray,
    own: BuildingStrings | None,
    pool: np.ndarray,
    schedules: Mapping[tuple[str, str], np.ndarray],
    out: np.ndarray | None,
    keys: Mapping[str, Key],
    specs: list[_TierSpec] | None = None,
) -> tuple[list[alloc.Tier], dict[str, Columns], bool]:
    """The building's tiers in the scenario's order for the intervals ``rows``, their
    columns, and whether the last one is an SCE tier (it feeds in all that reaches it;
    its demand is the whole pool, ``pool`` being that of ``rows``).

    A tier's demand is its participants' consumption, less what their own strings gave
    (tenants), with households of another supplier than the sharing one left out.
    Consecutive columns get ``out``: the kernel writes their allocation in place. A tier
    named in ``keys`` shares by that key (a max-min key solved on the whole year,
    :func:`_maxmin_keys`); a priority key gets its households' flags. ``specs``: the
    building's :func:`_tier_specs` for these ``keys``, made once for many blocks
    (made here when not given).
    """
    if specs is None:
        specs = _tier_specs(context, b, keys, own is not None)
    tiers: list[alloc.Tier] = []
    tier_cols: dict[str, Columns] = {}
    sce_tier = False
    for spec in specs:
        role, cols = spec.role, spec.cols
        if cols is None:
            # SCE: the tier takes all that reaches it and feeds it in (no kWh netting);
            # its "demand" is the whole pool, an upper bound of what can reach it.
            sce_tier = True
            tiers.append(
                alloc.Tier(
                    name=role,
                    demand_kwh=pool[:, None].copy(),
                    key=spec.key,
                    cap_frac=spec.cap_frac,
                    cap_kwh=spec.cap_kwh,
                )
            )
            continue
        d = pick(consumption_kwh, rows, cols)
        if spec.own_strings:  # what the own string left
            assert own is not None
            used = own.used(rows, consumption_kwh)
            d = np.subtract(d, used, out=used)
        if spec.eligible is not None:  # another supplier: out of sharing (x 1.0 is exact)
            d = d * spec.eligible[None, :]
        tier_cols[role] = cols
        tiers.append(
            alloc.Tier(
                name=role,
                demand_kwh=d,
                key=spec.key,
                schedule_shares_frac=_schedule_rows(schedules.get((b.id, role)), rows),
                priority_first=spec.priority_first,
                cap_frac=spec.cap_frac,
                cap_kwh=spec.cap_kwh,
                # consecutive columns: the allocation is written in place
                out=out[rows, cols] if out is not None and isinstance(cols, slice) else None,
            )
        )
    return tiers, tier_cols, sce_tier


def priority_first(b: Building, role: str, key: PriorityKey) -> np.ndarray:
    """Who a priority key serves first among a tier's participants: households flagged
    ``energy_poor``, or of one of the key's income classes (a flag given once holds for
    the whole group); the common connection never. ``(n_tier_participants,)`` bool."""
    if role == "common":
        return np.zeros(1, dtype=bool)
    group = b.tenants if role == "tenants" else b.members
    n = b.tenants.participating if role == "tenants" else b.members.count
    if key.first == "energy_poor":
        given: object = group.energy_poor
        flags = [bool(f) for f in given] if isinstance(given, list) else [bool(given)] * n
    else:
        classes = group.income_class
        listed = classes if isinstance(classes, list) else [classes] * n
        flags = [c in key.income_classes for c in listed]
    return np.asarray(flags[:n], dtype=bool)


def _maxmin_keys(
    context: RunContext,
    b: Building,
    pool_kwh: np.ndarray,
    consumption_kwh: np.ndarray,
    own: BuildingStrings | None,
    schedules: Mapping[tuple[str, str], np.ndarray],
) -> dict[str, Key]:
    """Each max-min tier's static key, solved on the whole year: on what reaches the
    tier under the tiers before it (:func:`energysim.sharing.maxmin.maxmin_shares`), so
    that a waterfall shared block by block, or again with a battery, uses one key."""
    policy = context.scenario.allocation
    keys: dict[str, Key] = {}
    rows = slice(0, context.n_steps)
    for role in policy.order:
        key = getattr(policy, role).key
        if not isinstance(key, MaxMinKey):
            continue
        placeholder = keys | {role: ProportionalKey()}
        tiers, _, _ = _tiers(
            context, b, rows, consumption_kwh, own, pool_kwh, schedules, None, placeholder
        )
        names = [t.name for t in tiers]
        if role not in names:
            continue
        upto = tiers[: names.index(role) + 1]
        reach = alloc.allocate_waterfall(pool_kwh, upto).reach_kwh[role]
        shares = maxmin_shares(reach, upto[-1].demand_kwh)
        keys[role] = StaticKey(shares_frac=shares.tolist(), variant=key.variant)
    return keys
