"""The dashboard's pictures, built with plotly from the library's numbers.

Plain functions from tables to figures, testable without a browser: the tests read the
figures back and compare them with energysim's own results. Labels come from the
catalogue (current language); legends sit under the plot, horizontally, so they are
never cut off on a 1366-pixel screen.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping, Sequence
from typing import Any

import formatting as fmt
import i18n
import pandas as pd
import plotly.graph_objects as go
from babel.dates import get_month_names
from i18n import t

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
TARGET_COLOR = "#c0392b"
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


def _layout_spec(title: str, height: int = 380, legend: bool = True) -> dict[str, Any]:
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


def _layout(fig: go.Figure, title: str, height: int = 380, legend: bool = True) -> go.Figure:
    fig.update_layout(_layout_spec(title, height, legend))
    return fig


def _figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    """A figure from plain trace and layout specs, validated by plotly once.

    The Results page's charts are built this way rather than call by call
    (``add_trace``, ``update_layout``, ``add_vrect`` ...): the same figure, but plotly
    resolves and validates each call's properties again, which took most of a second
    of every Results page after a change (benchmarks/dashboard.py).
    """
    return go.Figure({"data": data, "layout": layout})


def _axis(kind: str, n: int) -> str:
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


def _grid(
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


# --------------------------------------------------------------------------- results
def sankey(flows: pd.DataFrame) -> go.Figure:
    """The year's energy from the roof to where it went (flows of :func:`state.energy_flows`)."""
    nodes = list(dict.fromkeys([*flows["source"], *flows["target"]]))
    totals = {
        n: max(
            flows.loc[flows["source"] == n, "energy_kwh"].sum(),
            flows.loc[flows["target"] == n, "energy_kwh"].sum(),
        )
        for n in nodes
    }
    labels = [f"{t(f'flow.{n}')}<br>{fmt.kwh(totals[n])}" for n in nodes]
    link_colors = [COLORS[target] + "88" for target in flows["target"]]
    trace = {
        "type": "sankey",
        "arrangement": "snap",
        "textfont": {"color": "#1f1f1f", "size": 13, "shadow": "none"},
        "valueformat": ",.0f",
        "valuesuffix": " kWh",
        "node": {
            "label": labels,
            "color": [COLORS[n] for n in nodes],
            "pad": 34,  # two lines of 13 px text: labels of thin nodes do not overlap
            "thickness": 18,
            "line": {"width": 0},
        },
        "link": {
            "source": [nodes.index(s) for s in flows["source"]],
            "target": [nodes.index(x) for x in flows["target"]],
            "value": flows["energy_kwh"].tolist(),
            "color": link_colors,
            "customdata": [
                f"{t(f'flow.{a}')} → {t(f'flow.{b}')}"
                for a, b in zip(flows["source"], flows["target"], strict=True)
            ],
            "hovertemplate": "%{customdata}: %{value}<extra></extra>",
        },
    }
    return _figure([trace], _layout_spec(t("results.flows_title"), height=360, legend=False))


def typical_days(days: pd.DataFrame, seasons: Sequence[str]) -> go.Figure:
    """Mean kW by time of day, one panel per season in calendar order."""
    layout = _grid(2, 2, [t(f"season.{s}") for s in seasons], (0.12, 0.05), (True, True))
    series = {
        "generation_kw": ("generation", "solid"),
        "consumption_common_kw": ("common", "dot"),
        "consumption_tenants_kw": ("tenants", "dot"),
        "consumption_members_kw": ("members", "dot"),
    }
    traces = []
    for i, season in enumerate(seasons):
        part = days[days["season"] == season]
        for column, (color, dash) in series.items():
            traces.append(
                {
                    "type": "scatter",
                    "x": part["time_of_day_h"],
                    "y": part[column],
                    "name": t(f"col.{column}"),
                    "legendgroup": column,
                    "showlegend": i == 0,
                    "line": {"color": COLORS[color], "dash": dash, "width": 2},
                    "hovertemplate": "%{x:.2f} h: %{y:.1f} kW<extra></extra>",
                    "xaxis": _axis("x", i + 1),
                    "yaxis": _axis("y", i + 1),
                }
            )
    top = float(days[list(series)].to_numpy().max()) * 1.08 or 1.0
    for n in range(1, 5):
        layout[_axis("xaxis", n)].update(
            tickvals=[0, 6, 12, 18, 24], ticksuffix=":00", range=[0, 24]
        )
        layout[_axis("yaxis", n)]["range"] = [0, top]
    for n in (1, 3):  # the left column
        layout[_axis("yaxis", n)]["title"] = {"text": "kW"}
    layout.update(_layout_spec(t("results.days_title"), height=440))
    layout["legend"]["y"] = -0.12
    return _figure(traces, layout)


def months(monthly: pd.DataFrame) -> go.Figure:
    """Monthly kWh per destination, stacked, January to December."""
    names = month_names()
    traces = [
        {
            "type": "bar",
            "x": [names[m - 1] for m in monthly.index],
            "y": monthly[column],
            "name": t(f"col.{column}"),
            "marker": {"color": COLORS[color]},
            "hovertemplate": "%{x}: %{y:,.0f} kWh<extra></extra>",
        }
        for column, color in (
            ("allocated_common_kwh", "common"),
            ("allocated_tenants_kwh", "tenants"),
            ("allocated_members_kwh", "members"),
            ("export_kwh", "export"),
        )
    ]
    layout = {
        "barmode": "stack",
        "xaxis": {"categoryorder": "array", "categoryarray": names},
        "yaxis": {"title": {"text": "kWh"}, "tickformat": ",.0f"},
        **_layout_spec(t("results.months_title"), height=440),
    }
    layout["legend"]["y"] = -0.12
    return _figure(traces, layout)


def benefit_distribution(
    households: pd.DataFrame, stats: Mapping[str, Mapping[str, Any]]
) -> go.Figure:
    """Benefit per household, one panel per role: a histogram with the p10-p90 band
    shaded and the median marked (the figures of the run's summary)."""
    roles = [r for r in ("tenant", "member") if r in stats and (households["role"] == r).any()]
    layout = _grid(
        len(roles) or 1, 1, [t(f"role_plural.{r}") for r in roles], (0.16, 0.2), (True, False)
    )
    for title in layout.get("annotations", []):  # the panels' titles
        title.update(x=0, xanchor="left", font={"size": 14})
    traces, shapes = [], []
    for i, role in enumerate(roles, start=1):
        st_ = stats[role]
        x, y = _axis("x", i), _axis("y", i)
        traces.append(
            {
                "type": "histogram",
                "x": households.loc[households["role"] == role, "benefit_eur"],
                "nbinsx": 30,
                "marker": {"color": COLORS[role]},
                "name": t(f"role_plural.{role}"),
                "showlegend": False,
                "hovertemplate": t("results.hist_hover") + "<extra></extra>",
                "xaxis": x,
                "yaxis": y,
            }
        )
        on_panel = {"xref": x, "y0": 0, "y1": 1, "yref": f"{y} domain"}
        shapes.append(
            {
                "type": "rect",
                "x0": st_["p10_eur"],
                "x1": st_["p90_eur"],
                "fillcolor": COLORS[role],
                "opacity": 0.15,
                "line": {"width": 0},
                **on_panel,
            }
        )
        shapes.append(
            {
                "type": "line",
                "x0": st_["median_eur"],
                "x1": st_["median_eur"],
                "line": {"color": "#222", "width": 2},
                **on_panel,
            }
        )
        mark = {
            "showarrow": False,
            "xanchor": "left",
            "yanchor": "top",
            "xshift": 4,
            "bgcolor": "rgba(255,255,255,0.8)",
            "xref": x,
            "yref": f"{y} domain",
        }
        layout.setdefault("annotations", []).extend(
            [
                {
                    "x": st_["median_eur"],
                    "y": 1,
                    "text": t("results.median_mark", value=fmt.eur(st_["median_eur"])),
                    **mark,
                },
                {
                    "x": st_["p10_eur"],
                    "y": 0.78,
                    "text": t(
                        "results.band_mark",
                        low=fmt.eur(st_["p10_eur"]),
                        high=fmt.eur(st_["p90_eur"]),
                    ),
                    **mark,
                },
            ]
        )
        layout[_axis("yaxis", i)]["title"] = {"text": t("results.households_axis")}
    if shapes:
        layout["shapes"] = shapes
    layout[_axis("xaxis", len(roles) or 1)]["title"] = {"text": t("results.benefit_axis")}
    for n in range(1, (len(roles) or 1) + 1):
        layout[_axis("xaxis", n)]["tickprefix"] = "€ " if i18n.language() == "nl" else "€"
    layout.update(
        _layout_spec(t("results.distribution_title"), height=200 + 170 * len(roles), legend=False)
    )
    return _figure(traces, layout)


# --------------------------------------------------------------------------- compare
def role_benefits(means: pd.DataFrame) -> go.Figure:
    """Mean benefit per household per role (rows) for each variant (columns), grouped bars."""
    fig = go.Figure()
    for i, variant in enumerate(means.columns):
        fig.add_bar(
            x=[t(f"role_plural.{r}") for r in means.index],
            y=means[variant],
            name=str(variant),
            marker_color=PALETTE[i % len(PALETTE)],
            text=[fmt.eur(v) for v in means[variant]],
            textposition="outside",
            hovertemplate="%{x}: %{text}<extra>" + str(variant) + "</extra>",
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=t("compare.mean_axis"), tickformat=",.0f")
    return _layout(fig, t("compare.roles_title"), height=400)


def household_differences(diff: pd.DataFrame, title: str) -> go.Figure:
    """Per-household difference [EUR/yr] per role: every household a dot, with a box."""
    fig = go.Figure()
    for role in ("tenant", "member"):
        part = diff[diff["role"] == role]
        if part.empty:
            continue
        fig.add_trace(
            go.Box(
                x=part["difference_eur"],
                name=t(f"role_plural.{role}"),
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
                marker={"color": COLORS[role], "size": 6, "opacity": 0.7},
                line={"color": COLORS[role]},
                fillcolor="rgba(0,0,0,0)",
                orientation="h",
                customdata=part.index,
                hovertemplate="%{customdata}: %{x:,.0f} €<extra></extra>",
            )
        )
    fig.add_vline(x=0, line={"color": "#222", "width": 1})
    fig.update_xaxes(title_text=t("compare.difference_axis"), zeroline=False)
    return _layout(fig, title, height=300, legend=False)


# --------------------------------------------------------------------------- ownership
TARGET_LABEL_WIDTH_PX = 150
"""Room right of the ownership chart for the target line's label (on two lines)."""


def target_label(target_frac: float) -> str:
    """The target line's label, broken after its colon (``doel Klimaatakkoord:<br>50%``)."""
    return t("ownership.target_line", value=fmt.percent(target_frac, 0)).replace(": ", ":<br>", 1)

def ownership_shares(chart: pd.DataFrame, target_frac: float, title: str) -> go.Figure:
    """Local share per area in %, one bar per series (with / without the added rooftop)
    side by side, the target as a labelled line."""
    fig = go.Figure()
    for i, (series, part) in enumerate(chart.groupby("series", sort=False)):
        fig.add_bar(
            x=part["area"],
            y=part["local_share_production_frac"] * 100,
            name=t(f"ownership.series_{str(series).replace(' ', '_')}"),
            marker_color=PALETTE[i % len(PALETTE)],
            text=[fmt.percent(v) for v in part["local_share_production_frac"]],
            textposition="outside",
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
    fig.add_hline(y=target_frac * 100, line={"color": TARGET_COLOR, "width": 2, "dash": "dash"})
    # the line's label right of the plot, where no bar or bar label can cover it
    fig.add_annotation(
        text=target_label(target_frac),
        font={"color": TARGET_COLOR},
        xref="paper",
        x=1.0,
        xanchor="left",
        yref="y",
        y=target_frac * 100,
        showarrow=False,
        align="left",
    )
    top = max(100.0, float((chart["local_share_production_frac"] * 100).max()) + 10)
    fig.update_yaxes(title_text=t("ownership.share_axis"), range=[0, top], ticksuffix="%")
    fig.update_layout(barmode="group")
    return _layout(fig, title, height=420).update_layout(margin_r=TARGET_LABEL_WIDTH_PX)


# --------------------------------------------------------------------------- portfolio
def per_complex(
    table: pd.DataFrame, column: str, title: str, axis: str, *, percent: bool = False
) -> go.Figure:
    """One horizontal bar per complex (rows: complex label, read top-down; columns: series
    such as sweep points), so that long complex names stay readable."""
    fig = go.Figure()
    for i, series in enumerate(table.columns):
        values = table[series] * (100 if percent else 1)
        fig.add_bar(
            y=table.index.astype(str),
            x=values,
            orientation="h",
            name=str(series),
            marker_color=PALETTE[i % len(PALETTE)],
            hovertemplate="%{y}: %{x:,.1f}<extra>" + str(series) + "</extra>",
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title_text=axis, ticksuffix="%" if percent else "")
    height = 160 + 34 * len(table) * max(1, len(table.columns))
    return _layout(fig, title, height=min(height, 900), legend=len(table.columns) > 1)
