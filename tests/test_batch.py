"""Batch runs: same results on every executor, resume after a kill, bad rows, sweeps."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from energysim.batch.runner import plan_batch
from energysim.batch.sweep import parse_value, set_path, split_values, sweep_points
from energysim.cli.main import main
from energysim.core.errors import DataError, ScenarioError

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "scenarios" / "portfolio_template.toml"
EXAMPLE = REPO / "scenarios" / "portfolio_example.csv"
FAST = ["--set", "time_step_min=60", "--set", "buildings[0].members.count=4"]


def batch(out: Path, *extra: str, portfolio: Path = EXAMPLE) -> int:
    return main(
        ["batch", str(TEMPLATE), "--portfolio", str(portfolio), *FAST, "--out", str(out), *extra]
    )


def dask_test(test: Callable[..., None]) -> Callable[..., None]:
    """Mark a test that starts a dask cluster, a slow one (run first: tests/conftest.py).
    A scheduler binds port 8787 for its health pages (even without a dashboard) and warns,
    taking another port, when a cluster elsewhere on the machine holds it (under ``-n``,
    the other worker's may): that warning (about a port, not about the batch) is not an
    error, nor is the socket distributed leaves unclosed when it moves to another port."""
    test = pytest.mark.filterwarnings("ignore:Port 8787 is already in use:UserWarning")(test)
    test = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")(test)
    return pytest.mark.slow(test)


@dask_test
def test_example_portfolio_same_on_every_executor(tmp_path: Path) -> None:
    sweep = ["--sweep", "allocation.tenants.key.method=proportional,equal"]
    assert batch(tmp_path / "serial", *sweep) == 0
    assert batch(tmp_path / "procs", *sweep, "--jobs", "2") == 0
    assert batch(tmp_path / "dask", *sweep, "--jobs", "2", "--executor", "dask") == 0
    serial = (tmp_path / "serial" / "batch_summary.csv").read_bytes()
    assert (tmp_path / "procs" / "batch_summary.csv").read_bytes() == serial
    assert (tmp_path / "dask" / "batch_summary.csv").read_bytes() == serial
    table = pd.read_csv(tmp_path / "serial" / "batch_summary.csv")
    assert len(table) == 4 * 2 and (table.status == "ok").all()
    assert set(table["sweep.allocation.tenants.key.method"]) == {"proportional", "equal"}
    for col in (
        "generation_kwh",
        "self_consumption_frac",
        "benefit_eur.tenants",
        "household_benefit_eur.tenant.median_eur",
        "local_ownership_frac",
        "npv_eur[Woonstichting]",
    ):
        assert col in table.columns, col
    text_cols = ["error", "messages"]  # empty strings read back from CSV as NaN
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "serial" / "batch_summary.parquet").drop(columns=text_cols),
        table.drop(columns=text_cols),
        check_dtype=False,
    )
    assert len(pd.read_excel(tmp_path / "serial" / "batch_summary.xlsx")) == 8


@dask_test
def test_existing_dask_cluster_by_its_scheduler_address(tmp_path: Path) -> None:
    from distributed import LocalCluster

    assert batch(tmp_path / "serial") == 0
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        code = batch(tmp_path / "remote", "--executor", "dask", "--scheduler", address)
        # the cluster is still up for other users after the batch
        assert cluster.status.name == "running"
    assert code == 0
    serial = (tmp_path / "serial" / "batch_summary.csv").read_bytes()
    assert (tmp_path / "remote" / "batch_summary.csv").read_bytes() == serial


@pytest.mark.slow
def test_resume_after_a_kill_computes_nothing_twice(tmp_path: Path) -> None:
    # 15-minute units so the batch takes long enough to be interrupted part-way
    args = [
        sys.executable,
        "-m",
        "energysim.cli",
        "batch",
        str(TEMPLATE),
        "--portfolio",
        str(EXAMPLE),
        "--sweep",
        "year=2026,2027,2028",
        "--set",
        "buildings[0].members.count=4",
    ]
    cli_args = args[3:]  # the same batch without "python -m energysim.cli"
    full = tmp_path / "full"  # the whole batch, in this process (no interpreter to start)
    assert main([*cli_args, "--out", str(full)]) == 0
    cut = tmp_path / "cut"
    proc = subprocess.Popen(
        [*args, "--out", str(cut)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        done = list((cut / "units").glob("*.json")) if (cut / "units").exists() else []
        if len(done) >= 2:
            break
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = len(list((cut / "units").glob("*.json")))
    assert 2 <= finished < 12, "the batch should have been interrupted part-way"
    assert not (cut / "batch_summary.csv").exists()
    assert main([*cli_args, "--out", str(cut)]) == 2  # needs --resume
    subprocess.run([*args, "--out", str(cut), "--resume"], check=True, capture_output=True)
    assert (cut / "batch_summary.csv").read_bytes() == (full / "batch_summary.csv").read_bytes()
    log = (cut / "computed.log").read_text().split()
    assert len(log) == len(set(log)) == 12


def test_bad_row_fails_or_is_skipped_with_keep_going(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "portfolio.csv"
    text = EXAMPLE.read_text().splitlines()
    text[3] = text[3].replace(",48,", ",many,")  # row 4 (C003): dwellings not a number
    bad.write_text("\n".join(text) + "\n")
    assert batch(tmp_path / "o1", portfolio=bad) == 2
    err = capsys.readouterr().err
    assert "row 4, column 'dwellings'" in err and "'many'" in err
    assert batch(tmp_path / "o2", "--keep-going", portfolio=bad) == 3  # a unit failed
    out = capsys.readouterr()
    assert "failed C003" in out.out
    table = pd.read_csv(tmp_path / "o2" / "batch_summary.csv")
    assert list(table.loc[table.status == "failed", "complex_id"]) == ["C003"]
    assert (table.status == "ok").sum() == 3


def test_failing_unit_is_recorded_and_the_rest_go_on(tmp_path: Path, capsys) -> None:
    # participating > dwellings only for the small complexes: their units are refused,
    # before any unit runs (bad input), or with --keep-going recorded as failed rows
    sets = ["--set", "buildings[0].tenants.participating=30"]
    sweep = ["--sweep", "buildings[0].tenants.participating=10,30"]
    assert batch(tmp_path / "refused", *sets, *sweep) == 2
    err = capsys.readouterr().err
    assert err == (
        "energysim: error: C002__buildings_0_.tenants.participating-30: field 'buildings[0]': "
        "tenants.participating: expected at most dwellings=24, found 30\n"
    )
    assert not (tmp_path / "refused").exists()
    assert batch(tmp_path / "o", *sets, *sweep, "--keep-going") == 3  # some units failed
    table = pd.read_csv(tmp_path / "o" / "batch_summary.csv")
    failed = table[table.status == "failed"]
    assert set(failed.complex_id) == {"C002", "C004"}
    assert failed.error.str.contains("tenants.participating").all()


def test_portfolio_in_excel(tmp_path: Path) -> None:
    xlsx = tmp_path / "portfolio.xlsx"
    pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False).to_excel(xlsx, index=False)
    csv_plan = plan_batch(TEMPLATE, portfolio_path=EXAMPLE)
    xlsx_plan = plan_batch(TEMPLATE, portfolio_path=xlsx)
    assert [u.scenario for u in csv_plan.units] == [u.scenario for u in xlsx_plan.units]
    assert len(csv_plan.units) == 4


def test_bad_portfolio_columns(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("complex_id,postcode,dwelings\nA,3000,4\n")
    with pytest.raises(DataError, match="column 'dwellings': required column is missing"):
        plan_batch(TEMPLATE, portfolio_path=path)


def test_sweep_and_set_syntax() -> None:
    assert parse_value("2027") == 2027 and parse_value("0.5") == 0.5 and parse_value("sce") == "sce"
    assert split_values('1,[2, 3],"a,b"') == [1, [2, 3], "a,b"]
    assert sweep_points(["a=1,2", "b=x,y"]) == [
        {"a": 1, "b": "x"},
        {"a": 1, "b": "y"},
        {"a": 2, "b": "x"},
        {"a": 2, "b": "y"},
    ]
    data = {"buildings": [{"tenants": {"participating": 1}}]}
    assert set_path(data, "buildings[0].tenants.participating", 5)["buildings"][0]["tenants"] == {
        "participating": 5
    }
    assert set_path({}, "allocation.members.mode", "sce") == {
        "allocation": {"members": {"mode": "sce"}}
    }
    with pytest.raises(ScenarioError, match="index \\[3\\] does not exist"):
        set_path(data, "buildings[3].dwellings", 1)
    with pytest.raises(ScenarioError, match=r"--sweep: expected KEY=V1,V2,\.\.\., found 'year'"):
        sweep_points(["year"])


def test_scenario_without_portfolio_and_detail(tmp_path: Path) -> None:
    scenario = REPO / "scenarios" / "walkup-portiekflat.toml"
    assert (
        main(
            [
                "batch",
                str(scenario),
                "--set",
                "time_step_min=60",
                "--sweep",
                "year=2026,2027",
                "--detail",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    rows = [json.loads(p.read_text()) for p in (tmp_path / "units").glob("*.json")]
    assert {r["year"] for r in rows} == {2026, 2027}
    assert (
        tmp_path / "units" / "detail" / "walkup-portiekflat__year-2026" / "summary.json"
    ).is_file()


def test_resume_refuses_a_changed_batch(tmp_path: Path, capsys) -> None:
    assert batch(tmp_path / "o") == 0
    assert batch(tmp_path / "o", "--resume", "--set", "year=2028") == 2
    assert "computed from another scenario" in capsys.readouterr().err


def test_complexes_draw_their_own_households() -> None:
    plan = plan_batch(TEMPLATE, portfolio_path=EXAMPLE)
    seeds = {u.scenario["buildings"][0]["tenants"]["profile_seed"] for u in plan.units}
    assert len(seeds) == len(plan.units)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt is Linux-only")
def test_workers_keep_freed_memory_on_linux() -> None:
    from energysim.batch.executors import retain_freed_memory

    # glibc accepts the thresholds (mallopt returns 1); the process pool and Dask
    # workers call this before their first unit
    assert retain_freed_memory() is True


def test_docs_print_the_portfolio_column_table() -> None:
    """docs/batch.md prints energysim.batch.portfolio.COLUMNS, generated, between its markers."""
    from energysim.batch.portfolio import columns_markdown

    page = (REPO / "docs" / "batch.md").read_text(encoding="utf-8")
    begin = page.index("<!-- portfolio columns: begin")
    begin = page.index("\n", begin) + 1
    end = page.index("<!-- portfolio columns: end -->")
    assert page[begin:end] == columns_markdown(), (
        "docs/batch.md's portfolio table differs from energysim.batch.portfolio.COLUMNS; paste:\n"
        + columns_markdown()
    )


def test_a_direct_column_is_one_line_of_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """A column added to COLUMNS is read by its kind, bounded by its field's physical
    limit and set at its path, with no other change."""
    import tomllib

    from energysim.batch import portfolio

    lighting = portfolio.Column(
        "lighting_kwh_per_yr",
        "no",
        "number",
        "kWh/yr",
        "buildings[0].common.lighting_kwh_per_yr",
        "gallery lighting",
    )
    monkeypatch.setattr(portfolio, "COLUMNS", (*portfolio.COLUMNS, lighting))
    template = tomllib.loads(TEMPLATE.read_text())
    row = pd.Series(
        {"complex_id": "C9", "postcode": "3085", "dwellings": "80", "capacity_kwp": "30"},
        name=2,
    )
    scaled = portfolio.complex_scenario(template, row, EXAMPLE)
    # without the cell: the template's lighting, scaled to 80 of its 40 dwellings
    assert scaled["buildings"][0]["common"]["lighting_kwh_per_yr"] == 2000.0 * 2

    def with_lighting(text: str) -> pd.Series:
        return pd.concat([row, pd.Series({"lighting_kwh_per_yr": text})]).rename(2)

    given = portfolio.complex_scenario(template, with_lighting("1234.5"), EXAMPLE)
    assert given["buildings"][0]["common"]["lighting_kwh_per_yr"] == 1234.5
    with pytest.raises(DataError, match=r"row 2, column 'lighting_kwh_per_yr': expected at most"):
        portfolio.complex_scenario(template, with_lighting("1e12"), EXAMPLE)


# --------------------------------------------------------------------------- workers that die
def _batch_process(out: Path, *extra: str) -> subprocess.Popen[str]:
    """A batch of twelve 15-minute units (about a second each) in two worker processes,
    in a session of its own (so a test can end what is left)."""
    args = [sys.executable, "-m", "energysim.cli", "batch", str(TEMPLATE), "--portfolio"]
    return subprocess.Popen(
        [*args, str(EXAMPLE), "--set", "buildings[0].members.count=4", "--jobs", "2"]
        + ["--sweep", "year=2026,2027,2028"]
        + ["--chunk-size", "1", "--out", str(out), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _workers(proc: subprocess.Popen[str], out: Path, count: int) -> list[int]:
    """Wait until the batch ``proc`` has ``count`` worker processes (children running its
    command line) and has written a unit; their process ids."""

    def children() -> set[int]:
        found: set[int] = set()
        try:  # read now: just after it started, the process may not yet run python
            command = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
        except OSError:
            return found
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                ppid = int(stat.read_text().rpartition(")")[2].split()[1])
                same = (stat.parent / "cmdline").read_bytes() == command
            except (OSError, ValueError, IndexError):  # ended meanwhile
                continue
            if ppid == proc.pid and same:
                found.add(int(stat.parent.name))
        return found

    deadline = time.time() + 120
    while time.time() < deadline:
        workers = children()
        if len(workers) >= count and any((out / "units").glob("*.json")):
            time.sleep(0.3)  # a unit is written: the workers are inside their next ones
            workers &= children()  # not a fork on its way to run another program
            if len(workers) >= count:
                return sorted(workers)
        time.sleep(0.05)
    raise AssertionError(f"the batch did not start {count} workers within 2 minutes")


def _computing(out: Path) -> dict[int, str]:
    """The units being computed now, by worker process id (their markers)."""
    found = {}
    for marker in (out / "units").glob(".*.running"):
        with contextlib.suppress(OSError, ValueError):  # removed, or not written yet
            found[int(marker.read_text())] = marker.name[1 : -len(".running")]
    return found


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its reaper has ended)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_worker_names_its_unit_and_how_to_resume(tmp_path: Path) -> None:
    out = tmp_path / "o"
    proc = _batch_process(out)
    try:
        pid = _workers(proc, out, count=2)[0]
        os.kill(pid, signal.SIGKILL)
        unit = _computing(out).get(pid, "")  # before the batch clears what it left
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)  # closes the pipes
    assert proc.returncode == 3, stderr  # not bad input: data intact, the batch resumable
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("energysim: error: batch stopped: "), stderr
    assert "Traceback" not in stderr and "BrokenProcessPool" not in stderr
    # the unit of the worker that died, not those the pool stopped in the other worker
    assert unit and f" while computing unit(s) {unit}; " in lines[0], lines[0]
    assert "--resume to compute the rest" in lines[0], lines[0]
    assert stdout == "" and not (out / "batch_summary.csv").exists()
    assert list((out / "units").glob(".*.running")) == []
    resumed = _batch_process(out, "--resume")
    stdout, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, stderr
    assert "12 unit(s) ok, 0 failed" in stdout
    log = (out / "computed.log").read_text().split()
    assert len(set(log)) == len(log) == 12  # the unit of the killed worker once


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_end_when_the_batch_is_killed(tmp_path: Path) -> None:
    out = tmp_path / "o"
    proc = _batch_process(out)
    try:
        workers = _workers(proc, out, count=2)
        os.kill(proc.pid, signal.SIGKILL)  # the main process only, as `kill -9` does
        proc.wait(timeout=30)
        deadline = time.time() + 10
        while time.time() < deadline and any(_alive(pid) for pid in workers):
            time.sleep(0.05)
        assert not [pid for pid in workers if _alive(pid)], "orphaned workers still running"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)  # closes the pipes
    assert not (out / "batch_summary.csv").exists()


def test_a_cut_short_unit_file_is_computed_again_on_resume(tmp_path: Path, capsys) -> None:
    out = tmp_path / "o"
    assert batch(out) == 0
    summary = (out / "batch_summary.csv").read_bytes()
    unit = out / "units" / "C002.json"
    unit.write_bytes(unit.read_bytes()[: unit.stat().st_size // 2])  # a copy cut short
    (out / "units" / "C003.json").write_bytes(b"")  # a full disk's empty file
    capsys.readouterr()
    assert batch(out, "--resume") == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"energysim: note: {unit}: cannot be read (cut short or damaged); unit C002 is "
        "computed again",
        f"energysim: note: {out / 'units' / 'C003.json'}: cannot be read (cut short or "
        "damaged); unit C003 is computed again",
    ]
    assert (out / "batch_summary.csv").read_bytes() == summary
    assert json.loads(unit.read_text())["status"] == "ok"
    assert (out / "computed.log").read_text().split().count("C002") == 2


# --------------------------------------------------------------------------- bad input: exit 2
def _portfolio_naming(folder: Path, csv_name: str) -> Path:
    """The example portfolio with C002's consumption read from ``csv_name``."""
    lines = EXAMPLE.read_text().splitlines()
    lines = [lines[0] + ",consumption_csv"] + [line + "," for line in lines[1:]]
    lines[2] += csv_name
    path = folder / "portfolio.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            ["--set", "bogus=1"],
            "C001: field 'bogus': unknown key (not part of the scenario format) "
            "(set by --set bogus=1)",
        ),
        (
            ["--set", "year=abc"],
            "C001: field 'year': expected a whole number, found 'abc' (a text)",
        ),
        (
            ["--sweep", "year=2026,abc"],
            "C001__year-abc: field 'year': expected a whole number, found 'abc' (a text)",
        ),
        (["missing-csv"], "C002: {folder}/missing.csv: file not found (field 'consumption_csv')"),
    ],
    ids=["unknown-key", "not-a-year", "sweep-not-a-year", "row-names-a-missing-csv"],
)
def test_bad_input_to_a_batch_is_one_line_and_exit_2(
    tmp_path: Path, capsys, extra: list[str], expected: str
) -> None:
    portfolio = EXAMPLE
    if extra == ["missing-csv"]:
        portfolio, extra = _portfolio_naming(tmp_path, "missing.csv"), []
    assert batch(tmp_path / "o", *extra, portfolio=portfolio) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("energysim: error: " + expected.format(folder=tmp_path)), err
    assert not (tmp_path / "o").exists()  # refused before anything is written


def test_a_unit_refused_with_keep_going_is_a_failed_row(tmp_path: Path, capsys) -> None:
    portfolio = _portfolio_naming(tmp_path, "missing.csv")
    assert batch(tmp_path / "o", "--keep-going", portfolio=portfolio) == 3  # a unit failed
    out, err = capsys.readouterr()
    assert "energysim: skipped C002: C002: " in err and "failed C002" in out
    table = pd.read_csv(tmp_path / "o" / "batch_summary.csv")
    assert list(table.complex_id) == ["C001", "C002", "C003", "C004"]
    assert list(table.status) == ["ok", "failed", "ok", "ok"]


def test_a_full_disk_names_the_summary_file(tmp_path: Path, monkeypatch, capsys) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise OSError("Error writing bytes to file. Detail: [errno 28] No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    assert batch(tmp_path / "o") == 2
    err = capsys.readouterr().err
    target = tmp_path / "o" / "batch_summary.parquet"
    assert err == f"energysim: error: {target}: No space left on device\n"
    assert not [p for p in (tmp_path / "o").iterdir() if p.name.startswith(".")]


def test_api_errors_name_the_functions_arguments(tmp_path: Path) -> None:
    from energysim.batch.runner import run_batch

    plan = plan_batch(TEMPLATE, portfolio_path=EXAMPLE, sets=FAST[1::2])
    with pytest.raises(TypeError, match=r"^plan_batch\(\): template_path: expected a file path"):
        plan_batch(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^plan_batch\(\): sets: expected a list of 'KEY="):
        plan_batch(TEMPLATE, sets="year=2027")
    with pytest.raises(TypeError, match=r"^run_batch\(\): out_dir: expected a folder path"):
        run_batch(plan, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^run_batch\(\): csv_dialect: expected one of"):
        run_batch(plan, tmp_path, csv_dialect=["nl"])  # type: ignore[arg-type]
    with pytest.raises(DataError, match=r"^run_batch\(\): jobs: expected at least 1 worker"):
        run_batch(plan, tmp_path, jobs=0)
    with pytest.raises(TypeError, match=r"^run_batch\(\): jobs: expected an int, found '2'"):
        run_batch(plan, tmp_path, jobs="2")  # type: ignore[arg-type]
    assert not any(tmp_path.iterdir())
