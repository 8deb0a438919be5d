"""What every scenario page shows first: which scenario, whether it runs, the run's messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from dashboards.shared import prefetch, session, state
from dashboards.shared.engine_words import assumptions_table, said
from dashboards.shared.i18n import t
from energysim.core.errors import EnergysimError

MAX_LISTED = 8


@st.cache_data(show_spinner=False, max_entries=32)
def cached_run(scenario_json: str) -> dict[str, Any]:
    """A run's summary and tables, cached by the scenario's JSON."""
    return state.simulate(scenario_json)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_statements(scenario_json: str) -> dict[str, Any]:
    """Every participant's statement of a run (:func:`state.statements`), cached by the
    scenario's JSON: made only when a page asks for them."""
    return state.statements(scenario_json)


def run_soon(scenario: Any) -> None:
    """Start the scenario's cached run in the background (:mod:`dashboards.shared.prefetch`),
    so that a page opened next finds it done or under way; returns at once."""
    prefetch.start(cached_run, state.scenario_key(scenario))


def run(scenario: Any) -> dict[str, Any]:
    """Run a scenario (cached) with a spinner."""
    with st.spinner(t("common.running")):
        return cached_run(state.scenario_key(scenario))


def listed(lines: Sequence[str]) -> str:
    """Messages as a markdown list (at most :data:`MAX_LISTED`, then how many more)."""
    shown = "\n".join(f"- {m}" for m in lines[:MAX_LISTED])
    more = len(lines) - MAX_LISTED
    return shown + (f"\n- {t('common.and_more', count=more)}" if more > 0 else "")


def engine_messages(
    warnings: Sequence[str], notes: Sequence[str], lead: str = "common.notes_lead"
) -> None:
    """The library's warnings and notes of a run, in the page's language (each by its
    code, :mod:`~dashboards.shared.engine_words`), after a lead-in that says what they are."""
    if warnings:
        st.warning(
            f"{t('common.warnings_lead')}\n{listed(said(warnings))}", icon=":material/warning:"
        )
    if notes:
        st.info(f"{t(lead)}\n{listed(said(notes))}", icon=":material/info:")


def estimates(assumptions: Sequence[dict[str, Any]]) -> None:
    """The run's estimated figures as a small table (folded away; the notes name them),
    drawn only while it is open (a closed expander's table would still be drawn)."""
    if not assumptions:
        return
    box = st.expander(
        t("estimates.title", count=len(assumptions)),
        icon=":material/info:",
        key="estimates_open",
        on_change="rerun",
    )
    with box:
        if box.open:
            st.caption(t("estimates.caption"))
            st.dataframe(assumptions_table(assumptions), hide_index=True, key="estimates_table")


def cannot_run(errors: Sequence[str]) -> None:
    """Why the scenario cannot run, at the top of the page."""
    errors = [session.said(e) for e in errors]
    if len(errors) == 1:
        st.error(t("common.cannot_run_one", message=errors[0]), icon=":material/error:")
    else:
        st.error(f"{t('common.cannot_run_many')}\n{listed(errors)}", icon=":material/error:")


def named_and_checked(checked: state.Check) -> bool:
    """Name the scenario and show what stops it from running, without running it.

    Returns whether the scenario passed its checks (the schema, then the year's tariffs
    and the input files: :func:`dashboards.shared.state.check`); when it did not, the
    reasons are at the top of the page.
    """
    st.markdown(t("session.scenario", title=session.title()))
    session.show_load_error()
    if not checked.ok:
        cannot_run(checked.errors)
        return False
    return True


def banner(checked: state.Check) -> dict[str, Any] | None:
    """Name the scenario, show what stops it from running, and run it.

    Returns the run's outputs, or None (with the reason at the top of the page) when
    the scenario cannot run: it fails its checks, or the run itself fails.
    """
    if not named_and_checked(checked):
        return None
    assert checked.scenario is not None
    try:
        return run(checked.scenario)
    except EnergysimError as exc:
        cannot_run([state.named(str(exc), session.source())])
        return None
    except Exception:  # noqa: BLE001 - the form stays usable; no traceback on the page
        session.apologise()
        return None
