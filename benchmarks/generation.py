"""Benchmark PV generation: a year at 15 minutes for 1,000 roof planes at one site.

Prints wall time and peak memory of energysim's vectorised pass (solar position once,
all planes broadcast together) against two baselines, each run the way a user would
script the same model (PVWatts: Hay-Davies transposition, SAPM cell temperature,
PVWatts DC, losses, PVWatts inverter; irradiance at the middle of each interval):

- fair: what a competent pvlib user writes: the solar position once for the site, the
  plane-of-array irradiance and cell temperature once per distinct orientation and
  mounting (the same physics for every plane that shares them), then DC power and the
  inverter per plane, with pvlib's functions. Timed on all planes, one process, like
  energysim. Its result is compared with energysim's (max difference per interval and
  of the annual total, tolerance printed).
- naive: pvlib's ModelChain run once per plane (solar position recomputed every time);
  timed on a subset and scaled, shown for reference only.

Target: under 10 s on 2 cores; the ratio to the fair baseline is the honest one.

    python benchmarks/generation.py [--planes 1000] [--baseline-planes 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import measure  # noqa: E402

from energysim.inputs.generation import simulate_generation_kwh  # noqa: E402
from energysim.inputs.weather import sun as weather_sun  # noqa: E402
from energysim.inputs.weather.embedded import embedded_weather  # noqa: E402

LAT, LON, TZ = 51.92, 4.48, "Europe/Amsterdam"


def planes_table(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "capacity_kwp": rng.uniform(5, 150, n),
            "surface_tilt_deg": rng.choice([10.0, 15.0, 35.0], n),
            "surface_azimuth_deg": rng.choice([90.0, 135.0, 180.0, 225.0, 270.0], n),
            "dc_ac_ratio": rng.uniform(1.0, 1.3, n),
            "mounting": rng.choice(["open_rack", "close_mount"], n),
            "losses_frac": 0.14,
            "degradation_frac_per_yr": 0.005,
        },
        index=[f"plane-{i:04d}" for i in range(n)],
    )


def modelchain_one(
    row: pd.Series, weather: pd.DataFrame, location: pvlib.location.Location
) -> pd.Series:
    """One plane the usual way: PVSystem + ModelChain with PVWatts and SAPM temperature."""
    temp = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][
        "open_rack_glass_polymer" if row.mounting == "open_rack" else "close_mount_glass_glass"
    ]
    system = pvlib.pvsystem.PVSystem(
        surface_tilt=row.surface_tilt_deg,
        surface_azimuth=row.surface_azimuth_deg,
        module_parameters={"pdc0": row.capacity_kwp * 1000, "gamma_pdc": -0.0037},
        inverter_parameters={"pdc0": row.capacity_kwp * 1000 / row.dc_ac_ratio / 0.96},
        temperature_model_parameters=temp,
        losses_parameters={},
    )
    mc = pvlib.modelchain.ModelChain(
        system,
        location,
        aoi_model="no_loss",
        spectral_model="no_loss",
        losses_model="no_loss",
        transposition_model="haydavies",
    )
    mc.run_model(weather)
    return mc.results.ac.clip(lower=0) * (1 - row.losses_frac) / 1000 * 0.25


def fair_baseline(weather: pd.DataFrame, planes: pd.DataFrame) -> pd.DataFrame:
    """The same model scripted with pvlib: sun once, POA and cell temperature once per
    orientation and mounting, DC and inverter per plane [kWh per interval]."""
    index = pd.DatetimeIndex(weather.index)
    step = index[1] - index[0]
    mid = index + step / 2
    sun = pvlib.solarposition.get_solarposition(mid, LAT, LON, 0.0)
    dni_extra = pvlib.irradiance.get_extra_radiation(mid)
    wx = weather.set_axis(mid)
    out = {}
    for (tilt, azimuth, mounting), group in planes.groupby(
        ["surface_tilt_deg", "surface_azimuth_deg", "mounting"]
    ):
        poa = pvlib.irradiance.get_total_irradiance(
            tilt,
            azimuth,
            sun["apparent_zenith"],
            sun["azimuth"],
            wx["dni"],
            wx["ghi"],
            wx["dhi"],
            dni_extra=dni_extra,
            albedo=0.2,
            model="haydavies",
        )["poa_global"].fillna(0.0)
        params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][
            "open_rack_glass_polymer" if mounting == "open_rack" else "close_mount_glass_glass"
        ]
        t_cell = pvlib.temperature.sapm_cell(poa, wx["temp_air"], wx["wind_speed"], **params)
        poa_np, t_cell_np = poa.to_numpy(), t_cell.to_numpy()  # numpy in the plane loop
        for plane_id, row in group.iterrows():
            pdc = pvlib.pvsystem.pvwatts_dc(poa_np, t_cell_np, row.capacity_kwp, -0.0037)
            pdc = np.maximum(pdc, 0.0) * (1.0 - row.losses_frac)
            rated = row.capacity_kwp / row.dc_ac_ratio
            pac = np.clip(pvlib.inverter.pvwatts(pdc, rated / 0.96, 0.96), 0.0, rated)
            out[plane_id] = pac * (step / pd.Timedelta(hours=1))
    return pd.DataFrame(out, index=index)[planes.index]


def main() -> None:
    # energysim computes the solar position in every run, as the baseline does: no
    # persistent profile cache (energysim.inputs.profile_cache) for this benchmark
    os.environ["ENERGYSIM_NO_CACHE"] = "1"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--planes", type=int, default=1000)
    parser.add_argument("--baseline-planes", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    weather = embedded_weather(2026, LAT, LON, TZ, 15)
    planes = planes_table(args.planes)
    n = len(weather)
    print(
        f"generation benchmark: {n:,} intervals (15 min) x {args.planes:,} planes, one site; "
        f"best of {args.repeat} (all runs listed)"
    )
    runs = []
    for _ in range(args.repeat):
        weather_sun._SOLAR_CACHE.clear()  # every run computes the sun, as the baseline
        runs.append(measure(lambda: simulate_generation_kwh(weather, LAT, LON, 0.0, planes)))
    seconds, peak, gen = min(runs, key=lambda r: r[0])
    print(
        f"energysim vectorised : {seconds:8.2f} s   peak {peak:,.0f} MiB   "
        f"{gen.to_numpy().sum() / planes.capacity_kwp.sum():.0f} kWh/kWp   "
        f"runs {', '.join(f'{r[0]:.2f}' for r in runs)} s"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fair_runs = [measure(lambda: fair_baseline(weather, planes)) for _ in range(args.repeat)]
    fair_s, fair_peak, fair = min(fair_runs, key=lambda r: r[0])
    diff = np.abs(fair.to_numpy() - gen.to_numpy())
    annual = np.abs(fair.to_numpy().sum(axis=0) / gen.to_numpy().sum(axis=0) - 1.0)
    print(
        f"fair pvlib baseline  : {fair_s:8.2f} s   peak {fair_peak:,.0f} MiB   "
        f"runs {', '.join(f'{r[0]:.2f}' for r in fair_runs)} s"
    )
    print(
        f"  check: max |baseline - energysim| {diff.max():.1e} kWh per interval, annual "
        f"totals within {annual.max():.1e} (tolerance 1e-6 kWh, 1e-9 relative): "
        f"{'agree' if diff.max() <= 1e-6 and annual.max() <= 1e-9 else 'DIFFER'}"
    )
    print(f"speed-up vs fair     : {fair_s / seconds:8.1f} x")
    location = pvlib.location.Location(LAT, LON, tz=TZ)
    mc_weather = weather.copy()
    sub = planes.iloc[: args.baseline_planes]
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _, row in sub.iterrows():
            modelchain_one(row, mc_weather, location)
    base = (time.perf_counter() - start) / len(sub) * args.planes
    scale = args.planes / len(sub)
    print(f"naive: ModelChain    : {base:8.2f} s   (on {len(sub)} planes, scaled x{scale:.0f})")
    print(f"speed-up vs naive    : {base / seconds:8.1f} x   (for reference: not a fair baseline)")


if __name__ == "__main__":
    main()
