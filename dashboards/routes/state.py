"""The Routes page's state as plain Python: the routes table in words.

Testable without a browser. The figures are :func:`energysim.batch.routes.run_routes`'s,
the table ``energysim routes`` writes as ``routes.csv``; here they get the page's words:
each route's name (``routes.name.<route>``), each requirement of the law
(``routes.req.<code>``), the engine's reasons and changes (``msg.<code>``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboards.shared import engine_words
from dashboards.shared import formatting as fmt
from dashboards.shared.i18n import t
from energysim.batch.route_scenarios import Route
from energysim.batch.routes import FIGURES

ROLES = ("tenant", "member")
TABLE_ROWS = ("applies", *FIGURES)
"""The rows of the table on the page, before each owner's NPV."""
DOWNLOAD_COLUMNS = ("route_name", "applies", *FIGURES)
"""The download's columns, before each owner's NPV and the words of the law."""


def route_label(route: str) -> str:
    """A route's name in the page's language (``sharing`` -> "Energiedelen")."""
    return t(f"routes.name.{route}")


def npv_columns(table: pd.DataFrame) -> list[str]:
    """The table's columns of an owner's NPV (``npv_eur[<owner>]``)."""
    return [c for c in table.columns if str(c).startswith("npv_eur[")]


def row_label(row: str) -> str:
    """A row of the table in words, with its unit."""
    if row == "applies":
        return t("routes.col.applies")
    if row.startswith("npv_eur["):
        return t("col.npv_eur_owner", owner=row[len("npv_eur[") : -1])
    return t(f"col.{row}")


def shown_value(row: str, value: Any) -> str:
    """One cell as people read it; a figure of a route that cannot apply is a dash."""
    if row == "applies":
        return t("common.yes" if bool(value) else "common.no")
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return fmt.NONE
    if row.endswith("_frac"):
        return fmt.percent(value, 0)
    return fmt.eur(value)


def shown_table(table: pd.DataFrame) -> pd.DataFrame:
    """The routes side by side: one column per route (``table`` indexed by route), one
    row per figure, in words."""
    rows = [*TABLE_ROWS, *npv_columns(table)]
    out = pd.DataFrame(index=[row_label(r) for r in rows])
    for route, row in table.iterrows():
        out[route_label(str(route))] = [shown_value(r, row[r]) for r in rows]
    return out


def law(route: Route) -> list[str]:
    """What the law requires of a route, one sentence per requirement."""
    return [t(f"routes.req.{code}") for code in route.requires]


def download_frame(table: pd.DataFrame, routes: list[Route]) -> pd.DataFrame:
    """``routes.csv`` for a download: numbers kept, the route's name, why it cannot
    apply, what it changed and what the law requires in the page's language."""
    by_route = {r.route: r for r in routes}
    out = table.reset_index()[["route", *DOWNLOAD_COLUMNS[1:], *npv_columns(table)]].copy()
    out.insert(1, "route_name", [route_label(r) for r in out["route"]])
    out = out.drop(columns="route")
    out["why_not"] = [" ".join(engine_words.said(by_route[r].reasons)) for r in table.index]
    out["changes"] = [" ".join(engine_words.said(by_route[r].changes)) for r in table.index]
    out["law"] = [" ".join(law(by_route[r])) for r in table.index]
    return out


def download_labels(table: pd.DataFrame) -> dict[str, str]:
    """Headers for the download's columns the catalogue's ``[col]`` does not name."""
    labels = {name: t(f"routes.col.{name}") for name in ("route_name", "applies")}
    labels |= {name: t(f"routes.col.{name}") for name in ("why_not", "changes", "law")}
    return labels | {c: row_label(c) for c in npv_columns(table)}


def benefits(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per role, the routes that apply and reach it: median, p10 and p90 [EUR/yr]."""
    out = {}
    for role in ROLES:
        columns = [f"{role}_{k}_eur" for k in ("median", "p10", "p90")]
        part = table.loc[table["applies"].astype(bool), columns].dropna()
        part.columns = ["median", "p10", "p90"]
        if not part.empty:
            out[role] = part
    return out
