"""``energysim validate``: every input check of a run, without simulating.

:func:`check_inputs` runs the checks a run makes before reading any file
(:func:`energysim.inputs.preflight.check_scenario`, the first step of every run), then reads
every file the scenario refers to with the functions :func:`energysim.simulate.run`
reads them with, in the same order, so a bad input gives the same one-line error here
as in a run. It mirrors the run's reads: a new input a run reads (a new CSV, a new
reader) is read here too, at the same point (``tests/test_bad_input*.py`` check that
both give the same error).

A scenario that names no data file (the default and most examples) has nothing to
read: every reader of the run returns at once for it. Its check then stops after
:func:`~energysim.inputs.preflight.check_scenario` and does not import pandas, pvlib or scipy,
so ``validate`` answers quickly; ``tests/test_validate_fast.py`` checks that the reads
it skips give nothing for such scenarios.
"""

from __future__ import annotations

import os

from energysim.config.data_files import data_files
from energysim.config.plausibility import plausibility_warnings
from energysim.config.scenario import Scenario
from energysim.inputs.preflight import Checked, check_scenario


def check_inputs(scenario: Scenario | str | os.PathLike[str]) -> list[str]:
    """Run every input check :func:`~energysim.simulate.run` runs, reading every
    referenced file, without simulating; return the plausibility warnings.

    The checks that need no file come first, as in a run
    (:func:`energysim.inputs.preflight.check_scenario`); then the files are read by the same
    functions, in the same order, as a run reads them (:func:`read_files`). So a bad
    input gives the same error here as in a run.

    Raises
    ------
    ScenarioError, DataError
        The first bad input, as a run would raise it.
    """
    checked = check_scenario(scenario, "check_inputs")
    if data_files(checked.scenario):  # else there is nothing to read
        read_files(checked)
    return plausibility_warnings(checked.scenario)


def read_files(checked: Checked) -> None:
    """Read every file a checked scenario refers to, as a run reads them.

    Measured generation, weather (for modelled arrays), measured consumption, meter
    exports, common installations' profiles, weather (for heat pumps), the dynamic
    supply price, then per building its allocation schedules and its battery's
    day-ahead prices. Imports pandas (and the readers) when called.

    Raises
    ------
    ScenarioError, DataError
        The first bad file, as a run would raise it.
    """
    from energysim.config.scenario import participant_ids
    from energysim.inputs.array_generation import (
        load_weather,
        measured_generation_kwh,
        needs_weather,
    )
    from energysim.inputs.participants import (
        measured_common_profiles_kwh,
        measured_consumption_kwh,
        meter_export_kwh,
    )
    from energysim.sharing import storage
    from energysim.sharing.waterfall import schedule_shares
    from energysim.simulate import supply_price_eur_per_kwh, with_axis

    scenario, tariffs, index, participants = with_axis(checked)
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
                schedule_shares(getattr(scenario.allocation, role), index, tiers[role])
        battery = b.battery
        if battery is not None and battery.dispatch == "price_aware":  # causal or perfect
            storage.day_ahead_price_eur_per_kwh(battery, index, price)
