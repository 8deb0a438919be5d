"""Battery kernels: state of charge, flows and losses of a battery over a year.

Pure functions on float64 ndarrays, time along axis 0: ``(n_steps,)`` for one battery
or ``(n_steps, n_batteries)`` for several side by side (home batteries). Energy is kWh
per interval, the state of charge (SoC) kWh at the *end* of each interval.

A battery is told, per interval, what it *may* charge (``charge_room_kwh``, the energy
it can take at its terminals, e.g. what the common connection would otherwise feed in)
and what it *may* deliver (``discharge_room_kwh``, the demand it may serve). It charges
and discharges as much as its power, its state of charge limits and those rooms allow,
in time order (self-consumption first, "greedy"). With one-way efficiencies ``eta_c``
and ``eta_d`` (the round-trip efficiency split equally: ``eta_c = eta_d = sqrt(eta_rt)``)
the state of charge follows::

    s_t = min(max(s_{t-1} + eta_c c_t - d_t / eta_d, s_min), s_max)

and the energy balance of every interval is ``c_t - d_t = (s_t - s_{t-1}) + loss_t``
with ``loss_t = (1 - eta_c) c_t + (1 / eta_d - 1) d_t >= 0``.

The recursion is a saturating cumulative sum: every step is the map
``s -> clip(s + a, lo, hi)``, and two such maps compose into one of the same form, so
the whole year is computed by a blocked prefix scan in about ``3 sqrt(n_steps)``
vectorised passes (:func:`clamped_cumsum`) instead of a Python loop over 35,040
quarter-hours.

Degradation by throughput: each equivalent full cycle (discharged energy / usable
capacity) takes ``fade_frac_per_cycle`` of the capacity, each year
``calendar_fade_frac_per_yr`` more; at ``end_of_life_frac`` of the nominal capacity the
battery is replaced (see :func:`battery_life`).

References
----------
Hillis, W. D. and Steele, G. L. (1986), Data parallel algorithms, Commun. ACM 29(12),
1170-1183, and Blelloch, G. E. (1990), Prefix sums and their applications, CMU-CS-90-190
(prefix scans of an associative operation). Schmalstieg, J. et al. (2014), A holistic
aging model for Li(NiMnCo)O2 based 18650 lithium-ion batteries, J. Power Sources 257,
325-334 (capacity fade as a function of charge throughput and time, the two terms used
here).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

LIMIT_TOL_KWH = 1e-9
"""Tolerance of the power and energy limit checks [kWh] (rounding of the prefix scan)."""

ROOM_TOL_KWH = 1e-9
"""A charge room at or below this is none [kWh/interval].

The room a battery may charge is what a waterfall leaves, a difference of sums
(``x = G - sum_p a_p``): where the tiers take all of the generation it is zero up to the
rounding of those sums (about 1e-16 of the interval's generation, 1e-15 kWh for a
roof of 100 kWp). Counting such a rounding remainder as a surplus would stop the battery
discharging in that interval (it only charges while it may), so that a change of
1e-12 kWp in the roof moved tens of kWh of discharge. One microwatt-hour per interval
is far above that rounding and far below any real surplus.
"""


@dataclass(frozen=True)
class BatterySpec:
    """Physical figures of one battery (or of each of several identical ones).

    Attributes
    ----------
    capacity_kwh : float
        Usable nominal capacity [kWh]; the SoC stays within
        ``[soc_min_frac, soc_max_frac] * capacity_kwh``.
    charge_power_kw, discharge_power_kw : float
        Power limits at the battery's AC terminals [kW].
    round_trip_efficiency_frac : float
        AC-to-AC round trip [-], split equally over charging and discharging.
    soc_min_frac, soc_max_frac : float
        State-of-charge window [-].
    initial_soc_frac : float
        SoC at the start of the year [-].
    """

    capacity_kwh: float
    charge_power_kw: float
    discharge_power_kw: float
    round_trip_efficiency_frac: float = 0.9
    soc_min_frac: float = 0.05
    soc_max_frac: float = 0.95
    initial_soc_frac: float = 0.05

    def __post_init__(self) -> None:
        if self.capacity_kwh < 0 or self.charge_power_kw < 0 or self.discharge_power_kw < 0:
            raise ValueError("battery: expected non-negative capacity and power")
        if not 0 < self.round_trip_efficiency_frac <= 1:
            raise ValueError(
                "battery: expected round_trip_efficiency_frac in (0, 1], "
                f"found {self.round_trip_efficiency_frac}"
            )
        if not 0 <= self.soc_min_frac <= self.initial_soc_frac <= self.soc_max_frac <= 1:
            raise ValueError(
                "battery: expected 0 <= soc_min_frac <= initial_soc_frac <= soc_max_frac <= 1, "
                f"found {self.soc_min_frac}, {self.initial_soc_frac}, {self.soc_max_frac}"
            )

    @property
    def charge_efficiency_frac(self) -> float:
        """One-way charging efficiency ``sqrt(eta_rt)`` [-]."""
        return math.sqrt(self.round_trip_efficiency_frac)

    @property
    def discharge_efficiency_frac(self) -> float:
        """One-way discharging efficiency ``sqrt(eta_rt)`` [-]."""
        return math.sqrt(self.round_trip_efficiency_frac)

    def scaled(self, factor: float) -> BatterySpec:
        """The same battery with ``factor`` times its capacity (power unchanged)."""
        return BatterySpec(
            self.capacity_kwh * factor,
            self.charge_power_kw,
            self.discharge_power_kw,
            self.round_trip_efficiency_frac,
            self.soc_min_frac,
            self.soc_max_frac,
            self.initial_soc_frac,
        )


@dataclass(frozen=True)
class BatteryFlows:
    """What a battery did, per interval [kWh], in the shape of its rooms.

    Attributes
    ----------
    charge_kwh : numpy.ndarray
        Energy taken in at the terminals.
    discharge_kwh : numpy.ndarray
        Energy delivered at the terminals.
    soc_kwh : numpy.ndarray
        State of charge at the end of the interval.
    loss_kwh : numpy.ndarray
        Conversion losses, ``charge - discharge - (soc_t - soc_{t-1})``.
    initial_soc_kwh : numpy.ndarray or float
        SoC before the first interval.
    """

    charge_kwh: FloatArray
    discharge_kwh: FloatArray
    soc_kwh: FloatArray
    loss_kwh: FloatArray
    initial_soc_kwh: FloatArray


def clamped_cumsum(
    delta: ArrayLike, start: ArrayLike, low: ArrayLike, high: ArrayLike
) -> FloatArray:
    """Saturating cumulative sum ``s_t = min(max(s_{t-1} + delta_t, low), high)``.

    Parameters
    ----------
    delta : array_like
        ``(n_steps,)`` or ``(n_steps, m)`` increments.
    start : array_like
        ``s_{-1}``: a scalar or one value per column, within ``[low, high]``.
    low, high : array_like
        Bounds, a scalar or one value per column, ``low <= high``.

    Returns
    -------
    numpy.ndarray
        ``s_t`` in ``delta``'s shape.

    Notes
    -----
    Each step is the map ``f_t(s) = clip(s + a_t, l, h)``; applying ``f_1`` then ``f_2``
    gives ``clip(s + a_1 + a_2, clip(l_1 + a_2, l, h), clip(h_1 + a_2, l, h))``, a map of
    the same form. The steps are cut into ``~sqrt(n)`` blocks: the maps of all blocks are
    composed side by side (one pass over the block length), the block start states
    follow block after block, and the states inside all blocks side by side again, so
    the work is ``O(n)`` with ``~3 sqrt(n)`` vectorised passes (a blocked prefix scan,
    Hillis and Steele 1986; Blelloch 1990).
    """
    a = np.asarray(delta, dtype=np.float64)
    n = a.shape[0]
    tail = a.shape[1:]
    lo = np.broadcast_to(np.asarray(low, dtype=np.float64), tail)
    hi = np.broadcast_to(np.asarray(high, dtype=np.float64), tail)
    s = np.array(np.broadcast_to(np.asarray(start, dtype=np.float64), tail))
    if n == 0:
        return np.empty_like(a)
    if np.any(s < lo) or np.any(s > hi):
        raise ValueError("clamped_cumsum: expected start within [low, high]")
    # one battery: the block-to-block pass runs on plain floats, so shorter blocks (more
    # of them) are cheaper; several: every pass is vectorised, sqrt(n) balances them
    block = max(1, math.isqrt(n) // 3 if not tail else math.isqrt(n))
    n_blocks = -(-n // block)
    pad = n_blocks * block - n
    # zero steps in front of the first one: identity maps, since start is within bounds
    padded = np.zeros((n_blocks * block, *tail))
    padded[pad:] = a
    steps = padded.reshape(n_blocks, block, *tail)
    # 1. the map of every block, composed over its steps: the block's total increment
    #    and its lower and upper clip, the two clips side by side in one array
    acc = steps.sum(axis=1)
    clips = np.empty((2, n_blocks, *tail))
    clips[0], clips[1] = -np.inf, np.inf
    for j in range(block):
        clips += steps[:, j]
        np.maximum(clips, lo, out=clips)
        np.minimum(clips, hi, out=clips)
    low_b, high_b = clips[0], clips[1]
    # 2. the state at the start of every block, block after block
    starts = np.empty((n_blocks, *tail))
    if not tail:  # one battery: plain floats are faster than 0-d arrays
        cur_s = float(s)
        for k, (ak, lk, hk) in enumerate(
            zip(acc.tolist(), low_b.tolist(), high_b.tolist(), strict=True)
        ):
            starts[k] = cur_s
            cur_s = min(max(cur_s + ak, lk), hk)
    else:
        for k in range(n_blocks):
            starts[k] = s
            s = np.minimum(np.maximum(s + acc[k], low_b[k]), high_b[k])
    # 3. the states inside all blocks side by side
    states = np.empty_like(steps)
    cur = starts
    for j in range(block):
        cur = cur + steps[:, j]
        np.maximum(cur, lo, out=cur)
        np.minimum(cur, hi, out=cur)
        states[:, j] = cur
    return states.reshape(n_blocks * block, *tail)[pad:].copy()


def dispatch(
    spec: BatterySpec,
    charge_room_kwh: ArrayLike,
    discharge_room_kwh: ArrayLike,
    step_h: float,
) -> BatteryFlows:
    """Charge and discharge as much as the rooms, the power and the SoC window allow.

    Parameters
    ----------
    spec : BatterySpec
    charge_room_kwh : array_like
        ``(n_steps,)`` or ``(n_steps, m)``: energy the battery may take in [kWh].
    discharge_room_kwh : array_like
        Same shape: energy the battery may deliver [kWh]. In an interval with both
        rooms positive the battery only charges.
    step_h : float
        Interval length [h].

    Returns
    -------
    BatteryFlows

    Notes
    -----
    ``c_t = min(room_c, P_c dt)``, ``d_t = min(room_d, P_d dt)`` (zero while charging),
    stored change ``eta_c c_t - d_t / eta_d`` clipped to the SoC window by
    :func:`clamped_cumsum`; the flows actually realised follow from the SoC steps
    (``c = ds / eta_c`` when ``ds > 0``, ``d = -ds * eta_d`` when ``ds < 0``).
    """
    room_c = np.asarray(charge_room_kwh, dtype=np.float64)
    room_d = np.asarray(discharge_room_kwh, dtype=np.float64)
    if room_c.shape != room_d.shape or room_c.ndim not in (1, 2):
        raise ValueError(
            "battery: expected charge and discharge rooms of one shape (n_steps,) or "
            f"(n_steps, m), found {room_c.shape} and {room_d.shape}"
        )
    if not (np.isfinite(room_c).all() and np.isfinite(room_d).all()):
        raise ValueError("battery: expected finite charge and discharge rooms [kWh]")
    eta_c, eta_d = spec.charge_efficiency_frac, spec.discharge_efficiency_frac
    s_min = spec.soc_min_frac * spec.capacity_kwh
    s_max = spec.soc_max_frac * spec.capacity_kwh
    s0 = spec.initial_soc_frac * spec.capacity_kwh
    c_max, d_max = charge_and_discharge_room(spec, room_c, room_d, step_h)
    soc = clamped_cumsum(eta_c * c_max - d_max / eta_d, s0, s_min, s_max)
    prev = np.empty_like(soc)
    prev[0] = s0
    prev[1:] = soc[:-1]
    step = soc - prev
    # the scan's rounding may overshoot a room by an ulp: the rooms are hard limits
    charge = np.minimum(np.maximum(step, 0.0) / eta_c, c_max)
    discharge = np.minimum(np.maximum(-step, 0.0) * eta_d, d_max)
    loss = charge - discharge - step
    initial = np.full(soc.shape[1:], s0) if soc.ndim == 2 else np.asarray(s0)
    return BatteryFlows(charge, discharge, soc, loss, initial)


def charge_and_discharge_room(
    spec: BatterySpec, room_c: FloatArray, room_d: FloatArray, step_h: float
) -> tuple[FloatArray, FloatArray]:
    """What the battery may charge and discharge in each interval, within its power [kWh].

    Notes
    -----
    ``c_max = min(room_c, P_c dt)`` where that exceeds :data:`ROOM_TOL_KWH` (else 0: a
    rounding remainder is no surplus), ``d_max = min(room_d, P_d dt)`` where the battery
    may not charge (else 0: in an interval with both rooms it only charges).
    """
    c_max = np.minimum(np.maximum(room_c, 0.0), spec.charge_power_kw * step_h)
    charging = c_max > ROOM_TOL_KWH
    c_max = np.where(charging, c_max, 0.0)
    d_max = np.minimum(np.maximum(room_d, 0.0), spec.discharge_power_kw * step_h)
    return c_max, np.where(charging, 0.0, d_max)


def check_limits(spec: BatterySpec, flows: BatteryFlows, step_h: float) -> None:
    """Raise if a battery broke a power or energy limit in any interval.

    Checks ``0 <= c <= P_c dt``, ``0 <= d <= P_d dt``, the SoC window and non-negative
    losses (to :data:`LIMIT_TOL_KWH`), by reductions only (no temporaries: every run
    calls it). The balance ``c - d == ds + loss`` holds by the definition of the loss
    and is tested separately.
    """
    tol = LIMIT_TOL_KWH * max(1.0, spec.capacity_kwh)
    c, d, soc, loss = flows.charge_kwh, flows.discharge_kwh, flows.soc_kwh, flows.loss_kwh
    if not c.size:
        return
    s_min = spec.soc_min_frac * spec.capacity_kwh
    s_max = spec.soc_max_frac * spec.capacity_kwh
    checks = {
        "charge above its power": float(c.max()) - spec.charge_power_kw * step_h,
        "discharge above its power": float(d.max()) - spec.discharge_power_kw * step_h,
        "negative charge": -float(c.min()),
        "negative discharge": -float(d.min()),
        "SoC above its maximum": float(soc.max()) - s_max,
        "SoC below its minimum": s_min - float(soc.min()),
        "negative loss": -float(loss.min()),
    }
    for what, excess in checks.items():
        if excess > tol:
            raise AssertionError(f"battery: {what} by {excess:g} kWh")


def equivalent_full_cycles(flows: BatteryFlows, capacity_kwh: float) -> float:
    """Discharged energy over the usable window, summed over the year [cycles/yr].

    Notes
    -----
    ``EFC = sum_t d_t / (capacity * (soc_max - soc_min))`` is the usual throughput
    measure of cycle ageing; 0 for a zero-size battery. For several batteries side by
    side, the mean per battery.
    """
    d = np.asarray(flows.discharge_kwh)
    if capacity_kwh <= 0 or d.size == 0:
        return 0.0
    per_battery = d.sum(axis=0)
    return float(np.mean(per_battery)) / capacity_kwh


@dataclass(frozen=True)
class BatteryLife:
    """A battery's state of health over a project's operating years.

    Attributes
    ----------
    soh_frac : numpy.ndarray
        Capacity at the start of each operating year 1..N, a share of the nominal [-].
    replacement_years : list of int
        Operating years in which the battery is replaced (SoH back to 1): year ``y``
        holds the times ``[y - 1, y)`` since the start of operation.
    life_yr : float
        Years from new to ``end_of_life_frac`` at the simulated use; ``inf`` if unused
        and not ageing.
    mean_soh_frac : float
        Mean SoH over the operating years [-].
    replacement_times_yr : tuple of float
        When each replacement happens, in years since the start of operation [yr]:
        ``k L`` for ``k = 1, 2, ...`` while ``k L < N``.
    residual_frac : float
        Share of its life the battery in use at the end of the lifetime still has,
        ``1 - age / L`` [-] (straight-line depreciation; 1 for a battery that does not
        age).
    """

    soh_frac: FloatArray
    replacement_years: list[int]
    life_yr: float
    mean_soh_frac: float
    replacement_times_yr: tuple[float, ...] = ()
    residual_frac: float = 0.0

    def replacement_weights(self) -> FloatArray:
        """How many replacements each operating year's cash flow carries, ``(N,)`` [-].

        Notes
        -----
        A replacement at time ``t`` (years since the start of operation; cash-flow year
        ``y`` is paid at time ``y``) is split between the years around it,
        ``1 - (t - floor t)`` to year ``floor t`` and ``t - floor t`` to the next (linear
        interpolation of its date; before the end of year 1 it counts in year 1). So
        the cost moves continuously with the battery's life instead of jumping a whole
        year's discount when the life crosses a whole number of years.
        """
        n = len(self.soh_frac)
        weights = np.zeros(n)
        for t in self.replacement_times_yr:
            p = min(max(t, 1.0), float(n))
            lo = int(math.floor(p))
            frac = p - lo
            weights[lo - 1] += 1.0 - frac
            if frac > 0.0:
                weights[lo] += frac
        return weights


def battery_life(
    cycles_per_yr: float,
    fade_frac_per_cycle: float,
    calendar_fade_frac_per_yr: float,
    end_of_life_frac: float,
    lifetime_yr: int,
) -> BatteryLife:
    """State of health by operating year, with replacements at end of life.

    Parameters
    ----------
    cycles_per_yr : float
        Equivalent full cycles per year [1/yr].
    fade_frac_per_cycle : float
        Capacity lost per equivalent full cycle [-].
    calendar_fade_frac_per_yr : float
        Capacity lost per year regardless of use [-].
    end_of_life_frac : float
        Replaced when the capacity reaches this share of the nominal [-].
    lifetime_yr : int
        Project lifetime [yr].

    Notes
    -----
    Linear fade ``SoH(t) = 1 - r a(t)`` with ``r = fade * EFC + calendar`` and ``a(t)``
    the years since the last replacement; life ``L = (1 - EoL) / r``. The battery is
    replaced when it reaches end of life, at ``t = k L`` (``k = 1, 2, ...``, while
    ``k L < N``), so ``SoH`` is a saw-tooth and its mean over the lifetime,
    ``(1 / N) sum_segments (len - r len^2 / 2)``, and the residual share
    ``1 - a(N) / L`` move continuously with the use: a battery that reaches end of life
    shortly before the end is replaced and keeps almost all of its value
    (:meth:`BatteryLife.replacement_weights`; its residual value,
    :func:`energysim.money.batteries.battery_costs`).
    """
    rate = fade_frac_per_cycle * cycles_per_yr + calendar_fade_frac_per_yr
    life = (1.0 - end_of_life_frac) / rate if rate > 0 else math.inf
    n = lifetime_yr
    times: list[float] = []
    if math.isfinite(life) and life > 0:
        k = 1
        while k * life < n - 1e-9:  # at the very end a battery need not be replaced
            times.append(k * life)
            k += 1
    starts = np.r_[0.0, times]
    ends = np.r_[times, float(n)]
    lengths = ends - starts
    mean = float(np.sum(lengths - rate * lengths**2 / 2.0) / n) if n else 1.0
    year_starts = np.arange(n, dtype=np.float64)
    # the last replacement at or before each year's start (1e-9 yr: rounding of k L)
    last = starts[np.searchsorted(starts, year_starts + 1e-9, side="right") - 1]
    soh = 1.0 - rate * (year_starts - last)
    age_at_end = n - starts[-1]
    residual = 1.0 - age_at_end / life if math.isfinite(life) else 1.0
    years = [int(math.floor(t + 1e-9)) + 1 for t in times]
    return BatteryLife(soh, years, life, mean, tuple(times), float(max(residual, 0.0)))
