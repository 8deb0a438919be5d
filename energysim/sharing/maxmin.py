"""The max-min key: the static key whose smallest household gain is the largest.

:func:`maxmin_shares` finds it by a linear programme (HiGHS through scipy) on a tier's
energy; :func:`energysim.sharing.allocation.allocate` then shares with it as with any
static key, so the invariants of every key hold (``0 <= a[t, p] <= D[t, p]``,
``sum_p a[t, p] + x[t] == G[t]``, ``x[t] >= 0``). Pure functions on float64 ndarrays.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from energysim.sharing.kernel_inputs import FloatArray, as_inputs

__all__ = ["households_kwh", "maxmin_shares"]

MAX_ROUNDS = 20
"""Cutting-plane rounds of the LP that hands out the leftover share."""
B_MAX = 1e6
"""Breakpoints beyond this share are held at it (no share above 1 reaches them)."""
REL_TOL = 1e-9
"""The LP stops when its bound is within this share of the households' largest value."""


def households_kwh(
    reach_kwh: FloatArray, demand_kwh: FloatArray, shares_frac: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Each household's energy under a static key (export variant) and its slope.

    Returns
    -------
    energy_kwh, slope_kwh : numpy.ndarray
        ``(n_participants,)``: ``E_p(w_p) = sum_t min(D_pt, w_p R_t)`` [kWh] and its
        right derivative ``sum_t R_t [w_p R_t < D_pt]`` [kWh per unit share], a
        supergradient of the concave ``E_p``.
    """
    given = shares_frac[None, :] * reach_kwh[:, None]
    energy = np.minimum(given, demand_kwh).sum(axis=0)
    slope = np.where(given < demand_kwh, reach_kwh[:, None], 0.0).sum(axis=0)
    return energy, slope


def maxmin_shares(
    reach_kwh: ArrayLike,
    demand_kwh: ArrayLike,
    value_eur_per_kwh: ArrayLike | None = None,
    base_eur: ArrayLike | None = None,
) -> FloatArray:
    """The static key that maximises the smallest household gain.

    Parameters
    ----------
    reach_kwh : array_like
        ``(n_steps,)`` what reaches the tier in each interval [kWh].
    demand_kwh : array_like
        ``(n_steps, n_participants)`` the tier's demand [kWh].
    value_eur_per_kwh : array_like, optional
        ``(n_participants,)`` what a shared kWh is worth to each household [EUR/kWh],
        positive; default 1 (the gain is the shared kWh).
    base_eur : array_like, optional
        ``(n_participants,)`` each household's gain from elsewhere [EUR]; default 0.

    Returns
    -------
    numpy.ndarray
        ``(n_participants,)`` shares [-], non-negative, summing to at most 1.

    Raises
    ------
    ValueError
        On shapes, non-finite or negative energy, a value per kWh not above 0.

    Notes
    -----
    A household's energy under a static key (export variant), ``E_p(w_p) = sum_t
    min(D_pt, w_p R_t)``, is concave, piecewise linear and non-decreasing in its own share
    alone. A level ``z`` of the smallest gain ``min_p c_p + v_p E_p(w_p)`` is reachable
    when the least shares that reach it, ``w_p(z) = E_p^-1((z - c_p) / v_p)`` (exact, on
    the breakpoints ``D_pt / R_t``), sum to at most 1; the highest such level is found by
    bisection. The share left over is handed out by a linear programme that keeps every
    gain at the level and maximises the total gain: ``max sum_p v_p e_p`` subject to
    ``c_p + v_p e_p >= z``, ``e_p <= E_p(w_0) + E_p'(w_0) (w_p - w_0)`` (tangents,
    Kelley's cutting planes, added round by round), ``sum_p w_p <= 1``, solved by HiGHS;
    should it not settle, the leftover goes pro rata to the households' unmet demand.
    The smallest gain is thus the largest of all static keys (to ``REL_TOL``); under the
    ``redistribute`` variant nobody gets less than under ``export``.

    References
    ----------
    Max-min fairness (Bertsimas, Farias and Trichakis, "The price of fairness",
    Operations Research 59(1), 2011); cutting planes (Kelley, J. SIAM 8(4), 1960); HiGHS
    (Huangfu and Hall, Math. Prog. Comp. 10, 2018).
    """
    r, d = as_inputs(reach_kwh, demand_kwh)
    n = d.shape[1]
    if n == 0:
        return np.zeros(0)
    v = np.ones(n) if value_eur_per_kwh is None else np.asarray(value_eur_per_kwh, float)
    c = np.zeros(n) if base_eur is None else np.asarray(base_eur, float)
    if v.shape != (n,) or c.shape != (n,) or not (v > 0).all() or not np.isfinite(c).all():
        raise ValueError(
            f"max-min key: expected {n} positive values per kWh and {n} finite gains, "
            f"found shapes {v.shape} and {c.shape}"
        )
    curves = _Curves(r, d)
    top = c + v * curves.energy_at_one
    low, high = float(c.min()), float(top.min())
    tol = REL_TOL * max(1.0, float(np.abs(top).max()))
    while high - low > tol:
        mid = 0.5 * (low + high)
        if curves.least_shares(np.maximum(mid - c, 0.0) / v).sum() <= 1.0:
            low = mid
        else:
            high = mid
    w = curves.least_shares(np.maximum(low - c, 0.0) / v)
    w = np.minimum(w, 1.0) / max(1.0, float(w.sum()))
    return _hand_out(r, d, v, c, w, low - tol)


class _Curves:
    """Each household's energy curve ``E_p(w)`` at its breakpoints, to invert it."""

    def __init__(self, r: FloatArray, d: FloatArray) -> None:
        # an interval nothing reaches never gives energy; the others saturate from
        # w = D / R (beyond 1 held at B_MAX: no share above 1 reaches it); sorted
        d = np.where(r[:, None] > 0, d, 0.0)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            b = np.where(d > 0, d / np.where(r > 0, r, 1.0)[:, None], 0.0)
        b = np.minimum(b, B_MAX)
        order = np.argsort(b, axis=0, kind="stable")
        b = np.take_along_axis(b, order, axis=0)
        d_sorted = np.take_along_axis(d, order, axis=0)
        r_sorted = np.where(d_sorted > 0, r[order], 0.0)
        tail_r = r_sorted[::-1].cumsum(axis=0)[::-1] - r_sorted  # over the later ones
        zero = np.zeros((1, d.shape[1]))
        self.w = np.vstack([zero, b])
        self.e = np.vstack([zero, d_sorted.cumsum(axis=0) + b * tail_r])
        # the slope of E just above each breakpoint: what still grows with the share
        self.slope = np.vstack([r_sorted.sum(axis=0, keepdims=True), tail_r])
        self.energy_at_one = households_kwh(r, d, np.ones(d.shape[1]))[0]

    def least_shares(self, energy_kwh: FloatArray) -> FloatArray:
        """The least share that gives each household ``energy_kwh`` (at most its energy
        at a share of 1) [-]: on the segment after the last breakpoint below the target,
        ``w = w_k + (e - E_k) / E'_k``."""
        target = np.minimum(energy_kwh, self.energy_at_one)
        out = np.empty(len(target))
        last = len(self.e) - 1
        for p, e in enumerate(target):
            k = int(np.searchsorted(self.e[:, p], e, side="left"))
            if k == 0:
                out[p] = 0.0
            elif k > last or self.slope[k - 1, p] <= 0:
                out[p] = self.w[min(k, last), p]
            else:
                out[p] = self.w[k - 1, p] + (e - self.e[k - 1, p]) / self.slope[k - 1, p]
        return np.minimum(out, 1.0)


def _hand_out(
    r: FloatArray, d: FloatArray, v: FloatArray, c: FloatArray, w: FloatArray, level: float
) -> FloatArray:
    """The share left after the least shares, handed out by the LP (or pro rata to the
    unmet demand), every gain kept at ``level`` or above."""
    if w.sum() >= 1.0 - REL_TOL:
        return w
    lp = _MaxMinLP(r, d, v, c)
    lp.add_tangents(w)
    try:
        w_lp, _ = lp.solve(level)
    except RuntimeError:
        w_lp = None
    if w_lp is not None and lp.true_values(w_lp).min() >= level - REL_TOL * lp.scale:
        return w_lp / max(1.0, float(w_lp.sum()))
    unmet = np.maximum(d.sum(axis=0) - households_kwh(r, d, w)[0], 0.0)
    if unmet.sum() <= 0:
        return w
    return w + (1.0 - w.sum()) * unmet / unmet.sum()


class _MaxMinLP:
    """Variables ``[w (n), e (n), z]``; sparse rows ``A x <= b`` grow by cutting planes."""

    def __init__(self, r: FloatArray, d: FloatArray, v: FloatArray, c: FloatArray) -> None:
        self.r, self.d, self.v, self.c = r, d, v, c
        self.n = n = d.shape[1]
        self.scale = max(1.0, float(np.abs(c).max() + (v * d.sum(axis=0)).max()))
        # fixed rows: z - v_p e_p <= c_p (row p), sum_p w_p <= 1 (row n)
        p = np.arange(n)
        self.rows = [np.concatenate([p, p, np.full(n, n)])]
        self.cols = [np.concatenate([np.full(n, 2 * n), n + p, p])]
        self.vals = [np.concatenate([np.ones(n), -v, np.ones(n)])]
        self.rhs = [np.concatenate([c, [1.0]])]
        self.n_rows = n + 1
        for w0 in (0.0, 1.0 / n, 1.0):
            self.add_tangents(np.full(n, w0))

    def add_tangents(self, w: FloatArray) -> None:
        """Rows ``e_p - E_p'(w_p) w_p <= E_p(w_p) - E_p'(w_p) w_p``, one per household."""
        energy, slope = households_kwh(self.r, self.d, w)
        n = self.n
        rows = self.n_rows + np.arange(n)
        self.rows.append(np.concatenate([rows, rows]))
        self.cols.append(np.concatenate([n + np.arange(n), np.arange(n)]))
        self.vals.append(np.concatenate([np.ones(n), -slope]))
        self.rhs.append(energy - slope * w)
        self.n_rows += n

    def true_values(self, w: FloatArray) -> FloatArray:
        return self.c + self.v * households_kwh(self.r, self.d, w)[0]

    def solve(self, floor: float | None) -> tuple[FloatArray, float]:
        """Stage 1 (``floor`` None): maximise ``z``. Stage 2: keep ``z >= floor`` (less
        the tolerance) and maximise the total gain."""
        from scipy import optimize, sparse

        n = self.n
        objective = np.zeros(2 * n + 1)
        tol = REL_TOL * self.scale
        if floor is None:
            objective[2 * n] = -1.0
            z_bounds: tuple[float | None, float | None] = (None, None)
        else:
            objective[n : 2 * n] = -self.v / max(1.0, float(self.v.max()))
            z_bounds = (floor - tol, None)
        bounds = [(0.0, 1.0)] * n + [(0.0, float(s)) for s in self.d.sum(axis=0)] + [z_bounds]
        w = np.zeros(n)
        z = 0.0
        for _ in range(MAX_ROUNDS):
            a_ub = sparse.csr_matrix(
                (np.concatenate(self.vals), (np.concatenate(self.rows), np.concatenate(self.cols))),
                shape=(self.n_rows, 2 * n + 1),
            )
            res = optimize.linprog(
                objective, A_ub=a_ub, b_ub=np.concatenate(self.rhs), bounds=bounds, method="highs"
            )
            if res.status != 0:
                raise RuntimeError(f"max-min key: the LP failed ({res.message})")
            w = np.clip(res.x[:n], 0.0, 1.0)
            z = float(res.x[2 * n])
            e_true = households_kwh(self.r, self.d, w)[0]
            if (res.x[n : 2 * n] <= e_true + tol / max(1.0, float(self.v.max()))).all():
                break
            self.add_tangents(w)
        if floor is None:
            z = float(self.true_values(w).min())
        return w, z
