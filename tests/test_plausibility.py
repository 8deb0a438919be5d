"""Physical limits (errors) and unusual values (warnings), each with its figure and reason."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from energysim.config.limits import LIMITS, Limit, limit_violations
from energysim.config.physics import (
    max_common_kwh_per_interval,
    max_generation_kwh_per_interval,
    max_household_kwh_per_interval,
)
from energysim.config.plausibility import plausibility_warnings
from energysim.config.scenario import load_scenario, scenario_from_dict
from energysim.results.warnings import result_warnings
from tests.helpers import minimal
from tests.test_limits import schema_number_paths

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((REPO / "scenarios").glob("*.toml"))


def _building(data: dict) -> dict:
    return data["buildings"][0]


@pytest.mark.parametrize(
    ("edit", "field", "expected"),
    [
        (
            lambda b: b["arrays"][0].update(capacity_kwp=1e300),
            "buildings[0].arrays[0].capacity_kwp",
            "expected at most 250,000 kWp (a 1 km2 roof",
        ),
        (
            lambda b: b["arrays"][0].update(capacity_kwp=None, area_m2=5e6),
            "buildings[0].arrays[0].area_m2",
            "expected at most 1,000,000 m2",
        ),
        (
            lambda b: b.update(dwellings=10**12),
            "buildings[0].dwellings",
            "expected at most 10,000 dwellings",
        ),
        (
            lambda b: b["members"].update(count=50_000),
            "buildings[0].members.count",
            "expected at most 10,000 members",
        ),
        (
            lambda b: b["tenants"].update(annual_kwh=[1500.0, 1e7, 2000.0]),
            "buildings[0].tenants.annual_kwh[1]",
            "kWh/yr per household (a dwelling's small connection, at most 3x80 A = 55.2 kW",
        ),
        (
            lambda b: b["tenants"].update(annual_kwh={"mean_kwh": 1e9, "sd_kwh": 10.0}),
            "buildings[0].tenants.annual_kwh.mean_kwh",
            "expected at most 484,876.8 kWh/yr per household",
        ),
        (
            lambda b: b["common"].update(lift_kwh_per_yr=1e12),
            "buildings[0].common.lift_kwh_per_yr",
            "the common connection, at most 10 MW",
        ),
        (
            lambda b: b["tenants"].update(annual_kwh={"mean_kwh": float("inf"), "sd_kwh": 1.0}),
            "buildings[0].tenants.annual_kwh.mean_kwh",
            "expected a finite number, found inf",
        ),
    ],
)
def test_limits_name_field_bound_and_reason(edit, field: str, expected: str) -> None:
    data = minimal()
    edit(_building(data))
    found = limit_violations(data)
    assert found, "an impossible value must be found"
    assert found[0][0] == field
    assert expected in found[0][1]


def test_money_limits_and_nothing_on_valid_scenarios() -> None:
    data = minimal(tariffs={"supply_price_eur_per_kwh": 50.0}, finance={"capex_eur_per_kwp": 1e9})
    fields = dict(limit_violations(data))
    assert "EUR/kWh" in fields["tariffs.supply_price_eur_per_kwh"]
    assert "20,000 EUR/kWp" in fields["finance.capex_eur_per_kwp"]
    assert limit_violations(minimal()) == []
    for path in SCENARIOS:
        assert limit_violations(load_scenario(path).model_dump()) == [], path.name


def test_every_limit_bounds_a_field_of_the_scenario_format() -> None:
    """A limit whose pattern matches no field would check nothing: each must match one."""
    from energysim.config.limits import _leaves

    data = minimal()
    b = _building(data)
    b["floor_area_m2"] = [50.0, 60.0, 70.0]
    b["members"]["certificates"] = [1.0, 2.0]
    b["arrays"].append({"id": "r2", "area_m2": 20.0})
    data["tariffs"] = {"feed_in_cost_bands_incl_vat_eur_per_month": [1.0, 2.0]}
    dumped = scenario_from_dict(data).model_dump()
    b_dump = dumped["buildings"][0]
    b_dump["members"]["annual_kwh"] = {"mean_kwh": 2000.0, "sd_kwh": 1.0, "min_kwh": 1.0}
    dumped["tariffs"].update(
        supply_price_eur_per_kwh=0.1, tax_rebate_eur_per_yr=500.0, network_charge_eur_per_yr=1.0
    )
    # storage and electrification: the renovated example has a shared battery, heat pumps
    # and EVs; home batteries come from their own model, so every name is the format's
    from energysim.config.features import HomeBatteries

    repo = Path(__file__).resolve().parents[1]
    renovated = load_scenario(repo / "scenarios" / "galerijflat-na-renovatie.toml").model_dump()
    b_dump["battery"] = renovated["buildings"][0]["battery"]
    b_dump["heat_pumps"] = renovated["buildings"][0]["heat_pumps"]
    b_dump["ev_charging"] = renovated["buildings"][0]["ev_charging"]
    b_dump["home_batteries"] = HomeBatteries(capacity_kwh=5.0, power_kw=3.0).model_dump()
    b_dump["battery"]["charge_power_kw"] = 1.0
    b_dump["heat_pumps"]["space_heat_kwh_per_yr"] = 1.0
    patterns = {pattern for _, pattern, _ in _leaves(dumped)}
    # batteries, heat pumps and EVs: the renovation example, with home batteries added
    renovated = load_scenario(REPO / "scenarios" / "galerijflat-na-renovatie.toml").model_dump()
    renovated["buildings"][0]["home_batteries"] = {"capacity_kwh": 5.0, "power_kw": 3.0}
    patterns |= {pattern for _, pattern, _ in _leaves(renovated)}
    # and every other number of the format, read from its models
    patterns |= set(schema_number_paths())
    for limit in LIMITS:
        assert any(limit.matches(p) for p in patterns), limit.pattern


def test_interval_bounds() -> None:
    kwh, reason = max_generation_kwh_per_interval(10.0, 0.25)
    assert kwh == pytest.approx(3.75) and "10 kWp x 1.5" in reason
    assert max_household_kwh_per_interval(1.0)[0] == pytest.approx(55.2)
    assert max_common_kwh_per_interval(0.25)[0] == pytest.approx(2500.0)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_example_scenarios_raise_no_warning(path: Path) -> None:
    assert plausibility_warnings(load_scenario(path)) == []


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda b: b["tenants"].update(annual_kwh=[1500.0, 40_000.0, 2000.0]),
            "tenants.annual_kwh: 1 household(s) outside what is usual (usual is 500-15,000",
        ),
        (
            lambda b: b["tenants"].update(annual_kwh={"mean_kwh": 200.0, "sd_kwh": 10.0}),
            "tenants.annual_kwh.mean_kwh: 200 kWh/yr is unusual",
        ),
        (
            lambda b: b["arrays"][0].update(capacity_kwp=60.0),
            "20 kWp per dwelling is more than roofs usually hold",
        ),
        (
            lambda b: b["arrays"][0].update(
                capacity_kwp=None, area_m2=30.0, packing_kwp_per_m2=0.24
            ),
            "packing_kwp_per_m2: 0.24 kWp/m2 is unusual",
        ),
        (
            lambda b: b["common"].update(lift_kwh_per_yr=9000.0),
            "kWh/yr per dwelling is unusual for common installations",
        ),
    ],
)
def test_unusual_values_are_warnings(edit, expected: str) -> None:
    data = minimal()
    edit(_building(data))
    warnings = plausibility_warnings(scenario_from_dict(data))
    assert any(expected in w for w in warnings), warnings
    assert plausibility_warnings(scenario_from_dict(minimal())) == []


def test_sce_member_rule_is_a_warning() -> None:
    data = minimal(allocation={"members": {"mode": "sce"}})
    _building(data)["arrays"][0]["capacity_kwp"] = 15.0
    warnings = plausibility_warnings(scenario_from_dict(data))
    assert any("at least one member per 5 kWp: 3 for 15 kWp, found 2" in w for w in warnings)


def test_result_warnings_benefit_above_the_bill_and_yield() -> None:
    from energysim.simulate import run

    result = run(scenario_from_dict(minimal()))
    assert result_warnings(result) == []
    money = result.money.copy()
    pid = "B1-T001"
    # a small user's net bill is near zero (the fixed rebate is a credit): gaining more
    # than that net bill is plausible; more than the bill before the rebate is not
    t = result.tariffs
    rebate = t.tax_rebate_excl_vat_eur_per_yr * (1.0 + t.vat_frac)
    money.loc[pid, "benefit_eur"] = money.loc[pid, "bill_without_eur"] + 100.0
    result.money = money
    assert result_warnings(result) == []
    money.loc[pid, "benefit_eur"] = money.loc[pid, "bill_without_eur"] + rebate + 100.0
    result.generation_kwh = result.generation_kwh * 3.0
    warnings = result_warnings(result)
    assert any("1 household(s) gain more a year than their whole" in w for w in warnings)
    assert any(pid in w for w in warnings)
    assert any("specific yield" in w and "outside what Dutch roofs give" in w for w in warnings)


@settings(max_examples=300, deadline=None)
@given(
    pattern=st.text(alphabet="ab*[].", max_size=8),
    path=st.text(alphabet="ab[].", max_size=10),
)
@example(pattern="buildings[].*.annual_kwh[]", path="buildings[].tenants.annual_kwh[]")
@example(pattern="a*a", path="a")
def test_a_limit_pattern_matches_as_its_regular_expression_would(pattern: str, path: str) -> None:
    """``*`` is any run of characters, the rest literal: what ``re.fullmatch`` of the
    escaped parts joined by ``.*`` says (the matching compiles no expression)."""
    regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    expected = re.fullmatch(regex, path) is not None
    assert Limit(pattern, 1.0, "", "").matches(path) is expected
