"""What a run returns: :class:`Result`.

Everything :func:`energysim.simulate.run` computed, from which the tables are made
(:mod:`energysim.results.tables`). Time series are ``DataFrame(index=interval starts,
columns=ids)`` in kWh per interval. What a run starts from is
:mod:`energysim.inputs.context`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from energysim.core.errors import expect_type

if TYPE_CHECKING:
    from energysim.config.scenario import Scenario
    from energysim.config.tariffs import TariffSet
    from energysim.inputs.context import RunInputs
    from energysim.money.accounts import Accounts
    from energysim.sharing.flows import Flows
    from energysim.sharing.storage import StorageResult


@dataclass
class Result:
    """Everything a run computed.

    Time series are ``DataFrame(index=interval starts, columns=ids)`` in kWh per
    interval; ``participants`` has one row per participant (index ``participant_id``).
    ``consumption_kwh`` is float32 in large runs
    (:func:`energysim.inputs.preflight.consumption_dtype`; the sums of
    :mod:`energysim.sharing.blocks` and :mod:`energysim.sharing.flows` read it in
    float64); ``received_kwh``, ``own_string_kwh`` and ``own_export_kwh`` are computed
    from ``flows`` at each call.
    """

    scenario: Scenario
    tariffs: TariffSet
    index: pd.DatetimeIndex
    generation_kwh: pd.DataFrame
    consumption_kwh: pd.DataFrame
    flows: Flows
    """The participants' flows: own strings (one interface whatever form the run keeps
    them in, :class:`~energysim.sharing.own_strings.OwnStrings`) and shared
    (``shared_kwh``)."""
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

        Read at every call from the run's own strings (``flows.own``: ``min(string,
        consumption)`` of one string per building, or the arrays home batteries left):
        a new ``(n_steps, n_participants)`` frame, zero for participants without a
        string (read-only zeros when nobody has one). One participant:
        ``flows.own_kwh(cols=j)``.
        """
        return self._frame(self.flows.own_kwh())

    @property
    def own_export_kwh(self) -> pd.DataFrame:
        """What each dwelling's string fed in [kWh/interval]: ``string - used`` when the
        surplus is exported, else zeros; a new frame at every call."""
        return self._frame(self.flows.own_export_kwh())


def expect_result(result: object, caller: str) -> None:
    """Raise a :class:`TypeError` unless ``result`` is a :class:`Result`."""
    expect_type(result, Result, caller, "a Result of energysim.run()")
