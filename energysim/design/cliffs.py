"""The discrete effects a design's advice hinges on: what stays a step where the rest is smooth.

The money of a run moves continuously with the roof, the members and the battery's use:
the dispatch does not count a rounding remainder as surplus
(:data:`energysim.sharing.battery.ROOM_TOL_KWH`), and a battery is replaced at the date it
reaches end of life, with the residual value of the battery in use at the end
(:func:`energysim.money.batteries.battery_costs`). Two things stay whole steps, and the
advice says when it rests on one of them:

- a **battery replacement** that falls inside the lifetime: a whole new battery is bought
  (continuous in its date and net of its residual value, but it is there because the
  battery's life, an estimate from its fade figures, is shorter than the lifetime);
- a **member count**: members come one at a time, so "n members" means n - 1 are not
  enough.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from energysim.design.prices import Needed
from energysim.design.words import Said, say
from energysim.money.batteries import battery_costs
from energysim.results.result import Result


def battery_cliffs(result: Result) -> list[dict[str, Any]]:
    """Each battery of a run that is replaced within the lifetime, with what that costs.

    Returns
    -------
    list of dict
        ``kind`` (``battery_replacement``), ``building_id``, ``battery`` (shared or
        home), ``replacement_years``, ``life_yr``, ``cycles_per_yr``, ``replacement_eur``
        (the replacements at year-1 prices), ``net_present_cost_eur`` (their present
        value less the present value of the residual value they add, at the owners'
        discount rate) and ``words``.

    Notes
    -----
    The present value follows the owners' cash flows (:mod:`energysim.money.batteries`):
    costs indexed ``(1 + i)^(y - 1)``, discounted ``(1 + r)^-y``. Only the part of the
    residual value that the replacements bring counts: the residual of the battery in
    use at the end less what the first battery would have kept unreplaced (nothing,
    since it reached end of life).
    """
    fin = result.scenario.finance
    n = fin.lifetime_yr
    years = np.arange(1, n + 1)
    price = (1.0 + fin.price_indexation_frac_per_yr) ** (years - 1)
    discount = (1.0 + fin.discount_rate_frac) ** -years.astype(np.float64)
    out: list[dict[str, Any]] = []
    for run in result.storage.batteries if result.storage is not None else ():
        if not run.life.replacement_times_yr:
            continue
        _, _, replacement, residual = battery_costs(run, n)
        present = float(np.sum(replacement * price * discount))
        present_residual = residual * price[-1] * discount[-1]
        what = (
            say("cliff.shared_battery")
            if run.kind == "shared"
            else say("cliff.home_batteries", count=run.count)
        )
        years_words = ", ".join(str(y) for y in run.life.replacement_years)
        out.append(
            {
                "kind": "battery_replacement",
                "building_id": run.building_id,
                "battery": run.kind,
                "replacement_years": list(run.life.replacement_years),
                "life_yr": float(run.life.life_yr),
                "cycles_per_yr": float(run.cycles_per_yr),
                "replacement_eur": float(replacement.sum()),
                "net_present_cost_eur": present - present_residual,
                "words": say(
                    "cliff.battery",
                    building=run.building_id,
                    what=what,
                    years=years_words,
                    lifetime_yr=n,
                    replacement_eur=float(replacement.sum()),
                    net_eur=float(present - present_residual),
                    cycles_per_yr=float(run.cycles_per_yr),
                    life_yr=float(run.life.life_yr),
                ),
            }
        )
    return out


def members_cliff(needed: Needed | None) -> list[dict[str, Any]]:
    """The member count the advice names, as a whole-number step (empty when none)."""
    if needed is None or needed.members is None or needed.members_now is None:
        return []
    n = needed.members
    return [
        {
            "kind": "members",
            "members": n,
            "members_now": needed.members_now,
            "words": say(
                "cliff.members",
                members=members_instead(n, needed.members_now),
                fewer=member_count(n - 1),
            ),
        }
    ]


def member_count(count: int) -> Said:
    """A number of members in words: "no members", "1 member", "12 members"."""
    key = "none" if count == 0 else "one" if count == 1 else "many"
    return say(f"members.{key}", count=count)


def members_instead(members: int, members_now: int) -> Said:
    """The member count the advice names against today's: "1 member instead of none"."""
    return say("members.instead", members=member_count(members), now=member_count(members_now))


def design_cliffs(recommended: Result, needed: Needed | None) -> list[dict[str, Any]]:
    """Every discrete effect the advice hinges on: the recommended design's battery
    replacements within the lifetime and the member count named (``design.json``
    ``cliffs``)."""
    return battery_cliffs(recommended) + members_cliff(needed)
