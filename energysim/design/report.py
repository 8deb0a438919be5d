"""What a design writes and says: ``design.json``, CSV tables, a recommendation in words.

``DIR/<scenario name>/design/`` holds ``design.json`` (the key figures, the options,
the LP statistics and the timings), ``prices.csv`` (one row per lever),
``price_curves.csv``, ``keys.csv``, ``key_shares.csv``, ``sizes.csv``, ``ownership.csv``
and ``scenario.recommended.toml`` (the recommended design, ready to run); the folder
appears only when every file is complete (:func:`energysim.core.publish.publish_atomically`).
It is this command's own: it is staged beside the run's folder, and a run of the
scenario written at the same time carries it over (:mod:`energysim.results.outputs`).
"""

from __future__ import annotations

import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

from energysim.config.scenario import scenario_to_toml
from energysim.core.errors import DataError
from energysim.core.names import check_safe_name
from energysim.core.publish import (
    expect_csv_dialect,
    expect_folder_path,
    naming_errors,
    publish_atomically,
    write_csv,
    write_json,
)
from energysim.design.cliffs import design_cliffs, members_instead
from energysim.design.financing import financing_line
from energysim.design.joint import nobody
from energysim.design.key_problem import OBJECTIVE_WORDS
from energysim.design.keys import TierKeys
from energysim.design.plan import Design
from energysim.design.prices import LEVER_WORDS, PriceRange
from energysim.design.sensitivity import sensitivity_lines, table_records
from energysim.design.tradeoff import tradeoff_lines
from energysim.design.words import Said, in_language, joined, say
from energysim.results.outputs import KEEP_DIR
from energysim.results.statement_words import expect_language
from energysim.results.tables import summary

DESIGN_FILES = (
    "design.json",
    "prices.csv",
    "price_curves.csv",
    "keys.csv",
    "key_shares.csv",
    "sizes.csv",
    "ownership.csv",
    "scenario.recommended.toml",
)


def _owners(result: Any) -> dict[str, float | None]:
    stake = result.accounts.stakeholders
    irr = stake["irr_frac"].dropna()
    return {
        "owners_npv_eur": float(stake["npv_eur"].sum()),
        "owners_irr_frac": float(irr.min()) if len(irr) else None,
        "household_benefit_total_eur": float(
            result.money["benefit_eur"]
            .to_numpy()[(result.participants["role"] != "common").to_numpy()]
            .sum()
        ),
    }


def summary_dict(design: Design, lang: str = "en") -> dict[str, Any]:
    """The key figures of a design, as written to ``design.json``; its ``recommendation``
    in ``lang`` (``en`` or ``nl``), the other texts in English."""
    opts = design.options
    rec = design.recommended_result
    rec_summary = summary(rec)
    return {
        "scenario": design.scenario.name,
        "options": {
            "lever": opts.lever,
            "criterion": opts.criterion,
            "threshold_eur": opts.threshold_eur,
            "target_irr_frac": opts.target_irr_frac,
            "objective": opts.objective,
            "size_factors": list(opts.size_factors),
            "local_target_frac": opts.local_target_frac,
            "static_keys_only": opts.static_keys_only,
        },
        "now": _owners(design.base),
        "prices": [p.as_row() for p in design.prices],
        "needed": asdict(design.needed) if design.needed is not None else None,
        "joint_prices": design.joint.as_dict(),
        "tradeoff": design.tradeoff.as_dict() if design.tradeoff is not None else None,
        "keys": [
            {"tier": k.tier, "note": k.note, "lp": k.lp, "objective": k.objective}
            for k in design.keys
        ],
        "size": {
            "recommended_factor": design.sizes.recommended_factor,
            "recommended": design.sizes.recommended,
            "message": design.sizes.message,
            "roof_max_factor": design.sizes.roof.max_factor,
            "roofs": design.sizes.roof.rows,
            "roof_notes": list(design.sizes.roof.notes),
        },
        "local_ownership": {
            "target_frac": design.local.target_frac,
            "current_frac": design.local.current_frac,
            "needed_frac": design.local.needed_frac,
            "municipality_needed_frac": design.local.municipality_needed_frac,
            **design.local.figures,
        },
        "recommended": {
            "changes": design.changes,
            **_owners(rec),
            "stakeholders": rec_summary["stakeholders"],
            "household_benefit_eur": rec_summary["household_benefit_eur"],
            "local_ownership_frac": rec_summary["local_ownership_frac"],
            "capacity_kwp": rec_summary["capacity_kwp"],
            "self_consumption_frac": rec_summary["self_consumption_frac"],
        },
        "margin": design.margin.as_dict() if design.margin is not None else None,
        "sensitivity": (
            table_records(design.sensitivity) if design.sensitivity is not None else None
        ),
        "cliffs": design_cliffs(design.recommended_result, design.needed),
        "static_keys_only": design.static_keys.as_dict() if design.static_keys else None,
        "financing": _financing(design),
        "recommendation": recommendation_lines(design, lang),
        "messages": design.messages,
        "assumptions": design.base.accounts.assumptions,
        "timings_s": design.timings_s,
        "cpu_s": design.cpu_s,
    }


def _financing(design: Design) -> dict[str, Any] | None:
    """The cooperative's financing plan: its figures, members' cash flows and assumptions."""
    plan = design.financing
    if plan is None:
        return None
    return {
        **plan.figures,
        "cashflows": plan.cashflows.to_dict(orient="records"),
        "assumptions": plan.assumptions,
    }


def _price(value: float | None, unit: str) -> Said:
    if value is None:
        return say("price.none")
    if math.isinf(value):
        return say("price.no_limit")
    return say("price.kwh" if unit == "EUR/kWh" else "price.yr", value=value)


def _top_words(r: PriceRange, who: Said, short: bool = False) -> Said:
    """What sets the top of a range, in words."""
    if r.limit is not None and r.top == r.limit and r.limit != r.households_max:
        if r.lever == "panel_fee":
            return say("top.huurcommissie_short" if short else "top.huurcommissie")
        return say("top.saves_short" if short else "top.saves")
    return who if short else say("top.who", who=who)


def _range_line(r: PriceRange, who: Said) -> Said:
    if r.break_even is None or r.top is None:
        return say("range_line.message", lever=LEVER_WORDS[r.lever], message=r.message)
    return say(
        "range_line.gains" if r.feasible else "range_line.none",
        lever=LEVER_WORDS[r.lever],
        break_even=_price(r.break_even, r.unit),
        top=_price(r.top, r.unit),
        top_words=_top_words(r, who, short=True),
    )


def recommendation_lines(design: Design, lang: str = "en") -> list[str]:
    """The design in plain words, one sentence per line, in ``lang`` (``en`` or ``nl``;
    the sentences of :mod:`energysim.design.words`).

    Raises
    ------
    ValueError
        Another language, named as the ``--lang`` option.
    """
    expect_language(lang)
    return [in_language(line, lang) for line in advice_lines(design)]


def advice_lines(design: Design) -> list[Said]:
    """The design in plain words, one sentence per line, each a
    :class:`~energysim.design.words.Said` (English, and Dutch by
    :func:`~energysim.design.words.in_language`)."""
    now = _owners(design.base)
    absent = nobody(design.recommended)
    lines = [
        say(
            "today",
            households_eur=now["household_benefit_total_eur"],
            npv_eur=now["owners_npv_eur"],
        ),
        *_price_lines(design),
        *[_key_line(design, k) for k in design.keys],
        say("size_line", message=design.sizes.message),
    ]
    lines += _roof_lines(design)
    lines.append(_local_line(design))
    lines.append(financing_line(design.financing))
    rec = _owners(design.recommended_result)
    lines.append(
        say(
            "recommended",
            changes=joined("; ", design.changes),
            households_eur=rec["household_benefit_total_eur"],
            npv_eur=rec["owners_npv_eur"],
        )
    )
    if design.tradeoff is not None:
        lines += tradeoff_lines(design.tradeoff, absent)
    if design.margin is not None:
        lines.append(say("margin_line", message=design.margin.message))
        lines += [
            say(
                "downside_row",
                figure=say(f"downside.figure.{DOWNSIDE_FIGURES[row['figure']]}"),
                downside=row["downside"],
                scenario=row["scenario"],
                source=row["source"],
            )
            for row in design.margin.downside
        ]
    if design.sensitivity is not None:
        lines += sensitivity_lines(design.sensitivity)
    if design.static_keys is not None:
        lines.append(say("sentence", text=design.static_keys.words()))
    lines += [
        say("cliff_line", words=c["words"])
        for c in design_cliffs(design.recommended_result, design.needed)
    ]
    return lines


DOWNSIDE_FIGURES = {"yield": "yield", "capex": "capex", "energy prices after 2030": "prices"}
"""A downside figure (``design.json`` ``margin.downside``) -> its words' key."""


def _roof_lines(design: Design) -> list[Said]:
    """Whether the recommended size is the largest tried or the largest the roofs carry,
    and the roofs' notes (an area missing, a roof already full)."""
    factor = design.sizes.recommended_factor
    room = design.sizes.roof
    lines = []
    largest = max(design.options.size_factors)
    if factor is not None and math.isclose(factor, room.max_factor) and factor < largest:
        roofs = [
            say(
                "roof.usable",
                building=r["building"],
                usable_m2=r["usable_roof_m2"],
                roof_m2=r["roof_area_m2"],
            )
            for r in room.rows
            if r["usable_roof_m2"] is not None
        ]
        where = joined("; ", roofs) if roofs else say("roof.no_area")
        lines.append(say("roof.largest_carried", where=where))
    elif factor is not None and factor == largest:
        lines.append(say("roof.largest_tried"))
    return lines + [say("note", note=note) for note in room.notes]


def _price_lines(design: Design) -> list[Said]:
    """The chosen price's range, every other lever's, and what would be needed."""
    opts = design.options
    chosen = design.chosen
    who = say(f"who.{opts.criterion}")
    goal = (
        say("goal.irr", irr_frac=opts.target_irr_frac)
        if opts.target_irr_frac is not None
        else say("goal.npv", rate_frac=design.scenario.finance.discount_rate_frac)
    )
    lines = [say("prices.joint", message=design.joint.message), say("prices.one")]
    if chosen.feasible and chosen.break_even is not None:
        lines.append(
            say(
                "prices.chosen",
                lever=LEVER_WORDS[chosen.lever],
                break_even=_price(chosen.break_even, chosen.unit),
                goal=goal,
                top=_price(chosen.top, chosen.unit),
                top_words=_top_words(chosen, who),
            )
        )
    else:
        lines.append(
            say("prices.chosen_message", lever=LEVER_WORDS[chosen.lever], message=chosen.message)
        )
    absent = nobody(design.scenario)  # a tier nobody is in has no price to find
    lines += [
        say("indent", text=say(f"range_line.nobody.{r.lever}"))
        if r.lever in absent
        else say("indent", text=_range_line(r, who))
        for r in design.prices[1:]
    ]
    n = design.needed
    if n is not None:
        parts = []
        if n.capex_eur_per_kwp is not None:
            parts.append(
                say("needed.capex", capex=n.capex_eur_per_kwp, now=n.capex_now_eur_per_kwp)
            )
        else:
            parts.append(say("needed.no_capex"))
        parts.append(say("needed.subsidy", subsidy_eur=n.subsidy_eur, frac=n.subsidy_frac_of_capex))
        if n.members is not None and n.members_now is not None:
            parts.append(members_instead(n.members, n.members_now))
        elif n.members_note:
            parts.append(say("needed.more_members", note=n.members_note))
        lines.append(
            say(
                "needed.line",
                price=_price(n.price, chosen.unit),
                parts=joined("; ", parts[:1] + [say("needed.or", part=p) for p in parts[1:]]),
            )
        )
    return lines


def _key_line(design: Design, k: TierKeys) -> Said:
    """The best static key of a tier against the plain keys (and the dynamic one)."""
    opts = design.options
    tier = say(f"tier.{k.tier}")
    if k.shares_frac is None:
        return say("key.none", tier=tier, note=k.note)
    t = k.table.set_index("key")["objective"]
    per_kwh = opts.objective == "proportional"
    unit = say("key.unit_per_kwh" if per_kwh else "key.unit_per_yr")

    def value(v: float) -> Said:
        return say("number.d4" if per_kwh else "number.d0", value=float(v))

    parts = [
        say(
            "key.line",
            tier=tier,
            objective=OBJECTIVE_WORDS[opts.objective],
            optimised=value(t["optimised"]),
            unit=unit,
            proportional=value(t["proportional (static)"]),
            equal=value(t["equal (static)"]),
        )
    ]
    others = max(t["proportional (static)"], t["equal (static)"])
    if others > t["optimised"]:
        parts.append(say("key.approximate", note=k.note))
    dynamic = t["proportional (dynamic)"]
    if dynamic > t["optimised"]:
        parts.append(say("key.dynamic", dynamic=value(dynamic)))
    return say("sentence", text=joined("", parts))


def _local_line(design: Design) -> Said:
    """The local share the target needs, and what the local owners invest and earn in
    the recommended design (its run: batteries and a connection upgrade included)."""
    loc = design.local
    fig = loc.figures
    parts = [
        say(
            "local.needed",
            target_frac=loc.target_frac,
            needed_frac=loc.needed_frac,
            current_frac=loc.current_frac,
        )
    ]
    if not fig["in_scope"]:
        parts.append(say("local.out_of_scope", capacity_kwp=fig["capacity_kwp"]))
    parts.append(
        say(
            "local.hold",
            share_frac=fig["local_share_frac"],
            capex_eur=fig["local_capex_eur"],
            capex_now_eur=fig["local_capex_now_eur"],
        )
    )
    if fig.get("capex_per_member_eur"):
        parts.append(say("local.per_member", capex_eur=fig["capex_per_member_eur"]))
    parts.append(say("local.npv", npv_eur=fig["local_npv_eur"]))
    town = design.options.municipality or design.scenario.site.municipality
    if design.options.register is not None:
        share = loc.municipality_needed_frac
        if share is None:
            parts.append(say("local.town_never", town=town))
        elif share == 0.0:
            parts.append(say("local.town_met", town=town))
        else:
            parts.append(say("local.town_needs", town=town, share_frac=share))
    return say("sentence", text=joined("", parts))


def write_design(
    design: Design, out_dir: Path, csv_dialect: str = "standard", lang: str = "en"
) -> Path:
    """Write a design under ``out_dir/<scenario name>/design/`` atomically (CSV files in
    a dialect of :mod:`energysim.core.csv_dialect`; the recommendation in ``lang``).

    The folder is the design's own: staged beside ``out_dir/<scenario name>/`` and
    swapped in whole; a run of the scenario keeps it (see :mod:`energysim.results.outputs`).

    Returns
    -------
    Path
        The design folder.

    Raises
    ------
    TypeError, ValueError
        ``out_dir`` not a path, ``csv_dialect`` not a dialect's name, ``lang`` not a
        language (naming the argument).
    DataError
        An output place that cannot be written.
    OSError
        A file that cannot be written (a full disk), naming it.
    """
    out_dir = expect_folder_path(out_dir, "write_design", "out_dir")
    csv_dialect = expect_csv_dialect(csv_dialect, "write_design")
    expect_language(lang)
    try:  # validated with the scenario; checked again as it becomes a folder name
        name = check_safe_name(design.scenario.name)
    except ValueError as exc:
        raise DataError(f"scenario field 'name': {exc}") from None

    def write(folder: Path) -> None:
        write_json(folder / "design.json", summary_dict(design, lang))
        write_csv(folder / "prices.csv", design.prices_table, dialect=csv_dialect)
        write_csv(folder / "price_curves.csv", design.price_curves, dialect=csv_dialect)
        write_csv(folder / "keys.csv", design.keys_table, dialect=csv_dialect)
        write_csv(folder / "key_shares.csv", design.key_shares, dialect=csv_dialect)
        write_csv(folder / "sizes.csv", design.sizes.curve, dialect=csv_dialect)
        write_csv(folder / "ownership.csv", design.local.money, dialect=csv_dialect)
        with naming_errors(folder / "scenario.recommended.toml"):
            (folder / "scenario.recommended.toml").write_text(
                scenario_to_toml(design.recommended), encoding="utf-8"
            )

    run_folder = out_dir / name
    return publish_atomically(run_folder / KEEP_DIR, write, within=run_folder)


def format_design(design: Design, lang: str = "en") -> str:
    """The recommendation for the terminal, in ``lang`` (``en`` or ``nl``)."""
    return "\n".join(recommendation_lines(design, lang))
