"""Brent's root finder in plain Python, step for step the one scipy ships.

``scipy.optimize`` takes about a third of a second to import (it pulls in scipy.linalg,
scipy.sparse and more) and the only thing a run needs from it is ``brentq`` for an IRR.
This is the same algorithm written in Python, operation for operation as in scipy's
``brentq.c``, so it returns the same float (a test compares them bit for bit on random
cash flows).

References
----------
Brent, R. P. (1973). Algorithms for Minimization without Derivatives, ch. 4.
scipy/optimize/Zeros/brentq.c (Charles Harris), BSD-3-Clause.
"""

from __future__ import annotations

import math
from collections.abc import Callable

XTOL = 2e-12
RTOL = 4 * 2.220446049250313e-16
MAXITER = 100


def brentq(
    f: Callable[[float], float],
    a: float,
    b: float,
    *,
    xtol: float = XTOL,
    rtol: float = RTOL,
    maxiter: int = MAXITER,
) -> float:
    """A root of ``f`` in ``[a, b]``, where ``f(a)`` and ``f(b)`` differ in sign.

    Parameters
    ----------
    f : callable
        Continuous function of one float.
    a, b : float
        The bracket.
    xtol, rtol : float
        The root is found within ``xtol + rtol * |x|`` (scipy's defaults).
    maxiter : int
        At most this many iterations.

    Raises
    ------
    ValueError
        If ``f(a)`` and ``f(b)`` have the same sign, or ``f`` returns NaN.
    RuntimeError
        If it did not converge in ``maxiter`` iterations.
    """
    xpre, xcur = float(a), float(b)
    xblk = fblk = spre = scur = 0.0
    fpre, fcur = _value(f, xpre), _value(f, xcur)
    if fpre == 0:
        return xpre
    if fcur == 0:
        return xcur
    if math.copysign(1.0, fpre) == math.copysign(1.0, fcur):
        raise ValueError("brentq: f(a) and f(b) must have different signs")
    for _ in range(maxiter):
        if fpre != 0 and fcur != 0 and math.copysign(1.0, fpre) != math.copysign(1.0, fcur):
            xblk, fblk = xpre, fpre
            spre = scur = xcur - xpre
        if abs(fblk) < abs(fcur):
            xpre, xcur, xblk = xcur, xblk, xcur
            fpre, fcur, fblk = fcur, fblk, fcur
        delta = (xtol + rtol * abs(xcur)) / 2
        sbis = (xblk - xcur) / 2
        if fcur == 0 or abs(sbis) < delta:
            return xcur
        if abs(spre) > delta and abs(fcur) < abs(fpre):
            if xpre == xblk:  # interpolate
                stry = -fcur * (xcur - xpre) / (fcur - fpre)
            else:  # extrapolate
                dpre = (fpre - fcur) / (xpre - xcur)
                dblk = (fblk - fcur) / (xblk - xcur)
                stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
            if 2 * abs(stry) < min(abs(spre), 3 * abs(sbis) - delta):  # good short step
                spre, scur = scur, stry
            else:  # bisect
                spre = scur = sbis
        else:  # bisect
            spre = scur = sbis
        xpre, fpre = xcur, fcur
        if abs(scur) > delta:
            xcur += scur
        else:
            xcur += delta if sbis > 0 else -delta
        fcur = _value(f, xcur)
    raise RuntimeError(f"brentq: no convergence in {maxiter} iterations")


def _value(f: Callable[[float], float], x: float) -> float:
    value = float(f(x))
    if math.isnan(value):
        raise ValueError(f"brentq: f({x!r}) is NaN")
    return value
