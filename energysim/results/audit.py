"""Monthly audit of one participant: "why did I get this much?".

A pure pandas helper at the edge: interval series of one participant in, one row per
local calendar month out, plus a total row whose figures are the annual sums.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

TOTAL_ROW = "total"
BALANCE_TOL = 1e-9
"""Relative tolerance [-] for received energy exceeding consumption (rounding only)."""


def _series(values: ArrayLike, n_steps: int, what: str) -> np.ndarray:
    x = np.asarray(values, dtype=np.float64)
    if x.shape != (n_steps,):
        raise ValueError(f"monthly_audit: expected {what} of shape ({n_steps},), found {x.shape}")
    if not np.isfinite(x).all() or (x < 0).any():
        raise ValueError(f"monthly_audit: expected finite, non-negative {what} [kWh]")
    return x


def monthly_audit(
    index: pd.DatetimeIndex,
    consumption_kwh: ArrayLike,
    received_kwh: Mapping[str, ArrayLike],
    tz: str = "Europe/Amsterdam",
) -> pd.DataFrame:
    """Sum one participant's consumption and what it received per local calendar month.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Tz-aware start of each interval, ``(n_steps,)``.
    consumption_kwh : array_like
        ``(n_steps,)`` the participant's consumption [kWh per interval].
    received_kwh : mapping of str to array_like
        Source (tier or own string) -> ``(n_steps,)`` energy it gave the participant
        [kWh per interval], in the order the columns should appear.
    tz : str
        Time zone whose calendar months the rows follow.

    Returns
    -------
    pandas.DataFrame
        Index ``"YYYY-MM"`` (local month of each interval's start) and a last row
        ``"total"``; columns ``consumption_kwh``, ``received_<source>_kwh`` per source,
        ``grid_import_kwh`` [kWh].

    Raises
    ------
    ValueError
        If the index is not a tz-aware DatetimeIndex, a series has another length or
        holds negative or non-finite values, or the sources together give more than
        the consumption in some interval.

    Notes
    -----
    ``grid_import_kwh = consumption_kwh - sum_s received_s_kwh`` per interval (what was
    not covered is bought from the supplier). The total row is the sum over all
    intervals, so the monthly rows add up to it.
    """
    if not isinstance(index, pd.DatetimeIndex) or index.tz is None:
        raise ValueError(
            "monthly_audit: expected a tz-aware DatetimeIndex, found "
            f"{type(index).__name__} with tz={getattr(index, 'tz', None)}"
        )
    n = len(index)
    consumption = _series(consumption_kwh, n, "consumption_kwh")
    columns: dict[str, np.ndarray] = {"consumption_kwh": consumption}
    received_sum = np.zeros(n)
    for source, values in received_kwh.items():
        column = f"received_{source}_kwh"
        if column in columns:
            raise ValueError(f"monthly_audit: source {source!r} given twice")
        columns[column] = _series(values, n, f"received_kwh[{source!r}]")
        received_sum = received_sum + columns[column]
    excess = received_sum - consumption
    tol = BALANCE_TOL * np.maximum(consumption, 1.0)
    if (excess > tol).any():
        t = int(np.argmax(excess - tol))
        raise ValueError(
            f"monthly_audit: received {received_sum[t]:.6g} kWh > consumption "
            f"{consumption[t]:.6g} kWh in the interval starting {index[t]}"
        )
    columns["grid_import_kwh"] = np.maximum(consumption - received_sum, 0.0)

    local = index.tz_convert(tz)
    month = local.year * 100 + local.month  # sortable label of the local month
    frame = pd.DataFrame(columns)
    out = frame.groupby(np.asarray(month), sort=True).sum()
    out.index = [f"{m // 100:04d}-{m % 100:02d}" for m in out.index]
    out.loc[TOTAL_ROW] = frame.sum()
    out.index.name = "month"
    return out
