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
from energysim.errors import ScenarioError
from energysim.scenario import Building, Scenario, participant_ids
from energysim.tariffs import NET_METERING_LAST_YEAR, Figure, TariffSet, yearly_figure

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
        Warnings (e.g. a panel fee above the Huurcommissie limit) and the estimated
        figures the run used.
    assumptions : list of dict
        Every estimated figure the run used (value, unit, VAT basis, status, source):
        ``summary.json``'s ``assumptions``.
    """

    money: pd.DataFrame
    stakeholders: pd.DataFrame
    cashflows: pd.DataFrame
    scheme: dict[str, float]
    messages: list[str] = field(default_factory=list)
    assumptions: list[dict[str, Any]] = field(default_factory=list)


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

BENEFIT_PATHS = ("energy", "subsidy", "cost", "fixed_fee", "per_kwh_fee")
"""The parts of a household's benefit by how they move over the lifetime
(:func:`energysim.business.item_paths`): bill difference, service-cost saving, payouts
from market revenue and tax refunds follow ``energy``; the SCE subsidy in a payout
``subsidy``; the cooperative's running costs in a payout ``cost``; the panel fee
``fixed_fee``; the fees per kWh (sharing fees, and the common connection's price in the
service costs) ``per_kwh_fee``."""

SCHEME_OWNER_TYPES = ("resident_cooperative",)
"""Owner types that can hold an SCE or postcoderoos installation: a cooperative or an
association of owners (VvE) of residents (SCE art. 1; Regeling verlaagd tarief)."""

SMALL_CONNECTION_MAX_KVA = 3 * 80 * 230 / 1000
"""A small connection is at most 3x80 A: 55.2 kVA at 230 V (Elektriciteitswet 1998 art. 95a)."""


def _members_mode(scenario: Scenario) -> str:
    return scenario.allocation.members.mode


def _uses_scheme(scenario: Scenario) -> bool:
    """Whether some building feeds a neighbourhood tier in for the SCE or postcoderoos."""
    return _members_mode(scenario) in ("sce", "postcoderoos") and any(
        b.members.count for b in scenario.buildings
    )


def check_scheme_rules(scenario: Scenario) -> None:
    """Refuse a cooperative scheme the regulation does not allow.

    Raises
    ------
    ScenarioError
        - the SCE (or postcoderoos) scheme without an owner of type
          ``resident_cooperative``: the subsidy goes to the cooperative or VvE that owns
          the installation (SCE; domain.md section 4);
        - the SCE on a small common connection with common installations or tenants
          taking energy before the members' tier: on a small connection (up to 3x80 A)
          the SCE requires 100% feed-in.
    """
    if not _uses_scheme(scenario):
        return
    mode = _members_mode(scenario)
    if not any(o.owner_type in SCHEME_OWNER_TYPES for o in scenario.ownership):
        found = ", ".join(sorted({o.owner_type for o in scenario.ownership}))
        raise ScenarioError(
            f"allocation.members.mode = '{mode}': the {mode.upper()} scheme is for a "
            f"cooperative (or VvE) of residents that owns the installation; expected an "
            f"[[ownership]] owner with owner_type 'resident_cooperative', found {found}"
        )
    if mode != "sce":
        return
    order = scenario.allocation.order
    before = order[: order.index("members")]
    for b in scenario.buildings:
        if not b.members.count or b.common.connection != "small":
            continue
        taking = [
            r for r in before if r == "common" or (r == "tenants" and b.tenants.participating)
        ]
        if taking:
            raise ScenarioError(
                f"buildings[{b.id}]: allocation.order: on a small common connection (up to "
                f"3x80 A) the SCE requires 100% feed-in, found {taking} before 'members'; put "
                f"'members' first or set buildings.common.connection = 'large' (there only "
                f"the kWh fed in are subsidised)"
            )


def _connection_notes(scenario: Scenario) -> list[str]:
    """Notes on common connections whose size does not fit the installation."""
    out = []
    for b in scenario.buildings:
        on_common = [a for a in b.arrays if a.setup == "common"]
        ac_kw = sum(a.dc_capacity_kwp / a.dc_ac_ratio for a in on_common)
        if b.common.connection == "small" and ac_kw > SMALL_CONNECTION_MAX_KVA:
            out.append(
                f"{b.id}: {ac_kw:.1f} kW of inverters on the common connection exceed a small "
                f"connection (3x80 A = {SMALL_CONNECTION_MAX_KVA:.1f} kVA); such a connection is "
                "normally large (set buildings.common.connection = 'large': capacity-based "
                "network tariff, no net metering)"
            )
        if _uses_scheme(scenario) and _members_mode(scenario) == "sce" and b.members.count:
            kwp = sum(a.dc_capacity_kwp for a in on_common)
            low, high = (15.0, 100.0) if b.common.connection == "small" else (15.0, 500.0)
            if not low <= kwp <= high:
                out.append(
                    f"{b.id}: the SCE category of a {b.common.connection} connection is "
                    f"{low:g}-{high:g} kWp, found {kwp:.1f} kWp on the common connection"
                )
    return out


def sce_basisbedrag(scenario: Scenario, building: Building) -> Figure:
    """The SCE basisbedrag of a building's installation: the scenario's, or the data file's.

    The data file's figure depends on the common connection's size (small / large) and
    the rules year (later years carry the last published one forward: an estimate).
    """
    given = scenario.finance.sce_basisbedrag_eur_per_kwh
    name = f"sce_basisbedrag_{building.common.connection}_eur_per_kwh"
    if given is not None:
        return Figure(
            name,
            scenario.rules_year,
            given,
            "EUR/kWh",
            "none",
            "published",
            "scenario",
            scenario.rules_year,
        )
    return yearly_figure(name, scenario.rules_year)


def year_one_money(
    scenario: Scenario,
    tariffs: TariffSet,
    participants: pd.DataFrame,
    annual: pd.DataFrame,
    buildings: pd.DataFrame,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Bills and benefits of every participant, and the scheme's totals, for one year.

    See :func:`year_one_parts` (which also splits each benefit by its lifetime path).
    """
    money, scheme, _ = year_one_parts(scenario, tariffs, participants, annual, buildings)
    return money, scheme


def year_one_parts(
    scenario: Scenario,
    tariffs: TariffSet,
    participants: pd.DataFrame,
    annual: pd.DataFrame,
    buildings: pd.DataFrame,
) -> tuple[pd.DataFrame, dict[str, float], pd.DataFrame]:
    """Bills and benefits of every participant, the scheme's totals, the benefits' parts.

    Account by account (docs/finance.md, "Year one, account by account"), per building:
    the running costs (:func:`_running_costs`), the common connection
    (:func:`_common_connection_account`), the dwellings (:func:`_dwellings_account`),
    the members and their scheme (:func:`_members_account`); then for everyone the
    households' benefits and the owners' totals (:func:`_benefits_and_owners`).

    Parameters
    ----------
    annual : pandas.DataFrame
        Per participant: ``consumption_kwh``, ``grid_import_kwh``, ``shared_kwh``,
        ``own_export_kwh``, ``supply_cost_without_eur``, ``supply_cost_with_eur``
        (supply price times kWh, summed over intervals: dynamic prices allowed).
    buildings : pandas.DataFrame
        Per building: ``capacity_kwp``, ``generation_kwh``, ``common_export_kwh``,
        ``sce_kwh`` (the cooperative scheme's fed-in energy); for a large common
        connection ``common_monthly_peaks_without_kw`` and ``common_monthly_peaks_with_kw``
        (sum over the months of the peak import [kW]).

    Returns
    -------
    money : pandas.DataFrame
        :data:`MONEY_COLUMNS` and ``benefit_eur`` per participant [EUR/yr].
    scheme : dict
        Year-1 totals [EUR/yr].
    parts : pandas.DataFrame
        Each household's ``benefit_eur`` split by :data:`BENEFIT_PATHS` (columns sum to it).
    """
    if not annual.index.equals(participants.index):
        annual = annual.loc[participants.index]
    year = _YearOne.start(scenario, tariffs, participants, annual)
    for b in scenario.buildings:
        ids = participant_ids(b)
        bld = buildings.loc[b.id]
        opex_scheme = _running_costs(year, b, bld)
        saving, fee = _common_connection_account(year, b, ids, bld, annual.loc[ids["common"][0]])
        _dwellings_account(year, b, ids, saving, fee)
        _members_account(year, b, ids, bld, opex_scheme)
    return _benefits_and_owners(year, participants)


SCHEME_TOTALS = (
    "owners_export_value_eur",
    "scheme_market_revenue_eur",
    "subsidy_eur",
    "tax_refund_eur",
    "opex_eur",
    "opex_paid_by_cooperative_scheme_eur",
    "panel_fees_eur",
    "sharing_fees_eur",
    "common_fees_eur",
)
"""Year-1 totals of the scheme that the accounts add to, building by building [EUR/yr]
(``owners_revenue_eur`` and ``owners_net_running_eur`` follow from them)."""

ANNUAL_COLUMNS = (
    "consumption_kwh",
    "grid_import_kwh",
    "shared_kwh",
    "own_export_kwh",
    "supply_cost_without_eur",
    "supply_cost_with_eur",
)
"""The columns of the annual energy table the year-1 money reads [kWh/yr, EUR/yr]."""


@dataclass
class _YearOne:
    """The year-1 money of a run being filled in, account by account.

    ``money`` holds :data:`MONEY_COLUMNS` and ``parts`` the parts of a benefit that do not
    follow the energy path (:data:`BENEFIT_PATHS` but the first), one value per
    participant in participant order; ``scheme`` the totals of :data:`SCHEME_TOTALS`.
    """

    scenario: Scenario
    tariffs: TariffSet
    annual: dict[str, np.ndarray]
    participating: np.ndarray
    position: dict[str, int]
    money: dict[str, np.ndarray]
    parts: dict[str, np.ndarray]
    scheme: dict[str, float]

    @classmethod
    def start(
        cls,
        scenario: Scenario,
        tariffs: TariffSet,
        participants: pd.DataFrame,
        annual: pd.DataFrame,
    ) -> _YearOne:
        """Every amount 0, the annual energy as arrays in participant order."""
        n = len(participants.index)
        return cls(
            scenario=scenario,
            tariffs=tariffs,
            annual={name: annual[name].to_numpy(dtype=np.float64) for name in ANNUAL_COLUMNS},
            participating=participants["participating"].to_numpy(dtype=bool),
            position={pid: j for j, pid in enumerate(participants.index)},
            money={name: np.zeros(n) for name in MONEY_COLUMNS},
            parts={name: np.zeros(n) for name in BENEFIT_PATHS[1:]},
            scheme={name: 0.0 for name in SCHEME_TOTALS},
        )

    def rows(self, ids: list[str]) -> list[int]:
        """Positions of some participants."""
        return [self.position[p] for p in ids]

    def put(self, ids: list[str], **values: Any) -> None:
        """Set money columns or benefit parts of some participants."""
        rows = self.rows(ids)
        for name, value in values.items():
            (self.parts if name in self.parts else self.money)[name][rows] = value

    def household_bills(self, rows: list[int], export_kwh: Any) -> tuple[np.ndarray, np.ndarray]:
        """Bills of some households without and with the scheme [EUR/yr]."""
        ann, tariffs = self.annual, self.tariffs
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


def _running_costs(year: _YearOne, b: Building, bld: pd.Series) -> float:
    """The building's running costs, added to the scheme's totals; returns the part the
    cooperative scheme's energy carries (its share of the generation) [EUR/yr]."""
    opex = b.capacity_kwp * year.scenario.finance.opex_eur_per_kwp_per_yr
    scheme_share = bld.sce_kwh / bld.generation_kwh if bld.generation_kwh > 0 else 0.0
    opex_scheme = opex * scheme_share
    year.scheme["opex_eur"] += opex
    year.scheme["opex_paid_by_cooperative_scheme_eur"] += opex_scheme
    return opex_scheme


def _common_connection_account(
    year: _YearOne, b: Building, ids: dict[str, list[str]], bld: pd.Series, c: pd.Series
) -> tuple[float, float]:
    """The common connection: its bills without and with the scheme, its export value
    (to the owners or into the service costs) and the fee it pays the owners per kWh.

    Returns the saving on its bill (with the export value when that goes to the service
    costs) and the fee [EUR/yr]; what is passed to the service costs is their difference.
    """
    fin, tariffs = year.scenario.finance, year.tariffs
    large = b.common.connection == "large"
    connection: dict[str, Any] = {
        "rebate": False,
        "connection": b.common.connection,
        "contracted_kw": b.common.contracted_capacity_kw,
    }
    common_without = float(
        finance.connection_bill_eur(
            c.consumption_kwh,
            0.0,
            tariffs,
            supply_cost_eur=c.supply_cost_without_eur,
            monthly_peak_kw_sum=bld.common_monthly_peaks_without_kw if large else 0.0,
            **connection,
        )
    )
    with_scheme: dict[str, Any] = {
        "supply_cost_eur": c.supply_cost_with_eur,
        "monthly_peak_kw_sum": bld.common_monthly_peaks_with_kw if large else 0.0,
        **connection,
    }
    common_with = float(finance.connection_bill_eur(c.grid_import_kwh, 0.0, tariffs, **with_scheme))
    common_saving = common_without - common_with
    export_value = common_with - float(
        finance.connection_bill_eur(
            c.grid_import_kwh, float(bld.common_export_kwh), tariffs, **with_scheme
        )
    )
    if fin.export_revenue_to == "service_costs":
        common_saving += export_value
    else:
        year.scheme["owners_export_value_eur"] += export_value
    # the common connection pays the owners for the solar power it uses
    common_fee = float(c.shared_kwh) * fin.common_fee_eur_per_kwh
    year.scheme["common_fees_eur"] += common_fee
    year.put(
        ids["common"],
        bill_without_eur=common_without,
        bill_with_eur=common_without - common_saving,
        fees_eur=common_fee,
        passed_to_service_costs_eur=common_saving - common_fee,
    )
    return common_saving, common_fee


def _dwellings_account(
    year: _YearOne,
    b: Building,
    ids: dict[str, list[str]],
    common_saving: float,
    common_fee: float,
) -> None:
    """Every dwelling: its bills (own strings' feed-in included), its share of the common
    connection's saving less its fee in the service costs (per dwelling or by floor area),
    and a participating tenant's panel fee and sharing fee per kWh."""
    fin = year.scenario.finance
    weights = (
        np.asarray(b.floor_area_m2, dtype=np.float64)
        if fin.service_cost_key == "floor_area" and b.floor_area_m2 is not None
        else np.ones(b.dwellings)
    )
    service = finance.split_by_key(common_saving - common_fee, weights)
    # the common connection's price per kWh reaches the tenants on the fee's path
    service_fee = finance.split_by_key(common_fee, weights)
    t = year.rows(ids["tenants"])
    t_without, t_with = year.household_bills(t, year.annual["own_export_kwh"][t])
    panel_fee = np.where(year.participating[t], fin.panel_fee_eur_per_yr, 0.0)
    tenant_sharing_fee = year.annual["shared_kwh"][t] * fin.tenant_sharing_fee_eur_per_kwh
    year.scheme["panel_fees_eur"] += float(panel_fee.sum())
    year.scheme["sharing_fees_eur"] += float(tenant_sharing_fee.sum())
    year.put(
        ids["tenants"],
        bill_without_eur=t_without,
        bill_with_eur=t_with,
        service_cost_saving_eur=service,
        fees_eur=panel_fee + tenant_sharing_fee,
        fixed_fee=-panel_fee,
        per_kwh_fee=-(tenant_sharing_fee + service_fee),
    )


def _members_account(
    year: _YearOne,
    b: Building,
    ids: dict[str, list[str]],
    bld: pd.Series,
    opex_scheme: float,
) -> None:
    """The neighbourhood members: their bills and sharing fee per kWh, and under the SCE
    or postcoderoos the scheme's payout by certificates (:func:`_scheme_payout`)."""
    m = year.rows(ids["members"])
    if not m:
        return
    fin = year.scenario.finance
    m_without, m_with = year.household_bills(m, 0.0)
    sharing_fee = year.annual["shared_kwh"][m] * fin.sharing_fee_eur_per_kwh
    year.scheme["sharing_fees_eur"] += float(sharing_fee.sum())
    certificates = np.asarray(b.members.certificates or np.ones(len(m)), dtype=np.float64)
    key = certificates / certificates.sum()
    payout = np.zeros(len(m))
    refund = np.zeros(len(m))
    subsidy = 0.0
    in_scheme = _members_mode(year.scenario) in ("sce", "postcoderoos") and bld.sce_kwh > 0
    if in_scheme:
        payout, refund, subsidy = _scheme_payout(year, b, m, bld, key, opex_scheme)
    year.put(
        ids["members"],
        bill_without_eur=m_without,
        bill_with_eur=m_with,
        fees_eur=sharing_fee,
        payout_eur=payout,
        tax_refund_eur=refund,
        subsidy=subsidy * key,
        cost=-opex_scheme * key if in_scheme else 0.0,
        per_kwh_fee=-sharing_fee,
    )


def _scheme_payout(
    year: _YearOne,
    b: Building,
    m: list[int],
    bld: pd.Series,
    key: np.ndarray,
    opex_scheme: float,
) -> tuple[np.ndarray, np.ndarray, float]:
    """The members' scheme (SCE or postcoderoos): the cooperative sells the fed-in kWh,
    receives the SCE subsidy, pays its share of the running costs and pays out the rest
    by certificates; under the postcoderoos each member also gets the energy tax back on
    its share of the production, capped at its consumption.

    Returns each member's payout and tax refund and the building's subsidy [EUR/yr].
    """
    scenario, tariffs = year.scenario, year.tariffs
    fin = scenario.finance
    mode = _members_mode(scenario)
    market = fin.sce_market_value_eur_per_kwh or tariffs.supply_price_excl_vat_eur_per_kwh
    refund = np.zeros(len(m))
    subsidy = 0.0
    revenue = bld.sce_kwh * market
    year.scheme["scheme_market_revenue_eur"] += revenue
    if mode == "sce" and _sce_available(scenario):
        per_kwh = subsidies.sce_subsidy_eur_per_kwh(
            sce_basisbedrag(scenario, b).value,
            market,
            fin.sce_basisenergieprijs_eur_per_kwh,
        )
        # the installation on the common connection (own strings are not part)
        kwp = sum(a.dc_capacity_kwp for a in b.arrays if a.setup == "common")
        subsidy = per_kwh * subsidies.sce_subsidised_kwh(bld.sce_kwh, kwp, b.common.connection)
    year.scheme["subsidy_eur"] += subsidy
    # the cooperative pays out its net running cash flow by certificates
    payout = (revenue + subsidy - opex_scheme) * key
    if mode == "postcoderoos":
        _, refund = subsidies.postcoderoos_refund_eur(
            bld.sce_kwh * key,
            year.annual["consumption_kwh"][m],
            tariffs.energy_tax_excl_vat_eur_per_kwh,
            tariffs.vat_frac,
        )
        year.scheme["tax_refund_eur"] += float(refund.sum())
    return payout, refund, subsidy


def _benefits_and_owners(
    year: _YearOne, participants: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, float], pd.DataFrame]:
    """Each household's benefit and its parts, and the owners' year-1 totals.

    ``benefit = bill without - bill with + service-cost saving + payout + tax refund -
    fees`` (0 for the common connection, whose saving reaches the dwellings through the
    service costs); the owners' revenue is the export value and every fee, their net
    running cash flow that less the running costs the scheme does not carry.
    """
    money = pd.DataFrame(year.money, index=participants.index)
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
    scheme = year.scheme
    scheme["owners_revenue_eur"] = (
        scheme["owners_export_value_eur"]
        + scheme["panel_fees_eur"]
        + scheme["sharing_fees_eur"]
        + scheme["common_fees_eur"]
    )
    scheme["owners_net_running_eur"] = scheme["owners_revenue_eur"] - (
        scheme["opex_eur"] - scheme["opex_paid_by_cooperative_scheme_eur"]
    )
    parts = pd.DataFrame(
        {name: np.where(household, values, 0.0) for name, values in year.parts.items()},
        index=participants.index,
    )
    parts.insert(0, "energy", money["benefit_eur"] - parts.sum(axis=1))
    return money, scheme, parts


def _sce_available(scenario: Scenario) -> bool:
    fin = scenario.finance
    if fin.sce_available is not None:
        return fin.sce_available
    # the regulation is recorded as lapsing 1 April 2026 (domain.md section 4)
    return scenario.rules_year <= 2026


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
    Operating year ``y`` falls in calendar year ``scenario.rules_year + y - 1``: while that
    is at most 2026 the year-1 figures under net metering apply, later ones are
    recomputed without net metering (Kamerstuk 36 611). Each cash-flow item follows its
    own path over the lifetime (:func:`energysim.business.item_paths`): kWh valued at
    energy prices follow degradation ``(1 - d)^(y-1)`` and price indexation
    ``(1 + i)^(y-1)``; the panel fee only the fee indexation; the sharing fee per kWh
    degradation and the fee indexation; the SCE subsidy degradation for its 15 years;
    running costs the price indexation. Capex and opex are split by the ownership shares.
    """
    fin = scenario.finance
    check_scheme_rules(scenario)
    money, scheme, parts = year_one_parts(scenario, tariffs, participants, annual, buildings)
    later_scheme, later_parts = scheme, parts
    if tariffs.net_metering and scenario.rules_year <= NET_METERING_LAST_YEAR:
        after = replace(tariffs, net_metering=False)
        _, later_scheme, later_parts = year_one_parts(
            scenario, after, participants, annual, buildings
        )
    n = fin.lifetime_yr
    calendar = scenario.rules_year + np.arange(n)
    nm_years = calendar <= NET_METERING_LAST_YEAR if tariffs.net_metering else np.zeros(n, bool)
    degradation = _mean_degradation(scenario)
    stakeholders, cashflows = _owners_cases(scenario, scheme, later_scheme, nm_years, degradation)
    money["benefit_npv_eur"] = _households_npv_eur(
        scenario, parts, later_parts, nm_years, degradation
    )
    assumptions = _assumptions(scenario, tariffs)
    messages = _huurcommissie_warnings(scenario) + _connection_notes(scenario)
    if assumptions:
        messages.append(
            f"estimated figures for {scenario.rules_year} (check them; summary.json "
            "'assumptions' gives sources): "
            + "; ".join(Figure(**a).describe() for a in assumptions)
        )
    return Accounts(money, stakeholders, cashflows, scheme, messages, assumptions)


def _owners_cases(
    scenario: Scenario,
    scheme: dict[str, float],
    later_scheme: dict[str, float],
    nm_years: np.ndarray,
    degradation: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each owner's business case by its share: one row per owner (capex, year-1
    revenue and opex, NPV, IRR, payback) and its cash flows, one row per year.

    ``scheme`` and ``later_scheme`` are the year-1 totals under net metering and after;
    ``nm_years`` says per operating year which applies.
    """
    fin = scenario.finance
    n = fin.lifetime_yr

    def by_year(key: str) -> np.ndarray:
        return np.where(nm_years, scheme[key], later_scheme[key])

    capacity = scenario.capacity_kwp
    capex = capacity * fin.capex_eur_per_kwp
    replacement = capacity * fin.inverter_replacement_eur_per_kwp
    export_value = by_year("owners_export_value_eur")
    panel_fees = by_year("panel_fees_eur")
    # fees per kWh: members' and tenants' sharing fees, the common connection's price
    sharing_fees = by_year("sharing_fees_eur") + by_year("common_fees_eur")
    owner_opex = scheme["opex_eur"] - scheme["opex_paid_by_cooperative_scheme_eur"]
    stake_rows, flows = [], []
    for o in scenario.ownership:
        table = business.cash_flow_table(
            capex_eur=capex * o.share_frac,
            revenue_first_year_eur=export_value * o.share_frac,
            fixed_fee_first_year_eur=panel_fees * o.share_frac,
            per_kwh_fee_first_year_eur=sharing_fees * o.share_frac,
            fee_indexation_frac_per_yr=fin.fee_indexation_frac_per_yr,
            opex_first_year_eur=owner_opex * o.share_frac,
            lifetime_yr=n,
            degradation_frac_per_yr=degradation,
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
                "revenue_year1_eur": float(table["revenue_eur"].iloc[1]),
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
                for name in flows[0].columns
            },
        }
    )
    return stakeholders, cashflows


def _households_npv_eur(
    scenario: Scenario,
    parts: pd.DataFrame,
    later_parts: pd.DataFrame,
    nm_years: np.ndarray,
    degradation: float,
) -> np.ndarray:
    """Each household's lifetime NPV: each part of its benefit on its own path
    (:func:`energysim.business.item_paths`), in the regime of its year [EUR]."""
    fin = scenario.finance
    n = fin.lifetime_yr
    paths = business.item_paths(
        n,
        degradation,
        fin.price_indexation_frac_per_yr,
        fin.fee_indexation_frac_per_yr,
        subsidy_years=subsidies.SCE_DURATION_YR,
    )
    discount = (1.0 + fin.discount_rate_frac) ** -np.arange(1, n + 1)
    npv = np.zeros(len(parts))
    for name in BENEFIT_PATHS:
        per_year = np.where(
            nm_years[:, None],
            parts[name].to_numpy()[None, :],
            later_parts[name].to_numpy()[None, :],
        )
        weight = paths[name].to_numpy() * discount
        # elementwise sums, not BLAS: results must not depend on the thread count
        npv += (per_year * weight[:, None]).sum(axis=0)
    return npv


def _assumptions(scenario: Scenario, tariffs: TariffSet) -> list[dict[str, Any]]:
    """The estimated figures a run uses, as records (:meth:`Figure.as_record`).

    The large-connection network tariff only when a common connection is large; the SCE
    basisbedrag only when the SCE subsidy is paid; a large connection's contracted
    capacity when the scenario left it at its default.
    """
    large = [b for b in scenario.buildings if b.common.connection == "large"]
    used = [f for f in tariffs.estimates if large or not f.figure.startswith("large_network_")]
    if _uses_scheme(scenario) and _members_mode(scenario) == "sce" and _sce_available(scenario):
        for b in scenario.buildings:
            fig = sce_basisbedrag(scenario, b)
            if b.members.count and fig.is_estimate and fig not in used:
                used.append(fig)
    for b in large:
        if "contracted_capacity_kw" not in b.common.model_fields_set:
            used.append(
                Figure(
                    f"{b.id}.contracted_capacity_kw",
                    scenario.rules_year,
                    b.common.contracted_capacity_kw,
                    "kW",
                    "none",
                    "estimate",
                    "default contracted capacity of a large common connection (just above "
                    "3x80 A = 55 kVA); set buildings.common.contracted_capacity_kw",
                    scenario.rules_year,
                )
            )
    return [f.as_record() for f in used]


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


def panel_fee_by_period_eur_per_yr(scenario: Scenario) -> tuple[float, float]:
    """The highest panel fee of years 1-10 and of the years after, with its indexation.

    Returns
    -------
    tuple of float
        (highest fee in years 1-10, highest fee after; 0 without such years) [EUR/yr].
    """
    fin = scenario.finance
    fees = fin.panel_fee_eur_per_yr * (1.0 + fin.fee_indexation_frac_per_yr) ** np.arange(
        fin.lifetime_yr
    )
    return float(fees[:10].max()), float(fees[10:].max(initial=0.0))


def _huurcommissie_warnings(scenario: Scenario) -> list[str]:
    """Panel fee against the Huurcommissie limit of 10% of the investment per year."""
    fin = scenario.finance
    out: list[str] = []
    if fin.panel_fee_eur_per_yr <= 0:
        return out
    # the fee of each year, with its indexation: the highest of years 1-10 and after
    first, after = panel_fee_by_period_eur_per_yr(scenario)
    for b_id, (limit_first, limit_after) in panel_fee_limits_eur_per_yr(scenario).items():
        if first > limit_first + 1e-9:
            out.append(
                f"{b_id}: panel fee up to EUR {first:.2f}/yr exceeds the "
                f"Huurcommissie limit of 10% of the investment per dwelling "
                f"(EUR {limit_first:.2f}/yr; EUR {limit_after:.2f}/yr after 10 years)"
            )
        elif after > limit_after + 1e-9 and fin.lifetime_yr > 10:
            out.append(
                f"{b_id}: panel fee up to EUR {after:.2f}/yr after the first 10 years exceeds "
                f"the Huurcommissie limit of 6% then (EUR {limit_after:.2f}/yr)"
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
