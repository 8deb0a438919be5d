"""The Design page's pictures, with plotly (as the other pages'), from the library's design.

Plain functions from a :class:`dashboards.design.state.DesignView` to figures, testable
without a browser. Labels come from the catalogue (current language); legends sit under
the plot; numbers use the language's separators.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboards.design import state as ds
from dashboards.shared import i18n
from dashboards.shared.i18n import t
from energysim.design.prices import LEVER_UNITS

SUBPLOT_TITLE_CHARS = 40
"""A half-width chart's title is broken into lines of at most this many characters (at
1366 px a longer line runs past its half: "Voordeel van het huishouden met het minste
voordeel over de looptijd")."""


def wrapped(title: str) -> str:
    """A subplot title broken into lines that fit half a chart."""
    return "<br>".join(textwrap.wrap(title, SUBPLOT_TITLE_CHARS))


BAND = "#11a579"
"""The range where everybody gains."""
MARK = "#222222"
SERIES = {
    "owners_npv_eur": "#7f3c8d",
    "benefit_npv_total_eur": "#11a579",
    "criterion_eur": "#3969ac",
    "total_net_benefit_eur": "#f2b701",
    "households_npv_eur": "#11a579",
    "self_consumption_frac": "#3969ac",
    "export_frac": "#80878f",
}


TITLED_TOP_PX = 80
"""Top margin of a chart with two-line subplot titles: the titles sit under plotly's
toolbar (camera, full screen) at the chart's top right instead of behind it."""


def layout(fig: go.Figure, height: int, top: int = 40) -> go.Figure:
    """Legend under the plot, the language's number separators, room for titles
    (``top``: the top margin [px])."""
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": top, "b": 10},
        # far enough under the plot to clear the tick labels and the axis titles
        legend={"orientation": "h", "yanchor": "top", "y": -0.3, "x": 0, "title": None},
        separators=",." if i18n.language() == "nl" else ".,",
        font={"size": 13},
    )
    fig.update_annotations(font={"size": 14})
    return fig


def _euro_axis() -> dict[str, str]:
    return {"tickprefix": "€ " if i18n.language() == "nl" else "€", "tickformat": ",.0f"}


def _mark(fig: go.Figure, x: float, words: str, col: int, side: str = "right") -> None:
    """A dashed line at ``x`` in panel ``col`` with its words at the top, on the line's
    ``side`` ("right" or "left"): two marks close together put their words on their
    outer sides, so that they do not run into each other."""
    fig.add_vline(x=x, line={"color": MARK, "width": 1, "dash": "dash"}, row=1, col=col)
    fig.add_annotation(
        x=x,
        y=1,
        xref=f"x{col if col > 1 else ''}",
        yref=f"y{col if col > 1 else ''} domain",
        text=words,
        showarrow=False,
        xanchor="left" if side == "right" else "right",
        yanchor="top",
        xshift=3 if side == "right" else -3,
        bgcolor="rgba(255,255,255,0.85)",
    )


def mark_sides(marks: dict[str, float | None]) -> dict[str, str]:
    """Which side of its line each mark's words go: the leftmost mark's to the left, the
    others' to the right (two marks: the words point away from each other)."""
    shown = {k: x for k, x in marks.items() if x is not None and math.isfinite(x)}
    if len(shown) < 2:
        return dict.fromkeys(shown, "right")
    leftmost = min(shown, key=lambda k: shown[k])
    return {k: "left" if k == leftmost else "right" for k in shown}


def _line(
    fig: go.Figure, x: Any, y: Any, name: str, color: str, hover: str, col: int, dash: str = "solid"
) -> None:
    """One series as a line with markers in panel ``col``; ``hover`` is plotly's template
    of a point (the series' name is added)."""
    fig.add_trace(
        go.Scatter(
            x=x,
            y=y,
            name=name,
            mode="lines+markers",
            line={"color": color, "width": 2, "dash": dash},
            hovertemplate=f"{hover}<extra>{name}</extra>",
        ),
        row=1,
        col=col,
    )


def price_curves(view: ds.DesignView, lever: str, who: str) -> go.Figure:
    """Along a lever's price: the owners' NPV and households' lifetime benefit (left),
    the watched household's lifetime benefit (right); the range where everybody gains
    shaded, break-even and top marked."""
    curve = view.price_curves[view.price_curves["lever"] == lever]
    r = next(r for r in view.prices if r.lever == lever)
    per_kwh = LEVER_UNITS[lever] == "EUR/kWh"
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=[
            wrapped(t("design.chart.money_title")),
            wrapped(t("design.chart.watched_title", who=who)),
        ],
        horizontal_spacing=0.1,
    )
    price_format = ",.4f" if per_kwh else ",.2f"
    lines = [
        ("owners_npv_eur", t("design.series.owners_npv"), 1),
        ("benefit_npv_total_eur", t("design.series.households_npv"), 1),
        ("criterion_eur", t("design.series.watched", who=who), 2),
    ]
    hover = f"%{{x:{price_format}}}: € %{{y:,.0f}}"
    for column, name, col in lines:
        _line(fig, curve["price"], curve[column], name, SERIES[column], hover, col)
    for col in (1, 2):
        fig.add_hline(y=0, line={"color": "#80878f", "width": 1}, row=1, col=col)
        if r.feasible and r.break_even is not None and r.top is not None and math.isfinite(r.top):
            fig.add_vrect(
                x0=r.break_even,
                x1=r.top,
                fillcolor=BAND,
                opacity=0.15,
                line_width=0,
                row=1,
                col=col,
            )
        sides = mark_sides({"break_even": r.break_even, "top": r.top})
        for name, side in sides.items():
            x = r.break_even if name == "break_even" else r.top
            assert x is not None
            _mark(fig, x, t(f"design.mark.{name}"), col, side)
    fig.update_xaxes(
        title_text=t("design.axis.price_kwh" if per_kwh else "design.axis.price_yr"),
        tickformat=",.2f" if per_kwh else ",.0f",
    )
    fig.update_yaxes(**_euro_axis())
    fig.update_yaxes(title_text=t("design.axis.lifetime_eur"), row=1, col=1)
    return layout(fig, 420 + TITLED_TOP_PX - 40, top=TITLED_TOP_PX)


def size_curves(view: ds.DesignView) -> go.Figure:
    """Along the roof's size: lifetime money (left), self-consumption and the share fed
    in (right); the recommended size marked."""
    curve = view.sizes_curve
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=[
            wrapped(t("design.chart.size_money_title")),
            wrapped(t("design.chart.size_energy_title")),
        ],
        horizontal_spacing=0.1,
    )
    money = [
        ("total_net_benefit_eur", t("design.series.total_net")),
        ("households_npv_eur", t("design.series.households_npv")),
        ("owners_npv_eur", t("design.series.owners_npv")),
    ]
    x = curve["capacity_kwp"]
    for column, name in money:
        hover = "%{x:,.1f} kWp: € %{y:,.0f}"
        _line(fig, x, curve[column], name, SERIES[column], hover, 1)
    for column, key in (("self_consumption_frac", "self_consumption"), ("export_frac", "export")):
        hover = "%{x:,.1f} kWp: %{y:,.1f}%"
        name = t(f"design.series.{key}")
        _line(fig, x, curve[column] * 100, name, SERIES[column], hover, 2, dash="dot")
    fig.add_hline(y=0, line={"color": "#80878f", "width": 1}, row=1, col=1)
    if view.recommended_factor is not None:
        best = curve[(curve["factor"] - view.recommended_factor).abs() < 1e-9]
        for col in (1, 2):
            _mark(fig, float(best["capacity_kwp"].iloc[0]), t("design.mark.recommended"), col)
    # the unit on the ticks, not in an axis title the legend under the plot would cover
    fig.update_xaxes(tickformat=",.0f", ticksuffix=" kWp")
    fig.update_yaxes(**_euro_axis(), row=1, col=1)
    fig.update_yaxes(title_text=t("design.axis.lifetime_eur"), row=1, col=1)
    fig.update_yaxes(ticksuffix="%", range=[0, 100], row=1, col=2)
    return layout(fig, 400 + TITLED_TOP_PX - 40, top=TITLED_TOP_PX)
