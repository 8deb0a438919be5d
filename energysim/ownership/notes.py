"""The notes of a local-ownership report: the rules it used, what it assumed or
estimated, and what the added rooftops changed.

Each note is a :class:`~energysim.core.messages.Message`: an English sentence with a
stable code, so the dashboard says it in Dutch (``msg.<code>`` in its catalogues).
"""

from __future__ import annotations

import pandas as pd

from energysim.core.messages import Message
from energysim.ownership.rules import LOCAL_RULES, TARGET_YEAR, OwnershipRules


def report_notes(
    register: pd.DataFrame,
    inst: pd.DataFrame,
    areas: pd.DataFrame,
    rules: OwnershipRules,
    regions_source: str,
) -> list[str]:
    """The notes a reader of the report must see, in order: the local rule, the target and
    its scope (the headline's and the rooftops beside it), the regions' source, former
    municipality codes, installations outside the scope, solar without a mounting, the
    history and pipeline's assumptions, a 100% target, the rooftop yield assumed, and per
    municipality what the added rooftops changed.

    Parameters
    ----------
    register : pandas.DataFrame
        The register as read (its ``code_note`` column names former codes).
    inst, areas : pandas.DataFrame
        The report's installations and areas
        (:class:`~energysim.ownership.tables.OwnershipReport`).
    rules : OwnershipRules
    regions_source : str
        Where the province and RES-region figures come from, or why there are none.
    """
    msgs: list[str] = [
        Message(
            f"Local owners counted: {LOCAL_RULES[rules.rule]} (rule '{rules.rule}'); owner "
            f"types counted as local: {', '.join(sorted(rules.local))}.",
            "ownership_local_rule",
            rule=rules.rule,
            owner_types=sorted(rules.local),
        ),
        Message(
            f"Target {rules.target_frac:.0%} of production of wind and solar above "
            f"{rules.scope_above_kw:g} kW; only operational installations count today. The "
            "headline share follows the Participatiemonitor's scope, wind and solar on land "
            "(not on buildings); rooftop solar above the threshold is shown beside it, "
            "labelled 'incl. rooftops'.",
            "ownership_target",
            target_frac=rules.target_frac,
            scope_kw=rules.scope_above_kw,
        ),
        Message(f"Regions: {regions_source}.", "ownership_regions", source=regions_source),
    ]
    if "code_note" in register.columns:
        msgs += sorted({str(n) for n in register["code_note"] if n})
    msgs += _scope_messages(inst, rules)
    msgs += _dating_messages(inst)
    if rules.target_frac >= 1:
        msgs.append(
            Message(
                "With a target of 100%, adding local production never closes a gap while any "
                "non-local production remains: additional_local_mwh and "
                "rooftop_kwp_to_close_gap are infinite (null in JSON) wherever the target is "
                "not met.",
                "ownership_target_full",
            )
        )
    msgs.append(
        Message(
            f"rooftop_kwp_to_close_gap assumes new, fully local rooftops yielding "
            f"{rules.specific_yield_kwh_per_kwp:,.0f} kWh/kWp/yr (an estimate).",
            "ownership_rooftop_yield",
            specific_yield=rules.specific_yield_kwh_per_kwp,
        )
    )
    msgs += _what_if_messages(inst, areas)
    return msgs


def _scope_messages(inst: pd.DataFrame, rules: OwnershipRules) -> list[str]:
    """Installations outside the target's scope; solar without a mounting in it."""
    msgs: list[str] = []
    small = inst[~inst["in_scope"] & (inst["status"] == "operational")]
    if len(small):
        msgs.append(
            Message(
                f"{len(small)} installation(s) of {rules.scope_above_kw:g} kW or less "
                f"({small['capacity_kw'].sum():,.1f} kW) are outside the target's scope and "
                "reported separately (small_... columns).",
                "ownership_small_outside_scope",
                count=len(small),
                scope_kw=rules.scope_above_kw,
                capacity_kw=float(small["capacity_kw"].sum()),
            )
        )
    unspecified = inst[
        inst["in_scope"] & (inst["status"] == "operational") & (inst["kind"] == "solar_unspecified")
    ]
    if len(unspecified):
        msgs.append(
            Message(
                f"{len(unspecified)} solar installation(s) in scope without a mounting are "
                "counted in the headline as not on a building; give mounting = rooftop for "
                "those on a roof.",
                "ownership_mounting_unspecified",
                count=len(unspecified),
            )
        )
    return msgs


def _what_if_messages(inst: pd.DataFrame, areas: pd.DataFrame) -> list[str]:
    """Per municipality, what the added rooftops changed in the share incl. rooftops."""
    msgs: list[str] = []
    added = inst[inst["what_if"]]
    if len(added):
        rows = areas[(areas["level"] == "municipality") & (areas["added_installations"] > 0)]
        for _, row in rows.iterrows():
            without = row["local_share_production_incl_rooftops_without_added_frac"]
            share = row["local_share_production_incl_rooftops_frac"]
            msgs.append(
                Message(
                    f"What-if: {row['added_installations']} added rooftop(s) change the local "
                    f"share incl. rooftops of {row['area']} from {without:.2%} to {share:.2%} "
                    f"({row['added_change_incl_rooftops_pp']:+.3f} percentage points); the "
                    "headline share (the monitor's scope) counts no rooftop.",
                    "ownership_what_if",
                    count=int(row["added_installations"]),
                    area=str(row["area"]),
                    without_frac=float(without),
                    with_frac=float(share),
                    change_pp=float(row["added_change_incl_rooftops_pp"]),
                )
            )
    return msgs


def _dating_messages(inst: pd.DataFrame) -> list[str]:
    """Operational installations without a year; the pipeline's permitted and planned."""
    msgs: list[str] = []
    in_scope = inst[inst["in_scope"]]
    undated = in_scope[
        (in_scope["status"] == "operational")
        & in_scope["commissioning_year"].isna()
        & ~in_scope["what_if"]
    ]
    if len(undated) and len(undated) < len(in_scope):
        msgs.append(
            Message(
                f"Assumption: {len(undated)} operational installation(s) without "
                "commissioning_year are counted in every year of the history.",
                "ownership_undated_counted",
                count=len(undated),
            )
        )
    pipeline = in_scope[in_scope["status"] != "operational"]
    if len(pipeline):
        undated_pipe = int(pipeline["commissioning_year"].isna().sum())
        late = int((pipeline["commissioning_year"] > TARGET_YEAR).sum())
        msgs.append(
            Message(
                f"Pipeline: {len(pipeline)} permitted or planned installation(s) in scope; "
                f"{undated_pipe} without a year are assumed built by {TARGET_YEAR}, {late} "
                f"expected after {TARGET_YEAR} are left out of the {TARGET_YEAR} figures "
                "(an estimate: not every planned project is built).",
                "ownership_pipeline",
                count=len(pipeline),
                undated=undated_pipe,
                late=late,
                target_year=TARGET_YEAR,
            )
        )
    return msgs
