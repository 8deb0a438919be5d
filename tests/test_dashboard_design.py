"""The Design page through streamlit's AppTest: on every example it shows the library's
own design (:func:`energysim.design.plan.design_scenario` with the page's quick options), says
in plain words whether a price works and what would be needed when none does, and
"apply this design" makes every page run the recommended scenario: Results then equal
``energysim run`` of it.

The design is the heavy part (3-15 s per example), so each example is designed once, by
the page: a spy on :func:`energysim.design.plan.design_scenario` records what the page asked
of the library and what the library answered, and the test checks the page against that
answer. The apply step reuses the same session.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards.design import risk, words
from dashboards.design import state as ds
from dashboards.design import view as page_design
from dashboards.shared import formatting as fmt
from dashboards.shared import i18n, state
from dashboards.shared.i18n import t
from energysim.cli.main import main as energysim_main
from energysim.config.scenario import Scenario, scenario_from_dict, scenario_to_toml
from energysim.design.joint import nobody
from energysim.design.plan import DESIGN_PARTS, design_scenario
from energysim.design.prices import LEVER_UNITS
from energysim.design.report import recommendation_lines, summary_dict
from tests.helpers import results_figures, storage_figures
from tests.test_dashboard import RAW, visible_texts
from tests.test_design_words import english_left

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "dashboards" / "app.py")

EXAMPLES = list(state.examples())
INFEASIBLE = "galerijflat-na-renovatie"
"""The example where no price of the chosen kind pays for the roof at today's size."""


# --------------------------------------------------------------------------- helpers
def start(example: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    if example != state.DEFAULT_EXAMPLE:
        at.sidebar.selectbox(key="example").set_value(example).run()
    assert not at.exception
    return at


def goto(at: AppTest, page: str) -> AppTest:
    at.radio(key="page").set_value(page).run()
    assert not at.exception, at.exception
    shown = "\n".join(str(e.value) for e in [*at.error, *at.markdown, *at.code])
    for word in ("Traceback", "KeyError", 'File "'):
        assert word not in shown
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def frame_with(at: AppTest, column: str) -> list[pd.DataFrame]:
    """The tables shown whose headers include ``column`` (the first column of a table
    drawn with ``st.table`` is its index), their figures with plain spaces (the page keeps
    a figure with its euro sign and unit by non-breaking ones, :func:`fmt.unbroken`)."""
    frames = [d.value for d in at.dataframe]
    frames += [d.value.reset_index() for d in at.table]
    return [
        f.map(lambda v: v.replace(fmt.NBSP, " ") if isinstance(v, str) else v)
        for f in frames
        if column in list(f.columns)
    ]


def energysim_run(scenario: Scenario, folder: Path) -> dict[str, Any]:
    """``energysim run`` of the scenario written as a file, and its summary.json."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "scenario.toml"
    path.write_text(scenario_to_toml(scenario), encoding="utf-8")
    assert energysim_main(["run", str(path), "--out", str(folder / "out")]) == 0
    (out,) = [p for p in (folder / "out").iterdir() if p.is_dir()]
    return dict(json.loads((out / "summary.json").read_text(encoding="utf-8")))


DESIGNED: dict[tuple[str, Any], tuple[list[str], Any]] = {}
"""The library's designs already made in this test process, by scenario (its JSON) and
the options asked, with the parts it reported: a design is a pure function of the two
(the same scenario and options give the same design), so a test that asks again for one
another test had made gets that answer, its progress reported part by part as before,
instead of the same 3-15 s computation again."""


class Spy:
    """Records what the page asks of the library and what the library answers (each
    design made once per test process, :data:`DESIGNED`)."""

    def __init__(self) -> None:
        self.calls: list[tuple[Scenario, Any, list[str], Any]] = []
        self.quick_instead = False
        """Answer every request with the quick design (a test of what the page asks)."""

    def __call__(self, scenario: Scenario, options: Any, progress: Any = None) -> Any:
        asked = options
        if self.quick_instead:
            asked = replace(ds.QUICK, lever=options.lever, criterion=options.criterion)
        key = (scenario.model_dump_json(), asked)
        if key not in DESIGNED:
            made: list[str] = []
            DESIGNED[key] = (made, design_scenario(scenario, asked, progress=made.append))
        reported, design = DESIGNED[key]
        parts: list[str] = []
        for part in reported:  # the page's progress, each part as the library reported it
            parts.append(part)
            if progress is not None:
                progress(part)
        self.calls.append((scenario, options, parts, design))
        return design


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    """The library's design as the page asks for it (the page keeps no design from other
    tests: each test's page asks the library itself, and the spy sees every request)."""
    recorder = Spy()
    monkeypatch.setattr(ds, "design_scenario", recorder)
    page_design._kept.clear()
    return recorder


def example_scenario(example: str) -> Scenario:
    data, source = state.load_example(example)
    return scenario_from_dict(data, base_dir=source.base_dir, source=source.name)


# --------------------------------------------------------------------------- the page
@pytest.mark.parametrize("example", EXAMPLES)
def test_the_design_page_shows_the_library_design_and_applies_it(
    example: str, tmp_path: Path, spy: Spy
) -> None:
    at = goto(start(example), "design")
    # the page asked the library to design this example with its quick options, once
    ((scenario, options, parts, design),) = spy.calls
    assert scenario == example_scenario(example)
    assert options == ds.QUICK and not options.members_search
    assert parts == list(DESIGN_PARTS)  # progress was reported for every part
    view = ds.view_of(design, full=False)
    figures = summary_dict(design)
    assert not at.error, [e.value for e in at.error]
    assert {k for k in i18n.missing if k.startswith(("design.", "storage."))} == set()

    # the answer in plain words: the prices chosen together, each with its limit
    joint = design.joint
    shown_joint = [m.value for m in (at.success if joint.pays else at.warning)]
    (answer,) = [v for v in shown_joint if v.startswith(words.joint_lines(view)[0])]
    absent = nobody(view.recommended)  # a tier nobody is in is said to have nobody
    for lever, value in joint.prices.items():
        if lever not in absent:
            assert words.price(value, LEVER_UNITS[lever]) in answer
    if not joint.pays:
        assert fmt.eur(joint.shortfall_eur) in answer  # by how much it falls short
    if example == "walkup-portiekflat":
        assert not joint.pays  # this branch is exercised
    # one price at a time, the others as in the scenario, folded below it
    chosen = design.chosen
    if chosen.feasible:
        (verdict,) = [s.value for s in at.info if s.value == words.range_words(view, chosen)]
        assert words.price(chosen.break_even, chosen.unit) in verdict
        assert words.price(chosen.top, chosen.unit) in verdict
    else:
        reason = words.range_words(view, view.chosen)
        (verdict,) = [w.value for w in at.info if w.value.startswith(reason)]
        needed = design.needed
        assert needed is not None
        assert fmt.eur(needed.subsidy_eur) in verdict
        if needed.capex_eur_per_kwp is not None:
            assert fmt.eur(needed.capex_eur_per_kwp) in verdict
        if design.paying.feasible:
            assert t("design.other_lever", words=words.range_words(view, view.paying)) in verdict
        else:
            assert t("design.no_lever") in verdict
    if example == INFEASIBLE:
        assert not chosen.feasible  # this branch is exercised

    # today against the recommended design
    rec, now = figures["recommended"], figures["now"]
    shown = metrics(at)
    assert shown[t("design.figure.households")] == fmt.eur(rec["household_benefit_total_eur"])
    assert shown[t("design.figure.owners")] == fmt.eur(rec["owners_npv_eur"])
    assert shown[t("design.figure.capacity")] == fmt.kwp(rec["capacity_kwp"])
    assert shown[t("design.figure.local")] == fmt.percent(rec["local_ownership_frac"])
    owners = next(m for m in at.metric if m.label == t("design.figure.owners"))
    assert owners.delta == fmt.eur(rec["owners_npv_eur"] - now["owners_npv_eur"], sign=True)
    changes = "\n".join(f"- {line}" for line in words.change_lines(view))
    assert any(changes in m.value for m in at.markdown)

    # the tables are the library's, shown in words
    (prices,) = frame_with(at, t("design.col.households_max"))
    (raw,) = [d.value for d in at.table if t("design.col.households_max") in d.value.columns]
    tops = [v for v in raw[t("design.col.top")] if v.startswith("€")]
    assert tops and all(v.startswith("€" + fmt.NBSP) for v in tops)  # never "€" on its own line
    assert list(prices[t("design.col.break_even")]) == [
        words.price(r.break_even, r.unit) for r in design.prices
    ]
    assert list(prices[t("design.col.top")]) == [words.price(r.top, r.unit) for r in design.prices]
    (sizes,) = frame_with(at, t("design.col.total_net_benefit_eur"))
    curve = design.sizes.curve
    assert list(sizes[t("design.col.capacity_kwp")]) == [fmt.kwp(v) for v in curve.capacity_kwp]
    assert list(sizes[t("design.col.total_net_benefit_eur")]) == [
        fmt.eur(v) for v in curve.total_net_benefit_eur
    ]
    assert list(sizes[t("design.col.self_consumption_frac")]) == [
        fmt.percent(v) for v in curve.self_consumption_frac
    ]
    keyed = [k for k in design.keys if k.shares_frac is not None]
    tables = frame_with(at, t("design.col.tier_shared_kwh"))
    assert len(tables) == len(keyed)
    for k, table in zip(keyed, tables, strict=True):
        assert list(table[t("design.col.tier_benefit_total_eur")]) == [
            fmt.eur(v) for v in k.table.tier_benefit_total_eur
        ]
        assert list(table[t("design.col.objective")]) == [fmt.eur(v) for v in k.table.objective]
    shares = frame_with(at, t("design.col.participant_id"))
    assert [len(s) for s in shares] == [len(k.participant_ids) for k in keyed]
    (money,) = frame_with(at, t("design.col.npv_eur"))
    assert list(money[t("design.col.npv_eur")]) == [fmt.eur(v) for v in design.local.money.npv_eur]
    # the report tab: the library's advice in the page's language (Dutch by default)
    assert [c.value for c in at.code] == ["\n".join(recommendation_lines(design, "nl"))]
    # the risks: the library's sensitivity, as a table and as the tornado's bars
    table = design.sensitivity
    assert table is not None
    (sens,) = frame_with(at, t("design.risk.col.owners_npv_change_eur"))
    assert list(sens[t("design.risk.col.owners_npv_eur")]) == [
        fmt.eur(v) for v in table.owners_npv_eur
    ]
    # each bar ends at the figure of its case: owners' NPV (left), median household (right)
    traces = risk.tornado(view).data
    assert len(traces) == 2 * len(risk.PANELS)
    rows = table.set_index(["factor", "case"])
    names = {t(f"design.risk.factor.{f}"): f for f in rows.index.get_level_values(0)}
    for i, trace in enumerate(traces):
        column, case = risk.PANELS[i // 2][0], ("low", "high")[i % 2]
        assert trace.name == t(f"design.risk.case.{case}")
        ends = [trace.base + x for x in trace.x]
        expected = [rows.loc[(names[y], case), column] for y in trace.y]
        assert ends == pytest.approx(expected, abs=1e-6)
    margin = design.margin
    assert margin is not None
    shown_margin = [m.value for m in (at.success if margin.pays else at.warning)]
    assert any(v.startswith(risk.margin_lines(view)[0]) for v in shown_margin)
    # the cooperative's own money: the library's plan at the recommended design
    plan = figures["financing"]
    if plan is None:
        assert t("design.financing.none") in [i.value for i in at.info]
    else:
        assert shown[t("design.financing.investment")] == fmt.eur(plan["investment_eur"])
        assert shown[t("design.financing.member_capital")] == fmt.eur(plan["member_capital_eur"])
        assert shown[t("design.financing.loan")] == fmt.eur(plan["loan_eur"])
        irr = plan["members_irr_frac"]
        assert shown[t("design.financing.irr")] == (
            fmt.percent(irr, 1) if irr is not None else t("design.none")
        )

    if design.recommended == example_scenario(example):
        # a scenario that is already the design (rotterdam-galerijflat-ontwerp, designed
        # so): nothing to apply, and the page says so
        assert at.button(key="design_apply").disabled
        assert t("design.already") in [c.value for c in at.caption]
        return
    # apply: the session runs exactly the recommended design, said to be edited
    at.button(key="design_apply").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    source = at.session_state["source"]
    applied = scenario_from_dict(
        at.session_state["scenario"], base_dir=source.base_dir, source=source.name
    )
    assert applied == design.recommended
    assert at.session_state["scenario"] != at.session_state["original"]
    prefix = t("design.applied", title="\0").split("\0")[0]
    assert at.success[0].value.startswith(prefix)
    expected = energysim_run(design.recommended, tmp_path)
    goto(at, "results")
    assert metrics(at) == results_figures(expected) | storage_figures(expected)
    if example != "walkup-portiekflat":
        return
    # the applied design is not designed by itself; on request it is, and undo goes back
    goto(at, "design")
    assert len(spy.calls) == 1
    at.button(key="design_again_button").click().run()
    assert not at.exception and not at.error
    assert spy.calls[1][0] == design.recommended
    goto(at, "scenario")
    at.button(key="reset").click().run()
    assert at.session_state["scenario"] == at.session_state["original"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_design_page_speaks_each_language_without_raw_names(lang: str, spy: Spy) -> None:
    i18n.missing.clear()
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["lang"] = lang
    at.run()
    at.sidebar.selectbox(key="example").set_value("walkup-portiekflat").run()
    goto(at, "design")
    shown = visible_texts(at)
    assert len(shown) > 50
    assert sorted({m.group(0) for text in shown for m in RAW.finditer(text)}) == []
    assert {k for k in i18n.missing if k.startswith(("design.", "storage."))} == set()
    other = {"nl": "en", "en": "nl"}[lang]
    everything = " ".join(shown)
    for key in ("design.recommended", "design.tab.prices", "design.option.lever"):
        assert i18n.text(lang, key) in everything
        assert i18n.text(other, key) not in everything
    (report,) = [c.value for c in at.code]  # the report tab's advice, in the page's language
    assert report.startswith(
        {"nl": "Nu: de huishoudens winnen", "en": "Today: households gain"}[lang]
    )
    if lang == "nl":
        assert english_left(report) == []


def test_options_change_the_design_and_the_full_design_is_asked_for(spy: Spy) -> None:
    """A panel fee the Huurcommissie caps says so; "Full design" asks the library for
    the full options (the full design itself is tests/test_design.py's: slow here)."""
    at = start("walkup-portiekflat")
    at.session_state["design_lever"] = "panel_fee"  # as chosen earlier in the session
    goto(at, "design")
    assert at.selectbox(key="design_w_lever").value == "panel_fee"
    cap = t("design.reason.cap_huurcommissie", lever="\0", need="", top="").split("\0")[0]
    assert any(w.value.startswith(cap) for w in at.info)
    # the choice is kept when the user leaves the page and comes back
    goto(at, "results")
    goto(at, "design")
    assert at.selectbox(key="design_w_lever").value == "panel_fee"
    spy.quick_instead = True
    at.toggle(key="design_w_full").set_value(True).run()
    assert not at.exception
    assert t("design.full") in [c.value for c in at.caption]
    assert [c[1] for c in spy.calls] == [
        replace(ds.QUICK, lever="panel_fee"),
        replace(ds.FULL, lever="panel_fee"),
    ]


def test_static_keys_only_asks_the_library_and_shows_what_the_safety_costs(spy: Spy) -> None:
    """The switch asks for the legally safe variant; the page says why and shows the cost
    of static keys against the design with the scenario's own keys, as the library has it."""
    at = start("walkup-portiekflat")
    at.session_state["design_static"] = True  # as switched on earlier in the session
    goto(at, "design")
    assert at.toggle(key="design_w_static").value is True
    ((_, options, _, design),) = spy.calls
    assert options == replace(ds.QUICK, static_keys_only=True)
    view = ds.view_of(design, full=False)
    assert not at.error and {k for k in i18n.missing if k.startswith("design.")} == set()
    (said,) = [i.value for i in at.info if i.value == words.static_keys_words(view)]
    assert said.startswith(t("design.static.reason"))
    cost = design.static_keys
    assert cost is not None and cost.dynamic_tiers  # the walk-up's own key does better
    assert fmt.eur(cost.cost["owners_npv_eur"]) in said
    (table,) = frame_with(at, t("design.static.col.cost"))
    rows = dict(zip(table.index, table[t("design.static.col.cost")], strict=True))
    for figure, value in cost.cost.items():
        assert rows[t(f"design.static.row.{figure}")] == fmt.eur(value, cents=True)


# --------------------------------------------------------------------------- pure parts
def test_applying_keeps_the_files_form_and_falls_back_to_the_whole_scenario(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data, source = state.load_example("walkup-portiekflat")
    scenario = scenario_from_dict(data, base_dir=source.base_dir, source=source.name)
    bigger = scenario.model_copy(
        update={
            "finance": scenario.finance.model_copy(update={"sharing_fee_eur_per_kwh": 0.05}),
        }
    )
    out = ds.applied_data(data, bigger, source.base_dir, source.name)
    assert scenario_from_dict(out, base_dir=source.base_dir, source=source.name) == bigger
    assert out["finance"] == {**data["finance"], "sharing_fee_eur_per_kwh": 0.05}
    assert {k: v for k, v in out.items() if k != "finance"} == {
        k: v for k, v in data.items() if k != "finance"
    }
    # where the overlay cannot carry a change, the whole recommended scenario is used
    monkeypatch.setattr(ds, "_overlay", lambda data, before, after: None)
    whole = ds.applied_data(data, bigger, source.base_dir, source.name)
    assert whole == bigger.model_dump(mode="json", exclude_none=True)
    assert scenario_from_dict(whole, base_dir=source.base_dir, source=source.name) == bigger


def test_every_library_note_on_a_key_has_words_in_both_languages() -> None:
    for key in words.NOTES.values():
        assert i18n.has(key)
    assert words.note_words("tenants: nobody in this tier") == t("design.note.nobody")
    assert words.note_words("something new") == "something new"  # shown as the library says


def test_the_progress_shares_cover_every_part() -> None:
    assert ds.done_frac(list(DESIGN_PARTS)) == pytest.approx(1.0)
    assert ds.done_frac([]) == 0.0
