"""The strings behind the dwellings' meters in a run: three forms, one interface.

A per-dwelling array gives every participating dwelling of its building the same string
behind its meter; a dwelling uses ``min(string, consumption)`` of it and feeds in (or
passes on to the waterfall) the rest (:func:`energysim.sharing.allocation.
allocate_own_strings`). A run keeps its dwellings' strings in one of three forms, each an
:class:`OwnStrings`, read by every consumer through the same methods (:meth:`used`,
:meth:`surplus`, :meth:`add_used`, :meth:`annual_kwh`):

- :class:`NoStrings`: the scenario has no per-dwelling arrays;
- :class:`ComputedStrings`: one string per building, what each dwelling used and fed in
  computed where it is read (no ``(n_steps, n_participants)`` arrays);
- :class:`StoredStrings`: home batteries changed what the dwellings use and feed in, so
  each building's ``(n_steps, n_dwellings)`` arrays are kept.

A building's sharing returns its part (:class:`StringShare` or :class:`StoredShare`);
:func:`own_strings` assembles the run's form from them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from energysim.inputs.participants import Columns
from energysim.sharing.blocks import (
    Selection,
    add_rows,
    block_rows,
    column_sums,
    n_rows,
    pick,
    positions,
)
from energysim.sharing.kernel_inputs import FloatArray, check_energy, out_for


# --------------------------------------------------------------------------- the kernel
def allocate_own_strings(
    string_generation_kwh: ArrayLike,
    demand_kwh: ArrayLike,
    *,
    out: FloatArray | None = None,
    surplus_out: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Each dwelling first uses its own string behind its own meter.

    Parameters
    ----------
    string_generation_kwh : array_like
        ``(n_steps, n_dwellings)``, or ``(n_steps, 1)`` when every dwelling's string is
        the same (broadcast, no copy per dwelling) [kWh].
    demand_kwh : array_like
        ``(n_steps, n_dwellings)`` [kWh].
    out, surplus_out : numpy.ndarray, optional
        ``(n_steps, n_dwellings)`` arrays (or views) that receive the self-consumed and
        the fed-in energy.

    Returns
    -------
    used_kwh, surplus_kwh : numpy.ndarray
        ``(n_steps, n_dwellings)`` self-consumed and fed-in energy [kWh].

    Raises
    ------
    ValueError
        On shapes, or non-finite or negative energy.

    Notes
    -----
    Behind one meter there is nothing to share: ``used = min(S, D)`` and
    ``surplus = S - used`` per interval; ``used + surplus == S`` to rounding.
    """
    s = np.asarray(string_generation_kwh, dtype=np.float64)
    d = np.asarray(demand_kwh, dtype=np.float64)
    if s.ndim != 2 or d.ndim != 2 or s.shape[0] != d.shape[0] or s.shape[1] not in (1, d.shape[1]):
        raise ValueError(
            "allocation: expected string generation of shape (n_steps, n_dwellings) or "
            f"(n_steps, 1) and demand of shape (n_steps, n_dwellings), found {s.shape} "
            f"and {d.shape}"
        )
    check_energy(s, "string generation")
    check_energy(d, "demand")
    used = np.minimum(s, d, out=out_for(d, out))
    return used, np.subtract(s, used, out=out_for(d, surplus_out))


# --------------------------------------------------------------------------- a building's part
@dataclass(frozen=True)
class StringShare:
    """A building's strings kept as one: every participating dwelling's string.

    Attributes
    ----------
    columns : slice or list of int
        The participating dwellings' columns.
    string_kwh : numpy.ndarray
        ``(n_steps,)`` one dwelling's string [kWh/interval].
    """

    columns: Columns
    string_kwh: np.ndarray

    def used(self, rows: slice, consumption_kwh: np.ndarray) -> np.ndarray:
        """What the dwellings used of their strings in some rows: ``min(S, D)``, a new
        float64 array ``(rows, n_dwellings)`` [kWh/interval]."""
        return np.minimum(self.string_kwh[rows, None], pick(consumption_kwh, rows, self.columns))


@dataclass(frozen=True)
class StoredShare:
    """A building's strings as arrays, after its home batteries changed them.

    Attributes
    ----------
    columns : slice or list of int
        The participating dwellings' columns.
    used_kwh : numpy.ndarray
        ``(n_steps, n_dwellings)`` what each used of its string (and its battery).
    surplus_kwh : numpy.ndarray or None
        ``(n_steps, n_dwellings)`` what each fed in; None when the surplus goes to the
        waterfall instead [kWh/interval].
    """

    columns: Columns
    used_kwh: np.ndarray
    surplus_kwh: np.ndarray | None

    def used(self, rows: slice, consumption_kwh: np.ndarray) -> np.ndarray:
        """What the dwellings used in some rows: a new float64 array [kWh/interval]."""
        return np.array(self.used_kwh[rows], dtype=np.float64)


BuildingStrings = StringShare | StoredShare
"""A building's part of the run's own strings."""


# --------------------------------------------------------------------------- the run's form
class OwnStrings(ABC):
    """The run's strings behind the meters, read through one interface.

    ``rows`` is a slice of intervals (None: all); ``cols`` None (all participants), a
    column number, a slice or column numbers. Participants without a string get 0.
    """

    exported: bool
    """The surplus is fed in (``per_dwelling_surplus = "export"``); otherwise it went to
    the waterfall and what the strings fed in is zero."""

    @property
    @abstractmethod
    def any(self) -> bool:
        """Some participant has a string."""

    @abstractmethod
    def used(self, rows: slice | None = None, cols: Selection = None) -> np.ndarray:
        """What each dwelling used of its string [kWh/interval]: a new C-ordered float64
        array, or a read-only zero when nobody has a string."""

    @abstractmethod
    def surplus(self, rows: slice | None = None, cols: Selection = None) -> np.ndarray:
        """What each dwelling's string fed in [kWh/interval]: a new C-ordered float64
        array, or a read-only zero when nothing is fed in."""

    @abstractmethod
    def add_used(self, base: np.ndarray, rows: slice | None = None, cols: Selection = None) -> None:
        """Add what the dwellings used to ``base`` (float64, the selection's shape), in
        place [kWh/interval]."""

    @abstractmethod
    def annual_kwh(self) -> tuple[np.ndarray, np.ndarray]:
        """Per participant, the year's sums of what its string gave and fed in [kWh/yr]
        (zeros without a string; the export zero unless exported), float64."""


def _zeros(n_steps: int, n_participants: int, rows: slice | None, cols: Selection) -> np.ndarray:
    """A read-only zero of the selection's shape (no memory)."""
    n = n_rows(rows, n_steps)
    if isinstance(cols, int | np.integer):
        return np.broadcast_to(np.zeros(1), (n,))
    return np.broadcast_to(np.zeros(1), (n, len(positions(cols, n_participants))))


@dataclass(frozen=True)
class NoStrings(OwnStrings):
    """A run without per-dwelling arrays: nobody has a string."""

    n_steps: int
    n_participants: int
    exported: bool = False

    @property
    def any(self) -> bool:
        return False

    def used(self, rows: slice | None = None, cols: Selection = None) -> np.ndarray:
        return _zeros(self.n_steps, self.n_participants, rows, cols)

    def surplus(self, rows: slice | None = None, cols: Selection = None) -> np.ndarray:
        return _zeros(self.n_steps, self.n_participants, rows, cols)

    def add_used(self, base: np.ndarray, rows: slice | None = None, cols: Selection = None) -> None:
        return None  # x + 0.0 == x

    def annual_kwh(self) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros(self.n_participants), np.zeros(self.n_participants)


@dataclass(frozen=True)
class ComputedStrings(OwnStrings):
    """One string per building, without ``(n_steps, n_participants)`` arrays: what each
    dwelling used and fed in is computed where it is read.

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

    Notes
    -----
    Behind one meter: ``used = min(S, D)`` and ``surplus = S - used`` per interval
    (:func:`energysim.sharing.own_strings.allocate_own_strings`, the same operations, so the
    same numbers to the bit); zero for participants without a string.
    """

    string_kwh: np.ndarray
    column_string: np.ndarray
    consumption_kwh: np.ndarray
    exported: bool

    @property
    def any(self) -> bool:
        return bool((self.column_string >= 0).any())

    def _per_string(
        self, rows: slice | None, cols: Selection, surplus: bool, base: np.ndarray | None = None
    ) -> np.ndarray:
        """``min(S, D)`` (or ``S - min(S, D)``) of some rows and columns, 0 without a
        string: a new C-ordered float64 array; or added to ``base`` (a float64 array of
        the selection's shape, changed in place and returned)."""
        rows = slice(None) if rows is None else rows
        cons = self.consumption_kwh[rows]
        sel = positions(cols, self.consumption_kwh.shape[1])
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

    def used(self, rows: slice | None = None, cols: Selection = None) -> np.ndarray:
        return self._per_string(rows, cols, surplus=False)

    def surplus(self, rows: slice | None = None, cols: Selection = None) -> np.ndarray:
        if not self.exported:  # a read-only zero, no memory
            n_steps, n_participants = self.consumption_kwh.shape
            return _zeros(n_steps, n_participants, rows, cols)
        return self._per_string(rows, cols, surplus=True)

    def add_used(self, base: np.ndarray, rows: slice | None = None, cols: Selection = None) -> None:
        self._per_string(rows, cols, surplus=False, base=base)

    def annual_kwh(self) -> tuple[np.ndarray, np.ndarray]:
        """One pass over the string columns only, block by block, each column summed row
        after row (:func:`~energysim.sharing.blocks.add_rows`): the same as summing the
        whole arrays."""
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


@dataclass(frozen=True)
class StoredStrings(OwnStrings):
    """Each building's strings as the arrays its home batteries left
    (:class:`StoredShare`), read as one ``(n_steps, n_participants)`` table.

    Attributes
    ----------
    shares : tuple of StoredShare
    column_share : numpy.ndarray
        ``(n_participants,)`` the share holding each participant's column, -1 for
        participants without a string.
    column_offset : numpy.ndarray
        ``(n_participants,)`` its column within that share's arrays.
    exported : bool
    """

    shares: tuple[StoredShare, ...]
    column_share: np.ndarray
    column_offset: np.ndarray
    n_steps: int
    exported: bool

    @property
    def any(self) -> bool:
        return bool((self.column_share >= 0).any())

    def _gather(self, rows: slice | None, cols: Selection, surplus: bool) -> np.ndarray:
        """The shares' values of some rows and columns, 0 without a string: a new
        C-ordered float64 array."""
        rows = slice(None) if rows is None else rows
        sel = positions(cols, len(self.column_share))
        out = np.zeros((n_rows(rows, self.n_steps), len(sel)))
        which = self.column_share[sel]
        for s in np.unique(which[which >= 0]):
            share = self.shares[s]
            values = share.surplus_kwh if surplus else share.used_kwh
            if values is not None:
                k = np.flatnonzero(which == s)
                out[:, k] = values[rows][:, self.column_offset[sel[k]]]
        return out[:, 0] if isinstance(cols, int | np.integer) else out

    def used(self, rows: slice | None = None, cols: Selection = None) -> np.ndarray:
        return self._gather(rows, cols, surplus=False)

    def surplus(self, rows: slice | None = None, cols: Selection = None) -> np.ndarray:
        if not self.exported:  # a read-only zero, no memory
            return _zeros(self.n_steps, len(self.column_share), rows, cols)
        return self._gather(rows, cols, surplus=True)

    def add_used(self, base: np.ndarray, rows: slice | None = None, cols: Selection = None) -> None:
        np.add(base, self.used(rows, cols), out=base)

    def annual_kwh(self) -> tuple[np.ndarray, np.ndarray]:
        """Sums block by block of rows of the whole table (:func:`column_sums`)."""
        n = len(self.column_share)
        used = column_sums(self.used, self.n_steps, n)
        fed_in = column_sums(self.surplus, self.n_steps, n) if self.exported else np.zeros(n)
        return used, fed_in


def own_strings(
    parts: Sequence[BuildingStrings],
    consumption_kwh: np.ndarray,
    exported: bool,
) -> OwnStrings:
    """The run's own strings from its buildings' parts (in building order).

    Parameters
    ----------
    parts : sequence of StringShare or StoredShare
        Of the buildings that have per-dwelling arrays; all of one kind
        (:func:`strings_stored`).
    consumption_kwh : numpy.ndarray
        ``(n_steps, n_participants)`` the run's consumption [kWh/interval].
    exported : bool
        The strings' surplus is fed in.
    """
    n_steps, n_participants = consumption_kwh.shape
    if not parts:
        return NoStrings(n_steps, n_participants)
    index = np.full(n_participants, -1, dtype=np.intp)
    if all(isinstance(p, StringShare) for p in parts):
        strings = [s for s in parts if isinstance(s, StringShare)]
        for j, one in enumerate(strings):
            index[one.columns] = j
        table = np.column_stack([one.string_kwh for one in strings])
        return ComputedStrings(table, index, consumption_kwh, exported)
    stored = tuple(s for s in parts if isinstance(s, StoredShare))
    assert len(stored) == len(parts), "a run keeps its strings in one form"
    offset = np.zeros(n_participants, dtype=np.intp)
    for j, arrays in enumerate(stored):
        cols = positions(arrays.columns, n_participants)
        index[cols] = j
        offset[cols] = np.arange(len(cols))
    return StoredStrings(stored, index, offset, n_steps, exported)


def given_strings(
    used_kwh: np.ndarray | None, surplus_kwh: np.ndarray | None, consumption_kwh: np.ndarray
) -> OwnStrings:
    """Own strings given as arrays of every column of ``consumption_kwh``
    (``(n_steps, n_participants)`` what each used and fed in [kWh/interval]); None: nobody
    has a string, or nothing is fed in."""
    if used_kwh is None:
        return own_strings([], consumption_kwh, exported=False)
    share = StoredShare(slice(0, used_kwh.shape[1]), used_kwh, surplus_kwh)
    return own_strings([share], consumption_kwh, exported=surplus_kwh is not None)
