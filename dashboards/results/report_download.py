"""Results page: the scenario's report for a board, as a PDF to download.

The report (:mod:`energysim.report.board`) is made on request, not on every rerun of
the page: making it runs the scenario once more (the page's run is a cached summary, the
report needs the run itself) and, when asked, the design advice (about half a minute).
The PDF is kept for the scenario, language and choice it was made for.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboards.shared import i18n
from dashboards.shared.i18n import t
from dashboards.shared.state import scenario_key

MADE_KEY = "report_pdf"


def _make(scenario: Any, lang: str, with_design: bool, key: tuple[str, str, bool]) -> None:
    from energysim.report.board import design_part, report_pdf
    from energysim.simulate import run

    with st.spinner(t("report.making_design" if with_design else "report.making")):
        design = None
        if with_design:
            from energysim.design.plan import design_scenario

            design = design_part(design_scenario(scenario))
        st.session_state[MADE_KEY] = (key, report_pdf(run(scenario), lang, design))


def offer(scenario: Any) -> None:
    """A button that makes the report, then the download of the PDF made."""
    from energysim.report.board import report_name

    st.subheader(t("report.heading"))
    st.caption(t("report.caption"))
    lang = i18n.language()
    with_design = st.checkbox(
        t("report.with_design"), value=False, key="report_with_design", help=t("report.design_help")
    )
    key = (scenario_key(scenario), lang, with_design)
    if st.button(t("report.make"), key="report_make"):
        _make(scenario, lang, with_design, key)
    made = st.session_state.get(MADE_KEY)
    if made is not None and made[0] == key:
        st.download_button(
            t("report.download"),
            made[1],
            file_name=report_name(scenario.name, lang),
            mime="application/pdf",
            key="report_download",
            icon=":material/picture_as_pdf:",
        )
