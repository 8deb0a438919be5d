"""One building's sharing: own strings and home batteries, the waterfall, a shared battery.

:func:`share_building` is the sharing step of a run for one building, in the order of
domain.md section 3: the strings behind each participating dwelling's meter (and the
home batteries behind them), then the common connection's pool tier after tier
(:mod:`energysim.sharing.waterfall`), then its shared battery (:mod:`energysim.sharing.
storage`), which charges from what the waterfall would feed in and discharges into the
same tiers. It writes its participants' shared energy into the run's array it is handed
(``out``: every building has its own columns) and returns everything else it made as one
finished :class:`BuildingSharing`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from energysim.config.buildings import Building
from energysim.config.scenario import Scenario, participant_ids
from energysim.inputs.context import RunContext
from energysim.inputs.loading import SharingFiles
from energysim.sharing.blocks import block_rows, pick, sum_columns
from energysim.sharing.own_strings import (
    BuildingStrings,
    StoredShare,
    StringShare,
    allocate_own_strings,
)
from energysim.sharing.waterfall import (
    BuildingWaterfall,
    waterfall_by_blocks,
    waterfall_one_pass,
)

if TYPE_CHECKING:  # imported where a building has batteries: most have none
    from energysim.sharing.storage import BatteryRun


@dataclass(frozen=True)
class BuildingSharing:
    """What sharing one building's generation gave (:func:`share_building`).

    The participants' shared energy is in the run's array the step was handed; these are
    the building's own series [kWh/interval], its part of the own strings and its
    batteries.

    Attributes
    ----------
    building_id : str
    export_kwh : numpy.ndarray
        ``(n_steps,)`` everything fed in: the common connection's remainder (with its
        shared battery), the own strings' surplus and the SCE tier's energy.
    common_export_kwh : numpy.ndarray
        ``(n_steps,)`` what the common connection feeds in after the waterfall and its
        shared battery.
    sce_kwh : numpy.ndarray
        ``(n_steps,)`` what the neighbourhood tier feeds in under the SCE (zeros without).
    generation_kwh : numpy.ndarray
        ``(n_steps,)`` the building's generation, all arrays.
    strings : StringShare or StoredShare or None
        The strings behind its participating dwellings' meters (None without
        per-dwelling arrays).
    batteries : tuple of BatteryRun
        Its home batteries, then its shared battery.
    """

    building_id: str
    export_kwh: np.ndarray
    common_export_kwh: np.ndarray
    sce_kwh: np.ndarray
    generation_kwh: np.ndarray
    strings: BuildingStrings | None
    batteries: tuple[BatteryRun, ...]


def strings_stored(scenario: Scenario) -> bool:
    """Whether a run keeps its own strings as arrays (:class:`~energysim.sharing.
    own_strings.StoredShare`): when it has per-dwelling arrays and home batteries, which
    change what the dwellings use and feed in; otherwise one string per building."""
    has_own = any(a.setup == "per_dwelling" for b in scenario.buildings for a in b.arrays)
    return has_own and any(b.home_batteries is not None for b in scenario.buildings)


def share_building(
    context: RunContext,
    b: Building,
    generation_kwh: pd.DataFrame,
    consumption_kwh: np.ndarray,
    files: SharingFiles,
    out: np.ndarray,
    *,
    one_pass: bool = False,
) -> BuildingSharing:
    """Own strings, the waterfall and the batteries of one building.

    Parameters
    ----------
    context : RunContext
    b : Building
    generation_kwh : pandas.DataFrame
        Time x array id [kWh/interval].
    consumption_kwh : numpy.ndarray
        ``(n_steps, n_participants)`` the run's consumption, electric loads included
        [kWh/interval].
    files : SharingFiles
        The supply price, schedule keys and day-ahead prices (read before sharing).
    out : numpy.ndarray
        ``(n_steps, n_participants)`` float64, the run's shared energy: the building's
        participants' columns are written (waterfall and shared battery).
    one_pass : bool
        Share the whole year in one pass even without a shared battery (the same
        numbers as block by block).

    Notes
    -----
    Without a shared battery the waterfall is shared block by block of intervals
    (:func:`~energysim.sharing.waterfall.waterfall_by_blocks`); a shared battery reads
    each tier's allocation of the whole year, so its building takes one pass.
    """
    own = _own_strings(context, b, generation_kwh, consumption_kwh, files)
    schedules = files.schedule_shares_frac
    battery: BatteryRun | None = None
    if b.battery is None and not one_pass:
        export, sce = waterfall_by_blocks(
            context, b, own.pool_kwh, consumption_kwh, own.strings, schedules, out
        )
    else:
        waterfall = waterfall_one_pass(
            context, b, own.pool_kwh, consumption_kwh, own.strings, schedules, out
        )
        export, sce = waterfall.export_kwh, waterfall.sce_kwh
        if b.battery is not None:
            from energysim.sharing.storage import add_discharge, shared_battery

            battery, discharge = shared_battery(context, b, waterfall, files)
            add_discharge(out, discharge)
    fed_in = export + own.export_kwh + sce
    common_export = export
    if battery is not None:  # what it charged is no longer fed in; what no tier took is
        change = battery.exported_kwh - battery.flows.charge_kwh
        fed_in, common_export = fed_in + change, np.maximum(export + change, 0.0)
    return BuildingSharing(
        building_id=b.id,
        export_kwh=fed_in,
        common_export_kwh=common_export,
        sce_kwh=sce,
        generation_kwh=sum_columns(generation_kwh, [a.id for a in b.arrays]),
        strings=own.strings,
        batteries=tuple(r for r in (own.home, battery) if r is not None),
    )


def building_waterfall(
    context: RunContext,
    b: Building,
    generation_kwh: pd.DataFrame,
    consumption_kwh: np.ndarray,
    files: SharingFiles,
) -> BuildingWaterfall:
    """A building's waterfall of the whole year as a run sets it up (own strings and
    home batteries first; arguments as :func:`share_building`), to share the same energy
    again with other keys (:mod:`energysim.design.keys`)."""
    own = _own_strings(context, b, generation_kwh, consumption_kwh, files)
    schedules = files.schedule_shares_frac
    waterfall = waterfall_one_pass(
        context, b, own.pool_kwh, consumption_kwh, own.strings, schedules, None
    )
    return waterfall.kept(context, b.id)


class _OwnStrings(NamedTuple):
    """A building's own strings and what they leave for the waterfall [kWh/interval]."""

    strings: BuildingStrings | None
    pool_kwh: np.ndarray  # (n_steps,) what the common connection shares
    export_kwh: np.ndarray  # (n_steps,) what the strings feed in (zeros unless exported)
    home: BatteryRun | None


def _own_strings(
    context: RunContext,
    b: Building,
    generation_kwh: pd.DataFrame,
    consumption_kwh: np.ndarray,
    files: SharingFiles,
) -> _OwnStrings:
    """The strings behind each participating dwelling's meter, and home batteries.

    Every dwelling's string is the same share of the per-dwelling arrays. Without home
    batteries in the run the string is kept as one (:class:`StringShare`: what each
    dwelling used and fed in is computed where it is read, here block by block); with
    them, what each dwelling uses and feeds in is kept as arrays (:class:`StoredShare`).
    The surplus is fed in (``per_dwelling_surplus = "export"``) or added to the pool of
    the common connection.
    """
    n_steps = context.n_steps
    pool = sum_columns(generation_kwh, [a.id for a in b.arrays if a.setup == "common"])
    per_dwelling = [a.id for a in b.arrays if a.setup == "per_dwelling"]
    if not per_dwelling:
        return _OwnStrings(None, pool, np.zeros(n_steps), None)
    # the scenario ensures tenants.participating > 0
    tenants = participant_ids(b)["tenants"]
    taking_part = context.columns(tenants[: b.tenants.participating])
    # every dwelling's string is the same: broadcast one column
    strings = sum_columns(generation_kwh, per_dwelling) / min(b.tenants.participating, len(tenants))
    exported = context.scenario.allocation.per_dwelling_surplus == "export"
    home: BatteryRun | None = None
    part: BuildingStrings
    if not strings_stored(context.scenario):  # no (n_steps, n_dwellings) arrays
        part = StringShare(taking_part, strings)
        surplus, step = np.empty(n_steps), block_rows(consumption_kwh.shape[1])
        for start in range(0, n_steps, step):
            rows = slice(start, start + step)
            _, surplus_b = allocate_own_strings(
                strings[rows, None], pick(consumption_kwh, rows, taking_part)
            )
            surplus[rows] = surplus_b.sum(axis=1)
    else:
        demand = consumption_kwh[:, taking_part]
        used, left = allocate_own_strings(strings[:, None], demand)
        if b.home_batteries is not None:  # behind each meter, before any sharing
            from energysim.sharing.storage import home_batteries

            home, used_b, left_b = home_batteries(
                b.home_batteries,
                b.id,
                used,
                left,
                demand,
                taking_part,
                context,
                files.supply_price_eur_per_kwh,
            )
            used[:, : used_b.shape[1]] = used_b
            left[:, : left_b.shape[1]] = left_b
        part = StoredShare(taking_part, used, left if exported else None)
        surplus = left.sum(axis=1)
    if exported:
        return _OwnStrings(part, pool, surplus, home)
    return _OwnStrings(part, pool + surplus, np.zeros(n_steps), home)
