"""Exceptions of energysim.

Every error a user can cause carries a one-line message that names the file, the
field or column, what was expected and what was found.
"""

from __future__ import annotations

import re


class EnergysimError(ValueError):
    """Base class of all errors raised for bad input.

    The message is kept on one line: a line break that slipped in from a library's
    message (pandas, openpyxl) becomes a space.
    """

    def __init__(self, message: str = "", *args: object) -> None:
        super().__init__(re.sub(r"\s*\n\s*", " ", str(message)), *args)


class ScenarioError(EnergysimError):
    """A scenario file is invalid (missing field, wrong type, unknown key, bad value)."""


class DataError(EnergysimError):
    """A data file (CSV, weather, register) is invalid: gap, duplicate, naive time, bad number."""


def expect_type(value: object, expected: type | tuple[type, ...], caller: str, what: str) -> None:
    """Raise a :class:`TypeError` saying what ``caller`` expected when ``value`` is not it.

    Parameters
    ----------
    value : object
        What the caller was given.
    expected : type or tuple of types
        What it accepts.
    caller : str
        The public function's name, as users call it.
    what : str
        What it expects, in words (e.g. "a Result of energysim.run()").
    """
    if not isinstance(value, expected):
        raise TypeError(f"{caller}(): expected {what}, found {type(value).__name__}")
