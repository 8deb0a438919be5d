"""The dashboard's pictures, built with plotly from the library's numbers.

Plain functions from tables to figures, testable without a browser: the tests read the
figures back and compare them with energysim's own results. Labels come from the
catalogue (current language); legends sit under the plot, horizontally, so they are
never cut off on a 1366-pixel screen.
"""

from __future__ import annotations

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


def _layout(fig: go.Figure, title: str, height: int = 380, legend: bool = True) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0, "title": None},
        showlegend=legend,
        separators=",." if i18n.language() == "nl" else ".,",
        font={"size": 13},
    )
    return fig


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
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            textfont={"color": "#1f1f1f", "size": 13, "shadow": "none"},
            valueformat=",.0f",
            valuesuffix=" kWh",
            node={
                "label": labels,
                "color": [COLORS[n] for n in nodes],
                "pad": 18,
                "thickness": 18,
                "line": {"width": 0},
            },
            link={
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
        )
    )
    return _layout(fig, t("results.flows_title"), height=360, legend=False)


def typical_days(days: pd.DataFrame, seasons: Sequence[str]) -> go.Figure:
    """Mean kW by time of day, one panel per season in calendar order."""
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=2,
        cols=2,
        subplot_titles=[t(f"season.{s}") for s in seasons],
        shared_xaxes=True,
        shared_yaxes=True,
        vertical_spacing=0.12,
        horizontal_spacing=0.05,
    )
    series = {
        "generation_kw": ("generation", "solid"),
        "consumption_common_kw": ("common", "dot"),
        "consumption_tenants_kw": ("tenants", "dot"),
        "consumption_members_kw": ("members", "dot"),
    }
    for i, season in enumerate(seasons):
        part = days[days["season"] == season]
        for column, (color, dash) in series.items():
            fig.add_trace(
                go.Scatter(
                    x=part["time_of_day_h"],
                    y=part[column],
                    name=t(f"col.{column}"),
                    legendgroup=column,
                    showlegend=i == 0,
                    line={"color": COLORS[color], "dash": dash, "width": 2},
                    hovertemplate="%{x:.2f} h: %{y:.1f} kW<extra></extra>",
                ),
                row=i // 2 + 1,
                col=i % 2 + 1,
            )
    top = float(days[list(series)].to_numpy().max()) * 1.08 or 1.0
    fig.update_xaxes(tickvals=[0, 6, 12, 18, 24], ticksuffix=":00", range=[0, 24])
    fig.update_yaxes(range=[0, top])
    fig.update_yaxes(title_text="kW", col=1)
    fig = _layout(fig, t("results.days_title"), height=440)
    fig.update_layout(legend={"y": -0.12})
    return fig


def months(monthly: pd.DataFrame) -> go.Figure:
    """Monthly kWh per destination, stacked, January to December."""
    names = month_names()
    fig = go.Figure()
    for column, color in (
        ("allocated_common_kwh", "common"),
        ("allocated_tenants_kwh", "tenants"),
        ("allocated_members_kwh", "members"),
        ("export_kwh", "export"),
    ):
        fig.add_bar(
            x=[names[m - 1] for m in monthly.index],
            y=monthly[column],
            name=t(f"col.{column}"),
            marker_color=COLORS[color],
            hovertemplate="%{x}: %{y:,.0f} kWh<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(categoryorder="array", categoryarray=names)
    fig.update_yaxes(title_text="kWh", tickformat=",.0f")
    fig = _layout(fig, t("results.months_title"), height=440)
    fig.update_layout(legend={"y": -0.12})
    return fig


def benefit_distribution(
    households: pd.DataFrame, stats: Mapping[str, Mapping[str, Any]]
) -> go.Figure:
    """Benefit per household, one panel per role: a histogram with the p10-p90 band
    shaded and the median marked (the figures of the run's summary)."""
    from plotly.subplots import make_subplots

    roles = [r for r in ("tenant", "member") if r in stats and (households["role"] == r).any()]
    fig = make_subplots(
        rows=len(roles) or 1,
        cols=1,
        subplot_titles=[t(f"role_plural.{r}") for r in roles],
        shared_xaxes=True,
        vertical_spacing=0.16,
    )
    fig.update_annotations(x=0, xanchor="left", font={"size": 14})  # the panels' titles
    for i, role in enumerate(roles, start=1):
        values = households.loc[households["role"] == role, "benefit_eur"]
        st_ = stats[role]
        fig.add_trace(
            go.Histogram(
                x=values,
                nbinsx=30,
                marker_color=COLORS[role],
                name=t(f"role_plural.{role}"),
                showlegend=False,
                hovertemplate=t("results.hist_hover") + "<extra></extra>",
            ),
            row=i,
            col=1,
        )
        fig.add_vrect(
            x0=st_["p10_eur"],
            x1=st_["p90_eur"],
            fillcolor=COLORS[role],
            opacity=0.15,
            line_width=0,
            row=i,
            col=1,
        )
        fig.add_vline(x=st_["median_eur"], line={"color": "#222", "width": 2}, row=i, col=1)
        fig.add_annotation(
            x=st_["median_eur"],
            y=1,
            yref="y domain" if i == 1 else f"y{i} domain",
            xref="x" if i == 1 else f"x{i}",
            text=t("results.median_mark", value=fmt.eur(st_["median_eur"])),
            showarrow=False,
            xanchor="left",
            yanchor="top",
            xshift=4,
            bgcolor="rgba(255,255,255,0.8)",
        )
        fig.add_annotation(
            x=st_["p10_eur"],
            y=0.78,
            yref="y domain" if i == 1 else f"y{i} domain",
            xref="x" if i == 1 else f"x{i}",
            text=t(
                "results.band_mark",
                low=fmt.eur(st_["p10_eur"]),
                high=fmt.eur(st_["p90_eur"]),
            ),
            showarrow=False,
            xanchor="left",
            yanchor="top",
            xshift=4,
            bgcolor="rgba(255,255,255,0.8)",
        )
        fig.update_yaxes(title_text=t("results.households_axis"), row=i, col=1)
    fig.update_xaxes(title_text=t("results.benefit_axis"), row=len(roles) or 1, col=1)
    fig.update_xaxes(tickprefix="€ " if i18n.language() == "nl" else "€")
    return _layout(
        fig, t("results.distribution_title"), height=200 + 170 * len(roles), legend=False
    )


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
