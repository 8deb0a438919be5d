"""CSV dialects: the Dutch Excel dialect (semicolon, decimal comma, ja/nee) written by
the library and the command line reads back to the same numbers as the standard one."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from energysim.batch.runner import read_batch_summary, write_summary
from energysim.cli.main import main
from energysim.core.csv_dialect import (
    csv_bytes,
    csv_text,
    read_csv_file,
    read_number,
    sniff_dialect,
)
from energysim.core.errors import DataError
from tests.helpers import minimal, write_scenario

REPO = Path(__file__).resolve().parents[1]


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "participant_id": ["T1", "coöp;2"],
            "participating": [True, False],
            "consumption_kwh": [1234.5, 0.25],
            "count": [3, 4],
            "maybe": [True, None],
            "time": pd.to_datetime(["2026-01-01 00:00", "2026-07-01 12:15"]).tz_localize(
                "Europe/Amsterdam"
            ),
        }
    )


def test_dutch_dialect_by_hand() -> None:
    text = csv_text(frame(), "nl")
    assert text.splitlines() == [
        "participant_id;participating;consumption_kwh;count;maybe;time",
        "T1;ja;1234,5;3;ja;2026-01-01T00:00:00+0100",
        '"coöp;2";nee;0,25;4;;2026-07-01T12:15:00+0200',
    ]
    assert csv_bytes(frame(), "nl").startswith(b"\xef\xbb\xbfparticipant_id;")
    standard = csv_text(frame())
    assert standard.splitlines()[1] == "T1,True,1234.5,3,True,2026-01-01T00:00:00+0100"


def test_both_dialects_read_back_to_the_same_table() -> None:
    f = frame().drop(columns="time")
    for dialect in ("standard", "nl"):
        back = read_csv_file(csv_bytes(f, dialect), dialect)
        assert list(back["participating"]) == [True, False]
        assert back["consumption_kwh"].tolist() == [1234.5, 0.25]
        assert back["participant_id"].tolist() == ["T1", "coöp;2"]


def test_sniff_and_unknown_dialect() -> None:
    assert sniff_dialect(csv_bytes(frame(), "nl")) == "nl"
    assert sniff_dialect(csv_bytes(frame(), "standard")) == "standard"
    with pytest.raises(DataError, match="--csv-dialect: expected one of standard, nl"):
        csv_text(frame(), "excel")


def test_a_dutch_batch_summary_reads_back(tmp_path: Path) -> None:
    summary = pd.DataFrame(
        {
            "unit_id": ["a"],
            "complex_id": ["a"],
            "status": ["ok"],
            "error": [""],
            "self_consumption_frac": [0.653],
        }
    )
    write_summary(summary, tmp_path, "nl")
    content = (tmp_path / "batch_summary.csv").read_bytes()
    assert b"0,653" in content and b";" in content
    back = read_batch_summary(tmp_path / "batch_summary.csv")
    assert back["self_consumption_frac"].tolist() == [0.653]
    assert read_batch_summary(content, "upload.csv")["status"].tolist() == ["ok"]


def test_cli_run_writes_dutch_csv_with_the_same_numbers(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, minimal())
    assert main(["run", str(path), "--out", str(tmp_path / "std")]) == 0
    assert main(["run", str(path), "--out", str(tmp_path / "nl"), "--csv-dialect", "nl"]) == 0
    for name in ("participants.csv", "cashflows.csv"):
        std = pd.read_csv(tmp_path / "std" / "mini" / name)
        raw = (tmp_path / "nl" / "mini" / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0]
        nl = pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", encoding="utf-8-sig")
        assert list(nl.columns) == list(std.columns)
        numeric = std.select_dtypes("number").columns
        np.testing.assert_allclose(nl[numeric].to_numpy(), std[numeric].to_numpy())
    participants = (tmp_path / "nl" / "mini" / "participants.csv").read_text("utf-8-sig")
    assert ";ja;" in participants


def test_cli_compare_and_ownership_take_the_dialect(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, minimal())
    out = tmp_path / "cmp"
    assert (
        main(
            [
                "compare",
                str(path),
                "--years",
                "2026",
                "2027",
                "--out",
                str(out),
                "--csv-dialect",
                "nl",
            ]
        )
        == 0
    )
    table = read_csv_file((out / "compare" / "households.csv").read_bytes(), "nl")
    assert table.shape[0] == 6 and ";" in (out / "compare" / "comparison.csv").read_text()
    register = REPO / "scenarios" / "register_example.csv"
    own = tmp_path / "own"
    assert main(["ownership", str(register), "--out", str(own), "--csv-dialect", "nl"]) == 0
    areas = read_csv_file(
        (own / "register_example-ownership" / "ownership_areas.csv").read_bytes(), "nl"
    )
    assert areas["local_share_production_frac"].between(0, 1).all()
    assert areas["target_met"].isin([True, False]).all()


def test_cli_refuses_an_unknown_dialect(tmp_path: Path, capsys) -> None:
    path = write_scenario(tmp_path, minimal())
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(path), "--csv-dialect", "excel"])
    assert exit_.value.code == 2
    assert "--csv-dialect" in capsys.readouterr().err


# read_number: the forms of energysim.core.csv_dialect's table, accepted and refused
@pytest.mark.parametrize(
    ("dialect", "text", "number"),
    [
        ("standard", "3000", 3000.0),
        ("standard", "1250.5", 1250.5),
        ("standard", "0.125", 0.125),
        ("standard", ".5", 0.5),
        ("standard", "-2", -2.0),
        ("standard", "1e6", 1e6),
        ("nl", "3000", 3000.0),
        ("nl", "1250,5", 1250.5),
        ("nl", "1,250", 1.25),
        ("nl", "3.000", 3000.0),
        ("nl", "1.250.000", 1_250_000.0),
        ("nl", "1.250,5", 1250.5),
        ("nl", "-0,5", -0.5),
    ],
)
def test_read_number_accepts_what_the_dialect_makes_unambiguous(
    dialect: str, text: str, number: float
) -> None:
    assert read_number(text, dialect) == number


@pytest.mark.parametrize(
    ("dialect", "text", "says"),
    [
        ("standard", "3.000", "3.000 is 3 with a decimal point, 3,000 with a thousands"),
        ("standard", "12.500", "write 12.5 or 12500"),
        ("standard", "1.250.000", "write 1250000"),
        ("standard", "1,250", "1,250 is 1.25 with a decimal comma, 1250 with a thousands"),
        ("standard", "1,5", "a decimal comma: write 1.5"),
        ("standard", "1 000", "no thousands separators"),
        ("nl", "12.5", "a decimal comma and points only between groups of three digits"),
        ("nl", "0.125", "a decimal comma"),
        ("nl", "3.00", "points only between groups of three digits"),
        ("nl", "1,250.5", "points only between groups of three digits"),
        ("nl", "1 000", "a decimal comma"),
    ],
)
def test_read_number_refuses_what_the_dialect_leaves_in_doubt(
    dialect: str, text: str, says: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(says)):
        read_number(text, dialect)
