"""The Compare page's pictures, with plotly: benefit per role and per household."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards.shared import chart_style as style
from dashboards.shared import formatting as fmt
from dashboards.shared.i18n import t


def role_benefits(means: pd.DataFrame) -> go.Figure:
    """Mean benefit per household per role (rows) for each variant (columns), grouped bars."""
    fig = go.Figure()
    for i, variant in enumerate(means.columns):
        fig.add_bar(
            x=[t(f"role_plural.{r}") for r in means.index],
            y=means[variant],
            name=str(variant),
            marker_color=style.PALETTE[i % len(style.PALETTE)],
            text=[fmt.eur(v) for v in means[variant]],
            textposition="outside",
            hovertemplate="%{x}: %{text}<extra>" + str(variant) + "</extra>",
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=t("compare.mean_axis"), tickformat=",.0f")
    return style.apply_layout(fig, t("compare.roles_title"), height=400)


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
                marker={"color": style.COLORS[role], "size": 6, "opacity": 0.7},
                line={"color": style.COLORS[role]},
                fillcolor="rgba(0,0,0,0)",
                orientation="h",
                customdata=part.index,
                hovertemplate="%{customdata}: %{x:,.0f} €<extra></extra>",
            )
        )
    fig.add_vline(x=0, line={"color": "#222", "width": 1})
    fig.update_xaxes(title_text=t("compare.difference_axis"), zeroline=False)
    return style.apply_layout(fig, title, height=300, legend=False)
