"""Batteries and electrification in a run: balance, limits, keys, money, outputs."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from energysim.cli.main import main
from energysim.config.scenario import load_scenario, scenario_from_dict
from energysim.core.errors import ScenarioError
from energysim.inputs import heating
from energysim.inputs.array_generation import load_weather
from energysim.inputs.timeindex import year_index
from energysim.results.balance import check_energy_balance
from energysim.results.outputs import write_run
from energysim.results.tables import participants_table, summary, timeseries_table
from energysim.sharing.battery import check_limits
from energysim.simulate import run
from tests.helpers import minimal, write_measured_csv, write_scenario

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO / "scenarios" / "rotterdam-galerijflat.toml"
BALANCE_TOL_KWH = 1e-9


def with_building(data: dict, **fields) -> dict:
    out = copy.deepcopy(data)
    out["buildings"][0].update(fields)
    return out


def battery_scenario(**battery) -> dict:
    spec = {"capacity_kwh": 12.0, "power_kw": 4.0, **battery}
    data = minimal()
    data["buildings"][0]["arrays"][0]["capacity_kwp"] = 15.0  # surplus to store
    return with_building(data, battery=spec)


def test_shared_battery_balances_every_interval_with_losses() -> None:
    r = run(scenario_from_dict(battery_scenario()))
    check_energy_balance(r)
    ts = timeseries_table(r)
    allocated = ts[[c for c in ts.columns if c.startswith("allocated_")]].sum(axis=1)
    # generation + discharge = allocated + export + charge, in every interval
    lhs = ts["generation_kwh"] + ts["battery_discharge_kwh"]
    rhs = allocated + ts["export_kwh"] + ts["battery_charge_kwh"]
    assert (lhs - rhs).abs().max() <= BALANCE_TOL_KWH
    # charge - discharge = SoC change + losses, losses >= 0, from the published series
    (run_,) = r.storage.batteries
    soc = ts["battery_soc_kwh"].to_numpy()
    prev = np.r_[float(run_.flows.initial_soc_kwh), soc[:-1]]
    gap = (
        ts["battery_charge_kwh"]
        - ts["battery_discharge_kwh"]
        - (soc - prev)
        - ts["battery_loss_kwh"]
    )
    assert gap.abs().max() <= BALANCE_TOL_KWH
    assert (ts["battery_loss_kwh"] >= -BALANCE_TOL_KWH).all()
    assert ts["battery_discharge_kwh"].sum() > 100  # it did something
    s = summary(r)
    assert s["storage"]["loss_kwh"] == pytest.approx(
        s["storage"]["charge_kwh"] - s["storage"]["discharge_kwh"] - (soc[-1] - prev[0])
    )


def test_battery_never_exceeds_its_power_or_energy() -> None:
    r = run(scenario_from_dict(battery_scenario(capacity_kwh=30.0, power_kw=2.5)))
    (b,) = r.storage.batteries
    check_limits(b.spec, b.flows, 1.0)
    assert b.flows.charge_kwh.max() <= 2.5 + 1e-12
    assert b.flows.discharge_kwh.max() <= 2.5 + 1e-12
    assert b.flows.soc_kwh.max() <= 0.95 * 30.0 + 1e-9  # nominal window, aged is smaller
    assert b.flows.soc_kwh.min() >= 0.05 * b.spec.capacity_kwh - 1e-9
    assert b.flows.charge_kwh.max() == pytest.approx(2.5)  # the limit binds
    # it only charges what the common connection would have fed in, interval by
    # interval: the same scenario without the battery feeds in what it may take
    without = run(scenario_from_dict(with_building(battery_scenario(), battery=None)))
    fed_in_without = without.export_kwh.to_numpy().sum(axis=1)
    assert (b.flows.charge_kwh <= fed_in_without + 1e-12).all()
    assert (b.flows.charge_kwh > fed_in_without - 1e-9).any()  # and all of it at times
    # what it took is no longer fed in; what no tier took of its discharge is
    fed_in = r.export_kwh.to_numpy().sum(axis=1)
    np.testing.assert_allclose(
        fed_in, fed_in_without - b.flows.charge_kwh + b.exported_kwh, rtol=0, atol=1e-9
    )


def _compare_runs(a, b) -> None:
    """Every figure of run ``b`` that run ``a`` also has is equal."""
    sa, sb = summary(a), summary(b)
    for key in sb:
        if key == "messages":
            continue
        value = sa[key]
        if isinstance(value, dict):  # e.g. scheme_eur gains battery_* figures
            value = {k: v for k, v in value.items() if k in sb[key]}
        assert json.dumps(value, sort_keys=True) == json.dumps(sb[key], sort_keys=True), key
    ta, tb = participants_table(a), participants_table(b)
    common = [c for c in tb.columns if c in ta.columns]
    pd.testing.assert_frame_equal(ta[common], tb[common], check_exact=True)
    tsa, tsb = timeseries_table(a), timeseries_table(b)
    cols = [c for c in tsb.columns if c in tsa.columns]
    pd.testing.assert_frame_equal(tsa[cols], tsb[cols], check_exact=True)
    pd.testing.assert_frame_equal(a.accounts.cashflows, b.accounts.cashflows, check_exact=True)


def test_zero_size_battery_changes_nothing() -> None:
    base = run(scenario_from_dict(minimal()))
    empty = {"capacity_kwh": 0.0, "power_kw": 5.0}
    zero = run(scenario_from_dict(with_building(minimal(), battery=empty)))
    _compare_runs(zero, base)
    assert summary(zero)["storage"]["discharge_kwh"] == 0.0
    assert (participants_table(zero)["battery_benefit_eur"] == 0.0).all()


def test_without_the_new_fields_the_outputs_are_as_before(tmp_path: Path) -> None:
    r = run(load_scenario(DEFAULT))
    assert r.storage is None
    assert "storage" not in summary(r) and "electrification" not in summary(r)
    folder = write_run(r, tmp_path)
    resolved = (folder / "scenario.resolved.json").read_text()
    for name in ("battery", "home_batteries", "heat_pumps", "ev_charging"):
        assert f'"{name}"' not in resolved
    columns = pd.read_csv(folder / "participants.csv", nrows=1).columns
    assert not {"battery_kwh", "battery_benefit_eur", "heat_pump_kwh"} & set(columns)
    assert "battery_charge_kwh" not in pd.read_parquet(folder / "timeseries.parquet").columns


def test_battery_energy_follows_the_waterfall_and_its_keys() -> None:
    r = run(scenario_from_dict(battery_scenario()))
    (b,) = r.storage.batteries
    table = participants_table(r).set_index("participant_id")
    assert table.loc["B1-common", "battery_kwh"] > 0
    assert table.loc[["B1-T001", "B1-T002"], "battery_kwh"].gt(0).all()
    assert table.loc["B1-T003", "battery_kwh"] == 0  # not taking part
    # common first: a tenant gets battery energy only when the common connection is served
    cons = r.consumption_kwh.to_numpy()
    received = r.received_kwh.to_numpy()
    common_short = received[:, 0] < cons[:, 0] - 1e-9
    discharging = b.flows.discharge_kwh > 0
    tenants_from_battery = received[:, 1:3].sum(axis=1) > 1e-12  # rounding residue aside
    assert not (discharging & common_short & tenants_from_battery).any()
    # proportional key among tenants: each gets battery energy in proportion to what the
    # waterfall left them, so both are short by the same fraction of their demand
    left = cons[:, 1:3] - received[:, 1:3]
    rows = discharging & (left.sum(axis=1) > 1e-9) & (cons[:, 1:3] > 0).all(axis=1)
    frac = left[rows] / cons[rows, 1:3]
    np.testing.assert_allclose(frac[:, 0], frac[:, 1], atol=1e-9)


def test_battery_for_the_common_installations_only() -> None:
    data = battery_scenario(discharge_counts_as_shared=False)
    r = run(scenario_from_dict(data))
    table = participants_table(r).set_index("participant_id")
    assert table.loc["B1-common", "battery_kwh"] > 0
    assert (table.drop(index="B1-common")["battery_kwh"] == 0).all()
    check_energy_balance(r)


@pytest.mark.parametrize("year", [2026, 2027])
def test_battery_benefit_per_household_is_the_difference_with_a_run_without(year) -> None:
    data = battery_scenario()
    data["year"] = year
    with_b = run(scenario_from_dict(data))
    without = run(scenario_from_dict(with_building(data, battery=None)))
    a = participants_table(with_b).set_index("participant_id")
    b = participants_table(without).set_index("participant_id")
    households = a.role != "common"
    np.testing.assert_allclose(
        a.loc[households, "battery_benefit_eur"],
        (a.benefit_eur - b.benefit_eur)[households],
        atol=1e-9,
    )
    s_with, s_without = summary(with_b), summary(without)
    assert s_with["storage"]["self_consumption_frac_without_batteries"] == pytest.approx(
        s_without["self_consumption_frac"], abs=1e-12
    )
    # owners carry the battery's capex and running costs
    capex = 12.0 * 600.0
    assert with_b.accounts.stakeholders["capex_eur"].sum() == pytest.approx(
        without.accounts.stakeholders["capex_eur"].sum() + capex
    )
    assert with_b.accounts.scheme["opex_eur"] == pytest.approx(
        without.accounts.scheme["opex_eur"] + 12.0 * 6.0
    )


@pytest.mark.parametrize("payer", ["owners", "households", None])
def test_who_pays_energy_tax_on_battery_kwh(payer) -> None:
    # battery kWh delivered to households over the grid are taxed at the recipient, like
    # any shared kWh (Wbm art. 50): the default is "households"; "nobody" and "owners" are
    # what-ifs. Households here have no own strings and stay in bracket 1, so each battery
    # kWh carries 0.0916 x 1.21 EUR of tax (2026)
    nobody = run(scenario_from_dict(battery_scenario(discharge_energy_tax_paid_by="nobody")))
    figures = {} if payer is None else {"discharge_energy_tax_paid_by": payer}
    paid = run(scenario_from_dict(battery_scenario(**figures)))
    payer = payer or "households"
    t = paid.tariffs
    table = participants_table(paid).set_index("participant_id")
    before = participants_table(nobody).set_index("participant_id")
    households = table.role != "common"
    battery_kwh = table.loc[households, "battery_kwh"]
    if payer == "households":
        np.testing.assert_allclose(
            before.loc[households, "benefit_eur"] - table.loc[households, "benefit_eur"],
            battery_kwh * t.energy_tax_excl_vat_eur_per_kwh * (1 + t.vat_frac),
            atol=1e-9,
        )
    else:
        assert paid.accounts.scheme["opex_eur"] - nobody.accounts.scheme["opex_eur"] == (
            pytest.approx(battery_kwh.sum() * t.energy_tax_excl_vat_eur_per_kwh)
        )
        pd.testing.assert_series_equal(table["benefit_eur"], before["benefit_eur"])


@pytest.mark.parametrize("year", [2026, 2027])
def test_self_consumption_gain_of_a_battery_on_the_default_scenario(year) -> None:
    scenario = load_scenario(DEFAULT)
    data = scenario.model_dump(mode="json")
    data.update(year=year, time_step_min=60)
    data["buildings"][0]["battery"] = {"capacity_kwh": 100.0, "power_kw": 50.0}
    with_b = summary(run(scenario_from_dict(data)))
    data["buildings"][0].pop("battery")
    without = summary(run(scenario_from_dict(data)))
    gain = with_b["storage"]["self_consumption_gain_frac"]
    assert gain == pytest.approx(
        with_b["self_consumption_frac"] - without["self_consumption_frac"], abs=1e-12
    )
    assert 0.02 < gain < 0.3
    assert with_b["storage"]["delivered_kwh"] == pytest.approx(
        gain * with_b["generation_kwh"], rel=1e-9
    )


def test_price_aware_and_perfect_foresight(tmp_path: Path) -> None:
    index = year_index(2026, 60, "Europe/Amsterdam")
    hours = index.hour.to_numpy()
    # negative around noon, as Dutch day-ahead prices often are on sunny days
    price = pd.DataFrame({"price_excl_vat_eur_per_kwh": -0.07 + 0.01 * hours}, index=index)
    path = write_measured_csv(tmp_path / "prices.csv", price)
    aware = run(
        scenario_from_dict(
            battery_scenario(dispatch="price_aware", price_csv=str(path)), base_dir=tmp_path
        )
    )
    check_energy_balance(aware)
    (b,) = aware.storage.batteries
    assert set(np.unique(hours[b.flows.discharge_kwh > 0])) <= set(range(11, 24))
    perfect = run(scenario_from_dict(battery_scenario(foresight="perfect"), base_dir=tmp_path))
    check_energy_balance(perfect)
    s = summary(perfect)
    assert "perfect foresight" in s["storage"]["batteries"][0]["dispatch"]
    assert any("perfect foresight" in m for m in s["messages"])
    assert "perfect" not in summary(aware)["storage"]["batteries"][0]["dispatch"]


def _peaked_prices(tmp_path: Path, column: str, name: str) -> tuple[Path, np.ndarray]:
    """A day-ahead series with a strong daily spread: near zero by day, dear 6-9 h, and
    less dear in the evening, when a greedy battery empties."""
    index = year_index(2027, 60, "Europe/Amsterdam")
    hours = index.hour.to_numpy()
    morning, evening = (hours >= 6) & (hours < 9), (hours >= 17) & (hours < 22)
    price = np.select([morning, evening], [0.40, 0.15], 0.02)
    frame = pd.DataFrame({column: price}, index=index)
    return write_measured_csv(tmp_path / name, frame), price


def _storage_run(tmp_path: Path, tariffs: dict | None = None, **battery):
    # no ageing: every strategy runs the same capacity, so only the plan differs
    data = battery_scenario(fade_frac_per_cycle=0.0, calendar_fade_frac_per_yr=0.0, **battery)
    data["year"] = 2027
    if tariffs:
        data["tariffs"] = tariffs
    r = run(scenario_from_dict(data, base_dir=tmp_path))
    check_energy_balance(r)
    return r


def test_perfect_foresight_plans_on_the_batterys_own_prices(tmp_path: Path) -> None:
    path, price = _peaked_prices(tmp_path, "price_excl_vat_eur_per_kwh", "prices.csv")
    runs = [_storage_run(tmp_path)] + [
        _storage_run(
            tmp_path, dispatch="price_aware", price_csv=str(path), discharge_price_quantile_frac=q
        )
        for q in (0.5, 0.9)
    ]
    perfect = _storage_run(
        tmp_path, dispatch="price_aware", foresight="perfect", price_csv=str(path)
    )
    batteries = [r.storage.batteries[0] for r in [*runs, perfect]]
    for b in batteries:
        assert b.spec.capacity_kwh == 12.0  # no ageing: the same battery
    # the flat supply price gives no reason to wait: a plan on it would be greedy's;
    # on the battery's prices the plan keeps energy for the morning peak
    greedy, *causal, best = [float((b.flows.discharge_kwh * price).sum()) for b in batteries]
    assert best > 1.2 * greedy
    assert all(best >= c - 1e-6 for c in causal)
    assert (
        "price_aware, perfect foresight" in summary(perfect)["storage"]["batteries"][0]["dispatch"]
    )


def test_perfect_foresight_never_earns_less_than_the_causal_plan(tmp_path: Path) -> None:
    # a dynamic contract on the same day-ahead prices the battery plans with, so the
    # library's money of a run is money at those prices
    supply, _ = _peaked_prices(tmp_path, "supply_price_excl_vat_eur_per_kwh", "supply.csv")
    path, _ = _peaked_prices(tmp_path, "price_excl_vat_eur_per_kwh", "prices.csv")
    tariffs = {"supply_price_csv": str(supply)}
    aware = {"dispatch": "price_aware", "price_csv": str(path)}
    runs = {
        "greedy": _storage_run(tmp_path, tariffs),
        "causal": _storage_run(tmp_path, tariffs, **aware),
        "causal_top": _storage_run(tmp_path, tariffs, **aware, discharge_price_quantile_frac=0.9),
        "perfect": _storage_run(tmp_path, tariffs, **aware, foresight="perfect"),
    }

    def earned_eur(r) -> float:
        """Year one of everyone the battery touches: households, common, owners."""
        s = summary(r)
        return sum(s["benefit_eur"].values()) + s["owners_revenue_eur"]

    money = {k: earned_eur(r) for k, r in runs.items()}
    assert money["perfect"] >= max(money["causal"], money["causal_top"]) - 1e-6
    assert money["perfect"] > money["greedy"] + 50.0  # the spread is worth something
    flows = {k: r.storage.batteries[0].flows.discharge_kwh for k, r in runs.items()}
    assert not np.allclose(flows["perfect"], flows["greedy"])


def test_validate_reads_the_price_file_of_a_perfect_foresight_battery(tmp_path: Path) -> None:
    bad = tmp_path / "prices.csv"
    bad.write_text("hour_of_year,price_excl_vat_eur_per_kwh\n0,abc\n")
    data = battery_scenario(dispatch="price_aware", foresight="perfect", price_csv="prices.csv")
    path = write_scenario(tmp_path, data)
    expected = f"{bad}: column 'hour_of_year': expected 0 ... 8759 in order, found 1 rows"
    from energysim.core.errors import DataError
    from energysim.validate import check_inputs

    with pytest.raises(DataError) as err:
        check_inputs(path)
    assert str(err.value) == expected
    with pytest.raises(DataError) as err:
        run(load_scenario(path))
    assert str(err.value) == expected
    assert main(["validate", str(path)]) == 2


def test_price_aware_needs_prices(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, battery_scenario(dispatch="price_aware"))
    with pytest.raises(ScenarioError, match="price_aware' needs day-ahead prices"):
        load_scenario(path)
    assert main(["validate", str(path)]) == 2


def home_battery_scenario(year: int) -> dict:
    data = minimal(year=year)
    data["buildings"][0]["arrays"].append(
        {"id": "strings", "capacity_kwp": 4.0, "setup": "per_dwelling"}
    )
    return with_building(data, home_batteries={"capacity_kwh": 5.0, "power_kw": 2.5})


def test_home_batteries_behind_the_meter() -> None:
    r26 = run(scenario_from_dict(home_battery_scenario(2026)))
    r27 = run(scenario_from_dict(home_battery_scenario(2027)))
    for r in (r26, r27):
        check_energy_balance(r)
        (b,) = r.storage.batteries
        assert b.kind == "home" and b.count == 2
        check_limits(b.spec, b.flows, 1.0)
    t26 = participants_table(r26).set_index("participant_id")
    t27 = participants_table(r27).set_index("participant_id")
    dwellings = ["B1-T001", "B1-T002"]
    assert (t27.loc[dwellings, "home_battery_kwh"] > 0).all()
    # from 2027 a stored kWh avoids the import price, the feed-in compensation is lost;
    # under net metering the feed-in was worth the import price: the losses cost money
    assert (t27.loc[dwellings, "battery_benefit_eur"] > 0).all()
    assert (t26.loc[dwellings, "battery_benefit_eur"] <= 1e-9).all()
    no_battery = run(
        scenario_from_dict(with_building(home_battery_scenario(2027), home_batteries=None))
    )
    t0 = participants_table(no_battery).set_index("participant_id")
    np.testing.assert_allclose(
        t27.loc[dwellings, "own_string_kwh"] - t0.loc[dwellings, "own_string_kwh"],
        t27.loc[dwellings, "home_battery_kwh"],
        rtol=1e-9,
    )


def test_home_batteries_need_own_strings(tmp_path: Path) -> None:
    data = with_building(minimal(), home_batteries={"capacity_kwh": 5.0, "power_kw": 2.5})
    with pytest.raises(ScenarioError, match="home_batteries: expected an array with setup"):
        scenario_from_dict(data)


def test_a_heat_pump_years_electricity_is_its_heat_over_the_realised_cop() -> None:
    hp = {"dwellings": 2, "space_heat_kwh_per_yr": 3000.0, "hot_water_litres_per_day": 60.0}
    base = run(scenario_from_dict(minimal()))
    heated = run(scenario_from_dict(with_building(minimal(), heat_pumps=hp)))
    check_energy_balance(heated)
    added = (heated.consumption_kwh - base.consumption_kwh).to_numpy()
    # columns: common, T001, T002, T003, M001, M002: only the first two dwellings
    assert added[:, 3:].sum() == 0.0 and added[:, 0].sum() == 0.0
    e = summary(heated)["electrification"]
    heat = e["space_heat_kwh"] + e["hot_water_heat_kwh"]
    water_per_day = 60.0 * (50.0 - 10.0) * 4.186 / 3600
    assert e["space_heat_kwh"] == pytest.approx(2 * 3000.0)
    assert e["hot_water_heat_kwh"] == pytest.approx(2 * 365 * water_per_day)
    # electricity = heat / realised COP, and = sum over intervals of heat_t / COP(T_t)
    assert added.sum() == pytest.approx(heat / e["seasonal_cop"], rel=1e-12)
    temp = load_weather(heated.scenario, heated.index)["temp_air"].to_numpy()
    hdh = np.maximum(18.0 - temp, 0.0)
    space = 3000.0 * hdh / hdh.sum()
    cop_space = 0.85 * _ruhnau((40.0 - 1.0 * temp) - temp)  # radiator curve minus outdoors
    cop_water = 0.85 * _ruhnau(50.0 - temp)
    water = heating.hot_water_kwh(heated.index, water_per_day, (5, 6, 17, 18))
    by_hand = space / cop_space + water / cop_water
    np.testing.assert_allclose(added[:, 1], by_hand, rtol=1e-12, atol=1e-12)
    assert 2.5 < e["seasonal_cop"] < 4.5


def _ruhnau(lift: np.ndarray) -> np.ndarray:
    """Ruhnau et al. (2019) ASHP regression, lift clipped to 15-60 K."""
    dt = np.clip(lift, 15.0, 60.0)
    return 6.08 - 0.09 * dt + 0.0005 * dt**2


def test_ev_charging_adds_to_the_dwelling() -> None:
    cars = {"vehicles": 2, "kwh_per_day": [5.0, 8.0], "charger_kw": 7.4}
    base = run(scenario_from_dict(minimal()))
    r = run(scenario_from_dict(with_building(minimal(), ev_charging=cars)))
    added = (r.consumption_kwh - base.consumption_kwh).to_numpy().sum(axis=0)
    np.testing.assert_allclose(added[1:3], [5.0 * 365, 8.0 * 365])
    table = participants_table(r).set_index("participant_id")
    assert table.loc["B1-T002", "ev_kwh"] == pytest.approx(8.0 * 365)
    assert timeseries_table(r)["ev_kwh"].sum() == pytest.approx(13.0 * 365)


def test_ev_energy_that_cannot_be_charged_is_said(tmp_path: Path, capsys) -> None:
    from energysim.cli.summary import format_summary

    # 7.4 kW from 18:00 to 07:30 is at most 99.9 kWh a night: 200 kWh/day cannot be charged
    cars = {"vehicles": 2, "kwh_per_day": [5.0, 200.0], "charger_kw": 7.4}
    data = with_building(minimal(), ev_charging=cars)
    r = run(scenario_from_dict(data))
    s = summary(r)
    e = s["electrification"]
    # 14 hourly steps a night (13 or 15 on a clock change) of 7.4 kWh; the night of
    # 31 December goes on after the year and counts as served
    assert 364 * (200.0 - 15 * 7.4) <= e["ev_unserved_kwh"] <= 364 * (200.0 - 13 * 7.4)
    asked_kwh = e["ev_kwh"] + e["ev_unserved_kwh"]
    assert 364 * 205.0 < asked_kwh < 365 * 205.0
    said = [m for m in s["messages"] if "EV charging could not deliver" in m]
    assert said == [
        f"B1: EV charging could not deliver {e['ev_unserved_kwh']:,.0f} of the "
        f"{asked_kwh:,.0f} kWh/yr asked (1 of 2 vehicles): a session from arrival_h to "
        "departure_h at charger_kw is too short for kwh_per_day; the run counts only the "
        "kWh charged"
    ]
    assert (
        f"EV charging: 2 vehicles, {e['ev_kwh']:,.0f} kWh charged, "
        f"{e['ev_unserved_kwh']:,.0f} kWh asked could not be charged"
    ) in format_summary(s)
    # before a run: the daily energy is above what any car uses, and above the session
    warnings = [w for w in s["messages"] if "ev_charging" in w]
    assert warnings == [
        "buildings[0] (B1).ev_charging.kwh_per_day: 1 vehicle(s) above 40 kWh per day, "
        "e.g. 200 kWh: more than a car charged at home uses (a Dutch car drives about "
        "13,000 km/yr, 6-8 kWh/day; 40 kWh/day is about 80,000 km/yr); is it the "
        "battery's capacity?",
        "buildings[0] (B1).ev_charging.kwh_per_day: 1 vehicle(s) need more than the "
        "charger gives while plugged in, e.g. 200 kWh/day at 7.4 kW for 13.5 h (99.9 "
        "kWh); the rest is not charged",
    ]
    path = write_scenario(tmp_path, data)
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert all(f"warning: {w}" in out for w in warnings)


def test_ev_energy_that_can_be_charged_says_nothing() -> None:
    from energysim.cli.summary import format_summary

    # 40 kWh/day at 11 kW from 17:30 to 08:00 (159.5 kWh) is the bound itself: no warning
    cars = {"vehicles": 2, "kwh_per_day": [6.0, 40.0], "arrival_h": 17.5, "departure_h": 8.0}
    s = summary(run(scenario_from_dict(with_building(minimal(), ev_charging=cars))))
    assert s["electrification"]["ev_unserved_kwh"] == 0.0
    assert not [m for m in s["messages"] if "EV" in m or "ev_charging" in m]
    assert "could not be charged" not in format_summary(s)


def test_example_after_renovation_runs_with_everything(tmp_path: Path) -> None:
    scenario = load_scenario(REPO / "scenarios" / "galerijflat-na-renovatie.toml")
    b = scenario.buildings[0]
    assert b.heat_pumps is not None and b.battery is not None
    r = run(scenario.model_copy(update={"time_step_min": 60}))
    check_energy_balance(r)
    s = summary(r)
    assert s["storage"]["self_consumption_gain_frac"] > 0
    assert s["electrification"]["heat_pump_dwellings"] == b.dwellings


def test_home_batteries_in_no_dwelling_change_nothing() -> None:
    data = home_battery_scenario(2027)
    data["buildings"][0]["home_batteries"]["dwellings"] = 0
    none = run(scenario_from_dict(data))
    base = run(scenario_from_dict(with_building(home_battery_scenario(2027), home_batteries=None)))
    _compare_runs(none, base)


def test_a_portfolio_template_carries_batteries_and_electrification(tmp_path: Path) -> None:
    from energysim.batch.portfolio import complex_scenario
    from energysim.core.errors import DataError

    template = minimal()
    template["buildings"][0].update(
        dwellings=4,
        battery={"capacity_kwh": 40.0, "power_kw": 20.0},
        heat_pumps={"dwellings": 4},
        ev_charging={"vehicles": 2},
    )
    row = pd.Series(
        {"complex_id": "C1", "postcode": "3011", "dwellings": "8", "capacity_kwp": "30"},
        name=0,
    )
    data = complex_scenario(template, row, tmp_path / "portfolio.csv")
    b = scenario_from_dict(data).buildings[0]
    assert b.battery is not None and b.battery.capacity_kwh == 40.0
    assert b.heat_pumps is not None and b.heat_pumps.dwellings == 8
    assert b.ev_charging is not None and b.ev_charging.vehicles == 4
    template["buildings"][0]["ev_charging"] = {"vehicles": 2, "arrival_h": [18.0, 19.0]}
    with pytest.raises(DataError, match="ev_charging.arrival_h: a list per vehicle"):
        complex_scenario(template, row, tmp_path / "portfolio.csv")


def test_run_printout_shows_the_battery() -> None:
    from energysim.cli.summary import format_summary

    s = summary(run(scenario_from_dict(battery_scenario())))
    st = s["storage"]
    text = format_summary(s)
    benefit = sum(st["battery_benefit_eur"].values())
    assert f"batteries: {st['delivered_kwh']:,.0f} kWh delivered" in text
    assert f"{st['loss_kwh']:,.0f} kWh lost" in text
    # the gain is a difference of two percentages: percentage points
    gain = st["self_consumption_gain_frac"]
    assert gain > 0.001
    assert (
        f"self-consumption {st['self_consumption_frac_without_batteries']:.1%} without them "
        f"(+{100 * gain:.1f} pp)"
    ) in text
    assert f"households' battery benefit {benefit:,.0f} EUR/yr" in text
    assert "batteries:" not in format_summary(summary(run(scenario_from_dict(minimal()))))
