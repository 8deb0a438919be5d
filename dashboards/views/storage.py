"""Storage and electrification: the Scenario page's switches and the Results page's block.

Four switches for the first building (docs/storage-and-electrification.md): a shared
battery at the common connection, home batteries behind the dwellings' meters, heat
pumps and EV charging. Each is on when the scenario dict has its table
(``buildings[0].battery`` ...) and writes into that dict like every other widget
(:mod:`session`); switching one off removes the table, switching it on again brings
back the file's own table, or starting figures for a table the file did not have.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

import formatting as fmt
import session
import state
import streamlit as st
from i18n import t

from energysim.batch.sweep import get_path, set_path

FEATURES = ("battery", "home_batteries", "heat_pumps", "ev_charging")
"""The building tables the switches edit, in the order shown."""
BUILDING = "buildings[0]"


def starting_table(feature: str, data: dict[str, Any]) -> dict[str, Any]:
    """The figures a switch starts from when the file has no such table.

    A 100 kWh / 50 kW battery at the common connection (the figures of
    docs/storage-and-electrification.md's example), 5 kWh / 2.5 kW per home battery,
    heat pumps in every dwelling of an apartment building, EVs in up to ten dwellings
    at the schema's 6 kWh a day. Everything else takes the schema's defaults.
    """
    dwellings = get_path(data, f"{BUILDING}.dwellings")
    vehicles = min(10, dwellings) if isinstance(dwellings, int) and dwellings > 0 else 1
    return {
        "battery": {"capacity_kwh": 100.0, "power_kw": 50.0, "dispatch": "self_consumption"},
        "home_batteries": {"capacity_kwh": 5.0, "power_kw": 2.5},
        "heat_pumps": {"dwelling_type": "apartment"},
        "ev_charging": {"vehicles": vehicles, "kwh_per_day": 6.0, "control": "uncontrolled"},
    }[feature]


def is_on(data: dict[str, Any], feature: str) -> bool:
    """Whether the scenario dict has the feature's table."""
    return isinstance(get_path(data, f"{BUILDING}.{feature}"), dict)


def switched(
    data: dict[str, Any], original: dict[str, Any], feature: str, on: bool
) -> dict[str, Any]:
    """The scenario dict with a feature switched on or off.

    On: the file's own table when it had one, else :func:`starting_table`. Off: the
    table removed.
    """
    out = copy.deepcopy(data)
    building = get_path(out, BUILDING)
    if not isinstance(building, dict):
        return out
    if not on:
        building.pop(feature, None)
        return out
    own = get_path(original, f"{BUILDING}.{feature}")
    table = copy.deepcopy(own) if isinstance(own, dict) else starting_table(feature, data)
    return set_path(out, f"{BUILDING}.{feature}", table)


def has_price_series(data: dict[str, Any]) -> bool:
    """Whether a price-aware battery would find day-ahead prices in the scenario."""
    return bool(
        get_path(data, f"{BUILDING}.battery.price_csv")
        or get_path(data, "tariffs.supply_price_csv")
    )


def has_own_strings(data: dict[str, Any]) -> bool:
    """Whether the first building has roof strings behind the dwellings' meters."""
    arrays = get_path(data, f"{BUILDING}.arrays")
    return isinstance(arrays, list) and any(
        isinstance(a, dict) and a.get("setup") == "per_dwelling" for a in arrays
    )


@dataclass(frozen=True)
class Figure:
    """One figure of a feature's table that the switches edit."""

    name: str
    kind: str  # "int", "float" or "choice"
    step: float | int = 1
    choices: tuple[str, ...] = ()


FIGURES: dict[str, tuple[Figure, ...]] = {
    "battery": (
        Figure("capacity_kwh", "float", 10.0),
        Figure("power_kw", "float", 5.0),
        Figure("dispatch", "choice", choices=("self_consumption", "price_aware")),
    ),
    "home_batteries": (
        Figure("dwellings", "int"),
        Figure("capacity_kwh", "float", 1.0),
        Figure("power_kw", "float", 0.5),
    ),
    "heat_pumps": (
        Figure("dwellings", "int"),
        Figure("dwelling_type", "choice", choices=("apartment", "single_family")),
    ),
    "ev_charging": (
        Figure("vehicles", "int"),
        Figure("kwh_per_day", "float", 0.5),
        Figure("control", "choice", choices=("uncontrolled", "solar_following")),
    ),
}


def default_of(data: dict[str, Any], feature: str, figure: str) -> Any:
    """What a figure the table does not give means (the schema's default)."""
    if figure == "dwellings":  # default: every (participating) dwelling
        path = "tenants.participating" if feature == "home_batteries" else "dwellings"
        return get_path(data, f"{BUILDING}.{path}")
    return {
        "dispatch": "self_consumption",
        "dwelling_type": "apartment",
        "kwh_per_day": 6.0,
        "control": "uncontrolled",
    }.get(figure)


def form_field(data: dict[str, Any], feature: str, figure: Figure) -> state.FormField:
    """The figure as a form field, committed like every other widget of the form."""
    kind = "mode" if figure.kind == "choice" else figure.kind
    return state.FormField(
        path=f"{BUILDING}.{feature}.{figure.name}",
        label=f"storage.{feature}.{figure.name}",
        kind=kind,  # type: ignore[arg-type]
        section="rules",
        default=default_of(data, feature, figure.name),
        step=figure.step,
        help=f"storage.{feature}.{figure.name}_help",
    )


def locked(data: dict[str, Any], feature: str, figure: str) -> bool:
    """Whether the file gives this figure as a list (one value per vehicle), which the
    switches cannot edit; the vehicle count then goes with the lists."""
    if feature != "ev_charging":
        return False
    table = get_path(data, f"{BUILDING}.{feature}")
    lists = [
        k
        for k in ("kwh_per_day", "charger_kw", "arrival_h", "departure_h")
        if isinstance(table, dict) and isinstance(table.get(k), list)
    ]
    return figure in lists or (figure == "vehicles" and bool(lists))


def errors_about(checked: state.Check, feature: str) -> list[str]:
    """The scenario's errors about a feature's table, without the file and field names."""
    pattern = re.compile(rf"buildings\[[^\]]*\]\.{feature}\b")
    return [state.field_message(e) for e in checked.errors if pattern.search(e)]


# --------------------------------------------------------------------------- widgets
def _toggle(feature: str) -> None:
    """on_change of a switch: the table in or out of the scenario dict."""
    on = bool(st.session_state[session.widget_key(f"storage:{feature}")])
    original = st.session_state["original"]
    session.edit(lambda d: switched(d, original, feature, on), t(f"storage.{feature}.title"))


def _figure(data: dict[str, Any], feature: str, figure: Figure) -> None:
    f = form_field(data, feature, figure)
    value = state.widget_value(data, f)
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
        low = 0.0 if figure.kind == "float" else 0
        st.number_input(
            session.field_label(f),
            value=value,
            step=f.step,
            format=state.number_format(f, value),
            min_value=low,
            **args,
        )
    if args["disabled"]:
        st.caption(t("storage.ev_charging.lists"))


def _feature(data: dict[str, Any], checked: state.Check, feature: str) -> None:
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
        st.error(message, icon=":material/error:")


def switches(checked: state.Check) -> None:
    """The four switches of the first building, side by side."""
    data = session.data()
    if not isinstance(get_path(data, BUILDING), dict):
        return
    st.subheader(t("storage.heading"))
    st.caption(t("storage.intro"))
    for column, feature in zip(st.columns(len(FEATURES)), FEATURES, strict=True):
        with column:
            _feature(data, checked, feature)


# --------------------------------------------------------------------------- results
def results(s: dict[str, Any]) -> None:
    """The Results page's block on batteries and electric loads, when the run has them."""
    storage, electric = s.get("storage"), s.get("electrification")
    if not storage and not electric:
        return
    st.subheader(t("storage.results.heading"))
    if storage:
        without = storage["self_consumption_frac_without_batteries"]
        gain = storage["self_consumption_gain_frac"]
        benefit = sum(storage["battery_benefit_eur"].values())
        c = st.columns(4)
        c[0].metric(
            t("storage.results.self_consumption"),
            fmt.percent(without + gain),
            fmt.pp(100 * gain),
            help=t("storage.results.self_consumption_help", without=fmt.percent(without)),
        )
        c[1].metric(
            t("storage.results.delivered"),
            fmt.kwh(storage["delivered_kwh"]),
            help=t("storage.results.delivered_help"),
        )
        c[2].metric(
            t("storage.results.lost"),
            fmt.kwh(storage["loss_kwh"]),
            help=t("storage.results.lost_help"),
        )
        c[3].metric(
            t("storage.results.benefit"),
            fmt.eur(benefit),
            help=t(
                "storage.results.benefit_help",
                tenants=fmt.eur(storage["battery_benefit_eur"].get("tenants", 0.0)),
                members=fmt.eur(storage["battery_benefit_eur"].get("members", 0.0)),
            ),
        )
        st.caption(
            t(
                "storage.results.costs",
                capex=fmt.eur(storage["capex_eur"]),
                opex=fmt.eur(storage["opex_eur_per_yr"]),
            )
        )
    if electric:
        c = st.columns(4)
        if electric.get("heat_pump_dwellings"):
            c[0].metric(
                t("storage.results.heat_pump_kwh"),
                fmt.kwh(electric["heat_pump_kwh"]),
                help=t(
                    "storage.results.heat_pump_help",
                    dwellings=fmt.count(electric["heat_pump_dwellings"]),
                    heat=fmt.kwh(electric["space_heat_kwh"] + electric["hot_water_heat_kwh"]),
                ),
            )
            c[1].metric(
                t("storage.results.cop"),
                fmt.number(electric["seasonal_cop"], 2),
                help=t("storage.results.cop_help"),
            )
        if electric.get("ev_vehicles"):
            c[2].metric(
                t("storage.results.ev_kwh"),
                fmt.kwh(electric["ev_kwh"]),
                help=t("storage.results.ev_help", vehicles=fmt.count(electric["ev_vehicles"])),
            )
            c[3].metric(
                t("storage.results.ev_unserved"),
                fmt.kwh(electric["ev_unserved_kwh"]),
                help=t("storage.results.ev_unserved_help"),
            )
