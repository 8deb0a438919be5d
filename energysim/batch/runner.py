"""Batch runs: a scenario or a portfolio, times sweep points, on one machine or Dask.

A *unit* is one complex at one sweep point: a complete scenario. Units are run in chunks
by an executor (serial, local processes, or a Dask distributed cluster); each finished
unit's row is written atomically to ``OUT/units/<unit_id>.json`` by the worker that ran
it, so an interrupted batch loses only the units in flight and ``resume`` skips every
unit already written (:mod:`energysim.batch.unit_files`: a unit file that cannot be read
counts as not computed). Every unit's scenario is checked before any unit runs, so bad
input stops the batch before it writes anything; a unit failing while it runs is
recorded with its error and the others go on. A worker process that dies stops the batch
with :class:`~energysim.batch.unit_files.BatchInterrupted`, naming the units it was
computing (:mod:`energysim.batch.executors`). Results do not depend on the executor or
the number of workers: every unit's seeds come from its scenario, rows are assembled in
unit order, and floats survive JSON exactly.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from energysim.batch.chunking import plan_tasks
from energysim.batch.executors import WorkerDied, run_in_dask, run_in_processes
from energysim.batch.portfolio import complex_scenario, read_portfolio
from energysim.batch.sweep import parse_assignment, parse_value, set_path, sweep_points
from energysim.batch.unit_files import (
    clear_markers,
    forget_running,
    interrupted,
    mark_running,
    row_path,
    units_to_compute,
    unmark_running,
)
from energysim.core.csv_dialect import read_csv_file, sniff_dialect, write_csv_file
from energysim.core.errors import DataError, EnergysimError, ScenarioError, expect_type
from energysim.core.names import check_safe_name, slugify
from energysim.core.publish import (
    ensure_output_dir,
    expect_csv_dialect,
    expect_folder_path,
    make_temp_file,
    os_reason,
    write_text_atomically,
)
from energysim.core.textfile import parse_toml, read_text_file
from energysim.inputs.household_pool import HouseholdPool

SUMMARY_NAME = "batch_summary"
UNITS_DIR = "units"
LOG_NAME = "computed.log"
WORKER_POOL = HouseholdPool()
"""This process's pool of household-years (:mod:`energysim.inputs.household_pool`): kept
across the units a worker runs, passed to those that draw their households from it."""


@dataclass(frozen=True)
class Unit:
    """One complex at one sweep point."""

    unit_id: str
    complex_id: str
    point: dict[str, Any]
    scenario: dict[str, Any]
    base_dir: str
    household_pool: bool = False
    """Draw the households from this process's pool of household-years
    (:mod:`energysim.inputs.household_pool`) instead of generating each."""


@dataclass
class Plan:
    """The units of a batch, and the rows that could not become units (keep-going)."""

    units: list[Unit]
    failures: list[dict[str, Any]] = field(default_factory=list)
    complex_order: list[str] = field(default_factory=list)


def scenario_hash(unit: Unit) -> str:
    """Fingerprint of a unit's scenario: a resumed batch must be the same batch."""
    parts: list[Any] = [unit.scenario, unit.base_dir]
    if unit.household_pool:  # pooled households give other results
        parts.append("household_pool")
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def unit_id(complex_id: str, point: dict[str, Any]) -> str:
    """A unit's id, a safe scenario and file name: ``C001__year-2027``.

    The complex id and the sweep point's ``key=value`` pairs, made a safe slug
    (:func:`energysim.core.names.slugify`): never ``.``, ``..`` or a path.
    """
    label = ",".join(f"{k}={v}" for k, v in point.items())
    return slugify(complex_id + (f"__{label}" if label else ""))


def plan_batch(
    template_path: str | Path,
    *,
    portfolio_path: str | Path | None = None,
    sets: Sequence[str] = (),
    sweeps: Sequence[str] = (),
    keep_going: bool = False,
    household_pool: bool | None = None,
) -> Plan:
    """Build the units of a batch.

    Parameters
    ----------
    template_path : path
        Scenario TOML: the whole scenario, or the template of a portfolio.
    portfolio_path : path, optional
        Portfolio CSV/Excel (see :mod:`energysim.batch.portfolio`).
    sets : sequence of str
        ``key=value`` overrides applied to every unit.
    sweeps : sequence of str
        ``key=v1,v2,...``; the product of all sweeps makes the sweep points.
    keep_going : bool
        Record a bad portfolio row, or a unit whose scenario is refused, as a failure and
        go on; else raise.
    household_pool : bool, optional
        Draw households from a pool of household-years (:mod:`energysim.inputs.household_pool`);
        default: with a portfolio only (a single scenario's units give ``run``'s results).

    Raises
    ------
    ScenarioError, DataError
        Bad template, override, sweep, or (without ``keep_going``) portfolio row or unit:
        every unit's scenario is checked as a run checks it before reading files
        (:func:`energysim.inputs.preflight.check_scenario`: fields, rules, the files it
        names), so bad input stops the batch before any unit runs.
    TypeError
        An argument of the wrong type, named.
    """
    template_path, template = _read_template(template_path, sets, sweeps)
    points = sweep_points(list(sweeps))
    pooled = portfolio_path is not None if household_pool is None else household_pool
    base_dir = str(template_path.resolve().parent)
    plan = Plan(units=[])
    complexes: list[tuple[str, dict[str, Any]]] = []
    if portfolio_path is None:
        name = str(template.get("name", "scenario"))
        try:  # it names the units and their files: as in a single run, a safe slug
            check_safe_name(name)
        except ValueError as exc:
            raise ScenarioError(f"{template_path}: field 'name': {exc}") from None
        complexes.append((name, template))
    else:
        table = read_portfolio(portfolio_path)
        plan.complex_order = [str(c) for c in table["complex_id"]]
        for _, row in table.iterrows():
            try:
                complexes.append(
                    (str(row["complex_id"]), complex_scenario(template, row, Path(portfolio_path)))
                )
            except EnergysimError as exc:
                if not keep_going:
                    raise
                # a bad row stands for one failed unit per sweep point
                cid = str(row["complex_id"])
                plan.failures += [
                    {
                        "unit_id": unit_id(cid or f"row{row.name}", point),
                        "complex_id": cid,
                        **{f"sweep.{k}": v for k, v in point.items()},
                        "status": "failed",
                        "error": str(exc),
                    }
                    for point in points
                ]
    seen: dict[str, tuple[str, dict[str, Any]]] = {}
    for cid, scenario in complexes:
        for point in points:
            data = scenario
            for key, value in point.items():
                data = set_path(data, key, value)
            uid = unit_id(cid, point)
            if uid in seen:
                raise ScenarioError(_shared_id(uid, (cid, point), seen[uid]))
            seen[uid] = (cid, point)
            data = dict(data)
            data["name"] = uid
            plan.units.append(Unit(uid, cid, point, data, base_dir, pooled))
    _check_units(plan, sets, keep_going)
    return plan


def _read_template(
    template_path: object, sets: Sequence[str], sweeps: Sequence[str]
) -> tuple[Path, dict[str, Any]]:
    """The template's path and its TOML with the ``--set`` values (arguments checked)."""
    path = expect_folder_path(template_path, "plan_batch", "template_path", "file")
    for argument, items in (("sets", sets), ("sweeps", sweeps)):
        if isinstance(items, str) or not all(isinstance(item, str) for item in items):
            raise TypeError(
                f"plan_batch(): {argument}: expected a list of 'KEY=VALUE' strings, found "
                f"{type(items).__name__} {items!r}"[:200]
            )
    text = read_text_file(path, "scenario file", ScenarioError)
    template = parse_toml(text, path, ScenarioError)
    for item in sets:
        key, value = parse_assignment(item)
        template = set_path(template, key, parse_value(value))
    return path, template


def _check_units(plan: Plan, sets: Sequence[str], keep_going: bool) -> None:
    """Check every unit's scenario before any runs (a refused one stops the batch, or
    with ``keep_going`` becomes a failed row and is not run)."""
    from energysim.config.scenario import scenario_from_dict
    from energysim.inputs.preflight import check_scenario

    kept = []
    for unit in plan.units:
        try:
            scenario = scenario_from_dict(
                unit.scenario, base_dir=Path(unit.base_dir), source=unit.unit_id
            )
            check_scenario(scenario, "plan_batch")
        except EnergysimError as exc:
            message = _unit_error(unit, str(exc), sets)
            if not keep_going:
                raise type(exc)(message) from None
            row = {"unit_id": unit.unit_id, "complex_id": unit.complex_id}
            row.update({f"sweep.{k}": v for k, v in unit.point.items()})
            plan.failures.append({**row, "status": "failed", "error": message})
        else:
            kept.append(unit)
    plan.units = kept


def _unit_error(unit: Unit, message: str, sets: Sequence[str]) -> str:
    """A unit's refusal naming the unit, and the ``--set`` or ``--sweep`` value that set
    the field it names."""
    if not message.startswith(f"{unit.unit_id}: "):
        message = f"{unit.unit_id}: {message}"
    for item in sets:
        key = item.partition("=")[0].strip()
        if f"field '{key}'" in message:
            return f"{message} (set by --set {item})"
    for key, value in unit.point.items():
        if f"field '{key}'" in message:
            return f"{message} (set by --sweep {key}={value})"
    return message


def _shared_id(
    uid: str, unit: tuple[str, dict[str, Any]], other: tuple[str, dict[str, Any]]
) -> str:
    """Why two units have the same id: sweep values that clean to the same name (within
    one complex), else complex ids that do."""
    (cid, point), (other_cid, other_point) = unit, other
    if cid != other_cid:
        return f"batch: two units share the id {uid!r}; make complex ids distinct"
    key = next(k for k in point if point[k] != other_point[k])
    return (
        f"--sweep {key}: the values {other_point[key]!r} and {point[key]!r} make the same "
        f"unit name {uid!r} (a name keeps only letters, digits, '-', '_' and '.'); "
        "make the values differ in those"
    )


# --------------------------------------------------------------------------- one unit
def flatten_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """One flat row of a run's summary: nested keys joined with ``.``; lists summarised."""
    row: dict[str, Any] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif isinstance(value, list):
            return
        else:
            row[prefix] = value

    walk("", {k: v for k, v in summary.items() if k not in ("stakeholders", "messages")})
    for st in summary.get("stakeholders", []):
        row[f"npv_eur[{st['owner']}]"] = st["npv_eur"]
        row[f"irr_frac[{st['owner']}]"] = st["irr_frac"]
    row["messages"] = " | ".join(summary.get("messages", []))
    return row


def run_unit(
    unit: Unit, out_dir: str, detail: bool = False, csv_dialect: str = "standard"
) -> dict[str, Any]:
    """Run one unit, write its row atomically, log it; failures become rows too.

    While it runs, ``units/.<unit_id>.running`` (holding this process's id) says so: what
    a worker that dies leaves names the units it was computing
    (:mod:`energysim.batch.unit_files`).
    """
    from energysim.config.scenario import scenario_from_dict
    from energysim.results.outputs import write_run
    from energysim.results.tables import summary
    from energysim.simulate import run

    base = {
        "unit_id": unit.unit_id,
        "complex_id": unit.complex_id,
        "scenario_hash": scenario_hash(unit),
    }
    base.update({f"sweep.{k}": v for k, v in unit.point.items()})
    units = Path(out_dir) / UNITS_DIR
    running = mark_running(units, unit.unit_id)
    try:
        scenario = scenario_from_dict(
            unit.scenario, base_dir=Path(unit.base_dir), source=unit.unit_id
        )
        result = run(scenario, household_pool=WORKER_POOL if unit.household_pool else None)
        row = {**base, "status": "ok", "error": "", **flatten_summary(summary(result))}
        if detail:
            write_run(result, Path(out_dir) / UNITS_DIR / "detail", csv_dialect)
    except Exception as exc:  # a failing unit is recorded; the rest of the batch goes on
        kind = "" if isinstance(exc, EnergysimError) else f"{type(exc).__name__}: "
        row = {**base, "status": "failed", "error": f"{kind}{exc}"}
    write_text_atomically(row_path(units, unit.unit_id), json.dumps(row, allow_nan=True))
    unmark_running(running)
    with open(Path(out_dir) / LOG_NAME, "a", encoding="utf-8") as log:
        log.write(unit.unit_id + "\n")
    return row


def run_chunk(
    units: list[Unit], out_dir: str, detail: bool = False, csv_dialect: str = "standard"
) -> list[dict[str, Any]]:
    """Run a chunk of units in one worker."""
    return [run_unit(u, out_dir, detail, csv_dialect) for u in units]


def import_unit_modules() -> None:
    """Import what :func:`run_unit` runs (the model, its results, their libraries).

    ``run_unit`` imports them when first called, so a batch of one scenario on one
    process, and ``energysim --help``, do not wait for them. Before a pool of worker
    processes starts, the batch imports them itself: where workers are forked (Linux) each
    then starts with them instead of importing them again (~0.1 s of CPU per worker).
    """
    import energysim.config.scenario
    import energysim.results.outputs
    import energysim.results.tables
    import energysim.simulate  # noqa: F401


# --------------------------------------------------------------------------- the batch
Executor = Literal["processes", "dask"]


def run_batch(
    plan: Plan,
    out_dir: str | Path,
    *,
    jobs: int = 1,
    executor: Executor = "processes",
    scheduler: str | None = None,
    resume: bool = False,
    detail: bool = False,
    chunk_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    csv_dialect: str = "standard",
    note: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Run every unit not yet done and write the batch summary.

    Parameters
    ----------
    plan : Plan
        From :func:`plan_batch`.
    out_dir : path
        Output folder; ``units/`` holds one JSON row per finished unit.
    jobs : int
        Worker processes (local processes or local Dask workers).
    executor : {"processes", "dask"}
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://HOST:PORT``).
    resume : bool
        Skip units already written; without it an existing ``units/`` is an error. A
        unit file that cannot be read (cut short) counts as not computed.
    detail : bool
        Also write every unit's full run outputs under ``units/detail/``.
    chunk_size : int, optional
        Units per task; default large tasks first and single units last
        (:func:`energysim.batch.chunking.guided_sizes`: the workers finish together).
    progress : callable, optional
        Called with (units done, units in all) after each chunk.
    csv_dialect : {"standard", "nl"}
        How the summary's and the details' CSV files are written
        (:mod:`energysim.core.csv_dialect`).
    note : callable, optional
        Called with a line for the user when a resumed batch computes a unit again
        whose file could not be read.

    Returns
    -------
    pandas.DataFrame
        The batch summary, one row per unit in plan order (failed portfolio rows too).

    Raises
    ------
    DataError
        ``jobs`` or ``chunk_size`` below 1, an output folder that cannot be written or
        holds another batch (without ``resume``), or a resumed batch that changed.
    BatchInterrupted
        A worker process died (killed, out of memory): names the units it was
        computing; the units written are kept and ``resume`` computes the rest.
    TypeError
        An argument of the wrong type, named.
    """
    expect_type(plan, Plan, "run_batch", "a Plan of energysim.batch.runner.plan_batch()")
    out = expect_folder_path(out_dir, "run_batch", "out_dir")
    csv_dialect = expect_csv_dialect(csv_dialect, "run_batch")
    _expect_counts(jobs, chunk_size)
    units_dir = out / UNITS_DIR
    todo = _units_to_run(plan, out, units_dir, resume, note)
    total = len(plan.units)
    finished = total - len(todo)
    if progress:
        progress(finished, total)
    if todo:
        chunks = plan_tasks(todo, jobs, chunk_size)
        done = [finished]

        def on_done(n_units: int) -> None:
            done[0] += n_units
            if progress:
                progress(done[0], total)

        options = {"out_dir": str(out), "detail": detail, "csv_dialect": csv_dialect}
        try:
            _compute(chunks, options, executor, jobs, scheduler, on_done)
        except WorkerDied as exc:
            raise interrupted(units_dir, [u.unit_id for u in plan.units], str(exc)) from None
    summary = _assemble(plan, units_dir)
    write_summary(summary, out, csv_dialect)
    return summary


def _assemble(plan: Plan, units_dir: Path) -> pd.DataFrame:
    """The batch summary: the failed rows of the plan and every unit's row, in
    portfolio order."""
    rows = [json.loads(row_path(units_dir, u.unit_id).read_text()) for u in plan.units]
    summary = pd.DataFrame(plan.failures + rows)
    if plan.complex_order and len(summary):
        rank = {cid: i for i, cid in enumerate(plan.complex_order)}
        summary = summary.sort_values(
            "complex_id", key=lambda s: s.map(rank), kind="stable"
        ).reset_index(drop=True)
    return summary


def _compute(
    chunks: list[list[Unit]],
    options: dict[str, Any],
    executor: Executor,
    jobs: int,
    scheduler: str | None,
    on_done: Callable[[int], None],
) -> None:
    """Run every chunk on ``executor`` (:mod:`energysim.batch.executors`)."""
    if executor == "dask":
        run_in_dask(run_chunk, chunks, options, jobs, scheduler, on_done)
    else:
        if jobs > 1:
            import_unit_modules()
        args = tuple(options.values())
        run_in_processes(run_chunk, chunks, args, jobs, on_done, clean_up=forget_running)


def _expect_counts(jobs: object, chunk_size: object) -> None:
    """``run_batch``'s ``jobs`` and ``chunk_size``: whole numbers of at least 1."""
    for argument, value in (("jobs", jobs), ("chunk_size", chunk_size)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise TypeError(f"run_batch(): {argument}: expected an int, found {value!r}"[:200])
    if isinstance(jobs, int) and jobs < 1:
        raise DataError(f"run_batch(): jobs: expected at least 1 worker, found {jobs}")
    if isinstance(chunk_size, int) and chunk_size < 1:
        raise DataError(
            f"run_batch(): chunk_size: expected at least 1 unit per task, found {chunk_size}"
        )


def _units_to_run(
    plan: Plan, out: Path, units_dir: Path, resume: bool, note: Callable[[str], None] | None
) -> list[Unit]:
    """The units not written yet (:func:`energysim.batch.unit_files.units_to_compute`);
    refuses an earlier batch's folder without ``resume``."""
    if units_dir.is_dir() and any(units_dir.glob("*.json")) and not resume:
        raise DataError(
            f"{out}: holds results of an earlier batch; resume it or choose another output folder"
        )
    ensure_output_dir(units_dir)
    clear_markers(units_dir)  # left by a batch that stopped
    todo = units_to_compute(units_dir, {u.unit_id: scenario_hash(u) for u in plan.units}, note)
    return [u for u in plan.units if u.unit_id in todo]


def write_summary(
    summary: pd.DataFrame, out_dir: Path, csv_dialect: str = "standard"
) -> list[Path]:
    """Write ``batch_summary.csv`` (in a dialect of :mod:`energysim.core.csv_dialect`),
    ``.parquet`` and ``.xlsx``, each atomically (a wrong argument is named)."""
    out_dir = expect_folder_path(out_dir, "write_summary", "out_dir")
    csv_dialect = expect_csv_dialect(csv_dialect, "write_summary")
    # an owner's IRR is None where it is undefined; a column without any IRR is still one
    # of numbers (NaN, as the CSV reads back), not of nulls without a type, in the Parquet
    summary = summary.astype({c: "float64" for c in summary.columns if c.startswith("irr_frac[")})
    paths = []
    for suffix, writer in (
        (".csv", lambda f, p: write_csv_file(p, f, csv_dialect)),
        (".parquet", lambda f, p: f.to_parquet(p, index=False)),
        (".xlsx", lambda f, p: f.to_excel(p, index=False, sheet_name="batch_summary")),
    ):
        target = out_dir / f"{SUMMARY_NAME}{suffix}"
        tmp = make_temp_file(out_dir, f".{target.name}.", suffix)
        try:
            writer(summary, tmp)
            os.replace(tmp, target)
        except BaseException as exc:
            Path(tmp).unlink(missing_ok=True)
            if isinstance(exc, OSError):  # a full disk names the summary, not the temp
                code, reason = os_reason(exc)
                raise OSError(code or errno.EIO, reason, str(target)) from exc
            raise
        paths.append(target)
    return paths


SUMMARY_COLUMNS = ("unit_id", "complex_id", "status", "error")
"""Columns every row of a batch summary has, failed units included."""

SUMMARY_SUFFIXES = (".csv", ".parquet", ".xlsx")


def read_batch_summary(source: str | Path | bytes, name: str | None = None) -> pd.DataFrame:
    """Read a batch summary written by :func:`write_summary` (CSV, Parquet or Excel).

    Parameters
    ----------
    source : str, Path or bytes
        The file, or its content (an upload).
    name : str, optional
        The file name, for the format and messages; default the path's name.

    Returns
    -------
    pandas.DataFrame
        One row per unit, as written.

    Raises
    ------
    DataError
        When the name does not end in .csv, .parquet or .xlsx, the file cannot be parsed,
        or it lacks the columns of a batch summary (:data:`SUMMARY_COLUMNS`): a register,
        a log or any other table is refused rather than shown as units.
    """
    label = name or str(source)
    suffix = Path(label).suffix.lower()
    if suffix not in SUMMARY_SUFFIXES:
        raise DataError(
            f"{label}: expected a batch summary ({', '.join(SUMMARY_SUFFIXES)}), "
            f"found a '{suffix or 'no'}' file"
        )
    handle = io.BytesIO(source) if isinstance(source, bytes) else Path(source)
    try:
        if suffix == ".parquet":
            frame = pd.read_parquet(handle)
        elif suffix == ".xlsx":
            frame = pd.read_excel(handle)
        else:
            content = source if isinstance(source, bytes) else Path(source).read_bytes()
            frame = read_csv_file(content, sniff_dialect(content[:4096]))
    except Exception as exc:  # pandas, pyarrow and openpyxl raise many kinds: one line each
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{label}: cannot read this {suffix} file ({first})") from None
    missing = [c for c in SUMMARY_COLUMNS if c not in frame.columns]
    if missing:
        found = ", ".join(map(str, list(frame.columns)[:6])) or "no columns"
        more = " ..." if len(frame.columns) > 6 else ""
        raise DataError(
            f"{label}: not a batch summary of `energysim batch`: column(s) "
            f"{', '.join(repr(c) for c in missing)} missing (found {found}{more})"
        )
    return frame
