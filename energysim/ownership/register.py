"""Registers of renewable installations and their owners (CSV or Excel).

One row per owner of an installation, so a spreadsheet user can list owners under each
other. Columns (the optional ones may be left out of the file altogether):

=====================  ==========================================================  =========
column                 meaning                                                     unit
=====================  ==========================================================  =========
installation_id        unique per installation (repeated on each owner's row)
municipality_code      optional: CBS code ``GMxxxx``; gives the province and RES
                       region (:mod:`energysim.ownership.regions`)
municipality           municipality the installation stands in; may be empty on a
                       row with a code (the official name is used)
technology             ``solar`` or ``wind``
mounting               optional, solar only: ``ground`` (incl. floating) or
                       ``rooftop``; empty = not given
capacity_kw            installed capacity (DC for solar)                            kW
production_kwh_per_yr  measured annual production; may be empty                     kWh/yr
full_load_h            full-load hours, used when production is empty               h/yr
commissioning_year     optional: year it started (or is expected to start)         yr
status                 optional: ``operational`` (default when empty),
                       ``permitted`` or ``planned``
owner                  owner's name
owner_type             one of :data:`energysim.ownership.rules.OWNER_TYPES`
share_frac             the owner's share of the installation; per installation      -
                       the shares sum to 1
=====================  ==========================================================  =========

Without codes each ``municipality`` must be a name of the region table (the official name
replaces it). Errors name the file, the row as a spreadsheet shows it (header = row 1) and
the column.
Numbers must be finite and physically possible: production at most capacity times the
hours of a (leap) year, full-load hours at most 8,784.
"""

from __future__ import annotations

import difflib
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from energysim.config.owner_types import OWNER_TYPES
from energysim.core.csv_dialect import read_number
from energysim.core.errors import DataError
from energysim.core.series_csv import UserTable, read_user_table
from energysim.ownership.regions import (
    CODE_PATTERN,
    RegionTable,
    load_region_table,
    normalise_name,
)
from energysim.ownership.rules import installation_kind

REQUIRED_COLUMNS = (
    "installation_id",
    "technology",
    "capacity_kw",
    "production_kwh_per_yr",
    "full_load_h",
    "owner",
    "owner_type",
    "share_frac",
)
PLACE_COLUMNS = ("municipality", "municipality_code")
OPTIONAL_COLUMNS = ("municipality_code", "mounting", "commissioning_year", "status")
TECHNOLOGIES = ("solar", "wind")
MOUNTINGS = ("ground", "rooftop")
STATUSES = ("operational", "permitted", "planned")
SHARE_SUM_TOL = 1e-6
HOURS_PER_YEAR_MAX = 8784.0
"""Hours in a leap year: no installation runs more full-load hours than that."""
CAPACITY_MAX_KW = 2_000_000.0
"""2 GW: no installation on land comes near (the largest Dutch onshore wind park is about
0.4 GW); a larger figure is a unit mistake (W or MW for kW)."""
YEAR_MIN, YEAR_MAX = 1970, 2100
# Attributes of an installation that must be the same on each of its owners' rows.
INSTALLATION_COLUMNS = (
    "municipality",
    "municipality_code",
    "technology",
    "mounting",
    "capacity_kw",
    "production_kwh_per_yr",
    "full_load_h",
    "commissioning_year",
    "status",
)
OUTPUT_COLUMNS = (
    "installation_id",
    "municipality",
    "municipality_code",
    "province",
    "res_region",
    "code_note",
    "technology",
    "mounting",
    "kind",
    "capacity_kw",
    "production_kwh_per_yr",
    "full_load_h",
    "production_kwh",
    "commissioning_year",
    "status",
    "owner",
    "owner_type",
    "share_frac",
    "what_if",
)


def _rows(index: pd.Index | list[int]) -> str:
    return ", ".join(str(int(i) + 2) for i in index)


def read_register(path: str | Path, regions: RegionTable | None = None) -> pd.DataFrame:
    """Read and validate a register.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (UTF-8; standard: ``,`` between cells and a decimal point, or ``nl``:
        ``;`` and a decimal comma, told from the header) or ``.xlsx`` (first sheet).
        Numbers as :func:`energysim.core.csv_dialect.read_number` reads them in the
        file's dialect (a thousands separator only where the dialect makes it
        unambiguous); a workbook's number cells as they are, its text cells as in a
        standard CSV.
    regions : RegionTable, optional
        Municipality -> province and RES region; default the shipped table. Without a
        ``municipality_code`` column the names are matched against it.

    Returns
    -------
    pandas.DataFrame
        One row per owner, columns :data:`OUTPUT_COLUMNS`: the register's columns (the
        municipality's official name when a code is given), ``province`` and
        ``res_region`` (empty without codes), ``code_note`` (set when a former code was
        counted as its successor), ``kind`` (``wind``, ``solar_ground``,
        ``solar_rooftop`` or ``solar_unspecified``), ``production_kwh`` (measured, or
        ``capacity_kw * full_load_h``) [kWh/yr], ``status`` (``operational`` when not
        given) and ``what_if`` (False).

    Raises
    ------
    DataError
        A one-line message naming the file, row and column: a file that is not UTF-8
        (with the byte offset), a header without rows, a missing column, an empty,
        non-numeric, non-finite or impossible number, a thousands separator the dialect
        leaves ambiguous, a workbook formula without a saved value, an unknown choice, a
        municipality code not in the region table, a municipality name not in it (with
        the closest names) or the name of several, shares not summing to 1 per installation,
        attributes that differ between the rows of one installation.
    """
    path = Path(path)
    table = read_user_table(path, "register")
    raw = table.cells
    if raw.empty:
        raise DataError(f"{path}: expected one row per owner of an installation, found none")
    _check_columns(path, raw)
    columns = [*REQUIRED_COLUMNS, *PLACE_COLUMNS, *OPTIONAL_COLUMNS[1:]]
    reg = raw.reindex(columns=columns, fill_value="")
    for column in ("installation_id", "owner"):
        _no_empty(path, reg, column, reg[column] == "")
    nowhere = (reg["municipality"] == "") & (reg["municipality_code"] == "")
    _no_empty(path, reg, "municipality", nowhere)
    _check_choice(path, reg, "technology", TECHNOLOGIES)
    _check_choice(path, reg, "owner_type", OWNER_TYPES)
    _check_choice(path, reg, "mounting", ("", *MOUNTINGS))
    _check_choice(path, reg, "status", ("", *STATUSES))
    wind_mounted = (reg["technology"] == "wind") & (reg["mounting"] != "")
    if wind_mounted.any():
        i = reg.index[wind_mounted][0]
        raise DataError(
            f"{path}: row {i + 2}, column 'mounting': expected an empty cell for wind "
            f"(ground or rooftop is for solar), found {reg.loc[i, 'mounting']!r}"
        )
    out = reg.copy()
    for column in ("capacity_kw", "share_frac"):
        out[column] = _numbers(path, table, reg, column, allow_empty=False)
    for column in ("production_kwh_per_yr", "full_load_h", "commissioning_year"):
        out[column] = _numbers(path, table, reg, column, allow_empty=True)
    _check_bounds(path, reg, out)
    out["status"] = out["status"].where(out["status"] != "", "operational")
    _locate(path, out, regions)
    _check_installations(path, out)
    out["production_kwh"] = out["production_kwh_per_yr"].where(
        out["production_kwh_per_yr"].notna(), out["capacity_kw"] * out["full_load_h"]
    )
    out["kind"] = installation_kind(out["technology"], out["mounting"])
    out["what_if"] = False
    result = out[list(OUTPUT_COLUMNS)].reset_index(drop=True)
    if (result["municipality_code"] != "").any():
        result.attrs["regions_source"] = (regions or load_region_table()).source
    return result


def _check_columns(path: Path, raw: pd.DataFrame) -> None:
    # pandas renames a repeated header "x" to "x.1"; stripped names can repeat too
    names = [
        re.sub(r"\.\d+$", "", c) if re.sub(r"\.\d+$", "", c) in raw.columns else c
        for c in raw.columns
    ]
    repeated = [c for i, c in enumerate(names) if c in names[:i]]
    if repeated:
        raise DataError(f"{path}: column '{repeated[0]}': appears more than once in the header")
    present = set(raw.columns)
    known = {*REQUIRED_COLUMNS, *PLACE_COLUMNS, *OPTIONAL_COLUMNS}
    for column in raw.columns:
        if column in known:
            continue
        close = difflib.get_close_matches(column, sorted(known - present), n=1, cutoff=0.8)
        if close:
            raise DataError(
                f"{path}: column '{column}': not a register column; did you mean '{close[0]}'?"
            )
    for column in REQUIRED_COLUMNS:
        if column not in present:
            raise DataError(
                f"{path}: column '{column}': required column is missing "
                f"(found {', '.join(raw.columns)})"
            )
    if not present & set(PLACE_COLUMNS):
        raise DataError(
            f"{path}: columns 'municipality'/'municipality_code': expected at least one, "
            f"found neither (found {', '.join(raw.columns)})"
        )


def _no_empty(path: Path, reg: pd.DataFrame, column: str, empty: pd.Series) -> None:
    if empty.any():
        raise DataError(f"{path}: row {_rows(reg.index[empty][:1])}, column '{column}': empty cell")


def _check_choice(path: Path, reg: pd.DataFrame, column: str, allowed: tuple[str, ...]) -> None:
    bad = ~reg[column].isin(allowed)
    if bad.any():
        i = reg.index[bad][0]
        shown = ", ".join(a for a in allowed if a) + (" or empty" if "" in allowed else "")
        raise DataError(
            f"{path}: row {i + 2}, column '{column}': expected one of {shown}, "
            f"found {reg.loc[i, column]!r}"
        )


def _numbers(
    path: Path, table: UserTable, reg: pd.DataFrame, column: str, *, allow_empty: bool
) -> pd.Series:
    """A column's numbers as the file's dialect writes them (:func:`read_number`); a
    workbook's number cells as they are, its text cells as in a standard CSV."""
    text = reg[column]
    typed = (
        table.numbers[column]
        if table.numbers is not None and column in table.numbers.columns
        else pd.Series(False, index=text.index)
    )
    dialect = "standard" if table.dialect == "excel" else table.dialect
    values = pd.Series(np.nan, index=text.index, dtype=np.float64)
    for i, cell in text.items():
        row = f"{path}: row {int(i) + 2}, column '{column}'"
        if cell == "":
            if not allow_empty:
                raise DataError(f"{row}: expected a number, found an empty cell")
            continue
        try:
            value = float(cell) if typed[i] else read_number(cell, dialect)
        except ValueError as exc:
            held = " (a text cell, read as in a standard CSV)" if table.dialect == "excel" else ""
            raise DataError(f"{row}: expected {exc}{held}, found {cell!r}") from None
        if not math.isfinite(value):
            raise DataError(f"{row}: expected a finite number, found {cell!r}")
        values[i] = value
    return values


def _first_bad(path: Path, reg: pd.DataFrame, bad: pd.Series, column: str, expected: str) -> None:
    if bad.any():
        i = reg.index[bad][0]
        raise DataError(
            f"{path}: row {i + 2}, column '{column}': expected {expected}, "
            f"found {reg.loc[i, column]}"
        )


def _check_bounds(path: Path, reg: pd.DataFrame, out: pd.DataFrame) -> None:
    cap = out["capacity_kw"]
    _first_bad(path, reg, cap <= 0, "capacity_kw", "a positive capacity")
    _first_bad(
        path,
        reg,
        cap > CAPACITY_MAX_KW,
        "capacity_kw",
        f"at most {CAPACITY_MAX_KW:,.0f} kW (no installation on land is larger; kW, not W?)",
    )
    for column in ("production_kwh_per_yr", "full_load_h"):
        _first_bad(path, reg, out[column] < 0, column, "a non-negative value")
    _first_bad(
        path,
        reg,
        out["full_load_h"] > HOURS_PER_YEAR_MAX,
        "full_load_h",
        f"at most {HOURS_PER_YEAR_MAX:,.0f} h (the hours of a leap year)",
    )
    too_much = out["production_kwh_per_yr"] > out["capacity_kw"] * HOURS_PER_YEAR_MAX
    _first_bad(
        path,
        reg,
        too_much,
        "production_kwh_per_yr",
        f"at most capacity_kw x {HOURS_PER_YEAR_MAX:,.0f} h (a full year at full power)",
    )
    bad_share = (out["share_frac"] <= 0) | (out["share_frac"] > 1)
    _first_bad(path, reg, bad_share, "share_frac", "a share in (0, 1]")
    year = out["commissioning_year"]
    bad_year = year.notna() & ((year != year.round()) | (year < YEAR_MIN) | (year > YEAR_MAX))
    _first_bad(
        path, reg, bad_year, "commissioning_year", f"a whole year from {YEAR_MIN} to {YEAR_MAX}"
    )
    no_production = out["production_kwh_per_yr"].isna() & out["full_load_h"].isna()
    if no_production.any():
        i = out.index[no_production][0]
        raise DataError(
            f"{path}: row {i + 2}, columns 'production_kwh_per_yr'/'full_load_h': "
            "expected a measured production or full-load hours, found both empty"
        )


def _locate(path: Path, out: pd.DataFrame, regions: RegionTable | None) -> None:
    """Fill province and RES region from the codes (in place); check names against them."""
    out["province"] = ""
    out["res_region"] = ""
    out["code_note"] = ""
    codes = out["municipality_code"]
    if not (codes != "").any():
        _match_names(path, out, regions or load_region_table())
        return
    _no_empty(path, out, "municipality_code", codes == "")
    malformed = ~codes.str.fullmatch(CODE_PATTERN.pattern)
    if malformed.any():
        i = out.index[malformed][0]
        raise DataError(
            f"{path}: row {i + 2}, column 'municipality_code': expected a CBS code GM "
            f"followed by 4 digits (e.g. GM0599), found {codes[i]!r}"
        )
    table = regions or load_region_table()
    resolved: dict[str, tuple[str, str]] = {}
    for code in codes.unique():
        try:
            resolved[code] = table.resolve(code)
        except KeyError as exc:
            i = out.index[codes == code][0]
            raise DataError(
                f"{path}: row {i + 2}, column 'municipality_code': {exc.args[0]}"
            ) from None
    pairs = out[["municipality_code", "municipality"]].drop_duplicates()
    for i, code, written in pairs.itertuples():
        if written and not table.names_match(resolved[code][0], written):
            official = table.municipalities.loc[resolved[code][0], "municipality"]
            raise DataError(
                f"{path}: row {i + 2}, column 'municipality': {written!r} is not the "
                f"municipality of code {code} ({official}); correct the code or the name, "
                "or leave the name empty"
            )
    current = codes.map(lambda c: resolved[c][0])
    out["code_note"] = codes.map(lambda c: resolved[c][1])
    out["municipality_code"] = current
    places = table.municipalities.loc[current]
    out["municipality"] = places["municipality"].to_numpy()
    out["province"] = places["province"].to_numpy()
    out["res_region"] = places["res_region"].to_numpy()


def _match_names(path: Path, out: pd.DataFrame, table: RegionTable) -> None:
    """Put the official name in place of each written one (in place); refuse a name that is
    no municipality of the table, with the closest names, or the name of several."""
    by_name = table.codes_by_name()
    official = table.municipalities["municipality"]
    split = {normalise_name(str(n)) for n in table.former.query("successor_code == ''").former_name}
    names: dict[str, str] = {}
    for written in out["municipality"].unique():
        key = normalise_name(written)
        codes = by_name.get(key) or by_name.get(re.sub(r"\(.*\)", "", key), set())
        i = out.index[out["municipality"] == written][0]
        where = f"{path}: row {i + 2}, column 'municipality'"
        if len(codes) > 1:
            several = " and ".join(sorted(str(official[c]) for c in codes))
            raise DataError(
                f"{where}: expected the name of one municipality, found {written!r}, the name "
                f"of {several}: write the name with its province suffix or add municipality_code"
            )
        if not codes:
            if key in split:
                hint = "was split between several municipalities: write the one it lies in now"
            else:
                close = table.closest_names(written)
                hint = f"did you mean {', '.join(close)}?" if close else "check the spelling"
            raise DataError(
                f"{where}: expected a municipality of the region table ({table.division}), "
                f"found {written!r}; {hint}"
            )
        names[written] = str(official[next(iter(codes))])
    out["municipality"] = out["municipality"].map(names)


def _check_installations(path: Path, out: pd.DataFrame) -> None:
    g = out.groupby("installation_id", sort=False)
    differing = pd.DataFrame({c: g[c].nunique(dropna=False) > 1 for c in INSTALLATION_COLUMNS})
    totals = g["share_frac"].sum()
    bad_sum = (totals - 1.0).abs() > SHARE_SUM_TOL
    problem = differing.any(axis=1) | bad_sum
    if not problem.any():
        return
    inst = problem.index[problem][0]  # the first in the file: groups keep their order
    rows = _rows(out.index[out["installation_id"] == inst])
    if differing.loc[inst].any():
        column = differing.columns[differing.loc[inst].to_numpy()][0]
        raise DataError(
            f"{path}: rows {rows}, column '{column}': installation {inst!r} has different "
            "values on its rows"
        )
    raise DataError(
        f"{path}: rows {rows}, column 'share_frac': shares of installation {inst!r} must sum "
        f"to 1, found {float(totals[inst]):.6g}"
    )
