"""What a run takes and returns: :class:`RunInputs` and :class:`Result`.

The data that passes between the steps of :func:`energysim.simulate.run` and the tables
that are made from it (:mod:`energysim.results.tables`). Time series are
``DataFrame(index=interval starts, columns=ids)`` in kWh per interval.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from energysim.core.errors import ScenarioError, expect_type

if TYPE_CHECKING:
    from energysim.config.scenario import Scenario
    from energysim.config.tariffs import TariffSet
    from energysim.money.accounts import Accounts
    from energysim.sharing.flows import Flows
    from energysim.sharing.storage import StorageResult

ROLE_NAMES = {"common": "common", "tenants": "tenant", "members": "member"}
"""A tier's name -> the role of its participants (``participants["role"]``)."""


@dataclass
class Result:
    """Everything a run computed.

    Time series are ``DataFrame(index=interval starts, columns=ids)`` in kWh per
    interval; ``participants`` has one row per participant (index ``participant_id``).
    ``consumption_kwh`` is float32 in large runs
    (:func:`energysim.inputs.preflight.consumption_dtype`; sum it with ``dtype=np.float64``);
    ``own_string_kwh`` and ``own_export_kwh`` are computed from ``flows`` at each call.
    """

    scenario: Scenario
    tariffs: TariffSet
    index: pd.DatetimeIndex
    generation_kwh: pd.DataFrame
    consumption_kwh: pd.DataFrame
    flows: Flows
    """The participants' flows: own strings (computed from one string per building where
    read, see :class:`~energysim.sharing.flows.OwnStrings`) and shared (``shared_kwh``)."""
    shared_kwh: pd.DataFrame
    export_kwh: pd.DataFrame
    sce_kwh: pd.DataFrame
    participants: pd.DataFrame
    money: pd.DataFrame
    buildings: pd.DataFrame
    accounts: Accounts
    annual: pd.DataFrame
    messages: list[str] = field(default_factory=list)
    storage: StorageResult | None = None
    inputs: RunInputs | None = None
    """The generation and consumption (before electric loads) the run was given or made."""

    def _frame(self, values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(values, index=self.index, columns=self.shared_kwh.columns, copy=False)

    @property
    def received_kwh(self) -> pd.DataFrame:
        """Energy each participant received, own string plus shared [kWh/interval].

        A new ``(n_steps, n_participants)`` frame at every call; for sums over groups of
        participants :func:`energysim.results.tables.timeseries_table` works block by
        block instead.
        """
        return self._frame(self.flows.received())

    @property
    def own_string_kwh(self) -> pd.DataFrame:
        """What each dwelling used of the string behind its meter [kWh/interval].

        Computed at every call from one string per building (``min(string,
        consumption)``): a new ``(n_steps, n_participants)`` frame, zero for
        participants without a string. One participant: ``flows.own_kwh(cols=j)``.
        """
        return self._frame(self.flows.own_kwh())

    @property
    def own_export_kwh(self) -> pd.DataFrame:
        """What each dwelling's string fed in [kWh/interval]: ``string - used`` when the
        surplus is exported, else zeros; a new frame at every call."""
        return self._frame(self.flows.own_export_kwh())


@dataclass(frozen=True)
class RunInputs:
    """The physics of a run: generation per array and consumption per participant.

    Given to :func:`energysim.simulate.run`, they replace the weather, PV and household models, so a
    scenario can be run again with other keys, fees, owners or a scaled roof at the cost
    of the allocation and the money only.

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
    def of(cls, result: Result) -> RunInputs:
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

    def check(
        self, index: pd.DatetimeIndex, scenario: Scenario, participants: pd.DataFrame
    ) -> None:
        """Raise when the inputs do not fit the scenario's year, arrays or participants."""
        arrays = [a.id for b in scenario.buildings for a in b.arrays]
        for what, frame, expected in (
            ("generation_kwh", self.generation_kwh, arrays),
            ("consumption_kwh", self.consumption_kwh, list(participants.index)),
        ):
            if not frame.index.equals(index) or list(frame.columns) != expected:
                raise ScenarioError(
                    f"scenario '{scenario.name}': run inputs '{what}': expected the year "
                    f"{scenario.year} at {scenario.time_step_min} min with columns "
                    f"{expected[:3]}..., found {len(frame)} rows with {list(frame.columns)[:3]}..."
                )


def expect_result(result: object, caller: str) -> None:
    """Raise a :class:`TypeError` unless ``result`` is a :class:`Result`."""
    expect_type(result, Result, caller, "a Result of energysim.run()")
