"""Local ownership of renewable production and the Klimaatakkoord 50% target.

"Gestreefd wordt naar 50% eigendom van de productie van de lokale omgeving (burgers en
bedrijven)" for wind and solar on land above 15 kW by 2030 (Kamerbrief 5 September
2022, kst-32813-1087). The measure is a **share of production (kWh)**, not of capacity;
this module reports both. Every rule below is a parameter of :class:`OwnershipRules`,
and docs/ownership.md names each with its source.

1. **Scope**: installations above ``scope_above_kw`` (15 kW) count toward the target;
   smaller ones are reported separately (Klimaatakkoord; the sector's Q&A on the
   participation agreements: "wind en zon groter dan 15 kWpiek").
2. **Who is local**: each owner type belongs to a class (:data:`OWNER_CLASSES`). Since
   its 2021 edition the Participatiemonitor (Monitor participatie hernieuwbare energie op
   land, for the ministry of EZK) counts only ownership **open to the local community**
   (everyone nearby can invest and co-own, often through a collective) toward the 50%,
   not ownership by **one or a few local parties** (a farmer's turbine, a local
   business). That is the default rule, ``community``; ``any_local`` also counts the
   few local parties, as the monitor's first edition did.
3. **Regions**: totals per municipality, province and RES region from CBS municipality
   codes (:mod:`energysim.ownership.regions`).
4. **Kinds**: wind, ground-mounted and rooftop solar separately; the monitor itself covers
   wind and non-building solar only (the ``monitor_scope`` rows), and so does the headline
   share (:data:`energysim.ownership.tables.HEADLINE_KINDS`); rooftops stand beside it.
5. **Progress**: the share per commissioning year up to now and, with the permitted and
   planned pipeline, in 2030.
6. **What-if**: rooftops added to a register (:func:`add_installations`) are reported with
   and without, and the fully local rooftop capacity that closes each area's gap.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from energysim.config.owner_types import OWNER_TYPES
from energysim.core.errors import EnergysimError
from energysim.ownership.regions import CODE_PATTERN, RegionTable, load_region_table

OwnerClass = Literal["community", "few_local", "public", "switch", "not_local"]
OWNER_CLASSES: dict[str, OwnerClass] = {
    # open to the local community: anyone nearby can join or invest
    "resident_cooperative": "community",
    "tenants_collective": "community",
    "local_crowdfunding": "community",
    # one or a few local parties
    "resident": "few_local",
    "local_business": "few_local",
    # public bodies: a local-ownership category of their own in the monitor
    "municipality": "public",
    "water_board": "public",
    # not settled: a visible switch
    "housing_corporation": "switch",
    "non_local_investor": "not_local",
    "other": "not_local",
}
"""The class of each owner type (docs/ownership.md gives the reason for each)."""

LocalRule = Literal["community", "any_local"]
LOCAL_RULES: dict[str, str] = {
    "community": "ownership open to the local community (Participatiemonitor rule since "
    "2021; one or a few local parties do not count)",
    "any_local": "any local owner, including one or a few local parties (Participatiemonitor "
    "first edition, 2020)",
}
TARGET_FRAC = 0.5
"""Klimaatakkoord: 50% local ownership of production by 2030."""
SCOPE_ABOVE_KW = 15.0
"""The target covers wind and solar above 15 kW."""
TARGET_YEAR = 2030
SPECIFIC_YIELD_MAX = 2000.0
"""kWh/kWp/yr: no fixed PV in the Netherlands comes near (850-950, domain.md section 7)."""
PIPELINE = {
    "operational+permitted": ("operational", "permitted"),
    "operational+permitted+planned": ("operational", "permitted", "planned"),
}
LEVELS = ("municipality", "province", "res_region", "total")
KINDS = ("wind", "solar_ground", "solar_rooftop", "solar_unspecified", "monitor_scope", "all")


def local_types(
    *,
    rule: LocalRule = "community",
    housing_corporation_local: bool = False,
    overrides: Mapping[str, bool] | None = None,
) -> frozenset[str]:
    """Return the owner types that count as local.

    Parameters
    ----------
    rule : {"community", "any_local"}
        ``community`` (default, the monitor's rule since 2021): owners open to the local
        community and public bodies; ``any_local``: also one or a few local parties.
    housing_corporation_local : bool
        Count housing corporations as local (not settled; default False).
    overrides : mapping of str to bool, optional
        Per owner type, True = local, False = not local; applied last.

    Raises
    ------
    EnergysimError
        For an unknown rule or owner type.
    """
    if rule not in LOCAL_RULES:
        raise EnergysimError(f"rule: expected one of {', '.join(LOCAL_RULES)}, found {rule!r}")
    counted = {"community", "public"} | ({"few_local"} if rule == "any_local" else set())
    local = {kind for kind, cls in OWNER_CLASSES.items() if cls in counted}
    if housing_corporation_local:
        local.add("housing_corporation")
    for kind, is_local in (overrides or {}).items():
        if kind not in OWNER_TYPES:
            raise EnergysimError(
                f"owner type: expected one of {', '.join(OWNER_TYPES)}, found {kind!r}"
            )
        (local.add if is_local else local.discard)(kind)
    return frozenset(local)


DEFAULT_LOCAL_TYPES: frozenset[str] = local_types()


def installation_kind(technology: pd.Series, mounting: pd.Series) -> pd.Series:
    """The kind the monitor reports: ``wind``, ``solar_ground``, ``solar_rooftop`` or
    ``solar_unspecified`` (mounting not given)."""
    solar = "solar_" + mounting.where(mounting != "", "unspecified")
    return solar.where(technology != "wind", "wind")


def local_share_frac(
    owners: Sequence[tuple[str, float]], local: frozenset[str] = DEFAULT_LOCAL_TYPES
) -> float:
    """Return the fraction of an installation owned locally.

    Parameters
    ----------
    owners : sequence of (owner_type, share_frac)
        Shares summing to 1.
    local : frozenset of str
        Owner types counted as local (:func:`local_types`).
    """
    return float(sum(share for kind, share in owners if kind in local))


# --------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class OwnershipRules:
    """Every choice behind a local-ownership figure, in one place.

    Attributes
    ----------
    target_frac : float
        Target share of production, in (0, 1] [-]; 0.5 in the Klimaatakkoord.
    scope_above_kw : float
        Installations with a capacity above this count toward the target; the others are
        reported separately [kW]. 15 in the Klimaatakkoord; 0 counts everything.
    rule : {"community", "any_local"}
        Which local owners count (:func:`local_types`).
    housing_corporation_local : bool
        Count housing corporations as local (not settled).
    overrides : tuple of (owner_type, bool)
        Per-type overrides, applied last.
    specific_yield_kwh_per_kwp : float
        Yield of new rooftops in the "kWp to close the gap" figure [kWh/kWp/yr].
    now_yr : int
        The current year: the last year of the history; operational installations
        commissioned later are an error. Default: this calendar year.
    """

    target_frac: float = TARGET_FRAC
    scope_above_kw: float = SCOPE_ABOVE_KW
    rule: LocalRule = "community"
    housing_corporation_local: bool = False
    overrides: tuple[tuple[str, bool], ...] = ()
    specific_yield_kwh_per_kwp: float = 900.0
    now_yr: int = field(default_factory=lambda: datetime.date.today().year)

    def __post_init__(self) -> None:
        t = self.target_frac
        if not (np.isfinite(t) and 0 < t <= 1):
            raise EnergysimError(f"target_frac: expected a share in (0, 1], found {t:g}")
        s = self.scope_above_kw
        if not (np.isfinite(s) and s >= 0):
            raise EnergysimError(f"scope_above_kw: expected a capacity >= 0 kW, found {s:g}")
        y = self.specific_yield_kwh_per_kwp
        if not (np.isfinite(y) and 0 < y <= SPECIFIC_YIELD_MAX):
            raise EnergysimError(
                f"specific_yield_kwh_per_kwp: expected a yield in (0, {SPECIFIC_YIELD_MAX:,.0f}] "
                f"kWh/kWp (Dutch rooftops yield 850-950), found {y:g}"
            )
        if not 2000 <= self.now_yr <= 2100:
            raise EnergysimError(f"now_yr: expected a year from 2000 to 2100, found {self.now_yr}")
        local_types(rule=self.rule, overrides=dict(self.overrides))  # validates both

    @property
    def local(self) -> frozenset[str]:
        """Owner types counted as local under these rules."""
        return local_types(
            rule=self.rule,
            housing_corporation_local=self.housing_corporation_local,
            overrides=dict(self.overrides),
        )

    def describe(self) -> dict[str, object]:
        """The rules as plain values, for every output."""
        return {
            "target_frac": self.target_frac,
            "scope_above_kw": self.scope_above_kw,
            "local_rule": self.rule,
            "local_rule_meaning": LOCAL_RULES[self.rule],
            "housing_corporation_local": self.housing_corporation_local,
            "local_types": sorted(self.local),
            "owner_classes": dict(OWNER_CLASSES),
            "specific_yield_kwh_per_kwp": self.specific_yield_kwh_per_kwp,
            "now_yr": self.now_yr,
        }


REGISTER_DEFAULTS: dict[str, object] = {
    "municipality_code": "",
    "province": "",
    "res_region": "",
    "code_note": "",
    "mounting": "",
    "commissioning_year": np.nan,
    "status": "operational",
    "what_if": False,
}


# --------------------------------------------------------------------------- what-if rows
def installation_rows(
    installation_id: str,
    municipality: str,
    technology: str,
    capacity_kw: float,
    production_kwh: float,
    owners: Sequence[tuple[str, str, float]],
    *,
    mounting: str = "rooftop",
) -> pd.DataFrame:
    """Register rows (one per owner) for one installation, e.g. a simulated rooftop.

    Parameters
    ----------
    installation_id, municipality, technology : str
    capacity_kw : float
        [kW]
    production_kwh : float
        Annual production [kWh/yr].
    owners : sequence of (owner, owner_type, share_frac)
    mounting : str
        ``rooftop`` (default: what the simulator models), ``ground`` or empty.
    """
    return pd.DataFrame(
        [
            {
                "installation_id": installation_id,
                "municipality": municipality,
                "technology": technology,
                "mounting": mounting if technology == "solar" else "",
                "capacity_kw": float(capacity_kw),
                "production_kwh": float(production_kwh),
                "owner": owner,
                "owner_type": kind,
                "share_frac": float(share),
            }
            for owner, kind, share in owners
        ]
    )


def add_installations(
    register: pd.DataFrame, rows: pd.DataFrame, regions: object | None = None
) -> pd.DataFrame:
    """Append what-if installations to a register; they are reported with and without.

    Parameters
    ----------
    register : pandas.DataFrame
        A register from :func:`energysim.ownership.register.read_register`.
    rows : pandas.DataFrame
        Rows as made by :func:`installation_rows`. Their ``municipality`` is a name of the
        register's, or (for a register with codes) any municipality's name or CBS code.
    regions : energysim.ownership.regions.RegionTable, optional
        Table for names and codes not in the register; default the shipped one.

    Raises
    ------
    EnergysimError
        For an installation id already in the register, or a municipality that cannot
        be placed in a register with codes.
    """
    clash = sorted(set(rows["installation_id"]) & set(register["installation_id"]))
    if clash:
        raise EnergysimError(f"installation_id: {clash[0]!r} is already in the register")
    new = rows.copy()
    # a register made by hand may lack the optional columns: the added rows keep their
    # mounting (a rooftop is reported beside the headline, never in it)
    base = register.copy()
    for frame in (new, base):
        for column, default in REGISTER_DEFAULTS.items():
            if column not in frame.columns:
                frame[column] = default
    if "kind" not in base.columns:
        base["kind"] = installation_kind(base["technology"], base["mounting"])
    new["what_if"] = True
    new["kind"] = installation_kind(new["technology"], new["mounting"])
    if "municipality_code" in register.columns and (register["municipality_code"] != "").all():
        _place(register, new, regions)
    out = pd.concat([base, new[base.columns.intersection(new.columns)]], ignore_index=True)
    out.attrs = dict(register.attrs)
    return out


def _place(register: pd.DataFrame, new: pd.DataFrame, regions: object | None) -> None:

    columns = ["municipality_code", "province", "res_region"]
    known = register.groupby("municipality")[columns].first()
    table: RegionTable | None = regions if isinstance(regions, RegionTable) else None
    for i, written in new["municipality"].items():
        written = str(written)
        if written in known.index:
            place = known.loc[written]
            new.loc[i, ["municipality_code", "province", "res_region"]] = place.to_numpy()
            continue
        table = table or load_region_table()
        code = written if CODE_PATTERN.fullmatch(written) else table.code_for_name(written)
        if code is None or code not in table.municipalities.index:
            raise EnergysimError(
                f"municipality: {written!r} of the added installations is neither a "
                "municipality of the register nor a municipality name or CBS code of the "
                "region table"
            )
        row = table.municipalities.loc[code]
        new.loc[i, "municipality"] = row["municipality"]
        new.loc[i, ["municipality_code", "province", "res_region"]] = [
            code,
            row["province"],
            row["res_region"],
        ]
