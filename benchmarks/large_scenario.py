"""Benchmark memory per participant: one 2,000-dwelling building with 500 members.

The default scenario scaled up (2,000 dwellings of which 1,500 take part, 500
neighbourhood members, roofs x25, per-dwelling strings): ``energysim run`` as a fresh
process, alternating with the same run of an earlier revision (``--against``, default:
main before the memory and start-up work, ``134504a``), so both see the same load.
Prints, per revision, the median and spread of wall time, user and system CPU time and
the peak resident memory (max RSS of the process), the ratios, and the check that both
give the same results (every number of summary.json and every column of
timeseries.parquet).

A run this large keeps its consumption in float32 (``energysim.inputs.preflight.
consumption_dtype``); one more run of today's code with float64 consumption
("now-f64", once) shows what that changes: its peak, and the largest difference of
every number of summary.json, participants.csv and timeseries.parquet.

Targets, each printed as met or not and how far off: peak under 1.5 GB (1,500 MB,
10^6 bytes: the stricter reading of "GB") and under half the earlier time (wall and
CPU).

    python benchmarks/large_scenario.py [--repeat 3] [--against REV]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import tomli_w

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import (  # noqa: E402
    REPO,
    ab_arguments,
    cache_env,
    export_revision,
    file_at,
    numbers,
    print_baseline,
    print_check,
    print_peak,
    print_ratio,
    print_target,
    run_command,
    run_probe,
)

PROBE_F64 = """
import json, resource, sys
import energysim.inputs.preflight as _p
_p.SINGLE_PRECISION_FROM_BYTES = float("inf")
from energysim.cli.main import main
rc = main(sys.argv[1:])
use = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"rc": rc, "user_s": use.ru_utime, "sys_s": use.ru_stime,
                  "rss_mib": use.ru_maxrss / 1024}))
"""
"""Today's run with its consumption in float64, in-process (the constant patched)."""
DWELLINGS, PARTICIPATING, MEMBERS, ROOF_SCALE = 2_000, 1_500, 500, 25
TARGET_PEAK_MB = 1_500.0
"""The run's peak resident memory, under [MB = 10^6 bytes]."""
MB_PER_MIB = 2**20 / 1e6


def large_scenario(path: Path, base: Path) -> int:
    """Write the default scenario ``base`` scaled up to ``path``; return its number of
    participants."""
    data = tomllib.loads(base.read_text())
    data["name"] = "large-2000"
    b = data["buildings"][0]
    b["dwellings"] = DWELLINGS
    b["tenants"]["participating"] = PARTICIPATING
    b["members"]["count"] = MEMBERS
    for array in b["arrays"]:
        for key in ("area_m2", "capacity_kwp"):
            if key in array:
                array[key] = array[key] * ROOF_SCALE
    for key in list(b["common"]):
        if key.endswith("_kwh_per_yr"):
            b["common"][key] = b["common"][key] * ROOF_SCALE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(data))
    return DWELLINGS + MEMBERS + 1


def run_once(src: Path, scenario: Path, out: Path, env: dict[str, str]) -> dict[str, float]:
    """``energysim run`` as a user runs it, a fresh process: its wall, CPU and max RSS."""
    return run_command(src, ["run", str(scenario), "--out", str(out)], env)


def run_f64(scenario: Path, out: Path, env: dict[str, str]) -> dict[str, float]:
    """Today's run with its consumption in float64 (:data:`PROBE_F64`)."""
    wall, figures = run_probe(REPO, PROBE_F64, ["run", str(scenario), "--out", str(out)], env)
    if figures["rc"] != 0:
        raise SystemExit(f"the float64 run failed with exit status {figures['rc']}")
    return {"wall_s": wall, **figures}


def largest_differences(a: Path, b: Path) -> dict[str, tuple[float, float]]:
    """Per output file of two run folders, the largest absolute difference of any
    number and the largest relative to ``max(1, |a|, |b|)`` (absolute below 1)."""
    out: dict[str, tuple[float, float]] = {}
    x, y = numbers(a / "summary.json"), numbers(b / "summary.json")
    keys = sorted(x.keys() & y.keys())
    frames = {
        "summary.json": (
            pd.Series([x[k] for k in keys], dtype=float),
            pd.Series([y[k] for k in keys], dtype=float),
        )
    }
    for name, read in (("participants.csv", pd.read_csv), ("timeseries.parquet", pd.read_parquet)):
        fa, fb = read(a / name), read(b / name)
        cols = [c for c in fa.columns if fa[c].dtype.kind == "f"]
        frames[name] = (fa[cols].stack(), fb[cols].stack())
    for name, (u, v) in frames.items():
        ua, va = u.to_numpy(dtype=float), v.to_numpy(dtype=float)
        diff = abs(ua - va)
        scale = np.maximum(1.0, np.maximum(abs(ua), abs(va)))
        out[name] = (float(diff.max()), float((diff / scale).max()))
    return out


def main() -> None:
    args = ab_arguments(__doc__, repeat=3)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        scenario = tmp / "large-2000.toml"
        n_participants = large_scenario(scenario, REPO / "scenarios" / "rotterdam-galerijflat.toml")
        # the earlier revision scales its own default scenario (today's may hold fields
        # it does not know)
        old_base = file_at(args.against, "scenarios/rotterdam-galerijflat.toml", tmp / "old.toml")
        scenarios = {"before": tmp / "before" / "large-2000.toml", "now": scenario}
        large_scenario(scenarios["before"], old_base)
        sources = {"before": export_revision(args.against, tmp / "old"), "now": REPO}
        env = cache_env(tmp / "cache")
        # warm the profile cache once, so "now" is timed as a user's second run is
        run_once(REPO, scenario, tmp / "warm", env)
        runs: dict[str, list[dict[str, float]]] = {"before": [], "now": []}
        for i in range(args.repeat):
            for name, src in sources.items():
                runs[name].append(run_once(src, scenarios[name], tmp / f"{name}-{i}", env))
        f64 = run_f64(scenario, tmp / "now-f64", env)
        folder = {name: next((tmp / f"{name}-0").glob("*/")) for name in sources}
        precision = largest_differences(next((tmp / "now-f64").glob("*/")), folder["now"])
        a, b = (numbers(folder[n] / "summary.json") for n in ("before", "now"))
        worst = max(abs(a[k] - b[k]) / max(1.0, abs(a[k])) for k in a.keys() & b.keys())
        ts_a, ts_b = (pd.read_parquet(folder[n] / "timeseries.parquet") for n in folder)
        ts_same = ts_a.equals(ts_b[ts_a.columns]) if set(ts_a) <= set(ts_b) else False

    print(
        f"large scenario: {DWELLINGS:,} dwellings ({PARTICIPATING:,} taking part) + "
        f"{MEMBERS} members = {n_participants:,} participants, 15 min, one year; "
        f"fresh process per run, median of {args.repeat} (min-max); before = {args.against}"
    )
    print(
        "how to re-run: python benchmarks/large_scenario.py [--repeat N] [--against REV]; "
        f"load average at the end: {os.getloadavg()[0]:.1f}"
    )
    print(f"{'':<8}{'wall s':>16}{'user s':>16}{'system s':>16}{'peak RSS MiB':>20}")
    med: dict[str, dict[str, float]] = {}
    for name, rows in runs.items():
        med[name] = {}
        cells = []
        for key in ("wall_s", "user_s", "sys_s", "rss_mib"):
            values = [r[key] for r in rows]
            med[name][key] = statistics.median(values)
            fmt = "{:,.0f}" if key == "rss_mib" else "{:.1f}"
            cells.append(
                f"{fmt.format(med[name][key])} ({fmt.format(min(values))}-"
                f"{fmt.format(max(values))})"
            )
        print(f"{name:<8}" + "".join(f"{c:>16}" for c in cells[:3]) + f"{cells[3]:>20}")
    r_time = med["now"]["wall_s"] / med["before"]["wall_s"]
    r_cpu = (med["now"]["user_s"] + med["now"]["sys_s"]) / (
        med["before"]["user_s"] + med["before"]["sys_s"]
    )
    peak = med["now"]["rss_mib"]
    peak_mb = peak * MB_PER_MIB
    print_baseline(
        f"{args.against} (before the memory work): {med['before']['wall_s']:.1f} s wall, "
        f"{med['before']['user_s'] + med['before']['sys_s']:.1f} s CPU, peak "
        f"{med['before']['rss_mib']:,.0f} MiB"
    )
    print_check(f"summary.json before vs now, {len(a.keys() & b.keys())} numbers", worst, 1e-9)
    print(
        f"             timeseries.parquet before vs now: {'identical' if ts_same else 'DIFFERS'}"
        + (
            ""
            if worst <= 1e-9 and ts_same
            else f" (expected where the model changed between {args.against} and now, see "
            "CHANGELOG; --against main compares with the same model)"
        )
    )
    print_ratio(f"now / before: wall {r_time:.2f}, CPU {r_cpu:.2f}")
    print_peak(
        f"{peak:,.0f} MiB = {peak_mb:,.0f} MB now (max RSS of the run's process), "
        f"{peak / n_participants * 1024:,.0f} KiB per participant"
    )
    print_target("peak memory", peak_mb, TARGET_PEAK_MB, " MB")
    print_target("now / before, wall", r_time, 0.5, "x")
    print_target("now / before, CPU", r_cpu, 0.5, "x")
    print(
        f"now-f64 (consumption in float64, once): peak {f64['rss_mib']:,.0f} MiB, CPU "
        f"{f64['user_s'] + f64['sys_s']:.1f} s; now (float32) against it, largest difference "
        + "; ".join(f"{n} {d:.1e} abs, {r:.1e} rel" for n, (d, r) in precision.items())
        + " (rel: to max(1, |x|))"
    )


if __name__ == "__main__":
    main()
