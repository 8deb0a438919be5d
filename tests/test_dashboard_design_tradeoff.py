"""The Design page's trade-off tab through streamlit's AppTest: it shows the library's
curve (energysim/design/tradeoff.py), the point the user picks with its prices and
figures, and "apply this point" makes the session run the recommended design at that
point's prices."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from dashboards.design import state as ds
from dashboards.design import tradeoff as tab
from dashboards.design import view as page_design
from dashboards.design import words
from dashboards.shared import formatting as fmt
from dashboards.shared.i18n import t
from energysim.config.scenario import Scenario, scenario_from_dict
from energysim.design.joint import JOINT_FIELDS, JOINT_LEVERS
from energysim.design.plan import Design, design_scenario
from energysim.design.prices import LEVER_UNITS
from energysim.design.tradeoff import point_scenario
from tests.test_dashboard_design import goto, metrics, start

SMALL = replace(ds.QUICK, size_factors=(0.5,), curve_points=2)
"""One size (half the default example's roof, where legal prices pay): a design in
seconds instead of the quick design's four sizes."""


@pytest.fixture
def designs(monkeypatch: pytest.MonkeyPatch) -> list[Design]:
    """The designs the page computes, each with :data:`SMALL` options."""
    made: list[Design] = []

    def small(scenario: Scenario, options: Any, progress: Any = None) -> Design:
        design = design_scenario(scenario, replace(SMALL, lever=options.lever), progress)
        made.append(design)
        return design

    monkeypatch.setattr(ds, "design_scenario", small)
    page_design._kept.clear()
    return made


def test_the_tradeoff_tab_shows_the_curve_and_applies_a_point(designs: list[Design]) -> None:
    at = goto(start("rotterdam-galerijflat"), "design")
    assert not at.exception and not at.error, [e.value for e in at.error]
    (design,) = designs
    assert design.tradeoff is not None
    front = design.tradeoff.points
    assert len(front) > 2
    slider = at.select_slider(key="design_tradeoff_point")
    assert list(slider.options) == [
        t("design.tradeoff.point", n=i + 1, owners=fmt.eur(v))
        for i, v in enumerate(front["owners_npv_eur"])
    ]
    middle = len(front) // 2
    slider.set_value(middle).run()
    assert not at.exception
    row = front.iloc[middle]
    shown = metrics(at)
    assert shown[t("design.tradeoff.owners")] == fmt.eur(row["owners_npv_eur"])
    assert shown[t("design.tradeoff.households")] == fmt.eur(row["households_npv_total_eur"])
    assert shown[t("design.tradeoff.year1")] == fmt.eur(row["households_benefit_total_eur"])
    assert shown[t("design.tradeoff.worst")] == fmt.eur(
        row["households_benefit_min_eur"], cents=True
    )
    prices = next(m.value for m in at.markdown if t("design.tradeoff.lever.panel_fee") in m.value)
    for lv in JOINT_LEVERS:
        assert words.price(float(row[JOINT_FIELDS[lv]]), LEVER_UNITS[lv]) in prices
    # the chart: the curve, the chosen point and the recommended design
    view = ds.view_of(design, full=False)
    fig = tab.chart(view, middle)
    curve, chosen, recommended = fig.data  # the recommended design drawn on top
    assert list(curve.x) == list(front["owners_npv_eur"])
    assert list(curve.y) == list(front["households_npv_total_eur"])
    assert recommended.x[0] == pytest.approx(design.tradeoff.recommended["owners_npv_eur"])
    assert (chosen.x[0], chosen.y[0]) == (curve.x[middle], curve.y[middle])

    # apply: the session runs the recommended design at this point's prices
    at.button(key="design_tradeoff_apply").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    source = at.session_state["source"]
    applied = scenario_from_dict(
        at.session_state["scenario"], base_dir=source.base_dir, source=source.name
    )
    assert applied == point_scenario(design.recommended, row.to_dict())
    prefix = t("design.applied", title="\0").split("\0")[0]
    assert at.success[0].value.startswith(prefix)
    said = "\n".join(m.value for m in at.markdown)
    assert t("design.tradeoff.point", n=middle + 1, owners=fmt.eur(row["owners_npv_eur"])) in said
