"""The benchmark scripts run as documented (smallest sizes; the figures are not checked)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # each a benchmark script in a process of its own


def test_storage_benchmark_with_one_worker_counts_this_process() -> None:
    # --jobs 1 runs the units in this process: no child CPU time to divide by
    done = subprocess.run(
        [sys.executable, "benchmarks/storage.py", "--complexes", "1", "--jobs", "1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    cpu = [float(x) for x in re.findall(r"([\d.]+) s worker CPU", done.stdout)]
    assert len(cpu) == 2 and min(cpu) > 0.0, done.stdout
    ratio = r"^ratio +: the battery adds [+-][\d.]+% wall, [+-][\d.]+% worker CPU"
    assert re.search(ratio, done.stdout, re.MULTILINE), done.stdout
    # the four lines of every benchmark: baseline, checks that agree, ratio, peak memory
    assert re.search(r"^baseline +: ", done.stdout, re.MULTILINE), done.stdout
    checks = re.findall(r"^check +: .*: (agree|DIFFER)$", done.stdout, re.MULTILINE)
    assert checks == ["agree", "agree"], done.stdout
    assert re.search(r"^peak memory: [\d,]+ MiB this process", done.stdout, re.MULTILINE)


def test_national_benchmark_prints_memory_and_no_scaling_without_dask() -> None:
    # --dask-complexes 0 runs no cluster: no scaling efficiency is printed (before, a
    # meaningless one was); the baseline draws from the same pool and agrees
    done = subprocess.run(
        [
            sys.executable,
            "benchmarks/national.py",
            "--complexes",
            "2",
            "--parts",
            "1",
            "--dask-complexes",
            "0",
            "--profile-units",
            "2",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "from the batch's pool of household-years" in out
    assert re.search(r"max \|difference\| \S+ \(tolerance 1e-0?9\): agree", out), out
    assert re.search(r"peak memory *: largest energysim worker [\d,]+ MiB", out), out
    assert "Dask LocalCluster: not run (--dask-complexes 0)" in out
    assert "scaling efficiency" not in out
    assert "how to re-run: python benchmarks/national.py --complexes 2" in out
