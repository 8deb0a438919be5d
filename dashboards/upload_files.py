"""What an uploaded scenario may read on the server: only the examples' own files.

A scenario names files (``generation_csv``, ``weather.path``, a schedule key's ``path``,
``price_csv`` ...) that a run opens on the machine that runs it. From the command line
that is the user's own machine; from the dashboard it is the server, so an uploaded
scenario could otherwise read any file the server can read (and a parser's message
would show its first line). An upload may name only files shipped with the examples
(``scenarios/``, as the measured example does); a scenario with its own measured data
runs with the command line. The path fields are found in the Scenario model itself, so
a new path field is covered without a change here.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import Any

from i18n import t
from pydantic import BaseModel

from energysim.errors import ScenarioError
from energysim.scenario import Scenario


def _is_path(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, PurePath)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _found(value: Any, annotation: Any, at: str) -> Iterator[tuple[str, Any]]:
    """(field, value) of every path-typed field of ``annotation`` given in ``value``.

    ``value`` is raw (parsed TOML, not yet validated); ``value=None`` walks the model's
    types alone and yields every path field's place (``buildings[].battery.price_csv``).
    Every alternative of a union is followed (a schedule key's ``path`` is found whatever
    its ``method`` says).
    """
    if _is_path(annotation):
        yield at, value
    elif _is_model(annotation):
        for name, info in annotation.model_fields.items():
            if value is None or (isinstance(value, dict) and name in value):
                inner = None if value is None else value[name]
                yield from _found(inner, info.annotation, f"{at}.{name}" if at else name)
    elif typing.get_origin(annotation) in (list, tuple) and value is None:
        for arg in typing.get_args(annotation):
            yield from _found(None, arg, f"{at}[]")
    elif typing.get_origin(annotation) in (list, tuple):
        for i, item in enumerate(value if isinstance(value, list) else []):
            for arg in typing.get_args(annotation):
                yield from _found(item, arg, f"{at}[{i}]")
    elif typing.get_origin(annotation) is dict:
        items = {"*": None} if value is None else value if isinstance(value, dict) else {}
        for key, item in items.items():
            yield from _found(item, typing.get_args(annotation)[-1], f"{at}.{key}")
    else:  # a union, Optional or Annotated: each of its types
        for arg in typing.get_args(annotation):
            yield from _found(value, arg, at)


def path_fields() -> set[str]:
    """The place of every path-typed field of the Scenario (``a[].b``: any element)."""
    return {at for at, _ in _found(None, Scenario, "")}


def given_paths(data: dict[str, Any]) -> dict[str, Any]:
    """Field -> value of every path field the scenario dict gives (``buildings[0]...``)."""
    return dict(_found(data, Scenario, ""))


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
