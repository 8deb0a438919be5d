"""energysim.money.rootfind.brentq returns exactly what scipy.optimize.brentq returns."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

from energysim.money.business import irr_frac, npv_eur
from energysim.money.rootfind import brentq


@settings(max_examples=300, deadline=None)
@given(
    capex=st.floats(1e2, 1e7),
    mean=st.floats(-1e4, 2e5),
    spread=st.floats(0.0, 1e5),
    years=st.integers(1, 40),
    seed=st.integers(0, 2**32 - 1),
)
def test_irr_root_is_bit_identical_to_scipy(capex, mean, spread, years, seed) -> None:
    cf = np.r_[-capex, np.random.default_rng(seed).normal(mean, spread, years)]

    def f(r: float) -> float:
        return npv_eur(cf, r)

    low, high = -0.99, 10.0
    if math.copysign(1.0, f(low)) == math.copysign(1.0, f(high)):
        with pytest.raises(ValueError):
            brentq(f, low, high)
        return
    assert brentq(f, low, high, xtol=1e-12) == optimize.brentq(f, low, high, xtol=1e-12)


@pytest.mark.parametrize(
    ("f", "a", "b"),
    [
        (lambda x: x**3 - 2 * x - 5, 2.0, 3.0),  # Wallis' example
        (lambda x: math.cos(x) - x, 0.0, 1.0),
        (lambda x: x - 1.0, 1.0, 5.0),  # root at an end
        (lambda x: math.exp(x) - 1e6, -5.0, 30.0),
    ],
)
def test_textbook_roots_equal_scipy(f, a, b) -> None:
    assert brentq(f, a, b) == optimize.brentq(f, a, b)


def test_no_sign_change_and_nan_are_errors() -> None:
    with pytest.raises(ValueError, match="different signs"):
        brentq(lambda x: x * x + 1.0, -1.0, 1.0)
    with pytest.raises(ValueError, match="NaN"):
        brentq(lambda x: math.nan if x > 0.1 else x - 0.5, 0.0, 1.0)


def test_irr_of_a_known_case() -> None:
    # -1000 now, +1100 in a year: 10%
    assert irr_frac([-1000.0, 1100.0]) == pytest.approx(0.10, abs=1e-12)
