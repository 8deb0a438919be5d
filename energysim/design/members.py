"""A larger share for members: how many members would make the prices work.

Members who pay per shared kWh turn exported energy into fee revenue for the owners
(when their price is above the feed-in value). When no price of the chosen lever pays
for the roof while households gain, this module looks for the smallest number of
neighbourhood members (sharing mode) with which such a price exists: each candidate is
a full :func:`energysim.simulate.run` (new members bring new consumption profiles), and
the smallest count is found by bisection between the scenario's count and a ceiling,
assuming more members never close the range again (checked at both ends).
"""

from __future__ import annotations

from collections.abc import Callable

from energysim.config.buildings import ConsumptionDistribution
from energysim.config.scenario import Scenario, scenario_from_dict
from energysim.core.errors import ScenarioError
from energysim.design.cliffs import members_instead
from energysim.design.prices import Lever, PriceTarget, price_range
from energysim.design.words import say
from energysim.simulate import run

MEMBERS_CEILING_FACTOR = 4
MEMBERS_CEILING_MIN = 100
"""Search up to ``max(4 x today's members, 100)`` members."""


def with_members(scenario: Scenario, count: int) -> Scenario:
    """The (single-building) scenario with ``count`` members, validated.

    Raises
    ------
    ScenarioError
        When the scenario fixes its members one by one (lists of consumption,
        certificates, suppliers, archetypes or a static key) and cannot grow.
    """
    data = scenario.model_dump(mode="json", exclude_none=True)
    data["buildings"][0]["members"]["count"] = count
    return scenario_from_dict(data, source=f"scenario '{scenario.name}' with {count} members")


def why_not(scenario: Scenario) -> str | None:
    """Why the member count cannot be varied, or None when it can."""
    if len(scenario.buildings) != 1:
        return say("members.why_not.buildings")
    if scenario.allocation.members.mode != "sharing":
        return say("members.why_not.mode", mode=scenario.allocation.members.mode)
    m = scenario.buildings[0].members
    if not isinstance(m.annual_kwh, ConsumptionDistribution):
        return say("members.why_not.consumption")
    if any(v is not None for v in (m.certificates, m.suppliers)) or m.archetypes != "mixed":
        return say("members.why_not.listed")
    if scenario.allocation.members.key.method == "static":
        return say("members.why_not.static_key")
    return None


def members_needed(
    scenario: Scenario,
    lever: Lever,
    target: PriceTarget,
    progress: Callable[[int], None] | None = None,
) -> tuple[int | None, str]:
    """Smallest member count at which a price of the lever lets everybody gain.

    Returns
    -------
    int or None, str
        The count (None when not found or not computed) and a note in plain words.
    """
    reason = why_not(scenario)
    if reason is not None:
        return None, say("members.not_computed", reason=reason)
    now = scenario.buildings[0].members.count
    ceiling = max(MEMBERS_CEILING_FACTOR * now, MEMBERS_CEILING_MIN)

    def works(n: int) -> bool:
        if progress is not None:
            progress(n)
        try:
            return price_range(run(with_members(scenario, n)), lever, target).feasible
        except ScenarioError:
            return False

    if not works(ceiling):
        return None, say("members.ceiling", ceiling=ceiling)
    lo, hi = now, ceiling  # lo does not work (the caller's run), hi does
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if works(mid):
            hi = mid
        else:
            lo = mid
    return hi, members_instead(hi, now)
