"""A housing corporation's portfolio: one row per complex, on top of a scenario template.

Columns (CSV or the first sheet of an ``.xlsx``; header = row 1):

=====================  ==========  =================================================
column                 required    meaning
=====================  ==========  =================================================
complex_id             yes         unique id (letters, digits, ``_`` and ``.``, from a
                                   letter or digit; it names result files)
postcode               yes         Dutch postcode, ``1234`` or ``1234 AB``
dwellings              yes         number of dwellings
capacity_kwp           one of      PV capacity [kWp]
roof_area_m2           these two   usable flat roof [m2] (x the template's packing)
name                   no          free text
orientation            no          ``east-west`` (default), ``south``, or an azimuth [deg]
tilt_deg               no          default 10 (east-west) or 15
lift                   no          yes/no (default no): the template's lift kWh, or 2,500
participation_frac     no          share of dwellings taking part [0-1]
members                no          neighbourhood members for this roof
household_kwh_mean     no          mean annual consumption per household [kWh]
consumption_csv        no          measured consumption, columns ``<complex_id>-T001`` ...
=====================  ==========  =================================================

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
from pathlib import Path
from typing import Any

import pandas as pd

from energysim.errors import DataError
from energysim.io import read_text_table
from energysim.plausibility import Limit, limit_of
from energysim.population import derive_seed

REQUIRED = ("complex_id", "postcode", "dwellings")
OPTIONAL = (
    "name",
    "capacity_kwp",
    "roof_area_m2",
    "orientation",
    "tilt_deg",
    "lift",
    "participation_frac",
    "members",
    "household_kwh_mean",
    "consumption_csv",
)
DEFAULT_LIFT_KWH = 2500.0
"""A traction lift: 1,500-4,000 kWh/yr (domain.md section 7, *estimate*)."""
_ID = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.]{0,98}[A-Za-z0-9_])?$")
"""A building id that is also a safe file name (see :mod:`energysim.names`)."""


def _limit(field: str) -> Limit:
    limit = limit_of(field)
    assert limit is not None, field
    return limit


ROW_LIMITS = {
    "dwellings": _limit("buildings[].dwellings"),
    "capacity_kwp": _limit("buildings[].arrays[].capacity_kwp"),
    "roof_area_m2": _limit("buildings[].arrays[].area_m2"),
    "members": _limit("buildings[].members.count"),
    "household_kwh_mean": _limit("buildings[].tenants.annual_kwh.mean_kwh"),
}
"""Physical limits of the portfolio's numeric columns (:mod:`energysim.plausibility`)."""
_POSTCODE = re.compile(r"^[1-9][0-9]{3}( ?[A-Z]{2})?$")
_YES = {"yes", "y", "true", "1", "ja", "j"}
_NO = {"no", "n", "false", "0", "nee", ""}


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


def _number(path: Path, row: int, col: str, text: str, *, integer: bool = False) -> float | None:
    if text == "":
        return None
    value: float | None
    try:
        value = None if re.fullmatch(r"-?\d+,\d+", text) else float(text)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value):
        raise DataError(
            f"{path}: row {row}, column '{col}': "
            f"expected a number with a decimal point, found {text!r}"
        )
    if integer and value != int(value):
        raise DataError(
            f"{path}: row {row}, column '{col}': expected a whole number, found {text!r}"
        )
    if value < 0:
        raise DataError(
            f"{path}: row {row}, column '{col}': expected a non-negative value, found {text!r}"
        )
    limit = ROW_LIMITS.get(col)
    if limit is not None and value > limit.max:
        raise DataError(f"{path}: row {row}, column '{col}': {limit.message(value)}")
    return value


def complex_scenario(
    template: dict[str, Any], row: pd.Series, portfolio_path: Path
) -> dict[str, Any]:
    """The scenario dict of one complex: the template with the row's figures.

    Raises
    ------
    DataError
        Naming the portfolio file, the row and the column of a bad value.
    """
    path = Path(portfolio_path)
    r = int(row.name)
    get = {c: str(row.get(c, "")) for c in REQUIRED + OPTIONAL}
    cid = get["complex_id"]
    if not _ID.match(cid):
        raise DataError(
            f"{path}: row {r}, column 'complex_id': expected letters, digits, _ or ., "
            f"starting with a letter or digit, not ending with '.', at most 100 characters "
            f"(it names result files), found {cid!r}"
        )
    if not _POSTCODE.match(get["postcode"]):
        raise DataError(
            f"{path}: row {r}, column 'postcode': "
            f"expected a Dutch postcode like 3072 or 3072 AB, found {get['postcode']!r}"
        )
    dwellings = _number(path, r, "dwellings", get["dwellings"], integer=True)
    if not dwellings:
        raise DataError(
            f"{path}: row {r}, column 'dwellings': "
            f"expected a positive whole number, found {get['dwellings']!r}"
        )
    kwp = _number(path, r, "capacity_kwp", get["capacity_kwp"])
    area = _number(path, r, "roof_area_m2", get["roof_area_m2"])
    if (kwp is None) == (area is None):
        raise DataError(
            f"{path}: row {r}, columns 'capacity_kwp'/'roof_area_m2': "
            f"expected exactly one, found {'both' if kwp is not None else 'neither'}"
        )
    out = copy.deepcopy(template)
    base = copy.deepcopy(template["buildings"][0])
    template_arrays = [a for a in base.get("arrays", []) if a.get("setup", "common") == "common"]
    first = template_arrays[0] if template_arrays else {}
    packing = float(first.get("packing_kwp_per_m2", 0.15))
    total_kwp = kwp if kwp is not None else float(area or 0.0) * packing
    if total_kwp <= 0:
        raise DataError(
            f"{path}: row {r}, columns 'capacity_kwp'/'roof_area_m2': "
            f"expected a positive roof, found 0"
        )
    orientation = get["orientation"].lower() or "east-west"
    tilt = _number(path, r, "tilt_deg", get["tilt_deg"])
    if tilt is not None and tilt > 90:
        raise DataError(
            f"{path}: row {r}, column 'tilt_deg': expected 0-90 degrees, found {get['tilt_deg']!r}"
        )
    keep = {
        k: v
        for k, v in first.items()
        if k in ("dc_ac_ratio", "mounting", "losses_frac", "losses", "degradation_frac_per_yr")
    }
    if orientation in ("east-west", "oost-west", "ew"):
        t = 10.0 if tilt is None else tilt
        arrays = [
            {
                **keep,
                "id": f"{cid}-east",
                "capacity_kwp": total_kwp / 2,
                "surface_tilt_deg": t,
                "surface_azimuth_deg": 90.0,
            },
            {
                **keep,
                "id": f"{cid}-west",
                "capacity_kwp": total_kwp / 2,
                "surface_tilt_deg": t,
                "surface_azimuth_deg": 270.0,
            },
        ]
    else:
        azimuth = (
            180.0
            if orientation in ("south", "zuid")
            else _number(path, r, "orientation", orientation)
        )
        if azimuth is None or azimuth >= 360:
            raise DataError(
                f"{path}: row {r}, column 'orientation': "
                f"expected east-west, south or an azimuth 0-359, found {get['orientation']!r}"
            )
        arrays = [
            {
                **keep,
                "id": f"{cid}-roof",
                "capacity_kwp": total_kwp,
                "surface_tilt_deg": 15.0 if tilt is None else tilt,
                "surface_azimuth_deg": azimuth,
            }
        ]
    lift_text = get["lift"].lower()
    if lift_text not in _YES | _NO:
        raise DataError(
            f"{path}: row {r}, column 'lift': expected yes or no, found {get['lift']!r}"
        )
    ratio = dwellings / float(base.get("dwellings", dwellings))
    common = dict(base.get("common", {}))
    for key in (
        "lighting_kwh_per_yr",
        "ventilation_kwh_per_yr",
        "pumps_kwh_per_yr",
        "other_kwh_per_yr",
    ):
        if key in common:
            common[key] = float(common[key]) * ratio
    template_lift = float(common.get("lift_kwh_per_yr", 0.0))
    common["lift_kwh_per_yr"] = (template_lift or DEFAULT_LIFT_KWH) if lift_text in _YES else 0.0
    tenants = dict(base.get("tenants", {}))
    frac = _number(path, r, "participation_frac", get["participation_frac"])
    if frac is not None and frac > 1:
        raise DataError(
            f"{path}: row {r}, column 'participation_frac': "
            f"expected 0-1, found {get['participation_frac']!r}"
        )
    if frac is None:
        frac = float(tenants.get("participating", 0)) / float(base.get("dwellings", 1))
    tenants["participating"] = int(round(min(frac, 1.0) * dwellings))
    for key in ("archetypes", "suppliers"):
        if isinstance(tenants.get(key), list):
            tenants.pop(key)
    spec = tenants.get("annual_kwh")
    mean = _number(path, r, "household_kwh_mean", get["household_kwh_mean"])
    if mean is not None and mean <= 0:
        raise DataError(
            f"{path}: row {r}, column 'household_kwh_mean': expected a positive mean [kWh/yr], "
            f"found {get['household_kwh_mean']!r}"
        )
    if isinstance(spec, list) or spec is None or mean is not None:
        spec = {
            "distribution": "lognormal",
            "mean_kwh": mean or 2000.0,
            "sd_kwh": 0.35 * (mean or 2000.0),
        }
    tenants["annual_kwh"] = spec
    members = dict(base.get("members", {}))
    m = _number(path, r, "members", get["members"], integer=True)
    if m is not None:
        members["count"] = int(m)
    for key in ("annual_kwh", "archetypes", "suppliers", "certificates"):
        if isinstance(members.get(key), list) and len(members[key]) != members.get("count", 0):
            members.pop(key)
    building = {
        "id": cid,
        "postcode": get["postcode"],
        "dwellings": int(dwellings),
        "arrays": arrays,
        "common": common,
        "tenants": tenants,
        "members": members,
    }
    building.update(_features(base, dwellings / float(base.get("dwellings", dwellings)), path, cid))
    # each complex draws its own households: seeds derived from the template's and the id
    salt = zlib.crc32(cid.encode())
    for group in (tenants, members):
        group["profile_seed"] = derive_seed(int(group.get("profile_seed", 0)), salt)
        spec = group.get("annual_kwh")
        if isinstance(spec, dict):
            group["annual_kwh"] = {**spec, "seed": derive_seed(int(spec.get("seed", 0)), salt)}
    out["buildings"] = [building]
    out["name"] = f"{template.get('name', 'portfolio')}-{cid}"
    if get["name"]:
        out["description"] = get["name"]
    out.pop("generation_csv", None)
    if get["consumption_csv"]:
        csv = Path(get["consumption_csv"])
        out["consumption_csv"] = str(csv if csv.is_absolute() else (path.parent / csv).resolve())
    else:
        out.pop("consumption_csv", None)
    return out


FEATURE_COUNTS = {
    "heat_pumps": "dwellings",
    "ev_charging": "vehicles",
    "home_batteries": "dwellings",
}
"""Storage and electrification tables of the template (issue 21), and the count in each
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
            scaled = int(round(float(table[count]) * ratio))
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
