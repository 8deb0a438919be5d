"""The dashboard through streamlit's AppTest: one scenario per session, shown and run
exactly on every page, every example on every page, every upload error case, the
Portfolio page's files. Figures are compared with energysim's own run."""

from __future__ import annotations

import ast
import base64
import functools
import io
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
import streamlit as st
import tomli_w
from streamlit.testing.v1 import AppTest

from dashboards.main import PAGES
from dashboards.ownership import state as ownership_state
from dashboards.ownership.state import EXAMPLE_REGISTER
from dashboards.portfolio.state import results_dir
from dashboards.results import sections
from dashboards.results import state as results_state
from dashboards.scenario import view as scenario_view
from dashboards.shared import engine_words, form, i18n, prefetch, session, state
from dashboards.shared import formatting as fmt
from dashboards.shared.engine_errors import say_error
from energysim.batch.compare import compare
from energysim.batch.runner import write_summary
from energysim.batch.sweep import set_path
from energysim.config.scenario import load_scenario, scenario_from_dict
from energysim.core.csv_dialect import read_csv_file
from energysim.core.errors import DataError
from energysim.ownership.register import read_register
from energysim.ownership.tables import ownership_report
from energysim.results.flows import energy_flows
from energysim.results.result import Result
from energysim.results.tables import participants_table, service_costs_table, summary
from energysim.simulate import run
from tests.helpers import results_figures, storage_figures

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "dashboards" / "app.py")

EXAMPLES = list(state.examples())
RUNS = i18n.text("nl", "scenario.ready").split(":")[0]  # "Dit scenario kan worden doorgerekend"
CANNOT = i18n.text("nl", "common.cannot_run_many").rstrip(":")  # "Dit scenario kan niet rekenen"


# --------------------------------------------------------------------------- helpers
def T(key: str, **fill: Any) -> str:
    """A string of the dashboard's Dutch catalogue (the language a session starts in)."""
    return i18n.text("nl", key, **fill)


def start(lang: str | None = None) -> AppTest:
    """A new session (Dutch unless ``lang`` says otherwise)."""
    at = AppTest.from_file(APP, default_timeout=180)
    if lang is not None:
        at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    return at


def chart(at: AppTest, key: str) -> dict[str, Any]:
    """The plotly figure (data and layout) the page drew under ``key``."""
    for element in at.get("plotly_chart"):
        if element.proto.id.endswith(f"-{key}"):
            return dict(json.loads(element.proto.spec))
    raise AssertionError(f"no chart {key!r} on the page")


def values(data: Any) -> list[Any]:
    """A plotly array as a list (plotly writes numeric arrays as base64 typed arrays)."""
    if isinstance(data, dict) and "bdata" in data:
        flat = np.frombuffer(base64.b64decode(data["bdata"]), dtype=np.dtype(data["dtype"]))
        return flat.tolist()
    return list(data)


def parse_number(text: str) -> float:
    """A number as the Dutch page writes it (1.234,5; € 12; 65,4%) back to a float."""
    cleaned = text.replace("€", "").replace("%", "").replace(" ", "").replace(".", "")
    return float(cleaned.replace(",", "."))


def key(at: AppTest, path: str) -> str:
    return f"form{at.session_state['rev']}:{path}"


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    uploader = at.sidebar.file_uploader[0]
    uploader.upload(name, content, "application/toml").run()
    return at


def goto(at: AppTest, page: str) -> AppTest:
    at.radio(key="page").set_value(page.lower()).run()
    return at


def texts(at: AppTest) -> list[str]:
    """Every message, markdown, caption and code block on the page."""
    out: list[str] = []
    for kind in ("error", "warning", "success", "info", "markdown", "caption", "code"):
        out += [str(e.value) for e in getattr(at, kind)]
    return out


def assert_no_traceback(at: AppTest) -> None:
    assert not at.exception
    shown = "\n".join(texts(at))
    for word in ("Traceback", "KeyError", 'File "'):
        assert word not in shown


RESULTS_SECTIONS = (
    "flows",
    "service_costs",
    "benefit",
    "least",
    "household",
    "households",
    "keys",
)
"""Results' folded sections (:mod:`dashboards.results.sections`), in the page's order."""


def open_sections(at: AppTest, *names: str) -> AppTest:
    """Open Results' folded sections (:mod:`dashboards.results.sections`) and rerun."""
    for name in names:
        at.session_state[sections.widget_key(name)] = True
    return at.run()


SCENARIO_PARTS = ("how", "rest")
"""The Scenario page's folded parts (:func:`dashboards.scenario.view.folded`)."""


def open_scenario_parts(at: AppTest, *names: str) -> AppTest:
    """Open the Scenario page's folded parts and rerun."""
    for name in names:
        at.session_state[f"{scenario_view.OPEN_KEY}_{name}"] = True
    return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@functools.cache
def example_run(name: str) -> Result:
    """``run`` of an example file as it is, once per test process: several tests check the
    page against the same example's run, and only read it (a run is a pure function of
    its file)."""
    return run(load_scenario(state.SCENARIO_DIR / f"{name}.toml"))


def summary_of_dict(data: dict[str, Any], base: Path = state.SCENARIO_DIR) -> dict[str, Any]:
    return summary(run(scenario_from_dict(data, base_dir=base)))


def assert_results_are(at: AppTest, s: dict[str, Any]) -> None:
    """The Results page shows the figures of summary ``s``, to the displayed digit, and
    its households' benefits add up to the run's total."""
    goto(at, "Results")
    assert_no_traceback(at)
    assert metrics(at) == results_figures(s) | storage_figures(s)
    open_sections(at, "households")
    (households,) = [  # all households, in whole euros as shown
        tb.value for tb in at.table if T("col_per_year.benefit_eur") in tb.value.columns
    ]
    benefits = [parse_number(v) for v in households[T("col_per_year.benefit_eur")]]
    assert sum(benefits) == pytest.approx(s["household_benefit_total_eur"], abs=0.5 * len(benefits))
    shown = " ".join(e.value for e in [*at.info, *at.warning])
    # every note and warning said in the page's words; the estimated figures one click
    # away, in the table of estimates under a one-line title
    told = [m for m in s["messages"] if getattr(m, "code", None) != "estimated_figures"]
    assert all(engine_words.say(message) in shown for message in told)
    assert all(engine_words.say(m) not in shown for m in s["messages"] if m not in told)
    if s["assumptions"]:  # drawn once its expander is opened
        assert not [d for d in at.dataframe if T("estimates.figure") in d.value]
        at.session_state["estimates_open"] = True
        at.run()
        (estimates,) = [d.value for d in at.dataframe if T("estimates.figure") in d.value]
        assert len(estimates) == len(s["assumptions"])


def example_dict(name: str) -> dict[str, Any]:
    return tomllib.loads((state.SCENARIO_DIR / f"{name}.toml").read_text(encoding="utf-8"))


def toml_bytes(data: dict[str, Any]) -> bytes:
    return tomli_w.dumps(data).encode()


def downloaded_toml(at: AppTest) -> str:
    """What the Scenario page's download button serves (the same call)."""
    checked = state.check(at.session_state["scenario"], at.session_state["source"])
    assert checked.scenario is not None
    return state.to_toml(checked.scenario)


# --------------------------------------------------------------------------- journeys
def test_an_edit_survives_leaving_the_page_and_results_show_it(tmp_path: Path) -> None:
    at = start()
    strings = "buildings[0].arrays[2].capacity_kwp"
    at.text_input(key=key(at, strings)).input("60").run()
    expected = summary_of_dict(set_path(example_dict("rotterdam-galerijflat"), strings, 60.0))
    assert expected["capacity_kwp"] == pytest.approx(135.0)
    assert_results_are(at, expected)
    assert T("session.edited") in at.markdown[0].value
    goto(at, "Scenario")
    assert at.text_input(key=key(at, strings)).value == "60"
    # a second edit adds to the first instead of simulating the reverted roof
    at.text_input(key=key(at, "buildings[0].members.count")).input("12").run()
    both = set_path(example_dict("rotterdam-galerijflat"), strings, 60.0)
    both = set_path(both, "buildings[0].members.count", 12)
    expected = summary_of_dict(both)
    assert_results_are(at, expected)
    # the downloaded TOML runs to the same figures (round trip through the file)
    path = tmp_path / "edited.toml"
    path.write_text(downloaded_toml(at), encoding="utf-8")
    assert results_figures(summary(run(load_scenario(path)))) == metrics(at)


def test_an_edit_is_run_once_and_results_show_that_run(monkeypatch) -> None:
    """The Scenario page checks an edit and starts its run in the background; Results
    shows that run (the figures of `energysim run` of the edited scenario) without
    running it again."""
    calls: list[str] = []
    real = state.simulate

    def counted(scenario_json: str) -> dict[str, Any]:
        calls.append(scenario_json)
        return real(scenario_json)

    at = start()
    assert prefetch.idle()  # the example's own run, started by the first page, is done
    monkeypatch.setattr(state, "simulate", counted)
    strings = "buildings[0].arrays[2].capacity_kwp"
    at.text_input(key=key(at, strings)).input("47,25").run()  # a new cache key
    assert at.success and not at.error
    assert prefetch.idle()
    assert len(calls) == 1
    expected = summary_of_dict(set_path(example_dict("rotterdam-galerijflat"), strings, 47.25))
    goto(at, "Results")
    assert metrics(at) == results_figures(expected) | storage_figures(expected)
    assert len(calls) == 1  # Results found the run done
    goto(at, "Scenario")
    assert prefetch.idle() and len(calls) == 1  # the same scenario is not run again


def test_an_example_replaces_the_scenario_whole() -> None:
    at = start()
    at.text_input(key=key(at, "buildings[0].dwellings")).input("90").run()
    at.sidebar.selectbox(key="example").set_value("walkup-portiekflat").run()
    assert_no_traceback(at)
    assert at.session_state["scenario"] == example_dict("walkup-portiekflat")
    shown = {n.label: n.value for n in at.text_input}
    assert shown[T("form.dwellings")] == "24"
    assert shown[T("form.participating")] == "24"
    assert shown[T("form.members")] == "0"
    assert shown[T("form.panel_fee")] == "72"
    assert at.selectbox(key=key(at, "year")).value == 2026
    assert "walkup-portiekflat.toml" in at.markdown[0].value
    assert T("session.edited") not in at.markdown[0].value
    assert_results_are(at, summary(example_run("walkup-portiekflat")))


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLES)
def test_every_page_runs_each_example_as_its_file(name: str) -> None:
    """Each example, chosen from the selector, shows its own values and its own run on
    Scenario, Results, Compare and Ownership; Portfolio opens too."""
    at = start()
    if name != state.DEFAULT_EXAMPLE:
        at.sidebar.selectbox(key="example").set_value(name).run()
    data = example_dict(name)
    assert at.session_state["scenario"] == data
    assert_no_traceback(at)
    assert not at.error, [e.value for e in at.error]
    assert at.success and at.success[0].value.startswith(RUNS)
    assert at.selectbox(key=key(at, "year")).value == data["year"]
    expected = summary(example_run(name))
    assert_results_are(at, expected)
    assert not at.error

    goto(at, "Compare")
    assert_no_traceback(at)
    assert not at.error, [e.value for e in at.error]
    means = {trace["name"]: values(trace["y"]) for trace in chart(at, "chart_roles")["data"]}
    assert len(means) == 2  # this scenario under the rules of 2026 and of 2027
    own = T("compare.rules_short", year=expected["tariff_year"])
    if expected["household_benefit_eur"].get("tenant") and expected["tariff_year"] in (2026, 2027):
        assert means[own][0] == pytest.approx(
            expected["household_benefit_eur"]["tenant"]["mean_eur"], abs=1e-6
        )

    goto(at, "Ownership")
    assert_no_traceback(at)
    assert metrics(at)[T("ownership.this_scenario")] == fmt.percent(
        expected["local_ownership_frac"], lang="nl"
    )
    at.radio(key="register_source").set_value("example").run()
    assert_no_traceback(at)
    assert not at.error, [e.value for e in at.error]
    # the example register's municipalities; the total is not a municipality row
    areas = at.dataframe[0].value
    assert set(areas[T("col.municipality")]) == {
        "Goeree-Overflakkee",
        "Rotterdam",
        "Schouwen-Duiveland",
        "Voorne aan Zee",
    }
    # the headline (the Participatiemonitor's scope: wind and solar on land) first, the
    # share with rooftops beside it
    report = ownership_report(read_register(EXAMPLE_REGISTER))
    shown = metrics(at)
    assert shown[T("ownership.headline")] == fmt.percent(
        report.total["local_share_production_frac"], lang="nl"
    )
    assert shown[T("ownership.incl_rooftops")] == fmt.percent(
        report.total["local_share_production_incl_rooftops_frac"], lang="nl"
    )
    before = chart(at, "chart_ownership")["data"]
    assert [trace["name"] for trace in before] == [
        T("ownership.series_monitor_scope"),
        T("ownership.series_incl_rooftops"),
    ]
    at.checkbox(key="add_rooftop").check().run()
    assert_no_traceback(at)
    # the example names no municipality (no table from postcode to municipality ships):
    # nothing is added until the user says where the roof lies
    assert at.selectbox(key="muni").value is None
    assert len(chart(at, "chart_ownership")["data"]) == 2
    at.selectbox(key="muni").set_value("Rotterdam").run()
    assert_no_traceback(at)
    after = chart(at, "chart_ownership")["data"]
    assert [trace["name"] for trace in after] == [
        T("ownership.series_monitor_scope"),
        T("ownership.series_incl_rooftops_without_added"),
        T("ownership.series_incl_rooftops_with_added"),
    ]
    # a rooftop never moves the headline; the share with rooftops without it is the one
    # shown before it was added
    assert values(after[0]["y"]) == pytest.approx(values(before[0]["y"]))
    assert values(after[1]["y"]) == pytest.approx(values(before[1]["y"]))

    goto(at, "Portfolio")
    assert_no_traceback(at)
    assert not at.error


def test_who_gains_least_shows_every_group_with_the_non_participating_tenants() -> None:
    """The table "Wie het minst voordeel heeft" promises the lowest per group: the tenants
    who do not take part (the default example's 20, EUR 19 a year through the service
    costs) are a group of their own beside the tenants taking part and the members."""
    at = start()
    goto(at, "Results")
    assert not [d for d in at.dataframe if T("col.participating") in d.value.columns]  # folded
    open_sections(at, "least")
    assert_no_traceback(at)
    (least,) = [d.value for d in at.dataframe if T("col.participating") in d.value.columns]
    table = participants_table(example_run("rotterdam-galerijflat"))
    households = table[table["role"] != "common"]
    groups = list(zip(least[T("col.role")], least[T("col.participating")], strict=True))
    expected_groups = []
    for (role, taking_part), group in households.groupby(["role", "participating"]):
        lowest = group.nsmallest(results_state.LEAST, "benefit_eur")
        shown = (T(f"role.{role}"), T("common.yes" if taking_part else "common.no"))
        assert groups.count(shown) == len(lowest), shown
        rows = least[[g == shown for g in groups]]
        assert list(rows[T("col.participant_id")]) == list(lowest["participant_id"])
        assert list(rows[T("col.benefit_eur")]) == [fmt.number(v) for v in lowest["benefit_eur"]]
        expected_groups.append(shown)
    assert (T("role.tenant"), T("common.no")) in expected_groups
    assert groups[0] == (T("role.tenant"), T("common.yes"))  # tenants taking part first


def test_results_show_the_service_cost_rules_of_the_run() -> None:
    """Results' "Servicekosten: de regels van de Huurcommissie" is the run's
    service_costs.csv in words: one row per rule, whether it holds, what was assumed."""
    at = start()
    goto(at, "Results")
    open_sections(at, "service_costs")
    assert_no_traceback(at)
    (shown,) = [tb.value for tb in at.table if T("service_costs.col.rule") in tb.value.columns]
    table = service_costs_table(example_run("rotterdam-galerijflat"))
    assert list(shown[T("service_costs.col.rule")]) == [
        T(f"service_costs.rule.{r}") for r in table["rule"]
    ]
    assert list(shown[T("service_costs.col.holds")]) == [
        T("service_costs.holds" if h else "service_costs.broken") for h in table["holds"]
    ]
    assert T("service_costs.all_hold") in [str(e.value) for e in at.success]
    assert T("service_costs.assumed.panels_removable") in set(shown[T("service_costs.col.assumed")])


def test_results_compare_the_sharing_keys_on_fairness() -> None:
    """Results' "Welke verdeelsleutel is het eerlijkst?" is energysim keys when switched
    on: a row per key, the chart's bars the gains of compare_keys."""
    from energysim.batch.key_fairness import compare_keys

    at = start()
    goto(at, "Results")
    open_sections(at, "keys")
    assert not [tb for tb in at.table if T("fair_keys.col.gini") in tb.value.columns]
    at.toggle(key="fair_keys_show").set_value(True).run()
    assert_no_traceback(at)
    (shown,) = [tb.value for tb in at.table if T("fair_keys.col.gini") in tb.value.columns]
    expected = compare_keys(load_scenario(state.SCENARIO_DIR / "rotterdam-galerijflat.toml"))
    assert list(shown.index) == [T(f"fair_keys.key.{k}") for k in expected["key"]]
    smallest = shown[T("fair_keys.col.min_gain_eur")]
    assert list(smallest) == [fmt.eur(v) for v in expected["min_gain_eur"]]
    bars = chart(at, "chart_fair_keys")["data"]  # the bars' labels: their values
    assert [b["text"] for b in bars] == [
        [fmt.eur(v) for v in expected[c]]
        for c in ("median_gain_eur", "p10_gain_eur", "min_gain_eur")
    ]


def test_compare_years_of_the_edited_scenario() -> None:
    """The Compare page's default is the edited scenario under the rules of 2026 and of
    2027: its chart's means and per-household differences are energysim compare's."""
    at = start()
    at.text_input(key=key(at, "buildings[0].members.count")).input("12").run()
    goto(at, "Compare")
    assert_no_traceback(at)
    assert at.multiselect[0].value == ["rules:2026", "rules:2027"]
    edited = set_path(example_dict("rotterdam-galerijflat"), "buildings[0].members.count", 12)
    scenario = scenario_from_dict(edited, base_dir=state.SCENARIO_DIR)
    table, households = compare([scenario], years=[2026, 2027])
    names = [T("compare.rules_short", year=2026), T("compare.rules_short", year=2027)]
    means = {trace["name"]: values(trace["y"]) for trace in chart(at, "chart_roles")["data"]}
    assert list(means) == names
    for name, column in zip(names, table.columns, strict=True):
        assert means[name] == pytest.approx(
            [table.at["tenant_mean_eur", column], table.at["member_mean_eur", column]]
        )
    difference = households[households.columns[-1]]
    dots = chart(at, "chart_households")["data"]
    shown = {}
    for trace in dots:
        shown.update(dict(zip(values(trace["customdata"]), values(trace["x"]), strict=True)))
    households_only = difference[households["role"] != "common"]
    assert set(shown) == set(households_only.index)
    for participant, value in shown.items():
        assert value == pytest.approx(households_only[participant], abs=1e-9)
    assert households_only.min() < 0  # the end of net metering costs someone


def custom_tiers() -> dict[str, Any]:
    data = example_dict("rotterdam-galerijflat")
    data["name"] = "custom-tiers"
    data["allocation"]["order"] = ["members", "tenants", "common"]
    data["allocation"]["tenants"] = {"key": {"method": "equal", "variant": "export"}}
    data["allocation"]["members"]["mode"] = "postcoderoos"
    return data


def test_an_upload_shows_and_runs_its_own_tiers_keys_and_scheme(tmp_path: Path) -> None:
    at = start()
    data = custom_tiers()
    upload(at, "custom-tiers.toml", toml_bytes(data))
    assert_no_traceback(at)
    assert at.session_state["scenario"] == data
    assert at.selectbox(key=key(at, "allocation.order")).value == "members -> tenants -> common"
    assert at.selectbox(key=key(at, "allocation.tenants.key")).value == "equal (export)"
    assert at.selectbox(key=key(at, "allocation.members.mode")).value == "postcoderoos"
    assert at.sidebar.selectbox(key="example").value is None
    assert (
        "custom-tiers.toml" in at.markdown[0].value
        and T("session.uploaded") in at.markdown[0].value
    )
    path = tmp_path / "custom-tiers.toml"
    path.write_bytes(toml_bytes(data))
    expected = summary(run(load_scenario(path)))
    default = summary(example_run("rotterdam-galerijflat"))
    assert expected["household_benefit_total_eur"] != default["household_benefit_total_eur"]
    assert_results_are(at, expected)


def test_fields_the_form_cannot_edit_are_kept_shown_and_downloaded(tmp_path: Path) -> None:
    """Caps, surplus rule, tariffs, a static key, a second building and its owners stay as
    the file has them through edits, are shown read-only, and the download runs the same."""
    data = example_dict("rotterdam-galerijflat")
    data["name"] = "two-buildings"
    data["allocation"]["tenants"] = {"key": {"method": "proportional"}, "cap_frac": 0.5}
    data["allocation"]["members"]["key"] = {"method": "static", "shares_frac": [0.02] * 30}
    data["allocation"]["per_dwelling_surplus"] = "next_tier"
    data["tariffs"] = {"supply_price_excl_vat_eur_per_kwh": 0.13}
    second = example_dict("walkup-portiekflat")["buildings"][0]
    second["members"] = {"count": 30}
    data["buildings"].append(second)
    at = start()
    upload(at, "two-buildings.toml", toml_bytes(data))
    assert_no_traceback(at)
    assert not at.error, [e.value for e in at.error]
    assert any(T("scenario.more_buildings", count=2, first="GF1") in i.value for i in at.info)
    assert at.selectbox(key=key(at, "allocation.members.key")).value == "static (as in the file)"
    at.text_input(key=key(at, "buildings[0].tenants.participating")).input("50").run()
    kept = at.session_state["scenario"]
    assert kept["buildings"][1] == second
    assert kept["allocation"]["tenants"]["cap_frac"] == 0.5
    assert kept["allocation"]["members"]["key"]["shares_frac"] == [0.02] * 30
    assert kept["tariffs"] == {"supply_price_excl_vat_eur_per_kwh": 0.13}
    # another key replaces the file's static one; choosing it again brings it back whole
    members_key = key(at, "allocation.members.key")
    at.selectbox(key=members_key).set_value("proportional").run()
    assert at.session_state["scenario"]["allocation"]["members"]["key"] == {
        "method": "proportional"
    }
    at.selectbox(key=members_key).set_value("static (as in the file)").run()
    assert (
        at.session_state["scenario"]["allocation"]["members"]["key"]["shares_frac"] == [0.02] * 30
    )
    assert not at.code  # the part the form does not edit is drawn once it is opened
    open_scenario_parts(at, "rest")
    readonly = at.code[0].value
    for text in ("cap_frac = 0.5", "next_tier", "supply_price_excl_vat_eur_per_kwh = 0.13", "PF1"):
        assert text in readonly
    path = tmp_path / "downloaded.toml"
    path.write_text(downloaded_toml(at), encoding="utf-8")
    expected = summary_of_dict(set_path(data, "buildings[0].tenants.participating", 50))
    assert summary(run(load_scenario(path))) == expected
    assert_results_are(at, expected)


def test_a_value_set_back_to_the_file_is_not_an_edit() -> None:
    at = start()
    tilt = "buildings[0].arrays[2].surface_tilt_deg"
    at.text_input(key=key(at, tilt)).input("20").run()
    assert T("session.edited") in at.markdown[0].value
    at.text_input(key=key(at, tilt)).input("10").run()
    assert at.session_state["scenario"] == example_dict("rotterdam-galerijflat")
    assert T("session.edited") not in at.markdown[0].value
    # a field the file does not give comes back as absent, not as the default written in
    at.sidebar.selectbox(key="example").set_value("walkup-portiekflat").run()
    order = "allocation.order"
    at.selectbox(key=key(at, order)).set_value("tenants -> common -> members").run()
    assert at.session_state["scenario"]["allocation"]["order"] == ["tenants", "common", "members"]
    at.selectbox(key=key(at, order)).set_value("common -> tenants -> members").run()
    assert at.session_state["scenario"] == example_dict("walkup-portiekflat")


def test_undo_button_brings_back_the_file() -> None:
    at = start()
    at.text_input(key=key(at, "buildings[0].dwellings")).input("90").run()
    at.button(key="reset").click().run()
    assert at.session_state["scenario"] == example_dict("rotterdam-galerijflat")
    assert at.text_input(key=key(at, "buildings[0].dwellings")).value == "80"


def test_the_first_edit_shifts_no_element_of_the_page_or_the_sidebar() -> None:
    """Streamlit matches the elements of a rerun to those on screen by their place: an
    element that appears above others (Undo, "start again from the example") would shift
    every one below it, and the browser would draw them all anew instead of updating
    them (`benchmarks/dashboard.py`: Scenario settled in 0.58 s, with the slots 0.36 s).
    The first edit may only fill a slot kept empty until then."""

    def shape(block: Any) -> list[str]:
        return [str(getattr(c, "type", type(c).__name__)) for c in block.children.values()]

    at = start()
    before = {"main": shape(at.main), "sidebar": shape(at.sidebar)}
    at.text_input(key=key(at, "buildings[0].arrays[2].capacity_kwp")).input("44").run()
    assert T("session.edited") in at.markdown[0].value  # it is the first edit
    after = {"main": shape(at.main), "sidebar": shape(at.sidebar)}
    for where in ("main", "sidebar"):
        assert len(after[where]) == len(before[where]), (where, before[where], after[where])
        changed = [(b, a) for b, a in zip(before[where], after[where], strict=True) if b != a]
        assert changed == [("empty", "button")], (where, before[where], after[where])
    assert at.button(key="reset") and at.sidebar.button(key="example_again")


@pytest.mark.parametrize(
    ("path", "value", "label", "expected"),
    [
        ("buildings[0].dwellings", 0, "Dwellings", "moet groter zijn dan 0"),
        (
            "buildings[0].arrays[2].capacity_kwp",
            -5.0,
            "GF1-strings: capacity (kWp)",
            "moet groter zijn dan 0",
        ),
        (
            "buildings[0].tenants.participating",
            500,
            "Dwellings taking part",
            "hooguit het aantal woningen (80)",
        ),
        (
            "buildings[0].arrays[0].surface_azimuth_deg",
            400.0,
            "GF1-east: azimuth",
            "moet kleiner zijn dan 360",
        ),
    ],
)
def test_a_refused_value_clears_the_valid_state(path, value, label, expected) -> None:
    at = start()
    assert at.success
    typed = str(value).replace(".", ",")  # the Dutch form
    at.text_input(key=key(at, path)).input(typed).run()
    assert_no_traceback(at)
    assert not at.success  # no "This scenario can be run" for a scenario that cannot run
    top = at.error[0].value
    assert top.startswith(CANNOT) and expected in top
    assert any(expected in e.value and not e.value.startswith(CANNOT) for e in at.error[1:])
    assert at.text_input(key=key(at, path)).value == typed  # shown as typed, not replaced
    goto(at, "Results")
    assert not at.metric and at.error[0].value.startswith(CANNOT)
    assert not at.download_button


def test_implausible_roof_is_warned_about() -> None:
    at = start()
    at.text_input(key=key(at, "buildings[0].arrays[2].capacity_kwp")).input("100000").run()
    assert_no_traceback(at)
    assert at.success  # possible, so it runs, but the user is told
    warnings = [w.value for w in at.warning]
    # in Dutch, by the messages' codes; no English sentence, no field name
    per_dwelling = "kWp per woning is meer dan een dak meestal draagt"
    bill = "meer op vooruit dan hun hele stroomrekening"
    assert any(per_dwelling in w for w in warnings)
    # the Scenario page does not run the scenario: what the run finds is said on Results
    assert not any(bill in w for w in warnings)
    assert not any("kWp per dwelling" in w or "capacity_kwp" in w for w in warnings)
    goto(at, "Results")
    assert any(bill in w.value for w in at.warning)
    assert any(per_dwelling in w.value for w in at.warning)
    shown = " ".join(e.value for e in [*at.warning, *at.info])
    assert shown.count(per_dwelling) == 1  # once, not again in the notes


# --------------------------------------------------------------------------- upload errors
GOOD = (state.SCENARIO_DIR / "rotterdam-galerijflat.toml").read_text(encoding="utf-8")


def replaced(old: str, new: str) -> bytes:
    assert old in GOOD
    return GOOD.replace(old, new, 1).encode()


REFUSED = {  # not TOML at all: refused, the scenario stays
    "latin1.toml": ("name = 'caf\xe9'".encode("latin-1"), "geen tekstbestand in UTF-8"),
    "broken.toml": (b"name = ", "geen geldige TOML"),
    # a file that is not one of the examples' (tests/test_dashboard_upload.py)
    "no-csv.toml": (
        replaced("time_step_min = 15", 'time_step_min = 15\ngeneration_csv = "absent.csv"'),
        "'generation_csv' noemt absent.csv",
    ),
}
INVALID = {  # TOML: becomes the scenario; what is wrong is shown at the top (and field)
    "empty.toml": (b"", "veld 'buildings': dit verplichte veld ontbreekt", None),
    "typo.toml": (
        replaced("dwellings = 80", "dwelings = 80"),
        "veld 'buildings[0].dwelings': onbekende sleutel",
        "buildings[0].dwellings",
    ),
    "eighty.toml": (
        replaced("dwellings = 80", 'dwellings = "eighty"'),
        "verwacht een geheel getal, gevonden 'eighty' (een tekst)",
        "buildings[0].dwellings",
    ),
    "year1999.toml": (replaced("year = 2027", "year = 1999"), "gevonden 1999", "year"),
    "year2021.toml": (replaced("year = 2027", "year = 2021"), "geen standaardbedragen", "year"),
    "neighbours.toml": (
        replaced('order = ["common", "tenants", "members"]', 'order = ["common", "neighbours"]'),
        "allocation.order",
        "allocation.order",
    ),
    "too-many.toml": (
        replaced("participating = 60", "participating = 90"),
        "tenants.participating",
        "buildings[0].tenants.participating",
    ),
    "weather.toml": (replaced('source = "embedded"', 'source = "epw"'), "vraagt een 'path'", None),
    "buildings-text.toml": (b'name = "x"\nyear = 2027\nbuildings = "none"', "buildings", None),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_an_upload_that_is_not_toml_is_refused_and_changes_nothing(name: str) -> None:
    content, message = REFUSED[name]
    at = start()
    at.text_input(key=key(at, "buildings[0].dwellings")).input("90").run()
    before = at.session_state["scenario"]
    upload(at, name, content)
    assert_no_traceback(at)
    assert at.session_state["scenario"] == before
    assert name in at.error[0].value and message in at.error[0].value
    assert T("session.upload_refused", message="").strip(". ") in at.error[0].value
    assert at.success  # the scenario it still has runs


@pytest.mark.parametrize("name", list(INVALID))
def test_an_invalid_upload_says_what_is_wrong_on_every_page(name: str) -> None:
    content, message, field_path = INVALID[name]
    at = start()
    upload(at, name, content)
    assert_no_traceback(at)
    assert not at.success
    top = at.error[0].value
    assert top.startswith(CANNOT) and message in top and name in top
    assert name in at.markdown[0].value
    if field_path is not None:
        fields = {f.path: f for f in form.form_fields(at.session_state["scenario"])}
        checked = state.check(at.session_state["scenario"], at.session_state["source"])
        assert field_path in checked.at_field
        said = say_error(checked.at_field[field_path])  # in Dutch, as the field shows it
        assert any(e.value == said for e in at.error[1:])
        assert field_path in fields
    for page in ("Results", "Compare", "Ownership"):
        goto(at, page)
        assert_no_traceback(at)
        assert not at.metric, page
        assert at.error[0].value.startswith(CANNOT), page


def test_a_year_the_list_does_not_hold_is_shown_not_replaced() -> None:
    at = start()
    upload(at, "year2031.toml", replaced("year = 2027", "year = 2031"))
    assert at.selectbox(key=key(at, "year")).value == 2031
    assert at.session_state["scenario"]["year"] == 2031
    assert at.success and "2031" in at.success[0].value


def test_an_unexpected_failure_is_an_apology_with_the_detail_folded(monkeypatch) -> None:
    at = start()

    def broken(scenario_json: str) -> dict:
        raise RuntimeError("an unexpected bug")

    monkeypatch.setattr(state, "simulate", broken)
    at.text_input(key=key(at, "buildings[0].dwellings")).input("81").run()  # new cache key
    assert not at.exception
    assert at.success and not at.error  # the Scenario page checks; Results runs
    goto(at, "Results")
    assert not at.exception
    assert at.error[0].value == session.apology_text() == T("session.apology")
    assert not at.metric
    (details,) = [e for e in at.expander if e.label == T("session.details")]
    assert "an unexpected bug" in details.code[0].value
    goto(at, "Scenario")
    assert at.text_input  # the form stays, so the user can go on


def test_a_run_that_fails_after_the_checks_is_said_on_results(monkeypatch) -> None:
    """The Scenario page only checks the scenario; a failure of the run itself is said
    on Results, in Dutch, with the file named, and the form stays usable."""
    at = start()

    def refused(scenario_json: str) -> dict:
        raise DataError("rotterdam-galerijflat.toml: the weather has no hour 8761")

    monkeypatch.setattr(state, "simulate", refused)
    at.text_input(key=key(at, "buildings[0].dwellings")).input("82").run()  # new cache key
    assert at.success and not at.error
    goto(at, "Results")
    assert_no_traceback(at)
    (error,) = [e.value for e in at.error]
    assert error.startswith(T("common.cannot_run_one", message="")) and "8761" in error
    assert not at.metric and T("results.fix_first") in [i.value for i in at.info]
    goto(at, "Scenario")
    assert at.text_input(key=key(at, "buildings[0].dwellings")).value == "82"


# --------------------------------------------------------------------------- portfolio
def batch_summary() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": ["a-2026", "a-2027", "b-2026", "b-2027"],
            "complex_id": ["a", "a", "b", "b"],
            "sweep.year": [2026, 2027, 2026, 2027],
            "status": ["ok", "ok", "ok", "failed"],
            "error": ["", "", "", "tariffs: bad"],
            "specific_yield_kwh_per_kwp": [812.2027, 830.5, 790.0, None],
            "generation_kwh": [3.0, 9.0, 5.0, None],
        }
    )


def test_portfolio_filters_by_column_and_exact_value() -> None:
    at = start()
    goto(at, "Portfolio")
    at.file_uploader(key="portfolio_upload").upload(
        "batch_summary.csv", batch_summary().to_csv(index=False).encode(), "text/csv"
    ).run()
    assert_no_traceback(at)
    # each unit in words: its complex and its point of the sweep, not the batch's id
    a26, a27, b26, b27 = (
        f"{c}, {T('portfolio.unit_year', year=y)}" for c in "ab" for y in (2026, 2027)
    )
    assert T("portfolio.unit_year", year=2026) == "regels van 2026"

    def units() -> list[str]:
        return list(at.table[-1].value.index)

    assert units() == [a26, a27, b26, b27]
    assert at.table[-1].value.index.name == T("portfolio.unit")
    at.selectbox(key="portfolio_sort").set_value("generation_kwh").run()
    assert units() == [a27, b26, a26, b27]
    assert any(T("portfolio.failed", count=1) in w.value for w in at.warning)
    assert "tariffs: bad" in at.table[-1].value[T("col.error")].tolist()  # a unit failed
    at.selectbox(key="portfolio_column").set_value("sweep.year").run()
    at.selectbox(key="portfolio_value:sweep.year").set_value(2027).run()
    # 812.2027 contains the digits 2027 but is not the year 2027
    assert units() == [a27, b27]
    assert metrics(at)[T("portfolio.units_shown")] == "2"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "register.csv",
            (state.SCENARIO_DIR / "register_example.csv").read_bytes(),
            "geen samenvatting van een portefeuilleberekening",
        ),
        ("garbage.parquet", b"\x00\x01garbage", "dit .parquet-bestand is niet te lezen"),
        ("garbage.xlsx", b"PK\x03\x04garbage", "dit .xlsx-bestand is niet te lezen"),
        ("run.csv", b"\x89PNG\x00\x00garbage", "dit .csv-bestand is niet te lezen"),
    ],
)
def test_portfolio_refuses_what_is_not_a_batch_summary(
    name: str, content: bytes, message: str
) -> None:
    at = start()
    goto(at, "Portfolio")
    at.file_uploader(key="portfolio_upload").upload(name, content).run()
    assert_no_traceback(at)
    assert not at.dataframe
    assert name in at.error[0].value and message in at.error[0].value


def test_portfolio_reads_only_under_the_configured_folder(tmp_path: Path, monkeypatch) -> None:
    results = tmp_path / "results"
    (results / "run1").mkdir(parents=True)
    write_summary(batch_summary(), results / "run1")
    (results / "run1" / "computed.log").write_text("a-2026\n")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    write_summary(batch_summary(), outside)
    (results / "escape").symlink_to(outside, target_is_directory=True)
    monkeypatch.setenv("ENERGYSIM_RESULTS_DIR", str(results))
    at = start()
    goto(at, "Portfolio")
    assert not at.text_input  # no free path field any more
    listed = at.selectbox(key="portfolio_file").options
    assert listed == [f"run1/batch_summary{s}" for s in (".csv", ".parquet", ".xlsx")]
    at.selectbox(key="portfolio_file").set_value(
        results.resolve() / "run1" / "batch_summary.parquet"
    ).run()
    assert_no_traceback(at)
    assert len(at.table[-1].value) == 4  # the units, drawn whole
    shown = " ".join(texts(at)) + " ".join(str(s.label) for s in at.selectbox)
    assert str(tmp_path) not in shown  # no server path on the page


def test_portfolio_without_a_configured_folder_says_how(monkeypatch) -> None:
    monkeypatch.delenv("ENERGYSIM_RESULTS_DIR", raising=False)
    at = start()
    goto(at, "Portfolio")
    assert any(T("portfolio.no_folder") in c.value for c in at.caption)
    assert not any("--" in c.value for c in at.caption)  # no command-line flags on screen
    assert not at.main.selectbox and not at.dataframe and not at.table


def test_results_dir_argument_wins_over_the_environment(tmp_path: Path) -> None:
    env = {"ENERGYSIM_RESULTS_DIR": str(tmp_path / "env")}
    assert results_dir(["--results-dir", str(tmp_path / "arg")], env) == tmp_path / "arg"
    assert results_dir(["--server.port", "1"], env) == tmp_path / "env"
    assert results_dir([], {}) is None


def test_streamlit_is_configured_for_end_users() -> None:
    config = tomllib.loads((REPO / "dashboards" / ".streamlit" / "config.toml").read_text())
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["client"]["showErrorDetails"] == "none"


# --------------------------------------------------------------------------- state, pure
def test_error_field_finds_the_form_field_of_a_library_message() -> None:
    paths = [f.path for f in form.form_fields(example_dict("rotterdam-galerijflat"))]
    cases = {
        "x.toml: field 'buildings[0].dwellings': Input should be greater than 0; found 0": (
            "buildings[0].dwellings"
        ),
        "x.toml: field 'buildings[0]': tenants.participating: expected at most dwellings=80, "
        "found 500": "buildings[0].tenants.participating",
        "x.toml: field 'allocation.tenants.key.static.shares_frac': Field required": (
            "allocation.tenants.key"
        ),
        "tariffs: no default figures for 2021 (first is 2025); give every [tariffs] field "
        "explicitly": "year",
        "x.toml: field 'buildings[0].dwelings': unknown key": None,
        "x.toml: field 'site.latitude_deg': Input should be less than 90": None,
    }
    for message, expected in cases.items():
        assert state.error_field(message, paths) == expected, message


def test_not_in_form_keeps_everything_else() -> None:
    data = example_dict("rotterdam-galerijflat")
    rest = form.not_in_form(data)
    assert rest["site"] == data["site"] and rest["ownership"] == data["ownership"]
    assert "dwellings" not in rest["buildings"][0]
    assert rest["buildings"][0]["arrays"][0] == {
        k: v
        for k, v in data["buildings"][0]["arrays"][0].items()
        if k not in ("area_m2", "surface_azimuth_deg", "surface_tilt_deg")
    }
    assert "allocation" not in rest  # every field of it is in the form
    edited = ("panel_fee_eur_per_yr", "sharing_fee_eur_per_kwh")
    assert rest["finance"] == {k: v for k, v in data["finance"].items() if k not in edited}


# --------------------------------------------------------------------------- words, charts
RAW = re.compile(r"\b\w+_(kwh|eur|frac|kw|kwp|mwh|pp)\b|\bcol\.\w+")


def visible_texts(at: AppTest) -> list[str]:
    """Every label, message (the engine's too), table header and cell, metric and chart
    text on the page (not the scenario file's own TOML, shown read-only as the file has
    it)."""
    out = [t for t in texts(at) if t not in {c.value for c in at.code}]
    out += [h.value for h in [*at.title, *at.header, *at.subheader]]
    out += [e.label for e in at.expander]  # folded sections say what they hold
    out += [m.label for m in at.metric] + [m.value for m in at.metric]
    for kind in ("text_input", "selectbox", "radio", "checkbox", "multiselect", "button"):
        out += [str(w.label) for w in getattr(at, kind)]
    for kind in ("selectbox", "radio", "multiselect"):
        for w in getattr(at, kind):
            out += [str(o) for o in w.options]
    for table in [*at.dataframe, *at.table]:
        frame = table.value
        out += [str(c) for c in frame.columns] + [str(i) for i in frame.index]
        out += [str(n) for n in frame.index.names if n is not None]  # st.table's first header
        out += [str(v) for v in frame.astype(str).to_numpy().ravel()[:2000]]
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        layout = spec["layout"]
        out.append(json.dumps(layout.get("title", "")))
        out += [str(trace.get("name", "")) for trace in spec["data"]]
        out += [json.dumps(a.get("text", "")) for a in layout.get("annotations", [])]
        for axis in [k for k in layout if k.startswith(("xaxis", "yaxis"))]:
            out.append(json.dumps(layout[axis].get("title", "")))
        for trace in spec["data"]:
            if trace.get("type") == "sankey":
                out += [str(label) for label in trace["node"]["label"]]
    out += [b.proto.label for b in at.get("download_button")]
    return out


def walk_every_page(at: AppTest) -> dict[str, list[str]]:
    """Visit every page with everything drawn: a register with the rooftop added, a batch
    summary with names and two sweep points. Returns the visible texts per page."""
    shown = {}
    for page in ("scenario", "results", "compare", "routes"):
        goto(at, page)
        if page == "results":  # every folded section open, and the estimated figures
            at.session_state["estimates_open"] = True
            open_sections(at, *RESULTS_SECTIONS)
        if page == "scenario":  # the explanation and the file's other fields open
            open_scenario_parts(at, *SCENARIO_PARTS)
        assert_no_traceback(at)
        shown[page] = visible_texts(at)
    goto(at, "ownership")
    at.radio(key="register_source").set_value("example").run()
    at.checkbox(key="add_rooftop").check().run()
    at.selectbox(key="muni").set_value("Rotterdam").run()
    assert_no_traceback(at)
    shown["ownership"] = visible_texts(at)
    open_paired_portfolio(at)
    shown["portfolio"] = visible_texts(at)
    assert set(shown) == set(PAGES) - {"design"}, "a page of the sidebar that this walk misses"
    return shown


def open_paired_portfolio(at: AppTest) -> None:
    """The Portfolio page with :func:`portfolio_summary` and the example's names."""
    goto(at, "portfolio")
    at.file_uploader(key="portfolio_upload").upload(
        "batch_summary.csv", portfolio_summary().to_csv(index=False).encode(), "text/csv"
    ).run()
    at.radio(key="portfolio_names").set_value("example").run()
    assert_no_traceback(at)


def portfolio_summary() -> pd.DataFrame:
    """A batch summary of two complexes of the example portfolio at 2026 and 2027."""
    rows = []
    for cid, benefit, share in (("C001", 150.0, 0.6), ("C002", 90.0, 0.8)):
        for year, loss in ((2026, 0.0), (2027, 40.0)):
            rows.append(
                {
                    "unit_id": f"{cid}-year={year}",
                    "complex_id": cid,
                    "sweep.year": year,
                    "status": "ok",
                    "error": "",
                    "capacity_kwp": 50.0,
                    "generation_kwh": 45000.0,
                    "self_consumption_frac": share,
                    "household_benefit_total_eur": 4000.0 - loss * 10,
                    "household_benefit_eur.tenant.households": 20,
                    "household_benefit_eur.tenant.mean_eur": benefit - loss,
                    "household_benefit_eur.member.mean_eur": 60.0,
                    "local_ownership_frac": 0.4,
                }
            )
    return pd.DataFrame(rows)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_page_shows_a_raw_identifier_and_every_key_exists(lang: str) -> None:
    i18n.missing.clear()
    at = start(lang)
    shown = walk_every_page(at)
    assert not i18n.missing, sorted(i18n.missing)
    other = {"nl": "en", "en": "nl"}[lang]
    for page, page_texts in shown.items():
        raw = sorted({m.group(0) for text in page_texts for m in RAW.finditer(text)})
        assert raw == [], (page, raw)
        assert len(page_texts) > 10, page
    # the page speaks the chosen language: its own words, not the other's
    everything = " ".join(" ".join(v) for v in shown.values())
    for key in ("nav.results", "results.flows_heading", "portfolio.totals_heading"):
        if i18n.text(lang, key) != i18n.text(other, key):
            assert i18n.text(lang, key) in everything
            assert i18n.text(other, key) not in everything


def test_the_language_switch_changes_the_page_and_keeps_the_scenario() -> None:
    at = start()
    at.text_input(key=key(at, "buildings[0].dwellings")).input("90").run()
    assert at.radio(key="lang").value == "nl"
    assert T("form.dwellings") in [n.label for n in at.text_input]
    at.radio(key="lang").set_value("en").run()
    assert_no_traceback(at)
    assert i18n.text("en", "form.dwellings") in [n.label for n in at.text_input]
    assert at.session_state["scenario"]["buildings"][0]["dwellings"] == 90
    goto(at, "results")
    s = summary_of_dict(
        set_path(example_dict("rotterdam-galerijflat"), "buildings[0].dwellings", 90)
    )
    assert metrics(at) == results_figures(s, "en")


def test_every_download_on_every_page_opens(monkeypatch) -> None:
    """Every download button's file, in every format, reads back with pandas/openpyxl."""
    served: list[tuple[str, Any]] = []
    original = st.download_button

    def recording(label: str, data: Any, file_name: str | None = None, **kwargs: Any) -> bool:
        served.append((str(file_name), data))
        return original(label, data, file_name, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    at = start()
    walk_every_page(at)
    names = {name for name, _ in served}
    for expected in (
        "energiestromen.xlsx",  # Dutch names in Dutch
        "gemiddelde-dag-per-seizoen.csv",
        "per-maand-nl.csv",
        "voordeel-per-huishouden.xlsx",
        "huishoudens-nl.csv",
        "vergelijking.xlsx",
        "vergelijking-per-huishouden-nl.csv",
        "lokaal-eigendom-grafiek-gemeente.xlsx",
        "lokaal-eigendom-gemeente-nl.csv",
        "portefeuille-totalen.xlsx",
        "portefeuille-twee-varianten-nl.csv",
        "portefeuille.csv",
        "batchoverzicht.xlsx",
        "GF1-T001_nl.pdf",
    ):
        assert expected in names, expected
    for name, data in served:
        content = data() if callable(data) else data
        content = content.encode() if isinstance(content, str) else content
        if name.endswith(".toml"):
            assert tomllib.loads(content.decode())["buildings"]
            continue
        if name.endswith(".pdf"):  # a household's statement: one A4 page
            import pypdfium2 as pdfium

            pdf = pdfium.PdfDocument(content)
            assert len(pdf) == 1
            pdf.close()
            continue
        if name.endswith(".xlsx"):
            frame = pd.read_excel(io.BytesIO(content))
            workbook = openpyxl.load_workbook(io.BytesIO(content))
            assert workbook.active.max_row == len(frame) + 1
        elif name.endswith("-nl.csv"):
            assert content.startswith(b"\xef\xbb\xbf")
            frame = read_csv_file(content, "nl")
            assert b";" in content.splitlines()[0]
        else:
            frame = pd.read_csv(io.BytesIO(content))
        assert len(frame) > 0 and len(frame.columns) > 1, name
        headers = " ".join(str(c) for c in frame.columns)
        if not name.startswith("batchoverzicht"):  # the whole summary keeps energysim's names
            assert not RAW.search(headers), (name, headers)


def test_results_charts_are_the_runs_numbers() -> None:
    """The Sankey's flows out of the roof add up to the generation, each destination's
    flows to the run's allocation; months add up to the year; the distribution marks the
    summary's median and p10-p90 band."""
    at = start()
    goto(at, "results")
    assert not at.get("plotly_chart")  # drawn when their sections are opened
    open_sections(at, "flows", "benefit")
    s = summary(example_run("rotterdam-galerijflat"))
    sankey = chart(at, "chart_flows")["data"][0]
    labels = [str(x).split("<br>")[0] for x in sankey["node"]["label"]]
    link = {k: values(sankey["link"][k]) for k in ("source", "target", "value")}
    flows = {
        (labels[a], labels[b]): v
        for a, b, v in zip(link["source"], link["target"], link["value"], strict=True)
    }
    roof = T("flow.roof")
    assert sum(v for (a, _), v in flows.items() if a == roof) == pytest.approx(
        s["generation_kwh"], rel=1e-9
    )
    into = {}
    for (_, b), v in flows.items():
        into[b] = into.get(b, 0.0) + v
    assert into[T("flow.tenants")] == pytest.approx(s["allocated_kwh"]["tenants"])
    assert into[T("flow.members")] == pytest.approx(s["allocated_kwh"]["members"])
    assert into[T("flow.common")] == pytest.approx(s["allocated_kwh"]["common"])
    assert into[T("flow.grid")] == pytest.approx(s["export_kwh"])
    months = chart(at, "chart_months")["data"]
    assert sum(sum(values(trace["y"])) for trace in months) == pytest.approx(
        sum(s["allocated_kwh"].values()) + s["export_kwh"]
    )
    assert values(months[0]["x"])[0] == "jan" and values(months[0]["x"])[-1] == "dec"
    days = chart(at, "chart_days")["layout"]["annotations"]
    assert [a["text"] for a in days[:4]] == [T(f"season.{x}") for x in results_state.SEASONS]
    benefit = chart(at, "chart_benefit")["layout"]
    bands = [(shape["x0"], shape["x1"]) for shape in benefit["shapes"] if shape["type"] == "rect"]
    lines = [shape["x0"] for shape in benefit["shapes"] if shape["type"] == "line"]
    for role in ("tenant", "member"):
        stats = s["household_benefit_eur"][role]
        assert (stats["p10_eur"], stats["p90_eur"]) in [
            (pytest.approx(a), pytest.approx(b)) for a, b in bands
        ]
        assert any(x == pytest.approx(stats["median_eur"]) for x in lines)


@pytest.mark.parametrize("name", EXAMPLES)
def test_energy_flows_balance_for_every_example(name: str) -> None:
    result = example_run(name)
    s = summary(result)
    flows = energy_flows(s, participants_table(result))
    out_of_roof = flows.loc[flows["source"] == "roof", "energy_kwh"].sum()
    assert out_of_roof == pytest.approx(s["generation_kwh"], rel=1e-9)
    through = flows.loc[flows["source"] == "own_strings", "energy_kwh"].sum()
    into = flows.loc[flows["target"] == "own_strings", "energy_kwh"].sum()
    assert through == pytest.approx(into)
    assert (flows["energy_kwh"] > 0).all()


def test_ownership_chart_is_the_reports_chart_table() -> None:
    at = start()
    goto(at, "ownership")
    at.radio(key="register_source").set_value("example").run()
    at.radio(key="ownership_level").set_value("res_region").run()
    report = ownership_report(read_register(EXAMPLE_REGISTER))
    expected = report.chart_table("res_region")
    figure = chart(at, "chart_ownership")
    assert [b["name"] for b in figure["data"]] == [
        T("ownership.series_monitor_scope"),
        T("ownership.series_incl_rooftops"),
    ]
    for bars, (_, part) in zip(figure["data"], expected.groupby("series", sort=False), strict=True):
        assert values(bars["x"]) == list(part["area"])
        assert values(bars["y"]) == pytest.approx(list(part["local_share_production_frac"] * 100))
    (target,) = [s for s in figure["layout"]["shapes"] if s["type"] == "line"]
    assert target["y0"] == target["y1"] == pytest.approx(report.target_frac * 100)
    labels = [a["text"] for a in figure["layout"]["annotations"]]
    assert T("ownership.target_line", value="50%").replace(": ", ":<br>") in labels


PLACES = ["Goeree-Overflakkee", "Rotterdam", "Schouwen-Duiveland", "Voorne aan Zee"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, None),  # no municipality: the page asks, it does not guess
        ("Rotterdam", "Rotterdam"),
        ("GM0599", "Rotterdam"),  # Rotterdam's CBS code, as the register writes it
        ("rotterdam", "Rotterdam"),
        ("Den Haag", "'s-Gravenhage"),  # not in the register: its official name
    ],
)
def test_the_added_rooftop_lies_in_the_scenarios_own_municipality(given, expected) -> None:
    assert ownership_state.scenario_municipality(given, PLACES) == expected


def test_adding_the_rooftop_of_a_scenario_with_a_municipality_picks_it() -> None:
    """A scenario that names its municipality (by CBS code) adds its rooftop there, not in
    the first municipality of the list; one that names none is asked for it."""
    data = example_dict("rotterdam-galerijflat")
    data["site"]["municipality"] = "GM0599"
    at = start()
    upload(at, "rotterdam-code.toml", toml_bytes(data))
    goto(at, "ownership")
    at.radio(key="register_source").set_value("example").run()
    at.checkbox(key="add_rooftop").check().run()
    assert_no_traceback(at)
    assert at.selectbox(key="muni").value == "Rotterdam"
    assert T("ownership.municipality_ask", postcode="3074") not in [c.value for c in at.caption]
    rows = at.dataframe[0].value.set_index(T("col.municipality"))
    changed = T("col.added_change_incl_rooftops_pp")
    assert rows.loc["Rotterdam", changed] != fmt.number(0, 2, sign=True)
    assert rows.loc["Goeree-Overflakkee", changed] == fmt.number(0, 2, sign=True)

    at = start()
    goto(at, "ownership")
    at.radio(key="register_source").set_value("example").run()
    at.checkbox(key="add_rooftop").check().run()
    assert at.selectbox(key="muni").value is None
    assert T("ownership.municipality_ask", postcode="3074") in [c.value for c in at.caption]


def test_portfolio_pairs_each_complex_and_names_it() -> None:
    at = start()
    open_paired_portfolio(at)
    difference = chart(at, "chart_difference")["data"][0]
    assert values(difference["y"]) == [
        "Galerijflat Zuidwijk (C001)",
        "Portiekflat Oud-Charlois (C002)",
    ]
    assert values(difference["x"]) == pytest.approx([-40.0, -40.0])
    table = at.table[-1].value
    assert list(table[T("col.postcode")]) == ["3085", "3085", "3082", "3082"]
    assert list(table.index) == [
        f"{name}, {T('portfolio.unit_year', year=year)}"
        for name in ("Galerijflat Zuidwijk (C001)", "Portiekflat Oud-Charlois (C002)")
        for year in (2026, 2027)
    ]
    totals = at.table[0].value
    assert list(totals[T("col.complexes")]) == ["2", "2"]


def test_number_fields_show_whole_numbers_without_decimals_and_money_with_cents() -> None:
    data = example_dict("rotterdam-galerijflat")
    fields = {f.path: f for f in form.form_fields(data)}
    area = fields["buildings[0].arrays[0].area_m2"]
    fee = fields["finance.panel_fee_eur_per_yr"]
    dwellings = fields["buildings[0].dwellings"]
    assert form.number_format(area, 250.0) == "%.0f"  # 250, not 250.00
    assert form.number_format(area, 250.5) == "%.1f"
    assert form.number_format(area, 0.125) == "%.3f"
    assert form.number_format(fee, 20.0) == "%.0f"  # whole euros
    assert form.number_format(fee, 72.5) == "%.2f"  # 72.50: money with cents
    assert form.number_format(fields["finance.sharing_fee_eur_per_kwh"], 0.02) == "%.3f"
    assert form.number_format(dwellings, 80) is None  # an integer widget: 80
    # shown with the language's decimal mark and no thousands separator (it reads back)
    assert form.number_text(fee, 72.5, "nl") == "72,50"
    assert form.number_text(fee, 72.5, "en") == "72.50"
    assert form.number_text(area, 1250.0, "nl") == "1250"
    assert form.number_text(dwellings, 1250, "nl") == "1250"
    at = start()
    shown = {w.label: w.value for w in at.text_input}
    assert shown[T("form.area", name="GF1-east")] == "250"
    assert shown[T("form.panel_fee")] == "20"


def test_every_page_of_the_sidebar_is_a_folder_with_its_view() -> None:
    """A page is ``dashboards/<page>/view.py`` with ``page()``, named in the sidebar
    (``dashboards.main.PAGES``); the Design page's tests are tests/test_dashboard_design*.py,
    every other page is walked here (:func:`walk_every_page`) and in the browser
    (tests/test_dashboard_browser.py ``PAGES``)."""
    folders = sorted(p.parent.name for p in (REPO / "dashboards").glob("*/view.py"))
    assert sorted(PAGES) == folders
    browser = (REPO / "tests" / "test_dashboard_browser.py").read_text(encoding="utf-8")
    walked = browser.split("\nPAGES = ", 1)[1].split("\n", 1)[0]
    assert {p for p in PAGES if p != "design"} == set(ast.literal_eval(walked))
