"""Benchmark PV generation: a year at 15 minutes for 1,000 roof planes at one site.

Prints wall time and peak memory of energysim's vectorised pass (solar position once,
all planes broadcast together) and the ratio against running pvlib's ModelChain once per
plane, the way a user would script it. The baseline is timed on a subset of planes and
scaled linearly; the script says so. Target: >= 10x faster, under 10 s on 2 cores.

    python benchmarks/generation.py [--planes 1000] [--baseline-planes 20]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import measure  # noqa: E402

from energysim.generation import simulate_generation_kwh  # noqa: E402
from energysim.weather import embedded_weather  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--planes", type=int, default=1000)
    parser.add_argument("--baseline-planes", type=int, default=20)
    args = parser.parse_args()
    weather = embedded_weather(2026, LAT, LON, TZ, 15)
    planes = planes_table(args.planes)
    n = len(weather)
    print(f"generation benchmark: {n:,} intervals (15 min) x {args.planes:,} planes, one site")
    seconds, peak, gen = measure(lambda: simulate_generation_kwh(weather, LAT, LON, 0.0, planes))
    print(
        f"energysim vectorised : {seconds:8.2f} s   peak {peak:,.0f} MiB   "
        f"{gen.to_numpy().sum() / planes.capacity_kwp.sum():.0f} kWh/kWp"
    )
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
    print(f"pvlib ModelChain     : {base:8.2f} s   (on {len(sub)} planes, scaled x{scale:.0f})")
    print(f"speed-up             : {base / seconds:8.1f} x")


if __name__ == "__main__":
    main()
