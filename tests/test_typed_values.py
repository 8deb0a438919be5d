"""What builds a scenario dict gives it typed values: nothing a strict schema would refuse
is made from valid input, and nothing mistyped is converted on the way.

The schema is strict (a string where a number belongs is an error, ``tests/test_scenario.py``);
so the other makers of scenario dicts must give numbers as numbers: ``--set``/``--sweep``
values (read as TOML values), a portfolio's cells (read by their column's kind) and its
template (its numbers used as the template types them, a mistyped one refused, not
converted), and the dashboard's form (a widget writes the type of its field).
"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from dashboards.shared import form
from dashboards.shared.state import examples, load_example
from energysim.batch.portfolio import complex_scenario, read_portfolio
from energysim.batch.sweep import parse_value, split_values
from energysim.config.scenario import scenario_errors, scenario_from_dict
from energysim.core.errors import DataError

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "scenarios"
TEMPLATE = tomllib.loads((SCENARIOS / "portfolio_template.toml").read_text())
PORTFOLIO = SCENARIOS / "portfolio_example.csv"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2027", 2027),
        ("0.21", 0.21),
        ("1000", 1000),
        ("true", True),
        ('"2027"', "2027"),
        ("sce", "sce"),
        ("yes", "yes"),
        ("[1, 2.5]", [1, 2.5]),
    ],
)
def test_set_values_are_toml_values(text: str, value: Any) -> None:
    parsed = parse_value(text)
    assert parsed == value and type(parsed) is type(value)


def test_a_set_value_of_the_wrong_type_is_refused_by_the_field() -> None:
    data = copy.deepcopy(TEMPLATE)
    data["tariffs"] = {"net_metering": parse_value("yes")}
    with pytest.raises(Exception, match="'tariffs.net_metering': expected true or false"):
        scenario_from_dict(data, base_dir=SCENARIOS)
    assert split_values("2026,2027.0,true") == [2026, 2027.0, True]


def test_every_unit_of_the_example_portfolio_is_typed() -> None:
    table = read_portfolio(PORTFOLIO)
    for _, row in table.iterrows():
        data = complex_scenario(TEMPLATE, row, PORTFOLIO)
        assert scenario_errors(data, base_dir=SCENARIOS) == []
        building = data["buildings"][0]
        assert type(building["dwellings"]) is int
        assert type(building["tenants"]["participating"]) is int
        assert all(type(a["capacity_kwp"]) is float for a in building["arrays"])


@pytest.mark.parametrize(
    ("table", "key", "value", "expected"),
    [
        ("common", "lighting_kwh_per_yr", "2000", "expected a number of at least 0, found '2000'"),
        ("common", "lift_kwh_per_yr", True, "expected a number of at least 0, found True"),
        (None, "dwellings", 0, "expected a whole number of at least 1, found 0"),
        (None, "dwellings", 40.0, "expected a whole number of at least 1, found 40.0"),
        ("tenants", "participating", "30", "expected a whole number of at least 0, found '30'"),
        ("members", "profile_seed", -1, "expected a whole number of at least 0, found -1"),
    ],
)
def test_a_mistyped_template_number_is_refused_not_converted(
    table: str | None, key: str, value: Any, expected: str
) -> None:
    """A portfolio's complexes are made from the template's numbers: ``"2000"`` was
    converted to 2000 (and ``dwellings = 0`` divided by zero); now the template's field is
    named."""
    template = copy.deepcopy(TEMPLATE)
    building = template["buildings"][0]
    (building if table is None else building[table])[key] = value
    row = read_portfolio(PORTFOLIO).iloc[1].copy()
    row["participation_frac"] = ""  # the template's share of participating dwellings
    with pytest.raises(DataError) as info:
        complex_scenario(template, row, PORTFOLIO)
    assert str(info.value) == (
        f"portfolio template: field '{key}' of buildings[0] or its tables: {expected}"
    )


def test_a_template_without_a_building_is_refused() -> None:
    template = {k: v for k, v in TEMPLATE.items() if k != "buildings"}
    row = pd.Series({"complex_id": "C1", "postcode": "3000", "dwellings": "4"}, name=2)
    with pytest.raises(DataError, match="portfolio template: field 'buildings': expected"):
        complex_scenario(template, row, PORTFOLIO)


@pytest.mark.parametrize("name", sorted(examples()))
def test_the_forms_widgets_write_their_fields_types(name: str) -> None:
    """A number field's text, shown and typed back, is read as an int for a whole-number
    field and a float otherwise: a changed value committed to the dict is of the type
    its field asks for."""
    data, source = load_example(name)
    for f in form.form_fields(data):
        if f.kind not in ("int", "float"):
            continue
        shown = form.widget_value(data, f)
        assert shown is None or type(shown) is (int if f.kind == "int" else float), f.path
        typed = form.number_text(f, (shown or 0) + f.step, "nl")
        changed = form.commit(data, data, f, form.typed_number(f, typed, "nl"))
        type_errors = [
            e
            for e in scenario_errors(changed, base_dir=source.base_dir, source=name)
            if "expected a whole number" in e or "expected a number" in e
        ]
        assert type_errors == [], f.path
