"""Timing and peak-memory helpers shared by the benchmark scripts."""

from __future__ import annotations

import json
import resource
import subprocess
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


REPO = Path(__file__).resolve().parents[1]
DEFAULT_AGAINST = "134504a"
"""main when issue 19 started: the revision the A/B benchmarks compare with."""


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
