"""Results' "Eén huishouden" through streamlit's AppTest: the common connection looked up
by its id shows the figures of its statement (``energysim statements`` of the same
scenario), and its PDF is that statement's page."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboards.shared import formatting as fmt
from dashboards.shared.i18n import text
from energysim.cli.main import main as energysim_main
from tests.test_dashboard import goto, open_sections, start

REPO = Path(__file__).resolve().parents[1]
COMMON = "GF1-common"


def test_the_common_connection_shows_its_statement_figures(tmp_path: Path) -> None:
    gallery = REPO / "scenarios" / "rotterdam-galerijflat.toml"
    assert energysim_main(["statements", str(gallery), "--out", str(tmp_path)]) == 0
    v1 = tmp_path / "rotterdam-galerijflat" / "statements" / "v1"
    row = pd.read_csv(v1 / "statements.csv").set_index("participant_id").loc[COMMON]
    at = start()
    goto(at, "results")
    open_sections(at, "household")
    at.selectbox(key="household_pick").set_value(COMMON).run()
    assert not at.exception
    captions = [str(c.value) for c in at.caption]
    shown = [str(m.value) for m in at.markdown]
    for key, value in (
        ("household.used", fmt.kwh(row["consumption_kwh"], lang="nl")),
        ("household.roof", fmt.kwh(row["allocated_kwh"], lang="nl")),
        ("household.grid", fmt.kwh(row["grid_import_kwh"], lang="nl")),
        ("household.bill_without", fmt.eur(row["bill_without_eur"], lang="nl")),
        ("household.bill_with", fmt.eur(row["bill_with_eur"], lang="nl")),
        ("household.passed", fmt.eur(row["passed_to_service_costs_eur"], lang="nl")),
    ):
        assert text("nl", key) in captions
        assert f"**{value}**" in shown, (key, value)
    tables = [t.value for t in at.table]  # ... the owners, then the bill and its parts
    parts = tables[-1]  # the parts of what the common connection passes on
    assert list(parts.index) == [
        text("nl", f"household.part.{k}") for k in ("common_bill", "common_fee", "common_passed")
    ]
    bill = tables[-2]
    assert bill.loc[text("nl", "household.bill.total")].tolist()[:2] == [
        fmt.eur(row["bill_without_eur"], cents=True, lang="nl"),
        fmt.eur(row["bill_with_eur"], cents=True, lang="nl"),
    ]
    assert text("nl", "household.bill.rebate") not in bill.index  # no rebate on it


def test_the_statements_made_on_request_are_those_of_the_run_the_page_shows() -> None:
    """The household view's statements are made when it is opened, by a run of their
    own (:func:`dashboards.shared.state.statements`): the same households with the same
    benefit as the page's run, and the content hash of that run."""
    from dashboards.shared import state
    from energysim.config.scenario import Scenario
    from energysim.results.statements import content_hash
    from energysim.results.tables import participants_table
    from energysim.simulate import run

    data, source = state.load_example(state.DEFAULT_EXAMPLE)
    scenario = state.check(data, source).scenario
    assert scenario is not None
    key = state.scenario_key(scenario)
    page = state.simulate(key)
    assert "statements" not in page  # not on every run of the page
    shown, made = page["participants"], state.statements(key)
    table = made["statements"]
    assert list(table["participant_id"]) == list(shown["participant_id"])
    assert table["benefit_eur"].tolist() == shown["benefit_eur"].tolist()
    result = run(Scenario.model_validate_json(key))
    assert made["statement_header"].content_hash == content_hash(
        result, participants_table(result)
    )
