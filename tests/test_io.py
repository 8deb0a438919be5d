"""The strict measured-CSV reader: every trap of domain.md section 8 is an error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from energysim.core.errors import DataError
from energysim.core.publish import publish_atomically
from energysim.core.series_csv import read_timeseries_csv
from energysim.inputs.timeindex import year_index
from tests.helpers import write_measured_csv, year_frame

INDEX_15 = year_index(2026, 15, "Europe/Amsterdam")


def _write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def test_year_index_has_dst_days() -> None:
    local_days = pd.Series(1, index=INDEX_15).groupby(INDEX_15.date).size()
    assert local_days[pd.Timestamp("2026-03-29").date()] == 92
    assert local_days[pd.Timestamp("2026-10-25").date()] == 100
    assert len(INDEX_15) == 35_040


def test_reads_a_valid_file_in_any_offset(tmp_path: Path) -> None:
    frame = year_frame(2026, 15, {"a": 0.25, "b": 1.0})
    # shuffle the rows and write them in UTC: the reader sorts and converts
    shuffled = frame.sample(frac=1.0, random_state=1)
    shuffled.index = shuffled.index.tz_convert("UTC")
    path = write_measured_csv(tmp_path / "m.csv", shuffled)
    out = read_timeseries_csv(path, expected_index=INDEX_15)
    assert out.index.equals(INDEX_15)
    assert out["a"].sum() == pytest.approx(0.25 * 35_040)


def _valid_lines() -> list[str]:
    return ["time,a"] + [f"{ts.isoformat()},1.0" for ts in INDEX_15]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda L: L.pop(100), "gap after 2026-01-02T00:30:00+01:00"),
        (lambda L: L.insert(100, L[100]), "row 102: duplicate timestamp"),
        (
            lambda L: L.__setitem__(5, "2026-01-01T01:00:00,1.0"),
            "column 'time', row 6: expected an ISO-8601 timestamp with UTC offset",
        ),
        (
            lambda L: L.__setitem__(7, L[7].split(",")[0] + ',"1,5"'),
            "row 8: expected a number with a decimal point, found decimal comma '1,5'",
        ),
        (
            lambda L: L.__setitem__(8, L[8].split(",")[0] + ",abc"),
            "column 'a', row 9: expected a number [kWh], found 'abc'",
        ),
        (  # a decimal comma anywhere in the column is named first: a Dutch file's trap
            lambda L: (
                L.__setitem__(3, L[3].split(",")[0] + ",abc"),
                L.__setitem__(12, L[12].split(",")[0] + ',"0,25"'),
            ),
            "column 'a', row 13: expected a number with a decimal point, found decimal comma",
        ),
        (
            lambda L: L.__setitem__(9, L[9].split(",")[0] + ","),
            "row 10: expected a number [kWh], found an empty cell",
        ),
        (
            lambda L: L.__setitem__(9, L[9].split(",")[0] + ",-2"),
            "row 10: expected a non-negative energy",
        ),
        (lambda L: L.__setitem__(0, "timestamp,a"), "column 'time': expected a time column"),
        (lambda L: L.pop(), "expected the simulation year from"),
    ],
)
def test_bad_files_name_file_column_and_row(tmp_path: Path, edit, expected: str) -> None:
    lines = _valid_lines()
    edit(lines)
    path = _write_lines(tmp_path / "bad.csv", lines)
    with pytest.raises(DataError) as info:
        read_timeseries_csv(path, expected_index=INDEX_15)
    message = str(info.value)
    assert str(path) in message
    assert expected in message
    assert "\n" not in message


def test_hourly_file_for_a_15_minute_run_is_rejected(tmp_path: Path) -> None:
    path = write_measured_csv(tmp_path / "h.csv", year_frame(2026, 60, {"a": 1.0}))
    with pytest.raises(DataError, match="expected 15-minute intervals, found a step of 60 minutes"):
        read_timeseries_csv(path, expected_index=INDEX_15)


def test_semicolon_file_is_rejected(tmp_path: Path) -> None:
    path = _write_lines(tmp_path / "s.csv", ["time;a", "2026-01-01T00:00:00+01:00;1,0"])
    with pytest.raises(DataError, match="found ';' as separator"):
        read_timeseries_csv(path, expected_index=INDEX_15)


def test_unknown_and_missing_columns(tmp_path: Path) -> None:
    path = write_measured_csv(tmp_path / "m.csv", year_frame(2026, 15, {"B1-T00x": 1.0}))
    with pytest.raises(DataError, match="column 'B1-T00x': not a known id"):
        read_timeseries_csv(path, expected_index=INDEX_15, allowed_columns=["B1-T001"])
    with pytest.raises(DataError, match="column 'B1-T001': required column is missing"):
        read_timeseries_csv(path, expected_index=INDEX_15, required_columns=["B1-T001"])


def test_publish_keeps_the_old_result_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "out" / "run"

    def good(folder: Path) -> None:
        (folder / "a.txt").write_text("first")

    def bad(folder: Path) -> None:
        (folder / "a.txt").write_text("half")
        raise RuntimeError("disk full")

    publish_atomically(target, good)
    with pytest.raises(RuntimeError):
        publish_atomically(target, bad)
    assert (target / "a.txt").read_text() == "first"
    assert sorted(p.name for p in target.parent.iterdir()) == ["run"]
    publish_atomically(target, lambda f: (f / "a.txt").write_text("second"))
    assert (target / "a.txt").read_text() == "second"
    assert np.array_equal(sorted(p.name for p in target.parent.iterdir()), ["run"])


@pytest.mark.parametrize(
    ("year", "step_min", "hours"), [(2026, 15, 8760), (2026, 60, 8760), (2028, 15, 8784)]
)
def test_hour_of_year_schedule_has_one_row_per_hour_at_any_step(
    tmp_path: Path, year: int, step_min: int, hours: int
) -> None:
    from energysim.core.series_csv import read_schedule_csv

    index = year_index(year, step_min, "Europe/Amsterdam")
    path = tmp_path / "prices.csv"

    def read(n_rows: int) -> np.ndarray:
        price = 0.1 + 0.001 * (np.arange(n_rows) % 24)
        pd.DataFrame({"hour_of_year": np.arange(n_rows), "p": price}).to_csv(path, index=False)
        return read_schedule_csv(
            path, expected_index=index, participant_ids=["p"], max_row_sum=None
        )

    got = read(hours)[:, 0]
    # every interval takes its hour's value, hours counted in absolute time
    hour = ((index - index[0]) / pd.Timedelta(hours=1)).to_numpy().astype(int)
    np.testing.assert_array_equal(got, 0.1 + 0.001 * (hour % 24))
    for wrong in (hours - 1, hours + 1):
        with pytest.raises(DataError) as err:
            read(wrong)
        message = str(err.value)
        assert "\n" not in message
        assert message == (
            f"{path}: column 'hour_of_year': expected 0 ... {hours - 1} in order, "
            f"found {wrong} rows"
        )


def test_hour_of_year_out_of_order_names_the_row(tmp_path: Path) -> None:
    from energysim.core.series_csv import read_schedule_csv

    index = year_index(2026, 15, "Europe/Amsterdam")
    hours = np.arange(8760)
    hours[[5, 6]] = [6, 5]
    path = tmp_path / "prices.csv"
    pd.DataFrame({"hour_of_year": hours, "p": 0.1}).to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        read_schedule_csv(path, expected_index=index, participant_ids=["p"], max_row_sum=None)
    assert str(err.value) == (
        f"{path}: column 'hour_of_year', row 7: expected 5 (hours 0 ... 8759 in order), "
        "found '6'"
    )
