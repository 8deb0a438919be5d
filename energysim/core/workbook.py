"""A user's Excel workbook read as text: the first sheet, every cell as the user sees it.

Excel stores a number as a number, so a numeric cell is never ambiguous; a cell holding
text that looks like a number (``3.000``, ``1,5``) is read by the caller's rules for text
(:func:`energysim.core.csv_dialect.read_number`). :func:`read_workbook_text` keeps the two
apart: the cells as text and a mask of the cells the workbook holds as numbers.

A formula cell stores its last result beside the formula (the "cached value") when the
workbook is saved by Excel or LibreOffice; a workbook written by a program (openpyxl,
some exports) may hold the formula only. Such a cell is reported as a formula without a
saved value, naming the formula, never as an empty cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from energysim.core.errors import DataError


@dataclass(frozen=True)
class WorkbookText:
    """The first sheet of a workbook as text.

    Attributes
    ----------
    cells : pandas.DataFrame
        Header = the sheet's first row (stripped), one row per following row that is not
        empty, every cell a stripped string (``""`` for an empty cell).
    numbers : pandas.DataFrame
        Same shape: True where the workbook holds a number (not text, not a date).
    """

    cells: pd.DataFrame
    numbers: pd.DataFrame


def column_letter(index: int) -> str:
    """Excel's letter of the 0-based column ``index`` (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _text(value: Any) -> tuple[str, bool]:
    """A cell's value as text and whether it is a number."""
    if value is None:
        return "", False
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() else repr(value)), True
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return str(value), False
    return str(value).strip(), False


def _rows(path: Path, what: str, *, data_only: bool) -> list[tuple[Any, ...]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # a corrupt workbook raises whatever openpyxl meets first
        message = " ".join(str(exc).split())
        raise DataError(
            f"{path}: cannot read {what} as an Excel workbook ({type(exc).__name__}: {message})"
        ) from None
    try:
        sheet = book.worksheets[0]
        return [tuple(row) for row in sheet.iter_rows(values_only=True)]
    except Exception as exc:
        message = " ".join(str(exc).split())
        raise DataError(
            f"{path}: cannot read {what} as an Excel workbook ({type(exc).__name__}: {message})"
        ) from None
    finally:
        book.close()


def _check_formulas(path: Path, what: str, values: list[tuple[Any, ...]]) -> None:
    """Raise for the first formula cell whose value the workbook does not hold."""
    formulas = _rows(path, what, data_only=False)
    for r, (row, written) in enumerate(zip(values, formulas, strict=False)):
        for c, (value, formula) in enumerate(zip(row, written, strict=False)):
            if value is None and isinstance(formula, str) and formula.startswith("="):
                header = str(values[0][c]).strip() if r and values[0][c] is not None else ""
                where = f"row {r + 1}, column '{header}'" if header else "header"
                raise DataError(
                    f"{path}: {where} (cell {column_letter(c)}{r + 1}): expected a value, "
                    f"found the formula {formula} without a saved value (open and save the "
                    "workbook in Excel or LibreOffice so the result is stored, or type the value)"
                )


def _unique(names: list[str]) -> list[str]:
    """Repeated names as pandas makes them unique (``x``, ``x.1``), for the caller to name."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        out.append(f"{name}.{count}" if count else name)
    return out


def read_workbook_text(path: Path, what: str) -> WorkbookText:
    """Read the first sheet of an ``.xlsx``/``.xlsm`` workbook, every cell as text.

    Parameters
    ----------
    path : Path
        The workbook (named in messages).
    what : str
        What the table is, for messages (``register``).

    Returns
    -------
    WorkbookText
        The cells as text and where the workbook holds numbers.

    Raises
    ------
    DataError
        A file openpyxl cannot read, a sheet without a header, a formula cell without a
        saved value (naming the row, column, cell and formula).
    """
    values = _rows(path, what, data_only=True)
    while values and all(v is None for v in values[-1]):
        values.pop()
    if any(v is None for row in values for v in row):
        _check_formulas(path, what, values)
    if not values:
        raise DataError(f"{path}: file is empty")
    width = max(len(row) for row in values)
    header = [_text(v)[0] for v in values[0]] + [""] * (width - len(values[0]))
    while (
        header
        and header[-1] == ""
        and all(len(row) < len(header) or row[len(header) - 1] is None for row in values[1:])
    ):
        header.pop()
    body = [
        [_text(row[c] if c < len(row) else None) for c in range(len(header))]
        for row in values[1:]
        if any(v is not None for v in row)
    ]
    columns = _unique([h or f"Unnamed: {i}" for i, h in enumerate(header)])
    cells = pd.DataFrame([[t for t, _ in row] for row in body], columns=columns, dtype=object)
    numbers = pd.DataFrame([[n for _, n in row] for row in body], columns=columns, dtype=bool)
    return WorkbookText(cells.astype(str), numbers)
