"""Local ownership of renewable production and the Klimaatakkoord 50% target.

"Gestreefd wordt naar 50% eigendom van de productie van de lokale omgeving (burgers en
bedrijven)" for wind and solar on land above 15 kW by 2030 (Kamerbrief 5 September
2022, kst-32813-1087). The measure is a **share of production (kWh)**, not of capacity;
this module reports both, per installation, per municipality and in total.

Which owner types count as local is a parameter. The default follows the owner
categories of the Monitor Financiële Participatie: resident collectives, public bodies
(municipality, water board) and local businesses and institutions are local;
non-local investors and "other" are not. Whether a housing corporation counts is not
settled (it is a local social-housing institution, but neither a resident collective
nor an investor the monitor lists): it is a visible switch, ``housing_corporation_local``,
off by default so that the figure is not flattered. Its tenants organised in a
collective (``tenants_collective``) count as residents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from energysim.io import publish_atomically, write_csv, write_json
from energysim.owner_types import OWNER_TYPES as OWNER_TYPES  # re-exported
from energysim.owner_types import OwnerType as OwnerType  # re-exported

DEFAULT_LOCAL_TYPES: frozenset[str] = frozenset(
    {"resident_cooperative", "tenants_collective", "municipality", "water_board", "local_business"}
)
TARGET_FRAC = 0.5
"""Klimaatakkoord: 50% local ownership of production by 2030."""


def local_types(
    *, housing_corporation_local: bool = False, overrides: Mapping[str, bool] | None = None
) -> frozenset[str]:
    """Return the owner types that count as local.

    Parameters
    ----------
    housing_corporation_local : bool
        Count housing corporations as local (not settled; default False).
    overrides : mapping of str to bool, optional
        Per owner type, True = local, False = not local; applied last.

    Raises
    ------
    ValueError
        For an owner type that does not exist.
    """
    local = set(DEFAULT_LOCAL_TYPES)
    if housing_corporation_local:
        local.add("housing_corporation")
    for kind, is_local in (overrides or {}).items():
        if kind not in OWNER_TYPES:
            raise ValueError(
                f"owner type: expected one of {', '.join(OWNER_TYPES)}, found {kind!r}"
            )
        (local.add if is_local else local.discard)(kind)
    return frozenset(local)


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


# --------------------------------------------------------------------------- report
@dataclass(frozen=True)
class OwnershipReport:
    """Local-ownership figures of a register.

    Attributes
    ----------
    installations : pandas.DataFrame
        One row per installation: ``municipality``, ``technology``, ``capacity_kw``,
        ``production_kwh``, ``local_frac``, ``local_production_kwh``, ``local_capacity_kw``,
        sorted by local production (the installations that carry the local share first).
    municipalities : pandas.DataFrame
        One row per municipality, plus ``total``: production and capacity, local shares by
        production and by capacity, ``gap_mwh`` (local production short of the target
        share of today's production), ``additional_local_mwh`` (new, fully local
        production that closes the gap), ``target_met``.
    target_frac : float
    local_types : frozenset of str
    """

    installations: pd.DataFrame
    municipalities: pd.DataFrame
    target_frac: float
    local_types: frozenset[str]

    @property
    def total(self) -> pd.Series:
        """The ``total`` row of :attr:`municipalities`."""
        return self.municipalities.loc["total"]


def _area_figures(frame: pd.DataFrame, target_frac: float) -> dict[str, float | bool]:
    production = float(frame["production_kwh"].sum())
    local_production = float(frame["local_production_kwh"].sum())
    capacity = float(frame["capacity_kw"].sum())
    local_capacity = float(frame["local_capacity_kw"].sum())
    share = local_production / production if production > 0 else 0.0
    gap_kwh = max(0.0, target_frac * production - local_production)
    return {
        "installations": int(len(frame)),
        "production_mwh": production / 1000,
        "local_production_mwh": local_production / 1000,
        "local_share_production_frac": share,
        "capacity_mw": capacity / 1000,
        "local_capacity_mw": local_capacity / 1000,
        "local_share_capacity_frac": local_capacity / capacity if capacity > 0 else 0.0,
        "gap_mwh": gap_kwh / 1000,
        "additional_local_mwh": gap_kwh / (1 - target_frac) / 1000,
        "target_met": bool(production > 0 and share >= target_frac - 1e-12),
    }


def ownership_report(
    register: pd.DataFrame,
    local: frozenset[str] = DEFAULT_LOCAL_TYPES,
    target_frac: float = TARGET_FRAC,
) -> OwnershipReport:
    """Compute local shares by production and by capacity.

    Parameters
    ----------
    register : pandas.DataFrame
        As returned by :func:`energysim.register.read_register` (one row per owner of an
        installation, with ``production_kwh`` filled in).
    local : frozenset of str
        Owner types counted as local.
    target_frac : float
        The target share [-], 0.5 in the Klimaatakkoord.

    Notes
    -----
    Local share by production ``= sum_i f_i E_i / sum_i E_i`` and by capacity
    ``= sum_i f_i P_i / sum_i P_i`` with ``f_i`` the local fraction of installation
    ``i``. To reach target ``t`` with new fully local production ``dE``:
    ``(L + dE) / (E + dE) = t``, so ``dE = (t E - L) / (1 - t)``.
    """
    reg = register.copy()
    reg["local_share"] = np.where(reg["owner_type"].isin(local), reg["share_frac"], 0.0)
    inst = reg.groupby("installation_id", sort=True).agg(
        municipality=("municipality", "first"),
        technology=("technology", "first"),
        capacity_kw=("capacity_kw", "first"),
        production_kwh=("production_kwh", "first"),
        local_frac=("local_share", "sum"),
    )
    inst["local_production_kwh"] = inst["local_frac"] * inst["production_kwh"]
    inst["local_capacity_kw"] = inst["local_frac"] * inst["capacity_kw"]
    inst = inst.sort_values(["local_production_kwh", "production_kwh"], ascending=False)
    total_local = inst["local_production_kwh"].sum()
    inst["carries_local_frac"] = (
        inst["local_production_kwh"] / total_local if total_local > 0 else 0.0
    )
    rows = {
        name: _area_figures(group, target_frac)
        for name, group in inst.groupby("municipality", sort=True)
    }
    rows["total"] = _area_figures(inst, target_frac)
    areas = pd.DataFrame.from_dict(rows, orient="index")
    areas.index.name = "municipality"
    return OwnershipReport(inst, areas, target_frac, local)


def capacity_to_close_gap_kwp(
    register: pd.DataFrame,
    *,
    specific_yield_kwh_per_kwp: float,
    local: frozenset[str] = DEFAULT_LOCAL_TYPES,
    target_frac: float = TARGET_FRAC,
    municipality: str | None = None,
) -> float:
    """Cooperative-owned rooftop capacity that closes the gap to the target [kWp].

    Parameters
    ----------
    register : pandas.DataFrame
        A validated register.
    specific_yield_kwh_per_kwp : float
        Yield of the new rooftops [kWh/kWp/yr], e.g. 850-950 in NL (domain.md section 7).
    local, target_frac
        As in :func:`ownership_report`.
    municipality : str, optional
        Close the gap of this municipality; default the register's total.

    Returns
    -------
    float
        ``additional_local_kwh / specific_yield``; 0 when the target is met.
    """
    if specific_yield_kwh_per_kwp <= 0:
        raise ValueError("specific_yield_kwh_per_kwp: expected a positive yield")
    report = ownership_report(register, local, target_frac)
    key = "total" if municipality is None else municipality
    if key not in report.municipalities.index:
        raise ValueError(f"municipality: {municipality!r} is not in the register")
    extra_mwh = float(report.municipalities.loc[key, "additional_local_mwh"])
    return extra_mwh * 1000 / specific_yield_kwh_per_kwp


def installation_rows(
    installation_id: str,
    municipality: str,
    technology: str,
    capacity_kw: float,
    production_kwh: float,
    owners: Sequence[tuple[str, str, float]],
) -> pd.DataFrame:
    """Register rows (one per owner) for one installation, e.g. a simulated rooftop.

    Parameters
    ----------
    owners : sequence of (owner, owner_type, share_frac)
    """
    return pd.DataFrame(
        [
            {
                "installation_id": installation_id,
                "municipality": municipality,
                "technology": technology,
                "capacity_kw": float(capacity_kw),
                "production_kwh": float(production_kwh),
                "owner": owner,
                "owner_type": kind,
                "share_frac": float(share),
            }
            for owner, kind, share in owners
        ]
    )


def add_installations(register: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Append installations to a register (what-if); ids must stay unique."""
    clash = sorted(set(rows["installation_id"]) & set(register["installation_id"]))
    if clash:
        raise ValueError(f"installation_id: {clash[0]!r} is already in the register")
    return pd.concat(
        [register, rows[register.columns.intersection(rows.columns)]], ignore_index=True
    )


# --------------------------------------------------------------------------- output
def format_report(report: OwnershipReport) -> str:
    """The per-municipality table and the verdict, for the terminal."""
    lines = [
        f"{'municipality':<22}{'prod MWh':>11}{'local %':>9}{'cap MW':>9}{'local %':>9}"
        f"{'gap MWh':>10}  target {report.target_frac:.0%}",
    ]
    for name, row in report.municipalities.iterrows():
        lines.append(
            f"{str(name):<22}{row.production_mwh:>11,.0f}{row.local_share_production_frac:>9.1%}"
            f"{row.capacity_mw:>9,.2f}{row.local_share_capacity_frac:>9.1%}"
            f"{row.gap_mwh:>10,.0f}  {'met' if row.target_met else 'not met'}"
        )
    total = report.total
    verdict = (
        f"Local ownership by production is {total.local_share_production_frac:.1%}: the "
        f"{report.target_frac:.0%} target is "
        + (
            "met."
            if total.target_met
            else f"not met; {total.additional_local_mwh:,.0f} MWh/yr of new, fully local "
            "production would close the gap."
        )
    )
    top = report.installations.head(5)
    carriers = ", ".join(
        f"{i} ({row.carries_local_frac:.0%})" for i, row in top.iterrows() if row.local_frac > 0
    )
    lines += ["", verdict]
    if carriers:
        lines.append(f"Carried by: {carriers}")
    lines.append(f"Counted as local: {', '.join(sorted(report.local_types))}")
    return "\n".join(lines)


def write_report(report: OwnershipReport, out_dir: Path) -> list[Path]:
    """Write ``ownership.json``, ``ownership_municipalities.csv`` and
    ``ownership_installations.csv`` into ``out_dir`` (all at once or not at all)."""
    names = ["ownership.json", "ownership_municipalities.csv", "ownership_installations.csv"]

    def write(folder: Path) -> None:
        write_json(
            folder / names[0],
            {
                "target_frac": report.target_frac,
                "local_types": sorted(report.local_types),
                "total": report.total.to_dict(),
                "municipalities": report.municipalities.drop(index="total").to_dict(orient="index"),
                "installations": report.installations.to_dict(orient="index"),
            },
        )
        write_csv(folder / names[1], report.municipalities, index=True)
        write_csv(folder / names[2], report.installations, index=True)

    folder = publish_atomically(Path(out_dir), write)
    return [folder / n for n in names]
