"""Fewer full (n_steps, n_participants) arrays in a run, with results equal to the bit."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from energysim.config.scenario import load_scenario, participant_ids, scenario_from_dict
from energysim.inputs import preflight as preflight_module
from energysim.inputs.context import RunContext
from energysim.inputs.loading import read_sharing_files
from energysim.inputs.preflight import consumption_dtype
from energysim.results.balance import check_energy_balance
from energysim.results.tables import participants_table, timeseries_table
from energysim.sharing import blocks as blocks_module
from energysim.sharing.blocks import block_rows, column_sums, sum_columns
from energysim.sharing.building import share_building
from energysim.sharing.flows import Flows
from energysim.sharing.flows import priced_grid_import_eur as _priced_grid_import_eur
from energysim.sharing.own_strings import (
    ComputedStrings,
    StoredShare,
    StoredStrings,
    StringShare,
    allocate_own_strings,
    own_strings,
)
from energysim.simulate import run
from tests.helpers import write_measured_csv, write_scenario, year_frame

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def default_result():
    return run(load_scenario(REPO / "scenarios" / "rotterdam-galerijflat.toml"))


@pytest.mark.parametrize("with_strings", [True, False])
def test_priced_import_by_blocks_equals_the_whole_sum(with_strings: bool) -> None:
    rng = np.random.default_rng(1)
    n, p = 5000, 23
    cons = rng.random((n, p))
    own = rng.random((n, p)) * 0.3 if with_strings else np.broadcast_to(np.zeros(1), (n, p))
    shared = rng.random((n, p)) * 0.3
    price = rng.random(n)
    parts = [StoredShare(slice(0, p), own, None)] if with_strings else []
    flows = Flows(own_strings(parts, cons, exported=False), shared)
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


# -------------------------------------------------------- own strings: one string per building
def test_own_strings_are_computed_from_one_string_not_stored(default_result) -> None:
    r = default_result
    flows = r.flows
    assert isinstance(flows.own, ComputedStrings)  # no (T, P) arrays: one string a building
    assert flows.own.string_kwh.shape == (len(r.index), 1)
    b = r.scenario.buildings[0]
    ids = participant_ids(b)["tenants"][: b.tenants.participating]
    cols = [r.participants.index.get_loc(p) for p in ids]
    per_dwelling = [a.id for a in b.arrays if a.setup == "per_dwelling"]
    strings = sum_columns(r.generation_kwh, per_dwelling) / len(ids)
    # what a run stored before: the kernel on the whole year
    used, surplus = allocate_own_strings(strings[:, None], r.consumption_kwh.to_numpy()[:, cols])
    own, export = r.own_string_kwh.to_numpy(), r.own_export_kwh.to_numpy()
    assert own[:, cols].tobytes() == used.tobytes()
    assert export[:, cols].tobytes() == surplus.tobytes()
    others = np.setdiff1d(np.arange(len(r.participants)), cols)
    assert not own[:, others].any() and not export[:, others].any()
    # the annual sums as a run made them from the whole (T, P) array
    assert r.annual["own_string_kwh"].to_numpy().tobytes() == own.sum(axis=0).tobytes()


@pytest.mark.parametrize("exported", [True, False])
def test_own_strings_of_any_selection_equal_the_dense_arrays(exported: bool) -> None:
    rng = np.random.default_rng(3)
    cons = rng.random((300, 9))
    s1, s2 = rng.random(300), rng.random(300)
    strings = own_strings([StringShare(slice(1, 4), s1), StringShare([6, 8], s2)], cons, exported)
    used, surplus = np.zeros_like(cons), np.zeros_like(cons)
    for s, c in ((s1, [1, 2, 3]), (s2, [6, 8])):
        used[:, c] = np.minimum(s[:, None], cons[:, c])
        surplus[:, c] = s[:, None] - used[:, c] if exported else 0.0
    rows = slice(17, 250)
    for cols in (None, slice(2, 7), 3, 5, [8, 1, 6], np.array([0, 2, 3]), slice(6, 9)):
        pick = slice(None) if cols is None else cols
        want = np.ascontiguousarray(used[rows][:, pick])
        assert strings.used(rows, cols).tobytes() == want.tobytes()
        assert np.array_equal(strings.surplus(rows, cols), surplus[rows][:, pick])
    flows = Flows(strings, rng.random((300, 9)))
    assert flows.received().tobytes() == (used + flows.shared).tobytes()
    # the same strings kept as arrays (as home batteries leave them) read the same
    stored = own_strings(
        [
            StoredShare(slice(1, 4), used[:, 1:4], surplus[:, 1:4] if exported else None),
            StoredShare([6, 8], used[:, [6, 8]], surplus[:, [6, 8]] if exported else None),
        ],
        cons,
        exported,
    )
    assert isinstance(stored, StoredStrings)
    for cols in (None, slice(2, 7), 3, 5, [8, 1, 6], np.array([0, 2, 3]), slice(6, 9)):
        pick = slice(None) if cols is None else cols
        assert stored.used(rows, cols).tobytes() == strings.used(rows, cols).tobytes()
        assert np.array_equal(stored.surplus(rows, cols), surplus[rows][:, pick])
    assert Flows(stored, flows.shared).received().tobytes() == flows.received().tobytes()
    for a, b in zip(stored.annual_kwh(), strings.annual_kwh(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-15)


def test_column_sums_by_blocks_equal_the_whole_sum(monkeypatch) -> None:
    x = np.random.default_rng(4).random((5000, 7))
    assert column_sums(lambda r: x[r], 5000, 7).tobytes() == x.sum(axis=0).tobytes()
    monkeypatch.setattr(blocks_module, "BLOCK_BYTES", 8 * 7 * 64)  # 64 rows a block
    assert blocks_module.block_rows(7) == 64
    assert column_sums(lambda r: x[r], 5000, 7).tobytes() == x.sum(axis=0).tobytes()


KEYS = [
    {"method": "proportional"},
    {"method": "equal", "variant": "redistribute"},
    {"method": "equal", "variant": "export"},
]


def _tenant_key(kind: str, folder: Path, ids: list[str]) -> dict:
    """A static or schedule key over the tenants taking part, with uneven shares (a
    schedule's rows differ, so a block given the wrong rows would share differently)."""
    rng = np.random.default_rng(5)
    if kind == "static":
        shares = rng.random(len(ids))
        return {"method": "static", "shares_frac": list(shares / shares.sum()), "variant": "export"}
    frame = year_frame(2027, 15, dict.fromkeys(ids, 0.0))
    values = rng.random(frame.shape)
    frame.loc[:, :] = values / values.sum(axis=1, keepdims=True)
    write_measured_csv(folder / "shares.csv", frame)
    return {"method": "schedule", "path": "shares.csv", "variant": "redistribute"}


@pytest.mark.parametrize(
    "key",
    [*KEYS, "static", "schedule"],
    ids=lambda k: k if isinstance(k, str) else "-".join(k.values()),
)
def test_waterfall_block_by_block_equals_one_pass(key: dict | str, tmp_path: Path) -> None:
    data = tomllib.loads((REPO / "scenarios" / "rotterdam-galerijflat.toml").read_text())
    if isinstance(key, str):  # the tenants' key per tenant, the members' proportional
        tenants = participant_ids(scenario_from_dict(data).buildings[0])["tenants"]
        data["allocation"]["tenants"]["key"] = _tenant_key(key, tmp_path, tenants[:60])
    else:
        data["allocation"]["tenants"]["key"] = key
        data["allocation"]["members"]["key"] = key
    r = run(load_scenario(write_scenario(tmp_path, data)))
    scenario, index, participants = r.scenario, r.index, r.participants
    assert block_rows(len(participants)) < len(index)  # several blocks
    context = RunContext.make(scenario, r.tariffs, index, participants)
    files = read_sharing_files(context)
    cons = r.consumption_kwh.to_numpy()
    got = {}
    for one_pass in (False, True):
        shared = np.zeros(cons.shape)
        shares = [
            share_building(
                context, b, r.generation_kwh, cons, files, shared, one_pass=one_pass
            )
            for b in scenario.buildings
        ]  # fmt: skip
        got[one_pass] = (
            shared.tobytes(),
            [(s.export_kwh.tobytes(), s.sce_kwh.tobytes()) for s in shares],
        )
    assert got[False] == got[True]
    assert got[False][0] == r.shared_kwh.to_numpy().tobytes()  # a run shares block by block


def test_consumption_in_float32_above_the_threshold_only() -> None:
    limit = preflight_module.SINGLE_PRECISION_FROM_BYTES // (8 * 35_040)
    assert consumption_dtype(35_040, limit) is np.float64
    assert consumption_dtype(35_040, limit + 1) is np.float32


def test_a_float32_run_balances_and_differs_by_rounding_only(monkeypatch, default_result) -> None:
    monkeypatch.setattr(preflight_module, "SINGLE_PRECISION_FROM_BYTES", 0)
    r32 = run(load_scenario(REPO / "scenarios" / "rotterdam-galerijflat.toml"))
    cons32 = r32.consumption_kwh.to_numpy()
    assert cons32.dtype == np.float32
    assert any(getattr(m, "code", "") == "consumption_single_precision" for m in r32.messages)
    # the float64 consumption rounded once
    cons64 = default_result.consumption_kwh.to_numpy()
    assert cons32.tobytes() == cons64.astype(np.float32).tobytes()
    check_energy_balance(r32)  # to 1e-9 kWh in every interval
    assert (r32.annual.dtypes == np.float64).all()
    sums = cons32.sum(axis=0, dtype=np.float64)
    np.testing.assert_array_equal(r32.annual["consumption_kwh"], sums)
    a, b = participants_table(default_result), participants_table(r32)
    for col in ("consumption_kwh", "own_string_kwh", "shared_kwh", "benefit_eur"):
        np.testing.assert_allclose(b[col], a[col], rtol=1e-6, atol=1e-6)
    t64, t32 = timeseries_table(default_result), timeseries_table(r32)
    np.testing.assert_allclose(t32.to_numpy(), t64.to_numpy(), rtol=1e-6, atol=1e-6)


def test_the_memory_check_counts_single_precision_consumption(monkeypatch) -> None:
    from energysim.core.errors import DataError

    monkeypatch.setattr(preflight_module, "_available_memory_bytes", lambda: int(1.3 * 2**30))
    preflight_module.check_memory(35_040, 3_000)  # 12 bytes a cell: 1.17 GiB (16: 1.57)
    with pytest.raises(DataError, match="3,500 participants"):
        preflight_module.check_memory(35_040, 3_500)  # 1.37 GiB
