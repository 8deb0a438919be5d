"""The best static sharing key of a tier: a linear programme on the year's energy.

The Energiewet settles energy sharing with percentages registered in advance: a static
key ``w`` (one share per participant, ``sum w <= 1``); in every interval participant
``p`` receives ``a_pt = min(D_pt, w_p R_t)`` of the energy ``R_t`` that reaches the
tier, and an unused share is exported (the NL rule as far as is known, domain.md
section 3). This module finds the ``w`` that maximises an objective over the tier's
households:

``total``
    the households' total benefit, ``sum_h B_h``;
``maxmin``
    the lowest household's benefit, ``min_h B_h`` (then, among keys within a cent of
    that, the highest total);
``proportional``
    benefit proportional to consumption: the lowest benefit per kWh consumed,
    ``min_h B_h / C_h`` (then the highest total).

Method (docs/design.md): a household's energy over the year, ``E_h(w_h) = sum_t
min(D_ht, w_h R_t)``, is a concave piecewise-linear function of its own share only, with
a breakpoint wherever ``w_h = D_ht / R_t``. The linear programme keeps the shares ``w``,
each household's energy ``e_h`` and benefit ``b_h`` as variables; ``e_h`` is bounded by
tangents of ``E_h`` (Kelley's cutting planes: solve, add the tangents at the solution,
solve again until the bound meets the true value), which is exact on the full 15-minute
year with a small LP. The money ``b_h`` comes from the library's own money model
(:func:`energysim.money.year_one.year_one_money`), sampled along each household's curve and
bounded by the chords between samples: exact when the money is linear in the shared kWh
(flat prices, one tax bracket, no net-metering kink), otherwise the reported error says
how far the LP's figure is from the run's. scipy's HiGHS solves each LP.

A tier's key decides among that tier's households; the tiers are optimised in the
waterfall's order, each with the keys already chosen for the tiers before it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from scipy import optimize, sparse

from energysim.config.allocation_policy import EqualKey, ProportionalKey, StaticKey
from energysim.config.scenario import Scenario
from energysim.money.year_one import year_one_money
from energysim.results.result import Result, RunInputs
from energysim.sharing import allocation as alloc
from energysim.sharing.flows import NO_FLOW, Flows, annual_energy
from energysim.sharing.waterfall import building_waterfalls
from energysim.simulate import run, supply_price_eur_per_kwh

Objective = Literal["total", "maxmin", "proportional"]
OBJECTIVES: tuple[str, ...] = get_args(Objective)
OBJECTIVE_WORDS = {
    "total": "the households' total benefit",
    "maxmin": "the lowest household's benefit",
    "proportional": "the lowest benefit per kWh consumed (benefit proportional to consumption)",
}
KEYED_TIERS = ("tenants", "members")

MAX_ITERATIONS = 300
"""Cutting-plane rounds per LP stage (each adds one tangent per household)."""
MONEY_ROUNDS = 3
"""Rounds that add the money model's value at the solution to the sampled money curve."""
SHARE_PENALTY_EUR = 1e-7
"""Tiny cost per unit of share in the final stage, so no share is handed out for nothing."""


def objective_value(
    objective: Objective, benefit_eur: np.ndarray, consumption_kwh: np.ndarray
) -> float:
    """The objective of a tier's households' year-1 benefits [EUR, or EUR/kWh].

    Raises
    ------
    ValueError
        For an unknown objective.
    """
    b = np.asarray(benefit_eur, dtype=np.float64)
    if objective == "total":
        return float(b.sum())
    if objective == "maxmin":
        return float(b.min())
    if objective == "proportional":
        c = np.asarray(consumption_kwh, dtype=np.float64)
        return float((b[c > 0] / c[c > 0]).min())
    raise ValueError(f"objective: expected one of {', '.join(OBJECTIVES)}, found {objective!r}")


@dataclass
class _Building:
    """One building's part of a tier: its energy on the intervals where some reaches it."""

    steps: np.ndarray  # bool (n_steps,): reach > 0
    reach_kwh: np.ndarray  # (n_on,)
    demand_kwh: np.ndarray  # (n_on, n_columns) the tier's demand
    ids: list[str]  # the tier's participants (columns)
    columns: list[int]  # their positions in the run's participant table
    households: np.ndarray  # int: positions (in this building's columns) of the households
    consumption_kwh: np.ndarray  # (n_steps, n_columns) the participants' whole consumption
    own_kwh: np.ndarray | None  # (n_steps, n_columns) own strings, None without
    own_export_kwh: np.ndarray | None
    index: pd.Index
    curve: _Curves | None = None


@dataclass
class _Curves:
    """The households' year-energy curves ``E(w) = sum_t min(D_t, w R_t)``, tabulated.

    Per household (column), the intervals sorted by ``rho_t = D_t / R_t``; then
    ``E(w) = sum_{rho <= w} D + w sum_{rho > w} R`` and ``E'(w+) = sum_{rho > w} R``, so
    a curve is evaluated with one binary search instead of a pass over the year.
    """

    rho: np.ndarray  # (n_on, n_h) sorted per column
    cum_demand_kwh: np.ndarray  # (n_on + 1, n_h): sum of D over the first k intervals
    tail_reach_kwh: np.ndarray  # (n_on + 1, n_h): sum of R from interval k on

    @classmethod
    def of(cls, reach_kwh: np.ndarray, demand_kwh: np.ndarray) -> _Curves:
        rho = demand_kwh / reach_kwh[:, None]
        order = np.argsort(rho, axis=0, kind="stable")
        d = np.take_along_axis(demand_kwh, order, axis=0)
        r = reach_kwh[order]
        zeros = np.zeros((1, demand_kwh.shape[1]))
        cum_d = np.concatenate([zeros, np.cumsum(d, axis=0)])
        tail_r = np.concatenate([np.cumsum(r[::-1], axis=0)[::-1], zeros])
        return cls(np.take_along_axis(rho, order, axis=0), cum_d, tail_r)

    def at(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Energy and right derivative of each column at its share ``w`` [kWh]."""
        cols = np.arange(self.rho.shape[1])
        k = np.array([np.searchsorted(self.rho[:, j], w[j], side="right") for j in cols])
        tail = self.tail_reach_kwh[k, cols]
        return self.cum_demand_kwh[k, cols] + w * tail, tail


@dataclass
class TierProblem:
    """A tier's static key as an optimisation problem, on one run's energy.

    Attributes
    ----------
    tier : str
    n_shares : int
        Length of the key (the tier's participants per building).
    household_ids : list of str
        The households in the objective: the tier's participants that may share.
    position : numpy.ndarray
        Each household's position in the key.
    exact : bool
        Whether the tier's households' money depends on their own shared kWh only, so
        that the LP (up to the money samples) and the fast evaluation are exact.
    note : str
        Why not, when not.
    """

    result: Result
    tier: str
    n_shares: int
    household_ids: list[str]
    position: np.ndarray
    consumption_kwh: np.ndarray
    buildings: list[_Building]
    price_eur_per_kwh: np.ndarray
    h_building: np.ndarray
    household_rows: np.ndarray
    exact: bool
    note: str = ""

    # ----------------------------------------------------------------- energy curves
    def curves(self, w_h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each household's year energy at its share, and the right derivative [kWh]."""
        energy = np.empty(len(self.household_ids))
        slope = np.empty(len(self.household_ids))
        for k, b in enumerate(self.buildings):
            sel = self.h_building == k
            if b.curve is None:
                b.curve = _Curves.of(b.reach_kwh, b.demand_kwh[:, b.households])
            energy[sel], slope[sel] = b.curve.at(w_h[sel])
        return energy, slope

    # ----------------------------------------------------------------- money
    def benefits(self, allocated: list[np.ndarray]) -> np.ndarray:
        """The households' year-1 benefit [EUR/yr] when each building's tier receives
        ``allocated`` ``(n_on, n_columns)`` [kWh], from the library's money model."""
        r = self.result
        values = r.annual.to_numpy(copy=True)
        for b, a in zip(self.buildings, allocated, strict=True):
            shared = np.zeros(b.consumption_kwh.shape)
            shared[b.steps] = a
            own = NO_FLOW if b.own_kwh is None else b.own_kwh
            own_export = NO_FLOW if b.own_export_kwh is None else b.own_export_kwh
            rows = annual_energy(
                b.index, b.consumption_kwh, Flows(own, own_export, shared), self.price_eur_per_kwh
            )
            where = r.annual.columns.get_indexer(rows.columns)
            values[np.ix_(b.columns, where)] = rows.to_numpy()
        annual = pd.DataFrame(values, index=r.annual.index, columns=r.annual.columns, copy=False)
        money, _ = year_one_money(r.scenario, r.tariffs, r.participants, annual, r.buildings)
        return money["benefit_eur"].to_numpy()[self.household_rows]

    def benefits_of_shares(self, w_h: np.ndarray) -> np.ndarray:
        """Benefits when every household ``h`` gets share ``w_h[h]`` of each interval
        (a probe: the shares need not sum to at most 1) [EUR/yr]."""
        allocated = []
        for k, b in enumerate(self.buildings):
            w = np.zeros(len(b.ids))
            w[b.households] = w_h[self.h_building == k]
            allocated.append(np.minimum(b.demand_kwh, b.reach_kwh[:, None] * w[None, :]))
        return self.benefits(allocated)

    def key_benefits(self, shares_frac: np.ndarray) -> np.ndarray:
        """Benefits under a static key (export variant), allocated by the library's
        kernel :func:`energysim.sharing.allocation.allocate_static` [EUR/yr]."""
        allocated = [
            alloc.allocate_static(b.reach_kwh, b.demand_kwh, shares_frac, "export").allocated_kwh
            for b in self.buildings
        ]
        return self.benefits(allocated)

    def objective_of_key(self, objective: Objective, shares_frac: np.ndarray) -> float:
        """The objective under a static key: fast when exact, else by a run."""
        if self.exact:
            return objective_value(objective, self.key_benefits(shares_frac), self.consumption_kwh)
        scenario = with_key(self.result.scenario, self.tier, static_key(shares_frac))
        return run_objective(run(scenario, inputs=RunInputs.of(self.result)), self, objective)


def static_key(shares_frac: np.ndarray) -> StaticKey:
    """A scenario static key (export variant) from shares [-]."""
    w = np.clip(np.asarray(shares_frac, dtype=np.float64), 0.0, 1.0)
    if w.sum() > 1.0:
        w = w / w.sum()
    return StaticKey(shares_frac=[float(v) for v in w], variant="export")


def with_key(scenario: Scenario, tier: str, key: Any) -> Scenario:
    """The scenario with another key for one tier."""
    policy = getattr(scenario.allocation, tier).model_copy(update={"key": key})
    return scenario.model_copy(
        update={"allocation": scenario.allocation.model_copy(update={tier: policy})}
    )


def run_objective(result: Result, problem: TierProblem, objective: Objective) -> float:
    """The objective of a run, over the problem's households."""
    benefit = result.money["benefit_eur"].loc[problem.household_ids].to_numpy()
    consumption = result.annual["consumption_kwh"].loc[problem.household_ids].to_numpy()
    return objective_value(objective, benefit, consumption)


def tier_problem(result: Result, tier: str) -> TierProblem | str:
    """Set up the key problem of a tier of a run, or say why it has none.

    Returns
    -------
    TierProblem or str
        The problem, or the reason the tier has no key to choose (no households, an SCE
        tier, buildings with different numbers of participants).
    """
    scenario = result.scenario
    policy = scenario.allocation
    if tier == "members" and policy.members.mode != "sharing":
        return f"members: mode '{policy.members.mode}' feeds the tier's energy in; no key"
    waterfalls = [w for w in building_waterfalls(result) if tier in w.participant_ids]
    if not waterfalls:
        return f"{tier}: nobody in this tier"
    sizes = {len(w.participant_ids[tier]) for w in waterfalls}
    if len(sizes) != 1:
        return (
            f"{tier}: buildings have different numbers of participants {sorted(sizes)}; "
            "one static key cannot fit them all"
        )
    n_shares = sizes.pop()
    position_of = {pid: j for j, pid in enumerate(result.participants.index)}
    eligible = result.participants["sharing_eligible"].to_numpy(dtype=bool)
    flows = result.flows
    cons = result.consumption_kwh.to_numpy()  # float32 in large runs: columns in float64
    buildings: list[_Building] = []
    ids: list[str] = []
    position: list[int] = []
    h_building: list[int] = []
    for k, w in enumerate(waterfalls):
        t = next(t for t in w.tiers if t.name == tier)
        reach = w.reach_kwh[tier]
        steps = reach > 0
        members = w.participant_ids[tier]
        columns = [position_of[p] for p in members]
        hh = np.flatnonzero(eligible[columns])
        own = flows.own_kwh(cols=np.asarray(columns))
        has_own = bool(own.any())
        buildings.append(
            _Building(
                steps=steps,
                reach_kwh=reach[steps],
                demand_kwh=np.ascontiguousarray(np.asarray(t.demand_kwh, dtype=np.float64)[steps]),
                ids=members,
                columns=columns,
                households=hh,
                consumption_kwh=cons[:, columns].astype(np.float64),
                own_kwh=np.array(own) if has_own else None,
                own_export_kwh=np.array(flows.own_export_kwh(cols=np.asarray(columns)))
                if has_own
                else None,
                index=pd.Index(members),
            )
        )
        ids += [members[j] for j in hh]
        position += list(hh)
        h_building += [k] * len(hh)
    if not ids:
        return f"{tier}: no participant may share (supplier)"
    note = ""
    if any(b.battery is not None or b.home_batteries is not None for b in scenario.buildings):
        note = "a battery's flows and money move with the key"
    elif tier == "tenants":
        order = list(policy.order)
        if order.index("common") > order.index("tenants"):
            note = (
                "the common tier comes after the tenants: "
                "their service-cost saving moves with the key"
            )
        elif scenario.finance.export_revenue_to == "service_costs":
            note = "the common connection's export goes to the service costs and moves with the key"
    problem = TierProblem(
        result=result,
        tier=tier,
        n_shares=n_shares,
        household_ids=ids,
        position=np.asarray(position, dtype=int),
        consumption_kwh=result.annual["consumption_kwh"].loc[ids].to_numpy(),
        buildings=buildings,
        price_eur_per_kwh=supply_price_eur_per_kwh(scenario, result.index, result.tariffs),
        h_building=np.asarray(h_building, dtype=int),
        household_rows=np.asarray([position_of[p] for p in ids], dtype=int),
        exact=not note,
        note=note,
    )
    return problem


# --------------------------------------------------------------------------- the LP
@dataclass
class _Rows:
    """Sparse rows ``A x <= b`` built up round by round."""

    rows: list[int] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)
    vals: list[float] = field(default_factory=list)
    rhs: list[float] = field(default_factory=list)

    def add(self, entries: list[tuple[int, float]], bound: float) -> None:
        r = len(self.rhs)
        for c, v in entries:
            self.rows.append(r)
            self.cols.append(c)
            self.vals.append(v)
        self.rhs.append(bound)

    def matrix(self, n_cols: int) -> sparse.csr_matrix:
        return sparse.csr_matrix((self.vals, (self.rows, self.cols)), shape=(len(self.rhs), n_cols))


@dataclass
class LpStats:
    """Size and cost of the key LP (the last one solved)."""

    variables: int = 0
    constraints: int = 0
    nonzeros: int = 0
    lps_solved: int = 0
    solve_s: float = 0.0
    gap: float = 0.0


class _KeyLP:
    """Kelley's cutting planes on the energy curves, chords on the sampled money."""

    def __init__(self, problem: TierProblem, objective: Objective) -> None:
        self.p = problem
        self.objective = objective
        n_h = len(problem.household_ids)
        self.n_w, self.n_h = problem.n_shares, n_h
        self.iw = np.arange(self.n_w)
        self.ie = self.n_w + np.arange(n_h)
        self.ib = self.n_w + n_h + np.arange(n_h)
        self.iz = self.n_w + 2 * n_h
        self.n_x = self.iz + 1
        self.stats = LpStats()
        ones = np.ones(n_h)
        self.e_max, _ = problem.curves(ones)
        self.tangents = _Rows()
        self._samples_e: list[list[float]] = [[] for _ in range(n_h)]
        self._samples_b: list[list[float]] = [[] for _ in range(n_h)]
        # money samples: shares 0 and 1/(8n) ... 1, doubling
        grid = [0.0]
        s = 1.0 / (8 * max(self.n_w, 1))
        while s < 1.0:
            grid.append(s)
            s *= 2.0
        grid.append(1.0)
        for s in grid:
            self.add_money_sample(np.full(n_h, s))
            self.add_tangents(np.full(n_h, s))

    # ----------------------------------------------------------------- pieces
    def add_tangents(self, w_h: np.ndarray) -> None:
        energy, slope = self.p.curves(w_h)
        for h in range(self.n_h):
            j = self.iw[self.p.position[h]]
            # e_h <= E(w0) + g (w - w0)
            self.tangents.add([(self.ie[h], 1.0), (j, -slope[h])], energy[h] - slope[h] * w_h[h])

    def add_money_sample(self, w_h: np.ndarray) -> None:
        energy, _ = self.p.curves(w_h)
        benefit = self.p.benefits_of_shares(w_h)
        for h in range(self.n_h):
            self._samples_e[h].append(float(energy[h]))
            self._samples_b[h].append(float(benefit[h]))

    def money_pieces(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        """The sampled money curve of a household: energies and benefits, sorted."""
        e = np.asarray(self._samples_e[h])
        b = np.asarray(self._samples_b[h])
        order = np.argsort(e, kind="stable")
        e, b = e[order], b[order]
        keep = np.r_[True, np.diff(e) > 1e-9]
        return e[keep], b[keep]

    def money(self, energy: np.ndarray) -> np.ndarray:
        """The LP's money at the given energies: the minimum of the chord lines [EUR]."""
        out = np.empty(self.n_h)
        for h in range(self.n_h):
            e, b = self.money_pieces(h)
            if len(e) == 1:
                out[h] = b[0]
                continue
            m = np.diff(b) / np.diff(e)
            out[h] = float(np.min(b[:-1] + m * (energy[h] - e[:-1])))
        return out

    def money_rows(self) -> _Rows:
        rows = _Rows()
        for h in range(self.n_h):
            e, b = self.money_pieces(h)
            if len(e) == 1:
                rows.add([(self.ib[h], 1.0)], b[0])
                continue
            m = np.diff(b) / np.diff(e)
            for j in range(len(m)):
                # b_h <= B_j + m_j (e_h - E_j)
                rows.add([(self.ib[h], 1.0), (self.ie[h], -m[j])], b[j] - m[j] * e[j])
        return rows

    # ----------------------------------------------------------------- solving
    def value(self, w: np.ndarray) -> float:
        """The LP model's objective at shares ``w`` (exact energy, sampled money)."""
        energy, _ = self.p.curves(w[self.p.position])
        return objective_value(self.objective, self.money(energy), self.p.consumption_kwh)

    def solve(self, stage: str, floor: float | None = None) -> tuple[np.ndarray, float]:
        """One stage by cutting planes: ``"z"`` maximises the objective's z (maxmin,
        proportional), ``"total"`` the total benefit (with ``z >= floor``)."""
        best_w, best_value = np.zeros(self.n_w), -np.inf
        money = self.money_rows()
        c = np.zeros(self.n_x)
        if stage == "z":
            c[self.iz] = -1.0
        else:
            c[self.ib] = -1.0
            c[self.iw] = SHARE_PENALTY_EUR
        bounds = (
            [(0.0, 1.0)] * self.n_w
            + [(0.0, float(v)) for v in self.e_max]
            + [(None, None)] * self.n_h
            + [(None, None) if self.objective != "total" else (0.0, 0.0)]
        )
        fixed = _Rows()
        fixed.add([(int(j), 1.0) for j in self.iw], 1.0)  # sum of shares <= 1
        if self.objective != "total":
            weight = (
                self.p.consumption_kwh if self.objective == "proportional" else np.ones(self.n_h)
            )
            for h in range(self.n_h):
                if weight[h] > 0:
                    fixed.add([(self.iz, float(weight[h])), (self.ib[h], -1.0)], 0.0)
            if floor is not None:
                fixed.add([(self.iz, -1.0)], -floor)
        for _ in range(MAX_ITERATIONS):
            a = sparse.vstack(
                [fixed.matrix(self.n_x), money.matrix(self.n_x), self.tangents.matrix(self.n_x)]
            ).tocsr()
            b = np.r_[fixed.rhs, money.rhs, self.tangents.rhs]
            start = time.perf_counter()
            res = optimize.linprog(c, A_ub=a, b_ub=b, bounds=bounds, method="highs")
            self.stats.solve_s += time.perf_counter() - start
            self.stats.lps_solved += 1
            self.stats.variables, self.stats.constraints, self.stats.nonzeros = (
                self.n_x,
                a.shape[0],
                a.nnz,
            )
            if res.status != 0:
                raise RuntimeError(f"key LP ({self.p.tier}): HiGHS says {res.message}")
            w = np.clip(res.x[self.iw], 0.0, 1.0)
            if w.sum() > 1.0:
                w = w / w.sum()
            bound = -float(res.fun) if stage == "z" else float(res.x[self.ib].sum())
            if stage == "z":
                value = self.value(w)
            else:
                energy, _ = self.p.curves(w[self.p.position])
                benefit = self.money(energy)
                value = float(benefit.sum())
                if floor is not None:
                    z = objective_value(self.objective, benefit, self.p.consumption_kwh)
                    if z < floor - 1e-9 * max(1.0, abs(floor)):
                        value = -np.inf  # not within the first stage's optimum yet
            if value > best_value:
                best_w, best_value = w, value
            gap = bound - best_value
            self.stats.gap = gap
            if gap <= 1e-9 + 1e-8 * abs(bound):
                break
            self.add_tangents(w[self.p.position])
        return best_w, best_value

    def optimise(self) -> np.ndarray:
        """The best key: stage(s) solved, money samples refined at the solution."""
        w = np.zeros(self.n_w)
        for _ in range(MONEY_ROUNDS):
            if self.objective == "total":
                w, _ = self.solve("total")
            else:
                _, z = self.solve("z")
                w, _ = self.solve("total", floor=z - 1e-7 * max(1.0, abs(z)))
            w_h = w[self.p.position]
            energy, _ = self.p.curves(w_h)
            exact = self.p.benefits_of_shares(w_h)
            if np.max(np.abs(self.money(energy) - exact)) <= 1e-6:
                break
            self.add_money_sample(w_h)
        return w


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
    lp = _KeyLP(problem, objective)
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
    result: Result, objective: Objective, inputs: RunInputs | None = None
) -> tuple[list[KeyChoice], Result]:
    """The keys of a recommended design, tier by tier in waterfall order.

    The optimised static key replaces the scenario's key when that is static too, or when
    it does at least as well on the objective; a scenario's dynamic or schedule key that
    does better stays (the scenario assumes it is allowed: not settled for energy sharing).
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
        chosen_key, words = static_key(design.shares_frac), f"{tier}: the optimised static key"
        if not problem.exact:  # the LP is approximate here: the usual static keys may do better
            for name, _, key in _candidate_keys(problem, design.shares_frac)[1:3]:
                r = run(with_key(current.scenario, tier, key), inputs=inputs)
                value = run_objective(r, problem, objective)
                if value > best:
                    best, with_best, chosen_key = value, r, key
                    words = f"{tier}: {name} (better than the LP's key here: {problem.note})"
        own = getattr(current.scenario.allocation, tier).key
        mine = run_objective(current, problem, objective)
        tol = 1e-9 * max(1.0, abs(mine))
        if isinstance(own, StaticKey) or best >= mine - tol:
            choices.append(KeyChoice(tier, chosen_key, best, words))
            current = with_best
        else:
            choices.append(
                KeyChoice(
                    tier,
                    None,
                    mine,
                    f"{tier}: keeps its {own.method} key ({_fmt_objective(objective, mine)} "
                    f"against {_fmt_objective(objective, best)} for the best static key)",
                )
            )
    return choices, current


def _fmt_objective(objective: Objective, value: float) -> str:
    return f"{value:,.4f} EUR/kWh" if objective == "proportional" else f"EUR {value:,.0f}"
