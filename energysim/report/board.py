"""A scenario's report for a cooperative's board or a corporation's committee (PDF, A4).

What the run assumed (its estimated figures with their sources), where the roof's power
goes (a Sankey), the benefit per household by group (who gains least, whether everyone
gains), the owners' cases (NPV, IRR, payback, year-one cash), local ownership and,
optionally, the design advice (:func:`energysim.design.plan.design_scenario`). Every
figure is the run's (``summary.json``, ``participants.csv``, the owners' table): formatted
here, never computed. The page layout is the statements' (reportlab,
:mod:`energysim.results.statement_pdf`); the charts are :mod:`energysim.report.charts`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from energysim.core.errors import DataError
from energysim.core.version import __version__
from energysim.design.words import in_language
from energysim.report import charts
from energysim.report.words import words
from energysim.results.figure_words import figure_name
from energysim.results.flows import energy_flows
from energysim.results.result import Result, expect_result
from energysim.results.statement_pdf import INK, _styles, _table
from energysim.results.statement_words import euro, number, percent
from energysim.results.statements import content_hash
from energysim.results.tables import participants_table, summary


@dataclass(frozen=True)
class DesignPart:
    """The design advice as the report shows it (from a :class:`~energysim.design.plan.Design`).

    Attributes
    ----------
    changes : list of str
        What the advice changes in the scenario, in the design's words
        (:class:`~energysim.design.words.Said`: English, and said in the report's
        language by :func:`~energysim.design.words.in_language`).
    pays : bool
        Whether legal prices pay for the roof.
    owners_npv_eur : float
        The recommended design's owners' NPV [EUR].
    households_npv_total_eur, households_npv_min_eur : float
        The households' lifetime benefit together and the least one's [EUR].
    shortfall_eur, shortfall_frac : float
        What is missing when no legal prices pay [EUR], and as a share of the capex [-].
    seconds : float
        How long the design took [s].
    """

    changes: list[str]
    pays: bool
    owners_npv_eur: float
    households_npv_total_eur: float
    households_npv_min_eur: float
    shortfall_eur: float
    shortfall_frac: float
    seconds: float


def design_part(design: Any) -> DesignPart:
    """The report's part of a design (the recommended design's joint prices)."""
    joint = design.joint
    return DesignPart(
        changes=list(design.changes),
        pays=bool(joint.pays),
        owners_npv_eur=float(sum(joint.owners_npv_eur.values())),
        households_npv_total_eur=float(joint.households_npv_total_eur),
        households_npv_min_eur=float(joint.households_npv_min_eur),
        shortfall_eur=float(joint.shortfall_eur),
        shortfall_frac=float(joint.shortfall_frac_of_capex),
        seconds=float(sum(design.timings_s.values())),
    )


def benefit_groups(table: pd.DataFrame) -> list[tuple[str, np.ndarray]]:
    """Households' benefits [EUR/yr] by group key: participating tenants, tenants who do
    not take part (their service costs), members; a group without households is left out."""
    tenant = table["role"] == "tenant"
    parts = [
        ("tenant", table[tenant & table["participating"]]),
        ("tenant_out", table[tenant & ~table["participating"]]),
        ("member", table[table["role"] == "member"]),
    ]
    return [(k, g["benefit_eur"].to_numpy(float)) for k, g in parts if len(g)]


def report_pdf(
    result: Result,
    lang: str = "nl",
    design: DesignPart | None = None,
    made_on: dt.date | None = None,
) -> bytes:
    """The board report of a run as the bytes of an A4 PDF.

    Parameters
    ----------
    result : Result
        A run (:func:`energysim.simulate.run`).
    lang : {"nl", "en"}
    design : DesignPart, optional
        The design advice (:func:`design_part`); None: said to be left out.
    made_on : datetime.date, optional
        The date printed (default today).

    Raises
    ------
    ValueError
        Another language.
    """
    expect_result(result, "report_pdf")
    w = words(lang)
    try:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm
        from reportlab.platypus import SimpleDocTemplate
    except ImportError:  # pragma: no cover - reportlab is a dependency
        raise DataError("report: the PDF needs reportlab (pip install reportlab)") from None
    s = summary(result)
    table = participants_table(result)
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=w["title"].format(scenario=s["scenario"]),
        author="energysim",
        invariant=True,
    )
    facts = {
        "date": (made_on or dt.date.today()).isoformat(),
        "hash": content_hash(result),
    }
    story = _story(s, table, result, lang, doc.width, facts, design)

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(INK)
        text = w["footer"].format(scenario=s["scenario"], page=document.page)
        canvas.drawRightString(A4[0] - 18 * mm, 8 * mm, text)
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _story(
    s: Mapping[str, Any],
    table: pd.DataFrame,
    result: Result,
    lang: str,
    width: float,
    facts: Mapping[str, str],
    design: DesignPart | None,
) -> list[Any]:
    from reportlab.platypus import Paragraph, Spacer

    w, st = words(lang), _styles()
    st["head"].keepWithNext = 1  # a heading never ends a page alone
    story: list[Any] = [
        Paragraph(w["title"].format(scenario=s["scenario"]), st["title"]),
        Paragraph(
            w["meta"].format(
                year=s["year"], date=facts["date"], energysim=__version__, hash=facts["hash"]
            ),
            st["small"],
        ),
        Spacer(1, 6),
    ]
    story += _answer(s, table, result, lang)
    story += _flows(s, table, lang, width)
    story += _benefits(table, lang, width)
    story += _owners(result, lang, width)
    story += [Paragraph(w["local.head"], st["head"])]
    story += [
        Paragraph(
            w["local.text"].format(
                share=percent(float(s["local_ownership_frac"]), lang),
                rule=w[f"rule.{s['local_ownership_rule']['rule']}"],
            ),
            st["base"],
        )
    ]
    story += _design(design, lang)
    story += _assumptions(s["assumptions"], lang, width)
    return story


def _answer(s: Mapping[str, Any], table: pd.DataFrame, result: Result, lang: str) -> list[Any]:
    from reportlab.platypus import Paragraph

    w, st = words(lang), _styles()
    lines = [
        w["answer.total"].format(total=euro(s["household_benefit_total_eur"], lang), year=s["year"])
    ]
    for key, values in benefit_groups(table):
        lines.append(
            w["answer.group"].format(
                group=w[f"group.{key}"],
                count=len(values),
                median=euro(float(np.median(values)), lang),
                p10=euro(float(np.percentile(values, 10)), lang),
                p90=euro(float(np.percentile(values, 90)), lang),
            )
        )
    taking_part = table[(table["role"] != "common") & table["participating"]]["benefit_eur"]
    losing = taking_part[taking_part < 0]
    if len(losing):
        lines.append(
            w["answer.not_all"].format(count=len(losing), least=euro(float(losing.min()), lang))
        )
    else:
        lines.append(w["answer.all_gain"])
    stake = result.accounts.stakeholders
    lines.append(
        w["answer.owners"].format(
            npv=euro(float(stake["npv_eur"].sum()), lang),
            owners="; ".join(f"{o}: {euro(float(v), lang)}" for o, v in stake["npv_eur"].items()),
        )
    )
    lines.append(w["answer.local"].format(share=percent(float(s["local_ownership_frac"]), lang)))
    return [Paragraph(w["answer.head"], st["head"])] + [Paragraph(x, st["base"]) for x in lines]


def _grid(rows: list[list[Any]], widths: list[float], left: tuple[int, ...] = (0,)) -> Any:
    """A table of the report: the statements' table with its header row wrapped (long
    Dutch headers) and every cell aligned at the top."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    base = _styles()["small"]
    bold = ParagraphStyle("report-head", parent=base, fontName="Helvetica-Bold")
    right = ParagraphStyle("report-head-right", parent=bold, alignment=2)
    head = [Paragraph(str(h), bold if i in left else right) for i, h in enumerate(rows[0])]
    table = _table([head, *rows[1:]], widths)
    table.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP")])
    table.setStyle([("ALIGN", (i, 0), (i, -1), "LEFT") for i in left])
    return table


def _image(png: bytes, width: float) -> Any:
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    w_px, h_px = ImageReader(BytesIO(png)).getSize()
    return Image(BytesIO(png), width=width, height=width * h_px / w_px)


def _flows(s: Mapping[str, Any], table: pd.DataFrame, lang: str, width: float) -> list[Any]:
    from reportlab.platypus import Paragraph

    w, st = words(lang), _styles()
    flows = energy_flows(s, table)
    names = {p: w[f"flows.{p}"] for p in charts.COLORS}
    kwh = w["flows.kwh"]
    png = charts.roof_flows(
        flows, names, lambda v, f: f"{number(v, 0, lang)} {kwh} ({percent(f, lang)})"
    )
    total = number(float(s["generation_kwh"]), 0, lang)
    places = flows[flows["target"] != "own_strings"].groupby("target")["energy_kwh"].sum()
    generation = float(places.sum())
    rows = [[w["flows.where"], w["flows.kwh"], w["flows.share"]]]
    rows += [
        [names[p], number(float(places[p]), 0, lang), percent(float(places[p]) / generation, lang)]
        for p in charts.COLORS
        if p in places
    ]
    return [
        Paragraph(w["flows.head"], st["head"]),
        Paragraph(w["flows.caption"].format(total=total), st["small"]),
        _image(png, width * 0.9),
        _grid(rows, [width * 0.4, width * 0.2, width * 0.15]),
    ]


def _benefits(table: pd.DataFrame, lang: str, width: float) -> list[Any]:
    from reportlab.platypus import Paragraph

    w, st = words(lang), _styles()
    groups = benefit_groups(table)
    png = charts.benefit_per_household(
        [(w[f"group.{k}"].split(" (")[0], v) for k, v in groups],
        w["benefit.axis"],
        lambda v: euro(v, lang).replace(",00", "").replace(".00", ""),
    )
    head = [w[f"benefit.{k}"] for k in ("group", "count", "median", "p10", "p90", "least")]
    head.append(w["benefit.gaining"])
    rows = [head]
    for key, v in groups:
        rows.append(
            [
                w[f"group.{key}"].split(" (")[0],
                str(len(v)),
                euro(float(np.median(v)), lang),
                euro(float(np.percentile(v, 10)), lang),
                euro(float(np.percentile(v, 90)), lang),
                euro(float(v.min()), lang),
                percent(float((v > 0).mean()), lang),
            ]
        )
    first = width * 0.28
    return [
        Paragraph(w["benefit.head"], st["head"]),
        Paragraph(w["benefit.caption"], st["small"]),
        _image(png, width * 0.95),
        _grid(rows, [first] + [(width - first) / 6] * 6),
    ]


def _owners(result: Result, lang: str, width: float) -> list[Any]:
    from reportlab.platypus import KeepTogether, Paragraph

    w, st = words(lang), _styles()
    stake = result.accounts.stakeholders
    keys = ("owner", "share", "capex", "net_year1", "npv", "irr", "payback")
    rows = [[w[f"owners.{k}"] for k in keys]]
    for owner, r in stake.iterrows():
        irr, payback = r["irr_frac"], r["payback_yr"]
        rows.append(
            [
                str(owner),
                percent(float(r["share_frac"]), lang),
                euro(float(r["capex_eur"]), lang),
                euro(float(r["net_year1_eur"]), lang),
                euro(float(r["npv_eur"]), lang),
                "-" if pd.isna(irr) else percent(float(irr), lang),
                w["owners.never"]
                if pd.isna(payback)
                else w["owners.years"].format(years=number(float(payback), 1, lang)),
            ]
        )
    first = width * 0.24
    widths = [first] + [(width - first) * f for f in (0.12, 0.15, 0.13, 0.15, 0.15, 0.30)]
    return [
        KeepTogether(
            [
                Paragraph(w["owners.head"], st["head"]),
                Paragraph(w["owners.caption"], st["small"]),
                _grid(rows, widths),
            ]
        )
    ]


def _design(design: DesignPart | None, lang: str) -> list[Any]:
    from reportlab.platypus import Paragraph

    w, st = words(lang), _styles()
    out: list[Any] = [Paragraph(w["design.head"], st["head"])]
    if design is None:
        return out + [Paragraph(w["design.left_out"], st["base"])]
    out.append(Paragraph(w["design.changes"], st["base"]))
    out += [Paragraph(f"• {escape(in_language(c, lang))}", st["base"]) for c in design.changes]
    if design.pays:
        line = w["design.pays"].format(
            npv=euro(design.owners_npv_eur, lang),
            households=euro(design.households_npv_total_eur, lang),
            least=euro(design.households_npv_min_eur, lang),
        )
    else:
        line = w["design.short"].format(
            shortfall=euro(design.shortfall_eur, lang), frac=percent(design.shortfall_frac, lang)
        )
    out.append(Paragraph(line, st["base"]))
    out.append(
        Paragraph(w["design.time"].format(seconds=number(design.seconds, 0, lang)), st["small"])
    )
    return out


def _value(item: Mapping[str, Any], lang: str) -> str:
    value = float(item["value"])
    unit = str(item.get("unit", "")).split(" ")[0]
    if unit == "-":
        return percent(value, lang)
    digits = 5 if abs(value) < 1 else (0 if value == round(value) else 2)
    return number(value, digits, lang)


def _assumptions(items: list[Mapping[str, Any]], lang: str, width: float) -> list[Any]:
    from reportlab.platypus import Paragraph

    w, st = words(lang), _styles()
    cell = st["small"]
    rows: list[list[Any]] = [
        [w[f"assumptions.{k}"] for k in ("figure", "value", "year", "status", "source")]
    ]
    for item in items:
        status = str(item.get("status", "estimate"))
        rows.append(
            [
                Paragraph(figure_name(str(item["figure"]), lang), cell),
                _value(item, lang),
                str(item.get("year", "")),
                w.get(f"status.{status}", status),
                Paragraph(str(item.get("source", "")), cell),
            ]
        )
    widths = [width * 0.29, width * 0.1, width * 0.07, width * 0.15, width * 0.39]
    table = _grid(rows, widths, left=(0, 3, 4))
    return [
        Paragraph(w["assumptions.head"], st["head"]),
        Paragraph(w["assumptions.caption"], st["small"]),
        table,
    ]


def report_name(scenario: str, lang: str) -> str:
    """The report's file name: ``<scenario>-rapport.pdf`` (nl) or ``-report.pdf`` (en)."""
    return f"{scenario}-{'rapport' if lang == 'nl' else 'report'}.pdf"
