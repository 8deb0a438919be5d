"""The look every chart of the dashboard shares, with plotly.

Colours, plotly's options for ``st.plotly_chart``, the layout (title, height, margins,
legend under the plot so it is never cut off on a 1366-pixel screen, the language's
number separators), subplot grids and month names. The pages' own figures are in their
folders (``results/charts.py``, ...): plain functions from tables to figures, testable
without a browser.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
from babel.dates import get_month_names

from dashboards.shared import formatting as fmt
from dashboards.shared import i18n

COLORS = {
    "roof": "#f2b701",
    "own_strings": "#e68310",
    "common": "#7f3c8d",
    "tenants": "#11a579",
    "members": "#3969ac",
    "grid": "#80878f",
    "battery_losses": "#cf1c90",
    "generation": "#f2b701",
    "export": "#80878f",
    "tenant": "#11a579",
    "member": "#3969ac",
}
PALETTE = ["#3969ac", "#f2b701", "#11a579", "#e73f74", "#7f3c8d", "#80878f"]
CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": [
        "zoom2d",
        "pan2d",
        "select2d",
        "lasso2d",
        "zoomIn2d",
        "zoomOut2d",
        "autoScale2d",
        "resetScale2d",
    ],
}
"""plotly's options for st.plotly_chart: no logo, no selection tools."""


def layout_spec(title: str, height: int = 380, legend: bool = True) -> dict[str, Any]:
    """The layout every chart shares: title, height, margins, legend under the plot."""
    return {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0, "title": None},
        "showlegend": legend,
        "separators": ",." if i18n.language() == "nl" else ".,",
        "font": {"size": 13},
    }


def apply_layout(fig: go.Figure, title: str, height: int = 380, legend: bool = True) -> go.Figure:
    """A figure built call by call, with the layout every chart shares."""
    fig.update_layout(layout_spec(title, height, legend))
    return fig


def figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    """A figure from plain trace and layout specs, validated by plotly once.

    The Results page's charts are built this way rather than call by call
    (``add_trace``, ``update_layout``, ``add_vrect`` ...): the same figure, but plotly
    resolves and validates each call's properties again, which took most of a second
    of every Results page after a change (benchmarks/dashboard.py).
    """
    return go.Figure({"data": data, "layout": layout})


def axis(kind: str, n: int) -> str:
    """The name of subplot ``n``'s axis in a trace or shape (``x``, ``x2``, ...)."""
    return kind if n == 1 else f"{kind}{n}"


@functools.lru_cache(maxsize=32)
def _grid_layout(
    rows: int,
    cols: int,
    titles: tuple[str, ...],
    spacing: tuple[float, float],
    shared: tuple[bool, bool],
) -> dict[str, Any]:
    """The axes and subplot titles of plotly's ``make_subplots`` grid (row by row), as a
    layout spec: the same for every run, so made once per grid and language."""
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=list(titles),
        shared_xaxes=shared[0],
        shared_yaxes=shared[1],
        vertical_spacing=spacing[0],
        horizontal_spacing=spacing[1],
    )
    spec = fig.layout.to_plotly_json()
    spec.pop("template", None)  # the figure made from the spec gets plotly's default again
    return spec


def grid(
    rows: int,
    cols: int,
    titles: Sequence[str],
    spacing: tuple[float, float],
    shared: tuple[bool, bool],
) -> dict[str, Any]:
    """A fresh copy of :func:`_grid_layout` (the caller adds to it)."""
    return copy.deepcopy(_grid_layout(rows, cols, tuple(titles), spacing, shared))


def month_names(lang: str | None = None) -> list[str]:
    """January to December, abbreviated, in the language (jan, feb, ... / Jan, Feb, ...)."""
    locale = fmt.LOCALES[lang or i18n.language()]
    names = get_month_names("abbreviated", locale=locale)
    return [str(names[m]).rstrip(".") for m in range(1, 13)]
