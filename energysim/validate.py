"""``energysim validate``: every input check of a run, without simulating.

:func:`check_inputs` runs the checks a run makes before reading any file
(:func:`energysim.inputs.preflight.check_scenario`, the first step of every run), then
the run's own step that reads every file the scenario refers to
(:func:`energysim.inputs.loading.read_run_files`, in the run's order), so a bad input
gives the same one-line error here as in a run, and a new input a run reads is checked
here too (``tests/test_bad_input*.py`` check that both give the same error).

A scenario that names no data file (the default and most examples) has nothing to
read: every reader of the run returns at once for it. Its check then stops after
:func:`~energysim.inputs.preflight.check_scenario` and does not import pandas, pvlib or scipy,
so ``validate`` answers quickly; ``tests/test_validate_fast.py`` checks that the reads
it skips give nothing for such scenarios.
"""

from __future__ import annotations

import os

from energysim.config.data_files import data_files
from energysim.config.plausibility import plausibility_warnings
from energysim.config.scenario import Scenario
from energysim.inputs.preflight import Checked, check_scenario


def check_inputs(scenario: Scenario | str | os.PathLike[str]) -> list[str]:
    """Run every input check :func:`~energysim.simulate.run` runs, reading every
    referenced file, without simulating; return the plausibility warnings.

    The checks that need no file come first, as in a run
    (:func:`energysim.inputs.preflight.check_scenario`); then the files are read by the
    run's own loading step (:func:`read_files`). So a bad input gives the same error here
    as in a run.

    Raises
    ------
    ScenarioError, DataError
        The first bad input, as a run would raise it.
    """
    checked = check_scenario(scenario, "check_inputs")
    if data_files(checked.scenario):  # else there is nothing to read
        read_files(checked)
    return plausibility_warnings(checked.scenario)


def read_files(checked: Checked) -> None:
    """Read every file a checked scenario refers to, as a run reads them: the run's
    context (:func:`energysim.inputs.context.run_context`), then its loading step
    (:func:`energysim.inputs.loading.read_run_files`). Imports pandas (and the readers)
    when called.

    Raises
    ------
    ScenarioError, DataError
        The first bad file, as a run would raise it.
    """
    from energysim.inputs.context import run_context
    from energysim.inputs.loading import read_run_files

    read_run_files(run_context(checked))
