"""The files a run writes, all at once or not at all.

``DIR/<scenario name>/`` holds ``summary.json``, ``participants.csv``,
``timeseries.parquet``, ``cashflows.csv``, ``service_costs.csv`` (the Huurcommissie's
rules, :func:`energysim.results.tables.service_costs_table`) and
``scenario.resolved.json``; the folder
appears only when every file is complete (see :func:`energysim.core.publish.publish_atomically`).
A design of the scenario (``design/``, :func:`energysim.design.report.write_design`) is
its own command's: a run carries it over into its new folder at the moment of the swap,
so a design published while the run is written is kept.
"""

from __future__ import annotations

from pathlib import Path

from energysim.core.errors import DataError
from energysim.core.names import check_safe_name
from energysim.core.publish import (
    expect_csv_dialect,
    expect_folder_path,
    naming_errors,
    publish_atomically,
    write_csv,
    write_json,
)
from energysim.results.result import Result, expect_result
from energysim.results.tables import (
    participants_table,
    service_costs_table,
    summary,
    timeseries_table,
)

OUTPUT_FILES = (
    "summary.json",
    "participants.csv",
    "timeseries.parquet",
    "cashflows.csv",
    "service_costs.csv",
    "scenario.resolved.json",
)
"""Every file a result folder may hold. A later run replaces a folder only when it holds
nothing else (a user's file, or a folder such as the output folder itself, is never
replaced), so a new output file must be added here."""


KEEP_DIRS = ("design", "routes", "statements")
"""The subfolders of ``energysim design``, ``energysim routes`` and ``energysim
statements``, carried over when the run is written again."""

KEEP_DIR = KEEP_DIRS[0]
"""The subfolder of ``energysim design``."""


def write_run(result: Result, out_dir: Path, csv_dialect: str = "standard") -> Path:
    """Write the outputs of a run under ``out_dir/<scenario name>/`` atomically.

    Parameters
    ----------
    result : Result
        Of :func:`energysim.simulate.run`.
    out_dir : str or Path
        The folder the result folder goes in (created when missing).
    csv_dialect : {"standard", "nl"}
        How the CSV files are written (:mod:`energysim.core.csv_dialect`; ``nl``:
        semicolons and decimal commas for a Dutch Excel).

    Returns
    -------
    Path
        The result folder.

    Raises
    ------
    DataError
        When ``out_dir`` cannot be written or its ``<scenario name>/`` holds files
        energysim did not write (see :func:`energysim.core.publish.publish_atomically`).
    TypeError
        When ``result`` is not a :class:`~energysim.results.result.Result`, ``out_dir``
        not a path or ``csv_dialect`` not a string (naming the argument).
    ValueError
        When ``csv_dialect`` is not a dialect's name.
    OSError
        When a file cannot be written (a full disk), naming it.
    """
    expect_result(result, "write_run")
    out_dir = expect_folder_path(out_dir, "write_run", "out_dir")
    csv_dialect = expect_csv_dialect(csv_dialect, "write_run")
    try:  # validated with the scenario; checked again as it becomes a folder name
        name = check_safe_name(result.scenario.name)
    except ValueError as exc:
        raise DataError(f"scenario field 'name': {exc}") from None

    def write(folder: Path) -> None:
        write_json(folder / "summary.json", summary(result))
        write_csv(folder / "participants.csv", participants_table(result), dialect=csv_dialect)
        # no dictionary encoding: a year of 15-minute floats repeats few values, so
        # trying a dictionary per column took 3/4 of the write (and made the file larger)
        with naming_errors(folder / "timeseries.parquet"):
            timeseries_table(result).to_parquet(folder / "timeseries.parquet", use_dictionary=False)
        write_csv(folder / "cashflows.csv", result.accounts.cashflows, dialect=csv_dialect)
        write_csv(folder / "service_costs.csv", service_costs_table(result), dialect=csv_dialect)
        write_json(folder / "scenario.resolved.json", result.scenario.model_dump(mode="json"))

    return publish_atomically(out_dir / name, write, owned=OUTPUT_FILES, keep=KEEP_DIRS)
