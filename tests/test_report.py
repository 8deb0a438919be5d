"""The board report (energysim report): every figure it prints is the run's, in Dutch and
English, on A4 pages; the design advice when asked; bad input refused like any command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from energysim.config.scenario import load_scenario
from energysim.design.words import say
from energysim.report.board import DesignPart, benefit_groups, report_pdf
from energysim.results.flows import energy_flows
from energysim.results.statement_words import euro, number, percent
from energysim.results.tables import participants_table, summary
from energysim.simulate import run

pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 reads the PDF's text and pages")

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.fixture(scope="module")
def gallery() -> object:
    return run(load_scenario(SCENARIOS / "rotterdam-galerijflat.toml"))


def pages_text(pdf: bytes) -> tuple[list[str], list[tuple[float, float]]]:
    doc = pdfium.PdfDocument(pdf)
    texts = [page.get_textpage().get_text_range() for page in doc]
    sizes = [page.get_size() for page in doc]
    return texts, sizes


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_figure_printed_is_the_runs(gallery: object, lang: str) -> None:
    pdf = report_pdf(gallery, lang)  # type: ignore[arg-type]
    texts, sizes = pages_text(pdf)
    text = " ".join(" ".join(texts).split())
    assert all(abs(w - 595.3) < 1 and abs(h - 841.9) < 1 for w, h in sizes)  # A4 portrait
    assert 2 <= len(texts) <= 4
    s = summary(gallery)  # type: ignore[arg-type]
    table = participants_table(gallery)  # type: ignore[arg-type]
    assert euro(s["household_benefit_total_eur"], lang) in text
    for _key, values in benefit_groups(table):
        assert euro(float(np.median(values)), lang) in text
        assert euro(float(values.min()), lang) in text
    stake = gallery.accounts.stakeholders  # type: ignore[attr-defined]
    for owner, row in stake.iterrows():
        assert str(owner) in text
        assert euro(float(row["npv_eur"]), lang) in text
        assert euro(float(row["capex_eur"]), lang) in text
    assert percent(float(s["local_ownership_frac"]), lang) in text
    assert number(float(s["generation_kwh"]), 0, lang) in text
    flows = energy_flows(s, table)
    places = flows[flows["target"] != "own_strings"].groupby("target")["energy_kwh"].sum()
    for place in ("tenants", "members", "grid"):  # each place's kWh (own strings included)
        assert number(float(places[place]), 0, lang) in text
    for item in s["assumptions"]:  # every assumed figure is listed with its year
        assert str(item["year"]) in text
    heading = {"nl": "Aannames en schattingen", "en": "Assumptions and estimates"}[lang]
    assert heading in text
    assert ("de helft wint meer dan" in text) == (lang == "nl")


def test_the_flows_the_report_draws_add_up_to_the_generation(gallery: object) -> None:
    s = summary(gallery)  # type: ignore[arg-type]
    flows = energy_flows(s, participants_table(gallery))  # type: ignore[arg-type]
    drawn = flows[flows["target"] != "own_strings"]["energy_kwh"].sum()
    assert drawn == pytest.approx(s["generation_kwh"], rel=1e-9)


def test_the_design_part_says_whether_prices_pay_or_what_is_missing(gallery: object) -> None:
    roof = say("change.roof", before_kwp=105.0, after_kwp=52.5, factor=0.5)
    pays = DesignPart([roof], True, 3830.65, 70085.38, 82.6, 0.0, 0.0, 31)
    short = DesignPart(["prices chosen together"], False, -11013.0, 900.0, 5.0, 11013.0, 0.2, 9)
    text_pays = " ".join(" ".join(pages_text(report_pdf(gallery, "nl", pays))[0]).split())  # type: ignore[arg-type]
    text_short = " ".join(" ".join(pages_text(report_pdf(gallery, "nl", short))[0]).split())  # type: ignore[arg-type]
    assert "verdienen de eigenaren het dak terug" in text_pays
    # the design's changes in the report's language, with its numbers
    assert euro(3830.65, "nl") in text_pays and "dak van 105,0 naar 52,5 kWp (0,5x)" in text_pays
    assert "in de woorden van het ontwerp, in het Engels" not in text_pays
    text_en = " ".join(" ".join(pages_text(report_pdf(gallery, "en", pays))[0]).split())  # type: ignore[arg-type]
    assert "roof from 105.0 to 52.5 kWp (0.5x)" in text_en
    assert "Geen wettelijke combinatie" in text_short and euro(11013.0, "nl") in text_short
    assert "20,0%" in text_short
    left_out = " ".join(pages_text(report_pdf(gallery, "nl"))[0])  # type: ignore[arg-type]
    assert "Niet opgenomen in dit rapport" in " ".join(left_out.split())


def test_the_command_writes_the_report_and_refuses_a_bad_scenario(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "energysim.cli", "report",
         str(SCENARIOS / "walkup-portiekflat.toml"),
         "--out", str(tmp_path), "--lang", "en", "--no-design"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    path = tmp_path / "walkup-portiekflat-report.pdf"
    assert path.read_bytes().startswith(b"%PDF") and f"written: {path}" in done.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nyear = "soon"\n', encoding="utf-8")
    refused = subprocess.run(
        [sys.executable, "-m", "energysim.cli", "report", str(bad), "--out", str(tmp_path / "b")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert refused.returncode == 2
    assert len(refused.stderr.strip().splitlines()) == 1 and "bad.toml" in refused.stderr
    assert not (tmp_path / "b").exists()


def test_run_does_not_import_the_report_libraries() -> None:
    code = (
        "import sys; from energysim.config.scenario import load_scenario; "
        "from energysim.simulate import run; "
        f"run(load_scenario({str(SCENARIOS / 'walkup-portiekflat.toml')!r})); "
        "print(sorted(m for m in ('matplotlib', 'reportlab') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_results_page_makes_the_report_to_download() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "dashboards" / "app.py"))
    at.default_timeout = 300
    at.run()
    at.sidebar.radio(key="page").set_value("results").run()
    assert not at.exception
    assert "report_pdf" not in at.session_state  # made on request, not on every rerun
    at.button(key="report_make").click().run()
    key, pdf = at.session_state["report_pdf"]
    assert key[1:] == ("nl", False) and pdf.startswith(b"%PDF")
    text = " ".join(" ".join(pages_text(pdf)[0]).split())
    assert "Het antwoord in het kort" in text and "Niet opgenomen in dit rapport" in text
    assert [b for b in at.get("download_button") if b.proto.label == "Download het rapport (PDF)"]
