"""The files a scenario names: every path-typed field of the Scenario model.

A scenario names files that a run reads (``generation_csv``, ``weather.path``, a
schedule key's ``path``, a battery's ``price_csv`` ...). The fields are found in the
model's own types, so a new path field is covered without a change here. A run and
``energysim validate`` check that each named file exists before reading any (a missing
file is named with the field that names it); the dashboard refuses uploads whose files
are not the examples' own.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator
from pathlib import Path, PurePath
from typing import Any, TypeVar

from pydantic import BaseModel

from energysim.config.scenario import Scenario
from energysim.core.errors import DataError
from energysim.core.textfile import file_kind

T = TypeVar("T")

__all__ = ["path_fields", "given_paths", "data_files", "check_data_files"]


def _is_path(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, PurePath)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _found(value: Any, annotation: Any, at: str) -> Iterator[tuple[str, Any]]:
    """(field, value) of every path-typed field of ``annotation`` given in ``value``.

    ``value`` is a scenario dict (parsed TOML, or a validated scenario's
    ``model_dump()``); ``value=None`` walks the model's types alone and yields every path
    field's place (``buildings[].battery.price_csv``). Every alternative of a union is
    followed (a schedule key's ``path`` is found whatever its ``method`` says).
    """
    kind, parts = _walk_plan(annotation)
    if kind == "path":
        yield at, value
    elif kind == "model":
        for name, inner_annotation in parts:
            if value is None or (isinstance(value, dict) and name in value):
                inner = None if value is None else value[name]
                yield from _found(inner, inner_annotation, f"{at}.{name}" if at else name)
    elif kind == "sequence":
        items = [(f"{at}[]", None)] if value is None else []
        items += [(f"{at}[{i}]", v) for i, v in enumerate(value if isinstance(value, list) else [])]
        for where, item in items:
            for arg in parts:
                yield from _found(item, arg, where)
    elif kind == "mapping":
        pairs = {"*": None} if value is None else value if isinstance(value, dict) else {}
        for key, item in pairs.items():
            yield from _found(item, parts[0], f"{at}.{key}")
    elif kind == "alternatives":  # a union, Optional or Annotated: each of its types
        for arg in parts:
            yield from _found(value, arg, at)


WalkPlan = tuple[str, tuple[Any, ...]]
"""How :func:`_found` walks a type: ``("none", ())`` (no path field below), ``("path",
())``, ``("model", ((field name, annotation), ...))``, ``("sequence", item types)``,
``("mapping", (value type,))`` or ``("alternatives", types)``; only the parts with a path
field below are listed."""

_WALK_PLANS: dict[Any, WalkPlan] = {}


def _walk_plan(annotation: Any) -> WalkPlan:
    """How :func:`_found` walks ``annotation`` (remembered per type, as
    :func:`_holds_paths`: a run's check reads each model's fields once per process)."""
    return _per_type(_WALK_PLANS, annotation, _make_walk_plan)


def _make_walk_plan(annotation: Any) -> WalkPlan:
    if not _holds_paths(annotation):  # no path field below: nothing to walk
        return "none", ()
    origin = typing.get_origin(annotation)
    if _is_path(annotation):
        return "path", ()
    if _is_model(annotation):
        fields = annotation.model_fields.items()
        return "model", tuple((n, i.annotation) for n, i in fields if _holds_paths(i.annotation))
    args = tuple(a for a in typing.get_args(annotation) if _holds_paths(a))
    if origin in (list, tuple):
        return "sequence", args
    if origin is dict:
        return "mapping", (typing.get_args(annotation)[-1],)
    return "alternatives", args


_HOLDS_PATHS: dict[Any, bool] = {}


def _holds_paths(annotation: Any) -> bool:
    """Whether a type has a path-typed field anywhere below it (remembered per type:
    a run's check walks only the parts of a scenario that can name a file)."""
    return _per_type(_HOLDS_PATHS, annotation, _walks_to_path)


def _per_type(memo: dict[Any, T], annotation: Any, make: Callable[[Any], T]) -> T:
    """``make(annotation)``, remembered in ``memo`` per type; an unhashable annotation
    (with metadata) is worked out each time."""
    try:
        return memo[annotation]
    except KeyError:
        pass
    except TypeError:  # an unhashable annotation: not remembered
        return make(annotation)
    memo[annotation] = made = make(annotation)
    return made


def _walks_to_path(annotation: Any) -> bool:
    if _is_path(annotation):
        return True
    if _is_model(annotation):
        return any(_holds_paths(info.annotation) for info in annotation.model_fields.values())
    return any(_holds_paths(arg) for arg in typing.get_args(annotation))


def path_fields() -> set[str]:
    """The place of every path-typed field of the Scenario (``a[].b``: any element)."""
    return {at for at, _ in _found(None, Scenario, "")}


def given_paths(data: dict[str, Any]) -> dict[str, Any]:
    """Field -> value of every path field a scenario dict gives (``buildings[0]...``),
    as given (not yet validated: any type)."""
    return {at: value for at, value in _found(data, Scenario, "") if value is not None}


def data_files(scenario: Scenario) -> dict[str, Path]:
    """Field -> file of every file the scenario names (paths resolved by validation)."""
    return {at: Path(v) for at, v in given_paths(scenario.model_dump()).items()}


def check_data_files(scenario: Scenario) -> None:
    """Check that every file the scenario names is there, before any is read.

    Raises
    ------
    DataError
        One line naming the file and the field that names it: ``generation.csv: file
        not found (field 'generation_csv')``, or what is there instead of a file.
    """
    for at, path in data_files(scenario).items():
        if path.is_file():
            continue
        if not path.exists():
            raise DataError(f"{path}: file not found (field '{at}')")
        raise DataError(f"{path}: expected a file, found {file_kind(path)} (field '{at}')")
