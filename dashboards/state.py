"""Dashboard helpers: example scenarios, edits from widgets, cached runs.

Everything here is plumbing between widgets and :mod:`energysim`; the simulation and
every rule stay in the library.
"""

from __future__ import annotations

import copy
import io
import json
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd

from energysim.errors import DataError, ScenarioError
from energysim.scenario import Scenario, scenario_from_dict, scenario_to_toml
from energysim.simulate import participants_table, run, summary, timeseries_table

REPO = Path(__file__).resolve().parents[1]
SCENARIO_DIR = REPO / "scenarios"
EXAMPLE_REGISTER = SCENARIO_DIR / "register_example.csv"
TIER_ORDERS = [
    ["common", "tenants", "members"],
    ["common", "members", "tenants"],
    ["tenants", "common", "members"],
    ["tenants", "members", "common"],
    ["members", "common", "tenants"],
    ["members", "tenants", "common"],
]
KEYS = {
    "proportional": {"method": "proportional"},
    "equal (redistribute)": {"method": "equal", "variant": "redistribute"},
    "equal (export)": {"method": "equal", "variant": "export"},
}


def examples() -> dict[str, Path]:
    """Example scenarios by name."""
    return {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.toml"))}


def load_example(name: str) -> tuple[dict[str, Any], Path]:
    """The example's TOML as a dict, and its folder (relative paths resolve there)."""
    path = examples()[name]
    return tomllib.loads(path.read_text(encoding="utf-8")), path.parent


def parse_upload(data: bytes, name: str) -> dict[str, Any]:
    """Parse an uploaded TOML file; a friendly ScenarioError when it is not TOML."""
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ScenarioError(f"{name}: not a valid TOML scenario file ({exc})") from None


def apply_edits(data: dict[str, Any], edits: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a scenario dict with the dashboard's edits applied.

    Edits address the first building: array capacities and orientations, dwellings,
    participation, members; the allocation keys and tier order; year; fees.
    """
    out = copy.deepcopy(data)
    b = out["buildings"][0]
    for key in ("year", "time_step_min"):
        if key in edits:
            out[key] = edits[key]
    for i, arr in enumerate(b["arrays"]):
        if f"array{i}_kwp" in edits:
            arr.pop("area_m2", None)
            arr.pop("packing_kwp_per_m2", None)
            arr["capacity_kwp"] = edits[f"array{i}_kwp"]
        if f"array{i}_azimuth" in edits:
            arr["surface_azimuth_deg"] = edits[f"array{i}_azimuth"]
        if f"array{i}_tilt" in edits:
            arr["surface_tilt_deg"] = edits[f"array{i}_tilt"]
    if "dwellings" in edits:
        b["dwellings"] = edits["dwellings"]
        tenants = b.setdefault("tenants", {})
        if isinstance(tenants.get("annual_kwh"), list):
            tenants.pop("annual_kwh")
    if "participating" in edits:
        b.setdefault("tenants", {})["participating"] = edits["participating"]
    if "members" in edits:
        members = b.setdefault("members", {})
        members["count"] = edits["members"]
        for key in ("annual_kwh", "certificates", "archetypes", "suppliers"):
            if isinstance(members.get(key), list):
                members.pop(key)
    alloc = out.setdefault("allocation", {})
    if "order" in edits:
        alloc["order"] = edits["order"]
    for tier in ("tenants", "members"):
        if f"{tier}_key" in edits:
            alloc.setdefault(tier, {})["key"] = dict(KEYS[edits[f"{tier}_key"]])
    if "members_mode" in edits:
        alloc.setdefault("members", {})["mode"] = edits["members_mode"]
    fin = out.setdefault("finance", {})
    for key in ("panel_fee_eur_per_yr", "sharing_fee_eur_per_kwh"):
        if key in edits:
            fin[key] = edits[key]
    return out


def validate(data: dict[str, Any], base_dir: Path, source: str) -> Scenario:
    """Validate through the library (the one schema)."""
    return scenario_from_dict(data, base_dir=base_dir, source=source)


def to_toml(scenario: Scenario) -> str:
    """TOML text of a scenario, for download and batch runs."""
    return scenario_to_toml(scenario)


def simulate(scenario_json: str) -> dict[str, Any]:
    """Run a scenario given as JSON (the cache key) and return what the pages show."""
    scenario = Scenario.model_validate_json(scenario_json)
    result = run(scenario)
    ts = timeseries_table(result)
    return {
        "summary": summary(result),
        "participants": participants_table(result),
        "timeseries": ts,
    }


def typical_days(ts: pd.DataFrame) -> pd.DataFrame:
    """Mean kW by time of day and season: generation and each tier's consumption."""
    step_h = (ts.index[1] - ts.index[0]) / pd.Timedelta(hours=1)
    season = ts.index.month.map(
        {
            12: "winter",
            1: "winter",
            2: "winter",
            3: "spring",
            4: "spring",
            5: "spring",
            6: "summer",
            7: "summer",
            8: "summer",
            9: "autumn",
            10: "autumn",
            11: "autumn",
        }
    )
    cols = [
        "generation_kwh",
        "consumption_common_kwh",
        "consumption_tenants_kwh",
        "consumption_members_kwh",
    ]
    frame = ts[cols] / step_h
    frame.columns = [c.replace("_kwh", "_kw") for c in cols]
    frame["season"] = season
    frame["time_of_day_h"] = ts.index.hour + ts.index.minute / 60
    return frame.groupby(["season", "time_of_day_h"]).mean().reset_index()


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


def read_table(data: bytes, name: str) -> pd.DataFrame:
    """A batch summary as CSV, Parquet or Excel; DataError when it cannot be read."""
    suffix = Path(name).suffix.lower()
    try:
        if suffix == ".parquet":
            return pd.read_parquet(io.BytesIO(data))
        if suffix in (".xlsx", ".xls"):
            return pd.read_excel(io.BytesIO(data))
        return pd.read_csv(io.BytesIO(data))
    except Exception as exc:  # any parser error becomes a friendly message
        raise DataError(f"{name}: cannot read this table ({type(exc).__name__}: {exc})") from None


def scenario_key(scenario: Scenario) -> str:
    """JSON of a scenario: the key of the run cache."""
    return json.dumps(scenario.model_dump(mode="json"), sort_keys=True)
