"""What ``energysim run`` of the default scenario imports, and how its process ends.

A warm run (profiles from the cache) imports what it uses (numpy, pandas with the pyarrow
it brings, pydantic for the scenario, pyarrow.parquet for ``timeseries.parquet``) and none
of the libraries other commands need: the reports' PDF and chart libraries, the
dashboard's, Excel's, Dask, pvlib and scipy (the profiles are cached), nor the battery
modules (the default scenario has no battery), so that none can
creep into the start of every run unnoticed (benchmarks/startup.py times it). The modules
are read from ``python -X importtime``'s report of the command as a user runs it.

``run`` and ``validate`` end their process without Python's teardown
(:func:`energysim.cli.main.console`): everything they print must still arrive, and their
exit statuses must be what :func:`energysim.cli.main.main` returned.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from energysim.inputs import profile_cache

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO / "scenarios" / "rotterdam-galerijflat.toml"

NOT_FOR_A_RUN = (
    "scipy",
    "pvlib",
    "holidays",
    "openpyxl",
    "matplotlib",
    "plotly",
    "reportlab",
    "pypdfium2",
    "babel",
    "tomli_w",
    "streamlit",
    "dask",
    "distributed",
    "tqdm",
    "requests",
    "h5py",
    "energysim.batch",
    "energysim.design",
    "energysim.report",
    "energysim.ownership.register",
    "energysim.sharing.storage",
    "energysim.money.batteries",
)
"""Packages and modules a run of the default scenario has no use for (it has no battery,
heat pump or EV: the battery modules are imported where a run has one)."""

USED_BY_A_RUN = ("numpy", "pandas", "pyarrow", "pyarrow.parquet", "pydantic")


def _command(args: list[str], cache: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, profile_cache.CACHE_DIR_ENV: str(cache)}
    env.pop(profile_cache.NO_CACHE_ENV, None)
    return subprocess.run(
        [sys.executable, *flags, "-m", "energysim.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
    )


def _imported(importtime_report: str) -> set[str]:
    """Every module named in a ``python -X importtime`` report (on stderr)."""
    return {
        line.rsplit("|", 1)[1].strip()
        for line in importtime_report.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }


def test_a_warm_run_imports_only_what_it_uses_and_prints_everything(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["run", str(DEFAULT), "--out", str(out)]
    cold = _command(args, tmp_path / "cache")  # the first run fills the cache
    assert cold.returncode == 0, cold.stderr[-2000:]
    lines = cold.stdout.splitlines()
    assert lines[0].startswith("scenario rotterdam-galerijflat")
    assert lines[-1] == f"written: {out / 'rotterdam-galerijflat'}"  # the last line arrived
    warm = _command(args, tmp_path / "cache", "-X", "importtime")
    assert warm.returncode == 0, warm.stderr[-2000:]
    assert warm.stdout == cold.stdout
    written = sorted(p.name for p in (out / "rotterdam-galerijflat").iterdir())
    assert "timeseries.parquet" in written and "summary.json" in written
    seen = _imported(warm.stderr)
    assert set(USED_BY_A_RUN) <= seen  # the report is read: what a run needs is in it
    unwanted = sorted(
        name for name in seen if any(name == m or name.startswith(m + ".") for m in NOT_FOR_A_RUN)
    )
    assert unwanted == []


@pytest.mark.parametrize("command", ["run", "validate"])
def test_bad_input_still_ends_with_status_2_and_one_line(tmp_path: Path, command: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(DEFAULT.read_text().replace('name = "rotterdam-galerijflat"', "name = 5", 1))
    args = [command, str(bad)] + (["--out", str(tmp_path / "out")] if command == "run" else [])
    done = _command(args, tmp_path / "cache")
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("energysim: error: ")
    assert not (tmp_path / "out").exists()


def test_validate_exits_0_and_says_so(tmp_path: Path) -> None:
    done = _command(["validate", str(DEFAULT)], tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()  # its verdict arrived before the quick end
