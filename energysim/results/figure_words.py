"""The names of a run's estimated and assumed figures, in Dutch and English.

A run lists the figures it assumed or estimated (``summary.json`` ``assumptions``: a
tariff carried forward, a reading of the law, a default). Whoever shows them to a person
(the dashboard, the board report) names them in words with their unit, from one
catalogue per language in ``energysim/data/words/<lang>.toml`` (section ``[figure]``),
so a correction of a Dutch word is made once.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files

LANGUAGES = ("nl", "en")
"""The languages the figures are named in."""


@cache
def figure_catalogue(lang: str) -> dict[str, str]:
    """Figure code -> its name in ``lang`` (``nl`` or ``en``).

    Raises
    ------
    ValueError
        Another language.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"language: expected one of {', '.join(LANGUAGES)}, found {lang!r}")
    text = files("energysim").joinpath("data", "words", f"{lang}.toml").read_text("utf-8")
    return dict(tomllib.loads(text)["figure"])


def figure_name(name: str, lang: str) -> str:
    """A figure's name in words with its unit; a building's figure
    (``B1.contracted_capacity_kw``) names the building; an unknown code is kept."""
    building, _, figure = name.rpartition(".")
    words = figure_catalogue(lang).get(figure, figure)
    return f"{words} ({building})" if building else words
