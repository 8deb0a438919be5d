"""Ownership page: the scenario's local ownership, and a register's municipalities."""

from __future__ import annotations

import tempfile
from pathlib import Path

import altair as alt
import pandas as pd
import state
import streamlit as st

from energysim import ownership
from energysim.errors import EnergysimError
from energysim.register import read_register
from energysim.simulate import installation_register_rows, run
from views import common


def page(checked: state.Check) -> None:
    """Render the Ownership page for the session's scenario."""
    st.header("Local ownership")
    out = common.banner(checked)
    if out is None or checked.scenario is None:
        st.info(
            "Fix the scenario on the Scenario page (or choose an example) to see its ownership."
        )
        return
    s = out["summary"]
    st.metric(
        "This scenario's local ownership (by production)",
        f"{s['local_ownership_frac']:.1%}",
        f"{s['local_ownership_frac'] - 0.5:+.1%} vs the 50% target",
    )
    source = st.radio(
        "Register of installations", ["none", "example register", "upload"], key="register_source"
    )
    path = None
    if source == "example register":
        path = state.EXAMPLE_REGISTER
    elif source == "upload":
        up = st.file_uploader(
            "Register (CSV or Excel)", type=["csv", "xlsx"], key="register_upload"
        )
        if up is None:
            return
        # the library reads registers from files: keep the upload in a private temp folder
        folder = Path(
            st.session_state.setdefault("_upload_dir", tempfile.mkdtemp(prefix="energysim-"))
        )
        path = folder / Path(up.name).name
        path.write_bytes(up.getvalue())
    if path is None:
        return
    try:
        register = read_register(path)
        add = st.checkbox("Add this scenario's rooftop", key="add_rooftop")
        if add:
            municipality = st.selectbox(
                "Its municipality", sorted(register.municipality.unique()), key="muni"
            )
            register = ownership.add_installations(
                register, installation_register_rows(run(checked.scenario), municipality)
            )
        report = ownership.ownership_report(register)
    except (EnergysimError, ValueError) as exc:
        st.error(f"The register could not be used: {exc}")
        return
    areas = report.municipalities.reset_index()
    st.table(
        areas[
            [
                "municipality",
                "production_mwh",
                "local_share_production_frac",
                "local_share_capacity_frac",
                "gap_mwh",
                "target_met",
            ]
        ].round(3)
    )
    bars = (
        alt.Chart(areas)
        .mark_bar()
        .encode(
            x="municipality:N",
            y=alt.Y("local_share_production_frac:Q", title="local share of production"),
        )
    )
    line = alt.Chart(pd.DataFrame({"target": [0.5]})).mark_rule(color="red").encode(y="target:Q")
    st.altair_chart(bars + line, width="stretch")
