"""Allocation kernels: split each interval's generation between participants.

Pure functions on float64 ndarrays: generation ``(n_steps,)`` and demand
``(n_steps, n_participants)``, both kWh per interval. Every key is applied per interval
and capped at each participant's consumption in that interval; what is not allocated is
exported. Invariants of every key and variant (domain.md section 3)::

    0 <= a[t, p] <= D[t, p]        sum_p a[t, p] + x[t] == G[t]        x[t] >= 0

Kernels are vectorised over intervals and participants; the only loop runs over blocks
of intervals, to bound memory (``BLOCK_STEPS``).

References
----------
NL: Energiewet (2026), energiedeel-overeenkomst with a registered percentage per
15 minutes. FR: Code de l'énergie art. L315-4 and D315-6: coefficients per measurement
step set by the organiser (clé statique, dynamique personnalisée) or, by default, pro
rata to consumption (dynamique par défaut), never above a consumer's consumption.
AT: ElWOG 2010 §16a ff. and EAG, statische und dynamische Aufteilung. ES: Real
Decreto 244/2019 annex I, fixed coefficients, and Orden TED/1247/2021 (a coefficient for
every hour of the year). DE: EnWG §42b (gemeinschaftliche Gebäudeversorgung, Solarpaket
I 2024), static or dynamic Aufteilungsschlüssel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
Variant = Literal["export", "redistribute"]

BLOCK_STEPS = 2048
"""Intervals per block in the proportional key and the energy check, and at most in the
redistribution kernel: bounds temporaries to a few ``BLOCK_STEPS x n_participants``
arrays (2,048 intervals x 40 participants is 0.6 MiB, which stays in the CPU cache
between passes)."""
BLOCK_BYTES = 1024 * 1024
"""Demand per block of the redistribution kernel [bytes]: a few such arrays fit in a
CPU's L2 cache (measured: 64-256 rows at 1,000 participants run 1.6-1.8x faster than
2,048)."""

SHARE_SUM_TOL = 1e-9
"""Shares may sum to at most ``1 + SHARE_SUM_TOL`` [-] (rounding of e.g. thirds); such
sums are rescaled to 1 so no key ever hands out more than the generation."""


@dataclass(frozen=True)
class Allocation:
    """Result of one key.

    Attributes
    ----------
    allocated_kwh : numpy.ndarray
        ``(n_steps, n_participants)`` [kWh per interval].
    export_kwh : numpy.ndarray
        ``(n_steps,)`` what is left of the generation [kWh per interval].
    """

    allocated_kwh: FloatArray
    export_kwh: FloatArray


@dataclass(frozen=True)
class ProportionalKey:
    """Pro rata to consumption (FR dynamique par défaut, AT dynamisch, DE §42b dynamic)."""


@dataclass(frozen=True)
class StaticKey:
    """Fixed shares of generation (NL energiedeel-overeenkomst, AT statisch, ES fixed).

    Attributes
    ----------
    shares_frac : numpy.ndarray
        ``(n_participants,)`` share of each interval's generation [-], >= 0, sum <= 1.
    variant : {"export", "redistribute"}
        What happens to a share its holder cannot use (see :func:`allocate_static`).
    """

    shares_frac: FloatArray
    variant: Variant = "export"


@dataclass(frozen=True)
class EqualKey:
    """Equal shares ``1/P``; with ``redistribute`` the split is max-min fair.

    Attributes
    ----------
    variant : {"export", "redistribute"}
        See :func:`allocate_equal`.
    """

    variant: Variant = "redistribute"


@dataclass(frozen=True)
class ScheduleKey:
    """Shares set in advance per interval (ES Orden TED/1247/2021, FR personnalisée).

    Attributes
    ----------
    shares_frac : numpy.ndarray
        ``(n_steps, n_participants)`` share of each interval's generation [-]; each row
        >= 0 with sum <= 1.
    variant : {"export", "redistribute"}
        See :func:`allocate_schedule`.
    """

    shares_frac: FloatArray
    variant: Variant = "export"


Key = ProportionalKey | StaticKey | EqualKey | ScheduleKey


# --------------------------------------------------------------------------- checks
def _as_inputs(generation_kwh: ArrayLike, demand_kwh: ArrayLike) -> tuple[FloatArray, FloatArray]:
    g = np.asarray(generation_kwh, dtype=np.float64)
    d = np.asarray(demand_kwh, dtype=np.float64)
    if g.ndim != 1 or d.ndim != 2 or d.shape[0] != g.shape[0]:
        raise ValueError(
            "allocation: expected generation of shape (n_steps,) and demand of shape "
            f"(n_steps, n_participants), found {g.shape} and {d.shape}"
        )
    _check_energy(g, "generation")
    _check_energy(d, "demand")
    return g, d


def _check_energy(x: FloatArray, what: str) -> None:
    """Energy arrays must be finite and non-negative; the message says where not."""
    # reductions without temporaries, block by block (each block read once into the
    # cache); NaN fails the comparison and is searched below
    if x.size == 0 or all(
        b.min() >= 0.0 and b.max() < np.inf
        for b in (x[s : s + BLOCK_STEPS] for s in range(0, len(x), BLOCK_STEPS))
    ):
        return
    bad = ~np.isfinite(x)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"allocation: expected finite {what} [kWh], found {x[where]} at index {where}"
        )
    neg = x < 0
    if neg.any():
        where = tuple(int(i) for i in np.argwhere(neg)[0])
        raise ValueError(
            f"allocation: expected non-negative {what} [kWh], found {x[where]} at index {where}"
        )


def _check_shares(shares: FloatArray) -> FloatArray:
    """Reject negative shares and sums above 1; return each row's rescaling factor.

    Rows summing to at most ``1 + SHARE_SUM_TOL`` pass; the factor ``1 / max(1, sum)``
    (1 but for rounding, e.g. three shares of 1/3) keeps any key from handing out more
    than the generation. Shape ``(n_rows,)``.
    """
    if not np.isfinite(shares).all() or (shares < 0).any():
        raise ValueError("allocation: expected finite, non-negative shares_frac")
    sums = shares.sum(axis=-1)
    worst = float(sums.max(initial=0.0))
    if worst > 1.0 + SHARE_SUM_TOL:
        t = int(np.argmax(sums))
        where = f" (interval {t})" if shares.shape[0] > 1 else ""
        raise ValueError(
            f"allocation: expected shares_frac summing to at most 1, found {worst:.12g}{where}"
        )
    return 1.0 / np.maximum(sums, 1.0)


def _out_for(d: FloatArray, out: FloatArray | None) -> FloatArray:
    """The array an allocation of demand ``d`` is written to: ``out`` if given."""
    if out is None:
        return np.empty_like(d)
    if out.shape != d.shape:
        raise ValueError(f"allocation: expected out of shape {d.shape}, found {out.shape}")
    return out


def _finish(g: FloatArray, a: FloatArray) -> Allocation:
    """Export is the remainder; rounding can only make it a few ulp negative -> 0."""
    return Allocation(a, np.maximum(g - a.sum(axis=1), 0.0))


# --------------------------------------------------------------------------- keys
def allocate_proportional(
    generation_kwh: ArrayLike, demand_kwh: ArrayLike, *, out: FloatArray | None = None
) -> Allocation:
    """Allocate pro rata to consumption in each interval.

    Parameters
    ----------
    generation_kwh : array_like
        ``(n_steps,)`` energy to share [kWh].
    demand_kwh : array_like
        ``(n_steps, n_participants)`` consumption [kWh].
    out : numpy.ndarray, optional
        ``(n_steps, n_participants)`` array (or view) to write the allocation into.

    Returns
    -------
    Allocation

    Raises
    ------
    ValueError
        On shapes, or non-finite or negative energy.

    Notes
    -----
    ``a_p = D_p * min(1, G / sum_q D_q)``; with no demand everything is exported,
    ``x = G - sum_p a_p``.

    References
    ----------
    FR clé dynamique par défaut, Code de l'énergie art. D315-6 ("au prorata de leur
    consommation, dans la limite de leur quantité d'électricité consommée"); AT dynamische
    Aufteilung (ElWOG 2010 §16a ff.); DE EnWG §42b dynamic key.
    """
    g, d = _as_inputs(generation_kwh, demand_kwh)
    a = _out_for(d, out)
    export = np.empty_like(g)
    # in blocks of intervals, so that each block's demand stays in the CPU cache
    for start in range(0, len(g), BLOCK_STEPS):
        rows = slice(start, start + BLOCK_STEPS)
        g_b, d_b = g[rows], d[rows]
        total = d_b.sum(axis=1)
        ratio = np.ones_like(g_b)  # min(1, G / sum D) without dividing where it is 1
        np.divide(g_b, total, out=ratio, where=total > g_b)
        a_b = np.multiply(d_b, ratio[:, None], out=a[rows])
        export[rows] = np.maximum(g_b - a_b.sum(axis=1), 0.0)
    return Allocation(a, export)


def _block_rows(n_participants: int) -> int:
    """Intervals per block of the redistribution kernel for ``n_participants``.

    About :data:`BLOCK_BYTES` of demand per block (so a block's demand and its
    temporaries stay in the CPU's L2 cache between passes), at least 8 and at most
    :data:`BLOCK_STEPS` intervals.
    """
    return int(min(BLOCK_STEPS, max(8, BLOCK_BYTES // (8 * max(1, n_participants)))))


def _normalised_keys(w: FloatArray) -> FloatArray:
    """Keys scaled so the largest of each row is 1 (the split does not depend on scale)."""
    w_max = w.max(axis=1, keepdims=True, initial=0.0)
    return np.divide(w, w_max, out=np.zeros(w.shape), where=w_max > 0)


def _redistribute(
    g: FloatArray, d: FloatArray, shares: FloatArray, equal: bool, out: FloatArray
) -> FloatArray:
    """Exact re-division (water-filling) of every interval, written into ``out``.

    Parameters
    ----------
    g : numpy.ndarray
        ``(n_steps,)`` [kWh].
    d : numpy.ndarray
        ``(n_steps, n_participants)`` [kWh].
    shares : numpy.ndarray
        ``(1 or n_steps, n_participants)``, non-negative.
    equal : bool
        Every key equal and positive (``EqualKey``).
    out : numpy.ndarray
        ``(n_steps, n_participants)`` receives ``a_p = min(D_p, w_p * lam)``.

    Returns
    -------
    numpy.ndarray
        ``(n_steps,)`` export ``max(G - sum_p a_p, 0)`` [kWh], summed while the block is
        in the cache: row by row the same sums as over ``out`` (a row given everyone's
        keyed demand sums to that demand's total, one given nothing to 0).

    Notes
    -----
    Only intervals with some energy and less than the keyed demand need a level; the
    others get everyone's keyed demand (or nothing at night). For those, see
    :func:`_fill_rows`.
    """
    n, p = d.shape
    single = shares.shape[0] == 1
    w_one = _normalised_keys(shares) if single else shares
    all_active = single and bool((w_one > 0).all())
    step = _block_rows(p)
    export = np.empty(n)
    for start in range(0, n, step):
        rows = slice(start, min(start + step, n))
        g_b, d_b = g[rows], d[rows]
        w_b = w_one if single else _normalised_keys(shares[rows])
        d_act = d_b if all_active else np.where(w_b > 0, d_b, 0.0)
        total = d_act.sum(axis=1)
        a_b = out[rows]
        # enough for all keyed demand: everyone is served; no energy (night): nothing
        np.copyto(a_b, d_act)
        night = g_b <= 0
        a_b[night] = 0.0
        used = np.where(night, 0.0, total)  # each row's sum, but for the short ones
        short = np.flatnonzero((g_b > 0) & (g_b < total))
        if short.size:
            w_s = w_b if single else w_b[short]
            a_s = _fill_rows(g_b[short], d_act[short], w_s, equal)
            a_b[short] = a_s
            used[short] = a_s.sum(axis=1)
        np.maximum(g_b - used, 0.0, out=export[rows])
    return export


FILL_ROUNDS = 12
"""Rounds of progressive filling before an interval is handed to the sorting method."""
TINY_KEYS = 1e-200
"""Below this sum of unsaturated keys, products of keys and energy may underflow: such
intervals are solved by sorting saturation levels (with logarithms if needed)."""


def _fill_rows(g: FloatArray, d: FloatArray, w: FloatArray, equal: bool) -> FloatArray:
    """Water-filling of intervals that are short of energy (``0 < G < sum of keyed D``).

    ``d`` is ``(m, P)`` with zero demand where the key is zero; ``w`` is ``(1, P)`` or
    ``(m, P)``, each row's largest key 1.

    Notes
    -----
    Progressive filling, vectorised over intervals. Participant ``p`` saturates at the
    level ``L_p = D_p / w_p``. Start from ``lam = G / sum_p w_p`` (nobody saturated);
    then, with ``S`` those with ``L_p <= lam``, ``rest = G - sum_S D_p`` and ``W`` the
    keys outside ``S``, set ``lam = rest / W`` and repeat until ``S`` stops growing. The
    level only rises, so this ends; it is Newton's method on the concave
    ``sum_p min(D_p, w_p lam) = G``, a few rounds in practice, each one pass over the
    levels and masked sums (no sort). ``rest`` and ``W`` are summed afresh every round,
    so the result depends on the final ``S`` alone. An interval where nobody saturates
    at the first level is done after one comparison: its ``S`` is empty, ``rest = G``
    and ``W`` the sum of all keys, summed once as a round sums it. Saturated
    participants are counted as bytes into a narrow integer (several times faster than
    numpy's int64 sum of booleans). Then ``a_p = min(D_p, w_p lam)``. Intervals still growing after
    :data:`FILL_ROUNDS` rounds, or whose unsaturated keys sum below :data:`TINY_KEYS`
    (where ``lam`` could overflow or ``w_p lam`` lose precision), are solved by
    :func:`_water_fill_sorted` instead.
    """
    m, p = d.shape
    single = w.shape[0] == 1
    if equal:
        level = d  # keys all 1
    elif single and bool((w > 0).all()):
        with np.errstate(over="ignore"):
            level = d / w
    else:
        level = np.full((m, p), np.inf)  # no key: never saturates (and has no demand)
        with np.errstate(over="ignore"):
            np.divide(d, w, out=level, where=w > 0)
    # the state "nobody saturated": rest = G, and the keys summed as a round sums them
    nobody = np.ones((1 if single else m, p), dtype=bool)
    if equal:
        keys = np.full(m, float(p))
        lam = g / keys
    elif single:
        keys = np.full(m, np.einsum("ij,j->i", nobody, w[0])[0])
        lam = g / w.sum()
    else:
        keys = np.einsum("ij,ij->i", nobody, w)
        lam = g / w.sum(axis=1)
    rest = g.copy()
    wide = np.uint16 if p < 2**16 else np.uint64
    n_sat = np.zeros(m, dtype=wide)
    live = np.arange(m)
    for _ in range(FILL_ROUNDS):
        every = live.size == m  # views instead of copies while no interval has finished
        sat = (level if every else level[live]) <= lam[live, None]
        count = sat.view(np.uint8).sum(axis=1, dtype=wide)
        grew = count != n_sat[live]
        d_l = d if every else d[live]
        w_l = w if single or every else w[live]
        if not grew.all():
            d_l, sat = d_l[grew], sat[grew]
            w_l = w_l if single else w_l[grew]
        live = live[grew]
        if not live.size:
            break
        n_sat[live] = count[grew]
        # sums over the saturated / the others: einsum multiplies by the mask and adds
        # in one pass (x * 1 == x, x * 0 == 0 exactly), without BLAS
        rest[live] = g[live] - np.einsum("ij,ij->i", d_l, sat)
        if equal:
            keys[live] = p - count[grew].astype(np.float64)
        elif single:
            keys[live] = np.einsum("ij,j->i", ~sat, w_l[0])
        else:
            keys[live] = np.einsum("ij,ij->i", ~sat, w_l)
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            lam[live] = np.maximum(rest[live], 0.0) / keys[live]
    # intervals left to the sorting method: still growing, or keys small enough that a
    # level times a key could underflow
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        lam = np.maximum(rest, 0.0) / keys  # of each interval's final set
    hard = np.flatnonzero(keys < TINY_KEYS)
    if live.size:
        hard = np.union1d(live, hard)
    if hard.size:
        lam[hard] = 0.0  # a finite placeholder; their rows are replaced below
    # a_p = min(D_p, w_p lam): lam <= G / TINY_KEYS is finite and w_p <= 1
    a = np.minimum(d, lam[:, None]) if equal else np.minimum(d, w * lam[:, None])
    if hard.size:
        a[hard] = _water_fill_sorted(g[hard], d[hard], np.broadcast_to(w, (m, p))[hard], equal)
    return a


def _water_fill_sorted(g: FloatArray, d: FloatArray, w: FloatArray, equal: bool) -> FloatArray:
    """Water-filling of short intervals by sorting saturation levels (any shares).

    ``d`` zero where ``w`` is; ``w`` each row's largest 1. Participants are sorted by
    the level at which they saturate (``D_p / w_p``); the first position ``k`` in that
    order that the energy cannot saturate is found from cumulative sums; then
    ``lam = rest_k / W_k`` with ``rest_k = G - sum of D before k`` and ``W_k`` the keys
    from ``k`` on, and ``a_p = min(D_p, rest_k * (w_p / W_k))``. ``equal=True`` sorts
    the demand alone.
    """
    act = w > 0
    if equal:
        d_s = np.sort(d, axis=1)  # keys all 1
        w_s = np.ones_like(d_s)
    else:
        # saturation level D/w (w <= 1 so no underflow); inactive participants sort last
        sat = np.full(d.shape, np.inf)
        with np.errstate(over="ignore"):
            np.divide(d, w, out=sat, where=act)
        if not np.isfinite(sat[act]).all():  # subnormal shares: order by logarithms
            with np.errstate(divide="ignore"):
                sat = np.where(act, np.log(d) - np.log(np.where(act, w, 1.0)), np.inf)
        order = np.argsort(sat, axis=1)
        d_s = np.take_along_axis(d, order, axis=1)
        w_s = np.take_along_axis(w, order, axis=1)
    d_before = np.zeros_like(d_s)  # demand of the participants sorted before each one
    np.cumsum(d_s[:, :-1], axis=1, out=d_before[:, 1:])
    w_from = np.cumsum(w_s[:, ::-1], axis=1)[:, ::-1]  # keys of each one and those after
    rest = g[:, None] - d_before  # left for position k on if all before it saturate
    # k: first position not saturated below the target, D_k / w_k >= rest_k / W_k,
    # written without division; a participant without demand is saturated at every
    # level (with subnormal keys rest_k * w_k can underflow to 0 and would look unmet)
    hit = (w_s > 0) & (d_s > 0) & (d_s * w_from >= rest * w_s)
    n_active = act.sum(axis=1)
    k = np.where(hit.any(axis=1), np.argmax(hit, axis=1), n_active - 1)
    r = np.arange(len(g))
    rest_k = np.maximum(rest[r, k], 0.0)[:, None]
    w_k = w_from[r, k][:, None]  # > 0: position k is active
    with np.errstate(over="ignore", invalid="ignore"):
        return np.fmin(d, rest_k * (w / w_k))


def _share_based(g: FloatArray, d: FloatArray, shares: FloatArray, variant: Variant) -> Allocation:
    """Shares ``(1 or n_steps, n_participants)``, checked here; both variants."""
    row_scale = _check_shares(shares)
    if variant == "export":
        a = shares * (g * row_scale)[:, None]  # one (T, P) temporary, reused as the result
        return _finish(g, np.minimum(a, d, out=a))
    if variant != "redistribute":
        raise ValueError(
            f"allocation: expected variant 'export' or 'redistribute', found {variant!r}"
        )
    a = np.empty_like(d)
    if d.shape[1] == 0:
        return _finish(g, a)
    # one key for every interval, all equal and positive: count instead of summing keys
    equal = shares.shape[0] == 1 and bool((shares > 0).all() and (shares == shares[0, 0]).all())
    return Allocation(a, _redistribute(g, d, shares, equal, a))


def allocate_static(
    generation_kwh: ArrayLike, demand_kwh: ArrayLike, shares_frac: ArrayLike, variant: Variant
) -> Allocation:
    """Allocate fixed shares of generation, capped at consumption.

    Parameters
    ----------
    generation_kwh, demand_kwh : array_like
        As in :func:`allocate_proportional` [kWh].
    shares_frac : array_like
        ``(n_participants,)`` shares [-], non-negative, summing to at most 1.
    variant : {"export", "redistribute"}
        ``export``: an unused share (and the unassigned rest when shares sum to less
        than 1) is exported. ``redistribute``: it is re-divided among participants with
        unmet demand in proportion to their shares, until the energy or the demand runs
        out (exact water-filling, see Notes).

    Notes
    -----
    export: ``a_p = min(D_p, w_p G)``.
    redistribute: ``a_p = min(D_p, w_p * lam)`` with ``lam`` the level at which
    ``sum_p a_p = min(G, sum_{w_p > 0} D_p)``; found exactly per interval by sorting the
    saturation levels ``D_p / w_p`` (no fixed number of passes). Because shares sum to at
    most 1, ``lam >= G``: nobody gets less than under ``export``.

    Raises
    ------
    ValueError
        On shapes, non-finite or negative energy or shares, shares summing to more than
        1 (beyond ``SHARE_SUM_TOL``; sums within it are rescaled to 1), or an unknown
        variant.

    References
    ----------
    NL energiedeel-overeenkomst (Energiewet 2026; registered percentage per 15 minutes);
    AT statische Aufteilung (ElWOG §16a); FR clé statique; ES fixed coefficients
    (RD 244/2019); DE EnWG §42b static key.
    """
    g, d = _as_inputs(generation_kwh, demand_kwh)
    shares = np.asarray(shares_frac, dtype=np.float64)
    if shares.shape != (d.shape[1],):
        raise ValueError(f"allocation: expected {d.shape[1]} shares, found shape {shares.shape}")
    return _share_based(g, d, shares[None, :], variant)


def allocate_equal(
    generation_kwh: ArrayLike, demand_kwh: ArrayLike, variant: Variant
) -> Allocation:
    """Allocate equal shares ``1/P``; ``redistribute`` gives the max-min fair split.

    Parameters
    ----------
    generation_kwh, demand_kwh : array_like
        As in :func:`allocate_proportional` [kWh].
    variant : {"export", "redistribute"}
        As in :func:`allocate_static`.

    Returns
    -------
    Allocation

    Raises
    ------
    ValueError
        On shapes, non-finite or negative energy, or an unknown variant.

    Notes
    -----
    export: ``a_p = min(D_p, G / P)``. redistribute: water-filling with equal weights,
    ``a_p = min(D_p, lam)`` with ``sum_p a_p = min(G, sum_p D_p)``: nobody's share can
    be raised without lowering someone who has less (max-min fair). With no
    participants everything is exported.

    References
    ----------
    Common practice in cooperative sharing; Luxembourg energy communities (equal split
    by default).
    """
    g, d = _as_inputs(generation_kwh, demand_kwh)
    n = d.shape[1]
    if n == 0:
        return _finish(g, d.copy())
    return _share_based(g, d, np.full((1, n), 1.0 / n), variant)


def allocate_schedule(
    generation_kwh: ArrayLike, demand_kwh: ArrayLike, shares_frac: ArrayLike, variant: Variant
) -> Allocation:
    """Allocate shares set in advance per interval, ``(n_steps, n_participants)``.

    Parameters
    ----------
    generation_kwh, demand_kwh : array_like
        As in :func:`allocate_proportional` [kWh].
    shares_frac : array_like
        ``(n_steps, n_participants)`` shares of each interval [-], non-negative; each
        row sums to at most 1 (an hour-of-year table is expanded with
        :func:`expand_hourly_shares`).
    variant : {"export", "redistribute"}
        As in :func:`allocate_static`, interval by interval.

    Returns
    -------
    Allocation

    Raises
    ------
    ValueError
        On shapes, non-finite or negative energy or shares, a row of shares summing to
        more than 1, or an unknown variant.

    Notes
    -----
    :func:`allocate_static` with ``w_pt`` in place of ``w_p``.

    References
    ----------
    ES Orden TED/1247/2021 amending RD 244/2019 annex I (a coefficient per hour of the
    year, set in advance); FR clé dynamique personnalisée (Code de l'énergie art. D315-6,
    coefficients per measurement step).
    """
    g, d = _as_inputs(generation_kwh, demand_kwh)
    shares = np.asarray(shares_frac, dtype=np.float64)
    if shares.shape != d.shape:
        raise ValueError(f"allocation: expected shares of shape {d.shape}, found {shares.shape}")
    return _share_based(g, d, shares, variant)


def allocate(
    generation_kwh: ArrayLike, demand_kwh: ArrayLike, key: Key, *, out: FloatArray | None = None
) -> Allocation:
    """Allocate with ``key`` (dispatch on its type).

    Parameters
    ----------
    generation_kwh, demand_kwh : array_like
        As in :func:`allocate_proportional` [kWh].
    key : ProportionalKey, StaticKey, EqualKey or ScheduleKey
    out : numpy.ndarray, optional
        Array (or view) of the demand's shape that receives the allocation.

    Returns
    -------
    Allocation

    Raises
    ------
    TypeError
        If ``key`` is none of the four.
    """
    if isinstance(key, ProportionalKey):
        return allocate_proportional(generation_kwh, demand_kwh, out=out)
    if isinstance(key, StaticKey):
        result = allocate_static(generation_kwh, demand_kwh, key.shares_frac, key.variant)
    elif isinstance(key, EqualKey):
        result = allocate_equal(generation_kwh, demand_kwh, key.variant)
    elif isinstance(key, ScheduleKey):
        result = allocate_schedule(generation_kwh, demand_kwh, key.shares_frac, key.variant)
    else:
        raise TypeError(f"allocation: unknown key {key!r}")
    if out is None:
        return result
    _out_for(result.allocated_kwh, out)[...] = result.allocated_kwh
    return Allocation(out, result.export_kwh)


def expand_hourly_shares(shares_hourly: ArrayLike, hour_of_year: ArrayLike) -> FloatArray:
    """Map an hour-of-year share table onto intervals.

    Parameters
    ----------
    shares_hourly : array_like
        ``(n_hours, n_participants)`` shares per hour of the year [-].
    hour_of_year : array_like
        ``(n_steps,)`` integer hour of each interval, counted in absolute time from
        1 January 00:00 local time (so 8,760 or 8,784 hours, clock changes included).

    Returns
    -------
    numpy.ndarray
        ``(n_steps, n_participants)`` shares of each interval [-]: every interval of an
        hour takes that hour's row.

    Raises
    ------
    ValueError
        If the table is not 2-D or an hour falls outside it.
    """
    table = np.asarray(shares_hourly, dtype=np.float64)
    hours = np.asarray(hour_of_year)
    if table.ndim != 2 or hours.ndim != 1 or not np.issubdtype(hours.dtype, np.integer):
        raise ValueError(
            "allocation: expected a share table (n_hours, n_participants) and integer "
            f"hours (n_steps,), found {table.shape} and {hours.dtype} {hours.shape}"
        )
    if hours.min(initial=0) < 0 or hours.max(initial=0) >= table.shape[0]:
        raise ValueError(
            f"allocation: schedule has {table.shape[0]} hours, the year needs {hours.max() + 1}"
        )
    return table[hours]


def allocate_own_strings(
    string_generation_kwh: ArrayLike,
    demand_kwh: ArrayLike,
    *,
    out: FloatArray | None = None,
    surplus_out: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Each dwelling first uses its own string behind its own meter.

    Parameters
    ----------
    string_generation_kwh : array_like
        ``(n_steps, n_dwellings)``, or ``(n_steps, 1)`` when every dwelling's string is
        the same (broadcast, no copy per dwelling) [kWh].
    demand_kwh : array_like
        ``(n_steps, n_dwellings)`` [kWh].
    out, surplus_out : numpy.ndarray, optional
        ``(n_steps, n_dwellings)`` arrays (or views) that receive the self-consumed and
        the fed-in energy.

    Returns
    -------
    used_kwh, surplus_kwh : numpy.ndarray
        ``(n_steps, n_dwellings)`` self-consumed and fed-in energy [kWh].

    Raises
    ------
    ValueError
        On shapes, or non-finite or negative energy.

    Notes
    -----
    Behind one meter there is nothing to share: ``used = min(S, D)`` and
    ``surplus = S - used`` per interval; ``used + surplus == S`` to rounding.
    """
    s = np.asarray(string_generation_kwh, dtype=np.float64)
    d = np.asarray(demand_kwh, dtype=np.float64)
    if s.ndim != 2 or d.ndim != 2 or s.shape[0] != d.shape[0] or s.shape[1] not in (1, d.shape[1]):
        raise ValueError(
            "allocation: expected string generation of shape (n_steps, n_dwellings) or "
            f"(n_steps, 1) and demand of shape (n_steps, n_dwellings), found {s.shape} "
            f"and {d.shape}"
        )
    _check_energy(s, "string generation")
    _check_energy(d, "demand")
    used = np.minimum(s, d, out=_out_for(d, out))
    return used, np.subtract(s, used, out=_out_for(d, surplus_out))


# --------------------------------------------------------------------------- waterfall
@dataclass(frozen=True)
class Tier:
    """One tier of the waterfall.

    Attributes
    ----------
    name : str
        E.g. ``"common"``, ``"tenants"``, ``"members"``.
    demand_kwh : numpy.ndarray
        ``(n_steps, n_participants)`` [kWh].
    key : Key
        How the tier shares what reaches it.
    cap_frac : float, optional
        At most this share of each interval's *generation* goes to the tier [-].
    cap_kwh : float, optional
        At most this much per interval goes to the tier [kWh].
    out : numpy.ndarray, optional
        Array (or view) of the demand's shape that receives the tier's allocation.
    """

    name: str
    demand_kwh: FloatArray
    key: Key = field(default_factory=ProportionalKey)
    cap_frac: float | None = None
    cap_kwh: float | None = None
    out: FloatArray | None = None


@dataclass(frozen=True)
class WaterfallResult:
    """Allocation per tier (``name -> (n_steps, n_participants)``) and export [kWh].

    ``reach_kwh`` holds, per tier, what reached it in each interval (after its caps)
    ``(n_steps,)`` [kWh]: what its key shared out.
    """

    allocated_kwh: dict[str, FloatArray]
    export_kwh: FloatArray
    reach_kwh: dict[str, FloatArray] = field(default_factory=dict)


def allocate_waterfall(generation_kwh: ArrayLike, tiers: Sequence[Tier]) -> WaterfallResult:
    """Share generation tier after tier; the remainder is exported.

    Parameters
    ----------
    generation_kwh : array_like
        ``(n_steps,)`` [kWh].
    tiers : sequence of Tier
        In order of priority (default common -> tenants -> members).

    Returns
    -------
    WaterfallResult

    Notes
    -----
    Tier ``i`` receives ``R_i = min(remaining, cap_frac * G, cap_kwh)`` and shares it with
    its key; what it does not use (an unused share under ``export``, or energy beyond its
    demand) and what the cap held back flow on: ``remaining -= sum_p a_ip``. The last
    remainder is exported, so ``sum_i sum_p a_ip + x == G`` in every interval.
    """
    g = np.asarray(generation_kwh, dtype=np.float64)
    if g.ndim != 1:
        raise ValueError(f"allocation: expected generation of shape (n_steps,), found {g.shape}")
    _check_energy(g, "generation")
    names = [t.name for t in tiers]
    if len(set(names)) != len(names):
        raise ValueError(f"allocation: expected unique tier names, found {names}")
    for tier in tiers:
        shape = np.shape(tier.demand_kwh)
        if len(shape) != 2 or shape[0] != len(g):
            raise ValueError(
                f"allocation: tier {tier.name!r}: expected demand_kwh of shape "
                f"({len(g)}, n_participants), found {shape}"
            )
        if tier.cap_frac is not None and not 0.0 <= tier.cap_frac <= 1.0:
            raise ValueError(
                f"allocation: tier {tier.name!r}: expected cap_frac in [0, 1], "
                f"found {tier.cap_frac}"
            )
        if tier.cap_kwh is not None and not 0.0 <= tier.cap_kwh <= np.inf:
            raise ValueError(
                f"allocation: tier {tier.name!r}: expected cap_kwh >= 0 [kWh per interval], "
                f"found {tier.cap_kwh}"
            )
    remaining = g.copy()
    out: dict[str, FloatArray] = {}
    reaches: dict[str, FloatArray] = {}
    for tier in tiers:
        reach = remaining
        if tier.cap_frac is not None:
            reach = np.minimum(reach, tier.cap_frac * g)
        if tier.cap_kwh is not None:
            reach = np.minimum(reach, tier.cap_kwh)
        result = allocate(reach, tier.demand_kwh, tier.key, out=tier.out)
        out[tier.name] = result.allocated_kwh
        reaches[tier.name] = reach
        if reach is remaining:  # no cap: what is left is the tier's own remainder
            remaining = result.export_kwh
        else:
            remaining = np.maximum(remaining - result.allocated_kwh.sum(axis=1), 0.0)
    return WaterfallResult(out, remaining, reaches)
