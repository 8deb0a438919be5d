"""Reading a run's ``(n_steps, n_participants)`` arrays without copying them whole.

A run's energy lives in arrays of one column per participant (in participant order,
:mod:`energysim.inputs.participants`); a large run's consumption is float32
(:func:`energysim.inputs.preflight.consumption_dtype`). The helpers here select some
rows and columns (a view where the columns are consecutive, else a copy), widen a
selection to a float64 copy (:func:`take_kwh`: the one place a float32 table becomes
float64), and sum block by block of rows (:func:`block_rows`), so temporaries stay in
the CPU cache and every sum is float64 and the same to the bit as a sum over the whole
array.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from energysim.inputs.participants import column_positions

BALANCE_BLOCK_STEPS = 2048
"""Rows per block of the block-by-block sums, at most (:func:`block_rows`)."""
BLOCK_BYTES = 16 * 2**20
"""About this much float64 per block of the block-by-block sums and of the waterfall:
below glibc's largest mmap threshold (32 MiB), so a freed block's memory is reused by
the next one instead of being mapped again (page faults, system time)."""

Selection = Any
"""Some columns: None (all), a column number, a slice, or column numbers."""


def block_rows(n_columns: int) -> int:
    """Rows per block for ``n_columns`` float64 columns: :data:`BLOCK_BYTES` at most,
    between 64 and :data:`BALANCE_BLOCK_STEPS` rows. Every block-by-block result is
    the same to the bit whatever the block size (sums are per row, or in row order)."""
    return int(min(BALANCE_BLOCK_STEPS, max(64, BLOCK_BYTES // (8 * max(1, n_columns)))))


def sum_columns(frame: pd.DataFrame, names: list[str]) -> np.ndarray:
    """Row sums of some columns of a single-dtype frame, without a pandas selection."""
    values = frame.to_numpy()
    if not names:
        return np.zeros(len(values))
    cols = column_positions({c: j for j, c in enumerate(frame.columns)}, names)
    return values[:, cols].sum(axis=1)


def pick(values: np.ndarray, rows: slice, cols: Selection) -> np.ndarray:
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


def take_kwh(values: np.ndarray, rows: slice | None = None, cols: Selection = None) -> np.ndarray:
    """``values[rows, cols]`` as a new C-ordered float64 array (float32 values exactly)."""
    rows = slice(None) if rows is None else rows
    return np.array(pick(values, rows, cols), dtype=np.float64, order="C")


def positions(cols: Selection, n_columns: int) -> np.ndarray:
    """Column numbers of a selection (None: all; a slice; a number; numbers)."""
    if cols is None:
        return np.arange(n_columns)
    if isinstance(cols, slice):
        return np.arange(n_columns)[cols]
    return np.atleast_1d(np.asarray(cols, dtype=np.intp))


def n_rows(rows: slice | None, n_steps: int) -> int:
    """How many of ``n_steps`` rows a slice selects."""
    return n_steps if rows is None else len(range(*rows.indices(n_steps)))


def column_sums(values: Callable[[slice], np.ndarray], n_steps: int, n_columns: int) -> np.ndarray:
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


def group_sums(
    values: Callable[[slice, np.ndarray], np.ndarray], cols: np.ndarray, n_steps: int
) -> np.ndarray:
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
