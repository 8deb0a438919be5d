"""The legal routes of a roof (energysim.batch.routes, ``energysim routes``).

Each route's scenario is what its law requires (the scheme rules hold), the table's
figures are those of ``energysim run`` of the route's own scenario file, and a route the
buildings cannot take says why. The default example (rotterdam-galerijflat.toml) has, by
hand: arrays east and west of 250 m2 x 0.15 kWp/m2 = 37.5 kWp each at DC/AC 1.4 and 30 kWp
of strings at DC/AC 1.1, so 105 kWp and 37.5/1.4 x 2 + 30/1.1 = 53.57 + 27.27 = 80.84 kW
of inverters; 80 dwellings of which 60 take part; 30 members.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from energysim.batch.route_law import REQUIREMENTS, ROUTE_REQUIREMENTS, ROUTES
from energysim.batch.route_scenarios import route_scenario, routes_of
from energysim.batch.routes import format_routes, run_routes
from energysim.cli.main import main
from energysim.config.scenario import (
    Scenario,
    load_scenario,
    scenario_from_dict,
    scenario_to_toml,
)
from energysim.config.scheme_rules import SCE_KWP_PER_MEMBER_MAX, check_scheme_rules
from energysim.core.csv_dialect import read_csv_file
from energysim.inputs.participants import participant_table
from energysim.money.subsidies import sce_decision_year
from tests.bad_inputs import CASES, BadInput

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO / "scenarios" / "rotterdam-galerijflat.toml"


@pytest.fixture(scope="module")
def default() -> Scenario:
    return load_scenario(DEFAULT)


def rules_of(scenario: Scenario, year: int) -> Scenario:
    return scenario.model_copy(update={"tariff_year": year})


def codes(messages) -> list[str]:
    return [m.code for m in messages]


# --------------------------------------------------------------------------- each route's law
def test_energy_sharing_puts_the_whole_roof_on_the_common_connection_with_one_supplier(
    default: Scenario,
) -> None:
    data = default.model_dump(mode="json", exclude_none=True)
    # households listed with another supplier: the route has them all take the sharing one
    data["allocation"]["sharing_supplier"] = "Zon BV"
    data["buildings"][0]["tenants"]["suppliers"] = ["Zon BV"] * 40 + ["Other"] * 40
    given = scenario_from_dict(data)
    route = route_scenario(given, "sharing")
    s = route.scenario
    assert s is not None and route.applies and not route.reasons
    assert s.name == "rotterdam-galerijflat-sharing"
    assert {a.setup for a in s.buildings[0].arrays} == {"common"}
    assert s.allocation.members.mode == "sharing"
    # every participant can share: one supplier (Energiewet, amendment Kroger nr. 56)
    assert participant_table(s)["sharing_eligible"].all()
    assert not participant_table(given)["sharing_eligible"].all()
    # no strings behind the meters: no panel fee (the scenario's EUR 20), no home batteries
    assert s.finance.panel_fee_eur_per_yr == 0.0
    assert s.finance.sharing_fee_eur_per_kwh == given.finance.sharing_fee_eur_per_kwh
    # 80.84 kW of inverters > 3 x 80 A x 230 V = 55.2 kVA: a large connection, contracted
    # for ceil(80.84) = 81 kW (the default 60 kW would not carry them)
    common = s.buildings[0].common
    assert common.connection == "large" and common.contracted_capacity_kw == 81.0
    assert codes(route.changes) == [
        "route_whole_roof_common",
        "route_panel_fee_dropped",
        "route_one_supplier",
        "route_connection_large",
    ]
    assert route.changes[3].params["inverter_kw"] == pytest.approx(37.5 / 1.4 * 2 + 30 / 1.1)
    assert route.requires == ROUTE_REQUIREMENTS["sharing"]


def test_strings_per_dwelling_split_the_roof_over_the_participating_dwellings(
    default: Scenario,
) -> None:
    route = route_scenario(default, "per_dwelling")
    s = route.scenario
    assert s is not None
    assert {a.setup for a in s.buildings[0].arrays} == {"per_dwelling"}
    # 105 kWp over 60 dwellings: 1.75 kWp behind each meter
    strings = route.changes[0]
    assert strings.code == "route_whole_roof_strings"
    assert strings.params["kwp_per_dwelling"] == pytest.approx(105.0 / 60)
    # no sharing: the members cannot be reached; a string's surplus is fed in
    assert s.buildings[0].members.count == 0
    assert s.allocation.per_dwelling_surplus == "export"
    # the panel fee is what this route is for: it stays
    assert s.finance.panel_fee_eur_per_yr == default.finance.panel_fee_eur_per_yr
    assert s.buildings[0].common.connection == "small"


def test_the_common_connection_uses_the_roof_and_feeds_the_rest_in(default: Scenario) -> None:
    route = route_scenario(default, "common")
    s = route.scenario
    assert s is not None
    assert {a.setup for a in s.buildings[0].arrays} == {"common"}
    assert s.buildings[0].tenants.participating == 0
    assert s.buildings[0].members.count == 0
    assert s.allocation.order == ["common", "tenants", "members"]
    assert "route_tenants_no_direct_use" in codes(route.changes)


def test_the_sce_route_is_a_cooperative_feeding_everything_in(default: Scenario) -> None:
    route = route_scenario(rules_of(default, 2026), "sce")
    s = route.scenario
    assert s is not None and not route.reasons
    check_scheme_rules(s)  # the library's own check of the SCE's rules
    assert s.allocation.members.mode == "sce"
    # 100% fed in: the members' tier first, nobody taking energy before it
    assert s.allocation.order[0] == "members"
    assert s.buildings[0].tenants.participating == 0
    # the cooperative owns it all: its 0.4 of the scenario scaled to 1 (RVO: the
    # application is in the name of the cooperative, not the housing corporation)
    assert [(o.owner, o.owner_type, o.share_frac) for o in s.ownership] == [
        ("Energiecooperatie Zuid", "resident_cooperative", 1.0)
    ]
    # at least one member per 5 kWp: ceil(105 / 5) = 21 <= 30
    assert s.buildings[0].members.count >= math.ceil(105.0 / SCE_KWP_PER_MEMBER_MAX)
    assert sce_decision_year(s)[0] is not None


def test_a_cooperative_route_adds_a_cooperative_when_the_scenario_has_none() -> None:
    data = load_scenario(DEFAULT).model_dump(mode="json", exclude_none=True)
    data["tariff_year"] = 2026
    data["ownership"] = [
        {"owner": "Woonco", "owner_type": "housing_corporation", "share_frac": 1.0}
    ]
    s = route_scenario(scenario_from_dict(data), "sce").scenario
    assert s is not None
    assert [(o.owner_type, o.share_frac) for o in s.ownership] == [("resident_cooperative", 1.0)]
    check_scheme_rules(s)


def test_the_postcoderoos_route_applies_to_an_existing_scheme_only(default: Scenario) -> None:
    closed = route_scenario(default, "postcoderoos")
    assert not closed.applies and codes(closed.reasons) == ["route_postcoderoos_closed"]
    assert closed.changes == ()
    data = default.model_dump(mode="json", exclude_none=True)
    data["allocation"]["members"]["mode"] = "postcoderoos"
    data["allocation"]["order"] = ["members", "common", "tenants"]
    existing = scenario_from_dict(data)
    route = route_scenario(existing, "postcoderoos")
    assert route.scenario is not None
    check_scheme_rules(route.scenario)
    assert route.scenario.allocation.members.mode == "postcoderoos"
    # a scheme started before 1 April 2021 runs 15 years at most: nothing after 2035
    ended = route_scenario(existing.model_copy(update={"tariff_year": 2036}), "postcoderoos")
    assert codes(ended.reasons) == ["route_postcoderoos_ended"]
    assert route_scenario(existing.model_copy(update={"tariff_year": 2035}), "postcoderoos").applies


@pytest.mark.parametrize("year", [2026, 2027])
def test_every_route_that_applies_keeps_the_rules_of_its_scheme(
    default: Scenario, year: int
) -> None:
    # the library's own check of the schemes holds for every route's scenario, and the
    # members of a cooperative route number at least ceil(105 / 5) = 21 (the default has 30)
    for route in routes_of(rules_of(default, year)):
        if route.scenario is None:
            continue
        check_scheme_rules(route.scenario)
        if route.scenario.allocation.members.mode == "sce":
            assert route.route == "sce" and sce_decision_year(route.scenario)[0] is not None
            assert route.scenario.buildings[0].members.count >= 21
    applying = {r.route for r in routes_of(rules_of(default, year)) if r.applies}
    assert ("sce" in applying) == (year == 2026)  # closed to new applications after 1 April 2026


# ---------------------------------------------------------------- why a route cannot apply
def test_routes_the_buildings_cannot_take_say_why(default: Scenario) -> None:
    # the default's rules year is 2027: the SCE closed to new applications on 1 April 2026
    sce = route_scenario(default, "sce")
    assert not sce.applies and codes(sce.reasons) == ["route_sce_closed"]
    assert "closed to new applications on 1 April 2026 (rules year 2027)" in sce.reasons[0]
    # before 2026 there is no energy sharing under the Energiewet
    early = route_scenario(rules_of(default, 2025), "sharing")
    assert codes(early.reasons) == ["route_sharing_not_in_force"]
    # a scheme granted before keeps it: the scenario says so
    granted = default.model_copy(
        update={"finance": default.finance.model_copy(update={"sce_available": True})}
    )
    assert route_scenario(granted, "sce").applies
    # 10 members for 105 kWp: the SCE needs ceil(105 / 5) = 21
    data = default.model_dump(mode="json", exclude_none=True)
    data["tariff_year"] = 2026
    data["buildings"][0]["members"]["count"] = 10
    data["buildings"][0]["members"]["annual_kwh"] = {"mean_kwh": 2500, "sd_kwh": 900}
    few = route_scenario(scenario_from_dict(data), "sce")
    assert codes(few.reasons) == ["route_sce_members_few"]
    assert few.reasons[0].params == {
        "building": "GF1",
        "needed": 21,
        "capacity_kwp": pytest.approx(105.0),
        "members": 10,
    }
    # no dwelling takes part: no meter for a string
    data = default.model_dump(mode="json", exclude_none=True)
    data["buildings"][0]["tenants"]["participating"] = 0
    data["buildings"][0]["arrays"] = data["buildings"][0]["arrays"][:2]
    nobody = scenario_from_dict(data)
    assert codes(route_scenario(nobody, "per_dwelling").reasons) == ["route_no_dwellings"]


def test_a_route_that_cannot_apply_has_no_figures_and_its_reason_in_the_table(
    default: Scenario,
) -> None:
    result = run_routes(default, ["as_given", "sce"])
    table = result.table.set_index("route")
    assert not table.loc["sce", "applies"] and table.loc["as_given", "applies"]
    assert math.isnan(table.loc["sce", "tenant_median_eur"])
    assert "closed to new applications" in table.loc["sce", "why_not"]
    assert table.loc["sce", "scenario_file"] == ""
    text = format_routes(result)
    assert "SCE: cannot apply" in text and "why not: The SCE closed" in text


def test_every_route_names_what_the_law_requires() -> None:
    for route in ROUTES[1:]:
        assert ROUTE_REQUIREMENTS[route], route
        assert all(code in REQUIREMENTS for code in ROUTE_REQUIREMENTS[route])
    # the default combines strings, the common connection and sharing over the grid
    given = routes_of(load_scenario(DEFAULT))[0]
    assert set(given.requires) == {
        *ROUTE_REQUIREMENTS["per_dwelling"],
        *ROUTE_REQUIREMENTS["common"],
        *ROUTE_REQUIREMENTS["sharing"],
    }


# ---------------------------------------------------------------- figures = energysim run
def test_the_table_is_energysim_run_of_each_routes_scenario(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert main(["routes", str(DEFAULT), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "energy sharing" in printed and "strings per dwelling" in printed
    folder = out / "rotterdam-galerijflat" / "routes"
    assert f"written: {folder}" in printed
    table = pd.read_csv(folder / "routes.csv").set_index("route")
    assert list(table.index) == list(ROUTES)
    applying = table[table["applies"]]
    assert set(applying.index) == {"as_given", "sharing", "per_dwelling", "common"}
    for route, row in applying.iterrows():
        runs = tmp_path / f"run-{route}"
        assert main(["run", str(folder / row["scenario_file"]), "--out", str(runs)]) == 0
        (result,) = runs.iterdir()
        s = json.loads((result / "summary.json").read_text())
        assert row["self_consumption_frac"] == pytest.approx(s["self_consumption_frac"], abs=1e-12)
        assert row["local_ownership_frac"] == pytest.approx(s["local_ownership_frac"], abs=1e-12)
        for role in ("tenant", "member"):
            stats = s["household_benefit_eur"].get(role)
            for key in ("median_eur", "p10_eur", "p90_eur", "better_off_frac"):
                if stats is None:
                    assert math.isnan(row[f"{role}_{key}"]), (route, role, key)
                else:  # to the cent
                    assert row[f"{role}_{key}"] == pytest.approx(stats[key], abs=0.005)
        for owner in s["stakeholders"]:
            assert row[f"npv_eur[{owner['owner']}]"] == pytest.approx(owner["npv_eur"], abs=0.005)
    capsys.readouterr()
    # as given, the table is energysim run of the scenario file itself
    assert main(["run", str(DEFAULT), "--out", str(tmp_path / "given")]) == 0
    s = json.loads((tmp_path / "given" / "rotterdam-galerijflat" / "summary.json").read_text())
    assert table.loc["as_given", "tenant_median_eur"] == pytest.approx(
        s["household_benefit_eur"]["tenant"]["median_eur"], abs=0.005
    )


def test_the_sce_route_of_2026_is_energysim_run_of_its_scenario(tmp_path: Path, capsys) -> None:
    # in 2026 the SCE is open: its row is the run of sce.toml, to the cent
    given = tmp_path / "given.toml"
    given.write_text(scenario_to_toml(rules_of(load_scenario(DEFAULT), 2026)), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["routes", str(given), "--out", str(out)]) == 0
    folder = out / "rotterdam-galerijflat" / "routes"
    row = pd.read_csv(folder / "routes.csv").set_index("route").loc["sce"]
    assert row["applies"] and row["scenario_file"] == "sce.toml"
    assert main(["run", str(folder / "sce.toml"), "--out", str(tmp_path / "run")]) == 0
    s = json.loads((tmp_path / "run" / "rotterdam-galerijflat-sce" / "summary.json").read_text())
    members = s["household_benefit_eur"]["member"]
    assert row["member_median_eur"] == pytest.approx(members["median_eur"], abs=0.005)
    assert row["member_p10_eur"] == pytest.approx(members["p10_eur"], abs=0.005)
    (coop,) = s["stakeholders"]
    assert row[f"npv_eur[{coop['owner']}]"] == pytest.approx(coop["npv_eur"], abs=0.005)
    assert row["local_ownership_frac"] == pytest.approx(s["local_ownership_frac"], abs=1e-12)
    capsys.readouterr()


def test_routes_in_the_dutch_dialect_and_a_later_run_keeps_them(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert main(["routes", str(DEFAULT), "--out", str(out), "--csv-dialect", "nl"]) == 0
    folder = out / "rotterdam-galerijflat" / "routes"
    raw = (folder / "routes.csv").read_text(encoding="utf-8-sig")
    assert raw.splitlines()[0].startswith("route;route_name;applies;")
    table = read_csv_file(folder / "routes.csv", "nl").set_index("route")
    assert not table.loc["sce", "applies"] and table.loc["sharing", "applies"]
    standard = run_routes(load_scenario(DEFAULT)).table.set_index("route")
    assert table.loc["sharing", "tenant_median_eur"] == pytest.approx(
        standard.loc["sharing", "tenant_median_eur"], abs=1e-9
    )
    # the run of the same scenario into the same folder keeps the routes beside it
    assert main(["run", str(DEFAULT), "--out", str(out)]) == 0
    assert (folder / "routes.csv").is_file()
    capsys.readouterr()
    # and the routes may be written again
    assert main(["routes", str(DEFAULT), "--out", str(out)]) == 0


def test_a_missing_scenario_ends_in_one_line(tmp_path: Path, capsys) -> None:
    assert main(["routes", str(tmp_path / "none.toml"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "none.toml" in err
    assert not (tmp_path / "o").exists()


def test_run_routes_takes_a_scenario() -> None:
    with pytest.raises(TypeError, match="expected a Scenario"):
        run_routes("scenarios/rotterdam-galerijflat.toml")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="route: expected one of"):
        route_scenario(load_scenario(DEFAULT), "windmill")


@pytest.mark.parametrize("bad", CASES, ids=[c.id for c in CASES])
def test_bad_input_ends_routes_as_it_ends_validate(tmp_path: Path, capsys, bad: BadInput) -> None:
    # the user's own scenario is run first: its bad input is one line, exit 2, nothing
    # written, the same line as energysim validate's
    scenario = bad.build(tmp_path)
    assert main(["validate", str(scenario)]) == 2
    expected = capsys.readouterr().err
    out = tmp_path / "out"
    assert main(["routes", str(scenario), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == expected and err.count("\n") == 1
    assert not out.exists()
