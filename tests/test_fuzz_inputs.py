"""Fuzzing: whatever a user types or a disk holds, energysim answers with its own error.

Hypothesis mutates valid scenario dicts (values of every type, huge, negative, infinite
and NaN numbers, unknown keys, removed keys) and feeds random or mutated bytes as
scenario files, measured CSVs, meter exports, weather CSVs and portfolios. Each must
either load and validate, or raise the project's own error (``EnergysimError``) with a
one-line message; any other exception is a bug.

CI runs a small share (``ENERGYSIM_FUZZ_EXAMPLES``, default 100 per test); run a few
thousand locally with ``ENERGYSIM_FUZZ_EXAMPLES=3000 pytest tests/test_fuzz_inputs.py``.
"""

from __future__ import annotations

import copy
import json
import math
import os
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import tomli_w
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from energysim.batch.portfolio import complex_scenario, read_portfolio
from energysim.cli.main import main
from energysim.config.limits import limit_violations
from energysim.config.plausibility import plausibility_warnings
from energysim.config.scenario import Scenario, load_scenario, scenario_from_dict
from energysim.core.errors import EnergysimError
from energysim.inputs.meter import read_meter_export
from energysim.inputs.weather.readers import read_weather_csv
from energysim.validate import check_inputs
from tests.helpers import minimal, year_frame

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "scenarios"
TEMPLATE = tomllib.loads((SCENARIOS / "portfolio_template.toml").read_text())
EXAMPLE_PORTFOLIO = (SCENARIOS / "portfolio_example.csv").read_bytes()
FUZZ_EXAMPLES = int(os.environ.get("ENERGYSIM_FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

BASES: list[tuple[dict[str, Any], Path]] = [(minimal(), REPO)] + [
    (tomllib.loads(p.read_text()), SCENARIOS) for p in sorted(SCENARIOS.glob("*.toml"))
]


def _one_line(exc: BaseException) -> None:
    message = str(exc)
    assert message and "\n" not in message, repr(message)


# --------------------------------------------------------------------------- scenario dicts
def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path of a nested dict/list (tables, lists and leaves)."""
    out: list[tuple[Any, ...]] = []
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        here = (*prefix, key)
        out.append(here)
        if isinstance(value, dict | list):
            out += _paths(value, here)
    return out


values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([0, -1, 1, 10**12, 2**63 - 1, 0.0, -0.0, 1e300, -1e300, 1e-300]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["", ".", "..", "a/b", "mini", "sce", "static", "2027", "1e300", "inf"]),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=4),
    st.lists(st.integers(-5, 5), max_size=4),
    st.dictionaries(
        st.sampled_from(["mean_kwh", "sd_kwh", "x", "method"]), st.integers(), max_size=2
    ),
)


@st.composite
def mutated_scenarios(
    draw: st.DrawFn, bases: list[tuple[dict[str, Any], Path]] = BASES
) -> tuple[dict[str, Any], Path]:
    base, folder = draw(st.sampled_from(bases))
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        node: Any = data
        for key in path[:-1]:
            node = node[key]
        action = draw(st.sampled_from(["set", "set", "set", "remove", "unknown-key"]))
        if action == "set":
            node[path[-1]] = draw(values)
        elif action == "remove":
            del node[path[-1]]
        elif isinstance(node, dict):
            node[draw(st.text(min_size=1, max_size=8))] = draw(values)
    return data, folder


def _drop_none(data: Any) -> Any:
    """TOML has no null: a None in a mutated dict means the key is left out."""
    if isinstance(data, dict):
        return {k: _drop_none(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_drop_none(v) for v in data if v is not None]
    return data


@FUZZ
@given(case=mutated_scenarios())
def test_mutated_scenario_dicts_load_or_say_why(case: tuple[dict[str, Any], Path]) -> None:
    data, folder = case
    try:
        scenario = scenario_from_dict(data, base_dir=folder, source="fuzz.toml")
    except EnergysimError as exc:
        _one_line(exc)
        return
    assert isinstance(scenario, Scenario)
    # what loads is finite and possible, and checking it further is safe too
    assert limit_violations(scenario.model_dump()) == []
    assert all(isinstance(w, str) and "\n" not in w for w in plausibility_warnings(scenario))
    try:
        check_inputs(scenario)
    except EnergysimError as exc:
        _one_line(exc)


@FUZZ
@given(case=mutated_scenarios())
def test_mutated_scenario_files_load_or_say_why(
    tmp_path: Path, case: tuple[dict[str, Any], Path]
) -> None:
    data, _ = case
    path = tmp_path / "fuzz.toml"
    try:
        path.write_bytes(tomli_w.dumps(_drop_none(data)).encode())
    except (TypeError, ValueError):  # not representable as TOML (e.g. a list of tables)
        return
    try:
        load_scenario(path)
    except EnergysimError as exc:
        _one_line(exc)
        assert str(path) in str(exc)


# --------------------------------------------------------------------------- bytes
@st.composite
def mutated_bytes(draw: st.DrawFn, valid: bytes) -> bytes:
    """Random bytes, or a valid file with random bytes inserted, replaced or cut."""
    if draw(st.integers(0, 3)) == 0:
        return draw(st.binary(max_size=400))
    data = bytearray(valid)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        chunk = draw(
            st.one_of(
                st.binary(min_size=1, max_size=6),
                st.sampled_from(
                    [b",", b"\n", b";", b'"', b"1e300", b"inf", b"nan", b"-1", b"1,5", b"\xe9"]
                ),
            )
        )
        action = draw(st.sampled_from(["insert", "replace", "cut"]))
        if action == "insert":
            data[at:at] = chunk
        elif action == "replace":
            data[at : at + len(chunk)] = chunk
        else:
            del data[at : at + len(chunk)]
    return bytes(data)


INDEX = pd.date_range("2026-03-29", periods=48, freq="h", tz="Europe/Amsterdam")
VALID_CSV = ("time,a,b\n" + "".join(f"{t.isoformat()},0.5,1.0\n" for t in INDEX)).encode()
VALID_TOML = (SCENARIOS / "walkup-portiekflat.toml").read_bytes()
VALID_METER = (
    "time;kwh\n" + "".join(f"{t.strftime('%Y-%m-%d %H:%M')};0,25\n" for t in INDEX[:30])
).encode()
VALID_WEATHER = (
    "time,ghi,temp_air,wind_speed\n" + "".join(f"{t.isoformat()},100,10,3\n" for t in INDEX)
).encode()


@FUZZ
@given(data=mutated_bytes(VALID_TOML))
def test_scenario_bytes_load_or_say_why(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "scenario.toml"
    path.write_bytes(data)
    try:
        load_scenario(path)
    except EnergysimError as exc:
        _one_line(exc)
        assert str(path) in str(exc)


@FUZZ
@given(data=mutated_bytes(VALID_CSV))
def test_measured_csv_bytes_read_or_say_why(tmp_path: Path, data: bytes) -> None:
    from energysim.core.series_csv import read_timeseries_csv

    path = tmp_path / "measured.csv"
    path.write_bytes(data)
    try:
        frame = read_timeseries_csv(
            path,
            expected_index=INDEX,
            allowed_columns=["a", "b"],
            max_values={"a": (7.5, "test bound"), "b": (7.5, "test bound")},
        )
    except EnergysimError as exc:
        _one_line(exc)
        assert str(path) in str(exc)
        return
    values = frame.to_numpy()
    assert all(math.isfinite(v) and 0 <= v <= 7.5 for v in values.ravel())


@FUZZ
@given(data=st.data())
def test_meter_and_weather_bytes_read_or_say_why(tmp_path: Path, data: st.DataObject) -> None:
    reader, valid = data.draw(
        st.sampled_from([(read_meter_export, VALID_METER), (read_weather_csv, VALID_WEATHER)])
    )
    path = tmp_path / "series.csv"
    path.write_bytes(data.draw(mutated_bytes(valid)))
    try:
        reader(path)
    except EnergysimError as exc:
        _one_line(exc)


@FUZZ
@given(data=mutated_bytes(EXAMPLE_PORTFOLIO))
def test_portfolio_bytes_plan_or_say_why(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "portfolio.csv"
    path.write_bytes(data)
    try:
        table = read_portfolio(path)
    except EnergysimError as exc:
        _one_line(exc)
        assert str(path) in str(exc)
        return
    for _, row in table.iterrows():
        try:
            scenario = complex_scenario(TEMPLATE, row, path)
        except EnergysimError as exc:
            _one_line(exc)
            assert f"{path}: row {row.name}" in str(exc)
            continue
        try:
            scenario_from_dict(scenario, base_dir=SCENARIOS, source=str(row["complex_id"]))
        except EnergysimError as exc:
            _one_line(exc)


# --------------------------------------------------------------------------- end to end
# Scenario fields, TOML bytes and measured CSVs through both commands, as a user runs them:
# each ends with exit 0 or 2 (never a traceback), validate passes exactly when run does, a
# refusal is one line, the same from both, and writes nothing; a result holds no NaN or inf
# and balances its energy. Every example is a full year (about 0.5 s for the two commands),
# so CI runs ENERGYSIM_FUZZ_RUNS (default 40) examples: about 10 s.
FUZZ_RUNS = settings(
    max_examples=int(os.environ.get("ENERGYSIM_FUZZ_RUNS", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MINIMAL_TOML = tomli_w.dumps(minimal()).encode()
_GENERATION = year_frame(2026, 60, {"roof": 0.5})["roof"]
MEASURED_CSV = (
    "time,roof\n" + "".join(f"{t.isoformat()},{v}\n" for t, v in _GENERATION.items())
).encode()


def _near(old: Any) -> st.SearchStrategy[Any]:
    """Values a user might put where ``old`` stands: often valid, sometimes not."""
    if isinstance(old, bool):
        return st.sampled_from([True, False, 1, "yes"])
    if isinstance(old, int | float):
        top = 3 * abs(old) + 1 if math.isfinite(old) else 1.0  # an earlier edit: inf, nan
        return st.one_of(
            st.sampled_from([old, 0, 1, -old, str(old), True, math.inf, math.nan]),
            st.integers(0, int(top)),
            st.floats(0, top),
        )
    return st.sampled_from([old, "", "x", str(old).upper()])


@st.composite
def edited_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """The minimal scenario with 0-3 values changed in place (type, size, sign)."""
    data = minimal()
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(_paths(data)))
        node: Any = data
        for key in path[:-1]:
            node = node[key]
        if not isinstance(node[path[-1]], dict | list):
            node[path[-1]] = draw(_near(node[path[-1]]))
    return data


@st.composite
def edited_csv(draw: st.DrawFn, valid: bytes) -> bytes:
    """A valid measured CSV with 0-3 cells changed: numbers, or text a user might type."""
    lines = valid.decode().split("\n")
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(1, len(lines) - 2))
        cell = draw(
            st.one_of(
                st.floats(0, 4).map(repr),
                st.sampled_from(["0", "", "-0.5", "1e300", "nan", "inf", "3.000", "0,5", "x"]),
            )
        )
        lines[i] = lines[i].rsplit(",", 1)[0] + "," + cell
    return "\n".join(lines).encode()


class Folder(dict[str, bytes]):
    """A fuzzed folder's files, shown by what differs from the valid files (a failing
    example of a 270 kB measured CSV would otherwise print whole)."""

    kind = ""
    BASES = {"scenario.toml": MINIMAL_TOML, "generation.csv": MEASURED_CSV}

    def __repr__(self) -> str:
        shown = []
        for name, content in self.items():
            base = self.BASES[name]
            at = next(
                (i for i, (a, b) in enumerate(zip(content, base, strict=False)) if a != b), None
            )
            if at is None and len(content) == len(base):
                shown.append(f"{name}: valid")
                continue
            at = min(len(content), len(base)) if at is None else at
            shown.append(
                f"{name}: {len(content)} bytes, from byte {at}: {content[at : at + 120]!r}"
            )
        return f"Folder({self.kind}; {'; '.join(shown)})"


@st.composite
def scenario_folders(draw: st.DrawFn) -> tuple[str, dict[str, bytes]]:
    """What is fuzzed, and the files of a scenario folder: ``scenario.toml`` and what it
    refers to."""
    kinds = ["fields", "fields", "measured", "measured", "mutated fields", "toml", "csv bytes"]
    kind = draw(st.sampled_from(kinds))
    files = {"scenario.toml": MINIMAL_TOML}
    if kind == "toml":
        files["scenario.toml"] = draw(mutated_bytes(MINIMAL_TOML))
    elif kind in ("measured", "csv bytes"):
        files["scenario.toml"] = tomli_w.dumps(minimal(generation_csv="generation.csv")).encode()
        edit = edited_csv if kind == "measured" else mutated_bytes
        files["generation.csv"] = draw(edit(MEASURED_CSV))
    else:
        data = (
            draw(edited_scenarios())
            if kind == "fields"
            else draw(mutated_scenarios(bases=[(minimal(), REPO)]))[0]
        )
        try:
            files["scenario.toml"] = tomli_w.dumps(_drop_none(data)).encode()
        except (TypeError, ValueError):  # not representable as TOML: the base itself
            pass
    folder = Folder(files)
    folder.kind = kind
    return kind, folder


def _finite_json(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise AssertionError(f"{constant} in a result's JSON")

    return json.loads(text, parse_constant=refuse)


MAY_BE_EMPTY = {"service_costs.csv": ["limit_value"]}
"""Columns whose empty cell is a documented value: a rule with no figure to stay under
(``limit_value`` of a rule that sets none, energysim.money.service_costs)."""


def _check_result(folder: Path) -> None:
    """No NaN or inf in any file of a result; energy balanced per interval and in total."""
    for path in sorted(folder.iterdir()):
        if path.suffix == ".json":
            _finite_json(path.read_text(encoding="utf-8"))
        elif path.suffix in (".csv", ".parquet"):
            frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
            frame = frame.drop(columns=MAY_BE_EMPTY.get(path.name, []), errors="ignore")
            numbers = frame.select_dtypes("number").to_numpy(dtype=float)
            assert np.isfinite(numbers).all(), f"NaN or inf in {path.name}"
    s = _finite_json((folder / "summary.json").read_text(encoding="utf-8"))
    stored = s["storage"]["charge_kwh"] - s["storage"]["discharge_kwh"] if "storage" in s else 0
    total = sum(s["allocated_kwh"].values()) + s["export_kwh"] + stored
    assert total == pytest.approx(s["generation_kwh"], rel=0, abs=1e-6)
    if "storage" not in s:
        ts = pd.read_parquet(folder / "timeseries.parquet")
        allocated = ts.filter(like="allocated_").sum(axis=1) + ts["export_kwh"]
        np.testing.assert_allclose(allocated, ts["generation_kwh"], rtol=0, atol=1e-9)


@FUZZ_RUNS
@given(case=scenario_folders())
def test_validate_and_run_agree_on_fuzzed_inputs(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    case: tuple[str, dict[str, bytes]],
) -> None:
    kind, files = case
    folder = tmp_path_factory.mktemp("fuzz")
    for name, content in files.items():
        (folder / name).write_bytes(content)
    scenario, out = folder / "scenario.toml", folder / "results"
    capsys.readouterr()
    validated = main(["validate", str(scenario)])
    validate_err = capsys.readouterr().err
    ran = main(["run", str(scenario), "--out", str(out)])
    run_err = capsys.readouterr().err
    assert validated in (0, 2) and ran in (0, 2), (validated, ran, validate_err, run_err)
    assert "Traceback" not in validate_err + run_err
    assert (validated == 0) == (ran == 0), (validate_err, run_err)
    event(f"{kind}: exit {ran}")
    if ran == 2:
        assert run_err.count("\n") == 1 and run_err == validate_err
        assert not out.exists() or not any(out.iterdir())
        return
    (result,) = [p for p in out.iterdir() if p.is_dir()]
    _check_result(result)


# Registers are read by the ownership command (no scenario refers to one): random and
# mutated registers, both CSV dialects, end with exit 0 or 2 and finite tables.
REGISTER_CSV = (REPO / "scenarios" / "register_example.csv").read_bytes()
REGISTER_NL = b"\n".join(
    line.replace(b",", b";")
    .replace(b";0.5", b";0,5")
    .replace(b";0.8", b";0,8")
    .replace(b";0.2", b";0,2")
    for line in REGISTER_CSV.split(b"\n")
)


@FUZZ
@given(data=st.data())
def test_registers_through_the_ownership_command(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    data: st.DataObject,
) -> None:
    folder = tmp_path_factory.mktemp("register")
    register = folder / "register.csv"
    register.write_bytes(
        data.draw(mutated_bytes(data.draw(st.sampled_from([REGISTER_CSV, REGISTER_NL]))))
    )
    capsys.readouterr()
    code = main(["ownership", str(register), "--out", str(folder / "o")])
    err = capsys.readouterr().err
    assert code in (0, 2) and "Traceback" not in err, err
    event(f"exit {code}")
    if code == 2:
        assert err.count("\n") == 1 and not (folder / "o").exists()
        return
    for path in (folder / "o").rglob("*.csv"):
        numbers = pd.read_csv(path).select_dtypes("number").to_numpy(dtype=float)
        assert not np.isinf(numbers).any(), f"inf in {path.name}"
    for path in (folder / "o").rglob("*.json"):
        _finite_json(path.read_text(encoding="utf-8"))
