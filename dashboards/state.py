"""Dashboard state without streamlit: the scenario dict, the form's fields, the checks.

The scenario being explored is ONE dict, the parsed TOML of an example or an upload,
changed only by the form. Every widget shows one field of it and writes back to it;
every page runs the :class:`~energysim.config.scenario.Scenario` validated from it. Fields the
form does not edit stay as the file has them. Everything here is plain Python, testable
without a browser; the rules stay in :mod:`energysim`.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from i18n import t
from upload_files import refuse_server_files

from energysim.batch.sweep import get_path, set_path
from energysim.config.allocation_policy import Allocation, MembersPolicy, TierPolicy
from energysim.config.buildings import Members
from energysim.config.economics import Finance
from energysim.config.plausibility import plausibility_warnings
from energysim.config.scenario import (
    Scenario,
    scenario_errors,
    scenario_from_dict,
    scenario_to_toml,
)
from energysim.config.site import RoofArray
from energysim.core.errors import EnergysimError, ScenarioError
from energysim.inputs.preflight import resolve
from energysim.results.tables import participants_table, summary, timeseries_table
from energysim.results.warnings import result_warnings
from energysim.simulate import run

REPO = Path(__file__).resolve().parents[1]
SCENARIO_DIR = REPO / "scenarios"
EXAMPLE_REGISTER = SCENARIO_DIR / "register_example.csv"
DEFAULT_EXAMPLE = "rotterdam-galerijflat"
RESULTS_DIR_ENV = "ENERGYSIM_RESULTS_DIR"
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
}
KEY_IDS = {
    "proportional": "proportional",
    "equal (redistribute)": "equal_redistribute",
    "equal (export)": "equal_export",
}
"""Key preset -> its name in the catalogue (``key.<id>``)."""
MODES = ["sharing", "sce", "postcoderoos"]
_MISSING = object()


# --------------------------------------------------------------------------- sources
@dataclass(frozen=True)
class Source:
    """Where the scenario came from: its file name, example or upload, and the folder
    its relative paths resolve against."""

    name: str
    kind: Literal["example", "upload"]
    base_dir: Path


def examples() -> dict[str, Path]:
    """Example scenarios by name."""
    return {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.toml"))}


def load_example(name: str) -> tuple[dict[str, Any], Source]:
    """The example's TOML as a dict, and where it came from."""
    path = examples()[name]
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return data, Source(path.name, "example", path.parent)


def parse_upload(data: bytes, name: str) -> tuple[dict[str, Any], Source]:
    """Parse an uploaded TOML file; a one-line ScenarioError when it is not TOML.

    Relative paths in an upload resolve against the examples folder, so a copy of an
    example with measured data still finds its CSV files; a path to any other file on
    the server is refused (:mod:`upload_files`).
    """
    try:
        parsed = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ScenarioError(f"{name}: not a text file in UTF-8; expected a TOML scenario") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{name}: not valid TOML ({exc})") from None
    refuse_server_files(parsed, name, SCENARIO_DIR)
    return parsed, Source(name, "upload", SCENARIO_DIR)


def results_dir(argv: Sequence[str], environ: Mapping[str, str]) -> Path | None:
    """The one folder the Portfolio page may read: ``--results-dir DIR`` after the
    script's ``--``, else the environment variable ``ENERGYSIM_RESULTS_DIR``."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--results-dir")
    args, _ = parser.parse_known_args(list(argv))
    value = args.results_dir or environ.get(RESULTS_DIR_ENV)
    return Path(value).expanduser() if value else None


# --------------------------------------------------------------------------- the form
Kind = Literal["int", "float", "year", "order", "key", "mode"]


@dataclass(frozen=True)
class FormField:
    """One field of the scenario that the form edits.

    ``path`` is the field's place in the scenario, as the library's messages name it
    (``buildings[0].dwellings``); ``label`` and ``help`` are keys of the dashboard's
    catalogue (``form.dwellings``; ``name`` fills in a roof array's id); ``default`` is
    the schema's default when the file does not give the field (``None``: required).
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


# --------------------------------------------------------------------------- checks
@dataclass
class Check:
    """The scenario validated from the dict, or everything wrong with it."""

    scenario: Scenario | None
    errors: list[str] = field(default_factory=list)
    at_field: dict[str, str] = field(default_factory=dict)
    """Form field path -> what is wrong with it (without file and field name)."""

    @property
    def ok(self) -> bool:
        return self.scenario is not None and not self.errors


_FIELD_PREFIX = re.compile(r"^.*?field '([^']+)': (?:([A-Za-z_][\w.\[\]]*): )?")


def error_field(message: str, paths: list[str]) -> str | None:
    """The form field a library message is about, if the form shows it.

    The library names fields as ``field 'buildings[0].dwellings': ...``; a building's
    own checks name the inner field first (``field 'buildings[0]': tenants.participating:
    ...``); a year without tariffs is about the year.
    """
    match = _FIELD_PREFIX.search(message)
    if match is None:
        return "year" if "tariffs: no default figures" in message and "year" in paths else None
    loc, inner = match.group(1), match.group(2)
    candidates = ([f"{loc}.{inner}"] if inner else []) + [loc]
    for candidate in candidates:
        for path in paths:
            if candidate == path or candidate.startswith((path + ".", path + "[")):
                return path
    return None


def field_message(message: str) -> str:
    """What a field itself needs to say of a library message: no file, no field name."""
    if _FIELD_PREFIX.search(message):
        return _FIELD_PREFIX.sub("", message, count=1)
    return re.sub(r"^\S+\.toml: ", "", message)


def named(message: str, source: Source) -> str:
    """A library message that names the scenario file (prefixed when it does not)."""
    return message if message.startswith(f"{source.name}:") else f"{source.name}: {message}"


def check(data: dict[str, Any], source: Source) -> Check:
    """Validate the dict through the library: every schema problem, then the year's
    tariffs; each problem also at the form field it is about."""
    paths = [f.path for f in form_fields(data)]
    try:
        scenario = scenario_from_dict(data, base_dir=source.base_dir, source=source.name)
        resolve(scenario)
    except ScenarioError as exc:
        errors = scenario_errors(data, base_dir=source.base_dir, source=source.name)
        errors = errors or [named(str(exc), source)]
    except EnergysimError as exc:
        errors = [named(str(exc), source)]
    else:
        return Check(scenario)
    at_field: dict[str, str] = {}
    for error in errors:
        path = error_field(error, paths)
        if path is not None:
            at_field.setdefault(path, field_message(error))
    return Check(None, errors, at_field)


# --------------------------------------------------------------------------- runs
def to_toml(scenario: Scenario) -> str:
    """TOML text of a scenario, for download and batch runs."""
    return scenario_to_toml(scenario)


def scenario_key(scenario: Scenario) -> str:
    """JSON of a scenario: the key of the run cache."""
    return json.dumps(scenario.model_dump(mode="json"), sort_keys=True)


def simulate(scenario_json: str) -> dict[str, Any]:
    """Run a scenario given as JSON (the cache key) and return what the pages show.

    ``warnings``: the library's plausibility warnings on the scenario and its results
    (kWp per dwelling, a household gaining more than its whole bill, ...); ``notes``:
    the run's other messages (estimated figures, households left out, ...).
    """
    scenario = Scenario.model_validate_json(scenario_json)
    result = run(scenario)
    s = summary(result)
    warnings = list(dict.fromkeys(plausibility_warnings(scenario) + result_warnings(result)))
    return {
        "summary": s,
        "warnings": warnings,
        "notes": [m for m in s["messages"] if m not in warnings],
        "participants": participants_table(result),
        "timeseries": timeseries_table(result),
    }


SEASONS = ("winter", "spring", "summer", "autumn")
"""Seasons in calendar order (the year starts in winter)."""
_SEASON = {1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring", 6: "summer"}
_SEASON |= {7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn", 12: "winter"}
ROLES = ("common", "tenants", "members")
"""The tiers of the summary's ``allocated_kwh``, in the engine's default order."""


def energy_flows(s: Mapping[str, Any], participants: pd.DataFrame) -> pd.DataFrame:
    """Where the year's generation went, as flows between places [kWh/yr].

    From the run's summary and participants table (nothing recomputed): the roof
    (``generation_kwh``) feeds the tenants' own strings (their ``own_string_kwh`` and
    ``own_export_kwh``), the common installations, the tenants and the members (the
    shared part of ``allocated_kwh``), the grid (``export_kwh``, less what own strings
    exported) and, with batteries, their losses (``storage.loss_kwh``). The flows out of
    the roof add up to the generation (energy balance, checked by the tests).

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``target`` (``roof``, ``own_strings``, ``common``,
        ``tenants``, ``members``, ``grid``, ``battery_losses``) and ``energy_kwh``;
        flows of zero are left out.
    """
    own_used = float(participants["own_string_kwh"].sum())
    own_export = float(participants["own_export_kwh"].sum())
    own_common = float(participants.loc[participants["role"] == "common", "own_string_kwh"].sum())
    rows = [
        ("roof", "own_strings", own_used + own_export),
        ("own_strings", "tenants", own_used - own_common),
        ("own_strings", "common", own_common),
        ("own_strings", "grid", own_export),
        ("roof", "common", s["allocated_kwh"]["common"] - own_common),
        ("roof", "tenants", s["allocated_kwh"]["tenants"] - (own_used - own_common)),
        ("roof", "members", s["allocated_kwh"]["members"]),
        ("roof", "grid", s["export_kwh"] - own_export),
        ("roof", "battery_losses", (s.get("storage") or {}).get("loss_kwh", 0.0)),
    ]
    out = pd.DataFrame(rows, columns=["source", "target", "energy_kwh"])
    return out[out["energy_kwh"] > 1e-6].reset_index(drop=True)


def typical_days(ts: pd.DataFrame) -> pd.DataFrame:
    """Mean kW by time of day and season: generation and each tier's consumption."""
    step_h = (ts.index[1] - ts.index[0]) / pd.Timedelta(hours=1)
    cols = [
        "generation_kwh",
        "consumption_common_kwh",
        "consumption_tenants_kwh",
        "consumption_members_kwh",
    ]
    frame = ts[cols] / step_h
    frame.columns = [c.replace("_kwh", "_kw") for c in cols]
    # the season of each interval by its month's code (a lookup, not a map of 35,040 labels)
    codes = np.array([SEASONS.index(_SEASON[m]) for m in range(1, 13)], dtype=np.int8)
    frame["season"] = pd.Categorical.from_codes(
        codes[ts.index.month.to_numpy() - 1], categories=list(SEASONS), ordered=True
    )
    frame["time_of_day_h"] = ts.index.hour + ts.index.minute / 60
    return frame.groupby(["season", "time_of_day_h"], observed=True).mean().reset_index()


def monthly(ts: pd.DataFrame) -> pd.DataFrame:
    """Monthly kWh: generation, allocation per role, export."""
    cols = [
        "generation_kwh",
        "allocated_common_kwh",
        "allocated_tenants_kwh",
        "allocated_members_kwh",
        "export_kwh",
    ]
    out = ts[cols].groupby(ts.index.month).sum()
    out.index.name = "month"
    return out
