"""Prices chosen together under every legal limit (energysim/design/joint.py)."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest

from energysim.config.scenario import load_scenario
from energysim.design import joint
from energysim.design.money import households, with_finance
from energysim.design.plan import Design, DesignOptions, design_scenario
from energysim.design.prices import (
    LEVER_FIELDS,
    PriceTarget,
    huurcommissie_limit_eur_per_yr,
    price_range,
)
from energysim.design.sizing import scale_roof
from energysim.money.readings import shared_kwh_saving_eur_per_kwh
from energysim.simulate import run

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO / "scenarios" / "rotterdam-galerijflat.toml"
WALKUP = REPO / "scenarios" / "walkup-portiekflat.toml"
HUURCOMMISSIE = {"panel_fee_above_limit", "panel_fee_above_limit_after"}


def hourly(path: Path):
    return load_scenario(path).model_copy(update={"time_step_min": 60})


def _model(owner_slope, house0, house_slope, owner0=-100.0) -> joint.LinearMoney:
    return joint.LinearMoney(
        np.array([owner0]), np.array([owner_slope]), np.array(house0), np.array(house_slope)
    )


# --------------------------------------------------------------------------- hand-checked LPs
def test_together_two_prices_pay_where_each_alone_does_not() -> None:
    """One owner lacks EUR 100: a fee f (EUR 10 per EUR of fee, paid by household 1) and a
    price k (EUR 5 per EUR/kWh, paid by household 2), both starting at EUR 80. Alone, each
    price at its limit (f <= 6, k <= 12) raises EUR 60: no single lever pays. Together
    10 f + 5 k = 100; the worst-off household is best off when both pay alike,
    80 - 10 f = 80 - 5 k, so f = 5, k = 10 and each keeps EUR 30."""
    money = _model([10.0, 5.0], [80.0, 80.0], [[-10.0, 0.0], [0.0, -5.0]])
    limits = np.array([6.0, 12.0])
    for alone in ([6.0, 0.0], [0.0, 12.0]):  # one lever at its limit, the other at 0
        assert money.owners_eur(np.array(alone))[0] == pytest.approx(-40.0)
    sol = joint.solve_joint(money, limits, threshold_eur=0.0)
    assert sol.pays and sol.shortfall_eur == 0.0
    # the second LP may give the worst-off household up to a cent (WORST_OFF_TOL_EUR):
    # k within 0.01 / 5 = 0.002 of 10, f within 0.001 of 5
    np.testing.assert_allclose(sol.prices, [5.0, 10.0], atol=2.5e-3)
    assert money.owners_eur(sol.prices)[0] >= 0.0
    assert money.households_eur(sol.prices).min() == pytest.approx(30.0, abs=0.02)


def test_the_shortfall_is_what_the_best_legal_prices_lack() -> None:
    """With limits f <= 4 and k <= 8 the owner gets at most 40 + 40 = 80 of the 100 it
    needs: EUR 20 short, at the limits (both households still gain: 40 and 40)."""
    money = _model([10.0, 5.0], [80.0, 80.0], [[-10.0, 0.0], [0.0, -5.0]])
    sol = joint.solve_joint(money, np.array([4.0, 8.0]), threshold_eur=0.0)
    assert not sol.pays and sol.households_ok
    assert sol.shortfall_eur == pytest.approx(20.0)
    np.testing.assert_allclose(sol.prices, [4.0, 8.0])
    # households that must keep EUR 50 cap f at 3 and k at 6: 30 + 30 = 60, EUR 40 short
    sol = joint.solve_joint(money, np.array([4.0, 8.0]), threshold_eur=50.0)
    assert sol.shortfall_eur == pytest.approx(40.0)
    np.testing.assert_allclose(sol.prices, [3.0, 6.0])


def test_households_worse_off_at_any_price_say_so() -> None:
    money = _model([10.0, 5.0], [-5.0, 80.0], [[-10.0, 0.0], [0.0, -5.0]])
    sol = joint.solve_joint(money, np.array([6.0, 12.0]), threshold_eur=0.0)
    assert not sol.pays and not sol.households_ok
    assert sol.shortfall_eur == pytest.approx(100.0)  # at prices 0


# --------------------------------------------------------------------------- on the examples
@functools.cache
def design_of(path: Path) -> Design:
    options = DesignOptions(size_factors=(0.5, 1.0), members_search=False, curve_points=3)
    return design_scenario(hourly(path), options)


@pytest.fixture(params=[WALKUP, DEFAULT], ids=["walkup", "default"])
def designed(request) -> Design:
    return design_of(request.param)


def test_recommended_prices_respect_every_limit(designed) -> None:
    rec = designed.recommended
    r = run(rec)
    codes = {getattr(m, "code", None) for m in r.messages}
    assert not codes & HUURCOMMISSIE, r.messages
    fin = rec.finance
    saving = shared_kwh_saving_eur_per_kwh(rec, r.tariffs)
    for name in ("common_fee_eur_per_kwh", "tenant_sharing_fee_eur_per_kwh"):
        assert 0.0 <= getattr(fin, name) <= saving
    assert 0.0 <= fin.sharing_fee_eur_per_kwh <= saving
    assert fin.panel_fee_eur_per_yr <= huurcommissie_limit_eur_per_yr(rec)
    j = designed.joint
    assert j.linear_error_eur < 0.01  # the money is linear in the prices here
    npv = r.accounts.stakeholders["npv_eur"]
    if j.pays:
        assert npv.min() >= 0.0
        assert households(r, r.accounts)["benefit_npv_eur"].min() >= -0.005
    else:
        assert j.shortfall_eur == pytest.approx(float((-npv).clip(lower=0).sum()), abs=0.01)
        assert "no legal prices pay" in j.message and "subsidy" in j.message


def test_the_walkup_says_plainly_that_no_legal_prices_pay() -> None:
    designed = design_of(WALKUP)
    j = designed.joint
    assert not j.pays and j.shortfall_eur > 0 and j.households_ok
    # the best legal prices are the limits here: every household still gains there
    r = designed.recommended_result
    at_limits = with_finance(
        designed.recommended, **{joint.JOINT_FIELDS[lv]: j.limits[lv] for lv in joint.JOINT_LEVERS}
    )
    limits_run = run(at_limits)
    assert households(limits_run, limits_run.accounts)["benefit_npv_eur"].min() > 0
    assert j.shortfall_eur == pytest.approx(
        float((-limits_run.accounts.stakeholders["npv_eur"]).clip(lower=0).sum()), abs=0.01
    )
    # the capex stated closes the gap at those prices
    assert j.capex_eur_per_kwp is not None and j.capex_eur_per_kwp < j.capex_now_eur_per_kwp
    cheaper = run(with_finance(designed.recommended, capex_eur_per_kwp=j.capex_eur_per_kwp))
    assert cheaper.accounts.stakeholders["npv_eur"].min() == pytest.approx(0.0, abs=1.0)
    # and the design says so in its words
    assert any("no legal prices pay" in line for line in designed.changes + [j.message])
    assert r.accounts.stakeholders["npv_eur"].min() < 0


def test_the_default_at_half_its_roof_one_price_needs_an_illegal_fee() -> None:
    """At 0.5x the one-price search finds a uniform price per shared kWh that pays, but
    only beside the scenario's panel fee of EUR 20, above the Huurcommissie limit (the run
    of that answer warns); the four prices chosen together pay within every limit."""
    base = run(scale_roof(hourly(DEFAULT), 0.5))
    target = PriceTarget()
    limit = huurcommissie_limit_eur_per_yr(base.scenario)
    assert base.scenario.finance.panel_fee_eur_per_yr > limit
    uniform = price_range(base, "uniform", target)
    assert uniform.feasible and uniform.break_even is not None
    one = run(
        with_finance(base.scenario, **dict.fromkeys(LEVER_FIELDS["uniform"], uniform.break_even))
    )
    assert {getattr(m, "code", None) for m in one.messages} & HUURCOMMISSIE
    j = joint.joint_prices(base, target)
    assert j.pays and j.prices["panel_fee"] <= limit
    r = run(joint.with_prices(base.scenario, np.array([j.prices[lv] for lv in joint.JOINT_LEVERS])))
    assert r.accounts.stakeholders["npv_eur"].min() >= 0.0
    assert households(r, r.accounts)["benefit_npv_eur"].min() >= -0.005
    assert not {getattr(m, "code", None) for m in r.messages} & HUURCOMMISSIE
