"""No cliffs where the physics is smooth: rounding in the battery's dispatch, the date of a
battery's replacement and its residual value at the end of the lifetime."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from energysim.config.scenario import Scenario, load_scenario, scenario_from_dict, scenario_to_toml
from energysim.design.cliffs import battery_cliffs
from energysim.design.members import with_members
from energysim.design.plan import DesignOptions, recommend
from energysim.design.report import _owners as owners_figures
from energysim.design.sizing import scale_roof
from energysim.inputs.context import RunInputs
from energysim.money.batteries import battery_costs
from energysim.results.result import Result
from energysim.results.tables import summary
from energysim.sharing.battery import BatterySpec, battery_life, dispatch
from energysim.simulate import run

RENOVATED = Path(__file__).resolve().parents[1] / "scenarios" / "galerijflat-na-renovatie.toml"
pytestmark = pytest.mark.slow  # a year with a battery run again and again, and a design


@pytest.fixture(scope="module")
def renovated() -> tuple[Scenario, Result, RunInputs]:
    scenario = load_scenario(RENOVATED)
    base = run(scenario)
    return scenario, base, RunInputs.of(base)


def owners_npv(result: Result) -> float:
    return float(result.accounts.stakeholders["npv_eur"].sum())


def test_a_rounding_remainder_in_the_charge_room_does_not_stop_the_discharge() -> None:
    spec = BatterySpec(10.0, 5.0, 5.0, 0.81, 0.1, 0.9, 0.1)
    room_d = np.array([0.0, 3.0, 3.0])
    clean = dispatch(spec, np.array([5.0, 0.0, 0.0]), room_d, 1.0)
    # what a waterfall leaves where the tiers took everything: G - sum(a), an ulp or so
    noisy = dispatch(spec, np.array([5.0, 8.9e-16, 0.0]), room_d, 1.0)
    assert clean.discharge_kwh[1] > 0.0
    np.testing.assert_array_equal(noisy.discharge_kwh, clean.discharge_kwh)
    # a real surplus still comes first: the battery charges and does not discharge
    real = dispatch(spec, np.array([5.0, 0.5, 0.0]), room_d, 1.0)
    assert real.discharge_kwh[1] == 0.0 and real.charge_kwh[1] > 0.0


@pytest.mark.parametrize("factor", [1.0, 1.75])
def test_owners_npv_and_export_are_continuous_in_the_capacity(renovated, factor) -> None:
    scenario, _, inputs = renovated
    results = [
        run(scale_roof(scenario, f), inputs=inputs.scaled(f))
        for f in (factor, factor * (1.0 + 1e-9))
    ]
    # smooth: the NPV moves by its derivative (a few EUR 100,000 per unit factor) times
    # 1e-9, well under a cent; export likewise. Before, ties in the dispatch moved tens
    # of EUR and kWh.
    assert abs(owners_npv(results[1]) - owners_npv(results[0])) < 0.01
    export = [float(r.export_kwh.to_numpy().sum()) for r in results]
    assert abs(export[1] - export[0]) < 1e-3
    charge = [float(r.storage.batteries[0].flows.discharge_kwh.sum()) for r in results]
    assert abs(charge[1] - charge[0]) < 1e-3


def _with_fade(scenario: Scenario, fade_frac_per_cycle: float) -> Scenario:
    data = scenario.model_dump(mode="json", exclude_none=True)
    data["buildings"][0]["battery"]["fade_frac_per_cycle"] = fade_frac_per_cycle
    return scenario_from_dict(data)


@pytest.mark.parametrize("years", [25, 24])
def test_the_owners_npv_has_no_jump_where_the_replacement_changes_year(renovated, years) -> None:
    """The fade at which the battery lives exactly ``years`` years, and 1e-6 either side:
    at 25 (the lifetime) the replacement drops out, at 24 it moves a year."""
    scenario, base, inputs = renovated
    b = base.storage.batteries[0]
    f = b.figures
    rate = (1.0 - f.end_of_life_frac) / b.life.life_yr
    # the cycles that set the life come from the first pass at the nominal capacity,
    # which the fade does not change
    cycles = (rate - f.calendar_fade_frac_per_yr) / f.fade_frac_per_cycle
    at = ((1.0 - f.end_of_life_frac) / years - f.calendar_fade_frac_per_yr) / cycles
    below, above = (run(_with_fade(scenario, at * x), inputs=inputs) for x in (1 - 1e-6, 1 + 1e-6))
    lives = [r.storage.batteries[0].life for r in (below, above)]
    assert lives[0].life_yr > years > lives[1].life_yr
    assert lives[0].replacement_years != lives[1].replacement_years  # the discrete effect
    battery_eur = f.capex_eur_per_kwh * f.capacity_kwh
    # ... without a cliff: the NPV moves by far less than a thousandth of the battery
    assert abs(owners_npv(above) - owners_npv(below)) < 1e-3 * battery_eur


def test_the_residual_value_by_hand() -> None:
    # calendar fade only, 2.5%/yr to 74%: a life of 0.26 / 0.025 = 10.4 years; over 25
    # years replaced at 10.4 and 20.8, the last one 4.2 years old at the end
    life = battery_life(0.0, 0.0, 0.025, 0.74, 25)
    assert life.life_yr == pytest.approx(10.4)
    assert life.replacement_times_yr == pytest.approx((10.4, 20.8))
    assert life.replacement_years == [11, 21]
    assert life.residual_frac == pytest.approx(1 - 4.2 / 10.4)
    # each replacement split between the cash-flow years around its date
    weights = life.replacement_weights()
    expected = np.zeros(25)
    expected[[9, 10, 19, 20]] = [0.6, 0.4, 0.2, 0.8]
    np.testing.assert_allclose(weights, expected, atol=1e-12)
    # mean state of health: segments of 10.4, 10.4 and 4.2 years of 1 - 0.025 a
    mean = (2 * (10.4 - 0.025 * 10.4**2 / 2) + (4.2 - 0.025 * 4.2**2 / 2)) / 25
    assert life.mean_soh_frac == pytest.approx(mean)
    figures = SimpleNamespace(
        capex_eur_per_kwh=500.0, replacement_eur_per_kwh=400.0, opex_eur_per_kwh_per_yr=5.0
    )
    battery = SimpleNamespace(figures=figures, nominal_capacity_kwh=100.0, life=life)
    capex, opex, replacement, residual = battery_costs(battery, 25)  # type: ignore[arg-type]
    assert (capex, opex) == (50_000.0, 500.0)
    np.testing.assert_allclose(replacement, 40_000.0 * expected, atol=1e-6)
    # the second replacement (EUR 40,000) has 6.2 of its 10.4 years left: EUR 23,846.15
    assert residual == pytest.approx(23_846.15, abs=0.01)
    # never replaced: the first battery's capex, depreciated the same way
    once = battery_life(0.0, 0.0, 0.01, 0.6, 25)  # 40 years: 25 used, 15 left
    battery = SimpleNamespace(figures=figures, nominal_capacity_kwh=100.0, life=once)
    assert battery_costs(battery, 25)[3] == pytest.approx(50_000.0 * 15 / 40)  # type: ignore[arg-type]


def test_members_owners_npv_has_no_jump_where_the_replacement_drops_out(renovated) -> None:
    """More members use the battery less: somewhere between 48 and 66 members its life
    passes the lifetime and the replacement drops out; the owners' NPV keeps its pace."""
    scenario, _, _ = renovated

    def at(count: int) -> tuple[float, bool]:
        r = run(with_members(scenario, count))
        return owners_npv(r), bool(r.storage.batteries[0].life.replacement_times_yr)

    low, high = 48, 66
    (npv_low, replaced_low), (npv_high, replaced_high) = at(low), at(high)
    assert replaced_low and not replaced_high
    pace = abs(npv_high - npv_low) / (high - low)  # EUR per member on average
    while high - low > 1:
        mid = (low + high) // 2
        npv_mid, replaced = at(mid)
        low, high, npv_low, npv_high = (
            (mid, high, npv_mid, npv_high) if replaced else (low, mid, npv_low, npv_mid)
        )
    # one member more, and no new battery: a step of the usual size, not a battery's worth
    battery_eur = scenario.buildings[0].battery.capex_eur_per_kwh * 150.0
    assert abs(npv_high - npv_low) < 3.0 * pace < 0.05 * battery_eur


def test_the_recommended_design_written_and_run_again_gives_its_figures(
    renovated, tmp_path: Path
) -> None:
    """A recommended design at another size: its TOML read back and run from scratch
    (pvlib generation of the scaled roof) gives the figures design.json reports."""
    scenario, base, inputs = renovated
    out, final, _, _, _ = recommend(scenario, base, inputs, DesignOptions(), 1.75)
    path = tmp_path / "scenario.recommended.toml"
    path.write_text(scenario_to_toml(out), encoding="utf-8")
    again = run(load_scenario(path))
    for key, value in owners_figures(final).items():
        assert owners_figures(again)[key] == pytest.approx(value, abs=0.005), key
    for a, b in zip(summary(final)["stakeholders"], summary(again)["stakeholders"], strict=True):
        assert a["npv_eur"] == pytest.approx(b["npv_eur"], abs=0.005)
    np.testing.assert_allclose(
        again.money["benefit_eur"].to_numpy(), final.money["benefit_eur"].to_numpy(), atol=0.005
    )


def test_design_json_names_the_battery_replacement_the_advice_hinges_on(renovated) -> None:
    _, base, _ = renovated
    cliffs = battery_cliffs(base)
    (cliff,) = cliffs
    life = base.storage.batteries[0].life
    assert cliff["replacement_years"] == life.replacement_years == [23]
    # the net present cost by hand: the replacement's share in years 22 and 23, less the
    # residual value in year 25, indexed and discounted as the owners' cash flows
    fin = base.scenario.finance
    f = base.storage.batteries[0].figures
    cost = f.capex_eur_per_kwh * f.capacity_kwh  # no replacement price: the capex
    t = life.replacement_times_yr[0]
    i, r = fin.price_indexation_frac_per_yr, fin.discount_rate_frac
    lo = int(t)
    pv = cost * (1 - (t - lo)) * (1 + i) ** (lo - 1) / (1 + r) ** lo + cost * (t - lo) * (
        1 + i
    ) ** lo / (1 + r) ** (lo + 1)
    residual = cost * (1 - (25 - t) / life.life_yr) * (1 + i) ** 24 / (1 + r) ** 25
    assert cliff["net_present_cost_eur"] == pytest.approx(pv - residual, rel=1e-9)
    assert "hinges" in cliff["words"] and "year(s) 23 of 25" in cliff["words"]
    flows = base.accounts.cashflows
    assert flows.groupby("year")["residual_value_eur"].sum().loc[25] == pytest.approx(
        cost * (1 - (25 - t) / life.life_yr) * (1 + i) ** 24
    )
