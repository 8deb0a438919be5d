"""``energysim validate`` of a scenario that names no data file: quick, and what a run says.

Such a scenario (the default and most examples) has nothing to read, so validate stops
after the checks a run makes before reading any file (:mod:`energysim.inputs.preflight`) and
imports neither pandas nor pyarrow, pvlib or scipy. These tests check the imports (in a
fresh process, as a user runs it), that the reads validate skips would have found nothing,
and that a refused scenario gets the same line from validate as from run (the catalogue
of ``tests/bad_inputs.py`` holds more, file-less and not, in
``tests/test_bad_input_sweep.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest

from energysim.cli.main import main
from energysim.config.data_files import data_files
from energysim.config.plausibility import plausibility_warnings
from energysim.config.scenario import load_scenario, scenario_from_dict
from energysim.inputs import preflight
from energysim.inputs.timeindex import year_index
from energysim.validate import check_inputs, read_files
from tests.helpers import minimal, write_scenario

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((REPO / "scenarios").glob("*.toml"))
FILE_LESS = [p for p in EXAMPLES if not data_files(load_scenario(p))]
HEAVY = ("pandas", "pyarrow", "pvlib", "scipy", "holidays")

PROBE = """
import json, sys
from energysim.cli.main import main
try:
    rc = main(sys.argv[1:])
except SystemExit as exc:  # --help
    rc = exc.code
heavy = json.loads({heavy!r})
found = sorted({{m.split(".")[0] for m in sys.modules}} & set(heavy))
print(json.dumps({{"rc": rc, "imported": found}}))
"""


def _imports(args: list[str], heavy: tuple[str, ...] = HEAVY) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=json.dumps(heavy)), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_default_and_most_examples_name_no_data_file() -> None:
    assert REPO / "scenarios" / "rotterdam-galerijflat.toml" in FILE_LESS
    assert len(FILE_LESS) >= 3
    assert len(FILE_LESS) < len(EXAMPLES)  # measured-complex.toml names its CSVs


@pytest.mark.parametrize("path", FILE_LESS, ids=[p.stem for p in FILE_LESS])
def test_validate_without_data_files_imports_no_heavy_module(path: Path) -> None:
    assert _imports(["validate", str(path)]) == {"rc": 0, "imported": []}


def test_validate_with_data_files_reads_them_with_pandas() -> None:
    measured = [p for p in EXAMPLES if p not in FILE_LESS]
    assert _imports(["validate", str(measured[0])]) == {"rc": 0, "imported": ["pandas", "pyarrow"]}


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["validate", "--help"]])
def test_the_command_line_starts_without_heavy_modules(args: list[str]) -> None:
    got = _imports(args, (*HEAVY, "numpy", "pydantic", "tqdm"))
    assert got == {"rc": 0, "imported": []}


def _variants() -> list[tuple[str, dict]]:
    """File-less scenarios using every feature whose input a run may read from a file."""
    out = [(p.stem, load_scenario(p).model_dump(mode="json", exclude_none=True)) for p in FILE_LESS]
    battery = minimal()
    # (a price-aware battery needs a price file: not file-less)
    battery["buildings"][0]["battery"] = {"capacity_kwh": 20.0, "power_kw": 5.0}
    battery["buildings"][0]["home_batteries"] = {"capacity_kwh": 5.0, "power_kw": 2.5}
    battery["buildings"][0]["arrays"].append(
        {"id": "strings", "capacity_kwp": 1.0, "setup": "per_dwelling"}
    )
    keys = minimal()
    keys["allocation"] = {
        "tenants": {"key": {"method": "static", "shares_frac": [0.6, 0.4]}},
        "members": {"key": {"method": "equal"}},
    }
    heat = minimal()
    heat["buildings"][0]["heat_pumps"] = {"space_heat_kwh_per_yr": 4000.0}
    return [*out, ("batteries", battery), ("static-equal-keys", keys), ("heat", heat)]


@pytest.mark.parametrize("data", [d for _, d in _variants()], ids=[n for n, _ in _variants()])
def test_the_reads_validate_skips_find_nothing(tmp_path: Path, data: dict) -> None:
    """Without data files every reader of a run returns at once: the full check (the
    run's readers, with pandas) and validate's short one agree."""
    scenario = scenario_from_dict(data, base_dir=REPO / "scenarios")
    assert data_files(scenario) == {}
    checked = preflight.check_scenario(scenario, "check_inputs")
    read_files(checked)  # what validate skips: raises nothing, reads nothing
    assert check_inputs(scenario) == plausibility_warnings(checked.scenario)


def test_memory_refusal_is_the_same_in_validate_and_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(preflight, "_available_memory_bytes", lambda: 2**19)  # 512 KiB
    path = write_scenario(tmp_path, minimal())
    assert main(["validate", str(path)]) == 2
    validate_error = capsys.readouterr().err
    assert "6 participants x 8,760 intervals need at least" in validate_error
    assert validate_error.count("\n") == 1
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == validate_error
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("step_min", [15, 60])
def test_interval_count_is_the_length_of_the_year_index(step_min: int) -> None:
    """preflight counts the intervals without pandas for the memory check; a run asserts
    the same count (inputs.context.run_context). Every zone, a leap year and a common one."""
    for zone in sorted(zoneinfo.available_timezones()):
        for year in (2024, 2027):
            expected = len(year_index(year, step_min, zone))
            assert preflight.n_intervals(year, step_min, zone) == expected, (zone, year)
