"""Weather: the embedded year against KNMI, and every reader on real and small files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pytest

from energysim.core.errors import DataError
from energysim.inputs import generation, profile_cache
from energysim.inputs.timeindex import year_index
from energysim.inputs.weather import sun
from energysim.inputs.weather.embedded import embedded_weather
from energysim.inputs.weather.readers import (
    read_epw,
    read_knmi_uurgeg,
    read_pvgis_tmy,
    read_weather_csv,
)
from energysim.inputs.weather.sun import solar_position
from energysim.inputs.weather.to_year import weather_for_year
from tests.test_import_layers import PACKAGE, import_graph

LAT, LON = 51.9244, 4.4777  # KNMI Rotterdam (344), from the EPW header
TZ = "Europe/Amsterdam"
ROTTERDAM_YEARS = range(2018, 2025)


def kt_shares(wx: pd.DataFrame) -> tuple[float, float]:
    """Shares of daylight hours (sun > 5 deg) with clearness index < 0.3 and > 0.6."""
    hourly = wx.resample("1h").mean() if wx.index[1] - wx.index[0] < pd.Timedelta("1h") else wx
    mid = hourly.index + pd.Timedelta(minutes=30)
    pos = solar_position(mid, LAT, LON)
    e0 = np.asarray(pvlib.irradiance.get_extra_radiation(mid.day_of_year.to_numpy()))
    day = pos["elevation"] > 5
    kt = hourly["ghi"].to_numpy()[day] / (e0[day] * np.cos(np.radians(pos["zenith"][day])))
    return float((kt < 0.3).mean()), float((kt > 0.6).mean())


@pytest.fixture(scope="module")
def knmi_years(shared_data: Path) -> list[pd.DataFrame]:
    return [
        read_epw(shared_data / "knmi-epw" / f"NLD_ROD_EPW_YR{y}.epw", y) for y in ROTTERDAM_YEARS
    ]


@pytest.fixture(scope="module")
def embedded() -> pd.DataFrame:
    return embedded_weather(2026, LAT, LON, TZ, 15)


# ----------------------------------------------------------------------------- embedded
def test_embedded_year_matches_the_knmi_climate(knmi_years, embedded) -> None:
    annual = np.mean([w["ghi"].sum() / 1000 for w in knmi_years])
    monthly = np.mean(
        [w["ghi"].groupby(w.index.month).sum().to_numpy() / 1000 for w in knmi_years], axis=0
    )
    ours_monthly = embedded["ghi"].groupby(embedded.index.month).sum().to_numpy() / 4 / 1000
    assert ours_monthly.sum() == pytest.approx(annual, rel=0.03)
    np.testing.assert_allclose(ours_monthly, monthly, rtol=0.10)
    low_k, high_k = np.mean([kt_shares(w) for w in knmi_years], axis=0)
    low, high = kt_shares(embedded)
    assert abs(low - low_k) <= 0.05
    assert abs(high - high_k) <= 0.05


def test_other_seeds_give_other_years_with_the_same_climate(knmi_years, embedded) -> None:
    other = embedded_weather(2026, LAT, LON, TZ, 15, seed=1)
    assert not np.allclose(other["ghi"], embedded["ghi"])
    low_k, high_k = np.mean([kt_shares(w) for w in knmi_years], axis=0)
    low, high = kt_shares(other)
    assert abs(low - low_k) <= 0.05 and abs(high - high_k) <= 0.05
    assert other["ghi"].sum() == pytest.approx(embedded["ghi"].sum(), rel=0.03)


def test_embedded_year_is_reproducible_and_well_formed(embedded) -> None:
    again = embedded_weather(2026, LAT, LON, TZ, 15)
    pd.testing.assert_frame_equal(again, embedded)
    assert embedded.index.equals(year_index(2026, 15, TZ))
    assert (embedded[["ghi", "dni", "dhi", "wind_speed"]] >= 0).all().all()
    assert (embedded["dhi"] <= embedded["ghi"] + 1e-9).all()
    mid = embedded.index + pd.Timedelta(minutes=7.5)
    night = solar_position(mid, LAT, LON)["elevation"] < -1
    assert (embedded["ghi"].to_numpy()[night] == 0).all()
    # temperature: Dutch seasons (KNMI Rotterdam: January ~5 degC, July ~19 degC)
    t = embedded["temp_air"].groupby(embedded.index.month).mean()
    assert 2 < t[1] < 8 and 15 < t[7] < 22


def test_embedded_leap_year_hourly() -> None:
    wx = embedded_weather(2028, LAT, LON, TZ, 60, seed=3)
    assert len(wx) == 8784
    assert wx.notna().all().all()


def test_interannual_years_vary() -> None:
    totals = [
        embedded_weather(2026, LAT, LON, TZ, 60, seed=s, interannual_variability=True)["ghi"].sum()
        / 1000
        for s in range(6)
    ]
    # KNMI Rotterdam 2018-2024 ranged 1,038-1,198 kWh/m2
    assert np.std(totals) > 10
    assert 950 < np.mean(totals) < 1250


# ----------------------------------------------------------------------------- readers
def test_epw_year_fix_on_a_real_file(shared_data: Path) -> None:
    path = shared_data / "knmi-epw" / "NLD_ROD_EPW_YR2018.epw"
    assert path.read_text().splitlines()[8].startswith("1995,")  # the file says 1995
    wx = read_epw(path, 2018)
    assert (wx.index.year == 2018).all()
    assert wx["ghi"].sum() / 1000 == pytest.approx(1154, abs=1)  # data README: 1,154 kWh/m2


def test_epw_without_leap_day_fills_it(shared_data: Path) -> None:
    wx = read_epw(shared_data / "knmi-epw" / "NLD_ROD_EPW_YR2024.epw", 2024)
    assert len(wx) == 8760
    year = weather_for_year(wx, 2024, 60, TZ, LAT, LON)
    assert len(year) == 8784 and year.notna().all().all()
    feb29 = year[(year.index.month == 2) & (year.index.day == 29)]["ghi"].to_numpy()
    feb28 = year[(year.index.month == 2) & (year.index.day == 28)]["ghi"].to_numpy()
    np.testing.assert_allclose(feb29, feb28)


def test_hourly_to_15_minutes_keeps_each_hours_irradiation(shared_data: Path) -> None:
    hourly = read_epw(shared_data / "knmi-epw" / "NLD_ROD_EPW_YR2023.epw", 2023)
    quarter = weather_for_year(hourly, 2023, 15, TZ, LAT, LON)
    back = quarter["ghi"].resample("1h").mean()
    expected = hourly["ghi"].reindex(back.index.tz_convert(hourly.index.tz)).to_numpy()
    np.testing.assert_allclose(back.to_numpy(), expected, atol=1e-9)
    # within the hour the quarters follow the sun: not all equal on a sunny hour
    noon = quarter.loc["2023-06-21 12:00":"2023-06-21 12:45", "ghi"].to_numpy()
    assert noon.mean() > 0


def test_dst_days_on_the_15_minute_axis(shared_data: Path) -> None:
    hourly = read_epw(shared_data / "knmi-epw" / "NLD_ROD_EPW_YR2023.epw", 2023)
    quarter = weather_for_year(hourly, 2023, 15, TZ, LAT, LON)
    days = pd.Series(1, index=quarter.index).groupby(quarter.index.date).size()
    assert days[pd.Timestamp("2023-03-26").date()] == 92
    assert days[pd.Timestamp("2023-10-29").date()] == 100
    assert quarter["ghi"].sum() / 4 == pytest.approx(hourly["ghi"].sum())


def test_knmi_real_sample(shared_data: Path) -> None:
    wx = read_knmi_uurgeg(shared_data / "knmi-uurgeg" / "uurgeg_260_sample.txt")
    assert len(wx) == 61
    # HH 1 of 1 January 2021 is the hour 00:00-01:00 UT: interval start 00:00 UTC
    assert wx.index[0] == pd.Timestamp("2021-01-01 00:00", tz="UTC")
    assert wx["temp_air"].iloc[0] == pytest.approx(-2.5)  # T = -25 (0.1 degC)
    assert wx["wind_speed"].iloc[0] == pytest.approx(1.0)  # FH = 10 (0.1 m/s)
    assert wx["ghi"].max() > 0
    with pytest.raises(DataError, match="expected data covering 2021"):
        weather_for_year(wx, 2021, 60, TZ, 52.1, 5.18)


def _knmi_file(path: Path, year: int, sunny_hh: int, q: int) -> Path:
    lines = ["BRON: KNMI", "", "# STN,YYYYMMDD,   HH,   DD,   FH,   FF,   FX,    T,    Q", ""]
    for day in pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D"):
        for hh in range(1, 25):
            value = q if (day.month, day.day, hh) == (6, 21, sunny_hh) else 0
            lines.append(f"  260,{day:%Y%m%d},{hh:>5},  230,   30,   30,   40,  150,{value:>5}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_knmi_hour_ending_becomes_interval_start_without_shift(tmp_path: Path) -> None:
    # HH = 12 is the hour 11:00-12:00 UT = 13:00-14:00 local summer time (CEST)
    wx = read_knmi_uurgeg(_knmi_file(tmp_path / "uurgeg_260.txt", 2022, 12, 360))
    year = weather_for_year(wx, 2022, 15, TZ, 52.1, 5.18)
    sunny = year[year["ghi"] > 0]
    assert sunny.index.min() == pd.Timestamp("2022-06-21 13:00", tz=TZ)
    assert sunny.index.max() == pd.Timestamp("2022-06-21 13:45", tz=TZ)
    # 360 J/cm2 in the hour = 1000 W/m2 mean; the four quarters keep that hour's irradiation
    assert sunny["ghi"].mean() == pytest.approx(1000.0)
    assert year["temp_air"].iloc[0] == pytest.approx(15.0)


def _pvgis_rows(year_of_month: int = 2010) -> list[dict]:
    rows = []
    for ts in pd.date_range(f"{year_of_month}-01-01", periods=8760, freq="h", tz="UTC"):
        sun = 500.0 if ts.hour == 12 else 0.0
        rows.append(
            {
                "time(UTC)": ts.strftime("%Y%m%d:%H%M"),
                "T2m": 10.0,
                "RH": 80.0,
                "G(h)": sun,
                "Gb(n)": sun / 2,
                "Gd(h)": sun / 2,
                "IR(h)": 300.0,
                "WS10m": 4.0,
                "WD10m": 200.0,
                "SP": 101300.0,
            }
        )
    return rows


def test_pvgis_tmy_json_and_csv(tmp_path: Path) -> None:
    rows = _pvgis_rows()
    src = {
        "inputs": {"location": {"latitude": 51.9, "longitude": 4.5, "elevation": 0}},
        "outputs": {
            "months_selected": [{"month": m, "year": 2010} for m in range(1, 13)],
            "tmy_hourly": rows,
        },
        "meta": {"inputs": {}},
    }
    (tmp_path / "tmy.json").write_text(json.dumps(src))
    header = [
        "Latitude (decimal degrees): 51.9",
        "Longitude (decimal degrees): 4.5",
        "Elevation (m): 0",
        "month,year",
        *[f"{m},2010" for m in range(1, 13)],
        "time(UTC),T2m,RH,G(h),Gb(n),Gd(h),IR(h),WS10m,WD10m,SP",
    ]
    body = [",".join(str(r[k]) for k in r) for r in rows]
    (tmp_path / "tmy.csv").write_text("\n".join(header + body) + "\n")
    for name in ("tmy.json", "tmy.csv"):
        wx = read_pvgis_tmy(tmp_path / name, 2026)
        assert (wx.index.year == 2026).all()
        assert wx.loc[pd.Timestamp("2026-06-01 12:00", tz="UTC"), "ghi"] == 500.0
        year = weather_for_year(wx, 2026, 60, TZ, 51.9, 4.5)
        assert year.notna().all().all()


def test_weather_csv(tmp_path: Path) -> None:
    index = year_index(2026, 60, TZ)
    frame = pd.DataFrame(
        {"time": [t.isoformat() for t in index], "ghi": 100.0, "temp_air": 10.0, "wind_speed": 3.0}
    )
    frame.to_csv(tmp_path / "w.csv", index=False)
    year = weather_for_year(read_weather_csv(tmp_path / "w.csv"), 2026, 60, TZ, LAT, LON)
    assert year["dni"].notna().all() and (year["dhi"] <= year["ghi"] + 1e-9).all()
    frame.loc[3, "time"] = "2026-01-01T03:00:00"
    frame.to_csv(tmp_path / "naive.csv", index=False)
    with pytest.raises(DataError, match="row 5: expected an ISO-8601 timestamp with UTC offset"):
        read_weather_csv(tmp_path / "naive.csv")
    frame = frame.drop(columns="wind_speed")
    frame.to_csv(tmp_path / "nowind.csv", index=False)
    with pytest.raises(DataError, match="column 'wind_speed': required column is missing"):
        read_weather_csv(tmp_path / "nowind.csv")


def _computing_files(*modules: str) -> set[str]:
    """The package files of ``modules`` and of every module they import, the profile
    cache's own machinery aside (its entries are keyed by its format and the version)."""
    graph = import_graph(PACKAGE)
    seen: set[str] = set()
    todo = list(modules)
    while todo:
        module = todo.pop()
        if module in seen or module == profile_cache.__name__:
            continue
        seen.add(module)
        todo += graph[module]
    return {m.removeprefix("energysim.").replace(".", "/") + ".py" for m in seen}


def test_cached_weather_profiles_are_keyed_on_all_the_code_that_computes_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An edit of any module that computes a cached array changes its key: the per-kWp
    generation in the embedded year, and the solar position (else a stale entry is read)."""
    sources = {f for f in generation.PROFILE_SOURCES if f.endswith(".py")}
    assert sources == _computing_files(generation.__name__, embedded_weather.__module__)
    keyed: list[tuple[str, ...]] = []

    def record(kind, inputs, shape, compute, *, files, libraries) -> np.ndarray:
        keyed.append(files)
        return np.zeros(shape)

    monkeypatch.setattr(profile_cache, "cached_array", record)
    monkeypatch.setattr(sun, "_SOLAR_CACHE", {})  # leave the process's cache as it was
    solar_position(pd.date_range("1990-01-01", periods=5, freq="h", tz="UTC"), 10.0, 20.0)
    assert keyed == [tuple(sorted(_computing_files(solar_position.__module__)))]
