"""The trade-off between owners and households over the legal prices
(energysim/design/tradeoff.py)."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest

from energysim.config.scenario import load_scenario
from energysim.design import joint, tradeoff
from energysim.design.money import households, owners_npv_eur, reprice
from energysim.design.plan import Design, DesignOptions, design_scenario
from energysim.design.report import recommendation_lines, summary_dict
from energysim.simulate import run

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO / "scenarios" / "rotterdam-galerijflat.toml"
WALKUP = REPO / "scenarios" / "walkup-portiekflat.toml"


def hourly(path: Path):
    return load_scenario(path).model_copy(update={"time_step_min": 60})


@functools.cache
def paying_design() -> Design:
    """The default scenario at half its roof, hourly: legal prices pay there."""
    options = DesignOptions(size_factors=(0.5,), members_search=False, curve_points=2)
    design = design_scenario(hourly(DEFAULT), options)
    assert design.joint.pays, design.joint.message
    return design


def totals(result, prices: np.ndarray) -> tuple[float, float, float, float]:
    """Owners' total NPV, their lowest, households' total lifetime benefit and their
    lowest, by the money model at the prices [EUR]."""
    accounts = reprice(result, joint.with_prices(result.scenario, prices))
    owners = owners_npv_eur(accounts, result.scenario.finance.discount_rate_frac)
    house = households(result, accounts)["benefit_npv_eur"]
    return float(owners.sum()), float(owners.min()), float(house.sum()), float(house.min())


def test_every_point_is_on_the_front_and_random_legal_prices_lie_below_it() -> None:
    design = paying_design()
    front = design.tradeoff.points
    assert len(front) == tradeoff.FRONT_POINTS
    owners = front["owners_npv_eur"].to_numpy()
    house = front["households_npv_total_eur"].to_numpy()
    # along the curve the owners gain and the households lose: no point dominates another
    assert np.all(np.diff(owners) > 0) and np.all(np.diff(house) < 0)
    # every point is legal, pays and keeps every household not worse off
    limits = joint.joint_limits(design.recommended_result)
    prices = front[[joint.JOINT_FIELDS[lv] for lv in joint.JOINT_LEVERS]].to_numpy()
    assert np.all(prices >= 0) and np.all(prices <= limits + 1e-12)
    assert front["owners_npv_min_eur"].min() >= 0.0
    assert front["households_npv_min_eur"].min() >= -0.005
    assert front["linear_error_eur"].max() < 0.01
    # the last point: no legal prices give the owners more
    result = design.recommended_result
    at_limits = totals(result, limits)
    assert owners[-1] >= at_limits[0] - 0.01 or at_limits[3] < -0.005
    # random legal prices dominate no point of the curve; those that pay and keep every
    # household whole lie on or below it (half drawn near the limits, where they pay)
    rng = np.random.default_rng(7)
    feasible = 0
    for low in [0.0] * 8 + [0.9] * 16:
        p = rng.uniform(low, 1.0, size=len(limits)) * limits
        n, n_min, t, t_min = totals(result, p)
        dominates = (n > owners + 0.01) & (t > house + 0.01)
        assert not dominates.any(), (p, n, t)
        if n_min >= 0 and t_min >= 0:
            feasible += 1
            best = tradeoff.best_households_eur(result, design.options.target, n)
            assert t <= best + 0.01, (p, n, t, best)
    assert feasible >= 3


def test_two_points_give_their_figures_in_a_full_run() -> None:
    design = paying_design()
    front = design.tradeoff.points
    for i in (1, len(front) - 2):
        row = front.iloc[i]
        scenario = tradeoff.point_scenario(design.recommended, row.to_dict())
        r = run(scenario)
        keep = (r.participants["role"] != "common").to_numpy()
        assert float(r.accounts.stakeholders["npv_eur"].sum()) == pytest.approx(
            row["owners_npv_eur"], abs=0.01
        )
        money = r.money[keep]
        assert float(money["benefit_npv_eur"].sum()) == pytest.approx(
            row["households_npv_total_eur"], abs=0.01
        )
        assert float(money["benefit_eur"].sum()) == pytest.approx(
            row["households_benefit_total_eur"], abs=0.01
        )
        assert float(money["benefit_eur"].min()) == pytest.approx(
            row["households_benefit_min_eur"], abs=0.01
        )


def test_the_recommended_design_lies_on_the_curve() -> None:
    design = paying_design()
    rec, front = design.tradeoff.recommended, design.tradeoff.points
    r = design.recommended_result
    keep = (r.participants["role"] != "common").to_numpy()
    assert rec["owners_npv_eur"] == pytest.approx(
        float(r.accounts.stakeholders["npv_eur"].sum()), abs=0.01
    )
    assert rec["households_npv_total_eur"] == pytest.approx(
        float(r.money["benefit_npv_eur"].to_numpy()[keep].sum()), abs=0.01
    )
    # within the curve's span, and on it: no legal prices give households more at its NPV
    assert front["owners_npv_eur"].iloc[0] - 1.0 <= rec["owners_npv_eur"]
    assert rec["owners_npv_eur"] <= front["owners_npv_eur"].iloc[-1]
    assert rec["below_front_eur"] < 0.01
    assert rec["front_households_npv_total_eur"] == pytest.approx(
        rec["households_npv_total_eur"], abs=0.01
    )


def test_a_common_fee_of_zero_is_a_regime_of_its_own() -> None:
    """A fee above 0 makes the common connection's own use a supply that carries energy
    tax: the money jumps between 0 and the smallest fee, and the front is measured on
    each side (a model measured from 0 alone is off by the tax)."""
    result = paying_design().recommended_result
    step = joint.JOINT_STEPS["common"]
    zero, small, double = (np.array([0.0, c, 0.0, 0.0]) for c in (0.0, step, 2 * step))
    house = [totals(result, p)[2] for p in (zero, small, double)]
    jump = house[0] - house[1]
    slope = house[1] - house[2]
    assert jump > 100 * abs(slope)  # the tax, not the fee
    front = tradeoff.price_front(result, paying_design().options.target)
    assert front["linear_error_eur"].max() < 0.01


def test_design_json_and_the_text_carry_the_curve() -> None:
    design = paying_design()
    data = summary_dict(design)["tradeoff"]
    assert len(data["points"]) == len(design.tradeoff.points)
    assert set(tradeoff.POINT_COLUMNS) <= set(data["points"][0])
    assert data["recommended"]["households_npv_total_eur"] > 0
    lines = recommendation_lines(design)
    start = next(i for i, line in enumerate(lines) if line.startswith("Owners against"))
    assert lines[start + 1].startswith("  point 1: owners' NPV EUR")
    assert "each EUR 1 more for the owners costs households EUR" in lines[start]


def test_no_legal_prices_that_pay_no_curve() -> None:
    base = run(hourly(WALKUP))
    trade = tradeoff.tradeoff(base, DesignOptions().target)
    assert trade.points.empty
    assert "no legal prices pay" in trade.message
    assert "below_front_eur" not in trade.recommended
    with pytest.raises(ValueError, match="at least 2 points"):
        tradeoff.price_front(base, DesignOptions().target, points=1)
