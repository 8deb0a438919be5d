"""The Portfolio page's state as plain Python, testable without a browser.

The one results folder it may read, the batch summaries under it, and the summary's
complexes, totals and pairs of sweep points as the page shows them.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from dashboards.shared import i18n
from dashboards.shared.i18n import t
from dashboards.shared.state import SCENARIO_DIR
from energysim.batch.runner import SUMMARY_NAME, SUMMARY_SUFFIXES

RESULTS_DIR_ENV = "ENERGYSIM_RESULTS_DIR"
MAX_LISTED = 500
EXAMPLE_PORTFOLIO = SCENARIO_DIR / "portfolio_example.csv"
BENEFIT = "household_benefit_eur.tenant.mean_eur"
SELF_CONSUMPTION = "self_consumption_frac"
FIGURES = [
    "status",
    "capacity_kwp",
    "generation_kwh",
    SELF_CONSUMPTION,
    "household_benefit_total_eur",
    BENEFIT,
    "household_benefit_eur.member.mean_eur",
    "local_ownership_frac",
    "error",
]
TOTALS = ["capacity_kwp", "generation_kwh", "household_benefit_total_eur"]


def results_dir(argv: Sequence[str], environ: Mapping[str, str]) -> Path | None:
    """The one folder the Portfolio page may read: ``--results-dir DIR`` after the
    script's ``--``, else the environment variable ``ENERGYSIM_RESULTS_DIR``."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--results-dir")
    args, _ = parser.parse_known_args(list(argv))
    value = args.results_dir or environ.get(RESULTS_DIR_ENV)
    return Path(value).expanduser() if value else None


def summaries_under(folder: Path) -> list[Path]:
    """Batch summaries (``batch_summary.csv|parquet|xlsx``) under a folder, sorted."""
    root = folder.resolve()
    found = [
        p
        for p in sorted(root.rglob(f"{SUMMARY_NAME}.*"))
        if p.suffix.lower() in SUMMARY_SUFFIXES and p.is_file() and p.resolve().is_relative_to(root)
    ]
    return found[:MAX_LISTED]


def with_names(frame: pd.DataFrame, names: pd.DataFrame | None) -> pd.DataFrame:
    """The summary with each complex's name and postcode (empty when not known)."""
    out = frame.drop(columns=[c for c in ("name", "postcode") if c in frame.columns])
    if names is None:
        out["name"], out["postcode"] = "", ""
    else:
        out = out.merge(names, on="complex_id", how="left")
        out[["name", "postcode"]] = out[["name", "postcode"]].fillna("")
    return out


def complex_label(row: pd.Series) -> str:
    """A complex as people know it: its name (and id), else its id."""
    return f"{row['name']} ({row['complex_id']})" if row.get("name") else str(row["complex_id"])


def unit_words(row: pd.Series, sweep: Sequence[str]) -> str:
    """A unit of the batch as people say it: its complex (:func:`complex_label`) and
    its sweep point in words (``Galerijflat Zuidwijk (C001), regels van 2026``), not the
    batch's id (``C001__year-2026``)."""
    point = []
    for column in sweep:
        value = row[column]
        if column == "sweep.year" and not pd.isna(value):
            point.append(t("portfolio.unit_year", year=int(value)))
        else:
            point.append(f"{setting_words(column)} {value}")
    return ", ".join([complex_label(row), *point])


def setting_words(column: str) -> str:
    """A sweep column's setting in words (``sweep.allocation.order`` -> "volgorde van
    verdelen"), or its name when the catalogue has no words for it."""
    name = column.removeprefix("sweep.")
    return t(f"setting.{name}") if i18n.has(f"setting.{name}") else name


def column_words(column: str) -> str:
    """A batch summary column in words (a sweep column by its setting)."""
    if column.startswith("sweep."):
        return t("portfolio.sweep_column", name=setting_words(column))
    if i18n.has(f"col.{column}"):
        return t(f"col.{column}")
    return column


def totals(frame: pd.DataFrame, sweep: list[str]) -> pd.DataFrame:
    """Sums of the units that ran, per sweep point (a complex counts once per point)."""
    ok = frame[frame["status"] == "ok"]
    present = [c for c in TOTALS if c in ok.columns]
    households = [c for c in ok.columns if c.endswith(".households")]
    group = ok.assign(households=ok[households].sum(axis=1) if households else 0)
    agg = {"complex_id": "nunique", "households": "sum", **{c: "sum" for c in present}}
    if sweep:
        out = group.groupby(sweep).agg(agg)
    else:
        out = group.agg(agg).to_frame().T
        out.index = [t("portfolio.total")]
        out.index.name = "total"
    return out.rename(columns={"complex_id": "complexes"})


def pairs(frame: pd.DataFrame, sweep: str, a: object, b: object, column: str) -> pd.DataFrame:
    """One row per complex: ``column`` at sweep point ``a``, at ``b``, and ``b - a``."""
    ok = frame[frame["status"] == "ok"]
    wide = ok.pivot_table(index="label", columns=sweep, values=column, aggfunc="first")
    out = pd.DataFrame(index=wide.index)
    out[str(a)] = wide.get(a)
    out[str(b)] = wide.get(b)
    out[t("portfolio.difference", b=b, a=a)] = out[str(b)] - out[str(a)]
    out.index.name = "complex"
    return out.dropna()
