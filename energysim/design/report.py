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
from energysim.design.cliffs import design_cliffs
from energysim.design.financing import financing_line
from energysim.design.key_problem import OBJECTIVE_WORDS
from energysim.design.keys import TierKeys
from energysim.design.plan import Design
from energysim.design.prices import LEVER_WORDS, PriceRange
from energysim.design.sensitivity import sensitivity_lines, table_records
from energysim.design.tradeoff import tradeoff_lines
from energysim.results.outputs import KEEP_DIR
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


def summary_dict(design: Design) -> dict[str, Any]:
    """The key figures of a design, as written to ``design.json``."""
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
        "recommendation": recommendation_lines(design),
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


def _price(value: float | None, unit: str) -> str:
    if value is None:
        return "none"
    if math.isinf(value):
        return "no limit"
    return f"EUR {value:.4f}/kWh" if unit == "EUR/kWh" else f"EUR {value:,.2f}/yr"


def _top_words(r: PriceRange, who: str, short: bool = False) -> str:
    """What sets the top of a range, in words."""
    if r.limit is not None and r.top == r.limit and r.limit != r.households_max:
        if r.lever == "panel_fee":
            return "Huurcommissie limit" if short else "the Huurcommissie limit"
        if short:
            return "what a shared kWh saves"
        return "what a shared kWh saves its receiver: above it, it costs more than it saves"
    return who if short else f"{who} is still not worse off up to there"


def _range_line(r: PriceRange, who: str) -> str:
    if r.break_even is None or r.top is None:
        return f"{LEVER_WORDS[r.lever]}: {r.message}"
    return (
        f"{LEVER_WORDS[r.lever]}: break-even {_price(r.break_even, r.unit)}, "
        f"top {_price(r.top, r.unit)} ({_top_words(r, who, short=True)})"
        + (" -> everybody gains" if r.feasible else " -> no price works")
    )


def recommendation_lines(design: Design) -> list[str]:
    """The design in plain words, one sentence per line."""
    now = _owners(design.base)
    lines = [
        f"Today: households gain EUR {now['household_benefit_total_eur']:,.0f} a year; the "
        f"owners' NPV is EUR {now['owners_npv_eur']:,.0f}.",
        *_price_lines(design),
        *[_key_line(design, k) for k in design.keys],
        f"Size: {design.sizes.message}.",
    ]
    lines += _roof_lines(design)
    lines.append(_local_line(design))
    lines.append(financing_line(design.financing))
    rec = _owners(design.recommended_result)
    lines.append(
        "Recommended design: "
        + "; ".join(design.changes)
        + f". Households then gain EUR {rec['household_benefit_total_eur']:,.0f} a year and "
        f"the owners' NPV is EUR {rec['owners_npv_eur']:,.0f}."
    )
    if design.tradeoff is not None:
        lines += tradeoff_lines(design.tradeoff)
    if design.margin is not None:
        lines.append(f"Margin: {design.margin.message}.")
        lines += [
            f"  downside {row['figure']}: {row['downside']} (scenario: {row['scenario']}; "
            f"{row['source']})"
            for row in design.margin.downside
        ]
    if design.sensitivity is not None:
        lines += sensitivity_lines(design.sensitivity)
    if design.static_keys is not None:
        lines.append(design.static_keys.words() + ".")
    lines += [
        f"The advice hinges on a whole step: {c['words']}."
        for c in design_cliffs(design.recommended_result, design.needed)
    ]
    return lines


def _roof_lines(design: Design) -> list[str]:
    """Whether the recommended size is the largest tried or the largest the roofs carry,
    and the roofs' notes (an area missing, a roof already full)."""
    factor = design.sizes.recommended_factor
    room = design.sizes.roof
    lines = []
    largest = max(design.options.size_factors)
    if factor is not None and math.isclose(factor, room.max_factor) and factor < largest:
        roofs = [
            f"{r['building']}: {r['usable_roof_m2']:,.0f} m2 usable of {r['roof_area_m2']:,.0f} m2"
            for r in room.rows
            if r["usable_roof_m2"] is not None
        ]
        where = "; ".join(roofs) if roofs else "the roof's area is not given"
        lines.append(f"  (the largest size the stated roofs carry; {where})")
    elif factor is not None and factor == largest:
        lines.append("  (the largest size tried: a larger roof may be better still)")
    return lines + [f"  {note}." for note in room.notes]


def _price_lines(design: Design) -> list[str]:
    """The chosen price's range, every other lever's, and what would be needed."""
    opts = design.options
    chosen = design.chosen
    who = {
        "every": "every household",
        "p10": "the p10 household",
        "median": "the median household",
    }[opts.criterion]
    goal = (
        f"an IRR of {opts.target_irr_frac:.1%}"
        if opts.target_irr_frac is not None
        else f"NPV = 0 at their discount rate of {design.scenario.finance.discount_rate_frac:.1%}"
    )
    j = design.joint
    lines = [
        "Prices, chosen together within every legal limit at the recommended design (the "
        f"Huurcommissie limit, what a shared kWh saves): {j.message}.",
        "One price at a time, the others as in the scenario:",
    ]
    if chosen.feasible and chosen.break_even is not None:
        lines.append(
            f"  with {LEVER_WORDS[chosen.lever]} of {_price(chosen.break_even, chosen.unit)} "
            f"the owners reach {goal}; the top is {_price(chosen.top, chosen.unit)} "
            f"({_top_words(chosen, who)}). Between these prices everybody gains."
        )
    else:
        lines.append(f"  {LEVER_WORDS[chosen.lever]}: {chosen.message}.")
    others = [r for r in design.prices[1:]]
    lines += ["  " + _range_line(r, who) for r in others]
    n = design.needed
    if n is not None:
        parts = []
        if n.capex_eur_per_kwp is not None:
            parts.append(
                f"a capex of EUR {n.capex_eur_per_kwp:,.0f}/kWp instead of "
                f"EUR {n.capex_now_eur_per_kwp:,.0f}"
            )
        else:
            parts.append("no capex level (the running costs exceed the revenue)")
        parts.append(
            f"a one-off subsidy of EUR {n.subsidy_eur:,.0f} "
            f"({n.subsidy_frac_of_capex:.0%} of the investment)"
        )
        if n.members is not None:
            parts.append(f"{n.members} members instead of {n.members_now}")
        elif n.members_note:
            parts.append(f"more members: {n.members_note}")
        lines.append(
            f"  what would open this price's range at {_price(n.price, chosen.unit)} (the "
            "others as in the scenario): " + "; or ".join(parts) + "."
        )
    return lines


def _key_line(design: Design, k: TierKeys) -> str:
    """The best static key of a tier against the plain keys (and the dynamic one)."""
    opts = design.options
    if k.shares_frac is None:
        return f"Key for {k.tier}: {k.note}."
    t = k.table.set_index("key")["objective"]
    unit = "EUR/kWh consumed" if opts.objective == "proportional" else "EUR/yr"
    fmt = "{:,.4f}" if opts.objective == "proportional" else "{:,.0f}"
    line = (
        f"Key for {k.tier} ({OBJECTIVE_WORDS[opts.objective]}): the optimised static key "
        f"gives {fmt.format(t['optimised'])} {unit}, against "
        f"{fmt.format(t['proportional (static)'])} for static shares by consumption and "
        f"{fmt.format(t['equal (static)'])} for equal shares"
    )
    others = max(t["proportional (static)"], t["equal (static)"])
    if others > t["optimised"]:
        line += f" (the LP is approximate here: {k.note})"
    dynamic = t["proportional (dynamic)"]
    if dynamic > t["optimised"]:
        line += (
            f"; sharing in proportion to each interval's consumption (if allowed: not "
            f"settled) would give {fmt.format(dynamic)}"
        )
    return line + "."


def _local_line(design: Design) -> str:
    """The local share the target needs, and what the local owners invest and earn in
    the recommended design (its run: batteries and a connection upgrade included)."""
    loc = design.local
    fig = loc.figures
    line = (
        f"Local ownership: for this rooftop to count toward the {loc.target_frac:.0%} target, "
        f"local owners need at least {loc.needed_frac:.0%} (now {loc.current_frac:.0%})"
    )
    if not fig["in_scope"]:
        line += (
            f" -- but at {fig['capacity_kwp']:,.1f} kWp the recommended rooftop is not above "
            "the 15 kW the target counts from"
        )
    line += (
        f"; in the recommended design they hold {fig['local_share_frac']:.0%} and invest "
        f"EUR {fig['local_capex_eur']:,.0f} (today's roof: EUR {fig['local_capex_now_eur']:,.0f})"
    )
    if fig.get("capex_per_member_eur"):
        line += f", EUR {fig['capex_per_member_eur']:,.0f} per member"
    line += f"; their NPV there is EUR {fig['local_npv_eur']:,.0f}"
    town = design.options.municipality or design.scenario.site.municipality
    if design.options.register is not None:
        share = loc.municipality_needed_frac
        if share is None:
            line += f"; even a fully local rooftop does not bring {town} to the target"
        elif share == 0.0:
            line += f"; {town} meets the target without this rooftop's local part"
        else:
            line += f"; to bring {town} to the target, local owners need {share:.0%} of it"
    return line + "."


def write_design(design: Design, out_dir: Path, csv_dialect: str = "standard") -> Path:
    """Write a design under ``out_dir/<scenario name>/design/`` atomically (CSV files in
    a dialect of :mod:`energysim.core.csv_dialect`).

    The folder is the design's own: staged beside ``out_dir/<scenario name>/`` and
    swapped in whole; a run of the scenario keeps it (see :mod:`energysim.results.outputs`).

    Returns
    -------
    Path
        The design folder.

    Raises
    ------
    TypeError, ValueError
        ``out_dir`` not a path, ``csv_dialect`` not a dialect's name (naming the argument).
    DataError
        An output place that cannot be written.
    OSError
        A file that cannot be written (a full disk), naming it.
    """
    out_dir = expect_folder_path(out_dir, "write_design", "out_dir")
    csv_dialect = expect_csv_dialect(csv_dialect, "write_design")
    try:  # validated with the scenario; checked again as it becomes a folder name
        name = check_safe_name(design.scenario.name)
    except ValueError as exc:
        raise DataError(f"scenario field 'name': {exc}") from None

    def write(folder: Path) -> None:
        write_json(folder / "design.json", summary_dict(design))
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


def format_design(design: Design) -> str:
    """The recommendation for the terminal."""
    return "\n".join(recommendation_lines(design))
