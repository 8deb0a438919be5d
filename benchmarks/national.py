"""Benchmark the national stock: extrapolate a portfolio run to ~57,000 complexes.

About 2.3 million housing-corporation dwellings in roughly 57,000 complexes: can one
machine run them all under the 2026 and 2027 rules? This runs ``--complexes`` synthetic
complexes of 40 dwellings (benchmarks/portfolio.py) at both rules (``--sweep
year=2026,2027``) with `energysim batch` on ``--jobs`` local processes, the profile cache
warm (as on any run after the first), and prints:

- the time per complex and rule per core (CPU and wall), with the profile
  cache warm (with the pool, its household-years too: a first batch over the
  portfolio generates them, about 1-2 ms of CPU per household-year, once per machine);
- a **fair baseline** on the same units: benchmarks/portfolio.py's script (what a
  competent user writes with pvlib, numpy and pandas: per-orientation profiles once per
  process, energysim's household profiles, the waterfall with numpy, each household's
  bill with pandas) on the same number of processes, interleaved with energysim in
  ``--parts`` parts (each starts its processes per part), its energy flows checked
  against energysim's batch summary, and the ratio (wall and CPU time);
- the extrapolation to 57,000 complexes x 2 rules on this machine and per core;
- the split of one unit's time by phase (in-process profile of ``--profile-units``),
  which says what stands in the way of the target;
- the local Dask scaling from 1 to 2 workers (``--dask-complexes`` complexes, one rule;
  efficiency = T1 / (2 x T2); cluster start-up included and also shown apart; 0 skips it);
- peak memory: the largest energysim worker, the largest worker of either run, this
  process;
- the targets, each met or not and how far off: <= 20 ms CPU per complex and rule per
  core; energysim >= 2x as fast as the fair baseline, wall and CPU; the national stock
  (57,000 complexes x 2 rules) in under 20 minutes on this machine (extrapolated from the
  wall time); Dask scaling from 1 to 2 workers >= 80%; a batch worker's peak < 500 MB;
- with ``--against REV``: this energysim against revision REV's, each as the command
  ``energysim batch`` on the same parts' complexes, interleaved (REV, this, this without
  the pool, REV, ...), their CPU time per unit (user + system of the command and its
  workers).

The households come from the batch's pool of household-years (energysim.inputs.household_pool;
on for a portfolio batch), and the baseline draws them from the same pool;
``--no-household-pool`` generates every household in both.

    python benchmarks/national.py [--complexes 1000] [--jobs 2] [--parts 2]
        [--dask-complexes 200] [--no-household-pool] [--against REV]
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import os
import pstats
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from _measure import (  # noqa: E402
    export_revision,
    print_baseline,
    print_check,
    print_peak,
    print_ratio,
    print_target,
)
from portfolio import (  # noqa: E402
    SETS,
    TEMPLATE,
    agreement,
    baseline_units,
    run_baseline,
    synthetic_portfolio,
)

from energysim.batch.runner import plan_batch, run_batch, run_unit  # noqa: E402

NATIONAL_COMPLEXES = 57_000
NATIONAL_DWELLINGS = 2_300_000
TARGET_CPU_MS = 20.0
"""CPU time per complex and rule per core, at most [ms]."""
TARGET_SPEEDUP = 2.0
"""The fair baseline's time / energysim's, wall and CPU, at least."""
TARGET_NATIONAL_MIN = 20.0
"""The national stock (57,000 complexes x 2 rules) on this machine, under [min]."""
TARGET_DASK_FRAC = 0.80
"""Dask scaling efficiency from 1 to 2 workers, T1 / (2 x T2), at least."""
TARGET_WORKER_MB = 500.0
"""A batch worker's peak resident memory, under [MB = 10^6 bytes]."""
MB_PER_MIB = 2**20 / 1e6
PHASES = {
    "scenario validation": "scenario.py:.*scenario_from_dict",
    "weather + per-kWp profiles (cache)": "array_generation.py:.*generation_kwh",
    "household profiles (generated)": "demand.py:.*household_profiles_kwh",
    "household profiles (pool)": "household_pool.py:.*profiles_kwh",
    "common installations": "common_installations.py:.*common_(profiles|connection)_kwh",
    "own strings + waterfall": "building.py:.*share_building",
    "bills, cash flows, accounts": "accounts.py:.*build_accounts",
    "summary": "results/tables.py:.*summary",
    "unit row written (JSON)": "publish.py:.*write_text_atomically",
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


def run_parts(plan, tmp: Path, jobs: int, parts: int) -> dict:
    """energysim's batch and the fair baseline on the same units, interleaved in
    ``parts`` (energysim, baseline, energysim, ...) so both see the same load; each
    starts its processes per part. Returns wall and CPU times, summaries and results."""
    out: dict = {"wall": 0.0, "cpu": 0.0, "base_wall": 0.0, "base_cpu": 0.0, "worker_mib": 0.0}
    out["main_cpu"], out["base_main_cpu"] = 0.0, 0.0
    out["summaries"], out["base"] = [], {}
    for k, part in enumerate(np.array_split(np.arange(len(plan.units)), parts)):
        sub = copy.copy(plan)
        sub.units = [plan.units[i] for i in part]
        before, before_self = _cpu(resource.RUSAGE_CHILDREN), _cpu(resource.RUSAGE_SELF)
        start = time.perf_counter()
        out["summaries"].append(run_batch(sub, tmp / f"out{k}", jobs=jobs))
        out["wall"] += time.perf_counter() - start
        # the pool's workers, joined; and this process: what the batch's main process
        # does (imports before it forks, reading the rows, writing the summary)
        mid, mid_self = _cpu(resource.RUSAGE_CHILDREN), _cpu(resource.RUSAGE_SELF)
        if k == 0:  # no baseline worker has run yet: the largest energysim worker
            out["worker_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        units = baseline_units(sub.units)
        start = time.perf_counter()
        out["base"].update(run_baseline(units, jobs))
        out["base_wall"] += time.perf_counter() - start
        after, after_self = _cpu(resource.RUSAGE_CHILDREN), _cpu(resource.RUSAGE_SELF)
        out["cpu"] += mid - before
        out["main_cpu"] += mid_self - before_self
        out["base_cpu"] += after - mid
        out["base_main_cpu"] += after_self - mid_self
    out["summary"] = pd.concat(out["summaries"], ignore_index=True)
    return out


def _cpu(who: int) -> float:
    """User + system CPU time of this process or of its joined children [s]."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def against_revision(rev: str, plan, tmp: Path, jobs: int, parts: int, pooled: bool) -> dict:
    """CPU time [s] of ``energysim batch`` of revision ``rev`` and of this tree (with the
    pool when ``pooled``, and without it), each a fresh command on the same parts'
    complexes, interleaved; also returns the units run and the summaries' agreement."""
    old_src = export_revision(rev, tmp / "against")
    table = pd.read_csv(tmp / "portfolio.csv", dtype=str, keep_default_na=False)
    arms = {f"{rev}": (old_src, [])}
    arms["this tree, pool" if pooled else "this tree"] = (REPO, [])
    if pooled:
        arms["this tree, no pool"] = (REPO, ["--no-household-pool"])
    cpu = dict.fromkeys(arms, 0.0)
    summaries: dict[str, list[pd.DataFrame]] = {name: [] for name in arms}
    env = dict(os.environ)
    splits = np.array_split(np.arange(len(table)), parts)
    # a first command of each arm on two complexes, untimed: its profile cache warm
    for k, rows in [(-1, np.arange(min(2, len(table))))] + list(enumerate(splits)):
        part_csv = tmp / f"against_part{k + 1}.csv"
        table.iloc[rows].to_csv(part_csv, index=False)
        for a, (name, (src, extra)) in enumerate(arms.items()):
            out = tmp / f"against{k + 1}_{a}"
            cmd = (
                [
                    sys.executable,
                    "-m",
                    "energysim.cli",
                    "batch",
                    str(TEMPLATE),
                    "--portfolio",
                    str(part_csv),
                    "--sweep",
                    "year=2026,2027",
                    "--jobs",
                    str(jobs),
                    "--out",
                    str(out),
                ]
                + [f"--set={x}" for x in SETS]
                + extra
            )
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            # from a neutral folder: `python -m` puts the working folder first on the path
            subprocess.run(
                cmd, check=True, capture_output=True, env={**env, "PYTHONPATH": str(src)}, cwd=tmp
            )
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if k >= 0:
                cpu[name] += after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                summaries[name].append(pd.read_csv(out / "batch_summary.csv"))
    frames = {name: pd.concat(s, ignore_index=True) for name, s in summaries.items()}
    return {"cpu": cpu, "units": len(frames[rev]), "summaries": frames}


def dask_scaling(plan, tmp: Path, n: int) -> tuple[dict[int, float], float, dict[int, float]]:
    """Wall time of ``n`` units on a local Dask cluster of 1 and 2 workers, the start of
    a 2-worker cluster alone, and the CPU time of each run (this process and its
    children: the cluster's processes once they end)."""
    dask_plan = copy.copy(plan)
    dask_plan.units = plan.units[:n]
    dask_wall, dask_cpu = {}, {}
    for workers in (1, 2):
        cpu = _cpu(resource.RUSAGE_CHILDREN) + _cpu(resource.RUSAGE_SELF)
        start = time.perf_counter()
        run_batch(dask_plan, tmp / f"dask{workers}", jobs=workers, executor="dask")
        dask_wall[workers] = time.perf_counter() - start
        dask_cpu[workers] = _cpu(resource.RUSAGE_CHILDREN) + _cpu(resource.RUSAGE_SELF) - cpu
    from distributed import Client, LocalCluster

    start = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as c:
        Client(c).close()
    return dask_wall, time.perf_counter() - start, dask_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complexes", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--parts", type=int, default=2)
    parser.add_argument("--dask-complexes", type=int, default=200)
    parser.add_argument("--profile-units", type=int, default=41)
    parser.add_argument(
        "--no-household-pool",
        action="store_true",
        help="generate every household (default: energysim and the baseline draw from the pool)",
    )
    parser.add_argument("--against", help="also time energysim batch of this git revision")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        os.environ["ENERGYSIM_CACHE_DIR"] = str(tmp / "cache")
        portfolio = tmp / "portfolio.csv"
        synthetic_portfolio(args.complexes, portfolio)
        sweep = ["year=2026,2027"]
        pooled = not args.no_household_pool
        plan = plan_batch(
            TEMPLATE, portfolio_path=portfolio, sets=SETS, sweeps=sweep, household_pool=pooled
        )
        # warm the profile cache (each orientation and year once; with the pool, every
        # household-year the portfolio draws), as on any run after the first
        warm = copy.copy(plan)
        warm.units = plan.units if pooled else plan.units[:60]
        run_batch(warm, tmp / "warm", jobs=args.jobs)
        timed = run_parts(plan, tmp, args.jobs, args.parts)
        timed["peak_any_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        against = (
            against_revision(args.against, plan, tmp, args.jobs, args.parts, pooled)
            if args.against
            else None
        )
        phases = profile_units(plan, tmp / "profile", args.profile_units)  # pooled as planned
        one_rule = plan_batch(TEMPLATE, portfolio_path=portfolio, sets=SETS, household_pool=pooled)
        dask = dask_scaling(one_rule, tmp, args.dask_complexes) if args.dask_complexes else None
        timed["peak_self_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report(args, plan, timed, phases, dask, against)


def report(args, plan, timed, phases, dask, against) -> None:
    summary, wall = timed["summary"], timed["wall"]
    # CPU of the workers and of the main process (what it does before and after them)
    cpu = timed["cpu"] + timed["main_cpu"]
    base_cpu = timed["base_cpu"] + timed["base_main_cpu"]
    units = len(plan.units)
    ok = int((summary["status"] == "ok").sum())
    per_unit_core_ms = wall * args.jobs / units * 1000
    per_unit_cpu_ms = cpu / units * 1000
    base_core_ms = timed["base_wall"] * args.jobs / units * 1000
    base_cpu_ms = base_cpu / units * 1000
    national_units = NATIONAL_COMPLEXES * units // len(summary["complex_id"].unique())
    national_core_s = per_unit_core_ms / 1000 * national_units
    worst = agreement(summary, timed["base"])
    print(
        f"national-stock benchmark: {args.complexes:,} complexes x 40 dwellings x 2 rules "
        f"(2026 net metering, 2027 without) = {units:,} units on {args.jobs} processes, "
        f"profile cache warm; energysim and the baseline interleaved in {args.parts} parts"
    )
    print(
        "households      : "
        + (
            "every household generated (--no-household-pool)"
            if args.no_household_pool
            else "from the batch's pool of household-years (energysim.inputs.household_pool), the "
            "baseline's from the same pool; --no-household-pool generates each"
        )
    )
    print(
        f"energysim batch : {wall:8.1f} s wall ({ok:,} units ok); {per_unit_core_ms:.1f} ms per "
        f"unit per core, CPU {per_unit_cpu_ms:.1f} ms (workers {timed['cpu'] / units * 1000:.1f}"
        f" ms + main process {timed['main_cpu'] / units * 1000:.1f} ms: plan's imports, the rows "
        "read, the summary written)"
    )
    print_baseline(
        f"{timed['base_wall']:.1f} s wall, {base_cpu:.1f} s CPU (benchmarks/"
        "portfolio.py's script: pvlib per orientation once per process, energysim's "
        f"household profiles, numpy waterfall, pandas bills; {args.jobs} processes); "
        f"{base_core_ms:.1f} ms per unit per core, CPU {base_cpu_ms:.1f} ms (workers "
        f"{timed['base_cpu'] / units * 1000:.1f} ms + main process "
        f"{timed['base_main_cpu'] / units * 1000:.1f} ms)"
    )
    print_check(
        f"energy flows of {len(timed['base']):,} units vs energysim's batch summary (relative)",
        worst,
        1e-9,
    )
    speed_wall, speed_cpu = timed["base_wall"] / wall, base_cpu / cpu
    print_ratio(f"baseline / energysim: wall {speed_wall:.2f} x, CPU {speed_cpu:.2f} x")
    national_wall_min = national_core_s / args.jobs / 60
    national_cpu_min = per_unit_cpu_ms / 1000 * national_units / args.jobs / 60
    print(
        f"per complex and rule per core: {per_unit_core_ms:6.1f} ms wall, CPU time "
        f"{per_unit_cpu_ms:.1f} ms (user + system: what a quiet machine's cores would spend)"
    )
    print(
        f"extrapolated to the national stock ({NATIONAL_COMPLEXES:,} complexes, "
        f"~{NATIONAL_DWELLINGS / 1e6:.1f} M dwellings, 2 rules = {national_units:,} units): "
        f"{national_core_s / 3600:.1f} core-hours = {national_wall_min:.0f} min on this "
        f"{args.jobs}-core machine; from the CPU time {national_cpu_min:.0f} min"
    )
    worker_mb = timed["worker_mib"] * MB_PER_MIB
    print_peak(
        f"largest energysim worker {timed['worker_mib']:,.0f} MiB = {worker_mb:,.0f} MB (first "
        f"part, before any baseline worker), largest worker of either "
        f"{timed['peak_any_mib']:,.0f} MiB, this process {timed['peak_self_mib']:,.0f} MiB"
    )
    print_target("CPU per complex and rule per core", per_unit_cpu_ms, TARGET_CPU_MS, " ms")
    print_target("baseline / energysim, wall", speed_wall, TARGET_SPEEDUP, "x", at_least=True)
    print_target("baseline / energysim, CPU", speed_cpu, TARGET_SPEEDUP, "x", at_least=True)
    print_target(
        f"national stock on this {args.jobs}-core machine (wall)",
        national_wall_min,
        TARGET_NATIONAL_MIN,
        " min",
    )
    if dask is not None:
        dask_wall = dask[0]
        print_target(
            "Dask scaling 1 -> 2 workers",
            dask_wall[1] / (2 * dask_wall[2]) * 100,
            TARGET_DASK_FRAC * 100,
            "%",
            at_least=True,
        )
    else:
        print("target     : Dask scaling 1 -> 2 workers: not measured (--dask-complexes 0)")
    print_target("a batch worker's peak memory", worker_mb, TARGET_WORKER_MB, " MB")
    if against is not None:
        n = against["units"]
        print(
            f"before/after ({n:,} units, `energysim batch` commands interleaved in {args.parts} "
            "parts, CPU of each command and its workers, import included):"
        )
        first = next(iter(against["cpu"].values()))
        for name, seconds in against["cpu"].items():
            print(
                f"  {name:<26}CPU {seconds / n * 1000:6.1f} ms per unit "
                f"({seconds / first:.2f} x of {args.against})"
            )
        # the earlier revision ran as its own default (with or without a pool, as it had
        # one or not): its summary is compared with each of this tree's arms
        (old_name, old_frame), *mine = against["summaries"].items()
        old = old_frame.drop(columns="scenario_hash")
        for name, frame in mine:
            new = frame.drop(columns="scenario_hash")
            differ = [c for c in old.columns if c not in new or not old[c].equals(new[c])]
            differ += [c for c in new.columns if c not in old]
            print(
                f"  batch summaries of {old_name} and {name}: "
                + (
                    "identical (but for scenario_hash)"
                    if not differ
                    else f"differ in {len(differ)} column(s), e.g. {differ[:3]} (expected "
                    "where the model changed since that revision, or the households were "
                    "drawn otherwise)"
                )
            )
    print(f"one unit's time by phase (in-process, mean of {args.profile_units - 1} units):")
    for name, seconds in phases.items():
        print(f"  {name:<36}{seconds * 1000:8.1f} ms")
    if dask is None:
        print("Dask LocalCluster: not run (--dask-complexes 0)")
    else:
        dask_wall, cluster_s, dask_cpu = dask
        eff = dask_wall[1] / (2 * dask_wall[2])
        print(
            f"Dask LocalCluster, {args.dask_complexes} complexes, one rule: 1 worker "
            f"{dask_wall[1]:.1f} s, 2 workers {dask_wall[2]:.1f} s, scaling efficiency "
            f"{eff:.0%} (a 2-worker cluster starts in {cluster_s:.1f} s, included); CPU "
            f"(cluster, workers, this process) {dask_cpu[1]:.1f} s and {dask_cpu[2]:.1f} s: "
            f"the second worker adds {dask_cpu[2] - dask_cpu[1]:.1f} s of its own start-up "
            "(on a busy machine the CPU times say more than the wall times)"
        )
    print(
        "how to re-run: python benchmarks/national.py "
        f"--complexes {args.complexes} --jobs {args.jobs} --parts {args.parts} "
        f"--dask-complexes {args.dask_complexes}"
        + (" --no-household-pool" if args.no_household_pool else "")
        + (f" --against {args.against}" if args.against else "")
    )


if __name__ == "__main__":
    main()
