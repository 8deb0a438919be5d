"""Large connections' network tariffs by grid operator and year, and a site's grid operator.

A large (grootverbruik, > 3x80 A) connection pays its regional grid operator a tariff
whose structure the ACM fixes (Tarievencode Elektriciteit; Regeling tariefstructuren):
a fixed charge per year (vastrecht transportdienst, plus the periodieke
aansluitvergoeding of the connection), a charge per kW of contracted transport capacity
per year, one per kW of each month's highest 15-minute import (kW max; none on LS) and
one per kWh imported. Every operator publishes its own figures each year, by category of
contracted capacity (LS up to 50 kW; MS/LS above it up to 125 kW at Enexis, 136 kW at
Liander, 150 kW at Stedin; MS above). ``energysim/data/grid_operators.csv`` holds them,
one row per operator, category and year, with the source; a year after an operator's
last row carries that row forward and is an estimate.

Which operator serves a site: ``[site] grid_operator`` when the scenario names one, else
derived from ``[site] municipality`` with ``energysim/data/grid_operator_areas.csv``: the
main operator of the municipality's province (municipality -> province from the shipped
region table, ``energysim/data/regions``), with the exceptions the table lists (Westland:
Westland Infra). That is an approximation: a province's main operator does not serve
every municipality (Rendo and Coteq in Drenthe and Overijssel, Liander in part of
Zuid-Holland), and the run says it was derived. Without either, the operator is unknown
and the mean of Stedin's, Liander's and Enexis's figures is used, as an estimate.
Small connections are not affected: their network charge is one fixed figure per year.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from energysim.core.errors import DataError, ScenarioError

__all__ = [
    "DEFAULT_CONTRACTED_KW",
    "LARGE_NETWORK_FIELDS",
    "MAIN_OPERATORS",
    "GridOperatorChoice",
    "OperatorTariff",
    "area_table",
    "choose_grid_operator",
    "format_operator_table",
    "large_network_tariff",
    "operator_ids",
    "operator_table",
]

OPERATORS_FILE = "data/grid_operators.csv"
AREAS_FILE = "data/grid_operator_areas.csv"
MUNICIPALITIES_FILE = "data/regions/municipalities.csv"

LARGE_NETWORK_FIELDS = (
    "large_network_fixed_excl_vat_eur_per_yr",
    "large_network_contract_excl_vat_eur_per_kw_per_yr",
    "large_network_peak_excl_vat_eur_per_kw_per_month",
    "large_network_transport_excl_vat_eur_per_kwh",
)
"""The four figures of a large connection's network tariff (fields of the TariffSet)."""

UNITS = {
    "large_network_fixed_excl_vat_eur_per_yr": "EUR/yr per large connection",
    "large_network_contract_excl_vat_eur_per_kw_per_yr": "EUR per contracted kW per yr",
    "large_network_peak_excl_vat_eur_per_kw_per_month": "EUR per kW of the month's peak",
    "large_network_transport_excl_vat_eur_per_kwh": "EUR/kWh imported",
}

MAIN_OPERATORS = ("stedin", "liander", "enexis")
"""The three large regional operators; their mean stands in when the operator is unknown."""

DEFAULT_CONTRACTED_KW = 60.0
"""The default contracted capacity of a large common connection [kW]
(``buildings[].common.contracted_capacity_kw``; a test keeps the two equal)."""

_ALIASES = {"denhaag": "sgravenhage", "denbosch": "shertogenbosch"}
"""Names people write for a municipality whose official name differs."""


@dataclass(frozen=True)
class GridOperatorChoice:
    """Which grid operator serves the site, and how that was decided.

    Attributes
    ----------
    operator : str or None
        Operator id (a row of the data file), None when unknown.
    how : str
        English, for the run's assumptions: named in the scenario, derived from the
        municipality (an approximation), or unknown and why.
    named : bool
        Whether the scenario named the operator (``[site] grid_operator``).
    """

    operator: str | None
    how: str
    named: bool = False


@dataclass(frozen=True)
class OperatorTariff:
    """A large connection's network tariff of one operator, category and rules year.

    Attributes
    ----------
    operator : str or None
        Operator id; None for the mean of :data:`MAIN_OPERATORS` (operator unknown).
    name, category : str
        Operator's name and tariff category (``MS/LS``, ...), as they are written.
    year, from_year : int
        The rules year, and the year of the data-file rows used (earlier: carried forward).
    values : dict
        The four :data:`LARGE_NETWORK_FIELDS`, excl. VAT.
    status : str
        ``published`` or ``estimate`` (carried forward, a mean, or the row's own status).
    source : str
        The rows' source and how the operator was chosen.
    """

    operator: str | None
    name: str
    category: str
    year: int
    from_year: int
    values: dict[str, float]
    status: str
    source: str


def _read(path: str) -> tuple[dict[str, str], ...]:
    text = resources.files("energysim").joinpath(path).read_text(encoding="utf-8")
    return tuple(csv.DictReader(text.splitlines()))


@cache
def operator_table() -> tuple[dict[str, str], ...]:
    """Rows of ``grid_operators.csv``, checked once.

    Raises
    ------
    energysim.core.errors.DataError
        An empty cell, a figure or year that is not a number, a status other than
        ``published``/``estimate``, or an operator, category and year given twice.
    """
    rows = _read(OPERATORS_FILE)
    seen: set[tuple[str, str, str]] = set()
    for i, row in enumerate(rows, start=2):
        where = f"energysim/{OPERATORS_FILE}: row {i}"
        for column, cell in row.items():
            if not (cell or "").strip():
                raise DataError(f"{where}, column '{column}': empty cell")
        for column in ("max_contracted_kw", "year", *LARGE_NETWORK_FIELDS):
            try:
                value = float(row[column])
            except ValueError:
                raise DataError(
                    f"{where}, column '{column}': expected a number, found {row[column]!r}"
                ) from None
            if value < 0:
                raise DataError(f"{where}, column '{column}': expected >= 0, found {value}")
        if row["status"] not in ("published", "estimate"):
            raise DataError(
                f"{where}, column 'status': expected 'published' or 'estimate', "
                f"found {row['status']!r}"
            )
        key = (row["operator"], row["category"], row["year"])
        if key in seen:
            raise DataError(f"{where}: {' '.join(key)} given twice")
        seen.add(key)
    return rows


def operator_ids() -> tuple[str, ...]:
    """Ids of the operators in the data file, in file order."""
    return tuple(dict.fromkeys(r["operator"] for r in operator_table()))


def _operator_name(operator: str) -> str:
    return next(r["name"] for r in operator_table() if r["operator"] == operator)


def normalise_name(name: str) -> str:
    """A municipality's name as compared: lower-case ASCII letters and digits, without a
    province suffix such as ``(ZH.)``; ``Den Haag`` and ``Den Bosch`` as their official
    names."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    bare = re.sub(r"\(.*\)", "", ascii_name.lower())
    key = re.sub(r"[^a-z0-9]", "", bare)
    return _ALIASES.get(key, key)


@cache
def _municipalities() -> dict[str, tuple[str, str]]:
    """Normalised name and CBS code -> (official name, province) of the region table."""
    out: dict[str, tuple[str, str]] = {}
    for row in _read(MUNICIPALITIES_FILE):
        entry = (row["municipality"], row["province"])
        out[normalise_name(row["municipality"])] = entry
        out[row["municipality_code"].lower()] = entry
    return out


@cache
def area_table() -> tuple[dict[str, str], ...]:
    """Rows of ``grid_operator_areas.csv``, checked once against the operators and the
    region table (every province has a row; every area is a province or municipality of
    the region table; every operator has tariffs).

    Raises
    ------
    energysim.core.errors.DataError
        An unknown area type, area or operator, or a province without a row.
    """
    rows = _read(AREAS_FILE)
    provinces = {p for _, p in _municipalities().values()}
    operators = set(operator_ids())
    for i, row in enumerate(rows, start=2):
        where = f"energysim/{AREAS_FILE}: row {i}"
        known = (
            provinces
            if row["area_type"] == "province"
            else {m for m, _ in _municipalities().values()}
        )
        if row["area_type"] not in ("province", "municipality") or row["area"] not in known:
            raise DataError(
                f"{where}: expected a province or municipality of {MUNICIPALITIES_FILE}, "
                f"found {row['area_type']} {row['area']!r}"
            )
        if row["operator"] not in operators:
            raise DataError(
                f"{where}, column 'operator': expected one of {sorted(operators)}, "
                f"found {row['operator']!r}"
            )
    missing = provinces - {r["area"] for r in rows if r["area_type"] == "province"}
    if missing:
        raise DataError(f"energysim/{AREAS_FILE}: no operator for {sorted(missing)}")
    return rows


def choose_grid_operator(grid_operator: str | None, municipality: str | None) -> GridOperatorChoice:
    """The site's grid operator: the scenario's, else derived from its municipality.

    Parameters
    ----------
    grid_operator : str, optional
        ``[site] grid_operator``: an operator id of the data file.
    municipality : str, optional
        ``[site] municipality``: a name (``Rotterdam``, ``Den Haag``) or CBS code
        (``GM0599``).

    Raises
    ------
    ScenarioError
        ``site.grid_operator: expected one of 'stedin', ..., found 'x'``.
    """
    if grid_operator is not None:
        if grid_operator not in operator_ids():
            known = ", ".join(repr(o) for o in operator_ids())
            raise ScenarioError(
                f"site.grid_operator: expected one of {known}, found {grid_operator!r}"
            )
        return GridOperatorChoice(grid_operator, "named in [site] grid_operator", named=True)
    if municipality is None:
        return GridOperatorChoice(None, "no [site] grid_operator or municipality given")
    found = _municipalities().get(normalise_name(municipality)) or _municipalities().get(
        municipality.strip().lower()
    )
    if found is None:
        return GridOperatorChoice(
            None,
            f"municipality {municipality!r} is not in the region table ({MUNICIPALITIES_FILE})",
        )
    name, province = found
    for row in area_table():
        if row["area_type"] == "municipality" and row["area"] == name:
            return GridOperatorChoice(
                row["operator"], f"the grid operator of the municipality of {name}"
            )
    operator = next(
        r["operator"]
        for r in area_table()
        if r["area_type"] == "province" and r["area"] == province
    )
    return GridOperatorChoice(
        operator,
        f"the main operator of {province}, where {name} lies (an approximation: set "
        "[site] grid_operator if another operator serves the site)",
    )


def _category_row(operator: str, year: int, kw: float) -> dict[str, str]:
    """The operator's row for contracted capacity ``kw`` [kW] in the latest year <= ``year``.

    Before the operator's first year its first year's rows are used (an estimate, as
    the caller marks it).

    Raises
    ------
    ScenarioError
        ``kw`` above every category's upper bound.
    """
    used = _year_rows(operator, year)
    for row in used:
        if kw <= float(row["max_contracted_kw"]):
            return row
    top = float(used[-1]["max_contracted_kw"])
    raise ScenarioError(
        f"buildings.common.contracted_capacity_kw: expected at most {top:g} kW for the tariff "
        f"categories of {_operator_name(operator)} in the data file, found {kw:g}; give "
        "large_network_* in [tariffs]"
    )


@cache
def _year_rows(operator: str, year: int) -> tuple[dict[str, str], ...]:
    """The operator's rows of the latest year <= ``year`` (before its first year, the
    first year's), by upper bound of contracted capacity. Kept per process, keyed on the
    operator and the year (the rows are :func:`operator_table`'s, read once)."""
    rows = [r for r in operator_table() if r["operator"] == operator]
    years = [int(r["year"]) for r in rows if int(r["year"]) <= year]
    # before the operator's first row: its first year's figures (an estimate)
    used_year = max(years) if years else min(int(r["year"]) for r in rows)
    return tuple(
        sorted(
            (r for r in rows if int(r["year"]) == used_year),
            key=lambda r: float(r["max_contracted_kw"]),
        )
    )


def large_network_tariff(
    choice: GridOperatorChoice, year: int, contracted_kw: Mapping[str, float]
) -> OperatorTariff:
    """The network tariff of the site's large connections in rules year ``year``.

    Parameters
    ----------
    choice : GridOperatorChoice
        From :func:`choose_grid_operator`.
    year : int
        Rules year.
    contracted_kw : mapping
        Building id -> contracted capacity of its large common connection [kW]; empty
        when no common connection is large (the default capacity's category is used).

    Returns
    -------
    OperatorTariff
        The category's figures; published when the operator's row is of ``year``; an
        estimate when carried forward from an earlier year or, with the operator unknown,
        the mean of :data:`MAIN_OPERATORS`.

    Raises
    ------
    ScenarioError
        Large connections in different categories of one operator (one run has one
        network tariff), or a capacity above every category.
    """
    kws = dict(contracted_kw) or {"(default)": DEFAULT_CONTRACTED_KW}
    operators = (choice.operator,) if choice.operator else MAIN_OPERATORS
    rows = []
    for operator in operators:
        by_building = {b: _category_row(operator, year, kw) for b, kw in kws.items()}
        categories = {b: r["category"] for b, r in by_building.items()}
        if len(set(categories.values())) > 1:
            listed = ", ".join(f"{b}: {c}" for b, c in categories.items())
            raise ScenarioError(
                "buildings.common.contracted_capacity_kw: the large common connections fall "
                f"in different tariff categories of {_operator_name(operator)} ({listed}); one "
                "run has one network tariff: give large_network_* in [tariffs] or run them apart"
            )
        rows.append(next(iter(by_building.values())))
    values = {f: sum(float(r[f]) for r in rows) / len(rows) for f in LARGE_NETWORK_FIELDS}
    from_year = min(int(r["year"]) for r in rows)  # != year: carried over, an estimate
    if choice.operator is None:
        parts = ", ".join(f"{r['name']} {r['category']} {r['year']}" for r in rows)
        return OperatorTariff(
            None,
            "mean of Stedin, Liander and Enexis",
            "/".join(dict.fromkeys(r["category"] for r in rows)),
            year,
            from_year,
            {f: round(v, 6) for f, v in values.items()},
            "estimate",
            f"grid operator unknown ({choice.how}): the mean of {parts} (ACM tariff sheets, "
            "see energysim tariffs); set [site] grid_operator or municipality",
        )
    row = rows[0]
    return OperatorTariff(
        choice.operator,
        row["name"],
        row["category"],
        year,
        from_year,
        values,
        row["status"] if from_year == year else "estimate",
        f"{row['source']}; operator: {choice.how}",
    )


def format_operator_table(year: int | None = None) -> str:
    """The operators' large-connection tariffs, for the terminal (``energysim tariffs``).

    Parameters
    ----------
    year : int, optional
        Show the rows a run of this year uses (carried forward where an operator has no
        row of that year); without it, every row.
    """
    rows = list(operator_table())
    if year is not None:
        rows = []
        for operator in operator_ids():
            own = [r for r in operator_table() if r["operator"] == operator]
            years = [int(r["year"]) for r in own if int(r["year"]) <= year]
            used = max(years) if years else min(int(r["year"]) for r in own)
            rows += [r for r in own if int(r["year"]) == used]
    title = (
        "large-connection network tariffs by grid operator (excl. VAT; "
        f"energysim/{OPERATORS_FILE}): fixed EUR/yr, EUR per contracted kW per yr, "
        "EUR per kW of the month's peak, EUR/kWh"
    )
    lines = [title, ""]
    for r in rows:
        status = r["status"]
        if year is not None and int(r["year"]) != year:
            status = f"estimate ({r['year']})"
        figures = "  ".join(f"{float(r[f]):>9g}" for f in LARGE_NETWORK_FIELDS)
        lines.append(
            f"{r['operator']:<15} {r['category']:<6} <= {float(r['max_contracted_kw']):>6g} kW  "
            f"{r['year']}  {figures}  [{status}]"
        )
        lines.append(f"{'':<15} source: {r['source']}")
    lines += ["", f"grid operator by area (energysim/{AREAS_FILE}; an approximation):"]
    for r in area_table():
        lines.append(f"  {r['area_type']:<12} {r['area']:<14} {r['operator']}")
    return "\n".join(lines)
