"""Routes page: the session's scenario under each legal route its buildings allow.

The routes run through :func:`energysim.batch.routes.run_routes`, the function behind
``energysim routes``: each route's scenario is the session's scenario changed as that
route's law requires, run by the library, so every figure here is the command's.
"""

from __future__ import annotations

import json

import streamlit as st

from dashboards.routes import charts
from dashboards.routes.state import (
    benefits,
    download_frame,
    download_labels,
    law,
    route_label,
    shown_table,
)
from dashboards.shared import banner, engine_words
from dashboards.shared.chart_style import CONFIG
from dashboards.shared.downloads import download_table
from dashboards.shared.engine_errors import say_error
from dashboards.shared.i18n import t
from dashboards.shared.state import Check
from energysim.batch.routes import RoutesResult, run_routes
from energysim.config.scenario import Scenario
from energysim.core.errors import EnergysimError


@st.cache_data(show_spinner=False, max_entries=8)
def cached_routes(scenario_json: str) -> RoutesResult:
    """``energysim routes`` of the scenario (cached by its JSON)."""
    return run_routes(Scenario.model_validate_json(scenario_json))


def page(checked: Check) -> None:
    """Render the Routes page: the routes side by side, why some cannot apply, the law."""
    st.header(t("nav.routes"))
    out = banner.banner(checked)
    if out is None or checked.scenario is None:
        st.info(t("routes.fix_first"))
        return
    st.caption(t("routes.intro"))
    scenario_json = json.dumps(checked.scenario.model_dump(mode="json"), sort_keys=True)
    try:
        with st.spinner(t("routes.running")):
            result = cached_routes(scenario_json)
    except EnergysimError as exc:
        st.error(t("routes.cannot_run", message=say_error(exc)), icon=":material/error:")
        return
    table = result.table.set_index("route")
    names = {str(r): route_label(str(r)) for r in table.index}
    shown = benefits(table)
    if shown:
        st.plotly_chart(charts.route_benefits(shown, names), config=CONFIG, key="chart_routes")

    st.subheader(t("routes.table_heading"))
    st.table(shown_table(table))
    for route in result.routes:
        if not route.applies:
            reasons = " ".join(engine_words.said(route.reasons))
            st.info(t("routes.why_not", route=names[route.route], reasons=reasons))
    download_table(
        download_frame(table, result.routes),
        "routes",
        "routes",
        labels=download_labels(table),
    )

    st.subheader(t("routes.law_heading"))
    for route in result.routes:
        status = t("routes.applies" if route.applies else "routes.cannot_apply")
        with st.expander(f"{names[route.route]}: {status}", expanded=True):
            if route.reasons:
                st.markdown(t("routes.reasons_heading"))
                st.markdown("\n".join(f"- {m}" for m in engine_words.said(route.reasons)))
            st.markdown(t("routes.requires_heading"))
            st.markdown("\n".join(f"- {sentence}" for sentence in law(route)))
            if route.changes:
                st.markdown(t("routes.changes_heading"))
                st.markdown("\n".join(f"- {m}" for m in engine_words.said(route.changes)))
