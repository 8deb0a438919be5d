"""The text of a run's key figures, as ``energysim run`` prints them, and the words of the
year a run is for (also in ``energysim validate``'s line)."""

from __future__ import annotations

from typing import Any


def years_words(year: int, tariff_year: int | None) -> str:
    """The year a run is for: ``year 2026``, or with another year's rules
    ``data year 2026, rules of 2027`` (``tariff_year``: the rules' year)."""
    if tariff_year is None or tariff_year == year:
        return f"year {year}"
    return f"data year {year}, rules of {tariff_year}"


def format_summary(s: dict[str, Any]) -> str:
    """Render the key figures of a run as a short table."""
    lines = [
        f"scenario {s['scenario']}  {years_words(s['year'], s.get('tariff_year'))}  "
        f"({s['regime'].replace('_', ' ')})",
        f"  capacity            {s['capacity_kwp']:>12,.1f} kWp",
        f"  generation          {s['generation_kwh']:>12,.0f} kWh"
        f"   ({s['specific_yield_kwh_per_kwp']:,.0f} kWh/kWp)",
        f"  self-consumption    {s['self_consumption_frac']:>12.1%}",
        f"  self-sufficiency    {s['self_sufficiency_frac']:>12.1%}",
        f"  local ownership     {s['local_ownership_frac']:>12.1%}",
        "",
        f"  {'role':<10}{'consumption kWh':>17}{'allocated kWh':>15}{'benefit EUR/yr':>16}",
    ]
    for role in ("common", "tenants", "members"):
        lines.append(
            f"  {role:<10}{s['consumption_kwh'][role]:>17,.0f}{s['allocated_kwh'][role]:>15,.0f}"
            f"{s['benefit_eur'][role]:>16,.0f}"
        )
    lines.append(f"  {'export':<10}{'':>17}{s['export_kwh']:>15,.0f}")
    lines += _storage_lines(s)
    for role, st in s.get("household_benefit_eur", {}).items():
        lines.append(
            f"  per {role} household: mean {st['mean_eur']:,.0f}  p10 {st['p10_eur']:,.0f}  "
            f"median {st['median_eur']:,.0f}  p90 {st['p90_eur']:,.0f} EUR/yr"
        )
    for message in s.get("messages", []):
        lines.append(f"  note: {message}")
    return "\n".join(lines)


def _storage_lines(s: dict[str, Any]) -> list[str]:
    """Batteries, heat pumps and EVs of a run, when it has them."""
    lines = []
    st = s.get("storage")
    if st:
        without = st["self_consumption_frac_without_batteries"]
        benefit = sum(st["battery_benefit_eur"].values())
        gain = st["self_consumption_gain_frac"]
        lines.append(
            f"  batteries: {st['delivered_kwh']:,.0f} kWh delivered, {st['loss_kwh']:,.0f} kWh "
            f"lost; self-consumption {without:.1%} without them ({100 * gain:+.1f} pp); "
            f"households' battery benefit {benefit:,.0f} EUR/yr"
        )
    el = s.get("electrification")
    if el and el.get("heat_pump_dwellings"):
        lines.append(
            f"  heat pumps: {el['heat_pump_dwellings']} dwellings, {el['heat_pump_kwh']:,.0f} kWh "
            f"(seasonal COP {el['seasonal_cop']:.2f})"
        )
    if el and el.get("ev_vehicles"):
        from energysim.inputs.electrification import UNSERVED_KWH_SAID  # loaded by the run

        ev = f"  EV charging: {el['ev_vehicles']} vehicles, {el['ev_kwh']:,.0f} kWh"
        if el["ev_unserved_kwh"] >= UNSERVED_KWH_SAID:
            ev += f" charged, {el['ev_unserved_kwh']:,.0f} kWh asked could not be charged"
        lines.append(ev)
    return lines

