"""Download any table: Excel, CSV, and CSV for a Dutch Excel.

Headers are words with units in the current language (``Opwek (kWh)``, not
``generation_kwh``): a column's words come from the catalogue's ``[col]`` section under
the column's name. Values stay numbers (no thousands separators, full precision), so a
spreadsheet can add them up. The CSV dialects are energysim's own
(:mod:`energysim.core.csv_dialect`), the same as ``energysim run --csv-dialect nl`` writes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping

import pandas as pd
import streamlit as st

from dashboards.shared import i18n
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


def labelled(frame: pd.DataFrame, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The frame with headers in words: ``labels`` first, then the catalogue.

    A named index becomes the first column (Excel and CSV keep it that way).
    """
    out = frame.reset_index() if frame.index.name is not None else frame.copy()
    given = dict(labels or {})
    out.columns = [given[str(c)] if str(c) in given else column_label(c) for c in out.columns]
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


def file_name(name: str, fmt: str) -> str:
    """``name.xlsx``, ``name.csv`` or ``name-nl.csv``."""
    return f"{name}-nl.csv" if fmt == "csv_nl" else f"{name}.{fmt}"


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
                data=lambda fmt=fmt: file_bytes(table, fmt, name),
                file_name=file_name(name, fmt),
                mime=_MIME[fmt],
                key=f"dl:{key}:{fmt}",
                help=i18n.t(f"dl.{fmt}_help"),
                on_click="ignore",
                icon=":material/download:",
            )
