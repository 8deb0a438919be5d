"""The Routes page's picture, with plotly: the benefit per household under each route."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards.shared import chart_style as style
from dashboards.shared import formatting as fmt
from dashboards.shared.i18n import t


def route_benefits(benefits: dict[str, pd.DataFrame], names: dict[str, str]) -> go.Figure:
    """Per role, a bar per route at the median household's benefit [EUR/yr], a whisker
    from the p10 household to the p90 one. ``names``: route -> its words."""
    fig = go.Figure()
    for role, part in benefits.items():
        fig.add_bar(
            x=[names[r] for r in part.index],
            y=part["median"],
            name=t(f"role_plural.{role}"),
            marker_color=style.COLORS[role],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (part["p90"] - part["median"]).clip(lower=0),
                "arrayminus": (part["median"] - part["p10"]).clip(lower=0),
                "color": "#444",
            },
            customdata=[
                [fmt.eur(m), fmt.eur(a), fmt.eur(b)]
                for m, a, b in zip(part["median"], part["p10"], part["p90"], strict=True)
            ],
            hovertemplate=(
                "%{x}: %{customdata[0]} (p10 %{customdata[1]}, p90 %{customdata[2]})<extra>"
                + t(f"role_plural.{role}")
                + "</extra>"
            ),
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=t("routes.benefit_axis"), tickformat=",.0f")
    return style.apply_layout(fig, t("routes.benefit_title"), height=380)
