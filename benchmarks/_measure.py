"""Timing and peak-memory helpers shared by the benchmark scripts."""

from __future__ import annotations

import resource
import time
import tracemalloc
from collections.abc import Callable
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
