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
        what = "shared battery" if run.kind == "shared" else f"{run.count} home batteries"
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
                "words": (
                    f"{run.building_id}: the owners' figures buy a new {what} in year(s) "
                    f"{years_words} of {n} (EUR {replacement.sum():,.0f} at year-1 prices; "
                    f"EUR {present - present_residual:,.0f} in today's money net of what it "
                    f"is still worth at the end), because at {run.cycles_per_yr:.0f} full "
                    f"cycles a year it lasts {run.life.life_yr:.1f} years: an estimate from "
                    "the battery's fade figures, on which the advice hinges"
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
            "words": (
                f"{n} members instead of {needed.members_now} is a whole-number step: the "
                f"advice hinges on the last member, with {n - 1} no price of the lever "
                "lets everybody gain"
            ),
        }
    ]


def design_cliffs(recommended: Result, needed: Needed | None) -> list[dict[str, Any]]:
    """Every discrete effect the advice hinges on: the recommended design's battery
    replacements within the lifetime and the member count named (``design.json``
    ``cliffs``)."""
    return battery_cliffs(recommended) + members_cliff(needed)
