"""Batteries in a run: a shared battery in the waterfall, home batteries behind meters.

The shared battery sits at a building's common connection. It charges from what the
waterfall would otherwise feed in there, and discharges later into the *same* waterfall:
the tiers in their order, each with its own key and caps, so a household's share of the
battery's energy follows the scheme's own key. What no tier takes is fed in. With
``discharge_counts_as_shared = false`` the battery serves the common installations only;
a members' tier in SCE or postcoderoos mode feeds its energy in and takes no battery
energy.

A home battery sits behind a dwelling's meter: it charges from what the dwelling's own
string leaves and discharges into the dwelling's own demand before anything is shared.

Every battery's year is simulated at its mean state of health over the project
lifetime: a first pass at the nominal capacity gives the equivalent full cycles, the
throughput degradation (:func:`energysim.sharing.battery.battery_life`) the mean usable
capacity, and a second pass runs at that capacity. Energy per interval balances:
generation = received + fed in + charge - discharge, and charge - discharge = SoC
change + losses.

Each function returns what it made: a battery's run, what its dwellings use and leave
with it (home), what each participant received from it (shared, which the building's
sharing adds to the shared energy it was handed, :func:`add_discharge`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from energysim.config.buildings import Building
from energysim.config.features import BatteryFigures, HomeBatteries, SharedBattery
from energysim.inputs.context import RunContext
from energysim.inputs.electrification import ElectricLoads
from energysim.inputs.loading import SharingFiles
from energysim.inputs.participants import Columns
from energysim.sharing import allocation as alloc
from energysim.sharing import dispatch as strategies
from energysim.sharing.battery import (
    BatteryFlows,
    BatteryLife,
    BatterySpec,
    battery_life,
    check_limits,
    dispatch,
    equivalent_full_cycles,
)
from energysim.sharing.waterfall import WaterfallPass

FloatArray = NDArray[np.float64]
SCE_MODES = ("sce", "postcoderoos")


def battery_spec(figures: BatteryFigures) -> BatterySpec:
    """The kernel's :class:`BatterySpec` of a scenario battery."""
    return BatterySpec(
        capacity_kwh=figures.capacity_kwh,
        charge_power_kw=figures.charge_power_kw
        if figures.charge_power_kw is not None
        else figures.power_kw,
        discharge_power_kw=figures.discharge_power_kw
        if figures.discharge_power_kw is not None
        else figures.power_kw,
        round_trip_efficiency_frac=figures.round_trip_efficiency_frac,
        soc_min_frac=figures.soc_min_frac,
        soc_max_frac=figures.soc_max_frac,
        initial_soc_frac=figures.soc_min_frac
        if figures.initial_soc_frac is None
        else figures.initial_soc_frac,
    )


@dataclass(frozen=True)
class BatteryRun:
    """One battery (or a group of identical home batteries) over the simulated year.

    Attributes
    ----------
    building_id : str
    kind : {"shared", "home"}
    figures : BatteryFigures
        The scenario's figures.
    spec : BatterySpec
        As simulated: the capacity is the nominal one times ``life.mean_soh_frac``.
    flows : BatteryFlows
        ``(n_steps,)`` for a shared battery, ``(n_steps, n_dwellings)`` for home ones.
    life : BatteryLife
    cycles_per_yr : float
    columns : numpy.ndarray
        Participant positions that received the battery's energy.
    received_kwh : numpy.ndarray
        Annual energy each of those received from the battery [kWh/yr].
    received_value_eur : numpy.ndarray
        ``sum_t received * supply price`` of each [EUR/yr], excl. VAT.
    charged_kwh : numpy.ndarray
        Annual energy each home battery took from its string [kWh/yr] (home only).
    charged_value_eur : numpy.ndarray
        ``sum_t charged * supply price`` of each home battery [EUR/yr], excl. VAT (home
        only): what a dynamic contract would have paid for it fed in.
    exported_kwh : numpy.ndarray
        ``(n_steps,)`` battery energy no tier took, fed in [kWh] (shared only).
    common_export_without_kwh : float
        The common connection's feed-in without the battery [kWh/yr] (shared only).
    common_export_without_value_eur : float
        That feed-in at the interval supply prices [EUR/yr], excl. VAT (shared only).
    dispatch_label : str
        Strategy, and "perfect foresight" when asked for.
    """

    building_id: str
    kind: str
    figures: BatteryFigures
    spec: BatterySpec
    flows: BatteryFlows
    life: BatteryLife
    cycles_per_yr: float
    columns: NDArray[np.int64]
    received_kwh: FloatArray
    received_value_eur: FloatArray
    charged_kwh: FloatArray = field(default_factory=lambda: np.zeros(0))
    charged_value_eur: FloatArray = field(default_factory=lambda: np.zeros(0))
    exported_kwh: FloatArray = field(default_factory=lambda: np.zeros(0))
    common_export_without_kwh: float = 0.0
    common_export_without_value_eur: float = 0.0
    dispatch_label: str = "self_consumption"

    @property
    def count(self) -> int:
        """Number of batteries in the run (1 for a shared battery)."""
        return 1 if self.flows.charge_kwh.ndim == 1 else int(self.flows.charge_kwh.shape[1])

    @property
    def nominal_capacity_kwh(self) -> float:
        """Nominal capacity of all batteries of the run together [kWh]."""
        return self.figures.capacity_kwh * self.count

    def net_charge_kwh(self) -> FloatArray:
        """``(n_steps,)`` charge minus discharge of all batteries of the run [kWh]."""
        net = self.flows.charge_kwh - self.flows.discharge_kwh
        return net if net.ndim == 1 else net.sum(axis=1)


def _aged_dispatch(
    figures: BatteryFigures,
    lifetime_yr: int,
    step_h: float,
    run: Any,
    rooms: tuple[FloatArray, FloatArray] | None = None,
) -> tuple[BatterySpec, BatteryFlows, BatteryLife, float]:
    """Dispatch at the mean state of health over the lifetime.

    ``run(spec) -> BatteryFlows`` is the strategy. The cycles that set the state of
    health come from a first, greedy pass at the nominal capacity on the hourly sums of
    ``rooms`` (charge, discharge) when given (an estimate feeding an estimate, at a
    quarter of the cost), else from ``run`` itself.
    """
    nominal = battery_spec(figures)
    if rooms is not None:
        k = max(1, int(round(1.0 / step_h)))
        hourly = [_sum_steps(r, k) for r in rooms]
        first = dispatch(nominal, hourly[0], hourly[1], step_h * k)
    else:
        first = run(nominal)
    cycles = equivalent_full_cycles(first, nominal.capacity_kwh * _window(nominal))
    life = battery_life(
        cycles,
        figures.fade_frac_per_cycle,
        figures.calendar_fade_frac_per_yr,
        figures.end_of_life_frac,
        lifetime_yr,
    )
    aged = nominal.scaled(life.mean_soh_frac)
    flows = run(aged)
    check_limits(aged, flows, step_h)
    return aged, flows, life, equivalent_full_cycles(flows, aged.capacity_kwh * _window(aged))


def _sum_steps(x: FloatArray, k: int) -> FloatArray:
    """Sums of ``k`` consecutive steps along axis 0 (``x`` as is when ``k`` does not fit)."""
    if k == 1 or x.shape[0] % k:
        return x
    return x.reshape(x.shape[0] // k, k, *x.shape[1:]).sum(axis=1)


def _window(spec: BatterySpec) -> float:
    return spec.soc_max_frac - spec.soc_min_frac


# --------------------------------------------------------------------------- home batteries
def home_batteries(
    figures: HomeBatteries,
    building_id: str,
    used_kwh: FloatArray,
    surplus_kwh: FloatArray,
    demand_kwh: FloatArray,
    columns: Columns,
    context: RunContext,
    supply_price_eur_per_kwh: FloatArray,
) -> tuple[BatteryRun, FloatArray, FloatArray]:
    """Charge each dwelling's battery from its string's surplus, discharge into its demand.

    Parameters
    ----------
    used_kwh, surplus_kwh : numpy.ndarray
        ``(n_steps, n_taking_part)`` what the dwellings used of their strings and what
        was left (:func:`energysim.sharing.own_strings.allocate_own_strings`) [kWh].
    demand_kwh : numpy.ndarray
        ``(n_steps, n_taking_part)`` their consumption [kWh].
    columns : slice or list of int
        Their participant columns.
    supply_price_eur_per_kwh : numpy.ndarray
        ``(n_steps,)`` bare supply price, the value of what a battery gives [EUR/kWh].

    Returns
    -------
    BatteryRun, numpy.ndarray, numpy.ndarray
        The batteries' run, and what the first ``n`` dwellings (those with a battery) use
        and leave with it, ``(n_steps, n)`` [kWh]: the discharge is used behind the meter,
        the charge no longer fed in (or passed on).
    """
    n = used_kwh.shape[1] if figures.dwellings is None else figures.dwellings
    with_battery = slice(0, n)
    step_h = context.step_h
    room_c = surplus_kwh[:, with_battery]
    room_d = np.maximum(demand_kwh[:, with_battery] - used_kwh[:, with_battery], 0.0)
    spec, flows, life, cycles = _aged_dispatch(
        figures,
        context.scenario.finance.lifetime_yr,
        step_h,
        lambda s: dispatch(s, room_c, room_d, step_h),
        (room_c, room_d),
    )
    # never more than the dwelling uses (the scan's rounding may add an ulp)
    used = np.minimum(used_kwh[:, with_battery] + flows.discharge_kwh, demand_kwh[:, with_battery])
    left = np.maximum(room_c - flows.charge_kwh, 0.0)
    positions = np.arange(columns.start, columns.stop) if isinstance(columns, slice) else columns
    run = BatteryRun(
        building_id=building_id,
        kind="home",
        figures=figures,
        spec=spec,
        flows=flows,
        life=life,
        cycles_per_yr=cycles,
        columns=np.asarray(positions, dtype=np.int64)[:n],
        received_kwh=flows.discharge_kwh.sum(axis=0),
        received_value_eur=(flows.discharge_kwh * supply_price_eur_per_kwh[:, None]).sum(axis=0),
        charged_kwh=flows.charge_kwh.sum(axis=0),
        charged_value_eur=(flows.charge_kwh * supply_price_eur_per_kwh[:, None]).sum(axis=0),
    )
    return run, used, left


# --------------------------------------------------------------------------- shared battery
@dataclass(frozen=True)
class SharedDischarge:
    """What the participants received from a shared battery, to add to the run's shared
    energy (:func:`add_discharge`).

    Attributes
    ----------
    rows : numpy.ndarray
        The intervals the battery discharged in.
    received : tuple of (columns, numpy.ndarray)
        Per netting tier, its participant columns and what each received in those
        intervals, ``(len(rows), n_columns)`` [kWh].
    """

    rows: NDArray[np.intp]
    received: tuple[tuple[Columns, FloatArray], ...]


def shared_battery(
    context: RunContext, b: Building, waterfall: WaterfallPass, prices: SharingFiles
) -> tuple[BatteryRun, SharedDischarge]:
    """Run a building's shared battery on its waterfall and share its energy by the keys.

    Parameters
    ----------
    context : RunContext
    b : Building
        With a ``battery``.
    waterfall : WaterfallPass
        The building's waterfall of the whole year, as allocated.
    prices : SharingFiles
        The supply price [EUR/kWh] (the value of the battery's energy) and the day-ahead
        prices a price-aware battery looks at.

    Returns
    -------
    BatteryRun, SharedDischarge
        The battery's run (``exported_kwh``: the battery energy no tier took), and what
        each participant received from it.

    Notes
    -----
    The battery may charge ``x_t`` (the common connection's feed-in) and discharge up to
    the demand the netting tiers still have, ``sum_tiers sum_p (D_tp - a_tp)``. Its
    discharge is shared tier after tier: tier ``i`` receives
    ``min(remaining, cap_frac * discharge, cap_kwh - a_i)`` and divides it with its key.
    """
    battery = b.battery
    assert battery is not None
    n_steps = context.n_steps
    tiers, allocated_kwh = waterfall.netting_tiers, waterfall.allocated_kwh
    common_export_kwh = waterfall.export_kwh
    netting = [t for t in tiers if battery.discharge_counts_as_shared or t.name == "common"]
    # a <= D per participant, so the sums' difference is the demand left
    demand = np.zeros(n_steps)
    for t in netting:
        demand += t.demand_kwh.sum(axis=1)
    if len(netting) == len(tiers):
        taken = waterfall.netting_allocated_kwh
    else:
        taken = sum((allocated_kwh[t.name].sum(axis=1) for t in netting), np.zeros(n_steps))
    room_d = np.maximum(demand - taken, 0.0)
    supply = prices.supply_price_eur_per_kwh
    plan, label, room_d = _shared_plan(
        battery, context, common_export_kwh, room_d, prices.day_ahead_price_eur_per_kwh(b.id)
    )
    greedy_rooms = None if battery.foresight == "perfect" else (common_export_kwh, room_d)
    lifetime_yr = context.scenario.finance.lifetime_yr
    spec, flows, life, cycles = _aged_dispatch(
        battery, lifetime_yr, context.step_h, plan, greedy_rooms
    )
    rows = np.flatnonzero(flows.discharge_kwh > 0.0)
    received, remaining = _share_discharge(
        netting, rows, flows, allocated_kwh, waterfall.tier_columns
    )
    exported = np.zeros(n_steps)
    exported[rows] = remaining
    positions, kwh, value_eur = _received_per_participant(received, rows, supply[rows])
    run = BatteryRun(
        building_id=b.id,
        kind="shared",
        figures=battery,
        spec=spec,
        flows=flows,
        life=life,
        cycles_per_yr=cycles,
        columns=np.concatenate(positions) if positions else np.zeros(0, dtype=np.int64),
        received_kwh=np.concatenate(kwh) if kwh else np.zeros(0),
        received_value_eur=np.concatenate(value_eur) if value_eur else np.zeros(0),
        exported_kwh=exported,
        common_export_without_kwh=float(common_export_kwh.sum()),
        common_export_without_value_eur=float((common_export_kwh * supply).sum()),
        dispatch_label=label,
    )
    return run, SharedDischarge(rows, tuple(received))


def _shared_plan(
    battery: SharedBattery,
    context: RunContext,
    common_export_kwh: FloatArray,
    room_d: FloatArray,
    day_ahead_price_eur_per_kwh: FloatArray,
) -> tuple[Callable[[BatterySpec], BatteryFlows], str, FloatArray]:
    """How the shared battery plans its year: its dispatch of a given spec, the label of
    its strategy, and the room to discharge it plans with (a price-aware battery keeps
    its energy for the dearer intervals) [kWh/interval].

    A price-aware battery looks at its day-ahead prices (its own file's, else the supply
    price), with or without foresight; a self-consumption one with perfect foresight at
    the supply price (``day_ahead_price_eur_per_kwh`` is then the supply price). A
    perfect-foresight plan values a discharged kWh at that price with VAT, plus the energy
    tax it saves where that is so: when the battery serves the common installations only
    (behind their meter) or the households' battery kWh are untaxed (payer ``nobody``);
    kWh delivered to households over the grid carry energy tax at the recipient (Wbm art.
    50). A charged kWh is valued at the feed-in compensation it forgoes.
    """
    label: str = battery.dispatch
    tariffs, index, step_h = context.tariffs, context.index, context.step_h
    price = day_ahead_price_eur_per_kwh
    if battery.foresight == "perfect":
        payer = battery.energy_tax_payer(context.scenario.tariffs.shared_energy_tax)
        saves_tax = not battery.discharge_counts_as_shared or payer == "nobody"
        tax = tariffs.energy_tax_excl_vat_eur_per_kwh if saves_tax else 0.0
        value = (price + tax) * (1.0 + tariffs.vat_frac)
        label = f"{battery.dispatch}, perfect foresight (an upper bound, not achievable)"

        def perfect(spec: BatterySpec) -> BatteryFlows:
            return strategies.perfect_foresight(
                spec,
                common_export_kwh,
                room_d,
                step_h,
                value,
                tariffs.feed_in_compensation_excl_vat_eur_per_kwh,
            )

        return perfect, label, room_d
    if battery.dispatch == "price_aware":
        room_d = strategies.price_aware_discharge_room(
            room_d, price, index, battery.discharge_price_quantile_frac
        )
    room = room_d

    def greedy(spec: BatterySpec) -> BatteryFlows:
        return dispatch(spec, common_export_kwh, room, step_h)

    return greedy, label, room_d


def _share_discharge(
    netting: Sequence[alloc.Tier],
    rows: NDArray[np.intp],
    flows: BatteryFlows,
    allocated_kwh: dict[str, FloatArray],
    tier_columns: dict[str, Columns],
) -> tuple[list[tuple[Columns, FloatArray]], FloatArray]:
    """The battery's discharge in the intervals ``rows``, shared tier after tier: each
    tier's columns and what its participants received, and what no tier took [kWh]."""
    remaining = flows.discharge_kwh[rows]
    received: list[tuple[Columns, FloatArray]] = []
    for t in netting:
        if not remaining.any():  # the tiers before took it all
            break
        reach = remaining
        if t.cap_frac is not None:
            reach = np.minimum(reach, t.cap_frac * flows.discharge_kwh[rows])
        if t.cap_kwh is not None:
            used = allocated_kwh[t.name][rows].sum(axis=1)
            reach = np.minimum(reach, np.maximum(t.cap_kwh - used, 0.0))
        schedule = None if t.schedule_shares_frac is None else t.schedule_shares_frac[rows]
        residual = np.maximum(t.demand_kwh[rows] - allocated_kwh[t.name][rows], 0.0)
        share = alloc.allocate(
            reach,
            residual,
            t.key,
            schedule_shares_frac=schedule,
            priority_first=t.priority_first,
        )
        remaining = np.maximum(remaining - share.allocated_kwh.sum(axis=1), 0.0)
        received.append((tier_columns[t.name], share.allocated_kwh))
    return received, remaining


def _received_per_participant(
    received: list[tuple[Columns, FloatArray]],
    rows: NDArray[np.intp],
    price_rows: FloatArray,
) -> tuple[list[NDArray[np.int64]], list[FloatArray], list[FloatArray]]:
    """Per tier the participants' positions, the annual kWh each received from the
    battery and its value at the supply price ``price_rows`` of the intervals ``rows``
    [kWh/yr, EUR/yr]."""
    positions: list[NDArray[np.int64]] = []
    kwh: list[FloatArray] = []
    value_eur: list[FloatArray] = []
    flat = bool((price_rows == price_rows[0]).all()) if len(rows) else True
    for cols, a in received:
        pos = np.arange(cols.start, cols.stop) if isinstance(cols, slice) else np.asarray(cols)
        positions.append(pos.astype(np.int64))
        received_kwh = a.sum(axis=0)
        kwh.append(received_kwh)
        value_eur.append(
            received_kwh * price_rows[0]
            if flat and len(rows)
            else (a * price_rows[:, None]).sum(axis=0)
        )
    return positions, kwh, value_eur


def add_discharge(shared_kwh: FloatArray, discharge: SharedDischarge) -> None:
    """Add what each participant received from a shared battery to ``shared_kwh``
    (``(n_steps, n_participants)``, the run's shared energy the building's sharing was
    handed), in place [kWh/interval]."""
    rows = discharge.rows
    for cols, a in discharge.received:
        if isinstance(cols, slice):
            block = shared_kwh[:, cols]  # a view: the rows are added in place
            block[rows] += a
        else:
            shared_kwh[np.ix_(rows, np.asarray(cols))] += a


@dataclass(frozen=True)
class StorageResult:
    """Batteries and electric loads of a run: absent from a run without them.

    Attributes
    ----------
    batteries : tuple of BatteryRun
        Shared and home batteries, building by building.
    loads : ElectricLoads or None
        Heat pumps and EV charging, when any building has them.
    """

    batteries: tuple[BatteryRun, ...]
    loads: ElectricLoads | None = None

    def net_charge_kwh(self, n_steps: int) -> FloatArray:
        """``(n_steps,)`` charge minus discharge of all batteries [kWh]."""
        net = np.zeros(n_steps)
        for run in self.batteries:
            net += run.net_charge_kwh()
        return net

    def per_participant(self, n_participants: int, kind: str, what: str) -> FloatArray:
        """``(n_participants,)`` annual ``received_kwh``, ``received_value_eur``,
        ``charged_kwh`` or ``charged_value_eur`` of the batteries of a kind ("shared" or
        "home")."""
        out = np.zeros(n_participants)
        for run in self.batteries:
            if run.kind == kind:
                np.add.at(out, run.columns, getattr(run, what))
        return out
