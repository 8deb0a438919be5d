"""Scenario files: validation, defaults, path resolution, error messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from energysim.config.scenario import (
    load_scenario,
    participant_ids,
    scenario_from_dict,
    scenario_to_toml,
)
from energysim.core.errors import ScenarioError
from tests.helpers import minimal, write_scenario

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.toml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_example_scenario_validates(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.name == path.stem


def test_defaults_are_filled() -> None:
    s = scenario_from_dict(minimal())
    assert s.time_step_min == 60
    assert s.weather.source == "embedded"
    assert s.allocation.order == ["common", "tenants", "members"]
    assert s.ownership[0].owner_type == "housing_corporation"
    # PVWatts default breakdown combines to about 14% (pvlib pvwatts_losses default 14.08%)
    assert s.buildings[0].arrays[0].total_losses_frac == pytest.approx(0.1408, abs=5e-4)


def test_area_and_packing_give_capacity() -> None:
    data = minimal()
    data["buildings"][0]["arrays"] = [{"id": "r", "area_m2": 100.0, "packing_kwp_per_m2": 0.18}]
    assert scenario_from_dict(data).capacity_kwp == pytest.approx(18.0)


def test_relative_paths_resolve_against_the_scenario_folder(tmp_path: Path) -> None:
    sub = tmp_path / "project"
    sub.mkdir()
    path = write_scenario(sub, minimal(generation_csv="data/gen.csv"))
    assert load_scenario(path).generation_csv == (sub / "data" / "gen.csv").resolve()


def test_participant_ids() -> None:
    ids = participant_ids(scenario_from_dict(minimal()).buildings[0])
    assert ids == {
        "common": ["B1-common"],
        "tenants": ["B1-T001", "B1-T002", "B1-T003"],
        "members": ["B1-M001", "B1-M002"],
    }


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.pop("year"), "field 'year': required field is missing"),
        (lambda d: d.update(year="next"), "field 'year'"),
        (lambda d: d.update(colour="red"), "field 'colour': unknown key"),
        (
            lambda d: d["buildings"][0]["arrays"][0].update(capacity_kwp=-5.0),
            "field 'buildings[0].arrays[0].capacity_kwp'",
        ),
        (
            lambda d: d["buildings"][0]["tenants"].update(participating=9),
            "expected at most dwellings=3, found 9",
        ),
        (
            lambda d: d["buildings"][0]["tenants"].update(annual_kwh=[1.0]),
            "tenants.annual_kwh: expected a list of 3 values, found 1",
        ),
        (lambda d: d["site"].update(timezone="Mars/Olympus"), "IANA time zone"),
        (
            lambda d: d.update(
                ownership=[{"owner": "a", "owner_type": "municipality", "share_frac": 0.5}]
            ),
            "expected shares summing to 1, found 0.5",
        ),
        (
            lambda d: d.update(allocation={"order": ["tenants", "common"]}),
            "field 'allocation.order'",
        ),
        (
            lambda d: d.update(allocation={"tenants": {"key": {"method": "lottery"}}}),
            "field 'allocation.tenants.key'",
        ),
    ],
)
def test_bad_scenarios_name_the_field(mutate, expected: str, tmp_path: Path) -> None:
    data = minimal()
    mutate(data)
    path = write_scenario(tmp_path, data)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert expected in message
    assert str(path) in message
    assert "\n" not in message


def test_not_toml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("name = \n")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(bad)
    with pytest.raises(ScenarioError, match="scenario file not found"):
        load_scenario(tmp_path / "absent.toml")


def test_toml_round_trip() -> None:
    s = scenario_from_dict(minimal())
    import tomllib

    again = scenario_from_dict(tomllib.loads(scenario_to_toml(s)))
    assert again == s
