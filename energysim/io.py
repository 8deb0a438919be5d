"""Readers and writers at the edge: measured CSV time series and run outputs.

The CSV format users give for measured generation or consumption is strict on purpose
(domain.md section 8 lists the traps): a ``time`` column of ISO-8601 timestamps with a
UTC offset labelling the **start** of each interval, one column per array or
participant id, kWh per interval with a decimal point. Anything else is a
:class:`~energysim.errors.DataError` naming the file, the column and the row.
"""

from __future__ import annotations

import csv
import ctypes
import errno
import io
import json
import os
import re
import secrets
import shutil
import socket
import stat
import sys
import zlib
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.api import guess_datetime_format

from energysim.errors import DataError
from energysim.textfile import decode_utf8 as decode_utf8  # re-exported
from energysim.textfile import file_kind, read_text_file

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
        hint = " (a decimal comma such as 1,5 splits a value in two; use 1.5)"
        message = " ".join(str(exc).split())
        raise DataError(f"{path}: cannot parse {what}: {message}{hint}") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: file is empty") from None
    if not isinstance(raw.index, pd.RangeIndex):  # extra leading cells became an index
        raise DataError(f"{path}: {_too_many_cells(text)}")
    return raw


def _fmt_ts(ts: pd.Timestamp) -> str:
    return ts.isoformat()


def read_timeseries_csv(
    path: Path,
    *,
    expected_index: pd.DatetimeIndex,
    required_columns: Sequence[str] = (),
    allowed_columns: Sequence[str] | None = None,
    max_values: Mapping[str, tuple[float, str]] | None = None,
    min_values: Mapping[str, tuple[float, str]] | None = None,
    unit: str = "kWh",
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
        :mod:`energysim.plausibility`); a cell above it is an error.
    min_values : mapping of str to (float, str), optional
        Per column, the smallest possible value and why, for series that may be negative
        (day-ahead prices); every other column must be non-negative.
    unit : str
        Unit of the values, for messages.

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
    raw = _read_measured_table(path)
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
    the row and column of a bad value.

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
        try:
            raw = pd.read_excel(path, dtype=str, keep_default_na=False)
        except Exception as exc:  # a corrupt workbook raises whatever openpyxl meets first
            # pandas and openpyxl messages may span lines: the user gets one
            message = " ".join(str(exc).split())
            raise DataError(
                f"{path}: cannot read {what} as an Excel workbook ({type(exc).__name__}: "
                f"{message})"
            ) from None
    else:
        raw = read_csv_text(path, what)
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


def write_csv(
    path: Path, frame: pd.DataFrame, *, index: bool = False, dialect: str = "standard"
) -> None:
    """Write a frame as CSV with ISO-8601 times: a comma and a decimal point, or in
    another dialect of :mod:`energysim.csv_dialect` (``nl``: semicolon, decimal comma)."""
    from energysim.csv_dialect import write_csv_file

    write_csv_file(path, frame, dialect, index=index)


OS_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
"""Files a desktop drops into any folder it shows; a result folder may hold them."""

_HOST = f"{zlib.crc32(socket.gethostname().encode()):08x}"
_TEMP_TAG = re.compile(r"^(?P<host>[0-9a-f]{8})-(?P<pid>\d+)-[0-9a-f]+$")


def _output_error(place: Path, exc: OSError) -> DataError:
    """A one-line error for an output place that cannot be written."""
    return DataError(
        f"{place}: cannot write results there ({exc.strerror or exc}); give --out a folder "
        "you can write to"
    )


def ensure_output_dir(folder: Path) -> Path:
    """Create an output folder (and its parents) or raise a one-line :class:`DataError`.

    Raises
    ------
    DataError
        When ``folder`` or a parent is a file, or cannot be created (permissions, a
        read-only or virtual file system such as /proc).
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _output_error(folder, exc) from None
    if not folder.is_dir():
        raise DataError(f"{folder}: exists and is not a folder; give --out a folder")
    return folder


def _temp_name(prefix: str) -> str:
    """``<prefix><host>-<pid>-<random>``: whose it is, so a dead writer's can be removed."""
    return f"{prefix}{_HOST}-{os.getpid()}-{secrets.token_hex(4)}"


def make_temp_dir(parent: Path, prefix: str) -> Path:
    """Create a new empty folder in ``parent``, with the user's umask (not 0700).

    :func:`tempfile.mkdtemp` makes folders only their owner can read; results are meant
    to be shared like any file the user writes, so the mode is ``0o777 & ~umask``.
    """
    for _ in range(100):
        path = parent / _temp_name(prefix)
        try:
            path.mkdir(mode=0o777)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(parent / prefix))


def make_temp_file(parent: Path, prefix: str, suffix: str = "") -> Path:
    """Create a new empty file in ``parent`` with the user's umask (not 0600)."""
    for _ in range(100):
        path = parent / (_temp_name(prefix) + suffix)
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(parent / prefix))


def write_text_atomically(path: Path, text: str) -> None:
    """Write a text file completely under a temporary name, then rename it into place."""
    tmp = make_temp_file(path.parent, f".{path.name}.")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _remove_dead_writers_temp(parent: Path, name: str) -> None:
    """Clear what killed writers of ``name`` on this machine left beside it.

    Their temporary folders are removed. Where a writer without the atomic exchange
    was killed after moving the previous result aside (``.<name>.old-*``) and before
    moving the new one in, the previous result is first put back.
    """
    for kind in (".old-", ".tmp-"):
        prefix = f".{name}{kind}"
        for path in parent.glob(f".{name}{kind}*"):
            tag = _TEMP_TAG.match(path.name[len(prefix) :])
            if not tag or tag["host"] != _HOST or _pid_alive(int(tag["pid"])):
                continue
            final_dir, moved = parent / name, path / name
            if kind == ".old-" and moved.is_dir() and not final_dir.exists():
                try:
                    os.rename(moved, final_dir)
                except OSError:
                    pass  # another writer put a result in place meanwhile
            shutil.rmtree(path, ignore_errors=True)


def _check_not_a_file(final_dir: Path) -> None:
    """Refuse a file or a symbolic link where the result folder goes (one ``lstat``, so a
    folder another writer is swapping meanwhile is not mistaken for a file)."""
    try:
        mode = os.lstat(final_dir).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(mode):
        raise DataError(
            f"{final_dir}: exists and is not a result folder; move it or choose another --out"
        )


def _check_replaceable(final_dir: Path, allowed: Collection[str]) -> None:
    """Refuse to replace anything but a folder of this result's own files."""
    _check_not_a_file(final_dir)
    try:
        names = os.listdir(final_dir)
    except (FileNotFoundError, NotADirectoryError):  # not there (or being swapped)
        return
    foreign = sorted(name for name in names if name not in allowed)
    if foreign:
        shown = ", ".join(foreign[:3]) + (" ..." if len(foreign) > 3 else "")
        raise DataError(
            f"{final_dir}: holds files energysim did not write ({shown}); move them or "
            "choose another --out (a result folder is replaced as a whole)"
        )


_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2
_AT_FDCWD = -100


def _renameat2() -> Any:
    """glibc's ``renameat2`` (Linux 3.15+, glibc 2.28+), or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        func = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func


_RENAMEAT2 = _renameat2()


def _rename2(src: Path, dst: Path, flags: int) -> int:
    """``renameat2(src, dst, flags)``: 0, or the errno of the failure."""
    if _RENAMEAT2(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), flags) == 0:
        return 0
    return ctypes.get_errno()


def _swap_into_place(tmp: Path, final_dir: Path) -> None:
    """Put the complete folder ``tmp`` at ``final_dir``; remove what was there before.

    On Linux the swap is one atomic ``renameat2(RENAME_EXCHANGE)``: at every instant
    ``final_dir`` is either the old complete result or the new one, even when the
    process is killed or another process publishes the same result at the same time
    (the last one to swap wins; each removes what it swapped out). Elsewhere (or on a
    file system without the exchange) the old folder is first renamed aside.
    """
    if _RENAMEAT2 is not None:
        for _ in range(1000):
            code = _rename2(tmp, final_dir, _RENAME_EXCHANGE)
            if code == 0:  # tmp now holds the previous result
                shutil.rmtree(tmp, ignore_errors=True)
                return
            if code == errno.ENOENT:  # nothing there yet: move in unless someone else did
                code = _rename2(tmp, final_dir, _RENAME_NOREPLACE)
                if code == 0:
                    return
                if code == errno.EEXIST:
                    continue
            if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
                break  # this file system cannot exchange: rename aside below
            raise OSError(code, os.strerror(code), str(final_dir))
    aside: list[Path] = []
    try:
        for _ in range(1000):
            try:
                os.rename(tmp, final_dir)
                return
            except OSError as exc:
                if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                    raise
            old = make_temp_dir(final_dir.parent, f".{final_dir.name}.old-")
            aside.append(old)
            try:
                os.rename(final_dir, old / final_dir.name)
            except FileNotFoundError:  # another writer moved it first
                continue
        raise OSError(errno.EBUSY, "could not put the result in place", str(final_dir))
    finally:
        for old in aside:
            shutil.rmtree(old, ignore_errors=True)


def publish_atomically(
    final_dir: Path,
    write: Callable[[Path], None],
    *,
    owned: Collection[str] | None = None,
) -> Path:
    """Write a result folder completely, then swap it into place.

    ``write`` fills a new temporary folder beside ``final_dir`` (named
    ``.<name>.tmp-<host>-<pid>-<random>``). Only when it returns is the folder put at
    ``final_dir``; an earlier result there is kept until the new one is in place, so an
    error or a kill never leaves half-written output nor loses a result, and nothing
    beside ``final_dir`` is touched. An existing ``final_dir`` is replaced only when it
    holds nothing but files of the kind this result writes (a user's notes in it, or a
    name that points at a folder of other things, stop the publish). Temporary folders
    of this name left by killed writers on this machine are removed. Folders and files
    follow the user's umask.

    Parameters
    ----------
    final_dir : Path
        The result folder; its name must be a real folder name (not ``.`` or ``..``).
    write : callable
        Fills the folder it is given.
    owned : collection of str, optional
        File names an earlier version of this result may hold besides those ``write``
        writes (and desktop litter such as ``.DS_Store``).

    Returns
    -------
    Path
        ``final_dir``.

    Raises
    ------
    DataError
        A name that is not a folder name, an output place that is a file or cannot be
        written, a folder holding files the result does not own.
    """
    final_dir = Path(final_dir)
    if final_dir.name in ("", ".", ".."):
        raise DataError(f"{final_dir}: expected a result folder name, found {final_dir.name!r}")
    parent = ensure_output_dir(final_dir.parent)
    _check_not_a_file(final_dir)
    _remove_dead_writers_temp(parent, final_dir.name)
    try:
        tmp = make_temp_dir(parent, f".{final_dir.name}.tmp-")
    except OSError as exc:
        raise _output_error(parent, exc) from None
    try:
        write(tmp)
        allowed = {p.name for p in tmp.iterdir()} | set(owned or ()) | OS_LITTER
        _check_replaceable(final_dir, allowed)
        _swap_into_place(tmp, final_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final_dir
