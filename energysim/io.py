"""Readers and writers at the edge: measured CSV time series and run outputs.

The CSV format users give for measured generation or consumption is strict on purpose
(domain.md section 8 lists the traps): a ``time`` column of ISO-8601 timestamps with a
UTC offset labelling the **start** of each interval, one column per array or
participant id, kWh per interval with a decimal point. Anything else is a
:class:`~energysim.errors.DataError` naming the file, the column and the row.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from energysim.errors import DataError

_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
_DECIMAL_COMMA = re.compile(r"^\s*-?\d+,\d+\s*$")


def _fmt_ts(ts: pd.Timestamp) -> str:
    return ts.isoformat()


def read_timeseries_csv(
    path: Path,
    *,
    expected_index: pd.DatetimeIndex,
    required_columns: Sequence[str] = (),
    allowed_columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read a measured time-series CSV and check it against the simulation axis.

    Parameters
    ----------
    path : Path
        CSV file: column ``time`` plus one column per id [kWh per interval].
    expected_index : pandas.DatetimeIndex
        The simulation's interval-start labels (tz-aware); the file must cover exactly
        these intervals, in any order of rows.
    required_columns : sequence of str
        Columns that must be present.
    allowed_columns : sequence of str, optional
        If given, any other data column is an error (catches misspelt ids).

    Returns
    -------
    pandas.DataFrame
        Float64 values [kWh], indexed by ``expected_index``.

    Raises
    ------
    DataError
        Missing file or column, naive timestamp, duplicate, gap, wrong step or period,
        decimal comma, non-numeric, negative or empty value: one line naming the file,
        the column and the row (rows count as in a spreadsheet, header = row 1).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        header_line = handle.readline()
    if ";" in header_line and "," not in header_line:
        raise DataError(f"{path}: expected comma-separated columns, found ';' as separator")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.ParserError as exc:
        hint = " (a decimal comma such as 1,5 splits a value in two; use 1.5)"
        raise DataError(f"{path}: cannot parse CSV: {str(exc).strip()}{hint}") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: file is empty") from None
    if "time" not in raw.columns:
        raise DataError(
            f"{path}: column 'time': expected a time column, found columns {list(raw.columns)}"
        )
    data_columns = [c for c in raw.columns if c != "time"]
    missing = [c for c in required_columns if c not in data_columns]
    if missing:
        raise DataError(f"{path}: column '{missing[0]}': required column is missing")
    if allowed_columns is not None:
        unknown = [c for c in data_columns if c not in set(allowed_columns)]
        if unknown:
            raise DataError(
                f"{path}: column '{unknown[0]}': not a known id (expected one of "
                f"{_short_list(allowed_columns)})"
            )
    index = _parse_time_column(path, raw["time"])
    values = _parse_values(path, raw[data_columns])
    frame = pd.DataFrame(values, index=index, columns=data_columns)
    _check_axis(path, frame.index, expected_index)
    return frame.sort_index().set_axis(expected_index, axis=0)


def _short_list(items: Sequence[str], n: int = 5) -> str:
    items = list(items)
    head = ", ".join(items[:n])
    return head + (f", ... ({len(items)} in all)" if len(items) > n else "")


def _parse_time_column(path: Path, column: pd.Series) -> pd.DatetimeIndex:
    for i, text in enumerate(column):
        if not _OFFSET.search(text.strip()):
            raise DataError(
                f"{path}: column 'time', row {i + 2}: expected an ISO-8601 timestamp with UTC "
                f"offset (e.g. 2026-01-01T00:00:00+01:00), found naive or unreadable {text!r}"
            )
    try:
        parsed = pd.to_datetime(column.str.strip(), utc=True, format="ISO8601")
    except (ValueError, TypeError) as exc:
        raise DataError(f"{path}: column 'time': unreadable timestamp ({exc})") from None
    index = pd.DatetimeIndex(parsed)
    dup = index.duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise DataError(
            f"{path}: column 'time', row {i + 2}: duplicate timestamp {_fmt_ts(index[i])}"
        )
    return index


def _parse_values(path: Path, frame: pd.DataFrame) -> np.ndarray:
    out = np.empty(frame.shape, dtype=np.float64)
    for j, col in enumerate(frame.columns):
        texts = frame[col].str.strip()
        comma = texts.str.match(_DECIMAL_COMMA)
        if comma.any():
            i = int(np.flatnonzero(comma.to_numpy())[0])
            raise DataError(
                f"{path}: column '{col}', row {i + 2}: expected a number with a decimal point, "
                f"found decimal comma {texts.iloc[i]!r}"
            )
        numbers = pd.to_numeric(texts, errors="coerce").to_numpy(dtype=np.float64)
        bad = ~np.isfinite(numbers)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            found = repr(texts.iloc[i]) if texts.iloc[i] else "an empty cell"
            raise DataError(
                f"{path}: column '{col}', row {i + 2}: expected a number [kWh], found {found}"
            )
        negative = numbers < 0
        if negative.any():
            i = int(np.flatnonzero(negative)[0])
            raise DataError(
                f"{path}: column '{col}', row {i + 2}: expected a non-negative energy [kWh], "
                f"found {texts.iloc[i]}"
            )
        out[:, j] = numbers
    return out


def _check_axis(path: Path, index: pd.DatetimeIndex, expected: pd.DatetimeIndex) -> None:
    ordered = index.sort_values()
    step = expected[1] - expected[0]
    if len(ordered) > 1:
        deltas = ordered[1:] - ordered[:-1]
        typical = pd.Series(deltas).mode().iloc[0]
        if typical != step:
            raise DataError(
                f"{path}: column 'time': expected {step / pd.Timedelta(minutes=1):g}-minute "
                f"intervals, found a step of {typical / pd.Timedelta(minutes=1):g} minutes"
            )
        wrong = np.flatnonzero(deltas != step)
        if len(wrong):
            k = int(wrong[0])
            if deltas[k] > step and deltas[k] % step == pd.Timedelta(0):
                here = _fmt_ts(ordered[k].tz_convert(expected.tz))
                raise DataError(
                    f"{path}: column 'time': gap after {here}: "
                    f"expected the next interval at "
                    f"{_fmt_ts((ordered[k] + step).tz_convert(expected.tz))}, found "
                    f"{_fmt_ts(ordered[k + 1].tz_convert(expected.tz))}"
                )
            minutes = deltas[k] / pd.Timedelta(minutes=1)
            raise DataError(
                f"{path}: column 'time': expected {step / pd.Timedelta(minutes=1):g}-minute "
                f"intervals, found a step of {minutes:g} minutes after "
                f"{_fmt_ts(ordered[k].tz_convert(expected.tz))}"
            )
    if len(ordered) == 0 or ordered[0] != expected[0] or ordered[-1] != expected[-1]:
        first = _fmt_ts(ordered[0].tz_convert(expected.tz)) if len(ordered) else "nothing"
        last = _fmt_ts(ordered[-1].tz_convert(expected.tz)) if len(ordered) else "nothing"
        raise DataError(
            f"{path}: column 'time': expected the simulation year from {_fmt_ts(expected[0])} "
            f"to {_fmt_ts(expected[-1])} (interval starts), found {first} to {last}"
        )


def read_schedule_csv(
    path: Path,
    *,
    expected_index: pd.DatetimeIndex,
    participant_ids: Sequence[str],
    max_row_sum: float | None = 1.0,
) -> np.ndarray:
    """Read a schedule of shares, per interval or per hour of the year.

    Parameters
    ----------
    path : Path
        CSV with one column per participant id holding shares [-], and either a ``time``
        column (one row per interval, as :func:`read_timeseries_csv`) or an
        ``hour_of_year`` column 0 ... 8759 (8783 in a leap year), hours counted in
        absolute time from 1 January 00:00 local time (ES hourly coefficients).
    expected_index : pandas.DatetimeIndex
        The simulation's interval starts.
    participant_ids : sequence of str
        The tier's participants, in order.

    Returns
    -------
    numpy.ndarray
        ``(n_steps, n_participants)`` shares [-].

    Raises
    ------
    DataError
        Bad file, missing participant column, rows of shares summing to more than 1.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    with path.open(encoding="utf-8-sig") as handle:
        header = handle.readline().strip().split(",")
    if "hour_of_year" in header:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        missing = [c for c in participant_ids if c not in raw.columns]
        if missing:
            raise DataError(f"{path}: column '{missing[0]}': required column is missing")
        hours = pd.to_numeric(raw["hour_of_year"], errors="coerce").to_numpy()
        n_hours = int(round((expected_index[-1] - expected_index[0]).total_seconds() / 3600)) + 1
        if not np.array_equal(hours, np.arange(n_hours)):
            raise DataError(
                f"{path}: column 'hour_of_year': expected 0 ... {n_hours - 1} in order, "
                f"found {len(hours)} rows"
            )
        table = _parse_values(path, raw[list(participant_ids)])
        offset_h = (expected_index - expected_index[0]) / pd.Timedelta(hours=1)
        shares = table[np.floor(np.asarray(offset_h)).astype(np.int64)]
    else:
        frame = read_timeseries_csv(
            path, expected_index=expected_index, required_columns=participant_ids
        )
        shares = frame[list(participant_ids)].to_numpy(dtype=np.float64)
    if max_row_sum is None:
        return shares
    sums = shares.sum(axis=1)
    if (sums > max_row_sum + 1e-9).any():
        i = int(np.argmax(sums))
        raise DataError(
            f"{path}: shares at {expected_index[i].isoformat()}: expected a sum of at most 1, "
            f"found {sums[i]:.6g}"
        )
    return shares


def read_text_table(path: Path, what: str) -> pd.DataFrame:
    """Read a user's table (CSV, or the first sheet of an .xlsx) with every cell as text.

    Column names and cells are stripped; nothing is converted, so the caller can name
    the row and column of a bad value.

    Raises
    ------
    DataError
        When the file is missing or cannot be parsed.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: {what} file not found")
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            raw = pd.read_excel(path, dtype=str, keep_default_na=False)
        else:
            text = decode_utf8(path.read_bytes(), path)
            raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
            if not isinstance(raw.index, pd.RangeIndex):
                raise DataError(f"{path}: {_too_many_cells(text)}")
    except DataError:
        raise
    except (ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        # pandas and openpyxl messages may span lines: the user gets one
        raise DataError(f"{path}: cannot read {what}: {' '.join(str(exc).split())}") from None
    raw.columns = [str(c).strip() for c in raw.columns]
    return raw.apply(lambda col: col.str.strip())


def _too_many_cells(text: str) -> str:
    """Describe the first CSV record with more cells than the header (pandas would have
    turned the extra leading cells into an index)."""
    records = csv.reader(io.StringIO(text, newline=""))
    header: list[str] = []
    try:
        header = next(records, [])
        for record in records:
            if len(record) > len(header):
                return (
                    f"row {records.line_num}: expected at most {len(header)} cells like the "
                    f"header, found {len(record)}"
                )
    except csv.Error:
        pass
    return f"expected at most {len(header)} cells per row like the header, found more"


def decode_utf8(data: bytes, path: Path) -> str:
    """Decode a file's bytes as UTF-8 (a leading byte-order mark is dropped).

    Raises
    ------
    DataError
        Naming the file and the byte offset (from 0) of the first byte that is not UTF-8.
    """
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        return data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = bom + exc.start
        raise DataError(
            f"{path}: byte {offset}: expected UTF-8 text, found byte 0x{data[offset]:02x} "
            "(save the file as CSV UTF-8)"
        ) from None


# --------------------------------------------------------------------------- writers
def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented UTF-8 JSON (no NaN: they become null)."""

    def clean(obj: Any) -> Any:
        if isinstance(obj, dict):
            return {str(k): clean(v) for k, v in obj.items()}
        if isinstance(obj, list | tuple):
            return [clean(v) for v in obj]
        if isinstance(obj, float | np.floating):
            value = float(obj)
            return value if np.isfinite(value) else None
        if isinstance(obj, np.integer):
            return int(obj)
        if isinstance(obj, np.bool_):
            return bool(obj)
        return obj

    path.write_text(json.dumps(clean(data), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_csv(path: Path, frame: pd.DataFrame, *, index: bool = False) -> None:
    """Write a frame as CSV with a decimal point and ISO-8601 times."""
    frame.to_csv(path, index=index, quoting=csv.QUOTE_MINIMAL, date_format="%Y-%m-%dT%H:%M:%S%z")


def publish_atomically(final_dir: Path, write: Callable[[Path], None]) -> Path:
    """Write a result folder completely, then move it into place.

    ``write`` fills a temporary folder beside ``final_dir``. Only when it returns is
    the folder renamed to ``final_dir``; an earlier result there is kept until the new
    one is in place, so an error never leaves half-written output nor loses a result.

    Returns
    -------
    Path
        ``final_dir``.
    """
    final_dir = Path(final_dir)
    parent = final_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final_dir.name}.tmp-", dir=parent))
    try:
        write(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old: Path | None = None
    if final_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{final_dir.name}.old-", dir=parent))
        os.replace(final_dir, old / final_dir.name)
    os.replace(tmp, final_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return final_dir
