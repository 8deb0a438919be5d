"""A weather file's frame onto the simulation axis: the year, the step, the allowed gaps."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from energysim.core.errors import DataError
from energysim.inputs.timeindex import year_index
from energysim.inputs.weather.readers import COLUMNS
from energysim.inputs.weather.sun import clear_sky_ghi, decompose, solar_position

MAX_EDGE_FILL_H = 3
"""Hours at the start or end of the year filled with the nearest value (a file in UT
misses the first local hour) [h]."""


def weather_for_year(
    frame: pd.DataFrame,
    year: int,
    step_min: int,
    tz: str,
    latitude_deg: float,
    longitude_deg: float,
) -> pd.DataFrame:
    """Put a reader's frame on ``year_index(year, step_min, tz)``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Hourly or 15-minute data with interval-start labels (any offset).
    year, step_min, tz : int, int, str
        The simulation axis.
    latitude_deg, longitude_deg : float
        Site, for the clear-sky shape within an hour and a missing dni/dhi split.

    Returns
    -------
    pandas.DataFrame

    Notes
    -----
    Hourly -> 15 minutes keeps each hour's irradiation: the quarter-hours get the hour's
    mean times the clear-sky shape within the hour, ``q_i = c_i / mean(c)``, which
    averages to 1 (plain repetition where the sun is down). Temperature and wind are
    repeated. Gaps allowed and filled: 29 February missing from a source without it
    (copied from 28 February) and up to 3 hours at the start or end of the year (a UT
    file misses the first local hour; nearest value). Any other gap is an error.

    Raises
    ------
    DataError
        When the data does not cover the year or its step is not 15 or 60 minutes.
    """
    target = year_index(year, step_min, tz)
    if len(frame) < 2:
        raise DataError("weather: expected a year of data, found fewer than two rows")
    src = frame.copy()
    src.index = pd.DatetimeIndex(src.index).tz_convert("UTC")
    src = src[~src.index.duplicated()].sort_index()
    src_step = pd.Series(src.index[1:] - src.index[:-1]).mode().iloc[0]
    if src_step not in (pd.Timedelta(minutes=15), pd.Timedelta(hours=1)):
        raise DataError(f"weather: expected 15- or 60-minute data, found a step of {src_step}")
    grid = pd.date_range(
        target[0].tz_convert("UTC").floor(src_step), target[-1].tz_convert("UTC"), freq=src_step
    )
    src = src.reindex(grid)
    missing = src["ghi"].isna().to_numpy()
    if missing.any():
        src = _fill_allowed_gaps(src, missing, src_step, tz)
    if src[["ghi", "temp_air", "wind_speed"]].isna().any().any():
        first = src.index[src["ghi"].isna().to_numpy() | src["temp_air"].isna().to_numpy()][0]
        raise DataError(
            f"weather: expected data covering {year} ({target[0].isoformat()} to "
            f"{target[-1].isoformat()}), missing from {first.tz_convert(tz).isoformat()}"
        )
    mid = src.index + src_step / 2
    if src["dni"].isna().any() or src["dhi"].isna().any():
        pos = solar_position(mid, latitude_deg, longitude_deg)
        dni, dhi = decompose(src["ghi"].to_numpy(), pos["zenith"], mid.day_of_year.to_numpy())
        src["dni"] = np.where(src["dni"].isna(), dni, src["dni"])
        src["dhi"] = np.where(src["dhi"].isna(), dhi, src["dhi"])
    step = pd.Timedelta(minutes=step_min)
    if src_step == step:
        out = src.reindex(target.tz_convert("UTC"))
    elif src_step > step:
        out = _split_hours(src, target, step, latitude_deg, longitude_deg)
    else:
        out = (
            src.resample(step, label="left", closed="left").mean().reindex(target.tz_convert("UTC"))
        )
    out.index = target
    return out[list(COLUMNS)].astype(np.float64)


def _fill_allowed_gaps(
    src: pd.DataFrame, missing: NDArray[np.bool_], step: pd.Timedelta, tz: str
) -> pd.DataFrame:
    src = src.copy()
    idx = src.index
    local = idx.tz_convert(tz)
    # 29 February in UTC or in local time (a file in local standard time misses both)
    leap = ((idx.month == 2) & (idx.day == 29)) | ((local.month == 2) & (local.day == 29))
    if (missing & leap).any():
        prev = src.shift(freq=pd.Timedelta(days=1)).reindex(idx)
        fill = missing & leap
        src.loc[fill] = prev.loc[fill].to_numpy()
    missing = src["ghi"].isna().to_numpy()
    edge = int(pd.Timedelta(hours=MAX_EDGE_FILL_H) / step)
    lead = int(np.argmax(~missing)) if (~missing).any() else len(missing)
    trail = int(np.argmax(~missing[::-1])) if (~missing).any() else len(missing)
    if lead <= edge:
        src.iloc[:lead] = src.iloc[lead].to_numpy()
    if trail <= edge and trail > 0:
        src.iloc[len(src) - trail :] = src.iloc[len(src) - trail - 1].to_numpy()
    return src


def _split_hours(
    src: pd.DataFrame, target: pd.DatetimeIndex, step: pd.Timedelta, lat: float, lon: float
) -> pd.DataFrame:
    """Spread hourly means over sub-hourly steps along the clear-sky shape."""
    utc = target.tz_convert("UTC")
    hour = utc.floor(src.index[1] - src.index[0])
    base = src.reindex(hour)
    clear = clear_sky_ghi(utc + step / 2, lat, lon)
    shape = pd.Series(clear, index=utc)
    mean_in_hour = shape.groupby(hour).transform("mean").to_numpy()
    q = np.divide(clear, mean_in_hour, out=np.ones_like(clear), where=mean_in_hour > 0)
    out = base.copy()
    for col in ("ghi", "dni", "dhi"):
        out[col] = base[col].to_numpy() * q
    out.index = utc
    return out
