"""The design advice's sentences in Dutch and English: one catalogue per language.

A design tells its advice in sentences (the terminal's report, ``design.json``
``recommendation``, the Design page's report, the board report). Each sentence is a
template of ``energysim/data/words/<lang>.toml`` (section ``[advice]``, the same keys in
each language) filled with the design's figures. The English sentence is made when the
design is (:func:`say`): it is a :class:`Said`, a ``str`` that also keeps its key and
figures, so files and the terminal read as before, and :func:`in_language` writes the
same sentence in Dutch without parsing the English.

Numbers follow the template's format spec (``{npv_eur:,.0f}``) and are then written the
way the language writes them: ``1,234.5`` in English, ``1.234,5`` in Dutch (the
separators of :func:`energysim.results.statement_words.number`).
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Iterable, Mapping
from functools import cache
from importlib.resources import files
from typing import Any

import numpy as np

from energysim.results.statement_words import expect_language

__all__ = ["LANGUAGES", "Said", "advice_catalogue", "in_language", "joined", "say"]

LANGUAGES = ("nl", "en")
"""The languages a design's advice is written in."""

JOIN = "join"
"""The key of a :class:`Said` that joins other sentences (``params``: ``sep``, ``items``)."""


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, Mapping):
            out |= _flatten(value, f"{prefix}{key}.")
        else:
            out[f"{prefix}{key}"] = str(value)
    return out


@cache
def advice_catalogue(lang: str) -> dict[str, str]:
    """Sentence key -> its template in ``lang`` (``nl`` or ``en``), from the section
    ``[advice]`` of ``energysim/data/words/<lang>.toml`` (nested tables give dotted keys).

    Raises
    ------
    ValueError
        Another language, named as the ``--lang`` option.
    """
    lang = expect_language(lang)
    text = files("energysim").joinpath("data", "words", f"{lang}.toml").read_text("utf-8")
    return _flatten(tomllib.loads(text)["advice"])


class Said(str):
    """An English sentence of the advice that keeps its template's key and its figures.

    Parameters
    ----------
    text : str
        The sentence in English (what files and the terminal show).
    key : str
        Its key in :func:`advice_catalogue`, or :data:`JOIN`.
    params : dict
        The figures (numbers), names (str) and nested sentences (:class:`Said`) the
        template fills in.
    """

    key: str
    params: dict[str, Any]

    def __new__(cls, text: str, key: str, params: dict[str, Any]) -> Said:
        self = super().__new__(cls, text)
        self.key = key
        self.params = params
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # pickling (the dashboard's cache, process pools) keeps the key and figures
        return (Said, (str(self), self.key, self.params))


_NEGATIVE_EURO = re.compile(r"€ -(?=\d)")
"""A euro sign followed by a negative figure, as a template fills it in."""


class _Formatter(string.Formatter):
    """``str.format`` that writes nested sentences in its language and numbers with its
    separators (``1.234,5`` in Dutch)."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, str):
            return format(in_language(value, self.lang), format_spec)
        text = format(value, format_spec)
        number = isinstance(value, int | float | np.number) and not isinstance(value, bool)
        if number and self.lang == "nl":
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return text


def _render(key: str, params: Mapping[str, Any], lang: str) -> str:
    if key == JOIN:
        return str(params["sep"]).join(in_language(item, lang) for item in params["items"])
    try:
        template = advice_catalogue(lang)[key]
    except KeyError:
        raise KeyError(f"energysim/data/words/{lang}.toml [advice]: no sentence {key!r}") from None
    text = _Formatter(lang).format(template, **params)
    # Dutch writes a negative amount with its minus before the euro sign (``-€ 3.488``),
    # as the dashboard does; a template's ``€ {x}`` with a negative x reads ``€ -3.488``
    return _NEGATIVE_EURO.sub("-€ ", text) if lang == "nl" else text


def say(key: str, **params: Any) -> Said:
    """The sentence ``key`` with ``params``, written in English, keeping both.

    Raises
    ------
    KeyError
        A key without an English template (a programming error: the tests run every
        sentence in both languages).
    """
    return Said(_render(key, params, "en"), key, dict(params))


def joined(sep: str, items: Iterable[str]) -> Said:
    """Sentences (or parts) joined by ``sep``, each in the language asked later."""
    listed = list(items)
    return Said(sep.join(str(i) for i in listed), JOIN, {"sep": sep, "items": listed})


def in_language(text: str, lang: str) -> str:
    """``text`` in ``lang``: a :class:`Said` written from its template and figures, a
    design's message (:mod:`energysim.core.messages`, code ``design_*``) from
    ``msg.<code>``, any other text as it is (a name, a file, another message of the run).

    Raises
    ------
    ValueError
        Another language.
    """
    lang = expect_language(lang)
    if isinstance(text, Said):
        return _render(text.key, text.params, lang)
    code = getattr(text, "code", None)  # a run's message (energysim.core.messages)
    if code is not None and f"msg.{code}" in advice_catalogue(lang):
        said = _render(f"msg.{code}", text.params, lang)  # type: ignore[attr-defined]
        if str(text).endswith(ESTIMATE):  # the connection upgrade's default
            said += advice_catalogue(lang)["msg.estimate"]
        return said
    return str(text)


ESTIMATE = " (an estimate)"
"""How a design's message says its figure is our estimate (``msg.estimate``)."""
