"""The Scenario page's storage and electrification switches: the widgets.

Each switch and its figures write into the session's scenario dict like every other
widget of the form; what they write is :mod:`dashboards.scenario.state`.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboards.scenario.state import (
    BUILDING,
    FEATURES,
    FIGURES,
    Figure,
    errors_about,
    form_field,
    has_own_strings,
    has_price_series,
    is_on,
    locked,
    switched,
)
from dashboards.shared import form, i18n, session
from dashboards.shared.i18n import t
from dashboards.shared.state import Check
from energysim.batch.sweep import get_path


def _toggle(feature: str) -> None:
    """on_change of a switch: the table in or out of the scenario dict."""
    on = bool(st.session_state[session.widget_key(f"storage:{feature}")])
    original = st.session_state["original"]
    session.edit(lambda d: switched(d, original, feature, on), t(f"storage.{feature}.title"))


def _figure(data: dict[str, Any], feature: str, figure: Figure) -> None:
    f = form_field(data, feature, figure)
    value = form.widget_value(data, f)
    args = {
        "key": session.widget_key(f.path),
        "on_change": session.commit_field,
        "args": (f,),
        "help": t(f.help) if f.help else None,
        "disabled": locked(data, feature, figure.name),
    }
    if figure.kind == "choice":
        choices = list(figure.choices)
        if feature == "battery" and not has_price_series(data) and value != "price_aware":
            choices.remove("price_aware")
        if value not in choices:
            choices.append(value)
        st.selectbox(
            session.field_label(f),
            choices,
            index=choices.index(value),
            format_func=lambda c: t(f"storage.choice.{c}") if isinstance(c, str) else str(c),
            **args,
        )
    else:
        st.text_input(
            session.field_label(f),
            value=form.number_text(f, value, i18n.language()),
            autocomplete="off",
            **args,
        )
    if args["disabled"]:
        st.caption(t("storage.ev_charging.lists"))
    refused = session.refused_at(f.path)
    if refused:
        st.error(refused, icon=":material/error:")


def _feature(data: dict[str, Any], checked: Check, feature: str) -> None:
    on = is_on(data, feature)
    blocked = feature == "home_batteries" and not on and not has_own_strings(data)
    st.toggle(
        t(f"storage.{feature}.title"),
        value=on,
        key=session.widget_key(f"storage:{feature}"),
        on_change=_toggle,
        args=(feature,),
        disabled=blocked,
        help=t(f"storage.{feature}.help"),
    )
    if blocked:
        st.caption(t("storage.home_batteries.needs_strings"))
    if on:
        for figure in FIGURES[feature]:
            _figure(data, feature, figure)
        if feature == "battery" and not has_price_series(data):
            st.caption(t("storage.battery.price_aware_needs"))
    for message in errors_about(checked, feature):
        st.error(session.said(message), icon=":material/error:")


def switches(checked: Check) -> None:
    """The four switches of the first building, side by side."""
    data = session.data()
    if not isinstance(get_path(data, BUILDING), dict):
        return
    st.subheader(t("storage.heading"))
    st.caption(t("storage.intro"))
    for column, feature in zip(st.columns(len(FEATURES)), FEATURES, strict=True):
        with column:
            _feature(data, checked, feature)
