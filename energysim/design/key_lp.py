"""The LP of a tier's best static key: cutting planes on the energy, chords on the money.

Method (docs/design.md): a household's energy over the year, ``E_h(w_h) = sum_t
min(D_ht, w_h R_t)``, is a concave piecewise-linear function of its own share only, with
a breakpoint wherever ``w_h = D_ht / R_t``. The linear programme keeps the shares ``w``,
each household's energy ``e_h`` and benefit ``b_h`` as variables; ``e_h`` is bounded by
tangents of ``E_h`` (Kelley's cutting planes: solve, add the tangents at the solution,
solve again until the bound meets the true value), which is exact on the full 15-minute
year with a small LP. The money ``b_h`` comes from the library's own money model
(:meth:`energysim.design.key_problem.TierProblem.benefits_of_shares`), sampled along
each household's curve and bounded by the chords between samples: exact when the money
is linear in the shared kWh (flat prices, one tax bracket, no net-metering kink),
otherwise the reported error says how far the LP's figure is from the run's. scipy's
HiGHS solves each LP.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, sparse

from energysim.design.key_problem import Objective, TierProblem, objective_value

__all__ = ["KeyLP", "LpStats"]

MAX_ITERATIONS = 300
"""Cutting-plane rounds per LP stage (each adds one tangent per household)."""
MONEY_ROUNDS = 3
"""Rounds that add the money model's value at the solution to the sampled money curve."""
SHARE_PENALTY_EUR = 1e-7
"""Tiny cost per unit of share in the final stage, so no share is handed out for nothing."""


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


class KeyLP:
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
