"""Possible but unusual values of a scenario, as warnings for the user.

A household using 40,000 kWh a year, 8 kWp per dwelling of a block of flats, a car
charging more a day than it can drive: possible, but more likely a typing error.
:func:`plausibility_warnings` checks a validated scenario before a run and returns
sentences for the user, which the CLI prints and ``summary.json`` lists under
``messages``; each is a :class:`energysim.core.messages.Message`, so the dashboard can
say it in Dutch. The usual ranges and their reasons are rows of
:data:`energysim.config.limits.LIMITS` (the values no real roof or dwelling can reach are
errors there, not warnings here); a finished run's warnings are
:func:`energysim.results.warnings.result_warnings`.

The module is small pure functions; it reads no files and knows no screens, so the
dashboard can show the same warnings as the command line.
"""

from __future__ import annotations

import math

from energysim.config.buildings import Building, ConsumptionSpec
from energysim.config.features import EvCharging
from energysim.config.limits import (
    COMMON_KWH_PER_DWELLING_USUAL,
    KWP_PER_DWELLING_USUAL,
    usual_of,
)
from energysim.config.scenario import Scenario
from energysim.config.scheme_rules import SCE_KWP_PER_MEMBER_MAX, SCE_LARGE_CONNECTION_KWP_MAX
from energysim.core.errors import expect_type
from energysim.core.messages import Message

__all__ = ["plausibility_warnings"]


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.2f}"


def _consumption_warnings(
    where: str, building: str, group: str, spec: ConsumptionSpec
) -> list[str]:
    """Households' annual consumption outside the usual range of their field's row."""
    field = f"buildings[].{group}.annual_kwh" + ("[]" if isinstance(spec, list) else ".mean_kwh")
    low, high, _ = usual_of(field)
    usual = f"usual is {low:,.0f}-{high:,.0f} kWh/yr per household"
    if isinstance(spec, list):
        odd = [v for v in spec if not low <= v <= high]
        if odd:
            return [
                Message(
                    f"{where}.annual_kwh: {len(odd)} household(s) outside what is usual "
                    f"({usual}), e.g. {_fmt(odd[0])} kWh/yr",
                    "consumption_households_unusual",
                    building=building,
                    group=group,
                    count=len(odd),
                    low=low,
                    high=high,
                    example_kwh=float(odd[0]),
                )
            ]
        return []
    mean = float(spec.mean_kwh)
    if not low <= mean <= high:
        return [
            Message(
                f"{where}.annual_kwh.mean_kwh: {_fmt(mean)} kWh/yr is unusual ({usual})",
                "consumption_mean_unusual",
                building=building,
                group=group,
                mean_kwh=mean,
                low=low,
                high=high,
            )
        ]
    return []


def _expect_scenario(scenario: object, caller: str) -> None:
    """Raise a :class:`TypeError` unless ``scenario`` is a :class:`Scenario`."""
    what = "a Scenario (from energysim.load_scenario or scenario_from_dict)"
    expect_type(scenario, Scenario, caller, what)


def _per_vehicle(value: float | list[float], n: int) -> list[float]:
    return list(value) if isinstance(value, list) else [float(value)] * n


def _ev_warnings(where: str, building: str, spec: EvCharging) -> list[str]:
    """A daily energy above the usual (``kwh_per_day``'s row of the limits), or above what
    the charger delivers while the vehicle is plugged in (the rest is not charged)."""
    usual_max = usual_of("buildings[].ev_charging.kwh_per_day").high
    n = spec.vehicles
    energy = _per_vehicle(spec.kwh_per_day, n)
    power = _per_vehicle(spec.charger_kw, n)
    arrive = _per_vehicle(spec.arrival_h, n)
    leave = _per_vehicle(spec.departure_h, n)
    out: list[str] = []
    odd = [e for e in energy if e > usual_max]
    if odd:
        out.append(
            Message(
                f"{where}.ev_charging.kwh_per_day: {len(odd)} vehicle(s) above "
                f"{usual_max:g} kWh per day, e.g. {_fmt(odd[0])} kWh: more than "
                "a car charged at home uses (a Dutch car drives about 13,000 km/yr, 6-8 "
                f"kWh/day; {usual_max:g} kWh/day is about 80,000 km/yr); is it "
                "the battery's capacity?",
                "ev_kwh_per_day_high",
                building=building,
                count=len(odd),
                usual_max=usual_max,
                example_kwh=float(odd[0]),
            )
        )
    # plugged in from arrival to departure, the next day's when it is not later (ev.py)
    hours = [d - a if d > a else d + 24.0 - a for a, d in zip(arrive, leave, strict=True)]
    short = [(e, p, h) for e, p, h in zip(energy, power, hours, strict=True) if e > p * h + 1e-9]
    if short:
        e, p, h = short[0]
        out.append(
            Message(
                f"{where}.ev_charging.kwh_per_day: {len(short)} vehicle(s) need more than the "
                f"charger gives while plugged in, e.g. {_fmt(e)} kWh/day at {p:g} kW for "
                f"{h:g} h ({p * h:,.4g} kWh); the rest is not charged",
                "ev_charger_short",
                building=building,
                count=len(short),
                example_kwh=float(e),
                charger_kw=float(p),
                plugged_h=float(h),
                max_kwh=float(p * h),
            )
        )
    return out


def plausibility_warnings(scenario: Scenario) -> list[str]:
    """Possible but unusual values of a scenario, as sentences for the user.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (limits already checked).

    Returns
    -------
    list of Message
        One sentence per unusual value, naming the field, the value and what is usual
        (with its code and figures); empty when nothing stands out.

    Notes
    -----
    The usual ranges are those of the fields' rows in
    :data:`energysim.config.limits.LIMITS` (household consumption, kWp per m2,
    dwellings and members per building, floor area per dwelling, an EV's daily energy)
    and of two figures per dwelling (:data:`~energysim.config.limits.KWP_PER_DWELLING_USUAL`,
    :data:`~energysim.config.limits.COMMON_KWH_PER_DWELLING_USUAL`); besides, the SCE's
    member and capacity rules (:mod:`energysim.config.scheme_rules`, domain.md section 4)
    and what an EV's charger delivers while plugged in.

    Raises
    ------
    TypeError
        When ``scenario`` is not a Scenario.
    """
    _expect_scenario(scenario, "plausibility_warnings")
    out: list[str] = []
    for i, b in enumerate(scenario.buildings):
        where = f"buildings[{i}] ({b.id})"
        kwp_per_dwelling = b.capacity_kwp / b.dwellings
        if kwp_per_dwelling > KWP_PER_DWELLING_USUAL.high:
            out.append(
                Message(
                    f"{where}: {_fmt(kwp_per_dwelling)} kWp per dwelling is more than roofs "
                    f"usually hold ({KWP_PER_DWELLING_USUAL.reason}); check capacity_kwp "
                    "or area_m2 and dwellings",
                    "kwp_per_dwelling_high",
                    building=b.id,
                    kwp_per_dwelling=kwp_per_dwelling,
                    usual_max=KWP_PER_DWELLING_USUAL.high,
                )
            )
        packing = usual_of("buildings[].arrays[].packing_kwp_per_m2")
        for j, a in enumerate(b.arrays):
            if a.area_m2 is not None and not packing.low <= a.packing_kwp_per_m2 <= packing.high:
                out.append(
                    Message(
                        f"{where}.arrays[{j}].packing_kwp_per_m2: {a.packing_kwp_per_m2:g} "
                        f"kWp/m2 is unusual ({packing.reason})",
                        "packing_unusual",
                        building=b.id,
                        array=a.id,
                        packing_kwp_per_m2=a.packing_kwp_per_m2,
                    )
                )
        out += _consumption_warnings(f"{where}.tenants", b.id, "tenants", b.tenants.annual_kwh)
        if b.members.count:
            out += _consumption_warnings(f"{where}.members", b.id, "members", b.members.annual_kwh)
        out += _building_size_warnings(where, b)
        if scenario.allocation.members.mode == "sce" and b.members.count:
            out += _sce_warnings(where, b)
        if b.ev_charging is not None and b.ev_charging.vehicles:
            out += _ev_warnings(where, b.id, b.ev_charging)
    return out


def _building_size_warnings(where: str, b: Building) -> list[str]:
    """Common installations per dwelling, dwellings, members and floor areas."""
    out: list[str] = []
    common_per_dwelling = b.common.total_kwh_per_yr / b.dwellings
    if common_per_dwelling > COMMON_KWH_PER_DWELLING_USUAL.high:
        out.append(
            Message(
                f"{where}.common: {_fmt(common_per_dwelling)} kWh/yr per dwelling is unusual "
                f"for common installations ({COMMON_KWH_PER_DWELLING_USUAL.reason})",
                "common_per_dwelling_high",
                building=b.id,
                kwh_per_dwelling=common_per_dwelling,
            )
        )
    dwellings = usual_of("buildings[].dwellings")
    if b.dwellings > dwellings.high:
        out.append(
            Message(
                f"{where}.dwellings: {b.dwellings:,} dwellings in one building is unusual "
                f"({dwellings.reason})",
                "dwellings_many",
                building=b.id,
                dwellings=b.dwellings,
            )
        )
    members = usual_of("buildings[].members.count")
    if b.members.count > members.high:
        out.append(
            Message(
                f"{where}.members.count: {b.members.count:,} members for one roof is unusual "
                f"({members.reason})",
                "members_many",
                building=b.id,
                members=b.members.count,
            )
        )
    if b.floor_area_m2:
        low, high, _ = usual_of("buildings[].floor_area_m2[]")
        odd = [v for v in b.floor_area_m2 if not low <= v <= high]
        if odd:
            out.append(
                Message(
                    f"{where}.floor_area_m2: {len(odd)} dwelling(s) outside "
                    f"{low:g}-{high:g} m2, e.g. {_fmt(odd[0])} m2",
                    "floor_area_unusual",
                    building=b.id,
                    count=len(odd),
                    low=low,
                    high=high,
                    example_m2=float(odd[0]),
                )
            )
    return out


def _sce_warnings(where: str, b: Building) -> list[str]:
    """The SCE's member and capacity rules (domain.md section 4)."""
    out: list[str] = []
    needed = math.ceil(b.capacity_kwp / SCE_KWP_PER_MEMBER_MAX)
    if b.members.count < needed:
        out.append(
            Message(
                f"{where}: the SCE asks at least one member per 5 kWp: {needed} for "
                f"{_fmt(b.capacity_kwp)} kWp, found {b.members.count}",
                "sce_members_few",
                building=b.id,
                needed=needed,
                capacity_kwp=b.capacity_kwp,
                members=b.members.count,
            )
        )
    if b.capacity_kwp > SCE_LARGE_CONNECTION_KWP_MAX:
        out.append(
            Message(
                f"{where}: {_fmt(b.capacity_kwp)} kWp is above the SCE's 500 kWp "
                "(large connection)",
                "sce_capacity_high",
                building=b.id,
                capacity_kwp=b.capacity_kwp,
            )
        )
    return out
