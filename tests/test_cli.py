"""The CLI through its entry point: outputs, exit status, one-line errors, nothing written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from energysim.cli.main import main
from energysim.results.outputs import OUTPUT_FILES
from tests.helpers import minimal, write_measured_csv, write_scenario, year_frame

REPO = Path(__file__).resolve().parents[1]


def _snapshot(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.exists() else set()


def test_run_writes_all_outputs(tmp_path: Path, capsys) -> None:
    path = write_scenario(tmp_path, minimal())
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out)]) == 0
    folder = out / "mini"
    assert sorted(p.name for p in folder.iterdir()) == sorted(OUTPUT_FILES)
    s = json.loads((folder / "summary.json").read_text())
    for key in (
        "scenario",
        "year",
        "generation_kwh",
        "export_kwh",
        "allocated_kwh",
        "consumption_kwh",
        "self_consumption_frac",
        "self_sufficiency_frac",
        "specific_yield_kwh_per_kwp",
        "benefit_eur",
        "local_ownership_frac",
    ):
        assert key in s, key
    for role in ("common", "tenants", "members"):
        assert (
            role in s["allocated_kwh"] and role in s["consumption_kwh"] and role in s["benefit_eur"]
        )
    table = pd.read_csv(folder / "participants.csv")
    for col in (
        "participant_id",
        "building_id",
        "role",
        "consumption_kwh",
        "allocated_kwh",
        "grid_import_kwh",
        "benefit_eur",
    ):
        assert col in table.columns, col
    assert set(table.role) == {"common", "tenant", "member"}
    ts = pd.read_parquet(folder / "timeseries.parquet")
    assert len(ts) == 8760
    assert str(ts.index.tz) == "Europe/Amsterdam"
    assert (
        ts.allocated_common_kwh
        + ts.allocated_tenants_kwh
        + ts.allocated_members_kwh
        + ts.export_kwh
        - ts.generation_kwh
    ).abs().max() < 1e-9
    resolved = json.loads((folder / "scenario.resolved.json").read_text())
    assert resolved["tariffs"]["energy_tax_excl_vat_eur_per_kwh"] == 0.0916
    assert "scenario mini" in capsys.readouterr().out


def test_validate(tmp_path: Path, capsys) -> None:
    path = write_scenario(tmp_path, minimal())
    assert main(["validate", str(path)]) == 0
    assert "valid" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("tariff_year", "said"),
    [
        (2027, "data year 2026, rules of 2027  (no net metering)"),
        (2026, "year 2026  (net metering)"),
        (None, "year 2026  (net metering)"),
    ],
)
def test_run_and_validate_say_the_data_year_and_the_rules_year(
    tmp_path: Path, capsys, tariff_year: int | None, said: str
) -> None:
    data = minimal() if tariff_year is None else minimal(tariff_year=tariff_year)
    path = write_scenario(tmp_path, data)
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header == f"scenario mini  {said}"
    assert main(["validate", str(path)]) == 0
    valid = capsys.readouterr().out.splitlines()[0]
    assert valid.endswith(f", {said.split('  ')[0]})"), valid
    assert ("rules of" in valid) == (tariff_year == 2027)


def _bad_scenario(tmp_path: Path, kind: str) -> Path:
    data = minimal()
    if kind == "missing field":
        data.pop("site")
    elif kind == "wrong type":
        data["buildings"][0]["dwellings"] = "many"
    elif kind == "unknown key":
        data["buildings"][0]["roof_colour"] = "green"
    elif kind == "negative kWp":
        data["buildings"][0]["arrays"][0]["capacity_kwp"] = -3.0
    else:
        frame = year_frame(2026, 60, {"roof": 0.5})
        lines_path = tmp_path / "generation.csv"
        write_measured_csv(lines_path, frame)
        lines = lines_path.read_text().splitlines()
        if kind == "CSV gap":
            del lines[50]
        elif kind == "duplicate timestamp":
            lines.insert(50, lines[50])
        elif kind == "naive timestamp":
            lines[50] = "2026-01-03T01:00:00," + lines[50].split(",")[1]
        elif kind == "decimal comma":
            lines[50] = lines[50].split(",")[0] + ',"0,5"'
        lines_path.write_text("\n".join(lines) + "\n")
        data["generation_csv"] = "generation.csv"
    return write_scenario(tmp_path, data)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("missing field", "field 'site': required field is missing"),
        ("wrong type", "field 'buildings[0].dwellings'"),
        ("unknown key", "field 'buildings[0].roof_colour': unknown key"),
        (
            "negative kWp",
            "field 'buildings[0].arrays[0].capacity_kwp': Input should be greater than 0",
        ),
        ("CSV gap", "generation.csv: column 'time': gap after"),
        ("duplicate timestamp", "generation.csv: column 'time', row 52: duplicate timestamp"),
        (
            "naive timestamp",
            "generation.csv: column 'time', row 51: expected an ISO-8601 timestamp with UTC offset",
        ),
        (
            "decimal comma",
            "generation.csv: column 'roof', row 51: expected a number with a decimal point, "
            "found decimal comma",
        ),
    ],
)
def test_bad_input_exit_2_one_line_nothing_written(
    tmp_path: Path, capsys, kind: str, expected: str
) -> None:
    path = _bad_scenario(tmp_path, kind)
    out = tmp_path / "out"
    out.mkdir()
    (out / "earlier-result.txt").write_text("keep me")
    before = _snapshot(out)
    assert main(["run", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("energysim: error: ")
    assert expected in err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    assert _snapshot(out) == before
    assert (out / "earlier-result.txt").read_text() == "keep me"


def test_console_script_reports_bad_input_without_traceback(tmp_path: Path) -> None:
    path = _bad_scenario(tmp_path, "unknown key")
    exe = Path(sys.executable).with_name("energysim")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "energysim.cli"]
    proc = subprocess.run(
        [*cmd, "validate", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert proc.returncode == 2
    assert "unknown key" in proc.stderr and "Traceback" not in proc.stderr


def test_a_reader_that_leaves_early_ends_the_command_quietly() -> None:
    """`energysim tariffs | head -1`: the pipe closes before the table is written."""
    exe = Path(sys.executable).with_name("energysim")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "energysim.cli"]
    proc = subprocess.Popen(
        [*cmd, "tariffs", "2027"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the command starts writing
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 0
    assert stderr == ""


def test_explain_monthly_sums_equal_the_annual_figures(tmp_path: Path, capsys) -> None:
    from energysim.config.scenario import load_scenario
    from energysim.results.tables import participant_audit, participants_table
    from energysim.simulate import run

    path = write_scenario(tmp_path, minimal())
    assert main(["explain", str(path), "B1-M002"]) == 0
    out = capsys.readouterr().out
    assert "B1-M002" in out and "total" in out
    result = run(load_scenario(path))
    table = participants_table(result).set_index("participant_id")
    audit = participant_audit(result, "B1-M002")
    months = audit.drop(index="total")
    assert len(months) == 12
    assert months["consumption_kwh"].sum() == pytest.approx(table.loc["B1-M002", "consumption_kwh"])
    assert months["received_members_kwh"].sum() == pytest.approx(
        table.loc["B1-M002", "allocated_kwh"]
    )
    assert months["grid_import_kwh"].sum() == pytest.approx(table.loc["B1-M002", "grid_import_kwh"])
    assert main(["explain", str(path), "B1-X999"]) == 2
    assert "participant 'B1-X999': not in scenario" in capsys.readouterr().err


def test_every_command_is_in_the_readme_and_the_package_docstring() -> None:
    """The parser's commands, the README's table of commands and the docstring of
    ``energysim.cli`` name the same commands."""
    import argparse

    import energysim.cli
    from energysim.cli.main import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    commands = set(sub.choices)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Commands") :].split("\n\n")[1]
    in_readme = {
        line.split("`energysim ")[1].split()[0].rstrip("`")
        for line in table.splitlines()
        if line.startswith("| `energysim ")
    }
    assert in_readme == commands
    doc = energysim.cli.__doc__ or ""
    assert all(f" {c} " in doc.replace("|", " ").replace("``", " ") for c in commands)


def test_keys_prints_every_allowed_key_and_writes_its_table(tmp_path: Path, capsys) -> None:
    """``energysim keys``: a row per key the set-up allows (the priority keys because
    households are flagged), the figures of the library's comparison."""
    from energysim.batch.key_fairness import FAIRNESS_COLUMNS, compare_keys
    from energysim.config.scenario import load_scenario

    data = minimal()
    data["buildings"][0]["tenants"]["energy_poor"] = [True, False, False]
    data["buildings"][0]["members"]["income_class"] = ["low", "high"]
    path = write_scenario(tmp_path, data)
    out_csv = tmp_path / "keys.csv"
    assert main(["keys", str(path), "--out", str(out_csv)]) == 0
    out = capsys.readouterr().out
    written = pd.read_csv(out_csv)
    assert list(written.columns) == list(FAIRNESS_COLUMNS)
    names = ["proportional", "equal", "maxmin", "priority_energy_poor", "priority_income"]
    assert list(written["key"]) == names
    for name in names:
        assert f"\n{name} " in out
    expected = compare_keys(load_scenario(path))
    pd.testing.assert_frame_equal(written, expected, check_dtype=False)
    # the energy-poor are the flagged tenant and the low-income member
    assert written["energy_poor_benefit_frac"].between(0, 1).all()
    assert (written["min_gain_eur"] <= written["p10_gain_eur"] + 1e-9).all()
    assert main(["keys", str(tmp_path / "missing.toml")]) == 2
