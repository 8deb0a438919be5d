"""Heat pumps: heat demand from the weather, an air-source COP curve, electricity.

Pure functions on ndarrays, time along axis 0, heat and electricity in kWh per interval.

- Space heating: an annual net heat demand (by dwelling type from the Dutch
  *Standaard voor woningisolatie*, or given) spread over the year in proportion to the
  heating degree hours of the site's weather, ``HDH_t = max(0, T_base - T_t) dt``.
- Domestic hot water: daily tapping volume heated from the cold-water to the tap
  temperature, the same every day, reheated in a daily window.
- COP of an air-source heat pump from the temperature lift between the outdoor air and
  the heating water (a quadratic regression on manufacturer data, with a correction to
  field performance), the heating water following a heating curve.
- Electricity = heat / COP in every interval; the year's seasonal COP is then
  ``sum heat / sum electricity``.

References
----------
Ruhnau, O., Hirth, L. and Praktiknjo, A. (2019), Time series of heat demand and heat
pump efficiency for energy system modeling, Scientific Data 6, 189 (the *when2heat*
data set): ASHP ``COP = 6.08 - 0.09 dT + 0.0005 dT^2``, correction factor 0.85 to field
performance; sink temperatures ``40 - 1.0 T_amb`` (radiators), ``30 - 0.5 T_amb``
(floor heating), 50 degC (hot water). Staffell, I. et al. (2012), A review of domestic
heat pumps, Energy Environ. Sci. 5, 9291-9306 (the regression method; valid for
``15 <= dT <= 60`` K). Minister van BZK, Kamerbrief *Standaard en streefwaarden voor
woningisolatie*, 18 March 2021: net heat demand [kWh/m2/yr] by dwelling type, building
period and compactness ``Als/Ag`` (NTA 8800). KNMI/CBS *graaddagen*: base 18 degC.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
Emitter = Literal["radiator", "floor"]
DwellingType = Literal["apartment", "single_family"]

ASHP_COP_COEFFICIENTS = (6.08, -0.09, 0.0005)
"""``COP = c0 + c1 dT + c2 dT^2`` of air-source heat pumps (Ruhnau et al. 2019)."""
COP_CORRECTION_FRAC = 0.85
"""Field performance over the manufacturer-data regression (Ruhnau et al. 2019)."""
COP_LIFT_RANGE_K = (15.0, 60.0)
"""Temperature lift over which the regression was fitted (Staffell et al. 2012)."""
SINK_CURVES_DEGC = {"radiator": (40.0, -1.0), "floor": (30.0, -0.5)}
"""Heating-water temperature ``a + b T_outdoor`` by emitter (Ruhnau et al. 2019)."""
HEATING_BASE_TEMP_DEGC = 18.0
"""Base temperature of the Dutch *graaddagen* (KNMI, CBS)."""
WATER_HEAT_CAPACITY_KWH_PER_L_K = 4.186 / 3600.0
"""Specific heat of water, 4.186 kJ/(kg K), 1 kg per litre [kWh/(L K)]."""

STANDAARD_WONINGISOLATIE = {
    # (dwelling type, built before 1945): (kWh/m2/yr at Als/Ag <= 1, slope per unit Als/Ag)
    ("single_family", True): (60.0, 105.0),
    ("single_family", False): (43.0, 40.0),
    ("apartment", True): (95.0, 70.0),
    ("apartment", False): (45.0, 45.0),
}
"""Kamerbrief BZK 18 March 2021, *Standaard voor woningisolatie*: net heat demand
``a`` for ``Als/Ag < 1`` and ``a + b (Als/Ag - 1)`` above [kWh/m2/yr]."""


def standard_heat_demand_kwh_per_m2(
    dwelling_type: DwellingType, built_before_1945: bool, compactness_als_ag: float
) -> float:
    """Net space-heat demand of the *Standaard voor woningisolatie* [kWh/m2/yr].

    Parameters
    ----------
    dwelling_type : {"apartment", "single_family"}
        Meergezinswoning or eengezinswoning.
    built_before_1945 : bool
        Building period.
    compactness_als_ag : float
        Heat-loss area over usable floor area, ``Als/Ag`` [-].

    Notes
    -----
    The level a renovated dwelling is meant to reach (the *Standaard*, not a measured
    use): e.g. an apartment built after 1945 with ``Als/Ag = 1.0`` needs 45 kWh/m2/yr.
    """
    base, slope = STANDAARD_WONINGISOLATIE[(dwelling_type, built_before_1945)]
    return base + slope * max(0.0, compactness_als_ag - 1.0)


def heating_degree_hours(temp_air_degc: ArrayLike, base_degc: float, step_h: float) -> FloatArray:
    """Heating degree hours of each interval, ``max(0, T_base - T) dt`` [K h]."""
    t = np.asarray(temp_air_degc, dtype=np.float64)
    return np.maximum(base_degc - t, 0.0) * step_h


def space_heat_kwh(
    temp_air_degc: ArrayLike, annual_kwh: float, base_degc: float, step_h: float
) -> FloatArray:
    """Space-heat demand per interval: the annual demand spread by degree hours [kWh].

    Notes
    -----
    ``Q_t = Q_yr HDH_t / sum HDH``; sums to ``annual_kwh`` exactly unless the weather
    never falls below the base temperature (then zero everywhere).
    """
    hdh = heating_degree_hours(temp_air_degc, base_degc, step_h)
    total = float(hdh.sum())
    return hdh * (annual_kwh / total) if total > 0 else np.zeros_like(hdh)


def hot_water_kwh_per_day(
    litres_per_day: float, tap_temp_degc: float, cold_water_temp_degc: float
) -> float:
    """Heat to warm a day's hot water, ``V c_p (T_tap - T_cold)`` [kWh/day]."""
    return litres_per_day * WATER_HEAT_CAPACITY_KWH_PER_L_K * (tap_temp_degc - cold_water_temp_degc)


def hot_water_kwh(
    index: pd.DatetimeIndex, kwh_per_day: float, reheat_hours: tuple[int, ...]
) -> FloatArray:
    """Hot-water heat per interval: each local day's heat spread over its reheat hours.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval starts, tz-aware (local hours decide the window; DST days keep the
        full daily amount).
    kwh_per_day : float
        Heat per day [kWh].
    reheat_hours : tuple of int
        Local hours (0-23) in which the storage tank is reheated.
    """
    hours = index.hour.to_numpy()
    in_window = np.isin(hours, np.asarray(reheat_hours, dtype=np.int64))
    day = pd.factorize(index.date)[0]
    per_day = np.bincount(day, weights=in_window.astype(np.float64))
    share = np.divide(in_window, per_day[day], out=np.zeros(len(index)), where=per_day[day] > 0)
    return share * kwh_per_day


def sink_temperature_degc(temp_air_degc: ArrayLike, emitter: Emitter) -> FloatArray:
    """Heating-water temperature from the heating curve of the emitter [degC]."""
    a, b = SINK_CURVES_DEGC[emitter]
    return a + b * np.asarray(temp_air_degc, dtype=np.float64)


def air_source_cop(
    temp_source_degc: ArrayLike,
    temp_sink_degc: ArrayLike,
    coefficients: tuple[float, float, float] = ASHP_COP_COEFFICIENTS,
    correction_frac: float = COP_CORRECTION_FRAC,
) -> FloatArray:
    """COP of an air-source heat pump from the temperature lift [-].

    Notes
    -----
    ``COP = f (c0 + c1 dT + c2 dT^2)``, ``dT = T_sink - T_source`` clipped to the
    fitted range 15-60 K (Staffell et al. 2012; Ruhnau et al. 2019), ``f`` the field
    correction (0.85).
    """
    lift = np.asarray(temp_sink_degc, dtype=np.float64) - np.asarray(
        temp_source_degc, dtype=np.float64
    )
    lift = np.clip(lift, *COP_LIFT_RANGE_K)
    c0, c1, c2 = coefficients
    return correction_frac * (c0 + c1 * lift + c2 * lift * lift)


def heat_pump_electricity_kwh(heat_kwh: ArrayLike, cop: ArrayLike) -> FloatArray:
    """Electricity a heat pump takes to deliver the heat, ``heat / COP`` [kWh]."""
    h = np.asarray(heat_kwh, dtype=np.float64)
    c = np.asarray(cop, dtype=np.float64)
    if np.any(c <= 0):
        raise ValueError("heating: expected a positive COP")
    return h / c
