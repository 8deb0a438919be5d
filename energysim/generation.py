"""PV generation per roof plane with pvlib PVWatts (first version)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pvlib

_SAPM = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]
_MOUNTING = {
    "open_rack": _SAPM["open_rack_glass_polymer"],
    "close_mount": _SAPM["close_mount_glass_glass"],
}


def simulate_generation_kwh(
    weather: pd.DataFrame,
    latitude_deg: float,
    longitude_deg: float,
    altitude_m: float,
    planes: pd.DataFrame,
    year_of_operation: int = 1,
) -> pd.DataFrame:
    """AC energy per interval and plane [kWh]."""
    index = weather.index
    step_h = (index[1] - index[0]) / pd.Timedelta(hours=1)
    mid = index + (index[1] - index[0]) / 2
    solpos = pvlib.solarposition.get_solarposition(mid, latitude_deg, longitude_deg, altitude_m)
    out = {}
    for pid, row in planes.iterrows():
        poa = pvlib.irradiance.get_total_irradiance(
            row["surface_tilt_deg"],
            row["surface_azimuth_deg"],
            solpos["apparent_zenith"].to_numpy(),
            solpos["azimuth"].to_numpy(),
            weather["dni"].to_numpy(),
            weather["ghi"].to_numpy(),
            weather["dhi"].to_numpy(),
        )
        poa_global = np.nan_to_num(np.asarray(poa["poa_global"], dtype=float))
        params = _MOUNTING[row["mounting"]]
        t_cell = pvlib.temperature.sapm_cell(
            poa_global, weather["temp_air"].to_numpy(), weather["wind_speed"].to_numpy(), **params
        )
        p_dc_kw = pvlib.pvsystem.pvwatts_dc(poa_global, t_cell, row["capacity_kwp"], -0.0037)
        p_dc_kw = np.asarray(p_dc_kw) * (1 - row["losses_frac"])
        p_dc_kw *= (1 - row["degradation_frac_per_yr"]) ** (year_of_operation - 1)
        p_ac_max = row["capacity_kwp"] / row["dc_ac_ratio"]
        p_ac = np.clip(np.asarray(p_dc_kw) * 0.96, 0.0, p_ac_max)
        out[pid] = p_ac * step_h
    return pd.DataFrame(out, index=index)
