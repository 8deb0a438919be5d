"""Household and common-installation profiles (first version)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pvlib

ARCHETYPES: tuple[str, ...] = ("retired_single", "working_single", "working_couple", "family")


def draw_archetypes(n: int, seed: int) -> list[str]:
    """A default mix of archetypes for Dutch social housing."""
    rng = np.random.default_rng(seed)
    return list(rng.choice(ARCHETYPES, size=n, p=[0.3, 0.3, 0.2, 0.2]))


def household_profiles_kwh(
    index: pd.DatetimeIndex, annual_kwh: np.ndarray, archetypes: Sequence[str], seed: int
) -> np.ndarray:
    """Profiles (n_steps, n_households), each column summing to its annual kWh."""
    rng = np.random.default_rng(seed)
    n = len(annual_kwh)
    hour = index.hour.to_numpy() + index.minute.to_numpy() / 60.0
    base = 0.3 + np.exp(-((hour - 7.5) ** 2) / 2) * 0.6 + np.exp(-((hour - 19.0) ** 2) / 4) * 1.2
    season = 1 + 0.25 * np.cos(2 * np.pi * (index.day_of_year.to_numpy() - 15) / 365)
    shift = rng.normal(0, 1.0, size=n)
    prof = np.empty((len(index), n))
    for p in range(n):
        h = (hour - shift[p]) % 24
        shape = 0.3 + np.exp(-((h - 7.5) ** 2) / 2) * 0.6 + np.exp(-((h - 19.0) ** 2) / 4) * 1.2
        noise = rng.gamma(2.0, 0.5, size=len(index))
        prof[:, p] = shape * season * noise
    del base
    prof *= (np.asarray(annual_kwh, dtype=float) / prof.sum(axis=0))[None, :]
    return prof


def common_profiles_kwh(
    index: pd.DatetimeIndex,
    latitude_deg: float,
    longitude_deg: float,
    annual_kwh: Mapping[str, float],
    *,
    dwellings: int,
    seed: int = 0,
    lighting_presence_dimming_frac: float = 0.0,
    ventilation_night_setback_frac: float = 0.0,
) -> pd.DataFrame:
    """Common installations, each column summing to its annual kWh."""
    step = index[1] - index[0]
    mid = index + step / 2
    elev = pvlib.solarposition.get_solarposition(mid, latitude_deg, longitude_deg)[
        "elevation"
    ].to_numpy()
    hour = index.hour.to_numpy() + index.minute.to_numpy() / 60.0
    shapes = {
        "lighting": (elev < -3).astype(float),
        "lift": 0.2 + np.exp(-((hour - 8) ** 2) / 3) + np.exp(-((hour - 18) ** 2) / 4),
        "ventilation": np.ones(len(index)),
        "pumps": np.ones(len(index)),
        "other": np.ones(len(index)),
    }
    out = {}
    for kind, kwh in annual_kwh.items():
        s = shapes[kind]
        out[kind] = s * (kwh / s.sum())
    return pd.DataFrame(out, index=index)
