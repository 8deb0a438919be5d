"""The waterfall's inputs checked once per building instead of once per block, and the
energy balance checked with fewer passes: the same numbers to the bit, and bad input or a
broken balance still refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from energysim.config.allocation_policy import EqualKey, ProportionalKey, StaticKey
from energysim.config.scenario import load_scenario
from energysim.inputs.context import RunContext
from energysim.inputs.loading import read_sharing_files
from energysim.sharing import waterfall as waterfall_module
from energysim.sharing.allocation import Tier, allocate_waterfall
from energysim.sharing.blocks import block_rows
from energysim.sharing.building import share_building
from energysim.sharing.flows import Flows, check_balance
from energysim.sharing.kernel_inputs import check_energy, is_clean
from energysim.sharing.own_strings import own_strings
from energysim.simulate import run

REPO = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- is_clean
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_is_clean_is_true_only_for_finite_non_negative_values(dtype) -> None:
    rng = np.random.default_rng(3)
    low = -300 if dtype == np.float64 else -30  # tiny to large magnitudes
    x = (rng.random((300, 7)) * 10.0 ** rng.integers(low, 30, (300, 7))).astype(dtype)
    x[0, 0] = 0.0
    x[1, 1] = np.finfo(dtype).max  # the largest finite value passes
    x[2, 2] = np.finfo(dtype).smallest_subnormal
    assert is_clean(x) and is_clean(x[:, 2:5]) and is_clean(x.T) and is_clean(x[:0])
    check_energy(x.astype(np.float64), "demand")
    for bad in (np.nan, -np.nan, np.inf, -np.inf, -1.0, -np.finfo(dtype).smallest_subnormal):
        y = x.copy()
        y[123, 4] = bad
        assert not is_clean(y)
        assert not is_clean(y[:, 3:6])  # a view that holds it
        assert is_clean(y[:, :4])  # one that does not
        with pytest.raises(ValueError, match="allocation: expected (finite|non-negative) demand"):
            check_energy(y.astype(np.float64), "demand")
    # -0.0 is not clean by its bits, yet passes the exact check
    y = x.copy()
    y[5, 5] = -0.0
    assert not is_clean(y)
    check_energy(y.astype(np.float64), "demand")


def test_is_clean_says_false_for_other_types() -> None:
    assert not is_clean(np.ones(4, dtype=np.int64))
    assert not is_clean(np.ones(4, dtype=">f8"))  # not the machine's byte order: not read


# --------------------------------------------------------------------------- the kernels
def _tiers(rng: np.random.Generator, n: int, dtype=np.float64) -> list[Tier]:
    common = rng.random((n, 1)) * 0.3
    tenants = (rng.random((n, 6)) * rng.integers(0, 2, (n, 6))).astype(dtype)
    members = rng.random((n, 4))
    return [
        Tier("common", common, ProportionalKey()),
        Tier("tenants", tenants, ProportionalKey(), cap_frac=0.8),
        Tier("members", members, EqualKey(variant="redistribute"), cap_kwh=0.9),
        Tier("more", members.copy(), StaticKey(shares_frac=[0.1, 0.2, 0.3, 0.4]), cap_frac=0.5),
        Tier("last", tenants.copy(), ProportionalKey(), cap_kwh=np.inf),
    ]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_checked_waterfall_equals_one_the_kernels_check(dtype) -> None:
    rng = np.random.default_rng(11)
    n = 3000
    g = rng.random(n) * 3.0
    g[::7] = 0.0
    tiers = _tiers(rng, n, dtype)
    plain = allocate_waterfall(g, tiers)
    checked = allocate_waterfall(g, tiers, checked=True)
    assert plain.export_kwh.tobytes() == checked.export_kwh.tobytes()
    for name in plain.allocated_kwh:
        assert plain.allocated_kwh[name].tobytes() == checked.allocated_kwh[name].tobytes()
        assert plain.reach_kwh[name].tobytes() == checked.reach_kwh[name].tobytes()
    # written into given arrays, too
    outs = {t.name: np.zeros(t.demand_kwh.shape) for t in tiers}
    given = [Tier(t.name, t.demand_kwh, t.key, t.cap_frac, t.cap_kwh, outs[t.name]) for t in tiers]
    into = allocate_waterfall(g, given, checked=True)
    for name in plain.allocated_kwh:
        assert outs[name].tobytes() == plain.allocated_kwh[name].tobytes()
    assert into.export_kwh.tobytes() == plain.export_kwh.tobytes()


# --------------------------------------------------------------------------- a run's building
@pytest.fixture(scope="module")
def galerijflat():
    """The example run (own strings behind the meters, three tiers), its context and files."""
    r = run(load_scenario(REPO / "scenarios" / "rotterdam-galerijflat.toml"))
    context = RunContext.make(r.scenario, r.tariffs, r.index, r.participants)
    return r, context, read_sharing_files(context)


def _share(galerijflat, cons: np.ndarray, one_pass: bool) -> bytes:
    r, context, files = galerijflat
    shared = np.zeros(cons.shape)
    for b in r.scenario.buildings:
        share_building(context, b, r.generation_kwh, cons, files, shared, one_pass=one_pass)
    return shared.tobytes()


def test_the_example_run_is_checked_once_and_shares_the_same(galerijflat, monkeypatch) -> None:
    r, context, _ = galerijflat
    cons = r.consumption_kwh.to_numpy()
    assert block_rows(cons.shape[1]) < len(cons)  # several blocks
    seen: list[bool] = []
    checked = waterfall_module._year_checked
    monkeypatch.setattr(
        waterfall_module, "_year_checked", lambda *a: seen.append(checked(*a)) or seen[-1]
    )
    assert _share(galerijflat, cons, one_pass=False) == r.shared_kwh.to_numpy().tobytes()
    assert seen and all(seen)  # its inputs passed the one check of the year


@pytest.mark.parametrize(
    "bad, message",
    [(np.nan, "expected finite demand"), (np.inf, "expected finite demand"),
     (-1e-3, "expected non-negative demand")],
)  # fmt: skip
def test_bad_consumption_is_refused_block_by_block_as_in_one_pass(
    galerijflat, bad: float, message: str
) -> None:
    r, context, _ = galerijflat
    cons = r.consumption_kwh.to_numpy().copy()
    b = r.scenario.buildings[0]
    tenant = context.tier_ids(b)["tenants"][3]
    cons[len(cons) - 5, context.column[tenant]] = bad  # in the last block
    for one_pass in (False, True):
        with pytest.raises(ValueError, match=message):
            _share(galerijflat, cons, one_pass)


def test_a_negative_zero_is_shared_as_before(galerijflat) -> None:
    """-0.0 fails the one-pass test but passes the kernels' exact check: blocks are then
    checked one by one, and the result is that of one pass."""
    r, context, _ = galerijflat
    cons = r.consumption_kwh.to_numpy().copy()
    tenant = context.tier_ids(r.scenario.buildings[0])["tenants"][0]
    col = context.column[tenant]
    cons[cons[:, col] == 0.0, col] = -0.0
    cons[100, col] = -0.0
    assert not is_clean(cons)
    assert _share(galerijflat, cons, one_pass=False) == _share(galerijflat, cons, one_pass=True)


# --------------------------------------------------------------------------- the balance
def _balanced(n_steps: int = 5000, n: int = 5) -> tuple[np.ndarray, Flows, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(9)
    consumption = rng.random((n_steps, n))
    shared = consumption * rng.random((n_steps, n))
    flows = Flows(own_strings([], consumption, exported=False), shared)
    export = rng.random(n_steps)
    return shared.sum(axis=1) + export, flows, export, consumption


def test_the_balance_check_fails_on_a_nan_anywhere_it_reads() -> None:
    gen, flows, export, consumption = _balanced()
    check_balance(gen, flows, export, consumption)
    for where in ("shared", "export", "gen"):
        g, s, x = gen.copy(), flows.shared.copy(), export.copy()
        {"shared": s[:, 2], "export": x, "gen": g}[where][17] = np.nan
        with pytest.raises(AssertionError, match="energy balance broken"):
            check_balance(g, Flows(flows.own, s), x, consumption)


@pytest.mark.parametrize("row", [0, 2047, 2048, 4999])
def test_the_balance_check_finds_an_excess_in_any_block(row: int) -> None:
    gen, flows, export, consumption = _balanced()
    over = flows.shared.copy()
    over[row, 1] = consumption[row, 1] + 2e-9
    gen_over = gen + (over - flows.shared).sum(axis=1)
    with pytest.raises(AssertionError, match="received more than it consumed by 2e-09"):
        check_balance(gen_over, Flows(flows.own, over), export, consumption)
    # above what was consumed by less than the tolerance: rounding, not an error
    over[row, 1] = consumption[row, 1] + 5e-10
    check_balance(
        gen + (over - flows.shared).sum(axis=1), Flows(flows.own, over), export, consumption
    )
