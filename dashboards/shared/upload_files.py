"""What an uploaded scenario may read on the server: only the examples' own files.

A scenario names files (``generation_csv``, ``weather.path``, a schedule key's ``path``,
``price_csv`` ...) that a run opens on the machine that runs it. From the command line
that is the user's own machine; from the dashboard it is the server, so an uploaded
scenario could otherwise read any file the server can read (and a parser's message
would show its first line). An upload may name only files shipped with the examples
(``scenarios/``, as the measured example does); a scenario with its own measured data
runs with the command line. The path fields are those of the Scenario model
(:func:`energysim.config.data_files.given_paths`), so a new path field is covered.

Uploads are also bounded, so one user cannot tie up the server: Streamlit refuses any file
above ``server.maxUploadSize`` (``dashboards/.streamlit/config.toml``, 25 MB, in its own
English words), and before that each kind of file has its own limit, said in the
uploader's help and in the refusal in the user's language: a scenario 1 MB (a large one is
a few kB), a register or portfolio 5 MB (about 40,000 rows), a batch summary 20 MB. A
scenario with more households than the dashboard computes in a few seconds (2,000 at
15-minute steps, 8,000 at hourly steps; 8,000 at 15 minutes took 36 s) is refused with the
command that runs it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dashboards.shared import formatting as fmt
from dashboards.shared.i18n import t
from energysim.config.data_files import given_paths
from energysim.core.errors import DataError, ScenarioError

MB = 1_000_000
MAX_SCENARIO_BYTES = 1 * MB
MAX_TABLE_BYTES = 5 * MB
"""A register or a portfolio: about 40,000 rows of a register."""
MAX_SUMMARY_BYTES = 20 * MB
"""A batch summary (CSV, Parquet or Excel): tens of thousands of complexes."""
MAX_HOUSEHOLD_INTERVALS = 2_000 * 35_040
"""Households x intervals of a year the dashboard runs: 2,000 households at 15-minute
steps (about 6 s on a shared 2-core machine), 8,000 at hourly steps."""


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


def refuse_large_file(size_bytes: int, name: str, limit_bytes: int) -> None:
    """Raise a one-line :class:`DataError` naming the upload, its size and the limit of its
    kind when it is larger than ``limit_bytes`` [bytes]."""
    if size_bytes > limit_bytes:
        raise DataError(
            t(
                "upload.too_large",
                name=name,
                size=fmt.number(size_bytes / MB, 1),
                limit=fmt.number(limit_bytes / MB),
            )
        )


def refuse_wrong_type(name: str, suffixes: Sequence[str]) -> None:
    """Raise a one-line :class:`DataError` naming the upload and the kinds of file the
    field takes when the file's name does not end in one of ``suffixes`` (``.csv``).

    The upload fields take any file (no ``type=``): Streamlit would otherwise refuse it
    itself, in English only ("text/plain files are not allowed")."""
    if Path(name).suffix.lower() not in {s.lower() for s in suffixes}:
        raise DataError(t("upload.wrong_type", name=name, expected=", ".join(suffixes)))


def streamlit_words_script() -> str:
    """JavaScript that says Streamlit's own refusal of a file above its hard limit
    (``server.maxUploadSize``; "Error: File must be 25.0MB or smaller.", written by its
    page in English only) in the page's language, as the page shows it."""
    said = json.dumps(t("upload.streamlit_too_large", limit="$2"))
    return (
        f"window.esTooLarge = {said}; window.esError = {json.dumps(t('upload.streamlit_error'))};"
        "if (!window.esUploadWords) {"
        " const fix = () => document.querySelectorAll('[data-testid=stFileUploader]')"
        "  .forEach(box => { const w = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);"
        "   for (let n = w.nextNode(); n; n = w.nextNode()) {"
        "    const s = n.nodeValue.replace("
        "     /(Error: )?File must be (.+?) or smaller\\./, window.esTooLarge);"
        "    const e = n.nodeValue === 'Error: ' ? window.esError : s;"
        "    if (e !== n.nodeValue) n.nodeValue = e; } });"
        " window.esUploadWords = new MutationObserver(fix);"
        " window.esUploadWords.observe(document.body,"
        "  {childList: true, subtree: true, characterData: true}); fix(); }"
    )


def households(data: dict[str, Any]) -> int:
    """Dwellings plus neighbourhood members of a scenario dict (what the run computes per
    interval); values of a wrong type count as none (the schema names them)."""
    total = 0
    buildings = data.get("buildings")
    for building in buildings if isinstance(buildings, list) else []:
        if not isinstance(building, dict):
            continue
        dwellings = building.get("dwellings")
        members = building.get("members")
        count = members.get("count") if isinstance(members, dict) else None
        for n in (dwellings, count):
            if isinstance(n, int) and not isinstance(n, bool) and n > 0:
                total += n
    return total


def refuse_slow_scenario(data: dict[str, Any], name: str) -> None:
    """Raise a one-line :class:`ScenarioError` when the uploaded scenario has more
    households than the dashboard computes in a few seconds at its time step
    (:data:`MAX_HOUSEHOLD_INTERVALS`), saying the command that runs it."""
    step = data.get("time_step_min", 15)
    step_min = step if isinstance(step, int) and step in (15, 60) else 15
    limit = MAX_HOUSEHOLD_INTERVALS // (365 * 24 * 60 // step_min)
    found = households(data)
    if found > limit:
        raise ScenarioError(
            t(
                "upload.too_many_households",
                name=name,
                households=fmt.count(found),
                step=step_min,
                limit=fmt.count(limit),
            )
        )
