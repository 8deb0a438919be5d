"""Heat pumps (heat demand, COP) and EV charging kernels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from energysim.inputs import ev, heating
from energysim.inputs.timeindex import year_index

INDEX_15 = year_index(2026, 15, "Europe/Amsterdam")


def test_standaard_woningisolatie_by_dwelling_type() -> None:
    # Kamerbrief BZK 18-3-2021: meergezinswoning na 1945: 45 (Als/Ag < 1), 45 + 45 (x - 1)
    assert heating.standard_heat_demand_kwh_per_m2("apartment", False, 0.8) == 45.0
    assert heating.standard_heat_demand_kwh_per_m2("apartment", False, 1.4) == pytest.approx(63.0)
    assert heating.standard_heat_demand_kwh_per_m2("apartment", True, 1.5) == pytest.approx(130.0)
    assert heating.standard_heat_demand_kwh_per_m2("single_family", False, 2.0) == 83.0


def test_space_heat_follows_degree_hours_and_sums_to_the_year() -> None:
    temp = np.array([20.0, 18.0, 10.0, 0.0, -2.0])
    heat = heating.space_heat_kwh(temp, 1000.0, 18.0, 1.0)
    # degree hours 0, 0, 8, 18, 20 -> 46
    np.testing.assert_allclose(heat, np.array([0, 0, 8, 18, 20]) * 1000.0 / 46)
    assert heating.space_heat_kwh(np.full(4, 25.0), 1000.0, 18.0, 1.0).sum() == 0.0


def test_air_source_cop_by_hand() -> None:
    # 7 degC outdoors, radiators: sink 40 - 7 = 33, lift 26 K
    sink = heating.sink_temperature_degc(7.0, "radiator")
    cop = heating.air_source_cop(7.0, sink)
    assert cop == pytest.approx(0.85 * (6.08 - 0.09 * 26 + 0.0005 * 26**2))
    # floor heating at -5: sink 32.5, lift 37.5
    assert heating.air_source_cop(-5.0, heating.sink_temperature_degc(-5.0, "floor")) == (
        pytest.approx(0.85 * (6.08 - 0.09 * 37.5 + 0.0005 * 37.5**2))
    )
    # lifts outside the fitted 15-60 K are clipped
    assert heating.air_source_cop(30.0, 35.0) == heating.air_source_cop(20.0, 35.0)
    assert heating.air_source_cop(-30.0, 50.0) == heating.air_source_cop(-10.0, 50.0)
    with pytest.raises(ValueError, match="positive COP"):
        heating.heat_pump_electricity_kwh([1.0], [0.0])


def test_hot_water_every_day_including_clock_changes() -> None:
    per_day = heating.hot_water_kwh_per_day(80.0, 50.0, 10.0)
    assert per_day == pytest.approx(80 * 40 * 4.186 / 3600)
    water = heating.hot_water_kwh(INDEX_15, per_day, (5, 6, 17, 18))
    daily = pd.Series(water, index=INDEX_15).groupby(INDEX_15.date).sum()
    np.testing.assert_allclose(daily.to_numpy(), per_day)
    assert set(np.unique(INDEX_15.hour[water > 0])) == {5, 6, 17, 18}


def test_uncontrolled_charging_from_arrival() -> None:
    index = year_index(2026, 60, "Europe/Amsterdam")
    charge, unserved = ev.charge_kwh(index, [18.0], [7.0], [10.0], [4.0], "uncontrolled")
    assert (unserved == 0).all()
    jan2 = charge[24:48, 0]
    np.testing.assert_allclose(jan2[18:21], [4.0, 4.0, 2.0])
    assert jan2[:18].sum() == 0.0 and jan2[21:].sum() == 0.0
    assert charge.sum() == pytest.approx(10.0 * 365)
    assert charge.max() <= 4.0


def test_solar_following_charges_from_surplus_and_still_finishes() -> None:
    index = year_index(2026, 15, "Europe/Amsterdam")
    hours = index.hour.to_numpy()
    surplus = np.where((hours >= 10) & (hours < 14), 0.5, 0.0)  # 2 kW for 4 hours
    charge, unserved = ev.charge_kwh(
        index, [8.0, 8.0], [17.0, 17.0], [6.0, 6.0], [11.0, 11.0], "solar_following", surplus
    )
    assert (unserved == 0).all()
    per_day = pd.DataFrame(charge, index=index).groupby(index.date).sum()
    np.testing.assert_allclose(per_day.to_numpy(), 6.0)
    # two cars share 2 kW: 1 kW x 4 h = 4 kWh from the sun, 2 kWh at the end of the day
    day = charge[96 * 10 : 96 * 11]
    assert day[:, 0][(hours[:96] >= 10) & (hours[:96] < 14)].sum() == pytest.approx(4.0)
    assert day[:, 0][hours[:96] == 16].sum() == pytest.approx(2.0)
    assert charge.max() <= 11.0 * 0.25 + 1e-12
    # causal: a change of surplus after a day leaves that day's charging as it was
    later = surplus.copy()
    later[96 * 100 :] = 0.0
    again, _ = ev.charge_kwh(
        index, [8.0, 8.0], [17.0, 17.0], [6.0, 6.0], [11.0, 11.0], "solar_following", later
    )
    np.testing.assert_array_equal(again[: 96 * 100], charge[: 96 * 100])


def test_a_session_too_short_is_reported() -> None:
    index = year_index(2026, 60, "Europe/Amsterdam")
    _, unserved = ev.charge_kwh(index, [22.0], [23.0], [10.0], [3.7], "uncontrolled")
    assert unserved[0] == pytest.approx((10.0 - 3.7) * 365)


def test_a_session_cut_by_the_end_of_the_year_is_not_unserved() -> None:
    # 23:00-07:00 at 3.7 kW holds 6 kWh; on 31 December only 23:00-24:00 is in the year,
    # as the morning of 1 January (the previous night's end) is not: nothing is missing
    index = year_index(2026, 60, "Europe/Amsterdam")
    charge, unserved = ev.charge_kwh(index, [23.0], [7.0], [6.0], [3.7], "uncontrolled")
    assert unserved[0] == 0.0
    assert charge[-1, 0] == pytest.approx(3.7)
    assert charge.sum() == pytest.approx(6.0 * 364 + 3.7)
    # a night too short all year is still counted, the last night's shortfall excepted
    _, unserved = ev.charge_kwh(index, [23.0], [1.0], [10.0], [3.7], "uncontrolled")
    assert unserved[0] == pytest.approx((10.0 - 7.4) * 364)
