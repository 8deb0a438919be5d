"""Columns of small tables as arrays, each in one step, and their rows as Python values.

The money of a run reads a few columns of small tables (one row per participant: the
annual energy, the year-1 money) many times. Taking each column as a pandas Series costs
far more than the arithmetic on a few dozen rows: a table whose columns are all float64
hands over all of them at once as rows of one array (:func:`float_columns`). Such tables
are made from arrays by :mod:`energysim.core.frames`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["float_columns", "frame_records", "inferred_column", "python_value"]


def float_columns(frame: pd.DataFrame, names: Iterable[str]) -> dict[str, np.ndarray]:
    """Some columns of ``frame`` as float64 arrays, each contiguous, in row order.

    The same values as ``frame[name].to_numpy(dtype=np.float64)``; a table that is not
    all float64 is read column by column.

    Raises
    ------
    KeyError
        A name that is not a column, as ``frame[name]`` does.
    """
    names = list(names)
    values = frame.to_numpy()
    if values.dtype != np.float64:
        return {name: frame[name].to_numpy(dtype=np.float64) for name in names}
    position = {str(name): k for k, name in enumerate(frame.columns)}
    if len(position) != frame.shape[1]:  # repeated column names: as pandas takes them
        return {name: frame[name].to_numpy(dtype=np.float64) for name in names}
    rows = values.T
    return {name: np.ascontiguousarray(rows[position[name]]) for name in names}


def inferred_column(values: list[float | None]) -> np.ndarray:
    """A column given as a list of floats and Nones as the array pandas infers from such
    a list: float64 when any value is a float (None as NaN), else object (all None).

    The owners' IRR and payback are None where they do not exist; a frame made from a
    dict of these arrays has the dtypes and values of one made from the lists.

    Raises
    ------
    TypeError
        A value that is neither None nor a float (pandas infers other types otherwise).
    """
    for v in values:
        if v is not None and not isinstance(v, (float, np.floating)):
            raise TypeError(f"inferred_column: expected a float or None, found {type(v).__name__}")
    if all(v is None for v in values):
        return np.array(values, dtype=object)
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def frame_records(frame: pd.DataFrame, index: bool = False) -> list[dict[str, Any]]:
    """Rows as plain dicts of Python values (JSON-ready; None where missing); with
    ``index`` the index first, as a column of its name (as ``frame.reset_index()`` has
    it)."""
    columns = {c: frame[c].to_numpy(dtype=object) for c in frame.columns}
    if index:
        columns = {frame.index.name: frame.index.to_numpy(dtype=object), **columns}
    return [
        {c: python_value(v) for c, v in zip(columns, row, strict=True)}
        for row in zip(*columns.values(), strict=True)
    ]


def python_value(value: Any) -> Any:
    """A value of a column as a Python value (a numpy scalar's ``item()``), JSON-ready."""
    return value.item() if isinstance(value, np.generic) else value
