"""Results' "Eén huishouden" through streamlit's AppTest: the common connection looked up
by its id shows the figures of its statement (``energysim statements`` of the same
scenario), and its PDF is that statement's page."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboards.shared import formatting as fmt
from dashboards.shared.i18n import text
from energysim.cli.main import main as energysim_main
from tests.test_dashboard import goto, start

REPO = Path(__file__).resolve().parents[1]
COMMON = "GF1-common"


def test_the_common_connection_shows_its_statement_figures(tmp_path: Path) -> None:
    gallery = REPO / "scenarios" / "rotterdam-galerijflat.toml"
    assert energysim_main(["statements", str(gallery), "--out", str(tmp_path)]) == 0
    v1 = tmp_path / "rotterdam-galerijflat" / "statements" / "v1"
    row = pd.read_csv(v1 / "statements.csv").set_index("participant_id").loc[COMMON]
    at = start()
    goto(at, "results")
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
    tables = [t.value for t in at.table]  # ... bill, parts, then all households
    parts = tables[-2]  # the parts of what the common connection passes on
    assert list(parts.index) == [
        text("nl", f"household.part.{k}") for k in ("common_bill", "common_fee", "common_passed")
    ]
    bill = tables[-3]
    assert bill.loc[text("nl", "household.bill.total")].tolist()[:2] == [
        fmt.eur(row["bill_without_eur"], cents=True, lang="nl"),
        fmt.eur(row["bill_with_eur"], cents=True, lang="nl"),
    ]
    assert text("nl", "household.bill.rebate") not in bill.index  # no rebate on it
