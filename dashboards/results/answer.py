"""The first screen of Results: what the scheme brings a household a year.

Per group of households (tenants taking part, tenants not taking part, members) the
median benefit and the range most households fall in (p10 to p90, the library's own
:func:`energysim.money.fairness.benefit_statistics` on the run's participants table),
and whether every participating household gains. Nothing is recomputed but the
statistics of the run's per-household benefits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from dashboards.shared import formatting as fmt
from dashboards.shared.i18n import t
from energysim.money.fairness import benefit_statistics

GROUPS = (("tenant", True), ("tenant", False), ("member", True), ("member", False))
"""(role, taking part) in the order the first screen shows them."""

ESTIMATES_CODE = "estimated_figures"
"""The code of the run's note that lists its estimated figures (the expander shows them)."""


def group_name(role: str, participating: bool) -> str:
    """A group's key: ``tenant_in``, ``tenant_out``, ``member_in``, ``member_out``."""
    return f"{role}_{'in' if participating else 'out'}"


def groups(participants: pd.DataFrame) -> list[dict[str, Any]]:
    """Benefit statistics per group of households, groups without households left out.

    Returns
    -------
    list of dict
        ``group`` (see :func:`group_name`) and the keys of
        :func:`~energysim.money.fairness.benefit_statistics` (``households``,
        ``median_eur``, ``p10_eur``, ``p90_eur``, ...) [EUR/yr].
    """
    households = participants[participants["role"] != "common"]
    out = []
    for role, joins in GROUPS:
        part = households[(households["role"] == role) & (households["participating"] == joins)]
        if part.empty:
            continue
        stats = benefit_statistics(part["benefit_eur"].to_numpy(dtype=float))
        out.append({"group": group_name(role, joins), **stats})
    return out


def losing(participants: pd.DataFrame, *, participating: bool = True) -> pd.DataFrame:
    """The households (taking part, or not) whose benefit is below zero, worst first."""
    households = participants[
        (participants["role"] != "common") & (participants["participating"] == participating)
    ]
    return households[households["benefit_eur"] < 0].sort_values("benefit_eur")


def verdict(participants: pd.DataFrame) -> tuple[bool, str]:
    """Whether every household taking part gains, and the sentence that says so."""
    joining = participants[(participants["role"] != "common") & participants["participating"]]
    lose = losing(participants)
    if lose.empty:
        text = t("answer.all_gain", count=fmt.count(len(joining)))
    else:
        text = t(
            "answer.some_lose",
            count=fmt.count(len(lose)),
            total=fmt.count(len(joining)),
            worst=fmt.eur(lose["benefit_eur"].iloc[0]),
        )
    outside = losing(participants, participating=False)
    if not outside.empty:
        text += " " + t(
            "answer.outside_lose",
            count=fmt.count(len(outside)),
            worst=fmt.eur(outside["benefit_eur"].iloc[0]),
        )
    return lose.empty and outside.empty, text


def without_estimates(notes: Sequence[str]) -> list[str]:
    """The run's notes without the list of estimated figures (one click away instead)."""
    return [n for n in notes if getattr(n, "code", None) != ESTIMATES_CODE]


def _nbsp(amount: str) -> str:
    """An amount that does not break between the euro sign and the figure."""
    return amount.replace(" ", "\u00a0")


def _range(g: dict[str, Any]) -> str:
    """Where most of a group's households lie (p10 to p90), or that they all get the
    same when those round to the same euros."""
    low, high = _nbsp(fmt.eur(g["p10_eur"])), _nbsp(fmt.eur(g["p90_eur"]))
    if g["households"] == 1:
        return t("answer.one_household")
    return t("answer.same", amount=low) if low == high else t("answer.range", low=low, high=high)


def _card(title: str, amount: str, under: str) -> None:
    with st.container(border=True):
        st.markdown(title)
        st.markdown(f"### {amount}")
        st.caption(under)


def show(participants: pd.DataFrame) -> None:
    """The answer to "what does it bring me?", before anything else on Results."""
    found = groups(participants)
    if not found:
        return
    st.subheader(t("answer.heading"), help=t("answer.help"))
    columns = st.columns(max(len(found), 3))
    for column, g in zip(columns, found, strict=False):
        with column:
            _card(
                t(f"answer.group.{g['group']}", count=fmt.count(g["households"])),
                t("answer.per_year", amount=_nbsp(fmt.eur(g["median_eur"]))),
                _range(g),
            )
    all_gain, text = verdict(participants)
    if all_gain:
        st.success(text, icon=":material/check_circle:")
    else:
        st.warning(text, icon=":material/warning:")
