"""The interval flows of a run and the sums over them.

A run's energy lives in ``(n_steps, n_participants)`` float64 arrays in participant
order (:class:`Flows`: own strings, their export, shared). The own strings are not
stored as such arrays when no home battery changes them: they are ``min(string,
consumption)`` and ``string - used`` of one string per building
(:class:`OwnStrings`), computed block by block where they are read. This module holds the helpers
that read them without copying them whole: column positions as slices (views), sums
block by block of rows (temporaries stay in the CPU cache), the annual energy and
supply cost per participant (:func:`annual_energy`, the input of the money), and the
energy balance every run is checked against (:func:`check_energy_balance`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from energysim.results.result import expect_result

if TYPE_CHECKING:
    from energysim.results.result import Result

BALANCE_TOL_KWH = 1e-9
"""Tolerance of the energy balance in an interval [kWh]: of |allocated + export -
generation| (times the largest generation when above 1 kWh) and of received - consumed."""
BALANCE_BLOCK_STEPS = 2048
"""Rows per block of the block-by-block sums, at most (:func:`block_rows`)."""
BLOCK_BYTES = 16 * 2**20
"""About this much float64 per block of the block-by-block sums and of the waterfall:
below glibc's largest mmap threshold (32 MiB), so a freed block's memory is reused by
the next one instead of being mapped again (page faults, system time)."""


def block_rows(n_columns: int) -> int:
    """Rows per block for ``n_columns`` float64 columns: :data:`BLOCK_BYTES` at most,
    between 64 and :data:`BALANCE_BLOCK_STEPS` rows. Every block-by-block result is
    the same to the bit whatever the block size (sums are per row, or in row order)."""
    return int(min(BALANCE_BLOCK_STEPS, max(64, BLOCK_BYTES // (8 * max(1, n_columns)))))


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


def pick(values: np.ndarray, rows: slice, cols: Any) -> np.ndarray:
    """``values[rows, cols]``: a view when ``cols`` is None, a number or consecutive."""
    if cols is None:
        return values[rows]
    if isinstance(cols, slice):
        return values[rows, cols]
    if isinstance(cols, int | np.integer):
        return values[rows, int(cols)]
    if len(cols) and cols[-1] - cols[0] == len(cols) - 1:  # consecutive: a view
        return values[rows, int(cols[0]) : int(cols[-1]) + 1]
    return np.take(values[rows], cols, axis=1)


def _positions(cols: Any, n_columns: int) -> np.ndarray:
    """Column numbers of a selection (None: all; a slice; a number; numbers)."""
    if cols is None:
        return np.arange(n_columns)
    if isinstance(cols, slice):
        return np.arange(n_columns)[cols]
    return np.atleast_1d(np.asarray(cols, dtype=np.intp))


@dataclass(frozen=True)
class OwnStrings:
    """The strings behind the dwellings' meters, without ``(n_steps, n_participants)``
    arrays: what each dwelling used and fed in, computed where it is read.

    Attributes
    ----------
    string_kwh : numpy.ndarray
        ``(n_steps, n_strings)`` one dwelling's string of each building that has them
        [kWh/interval].
    column_string : numpy.ndarray
        ``(n_participants,)`` the column of ``string_kwh`` of each participant, -1 for
        participants without a string.
    consumption_kwh : numpy.ndarray
        ``(n_steps, n_participants)`` the run's consumption [kWh/interval].
    exported : bool
        The surplus is fed in (``own_export``); otherwise it went to the waterfall and
        the own-string export is zero.

    Notes
    -----
    Behind one meter: ``used = min(S, D)`` and ``surplus = S - used`` per interval
    (:func:`energysim.sharing.allocation.allocate_own_strings`, the same operations, so the
    same numbers to the bit); zero for participants without a string.
    """

    string_kwh: np.ndarray
    column_string: np.ndarray
    consumption_kwh: np.ndarray
    exported: bool

    @classmethod
    def none(cls, consumption_kwh: np.ndarray, exported: bool = False) -> OwnStrings:
        """No strings yet: every participant's string is zero."""
        n_steps, n_participants = consumption_kwh.shape
        return cls(
            np.zeros((n_steps, 0)),
            np.full(n_participants, -1, dtype=np.intp),
            consumption_kwh,
            exported,
        )

    def with_string(self, string_kwh: np.ndarray, cols: Columns) -> OwnStrings:
        """These participant columns get the one-dwelling string ``string_kwh`` [kWh]."""
        column_string = self.column_string.copy()
        column_string[cols] = self.string_kwh.shape[1]
        table = np.column_stack([self.string_kwh, string_kwh])
        return replace(self, string_kwh=table, column_string=column_string)

    @property
    def any(self) -> bool:
        """Some participant has a string."""
        return bool((self.column_string >= 0).any())

    def _per_string(
        self, rows: slice | None, cols: Any, surplus: bool, base: np.ndarray | None = None
    ) -> np.ndarray:
        """``min(S, D)`` (or ``S - min(S, D)``) of some rows and columns, 0 without a
        string: a new C-ordered float64 array; or added to ``base`` (a float64 array of
        the selection's shape, changed in place and returned)."""
        rows = slice(None) if rows is None else rows
        cons = self.consumption_kwh[rows]
        sel = _positions(cols, self.consumption_kwh.shape[1])
        one = isinstance(cols, int | np.integer)
        if base is None:
            out = np.zeros((len(cons), len(sel)))
        else:
            out = base[:, None] if one else base
        which = self.column_string[sel]
        for b in np.unique(which[which >= 0]):
            k = np.flatnonzero(which == b)
            string = self.string_kwh[rows, b][:, None]
            view = k[-1] - k[0] == len(k) - 1 and sel[k[-1]] - sel[k[0]] == len(k) - 1
            # consecutive columns (the usual case): views, no copies
            c = cons[:, int(sel[k[0]]) : int(sel[k[0]]) + len(k)] if view else cons[:, sel[k]]
            o = out[:, k[0] : k[-1] + 1] if view and base is None else None
            o = np.minimum(string, c, out=o)
            if surplus:
                np.subtract(string, o, out=o)
            if view:
                if base is not None:
                    target = out[:, k[0] : k[-1] + 1]
                    np.add(target, o, out=target)
            else:
                out[:, k] = o if base is None else out[:, k] + o
        return out[:, 0] if one else out

    def annual_kwh(self) -> tuple[np.ndarray, np.ndarray]:
        """Per participant, the sums over the year of what its string gave and fed in
        [kWh/yr] (zeros without a string; the export zero unless exported).

        One pass over the string columns only, block by block, each column summed row
        after row (:func:`add_rows`): the same as summing the whole arrays.
        """
        n_steps, n = self.consumption_kwh.shape
        used, fed_in = np.zeros(n), np.zeros(n)
        for b in range(self.string_kwh.shape[1]):
            cols = np.flatnonzero(self.column_string == b)
            sel = slice(cols[0], cols[-1] + 1) if cols[-1] - cols[0] == len(cols) - 1 else cols
            string = self.string_kwh[:, b]
            total_used: np.ndarray | None = None
            total_fed: np.ndarray | None = None
            step = block_rows(len(cols))
            for start in range(0, n_steps, step):
                rows = slice(start, start + step)
                u = np.minimum(string[rows, None], self.consumption_kwh[rows, sel])
                total_used = add_rows(total_used, u)
                if self.exported:
                    total_fed = add_rows(total_fed, np.subtract(string[rows, None], u, out=u))
            assert total_used is not None, "a run has intervals"
            used[cols] = total_used
            if total_fed is not None:
                fed_in[cols] = total_fed
        return used, fed_in

    def used(self, rows: slice | None = None, cols: Any = None) -> np.ndarray:
        """What each dwelling used of its string, of some rows and columns [kWh/interval]:
        a new C-ordered float64 array (``cols`` as in :meth:`Flows.received`)."""
        return self._per_string(rows, cols, surplus=False)

    def surplus(self, rows: slice | None = None, cols: Any = None) -> np.ndarray:
        """What each dwelling's string fed in [kWh/interval] (zero unless exported)."""
        if not self.exported:  # a read-only zero, no memory
            shape = pick(self.consumption_kwh, slice(None) if rows is None else rows, cols).shape
            return np.broadcast_to(np.zeros(1), shape)
        return self._per_string(rows, cols, surplus=True)


@dataclass
class Flows:
    """The interval flows of a run, one column per participant in participant order.

    A flow that the scenario cannot have (own strings without per-dwelling arrays, their
    export when the surplus goes to the next tier) is a read-only broadcast zero: no
    ``(n_steps, n_participants)`` memory for it. With ``strings`` set, the own strings
    and their export are computed from it where they are read (``own`` and
    ``own_export`` are then unused zeros).
    """

    own: np.ndarray
    own_export: np.ndarray
    shared: np.ndarray
    strings: OwnStrings | None = None

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

    @property
    def has_own(self) -> bool:
        """Some participant has an own string (stored or computed)."""
        return self.strings.any if self.strings is not None else bool(self.own.strides[0])

    @property
    def has_own_export(self) -> bool:
        """Own strings feed their surplus in (stored or computed)."""
        if self.strings is not None:
            return self.strings.exported and self.strings.any
        return bool(self.own_export.strides[0])

    def own_kwh(self, rows: slice | None = None, cols: Any = None) -> np.ndarray:
        """What the own strings gave of some rows and columns [kWh/interval]; a view
        when stored (``cols`` as in :meth:`received`)."""
        rows = slice(None) if rows is None else rows
        if self.strings is not None:
            return self.strings.used(rows, cols)
        return pick(self.own, rows, cols)

    def own_export_kwh(self, rows: slice | None = None, cols: Any = None) -> np.ndarray:
        """What the own strings fed in, of some rows and columns [kWh/interval]."""
        rows = slice(None) if rows is None else rows
        if self.strings is not None:
            return self.strings.surplus(rows, cols)
        return pick(self.own_export, rows, cols)

    def received(self, rows: slice | None = None, cols: Any = None) -> np.ndarray:
        """Own string plus shared of some rows and columns [kWh/interval].

        A new C-ordered array; ``cols`` is None (all), a column number or an array of
        column numbers.
        """
        rows = slice(None) if rows is None else rows
        if self.strings is not None:  # shared, plus the strings of those that have one
            shared = np.array(pick(self.shared, rows, cols), dtype=np.float64, order="C")
            return self.strings._per_string(rows, cols, surplus=False, base=shared)
        if not self.own.strides[0]:  # no own strings: x + 0.0 == x
            return np.array(pick(self.shared, rows, cols), dtype=np.float64, order="C")
        return np.add(pick(self.own, rows, cols), pick(self.shared, rows, cols), order="C")


def column_sums(values: Any, n_steps: int, n_columns: int) -> np.ndarray:
    """Per column, the sum over all rows of ``values(rows)`` [same unit].

    ``values`` returns a ``(rows, n_columns)`` array; it is called block by block of
    :func:`block_rows` rows, and each block's rows are added to the running
    total one after the other (stacked under it), which is the order of numpy's sum over
    axis 0 of the whole array: the same result to the bit, without the whole array.
    """
    total: np.ndarray | None = None
    step = block_rows(n_columns)
    for start in range(0, n_steps, step):
        total = add_rows(total, values(slice(start, start + step)))
    assert total is not None, "a run has intervals"
    return total


def add_rows(total: np.ndarray | None, block: np.ndarray) -> np.ndarray:
    """``total`` (None at the first block) plus each row of ``block`` in turn, in float64:
    stacked under the total and summed over axis 0, numpy's order of adding rows."""
    if total is None:
        return block.sum(axis=0, dtype=np.float64)
    return np.vstack([total[None, :], block]).sum(axis=0, dtype=np.float64)


def annual_energy(
    participant_ids: pd.Index,
    consumption_kwh: np.ndarray,
    flows: Flows,
    price_eur_per_kwh: np.ndarray,
) -> pd.DataFrame:
    """Annual energy and supply cost per participant, from interval flows.

    Parameters
    ----------
    participant_ids : pandas.Index
        The columns of the arrays (the frame's index).
    consumption_kwh : numpy.ndarray
        ``(n_steps, n_participants)`` consumption [kWh/interval].
    flows : Flows
        What the participants received: own strings (and their export) and the
        waterfall's shared energy [kWh/interval].
    price_eur_per_kwh : numpy.ndarray
        ``(n_steps,)`` bare supply price [EUR/kWh].

    Returns
    -------
    pandas.DataFrame
        ``consumption_kwh``, ``own_string_kwh``, ``shared_kwh``, ``own_export_kwh``,
        ``allocated_kwh``, ``grid_import_kwh``, ``supply_cost_without_eur``,
        ``supply_cost_with_eur`` [kWh/yr, EUR/yr], the input of
        :func:`energysim.money.accounts.build_accounts`. Sums are float64 whatever the
        arrays' precision.
    """
    n = len(participant_ids)
    n_steps = len(price_eur_per_kwh)
    no_energy = np.zeros(n)
    consumption = consumption_kwh.sum(axis=0, dtype=np.float64)
    if flows.strings is not None:  # one pass over the string columns
        own_string, own_export = flows.strings.annual_kwh()
    else:
        own_string = column_sums(flows.own_kwh, n_steps, n) if flows.has_own else no_energy
        own_export = (
            column_sums(flows.own_export_kwh, n_steps, n) if flows.has_own_export else no_energy
        )
    shared = flows.shared.sum(axis=0, dtype=np.float64)
    allocated = own_string + shared
    grid_import = np.maximum(consumption - allocated, 0.0)
    price = price_eur_per_kwh
    if (price == price[0]).all():  # flat: price x kWh (allocated <= consumed per interval)
        cost_without, cost_with = consumption * price[0], grid_import * price[0]
    else:  # interval prices; elementwise sums, not BLAS: the same whatever the threads
        cost_without = column_sums(lambda r: consumption_kwh[r] * price[r, None], n_steps, n)
        cost_with = priced_grid_import_eur(consumption_kwh, flows, price)  # no (T, P) copy
    return pd.DataFrame(
        {
            "consumption_kwh": consumption,
            "own_string_kwh": own_string,
            "shared_kwh": shared,
            "own_export_kwh": own_export,
            "allocated_kwh": allocated,
            "grid_import_kwh": grid_import,
            "supply_cost_without_eur": cost_without,
            "supply_cost_with_eur": cost_with,
        },
        index=participant_ids,
    )


def priced_grid_import_eur(consumption: np.ndarray, flows: Flows, price: np.ndarray) -> np.ndarray:
    """Per participant, sum over intervals of grid import x price [EUR].

    Block by block without a full ``(n_steps, n_participants)`` temporary, in the
    order of a sum over all rows at once (:func:`column_sums`): the same to the bit.
    """

    def priced(rows: slice) -> np.ndarray:
        return np.maximum(consumption[rows] - flows.received(rows), 0.0) * price[rows, None]

    return column_sums(priced, len(price), consumption.shape[1])


def into_scheme_kwh(result: Result) -> np.ndarray:
    """Generation less what batteries stored net, per interval [kWh]."""
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
    """A result's own strings and shared arrays (no copies)."""
    return result.flows


def check_balance(
    gen: np.ndarray, flows: Flows, export: np.ndarray, consumption: np.ndarray
) -> None:
    """See :func:`check_energy_balance`; arrays [kWh/interval]."""
    worst, over = 0.0, 0.0
    # in blocks of rows: the temporaries stay in the CPU cache
    step = block_rows(consumption.shape[1])
    for start in range(0, len(gen), step):
        rows = slice(start, start + step)
        block = flows.received(rows)
        lhs = block.sum(axis=1) + export[rows]
        worst = max(worst, float(np.max(np.abs(lhs - gen[rows]))))
        excess = np.subtract(block, consumption[rows], out=block)  # block is ours
        over = max(over, float(np.max(excess, initial=0.0)))
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
        step = block_rows(len(cols))
        for start in range(0, n_steps, step):
            rows = slice(start, start + step)
            out[rows] = values(rows, cols).sum(axis=1)
    return out
