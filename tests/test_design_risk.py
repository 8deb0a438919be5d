"""The design's risks: a late price path, the downside, the margin and the sensitivity
(energysim/money/business.py energy_price_factors, energysim/design/downside.py,
margin.py, sensitivity.py)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from energysim.cli.main import main
from energysim.config.allocation_policy import StaticKey
from energysim.config.scenario import load_scenario
from energysim.design import downside, sensitivity
from energysim.design.joint import JOINT_LEVERS, joint_prices, with_prices
from energysim.design.key_problem import with_key
from energysim.design.margin import margin_prices
from energysim.design.money import households, with_finance
from energysim.design.prices import PriceTarget
from energysim.inputs.timeindex import year_index
from energysim.inputs.weather.embedded import knmi_stats
from energysim.money.business import energy_price_factors
from energysim.simulate import run
from tests.helpers import minimal, write_scenario

REPO = Path(__file__).resolve().parents[1]
ONTWERP = REPO / "scenarios" / "rotterdam-galerijflat-ontwerp.toml"


def hourly(path: Path):
    return load_scenario(path).model_copy(update={"time_step_min": 60})


def _prices(scenario, prices: dict[str, float]):
    return with_prices(scenario, np.array([prices[lv] for lv in JOINT_LEVERS]))


def _owners_npv(result) -> pd.Series:
    return result.accounts.stakeholders["npv_eur"]


# --------------------------------------------------------------------------- late price path
def test_energy_prices_follow_the_late_path_from_its_year_by_hand() -> None:
    fin = with_finance(
        hourly(ONTWERP), price_indexation_frac_per_yr=0.02, late_price_indexation_frac_per_yr=0.0
    ).finance
    # operating years 2027..2030 rise by 2%, from 2031 on prices stay where 2030 left them
    got = energy_price_factors(fin, 2027)
    np.testing.assert_allclose(got[:6], [1.0, 1.02, 1.0404, 1.061208, 1.061208, 1.061208])
    assert len(got) == fin.lifetime_yr
    one_path = fin.model_copy(update={"late_price_indexation_frac_per_yr": None})
    np.testing.assert_allclose(energy_price_factors(one_path, 2027), 1.02 ** np.arange(25))


def test_a_low_late_path_lowers_energy_revenue_after_2030_and_not_running_costs() -> None:
    s = hourly(ONTWERP)
    base = run(s)
    same = run(with_finance(s, late_price_indexation_frac_per_yr=0.02))  # the same path
    np.testing.assert_allclose(_owners_npv(same), _owners_npv(base), rtol=0, atol=1e-9)
    low = run(with_finance(s, late_price_indexation_frac_per_yr=0.0))
    a, b = base.accounts.cashflows, low.accounts.cashflows
    calendar = s.rules_year + a["year"].to_numpy() - 1
    np.testing.assert_allclose(b["opex_eur"], a["opex_eur"])
    early = (calendar <= 2030) & (a["year"].to_numpy() >= 1)
    np.testing.assert_allclose(b["energy_revenue_eur"][early], a["energy_revenue_eur"][early])
    late = calendar >= 2031
    assert (b["energy_revenue_eur"][late] < a["energy_revenue_eur"][late]).all()
    assert households(low, low.accounts)["benefit_npv_eur"].sum() < (
        households(base, base.accounts)["benefit_npv_eur"].sum()
    )


# --------------------------------------------------------------------------- the downside
def test_the_yield_spread_of_a_roof_producing_in_one_month_is_that_months() -> None:
    """All generation in June: the year's spread is June's year-to-year spread."""
    index = year_index(2027, 60, "Europe/Amsterdam")
    gen = np.where(index.month == 6, 1.0, 0.0)
    fake = SimpleNamespace(
        generation_kwh=pd.DataFrame({"a": gen}, index=index),
        scenario=SimpleNamespace(site=SimpleNamespace(timezone="Europe/Amsterdam")),
    )
    spread = downside.yield_spread(fake)  # type: ignore[arg-type]
    june = knmi_stats()["months"][5]["ghi_interannual_cv"]
    assert spread.cv_frac == pytest.approx(june)
    assert spread.p90_factor == pytest.approx(1 - 1.2815515655446004 * june)
    assert spread.p10_factor == pytest.approx(1 + 1.2815515655446004 * june)


@pytest.fixture(scope="module")
def ontwerp():
    """The design roof at one hour, its break-even prices chosen together, run."""
    s = hourly(ONTWERP)
    j = joint_prices(run(s), PriceTarget())
    assert j.pays
    return run(_prices(s, j.prices)), j


def test_the_yield_case_is_a_run_with_that_much_less_generation(ontwerp) -> None:
    result, _ = ontwerp
    spread = downside.yield_spread(result)
    assert 0.9 < spread.p90_factor < 0.99  # a few percent: KNMI 2018-2024
    low = run(downside.with_yield(result.scenario, spread.p90_factor))
    ratio = low.generation_kwh.to_numpy().sum() / result.generation_kwh.to_numpy().sum()
    # DC exactly times the factor; the inverter's efficiency curve moves AC a little
    assert ratio == pytest.approx(spread.p90_factor, rel=2e-3)


# --------------------------------------------------------------------------- the margin
def test_margin_prices_keep_the_owners_whole_in_a_run_of_the_downside(ontwerp) -> None:
    result, j = ontwerp
    # a cheaper roof leaves room for a margin: the downside is then capex 600 x 1.15
    cheap = with_finance(result.scenario, capex_eur_per_kwp=550.0)
    cheap_run = run(cheap)
    target = PriceTarget()
    j_cheap = joint_prices(cheap_run, target)
    m = margin_prices(cheap_run, j_cheap, target)
    assert m.pays and m.shortfall_eur == 0.0
    down = downside.Downside.of(cheap_run)
    # a run of the downside scenario at the margin's prices: every owner whole
    at_margin = run(down.scenario(_prices(cheap, m.prices)))
    assert _owners_npv(at_margin).min() >= -0.01
    # ... which the break-even prices are not
    at_break_even = run(down.scenario(_prices(cheap, j_cheap.prices)))
    assert _owners_npv(at_break_even).min() < -100.0
    # the prices stay legal and what the margin costs is what the households lose
    for lv in JOINT_LEVERS:
        assert 0.0 <= m.prices[lv] <= j_cheap.limits[lv] + 1e-12
    as_run = run(_prices(cheap, m.prices))
    year1 = households(as_run, as_run.accounts)["benefit_eur"]
    assert m.households["margin"]["year_one_total_eur"] == pytest.approx(year1.sum(), abs=1e-6)
    assert households(as_run, as_run.accounts)["benefit_npv_eur"].min() >= -0.01
    assert m.cost_year_one_eur > 0
    assert "costs the households" in m.message


def test_when_no_legal_price_covers_the_downside_the_margin_says_by_how_much(ontwerp) -> None:
    result, j = ontwerp
    m = margin_prices(result, j, PriceTarget())
    assert not m.pays and m.shortfall_eur > 0
    at_margin = run(downside.Downside.of(result).scenario(_prices(result.scenario, m.prices)))
    lacking = float(np.clip(-_owners_npv(at_margin).to_numpy(), 0, None).sum())
    assert lacking == pytest.approx(m.shortfall_eur, abs=0.01)
    assert f"EUR {m.shortfall_eur:,.0f}" in m.message


# --------------------------------------------------------------------------- the sensitivity
@pytest.fixture(scope="module")
def table(ontwerp) -> pd.DataFrame:
    result, _ = ontwerp
    return sensitivity.sensitivity_table(result)


def test_the_table_has_a_low_and_a_high_case_of_every_factor(table) -> None:
    assert list(table.columns) == list(sensitivity.COLUMNS)
    assert table.iloc[0]["factor"] == "base" and (table.iloc[0].filter(like="change") == 0).all()
    rows = table.iloc[1:]
    assert list(dict.fromkeys(rows["factor"])) == list(sensitivity.FACTORS)
    assert all(list(g) == ["low", "high"] for _, g in rows.groupby("factor")["case"])
    by = rows.set_index(["factor", "case"])
    # directions that could not be otherwise
    assert by.loc[("capex", "low"), "owners_npv_eur"] > by.loc[("capex", "high"), "owners_npv_eur"]
    assert by.loc[("yield", "low"), "owners_npv_eur"] < by.loc[("yield", "high"), "owners_npv_eur"]
    assert (
        by.loc[("discount_rate", "low"), "owners_npv_eur"]
        > by.loc[("discount_rate", "high"), "owners_npv_eur"]
    )
    assert set(rows["method"]) == {"run", "re-priced"}


def test_each_bar_equals_a_run_of_the_changed_scenario(ontwerp, table) -> None:
    result, _ = ontwerp
    by = table.set_index(["factor", "case"])
    checked = 0
    for c in sensitivity.cases(result):
        row = by.loc[(c.factor, c.case)]
        if row["method"] == "run" and c.factor != "participation":
            continue  # found by a run already; one of them checked below
        r = run(c.scenario)
        table_h = households(r, r.accounts)
        assert row["owners_npv_eur"] == pytest.approx(_owners_npv(r).sum(), abs=1e-6)
        assert row["household_median_eur"] == pytest.approx(
            float(np.median(table_h["benefit_eur"])), abs=1e-9
        )
        assert row["household_median_npv_eur"] == pytest.approx(
            float(np.median(table_h["benefit_npv_eur"])), abs=1e-6
        )
        checked += 1
    assert checked >= 7  # the six re-priced bars and a run one


def test_design_json_carries_the_margin_and_the_sensitivity(tmp_path: Path, capsys) -> None:
    path = write_scenario(tmp_path, minimal(year=2027))
    out = tmp_path / "out"
    code = main(["design", str(path), "--out", str(out), "--sizes", "1", "--no-members-search"])
    assert code == 0
    printed = capsys.readouterr().out
    summary = json.loads((out / "mini" / "design" / "design.json").read_text())
    rows = summary["sensitivity"]
    assert rows[0]["factor"] == "base" and len(rows) == 1 + 2 * len(sensitivity.FACTORS)
    assert rows[0]["owners_npv_eur"] == pytest.approx(summary["recommended"]["owners_npv_eur"])
    margin = summary["margin"]
    assert [f["figure"] for f in margin["downside"]] == [
        "yield",
        "capex",
        "energy prices after 2030",
    ]
    assert all(f["source"] for f in margin["downside"])
    assert margin["message"] in " ".join(summary["recommendation"])
    assert "Sensitivity of the recommended design" in printed and "Margin:" in printed


def test_a_static_key_follows_the_participation_case(ontwerp) -> None:
    """The first tenants keep their shares, newcomers get the average, the total stays."""
    result, _ = ontwerp
    n = result.scenario.buildings[0].tenants.participating
    shares = list(np.linspace(1.0, 2.0, n) / (2.0 * n))  # total 0.75
    static = with_key(result.scenario, "tenants", StaticKey(shares_frac=shares))
    cases = sensitivity.cases(replace(result, scenario=static))
    for case in ("low", "high"):
        c = next(x for x in cases if x.factor == "participation" and x.case == case)
        assert c.scenario is not None
        m = c.scenario.buildings[0].tenants.participating
        got = np.asarray(c.scenario.allocation.tenants.key.shares_frac)
        assert len(got) == m and got.sum() == pytest.approx(sum(shares))
        kept = min(m, n)
        np.testing.assert_allclose(got[:kept] / got[0], np.asarray(shares[:kept]) / shares[0])
        assert run(c.scenario).accounts.stakeholders["npv_eur"].notna().all()  # it runs
