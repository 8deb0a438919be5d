"""A housing corporation's portfolio: one row per complex, on top of a scenario template.

A CSV or the first sheet of an ``.xlsx``, header = row 1; its columns are
:data:`COLUMNS`: for each the scenario field its value sets, how the cell is read, its
unit (docs/batch.md prints this table: :func:`columns_markdown`). Adding a column that
sets a scenario field as it is read is one line in :data:`COLUMNS`.

Everything a row does not give comes from the template's first building and its other
sections; common installations other than the lift scale with the number of dwellings.
The template building's shared battery carries over as it is; its home batteries, heat
pumps and EVs carry over with their counts scaled to the complex's dwellings.
"""

from __future__ import annotations

import copy
import math
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from energysim.batch.sweep import put_path
from energysim.config.limits import limit_of
from energysim.core.errors import DataError
from energysim.core.series_csv import read_text_table
from energysim.inputs.population import derive_seed


@dataclass(frozen=True)
class Column:
    """One column of a portfolio: how its cell is read and where its value goes.

    Attributes
    ----------
    name : str
        The column's header.
    required : str
        ``yes``, ``no``, or ``one of ...`` (exactly one of a group).
    kind : str
        How the cell is read and checked (a key of :data:`READERS`).
    unit : str
        Unit of the value (``-`` for none).
    path : str
        The scenario field it sets (``arrays[]``: every array of the building).
    meaning : str
        What it is, and how it becomes the field when not as it is.
    direct : bool
        The value is set at ``path`` as read (else a step of :func:`complex_scenario`
        derives the field from it and other columns).
    limit : str
        The scenario field whose physical limit (:mod:`energysim.config.limits`) bounds
        a number; default ``path``.
    expected : str
        What a value out of range should have been, in the error (default by kind).
    then : str
        A check across columns (a key of :data:`ROW_CHECKS`) run once this column is read.
    """

    name: str
    required: str
    kind: str
    unit: str
    path: str
    meaning: str
    direct: bool = True
    limit: str = ""
    expected: str = ""
    then: str = ""


ONE_ROOF = "one of capacity_kwp, roof_area_m2"

COLUMNS: tuple[Column, ...] = (
    Column("complex_id", "yes", "id", "-", "buildings[0].id",
           "unique id; also names the scenario (`<template name>-<id>`) and the arrays, "
           "and salts the households' seeds"),
    Column("postcode", "yes", "postcode", "-", "buildings[0].postcode",
           "Dutch postcode, `1234` or `1234 AB`"),
    Column("dwellings", "yes", "whole number > 0", "-", "buildings[0].dwellings",
           "number of dwellings; common installations other than the lift, heat pumps, "
           "EVs and home batteries scale with it"),
    Column("capacity_kwp", ONE_ROOF, "number", "kWp", "buildings[0].arrays[].capacity_kwp",
           "PV capacity, split evenly over the orientation's arrays", direct=False),
    Column("roof_area_m2", ONE_ROOF, "number", "m2", "buildings[0].arrays[].capacity_kwp",
           "usable flat roof, times the template's `packing_kwp_per_m2` (default 0.15)",
           direct=False, limit="buildings[0].arrays[].area_m2", then="one roof"),
    Column("tilt_deg", "no", "angle 0-90", "deg", "buildings[0].arrays[].surface_tilt_deg",
           "default 10 (east-west) or 15", direct=False),
    Column("orientation", "no", "orientation", "deg", "buildings[0].arrays[].surface_azimuth_deg",
           "`east-west` (default: two arrays, 90 and 270), `south` (180) or an azimuth 0-359",
           direct=False),
    Column("lift", "no", "yes/no", "-", "buildings[0].common.lift_kwh_per_yr",
           "yes (or `ja`, `y`, `true`, `1`): the template's lift kWh, or 2,500; no "
           "(default): 0", direct=False),
    Column("participation_frac", "no", "fraction 0-1", "-", "buildings[0].tenants.participating",
           "share of dwellings taking part, times the dwellings, rounded (default the "
           "template's share)", direct=False),
    Column("household_kwh_mean", "no", "number > 0", "kWh/yr",
           "buildings[0].tenants.annual_kwh.mean_kwh",
           "mean annual consumption per household: a lognormal distribution with sd 35% "
           "of the mean (default: the template's)", direct=False,
           expected="a positive mean [kWh/yr]"),
    Column("members", "no", "whole number", "-", "buildings[0].members.count",
           "neighbourhood members for this roof"),
    Column("name", "no", "text", "-", "description", "free text"),
    Column("consumption_csv", "no", "file", "-", "consumption_csv",
           "measured consumption, columns `<complex_id>-T001` ...; relative to the "
           "portfolio's folder"),
)  # fmt: skip
"""The portfolio's columns, in the order a row's cells are read and checked (the first
bad one is reported)."""

REQUIRED = tuple(c.name for c in COLUMNS if c.required == "yes")
OPTIONAL = tuple(c.name for c in COLUMNS if c.required != "yes")
DEFAULT_LIFT_KWH = 2500.0
"""A traction lift: 1,500-4,000 kWh/yr (domain.md section 7, *estimate*)."""
_ID = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.]{0,98}[A-Za-z0-9_])?$")
"""A building id that is also a safe file name (see :mod:`energysim.core.names`)."""
_POSTCODE = re.compile(r"^[1-9][0-9]{3}( ?[A-Z]{2})?$")
_YES = {"yes", "y", "true", "1", "ja", "j"}
_NO = {"no", "n", "false", "0", "nee", ""}
_EAST_WEST = ("east-west", "oost-west", "ew")


def columns_markdown() -> str:
    """:data:`COLUMNS` as the Markdown table docs/batch.md prints."""
    lines = [
        "| column | required | type | unit | scenario field | meaning |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for c in COLUMNS:
        path = f"`{c.path}`" + ("" if c.direct else " (derived)")
        lines.append(f"| `{c.name}` | {c.required} | {c.kind} | {c.unit} | {path} | {c.meaning} |")
    return "\n".join(lines) + "\n"


def read_portfolio(path: str | Path) -> pd.DataFrame:
    """Read a portfolio table as text; column checks only (rows are checked one by one).

    Raises
    ------
    DataError
        Unreadable file, a missing required column, an unknown column, duplicate ids.
    """
    path = Path(path)
    raw = read_text_table(path, "portfolio")
    for col in REQUIRED:
        if col not in raw.columns:
            raise DataError(f"{path}: column '{col}': required column is missing")
    unknown = [c for c in raw.columns if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise DataError(
            f"{path}: column '{unknown[0]}': unknown (expected {', '.join(REQUIRED + OPTIONAL)})"
        )
    if raw.empty:
        raise DataError(
            f"{path}: expected at least one complex (a row under the header), found none"
        )
    dup = raw["complex_id"].duplicated()
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        raise DataError(
            f"{path}: row {i + 2}, column 'complex_id': duplicate id {raw.complex_id[i]!r}"
        )
    raw.index = raw.index + 2  # spreadsheet row numbers
    raw.index.name = "row"
    return raw


@dataclass(frozen=True)
class _Cell:
    """One cell of a portfolio row, to read and to name in an error."""

    path: Path
    row: int
    column: Column
    text: str

    def error(self, expected: str) -> DataError:
        """The one-line error of this cell: file, row, column, expected, found."""
        return DataError(
            f"{self.path}: row {self.row}, column '{self.column.name}': "
            f"expected {expected}, found {self.text!r}"
        )

    def number(self, *, integer: bool = False, limited: bool = True) -> float | None:
        """The cell as a non-negative number (within its physical limit when ``limited``);
        None when empty."""
        if self.text == "":
            return None
        value: float | None
        try:
            value = None if re.fullmatch(r"-?\d+,\d+", self.text) else float(self.text)
        except ValueError:
            value = None
        if value is None:
            raise self.error("a number with a decimal point")
        if not math.isfinite(value):
            raise self.error("a finite number")
        if integer and value != int(value):
            raise self.error("a whole number")
        if value < 0:
            raise self.error("a non-negative value")
        limit = limit_of(self.column.limit or self.column.path) if limited else None
        if limit is not None and value > limit.max:
            raise DataError(
                f"{self.path}: row {self.row}, column '{self.column.name}': {limit.message(value)}"
            )
        return value


def _read_id(cell: _Cell) -> str:
    if not _ID.match(cell.text):
        raise cell.error(
            "letters, digits, _ or ., starting with a letter or digit, not ending with '.', "
            "at most 100 characters (it names result files)"
        )
    return cell.text


def _read_postcode(cell: _Cell) -> str:
    if not _POSTCODE.match(cell.text):
        raise cell.error("a Dutch postcode like 3072 or 3072 AB")
    return cell.text


def _read_count(cell: _Cell) -> int:
    value = cell.number(integer=True)
    if not value:
        raise cell.error("a positive whole number")
    return int(value)


def _read_whole(cell: _Cell) -> int | None:
    value = cell.number(integer=True)
    return None if value is None else int(value)


def _read_positive(cell: _Cell) -> float | None:
    value = cell.number()
    if value is not None and value <= 0:
        raise cell.error(cell.column.expected or f"a positive number [{cell.column.unit}]")
    return value


def _read_angle(cell: _Cell) -> float | None:
    value = cell.number(limited=False)
    if value is not None and value > 90:
        raise cell.error("0-90 degrees")
    return value


def _read_fraction(cell: _Cell) -> float | None:
    value = cell.number(limited=False)
    if value is not None and value > 1:
        raise cell.error("0-1")
    return value


def _read_orientation(cell: _Cell) -> float | str:
    """``east-west``, or an azimuth [deg]: 180 for ``south``, else the number given."""
    text = cell.text.lower() or "east-west"
    if text in _EAST_WEST:
        return "east-west"
    if text in ("south", "zuid"):
        return 180.0
    azimuth = _Cell(cell.path, cell.row, cell.column, text).number(limited=False)
    if azimuth is None or azimuth >= 360:
        raise cell.error("east-west, south or an azimuth 0-359")
    return azimuth


def _read_yes_no(cell: _Cell) -> bool:
    text = cell.text.lower()
    if text not in _YES | _NO:
        raise cell.error("yes or no")
    return text in _YES


def _read_file(cell: _Cell) -> str | None:
    """A path as given when absolute, else resolved against the portfolio's folder."""
    if not cell.text:
        return None
    csv = Path(cell.text)
    return str(csv if csv.is_absolute() else (cell.path.parent / csv).resolve())


READERS: dict[str, Callable[[_Cell], Any]] = {
    "id": _read_id,
    "postcode": _read_postcode,
    "text": lambda cell: cell.text or None,
    "whole number > 0": _read_count,
    "whole number": _read_whole,
    "number": lambda cell: cell.number(),
    "number > 0": _read_positive,
    "angle 0-90": _read_angle,
    "fraction 0-1": _read_fraction,
    "orientation": _read_orientation,
    "yes/no": _read_yes_no,
    "file": _read_file,
}
"""How a cell of each :attr:`Column.kind` is read: its value, or None when empty; a
bad cell is a :class:`DataError` naming the file, row and column."""


def read_row(row: pd.Series, portfolio_path: Path, base: dict[str, Any]) -> dict[str, Any]:
    """The values of one portfolio row, column by column of :data:`COLUMNS`.

    ``base`` is the template's building (the checks across columns may need it).

    Raises
    ------
    DataError
        The first bad cell, naming the file, the row and the column.
    """
    r = int(row.name)
    values: dict[str, Any] = {}
    for c in COLUMNS:
        values[c.name] = READERS[c.kind](_Cell(portfolio_path, r, c, str(row.get(c.name, ""))))
        if c.then:
            ROW_CHECKS[c.then](portfolio_path, r, values, base)
    return values


def _template_number(
    table: dict[str, Any], key: str, default: float, *, whole: bool = False, low: float = 0.0
) -> Any:
    """A number of the template's building that a complex's figures are made from, as
    the template gives it (``default`` when absent), at least ``low``: a string, a
    boolean or a fraction where a whole number belongs is refused here, not converted
    (scenario files are typed), and so is a value out of range."""
    value = table.get(key, default)
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not number or (whole and not isinstance(value, int)) or not value >= low:
        kind = "a whole number" if whole else "a number"
        raise DataError(
            f"portfolio template: field '{key}' of buildings[0] or its tables: expected "
            f"{kind} of at least {low:g}, found {value!r}"
        )
    return value


def _template_array(base: dict[str, Any]) -> dict[str, Any]:
    """The template building's first array on the common connection (or nothing)."""
    template_arrays = [a for a in base.get("arrays", []) if a.get("setup", "common") == "common"]
    return template_arrays[0] if template_arrays else {}


def _roof_kwp(values: dict[str, Any], base: dict[str, Any]) -> float:
    """The complex's PV capacity: as given, or the roof area x the template's packing."""
    packing = float(_template_number(_template_array(base), "packing_kwp_per_m2", 0.15))
    kwp = values["capacity_kwp"]
    return kwp if kwp is not None else float(values["roof_area_m2"] or 0.0) * packing


def _check_one_roof(path: Path, r: int, values: dict[str, Any], base: dict[str, Any]) -> None:
    """Exactly one of capacity and roof area, and a roof that holds some capacity."""
    kwp, area = values["capacity_kwp"], values["roof_area_m2"]
    if (kwp is None) == (area is None):
        raise DataError(
            f"{path}: row {r}, columns 'capacity_kwp'/'roof_area_m2': "
            f"expected exactly one, found {'both' if kwp is not None else 'neither'}"
        )
    if _roof_kwp(values, base) <= 0:
        raise DataError(
            f"{path}: row {r}, columns 'capacity_kwp'/'roof_area_m2': "
            f"expected a positive roof, found 0"
        )


ROW_CHECKS: dict[str, Callable[[Path, int, dict[str, Any], dict[str, Any]], None]] = {
    "one roof": _check_one_roof,
}
"""Checks across columns, by name (:attr:`Column.then`): (file, row, values so far,
template building)."""


def complex_scenario(
    template: dict[str, Any], row: pd.Series, portfolio_path: Path
) -> dict[str, Any]:
    """The scenario dict of one complex: the template with the row's figures.

    The row's cells are read by their column's kind (:func:`read_row`); the derived
    fields are made from them (the arrays, the common installations, the tenants, the
    storage and electrification counts, the households' seeds); then every direct
    column is set at its path.

    Raises
    ------
    DataError
        Naming the portfolio file, the row and the column of a bad value.
    """
    path = Path(portfolio_path)
    buildings = template.get("buildings")
    if not (isinstance(buildings, list) and buildings and isinstance(buildings[0], dict)):
        raise DataError(
            "portfolio template: field 'buildings': expected a [[buildings]] table (the "
            f"building every complex is made from), found {buildings!r}"
        )
    base = copy.deepcopy(buildings[0])
    values = read_row(row, path, base)
    cid: str = values["complex_id"]
    ratio = values["dwellings"] / _template_number(
        base, "dwellings", values["dwellings"], whole=True, low=1
    )
    building: dict[str, Any] = {
        "id": cid,
        "arrays": _arrays(values, base),
        "common": _common(values, base, ratio),
        "tenants": _tenants(values, base),
        "members": dict(base.get("members", {})),
    }
    building.update(_features(base, ratio, path, cid))
    out = copy.deepcopy(template)
    out["buildings"] = [building]
    out["name"] = f"{template.get('name', 'portfolio')}-{cid}"
    out.pop("generation_csv", None)
    out.pop("consumption_csv", None)
    for column in COLUMNS:
        if column.direct and values[column.name] is not None:
            put_path(out, column.path, values[column.name])
    _members_lists(building["members"])
    _own_seeds(building, cid)
    return out


def _arrays(values: dict[str, Any], base: dict[str, Any]) -> list[Any]:
    """The complex's arrays: two (east and west) or one, with the row's capacity (or roof
    area x the template's packing) and tilt, and the template's figures of an array."""
    total_kwp = _roof_kwp(values, base)
    first = _template_array(base)
    keep = {
        k: v
        for k, v in first.items()
        if k in ("dc_ac_ratio", "mounting", "losses_frac", "losses", "degradation_frac_per_yr")
    }
    cid, tilt, orientation = values["complex_id"], values["tilt_deg"], values["orientation"]
    if orientation == "east-west":
        t = 10.0 if tilt is None else tilt
        return [
            {
                **keep,
                "id": f"{cid}-{side}",
                "capacity_kwp": total_kwp / 2,
                "surface_tilt_deg": t,
                "surface_azimuth_deg": azimuth,
            }
            for side, azimuth in (("east", 90.0), ("west", 270.0))
        ]
    return [
        {
            **keep,
            "id": f"{cid}-roof",
            "capacity_kwp": total_kwp,
            "surface_tilt_deg": 15.0 if tilt is None else tilt,
            "surface_azimuth_deg": orientation,
        }
    ]


COMMON_SCALED = (
    "lighting_kwh_per_yr",
    "ventilation_kwh_per_yr",
    "pumps_kwh_per_yr",
    "other_kwh_per_yr",
)
"""Common installations that scale with the number of dwellings (not the lift)."""


def _common(values: dict[str, Any], base: dict[str, Any], ratio: float) -> dict[str, Any]:
    """The template's common installations scaled to the complex, and its lift or none."""
    common = dict(base.get("common", {}))
    for key in COMMON_SCALED:
        if key in common:
            common[key] = float(_template_number(common, key, 0.0)) * ratio
    template_lift = float(_template_number(common, "lift_kwh_per_yr", 0.0))
    common["lift_kwh_per_yr"] = (template_lift or DEFAULT_LIFT_KWH) if values["lift"] else 0.0
    return common


def _tenants(values: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """The template's tenants with the row's participation and mean consumption."""
    tenants = dict(base.get("tenants", {}))
    frac = values["participation_frac"]
    if frac is None:
        frac = _template_number(tenants, "participating", 0, whole=True) / _template_number(
            base, "dwellings", 1, whole=True, low=1
        )
    tenants["participating"] = int(round(min(frac, 1.0) * values["dwellings"]))
    for key in ("archetypes", "suppliers"):
        if isinstance(tenants.get(key), list):
            tenants.pop(key)
    spec = tenants.get("annual_kwh")
    mean = values["household_kwh_mean"]
    if isinstance(spec, list) or spec is None or mean is not None:
        spec = {
            "distribution": "lognormal",
            "mean_kwh": mean or 2000.0,
            "sd_kwh": 0.35 * (mean or 2000.0),
        }
    tenants["annual_kwh"] = spec
    return tenants


def _members_lists(members: dict[str, Any]) -> None:
    """Drop the template's per-member lists that do not fit the complex's count."""
    for key in ("annual_kwh", "archetypes", "suppliers", "certificates"):
        if isinstance(members.get(key), list) and len(members[key]) != members.get("count", 0):
            members.pop(key)


def _own_seeds(building: dict[str, Any], complex_id: str) -> None:
    """Each complex draws its own households: seeds derived from the template's and the
    complex id."""
    salt = zlib.crc32(complex_id.encode())
    for group in (building["tenants"], building["members"]):
        seed = _template_number(group, "profile_seed", 0, whole=True)
        group["profile_seed"] = derive_seed(seed, salt)
        spec = group.get("annual_kwh")
        if isinstance(spec, dict):
            seed = _template_number(spec, "seed", 0, whole=True)
            group["annual_kwh"] = {**spec, "seed": derive_seed(seed, salt)}


FEATURE_COUNTS = {
    "heat_pumps": "dwellings",
    "ev_charging": "vehicles",
    "home_batteries": "dwellings",
}
"""Storage and electrification tables of the template, and the count in each
that scales with a complex's dwellings; a shared ``battery`` is taken as it is."""


def _features(base: dict[str, Any], ratio: float, path: Path, complex_id: str) -> dict[str, Any]:
    """The template building's battery, home batteries, heat pumps and EVs for a complex.

    Counts of dwellings or vehicles scale with the complex's dwellings (rounded); a
    shared battery keeps its size.

    Raises
    ------
    DataError
        When per-vehicle lists cannot follow a changed number of vehicles.
    """
    out: dict[str, Any] = {}
    if base.get("battery") is not None:
        out["battery"] = copy.deepcopy(base["battery"])
    for name, count in FEATURE_COUNTS.items():
        table = base.get(name)
        if table is None:
            continue
        table = copy.deepcopy(table)
        if table.get(count) is not None:
            scaled = int(round(_template_number(table, count, 0, whole=True) * ratio))
            lists = [
                k for k, v in table.items() if isinstance(v, list) and k != "hot_water_reheat_hours"
            ]
            if lists and scaled != table[count]:
                raise DataError(
                    f"{path}: complex '{complex_id}': template {name}.{lists[0]}: a list per "
                    f"{count[:-1]} cannot follow {scaled} {count} instead of {table[count]}; "
                    "give one value in the template"
                )
            table[count] = scaled
        out[name] = table
    return out
