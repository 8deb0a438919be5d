"""Each participant's statement of a run: the figures, one row per participant.

What ``energysim statements`` prints on every household's page and writes as one table
(:func:`statement_table`): its sharing key and share of the roof, the kWh from the roof
per month (the rows of ``energysim explain``, :func:`energysim.results.tables.participant_audit`),
its bills without and with the scheme line by line
(:func:`energysim.money.finance.connection_bill_lines_eur`), the fees it paid, its
service-cost change and the year's benefit (the columns of ``participants.csv``). Nothing is
decided anew: the bill lines are the bills of the year-one accounts
(:mod:`energysim.money.year_one`) taken apart, and :func:`statement_table` refuses to give
a statement whose lines do not add up to ``participants.csv``. :func:`content_hash` names
the run a statement belongs to.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np
import pandas as pd

from energysim.config.scenario import participant_ids
from energysim.core.version import __version__
from energysim.money import finance
from energysim.money.readings import dynamic_feed_in, shared_kwh_taxed
from energysim.results.result import Result, expect_result
from energysim.results.tables import participants_table

LINES_TOL_EUR = 0.005
"""Largest difference [EUR] allowed between a statement's bill lines and the bill of
``participants.csv`` (half a cent: a statement shows cents)."""

TIER = {"common": "common", "tenant": "tenants", "member": "members"}
"""The waterfall tier of each role."""


def content_hash(result: Result, participants: pd.DataFrame | None = None) -> str:
    """The run's content hash: 16 hex digits of SHA-256 over what a statement rests on.

    ``participants`` is the run's :func:`~energysim.results.tables.participants_table`
    when the caller has made it already.

    Notes
    -----
    The hash covers the energysim version, the resolved scenario (as
    ``scenario.resolved.json`` holds it) and ``participants.csv`` written at full
    precision, so two runs with the same inputs and code share it and any change of a
    figure gives another.
    """
    expect_result(result, "content_hash")
    digest = hashlib.sha256(f"energysim {__version__}\n".encode())
    scenario = result.scenario.model_dump(mode="json")
    digest.update(json.dumps(scenario, sort_keys=True, default=str).encode())
    table = participants_table(result) if participants is None else participants
    digest.update(table.to_csv(index=False, float_format="%.17g").encode())
    return digest.hexdigest()[:16]


def statement_table(result: Result, participants: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every participant's statement figures, one row each (``statements.csv``).

    ``participants`` is the run's :func:`~energysim.results.tables.participants_table`
    when the caller has made it already.

    Returns
    -------
    pandas.DataFrame
        One row per participant in ``participants.csv``'s order: ``participant_id``,
        ``building_id``, ``role``, ``participating``, ``key`` (its tier's key method),
        ``roof_share_frac`` (what it took from the roof over the building's yield) and
        ``tier_share_frac`` (its part of what its tier shared); the energy of
        ``participants.csv`` [kWh/yr]; ``roof_<YYYY-MM>_kwh`` per local month (own string
        plus shared, as ``energysim explain``); ``bill_without_<line>_eur`` and
        ``bill_with_<line>_eur`` per line of
        :data:`energysim.money.finance.BILL_LINES` with their totals
        ``bill_without_eur`` and ``bill_with_eur``; ``panel_fee_eur`` and
        ``sharing_fee_eur`` (adding up to ``fees_eur``); ``service_cost_saving_eur``,
        ``payout_eur``, ``tax_refund_eur``, ``passed_to_service_costs_eur``,
        ``benefit_eur`` [EUR/yr].

    Raises
    ------
    RuntimeError
        When the lines of a bill differ from ``participants.csv`` by more than
        :data:`LINES_TOL_EUR` (the accounts and this table would disagree).
    """
    expect_result(result, "statement_table")
    table = (participants_table(result) if participants is None else participants).set_index(
        "participant_id"
    )
    out = table[["building_id", "role", "participating"]].copy()
    out["key"] = [_key_method(result, role) for role in out["role"]]
    _shares(result, table, out)
    for column in (
        "consumption_kwh",
        "own_string_kwh",
        "shared_kwh",
        "allocated_kwh",
        "grid_import_kwh",
        "own_export_kwh",
    ):
        out[column] = table[column]
    months = roof_kwh_by_month(result)
    for month in months.columns:
        out[f"roof_{month}_kwh"] = months[month]
    lines = bill_lines(result)
    for when in ("without", "with"):
        for line in finance.BILL_LINES:
            out[f"bill_{when}_{line}_eur"] = lines[f"{when}_{line}"]
        out[f"bill_{when}_eur"] = table[f"bill_{when}_eur"]
        summed = lines[[f"{when}_{line}" for line in finance.BILL_LINES]].sum(axis=1)
        gap = (summed - table[f"bill_{when}_eur"]).abs()
        if (gap > LINES_TOL_EUR).any():
            pid = gap.idxmax()
            raise RuntimeError(
                f"statement of {pid}: its bill {when} the scheme adds up to "
                f"{summed[pid]:.2f} EUR, participants.csv says "
                f"{table.loc[pid, f'bill_{when}_eur']:.2f}"
            )
    _fees(result, table, out)
    for column in (
        "service_cost_saving_eur",
        "payout_eur",
        "tax_refund_eur",
        "passed_to_service_costs_eur",
        "benefit_eur",
    ):
        out[column] = table[column]
    out.index.name = "participant_id"
    return out.reset_index()


def _key_method(result: Result, role: str) -> str:
    """The key method of a role's tier (``proportional``, ``static``, ...)."""
    policy = getattr(result.scenario.allocation, TIER[role])
    return str(policy.key.method)


def _shares(result: Result, table: pd.DataFrame, out: pd.DataFrame) -> None:
    """``roof_share_frac`` and ``tier_share_frac`` of every participant [-]."""
    generation = result.buildings["generation_kwh"].reindex(table["building_id"]).to_numpy()
    allocated = table["allocated_kwh"].to_numpy(dtype=np.float64)
    out["roof_share_frac"] = np.divide(
        allocated, generation, out=np.zeros_like(allocated), where=generation > 0
    )
    tier_total = table.groupby(["building_id", "role"])["shared_kwh"].transform("sum").to_numpy()
    shared = table["shared_kwh"].to_numpy(dtype=np.float64)
    out["tier_share_frac"] = np.divide(
        shared, tier_total, out=np.zeros_like(shared), where=tier_total > 0
    )


def _fees(result: Result, table: pd.DataFrame, out: pd.DataFrame) -> None:
    """The fees of year one split: the panel fee of a participating tenant, the fee per
    shared kWh (tenants' and members' prices), the common connection's price per kWh
    (as the year-one accounts charge them) [EUR/yr]."""
    fin = result.scenario.finance
    role = table["role"]
    tenant = (role == "tenant").to_numpy()
    participating = table["participating"].to_numpy(dtype=bool)
    shared = table["shared_kwh"].to_numpy(dtype=np.float64)
    per_kwh = np.select(
        [tenant, (role == "member").to_numpy(), (role == "common").to_numpy()],
        [
            fin.tenant_sharing_fee_eur_per_kwh,
            fin.sharing_fee_eur_per_kwh,
            fin.common_fee_eur_per_kwh,
        ],
        0.0,
    )
    out["panel_fee_eur"] = np.where(tenant & participating, fin.panel_fee_eur_per_yr, 0.0)
    out["sharing_fee_eur"] = shared * per_kwh
    out["fees_eur"] = table["fees_eur"]


def roof_kwh_by_month(result: Result) -> pd.DataFrame:
    """What each participant took from the roof per local calendar month [kWh].

    Returns
    -------
    pandas.DataFrame
        Index the participant ids, columns ``YYYY-MM``: own string plus shared energy, the
        sum of the ``received_*`` columns of ``energysim explain`` for that month.
    """
    expect_result(result, "roof_kwh_by_month")
    local = result.index.tz_convert(result.scenario.site.timezone)
    label = np.asarray(local.year * 100 + local.month)
    # the index runs forward in time, so each month is one block of rows
    starts = np.flatnonzero(np.r_[True, label[1:] != label[:-1]])
    stops = np.r_[starts[1:], len(label)]
    sums = np.vstack(
        [
            result.flows.received(slice(int(a), int(z))).sum(axis=0)
            for a, z in zip(starts, stops, strict=True)
        ]
    )
    columns = [f"{m // 100:04d}-{m % 100:02d}" for m in label[starts]]
    return pd.DataFrame(sums.T, index=result.participants.index, columns=columns)


def bill_lines(result: Result) -> pd.DataFrame:
    """Every participant's bills without and with the scheme, line by line [EUR/yr].

    Returns
    -------
    pandas.DataFrame
        Index the participant ids; columns ``without_<line>`` and ``with_<line>`` per
        line of :data:`energysim.money.finance.BILL_LINES`.

    Notes
    -----
    The bills of :mod:`energysim.money.year_one` with the same arguments: a household's
    (``_YearOne.household_bills``) and the common connection's
    (``_common_connection_account``: without the scheme all its consumption from the
    grid; with it the offtake less its tier's kWh, its feed-in when the export value goes
    to the service costs, and the energy tax with VAT on the kWh it buys from the owners
    per kWh, :func:`energysim.money.finance.behind_meter_supply_tax_eur`).
    """
    p = result.participants
    rows: dict[str, dict[str, Any]] = {}
    for b in result.scenario.buildings:
        ids = participant_ids(b)
        households = ids["tenants"] + ids["members"]
        without, with_scheme = _household_lines(result, households)
        for j, pid in enumerate(households):
            rows[pid] = {f"without_{k}": float(v[j]) for k, v in without.items()} | {
                f"with_{k}": float(v[j]) for k, v in with_scheme.items()
            }
        common = ids["common"][0]
        without, with_scheme = _common_lines(result, b, common)
        rows[common] = {f"without_{k}": float(v) for k, v in without.items()} | {
            f"with_{k}": float(v) for k, v in with_scheme.items()
        }
    return pd.DataFrame.from_dict(rows, orient="index").reindex(p.index)


def _household_lines(
    result: Result, ids: list[str]
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Some households' bill lines without and with the scheme [EUR/yr]."""
    ann = result.annual.loc[ids]
    tariffs, scenario = result.tariffs, result.scenario
    shared = ann["shared_kwh"].to_numpy(dtype=np.float64)
    without = finance.connection_bill_lines_eur(
        ann["consumption_kwh"].to_numpy(dtype=np.float64),
        0.0,
        tariffs,
        supply_cost_eur=ann["supply_cost_without_eur"].to_numpy(dtype=np.float64),
    )
    dynamic = dynamic_feed_in(scenario)
    with_scheme = finance.connection_bill_lines_eur(
        (ann["consumption_kwh"] - ann["own_string_kwh"]).to_numpy(dtype=np.float64),
        ann["own_export_kwh"].to_numpy(dtype=np.float64),
        tariffs,
        shared_kwh=shared,
        untaxed_kwh=0.0 if shared_kwh_taxed(scenario) else shared,
        supply_cost_eur=ann["supply_cost_with_eur"].to_numpy(dtype=np.float64),
        export_value_eur=ann["own_export_value_eur"].to_numpy(dtype=np.float64)
        if dynamic
        else None,
    )
    return without, with_scheme


def _common_lines(
    result: Result, b: Any, pid: str
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The common connection's bill lines without and with the scheme [EUR/yr]."""
    tariffs, scenario = result.tariffs, result.scenario
    c = result.annual.loc[pid]
    bld = result.buildings.loc[b.id]
    large = b.common.connection == "large"
    connection: dict[str, Any] = {
        "rebate": False,
        "connection": b.common.connection,
        "contracted_kw": b.common.contracted_capacity_kw,
    }
    without = finance.connection_bill_lines_eur(
        c.consumption_kwh,
        0.0,
        tariffs,
        supply_cost_eur=c.supply_cost_without_eur,
        monthly_peak_kw_sum=bld.common_monthly_peaks_without_kw if large else 0.0,
        **connection,
    )
    offtake = max(float(c.consumption_kwh - c.shared_kwh), 0.0)
    export_kwh = float(bld.common_export_kwh)
    to_service = scenario.finance.export_revenue_to == "service_costs"
    with_args: dict[str, Any] = {
        "supply_cost_eur": c.supply_cost_with_eur,
        "monthly_peak_kw_sum": bld.common_monthly_peaks_with_kw if large else 0.0,
        **connection,
    }
    if to_service and dynamic_feed_in(scenario):
        with_args["export_value_eur"] = float(bld.common_export_value_eur)
    with_scheme = finance.connection_bill_lines_eur(
        offtake, export_kwh if to_service else 0.0, tariffs, **with_args
    )
    fee = float(c.shared_kwh) * scenario.finance.common_fee_eur_per_kwh
    if fee > 0 and shared_kwh_taxed(scenario):
        taxed = finance.taxed_offtake_kwh(offtake, export_kwh, tariffs, b.common.connection)
        fee_tax = float(finance.behind_meter_supply_tax_eur(taxed, c.shared_kwh, tariffs))
        vat = tariffs.vat_frac
        with_scheme["energy_tax"] = with_scheme["energy_tax"] + fee_tax / (1.0 + vat)
        with_scheme["vat"] = with_scheme["vat"] + fee_tax * vat / (1.0 + vat)
    return without, with_scheme
