"""Benchmark household profiles: 10,000 household-years at 15 minutes.

Generated in batches of 1,000 (each batch a (35,040 x 1,000) float64 array, 280 MB)
and discarded, as a portfolio run would. Prints the time and the peak traced memory.

    python benchmarks/households.py [--households 10000] [--batch 1000]
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from energysim.demand import draw_archetypes, household_profiles_kwh  # noqa: E402
from energysim.timeindex import year_index  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1_000)
    args = parser.parse_args()
    index = year_index(2026, 15, "Europe/Amsterdam")
    rng = np.random.default_rng(0)
    tracemalloc.start()
    start = time.perf_counter()
    total_kwh = 0.0
    for b in range(0, args.households, args.batch):
        n = min(args.batch, args.households - b)
        annual = rng.lognormal(np.log(2000), 0.35, n)
        profiles = household_profiles_kwh(index, annual, draw_archetypes(n, b), seed=b)
        total_kwh += float(profiles.sum())
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"household profiles: {args.households:,} household-years at 15 min ({len(index):,} steps)"
    )
    print(f"time {seconds:.1f} s  ({seconds / args.households * 1000:.2f} ms per household-year)")
    print(f"peak traced memory {peak / 2**20:,.0f} MiB (batches of {args.batch:,})")
    print(f"check: {total_kwh / 1e6:.2f} GWh generated")


if __name__ == "__main__":
    main()
