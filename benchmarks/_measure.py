"""Timing and peak-memory helpers shared by the benchmark scripts."""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any


def measure(func: Callable[[], Any], *, repeat: int = 1) -> tuple[float, float, Any]:
    """Run ``func`` and return (best wall time [s], peak traced memory [MiB], result).

    Peak memory is what numpy and Python allocate while ``func`` runs (tracemalloc
    traces numpy's buffers), measured on the last repetition.
    """
    best = float("inf")
    result = None
    peak_mib = 0.0
    for _ in range(repeat):
        tracemalloc.start()
        start = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        best = min(best, elapsed)
        peak_mib = peak / 2**20
    return best, peak_mib, result


def max_rss_mib() -> float:
    """Peak resident set size of this process so far [MiB] (Linux ru_maxrss is KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def max_rss_children_mib() -> float:
    """Peak resident set size of the largest child process waited for so far [MiB]
    (a process pool's workers, once joined)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


# The lines every benchmark prints: what it is compared with, the check that both
# agree, the ratio, the peak memory and each target met or not (how far off), in the
# same words in every script.
def print_baseline(text: str) -> None:
    """``baseline   : text`` (what energysim is compared with, and its figure)."""
    print(f"baseline   : {text}")


def print_check(what: str, worst: float, tolerance: float, unit: str = "") -> bool:
    """``check      : what, max |difference| ... (tolerance ...): agree`` (or DIFFER);
    returns whether they agree."""
    agree = worst <= tolerance
    print(
        f"check      : {what}: max |difference| {worst:.1e}{unit} (tolerance "
        f"{tolerance:.0e}{unit}): {'agree' if agree else 'DIFFER'}"
    )
    return agree


def print_ratio(text: str) -> None:
    """``ratio      : text`` (baseline / energysim, or what energysim adds)."""
    print(f"ratio      : {text}")


def print_peak(text: str | None = None) -> None:
    """``peak memory: text``; by default this process's peak RSS."""
    print(f"peak memory: {text or f'{max_rss_mib():,.0f} MiB (this process, max RSS)'}")


def print_target(
    what: str, value: float, limit: float, unit: str = "", *, at_least: bool = False
) -> bool:
    """``target     : what value (<= limit): met`` or ``NOT met (how far off)``.

    Parameters
    ----------
    what : str
        The target's name, e.g. ``"CPU per unit per core"``.
    value : float
        The measured figure [unit].
    limit : float
        The target's limit [unit]: at most (default) or, with ``at_least``, at least.
    unit : str
        The unit printed after both figures (``" ms"``, ``"x"``, ``" MiB"``).
    at_least : bool
        The figure must be at least ``limit`` (a speed-up, a scaling efficiency).

    Returns
    -------
    bool
        Whether the target is met. How far off is the ratio of the figure to the limit
        (at most) or of the limit to the figure (at least), and their difference.
    """
    met = value >= limit if at_least else value <= limit
    sign = ">=" if at_least else "<="
    head = f"target     : {what} {value:,.2f}{unit} ({sign} {limit:,.2f}{unit}): "
    if met:
        print(head + "met")
        return met
    if at_least:
        off = f"{limit / value:.1f}x short, {limit - value:,.2f}{unit} to go" if value > 0 else ""
    else:
        off = f"{value / limit:.1f}x the limit, {value - limit:,.2f}{unit} over"
    print(head + f"NOT met ({off})")
    return met


REPO = Path(__file__).resolve().parents[1]
DEFAULT_AGAINST = "134504a"
"""main before the memory and start-up work: the revision the A/B benchmarks compare with."""


def export_revision(rev: str, dest: Path) -> Path:
    """The ``energysim`` package of ``rev`` unpacked under ``dest`` (git archive)."""
    data = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", rev, "energysim"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def file_at(rev: str, path: str, dest: Path) -> Path:
    """The file ``path`` (relative to the repository) as it was at ``rev``, written to
    ``dest``: an earlier revision runs its own example scenario, since today's may hold
    fields it does not know."""
    data = subprocess.run(
        ["git", "-C", str(REPO), "show", f"{rev}:{path}"], capture_output=True, check=True
    ).stdout
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)
    return dest


def module_at(rev: str, *names: str) -> Any:
    """The first of the ``energysim`` modules ``names`` that exists at ``rev`` (a module
    that moved has one name per layout), imported in this process from that revision's
    whole package, beside this checkout's: to time an earlier kernel interleaved with
    today's. The module's own imports of ``energysim`` resolve to the revision's package;
    afterwards ``energysim`` is this checkout's again."""
    import importlib
    import tempfile

    def exists(name: str) -> bool:
        path = name.replace(".", "/") + ".py"
        probe = ["git", "-C", str(REPO), "cat-file", "-e", f"{rev}:{path}"]
        return subprocess.run(probe, capture_output=True).returncode == 0

    name = next((n for n in names if exists(n)), None)
    if name is None:
        raise SystemExit(f"module_at: none of {', '.join(names)} exists at {rev}")
    folder = export_revision(rev, Path(tempfile.mkdtemp(prefix="energysim-at-")))

    def ours(key: str) -> bool:
        return key == "energysim" or key.startswith("energysim.")

    current = {k: m for k, m in sys.modules.items() if ours(k)}
    for key in current:
        del sys.modules[key]
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(folder))
        for key in [k for k in sys.modules if ours(k)]:
            del sys.modules[key]
        sys.modules.update(current)


def numbers(path: Path) -> dict[str, float]:
    """Every number of a summary.json, by its dotted key."""
    out: dict[str, float] = {}

    def walk(prefix: str, v: object) -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                walk(f"{prefix}.{k}" if prefix else k, x)
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(f"{prefix}[{i}]", x)
        elif isinstance(v, int | float) and not isinstance(v, bool):
            out[prefix] = float(v)

    walk("", json.loads(path.read_text()))
    return out


def cache_env(folder: Path) -> dict[str, str]:
    """This environment with energysim's profile cache in ``folder`` and switched on, and
    Python's bytecode cache allowed (``PYTHONDONTWRITEBYTECODE`` removed): an installed
    package has its modules compiled, so a user's command does not compile them at every
    start, and neither does a timed one (see :func:`compile_sources`)."""
    drop = {"ENERGYSIM_NO_CACHE", "PYTHONDONTWRITEBYTECODE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["ENERGYSIM_CACHE_DIR"] = str(folder)
    return env


def compile_sources(*folders: Path) -> None:
    """Write the bytecode of every module under ``folders``, as ``pip install`` does, so
    the first timed run of each revision does not pay for compiling it."""
    import compileall

    for folder in folders:
        compileall.compile_dir(folder, quiet=1, force=False)


def run_probe(
    src: Path, probe: str, args: list[str], env: dict[str, str]
) -> tuple[float, dict[str, Any]]:
    """Run ``probe`` (Python code printing one JSON line last) in a fresh process with the
    ``energysim`` of ``src`` first on the path; return its wall time [s] and that line."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", probe, *args],
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(src)},
        cwd=src,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{src}: energysim {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return wall, json.loads(done.stdout.strip().splitlines()[-1])


def run_command(src: Path, args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run ``python -m energysim.cli ARGS`` with the ``energysim`` of ``src`` as a fresh
    process, as a user runs the command, its output discarded.

    Returns
    -------
    dict
        ``wall_s`` [s]; the process's own ``user_s``, ``sys_s`` and ``cpu_s`` (their sum)
        [s] and ``rss_mib`` (max RSS) [MiB], from ``os.wait4``: the whole process, its
        start and its exit included.

    Raises
    ------
    SystemExit
        When the command fails (its exit status is not 0), with the end of its stderr.
    """
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "energysim.cli", *args],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env={**env, "PYTHONPATH": str(src)},
            cwd=src,
        )
        _, status, use = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            text = err.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"{src}: energysim {' '.join(args)} failed:\n{text}")
    return {
        "wall_s": wall,
        "user_s": use.ru_utime,
        "sys_s": use.ru_stime,
        "cpu_s": use.ru_utime + use.ru_stime,
        "rss_mib": use.ru_maxrss / 1024,
    }


def imported_by(src: Path, args: list[str], env: dict[str, str], names: tuple[str, ...]) -> list:
    """Which of the modules ``names`` the command ``energysim ARGS`` imports (from
    ``python -X importtime``'s report, so the command runs unchanged)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "energysim.cli", *args],
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(src)},
        cwd=src,
    )
    seen = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }
    return [name for name in names if name in seen]


def ab_arguments(doc: str, repeat: int) -> argparse.Namespace:
    """``--repeat`` and ``--against REV`` of a benchmark comparing with an earlier revision."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=repeat)
    parser.add_argument("--against", default=DEFAULT_AGAINST, help="git revision to compare")
    return parser.parse_args()
