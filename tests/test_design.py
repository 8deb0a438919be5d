"""energysim design: prices, keys, size, local ownership, the CLI and its outputs."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from energysim.cli.main import main
from energysim.config.scenario import load_scenario, scenario_from_dict
from energysim.core.errors import ScenarioError
from energysim.design import key_problem, prices
from energysim.design import keys as key_design
from energysim.design.local import local_ownership, municipality_share_needed
from energysim.design.members import members_needed, with_members
from energysim.design.money import households, reprice, with_finance
from energysim.design.plan import DesignOptions, design_scenario
from energysim.design.report import DESIGN_FILES
from energysim.design.sizing import scale_roof, size_curve
from energysim.inputs.context import RunInputs
from energysim.money import business
from energysim.ownership import rules as ownership
from energysim.ownership.tables import ownership_report
from energysim.simulate import run
from tests.helpers import minimal, write_scenario

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((REPO / "scenarios").glob("*.toml"))
DEFAULT = REPO / "scenarios" / "rotterdam-galerijflat.toml"
TARGET = prices.PriceTarget()


def hourly(path: Path):
    """An example at 60 minutes (as the money tests do), measured ones as they are."""
    scenario = load_scenario(path)
    if scenario.generation_csv is None and scenario.consumption_csv is None:
        scenario = scenario.model_copy(update={"time_step_min": 60})
    return scenario


@pytest.fixture(scope="module")
def default_run():
    return run(hourly(DEFAULT))


@pytest.fixture(scope="module", params=SCENARIOS, ids=lambda p: p.stem)
def example_run(request):
    return run(hourly(request.param))


# --------------------------------------------------------------------------- hooks
def test_run_on_its_own_inputs_is_the_same_run(default_run) -> None:
    again = run(default_run.scenario, inputs=RunInputs.of(default_run))
    pd.testing.assert_frame_equal(again.money, default_run.money)
    pd.testing.assert_frame_equal(again.annual, default_run.annual)
    pd.testing.assert_frame_equal(again.accounts.stakeholders, default_run.accounts.stakeholders)


def test_run_inputs_that_do_not_fit_are_refused(default_run) -> None:
    other = scenario_from_dict(minimal())
    with pytest.raises(ScenarioError, match="run inputs 'generation_kwh'"):
        run(other, inputs=RunInputs.of(default_run))


def test_scaled_inputs_equal_a_new_simulation_of_the_scaled_roof() -> None:
    scenario = hourly(DEFAULT)
    base = run(scenario)
    bigger = scale_roof(scenario, 1.5)
    fresh = run(bigger)
    reused = run(bigger, inputs=RunInputs.of(base).scaled(1.5))
    np.testing.assert_allclose(
        reused.generation_kwh.to_numpy(), fresh.generation_kwh.to_numpy(), rtol=1e-12, atol=1e-12
    )
    assert reused.accounts.stakeholders["npv_eur"].sum() == pytest.approx(
        fresh.accounts.stakeholders["npv_eur"].sum(), abs=1e-6
    )


def test_prices_per_kwh_for_tenants_and_common_move_money_from_households_to_owners(
    default_run,
) -> None:
    r = default_run
    priced = with_finance(
        r.scenario, tenant_sharing_fee_eur_per_kwh=0.05, common_fee_eur_per_kwh=0.07
    )
    after = run(priced, inputs=RunInputs.of(r))
    shared = r.annual["shared_kwh"]
    roles = r.participants["role"]
    tenants_kwh = float(shared[roles == "tenant"].sum())
    common_kwh = float(shared[roles == "common"].sum())
    paid = 0.05 * tenants_kwh + 0.07 * common_kwh
    assert paid > 0
    household = (roles != "common").to_numpy()
    lost = r.money["benefit_eur"][household].sum() - after.money["benefit_eur"][household].sum()
    gained = after.accounts.scheme["owners_revenue_eur"] - r.accounts.scheme["owners_revenue_eur"]
    # a price per kWh for the common connection's roof power makes it a supply: its energy
    # tax and VAT (Wbm art. 50 lid 4-5) reach the households through the service costs
    # too, and go to the state, not to the owners
    tax = after.accounts.scheme["common_fee_energy_tax_eur"]
    assert tax > 0 and r.accounts.scheme["common_fee_energy_tax_eur"] == 0.0
    assert lost == pytest.approx(paid + tax, rel=1e-12)
    # the owners keep what is paid as their VAT regimes say: the exempt corporation (60%)
    # all, the taxable cooperative (40%) net of the output VAT it remits:
    # paid x (0.6 + 0.4 / 1.21)
    kept = sum(
        o.share_frac * (1.0 if vat == "exempt" else 1.0 / (1.0 + r.tariffs.vat_frac))
        for o, vat in zip(r.scenario.ownership, r.accounts.stakeholders["vat"], strict=True)
    )
    assert kept == pytest.approx(0.6 + 0.4 / 1.21)
    assert gained == pytest.approx(paid * kept, rel=1e-12)
    assert after.accounts.scheme["common_fees_eur"] == pytest.approx(0.07 * common_kwh)
    common = r.participants.index[roles == "common"][0]
    assert after.money.loc[common, "passed_to_service_costs_eur"] == pytest.approx(
        r.money.loc[common, "passed_to_service_costs_eur"] - 0.07 * common_kwh - tax
    )


def test_reprice_refuses_a_change_of_energy(default_run) -> None:
    other = default_run.scenario.model_copy(update={"year": 2026})
    with pytest.raises(ValueError, match="run it instead"):
        reprice(default_run, other)


# --------------------------------------------------------------------------- prices
@pytest.mark.parametrize("lever", prices.LEVERS)
def test_break_even_price_fed_back_into_run_gives_npv_zero(example_run, lever) -> None:
    be = prices.break_even_price(example_run, lever, TARGET)
    if be is None or be == 0.0:
        # no price of this kind reaches the owners, or they need none: say which
        goal = prices.owners_goal_eur(
            example_run, prices.set_price(example_run.scenario, lever, 0.0), TARGET
        )
        assert (be == 0.0) == (goal >= 0)
        return
    again = run(prices.set_price(example_run.scenario, lever, be))
    npv = again.accounts.stakeholders["npv_eur"].to_numpy()
    # the owner the price must pay reaches NPV = 0; an owner that pays VAT otherwise (a
    # taxable cooperative beside an exempt corporation) may do better at that price
    assert abs(npv.min()) < 1.0 and (npv > -1.0).all()  # EUR
    # and a cent more per kWh (or per year) is too much, a cent less too little
    step = 0.01
    for delta, sign in ((step, 1), (-step, -1)):
        if be + delta < 0:
            continue
        goal = prices.owners_goal_eur(
            example_run, prices.set_price(example_run.scenario, lever, be + delta), TARGET
        )
        assert np.sign(goal) == sign


def test_break_even_at_a_target_irr(default_run) -> None:
    target = prices.PriceTarget(target_irr_frac=0.06)
    be = prices.break_even_price(default_run, "uniform", target)
    assert be is not None and be > prices.break_even_price(default_run, "uniform", TARGET)
    again = run(prices.set_price(default_run.scenario, "uniform", be))
    # the owner the price must pay earns 6% exactly, the other (another VAT regime) more
    irr = again.accounts.stakeholders["irr_frac"]
    assert irr.min() == pytest.approx(0.06, abs=1e-7) and (irr >= 0.06 - 1e-7).all()
    flows = again.accounts.cashflows
    npv = [
        business.npv_eur(flows.loc[flows["owner"] == o, "net_cash_flow_eur"].to_numpy(), 0.06)
        for o in again.accounts.stakeholders.index
    ]
    assert abs(min(npv)) < 1.0 and min(npv) > -1.0


@pytest.mark.parametrize("criterion", ["every", "p10", "median"])
def test_households_maximum_is_where_the_watched_household_stops_gaining(
    default_run, criterion
) -> None:
    target = prices.PriceTarget(criterion=criterion)
    top = prices.households_max_price(default_run, "uniform", target)
    assert top is not None and math.isfinite(top) and top > 0

    def stat(p: float) -> float:
        accounts = reprice(default_run, prices.set_price(default_run.scenario, "uniform", p))
        npv = households(default_run, accounts)["benefit_npv_eur"].to_numpy()
        return {"every": np.min, "p10": lambda v: np.percentile(v, 10), "median": np.median}[
            criterion
        ](npv)

    assert stat(top) == pytest.approx(-prices.HOUSEHOLD_TOL_EUR, abs=1e-6)
    assert stat(top - 1e-4) > 0 > stat(top + 1e-4)


def test_range_of_the_default_scenario(default_run) -> None:
    """In 2027 no price per shared kWh pays for the default roof: the owners need more
    than a shared kWh saves its receiver, the supply price with VAT (0.115 x 1.21 =
    EUR 0.13915; its energy tax stays on the bill). At a capex of EUR 400/kWp a range
    opens, and at its break-even the owner it binds on is at NPV 0."""
    uniform = prices.price_range(default_run, "uniform", TARGET)
    assert not uniform.feasible and uniform.break_even > uniform.top
    assert uniform.top == pytest.approx(0.13915, abs=1e-9)
    assert "a shared kWh saves its receiver at most EUR 0.1391/kWh" in uniform.message
    cheaper = run(
        with_finance(default_run.scenario, capex_eur_per_kwp=400.0),
        inputs=RunInputs.of(default_run),
    )
    uniform = prices.price_range(cheaper, "uniform", TARGET)
    assert uniform.feasible and uniform.break_even < uniform.top
    assert "everybody gains" in uniform.message
    at_be = uniform.at_break_even
    assert at_be["owners_npv_min_eur"] == pytest.approx(0.0, abs=1e-3)
    assert at_be["benefit_npv_min_eur"] >= 0


def test_an_empty_range_says_so_and_what_would_open_it(default_run) -> None:
    """The panel fee alone cannot pay for the default roof within the Huurcommissie limit."""
    rng = prices.price_range(default_run, "panel_fee", TARGET)
    assert not rng.feasible
    assert rng.limit == pytest.approx(0.06 * 0.5 * 700)  # 6% of a 0.5 kWp string at EUR 700/kWp
    assert rng.top == rng.limit and rng.break_even > rng.limit
    assert "Huurcommissie" in rng.message
    needed = prices.what_is_needed(default_run, rng, TARGET)
    assert needed.price == rng.limit
    # 2027's feed-in costs (EUR 0.05184 per kWh fed in, the default estimate) leave the
    # owners so little of their feed-in that not even a free roof pays at this fee: no
    # capex closes the gap and the subsidy needed exceeds the whole investment
    assert needed.capex_eur_per_kwp is None and needed.subsidy_frac_of_capex > 1.0
    # with a supplier that charges no feed-in costs a capex does close it
    tariffs = default_run.scenario.tariffs.model_copy(
        update={"feed_in_cost_incl_vat_eur_per_kwh": 0.0}
    )
    free = run(
        default_run.scenario.model_copy(update={"tariffs": tariffs}),
        inputs=RunInputs.of(default_run),
    )
    rng = prices.price_range(free, "panel_fee", TARGET)
    needed = prices.what_is_needed(free, rng, TARGET)
    assert needed.price == rng.limit and needed.capex_eur_per_kwp is not None
    # at the capex found, the owners just reach NPV = 0 at the households' top price
    cheaper = with_finance(free.scenario, capex_eur_per_kwp=needed.capex_eur_per_kwp)
    at_top = prices.set_price(cheaper, "panel_fee", needed.price)
    npv = run(at_top, inputs=RunInputs.of(free)).accounts.stakeholders["npv_eur"]
    assert abs(npv.min()) < 1.0 and (npv > -1.0).all()  # the owner it binds on at 0
    # a subsidy in year 0 gives each owner what it lacks at today's capex
    now = prices.set_price(free.scenario, "panel_fee", needed.price)
    gaps = run(now, inputs=RunInputs.of(free)).accounts.stakeholders["npv_eur"]
    assert (gaps < 0).all() and needed.subsidy_eur == pytest.approx(-gaps.sum(), rel=1e-9)
    # the capex cut (0% VAT on panels on dwellings: each owner saves its share of it)
    # pays every owner by its share, so it also pays the owner that needed less (the
    # taxable cooperative): cut = subsidy + what the cut leaves the owners above 0
    cut = (needed.capex_now_eur_per_kwp - needed.capex_eur_per_kwp) * free.scenario.capacity_kwp
    assert cut == pytest.approx(needed.subsidy_eur + npv.sum(), abs=1e-3)


@pytest.mark.parametrize("indexation", [0.0, 0.02])
def test_huurcommissie_limit_is_where_the_run_starts_to_warn(default_run, indexation) -> None:
    scenario = with_finance(default_run.scenario, fee_indexation_frac_per_yr=indexation)
    limit = prices.huurcommissie_limit_eur_per_yr(scenario)
    assert limit is not None

    def warns(fee: float) -> bool:
        r = run(prices.set_price(scenario, "panel_fee", fee), inputs=RunInputs.of(default_run))
        return any("Huurcommissie" in m for m in r.messages)

    assert not warns(limit - 1e-6) and warns(limit + 0.01)


def test_households_worse_off_at_any_price_say_so() -> None:
    data = minimal(year=2027)
    data["finance"] = {"panel_fee_eur_per_yr": 500.0}  # far more than any tenant gains
    r = run(scenario_from_dict(data))
    rng = prices.price_range(r, "uniform", TARGET)
    assert rng.households_max is None and not rng.feasible
    assert "worse off even at" in rng.message


def test_members_needed_is_the_smallest_count_that_opens_the_range(monkeypatch) -> None:
    monkeypatch.setattr("energysim.design.members.MEMBERS_CEILING_MIN", 12)  # fewer runs
    data = minimal(year=2027)
    # a shared kWh saves a member the supply price only (its energy tax stays on the
    # bill): at EUR 1,200/kWp no price up to that opens the range for 12 members or fewer
    data["finance"] = {"capex_eur_per_kwp": 800.0}
    # and with 2027's feed-in costs on the rest of the roof not even that: without them
    data["tariffs"] = {"feed_in_cost_incl_vat_eur_per_kwh": 0.0}
    data["buildings"][0]["members"] = {
        "count": 2,
        "annual_kwh": {"mean_kwh": 2000, "sd_kwh": 500, "seed": 3},
    }
    scenario = scenario_from_dict(data)
    assert not prices.price_range(run(scenario), "members", TARGET).feasible
    count, note = members_needed(scenario, "members", TARGET)
    assert count is not None and count > 2 and str(count) in note

    def works(n: int) -> bool:
        return prices.price_range(run(with_members(scenario, n)), "members", TARGET).feasible

    assert works(count) and not works(count - 1)
    listed = scenario_from_dict(minimal(year=2027))  # members' consumption listed one by one
    assert members_needed(listed, "members", TARGET)[0] is None


# --------------------------------------------------------------------------- keys
N_RANDOM_KEYS = 200
N_RANDOM_KEYS_RUN = 20
"""Random keys where each is a full run (a battery in the building): 0.1 s each."""


def _random_keys(n: int, rng: np.random.Generator) -> np.ndarray:
    """Dirichlet shares, some scaled down (a key need not hand out everything)."""
    keys = rng.dirichlet(np.ones(n), size=N_RANDOM_KEYS)
    keys[::2] *= rng.uniform(0.5, 1.0, size=(len(keys[::2]), 1))
    return keys


def _check_optimum(result, objective: str, n_random: int = N_RANDOM_KEYS) -> None:
    designs, _ = key_design.optimise_keys(result, objective)
    rng = np.random.default_rng(17)
    assert any(d.shares_frac is not None for d in designs), "every example has a key to choose"
    current = result  # each tier's problem: the tiers before it with their optimised keys
    for d in designs:
        if d.shares_frac is None:
            continue
        table = d.table.set_index("key")
        best = table.loc["optimised", "objective"]
        tol = 1e-6 * max(1.0, abs(best))
        assert best >= table.loc["proportional (static)", "objective"] - tol
        assert best >= table.loc["equal (static)", "objective"] - tol
        problem = key_problem.tier_problem(current, d.tier)
        assert isinstance(problem, key_problem.TierProblem)
        has_battery = any(
            b.battery is not None or b.home_batteries is not None for b in result.scenario.buildings
        )
        # exact (LP = run) but where a battery moves with the key; there each key is a run
        assert problem.exact == (not has_battery)
        if problem.exact:
            assert d.lp["reduction_error"] == pytest.approx(0.0, abs=tol)
        else:
            assert "battery" in problem.note
            n_random = min(n_random, N_RANDOM_KEYS_RUN)
        # the fast evaluation (allocation kernel + money, no physics) is the run's
        for name in ("optimised", "proportional (static)", "equal (static)"):
            shares = np.asarray(_shares_of(d, name, problem))
            assert problem.objective_of_key(objective, shares) == pytest.approx(
                table.loc[name, "objective"], rel=1e-9, abs=1e-9
            )
        keys = _random_keys(problem.n_shares, rng)[:n_random]
        random = [problem.objective_of_key(objective, w) for w in keys]
        assert best >= max(random) - tol
        current = run(
            key_problem.with_key(current.scenario, d.tier, key_problem.static_key(d.shares_frac)),
            inputs=RunInputs.of(result),
        )


def _shares_of(design, name: str, problem) -> list[float]:
    """The shares of a compared static key, as the design built them."""
    keys = {n: k for n, _, k in key_design._candidate_keys(problem, design.shares_frac)}
    return keys[name].shares_frac


def test_optimised_key_beats_proportional_equal_and_random_static_keys(example_run) -> None:
    _check_optimum(example_run, "total")


@pytest.mark.parametrize("objective", ["maxmin", "proportional"])
def test_fair_objectives_beat_the_other_static_keys(objective) -> None:
    # the Done-when's 200 random keys are for the total on every example; 50 here
    _check_optimum(run(load_scenario(REPO / "scenarios" / "measured-complex.toml")), objective, 50)


def test_objective_values_by_hand() -> None:
    b = np.array([10.0, 30.0, 20.0])
    c = np.array([1000.0, 2000.0, 4000.0])
    assert key_problem.objective_value("total", b, c) == 60.0
    assert key_problem.objective_value("maxmin", b, c) == 10.0
    assert key_problem.objective_value("proportional", b, c) == pytest.approx(0.005)
    with pytest.raises(ValueError, match="objective"):
        key_problem.objective_value("nope", b, c)  # type: ignore[arg-type]


def test_energy_curve_of_a_share_by_hand() -> None:
    """E(w) = sum_t min(D_t, w R_t) and its right derivative, on three intervals."""
    curve = key_problem._Curves.of(np.array([10.0, 4.0, 2.0]), np.array([[1.0], [2.0], [2.0]]))
    # w = 0.25: min(1, 2.5) + min(2, 1) + min(2, 0.5) = 2.5; slope R where w R < D: 4 + 2
    energy, slope = curve.at(np.array([0.25]))
    assert energy[0] == pytest.approx(2.5) and slope[0] == pytest.approx(6.0)
    energy, slope = curve.at(np.array([1.0]))
    assert energy[0] == pytest.approx(5.0) and slope[0] == pytest.approx(0.0)


def test_keys_over_two_buildings_with_a_tier_that_moves_the_service_costs() -> None:
    """Tenants before the common tier: the key moves the service-cost saving, so the LP is
    not exact; the note says so, random keys are run in full, the optimum still holds."""
    data = minimal(year=2027)
    second = json.loads(json.dumps(data["buildings"][0]))
    second.update(id="B2", postcode="3012")
    second["arrays"][0]["id"] = "roof2"
    data["buildings"].append(second)
    data["allocation"] = {"order": ["tenants", "common", "members"], "sharing_supplier": "X"}
    data["buildings"][0]["tenants"]["suppliers"] = ["X", "Y", "X"]  # B1-T002 may not share
    data["buildings"][1]["tenants"]["suppliers"] = ["X", "X", "X"]
    r = run(scenario_from_dict(data))
    problem = key_problem.tier_problem(r, "tenants")
    assert isinstance(problem, key_problem.TierProblem)
    assert not problem.exact and "service-cost" in problem.note
    assert "B1-T002" not in problem.household_ids and len(problem.household_ids) == 3
    design, _ = key_design.optimise_tier(r, "tenants", "total")
    best = design.lp["run_objective"]
    rng = np.random.default_rng(3)
    random = [problem.objective_of_key("total", w) for w in rng.dirichlet(np.ones(2), size=20)]
    assert best >= max(random) - 1e-6 * abs(best)
    assert abs(design.lp["reduction_error"]) < 1e-6 * abs(best)


def test_recommended_keys_keep_a_better_dynamic_key_and_replace_a_static_one() -> None:
    r = run(load_scenario(REPO / "scenarios" / "measured-complex.toml"))  # proportional keys
    choices, _ = key_design.choose_keys(r, "total")
    assert [c.tier for c in choices] == ["tenants", "members"]
    for c in choices:  # dynamic proportional sharing uses more energy: it stays
        assert c.key is None and "keeps its proportional key" in c.words
    n = r.scenario.buildings[0].tenants.participating
    static = key_problem.with_key(
        r.scenario, "tenants", key_problem.static_key(np.full(n, 1.0 / n))
    )
    choices, final = key_design.choose_keys(run(static, inputs=RunInputs.of(r)), "total")
    assert choices[0].key is not None and choices[0].key.method == "static"
    assert final.scenario.allocation.tenants.key == choices[0].key


def test_with_a_battery_the_recommended_static_key_is_the_best_static_key_run() -> None:
    r = run(hourly(REPO / "scenarios" / "galerijflat-na-renovatie.toml"))
    n = r.scenario.buildings[0].tenants.participating
    equal = key_problem.static_key(np.full(n, 1.0 / n))
    static = run(key_problem.with_key(r.scenario, "tenants", equal), inputs=RunInputs.of(r))
    choices, final = key_design.choose_keys(static, "total")
    tenants = choices[0]
    assert tenants.tier == "tenants" and tenants.key is not None
    problem = key_problem.tier_problem(static, "tenants")
    assert isinstance(problem, key_problem.TierProblem) and not problem.exact
    for _, _, key in key_design._candidate_keys(problem, np.full(n, 1.0 / n))[1:3]:
        other = run(key_problem.with_key(static.scenario, "tenants", key), inputs=RunInputs.of(r))
        assert tenants.objective_eur >= key_problem.run_objective(other, problem, "total") - 1e-6


def test_a_price_per_kwh_stops_at_what_a_shared_kwh_saves() -> None:
    """Few shared kWh and big own-string gains: households' totals would bear far more
    per kWh than a kWh saves; the range stops at what a shared kWh saves its receiver."""
    r = run(hourly(REPO / "scenarios" / "walkup-portiekflat.toml"))
    rng = prices.price_range(r, "uniform", TARGET)
    # 2026: a shared kWh keeps its energy tax on the bill (Wbm art. 50 lid 2) and saves the
    # supply price with VAT: 0.115 x 1.21 = EUR 0.13915/kWh
    assert rng.limit == pytest.approx(0.13915, abs=1e-12)
    assert rng.households_max > rng.limit and rng.top == rng.limit
    # the what-if without that tax: the import price, (0.115 + 0.0916) x 1.21 = 0.249986
    exempt = r.scenario.model_copy(
        update={"tariffs": r.scenario.tariffs.model_copy(update={"shared_energy_tax": "exempt"})}
    )
    assert prices.price_limit(replace(r, scenario=exempt), "uniform") == pytest.approx(
        0.249986, abs=1e-12
    )


def test_tiers_without_a_key_say_why() -> None:
    data = minimal(year=2027)
    # the SCE: a cooperative owns the roof, 100% fed in on a small connection
    data["allocation"] = {"order": ["members", "common", "tenants"], "members": {"mode": "sce"}}
    data["ownership"] = [{"owner": "coop", "owner_type": "resident_cooperative", "share_frac": 1.0}]
    r = run(scenario_from_dict(data))
    problem = key_problem.tier_problem(r, "members")
    assert isinstance(problem, str) and "sce" in problem


# --------------------------------------------------------------------------- size
@pytest.mark.parametrize("path", [DEFAULT, REPO / "scenarios" / "walkup-portiekflat.toml"])
def test_size_curve_is_monotone_where_theory_says(path) -> None:
    base = run(hourly(path))
    design = size_curve(base, "uniform", TARGET, (0.25, 0.5, 1.0, 1.5, 2.0))
    c = design.curve
    assert np.all(np.diff(c["self_consumption_frac"]) <= 1e-12)  # falls with size
    assert np.all(np.diff(c["export_frac"]) >= -1e-12)
    assert np.all(np.diff(c["allocated_kwh"]) >= -1e-9)
    np.testing.assert_allclose(c["generation_kwh"] / c["factor"], c["generation_kwh"].iloc[2])
    # the recommended size has the highest total among sizes where prices can work
    if design.recommended_factor is not None:
        ok = c[c["feasible"]]
        assert design.recommended["total_net_benefit_eur"] == ok["total_net_benefit_eur"].max()


def test_total_net_benefit_does_not_depend_on_prices(default_run) -> None:
    """Fees move money between households and owners: the lifetime sum stays, with the
    output VAT a taxable owner remits on them (it leaves the scheme) counted back. A price
    per kWh for the common connection's roof power makes that use a supply, whose energy
    tax goes to the state (Wbm art. 50 lid 4-5): it lowers the sum once, by the same
    whatever the price, and not at all under the what-if without that tax."""
    vat = default_run.tariffs.vat_frac
    rate = default_run.scenario.finance.discount_rate_frac

    def total_of(r, scenario) -> float:
        accounts = reprice(r, scenario)
        flows = accounts.cashflows
        # a taxable owner keeps fee / (1 + VAT): it remitted VAT x what it kept
        remitted = sum(
            business.npv_eur(
                vat * flows.loc[flows["owner"] == o, "fee_revenue_eur"].to_numpy(), rate
            )
            for o in accounts.stakeholders.index[accounts.stakeholders["vat"] == "taxable"]
        )
        return float(
            households(r, accounts)["benefit_npv_eur"].sum()
            + accounts.stakeholders["npv_eur"].sum()
            + remitted
        )

    def total(scenario) -> float:
        return total_of(default_run, scenario)

    base_scenario = default_run.scenario
    base = total(base_scenario)
    for lever, price in (("tenants", 0.12), ("panel_fee", 60.0), ("members", 0.2)):
        assert total(prices.set_price(base_scenario, lever, price)) == pytest.approx(
            base, abs=1e-6
        )
    taxed = total(prices.set_price(base_scenario, "common", 0.05))
    assert taxed < base - 1.0
    for lever, price in (("common", 0.12), ("uniform", 0.12), ("uniform", 0.2)):
        assert total(prices.set_price(base_scenario, lever, price)) == pytest.approx(
            taxed, abs=1e-6
        )
    exempt = base_scenario.model_copy(
        update={"tariffs": base_scenario.tariffs.model_copy(update={"shared_energy_tax": "exempt"})}
    )
    what_if = run(exempt, inputs=RunInputs.of(default_run))  # the same kWh, another reading
    untaxed = total_of(what_if, exempt)
    for lever, price in (("uniform", 0.12), ("common", 0.2)):
        assert total_of(what_if, prices.set_price(exempt, lever, price)) == pytest.approx(
            untaxed, abs=1e-6
        )


# --------------------------------------------------------------------------- local ownership
def test_local_share_needed_and_its_money(default_run) -> None:
    be = prices.break_even_price(default_run, "uniform", TARGET)
    priced = {"break_even": prices.set_price(default_run.scenario, "uniform", be)}
    local = local_ownership(default_run, priced)
    assert local.current_frac == pytest.approx(0.4) and local.needed_frac == 0.5
    shares = {o.owner_type: o.share_frac for o in local.owners}
    assert shares == pytest.approx({"housing_corporation": 0.5, "resident_cooperative": 0.5})
    capex = default_run.scenario.capacity_kwp * default_run.scenario.finance.capex_eur_per_kwp
    assert local.figures["local_capex_eur"] == pytest.approx(0.5 * capex)
    at_be = local.money[(local.money["prices"] == "break_even") & local.money["local"]]
    assert abs(at_be["npv_eur"].sum()) < 1.0
    # counting the corporation as local: the rooftop is already fully local
    policy = default_run.scenario.ownership_policy.model_copy(
        update={"housing_corporation_local": True}
    )
    local_too = run(
        default_run.scenario.model_copy(update={"ownership_policy": policy}),
        inputs=RunInputs.of(default_run),
    )
    again = local_ownership(local_too, {})
    assert again.current_frac == 1.0 and again.owners == list(default_run.scenario.ownership)


def test_municipality_share_needed_reaches_the_target(default_run) -> None:
    production = float(default_run.generation_kwh.to_numpy().sum())
    register = pd.DataFrame(
        {
            "installation_id": ["park", "roof"],
            "municipality": ["Rotterdam", "Rotterdam"],
            "technology": ["solar", "solar"],
            "capacity_kw": [500.0, 50.0],
            "production_kwh": [2.0 * production, 0.5 * production],
            "owner": ["investor", "coop"],
            "owner_type": ["non_local_investor", "resident_cooperative"],
            "share_frac": [1.0, 1.0],
        }
    )
    s = municipality_share_needed(default_run, register, "Rotterdam", 0.5)
    # (0.5 P + s P) / (2.5 P + P) = 0.5  ->  s = 1.25: not reachable with this roof alone
    assert s is None
    register.loc[0, "production_kwh"] = 1.0 * production
    s = municipality_share_needed(default_run, register, "Rotterdam", 0.5)
    # (0.5 P + s P) / (1.5 P + P) = 0.5  ->  s = 0.75
    assert s == pytest.approx(0.75, abs=1e-9)
    rows = ownership.installation_rows(
        "new",
        "Rotterdam",
        "solar",
        default_run.scenario.capacity_kwp,  # above the 15 kW the target counts from
        production,
        [("c", "resident_cooperative", 0.75), ("o", "other", 0.25)],
    )
    report = ownership_report(ownership.add_installations(register, rows))
    # the added rooftop counts in the share with rooftops, beside the headline, whose scope
    # (the monitor's: wind and solar on land) holds the register's two rows without a
    # mounting only: 0.5 P local of 1.5 P
    assert report.total["local_share_production_incl_rooftops_frac"] == pytest.approx(0.5)
    assert report.total["local_share_production_frac"] == pytest.approx(1 / 3)


# --------------------------------------------------------------------------- whole design, CLI
def test_design_of_a_small_scenario_and_its_recommendation(tmp_path: Path) -> None:
    data = minimal(year=2027)
    data["buildings"][0]["roof_area_m2"] = 100.0  # 70 m2 usable: room for 2x the 5 kWp
    path = write_scenario(tmp_path, data)
    out = str(tmp_path / "out")
    code = main(["design", str(path), "--out", out, "--sizes", "0.5,1,1.5", "--no-members-search"])
    assert code == 0
    folder = tmp_path / "out" / "mini" / "design"
    assert sorted(p.name for p in folder.iterdir()) == sorted(DESIGN_FILES)
    summary = json.loads((folder / "design.json").read_text())
    assert summary["prices"][0]["lever"] == "uniform" and summary["prices"][0]["feasible"]
    assert summary["recommendation"] and summary["timings_s"]["total"] > 0
    assert list(pd.read_csv(folder / "sizes.csv")["factor"]) == [0.5, 1.0, 1.5]
    assert set(pd.read_csv(folder / "price_curves.csv")["lever"]) == set(prices.LEVERS)
    shares = pd.read_csv(folder / "key_shares.csv")
    assert set(shares["tier"]) == {"tenants", "members"}
    assert (shares.groupby("tier")["share_frac"].sum() <= 1 + 1e-12).all()
    # the recommended design: the user's scenario with the design's changes only
    recommended = load_scenario(folder / "scenario.recommended.toml")
    assert recommended.tariffs.energy_tax_excl_vat_eur_per_kwh is None  # defaults stay defaults
    fin = recommended.finance
    assert summary["joint_prices"]["pays"]  # legal prices chosen together
    assert fin.common_fee_eur_per_kwh + fin.sharing_fee_eur_per_kwh > 0
    # the optimised static key, unless the scenario's own (dynamic) key does better
    changes = summary["recommended"]["changes"]
    for tier in ("tenants", "members"):
        method = getattr(recommended.allocation, tier).key.method
        said = next(c for c in changes if c.startswith(f"{tier}:"))
        assert (method == "static") == ("optimised static key" in said), said
    r = run(recommended)
    assert r.accounts.stakeholders["npv_eur"].min() > -1.0  # the roof pays for itself
    assert summary["recommended"]["owners_npv_eur"] == pytest.approx(
        r.accounts.stakeholders["npv_eur"].sum(), abs=1e-6
    )
    npv = households(r, r.accounts)["benefit_npv_eur"]
    assert npv.min() >= -prices.HOUSEHOLD_TOL_EUR  # and no household is worse off
    # a later run of the scenario keeps the design folder
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 0
    assert (folder / "design.json").is_file()


def test_design_shows_a_price_that_works_and_recommends_all_together() -> None:
    data = minimal(year=2027)
    # the panel fee needs more than the worst-off household accepts, a price per shared
    # kWh does not: with 2027's feed-in costs (EUR 0.05184 per kWh fed in) and the
    # corporation's VAT on running costs no price of any kind pays for this roof, so the
    # fallback is shown without feed-in costs
    data["finance"] = {"capex_eur_per_kwp": 900.0}
    data["tariffs"] = {"feed_in_cost_incl_vat_eur_per_kwh": 0.0}
    d = design_scenario(
        scenario_from_dict(data),
        DesignOptions(lever="panel_fee", size_factors=(1.0,), members_search=False, curve_points=3),
    )
    assert not d.chosen.feasible and d.needed is not None
    assert d.paying.feasible and d.paying.lever != "panel_fee"  # another price works alone
    # the recommendation chooses every price together: legal ones that pay
    assert d.joint.pays and any(c.startswith("prices chosen together") for c in d.changes)
    assert d.recommended_result.accounts.stakeholders["npv_eur"].min() >= 0.0


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--sizes", "0,1"], "--sizes: expected positive numbers"),
        (["--sizes", "a,b"], "--sizes: expected positive numbers"),
    ],
)
def test_design_bad_input_is_one_line_and_writes_nothing(
    tmp_path: Path, capsys, args, expected
) -> None:
    path = write_scenario(tmp_path, minimal(year=2027))
    code = main(["design", str(path), "--out", str(tmp_path / "out"), *args])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert expected in err and "\n" not in err
    assert not (tmp_path / "out").exists()


def test_design_bad_option_values_are_refused(tmp_path: Path, capsys) -> None:
    path = write_scenario(tmp_path, minimal(year=2027))
    with pytest.raises(SystemExit) as exc:
        main(["design", str(path), "--target-irr", "two"])
    assert exc.value.code == 2
    assert "--target-irr" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0", "-0.2", "1.5", "nan"])
def test_design_local_target_and_ownership_target_take_the_same_shares(
    tmp_path: Path, capsys, value: str
) -> None:
    path = write_scenario(tmp_path, minimal(year=2027))
    with pytest.raises(SystemExit) as exc:
        main(["design", str(path), "--out", str(tmp_path / "d"), "--local-target", value])
    assert exc.value.code == 2
    design_err = capsys.readouterr().err
    register = Path(__file__).resolve().parents[1] / "scenarios" / "register_example.csv"
    assert main(["ownership", str(register), "--out", str(tmp_path / "o"), "--target", value]) == 2
    ownership_err = capsys.readouterr().err
    for err, option in ((design_err, "--local-target"), (ownership_err, "--target")):
        assert option in err and "expected a share in (0, 1]" in err, err
    assert not (tmp_path / "d").exists() and not (tmp_path / "o").exists()


def test_design_local_target_of_one_is_taken() -> None:
    from energysim.cli.main import build_parser

    args = build_parser().parse_args(["design", "x.toml", "--local-target", "1"])
    assert args.local_target == 1.0


@pytest.mark.parametrize(
    ("field_name", "value"),
    [
        ("local_target_frac", 0.0),
        ("local_target_frac", 1.2),
        ("local_target_frac", float("nan")),
        ("threshold_eur", float("inf")),
        ("curve_points", 1),
        ("size_factors", ()),
        ("size_factors", (1.0, 0.0)),
        ("size_factors", (1.0, float("nan"))),
    ],
)
def test_design_options_refuse_what_the_cli_refuses(field_name: str, value: object) -> None:
    from energysim.design.plan import DesignOptions

    with pytest.raises(ValueError, match=f"DesignOptions.{field_name}: expected"):
        DesignOptions(**{field_name: value})  # type: ignore[arg-type]


def test_design_options_take_a_full_local_target() -> None:
    from energysim.design.plan import DesignOptions

    assert DesignOptions(local_target_frac=1.0).local_target_frac == 1.0
