"""One participant's statement as a one-page A4 PDF (reportlab).

The page shows a row of :func:`energysim.results.statements.statement_table` and nothing
else: the figures are formatted, never computed, here. reportlab is imported when a
statement is drawn, so ``energysim run`` never loads it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from energysim.core.errors import DataError
from energysim.money.finance import BILL_LINES
from energysim.results.statement_words import (
    estimate_lines,
    euro,
    key_words,
    method_paragraph,
    number,
    percent,
    words,
)

OPTIONAL_LINES = ("rebate", "feed_in", "feed_in_cost")
"""Bill lines left off a statement when they are zero with and without the scheme."""

INK = "#1f2d3d"
LIGHT = "#e8eef4"


@dataclass(frozen=True)
class StatementHeader:
    """What every statement of one version names: the scenario, its run and version.

    Attributes
    ----------
    scenario, description : str
        The scenario's name and description.
    year : int
        The simulated year.
    version : int
        The statement's version number (:mod:`energysim.results.statement_files`).
    content_hash : str
        The run's content hash (:func:`energysim.results.statements.content_hash`).
    energysim : str
        The energysim version.
    facts : mapping
        What :func:`energysim.results.statement_words.method_paragraph` needs.
    assumptions : sequence of mapping
        The run's assumptions (``summary.json`` ``assumptions``).
    """

    scenario: str
    description: str
    year: int
    version: int
    content_hash: str
    energysim: str
    facts: Mapping[str, Any]
    assumptions: Sequence[Mapping[str, Any]]


def statement_pdf(row: Mapping[str, Any], header: StatementHeader, lang: str) -> bytes:
    """One participant's statement as the bytes of a one-page PDF.

    Parameters
    ----------
    row : mapping
        The participant's row of :func:`energysim.results.statements.statement_table`.
    header : StatementHeader
    lang : {"nl", "en"}

    Returns
    -------
    bytes
        The PDF.

    Raises
    ------
    DataError
        When reportlab is not installed (naming the package to install).
    ValueError
        Another language.
    """
    w = words(lang)
    try:
        from io import BytesIO

        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm
        from reportlab.platypus import SimpleDocTemplate
    except ImportError:  # pragma: no cover - reportlab is a dependency
        raise DataError("statements: the PDF needs reportlab (pip install reportlab)") from None
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=13 * mm,
        bottomMargin=13 * mm,
        title=w["title"].format(year=header.year),
        author="energysim",
        subject=f"{header.scenario}/{row['participant_id']} v{header.version}",
        invariant=True,  # the same run gives the same bytes (no creation time, fixed id)
    )
    doc.build(_story(row, header, lang, doc.width))
    return buffer.getvalue()


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName="Helvetica", fontSize=8.6, leading=11, textColor=INK)
    return {
        "base": base,
        "title": ParagraphStyle(
            "title", parent=base, fontName="Helvetica-Bold", fontSize=15, leading=18
        ),
        "head": ParagraphStyle(
            "head",
            parent=base,
            fontName="Helvetica-Bold",
            fontSize=10.5,
            leading=13,
            spaceBefore=7,
            spaceAfter=3,
        ),
        "small": ParagraphStyle("small", parent=base, fontSize=7.2, leading=9),
    }


def _story(row: Mapping[str, Any], header: StatementHeader, lang: str, width: float) -> list:
    """The flowables of one page: head, share, months, bill, benefit, method."""
    from reportlab.platypus import Paragraph, Spacer

    w, s = words(lang), _styles()
    role = str(row["role"])
    pid = str(row["participant_id"])
    story: list = [
        Paragraph(w["title"].format(year=header.year), s["title"]),
        Paragraph(w["for"].format(who=w[f"role.{role}"], pid=f"<b>{pid}</b>"), s["base"]),
        Paragraph(
            w["scenario"].format(scenario=header.scenario, description=header.description),
            s["small"],
        ),
        Paragraph(
            w["version"].format(
                version=header.version, hash=header.content_hash, energysim=header.energysim
            ),
            s["small"],
        ),
        Spacer(1, 4),
        Paragraph(w["share.head"], s["head"]),
        Paragraph(w["share.key"].format(key=key_words(str(row["key"]), lang)), s["base"]),
        Paragraph(
            w["share.roof"].format(
                roof=percent(float(row["roof_share_frac"]), lang),
                tier=percent(float(row["tier_share_frac"]), lang),
            ),
            s["base"],
        ),
        Spacer(1, 3),
        _energy_table(row, lang, width),
        Paragraph(w["months.head"], s["head"]),
        _months_table(row, lang, width),
        Paragraph(w["bill.head"], s["head"]),
        _bill_table(row, lang, width),
    ]
    story += [Paragraph(w["common.head" if role == "common" else "benefit.head"], s["head"])]
    story += [_benefit_table(row, lang, width)]
    story += [Paragraph(w["method.head"], s["head"])]
    story += [Paragraph(method_paragraph(header.facts, lang, row), s["base"])]
    estimates = estimate_lines(header.assumptions, lang)
    if estimates:
        story += [
            Spacer(1, 3),
            Paragraph(f"<b>{w['estimates.head']}:</b> " + "; ".join(estimates) + ".", s["small"]),
        ]
    story += [
        Spacer(1, 6),
        Paragraph(
            w["footer"].format(scenario=header.scenario, pid=pid, version=header.version),
            s["small"],
        ),
    ]
    return story


def _table(
    data: list[list[str]], widths: list[float], *, total: bool = False, header: bool = True
) -> Any:
    """A table of the statement: first row a header (or not), numbers right-aligned."""
    from reportlab.platypus import Table, TableStyle

    table = Table(data, colWidths=widths, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8.4),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6),
    ]
    if header:
        style += [
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.4),
            ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, INK),
        ]
    if total:
        style += [
            ("LINEABOVE", (0, -1), (-1, -1), 0.7, INK),
            ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 8.4),
        ]
    table.setStyle(TableStyle(style))
    return table


def _energy_table(row: Mapping[str, Any], lang: str, width: float) -> Any:
    """The year's kWh: used, from the own string, shared, from the grid (and fed in)."""
    w = words(lang)
    items = [("energy.used", row["consumption_kwh"])]
    if row["role"] == "tenant":
        items.append(("energy.own", row["own_string_kwh"]))
    items += [("energy.shared", row["shared_kwh"]), ("energy.grid", row["grid_import_kwh"])]
    if float(row["own_export_kwh"]) > 0:
        items.append(("energy.export", row["own_export_kwh"]))
    data = [[w[k], f"{number(float(v), 0, lang)} kWh"] for k, v in items]
    return _table(data, [width * 0.6, width * 0.2], header=False)


def _months_table(row: Mapping[str, Any], lang: str, width: float) -> Any:
    w = words(lang)
    names = w["months"].split(",")
    columns = sorted(k for k in row if k.startswith("roof_") and k.endswith("_kwh"))
    head, values = [], []
    for column in columns:
        month = int(column[len("roof_") : -len("_kwh")].split("-")[1])
        head.append(names[month - 1])
        values.append(number(float(row[column]), 0, lang))
    head.append(w["total"])
    values.append(number(sum(float(row[c]) for c in columns), 0, lang))
    table = _table([head, values], [width / len(head)] * len(head))
    table.setStyle([("ALIGN", (0, 0), (-1, -1), "RIGHT")])
    return table


def _bill_table(row: Mapping[str, Any], lang: str, width: float) -> Any:
    w = words(lang)
    data = [[w["bill.line"], w["bill.without"], w["bill.with"], w["bill.difference"]]]
    for line in BILL_LINES:
        without = float(row[f"bill_without_{line}_eur"])
        with_scheme = float(row[f"bill_with_{line}_eur"])
        if line in OPTIONAL_LINES and without == 0 and with_scheme == 0:
            continue
        data.append(
            [
                w[f"line.{line}"],
                euro(without, lang),
                euro(with_scheme, lang),
                euro(with_scheme - without, lang),
            ]
        )
    without, with_scheme = float(row["bill_without_eur"]), float(row["bill_with_eur"])
    data.append(
        [
            w["total"],
            euro(without, lang),
            euro(with_scheme, lang),
            euro(with_scheme - without, lang),
        ]
    )
    first = width * 0.4
    return _table(data, [first] + [(width - first) / 3] * 3, total=True)


def _benefit_table(row: Mapping[str, Any], lang: str, width: float) -> Any:
    w = words(lang)
    bill = float(row["bill_without_eur"]) - float(row["bill_with_eur"])
    if row["role"] == "common":
        items = [
            ("common.bill", bill),
            ("common.fee", -float(row["fees_eur"])),
            ("common.passed", float(row["passed_to_service_costs_eur"])),
        ]
        data = [[w[k], euro(v, lang)] for k, v in items]
    else:
        items = [
            ("benefit.bill", bill),
            ("benefit.service", float(row["service_cost_saving_eur"])),
            ("benefit.payout", float(row["payout_eur"])),
            ("benefit.refund", float(row["tax_refund_eur"])),
            ("benefit.panel_fee", -float(row["panel_fee_eur"])),
            ("benefit.sharing_fee", -float(row["sharing_fee_eur"])),
        ]
        data = [[w[k], euro(v, lang)] for k, v in items if round(v, 2) != 0 or k == "benefit.bill"]
        data.append([w["benefit.total"], euro(float(row["benefit_eur"]), lang)])
    return _table(data, [width * 0.6, width * 0.2], total=row["role"] != "common", header=False)
