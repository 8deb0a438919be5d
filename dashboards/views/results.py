"""Results page: energy flows, typical days, months, benefit per household."""

from __future__ import annotations

import altair as alt
import pandas as pd
import state
import streamlit as st

from views import common, storage

ROLE_LABEL = {"common": "Common installations", "tenants": "Tenants", "members": "Members"}


def page(checked: state.Check) -> None:
    """Render the Results page for the session's scenario."""
    st.header("Results")
    out = common.banner(checked)
    if out is None:
        st.info("Fix the scenario on the Scenario page (or choose an example) to see results.")
        return
    s, table, ts = out["summary"], out["participants"], out["timeseries"]
    c = st.columns(5)
    c[0].metric("Generation (kWh/yr)", f"{s['generation_kwh']:,.0f}")
    c[1].metric("Self-consumption", f"{s['self_consumption_frac']:.1%}")
    c[2].metric("Self-sufficiency", f"{s['self_sufficiency_frac']:.1%}")
    c[3].metric("Local ownership", f"{s['local_ownership_frac']:.1%}")
    c[4].metric("Households' benefit (EUR/yr)", f"{s['household_benefit_total_eur']:,.0f}")
    for message in out["warnings"]:
        st.warning(message, icon=":material/warning:")
    if out["notes"]:
        notes = "\n".join(f"- {m}" for m in out["notes"])
        st.info(f"Notes of this run:\n{notes}", icon=":material/info:")

    storage.results(s)

    st.subheader("Where the energy goes")
    flows = pd.DataFrame(
        {"kWh per year": [s["allocated_kwh"][r] for r in ROLE_LABEL] + [s["export_kwh"]]},
        index=[ROLE_LABEL[r] for r in ROLE_LABEL] + ["Export"],
    )
    st.bar_chart(flows, horizontal=True)

    left, right = st.columns(2)
    with left:
        st.subheader("A typical day per season (kW)")
        days = state.typical_days(ts)
        long = days.melt(id_vars=["season", "time_of_day_h"], var_name="series", value_name="kW")
        chart = (
            alt.Chart(long)
            .mark_line()
            .encode(
                x=alt.X("time_of_day_h:Q", title="hour"),
                y="kW:Q",
                color="series:N",
                facet=alt.Facet("season:N", columns=2),
            )
            .properties(width=170, height=130)
        )
        st.altair_chart(chart)
    with right:
        st.subheader("Months (kWh)")
        st.bar_chart(state.monthly(ts).drop(columns="generation_kwh"))

    st.subheader("Benefit per household (EUR/yr)")
    stats = pd.DataFrame(
        {
            role: {k: v for k, v in st_.items() if k not in ("by_consumption_quintile",)}
            for role, st_ in s["household_benefit_eur"].items()
        }
    ).T
    st.table(
        stats[
            ["households", "mean_eur", "p10_eur", "median_eur", "p90_eur", "better_off_frac"]
        ].round(2)
    )
    households = table[table.role != "common"]
    hist = (
        alt.Chart(households)
        .mark_bar(opacity=0.7)
        .encode(
            x=alt.X("benefit_eur:Q", bin=alt.Bin(maxbins=30), title="benefit EUR/yr"),
            y=alt.Y("count():Q", title="households", stack=None),
            color="role:N",
        )
    )
    st.altair_chart(hist, width="stretch")
    shown = households[
        [
            "participant_id",
            "role",
            "participating",
            "consumption_kwh",
            "allocated_kwh",
            "grid_import_kwh",
            "service_cost_saving_eur",
            "fees_eur",
            "benefit_eur",
        ]
    ]
    st.dataframe(shown, hide_index=True, key="households_table")
    st.download_button(
        "Download households (CSV)",
        shown.to_csv(index=False),
        "households.csv",
        key="dl_households",
    )
