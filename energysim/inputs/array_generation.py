"""Generation per array of a scenario [kWh/interval]: measured columns, else pvlib.

The scenario-facing side of :mod:`energysim.inputs.generation`: reads the weather the scenario
names (:func:`load_weather`) and the measured ``generation_csv`` columns
(:func:`measured_generation_kwh`, each cell checked against the array's capacity), which
:mod:`energysim.inputs.loading` calls in a run's order; :func:`generation_kwh` takes the
measured columns where given and simulates the other arrays per kWp of their plane,
scaled by their capacity. With the embedded weather the per-kWp profile of a plane is
computed once per process and kept in :mod:`energysim.inputs.profile_cache` on disk.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from energysim.config.physics import max_generation_kwh_per_interval
from energysim.config.scenario import Scenario
from energysim.core.series_csv import read_timeseries_csv
from energysim.inputs import generation, profile_cache
from energysim.inputs.timeindex import step_hours
from energysim.inputs.weather.embedded import embedded_weather
from energysim.inputs.weather.readers import (
    read_epw,
    read_knmi_uurgeg,
    read_pvgis_tmy,
    read_weather_csv,
)
from energysim.inputs.weather.to_year import weather_for_year


@lru_cache(maxsize=4)
def _embedded_weather_cached(
    year: int, lat: float, lon: float, tz: str, step_min: int, seed: int, alt: float
) -> pd.DataFrame:
    """The embedded year of a site, generated once per process (many complexes share it)."""
    return embedded_weather(year, lat, lon, tz, step_min, seed=seed, altitude_m=alt)


def _embedded_weather_key(scenario: Scenario) -> tuple[int, float, float, str, int, int, float]:
    """What the embedded weather year depends on: year, site, zone, step, seed, altitude."""
    site = scenario.site
    return (
        scenario.year,
        site.latitude_deg,
        site.longitude_deg,
        site.timezone,
        scenario.time_step_min,
        scenario.weather.seed,
        site.altitude_m,
    )


def load_weather(scenario: Scenario, index: pd.DatetimeIndex) -> pd.DataFrame:
    """Return the weather frame of the scenario on the simulation axis."""
    spec, site = scenario.weather, scenario.site
    if spec.source == "embedded":
        return _embedded_weather_cached(*_embedded_weather_key(scenario))
    assert spec.path is not None
    readers = {
        "epw": lambda p: read_epw(p, scenario.year),
        "pvgis": lambda p: read_pvgis_tmy(p, scenario.year),
        "knmi": read_knmi_uurgeg,
        "csv": read_weather_csv,
    }
    frame = readers[spec.source](spec.path)
    return weather_for_year(
        frame,
        scenario.year,
        scenario.time_step_min,
        site.timezone,
        site.latitude_deg,
        site.longitude_deg,
    )


def generation_kwh(
    scenario: Scenario,
    index: pd.DatetimeIndex,
    measured: pd.DataFrame,
    weather_file: pd.DataFrame | None,
) -> pd.DataFrame:
    """AC generation per array [kWh/interval]: measured columns where given, else pvlib.

    ``measured`` is :func:`measured_generation_kwh`'s frame, ``weather_file`` the
    scenario's weather file on the simulation axis (:func:`load_weather`; None with the
    embedded weather, or when every array is measured). Modelled arrays are simulated
    per kWp and scaled by their capacity (PVWatts is linear in the capacity: the
    inverter's rating scales with it too). With the embedded weather, the per-kWp
    profile of an orientation is computed once per process and shared by every array
    and complex with the same site, year and plane.
    """
    arrays = [a for b in scenario.buildings for a in b.arrays]
    ids = [a.id for a in arrays]
    out = np.empty((len(index), len(arrays)))
    site, spec = scenario.site, scenario.weather
    for j, a in enumerate(arrays):
        if a.id in measured.columns:
            out[:, j] = measured[a.id].to_numpy(dtype=np.float64)
            continue
        figures = {
            "surface_tilt_deg": a.surface_tilt_deg,
            "surface_azimuth_deg": a.surface_azimuth_deg,
            "dc_ac_ratio": a.dc_ac_ratio,
            "mounting": a.mounting,
            "losses_frac": a.total_losses_frac,
            "degradation_frac_per_yr": a.degradation_frac_per_yr,
        }
        shape = tuple(figures[c] for c in _PLANE_SHAPE) + (
            tuple(float(h) for h in a.horizon_deg) if a.horizon_deg is not None else None,
        )
        if spec.source == "embedded":
            per_kwp = _embedded_per_kwp_kwh(_embedded_weather_key(scenario), shape, len(index))
        else:
            assert weather_file is not None, "a modelled array reads the weather file"
            per_kwp = generation.simulate_generation_kwh(
                weather_file,
                site.latitude_deg,
                site.longitude_deg,
                site.altitude_m,
                _unit_plane(shape),
            ).to_numpy()[:, 0]
        out[:, j] = per_kwp * a.dc_capacity_kwp
    return pd.DataFrame(out, index=index, columns=pd.Index(ids, name="id"), copy=False)


def measured_generation_kwh(scenario: Scenario, index: pd.DatetimeIndex) -> pd.DataFrame:
    """The scenario's measured generation per array id [kWh/interval] (empty without one).

    Each cell is at most what its array can produce in an interval
    (:func:`energysim.config.physics.max_generation_kwh_per_interval`).
    """
    if scenario.generation_csv is None:
        return pd.DataFrame(index=index)
    arrays = [a for b in scenario.buildings for a in b.arrays]
    step_h = step_hours(index)
    bounds = {a.id: max_generation_kwh_per_interval(a.dc_capacity_kwp, step_h) for a in arrays}
    return read_timeseries_csv(
        scenario.generation_csv,
        expected_index=index,
        allowed_columns=[a.id for a in arrays],
        max_values=bounds,
    )


def needs_weather(scenario: Scenario, measured: pd.DataFrame) -> bool:
    """Whether a weather file must be read: a modelled array and a weather file."""
    modelled = any(a.id not in measured.columns for b in scenario.buildings for a in b.arrays)
    return modelled and scenario.weather.source != "embedded"


_PLANE_SHAPE = tuple(c for c in generation.REQUIRED_PLANE_COLUMNS if c != "capacity_kwp")
"""A plane's figures other than its capacity (:func:`generation.simulate_generation_kwh`'s
columns); with the horizon they key the per-kWp cache."""


@lru_cache(maxsize=64)
def _embedded_per_kwp_kwh(
    weather_key: tuple[Any, ...], shape: tuple[Any, ...], n_steps: int
) -> np.ndarray:
    """Generation of 1 kWp of a plane in the embedded weather [kWh/interval], read-only.

    Kept in memory for the process and on disk in :mod:`energysim.inputs.profile_cache`,
    keyed by the weather's inputs, the plane's figures and the code that computes it.
    """
    year, lat, lon, tz, step_min, seed, alt = weather_key

    def compute() -> np.ndarray:
        wx = _embedded_weather_cached(year, lat, lon, tz, step_min, seed, alt)
        out = generation.simulate_generation_kwh(wx, lat, lon, alt, _unit_plane(shape))
        return out.to_numpy()[:, 0].copy()

    inputs = {
        "weather": dict(zip(_WEATHER_KEY_NAMES, weather_key, strict=True)),
        "plane": dict(zip((*_PLANE_SHAPE, "horizon_deg"), shape, strict=True)),
    }
    return profile_cache.cached_array(
        "per_kwp_generation",
        inputs,
        (n_steps,),
        compute,
        # this module shapes the unit plane and the weather it is computed on
        files=(*generation.PROFILE_SOURCES, "inputs/array_generation.py"),
        libraries=generation.PROFILE_LIBRARIES,
    )


_WEATHER_KEY_NAMES = (
    "year",
    "latitude_deg",
    "longitude_deg",
    "timezone",
    "step_min",
    "seed",
    "altitude_m",
)
"""The fields of :func:`_embedded_weather_key`, in order."""


def _unit_plane(shape: tuple[Any, ...]) -> pd.DataFrame:
    row = dict(zip(_PLANE_SHAPE, shape[:-1], strict=True))
    row["capacity_kwp"] = 1.0
    row["horizon_deg"] = list(shape[-1]) if shape[-1] is not None else None
    return pd.DataFrame([row], index=pd.Index(["plane"]))
