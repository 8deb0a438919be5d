"""Registers of renewable installations and their owners (CSV or Excel).

One row per owner of an installation, so a spreadsheet user can list owners under each
other. Columns:

=====================  ========================================================  =========
column                 meaning                                                   unit
=====================  ========================================================  =========
installation_id        unique per installation (repeated on each owner's row)
municipality           municipality the installation stands in
technology             ``solar`` or ``wind``
capacity_kw            installed capacity (DC for solar)                          kW
production_kwh_per_yr  measured annual production; may be empty                   kWh/yr
full_load_h            full-load hours, used when production is empty             h/yr
owner                  owner's name
owner_type             one of :data:`energysim.ownership.OWNER_TYPES`
share_frac             the owner's share of the installation; per installation    -
                       the shares sum to 1
=====================  ========================================================  =========

Errors name the file, the row as a spreadsheet shows it (header = row 1) and the column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from energysim.errors import DataError
from energysim.io import read_text_table
from energysim.ownership import OWNER_TYPES

REQUIRED_COLUMNS = (
    "installation_id",
    "municipality",
    "technology",
    "capacity_kw",
    "production_kwh_per_yr",
    "full_load_h",
    "owner",
    "owner_type",
    "share_frac",
)
TECHNOLOGIES = ("solar", "wind")
SHARE_SUM_TOL = 1e-6


def _rows(index: pd.Index | list[int]) -> str:
    return ", ".join(str(int(i) + 2) for i in index)


def read_register(path: str | Path) -> pd.DataFrame:
    """Read and validate a register.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (comma-separated, decimal point) or ``.xlsx`` (first sheet).

    Returns
    -------
    pandas.DataFrame
        The register's columns plus ``production_kwh`` (measured, or ``capacity_kw *
        full_load_h``) [kWh/yr].

    Raises
    ------
    DataError
        Missing column, empty or non-numeric cell, negative capacity, unknown technology
        or owner type, shares not summing to 1 per installation, attributes that differ
        between the rows of one installation.
    """
    path = Path(path)
    raw = read_text_table(path, "register")
    for column in REQUIRED_COLUMNS:
        if column not in raw.columns:
            raise DataError(
                f"{path}: column '{column}': required column is missing "
                f"(found {', '.join(raw.columns)})"
            )
    reg = raw[list(REQUIRED_COLUMNS)]
    for column in ("installation_id", "municipality", "owner"):
        empty = reg[column] == ""
        if empty.any():
            raise DataError(
                f"{path}: row {_rows(reg.index[empty][:1])}, column '{column}': empty cell"
            )
    _check_choice(path, reg, "technology", TECHNOLOGIES)
    _check_choice(path, reg, "owner_type", OWNER_TYPES)
    out = reg.copy()
    out["capacity_kw"] = _numbers(path, reg, "capacity_kw", allow_empty=False)
    out["share_frac"] = _numbers(path, reg, "share_frac", allow_empty=False)
    out["production_kwh_per_yr"] = _numbers(path, reg, "production_kwh_per_yr", allow_empty=True)
    out["full_load_h"] = _numbers(path, reg, "full_load_h", allow_empty=True)
    for column in ("capacity_kw", "production_kwh_per_yr", "full_load_h"):
        negative = out[column] < 0
        if negative.any():
            i = out.index[negative][0]
            raise DataError(
                f"{path}: row {i + 2}, column '{column}': expected a non-negative value, "
                f"found {reg.loc[i, column]}"
            )
    bad_share = (out["share_frac"] <= 0) | (out["share_frac"] > 1)
    if bad_share.any():
        i = out.index[bad_share][0]
        raise DataError(
            f"{path}: row {i + 2}, column 'share_frac': expected a share in (0, 1], "
            f"found {reg.loc[i, 'share_frac']}"
        )
    no_production = out["production_kwh_per_yr"].isna() & out["full_load_h"].isna()
    if no_production.any():
        i = out.index[no_production][0]
        raise DataError(
            f"{path}: row {i + 2}, columns 'production_kwh_per_yr'/'full_load_h': "
            "expected a measured production or full-load hours, found both empty"
        )
    for inst, group in out.groupby("installation_id", sort=False):
        for column in (
            "municipality",
            "technology",
            "capacity_kw",
            "production_kwh_per_yr",
            "full_load_h",
        ):
            if group[column].nunique(dropna=False) > 1:
                raise DataError(
                    f"{path}: rows {_rows(group.index)}, column '{column}': installation "
                    f"{inst!r} has different values on its rows"
                )
        total = float(group["share_frac"].sum())
        if abs(total - 1.0) > SHARE_SUM_TOL:
            raise DataError(
                f"{path}: rows {_rows(group.index)}, column 'share_frac': shares of "
                f"installation {inst!r} must sum to 1, found {total:.6g}"
            )
    out["production_kwh"] = out["production_kwh_per_yr"].where(
        out["production_kwh_per_yr"].notna(), out["capacity_kw"] * out["full_load_h"]
    )
    return out


def _check_choice(path: Path, reg: pd.DataFrame, column: str, allowed: tuple[str, ...]) -> None:
    bad = ~reg[column].isin(allowed)
    if bad.any():
        i = reg.index[bad][0]
        raise DataError(
            f"{path}: row {i + 2}, column '{column}': expected one of {', '.join(allowed)}, "
            f"found {reg.loc[i, column]!r}"
        )


def _numbers(path: Path, reg: pd.DataFrame, column: str, *, allow_empty: bool) -> pd.Series:
    text = reg[column]
    empty = text == ""
    if empty.any() and not allow_empty:
        i = reg.index[empty][0]
        raise DataError(
            f"{path}: row {i + 2}, column '{column}': expected a number, found an empty cell"
        )
    comma = text.str.fullmatch(r"-?\d+,\d+")
    if comma.any():
        i = reg.index[comma][0]
        raise DataError(
            f"{path}: row {i + 2}, column '{column}': expected a decimal point, found {text[i]!r}"
        )
    values = pd.to_numeric(text.where(~empty, None), errors="coerce")
    bad = values.isna() & ~empty
    if bad.any() or not np.isfinite(values[~empty]).all():
        i = reg.index[bad | (~empty & ~np.isfinite(values.fillna(0)))][0]
        raise DataError(
            f"{path}: row {i + 2}, column '{column}': expected a number, found {text[i]!r}"
        )
    return values.astype(np.float64)
