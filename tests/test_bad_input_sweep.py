"""Every bad input of the catalogue x {validate, run} x {earlier result present or not}.

For each case (``tests/bad_inputs.py``): ``validate`` and ``run`` both end with exit
status 2 and the same single line naming the file and field or column; ``run`` writes
nothing, and an earlier ``mini`` result in the output folder, another scenario's result
and a user's notes beside it are byte-for-byte what they were; no temporary folder is
left behind.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from energysim.cli.main import main
from tests.bad_inputs import CASES, BadInput
from tests.helpers import minimal, write_scenario


@pytest.fixture(scope="module")
def earlier_result(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output folder with a good ``mini`` result, another result and a user's notes."""
    folder = tmp_path_factory.mktemp("earlier")
    out = folder / "results"
    assert main(["run", str(write_scenario(folder, minimal())), "--out", str(out)]) == 0
    (out / "other-scenario").mkdir()
    (out / "other-scenario" / "summary.json").write_text('{"scenario": "other-scenario"}\n')
    (out / "NOTES.txt").write_text("my notes\n")
    return out


def _tree(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"")
        for p in sorted(folder.rglob("*"))
    }


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    err = captured.err
    assert err.startswith("energysim: error: "), err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def test_the_catalogue_is_large_and_its_ids_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 82


@pytest.mark.parametrize("bad", CASES, ids=[c.id for c in CASES])
@pytest.mark.parametrize("earlier", [False, True], ids=["empty-out", "earlier-result"])
def test_validate_and_run_refuse_alike_and_keep_what_was_there(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    earlier_result: Path,
    bad: BadInput,
    earlier: bool,
) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    scenario = bad.build(inputs)
    out = tmp_path / "results"
    if earlier:
        shutil.copytree(earlier_result, out)
    before = _tree(out)
    inputs_before = _tree(inputs)

    assert main(["validate", str(scenario)]) == 2
    validate_error = _error(capsys)
    assert bad.expected in validate_error, validate_error
    assert _tree(out) == before

    assert main(["run", str(scenario), "--out", str(out)]) == 2
    assert _error(capsys) == validate_error
    assert _tree(out) == before  # nothing written, nothing lost, no temporary folder
    assert _tree(inputs) == inputs_before  # and the inputs untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == (
        ["inputs", "results"] if earlier else ["inputs"]
    )
