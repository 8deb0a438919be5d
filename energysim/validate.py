"""``energysim validate``: every input check of a run, without simulating.

:func:`check_inputs` reads every file a scenario refers to with the functions
:func:`energysim.simulate.run` reads them with, in the same order, so a bad input gives
the same one-line error here as in a run. It mirrors the run's reads: a new input a run
reads (a new CSV, a new reader) is read here too, at the same point
(``tests/test_bad_input*.py`` check that both give the same error).
"""

from __future__ import annotations

import os

from energysim import storage
from energysim.array_generation import load_weather, measured_generation_kwh, needs_weather
from energysim.participants import (
    measured_common_profiles_kwh,
    measured_consumption_kwh,
    meter_export_kwh,
)
from energysim.plausibility import plausibility_warnings
from energysim.scenario import Scenario, participant_ids
from energysim.simulate import set_up, supply_price_eur_per_kwh
from energysim.waterfall import tier_key


def check_inputs(scenario: Scenario | str | os.PathLike[str]) -> list[str]:
    """Run every input check :func:`~energysim.simulate.run` runs, reading every
    referenced file, without simulating; return the plausibility warnings.

    The files are read by the same functions, in the same order, as a run reads
    them: measured generation, weather (for modelled arrays), measured consumption,
    meter exports, common installations' profiles, weather (for heat pumps), the dynamic
    supply price, then per building its allocation schedules and its battery's
    day-ahead prices. So a bad input gives the same error here as in a run.

    Raises
    ------
    ScenarioError, DataError
        The first bad input, as a run would raise it.
    """
    scenario, tariffs, index, participants = set_up(scenario, "check_inputs")
    measured_gen = measured_generation_kwh(scenario, index)
    weather_read = needs_weather(scenario, measured_gen)
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
                tier_key(getattr(scenario.allocation, role), index, tiers[role])
        battery = b.battery
        if battery is not None and battery.dispatch == "price_aware":  # causal or perfect
            storage.day_ahead_price_eur_per_kwh(battery, index, price)
    return plausibility_warnings(scenario)
