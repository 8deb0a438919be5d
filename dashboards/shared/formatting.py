"""Numbers as people read them, in the dashboard's language.

Dutch writes 1.234,5 and 12,3%; English 1,234.5 and 12.3%. Energy is whole kWh with
thousands separators, money whole euros (cents where they matter: prices per kWh, small
amounts), shares a percentage with one decimal, counts integers. Babel holds each
language's conventions (CLDR), so nothing here spells a separator by hand.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd
from babel import Locale
from babel.numbers import NumberPattern, format_decimal, format_percent, parse_pattern

from dashboards.shared import i18n

LOCALES = {"nl": "nl_NL", "en": "en_GB"}
"""Language -> Babel locale."""

NONE = "–"
"""What a missing figure shows (no value, NaN)."""


def _locale(lang: str | None) -> Locale:
    return _babel_locale(LOCALES[lang or i18n.language()])


@functools.cache
def _babel_locale(name: str) -> Locale:
    """Babel's locale, parsed once (Babel parses a name again at every number)."""
    return Locale.parse(name)


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


@functools.cache
def _pattern(digits: int, sign: bool = False) -> NumberPattern:
    """The number pattern, parsed once (Babel parses a pattern again at every number)."""
    body = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return parse_pattern(f"+{body};-{body}" if sign else body)


def number(value: Any, digits: int = 0, *, sign: bool = False, lang: str | None = None) -> str:
    """A number with the language's separators: ``1.234,5`` (nl), ``1,234.5`` (en)."""
    if _missing(value):
        return NONE
    if not math.isfinite(float(value)):
        return "∞" if float(value) > 0 else "-∞"
    return format_decimal(float(value), _pattern(digits, sign), locale=_locale(lang))


def count(value: Any, *, lang: str | None = None) -> str:
    """A count as an integer: ``80``, ``1.250``."""
    if _missing(value):
        return NONE
    return number(round(float(value)), 0, lang=lang)


def kwh(value: Any, *, sign: bool = False, lang: str | None = None) -> str:
    """Energy in whole kWh: ``95.333 kWh``."""
    return _unit(number(value, 0, sign=sign, lang=lang), "kWh")


def mwh(value: Any, digits: int = 0, *, lang: str | None = None) -> str:
    """Energy in MWh: ``1.234 MWh``."""
    return _unit(number(value, digits, lang=lang), "MWh")


def kwp(value: Any, digits: int = 1, *, lang: str | None = None) -> str:
    """Peak capacity: ``105,0 kWp``."""
    return _unit(number(value, digits, lang=lang), "kWp")


def _unit(shown: str, unit: str) -> str:
    return shown if shown == NONE else f"{shown} {unit}"


def _euro(lang: str | None) -> str:
    """The euro sign as the language writes it before an amount (``€ 12``, ``€12``)."""
    return "€ " if (lang or i18n.language()) == "nl" else "€"


def eur(value: Any, *, cents: bool = False, sign: bool = False, lang: str | None = None) -> str:
    """Money in euros: whole (``€ 1.234``), or with cents (``€ 12,34``).

    ``sign`` shows ``+`` before a gain (for differences); a loss always shows ``-``.
    """
    if _missing(value):
        return NONE
    amount = float(value)
    digits = 2 if cents else 0
    shown = _euro(lang) + number(abs(amount), digits, lang=lang)
    if amount < 0 and round(abs(amount), digits) > 0:
        return "-" + shown
    return "+" + shown if sign and round(amount, digits) > 0 else shown


_BREAKABLE = re.compile(r"(?<=€) (?=[\d-])|(?<=\d) (?=(?:kWh|kWp|MWh|m²|%-punt|pp)\b)")
NBSP = "\u00a0"


def unbroken(text: str) -> str:
    """A figure that a narrow table column does not break between the euro sign and the
    amount or between the amount and its unit (``€ 7.214``, ``105,0 kWp``): those spaces
    become non-breaking; the words around them still wrap."""
    return _BREAKABLE.sub(NBSP, text)


def eur_per_kwh(value: Any, *, lang: str | None = None) -> str:
    """A price per kWh with three decimals: ``€ 0,250/kWh``."""
    if _missing(value):
        return NONE
    return f"{_euro(lang)}{number(value, 3, lang=lang)}/kWh"


def percent(frac: Any, digits: int = 1, *, sign: bool = False, lang: str | None = None) -> str:
    """A fraction as a percentage: ``65,4%`` (nl), ``65.4%`` (en)."""
    if _missing(frac):
        return NONE
    body = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
    pattern = f"+{body};-{body}" if sign else body
    return format_percent(float(frac), pattern, locale=_locale(lang))


def pp(points: Any, digits: int = 1, *, lang: str | None = None) -> str:
    """A difference of percentages in percentage points: ``-1,6 %-punt`` (nl),
    ``-1.6 pp`` (en); always signed."""
    if _missing(points):
        return NONE
    unit = i18n.text(lang or i18n.language(), "unit.pp")
    return f"{number(points, digits, sign=True, lang=lang)} {unit}"


def cell(name: str, value: Any, *, lang: str | None = None) -> str:
    """One table cell as people read it, by its column's unit (the header carries the
    unit): kWh and euros whole with separators, prices per kWh with three decimals,
    fractions as %, booleans yes/no, counts as integers."""
    if isinstance(value, bool):
        return i18n.text(lang or i18n.language(), "common.yes" if value else "common.no")
    if isinstance(value, str):
        return value
    if (name in ("year", "tariff_year") or name.startswith("sweep.")) and not _missing(value):
        return str(int(value)) if float(value).is_integer() else str(value)
    if name.endswith("_frac"):
        return percent(value, 1, lang=lang)
    if name.endswith("_eur_per_kwh"):
        return number(value, 3, lang=lang)
    if name.endswith(("_kwh", "_eur", "_mwh", "_kw", "_kwp", "_mw")) or "_kwp_to_" in name:
        return number(value, 0, lang=lang)
    if name.endswith("_pp"):
        return number(value, 2, sign=True, lang=lang)
    if isinstance(value, int | float) and float(value).is_integer():
        return count(value, lang=lang)
    return number(value, 2, lang=lang) if not _missing(value) else NONE


def readable(frame: pd.DataFrame, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A table as people read it: headers in words with units, cells formatted by unit
    (for showing; downloads keep the numbers). A named index becomes the first column."""
    out = frame.reset_index() if frame.index.name is not None else frame.copy()
    given = dict(labels or {})
    lang = i18n.language()
    shown = pd.DataFrame(
        {
            i: [cell(str(c), v, lang=lang) for v in out.iloc[:, i].tolist()]
            for i, c in enumerate(out.columns)
        }
    )
    shown.columns = [given[str(c)] if str(c) in given else i18n.column(c) for c in out.columns]
    return shown
