"""Reading a user's text file: UTF-8 with one-line errors naming the file (no pandas).

A scenario, a CSV, a register or a weather file is read through :func:`read_text_file`,
so a missing file, a folder, a binary file or bytes that are not UTF-8 all give one line
naming the file (and the byte offset); a TOML text is parsed by :func:`parse_toml`, so
text that is not TOML, or TOML nested deeper than any scenario, gives one line too.
Pandas-free, so that reading a scenario (:mod:`energysim.config.scenario`) and
``energysim validate`` of a scenario without data files do not import pandas;
:mod:`energysim.core.series_csv` re-exports the readers of text.
"""

from __future__ import annotations

import codecs
import stat
import tomllib
from pathlib import Path
from typing import Any

from energysim.core.errors import DataError, EnergysimError


def decode_utf8(
    data: bytes,
    path: str | Path,
    what: str = "CSV file",
    error: type[EnergysimError] = DataError,
) -> str:
    """Decode a user's file as UTF-8 (a leading byte-order mark is dropped).

    Parameters
    ----------
    data : bytes
        The file's bytes.
    path : str or Path
        The file, named in messages.
    what : str
        What the file is ("CSV file", "scenario file", ...); a CSV gets the hint of the
        spreadsheet's "CSV UTF-8" format.
    error : type
        The exception to raise (:class:`DataError` or :class:`ScenarioError`).

    Raises
    ------
    DataError (or ``error``)
        One line naming the file and the byte offset (from 0) of the first byte that is
        not UTF-8, or of a NUL byte (a binary file).
    """
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    csv_like = "CSV" in what.upper() or Path(path).suffix.lower() in (".csv", ".txt")
    hint = "save the file as CSV UTF-8" if csv_like else "save the file as UTF-8"
    nul = data.find(b"\0", bom)
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = bom + exc.start
        if 0 <= nul < offset:
            raise error(
                f"{path}: byte {nul}: expected UTF-8 text ({what}), found a NUL byte "
                "(a binary file?)"
            ) from None
        raise error(
            f"{path}: byte {offset}: expected UTF-8 text, found byte 0x{data[offset]:02x} ({hint})"
        ) from None
    if nul >= 0:
        raise error(
            f"{path}: byte {nul}: expected UTF-8 text ({what}), found a NUL byte (a binary file?)"
        )
    return text


def file_kind(path: Path) -> str:
    """What is at ``path`` when it is not a regular file, in words (``a folder``)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "nothing that can be read"
    kinds = [
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((words for test, words in kinds if test(mode)), "no regular file")


def read_text_file(path: str | Path, what: str, error: type[EnergysimError] = DataError) -> str:
    """Read a user's text file as UTF-8, with one-line errors naming the file.

    Raises
    ------
    DataError (or ``error``)
        Missing or unreadable file, a folder, bytes that are not UTF-8 text.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise error(f"{path}: {what} not found") from None
    except IsADirectoryError:
        raise error(f"{path}: expected a {what}, found a folder") from None
    except OSError as exc:
        raise error(f"{path}: cannot read {what} ({exc.strerror or exc})") from None
    return decode_utf8(data, path, what, error)


TOML_DEPTH_MAX = 32
"""Most levels of arrays and tables a TOML file may nest. A scenario nests six at most
(``buildings[0].arrays[0].losses.soiling_frac``); deeper nesting is refused before any
reader walks it (and far before Python's own recursion limit, which ``tomllib`` hits at
about 400 levels)."""


def _depth(value: Any) -> int:
    """How many levels of arrays and tables a parsed TOML value nests (without recursion)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children = list(node.values())
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level + 1)
        if deepest > TOML_DEPTH_MAX:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def parse_toml(
    text: str, path: str | Path, error: type[EnergysimError] = DataError
) -> dict[str, Any]:
    """Parse a user's TOML text (a scenario, a template), with one-line errors naming the file.

    Raises
    ------
    DataError (or ``error``)
        Text that is not TOML (with ``tomllib``'s line and column), or arrays and tables
        nested more than :data:`TOML_DEPTH_MAX` levels deep.
    """
    too_deep = (
        f"{path}: expected a scenario (at most 6 levels of arrays and tables), found "
        f"arrays or tables nested more than {TOML_DEPTH_MAX} levels deep"
    )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses once per level
        raise error(too_deep) from None
    if _depth(data) > TOML_DEPTH_MAX:
        raise error(too_deep)
    return data
