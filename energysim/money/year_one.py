"""The money of year one, account by account: every participant's bills and benefit.

Turns the annual energy of each participant (:func:`energysim.sharing.flows.annual_energy`) and
of each building into euros under the year's regime (domain.md sections 4-5), one
function per account, building by building, each to be checked against its rule in
docs/finance.md ("Year one, account by account"): the running costs, the common
connection, the dwellings, the members and their scheme; then the households' benefits
and the owners' year-1 totals. :func:`energysim.money.accounts.build_accounts` carries these
over the lifetime.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from energysim.config.buildings import Building
from energysim.config.scenario import Scenario, participant_ids
from energysim.config.tariffs import TariffSet
from energysim.core.frames import float_frame
from energysim.money import finance, owner_vat, subsidies
from energysim.money.readings import dynamic_feed_in, shared_kwh_taxed
from energysim.money.table_columns import float_columns

MONEY_COLUMNS = (
    "bill_without_eur",
    "bill_with_eur",
    "service_cost_saving_eur",
    "fees_eur",
    "payout_eur",
    "tax_refund_eur",
    "passed_to_service_costs_eur",
)
"""Year-1 money of a participant [EUR/yr], the columns of
:attr:`energysim.money.accounts.Accounts.money` (before ``benefit_eur``)."""

BENEFIT_PATHS = ("energy", "subsidy", "cost", "fixed_fee", "per_kwh_fee")
"""The parts of a household's benefit by how they move over the lifetime
(:func:`energysim.money.business.item_paths`): bill difference, service-cost saving, payouts
from market revenue and tax refunds follow ``energy``; the SCE subsidy in a payout
``subsidy``; the cooperative's running costs in a payout ``cost``; the panel fee
``fixed_fee``; the fees per kWh (sharing fees, and the common connection's price in the
service costs) ``per_kwh_fee``."""


def members_mode(scenario: Scenario) -> str:
    """How the neighbourhood members take part: ``sharing``, ``sce`` or ``postcoderoos``."""
    return scenario.allocation.members.mode


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
    money, scheme, _ = year_one_arrays(scenario, tariffs, participants, annual, buildings)
    return money_frame(money, participants.index), scheme


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
        Per participant: :data:`ANNUAL_COLUMNS` (``consumption_kwh``,
        ``own_string_kwh``, ``shared_kwh``, ``own_export_kwh``, ``supply_cost_without_eur``,
        ``supply_cost_with_eur``: supply price times kWh, summed over intervals, dynamic
        prices allowed), and with a dynamic contract ``own_export_value_eur``.
    buildings : pandas.DataFrame
        Per building: ``capacity_kwp``, ``generation_kwh``, ``common_export_kwh``,
        ``sce_kwh`` (the cooperative scheme's fed-in energy); for a large common
        connection ``common_monthly_peaks_without_kw`` and ``common_monthly_peaks_with_kw``
        (sum over the months of the peak import [kW]); with a dynamic contract
        ``common_export_value_eur`` (its feed-in at the interval prices [EUR/yr]).

    Returns
    -------
    money : pandas.DataFrame
        :data:`MONEY_COLUMNS` and ``benefit_eur`` per participant [EUR/yr].
    scheme : dict
        Year-1 totals [EUR/yr].
    parts : pandas.DataFrame
        Each household's ``benefit_eur`` split by :data:`BENEFIT_PATHS` (columns sum to it).
    """
    money, scheme, parts = year_one_arrays(scenario, tariffs, participants, annual, buildings)
    index = participants.index
    return money_frame(money, index), scheme, pd.DataFrame(parts, index=index)


def money_frame(money: dict[str, np.ndarray], index: pd.Index) -> pd.DataFrame:
    """The year-1 money of :func:`year_one_arrays` as a frame: :data:`MONEY_COLUMNS`, then
    ``benefit_eur`` [EUR/yr], then ``benefit_npv_eur`` when ``money`` has it (the
    lifetime NPV :func:`energysim.money.accounts.build_accounts` adds); one float64 block
    (:func:`energysim.core.frames.float_frame`)."""
    names = (*MONEY_COLUMNS, "benefit_eur", "benefit_npv_eur")
    return float_frame({name: money[name] for name in names if name in money}, index)


def year_one_arrays(
    scenario: Scenario,
    tariffs: TariffSet,
    participants: pd.DataFrame,
    annual: pd.DataFrame,
    buildings: pd.DataFrame,
    inputs: YearOneInputs | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, float], dict[str, np.ndarray]]:
    """:func:`year_one_parts` as arrays in participant order, not frames: the money by
    column (:data:`MONEY_COLUMNS` and ``benefit_eur``, :func:`money_frame` makes the
    frame) and the benefits' parts by path of :data:`BENEFIT_PATHS`; what
    :func:`energysim.money.accounts.build_accounts` computes with.

    ``inputs``, when given, are :func:`year_one_inputs` of the same scenario and tables:
    the money of a second regime (without net metering) reads them again instead of
    the tables."""
    if inputs is None:
        inputs = year_one_inputs(scenario, participants, annual, buildings)
    year = _YearOne.start(scenario, tariffs, inputs)
    for b in scenario.buildings:
        ids = participant_ids(b)
        bld = inputs.buildings[b.id]
        opex_scheme = _running_costs(year, b, bld)
        saving, fee = _common_connection_account(year, b, ids, bld, year.row(ids["common"][0]))
        _dwellings_account(year, b, ids, saving, fee)
        _members_account(year, b, ids, bld, opex_scheme)
    return _benefits_and_owners(year)


@dataclass(frozen=True)
class YearOneInputs:
    """What the year-1 money reads of a run's tables, as arrays in participant order:
    the annual energy (:data:`ANNUAL_COLUMNS`, and ``own_export_value_eur`` with a
    dynamic contract), who participates, who is a household (not a common connection),
    each participant's position and each building's row of the buildings table.

    Read-only: the money of both regimes of a lifetime reads the same inputs.
    """

    annual: dict[str, np.ndarray]
    participating: np.ndarray
    household: np.ndarray
    position: dict[str, int]
    buildings: dict[str, _Row]


def year_one_inputs(
    scenario: Scenario,
    participants: pd.DataFrame,
    annual: pd.DataFrame,
    buildings: pd.DataFrame,
) -> YearOneInputs:
    """The arrays :func:`year_one_arrays` reads of the participants', annual energy and
    buildings tables (``annual`` in participant order if it is not)."""
    if not annual.index.equals(participants.index):
        annual = annual.loc[participants.index]
    names = ANNUAL_COLUMNS + (("own_export_value_eur",) if dynamic_feed_in(scenario) else ())
    columns = [str(name) for name in buildings.columns]
    values = buildings.to_numpy()
    return YearOneInputs(
        annual=float_columns(annual, names),
        participating=participants["participating"].to_numpy(dtype=bool),
        household=participants["role"].to_numpy() != "common",
        position={pid: j for j, pid in enumerate(participants.index.to_numpy().tolist())},
        buildings={
            bid: _Row(**dict(zip(columns, row, strict=True)))
            for bid, row in zip(buildings.index.to_numpy().tolist(), values, strict=True)
        },
    )


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
    "common_fee_energy_tax_eur",
    "input_vat_eur",
    "output_vat_eur",
)
"""Year-1 totals of the scheme that the accounts add to, building by building [EUR/yr]
(``owners_revenue_eur`` and ``owners_net_running_eur`` follow from them; the owners' VAT
is added by :func:`energysim.money.owner_vat.with_owners_vat`)."""

ANNUAL_COLUMNS = (
    "consumption_kwh",
    "own_string_kwh",
    "shared_kwh",
    "own_export_kwh",
    "supply_cost_without_eur",
    "supply_cost_with_eur",
)
"""The columns of the annual energy table the year-1 money reads [kWh/yr, EUR/yr]; a
dynamic contract also reads ``own_export_value_eur``
(:func:`energysim.money.readings.dynamic_feed_in`)."""


class _Row(SimpleNamespace):
    """One row of a table as attributes, values as the table holds them (numpy scalars):
    a building of the buildings table, a participant's annual energy."""

    def __getattr__(self, name: str) -> Any:  # for mypy: the columns are attributes
        raise AttributeError(name)


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
    household: np.ndarray
    position: dict[str, int]
    money: dict[str, np.ndarray]
    parts: dict[str, np.ndarray]
    scheme: dict[str, float]
    taxed: bool = True
    dynamic: bool = False

    @classmethod
    def start(cls, scenario: Scenario, tariffs: TariffSet, inputs: YearOneInputs) -> _YearOne:
        """Every amount 0, the annual energy as arrays in participant order."""
        n = len(inputs.participating)
        return cls(
            scenario=scenario,
            tariffs=tariffs,
            annual=inputs.annual,
            participating=inputs.participating,
            household=inputs.household,
            position=inputs.position,
            money={name: np.zeros(n) for name in MONEY_COLUMNS},
            parts={name: np.zeros(n) for name in BENEFIT_PATHS[1:]},
            scheme={name: 0.0 for name in SCHEME_TOTALS},
            taxed=shared_kwh_taxed(scenario),
            dynamic=dynamic_feed_in(scenario),
        )

    def row(self, pid: str) -> _Row:
        """One participant's annual energy (:data:`ANNUAL_COLUMNS`) as attributes."""
        j = self.position[pid]
        return _Row(**{name: values[j] for name, values in self.annual.items()})

    def rows(self, ids: list[str]) -> list[int]:
        """Positions of some participants."""
        return [self.position[p] for p in ids]

    def put(self, ids: list[str], **values: Any) -> None:
        """Set money columns or benefit parts of some participants."""
        rows = self.rows(ids)
        for name, value in values.items():
            (self.parts if name in self.parts else self.money)[name][rows] = value

    def household_bills(self, rows: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Bills of some households without and with the scheme [EUR/yr].

        With the scheme the meter records ``consumption - own string`` (the kWh shared
        over the grid included) and the household's own feed-in: energy tax on that
        offtake less the netted feed-in, the supply price on what is not shared
        (:func:`energysim.money.finance.connection_bill_eur`); under the what-if
        ``shared_energy_tax = "exempt"`` the shared kWh are untaxed.
        """
        ann, tariffs = self.annual, self.tariffs
        without = finance.connection_bill_eur(
            ann["consumption_kwh"][rows],
            0.0,
            tariffs,
            supply_cost_eur=ann["supply_cost_without_eur"][rows],
        )
        shared = ann["shared_kwh"][rows]
        with_scheme = finance.connection_bill_eur(
            ann["consumption_kwh"][rows] - ann["own_string_kwh"][rows],
            ann["own_export_kwh"][rows],
            tariffs,
            shared_kwh=shared,
            untaxed_kwh=0.0 if self.taxed else shared,
            supply_cost_eur=ann["supply_cost_with_eur"][rows],
            export_value_eur=ann["own_export_value_eur"][rows] if self.dynamic else None,
        )
        return without, with_scheme


def _running_costs(year: _YearOne, b: Building, bld: _Row) -> float:
    """The building's running costs (excl. VAT), added to the scheme's totals; returns
    the part the cooperative scheme's energy carries (its share of the generation), with
    the VAT on it when the cooperative cannot deduct it
    (:func:`energysim.money.owner_vat.cooperative_scheme_vat_frac`) [EUR/yr]."""
    opex = b.capacity_kwp * year.scenario.finance.opex_eur_per_kwp_per_yr
    scheme_share = bld.sce_kwh / bld.generation_kwh if bld.generation_kwh > 0 else 0.0
    opex_scheme = opex * scheme_share
    year.scheme["opex_eur"] += opex
    year.scheme["opex_paid_by_cooperative_scheme_eur"] += opex_scheme
    vat = opex_scheme * owner_vat.cooperative_scheme_vat_frac(year.scenario, year.tariffs)
    year.scheme["input_vat_eur"] += vat
    return opex_scheme + vat


def _common_connection_account(
    year: _YearOne, b: Building, ids: dict[str, list[str]], bld: _Row, c: _Row
) -> tuple[float, float]:
    """The common connection: its bills without and with the scheme, its export value
    (to the owners or into the service costs) and the fee it pays the owners per kWh.

    Its own use of the roof is behind its meter: with the scheme the meter records
    ``consumption - shared`` (this tier's kWh) and its feed-in. A price per kWh for that
    use is a supply by the owners: while ``shared_energy_tax = "charged"`` the energy tax
    and VAT on those kWh come on its bill
    (:func:`energysim.money.finance.behind_meter_supply_tax_eur`) and reach the service
    costs at actual cost.

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
    offtake = max(float(c.consumption_kwh - c.shared_kwh), 0.0)
    with_scheme: dict[str, Any] = {
        "supply_cost_eur": c.supply_cost_with_eur,
        "monthly_peak_kw_sum": bld.common_monthly_peaks_with_kw if large else 0.0,
        **connection,
    }
    common_with = float(finance.connection_bill_eur(offtake, 0.0, tariffs, **with_scheme))
    export_kwh = float(bld.common_export_kwh)
    if year.dynamic:
        with_scheme["export_value_eur"] = float(bld.common_export_value_eur)
    export_value = common_with - float(
        finance.connection_bill_eur(offtake, export_kwh, tariffs, **with_scheme)
    )
    # the common connection pays the owners for the solar power it uses
    common_fee = float(c.shared_kwh) * fin.common_fee_eur_per_kwh
    if common_fee > 0 and year.taxed:
        taxed = finance.taxed_offtake_kwh(offtake, export_kwh, tariffs, b.common.connection)
        fee_tax = float(finance.behind_meter_supply_tax_eur(taxed, c.shared_kwh, tariffs))
        common_with += fee_tax
        year.scheme["common_fee_energy_tax_eur"] += fee_tax
    common_saving = common_without - common_with
    if fin.export_revenue_to == "service_costs":
        common_saving += export_value
    else:
        year.scheme["owners_export_value_eur"] += export_value
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
    t_without, t_with = year.household_bills(t)
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
    bld: _Row,
    opex_scheme: float,
) -> None:
    """The neighbourhood members: their bills and sharing fee per kWh, and under the SCE
    or postcoderoos the scheme's payout by certificates (:func:`_scheme_payout`)."""
    m = year.rows(ids["members"])
    if not m:
        return
    fin = year.scenario.finance
    m_without, m_with = year.household_bills(m)
    sharing_fee = year.annual["shared_kwh"][m] * fin.sharing_fee_eur_per_kwh
    year.scheme["sharing_fees_eur"] += float(sharing_fee.sum())
    certificates = np.asarray(b.members.certificates or np.ones(len(m)), dtype=np.float64)
    key = certificates / certificates.sum()
    payout = np.zeros(len(m))
    refund = np.zeros(len(m))
    subsidy = 0.0
    in_scheme = members_mode(year.scenario) in ("sce", "postcoderoos") and bld.sce_kwh > 0
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
    bld: _Row,
    key: np.ndarray,
    opex_scheme: float,
) -> tuple[np.ndarray, np.ndarray, float]:
    """The members' scheme (SCE or postcoderoos): the cooperative sells the fed-in kWh at
    what a supplier pays for them (RVO's correctiebedrag,
    :func:`energysim.money.subsidies.sce_market_value`), receives the SCE subsidy while its
    decision runs (:func:`energysim.money.subsidies.sce_subsidy_by_year_eur`; on a large
    connection also on the common connection's own use of the roof), pays its share of
    the running costs and pays out the rest by certificates; under the postcoderoos each
    member also gets the energy tax back on its share of the production, capped at its
    consumption.

    Returns each member's payout and tax refund and the building's subsidy [EUR/yr].
    """
    scenario, tariffs = year.scenario, year.tariffs
    mode = members_mode(scenario)
    market = subsidies.sce_market_value(scenario, b).value
    refund = np.zeros(len(m))
    subsidy = 0.0
    revenue = bld.sce_kwh * market
    year.scheme["scheme_market_revenue_eur"] += revenue
    decided, _ = subsidies.sce_decision_year(scenario)
    if mode == "sce" and decided is not None:
        terms = subsidies.sce_terms(scenario, b, decided)
        # own use behind a large common connection: what its tier took from the roof
        own_use = year.annual["shared_kwh"][year.position[participant_ids(b)["common"][0]]]
        first = subsidies.sce_subsidy_by_year_eur(
            terms, float(bld.sce_kwh), float(own_use), scenario.rules_year, 1
        )
        subsidy = float(first[0])
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
    year: _YearOne,
) -> tuple[dict[str, np.ndarray], dict[str, float], dict[str, np.ndarray]]:
    """Each household's benefit and its parts, and the owners' year-1 totals.

    ``benefit = bill without - bill with + service-cost saving + payout + tax refund -
    fees`` (0 for the common connection, whose saving reaches the dwellings through the
    service costs); the owners' revenue is the export value and every fee, their net
    running cash flow that less the running costs the scheme does not carry.
    """
    m = year.money
    household = year.household
    money = dict(m)
    money["benefit_eur"] = np.where(
        household,
        m["bill_without_eur"]
        - m["bill_with_eur"]
        + m["service_cost_saving_eur"]
        + m["payout_eur"]
        + m["tax_refund_eur"]
        - m["fees_eur"],
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
    others = np.stack([np.where(household, values, 0.0) for values in year.parts.values()])
    parts = {"energy": money["benefit_eur"] - _column_sums(others)}
    parts.update(zip(year.parts, others, strict=True))
    return money, scheme, parts


def _column_sums(rows: np.ndarray) -> np.ndarray:
    """Each participant's sum over the parts (rows of a parts x participants array)
    [EUR/yr].

    Numpy's reduction over the first axis of a C-ordered array: part after part, in
    order, for every participant at once; a NaN counts as 0 (``nansum``, as a pandas sum
    skips it).
    """
    return np.nansum(rows, axis=0)
