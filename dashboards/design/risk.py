"""The Design page's risks tab: prices with a margin, and the sensitivity as a tornado.

From ``design.json``'s ``margin`` and ``sensitivity`` (:mod:`energysim.design.margin`,
:mod:`energysim.design.sensitivity`), in the page's language; the chart is a plain
function of the view, testable without a browser.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from dashboards.design import charts as design_charts
from dashboards.design import state as ds
from dashboards.design import words
from dashboards.shared import downloads, i18n
from dashboards.shared import formatting as fmt
from dashboards.shared.chart_style import CONFIG
from dashboards.shared.i18n import t
from energysim.design.joint import JOINT_LEVERS
from energysim.design.prices import LEVER_UNITS

LOW, HIGH = "#3969ac", "#f2b701"
"""The bars of the low and the high case."""
PANELS = (
    ("owners_npv_eur", "design.risk.chart_owners"),
    ("household_median_npv_eur", "design.risk.chart_households"),
)
"""The tornado's two panels: the column each shows and its title."""


def sensitivity(view: ds.DesignView) -> pd.DataFrame:
    """The sensitivity table of the design (``design.json``), the base row first."""
    return pd.DataFrame(view.figures.get("sensitivity") or [])


def setting_words(factor: str, setting: Any) -> str:
    """A case's changed figure in the page's language."""
    if setting is None or pd.isna(setting):
        return t("design.risk.as_designed")
    shown = {
        "yield": lambda v: t("design.risk.setting.yield", factor=fmt.number(v, 3)),
        "capex": lambda v: t("design.risk.setting.capex", capex=fmt.eur(v)),
        "discount_rate": lambda v: fmt.percent(v),
        "late_prices": lambda v: t("design.risk.setting.late_prices", frac=fmt.percent(v)),
        "feed_in_cost": lambda v: fmt.eur_per_kwh(v),
        "participation": lambda v: t("design.risk.setting.participation", frac=fmt.percent(v, 0)),
    }
    return str(shown[factor](float(setting)))


def tornado(view: ds.DesignView) -> go.Figure:
    """Each factor's low and high case as bars from the design's value: the owners' NPV
    (left) and the median household's lifetime benefit (right); the widest swing on top."""
    table = sensitivity(view)
    base = table.iloc[0]
    rows = table.iloc[1:]
    swing = rows.groupby("factor", sort=False)["owners_npv_change_eur"].agg(
        lambda s: float(s.abs().max())
    )
    order = list(swing.sort_values().index)  # plotly draws the first category at the bottom
    names = [t(f"design.risk.factor.{f}") for f in order]
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        subplot_titles=[design_charts.wrapped(t(key)) for _, key in PANELS],
        horizontal_spacing=0.04,
    )
    for col, (column, _) in enumerate(PANELS, start=1):
        change = column.replace("_eur", "_change_eur")
        for case, color in (("low", LOW), ("high", HIGH)):
            cases = rows[rows["case"] == case].set_index("factor").reindex(order)
            settings = [setting_words(f, s) for f, s in zip(order, cases["setting"], strict=True)]
            fig.add_trace(
                go.Bar(
                    y=names,
                    x=cases[change],
                    base=float(base[column]),
                    orientation="h",
                    name=t(f"design.risk.case.{case}"),
                    marker_color=color,
                    customdata=settings,
                    hovertemplate="%{y}: %{customdata}<br>€ %{x:+,.0f}<extra></extra>",
                    showlegend=col == 1,
                    legendgroup=case,
                ),
                row=1,
                col=col,
            )
        fig.add_vline(
            x=float(base[column]), line={"color": design_charts.MARK, "width": 1}, row=1, col=col
        )
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(tickprefix="€ " if i18n.language() == "nl" else "€", tickformat=",.0f")
    fig = design_charts.layout(fig, 150 + 45 * len(order))
    # two-line titles below the chart's toolbar (top right), not under it
    fig.update_layout(margin={"l": 10, "r": 10, "t": 80, "b": 10})
    return fig


def margin_lines(view: ds.DesignView) -> list[str]:
    """The margin in words: the answer, the downside's figures, the prices."""
    m = view.figures["margin"]
    down, expected = m["owners_npv_downside_eur"], m["owners_npv_expected_eur"]
    if m["pays"]:
        head = t(
            "design.risk.pays",
            down=fmt.eur(sum(down.values())),
            expected=fmt.eur(sum(expected.values())),
        )
    else:
        head = t("design.risk.short", short=fmt.eur(m["shortfall_eur"]))
    downside = []
    for f in m["downside"]:
        if f["figure"] == "yield":
            downside.append(
                t("design.risk.downside.yield", factor=fmt.number(f["value"], 3))
                if f["value"] != 1.0
                else t("design.risk.downside.yield_measured")
            )
        elif f["figure"] == "capex":
            downside.append(t("design.risk.downside.capex", pct=fmt.percent(f["value"] - 1, 0)))
        else:
            downside.append(t("design.risk.downside.prices", frac=fmt.percent(f["value"])))
    j = view.figures["joint_prices"]["prices"]
    prices = [
        t(
            "design.risk.price",
            lever=t(f"design.choice.lever.{lever}"),
            margin=words.price(m["prices"][lever], LEVER_UNITS[lever]),
            break_even=words.price(j[lever], LEVER_UNITS[lever]),
        )
        for lever in JOINT_LEVERS
    ]
    return [head, t("design.risk.downside.intro"), *downside, *prices]


def margin(view: ds.DesignView) -> None:
    """The prices with a margin, what they cost the households."""
    m = view.figures["margin"]
    head, intro, *rest = margin_lines(view)
    downside, prices = rest[:3], rest[3:]
    text = (
        head
        + "\n\n"
        + intro
        + "\n"
        + "\n".join(f"- {line}" for line in downside)
        + "\n\n"
        + "\n".join(f"- {line}" for line in prices)
    )
    (st.success if m["pays"] else st.warning)(text)
    be, mg = m["households"]["break_even"], m["households"]["margin"]
    c = st.columns(2)
    for column, key in zip(c, ("year_one_total_eur", "lifetime_total_eur"), strict=True):
        column.metric(
            t(f"design.risk.{key}"),
            fmt.eur(mg[key]),
            fmt.eur(mg[key] - be[key], sign=True),
            help=t("design.risk.at_break_even", value=fmt.eur(be[key])),
        )


def tab(view: ds.DesignView) -> None:
    """The risks tab: the margin, then the tornado and its table."""
    st.caption(t("design.risk.intro"))
    if view.figures.get("margin"):
        margin(view)
    table = sensitivity(view)
    if not len(table):
        return
    st.markdown(f"**{t('design.risk.sensitivity')}**")
    st.caption(t("design.risk.sensitivity_intro"))
    st.plotly_chart(tornado(view), config=CONFIG, key="design_chart_tornado")
    formats = {
        "factor": lambda f: t(f"design.risk.factor.{f}"),
        "case": lambda c: t(f"design.risk.case.{c}"),
        "owners_npv_eur": fmt.eur,
        "owners_npv_change_eur": lambda v: fmt.eur(v, sign=True),
        "household_median_eur": lambda v: fmt.eur(v, cents=True),
        "household_median_npv_eur": fmt.eur,
        "method": lambda m: t(f"design.risk.method.{m.replace(' ', '_')}"),
    }
    shown = pd.DataFrame(
        {t(f"design.risk.col.{c}"): table[c].map(f).map(fmt.unbroken) for c, f in formats.items()}
    )
    shown.insert(
        2,
        t("design.risk.col.setting"),
        [setting_words(f, v) for f, v in zip(table["factor"], table["setting"], strict=True)],
    )
    st.table(shown.set_index(shown.columns[0]))
    downloads.download_table(
        table,
        "design-sensitivity",
        key="design_sensitivity",
        labels={c: t(f"design.risk.col.{c}") for c in table.columns},
    )
