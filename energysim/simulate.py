"""Run one scenario: weather -> generation -> consumption -> allocation -> money.

Orchestration only: every physical, allocation and money rule lives in its own module
(docs/architecture.md draws the pipeline). :func:`run` takes these steps:

1. :func:`set_up`: the scenario with the rules year's tariffs, the simulation axis, the
   participants (:func:`energysim.inputs.participants.participant_table`), the memory check;
2. the inputs (:class:`~energysim.results.result.RunInputs`): generation per array
   (:mod:`energysim.inputs.array_generation`) and consumption per participant
   (:mod:`energysim.inputs.participants`), or those given;
3. heat pumps and EV charging added to the dwellings' consumption
   (:mod:`energysim.inputs.electrification`);
4. per building, own strings and the waterfall (:mod:`energysim.sharing.waterfall`), then its
   batteries (:mod:`energysim.sharing.storage`), written into one set of
   :class:`~energysim.sharing.flows.Flows`;
5. annual energy per participant (:func:`energysim.sharing.flows.annual_energy`) and per
   building, then the money (:func:`money_accounts`);
6. the :class:`~energysim.results.result.Result`, its energy balance checked, its warnings.

The tables made from a result live in :mod:`energysim.results.tables`; the checks of
``energysim validate`` in :mod:`energysim.validate`. ``Result``, ``RunInputs`` and the
result tables stay importable from here.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from energysim.config.buildings import Building
from energysim.config.limits import limit_of
from energysim.config.physics import PRICE_EUR_PER_KWH_MIN, PRICE_MIN_REASON
from energysim.config.plausibility import plausibility_warnings
from energysim.config.scenario import Scenario, participant_ids
from energysim.config.tariffs import TariffSet
from energysim.core.messages import Message
from energysim.core.series_csv import read_schedule_csv
from energysim.inputs.array_generation import generation_kwh, load_weather
from energysim.inputs.electrification import add_electric_loads, has_electric_loads
from energysim.inputs.participants import consumption_with_notes, participant_table
from energysim.inputs.preflight import (
    MIN_BYTES_PER_PARTICIPANT_STEP,
    Checked,
    as_scenario,
    check_memory,
    check_scenario,
    resolve,
)
from energysim.inputs.timeindex import year_index
from energysim.money import batteries as storage_money
from energysim.money.accounts import Accounts, build_accounts
from energysim.results.result import Result, RunInputs, expect_result
from energysim.results.tables import (
    installation_register_rows,
    participant_audit,
    participants_table,
    summary,
    timeseries_table,
)
from energysim.results.warnings import result_warnings
from energysim.sharing import storage
from energysim.sharing.flows import Flows, annual_energy, check_balance, into_scheme_kwh
from energysim.sharing.flows import check_energy_balance as check_energy_balance
from energysim.sharing.waterfall import BuildingAllocation, allocate_building, empty_flows

__all__ = [
    "MIN_BYTES_PER_PARTICIPANT_STEP",
    "Result",
    "RunInputs",
    "as_scenario",
    "check_energy_balance",
    "check_memory",
    "expect_result",
    "installation_register_rows",
    "money_accounts",
    "participant_audit",
    "participants_table",
    "resolve",
    "run",
    "set_up",
    "summary",
    "supply_price_eur_per_kwh",
    "timeseries_table",
    "with_axis",
]


# --------------------------------------------------------------------------- run
def run(scenario: Scenario | str | os.PathLike[str], *, inputs: RunInputs | None = None) -> Result:
    """Simulate a scenario for its year.

    Parameters
    ----------
    scenario : Scenario or path
        A validated scenario (see :func:`energysim.config.scenario.load_scenario`), or the path
        of a scenario TOML file to load.
    inputs : RunInputs, optional
        Generation and consumption to use instead of simulating them (e.g. those of an
        earlier run of the same scenario with other keys, fees or owners).

    Returns
    -------
    Result
        Time series, per-participant annual figures and money; ``messages`` holds the
        run's notes and the plausibility warnings of its inputs and results
        (:mod:`energysim.config.plausibility`, :mod:`energysim.results.warnings`).

    Raises
    ------
    ScenarioError, DataError
        On inconsistent input discovered while running (e.g. a measured CSV); the same
        errors as :func:`energysim.validate.check_inputs`.
    TypeError
        When ``scenario`` is neither a Scenario nor a path.
    """
    scenario, tariffs, index, participants = set_up(scenario, "run")
    inputs = _run_inputs(scenario, index, participants, inputs)
    gen = inputs.generation_kwh
    # electric loads follow the generation given (solar-following EVs): added here
    stored, cons = _storage_and_loads(scenario, index, participants, inputs.consumption_kwh, gen)
    price = supply_price_eur_per_kwh(scenario, index, tariffs)

    ids = list(participants.index)
    cons_values = cons.to_numpy()
    flows = empty_flows(scenario, cons_values)
    messages: list[str] = plausibility_warnings(scenario) + list(inputs.notes)
    if stored is not None and stored.loads is not None:
        messages += stored.loads.messages  # EV energy that could not be charged
    shares = _share_buildings(
        scenario, index, gen, cons, participants, flows, stored, price, tariffs
    )
    messages += _other_supplier_notes(scenario, participants)
    export = pd.DataFrame({b_id: s.export_kwh for b_id, s in shares.items()}, index=index)
    annual = annual_energy(participants.index, cons_values, flows, price)
    buildings = _buildings_table(scenario, index, participants, cons_values, flows, shares)
    accounts = money_accounts(scenario, tariffs, participants, annual, buildings, stored)
    messages += accounts.messages
    result = Result(
        scenario=scenario,
        tariffs=tariffs,
        index=index,
        generation_kwh=gen,
        consumption_kwh=cons,
        flows=flows,
        shared_kwh=pd.DataFrame(flows.shared, index=index, columns=ids, copy=False),
        export_kwh=export,
        sce_kwh=pd.DataFrame({b_id: s.sce_kwh for b_id, s in shares.items()}, index=index),
        participants=participants,
        money=accounts.money,
        buildings=buildings,
        accounts=accounts,
        annual=annual,
        messages=messages,
        storage=stored,
        inputs=inputs,
    )
    check_balance(into_scheme_kwh(result), flows, export.to_numpy().sum(axis=1), cons_values)
    result.messages += result_warnings(result)
    return result


def _run_inputs(
    scenario: Scenario,
    index: pd.DatetimeIndex,
    participants: pd.DataFrame,
    inputs: RunInputs | None,
) -> RunInputs:
    """Generation per array and consumption per participant: those given (checked against
    the scenario), else simulated, with the notes of how they were made."""
    if inputs is not None:
        inputs.check(index, scenario, participants)
        return inputs
    gen = generation_kwh(scenario, index)
    cons, notes = consumption_with_notes(scenario, index, participants)
    return RunInputs(gen, cons, tuple(notes))


def _storage_and_loads(
    scenario: Scenario,
    index: pd.DatetimeIndex,
    participants: pd.DataFrame,
    cons: pd.DataFrame,
    gen: pd.DataFrame,
) -> tuple[storage.StorageResult | None, pd.DataFrame]:
    """Heat pumps and EVs added to the dwellings' consumption, or None and ``cons`` as it
    is when the scenario has no storage or electrification."""
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


def _share_buildings(
    scenario: Scenario,
    index: pd.DatetimeIndex,
    gen: pd.DataFrame,
    cons: pd.DataFrame,
    participants: pd.DataFrame,
    flows: Flows,
    stored: storage.StorageResult | None,
    price: np.ndarray,
    tariffs: TariffSet,
) -> dict[str, BuildingAllocation]:
    """Each building's own strings, waterfall and batteries, written into ``flows``;
    per building id what it fed in and generated (:class:`BuildingAllocation`)."""
    shares: dict[str, BuildingAllocation] = {}
    for b in scenario.buildings:
        share = allocate_building(scenario, b, index, gen, cons, participants, flows)
        if stored is not None:  # the building's batteries
            stored.batteries += _building_batteries(
                scenario, b, index, share, flows, price, tariffs
            )
        shares[b.id] = share
    return shares


def _building_batteries(
    scenario: Scenario,
    b: Building,
    index: pd.DatetimeIndex,
    share: BuildingAllocation,
    flows: Flows,
    price: np.ndarray,
    tariffs: TariffSet,
) -> list[storage.BatteryRun]:
    """A building's home batteries (already run) and its shared battery, run on its
    waterfall; updates ``share``'s export series and the shared flows in place."""
    runs: list[storage.BatteryRun] = []
    if share.home_battery is not None:
        storage.add_received_value(share.home_battery, price)
        runs.append(share.home_battery)
    if b.battery is None:
        return runs
    run_ = storage.add_shared_battery(
        b.battery,
        b.id,
        index,
        share.netting_tiers,
        share.tier_columns,
        share.tier_allocated_kwh,
        share.netting_allocated_kwh,
        share.common_export_kwh,
        flows.shared,
        price,
        tariffs,
        scenario.finance.lifetime_yr,
    )
    fed_in_change = run_.exported_kwh - run_.flows.charge_kwh
    share.common_export_kwh = np.maximum(share.common_export_kwh + fed_in_change, 0.0)
    share.export_kwh = share.export_kwh + fed_in_change
    return [*runs, run_]


def _other_supplier_notes(scenario: Scenario, participants: pd.DataFrame) -> list[str]:
    """A note naming the households left out of sharing for another supplier."""
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
    scenario: Scenario,
    index: pd.DatetimeIndex,
    participants: pd.DataFrame,
    cons_values: np.ndarray,
    flows: Flows,
    shares: dict[str, BuildingAllocation],
) -> pd.DataFrame:
    """One row per building: capacity [kWp], annual generation, export, the common
    connection's export, SCE feed-in [kWh/yr] and its monthly peaks [kW]."""
    blds = scenario.buildings
    return pd.DataFrame(
        {
            "capacity_kwp": [b.capacity_kwp for b in blds],
            "generation_kwh": [float(shares[b.id].generation_kwh.sum()) for b in blds],
            "export_kwh": [float(shares[b.id].export_kwh.sum()) for b in blds],
            "common_export_kwh": [float(shares[b.id].common_export_kwh.sum()) for b in blds],
            "sce_kwh": [float(shares[b.id].sce_kwh.sum()) for b in blds],
            **_common_peaks_kw(scenario, index, participants, cons_values, flows),
        },
        index=pd.Index([b.id for b in blds], name="building_id"),
    )


def _common_peaks_kw(
    scenario: Scenario,
    index: pd.DatetimeIndex,
    participants: pd.DataFrame,
    consumption: np.ndarray,
    flows: Flows,
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
        use = consumption[:, c].astype(np.float64)  # a float32 table: sums in float64
        grid = np.maximum(use - flows.received(cols=c), 0.0)
        without.append(float(np.maximum.reduceat(use, starts).sum() / step_h))
        with_scheme.append(float(np.maximum.reduceat(grid, starts).sum() / step_h))
    return {"common_monthly_peaks_without_kw": without, "common_monthly_peaks_with_kw": with_scheme}


def money_accounts(
    scenario: Scenario,
    tariffs: TariffSet,
    participants: pd.DataFrame,
    annual: pd.DataFrame,
    buildings: pd.DataFrame,
    stored: storage.StorageResult | None,
) -> Accounts:
    """The money of a run's energy: :func:`energysim.money.accounts.build_accounts`, with the
    batteries' money when there are batteries.

    Re-pricing a run (other fees, capex or owners; no kWh changed) calls this with the
    run's tables: the same money model as :func:`run`.
    """
    accounts = build_accounts(scenario, tariffs, participants, annual, buildings)
    if stored is not None:  # battery money per household and owner
        accounts = storage_money.with_battery_money(
            scenario, tariffs, participants, annual, buildings, accounts, stored
        )
    return accounts


# --------------------------------------------------------------------------- set-up
def set_up(
    scenario: Scenario | str | os.PathLike[str], caller: str
) -> tuple[Scenario, TariffSet, pd.DatetimeIndex, pd.DataFrame]:
    """The first steps of a run: every check that needs no file's contents
    (:func:`energysim.inputs.preflight.check_scenario`: the scenario with the year's tariffs,
    the named files there, the households' draws, the memory), then
    :func:`with_axis`."""
    return with_axis(check_scenario(scenario, caller))


def with_axis(checked: Checked) -> tuple[Scenario, TariffSet, pd.DatetimeIndex, pd.DataFrame]:
    """A checked scenario, its tariffs, the simulation axis and the participants table
    (with the households' draws the check made)."""
    scenario = checked.scenario
    index = year_index(scenario.year, scenario.time_step_min, scenario.site.timezone)
    if len(index) != checked.n_steps:  # preflight's count is what the memory check used
        raise AssertionError(f"year_index: {len(index)} intervals, preflight {checked.n_steps}")
    participants = participant_table(scenario, checked.annual_kwh)
    return scenario, checked.tariffs, index, participants


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
