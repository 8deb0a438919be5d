"""Simulation time axes.

Time is tz-aware everywhere; each label is the **start** of its interval. The step
length is carried explicitly (``step_h``), never assumed.
"""

from __future__ import annotations

import pandas as pd

ALLOWED_STEPS_MIN = (15, 60)


def year_index(year: int, step_min: int, tz: str) -> pd.DatetimeIndex:
    """Return the interval-start labels of one local calendar year.

    Parameters
    ----------
    year : int
        Calendar year in local time.
    step_min : int
        Interval length [min]; 15 or 60.
    tz : str
        IANA time zone, e.g. ``"Europe/Amsterdam"``.

    Returns
    -------
    pandas.DatetimeIndex
        Regular, tz-aware labels from 1 January 00:00 local time (inclusive) to the next
        1 January 00:00 (exclusive). The spring clock-change day has 92 quarter-hours and
        the autumn day 100, because the steps are taken in absolute time.
    """
    if step_min not in ALLOWED_STEPS_MIN:
        raise ValueError(
            f"time step: expected one of {ALLOWED_STEPS_MIN} minutes, found {step_min}"
        )
    start = pd.Timestamp(year=year, month=1, day=1, tz=tz)
    end = pd.Timestamp(year=year + 1, month=1, day=1, tz=tz)
    return pd.date_range(start, end, freq=f"{step_min}min", inclusive="left", name="time")


def step_hours(index: pd.DatetimeIndex) -> float:
    """Return the constant step of a regular index [h].

    Raises
    ------
    ValueError
        If the index has fewer than two labels or is not regular.
    """
    if len(index) < 2:
        raise ValueError("time index: expected at least two intervals to derive the step")
    deltas = index[1:] - index[:-1]
    first = deltas[0]
    if not (deltas == first).all():
        raise ValueError("time index: expected a regular step, found irregular spacing")
    return float(first / pd.Timedelta(hours=1))
