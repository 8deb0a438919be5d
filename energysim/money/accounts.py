"""The money of a run: every household's bills and benefit, every stakeholder's case.

Year one comes from :mod:`energysim.money.year_one` (account by account); this module runs it
under each regime of the lifetime (net metering while it lasts), builds the owners' cash
flows and the households' NPV, checks the scheme's rules (SCE, Huurcommissie, connection
size) and lists the estimated figures a run used. Used by
:func:`energysim.simulate.run`; pure given its inputs.

The money balance holds by construction and is tested independently: in year 1, what
all households gain plus the owners' net running cash flow equals the avoided import of
every connection valued at its own bill, plus the feed-in value, plus subsidy and tax
refunds, minus running costs, minus the VAT that leaves the scheme (exempt owners' VAT on
running costs, taxable owners' output VAT on fees, :mod:`energysim.money.owner_vat`);
fees households pay to the owners cancel out.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from energysim.config.buildings import CONNECTION_UPGRADE_ESTIMATE_EUR
from energysim.config.scenario import Scenario
from energysim.config.scheme_rules import SCHEME_OWNER_TYPES, check_scheme_rules
from energysim.config.scheme_rules import uses_scheme as _uses_scheme
from energysim.config.tariffs import NET_METERING_LAST_YEAR, Figure, TariffSet
from energysim.core.frames import column_index
from energysim.core.messages import Message
from energysim.money import business, fairness, owner_vat, service_costs, subsidies
from energysim.money.readings import reading_notes, reading_records
from energysim.money.records import figure_record
from energysim.money.table_columns import (
    float_columns,
    frame_records,
    inferred_column,
    python_value,
)
from energysim.money.year_one import (
    BENEFIT_PATHS,
    members_mode,
    money_frame,
    year_one_arrays,
    year_one_inputs,
)

__all__ = [
    "SMALL_CONNECTION_MAX_KVA",
    "Accounts",
    "OwnerCases",
    "build_accounts",
    "connection_upgrade_eur",
    "distribution",
]


@dataclass
class OwnerCases:
    """Each owner's business case: its row of key figures and its cash flows.

    A run keeps what it computed (``rows``: one dict per owner, ``owner`` and
    :data:`STAKEHOLDER_COLUMNS`; ``flows``: one dict of :data:`CASH_FLOW_COLUMNS` arrays
    per owner, years 0..N) and makes the frames on first use: a batch row reads only the
    owners' records (:meth:`records`), and pandas' frames of text and optional columns
    cost more than the cases themselves. Tables changed after the run (the batteries'
    costs, :mod:`energysim.money.batteries`) are kept as frames (:meth:`of_frames`).
    """

    rows: list[dict[str, Any]] | None
    flows: list[dict[str, np.ndarray]] | None
    frames: tuple[pd.DataFrame, pd.DataFrame] | None = field(default=None, repr=False)

    @classmethod
    def of_frames(cls, stakeholders: pd.DataFrame, cashflows: pd.DataFrame) -> OwnerCases:
        """Cases given as their two tables (:attr:`Accounts.stakeholders`,
        :attr:`Accounts.cashflows`)."""
        return cls(None, None, (stakeholders, cashflows))

    def tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The stakeholders' and the cash flows' tables, made once."""
        if self.frames is None:
            assert self.rows is not None and self.flows is not None
            self.frames = (_stakeholders_frame(self.rows), _cashflows_frame(self.rows, self.flows))
        return self.frames

    def records(self) -> list[dict[str, Any]]:
        """One dict of Python values per owner, ``owner`` first, then
        :data:`STAKEHOLDER_COLUMNS`: the values of the stakeholders' table as
        :func:`energysim.money.table_columns.frame_records` reads them (``summary.json``'s
        ``stakeholders``), from the rows when the table was not made."""
        if self.rows is None or self.frames is not None:
            return frame_records(self.tables()[0], index=True)
        columns = _stakeholder_columns(self.rows)
        owners = [str(row["owner"]) for row in self.rows]
        return [
            {"owner": owner, **{c: python_value(columns[c][k]) for c in STAKEHOLDER_COLUMNS}}
            for k, owner in enumerate(owners)
        ]


@dataclass
class Accounts:
    """Money tables of a run.

    Attributes
    ----------
    money : pandas.DataFrame
        One row per participant (index ``participant_id``), EUR per year 1.
    owners : OwnerCases
        The owners' business cases; :attr:`stakeholders` and :attr:`cashflows` are its
        tables.
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
    owners: OwnerCases
    scheme: dict[str, float]
    messages: list[str] = field(default_factory=list)
    assumptions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def stakeholders(self) -> pd.DataFrame:
        """One row per owner (index ``owner``): :data:`STAKEHOLDER_COLUMNS` (VAT regime,
        capex, year-1 revenue and opex, NPV, IRR, payback)."""
        return self.owners.tables()[0]

    @property
    def cashflows(self) -> pd.DataFrame:
        """One row per owner and year 0..lifetime: ``owner``, ``year`` and
        :data:`energysim.money.business.CASH_FLOW_COLUMNS`."""
        return self.owners.tables()[1]


SMALL_CONNECTION_MAX_KVA = 3 * 80 * 230 / 1000
"""A small connection is at most 3x80 A: 55.2 kVA at 230 V (Elektriciteitswet 1998 art. 95a)."""


def _connection_notes(scenario: Scenario) -> list[str]:
    """Notes on common connections whose size does not fit the installation."""
    out: list[str] = []
    for b in scenario.buildings:
        on_common = [a for a in b.arrays if a.setup == "common"]
        ac_kw = sum(a.dc_capacity_kwp / a.dc_ac_ratio for a in on_common)
        if b.common.connection == "small" and ac_kw > SMALL_CONNECTION_MAX_KVA:
            out.append(
                Message(
                    f"{b.id}: {ac_kw:.1f} kW of inverters on the common connection exceed a "
                    f"small connection (3x80 A = {SMALL_CONNECTION_MAX_KVA:.1f} kVA); such a "
                    "connection is normally large (set buildings.common.connection = 'large': "
                    "capacity-based network tariff, no net metering)",
                    "common_connection_too_small",
                    building=b.id,
                    inverter_kw=ac_kw,
                    max_kva=SMALL_CONNECTION_MAX_KVA,
                )
            )
        if _uses_scheme(scenario) and members_mode(scenario) == "sce" and b.members.count:
            kwp = sum(a.dc_capacity_kwp for a in on_common)
            low, high = (15.0, 100.0) if b.common.connection == "small" else (15.0, 500.0)
            if not low <= kwp <= high:
                out.append(
                    Message(
                        f"{b.id}: the SCE category of a {b.common.connection} connection is "
                        f"{low:g}-{high:g} kWp, found {kwp:.1f} kWp on the common connection",
                        "sce_category_mismatch",
                        building=b.id,
                        connection=b.common.connection,
                        low_kwp=low,
                        high_kwp=high,
                        kwp=kwp,
                    )
                )
    return out


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
    own path over the lifetime (:func:`energysim.money.business.item_paths`): kWh valued at
    energy prices follow degradation ``(1 - d)^(y-1)`` and price indexation
    ``(1 + i)^(y-1)``; the panel fee only the fee indexation; the sharing fee per kWh
    degradation and the fee indexation; the SCE subsidy is computed year by year
    (:func:`energysim.money.subsidies.sce_subsidy_by_year_eur`: 15 years from the decision,
    a fixed basisbedrag against indexed market values); running costs the price
    indexation. Capex and opex are split by the ownership shares and paid as each
    owner's VAT regime says (:mod:`energysim.money.owner_vat`); members' lifetime NPV
    counts what they paid for their certificates.
    """
    fin = scenario.finance
    check_scheme_rules(scenario)
    inputs = year_one_inputs(scenario, participants, annual, buildings)
    money_by_column, scheme, parts = year_one_arrays(
        scenario, tariffs, participants, annual, buildings, inputs
    )
    scheme = owner_vat.with_owners_vat(scenario, tariffs, scheme)
    later_scheme, later_parts = scheme, parts
    if tariffs.net_metering and scenario.rules_year <= NET_METERING_LAST_YEAR:
        after = replace(tariffs, net_metering=False)
        _, later_scheme, later_parts = year_one_arrays(
            scenario, after, participants, annual, buildings, inputs
        )
        later_scheme = owner_vat.with_owners_vat(scenario, after, later_scheme)
    n = fin.lifetime_yr
    calendar = scenario.rules_year + np.arange(n)
    nm_years = calendar <= NET_METERING_LAST_YEAR if tariffs.net_metering else np.zeros(n, bool)
    degradation = _mean_degradation(scenario)
    owners = _owners_cases(scenario, tariffs, scheme, later_scheme, nm_years, degradation)
    subsidy = subsidies.members_subsidy_by_year_eur(
        scenario, participants, annual, buildings, degradation
    )
    npv = _households_npv_eur(
        scenario, parts, later_parts, nm_years, degradation, subsidy
    ) - subsidies.certificates_paid_eur(scenario, participants)
    money = money_frame({**money_by_column, "benefit_npv_eur": npv}, participants.index)
    assumptions = _assumptions(scenario, tariffs)
    compliance = service_costs.compliance_rows(scenario, money, participants)
    broken = not all(row["holds"] for row in compliance)
    messages = (
        (
            service_costs.compliance_warnings(
                pd.DataFrame(compliance, columns=list(service_costs.COMPLIANCE_COLUMNS))
            )
            if broken
            else []
        )
        + _connection_notes(scenario)
        + subsidies.sce_notes(scenario)
    )
    if assumptions:
        messages.append(
            Message(
                f"estimated figures for {scenario.rules_year} (check them; summary.json "
                "'assumptions' gives sources): "
                + "; ".join(Figure(**a).describe() for a in assumptions),
                "estimated_figures",
                year=scenario.rules_year,
                figures=[a["figure"] for a in assumptions],
            )
        )
    # the readings of the law the bills applied: records, and notes of their own (they
    # are not estimated figures)
    assumptions += reading_records(scenario, tariffs, participants, annual)
    assumptions.append(figure_record(owner_vat.sales_vat_reading(scenario)))
    assumptions += service_costs.service_cost_assumptions(scenario)
    messages += reading_notes(scenario, tariffs, participants, annual, scheme)
    return Accounts(money, owners, scheme, messages, assumptions)


def _owners_cases(
    scenario: Scenario,
    tariffs: TariffSet,
    scheme: dict[str, float],
    later_scheme: dict[str, float],
    nm_years: np.ndarray,
    degradation: float,
) -> OwnerCases:
    """Each owner's business case by its share: one row per owner (VAT regime, capex,
    year-1 revenue and opex, NPV, IRR, payback) and its cash flows, years 0..N.

    ``scheme`` and ``later_scheme`` are the year-1 totals under net metering and after;
    ``nm_years`` says per operating year which applies. Each owner's costs and fees are
    as its VAT regime pays them (:func:`energysim.money.owner_vat.owner_terms`); a
    cooperative owner receives what members paid for their certificates in year 0.
    """
    fin = scenario.finance
    n = fin.lifetime_yr

    def by_year(key: str) -> np.ndarray:
        return np.where(nm_years, scheme[key], later_scheme[key])

    capacity = scenario.capacity_kwp
    capex = capacity * fin.capex_eur_per_kwp + connection_upgrade_eur(scenario)
    replacement = capacity * fin.inverter_replacement_eur_per_kwp
    export_value = by_year("owners_export_value_eur")
    panel_fees = by_year("panel_fees_eur")
    # fees per kWh: members' and tenants' sharing fees, the common connection's price
    sharing_fees = by_year("sharing_fees_eur") + by_year("common_fees_eur")
    owner_opex = scheme["opex_eur"] - scheme["opex_paid_by_cooperative_scheme_eur"]
    certificates = subsidies.certificates_total_eur(scenario)
    energy_prices = business.energy_price_factors(fin, scenario.rules_year)
    cooperative_share = sum(
        o.share_frac for o in scenario.ownership if o.owner_type in SCHEME_OWNER_TYPES
    )
    stake_rows, flows = [], []
    for o in scenario.ownership:
        vat = owner_vat.owner_terms(scenario, tariffs, o)
        share = o.share_frac
        received = (
            certificates * share / cooperative_share if o.owner_type in SCHEME_OWNER_TYPES else 0.0
        )
        table = business.cash_flow_arrays(
            capex_eur=capex * share * vat["capex"],
            certificates_eur=received,
            revenue_first_year_eur=export_value * share,
            fixed_fee_first_year_eur=panel_fees * share * vat["fees"],
            per_kwh_fee_first_year_eur=sharing_fees * share * vat["fees"],
            fee_indexation_frac_per_yr=fin.fee_indexation_frac_per_yr,
            opex_first_year_eur=owner_opex * share * vat["running"],
            lifetime_yr=n,
            degradation_frac_per_yr=degradation,
            indexation_frac_per_yr=fin.price_indexation_frac_per_yr,
            energy_price_factor=energy_prices,
            inverter_replacement_eur=replacement * share * vat["running"],
            inverter_replacement_year=fin.inverter_replacement_year,
        )
        cf = table["net_cash_flow_eur"]
        stake_rows.append(
            {
                "owner": o.owner,
                "owner_type": o.owner_type,
                "share_frac": share,
                "vat": owner_vat.regime(o),
                "capex_eur": capex * share * vat["capex"],
                "revenue_year1_eur": float(table["revenue_eur"][1]),
                "opex_year1_eur": owner_opex * share * vat["running"],
                "net_year1_eur": float(cf[1]),
                "npv_eur": business.npv_eur(cf, fin.discount_rate_frac),
                "irr_frac": business.irr_frac(cf),
                "payback_yr": business.simple_payback_yr(cf),
            }
        )
        flows.append(table)
    return OwnerCases(stake_rows, flows)


STAKEHOLDER_COLUMNS = (
    "owner_type",
    "share_frac",
    "vat",
    "capex_eur",
    "revenue_year1_eur",
    "opex_year1_eur",
    "net_year1_eur",
    "npv_eur",
    "irr_frac",
    "payback_yr",
)
"""The columns of :attr:`Accounts.stakeholders`, in order (index ``owner``)."""

_TEXT_COLUMNS = ("owner_type", "vat")
_OPTIONAL_COLUMNS = ("irr_frac", "payback_yr")  # None where an owner's has none


def _stakeholder_columns(rows: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    """The owners' rows (:data:`STAKEHOLDER_COLUMNS`) as the arrays ``pd.DataFrame``
    infers from the rows' lists: text as objects (made strings by the frame), IRR and
    payback float64 with NaN for None unless all are None
    (:func:`energysim.money.table_columns.inferred_column`), the rest float64."""
    columns: dict[str, np.ndarray] = {}
    for name in STAKEHOLDER_COLUMNS:
        values = [row[name] for row in rows]
        if name in _TEXT_COLUMNS:
            columns[name] = np.array(values, dtype=object)
        elif name in _OPTIONAL_COLUMNS:
            columns[name] = inferred_column(values)
        else:
            columns[name] = np.array(values, dtype=np.float64)
    return columns


def _stakeholders_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The owners' rows as a frame, index ``owner``: the dtypes and values
    ``pd.DataFrame`` infers from the rows' lists, each column given as its array."""
    owners = pd.Index([row["owner"] for row in rows], name="owner")
    columns = _stakeholder_columns(rows)
    return pd.DataFrame(columns, index=owners, columns=column_index(STAKEHOLDER_COLUMNS))


def _cashflows_frame(
    rows: list[dict[str, Any]], flows: list[dict[str, np.ndarray]]
) -> pd.DataFrame:
    """The owners' cash flows, one row per owner and year 0..N: ``owner``, ``year``,
    :data:`energysim.money.business.CASH_FLOW_COLUMNS`."""
    names = np.array([row["owner"] for row in rows], dtype=object)
    years = np.arange(0, len(flows[0]["net_cash_flow_eur"]))
    return pd.DataFrame(
        {
            "owner": np.repeat(names, len(years)),
            "year": np.tile(years, len(flows)),
            **{
                name: np.concatenate([t[name] for t in flows])
                for name in business.CASH_FLOW_COLUMNS
            },
        },
        columns=column_index(("owner", "year", *business.CASH_FLOW_COLUMNS)),
    )


def _households_npv_eur(
    scenario: Scenario,
    parts: dict[str, np.ndarray],
    later_parts: dict[str, np.ndarray],
    nm_years: np.ndarray,
    degradation: float,
    subsidy_by_year: np.ndarray,
) -> np.ndarray:
    """Each household's lifetime NPV of its benefit: each part on its own path
    (:func:`energysim.money.business.item_paths`), in the regime of its year; the SCE
    subsidy in a payout year by year (``subsidy_by_year``, operating year x participant,
    :func:`energysim.money.subsidies.members_subsidy_by_year_eur`) [EUR]."""
    fin = scenario.finance
    n = fin.lifetime_yr
    paths = business.item_path_arrays(
        n,
        degradation,
        fin.price_indexation_frac_per_yr,
        fin.fee_indexation_frac_per_yr,
        energy_price_factor=business.energy_price_factors(fin, scenario.rules_year),
    )
    discount = (1.0 + fin.discount_rate_frac) ** -np.arange(1, n + 1)
    npv = np.zeros(len(parts["energy"]))
    for name in BENEFIT_PATHS:
        if name == "subsidy":
            per_year, weight = subsidy_by_year, discount
        else:
            per_year = np.where(
                nm_years[:, None],
                parts[name][None, :],
                later_parts[name][None, :],
            )
            weight = paths[name] * discount
        # elementwise sums, not BLAS: results must not depend on the thread count
        npv += (per_year * weight[:, None]).sum(axis=0)
    return npv


def connection_upgrade_eur(scenario: Scenario) -> float:
    """The one-off cost of making common connections large, part of the owners' capex
    in year 0 (``buildings[].common.connection_upgrade_eur``) [EUR, excl. VAT]."""
    return float(sum(b.common.connection_upgrade_eur or 0.0 for b in scenario.buildings))


def _assumptions(scenario: Scenario, tariffs: TariffSet) -> list[dict[str, Any]]:
    """The estimated figures a run uses, as records (:meth:`Figure.as_record`).

    The large-connection network tariff only when a common connection is large; the
    members' scheme's figures when it runs (:func:`energysim.money.subsidies.sce_assumptions`);
    each owner's default VAT regime (:func:`energysim.money.owner_vat.vat_assumptions`); a
    large connection's contracted capacity when the scenario left it at its default.
    """
    large = [b for b in scenario.buildings if b.common.connection == "large"]
    used = [f for f in tariffs.estimates if large or not f.figure.startswith("large_network_")]
    for fig in subsidies.sce_assumptions(scenario) + owner_vat.vat_assumptions(scenario, tariffs):
        if fig not in used:
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
    for b in scenario.buildings:
        if b.common.connection_upgrade_eur == CONNECTION_UPGRADE_ESTIMATE_EUR:
            used.append(
                Figure(
                    f"{b.id}.connection_upgrade_eur",
                    scenario.rules_year,
                    CONNECTION_UPGRADE_ESTIMATE_EUR,
                    "EUR one-off",
                    "excl",
                    "estimate",
                    "one-off cost of making the common connection large: the grid operator's "
                    "connection fee above 3x80 A (ACM-regulated, quoted per case) plus a new "
                    "main switchboard and metering; replace it with the grid operator's quote "
                    "(buildings.common.connection_upgrade_eur)",
                    scenario.rules_year,
                )
            )
    return [figure_record(f) for f in used]


def _mean_degradation(scenario: Scenario) -> float:
    arrays = [a for b in scenario.buildings for a in b.arrays]
    kwp = np.array([a.dc_capacity_kwp for a in arrays])
    return float(np.average([a.degradation_frac_per_yr for a in arrays], weights=kwp))


def distribution(
    money: pd.DataFrame,
    participants: pd.DataFrame,
    consumption_kwh: pd.Series | np.ndarray,
) -> dict[str, Any]:
    """Per role: statistics of the benefit and the mean benefit per consumption quintile
    (``consumption_kwh`` per participant, in participant order [kWh/yr])."""
    out: dict[str, Any] = {}
    roles = participants["role"].to_numpy()
    benefit = float_columns(money, ["benefit_eur"])["benefit_eur"]
    consumption = np.asarray(consumption_kwh)
    for role in ("tenant", "member"):
        sel = roles == role
        if not sel.any():
            continue
        b = benefit[sel]
        stats: dict[str, Any] = dict(fairness.benefit_statistics(b))
        stats["by_consumption_quintile"] = fairness.benefit_by_quintile(b, consumption[sel])
        out[role] = stats
    return out
