"""Property tests: the invariants of domain.md section 3 for every key and variant."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from energysim.allocation import (
    EqualKey,
    ProportionalKey,
    ScheduleKey,
    StaticKey,
    Tier,
    allocate,
    allocate_waterfall,
)

TOL = 1e-9
energy = st.floats(min_value=0.0, max_value=50.0, allow_nan=False, allow_infinity=False)


@st.composite
def cases(draw):
    n = draw(st.integers(1, 12))
    p = draw(st.integers(1, 7))
    g = draw(arrays(np.float64, n, elements=energy))
    # demand with exact zeros sprinkled in (participants without demand)
    d = draw(arrays(np.float64, (n, p), elements=st.one_of(st.just(0.0), energy)))
    # shares are registered percentages: zero, or not absurdly small
    share = st.one_of(st.just(0.0), st.floats(1e-6, 1.0))
    raw = draw(arrays(np.float64, p, elements=share))
    scale = draw(st.floats(0.0, 1.0))
    shares = raw / raw.sum() * scale if raw.sum() > 0 else raw
    raw_t = draw(arrays(np.float64, (n, p), elements=share))
    sums = raw_t.sum(axis=1, keepdims=True)
    schedule = np.divide(raw_t, sums, out=np.zeros_like(raw_t), where=sums > 0) * scale
    return g, d, shares, schedule


def keys(shares, schedule):
    yield ProportionalKey(), None
    for variant in ("export", "redistribute"):
        yield StaticKey(shares, variant), shares[None, :]
        yield EqualKey(variant), np.full((1, len(shares)), 1.0 / len(shares))
        yield ScheduleKey(schedule, variant), schedule


def check_balance(g, a, x):
    assert (a >= 0).all()
    assert (x >= 0).all()
    np.testing.assert_allclose(a.sum(axis=1) + x, g, rtol=0, atol=TOL * max(1.0, g.max(initial=0)))


@settings(max_examples=150, deadline=None)
@given(cases())
def test_every_key_keeps_the_invariants(case) -> None:
    g, d, shares, schedule = case
    for key, w in keys(shares, schedule):
        r = allocate(g, d, key)
        a, x = r.allocated_kwh, r.export_kwh
        check_balance(g, a, x)
        assert (a <= d + TOL).all(), key
        if w is None:
            continue
        static_export = np.minimum(d, w * g[:, None])
        if key.variant == "export":
            # never more than its share of generation
            assert (a <= w * g[:, None] + TOL).all(), key
        else:
            # never less than static-export would give
            assert (a >= static_export - TOL).all(), key
            # never exports while a participant with a positive key has unmet demand
            unmet = ((w > 0) & (a < d - 1e-7)).any(axis=1)
            assert (x[unmet] <= 1e-7).all(), key


@settings(max_examples=100, deadline=None)
@given(cases(), st.floats(0.0, 1.0), st.floats(0.0, 20.0))
def test_waterfall_keeps_the_invariants_and_caps(case, cap_frac, cap_kwh) -> None:
    g, d, shares, schedule = case
    p = d.shape[1]
    tiers = [
        Tier("common", d[:, :1]),
        Tier("tenants", d, StaticKey(shares, "redistribute"), cap_frac=cap_frac),
        Tier("members", d[:, ::-1], EqualKey("export"), cap_kwh=cap_kwh),
    ]
    r = allocate_waterfall(g, tiers)
    a_all = np.concatenate([r.allocated_kwh[t.name] for t in tiers], axis=1)
    check_balance(g, a_all, r.export_kwh)
    assert (r.allocated_kwh["tenants"].sum(axis=1) <= cap_frac * g + TOL).all()
    assert (r.allocated_kwh["members"].sum(axis=1) <= cap_kwh + TOL).all()
    for t in tiers:
        assert (r.allocated_kwh[t.name] <= t.demand_kwh + TOL).all()
    assert r.allocated_kwh["tenants"].shape == (len(g), p)


def test_thousands_of_participants() -> None:
    rng = np.random.default_rng(3)
    g = rng.uniform(0, 400, 96)
    d = rng.exponential(0.2, (96, 3000))
    for key, _ in keys(rng.dirichlet(np.ones(3000)) * 0.9, rng.dirichlet(np.ones(3000), 96)):
        r = allocate(g, d, key)
        check_balance(g, r.allocated_kwh, r.export_kwh)
        assert (r.allocated_kwh <= d + TOL).all()
