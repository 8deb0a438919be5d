"""Fewer full (n_steps, n_participants) arrays in a run, with results equal to the bit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from energysim.allocation import allocate_own_strings
from energysim.scenario import load_scenario
from energysim.simulate import _Flows, _priced_grid_import_eur, run, timeseries_table

REPO = Path(__file__).resolve().parents[1]
NOTHING = np.broadcast_to(np.zeros(1), (1, 1))


@pytest.fixture(scope="module")
def default_result():
    return run(load_scenario(REPO / "scenarios" / "rotterdam-galerijflat.toml"))


@pytest.mark.parametrize("own_strings", [True, False])
def test_priced_import_by_blocks_equals_the_whole_sum(own_strings: bool) -> None:
    rng = np.random.default_rng(1)
    n, p = 5000, 23
    cons = rng.random((n, p))
    own = rng.random((n, p)) * 0.3 if own_strings else np.broadcast_to(np.zeros(1), (n, p))
    shared = rng.random((n, p)) * 0.3
    price = rng.random(n)
    flows = _Flows(own, np.broadcast_to(np.zeros(1), (n, p)), shared)
    whole = (np.maximum(cons - (own + shared), 0.0) * price[:, None]).sum(axis=0)
    assert _priced_grid_import_eur(cons, flows, price).tobytes() == whole.tobytes()


def test_role_series_equal_a_selection_of_every_interval(default_result) -> None:
    r = default_result
    table = timeseries_table(r)
    roles = r.participants["role"]
    received = r.received_kwh
    for key, name in (("common", "common"), ("tenants", "tenant"), ("members", "member")):
        whole = received.loc[:, (roles == name).to_numpy()].to_numpy().sum(axis=1)
        assert table[f"allocated_{key}_kwh"].to_numpy().tobytes() == whole.tobytes()
        mask = (roles == name).to_numpy() & r.participants["participating"].to_numpy()
        whole = r.consumption_kwh.loc[:, mask].to_numpy().sum(axis=1)
        assert table[f"consumption_{key}_kwh"].to_numpy().tobytes() == whole.tobytes()


def test_flows_a_scenario_cannot_have_take_no_memory(default_result) -> None:
    # the default scenario has per-dwelling strings whose surplus is exported
    assert default_result.own_string_kwh.to_numpy().strides[0] > 0
    assert default_result.own_export_kwh.to_numpy().strides[0] > 0
    no_strings = run(load_scenario(REPO / "scenarios" / "measured-complex.toml"))
    for frame in (no_strings.own_string_kwh, no_strings.own_export_kwh):
        assert frame.to_numpy().strides[0] == 0 and not frame.to_numpy().any()
    scenario = load_scenario(REPO / "scenarios" / "rotterdam-galerijflat.toml")
    policy = scenario.allocation.model_copy(update={"per_dwelling_surplus": "next_tier"})
    next_tier = run(scenario.model_copy(update={"allocation": policy}))
    assert next_tier.own_string_kwh.to_numpy().strides[0] > 0
    assert next_tier.own_export_kwh.to_numpy().strides[0] == 0
    assert not next_tier.own_export_kwh.to_numpy().any()


def test_one_string_broadcast_equals_one_per_dwelling() -> None:
    rng = np.random.default_rng(2)
    s = rng.random(300)
    d = rng.random((300, 40))
    used, surplus = allocate_own_strings(np.repeat(s[:, None], 40, axis=1), d)
    out, surplus_out = np.empty_like(d), np.empty_like(d)
    got = allocate_own_strings(s[:, None], d, out=out, surplus_out=surplus_out)
    assert got[0] is out and got[1] is surplus_out
    assert out.tobytes() == used.tobytes() and surplus_out.tobytes() == surplus.tobytes()
    with pytest.raises(ValueError, match="n_steps, 1"):
        allocate_own_strings(s[:, None][:, [0, 0]], d)
