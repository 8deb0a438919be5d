"""The Results page's pictures, built with plotly from the run's numbers.

Plain functions from tables to figures, testable without a browser: the tests read the
figures back and compare them with energysim's own results. Labels come from the
catalogue (current language).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboards.shared import chart_style as style
from dashboards.shared import formatting as fmt
from dashboards.shared import i18n
from dashboards.shared.i18n import t


def sankey(flows: pd.DataFrame) -> go.Figure:
    """The year's energy from the roof to where it went (the flows of
    :func:`energysim.results.flows.energy_flows`)."""
    nodes = list(dict.fromkeys([*flows["source"], *flows["target"]]))
    totals = {
        n: max(
            flows.loc[flows["source"] == n, "energy_kwh"].sum(),
            flows.loc[flows["target"] == n, "energy_kwh"].sum(),
        )
        for n in nodes
    }
    labels = [f"{t(f'flow.{n}')}<br>{fmt.kwh(totals[n])}" for n in nodes]
    link_colors = [style.COLORS[target] + "88" for target in flows["target"]]
    trace = {
        "type": "sankey",
        "arrangement": "snap",
        "textfont": {"color": "#1f1f1f", "size": 13, "shadow": "none"},
        "valueformat": ",.0f",
        "valuesuffix": " kWh",
        "node": {
            "label": labels,
            "color": [style.COLORS[n] for n in nodes],
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
    layout = style.layout_spec(t("results.flows_title"), height=380, legend=False)
    # a thin node at the bottom (battery losses) has its two-line label centred on it:
    # half of it below the plot, inside this margin rather than cut off
    layout["margin"] = {**layout["margin"], "b": 30}
    return style.figure([trace], layout)


def typical_days(days: pd.DataFrame, seasons: Sequence[str]) -> go.Figure:
    """Mean kW by time of day, one panel per season in calendar order."""
    layout = style.grid(2, 2, [t(f"season.{s}") for s in seasons], (0.12, 0.05), (True, True))
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
                    "line": {"color": style.COLORS[color], "dash": dash, "width": 2},
                    "hovertemplate": "%{x:.2f} h: %{y:.1f} kW<extra></extra>",
                    "xaxis": style.axis("x", i + 1),
                    "yaxis": style.axis("y", i + 1),
                }
            )
    top = float(days[list(series)].to_numpy().max()) * 1.08 or 1.0
    for n in range(1, 5):
        layout[style.axis("xaxis", n)].update(
            tickvals=[0, 6, 12, 18, 24], ticksuffix=":00", range=[0, 24]
        )
        layout[style.axis("yaxis", n)]["range"] = [0, top]
    for n in (1, 3):  # the left column
        layout[style.axis("yaxis", n)]["title"] = {"text": "kW"}
    layout.update(style.layout_spec(t("results.days_title"), height=440))
    layout["legend"]["y"] = -0.12
    return style.figure(traces, layout)


def months(monthly: pd.DataFrame) -> go.Figure:
    """Monthly kWh per destination, stacked, January to December."""
    names = style.month_names()
    traces = [
        {
            "type": "bar",
            "x": [names[m - 1] for m in monthly.index],
            "y": monthly[column],
            "name": t(f"col.{column}"),
            "marker": {"color": style.COLORS[color]},
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
        **style.layout_spec(t("results.months_title"), height=440),
    }
    layout["legend"]["y"] = -0.12
    return style.figure(traces, layout)


def benefit_distribution(
    households: pd.DataFrame, stats: Mapping[str, Mapping[str, Any]]
) -> go.Figure:
    """Benefit per household, one panel per role: a histogram with the p10-p90 band
    shaded and the median marked (the figures of the run's summary), both figures in the
    panel's title, where they do not run into the bars, the line or each other."""
    roles = [r for r in ("tenant", "member") if r in stats and (households["role"] == r).any()]
    titles = [
        t(
            "results.distribution_panel",
            role=t(f"role_plural.{r}"),
            median=t("results.median_mark", value=fmt.eur(stats[r]["median_eur"])),
            band=t(
                "results.band_mark",
                low=fmt.eur(stats[r]["p10_eur"]),
                high=fmt.eur(stats[r]["p90_eur"]),
            ),
        )
        for r in roles
    ]
    layout = style.grid(len(roles) or 1, 1, titles, (0.16, 0.2), (True, False))
    for title in layout.get("annotations", []):  # the panels' titles
        title.update(x=0, xanchor="left", font={"size": 14})
    traces, shapes = [], []
    for i, role in enumerate(roles, start=1):
        st_ = stats[role]
        x, y = style.axis("x", i), style.axis("y", i)
        traces.append(
            {
                "type": "histogram",
                "x": households.loc[households["role"] == role, "benefit_eur"],
                "nbinsx": 30,
                "marker": {"color": style.COLORS[role]},
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
                "fillcolor": style.COLORS[role],
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
        layout[style.axis("yaxis", i)]["title"] = {"text": t("results.households_axis")}
    if shapes:
        layout["shapes"] = shapes
    layout[style.axis("xaxis", len(roles) or 1)]["title"] = {"text": t("results.benefit_axis")}
    for n in range(1, (len(roles) or 1) + 1):
        layout[style.axis("xaxis", n)]["tickprefix"] = "€ " if i18n.language() == "nl" else "€"
    layout.update(
        style.layout_spec(
            t("results.distribution_title"), height=200 + 170 * len(roles), legend=False
        )
    )
    return style.figure(traces, layout)
