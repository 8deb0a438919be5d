"""energysim dashboard: explore a scenario, see who gains what, compare, check ownership.

    streamlit run dashboards/app.py [-- --results-dir DIR]

Widgets and charts only: every figure comes from :mod:`energysim`. The session holds
one scenario (see ``session.py``); every page shows and runs exactly that scenario.
``--results-dir`` (or the environment variable ``ENERGYSIM_RESULTS_DIR``) is the one
folder the Portfolio page may read batch summaries from.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

import session  # noqa: E402
import state  # noqa: E402
from views import compare, design, ownership, portfolio, results, scenario  # noqa: E402

PAGES = ("Scenario", "Results", "Design", "Compare", "Ownership", "Portfolio")


def sidebar() -> str:
    """Page choice and where the scenario comes from; returns the page."""
    st.sidebar.title("energysim")
    chosen = st.sidebar.radio("Page", PAGES, key="page")
    st.sidebar.divider()
    st.sidebar.markdown(f"Scenario: {session.title()}")
    st.sidebar.selectbox(
        "Start from an example",
        list(state.examples()),
        index=None,
        placeholder="Choose an example",
        key="example",
        on_change=session.choose_example,
    )
    st.sidebar.file_uploader(
        "...or upload a scenario (TOML)",
        type=["toml"],
        key=session.upload_key(),
        on_change=session.take_upload,
        help="The file replaces the scenario whole: every field it has is kept.",
    )
    return str(chosen)


def main() -> None:
    st.set_option("client.toolbarMode", "viewer")
    st.set_option("client.showErrorDetails", "none")
    st.set_page_config(page_title="energysim", layout="wide")
    session.ensure()
    chosen = sidebar()
    if chosen == "Portfolio":
        session.guarded(lambda: portfolio.page(state.results_dir(sys.argv[1:], os.environ)))
        return
    checked = session.check()
    view = {
        "Scenario": scenario.page,
        "Results": results.page,
        "Design": design.page,
        "Compare": compare.page,
        "Ownership": ownership.page,
    }[chosen]
    session.guarded(lambda: view(checked))


main()
