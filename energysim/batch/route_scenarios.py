"""Each legal route of one roof as a scenario: the user's scenario, transformed.

A housing corporation and a cooperative choose a route before anything else. Each route
is the user's scenario changed by one small, tested transformation of its dict
(:func:`route_scenario`), validated by :func:`energysim.config.scenario.scenario_from_dict`
(which :mod:`energysim.batch.routes` runs and puts side by side). The routes (domain.md
sections 2 and 4; docs/routes.md gives each rule its source):

- ``sharing``: energy sharing under the Energiewet (in force 1 January 2026): the whole
  roof on the common (producer) connection, its tiers shared over the grid, every
  participant with the one sharing supplier (amendment Kröger nr. 56);
- ``per_dwelling``: the whole roof split into strings behind the participating
  dwellings' own meters; no sharing, so no members;
- ``common``: the whole roof on the common connection, used by the common installations
  behind their meter and the rest fed in; no tenant or member takes part directly;
- ``sce``: the Subsidieregeling Cooperatieve Energieopwekking while it is open: a
  resident cooperative owns the roof, 100% of it is fed in for its members, at least one
  member per 5 kWp (:mod:`energysim.config.scheme_rules`);
- ``postcoderoos``: the Regeling verlaagd tarief, for an existing scheme only.

A route the buildings cannot take is listed with why (:attr:`Route.reasons`), and every
change made to the user's scenario is said (:attr:`Route.changes`), each a
:class:`~energysim.core.messages.Message` the dashboard says in Dutch. What the law asks of
a route is :data:`energysim.batch.route_law.REQUIREMENTS`, by code.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from energysim.batch.route_law import (
    ENERGIEWET_FROM_YEAR,
    POSTCODEROOS_LAST_YEAR,
    ROUTE_REQUIREMENTS,
    ROUTES,
    as_given_requirements,
)
from energysim.config.allocation_policy import DEFAULT_ORDER
from energysim.config.scenario import Scenario, scenario_from_dict
from energysim.config.scheme_rules import (
    SCE_KWP_PER_MEMBER_MAX,
    SCE_LARGE_CONNECTION_KWP_MAX,
    SCHEME_OWNER_TYPES,
)
from energysim.core.errors import EnergysimError
from energysim.core.messages import Message
from energysim.money.accounts import SMALL_CONNECTION_MAX_KVA
from energysim.money.subsidies import sce_decision_year

COOPERATIVE_NAME = "energy cooperative (route)"
"""The owner a cooperative route adds when the scenario names no resident cooperative."""


@dataclass(frozen=True)
class Route:
    """One legal route of the user's roof.

    Attributes
    ----------
    route : str
        A key of :data:`ROUTES`.
    scenario : Scenario or None
        The route's scenario, or None when the buildings cannot take the route.
    reasons : tuple of str
        Why the route cannot apply (:class:`~energysim.core.messages.Message`; empty when
        it applies).
    changes : tuple of str
        What the route changed in the user's scenario (messages).
    requires : tuple of str
        Codes of :data:`REQUIREMENTS`.
    """

    route: str
    scenario: Scenario | None
    reasons: tuple[str, ...] = ()
    changes: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()

    @property
    def applies(self) -> bool:
        """Whether the buildings can take this route."""
        return self.scenario is not None


# --------------------------------------------------------------------------- helpers on dicts
def _ac_kw(building: dict[str, Any], setup: str = "common") -> float:
    """Inverter power of a building's arrays wired as ``setup`` [kW]."""
    total = 0.0
    for a in building["arrays"]:
        if a.get("setup", "common") != setup:
            continue
        kwp = (
            a["capacity_kwp"]
            if a.get("capacity_kwp") is not None
            else (a["area_m2"] * a.get("packing_kwp_per_m2", 0.15))
        )
        total += kwp / a.get("dc_ac_ratio", 1.1)
    return total


def _kwp(building: dict[str, Any]) -> float:
    """DC capacity of all a building's arrays [kWp]."""
    return sum(
        a["capacity_kwp"]
        if a.get("capacity_kwp") is not None
        else a["area_m2"] * a.get("packing_kwp_per_m2", 0.15)
        for a in building["arrays"]
    )


def _whole_roof(data: dict[str, Any], setup: str, changes: list[str]) -> None:
    """Wire every array of every building as ``setup`` (``common`` or ``per_dwelling``)."""
    for b in data["buildings"]:
        if all(a.get("setup", "common") == setup for a in b["arrays"]):
            continue
        for a in b["arrays"]:
            a["setup"] = setup
        kwp = _kwp(b)
        if setup == "common":
            changes.append(
                Message(
                    f"{b['id']}: the whole roof ({kwp:.1f} kWp) on the common connection.",
                    "route_whole_roof_common",
                    building=b["id"],
                    kwp=kwp,
                )
            )
        else:
            n = b["tenants"]["participating"]
            changes.append(
                Message(
                    f"{b['id']}: the whole roof split into strings of {kwp / n:.2f} kWp behind "
                    f"the meters of the {n} participating dwellings.",
                    "route_whole_roof_strings",
                    building=b["id"],
                    kwp_per_dwelling=kwp / n,
                    dwellings=n,
                )
            )


def _connection_fits(data: dict[str, Any], changes: list[str]) -> None:
    """A small common connection carrying more than 3x80 A of inverters becomes large
    (Elektriciteitswet 1998 art. 95a: a small connection is at most 3x80 A), contracted
    for at least the inverters' power."""
    for b in data["buildings"]:
        common = b.setdefault("common", {})
        ac_kw = _ac_kw(b)
        if common.get("connection", "small") != "small" or ac_kw <= SMALL_CONNECTION_MAX_KVA:
            continue
        common["connection"] = "large"
        contracted = max(float(common.get("contracted_capacity_kw", 60.0)), math.ceil(ac_kw))
        common["contracted_capacity_kw"] = contracted
        changes.append(
            Message(
                f"{b['id']}: {ac_kw:.1f} kW of inverters do not fit a small connection (3x80 A "
                f"= {SMALL_CONNECTION_MAX_KVA:.1f} kVA): the common connection is large "
                f"(capacity-based network tariff, no net metering), contracted for "
                f"{contracted:g} kW.",
                "route_connection_large",
                building=b["id"],
                inverter_kw=ac_kw,
                max_kva=SMALL_CONNECTION_MAX_KVA,
                contracted_kw=contracted,
            )
        )


def _no_members(data: dict[str, Any], changes: list[str]) -> None:
    """Leave the neighbourhood members out (a route with no way to reach them)."""
    for b in data["buildings"]:
        count = b.get("members", {}).get("count", 0)
        if count:
            b["members"] = {"count": 0}
            changes.append(
                Message(
                    f"{b['id']}: the {count} members take no part (this route cannot reach them).",
                    "route_members_left_out",
                    building=b["id"],
                    members=count,
                )
            )
    data["allocation"]["members"]["key"] = {"method": "proportional"}


def _no_direct_use(data: dict[str, Any], changes: list[str]) -> None:
    """No dwelling takes part directly (they still share the common saving, if any)."""
    for b in data["buildings"]:
        n = b["tenants"]["participating"]
        if n:
            b["tenants"]["participating"] = 0
            changes.append(
                Message(
                    f"{b['id']}: the {n} participating dwellings take no direct part.",
                    "route_tenants_no_direct_use",
                    building=b["id"],
                    dwellings=n,
                )
            )
    data["allocation"]["tenants"]["key"] = {"method": "proportional"}


def _no_strings_features(data: dict[str, Any], changes: list[str]) -> None:
    """Without strings behind the meters: no home batteries, no panel fee."""
    for b in data["buildings"]:
        if b.pop("home_batteries", None) is not None:
            changes.append(
                Message(
                    f"{b['id']}: no strings behind the dwellings' meters: the home batteries "
                    "are left out.",
                    "route_home_batteries_dropped",
                    building=b["id"],
                )
            )
    fee = float(data["finance"].get("panel_fee_eur_per_yr", 0.0))
    if fee > 0:
        data["finance"]["panel_fee_eur_per_yr"] = 0.0
        changes.append(
            Message(
                f"No panels behind the dwellings' meters: no panel fee (was EUR {fee:g} a "
                "year); the fees per kWh stay.",
                "route_panel_fee_dropped",
                fee_eur=fee,
            )
        )


def _cooperative_owns(data: dict[str, Any], changes: list[str]) -> None:
    """The resident cooperatives of the scenario own it all (a new one when there is none):
    the SCE pays the cooperative or VvE that owns the installation (RVO)."""
    owners = data["ownership"]
    coops = [o for o in owners if o["owner_type"] in SCHEME_OWNER_TYPES]
    if coops and len(coops) == len(owners):
        return
    if coops:
        held = sum(o["share_frac"] for o in coops)
        data["ownership"] = [{**o, "share_frac": o["share_frac"] / held} for o in coops]
    else:
        data["ownership"] = [
            {"owner": COOPERATIVE_NAME, "owner_type": SCHEME_OWNER_TYPES[0], "share_frac": 1.0}
        ]
    names = ", ".join(o["owner"] for o in data["ownership"])
    changes.append(
        Message(
            f"The roof is owned by the resident cooperative: {names}.",
            "route_cooperative_owner",
            owner=names,
        )
    )


# --------------------------------------------------------------------------- the routes
def _sharing(data: dict[str, Any], scenario: Scenario) -> tuple[list[str], list[str]]:
    reasons: list[str] = []
    if scenario.rules_year < ENERGIEWET_FROM_YEAR:
        reasons.append(
            Message(
                f"Energy sharing under the Energiewet starts on 1 January "
                f"{ENERGIEWET_FROM_YEAR}; the rules year is {scenario.rules_year}.",
                "route_sharing_not_in_force",
                year=scenario.rules_year,
            )
        )
    if not any(b.tenants.participating or b.members.count for b in scenario.buildings):
        reasons.append(
            Message(
                "No dwelling takes part and no member is named: nobody to share with.",
                "route_nobody_to_share",
            )
        )
    changes: list[str] = []
    _whole_roof(data, "common", changes)
    _no_strings_features(data, changes)
    policy = data["allocation"]
    if policy["members"].get("mode", "sharing") != "sharing":
        policy["members"]["mode"] = "sharing"
        policy["order"] = list(DEFAULT_ORDER)
    had_lists = False
    for b in data["buildings"]:
        for group in ("tenants", "members"):
            had_lists |= b.get(group, {}).pop("suppliers", None) is not None
    if had_lists:
        changes.append(
            Message(
                "Every participant takes the sharing supplier's contract (energy sharing "
                "needs one supplier for all).",
                "route_one_supplier",
            )
        )
    _connection_fits(data, changes)
    return reasons, changes


def _per_dwelling(data: dict[str, Any], scenario: Scenario) -> tuple[list[str], list[str]]:
    reasons: list[str] = [
        Message(
            f"{b.id}: no dwelling takes part (tenants.participating = 0): no meter to put a "
            "string behind.",
            "route_no_dwellings",
            building=b.id,
        )
        for b in scenario.buildings
        if not b.tenants.participating
    ]
    if reasons:
        return reasons, []
    changes: list[str] = []
    _whole_roof(data, "per_dwelling", changes)
    _no_members(data, changes)
    for b in data["buildings"]:
        if b.pop("battery", None) is not None:
            changes.append(
                Message(
                    f"{b['id']}: nothing on the common connection: the shared battery is left out.",
                    "route_shared_battery_dropped",
                    building=b["id"],
                )
            )
    if data["allocation"].get("per_dwelling_surplus", "export") != "export":
        data["allocation"]["per_dwelling_surplus"] = "export"
        changes.append(
            Message(
                "What a dwelling's string does not use is fed in under the tenant's own contract.",
                "route_surplus_exported",
            )
        )
    return reasons, changes


def _common(data: dict[str, Any], scenario: Scenario) -> tuple[list[str], list[str]]:
    changes: list[str] = []
    _whole_roof(data, "common", changes)
    _no_direct_use(data, changes)
    _no_members(data, changes)
    _no_strings_features(data, changes)
    data["allocation"]["order"] = list(DEFAULT_ORDER)
    data["allocation"]["members"]["mode"] = "sharing"
    _connection_fits(data, changes)
    return [], changes


def _cooperative(
    data: dict[str, Any], scenario: Scenario, mode: str
) -> tuple[list[str], list[str]]:
    """The SCE (``mode = 'sce'``) or the postcoderoos: the resident cooperative owns the
    roof, which feeds its members' tier 100% (members first)."""
    reasons: list[str] = []
    for b in scenario.buildings:
        needed = math.ceil(b.capacity_kwp / SCE_KWP_PER_MEMBER_MAX - 1e-9)
        if not b.members.count:
            reasons.append(
                Message(
                    f"{b.id}: the scheme is for members of a cooperative; the scenario names "
                    "none (members.count = 0).",
                    "route_no_members",
                    building=b.id,
                )
            )
        elif mode == "sce" and b.members.count < needed:
            reasons.append(
                Message(
                    f"{b.id}: the SCE needs at least one member per "
                    f"{SCE_KWP_PER_MEMBER_MAX:g} kWp: {needed} for {b.capacity_kwp:.1f} kWp, "
                    f"found {b.members.count}.",
                    "route_sce_members_few",
                    building=b.id,
                    needed=needed,
                    capacity_kwp=b.capacity_kwp,
                    members=b.members.count,
                )
            )
        if mode == "sce" and b.capacity_kwp > SCE_LARGE_CONNECTION_KWP_MAX:
            reasons.append(
                Message(
                    f"{b.id}: {b.capacity_kwp:.1f} kWp is above the SCE's "
                    f"{SCE_LARGE_CONNECTION_KWP_MAX:g} kWp.",
                    "route_sce_too_large",
                    building=b.id,
                    capacity_kwp=b.capacity_kwp,
                    max_kwp=SCE_LARGE_CONNECTION_KWP_MAX,
                )
            )
    changes: list[str] = []
    _whole_roof(data, "common", changes)
    _no_direct_use(data, changes)
    _no_strings_features(data, changes)
    _cooperative_owns(data, changes)
    policy = data["allocation"]
    policy["members"]["mode"] = mode
    if policy.get("order", list(DEFAULT_ORDER))[0] != "members":
        policy["order"] = ["members", "common", "tenants"]
        changes.append(
            Message(
                "The members' tier comes first: all the production is fed in for the scheme.",
                "route_members_first",
            )
        )
    _connection_fits(data, changes)
    return reasons, changes


def _sce(data: dict[str, Any], scenario: Scenario) -> tuple[list[str], list[str]]:
    reasons, changes = _cooperative(data, scenario, "sce")
    if not reasons and sce_decision_year(_validated(data, scenario))[0] is None:
        reasons.append(
            Message(
                f"The SCE closed to new applications on 1 April 2026 (rules year "
                f"{scenario.rules_year}); a scheme granted before keeps its 15 years (set "
                "finance.sce_decision_year to the year of its decision).",
                "route_sce_closed",
                year=scenario.rules_year,
            )
        )
    return reasons, changes


def _postcoderoos(data: dict[str, Any], scenario: Scenario) -> tuple[list[str], list[str]]:
    reasons, changes = _cooperative(data, scenario, "postcoderoos")
    if scenario.allocation.members.mode != "postcoderoos":
        reasons.insert(
            0,
            Message(
                "The postcoderoos scheme (Regeling verlaagd tarief) took no new schemes after "
                "1 April 2021 (the SCE replaced it): only a scheme registered before runs on "
                "(members.mode = 'postcoderoos').",
                "route_postcoderoos_closed",
            ),
        )
    elif scenario.rules_year > POSTCODEROOS_LAST_YEAR:
        reasons.insert(
            0,
            Message(
                f"A postcoderoos scheme runs 15 years from a start before 1 April 2021: none "
                f"runs after {POSTCODEROOS_LAST_YEAR}; the rules year is "
                f"{scenario.rules_year}.",
                "route_postcoderoos_ended",
                year=scenario.rules_year,
            ),
        )
    return reasons, changes


_BUILDERS: dict[str, Callable[[dict[str, Any], Scenario], tuple[list[str], list[str]]]] = {
    "sharing": _sharing,
    "per_dwelling": _per_dwelling,
    "common": _common,
    "sce": _sce,
    "postcoderoos": _postcoderoos,
}


def _validated(data: dict[str, Any], scenario: Scenario) -> Scenario:
    return scenario_from_dict(data, source=f"{scenario.name} (route)")


def route_scenario(scenario: Scenario, route: str) -> Route:
    """The user's scenario under one legal route, or why its buildings cannot take it.

    Parameters
    ----------
    scenario : Scenario
        The user's scenario.
    route : str
        A key of :data:`ROUTES`.

    Returns
    -------
    Route
        Its scenario (named ``<name>-<route>``) when the route applies, the reasons when
        it does not, the changes made and the requirements of the law.

    Raises
    ------
    ValueError
        For a route not in :data:`ROUTES`.
    """
    if route not in ROUTES:
        raise ValueError(f"route: expected one of {', '.join(ROUTES)}, found {route!r}")
    if route == "as_given":
        return Route(route, scenario, requires=as_given_requirements(scenario))
    data = copy.deepcopy(scenario.model_dump(mode="json", exclude_none=True))
    data["name"] = f"{scenario.name}-{route.replace('_', '-')}"[:120].rstrip(".")
    reasons, changes = _BUILDERS[route](data, scenario)
    requires = ROUTE_REQUIREMENTS[route]
    if reasons:  # what a route would change matters only where it applies
        return Route(route, None, tuple(reasons), (), requires)
    try:
        built = _validated(data, scenario)
    except EnergysimError as exc:
        return Route(route, None, (cannot_run(exc),), tuple(changes), requires)
    return Route(route, built, (), tuple(changes), requires)


def cannot_run(exc: Exception) -> Message:
    """Why a route whose scenario stops with a scenario or data error cannot apply."""
    return Message(f"The route's scenario cannot run: {exc}", "route_cannot_run", error=str(exc))


def routes_of(scenario: Scenario) -> list[Route]:
    """Every route of :data:`ROUTES` for the user's scenario (``as_given`` first)."""
    return [route_scenario(scenario, r) for r in ROUTES]
