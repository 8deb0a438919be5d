"""A batch's ``units/`` folder: what is written, what was being computed, what to resume.

Every finished unit has its row in ``units/<unit_id>.json`` (written whole, atomically).
While a unit is computed, ``units/.<unit_id>.running`` holds the id of the process that
computes it: a worker that dies (``kill -9``, out of memory) leaves its markers, and the
batch's error names those units (:func:`interrupted`). A resumed batch computes every
unit whose row is missing, and one whose file cannot be read (cut short by a full disk
or by a copy that stopped), saying so; a row computed from another scenario stops it.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from energysim.core.errors import DataError

RUNNING_SUFFIX = ".running"
"""``units/.<unit_id>.running``: the unit is being computed (removed when its row is
written)."""


class BatchInterrupted(RuntimeError):
    """A batch stopped before every unit was computed: a worker process died. The units
    written are kept; a resumed batch computes the rest. Not bad input (the CLI's exit
    status 3)."""


def row_path(units_dir: Path, unit_id: str) -> Path:
    """Where a unit's row is written."""
    return units_dir / f"{unit_id}.json"


_RUNNING: list[Path] = []
"""The marker of the unit this process computes (none or one)."""


def mark_running(units_dir: Path, unit_id: str) -> Path:
    """Write the marker of ``unit_id`` being computed by this process; returns it."""
    marker = units_dir / f".{unit_id}{RUNNING_SUFFIX}"
    marker.write_text(str(os.getpid()), encoding="utf-8")
    _RUNNING[:] = [marker]
    return marker


def unmark_running(marker: Path) -> None:
    """Remove the marker of a unit whose row is written."""
    _RUNNING.clear()
    marker.unlink(missing_ok=True)


def forget_running() -> None:
    """Remove this process's marker: a worker stopped by its pool (because another
    worker died) does so, so the batch's error names the units of the one that died."""
    for marker in _RUNNING:
        with contextlib.suppress(OSError):
            marker.unlink()


def clear_markers(units_dir: Path) -> list[str]:
    """Remove the markers of units being computed; returns their unit ids (sorted)."""
    ids = []
    for marker in sorted(units_dir.glob(f".*{RUNNING_SUFFIX}")):
        ids.append(marker.name[1 : -len(RUNNING_SUFFIX)])
        with contextlib.suppress(OSError):
            marker.unlink()
    return ids


def units_to_compute(
    units_dir: Path, hashes: Mapping[str, str], note: Callable[[str], None] | None
) -> set[str]:
    """The ids among ``hashes`` (unit id: scenario fingerprint) whose row is not written.

    A file that cannot be read counts as not written: ``note`` is called with a line
    naming it.

    Raises
    ------
    DataError
        A row computed from another scenario than its unit's (another fingerprint).
    """
    todo = set()
    for uid, fingerprint in hashes.items():
        path = row_path(units_dir, uid)
        try:
            stored = json.loads(path.read_bytes())
        except FileNotFoundError:
            todo.add(uid)
            continue
        except (OSError, ValueError) as exc:  # cut short, emptied, not UTF-8
            stored = exc
        if not isinstance(stored, dict):
            reason = stored.strerror if isinstance(stored, OSError) else "cut short or damaged"
            if note:
                note(f"{path}: cannot be read ({reason}); unit {uid} is computed again")
            todo.add(uid)
        elif stored.get("scenario_hash") != fingerprint:
            raise DataError(
                f"{path}: computed from another scenario than this batch's unit (template, "
                "--set or --sweep changed); choose another output folder"
            )
    return todo


def interrupted(units_dir: Path, unit_ids: Iterable[str], cause: str) -> BatchInterrupted:
    """The error of a batch whose worker died (``cause``): the units that were being
    computed (their markers, removed here), how many are kept, and how to resume."""
    ids = set(unit_ids)
    flying = [u for u in clear_markers(units_dir) if u in ids]
    flying = [u for u in flying if not row_path(units_dir, u).exists()]
    written = sum(row_path(units_dir, u).exists() for u in ids)
    where = f" while computing unit(s) {', '.join(flying)}" if flying else ""
    return BatchInterrupted(
        f"batch stopped: {cause}{where}; {written} of {len(ids)} unit(s) are written and "
        "kept: run the same command with --resume to compute the rest"
    )
