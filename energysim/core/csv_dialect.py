"""CSV dialects of the tables energysim writes: standard, and "Dutch Excel".

A spreadsheet set to Dutch (Excel with Windows' regional settings for the Netherlands)
splits a plain CSV on semicolons and reads a decimal point as a thousands separator, so
``0.653`` becomes 653 and every row lands in one column. The ``nl`` dialect writes what
it expects: semicolons between cells, a decimal comma, booleans as ``ja``/``nee``, and
UTF-8 with a byte-order mark so that ``coöperatie`` survives. The ``standard`` dialect
is what energysim always wrote (comma, decimal point, ``True``/``False``, UTF-8) and
stays the default: scripts read it.

Both the command line (``--csv-dialect nl``) and the dashboard's downloads use this
module, so a table looks the same from either.

A number in a user's table (a register) is read by :func:`read_number`, in the dialect
the file was written in: only the forms that dialect makes unambiguous are numbers. A
thousands separator is never guessed: ``3.000`` kW is 3 kW to a script and 3,000 kW to a
Dutch reader, so the standard dialect refuses it rather than drop a 3 MW turbine.

==============  ==============================  =====================================
dialect         accepted                        refused (with what was meant in doubt)
==============  ==============================  =====================================
``standard``    ``3000``, ``1250.5``, ``0.125``, ``3.000``, ``12.500`` (a point and exactly
(``,`` between  ``-2``, ``1e6``, ``.5``          three digits after a first group of 1-3
cells)                                          digits: 3 or 3,000?), ``1.250.000``,
                                                any comma (``1,250``, ``1,5``), ``1 000``
``nl``          ``3000``, ``1250,5``, ``0,125``, ``12.5``, ``0.125`` (a decimal point),
(``;`` between  ``1,250`` (= 1.25), ``3.000`` and   ``1.25.0``, ``3.00`` (points not in
cells)          ``1.250.000`` (points between   groups of three), ``1,250.5``, ``1 000``
                groups of three: thousands),
                ``1.250,5``, ``1e6``
==============  ==============================  =====================================

``inf`` and ``nan`` are read as numbers; the caller refuses what is not finite.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from energysim.core.errors import DataError

DialectName = Literal["standard", "nl"]


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV table is written: separators, booleans and encoding."""

    name: str
    sep: str
    decimal: str
    true: str
    false: str
    encoding: str
    description: str


CSV_DIALECTS: dict[str, CsvDialect] = {
    "standard": CsvDialect(
        "standard", ",", ".", "True", "False", "utf-8", "comma, decimal point (scripts)"
    ),
    "nl": CsvDialect(
        "nl",
        ";",
        ",",
        "ja",
        "nee",
        "utf-8-sig",
        "semicolon, decimal comma, ja/nee: opens in a Dutch Excel",
    ),
}
"""The dialects by name."""

DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
"""Times are ISO 8601 with their UTC offset in every dialect."""


def csv_dialect(name: str) -> CsvDialect:
    """The dialect called ``name``.

    Raises
    ------
    DataError
        For a name that is not one of :data:`CSV_DIALECTS`.
    """
    try:
        return CSV_DIALECTS[name]
    except KeyError:
        raise DataError(
            f"--csv-dialect: expected one of {', '.join(CSV_DIALECTS)}, found {name!r}"
        ) from None


def _is_boolean(column: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(column):
        return True
    if column.dtype != object:
        return False
    values = column.dropna()
    return len(values) > 0 and all(isinstance(v, bool) for v in values)


def _for_dialect(frame: pd.DataFrame, d: CsvDialect) -> pd.DataFrame:
    """The frame with booleans spelt as the dialect spells them."""
    if d.name == "standard":
        return frame
    out = frame.copy()
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if _is_boolean(column):
            out.isetitem(i, column.map(lambda v: v if pd.isna(v) else (d.true if v else d.false)))
    return out


def csv_text(frame: pd.DataFrame, dialect: str = "standard", *, index: bool = False) -> str:
    """The frame as CSV text in a dialect (no byte-order mark: see :func:`csv_bytes`)."""
    d = csv_dialect(dialect)
    return _for_dialect(frame, d).to_csv(
        index=index,
        sep=d.sep,
        decimal=d.decimal,
        quoting=csv.QUOTE_MINIMAL,
        date_format=DATE_FORMAT,
        lineterminator="\n",
    )


def csv_bytes(frame: pd.DataFrame, dialect: str = "standard", *, index: bool = False) -> bytes:
    """The frame as the bytes of a CSV file in a dialect (with a BOM for ``nl``)."""
    d = csv_dialect(dialect)
    return csv_text(frame, dialect, index=index).encode(d.encoding)


def write_csv_file(
    path: Path, frame: pd.DataFrame, dialect: str = "standard", *, index: bool = False
) -> None:
    """Write a frame as a CSV file in a dialect."""
    Path(path).write_bytes(csv_bytes(frame, dialect, index=index))


def read_csv_file(source: str | Path | bytes, dialect: str = "standard") -> pd.DataFrame:
    """Read a CSV written in a dialect back into a frame (``ja``/``nee`` as booleans)."""
    d = csv_dialect(dialect)
    handle = io.BytesIO(source) if isinstance(source, bytes) else source
    return pd.read_csv(
        handle,
        sep=d.sep,
        decimal=d.decimal,
        encoding="utf-8-sig",
        true_values=[d.true],
        false_values=[d.false],
    )


def sniff_dialect(head: bytes) -> str:
    """The dialect a CSV file was written in, from its first line: ``nl`` when its
    header is split by semicolons and holds no comma, else ``standard``."""
    first = head.decode("utf-8-sig", errors="replace").split("\n", 1)[0]
    return "nl" if ";" in first and "," not in first else "standard"


_STANDARD_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPS = r"[1-9]\d{0,2}(?:\.\d{3})+"
"""Digits in groups of three after a first group of 1-3, joined by points: 3.000, 1.250.000."""
_STANDARD_GROUPED = re.compile(r"[+-]?" + _GROUPS)
_NL_NUMBER = re.compile(r"[+-]?(?:\d+|" + _GROUPS + r")(?:,\d+)?(?:[eE][+-]?\d+)?")
_COMMA_NUMBER = re.compile(r"[+-]?\d+,\d+")
_NOT_FINITE = {"inf": math.inf, "+inf": math.inf, "-inf": -math.inf, "nan": math.nan}


def read_number(text: str, dialect: str = "standard") -> float:
    """A number as written in a cell of a table in a dialect (see the table above).

    Parameters
    ----------
    text : str
        The cell, stripped.
    dialect : str
        ``standard`` or ``nl`` (:data:`CSV_DIALECTS`).

    Returns
    -------
    float
        The number (``inf`` or ``nan`` when written so: the caller checks finiteness).

    Raises
    ------
    ValueError
        What the cell should have been, without "expected" (``a number with a decimal
        point and no thousands separators ...``), for the caller's message that names the
        file, row and column and what was found.
    """
    d = csv_dialect(dialect)
    shown = text.lower().replace("infinity", "inf")
    if shown in _NOT_FINITE:
        return _NOT_FINITE[shown]
    if d.name == "nl":
        if _NL_NUMBER.fullmatch(text):
            return float(text.replace(".", "").replace(",", "."))
        raise ValueError(
            "a number with a decimal comma and points only between groups of three digits "
            "(nl dialect: ';' between cells)"
        )
    if _STANDARD_GROUPED.fullmatch(text):
        whole = text.replace(".", "")
        if text.count(".") > 1:
            raise ValueError(f"a number without thousands separators (write {whole})")
        raise ValueError(
            f"a number without thousands separators ({text} is {float(text):g} with a "
            f"decimal point, {int(whole):,} with a thousands separator: write {float(text):g} "
            f"or {whole})"
        )
    if _STANDARD_NUMBER.fullmatch(text):
        return float(text)
    if _COMMA_NUMBER.fullmatch(text):
        point = f"{float(text.replace(',', '.')):g}"
        meant = (
            f"{text} is {point} with a decimal comma, {text.replace(',', '')} with a thousands "
            f"separator: write {point} or {text.replace(',', '')}"
            if re.fullmatch(r"[+-]?[1-9]\d{0,2},\d{3}", text)
            else f"a decimal comma: write {point}"
        )
        raise ValueError(
            "a number with a decimal point and no thousands separators (standard dialect, "
            f"',' between cells; {meant}; or save the file with ';' between cells, the nl "
            "dialect)"
        )
    raise ValueError(
        "a number with a decimal point and no thousands separators (standard dialect: ',' "
        "between cells)"
    )
