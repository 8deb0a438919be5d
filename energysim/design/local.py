"""Enough local ownership: the smallest local share and what it costs the local owners.

The Klimaatakkoord aims at 50% local ownership of production (Kamerbrief 5 September
2022, kst-32813-1087), measured in kWh, of installations above 15 kW
(:data:`energysim.ownership.rules.SCOPE_ABOVE_KW`). A rooftop counts toward the target for the
share of its production that local owners (resident cooperative, tenants' collective,
...; :func:`energysim.ownership.rules.local_types`) hold, so for the rooftop itself to be at
the target, local owners must hold at least the target share. With a register of the
municipality's installations, the share that brings the municipality to the target is
found too (brentq on :func:`energysim.ownership.tables.ownership_report`).

The new split raises the local owners' shares (in their current proportions) and
lowers the others'; with no local owner, a resident cooperative is added. Its money —
capex, year-1 net cash flow, NPV — comes from the library's money model at the prices
of :mod:`energysim.design.prices`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
from scipy import optimize

from energysim.config.economics import Owner
from energysim.config.scenario import Scenario
from energysim.design.money import reprice, with_owners
from energysim.ownership import rules as ownership
from energysim.ownership.tables import ownership_report
from energysim.results.result import Result

NEW_LOCAL_OWNER = "local owners (energy cooperative)"


def local_kinds(scenario: Scenario) -> frozenset[str]:
    """Owner types that count as local under the scenario's policy."""
    return rules_of(scenario).local


def rules_of(
    scenario: Scenario, target_frac: float = ownership.TARGET_FRAC
) -> ownership.OwnershipRules:
    """The ownership rules of the scenario's policy, with a target share."""
    return ownership.OwnershipRules(
        target_frac=target_frac,
        rule=scenario.ownership_policy.rule,
        housing_corporation_local=scenario.ownership_policy.housing_corporation_local,
    )


def local_share(scenario: Scenario) -> float:
    """The scenario's local share of production [-]."""
    return ownership.local_share_frac(
        [(o.owner_type, o.share_frac) for o in scenario.ownership], local_kinds(scenario)
    )


def owners_with_local_share(scenario: Scenario, share_frac: float) -> list[Owner]:
    """The ownership split with the local owners holding ``share_frac`` [-].

    Local owners keep their proportions among themselves, the others theirs; with no
    local owner a resident cooperative (:data:`NEW_LOCAL_OWNER`) is added.
    """
    kinds = local_kinds(scenario)
    local = [o for o in scenario.ownership if o.owner_type in kinds]
    other = [o for o in scenario.ownership if o.owner_type not in kinds]
    have_local = sum(o.share_frac for o in local)
    have_other = sum(o.share_frac for o in other)
    out: list[Owner] = []
    if local:
        out += [
            o.model_copy(update={"share_frac": share_frac * o.share_frac / have_local})
            for o in local
        ]
    elif share_frac > 0:
        out.append(
            Owner(owner=NEW_LOCAL_OWNER, owner_type="resident_cooperative", share_frac=share_frac)
        )
    if share_frac < 1:
        if not other:
            raise ValueError("ownership: no non-local owner to hold the rest")
        out += [
            o.model_copy(update={"share_frac": (1 - share_frac) * o.share_frac / have_other})
            for o in other
        ]
    return [o for o in out if o.share_frac > 0]


def municipality_share_needed(
    result: Result, register: pd.DataFrame, municipality: str, target_frac: float
) -> float | None:
    """Smallest local share of this rooftop that brings the municipality to the target.

    Returns 0 when the municipality meets it without this rooftop's local part, None
    when even a fully local rooftop does not get it there.
    """
    scenario = result.scenario
    rules = rules_of(scenario, target_frac)
    production = float(result.generation_kwh.to_numpy().sum())
    capacity = scenario.capacity_kwp

    def share_with(s: float) -> float:
        owners = [("local", "resident_cooperative", s)] if s > 0 else []
        if s < 1:
            owners.append(("others", "other", 1 - s))
        rows = ownership.installation_rows(
            f"{scenario.name}/design", municipality, "solar", capacity, production, owners
        )
        report = ownership_report(ownership.add_installations(register, rows), rules)
        areas = report.areas.reset_index()
        row = areas[(areas["level"] == "municipality") & (areas["area"] == municipality)]
        if row.empty:
            raise ValueError(f"municipality: {municipality!r} is not in the register")
        # a rooftop is outside the headline's scope (the monitor counts wind and solar on
        # land): it moves the share with rooftops, the labelled figure beside it
        return float(row["local_share_production_incl_rooftops_frac"].iloc[0])

    if share_with(0.0) >= target_frac:
        return 0.0
    if share_with(1.0) < target_frac:
        return None
    return float(optimize.brentq(lambda s: share_with(s) - target_frac, 0.0, 1.0, xtol=1e-12))


@dataclass(frozen=True)
class LocalOwnership:
    """The local share needed and its money for the local owners.

    Attributes
    ----------
    current_frac, needed_frac : float
        The scenario's local share and the smallest share at the target [-].
    municipality_needed_frac : float or None
        With a register: the share that brings the municipality to the target.
    owners : list of Owner
        The split with the needed share (the scenario's when it already suffices).
    money : pandas.DataFrame
        Per owner of that split and per price (``scenario``, ``break_even``, ``top``):
        share, capex, year-1 net cash flow, NPV.
    """

    target_frac: float
    current_frac: float
    needed_frac: float
    municipality_needed_frac: float | None
    owners: list[Owner]
    money: pd.DataFrame
    figures: dict[str, Any] = field(default_factory=dict)


def local_ownership(
    result: Result,
    prices: dict[str, Scenario],
    target_frac: float = ownership.TARGET_FRAC,
    register: pd.DataFrame | None = None,
    municipality: str | None = None,
) -> LocalOwnership:
    """The smallest local share and its capex and NPV at the given prices.

    Parameters
    ----------
    result : Result
        The run of the scenario.
    prices : dict of str to Scenario
        Priced versions of the run's scenario (e.g. ``{"break_even": ...}``), from
        :func:`energysim.design.prices.set_price`.
    target_frac : float
        The target local share of production [-] (Klimaatakkoord 0.5).
    register, municipality
        Optional register of installations and the municipality to bring to the target.
    """
    scenario = result.scenario
    current = local_share(scenario)
    needed = target_frac
    in_town = None
    if register is not None:
        place = municipality or scenario.site.municipality
        if place is None:
            raise ValueError(
                "register given: name the municipality (site.municipality or --municipality)"
            )
        in_town = municipality_share_needed(result, register, place, target_frac)
    owners = (
        list(scenario.ownership)
        if current >= needed - 1e-12
        else owners_with_local_share(scenario, needed)
    )
    kinds = local_kinds(scenario)
    rows = []
    for label, priced in {"scenario": scenario, **prices}.items():
        accounts = reprice(result, with_owners(priced, owners))
        for o in owners:
            stake = accounts.stakeholders.loc[o.owner]
            rows.append(
                {
                    "prices": label,
                    "owner": o.owner,
                    "owner_type": o.owner_type,
                    "local": o.owner_type in kinds,
                    "share_frac": o.share_frac,
                    "capex_eur": float(stake["capex_eur"]),
                    "net_year1_eur": float(stake["net_year1_eur"]),
                    "npv_eur": float(stake["npv_eur"]),
                    "irr_frac": stake["irr_frac"],
                }
            )
    money = pd.DataFrame(rows)
    local_rows = money[money["local"] & (money["prices"] == "scenario")]
    members = sum(b.members.count for b in scenario.buildings)
    dwellings = sum(b.tenants.participating for b in scenario.buildings)
    capex = float(local_rows["capex_eur"].sum())
    figures = {
        "in_scope": scenario.capacity_kwp > ownership.SCOPE_ABOVE_KW,
        "local_capex_eur": capex,
        "local_capex_now_eur": current * scenario.capacity_kwp * scenario.finance.capex_eur_per_kwp,
        "capex_per_member_eur": capex / members if members else None,
        "capex_per_participating_dwelling_eur": capex / dwellings if dwellings else None,
    }
    return LocalOwnership(target_frac, current, needed, in_town, owners, money, figures)


def at_proposal(local: LocalOwnership, base: Result, proposal: Result) -> LocalOwnership:
    """The local owners' figures of the proposal: what they invest and earn in the
    recommended design's run, battery and connection upgrade included.

    ``money`` gains the rows ``prices = "recommended"`` (every owner of the proposal, from
    its run); ``figures`` become the proposal's: ``local_capex_eur`` (what the local
    owners invest, as the run's stakeholders pay it: arrays, batteries, a connection
    upgrade, VAT they cannot deduct), per member and per participating dwelling, their
    NPV, and ``local_capex_now_eur``, the same in the run of the scenario as given.

    Parameters
    ----------
    local : LocalOwnership
        The local share needed, from :func:`local_ownership` on the scenario as given.
    base, proposal : Result
        The runs of the scenario as given and of the recommended design.
    """
    scenario = proposal.scenario
    kinds = local_kinds(scenario)
    stake = proposal.accounts.stakeholders
    rows = pd.DataFrame(
        {
            "prices": "recommended",
            "owner": stake.index,
            "owner_type": stake["owner_type"].to_numpy(),
            "local": [t in kinds for t in stake["owner_type"]],
            "share_frac": stake["share_frac"].to_numpy(),
            "capex_eur": stake["capex_eur"].to_numpy(),
            "net_year1_eur": stake["net_year1_eur"].to_numpy(),
            "npv_eur": stake["npv_eur"].to_numpy(),
            "irr_frac": stake["irr_frac"].to_numpy(),
        }
    )
    local_rows = rows[rows["local"]]
    now = base.accounts.stakeholders
    members = sum(b.members.count for b in scenario.buildings)
    dwellings = sum(b.tenants.participating for b in scenario.buildings)
    capex = float(local_rows["capex_eur"].sum())
    figures = {
        "in_scope": scenario.capacity_kwp > ownership.SCOPE_ABOVE_KW,
        "capacity_kwp": scenario.capacity_kwp,
        "local_share_frac": local_share(scenario),
        "local_capex_eur": capex,
        "local_capex_now_eur": float(
            now.loc[now["owner_type"].isin(local_kinds(base.scenario)), "capex_eur"].sum()
        ),
        "local_npv_eur": float(local_rows["npv_eur"].sum()),
        "capex_per_member_eur": capex / members if members else None,
        "capex_per_participating_dwelling_eur": capex / dwellings if dwellings else None,
    }
    money = pd.concat([local.money, rows], ignore_index=True)
    return replace(local, money=money, figures=figures)
