"""What a new user tried that used to destroy results, crash or pass as impossible numbers.

One test per thing seen: names that became paths (``.``, ``..``), non-UTF-8
files, inf and NaN, numbers no roof can make, an unknown key inside a table, ``validate``
missing what ``run`` rejects, portfolio rows, batch exit status, ``run --out`` onto a
file, the Python API given the wrong thing, and the permissions of result folders.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from energysim.cli.main import main
from energysim.core.errors import DataError, ScenarioError
from tests.helpers import minimal, write_measured_csv, write_scenario, year_frame

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "scenarios" / "portfolio_template.toml"
EXAMPLE = REPO / "scenarios" / "portfolio_example.csv"
FAST = ["--set", "time_step_min=60", "--set", "buildings[0].members.count=4"]


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes (folders as empty entries)."""
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"")
        for p in sorted(folder.rglob("*"))
    }


def _results_with_neighbours(tmp_path: Path) -> Path:
    """An output folder holding another scenario's result and a user's notes."""
    out = tmp_path / "results"
    other = out / "other-scenario"
    other.mkdir(parents=True)
    (other / "summary.json").write_text('{"scenario": "other-scenario"}\n')
    (out / "NOTES.txt").write_text("my notes\n")
    return out


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("energysim: error: "), err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


# --------------------------------------------------------------------------- 1. data loss
@pytest.mark.parametrize("name", [".", "..", "", "-x", "a/b", "x.", " "])
def test_scenario_name_that_is_not_a_folder_name_is_refused(
    tmp_path: Path, capsys, name: str
) -> None:
    path = write_scenario(tmp_path, minimal(name=name))
    out = _results_with_neighbours(tmp_path)
    before = _tree(out)
    assert main(["validate", str(path)]) == 2
    message = _one_line_error(capsys)
    assert "field 'name'" in message
    assert main(["run", str(path), "--out", str(out)]) == 2
    assert _one_line_error(capsys) == message
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results", "scenario.toml"]


def test_publish_refuses_a_folder_name_that_is_not_one(tmp_path: Path) -> None:
    from energysim.core.publish import publish_atomically

    out = _results_with_neighbours(tmp_path)
    before = _tree(out)
    for target in (out / "..", Path(str(out) + "/.")):

        def write(folder: Path) -> None:
            (folder / "summary.json").write_text("{}")

        with pytest.raises(DataError):
            publish_atomically(target, write)
    assert _tree(out) == before


def test_portfolio_complex_id_dot_with_detail_deletes_nothing(tmp_path: Path, capsys) -> None:
    portfolio = tmp_path / "portfolio.csv"
    lines = EXAMPLE.read_text().splitlines()
    lines[2] = "." + lines[2][len("C002") :]
    portfolio.write_text("\n".join(lines) + "\n")
    out = tmp_path / "batch"
    detail = out / "units" / "detail"
    (detail / "C001").mkdir(parents=True)
    (detail / "C001" / "summary.json").write_text("{}")
    code = main(
        ["batch", str(TEMPLATE), "--portfolio", str(portfolio), *FAST, "--out", str(out)]
        + ["--detail"]
    )
    assert code == 2
    message = _one_line_error(capsys)
    assert f"{portfolio}: row 3, column 'complex_id'" in message
    assert (detail / "C001" / "summary.json").read_text() == "{}"


# --------------------------------------------------------------------------- 2. encodings
def test_latin1_scenario_names_file_and_byte_offset(tmp_path: Path, capsys) -> None:
    path = write_scenario(tmp_path, minimal(description="Woningen aan de Kade"))
    text = path.read_bytes().replace(b"Kade", "Kadé".encode("latin-1"))
    path.write_bytes(text)
    offset = text.index(b"\xe9")
    for command in (["validate", str(path)], ["run", str(path), "--out", str(tmp_path / "o")]):
        assert main(command) == 2
        message = _one_line_error(capsys)
        assert f"{path}: byte {offset}: expected UTF-8 text, found byte 0xe9" in message
    assert not (tmp_path / "o").exists()


def test_binary_scenario_is_an_error(tmp_path: Path, capsys) -> None:
    path = tmp_path / "scenario.toml"
    path.write_bytes(bytes(range(256)) * 4)
    assert main(["validate", str(path)]) == 2
    assert str(path) in _one_line_error(capsys)


def test_latin1_measured_csv_and_template_and_portfolio(tmp_path: Path, capsys) -> None:
    csv = write_measured_csv(tmp_path / "gen.csv", year_frame(2026, 60, {"roof": 0.1}))
    raw = csv.read_bytes()
    csv.write_bytes(raw[:200] + "é".encode("latin-1") + raw[201:])
    path = write_scenario(tmp_path, minimal(generation_csv="gen.csv"))
    for command in (["validate", str(path)], ["run", str(path), "--out", str(tmp_path / "o")]):
        assert main(command) == 2
        message = _one_line_error(capsys)
        assert f"{csv}: byte 200: expected UTF-8 text, found byte 0xe9" in message
    template = tmp_path / "template.toml"
    template.write_bytes(TEMPLATE.read_bytes().replace(b"Scenario", b"Sc\xe9nario"))
    assert main(["batch", str(template), "--portfolio", str(EXAMPLE), "--out", str(tmp_path)]) == 2
    offset = template.read_bytes().index(b"\xe9")
    assert f"{template}: byte {offset}: expected UTF-8 text" in _one_line_error(capsys)
    portfolio = tmp_path / "portfolio.csv"
    portfolio.write_bytes(EXAMPLE.read_bytes().replace(b"Zuidwijk", b"Zu\xefdwijk"))
    code = main(["batch", str(TEMPLATE), "--portfolio", str(portfolio), "--out", str(tmp_path)])
    assert code == 2
    offset = portfolio.read_bytes().index(b"\xef")
    assert f"{portfolio}: byte {offset}: expected UTF-8 text" in _one_line_error(capsys)


# --------------------------------------------------------------------------- 3, 4, 5. numbers
@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda b: b["arrays"][0].update(capacity_kwp=float("inf")),
            "field 'buildings[0].arrays[0].capacity_kwp': expected a finite number, found inf",
        ),
        (
            lambda b: b["common"].update(lift_kwh_per_yr=float("inf")),
            "field 'buildings[0].common.lift_kwh_per_yr': expected a finite number, found inf",
        ),
        (
            lambda b: b["tenants"].update(annual_kwh={"mean_kwh": float("inf"), "sd_kwh": 1.0}),
            "field 'buildings[0].tenants.annual_kwh.mean_kwh': expected a finite number, found inf",
        ),
        (
            lambda b: b["tenants"].update(annual_kwh={"mean_kwh": float("nan"), "sd_kwh": 1.0}),
            "field 'buildings[0].tenants.annual_kwh.mean_kwh': expected a finite number, found nan",
        ),
        (
            lambda b: b["arrays"][0].update(capacity_kwp=1e300),
            "field 'buildings[0].arrays[0].capacity_kwp': expected at most 250,000 kWp",
        ),
        (
            lambda b: b.update(dwellings=1e12),
            "field 'buildings[0].dwellings': expected at most 10,000 dwellings",
        ),
        (
            lambda b: b["tenants"].update(annual_kwh={"mean_kwh": 2000, "bogus_key": 1}),
            "field 'buildings[0].tenants.annual_kwh.bogus_key': unknown key",
        ),
    ],
)
def test_impossible_numbers_and_unknown_keys_name_the_field(
    tmp_path: Path, capsys, edit, expected: str
) -> None:
    data = minimal()
    edit(data["buildings"][0])
    path = write_scenario(tmp_path, data)
    assert main(["validate", str(path)]) == 2
    message = _one_line_error(capsys)
    assert expected in message, message
    assert main(["run", str(path), "--out", str(tmp_path / "o")]) == 2
    assert _one_line_error(capsys) == message
    assert not (tmp_path / "o").exists()


def test_measured_generation_beyond_the_arrays_capacity(tmp_path: Path, capsys) -> None:
    frame = year_frame(2026, 60, {"roof": 0.5})
    frame.iloc[4000, 0] = 1e300
    write_measured_csv(tmp_path / "gen.csv", frame)
    path = write_scenario(tmp_path, minimal(generation_csv="gen.csv"))
    assert main(["validate", str(path)]) == 2
    message = _one_line_error(capsys)
    assert "gen.csv: column 'roof', row 4002: expected at most 7.5 kWh per interval" in message
    assert "5 kWp x 1.5" in message
    assert main(["run", str(path), "--out", str(tmp_path / "o")]) == 2
    assert _one_line_error(capsys) == message


# --------------------------------------------------------------------------- 6. validate = run
def test_validate_reads_the_schedule_csv_run_needs(tmp_path: Path, capsys) -> None:
    data = minimal(allocation={"tenants": {"key": {"method": "schedule", "path": "absent.csv"}}})
    path = write_scenario(tmp_path, data)
    assert main(["validate", str(path)]) == 2
    message = _one_line_error(capsys)
    assert "absent.csv: file not found" in message
    assert main(["run", str(path), "--out", str(tmp_path / "o")]) == 2
    assert _one_line_error(capsys) == message


# --------------------------------------------------------------------------- 7. portfolios
def _portfolio(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "portfolio.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_header_only_portfolio_is_an_error(tmp_path: Path, capsys) -> None:
    path = _portfolio(tmp_path, [EXAMPLE.read_text().splitlines()[0]])
    out = tmp_path / "batch"
    assert main(["batch", str(TEMPLATE), "--portfolio", str(path), "--out", str(out)]) == 2
    assert f"{path}: expected at least one complex" in _one_line_error(capsys)
    assert not out.exists()


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("capacity_kwp", "1e300", "expected at most 250,000 kWp"),
        ("capacity_kwp", "inf", "expected a finite number, found 'inf'"),
        ("capacity_kwp", "-inf", "expected a finite number, found '-inf'"),
        ("dwellings", "nan", "expected a finite number, found 'nan'"),
        ("capacity_kwp", "abc", "expected a number with a decimal point, found 'abc'"),
        ("dwellings", "1e12", "expected at most 10,000 dwellings"),
        ("orientation", "400", "expected east-west, south or an azimuth 0-359"),
    ],
)
def test_portfolio_row_errors_name_file_row_and_column(
    tmp_path: Path, capsys, column: str, value: str, expected: str
) -> None:
    lines = EXAMPLE.read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[2].split(",")
    cells[header.index(column)] = value
    lines[2] = ",".join(cells)
    path = _portfolio(tmp_path, lines)
    code = main(["batch", str(TEMPLATE), "--portfolio", str(path), *FAST, "--out", str(tmp_path)])
    assert code == 2
    message = _one_line_error(capsys)
    assert f"{path}: row 3, column '{column}'" in message and expected in message, message


def test_portfolio_tilt_outside_0_90_names_file_row_and_column(tmp_path: Path, capsys) -> None:
    lines = EXAMPLE.read_text().splitlines()
    lines[0] += ",tilt_deg"
    lines[1:] = [line + ",10" for line in lines[1:]]
    lines[2] = lines[2][: -len("10")] + "200"
    path = _portfolio(tmp_path, lines)
    code = main(["batch", str(TEMPLATE), "--portfolio", str(path), *FAST, "--out", str(tmp_path)])
    assert code == 2
    message = _one_line_error(capsys)
    assert f"{path}: row 3, column 'tilt_deg': expected 0-90 degrees, found '200'" in message


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("device", "/dev/null: expected a register file (CSV or Excel), found a character device"),
        ("folder", "expected a register file (CSV or Excel), found a folder"),
        ("missing", "absent.csv: register file not found"),
    ],
)
def test_a_register_that_is_not_a_regular_file_says_what_it_is(
    tmp_path: Path, capsys, kind: str, expected: str
) -> None:
    path = {"device": "/dev/null", "folder": str(tmp_path), "missing": str(tmp_path / "absent.csv")}
    out = tmp_path / "own"
    assert main(["ownership", path[kind], "--out", str(out)]) == 2
    err = _one_line_error(capsys)
    assert f"{path[kind] if kind == 'folder' else ''}" in err and expected in err
    assert not out.exists()


# --------------------------------------------------------------------------- 8. batch status
def _summary(out: Path):
    import pandas as pd

    return pd.read_csv(out / "batch_summary.csv")


@pytest.mark.slow
def test_batch_exits_3_when_a_unit_failed_and_counts_units(tmp_path: Path, capsys) -> None:
    args = ["batch", str(TEMPLATE), "--portfolio", str(EXAMPLE), *FAST]
    # a unit's scenario refused is bad input (exit 2, nothing written); with --keep-going
    # it is a failed unit (exit 3)
    out = tmp_path / "set"
    assert main([*args, "--set", "nonexistent.key=3", "--out", str(out)]) == 2
    assert "C001: field 'nonexistent': unknown key" in capsys.readouterr().err
    assert not out.exists()
    assert main([*args, "--set", "nonexistent.key=3", "--keep-going", "--out", str(out)]) == 3
    assert "0 unit(s) ok, 4 failed" in capsys.readouterr().out
    assert (_summary(out).status == "failed").all()
    out = tmp_path / "sweep"
    assert main([*args, "--sweep", "year=1900,2027", "--out", str(out)]) == 2
    assert main([*args, "--sweep", "year=1900,2027", "--keep-going", "--out", str(out)]) == 3
    assert "4 unit(s) ok, 4 failed" in capsys.readouterr().out
    # a bad row under --keep-going stands for as many units as there are sweep points
    bad = tmp_path / "portfolio.csv"
    lines = EXAMPLE.read_text().splitlines()
    lines[3] = lines[3].replace(",48,", ",many,")
    bad.write_text("\n".join(lines) + "\n")
    out = tmp_path / "keep"
    code = main(
        ["batch", str(TEMPLATE), "--portfolio", str(bad), *FAST, "--keep-going"]
        + ["--sweep", "year=2026,2027", "--out", str(out)]
    )
    assert code == 3
    assert "6 unit(s) ok, 2 failed" in capsys.readouterr().out
    table = _summary(out)
    assert len(table) == 8
    failed = table[table.status == "failed"]
    assert list(failed.complex_id) == ["C003", "C003"]
    assert sorted(failed.unit_id) == ["C003__year-2026", "C003__year-2027"]


@pytest.mark.parametrize("jobs", ["0", "-3", "two"])
def test_jobs_must_be_at_least_one(tmp_path: Path, capsys, jobs: str) -> None:
    with pytest.raises(SystemExit) as info:
        main(["batch", str(TEMPLATE), "--jobs", jobs, "--out", str(tmp_path / "b")])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--jobs" in err and "at least 1" in err, err
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize(
    ("sweep", "values"),
    [("description=a/b,a_b", "'a/b' and 'a_b'"), ("name=..,.", "'..' and '.'")],
)
def test_sweep_values_that_make_the_same_unit_name_are_named(
    tmp_path: Path, capsys, sweep: str, values: str
) -> None:
    path = write_scenario(tmp_path, minimal())
    assert main(["batch", str(path), "--sweep", sweep, "--out", str(tmp_path / "b")]) == 2
    err = _one_line_error(capsys)
    key = sweep.split("=")[0]
    assert f"--sweep {key}: the values {values} make the same unit name" in err
    assert "complex ids" not in err
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize(
    ("option", "given", "expected"),
    [
        ("--sweep", "year", "KEY=V1,V2,..."),
        ("--set", "year", "KEY=VALUE"),
        ("--set", "=3", "KEY=VALUE"),
    ],
)
def test_set_and_sweep_without_key_value_name_the_option(
    tmp_path: Path, capsys, option: str, given: str, expected: str
) -> None:
    path = write_scenario(tmp_path, minimal())
    assert main(["batch", str(path), option, given, "--out", str(tmp_path / "b")]) == 2
    assert f"{option}: expected {expected}, found {given!r}" in _one_line_error(capsys)
    assert not (tmp_path / "b").exists()


# --------------------------------------------------------------------------- 9. --out
def test_run_out_onto_a_file_or_unwritable_place(tmp_path: Path, capsys) -> None:
    path = write_scenario(tmp_path, minimal())
    a_file = tmp_path / "taken.txt"
    a_file.write_text("mine")
    for out in (a_file, a_file / "sub", Path("/proc/nope")):
        assert main(["run", str(path), "--out", str(out)]) == 2
        message = _one_line_error(capsys)
        assert str(out) in message
    assert a_file.read_text() == "mine"


def test_result_folder_holding_a_users_files_is_not_replaced(tmp_path: Path, capsys) -> None:
    path = write_scenario(tmp_path, minimal())
    out = tmp_path / "results"
    (out / "mini").mkdir(parents=True)
    (out / "mini" / "my-analysis.xlsx").write_text("mine")
    assert main(["run", str(path), "--out", str(out)]) == 2
    message = _one_line_error(capsys)
    assert "my-analysis.xlsx" in message
    assert (out / "mini" / "my-analysis.xlsx").read_text() == "mine"


# --------------------------------------------------------------------------- 11. Python API
def test_run_says_what_it_expects(tmp_path: Path) -> None:
    from energysim.config.scenario import load_scenario
    from energysim.simulate import run

    path = write_scenario(tmp_path, minimal())
    by_path = run(path)
    assert by_path.scenario == run(str(path)).scenario == run(load_scenario(path)).scenario
    for wrong in (minimal(), None, 3):
        with pytest.raises(TypeError, match="expected a Scenario .* or a path to a scenario"):
            run(wrong)  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match="scenario file not found"):
        run(tmp_path / "absent.toml")


def test_public_functions_say_what_they_expect(tmp_path: Path) -> None:
    import energysim
    from energysim.config.scenario import load_scenario, scenario_from_dict
    from energysim.results.outputs import write_run
    from energysim.results.tables import summary

    assert energysim.run is not None and energysim.load_scenario is load_scenario
    with pytest.raises(TypeError, match="expected a dict"):
        scenario_from_dict("name = 'x'")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected a path"):
        load_scenario(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected a Result"):
        summary(minimal())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected a Result"):
        write_run("mini", tmp_path)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"plausibility_warnings\(\): expected a Scenario"):
        energysim.plausibility_warnings(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"plausibility_warnings\(\): .*found dict"):
        energysim.plausibility_warnings(minimal())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"result_warnings\(\): expected a Result.*found str"):
        energysim.result_warnings("x")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- 12. permissions
@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_results_follow_the_users_umask(tmp_path: Path, mask: int) -> None:
    path = write_scenario(tmp_path, minimal())
    old = os.umask(mask)
    try:
        assert main(["run", str(path), "--out", str(tmp_path / "o")]) == 0
        assert main(["batch", str(path), "--out", str(tmp_path / "b"), "--detail"]) == 0
    finally:
        os.umask(old)
    folder = tmp_path / "o" / "mini"
    expect_dir, expect_file = 0o777 & ~mask, 0o666 & ~mask
    assert stat.S_IMODE(folder.stat().st_mode) == expect_dir
    for f in folder.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == expect_file, f.name
    batch = tmp_path / "b"
    for f in [*batch.glob("batch_summary.*"), *(batch / "units").glob("*.json")]:
        assert stat.S_IMODE(f.stat().st_mode) == expect_file, f.name
    assert stat.S_IMODE((batch / "units" / "detail" / "mini").stat().st_mode) == expect_dir
    assert json.loads((folder / "summary.json").read_text())["scenario"] == "mini"


# --------------------------------------------------------------------------- more of 1, 11
def test_sweep_labels_become_safe_unit_names(tmp_path: Path, capsys) -> None:
    path = write_scenario(tmp_path, minimal())
    out = tmp_path / "batch"
    neighbour = tmp_path / "etc"
    neighbour.mkdir()
    code = main(
        ["batch", str(path), "--out", str(out), "--detail"]
        + ["--sweep", 'description="../../etc",".."']
    )
    assert code == 0, capsys.readouterr()
    names = sorted(p.name for p in (out / "units" / "detail").iterdir())
    assert names == ["mini__description-", "mini__description-.._.._etc"]
    assert list(neighbour.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["batch", "etc", "scenario.toml"]


def test_batch_template_name_must_be_a_folder_name(tmp_path: Path, capsys) -> None:
    path = write_scenario(tmp_path, minimal(name=".."))
    assert main(["batch", str(path), "--out", str(tmp_path / "b")]) == 2
    assert f"{path}: field 'name': expected a name that can be a folder name" in (
        _one_line_error(capsys)
    )
    assert not (tmp_path / "b").exists()


def test_other_public_functions_say_what_they_expect(tmp_path: Path) -> None:
    from energysim.batch.compare import compare
    from energysim.batch.runner import run_batch
    from energysim.config.scenario import scenario_from_dict

    with pytest.raises(TypeError, match="compare\\(\\): expected a list of Scenario"):
        compare([scenario_from_dict(minimal()), minimal()])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="found NoneType"):
        compare(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="run_batch\\(\\): expected a Plan"):
        run_batch(["unit"], tmp_path)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- warnings, memory
def test_unusual_values_are_printed_and_kept_in_summary_messages(tmp_path: Path, capsys) -> None:
    data = minimal()
    data["buildings"][0]["tenants"]["annual_kwh"] = [1500.0, 40_000.0, 2000.0]
    path = write_scenario(tmp_path, data)
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "valid" in out
    assert "warning: buildings[0] (B1).tenants.annual_kwh: 1 household(s) outside" in out
    assert main(["run", str(path), "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "note: buildings[0] (B1).tenants.annual_kwh: 1 household(s) outside" in out
    messages = json.loads((tmp_path / "o" / "mini" / "summary.json").read_text())["messages"]
    assert any("1 household(s) outside what is usual" in m for m in messages)


def test_a_run_larger_than_memory_is_refused_before_it_starts(monkeypatch) -> None:
    from energysim.inputs import preflight

    monkeypatch.setattr(preflight, "_available_memory_bytes", lambda: 2 * 2**30)
    preflight.check_memory(35_040, 1_000)  # 0.5 GiB of 2
    with pytest.raises(DataError, match=r"10,001 participants x 35,040 intervals need at least"):
        preflight.check_memory(35_040, 10_001)
    monkeypatch.setattr(preflight, "_available_memory_bytes", lambda: None)
    preflight.check_memory(35_040, 10_001)  # unknown memory: nothing is refused
