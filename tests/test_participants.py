"""The participants table (energysim.inputs.participants): each column made with its
dtype is the frame pandas infers from the rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from energysim.config.scenario import Scenario, load_scenario, scenario_from_dict
from energysim.inputs.participants import participant_table
from energysim.inputs.preflight import annual_kwh_draws, resolve
from tests.helpers import minimal

REPO = Path(__file__).resolve().parents[1]


def _scenarios() -> list[Scenario]:
    found = [scenario_from_dict(minimal())]
    found += [load_scenario(p) for p in sorted((REPO / "scenarios").glob("*.toml"))]
    return found


@pytest.mark.parametrize("scenario", _scenarios(), ids=lambda s: s.name)
def test_the_table_is_the_frame_pandas_infers_from_its_rows(scenario: Scenario) -> None:
    scenario = resolve(scenario)[0]
    table = participant_table(scenario, annual_kwh_draws(scenario))
    rows = table.reset_index().to_dict(orient="records")
    columns = {name: [row[name] for row in rows] for name in rows[0]}
    index = pd.Index(columns.pop("participant_id"), name="participant_id")
    inferred = pd.DataFrame(columns, index=index)
    pd.testing.assert_frame_equal(table, inferred, check_exact=True)
    assert (table.dtypes == inferred.dtypes).all()
    assert table.index.dtype == inferred.index.dtype
    assert set(table["role"]) <= {"common", "tenant", "member"}
