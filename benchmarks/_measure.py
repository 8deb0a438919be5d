"""Timing and peak-memory helpers shared by the benchmark scripts."""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tarfile
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


# The four lines every benchmark prints: what it is compared with, the check
# that both agree, the ratio and the peak memory, in the same words in every script.
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


def ab_arguments(doc: str, repeat: int) -> argparse.Namespace:
    """``--repeat`` and ``--against REV`` of a benchmark comparing with an earlier revision."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=repeat)
    parser.add_argument("--against", default=DEFAULT_AGAINST, help="git revision to compare")
    return parser.parse_args()
