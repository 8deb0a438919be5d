"""The interval flows of a run and the sums over them.

A run's energy lives in ``(n_steps, n_participants)`` float64 arrays in participant
order (:class:`Flows`: own strings, their export, shared). This module holds the helpers
that read them without copying them whole: column positions as slices (views), sums
block by block of rows (temporaries stay in the CPU cache), the annual energy and
supply cost per participant (:func:`annual_energy`, the input of the money), and the
energy balance every run is checked against (:func:`check_energy_balance`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from energysim.result import expect_result

if TYPE_CHECKING:
    from energysim.result import Result

BALANCE_TOL_KWH = 1e-9
"""Tolerance of the energy balance in an interval [kWh]: of |allocated + export -
generation| (times the largest generation when above 1 kWh) and of received - consumed."""
BALANCE_BLOCK_STEPS = 2048
"""Rows per block of the block-by-block sums."""


Columns = slice | list[int]
"""Positions of some participants' columns: a slice (a view, no copy) when consecutive."""


def column_positions(column: dict[str, int], ids: list[str]) -> Columns:
    """Column positions of ``ids``: a slice (a view, no copy) when they are consecutive."""
    cols = [column[p] for p in ids]
    if cols and cols == list(range(cols[0], cols[0] + len(cols))):
        return slice(cols[0], cols[0] + len(cols))
    return cols


def sum_columns(frame: pd.DataFrame, names: list[str]) -> np.ndarray:
    """Row sums of some columns of a single-dtype frame, without a pandas selection."""
    values = frame.to_numpy()
    if not names:
        return np.zeros(len(values))
    cols = column_positions({c: j for j, c in enumerate(frame.columns)}, names)
    return values[:, cols].sum(axis=1)


NO_FLOW = np.broadcast_to(np.zeros(1), (1, 1))
"""A flow that is zero everywhere (its stride 0 marks it)."""


@dataclass
class Flows:
    """The interval flows of a run, one column per participant in participant order.

    A flow that the scenario cannot have (own strings without per-dwelling arrays, their
    export when the surplus goes to the next tier) is a read-only broadcast zero: no
    ``(n_steps, n_participants)`` memory for it.
    """

    own: np.ndarray
    own_export: np.ndarray
    shared: np.ndarray

    @classmethod
    def zeros(
        cls, n_steps: int, n_participants: int, *, own: bool = True, own_export: bool = True
    ) -> Flows:
        shape = (n_steps, n_participants)
        nothing = np.broadcast_to(np.zeros(1), shape)  # read-only, no memory
        return cls(
            np.zeros(shape) if own else nothing,
            np.zeros(shape) if own_export else nothing,
            np.zeros(shape),
        )

    def received(self, rows: slice | None = None, cols: Any = None) -> np.ndarray:
        """Own string plus shared of some rows and columns [kWh/interval].

        A new C-ordered array; ``cols`` is None (all), a column number or an array of
        column numbers.
        """
        rows = slice(None) if rows is None else rows

        def pick(values: np.ndarray) -> np.ndarray:
            if cols is None:
                return values[rows]
            if isinstance(cols, int | np.integer):
                return values[rows, int(cols)]
            if len(cols) and cols[-1] - cols[0] == len(cols) - 1:  # consecutive: a view
                return values[rows, int(cols[0]) : int(cols[-1]) + 1]
            return np.take(values[rows], cols, axis=1)

        if not self.own.strides[0]:  # no own strings: x + 0.0 == x
            return np.array(pick(self.shared), order="C")
        return np.add(pick(self.own), pick(self.shared), order="C")


def annual_energy(
    participant_ids: pd.Index,
    consumption_kwh: np.ndarray,
    shared_kwh: np.ndarray,
    price_eur_per_kwh: np.ndarray,
    own_kwh: np.ndarray | None = None,
    own_export_kwh: np.ndarray | None = None,
) -> pd.DataFrame:
    """Annual energy and supply cost per participant, from interval flows.

    Parameters
    ----------
    participant_ids : pandas.Index
        The columns of the arrays (the frame's index).
    consumption_kwh, shared_kwh : numpy.ndarray
        ``(n_steps, n_participants)`` consumption and energy received from the
        waterfall [kWh/interval].
    price_eur_per_kwh : numpy.ndarray
        ``(n_steps,)`` bare supply price [EUR/kWh].
    own_kwh, own_export_kwh : numpy.ndarray, optional
        Own strings' self-consumed and fed-in energy; None when there are none.

    Returns
    -------
    pandas.DataFrame
        ``consumption_kwh``, ``own_string_kwh``, ``shared_kwh``, ``own_export_kwh``,
        ``allocated_kwh``, ``grid_import_kwh``, ``supply_cost_without_eur``,
        ``supply_cost_with_eur`` [kWh/yr, EUR/yr], the input of
        :func:`energysim.accounts.build_accounts`.
    """
    n = len(participant_ids)
    no_energy = np.zeros(n)
    consumption = consumption_kwh.sum(axis=0)
    own_string = own_kwh.sum(axis=0) if own_kwh is not None else no_energy
    shared = shared_kwh.sum(axis=0)
    allocated = own_string + shared
    grid_import = np.maximum(consumption - allocated, 0.0)
    price = price_eur_per_kwh
    if (price == price[0]).all():  # flat: price x kWh (allocated <= consumed per interval)
        cost_without, cost_with = consumption * price[0], grid_import * price[0]
    else:  # interval prices; elementwise sums, not BLAS: the same whatever the threads
        flows = Flows(NO_FLOW if own_kwh is None else own_kwh, NO_FLOW, shared_kwh)
        cost_without = (consumption_kwh * price[:, None]).sum(axis=0)
        cost_with = priced_grid_import_eur(consumption_kwh, flows, price)  # no (T, P) copy
    return pd.DataFrame(
        {
            "consumption_kwh": consumption,
            "own_string_kwh": own_string,
            "shared_kwh": shared,
            "own_export_kwh": own_export_kwh.sum(axis=0)
            if own_export_kwh is not None
            else no_energy,
            "allocated_kwh": allocated,
            "grid_import_kwh": grid_import,
            "supply_cost_without_eur": cost_without,
            "supply_cost_with_eur": cost_with,
        },
        index=participant_ids,
    )


def priced_grid_import_eur(consumption: np.ndarray, flows: Flows, price: np.ndarray) -> np.ndarray:
    """Per participant, sum over intervals of grid import x price [EUR].

    Block by block without a full ``(n_steps, n_participants)`` temporary; each block's
    sum is added row after row to the running total (the stacked rows), which is the
    order of a sum over all rows at once, so the result is the same to the bit.
    """
    total = np.zeros(consumption.shape[1])
    for start in range(0, len(price), BALANCE_BLOCK_STEPS):
        rows = slice(start, start + BALANCE_BLOCK_STEPS)
        block = np.maximum(consumption[rows] - flows.received(rows), 0.0) * price[rows, None]
        total = np.vstack([total[None, :], block]).sum(axis=0) if start else block.sum(axis=0)
    return total


def into_scheme_kwh(result: Result) -> np.ndarray:
    """Generation less what batteries stored net, per interval [kWh] (issue 21)."""
    gen = result.generation_kwh.to_numpy().sum(axis=1)
    if result.storage is None or not result.storage.batteries:
        return gen
    return gen - result.storage.net_charge_kwh(len(gen))


def check_energy_balance(result: Result) -> None:
    """Raise if, in any interval, allocated + export differs from generation.

    Notes
    -----
    ``sum_p a_pt + x_t == G_t`` and ``0 <= a_pt <= D_pt`` (domain.md section 3); SCE
    energy is fed in and counted in the export. With batteries, what they charged less
    what they discharged is taken off ``G_t`` (their losses and SoC change).
    """
    expect_result(result, "check_energy_balance")
    check_balance(
        into_scheme_kwh(result),
        result_flows(result),
        result.export_kwh.to_numpy().sum(axis=1),
        result.consumption_kwh.to_numpy(),
    )


def result_flows(result: Result) -> Flows:
    """A result's own-string, own-export and shared arrays (views, no copies)."""
    return Flows(
        result.own_string_kwh.to_numpy(),
        result.own_export_kwh.to_numpy(),
        result.shared_kwh.to_numpy(),
    )


def check_balance(
    gen: np.ndarray, flows: Flows, export: np.ndarray, consumption: np.ndarray
) -> None:
    """See :func:`check_energy_balance`; arrays [kWh/interval]."""
    worst, over = 0.0, 0.0
    # in blocks of rows: the temporaries stay in the CPU cache
    for start in range(0, len(gen), BALANCE_BLOCK_STEPS):
        rows = slice(start, start + BALANCE_BLOCK_STEPS)
        block = flows.received(rows)
        lhs = block.sum(axis=1) + export[rows]
        worst = max(worst, float(np.max(np.abs(lhs - gen[rows]))))
        over = max(over, float(np.max(block - consumption[rows], initial=0.0)))
    if worst > BALANCE_TOL_KWH * max(1.0, float(np.max(gen, initial=0.0))):
        raise AssertionError(
            f"energy balance broken: max |allocated + export - generation| = {worst:g} kWh"
        )
    if over > BALANCE_TOL_KWH:
        raise AssertionError(f"a participant received more than it consumed by {over:g} kWh")


def group_sums(values: Any, cols: np.ndarray, n_steps: int) -> np.ndarray:
    """Per interval, the sum over the participants ``cols`` of ``values(rows, cols)``.

    ``values`` returns a new C-ordered ``(rows, len(cols))`` array; it is called block by
    block of rows, so no ``(n_steps, n_participants)`` temporary is made. Each row is
    summed as numpy sums a row of a C-ordered array, so the sums equal those of one
    selection of every row (to the bit).
    """
    out = np.zeros(n_steps)
    if len(cols):
        for start in range(0, n_steps, BALANCE_BLOCK_STEPS):
            rows = slice(start, start + BALANCE_BLOCK_STEPS)
            out[rows] = values(rows, cols).sum(axis=1)
    return out
