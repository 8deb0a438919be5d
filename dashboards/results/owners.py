"""The owners' side on Results: each owner's case and the scheme's prices.

From the run's summary (``stakeholders``, ``scheme_eur``), its participants table and the
scenario's ``[finance]`` prices: each owner's investment, year-one cash, NPV, IRR and
payback; for a cooperative what that means per member; and who pays the scheme's prices
to whom. Nothing is recomputed but sums of the run's per-household fees and a division
by the number of members.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboards.shared import formatting as fmt
from dashboards.shared.i18n import t
from energysim.config.scenario import Scenario

COOPERATIVE_TYPES = ("resident_cooperative",)
"""Owner types whose members are the scenario's neighbourhood members."""


def members_count(s: dict[str, Any]) -> int:
    """The scenario's neighbourhood members (the households of role ``member``)."""
    return int((s["household_benefit_eur"].get("member") or {}).get("households", 0))


def owner_rows(s: dict[str, Any]) -> pd.DataFrame:
    """One row per owner: its case as the run computed it [EUR, fraction, years]."""
    rows = [
        {
            "owner": o["owner"],
            "owner_type": o["owner_type"],
            "share_frac": o["share_frac"],
            "capex_eur": o["capex_eur"],
            "net_year1_eur": o["net_year1_eur"],
            "npv_eur": o["npv_eur"],
            "irr_frac": o["irr_frac"],
            "payback_yr": o["payback_yr"],
        }
        for o in s.get("stakeholders", [])
    ]
    return pd.DataFrame(rows)


def per_member(s: dict[str, Any]) -> list[dict[str, Any]]:
    """For each cooperative owner: its NPV and year-one cash per member [EUR]."""
    members = members_count(s)
    out = []
    for o in s.get("stakeholders", []):
        if o["owner_type"] in COOPERATIVE_TYPES and members > 0:
            out.append(
                {
                    "owner": o["owner"],
                    "members": members,
                    "npv_eur": o["npv_eur"] / members,
                    "net_year1_eur": o["net_year1_eur"] / members,
                }
            )
    return out


def prices(scenario: Scenario, s: dict[str, Any], participants: pd.DataFrame) -> pd.DataFrame:
    """The scheme's prices, who pays them and the year-one total of each [EUR].

    The tenants' fees are the panel fee plus the fee per shared kWh (the participants
    table's ``fees_eur`` of the tenants, less the panel fees); the members' are their
    ``fees_eur``; the common connection's is ``scheme_eur.common_fees_eur``.
    """
    f = scenario.finance
    scheme = s["scheme_eur"]
    fees = participants.groupby("role")["fees_eur"].sum()

    def per_kwh(price: float) -> str:
        return fmt.eur_per_kwh(price) if price > 0 else t("owners.none")

    rows = [
        (
            "panel_fee",
            fmt.eur(f.panel_fee_eur_per_yr) if f.panel_fee_eur_per_yr > 0 else t("owners.none"),
            "tenants_in",
            scheme["panel_fees_eur"],
        ),
        (
            "tenant_sharing_fee",
            per_kwh(f.tenant_sharing_fee_eur_per_kwh),
            "tenants_in",
            float(fees.get("tenant", 0.0)) - scheme["panel_fees_eur"],
        ),
        (
            "sharing_fee",
            per_kwh(f.sharing_fee_eur_per_kwh),
            "members",
            float(fees.get("member", 0.0)),
        ),
        (
            "common_fee",
            per_kwh(f.common_fee_eur_per_kwh),
            "service_costs",
            scheme["common_fees_eur"],
        ),
    ]
    return pd.DataFrame(rows, columns=["price", "amount", "payer", "year1_eur"])


def _shown_owners(rows: pd.DataFrame, lifetime_yr: int) -> pd.DataFrame:
    never = t("owners.never", years=lifetime_yr)
    return pd.DataFrame(
        {
            t("owners.col.owner"): rows["owner"],
            t("owners.col.owner_type"): [t(f"design.owner_type.{v}") for v in rows["owner_type"]],
            t("owners.col.share"): [fmt.percent(v, 0) for v in rows["share_frac"]],
            t("owners.col.capex"): [fmt.eur(v) for v in rows["capex_eur"]],
            t("owners.col.net_year1"): [fmt.eur(v) for v in rows["net_year1_eur"]],
            t("owners.col.npv"): [fmt.eur(v) for v in rows["npv_eur"]],
            t("owners.col.irr"): [
                fmt.percent(v) if v is not None else t("owners.no_irr") if p is None else fmt.NONE
                for v, p in zip(rows["irr_frac"], rows["payback_yr"], strict=True)
            ],
            t("owners.col.payback"): [
                never if v is None else t("owners.years", years=fmt.number(v, 1))
                for v in rows["payback_yr"]
            ],
        }
    )


def _shown_prices(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("owners.col.price"): [t(f"owners.price.{p}") for p in table["price"]],
            t("owners.col.amount"): table["amount"],
            t("owners.col.payer"): [t(f"owners.payer.{p}") for p in table["payer"]],
            t("owners.col.year1"): [fmt.eur(v) for v in table["year1_eur"]],
        }
    )


def show(scenario: Scenario, s: dict[str, Any], participants: pd.DataFrame) -> None:
    """The owners' cases and the scheme's prices, under the households' answer."""
    rows = owner_rows(s)
    if rows.empty:
        return
    lifetime = scenario.finance.lifetime_yr
    st.subheader(t("owners.heading"), help=t("owners.help", years=lifetime))
    st.table(_shown_owners(rows, lifetime).set_index(t("owners.col.owner")))
    st.caption(
        t(
            "owners.side_by_side",
            households=fmt.eur(s["household_benefit_total_eur"]),
            npv=fmt.eur(float(rows["npv_eur"].sum())),
            years=lifetime,
        )
    )
    for m in per_member(s):
        st.markdown(
            t(
                "owners.per_member",
                owner=m["owner"],
                members=fmt.count(m["members"]),
                npv=fmt.eur(m["npv_eur"]),
                cash=fmt.eur(m["net_year1_eur"]),
            )
        )
    st.markdown(t("owners.prices_heading"))
    st.table(_shown_prices(prices(scenario, s, participants)).set_index(t("owners.col.price")))
    st.caption(t("owners.prices_caption"))
