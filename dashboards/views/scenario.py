"""Scenario page: the session's scenario as a form, what the form does not edit, download."""

from __future__ import annotations

import session
import state
import streamlit as st

from views import common, storage

SECTIONS = {"roof": "Roof", "people": "People", "rules": "Rules and money"}


def _widget(f: state.FormField, checked: state.Check) -> None:
    data, original = session.data(), st.session_state["original"]
    value = state.widget_value(data, f)
    lock = state.locked(data, f)
    common_args = {
        "key": session.widget_key(f.path),
        "on_change": session.commit_field,
        "args": (f,),
        "disabled": lock is not None,
        "help": f.help,
    }
    if f.kind in ("int", "float"):
        st.number_input(f.label, value=value, step=f.step, format=f.fmt, **common_args)
    else:
        choices = state.options(data, original, f)
        index = choices.index(value) if value in choices else None
        st.selectbox(f.label, choices, index=index, **common_args)
    if lock:
        st.caption(lock)
    area = state.area_capacity(data, f)
    if area is not None:
        st.caption(f"= {area[0]:,.1f} kWp at {area[1]:g} kWp per m2 (from the file)")
    if f.path in checked.at_field:
        st.error(checked.at_field[f.path], icon=":material/error:")


def page(checked: state.Check) -> None:
    """Render the Scenario page."""
    st.header("Scenario")
    out = common.banner(checked)
    if out is not None and checked.scenario is not None:
        scenario = checked.scenario
        st.success(
            f"This scenario runs: {scenario.capacity_kwp:,.1f} kWp, "
            f"{sum(b.dwellings for b in scenario.buildings)} dwellings, year {scenario.year}. "
            "Its numbers are on Results, Compare and Ownership.",
            icon=":material/check_circle:",
        )
        for warning in out["warnings"]:
            st.warning(warning, icon=":material/warning:")
    if session.edited():
        st.button("Undo my edits (back to the file)", on_click=session.reset, key="reset")

    data = session.data()
    fields = state.form_fields(data)
    buildings = data.get("buildings") if isinstance(data.get("buildings"), list) else []
    first = (
        buildings[0].get("id", "the first")
        if buildings and isinstance(buildings[0], dict)
        else None
    )
    if first is None:
        st.info(
            "This file has no [[buildings]] table the form can show: fix the file and "
            "upload it again."
        )
    elif len(buildings) > 1:
        st.info(
            f"This scenario has {len(buildings)} buildings. The form edits the first ({first}); "
            "the others run as the file gives them (shown below, read-only)."
        )
    columns = st.columns(3)
    for column, (section, heading) in zip(columns, SECTIONS.items(), strict=True):
        with column:
            st.subheader(heading)
            for f in fields:
                if f.section == section:
                    _widget(f, checked)

    storage.switches(checked)

    rest = state.not_in_form(data)
    with st.expander("Also in this scenario: not editable here, kept as the file has it"):
        st.caption(
            "The form edits the fields above. Everything below comes from the file and "
            "runs unchanged; empty fields take the defaults of docs/scenario.md. Change "
            "these in the file and upload it again."
        )
        st.code(state.toml_text(rest) if rest else "(nothing else)", language="toml")
    if out is not None and checked.scenario is not None:
        st.download_button(
            "Download this scenario (TOML)",
            state.to_toml(checked.scenario),
            file_name=f"{checked.scenario.name}.toml",
            mime="application/toml",
            key="download_toml",
            help="Every value that runs, defaults included: `energysim run` of this file "
            "gives the numbers shown here.",
        )
