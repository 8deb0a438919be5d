"""The Scenario page's state as plain Python: what its storage switches write.

Four switches for the first building (docs/storage-and-electrification.md): a shared
battery at the common connection, home batteries behind the dwellings' meters, heat
pumps and EV charging. Each is on when the scenario dict has its table
(``buildings[0].battery`` ...) and writes into that dict like every other widget
(:mod:`dashboards.shared.session`); switching one off removes the table, switching it on
again brings back the file's own table, or starting figures for a table the file did
not have. The widgets are in :mod:`dashboards.scenario.switches`.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from dashboards.shared.form import FormField
from dashboards.shared.state import Check, field_message
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


def form_field(data: dict[str, Any], feature: str, figure: Figure) -> FormField:
    """The figure as a form field, committed like every other widget of the form."""
    kind = "mode" if figure.kind == "choice" else figure.kind
    return FormField(
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


def errors_about(checked: Check, feature: str) -> list[str]:
    """The scenario's errors about a feature's table, without the file and field names."""
    pattern = re.compile(rf"buildings\[[^\]]*\]\.{feature}\b")
    return [field_message(e) for e in checked.errors if pattern.search(e)]
