"""A roof and a connection that exist: the design's sizes fit the stated roof, a missing
roof area is asked for, and a size above a small connection pays its upgrade."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from helpers import minimal

from dashboards.shared import engine_words, i18n
from energysim.config.buildings import CONNECTION_UPGRADE_ESTIMATE_EUR
from energysim.config.scenario import scenario_from_dict
from energysim.design.prices import PriceTarget
from energysim.design.roof import fit_connection, roof_room
from energysim.design.sizing import size_curve
from energysim.money.accounts import SMALL_CONNECTION_MAX_KVA
from energysim.simulate import run

TARGET = PriceTarget()


def scenario_with(roof_area_m2: float | None = None, **array: float):
    data = minimal(year=2027)
    b = data["buildings"][0]
    if roof_area_m2 is not None:
        b["roof_area_m2"] = roof_area_m2
    b["arrays"][0].update(array)
    return scenario_from_dict(data)


def test_the_roof_room_by_hand() -> None:
    # 5 kWp at the default 0.15 kWp/m2 take 33.3 m2; 100 m2 x 0.7 = 70 m2 usable
    room = roof_room(scenario_with(100.0))
    assert room.max_factor == pytest.approx(70.0 / (5.0 / 0.15))
    assert room.rows[0]["usable_roof_m2"] == pytest.approx(70.0) and not room.notes
    # an array given by its area takes that area, whatever its packing
    by_area = scenario_with(100.0, capacity_kwp=None, area_m2=80.0, packing_kwp_per_m2=0.1)
    full = roof_room(by_area)
    assert full.max_factor == pytest.approx(70.0 / 80.0)
    assert [n.code for n in full.notes] == ["design_roof_full"]  # type: ignore[attr-defined]


def test_the_size_curve_never_proposes_more_than_the_usable_roof() -> None:
    scenario = scenario_with(60.0)  # 42 m2 usable: 1.26x the 33.3 m2 of today
    base = run(scenario)
    design = size_curve(base, "uniform", TARGET, (0.5, 1.0, 1.5, 2.0))
    cap = 42.0 / (5.0 / 0.15)
    np.testing.assert_allclose(design.curve["factor"], [0.5, 1.0, cap])
    assert (design.curve["roof_m2"] <= 42.0 + 1e-9).all()
    assert design.curve["roof_m2"].iloc[-1] == pytest.approx(42.0)
    if design.recommended_factor is not None:
        assert design.recommended_factor <= cap + 1e-12


def test_without_a_roof_area_the_design_stays_at_the_scenarios_size_and_asks() -> None:
    base = run(scenario_with(None))
    design = size_curve(base, "uniform", TARGET, (0.5, 1.5, 2.0))
    assert list(design.curve["factor"]) == [0.5, 1.0]  # nothing above the scenario's own
    (note,) = design.roof.notes
    assert note.code == "design_roof_area_missing"  # type: ignore[attr-defined]
    assert "roof_area_m2" in note and "does not give the roof's area" in note
    try:
        said = {}
        for lang in ("nl", "en"):
            i18n.set_language(lang)
            said[lang] = engine_words.say(note)
    finally:
        i18n.set_language("nl")
    assert "dakoppervlakte" in said["nl"] and "5 kWp" in said["nl"]
    assert "roof's area" in said["en"]


def test_a_size_above_a_small_connection_pays_the_upgrade_and_large_tariffs() -> None:
    # 60 kWp at DC/AC 1.0: 60 kW of inverters, above the 55.2 kVA of a small connection
    scenario = scenario_with(1000.0, capacity_kwp=60.0, dc_ac_ratio=1.0)
    fitted, notes = fit_connection(scenario)
    common = fitted.buildings[0].common
    assert common.connection == "large" and common.contracted_capacity_kw == 60.0
    assert common.connection_upgrade_eur == CONNECTION_UPGRADE_ESTIMATE_EUR
    assert [n.code for n in notes] == ["design_connection_large"]  # type: ignore[attr-defined]
    # below the limit nothing changes
    small = scenario_with(1000.0, capacity_kwp=40.0, dc_ac_ratio=1.0)
    assert fit_connection(small) == (small, [])
    assert 40.0 < SMALL_CONNECTION_MAX_KVA < 60.0

    upgraded = run(fitted)
    b1 = fitted.buildings[0]
    no_cost = b1.common.model_copy(update={"connection_upgrade_eur": 0.0})
    free = fitted.model_copy(update={"buildings": [b1.model_copy(update={"common": no_cost})]})
    without = run(free)
    a, b = upgraded.accounts.stakeholders, without.accounts.stakeholders
    # the upgrade is capex in year 0: the owners' NPV falls by exactly what they pay for it
    paid = float(a["capex_eur"].sum() - b["capex_eur"].sum())
    assert paid >= CONNECTION_UPGRADE_ESTIMATE_EUR - 1e-6
    assert float(b["npv_eur"].sum() - a["npv_eur"].sum()) == pytest.approx(paid, abs=1e-6)
    # and it is named among the run's estimates, with the large connection's tariffs
    figures = {rec["figure"] for rec in upgraded.accounts.assumptions}
    assert "B1.connection_upgrade_eur" in figures
    assert "B1.connection_upgrade_eur" not in {r["figure"] for r in without.accounts.assumptions}
    # the large connection's network tariff (no operator named: the large operators' mean)
    assert any(f.startswith("large_network_") for f in figures)
    assert not any(
        r["figure"].startswith("large_network_") for r in run(scenario).accounts.assumptions
    )


def test_the_size_curve_evaluates_a_size_above_a_small_connection_as_large() -> None:
    scenario = scenario_with(1000.0, capacity_kwp=40.0, dc_ac_ratio=1.0)
    design = size_curve(run(scenario), "uniform", TARGET, (1.0, 1.5))
    small, large = design.curve.iloc[0], design.curve.iloc[1]
    assert small["large_connections"] == 0 and small["connection_upgrade_eur"] == 0.0
    assert large["large_connections"] == 1
    assert large["connection_upgrade_eur"] == CONNECTION_UPGRADE_ESTIMATE_EUR
    assert large["capex_eur"] == pytest.approx(
        60.0 * scenario.finance.capex_eur_per_kwp + CONNECTION_UPGRADE_ESTIMATE_EUR
    )


def test_the_advice_asks_for_a_missing_roof_area_in_words_and_on_the_page() -> None:
    from dashboards.design import state as ds
    from dashboards.design import words
    from energysim.design.plan import design_scenario
    from energysim.design.report import recommendation_lines

    options = replace(ds.QUICK, size_factors=(0.5, 1.5), curve_points=3)
    design = design_scenario(scenario_with(None), options)
    assert design.recommended.capacity_kwp <= 5.0 + 1e-9  # not above the scenario's size
    lines = recommendation_lines(design)
    assert any("does not give the roof's area" in line for line in lines)
    view = ds.view_of(design, full=False)
    try:
        for lang, word in (("nl", "dakoppervlakte"), ("en", "roof's area")):
            i18n.set_language(lang)
            (note,) = words.roof_notes(view)
            assert word in note
    finally:
        i18n.set_language("nl")


def test_a_roof_already_full_is_brought_within_its_usable_area() -> None:
    from dashboards.design import state as ds
    from energysim.design.plan import design_scenario

    # 40 m2 x 0.7 = 28 m2 usable, less than the 33.3 m2 today's 5 kWp take
    options = replace(ds.QUICK, size_factors=(1.0, 1.5), curve_points=3)
    design = design_scenario(scenario_with(40.0), options)
    (b,) = design.recommended.buildings
    assert b.arrays_roof_m2 == pytest.approx(28.0)  # paying or not, it fits
    assert [n.code for n in design.sizes.roof.notes] == ["design_roof_full"]  # type: ignore[attr-defined]
