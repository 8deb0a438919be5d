"""The statements of a run written as files, numbered version by version.

``DIR/<scenario name>/statements/`` (beside the run's ``participants.csv``; a run written
again keeps it, :data:`energysim.results.outputs.KEEP_DIRS`) holds ``versions.csv``, the
ledger of every version written, and one folder per version, ``v1/``, ``v2/``, ...: a PDF
per participant and language (``<participant id>_<lang>.pdf``) and the combined table
(``statements.csv`` with a decimal point, ``statements_nl.csv`` for a Dutch Excel,
``statements.xlsx``).

How the number is kept: a version is a run's content hash
(:func:`energysim.results.statements.content_hash`). Writing statements reads the ledger;
when its last version has the same hash the statements are that version again (written
anew, its other language's PDFs kept); otherwise they become the next number, and every
earlier version's folder stays as it was, so a household can always find the statement
it quotes. The whole ``statements/`` folder is published at once
(:func:`energysim.core.publish.publish_atomically`): earlier versions are carried into
the new folder as hard links (copies where links cannot be made).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from energysim.core.csv_dialect import write_csv_file
from energysim.core.errors import DataError
from energysim.core.names import check_safe_name
from energysim.core.publish import expect_folder_path, naming_errors, publish_atomically
from energysim.core.version import __version__
from energysim.results.result import Result, expect_result
from energysim.results.statement_pdf import StatementHeader, statement_pdf
from energysim.results.statement_words import words
from energysim.results.statements import content_hash, statement_table

STATEMENTS_DIR = "statements"
"""The folder of the statements inside a run's folder."""

LEDGER = "versions.csv"
"""The ledger of the versions written: ``version``, ``content_hash``, ``energysim``,
``written_utc``."""

TABLE_FILES = ("statements.csv", "statements_nl.csv", "statements.xlsx")
"""The combined table of a version, in each of its forms."""


@dataclass(frozen=True)
class WrittenStatements:
    """What :func:`write_statements` wrote: the version's folder, its number and hash."""

    folder: Path
    version: int
    content_hash: str
    n_statements: int


def read_ledger(statements_dir: Path) -> pd.DataFrame:
    """The versions written so far in a statements folder (empty when none).

    Raises
    ------
    DataError
        A ledger that cannot be read or lacks its columns (naming the file).
    """
    path = Path(statements_dir) / LEDGER
    columns = ["version", "content_hash", "energysim", "written_utc"]
    if not path.exists():
        return pd.DataFrame(columns=columns)
    try:
        ledger = pd.read_csv(path, dtype={"content_hash": str, "energysim": str})
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot be read as the ledger of statements ({exc})") from None
    missing = [c for c in columns if c not in ledger.columns]
    if missing:
        raise DataError(f"{path}: expected columns {columns}, missing {missing}")
    return ledger[columns]


def next_version(ledger: pd.DataFrame, run_hash: str) -> int:
    """The number of the statements of a run with ``run_hash``: the last version's when it
    is of the same run, else one more than the highest (1 for the first)."""
    if ledger.empty:
        return 1
    last = ledger.sort_values("version").iloc[-1]
    if str(last["content_hash"]) == run_hash:
        return int(last["version"])
    return int(ledger["version"].max()) + 1


def statement_header(result: Result, version: int, run_hash: str) -> StatementHeader:
    """What every statement of a version names (scenario, run, version) and the facts its
    paragraph on the method tells."""
    scenario = result.scenario
    return StatementHeader(
        scenario=scenario.name,
        description=scenario.description or "",
        year=scenario.year,
        version=version,
        content_hash=run_hash,
        energysim=__version__,
        facts={
            "year": scenario.year,
            "energysim": __version__,
            "measured": scenario.consumption_csv is not None,
            "weather": scenario.weather.source,
            "order": list(scenario.allocation.order),
            "taxed": scenario.tariffs.shared_energy_tax == "charged",
            "service_cost_key": scenario.finance.service_cost_key,
        },
        assumptions=list(result.accounts.assumptions),
    )


def write_statements(result: Result, out_dir: Path, lang: str = "nl") -> WrittenStatements:
    """Write every participant's statement and the combined table as a new version.

    Parameters
    ----------
    result : Result
        Of :func:`energysim.simulate.run`.
    out_dir : Path
        The folder the run's folder is in (``DIR`` of ``energysim run --out DIR``).
    lang : {"nl", "en"}
        The language of the PDFs.

    Returns
    -------
    WrittenStatements

    Raises
    ------
    DataError
        An output place that cannot be written, a ledger that cannot be read.
    ValueError
        Another language.
    """
    expect_result(result, "write_statements")
    out_dir = expect_folder_path(out_dir, "write_statements", "out_dir")
    words(lang)  # a wrong language before anything is computed
    try:
        name = check_safe_name(result.scenario.name)
    except ValueError as exc:
        raise DataError(f"scenario field 'name': {exc}") from None
    run_folder = out_dir / name
    final = run_folder / STATEMENTS_DIR
    run_hash = content_hash(result)
    ledger = read_ledger(final)
    version = next_version(ledger, run_hash)
    table = statement_table(result)
    header = statement_header(result, version, run_hash)
    here = f"v{version}"

    def write(folder: Path) -> None:
        _carry_versions(final, folder, here)
        _carry_other_language(final / here, folder / here, lang)
        target = folder / here
        target.mkdir(exist_ok=True)
        for row in table.to_dict(orient="records"):
            path = target / f"{row['participant_id']}_{lang}.pdf"
            with naming_errors(path):
                path.write_bytes(statement_pdf(row, header, lang))
        _write_table(table, target, header)
        _write_ledger(ledger, version, run_hash, folder / LEDGER)

    publish_atomically(final, write, owned=(LEDGER,), within=run_folder)
    return WrittenStatements(final / here, version, run_hash, len(table))


def _carry_versions(final: Path, folder: Path, here: str) -> None:
    """Every earlier version's folder but ``here``, hard-linked into the new folder."""
    if not final.is_dir():
        return
    for old in sorted(final.iterdir()):
        if old.is_dir() and old.name.startswith("v") and old.name != here:
            shutil.copytree(old, folder / old.name, copy_function=_link)


def _carry_other_language(old: Path, new: Path, lang: str) -> None:
    """The PDFs of this version in the other language (same run, so still true)."""
    if not old.is_dir():
        return
    new.mkdir(parents=True, exist_ok=True)
    for path in old.glob("*.pdf"):
        if not path.name.endswith(f"_{lang}.pdf"):
            _link(str(path), str(new / path.name))


def _link(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _write_table(table: pd.DataFrame, folder: Path, header: StatementHeader) -> None:
    """The combined table in its three forms, each row naming version and run."""
    out = table.copy()
    out.insert(0, "statement_version", header.version)
    out.insert(1, "content_hash", header.content_hash)
    out.insert(2, "energysim_version", header.energysim)
    out.insert(3, "scenario", header.scenario)
    with naming_errors(folder / TABLE_FILES[0]):
        write_csv_file(folder / TABLE_FILES[0], out, "standard")
    with naming_errors(folder / TABLE_FILES[1]):
        write_csv_file(folder / TABLE_FILES[1], out, "nl")
    with naming_errors(folder / TABLE_FILES[2]):
        out.to_excel(folder / TABLE_FILES[2], index=False, sheet_name="statements")


def _write_ledger(ledger: pd.DataFrame, version: int, run_hash: str, path: Path) -> None:
    """The ledger with this version's row (added, or kept when it is the last one's)."""
    if version not in set(ledger["version"].astype(int)):
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        row = pd.DataFrame(
            [
                {
                    "version": version,
                    "content_hash": run_hash,
                    "energysim": __version__,
                    "written_utc": now,
                }
            ]
        )
        ledger = row if ledger.empty else pd.concat([ledger, row], ignore_index=True)
    with naming_errors(path):
        ledger.to_csv(path, index=False)
