"""Registers: every bad cell names file, row and column; bad bytes never crash the reader.

The fuzz test feeds random and mutated bytes to :func:`read_register`: loading either
succeeds or raises the project's own error with a one-line message. CI runs a small share
(``ENERGYSIM_FUZZ_EXAMPLES``, default 150); run a few thousand locally with
``ENERGYSIM_FUZZ_EXAMPLES=3000 pytest tests/test_register.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from energysim.cli.main import main
from energysim.core.errors import EnergysimError
from energysim.ownership.register import read_register
from tests.test_ownership import FULL, HEADER, ROWS, write_register

FUZZ_EXAMPLES = int(os.environ.get("ENERGYSIM_FUZZ_EXAMPLES", "150"))


def replace_in(rows: list[str], i: int, old: str, new: str) -> list[str]:
    out = list(rows)
    assert old in out[i]
    out[i] = out[i].replace(old, new, 1)
    return out


FULL_ROW = (
    "X,GM0599,Rotterdam,solar,ground,1000,900000,,2020,operational,Coop,resident_cooperative,1"
)


@pytest.mark.parametrize(
    ("rows", "header", "expected"),
    [
        (
            replace_in(ROWS, 1, ",0.5", ",0.4"),
            HEADER,
            "rows 2, 3, column 'share_frac': shares of installation 'A' must sum to 1, found 0.9",
        ),
        (
            replace_in(ROWS, 2, "non_local_investor", "pension_fund"),
            HEADER,
            "row 4, column 'owner_type': expected one of resident_cooperative",
        ),
        (
            replace_in(ROWS, 2, "solar,4000", "solar,-4000"),
            HEADER,
            "row 4, column 'capacity_kw': expected a positive capacity, found -4000",
        ),
        (
            replace_in(ROWS, 2, "solar,4000", "solar,0"),
            HEADER,
            "row 4, column 'capacity_kw': expected a positive capacity, found 0",
        ),
        (
            replace_in(ROWS, 2, "solar,4000", "solar,4000000000"),
            HEADER,
            "row 4, column 'capacity_kw': expected at most 2,000,000 kW",
        ),
        (
            replace_in(ROWS, 2, "3600000", "36000000"),
            HEADER,
            "row 4, column 'production_kwh_per_yr': expected at most capacity_kw x 8,784 h",
        ),
        (
            replace_in(ROWS, 0, ",3000,", ",9000,"),
            HEADER,
            "row 2, column 'full_load_h': expected at most 8,784 h",
        ),
        (
            replace_in(ROWS, 2, "3600000", "inf"),
            HEADER,
            "row 4, column 'production_kwh_per_yr': expected a finite number, found 'inf'",
        ),
        (
            replace_in(ROWS, 2, "3600000", "NaN"),
            HEADER,
            "row 4, column 'production_kwh_per_yr': expected a finite number, found 'NaN'",
        ),
        (
            [r.rsplit(",", 1)[0] for r in ROWS],
            HEADER.rsplit(",", 1)[0],
            "column 'share_frac': required column is missing",
        ),
        (
            replace_in(ROWS, 2, "3600000", ""),
            HEADER,
            "row 4, columns 'production_kwh_per_yr'/'full_load_h': expected a measured production",
        ),
        (
            replace_in(ROWS, 1, "2000", "2500"),
            HEADER,
            "rows 2, 3, column 'capacity_kw': installation 'A' has different values",
        ),
        (
            replace_in(ROWS, 2, ",1", ',"0,5"'),
            HEADER,
            "row 4, column 'share_frac': expected a number with a decimal point and no thousands",
        ),
        (
            replace_in(ROWS, 2, "solar", "coal"),
            HEADER,
            "row 4, column 'technology': expected one of solar, wind, found 'coal'",
        ),
        (
            replace_in(ROWS, 2, "Delft", ""),
            HEADER,
            "row 4, column 'municipality': empty cell",
        ),
        (
            [r.replace("Delft,", "").replace("Utrecht,", "") for r in ROWS],
            HEADER.replace("municipality,", ""),
            "columns 'municipality'/'municipality_code': expected at least one, found neither",
        ),
        (
            ROWS,
            HEADER.replace("owner_type", "ownertype"),
            "column 'ownertype': not a register column; did you mean 'owner_type'?",
        ),
        (ROWS, HEADER.replace("owner,", "share_frac,"), "column 'share_frac': appears more than"),
        (
            [FULL_ROW.replace("solar,ground", "wind,ground")],
            FULL,
            "row 2, column 'mounting': expected an empty cell for wind",
        ),
        (
            [FULL_ROW.replace("ground", "facade")],
            FULL,
            "row 2, column 'mounting': expected one of ground, rooftop or empty, found 'facade'",
        ),
        (
            [FULL_ROW.replace("operational", "dreamt")],
            FULL,
            "row 2, column 'status': expected one of operational, permitted, planned or empty",
        ),
        (
            [FULL_ROW.replace("2020", "2020.5")],
            FULL,
            "row 2, column 'commissioning_year': expected a whole year from 1970 to 2100, "
            "found 2020.5",
        ),
        (
            [FULL_ROW.replace("2020", "1850")],
            FULL,
            "row 2, column 'commissioning_year': expected a whole year from 1970 to 2100",
        ),
        (
            [FULL_ROW, FULL_ROW[:-1] + "0"],
            FULL,
            "row 3, column 'share_frac': expected a share in (0, 1]",
        ),
    ],
)
def test_bad_registers_name_file_row_and_column(tmp_path: Path, rows, header, expected) -> None:
    path = write_register(tmp_path, rows, header)
    with pytest.raises(EnergysimError) as info:
        read_register(path)
    message = str(info.value)
    assert expected in message
    assert str(path) in message and "\n" not in message


def test_a_row_with_more_cells_than_the_header_is_named(tmp_path: Path) -> None:
    # on the first row pandas would take the extra cell for an index column
    rows = replace_in(ROWS, 0, ",0.5", ",0.5,extra")
    with pytest.raises(EnergysimError) as info:
        read_register(write_register(tmp_path, rows))
    assert "row 2: expected at most 9 cells like the header, found 10" in str(info.value)
    # on a later row pandas says so itself
    rows = replace_in(ROWS, 1, ",0.5", ",0.5,extra")
    with pytest.raises(EnergysimError) as info:
        read_register(write_register(tmp_path, rows))
    assert "Expected 9 fields in line 3, saw 10" in str(info.value)


def test_bad_register_exit_2_and_nothing_written(tmp_path: Path, capsys) -> None:
    path = write_register(tmp_path, [ROWS[0]])
    assert main(["ownership", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "must sum to 1" in err and err.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_non_utf8_register_names_the_byte(tmp_path: Path, capsys) -> None:
    # "Café" written by a Latin-1 spreadsheet: é is the single byte 0xe9
    row = "A,Delft,solar,100,90000,,Café Noord,resident_cooperative,1"
    data = (HEADER + "\n" + row + "\n").encode("latin-1")
    path = tmp_path / "latin1.csv"
    path.write_bytes(data)
    offset = len(HEADER) + 1 + row.index("é")
    with pytest.raises(EnergysimError) as info:
        read_register(path)
    assert str(info.value) == (
        f"{path}: byte {offset}: expected UTF-8 text, found byte 0xe9 (save the file as CSV UTF-8)"
    )
    assert main(["ownership", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert f"byte {offset}" in err and err.count("\n") == 1


def test_utf8_with_byte_order_mark_reads_like_without(tmp_path: Path) -> None:
    plain = write_register(tmp_path)
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    pd.testing.assert_frame_equal(read_register(plain), read_register(bom))


def test_garbage_excel_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(EnergysimError) as info:
        read_register(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


VALID = "\n".join([FULL, *(r for r in [FULL_ROW])]) + "\n"


@st.composite
def register_bytes(draw: st.DrawFn) -> bytes:
    """Random bytes, or a valid register with random bytes inserted, replaced or cut."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=300))
    data = bytearray(("\n".join([HEADER, *ROWS]) + "\n").encode())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "replace", "cut"]))
        chunk = draw(st.binary(min_size=1, max_size=8))
        if action == "insert":
            data[at:at] = chunk
        elif action == "replace":
            data[at : at + len(chunk)] = chunk
        else:
            del data[at : at + len(chunk)]
    return bytes(data)


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=register_bytes())
def test_random_bytes_load_or_fail_with_one_line(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    try:
        register = read_register(path)
    except EnergysimError as exc:
        message = str(exc)
        assert message.startswith(str(path)) and "\n" not in message and "\r" not in message
    else:
        assert len(register) > 0
        assert (register.groupby("installation_id")["share_frac"].sum() - 1).abs().max() < 1e-6


# Municipality names without codes are matched against the region table (CBS division).
NAMED = "A,{name},solar,100,90000,,Coop,resident_cooperative,1"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "Roterdam",
            "row 2, column 'municipality': expected a municipality of the region table "
            "(municipal division of 1 January 2023 (342 municipalities)), found 'Roterdam'; "
            "did you mean Rotterdam",
        ),
        ("Atlantis", "found 'Atlantis'; "),
        ("Bergen", "found 'Bergen', the name of Bergen (L.) and Bergen (NH.): write the name"),
        ("Haaren", "found 'Haaren'; was split between several municipalities"),
    ],
)
def test_an_unknown_municipality_name_is_refused_with_the_closest(
    tmp_path: Path, name: str, expected: str
) -> None:
    with pytest.raises(EnergysimError) as info:
        read_register(write_register(tmp_path, [NAMED.format(name=name)]))
    assert expected in str(info.value) and "\n" not in str(info.value)


def test_names_as_people_write_them_count_as_one_municipality(tmp_path: Path) -> None:
    rows = [
        NAMED.format(name="rotterdam").replace("A,", "A1,"),
        NAMED.format(name="Rotterdam").replace("A,", "A2,"),
        NAMED.format(name="Den Haag").replace("A,", "A3,"),
        NAMED.format(name="Weesp").replace("A,", "A4,"),  # merged into Amsterdam in 2022
        NAMED.format(name="Bergen (NH)").replace("A,", "A5,"),
    ]
    register = read_register(write_register(tmp_path, rows))
    assert list(register["municipality"]) == [
        "Rotterdam",
        "Rotterdam",
        "'s-Gravenhage",
        "Amsterdam",
        "Bergen (NH.)",
    ]
    assert (register["municipality_code"] == "").all()  # names place no province


# Thousands separators: refused where the dialect leaves them ambiguous.
@pytest.mark.parametrize(
    ("capacity", "expected"),
    [
        (
            "3.000",
            "row 2, column 'capacity_kw': expected a number without thousands separators "
            "(3.000 is 3 with a decimal point, 3,000 with a thousands separator: write 3 or "
            "3000), found '3.000'",
        ),
        ("1.250.000", "expected a number without thousands separators (write 1250000)"),
        (
            '"1,250"',
            "expected a number with a decimal point and no thousands separators (standard "
            "dialect, ',' between cells; 1,250 is 1.25 with a decimal comma, 1250 with a "
            "thousands separator: write 1.25 or 1250;",
        ),
        ("1 000", "expected a number with a decimal point and no thousands separators"),
    ],
)
def test_thousands_separators_in_a_standard_csv_are_refused(
    tmp_path: Path, capacity: str, expected: str
) -> None:
    row = f"A,Delft,wind,{capacity},,3000,Coop,resident_cooperative,1"
    with pytest.raises(EnergysimError) as info:
        read_register(write_register(tmp_path, [row]))
    assert expected in str(info.value)


def test_the_nl_dialect_reads_thousands_points_and_decimal_commas(tmp_path: Path) -> None:
    header = HEADER.replace(",", ";")
    rows = [
        "A;Delft;wind;3.000;;2.500;Coop;resident_cooperative;0,5",
        "A;Delft;wind;3.000;;2.500;Fund;non_local_investor;0,5",
        "B;Delft;solar;1.250,5;1.100.000;;Fund;non_local_investor;1",
    ]
    register = read_register(write_register(tmp_path, rows, header))
    assert list(register["capacity_kw"]) == [3000.0, 3000.0, 1250.5]
    assert list(register["share_frac"]) == [0.5, 0.5, 1.0]
    assert register["production_kwh"].tolist() == [7_500_000.0, 7_500_000.0, 1_100_000.0]
    bad = [rows[2].replace("1.250,5", "12.5")]
    with pytest.raises(EnergysimError) as info:
        read_register(write_register(tmp_path, bad, header))
    assert (
        "row 2, column 'capacity_kw': expected a number with a decimal comma and points only "
        "between groups of three digits (nl dialect: ';' between cells), found '12.5'"
    ) in str(info.value)


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADER.split(","), *rows]:
        sheet.append(row)
    book.save(path)
    return path


def test_excel_numbers_are_numbers_and_text_cells_read_as_standard(tmp_path: Path) -> None:
    # a number cell 3.125 is 3.125 kW, never 3,125: Excel holds it as a number
    good = [["A", "Delft", "solar", 3.125, 2800, None, "Coop", "resident_cooperative", 1]]
    register = read_register(_workbook(tmp_path / "good.xlsx", good))
    assert register["capacity_kw"].tolist() == [3.125]
    text = [["A", "Delft", "wind", "3.000", None, 3000, "Coop", "resident_cooperative", 1]]
    path = _workbook(tmp_path / "text.xlsx", text)
    with pytest.raises(EnergysimError) as info:
        read_register(path)
    assert (
        f"{path}: row 2, column 'capacity_kw': expected a number without thousands separators "
        "(3.000 is 3 with a decimal point, 3,000 with a thousands separator: write 3 or 3000) "
        "(a text cell, read as in a standard CSV), found '3.000'"
    ) == str(info.value)


def test_an_excel_formula_without_a_saved_value_is_named(tmp_path: Path, capsys) -> None:
    # openpyxl, like some exports, writes the formula and no cached result
    rows = [["A", "Delft", "solar", 100, "=D2*900", None, "Coop", "resident_cooperative", 1]]
    path = _workbook(tmp_path / "formula.xlsx", rows)
    with pytest.raises(EnergysimError) as info:
        read_register(path)
    assert str(info.value) == (
        f"{path}: row 2, column 'production_kwh_per_yr' (cell E2): expected a value, found the "
        "formula =D2*900 without a saved value (open and save the workbook in Excel or "
        "LibreOffice so the result is stored, or type the value)"
    )
    assert main(["ownership", str(path), "--out", str(tmp_path / "o")]) == 2
    assert "formula =D2*900 without a saved value" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
