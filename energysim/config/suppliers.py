"""Named suppliers' published feed-in terms, read from the package's data file.

From 2027 net metering ends and suppliers charge for what is fed in (*terugleverkosten*)
and pay a feed-in compensation; before, many already charged per kWh fed in or a monthly
fee by band. ``energysim/data/suppliers.csv`` holds a few suppliers' published terms,
one row per supplier and date they took effect: feed-in costs per kWh fed in and/or a
monthly fee by band of 250 kWh/yr (incl. VAT, as suppliers publish them), the
compensation they pay per kWh, the source and the date it was read. A scenario names one
(``[tariffs] supplier = "greenchoice"``); its terms then replace the year's defaults of
those figures (:func:`energysim.config.tariffs.resolve_tariffs`), and the run's
assumptions name the terms and their source.

A rules year uses the terms in force on 1 January of that year (the latest row with
``valid_from`` on or before it); terms that took effect in an earlier year are carried
forward and are an estimate, as every tariff figure carried forward is.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from energysim.core.errors import DataError, ScenarioError

__all__ = [
    "DATA_FILE",
    "SupplierTerms",
    "format_supplier_table",
    "supplier_ids",
    "supplier_table",
    "supplier_terms",
]

DATA_FILE = "data/suppliers.csv"
COLUMNS = (
    "supplier",
    "name",
    "contract",
    "valid_from",
    "feed_in_cost_incl_vat_eur_per_kwh",
    "feed_in_cost_bands_incl_vat_eur_per_month",
    "feed_in_compensation_excl_vat_eur_per_kwh",
    "source",
    "read",
)


@dataclass(frozen=True)
class SupplierTerms:
    """One supplier's feed-in terms as a run of one rules year uses them.

    Attributes
    ----------
    supplier, name, contract : str
        Id (as a scenario names it), name and the contracts the terms are for.
    valid_from : datetime.date
        When the terms took effect.
    year : int
        The rules year they are used for.
    feed_in_cost_incl_vat_eur_per_kwh : float
        Charged per kWh fed in, incl. VAT [EUR/kWh].
    feed_in_cost_bands_incl_vat_eur_per_month : tuple of float or None
        Monthly fee by band of 250 kWh/yr fed in, incl. VAT [EUR/month]; None when the
        supplier charges per kWh only.
    feed_in_compensation_excl_vat_eur_per_kwh : float or None
        Paid per kWh fed in (after netting while net metering lasts) [EUR/kWh]; None when
        the data file has none (the year's default applies).
    source, read : str
        Where the terms were published and when they were read.
    """

    supplier: str
    name: str
    contract: str
    valid_from: date
    year: int
    feed_in_cost_incl_vat_eur_per_kwh: float
    feed_in_cost_bands_incl_vat_eur_per_month: tuple[float, ...] | None
    feed_in_compensation_excl_vat_eur_per_kwh: float | None
    source: str
    read: str

    @property
    def carried_forward(self) -> bool:
        """Whether the terms took effect before the rules year (an estimate for it)."""
        return self.valid_from.year < self.year

    def describe(self) -> str:
        """``Greenchoice (fixed for 2 or 3 years), terms from 2027-01-01``."""
        return f"{self.name} ({self.contract}), terms from {self.valid_from.isoformat()}"


def _number(text: str, where: str, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise DataError(f"{where}, column '{column}': expected a number, found {text!r}") from None
    if not 0.0 <= value <= (1000.0 if column.endswith("_per_month") else 10.0):
        unit = "EUR/month" if column.endswith("_per_month") else "EUR/kWh"
        raise DataError(f"{where}, column '{column}': expected a figure in {unit}, found {value}")
    return value


@cache
def supplier_table() -> tuple[dict[str, str], ...]:
    """Rows of the bundled supplier data file, checked once.

    Raises
    ------
    energysim.core.errors.DataError
        A missing column or cell, a date that is not ``YYYY-MM-DD``, a figure that is
        not a number, or a supplier's date given twice (the file is package data: this
        guards its updates).
    """
    text = resources.files("energysim").joinpath(DATA_FILE).read_text(encoding="utf-8")
    rows = tuple(csv.DictReader(text.splitlines()))
    seen: set[tuple[str, str]] = set()
    for i, row in enumerate(rows, start=2):
        where = f"energysim/{DATA_FILE}: row {i}"
        missing = [c for c in COLUMNS if c not in row]
        if missing:
            raise DataError(f"{where}: column '{missing[0]}' is missing")
        for column in ("supplier", "name", "valid_from", "source", "read"):
            if not (row[column] or "").strip():
                raise DataError(f"{where}, column '{column}': empty cell")
        try:
            date.fromisoformat(row["valid_from"])
        except ValueError:
            raise DataError(
                f"{where}, column 'valid_from': expected YYYY-MM-DD, found {row['valid_from']!r}"
            ) from None
        for column in COLUMNS[4:7]:
            for cell in filter(None, (row[column] or "").split(";")):
                _number(cell, where, column)
        if (row["supplier"], row["valid_from"]) in seen:
            raise DataError(f"{where}: {row['supplier']} {row['valid_from']} given twice")
        seen.add((row["supplier"], row["valid_from"]))
    return rows


def supplier_ids() -> tuple[str, ...]:
    """Ids of the suppliers in the data file, in file order."""
    return tuple(dict.fromkeys(r["supplier"] for r in supplier_table()))


def supplier_terms(supplier: str, year: int) -> SupplierTerms:
    """The terms of ``supplier`` in force on 1 January of ``year``.

    Raises
    ------
    ScenarioError
        ``tariffs.supplier: expected one of 'eneco', 'greenchoice', found 'x'``, or when
        the supplier's first terms took effect after 1 January of ``year``.
    """
    rows = [r for r in supplier_table() if r["supplier"] == supplier]
    if not rows:
        known = ", ".join(repr(s) for s in supplier_ids())
        raise ScenarioError(f"tariffs.supplier: expected one of {known}, found {supplier!r}")
    in_force = [r for r in rows if date.fromisoformat(r["valid_from"]) <= date(year, 1, 1)]
    if not in_force:
        first = min(r["valid_from"] for r in rows)
        raise ScenarioError(
            f"tariffs.supplier: {supplier!r} has no terms for {year} (its first terms took "
            f"effect on {first}); give the feed-in figures in [tariffs] instead"
        )
    row = max(in_force, key=lambda r: r["valid_from"])
    bands = tuple(
        float(b) for b in row["feed_in_cost_bands_incl_vat_eur_per_month"].split(";") if b
    )
    compensation = row["feed_in_compensation_excl_vat_eur_per_kwh"]
    return SupplierTerms(
        supplier=supplier,
        name=row["name"],
        contract=row["contract"],
        valid_from=date.fromisoformat(row["valid_from"]),
        year=year,
        feed_in_cost_incl_vat_eur_per_kwh=float(row["feed_in_cost_incl_vat_eur_per_kwh"] or 0),
        feed_in_cost_bands_incl_vat_eur_per_month=bands or None,
        feed_in_compensation_excl_vat_eur_per_kwh=float(compensation) if compensation else None,
        source=row["source"],
        read=row["read"],
    )


def format_supplier_table() -> str:
    """Every supplier's terms with their sources, for the terminal (``energysim tariffs``)."""
    lines = [
        f"suppliers' feed-in terms (energysim/{DATA_FILE}; a scenario names one with "
        '[tariffs] supplier = "ID"; a rules year uses the terms in force on 1 January)',
        "",
    ]
    for r in supplier_table():
        cost = float(r["feed_in_cost_incl_vat_eur_per_kwh"] or 0)
        bands = r["feed_in_cost_bands_incl_vat_eur_per_month"]
        paid = r["feed_in_compensation_excl_vat_eur_per_kwh"]
        paid = f"{float(paid):g} EUR/kWh" if paid else "the year's default"
        terms = f"feed-in costs {cost:g} EUR/kWh incl. VAT"
        if bands:
            terms += f" + bands {bands.replace(';', ', ')} EUR/month incl. VAT"
        lines.append(f"{r['supplier']:<12}  from {r['valid_from']}  {terms}; compensation {paid}")
        lines.append(f"{'':<12}  {r['name']}, {r['contract']}; read {r['read']}")
        lines.append(f"{'':<12}  source: {r['source']}")
    return "\n".join(lines)
