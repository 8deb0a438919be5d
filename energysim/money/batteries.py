"""The money of batteries: each household's battery benefit, the owners' battery case.

Given a run's accounts (which already count every battery kWh a household received, as
shared or own-string energy), this module

- recomputes year 1 *without* the batteries' energy (the waterfall before the shared
  battery's discharge is exactly the run without it; home batteries are taken off their
  dwelling's own bill), so each household's ``battery_benefit_eur`` is the difference;
- applies who pays energy tax on battery kWh households receive over the grid
  (``discharge_energy_tax_paid_by``; by default as any shared kWh: on the households'
  bills while ``[tariffs] shared_energy_tax = "charged"``, Wbm art. 50);
- adds the batteries' capex, running costs and replacements at end of life (from
  throughput degradation) to the owners' cash flows, by the ownership shares, and
  recomputes NPV, IRR and payback.

The money balance of :mod:`energysim.money.accounts` keeps holding: battery running costs and
the owners' energy tax are in ``scheme["opex_eur"]``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from energysim.config.features import SharedBattery
from energysim.config.scenario import Scenario
from energysim.config.tariffs import TariffSet
from energysim.core.messages import Message
from energysim.money import business, finance
from energysim.money.accounts import Accounts, OwnerCases
from energysim.money.year_one import year_one_money
from energysim.sharing.storage import BatteryRun, StorageResult

FloatArray = NDArray[np.float64]


def annual_without_batteries(
    scenario: Scenario,
    annual: pd.DataFrame,
    buildings: pd.DataFrame,
    stored: StorageResult,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The annual energy table and building table as they would be without batteries.

    Notes
    -----
    Shared battery kWh come off ``shared_kwh`` and go back onto the grid import (and
    its supply cost at the interval's price); home battery kWh come off the own string;
    what a home battery charged is fed in again when surplus strings feed in
    (``per_dwelling_surplus = "export"``), at its interval prices for a dynamic contract;
    the common connection's feed-in (and its value) is that without the shared battery.
    Allocated kWh never exceed consumption in any interval, so the annual sums stay exact.
    """
    n = len(annual)
    shared = stored.per_participant(n, "shared", "received_kwh")
    shared_value = stored.per_participant(n, "shared", "received_value_eur")
    home = stored.per_participant(n, "home", "received_kwh")
    home_value = stored.per_participant(n, "home", "received_value_eur")
    charged = stored.per_participant(n, "home", "charged_kwh")
    columns = {c: annual[c].to_numpy(dtype=np.float64) for c in annual.columns}
    columns["shared_kwh"] = columns["shared_kwh"] - shared
    columns["own_string_kwh"] = columns["own_string_kwh"] - home
    columns["allocated_kwh"] = columns["allocated_kwh"] - shared - home
    columns["grid_import_kwh"] = columns["grid_import_kwh"] + shared + home
    columns["supply_cost_with_eur"] = columns["supply_cost_with_eur"] + shared_value + home_value
    if scenario.allocation.per_dwelling_surplus == "export":
        columns["own_export_kwh"] = columns["own_export_kwh"] + charged
        if "own_export_value_eur" in columns:
            value = stored.per_participant(n, "home", "charged_value_eur")
            columns["own_export_value_eur"] = columns["own_export_value_eur"] + value
    out = pd.DataFrame(columns, index=annual.index)
    common_export = buildings["common_export_kwh"].to_numpy(dtype=np.float64).copy()
    export = buildings["export_kwh"].to_numpy(dtype=np.float64).copy()
    export_value = buildings["common_export_value_eur"].to_numpy(dtype=np.float64).copy()
    row = {b: i for i, b in enumerate(buildings.index)}
    for run in stored.batteries:
        if run.kind == "shared":
            i = row[run.building_id]
            export[i] += run.common_export_without_kwh - common_export[i]
            common_export[i] = run.common_export_without_kwh
            export_value[i] = run.common_export_without_value_eur
    bld = buildings.assign(
        common_export_kwh=common_export, export_kwh=export, common_export_value_eur=export_value
    )
    return out, bld


def battery_costs(run: BatteryRun, lifetime_yr: int) -> tuple[float, float, FloatArray, float]:
    """Capex, yearly running costs, replacements and residual value of a run [EUR].

    Returns
    -------
    capex_eur, opex_eur_per_yr : float
        At year-1 prices.
    replacement_eur : numpy.ndarray
        ``(lifetime_yr,)`` replacement cost in operating years 1..N at year-1 prices,
        each replacement split between the two years around its date
        (:meth:`energysim.sharing.battery.BatteryLife.replacement_weights`).
    residual_value_eur : float
        What the battery in use at the end of the lifetime is still worth, at year-1
        prices: its cost (the replacement's, or the capex when it was never replaced)
        times the share of its life left.

    Notes
    -----
    The residual value is the straight-line depreciation of the last investment in a
    component to the end of the calculation period, as the EU's cost-optimal
    methodology has it (Commission Delegated Regulation (EU) No 244/2012, Annex I,
    "residual value"; EN 15459-1:2017 "final value"). It makes a replacement late in
    the lifetime cost only the life it uses within the lifetime: a battery replaced in
    the last year no longer weighs a whole battery against one that just lasts.
    """
    f = run.figures
    kwh = run.nominal_capacity_kwh
    per_kwh = (
        f.replacement_eur_per_kwh if f.replacement_eur_per_kwh is not None else f.capex_eur_per_kwh
    )
    replacement = per_kwh * kwh * run.life.replacement_weights()
    last_cost = per_kwh if run.life.replacement_times_yr else f.capex_eur_per_kwh
    residual = last_cost * kwh * run.life.residual_frac
    return f.capex_eur_per_kwh * kwh, f.opex_eur_per_kwh_per_yr * kwh, replacement, residual


def _households_tax_kwh(
    run: BatteryRun, roles: NDArray[np.object_]
) -> tuple[NDArray[np.int64], FloatArray]:
    """Positions and battery kWh of the households (not the common connection) of a run."""
    keep = roles[run.columns] != "common"
    return run.columns[keep], run.received_kwh[keep]


def battery_energy_tax_eur(
    scenario: Scenario,
    tariffs: TariffSet,
    participants: pd.DataFrame,
    annual: pd.DataFrame,
    stored: StorageResult,
) -> tuple[FloatArray, float, float]:
    """What the payer of energy tax on shared battery kWh changes in year 1 [EUR/yr].

    Returns
    -------
    credit : numpy.ndarray
        Per participant, what its bill with the scheme is lower incl. VAT (negative:
        higher) than in the accounts, which tax every shared kWh of a household while
        ``shared_energy_tax = "charged"`` and none under ``"exempt"``.
    owners : float
        The energy tax the owners pay, excl. VAT (payer ``owners``).
    households : float
        The energy tax households pay on battery kWh, incl. VAT (payer ``households``).

    Notes
    -----
    A battery kWh delivered to a household over the grid is offtake of its connection,
    taxed at the recipient like any shared kWh (Wet belastingen op milieugrondslag art.
    50); one used by the common connection is behind its meter and untaxed. For each
    household the tax on its battery kWh ``b`` is ``energy_tax(T_with) -
    energy_tax(T_without)``, its taxed kWh (:func:`energysim.money.finance.taxed_offtake_kwh`:
    metered offtake less the netted own feed-in) with ``b`` taxed and untaxed, by bracket;
    ``households`` pay it with VAT on their bill, ``owners`` excl. VAT as a running cost,
    ``nobody`` leaves it untaxed (``discharge_energy_tax_paid_by``; default as any shared
    kWh).
    """
    roles = participants["role"].to_numpy(dtype=object)
    offtake = (annual["consumption_kwh"] - annual["own_string_kwh"]).to_numpy(np.float64)
    own_export = annual["own_export_kwh"].to_numpy(np.float64)
    charged = scenario.tariffs.shared_energy_tax == "charged"
    shared_untaxed = np.zeros(len(roles)) if charged else annual["shared_kwh"].to_numpy(np.float64)
    credit = np.zeros(len(roles))
    owners, households = 0.0, 0.0
    for run in stored.batteries:
        if run.kind != "shared" or not isinstance(run.figures, SharedBattery):
            continue
        payer = run.figures.energy_tax_payer(scenario.tariffs.shared_energy_tax)
        pos, kwh = _households_tax_kwh(run, roles)
        if not len(pos):
            continue

        def tax(untaxed: FloatArray, pos: NDArray[np.int64] = pos) -> FloatArray:
            m, e = offtake[pos], own_export[pos]
            return finance.energy_tax_eur(
                finance.taxed_offtake_kwh(m, e, tariffs, "small", untaxed), tariffs
            )

        untaxed = shared_untaxed[pos]
        tax_kwh = tax(np.maximum(untaxed - kwh, 0.0)) - tax(np.maximum(untaxed, kwh))
        in_accounts = tax_kwh if charged else 0.0
        on_bill = tax_kwh if payer == "households" else 0.0
        np.add.at(credit, pos, (in_accounts - on_bill) * (1.0 + tariffs.vat_frac))
        households += float(np.sum(on_bill)) * (1.0 + tariffs.vat_frac)
        if payer == "owners":
            owners += float(tax_kwh.sum())
    return credit, owners, households


def with_battery_money(
    scenario: Scenario,
    tariffs: TariffSet,
    participants: pd.DataFrame,
    annual: pd.DataFrame,
    buildings: pd.DataFrame,
    accounts: Accounts,
    stored: StorageResult,
) -> Accounts:
    """Accounts with each household's battery benefit and the owners' battery case.

    Returns the accounts unchanged when the run has no batteries (only electric loads).
    """
    if not stored.batteries:
        return accounts
    fin = scenario.finance
    n_years = fin.lifetime_yr
    roles = participants["role"].to_numpy(dtype=object)
    household = roles != "common"
    money = accounts.money.copy()
    scheme = dict(accounts.scheme)
    no_annual, no_buildings = annual_without_batteries(scenario, annual, buildings, stored)
    money_without, _ = year_one_money(scenario, tariffs, participants, no_annual, no_buildings)

    # energy tax on battery kWh households receive: on their bills, the owners' or none
    credit, tax_owners, tax_households = battery_energy_tax_eur(
        scenario, tariffs, participants, annual, stored
    )
    if credit.any():
        money["bill_with_eur"] = money["bill_with_eur"].to_numpy() - credit
        money["benefit_eur"] = money["benefit_eur"].to_numpy() + credit
        npv = money["benefit_npv_eur"].to_numpy()
        money["benefit_npv_eur"] = npv + credit * _npv_factor(scenario)
    money["battery_benefit_eur"] = np.where(
        household, money["benefit_eur"].to_numpy() - money_without["benefit_eur"].to_numpy(), 0.0
    )

    capex, opex, replacement, residual = 0.0, 0.0, np.zeros(n_years), 0.0
    for run in stored.batteries:
        c, o, r, v = battery_costs(run, n_years)
        capex, opex, replacement, residual = capex + c, opex + o, replacement + r, residual + v
    scheme["battery_capex_eur"] = capex
    scheme["battery_opex_eur"] = opex
    scheme["battery_energy_tax_eur"] = tax_owners
    scheme["battery_energy_tax_households_eur"] = tax_households
    scheme["opex_eur"] += opex + tax_owners
    scheme["owners_net_running_eur"] -= opex + tax_owners
    cashflows, stakeholders = _owners_with_batteries(
        scenario, accounts, capex, opex + tax_owners, replacement, residual
    )
    messages = list(accounts.messages) + battery_messages(scenario, stored)
    return replace(
        accounts,
        money=money,
        scheme=scheme,
        owners=OwnerCases.of_frames(stakeholders, cashflows),
        messages=messages,
    )


def _npv_factor(scenario: Scenario) -> float:
    """Present value of 1 EUR/yr on the ``energy`` path of households' benefits
    (:func:`energysim.money.business.item_paths`) [EUR per EUR/yr]."""
    fin = scenario.finance
    arrays = [a for b in scenario.buildings for a in b.arrays]
    degradation = float(
        np.average(
            [a.degradation_frac_per_yr for a in arrays],
            weights=[a.dc_capacity_kwp for a in arrays],
        )
    )
    paths = business.item_paths(
        fin.lifetime_yr,
        degradation,
        fin.price_indexation_frac_per_yr,
        energy_price_factor=business.energy_price_factors(fin, scenario.rules_year),
    )
    discount = (1.0 + fin.discount_rate_frac) ** -np.arange(1, fin.lifetime_yr + 1)
    return float((paths["energy"].to_numpy() * discount).sum())


def _owners_with_batteries(
    scenario: Scenario,
    accounts: Accounts,
    capex_eur: float,
    running_eur_per_yr: float,
    replacement_eur: FloatArray,
    residual_value_eur: float = 0.0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Owners' cash flows and key figures with the batteries' costs, by ownership share.

    Running costs, replacements and the residual value (received in the last year)
    follow price indexation ``(1 + i)^(y - 1)``.
    """
    fin = scenario.finance
    n = fin.lifetime_yr
    price = (1.0 + fin.price_indexation_frac_per_yr) ** np.arange(n)
    extra = {
        "capex_eur": np.r_[capex_eur, np.zeros(n)],
        "opex_eur": np.r_[0.0, running_eur_per_yr * price],
        "replacement_eur": np.r_[0.0, replacement_eur * price],
    }
    residual = np.zeros(n + 1)
    residual[n] = residual_value_eur * price[n - 1]
    flows = accounts.cashflows.copy()
    stake = accounts.stakeholders.copy()
    share = stake["share_frac"].reindex(flows["owner"]).to_numpy(dtype=np.float64)
    years = flows["year"].to_numpy()
    net = flows["net_cash_flow_eur"].to_numpy(dtype=np.float64).copy()
    for column, amounts in extra.items():
        added = share * amounts[years]
        flows[column] = flows[column].to_numpy(dtype=np.float64) + added
        net -= added
    received = share * residual[years]
    flows["residual_value_eur"] = flows["residual_value_eur"].to_numpy(np.float64) + received
    net += received
    flows["net_cash_flow_eur"] = net
    owner_of_row = flows["owner"].to_numpy()
    cumulative = np.empty_like(net)
    figures: dict[str, list[Any]] = {
        k: [] for k in ("net_year1_eur", "npv_eur", "irr_frac", "payback_yr")
    }
    for owner in stake.index:
        rows = owner_of_row == owner
        cf = net[rows]
        cumulative[rows] = np.cumsum(cf)
        figures["net_year1_eur"].append(float(cf[1]))
        figures["npv_eur"].append(business.npv_eur(cf, fin.discount_rate_frac))
        figures["irr_frac"].append(business.irr_frac(cf))
        figures["payback_yr"].append(business.simple_payback_yr(cf))
    flows["cumulative_eur"] = cumulative
    shares = stake["share_frac"].to_numpy(dtype=np.float64)
    stake["capex_eur"] = stake["capex_eur"].to_numpy(dtype=np.float64) + shares * capex_eur
    stake["opex_year1_eur"] = (
        stake["opex_year1_eur"].to_numpy(dtype=np.float64) + shares * running_eur_per_yr
    )
    for column, values in figures.items():  # None where there is none, as accounts has it
        stake[column] = pd.Series(
            values, index=stake.index, dtype=object if None in values else None
        )
    return flows, stake


def battery_messages(scenario: Scenario, stored: StorageResult) -> list[str]:
    """What a user must know about the batteries' figures (estimates, approximations)."""
    out: list[str] = []
    for run in stored.batteries:
        what = "shared battery" if run.kind == "shared" else f"{run.count} home batteries"
        out.append(
            Message(
                f"{run.building_id}: {what} simulated at its mean state of health over "
                f"{scenario.finance.lifetime_yr} years ({run.life.mean_soh_frac:.0%} of "
                f"{run.figures.capacity_kwh:g} kWh each; {run.cycles_per_yr:.0f} full "
                f"cycles/yr, replaced in year(s) {run.life.replacement_years or 'none'}); "
                "degradation, cost and efficiency figures not set in the scenario are estimates",
                "battery_state_of_health",
                building=run.building_id,
                kind=run.kind,
                count=run.count,
                lifetime_yr=scenario.finance.lifetime_yr,
                soh_frac=float(run.life.mean_soh_frac),
                capacity_kwh=float(run.figures.capacity_kwh),
                cycles_per_yr=float(run.cycles_per_yr),
                replacement_years=[int(y) for y in run.life.replacement_years],
            )
        )
        if "perfect foresight" in run.dispatch_label:
            out.append(
                Message(
                    f"{run.building_id}: the shared battery's dispatch uses perfect foresight "
                    "of prices, surplus and demand: an upper bound, not achievable in operation",
                    "battery_perfect_foresight",
                    building=run.building_id,
                )
            )
    return out
