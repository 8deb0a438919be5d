"""Download any table: Excel, CSV, and CSV for a Dutch Excel.

Headers are words with units in the current language (``Opwek (kWh)``, not
``generation_kwh``): a column's words come from the catalogue's ``[col]`` section under
the column's name. Values stay numbers (no thousands separators), so a spreadsheet can
add them up, rounded by their unit (:data:`DECIMALS`: cents, tenths of a kWh); a share
is a percentage (``100``, not ``1.0``) under a header that says ``(%)``; months are named
(``januari``); in Dutch a yes or no is ``ja``/``nee`` in every format, and files and
sheets have Dutch names (``energiestromen.xlsx``, the catalogue's ``[dl.file]``). A
column whose header is its raw name (a batch summary downloaded whole, for scripts) is
left as it is. The CSV dialects are energysim's own (:mod:`energysim.core.csv_dialect`),
the same as ``energysim run --csv-dialect nl`` writes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping

import pandas as pd
import streamlit as st
from babel.dates import get_month_names

from dashboards.shared import i18n
from dashboards.shared.formatting import LOCALES
from energysim.core.csv_dialect import csv_bytes

FORMATS = ("xlsx", "csv", "csv_nl")
"""Download formats: Excel, standard CSV, CSV for a Dutch Excel (semicolon, decimal comma,
ja/nee)."""

_MIME = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "csv_nl": "text/csv",
}


def column_label(name: object) -> str:
    """A column's header in words with its unit, in the current language (see
    :func:`i18n.column`)."""
    return i18n.column(name)


DECIMALS = (
    ("_eur_per_kwh", 4),
    ("_eur", 2),
    ("_mwh", 3),
    ("_kwh", 1),
    ("_mw", 3),
    ("_kwp", 2),
    ("_kw", 2),
    ("_h", 2),
    ("_pp", 2),
    ("_frac", 1),  # as a percentage
)
"""Decimals a downloaded number keeps, by the end of its column's name (the first that
matches); any other number keeps :data:`OTHER_DECIMALS`."""
OTHER_DECIMALS = 3


def _decimals(name: str) -> int:
    return next((d for end, d in DECIMALS if name.endswith(end)), OTHER_DECIMALS)


def _month_names() -> list[str]:
    """January to December, written out, in the current language."""
    names = get_month_names("wide", locale=LOCALES[i18n.language()])
    return [str(names[m]) for m in range(1, 13)]


def readable_values(column: pd.Series, name: str) -> pd.Series:
    """One column's values as a spreadsheet reader wants them (still numbers): a share
    as a percentage, a month by its name, a yes or no in Dutch words, rounded by unit."""
    if name == "month" and pd.api.types.is_integer_dtype(column):
        names = _month_names()
        return column.map(lambda m: names[int(m) - 1])
    if pd.api.types.is_bool_dtype(column):
        if i18n.language() != "nl":
            return column
        return column.map(lambda b: i18n.t("common.yes" if b else "common.no"))
    if column.dtype == object:  # numbers with gaps (None): numbers still
        present = column.dropna()
        if len(present) and all(_is_number(v) for v in present):
            column = column.astype(float)
    if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
        return column
    if name.endswith("_frac"):
        column = column.astype(float) * 100
    return column.round(_decimals(name)) if pd.api.types.is_float_dtype(column) else column


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def labelled(frame: pd.DataFrame, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The frame with headers in words (``labels`` first, then the catalogue) and its
    values as :func:`readable_values` makes them; a share's header says ``(%)``.

    A named index becomes the first column (Excel and CSV keep it that way). A column
    whose header is its raw name is left as it is (a table for scripts).
    """
    out = frame.reset_index() if frame.index.name is not None else frame.copy()
    given = dict(labels or {})
    headers = []
    for i, c in enumerate(out.columns):
        name = str(c)
        header = given[name] if name in given else column_label(c)
        if header != name:
            values = readable_values(out.iloc[:, i], name)
            out.isetitem(i, values)
            as_percent = pd.api.types.is_float_dtype(values) and name.endswith("_frac")
            if as_percent and "%" not in header:
                header = f"{header} (%)"
        headers.append(header)
    out.columns = headers
    return out


def excel_bytes(frame: pd.DataFrame, sheet: str = "table") -> bytes:
    """The frame as an Excel workbook (openpyxl), one sheet, headers in bold."""
    buffer = io.BytesIO()
    safe = re.sub(r"[\[\]:*?/\\]", " ", sheet)[:31] or "table"
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=safe)
        sheet_obj = writer.sheets[safe]
        for cells in sheet_obj.columns:  # wide enough for the header
            width = max(len(str(cells[0].value or "")), 10)
            sheet_obj.column_dimensions[cells[0].column_letter].width = min(width + 2, 60)
    return buffer.getvalue()


def file_bytes(frame: pd.DataFrame, fmt: str, sheet: str = "table") -> bytes:
    """The bytes of a download of an already labelled frame in one of :data:`FORMATS`."""
    if fmt == "xlsx":
        return excel_bytes(frame, sheet)
    if fmt == "csv":
        return csv_bytes(frame, "standard")
    if fmt == "csv_nl":
        return csv_bytes(frame, "nl")
    raise ValueError(f"format: expected one of {', '.join(FORMATS)}, found {fmt!r}")


def local_name(name: str) -> str:
    """A download's name in the current language: in Dutch the catalogue's words
    (``[dl.file]``: ``energy_flows`` -> ``energiestromen``), a name with a variable end
    by its longest known beginning and each known part after it
    (``ownership_chart_municipality`` -> ``lokaal-eigendom-grafiek-gemeente``); in
    English, and for a name the catalogue lacks, the name as given."""
    if i18n.language() != "nl":
        return name
    parts = re.split(r"[-_]", name)
    for cut in range(len(parts), 0, -1):
        head = name[: sum(len(p) for p in parts[:cut]) + cut - 1]
        if i18n.has(f"dl.file.{head}"):
            rest = [i18n.t(f"dl.file.{p}") if i18n.has(f"dl.file.{p}") else p for p in parts[cut:]]
            return "-".join([i18n.t(f"dl.file.{head}"), *rest])
    return name


def file_name(name: str, fmt: str) -> str:
    """``name.xlsx``, ``name.csv`` or ``name-nl.csv``, the name in the current language
    (:func:`local_name`)."""
    shown = local_name(name)
    return f"{shown}-nl.csv" if fmt == "csv_nl" else f"{shown}.{fmt}"


def download_table(
    frame: pd.DataFrame,
    name: str,
    key: str,
    *,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
) -> None:
    """Buttons that download ``frame`` as Excel, CSV and CSV for a Dutch Excel.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table with its raw column names (or words already: they are kept).
    name : str
        The file name without extension (``households``).
    key : str
        A key unique on the page; the buttons' keys are ``dl:<key>:<format>``.
    labels : mapping, optional
        Headers for columns the catalogue does not name.
    title : str, optional
        What the table is, before the buttons (default "Download this table").
    """
    table = labelled(frame, labels)
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.caption(title or i18n.t("dl.title"))
        for fmt in FORMATS:
            st.download_button(
                i18n.t(f"dl.{fmt}"),
                data=lambda fmt=fmt: file_bytes(table, fmt, local_name(name)),
                file_name=file_name(name, fmt),
                mime=_MIME[fmt],
                key=f"dl:{key}:{fmt}",
                help=i18n.t(f"dl.{fmt}_help"),
                on_click="ignore",
                icon=":material/download:",
            )
