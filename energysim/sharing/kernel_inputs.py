"""What every allocation kernel checks of its inputs, and the block of intervals it works in.

Energy is float64 kWh per interval, finite and non-negative; shares are finite,
non-negative and sum to at most 1 per interval (to rounding, :data:`SHARE_SUM_TOL`).
Each check's message says what was expected and where it was not found. The kernels
work through the year in blocks of :data:`BLOCK_STEPS` intervals to bound their memory.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "BLOCK_STEPS",
    "SHARE_SUM_TOL",
    "FloatArray",
    "Variant",
    "as_inputs",
    "check_energy",
    "check_shares",
    "is_clean",
    "out_for",
]

FloatArray = NDArray[np.float64]
Variant = Literal["export", "redistribute"]

BLOCK_STEPS = 2048
"""Intervals per block in the proportional key and the energy check, and at most in the
redistribution kernel: bounds temporaries to a few ``BLOCK_STEPS x n_participants``
arrays (2,048 intervals x 40 participants is 0.6 MiB, which stays in the CPU cache
between passes)."""

SHARE_SUM_TOL = 1e-9
"""Shares may sum to at most ``1 + SHARE_SUM_TOL`` [-] (rounding of e.g. thirds); such
sums are rescaled to 1 so no key ever hands out more than the generation."""


def as_inputs(generation_kwh: ArrayLike, demand_kwh: ArrayLike) -> tuple[FloatArray, FloatArray]:
    g = np.asarray(generation_kwh, dtype=np.float64)
    d = np.asarray(demand_kwh, dtype=np.float64)
    if g.ndim != 1 or d.ndim != 2 or d.shape[0] != g.shape[0]:
        raise ValueError(
            "allocation: expected generation of shape (n_steps,) and demand of shape "
            f"(n_steps, n_participants), found {g.shape} and {d.shape}"
        )
    check_energy(g, "generation")
    check_energy(d, "demand")
    return g, d


_FINITE_BITS = {
    np.dtype(np.float64): (np.uint64, 0x7FF0000000000000),
    np.dtype(np.float32): (np.uint32, 0x7F800000),
}
"""Per float type, the unsigned integer of its width and the bit pattern of +inf: read as
that integer, a float is finite and non-negative exactly when it is below +inf's pattern
and its sign bit is clear (IEEE 754: sign bit first, then exponent and fraction, so
non-negative floats order like their patterns; NaN and -0.0 lie above +inf)."""


def is_clean(x: np.ndarray) -> bool:
    """Whether every value of a float array is finite and non-negative (not -0.0), in one
    pass without temporaries: the largest bit pattern read as an unsigned integer is
    below that of +inf (:data:`_FINITE_BITS`).

    True: :func:`check_energy` would pass ``x``. False says nothing more (a -0.0, a
    value out of range, or another dtype than float64/float32): check it exactly.
    """
    bits = _FINITE_BITS.get(x.dtype)
    if bits is None:
        return False
    if x.size == 0:
        return True
    uint, inf = bits
    return bool(x.view(uint).max() < inf)


def check_energy(x: FloatArray, what: str) -> None:
    """Energy arrays must be finite and non-negative; the message says where not."""
    # reductions without temporaries, block by block (each block read once into the
    # cache): one pass on the bit patterns (:func:`is_clean`), else the values' minimum
    # and maximum (-0.0 passes); NaN fails the comparison and is searched below
    if x.size == 0 or all(
        is_clean(b) or (b.min() >= 0.0 and b.max() < np.inf)
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


def check_shares(shares: FloatArray) -> FloatArray:
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


def out_for(d: FloatArray, out: FloatArray | None) -> FloatArray:
    """The array an allocation of demand ``d`` is written to: ``out`` if given."""
    if out is None:
        return np.empty_like(d)
    if out.shape != d.shape:
        raise ValueError(f"allocation: expected out of shape {d.shape}, found {out.shape}")
    return out
