"""Columns of a table of float64 columns as arrays, all in one step.

The money of a run reads a few columns of small tables (one row per participant: the
annual energy, the year-1 money) many times. Taking each column as a pandas Series costs
far more than its arithmetic on a few dozen rows; a table whose columns are all float64
hands over all of them at once as rows of one array, the values the Series would hold.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["float_columns"]


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
