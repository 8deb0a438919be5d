"""Benchmark household profiles: 10,000 household-years at 15 minutes.

Generated in batches of 1,000 (each batch a (35,040 x 1,000) float64 array, 280 MB)
and discarded, as a portfolio run would. Prints energysim's time and peak traced
memory against a **fair baseline**: the same model (``energysim.inputs.demand``: the E1A day
shape x archetype activity x shift, lognormal day factors, quarter-hour noise,
appliance events of fixed power whose number follows the annual kWh, the connection
cap, exact annual sums) as a competent numpy user writes it: float64 throughout, one
household at a time over the year (a profile is a column), each appliance event placed
by ``np.searchsorted`` on its routine's cumulative share per day, events added with
``np.add.at``. Both draw the same random numbers in the same order from the same
generator (the draws are the model; drawing them costs both the same), so the
baseline's profiles must equal energysim's up to float32 rounding: the benchmark
prints the largest difference per interval (tolerance 1e-6 kWh), of an annual sum
(tolerance 1e-9 kWh) and of a household's annual peak.

The calendar and the 28 routines (4 archetypes x 7 shifts) are built once per year by
both, before timing (energysim keeps them in an in-process cache; the baseline builds
its own from the same E1A calibration with pandas). ``--baseline-households`` times the
baseline on fewer households and scales.

    python benchmarks/households.py [--households 10000] [--batch 1000]
        [--baseline-households 2000]
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from energysim.inputs import demand  # noqa: E402
from energysim.inputs.demand import draw_archetypes, household_profiles_kwh  # noqa: E402
from energysim.inputs.timeindex import year_index  # noqa: E402

HOUSEHOLDS_PER_BLOCK = demand.HOUSEHOLDS_PER_BLOCK
N_SHIFTS = 2 * demand.SHIFT_SLOTS + 1


# --------------------------------------------------------------------------- baseline
def baseline_tables(index: pd.DatetimeIndex) -> dict[str, Any]:
    """The calendar and the 28 routines of the model, built with pandas (once per year).

    A routine is E1A's day shape of the day's month and day type times an archetype's
    activity, shifted by ``s`` quarter-hours, normalised to 1 per day; ``key`` is its
    cumulative share within each day plus twice the day number (rising over the year).
    """
    cal = demand.e1a_calibration()
    shapes = np.asarray(cal["day_shape_by_month_and_day_type"])  # (12, 3, 96)
    daily = np.asarray(cal["daily_frac_by_month_and_day_type"])  # (12, 3)
    slot = (index.hour * 4 + index.minute // 15).to_numpy()
    day = pd.Series(index.normalize()).factorize()[0]
    dates = pd.DatetimeIndex(index.normalize().unique())
    kind_d = demand.day_types(dates)
    month_d = dates.month.to_numpy() - 1
    weekend = (kind_d[day] > 0).astype(int)
    activity = np.array(
        [
            [
                np.repeat(np.array(row.split(), dtype=float), 4)
                for row in demand._ARCHETYPE_ACTIVITY[a]
            ]
            for a in demand.ARCHETYPES
        ]
    )
    activity = activity / (np.asarray(demand.DEFAULT_MIX)[:, None, None] * activity).sum(axis=0)
    routine = np.empty((len(index), len(demand.ARCHETYPES) * N_SHIFTS))
    for a in range(len(demand.ARCHETYPES)):
        for k in range(N_SHIFTS):
            src = (slot - (k - demand.SHIFT_SLOTS)) % demand.SLOTS_PER_DAY
            routine[:, a * N_SHIFTS + k] = (
                shapes[month_d[day], kind_d[day], src] * activity[a, weekend, src]
            )
    frame = pd.DataFrame(routine)
    routine = (frame / frame.groupby(day).transform("sum")).to_numpy()
    within = pd.DataFrame(routine).groupby(day).cumsum().to_numpy()
    day_len = np.bincount(day)
    return {
        "routine": routine,
        "key": within + 2.0 * day[:, None],
        "day_len": day_len,
        "day_start": np.r_[0, np.cumsum(day_len)[:-1]],
        "day_energy": daily[month_d, kind_d],  # E1A daily share of the year
    }


def baseline_block(
    tables: dict[str, Any], kinds: list[str], annual_kwh: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """One block of households, one household at a time [kWh per 15 minutes]."""
    n = len(kinds)
    routine, key = tables["routine"], tables["key"]
    day_len, day_start = tables["day_len"], tables["day_start"]
    n_days, n_q = len(day_len), routine.shape[0]
    member = np.array([demand.ARCHETYPES.index(k) for k in kinds]) * N_SHIFTS
    member += rng.integers(-demand.SHIFT_SLOTS, demand.SHIFT_SLOTS + 1, size=n)
    member += demand.SHIFT_SLOTS
    z = rng.standard_normal((n_days, n))
    sd = demand.DAY_FACTOR_SD
    day_factor = tables["day_energy"][:, None] * np.exp(sd * z - sd**2 / 2)
    half_width = demand.NOISE_SD * np.sqrt(3.0)
    noise = rng.random((n_q, n), dtype=np.float32)
    share = demand.APPLIANCE_SHARE
    mean_event_kwh = (
        np.mean(demand.APPLIANCE_POWER_KW) * 0.25 * (1 + demand.APPLIANCE_MAX_QUARTERS) / 2
    )
    counts = rng.poisson(share * day_factor * annual_kwh[None, :] / mean_event_kwh)
    ev_day, ev_hh = np.nonzero(counts)
    rep = counts[ev_day, ev_hh]
    ev_day, ev_hh = np.repeat(ev_day, rep), np.repeat(ev_hh, rep)
    total = len(ev_day)
    power = rng.uniform(*demand.APPLIANCE_POWER_KW, size=total)
    length = rng.integers(1, demand.APPLIANCE_MAX_QUARTERS + 1, size=total)
    u = rng.random(total)
    energy = (power * 0.25).astype(np.float32)  # kWh per quarter-hour, as energysim rounds it
    by_household = np.split(
        np.argsort(ev_hh, kind="stable"), np.cumsum(np.bincount(ev_hh, minlength=n))[:-1]
    )
    out = np.empty((n_q, n))
    cap_kwh = demand.CONNECTION_KW * 0.25
    for j in range(n):
        r = member[j]
        noise_j = (1.0 - half_width) + 2.0 * half_width * noise[:, j].astype(np.float64)
        smooth = routine[:, r] * np.repeat((1.0 - share) * day_factor[:, j], day_len) * noise_j
        ev = by_household[j]
        d, e, q = ev_day[ev], energy[ev].astype(np.float64), length[ev]
        pos = np.searchsorted(key[:, r], 2.0 * d + u[ev], side="left")
        pos = np.minimum(pos, day_start[d] + day_len[d] - 1)
        peaks = float(np.sum(e * q))
        left = max(annual_kwh[j] - peaks, 0.5 * annual_kwh[j])
        profile = smooth * (left / smooth.sum())
        for k in range(demand.APPLIANCE_MAX_QUARTERS):
            use = q > k
            np.add.at(profile, np.minimum(pos[use] + k, n_q - 1), e[use])
        np.minimum(profile, cap_kwh, out=profile)
        out[:, j] = profile * (annual_kwh[j] / profile.sum())
    return out


def baseline_profiles(
    tables: dict[str, Any], annual_kwh: np.ndarray, kinds: list[str], seed: int
) -> np.ndarray:
    """Profiles of ``annual_kwh`` households with energysim's seeding (one generator per
    block of 256, as energysim.inputs.demand seeds them)."""
    n = len(annual_kwh)
    out = np.empty((len(tables["routine"]), n))
    for start in range(0, n, HOUSEHOLDS_PER_BLOCK):
        stop = min(start + HOUSEHOLDS_PER_BLOCK, n)
        rng = np.random.default_rng([seed, start // HOUSEHOLDS_PER_BLOCK])
        out[:, start:stop] = baseline_block(tables, kinds[start:stop], annual_kwh[start:stop], rng)
    return out


# --------------------------------------------------------------------------- run
def batches(households: int, batch: int) -> list[tuple[int, np.ndarray, list[str]]]:
    """(seed, annual kWh, archetypes) of every batch, drawn once for both."""
    rng = np.random.default_rng(0)
    out = []
    for b in range(0, households, batch):
        n = min(batch, households - b)
        out.append((b, rng.lognormal(np.log(2000), 0.35, n), draw_archetypes(n, b)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument(
        "--baseline-households", type=int, default=2_000, help="at least, in whole batches"
    )
    args = parser.parse_args()
    index = year_index(2026, 15, "Europe/Amsterdam")
    work = batches(args.households, args.batch)
    # both build their calendar and routines once, before timing
    household_profiles_kwh(index, [2000.0], ["family"], seed=0)
    tables = baseline_tables(index)

    tracemalloc.start()
    start = time.perf_counter()
    sums = []
    for seed, annual, kinds in work:
        sums.append(household_profiles_kwh(index, annual, kinds, seed=seed).sum(axis=0))
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    done, base_s, worst_kwh, worst_sum, worst_peak = 0, 0.0, 0.0, 0.0, 0.0
    for seed, annual, kinds in work:  # whole batches: a block's draws depend on its size
        if done >= args.baseline_households:
            break
        start = time.perf_counter()
        base = baseline_profiles(tables, annual, kinds, seed)
        base_s += time.perf_counter() - start
        ours = household_profiles_kwh(index, annual, kinds, seed=seed)
        worst_kwh = max(worst_kwh, float(np.abs(base - ours).max()))
        worst_sum = max(worst_sum, float(np.abs(base.sum(axis=0) - annual).max()))
        peak_diff = np.abs(base.max(axis=0) - ours.max(axis=0)) / ours.max(axis=0)
        worst_peak = max(worst_peak, float(peak_diff.max()))
        done += len(annual)
    base_scaled = base_s * args.households / done
    ours_sum = max(float(np.abs(s - a).max()) for s, (_, a, _) in zip(sums, work, strict=True))

    print(
        f"household profiles: {args.households:,} household-years at 15 min ({len(index):,} "
        f"steps), batches of {args.batch:,}; calendar and routines built before timing"
    )
    print(
        f"energysim     : {seconds:6.1f} s  ({seconds / args.households * 1000:.2f} ms per "
        f"household-year), peak traced memory {peak / 2**20:,.0f} MiB"
    )
    print(
        f"fair baseline : {base_scaled:6.1f} s  ({base_scaled / args.households * 1000:.2f} ms "
        f"per household-year; the same model, float64, one household at a time; timed on "
        f"{done:,} households"
        + (f", scaled x{args.households / done:.1f})" if done < args.households else ")")
    )
    ok = worst_kwh <= 1e-6 and worst_sum <= 1e-9
    print(
        f"  check on {done:,} households: max |difference| per interval {worst_kwh:.1e} kWh "
        f"(tolerance 1e-6), baseline's annual sums vs the drawn kWh {worst_sum:.1e} kWh "
        f"(tolerance 1e-9), annual peak {worst_peak:.1e} relative: "
        f"{'agree' if ok else 'DIFFER'}"
    )
    print(f"  energysim's annual sums vs the drawn kWh: max |difference| {ours_sum:.1e} kWh")
    print(f"speed-up      : {base_scaled / seconds:6.1f} x")


if __name__ == "__main__":
    main()
