"""energysim dashboard: explore a scenario, see who gains what, compare, take a legal route,
check ownership.

The app that ``dashboards/app.py`` starts (``python -m streamlit run dashboards/app.py
[-- --results-dir DIR]`` from the repository root). Widgets and charts only:
every figure comes from :mod:`energysim`. The session holds one scenario (see
``shared/session.py``); every page shows and runs exactly that scenario; each page is a
folder beside this script (``scenario/``, ``results/``, ...) with its ``view.page``.
``--results-dir`` (or the environment variable ``ENERGYSIM_RESULTS_DIR``) is the one
folder the Portfolio page may read batch summaries from.
"""

from __future__ import annotations

import json
import os
import sys

import streamlit as st

from dashboards.compare import view as compare
from dashboards.design import view as design
from dashboards.ownership import view as ownership
from dashboards.portfolio import view as portfolio
from dashboards.portfolio.state import results_dir
from dashboards.results import view as results
from dashboards.routes import view as routes
from dashboards.scenario import view as scenario
from dashboards.shared import formatting as fmt
from dashboards.shared import i18n, session, state
from dashboards.shared.i18n import t
from dashboards.shared.upload_files import MAX_SCENARIO_BYTES, MB, streamlit_words_script

# The pages, in the sidebar's order (their names are nav.<page> in the catalogue). No
# bare strings at the top level of this script: streamlit would print them on the page.
PAGES = ("scenario", "results", "design", "compare", "routes", "ownership", "portfolio")
HIDE_UPLOAD_LIMIT_CSS = "[data-testid='stFileUploaderDropzoneInstructions'] {display: none;}"


def sidebar() -> str:
    """Language, page choice and where the scenario comes from; returns the page."""
    st.sidebar.title("energysim")
    i18n.language_switch(then=session.fresh_widgets)
    chosen = st.sidebar.radio(
        t("nav.page"), PAGES, format_func=i18n.shown_as(PAGES, lambda p: t(f"nav.{p}")), key="page"
    )
    st.sidebar.divider()
    st.sidebar.markdown(t("session.scenario", title=session.title()))
    st.sidebar.selectbox(
        t("nav.example"),
        list(state.examples()),
        index=None,
        placeholder=t("nav.example_placeholder"),
        key="example",
        on_change=session.choose_example,
    )
    again = st.sidebar.empty()  # a slot: the first edit shifts no element below it
    if session.source().kind == "example" and session.edited():
        # choosing the example again: a select box does not call back for the value it
        # already has, so the offer to start again stands where the example is chosen
        again.button(
            t("session.example_again"),
            on_click=session.reset,
            key="example_again",
            help=t("session.example_again_help"),
        )
    st.sidebar.file_uploader(
        t("nav.upload"),
        key=session.upload_key(),
        on_change=session.take_upload,
        help=t("nav.upload_help")
        + " "
        + t("upload.limit_help", limit=fmt.number(MAX_SCENARIO_BYTES / MB)),
    )
    return str(chosen)


def main() -> None:
    st.set_option("client.toolbarMode", "viewer")
    st.set_option("client.showErrorDetails", "none")
    st.set_page_config(page_title="energysim", layout="wide")
    session.ensure()
    chosen = sidebar()
    session.keep()  # after the sidebar's callbacks: a reload finds the session as it is now
    # streamlit writes "200MB per file" under every upload field in English only (the
    # labels say which files are meant); it serves <html lang="en"> and has no option
    # for the page's language, which screen readers and the browser's spelling use. One
    # element for both: each element adds a gap above the page's title.
    st.html(
        f"<style>{HIDE_UPLOAD_LIMIT_CSS}</style>"
        f"<script>document.documentElement.lang = {json.dumps(i18n.language())};"
        f"{streamlit_words_script()}</script>",
        unsafe_allow_javascript=True,
    )
    if chosen == "portfolio":
        session.guarded(lambda: portfolio.page(results_dir(sys.argv[1:], os.environ)))
        return
    checked = session.check()
    view = {
        "scenario": scenario.page,
        "results": results.page,
        "design": design.page,
        "compare": compare.page,
        "routes": routes.page,
        "ownership": ownership.page,
    }[chosen]
    session.guarded(lambda: view(checked))
