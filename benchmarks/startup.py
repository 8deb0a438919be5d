"""Benchmark what a user waits for: `energysim validate` and `run` of the default scenario.

Each command is run as a fresh process (as a user runs it), alternating with the same
command of an earlier revision (``--against``, default: main before the memory and
start-up work, ``134504a``), so both see the same load; every figure is the median of
``--repeat`` runs with its spread.
Cases: ``validate``; ``run`` cold (empty profile cache: pvlib computes the weather,
solar position and per-kWp profiles); ``run`` warm (profiles from the cache); the
default earlier revision has no persistent cache, so its every run is cold (a later one
with the cache reads the same cache folder, warm after the first cold run). The outputs of the
two revisions are compared (``summary.json`` numbers, max relative difference). Also
prints which heavy modules each command imported, the CPU time (user + system: what the
command cost, less inflated than wall time when other jobs share the machine) and the
peak memory (max RSS). Both revisions run with their modules compiled to bytecode, as
an installed package is (the environment's ``PYTHONDONTWRITEBYTECODE`` is dropped).

Targets (ratio to the earlier revision measured in the same run): warm
``run`` <= 0.6 s where the earlier took 1.6 s (ratio <= 0.375), ``validate`` <= 0.4 s
where it took 1.0 s (ratio <= 0.4). After each warm run, a fresh process times the warm
run phase by phase (importing numpy, pandas with pyarrow, pydantic with the scenario
model, the run's own modules; reading the scenario, the run, writing the files): what
stands between the run and its target. The load average is printed at the start and
the end.

    python benchmarks/startup.py [--repeat 7] [--against REV]
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import (  # noqa: E402
    REPO,
    ab_arguments,
    cache_env,
    compile_sources,
    export_revision,
    numbers,
    print_peak,
    run_probe,
)

SCENARIO = REPO / "scenarios" / "rotterdam-galerijflat.toml"

PROBE = """
import json, resource, runpy, sys, time
start = time.perf_counter()
try:  # as `python -m energysim.cli` runs the command, in every revision
    runpy.run_module("energysim.cli", run_name="__main__", alter_sys=True)
    rc = 0
except SystemExit as exc:
    rc = exc.code
heavy = ("pandas", "pyarrow", "scipy.optimize", "scipy.integrate", "pvlib", "holidays")
use = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"rc": rc, "imported": [m for m in heavy if m in sys.modules],
                  "cpu_s": use.ru_utime + use.ru_stime, "rss_mib": use.ru_maxrss / 1024}))
"""

PHASES = """
import json, sys, time
from pathlib import Path
cpu, wall, out = time.process_time, time.perf_counter, {}
def phase(name, since):
    out[name] = [cpu() - since[0], wall() - since[1]]
    return cpu(), wall()
t = cpu(), wall()
import numpy
t = phase("import numpy", t)
import pandas
t = phase("import pandas (+ pyarrow)", t)
import energysim.config.scenario
t = phase("import pydantic + scenario model", t)
from energysim import simulate
from energysim.cli.summary import format_summary
from energysim.results import outputs, tables
t = phase("import the run's modules", t)
scenario = energysim.config.scenario.load_scenario(sys.argv[1])
t = phase("read the scenario", t)
result = simulate.run(scenario)
t = phase("run (warm profile cache)", t)
outputs.write_run(result, Path(sys.argv[2]))
t = phase("write the files", t)
text = format_summary(tables.summary(result))
t = phase("summary", t)
print(json.dumps(out))
"""
"""The warm run phase by phase, in a fresh process: CPU and wall time [s] of each."""


def _load() -> str:
    return "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    args = ab_arguments(__doc__, repeat=7)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        old_src = export_revision(args.against, tmp / "old")
        new_src = REPO
        compile_sources(old_src / "energysim", new_src / "energysim")
        cache = tmp / "cache"
        env = cache_env(cache)
        val = ["validate", str(SCENARIO)]
        times: dict[str, list[float]] = {}
        cpu: dict[str, list[float]] = {}
        info: dict[str, dict] = {}
        phases: dict[str, list[list[float]]] = {}
        load_start = _load()

        def record(name: str, src: Path, cmd: list[str], fresh_cache: bool = False) -> None:
            if fresh_cache:
                shutil.rmtree(cache, ignore_errors=True)
            wall, probe = run_probe(src, PROBE, cmd, env)
            times.setdefault(name, []).append(wall)
            cpu.setdefault(name, []).append(probe["cpu_s"])
            info[name] = probe

        for i in range(args.repeat):
            out_old, out_new = tmp / f"out-old-{i}", tmp / f"out-new-{i}"
            run_old = ["run", str(SCENARIO), "--out", str(out_old)]
            run_new = ["run", str(SCENARIO), "--out", str(out_new)]
            record("validate, before", old_src, val)
            record("validate, now", new_src, val)
            record("run, before", old_src, run_old)
            record("run cold, now (empty cache)", new_src, run_new, fresh_cache=True)
            record("run warm, now (cached)", new_src, run_new)
            _, split = run_probe(new_src, PHASES, [str(SCENARIO), str(tmp / f"phases-{i}")], env)
            for phase, figures in split.items():
                phases.setdefault(phase, []).append(figures)
        name = SCENARIO.stem
        a = numbers(next((tmp / "out-old-0").glob("*/summary.json")))
        b = numbers(next((tmp / f"out-new-{args.repeat - 1}").glob("*/summary.json")))
        worst = max(abs(a[k] - b[k]) / max(1.0, abs(a[k])) for k in a.keys() & b.keys())
        missing = sorted(a.keys() ^ b.keys())

    print(
        f"startup benchmark: default scenario ({name}), each command a fresh process, "
        f"median of {args.repeat} (min-max); before = {args.against}; {load_start} at the "
        f"start, {_load()} at the end"
    )
    print(
        f"{'case':<30}{'median s':>9}{'min':>7}{'max':>7}{'CPU s':>7}{'RSS MiB':>9}"
        "  heavy modules imported"
    )
    for case, values in times.items():
        print(
            f"{case:<30}{statistics.median(values):>9.2f}{min(values):>7.2f}{max(values):>7.2f}"
            f"{statistics.median(cpu[case]):>7.2f}{info[case]['rss_mib']:>9.0f}  "
            f"{', '.join(info[case]['imported']) or '-'}"
        )
    for what, figures in (("wall", times), ("CPU", cpu)):
        med = {k: statistics.median(v) for k, v in figures.items()}
        r_val = med["validate, now"] / med["validate, before"]
        r_run = med["run warm, now (cached)"] / med["run, before"]
        print(
            f"{what:>4}: validate {r_val:.2f} x before (target <= 0.40: "
            f"{'met' if r_val <= 0.40 else 'NOT met'}); run warm {r_run:.2f} x before "
            f"(target <= 0.375: {'met' if r_run <= 0.375 else 'NOT met'})"
        )
    print("the warm run by phase (a fresh process, median of each phase; s):")
    print(f"  {'phase':<36}{'CPU':>7}{'wall':>7}")
    for phase, figures in phases.items():
        med_cpu = statistics.median(f[0] for f in figures)
        med_wall = statistics.median(f[1] for f in figures)
        print(f"  {phase:<36}{med_cpu:>7.3f}{med_wall:>7.3f}")
    total_cpu = sum(statistics.median(f[0] for f in v) for v in phases.values())
    total_wall = sum(statistics.median(f[1] for f in v) for v in phases.values())
    print(f"  {'sum (without starting Python)':<36}{total_cpu:>7.3f}{total_wall:>7.3f}")
    print(
        f"results: summary.json before vs now, max relative difference {worst:.1e} over "
        f"{len(a.keys() & b.keys())} numbers (tolerance 1e-9)"
        + (f"; keys only on one side: {missing[:5]}" if missing else "")
        + (
            ""
            if worst <= 1e-9 and not missing
            else f"\n  (expected where the model changed between {args.against} and now, see "
            "CHANGELOG; --against main compares with the same model)"
        )
    )
    peak = {
        when: max(v["rss_mib"] for k, v in info.items() if k.endswith(when) or f"{when} (" in k)
        for when in ("before", "now")
    }
    print_peak(
        f"{peak['now']:,.0f} MiB now, {peak['before']:,.0f} MiB before (largest max RSS of "
        "a command's process)"
    )
    print(f"re-run: python benchmarks/startup.py --repeat {args.repeat} --against {args.against}")


if __name__ == "__main__":
    main()
