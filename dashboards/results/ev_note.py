"""Why the average day has a peak when electric vehicles charge at home.

Every vehicle of a building charges in a session from its arrival to its departure
(:mod:`energysim.inputs.ev`). Uncontrolled, it takes full charger power from arrival;
following the sun, it takes its share of the building's PV surplus and full power only
when that is needed to be full at departure. With one departure time for all vehicles
and a session without sun (home in the evening, gone by eight), every vehicle then
charges at full power in the same last quarter-hours: a real peak of the model's
charging rule, not a fault of a profile. The note says so with the scenario's figures.
"""

from __future__ import annotations

from collections.abc import Sequence

from dashboards.shared import formatting as fmt
from dashboards.shared.i18n import t
from energysim.config.scenario import Scenario


def _clock(hours: float) -> str:
    """A local clock time from hours after midnight: 7.5 -> ``07:30``."""
    minutes = round(hours * 60) % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _times(value: float | Sequence[float]) -> str:
    """One clock time, or the earliest and latest of a list of them."""
    if isinstance(value, int | float):
        return _clock(float(value))
    low, high = min(value), max(value)
    return _clock(low) if low == high else f"{_clock(low)}–{_clock(high)}"


def _total_kw(charger_kw: float | Sequence[float], vehicles: int) -> float:
    if isinstance(charger_kw, int | float):
        return float(charger_kw) * vehicles
    return float(sum(charger_kw))


def note(scenario: Scenario) -> str | None:
    """The sentence under the average day that explains the charging peak, per building
    with EV charging (None without any)."""
    parts = []
    for b in scenario.buildings:
        ev = b.ev_charging
        if ev is None or ev.vehicles == 0:
            continue
        fill = {
            "building": b.id,
            "vehicles": fmt.count(ev.vehicles),
            "power": fmt.number(_total_kw(ev.charger_kw, ev.vehicles)),
            "arrival": _times(ev.arrival_h),
            "departure": _times(ev.departure_h),
        }
        parts.append(t(f"ev_note.{ev.control}", **fill))
    return " ".join(parts) if parts else None
