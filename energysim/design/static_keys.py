"""The legally safe variant: static keys for every tier, and what that safety costs.

Under the Energiewet an energy-sharing agreement registers a fixed percentage of the
production per recipient, settled per 15 minutes; whether a key that follows each
interval's consumption (proportional, equal with re-division) is allowed is not settled
(Energiewet 2026, the registered percentages; amendment Kröger nr. 56 on one supplier).
A design that must hold whatever the answer uses static keys only: the optimised static
key of each keyed tier (:func:`energysim.design.keys.choose_keys` with ``static_only``)
and, for the common installations (one participant per building), the whole
generation as its static share (``[1.0]``: for one participant the same energy as any
key). :func:`static_keys_cost` puts its figures beside those of the design with the
scenario's dynamic keys, so the user sees what the safety costs households and owners.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from energysim.config.allocation_policy import ROLES, StaticKey
from energysim.config.scenario import Scenario
from energysim.design.key_problem import with_key
from energysim.design.words import Said, joined, say
from energysim.results.result import Result


def dynamic_tiers(scenario: Scenario) -> list[str]:
    """The tiers that share by a key that is not static (its shares follow consumption or
    a schedule); a tier whose key shares nothing (members in SCE or postcoderoos mode, who
    feed their energy in; a tier nobody is in) has none."""
    out = []
    for role in ROLES:
        if isinstance(getattr(scenario.allocation, role).key, StaticKey):
            continue
        if role == "members" and scenario.allocation.members.mode != "sharing":
            continue
        if role == "tenants" and not sum(b.tenants.participating for b in scenario.buildings):
            continue
        if role == "members" and not sum(b.members.count for b in scenario.buildings):
            continue
        out.append(role)
    return out


def common_tier_static(scenario: Scenario) -> Scenario:
    """The scenario with the common installations' tier on a static key of ``[1.0]``.

    Notes
    -----
    Each building has one common participant (its common connection), so the whole
    generation reaching the tier as its static share, capped at its consumption, gives
    the same energy as any key (``a = min(G, D)``); the key is static in name too.
    """
    if isinstance(scenario.allocation.common.key, StaticKey):
        return scenario
    return with_key(scenario, "common", StaticKey(shares_frac=[1.0], variant="export"))


def _figures(result: Result) -> dict[str, float]:
    """Owners' NPV and the households' benefits of a run [EUR, EUR/yr]."""
    household = (result.participants["role"] != "common").to_numpy()
    year1 = result.money["benefit_eur"].to_numpy()[household]
    npv = result.money["benefit_npv_eur"].to_numpy()[household]
    return {
        "owners_npv_eur": float(result.accounts.stakeholders["npv_eur"].sum()),
        "households_benefit_total_eur": float(year1.sum()),
        "households_benefit_min_eur": float(year1.min()) if len(year1) else 0.0,
        "households_benefit_median_eur": float(np.median(year1)) if len(year1) else 0.0,
        "households_npv_total_eur": float(npv.sum()),
    }


@dataclass(frozen=True)
class StaticKeysCost:
    """The static-keys-only design against the design with the scenario's dynamic keys.

    Attributes
    ----------
    static, dynamic : dict
        Owners' NPV [EUR], households' year-1 benefit in total, of the worst-off and the
        median household [EUR/yr], households' lifetime NPV [EUR] of each design.
    dynamic_tiers : list of str
        Tiers whose key the dynamic-key design keeps dynamic (empty: both designs share
        by static keys and the safety costs nothing).
    not_static : list of str
        Tiers for which no static key could be found (one static key cannot fit
        buildings with different numbers of participants): the variant is not safe there.
    dynamic_scenario : Scenario or None
        The dynamic-key design, to run or save beside the recommended one.
    """

    static: dict[str, float]
    dynamic: dict[str, float]
    dynamic_tiers: list[str]
    not_static: list[str]
    dynamic_scenario: Scenario | None = field(default=None, compare=False)

    @property
    def cost(self) -> dict[str, float]:
        """What the safety costs: the dynamic design's figure less the static one's
        (positive: the static keys give less) [EUR, EUR/yr]."""
        return {k: self.dynamic[k] - self.static[k] for k in self.static}

    def as_dict(self) -> dict[str, Any]:
        """For ``design.json``: both designs, the cost and why."""
        return {
            "reason": say("static.reason"),
            "static": self.static,
            "dynamic": self.dynamic,
            "cost": self.cost,
            "dynamic_tiers": self.dynamic_tiers,
            "not_static": self.not_static,
        }

    def words(self) -> Said:
        """The cost in one sentence."""
        s, d = self.static, self.dynamic
        if self.not_static:
            return say("static.not_static", tiers=_tiers(self.not_static))
        if not self.dynamic_tiers:
            return say("static.free")
        return say(
            "static.cost",
            reason=say("static.reason"),
            households_eur=s["households_benefit_total_eur"],
            households_dynamic_eur=d["households_benefit_total_eur"],
            tiers=_tiers(self.dynamic_tiers),
            worst_eur=s["households_benefit_min_eur"],
            worst_dynamic_eur=d["households_benefit_min_eur"],
            owners_eur=s["owners_npv_eur"],
            owners_dynamic_eur=d["owners_npv_eur"],
        )


def _tiers(names: list[str]) -> Said:
    """Tiers in words, separated by commas."""
    return joined(", ", [say(f"tier.{name}") for name in names])


def static_keys_cost(static: Result, dynamic: Result) -> StaticKeysCost:
    """The figures of the static-keys-only design beside the dynamic-key design's.

    Parameters
    ----------
    static : Result
        The run of the design with static keys only.
    dynamic : Result
        The run of the same design (size, owners, the prices chosen on its own keys)
        with the keys the design would otherwise keep.
    """
    # the common tier has one participant per building: any key gives it the same energy
    keyed = [t for t in dynamic_tiers(dynamic.scenario) if t != "common"]
    return StaticKeysCost(
        _figures(static), _figures(dynamic), keyed, dynamic_tiers(static.scenario), dynamic.scenario
    )
