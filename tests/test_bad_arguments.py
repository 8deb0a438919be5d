"""Command-line arguments that used to end in a traceback: one line, exit status 2.

``compare --years 2026 2026`` (ValueError), ``design --min-benefit nan`` or ``inf``
(ValueError from the design's options), ``batch --sweep year=2026,2026``
(StopIteration): each refused by its argument's type or the sweep's reader before
anything runs, with nothing written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from energysim.cli.main import main
from tests.helpers import minimal, write_scenario


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["compare", "{s}", "--years", "2026", "2026"],
            "energysim compare: error: argument --years: expected each value once, found "
            "2026 twice (see energysim compare --help)",
        ),
        (
            ["compare", "{s}", "--years", "2026", "2027", "2026"],
            "argument --years: expected each value once, found 2026 twice",
        ),
        (
            ["compare", "{s}", "--years", "1900"],
            "argument --years: expected a year from 2020 to 2060, found '1900'",
        ),
        (
            ["compare", "{s}", "--years", "next"],
            "argument --years: expected a year from 2020 to 2060, found 'next'",
        ),
        (
            ["design", "{s}", "--min-benefit", "nan"],
            "energysim design: error: argument --min-benefit: expected a finite number, found "
            "'nan' (see energysim design --help)",
        ),
        (
            ["design", "{s}", "--min-benefit", "inf"],
            "argument --min-benefit: expected a finite number, found 'inf'",
        ),
        (
            ["design", "{s}", "--min-benefit=-inf"],
            "argument --min-benefit: expected a finite number, found '-inf'",
        ),
        (
            ["batch", "{s}", "--sweep", "year=2026,2026"],
            "energysim: error: --sweep year=2026,2026: expected each value once, found 2026 twice",
        ),
        (
            ["batch", "{s}", "--sweep", "allocation.members.mode=sce,sharing,sce"],
            "--sweep allocation.members.mode=sce,sharing,sce: expected each value once, "
            "found 'sce' twice",
        ),
        (
            ["batch", "{s}", "--sweep", "year=2026", "--sweep", "year=2027"],
            "energysim: error: --sweep year: expected each key in one --sweep, found it twice",
        ),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    scenario = write_scenario(tmp_path, minimal())
    out = tmp_path / "out"
    assert _status([a.replace("{s}", str(scenario)) for a in argv] + ["--out", str(out)]) == 2
    assert expected in _one_line(capsys)
    assert not out.exists()


def _status(argv: list[str]) -> int | str | None:
    """The exit status of ``energysim ARGV``: argparse's (it exits) or ``main``'s."""
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


def test_a_sweep_of_values_alike_but_of_other_types_is_two_points() -> None:
    """``1`` and ``1.0`` (or ``true``) are different values of a sweep (one of them is
    refused by the field's type when its unit runs), not a value given twice."""
    from energysim.batch.sweep import sweep_points

    assert sweep_points(["x=1,1.0,true"]) == [{"x": 1}, {"x": 1.0}, {"x": True}]
