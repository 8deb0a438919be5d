"""A portfolio computed from the browser (dashboards/portfolio/jobs.py): checked before it
starts, stopped with the units written kept, continued, and its summary that of
``energysim batch`` on the same files. The page itself is driven in Chromium in
tests/test_dashboard_browser.py."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from dashboards.portfolio import jobs
from dashboards.portfolio.run_view import EXAMPLE_TEMPLATE
from dashboards.portfolio.state import EXAMPLE_PORTFOLIO
from energysim.batch.runner import read_batch_summary
from energysim.core.errors import EnergysimError


def wait_for(condition, timeout_s: float = 240.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "the batch did not get there in time"
        time.sleep(0.2)


def test_a_bad_portfolio_is_refused_before_anything_starts(tmp_path: Path) -> None:
    bad = tmp_path / "portfolio.csv"
    bad.write_text("complex_id,postcode,dwellings\nC1,3085,many\n", encoding="utf-8")
    with pytest.raises(EnergysimError, match="'dwellings'"):
        jobs.new_job(EXAMPLE_TEMPLATE, bad, tmp_path / "out", [])
    assert not (tmp_path / "out").exists()


def test_a_stopped_batch_keeps_its_units_and_continues_to_the_same_summary(
    tmp_path: Path,
) -> None:
    job = jobs.new_job(EXAMPLE_TEMPLATE, EXAMPLE_PORTFOLIO, tmp_path / "here", [jobs.RULES_SWEEP])
    assert job.total_units == 2 * len(pd.read_csv(EXAMPLE_PORTFOLIO))
    jobs.start(job)
    assert jobs.running(job)
    wait_for(lambda: jobs.units_done(job) >= 1 or not jobs.running(job))
    jobs.stop(job)
    assert not jobs.running(job)
    kept = jobs.units_done(job)
    if kept < job.total_units:  # stopped in time (on a fast machine it may have finished)
        assert jobs.summary_path(job) is None
        assert jobs.failure(job) is None  # a stop is not a failure
        left = jobs.seconds_left(job)
        assert left is None or left > 0
    rows = {p.name: p.read_text() for p in (job.out_dir / "units").glob("C*.json")}
    jobs.start(job, resume=True)
    wait_for(lambda: not jobs.running(job))
    assert job.process is not None and job.process.returncode == 0
    for name, text in rows.items():  # the units written before the stop were not redone
        assert (job.out_dir / "units" / name).read_text() == text
    here = jobs.summary_path(job)
    assert here is not None and jobs.units_done(job) == job.total_units

    cli = tmp_path / "cli"
    subprocess.run(
        [sys.executable, "-m", "energysim.cli", "batch", str(EXAMPLE_TEMPLATE), "--portfolio",
         str(EXAMPLE_PORTFOLIO), "--sweep", jobs.RULES_SWEEP, "--out", str(cli)],
        check=True, capture_output=True,
    )  # fmt: skip
    ours, theirs = read_batch_summary(here), read_batch_summary(cli / "batch_summary.csv")
    pd.testing.assert_frame_equal(ours, theirs)
    assert set(ours["status"]) == {"ok"}
    json.loads(next((job.out_dir / "units").glob("C*.json")).read_text())  # whole rows


def test_a_batch_that_breaks_off_says_why(tmp_path: Path) -> None:
    job = jobs.new_job(EXAMPLE_TEMPLATE, EXAMPLE_PORTFOLIO, tmp_path / "out", [])
    job.command = [
        sys.executable,
        "-c",
        "import sys; print('worker ran out of memory'); sys.exit(1)",
    ]
    jobs.start(job)
    wait_for(lambda: not jobs.running(job))
    assert jobs.summary_path(job) is None
    assert "worker ran out of memory" in (jobs.failure(job) or "")
