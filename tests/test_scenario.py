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


# --------------------------------------------------------------------------- typed TOML
def _b(data: dict) -> dict:
    return data["buildings"][0]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: _b(d)["members"].update(count=True, annual_kwh=[1800.0]),
            "'buildings[0].members.count': expected a whole number, found true (a boolean)",
        ),
        (
            lambda d: d.update(finance={"lifetime_yr": True}),
            "'finance.lifetime_yr': expected a whole number, found true (a boolean)",
        ),
        (lambda d: d.update(year="2027"), "'year': expected a whole number, found '2027' (a text)"),
        (
            lambda d: _b(d).update(dwellings="80"),
            "'buildings[0].dwellings': expected a whole number, found '80' (a text)",
        ),
        (
            lambda d: d.update(tariffs={"net_metering": "yes"}),
            "'tariffs.net_metering': expected true or false, found 'yes' (a text)",
        ),
        (
            lambda d: d.update(tariffs={"vat_frac": "0.21"}),
            "'tariffs.vat_frac': expected a number, found '0.21' (a text)",
        ),
        (
            lambda d: d.update(finance={"lifetime_yr": 25.0}),
            "'finance.lifetime_yr': expected a whole number, found 25.0 (a decimal number)",
        ),
        (
            lambda d: d.update(finance={"capex_eur_per_kwp": False}),
            "'finance.capex_eur_per_kwp': expected a number, found false (a boolean)",
        ),
        (
            lambda d: d.update(description=5),
            "'description': expected a text in quotes, found 5",
        ),
        (
            lambda d: _b(d).update(arrays={"id": "roof", "capacity_kwp": 5.0}),
            "'buildings[0].arrays': expected a list [...], found a table",
        ),
        (
            lambda d: d.update(site=[51.9, 4.5]),
            "'site': expected a table, found a list",
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_an_error_naming_the_field(mutate, expected: str) -> None:
    """Scenario files are typed TOML: nothing is converted (README: mistyped fields are
    errors); the error says what was expected and what was found, with its type."""
    data = minimal()
    mutate(data)
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data, source="s.toml")
    assert str(info.value) == f"s.toml: field {expected}"


def test_a_whole_number_is_a_number_where_a_decimal_belongs() -> None:
    """TOML ``capex_eur_per_kwp = 1000``: an integer where a float belongs is the same
    number, read as a float."""
    data = minimal(finance={"capex_eur_per_kwp": 1000, "discount_rate_frac": 0})
    _b(data)["arrays"][0]["capacity_kwp"] = 5
    s = scenario_from_dict(data)
    assert s.finance.capex_eur_per_kwp == 1000.0 and isinstance(s.finance.capex_eur_per_kwp, float)
    assert isinstance(s.buildings[0].arrays[0].capacity_kwp, float)


def test_a_value_that_fits_no_member_of_a_union_is_one_error() -> None:
    """``kwh_per_day`` is a number or a list: a text is one error at the field, not one per
    member of the union (nor ``kwh_per_day.float``)."""
    data = minimal()
    _b(data)["ev_charging"] = {"vehicles": 1, "kwh_per_day": "6"}
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data, source="s.toml")
    assert str(info.value) == (
        "s.toml: field 'buildings[0].ev_charging.kwh_per_day': expected a number, "
        "found '6' (a text)"
    )


def test_the_resolved_scenario_reads_back_in_strict_mode(tmp_path: Path) -> None:
    """A result's scenario.resolved.json (paths as text) validates to the same scenario,
    and so does its TOML: strict types do not refuse what energysim itself wrote."""
    from energysim.config.scenario import Scenario

    (tmp_path / "gen.csv").write_text("time,roof\n")
    s = load_scenario(write_scenario(tmp_path, minimal(generation_csv="gen.csv")))
    assert Scenario.model_validate_json(s.model_dump_json()) == s
    import tomllib

    assert scenario_from_dict(tomllib.loads(scenario_to_toml(s))) == s


# --------------------------------------------------------------------------- what a run needs
def test_archetypes_of_the_schema_are_the_demand_models() -> None:
    """The schema refuses an archetype the demand model has no routine for (it crashed
    the run after validate passed); both name the same four."""
    from energysim.config.buildings import ARCHETYPES
    from energysim.inputs import demand

    assert demand.ARCHETYPES is ARCHETYPES
    assert ARCHETYPES == ("retired_single", "working_single", "working_couple", "family")


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: _b(d)["members"].update(certificates=[0.0, 0.0]),
            "'buildings[0].members.certificates[0]': Input should be greater than 0",
        ),
        (
            lambda d: _b(d)["members"].update(certificates=[-1.0, 3.0]),
            "'buildings[0].members.certificates[0]': Input should be greater than 0",
        ),
        (
            lambda d: _b(d).update(floor_area_m2=[50.0, -60.0, 70.0]),
            "'buildings[0].floor_area_m2[1]': Input should be greater than 0",
        ),
        (
            lambda d: _b(d).update(floor_area_m2=[0.0, 0.0, 0.0]),
            "'buildings[0].floor_area_m2[0]': Input should be greater than 0",
        ),
        (
            lambda d: _b(d)["arrays"][0].update(horizon_deg=[]),
            "'buildings[0].arrays[0]': 'horizon_deg': expected at least one elevation",
        ),
        (
            lambda d: _b(d).update(ev_charging={"vehicles": 2, "kwh_per_day": -1.0}),
            "'buildings[0].ev_charging.kwh_per_day': Input should be greater than or equal to 0",
        ),
        (
            lambda d: _b(d).update(ev_charging={"vehicles": 2, "charger_kw": -11.0}),
            "'buildings[0].ev_charging.charger_kw': Input should be greater than 0",
        ),
    ],
)
def test_values_a_run_cannot_use_are_refused_by_the_schema(mutate, expected: str) -> None:
    data = minimal()
    mutate(data)
    with pytest.raises(ScenarioError, match=f"field {expected}".replace("[", r"\[")):
        scenario_from_dict(data)


def test_an_empty_list_of_feed_in_bands_is_none() -> None:
    """No bands and no field mean the same (no monthly fee): kept as none, and the
    resolved scenario dumps without pydantic's serializer warning (warnings are errors
    in the tests)."""
    from energysim.inputs.preflight import resolve

    s = scenario_from_dict(minimal(tariffs={"feed_in_cost_bands_incl_vat_eur_per_month": []}))
    assert s.tariffs.feed_in_cost_bands_incl_vat_eur_per_month is None
    resolved, _ = resolve(s)
    assert resolved.model_dump()["tariffs"]["feed_in_cost_bands_incl_vat_eur_per_month"] is None
    assert resolved.model_dump(mode="json") == resolve(scenario_from_dict(minimal()))[0].model_dump(
        mode="json"
    )


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        ({"latitude_deg": -33.87, "longitude_deg": 151.21}, "'site.latitude_deg': expected 50.7"),
        ({"latitude_deg": 0.0, "longitude_deg": 0.0}, "'site.latitude_deg': expected 50.7"),
        ({"latitude_deg": 52.0, "longitude_deg": 0.0}, "'site.longitude_deg': expected 3.3"),
        (
            {"latitude_deg": 52.0, "longitude_deg": 5.0, "timezone": "Europe/Berlin"},
            "'site.timezone': expected 'Europe/Amsterdam'",
        ),
    ],
)
def test_a_site_outside_the_netherlands_is_refused(site: dict, expected: str) -> None:
    with pytest.raises(ScenarioError, match=f"field {expected}"):
        scenario_from_dict(minimal(site=site))


@pytest.mark.parametrize(
    ("latitude_deg", "longitude_deg"),
    [(50.75, 5.9), (53.55, 6.6), (51.37, 3.36), (53.2, 7.22), (52.37, 4.9)],
    ids=["Vaals", "Rottumerplaat", "Cadzand", "Bad Nieuweschans", "Amsterdam"],
)
def test_the_corners_of_the_netherlands_are_sites(
    latitude_deg: float, longitude_deg: float
) -> None:
    site = {"latitude_deg": latitude_deg, "longitude_deg": longitude_deg}
    assert scenario_from_dict(minimal(site=site)).site.latitude_deg == latitude_deg


@pytest.mark.parametrize("depth", [33, 2_000, 200_000])
@pytest.mark.parametrize("kind", ["arrays", "tables"])
def test_deeply_nested_toml_is_one_line(tmp_path: Path, depth: int, kind: str) -> None:
    """tomllib recurses once per level (RecursionError at about 400); energysim refuses
    more than 32 levels, whichever fails first."""
    path = tmp_path / "deep.toml"
    if kind == "arrays":
        path.write_text(f"x = {'[' * depth}{']' * depth}\n")
    else:
        path.write_text(f"x = {'{a = ' * depth}1{'}' * depth}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == (
        f"{path}: expected a scenario (at most 6 levels of arrays and tables), found arrays "
        "or tables nested more than 32 levels deep"
    )


def test_the_deepest_scenario_nests_six_levels() -> None:
    """The depth limit leaves room: every example nests at most 6 levels."""
    import tomllib

    from energysim.core.textfile import TOML_DEPTH_MAX, _depth

    depths = [_depth(tomllib.loads(p.read_text())) for p in SCENARIOS]
    assert max(depths) <= 6 < TOML_DEPTH_MAX
