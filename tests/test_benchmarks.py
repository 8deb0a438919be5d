"""The benchmark scripts run as documented (smallest sizes; the figures are not checked)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


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
