"""The Ownership page's picture, with plotly: local share per area against the target."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards.shared import chart_style as style
from dashboards.shared import formatting as fmt
from dashboards.shared.i18n import t

TARGET_COLOR = "#c0392b"

TARGET_LABEL_WIDTH_PX = 150
"""Room right of the ownership chart for the target line's label (on two lines)."""


def target_label(target_frac: float) -> str:
    """The target line's label, broken after its colon (``doel Klimaatakkoord:<br>50%``)."""
    return t("ownership.target_line", value=fmt.percent(target_frac, 0)).replace(": ", ":<br>", 1)


LABEL_HEIGHT_PP = 7.0
"""How many percentage points of the chart's axis a bar's label takes (13 px text on
the chart's 0-100% axis, about 2.5 px a point, and some room)."""


def label_positions(shares_frac: pd.Series, target_frac: float) -> list[str]:
    """Where each bar's label goes: above the bar, or inside its top when a label above
    it would sit on the target line (a bar just under the target, ``47,9%`` under 50%)."""
    below = (target_frac - shares_frac.fillna(0.0)) * 100
    return ["inside" if 0 < gap < LABEL_HEIGHT_PP else "outside" for gap in below]


def ownership_shares(chart: pd.DataFrame, target_frac: float, title: str) -> go.Figure:
    """Local share per area in %, one bar per series side by side (the headline, the
    Participatiemonitor's scope, first; beside it the share with rooftops, with and without
    the added rooftop), the target as a labelled line. An area without production on land
    has no headline bar."""
    fig = go.Figure()
    for i, (series, part) in enumerate(chart.groupby("series", sort=False)):
        fig.add_bar(
            x=part["area"],
            y=part["local_share_production_frac"] * 100,
            name=t(f"ownership.series_{series}"),
            marker_color=style.PALETTE[i % len(style.PALETTE)],
            text=[fmt.percent(v) for v in part["local_share_production_frac"]],
            textposition=label_positions(part["local_share_production_frac"], target_frac),
            insidetextfont={"color": "white"},
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
    top = max(100.0, float((chart["local_share_production_frac"] * 100).fillna(0).max()) + 10)
    fig.update_yaxes(title_text=t("ownership.share_axis"), range=[0, top], ticksuffix="%")
    fig.update_layout(barmode="group")
    return style.apply_layout(fig, title, height=420).update_layout(margin_r=TARGET_LABEL_WIDTH_PX)
