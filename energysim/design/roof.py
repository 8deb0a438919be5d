"""A roof and a connection that exist: the largest size the roof carries, and the
connection a size needs.

**The roof.** A building's arrays take ``Building.arrays_roof_m2`` of its roof (each
array's ``area_m2``, or its kWp over its ``packing_kwp_per_m2``: kWp per m2 of roof,
rows and spacing included). Scaling every array by ``f`` scales that area by ``f``, so a
building whose usable roof is ``roof_area_m2 x roof_usable_frac`` carries at most
``usable / arrays_roof_m2`` times the scenario's size; the design tries no size above the
smallest such factor over the buildings. A building without ``roof_area_m2`` caps it at
1 (the scenario's own size, which the user chose for the roof), and the design says so
and asks for the figure.

**The connection.** A small connection is at most 3x80 A (55.2 kVA; Elektriciteitswet
1998 art. 95a, :data:`energysim.money.accounts.SMALL_CONNECTION_MAX_KVA`). A size whose
inverters on a small common connection exceed that is evaluated as a large connection:
``connection = "large"``, contracted for at least its inverters' power (the grid
operator's large-connection tariffs of the money layer then apply) and the one-off
upgrade (``connection_upgrade_eur``, the estimate
:data:`energysim.config.buildings.CONNECTION_UPGRADE_ESTIMATE_EUR` when the scenario
gives none) in the owners' capex, so the size curve weighs both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from energysim.config.buildings import CONNECTION_UPGRADE_ESTIMATE_EUR, Building
from energysim.config.scenario import Scenario
from energysim.core.messages import Message
from energysim.money.accounts import SMALL_CONNECTION_MAX_KVA


@dataclass(frozen=True)
class RoofRoom:
    """How far the scenario's arrays can grow on the roofs it states.

    Attributes
    ----------
    max_factor : float
        The largest size relative to the scenario's that every building's usable roof
        carries [-]; 1 when a building does not state its roof (the scenario's own size).
    rows : list of dict
        Per building: ``building``, ``arrays_roof_m2``, ``roof_area_m2``,
        ``roof_usable_frac``, ``usable_roof_m2``, ``max_factor`` (None without a roof area).
    notes : list of Message
        A building without a roof area (the design asks for it); a roof already fuller
        than its usable area.
    """

    max_factor: float
    rows: list[dict[str, float | str | None]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _ac_kw(building: Building) -> float:
    """The inverters' AC power on the building's common connection [kW]."""
    return float(
        sum(a.dc_capacity_kwp / a.dc_ac_ratio for a in building.arrays if a.setup == "common")
    )


def roof_room(scenario: Scenario) -> RoofRoom:
    """The largest size factor the stated roofs carry, per building and overall.

    Notes
    -----
    ``max_factor = min_b usable_b / used_b`` with ``usable_b = roof_area_m2 x
    roof_usable_frac`` and ``used_b`` the roof area the building's arrays take now; a
    building without ``roof_area_m2`` contributes 1.
    """
    rows: list[dict[str, float | str | None]] = []
    notes: list[str] = []
    factors: list[float] = []
    for b in scenario.buildings:
        used = b.arrays_roof_m2
        usable = b.usable_roof_m2
        factor = usable / used if usable is not None and used > 0 else None
        rows.append(
            {
                "building": b.id,
                "arrays_roof_m2": used,
                "roof_area_m2": b.roof_area_m2,
                "roof_usable_frac": b.roof_usable_frac,
                "usable_roof_m2": usable,
                "max_factor": factor,
            }
        )
        if usable is None:
            factors.append(1.0)
            notes.append(
                Message(
                    f"{b.id}: the scenario does not give the roof's area (buildings.roof_area_m2), "
                    f"so the design proposes no size above today's {b.capacity_kwp:,.1f} kWp "
                    f"({used:,.0f} m2 of roof); give the roof's area to let it look further",
                    "design_roof_area_missing",
                    building=b.id,
                    capacity_kwp=b.capacity_kwp,
                    arrays_m2=used,
                )
            )
            continue
        assert factor is not None
        factors.append(factor)
        if factor < 1.0 - 1e-9:
            notes.append(
                Message(
                    f"{b.id}: today's arrays take {used:,.0f} m2 of roof, more than the "
                    f"{usable:,.0f} m2 that can carry them ({b.roof_usable_frac:.0%} of "
                    f"{b.roof_area_m2:,.0f} m2); the design proposes at most "
                    f"{factor:.2f}x today's size",
                    "design_roof_full",
                    building=b.id,
                    arrays_m2=used,
                    usable_m2=usable,
                    usable_frac=b.roof_usable_frac,
                    roof_m2=b.roof_area_m2,
                    factor=factor,
                )
            )
    return RoofRoom(min(factors), rows, notes)


def fit_connection(scenario: Scenario) -> tuple[Scenario, list[str]]:
    """The scenario with every small common connection that its inverters outgrow made large.

    Such a connection becomes ``large``, contracted for at least its inverters' power
    (rounded up to a whole kW), with the one-off upgrade in the owners' capex: the
    scenario's ``connection_upgrade_eur``, else the estimate
    :data:`~energysim.config.buildings.CONNECTION_UPGRADE_ESTIMATE_EUR` (which every run
    then lists among its assumptions).

    Returns
    -------
    Scenario, list of Message
        The scenario (the same object when nothing changes) and one message per
        connection made large.
    """
    buildings = []
    notes: list[str] = []
    for b in scenario.buildings:
        ac_kw = _ac_kw(b)
        if b.common.connection != "small" or ac_kw <= SMALL_CONNECTION_MAX_KVA:
            buildings.append(b)
            continue
        contracted = max(b.common.contracted_capacity_kw, float(math.ceil(ac_kw)))
        upgrade = b.common.connection_upgrade_eur
        upgrade = CONNECTION_UPGRADE_ESTIMATE_EUR if upgrade is None else upgrade
        common = b.common.model_copy(
            update={
                "connection": "large",
                "contracted_capacity_kw": contracted,
                "connection_upgrade_eur": upgrade,
            }
        )
        buildings.append(b.model_copy(update={"common": common}))
        notes.append(
            Message(
                f"{b.id}: {ac_kw:.1f} kW of inverters exceed a small connection (3x80 A = "
                f"{SMALL_CONNECTION_MAX_KVA:.1f} kVA): evaluated as a large connection, "
                f"contracted for {contracted:g} kW (the grid operator's large-connection "
                f"tariffs), with a one-off upgrade of EUR {upgrade:,.0f} in the owners' capex"
                + (" (an estimate)" if upgrade == CONNECTION_UPGRADE_ESTIMATE_EUR else ""),
                "design_connection_large",
                building=b.id,
                inverter_kw=ac_kw,
                max_kva=SMALL_CONNECTION_MAX_KVA,
                contracted_kw=contracted,
                upgrade_eur=upgrade,
            )
        )
    if not notes:
        return scenario, []
    return scenario.model_copy(update={"buildings": buildings}), notes
