"""Overrides and sweeps on scenario dicts: ``--set key=value`` and ``--sweep key=v1,v2``.

Keys are dotted paths into the scenario with list indices in brackets, e.g. ``year``,
``allocation.tenants.key.method``, ``buildings[0].tenants.participating``. Values are
read as TOML values (``2027``, ``0.5``, ``true``, ``"text"``, ``[1, 2]``); anything else
is taken as a plain string, so ``allocation.members.mode=sce`` works unquoted.
"""

from __future__ import annotations

import copy
import itertools
import re
import tomllib
from typing import Any

from energysim.core.errors import ScenarioError

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_value(text: str) -> Any:
    """A TOML value, or the text itself when it is not one."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _path(key: str) -> list[str | int]:
    parts: list[str | int] = []
    pos = 0
    for m in _PART.finditer(key):
        if m.start() != pos and key[pos : m.start()] != ".":
            raise ScenarioError(f"--set/--sweep key '{key}': expected a.b[0].c, found {key!r}")
        parts.append(int(m.group(2)) if m.group(2) is not None else m.group(1))
        pos = m.end()
    if not parts or pos != len(key):
        raise ScenarioError(f"--set/--sweep key '{key}': expected a.b[0].c, found {key!r}")
    return parts


def set_path(data: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """Return a copy of ``data`` with ``key`` set to ``value`` (intermediate tables created)."""
    out = copy.deepcopy(data)
    put_path(out, key, value)
    return out


def put_path(data: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` to ``value`` in ``data`` itself (intermediate tables created)."""
    node: Any = data
    parts = _path(key)
    for here, nxt in zip(parts[:-1], parts[1:], strict=True):
        if isinstance(here, int):
            if not isinstance(node, list) or here >= len(node):
                raise ScenarioError(f"--set key '{key}': index [{here}] does not exist")
            node = node[here]
        else:
            if here not in node:
                node[here] = [] if isinstance(nxt, int) else {}
            node = node[here]
    last = parts[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or last >= len(node):
            raise ScenarioError(f"--set key '{key}': index [{last}] does not exist")
    node[last] = value


def get_path(data: Any, key: str, default: Any = None) -> Any:
    """The value at ``key`` (``a.b[0].c``) in a scenario dict, or ``default`` when absent.

    A path that runs into something other than a table or list, or past the end of a
    list, counts as absent.
    """
    node: Any = data
    for part in _path(key):
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return default
        elif not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node


def parse_assignment(
    text: str, option: str = "--set", expected: str = "KEY=VALUE"
) -> tuple[str, str]:
    """Split ``key=value``; a clear error naming the ``option`` without ``=``."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ScenarioError(f"{option}: expected {expected}, found {text!r}")
    return key.strip(), value.strip()


def split_values(text: str) -> list[Any]:
    """Split ``v1,v2,...`` at top-level commas (not inside brackets or quotes)."""
    out, depth, quote, current = [], 0, "", ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(current)
            current = ""
            continue
        current += ch
    out.append(current)
    return [parse_value(v.strip()) for v in out if v.strip()]


def sweep_points(sweeps: list[str]) -> list[dict[str, Any]]:
    """The product of all ``key=v1,v2`` sweeps, as ``{key: value}`` dicts (one if none).

    Raises
    ------
    ScenarioError
        A sweep without values, a value given twice in a sweep (``year=2026,2026``) or a
        key swept twice: each sweep point is a unit of its own, named by its values.
    """
    axes = []
    keys: list[str] = []
    for item in sweeps:
        key, values = parse_assignment(item, "--sweep", "KEY=V1,V2,...")
        vals = split_values(values)
        if not vals:
            raise ScenarioError(f"--sweep {item}: expected at least one value")
        if key in keys:
            raise ScenarioError(f"--sweep {key}: expected each key in one --sweep, found it twice")
        keys.append(key)
        typed = [(type(v).__name__, repr(v)) for v in vals]
        twice = [v for i, v in enumerate(vals) if typed[i] in typed[:i]]
        if twice:
            raise ScenarioError(
                f"--sweep {item}: expected each value once, found {twice[0]!r} twice"
            )
        axes.append([(key, v) for v in vals])
    return [dict(combo) for combo in itertools.product(*axes)] if axes else [{}]
