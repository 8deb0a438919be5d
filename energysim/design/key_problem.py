"""A tier's static sharing key as an optimisation problem, on one run's energy.

The Energiewet settles energy sharing with percentages registered in advance: a static
key ``w`` (one share per participant, ``sum w <= 1``); in every interval participant
``p`` receives ``a_pt = min(D_pt, w_p R_t)`` of the energy ``R_t`` that reaches the
tier, and an unused share is exported (the NL rule as far as is known, domain.md
section 3). :func:`tier_problem` sets up, from a run, what a key decides among a tier's
households: each household's energy over the year as a function of its share,
``E_h(w_h) = sum_t min(D_ht, w_h R_t)`` (:class:`_Curves`, tabulated for a binary
search), and its year-1 benefit from the library's own money model
(:func:`energysim.money.year_one.year_one_money`). The objectives (:data:`Objective`):

``total``
    the households' total benefit, ``sum_h B_h``;
``maxmin``
    the lowest household's benefit, ``min_h B_h`` (then, among keys within a cent of
    that, the highest total);
``proportional``
    benefit proportional to consumption: the lowest benefit per kWh consumed,
    ``min_h B_h / C_h`` (then the highest total).

The linear programme that finds the best key is :mod:`energysim.design.key_lp`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from energysim.config.allocation_policy import StaticKey
from energysim.config.scenario import Scenario
from energysim.design.words import say
from energysim.inputs.context import RunInputs
from energysim.inputs.loading import supply_price_eur_per_kwh
from energysim.money.year_one import year_one_money
from energysim.results.result import Result
from energysim.sharing import allocation as alloc
from energysim.sharing.flows import Flows, annual_energy
from energysim.sharing.own_strings import given_strings
from energysim.simulate import building_waterfalls, run

Objective = Literal["total", "maxmin", "proportional"]
OBJECTIVES: tuple[str, ...] = get_args(Objective)
OBJECTIVE_WORDS = {name: say(f"objective.{name}") for name in ("total", "maxmin", "proportional")}
"""The objectives in words."""
KEYED_TIERS = ("tenants", "members")


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
            own = given_strings(b.own_kwh, b.own_export_kwh, b.consumption_kwh)
            rows = annual_energy(
                b.index, b.consumption_kwh, Flows(own, shared), self.price_eur_per_kwh
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
        return say("key_note.members_mode", mode=policy.members.mode)
    waterfalls = [w for w in building_waterfalls(result) if tier in w.participant_ids]
    if not waterfalls:
        return say("key_note.nobody")
    sizes = {len(w.participant_ids[tier]) for w in waterfalls}
    if len(sizes) != 1:
        return say("key_note.sizes", sizes=str(sorted(sizes)))
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
        return say("key_note.supplier")
    note: str = ""
    if any(b.battery is not None or b.home_batteries is not None for b in scenario.buildings):
        note = say("key_note.battery")
    elif tier == "tenants":
        order = list(policy.order)
        if order.index("common") > order.index("tenants"):
            note = say("key_note.common_after")
        elif scenario.finance.export_revenue_to == "service_costs":
            note = say("key_note.export_service")
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
