"""The Scenario page's form as plain Python: which fields of the scenario dict it edits.

Every widget of the form (and of the storage switches) shows one field of the session's
scenario dict and writes back to it (:func:`commit`); fields the form does not edit stay
as the file has them. Shared: the session commits through it and the check
(:func:`dashboards.shared.state.check`) shows each problem at its field.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any, Literal

from dashboards.shared import numbers
from dashboards.shared.i18n import t
from energysim.batch.sweep import get_path, set_path
from energysim.config.allocation_policy import Allocation, MembersPolicy, TierPolicy
from energysim.config.buildings import Members
from energysim.config.economics import Finance
from energysim.config.site import RoofArray

YEARS = list(range(2025, 2031))
TIER_ORDERS = [
    ["common", "tenants", "members"],
    ["common", "members", "tenants"],
    ["tenants", "common", "members"],
    ["tenants", "members", "common"],
    ["members", "common", "tenants"],
    ["members", "tenants", "common"],
]
KEYS: dict[str, dict[str, str]] = {
    "proportional": {"method": "proportional"},
    "equal (redistribute)": {"method": "equal", "variant": "redistribute"},
    "equal (export)": {"method": "equal", "variant": "export"},
    "max-min": {"method": "maxmin"},
    "priority": {"method": "priority"},
}
KEY_IDS = {
    "proportional": "proportional",
    "equal (redistribute)": "equal_redistribute",
    "equal (export)": "equal_export",
    "max-min": "maxmin",
    "priority": "priority",
}
"""Key preset -> its name in the catalogue (``key.<id>``)."""
MODES = ["sharing", "sce", "postcoderoos"]
_MISSING = object()


# --------------------------------------------------------------------------- the form
Kind = Literal["int", "float", "year", "order", "key", "mode"]


@dataclass(frozen=True)
class FormField:
    """One field of the scenario that the form edits.

    ``path`` is the field's place in the scenario, as the library's messages name it
    (``buildings[0].dwellings``); ``label`` and ``help`` are keys of the dashboard's
    catalogue (``form.dwellings``; ``name`` fills in a roof array's id); ``default`` is
    the schema's default when the file does not give the field (``None``: required).
    ``optional``: the schema lets the field out (``None``); an emptied field is left out
    of the scenario again.
    """

    path: str
    label: str
    kind: Kind
    section: Literal["roof", "people", "rules"]
    default: Any = None
    step: float | int = 1
    fmt: str | None = None
    help: str | None = None
    name: str | None = None
    optional: bool = False


def _default(model: Any, name: str) -> Any:
    value = model.model_fields[name].get_default(call_default_factory=True)
    return value.model_dump() if hasattr(value, "model_dump") else value


def form_fields(data: dict[str, Any]) -> list[FormField]:
    """The fields the form shows for this scenario: roof arrays, people and rules of the
    first building, the year, tier order, keys, members' scheme and fees."""
    out: list[FormField] = []
    arrays = get_path(data, "buildings[0].arrays")
    for i, arr in enumerate(arrays if isinstance(arrays, list) else []):
        if not isinstance(arr, dict):
            continue
        name = str(arr.get("id", f"{i + 1}"))
        at = f"buildings[0].arrays[{i}]"
        if "area_m2" in arr and "capacity_kwp" not in arr:
            out.append(
                FormField(
                    f"{at}.area_m2",
                    "form.area",
                    "float",
                    "roof",
                    step=10.0,
                    help="help.area",
                    name=name,
                )
            )
        else:
            out.append(
                FormField(
                    f"{at}.capacity_kwp",
                    "form.capacity",
                    "float",
                    "roof",
                    step=1.0,
                    help="help.capacity",
                    name=name,
                )
            )
        out.append(
            FormField(
                f"{at}.surface_azimuth_deg",
                "form.azimuth",
                "float",
                "roof",
                _default(RoofArray, "surface_azimuth_deg"),
                step=5.0,
                help="help.azimuth",
                name=name,
            )
        )
        out.append(
            FormField(
                f"{at}.surface_tilt_deg",
                "form.tilt",
                "float",
                "roof",
                _default(RoofArray, "surface_tilt_deg"),
                step=5.0,
                help="help.tilt",
                name=name,
            )
        )
    if isinstance(get_path(data, "buildings[0]"), dict):
        out.append(
            FormField(
                "buildings[0].roof_area_m2",
                "form.roof_area",
                "float",
                "roof",
                step=10.0,
                help="help.roof_area",
                optional=True,
            )
        )
        out += _people_fields()
    return out + _rules_fields()


def _people_fields() -> list[FormField]:
    return [
        FormField(
            "buildings[0].dwellings", "form.dwellings", "int", "people", help="help.dwellings"
        ),
        FormField(
            "buildings[0].tenants.participating",
            "form.participating",
            "int",
            "people",
            help="help.participating",
        ),
        FormField(
            "buildings[0].members.count",
            "form.members",
            "int",
            "people",
            _default(Members, "count"),
            help="help.members",
        ),
    ]


def _rules_fields() -> list[FormField]:
    return [
        FormField("year", "form.year", "year", "rules", help="help.year"),
        FormField(
            "allocation.order",
            "form.order",
            "order",
            "rules",
            _default(Allocation, "order"),
            help="help.order",
        ),
        FormField(
            "allocation.tenants.key",
            "form.tenants_key",
            "key",
            "rules",
            _default(TierPolicy, "key"),
            help="help.key",
        ),
        FormField(
            "allocation.members.key",
            "form.members_key",
            "key",
            "rules",
            _default(MembersPolicy, "key"),
            help="help.key",
        ),
        FormField(
            "allocation.members.mode",
            "form.mode",
            "mode",
            "rules",
            _default(MembersPolicy, "mode"),
            help="help.mode",
        ),
        FormField(
            "finance.panel_fee_eur_per_yr",
            "form.panel_fee",
            "float",
            "rules",
            _default(Finance, "panel_fee_eur_per_yr"),
            step=1.0,
            help="help.panel_fee",
        ),
        FormField(
            "finance.sharing_fee_eur_per_kwh",
            "form.sharing_fee",
            "float",
            "rules",
            _default(Finance, "sharing_fee_eur_per_kwh"),
            step=0.01,
            fmt="%.3f",
            help="help.sharing_fee",
        ),
    ]


def raw_value(data: dict[str, Any], f: FormField) -> Any:
    """The field's value in the scenario dict, or its schema default when absent."""
    value = get_path(data, f.path, _MISSING)
    return copy.deepcopy(f.default) if value is _MISSING else value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _label(f: FormField, value: Any) -> Any:
    """What a select widget shows for a raw value (numbers: the number itself)."""
    if f.kind == "order":
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return " -> ".join(value)
        return f"{value!r} (as in the file)"
    if f.kind == "key":
        if isinstance(value, dict):
            for label, preset in KEYS.items():
                if value == preset or (
                    preset["method"] == "equal"
                    and value == {"method": "equal"}
                    and preset["variant"] == "redistribute"
                ):
                    return label
            return f"{value.get('method', '?')} (as in the file)"
        return f"{value!r} (as in the file)"
    return value


def number_format(f: FormField, value: Any) -> str | None:
    """How a number field shows its value: a whole value without decimals (``250`` m2,
    ``20`` euro a year), money with cents when it has them (``72.50``), others with the
    decimals they have (at most three); a field with its own format keeps it."""
    if f.fmt is not None or f.kind != "float":
        return f.fmt
    if not _is_number(value) or float(value).is_integer():
        return "%.0f"
    if f.path.endswith("_eur_per_yr"):
        return "%.2f"
    digits = next((d for d in (1, 2) if round(float(value), d) == float(value)), 3)
    return f"%.{digits}f"


def number_text(f: FormField, value: Any, lang: str) -> str:
    """What a number field shows: :func:`number_format`'s decimals in the language's
    decimal mark (``0,020``, ``72,50``, ``250``), no thousands separator (see
    :func:`dashboards.shared.numbers.shown`)."""
    shown = number_format(f, value)
    digits = int(shown[2:-1]) if shown else 0
    return numbers.shown(value, digits, lang)


def typed_number(f: FormField, text: str, lang: str) -> float | int | None:
    """The number a text typed into a number field stands for; None for an emptied
    optional field (raises :class:`~dashboards.shared.numbers.NumberRefused` for one the
    form does not take, an empty required field too)."""
    if f.optional and not text.strip():
        return None
    return numbers.parse(text, f.path, f.kind == "int", lang)


def widget_value(data: dict[str, Any], f: FormField) -> Any:
    """The value the field's widget shows: a number (None when the file's value is not
    one: the field's error says what was found), or the label of a choice."""
    value = raw_value(data, f)
    if f.kind == "int":
        if _is_number(value) and float(value).is_integer():
            return int(value)
        return None
    if f.kind == "float":
        return float(value) if _is_number(value) else None
    return _label(f, value)


def options(data: dict[str, Any], original: dict[str, Any], f: FormField) -> list[Any]:
    """The choices of a select field: the presets, plus the file's own value and the
    current one when they are not among them (shown, never replaced)."""
    presets: list[Any]
    if f.kind == "year":
        presets = list(YEARS)
    elif f.kind == "order":
        presets = [" -> ".join(o) for o in TIER_ORDERS]
    elif f.kind == "key":
        presets = list(KEYS)
    else:
        presets = list(MODES)
    for source in (original, data):
        label = widget_value(source, f)
        if label is not None and label not in presets:
            presets.append(label)
    if f.kind == "year":
        return sorted(presets, key=lambda v: (0, v, "") if isinstance(v, int) else (1, 0, str(v)))
    return presets


def _raw_for(f: FormField, shown: Any, data: dict[str, Any], original: dict[str, Any]) -> Any:
    """The raw value a widget's choice stands for."""
    if f.kind == "order" and shown in [" -> ".join(o) for o in TIER_ORDERS]:
        return str(shown).split(" -> ")
    if f.kind == "key" and shown in KEYS:
        return dict(KEYS[shown])
    if f.kind in ("order", "key"):  # a value from the file that the presets do not hold
        for source in (data, original):
            if _label(f, raw_value(source, f)) == shown:
                return copy.deepcopy(raw_value(source, f))
    return shown


def _remove(data: dict[str, Any], path: str) -> None:
    """Remove ``path`` and any table left empty by it (in place)."""
    while "." in path:
        parent_path, leaf = path.rsplit(".", 1)
        parent = get_path(data, parent_path)
        if not isinstance(parent, dict):
            return
        parent.pop(leaf, None)
        if parent or parent_path.endswith("]"):
            return
        path = parent_path
    data.pop(path, None)


def commit(
    data: dict[str, Any], original: dict[str, Any], f: FormField, shown: Any
) -> dict[str, Any]:
    """Return the scenario dict with the field set to what its widget shows.

    A field set back to the file's value gets the file's value back exactly (or is
    removed again when the file did not give it), so "edited" means really edited.
    """
    if shown == widget_value(original, f):
        out = copy.deepcopy(data)
        before = get_path(original, f.path, _MISSING)
        if before is _MISSING:
            _remove(out, f.path)
            return out
        return set_path(out, f.path, copy.deepcopy(before))
    if f.optional and shown is None:  # emptied: the schema's "not given"
        out = copy.deepcopy(data)
        _remove(out, f.path)
        return out
    return set_path(data, f.path, _raw_for(f, shown, data, original))


def area_capacity(data: dict[str, Any], f: FormField) -> tuple[float, float] | None:
    """For an array given by roof area: its capacity [kWp] and packing [kWp/m2]."""
    if not f.path.endswith(".area_m2"):
        return None
    area = widget_value(data, f)
    packing = get_path(
        data,
        f.path.replace(".area_m2", ".packing_kwp_per_m2"),
        _default(RoofArray, "packing_kwp_per_m2"),
    )
    if area is None or not _is_number(packing):
        return None
    return area * packing, float(packing)


_PER_DWELLING = ("tenants.annual_kwh", "tenants.archetypes", "tenants.suppliers", "floor_area_m2")
_PER_MEMBER = (
    "members.annual_kwh",
    "members.archetypes",
    "members.suppliers",
    "members.certificates",
)


def locked(data: dict[str, Any], f: FormField) -> str | None:
    """Why the form cannot edit this field for this file (None: it can)."""
    lists = {"buildings[0].dwellings": _PER_DWELLING, "buildings[0].members.count": _PER_MEMBER}
    given = [
        name
        for name in lists.get(f.path, ())
        if isinstance(get_path(data, f"buildings[0].{name}"), list)
    ]
    if given:
        return t("form.locked", fields=", ".join(given))
    return None


def not_in_form(data: dict[str, Any]) -> dict[str, Any]:
    """Everything the file sets that the form does not edit (kept as it is)."""
    out = copy.deepcopy(data)
    for f in form_fields(data):
        _remove(out, f.path)
    return out


def toml_text(data: dict[str, Any]) -> str:
    """TOML of a scenario dict as given (for showing what the form does not edit)."""
    import tomli_w

    try:
        return tomli_w.dumps(data)
    except (TypeError, ValueError):  # an emptied field (None) has no TOML form
        return json.dumps(data, indent=2, default=str)
