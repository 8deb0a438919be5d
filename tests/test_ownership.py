"""Local ownership: hand-computed registers, the what-if, bad registers, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from energysim.cli import main
from energysim.errors import DataError
from energysim.ownership import (
    add_installations,
    capacity_to_close_gap_kwp,
    installation_rows,
    local_share_frac,
    local_types,
    ownership_report,
)
from energysim.register import read_register

HEADER = (
    "installation_id,municipality,technology,capacity_kw,production_kwh_per_yr,"
    "full_load_h,owner,owner_type,share_frac"
)
# A: wind 2,000 kW x 3,000 h = 6,000,000 kWh, half cooperative -> 3,000,000 local, 1,000 kW
# B: solar 4,000 kW, 3,600,000 kWh measured, all non-local
# C: solar 1,000 kW, 900,000 kWh, corporation 0.6 + municipality 0.4 -> 360,000 local, 400 kW
ROWS = [
    "A,Noord,wind,2000,,3000,Coop,resident_cooperative,0.5",
    "A,Noord,wind,2000,,3000,Fund,non_local_investor,0.5",
    "B,Noord,solar,4000,3600000,,Fund,non_local_investor,1",
    "C,Zuid,solar,1000,900000,,Woonco,housing_corporation,0.6",
    "C,Zuid,solar,1000,900000,,Gemeente,municipality,0.4",
]
REPO = Path(__file__).resolve().parents[1]


def write_register(tmp_path: Path, rows: list[str] = ROWS, header: str = HEADER) -> Path:
    path = tmp_path / "register.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def test_shares_by_production_and_capacity_differ(tmp_path: Path) -> None:
    report = ownership_report(read_register(write_register(tmp_path)))
    total = report.total
    # production: (3,000,000 + 360,000) / 10,500,000 = 0.32
    assert total.local_share_production_frac == pytest.approx(0.32)
    # capacity: (1,000 + 400) / 7,000 = 0.20 -- the wind turbine's full-load hours make
    # its local half weigh more in production than in capacity
    assert total.local_share_capacity_frac == pytest.approx(0.20)
    # gap: 0.5 * 10,500 MWh - 3,360 MWh = 1,890 MWh; new local production 1,890 / 0.5
    assert total.gap_mwh == pytest.approx(1890.0)
    assert total.additional_local_mwh == pytest.approx(3780.0)
    assert not total.target_met
    # per municipality: Noord 3,000 / 9,600 = 0.3125; Zuid 360 / 900 = 0.40
    m = report.municipalities
    assert m.loc["Noord", "local_share_production_frac"] == pytest.approx(0.3125)
    assert m.loc["Zuid", "local_share_production_frac"] == pytest.approx(0.40)
    # the installation that carries the local production comes first: A (3,000,000 kWh)
    assert report.installations.index[0] == "A"
    assert report.installations.loc["A", "carries_local_frac"] == pytest.approx(3000 / 3360)


def test_housing_corporation_switch_raises_the_share(tmp_path: Path) -> None:
    register = read_register(write_register(tmp_path))
    with_corp = ownership_report(register, local_types(housing_corporation_local=True)).total
    # production: (3,000,000 + 900,000) / 10,500,000; capacity (1,000 + 1,000) / 7,000
    assert with_corp.local_share_production_frac == pytest.approx(3.9 / 10.5)
    assert with_corp.local_share_capacity_frac == pytest.approx(2 / 7)
    assert local_types(overrides={"municipality": False}) == local_types() - {"municipality"}
    with pytest.raises(ValueError, match="owner type"):
        local_types(overrides={"alien": True})


def test_what_if_capacity_closes_the_gap(tmp_path: Path) -> None:
    register = read_register(write_register(tmp_path))
    kwp = capacity_to_close_gap_kwp(register, specific_yield_kwh_per_kwp=900.0)
    # 3,780,000 kWh / 900 kWh/kWp = 4,200 kWp
    assert kwp == pytest.approx(4200.0)
    rows = installation_rows(
        "NEW", "Noord", "solar", kwp, kwp * 900.0, [("Coop", "resident_cooperative", 1.0)]
    )
    after = ownership_report(add_installations(register, rows)).total
    assert after.local_share_production_frac == pytest.approx(0.5, abs=1e-9)
    assert after.target_met
    # per municipality: Zuid needs (0.5 * 900 - 360) / 0.5 = 180 MWh -> 200 kWp
    kwp_zuid = capacity_to_close_gap_kwp(
        register, specific_yield_kwh_per_kwp=900.0, municipality="Zuid"
    )
    assert kwp_zuid == pytest.approx(200.0)
    rows = installation_rows(
        "NEW-Z",
        "Zuid",
        "solar",
        kwp_zuid,
        kwp_zuid * 900.0,
        [("Coop", "resident_cooperative", 1.0)],
    )
    zuid = ownership_report(add_installations(register, rows)).municipalities.loc["Zuid"]
    assert zuid.local_share_production_frac == pytest.approx(0.5, abs=1e-9)
    # a met target needs nothing
    assert (
        capacity_to_close_gap_kwp(register, specific_yield_kwh_per_kwp=900.0, target_frac=0.3)
        == 0.0
    )


def test_local_share_of_one_installation() -> None:
    owners = [("housing_corporation", 0.6), ("resident_cooperative", 0.4)]
    assert local_share_frac(owners) == pytest.approx(0.4)
    assert local_share_frac(owners, local_types(housing_corporation_local=True)) == pytest.approx(
        1.0
    )


def test_csv_and_excel_read_the_same(tmp_path: Path) -> None:
    csv_path = write_register(tmp_path)
    xlsx = tmp_path / "register.xlsx"
    pd.read_csv(csv_path, dtype=str, keep_default_na=False).to_excel(xlsx, index=False)
    pd.testing.assert_frame_equal(read_register(csv_path), read_register(xlsx))


@pytest.mark.parametrize(
    ("rows", "header", "expected"),
    [
        (
            [ROWS[0], ROWS[1].replace(",0.5", ",0.4"), *ROWS[2:]],
            HEADER,
            "rows 2, 3, column 'share_frac': shares of installation 'A' must sum to 1, found 0.9",
        ),
        (
            [*ROWS[:2], ROWS[2].replace("non_local_investor", "pension_fund"), *ROWS[3:]],
            HEADER,
            "row 4, column 'owner_type': expected one of resident_cooperative",
        ),
        (
            [*ROWS[:2], ROWS[2].replace("solar,4000", "solar,-4000"), *ROWS[3:]],
            HEADER,
            "row 4, column 'capacity_kw': expected a non-negative value, found -4000",
        ),
        (
            [r.rsplit(",", 1)[0] for r in ROWS],
            HEADER.rsplit(",", 1)[0],
            "column 'share_frac': required column is missing",
        ),
        (
            [*ROWS[:2], ROWS[2].replace("3600000", ""), *ROWS[3:]],
            HEADER,
            "row 4, columns 'production_kwh_per_yr'/'full_load_h': expected a measured production",
        ),
        (
            [ROWS[0], ROWS[1].replace("2000", "2500"), *ROWS[2:]],
            HEADER,
            "rows 2, 3, column 'capacity_kw': installation 'A' has different values",
        ),
        (
            [*ROWS[:2], ROWS[2].replace(",1", ',"0,5"'), *ROWS[3:]],
            HEADER,
            "row 4, column 'share_frac': expected a decimal point",
        ),
        (
            [*ROWS[:2], ROWS[2].replace("solar", "coal"), *ROWS[3:]],
            HEADER,
            "row 4, column 'technology': expected one of solar, wind, found 'coal'",
        ),
    ],
)
def test_bad_registers_name_row_and_column(tmp_path: Path, rows, header, expected) -> None:
    path = write_register(tmp_path, rows, header)
    with pytest.raises(DataError) as info:
        read_register(path)
    assert expected in str(info.value)
    assert str(path) in str(info.value)


def test_example_register_and_cli(tmp_path: Path, capsys) -> None:
    example = REPO / "scenarios" / "register_example.csv"
    report = ownership_report(read_register(example))
    assert set(report.municipalities.index) == {"Polderhaven", "Dijkveen", "total"}
    assert main(["ownership", str(example), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "target is not met" in out and "kWp at 900 kWh/kWp" in out
    data = json.loads((tmp_path / "register_example-ownership" / "ownership.json").read_text())
    assert data["total"]["local_share_production_frac"] == pytest.approx(
        report.total.local_share_production_frac
    )
    assert (tmp_path / "register_example-ownership" / "ownership_municipalities.csv").is_file()


def test_cli_adds_a_scenario(tmp_path: Path, capsys) -> None:
    from tests.helpers import minimal, write_scenario

    data = minimal()
    data["ownership"] = [{"owner": "Coop", "owner_type": "resident_cooperative", "share_frac": 1.0}]
    scenario = write_scenario(tmp_path, data)
    register = write_register(tmp_path)
    args = ["ownership", str(register), "--add", str(scenario), "--out", str(tmp_path / "o")]
    assert main(args) == 2
    assert "site.municipality" in capsys.readouterr().err
    assert main([*args, "--municipality", "Zuid"]) == 0
    written = json.loads((tmp_path / "o" / "register-ownership" / "ownership.json").read_text())
    added = written["installations"]["mini/B1"]
    assert added["local_frac"] == 1.0 and added["municipality"] == "Zuid"
    assert written["municipalities"]["Zuid"]["local_share_production_frac"] > 0.40


def test_bad_register_exit_2(tmp_path: Path, capsys) -> None:
    path = write_register(tmp_path, [ROWS[0]])
    assert main(["ownership", str(path), "--out", str(tmp_path / "o")]) == 2
    assert "must sum to 1" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_every_run_reports_its_local_ownership() -> None:
    from energysim.scenario import scenario_from_dict
    from energysim.simulate import run, summary
    from tests.helpers import minimal

    data = minimal()
    data["ownership"] = [
        {"owner": "Woonco", "owner_type": "housing_corporation", "share_frac": 0.75},
        {"owner": "Coop", "owner_type": "resident_cooperative", "share_frac": 0.25},
    ]
    assert summary(run(scenario_from_dict(data)))["local_ownership_frac"] == pytest.approx(0.25)
    data["ownership_policy"] = {"housing_corporation_local": True}
    assert summary(run(scenario_from_dict(data)))["local_ownership_frac"] == pytest.approx(1.0)
