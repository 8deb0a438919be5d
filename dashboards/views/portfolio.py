"""Portfolio page: a batch summary of `energysim batch`, filtered and sorted.

It reads an uploaded file, or a batch summary under the results folder the dashboard
was started with (``--results-dir`` or ``ENERGYSIM_RESULTS_DIR``); never any other
path on the server.
"""

from __future__ import annotations

from pathlib import Path

import charts
import formatting as fmt
import i18n
import pandas as pd
import state
import streamlit as st
from downloads import download_table
from i18n import t

from energysim.batch.portfolio import read_portfolio
from energysim.batch.runner import SUMMARY_NAME, SUMMARY_SUFFIXES, read_batch_summary
from energysim.core.errors import DataError, EnergysimError
from views import common

MAX_LISTED = 500
NAME_SOURCES = ("none", "example", "upload")
EXAMPLE_PORTFOLIO = state.SCENARIO_DIR / "portfolio_example.csv"
BENEFIT = "household_benefit_eur.tenant.mean_eur"
SELF_CONSUMPTION = "self_consumption_frac"
FIGURES = [
    "status",
    "capacity_kwp",
    "generation_kwh",
    SELF_CONSUMPTION,
    "household_benefit_total_eur",
    BENEFIT,
    "household_benefit_eur.member.mean_eur",
    "local_ownership_frac",
    "error",
]
TOTALS = ["capacity_kwp", "generation_kwh", "household_benefit_total_eur"]


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
        t("portfolio.upload"),
        type=[s.lstrip(".") for s in SUMMARY_SUFFIXES],
        key="portfolio_upload",
    )
    if up is not None:
        return read_batch_summary(up.getvalue(), up.name), up.name
    if results_dir is None:
        st.caption(t("portfolio.no_folder"))
        return None
    if not results_dir.is_dir():
        raise DataError(t("portfolio.folder_missing", folder=str(results_dir)))
    files = summaries_under(results_dir)
    if not files:
        st.caption(t("portfolio.none_yet", folder=str(results_dir)))
        return None
    root = results_dir.resolve()
    chosen = st.selectbox(
        t("portfolio.pick", folder=str(results_dir)),
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
        up = st.file_uploader(t("portfolio.portfolio_upload"), type=["csv"], key="portfolio_csv")
        if up is None:
            return None
        path = common.saved_upload(up)
    if path is None:
        return None
    names = read_portfolio(path)[["complex_id", "name", "postcode"]]
    return names.drop_duplicates("complex_id").reset_index(drop=True)


def with_names(frame: pd.DataFrame, names: pd.DataFrame | None) -> pd.DataFrame:
    """The summary with each complex's name and postcode (empty when not known)."""
    out = frame.drop(columns=[c for c in ("name", "postcode") if c in frame.columns])
    if names is None:
        out["name"], out["postcode"] = "", ""
    else:
        out = out.merge(names, on="complex_id", how="left")
        out[["name", "postcode"]] = out[["name", "postcode"]].fillna("")
    return out


def complex_label(row: pd.Series) -> str:
    """A complex as people know it: its name (and id), else its id."""
    return f"{row['name']} ({row['complex_id']})" if row.get("name") else str(row["complex_id"])


def column_words(column: str) -> str:
    """A batch summary column in words (a sweep column by its setting)."""
    if column.startswith("sweep."):
        name = column.removeprefix("sweep.")
        words = t(f"setting.{name}") if i18n.has(f"setting.{name}") else name
        return t("portfolio.sweep_column", name=words)
    if i18n.has(f"col.{column}"):
        return t(f"col.{column}")
    return column


def totals(frame: pd.DataFrame, sweep: list[str]) -> pd.DataFrame:
    """Sums of the units that ran, per sweep point (a complex counts once per point)."""
    ok = frame[frame["status"] == "ok"]
    present = [c for c in TOTALS if c in ok.columns]
    households = [c for c in ok.columns if c.endswith(".households")]
    group = ok.assign(households=ok[households].sum(axis=1) if households else 0)
    agg = {"complex_id": "nunique", "households": "sum", **{c: "sum" for c in present}}
    if sweep:
        out = group.groupby(sweep).agg(agg)
    else:
        out = group.agg(agg).to_frame().T
        out.index = [t("portfolio.total")]
        out.index.name = "total"
    return out.rename(columns={"complex_id": "complexes"})


def pairs(frame: pd.DataFrame, sweep: str, a: object, b: object, column: str) -> pd.DataFrame:
    """One row per complex: ``column`` at sweep point ``a``, at ``b``, and ``b - a``."""
    ok = frame[frame["status"] == "ok"]
    wide = ok.pivot_table(index="label", columns=sweep, values=column, aggfunc="first")
    out = pd.DataFrame(index=wide.index)
    out[str(a)] = wide.get(a)
    out[str(b)] = wide.get(b)
    out[t("portfolio.difference", b=b, a=a)] = out[str(b)] - out[str(a)]
    out.index.name = "complex"
    return out.dropna()


def page(results_dir: Path | None) -> None:
    """Render the Portfolio page."""
    st.header(t("nav.portfolio"))
    st.caption(t("portfolio.intro"))
    try:
        opened = _open(results_dir)
        names = _portfolio_names()
    except (DataError, EnergysimError) as exc:
        st.error(str(exc), icon=":material/error:")
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
    # at 1366 px: the complex's id is in the unit's, and the unit and name stay in view
    # while the figures scroll
    on_screen = shown.drop(columns="complex_id") if shown["name"].any() else shown
    st.dataframe(
        fmt.readable(on_screen, labels),
        hide_index=True,
        key="portfolio_table",
        column_config={
            i18n.column("unit_id"): st.column_config.Column(pinned=True),
            i18n.column("name"): st.column_config.Column(pinned=True, width="medium"),
        },
    )
    download_table(shown, "portfolio", "portfolio", labels=labels)
    download_table(
        frame.drop(columns=["label"]),
        "batch_summary",
        "portfolio_all",
        labels={c: c for c in frame.columns},
        title=t("portfolio.download_all"),
    )


def _two_charts(benefit: pd.DataFrame, share: pd.DataFrame) -> None:
    """Benefit per tenant and self-consumption per complex, side by side."""
    left, right = st.columns(2)
    left.plotly_chart(
        charts.per_complex(
            benefit, BENEFIT, t("portfolio.benefit_title"), t("portfolio.benefit_axis")
        ),
        config=charts.CONFIG,
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
        config=charts.CONFIG,
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
        config=charts.CONFIG,
        key="chart_difference",
    )
    both = benefit.set_axis([f"{i18n.column(BENEFIT)}: {c}" for c in benefit.columns], axis=1)
    both = both.join(
        share.set_axis([f"{i18n.column(SELF_CONSUMPTION)}: {c}" for c in share.columns], axis=1)
    )
    st.dataframe(fmt.readable(benefit.rename_axis("complex")), hide_index=True, key="pairs_table")
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
