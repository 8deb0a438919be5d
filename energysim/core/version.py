"""The version of energysim, in one place: the package, its wheel (``pyproject.toml`` reads
it from here) and the profile cache's fingerprint use it."""

__version__ = "0.1.0"
