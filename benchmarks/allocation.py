"""Benchmark the allocation kernels: 35,040 intervals x 1,000 participants.

For every key and variant, and for a 3-tier waterfall with caps, prints the time (CPU
time of this process, see :func:`clock`) of the vectorised kernel (best of ``--repeat``
runs, timed without memory tracing), its peak traced memory (a separate run under
tracemalloc, which sees numpy's buffers) and the ratio against a straightforward
per-interval implementation: a Python loop over intervals doing each interval's
arithmetic with numpy on one row, redistribution by
progressive filling (saturate whoever fits, re-divide the rest, repeat). The baseline
is timed on ``--baseline-steps`` intervals spread evenly over the year and scaled
linearly to all intervals; its results on those intervals are compared with the
kernel's (``max |diff|``).

Then a table of the redistribute kernel over participant counts (``--sizes``, 10 to
5,000): its time, the memory-bandwidth bound (reading the demand and writing the result
once: a copy of the demand into an allocated array, best of ``--repeat``), the kernel's
multiple of that bound, the same kernel at ``--against`` (an earlier revision, timed
interleaved with this one in the same process, with the largest difference between
their results: 0 means equal to the bit), and the per-interval numpy loop (timed on
``--baseline-steps`` intervals, scaled) with the ratio and the check that both agree.

Targets (2-core machine): proportional and static-export < 1 s, redistribute < 5 s,
full 3-tier waterfall < 5 s, peak memory < 2 GiB; redistribute within 20x of the
bandwidth bound at 1,000 participants and never slower than the per-interval loop.

    PYTHONPATH=. python benchmarks/allocation.py [--steps 35040] [--participants 1000]
        [--sizes 10 50 100 500 1000 2000 5000] [--against 76d3ac5] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import max_rss_mib, measure, module_at  # noqa: E402

from energysim.config.allocation_policy import EqualKey, ProportionalKey, ScheduleKey, StaticKey
from energysim.sharing.allocation import (
    Tier,
    allocate,
    allocate_equal,
    allocate_static,
    allocate_waterfall,
)

SCHEDULE_CSV = Path("schedule.csv")
"""The CSV a schedule key names; the kernels take its shares as an array."""


# --------------------------------------------------------------------------- baseline
def baseline_interval(g: float, d: np.ndarray, key: Any, w: np.ndarray | None) -> np.ndarray:
    """One interval, the way one writes it first."""
    if isinstance(key, ProportionalKey):
        total = d.sum()
        return d * min(1.0, g / total) if total > 0 else np.zeros_like(d)
    assert w is not None
    if key.variant == "export":
        return np.minimum(d, w * g)
    a = np.zeros_like(d)
    live = w > 0
    rest = g
    while live.any() and rest > 0:  # progressive filling
        w_live = np.where(live, w, 0.0)
        level = rest / w_live.sum()
        fits = live & (d <= w_live * level)
        if not fits.any():
            a[live] = w_live[live] * level
            break
        a[fits] = d[fits]
        rest -= d[fits].sum()
        live &= ~fits
    return a


def pure_python_interval(g: float, d: list[float], key: Any, w: list[float] | None) -> list[float]:
    """One interval in plain Python (lists and loops over participants)."""
    n_p = len(d)
    if isinstance(key, ProportionalKey):
        total = sum(d)
        ratio = min(1.0, g / total) if total > 0 else 0.0
        return [x * ratio for x in d]
    assert w is not None
    if key.variant == "export":
        return [min(d[i], w[i] * g) for i in range(n_p)]
    a = [0.0] * n_p
    live = [i for i in range(n_p) if w[i] > 0]
    rest = g
    while live and rest > 0:
        level = rest / sum(w[i] for i in live)
        fits = [i for i in live if d[i] <= w[i] * level]
        if not fits:
            for i in live:
                a[i] = w[i] * level
            break
        for i in fits:
            a[i] = d[i]
            rest -= d[i]
        fitting = set(fits)
        live = [i for i in live if i not in fitting]
    return a


def baseline(
    g: np.ndarray,
    d: np.ndarray,
    key: Any,
    rows: np.ndarray,
    pure: bool = False,
    schedule: np.ndarray | None = None,
) -> np.ndarray:
    """Per-interval loop over ``rows``; returns their allocation (``schedule``: a
    schedule key's shares per interval)."""
    n_p = d.shape[1]
    out = np.zeros((len(rows), n_p))
    static = np.asarray(key.shares_frac) if isinstance(key, StaticKey) else None
    for i, t in enumerate(rows):
        if static is not None:
            w = static
        elif isinstance(key, EqualKey):
            w = np.full(n_p, 1.0 / n_p)
        elif isinstance(key, ScheduleKey):
            assert schedule is not None
            w = schedule[t]
        else:
            w = None
        if pure:
            w_list = None if w is None else w.tolist()
            out[i] = pure_python_interval(float(g[t]), d[t].tolist(), key, w_list)
        else:
            out[i] = baseline_interval(g[t], d[t], key, w)
    return out


def baseline_waterfall(
    g: np.ndarray, tiers: list[Tier], rows: np.ndarray, pure: bool = False
) -> list[np.ndarray]:
    out = []
    left = g[rows].copy()
    full = np.zeros_like(g)
    for tier in tiers:
        reach = left.copy()
        if tier.cap_frac is not None:
            reach = np.minimum(reach, tier.cap_frac * g[rows])
        if tier.cap_kwh is not None:
            reach = np.minimum(reach, tier.cap_kwh)
        full[rows] = reach
        a = baseline(full, tier.demand_kwh, tier.key, rows, pure, tier.schedule_shares_frac)
        left = np.maximum(left - a.sum(axis=1), 0.0)
        out.append(a)
    return out


# --------------------------------------------------------------------------- timing
def clock() -> float:
    """CPU time of this process [s]: the kernels and baselines are single-threaded, so
    on a quiet machine it equals wall time, and on a shared one it is far less
    disturbed by other processes than wall time."""
    return time.process_time()


def best_time(func: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        func()
        best = min(best, clock() - start)
    return best


def profiles(n: int, p: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A year of 15-minute PV generation and household demand [kWh per interval].

    Demand: gamma-distributed, mean 0.075 kWh per quarter-hour (about 2,600 kWh a year)
    per participant. Generation: 0.4 kWp per participant (400 kWp for 1,000), clear-sky
    bell by time of day and season times a random cloud factor, so daytime intervals
    swing between shortage and surplus (the case where redistribution has work to do).
    """
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    hour = (t % 96) / 4.0
    season = 0.55 - 0.45 * np.cos(2 * np.pi * t / n)
    bell = np.clip(np.sin((hour - 6.0) / 12.0 * np.pi), 0.0, None) ** 1.5
    g = 0.4 * p * 0.25 * season * bell * rng.uniform(0.15, 1.0, n)
    d = rng.gamma(1.5, 0.05, (n, p))
    return g, d


KERNEL_BEFORE = "76d3ac5"
"""main before the redistribute kernel's changes of 2026-11-30 (an interval where nobody
saturates ends after one comparison, counts as bytes, export summed per block): the
scaling table's comparison. Any revision will do: its kernels are found where they were
(``energysim/allocation.py`` before the sub-packages, ``energysim/sharing/allocation.py``
after) and called through ``allocate_equal`` and ``allocate_static``, whose signatures
every revision shares."""


def load() -> str:
    """The load averages over 1, 5 and 15 minutes (shared machines: read ratios)."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=35_040)
    parser.add_argument(
        "--participants",
        type=int,
        nargs="+",
        default=[1_000, 50],
        help="one run per size (default: 1,000, the target; 50, a typical complex)",
    )
    parser.add_argument("--baseline-steps", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        default=[10, 50, 100, 500, 1_000, 2_000, 5_000],
        help="participant counts of the redistribute scaling table (none: skip it)",
    )
    parser.add_argument(
        "--against",
        default=KERNEL_BEFORE,
        help="git revision whose allocation kernels the scaling table times alongside",
    )
    args = parser.parse_args()
    print(f"how to re-run: PYTHONPATH=. python {' '.join(sys.argv)}  (load: {load()})")
    for p in args.participants:
        bench(args.steps, p, args)
        print()
    if args.sizes:
        scaling(args.steps, args.sizes, args)
        print()
    print(f"process peak RSS (inputs and baselines included): {max_rss_mib():,.0f} MiB")


def scaling(n: int, sizes: list[int], args: argparse.Namespace) -> None:
    """Redistribute kernel against the bandwidth bound, the kernel at ``--against`` and
    the per-interval loop."""
    before = module_at(args.against, "energysim.sharing.allocation", "energysim.allocation")
    rows = np.linspace(0, n - 1, args.baseline_steps).astype(np.int64)
    scale = n / len(rows)
    print(
        f"redistribute over participant counts: {n:,} intervals; bound = read demand + "
        f"write result once (copy); before = the kernel at {args.against}, timed "
        "interleaved (best of each); loop = per-interval numpy loop on "
        f"{len(rows)} intervals, scaled x{scale:.1f}; load {load()}"
    )
    print(
        f"{'participants':>12}  {'key':<7}{'time s':>8}{'bound s':>9}{'x bound':>8}"
        f"{'before s':>9}{'x bound':>8}{'now/before':>11}{'|now-before|':>13}"
        f"{'loop s':>8}{'loop/kernel':>12}{'max|diff|':>10}"
    )
    for p in sizes:
        g, d = profiles(n, p)
        shares = np.random.default_rng(1).dirichlet(np.ones(p)) * 0.95
        out = np.empty_like(d)
        bound = best_time(lambda d=d, out=out: np.copyto(out, d), args.repeat)
        kernels = (
            (
                "equal",
                EqualKey(variant="redistribute"),
                lambda g, d: allocate_equal(g, d, "redistribute"),
                lambda g, d: before.allocate_equal(g, d, "redistribute"),
            ),
            (
                "static",
                StaticKey(shares_frac=shares, variant="redistribute"),
                lambda g, d, w=shares: allocate_static(g, d, w, "redistribute"),
                lambda g, d, w=shares: before.allocate_static(g, d, w, "redistribute"),
            ),
        )
        for name, key, kernel, kernel_before in kernels:
            now_s = before_s = float("inf")
            for _ in range(args.repeat):  # interleaved: both see the same load
                now_s = min(now_s, best_time(lambda k=kernel, g=g, d=d: k(g, d), 1))
                before_s = min(before_s, best_time(lambda k=kernel_before, g=g, d=d: k(g, d), 1))
            result = kernel(g, d)
            old = kernel_before(g, d)
            apart = max(
                float(np.abs(result.allocated_kwh - old.allocated_kwh).max(initial=0.0)),
                float(np.abs(result.export_kwh - old.export_kwh).max(initial=0.0)),
            )
            del old
            start = clock()
            expected = baseline(g, d, key, rows)
            loop_s = (clock() - start) * scale
            diff = float(np.abs(result.allocated_kwh[rows] - expected).max(initial=0.0))
            print(
                f"{p:>12,}  {name:<7}{now_s:>8.3f}{bound:>9.3f}{now_s / bound:>7.1f}x"
                f"{before_s:>9.3f}{before_s / bound:>7.1f}x{now_s / before_s:>10.2f}x"
                f"{apart:>13.1e}{loop_s:>8.2f}{loop_s / now_s:>11.1f}x{diff:>10.1e}"
            )
            del result
        del g, d, out
    print("  (|now-before| 0.0e+00: results equal to the bit, allocation and export)")


def bench(n: int, p: int, args: argparse.Namespace) -> None:
    """All cases for ``n`` intervals and ``p`` participants."""
    g, d = profiles(n, p)
    rng = np.random.default_rng(1)
    shares = rng.dirichlet(np.ones(p)) * 0.95
    schedule = rng.dirichlet(np.ones(p), n)
    # worst case for redistribution: every interval is short of energy, none is at night
    g_short = d.sum(axis=1) * rng.uniform(0.05, 0.95, n)
    rows = np.linspace(0, n - 1, args.baseline_steps).astype(np.int64)
    scale = n / len(rows)
    print(f"allocation benchmark: {n:,} intervals x {p:,} participants (float64)")
    print(f"numpy {np.__version__}, Python {platform.python_version()}, {platform.machine()}")
    day = g > 0
    short = int((day & (g < d.sum(axis=1))).sum())
    print(f"profile: {int(day.sum()):,} daylight intervals, {short:,} of them short of energy")
    print(
        f"baselines on {len(rows)} intervals spread over the year, times scaled x{scale:.1f}"
        " to all intervals:\n  loop = Python loop over intervals, numpy on each row;"
        "\n  pure = Python loops over intervals and participants (lists)"
    )
    print(
        f"{'case':<38}{'time s':>7}{'peak MiB':>9}{'loop s':>8}{'x':>6}{'pure s':>8}{'x':>6}"
        f"{'max|diff|':>10}"
    )

    def report(
        name: str,
        kernel: Callable[[], Any],
        base: Callable[[bool], list[np.ndarray]],
        got: Callable[[Any], list[np.ndarray]],
    ) -> Any:
        seconds = best_time(kernel, args.repeat)
        _, peak, result = measure(kernel)
        timings = []
        diff = 0.0
        for pure in (False, True):
            start = clock()
            expected = base(pure)
            timings.append((clock() - start) * scale)
            for a, b in zip(got(result), expected, strict=True):
                diff = max(diff, float(np.abs(a[rows] - b).max(initial=0.0)))
        loop_s, pure_s = timings
        print(
            f"{name:<38}{seconds:>7.3f}{peak:>9.0f}{loop_s:>8.2f}{loop_s / seconds:>5.0f}x"
            f"{pure_s:>8.2f}{pure_s / seconds:>5.0f}x{diff:>10.1e}"
        )
        return result

    static = StaticKey(shares_frac=shares, variant="export")
    static_r = StaticKey(shares_frac=shares, variant="redistribute")
    equal_r = EqualKey(variant="redistribute")
    cases: list[tuple[str, np.ndarray, Any, np.ndarray | None]] = [
        ("proportional", g, ProportionalKey(), None),
        ("static export", g, static, None),
        ("static redistribute", g, static_r, None),
        ("equal export", g, EqualKey(variant="export"), None),
        ("equal redistribute", g, equal_r, None),
        ("schedule export", g, ScheduleKey(path=SCHEDULE_CSV, variant="export"), schedule),
        (
            "schedule redistribute",
            g,
            ScheduleKey(path=SCHEDULE_CSV, variant="redistribute"),
            schedule,
        ),
        ("static redistribute, every interval short", g_short, static_r, None),
        ("equal redistribute, every interval short", g_short, equal_r, None),
    ]
    for name, gen, key, by_step in cases:
        report(
            name[:38],
            lambda gen=gen, key=key, s=by_step: allocate(gen, d, key, schedule_shares_frac=s),
            lambda pure, gen=gen, key=key, s=by_step: [baseline(gen, d, key, rows, pure, s)],
            lambda result: [result.allocated_kwh],
        )

    n_tenants = p * 3 // 10
    cap_kwh = 0.06 * p  # per interval; binds around midday
    tiers = [
        Tier("common", d[:, :1] * 20, ProportionalKey()),
        Tier(
            "tenants",
            d[:, 1 : 1 + n_tenants],
            StaticKey(shares_frac=np.full(n_tenants, 1.0 / n_tenants), variant="redistribute"),
            cap_frac=0.7,
        ),
        Tier("members", d[:, 1 + n_tenants :], equal_r, cap_kwh=cap_kwh),
    ]
    result = report(
        "waterfall: 3 tiers with caps",
        lambda: allocate_waterfall(g, tiers),
        lambda pure: baseline_waterfall(g, tiers, rows, pure),
        lambda result: [result.allocated_kwh[t.name] for t in tiers],
    )
    print(
        f"  tiers: common 1 x proportional; tenants {n_tenants} x static-redistribute, cap 70%"
        f" of G; members {p - 1 - n_tenants} x equal-redistribute, cap {cap_kwh:.3g} kWh"
    )
    total = sum(a.sum(axis=1) for a in result.allocated_kwh.values()) + result.export_kwh
    worst = np.abs(total - g).max() / max(1.0, g.max())
    print(f"waterfall balance: max |allocated + export - generation| / max G = {worst:.1e}")


if __name__ == "__main__":
    main()
