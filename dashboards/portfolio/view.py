"""Portfolio page: a batch computed here or by `energysim batch`, filtered and sorted.

A portfolio can be computed in the browser (:mod:`dashboards.portfolio.run_view`).
Else the page reads an uploaded batch summary, or one under the results folder the
dashboard was started with (``--results-dir`` or ``ENERGYSIM_RESULTS_DIR``); never any
other path on the server.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboards.portfolio import charts, run_view
from dashboards.portfolio.state import (
    BENEFIT,
    EXAMPLE_PORTFOLIO,
    FIGURES,
    SELF_CONSUMPTION,
    column_words,
    complex_label,
    pairs,
    summaries_under,
    totals,
    unit_words,
    with_names,
)
from dashboards.shared import formatting as fmt
from dashboards.shared import i18n, session
from dashboards.shared.chart_style import CONFIG
from dashboards.shared.downloads import download_table
from dashboards.shared.engine_errors import say_error
from dashboards.shared.i18n import t
from dashboards.shared.upload_files import (
    MAX_SUMMARY_BYTES,
    MAX_TABLE_BYTES,
    MB,
    refuse_large_file,
    refuse_wrong_type,
)
from energysim.batch.portfolio import read_portfolio
from energysim.batch.runner import SUMMARY_SUFFIXES, read_batch_summary
from energysim.core.errors import DataError, EnergysimError

NAME_SOURCES = ("none", "example", "upload")


def _open(results_dir: Path | None) -> tuple[pd.DataFrame, str] | None:
    up = st.file_uploader(
        t("portfolio.upload"),
        key="portfolio_upload",
        help=t("upload.limit_help", limit=fmt.number(MAX_SUMMARY_BYTES / MB)),
    )
    if up is not None:
        refuse_wrong_type(up.name, SUMMARY_SUFFIXES)
        refuse_large_file(len(up.getvalue()), up.name, MAX_SUMMARY_BYTES)
        return read_batch_summary(up.getvalue(), up.name), up.name
    if results_dir is None:
        st.caption(t("portfolio.no_folder"))
        return None
    if not results_dir.is_dir():
        raise DataError(t("portfolio.folder_missing"))
    files = summaries_under(results_dir)
    if not files:
        st.caption(t("portfolio.none_yet"))
        return None
    root = results_dir.resolve()
    chosen = st.selectbox(
        t("portfolio.pick"),
        files,
        index=None,
        format_func=lambda p: str(p.relative_to(root)),
        key="portfolio_file",
    )
    if chosen is None:
        return None
    return read_batch_summary(chosen), str(chosen.relative_to(root))


def _portfolio_names() -> pd.DataFrame | None:
    """Names and postcodes of the complexes, from the portfolio file (example or upload)."""
    source = st.radio(
        t("portfolio.portfolio_file"),
        NAME_SOURCES,
        format_func=i18n.shown_as(NAME_SOURCES, lambda s: t(f"portfolio.portfolio_{s}")),
        horizontal=True,
        key="portfolio_names",
        help=t("help.portfolio_file"),
    )
    path: Path | None = None
    if source == "example":
        path = EXAMPLE_PORTFOLIO
    elif source == "upload":
        up = st.file_uploader(
            t("portfolio.portfolio_upload"),
            key="portfolio_csv",
            help=t("upload.limit_help", limit=fmt.number(MAX_TABLE_BYTES / MB)),
        )
        if up is None:
            return None
        refuse_wrong_type(up.name, (".csv",))
        path = session.saved_upload(up)
    if path is None:
        return None
    names = read_portfolio(path)[["complex_id", "name", "postcode"]]
    return names.drop_duplicates("complex_id").reset_index(drop=True)


def page(results_dir: Path | None) -> None:
    """Render the Portfolio page."""
    st.header(t("nav.portfolio"))
    st.caption(t("portfolio.intro"))
    try:
        ran = run_view.section()
        if ran is not None:  # the batch computed here, with its portfolio's names
            opened, names = ran[:2], ran[2]
        else:
            opened, names = _open(results_dir), _portfolio_names()
    except (DataError, EnergysimError) as exc:
        st.error(say_error(exc), icon=":material/error:")
        return
    if opened is None:
        return
    frame, name = opened
    frame = with_names(frame, names)
    frame["label"] = frame.apply(complex_label, axis=1)
    st.markdown(t("portfolio.opened", name=name, count=len(frame)))
    failed = int((frame["status"] != "ok").sum())
    if failed:
        st.warning(t("portfolio.failed", count=failed), icon=":material/warning:")
    sweep = [c for c in frame.columns if c.startswith("sweep.")]

    st.subheader(t("portfolio.totals_heading"))
    sums = totals(frame, sweep)
    st.table(fmt.readable(sums, {s: column_words(s) for s in sweep}))
    download_table(sums, "portfolio_totals", "totals", labels={s: column_words(s) for s in sweep})

    swept = [c for c in sweep if frame[c].nunique() >= 2]
    if swept and BENEFIT in frame.columns:
        _paired(frame, swept)
    elif BENEFIT in frame.columns:
        _per_complex(frame)

    st.subheader(t("portfolio.units_heading"))
    frame = _filter_and_sort(frame)
    st.metric(t("portfolio.units_shown"), fmt.count(len(frame)))
    shown = frame[
        ["unit_id", "complex_id", "name", "postcode", *sweep, *[c for c in FIGURES if c in frame]]
    ]
    labels = {c: column_words(c) for c in shown.columns if c.startswith("sweep.")}
    # on screen: the unit in words (complex and sweep point), the figures beside it, the
    # status and error only when a unit failed; headers wrap, so nothing is cut off
    words = frame.apply(lambda row: unit_words(row, sweep), axis=1).rename("unit")
    figures = [c for c in FIGURES if c in frame and c not in ("status", "error")]
    figures += ["status", "error"] if failed else []
    on_screen = pd.concat([words, frame[["postcode", *figures]]], axis=1)
    on_screen = on_screen.drop(columns="postcode") if not frame["postcode"].any() else on_screen
    wide_table(fmt.readable(on_screen, {"unit": t("portfolio.unit")}), "portfolio_table")
    download_table(shown, "portfolio", "portfolio", labels=labels)
    download_table(
        frame.drop(columns=["label"]),
        "batch_summary",
        "portfolio_all",
        labels={c: c for c in frame.columns},
        title=t("portfolio.download_all"),
    )


TABLE_ROWS_MAX = 300
"""Up to this many rows a table is drawn whole (headers wrap, nothing cut off at 1366 px)
in a box that scrolls down; a longer one is a data grid that loads rows as it scrolls."""
TABLE_HEIGHT_PX = 480


def wide_table(shown: pd.DataFrame, key: str) -> None:
    """A table of words (from :func:`fmt.readable`) that fits the page's width."""
    if len(shown) > TABLE_ROWS_MAX:
        st.dataframe(shown, hide_index=True, key=key)
        return
    with st.container(height=TABLE_HEIGHT_PX if len(shown) > 10 else "content", key=key):
        st.table(shown.set_index(shown.columns[0]))


def _two_charts(benefit: pd.DataFrame, share: pd.DataFrame) -> None:
    """Benefit per tenant and self-consumption per complex, side by side."""
    left, right = st.columns(2)
    left.plotly_chart(
        charts.per_complex(
            benefit, BENEFIT, t("portfolio.benefit_title"), t("portfolio.benefit_axis")
        ),
        config=CONFIG,
        key="chart_benefit",
    )
    right.plotly_chart(
        charts.per_complex(
            share,
            SELF_CONSUMPTION,
            t("portfolio.self_consumption_title"),
            t("portfolio.self_consumption_axis"),
            percent=True,
        ),
        config=CONFIG,
        key="chart_self_consumption",
    )


def _per_complex(frame: pd.DataFrame) -> None:
    ok = frame[frame["status"] == "ok"].set_index("label")
    _two_charts(
        ok[[BENEFIT]].set_axis([i18n.column(BENEFIT)], axis=1),
        ok[[SELF_CONSUMPTION]].set_axis([i18n.column(SELF_CONSUMPTION)], axis=1),
    )


def _paired(frame: pd.DataFrame, swept: list[str]) -> None:
    st.subheader(t("portfolio.pairs_heading"), help=t("help.pairs"))
    left, mid, right = st.columns(3)
    sweep = left.selectbox(
        t("portfolio.pair_setting"),
        swept,
        format_func=i18n.shown_as(swept, column_words),
        key="pair_sweep",
    )
    points = sorted(frame[sweep].dropna().unique().tolist(), key=str)
    a = mid.selectbox(t("portfolio.pair_a"), points, index=0, key=f"pair_a:{sweep}")
    b = right.selectbox(t("portfolio.pair_b"), points, index=len(points) - 1, key=f"pair_b:{sweep}")
    if a == b:
        st.info(t("portfolio.pair_same"))
        return
    benefit = pairs(frame, sweep, a, b, BENEFIT)
    share = pairs(frame, sweep, a, b, SELF_CONSUMPTION)
    _two_charts(benefit[[str(a), str(b)]], share[[str(a), str(b)]])
    difference = benefit.columns[-1]
    st.plotly_chart(
        charts.per_complex(
            benefit[[difference]],
            BENEFIT,
            t("portfolio.difference_title", b=b, a=a),
            t("portfolio.difference_axis"),
        ),
        config=CONFIG,
        key="chart_difference",
    )
    both = benefit.set_axis([f"{i18n.column(BENEFIT)}: {c}" for c in benefit.columns], axis=1)
    both = both.join(
        share.set_axis([f"{i18n.column(SELF_CONSUMPTION)}: {c}" for c in share.columns], axis=1)
    )
    wide_table(fmt.readable(benefit.rename_axis("complex")), "pairs_table")
    download_table(both, "portfolio_pairs", "pairs")


def _filter_and_sort(frame: pd.DataFrame) -> pd.DataFrame:
    left, right, sort_col = st.columns(3)
    columns = [c for c in frame.columns if c.startswith("sweep.") or i18n.has(f"col.{c}")]
    column = left.selectbox(
        t("portfolio.filter"),
        columns,
        index=None,
        format_func=i18n.shown_as(columns, column_words),
        key="portfolio_column",
        placeholder=t("portfolio.choose"),
    )
    if column is not None:
        values = sorted(frame[column].dropna().unique().tolist(), key=str)
        value = right.selectbox(
            t("portfolio.equal_to"),
            values,
            index=None,
            format_func=str,
            key=f"portfolio_value:{column}",
            placeholder=t("portfolio.choose"),
        )
        if value is not None:
            frame = frame[frame[column] == value]
    numeric = [c for c in columns if pd.api.types.is_numeric_dtype(frame[c])]
    if numeric:
        sort_by = sort_col.selectbox(
            t("portfolio.sort"),
            numeric,
            index=None,
            format_func=i18n.shown_as(numeric, column_words),
            placeholder=t("portfolio.batch_order"),
            key="portfolio_sort",
        )
        if sort_by is not None:
            frame = frame.sort_values(sort_by, ascending=False)
    return frame
