"""The dashboard through streamlit's AppTest: every page, widgets, figures = energysim's."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from energysim.scenario import scenario_from_dict
from energysim.simulate import run, summary

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "dashboards" / "app.py")
sys.path.insert(0, str(REPO / "dashboards"))
import state  # noqa: E402


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def expected_summary(edits: dict) -> dict:
    data, base = state.load_example("rotterdam-galerijflat")
    return summary(run(scenario_from_dict(state.apply_edits(data, edits), base_dir=base)))


@pytest.fixture(scope="module")
def edited_app() -> tuple[AppTest, dict]:
    at = start()
    at.number_input(key="members").set_value(12).run()
    at.selectbox(key="tenants_key").set_value("equal (redistribute)").run()
    at.selectbox(key="year").set_value(2026).run()
    assert not at.exception
    edits = dict(at.session_state["edits"])
    at.radio(key="page").set_value("Results").run()
    assert not at.exception
    return at, edits


def test_results_equal_energysim_after_widget_changes(edited_app) -> None:
    at, edits = edited_app
    assert edits["members"] == 12 and edits["year"] == 2026
    s = expected_summary(edits)
    shown = metrics(at)
    assert shown["Generation (kWh/yr)"] == f"{s['generation_kwh']:,.0f}"
    assert shown["Self-consumption"] == f"{s['self_consumption_frac']:.1%}"
    assert shown["Self-sufficiency"] == f"{s['self_sufficiency_frac']:.1%}"
    assert shown["Local ownership"] == f"{s['local_ownership_frac']:.1%}"
    assert shown["Households' benefit (EUR/yr)"] == f"{s['household_benefit_total_eur']:,.0f}"
    table = at.table[0].value
    assert table.loc["member", "households"] == 12
    assert float(table.loc["tenant", "mean_eur"]) == pytest.approx(
        s["household_benefit_eur"]["tenant"]["mean_eur"], abs=0.01
    )
    households = at.dataframe[0].value
    assert len(households) == 80 + 12
    assert households["benefit_eur"].sum() == pytest.approx(s["household_benefit_total_eur"])


def test_every_page_opens(edited_app) -> None:
    at, _ = edited_app
    for page in ("Scenario", "Compare", "Ownership", "Portfolio", "Results"):
        at.radio(key="page").set_value(page).run()
        assert not at.exception, page
        assert not at.error, page


def test_compare_page_shows_differences(edited_app) -> None:
    at, edits = edited_app
    at.radio(key="page").set_value("Compare").run()
    at.multiselect(key="variants").set_value(
        ["current edits in 2026", "current edits in 2027"]
    ).run()
    assert not at.exception
    table = at.table[0].value
    assert "current edits in 2027 - current edits in 2026" in table.columns
    s26 = expected_summary({**edits, "year": 2026})
    assert float(table.loc["tenant: mean EUR/yr", "current edits in 2026"]) == pytest.approx(
        s26["household_benefit_eur"]["tenant"]["mean_eur"], abs=1e-3
    )


def test_ownership_page_with_the_example_register(edited_app) -> None:
    at, edits = edited_app
    at.radio(key="page").set_value("Ownership").run()
    s = expected_summary(edits)
    assert (
        metrics(at)["This scenario's local ownership (by production)"]
        == f"{s['local_ownership_frac']:.1%}"
    )
    at.radio(key="register_source").set_value("example register").run()
    assert not at.exception
    table = at.table[0].value
    # the example register's municipalities; the total is not a municipality row
    assert set(table["municipality"]) == {
        "Goeree-Overflakkee",
        "Rotterdam",
        "Schouwen-Duiveland",
        "Voorne aan Zee",
    }
    at.checkbox(key="add_rooftop").check().run()
    assert not at.exception
    assert at.table[0].value["production_mwh"].sum() > table["production_mwh"].sum()


def test_portfolio_page(tmp_path: Path, edited_app) -> None:
    at, _ = edited_app
    frame = pd.DataFrame({"unit_id": ["a", "b", "c"], "generation_kwh": [3.0, 9.0, 5.0]})
    frame.to_csv(tmp_path / "batch_summary.csv", index=False)
    at.radio(key="page").set_value("Portfolio").run()
    at.text_input(key="portfolio_path").input(str(tmp_path / "batch_summary.csv")).run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert list(shown["unit_id"]) == ["b", "c", "a"]  # sorted by generation, largest first
    at.text_input(key="portfolio_filter").input("c").run()
    assert list(at.dataframe[0].value["unit_id"]) == ["c"]
    at.text_input(key="portfolio_path").input(str(tmp_path / "absent.csv")).run()
    assert not at.exception and "No file at" in at.error[0].value


def test_bad_value_gives_a_friendly_message() -> None:
    at = start()
    at.number_input(key="participating").set_value(500).run()  # more than the 80 dwellings
    assert not at.exception
    assert at.error and "Please check your input" in at.error[0].value
    assert "tenants.participating" in at.error[0].value


def test_bad_upload_is_friendly() -> None:
    with pytest.raises(Exception) as info:
        state.parse_upload(b"name = ", "broken.toml")
    assert "not a valid TOML scenario file" in str(info.value)
    with pytest.raises(Exception) as info:
        state.read_table(b"\x00\x01garbage", "summary.parquet")
    assert "cannot read this table" in str(info.value)
