"""The dashboard's Routes page shows energysim routes: its figures are run_routes's.

The session starts with the default example (rotterdam-galerijflat, rules of 2027): the
SCE is closed and the postcoderoos is for existing schemes, so four routes apply (the
scenario as given, energy sharing, strings per dwelling, the common connection).
"""

from __future__ import annotations

import pytest

from dashboards.routes.state import route_label
from dashboards.shared import state
from energysim.batch.route_law import ROUTES
from energysim.batch.routes import run_routes
from energysim.config.scenario import scenario_from_dict
from tests.test_dashboard import (
    T,
    assert_no_traceback,
    chart,
    example_dict,
    goto,
    parse_number,
    start,
    values,
)


def test_the_routes_page_shows_energysim_routes_of_the_scenario() -> None:
    at = start()
    goto(at, "routes")
    assert_no_traceback(at)
    scenario = scenario_from_dict(
        example_dict("rotterdam-galerijflat"), base_dir=state.SCENARIO_DIR
    )
    table = run_routes(scenario).table.set_index("route")
    applying = [r for r in ROUTES if table.loc[r, "applies"]]
    assert applying == ["as_given", "sharing", "per_dwelling", "common"]

    # the chart: per role, the median household of each route that reaches it, with the
    # whisker from p10 to p90
    traces = {trace["name"]: trace for trace in chart(at, "chart_routes")["data"]}
    assert list(traces) == [T("role_plural.tenant"), T("role_plural.member")]
    tenants = traces[T("role_plural.tenant")]
    assert values(tenants["x"]) == [route_label(r) for r in applying]
    assert values(tenants["y"]) == pytest.approx(list(table.loc[applying, "tenant_median_eur"]))
    below = values(tenants["error_y"]["arrayminus"])
    assert below == pytest.approx(
        list(table.loc[applying, "tenant_median_eur"] - table.loc[applying, "tenant_p10_eur"])
    )
    # strings per dwelling and the common connection reach no member
    members = traces[T("role_plural.member")]
    assert values(members["x"]) == [route_label(r) for r in ("as_given", "sharing")]

    # the table: one column per route, each figure the library's, rounded to the euro
    shown = at.table[0].value
    assert list(shown.columns) == [route_label(r) for r in ROUTES]
    median = shown.loc[T("col.tenant_median_eur")]
    for route in ROUTES:
        cell = median[route_label(route)]
        if route in applying:
            assert parse_number(cell) == pytest.approx(
                table.loc[route, "tenant_median_eur"], abs=0.5
            )
        else:
            assert cell == "–"
    owner = T("col.npv_eur_owner", owner="Woonstad Rotterdam")
    assert parse_number(shown.loc[owner, route_label("sharing")]) == pytest.approx(
        table.loc["sharing", "npv_eur[Woonstad Rotterdam]"], abs=0.5
    )
    assert shown.loc[T("routes.col.applies"), route_label("sce")] == T("common.no")

    # why the SCE cannot apply, in Dutch, and what the law asks of each route
    infos = [str(i.value) for i in at.info]
    sce = T("msg.route_sce_closed", year=2027)
    assert T("routes.why_not", route="SCE", reasons=sce) in infos
    assert [e.label for e in at.expander][-len(ROUTES) :] == [
        f"{route_label(r)}: {T('routes.applies' if r in applying else 'routes.cannot_apply')}"
        for r in ROUTES
    ]
    words = " ".join(str(m.value) for m in at.markdown)
    assert T("routes.req.sharing_one_supplier") in words
    assert T("routes.req.sce_members") in words
