"""Derive the embedded weather generator's statistics from KNMI station years.

Reads the KNMI EPW files of Rotterdam (station 344) 2018-2024 in ../shared/data/knmi-epw
(KNMI hourly observations, converted by the KNMI_EPW_Generator project) and writes
energysim/data/knmi_weather_stats.json: per month the quantiles of the hourly clear-sky
index, the correlation structure of cloudiness within and between days, temperature and
wind statistics. Only these derived statistics are kept in the package.

    python scripts/derive_weather_stats.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from energysim.inputs.weather.readers import read_epw
from energysim.inputs.weather.sun import clear_sky_ghi, solar_elevation_deg

YEARS = range(2018, 2025)
LATITUDE, LONGITUDE = 51.9244, 4.4777  # KNMI Rotterdam (344), from the EPW header
QUANTILES = np.linspace(0.0, 1.0, 101)
DAYLIGHT_ELEVATION_DEG = 5.0
ELEVATION_BANDS_DEG = (5.0, 15.0, 30.0, 90.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_data = Path(__file__).resolve().parents[2] / "shared" / "data"
    parser.add_argument("--data", default=str(default_data))
    args = parser.parse_args()
    frames = []
    for year in YEARS:
        path = Path(args.data) / "knmi-epw" / f"NLD_ROD_EPW_YR{year}.epw"
        frames.append(read_epw(path, year))
    wx = pd.concat(frames)
    index = wx.index
    mid = index + pd.Timedelta(minutes=30)
    elevation = solar_elevation_deg(mid, LATITUDE, LONGITUDE)
    clear = clear_sky_ghi(mid, LATITUDE, LONGITUDE)
    day = elevation > DAYLIGHT_ELEVATION_DEG
    kc = np.where(day, wx["ghi"].to_numpy() / np.maximum(clear, 1.0), np.nan)
    kc = np.clip(kc, 0.0, 1.4)
    band = np.digitize(elevation, ELEVATION_BANDS_DEG[1:-1])
    frame = pd.DataFrame(
        {"kc": kc, "month": index.month, "date": index.date, "band": band}, index=index
    )

    months = []
    for m in range(1, 13):
        sel = frame[(frame.month == m) & np.isfinite(frame.kc)]
        q = np.quantile(sel.kc, QUANTILES)
        band_q = []
        for b in range(len(ELEVATION_BANDS_DEG) - 1):
            in_band = sel[sel.band == b]
            # too few hours in a band (high sun in winter): use the month's quantiles
            band_q.append(
                [round(float(v), 4) for v in np.quantile(in_band.kc, QUANTILES)]
                if len(in_band) >= 100
                else [round(float(v), 4) for v in q]
            )
        yearly = [
            wx.loc[(wx.index.month == m) & (wx.index.year == y), "ghi"].sum() / 1000 for y in YEARS
        ]
        # normal scores of kc within the month
        ranks = stats.rankdata(sel.kc) / (len(sel) + 1)
        z = pd.Series(stats.norm.ppf(ranks), index=sel.index)
        # lag-1 hour correlation within a day, and between a morning and an afternoon hour
        zz = z.to_frame("z")
        zz["date"] = sel.date
        zz["next"] = zz.groupby("date")["z"].shift(-1)
        r1 = float(zz[["z", "next"]].dropna().corr().iloc[0, 1])
        zz["far"] = zz.groupby("date")["z"].shift(-5)
        r5 = float(zz[["z", "far"]].dropna().corr().iloc[0, 1])
        daily = zz.groupby("date")["z"].mean()
        dser = pd.Series(daily.to_numpy(), index=pd.to_datetime(daily.index))
        consecutive = dser.index[1:] - dser.index[:-1] == pd.Timedelta(days=1)
        r_day = float(
            np.corrcoef(dser.to_numpy()[:-1][consecutive], dser.to_numpy()[1:][consecutive])[0, 1]
        )
        ghi_month = wx.loc[wx.index.month == m, "ghi"].sum() / 1000 / len(YEARS)
        temp = wx.loc[wx.index.month == m, "temp_air"]
        by_hour = temp.groupby(temp.index.hour).mean()
        daily_mean_t = temp.groupby(temp.index.date).mean()
        wind = wx.loc[wx.index.month == m, "wind_speed"]
        months.append(
            {
                "month": m,
                "ghi_kwh_per_m2": float(ghi_month),
                "ghi_interannual_cv": float(np.std(yearly, ddof=1) / np.mean(yearly)),
                "kc_quantiles": [round(float(v), 4) for v in q],
                "kc_quantiles_by_elevation_band": band_q,
                "r_hour_lag1": r1,
                "r_hour_lag5": r5,
                "r_day_lag1": r_day,
                "temp_mean_degc": float(temp.mean()),
                "temp_diurnal_amplitude_degc": float((by_hour.max() - by_hour.min()) / 2),
                "temp_warmest_hour_utc_plus1": int(by_hour.idxmax()),
                "temp_daily_sd_degc": float(daily_mean_t.std()),
                "wind_mean_m_per_s": float(wind.mean()),
                "wind_sd_m_per_s": float(wind.std()),
            }
        )
    out = {
        "source": "KNMI hourly station observations, Rotterdam (344), 2018-2024, as EPW files "
        "of the KNMI_EPW_Generator project (github Bowen577/KNMI_EPW_Generator, commit "
        "0efeb65); derived by scripts/derive_weather_stats.py. Credit: KNMI.",
        "latitude_deg": LATITUDE,
        "longitude_deg": LONGITUDE,
        "years": list(YEARS),
        "daylight_elevation_deg": DAYLIGHT_ELEVATION_DEG,
        "elevation_bands_deg": list(ELEVATION_BANDS_DEG),
        "clear_sky_model": (
            "pvlib ineichen, Linke turbidity 3.5 (energysim.inputs.weather.sun.clear_sky_ghi)"
        ),
        "quantile_levels": [round(float(v), 4) for v in QUANTILES],
        "months": months,
    }
    target = Path(__file__).resolve().parents[1] / "energysim" / "data" / "knmi_weather_stats.json"
    target.write_text(json.dumps(out, indent=1) + "\n")
    print(f"written {target}")


if __name__ == "__main__":
    main()
