"""The scheme against the Huurcommissie's service-cost rules: a test per rule, each with a
scheme that keeps it and one that breaks it; the run's messages, files and assumptions;
the design advisor's panel-fee bound from the same rule code."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from energysim import run
from energysim.config.scenario import scenario_from_dict
from energysim.core.errors import ScenarioError
from energysim.design.prices import huurcommissie_limit_eur_per_yr
from energysim.money import owner_vat
from energysim.money.service_costs import (
    COMPLIANCE_COLUMNS,
    RULES,
    compliance_table,
    panel_fee_limit_eur_per_yr,
    panel_fee_limits_eur_per_yr,
)
from energysim.results.outputs import write_run
from energysim.results.tables import service_costs_table
from tests.helpers import minimal

FEE_EUR = 10.0
"""A panel fee per participating dwelling within both limits of the minimal scenario."""


def scheme(fee: float = FEE_EUR, terms: dict[str, Any] | None = None, **finance: Any) -> Any:
    """The minimal scenario with a panel fee, finance figures and service-cost terms."""
    data = minimal(finance={"panel_fee_eur_per_yr": fee, **finance})
    data["buildings"][0]["common"]["lift_kwh_per_yr"] = 2000.0  # runs while the sun shines
    if terms is not None:
        data["buildings"][0]["service_costs"] = terms
    return scenario_from_dict(data)


@pytest.fixture(scope="module")
def base() -> Any:
    return run(scheme())


def rows(scenario: Any, base: Any) -> pd.Series:
    """Whether each rule holds for the scenario's building, by rule."""
    table = compliance_table(scenario, base.money, base.participants)
    return table.set_index("rule")["holds"]


def investment_per_dwelling_eur(scenario: Any) -> float:
    """By hand: the roof's kWp x capex, as the owners paid it, over the 2 participants."""
    b = scenario.buildings[0]
    paid = owner_vat.investment_paid_frac(scenario)
    return b.capacity_kwp * scenario.finance.capex_eur_per_kwp * paid / b.tenants.participating


def test_a_fee_within_the_limits_keeps_every_rule(base: Any) -> None:
    table = service_costs_table(base)
    assert list(table.columns) == list(COMPLIANCE_COLUMNS)
    assert list(table["rule"]) == list(RULES)
    assert table["holds"].all()
    assert (table["building_id"] == "B1").all()
    assert table["source"].str.contains("Huurcommissie").all()
    assert table["rule_nl"].str.len().gt(0).all() and table["rule_en"].str.len().gt(0).all()
    # nothing given: the three terms rest on their defaults
    assumed = dict(zip(table["rule"], table["assumed"], strict=True))
    assert assumed["removable"] == "panels_removable"
    assert assumed["not_nom"] == "nom_dwellings"
    assert assumed["no_maintenance"] == "panel_fee_maintenance_eur_per_yr"
    assert not any(m.code.startswith("service_cost_") for m in base.messages)


def test_the_fee_limits_are_10_and_6_percent_of_the_investment_per_dwelling(base: Any) -> None:
    scenario = base.scenario
    investment = investment_per_dwelling_eur(scenario)
    table = service_costs_table(base).set_index("rule")
    assert table.loc["fee_first_10_years", "limit_value"] == pytest.approx(0.10 * investment)
    assert table.loc["fee_after_10_years", "limit_value"] == pytest.approx(0.06 * investment)
    assert table.loc["fee_first_10_years", "scheme_value"] == FEE_EUR
    assert panel_fee_limits_eur_per_yr(scenario)["B1"] == pytest.approx(
        (0.10 * investment, 0.06 * investment)
    )


def test_removable_panels_only(base: Any) -> None:
    assert rows(scheme(terms={"panels_removable": True}), base)["removable"]
    broken = rows(scheme(terms={"panels_removable": False}), base)
    assert not broken["removable"] and broken.drop("removable").all()
    # without a fee nothing is charged for the panels: the rule holds
    assert rows(scheme(fee=0.0, terms={"panels_removable": False}), base)["removable"]


def test_fee_at_most_10_percent_in_the_first_10_years(base: Any) -> None:
    limit = 0.10 * investment_per_dwelling_eur(base.scenario)
    assert rows(scheme(fee=round(limit - 0.01, 2)), base)["fee_first_10_years"]
    assert not rows(scheme(fee=round(limit + 0.01, 2)), base)["fee_first_10_years"]


def test_fee_at_most_6_percent_after_10_years(base: Any) -> None:
    investment = investment_per_dwelling_eur(base.scenario)
    between = round(0.08 * investment, 2)  # within 10%, above 6%
    broken = rows(scheme(fee=between), base)
    assert broken["fee_first_10_years"] and not broken["fee_after_10_years"]
    # a 10-year lifetime has no years after: no limit
    assert rows(scheme(fee=between, lifetime_yr=10), base)["fee_after_10_years"]
    # indexation: 5.9% in year 1, grown by 2% a year, is above 6% from year 11 (x 1.22)
    fee = round(0.059 * investment, 2)
    assert rows(scheme(fee=fee), base)["fee_after_10_years"]
    indexed = rows(scheme(fee=fee, fee_indexation_frac_per_yr=0.02), base)
    assert not indexed["fee_after_10_years"]


def test_no_maintenance_in_the_fee(base: Any) -> None:
    assert rows(scheme(terms={"panel_fee_maintenance_eur_per_yr": 0.0}), base)["no_maintenance"]
    broken = rows(scheme(terms={"panel_fee_maintenance_eur_per_yr": 2.5}), base)
    assert not broken["no_maintenance"] and broken.drop("no_maintenance").all()


def test_no_fee_for_near_zero_energy_dwellings(base: Any) -> None:
    assert rows(scheme(terms={"nom_dwellings": 0}), base)["not_nom"]
    broken = rows(scheme(terms={"nom_dwellings": 1}), base)
    assert not broken["not_nom"] and broken.drop("not_nom").all()
    with pytest.raises(ScenarioError, match="service_costs.nom_dwellings"):
        scheme(terms={"nom_dwellings": 3})  # 2 dwellings take part


def test_common_electricity_at_actual_cost_by_the_agreed_key(base: Any) -> None:
    table = service_costs_table(base).set_index("rule")
    p, m = base.participants, base.money
    dwellings = p.index[p["role"] == "tenant"]
    common = p.index[p["role"] == "common"]
    # the scheme's figure is what the dwellings' service costs change by, the limit the
    # common connection's actual net cost change; here they are equal and not zero
    charged = m.loc[dwellings, "service_cost_saving_eur"].sum()
    assert table.loc["common_actual_cost", "scheme_value"] == pytest.approx(charged)
    assert table.loc["common_actual_cost", "limit_value"] == pytest.approx(
        m.loc[common, "passed_to_service_costs_eur"].sum()
    )
    assert abs(charged) > 1
    # a split that passes on more than the actual cost breaks it
    padded = m.copy()
    padded.loc[dwellings[0], "service_cost_saving_eur"] -= 5.0
    assert not compliance_table(base.scenario, padded, p).set_index("rule")["holds"][
        "common_actual_cost"
    ]
    # a floor-area key with no floor areas is split per dwelling: not the agreed key
    assert not rows(scheme(service_cost_key="floor_area"), base)["common_actual_cost"]
    data = scheme(service_cost_key="floor_area").model_dump(mode="json")
    data["buildings"][0]["floor_area_m2"] = [50.0, 60.0, 70.0]
    assert rows(scenario_from_dict(data), base)["common_actual_cost"]


def test_a_broken_rule_is_a_message_of_the_run_and_a_row_of_its_file(tmp_path: Path) -> None:
    scenario = scheme(terms={"panels_removable": False, "nom_dwellings": 1})
    result = run(scenario)
    codes = {getattr(m, "code", None) for m in result.messages}
    assert {"service_cost_removable", "service_cost_not_nom"} <= codes
    # given terms are not assumed
    assumed = {a["figure"] for a in result.accounts.assumptions if a["status"] == "assumption"}
    assert assumed == {"B1.panel_fee_maintenance_eur_per_yr"}
    folder = write_run(result, tmp_path / "std")
    written = pd.read_csv(folder / "service_costs.csv")
    assert dict(zip(written["rule"], written["holds"], strict=True)) == dict(
        zip(RULES, [False, True, True, True, False, True], strict=True)
    )
    nl = write_run(result, tmp_path / "nl", csv_dialect="nl")
    text = (nl / "service_costs.csv").read_text(encoding="utf-8-sig")
    assert ";" in text.splitlines()[0] and "Huurcommissie" in text


def test_the_design_bound_is_the_rules_own_limit(base: Any) -> None:
    investment = investment_per_dwelling_eur(base.scenario)
    for fin in ({}, {"fee_indexation_frac_per_yr": 0.02}, {"lifetime_yr": 10}):
        scenario = scheme(**fin)
        limit = panel_fee_limit_eur_per_yr(scenario)
        assert limit is not None and huurcommissie_limit_eur_per_yr(scenario) == limit
        assert limit <= 0.10 * investment + 1e-9
        # the bound is the edge of the table's rules: at it every rule holds, above not
        assert rows(scheme(fee=limit, **fin), base).all()
        assert not rows(scheme(fee=limit + 0.01, **fin), base).all()
    # no fee at all where a rule forbids one
    for terms in (
        {"panels_removable": False},
        {"nom_dwellings": 1},
        {"panel_fee_maintenance_eur_per_yr": 1.0},
    ):
        scenario = scheme(terms=terms)
        assert panel_fee_limit_eur_per_yr(scenario) == 0.0
        assert huurcommissie_limit_eur_per_yr(scenario) == 0.0
    data = copy.deepcopy(minimal())
    data["buildings"][0]["tenants"]["participating"] = 0
    assert panel_fee_limit_eur_per_yr(scenario_from_dict(data)) is None


def test_the_joint_design_never_offers_a_fee_a_rule_forbids() -> None:
    """energysim design chooses its prices within joint_limits: the panel fee's bound is
    0 for panels that are not removable (the other prices keep theirs)."""
    from energysim.design.joint import JOINT_LEVERS, joint_limits

    fee = JOINT_LEVERS.index("panel_fee")
    allowed = joint_limits(run(scheme()))
    forbidden = joint_limits(run(scheme(terms={"panels_removable": False})))
    assert allowed[fee] > 0 and forbidden[fee] == 0
    others = [i for i in range(len(JOINT_LEVERS)) if i != fee]
    assert list(forbidden[others]) == list(allowed[others])
