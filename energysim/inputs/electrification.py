"""Heat pumps and EV charging of a scenario's dwellings, added to their consumption.

For every building with ``heat_pumps`` or ``ev_charging``, the first dwellings get the
electricity of an air-source heat pump (:mod:`energysim.inputs.heating`, on the site's weather)
and of a home charger (:mod:`energysim.inputs.ev`) on top of their household profile (modelled
or measured). Solar-following chargers follow the building's PV surplus after all other
consumption of the common connection and the participating dwellings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from energysim.config.buildings import Building
from energysim.config.features import EvCharging, HeatPumps
from energysim.config.scenario import Scenario, participant_ids
from energysim.core.messages import Message
from energysim.inputs import ev, heating
from energysim.inputs.context import RunContext

FloatArray = NDArray[np.float64]


@dataclass
class ElectricLoads:
    """What electrification added, per participant (annual) and per interval (total).

    Attributes
    ----------
    heat_kwh, heat_pump_kwh, ev_kwh, ev_unserved_kwh : numpy.ndarray
        ``(n_participants,)`` annual heat delivered, heat-pump electricity, EV charging
        and EV energy a session was too short for [kWh/yr].
    heat_pump_series_kwh, ev_series_kwh : numpy.ndarray
        ``(n_steps,)`` all dwellings together [kWh/interval].
    space_heat_kwh, hot_water_kwh : float
        The year's space heat and hot-water heat of all heat pumps [kWh/yr].
    buildings : dict
        Per building id: ``heat_pump_dwellings``, ``ev_vehicles``.
    messages : list of str
        What the user must know: EV energy a session could not deliver, per building.
    """

    heat_kwh: FloatArray
    heat_pump_kwh: FloatArray
    ev_kwh: FloatArray
    ev_unserved_kwh: FloatArray
    heat_pump_series_kwh: FloatArray
    ev_series_kwh: FloatArray
    space_heat_kwh: float = 0.0
    hot_water_kwh: float = 0.0
    buildings: dict[str, dict[str, int]] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    @property
    def seasonal_cop(self) -> float:
        """Heat delivered over electricity used by all heat pumps [-] (0 without)."""
        elec = float(self.heat_pump_kwh.sum())
        return float(self.heat_kwh.sum()) / elec if elec > 0 else 0.0


def has_electric_loads(scenario: Scenario) -> bool:
    """Whether any building has heat pumps or EV charging."""
    return any(b.heat_pumps is not None or b.ev_charging is not None for b in scenario.buildings)


def heat_pump_loads(
    hp: HeatPumps,
    building: Building,
    index: pd.DatetimeIndex,
    temp_air_degc: FloatArray,
) -> tuple[FloatArray, FloatArray, float, float]:
    """Heat and electricity of a building's heat pumps [kWh/interval per dwelling].

    Returns
    -------
    heat_kwh, electricity_kwh : numpy.ndarray
        ``(n_steps, n_dwellings)``.
    space_kwh, hot_water_kwh : float
        Annual space heat and hot-water heat of all of them [kWh/yr].

    Notes
    -----
    Space heat per dwelling: ``space_heat_kwh_per_yr``, else floor area times
    ``space_heat_kwh_per_m2_per_yr`` or the *Standaard voor woningisolatie*; spread by
    heating degree hours. Electricity ``= space / COP_radiator_or_floor + hot water /
    COP_hot_water`` in every interval.
    """
    n = building.dwellings if hp.dwellings is None else hp.dwellings
    step_h = float((index[1] - index[0]) / pd.Timedelta(hours=1))
    if hp.space_heat_kwh_per_yr is not None:
        annual = np.full(n, hp.space_heat_kwh_per_yr)
    else:
        per_m2 = (
            hp.space_heat_kwh_per_m2_per_yr
            if hp.space_heat_kwh_per_m2_per_yr is not None
            else heating.standard_heat_demand_kwh_per_m2(
                hp.dwelling_type, hp.built_before_1945, hp.compactness_als_ag
            )
        )
        area = (
            np.asarray(building.floor_area_m2[:n], dtype=np.float64)
            if building.floor_area_m2 is not None
            else np.full(n, hp.floor_area_m2)
        )
        annual = area * per_m2
    unit_space = heating.space_heat_kwh(temp_air_degc, 1.0, hp.heating_base_temp_degc, step_h)
    per_day = heating.hot_water_kwh_per_day(
        hp.hot_water_litres_per_day, hp.hot_water_temp_degc, hp.cold_water_temp_degc
    )
    water = heating.hot_water_kwh(index, per_day, tuple(hp.hot_water_reheat_hours))
    cop_space = heating.air_source_cop(
        temp_air_degc,
        heating.sink_temperature_degc(temp_air_degc, hp.emitter),
        correction_frac=hp.cop_correction_frac,
    )
    cop_water = heating.air_source_cop(
        temp_air_degc, hp.hot_water_temp_degc, correction_frac=hp.cop_correction_frac
    )
    space = unit_space[:, None] * annual[None, :]
    heat = space + water[:, None]
    electricity = (
        heating.heat_pump_electricity_kwh(space, cop_space[:, None])
        + heating.heat_pump_electricity_kwh(water, cop_water)[:, None]
    )
    return heat, electricity, float(space.sum()), float(water.sum()) * n


def ev_loads(
    spec: EvCharging, index: pd.DatetimeIndex, surplus_kwh: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Charging of a building's vehicles [kWh/interval per vehicle] and unserved kWh/yr."""
    n = spec.vehicles

    def per_vehicle(value: float | list[float]) -> FloatArray:
        return np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)).copy()

    return ev.charge_kwh(
        index,
        per_vehicle(spec.arrival_h),
        per_vehicle(spec.departure_h),
        per_vehicle(spec.kwh_per_day),
        per_vehicle(spec.charger_kw),
        spec.control,
        surplus_kwh if spec.control == "solar_following" else None,
    )


def with_electric_loads(
    context: RunContext,
    consumption_kwh: FloatArray,
    generation_kwh: pd.DataFrame,
    temp_air_degc: Callable[[], FloatArray],
) -> tuple[FloatArray, ElectricLoads]:
    """The consumption with heat-pump and EV electricity added to the dwellings', and
    what was added.

    Parameters
    ----------
    context : RunContext
    consumption_kwh : numpy.ndarray
        ``(n_steps, n_participants)`` in participant order (not changed).
    generation_kwh : pandas.DataFrame
        Generation per array (for solar-following chargers).
    temp_air_degc : callable
        Returns the outdoor temperature on the simulation axis (read only when needed).

    Returns
    -------
    numpy.ndarray, ElectricLoads
        A new array of ``consumption_kwh``'s shape and precision [kWh/interval].
    """
    scenario, index, column = context.scenario, context.index, context.column
    consumption_kwh = consumption_kwh.copy()
    n_steps, n_part = consumption_kwh.shape
    out = ElectricLoads(
        heat_kwh=np.zeros(n_part),
        heat_pump_kwh=np.zeros(n_part),
        ev_kwh=np.zeros(n_part),
        ev_unserved_kwh=np.zeros(n_part),
        heat_pump_series_kwh=np.zeros(n_steps),
        ev_series_kwh=np.zeros(n_steps),
    )
    temp: FloatArray | None = None
    for b in scenario.buildings:
        ids = participant_ids(b)
        counts = {"heat_pump_dwellings": 0, "ev_vehicles": 0}
        if b.heat_pumps is not None:
            temp = temp_air_degc() if temp is None else temp
            heat, elec, space, water = heat_pump_loads(b.heat_pumps, b, index, temp)
            cols = [column[p] for p in ids["tenants"][: heat.shape[1]]]
            consumption_kwh[:, cols] += elec
            out.heat_kwh[cols] = heat.sum(axis=0)
            out.heat_pump_kwh[cols] = elec.sum(axis=0)
            out.heat_pump_series_kwh += elec.sum(axis=1)
            out.space_heat_kwh += space
            out.hot_water_kwh += water
            counts["heat_pump_dwellings"] = len(cols)
        if b.ev_charging is not None and b.ev_charging.vehicles > 0:
            surplus = np.zeros(n_steps)
            if b.ev_charging.control == "solar_following":
                surplus = _pv_surplus_kwh(b, ids, column, consumption_kwh, generation_kwh)
            charge, unserved = ev_loads(b.ev_charging, index, surplus)
            cols = [column[p] for p in ids["tenants"][: charge.shape[1]]]
            consumption_kwh[:, cols] += charge
            out.ev_kwh[cols] = charge.sum(axis=0)
            out.ev_unserved_kwh[cols] = unserved
            out.ev_series_kwh += charge.sum(axis=1)
            counts["ev_vehicles"] = len(cols)
            out.messages += _unserved_messages(b.id, charge, unserved)
        out.buildings[b.id] = counts
    return consumption_kwh, out


UNSERVED_KWH_SAID = 0.5
"""EV energy not charged in a year is said from this much [kWh/yr]: what rounds to 1 kWh
in the messages (a session cut at the end of the year may leave a residue)."""


def _unserved_messages(
    building_id: str, charge_kwh: FloatArray, unserved_kwh: FloatArray
) -> list[str]:
    """The sentence for a building's EV energy that could not be charged, if any."""
    missing = float(unserved_kwh.sum())
    if missing < UNSERVED_KWH_SAID:
        return []
    asked = float(charge_kwh.sum()) + missing
    short = int((unserved_kwh >= UNSERVED_KWH_SAID).sum())
    return [
        Message(
            f"{building_id}: EV charging could not deliver {missing:,.0f} of the {asked:,.0f} "
            f"kWh/yr asked ({short} of {len(unserved_kwh)} vehicles): a session from "
            "arrival_h to departure_h at charger_kw is too short for kwh_per_day; the run "
            "counts only the kWh charged",
            "ev_unserved",
            building=building_id,
            missing_kwh=missing,
            asked_kwh=asked,
            count=short,
            vehicles=len(unserved_kwh),
        )
    ]


def _pv_surplus_kwh(
    b: Building,
    ids: dict[str, list[str]],
    column: Mapping[str, int],
    consumption_kwh: FloatArray,
    generation_kwh: pd.DataFrame,
) -> FloatArray:
    """The building's generation minus the common and participating dwellings' use [kWh]."""
    gen = generation_kwh[[a.id for a in b.arrays]].to_numpy().sum(axis=1)
    users = ids["common"] + ids["tenants"][: b.tenants.participating]
    use = consumption_kwh[:, [column[p] for p in users]].sum(axis=1, dtype=np.float64)
    return np.maximum(gen - use, 0.0)
