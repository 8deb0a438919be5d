"""Distribution of benefits: who gains, who loses, by role and consumption."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike


def gini(values: ArrayLike) -> float | None:
    """Gini coefficient of non-negative values [-]; None if a value is negative or all zero.

    Notes
    -----
    ``G = sum_i sum_j |x_i - x_j| / (2 n^2 mean)``, via the sorted-values formula
    ``G = (2 sum_i i x_(i)) / (n sum x) - (n + 1) / n``.
    """
    x = np.sort(np.asarray(values, dtype=np.float64))
    if len(x) == 0 or (x < 0).any() or x.sum() == 0:
        return None
    n = len(x)
    ranks = np.arange(1, n + 1)
    return float(2.0 * np.sum(ranks * x) / (n * x.sum()) - (n + 1) / n)


def benefit_statistics(benefit_eur: ArrayLike) -> dict[str, float | int | None]:
    """Mean, p10, median, p90, share better off and Gini of benefits [EUR/yr]."""
    b = np.asarray(benefit_eur, dtype=np.float64)
    if len(b) == 0:
        return {"households": 0}
    return {
        "households": int(len(b)),
        "mean_eur": float(b.mean()),
        "p10_eur": float(np.percentile(b, 10)),
        "median_eur": float(np.median(b)),
        "p90_eur": float(np.percentile(b, 90)),
        "better_off_frac": float((b > 0).mean()),
        "worse_off_frac": float((b < 0).mean()),
        "gini": gini(b),
    }


@lru_cache(maxsize=256)
def _rank_edges(n: int) -> np.ndarray:
    """Quantiles 0.2, 0.4, ..., 1 of the ranks 1..n (read-only; made once per n: a
    batch's complexes have a few sizes)."""
    edges = np.quantile(np.arange(1, n + 1, dtype=np.float64), [0.2, 0.4, 0.6, 0.8, 1.0])
    edges.flags.writeable = False
    return edges


def benefit_by_quintile(
    benefit_eur: ArrayLike, consumption_kwh: ArrayLike
) -> list[dict[str, float]]:
    """Mean benefit per consumption quintile (Q1 = lowest consumption)."""
    b = np.asarray(benefit_eur, dtype=np.float64)
    c = np.asarray(consumption_kwh, dtype=np.float64)
    if len(b) < 5:
        return []
    # equal-count bins of the consumption rank (ties broken by order, as rank "first"):
    # bin k holds ranks in (e_k, e_k+1], e = quantiles 0, 0.2, ..., 1 of the ranks
    rank = np.empty(len(c))
    rank[np.argsort(c, kind="stable")] = np.arange(1, len(c) + 1)
    edges = _rank_edges(len(c))
    q = np.searchsorted(edges, rank, side="left")
    out = []
    for k in range(5):
        sel = q == k
        out.append(
            {
                "quintile": k + 1,
                "consumption_kwh_mean": float(c[sel].mean()),
                "benefit_eur_mean": float(b[sel].mean()),
                "households": int(sel.sum()),
            }
        )
    return out
