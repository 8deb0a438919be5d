"""The legal routes of one roof, side by side: ``energysim routes SCENARIO``.

Each route's scenario (:func:`energysim.batch.route_scenarios.route_scenario`) is run by
:func:`energysim.simulate.run`; the table (:func:`routes_table`) reads each run's own
summary (:func:`energysim.results.tables.summary`), so a route's figures are those of
``energysim run`` of its scenario file, which :func:`write_routes` writes beside
``routes.csv``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from energysim.batch.route_law import REQUIREMENTS, ROUTE_NAMES, ROUTES
from energysim.batch.route_scenarios import Route, cannot_run, route_scenario
from energysim.config.scenario import Scenario, scenario_to_toml
from energysim.core.errors import EnergysimError
from energysim.core.publish import publish_atomically, write_csv
from energysim.results.tables import summary
from energysim.simulate import run


@dataclass(frozen=True)
class RoutesResult:
    """The routes of a scenario, each run, and the table side by side.

    Attributes
    ----------
    scenario : Scenario
        The user's scenario.
    routes : list of Route
    summaries : dict
        Route -> the :func:`~energysim.results.tables.summary` of its run (routes that
        apply only).
    table : pandas.DataFrame
        :func:`routes_table`: one row per route.
    """

    scenario: Scenario
    routes: list[Route]
    summaries: dict[str, dict[str, Any]] = field(default_factory=dict)
    table: pd.DataFrame = field(default_factory=pd.DataFrame)


# --------------------------------------------------------------------------- run and table
FIGURES = (
    "self_consumption_frac",
    "tenant_median_eur",
    "tenant_p10_eur",
    "tenant_p90_eur",
    "tenant_better_off_frac",
    "member_median_eur",
    "member_p10_eur",
    "member_p90_eur",
    "member_better_off_frac",
    "local_ownership_frac",
)
"""The figures of each route, from its run's summary; each owner's NPV follows
(``npv_eur[<owner>]``)."""


def route_figures(s: dict[str, Any]) -> dict[str, Any]:
    """A route's row of figures from its run's :func:`~energysim.results.tables.summary`:
    EUR per household per year for tenants and members (median, p10, p90, share better
    off), each owner's NPV, the local-ownership share."""
    row: dict[str, Any] = {"self_consumption_frac": s["self_consumption_frac"]}
    for role in ("tenant", "member"):
        stats = s["household_benefit_eur"].get(role, {})
        for key in ("median_eur", "p10_eur", "p90_eur", "better_off_frac"):
            row[f"{role}_{key}"] = stats.get(key, math.nan)
    row["local_ownership_frac"] = s["local_ownership_frac"]
    for owner in s["stakeholders"]:
        row[f"npv_eur[{owner['owner']}]"] = owner["npv_eur"]
    return row


def run_routes(scenario: Scenario, routes: Sequence[str] = ROUTES) -> RoutesResult:
    """Build every route of the user's scenario, run those that apply, tabulate them.

    Parameters
    ----------
    scenario : Scenario
        The user's scenario (:func:`energysim.config.scenario.load_scenario`).
    routes : sequence of str
        Keys of :data:`ROUTES`, default all of them.

    Returns
    -------
    RoutesResult
        The routes, each run's summary and :func:`routes_table`. A route whose scenario
        stops with a scenario or data error is listed as not applying, with that error.

    Raises
    ------
    EnergysimError
        When the user's scenario itself (``as_given``) stops with one: bad input is the
        scenario's, not a route's.
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(
            f"run_routes(): expected a Scenario (from energysim.load_scenario), found "
            f"{type(scenario).__name__}"
        )
    built: list[Route] = []
    summaries: dict[str, dict[str, Any]] = {}
    for name in routes:
        route = route_scenario(scenario, name)
        if name == "as_given":
            summaries[name] = summary(run(scenario))
        elif route.scenario is not None:
            try:
                summaries[name] = summary(run(route.scenario))
            except EnergysimError as exc:
                route = Route(name, None, (cannot_run(exc),), (), route.requires)
        built.append(route)
    return RoutesResult(scenario, built, summaries, routes_table(built, summaries))


def routes_table(routes: Sequence[Route], summaries: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """One row per route: whether it applies and why not, what it changed and what the law
    requires (in English; codes in the ``requires`` column), its scenario file, and the
    figures of :func:`route_figures` (empty where a route does not apply)."""
    rows = []
    for r in routes:
        row: dict[str, Any] = {
            "route": r.route,
            "route_name": ROUTE_NAMES[r.route],
            "applies": r.applies,
            "why_not": " ".join(r.reasons),
            "changes": " ".join(r.changes),
            "requires": " ".join(r.requires),
            "law": " ".join(REQUIREMENTS[c] for c in r.requires),
            "scenario_file": route_file(r.route) if r.applies else "",
        }
        if r.route in summaries:
            row |= route_figures(summaries[r.route])
        rows.append(row)
    table = pd.DataFrame(rows)
    for column in FIGURES:
        if column not in table.columns:
            table[column] = math.nan
    first = ["route", "route_name", "applies", *FIGURES]
    npv = [c for c in table.columns if c.startswith("npv_eur[")]
    rest = [c for c in table.columns if c not in first and c not in npv]
    return table[[*first, *npv, *rest]]


def route_file(route: str) -> str:
    """The file name of a route's scenario in the routes folder (``sharing.toml``)."""
    return f"{route}.toml"


def format_routes(result: RoutesResult) -> str:
    """The routes side by side for the terminal, then per route what the law requires,
    what was changed, or why it cannot apply."""
    table = result.table.set_index("route")
    shown = pd.DataFrame(index=[*FIGURES, *[c for c in table.columns if c.startswith("npv_eur[")]])
    for route, row in table.iterrows():
        shown[ROUTE_NAMES[str(route)]] = [_cell(name, row[name]) for name in shown.index]
    lines = [
        f"routes of {result.scenario.name}, rules of {result.scenario.rules_year} "
        "(EUR per household per year; NPV over the lifetime)",
        shown.to_string(),
        "",
    ]
    for r in result.routes:
        head = f"{ROUTE_NAMES[r.route]}: " + ("applies" if r.applies else "cannot apply")
        lines.append(head)
        lines += [f"  why not: {m}" for m in r.reasons]
        lines += [f"  law: {REQUIREMENTS[c]}" for c in r.requires]
        lines += [f"  changed: {m}" for m in r.changes]
    return "\n".join(lines)


def _cell(name: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if name.endswith("_frac"):
        return f"{value:.0%}"
    return f"{value:,.0f}"


def write_routes(result: RoutesResult, out_dir: Path, csv_dialect: str = "standard") -> Path:
    """Write ``out_dir/<scenario name>/routes/``: ``routes.csv`` (one row per route, in a
    CSV dialect of :mod:`energysim.core.csv_dialect`) and each applying route's scenario
    (``<route>.toml``, which ``energysim run`` runs to the same figures), all at once.

    Returns
    -------
    Path
        The routes folder.
    """

    def write(folder: Path) -> None:
        write_csv(folder / "routes.csv", result.table, dialect=csv_dialect)
        for r in result.routes:
            if r.scenario is not None:
                (folder / route_file(r.route)).write_text(
                    scenario_to_toml(r.scenario), encoding="utf-8"
                )

    owned = ["routes.csv", *(route_file(r) for r in ROUTES)]
    # nested in the run's folder, staged beside it: a run written meanwhile keeps it
    run_folder = Path(out_dir) / result.scenario.name
    return publish_atomically(run_folder / "routes", write, owned=owned, within=run_folder)
