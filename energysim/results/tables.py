"""The tables made from a run's :class:`~energysim.results.result.Result`.

What ``energysim run`` writes and the dashboard shows: the key figures
(:func:`summary`, ``summary.json``), one row per participant
(:func:`participants_table`, ``participants.csv``), the interval series per role
(:func:`timeseries_table`, ``timeseries.parquet``), one participant's months
(:func:`participant_audit`, ``energysim explain``) and register rows of the rooftops
(:func:`installation_register_rows`, ``energysim ownership --add``) and the scheme
against the Huurcommissie's service-cost rules (:func:`service_costs_table`,
``service_costs.csv``). Each reads the
result and computes nothing a run did not already decide.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from energysim.core.errors import ScenarioError
from energysim.inputs.participants import ROLE_NAMES
from energysim.money.accounts import distribution
from energysim.money.readings import metered_offtake_kwh
from energysim.money.service_costs import compliance_table
from energysim.money.table_columns import float_columns
from energysim.ownership import rules as ownership
from energysim.results import storage_report
from energysim.results.result import Result, expect_result
from energysim.sharing.blocks import group_sums, take_kwh


def summary(result: Result) -> dict[str, Any]:
    """The key figures of a run, as written to ``summary.json``."""
    expect_result(result, "summary")
    p = result.participants
    energy = float_columns(result.annual, ("allocated_kwh", "consumption_kwh"))
    annual_recv, cons = energy["allocated_kwh"], energy["consumption_kwh"]
    money = result.money
    gen_total = float(result.generation_kwh.to_numpy().sum())
    export_total = float(result.export_kwh.to_numpy().sum())
    sce_total = float(result.sce_kwh.to_numpy().sum())
    in_scheme = p["participating"]

    roles = p["role"].to_numpy()

    def by_role(v: np.ndarray, mask: pd.Series | None = None) -> dict[str, float]:
        keep = np.ones(len(v), dtype=bool) if mask is None else mask.to_numpy(dtype=bool)
        return {key: float(v[keep & (roles == name)].sum()) for key, name in ROLE_NAMES.items()}

    allocated = by_role(annual_recv)
    allocated_total = sum(allocated.values())
    consumption = by_role(cons, in_scheme)
    household = roles != "common"
    amounts = float_columns(money, ("benefit_eur", "service_cost_saving_eur"))
    gain, service = amounts["benefit_eur"], amounts["service_cost_saving_eur"]
    benefit = {
        "common": float(service[household].sum()),
        "tenants": float((gain - service)[roles == "tenant"].sum()),
        "members": float(gain[roles == "member"].sum()),
    }
    stats = distribution(money, p, cons)
    scenario = result.scenario
    policy = scenario.ownership_policy
    local = ownership.local_types(
        rule=policy.rule, housing_corporation_local=policy.housing_corporation_local
    )
    owners = [(o.owner_type, o.share_frac) for o in scenario.ownership]
    capacity = scenario.capacity_kwp
    return {
        "scenario": scenario.name,
        "year": scenario.year,
        "tariff_year": scenario.rules_year,
        "time_step_min": scenario.time_step_min,
        "regime": "net_metering" if result.tariffs.net_metering else "no_net_metering",
        "capacity_kwp": capacity,
        "generation_kwh": gen_total,
        "export_kwh": export_total,
        "sce_kwh": sce_total,
        "allocated_kwh": allocated,
        "consumption_kwh": consumption,
        "self_consumption_frac": allocated_total / gen_total if gen_total > 0 else 0.0,
        "self_sufficiency_frac": allocated_total / sum(consumption.values())
        if sum(consumption.values()) > 0
        else 0.0,
        "specific_yield_kwh_per_kwp": gen_total / capacity if capacity > 0 else 0.0,
        "import_price_eur_per_kwh": result.tariffs.import_price_eur_per_kwh,
        "benefit_eur": benefit,
        "household_benefit_total_eur": float(gain[household].sum()),
        "household_benefit_eur": stats,
        "owners_revenue_eur": result.accounts.scheme["owners_revenue_eur"],
        "scheme_eur": result.accounts.scheme,
        "stakeholders": result.accounts.owners.records(),
        "local_ownership_frac": ownership.local_share_frac(owners, local),
        "local_ownership_rule": {
            "rule": policy.rule,
            "housing_corporation_local": policy.housing_corporation_local,
        },
        "messages": list(result.messages),
        "assumptions": list(result.accounts.assumptions),
        **storage_report.summary_block(result),
    }


def installation_register_rows(result: Result, municipality: str | None = None) -> pd.DataFrame:
    """Register rows (one per owner) for each building's rooftop installation.

    Installation ids are ``<scenario>/<building>``; capacity and production come from
    the run, the owners from the scenario's ownership split.

    Raises
    ------
    ScenarioError
        When no municipality is given and the scenario's site names none.
    """
    expect_result(result, "installation_register_rows")
    place = municipality or result.scenario.site.municipality
    if place is None:
        raise ScenarioError(
            f"scenario '{result.scenario.name}': field 'site.municipality': needed to add it "
            "to a register (or pass --municipality)"
        )
    owners = [(o.owner, o.owner_type, o.share_frac) for o in result.scenario.ownership]
    frames = [
        ownership.installation_rows(
            f"{result.scenario.name}/{b}",
            place,
            "solar",
            row.capacity_kwp,
            row.generation_kwh,
            owners,
        )
        for b, row in result.buildings.iterrows()
    ]
    return pd.concat(frames, ignore_index=True)


def service_costs_table(result: Result) -> pd.DataFrame:
    """The scheme against the Huurcommissie's service-cost rules, one row per building
    and rule (:func:`energysim.money.service_costs.compliance_table`)."""
    expect_result(result, "service_costs_table")
    return compliance_table(result.scenario, result.money, result.participants)


def participants_table(result: Result) -> pd.DataFrame:
    """One row per participant with annual energy and money, as in ``participants.csv``."""
    expect_result(result, "participants_table")
    p = result.participants
    out = pd.DataFrame(index=p.index)
    out["building_id"] = p["building_id"]
    out["role"] = p["role"]
    out["participating"] = p["participating"]
    out["archetype"] = p["archetype"]
    out["sharing_eligible"] = p["sharing_eligible"]
    # the annual sums the money was computed from (energysim.sharing.flows.annual_energy)
    annual = result.annual
    out["consumption_kwh"] = annual["consumption_kwh"]
    out["own_string_kwh"] = annual["own_string_kwh"]
    out["shared_kwh"] = annual["shared_kwh"]
    out["allocated_kwh"] = out.own_string_kwh + out.shared_kwh
    out["grid_import_kwh"] = (out.consumption_kwh - out.allocated_kwh).clip(lower=0.0)
    # what the meter records (shared kWh come over the grid): the base of the energy tax
    out["metered_offtake_kwh"] = metered_offtake_kwh(annual, p["role"])
    out["own_export_kwh"] = annual["own_export_kwh"]
    for col in result.money.columns:
        out[col] = result.money[col]
    storage_report.add_participant_columns(out, result)
    out.index.name = "participant_id"
    return out.reset_index()


def participant_audit(result: Result, participant_id: str) -> pd.DataFrame:
    """Monthly table of one participant: consumption, what each source gave, grid import.

    Answers a member's "why did I get this much?": one row per local calendar month
    and a total row, whose figures equal the run's annual figures.

    Raises
    ------
    ScenarioError
        If the participant id is not part of the scenario.
    """
    expect_result(result, "participant_audit")
    from energysim.results.audit import monthly_audit

    if participant_id not in result.participants.index:
        known = ", ".join(result.participants.index[:5])
        raise ScenarioError(
            f"participant '{participant_id}': not in scenario '{result.scenario.name}' "
            f"(ids look like {known}, ...)"
        )
    role = str(result.participants.loc[participant_id, "role"])
    tier = {"common": "common", "tenant": "tenants", "member": "members"}[role]
    received: dict[str, np.ndarray] = {}
    column = result.participants.index.get_loc(participant_id)
    own = result.flows.own_kwh(cols=column)
    if own.any():
        received["own_string"] = own
    received[tier] = result.shared_kwh[participant_id].to_numpy()
    return monthly_audit(
        result.index,
        take_kwh(result.consumption_kwh.to_numpy(), cols=column),
        received,
        tz=result.scenario.site.timezone,
    )


def timeseries_table(result: Result) -> pd.DataFrame:
    """Interval series of generation, allocation per role and export [kWh/interval]."""
    expect_result(result, "timeseries_table")
    roles = result.participants["role"].to_numpy()
    flows = result.flows
    consumption = result.consumption_kwh.to_numpy()
    out = pd.DataFrame(index=result.index)
    out["generation_kwh"] = result.generation_kwh.to_numpy().sum(axis=1)
    for key, name in ROLE_NAMES.items():
        cols = np.flatnonzero(roles == name)
        out[f"allocated_{key}_kwh"] = group_sums(flows.received, cols, len(result.index))
    out["export_kwh"] = result.export_kwh.to_numpy().sum(axis=1)
    out["sce_kwh"] = result.sce_kwh.to_numpy().sum(axis=1)
    for key, name in ROLE_NAMES.items():
        mask = (roles == name) & result.participants["participating"].to_numpy(dtype=bool)
        cols = np.flatnonzero(mask)
        out[f"consumption_{key}_kwh"] = group_sums(
            lambda r, c: take_kwh(consumption, r, c), cols, len(result.index)
        )
    storage_report.add_timeseries_columns(out, result)
    out.index.name = "time"
    return out
