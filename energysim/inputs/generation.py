"""PV generation per roof plane: pvlib PVWatts, every plane of a site in one pass.

Weather + a table of roof planes -> AC energy per interval and plane [kWh]. The solar
position is computed once per site; transposition, cell temperature, DC power and the
inverter are broadcast over ``(time, plane)`` with numpy, in blocks of planes to bound
memory.

References
----------
Dobos, A. P. (2014). PVWatts Version 5 Manual. NREL/TP-6A20-62641 (DC model, losses,
inverter). King, D. L. et al. (2004). Photovoltaic Array Performance Model. SAND2004-3535
(SAPM cell temperature). Hay, J. E., Davies, J. A. (1980). Calculations of the solar
radiation incident on an inclined surface (sky diffuse).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from energysim.inputs.weather.sun import solar_position

# pvlib (and the scipy modules it pulls in) is imported inside the functions that use it:
# a run whose profiles all come from energysim.inputs.profile_cache never needs it.

GAMMA_PDC_PER_K = -0.0037
"""PVWatts temperature coefficient of power for standard modules [1/K]."""
INVERTER_EFFICIENCY = 0.96
"""PVWatts nominal inverter efficiency [-]."""
ALBEDO = 0.2
MOUNTING_SAPM: dict[str, dict[str, float]] = {
    # pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][...] (King et al. 2004,
    # table 1); written out so that importing this module does not import pvlib (a test
    # checks they equal pvlib's)
    # ballasted frames on a flat roof: air flows under the modules (open_rack_glass_polymer)
    "open_rack": {"a": -3.56, "b": -0.075, "deltaT": 3.0},
    # modules close to the roof surface: hotter (close_mount_glass_glass)
    "close_mount": {"a": -2.98, "b": -0.0471, "deltaT": 1.0},
}
PLANES_PER_BLOCK = 128
PROFILE_SOURCES = (
    "inputs/generation.py",
    "inputs/weather/embedded.py",
    "inputs/weather/sun.py",
    "inputs/timeindex.py",
    "data/knmi_weather_stats.json",
)
"""Package files whose content determines a per-kWp profile in the embedded weather
(part of its key in :mod:`energysim.inputs.profile_cache`)."""
PROFILE_LIBRARIES = ("numpy", "pandas", "scipy", "pvlib")
"""Libraries whose version determines it."""

REQUIRED_PLANE_COLUMNS = (
    "capacity_kwp",
    "surface_tilt_deg",
    "surface_azimuth_deg",
    "dc_ac_ratio",
    "mounting",
    "losses_frac",
    "degradation_frac_per_yr",
)


def combine_losses_frac(
    soiling_frac: float = 0.02,
    shading_frac: float = 0.03,
    snow_frac: float = 0.0,
    mismatch_frac: float = 0.02,
    wiring_frac: float = 0.02,
    connections_frac: float = 0.005,
    lid_frac: float = 0.015,
    nameplate_frac: float = 0.01,
    age_frac: float = 0.0,
    availability_frac: float = 0.03,
) -> float:
    """Combine a PVWatts loss breakdown into one system loss [-].

    Notes
    -----
    ``1 - prod_i (1 - l_i)`` (PVWatts v5 manual, eq. 3.1); the defaults give 14.08%.
    """
    parts = [
        soiling_frac,
        shading_frac,
        snow_frac,
        mismatch_frac,
        wiring_frac,
        connections_frac,
        lid_frac,
        nameplate_frac,
        age_frac,
        availability_frac,
    ]
    import pvlib

    return float(pvlib.pvsystem.pvwatts_losses(*[100 * p for p in parts]) / 100)


def horizon_blocks_beam(
    solar_azimuth_deg: NDArray[np.float64],
    solar_elevation_deg: NDArray[np.float64],
    horizon_deg: Sequence[float],
) -> NDArray[np.bool_]:
    """True where the sun is below a horizon profile (far shading of the beam).

    ``horizon_deg`` holds elevations at equally spaced azimuths from north, clockwise.
    """
    h = np.asarray(horizon_deg, dtype=np.float64)
    az = np.linspace(0.0, 360.0, len(h), endpoint=False)
    level = np.interp(solar_azimuth_deg % 360.0, np.r_[az, 360.0], np.r_[h, h[0]])
    return solar_elevation_deg < level


def _has_horizon(horizon: Any) -> bool:
    return horizon is not None and not (isinstance(horizon, float) and np.isnan(horizon))


def _orientations(planes: pd.DataFrame) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Each plane's orientation number (tilt, azimuth, mounting, horizon alike), in order
    of first appearance, and the first plane of each orientation."""
    horizons = planes["horizon_deg"] if "horizon_deg" in planes.columns else None
    keys = []
    for j, (tilt, azimuth, mounting) in enumerate(
        zip(
            planes["surface_tilt_deg"].to_numpy(dtype=np.float64),
            planes["surface_azimuth_deg"].to_numpy(dtype=np.float64),
            planes["mounting"].to_numpy(),
            strict=True,
        )
    ):
        horizon = None if horizons is None else horizons.iloc[j]
        shade = (
            tuple(float(h) for h in horizon)
            if horizon is not None and _has_horizon(horizon)
            else None
        )
        keys.append((float(tilt), float(azimuth), str(mounting), shade))
    number: dict[tuple[Any, ...], int] = {}
    orientation = np.array([number.setdefault(k, len(number)) for k in keys], dtype=np.int64)
    first = np.unique(orientation, return_index=True)[1]
    return orientation, first


def simulate_generation_kwh(
    weather: pd.DataFrame,
    latitude_deg: float,
    longitude_deg: float,
    altitude_m: float,
    planes: pd.DataFrame,
    year_of_operation: int = 1,
) -> pd.DataFrame:
    """AC energy of each roof plane in each interval [kWh].

    Parameters
    ----------
    weather : pandas.DataFrame
        Regular, tz-aware interval-start index; ``ghi``, ``dni``, ``dhi`` [W/m2],
        ``temp_air`` [degC], ``wind_speed`` [m/s].
    latitude_deg, longitude_deg, altitude_m : float
        Site.
    planes : pandas.DataFrame
        One row per plane (index = plane id) with :data:`REQUIRED_PLANE_COLUMNS` and
        optionally ``horizon_deg`` (None or a list of elevations).
    year_of_operation : int
        1 for the first year; output is scaled by ``(1 - d)^(year - 1)``.

    Returns
    -------
    pandas.DataFrame
        ``index = weather.index``, ``columns = planes.index`` [kWh per interval].

    Notes
    -----
    Per plane: Hay-Davies transposition -> SAPM cell temperature for the mounting ->
    PVWatts DC ``P = P0 G/1000 (1 + gamma (T_c - 25))`` -> system losses -> PVWatts
    inverter rated ``P0 / dc_ac_ratio`` (clipping). Energy = mean power x step; irradiance
    is taken at the middle of each interval.
    """
    import pvlib

    missing = [c for c in REQUIRED_PLANE_COLUMNS if c not in planes.columns]
    if missing:
        raise ValueError(f"planes: column '{missing[0]}' is missing")
    index = pd.DatetimeIndex(weather.index)
    step = index[1] - index[0]
    step_h = step / pd.Timedelta(hours=1)
    mid = index + step / 2
    pos = solar_position(mid, latitude_deg, longitude_deg, altitude_m)
    dni_extra = np.asarray(pvlib.irradiance.get_extra_radiation(mid.day_of_year.to_numpy()))
    wx = {
        c: weather[c].to_numpy(dtype=np.float64)[:, None]
        for c in ("ghi", "dni", "dhi", "temp_air", "wind_speed")
    }
    out = np.empty((len(index), len(planes)))
    degradation = (1.0 - planes["degradation_frac_per_yr"].to_numpy(dtype=np.float64)) ** (
        year_of_operation - 1
    )
    # the irradiance on a plane and its cell temperature depend only on its orientation,
    # mounting and horizon: computed once per distinct combination ("orientation"),
    # then DC power and the inverter per plane (the same arithmetic, element by element)
    orientation, first_plane = _orientations(planes)
    n_orient = len(first_plane)
    for g_start in range(0, n_orient, PLANES_PER_BLOCK):
        g_stop = min(g_start + PLANES_PER_BLOCK, n_orient)
        block = planes.iloc[first_plane[g_start:g_stop]]
        poa_o = _poa_irradiance(block, wx, pos, dni_extra)
        mounting = block["mounting"].to_numpy()
        a = np.array([MOUNTING_SAPM[m]["a"] for m in mounting])[None, :]
        b = np.array([MOUNTING_SAPM[m]["b"] for m in mounting])[None, :]
        dt = np.array([MOUNTING_SAPM[m]["deltaT"] for m in mounting])[None, :]
        t_cell_o = pvlib.temperature.sapm_cell(poa_o, wx["temp_air"], wx["wind_speed"], a, b, dt)
        members = np.flatnonzero((orientation >= g_start) & (orientation < g_stop))
        for p_start in range(0, len(members), PLANES_PER_BLOCK):
            sel = members[p_start : p_start + PLANES_PER_BLOCK]
            which = orientation[sel] - g_start
            if n_orient == len(planes):  # every plane its own orientation: no copies
                poa, t_cell = poa_o, t_cell_o
            else:
                poa, t_cell = poa_o[:, which], t_cell_o[:, which]
            out[:, sel] = _ac_kwh(planes.iloc[sel], poa, t_cell, step_h)
    out *= degradation[None, :]
    return pd.DataFrame(out, index=index, columns=planes.index)


def _poa_irradiance(
    block: pd.DataFrame,
    wx: dict[str, NDArray[np.float64]],
    pos: dict[str, NDArray[np.float64]],
    dni_extra: NDArray[np.float64],
) -> NDArray[np.float64]:
    """``(n_steps, n_planes)`` irradiance on each plane of ``block`` [W/m2]: beam (zero
    below the sun's horizon and a plane's horizon profile), Hay-Davies sky diffuse and
    ground-reflected (albedo :data:`ALBEDO`)."""
    import pvlib

    zen = pos["apparent_zenith"][:, None]
    azi = pos["azimuth"][:, None]
    tilt = block["surface_tilt_deg"].to_numpy(dtype=np.float64)[None, :]
    surf_az = block["surface_azimuth_deg"].to_numpy(dtype=np.float64)[None, :]
    aoi_proj = np.clip(pvlib.irradiance.aoi_projection(tilt, surf_az, zen, azi), 0.0, None)
    beam = np.where(zen < 90.0, wx["dni"] * aoi_proj, 0.0)
    if "horizon_deg" in block.columns:
        for j, horizon in enumerate(block["horizon_deg"]):
            if _has_horizon(horizon):
                blocked = horizon_blocks_beam(pos["azimuth"], pos["elevation"], horizon)
                beam[blocked, j] = 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        sky = pvlib.irradiance.haydavies(
            tilt, surf_az, wx["dhi"], wx["dni"], dni_extra[:, None], zen, azi
        )
    sky = np.nan_to_num(np.asarray(sky, dtype=np.float64))
    ground = wx["ghi"] * ALBEDO * (1.0 - np.cos(np.radians(tilt))) / 2.0
    return np.maximum(beam + sky + ground, 0.0)


def _ac_kwh(
    rows: pd.DataFrame, poa: NDArray[np.float64], t_cell: NDArray[np.float64], step_h: float
) -> NDArray[np.float64]:
    """``(n_steps, n_planes)`` AC energy of the planes ``rows`` [kWh/interval]: PVWatts DC,
    system losses, the PVWatts inverter rated ``P0 / dc_ac_ratio`` (clipping)."""
    import pvlib

    p0_kw = rows["capacity_kwp"].to_numpy(dtype=np.float64)[None, :]
    pdc_kw = poa / 1000.0 * p0_kw * (1.0 + GAMMA_PDC_PER_K * (t_cell - 25.0))
    pdc_kw = (
        np.maximum(pdc_kw, 0.0) * (1.0 - rows["losses_frac"].to_numpy(dtype=np.float64))[None, :]
    )
    pac_rated_kw = p0_kw / rows["dc_ac_ratio"].to_numpy(dtype=np.float64)[None, :]
    pac_kw = pvlib.inverter.pvwatts(pdc_kw, pac_rated_kw / INVERTER_EFFICIENCY, INVERTER_EFFICIENCY)
    pac_kw = np.clip(np.nan_to_num(np.asarray(pac_kw, dtype=np.float64)), 0.0, pac_rated_kw)
    return pac_kw * step_h


def yield_p50_p90_kwh(
    planes: pd.DataFrame,
    latitude_deg: float,
    longitude_deg: float,
    *,
    altitude_m: float = 0.0,
    tz: str = "Europe/Amsterdam",
    year: int = 2026,
    step_min: int = 60,
    n_years: int = 20,
    seed: int = 0,
) -> dict[str, float | list[float]]:
    """P50 and P90 annual yield of a roof from ``n`` stochastic weather years [kWh].

    Each year is drawn with the observed year-to-year spread of monthly irradiation
    (:func:`energysim.inputs.weather.embedded.embedded_weather` with ``interannual_variability``).
    P90 is the yield exceeded in 90% of years (the 10th percentile), as banks use it.
    """
    from energysim.inputs.weather.embedded import embedded_weather

    totals = []
    for k in range(n_years):
        wx = embedded_weather(
            year,
            latitude_deg,
            longitude_deg,
            tz,
            step_min,
            seed=seed + k,
            altitude_m=altitude_m,
            interannual_variability=True,
        )
        gen = simulate_generation_kwh(wx, latitude_deg, longitude_deg, altitude_m, planes)
        totals.append(float(gen.to_numpy().sum()))
    arr = np.asarray(totals)
    return {
        "p50_kwh": float(np.percentile(arr, 50)),
        "p90_kwh": float(np.percentile(arr, 10)),
        "mean_kwh": float(arr.mean()),
        "years_kwh": totals,
    }
