"""The fair keys: the priority key and the max-min key.

Invariants with hypothesis (nobody gets more than they use, energy balances in every
interval), the priority key's order, the max-min key's smallest gain against the equal,
proportional and 200 random static keys, and both keys in a run."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from energysim import run
from energysim.config.allocation_policy import MaxMinKey, PriorityKey
from energysim.config.scenario import scenario_from_dict
from energysim.core.errors import ScenarioError
from energysim.sharing.allocation import allocate, allocate_proportional, allocate_static
from energysim.sharing.maxmin import households_kwh, maxmin_shares
from tests.helpers import minimal

TOL = 1e-9
energy = st.floats(min_value=0.0, max_value=50.0, allow_nan=False, allow_infinity=False)


@st.composite
def cases(draw: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 24))
    p = draw(st.integers(1, 6))
    g = draw(arrays(np.float64, n, elements=energy))
    d = draw(arrays(np.float64, (n, p), elements=st.one_of(st.just(0.0), energy)))
    first = draw(arrays(np.bool_, p))
    return g, d, first


def check_invariants(g: np.ndarray, d: np.ndarray, a: np.ndarray, x: np.ndarray) -> None:
    assert a.shape == d.shape and x.shape == g.shape
    assert (a >= 0).all() and (x >= 0).all()
    assert (a <= d).all()  # nobody gets more than they use, exactly
    atol = TOL * max(1.0, g.max(initial=0))
    np.testing.assert_allclose(a.sum(axis=1) + x, g, rtol=0, atol=atol)


@settings(max_examples=150, deadline=None)
@given(cases())
def test_the_priority_key_keeps_the_invariants_and_serves_the_flagged_first(case: Any) -> None:
    g, d, first = case
    atol = TOL * max(1.0, g.max(initial=0))
    for base in ("proportional", "equal"):
        r = allocate(g, d, PriorityKey(base=base), priority_first=first)
        a, x = r.allocated_kwh, r.export_kwh
        check_invariants(g, d, a, x)
        # the flagged share G pro rata to their need, as if nobody else were there
        alone = allocate_proportional(g, d[:, first]).allocated_kwh
        np.testing.assert_allclose(a[:, first], alone, rtol=1e-12, atol=1e-12)
        # the others get something only in intervals where every flagged need is met
        unmet = (a[:, first] < d[:, first] - atol).any(axis=1)
        assert (a[unmet][:, ~first] <= atol).all()
        # nothing is exported while anybody still has demand
        short = (a < d - atol).any(axis=1)
        assert (x[short] <= atol).all()


@settings(max_examples=40, deadline=None)
@given(cases())
def test_the_maxmin_key_keeps_the_invariants(case: Any) -> None:
    g, d, _ = case
    for variant in ("export", "redistribute"):
        r = allocate(g, d, MaxMinKey(variant=variant))
        check_invariants(g, d, r.allocated_kwh, r.export_kwh)
    w = maxmin_shares(g, d)
    assert (w >= 0).all() and w.sum() <= 1 + 1e-9


def smallest_gain(
    g: np.ndarray, d: np.ndarray, w: np.ndarray, value: np.ndarray, base: np.ndarray
) -> float:
    """The smallest household gain of a static key (export variant) [EUR]."""
    a = allocate_static(g, d, w, "export").allocated_kwh
    return float((base + value * a.sum(axis=0)).min())


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 2**32 - 1))
# found by hypothesis: breakpoints beyond a share of 1 were clipped into the curve, so the
# inverse near the top came out short and a random key beat the max-min key by 3e-4
@example(seed=1482400)
def test_no_static_key_has_a_larger_smallest_gain_than_the_maxmin_key(seed: int) -> None:
    """Against the equal key, the key proportional to annual consumption and 200 random
    static keys (Dirichlet, some with zeros): gains are each household's shared kWh at
    its own price plus a gain from elsewhere (service costs, own string)."""
    rng = np.random.default_rng(seed)
    n, p = int(rng.integers(48, 200)), int(rng.integers(2, 8))
    g = rng.gamma(1.0, 2.0, n) * (rng.random(n) < 0.6)
    d = rng.gamma(0.8, 0.5, (n, p)) * (rng.random((n, p)) < 0.8)
    value = rng.uniform(0.1, 0.3, p)
    base = rng.uniform(0.0, 20.0, p)
    best = smallest_gain(g, d, maxmin_shares(g, d, value, base), value, base)
    scale = max(1.0, float((base + value * d.sum(axis=0)).max()))
    others = [np.full(p, 1.0 / p), d.sum(axis=0) / max(d.sum(), 1e-12)]
    for _ in range(200):
        w = rng.dirichlet(np.full(p, 0.7)) * (rng.random(p) < 0.9)
        others.append(w)
    for w in others:
        assert best >= smallest_gain(g, d, w, value, base) - 1e-7 * scale


def test_the_maxmin_key_by_hand() -> None:
    """Two households, 10 kWh in each of two intervals: A uses 10 then 0, B 2 then 2.
    Static (w_A, w_B): A gets 10 w_A, B gets min(2, 10 w_B) twice, at most 4 (from
    w_B = 0.2). The smallest gain is at most 4, reached for w_A >= 0.4; the second stage
    hands out the rest to raise the total: w = (0.8, 0.2), A 8 kWh, B 4 kWh."""
    g = np.array([10.0, 10.0])
    d = np.array([[10.0, 2.0], [0.0, 2.0]])
    w = maxmin_shares(g, d)
    energy, _ = households_kwh(g, d, w)
    np.testing.assert_allclose(w, [0.8, 0.2], atol=1e-7)
    np.testing.assert_allclose(energy, [8.0, 4.0], atol=1e-6)
    # a gain from elsewhere moves the level: B already has 3 EUR, A none, 1 EUR/kWh
    w = maxmin_shares(g, d, base_eur=[0.0, 3.0])
    gains = [0.0, 3.0] + households_kwh(g, d, w)[0]
    assert gains.min() == pytest.approx(7.0, abs=1e-6)  # B at most 3 + 4; A reaches 7
    with pytest.raises(ValueError, match="positive values per kWh"):
        maxmin_shares(g, d, value_eur_per_kwh=[0.0, 1.0])


# ----------------------------------------------------------------------------- in a run
def scenario(key: dict[str, Any], **tenants: Any) -> Any:
    data = minimal(allocation={"tenants": {"key": key}})
    data["buildings"][0]["tenants"].update({"participating": 3, **tenants})
    data["buildings"][0]["common"]["lift_kwh_per_yr"] = 500.0
    return scenario_from_dict(data)


@pytest.fixture(scope="module")
def runs() -> dict[str, Any]:
    flags = {"energy_poor": [False, False, True]}
    return {
        "proportional": run(scenario({"method": "proportional"}, **flags)),
        "priority": run(scenario({"method": "priority"}, **flags)),
        "maxmin": run(scenario({"method": "maxmin"}, **flags)),
        "equal_static": run(scenario({"method": "static", "shares_frac": [1 / 3] * 3})),
    }


def tenants_kwh(result: Any) -> np.ndarray:
    p = result.participants
    ids = p.index[(p["role"] == "tenant") & p["participating"]]
    return result.annual.loc[ids, "shared_kwh"].to_numpy()


def test_a_run_serves_the_energy_poor_first(runs: dict[str, Any]) -> None:
    prio, prop = tenants_kwh(runs["priority"]), tenants_kwh(runs["proportional"])
    assert prio[2] > prop[2]  # the flagged household gets more
    assert prio.sum() == pytest.approx(prop.sum(), rel=1e-9)  # the tier's total is the same
    p = runs["priority"].participants
    tenant = p.index[p["role"] == "tenant"][2]
    shared = runs["priority"].shared_kwh[tenant].to_numpy()
    consumed = runs["priority"].consumption_kwh[tenant].to_numpy()
    # the common tier comes first; of what reaches the tenants the flagged one takes
    # all it needs: in every interval where another tenant receives, it is covered
    others = runs["priority"].shared_kwh[p.index[p["role"] == "tenant"][:2]].sum(axis=1)
    covered = others.to_numpy() > 1e-12
    np.testing.assert_allclose(shared[covered], consumed[covered], rtol=1e-9, atol=1e-12)


def test_a_run_with_the_maxmin_key_lifts_the_smallest_share(runs: dict[str, Any]) -> None:
    best = tenants_kwh(runs["maxmin"]).min()
    assert best >= tenants_kwh(runs["equal_static"]).min() - 1e-6
    # the energy balance of the run holds (checked by run) and the key is one static key
    # over the whole year: the blocks and the one pass agree
    assert best > 0


def test_household_flags_are_checked() -> None:
    with pytest.raises(ScenarioError, match="tenants.energy_poor"):
        scenario({"method": "priority"}, energy_poor=[True, False])
    with pytest.raises(ScenarioError, match="income_class"):
        scenario({"method": "priority", "first": "income_class"}, income_class="poor")


def test_the_worked_example_of_the_docs() -> None:
    """docs/allocation.md: two intervals of 10 kWh; A uses 10 then 0, B 4 then 4. The
    max-min key (2/3, 1/3) gives both 6.67 kWh; equal gives 5 and by annual consumption
    5.56 to A; the proportional key per interval gives A 7.14 and B 6.86."""
    g = np.array([10.0, 10.0])
    d = np.array([[10.0, 4.0], [0.0, 4.0]])
    w = maxmin_shares(g, d)
    np.testing.assert_allclose(w, [2 / 3, 1 / 3], atol=1e-7)
    np.testing.assert_allclose(households_kwh(g, d, w)[0], [20 / 3, 20 / 3], atol=1e-6)
    equal = households_kwh(g, d, np.array([0.5, 0.5]))[0]
    by_year = households_kwh(g, d, np.array([10 / 18, 8 / 18]))[0]
    np.testing.assert_allclose(equal, [5.0, 8.0])
    np.testing.assert_allclose(by_year, [50 / 9, 8.0])
    dynamic = allocate_proportional(g, d).allocated_kwh.sum(axis=0)
    np.testing.assert_allclose(dynamic, [100 / 14, 40 / 14 + 4.0])


def test_the_priority_example_of_the_docs() -> None:
    """docs/allocation.md: 3 kWh; A (energy-poor) uses 2, B 2, C 1: priority gives A 2,
    B 2/3, C 1/3; proportional 1.2, 1.2, 0.6."""
    g, d = np.array([3.0]), np.array([[2.0, 2.0, 1.0]])
    first = np.array([True, False, False])
    a = allocate(g, d, PriorityKey(), priority_first=first).allocated_kwh[0]
    np.testing.assert_allclose(a, [2.0, 2 / 3, 1 / 3])
    np.testing.assert_allclose(allocate_proportional(g, d).allocated_kwh[0], [1.2, 1.2, 0.6])
