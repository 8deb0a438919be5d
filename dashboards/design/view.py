"""Design page: what would make the session's scenario work for everyone.

It runs :func:`energysim.design.plan.design_scenario` on the session's scenario (a quick
option set by itself, the full design on request; each kept per scenario and options),
says in plain words whether a price pays for the roof while households gain and what
would be needed when none does (:mod:`~dashboards.design.words`), shows the curves and
tables (tabs, :mod:`~dashboards.design.tabs`) and applies the recommended design to the
session's scenario, which every other page then runs.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import pandas as pd
import streamlit as st

from dashboards.design import state as ds
from dashboards.design import tabs as design_tabs
from dashboards.design import words
from dashboards.shared import banner, session, state
from dashboards.shared import formatting as fmt
from dashboards.shared.engine_errors import say_error
from dashboards.shared.i18n import t
from energysim.core.errors import EnergysimError
from energysim.design.plan import DESIGN_PARTS, DesignOptions

MAX_KEPT = 12
"""Designs kept in memory (all sessions): the page shows a kept one at once."""
APPLIED = "design_applied"
"""Session key: the design last applied (its view and the scenario it made)."""
OPTION_DEFAULTS: dict[str, Any] = {
    "lever": "uniform",
    "criterion": "every",
    "objective": "total",
    "full": False,
    "static": False,
}


# --------------------------------------------------------------------------- kept designs
@st.cache_resource(show_spinner=False)
def _kept() -> tuple[OrderedDict[tuple[str, str], ds.DesignView], threading.Lock]:
    return OrderedDict(), threading.Lock()


def kept(key: tuple[str, str]) -> ds.DesignView | None:
    """A design already computed for this scenario and these options (any session)."""
    store, lock = _kept()
    with lock:
        view = store.get(key)
        if view is not None:
            store.move_to_end(key)
        return view


def keep(key: tuple[str, str], view: ds.DesignView) -> None:
    store, lock = _kept()
    with lock:
        store[key] = view
        while len(store) > MAX_KEPT:
            store.popitem(last=False)


def design(scenario_json: str, options: DesignOptions) -> ds.DesignView:
    """The design of a scenario: kept, or computed with a progress bar."""
    key = (scenario_json, ds.options_key(options))
    view = kept(key)
    if view is not None:
        return view
    bar = st.progress(0.0, text=t("design.progress.run"))
    done: list[str] = []

    def progress(part: str) -> None:
        done.append(part)
        following = next((p for p in DESIGN_PARTS if p not in done), None)
        words = t(f"design.progress.{following}") if following else t("design.progress.done")
        bar.progress(ds.done_frac(done), text=words)

    try:
        view = ds.compute(scenario_json, options, progress)
    finally:
        bar.empty()
    keep(key, view)
    return view


def verdict(view: ds.DesignView) -> None:
    """The plain-words answer: do legal prices, chosen together, pay for the roof while
    households gain? Then, folded, what one price at a time would do."""
    head, *prices = words.joint_lines(view)
    text = head + "\n\n" + "\n".join(f"- {line}" for line in prices)
    if view.figures["joint_prices"]["pays"]:
        st.success(text, icon=":material/check_circle:")
    else:
        st.warning(text, icon=":material/warning:")
    with st.expander(t("design.joint.one_lever")):
        one_lever(view)


def one_lever(view: ds.DesignView) -> None:
    """The chosen lever's range with the other prices as in the scenario, what would
    open it, and whether another price works alone."""
    chosen, paying = view.chosen, view.paying
    if chosen.feasible:
        st.info(words.range_words(view, chosen), icon=":material/check_circle:")
        return
    parts = [words.range_words(view, chosen)]
    needed = words.needed_lines(view)
    if needed:
        parts.append(needed[0] + "\n" + "\n".join(f"- {line}" for line in needed[1:]))
    if paying.feasible:
        parts.append(t("design.other_lever", words=words.range_words(view, paying)))
    else:
        parts.append(t("design.no_lever"))
    st.info("\n\n".join(parts), icon=":material/info:")


# --------------------------------------------------------------------------- recommendation
def figures(view: ds.DesignView, now: dict[str, Any]) -> None:
    """Today's scenario against the recommended design, four figures."""
    rec = view.figures["recommended"]
    c = st.columns(4)
    pairs = [
        (
            "households",
            now["household_benefit_total_eur"],
            rec["household_benefit_total_eur"],
            fmt.eur,
        ),
        ("owners", view.figures["now"]["owners_npv_eur"], rec["owners_npv_eur"], fmt.eur),
        ("capacity", now["capacity_kwp"], rec["capacity_kwp"], fmt.kwp),
        ("local", now["local_ownership_frac"], rec["local_ownership_frac"], fmt.percent),
    ]
    for column, (name, before, after, shown) in zip(c, pairs, strict=True):
        if name == "local":
            delta = fmt.pp(100 * (after - before))
        elif name == "capacity":
            delta = fmt.kwp(after - before) if after != before else None
            delta = delta if delta is None or after < before else f"+{delta}"
        else:
            delta = fmt.eur(after - before, sign=True)
        column.metric(
            t(f"design.figure.{name}"),
            shown(after),
            delta,
            help=t(f"design.figure.{name}_help", now=shown(before)),
        )


def recommendation(view: ds.DesignView, now: dict[str, Any]) -> None:
    st.subheader(t("design.recommended"))
    figures(view, now)
    changes = words.change_lines(view)
    st.markdown("\n".join(f"- {line}" for line in changes))
    static_cost(view)
    for note in words.roof_notes(view):  # a roof area missing or a roof already full
        st.info(note, icon=":material/roofing:")
    unchanged = view.scenario == view.recommended
    st.button(
        t("design.apply"),
        type="primary",
        on_click=apply,
        args=(view,),
        disabled=unchanged,
        key="design_apply",
        help=t("design.apply_help"),
        icon=":material/done_all:",
    )
    if unchanged:
        st.caption(t("design.already"))


def static_cost(view: ds.DesignView) -> None:
    """With "static keys only": why, and what that safety costs against dynamic keys."""
    table = ds.static_keys_table(view.figures)
    if table is None:
        return
    st.info(words.static_keys_words(view), icon=":material/gavel:")
    if not view.figures["static_keys_only"]["dynamic_tiers"]:
        return
    shown = pd.DataFrame(
        {t(f"design.static.col.{c}"): [fmt.eur(v, cents=True) for v in table[c]] for c in table},
        index=[t(f"design.static.row.{f}") for f in table.index],
    )
    st.dataframe(shown, width="stretch")


def apply(view: ds.DesignView) -> None:
    """on_click of "apply this design": the recommended design becomes the session's
    scenario, kept as an edit of the file it came from."""
    src = session.source()

    def change(data: dict[str, Any]) -> dict[str, Any]:
        return ds.applied_data(data, view.recommended, src.base_dir, src.name)

    before = st.session_state["scenario"]
    session.edit(change, t("design.apply"), fresh=True)
    if st.session_state["scenario"] is not before:
        st.session_state[APPLIED] = {"to": state.scenario_key(view.recommended), "view": view}
        st.session_state.pop("design_again", None)


def applied(checked: state.Check) -> bool:
    """After "apply": say so, with what changed; True while the page shows only that."""
    done = st.session_state.get(APPLIED)
    if not done or checked.scenario is None or done["to"] != state.scenario_key(checked.scenario):
        return False
    st.success(t("design.applied", title=session.title()), icon=":material/check_circle:")
    lines = done.get("lines") or words.change_lines(done["view"])  # a point of the trade-off
    st.markdown("\n".join(f"- {line}" for line in lines))
    if st.session_state.get("design_again"):
        return False
    st.button(
        t("design.again"),
        key="design_again_button",
        on_click=lambda: st.session_state.__setitem__("design_again", True),
    )
    return True


# --------------------------------------------------------------------------- options
def _keep_option(name: str) -> None:
    st.session_state[f"design_{name}"] = st.session_state[f"design_w_{name}"]


def chosen_options() -> DesignOptions:
    """The user's lever, criterion, objective and quick/full choice (kept per session)."""
    values: dict[str, Any] = {}
    choices = {"lever": ds.LEVERS, "criterion": ds.CRITERIA, "objective": ds.OBJECTIVES}
    columns = st.columns([3, 2, 3, 2.5], vertical_alignment="bottom")
    for column, (name, options) in zip(columns, choices.items(), strict=False):
        current = st.session_state.get(f"design_{name}", OPTION_DEFAULTS[name])
        values[name] = column.selectbox(
            t(f"design.option.{name}"),
            options,
            index=list(options).index(current),
            format_func=lambda c, n=name: t(f"design.choice.{n}.{c}"),
            key=f"design_w_{name}",
            on_change=_keep_option,
            args=(name,),
            help=t(f"design.option.{name}_help"),
        )
    for column, name in ((columns[3], "full"), (columns[3], "static")):
        values[name] = column.toggle(
            t(f"design.option.{name}"),
            value=st.session_state.get(f"design_{name}", False),
            key=f"design_w_{name}",
            on_change=_keep_option,
            args=(name,),
            help=t(f"design.option.{name}_help"),
        )
    return ds.design_options(
        values["lever"], values["criterion"], values["objective"], values["full"], values["static"]
    )


# --------------------------------------------------------------------------- page
def page(checked: state.Check) -> None:
    """Render the Design page for the session's scenario."""
    st.header(t("design.title"))
    out = banner.banner(checked)
    if out is None or checked.scenario is None:
        st.info(t("design.fix_first"))
        return
    if applied(checked):
        return
    st.caption(t("design.intro"))
    options = chosen_options()
    try:
        view = design(state.scenario_key(checked.scenario), options)
    except (EnergysimError, ValueError) as exc:
        st.error(t("design.failed", message=say_error(exc)), icon=":material/error:")
        return
    st.caption(t("design.quick" if not view.full else "design.full"))
    verdict(view)
    recommendation(view, out["summary"])
    design_tabs.tabs(view)
