"""Consumption profiles of stochastic households.

Households: a quarter-hour profile per household for a year, built from the NEDU E1A
standard profile (its average day per month and day type, and its daily energy per
month and day type; ``energysim/data/e1a_calibration.json``, derived by
``scripts/derive_e1a_calibration.py``), reshaped per household by an archetype of social
housing, a personal shift of the daily routine, day-to-day variation, quarter-hour noise
and short appliance peaks. Each profile sums exactly to its annual kWh; the mean of many
households follows E1A.

The common installations' profiles (lift, lighting, ventilation, pumps) are in
:mod:`energysim.inputs.common_installations`.

References
----------
NEDU, Verbruiksprofielen (E1A: households <= 3x25A, single tariff), 2018.
Dutch public holidays: the ``holidays`` package.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from energysim.config.buildings import ARCHETYPES
from energysim.inputs import profile_cache

FloatArray = NDArray[np.float64]

DEFAULT_MIX: tuple[float, ...] = (0.30, 0.30, 0.20, 0.20)
"""Default archetype mix of a Dutch social-housing complex (*estimate*: many one-person
households and elderly tenants; AEDES/CBS tenant statistics put one-person households at
about half of social-housing tenants)."""

SLOTS_PER_DAY = 96
HOUSEHOLDS_PER_BLOCK = 256
"""Households generated together from one random stream; fixed so that a household's
profile depends only on the seed, its position and the number of households in its
block (adding households beyond a block leaves the earlier blocks unchanged)."""

# activity weights by hour of day for each archetype [weekday, weekend]; relative to the
# mix so that the mix-weighted mean is 1 at every hour (E1A is the mean household)
_ARCHETYPE_ACTIVITY: dict[str, tuple[str, str]] = {
    # at home in the day: higher 9-17 h, earlier and lower evening, early to bed
    "retired_single": (
        "0.8 0.8 0.8 0.8 0.8 0.8 0.9 1.1 1.3 1.4 1.4 1.4 "  # 00-11 h
        "1.4 1.3 1.3 1.2 1.1 1.0 0.9 0.8 0.8 0.7 0.7 0.8",  # 12-23 h
        "0.8 0.8 0.8 0.8 0.8 0.8 0.9 1.0 1.2 1.3 1.3 1.3 "  # 00-11 h
        "1.3 1.2 1.2 1.1 1.0 1.0 0.9 0.8 0.8 0.7 0.7 0.8",  # 12-23 h
    ),
    # away in the day on weekdays, late evening
    "working_single": (
        "1.1 1.1 1.0 1.0 1.0 1.0 1.0 1.1 0.7 0.6 0.6 0.6 "  # 00-11 h
        "0.6 0.6 0.6 0.7 0.8 1.0 1.1 1.2 1.2 1.3 1.3 1.2",  # 12-23 h
        "1.1 1.1 1.0 1.0 1.0 1.0 0.9 0.8 0.9 1.0 1.0 1.0 "  # 00-11 h
        "1.0 1.0 1.0 1.0 1.0 1.0 1.1 1.1 1.2 1.2 1.2 1.2",  # 12-23 h
    ),
    "working_couple": (
        "1.0 1.0 1.0 1.0 1.0 1.0 1.2 1.2 0.8 0.7 0.7 0.7 "  # 00-11 h
        "0.7 0.7 0.7 0.8 0.9 1.1 1.2 1.1 1.1 1.1 1.1 1.0",  # 12-23 h
        "1.0 1.0 1.0 1.0 1.0 1.0 0.9 0.9 1.0 1.0 1.0 1.0 "  # 00-11 h
        "1.0 1.0 1.0 1.0 1.0 1.1 1.1 1.0 1.0 1.0 1.0 1.0",  # 12-23 h
    ),
    # morning rush, children home after school, early dinner
    "family": (
        "1.0 1.0 1.0 1.0 1.0 1.0 1.2 1.3 1.0 0.9 0.9 0.9 "  # 00-11 h
        "1.0 1.0 1.1 1.2 1.2 1.2 1.1 1.1 1.0 1.0 1.0 1.0",  # 12-23 h
        "1.0 1.0 1.0 1.0 1.0 1.0 1.0 1.1 1.1 1.1 1.1 1.1 "  # 00-11 h
        "1.1 1.0 1.0 1.0 1.0 1.1 1.1 1.0 1.0 1.0 1.0 1.0",  # 12-23 h
    ),
}
APPLIANCE_SHARE = 0.20
"""Share of a household's daily energy drawn as short appliance peaks (kettle, cooking,
washing, dishwasher) rather than the smooth base (*estimate*)."""
APPLIANCE_POWER_KW = (0.5, 2.0)
"""Range of an appliance event's power averaged over a quarter-hour [kW] (*estimate*: a
kettle's 2 kW for a few minutes averages 0.4-0.7 kW, a hob or oven 1-2 kW, a washing
machine or dishwasher heating ~2 kW; overlapping events and the base load make a
household's 15-minute peaks of about 3-5 kW). It does not depend on the household's
annual use: how often appliances run does (the number of events is proportional to the
annual kWh)."""
APPLIANCE_MAX_QUARTERS = 3
"""An event lasts 1 to 3 quarter-hours (kettle to a cooking or washing cycle)."""
CONNECTION_KW = 40 * 230 / 1000
"""A dwelling's 15-minute demand stays within its connection: 1x40 A at 230 V = 9.2 kW
(a common apartment connection; E1A covers up to 3x25 A)."""
DAY_FACTOR_SD = 0.18
"""Spread of a household's daily energy around its mean (lognormal sigma, *estimate*)."""
SHIFT_SLOTS = 3
"""A household's daily routine is shifted by up to +-3 quarter-hours."""
NOISE_SD = 0.30
"""Quarter-hour multiplicative noise of the smooth part (uniform, mean 1, this sd)."""


@cache
def e1a_calibration() -> dict[str, Any]:
    """The derived E1A calibration figures bundled with the package."""
    text = resources.files("energysim").joinpath("data/e1a_calibration.json").read_text()
    return json.loads(text)


def day_types(dates: pd.DatetimeIndex) -> NDArray[np.int64]:
    """Day type per date: 0 weekday, 1 Saturday, 2 Sunday or Dutch public holiday."""
    import holidays  # loads every country's calendar: only when a year is not cached

    nl = holidays.country_holidays("NL", years=sorted({int(y) for y in dates.year}))
    dow = dates.day_of_week
    kind = np.where(dow == 5, 1, np.where(dow == 6, 2, 0))
    is_holiday = np.fromiter((d in nl for d in dates.date), dtype=bool, count=len(dates))
    return np.where(is_holiday, 2, kind).astype(np.int64)


def _day_types_cached(dates: pd.DatetimeIndex) -> NDArray[np.int64]:
    """:func:`day_types` of consecutive dates, kept in :mod:`energysim.inputs.profile_cache`
    (the holiday calendar takes longer to load than a whole run's allocation)."""
    inputs = {"first": dates[0].isoformat(), "last": dates[-1].isoformat(), "n": len(dates)}
    kinds = profile_cache.cached_array(
        "day_types",
        inputs,
        (len(dates),),
        lambda: day_types(dates).astype(np.float64),
        files=("inputs/demand.py",),
        libraries=("holidays",),
    )
    return kinds.astype(np.int64)


def draw_archetypes(n: int, seed: int) -> list[str]:
    """Draw ``n`` archetypes from :data:`DEFAULT_MIX` (a new list; the last 64 draws are
    kept per process, keyed on ``n`` and ``seed``: a complex's units at other sweep
    points draw the same)."""
    return list(_drawn_archetypes(int(n), int(seed)))


@lru_cache(maxsize=64)
def _drawn_archetypes(n: int, seed: int) -> tuple[str, ...]:
    if n == 0:  # nothing to draw (a building without members): no generator made
        return ()
    rng = np.random.default_rng(seed)
    return tuple(str(a) for a in rng.choice(ARCHETYPES, size=n, p=DEFAULT_MIX))


def _activity_table() -> FloatArray:
    """(archetype, day kind 0 weekday / 1 weekend, 96 slots), mix mean 1 per slot."""
    raw = np.array(
        [[row.split() for row in _ARCHETYPE_ACTIVITY[a]] for a in ARCHETYPES], dtype=np.float64
    )  # (4, 2, 24)
    raw = np.repeat(raw, 4, axis=2)  # to quarter-hours
    mix = (np.asarray(DEFAULT_MIX)[:, None, None] * raw).sum(axis=0)  # (2, 96)
    return raw / mix[None, :, :]


def _index_parts(index: pd.DatetimeIndex) -> dict[str, NDArray[np.int64]]:
    """Local wall-clock slot, day number, month and day type of every interval (cached)."""
    index = pd.DatetimeIndex(index)
    # Timestamps compare equal across time zones: the zone's name is part of the key
    return _index_parts_cached(index[0], index[-1], len(index), str(index.tz))


@lru_cache(maxsize=8)
def _index_parts_cached(
    first: pd.Timestamp, last: pd.Timestamp, n_steps: int, tz: str
) -> dict[str, NDArray[np.int64]]:
    index = pd.date_range(first, last, periods=n_steps)
    assert str(index.tz) == tz
    slot = (index.hour.to_numpy() * 4 + index.minute.to_numpy() // 15).astype(np.int64)
    days = index.normalize()
    day_codes, unique_days = pd.factorize(days)
    dates = pd.DatetimeIndex(unique_days)
    parts = {
        "slot": slot,
        "day": day_codes.astype(np.int64),
        "n_days": np.array(len(dates)),
        "day_month": (dates.month.to_numpy() - 1).astype(np.int64),
        "day_kind": _day_types_cached(dates),
    }
    for values in parts.values():
        values.flags.writeable = False  # shared by every caller of the cache
    return parts


def household_profiles_kwh(
    index: pd.DatetimeIndex,
    annual_kwh: ArrayLike,
    archetypes: Sequence[str],
    seed: int,
    out: FloatArray | None = None,
) -> FloatArray:
    """Quarter-hour (or hourly) consumption profiles of households for one year.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval starts of one year, tz-aware local time (``timeindex.year_index``),
        15 or 60 minutes.
    annual_kwh : array_like
        ``(n_households,)`` consumption over ``index`` [kWh].
    archetypes : sequence of str
        One of :data:`ARCHETYPES` per household.
    seed : int
        Seed; household ``p``'s profile depends on the seed, ``p`` and the size of its
        block of :data:`HOUSEHOLDS_PER_BLOCK`.
    out : numpy.ndarray, optional
        ``(n_steps, n_households)`` array (or view) to write the profiles into.

    Returns
    -------
    numpy.ndarray
        ``(n_steps, n_households)`` [kWh per interval]; column ``p`` sums to
        ``annual_kwh[p]`` (to rounding).

    Notes
    -----
    Per household and day ``d`` (month ``m``, day type ``k``):
    smooth part ``E1A_mk(slot - s) * A_a(slot - s) * F_d * noise``, with ``s`` the
    household's shift, ``A_a`` its archetype's activity (mix mean 1), ``F_d`` a lognormal
    day factor times E1A's daily energy for (m, k); plus appliance events of
    :data:`APPLIANCE_POWER_KW` lasting 1-3 quarter-hours, placed with the same daily
    shape as intensity, carrying :data:`APPLIANCE_SHARE` of the energy: their power is
    the same for every household, their number proportional to its annual kWh (a
    household that uses more runs its appliances more often, not at higher power). The
    smooth part carries the rest of the annual kWh; a quarter-hour is capped at
    :data:`CONNECTION_KW`; finally the sum is made exact.
    """
    annual = np.asarray(annual_kwh, dtype=np.float64)
    n = len(annual)
    if out is None:
        out = np.empty((len(index), n))
    elif out.shape != (len(index), n):
        raise ValueError(f"household profiles: expected out of shape {(len(index), n)}")
    for start, block in _unscaled_blocks(index, annual, archetypes, seed):
        stop = start + block.shape[1]
        sums = block.sum(axis=0, dtype=np.float64)
        scale = np.divide(annual[start:stop], sums, out=np.zeros(stop - start), where=sums > 0)
        np.multiply(block, scale[None, :], out=out[:, start:stop])
    return out


def unscaled_household_profiles(
    index: pd.DatetimeIndex, annual_kwh: ArrayLike, archetypes: Sequence[str], seed: int
) -> NDArray[np.float32]:
    """The profiles of :func:`household_profiles_kwh` before their final exact scaling.

    ``household_profiles_kwh(index, annual, archetypes, seed)[:, p]`` is this array's
    column ``p`` (in float64) times ``annual[p]`` over the column's float64 sum (0 where
    the sum is 0): the pool of household-years (:mod:`energysim.inputs.household_pool`) keeps
    these and scales them to each household it is drawn for.

    Returns
    -------
    numpy.ndarray
        ``(n_steps, n_households)`` float32 [kWh per interval], each column summing to
        about its ``annual_kwh``.
    """
    annual = np.asarray(annual_kwh, dtype=np.float64)
    out = np.empty((len(index), len(annual)), dtype=np.float32)
    for start, block in _unscaled_blocks(index, annual, archetypes, seed):
        out[:, start : start + block.shape[1]] = block
    return out


def _unscaled_blocks(
    index: pd.DatetimeIndex, annual: FloatArray, archetypes: Sequence[str], seed: int
) -> Iterator[tuple[int, NDArray[np.float32]]]:
    """Each block of :data:`HOUSEHOLDS_PER_BLOCK` households' profiles before the final
    scaling, with its first household's position (the inputs checked first)."""
    n = len(annual)
    if len(archetypes) != n:
        raise ValueError(f"archetypes: expected {n}, found {len(archetypes)}")
    unknown = sorted(set(archetypes) - set(ARCHETYPES))
    if unknown:
        raise ValueError(
            f"archetype: expected one of {', '.join(ARCHETYPES)}, found {unknown[0]!r}"
        )
    step_min = int((index[1] - index[0]) / pd.Timedelta(minutes=1))
    if step_min not in (15, 60):
        raise ValueError(f"household profiles: expected a 15- or 60-minute index, found {step_min}")
    tables = _routines(index, step_min)
    for start in range(0, n, HOUSEHOLDS_PER_BLOCK):
        stop = min(start + HOUSEHOLDS_PER_BLOCK, n)
        yield start, _household_block(
            tables,
            step_min,
            list(archetypes[start:stop]),
            annual[start:stop],
            np.random.default_rng([seed, start // HOUSEHOLDS_PER_BLOCK]),
        )


N_SHIFTS = 2 * SHIFT_SLOTS + 1


def _routines(index: pd.DatetimeIndex, step_min: int) -> dict[str, Any]:
    """The calendar of ``index`` at quarter-hours and every routine on it (cached).

    A *routine* is the E1A day shape of the day's month and day type times an
    archetype's activity, shifted by ``s`` quarter-hours, normalised to 1 per day; there
    is one per (archetype, shift), column ``archetype * N_SHIFTS + s + SHIFT_SLOTS``.
    Also returns, per routine, its cumulative share within each day plus 2 x day number
    (rising over the whole year), for the inverse-CDF placement of appliance peaks.
    """
    index = pd.DatetimeIndex(index)
    return _routines_cached(index[0], index[-1], len(index), str(index.tz), step_min)


@lru_cache(maxsize=4)
def _routines_cached(
    first: pd.Timestamp, last: pd.Timestamp, n_steps: int, tz: str, step_min: int
) -> dict[str, Any]:
    index = pd.date_range(first, last, periods=n_steps)
    assert str(index.tz) == tz
    parts = _index_parts(index)
    cal = e1a_calibration()
    shapes = np.asarray(cal["day_shape_by_month_and_day_type"])  # (12, 3, 96)
    activity = _activity_table()  # (4, 2, 96)
    n_days = int(parts["n_days"])
    month_d, kind_d = parts["day_month"], parts["day_kind"]
    # quarter-hour resolution: for 60-minute indexes, 4 quarters per interval
    reps = step_min // 15
    t_day = np.repeat(parts["day"], reps)
    t_slot = (np.repeat(parts["slot"], reps) + np.tile(np.arange(reps), n_steps)) % SLOTS_PER_DAY
    day_start = np.searchsorted(t_day, np.arange(n_days))
    day_len = np.bincount(t_day, minlength=n_days)
    weekend = (kind_d[t_day] > 0).astype(np.int64)
    routine = np.empty((len(t_day), len(ARCHETYPES) * N_SHIFTS))
    for k in range(N_SHIFTS):
        src = (t_slot - (k - SHIFT_SLOTS)) % SLOTS_PER_DAY
        e1a = shapes[month_d[t_day], kind_d[t_day], src]
        for a in range(len(ARCHETYPES)):
            routine[:, a * N_SHIFTS + k] = e1a * activity[a, weekend, src]
    routine /= np.add.reduceat(routine, day_start, axis=0)[t_day]

    # A routine's shape over a day depends only on the day's month, day type and its
    # sequence of wall-clock slots (96 quarter-hours; 92 or 100 at the clock changes; a
    # part of a day at the ends of an index): one cumulative share per (routine, day
    # class), each row padded to a power of two with 2.0 (above any u) for a branchless
    # binary search of every peak's quarter-hour at once.
    width = 1 << int(day_len.max() - 1).bit_length()
    day_slots = np.full((n_days, width), -1)
    day_slots[t_day, np.arange(len(t_day)) - day_start[t_day]] = t_slot
    day_class_key = np.column_stack([month_d, kind_d, day_slots])
    classes, day_class = np.unique(day_class_key, axis=0, return_inverse=True)
    n_routines, n_classes = routine.shape[1], len(classes)
    cdf = np.full((n_routines, n_classes, width), 2.0)
    for c in range(n_classes):
        d = int(np.flatnonzero(day_class == c)[0])
        rows = slice(day_start[d], day_start[d] + day_len[d])
        cdf[:, c, : day_len[d]] = np.cumsum(routine[rows], axis=0).T

    # runs of consecutive days of equal length: the day factor is applied to a run at once
    change = np.flatnonzero(np.diff(day_len)) + 1
    runs = [
        (int(s), int(e), int(day_len[s]))
        for s, e in zip(np.r_[0, change], np.r_[change, n_days], strict=True)
    ]
    # the smooth part is built in float32 (half the memory traffic; the profile is scaled
    # to its annual kWh in float64 at the end); the peaks' search keeps float64
    routine32 = routine.astype(np.float32)
    cdf_flat = cdf.reshape(-1)
    for table in (routine32, cdf_flat, day_class):
        table.flags.writeable = False
    return {
        "n_days": n_days,
        "day_month": month_d,
        "day_kind": kind_d,
        "day_start": day_start,
        "day_len": day_len,
        "day_class": day_class,
        "n_classes": n_classes,
        "class_width": width,
        "runs": runs,
        "routine": routine32,
        "cdf_flat": cdf_flat,
    }


def _household_block(
    tables: dict[str, Any],
    step_min: int,
    kinds: list[str],
    annual_kwh: FloatArray,
    rng: np.random.Generator,
) -> NDArray[np.float32]:
    """Profiles of one block of households [kWh per interval], summing to about their kWh.

    A household's quarter-hour is its routine (archetype and shift, see
    :func:`_routines`) x its day factor x noise, scaled to the energy the appliance
    events leave, plus appliance events in kWh placed by the inverse CDF of its routine
    of that day, capped at :data:`CONNECTION_KW`.
    """
    daily = np.asarray(e1a_calibration()["daily_frac_by_month_and_day_type"])  # (12, 3)
    n = len(kinds)
    n_days = tables["n_days"]
    day_start, day_len = tables["day_start"], tables["day_len"]
    routine = tables["routine"]
    n_q = routine.shape[0]
    arche = np.array([ARCHETYPES.index(k) for k in kinds])
    shift = rng.integers(-SHIFT_SLOTS, SHIFT_SLOTS + 1, size=n)
    member = arche * N_SHIFTS + shift + SHIFT_SLOTS
    # day factors: E1A daily energy of (month, day type) x lognormal persistence
    z = rng.standard_normal((n_days, n))
    day_factor = daily[tables["day_month"], tables["day_kind"]][:, None] * np.exp(
        DAY_FACTOR_SD * z - DAY_FACTOR_SD**2 / 2
    )

    # smooth part: routine x day energy x quarter-hour noise (uniform, mean 1, sd NOISE_SD);
    # the noise averages out over a day's 96 quarter-hours, so a day keeps its energy to
    # about NOISE_SD / sqrt(96) = 3%, well inside the day factor's spread
    half_width = NOISE_SD * np.sqrt(3.0)
    noise = rng.random((n_q, n), dtype=np.float32)
    noise *= np.float32(2.0 * half_width)
    noise += np.float32(1.0 - half_width)
    smooth = np.take(routine, member, axis=1)  # C-contiguous (n_q, n), float32
    smooth_energy = ((1.0 - APPLIANCE_SHARE) * day_factor).astype(np.float32)
    for first, stop, length in tables["runs"]:  # (days, quarter-hours, households) views
        rows = slice(day_start[first], day_start[first] + (stop - first) * length)
        smooth[rows].reshape(stop - first, length, n)[...] *= smooth_energy[first:stop, None, :]
    smooth *= noise

    # appliance events [kWh]: a household's share of each day's energy, as events of a
    # power independent of its annual use; how many follows its annual kWh
    events_kwh_per_day = APPLIANCE_SHARE * day_factor * annual_kwh[None, :]
    mean_event_kwh = np.mean(APPLIANCE_POWER_KW) * 0.25 * (1 + APPLIANCE_MAX_QUARTERS) / 2
    counts = rng.poisson(events_kwh_per_day / mean_event_kwh)
    total = int(counts.sum())
    peaks_kwh = np.zeros(n)
    if total:
        ev_day, ev_hh = np.nonzero(counts)
        rep = counts[ev_day, ev_hh]
        ev_day = np.repeat(ev_day, rep)
        ev_hh = np.repeat(ev_hh, rep)
        power = rng.uniform(*APPLIANCE_POWER_KW, size=total)
        length = rng.integers(1, APPLIANCE_MAX_QUARTERS + 1, size=total)
        u = rng.random(total)
        # the quarter-hour of each peak: the first of its day where the routine's
        # cumulative share reaches u (one search over every (routine, day class) row)
        cdf, width = tables["cdf_flat"], tables["class_width"]
        base = (member[ev_hh] * tables["n_classes"] + tables["day_class"][ev_day]) * width
        found = base.copy()  # ends as base + the number of cumulative shares below u
        step = width // 2
        while step:
            ahead = found + step
            found = np.where(cdf[ahead - 1] < u, ahead, found)
            step //= 2
        pos = day_start[ev_day] + np.minimum(found - base, day_len[ev_day] - 1)
        energy = (power * 0.25).astype(np.float32)  # kWh per quarter-hour
        peaks_kwh = np.bincount(ev_hh, weights=energy * length, minlength=n).astype(np.float64)
    # the smooth part carries what the events leave of the annual kWh (at least half)
    smooth_sum = smooth.sum(axis=0, dtype=np.float64)
    left = np.maximum(annual_kwh - peaks_kwh, 0.5 * annual_kwh)
    smooth *= np.divide(left, smooth_sum, out=np.zeros(n), where=smooth_sum > 0).astype(
        np.float32
    )[None, :]
    if total:
        flat = smooth.reshape(-1)  # a view: smooth is C-contiguous
        for k in range(APPLIANCE_MAX_QUARTERS):
            use = length > k
            where = np.minimum(pos[use] + k, n_q - 1) * n + ev_hh[use]
            np.add.at(flat, where, energy[use])
    np.minimum(smooth, np.float32(CONNECTION_KW * 0.25), out=smooth)
    reps = step_min // 15
    if reps == 1:
        return smooth
    return smooth.reshape(n_q // reps, reps, n).sum(axis=1)
