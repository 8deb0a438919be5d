"""Local-ownership report for the terminal and as files (JSON and CSV).

Every output says which rule decided who counts as local, the scope threshold, the
target and the headline's scope (the Participatiemonitor's: wind and solar on land, not
on buildings; rooftop solar above the threshold is the labelled figure beside it), so a
figure copied into a policy report carries its definition along.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from energysim.core.publish import (
    expect_csv_dialect,
    expect_folder_path,
    publish_atomically,
    write_csv,
    write_json,
)
from energysim.ownership.rules import TARGET_YEAR
from energysim.ownership.tables import HEADLINE_KINDS, OwnershipReport

LEVEL_TITLES = {
    "municipality": "Per municipality",
    "province": "Per province",
    "res_region": "Per RES region",
    "total": "Total",
}
FILES = (
    "ownership.json",
    "ownership_areas.csv",
    "ownership_kinds.csv",
    "ownership_progress.csv",
    "ownership_installations.csv",
)


def _pct(value: float) -> str:
    return (
        "n/a"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else (f"{value:.2%}")
    )


def _num(value: float, fmt: str = ",.0f") -> str:
    if isinstance(value, float) and math.isinf(value):
        return "never"
    return format(value, fmt)


def _verdict_word(met: bool, production_mwh: float) -> str:
    return "met" if met else ("n/a" if production_mwh == 0 else "not met")


def _table(report: OwnershipReport, level: str) -> list[str]:
    """One level's table: the headline (the monitor's scope) left, the figures with the
    rooftops above the threshold right of the bar, labelled."""
    rows = report.level(level)
    added = bool(report.installations["what_if"].any())
    left = f"{'prod MWh':>10}{'local %':>9}{'cap %':>8}{'gap MWh':>10}{'target':>9}"
    right = (
        f"{'roofs MWh':>10}{'local %':>9}"
        + (f"{'w/o added':>10}{'change pp':>10}" if added else "")
        + f"{'kWp to close':>13}{'target':>9}"
    )
    scope = f"above {report.rules.scope_above_kw:g} kW"
    lines = [
        f"{'':<26}{'monitor scope: wind, solar on land':^46} | incl. rooftop solar {scope}",
        f"{LEVEL_TITLES[level]:<26}{left} |{right}",
    ]
    for name, row in rows.iterrows():
        lines.append(
            f"{str(name)[:25]:<26}{row.production_mwh:>10,.0f}"
            f"{_pct(row.local_share_production_frac):>9}"
            f"{_pct(row.local_share_capacity_frac):>8}{_num(row.gap_mwh):>10}"
            f"{_verdict_word(row.target_met, row.production_mwh):>9} |"
            f"{row.rooftop_production_mwh:>10,.0f}"
            f"{_pct(row.local_share_production_incl_rooftops_frac):>9}"
            + (
                f"{_pct(row.local_share_production_incl_rooftops_without_added_frac):>10}"
                f"{row.added_change_incl_rooftops_pp:>+10.3f}"
                if added
                else ""
            )
            + f"{_num(row.rooftop_kwp_to_close_gap):>13}"
            f"{_verdict_word(row.target_met_incl_rooftops, row.production_incl_rooftops_mwh):>9}"
        )
    return lines


def _verdict(report: OwnershipReport) -> list[str]:
    """The headline sentence (the monitor's scope), then the figure with rooftops."""
    r, total = report.rules, report.total
    scope = (
        f"the Participatiemonitor's scope: wind and solar on land, not on buildings, above "
        f"{r.scope_above_kw:g} kW"
    )
    if total.production_mwh == 0:
        head = f"Local ownership by production ({scope}): no operational production in scope."
    elif total.target_met:
        head = (
            f"Local ownership by production ({scope}) is "
            f"{_pct(total.local_share_production_frac)}: the {r.target_frac:.0%} target is met."
        )
    else:
        head = (
            f"Local ownership by production ({scope}) is "
            f"{_pct(total.local_share_production_frac)}: the {r.target_frac:.0%} target is not "
            "met; "
            + (
                f"{total.additional_local_mwh:,.0f} MWh/yr of new, fully local wind or solar on "
                "land would close the gap."
                if math.isfinite(total.additional_local_mwh)
                else "adding local production alone can never close it."
            )
        )
    if total.production_incl_rooftops_mwh == 0:
        return [head]
    beside = (
        f"Beside it, incl. rooftop solar above {r.scope_above_kw:g} kW "
        f"({total.rooftop_production_mwh:,.0f} MWh; not the monitor's scope): "
        f"{_pct(total.local_share_production_incl_rooftops_frac)}"
    )
    if total.target_met_incl_rooftops:
        beside += f", the {r.target_frac:.0%} target met."
    elif math.isfinite(total.rooftop_kwp_to_close_gap):
        beside += (
            f"; {total.rooftop_kwp_to_close_gap:,.0f} kWp of fully local rooftops at "
            f"{r.specific_yield_kwh_per_kwp:,.0f} kWh/kWp would close that gap."
        )
    else:
        beside += "; adding local production alone can never close that gap."
    return [head, beside]


def format_report(report: OwnershipReport) -> str:
    """The tables per level, kinds, progress, the verdict and the notes, for the terminal.

    The headline is the share in the Participatiemonitor's scope (wind and solar on land,
    not on buildings); the share with rooftop solar above the threshold stands beside it,
    labelled, in every table and sentence.
    """
    r = report.rules
    lines = [
        f"Local owners counted: rule '{r.rule}'; target {r.target_frac:.0%} of production "
        f"of wind and solar above {r.scope_above_kw:g} kW; headline: the Participatiemonitor's "
        f"scope (on land, not on buildings), rooftops beside it; current year {r.now_yr}.",
        "",
    ]
    for level in ("municipality", "province", "res_region", "total"):
        if (report.areas["level"] == level).any():
            lines += [*_table(report, level), ""]
    kinds = report.kinds[report.kinds["level"] == "total"]
    if len(kinds):
        lines.append(
            "By kind (total): "
            + "; ".join(
                f"{k.kind} {_pct(k.local_share_production_frac)} of {k.production_mwh:,.0f} MWh"
                for k in kinds.itertuples()
            )
        )
    progress = report.progress[report.progress["level"] == "total"]
    if len(progress):
        history = progress[progress["basis"] == "operational"]
        pipeline = progress[progress["basis"] != "operational"]
        lines.append(
            "Progress (total, monitor scope; incl. rooftops in brackets): "
            + ", ".join(
                f"{p.year} {_pct(p.local_share_production_frac)} "
                f"({_pct(p.local_share_production_incl_rooftops_frac)})"
                for p in history.itertuples()
            )
            + "".join(
                f"; {TARGET_YEAR} with {p.basis.split('+', 1)[1]} "
                f"{_pct(p.local_share_production_frac)} "
                f"({_pct(p.local_share_production_incl_rooftops_frac)})"
                for p in pipeline.itertuples()
            )
        )
    lines += ["", *_verdict(report)]
    counted = report.installations[report.installations["carries_local_frac"] > 0].head(5)
    if len(counted):
        lines.append(
            "Carried by (incl. rooftops): "
            + ", ".join(f"{i} ({row.carries_local_frac:.0%})" for i, row in counted.iterrows())
        )
    lines += ["", *(f"note: {m}" for m in report.messages)]
    return "\n".join(lines)


def _with_rules(frame: pd.DataFrame, report: OwnershipReport) -> pd.DataFrame:
    """Every CSV carries the rule, scope and target its figures were computed under."""
    out = frame.copy()
    out["local_rule"] = report.rules.rule
    out["scope_above_kw"] = report.rules.scope_above_kw
    out["target_frac"] = report.rules.target_frac
    out["headline_kinds"] = " ".join(HEADLINE_KINDS)
    return out


def report_json(report: OwnershipReport) -> dict[str, object]:
    """The report as JSON-ready data (settings, notes, every table)."""

    def by_area(level: str) -> dict[str, dict[str, object]]:
        if not (report.areas["level"] == level).any():
            return {}
        return report.level(level).to_dict(orient="index")

    total = report.total
    return {
        "headline": {
            "local_share_production_frac": total["local_share_production_frac"],
            "scope": "wind and solar on land, not on buildings (the Participatiemonitor's "
            f"scope), above {report.rules.scope_above_kw:g} kW",
            "kinds": list(HEADLINE_KINDS),
            "target_frac": report.rules.target_frac,
            "target_met": bool(total["target_met"]),
            "beside": {
                "label": f"incl. rooftop solar above {report.rules.scope_above_kw:g} kW (not "
                "the monitor's scope)",
                "local_share_production_incl_rooftops_frac": total[
                    "local_share_production_incl_rooftops_frac"
                ],
                "target_met_incl_rooftops": bool(total["target_met_incl_rooftops"]),
            },
        },
        "rules": report.rules.describe(),
        "regions_source": report.regions_source,
        "messages": report.messages,
        "total": total.to_dict(),
        "municipalities": by_area("municipality"),
        "provinces": by_area("province"),
        "res_regions": by_area("res_region"),
        "kinds": report.kinds.to_dict(orient="records"),
        "progress": report.progress.to_dict(orient="records"),
        "installations": report.installations.drop(columns="total").to_dict(orient="index"),
    }


def write_report(
    report: OwnershipReport, out_dir: Path, csv_dialect: str = "standard"
) -> list[Path]:
    """Write :data:`FILES` into ``out_dir``, all at once or not at all (CSV files in a
    dialect of :mod:`energysim.core.csv_dialect`).

    ``ownership_areas.csv`` has one row per (level, area) with the what-if columns and
    ``rooftop_kwp_to_close_gap``; ``ownership_kinds.csv`` per kind; ``ownership_progress.csv``
    per year and pipeline basis; ``ownership_installations.csv`` per installation. A
    wrong ``out_dir`` or ``csv_dialect`` is named in the error.
    """
    out_dir = expect_folder_path(out_dir, "write_report", "out_dir")
    csv_dialect = expect_csv_dialect(csv_dialect, "write_report")

    def write(folder: Path) -> None:
        write_json(folder / FILES[0], report_json(report))
        write_csv(folder / FILES[1], _with_rules(report.areas, report), dialect=csv_dialect)
        write_csv(folder / FILES[2], _with_rules(report.kinds, report), dialect=csv_dialect)
        write_csv(folder / FILES[3], _with_rules(report.progress, report), dialect=csv_dialect)
        installations = report.installations.drop(columns="total")
        write_csv(
            folder / FILES[4],
            _with_rules(installations, report),
            index=True,
            dialect=csv_dialect,
        )

    folder = publish_atomically(out_dir, write)
    return [folder / n for n in FILES]
