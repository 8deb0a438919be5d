"""Where a batch's chunks of units run: local worker processes or a Dask cluster.

A worker process sets itself up (:func:`start_worker`): it keeps freed memory for its
next unit and ends itself when the process that started it is gone (killed with
``kill -9``, or crashed), so a killed batch leaves no workers behind. A worker that dies
(killed, out of memory) stops the batch with :class:`WorkerDied`, not a traceback: the
units already written are kept and a resumed batch computes the rest. The pool then
stops its other workers; each cleans up first (:func:`on_terminate`), so what is left
names the work of the one that died.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any

Task = Callable[..., Sequence[Any]]
"""Runs one chunk of units (its first argument) and returns their rows."""

PARENT_CHECK_S = 1.0
"""How often a worker looks whether the process that started it is still there [s]."""

EXIT_PARENT_GONE = 75
"""A worker's exit status when it ends because its batch's main process is gone."""


class WorkerDied(RuntimeError):
    """A worker process ended abruptly (killed, out of memory) while the batch ran."""


def retain_freed_memory() -> bool:
    """Let a worker's glibc keep freed large arrays for reuse (returns whether it could).

    A unit allocates arrays of about 10 MiB (a year of quarter-hours x 40 households).
    By default glibc serves blocks that large with ``mmap`` and returns them to the
    system when they are freed, so every unit page-faults on fresh memory again (about
    a tenth of a unit's time, measured). Raising ``M_MMAP_THRESHOLD`` to glibc's maximum
    (32 MiB) and ``M_TRIM_THRESHOLD`` to 1 GiB keeps them in the worker's heap: its
    memory stays at its peak (about 0.25 GiB) instead. Results do not change. Without
    glibc (macOS, Windows, musl) nothing is done.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3  # from glibc's malloc.h
    return bool(mallopt(m_mmap_threshold, 32 * 1024 * 1024) and mallopt(m_trim_threshold, 1 << 30))


def end_with_parent() -> bool:
    """End this worker process as soon as the process that started it is gone.

    A daemon thread waits on the parent's sentinel (:func:`multiprocessing.parent_process`:
    a handle on Windows, a pipe that the parent's end closes on POSIX) and, every
    :data:`PARENT_CHECK_S` seconds, looks whether this process was handed to another
    parent (POSIX: the parent died and ``getppid`` changed; this also holds when a
    sibling worker still keeps the pipe open). Then the worker ends at once with
    :data:`EXIT_PARENT_GONE`: the unit it was computing is not written (every unit's row
    is written whole or not at all), and a resumed batch computes it.

    Returns
    -------
    bool
        Whether the watch started (False in a process that multiprocessing did not start).
    """
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return False
    sentinel, parent_pid = parent.sentinel, os.getppid()

    def watch() -> None:
        from multiprocessing.connection import wait

        while True:
            gone = bool(wait([sentinel], timeout=PARENT_CHECK_S))
            if gone or (os.name == "posix" and os.getppid() != parent_pid):
                os._exit(EXIT_PARENT_GONE)

    threading.Thread(target=watch, name="energysim-end-with-parent", daemon=True).start()
    return True


def on_terminate(clean_up: Callable[[], None]) -> None:
    """When this worker is terminated (``SIGTERM``: the pool stops its workers because
    another one died), call ``clean_up`` and end as ``SIGTERM`` ends a process."""

    def handler(signum: int, frame: Any) -> None:
        clean_up()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    signal.signal(signal.SIGTERM, handler)


def start_worker(clean_up: Callable[[], None] | None = None) -> None:
    """Set up a worker process of a batch: :func:`retain_freed_memory`,
    :func:`end_with_parent` and, given ``clean_up``, :func:`on_terminate`."""
    retain_freed_memory()
    end_with_parent()
    if clean_up is not None:
        on_terminate(clean_up)


def run_in_processes(
    task: Task,
    chunks: Sequence[Sequence[Any]],
    args: tuple[Any, ...],
    workers: int,
    on_done: Callable[[int], None],
    clean_up: Callable[[], None] | None = None,
) -> None:
    """Run ``task(chunk, *args)`` for every chunk, in this process (one worker) or in a
    pool of ``workers`` local processes; ``on_done(n)`` after each chunk of ``n`` units.
    A worker the pool stops (because another died) calls ``clean_up`` first.

    Raises
    ------
    WorkerDied
        When a worker process ended abruptly (the pool then stops the others: the
        chunks not finished are not computed).
    """
    if workers == 1:
        # this process is the worker: the same memory setting as the pool's workers
        # (without it every unit page-faults its arrays afresh)
        retain_freed_memory()
        for chunk in chunks:
            on_done(len(task(chunk, *args)))
        return
    try:
        with ProcessPoolExecutor(
            max_workers=workers, initializer=start_worker, initargs=(clean_up,)
        ) as pool:
            futures = [pool.submit(task, chunk, *args) for chunk in chunks]
            for fut in as_completed(futures):
                on_done(len(fut.result()))
    except BrokenProcessPool:
        raise WorkerDied("a worker process died (killed, or out of memory)") from None


def run_in_dask(
    task: Task,
    chunks: Sequence[Sequence[Any]],
    kwargs: dict[str, Any],
    workers: int,
    scheduler: str | None,
    on_done: Callable[[int], None],
) -> None:
    """Run ``task(chunk, **kwargs)`` for every chunk on a Dask cluster: a local one of
    ``workers`` processes (set up by :func:`start_worker`), or the one at ``scheduler``.

    Raises
    ------
    WorkerDied
        When Dask gave up on a chunk whose workers kept dying (``KilledWorker``).
    """
    from distributed import Client, KilledWorker, LocalCluster
    from distributed import as_completed as dask_completed

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        if cluster is not None:  # our own workers; a shared cluster keeps its settings
            client.run(start_worker)
        futures = client.map(task, chunks, **kwargs, pure=False)
        for fut in dask_completed(futures):
            on_done(len(fut.result()))
    except KilledWorker:
        raise WorkerDied("Dask's workers died again and again (killed, or out of memory)") from None
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
