"""Names that become folder and file names: scenario names, complex ids, batch unit ids.

A result is written to ``OUT/<name>/``, a batch unit to ``OUT/units/<unit id>.json``; a
name such as ``.`` or ``..`` would make that folder the output folder itself or its
parent, and publishing would replace it. So such names are *safe slugs*: letters,
digits, ``_``, ``-`` and ``.``, starting with a letter or digit and not ending with
``.`` (which Windows drops), at most :data:`MAX_NAME_LENGTH` characters.
"""

from __future__ import annotations

import re

__all__ = ["MAX_NAME_LENGTH", "SAFE_NAME", "check_safe_name", "slugify"]

MAX_NAME_LENGTH = 120
"""Longest name [characters]; file systems allow 255 bytes, temporary names add some."""

SAFE_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")
"""A safe slug: it can only ever name one folder inside the output folder."""

_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]+")


def check_safe_name(value: str) -> str:
    """Return ``value`` if it is a safe slug, else raise :class:`ValueError` saying why.

    Raises
    ------
    ValueError
        With the expected form and the value found (one line).
    """
    if len(value) <= MAX_NAME_LENGTH and SAFE_NAME.fullmatch(value):
        return value
    raise ValueError(
        "expected a name that can be a folder name: letters, digits, '_', '-' and '.', "
        f"starting with a letter or digit, not ending with '.', at most {MAX_NAME_LENGTH} "
        f"characters; found {value!r}"
    )


def slugify(text: str, fallback: str = "unit") -> str:
    """Turn any text into a safe slug: unsafe runs become ``_``, ``=`` becomes ``-``.

    Leading characters other than letters and digits and trailing dots are dropped;
    an empty result becomes ``fallback``. The result always passes
    :func:`check_safe_name`.
    """
    slug = _UNSAFE.sub("_", text.replace("=", "-"))
    slug = slug.lstrip("_.-")[:MAX_NAME_LENGTH].rstrip(".")
    return slug if SAFE_NAME.fullmatch(slug) else fallback
