"""Redistribution: the exact water-filling of intervals short of energy.

Under a key's ``redistribute`` variant, a share its holder cannot use is re-divided
among those with unmet demand in proportion to their keys, until the energy or the
demand runs out: participant ``p`` receives ``a_p = min(D_p, w_p * lam)`` with the level
``lam`` at which ``sum_p a_p = min(G, sum_{w_p > 0} D_p)``. :func:`redistribute` finds
that level exactly in every interval, vectorised over intervals and participants
(progressive filling, with sorting for the intervals it cannot settle), block by block
of intervals so that a block's demand stays in the CPU's cache.
"""

from __future__ import annotations

import numpy as np

from energysim.sharing.kernel_inputs import BLOCK_STEPS, FloatArray

__all__ = ["BLOCK_BYTES", "FILL_ROUNDS", "TINY_KEYS", "redistribute"]

BLOCK_BYTES = 1024 * 1024
"""Demand per block of the redistribution kernel [bytes]: a few such arrays fit in a
CPU's L2 cache (measured: 64-256 rows at 1,000 participants run 1.6-1.8x faster than
2,048)."""


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


def redistribute(
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
