"""Numbers typed into the form, the Dutch way or the English way, and numbers shown in it.

A Dutch volunteer types ``0,05`` for five cents and ``1.250`` for twelve hundred and fifty;
an English reader types ``0.05`` and ``1,250``. A browser's number field reads ``0,05`` as
5 and says nothing, so the form's number fields are text fields read here.

How a text is read (plain Python, without streamlit):

- spaces (also non-breaking) only between groups of three digits: ``1 250`` and
  ``1 250,5`` are 1250 and 1250.5, whatever the decimal mark;
- otherwise the text is read twice with the rules of the Dutch CSV dialect
  (:func:`energysim.core.csv_dialect.read_number` with ``nl``: a decimal comma, points only
  between groups of three digits), once as written (the Dutch reading) and once with
  points and commas swapped (the English reading). Forms only one of them reads are
  unambiguous: ``0,05``, ``24,5``, ``1.250,5``, ``1.250.000`` (Dutch) and ``0.05``,
  ``24.5``, ``1,250.5`` (English); ``0.250`` and ``0,250`` are a quarter (a group of
  thousands never starts with 0);
- one point or one comma before exactly three digits (``1.250``, ``1,250``, ``3.000``) is
  read both ways: 1250 or 1.25. The field decides: a reading is plausible when the
  scenario's schema would take it (the field's range and physical limit in
  :data:`energysim.config.limits.LIMITS`) and, for a count, when it is whole. One
  plausible reading is taken (``1,250`` for a price per kWh is EUR 1.25: 1250 is above the
  10 EUR/kWh limit; ``1.250`` dwellings is 1250); two are refused (``1.250`` kWp: a small
  roof or a large one), because guessing between two figures the engine would both run
  turns a wrong guess into a wrong answer without a word. With none, the reading of the
  page's language is taken and the schema's check says what is wrong at the field.

The page's language changes only how numbers are shown (:func:`shown`), never how they are
read: a Dutch and an English user typing the same text get the same number.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from energysim.config.limits import limit_of
from energysim.core.csv_dialect import read_number

_SPACES = re.compile(r"[  \u202f]")
_SPACE_GROUPED = re.compile(r"[+-]?\d{1,3}(?: \d{3})+(?:[.,]\d+)?")


@dataclass(frozen=True)
class NumberRefused(ValueError):
    """A typed text the form does not take: ``reason`` names the catalogue's sentence
    (``numbers.<reason>``), ``fill`` its figures."""

    reason: str
    fill: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.reason}: {self.fill}"


def readings(text: str) -> list[float]:
    """The numbers a typed text can mean: one, or two for ``1.250`` and ``1,250``.

    Raises
    ------
    NumberRefused
        ``unreadable`` for a text that is no number in either form (or not finite).
    """
    typed = _SPACES.sub(" ", text.strip())
    if " " in typed:
        if not _SPACE_GROUPED.fullmatch(typed):
            raise NumberRefused("unreadable")
        found = [float(typed.replace(" ", "").replace(",", "."))]
    else:
        swapped = typed.translate(str.maketrans(".,", ",."))
        found = []
        for form in (typed, swapped):
            try:
                value = read_number(form, "nl")
            except ValueError:
                continue
            if value not in found:
                found.append(value)
    if not found or not all(math.isfinite(v) for v in found):
        raise NumberRefused("unreadable")
    return found


def plausible(value: float, path: str, whole: bool) -> bool:
    """Whether the scenario field at ``path`` could hold ``value``: whole for a count,
    within the field's range and physical limit (:func:`energysim.config.limits.limit_of`)."""
    if whole and not float(value).is_integer():
        return False
    limit = limit_of(path)
    if limit is None:
        return True
    return (
        value <= limit.max
        and (limit.ge is None or value >= limit.ge)
        and (limit.gt is None or value > limit.gt)
        and (limit.le is None or value <= limit.le)
        and (limit.lt is None or value < limit.lt)
    )


def parse(text: str, path: str, whole: bool, lang: str) -> float | int:
    """The number a text typed into the field at ``path`` stands for.

    Parameters
    ----------
    text : str
        What was typed.
    path : str
        The scenario field (``buildings[0].arrays[2].capacity_kwp``): its range decides
        between two readings.
    whole : bool
        Whether the field is a count (an int is returned).
    lang : str
        The page's language: the reading taken when neither is plausible.

    Raises
    ------
    NumberRefused
        ``unreadable``, ``ambiguous`` (two plausible readings, ``fill``: ``text``,
        ``decimal``, ``thousands``) or ``whole`` (a fraction for a count).
    """
    found = readings(text)
    if len(found) == 1:
        value = found[0]
    else:
        fit = [v for v in found if plausible(v, path, whole)]
        if len(fit) == 2:
            small, large = sorted(fit)
            raise NumberRefused(
                "ambiguous",
                {
                    "text": text.strip(),
                    "decimal": _plain(small, lang),
                    "thousands": _plain(large, lang),
                },
            )
        # read as written: Dutch first; an English page reads the English form first
        value = fit[0] if fit else found[0 if lang == "nl" else -1]
    if whole:
        if not float(value).is_integer():
            raise NumberRefused("whole", {"text": text.strip()})
        return int(value)
    return value


def shown(value: Any, digits: int, lang: str) -> str:
    """A number as the form shows it in a language: ``0,020`` (nl), ``0.020`` (en).

    No thousands separator: what the field shows reads back as the same number
    (``1.250`` kWp would be ambiguous); an empty text for a value that is no number.
    """
    if not isinstance(value, int | float) or isinstance(value, bool):
        return ""
    text = f"{value:.{digits}f}" if isinstance(value, float) else str(value)
    return text.replace(".", ",") if lang == "nl" else text


def _plain(value: float, lang: str) -> str:
    """A number with the decimals it has (``1,25``, ``3``, ``1250``), for a message."""
    text = f"{value:.10g}"
    return text.replace(".", ",") if lang == "nl" else text
