"""The checks of a run before it reads a file or builds a table (no pandas).

:func:`check_scenario` is the first step of every run (:func:`energysim.simulate.set_up`)
and of ``energysim validate`` (:func:`energysim.validate.check_inputs`): the scenario
with the rules year's tariffs (:func:`resolve`, which checks the schemes' rules), every
file it names there (:func:`energysim.config.data_files.check_data_files`), each household's
annual consumption drawn and checked against what its connection can carry, and the
memory check. None of it imports pandas, so validating a scenario that names no data
files (the default and most examples) does not import it: such a scenario's remaining
checks are the reads of files it does not have.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from energysim.config.buildings import ConsumptionSpec
from energysim.config.data_files import check_data_files
from energysim.config.grid_operators import choose_grid_operator
from energysim.config.limits import limit_of
from energysim.config.scenario import Scenario, load_scenario, participant_ids
from energysim.config.scheme_rules import check_scheme_rules
from energysim.config.tariffs import TariffSet, resolve_tariffs
from energysim.core.errors import DataError, ScenarioError
from energysim.inputs.population import draw_annual_kwh

__all__ = [
    "MIN_BYTES_PER_PARTICIPANT_STEP",
    "Checked",
    "annual_kwh_draws",
    "as_scenario",
    "check_memory",
    "check_scenario",
    "consumption_dtype",
    "n_intervals",
    "resolve",
]

AnnualKwh = list[dict[str, np.ndarray]]
"""Per building (in scenario order), per role (``tenants``, ``members``) the households'
annual consumption [kWh/yr], in the order of :func:`energysim.config.scenario.participant_ids`."""


@dataclass(frozen=True)
class Checked:
    """A scenario that passed :func:`check_scenario`.

    Attributes
    ----------
    scenario : Scenario
        With the rules year's tariff defaults filled in.
    tariffs : TariffSet
        The rules year's tariffs.
    annual_kwh : list of dict
        Each household's annual consumption [kWh/yr] (:data:`AnnualKwh`), checked.
    n_steps : int
        Intervals of the year (the length of :func:`energysim.inputs.timeindex.year_index`).
    """

    scenario: Scenario
    tariffs: TariffSet
    annual_kwh: AnnualKwh
    n_steps: int


def check_scenario(scenario: Scenario | str | os.PathLike[str], caller: str) -> Checked:
    """Every check of a run that needs no file's contents, in the run's order.

    Parameters
    ----------
    scenario : Scenario or path
        A validated scenario, or the path of a scenario TOML file.
    caller : str
        The public function called (``run``, ``check_inputs``), named in a TypeError.

    Raises
    ------
    ScenarioError
        A scheme the regulation does not allow; a distribution drawing a household
        beyond what its connection can carry.
    DataError
        A named file that is missing or not a file; a run larger than the memory.
    TypeError
        When ``scenario`` is neither a Scenario nor a path.
    """
    scenario, tariffs = resolve(as_scenario(scenario, caller))
    check_data_files(scenario)  # every file named is there: a missing one names its field
    annual = annual_kwh_draws(scenario)
    n_steps = n_intervals(scenario.year, scenario.time_step_min, scenario.site.timezone)
    n_participants = sum(1 + len(a["tenants"]) + len(a["members"]) for a in annual)
    check_memory(n_steps, n_participants)
    return Checked(scenario, tariffs, annual, n_steps)


def resolve(scenario: Scenario) -> tuple[Scenario, TariffSet]:
    """Return the scenario with the rules year's tariff defaults filled in, and the tariffs.

    Raises
    ------
    ScenarioError
        A scheme the regulation does not allow
        (:func:`energysim.config.scheme_rules.check_scheme_rules`), a rules year without tariffs,
        large common connections in different network-tariff categories.

    Notes
    -----
    The network tariff of large common connections is the site's grid operator's
    (:func:`energysim.config.grid_operators.choose_grid_operator`: ``[site] grid_operator``,
    else derived from the municipality), in the category of their contracted capacity.
    """
    check_scheme_rules(scenario)
    operator = choose_grid_operator(scenario.site.grid_operator, scenario.site.municipality)
    large = {
        b.id: b.common.contracted_capacity_kw
        for b in scenario.buildings
        if b.common.connection == "large"
    }
    tariffs = resolve_tariffs(
        scenario.rules_year,
        scenario.tariffs.model_dump(),
        grid_operator=operator,
        contracted_kw=large,
    )
    filled = scenario.tariffs.model_copy(update=tariffs.as_dict())
    return scenario.model_copy(update={"tariffs": filled}), tariffs


def as_scenario(scenario: Scenario | str | os.PathLike[str], caller: str = "run") -> Scenario:
    """A :class:`Scenario` as given, or loaded from a path; else a :class:`TypeError`.

    Raises
    ------
    TypeError
        When ``scenario`` is neither a Scenario nor a path.
    ScenarioError
        When a path's file is missing or invalid.
    """
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, str | os.PathLike):
        return load_scenario(Path(scenario))
    raise TypeError(
        f"{caller}(): expected a Scenario (from energysim.load_scenario or "
        f"scenario_from_dict) or a path to a scenario TOML file, found {type(scenario).__name__}"
    )


def n_intervals(year: int, step_min: int, tz: str) -> int:
    """The number of intervals of a local calendar year: the length of
    :func:`energysim.inputs.timeindex.year_index` (steps in absolute time from 1 January 00:00
    local time, the last one starting before the next 1 January; 35,040 quarter-hours in
    a year of 365 days)."""
    zone = ZoneInfo(tz)
    start = datetime(year, 1, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    seconds = int((end - start).total_seconds())
    return -(-seconds // (step_min * 60))


def annual_kwh_draws(scenario: Scenario) -> AnnualKwh:
    """Each household's annual consumption [kWh/yr], drawn from the scenario's
    distribution (:func:`energysim.inputs.population.draw_annual_kwh`) and checked.

    :func:`energysim.inputs.participants.participant_table` takes these draws.

    Raises
    ------
    ScenarioError
        ``field 'buildings[i].role.annual_kwh': household k draws ... kWh/yr``: a draw
        beyond what a household's connection can carry
        (:mod:`energysim.config.limits`' row of ``annual_kwh[]``).
    """
    out: AnnualKwh = []
    for b_idx, b in enumerate(scenario.buildings):
        ids = participant_ids(b)
        drawn: dict[str, np.ndarray] = {}
        for role, group in (("tenants", b.tenants), ("members", b.members)):
            drawn[role] = draw_annual_kwh(group.annual_kwh, len(ids[role]))
            _check_drawn_kwh(b_idx, role, group.annual_kwh, drawn[role])
        out.append(drawn)
    return out


def _check_drawn_kwh(b_idx: int, role: str, spec: ConsumptionSpec, annual: np.ndarray) -> None:
    """A distribution's draws stay within what a household's connection can carry."""
    limit = limit_of(f"buildings[{b_idx}].{role}.annual_kwh[]")
    assert limit is not None
    above = ~(annual <= limit.max)  # NaN counts as above
    if above.any():
        i = int(np.flatnonzero(above)[0])
        raise ScenarioError(
            f"field 'buildings[{b_idx}].{role}.annual_kwh': household {i + 1} draws "
            f"{annual[i]:.6g} kWh/yr from this distribution; {limit.message(annual[i])}; "
            "lower sd_kwh"
        )


SINGLE_PRECISION_FROM_BYTES = 2**28
"""A run whose consumption table would take more than this in float64 (256 MiB: about
950 participants at 15 minutes) keeps it in float32 (:func:`consumption_dtype`)."""


def consumption_dtype(n_steps: int, n_participants: int) -> type[np.floating[Any]]:
    """The precision a run keeps its ``(n_steps, n_participants)`` consumption in.

    float64 up to :data:`SINGLE_PRECISION_FROM_BYTES`, float32 above it (half the
    memory of the largest table of a run). float32 holds 7 significant digits: a
    quarter-hour's 0.1234567 kWh to 1e-8 kWh. Every sum and every allocation over it
    is computed in float64, so energy balances hold to the same 1e-9 kWh; the values are
    the float64 ones rounded once (relative 6e-8 at most).
    """
    if n_steps * n_participants * 8 > SINGLE_PRECISION_FROM_BYTES:
        return np.float32
    return np.float64


MIN_BYTES_PER_PARTICIPANT_STEP = 16
"""At least two tables of participants x intervals live at once: the shared energy
(float64) and the consumption (float64; float32 in large runs, then 12 bytes, see
:func:`consumption_dtype`). The 2,501-participant benchmark run measured 14.5 bytes
per participant-interval in all (2026-11-30)."""


def _available_memory_bytes() -> int | None:
    """``MemAvailable`` of /proc/meminfo [bytes], or None where it cannot be read."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def check_memory(n_steps: int, n_participants: int) -> None:
    """Refuse a run whose tables cannot fit in this machine's available memory.

    Raises
    ------
    DataError
        When ``n_steps * n_participants * MIN_BYTES_PER_PARTICIPANT_STEP`` (12 bytes
        when the consumption is kept in float32) exceeds the memory available (Linux;
        elsewhere nothing is checked).
    """
    available = _available_memory_bytes()
    itemsize = np.dtype(consumption_dtype(n_steps, n_participants)).itemsize
    needed = n_steps * n_participants * (MIN_BYTES_PER_PARTICIPANT_STEP - 8 + itemsize)
    if available is not None and needed > available:
        raise DataError(
            f"scenario: {n_participants:,} participants x {n_steps:,} intervals need at least "
            f"{needed / 2**30:,.1f} GiB of memory, more than the {available / 2**30:,.1f} GiB "
            "available; use time_step_min = 60, or fewer dwellings or members per run"
        )
