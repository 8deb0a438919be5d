"""The Design page's cooperative money: how the cooperative pays for its part of the
recommended design and what its members get back.

Every figure is the library's plan (:mod:`energysim.design.financing`, ``design.json``'s
``financing``); nothing is computed here.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from dashboards.design import charts as design_charts
from dashboards.design import state as ds
from dashboards.shared import formatting as fmt
from dashboards.shared.chart_style import CONFIG
from dashboards.shared.i18n import t

MEMBERS = "#11a579"
"""The members' cash flow (the colour of the households' series)."""


def members_chart(plan: dict[str, Any]) -> go.Figure:
    """The members' cash flow per year: what they pay in, what comes back."""
    years = [row["year"] for row in plan["cashflows"]]
    flows = [row["members_cash_flow_eur"] for row in plan["cashflows"]]
    fig = go.Figure(
        go.Bar(x=years, y=flows, name=t("design.financing.members_flow"), marker_color=MEMBERS)
    )
    fig.update_xaxes(title_text=t("design.financing.year"))
    fig.update_yaxes(title_text=t("design.financing.eur"), tickformat=",.0f")
    return design_charts.layout(fig, 300)


def financing(view: ds.DesignView) -> None:
    """The cooperative's financing plan at the recommended design, in four figures, a
    sentence and the members' cash flow per year."""
    st.subheader(t("design.financing.title"))
    plan = view.figures.get("financing")
    if plan is None:
        st.info(t("design.financing.none"), icon=":material/info:")
        return
    per_member = plan["member_capital_per_member_eur"]
    c = st.columns(4)
    c[0].metric(
        t("design.financing.investment"),
        fmt.eur(plan["investment_eur"]),
        help=t("design.financing.investment_help"),
    )
    c[1].metric(
        t("design.financing.member_capital"),
        fmt.eur(plan["member_capital_eur"]),
        help=t(
            "design.financing.member_capital_help",
            share=fmt.percent(plan["member_capital_frac"], 0),
            per_member=fmt.eur(per_member) if per_member is not None else "-",
        ),
    )
    c[2].metric(
        t("design.financing.loan"),
        fmt.eur(plan["loan_eur"]),
        help=t(
            "design.financing.loan_help",
            rate=fmt.percent(plan["loan_rate_frac"], 1),
            term=plan["loan_term_yr"],
            annuity=fmt.eur(plan["annuity_eur_per_yr"]),
        ),
    )
    irr = plan["members_irr_frac"]
    c[3].metric(
        t("design.financing.irr"),
        fmt.percent(irr, 1) if irr is not None else t("design.none"),
        help=t("design.financing.irr_help"),
    )
    st.markdown(sentence(plan))
    st.plotly_chart(members_chart(plan), config=CONFIG, key="design_chart_financing")
    st.caption(t("design.financing.estimates"))


def sentence(plan: dict[str, Any]) -> str:
    """The plan in words: who pays what, the annuity, the members' payback."""
    payback = plan["members_payback_yr"]
    words = t(
        "design.financing.summary",
        capital=fmt.eur(plan["member_capital_eur"]),
        loan=fmt.eur(plan["loan_eur"]),
        rate=fmt.percent(plan["loan_rate_frac"], 1),
        term=plan["loan_term_yr"],
        annuity=fmt.eur(plan["annuity_eur_per_yr"]),
        subsidy=t("design.financing.subsidy", subsidy=fmt.eur(plan["subsidy_eur"]))
        if plan["subsidy_eur"] > 0
        else t("design.financing.no_subsidy"),
        npv=fmt.eur(plan["members_npv_eur"]),
    )
    words += " " + (
        t("design.financing.payback", years=fmt.number(payback, 1))
        if payback is not None
        else t("design.financing.no_payback")
    )
    if plan["short_years"]:
        words += " " + t("design.financing.short", years=len(plan["short_years"]))
    return words
