"""The engine's messages and estimated figures in the page's language.

The library writes its notes and warnings as English sentences that carry a stable
code and their figures (:class:`energysim.core.messages.Message`). Here each becomes the
catalogue's sentence ``msg.<code>`` with its figures written as the language writes
them (``1.234 kWh``, ``€ 80``, ``21%``) and the scenario's field names replaced by the
words the Scenario page uses (``figure.<name>``). A message without a code (an older
summary, a design key's note) is shown as the engine wrote it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
from babel.numbers import format_decimal

from dashboards.shared import formatting as fmt
from dashboards.shared import i18n
from dashboards.shared.i18n import t

LISTED_MAX = 10
"""Names listed in a message before "..." (as the engine does)."""

_WORDS = {
    "group": "role_short",
    "kind": "msg_word.kind",
    "connection": "msg_word.connection",
    "rule": "msg_word.rule",
}
"""Params that are one of a few words -> the catalogue section that says them."""


def figure_words(name: str) -> str:
    """An estimated figure's name in words with its unit (``figure.<name>``); a
    building's figure (``B1.contracted_capacity_kw``) names the building."""
    building, _, figure = name.rpartition(".")
    words = t(f"figure.{figure}")
    return f"{words} ({building})" if building else words


def figure_value(value: float, name: str) -> str:
    """A figure's value: a share as %, others with as many decimals as they have."""
    if name.endswith("_frac"):
        return fmt.percent(value, 0)
    if name.endswith("_year"):  # a year, written without a thousands separator
        return str(int(value))
    return format_decimal(float(value), "#,##0.#####", locale=fmt.LOCALES[i18n.language()])


def _names(values: Sequence[Any]) -> str:
    shown = ", ".join(str(v) for v in values[:LISTED_MAX])
    return shown + (" ..." if len(values) > LISTED_MAX else "")


def _param(name: str, value: Any) -> str:
    """One figure of a message as the language writes it, by its name."""
    if name in _WORDS:
        return t(f"{_WORDS[name]}.{value}")
    if name == "figures":
        return "; ".join(figure_words(f) for f in value)
    if name == "owner_types":
        return ", ".join(t(f"design.owner_type.{v}") for v in value)
    if name == "replacement_years":
        return _names(value) if value else t("msg_word.none")
    if isinstance(value, list | tuple):
        return _names(value)
    if name == "start":
        return pd.Timestamp(value).strftime("%d-%m-%Y %H:%M")
    if isinstance(value, str) or name.endswith("year"):
        return str(value)
    if name in ("without_frac", "with_frac"):  # small changes of a share
        return fmt.percent(value, 2)
    if name.endswith("_frac"):
        return fmt.percent(value, 0)
    if name.endswith("_pp"):
        return fmt.pp(value, 3)
    if name.endswith("_eur"):
        return fmt.eur(value, cents=abs(value) < 100)
    if isinstance(value, int):
        return fmt.count(value)
    if name in ("energy_kwh", "packing_kwp_per_m2"):
        return fmt.number(value, 3 if name == "energy_kwh" else 2)
    pattern = "#,##0" if abs(value) >= 10 else "#,##0.#"
    return format_decimal(float(value), pattern, locale=fmt.LOCALES[i18n.language()])


def say(message: str) -> str:
    """One engine message in the page's language (as written when it has no code)."""
    code = getattr(message, "code", None)
    if code is None or not i18n.has(f"msg.{code}"):
        return str(message)
    params: Mapping[str, Any] = message.params  # type: ignore[attr-defined]
    return t(f"msg.{code}", **{k: _param(k, v) for k, v in params.items()})


def said(messages: Iterable[str]) -> list[str]:
    """Messages in the page's language."""
    return [say(m) for m in messages]


def _why(record: Mapping[str, Any]) -> str:
    """Where an assumed figure comes from, in words: a supplier's terms, the legal floor,
    a grid operator's tariff (``basis``, :class:`energysim.config.tariffs.Figure`), a
    reading of the law or of a contract (status ``reading``), a default the scenario
    leaves to be assumed (status ``assumption``), else a figure carried
    forward or our own estimate."""
    if record.get("status") in ("reading", "assumption"):
        return t(f"estimates.{record['status']}")
    if record.get("basis"):
        return t(
            f"estimates.basis_{record['basis']}",
            party=record.get("party", ""),
            year=str(record["from_year"]),
        )
    if record["from_year"] != record["year"]:
        return t("estimates.carried_forward", year=record["from_year"])
    return t("estimates.our_estimate")


def assumptions_table(assumptions: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The run's assumed and estimated figures (``summary.json`` ``assumptions``) with
    headers in words: which figure, its value, the year it is for and where it comes from
    (a reading of the law or of a contract says so)."""
    rows = [
        {
            t("estimates.figure"): figure_words(a["figure"]),
            t("estimates.value"): figure_value(a["value"], a["figure"]),
            t("estimates.year"): str(a["year"]),
            t("estimates.why"): _why(a),
        }
        for a in assumptions
    ]
    return pd.DataFrame(rows)
