"""Benchmark ``energysim design`` on the default scenario (15 minutes, a year).

Prints the wall and CPU time of each part of the design (target: the whole design under
60 s on this 2-core machine), the key LP's size and solver time per tier, the peak
memory of the process, and two baselines, each with the check that it gives the same
answer and the ratio:

1. the break-even price found by re-running the whole scenario at every root-finder
   step (what a script without the design's re-pricing hook does), against re-pricing
   the run's energy with the money model;
2. the static key as the textbook LP with one variable per participant and interval
   (``a_pt <= w_p R_t``, ``a_pt <= D_pt``), solved by HiGHS at once, against the
   cutting-plane LP of :mod:`energysim.design.key_lp` -- on the members' tier of the
   default scenario at 60 minutes (at 15 minutes the textbook LP has 400,000+
   variables per tier and takes minutes).

    python benchmarks/design.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from scipy import optimize, sparse

from energysim.config.scenario import load_scenario
from energysim.design import key_problem, prices
from energysim.design import keys as key_design
from energysim.design.plan import DesignOptions, design_scenario
from energysim.simulate import run

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import print_baseline, print_check, print_peak, print_ratio  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SCENARIO = REPO / "scenarios" / "rotterdam-galerijflat.toml"
TARGET_S = 60.0


def whole_design() -> None:
    scenario = load_scenario(SCENARIO)
    run(scenario)  # warm the process caches (weather, per-kWp generation) as a CLI run would
    start, cpu = time.perf_counter(), time.process_time()
    design = design_scenario(scenario, DesignOptions())
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    print("whole design of the default scenario (15 min, 35,040 intervals, 111 participants)")
    print(f"  {'part':<14}{'wall s':>8}{'CPU s':>8}")
    for part, seconds in design.timings_s.items():
        print(f"  {part:<14}{seconds:>8.2f}{design.cpu_s[part]:>8.2f}")
    verdict = "within" if wall < TARGET_S else "ABOVE"
    print(f"  total {wall:.1f} s wall, {cpu:.1f} s CPU: {verdict} the {TARGET_S:.0f} s target")
    for k in design.keys:
        lp = k.lp
        if not lp:
            continue
        print(
            f"  key LP {k.tier}: {lp['variables']} variables, {lp['constraints']} constraints "
            f"({lp['nonzeros']} nonzeros) at the end, {lp['lps_solved']} LPs, HiGHS "
            f"{lp['solver_s']:.2f} s of {lp['optimise_s']:.2f} s; {lp['households']} "
            f"households x {lp['intervals']} intervals with energy; LP "
            f"{lp['predicted_objective']:,.2f} vs run {lp['run_objective']:,.2f} "
            f"(error {lp['reduction_error']:.1e})"
        )


def break_even_baseline() -> None:
    scenario = load_scenario(SCENARIO)
    base = run(scenario)
    target = prices.PriceTarget()
    start = time.perf_counter()
    hook = prices.break_even_price(base, "uniform", target)
    hook_s = time.perf_counter() - start

    runs = 0

    def goal(p: float) -> float:
        nonlocal runs
        runs += 1
        r = run(prices.set_price(scenario, "uniform", p))
        return float(r.accounts.stakeholders["npv_eur"].min())

    start = time.perf_counter()
    hi = base.tariffs.import_price_eur_per_kwh
    while goal(hi) < 0:
        hi *= 2
    naive = optimize.brentq(goal, 0.0, hi, xtol=prices.PRICE_XTOL)
    naive_s = time.perf_counter() - start
    assert hook is not None
    print(f"break-even price (uniform): {hook:.6f} EUR/kWh; re-pricing the run {hook_s:.2f} s")
    print_baseline(f"a full run per root-finder step ({runs} runs): {naive_s:.2f} s")
    agree = print_check("break-even price", abs(naive - hook), 1e-9, " EUR/kWh")
    print_ratio(f"{naive_s / hook_s:.0f}x (baseline / re-pricing)")
    assert agree, (naive, hook)


def key_lp_baseline() -> None:
    scenario = load_scenario(SCENARIO).model_copy(update={"time_step_min": 60})
    base = run(scenario)
    tenants, after_tenants = key_design.optimise_tier(base, "tenants", "total", compare=False)
    problem = key_problem.tier_problem(after_tenants, "members")
    assert isinstance(problem, key_problem.TierProblem)
    start = time.perf_counter()
    ours, _ = key_design.optimise_tier(after_tenants, "members", "total", compare=False)
    ours_s = time.perf_counter() - start

    b = problem.buildings[0]
    reach, demand = b.reach_kwh, b.demand_kwh[:, b.households]
    steps, n = demand.shape
    # money per kWh of each member from the library's money model (linear here)
    e_max, _ = problem.curves(np.ones(n))
    slope = (problem.benefits_of_shares(np.ones(n)) - problem.benefits_of_shares(np.zeros(n))) / (
        np.where(e_max > 0, e_max, 1.0)
    )
    start = time.perf_counter()
    size = n + steps * n
    rows = np.arange(steps * n)
    a_ub = sparse.vstack(
        [
            sparse.csr_matrix(
                (
                    np.r_[np.ones(steps * n), -np.repeat(reach, n)],
                    (np.r_[rows, rows], np.r_[n + rows, np.tile(np.arange(n), steps)]),
                ),
                shape=(steps * n, size),
            ),
            sparse.csr_matrix((np.ones(n), (np.zeros(n, int), np.arange(n))), shape=(1, size)),
        ]
    ).tocsr()
    cost = np.r_[np.zeros(n), -np.tile(slope, steps)]
    bounds = np.c_[np.zeros(size), np.r_[np.ones(n), demand.ravel()]]
    res = optimize.linprog(
        cost, A_ub=a_ub, b_ub=np.r_[np.zeros(steps * n), 1.0], bounds=bounds, method="highs"
    )
    direct_s = time.perf_counter() - start
    assert res.status == 0, res.message
    direct = problem.objective_of_key("total", res.x[:n])
    achieved = ours.lp["run_objective"]
    print(
        f"static key, members' tier at 60 min ({n} households x {steps} intervals): cutting "
        f"planes {ours.lp['variables']} variables {ours_s:.2f} s, objective {achieved:,.4f} EUR/yr"
    )
    print_baseline(f"textbook LP, {size:,} variables: {direct_s:.2f} s, objective {direct:,.4f}")
    agree = print_check(
        "objectives, relative", abs(direct - achieved) / max(abs(direct), 1.0), 1e-6
    )
    print_ratio(f"{direct_s / ours_s:.0f}x (textbook LP / cutting planes)")
    assert agree, (direct, achieved)


def main() -> None:
    whole_design()
    break_even_baseline()
    key_lp_baseline()
    print_peak()


if __name__ == "__main__":
    main()
