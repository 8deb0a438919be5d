"""Benchmark a portfolio batch: 1,000 complexes x 40 households, 15 minutes, one year.

Generates a synthetic portfolio (complex sizes, roofs and orientations drawn with a
seed), runs it with `energysim batch` machinery (waterfall allocation and finance for
every household) on local processes, and prints wall time, peak memory and the ratio
against a baseline that does the same work the way a user would script it: pvlib's
ModelChain per roof plane, and pandas for household profiles (the E1A shape with noise
per quarter-hour), the waterfall, every household's bill with and without the roof,
benefit statistics and the owner's 25-year case, one complex after another. The
baseline is timed on a subset of complexes and scaled; the script says so. Targets on
the project's 2-core machine: < 120 s wall, < 4 GiB, >= 10x.

    python benchmarks/portfolio.py [--complexes 1000] [--jobs 2] [--baseline-complexes 5]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from energysim.batch import plan_batch, run_batch  # noqa: E402
from energysim.demand import e1a_calibration  # noqa: E402
from energysim.tariffs import resolve_tariffs  # noqa: E402
from energysim.timeindex import year_index  # noqa: E402
from energysim.weather import embedded_weather  # noqa: E402

TEMPLATE = REPO / "scenarios" / "portfolio_template.toml"
LAT, LON, TZ = 51.92, 4.48, "Europe/Amsterdam"


def synthetic_portfolio(n: int, path: Path, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "complex_id": [f"C{i:05d}" for i in range(n)],
            "postcode": rng.integers(3000, 3100, n).astype(str),
            "dwellings": 40,
            "capacity_kwp": rng.uniform(20, 60, n).round(1),
            "orientation": rng.choice(["east-west", "south", "200"], n),
            "lift": rng.choice(["yes", "no"], n),
            "participation_frac": rng.uniform(0.5, 1.0, n).round(2),
            "members": 0,
        }
    )
    frame.to_csv(path, index=False)
    return frame


def baseline_complex(
    row: pd.Series, weather: pd.DataFrame, location, index: pd.DatetimeIndex
) -> float:
    """One complex the straightforward way: ModelChain per plane, pandas for the rest."""
    planes = (
        [(90.0, 10.0, row.capacity_kwp / 2), (270.0, 10.0, row.capacity_kwp / 2)]
        if row.orientation == "east-west"
        else [
            (
                180.0 if row.orientation == "south" else float(row.orientation),
                15.0,
                row.capacity_kwp,
            )
        ]
    )
    gen = pd.Series(0.0, index=index)
    for azimuth, tilt, kwp in planes:
        system = pvlib.pvsystem.PVSystem(
            surface_tilt=tilt,
            surface_azimuth=azimuth,
            module_parameters={"pdc0": kwp * 1000, "gamma_pdc": -0.0037},
            inverter_parameters={"pdc0": kwp * 1000 / 1.2 / 0.96},
            temperature_model_parameters=pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][
                "open_rack_glass_polymer"
            ],
        )
        mc = pvlib.modelchain.ModelChain(
            system, location, aoi_model="no_loss", spectral_model="no_loss", losses_model="no_loss"
        )
        mc.run_model(weather)
        gen += mc.results.ac.clip(lower=0).to_numpy() * 0.86 / 1000 * 0.25
    # profiles: the standard day shape per month, scaled per household with noise (pandas)
    cal = e1a_calibration()
    shapes = np.asarray(cal["day_shape_by_month_and_day_type"])[:, 0, :]
    slot = index.hour * 4 + index.minute // 15
    base = pd.Series(shapes[index.month - 1, slot], index=index)
    rng = np.random.default_rng(0)
    households = pd.DataFrame(
        {f"h{k}": base * rng.gamma(11, 1 / 11, len(index)) for k in range(int(row.dwellings))},
        index=index,
    )
    households = (
        households / households.sum() * rng.lognormal(np.log(2000), 0.35, int(row.dwellings))
    )
    common = pd.Series(20_000 / len(index), index=index)
    # waterfall with pandas: common first, then tenants pro rata, rest exported
    to_common = np.minimum(gen, common)
    left = gen - to_common
    demand = households.iloc[:, : int(round(row.participation_frac * row.dwellings))]
    total = demand.sum(axis=1)
    ratio = (left / total).clip(upper=1.0).fillna(0.0)
    received = demand.mul(ratio, axis=0)
    export = left - received.sum(axis=1)
    # money with pandas: every household's bill with and without the roof (energy tax
    # with its 2,900 kWh bracket, VAT, network charge, rebate), the common connection's
    # saving split over the dwellings, the owner's export value and 25-year case
    t = resolve_tariffs(2027, {})
    use = households.sum()
    got = received.reindex(columns=households.columns, fill_value=0.0).sum()

    def bill(kwh: pd.Series, rebate: bool = True) -> pd.Series:
        tax = (
            kwh.clip(upper=2900) * t.energy_tax_excl_vat_eur_per_kwh
            + (kwh - 2900).clip(lower=0) * t.energy_tax_bracket2_excl_vat_eur_per_kwh
        )
        rebate_eur = t.tax_rebate_excl_vat_eur_per_yr if rebate else 0.0
        fixed = t.network_charge_incl_vat_eur_per_yr - rebate_eur
        return (kwh * t.supply_price_excl_vat_eur_per_kwh + tax) * (1 + t.vat_frac) + fixed

    common_kwh = pd.Series([common.sum(), common.sum() - to_common.sum()])
    common_bills = bill(common_kwh, rebate=False)
    money = pd.DataFrame({"without": bill(use), "with": bill(use - got)})
    money["service"] = (common_bills[0] - common_bills[1]) / row.dwellings
    money["benefit"] = money["without"] - money["with"] + money["service"]
    stats = money["benefit"].quantile([0.1, 0.5, 0.9])
    quintiles = money["benefit"].groupby(pd.qcut(use.rank(method="first"), 5)).mean()
    years = pd.RangeIndex(0, 26)
    revenue = export.sum() * t.feed_in_compensation_excl_vat_eur_per_kwh
    cash = pd.Series(
        np.where(years == 0, -row.capacity_kwp * 1000.0, revenue * 0.995 ** (years - 1)),
        index=years,
    ) - np.where(years == 0, 0.0, row.capacity_kwp * 15.0)
    npv = (cash / 1.04**years).sum()
    return float(money["benefit"].sum() + npv + stats.sum() + quintiles.sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complexes", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--baseline-complexes", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        portfolio = Path(tmp) / "portfolio.csv"
        frame = synthetic_portfolio(args.complexes, portfolio)
        start = time.perf_counter()
        plan = plan_batch(TEMPLATE, portfolio_path=portfolio, sets=["buildings[0].members.count=0"])
        summary = run_batch(plan, Path(tmp) / "out", jobs=args.jobs)
        wall = time.perf_counter() - start
        ok = int((summary["status"] == "ok").sum())
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"portfolio benchmark: {args.complexes:,} complexes x 40 households, 15 min, one year, "
        f"waterfall + finance, {args.jobs} worker processes"
    )
    print(f"energysim batch : {wall:8.1f} s wall  ({ok:,} units ok)")
    print(
        f"peak memory     : {peak_self:8.0f} MiB main process, {peak_child:,.0f} MiB largest worker"
    )

    index = year_index(2027, 15, TZ)
    weather = embedded_weather(2027, LAT, LON, TZ, 15)
    location = pvlib.location.Location(LAT, LON, tz=TZ)
    sub = frame.head(args.baseline_complexes)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _, row in sub.iterrows():
            baseline_complex(row, weather, location, index)
    per_complex = (time.perf_counter() - start) / len(sub)
    base = per_complex * args.complexes
    print(
        f"baseline        : {base:8.1f} s  (ModelChain + pandas, one complex after another; "
        f"timed on {len(sub)} complexes, {per_complex:.2f} s each, scaled to {args.complexes:,})"
    )
    print(f"speed-up        : {base / wall:8.1f} x")


if __name__ == "__main__":
    main()
