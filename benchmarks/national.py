"""Benchmark the national stock: extrapolate a portfolio run to ~57,000 complexes.

About 2.3 million housing-corporation dwellings in roughly 57,000 complexes: can one
machine run them all under the 2026 and 2027 rules? This runs ``--complexes`` synthetic
complexes of 40 dwellings (benchmarks/portfolio.py) at both rules (``--sweep
year=2026,2027``) with `energysim batch` on ``--jobs`` local processes, the profile cache
warm (as on any run after the first), and prints:

- the time per complex and rule per core, against the target of 10 ms;
- the extrapolation to 57,000 complexes x 2 rules on this machine and per core;
- the split of one unit's time by phase (in-process profile of ``--profile-units``),
  which says what stands in the way of the target;
- the local Dask scaling from 1 to 2 workers (``--dask-complexes`` complexes, one rule;
  efficiency = T1 / (2 x T2); cluster start-up included and also shown apart).

    python benchmarks/national.py [--complexes 1000] [--jobs 2] [--dask-complexes 200]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from portfolio import SETS, TEMPLATE, synthetic_portfolio  # noqa: E402

from energysim.batch import plan_batch, run_batch, run_unit  # noqa: E402

NATIONAL_COMPLEXES = 57_000
NATIONAL_DWELLINGS = 2_300_000
TARGET_MS = 10.0
PHASES = {
    "scenario validation": "scenario.py:.*scenario_from_dict",
    "weather + per-kWp profiles (cache)": "simulate.py:.*generation_kwh",
    "household profiles": "demand.py:.*household_profiles_kwh",
    "common installations": "demand.py:.*common_profiles_kwh",
    "own strings + waterfall": "simulate.py:.*_allocate_building",
    "bills, cash flows, accounts": "accounts.py:.*build_accounts",
    "summary": "simulate.py:.*summary",
    "unit row written (JSON)": "batch.py:.*_write_atomic",
}


def profile_units(plan, out: Path, n: int) -> dict[str, float]:
    """Seconds per unit spent in each phase (cumulative times of their functions)."""
    units = plan.units[:n]
    (out / "units").mkdir(parents=True)
    run_unit(units[0], str(out))  # imports and in-process caches, as a worker has them
    prof = cProfile.Profile()
    prof.enable()
    for unit in units[1:]:
        run_unit(unit, str(out))
    prof.disable()
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]

    total = sum(v[3] for k, v in stats.items() if k[2] == "run_unit")
    out_phases = {"all (run_unit)": total}
    for name, pattern in PHASES.items():
        rx = re.compile(pattern)
        out_phases[name] = sum(
            v[3] for k, v in stats.items() if rx.search(f"{k[0]}:{k[1]}({k[2]})".replace("(", ":"))
        )
    return {k: v / (len(units) - 1) for k, v in out_phases.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complexes", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--dask-complexes", type=int, default=200)
    parser.add_argument("--profile-units", type=int, default=41)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        os.environ["ENERGYSIM_CACHE_DIR"] = str(tmp / "cache")
        portfolio = tmp / "portfolio.csv"
        synthetic_portfolio(args.complexes, portfolio)
        sweep = ["year=2026,2027"]
        plan = plan_batch(TEMPLATE, portfolio_path=portfolio, sets=SETS, sweeps=sweep)
        # warm the profile cache (each orientation and year once), as after a first run
        warm = plan_batch(TEMPLATE, portfolio_path=portfolio, sets=SETS, sweeps=sweep)
        warm.units = warm.units[:60]
        run_batch(warm, tmp / "warm", jobs=1)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        summary = run_batch(plan, tmp / "out", jobs=args.jobs)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the pool's workers, joined
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        ok = int((summary["status"] == "ok").sum())
        peak_worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        phases = profile_units(plan, tmp / "profile", args.profile_units)

        dask_plan = plan_batch(TEMPLATE, portfolio_path=portfolio, sets=SETS)
        dask_plan.units = dask_plan.units[: args.dask_complexes]
        dask_wall = {}
        for workers in (1, 2):
            start = time.perf_counter()
            run_batch(dask_plan, tmp / f"dask{workers}", jobs=workers, executor="dask")
            dask_wall[workers] = time.perf_counter() - start
        from distributed import Client, LocalCluster

        start = time.perf_counter()
        with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as c:
            Client(c).close()
        cluster_s = time.perf_counter() - start

    units = len(plan.units)
    per_unit_core_ms = wall * args.jobs / units * 1000
    per_unit_cpu_ms = cpu / units * 1000
    national_units = NATIONAL_COMPLEXES * len(plan.units) // len(summary["complex_id"].unique())
    national_core_s = per_unit_core_ms / 1000 * national_units
    print(
        f"national-stock benchmark: {args.complexes:,} complexes x 40 dwellings x 2 rules "
        f"(2026 net metering, 2027 without) = {units:,} units on {args.jobs} processes, "
        "profile cache warm"
    )
    print(
        f"energysim batch : {wall:8.1f} s wall ({ok:,} units ok), peak {peak_worker:,.0f} MiB "
        "per worker"
    )
    ratio = per_unit_core_ms / TARGET_MS
    verdict = "met" if ratio <= 1 else f"NOT met, {ratio:.1f}x"
    print(
        f"per complex and rule per core: {per_unit_core_ms:6.1f} ms (target <= {TARGET_MS:.0f} ms: "
        f"{verdict}); the workers' CPU time per unit {per_unit_cpu_ms:.1f} ms (user + system: "
        "what a quiet machine's cores would spend)"
    )
    print(
        f"extrapolated to the national stock ({NATIONAL_COMPLEXES:,} complexes, "
        f"~{NATIONAL_DWELLINGS / 1e6:.1f} M dwellings, 2 rules = {national_units:,} units): "
        f"{national_core_s / 3600:.1f} core-hours = {national_core_s / args.jobs / 60:.0f} min "
        f"on this {args.jobs}-core machine (target < 10 min); from the CPU time "
        f"{per_unit_cpu_ms / 1000 * national_units / args.jobs / 60:.0f} min"
    )
    print(f"one unit's time by phase (in-process, mean of {args.profile_units - 1} units):")
    for name, seconds in phases.items():
        print(f"  {name:<36}{seconds * 1000:8.1f} ms")
    eff = dask_wall[1] / (2 * dask_wall[2])
    print(
        f"Dask LocalCluster, {args.dask_complexes} complexes, one rule: 1 worker "
        f"{dask_wall[1]:.1f} s, 2 workers {dask_wall[2]:.1f} s, scaling efficiency "
        f"{eff:.0%} (a 2-worker cluster starts in {cluster_s:.1f} s, included)"
    )


if __name__ == "__main__":
    main()
