"""Benchmark what a user waits for: `energysim validate` and `run` of the default scenario.

Each command is run as a fresh process (as a user runs it), alternating with the same
command of an earlier revision (``--against``, default: main before the memory and
start-up work, ``134504a``), so both see the same load; every figure is the median of
``--repeat`` runs with its spread.
Cases: ``validate``; ``run`` cold (empty profile cache: pvlib computes the weather,
solar position and per-kWp profiles); ``run`` warm (profiles from the cache); the
default earlier revision has no persistent cache, so its every run is cold (a later one
with the cache reads the same cache folder, warm after the first cold run). The earlier
revision runs its own default scenario (today's has fields it does not know). The outputs
of the two revisions are compared (``summary.json`` numbers, max relative difference). Also
prints which heavy modules each command imported, the CPU time (user + system: what the
command cost, less inflated than wall time when other jobs share the machine) and the
peak memory (max RSS). Both revisions run with their modules compiled to bytecode, as
an installed package is (the environment's ``PYTHONDONTWRITEBYTECODE`` is dropped).

The floor: ``python -c "import pandas"`` (numpy, pandas and the pyarrow it imports: what
any command that reads or writes a table pays) runs as a fresh process in every round
too, and the warm ``run`` and ``validate`` are given as multiples of it.

Targets: a warm ``run`` <= 1.8 x ``python -c "import pandas"`` (wall and CPU, in the same
rounds); and, as ratios to the earlier revision measured in the same run, warm ``run``
<= 0.375 (0.6 s where the earlier took 1.6 s), ``validate`` <= 0.4. Each is printed as
met or not met and how far off. CPU time here is the whole process's (user + system of
the child, its start and its exit included), as a user's command costs it.

After each warm run, a fresh process times the warm run phase by phase (importing numpy,
pandas with pyarrow, pydantic with the scenario model, the run's own modules; reading the
scenario, the run, writing the files; and the rest of the process: starting Python and
the command line, and its exit, where Python frees every object): what stands between
the run and its target. The load average is printed at the start and the end.

    python benchmarks/startup.py [--repeat 7] [--against REV]
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import (  # noqa: E402
    DEFAULT_AGAINST,
    REPO,
    ab_arguments,
    cache_env,
    compile_sources,
    export_revision,
    file_at,
    imported_by,
    numbers,
    print_baseline,
    print_check,
    print_peak,
    print_ratio,
    print_target,
    run_command,
    run_probe,
)

SCENARIO = REPO / "scenarios" / "rotterdam-galerijflat.toml"
TARGET_RUN_PER_PANDAS = 1.8
"""A warm ``run`` at most this many times ``python -c "import pandas"`` (wall and CPU)."""
TARGET_RUN_PER_BEFORE = 0.375
"""A warm ``run`` at most this share of the revision before the start-up work's."""
START_UP_BASELINE = DEFAULT_AGAINST
"""The revision before the start-up work, which the ratios to before are targets against."""
TARGET_VALIDATE_PER_BEFORE = 0.40
PANDAS = "import pandas (the floor)"
WORK = " (before the start-up work)"

HEAVY = ("pandas", "pyarrow", "scipy.optimize", "scipy.integrate", "pvlib", "holidays")

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


def _children_cpu_s() -> float:
    """User + system CPU time of every child process waited for so far [s]."""
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def import_pandas(env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU time [s] of ``python -c "import pandas"``, a fresh process (its start
    and exit included)."""
    cpu_before, start = _children_cpu_s(), time.perf_counter()
    subprocess.run([sys.executable, "-c", "import pandas"], check=True, env=env, cwd=REPO)
    return time.perf_counter() - start, _children_cpu_s() - cpu_before


def main() -> None:
    args = ab_arguments(__doc__, repeat=7)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        old_src = export_revision(args.against, tmp / "old")
        new_src = REPO
        compile_sources(old_src / "energysim", new_src / "energysim")
        cache = tmp / "cache"
        env = cache_env(cache)
        # the earlier revision runs its own default scenario (today's may hold fields it
        # does not know); validate of the earlier revision validates that one too
        old_scenario = file_at(
            args.against, "scenarios/rotterdam-galerijflat.toml", tmp / "old.toml"
        )
        val_old, val_new = ["validate", str(old_scenario)], ["validate", str(SCENARIO)]
        times: dict[str, list[float]] = {}
        cpu: dict[str, list[float]] = {}
        info: dict[str, dict] = {}
        phases: dict[str, list[list[float]]] = {}
        load_start = _load()

        def record(name: str, src: Path, cmd: list[str], fresh_cache: bool = False) -> None:
            if name not in info:  # the first round: which heavy modules it imports (untimed)
                if fresh_cache:
                    shutil.rmtree(cache, ignore_errors=True)
                info[name] = {"rss_mib": [], "imported": imported_by(src, cmd, env, HEAVY)}
            if fresh_cache:
                shutil.rmtree(cache, ignore_errors=True)
            figures = run_command(src, cmd, env)  # the whole process, start and exit too
            times.setdefault(name, []).append(figures["wall_s"])
            cpu.setdefault(name, []).append(figures["cpu_s"])
            info[name]["rss_mib"].append(figures["rss_mib"])

        for i in range(args.repeat):
            out_old, out_new = tmp / f"out-old-{i}", tmp / f"out-new-{i}"
            run_old = ["run", str(old_scenario), "--out", str(out_old)]
            run_new = ["run", str(SCENARIO), "--out", str(out_new)]
            wall, seconds = import_pandas({**env, "PYTHONPATH": str(new_src)})
            times.setdefault(PANDAS, []).append(wall)
            cpu.setdefault(PANDAS, []).append(seconds)
            record("validate, before", old_src, val_old)
            record("validate, now", new_src, val_new)
            record("run, before", old_src, run_old)
            record("run cold, now (empty cache)", new_src, run_new, fresh_cache=True)
            record("run warm, now (cached)", new_src, run_new)
            cpu_before = _children_cpu_s()
            wall, split = run_probe(new_src, PHASES, [str(SCENARIO), str(tmp / f"phases-{i}")], env)
            whole = _children_cpu_s() - cpu_before
            split["the rest: start Python, exit"] = [
                whole - sum(f[0] for f in split.values()),
                wall - sum(f[1] for f in split.values()),
            ]
            for phase, figures in split.items():
                phases.setdefault(phase, []).append(figures)
        name = SCENARIO.stem
        a = numbers(next((tmp / "out-old-0").glob("*/summary.json")))
        b = numbers(next((tmp / f"out-new-{args.repeat - 1}").glob("*/summary.json")))
        worst = max(abs(a[k] - b[k]) / max(1.0, abs(a[k])) for k in a.keys() & b.keys())
        missing = sorted(a.keys() ^ b.keys())
    report(args, name, times, cpu, info, phases, worst, missing, a.keys() & b.keys(), load_start)


def report(args, name, times, cpu, info, phases, worst, missing, common, load_start) -> None:
    """Print the figures, the baselines, the check, the ratios, the targets, the peak."""
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
        probe = info.get(case)
        print(
            f"{case:<30}{statistics.median(values):>9.2f}{min(values):>7.2f}{max(values):>7.2f}"
            f"{statistics.median(cpu[case]):>7.2f}"
            + (
                f"{max(probe['rss_mib']):>9.0f}  {', '.join(probe['imported']) or '-'}"
                if probe
                else f"{'':>9}  numpy, pandas, pyarrow"
            )
        )
    med = {
        what: {k: statistics.median(v) for k, v in figures.items()}
        for what, figures in (("wall", times), ("CPU", cpu))
    }
    print_baseline(
        f'python -c "import pandas": {med["wall"][PANDAS]:.2f} s wall, {med["CPU"][PANDAS]:.2f} '
        f"s CPU; {args.against}{WORK if args.against == START_UP_BASELINE else ''}: "
        f"run {med['wall']['run, before']:.2f} "
        f"s, validate {med['wall']['validate, before']:.2f} s wall"
    )
    print_check(f"summary.json before vs now, {len(common)} numbers (relative)", worst, 1e-9)
    if worst > 1e-9 or missing:
        print(
            (f"  keys only on one side: {missing[:5]}; " if missing else "  ")
            + f"expected where the model changed between {args.against} and now (CHANGELOG); "
            "--against main compares with the same model"
        )
    for what in ("wall", "CPU"):
        m = med[what]
        print_ratio(
            f"{what}: run warm {m['run warm, now (cached)'] / m[PANDAS]:.2f} x import pandas, "
            f"validate {m['validate, now'] / m[PANDAS]:.2f} x; run warm "
            f"{m['run warm, now (cached)'] / m['run, before']:.2f} x before, validate "
            f"{m['validate, now'] / m['validate, before']:.2f} x before"
        )
    for what in ("wall", "CPU"):
        m = med[what]
        print_target(
            f"run warm / import pandas, {what}",
            m["run warm, now (cached)"] / m[PANDAS],
            TARGET_RUN_PER_PANDAS,
            "x",
        )
    # the ratios to the revision before the start-up work are targets against that revision
    # only; against any other (say, main before a change) they are plain ratios, printed above
    for what in ("wall", "CPU") if args.against == START_UP_BASELINE else ():
        m = med[what]
        print_target(
            f"run warm / before, {what}",
            m["run warm, now (cached)"] / m["run, before"],
            TARGET_RUN_PER_BEFORE,
            "x",
        )
        print_target(
            f"validate / before, {what}",
            m["validate, now"] / m["validate, before"],
            TARGET_VALIDATE_PER_BEFORE,
            "x",
        )
    print("the warm run by phase (a fresh process, median of each phase; s):")
    print(f"  {'phase':<36}{'CPU':>7}{'wall':>7}")
    for phase, figures in phases.items():
        med_cpu = statistics.median(f[0] for f in figures)
        med_wall = statistics.median(f[1] for f in figures)
        print(f"  {phase:<36}{med_cpu:>7.3f}{med_wall:>7.3f}")
    total_cpu = sum(statistics.median(f[0] for f in v) for v in phases.values())
    total_wall = sum(statistics.median(f[1] for f in v) for v in phases.values())
    print(f"  {'sum (the whole process)':<36}{total_cpu:>7.3f}{total_wall:>7.3f}")
    print(
        f"  (the floor, import pandas as its own process: {med['CPU'][PANDAS]:.3f} s CPU; the "
        f"target allows the run {TARGET_RUN_PER_PANDAS * med['CPU'][PANDAS]:.3f} s CPU)"
    )
    peak = {
        when: max(
            max(v["rss_mib"]) for k, v in info.items() if k.endswith(when) or f"{when} (" in k
        )
        for when in ("before", "now")
    }
    print_peak(
        f"{peak['now']:,.0f} MiB now, {peak['before']:,.0f} MiB before (largest max RSS of "
        "a command's process)"
    )
    print(f"re-run: python benchmarks/startup.py --repeat {args.repeat} --against {args.against}")


if __name__ == "__main__":
    main()
