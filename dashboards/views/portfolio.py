"""Portfolio page: a batch summary of `energysim batch`, filtered and sorted.

It reads an uploaded file, or a batch summary under the results folder the dashboard
was started with (``--results-dir`` or ``ENERGYSIM_RESULTS_DIR``); never any other
path on the server.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from energysim.batch import SUMMARY_NAME, SUMMARY_SUFFIXES, read_batch_summary
from energysim.errors import DataError

MAX_LISTED = 500


def summaries_under(folder: Path) -> list[Path]:
    """Batch summaries (``batch_summary.csv|parquet|xlsx``) under a folder, sorted."""
    root = folder.resolve()
    found = [
        p
        for p in sorted(root.rglob(f"{SUMMARY_NAME}.*"))
        if p.suffix.lower() in SUMMARY_SUFFIXES and p.is_file() and p.resolve().is_relative_to(root)
    ]
    return found[:MAX_LISTED]


def _open(results_dir: Path | None) -> tuple[pd.DataFrame, str] | None:
    up = st.file_uploader(
        "Upload a batch summary",
        type=[s.lstrip(".") for s in SUMMARY_SUFFIXES],
        key="portfolio_upload",
    )
    if up is not None:
        return read_batch_summary(up.getvalue(), up.name), up.name
    if results_dir is None:
        st.caption(
            "No results folder is configured. To pick summaries from one, start the "
            "dashboard with `streamlit run dashboards/app.py -- --results-dir DIR` or set "
            "ENERGYSIM_RESULTS_DIR."
        )
        return None
    if not results_dir.is_dir():
        raise DataError(f"{results_dir}: the configured results folder does not exist")
    files = summaries_under(results_dir)
    if not files:
        st.caption(f"No batch summaries under {results_dir} yet.")
        return None
    root = results_dir.resolve()
    chosen = st.selectbox(
        f"...or a batch summary under {results_dir}",
        files,
        index=None,
        format_func=lambda p: str(p.relative_to(root)),
        key="portfolio_file",
    )
    if chosen is None:
        return None
    return read_batch_summary(chosen), str(chosen.relative_to(root))


def page(results_dir: Path | None) -> None:
    """Render the Portfolio page."""
    st.header("Portfolio")
    st.caption("Open a batch summary written by `energysim batch` (CSV, Parquet or Excel).")
    try:
        opened = _open(results_dir)
    except DataError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    if opened is None:
        return
    frame, name = opened
    st.markdown(f"Batch summary: **{name}**, {len(frame)} units")
    failed = int((frame["status"] != "ok").sum())
    if failed:
        st.warning(f"{failed} unit(s) failed; their error is in the 'error' column.")
    left, right, sort_col = st.columns(3)
    column = left.selectbox(
        "Filter on column", list(frame.columns), index=None, key="portfolio_column"
    )
    if column is not None:
        values = sorted(frame[column].dropna().unique().tolist(), key=str)
        value = right.selectbox(
            "...equal to", values, index=None, format_func=str, key=f"portfolio_value:{column}"
        )
        if value is not None:
            frame = frame[frame[column] == value]
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    if numeric:
        sort_by = sort_col.selectbox(
            "Sort by (largest first)",
            numeric,
            index=None,
            placeholder="the batch's order",
            key="portfolio_sort",
        )
        if sort_by is not None:
            frame = frame.sort_values(sort_by, ascending=False)
    st.metric("Units shown", len(frame))
    st.dataframe(frame, hide_index=True, key="portfolio_table")
