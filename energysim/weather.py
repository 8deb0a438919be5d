"""Weather for the simulation year (first version: embedded generator only)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pvlib

from energysim.timeindex import year_index

# Monthly mean clearness index, Rotterdam (estimate, first version).
_KT_MONTHLY = np.array([0.33, 0.38, 0.42, 0.47, 0.50, 0.50, 0.49, 0.48, 0.45, 0.40, 0.34, 0.30])


def embedded_weather(
    year: int,
    latitude_deg: float,
    longitude_deg: float,
    tz: str,
    step_min: int,
    seed: int = 0,
    altitude_m: float = 0.0,
) -> pd.DataFrame:
    """A stochastic Dutch weather year on ``year_index(year, step_min, tz)``."""
    index = year_index(year, step_min, tz)
    mid = index + pd.Timedelta(minutes=step_min / 2)
    solpos = pvlib.solarposition.get_solarposition(mid, latitude_deg, longitude_deg, altitude_m)
    zenith = solpos["apparent_zenith"].to_numpy()
    extra = np.asarray(
        pvlib.irradiance.get_extra_radiation(mid.day_of_year.to_numpy()), dtype=float
    )
    cos_z = np.cos(np.radians(solpos["zenith"].to_numpy()))
    rng = np.random.default_rng(seed)
    n_days = len(np.unique(index.date))
    day_of = pd.factorize(index.date)[0]
    month = index.month.to_numpy() - 1
    kt_mean = _KT_MONTHLY[month]
    day_factor = rng.beta(2.0, 2.0, size=n_days)[day_of] * 2.0
    noise = rng.normal(0.0, 0.12, size=len(index))
    kt = np.clip(kt_mean * day_factor + noise * kt_mean, 0.02, 0.8)
    ghi = np.where(cos_z > 0, kt * extra * np.maximum(cos_z, 0.0), 0.0)
    decomp = pvlib.irradiance.erbs(ghi, solpos["zenith"].to_numpy(), mid.day_of_year.to_numpy())
    dni = np.nan_to_num(np.asarray(decomp["dni"], dtype=float))
    dhi = np.nan_to_num(np.asarray(decomp["dhi"], dtype=float))
    doy = index.day_of_year.to_numpy()
    hour = index.hour.to_numpy() + index.minute.to_numpy() / 60.0
    temp = (
        10.5
        - 6.5 * np.cos(2 * np.pi * (doy - 20) / 365.0)
        - 3.0 * np.cos(2 * np.pi * (hour - 3) / 24)
    )
    wind = np.clip(4.5 + rng.normal(0, 1.5, size=len(index)), 0.0, None)
    del zenith
    return pd.DataFrame(
        {"ghi": ghi, "dni": dni, "dhi": dhi, "temp_air": temp, "wind_speed": wind}, index=index
    )
