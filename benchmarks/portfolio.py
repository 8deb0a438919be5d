"""Benchmark a portfolio batch: 1,000 complexes x 40 households, 15 minutes, one year.

Generates a synthetic portfolio (complex sizes, roofs and orientations drawn with a
seed) and runs it with `energysim batch` (waterfall allocation and finance for every
household) on ``--jobs`` local processes, with an empty profile cache (every worker
computes its weather and per-kWp profiles, as the baseline does). Prints wall time,
time per complex per core, peak memory, and the ratio against a fair baseline: the
same job as a competent user scripts it with pvlib, numpy and pandas, on the same
number of processes:

- the same model: the same weather year, PVWatts with pvlib's functions (solar
  position once per process, irradiance and cell temperature once per orientation,
  a per-kWp profile per roof shape reused across complexes, as energysim does), the
  same household and common-installation profiles (energysim.inputs.demand and
  energysim.inputs.common_installations; the model under comparison is the
  orchestration, allocation and money, not a simpler demand model;
  with the batch's pool of household-years, on by default for a portfolio, the
  baseline draws its households from the same pool: ``--no-household-pool`` for both
  to generate every household),
  the waterfall common -> tenants (pro rata) -> export with numpy, and every
  household's bill with and without the roof, benefit statistics and the owner's
  25-year case with pandas;
- both are run in interleaved parts (``--parts``), so load from other processes falls
  on both alike;
- its energy flows per complex (generation, allocated to common and tenants, export)
  are compared with energysim's batch summary (max relative difference, tolerance
  1e-9); its money is a simpler bill (no fees, no service-cost split rules) and is not
  compared.

Targets on the project's 2-core machine, each printed as met or not and how far off:
energysim >= 2x as fast as the fair baseline (wall and CPU: user + system of the worker
processes); <= 20 ms CPU per complex per core; a batch worker's peak < 500 MB; the
1,000 complexes in < 120 s wall.

    python benchmarks/portfolio.py [--complexes 1000] [--jobs 2] [--baseline-complexes N]
        [--no-household-pool]
"""

from __future__ import annotations

import argparse
import copy
import os
import resource
import sys
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from _measure import (  # noqa: E402
    print_baseline,
    print_check,
    print_peak,
    print_ratio,
    print_target,
)
from generation import fair_baseline  # noqa: E402

from energysim.batch.runner import plan_batch, run_batch  # noqa: E402
from energysim.config.scenario import Scenario, scenario_from_dict  # noqa: E402
from energysim.config.tariffs import resolve_tariffs  # noqa: E402
from energysim.inputs import common_installations, demand  # noqa: E402
from energysim.inputs.household_pool import HouseholdPool  # noqa: E402
from energysim.inputs.population import derive_seed, draw_annual_kwh  # noqa: E402
from energysim.inputs.timeindex import year_index  # noqa: E402
from energysim.inputs.weather.embedded import embedded_weather  # noqa: E402

POOL = HouseholdPool()
"""This process's pool of household-years, as a batch worker keeps one."""

TEMPLATE = REPO / "scenarios" / "portfolio_template.toml"
LAT, LON, TZ = 51.92, 4.48, "Europe/Amsterdam"
SETS = ["buildings[0].members.count=0"]

MB_PER_MIB = 2**20 / 1e6
"""MB (10^6 bytes) in a MiB (the unit of max RSS)."""


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


# --------------------------------------------------------------------------- baseline
_CACHE: dict[Any, Any] = {}
"""Per process: the weather of a year and one per-kWp profile per year and roof shape
(what a user keeps)."""


def _per_kwp(scenario: Scenario, array: Any) -> np.ndarray:
    shape = (
        scenario.year,
        array.surface_tilt_deg,
        array.surface_azimuth_deg,
        array.dc_ac_ratio,
        array.mounting,
        array.total_losses_frac,
    )
    if shape not in _CACHE:
        weather = ("weather", scenario.year)
        if weather not in _CACHE:
            _CACHE[weather] = embedded_weather(
                scenario.year, LAT, LON, TZ, 15, seed=scenario.weather.seed
            )
        plane = pd.DataFrame(
            [
                {
                    "capacity_kwp": 1.0,
                    "surface_tilt_deg": shape[1],
                    "surface_azimuth_deg": shape[2],
                    "dc_ac_ratio": shape[3],
                    "mounting": shape[4],
                    "losses_frac": shape[5],
                }
            ],
            index=["plane"],
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _CACHE[shape] = fair_baseline(_CACHE[weather], plane)["plane"].to_numpy()
    return _CACHE[shape]


def baseline_complex(
    unit_scenario: dict[str, Any], base_dir: str, pooled: bool = False
) -> dict[str, float]:
    """One complex the way a user scripts it; returns its energy flows [kWh/yr].

    ``pooled``: its households come from energysim's pool of household-years, as the
    batch's do (a user reusing pre-generated household-years would do the same)."""
    scenario = scenario_from_dict(unit_scenario, base_dir=Path(base_dir), source="baseline")
    b = scenario.buildings[0]
    index = year_index(scenario.year, 15, TZ)
    gen = sum(_per_kwp(scenario, a) * a.dc_capacity_kwp for a in b.arrays)
    # households: the same profiles as energysim (its demand model)
    n = b.dwellings
    annual = draw_annual_kwh(b.tenants.annual_kwh, n)
    kinds = demand.draw_archetypes(n, derive_seed(b.tenants.profile_seed, 0, 7))
    seed = derive_seed(b.tenants.profile_seed, 0, 1)
    if pooled:
        households = POOL.profiles_kwh(index, annual, kinds, seed)
    else:
        households = demand.household_profiles_kwh(index, annual, kinds, seed)
    kinds_common = {k: v for k, v in b.common.annual_kwh().items() if v > 0}
    common = (
        common_installations.common_profiles_kwh(
            index,
            LAT,
            LON,
            kinds_common,
            dwellings=n,
            seed=derive_seed(b.tenants.profile_seed, 0, 3),
            lighting_presence_dimming_frac=b.common.lighting_presence_dimming_frac,
            ventilation_night_setback_frac=b.common.ventilation_night_setback_frac,
        )
        .to_numpy()
        .sum(axis=1)
    )
    # waterfall: common first, then the participating tenants pro rata, rest exported
    to_common = np.minimum(gen, common)
    left = gen - to_common
    demand_kwh = households[:, : b.tenants.participating]
    total = demand_kwh.sum(axis=1)
    ratio = np.divide(left, total, out=np.ones_like(left), where=total > left)
    received = demand_kwh * ratio[:, None]
    export = left - received.sum(axis=1)
    # money with pandas: each household's bill with and without the roof, statistics,
    # the owner's 25-year case
    t = resolve_tariffs(scenario.year, {})
    use = pd.Series(households.sum(axis=0))
    got = pd.Series(received.sum(axis=0)).reindex(use.index, fill_value=0.0)

    def bill(kwh: pd.Series) -> pd.Series:
        tax = (
            kwh.clip(upper=2900) * t.energy_tax_excl_vat_eur_per_kwh
            + (kwh - 2900).clip(lower=0) * t.energy_tax_bracket2_excl_vat_eur_per_kwh
        )
        fixed = t.network_charge_incl_vat_eur_per_yr - t.tax_rebate_excl_vat_eur_per_yr
        return (kwh * t.supply_price_excl_vat_eur_per_kwh + tax) * (1 + t.vat_frac) + fixed

    money = pd.DataFrame({"without": bill(use), "with": bill(use - got)})
    money["benefit"] = money["without"] - money["with"]
    money["benefit"].quantile([0.1, 0.5, 0.9])
    money["benefit"].groupby(pd.qcut(use.rank(method="first"), 5)).mean()
    years = pd.RangeIndex(0, 26)
    revenue = export.sum() * t.feed_in_compensation_excl_vat_eur_per_kwh
    cash = pd.Series(np.where(years == 0, -b.capacity_kwp * 700.0, revenue), index=years)
    (cash / 1.04**years).sum()
    return {
        "generation_kwh": float(gen.sum()),
        "allocated_kwh.common": float(to_common.sum()),
        "allocated_kwh.tenants": float(received.sum()),
        "export_kwh": float(export.sum()),
    }


BaselineUnit = tuple[str, dict[str, Any], str, bool]
"""A unit for the baseline: id, scenario dict, base folder, households from the pool."""


def baseline_units(units: list[Any]) -> list[BaselineUnit]:
    """The baseline's view of energysim's batch units."""
    return [(u.unit_id, u.scenario, u.base_dir, u.household_pool) for u in units]


def _baseline_chunk(units: list[BaselineUnit]) -> dict[str, dict]:
    return {uid: baseline_complex(scenario, base, pooled) for uid, scenario, base, pooled in units}


def run_baseline(units: list[BaselineUnit], jobs: int) -> dict[str, dict]:
    """The baseline on ``jobs`` processes, in chunks of 20 complexes (as energysim)."""
    chunks = [units[i : i + 20] for i in range(0, len(units), 20)]
    out: dict[str, dict] = {}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for part in pool.map(_baseline_chunk, chunks):
            out.update(part)
    return out


def agreement(summary: pd.DataFrame, base: dict[str, dict[str, float]]) -> float:
    """Max relative difference of the baseline's energy flows from energysim's rows."""
    rows = summary.set_index("unit_id")
    worst = 0.0
    for uid, figures in base.items():
        for key, value in figures.items():
            ref = float(rows.loc[uid, key])
            worst = max(worst, abs(value - ref) / max(1.0, abs(ref)))
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complexes", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--baseline-complexes", type=int, help="run the baseline on the first N (default all)"
    )
    parser.add_argument(
        "--parts", type=int, default=5, help="interleave energysim and baseline in N parts"
    )
    parser.add_argument(
        "--no-household-pool",
        action="store_true",
        help="generate every household (default: both draw from the batch's pool)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ENERGYSIM_CACHE_DIR"] = str(Path(tmp) / "cache")  # cold, as the baseline
        portfolio = Path(tmp) / "portfolio.csv"
        synthetic_portfolio(args.complexes, portfolio)
        plan = plan_batch(
            TEMPLATE, portfolio_path=portfolio, sets=SETS, household_pool=not args.no_household_pool
        )
        n_base = args.baseline_complexes or args.complexes
        # interleaved parts (energysim, baseline, energysim, ...): both see the same load
        parts = np.array_split(np.arange(args.complexes), args.parts)
        wall, base_wall, base = 0.0, 0.0, {}
        cpu, base_cpu, worker_mib = 0.0, 0.0, 0.0
        summaries = []
        for k, part in enumerate(parts):
            sub = copy.copy(plan)
            sub.units = [plan.units[i] for i in part]
            # every part's pools start cold, energysim's profile cache too
            os.environ["ENERGYSIM_CACHE_DIR"] = str(Path(tmp) / f"cache{k}")
            before, start = _children_cpu_s(), time.perf_counter()
            summaries.append(run_batch(sub, Path(tmp) / f"out{k}", jobs=args.jobs))
            wall += time.perf_counter() - start
            cpu += _children_cpu_s() - before
            if k == 0:  # no baseline worker has run yet: the largest energysim worker
                worker_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            units = baseline_units(sub.units) if part[0] < n_base else []
            units = units[: max(0, n_base - int(part[0]))]
            if units:
                before, start = _children_cpu_s(), time.perf_counter()
                base.update(run_baseline(units, args.jobs))
                base_wall += time.perf_counter() - start
                base_cpu += _children_cpu_s() - before
        summary = pd.concat(summaries, ignore_index=True)
        ok = int((summary["status"] == "ok").sum())
        peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worst = agreement(summary, base)
    n_base = len(base)
    scaled = base_wall * args.complexes / n_base
    scaled_cpu = base_cpu * args.complexes / n_base
    cpu_ms = cpu / args.complexes * 1000
    print(
        f"portfolio benchmark: {args.complexes:,} complexes x 40 households, 15 min, one year, "
        f"waterfall + finance, {args.jobs} worker processes, profile cache cold; energysim and "
        f"the baseline interleaved in {args.parts} parts (pools started per part for both); "
        + (
            "every household generated"
            if args.no_household_pool
            else "households from the "
            "batch's pool of household-years (both; --no-household-pool to generate each)"
        )
    )
    print(
        f"energysim batch : {wall:8.1f} s wall, {cpu:.1f} s CPU ({ok:,} units ok; "
        f"{wall * args.jobs / args.complexes * 1000:.0f} ms per complex per core, CPU "
        f"{cpu_ms:.1f} ms)"
    )
    print_baseline(
        f"{scaled:.1f} s wall, {scaled_cpu:.1f} s CPU (pvlib + numpy + pandas, same model and "
        f"{args.jobs} processes; run on {n_base:,} complexes"
        + (f", scaled x{args.complexes / n_base:.1f})" if n_base != args.complexes else ")")
    )
    print_check(
        f"energy flows of {len(base):,} complexes vs energysim's batch summary (relative)",
        worst,
        1e-9,
    )
    print_ratio(f"baseline / energysim: wall {scaled / wall:.2f} x, CPU {scaled_cpu / cpu:.2f} x")
    worker_mb = worker_mib * MB_PER_MIB
    print_peak(
        f"largest energysim worker {worker_mib:,.0f} MiB = {worker_mb:,.0f} MB (first part, "
        f"before any baseline worker), largest worker of either {peak_child:,.0f} MiB, main "
        f"process {peak_self:,.0f} MiB"
    )
    print_target("baseline / energysim, wall", scaled / wall, 2.0, "x", at_least=True)
    print_target("baseline / energysim, CPU", scaled_cpu / cpu, 2.0, "x", at_least=True)
    print_target("CPU per complex per core", cpu_ms, 20.0, " ms")
    print_target("a batch worker's peak memory", worker_mb, 500.0, " MB")
    print_target(
        f"wall for 1,000 complexes (scaled from {args.complexes:,})",
        wall * 1000 / args.complexes,
        120.0,
        " s",
    )


def _children_cpu_s() -> float:
    """User + system CPU time [s] of every child process waited for so far (a process
    pool's workers, once joined)."""
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


if __name__ == "__main__":
    main()
