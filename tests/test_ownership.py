"""Local ownership: every rule of docs/ownership.md checked on hand-computed registers.

Each test writes a small register and the arithmetic that gives the expected figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from energysim.cli.main import main
from energysim.core.errors import DataError, EnergysimError
from energysim.ownership.regions import load_region_table
from energysim.ownership.register import read_register
from energysim.ownership.report import FILES, format_report, write_report
from energysim.ownership.rules import (
    OwnershipRules,
    add_installations,
    installation_rows,
    local_share_frac,
    local_types,
)
from energysim.ownership.tables import ownership_report

HEADER = (
    "installation_id,municipality,technology,capacity_kw,production_kwh_per_yr,"
    "full_load_h,owner,owner_type,share_frac"
)
FULL = (
    "installation_id,municipality_code,municipality,technology,mounting,capacity_kw,"
    "production_kwh_per_yr,full_load_h,commissioning_year,status,owner,owner_type,share_frac"
)
# A: wind 2,000 kW x 3,000 h = 6,000,000 kWh, half cooperative -> 3,000,000 local, 1,000 kW
# B: solar 4,000 kW, 3,600,000 kWh measured, all non-local
# C: solar 1,000 kW, 900,000 kWh, corporation 0.6 + municipality 0.4 -> 360,000 local, 400 kW
ROWS = [
    "A,Delft,wind,2000,,3000,Coop,resident_cooperative,0.5",
    "A,Delft,wind,2000,,3000,Fund,non_local_investor,0.5",
    "B,Delft,solar,4000,3600000,,Fund,non_local_investor,1",
    "C,Utrecht,solar,1000,900000,,Woonco,housing_corporation,0.6",
    "C,Utrecht,solar,1000,900000,,Gemeente,municipality,0.4",
]
REPO = Path(__file__).resolve().parents[1]
NOW = 2026


def write_register(tmp_path: Path, rows: list[str] = ROWS, header: str = HEADER) -> Path:
    path = tmp_path / "register.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def report_of(tmp_path: Path, rows: list[str], header: str = HEADER, **rules):
    rules.setdefault("now_yr", NOW)
    return ownership_report(
        read_register(write_register(tmp_path, rows, header)), OwnershipRules(**rules)
    )


def area(report, level: str, name: str) -> pd.Series:
    return report.level(level).loc[name]


# --------------------------------------------------------------------------- shares
def test_shares_by_production_and_capacity_differ(tmp_path: Path) -> None:
    report = report_of(tmp_path, ROWS)
    total = report.total
    # production: (3,000,000 + 360,000) / 10,500,000 = 0.32
    assert total.local_share_production_frac == pytest.approx(0.32)
    # capacity: (1,000 + 400) / 7,000 = 0.20 -- the turbine's full-load hours make its local
    # half weigh more in production than in capacity
    assert total.local_share_capacity_frac == pytest.approx(0.20)
    # gap: 0.5 * 10,500 MWh - 3,360 MWh = 1,890 MWh; new local production 1,890 / 0.5
    assert total.gap_mwh == pytest.approx(1890.0)
    assert total.additional_local_mwh == pytest.approx(3780.0)
    # fully local rooftops at 900 kWh/kWp: 3,780,000 / 900 = 4,200 kWp
    assert total.rooftop_kwp_to_close_gap == pytest.approx(4200.0)
    assert not total.target_met
    # per municipality: Delft 3,000 / 9,600 = 0.3125; Utrecht 360 / 900 = 0.40
    m = report.municipalities
    assert m.loc["Delft", "local_share_production_frac"] == pytest.approx(0.3125)
    assert m.loc["Utrecht", "local_share_production_frac"] == pytest.approx(0.40)
    # Utrecht needs (0.5 * 900 - 360) / 0.5 = 180 MWh -> 200 kWp
    assert m.loc["Utrecht", "rooftop_kwp_to_close_gap"] == pytest.approx(200.0)
    # the installation that carries the local production comes first: A (3,000,000 kWh)
    assert report.installations.index[0] == "A"
    assert report.installations.loc["A", "carries_local_frac"] == pytest.approx(3000 / 3360)


def test_closing_the_gap_with_the_computed_rooftops_meets_the_target(tmp_path: Path) -> None:
    register = read_register(write_register(tmp_path))
    kwp = ownership_report(register, OwnershipRules(now_yr=NOW)).total.rooftop_kwp_to_close_gap
    rows = installation_rows(
        "NEW", "Delft", "solar", kwp, kwp * 900.0, [("Coop", "resident_cooperative", 1.0)]
    )
    after = ownership_report(add_installations(register, rows), OwnershipRules(now_yr=NOW)).total
    # rooftops close the gap of the share with rooftops, the figure beside the headline;
    # the headline (the monitor's scope: wind and solar on land) counts no rooftop and
    # stays at 0.32 (the register's rows give no mounting: counted as on land)
    assert after.local_share_production_incl_rooftops_frac == pytest.approx(0.5, abs=1e-9)
    assert after.target_met_incl_rooftops
    assert after.local_share_production_frac == pytest.approx(0.32)
    assert not after.target_met
    # a met target needs nothing
    met = report_of(tmp_path, ROWS, target_frac=0.3).total
    assert met.rooftop_kwp_to_close_gap == 0.0 and met.target_met


def test_housing_corporation_switch_raises_the_share(tmp_path: Path) -> None:
    with_corp = report_of(tmp_path, ROWS, housing_corporation_local=True).total
    # production: (3,000,000 + 900,000) / 10,500,000; capacity (1,000 + 1,000) / 7,000
    assert with_corp.local_share_production_frac == pytest.approx(3.9 / 10.5)
    assert with_corp.local_share_capacity_frac == pytest.approx(2 / 7)
    assert local_types(overrides={"municipality": False}) == local_types() - {"municipality"}
    with pytest.raises(EnergysimError, match="owner type"):
        local_types(overrides={"alien": True})


def test_local_share_of_one_installation() -> None:
    owners = [("housing_corporation", 0.6), ("resident_cooperative", 0.4)]
    assert local_share_frac(owners) == pytest.approx(0.4)
    corp = local_types(housing_corporation_local=True)
    assert local_share_frac(owners, corp) == pytest.approx(1.0)


# --------------------------------------------------------------------------- rule 1: scope
SCOPE_ROWS = [
    "BIG,Delft,solar,1000,900000,,Fund,non_local_investor,1",
    "P10,Delft,solar,10,9000,,Coop,resident_cooperative,1",
    "P12,Delft,solar,12,10800,,Coop,resident_cooperative,1",
    "P15,Delft,solar,15,13500,,Coop,resident_cooperative,1",
    "P16,Delft,solar,15.5,13950,,Coop,resident_cooperative,1",
]


def test_scope_leaves_15_kw_and_less_out_and_reports_them_separately(tmp_path: Path) -> None:
    total = report_of(tmp_path, SCOPE_ROWS).total
    # above 15 kW: BIG + P16 = 913,950 kWh, of which 13,950 local
    assert total.installations == 2
    assert total.production_mwh == pytest.approx(913.95)
    assert total.local_share_production_frac == pytest.approx(13_950 / 913_950)
    # 10, 12 and 15 kW reported beside it: 37 kW, 33,300 kWh, all local
    assert total.small_installations == 3
    assert total.small_capacity_mw == pytest.approx(0.037)
    assert total.small_production_mwh == pytest.approx(33.3)
    assert total.small_local_production_mwh == pytest.approx(33.3)
    # counting everything would have given 47,250 / 947,250: the small roofs push it up
    assert total.local_share_production_frac < 47_250 / 947_250


def test_scope_threshold_is_an_option(tmp_path: Path) -> None:
    above_10 = report_of(tmp_path, SCOPE_ROWS, scope_above_kw=10.0).total
    # 12, 15 and 15.5 kW now count: 938,250 kWh, 38,250 local; only P10 is small
    assert above_10.production_mwh == pytest.approx(938.25)
    assert above_10.local_share_production_frac == pytest.approx(38_250 / 938_250)
    assert above_10.small_installations == 1
    everything = report_of(tmp_path, SCOPE_ROWS, scope_above_kw=0.0).total
    assert everything.local_share_production_frac == pytest.approx(47_250 / 947_250)
    assert everything.small_installations == 0


# --------------------------------------------------------------------------- rule 2: who is local
RULE_ROWS = [
    # farmer's turbine: 2,000 kW x 2,500 h = 5,000,000 kWh, one local party
    "FARM,Delft,wind,2000,,2500,Boer,local_business,1",
    # cooperative half of 900,000 kWh -> 450,000
    "COOP,Delft,solar,1000,900000,,Coop,resident_cooperative,0.5",
    "COOP,Delft,solar,1000,900000,,Fund,non_local_investor,0.5",
    # crowdfunding with local priority 40% of 450,000 -> 180,000
    "CROWD,Delft,solar,500,450000,,Crowd,local_crowdfunding,0.4",
    "CROWD,Delft,solar,500,450000,,Fund,non_local_investor,0.6",
    # one citizen's 100 kW barn roof: 90,000 kWh
    "CITIZEN,Delft,solar,100,90000,,Jan,resident,1",
    # the municipality's 200 kW: 180,000 kWh
    "GEM,Delft,solar,200,180000,,Gemeente,municipality,1",
]
# total production 5,000,000 + 900,000 + 450,000 + 90,000 + 180,000 = 6,620,000 kWh


def test_monitor_rule_counts_only_ownership_open_to_the_community(tmp_path: Path) -> None:
    community = report_of(tmp_path, RULE_ROWS).total
    # 450,000 + 180,000 + 180,000 = 810,000 of 6,620,000
    assert community.local_share_production_frac == pytest.approx(810_000 / 6_620_000)
    any_local = report_of(tmp_path, RULE_ROWS, rule="any_local").total
    # + the farmer's 5,000,000 and the citizen's 90,000 = 5,900,000
    assert any_local.local_share_production_frac == pytest.approx(5_900_000 / 6_620_000)
    # one type can be switched by hand: the citizen counts, the farmer still not
    resident = report_of(tmp_path, RULE_ROWS, overrides=(("resident", True),)).total
    assert resident.local_share_production_frac == pytest.approx(900_000 / 6_620_000)


def test_every_output_says_which_rule_was_used(tmp_path: Path, capsys) -> None:
    path = write_register(tmp_path, RULE_ROWS)
    args = ["ownership", str(path), "--local-rule", "any_local", "--now-year", str(NOW)]
    assert main([*args, "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "rule 'any_local'" in out and "one or a few local parties" in out
    folder = tmp_path / "o" / "register-ownership"
    data = json.loads((folder / "ownership.json").read_text())
    assert data["rules"]["local_rule"] == "any_local"
    assert "one or a few local parties" in data["rules"]["local_rule_meaning"]
    assert data["total"]["local_share_production_frac"] == pytest.approx(5.9 / 6.62)
    for name in FILES[1:]:
        table = pd.read_csv(folder / name)
        assert set(table["local_rule"]) == {"any_local"}, name
        assert set(table["scope_above_kw"]) == {15.0}, name


# --------------------------------------------------------------------------- rule 3: parameters
@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--target", "1.5", "--target: expected a share in (0, 1], found 1.5"),
        ("--target", "0", "--target: expected a share in (0, 1], found 0"),
        ("--target", "nan", "--target: expected a share in (0, 1], found nan"),
        ("--specific-yield", "0", "--specific-yield: expected a yield in (0, 2,000] kWh/kWp"),
        ("--specific-yield", "inf", "--specific-yield: expected a yield in (0, 2,000] kWh/kWp"),
        ("--scope-above-kw", "-1", "--scope-above-kw: expected a capacity >= 0 kW, found -1"),
        ("--local", "alien=yes", "--local: expected one of resident_cooperative"),
    ],
)
def test_bad_parameters_exit_2_with_one_line(tmp_path: Path, capsys, option, value, expected):
    path = write_register(tmp_path)
    assert main(["ownership", str(path), option, value, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_target_of_100_percent_does_not_crash(tmp_path: Path, capsys) -> None:
    path = write_register(tmp_path)
    assert main(["ownership", str(path), "--target", "1", "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "can never close it" in out
    data = json.loads((tmp_path / "o" / "register-ownership" / "ownership.json").read_text())
    # gap: 10,500 - 3,360 = 7,140 MWh; no added local production makes a share with
    # non-local owners 100%: infinite, written as null
    assert data["total"]["gap_mwh"] == pytest.approx(7140.0)
    assert data["total"]["additional_local_mwh"] is None
    assert data["total"]["target_met"] is False
    assert any("target of 100%" in m for m in data["messages"])


def test_header_only_register_is_an_error(tmp_path: Path, capsys) -> None:
    path = write_register(tmp_path, [])
    with pytest.raises(DataError, match="expected one row per owner of an installation"):
        read_register(path)
    assert main(["ownership", str(path), "--out", str(tmp_path / "o")]) == 2
    assert "found none" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_a_municipality_called_total_is_not_the_total(tmp_path: Path) -> None:
    rows = [
        "T1,total,solar,100,90000,,Coop,resident_cooperative,1",
        "Z1,Utrecht,solar,100,90000,,Fund,non_local_investor,1",
    ]
    # names are matched against the region table: a user's table may hold a "total"
    table = tmp_path / "regions.csv"
    table.write_text(
        "municipality_code,municipality,province_code,province,res_region\n"
        "GM9998,total,PV26,Utrecht,U16\nGM9999,Utrecht,PV26,Utrecht,U16\n",
        encoding="utf-8",
    )
    register = read_register(write_register(tmp_path, rows), load_region_table(table))
    report = ownership_report(register, OwnershipRules(now_yr=NOW))
    assert report.municipalities.loc["total", "local_share_production_frac"] == 1.0
    assert report.total.local_share_production_frac == 0.5  # 90,000 of 180,000
    write_report(report, tmp_path / "o")
    areas = pd.read_csv(tmp_path / "o" / "ownership_areas.csv")
    shares = areas.set_index(["level", "area"])["local_share_production_frac"]
    assert shares[("municipality", "total")] == 1.0 and shares[("total", "total")] == 0.5
    data = json.loads((tmp_path / "o" / "ownership.json").read_text())
    assert data["municipalities"]["total"]["local_share_production_frac"] == 1.0
    assert data["total"]["local_share_production_frac"] == 0.5


# --------------------------------------------------------------------------- rule 4: regions
REGION_ROWS = [
    # Rotterdam (Zuid-Holland, RES Rotterdam Den Haag): 900,000 kWh, all cooperative
    "R1,GM0599,Rotterdam,solar,ground,1000,900000,,,,Coop,resident_cooperative,1",
    # Delft (Zuid-Holland, RES Rotterdam Den Haag): 450,000 kWh, non-local
    "R2,GM0503,Delft,solar,rooftop,500,450000,,,,Fund,non_local_investor,1",
    # Gouda (Zuid-Holland, RES Midden-Holland): 2,000 kW x 2,000 h = 4,000,000, 1/4 local
    "G1,GM0513,Gouda,wind,,2000,,2000,,,Coop,resident_cooperative,0.25",
    "G1,GM0513,Gouda,wind,,2000,,2000,,,Fund,non_local_investor,0.75",
    # Utrecht (province Utrecht, RES U16), name left empty: 270,000 kWh, municipality-owned
    "U1,GM0344,,solar,rooftop,300,270000,,,,Gemeente,municipality,1",
]


def test_totals_per_municipality_province_and_res_region(tmp_path: Path) -> None:
    report = report_of(tmp_path, REGION_ROWS, FULL)
    # the headline counts wind and solar on land (the monitor's scope): Delft's and
    # Utrecht's rooftops stand beside it, in the share incl. rooftops
    # Zuid-Holland on land: 900,000 + 4,000,000 = 4,900,000; local 900,000 + 1,000,000;
    # with Delft's rooftop: 5,350,000, the same 1,900,000 local
    zh = area(report, "province", "Zuid-Holland")
    assert zh.local_share_production_frac == pytest.approx(1_900_000 / 4_900_000)
    assert zh.local_share_production_incl_rooftops_frac == pytest.approx(1_900_000 / 5_350_000)
    assert zh.rooftop_production_mwh == pytest.approx(450.0)
    # Utrecht has only a rooftop: no headline figure, 100% with it
    utrecht = area(report, "province", "Utrecht")
    assert utrecht.production_mwh == 0.0 and pd.isna(utrecht.local_share_production_frac)
    assert not utrecht.target_met
    assert utrecht.local_share_production_incl_rooftops_frac == 1.0
    # RES Rotterdam Den Haag: on land 900,000 of 900,000; with Delft's roof 900,000 of 1,350,000
    rdh = area(report, "res_region", "Rotterdam Den Haag")
    assert rdh.local_share_production_frac == 1.0
    assert rdh.local_share_production_incl_rooftops_frac == pytest.approx(2 / 3)
    assert rdh.target_met_incl_rooftops and rdh.rooftop_kwp_to_close_gap == 0.0
    # Midden-Holland (wind only): 1,000,000 of 4,000,000 either way
    mh = area(report, "res_region", "Midden-Holland")
    assert mh.local_share_production_frac == pytest.approx(0.25)
    # gap 0.5 x 4,000 - 1,000 = 1,000 MWh; new local 2,000 MWh = 2,222.2 kWp at 900 kWh/kWp
    assert mh.gap_mwh == pytest.approx(1000.0)
    assert mh.additional_local_mwh == pytest.approx(2000.0)
    assert mh.rooftop_kwp_to_close_gap == pytest.approx(2_000_000 / 900)
    assert area(report, "res_region", "U16").local_share_production_incl_rooftops_frac == 1.0
    # total on land 4,900,000, local 1,900,000; with the rooftops 5,620,000, local 2,170,000
    assert report.total.local_share_production_frac == pytest.approx(1_900_000 / 4_900_000)
    assert report.total.local_share_production_incl_rooftops_frac == pytest.approx(
        2_170_000 / 5_620_000
    )
    # the code-only row carries the official name; codes are kept per municipality
    assert report.municipalities.loc["Utrecht", "code"] == "GM0344"
    assert set(report.municipalities.index) == {"Rotterdam", "Delft", "Gouda", "Utrecht"}


def test_a_former_code_counts_as_its_successor_and_says_so(tmp_path: Path) -> None:
    rows = ["B1,GM0501,Brielle,solar,ground,1000,900000,,,,Coop,resident_cooperative,1"]
    report = report_of(tmp_path, rows, FULL)
    assert list(report.municipalities.index) == ["Voorne aan Zee"]
    assert list(report.level("res_region").index) == ["Rotterdam Den Haag"]
    assert any(
        "former code GM0501 (Brielle, merged on 2023-01-01) counted as GM1992 Voorne aan Zee" in m
        for m in report.messages
    )


@pytest.mark.parametrize(
    ("code", "name", "expected"),
    [
        (
            "GM9998",
            "",
            "row 2, column 'municipality_code': GM9998 is not a municipality of the "
            "region table (municipal division of 1 January 2023",
        ),
        ("GM0788", "", "row 2, column 'municipality_code': GM0788 (Haaren) was split"),
        ("0599", "", "expected a CBS code GM followed by 4 digits (e.g. GM0599), found '0599'"),
        (
            "GM0599",
            "Delft",
            "row 2, column 'municipality': 'Delft' is not the municipality of "
            "code GM0599 (Rotterdam)",
        ),
    ],
)
def test_bad_codes_name_row_and_table(tmp_path: Path, code, name, expected) -> None:
    rows = [f"X,{code},{name},solar,,100,90000,,,,Coop,resident_cooperative,1"]
    with pytest.raises(DataError) as info:
        read_register(write_register(tmp_path, rows, FULL))
    assert expected in str(info.value)


def test_names_people_write_are_accepted_for_their_code(tmp_path: Path) -> None:
    rows = [
        "H,GM0518,Den Haag,solar,,100,90000,,,,Coop,resident_cooperative,1",
        "S,GM1900,Sudwest Fryslan,solar,,100,90000,,,,Coop,resident_cooperative,1",
        "B,GM0373,Bergen,solar,,100,90000,,,,Coop,resident_cooperative,1",
    ]
    reg = read_register(write_register(tmp_path, rows, FULL))
    assert list(reg["municipality"]) == ["'s-Gravenhage", "Súdwest-Fryslân", "Bergen (NH.)"]
    assert list(reg["province"]) == ["Zuid-Holland", "Fryslân", "Noord-Holland"]


def test_a_newer_region_table_can_be_given(tmp_path: Path, capsys) -> None:
    table = tmp_path / "regions.csv"
    table.write_text(
        "municipality_code,municipality,province_code,province,res_region\n"
        "GM9998,Nieuwstad,PV99,Nieuwprovincie,Nieuwe RES\n",
        encoding="utf-8",
    )
    rows = ["X,GM9998,,solar,,100,90000,,,,Coop,resident_cooperative,1"]
    path = write_register(tmp_path, rows, FULL)
    args = ["ownership", str(path), "--regions", str(table), "--out", str(tmp_path / "o")]
    assert main(args) == 0
    data = json.loads((tmp_path / "o" / "register-ownership" / "ownership.json").read_text())
    assert data["provinces"]["Nieuwprovincie"]["local_share_production_frac"] == 1.0
    assert data["res_regions"]["Nieuwe RES"]["installations"] == 1
    assert str(table) in data["regions_source"]


def test_without_codes_only_municipalities_and_total(tmp_path: Path) -> None:
    report = report_of(tmp_path, ROWS)
    assert set(report.areas["level"]) == {"municipality", "total"}
    assert "no municipality_code column" in report.regions_source
    assert any("no province or RES-region totals" in m for m in report.messages)


# --------------------------------------------------------------------------- rule 5: kinds
KIND_ROWS = [
    # wind 2,000 kW x 3,000 h = 6,000,000 kWh, half cooperative -> 3,000,000 local
    "W,,Delft,wind,,2000,,3000,,,Coop,resident_cooperative,0.5",
    "W,,Delft,wind,,2000,,3000,,,Fund,non_local_investor,0.5",
    # ground-mounted solar 900,000 kWh, water board -> all local
    "G,,Delft,solar,ground,1000,900000,,,,Waterschap,water_board,1",
    # rooftop solar 340,000 kWh, non-local
    "R,,Delft,solar,rooftop,400,340000,,,,Fund,non_local_investor,1",
    # solar without mounting 85,000 kWh, cooperative
    "U,,Delft,solar,,100,85000,,,,Coop,resident_cooperative,1",
]


def test_wind_ground_and_rooftop_solar_separately(tmp_path: Path) -> None:
    report = report_of(tmp_path, KIND_ROWS, FULL)
    kinds = report.kinds[report.kinds["level"] == "total"].set_index("kind")
    share = kinds["local_share_production_frac"]
    assert share["wind"] == pytest.approx(0.5)
    assert share["solar_ground"] == 1.0
    assert share["solar_rooftop"] == 0.0
    assert share["solar_unspecified"] == 1.0
    # what the monitor covers, wind and solar on land, with the solar whose mounting is not
    # given counted as on land (the headline's kinds): 3,985,000 of 6,985,000
    assert share["monitor_scope"] == pytest.approx(3.985 / 6.985)
    assert report.total.local_share_production_frac == pytest.approx(3.985 / 6.985)
    # all: 3,985,000 of 7,325,000
    assert share["all"] == pytest.approx(3_985_000 / 7_325_000)
    assert kinds.loc["wind", "production_mwh"] == pytest.approx(6000.0)
    assert list(kinds.index) == [
        "wind",
        "solar_ground",
        "solar_rooftop",
        "solar_unspecified",
        "monitor_scope",
        "all",
    ]


HEADLINE_ROWS = [
    # wind 2,000 kW x 3,000 h = 6,000,000 kWh, half cooperative -> 3,000,000 local
    "W,,Delft,wind,,2000,,3000,,,Coop,resident_cooperative,0.5",
    "W,,Delft,wind,,2000,,3000,,,Fund,non_local_investor,0.5",
    # ground-mounted solar 900,000 kWh, non-local
    "G,,Delft,solar,ground,1000,900000,,,,Fund,non_local_investor,1",
    # rooftop solar above 15 kW: 340,000 kWh, all cooperative
    "R,,Delft,solar,rooftop,400,340000,,,,Coop,resident_cooperative,1",
    # a 10 kW rooftop: outside the target's scope, reported as small
    "S,,Delft,solar,rooftop,10,9000,,,,Coop,resident_cooperative,1",
]


def test_the_headline_follows_the_monitors_scope_and_rooftops_stand_beside_it(
    tmp_path: Path, capsys
) -> None:
    # The Participatiemonitor counts wind and solar on land, not on buildings: the
    # headline is W and G; R (a rooftop above 15 kW) is shown beside it, labelled.
    report = report_of(tmp_path, HEADLINE_ROWS, FULL)
    total = report.total
    # headline: 3,000,000 local of 6,000,000 + 900,000 = 6,900,000 -> 0.434783
    assert total.production_mwh == pytest.approx(6900.0)
    assert total.local_share_production_frac == pytest.approx(3.0 / 6.9)
    # gap 0.5 x 6,900 - 3,000 = 450 MWh; new local production on land 450 / 0.5 = 900 MWh
    assert total.gap_mwh == pytest.approx(450.0)
    assert total.additional_local_mwh == pytest.approx(900.0)
    assert not total.target_met
    # beside it: the rooftop, and the share with it: 3,340,000 of 7,240,000 -> 0.461326
    assert total.rooftop_installations == 1
    assert total.rooftop_production_mwh == pytest.approx(340.0)
    assert total.rooftop_local_production_mwh == pytest.approx(340.0)
    assert total.local_share_production_incl_rooftops_frac == pytest.approx(3.34 / 7.24)
    # its gap 0.5 x 7,240 - 3,340 = 280 MWh -> 560 MWh of fully local rooftops at
    # 900 kWh/kWp = 622.2 kWp
    assert total.gap_incl_rooftops_mwh == pytest.approx(280.0)
    assert total.rooftop_kwp_to_close_gap == pytest.approx(560_000 / 900)
    # the 10 kW roof is outside both, as before
    assert total.small_installations == 1
    # the same in the progress table and the chart table
    now = report.progress[(report.progress["level"] == "total") & (report.progress["year"] == NOW)]
    assert now["local_share_production_frac"].iloc[0] == pytest.approx(3.0 / 6.9)
    assert now["local_share_production_incl_rooftops_frac"].iloc[0] == pytest.approx(3.34 / 7.24)
    chart = report.chart_table("municipality").set_index("series")
    assert chart.loc["monitor_scope", "local_share_production_frac"] == pytest.approx(3.0 / 6.9)
    # the printout says the headline first, then the figure beside it, labelled
    text = format_report(report)
    verdict = text.index("Local ownership by production (the Participatiemonitor's scope")
    beside = text.index("Beside it, incl. rooftop solar above 15 kW (340 MWh; not the monitor's")
    assert verdict < beside
    assert "is 43.48%: the 50% target is not met; 900 MWh/yr" in text
    assert "not the monitor's scope): 46.13%; 622 kWp of fully local rooftops" in text
    # JSON: the headline first, with its scope; CSV: the headline's kinds on every row
    write_report(report, tmp_path / "o")
    data = json.loads((tmp_path / "o" / "ownership.json").read_text())
    assert next(iter(data)) == "headline"
    assert data["headline"]["local_share_production_frac"] == pytest.approx(3.0 / 6.9)
    assert data["headline"]["kinds"] == ["wind", "solar_ground", "solar_unspecified"]
    beside_json = data["headline"]["beside"]
    assert beside_json["local_share_production_incl_rooftops_frac"] == pytest.approx(3.34 / 7.24)
    areas = pd.read_csv(tmp_path / "o" / "ownership_areas.csv")
    assert set(areas["headline_kinds"]) == {"wind solar_ground solar_unspecified"}
    assert not any("without a mounting" in m for m in report.messages)
    # solar without a mounting counts as on land, and a note says how many
    unspecified = report_of(tmp_path, KIND_ROWS, FULL)
    assert any(
        m.startswith(
            "1 solar installation(s) in scope without a mounting are counted in the headline"
        )
        for m in unspecified.messages
    )


# --------------------------------------------------------------------------- rule 6: progress
PROGRESS_ROWS = [
    "A,,Delft,solar,,1000,1000000,,2019,operational,Fund,non_local_investor,1",
    "B,,Delft,solar,,500,500000,,2021,,Coop,resident_cooperative,1",
    "C,,Delft,solar,,1000,1000000,,2024,operational,Coop,resident_cooperative,0.5",
    "C,,Delft,solar,,1000,1000000,,2024,operational,Fund,non_local_investor,0.5",
    "D,,Delft,solar,,200,200000,,,operational,Fund,non_local_investor,1",
    "E,,Delft,solar,,1000,1000000,,2028,permitted,Coop,resident_cooperative,1",
    "F,,Delft,solar,,2000,2000000,,2029,planned,Coop,resident_cooperative,0.5",
    "F,,Delft,solar,,2000,2000000,,2029,planned,Fund,non_local_investor,0.5",
    "G,,Delft,solar,,500,500000,,2032,planned,Coop,resident_cooperative,1",
    "H,,Delft,solar,,100,100000,,,planned,Coop,resident_cooperative,1",
]


def test_share_per_year_and_in_2030_with_the_pipeline(tmp_path: Path) -> None:
    report = report_of(tmp_path, PROGRESS_ROWS, FULL)
    total = report.progress[report.progress["level"] == "total"]
    history = total[total["basis"] == "operational"].set_index("year")
    share = history["local_share_production_frac"]
    assert list(share.index) == list(range(2019, 2027))
    # 2019-2020: A and D (no year: counted in every year) = 1,200,000, none local
    assert share[2019] == 0.0 and share[2020] == 0.0
    # 2021-2023: + B = 1,700,000, 500,000 local
    assert share[2021] == pytest.approx(5 / 17) and share[2023] == pytest.approx(5 / 17)
    # 2024-2026: + C = 2,700,000, 1,000,000 local
    assert share[2024] == pytest.approx(10 / 27) and share[2026] == pytest.approx(10 / 27)
    assert report.total.local_share_production_frac == pytest.approx(10 / 27)
    pipeline = total[total["year"] == 2030].set_index("basis")["local_share_production_frac"]
    # with the permitted E: 3,700,000, 2,000,000 local
    assert pipeline["operational+permitted"] == pytest.approx(20 / 37)
    # with the planned F and H (no year: assumed by 2030), not G (2032): 5,800,000, 3,100,000
    assert pipeline["operational+permitted+planned"] == pytest.approx(31 / 58)
    notes = " ".join(report.messages)
    assert "1 operational installation(s) without commissioning_year" in notes
    assert "1 without a year are assumed built by 2030, 1 expected after 2030" in notes


def test_operational_after_the_current_year_is_an_error(tmp_path: Path) -> None:
    rows = ["A,,Delft,solar,,1000,1000000,,2027,operational,Coop,resident_cooperative,1"]
    with pytest.raises(DataError, match="'A': status 'operational' with commissioning_year 2027"):
        report_of(tmp_path, rows, FULL)


# --------------------------------------------------------------------------- rule 7: what-if
def test_what_if_effect_is_written_and_visible(tmp_path: Path, capsys) -> None:
    # X: 900,000 kWh, half cooperative -> exactly 50% local
    rows = [
        "X,Delft,solar,1000,900000,,Coop,resident_cooperative,0.5",
        "X,Delft,solar,1000,900000,,Fund,non_local_investor,0.5",
    ]
    register = read_register(write_register(tmp_path, rows))
    # a gallery flat: 100 kWp, 90,000 kWh, 60% corporation, 40% cooperative -> 36,000 local
    added = installation_rows(
        "flat",
        "Delft",
        "solar",
        100.0,
        90_000.0,
        [("Woonco", "housing_corporation", 0.6), ("Coop", "resident_cooperative", 0.4)],
    )
    report = ownership_report(add_installations(register, added), OwnershipRules(now_yr=NOW))
    noord = report.municipalities.loc["Delft"]
    # the added rooftop changes the share incl. rooftops, beside the headline:
    # 486,000 / 990,000 = 0.490909..., a change of -0.909 percentage points
    assert noord.local_share_production_incl_rooftops_without_added_frac == 0.5
    assert noord.local_share_production_incl_rooftops_frac == pytest.approx(486 / 990)
    assert noord.added_change_incl_rooftops_pp == pytest.approx(100 * (486 / 990 - 0.5))
    # the headline (the monitor's scope, X counted as on land) does not move
    assert noord.local_share_production_frac == 0.5 and noord.added_change_pp == 0.0
    # met without it; with it the gap is 495,000 - 486,000 = 9,000 kWh -> 18,000 kWh new
    # local production -> 20 kWp of fully local rooftops
    assert noord.rooftop_kwp_to_close_gap_without_added == 0.0
    assert noord.rooftop_kwp_to_close_gap == pytest.approx(20.0)
    write_report(report, tmp_path / "o")
    areas = pd.read_csv(tmp_path / "o" / "ownership_areas.csv").set_index(["level", "area"])
    noord_csv = areas.loc[("municipality", "Delft")]
    assert noord_csv["added_change_incl_rooftops_pp"] == pytest.approx(-0.90909, 1e-4)
    assert noord_csv["rooftop_kwp_to_close_gap"] == pytest.approx(20.0)
    text = format_report(report)
    assert "-0.909" in text and "49.09%" in text and "50.00%" in text
    installations = pd.read_csv(tmp_path / "o" / "ownership_installations.csv", index_col=0)
    assert bool(installations.loc["flat", "what_if"]) is True


def test_chart_table_per_region_with_and_without_the_rooftop(tmp_path: Path) -> None:
    rows = [
        "X,Delft,solar,1000,900000,,Coop,resident_cooperative,0.5",
        "X,Delft,solar,1000,900000,,Fund,non_local_investor,0.5",
    ]
    register = read_register(write_register(tmp_path, rows))
    plain = ownership_report(register, OwnershipRules(now_yr=NOW)).chart_table("municipality")
    # the headline (the monitor's scope) and, beside it, the share incl. rooftops
    assert list(plain["series"]) == ["monitor_scope", "incl_rooftops"]
    added = installation_rows(
        "flat",
        "Delft",
        "solar",
        100.0,
        90_000.0,
        [("Coop", "resident_cooperative", 0.4), ("Woonco", "housing_corporation", 0.6)],
    )
    report = ownership_report(add_installations(register, added), OwnershipRules(now_yr=NOW))
    chart = report.chart_table("municipality").set_index("series")
    assert chart.loc["monitor_scope", "local_share_production_frac"] == 0.5
    assert chart.loc["incl_rooftops_without_added", "local_share_production_frac"] == 0.5
    assert chart.loc["incl_rooftops_with_added", "local_share_production_frac"] == pytest.approx(
        486 / 990
    )
    assert set(chart["target_frac"]) == {0.5}
    with pytest.raises(EnergysimError, match="level"):
        report.chart_table("country")


def test_added_rooftops_are_placed_in_a_register_with_codes(tmp_path: Path) -> None:
    register = read_register(write_register(tmp_path, REGION_ROWS, FULL))
    owners = [("Coop", "resident_cooperative", 1.0)]
    by_name = installation_rows("n", "Delft", "solar", 100.0, 90_000.0, owners)
    by_code = installation_rows("c", "GM0518", "solar", 100.0, 90_000.0, owners)
    both = add_installations(add_installations(register, by_name), by_code)
    report = ownership_report(both, OwnershipRules(now_yr=NOW))
    assert report.installations.loc["n", "res_region"] == "Rotterdam Den Haag"
    assert report.installations.loc["c", "municipality"] == "'s-Gravenhage"
    assert report.installations.loc["c", "province"] == "Zuid-Holland"
    nowhere = installation_rows("x", "Atlantis", "solar", 100.0, 90_000.0, owners)
    with pytest.raises(EnergysimError, match="'Atlantis' of the added installations"):
        add_installations(register, nowhere)
    with pytest.raises(EnergysimError, match="already in the register"):
        add_installations(register, installation_rows("R1", "Delft", "solar", 1, 1, owners))


def test_cli_adds_the_default_gallery_flat_and_shows_its_effect(tmp_path: Path, capsys) -> None:
    example = REPO / "scenarios" / "register_example.csv"
    scenario = REPO / "scenarios" / "rotterdam-galerijflat.toml"
    args = ["ownership", str(example), "--add", str(scenario), "--municipality", "Rotterdam"]
    assert main([*args, "--now-year", str(NOW), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    folder = tmp_path / "register_example-ownership"
    areas = pd.read_csv(folder / "ownership_areas.csv").set_index(["level", "area"])
    rotterdam = areas.loc[("municipality", "Rotterdam")]
    # the flat is 40% local, Rotterdam's register share incl. rooftops far above that: that
    # share drops; the headline (the monitor's scope) counts no rooftop and stays
    assert rotterdam["added_installations"] == 1
    assert (
        rotterdam["local_share_production_incl_rooftops_frac"]
        < rotterdam["local_share_production_incl_rooftops_without_added_frac"]
    )
    assert rotterdam["added_change_incl_rooftops_pp"] < 0
    assert rotterdam["added_change_pp"] == 0.0
    # over the whole register the effect is small, yet printed, not rounded away
    change = areas.loc[("total", "total"), "added_change_incl_rooftops_pp"]
    assert -0.05 < change < 0
    total_line = next(line for line in out.splitlines() if line.startswith("total "))
    assert f"{change:+.3f}" in total_line
    assert "What-if: 1 added rooftop(s) change the local share incl. rooftops of Rotterdam" in out
    data = json.loads((folder / "ownership.json").read_text())
    added = [k for k, v in data["installations"].items() if v["what_if"]]
    assert added and added[0].startswith("rotterdam-galerijflat/")


def test_cli_adds_a_scenario_needs_a_municipality(tmp_path: Path, capsys) -> None:
    from tests.helpers import minimal, write_scenario

    data = minimal()
    data["ownership"] = [{"owner": "Coop", "owner_type": "resident_cooperative", "share_frac": 1.0}]
    scenario = write_scenario(tmp_path, data)
    register = write_register(tmp_path)
    args = ["ownership", str(register), "--add", str(scenario), "--out", str(tmp_path / "o")]
    assert main(args) == 2
    assert "site.municipality" in capsys.readouterr().err
    assert main([*args, "--municipality", "Utrecht"]) == 0
    written = json.loads((tmp_path / "o" / "register-ownership" / "ownership.json").read_text())
    added = written["installations"]["mini/B1"]
    assert added["local_frac"] == 1.0 and added["municipality"] == "Utrecht"
    # the minimal scenario's roof is 5 kWp: outside the target's scope, reported beside it
    assert added["in_scope"] is False
    zuid = written["municipalities"]["Utrecht"]
    assert zuid["local_share_production_frac"] == zuid["local_share_production_without_added_frac"]
    assert zuid["small_installations"] == 1 and zuid["small_capacity_mw"] == 0.005


# --------------------------------------------------------------------------- example and runs
def test_example_register_has_every_kind_of_row(tmp_path: Path, capsys) -> None:
    example = REPO / "scenarios" / "register_example.csv"
    register = read_register(example)
    report = ownership_report(register, OwnershipRules(now_yr=NOW))
    inst = report.installations
    assert {"wind", "solar_ground", "solar_rooftop"} <= set(inst["kind"])
    assert (~inst["in_scope"]).sum() >= 2  # small roofs
    assert "resident" in set(register["owner_type"])  # citizens
    assert {"permitted", "planned"} <= set(inst["status"])  # pipeline
    assert {"province", "res_region"} <= set(report.areas["level"])
    assert main(["ownership", str(example), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "target is not met" in out and "kWp of fully local rooftops" in out
    folder = tmp_path / "register_example-ownership"
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)


def test_csv_and_excel_read_the_same(tmp_path: Path) -> None:
    csv_path = write_register(tmp_path, REGION_ROWS, FULL)
    xlsx = tmp_path / "register.xlsx"
    pd.read_csv(csv_path, dtype=str, keep_default_na=False).to_excel(xlsx, index=False)
    pd.testing.assert_frame_equal(read_register(csv_path), read_register(xlsx))


def test_every_run_reports_its_local_ownership() -> None:
    from energysim.config.scenario import scenario_from_dict
    from energysim.results.tables import summary
    from energysim.simulate import run
    from tests.helpers import minimal

    data = minimal()
    data["ownership"] = [
        {"owner": "Woonco", "owner_type": "housing_corporation", "share_frac": 0.75},
        {"owner": "Coop", "owner_type": "resident_cooperative", "share_frac": 0.25},
    ]
    assert summary(run(scenario_from_dict(data)))["local_ownership_frac"] == pytest.approx(0.25)
    data["ownership_policy"] = {"housing_corporation_local": True}
    s = summary(run(scenario_from_dict(data)))
    assert s["local_ownership_frac"] == pytest.approx(1.0)
    assert s["local_ownership_rule"] == {"rule": "community", "housing_corporation_local": True}
    # a local business is one local party: it counts only under the 'any_local' rule
    data["ownership"][0]["owner_type"] = "local_business"
    data["ownership_policy"] = {}
    s = summary(run(scenario_from_dict(data)))
    assert s["local_ownership_frac"] == pytest.approx(0.25)  # the cooperative alone
    assert s["local_ownership_rule"]["rule"] == "community"
    data["ownership_policy"] = {"rule": "any_local"}
    s = summary(run(scenario_from_dict(data)))
    assert s["local_ownership_frac"] == pytest.approx(1.0)  # 0.75 + 0.25
    assert s["local_ownership_rule"]["rule"] == "any_local"
