"""What a run starts from: its context (:class:`RunContext`) and its physics (:class:`RunInputs`).

The set-up step of a run (:func:`energysim.simulate.set_up`) makes one frozen
:class:`RunContext` (the scenario with its rules year's tariffs, the time axis, the
participants table and their columns, the step length, the pool households are drawn
from) and passes it to every step that needs it; no step reads its inputs from anywhere
else. :class:`RunInputs` are the generation per array and consumption per participant a
run is given or makes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol

import pandas as pd

from energysim.config.buildings import Building
from energysim.config.scenario import Scenario, participant_ids
from energysim.config.tariffs import TariffSet
from energysim.core.errors import ScenarioError
from energysim.inputs.household_pool import HouseholdPool
from energysim.inputs.kept_profiles import KeptProfiles
from energysim.inputs.participants import Columns, column_positions, participant_table
from energysim.inputs.preflight import Checked
from energysim.inputs.timeindex import year_index


@dataclass(frozen=True, eq=False)
class RunContext:
    """Everything a run's steps share, made once by the set-up step.

    Attributes
    ----------
    scenario : Scenario
        With the rules year's tariff defaults filled in.
    tariffs : TariffSet
        The rules year's tariffs.
    index : pandas.DatetimeIndex
        The simulation axis: interval starts of the year.
    participants : pandas.DataFrame
        One row per participant (:func:`energysim.inputs.participants.participant_table`),
        in the column order of every ``(n_steps, n_participants)`` array of the run.
    column : mapping of str to int
        Participant id -> its column in those arrays (read-only).
    step_h : float
        The interval length [h].
    household_pool : HouseholdPool or None
        The pool of household-years households are drawn from (a batch of a portfolio,
        :mod:`energysim.inputs.household_pool`); None: each household is generated.
    kept_profiles : KeptProfiles or None
        Household profiles kept between runs (:mod:`energysim.inputs.kept_profiles`;
        the dashboard): a household generated before is copied from there, the same to
        the bit. Not used when households are drawn from a pool.
    """

    scenario: Scenario
    tariffs: TariffSet
    index: pd.DatetimeIndex
    participants: pd.DataFrame
    column: Mapping[str, int]
    step_h: float
    household_pool: HouseholdPool | None = None
    kept_profiles: KeptProfiles | None = None

    @classmethod
    def make(
        cls,
        scenario: Scenario,
        tariffs: TariffSet,
        index: pd.DatetimeIndex,
        participants: pd.DataFrame,
        household_pool: HouseholdPool | None = None,
        kept_profiles: KeptProfiles | None = None,
    ) -> RunContext:
        """The context of these tables: the column map and step length derived."""
        column = MappingProxyType({str(p): j for j, p in enumerate(participants.index)})
        step_h = float((index[1] - index[0]) / pd.Timedelta(hours=1))
        return cls(
            scenario, tariffs, index, participants, column, step_h, household_pool, kept_profiles
        )

    @property
    def n_steps(self) -> int:
        """Intervals of the run."""
        return len(self.index)

    def columns(self, ids: list[str]) -> Columns:
        """The columns of some participants (a slice when consecutive)."""
        return column_positions(self.column, ids)

    def tier_ids(self, b: Building) -> dict[str, list[str]]:
        """The participants of each tier of a building that shares by a key, in the
        scenario's order of tiers: the common connection, the tenants taking part, the
        members unless their tier feeds its energy in (SCE, postcoderoos); tiers without
        participants are left out."""
        ids = participant_ids(b)
        policy = self.scenario.allocation
        members = ids["members"] if policy.members.mode not in ("sce", "postcoderoos") else []
        tiers = {
            "common": ids["common"],
            "tenants": ids["tenants"][: b.tenants.participating],
            "members": members,
        }
        return {role: tiers[role] for role in policy.order if tiers[role]}


def run_context(
    checked: Checked,
    household_pool: HouseholdPool | None = None,
    kept_profiles: KeptProfiles | None = None,
) -> RunContext:
    """The context of a checked scenario: its tariffs, the simulation axis and the
    participants table (with the households' draws the check made).

    ``household_pool``: draw the households from it instead of generating each (a
    batch's units; a single run never does). ``kept_profiles``: households generated
    before are copied from there (:mod:`energysim.inputs.kept_profiles`).
    """
    scenario = checked.scenario
    index = year_index(scenario.year, scenario.time_step_min, scenario.site.timezone)
    if len(index) != checked.n_steps:  # preflight's count is what the memory check used
        raise AssertionError(f"year_index: {len(index)} intervals, preflight {checked.n_steps}")
    participants = participant_table(scenario, checked.annual_kwh)
    return RunContext.make(
        scenario, checked.tariffs, index, participants, household_pool, kept_profiles
    )


class _KeepsInputs(Protocol):
    """A run's result, as far as :meth:`RunInputs.of` reads it."""

    @property
    def inputs(self) -> RunInputs | None: ...


@dataclass(frozen=True)
class RunInputs:
    """The physics of a run: generation per array and consumption per participant.

    Given to :func:`energysim.simulate.run`, they replace the weather, PV and household
    models, so a scenario can be run again with other keys, fees, owners or a scaled
    roof at the cost of the allocation and the money only.

    Attributes
    ----------
    generation_kwh : pandas.DataFrame
        Time x array id [kWh/interval].
    consumption_kwh : pandas.DataFrame
        Time x participant id [kWh/interval].
    notes : tuple of str
        Notes of how they were made (e.g. filled meter gaps), kept in the run's messages.
    """

    generation_kwh: pd.DataFrame
    consumption_kwh: pd.DataFrame
    notes: tuple[str, ...] = ()

    @classmethod
    def of(cls, result: _KeepsInputs) -> RunInputs:
        """The inputs a run used (consumption before heat pumps and EVs, which a run adds)."""
        if result.inputs is None:
            raise ValueError("run inputs: this result does not keep them")
        return result.inputs

    def scaled(self, factor: float) -> RunInputs:
        """Every array's generation times ``factor`` (PVWatts is linear in capacity) [-]."""
        gen = pd.DataFrame(
            self.generation_kwh.to_numpy() * factor,
            index=self.generation_kwh.index,
            columns=self.generation_kwh.columns,
            copy=False,
        )
        return RunInputs(gen, self.consumption_kwh, self.notes)

    def check(self, context: RunContext) -> None:
        """Raise when the inputs do not fit the scenario's year, arrays or participants."""
        scenario = context.scenario
        arrays = [a.id for b in scenario.buildings for a in b.arrays]
        for what, frame, expected in (
            ("generation_kwh", self.generation_kwh, arrays),
            ("consumption_kwh", self.consumption_kwh, list(context.participants.index)),
        ):
            if not frame.index.equals(context.index) or list(frame.columns) != expected:
                raise ScenarioError(
                    f"scenario '{scenario.name}': run inputs '{what}': expected the year "
                    f"{scenario.year} at {scenario.time_step_min} min with columns "
                    f"{expected[:3]}..., found {len(frame)} rows with {list(frame.columns)[:3]}..."
                )
