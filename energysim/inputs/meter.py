"""Households' own meter exports, as users get them from a supplier or a P1 logger.

Accepts 15-minute or hourly CSV exports with: ``,`` or ``;`` separators, decimal commas
or points, timestamps in local wall-clock time (the autumn clock-change hour appears
twice, the spring hour is missing) or ISO-8601 with offset, labels at the start or the end
of the interval, and kWh per interval or cumulative meter readings. Gaps and duplicates
are errors naming the file, the row and the column; short gaps can be filled from the
household's own profile (same weekday and time of day), and every fill is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from energysim.core.errors import DataError
from energysim.core.series_csv import parse_timestamps, read_csv_text
from energysim.core.textfile import read_text_file

_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")


@dataclass(frozen=True)
class Fill:
    """One filled gap: column, first interval start, number of intervals, kWh filled."""

    column: str
    start: pd.Timestamp
    intervals: int
    energy_kwh: float

    def describe(self) -> str:
        """One line for the run's messages."""
        return (
            f"{self.column}: filled {self.intervals} missing interval(s) from "
            f"{self.start.isoformat()} with {self.energy_kwh:.3f} kWh from its own profile"
        )


def read_meter_export(
    path: str | Path,
    *,
    tz: str = "Europe/Amsterdam",
    kind: Literal["interval", "cumulative"] = "interval",
    label: Literal["start", "end"] = "start",
    time_column: str | None = None,
    fill_gaps_max_intervals: int = 0,
) -> tuple[pd.DataFrame, list[Fill]]:
    """Read a meter export.

    Parameters
    ----------
    path : str or Path
        CSV file; the time column first (or ``time_column``), then one column per meter.
    tz : str
        Time zone of naive (wall-clock) timestamps.
    kind : {"interval", "cumulative"}
        kWh per interval, or cumulative register readings [kWh] (energy of an interval
        = next reading - this reading).
    label : {"start", "end"}
        Whether a timestamp labels the start or the end of its interval.
    time_column : str, optional
        Name of the time column; default the first column.
    fill_gaps_max_intervals : int
        Fill gaps of at most this many intervals from the meter's own mean for the same
        weekday and time of day; 0 (default) makes every gap an error.

    Returns
    -------
    frame : pandas.DataFrame
        Regular tz-aware index (``tz``) labelling interval starts; kWh per interval.
    fills : list of Fill
        What was filled.

    Raises
    ------
    DataError
        Unreadable file, unknown time column, bad timestamp or number, duplicate, gap
        longer than allowed, a clock-change hour that cannot be placed, a falling
        cumulative reading.
    """
    path = Path(path)
    raw, tcol, value_cols = _read_table(path, time_column)
    index = _parse_times(path, raw[tcol].str.strip(), tz, tcol)
    values = np.column_stack([_parse_numbers(path, raw[c], c) for c in value_cols])
    frame = pd.DataFrame(values, index=index, columns=value_cols)
    dup = frame.index.duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise DataError(
            f"{path}: column '{tcol}', row {i + 2}: duplicate timestamp "
            f"{frame.index[i].isoformat()}"
        )
    if not frame.index.is_monotonic_increasing:
        frame = frame.sort_index()
    deltas = frame.index[1:] - frame.index[:-1]
    step = pd.Series(deltas).mode().iloc[0] if len(deltas) else pd.Timedelta(minutes=15)
    if step not in (pd.Timedelta(minutes=15), pd.Timedelta(hours=1)):
        raise DataError(
            f"{path}: column '{tcol}': expected 15- or 60-minute readings, found {step}"
        )
    spread: list[Fill] = []
    if kind == "cumulative":
        frame, spread = _cumulative_to_intervals(path, frame, step, value_cols)
    if label == "end":
        frame.index = frame.index - step
    full = pd.date_range(frame.index[0], frame.index[-1], freq=step, name="time")
    frame = frame.reindex(full)
    if (frame.to_numpy() < 0).any():
        i, j = np.argwhere(frame.to_numpy() < 0)[0]
        raise DataError(
            f"{path}: column '{value_cols[j]}' at {frame.index[i].isoformat()}: expected a "
            "non-negative energy [kWh]"
        )
    fills = _fill_gaps(path, frame, fill_gaps_max_intervals)
    return frame, spread + fills


def _read_table(path: Path, time_column: str | None) -> tuple[pd.DataFrame, str, list[str]]:
    """The export as text cells (``;`` or ``,`` separated), its time column and its
    meter columns."""
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    text = read_text_file(path, "meter export")
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    raw = read_csv_text(path, "meter export", sep=sep, text=text)
    raw.columns = [c.strip() for c in raw.columns]
    if raw.empty:
        raise DataError(f"{path}: expected meter readings, found an empty file")
    tcol = time_column or raw.columns[0]
    if tcol not in raw.columns:
        raise DataError(f"{path}: column '{tcol}': time column not found")
    value_cols = [c for c in raw.columns if c != tcol]
    if not value_cols:
        raise DataError(f"{path}: expected at least one meter column besides '{tcol}'")
    return raw, tcol, value_cols


def _parse_times(path: Path, text: pd.Series, tz: str, column: str) -> pd.DatetimeIndex:
    has_offset = text.str.contains(_OFFSET)
    if has_offset.all():
        return parse_timestamps(path, column, text, utc=True, iso=True).tz_convert(tz)
    if has_offset.any():
        i = int(np.flatnonzero(~has_offset.to_numpy())[0])
        raise DataError(
            f"{path}: column '{column}', row {i + 2}: expected all timestamps with or all "
            f"without UTC offset, found a mix ({text.iloc[i]!r})"
        )
    naive = parse_timestamps(path, column, text, utc=False, iso=False, dayfirst=_day_first(text))
    try:
        # wall-clock time: the repeated autumn hour is told apart by its order in the file
        return naive.tz_localize(tz, ambiguous="infer", nonexistent="raise")
    except Exception as exc:  # pytz/zoneinfo errors are not ValueError subclasses everywhere
        raise DataError(
            f"{path}: column '{column}': local times cannot be placed around a clock change "
            f"({exc}); export with UTC offsets or in order"
        ) from None


def _day_first(text: pd.Series) -> bool:
    """Dutch exports write 31-12-2026; ISO exports 2026-12-31."""
    return bool(re.match(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}", text.iloc[0]))


def _parse_numbers(path: Path, column: pd.Series, name: str) -> np.ndarray:
    text = column.str.strip()
    comma = text.str.match(_DECIMAL_COMMA)
    text = text.where(~comma, text.str.replace(",", ".", regex=False))
    empty = text == ""
    values = pd.to_numeric(text.where(~empty, None), errors="coerce")
    bad = values.isna() & ~empty
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"{path}: column '{name}', row {i + 2}: expected a number, found {column.iloc[i]!r}"
        )
    return values.to_numpy(dtype=np.float64)


def _cumulative_to_intervals(
    path: Path, frame: pd.DataFrame, step: pd.Timedelta, columns: list[str]
) -> tuple[pd.DataFrame, list[Fill]]:
    """Register readings -> kWh per interval ``[t_i, t_i+1)``.

    A missing reading makes one rise span several intervals: its energy is known, so it
    is spread evenly over them (reported), and nothing is lost or invented.
    """
    readings = frame.to_numpy()
    diffs = np.diff(readings, axis=0)
    if (diffs < -1e-9).any():
        i, j = np.argwhere(diffs < -1e-9)[0]
        raise DataError(
            f"{path}: column '{columns[j]}', row {i + 3}: cumulative reading falls "
            f"({readings[i, j]} -> {readings[i + 1, j]}); expected non-decreasing"
        )
    starts = frame.index[:-1]
    span = np.asarray((frame.index[1:] - starts) / step).round().astype(np.int64)
    rows = np.repeat(np.arange(len(starts)), span)
    offset = np.arange(len(rows)) - np.repeat(np.cumsum(span) - span, span)
    index = pd.DatetimeIndex(starts[rows] + offset * step)
    values = diffs[rows] / span[rows][:, None]
    fills = [
        Fill(columns[j], starts[i], int(span[i]), float(diffs[i, j]))
        for i in np.flatnonzero(span > 1)
        for j in range(len(columns))
    ]
    return pd.DataFrame(values, index=index, columns=columns), fills


def _fill_gaps(path: Path, frame: pd.DataFrame, max_intervals: int) -> list[Fill]:
    fills: list[Fill] = []
    slot = frame.index.day_of_week * 1000 + frame.index.hour * 4 + frame.index.minute // 15
    for col in frame.columns:
        missing = frame[col].isna().to_numpy()
        if not missing.any():
            continue
        runs = _runs(missing)
        too_long = [(a, b) for a, b in runs if b - a > max_intervals]
        if too_long:
            a, b = too_long[0]
            raise DataError(
                f"{path}: column '{col}': gap of {b - a} interval(s) from "
                f"{frame.index[a].isoformat()} (expected none"
                + (f", or at most {max_intervals} to fill" if max_intervals else "")
                + ")"
            )
        profile = frame[col].groupby(slot).mean()
        for a, b in runs:
            guess = profile.reindex(slot[a:b]).to_numpy()
            guess = np.nan_to_num(guess, nan=float(frame[col].mean()))
            frame.iloc[a:b, frame.columns.get_loc(col)] = guess
            fills.append(Fill(str(col), frame.index[a], b - a, float(guess.sum())))
    return fills


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of True."""
    padded = np.r_[False, mask, False].astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
