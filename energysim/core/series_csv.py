"""Readers at the edge: measured CSV time series and users' text tables.

The CSV format users give for measured generation or consumption is strict on purpose
(domain.md section 8 lists the traps): a ``time`` column of ISO-8601 timestamps with a
UTC offset labelling the **start** of each interval, one column per array or
participant id, kWh per interval with a decimal point. Anything else is a
:class:`~energysim.core.errors.DataError` naming the file, the column and the row.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.tseries.api import guess_datetime_format

from energysim.core.csv_dialect import csv_dialect, sniff_dialect
from energysim.core.errors import DataError
from energysim.core.textfile import file_kind, read_text_file
from energysim.core.workbook import read_workbook_text

_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
_DECIMAL_COMMA = re.compile(r"^\s*-?\d+,\d+\s*$")


def read_csv_text(
    path: Path, what: str = "CSV file", *, sep: str = ",", text: str | None = None
) -> pd.DataFrame:
    """Read a user's CSV (UTF-8) with every cell as text, nothing converted.

    Parameters
    ----------
    path : Path
        The file (named in messages).
    what : str
        What the file is, for messages.
    sep : str
        Column separator.
    text : str, optional
        The file's text when the caller has read it already.

    Raises
    ------
    DataError
        Missing file, not UTF-8, empty, unparseable (one line naming the file).
    """
    text = read_text_file(path, what) if text is None else text
    try:
        raw = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        hint = " (a decimal comma such as 1,5 splits a value in two; use 1.5)" if sep == "," else ""
        message = " ".join(str(exc).split())
        raise DataError(f"{path}: cannot parse {what}: {message}{hint}") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: file is empty") from None
    if not isinstance(raw.index, pd.RangeIndex):  # extra leading cells became an index
        raise DataError(f"{path}: {_too_many_cells(text)}")
    return raw


def _fmt_ts(ts: pd.Timestamp) -> str:
    try:
        return ts.isoformat()
    except (NotImplementedError, ValueError, OverflowError):  # a year before 1 (-2026)
        return f"{ts.year}-{ts.month:02d}-{ts.day:02d}T{ts.hour:02d}:{ts.minute:02d}"


def read_timeseries_csv(
    path: Path,
    *,
    expected_index: pd.DatetimeIndex,
    required_columns: Sequence[str] = (),
    allowed_columns: Sequence[str] | None = None,
    max_values: Mapping[str, tuple[float, str]] | None = None,
    min_values: Mapping[str, tuple[float, str]] | None = None,
    unit: str = "kWh",
    table: pd.DataFrame | None = None,
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
    max_values : mapping of str to (float, str), optional
        Per column, the largest possible value per interval [``unit``] and why (see
        :mod:`energysim.config.physics`); a cell above it is an error.
    min_values : mapping of str to (float, str), optional
        Per column, the smallest possible value and why, for series that may be negative
        (day-ahead prices); every other column must be non-negative.
    unit : str
        Unit of the values, for messages.
    table : pandas.DataFrame, optional
        The file's table as text, when the caller has read it already (as
        :func:`_read_measured_table` reads it): the file is then not parsed again.

    Returns
    -------
    pandas.DataFrame
        Float64 values [kWh], indexed by ``expected_index``.

    Raises
    ------
    DataError
        Missing file or column, not UTF-8, naive timestamp, duplicate, gap, wrong step or
        period, decimal comma, non-numeric, negative, empty or impossible value: one line
        naming the file, the column and the row (rows count as in a spreadsheet, header =
        row 1).
    """
    path = Path(path)
    raw = _read_measured_table(path) if table is None else table
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
    values = _parse_values(path, raw[data_columns], max_values, unit, min_values)
    frame = pd.DataFrame(values, index=index, columns=data_columns)
    _check_axis(path, frame.index, expected_index)
    return frame.sort_index().set_axis(expected_index, axis=0)


def _read_measured_table(path: Path) -> pd.DataFrame:
    """The measured-CSV table as text, after the file and separator checks."""
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    text = read_text_file(path, "CSV file")
    header_line = text.split("\n", 1)[0]
    if ";" in header_line and "," not in header_line:
        raise DataError(f"{path}: expected comma-separated columns, found ';' as separator")
    return read_csv_text(path, text=text)


def parse_timestamps(
    path: str | Path,
    name: str,
    text: pd.Series,
    *,
    utc: bool,
    iso: bool,
    dayfirst: bool = False,
) -> pd.DatetimeIndex:
    """Parse a column of timestamps; the first unreadable one is named by its row.

    Parameters
    ----------
    path, name : str or Path, str
        File and column, for messages.
    text : pandas.Series
        The column's cells (stripped).
    utc : bool
        Convert offset-carrying times to UTC.
    iso : bool
        ISO-8601 only; otherwise the first cell's format, guessed (``dayfirst`` for
        31-12-2026), applies to every cell.

    Raises
    ------
    DataError
        ``path: column 'name', row N: expected a timestamp ..., found '...'`` (rows count
        as in a spreadsheet, header = row 1).
    """
    fmt = "ISO8601" if iso else None
    if fmt is None and len(text):  # the first cell's format, for every cell
        fmt = guess_datetime_format(str(text.iloc[0]), dayfirst=dayfirst)
        if fmt is None:
            raise DataError(
                f"{path}: column '{name}', row 2: expected a timestamp such as "
                f"2026-01-01 00:15 or 01-01-2026 00:15, found {text.iloc[0]!r}"
            )
    parsed = pd.to_datetime(text, utc=utc, format=fmt, errors="coerce")
    bad = np.asarray(pd.isna(parsed))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{path}: column '{name}', row {i + 2}: expected a timestamp such as "
            f"2026-01-01T00:00:00+01:00, found {text.iloc[i]!r}"
        )
    return pd.DatetimeIndex(parsed)


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
    index = parse_timestamps(path, "time", column.str.strip(), utc=True, iso=True)
    dup = index.duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise DataError(
            f"{path}: column 'time', row {i + 2}: duplicate timestamp {_fmt_ts(index[i])}"
        )
    return index


def _parse_values(
    path: Path,
    frame: pd.DataFrame,
    max_values: Mapping[str, tuple[float, str]] | None = None,
    unit: str = "kWh",
    min_values: Mapping[str, tuple[float, str]] | None = None,
) -> np.ndarray:
    out = np.empty(frame.shape, dtype=np.float64)
    for j, col in enumerate(frame.columns):
        texts = frame[col].str.strip()
        numbers = pd.to_numeric(texts, errors="coerce").to_numpy(dtype=np.float64)
        bad = ~np.isfinite(numbers)
        if bad.any():
            # a decimal comma is not a number to pandas, so only cells that are not can
            # hold one: the regex runs on those, and names the first comma in the column
            # before any other bad cell, as a user who typed Dutch numbers needs to hear
            rows = np.flatnonzero(bad)
            comma = texts.iloc[rows].str.match(_DECIMAL_COMMA).to_numpy()
            if comma.any():
                i = int(rows[np.argmax(comma)])
                raise DataError(
                    f"{path}: column '{col}', row {i + 2}: expected a number with a decimal "
                    f"point, found decimal comma {texts.iloc[i]!r}"
                )
            i = int(rows[0])
            found = repr(texts.iloc[i]) if texts.iloc[i] else "an empty cell"
            raise DataError(
                f"{path}: column '{col}', row {i + 2}: expected a number [{unit}], found {found}"
            )
        if min_values is not None and col in min_values:
            floor, why = min_values[col]
            below = numbers < floor
            if below.any():
                i = int(np.flatnonzero(below)[0])
                raise DataError(
                    f"{path}: column '{col}', row {i + 2}: expected at least {floor:,.6g} "
                    f"{unit} ({why}), found {texts.iloc[i]}"
                )
        else:
            negative = numbers < 0
            if negative.any():
                i = int(np.flatnonzero(negative)[0])
                what = "energy" if unit == "kWh" else "value"
                raise DataError(
                    f"{path}: column '{col}', row {i + 2}: expected a non-negative {what} "
                    f"[{unit}], found {texts.iloc[i]}"
                )
        if max_values is not None and col in max_values:
            bound, reason = max_values[col]
            above = numbers > bound
            if above.any():
                i = int(np.flatnonzero(above)[0])
                raise DataError(
                    f"{path}: column '{col}', row {i + 2}: expected at most {bound:,.6g} {unit} "
                    f"per interval ({reason}), found {texts.iloc[i]}"
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
        found = "a header and no rows"
        if len(ordered):
            first, last = (_fmt_ts(t.tz_convert(expected.tz)) for t in (ordered[0], ordered[-1]))
            found = f"{first} to {last}"
        raise DataError(
            f"{path}: column 'time': expected the simulation year from {_fmt_ts(expected[0])} "
            f"to {_fmt_ts(expected[-1])} (interval starts), found {found}"
        )


def read_schedule_csv(
    path: Path,
    *,
    expected_index: pd.DatetimeIndex,
    participant_ids: Sequence[str],
    max_row_sum: float | None = 1.0,
    max_values: Mapping[str, tuple[float, str]] | None = None,
    min_values: Mapping[str, tuple[float, str]] | None = None,
    unit: str = "-",
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
    max_row_sum : float, optional
        Largest sum of a row of shares; None for a series that is not shares.
    max_values : mapping of str to (float, str), optional
        Per column, the largest possible value and why.
    min_values : mapping of str to (float, str), optional
        Per column, the smallest possible value and why (prices may be negative); other
        columns must be non-negative.
    unit : str
        Unit of the values, for messages.

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
    raw = _read_measured_table(path)
    if "hour_of_year" in raw.columns:
        missing = [c for c in participant_ids if c not in raw.columns]
        if missing:
            raise DataError(f"{path}: column '{missing[0]}': required column is missing")
        hours = pd.to_numeric(raw["hour_of_year"], errors="coerce").to_numpy()
        # the hour each interval starts in, from 1 January 00:00 in absolute time: the
        # last interval of a 15-minute year starts at hour 8759.75, in hour 8759
        offset_h = np.asarray((expected_index - expected_index[0]) / pd.Timedelta(hours=1))
        hour_of_step = np.floor(offset_h).astype(np.int64)
        n_hours = int(hour_of_step[-1]) + 1
        if len(hours) != n_hours:
            raise DataError(
                f"{path}: column 'hour_of_year': expected 0 ... {n_hours - 1} in order, "
                f"found {len(hours)} rows"
            )
        if not np.array_equal(hours, np.arange(n_hours)):
            i = int(np.flatnonzero(hours != np.arange(n_hours))[0])
            raise DataError(
                f"{path}: column 'hour_of_year', row {i + 2}: expected {i} (hours 0 ... "
                f"{n_hours - 1} in order), found '{raw['hour_of_year'].iloc[i]}'"
            )
        table = _parse_values(path, raw[list(participant_ids)], max_values, unit, min_values)
        shares = table[hour_of_step]
    else:
        frame = read_timeseries_csv(
            path,
            table=raw,
            expected_index=expected_index,
            required_columns=participant_ids,
            max_values=max_values,
            min_values=min_values,
            unit=unit,
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
    the row and column of a bad value. A CSV is comma-separated.

    Raises
    ------
    DataError
        When the file is missing or cannot be parsed.
    """
    return read_user_table(path, what, sniff=False).cells


@dataclass(frozen=True)
class UserTable:
    """A user's table as text, with what tells how its numbers are written.

    Attributes
    ----------
    cells : pandas.DataFrame
        Every cell a stripped string; stripped column names.
    dialect : str
        ``standard`` or ``nl`` (a CSV's :mod:`energysim.core.csv_dialect`), or ``excel``.
    numbers : pandas.DataFrame or None
        Excel only: True where the workbook holds a number (not text).
    """

    cells: pd.DataFrame
    dialect: str
    numbers: pd.DataFrame | None = None


def read_user_table(path: Path, what: str, *, sniff: bool = True) -> UserTable:
    """Read a user's table (CSV in either dialect, or an .xlsx's first sheet) as text.

    Parameters
    ----------
    path : Path
        The file.
    what : str
        What the table is, for messages.
    sniff : bool
        Tell a CSV's dialect from its header (:func:`~energysim.core.csv_dialect.sniff_dialect`:
        ``;`` between cells and no comma is ``nl``); otherwise every CSV is ``standard``.

    Raises
    ------
    DataError
        When the file is missing or cannot be parsed.
    """
    path = Path(path)
    if not path.is_file():
        if not path.exists():
            raise DataError(f"{path}: {what} file not found")
        raise DataError(f"{path}: expected a {what} file (CSV or Excel), found {file_kind(path)}")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        book = read_workbook_text(path, what)
        raw, dialect, numbers = book.cells, "excel", book.numbers
    else:
        text = read_text_file(path, what)
        dialect = sniff_dialect(text[:4096].encode()) if sniff else "standard"
        raw = read_csv_text(path, what, sep=csv_dialect(dialect).sep, text=text)
        numbers = None
    raw.columns = [str(c).strip() for c in raw.columns]
    cells = raw.apply(lambda col: col.str.strip())
    if numbers is not None:
        numbers.columns = cells.columns
    return UserTable(cells, dialect, numbers)


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
