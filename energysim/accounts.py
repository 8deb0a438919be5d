"""The money of a run: every household's bills and benefit, every stakeholder's case.

Turns the annual energy of each participant into euros under the year's regime
(domain.md sections 4-5) and builds the owners' cash flows over the lifetime. Used by
:func:`energysim.simulate.run`; pure given its inputs.

The money balance holds by construction and is tested independently: in year 1, what
all households gain plus the owners' net running cash flow equals the avoided import of
every connection valued at its own bill, plus the feed-in value, plus subsidy and tax
refunds, minus running costs; fees households pay to the owners cancel out.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from energysim import business, fairness, finance, subsidies
from energysim.scenario import Scenario, participant_ids
from energysim.tariffs import NET_METERING_LAST_YEAR, TariffSet

HUURCOMMISSIE_FEE_FRAC = (0.10, 0.06)
"""Panel usage fee at most 10% of the investment per year for the first 10 years, 6%
after (Huurcommissie, beleidsboek servicekosten)."""


@dataclass
class Accounts:
    """Money tables of a run.

    Attributes
    ----------
    money : pandas.DataFrame
        One row per participant (index ``participant_id``), EUR per year 1.
    stakeholders : pandas.DataFrame
        One row per owner: capex, year-1 revenue and opex, NPV, IRR, payback.
    cashflows : pandas.DataFrame
        One row per owner and year 0..lifetime.
    scheme : dict
        Year-1 totals of the scheme (revenues, subsidy, opex, ...) [EUR].
    messages : list of str
        Warnings (e.g. a panel fee above the Huurcommissie limit).
    """

    money: pd.DataFrame
    stakeholders: pd.DataFrame
    cashflows: pd.DataFrame
    scheme: dict[str, float]
    messages: list[str] = field(default_factory=list)


MONEY_COLUMNS = (
    "bill_without_eur",
    "bill_with_eur",
    "service_cost_saving_eur",
    "fees_eur",
    "payout_eur",
    "tax_refund_eur",
    "passed_to_service_costs_eur",
)
"""Year-1 money of a participant [EUR/yr], the columns of :attr:`Accounts.money`
(before ``benefit_eur``)."""


def _members_mode(scenario: Scenario) -> str:
    return scenario.allocation.members.mode


def year_one_money(
    scenario: Scenario,
    tariffs: TariffSet,
    participants: pd.DataFrame,
    annual: pd.DataFrame,
    buildings: pd.DataFrame,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Bills and benefits of every participant, and the scheme's totals, for one year.

    Parameters
    ----------
    annual : pandas.DataFrame
        Per participant: ``consumption_kwh``, ``grid_import_kwh``, ``shared_kwh``,
        ``own_export_kwh``, ``supply_cost_without_eur``, ``supply_cost_with_eur``
        (supply price times kWh, summed over intervals: dynamic prices allowed).
    buildings : pandas.DataFrame
        Per building: ``capacity_kwp``, ``generation_kwh``, ``common_export_kwh``,
        ``sce_kwh`` (the cooperative scheme's fed-in energy).
    """
    fin = scenario.finance
    mode = _members_mode(scenario)
    scheme = {
        "owners_export_value_eur": 0.0,
        "scheme_market_revenue_eur": 0.0,
        "subsidy_eur": 0.0,
        "tax_refund_eur": 0.0,
        "opex_eur": 0.0,
        "opex_paid_by_cooperative_scheme_eur": 0.0,
        "panel_fees_eur": 0.0,
        "sharing_fees_eur": 0.0,
        "common_fees_eur": 0.0,
    }
    market = fin.sce_market_value_eur_per_kwh or tariffs.supply_price_eur_per_kwh
    position = {pid: j for j, pid in enumerate(participants.index)}
    money_cols = {name: np.zeros(len(position)) for name in MONEY_COLUMNS}
    if not annual.index.equals(participants.index):
        annual = annual.loc[participants.index]
    ann = {
        name: annual[name].to_numpy(dtype=np.float64)
        for name in (
            "consumption_kwh",
            "grid_import_kwh",
            "shared_kwh",
            "own_export_kwh",
            "supply_cost_without_eur",
            "supply_cost_with_eur",
        )
    }
    participating = participants["participating"].to_numpy(dtype=bool)

    def household_bills(rows: list[int], export_kwh: Any) -> tuple[np.ndarray, np.ndarray]:
        """Bills of some households without and with the scheme [EUR/yr]."""
        without = finance.connection_bill_eur(
            ann["consumption_kwh"][rows],
            0.0,
            tariffs,
            supply_cost_eur=ann["supply_cost_without_eur"][rows],
        )
        with_scheme = finance.connection_bill_eur(
            ann["grid_import_kwh"][rows],
            export_kwh,
            tariffs,
            supply_cost_eur=ann["supply_cost_with_eur"][rows],
        )
        return without, with_scheme

    def put(ids: list[str], **values: Any) -> None:
        rows = [position[p] for p in ids]
        for name, value in values.items():
            money_cols[name][rows] = value

    for b in scenario.buildings:
        ids = participant_ids(b)
        bld = buildings.loc[b.id]
        opex = b.capacity_kwp * fin.opex_eur_per_kwp_per_yr
        # the part of the running costs carried by the cooperative scheme's energy
        scheme_share = bld.sce_kwh / bld.generation_kwh if bld.generation_kwh > 0 else 0.0
        opex_scheme = opex * scheme_share
        scheme["opex_eur"] += opex
        scheme["opex_paid_by_cooperative_scheme_eur"] += opex_scheme

        c = annual.loc[ids["common"][0]]  # one row: a Series
        common_without = float(
            finance.connection_bill_eur(
                c.consumption_kwh,
                0.0,
                tariffs,
                rebate=False,
                supply_cost_eur=c.supply_cost_without_eur,
            )
        )
        common_with = float(
            finance.connection_bill_eur(
                c.grid_import_kwh,
                0.0,
                tariffs,
                rebate=False,
                supply_cost_eur=c.supply_cost_with_eur,
            )
        )
        common_saving = common_without - common_with
        exported = float(bld.common_export_kwh)
        export_value = common_with - float(
            finance.connection_bill_eur(
                c.grid_import_kwh,
                exported,
                tariffs,
                rebate=False,
                supply_cost_eur=c.supply_cost_with_eur,
            )
        )
        if fin.export_revenue_to == "service_costs":
            common_saving += export_value
        else:
            scheme["owners_export_value_eur"] += export_value
        # the common connection pays the owners for the solar power it uses
        common_fee = float(c.shared_kwh) * fin.common_fee_eur_per_kwh
        scheme["common_fees_eur"] += common_fee
        put(
            ids["common"],
            bill_without_eur=common_without,
            bill_with_eur=common_without - common_saving,
            fees_eur=common_fee,
            passed_to_service_costs_eur=common_saving - common_fee,
        )
        weights = (
            np.asarray(b.floor_area_m2, dtype=np.float64)
            if fin.service_cost_key == "floor_area" and b.floor_area_m2 is not None
            else np.ones(b.dwellings)
        )
        service = finance.split_by_key(common_saving - common_fee, weights)
        t = [position[p] for p in ids["tenants"]]
        t_without, t_with = household_bills(t, ann["own_export_kwh"][t])
        panel_fee = np.where(participating[t], fin.panel_fee_eur_per_yr, 0.0)
        tenant_sharing_fee = ann["shared_kwh"][t] * fin.tenant_sharing_fee_eur_per_kwh
        fee = panel_fee + tenant_sharing_fee
        scheme["panel_fees_eur"] += float(panel_fee.sum())
        scheme["sharing_fees_eur"] += float(tenant_sharing_fee.sum())
        put(
            ids["tenants"],
            bill_without_eur=t_without,
            bill_with_eur=t_with,
            service_cost_saving_eur=service,
            fees_eur=fee,
        )
        m = [position[p] for p in ids["members"]]
        if not m:
            continue
        m_without, m_with = household_bills(m, 0.0)
        sharing_fee = ann["shared_kwh"][m] * fin.sharing_fee_eur_per_kwh
        scheme["sharing_fees_eur"] += float(sharing_fee.sum())
        certificates = np.asarray(b.members.certificates or np.ones(len(m)), dtype=np.float64)
        key = certificates / certificates.sum()
        payout = np.zeros(len(m))
        refund = np.zeros(len(m))
        if mode in ("sce", "postcoderoos") and bld.sce_kwh > 0:
            revenue = bld.sce_kwh * market
            scheme["scheme_market_revenue_eur"] += revenue
            subsidy = 0.0
            if mode == "sce" and _sce_available(scenario):
                per_kwh = subsidies.sce_subsidy_eur_per_kwh(
                    fin.sce_basisbedrag_eur_per_kwh, market, fin.sce_basisenergieprijs_eur_per_kwh
                )
                subsidy = per_kwh * subsidies.sce_subsidised_kwh(
                    bld.sce_kwh, bld.capacity_kwp, fin.sce_connection
                )
            scheme["subsidy_eur"] += subsidy
            # the cooperative pays out its net running cash flow by certificates
            payout = (revenue + subsidy - opex_scheme) * key
            if mode == "postcoderoos":
                _, refund = subsidies.postcoderoos_refund_eur(
                    bld.sce_kwh * key,
                    ann["consumption_kwh"][m],
                    tariffs.energy_tax_eur_per_kwh,
                    tariffs.vat_frac,
                )
                scheme["tax_refund_eur"] += float(refund.sum())
        put(
            ids["members"],
            bill_without_eur=m_without,
            bill_with_eur=m_with,
            fees_eur=sharing_fee,
            payout_eur=payout,
            tax_refund_eur=refund,
        )
    money = pd.DataFrame(money_cols, index=participants.index)
    household = (participants["role"] != "common").to_numpy()
    money["benefit_eur"] = np.where(
        household,
        money.bill_without_eur
        - money.bill_with_eur
        + money.service_cost_saving_eur
        + money.payout_eur
        + money.tax_refund_eur
        - money.fees_eur,
        0.0,
    )
    scheme["owners_revenue_eur"] = (
        scheme["owners_export_value_eur"]
        + scheme["panel_fees_eur"]
        + scheme["sharing_fees_eur"]
        + scheme["common_fees_eur"]
    )
    scheme["owners_net_running_eur"] = scheme["owners_revenue_eur"] - (
        scheme["opex_eur"] - scheme["opex_paid_by_cooperative_scheme_eur"]
    )
    return money, scheme


def _sce_available(scenario: Scenario) -> bool:
    fin = scenario.finance
    if fin.sce_available is not None:
        return fin.sce_available
    # the regulation is recorded as lapsing 1 April 2026 (domain.md section 4)
    return scenario.year <= 2026


def build_accounts(
    scenario: Scenario,
    tariffs: TariffSet,
    participants: pd.DataFrame,
    annual: pd.DataFrame,
    buildings: pd.DataFrame,
) -> Accounts:
    """Year-1 money per participant and lifetime business cases per owner.

    Notes
    -----
    Operating year ``y`` falls in calendar year ``scenario.year + y - 1``: while that is at
    most 2026 the year-1 figures under net metering apply, later ones are recomputed
    without net metering (Kamerstuk 36 611). Revenues are scaled by degradation
    ``(1 - d)^(y-1)`` and price indexation ``(1 + i)^(y-1)``; SCE subsidy runs 15 years
    at a fixed amount per kWh. Capex and opex are split by the ownership shares.
    """
    fin = scenario.finance
    money, scheme = year_one_money(scenario, tariffs, participants, annual, buildings)
    messages: list[str] = []
    later = money
    later_scheme = scheme
    if tariffs.net_metering and scenario.year <= NET_METERING_LAST_YEAR:
        after = replace(tariffs, net_metering=False)
        later, later_scheme = year_one_money(scenario, after, participants, annual, buildings)
    n = fin.lifetime_yr
    calendar = scenario.year + np.arange(n)
    nm_years = calendar <= NET_METERING_LAST_YEAR if tariffs.net_metering else np.zeros(n, bool)
    factors = business.yearly_factors(
        n, _mean_degradation(scenario), fin.price_indexation_frac_per_yr
    )

    capacity = scenario.capacity_kwp
    capex = capacity * fin.capex_eur_per_kwp
    replacement = capacity * fin.inverter_replacement_eur_per_kwp
    owner_revenue = np.where(
        nm_years, scheme["owners_revenue_eur"], later_scheme["owners_revenue_eur"]
    )
    owner_opex = scheme["opex_eur"] - scheme["opex_paid_by_cooperative_scheme_eur"]
    stake_rows, flows = [], []
    for o in scenario.ownership:
        table = business.cash_flow_table(
            capex_eur=capex * o.share_frac,
            revenue_first_year_eur=owner_revenue * o.share_frac,
            opex_first_year_eur=owner_opex * o.share_frac,
            lifetime_yr=n,
            degradation_frac_per_yr=_mean_degradation(scenario),
            indexation_frac_per_yr=fin.price_indexation_frac_per_yr,
            inverter_replacement_eur=replacement * o.share_frac,
            inverter_replacement_year=fin.inverter_replacement_year,
        )
        cf = table["net_cash_flow_eur"].to_numpy()
        stake_rows.append(
            {
                "owner": o.owner,
                "owner_type": o.owner_type,
                "share_frac": o.share_frac,
                "capex_eur": capex * o.share_frac,
                "revenue_year1_eur": float(owner_revenue[0] * o.share_frac),
                "opex_year1_eur": owner_opex * o.share_frac,
                "net_year1_eur": float(cf[1]),
                "npv_eur": business.npv_eur(cf, fin.discount_rate_frac),
                "irr_frac": business.irr_frac(cf),
                "payback_yr": business.simple_payback_yr(cf),
            }
        )
        flows.append(table)
    columns = {name: [row[name] for row in stake_rows] for name in stake_rows[0]}
    owners = pd.Index(columns.pop("owner"), name="owner")
    stakeholders = pd.DataFrame(columns, index=owners)
    years = [t.index.to_numpy() for t in flows]
    cashflows = pd.DataFrame(
        {
            "owner": np.repeat(owners.to_numpy(dtype=object), [len(y) for y in years]),
            "year": np.concatenate(years),
            **{
                name: np.concatenate([t[name].to_numpy() for t in flows])
                for name in (
                    "capex_eur",
                    "revenue_eur",
                    "subsidy_eur",
                    "opex_eur",
                    "replacement_eur",
                    "net_cash_flow_eur",
                    "cumulative_eur",
                )
            },
        }
    )
    # households: year-1 benefit and lifetime NPV (benefits follow degradation and prices)
    per_year = np.where(
        nm_years[:, None],
        money["benefit_eur"].to_numpy()[None, :],
        later["benefit_eur"].to_numpy()[None, :],
    )
    scaled = (
        per_year * (factors.energy_factor.to_numpy() * factors.price_factor.to_numpy())[:, None]
    )
    discount = (1.0 + fin.discount_rate_frac) ** -np.arange(1, n + 1)
    # elementwise sums, not BLAS: results must not depend on the thread count
    money["benefit_npv_eur"] = (scaled * discount[:, None]).sum(axis=0)
    messages += _huurcommissie_warnings(scenario)
    return Accounts(money, stakeholders, cashflows, scheme, messages)


def _mean_degradation(scenario: Scenario) -> float:
    arrays = [a for b in scenario.buildings for a in b.arrays]
    kwp = np.array([a.dc_capacity_kwp for a in arrays])
    return float(np.average([a.degradation_frac_per_yr for a in arrays], weights=kwp))


def panel_fee_limits_eur_per_yr(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """Huurcommissie limits of the panel fee per participating dwelling [EUR/yr].

    Returns
    -------
    dict
        Per building with participating tenants: (limit in the first 10 years, limit
        after), 10% and 6% of the investment per dwelling in the panels it uses (its own
        strings, or else its part of the whole roof).

    References
    ----------
    Huurcommissie, beleidsboek servicekosten: a removable installation may be charged
    as a usage fee of at most 10% of the investment per year for 10 years, 6% after.
    """
    fin = scenario.finance
    out: dict[str, tuple[float, float]] = {}
    for b in scenario.buildings:
        n = b.tenants.participating
        if n == 0:
            continue
        strings = [a for a in b.arrays if a.setup == "per_dwelling"] or b.arrays
        investment = sum(a.dc_capacity_kwp for a in strings) * fin.capex_eur_per_kwp / n
        first, after = (f * investment for f in HUURCOMMISSIE_FEE_FRAC)
        out[b.id] = (first, after)
    return out


def _huurcommissie_warnings(scenario: Scenario) -> list[str]:
    """Panel fee against the Huurcommissie limit of 10% of the investment per year."""
    fin = scenario.finance
    out: list[str] = []
    if fin.panel_fee_eur_per_yr <= 0:
        return out
    for b_id, (limit_first, limit_after) in panel_fee_limits_eur_per_yr(scenario).items():
        if fin.panel_fee_eur_per_yr > limit_first + 1e-9:
            out.append(
                f"{b_id}: panel fee EUR {fin.panel_fee_eur_per_yr:.2f}/yr exceeds the "
                f"Huurcommissie limit of 10% of the investment per dwelling "
                f"(EUR {limit_first:.2f}/yr; EUR {limit_after:.2f}/yr after 10 years)"
            )
        elif fin.panel_fee_eur_per_yr > limit_after + 1e-9 and fin.lifetime_yr > 10:
            out.append(
                f"{b_id}: panel fee EUR {fin.panel_fee_eur_per_yr:.2f}/yr exceeds the "
                f"Huurcommissie limit of 6% after the first 10 years (EUR {limit_after:.2f}/yr)"
            )
    return out


def distribution(
    money: pd.DataFrame, participants: pd.DataFrame, consumption_kwh: pd.Series
) -> dict[str, Any]:
    """Per role: statistics of the benefit and the mean benefit per consumption quintile."""
    out: dict[str, Any] = {}
    for role in ("tenant", "member"):
        sel = (participants["role"] == role).to_numpy()
        if not sel.any():
            continue
        b = money["benefit_eur"].to_numpy()[sel]
        stats: dict[str, Any] = dict(fairness.benefit_statistics(b))
        stats["by_consumption_quintile"] = fairness.benefit_by_quintile(
            b, consumption_kwh.to_numpy()[sel]
        )
        out[role] = stats
    return out
