"""What every scenario page shows first: which scenario, and whether it runs."""

from __future__ import annotations

from typing import Any

import session
import state
import streamlit as st

from energysim.errors import EnergysimError


@st.cache_data(show_spinner=False, max_entries=32)
def cached_run(scenario_json: str) -> dict[str, Any]:
    """A run's summary and tables, cached by the scenario's JSON."""
    return state.simulate(scenario_json)


def run(scenario: Any) -> dict[str, Any]:
    """Run a scenario (cached) with a spinner."""
    with st.spinner("Simulating a year of 15-minute intervals..."):
        return cached_run(state.scenario_key(scenario))


def banner(checked: state.Check) -> dict[str, Any] | None:
    """Name the scenario, show what stops it from running, and run it.

    Returns the run's outputs, or None (with the reason at the top of the page) when
    the scenario cannot run.
    """
    st.markdown(f"Scenario: {session.title()}")
    session.show_load_error()
    if not checked.ok:
        if len(checked.errors) == 1:
            st.error(f"This scenario cannot run: {checked.errors[0]}", icon=":material/error:")
        else:
            listed = "\n".join(f"- {e}" for e in checked.errors[:8])
            more = len(checked.errors) - 8
            tail = f"\n- ... and {more} more" if more > 0 else ""
            st.error(f"This scenario cannot run:\n{listed}{tail}", icon=":material/error:")
        return None
    assert checked.scenario is not None
    try:
        return run(checked.scenario)
    except EnergysimError as exc:
        message = state.named(str(exc), session.source())
        st.error(f"This scenario cannot run: {message}", icon=":material/error:")
        return None
    except Exception:  # noqa: BLE001 - the form stays usable; no traceback on the page
        session.apologise()
        return None
