"""Batch outputs are byte-identical to those of the recorded revision (golden files).

tests/data/golden_batch/ holds the batch summaries (CSV) that ``energysim batch`` wrote
for a small but varied portfolio (PROVENANCE.md there names the command and the commit):

- ``pooled.csv``: scenarios/portfolio_template.toml over tests/data/golden_batch/portfolio.csv
  (8 complexes: 12-64 dwellings, members 0 and > 0, with and without a lift, east-west,
  south, 200 and 135 degrees, given tilts, roof areas and household means), swept over
  year=2026,2027, households from the batch's pool of household-years;
- ``storage.csv``: template_storage.toml (a shared battery, heat pumps, EVs, the equal
  key) over the same complexes, year 2027, households from the pool;
- ``generated.csv``: the portfolio template, year 2027, every household generated
  (``--no-household-pool``).

A change that makes the batch faster must leave these bytes as they are. The one column
compared apart is ``scenario_hash``: it fingerprints the unit's scenario *and the template's
absolute folder* (:func:`energysim.batch.runner.scenario_hash`, so a resumed batch is the
same batch), which differs between checkouts; it is checked to be 16 hex digits, equal for
the units of a complex at the same point in two runs here, and left out of the comparison.

The profile cache (:mod:`energysim.inputs.profile_cache`) stores values exactly, so the
bytes do not depend on it being cold or warm: the test runs with the session's cache,
whichever it is. Regenerate (only when a change of results is intended and explained):
``python tests/test_batch_identical.py --write``.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "data" / "golden_batch"
PORTFOLIO = GOLDEN / "portfolio.csv"
TEMPLATE = REPO / "scenarios" / "portfolio_template.toml"
STORAGE_TEMPLATE = GOLDEN / "template_storage.toml"
BATCHES: dict[str, list[str]] = {
    "pooled": [str(TEMPLATE), "--sweep", "year=2026,2027"],
    "storage": [str(STORAGE_TEMPLATE), "--set", "year=2027"],
    "generated": [str(TEMPLATE), "--set", "year=2027", "--no-household-pool"],
}
"""Each golden batch: its file name and the arguments of ``energysim batch`` before
``--portfolio`` and ``--out``."""


def run_batches(out: Path) -> dict[str, Path]:
    """Run every golden batch in this process (one job) under ``out``; their summaries."""
    from energysim.cli.main import main

    written = {}
    for name, args in BATCHES.items():
        folder = out / name
        code = main(["batch", *args, "--portfolio", str(PORTFOLIO), "--out", str(folder)])
        assert code == 0, f"batch {name}: exit status {code}"
        written[name] = folder / "batch_summary.csv"
    return written


def without_hash(path: Path) -> tuple[str, list[str]]:
    """The CSV's text without its ``scenario_hash`` column (every other cell as written),
    and that column's values."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    at = rows[0].index("scenario_hash")
    hashes = [row[at] for row in rows[1:]]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(row[:at] + row[at + 1 :] for row in rows)
    return buffer.getvalue(), hashes


def test_batch_summaries_are_byte_identical_to_the_golden_files(tmp_path: Path) -> None:
    written = run_batches(tmp_path)
    for name, path in written.items():
        golden = GOLDEN / f"{name}.csv"
        got, hashes = without_hash(path)
        want, golden_hashes = without_hash(golden)
        assert all(re.fullmatch(r"[0-9a-f]{16}", h) for h in hashes), name
        assert len(set(hashes)) == len(hashes) == len(golden_hashes), name
        # the lines' ends and everything but the hash, byte for byte
        assert path.read_bytes().count(b"\n") == golden.read_bytes().count(b"\n"), name
        if got != want:
            pytest.fail(f"{name}: differs from {golden.name}: {first_difference(got, want)}")


def first_difference(got: str, want: str) -> str:
    """The first row that differs and (up to five of) its columns that do."""
    got_rows = list(csv.reader(io.StringIO(got, newline="")))
    want_rows = list(csv.reader(io.StringIO(want, newline="")))
    if len(got_rows) != len(want_rows) or got_rows[0] != want_rows[0]:
        return f"{len(got_rows)} rows, columns {got_rows[0][:5]}... (want {len(want_rows)})"
    at = next(i for i, (a, b) in enumerate(zip(got_rows, want_rows, strict=True)) if a != b)
    header = want_rows[0]
    cells = zip(got_rows[at], want_rows[at], strict=True)
    differ = [f"{header[i]}: {a} != {b}" for i, (a, b) in enumerate(cells) if a != b]
    return f"row {at}: {'; '.join(differ[:5])}"


def test_the_golden_batches_cover_what_they_claim() -> None:
    """The golden files hold the varied units the module docstring names, all ok."""
    import pandas as pd

    pooled = pd.read_csv(GOLDEN / "pooled.csv")
    assert len(pooled) == 16 and (pooled["status"] == "ok").all()
    assert set(pooled["sweep.year"]) == {2026, 2027}
    assert (pooled["consumption_kwh.members"] > 0).any()
    assert (pooled["consumption_kwh.members"] == 0).any()
    storage = pd.read_csv(GOLDEN / "storage.csv")
    assert len(storage) == 8 and (storage["status"] == "ok").all()
    assert storage["messages"].str.contains("shared battery").all()
    generated = pd.read_csv(GOLDEN / "generated.csv")
    assert len(generated) == 8 and (generated["status"] == "ok").all()
    assert not generated["messages"].str.contains("drawn from a pool").any()


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for name, path in run_batches(Path(tmp)).items():
            shutil.copyfile(path, GOLDEN / f"{name}.csv")
            print(f"wrote {GOLDEN / f'{name}.csv'}")
