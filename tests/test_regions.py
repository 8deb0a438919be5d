"""The shipped municipality -> province and RES-region table (energysim/data/regions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from energysim.core.errors import DataError
from energysim.ownership.regions import load_region_table

REPO = Path(__file__).resolve().parents[1]
# Municipalities per province in the division of 1 January 2023 (CBS); 342 in all.
PER_PROVINCE = {
    "Groningen": 10,
    "Fryslân": 18,
    "Drenthe": 12,
    "Overijssel": 25,
    "Flevoland": 6,
    "Gelderland": 51,
    "Utrecht": 26,
    "Noord-Holland": 44,
    "Zuid-Holland": 50,
    "Zeeland": 13,
    "Noord-Brabant": 56,
    "Limburg": 31,
}


def test_shipped_table_has_342_municipalities_12_provinces_and_30_res_regions() -> None:
    table = load_region_table()
    m = table.municipalities
    assert len(m) == 342 and m.index.is_unique
    assert m.index.str.fullmatch(r"GM\d{4}").all()
    assert m["municipality"].is_unique
    assert m["province"].value_counts().to_dict() == PER_PROVINCE
    assert m["res_region"].nunique() == 30
    # one code per province name
    assert m.groupby("province")["province_code"].nunique().eq(1).all()
    assert sorted(m["province_code"].unique()) == [f"PV{n}" for n in range(20, 32)]
    assert "1 January 2023" in table.source


def test_res_regions_lie_in_one_province_except_foodvalley() -> None:
    m = load_region_table().municipalities
    provinces = m.groupby("res_region")["province"].unique()
    spanning = {region: sorted(p) for region, p in provinces.items() if len(p) > 1}
    assert spanning == {"Foodvalley": ["Gelderland", "Utrecht"]}


@pytest.mark.parametrize(
    ("code", "name", "province", "res_region"),
    [
        ("GM0599", "Rotterdam", "Zuid-Holland", "Rotterdam Den Haag"),
        ("GM0363", "Amsterdam", "Noord-Holland", "Noord-Holland Zuid"),
        ("GM1992", "Voorne aan Zee", "Zuid-Holland", "Rotterdam Den Haag"),
        ("GM1961", "Vijfheerenlanden", "Utrecht", "U16"),
        ("GM0150", "Deventer", "Overijssel", "West-Overijssel"),
        ("GM0345", "Veenendaal", "Utrecht", "Foodvalley"),
        ("GM0228", "Ede", "Gelderland", "Foodvalley"),
        ("GM0944", "Mook en Middelaar", "Limburg", "Noord- en Midden-Limburg"),
        ("GM1883", "Sittard-Geleen", "Limburg", "Zuid-Limburg"),
    ],
)
def test_known_municipalities(code, name, province, res_region) -> None:
    row = load_region_table().municipalities.loc[code]
    assert (row.municipality, row.province, row.res_region) == (name, province, res_region)


def test_merged_codes_point_at_current_municipalities() -> None:
    table = load_region_table()
    merged = table.former[table.former["successor_code"] != ""]
    assert merged["successor_code"].isin(table.municipalities.index).all()
    assert not table.former.index.isin(table.municipalities.index).any()
    assert table.resolve("GM0457") == (
        "GM0363",
        "former code GM0457 (Weesp, merged on 2022-03-24) counted as GM0363 Amsterdam",
    )
    with pytest.raises(KeyError, match="split"):
        table.resolve("GM0788")


def test_provenance_is_shipped_beside_the_table() -> None:
    text = (REPO / "energysim" / "data" / "regions" / "SOURCE.md").read_text(encoding="utf-8")
    assert "nl-covid19-data-dashboard" in text and "RESRegions.js" in text
    assert "1 January 2023" in text and "not** been checked" in text


def test_a_bad_user_table_is_named(tmp_path: Path) -> None:
    path = tmp_path / "regions.csv"
    path.write_text(
        "municipality_code,municipality,province_code,province,res_region\n"
        "GM1,Nergens,PV99,Geen,Geen\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="row 2, column 'municipality_code': expected a CBS code"):
        load_region_table(path)
    path.write_text("municipality_code,municipality\nGM0001,X\n", encoding="utf-8")
    with pytest.raises(DataError, match="column 'province_code': required column is missing"):
        load_region_table(path)
