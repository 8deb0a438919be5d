"""The money computed on arrays over participants: the same figures, to the bit, as the
tables it replaced, and each household's lifetime NPV as its formula says."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from energysim.config.scenario import scenario_from_dict
from energysim.money import business
from energysim.money.accounts import build_accounts
from energysim.money.records import figure_record
from energysim.money.subsidies import certificates_paid_eur
from energysim.money.table_columns import float_columns
from energysim.money.year_one import (
    BENEFIT_PATHS,
    MONEY_COLUMNS,
    _column_sums,
    year_one_arrays,
    year_one_parts,
)
from energysim.simulate import run
from tests.helpers import minimal


def _bits(values: np.ndarray) -> bytes:
    return np.ascontiguousarray(values, dtype=np.float64).tobytes()


@pytest.mark.parametrize("n", [1, 3, 5, 6, 41, 300])
def test_column_sums_are_pandas_row_sums_to_the_bit(n: int) -> None:
    # the benefit's energy part was benefit - DataFrame(parts).sum(axis=1): the same bits
    rng = np.random.default_rng(n)
    parts = {name: rng.normal(0.0, 100.0, n) * rng.random(n) for name in BENEFIT_PATHS[1:]}
    parts["cost"][: n // 2] = -0.0
    expected = pd.DataFrame(parts).sum(axis=1).to_numpy()
    assert _bits(_column_sums(np.stack(list(parts.values())))) == _bits(expected)


def test_float_columns_are_the_series_values() -> None:
    rng = np.random.default_rng(1)
    index = pd.Index([f"B1-T{i:03d}" for i in range(7)], name="participant_id")
    frame = pd.DataFrame({c: rng.random(7) for c in ("a_kwh", "b_kwh", "c_eur")}, index=index)
    frame["d_eur"] = rng.random(7)  # a second block
    mixed = frame.assign(role="tenant")
    for table in (frame, mixed):
        got = float_columns(table, ["c_eur", "a_kwh", "d_eur"])
        assert list(got) == ["c_eur", "a_kwh", "d_eur"]
        for name, values in got.items():
            assert values.flags.c_contiguous
            assert _bits(values) == _bits(table[name].to_numpy(dtype=np.float64))
    with pytest.raises(KeyError):
        float_columns(frame, ["missing_eur"])


def test_cash_flow_arrays_are_the_table() -> None:
    args = dict(
        capex_eur=50_000.0,
        revenue_first_year_eur=np.r_[3000.0, np.full(24, 2100.0)],
        opex_first_year_eur=900.0,
        lifetime_yr=25,
        degradation_frac_per_yr=0.005,
        indexation_frac_per_yr=0.02,
        inverter_replacement_eur=4000.0,
        inverter_replacement_year=12,
        fixed_fee_first_year_eur=600.0,
        per_kwh_fee_first_year_eur=250.0,
        fee_indexation_frac_per_yr=0.01,
        certificates_eur=2000.0,
    )
    table = business.cash_flow_table(**args)
    arrays = business.cash_flow_arrays(**args)
    assert list(table.columns) == list(business.CASH_FLOW_COLUMNS) == list(arrays)
    for name in business.CASH_FLOW_COLUMNS:
        assert _bits(arrays[name]) == _bits(table[name].to_numpy())
    paths = business.item_paths(25, 0.005, 0.02, 0.01)
    for name, values in business.item_path_arrays(25, 0.005, 0.02, 0.01).items():
        assert _bits(values) == _bits(paths[name].to_numpy())


def test_figure_records_are_copies() -> None:
    scenario = scenario_from_dict(minimal(year=2027))
    figure = run(scenario).tariffs.estimates[0]
    first = figure_record(figure)
    first["value"] = -1.0
    assert figure_record(figure) == figure.as_record()


def _scenario_with_every_path():  # noqa: ANN202
    """Fees of every kind, an SCE (large connection) with subsidy and certificates, net
    metering in year 1."""
    data = minimal(year=2026)
    data["ownership"] = [
        {"owner": "Coop", "owner_type": "resident_cooperative", "share_frac": 0.6},
        {"owner": "Corp", "owner_type": "housing_corporation", "share_frac": 0.4},
    ]
    data["allocation"] = {"order": ["common", "tenants", "members"], "members": {"mode": "sce"}}
    data["buildings"][0]["common"] = {"ventilation_kwh_per_yr": 2000.0, "connection": "large"}
    data["finance"] = {
        "panel_fee_eur_per_yr": 15.0,
        "tenant_sharing_fee_eur_per_kwh": 0.02,
        "common_fee_eur_per_kwh": 0.04,
        "certificate_price_eur": 150.0,
        "fee_indexation_frac_per_yr": 0.01,
        "sce_available": True,
    }
    return scenario_from_dict(data)


def test_households_lifetime_npv_by_hand() -> None:
    # each household, one at a time, with pandas rows: sum over years and parts of the
    # part in its regime's year times its path and the discount, plus the subsidy
    r = run(_scenario_with_every_path())
    s, fin = r.scenario, r.scenario.finance
    assert r.tariffs.net_metering  # year 1 under net metering, later years not
    from dataclasses import replace

    from energysim.money.subsidies import members_subsidy_by_year_eur

    _, _, now = year_one_parts(s, r.tariffs, r.participants, r.annual, r.buildings)
    after = replace(r.tariffs, net_metering=False)
    _, _, later = year_one_parts(s, after, r.participants, r.annual, r.buildings)
    n = fin.lifetime_yr
    degradation = float(
        np.average(
            [a.degradation_frac_per_yr for b in s.buildings for a in b.arrays],
            weights=[a.dc_capacity_kwp for b in s.buildings for a in b.arrays],
        )
    )
    paths = business.item_paths(
        n,
        degradation,
        fin.price_indexation_frac_per_yr,
        fin.fee_indexation_frac_per_yr,
        energy_price_factor=business.energy_price_factors(fin, s.rules_year),
    )
    subsidy = members_subsidy_by_year_eur(s, r.participants, r.annual, r.buildings, degradation)
    assert subsidy.sum() > 0
    paid = certificates_paid_eur(s, r.participants)
    accounts = build_accounts(s, r.tariffs, r.participants, r.annual, r.buildings)
    for i, pid in enumerate(r.participants.index):
        npv = 0.0
        for y in range(1, n + 1):
            discount = (1.0 + fin.discount_rate_frac) ** -y
            parts = now if s.rules_year + y - 1 <= 2026 else later
            for name in BENEFIT_PATHS:
                if name == "subsidy":
                    npv += subsidy[y - 1, i] * discount
                else:
                    npv += parts.loc[pid, name] * paths.loc[y, name] * discount
        expected = npv - float(np.asarray(paid)[i])
        assert accounts.money.loc[pid, "benefit_npv_eur"] == pytest.approx(
            expected, rel=1e-12, abs=1e-9
        )


def test_year_one_arrays_are_the_frames() -> None:
    r = run(_scenario_with_every_path())
    args = (r.scenario, r.tariffs, r.participants, r.annual, r.buildings)
    money, scheme, parts = year_one_arrays(*args)
    frame, scheme_frame, parts_frame = year_one_parts(*args)
    assert list(frame.columns) == [*MONEY_COLUMNS, "benefit_eur"]
    for name in frame.columns:
        assert _bits(money[name]) == _bits(frame[name].to_numpy())
    assert scheme == scheme_frame
    assert list(parts_frame.columns) == list(BENEFIT_PATHS) == list(parts)
    # the parts add up to the benefit, household by household
    total = sum(parts[name] for name in BENEFIT_PATHS)
    np.testing.assert_allclose(total, money["benefit_eur"], rtol=0, atol=1e-9)
    household = (r.participants["role"] != "common").to_numpy()
    assert (money["benefit_eur"][~household] == 0).all()
    for name in BENEFIT_PATHS:
        assert _bits(parts[name]) == _bits(parts_frame[name].to_numpy())
