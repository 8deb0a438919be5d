"""The sun at a site: solar position, clear-sky irradiance and the split of GHI into DNI
and DHI, shared by the weather sources, generation and the lighting profile.

The solar position of a regular time axis is computed once per process (a small cache)
and kept in :mod:`energysim.inputs.profile_cache` on disk, so later runs at the site need
no pvlib.

References
----------
Erbs, D. G., Klein, S. A., Duffie, J. A. (1982). Estimation of the diffuse radiation
fraction for hourly, daily and monthly-average global radiation. Solar Energy 28(4).
Ineichen, P., Perez, R. (2002). A new airmass independent formulation for the Linke
turbidity coefficient. Solar Energy 73(3).
Reda, I., Andreas, A. (2004). Solar position algorithm for solar radiation applications.
Solar Energy 76(5).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from energysim.inputs import profile_cache

LINKE_TURBIDITY = 3.5
"""Linke turbidity of the clear-sky model (typical annual value for the Netherlands;
the cloud statistics are derived against the same model, so the choice cancels)."""

_SOLAR_CACHE: dict[tuple[Any, ...], dict[str, NDArray[np.float64]]] = {}
_SOLAR_CACHE_SIZE = 8


def solar_position(
    times: pd.DatetimeIndex, latitude_deg: float, longitude_deg: float, altitude_m: float = 0.0
) -> dict[str, NDArray[np.float64]]:
    """Solar position at ``times`` (pvlib NREL SPA, numpy): zenith, apparent zenith,
    elevation and azimuth [deg].

    Computed once per site and time axis: weather, generation and the lighting profile
    of one run share it (a small cache keyed by the regular axis and the site; the
    arrays returned are read-only). A regular axis is also kept in the persistent
    :mod:`energysim.inputs.profile_cache`, so later runs at the site need no pvlib.
    """
    key: tuple[Any, ...] | None = None
    if len(times) > 2 and (times[2] - times[1]) == (times[1] - times[0]):
        key = (
            times[0].value,
            times[1].value,
            len(times),
            times[-1].value,
            round(latitude_deg, 6),
            round(longitude_deg, 6),
            round(altitude_m, 3),
        )
        if key in _SOLAR_CACHE:
            return _SOLAR_CACHE[key]

    def compute() -> NDArray[np.float64]:
        import pvlib

        pos = pvlib.solarposition.get_solarposition(
            times, latitude_deg, longitude_deg, altitude_m
        )
        names = ("zenith", "apparent_zenith", "apparent_elevation", "azimuth")
        return np.stack([pos[c].to_numpy(dtype=np.float64) for c in names])

    if key is None:
        table = compute()
    else:
        inputs = {
            "first_ns": int(times[0].value),
            "step_ns": int(times[1].value - times[0].value),
            "n_steps": len(times),
            "last_ns": int(times[-1].value),
            "latitude_deg": float(latitude_deg),
            "longitude_deg": float(longitude_deg),
            "altitude_m": float(altitude_m),
        }
        table = profile_cache.cached_array(
            "solar_position",
            inputs,
            (4, len(times)),
            compute,
            files=("inputs/weather/sun.py",),
            libraries=("numpy", "pandas", "pvlib"),
        )
    out = dict(zip(("zenith", "apparent_zenith", "elevation", "azimuth"), table, strict=True))
    for arr in out.values():
        arr.flags.writeable = False
    if key is not None:
        if len(_SOLAR_CACHE) >= _SOLAR_CACHE_SIZE:
            _SOLAR_CACHE.pop(next(iter(_SOLAR_CACHE)))
        _SOLAR_CACHE[key] = out
    return out


def solar_elevation_deg(
    times: pd.DatetimeIndex, latitude_deg: float, longitude_deg: float
) -> NDArray[np.float64]:
    """Apparent solar elevation at ``times`` [deg]."""
    return solar_position(times, latitude_deg, longitude_deg)["elevation"]


def clear_sky_ghi(
    times: pd.DatetimeIndex,
    latitude_deg: float,
    longitude_deg: float,
    altitude_m: float = 0.0,
    *,
    position: dict[str, NDArray[np.float64]] | None = None,
) -> NDArray[np.float64]:
    """Clear-sky global horizontal irradiance (Ineichen-Perez, Linke turbidity 3.5) [W/m2]."""
    import pvlib

    pos = position or solar_position(times, latitude_deg, longitude_deg, altitude_m)
    zen = pos["apparent_zenith"]
    am_rel = pvlib.atmosphere.get_relative_airmass(np.minimum(zen, 90.0))
    am_abs = pvlib.atmosphere.get_absolute_airmass(am_rel, pvlib.atmosphere.alt2pres(altitude_m))
    dni_extra = np.asarray(pvlib.irradiance.get_extra_radiation(times.day_of_year.to_numpy()))
    with np.errstate(all="ignore"):  # night-time airmass; masked below
        cs = pvlib.clearsky.ineichen(
            zen, np.nan_to_num(am_abs, nan=40.0), LINKE_TURBIDITY, altitude_m, dni_extra
        )
    ghi = np.asarray(cs["ghi"], dtype=np.float64)
    return np.where((zen < 90.0) & np.isfinite(ghi), np.maximum(ghi, 0.0), 0.0)


def decompose(
    ghi: NDArray[np.float64], zenith_deg: NDArray[np.float64], day_of_year: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Split GHI into DNI and DHI with the Erbs model [W/m2]; zero where GHI is zero."""
    import pvlib

    out = pvlib.irradiance.erbs(ghi, zenith_deg, day_of_year)
    dni = np.nan_to_num(np.asarray(out["dni"], dtype=np.float64))
    dhi = np.nan_to_num(np.asarray(out["dhi"], dtype=np.float64))
    return np.maximum(dni, 0.0), np.clip(dhi, 0.0, ghi)
