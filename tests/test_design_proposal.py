"""The numbers of the proposal and the cooperative's own money: every figure the design
shows is the recommended design's (checked against a run of the recommended scenario),
and the cooperative's financing plan is worked by hand."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from helpers import minimal

from energysim.cli.main import main
from energysim.config.scenario import load_scenario, scenario_from_dict
from energysim.design import prices
from energysim.design.financing import (
    FinancingTerms,
    annuity_eur_per_yr,
    cooperative_financing,
    financing_line,
)
from energysim.design.local import local_kinds
from energysim.design.plan import DesignOptions, design_scenario
from energysim.design.report import recommendation_lines, summary_dict
from energysim.money import business
from energysim.money.accounts import SMALL_CONNECTION_MAX_KVA
from energysim.simulate import run

REPO = Path(__file__).resolve().parents[1]
GALLERY = REPO / "scenarios" / "rotterdam-galerijflat.toml"
QUICK = DesignOptions(members_search=False, curve_points=3, size_factors=(0.5, 2.0))
"""A small design: two sizes asked (the gallery flat's roof caps the second at 1.03x)."""


def with_battery() -> dict:
    """The minimal scenario with a shared battery and a cooperative among its owners."""
    data = minimal(year=2027)
    data["buildings"][0]["roof_area_m2"] = 100.0
    data["buildings"][0]["battery"] = {"capacity_kwh": 10.0, "power_kw": 5.0}
    data["ownership"] = [
        {"owner": "Corporatie", "owner_type": "housing_corporation", "share_frac": 0.6},
        {"owner": "Cooperatie", "owner_type": "resident_cooperative", "share_frac": 0.4},
    ]
    return data


@pytest.fixture(scope="module")
def gallery():
    """The design of the gallery flat (hourly, four sizes) and a run of its proposal."""
    scenario = load_scenario(GALLERY).model_copy(update={"time_step_min": 60})
    design = design_scenario(scenario, QUICK)
    return design, run(design.recommended)


@pytest.fixture(scope="module")
def battery_design():
    design = design_scenario(
        scenario_from_dict(with_battery()), replace(QUICK, size_factors=(1.0,))
    )
    return design, run(design.recommended)


# --------------------------------------------------------------------------- item: roof
def test_the_gallery_flats_recommendation_fits_its_roof_and_its_connection(gallery) -> None:
    design, proposal = gallery
    (b,) = proposal.scenario.buildings
    assert b.roof_area_m2 is not None and b.usable_roof_m2 is not None
    assert b.arrays_roof_m2 <= b.usable_roof_m2 + 1e-9  # the arrays fit the usable roof
    assert (design.sizes.curve["roof_m2"] <= b.usable_roof_m2 + 1e-9).all()
    inverters_kw = sum(a.dc_capacity_kwp / a.dc_ac_ratio for a in b.arrays if a.setup == "common")
    if inverters_kw > SMALL_CONNECTION_MAX_KVA:  # then it pays the upgrade, and says so
        assert b.common.connection == "large" and (b.common.connection_upgrade_eur or 0) > 0
        assert any("large connection" in c for c in design.changes)
    else:
        assert b.common.connection == "small"


# --------------------------------------------------------------------------- item: the numbers
def test_the_local_figures_are_those_of_a_run_of_the_recommended_scenario(gallery) -> None:
    design, proposal = gallery
    fig = design.local.figures
    stake = proposal.accounts.stakeholders
    local = stake[stake["owner_type"].isin(local_kinds(proposal.scenario))]
    assert fig["local_capex_eur"] == pytest.approx(float(local["capex_eur"].sum()), abs=1e-6)
    assert fig["local_npv_eur"] == pytest.approx(float(local["npv_eur"].sum()), abs=1e-3)
    members = sum(b.members.count for b in proposal.scenario.buildings)
    assert fig["capex_per_member_eur"] == pytest.approx(fig["local_capex_eur"] / members)
    assert fig["capacity_kwp"] == pytest.approx(proposal.scenario.capacity_kwp)
    now = design.base.accounts.stakeholders
    assert fig["local_capex_now_eur"] == pytest.approx(
        float(now.loc[now["owner_type"] == "resident_cooperative", "capex_eur"].sum())
    )
    # the words say the proposal's figures, not today's roof
    line = next(x for x in recommendation_lines(design) if x.startswith("Local ownership"))
    assert f"invest EUR {fig['local_capex_eur']:,.0f}" in line
    rows = design.local.money[design.local.money["prices"] == "recommended"]
    assert rows["capex_eur"].sum() == pytest.approx(float(stake["capex_eur"].sum()))


def test_the_proposals_investment_includes_its_battery(battery_design) -> None:
    design, proposal = battery_design
    scenario = proposal.scenario
    panels = scenario.capacity_kwp * scenario.finance.capex_eur_per_kwp
    invested = float(proposal.accounts.stakeholders["capex_eur"].sum())
    assert invested > panels + 1.0  # the battery is part of what the owners invest
    fig = design.local.figures
    coop = proposal.accounts.stakeholders
    assert fig["local_capex_eur"] == pytest.approx(
        float(coop.loc[coop["owner_type"] == "resident_cooperative", "capex_eur"].sum())
    )
    # the subsidy needed is a share of what the owners invest, battery included
    rng = prices.price_range(proposal, "uniform", prices.PriceTarget())
    needed = prices.what_is_needed(proposal, rng, prices.PriceTarget())
    assert needed.subsidy_frac_of_capex == pytest.approx(needed.subsidy_eur / invested)
    joint = design.joint
    base_invested = float(design.recommended_result.accounts.stakeholders["capex_eur"].sum())
    assert joint.shortfall_frac_of_capex == pytest.approx(joint.shortfall_eur / base_invested)


# --------------------------------------------------------------------------- item: financing
def test_the_annuity_by_hand() -> None:
    # 10,000 at 5% over 15 years: 500 / (1 - 1.05^-15) = 963.42
    assert annuity_eur_per_yr(10_000.0, 0.05, 15) == pytest.approx(963.4229, abs=1e-4)
    assert annuity_eur_per_yr(9_000.0, 0.0, 3) == 3_000.0
    # the payments, discounted at the loan's rate, repay the principal
    a = annuity_eur_per_yr(4_000.0, 0.1, 2)
    assert a / 1.1 + a / 1.1**2 == pytest.approx(4_000.0)


def test_the_members_cash_flows_by_hand() -> None:
    """One cooperative investing EUR 10,000; the run's net cash flow EUR 3,000 a year for
    5 years; 50% member capital, 10% subsidy, a loan of 40% at 10% over 2 years."""
    net = np.array([-10_000.0, 3_000, 3_000, 3_000, 3_000, 3_000])
    accounts = SimpleNamespace(
        stakeholders=pd.DataFrame(
            {"owner_type": ["resident_cooperative", "housing_corporation"]},
            index=["coop", "corp"],
        ).assign(capex_eur=[10_000.0, 99_999.0]),
        cashflows=pd.DataFrame(
            {
                "owner": ["coop"] * 6 + ["corp"] * 6,
                "year": list(range(6)) * 2,
                "net_cash_flow_eur": np.r_[net, np.full(6, 1e6)],
            }
        ),
    )
    scenario = SimpleNamespace(
        buildings=[SimpleNamespace(members=SimpleNamespace(count=20))],
        finance=SimpleNamespace(discount_rate_frac=0.04),
    )
    terms = FinancingTerms(
        member_capital_frac=0.5, loan_rate_frac=0.1, loan_term_yr=2, subsidy_frac=0.1
    )
    plan = cooperative_financing(SimpleNamespace(accounts=accounts, scenario=scenario), terms)
    assert plan is not None
    f = plan.figures
    assert f["loan_eur"] == pytest.approx(4_000.0) and f["subsidy_eur"] == pytest.approx(1_000.0)
    annuity = 400.0 / (1.0 - 1.1**-2)  # 2,304.76
    assert f["annuity_eur_per_yr"] == pytest.approx(annuity)
    expected = [-5_000.0, 3_000 - annuity, 3_000 - annuity, 3_000, 3_000, 3_000]
    np.testing.assert_allclose(plan.cashflows["members_cash_flow_eur"], expected)
    # paid back in year 4: 3 years leave 5,000 - 2 x 695.24 - 3,000 = 609.52 to go
    assert f["members_payback_yr"] == pytest.approx(
        3.0 + (5_000 - 2 * (3_000 - annuity) - 3_000) / 3_000
    )
    assert business.npv_eur(expected, f["members_irr_frac"]) == pytest.approx(0.0, abs=1e-6)
    assert f["member_capital_per_member_eur"] == pytest.approx(250.0)
    assert f["capex_per_member_eur"] == pytest.approx(500.0) and f["short_years"] == []
    # the cooperative's own balance: what came in equals what was invested
    assert f["member_capital_eur"] + f["loan_eur"] + f["subsidy_eur"] == pytest.approx(10_000.0)
    # only the term left at its default (member capital, 0.5) is listed as an estimate
    assert {a["figure"] for a in plan.assumptions} == {"member_capital_frac"}
    assert {a["figure"] for a in FinancingTerms().assumptions()} == {
        "member_capital_frac",
        "loan_rate_frac",
        "loan_term_yr",
        "subsidy_frac",
    }


def test_financing_terms_refuse_what_no_plan_has() -> None:
    with pytest.raises(ValueError, match="sum to more than 1"):
        FinancingTerms(member_capital_frac=0.8, subsidy_frac=0.3)
    with pytest.raises(ValueError, match="loan_term_yr"):
        FinancingTerms(loan_term_yr=0)


def test_the_gallery_flats_financing_is_the_proposals(gallery) -> None:
    design, proposal = gallery
    plan = design.financing
    assert plan is not None
    coop = proposal.accounts.stakeholders
    coop = coop[coop["owner_type"] == "resident_cooperative"]
    assert plan.figures["investment_eur"] == pytest.approx(float(coop["capex_eur"].sum()))
    # the members' flows are the cooperative's flows with the loan and the subsidy
    flows = proposal.accounts.cashflows
    mine = flows[flows["owner"].isin(coop.index)].groupby("year")["net_cash_flow_eur"].sum()
    t = plan.cashflows
    np.testing.assert_allclose(
        t["members_cash_flow_eur"],
        mine.to_numpy() + t["loan_received_eur"] + t["subsidy_received_eur"] - t["annuity_eur"],
    )
    figures = json.loads(json.dumps(summary_dict(design), default=str))
    assert figures["financing"]["loan_term_yr"] == 15
    assert len(figures["financing"]["cashflows"]) == proposal.scenario.finance.lifetime_yr + 1
    assert financing_line(plan) in recommendation_lines(design)


def test_the_cli_takes_the_financing_terms(tmp_path: Path, capsys) -> None:
    path = tmp_path / "s.toml"
    import tomli_w

    path.write_bytes(tomli_w.dumps(with_battery()).encode())
    out = tmp_path / "out"
    args = ["design", str(path), "--out", str(out), "--sizes", "1", "--no-members-search"]
    assert main([*args, "--member-capital", "0.3", "--loan-rate", "0.04", "--loan-term", "10"]) == 0
    summary = json.loads((out / "mini" / "design" / "design.json").read_text())
    f = summary["financing"]
    assert (f["member_capital_frac"], f["loan_rate_frac"], f["loan_term_yr"]) == (0.3, 0.04, 10)
    assert "Financing of the cooperative's part" in capsys.readouterr().out
    assert main([*args, "--member-capital", "0.8", "--subsidy", "0.5"]) == 2
    assert "sum to more than 1" in capsys.readouterr().err
