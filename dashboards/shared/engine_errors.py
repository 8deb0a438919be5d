"""The engine's error messages in the page's language, without the server's paths.

The engine's errors are English one-line messages (the command line prints them as they
are). The page says them from a catalogue, ``dashboards/locales/errors.toml``: its keys
are the English messages as templates (``{path}: file not found``; derived from the
engine's source by :mod:`dashboards.shared.error_sources`, and from pydantic's own
messages of the constraints the scenario schema uses), its values the Dutch text with the
same placeholders. A message is matched against the templates (the most specific first);
the parts it fills in are said in turn when they are messages themselves (the validator's
sentence inside ``{source}: field '{loc}': {what}``), else written the Dutch way (a
decimal comma, the words of ``[words]``), and a scenario field is named with the words the
Scenario page uses for it. A message no template matches is shown as the engine wrote it.

Whatever the language, a path on the server (``/tmp/energysim-x1/register.csv``) is shown
as its file's name, which is the name of the user's own upload.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from dashboards.shared import i18n

CATALOGUE = Path(__file__).resolve().parents[1] / "locales" / "errors.toml"
_SERVER_PATH = re.compile(r"(?<![\w.:/])(?:/[^\s'\"/:,;()\[\]]+)+/([^\s'\"/:,;()\[\]]+)")
"""An absolute path of two or more parts; group 1 is its file's name."""
_MORE = re.compile(r" \(and (\d+) more errors?\)$")
"""The end of a scenario's first error when it has more (config/scenario.py)."""
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.]*)\}")
_ENGLISH_NUMBER = re.compile(r"-?\d+\.\d+")
_FILE_NAME = re.compile(r"\.[A-Za-z]\w{1,4}\b")
_FIELD_NAMES = ("loc", "field")
"""Placeholders that hold a scenario field's path (``buildings[0].dwellings``)."""
_DEPTH = 4


@cache
def catalogue() -> dict[str, str]:
    """English template -> Dutch template: the engine's messages and pydantic's."""
    with CATALOGUE.open("rb") as handle:
        tables = tomllib.load(handle)
    return {**tables["pydantic"], **tables["engine"]}


@cache
def _templates() -> dict[str, str]:
    """The catalogue, and each message that names its field first (``name: expected
    ...``) also without that name, as a field of the form shows it
    (:func:`dashboards.shared.state.field_message`); a rest that is placeholders only is
    not taken, as it would match any message."""
    out = dict(catalogue())
    for english, dutch in catalogue().items():
        name, sep, rest = english.partition(": ")
        dutch_rest = dutch.partition(": ")[2]
        literal = _PLACEHOLDER.sub("", rest).strip()  # "{exc}" alone would read anything
        if sep and literal and dutch_rest and " " not in name and rest not in out:
            out[rest] = dutch_rest
    return out


@cache
def words() -> dict[str, str]:
    """English words the engine fills into its messages -> Dutch."""
    with CATALOGUE.open("rb") as handle:
        return dict(tomllib.load(handle)["words"])


def _pattern(template: str) -> re.Pattern[str]:
    """The regular expression of a template: its text, each placeholder a group (the
    first of two adjacent placeholders takes what both hold)."""
    out, names, end = "", [], 0
    for match in _PLACEHOLDER.finditer(template):
        literal = template[end : match.start()]
        out += re.escape(literal.replace("{{", "{").replace("}}", "}"))
        adjacent = template[match.end() : match.end() + 1] == "{"
        out += f"(?P<g{len(names)}>.+)" if adjacent else f"(?P<g{len(names)}>.*?)"
        names.append(match.group(1))
        end = match.end()
    out += re.escape(template[end:].replace("{{", "{").replace("}}", "}"))
    return re.compile(out, re.DOTALL)


@cache
def _patterns() -> list[tuple[str, re.Pattern[str], list[str]]]:
    """(template, its pattern, its placeholder names), the most literal text first."""
    rows = [(t, _pattern(t), _PLACEHOLDER.findall(t)) for t in _templates()]
    return sorted(rows, key=lambda row: -len(_PLACEHOLDER.sub("", row[0])))


def without_server_paths(message: str) -> str:
    """A message with every absolute path shown as its file's name."""
    return _SERVER_PATH.sub(lambda m: m.group(1), message)


def _value(text: str, fields: Mapping[str, str]) -> str:
    """A filled-in part in Dutch: a field in the page's words, English words and
    decimal points the Dutch way."""
    if text in fields:
        return fields[text]
    if text in words():
        return words()[text]
    for english, dutch in words().items():
        if english.startswith(" ") and english in text:
            text = text.replace(english, dutch)
    if _FILE_NAME.search(text):  # a file's name keeps its dots (meter_15.5.csv)
        return text
    return _ENGLISH_NUMBER.sub(lambda m: m.group(0).replace(".", ","), text)


def _unread(part: str) -> int:
    """What a part a template could not read costs: its length, and much more for each
    ``": "`` in it (a part that swallowed a message's structure, as ``file: row 3`` would
    in ``{where}, column ...``)."""
    return 0 if part in words() else len(part) + 1000 * part.count(": ")


def _fill(template: str, filled: Mapping[str, str]) -> str:
    """A template with its placeholders filled in (one it was not given stays)."""
    return _PLACEHOLDER.sub(lambda m: filled.get(m.group(1), m.group(0)), template)


@cache
def _read(message: str, fields: tuple[tuple[str, str], ...], depth: int) -> tuple[int, str] | None:
    """A message in Dutch and what of it stayed unread, by the template that reads the
    most of it (its parts read in turn); None when no template matches it."""
    more = _MORE.search(message)
    if more:
        inner = _read(message[: more.start()], fields, depth)
        cost, text = inner if inner else (more.start(), message[: more.start()])
        n = more.group(1)
        return cost, text + f" (en nog {n} {'fout' if n == '1' else 'fouten'})"
    named = dict(fields)
    best: tuple[int, str] | None = None
    for template, pattern, names in _patterns():
        match = pattern.fullmatch(message)
        if match is None:
            continue
        cost, filled = 0, {}
        for i, name in enumerate(names):
            part = match.group(f"g{i}")
            inner = _read(part, fields, depth + 1) if depth < _DEPTH and part else None
            if name in _FIELD_NAMES and part in named:
                filled[name] = named[part]
            elif inner is not None:
                cost += inner[0]
                filled[name] = inner[1]
            else:
                cost += _unread(part)
                filled[name] = _value(part, named)
        if best is None or cost < best[0]:
            dutch = _fill(_templates()[template], filled)
            best = (cost, dutch)
    if best is None and depth == 0:  # a message the dashboard prefixed with the file
        name, sep, rest = message.partition(": ")
        inner = _read(rest, fields, 1) if sep and " " not in name else None
        best = None if inner is None else (inner[0], f"{name}: {inner[1]}")
    return best


def say_error(message: object, fields: Mapping[str, str] | None = None) -> str:
    """An engine error (or its message) as the page shows it, in the page's language.

    Parameters
    ----------
    message : object
        The exception or its one-line message.
    fields : mapping, optional
        A scenario field's path (``buildings[0].dwellings``) -> its words on the
        Scenario page, used to name a field in Dutch.
    """
    text = without_server_paths(str(message))
    if i18n.language() != "nl":
        return text
    said = _read(text, tuple(sorted((fields or {}).items())), 0)
    return text if said is None else said[1]
