"""What the law asks of each legal route of a roof, and which routes there are.

The routes of ``energysim routes`` (:mod:`energysim.batch.routes`), their names, the
years their rules hold and one sentence per requirement of the law (domain.md sections
2 and 4; docs/routes.md gives each its source). The dashboard says the same sentences
in Dutch from their codes (``route.req.<code>`` in dashboards/locales).
"""

from __future__ import annotations

from energysim.config.scenario import Scenario

ROUTES = ("as_given", "sharing", "per_dwelling", "common", "sce", "postcoderoos")
"""The routes in the table's order; ``as_given`` is the user's scenario itself."""

ROUTE_NAMES = {
    "as_given": "this scenario",
    "sharing": "energy sharing",
    "per_dwelling": "strings per dwelling",
    "common": "common connection",
    "sce": "SCE",
    "postcoderoos": "postcoderoos",
}
"""Each route's name in English (the dashboard's catalogue says them in Dutch)."""

ENERGIEWET_FROM_YEAR = 2026
"""Energy sharing: the Energiewet is in force from 1 January 2026 (Stb. 2024, 2025)."""

POSTCODEROOS_LAST_YEAR = 2035
"""The postcoderoos scheme took no new schemes after 1 April 2021 and runs 15 years from a
scheme's start, so every scheme ends by 1 April 2036; a rules year after 2035 (with at most
a quarter of a scheme's term left) is taken as past them all, an estimate (Regeling
verlaagd tarief; its replacement, the SCE; docs/routes.md)."""

REQUIREMENTS: dict[str, str] = {
    "sharing_agreement": "An energy-sharing agreement registered with the grid operator "
    "names each participant's percentage of the production, settled per 15 minutes "
    "(Energiewet, in force 1 January 2026); whether a key in proportion to consumption is "
    "allowed is not settled.",
    "sharing_one_supplier": "Every participant and the producer have the same supplier, "
    "and that supplier offers energy sharing (Energiewet, amendment Kröger nr. 56).",
    "sharing_tax_due": "A shared kWh replaces only the supply price: energy tax and VAT "
    "stay due on it (Wet belastingen op milieugrondslag art. 50).",
    "strings_behind_meter": "Each participating dwelling's panels are wired behind its own "
    "meter: the tenant uses their power untaxed and feeds the rest in under their own "
    "contract (feed-in compensation and costs; net metering until 31 December 2026).",
    "panel_fee_limits": "Removable panels may be charged as a fixed fee in the service "
    "costs, at most 10% of the investment a year for ten years and 6% after "
    "(Huurcommissie); panels built into the roof belong in the rent.",
    "strings_small": "Each dwelling's string is an installation of its own: at 15 kW or "
    "less it is outside the 50% local-ownership target.",
    "common_own_use": "The common installations use the roof's power behind their own meter "
    "(no energy tax on that use); the rest is fed in under the common connection's "
    "contract (net metering only on a small connection, until 31 December 2026).",
    "service_costs": "The saving reaches every tenant through the service costs, charged at "
    "actual cost (Huurcommissie); a price per kWh for the solar power is a supply of "
    "electricity.",
    "sce_cooperative": "An energy cooperative or owners' association (VvE) of residents "
    "owns the installation and applies in its own name; a housing corporation cannot (RVO).",
    "sce_members": "At least one member per 5 kWp, each living in the postcoderoos of the "
    "installation when joining and with a small connection (RVO; HIER opgewekt).",
    "sce_feed_in": "On a small connection (up to 3x80 A, 15-100 kWp) all production is fed "
    "in; on a large one (up to 500 kWp) only the kWh fed in are subsidised.",
    "sce_subsidy": "Subsidy per kWh fed in: the basisbedrag minus the market value (at least "
    "the basisenergieprijs), for 15 years from the decision; new applications closed on "
    "1 April 2026.",
    "postcoderoos_existing": "Only a scheme registered before 1 April 2021 (Regeling "
    "verlaagd tarief), for 15 years from its start: members in the postcoderoos get the "
    "energy tax back on their share of the production, up to their consumption.",
}
"""What the law asks of a route, one sentence per code (docs/routes.md gives the sources)."""

ROUTE_REQUIREMENTS: dict[str, tuple[str, ...]] = {
    "sharing": ("sharing_agreement", "sharing_one_supplier", "sharing_tax_due"),
    "per_dwelling": ("strings_behind_meter", "panel_fee_limits", "strings_small"),
    "common": ("common_own_use", "service_costs"),
    "sce": ("sce_cooperative", "sce_members", "sce_feed_in", "sce_subsidy"),
    "postcoderoos": ("postcoderoos_existing", "sce_cooperative"),
}
"""The codes of :data:`REQUIREMENTS` each route must meet."""


def as_given_requirements(scenario: Scenario) -> tuple[str, ...]:
    """The requirements of the routes the user's scenario combines: strings behind the
    meters, the common connection's own use, sharing over the grid, a cooperative scheme."""
    codes: list[str] = []
    arrays = [a for b in scenario.buildings for a in b.arrays]
    mode = scenario.allocation.members.mode
    if any(a.setup == "per_dwelling" for a in arrays):
        codes += ROUTE_REQUIREMENTS["per_dwelling"]
    if any(a.setup == "common" for a in arrays):
        codes += ROUTE_REQUIREMENTS["common"]
        shares = any(b.tenants.participating for b in scenario.buildings) or (
            mode == "sharing" and any(b.members.count for b in scenario.buildings)
        )
        if shares:
            codes += ROUTE_REQUIREMENTS["sharing"]
        if mode in ("sce", "postcoderoos") and any(b.members.count for b in scenario.buildings):
            codes += ROUTE_REQUIREMENTS[mode]
    return tuple(dict.fromkeys(codes))
