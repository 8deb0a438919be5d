"""Benchmark the allocation kernels: 35,040 intervals x 1,000 participants.

Prints, per key, the wall time and peak memory of the vectorised kernel and the ratio
against a straightforward per-interval Python implementation (the way one would write it
first). The baseline is timed on a subset of intervals and scaled linearly to the year;
the script says so. Targets on the project's 2-core machine: proportional and
static-export < 1 s, redistribute < 5 s, the full waterfall < 5 s, peak memory < 2 GiB.

    python benchmarks/allocation.py [--participants 1000] [--baseline-steps 500]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import measure  # noqa: E402

from energysim.allocation import (  # noqa: E402
    EqualKey,
    ProportionalKey,
    StaticKey,
    Tier,
    allocate,
    allocate_waterfall,
)


def baseline(g: np.ndarray, d: np.ndarray, key) -> np.ndarray:
    """Per-interval allocation with Python loops (redistribution by repeated passes)."""
    n, p = d.shape
    out = np.zeros((n, p))
    if isinstance(key, ProportionalKey):
        for t in range(n):
            total = sum(d[t])
            ratio = min(1.0, g[t] / total) if total > 0 else 0.0
            for i in range(p):
                out[t, i] = d[t, i] * ratio
        return out
    w = key.shares_frac if isinstance(key, StaticKey) else np.full(p, 1.0 / p)
    for t in range(n):
        left = g[t]
        need = list(d[t])
        got = [0.0] * p
        first = True
        while left > 1e-12:
            live = [i for i in range(p) if w[i] > 0 and need[i] > 1e-12]
            if not live:
                break
            wsum = sum(w[i] for i in live) if not first else 1.0
            give_total = 0.0
            for i in live:
                give = min(need[i], left * w[i] / wsum)
                got[i] += give
                need[i] -= give
                give_total += give
            left -= give_total
            first = False
            if key.variant == "export":
                break
        out[t] = got
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=35_040)
    parser.add_argument("--participants", type=int, default=1_000)
    parser.add_argument("--baseline-steps", type=int, default=300)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    n, p = args.steps, args.participants
    hour = (np.arange(n) % 96) / 4.0
    g = np.clip(np.sin((hour - 6) / 12 * np.pi), 0, None) * 0.5 * p * rng.uniform(0.2, 1.0, n)
    d = rng.gamma(1.5, 0.05, (n, p))
    shares = rng.dirichlet(np.ones(p)) * 0.95
    cases = [
        ("proportional", ProportionalKey()),
        ("static-export", StaticKey(shares, "export")),
        ("static-redistribute", StaticKey(shares, "redistribute")),
        ("equal-export", EqualKey("export")),
        ("equal-redistribute", EqualKey("redistribute")),
    ]
    print(f"allocation benchmark: {n:,} intervals x {p:,} participants (float64)")
    scale = n / args.baseline_steps
    print(f"baseline: per-interval Python loops on {args.baseline_steps} intervals, x{scale:.1f}")
    print(f"{'key':<22}{'time s':>9}{'peak MiB':>10}{'baseline s':>12}{'speed-up':>10}")
    sub = slice(0, args.baseline_steps)
    for name, key in cases:
        seconds, peak, _ = measure(lambda key=key: allocate(g, d, key))
        base_s, _, _ = measure(lambda key=key: baseline(g[sub], d[sub], key))
        base_s *= n / args.baseline_steps
        print(f"{name:<22}{seconds:>9.2f}{peak:>10.0f}{base_s:>12.1f}{base_s / seconds:>9.0f}x")

    third = p // 3
    tiers = [
        Tier("common", d[:, :1] * 20),
        Tier("tenants", d[:, 1 : 1 + third], ProportionalKey()),
        Tier(
            "members",
            d[:, 1 + third :],
            StaticKey(np.full(p - 1 - third, 1.0 / (p - 1 - third)), "redistribute"),
        ),
    ]
    seconds, peak, result = measure(lambda: allocate_waterfall(g, tiers))
    base = 0.0
    for t in tiers:
        bs, _, _ = measure(lambda t=t: baseline(g[sub], t.demand_kwh[sub], t.key))
        base += bs * n / args.baseline_steps
    name = "waterfall (3 tiers)"
    print(f"{name:<22}{seconds:>9.2f}{peak:>10.0f}{base:>12.1f}{base / seconds:>9.0f}x")
    total = sum(a.sum(axis=1) for a in result.allocated_kwh.values()) + result.export_kwh
    worst = np.abs(total - g).max()
    print(f"waterfall energy balance: max |allocated + export - generation| = {worst:.2e} kWh")


if __name__ == "__main__":
    main()
