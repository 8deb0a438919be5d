"""A portfolio batch started from the browser: plan, start, progress, stop, finish.

The batch runs as ``energysim batch`` in a process of its own (the command a housing
corporation runs on the command line, :func:`energysim.batch.runner.run_batch`), so the
dashboard stays responsive while it computes and Stop ends it at once. Its progress is
what it has written: one file per finished unit under ``OUT/units/``
(:mod:`energysim.batch.unit_files`); a stopped batch keeps those and "continue" runs the
same command with ``--resume``, which computes only the rest. Plain Python, testable
without a browser.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from energysim.batch.runner import SUMMARY_NAME, SUMMARY_SUFFIXES, UNITS_DIR, plan_batch

RULES_SWEEP = "year=2026,2027"
"""Both rules of the law: 2026 with net metering, 2027 without (Wet collectieve
warmte/Energiewet: salderen ends on 1 January 2027)."""

EXIT_UNITS_FAILED = 3
"""``energysim batch`` exit status when a unit failed (the others are in the summary)."""


def workers() -> int:
    """Worker processes for a batch: every core but one, which the dashboard keeps."""
    return max(1, (os.cpu_count() or 1) - 1)


@dataclass
class Job:
    """A batch started from the page.

    Attributes
    ----------
    command : list of str
        The ``energysim batch`` command line (without ``--resume``).
    out_dir : pathlib.Path
        Where it writes: ``units/`` while it runs, the summary when it is done.
    total_units : int
        Units of the plan (complexes x sweep points), failed portfolio rows excluded.
    started_s : float
        :func:`time.monotonic` when this (re)start began.
    done_at_start : int
        Units already written when it (re)started (a continued batch).
    """

    command: list[str]
    out_dir: Path
    total_units: int
    started_s: float = 0.0
    done_at_start: int = 0
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    log_path: Path | None = None


def plan_units(template: Path, portfolio: Path, sweeps: list[str]) -> int:
    """Check the batch as ``energysim batch`` does before any unit runs and count its
    units; a bad template or portfolio raises its one-line
    :class:`~energysim.core.errors.EnergysimError` here, before anything starts."""
    return len(plan_batch(template, portfolio_path=portfolio, sweeps=sweeps).units)


def new_job(template: Path, portfolio: Path, out_dir: Path, sweeps: list[str]) -> Job:
    """A job for ``template`` over ``portfolio`` (checked and counted, not started)."""
    total = plan_units(template, portfolio, sweeps)
    command = [
        sys.executable,
        "-m",
        "energysim.cli",
        "batch",
        str(template),
        "--portfolio",
        str(portfolio),
        "--out",
        str(out_dir),
        "--jobs",
        str(workers()),
    ]
    for sweep in sweeps:
        command += ["--sweep", sweep]
    return Job(command, out_dir, total)


def units_done(job: Job) -> int:
    """Units written so far (each unit's file is written whole or not at all)."""
    folder = job.out_dir / UNITS_DIR
    if not folder.is_dir():
        return 0
    # a row being written is a hidden temporary file until it is renamed into place
    return sum(1 for p in folder.glob("*.json") if not p.name.startswith("."))


def start(job: Job, resume: bool = False) -> None:
    """Start (or continue, ``resume``) the batch in a process group of its own."""
    job.out_dir.mkdir(parents=True, exist_ok=True)
    job.log_path = job.out_dir / "batch-log.txt"
    job.done_at_start = units_done(job) if resume else 0
    job.started_s = time.monotonic()
    with open(job.log_path, "ab") as log:
        job.process = subprocess.Popen(
            job.command + (["--resume"] if resume else []),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Stop ends the batch and its workers together
        )


def running(job: Job) -> bool:
    """Whether the batch's process is still computing."""
    return job.process is not None and job.process.poll() is None


def stop(job: Job, wait_s: float = 10.0) -> None:
    """End the batch and its workers; the units written stay (continue with resume)."""
    if not running(job):
        return
    assert job.process is not None
    try:
        os.killpg(job.process.pid, signal.SIGTERM)
        job.process.wait(timeout=wait_s)
    except subprocess.TimeoutExpired:
        os.killpg(job.process.pid, signal.SIGKILL)
        job.process.wait()
    except ProcessLookupError:  # it had just finished
        pass


def seconds_left(job: Job, now_s: float | None = None) -> float | None:
    """Time left at the pace of this (re)start [s]; None before the first unit is done."""
    done_now = units_done(job) - job.done_at_start
    if done_now <= 0:
        return None
    elapsed = (time.monotonic() if now_s is None else now_s) - job.started_s
    remaining = job.total_units - units_done(job)
    return max(0.0, elapsed / done_now * remaining)


def summary_path(job: Job) -> Path | None:
    """The batch summary once the batch has finished (None before)."""
    if running(job):
        return None
    for suffix in SUMMARY_SUFFIXES:
        path = job.out_dir / f"{SUMMARY_NAME}{suffix}"
        if path.is_file():
            return path
    return None


def failure(job: Job) -> str | None:
    """Why a finished batch wrote no summary: the last lines of its log (None when it
    wrote one, is still running, or was stopped)."""
    if job.process is None or running(job) or summary_path(job) is not None:
        return None
    if job.process.returncode in (-signal.SIGTERM, -signal.SIGKILL):
        return None
    text = job.log_path.read_text(encoding="utf-8", errors="replace") if job.log_path else ""
    lines = [line for line in text.splitlines() if line.strip() and "\r" not in line]
    return "\n".join(lines[-5:]) or f"exit status {job.process.returncode}"
