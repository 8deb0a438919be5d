"""Dutch electricity tariffs per year and regime, read from the package's data file.

The figures live in ``energysim/data/tariffs.csv``, one row per figure and year: value,
unit, VAT basis, status (``published`` or ``estimate``) and source, so that a yearly
update is a data change anyone can review. A year after the last row of a figure
carries that row forward and is an *estimate*; every estimate a run uses is listed in
its ``messages`` and ``assumptions`` (domain.md section 4). Every figure is a default a
scenario can override in ``[tariffs]``.

Two kinds of figures come from their own data files: a named supplier's feed-in terms
(:mod:`energysim.config.suppliers`, ``[tariffs] supplier``) and the network tariff of a
large connection, by grid operator (:mod:`energysim.config.grid_operators`, ``[site]
grid_operator`` or derived from the municipality).

VAT rule: every money figure says its VAT basis in its name (``_excl_vat`` or
``_incl_vat``); the code adds VAT (``vat_frac``) to the ``_excl_vat`` figures a consumer
pays and takes the ``_incl_vat`` ones as they are.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from energysim.config.grid_operators import (
    LARGE_NETWORK_FIELDS,
    UNITS,
    GridOperatorChoice,
    format_operator_table,
    large_network_tariff,
)
from energysim.config.suppliers import SupplierTerms, format_supplier_table, supplier_terms
from energysim.core.errors import ScenarioError

NET_METERING_LAST_YEAR = 2026
"""Net metering (salderingsregeling) ends on 1 January 2027 (Kamerstuk 36 611)."""

FEED_IN_FLOOR_FRAC = 0.5
FEED_IN_FLOOR_YEARS = range(2027, 2030)
"""2027, 2028 and 2029: until 1 January 2030 the feed-in compensation is at least 50% of
the bare supply price (Kamerstukken 36 611, amendment Grinwis c.s. nr. 17, which replaced
nr. 15; the act as the Eerste Kamer passed it, EK 36 611 nr. D). From 2030 the law asks a
"reasonable" compensation without a floor."""

DATA_FILE = "data/tariffs.csv"
VAT_BASES = ("excl", "incl", "none")
STATUSES = ("published", "estimate")


@dataclass(frozen=True)
class Figure:
    """One figure of one year, as the data file gives it or carried forward.

    Attributes
    ----------
    figure : str
        Name (a :class:`TariffSet` field, or a yearly figure such as an SCE basisbedrag).
    year : int
        The year it is used for.
    value : float
        In ``unit``.
    unit, vat, source : str
        Unit, VAT basis (``excl``, ``incl``, ``none``) and source.
    status : str
        ``published`` or ``estimate``; a figure carried forward from an earlier year is
        an estimate whatever its row says.
    from_year : int
        Year of the data-file row it comes from.
    basis : str
        Where a figure that is not a row of ``tariffs.csv`` comes from (a code the
        dashboard says in words, ``estimates.basis_<code>``): ``supplier`` (a named
        supplier's terms), ``floor`` (a supplier's compensation raised to the legal
        minimum), ``grid_operator`` (an operator's network tariff), ``operator_unknown``
        (the mean of the large operators); empty for a ``tariffs.csv`` row.
    party : str
        The supplier or grid operator ``basis`` refers to, as it writes its name.
    """

    figure: str
    year: int
    value: float
    unit: str
    vat: str
    status: str
    source: str
    from_year: int
    basis: str = ""
    party: str = ""

    @property
    def is_estimate(self) -> bool:
        """Whether the figure is an estimate (ours, or carried forward)."""
        return self.status != "published"

    def as_record(self) -> dict[str, Any]:
        """The figure as a JSON-ready dict (``summary.json`` ``assumptions``); ``basis``
        and ``party`` only when set."""
        record = asdict(self)
        for key in ("basis", "party"):
            if not record[key]:
                del record[key]
        return record

    def describe(self) -> str:
        """Short text for messages: name, value, unit, VAT basis, why it is listed."""
        vat = {"excl": " excl. VAT", "incl": " incl. VAT", "none": ""}[self.vat]
        way = "forward" if self.from_year < self.year else "back"
        carried = f"{self.from_year} carried {way}" if self.from_year != self.year else ""
        why = {
            "": carried or "our estimate",
            "supplier": f"{self.party}'s terms" + (f", {carried}" if carried else ""),
            "floor": f"the legal minimum: {self.party} pays less",
            "grid_operator": f"{self.party}'s tariff" + (f", {carried}" if carried else ""),
            "operator_unknown": "grid operator unknown: mean of Stedin, Liander and Enexis",
        }[self.basis]
        unit = "" if self.unit == "-" else f" {self.unit}"
        return f"{self.figure} = {self.value:g}{unit}{vat} ({why})"


@cache
def tariff_table() -> tuple[dict[str, str], ...]:
    """Rows of the bundled tariff data file, checked once.

    Raises
    ------
    energysim.core.errors.DataError
        When a row lacks a field, has an unknown VAT basis or status, or a value that is
        not a number (the file is package data: this guards its yearly update).
    """
    from energysim.core.errors import DataError

    text = resources.files("energysim").joinpath(DATA_FILE).read_text(encoding="utf-8")
    rows = tuple(csv.DictReader(text.splitlines()))
    seen: set[tuple[str, str]] = set()
    for i, row in enumerate(rows, start=2):
        where = f"energysim/{DATA_FILE}: row {i}"
        if any(not (row.get(k) or "").strip() for k in ("figure", "year", "value", "source")):
            raise DataError(f"{where}: expected figure, year, value and source, found {row}")
        if row["vat"] not in VAT_BASES or row["status"] not in STATUSES:
            raise DataError(
                f"{where}: column 'vat'/'status': expected one of {VAT_BASES} / {STATUSES}, "
                f"found {row['vat']!r} / {row['status']!r}"
            )
        try:
            float(row["value"]), int(row["year"])
        except ValueError:
            raise DataError(f"{where}: expected a number, found {row['value']!r}") from None
        if (row["figure"], row["year"]) in seen:
            raise DataError(f"{where}: {row['figure']} {row['year']} given twice")
        seen.add((row["figure"], row["year"]))
    return rows


def figure_names() -> list[str]:
    """Names of the figures in the data file, in file order."""
    return list(dict.fromkeys(r["figure"] for r in tariff_table()))


def yearly_figure(name: str, year: int) -> Figure:
    """The figure ``name`` for ``year``: its row of that year, or the last earlier one.

    Raises
    ------
    ScenarioError
        When the data file has no row of ``name`` for ``year`` or before.
    """
    rows = [r for r in tariff_table() if r["figure"] == name]
    if not rows:
        raise ScenarioError(f"tariffs: unknown figure {name!r}")
    earlier = [r for r in rows if int(r["year"]) <= year]
    if not earlier:
        first = min(int(r["year"]) for r in rows)
        raise ScenarioError(
            f"tariffs: no default figures for {year} ({name}: first year {first}); "
            "give every [tariffs] field explicitly"
        )
    row = max(earlier, key=lambda r: int(r["year"]))
    from_year = int(row["year"])
    return Figure(
        figure=name,
        year=year,
        value=float(row["value"]),
        unit=row["unit"],
        vat=row["vat"],
        status=row["status"] if from_year == year else "estimate",
        source=row["source"],
        from_year=from_year,
    )


@dataclass(frozen=True)
class TariffSet:
    """The tariffs of one year, fully resolved.

    Every money figure names its VAT basis (``_excl_vat`` / ``_incl_vat``);
    ``net_metering`` is the annual netting of feed-in against consumption for small
    connections. ``large_network_*`` is the capacity-based network tariff of a large
    (> 3x80 A) common connection, of the site's grid operator. ``supplier`` is the
    supplier whose feed-in terms were used, if the scenario named one. ``estimates``
    lists the figures a user should check: estimates of the data files, a supplier's
    terms, a network tariff of a derived or unknown grid operator (a scenario's own
    figures are not listed).
    """

    year: int
    supply_price_excl_vat_eur_per_kwh: float
    energy_tax_excl_vat_eur_per_kwh: float
    energy_tax_bracket2_excl_vat_eur_per_kwh: float
    bracket1_limit_kwh: float
    vat_frac: float
    tax_rebate_excl_vat_eur_per_yr: float
    network_charge_incl_vat_eur_per_yr: float
    net_metering: bool
    feed_in_compensation_excl_vat_eur_per_kwh: float
    feed_in_cost_incl_vat_eur_per_kwh: float
    large_network_fixed_excl_vat_eur_per_yr: float
    large_network_contract_excl_vat_eur_per_kw_per_yr: float
    large_network_peak_excl_vat_eur_per_kw_per_month: float
    large_network_transport_excl_vat_eur_per_kwh: float
    feed_in_cost_bands_incl_vat_eur_per_month: tuple[float, ...] | None = None
    supplier: str | None = None
    estimates: tuple[Figure, ...] = field(default=(), compare=False)

    @property
    def import_price_eur_per_kwh(self) -> float:
        """Retail import price incl. VAT [EUR/kWh].

        Notes
        -----
        ``(supply price + energy tax) * (1 + VAT)``; the network charge of a small
        connection is fixed per connection and does not depend on kWh (domain.md
        section 5).
        """
        return (self.supply_price_excl_vat_eur_per_kwh + self.energy_tax_excl_vat_eur_per_kwh) * (
            1.0 + self.vat_frac
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the tariff figures as a plain dict (without ``year`` and ``estimates``).

        Every figure is a number, a flag, a text or a tuple of numbers (immutable), so the
        values are given as they are: what ``dataclasses.asdict`` gives, without its deep
        copy of the estimates left out (every run resolves its tariffs).
        """
        return {k: getattr(self, k) for k in _AS_DICT_FIELDS}


_AS_DICT_FIELDS = tuple(f for f in TariffSet.__dataclass_fields__ if f not in ("year", "estimates"))
"""The fields :meth:`TariffSet.as_dict` gives, in their order."""

_FIGURE_FIELDS = tuple(
    f
    for f in TariffSet.__dataclass_fields__
    if f
    not in (
        "year",
        "estimates",
        "net_metering",
        "supplier",
        "feed_in_compensation_excl_vat_eur_per_kwh",
        "feed_in_cost_bands_incl_vat_eur_per_month",
        *LARGE_NETWORK_FIELDS,
    )
)
"""TariffSet fields whose default is a row of ``tariffs.csv``."""


def default_tariffs(year: int) -> dict[str, Any]:
    """Return the default tariff figures of ``year`` (see :func:`resolve_tariffs`)."""
    return resolve_tariffs(year, {}).as_dict()


def resolve_tariffs(
    year: int,
    overrides: Mapping[str, Any],
    *,
    grid_operator: GridOperatorChoice | None = None,
    contracted_kw: Mapping[str, float] | None = None,
) -> TariffSet:
    """Combine the year's figures from the data files with the scenario's overrides.

    Parameters
    ----------
    year : int
        Rules (tariff) year.
    overrides : mapping
        Scenario ``[tariffs]`` fields; ``None`` means "use the default". ``supplier``
        names a supplier of ``energysim/data/suppliers.csv`` whose feed-in terms replace
        the year's defaults of those figures.
    grid_operator : GridOperatorChoice, optional
        The site's grid operator (:func:`energysim.config.grid_operators.choose_grid_operator`);
        default unknown (the mean of the large operators' network tariffs).
    contracted_kw : mapping, optional
        Building id -> contracted capacity of each large common connection [kW]: picks
        the operator's tariff category.

    Returns
    -------
    TariffSet
        With ``estimates``: the figures a user should check.

    Notes
    -----
    Precedence per figure: the scenario's own, then a named supplier's terms (feed-in
    costs, bands, compensation), then the data files. Net metering applies up to and
    including 2026. The feed-in compensation defaults to
    ``feed_in_compensation_frac_of_supply`` (0.5) times the bare supply price; in
    2027-2029 it is at least 50% of the bare supply price (:data:`FEED_IN_FLOOR_YEARS`):
    a supplier's published compensation below that is raised to it (the law binds the
    supplier; its own supply price may differ from the scenario's), a scenario's own
    figure below it is an error.

    Raises
    ------
    ScenarioError
        When a needed figure has no default, the supplier is unknown, or the scenario's
        feed-in compensation is below the legal floor of 50% of the bare supply price in
        2027-2029.
    """
    given: dict[str, Any] = {
        k: (tuple(v) if isinstance(v, list) else v)
        for k, v in overrides.items()
        if v is not None and k in TariffSet.__dataclass_fields__
    }
    figures: dict[str, Any] = {}
    estimates: list[Figure] = []
    for name in _FIGURE_FIELDS:
        if name in given:
            figures[name] = given[name]
            continue
        fig = yearly_figure(name, year)
        figures[name] = fig.value
        if fig.is_estimate:
            estimates.append(fig)
    figures["net_metering"] = given.get("net_metering", year <= NET_METERING_LAST_YEAR)
    figures["supplier"] = given.get("supplier")
    _feed_in_figures(year, given, figures, estimates)
    choice = grid_operator or GridOperatorChoice(None, "no grid operator given")
    _large_network_figures(year, given, choice, contracted_kw or {}, figures, estimates)
    return TariffSet(year=year, estimates=tuple(estimates), **figures)


def _supplier_figure(terms: SupplierTerms, name: str, value: float, unit: str, vat: str) -> Figure:
    """A supplier's term as a record of the run's assumptions (an estimate when the terms
    took effect before the rules year)."""
    return Figure(
        name,
        terms.year,
        value,
        unit,
        vat,
        "estimate" if terms.carried_forward else "published",
        f"{terms.describe()}: {terms.source} (read {terms.read})",
        terms.valid_from.year,
        "supplier",
        terms.name,
    )


def _feed_in_figures(
    year: int, given: dict[str, Any], figures: dict[str, Any], estimates: list[Figure]
) -> None:
    """Fill in the feed-in costs, bands and compensation: the scenario's, else the named
    supplier's, else the year's defaults (the legal floor applied, see
    :func:`resolve_tariffs`).

    Raises
    ------
    ScenarioError
        The scenario's own compensation below the legal floor; an unknown supplier.
    """
    terms = supplier_terms(given["supplier"], year) if "supplier" in given else None
    own: list[Figure] = []
    if terms is not None:
        if "feed_in_cost_incl_vat_eur_per_kwh" not in given:
            value = terms.feed_in_cost_incl_vat_eur_per_kwh
            figures["feed_in_cost_incl_vat_eur_per_kwh"] = value
            own.append(
                _supplier_figure(
                    terms, "feed_in_cost_incl_vat_eur_per_kwh", value, "EUR/kWh fed in", "incl"
                )
            )
        bands = terms.feed_in_cost_bands_incl_vat_eur_per_month
        if "feed_in_cost_bands_incl_vat_eur_per_month" not in given and bands:
            given = {**given, "feed_in_cost_bands_incl_vat_eur_per_month": bands}
            unit = f"EUR/month in the highest of {len(bands)} bands"
            own.append(
                _supplier_figure(
                    terms, "feed_in_cost_bands_incl_vat_eur_per_month", max(bands), unit, "incl"
                )
            )
    figures["feed_in_cost_bands_incl_vat_eur_per_month"] = given.get(
        "feed_in_cost_bands_incl_vat_eur_per_month"
    )
    supply = figures["supply_price_excl_vat_eur_per_kwh"]
    floor = FEED_IN_FLOOR_FRAC * supply
    has_floor = year in FEED_IN_FLOOR_YEARS and not figures["net_metering"]
    name = "feed_in_compensation_excl_vat_eur_per_kwh"
    paid = terms.feed_in_compensation_excl_vat_eur_per_kwh if terms else None
    if name in given:
        figures[name] = given[name]
        if has_floor and given[name] < floor - 1e-12:
            raise ScenarioError(
                f"tariffs.{name}: expected at least {floor:.5f} (50% of the bare supply price "
                f"in {year}, amendment Grinwis), found {given[name]}"
            )
    elif terms is not None and paid is not None and has_floor and paid < floor - 1e-12:
        figures[name] = round(floor, 6)
        own.append(
            Figure(
                name,
                year,
                figures[name],
                "EUR/kWh fed in",
                "excl",
                "estimate",
                f"{terms.name} pays {paid:g} EUR/kWh ({terms.source}); the law requires at "
                "least 50% of the bare supply price in 2027-2029 (Kamerstukken 36 611, "
                f"amendment Grinwis c.s. nr. 17; EK 36 611 nr. D): 0.5 x {supply:g}",
                year,
                "floor",
                terms.name,
            )
        )
    elif terms is not None and paid is not None:
        figures[name] = paid
        own.append(_supplier_figure(terms, name, paid, "EUR/kWh fed in", "excl"))
    else:
        frac = yearly_figure("feed_in_compensation_frac_of_supply", year)
        figures[name] = round(frac.value * supply, 6)
        if frac.is_estimate:
            source = f"{frac.value:g} x the bare supply price: {frac.source}"
            own.append(
                Figure(
                    name, year, figures[name], "EUR/kWh fed in", "excl", "estimate", source, year
                )
            )
    replaced = {f.figure for f in own}
    estimates[:] = [f for f in estimates if f.figure not in replaced] + own


def _large_network_figures(
    year: int,
    given: dict[str, Any],
    choice: GridOperatorChoice,
    contracted_kw: Mapping[str, float],
    figures: dict[str, Any],
    estimates: list[Figure],
) -> None:
    """Fill in the large connection's network tariff: the scenario's figures, else the
    grid operator's (listed unless the scenario named the operator and the figures are
    published for the year)."""
    missing = [f for f in LARGE_NETWORK_FIELDS if f not in given]
    figures.update({f: given[f] for f in LARGE_NETWORK_FIELDS if f in given})
    if not missing:
        return
    tariff = large_network_tariff(choice, year, contracted_kw)
    basis = "grid_operator" if tariff.operator else "operator_unknown"
    for name in missing:
        figures[name] = tariff.values[name]
        if tariff.status == "estimate" or not choice.named:
            estimates.append(
                Figure(
                    name,
                    year,
                    tariff.values[name],
                    UNITS[name],
                    "excl",
                    tariff.status,
                    f"{tariff.name} {tariff.category}: {tariff.source}",
                    tariff.from_year,
                    basis,
                    tariff.name,
                )
            )


def format_tariff_table(year: int | None = None) -> str:
    """The tariff figures with their sources, for the terminal.

    Parameters
    ----------
    year : int, optional
        Show the figures a run of this year uses by default (carried forward where the
        data file has no row of that year); without it, every row of the data file.

    Notes
    -----
    Then the named suppliers' feed-in terms (:mod:`energysim.config.suppliers`) and the
    large-connection network tariffs by grid operator
    (:mod:`energysim.config.grid_operators`).
    """
    if year is None:
        rows = [
            (
                r["figure"],
                r["year"],
                float(r["value"]),
                r["unit"],
                r["vat"],
                r["status"],
                r["source"],
            )
            for r in tariff_table()
        ]
        title = f"energysim/{DATA_FILE}: every row (a later year carries the last row forward)"
    else:
        rows = []
        for name in figure_names():
            fig = yearly_figure(name, year)
            status = fig.status if fig.from_year == year else f"estimate ({fig.from_year})"
            rows.append((name, str(year), fig.value, fig.unit, fig.vat, status, fig.source))
        net = "yes" if year <= NET_METERING_LAST_YEAR else "no"
        rows.append(
            (
                "net_metering",
                str(year),
                float(net == "yes"),
                net,
                "none",
                "published",
                "net metering ends 1 January 2027 (Kamerstuk 36 611)",
            )
        )
        floor = year in FEED_IN_FLOOR_YEARS
        rows.append(
            (
                "feed_in_compensation_floor_frac",
                str(year),
                FEED_IN_FLOOR_FRAC if floor else 0.0,
                "of the bare supply price" if floor else "no legal floor this year",
                "none",
                "published",
                "the feed-in compensation is at least 50% of the bare supply price in "
                "2027-2029, until 1 January 2030 (Kamerstukken 36 611, amendment Grinwis c.s. "
                "nr. 17; EK 36 611 nr. D)",
            )
        )
        title = f"tariff figures for {year} (estimates are listed in every run's messages)"
    width = max(len(r[0]) for r in rows)
    lines = [title, ""]
    for name, yr, value, unit, vat, status, source in rows:
        vat_text = {"excl": "excl. VAT", "incl": "incl. VAT", "none": ""}[vat]
        lines.append(f"{name:<{width}}  {yr}  {value:>10g}  {unit}  {vat_text}  [{status}]")
        lines.append(f"{'':<{width}}  source: {source}")
    lines += ["", format_supplier_table(), "", format_operator_table(year)]
    return "\n".join(lines)
