"""Every input file of a run, read in one step: what ``run`` reads is what ``validate`` checks.

:func:`read_run_files` is the only place a run reads a data file (after the checks of
:func:`energysim.inputs.preflight.check_scenario`, which only look that named files are
there). It reads, in this order: the measured generation, the weather file (for the
modelled arrays), the measured consumption and meter exports and each building's
measured common installations (:func:`energysim.inputs.consumption.read_consumption_files`),
the weather file for the heat pumps (when no array needed it), then the files of the
sharing (:func:`read_sharing_files`): the dynamic supply price, each building's schedule
keys in the order of its tiers, and its price-aware battery's day-ahead prices.
:func:`energysim.simulate.run` and ``energysim validate``
(:func:`energysim.validate.read_files`) both call it, so a bad file gives the same error
in both, and a new input read here is checked by both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from energysim.config.allocation_policy import ScheduleKey
from energysim.config.features import SharedBattery
from energysim.config.limits import limit_of
from energysim.config.physics import PRICE_EUR_PER_KWH_MIN, PRICE_MIN_REASON
from energysim.config.scenario import Scenario
from energysim.config.tariffs import TariffSet
from energysim.core.series_csv import read_schedule_csv
from energysim.inputs.array_generation import load_weather, measured_generation_kwh, needs_weather
from energysim.inputs.consumption import ConsumptionFiles, read_consumption_files
from energysim.inputs.context import RunContext


@dataclass(frozen=True)
class SharingFiles:
    """What the sharing of a run reads from files: prices and schedule keys.

    Attributes
    ----------
    supply_price_eur_per_kwh : numpy.ndarray
        ``(n_steps,)`` bare supply price excl. VAT: flat, or the dynamic series [EUR/kWh].
    schedule_shares_frac : mapping of (str, str) to numpy.ndarray
        Per (building id, tier) with a schedule key, its ``(n_steps, n_participants)``
        shares [-].
    day_ahead_csv_eur_per_kwh : mapping of str to numpy.ndarray
        Per building whose price-aware battery has its own price file, that series
        [EUR/kWh].
    """

    supply_price_eur_per_kwh: np.ndarray
    schedule_shares_frac: Mapping[tuple[str, str], np.ndarray]
    day_ahead_csv_eur_per_kwh: Mapping[str, np.ndarray]

    def day_ahead_price_eur_per_kwh(self, building_id: str) -> np.ndarray:
        """The prices a building's price-aware battery looks at: its own file's, else the
        supply price [EUR/kWh]."""
        return self.day_ahead_csv_eur_per_kwh.get(building_id, self.supply_price_eur_per_kwh)


@dataclass(frozen=True)
class RunFiles:
    """Every data file of a run, read (:func:`read_run_files`).

    Attributes
    ----------
    measured_generation_kwh : pandas.DataFrame or None
        Time x array id of the ``generation_csv`` (no columns without one); None when
        the run is given its generation and consumption.
    weather_file : pandas.DataFrame or None
        The scenario's weather file on the simulation axis, when a modelled array or a
        heat pump needs it; None with the embedded weather or when nothing needs it.
    consumption : ConsumptionFiles or None
        The measured consumption; None when the run is given its inputs.
    sharing : SharingFiles
    """

    measured_generation_kwh: pd.DataFrame | None
    weather_file: pd.DataFrame | None
    consumption: ConsumptionFiles | None
    sharing: SharingFiles

    def weather(self, context: RunContext) -> pd.DataFrame:
        """The weather on the simulation axis: the file's, else the embedded year
        (computed, no file)."""
        if self.weather_file is not None:
            return self.weather_file
        assert context.scenario.weather.source == "embedded", "a weather file is read"
        return load_weather(context.scenario, context.index)


def read_run_files(context: RunContext, *, physics: bool = True) -> RunFiles:
    """Read every data file of a run, in the run's order (see the module's notes).

    Parameters
    ----------
    context : RunContext
    physics : bool
        Read the measured generation and consumption (and the weather for the modelled
        arrays); false when the run is given its generation and consumption
        (:class:`~energysim.inputs.context.RunInputs`).

    Raises
    ------
    ScenarioError, DataError
        The first bad file.
    """
    scenario, index = context.scenario, context.index
    measured: pd.DataFrame | None = None
    consumption: ConsumptionFiles | None = None
    weather_file: pd.DataFrame | None = None
    if physics:
        measured = measured_generation_kwh(scenario, index)
        if needs_weather(scenario, measured):
            weather_file = load_weather(scenario, index)
        consumption = read_consumption_files(context)
    heat_pumps = any(b.heat_pumps is not None for b in scenario.buildings)
    if heat_pumps and weather_file is None and scenario.weather.source != "embedded":
        weather_file = load_weather(scenario, index)  # the outdoor temperature of heat pumps
    return RunFiles(measured, weather_file, consumption, read_sharing_files(context))


def read_sharing_files(context: RunContext) -> SharingFiles:
    """Read the files of a run's sharing: the dynamic supply price, then per building
    its schedule keys (tier after tier) and its price-aware battery's day-ahead prices.

    Raises
    ------
    DataError
        The first bad file.
    """
    scenario, index = context.scenario, context.index
    price = supply_price_eur_per_kwh(scenario, index, context.tariffs)
    schedules: dict[tuple[str, str], np.ndarray] = {}
    day_ahead: dict[str, np.ndarray] = {}
    for b in scenario.buildings:
        for role, ids in context.tier_ids(b).items():
            key = getattr(scenario.allocation, role).key
            if isinstance(key, ScheduleKey):
                schedules[(b.id, role)] = read_schedule_csv(
                    key.path, expected_index=index, participant_ids=ids
                )
        battery = b.battery
        if battery is not None and battery.dispatch == "price_aware":  # causal or perfect
            if battery.price_csv is not None:
                day_ahead[b.id] = _day_ahead_csv_eur_per_kwh(battery, index)
    return SharingFiles(price, schedules, day_ahead)


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


def _day_ahead_csv_eur_per_kwh(battery: SharedBattery, index: pd.DatetimeIndex) -> np.ndarray:
    """The day-ahead prices of a price-aware battery's own file [EUR/kWh]."""
    assert battery.price_csv is not None
    column = "price_excl_vat_eur_per_kwh"
    ceiling = limit_of(f"tariffs.supply_{column}")
    assert ceiling is not None
    return read_schedule_csv(
        battery.price_csv,
        expected_index=index,
        participant_ids=[column],
        max_row_sum=None,
        max_values={column: (ceiling.max, ceiling.reason)},
        min_values={column: (PRICE_EUR_PER_KWH_MIN, PRICE_MIN_REASON)},
        unit="EUR/kWh",
    )[:, 0]
