"""The dashboard's words in Dutch (the default) and English.

Every string a user sees comes from a catalogue, one file per language:
``dashboards/locales/nl.toml`` and ``dashboards/locales/en.toml``. A catalogue is
plain TOML (the format of streamlit's own config file): a ``[section]`` per page or
theme and one ``key = "text"`` line per string, so a volunteer can correct a Dutch word
in any text editor without reading Python. ``{name}`` in a text is filled in by the
page (keep it as it is when translating). The code asks for a string by its dotted
key, ``section.key``; ``tests/test_dashboard_i18n.py`` checks that both catalogues have
the same keys and placeholders, and that every key the code uses exists.

Why TOML and not gettext: gettext's ``.po`` files need a compile step (``.mo``) and a
tool chain the volunteers do not have, and its English-text-as-key breaks every
translation when an English wording changes. TOML is read by Python's standard
library, and keys stay stable while either language's words change.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = {"nl": "Nederlands", "en": "English"}
"""Language code -> its own name (as the switch shows it)."""

DEFAULT_LANGUAGE = "nl"
LOCALES = Path(__file__).resolve().parents[1] / "locales"
STATE_KEY = "lang"
"""The session-state key (and URL query parameter) holding the language."""

missing: set[str] = set()
"""Keys asked for that no catalogue has (shown as the key itself; tests check it stays
empty)."""

_fallback = {"lang": DEFAULT_LANGUAGE}


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            out.update(_flatten(value, key + "."))
        elif isinstance(value, str):
            out[key] = value
        else:
            raise ValueError(f"{key}: expected a text in quotes, found {value!r}")
    return out


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All strings of one language, by dotted key (``results.generation``); the names of
    a run's assumed figures (``figure.<name>``) are the library's, which the board report
    shares (:mod:`energysim.results.figure_words`)."""
    from energysim.results.figure_words import figure_catalogue

    path = LOCALES / f"{lang}.toml"
    with path.open("rb") as handle:
        try:
            words = _flatten(tomllib.load(handle))
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path}: not valid TOML ({exc})") from None
    return words | {f"figure.{k}": v for k, v in figure_catalogue(lang).items()}


def _session() -> Any | None:
    """Streamlit's session state when a script run is going on, else None."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError:  # pragma: no cover - streamlit is a dependency
        return None
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    import streamlit as st

    return st.session_state


def language() -> str:
    """The current language: ``nl`` (default) or ``en``."""
    ss = _session()
    lang = _fallback["lang"] if ss is None else ss.get(STATE_KEY, DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    """Choose the language: the session's, or outside a streamlit run (scripts, tests)
    the one :func:`t` uses."""
    if lang not in LANGUAGES:
        raise ValueError(f"language: expected one of {', '.join(LANGUAGES)}, found {lang!r}")
    ss = _session()
    if ss is None:
        _fallback["lang"] = lang
    else:
        ss[STATE_KEY] = lang


def text(lang: str, key: str, **fmt: Any) -> str:
    """The string ``key`` in language ``lang``, with ``{placeholders}`` filled in."""
    words = catalogue(lang).get(key)
    if words is None:
        missing.add(key)
        return key
    return words.format(**fmt) if fmt else words


def t(key: str, **fmt: Any) -> str:
    """The string ``key`` in the current language, with ``{placeholders}`` filled in.

    A key no catalogue has is shown as itself (and remembered in :data:`missing`), so a
    forgotten string is visible rather than a crash.
    """
    return text(language(), key, **fmt)


def has(key: str) -> bool:
    """Whether the catalogues have ``key``."""
    return key in catalogue(DEFAULT_LANGUAGE)


def column(name: object) -> str:
    """A table column's header in words with its unit (``col.<name>`` in the catalogue:
    ``consumption_kwh`` -> "Verbruik (kWh/jaar)"); a name that is already words is kept.
    A bare identifier the catalogue lacks shows as its key, which the tests catch."""
    key = f"col.{name}"
    if has(key) or re.fullmatch(r"[a-z][a-z0-9]*([_.][a-z0-9]+)+", str(name)):
        return t(key)
    return str(name)


def shown_as(options: Iterable[Any], words: Callable[[Any], str]) -> Callable[[Any], str]:
    """A ``format_func`` for a widget: each option's words, fixed when the widget is
    drawn (so the words are the page's language whoever asks later)."""
    table = {option: words(option) for option in options}
    return lambda option: table.get(option, str(option))


def start_language() -> None:
    """At a session's start: the language of the URL (``?lang=en``), else Dutch."""
    import streamlit as st

    if STATE_KEY not in st.session_state:
        asked = st.query_params.get(STATE_KEY)
        st.session_state[STATE_KEY] = asked if asked in LANGUAGES else DEFAULT_LANGUAGE


def _keep_in_url(then: Callable[[], None] | None = None) -> None:
    import streamlit as st

    st.query_params[STATE_KEY] = st.session_state[STATE_KEY]
    if then is not None:
        then()


def language_switch(then: Callable[[], None] | None = None) -> str:
    """The language switch (in the sidebar); returns the language chosen.

    The choice is kept in the URL (``?lang=en``), so a reload or a shared link keeps it;
    ``then`` is called after a change (the form's fresh widgets).
    """
    import streamlit as st

    start_language()
    st.sidebar.radio(
        "Taal / Language",
        list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        horizontal=True,
        key=STATE_KEY,
        on_change=_keep_in_url,
        args=(then,),
    )
    return language()
