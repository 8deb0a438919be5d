"""The Portfolio page's picture, with plotly: one bar per complex."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards.shared import chart_style as style


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
            marker_color=style.PALETTE[i % len(style.PALETTE)],
            hovertemplate="%{y}: %{x:,.1f}<extra>" + str(series) + "</extra>",
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title_text=axis, ticksuffix="%" if percent else "")
    height = 160 + 34 * len(table) * max(1, len(table.columns))
    return style.apply_layout(fig, title, height=min(height, 900), legend=len(table.columns) > 1)
