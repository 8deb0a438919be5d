"""Allocation kernels: split each interval's generation between participants.

Pure functions on float64 ndarrays: generation ``(n_steps,)``, demand
``(n_steps, n_participants)``, both kWh per interval. Every key is applied per interval
and capped at the participant's consumption; what is not allocated is exported, so
``allocated.sum(axis=1) + export == generation`` in every interval (domain.md section 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
Variant = Literal["export", "redistribute"]


@dataclass(frozen=True)
class Allocation:
    """Allocated energy ``(n_steps, n_participants)`` and export ``(n_steps,)`` [kWh]."""

    allocated_kwh: FloatArray
    export_kwh: FloatArray


@dataclass(frozen=True)
class ProportionalKey:
    """Pro rata to consumption (FR dynamique par défaut, AT dynamisch, DE §42b)."""


@dataclass(frozen=True)
class StaticKey:
    """Fixed shares of generation (NL energiedeel-overeenkomst, AT statisch)."""

    shares_frac: FloatArray
    variant: Variant = "export"


@dataclass(frozen=True)
class EqualKey:
    """Equal shares; with ``redistribute`` max-min fair."""

    variant: Variant = "redistribute"


@dataclass(frozen=True)
class ScheduleKey:
    """Shares per interval ``(n_steps, n_participants)`` (ES Orden TED/1247/2021)."""

    shares_frac: FloatArray
    variant: Variant = "export"


Key = ProportionalKey | StaticKey | EqualKey | ScheduleKey


def _check(generation_kwh: FloatArray, demand_kwh: FloatArray) -> tuple[FloatArray, FloatArray]:
    g = np.asarray(generation_kwh, dtype=np.float64)
    d = np.asarray(demand_kwh, dtype=np.float64)
    if g.ndim != 1 or d.ndim != 2 or d.shape[0] != g.shape[0]:
        raise ValueError(
            f"allocation: expected generation (n,) and demand (n, p), found {g.shape} and {d.shape}"
        )
    if not (np.isfinite(g).all() and np.isfinite(d).all()):
        raise ValueError("allocation: expected finite generation and demand")
    if (g < 0).any() or (d < 0).any():
        raise ValueError("allocation: expected non-negative generation and demand")
    return g, d


def _finish(g: FloatArray, a: FloatArray) -> Allocation:
    export = np.maximum(g - a.sum(axis=1), 0.0)
    return Allocation(a, export)


def allocate_proportional(generation_kwh: FloatArray, demand_kwh: FloatArray) -> Allocation:
    """Allocate pro rata to consumption: ``a_p = D_p * min(1, G / sum D)``."""
    g, d = _check(generation_kwh, demand_kwh)
    total = d.sum(axis=1)
    ratio = np.divide(g, total, out=np.zeros_like(g), where=total > 0)
    return _finish(g, d * np.minimum(ratio, 1.0)[:, None])


def _water_fill(g: FloatArray, d: FloatArray, w: FloatArray) -> FloatArray:
    """Exact re-division: ``a_p = min(D_p, w_p * lambda)`` with ``sum a = min(G, sum D)``."""
    w = np.broadcast_to(w, d.shape)
    active = w > 0
    d_act = np.where(active, d, 0.0)
    target = np.minimum(g, d_act.sum(axis=1))
    sat = np.divide(d_act, w, out=np.full(d.shape, np.inf), where=active)
    order = np.argsort(sat, axis=1, kind="stable")
    sat_s = np.take_along_axis(sat, order, axis=1)
    d_s = np.take_along_axis(d_act, order, axis=1)
    w_s = np.take_along_axis(np.where(active, w, 0.0), order, axis=1)
    cum_d_before = np.cumsum(d_s, axis=1) - d_s
    w_from = np.cumsum(w_s[:, ::-1], axis=1)[:, ::-1]
    with np.errstate(invalid="ignore"):
        f_at = cum_d_before + np.where(np.isfinite(sat_s), sat_s, 0.0) * w_from
    f_at = np.where(np.isfinite(sat_s), f_at, np.inf)
    k = np.argmax(f_at >= target[:, None], axis=1)
    rows = np.arange(len(g))
    w_k = w_from[rows, k]
    lam = np.divide(target - cum_d_before[rows, k], w_k, out=np.zeros_like(g), where=w_k > 0)
    return np.where(active, np.minimum(d, w * np.maximum(lam, 0.0)[:, None]), 0.0)


def _share_based(g: FloatArray, d: FloatArray, shares: FloatArray, variant: Variant) -> Allocation:
    shares = np.asarray(shares, dtype=np.float64)
    if (shares < 0).any():
        raise ValueError("allocation: expected non-negative shares")
    sums = shares.sum(axis=-1)
    if (np.asarray(sums) > 1 + 1e-9).any():
        raise ValueError("allocation: expected shares summing to at most 1")
    if variant == "export":
        return _finish(g, np.minimum(d, shares * g[:, None]))
    return _finish(g, _water_fill(g, d, shares))


def allocate_static(
    generation_kwh: FloatArray, demand_kwh: FloatArray, shares_frac: FloatArray, variant: Variant
) -> Allocation:
    """Fixed share of generation per participant, capped at its consumption."""
    g, d = _check(generation_kwh, demand_kwh)
    shares = np.asarray(shares_frac, dtype=np.float64)
    if shares.shape != (d.shape[1],):
        raise ValueError(f"allocation: expected {d.shape[1]} shares, found {shares.shape}")
    return _share_based(g, d, shares[None, :], variant)


def allocate_equal(
    generation_kwh: FloatArray, demand_kwh: FloatArray, variant: Variant
) -> Allocation:
    """Equal shares ``1/P``; ``redistribute`` makes it max-min fair."""
    g, d = _check(generation_kwh, demand_kwh)
    p = d.shape[1]
    return _share_based(g, d, np.full((1, p), 1.0 / p), variant)


def allocate_schedule(
    generation_kwh: FloatArray, demand_kwh: FloatArray, shares_frac: FloatArray, variant: Variant
) -> Allocation:
    """Shares set per interval in advance."""
    g, d = _check(generation_kwh, demand_kwh)
    shares = np.asarray(shares_frac, dtype=np.float64)
    if shares.shape != d.shape:
        raise ValueError(f"allocation: expected shares of shape {d.shape}, found {shares.shape}")
    return _share_based(g, d, shares, variant)


def allocate(generation_kwh: FloatArray, demand_kwh: FloatArray, key: Key) -> Allocation:
    """Allocate with the given key."""
    if isinstance(key, ProportionalKey):
        return allocate_proportional(generation_kwh, demand_kwh)
    if isinstance(key, StaticKey):
        return allocate_static(generation_kwh, demand_kwh, key.shares_frac, key.variant)
    if isinstance(key, EqualKey):
        return allocate_equal(generation_kwh, demand_kwh, key.variant)
    return allocate_schedule(generation_kwh, demand_kwh, key.shares_frac, key.variant)


def allocate_own_strings(
    string_generation_kwh: FloatArray, demand_kwh: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Each dwelling first uses its own string behind its meter: (used, surplus) [kWh]."""
    s = np.asarray(string_generation_kwh, dtype=np.float64)
    d = np.asarray(demand_kwh, dtype=np.float64)
    used = np.minimum(s, d)
    return used, s - used


@dataclass(frozen=True)
class Tier:
    """One tier of the waterfall: its demand, key and optional caps."""

    name: str
    demand_kwh: FloatArray
    key: Key = field(default_factory=ProportionalKey)
    cap_frac: float | None = None
    cap_kwh: float | None = None


@dataclass(frozen=True)
class WaterfallResult:
    """Allocation per tier ``name -> (n_steps, n_participants)`` and export [kWh]."""

    allocated_kwh: dict[str, FloatArray]
    export_kwh: FloatArray


def allocate_waterfall(generation_kwh: FloatArray, tiers: Sequence[Tier]) -> WaterfallResult:
    """Tiers in order; what a tier cannot use flows to the next; the rest is exported."""
    g = np.asarray(generation_kwh, dtype=np.float64)
    remaining = g.copy()
    out: dict[str, FloatArray] = {}
    for tier in tiers:
        available = remaining
        if tier.cap_frac is not None:
            available = np.minimum(available, tier.cap_frac * g)
        if tier.cap_kwh is not None:
            available = np.minimum(available, tier.cap_kwh)
        result = allocate(available, tier.demand_kwh, tier.key)
        out[tier.name] = result.allocated_kwh
        remaining = np.maximum(remaining - result.allocated_kwh.sum(axis=1), 0.0)
    return WaterfallResult(out, remaining)
