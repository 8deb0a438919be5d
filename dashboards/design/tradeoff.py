"""The Design page's trade-off tab: the owners' NPV against the households' benefit.

The curve is the library's (:mod:`energysim.design.tradeoff`, ``design.json``
``tradeoff``): for each owners' NPV from break-even to the most legal prices allow, the
legal prices that leave the households the most. The user picks a point and sees its
prices and figures, and can download its scenario or apply it to the session's scenario
the way the recommended design is applied.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from dashboards.design import charts as design_charts
from dashboards.design import state as ds
from dashboards.design import words
from dashboards.shared import formatting as fmt
from dashboards.shared import i18n, session, state
from dashboards.shared.chart_style import CONFIG
from dashboards.shared.i18n import t
from energysim.config.scenario import Scenario, scenario_to_toml
from energysim.design.joint import JOINT_FIELDS, JOINT_LEVERS
from energysim.design.prices import LEVER_UNITS
from energysim.design.tradeoff import point_scenario

APPLIED = "design_applied"
"""Session key of the design last applied (the same as the page's, :mod:`.view`)."""
CURVE = "#11a579"
CHOSEN = "#7f3c8d"
RECOMMENDED = "#222222"


def points(view: ds.DesignView) -> list[dict[str, Any]]:
    """The curve's points as ``design.json`` holds them (none when no prices pay)."""
    data = view.figures.get("tradeoff") or {}
    return list(data.get("points") or [])


def scenario_of(view: ds.DesignView, index: int) -> Scenario:
    """The recommended design with the prices of point ``index``."""
    return point_scenario(view.recommended, points(view)[index])


def chart(view: ds.DesignView, chosen: int) -> go.Figure:
    """The curve, the chosen point and the recommended design."""
    pts = points(view)
    x = [p["owners_npv_eur"] for p in pts]
    y = [p["households_npv_total_eur"] for p in pts]
    hover = [
        t(
            "design.tradeoff.hover",
            n=p["point"],
            owners=fmt.eur(p["owners_npv_eur"]),
            households=fmt.eur(p["households_npv_total_eur"]),
            year1=fmt.eur(p["households_benefit_total_eur"]),
        )
        for p in pts
    ]
    fig = go.Figure()
    fig.add_scatter(
        x=x,
        y=y,
        mode="lines+markers",
        name=t("design.tradeoff.curve"),
        line={"color": CURVE, "width": 2},
        marker={"size": 8},
        hovertext=hover,
        hoverinfo="text",
    )
    fig.add_scatter(
        x=[x[chosen]],
        y=[y[chosen]],
        mode="markers",
        name=t("design.tradeoff.chosen"),
        marker={"color": CHOSEN, "size": 14, "symbol": "circle"},
        hovertext=[hover[chosen]],
        hoverinfo="text",
    )
    rec = (view.figures.get("tradeoff") or {}).get("recommended") or {}
    if "owners_npv_eur" in rec:
        fig.add_scatter(
            x=[rec["owners_npv_eur"]],
            y=[rec["households_npv_total_eur"]],
            mode="markers",
            name=t("design.tradeoff.recommended"),
            marker={
                "color": RECOMMENDED,
                "size": 13,
                "symbol": "diamond-open",
                "line": {"width": 2},
            },
            hoverinfo="name",
        )
    prefix = "€ " if i18n.language() == "nl" else "€"
    axis = {"tickprefix": prefix, "tickformat": ",.0f"}
    fig.update_xaxes(title=t("design.tradeoff.x"), **axis)
    fig.update_yaxes(title=t("design.tradeoff.y"), **axis)
    return design_charts.layout(fig, 420)


def _point_words(view: ds.DesignView, index: int) -> str:
    p = points(view)[index]
    return t("design.tradeoff.point", n=p["point"], owners=fmt.eur(p["owners_npv_eur"]))


def figures(point: dict[str, Any]) -> None:
    """The chosen point's four figures."""
    c = st.columns(4)
    c[0].metric(t("design.tradeoff.owners"), fmt.eur(point["owners_npv_eur"]))
    c[1].metric(t("design.tradeoff.households"), fmt.eur(point["households_npv_total_eur"]))
    c[2].metric(t("design.tradeoff.year1"), fmt.eur(point["households_benefit_total_eur"]))
    c[3].metric(
        t("design.tradeoff.worst"),
        fmt.eur(point["households_benefit_min_eur"], cents=True),
        help=t(
            "design.tradeoff.worst_help",
            lifetime=fmt.eur(point["households_npv_min_eur"], cents=True),
        ),
    )


def price_list(point: dict[str, Any]) -> list[str]:
    """The point's four prices in words."""
    return [
        t(
            "design.tradeoff.price",
            lever=t(f"design.tradeoff.lever.{lv}"),
            price=words.price(float(point[JOINT_FIELDS[lv]]), LEVER_UNITS[lv]),
        )
        for lv in JOINT_LEVERS
    ]


def apply_point(view: ds.DesignView, index: int) -> None:
    """on_click of "apply this point": the recommended design at the point's prices
    becomes the session's scenario (as :func:`dashboards.design.view.apply` does)."""
    scenario = scenario_of(view, index)
    src = session.source()

    def change(data: dict[str, Any]) -> dict[str, Any]:
        return ds.applied_data(data, scenario, src.base_dir, src.name)

    before = st.session_state["scenario"]
    session.edit(change, t("design.tradeoff.apply"), fresh=True)
    if st.session_state["scenario"] is not before:
        point = points(view)[index]
        lines = [_point_words(view, index), *price_list(point)]
        st.session_state[APPLIED] = {
            "to": state.scenario_key(scenario),
            "view": view,
            "lines": lines,
        }
        st.session_state.pop("design_again", None)


def tab(view: ds.DesignView) -> None:
    """The trade-off tab: the curve, a point to pick, its prices, figures and scenario."""
    pts = points(view)
    if not pts:
        st.info(t("design.tradeoff.none"), icon=":material/info:")
        return
    st.caption(t("design.tradeoff.intro"))
    index = st.select_slider(
        t("design.tradeoff.pick"),
        options=list(range(len(pts))),
        value=0,
        format_func=lambda i: _point_words(view, i),
        key="design_tradeoff_point",
        help=t("design.tradeoff.pick_help"),
    )
    st.plotly_chart(chart(view, index), config=CONFIG, key="design_chart_tradeoff")
    point = pts[index]
    figures(point)
    st.markdown("\n".join(f"- {line}" for line in price_list(point)))
    rec = (view.figures.get("tradeoff") or {}).get("recommended") or {}
    if rec.get("below_front_eur", 0.0) > 0.5:
        st.caption(t("design.tradeoff.below", gap=fmt.eur(rec["below_front_eur"])))
    else:
        st.caption(t("design.tradeoff.on_curve"))
    scenario = scenario_of(view, index)
    c = st.columns(2)
    c[0].download_button(
        t("design.tradeoff.download"),
        scenario_to_toml(scenario),
        file_name=f"{scenario.name}-point-{point['point']}.toml",
        mime="application/toml",
        key="design_tradeoff_download",
        icon=":material/download:",
    )
    c[1].button(
        t("design.tradeoff.apply"),
        on_click=apply_point,
        args=(view, index),
        key="design_tradeoff_apply",
        help=t("design.tradeoff.apply_help"),
        icon=":material/done_all:",
    )
