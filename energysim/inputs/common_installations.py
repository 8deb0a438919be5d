"""Consumption profiles of a building's common installations.

Lift (traffic following the residents' presence, plus standby), gallery and stairwell
lighting (burning while the sun is down at the site, with optional presence dimming at
night), central ventilation (continuous, optional night setback), pumps and other
(flat). Each sums exactly to its annual kWh. The residents' presence is the NEDU E1A
standard profile's average day (:func:`energysim.inputs.demand.e1a_calibration`).

References
----------
NEDU, Verbruiksprofielen (E1A: households <= 3x25A, single tariff), 2018.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from energysim.inputs.demand import _index_parts, e1a_calibration

FloatArray = NDArray[np.float64]


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
    """Profiles of the common installations [kWh per interval], each summing to its kWh.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval starts (tz-aware, local).
    latitude_deg, longitude_deg : float
        Site: the lighting burns while the sun is down there.
    annual_kwh : mapping
        Keys among ``lift``, ``lighting``, ``ventilation``, ``pumps``, ``other`` [kWh].
    dwellings : int
        Dwellings served (more dwellings smooth the lift's traffic).
    seed : int
        Seed of the lift's trip noise.
    lighting_presence_dimming_frac : float
        Lighting dimmed by this share between 00:00 and 06:00 (presence detection) [-].
    ventilation_night_setback_frac : float
        Ventilation reduced by this share between 23:00 and 07:00 [-].

    Notes
    -----
    Lift: 35% standby (*estimate*; standby is 30-50% of a lift's use in residential
    buildings), the rest following the E1A activity of the residents, with noise that
    shrinks with the number of dwellings. Lighting: on while the sun's elevation at the
    middle of the interval is below 0 deg (a light sensor switches around sunset).
    """
    profiles = _common_profile_arrays(
        index,
        latitude_deg,
        longitude_deg,
        annual_kwh,
        dwellings=dwellings,
        seed=seed,
        lighting_presence_dimming_frac=lighting_presence_dimming_frac,
        ventilation_night_setback_frac=ventilation_night_setback_frac,
    )
    return pd.DataFrame(profiles, index=pd.DatetimeIndex(index))


def common_connection_kwh(
    index: pd.DatetimeIndex,
    latitude_deg: float,
    longitude_deg: float,
    annual_kwh: Mapping[str, float],
    *,
    dwellings: int,
    seed: int = 0,
    lighting_presence_dimming_frac: float = 0.0,
    ventilation_night_setback_frac: float = 0.0,
) -> FloatArray:
    """The common installations' profiles summed per interval [kWh per interval].

    Takes :func:`common_profiles_kwh`'s arguments and returns
    ``common_profiles_kwh(...).to_numpy().sum(axis=1)`` to the bit, without the frame:
    the profiles are stacked kind after kind (the frame's own block, whose transpose
    ``to_numpy`` gives) and summed over the kinds in the mapping's order.

    Returns
    -------
    numpy.ndarray
        ``(n_steps,)`` [kWh per interval].
    """
    profiles = _common_profile_arrays(
        index,
        latitude_deg,
        longitude_deg,
        annual_kwh,
        dwellings=dwellings,
        seed=seed,
        lighting_presence_dimming_frac=lighting_presence_dimming_frac,
        ventilation_night_setback_frac=ventilation_night_setback_frac,
    )
    stacked = np.empty((len(profiles), len(index)))
    for row, values in zip(stacked, profiles.values(), strict=True):
        row[:] = values
    return stacked.T.sum(axis=1)


def _common_profile_arrays(
    index: pd.DatetimeIndex,
    latitude_deg: float,
    longitude_deg: float,
    annual_kwh: Mapping[str, float],
    *,
    dwellings: int,
    seed: int,
    lighting_presence_dimming_frac: float,
    ventilation_night_setback_frac: float,
) -> dict[str, FloatArray]:
    """:func:`common_profiles_kwh`'s profiles by kind, in the mapping's order (the kinds
    without randomness read-only, kept per process by :func:`_fixed_common_kwh`)."""
    known = {"lift", "lighting", "ventilation", "pumps", "other"}
    unknown = sorted(set(annual_kwh) - known)
    if unknown:
        raise ValueError(
            f"common installation: expected one of {sorted(known)}, found {unknown[0]!r}"
        )
    index = pd.DatetimeIndex(index)
    calendar = (index[0], index[-1], len(index), str(index.tz))
    out = {}
    for kind, kwh in annual_kwh.items():
        if kind == "lift":  # trip noise: this building's seed and dwellings
            fixed = _common_shapes(*calendar, latitude_deg, longitude_deg)
            rng = np.random.default_rng(seed)
            trips = fixed["activity"] * rng.gamma(
                max(dwellings, 1), 1.0 / max(dwellings, 1), size=len(index)
            )
            out[kind] = _scaled_to(0.35 + 0.65 * trips, float(kwh))
        else:
            frac = (
                lighting_presence_dimming_frac
                if kind == "lighting"
                else ventilation_night_setback_frac
                if kind == "ventilation"
                else 0.0
            )
            out[kind] = _fixed_common_kwh(
                *calendar, latitude_deg, longitude_deg, kind, float(kwh), float(frac)
            )
    return out


def _scaled_to(shape: FloatArray, kwh: float) -> FloatArray:
    """``shape`` scaled to sum to ``kwh`` [kWh] (zeros for a shape without any use)."""
    total = shape.sum()
    return shape * (kwh / total) if total > 0 else np.zeros(len(shape))


@lru_cache(maxsize=32)
def _fixed_common_kwh(
    first: pd.Timestamp,
    last: pd.Timestamp,
    n_steps: int,
    tz: str,
    latitude_deg: float,
    longitude_deg: float,
    kind: str,
    kwh: float,
    frac: float,
) -> FloatArray:
    """The profile of a common installation without randomness (``lighting``,
    ``ventilation``, ``pumps``, ``other``) [kWh per interval] (read-only).

    Kept per process, keyed on everything it depends on: the time axis (first and last
    interval start, their number, the time zone), the site, the kind, its annual kWh and
    its fraction (``lighting``: the presence dimming, ``ventilation``: the night
    setback; 0 for the others). A batch's complexes share a few (one per year, kind and
    annual kWh); 32 of 35,040 values take 9 MB.
    """
    fixed = _common_shapes(first, last, n_steps, tz, latitude_deg, longitude_deg)
    hour = fixed["hour"]
    if kind == "lighting":
        shape = fixed["dark"].copy()
        if frac:
            shape *= np.where(hour < 6.0, 1.0 - frac, 1.0)
    elif kind == "ventilation":
        night = (hour >= 23.0) | (hour < 7.0)
        shape = np.where(night, 1.0 - frac, 1.0)
    else:
        shape = np.ones(n_steps)
    out = _scaled_to(shape, kwh)
    out.flags.writeable = False  # shared by every caller of the cache
    return out


@lru_cache(maxsize=8)
def _common_shapes(
    first: pd.Timestamp,
    last: pd.Timestamp,
    n_steps: int,
    tz: str,
    latitude_deg: float,
    longitude_deg: float,
) -> dict[str, FloatArray]:
    """What the common installations' profiles share at a site and time axis (cached, a
    batch has one per year): the local hour of each interval, 1 where the sun is down at
    the interval's middle, and the residents' E1A activity (mean 1) the lift follows."""
    from energysim.inputs.weather.sun import solar_elevation_deg

    index = pd.date_range(first, last, periods=n_steps)
    assert str(index.tz) == tz
    step = index[1] - index[0]
    parts = _index_parts(index)
    elevation = solar_elevation_deg(index + step / 2, latitude_deg, longitude_deg)
    shape = np.asarray(e1a_calibration()["day_shape_by_month_and_day_type"])
    activity = shape[
        parts["day_month"][parts["day"]], parts["day_kind"][parts["day"]], parts["slot"]
    ]
    out = {
        "hour": parts["slot"] / 4.0,
        "dark": (elevation < 0.0).astype(np.float64),
        "activity": activity / activity.mean(),
    }
    for values in out.values():
        values.flags.writeable = False  # shared by every caller of the cache
    return out
