"""What an uploaded scenario may read on the server: only the examples' own files.

A scenario names files (``generation_csv``, ``weather.path``, a schedule key's ``path``,
``price_csv`` ...) that a run opens on the machine that runs it. From the command line
that is the user's own machine; from the dashboard it is the server, so an uploaded
scenario could otherwise read any file the server can read (and a parser's message
would show its first line). An upload may name only files shipped with the examples
(``scenarios/``, as the measured example does); a scenario with its own measured data
runs with the command line. The path fields are those of the Scenario model
(:func:`energysim.config.data_files.given_paths`), so a new path field is covered.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dashboards.shared.i18n import t
from energysim.config.data_files import given_paths
from energysim.core.errors import ScenarioError


def shipped(value: str, examples: Path) -> bool:
    """Whether ``value`` (relative to ``examples``, or absolute) names a regular file in
    the ``examples`` folder once every symlink and ``..`` is resolved."""
    try:
        target = (examples / value).resolve()
        return target.is_relative_to(examples.resolve()) and target.is_file()
    except (OSError, ValueError):  # a NUL byte, a loop of symlinks
        return False


def refuse_server_files(data: dict[str, Any], name: str, examples: Path) -> None:
    """Raise a one-line :class:`ScenarioError` naming the upload, the field and the path
    when a path field of the uploaded scenario names anything but an example's file."""
    for at, value in given_paths(data).items():
        if isinstance(value, str) and not shipped(value, examples):
            raise ScenarioError(t("upload.server_file", name=name, field=at, path=value))
