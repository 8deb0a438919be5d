"""The money's and the run's small tables made from arrays: the same labels, dtypes and
values, to the bit, as the frames pandas infers from dicts and lists; the owners' cases
kept as rows give summary.json the values their table gives."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from energysim.config.scenario import scenario_from_dict
from energysim.core.frames import block_frame, column_index, float_frame
from energysim.money import business
from energysim.money.accounts import (
    STAKEHOLDER_COLUMNS,
    OwnerCases,
    _cashflows_frame,
    _stakeholders_frame,
    build_accounts,
)
from energysim.money.fairness import benefit_by_quintile
from energysim.money.table_columns import frame_records, inferred_column
from energysim.money.year_one import year_one_arrays, year_one_inputs
from energysim.simulate import run
from tests.helpers import minimal


def _same_frame(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Labels, index, dtypes and every value (floats by their bits)."""
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got.columns.dtype == expected.columns.dtype
    assert got.index.dtype == expected.index.dtype and got.index.name == expected.index.name
    for name in expected.columns:
        a, b = got[name].to_numpy(), expected[name].to_numpy()
        if a.dtype.kind == "f":
            assert a.tobytes() == b.tobytes(), name
        else:
            assert a.tolist() == b.tolist() or all(
                x is y or x == y for x, y in zip(a, b, strict=True)
            ), name


@pytest.mark.parametrize(
    "values",
    [[None], [None, None], [1.5], [1.5, None], [None, 0.25], [2.0, -3.5], [np.float64(0.1)]],
)
def test_inferred_column_is_what_pandas_infers(values: list[float | None]) -> None:
    expected = pd.DataFrame({"a": values})["a"]
    got = pd.DataFrame({"a": inferred_column(values)})["a"]
    assert got.dtype == expected.dtype
    _same_records(frame_records(got.to_frame()), frame_records(expected.to_frame()))
    pd.testing.assert_series_equal(got, expected)


@pytest.mark.parametrize("value", [1, "0.1", True])
def test_inferred_column_refuses_what_pandas_would_read_otherwise(value: object) -> None:
    # an int column would be int64 in pandas, not float64: not silently made float
    with pytest.raises(TypeError, match="expected a float or None"):
        inferred_column([0.5, value])  # type: ignore[list-item]


@pytest.mark.parametrize("n", [1, 3, 41])
def test_float_frame_is_the_dict_frame(n: int) -> None:
    rng = np.random.default_rng(n)
    columns = {f"c{k}_eur": rng.normal(0.0, 100.0, n) for k in range(9)}
    columns["c3_eur"][0] = np.nan
    index = pd.Index([f"B1-T{i:03d}" for i in range(n)], name="participant_id")
    _same_frame(float_frame(columns, index), pd.DataFrame(columns, index=index))
    _same_frame(float_frame(columns), pd.DataFrame(columns))
    assert column_index(tuple(columns)) is column_index(tuple(columns))  # made once


@pytest.mark.parametrize("buildings", [1, 2, 3])
def test_series_frame_is_the_dict_frame_and_sums_the_same(buildings: int) -> None:
    index = pd.date_range("2026-01-01", periods=35_040, freq="15min", tz="UTC")
    rng = np.random.default_rng(buildings)
    columns = {f"B{k}": rng.random(35_040) for k in range(buildings)}
    got, expected = block_frame(columns, index), pd.DataFrame(columns, index=index)
    _same_frame(got, expected)
    # summary.json's totals and the time series' sums over buildings: the same bits
    assert got.to_numpy().sum().tobytes() == expected.to_numpy().sum().tobytes()
    assert got.to_numpy().sum(axis=1).tobytes() == expected.to_numpy().sum(axis=1).tobytes()
    mixed = {"B0": columns["B0"], "B1": columns["B0"].astype(np.float32)}
    _same_frame(block_frame(mixed, index), pd.DataFrame(mixed, index=index))


def _same_records(got: list[dict], expected: list[dict]) -> None:  # type: ignore[type-arg]
    """Keys in order, each value of the same Python type and equal (NaN as NaN)."""
    assert [list(r) for r in got] == [list(r) for r in expected]
    for got_row, want_row in zip(got, expected, strict=True):
        for name, want in want_row.items():
            value = got_row[name]
            assert type(value) is type(want), name
            assert value == want or (value != value and want != want), name


def _owners_scenario(year: int, *, sce: bool):  # noqa: ANN202
    """Two owners of different VAT regimes; with ``sce`` a cooperative scheme whose
    certificates a cooperative owner receives (cash flows of either sign)."""
    data = minimal(year=year)
    data["ownership"] = [
        {"owner": "Coop", "owner_type": "resident_cooperative", "share_frac": 0.7, "vat": "exempt"},
        {"owner": "Corp", "owner_type": "housing_corporation", "share_frac": 0.3, "vat": "taxable"},
    ]
    if sce:
        data["allocation"] = {"order": ["common", "tenants", "members"], "members": {"mode": "sce"}}
        data["buildings"][0]["common"] = {"ventilation_kwh_per_yr": 2000.0, "connection": "large"}
        data["finance"] = {
            "panel_fee_eur_per_yr": 20.0,
            "common_fee_eur_per_kwh": 0.05,
            "certificate_price_eur": 200.0,
        }
    else:
        data["finance"] = {"capex_eur_per_kwp": 4000.0}  # never paid back: IRR and payback None
    return scenario_from_dict(data)


def _rows_frames(owners: OwnerCases) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two tables as pandas infers them from the rows' lists (as a run made them)."""
    assert owners.rows is not None and owners.flows is not None
    columns = {name: [row[name] for row in owners.rows] for name in STAKEHOLDER_COLUMNS}
    index = pd.Index([row["owner"] for row in owners.rows], name="owner")
    stakeholders = pd.DataFrame(columns, index=index)
    n = len(owners.flows[0]["net_cash_flow_eur"])
    cashflows = pd.DataFrame(
        {
            "owner": np.repeat(index.to_numpy(dtype=object), n),
            "year": np.tile(np.arange(n), len(owners.flows)),
            **{
                name: np.concatenate([f[name] for f in owners.flows])
                for name in business.CASH_FLOW_COLUMNS
            },
        }
    )
    return stakeholders, cashflows


@pytest.mark.parametrize("year", [2026, 2027])
@pytest.mark.parametrize("sce", [True, False])
def test_owner_cases_tables_and_records_are_the_inferred_ones(year: int, sce: bool) -> None:
    r = run(_owners_scenario(year, sce=sce))
    accounts = build_accounts(r.scenario, r.tariffs, r.participants, r.annual, r.buildings)
    owners = accounts.owners
    assert owners.frames is None  # nothing made the tables yet
    records = owners.records()
    assert owners.frames is None  # the records read the rows
    stakeholders, cashflows = _rows_frames(owners)
    _same_frame(accounts.stakeholders, stakeholders)
    _same_frame(accounts.cashflows, cashflows)
    expected = frame_records(stakeholders, index=True)
    _same_records(records, expected)
    # the same records once the tables exist (read from the table then)
    _same_records(owners.records(), expected)
    given = OwnerCases.of_frames(stakeholders, cashflows)
    assert given.tables()[0] is stakeholders
    assert len(given.records()) == len(expected)
    if not sce:
        assert all(row["payback_yr"] is None for row in records)


def test_owner_cases_with_and_without_an_irr_are_float_columns() -> None:
    # an owner with an IRR and one without: pandas makes the column float64 with NaN
    flows = {name: np.zeros(3) for name in business.CASH_FLOW_COLUMNS}
    rows = [{"owner": o, **{name: 1.0 for name in STAKEHOLDER_COLUMNS}} for o in ("A", "B", "C")]
    for row in rows:
        row["owner_type"], row["vat"] = "housing_corporation", "exempt"
    rows[0]["irr_frac"], rows[1]["irr_frac"], rows[2]["irr_frac"] = 0.05, None, None
    rows[0]["payback_yr"] = rows[1]["payback_yr"] = rows[2]["payback_yr"] = None
    owners = OwnerCases(rows, [flows, flows, flows])
    records = owners.records()
    stakeholders, cashflows = _rows_frames(owners)
    _same_frame(_stakeholders_frame(rows), stakeholders)
    _same_frame(_cashflows_frame(rows, [flows] * 3), cashflows)
    assert stakeholders["irr_frac"].dtype == np.float64
    assert records[0]["irr_frac"] == 0.05 and np.isnan(records[1]["irr_frac"])
    assert records[2]["payback_yr"] is None


def test_year_one_inputs_shared_by_both_regimes_give_the_same_bits() -> None:
    r = run(_owners_scenario(2026, sce=True))
    args = (r.scenario, r.tariffs, r.participants, r.annual, r.buildings)
    inputs = year_one_inputs(r.scenario, r.participants, r.annual, r.buildings)
    after = replace(r.tariffs, net_metering=False)
    for tariffs in (r.tariffs, after):
        alone = year_one_arrays(r.scenario, tariffs, *args[2:])
        shared = year_one_arrays(r.scenario, tariffs, *args[2:], inputs)
        assert alone[1] == shared[1]
        for a, b in ((alone[0], shared[0]), (alone[2], shared[2])):
            assert list(a) == list(b)
            assert all(a[k].tobytes() == b[k].tobytes() for k in a)
    # the inputs are not changed by the money read from them
    again = year_one_inputs(r.scenario, r.participants, r.annual, r.buildings)
    assert all(inputs.annual[k].tobytes() == again.annual[k].tobytes() for k in inputs.annual)


@pytest.mark.parametrize("n", [5, 7, 40])
def test_quintiles_with_rank_edges_made_once(n: int) -> None:
    rng = np.random.default_rng(n)
    benefit, consumption = rng.normal(50.0, 20.0, n), rng.integers(1000, 4000, n).astype(float)
    ranks = np.arange(1, n + 1, dtype=np.float64)
    edges = np.quantile(ranks, [0.2, 0.4, 0.6, 0.8, 1.0])
    rank = np.empty(n)
    rank[np.argsort(consumption, kind="stable")] = ranks
    q = np.searchsorted(edges, rank, side="left")
    for _ in range(2):  # the second call reads the edges made by the first
        got = benefit_by_quintile(benefit, consumption)
        assert [row["households"] for row in got] == [int((q == k).sum()) for k in range(5)]
        assert [row["benefit_eur_mean"] for row in got] == [
            float(benefit[q == k].mean()) for k in range(5)
        ]
