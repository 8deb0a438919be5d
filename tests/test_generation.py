"""PV generation: Dutch reference yields, clipping, degradation, vectorisation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from energysim.inputs.generation import (
    combine_losses_frac,
    simulate_generation_kwh,
    yield_p50_p90_kwh,
)
from energysim.inputs.weather.embedded import embedded_weather
from energysim.inputs.weather.readers import read_epw
from energysim.inputs.weather.to_year import weather_for_year

LAT, LON, TZ = 51.9244, 4.4777, "Europe/Amsterdam"


def plane(**changes) -> dict:
    row = {
        "capacity_kwp": 1.0,
        "surface_tilt_deg": 35.0,
        "surface_azimuth_deg": 180.0,
        "dc_ac_ratio": 1.0,
        "mounting": "open_rack",
        "losses_frac": 0.14,
        "degradation_frac_per_yr": 0.0,
        "horizon_deg": None,
    }
    row.update(changes)
    return row


def table(**planes: dict) -> pd.DataFrame:
    return pd.DataFrame(list(planes.values()), index=list(planes))


@pytest.fixture(scope="module")
def rotterdam_2023(shared_data: Path) -> pd.DataFrame:
    wx = read_epw(shared_data / "knmi-epw" / "NLD_ROD_EPW_YR2023.epw", 2023)
    return weather_for_year(wx, 2023, 15, TZ, LAT, LON)


@pytest.fixture(scope="module")
def weather_60() -> pd.DataFrame:
    return embedded_weather(2026, LAT, LON, TZ, 60)


def test_rotterdam_2023_south_and_east_west(rotterdam_2023) -> None:
    planes = table(
        south=plane(),
        east=plane(capacity_kwp=0.5, surface_tilt_deg=10, surface_azimuth_deg=90),
        west=plane(capacity_kwp=0.5, surface_tilt_deg=10, surface_azimuth_deg=270),
    )
    gen = simulate_generation_kwh(rotterdam_2023, LAT, LON, 0.0, planes)
    south = gen["south"].sum()
    # References (domain.md section 7): KNMI-based Rotterdam, 40 deg south, 923 kWh/kWp in
    # the long term (1991-2010) and 967-1,030 kWh/kWp in 2014-2016; 2023's irradiation
    # (1,109 kWh/m2) is about 7-10% above the long-term mean, so about 990-1,050 is
    # expected. The band 950-1,100 allows for the tilt (35 vs 40 deg), the DNI/DHI split
    # of the EPW (derived from GHI) and PVWatts' simplifications.
    assert 950 <= south <= 1100
    ratio = (gen["east"].sum() + gen["west"].sum()) / south
    assert (
        0.80 <= ratio <= 0.92
    )  # east-west 10 deg: 80-92% of south (issue, rule of thumb 0.75/0.9)
    monthly = gen["south"].groupby(gen.index.month).sum()
    assert monthly.idxmax() in (5, 6, 7)
    assert monthly.idxmin() == 12


def test_zero_at_night_and_never_negative(weather_60) -> None:
    gen = simulate_generation_kwh(weather_60, LAT, LON, 0.0, table(a=plane()))
    assert (gen.to_numpy() >= 0).all()
    night = weather_60["ghi"].to_numpy() == 0
    assert (gen["a"].to_numpy()[night] == 0).all()


def test_inverter_clipping_caps_ac_power(weather_60) -> None:
    gen = simulate_generation_kwh(
        weather_60, LAT, LON, 0.0, table(a=plane(dc_ac_ratio=1.6), b=plane())
    )
    rating_kw = 1.0 / 1.6
    assert gen["a"].max() <= rating_kw * 1.0 + 1e-12  # hourly steps: kWh = kW x 1 h
    assert gen["a"].max() == pytest.approx(rating_kw)  # it does clip on sunny hours
    assert gen["a"].sum() < gen["b"].sum()


def test_degradation_factor_is_exact(weather_60) -> None:
    planes = table(a=plane(degradation_frac_per_yr=0.01))
    first = simulate_generation_kwh(weather_60, LAT, LON, 0.0, planes, year_of_operation=1)
    third = simulate_generation_kwh(weather_60, LAT, LON, 0.0, planes, year_of_operation=3)
    np.testing.assert_allclose(third.to_numpy(), first.to_numpy() * 0.99**2)


def test_vectorised_equals_one_plane_at_a_time(weather_60) -> None:
    planes = table(
        a=plane(),
        b=plane(
            surface_azimuth_deg=95, surface_tilt_deg=12, mounting="close_mount", dc_ac_ratio=1.3
        ),
        c=plane(
            capacity_kwp=3.0, surface_azimuth_deg=265, losses_frac=0.2, horizon_deg=[10.0] * 36
        ),
    )
    together = simulate_generation_kwh(weather_60, LAT, LON, 0.0, planes)
    for pid in planes.index:
        alone = simulate_generation_kwh(weather_60, LAT, LON, 0.0, planes.loc[[pid]])
        np.testing.assert_allclose(together[pid].to_numpy(), alone[pid].to_numpy(), rtol=1e-12)


def test_horizon_and_mounting_lower_the_yield(weather_60) -> None:
    planes = table(
        free=plane(),
        shaded=plane(horizon_deg=[20.0] * 36),
        close=plane(mounting="close_mount"),
    )
    gen = simulate_generation_kwh(weather_60, LAT, LON, 0.0, planes).sum()
    assert gen["shaded"] < gen["free"] * 0.95
    assert gen["close"] < gen["free"]  # hotter modules


def test_loss_breakdown() -> None:
    assert combine_losses_frac() == pytest.approx(0.1408, abs=1e-4)  # PVWatts default 14.08%
    assert combine_losses_frac(
        soiling_frac=0,
        shading_frac=0,
        mismatch_frac=0,
        wiring_frac=0,
        connections_frac=0,
        lid_frac=0,
        nameplate_frac=0,
        availability_frac=0,
    ) == pytest.approx(0.0)


def test_p50_p90() -> None:
    out = yield_p50_p90_kwh(table(a=plane()), LAT, LON, n_years=8, step_min=60)
    assert out["p90_kwh"] < out["p50_kwh"]
    assert 850 < out["p50_kwh"] < 1150


def test_mounting_temperature_parameters_are_pvlib_s() -> None:
    import pvlib

    from energysim.inputs.generation import MOUNTING_SAPM

    sapm = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]
    assert MOUNTING_SAPM["open_rack"] == sapm["open_rack_glass_polymer"]
    assert MOUNTING_SAPM["close_mount"] == sapm["close_mount_glass_glass"]
