"""The Design page's sentences: a design's figures in the page's language.

Each sentence is built from the library's design
(:class:`dashboards.design.state.DesignView`): the price ranges, what would be needed,
the keys, the recommended scenario against the scenario as given. Nothing is computed
here beyond comparing the two scenarios.
"""

from __future__ import annotations

import math

from dashboards.design import state as ds
from dashboards.shared import engine_words, i18n
from dashboards.shared import formatting as fmt
from dashboards.shared.i18n import t
from energysim.design.cliffs import members_instead
from energysim.design.joint import JOINT_LEVERS, nobody
from energysim.design.prices import LEVER_UNITS, PriceRange
from energysim.design.words import in_language, say


def price(value: float | None, unit: str) -> str:
    """A lever's price in words: per kWh with four decimals, per year with cents."""
    if value is None or math.isnan(value):
        return t("design.none")
    if math.isinf(value):
        return t("design.no_limit")
    if unit == "EUR/kWh":
        return t("design.eur_per_kwh", price=fmt.number(value, 4))
    return t("design.eur_per_yr", price=fmt.eur(value, cents=True))


def who(view: ds.DesignView) -> str:
    return t(f"design.who.{view.figures['options']['criterion']}")


def watched(view: ds.DesignView) -> str:
    """The household the price curve watches (for ``every``: the one that gains least)."""
    return t(f"design.watched.{view.figures['options']['criterion']}")


def goal(view: ds.DesignView) -> str:
    irr = view.figures["options"]["target_irr_frac"]
    if irr is not None:
        return t("design.goal.irr", irr=fmt.percent(irr))
    return t("design.goal.npv", rate=fmt.percent(view.scenario.finance.discount_rate_frac))


def lever_words(lever: str) -> str:
    return t(f"design.lever.{lever}")


def sentence(text: str) -> str:
    """``text`` with a capital first letter (Dutch: "één" becomes "Eén")."""
    if text.startswith("één"):
        return "Eén" + text[3:]
    return text[:1].upper() + text[1:]


def range_words(view: ds.DesignView, r: PriceRange) -> str:
    """Whether a lever has a range where everybody gains, and why not, in one sentence."""
    return sentence(_range_words(view, r))


def _range_words(view: ds.DesignView, r: PriceRange) -> str:
    lever = lever_words(r.lever)
    if r.break_even is None:
        return t("design.reason.no_price", lever=lever, goal=goal(view))
    if r.top is None:
        return t("design.reason.worse_anyway", who=who(view), lever=lever)
    need, top = price(r.break_even, r.unit), price(r.top, r.unit)
    if not r.feasible:
        if r.limit is not None and r.top == r.limit:
            cap = "huurcommissie" if r.lever == "panel_fee" else "import_price"
        else:
            cap = "households"
        return t(f"design.reason.cap_{cap}", need=need, top=top, who=who(view), lever=lever)
    if math.isinf(r.top):
        return t("design.reason.open_from", lever=lever, low=need, goal=goal(view), who=who(view))
    return t("design.reason.open", lever=lever, low=need, high=top, goal=goal(view), who=who(view))


NOTES = {
    "nobody in this tier": "design.note.nobody",
    "feeds the tier's energy in": "design.note.feeds_in",
    "different numbers of participants": "design.note.buildings",
    "no participant may share": "design.note.supplier",
    "a battery's flows and money move with the key": "design.note.battery",
    "the common tier comes after the tenants": "design.note.common_after",
    "export goes to the service costs": "design.note.export_service",
}
"""The library's notes on a tier's key, by a phrase they contain, in the page's words."""


def note_words(note: str) -> str:
    """A tier's note in the page's language (the library's words when not known)."""
    for phrase, key in NOTES.items():
        if phrase in note:
            return t(key)
    return note


def needed_lines(view: ds.DesignView) -> list[str]:
    """What would open the chosen lever's empty range: capex, subsidy, members."""
    n = view.figures["needed"]
    if n is None:
        return []
    unit = LEVER_UNITS[n["lever"]]
    lines = []
    if n["capex_eur_per_kwp"] is not None:
        lines.append(
            t(
                "design.needed.capex",
                capex=fmt.eur(n["capex_eur_per_kwp"]),
                now=fmt.eur(n["capex_now_eur_per_kwp"]),
            )
        )
    else:
        lines.append(t("design.needed.no_capex"))
    lines.append(
        t(
            "design.needed.subsidy",
            subsidy=fmt.eur(n["subsidy_eur"]),
            frac=fmt.percent(n["subsidy_frac_of_capex"], 0),
        )
    )
    lang = i18n.language()
    if n["members"] is not None:  # "1 member instead of none": the library's words
        counted = members_instead(n["members"], n["members_now"] or 0)
        lines.append(t("design.needed.members", members=in_language(counted, lang)))
    elif view.members_note:
        note = in_language(view.members_note, lang)
        lines.append(t("design.needed.members_none", note=note))
    elif not view.full:
        lines.append(t("design.needed.members_full"))
    return [t("design.needed.intro", price=price(n["price"], unit))] + lines


def joint_lines(view: ds.DesignView) -> list[str]:
    """The prices chosen together within every legal limit: the answer in one sentence,
    then one line per price with its limit."""
    j = view.figures["joint_prices"]
    if j["pays"]:
        head = t("design.joint.pays", goal=goal(view), worst=fmt.eur(j["households_npv_min_eur"]))
    elif not j["households_ok"]:
        head = t("design.joint.worse", shortfall=fmt.eur(j["shortfall_eur"]))
    else:
        capex = (
            t(
                "design.joint.capex",
                capex=fmt.eur(j["capex_eur_per_kwp"]),
                now=fmt.eur(j["capex_now_eur_per_kwp"]),
            )
            if j["capex_eur_per_kwp"] is not None
            else t("design.joint.no_capex")
        )
        head = t(
            "design.joint.short",
            shortfall=fmt.eur(j["shortfall_eur"]),
            frac=fmt.percent(j["shortfall_frac_of_capex"], 0),
            capex=capex,
        )
    absent = nobody(view.recommended)  # no members: no members' price (the library's words)
    lines = [
        sentence(in_language(say(f"joint.nobody.{lever}"), i18n.language()))
        if lever in absent
        else t(
            "design.joint.price",
            lever=t(f"design.choice.lever.{lever}"),
            price=price(j["prices"][lever], LEVER_UNITS[lever]),
            limit=price(j["limits"][lever], LEVER_UNITS[lever]),
        )
        for lever in JOINT_LEVERS
    ]
    return [head, *lines]


def change_lines(view: ds.DesignView) -> list[str]:
    """What the recommended design changes, from the scenario and the recommended one."""
    scenario, recommended = view.scenario, view.recommended
    lines = []
    if not math.isclose(view.capacity_kwp, view.recommended_capacity_kwp, rel_tol=1e-9):
        lines.append(
            t(
                "design.change.size",
                before=fmt.kwp(view.capacity_kwp),
                after=fmt.kwp(view.recommended_capacity_kwp),
                factor=fmt.number(view.recommended_capacity_kwp / view.capacity_kwp, 2),
            )
        )
    for k in view.keys:
        tier = t(f"design.tier.{k.tier}")
        if not k.optimised:
            lines.append(t("design.change.key_none", tier=tier, note=note_words(k.note)))
        elif k.recommended_key != k.scenario_key:
            optimised = view.key_shares[view.key_shares["tier"] == k.tier]["share_frac"].tolist()
            shares = (k.recommended_key or {}).get("shares_frac")
            same = (
                shares is not None
                and len(shares) == len(optimised)
                and all(
                    math.isclose(a, b, abs_tol=1e-12)
                    for a, b in zip(shares, optimised, strict=True)
                )
            )
            lines.append(
                t("design.change.key_optimised" if same else "design.change.key_static", tier=tier)
            )
        else:
            method = (k.scenario_key or {}).get("method", "")
            lines.append(
                t("design.change.key_kept", tier=tier, method=t(f"design.method.{method}"))
            )
    if scenario.allocation.common.key != recommended.allocation.common.key:
        lines.append(t("design.change.common_static"))
    lines += connection_lines(view)
    lines += price_lines(view)
    if [o.model_dump() for o in scenario.ownership] != [
        o.model_dump() for o in recommended.ownership
    ]:
        lines.append(
            t(
                "design.change.owners",
                share=fmt.percent(view.figures["local_ownership"]["target_frac"], 0),
            )
        )
    return [sentence(line) for line in lines]


def static_keys_words(view: ds.DesignView) -> str:
    """Why only static keys, and what that safety costs, in one paragraph."""
    block = view.figures["static_keys_only"]

    def tiers_of(names: list[str]) -> str:  # within a sentence: "huurders, leden"
        return ", ".join(
            t(f"design.tier.{x}")[:1].lower() + t(f"design.tier.{x}")[1:] for x in names
        )

    if block["not_static"]:
        tiers = tiers_of(block["not_static"])
        return t("design.static.not_static", tiers=tiers)
    if not block["dynamic_tiers"]:
        return t("design.static.reason") + " " + t("design.static.free")
    cost = block["cost"]
    return (
        t("design.static.reason")
        + " "
        + t(
            "design.static.cost",
            tiers=tiers_of(block["dynamic_tiers"]),
            households=fmt.eur(cost["households_benefit_total_eur"]),
            owners=fmt.eur(cost["owners_npv_eur"]),
        )
    )


def roof_notes(view: ds.DesignView) -> list[str]:
    """The design's notes on the roofs (an area not given, a roof already full), in the
    page's language."""
    return [
        engine_words.say(note)
        for note in view.messages
        if str(getattr(note, "code", "")).startswith("design_roof_")
    ]


def connection_lines(view: ds.DesignView) -> list[str]:
    """A common connection the recommended design makes large, with its upgrade."""
    before = {b.id: b.common for b in view.scenario.buildings}
    return [
        t(
            "design.change.connection",
            building=b.id,
            contracted=fmt.number(b.common.contracted_capacity_kw),
            upgrade=fmt.eur(b.common.connection_upgrade_eur or 0.0),
        )
        for b in view.recommended.buildings
        if b.common.connection == "large" and before[b.id].connection == "small"
    ]


FIELD_LEVER = {
    "common_fee_eur_per_kwh": "common",
    "tenant_sharing_fee_eur_per_kwh": "tenants",
    "sharing_fee_eur_per_kwh": "members",
    "panel_fee_eur_per_yr": "panel_fee",
}


def price_lines(view: ds.DesignView) -> list[str]:
    """The prices the recommended design sets (each a lever's break-even price)."""
    changed = view.price_changes()
    if not changed:
        return [t("design.change.prices_same")]
    fees = view.recommended.finance
    uniform = {
        "common_fee_eur_per_kwh",
        "tenant_sharing_fee_eur_per_kwh",
        "sharing_fee_eur_per_kwh",
    }
    if (
        set(changed) <= uniform
        and len({getattr(fees, f) for f in uniform}) == 1
        and len(changed) > 1
    ):
        value = next(iter(changed.values()))
        return [
            t(
                "design.change.price",
                lever=lever_words("uniform"),
                price=price(value[1], "EUR/kWh"),
                before=price(value[0], "EUR/kWh"),
            )
        ]
    return [
        t(
            "design.change.price",
            lever=lever_words(FIELD_LEVER[f]),
            price=price(new, LEVER_UNITS[FIELD_LEVER[f]]),
            before=price(old, LEVER_UNITS[FIELD_LEVER[f]]),
        )
        for f, (old, new) in changed.items()
    ]
