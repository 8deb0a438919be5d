"""How a batch's units are cut into tasks: large tasks first, single units last.

Workers take tasks in order as they finish the previous one. With tasks of one size, the
last task can start just when the other workers run out of work, and they wait for it:
up to a whole task (a second or more of units) lost per worker at the end of every
batch, which for a batch of a few hundred units is most of what keeps two workers from
being twice as fast as one. *Guided self-scheduling* (Polychronopoulos and Kuck, "Guided
self-scheduling: a practical scheduling scheme for parallel supercomputers", IEEE Trans.
Computers C-36(12), 1987) makes each task a fixed fraction of the units still left: the
first tasks are large (few tasks, little scheduling per unit), the last ones a single
unit, so the workers finish within about one unit of each other.

Which worker computes which unit does not change any result: every unit's seeds come
from its scenario and its row is written by the unit alone (:mod:`energysim.batch.runner`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

MAX_CHUNK = 20
"""Units in a task, at most: ~20 units (about a second of work) amortise scheduling (a
few ms a task, on Dask more) and keep the progress bar moving."""

SHARES_PER_WORKER = 2
"""A task holds at most 1 / (``SHARES_PER_WORKER`` x workers) of the units still left."""


def guided_sizes(n_units: int, workers: int, max_chunk: int = MAX_CHUNK) -> list[int]:
    """Task sizes for ``n_units`` on ``workers``: each ``ceil(left / (2 x workers))``,
    at most ``max_chunk`` and at least 1; they sum to ``n_units``.

    >>> guided_sizes(20, 2)
    [5, 4, 3, 2, 2, 1, 1, 1, 1]
    """
    if n_units < 0 or workers < 1 or max_chunk < 1:
        raise ValueError(
            f"guided_sizes(): expected n_units >= 0, workers >= 1 and max_chunk >= 1, "
            f"found {n_units}, {workers}, {max_chunk}"
        )
    sizes = []
    left = n_units
    while left > 0:
        size = min(max_chunk, max(1, math.ceil(left / (SHARES_PER_WORKER * workers))))
        sizes.append(size)
        left -= size
    return sizes


def cut(items: Sequence[T], sizes: Sequence[int]) -> list[list[T]]:
    """``items`` in consecutive tasks of ``sizes`` (which sum to ``len(items)``), in order."""
    if sum(sizes) != len(items):
        raise ValueError(f"cut(): sizes sum to {sum(sizes)}, expected {len(items)}")
    tasks, start = [], 0
    for size in sizes:
        tasks.append(list(items[start : start + size]))
        start += size
    return tasks


def plan_tasks(items: Sequence[T], workers: int, chunk_size: int | None = None) -> list[list[T]]:
    """The tasks of a batch: ``chunk_size`` units each when given (the last one fewer),
    else :func:`guided_sizes`."""
    if chunk_size is not None:
        sizes = [chunk_size] * (len(items) // chunk_size)
        if len(items) % chunk_size:
            sizes.append(len(items) % chunk_size)
    else:
        sizes = guided_sizes(len(items), workers)
    return cut(items, sizes)
