"""Benchmark what a shared battery adds to a portfolio run (target: under 30%).

Runs the synthetic portfolio of ``benchmarks/portfolio.py`` (40 dwellings per complex,
15 minutes, one year, waterfall and finance for every household) twice with
`energysim batch` machinery: as it is, and with a shared battery at every complex's
common connection (40 kWh, 20 kW, self-consumption dispatch, money per household and
owner). Prints the baseline (the same portfolio without a battery) with the wall time
and the CPU time of the worker processes of both (CPU time is the fairer figure on a
machine shared with other work; with ``--jobs 1`` the worker is this process), the
ratio, the peak memory (this process and the largest worker), and checks the results:
every unit ran, the battery runs have the same generation and a discharging battery,
and their allocated energy grew by exactly what the batteries delivered.

    python benchmarks/storage.py [--complexes 200] [--jobs 2] [--repeat 2]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from _measure import (  # noqa: E402
    max_rss_children_mib,
    max_rss_mib,
    print_baseline,
    print_check,
    print_peak,
    print_ratio,
)
from portfolio import TEMPLATE, synthetic_portfolio  # noqa: E402

from energysim.batch.runner import plan_batch, run_batch  # noqa: E402

BASE_SETS = ["buildings[0].members.count=0"]
BATTERY_SETS = [
    "buildings[0].battery.capacity_kwh=40",
    "buildings[0].battery.power_kw=20",
]


def worker_cpu_s(jobs: int) -> float:
    """CPU time so far of the processes that run the units [s]: the pool's workers
    (joined children), or this process when ``jobs`` is 1 (``run_batch`` runs the units
    in it)."""
    usage = resource.getrusage(resource.RUSAGE_SELF if jobs == 1 else resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_batch(
    portfolio: Path, out: Path, sets: list[str], jobs: int
) -> tuple[float, float, pd.DataFrame]:
    """Wall time, worker CPU time and summary of one batch."""
    cpu = worker_cpu_s(jobs)
    start = time.perf_counter()
    plan = plan_batch(TEMPLATE, portfolio_path=portfolio, sets=sets)
    summary = run_batch(plan, out, jobs=jobs)
    return time.perf_counter() - start, worker_cpu_s(jobs) - cpu, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complexes", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    best: dict[str, tuple[float, float]] = {}
    summaries: dict[str, pd.DataFrame] = {}
    with tempfile.TemporaryDirectory() as tmp:
        portfolio = Path(tmp) / "portfolio.csv"
        synthetic_portfolio(args.complexes, portfolio)
        for k in range(args.repeat):  # alternate, so slow phases of the machine hit both
            for name, sets in (("without", BASE_SETS), ("with", BASE_SETS + BATTERY_SETS)):
                wall, cpu, summary = timed_batch(
                    portfolio, Path(tmp) / f"{name}{k}", sets, args.jobs
                )
                old = best.get(name, (np.inf, np.inf))
                best[name] = (min(old[0], wall), min(old[1], cpu))
                summaries[name] = summary
    base, bat = summaries["without"], summaries["with"]
    assert (base["status"] == "ok").all() and (bat["status"] == "ok").all(), "failed units"
    assert (bat["storage.discharge_kwh"] > 0).all(), "a battery that never discharged"
    allocated = [c for c in base.columns if c.startswith("allocated_kwh.")]
    grown = bat[allocated].sum(axis=1) - base[allocated].sum(axis=1)
    delivered = bat["storage.delivered_kwh"]
    print(
        f"storage benchmark: {args.complexes:,} complexes x 40 households, 15 min, one year, "
        f"{args.jobs} worker processes, best of {args.repeat}; every unit ran"
    )
    for name in ("without", "with"):
        wall, cpu = best[name]
        print(f"{name:>7} battery : {wall:7.1f} s wall  {cpu:7.1f} s worker CPU")
    print_baseline("the same portfolio without a battery (above)")
    generation = base["generation_kwh"]
    same_generation = print_check(
        "generation with and without a battery, relative to max(generation, 1 kWh)",
        float((np.abs(bat["generation_kwh"] - generation) / np.maximum(generation, 1.0)).max()),
        1e-12,
    )
    balanced = print_check(
        "allocated energy grown with the battery vs what the batteries delivered, relative "
        "to max(delivered, 1 kWh)",
        float((np.abs(grown - delivered) / np.maximum(delivered, 1.0)).max()),
        1e-9,
    )
    wall_ratio = best["with"][0] / best["without"][0] - 1
    cpu_ratio = best["with"][1] / best["without"][1] - 1
    print_ratio(
        f"the battery adds {wall_ratio:+.1%} wall, {cpu_ratio:+.1%} worker CPU (target < 30%)"
    )
    worker = max_rss_mib() if args.jobs == 1 else max_rss_children_mib()
    print_peak(f"{max_rss_mib():,.0f} MiB this process, {worker:,.0f} MiB largest worker (max RSS)")
    print(
        f"self-consumption gain: mean {bat['storage.self_consumption_gain_frac'].mean():.3f}, "
        f"delivered {delivered.sum():,.0f} kWh in all"
    )
    if not (same_generation and balanced):
        raise SystemExit("storage benchmark: the runs with and without a battery disagree")


if __name__ == "__main__":
    main()
