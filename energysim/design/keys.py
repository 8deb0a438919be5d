"""The best static sharing key of each tier, beside the usual keys, each run.

For each tier that shares by a key (tenants, members), in the waterfall's order and with
the keys already chosen for the tiers before it: the key problem
(:mod:`energysim.design.key_problem`: what a static key decides among the tier's
households, and the objective), its linear programme (:mod:`energysim.design.key_lp`),
and the optimised key evaluated with :func:`energysim.simulate.run` beside the static
keys by consumption and equal, the dynamic keys and the scenario's own
(:func:`optimise_tier`, :func:`optimise_keys`); a recommended design keeps the best of
them that the rules allow (:func:`choose_keys`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from energysim.config.allocation_policy import EqualKey, ProportionalKey, StaticKey
from energysim.design.key_lp import KeyLP
from energysim.design.key_problem import (
    KEYED_TIERS,
    Objective,
    TierProblem,
    run_objective,
    static_key,
    tier_problem,
    with_key,
)
from energysim.design.words import Said, joined, say
from energysim.inputs.context import RunInputs
from energysim.results.result import Result
from energysim.simulate import run


# --------------------------------------------------------------------------- results
@dataclass
class TierKeys:
    """The key design of one tier.

    Attributes
    ----------
    tier, objective : str
    shares_frac : numpy.ndarray or None
        The optimised static key (export variant); None when the tier has no key to
        choose (``note`` says why).
    participant_ids : list of str
        The key's participants (of the first building with this tier).
    table : pandas.DataFrame
        One row per key (optimised, static proportional to consumption, static equal,
        the scenario's own, and the dynamic proportional and equal keys for reference),
        each evaluated by :func:`energysim.simulate.run`.
    lp : dict
        LP size and solver time, the LP's predicted objective and its error against the
        run (the reduction error).
    """

    tier: str
    objective: str
    shares_frac: np.ndarray | None
    participant_ids: list[str]
    table: pd.DataFrame
    lp: dict[str, Any]
    note: str = ""


def _candidate_keys(problem: TierProblem, w: np.ndarray) -> list[tuple[str, str, Any]]:
    """(name, kind, scenario key) of the keys shown beside the optimised one."""
    demand = np.zeros(problem.n_shares)
    for b in problem.buildings:
        demand += b.demand_kwh.sum(axis=0)
    proportional = demand / demand.sum() if demand.sum() > 0 else np.full(len(demand), 0.0)
    n = problem.n_shares
    keys: list[tuple[str, str, Any]] = [
        ("optimised", "static", static_key(w)),
        ("proportional (static)", "static", static_key(proportional)),
        ("equal (static)", "static", static_key(np.full(n, 1.0 / n))),
        ("proportional (dynamic)", "dynamic", ProportionalKey()),
        ("equal (dynamic, redistribute)", "dynamic", EqualKey(variant="redistribute")),
    ]
    own = getattr(problem.result.scenario.allocation, problem.tier).key
    if own not in [k for _, _, k in keys]:
        keys.append(("scenario's key", "static" if isinstance(own, StaticKey) else own.method, own))
    return keys


def optimise_tier(
    result: Result,
    tier: str,
    objective: Objective,
    inputs: RunInputs | None = None,
    compare: bool = True,
) -> tuple[TierKeys, Result]:
    """Optimise one tier's key and evaluate it beside the usual keys with ``run``.

    With ``compare`` false only the optimised key is run.

    Returns
    -------
    TierKeys, Result
        The tier's design and the run with the optimised key (the next tier's start);
        the given run when the tier has no key to choose.
    """
    inputs = inputs or RunInputs.of(result)
    problem = tier_problem(result, tier)
    if isinstance(problem, str):
        return TierKeys(tier, objective, None, [], pd.DataFrame(), {}, problem), result
    start = time.perf_counter()
    lp = KeyLP(problem, objective)
    w = lp.optimise()
    predicted = lp.value(w)
    optimise_s = time.perf_counter() - start
    rows = []
    chosen = result
    candidates = _candidate_keys(problem, w)
    for name, kind, key in candidates if compare else candidates[:1]:
        r = run(with_key(result.scenario, tier, key), inputs=inputs)
        benefit = r.money["benefit_eur"]
        household = (r.participants["role"] != "common").to_numpy()
        tier_benefit = benefit.loc[problem.household_ids].to_numpy()
        rows.append(
            {
                "tier": tier,
                "key": name,
                "kind": kind,
                "objective": run_objective(r, problem, objective),
                "tier_benefit_total_eur": float(tier_benefit.sum()),
                "tier_benefit_min_eur": float(tier_benefit.min()),
                "tier_benefit_median_eur": float(np.median(tier_benefit)),
                "households_benefit_total_eur": float(benefit.to_numpy()[household].sum()),
                "tier_shared_kwh": float(r.annual["shared_kwh"].loc[problem.household_ids].sum()),
                "export_kwh": float(r.export_kwh.to_numpy().sum()),
                "owners_revenue_year1_eur": float(r.accounts.scheme["owners_revenue_eur"]),
            }
        )
        if name == "optimised":
            chosen = r
    table = pd.DataFrame(rows)
    achieved = float(table.loc[table["key"] == "optimised", "objective"].iloc[0])
    stats = {
        "variables": lp.stats.variables,
        "constraints": lp.stats.constraints,
        "nonzeros": lp.stats.nonzeros,
        "lps_solved": lp.stats.lps_solved,
        "solver_s": lp.stats.solve_s,
        "optimise_s": optimise_s,
        "cutting_plane_gap": lp.stats.gap,
        "households": len(problem.household_ids),
        "intervals": int(sum(b.steps.sum() for b in problem.buildings)),
        "predicted_objective": predicted,
        "run_objective": achieved,
        "reduction_error": achieved - predicted,
        "exact": problem.exact,
    }
    first = problem.buildings[0].ids
    return (
        TierKeys(tier, objective, w, list(first), table, stats, problem.note),
        chosen,
    )


def optimise_keys(
    result: Result, objective: Objective, inputs: RunInputs | None = None, compare: bool = True
) -> tuple[list[TierKeys], Result]:
    """Optimise the keyed tiers in waterfall order (tenants, members).

    Returns
    -------
    list of TierKeys, Result
        One design per keyed tier, and the run with all optimised keys.
    """
    inputs = inputs or RunInputs.of(result)
    out = []
    current = result
    for tier in [t for t in result.scenario.allocation.order if t in KEYED_TIERS]:
        design, current = optimise_tier(current, tier, objective, inputs, compare)
        out.append(design)
    return out, current


@dataclass(frozen=True)
class KeyChoice:
    """The key a recommended design uses for a tier, and why.

    Attributes
    ----------
    tier : str
    key : StaticKey or None
        The optimised static key, or None when the scenario's own key stays.
    objective_eur : float
        The objective of the key chosen, by ``run``.
    words : str
        The choice in plain words.
    """

    tier: str
    key: StaticKey | None
    objective_eur: float
    words: str


def choose_keys(
    result: Result,
    objective: Objective,
    inputs: RunInputs | None = None,
    static_only: bool = False,
) -> tuple[list[KeyChoice], Result]:
    """The keys of a recommended design, tier by tier in waterfall order.

    The optimised static key replaces the scenario's key when that is static too, or when
    it does at least as well on the objective; a scenario's dynamic or schedule key that
    does better stays (the scenario assumes it is allowed: not settled for energy sharing)
    unless ``static_only`` asks for static keys whatever they cost
    (:mod:`energysim.design.static_keys`).
    Where the LP is approximate (:attr:`TierProblem.exact` false), the static keys by
    consumption and equal are run too and the best static key by ``run`` is taken.

    Returns
    -------
    list of KeyChoice, Result
        The choices and the run with them.
    """
    inputs = inputs or RunInputs.of(result)
    choices: list[KeyChoice] = []
    current = result
    for tier in [t for t in result.scenario.allocation.order if t in KEYED_TIERS]:
        problem = tier_problem(current, tier)
        if isinstance(problem, str):
            continue
        design, with_best = optimise_tier(current, tier, objective, inputs, compare=False)
        assert design.shares_frac is not None
        best = float(design.lp["run_objective"])
        tier_words = say(f"tier.{tier}")
        chosen_key, words = static_key(design.shares_frac), say("keys.optimised", tier=tier_words)
        if not problem.exact:  # the LP is approximate here: the usual static keys may do better
            for name, _, key in _candidate_keys(problem, design.shares_frac)[1:3]:
                r = run(with_key(current.scenario, tier, key), inputs=inputs)
                value = run_objective(r, problem, objective)
                if value > best:
                    best, with_best, chosen_key = value, r, key
                    words = say(
                        "keys.better",
                        tier=tier_words,
                        name=say(f"keys.candidate.{CANDIDATES[name]}"),
                        note=problem.note,
                    )
        own = getattr(current.scenario.allocation, tier).key
        mine = run_objective(current, problem, objective)
        tol = 1e-9 * max(1.0, abs(mine))
        if isinstance(own, StaticKey) or best >= mine - tol or static_only:
            if static_only and not (isinstance(own, StaticKey) or best >= mine - tol):
                words = joined(
                    "",
                    [
                        words,
                        say(
                            "keys.static_only",
                            best=_fmt_objective(objective, best),
                            mine=_fmt_objective(objective, mine),
                            method=say(f"keys.method.{own.method}"),
                        ),
                    ],
                )
            choices.append(KeyChoice(tier, chosen_key, best, words))
            current = with_best
        else:
            choices.append(
                KeyChoice(
                    tier,
                    None,
                    mine,
                    say(
                        "keys.kept",
                        tier=tier_words,
                        method=say(f"keys.method.{own.method}"),
                        mine=_fmt_objective(objective, mine),
                        best=_fmt_objective(objective, best),
                    ),
                )
            )
    return choices, current


def _fmt_objective(objective: Objective, value: float) -> Said:
    per_kwh = objective == "proportional"
    return say("keys.objective.per_kwh" if per_kwh else "keys.objective.per_yr", value=value)


CANDIDATES = {"proportional (static)": "proportional_static", "equal (static)": "equal_static"}
"""The usual static keys a tier's LP key is checked against -> their words' keys."""
