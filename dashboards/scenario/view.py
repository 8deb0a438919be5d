"""Scenario page: the session's scenario as a form, what the form does not edit, download."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import streamlit as st

from dashboards.scenario import switches
from dashboards.shared import banner, folding, form, i18n, session
from dashboards.shared import formatting as fmt
from dashboards.shared.i18n import t
from dashboards.shared.state import Check, scenario_warnings, to_toml
from energysim.config.buildings import Building
from energysim.config.scenario import Scenario

SECTIONS = ("roof", "people", "rules")
ROOF_AREA = "buildings[0].roof_area_m2"
AS_IN_FILE = " (as in the file)"
OPEN_KEY = "scenario_open"
"""Session key of the page's folded parts that are open: name -> open."""


def option_label(kind: str, value: Any) -> str:
    """What a select box shows for one of its values, in the current language.

    The values stay the form's own (``members -> tenants -> common``, ``equal
    (export)``, ``sce``); only what is shown is translated.
    """
    shown = str(value)
    if shown.endswith(AS_IN_FILE):
        inner = shown.removesuffix(AS_IN_FILE)
        name = t(f"key.{inner}") if kind == "key" and i18n.has(f"key.{inner}") else inner
        return f"{name} {t('form.as_in_file')}"
    if kind == "order":
        roles = shown.split(" -> ")  # a refused file's unknown tier is shown as written
        return " → ".join(t(f"role_short.{r}") if i18n.has(f"role_short.{r}") else r for r in roles)
    if kind == "key":
        return t(f"key.{form.KEY_IDS[shown]}")
    if kind == "mode":
        return t(f"mode.{shown}")
    return shown


def number_field(label: str, text: str, args: dict[str, Any]) -> None:
    """A number field: a text field the Dutch or the English way (``0,05``, ``1.250``),
    read when it is committed (:mod:`dashboards.shared.numbers`); a browser's number
    field would read ``0,05`` as 5."""
    st.text_input(label, value=text, autocomplete="off", **args)


def _widget(f: form.FormField, checked: Check) -> None:
    data, original = session.data(), st.session_state["original"]
    value = form.widget_value(data, f)
    lock = form.locked(data, f)
    label = session.field_label(f)
    common_args = {
        "key": session.widget_key(f.path),
        "on_change": session.commit_field,
        "args": (f,),
        "disabled": lock is not None,
        "help": t(f.help) if f.help else None,
    }
    if f.kind in ("int", "float"):
        number_field(label, form.number_text(f, value, i18n.language()), common_args)
    else:
        choices = form.options(data, original, f)
        index = choices.index(value) if value in choices else None
        st.selectbox(
            label,
            choices,
            index=index,
            format_func=i18n.shown_as(choices, lambda v, kind=f.kind: option_label(kind, v)),
            **common_args,
        )
    if lock:
        st.caption(lock)
    refused = session.refused_at(f.path)
    if refused:
        st.error(refused, icon=":material/error:")
    area = form.area_capacity(data, f)
    if area is not None:
        st.caption(
            t("form.area_capacity", capacity=fmt.kwp(area[0]), packing=fmt.number(area[1], 2))
        )
    if f.path == ROOF_AREA and checked.scenario is not None:
        st.caption(roof_caption(checked.scenario.buildings[0]))
    if f.path in checked.at_field:
        st.error(session.said(checked.at_field[f.path]), icon=":material/error:")


def roof_caption(building: Building) -> str:
    """Under the roof-area field: the part of the roof that can carry panels and what
    today's arrays take (the room :func:`energysim.design.roof.roof_room` gives the
    Design page), or, without an area, that Design proposes no larger roof."""
    used = fmt.number(building.arrays_roof_m2)
    usable = building.usable_roof_m2
    if usable is None:
        return t("form.roof_area_none", used=used)
    return t(
        "form.roof_area_usable",
        usable=fmt.number(usable),
        frac=fmt.percent(building.roof_usable_frac, 0),
        used=used,
    )


def folded(name: str, label: str, *, icon: str | None = None) -> AbstractContextManager[bool]:
    """A folded part of the Scenario page whose content is drawn only while it is open
    (:func:`dashboards.shared.folding.folded` under :data:`OPEN_KEY`), so an edit of the
    form is on screen sooner: ``with folded(name, label) as shown:``."""
    return folding.folded(OPEN_KEY, name, label, icon=icon)


def how_this_works() -> None:
    """A short explanation of what the simulator does, for a members' evening."""
    with folded("how", t("scenario.how_title"), icon=":material/help:") as shown:
        if shown:
            st.markdown(t("scenario.how_text"))


def ready(scenario: Scenario) -> None:
    """That the scenario passed its checks, what it is, and the library's warnings on
    the scenario itself (a roof implausibly large for its dwellings, ...).

    The page does not run the scenario: it starts its run in the background
    (:func:`dashboards.shared.banner.run_soon`, once per scenario, cached by content),
    which Results shows, saying there what the run warns about or why it failed. The
    checks here are those of :func:`dashboards.shared.state.check`.
    """
    st.success(
        t(
            "scenario.ready",
            capacity=fmt.kwp(scenario.capacity_kwp),
            dwellings=fmt.count(sum(b.dwellings for b in scenario.buildings)),
            year=scenario.year,
        ),
        icon=":material/check_circle:",
    )
    banner.engine_messages(scenario_warnings(scenario), [])


def page(checked: Check) -> None:
    """Render the Scenario page."""
    st.header(t("nav.scenario"))
    if banner.named_and_checked(checked):
        assert checked.scenario is not None  # checks passed
        ready(checked.scenario)
    # the Undo button's place is kept while there is nothing to undo (an empty slot), so
    # the first edit does not shift the form's elements and streamlit updates them in the
    # browser instead of drawing them anew (about twice the browser's work)
    undo = st.empty()
    if session.edited():
        undo.button(t("scenario.undo"), on_click=session.reset, key="reset")
    how_this_works()

    data = session.data()
    fields = form.form_fields(data)
    buildings = data.get("buildings") if isinstance(data.get("buildings"), list) else []
    first = buildings[0].get("id", "1") if buildings and isinstance(buildings[0], dict) else None
    if first is None:
        st.info(t("scenario.no_buildings"))
    elif len(buildings) > 1:
        st.info(t("scenario.more_buildings", count=len(buildings), first=first))
    columns = st.columns(3)
    for column, section in zip(columns, SECTIONS, strict=True):
        with column:
            st.subheader(t(f"scenario.section_{section}"))
            for f in fields:
                if f.section == section:
                    _widget(f, checked)

    switches.switches(checked)

    with folded("rest", t("scenario.rest_title")) as shown:
        if shown:
            rest = form.not_in_form(data)
            st.caption(t("scenario.rest_text"))
            st.code(form.toml_text(rest) if rest else t("scenario.rest_nothing"), language="toml")
    if checked.ok and checked.scenario is not None:
        st.download_button(
            t("scenario.download"),
            to_toml(checked.scenario),
            file_name=f"{checked.scenario.name}.toml",
            mime="application/toml",
            key="download_toml",
            help=t("scenario.download_help"),
        )
        banner.run_soon(checked.scenario)  # last: the page is drawn before the run starts
