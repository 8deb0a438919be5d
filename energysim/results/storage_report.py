"""What a run with batteries or electrification adds to its outputs.

Every function leaves the outputs as they were when the run has neither (so results
without the new scenario fields are byte-identical): ``summary.json`` gains a
``storage`` block (totals, and one record per battery) and an ``electrification``
block; ``participants.csv`` the columns ``battery_kwh``, ``home_battery_kwh``,
``heat_kwh``, ``heat_pump_kwh``, ``ev_kwh`` where they apply (``battery_benefit_eur``
comes with the money); ``timeseries.parquet`` the batteries' flows and SoC and the new
loads per interval.

Energy balance of a timeseries row with batteries::

    generation + battery_discharge = allocated + export + battery_charge
    battery_charge - battery_discharge = (soc_t - soc_{t-1}) + battery_loss
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from energysim.results.result import Result
    from energysim.sharing.storage import BatteryRun


def _battery_record(run: BatteryRun) -> dict[str, Any]:
    """One battery (or group of identical home batteries) as a JSON-ready dict."""
    flows = run.flows
    f = run.figures
    return {
        "building_id": run.building_id,
        "kind": run.kind,
        "count": run.count,
        "capacity_kwh": run.nominal_capacity_kwh,
        "simulated_capacity_kwh": run.spec.capacity_kwh * run.count,
        "charge_power_kw": run.spec.charge_power_kw * run.count,
        "discharge_power_kw": run.spec.discharge_power_kw * run.count,
        "round_trip_efficiency_frac": f.round_trip_efficiency_frac,
        "dispatch": run.dispatch_label,
        "charge_kwh": float(flows.charge_kwh.sum()),
        "discharge_kwh": float(flows.discharge_kwh.sum()),
        "loss_kwh": float(flows.loss_kwh.sum()),
        "delivered_kwh": float(run.received_kwh.sum()),
        "exported_kwh": float(run.exported_kwh.sum()),
        "equivalent_full_cycles_per_yr": run.cycles_per_yr,
        "life_yr": run.life.life_yr if np.isfinite(run.life.life_yr) else None,
        "mean_state_of_health_frac": run.life.mean_soh_frac,
        "replacement_years": list(run.life.replacement_years),
        "capex_eur": f.capex_eur_per_kwh * run.nominal_capacity_kwh,
        "opex_eur_per_yr": f.opex_eur_per_kwh_per_yr * run.nominal_capacity_kwh,
        "discharge_counts_as_shared": getattr(f, "discharge_counts_as_shared", None),
        "discharge_energy_tax_paid_by": getattr(f, "discharge_energy_tax_paid_by", None),
    }


def summary_block(result: Result) -> dict[str, Any]:
    """The ``storage`` and ``electrification`` keys of ``summary.json`` ({} without)."""
    stored = result.storage
    if stored is None:
        return {}
    out: dict[str, Any] = {}
    if stored.batteries:
        gen = float(result.generation_kwh.to_numpy().sum())
        roles = result.participants["role"].to_numpy()
        participating = result.participants["participating"].to_numpy(dtype=bool)
        received = result.annual["allocated_kwh"].to_numpy()
        consumption = result.annual["consumption_kwh"].to_numpy()
        n = len(roles)
        from_batteries = stored.per_participant(n, "shared", "received_kwh") + (
            stored.per_participant(n, "home", "received_kwh")
        )
        in_scheme = participating | (roles == "member")
        demand = float(consumption[in_scheme].sum())
        with_b, without_b = float(received.sum()), float((received - from_batteries).sum())
        money = result.money
        gain = money["battery_benefit_eur"].to_numpy()
        out["storage"] = {
            "charge_kwh": sum(float(r.flows.charge_kwh.sum()) for r in stored.batteries),
            "discharge_kwh": sum(float(r.flows.discharge_kwh.sum()) for r in stored.batteries),
            "loss_kwh": sum(float(r.flows.loss_kwh.sum()) for r in stored.batteries),
            "delivered_kwh": float(from_batteries.sum()),
            "self_consumption_frac_without_batteries": without_b / gen if gen > 0 else 0.0,
            "self_consumption_gain_frac": (with_b - without_b) / gen if gen > 0 else 0.0,
            "self_sufficiency_frac_without_batteries": without_b / demand if demand > 0 else 0.0,
            "battery_benefit_eur": {
                "tenants": float(gain[roles == "tenant"].sum()),
                "members": float(gain[roles == "member"].sum()),
            },
            "capex_eur": result.accounts.scheme["battery_capex_eur"],
            "opex_eur_per_yr": result.accounts.scheme["battery_opex_eur"],
            "energy_tax_owners_eur": result.accounts.scheme["battery_energy_tax_eur"],
            "energy_tax_households_eur": result.accounts.scheme[
                "battery_energy_tax_households_eur"
            ],
            "batteries": [_battery_record(r) for r in stored.batteries],
        }
    loads = stored.loads
    if loads is not None:
        heat_pump_kwh = float(loads.heat_pump_kwh.sum())
        out["electrification"] = {
            "heat_pump_dwellings": sum(v["heat_pump_dwellings"] for v in loads.buildings.values()),
            "space_heat_kwh": loads.space_heat_kwh,
            "hot_water_heat_kwh": loads.hot_water_kwh,
            "heat_pump_kwh": heat_pump_kwh,
            "seasonal_cop": loads.seasonal_cop,
            "ev_vehicles": sum(v["ev_vehicles"] for v in loads.buildings.values()),
            "ev_kwh": float(loads.ev_kwh.sum()),
            "ev_unserved_kwh": float(loads.ev_unserved_kwh.sum()),
        }
    return out


def add_participant_columns(table: pd.DataFrame, result: Result) -> None:
    """Add the battery and electrification columns that apply to ``participants.csv``."""
    stored = result.storage
    if stored is None:
        return
    n = len(table)
    kinds = {r.kind for r in stored.batteries}
    if "shared" in kinds:
        table["battery_kwh"] = stored.per_participant(n, "shared", "received_kwh")
    if "home" in kinds:
        table["home_battery_kwh"] = stored.per_participant(n, "home", "received_kwh")
    loads = stored.loads
    if loads is not None:
        table["heat_kwh"] = loads.heat_kwh
        table["heat_pump_kwh"] = loads.heat_pump_kwh
        table["ev_kwh"] = loads.ev_kwh


def add_timeseries_columns(table: pd.DataFrame, result: Result) -> None:
    """Add the batteries' flows and SoC and the new loads to ``timeseries.parquet``."""
    stored = result.storage
    if stored is None:
        return
    n_steps = len(table)
    for kind, prefix in (("shared", "battery"), ("home", "home_battery")):
        runs = [r for r in stored.batteries if r.kind == kind]
        if not runs:
            continue
        for name in ("charge", "discharge", "loss", "soc"):
            total = np.zeros(n_steps)
            for r in runs:
                values = getattr(r.flows, f"{name}_kwh")
                total += values if values.ndim == 1 else values.sum(axis=1)
            table[f"{prefix}_{name}_kwh"] = total
        if kind == "shared":
            table["battery_export_kwh"] = np.sum([r.exported_kwh for r in runs], axis=0)
    if stored.loads is not None:
        table["heat_pump_kwh"] = stored.loads.heat_pump_series_kwh
        table["ev_kwh"] = stored.loads.ev_series_kwh
