"""The cooperative schemes' rules a scenario must obey before it runs (no pandas).

Checked by every run and by ``energysim validate`` (:func:`energysim.inputs.preflight.resolve`)
before anything is read or simulated; :mod:`energysim.money.accounts` re-exports these names.
"""

from __future__ import annotations

from energysim.config.scenario import Scenario
from energysim.core.errors import ScenarioError

__all__ = [
    "SCE_DECISION_YEARS",
    "SCE_KWP_PER_MEMBER_MAX",
    "SCE_LARGE_CONNECTION_KWP_MAX",
    "SCHEME_OWNER_TYPES",
    "check_scheme_rules",
    "uses_scheme",
]

SCE_KWP_PER_MEMBER_MAX = 5.0
"""SCE: at least one member per 5 kWp (domain.md section 4); below, a warning
(:func:`energysim.config.plausibility.plausibility_warnings`)."""

SCE_LARGE_CONNECTION_KWP_MAX = 500.0
"""SCE: large connections up to 500 kWp (domain.md section 4); above, a warning."""

SCE_DECISION_YEARS = range(2021, 2027)
"""Years an SCE decision can fall in: the regulation took applications from 1 April 2021
(Staatscourant 2020) until it closed to new applications on 1 April 2026 (domain.md
section 4); the range of ``finance.sce_decision_year`` (:mod:`energysim.config.limits`)."""

SCHEME_OWNER_TYPES = ("resident_cooperative",)
"""Owner types that can hold an SCE or postcoderoos installation: a cooperative or an
association of owners (VvE) of residents (SCE art. 1; Regeling verlaagd tarief)."""


def uses_scheme(scenario: Scenario) -> bool:
    """Whether some building feeds a neighbourhood tier in for the SCE or postcoderoos."""
    return scenario.allocation.members.mode in ("sce", "postcoderoos") and any(
        b.members.count for b in scenario.buildings
    )


def check_scheme_rules(scenario: Scenario) -> None:
    """Refuse a cooperative scheme the regulation does not allow.

    Raises
    ------
    ScenarioError
        - the SCE (or postcoderoos) scheme without an owner of type
          ``resident_cooperative``: the subsidy goes to the cooperative or VvE that owns
          the installation (SCE; domain.md section 4);
        - the SCE on a small common connection with common installations or tenants
          taking energy before the members' tier: on a small connection (up to 3x80 A)
          the SCE requires 100% feed-in;
        - an SCE decision after the first operating year: the SCE is for installations
          not yet in use when the cooperative applies (RVO).
    """
    if not uses_scheme(scenario):
        return
    mode = scenario.allocation.members.mode
    if not any(o.owner_type in SCHEME_OWNER_TYPES for o in scenario.ownership):
        found = ", ".join(sorted({o.owner_type for o in scenario.ownership}))
        raise ScenarioError(
            f"allocation.members.mode = '{mode}': the {mode.upper()} scheme is for a "
            f"cooperative (or VvE) of residents that owns the installation; expected an "
            f"[[ownership]] owner with owner_type 'resident_cooperative', found {found}"
        )
    if mode != "sce":
        return
    decided = scenario.finance.sce_decision_year
    if decided is not None and decided > scenario.rules_year:
        raise ScenarioError(
            f"finance.sce_decision_year: expected at most the first operating year "
            f"({scenario.rules_year}, the rules year: the SCE subsidises an installation "
            f"not yet in use when its cooperative applies), found {decided}"
        )
    order = scenario.allocation.order
    before = order[: order.index("members")]
    for b in scenario.buildings:
        if not b.members.count or b.common.connection != "small":
            continue
        taking = [
            r for r in before if r == "common" or (r == "tenants" and b.tenants.participating)
        ]
        if taking:
            raise ScenarioError(
                f"buildings[{b.id}]: allocation.order: on a small common connection (up to "
                f"3x80 A) the SCE requires 100% feed-in, found {taking} before 'members'; put "
                f"'members' first or set buildings.common.connection = 'large' (there only "
                f"the kWh fed in are subsidised)"
            )
