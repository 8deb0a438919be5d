"""How a batch cuts its units into tasks (energysim.batch.chunking), and what its parent
process prepares before it starts worker processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from energysim.batch.chunking import MAX_CHUNK, cut, guided_sizes, plan_tasks

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("n_units", [0, 1, 2, 7, 8, 9, 40, 100, 199, 400, 5000])
@pytest.mark.parametrize("workers", [1, 2, 3, 8])
def test_guided_sizes_cover_every_unit_large_first_single_last(n_units: int, workers: int) -> None:
    sizes = guided_sizes(n_units, workers)
    assert sum(sizes) == n_units
    assert all(1 <= s <= MAX_CHUNK for s in sizes)
    assert sizes == sorted(sizes, reverse=True)  # large tasks first
    if n_units:
        assert sizes[-1] == 1  # the workers finish within one unit of each other
    # each task is at most 1/(2 x workers) of what is left (rounded up): while one worker
    # computes it, the others hold at least as much work between them
    left = n_units
    for size in sizes:
        assert size <= -(-left // (2 * workers))
        left -= size


def test_guided_sizes_stay_few() -> None:
    """Few tasks per unit: scheduling costs a few ms a task, a unit ~60 ms."""
    assert len(guided_sizes(100, 2)) <= 25
    assert len(guided_sizes(400, 2)) <= 45
    assert len(guided_sizes(10_000, 2)) <= 10_000 / MAX_CHUNK + 30
    assert guided_sizes(20, 2) == [5, 4, 3, 2, 2, 1, 1, 1, 1]


def test_guided_sizes_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="workers >= 1"):
        guided_sizes(10, 0)
    with pytest.raises(ValueError, match="n_units >= 0"):
        guided_sizes(-1, 2)


def test_plan_tasks_keeps_order_and_a_given_chunk_size() -> None:
    items = list(range(23))
    tasks = plan_tasks(items, 2)
    assert [i for task in tasks for i in task] == items
    assert [len(t) for t in tasks] == guided_sizes(23, 2)
    fixed = plan_tasks(items, 2, chunk_size=5)
    assert [len(t) for t in fixed] == [5, 5, 5, 5, 3]
    assert [i for task in fixed for i in task] == items
    assert plan_tasks(items, 4, chunk_size=30) == [items]
    assert plan_tasks([], 2) == [] and plan_tasks([], 2, chunk_size=3) == []
    with pytest.raises(ValueError, match="sizes sum to 3, expected 2"):
        cut([1, 2], [1, 2])


def test_the_parent_imports_what_a_unit_runs() -> None:
    """A batch on worker processes imports the model before it forks them
    (:func:`energysim.batch.runner.import_unit_modules`); a fresh interpreter has not."""
    code = (
        "import sys\n"
        "from energysim.batch import runner\n"
        "names = ('energysim.simulate', 'energysim.results.tables', 'energysim.results.outputs')\n"
        "print(sorted(n for n in names if n in sys.modules))\n"
        "runner.import_unit_modules()\n"
        "print(sorted(n for n in names if n in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    ).stdout.splitlines()
    assert out[0] == "[]"
    assert out[1] == str(
        ["energysim.results.outputs", "energysim.results.tables", "energysim.simulate"]
    )
