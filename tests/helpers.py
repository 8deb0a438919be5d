"""Small builders shared by tests: minimal scenarios and measured CSV files."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomli_w

from energysim.inputs.timeindex import year_index

MINIMAL: dict[str, Any] = {
    "name": "mini",
    "year": 2026,
    "time_step_min": 60,
    "site": {"latitude_deg": 51.9, "longitude_deg": 4.5},
    "buildings": [
        {
            "id": "B1",
            "postcode": "3011",
            "dwellings": 3,
            "arrays": [{"id": "roof", "capacity_kwp": 5.0, "surface_azimuth_deg": 180}],
            "common": {"lighting_kwh_per_yr": 300.0},
            "tenants": {"participating": 2, "annual_kwh": [1500.0, 2500.0, 2000.0]},
            "members": {"count": 2, "annual_kwh": [1800.0, 2200.0]},
        }
    ],
}


def minimal(**changes: Any) -> dict[str, Any]:
    """Return a deep copy of the minimal scenario dict with top-level changes applied."""
    data = copy.deepcopy(MINIMAL)
    data.update(changes)
    return data


def write_scenario(folder: Path, data: dict[str, Any], name: str = "scenario.toml") -> Path:
    """Write a scenario dict as TOML and return its path."""
    path = folder / name
    path.write_bytes(tomli_w.dumps(data).encode())
    return path


def write_measured_csv(path: Path, frame: pd.DataFrame) -> Path:
    """Write a measured series in the documented format (ISO-8601 with offset)."""
    out = frame.copy()
    out.index = [ts.isoformat() for ts in frame.index]
    out.index.name = "time"
    out.to_csv(path)
    return path


def year_frame(year: int, step_min: int, columns: dict[str, float]) -> pd.DataFrame:
    """A frame over the simulation year with a constant value per column."""
    index = year_index(year, step_min, "Europe/Amsterdam")
    return pd.DataFrame({k: np.full(len(index), v) for k, v in columns.items()}, index=index)


def results_figures(s: dict[str, Any], lang: str = "nl") -> dict[str, str]:
    """The dashboard's Results page headline metrics for a run summary, as displayed in
    a language (the dashboard's catalogue gives the labels)."""
    from dashboards.shared import formatting as fmt
    from dashboards.shared import i18n

    def label(key: str) -> str:
        return i18n.text(lang, f"results.{key}")

    return {
        label("generation"): fmt.number(s["generation_kwh"], lang=lang),
        label("self_consumption"): fmt.percent(s["self_consumption_frac"], lang=lang),
        label("self_sufficiency"): fmt.percent(s["self_sufficiency_frac"], lang=lang),
        label("local_ownership"): fmt.percent(s["local_ownership_frac"], lang=lang),
        label("benefit_total"): fmt.eur(s["household_benefit_total_eur"], lang=lang),
    }


def storage_figures(s: dict[str, Any], lang: str = "nl") -> dict[str, str]:
    """The Results page's storage and electrification metrics for a run summary, as
    displayed in a language (none when the run has no batteries, heat pumps or EVs)."""
    from dashboards.shared import formatting as fmt
    from dashboards.shared import i18n

    def label(key: str) -> str:
        return i18n.text(lang, f"storage.results.{key}")

    out: dict[str, str] = {}
    storage, electric = s.get("storage"), s.get("electrification")
    if storage:
        gain = storage["self_consumption_gain_frac"]
        out[label("self_consumption")] = fmt.percent(
            storage["self_consumption_frac_without_batteries"] + gain, lang=lang
        )
        out[label("delivered")] = fmt.kwh(storage["delivered_kwh"], lang=lang)
        out[label("lost")] = fmt.kwh(storage["loss_kwh"], lang=lang)
        out[label("benefit")] = fmt.eur(sum(storage["battery_benefit_eur"].values()), lang=lang)
    if electric and electric.get("heat_pump_dwellings"):
        out[label("heat_pump_kwh")] = fmt.kwh(electric["heat_pump_kwh"], lang=lang)
        out[label("cop")] = fmt.number(electric["seasonal_cop"], 2, lang=lang)
    if electric and electric.get("ev_vehicles"):
        out[label("ev_kwh")] = fmt.kwh(electric["ev_kwh"], lang=lang)
        out[label("ev_unserved")] = fmt.kwh(electric["ev_unserved_kwh"], lang=lang)
    return out
