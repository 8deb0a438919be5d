"""Small pandas tables made from arrays in one step.

A run makes many small tables whose columns are arrays of one dtype (one row per
participant, per building or per owner; one column per building of an interval series).
``pd.DataFrame(dict_of_arrays)`` infers each column and consolidates them into a block,
which costs more than the arithmetic behind a table of a few dozen rows;
:func:`block_frame` makes the same table from one stacked array, and :func:`column_index`
makes a table's column labels once per process.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = ["block_frame", "column_index", "float_frame"]


@lru_cache(maxsize=256)
def column_index(names: tuple[str, ...]) -> pd.Index:
    """Column labels as ``pd.DataFrame(dict)`` makes them from the dict's keys (pandas'
    string dtype), made once per process: an Index is immutable, so the tables of every
    run can share it."""
    return pd.Index(list(names))


def block_frame(columns: Mapping[str, np.ndarray], index: pd.Index | None = None) -> pd.DataFrame:
    """``pd.DataFrame(columns, index=index)``: the same labels, dtypes and values, as one
    block made from one stacked array when the columns are equally long arrays of one
    dtype (without pandas' inference per column); else made by pandas as it is."""
    values = list(columns.values())
    if not values or len({(v.dtype, v.shape) for v in values}) != 1 or values[0].ndim != 1:
        return pd.DataFrame(columns, index=index)
    block = np.stack(values)
    return pd.DataFrame(block.T, index=index, columns=column_index(tuple(columns)), copy=False)


def float_frame(columns: Mapping[str, ArrayLike], index: pd.Index | None = None) -> pd.DataFrame:
    """``pd.DataFrame(columns, index=index)`` for float64 columns of equal length (each
    taken as float64): :func:`block_frame` (a default RangeIndex when ``index`` is None)."""
    return block_frame({k: np.asarray(v, dtype=np.float64) for k, v in columns.items()}, index)
