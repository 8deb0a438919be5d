"""Who the households are: annual consumption and archetype per household.

Draws are seeded and depend only on the scenario's seed and the household's position,
so a scenario always gives the same population.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from energysim.config.buildings import ConsumptionDistribution, ConsumptionSpec


def draw_annual_kwh(spec: ConsumptionSpec, n: int) -> NDArray[np.float64]:
    """Return the annual consumption of ``n`` households [kWh/yr].

    Parameters
    ----------
    spec : list of float or ConsumptionDistribution
        An explicit list (returned as is) or a distribution with a seed.
    n : int
        Number of households.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)`` [kWh/yr], each at least ``spec.min_kwh`` for a distribution.

    Notes
    -----
    The lognormal is parameterised by its mean ``m`` and standard deviation ``s``:
    ``sigma^2 = ln(1 + s^2/m^2)``, ``mu = ln(m) - sigma^2 / 2``. Household consumption
    is right-skewed, which the lognormal captures (CBS consumption tables).
    """
    if not isinstance(spec, ConsumptionDistribution):
        values = np.asarray(spec, dtype=np.float64)
        if values.shape != (n,):
            raise ValueError(f"annual_kwh: expected {n} values, found {values.size}")
        return values
    if n == 0:  # nothing to draw (a building without members): no generator made
        return np.empty(0)
    rng = np.random.default_rng(spec.seed)
    m, s = spec.mean_kwh, spec.sd_kwh
    if spec.distribution == "lognormal":
        sigma2 = np.log1p((s / m) ** 2)
        draws = rng.lognormal(np.log(m) - sigma2 / 2.0, np.sqrt(sigma2), size=n)
    elif spec.distribution == "normal":
        draws = rng.normal(m, s, size=n)
    else:
        draws = rng.uniform(m - s, m + s, size=n)
    return np.maximum(draws, spec.min_kwh)


@lru_cache(maxsize=1024)
def derive_seed(*parts: int) -> int:
    """Return a 32-bit seed derived from several integers (numpy SeedSequence).

    Kept per process for the last 1,024 ``parts`` (a pure function of them)."""
    return int(np.random.SeedSequence(list(parts)).generate_state(1)[0])
