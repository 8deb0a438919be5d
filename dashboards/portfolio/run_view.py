"""Portfolio page, first part: compute a portfolio in the browser.

Upload a portfolio (CSV or Excel, one row per complex) and a template scenario (or take
the examples), start the batch, follow its progress (units done, time left), stop it
and continue it, and open its result on this page. The batch is ``energysim batch`` in a
process of its own (:mod:`dashboards.portfolio.jobs`), writing to the session's private
temporary folder.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboards.portfolio import jobs
from dashboards.portfolio.state import EXAMPLE_PORTFOLIO
from dashboards.shared import formatting as fmt
from dashboards.shared import i18n, session
from dashboards.shared.i18n import t
from dashboards.shared.state import SCENARIO_DIR
from dashboards.shared.upload_files import MAX_TABLE_BYTES, MB
from energysim.batch.portfolio import read_portfolio
from energysim.batch.runner import read_batch_summary
from energysim.core.errors import EnergysimError

EXAMPLE_TEMPLATE = SCENARIO_DIR / "portfolio_template.toml"
SOURCES = ("example", "upload")
JOB_KEY = "portfolio_job"
PROGRESS_EVERY_S = 1.0


def _file(kind: str, types: list[str]) -> Path | None:
    """The example or an uploaded file (saved in the session's folder)."""
    source = st.radio(
        t(f"portfolio_run.{kind}"),
        SOURCES,
        format_func=i18n.shown_as(SOURCES, lambda s: t(f"portfolio_run.{kind}_{s}")),
        horizontal=True,
        key=f"portfolio_run_{kind}",
        help=t(f"portfolio_run.{kind}_help"),
    )
    if source == "example":
        return EXAMPLE_TEMPLATE if kind == "template" else EXAMPLE_PORTFOLIO
    up = st.file_uploader(
        t(f"portfolio_run.{kind}_upload_label"),
        type=types,
        key=f"portfolio_run_{kind}_file",
        help=t("upload.limit_help", limit=fmt.number(MAX_TABLE_BYTES / MB)),
    )
    return None if up is None else session.saved_upload(up)


def _start(template: Path, portfolio: Path, both_rules: bool) -> None:
    """Button: check and count the batch, then start it (a refused file says why)."""
    folder = Path(st.session_state.setdefault("_upload_dir", tempfile.mkdtemp(prefix="energysim-")))
    out = Path(tempfile.mkdtemp(prefix="batch-", dir=folder))
    try:
        job = jobs.new_job(template, portfolio, out, [jobs.RULES_SWEEP] if both_rules else [])
    except EnergysimError as exc:  # named by the file's own name, not the server's folder
        message = str(exc).replace(str(portfolio), portfolio.name)
        message = message.replace(str(template), template.name)
        st.session_state["portfolio_run_error"] = t("portfolio_run.refused", message=message)
        return
    st.session_state["portfolio_run_error"] = None
    st.session_state[JOB_KEY] = job
    st.session_state["portfolio_run_names"] = portfolio
    jobs.start(job)


def _stop() -> None:
    jobs.stop(st.session_state[JOB_KEY])


def _continue() -> None:
    jobs.start(st.session_state[JOB_KEY], resume=True)


def _close() -> None:
    job = st.session_state.pop(JOB_KEY, None)
    if job is not None:
        jobs.stop(job)


def _left(seconds: float | None) -> str:
    if seconds is None:
        return t("portfolio_run.left_unknown")
    if seconds < 60:
        return t("portfolio_run.left_s", seconds=fmt.count(max(1, round(seconds))))
    return t("portfolio_run.left_min", minutes=fmt.count(round(seconds / 60)))


@st.fragment(run_every=PROGRESS_EVERY_S)
def _progress() -> None:
    """The running batch's progress, redrawn every second; the whole page once it ends."""
    job: jobs.Job | None = st.session_state.get(JOB_KEY)
    if job is None or not jobs.running(job):
        if job is not None and st.session_state.get("portfolio_run_drawn_running"):
            st.session_state["portfolio_run_drawn_running"] = False
            st.rerun(scope="app")  # the result (or the stop) on the whole page
        return
    st.session_state["portfolio_run_drawn_running"] = True
    done = jobs.units_done(job)
    st.progress(
        min(1.0, done / max(1, job.total_units)),
        text=t(
            "portfolio_run.progress",
            done=fmt.count(done),
            total=fmt.count(job.total_units),
            left=_left(jobs.seconds_left(job)),
        ),
    )
    st.button(t("portfolio_run.stop"), on_click=_stop, key="portfolio_run_stop")


def _finished(job: jobs.Job) -> tuple[pd.DataFrame, str, pd.DataFrame | None] | None:
    """A finished batch's summary, or what stopped it."""
    why = jobs.failure(job)
    if why is not None:
        st.error(t("portfolio_run.failed"), icon=":material/error:")
        st.code(why, language=None)
        return None
    summary = jobs.summary_path(job)
    if summary is None:  # stopped: the units written stay
        st.warning(
            t(
                "portfolio_run.stopped",
                done=fmt.count(jobs.units_done(job)),
                total=fmt.count(job.total_units),
            ),
            icon=":material/pause_circle:",
        )
        st.button(t("portfolio_run.continue"), on_click=_continue, key="portfolio_run_continue")
        return None
    st.success(t("portfolio_run.done", total=fmt.count(job.total_units)), icon=":material/check:")
    portfolio = st.session_state.get("portfolio_run_names")
    names = None
    if portfolio is not None:
        names = read_portfolio(portfolio)[["complex_id", "name", "postcode"]]
        names = names.drop_duplicates("complex_id").reset_index(drop=True)
    return read_batch_summary(summary), t("portfolio_run.result_name"), names


def section() -> tuple[pd.DataFrame, str, pd.DataFrame | None] | None:
    """Compute a portfolio here; returns the finished batch's summary, its name and the
    complexes' names, for the rest of the page to show (None while none is finished)."""
    job: jobs.Job | None = st.session_state.get(JOB_KEY)
    with st.expander(
        t("portfolio_run.heading"), expanded=job is not None, icon=":material/play_circle:"
    ):
        if job is None:
            st.caption(t("portfolio_run.intro", workers=fmt.count(jobs.workers())))
            left, right = st.columns(2)
            with left:
                portfolio = _file("portfolio", ["csv", "xlsx"])
            with right:
                template = _file("template", ["toml"])
            both = st.checkbox(
                t("portfolio_run.both_rules"),
                value=True,
                key="portfolio_run_both",
                help=t("portfolio_run.both_rules_help"),
            )
            error = st.session_state.get("portfolio_run_error")
            if error:
                st.error(error, icon=":material/error:")
            st.button(
                t("portfolio_run.start"),
                on_click=_start,
                args=(template, portfolio, both),
                disabled=template is None or portfolio is None,
                type="primary",
                key="portfolio_run_start",
            )
            return None
        if jobs.running(job):
            _progress()
            return None
        opened = _finished(job)
        st.button(t("portfolio_run.close"), on_click=_close, key="portfolio_run_close")
        return opened
