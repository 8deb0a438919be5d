"""The Results page's block on batteries and electric loads, when the run has them."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboards.shared import formatting as fmt
from dashboards.shared.i18n import t


def results(s: dict[str, Any]) -> None:
    """The Results page's block on batteries and electric loads, when the run has them."""
    storage, electric = s.get("storage"), s.get("electrification")
    if not storage and not electric:
        return
    st.subheader(t("storage.results.heading"))
    if storage:
        without = storage["self_consumption_frac_without_batteries"]
        gain = storage["self_consumption_gain_frac"]
        benefit = sum(storage["battery_benefit_eur"].values())
        c = st.columns(4)
        c[0].metric(
            t("storage.results.self_consumption"),
            fmt.percent(without + gain),
            fmt.pp(100 * gain),
            help=t("storage.results.self_consumption_help", without=fmt.percent(without)),
        )
        c[1].metric(
            t("storage.results.delivered"),
            fmt.kwh(storage["delivered_kwh"]),
            help=t("storage.results.delivered_help"),
        )
        c[2].metric(
            t("storage.results.lost"),
            fmt.kwh(storage["loss_kwh"]),
            help=t("storage.results.lost_help"),
        )
        c[3].metric(
            t("storage.results.benefit"),
            fmt.eur(benefit),
            help=t(
                "storage.results.benefit_help",
                tenants=fmt.eur(storage["battery_benefit_eur"].get("tenants", 0.0)),
                members=fmt.eur(storage["battery_benefit_eur"].get("members", 0.0)),
            ),
        )
        st.caption(
            t(
                "storage.results.costs",
                capex=fmt.eur(storage["capex_eur"]),
                opex=fmt.eur(storage["opex_eur_per_yr"]),
            )
        )
    if electric:
        c = st.columns(4)
        if electric.get("heat_pump_dwellings"):
            c[0].metric(
                t("storage.results.heat_pump_kwh"),
                fmt.kwh(electric["heat_pump_kwh"]),
                help=t(
                    "storage.results.heat_pump_help",
                    dwellings=fmt.count(electric["heat_pump_dwellings"]),
                    heat=fmt.kwh(electric["space_heat_kwh"] + electric["hot_water_heat_kwh"]),
                ),
            )
            c[1].metric(
                t("storage.results.cop"),
                fmt.number(electric["seasonal_cop"], 2),
                help=t("storage.results.cop_help"),
            )
        if electric.get("ev_vehicles"):
            c[2].metric(
                t("storage.results.ev_kwh"),
                fmt.kwh(electric["ev_kwh"]),
                help=t("storage.results.ev_help", vehicles=fmt.count(electric["ev_vehicles"])),
            )
            c[3].metric(
                t("storage.results.ev_unserved"),
                fmt.kwh(electric["ev_unserved_kwh"]),
                help=t("storage.results.ev_unserved_help"),
            )
