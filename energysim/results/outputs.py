"""The files a run writes, all at once or not at all.

``DIR/<scenario name>/`` holds ``summary.json``, ``participants.csv``,
``timeseries.parquet``, ``cashflows.csv`` and ``scenario.resolved.json``; the folder
appears only when every file is complete (see :func:`energysim.core.publish.publish_atomically`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from energysim.core.errors import DataError
from energysim.core.names import check_safe_name
from energysim.core.publish import publish_atomically, write_csv, write_json
from energysim.results.result import Result, expect_result
from energysim.results.tables import participants_table, summary, timeseries_table

OUTPUT_FILES = (
    "summary.json",
    "participants.csv",
    "timeseries.parquet",
    "cashflows.csv",
    "scenario.resolved.json",
)
"""Every file a result folder may hold. A later run replaces a folder only when it holds
nothing else (a user's file, or a folder such as the output folder itself, is never
replaced), so a new output file must be added here."""


KEEP_DIRS = ("design", "routes")
"""The subfolders of ``energysim design`` and ``energysim routes``, kept when the run is
written again."""


def write_run(result: Result, out_dir: Path, csv_dialect: str = "standard") -> Path:
    """Write the outputs of a run under ``out_dir/<scenario name>/`` atomically.

    ``csv_dialect``: how the CSV files are written (:mod:`energysim.core.csv_dialect`;
    ``nl``: semicolons and decimal commas for a Dutch Excel).

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
        When ``result`` is not a :class:`~energysim.results.result.Result`.
    """
    expect_result(result, "write_run")
    try:  # validated with the scenario; checked again as it becomes a folder name
        name = check_safe_name(result.scenario.name)
    except ValueError as exc:
        raise DataError(f"scenario field 'name': {exc}") from None

    final = Path(out_dir) / name

    def write(folder: Path) -> None:
        # a design or routes written earlier (energysim design, routes) live inside: keep them
        for kept in KEEP_DIRS:
            if (final / kept).is_dir():
                shutil.copytree(final / kept, folder / kept)
        write_json(folder / "summary.json", summary(result))
        write_csv(folder / "participants.csv", participants_table(result), dialect=csv_dialect)
        # no dictionary encoding: a year of 15-minute floats repeats few values, so
        # trying a dictionary per column took 3/4 of the write (and made the file larger)
        timeseries_table(result).to_parquet(
            folder / "timeseries.parquet", use_dictionary=False
        )
        write_csv(folder / "cashflows.csv", result.accounts.cashflows, dialect=csv_dialect)
        write_json(folder / "scenario.resolved.json", result.scenario.model_dump(mode="json"))

    return publish_atomically(final, write, owned=(*OUTPUT_FILES, *KEEP_DIRS))
