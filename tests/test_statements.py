"""``energysim statements``: every participant's statement of the year, as PDF and table.

Every figure of three statements (a tenant, a member, the common connection) is checked
against the same run's ``participants.csv`` and ``energysim explain`` (the monthly
audit), on the table and on the PDF page itself (its text); the bill lines add up to the
bills; versions are numbered by the run's content hash; ``energysim run`` never loads
reportlab.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from energysim.cli.main import main
from energysim.config.scenario import load_scenario, scenario_from_dict
from energysim.config.tariffs import resolve_tariffs
from energysim.money import finance
from energysim.results.statements import statement_table
from energysim.results.tables import participant_audit
from energysim.simulate import run
from tests.helpers import minimal, write_scenario

REPO = Path(__file__).resolve().parents[1]
GALLERY = REPO / "scenarios" / "rotterdam-galerijflat.toml"
THREE = ("GF1-T001", "GF1-M001", "GF1-common")


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The gallery flat's run and statements (Dutch and English) through the command."""
    out = tmp_path_factory.mktemp("statements")
    assert main(["statements", str(GALLERY), "--out", str(out)]) == 0
    assert main(["statements", str(GALLERY), "--out", str(out), "--lang", "en"]) == 0
    return out / "rotterdam-galerijflat"


@pytest.fixture(scope="module")
def gallery_result():  # type: ignore[no-untyped-def]
    return run(load_scenario(GALLERY))


def _nl(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _euro_nl(value: float) -> str:
    return f"{'-' if round(value, 2) < 0 else ''}€ {_nl(abs(value), 2)}"


def _pdf_text(path: Path) -> tuple[int, str]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        text = pdf[0].get_textpage().get_text_range()
        return len(pdf), " ".join(text.split())
    finally:
        pdf.close()


def test_statements_write_a_pdf_per_participant_and_the_table(written: Path) -> None:
    participants = pd.read_csv(written / "participants.csv")
    v1 = written / "statements" / "v1"
    for lang in ("nl", "en"):
        pdfs = sorted(p.name for p in v1.glob(f"*_{lang}.pdf"))
        assert pdfs == sorted(f"{pid}_{lang}.pdf" for pid in participants["participant_id"])
    for name in ("statements.csv", "statements_nl.csv", "statements.xlsx"):
        assert (v1 / name).stat().st_size > 0
    table = pd.read_csv(v1 / "statements.csv")
    assert list(table["participant_id"]) == list(participants["participant_id"])
    nl = pd.read_csv(v1 / "statements_nl.csv", sep=";", decimal=",", encoding="utf-8-sig")
    np.testing.assert_allclose(nl["benefit_eur"], table["benefit_eur"], rtol=1e-9)
    excel = pd.read_excel(v1 / "statements.xlsx")
    np.testing.assert_allclose(excel["bill_with_eur"], table["bill_with_eur"], rtol=1e-12)
    ledger = pd.read_csv(written / "statements" / "versions.csv", dtype={"content_hash": str})
    assert list(ledger["version"]) == [1]  # the English statements are the same version
    assert set(table["content_hash"]) == {ledger["content_hash"][0]}


@pytest.mark.parametrize("pid", THREE)
def test_every_figure_of_a_statement_equals_participants_csv_and_explain(
    written: Path, gallery_result, pid: str
) -> None:
    participants = pd.read_csv(written / "participants.csv").set_index("participant_id")
    row = pd.read_csv(written / "statements" / "v1" / "statements.csv")
    row = row.set_index("participant_id").loc[pid]
    p = participants.loc[pid]
    for column in (
        "consumption_kwh",
        "own_string_kwh",
        "shared_kwh",
        "allocated_kwh",
        "grid_import_kwh",
        "own_export_kwh",
        "bill_without_eur",
        "bill_with_eur",
        "fees_eur",
        "service_cost_saving_eur",
        "payout_eur",
        "tax_refund_eur",
        "passed_to_service_costs_eur",
        "benefit_eur",
    ):
        assert row[column] == pytest.approx(p[column], rel=1e-12, abs=1e-9), column
    for when in ("without", "with"):
        lines = sum(row[f"bill_{when}_{line}_eur"] for line in finance.BILL_LINES)
        assert lines == pytest.approx(p[f"bill_{when}_eur"], abs=0.005)
    assert row["panel_fee_eur"] + row["sharing_fee_eur"] == pytest.approx(p["fees_eur"])
    audit = participant_audit(gallery_result, pid)
    received = audit[[c for c in audit.columns if c.startswith("received_")]].sum(axis=1)
    months = [m for m in audit.index if m != "total"]
    assert [c[5:-4] for c in row.index if c.startswith("roof_2")] == months
    for month in months:
        assert row[f"roof_{month}_kwh"] == pytest.approx(received[month], rel=1e-9, abs=1e-9)
    assert received["total"] == pytest.approx(p["allocated_kwh"], rel=1e-9)
    benefit = (
        p["bill_without_eur"]
        - p["bill_with_eur"]
        + p["service_cost_saving_eur"]
        + p["payout_eur"]
        + p["tax_refund_eur"]
        - p["fees_eur"]
    )
    assert p["benefit_eur"] == pytest.approx(benefit if p["role"] != "common" else 0.0)

    pages, text = _pdf_text(written / "statements" / "v1" / f"{pid}_nl.pdf")
    assert pages == 1
    shown = [
        _euro_nl(p["bill_without_eur"]),
        _euro_nl(p["bill_with_eur"]),
        f"{_nl(p['consumption_kwh'], 0)} kWh",
        f"{_nl(p['grid_import_kwh'], 0)} kWh",
        f"{_nl(p['shared_kwh'], 0)} kWh",
        *(_nl(received[m], 0) for m in months),
    ]
    if p["role"] == "common":
        shown.append(_euro_nl(p["passed_to_service_costs_eur"]))
    else:
        shown.append(_euro_nl(p["benefit_eur"]))
        shown += [_euro_nl(-p["fees_eur"])] if p["fees_eur"] else []
        shown += [_euro_nl(p["service_cost_saving_eur"])] if p["service_cost_saving_eur"] else []
    ledger = pd.read_csv(written / "statements" / "versions.csv", dtype={"content_hash": str})
    shown += ["rotterdam-galerijflat", ledger["content_hash"][0], "Versie 1"]
    missing = [s for s in shown if s not in text]
    assert not missing, f"{pid}: not on the page: {missing}"


def test_the_english_statement_shows_the_same_figures(written: Path) -> None:
    p = pd.read_csv(written / "participants.csv").set_index("participant_id").loc["GF1-T001"]
    _, text = _pdf_text(written / "statements" / "v1" / "GF1-T001_en.pdf")
    assert f"€{p['benefit_eur']:,.2f}" in text
    assert f"€{p['bill_without_eur']:,.2f}" in text
    assert "Version 1" in text and "How was this computed?" in text


def test_a_run_with_other_figures_is_the_next_version_and_the_first_stays(
    tmp_path: Path,
) -> None:
    data = minimal(name="versions")
    path = write_scenario(tmp_path, data)
    out = tmp_path / "out"
    assert main(["statements", str(path), "--out", str(out)]) == 0
    v1 = out / "versions" / "statements" / "v1"
    before = {p.name: p.read_bytes() for p in v1.iterdir() if p.suffix != ".xlsx"}
    assert main(["statements", str(path), "--out", str(out)]) == 0  # the same run again
    assert not (out / "versions" / "statements" / "v2").exists()
    data["finance"] = {"panel_fee_eur_per_yr": 35.0}  # a correction
    write_scenario(tmp_path, data)
    assert main(["statements", str(path), "--out", str(out)]) == 0
    ledger = pd.read_csv(out / "versions" / "statements" / "versions.csv")
    assert list(ledger["version"]) == [1, 2]
    assert ledger["content_hash"].nunique() == 2
    # the same run again wrote the same bytes (reportlab's invariant mode), and the
    # correction left them as they were; a workbook carries the time it was saved
    assert {p.name: p.read_bytes() for p in v1.iterdir() if p.suffix != ".xlsx"} == before
    v2 = pd.read_csv(out / "versions" / "statements" / "v2" / "statements.csv")
    assert set(v2["statement_version"]) == {2}
    assert main(["run", str(path), "--out", str(out)]) == 0  # a run keeps the statements
    assert (v1 / "statements.csv").exists()


def _large_common() -> dict:
    buildings = minimal()["buildings"]
    buildings[0]["common"] |= {"connection": "large", "contracted_capacity_kw": 50.0}
    return {
        "buildings": buildings,
        "finance": {"export_revenue_to": "service_costs", "common_fee_eur_per_kwh": 0.05},
    }


@pytest.mark.parametrize(
    "changes",
    [
        _large_common(),
        {"year": 2026},  # net metering: feed-in netted on the bill
        {"finance": {"common_fee_eur_per_kwh": 0.08, "export_revenue_to": "service_costs"}},
        {
            "allocation": {"order": ["members", "common", "tenants"], "members": {"mode": "sce"}},
            "ownership": [
                {"owner": "Coop", "owner_type": "resident_cooperative", "share_frac": 1.0}
            ],
        },
        {"tariffs": {"shared_energy_tax": "exempt"}},
    ],
    ids=["large-common", "net-metering", "common-fee", "sce", "untaxed"],
)
def test_the_bill_lines_add_up_to_the_bills_of_every_kind_of_scheme(changes: dict) -> None:
    """statement_table refuses lines that differ from participants.csv; here it must not."""
    result = run(scenario_from_dict(minimal(**changes)))
    table = statement_table(result)
    for when in ("without", "with"):
        lines = table[[f"bill_{when}_{line}_eur" for line in finance.BILL_LINES]].sum(axis=1)
        np.testing.assert_allclose(lines, table[f"bill_{when}_eur"], atol=0.005)
    assert (table["bill_without_rebate_eur"] <= 0).all()


@pytest.mark.parametrize("connection", ["small", "large"])
@pytest.mark.parametrize("year", [2026, 2027])
def test_bill_lines_add_up_to_the_connection_bill(connection: str, year: int) -> None:
    tariffs = resolve_tariffs(year, {})
    rng = np.random.default_rng(year)
    offtake, export, shared = rng.uniform(0, 20_000, (3, 50))
    shared = np.minimum(shared, offtake)
    kwargs = {
        "shared_kwh": shared,
        "connection": connection,
        "monthly_peak_kw_sum": 120.0,
        "contracted_kw": 40.0,
    }
    bill = finance.connection_bill_eur(offtake, export, tariffs, **kwargs)
    lines = finance.connection_bill_lines_eur(offtake, export, tariffs, **kwargs)
    assert set(lines) == set(finance.BILL_LINES)
    np.testing.assert_allclose(sum(lines.values()), bill, rtol=1e-12, atol=1e-9)
    assert (lines["feed_in"] <= 0).all() and (lines["rebate"] <= 0).all()


def test_a_bad_language_is_one_line_and_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["statements", str(GALLERY), "--lang", "de"])
    assert exc.value.code == 2
    assert "--lang" in capsys.readouterr().err


PROBE = """
import json, sys
from energysim.cli.main import main
rc = main(sys.argv[1:])
print(json.dumps({"rc": rc, "reportlab": any(m.startswith("reportlab") for m in sys.modules)}))
"""


def test_energysim_run_never_loads_reportlab(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, minimal())
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "run", str(path), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"rc": 0, "reportlab": False}
    assert not (tmp_path / "out" / "mini" / "statements").exists()


def test_a_bad_scenario_is_one_line_status_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = minimal()
    data["buildings"][0]["dwellings"] = 0
    path = write_scenario(tmp_path, data)
    out = tmp_path / "out"
    assert main(["statements", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "dwellings" in err
    assert not out.exists() or not any(out.iterdir())
