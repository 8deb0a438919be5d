"""The Scenario page's storage and electrification switches through streamlit's AppTest:
each switch writes its fields into the session's scenario dict, and Results then equal
``energysim run`` of the scenario file with those fields, storage block included."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from streamlit.testing.v1 import AppTest

from dashboards.scenario.state import has_own_strings, starting_table, switched
from dashboards.shared import state
from dashboards.shared.i18n import t
from energysim.batch.sweep import set_path
from energysim.cli.main import main as energysim_main
from tests.helpers import results_figures, storage_figures
from tests.test_dashboard_design import start

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "dashboards" / "app.py")

RENOVATED = "galerijflat-na-renovatie"


def key(at: AppTest, path: str) -> str:
    return f"form{at.session_state['rev']}:{path}"


def example(name: str) -> dict[str, Any]:
    return tomllib.loads((state.SCENARIO_DIR / f"{name}.toml").read_text(encoding="utf-8"))


def energysim_run(data: dict[str, Any], folder: Path) -> dict[str, Any]:
    """``energysim run`` of a scenario file and its summary.json."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "scenario.toml"
    path.write_bytes(tomli_w.dumps(data).encode())
    assert energysim_main(["run", str(path), "--out", str(folder / "out")]) == 0
    (out,) = [p for p in (folder / "out").iterdir() if p.is_dir()]
    return dict(json.loads((out / "summary.json").read_text(encoding="utf-8")))


def results(at: AppTest) -> dict[str, str]:
    at.radio(key="page").set_value("results").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return {m.label: m.value for m in at.metric}


def switch(at: AppTest, feature: str, figures: dict[str, Any]) -> None:
    """Switch a feature on and set its figures as a user would."""
    at.toggle(key=key(at, f"storage:{feature}")).set_value(True).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    for name, value in figures.items():
        path = f"buildings[0].{feature}.{name}"
        if isinstance(value, str):
            at.selectbox(key=key(at, path)).set_value(value).run()
        else:  # typed the Dutch way
            at.text_input(key=key(at, path)).input(str(value).replace(".", ",")).run()
        assert not at.exception and not at.error, [e.value for e in at.error]


SWITCHES = {
    "battery": {"capacity_kwh": 150.0, "power_kw": 60.0},
    "home_batteries": {"dwellings": 30, "capacity_kwh": 8.0, "power_kw": 3.0},
    "heat_pumps": {"dwellings": 40, "dwelling_type": "single_family"},
    "ev_charging": {"vehicles": 5, "kwh_per_day": 8.0, "control": "solar_following"},
}


@pytest.mark.parametrize("feature", list(SWITCHES))
def test_each_switch_runs_the_file_with_its_fields(feature: str, tmp_path: Path) -> None:
    at = start(state.DEFAULT_EXAMPLE)
    switch(at, feature, SWITCHES[feature])
    table = {**starting_table(feature, example(state.DEFAULT_EXAMPLE)), **SWITCHES[feature]}
    data = set_path(example(state.DEFAULT_EXAMPLE), f"buildings[0].{feature}", table)
    assert at.session_state["scenario"] == data
    expected = energysim_run(data, tmp_path)
    shown = results(at)
    assert shown == results_figures(expected) | storage_figures(expected)
    assert storage_figures(expected)  # the block is there
    heading = [h.value for h in at.subheader]
    assert t("storage.results.heading") in heading


def test_switching_off_removes_the_files_table_and_on_brings_it_back(tmp_path: Path) -> None:
    at = start(RENOVATED)
    at.toggle(key=key(at, "storage:battery")).set_value(False).run()
    data = example(RENOVATED)
    del data["buildings"][0]["battery"]
    assert at.session_state["scenario"] == data
    expected = energysim_run(data, tmp_path)
    shown = results(at)
    assert shown == results_figures(expected) | storage_figures(expected)
    assert t("storage.results.delivered") not in shown  # heat pumps and EVs stay
    assert t("storage.results.heat_pump_kwh") in shown
    at.radio(key="page").set_value("scenario").run()
    at.toggle(key=key(at, "storage:battery")).set_value(True).run()
    assert at.session_state["scenario"] == at.session_state["original"]  # the file's own
    assert at.text_input(key=key(at, "buildings[0].battery.capacity_kwh")).value == "150"


def test_what_a_switch_cannot_do_is_said_at_the_switch() -> None:
    at = start("measured-complex")  # no roof strings behind the dwellings' meters
    toggle = at.toggle(key=key(at, "storage:home_batteries"))
    assert toggle.disabled
    assert t("storage.home_batteries.needs_strings") in [c.value for c in at.caption]
    at.toggle(key=key(at, "storage:battery")).set_value(True).run()
    dispatch = at.selectbox(key=key(at, "buildings[0].battery.dispatch"))
    assert dispatch.options == [t("storage.choice.self_consumption")]  # no day-ahead prices
    assert t("storage.battery.price_aware_needs") in [c.value for c in at.caption]


def test_switched_dicts_are_pure() -> None:
    data = example(RENOVATED)
    off = switched(data, data, "battery", False)
    assert "battery" not in off["buildings"][0] and "battery" in data["buildings"][0]
    assert switched(off, data, "battery", True) == data
    plain = example(state.DEFAULT_EXAMPLE)
    on = switched(plain, plain, "ev_charging", True)
    assert on["buildings"][0]["ev_charging"] == {
        "vehicles": 10,
        "kwh_per_day": 6.0,
        "control": "uncontrolled",
    }
    assert has_own_strings(plain) and not has_own_strings(example("measured-complex"))
