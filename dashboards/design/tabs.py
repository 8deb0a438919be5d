"""The Design page's tabs: prices, the trade-off, keys, size, local ownership, risks, and the
full report.

Every figure is the library's design (:class:`dashboards.design.state.DesignView`);
tables are shown in the page's language and downloadable as they are (numbers, full
precision).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from dashboards.design import charts as design_charts
from dashboards.design import financing as design_financing
from dashboards.design import risk, words
from dashboards.design import state as ds
from dashboards.design import tradeoff as design_tradeoff
from dashboards.shared import banner, downloads, i18n
from dashboards.shared import formatting as fmt
from dashboards.shared.chart_style import CONFIG
from dashboards.shared.i18n import t
from energysim.design.words import Said, in_language


def tabs(view: ds.DesignView) -> None:
    """The seven tabs of a design."""
    names = ("prices", "tradeoff", "keys", "size", "ownership", "risk", "report")
    for tab, show in zip(
        st.tabs([t(f"design.tab.{n}") for n in names]),
        (prices, design_tradeoff.tab, keys, size, ownership, risk.tab, report),
        strict=True,
    ):
        with tab:
            show(view)


# --------------------------------------------------------------------------- tables
Format = Callable[[Any], str]


def shown(frame: pd.DataFrame, formats: dict[str, Format]) -> pd.DataFrame:
    """The columns of ``formats``, each as text in the page's language, with headers in
    words (``design.col.<name>``); a figure is not broken from its euro sign or unit."""
    out = pd.DataFrame(
        {t(f"design.col.{c}"): frame[c].map(f).map(fmt.unbroken) for c, f in formats.items()}
    )
    return out.reset_index(drop=True)


def table(frame: pd.DataFrame, formats: dict[str, Format], name: str, key: str) -> None:
    """A table shown in words and downloadable whole (every column, as numbers)."""
    words = shown(frame, formats)
    st.table(words.set_index(words.columns[0]))  # headers wrap: fits 1366 px
    downloads.download_table(
        frame,
        name,
        key=f"design_{key}",
        labels={c: t(f"design.col.{c}") for c in frame.columns},
    )


def eur(value: Any) -> str:
    return fmt.eur(value)


def yes_no(value: Any) -> str:
    return t("design.yes") if bool(value) else t("design.no")


# --------------------------------------------------------------------------- prices
def prices(view: ds.DesignView) -> None:
    st.caption(t("design.prices.intro", who=words.who(view), goal=words.goal(view)))
    levers = [r.lever for r in view.prices]
    lever = st.radio(
        t("design.prices.curve_of"),
        levers,
        format_func=lambda lever: t(f"design.choice.lever.{lever}"),
        horizontal=True,
        key="design_curve_lever",
    )
    st.plotly_chart(
        design_charts.price_curves(view, str(lever), words.watched(view)),
        config=CONFIG,
        key="design_chart_prices",
    )
    st.caption(t("design.prices.chart_note"))
    st.markdown(f"**{t('design.prices.levers')}**")
    for r in view.prices:
        st.markdown(f"- {words.range_words(view, r)}")
    rows = view.prices_table

    def per_lever(column: str) -> pd.Series:
        return pd.Series(
            [
                fmt.unbroken(words.price(v, u))
                for v, u in zip(rows[column], rows["unit"], strict=True)
            ],
            index=rows.index,
        )

    frame = rows.assign(
        **{f"{c}_shown": per_lever(c) for c in ("current", "break_even", "households_max", "top")}
    )
    frame["lever_words"] = frame["lever"].map(words.lever_words)
    st.table(
        pd.DataFrame(
            {
                t("design.col.current"): frame["current_shown"].to_numpy(),
                t("design.col.break_even"): frame["break_even_shown"].to_numpy(),
                t("design.col.households_max"): frame["households_max_shown"].to_numpy(),
                t("design.col.top"): frame["top_shown"].to_numpy(),
                t("design.col.feasible"): frame["feasible"].map(yes_no).to_numpy(),
            },
            index=pd.Index(frame["lever_words"].to_numpy(), name=t("design.col.lever")),
        )
    )
    plain = rows.drop(columns=["message"]).assign(lever=rows["lever"].map(words.lever_words))
    downloads.download_table(
        plain,
        "design-prices",
        key="design_prices",
        labels={c: t(f"design.col.{c}") for c in plain.columns},
    )
    curve = view.price_curves.assign(lever=view.price_curves["lever"].map(words.lever_words))
    downloads.download_table(
        curve,
        "design-price-curves",
        key="design_curves",
        labels={c: t(f"design.col.{c}") for c in curve.columns},
        title=t("design.prices.curves_download"),
    )


# --------------------------------------------------------------------------- keys
def keys(view: ds.DesignView) -> None:
    objective = view.figures["options"]["objective"]
    st.caption(t("design.keys.intro", objective=t(f"design.objective.{objective}")))
    value: Format = (lambda v: fmt.number(v, 4)) if objective == "proportional" else eur
    for k in view.keys:
        st.markdown(f"**{t(f'design.tier.{k.tier}')}**")
        if not k.optimised:
            st.info(words.note_words(k.note), icon=":material/info:")
            continue
        if k.note:
            st.caption(t("design.keys.approximate", note=words.note_words(k.note)))
        frame = k.table.assign(
            tier=t(f"design.tier.{k.tier}"),
            key=k.table["key"].map(_key_words),
            kind=k.table["kind"].map(lambda kind: t(f"design.kind.{kind}")),
        )
        table(
            frame,
            {
                "key": str,
                "objective": value,
                "tier_benefit_total_eur": eur,
                "tier_benefit_min_eur": lambda v: fmt.eur(v, cents=True),
                "tier_benefit_median_eur": lambda v: fmt.eur(v, cents=True),
                "tier_shared_kwh": fmt.kwh,
                "export_kwh": fmt.kwh,
            },
            f"design-keys-{k.tier}",
            f"keys_{k.tier}",
        )
        shares = view.key_shares[view.key_shares["tier"] == k.tier].assign(
            tier=t(f"design.tier.{k.tier}")
        )
        with st.expander(t("design.keys.shares", tier=t(f"design.tier.{k.tier}"))):
            table(
                shares,
                {
                    "position": fmt.count,
                    "participant_id": str,
                    "share_frac": lambda v: fmt.percent(v, 2),
                },
                f"design-key-shares-{k.tier}",
                f"shares_{k.tier}",
            )
    st.caption(t("design.keys.dynamic_note"))


KEY_NAMES = {
    "optimised": "design.key.optimised",
    "proportional (static)": "design.key.proportional_static",
    "equal (static)": "design.key.equal_static",
    "proportional (dynamic)": "design.key.proportional_dynamic",
    "equal (dynamic, redistribute)": "design.key.equal_dynamic",
    "scenario's key": "design.key.scenario",
}


def _key_words(name: str) -> str:
    return t(KEY_NAMES[name]) if name in KEY_NAMES else name


# --------------------------------------------------------------------------- size
def size(view: ds.DesignView) -> None:
    st.caption(t("design.size.intro", lever=words.lever_words(view.sizes_lever)))
    rec = view.figures["size"]["recommended"]
    if rec is None:
        st.warning(t("design.size.none"), icon=":material/warning:")
    else:
        st.markdown(
            t(
                "design.size.best",
                capacity=fmt.kwp(rec["capacity_kwp"]),
                factor=fmt.number(rec["factor"], 2),
                total=fmt.eur(rec["total_net_benefit_eur"]),
            )
        )
        if rec["factor"] == max(view.sizes_curve["factor"]):
            roof = rec["factor"] < max(view.figures["options"]["size_factors"])
            st.caption(t("design.size.roof_largest" if roof else "design.size.largest"))
    for note in words.roof_notes(view):
        st.info(note, icon=":material/roofing:")
    st.plotly_chart(design_charts.size_curves(view), config=CONFIG, key="design_chart_sizes")
    table(
        view.sizes_curve,
        {
            "capacity_kwp": fmt.kwp,
            "self_consumption_frac": fmt.percent,
            "export_frac": fmt.percent,
            "benefit_per_household_eur": eur,
            "owners_npv_eur": eur,
            "roof_m2": lambda v: fmt.number(v),
            "owners_npv_eur_per_kwp": eur,
            "total_net_benefit_eur": eur,
            "feasible": yes_no,
            "joint_pays": yes_no,
            "joint_shortfall_eur": eur,
        },
        "design-sizes",
        "sizes",
    )


# --------------------------------------------------------------------------- ownership
def ownership(view: ds.DesignView) -> None:
    loc = view.figures["local_ownership"]
    st.caption(t("design.ownership.intro", target=fmt.percent(loc["target_frac"], 0)))
    c = st.columns(3)
    c[0].metric(t("design.ownership.needed"), fmt.percent(loc["needed_frac"], 0))
    c[1].metric(t("design.ownership.current"), fmt.percent(loc["current_frac"], 0))
    c[2].metric(
        t("design.ownership.capex"),
        fmt.eur(loc["local_capex_eur"]),
        help=t("design.ownership.capex_help", now=fmt.eur(loc["local_capex_now_eur"])),
    )
    if loc.get("capex_per_member_eur"):
        st.markdown(t("design.ownership.per_member", capex=fmt.eur(loc["capex_per_member_eur"])))
    if not loc["in_scope"]:
        st.warning(t("design.ownership.out_of_scope"), icon=":material/warning:")
    money = view.ownership_money.assign(
        prices=view.ownership_money["prices"].map(lambda p: t(f"design.prices_label.{p}")),
        owner_type=view.ownership_money["owner_type"].map(lambda o: t(f"design.owner_type.{o}")),
    )
    table(
        money,
        {
            "prices": str,
            "owner": str,
            "local": yes_no,
            "share_frac": lambda v: fmt.percent(v, 0),
            "capex_eur": eur,
            "net_year1_eur": eur,
            "npv_eur": eur,
            "irr_frac": fmt.percent,
        },
        "design-ownership",
        "ownership",
    )
    design_financing.financing(view)


# --------------------------------------------------------------------------- report
def report(view: ds.DesignView) -> None:
    st.caption(t("design.report.intro"))
    lang = i18n.language()
    st.code("\n".join(in_language(x, lang) for x in view.lines), language=None, wrap_lines=True)
    # the design's own notes by its words, the run's by their codes (engine_words)
    notes = [in_language(m, lang) if isinstance(m, Said) else m for m in view.messages]
    banner.engine_messages([], notes)
    timings = view.figures["timings_s"]
    st.caption(
        t(
            "design.report.timings",
            total=fmt.number(timings["total"], 1),
            parts=", ".join(
                f"{t(f'design.part.{p}')} {fmt.number(s, 1)} s"
                for p, s in timings.items()
                if p != "total"
            ),
        )
    )
