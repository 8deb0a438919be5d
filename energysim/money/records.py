"""Figures as ``assumptions`` records, each figure's record made once per process.

A run lists every estimated figure and reading it used as a record
(:meth:`energysim.config.tariffs.Figure.as_record`, ``summary.json``'s ``assumptions``).
A batch runs the same few figures (a year's tariff estimates, the readings of the law)
in unit after unit; a :class:`~energysim.config.tariffs.Figure` is immutable, so its
record is made once and each run receives a copy of its own.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from energysim.config.tariffs import Figure

__all__ = ["figure_record"]


@lru_cache(maxsize=1024)
def _record(figure: Figure) -> dict[str, Any]:
    return figure.as_record()


def figure_record(figure: Figure) -> dict[str, Any]:
    """``figure.as_record()``: a new dict each call (the values are immutable)."""
    return dict(_record(figure))
