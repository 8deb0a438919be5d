"""Exceptions of energysim.

Every error a user can cause carries a one-line message that names the file, the
field or column, what was expected and what was found.
"""

from __future__ import annotations


class EnergysimError(ValueError):
    """Base class of all errors raised for bad input."""


class ScenarioError(EnergysimError):
    """A scenario file is invalid (missing field, wrong type, unknown key, bad value)."""


class DataError(EnergysimError):
    """A data file (CSV, weather, register) is invalid: gap, duplicate, naive time, bad number."""
