"""Run one scenario: weather -> generation -> consumption -> allocation -> money.

Orchestration only: every physical, allocation and money rule lives in its own module
(docs/architecture.md draws the pipeline). :func:`run` takes these steps, each given
what it needs and returning what it made:

1. :func:`set_up`: the checks of the scenario that read no file
   (:func:`energysim.inputs.preflight.check_scenario`), then the run's one
   :class:`~energysim.inputs.context.RunContext` (tariffs, time axis, participants,
   their columns, the step, the household pool);
2. every data file of the run, read in one step
   (:func:`energysim.inputs.loading.read_run_files`, the step ``energysim validate``
   shares);
3. the inputs (:class:`~energysim.inputs.context.RunInputs`): generation per array
   (:mod:`energysim.inputs.array_generation`) and consumption per participant
   (:mod:`energysim.inputs.consumption`), or those given;
4. heat pumps and EV charging added to the dwellings' consumption
   (:mod:`energysim.inputs.electrification`);
5. per building, own strings, the waterfall and batteries
   (:func:`energysim.sharing.building.share_building`), each writing its columns of the
   run's shared energy; the run's :class:`~energysim.sharing.flows.Flows` assembled from
   them;
6. annual energy per participant (:func:`energysim.sharing.flows.annual_energy`) and per
   building, then the money (:func:`money_accounts`);
7. the :class:`~energysim.results.result.Result`, its energy balance checked, its warnings.

The tables made from a result live in :mod:`energysim.results.tables`; the checks of
``energysim validate`` in :mod:`energysim.validate`.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from energysim.config.plausibility import plausibility_warnings
from energysim.config.scenario import Scenario, participant_ids
from energysim.config.tariffs import TariffSet
from energysim.core.frames import block_frame, float_frame
from energysim.core.messages import Message
from energysim.inputs.array_generation import generation_kwh
from energysim.inputs.consumption import consumption_with_notes
from energysim.inputs.context import RunContext, RunInputs, run_context
from energysim.inputs.electrification import ElectricLoads, has_electric_loads, with_electric_loads
from energysim.inputs.household_pool import HouseholdPool
from energysim.inputs.kept_profiles import KeptProfiles
from energysim.inputs.loading import RunFiles, read_run_files, read_sharing_files
from energysim.inputs.preflight import (
    check_scenario,
)
from energysim.money.accounts import Accounts, build_accounts
from energysim.results.balance import check_energy_balance
from energysim.results.result import Result
from energysim.results.warnings import result_warnings
from energysim.sharing.blocks import take_kwh
from energysim.sharing.building import (
    BuildingSharing,
    building_waterfall,
    share_building,
)
from energysim.sharing.flows import Flows, annual_energy
from energysim.sharing.own_strings import OwnStrings, own_strings
from energysim.sharing.waterfall import BuildingWaterfall

if TYPE_CHECKING:  # imported where a run has batteries or electric loads: most have neither
    from energysim.sharing.storage import StorageResult

__all__ = [
    "building_waterfalls",
    "money_accounts",
    "run",
    "set_up",
]


# --------------------------------------------------------------------------- run
def run(
    scenario: Scenario | str | os.PathLike[str],
    *,
    inputs: RunInputs | None = None,
    household_pool: HouseholdPool | None = None,
    kept_profiles: KeptProfiles | None = None,
) -> Result:
    """Simulate a scenario for its year.

    Parameters
    ----------
    scenario : Scenario or path
        A validated scenario (see :func:`energysim.config.scenario.load_scenario`), or the path
        of a scenario TOML file to load.
    inputs : RunInputs, optional
        Generation and consumption to use instead of simulating them (e.g. those of an
        earlier run of the same scenario with other keys, fees or owners).
    household_pool : HouseholdPool, optional
        Draw the modelled households from this pool of household-years instead of
        generating each (:mod:`energysim.inputs.household_pool`; a batch of a portfolio).
    kept_profiles : KeptProfiles, optional
        Households an earlier run given these generated are copied from them, the same to
        the bit, and this run's are kept (:mod:`energysim.inputs.kept_profiles`; dashboard).

    Returns
    -------
    Result
        Time series, per-participant annual figures and money; ``messages`` holds the
        run's notes and the plausibility warnings of its inputs and results
        (:mod:`energysim.config.plausibility`).

    Raises
    ------
    ScenarioError, DataError
        On inconsistent input discovered while running (e.g. a measured CSV); the same
        errors as :func:`energysim.validate.check_inputs`.
    TypeError
        When ``scenario`` is neither a Scenario nor a path.
    """
    context = set_up(scenario, "run", household_pool, kept_profiles)
    scenario, index, participants = context.scenario, context.index, context.participants
    if inputs is not None:  # given: they must fit the scenario before anything is read
        inputs.check(context)
    files = read_run_files(context, physics=inputs is None)
    inputs = inputs or _simulated_inputs(context, files)
    gen = inputs.generation_kwh
    # electric loads follow the generation given (solar-following EVs): added here
    cons, loads = _with_electric_loads(context, files, inputs)
    sharing = files.sharing
    del files  # the measured tables are in the inputs now: not kept twice
    messages: list[str] = plausibility_warnings(scenario) + list(inputs.notes)
    if loads is not None:
        messages += loads.messages  # EV energy that could not be charged
    cons_values = cons.to_numpy()
    shared = np.zeros(cons_values.shape)  # every building writes its participants' columns
    shares = [
        share_building(context, b, gen, cons_values, sharing, shared) for b in scenario.buildings
    ]
    flows = Flows(_own_strings(context, shares, cons_values), shared)
    stored = _storage(context, shares, loads)
    messages += _other_supplier_notes(context)
    export = block_frame({s.building_id: s.export_kwh for s in shares}, index)
    price = sharing.supply_price_eur_per_kwh
    annual = annual_energy(participants.index, cons_values, flows, price)
    buildings = _buildings_table(context, cons_values, flows, shares, price)
    accounts = money_accounts(scenario, context.tariffs, participants, annual, buildings, stored)
    messages += accounts.messages
    result = Result(
        scenario=scenario,
        tariffs=context.tariffs,
        index=index,
        generation_kwh=gen,
        consumption_kwh=cons,
        flows=flows,
        shared_kwh=pd.DataFrame(
            shared, index=index, columns=participants.index.rename(None), copy=False
        ),
        export_kwh=export,
        sce_kwh=block_frame({s.building_id: s.sce_kwh for s in shares}, index),
        participants=participants,
        money=accounts.money,
        buildings=buildings,
        accounts=accounts,
        annual=annual,
        messages=messages,
        storage=stored,
        inputs=inputs,
    )
    check_energy_balance(result)
    return replace(result, messages=messages + result_warnings(result))


def _simulated_inputs(context: RunContext, files: RunFiles) -> RunInputs:
    """Generation per array and consumption per participant made from the files read and
    the models, with the notes of how they were made."""
    assert files.measured_generation_kwh is not None and files.consumption is not None
    gen = generation_kwh(
        context.scenario, context.index, files.measured_generation_kwh, files.weather_file
    )
    cons, notes = consumption_with_notes(context, files.consumption)
    return RunInputs(gen, cons, tuple(notes))


def _with_electric_loads(
    context: RunContext, files: RunFiles, inputs: RunInputs
) -> tuple[pd.DataFrame, ElectricLoads | None]:
    """The consumption with heat pumps and EVs added to the dwellings', and what they
    added; the consumption as it is and None when the scenario has neither."""
    cons = inputs.consumption_kwh
    if not has_electric_loads(context.scenario):
        return cons, None
    values, loads = with_electric_loads(
        context,
        cons.to_numpy(),
        inputs.generation_kwh,
        lambda: files.weather(context)["temp_air"].to_numpy(dtype=np.float64),
    )
    return pd.DataFrame(values, index=cons.index, columns=cons.columns, copy=False), loads


def _own_strings(
    context: RunContext, shares: list[BuildingSharing], consumption_kwh: np.ndarray
) -> OwnStrings:
    """The run's own strings from its buildings' parts."""
    exported = context.scenario.allocation.per_dwelling_surplus == "export"
    parts = [s.strings for s in shares if s.strings is not None]
    return own_strings(parts, consumption_kwh, exported)


def _storage(
    context: RunContext, shares: list[BuildingSharing], loads: ElectricLoads | None
) -> StorageResult | None:
    """The run's batteries, building by building, and its electric loads; None when the
    scenario has neither."""
    has_batteries = any(
        b.battery is not None or b.home_batteries is not None for b in context.scenario.buildings
    )
    if not (has_batteries or loads is not None):
        return None
    from energysim.sharing.storage import StorageResult

    return StorageResult(tuple(run for s in shares for run in s.batteries), loads)


def _other_supplier_notes(context: RunContext) -> list[str]:
    """A note naming the households left out of sharing for another supplier."""
    scenario, participants = context.scenario, context.participants
    excluded = participants.index[~participants["sharing_eligible"].to_numpy(dtype=bool)]
    if not len(excluded):
        return []
    return [
        Message(
            f"{len(excluded)} household(s) have another supplier than "
            f"'{scenario.allocation.sharing_supplier}' and are left out of energy sharing "
            f"(Energiewet: one supplier per sharing group): {', '.join(excluded[:10])}"
            + (" ..." if len(excluded) > 10 else ""),
            "other_supplier_left_out",
            count=len(excluded),
            supplier=str(scenario.allocation.sharing_supplier),
            households=[str(p) for p in excluded],
        )
    ]


def _buildings_table(
    context: RunContext,
    cons_values: np.ndarray,
    flows: Flows,
    shares: list[BuildingSharing],
    price_eur_per_kwh: np.ndarray,
) -> pd.DataFrame:
    """One row per building: capacity [kWp], annual generation, export, the common
    connection's export, SCE feed-in [kWh/yr], the common connection's export at the
    interval supply prices (what a dynamic contract pays for it) [EUR/yr, excl. VAT] and
    its monthly peaks [kW]."""
    blds = context.scenario.buildings
    return float_frame(
        {
            "capacity_kwp": [b.capacity_kwp for b in blds],
            "generation_kwh": [float(s.generation_kwh.sum()) for s in shares],
            "export_kwh": [float(s.export_kwh.sum()) for s in shares],
            "common_export_kwh": [float(s.common_export_kwh.sum()) for s in shares],
            "common_export_value_eur": [
                float((s.common_export_kwh * price_eur_per_kwh).sum()) for s in shares
            ],
            "sce_kwh": [float(s.sce_kwh.sum()) for s in shares],
            **_common_peaks_kw(context, cons_values, flows),
        },
        pd.Index([b.id for b in blds], name="building_id"),
    )


def _common_peaks_kw(
    context: RunContext, consumption: np.ndarray, flows: Flows
) -> dict[str, list[float]]:
    """Per building, the sum over the months of the common connection's peak import [kW].

    Only a large connection pays for its monthly peak (kW max); small ones get 0.
    """
    starts = None  # the first interval of each local month, when a building needs it
    without, with_scheme = [], []
    for b in context.scenario.buildings:
        if b.common.connection != "large":
            without.append(0.0)
            with_scheme.append(0.0)
            continue
        if starts is None:
            local = context.index.tz_convert(context.scenario.site.timezone)
            starts = np.flatnonzero(np.r_[True, np.diff(local.month.to_numpy()) != 0])
        c = context.column[participant_ids(b)["common"][0]]
        use = take_kwh(consumption, cols=c)
        grid = flows.grid_import_kwh(consumption, cols=c)
        without.append(float(np.maximum.reduceat(use, starts).sum() / context.step_h))
        with_scheme.append(float(np.maximum.reduceat(grid, starts).sum() / context.step_h))
    return {"common_monthly_peaks_without_kw": without, "common_monthly_peaks_with_kw": with_scheme}


def money_accounts(
    scenario: Scenario,
    tariffs: TariffSet,
    participants: pd.DataFrame,
    annual: pd.DataFrame,
    buildings: pd.DataFrame,
    stored: StorageResult | None,
) -> Accounts:
    """The money of a run's energy: :func:`energysim.money.accounts.build_accounts`, with the
    batteries' money when there are batteries.

    Re-pricing a run (other fees, capex or owners; no kWh changed) calls this with the
    run's tables: the same money model as :func:`run`.
    """
    accounts = build_accounts(scenario, tariffs, participants, annual, buildings)
    if stored is not None:  # battery money per household and owner
        from energysim.money import batteries as storage_money

        accounts = storage_money.with_battery_money(
            scenario, tariffs, participants, annual, buildings, accounts, stored
        )
    return accounts


# --------------------------------------------------------------------------- set-up
def set_up(
    scenario: Scenario | str | os.PathLike[str],
    caller: str,
    household_pool: HouseholdPool | None = None,
    kept_profiles: KeptProfiles | None = None,
) -> RunContext:
    """The first step of a run: every check that needs no file's contents
    (:func:`energysim.inputs.preflight.check_scenario`: the scenario with the year's tariffs,
    the named files there, the households' draws, the memory), then the run's context
    (:func:`energysim.inputs.context.run_context`)."""
    return run_context(check_scenario(scenario, caller), household_pool, kept_profiles)


def building_waterfalls(result: Result) -> list[BuildingWaterfall]:
    """The waterfall of each building of a run, on the run's generation and consumption.

    For re-sharing the same energy with other keys (see :mod:`energysim.design.keys`)
    without simulating weather, generation or households again; reads the run's
    sharing files (prices, schedule keys) again.
    """
    context = RunContext.make(result.scenario, result.tariffs, result.index, result.participants)
    files = read_sharing_files(context)
    cons = result.consumption_kwh.to_numpy()
    return [
        building_waterfall(context, b, result.generation_kwh, cons, files)
        for b in result.scenario.buildings
    ]
