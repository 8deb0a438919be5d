"""Batch runs: a scenario or a portfolio, times sweep points, on one machine or Dask.

A *unit* is one complex at one sweep point: a complete scenario. Units are run in chunks
by an executor (serial, local processes, or a Dask distributed cluster); each finished
unit's row is written atomically to ``OUT/units/<unit_id>.json`` by the worker that ran
it, so an interrupted batch loses only the units in flight and ``resume`` skips every
unit already written. A failing unit is recorded with its error and the others go on.
Results do not depend on the executor or the number of workers: every unit's seeds come
from its scenario, rows are assembled in unit order, and floats survive JSON exactly.
"""

from __future__ import annotations

import ctypes
import hashlib
import io
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from energysim.batch.portfolio import complex_scenario, read_portfolio
from energysim.batch.sweep import parse_assignment, parse_value, set_path, sweep_points
from energysim.core.csv_dialect import read_csv_file, sniff_dialect, write_csv_file
from energysim.core.errors import DataError, EnergysimError, ScenarioError, expect_type
from energysim.core.names import check_safe_name, slugify
from energysim.core.publish import ensure_output_dir, make_temp_file, write_text_atomically
from energysim.core.textfile import parse_toml, read_text_file
from energysim.inputs.household_pool import HouseholdPool

SUMMARY_NAME = "batch_summary"
UNITS_DIR = "units"
LOG_NAME = "computed.log"
MAX_CHUNK = 20

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
        With a portfolio: record a bad row as a failure and go on; else raise.
    household_pool : bool, optional
        Draw households from a pool of household-years (:mod:`energysim.inputs.household_pool`);
        default: with a portfolio only (a single scenario's units give ``run``'s results).

    Raises
    ------
    ScenarioError, DataError
        Bad template, override, sweep, or (without ``keep_going``) portfolio row.
    """
    template_path = Path(template_path)
    text = read_text_file(template_path, "scenario file", ScenarioError)
    template = parse_toml(text, template_path, ScenarioError)
    for item in sets:
        key, value = parse_assignment(item)
        template = set_path(template, key, parse_value(value))
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
    return plan


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
    """Run one unit, write its row atomically, log it; failures become rows too."""
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
    units = Path(out_dir) / UNITS_DIR
    write_text_atomically(units / f"{unit.unit_id}.json", json.dumps(row, allow_nan=True))
    with open(Path(out_dir) / LOG_NAME, "a", encoding="utf-8") as log:
        log.write(unit.unit_id + "\n")
    return row


def run_chunk(
    units: list[Unit], out_dir: str, detail: bool = False, csv_dialect: str = "standard"
) -> list[dict[str, Any]]:
    """Run a chunk of units in one worker."""
    return [run_unit(u, out_dir, detail, csv_dialect) for u in units]


def retain_freed_memory() -> bool:
    """Let a worker's glibc keep freed large arrays for reuse (returns whether it could).

    A unit allocates arrays of about 10 MiB (a year of quarter-hours x 40 households).
    By default glibc serves blocks that large with ``mmap`` and returns them to the
    system when they are freed, so every unit page-faults on fresh memory again (about
    a tenth of a unit's time, measured). Raising ``M_MMAP_THRESHOLD`` to glibc's maximum
    (32 MiB) and ``M_TRIM_THRESHOLD`` to 1 GiB keeps them in the worker's heap: its
    memory stays at its peak (about 0.25 GiB) instead. Results do not change. Without
    glibc (macOS, Windows, musl) nothing is done.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3  # from glibc's malloc.h
    return bool(mallopt(m_mmap_threshold, 32 * 1024 * 1024) and mallopt(m_trim_threshold, 1 << 30))


# --------------------------------------------------------------------------- executors
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
        Skip units already written; without it an existing ``units/`` is an error.
    detail : bool
        Also write every unit's full run outputs under ``units/detail/``.
    chunk_size : int, optional
        Units per task; default about four tasks per worker, at most ``MAX_CHUNK``.
    progress : callable, optional
        Called with (units done, units in all) after each chunk.
    csv_dialect : {"standard", "nl"}
        How the summary's and the details' CSV files are written
        (:mod:`energysim.core.csv_dialect`).

    Returns
    -------
    pandas.DataFrame
        The batch summary, one row per unit in plan order (failed portfolio rows too).

    Raises
    ------
    DataError
        ``jobs`` or ``chunk_size`` below 1, an output folder that cannot be written or
        holds another batch (without ``resume``), or a resumed batch that changed.
    """
    expect_type(plan, Plan, "run_batch", "a Plan of energysim.batch.runner.plan_batch()")
    if jobs < 1:
        raise DataError(f"--jobs: expected at least 1 worker, found {jobs}")
    if chunk_size is not None and chunk_size < 1:
        raise DataError(f"--chunk-size: expected at least 1 unit per task, found {chunk_size}")
    out = Path(out_dir)
    units_dir = out / UNITS_DIR
    todo = _units_to_run(plan, out, units_dir, resume)
    total = len(plan.units)
    finished = total - len(todo)
    if progress:
        progress(finished, total)
    if todo:
        # about four tasks per worker, at most MAX_CHUNK units a task: a task of ~20 units
        # (about a second of work at 15 minutes) amortises scheduling (a few ms a task)
        # and keeps the progress bar moving
        size = chunk_size or max(1, min(MAX_CHUNK, math.ceil(len(todo) / (jobs * 4))))
        chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
        if executor == "dask":
            _run_dask(
                chunks, str(out), detail, jobs, scheduler, progress, finished, total, csv_dialect
            )
        else:
            _run_processes(chunks, str(out), detail, jobs, progress, finished, total, csv_dialect)
    rows = [json.loads((units_dir / f"{u.unit_id}.json").read_text()) for u in plan.units]
    summary = pd.DataFrame(plan.failures + rows)
    if plan.complex_order and len(summary):
        rank = {cid: i for i, cid in enumerate(plan.complex_order)}
        summary = summary.sort_values(
            "complex_id", key=lambda s: s.map(rank), kind="stable"
        ).reset_index(drop=True)
    write_summary(summary, out, csv_dialect)
    return summary


def _units_to_run(plan: Plan, out: Path, units_dir: Path, resume: bool) -> list[Unit]:
    """The units not written yet; refuses an earlier batch's folder without ``resume``
    and a written unit computed from another scenario (fingerprint check)."""
    if units_dir.is_dir() and any(units_dir.glob("*.json")) and not resume:
        raise DataError(f"{out}: holds results of an earlier batch; use --resume or another --out")
    ensure_output_dir(units_dir)
    done = {p.stem for p in units_dir.glob("*.json")}
    for unit in plan.units:
        if unit.unit_id in done:
            stored = json.loads((units_dir / f"{unit.unit_id}.json").read_text())
            if stored.get("scenario_hash") != scenario_hash(unit):
                raise DataError(
                    f"{units_dir / (unit.unit_id + '.json')}: computed from another scenario than "
                    "this batch's unit (template, --set or --sweep changed); use another --out"
                )
    return [u for u in plan.units if u.unit_id not in done]


def _run_processes(
    chunks: list[list[Unit]],
    out: str,
    detail: bool,
    workers: int,
    progress: Callable[[int, int], None] | None,
    finished: int,
    total: int,
    csv_dialect: str = "standard",
) -> int:
    """Run the chunks in this process (one worker) or a local process pool; returns the
    number of units done."""
    if workers == 1:
        # this process is the worker: the same memory setting as the pool's workers
        # (without it every unit page-faults its arrays afresh)
        retain_freed_memory()
        for chunk in chunks:
            finished += len(run_chunk(chunk, out, detail, csv_dialect))
            if progress:
                progress(finished, total)
        return finished
    with ProcessPoolExecutor(max_workers=workers, initializer=retain_freed_memory) as pool:
        futures = [pool.submit(run_chunk, c, out, detail, csv_dialect) for c in chunks]
        for fut in as_completed(futures):
            finished += len(fut.result())
            if progress:
                progress(finished, total)
    return finished


def _run_dask(
    chunks: list[list[Unit]],
    out: str,
    detail: bool,
    workers: int,
    scheduler: str | None,
    progress: Callable[[int, int], None] | None,
    finished: int,
    total: int,
    csv_dialect: str = "standard",
) -> int:
    from distributed import Client, LocalCluster
    from distributed import as_completed as dask_completed

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        if cluster is not None:  # our own workers; a shared cluster keeps its settings
            client.run(retain_freed_memory)
        futures = client.map(
            run_chunk, chunks, out_dir=out, detail=detail, csv_dialect=csv_dialect, pure=False
        )
        for fut in dask_completed(futures):
            finished += len(fut.result())
            if progress:
                progress(finished, total)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return finished


def write_summary(
    summary: pd.DataFrame, out_dir: Path, csv_dialect: str = "standard"
) -> list[Path]:
    """Write ``batch_summary.csv`` (in a dialect of :mod:`energysim.core.csv_dialect`),
    ``.parquet`` and ``.xlsx``, each atomically."""
    out_dir = Path(out_dir)
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
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
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
