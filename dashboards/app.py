"""energysim dashboard: explore a scenario, see who gains what, compare, check ownership.

    streamlit run dashboards/app.py

Widgets and charts only: every figure comes from :mod:`energysim`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

import state  # noqa: E402

from energysim.errors import EnergysimError  # noqa: E402

PAGES = ("Scenario", "Results", "Compare", "Ownership", "Portfolio")
ROLE_LABEL = {"common": "Common installations", "tenants": "Tenants", "members": "Members"}

st.set_page_config(page_title="energysim", layout="wide")


@st.cache_data(show_spinner=False, max_entries=32)
def cached_run(scenario_json: str) -> dict:
    return state.simulate(scenario_json)


def run_with_progress(scenario) -> dict:
    with st.spinner("Simulating a year of 15-minute intervals..."):
        return cached_run(state.scenario_key(scenario))


def current_scenario():
    """Build the scenario from the chosen example/upload and the widgets' edits."""
    data, base = st.session_state["base_data"], st.session_state["base_dir"]
    edited = state.apply_edits(data, st.session_state.get("edits", {}))
    return state.validate(edited, base, st.session_state.get("source", "scenario"))


# ----------------------------------------------------------------------------- sidebar
st.sidebar.title("energysim")
page = st.sidebar.radio("Page", PAGES, key="page")
names = list(state.examples())
default = names.index("rotterdam-galerijflat") if "rotterdam-galerijflat" in names else 0
choice = st.sidebar.selectbox("Start from example", names, index=default, key="example")
upload = st.sidebar.file_uploader("...or upload a scenario (TOML)", type=["toml"], key="upload")
try:
    if upload is not None:
        st.session_state["base_data"] = state.parse_upload(upload.getvalue(), upload.name)
        st.session_state["base_dir"] = state.SCENARIO_DIR
        st.session_state["source"] = upload.name
    else:
        data, base = state.load_example(choice)
        st.session_state["base_data"], st.session_state["base_dir"] = data, base
        st.session_state["source"] = f"{choice}.toml"
except EnergysimError as exc:
    st.error(f"That file could not be used: {exc}")
    st.stop()

base_data = st.session_state["base_data"]
b0 = base_data["buildings"][0]


def _num(value, fallback):
    return value if isinstance(value, int | float) else fallback


# ----------------------------------------------------------------------------- scenario page
def scenario_page() -> None:
    st.header("Scenario")
    st.caption(
        f"Editing **{st.session_state['source']}** (first building). "
        "Change what people argue about."
    )
    edits: dict = {}
    c1, c2, c3 = st.columns(3)
    with c1:
        st.subheader("Roof")
        for i, arr in enumerate(b0["arrays"]):
            kwp = arr.get("capacity_kwp") or arr.get("area_m2", 0) * arr.get(
                "packing_kwp_per_m2", 0.15
            )
            edits[f"array{i}_kwp"] = st.number_input(
                f"{arr['id']}: capacity (kWp)",
                min_value=0.1,
                value=float(round(kwp, 1)),
                step=1.0,
                key=f"kwp{i}",
            )
            edits[f"array{i}_azimuth"] = st.number_input(
                f"{arr['id']}: azimuth (deg, 180 = south)",
                min_value=0.0,
                max_value=359.0,
                value=float(arr.get("surface_azimuth_deg", 180.0)),
                step=5.0,
                key=f"az{i}",
            )
            edits[f"array{i}_tilt"] = st.number_input(
                f"{arr['id']}: tilt (deg)",
                min_value=0.0,
                max_value=90.0,
                value=float(arr.get("surface_tilt_deg", 10.0)),
                step=5.0,
                key=f"tilt{i}",
            )
    with c2:
        st.subheader("People")
        edits["dwellings"] = st.number_input(
            "Dwellings", 1, 2000, int(b0["dwellings"]), key="dwellings"
        )
        edits["participating"] = st.number_input(
            "Dwellings taking part",
            0,
            2000,
            int(b0["tenants"]["participating"]),
            key="participating",
        )
        edits["members"] = st.number_input(
            "Neighbourhood members",
            0,
            5000,
            int(b0.get("members", {}).get("count", 0)),
            key="members",
        )
    with c3:
        st.subheader("Rules and money")
        years = [2025, 2026, 2027, 2028, 2030]
        edits["year"] = st.selectbox(
            "Year (net metering ends 1 Jan 2027)",
            years,
            index=years.index(base_data["year"]) if base_data["year"] in years else 2,
            key="year",
        )
        orders = [" -> ".join(o) for o in state.TIER_ORDERS]
        edits["order"] = st.selectbox("Tier order", orders, key="order").split(" -> ")
        edits["tenants_key"] = st.selectbox("Tenants' key", list(state.KEYS), key="tenants_key")
        edits["members_key"] = st.selectbox("Members' key", list(state.KEYS), key="members_key")
        edits["members_mode"] = st.selectbox(
            "Members' scheme", ["sharing", "sce", "postcoderoos"], key="members_mode"
        )
        fin = base_data.get("finance", {})
        edits["panel_fee_eur_per_yr"] = st.number_input(
            "Panel fee per participating dwelling (EUR/yr)",
            0.0,
            1000.0,
            float(_num(fin.get("panel_fee_eur_per_yr"), 0.0)),
            step=1.0,
            key="panel_fee",
        )
        edits["sharing_fee_eur_per_kwh"] = st.number_input(
            "Members' sharing fee (EUR/kWh)",
            0.0,
            1.0,
            float(_num(fin.get("sharing_fee_eur_per_kwh"), 0.0)),
            step=0.01,
            format="%.3f",
            key="sharing_fee",
        )
    st.session_state["edits"] = edits
    try:
        scenario = current_scenario()
    except EnergysimError as exc:
        st.error(f"Please check your input: {exc}")
        return
    st.success(f"Scenario is valid: {scenario.capacity_kwp:.1f} kWp, year {scenario.year}.")
    st.download_button(
        "Download this scenario (TOML)",
        state.to_toml(scenario),
        file_name=f"{scenario.name}.toml",
        mime="application/toml",
        key="download_toml",
    )


# ----------------------------------------------------------------------------- results page
def results_page() -> None:
    st.header("Results")
    try:
        scenario = current_scenario()
        out = run_with_progress(scenario)
    except EnergysimError as exc:
        st.error(f"Please check your input: {exc}")
        return
    s, table, ts = out["summary"], out["participants"], out["timeseries"]
    c = st.columns(5)
    c[0].metric("Generation (kWh/yr)", f"{s['generation_kwh']:,.0f}")
    c[1].metric("Self-consumption", f"{s['self_consumption_frac']:.1%}")
    c[2].metric("Self-sufficiency", f"{s['self_sufficiency_frac']:.1%}")
    c[3].metric("Local ownership", f"{s['local_ownership_frac']:.1%}")
    c[4].metric("Households' benefit (EUR/yr)", f"{s['household_benefit_total_eur']:,.0f}")
    for message in s["messages"]:
        st.warning(message)

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


# ----------------------------------------------------------------------------- compare page
def compare_page() -> None:
    st.header("Compare")
    st.caption("Two to four scenarios or policies side by side.")
    options = ["current edits"] + [f"{n} (example)" for n in state.examples()]
    options += [f"current edits in {y}" for y in (2026, 2027)]
    chosen = st.multiselect(
        "Variants",
        options,
        default=["current edits in 2026", "current edits in 2027"],
        key="variants",
    )
    if not 2 <= len(chosen) <= 4:
        st.info("Choose two to four variants.")
        return
    rows = {}
    try:
        current = current_scenario()
        for label in chosen:
            if label == "current edits":
                scenario = current
            elif label.startswith("current edits in "):
                scenario = current.model_copy(update={"year": int(label.rsplit(" ", 1)[1])})
            else:
                data, base = state.load_example(label.removesuffix(" (example)"))
                scenario = state.validate(data, base, label)
            s = run_with_progress(scenario)["summary"]
            row = {
                "self-consumption": s["self_consumption_frac"],
                "local ownership": s["local_ownership_frac"],
            }
            for role, st_ in s["household_benefit_eur"].items():
                row[f"{role}: mean EUR/yr"] = st_["mean_eur"]
                row[f"{role}: median EUR/yr"] = st_["median_eur"]
                row[f"{role}: p10 EUR/yr"] = st_["p10_eur"]
            rows[label] = row
    except EnergysimError as exc:
        st.error(f"Please check your input: {exc}")
        return
    table = pd.DataFrame(rows)
    first = table.columns[0]
    for col in table.columns[1:]:
        table[f"{col} - {first}"] = table[col] - table[first]
    st.table(table.round(3))
    cols = st.columns(len(chosen))
    for col, label in zip(cols, chosen, strict=True):
        value = rows[label].get("tenant: mean EUR/yr")
        delta = (
            None
            if label == first or value is None
            else value - rows[first].get("tenant: mean EUR/yr", 0.0)
        )
        col.metric(
            f"{label}: tenant mean",
            "n/a" if value is None else f"EUR {value:,.0f}",
            None if delta is None else f"{delta:+,.0f}",
        )


# ----------------------------------------------------------------------------- ownership page
def ownership_page() -> None:
    from energysim import ownership
    from energysim.register import read_register
    from energysim.simulate import installation_register_rows, run

    st.header("Local ownership")
    try:
        scenario = current_scenario()
        s = run_with_progress(scenario)["summary"]
    except EnergysimError as exc:
        st.error(f"Please check your input: {exc}")
        return
    st.metric(
        "This scenario's local ownership (by production)",
        f"{s['local_ownership_frac']:.1%}",
        f"{s['local_ownership_frac'] - 0.5:+.1%} vs the 50% target",
    )
    source = st.radio(
        "Register of installations", ["none", "example register", "upload"], key="register_source"
    )
    path = None
    if source == "example register":
        path = state.EXAMPLE_REGISTER
    elif source == "upload":
        up = st.file_uploader(
            "Register (CSV or Excel)", type=["csv", "xlsx"], key="register_upload"
        )
        if up is None:
            return
        # the library reads registers from files: keep the upload in a private temp folder
        folder = Path(
            st.session_state.setdefault("_upload_dir", tempfile.mkdtemp(prefix="energysim-"))
        )
        path = folder / Path(up.name).name
        path.write_bytes(up.getvalue())
    if path is None:
        return
    try:
        register = read_register(path)
        add = st.checkbox("Add this scenario's rooftop", key="add_rooftop")
        if add:
            municipality = st.selectbox(
                "Its municipality", sorted(register.municipality.unique()), key="muni"
            )
            register = ownership.add_installations(
                register, installation_register_rows(run(scenario), municipality)
            )
        report = ownership.ownership_report(register)
    except (EnergysimError, ValueError) as exc:
        st.error(f"The register could not be used: {exc}")
        return
    areas = report.municipalities.reset_index()
    st.table(
        areas[
            [
                "municipality",
                "production_mwh",
                "local_share_production_frac",
                "local_share_capacity_frac",
                "gap_mwh",
                "target_met",
            ]
        ].round(3)
    )
    bars = (
        alt.Chart(areas)
        .mark_bar()
        .encode(
            x="municipality:N",
            y=alt.Y("local_share_production_frac:Q", title="local share of production"),
        )
    )
    line = alt.Chart(pd.DataFrame({"target": [0.5]})).mark_rule(color="red").encode(y="target:Q")
    st.altair_chart(bars + line, width="stretch")


# ----------------------------------------------------------------------------- portfolio page
def portfolio_page() -> None:
    st.header("Portfolio")
    st.caption("Open a batch summary written by `energysim batch` (CSV, Parquet or Excel).")
    up = st.file_uploader("Batch summary", type=["csv", "parquet", "xlsx"], key="portfolio_upload")
    path_text = st.text_input("...or a path on this machine", key="portfolio_path")
    try:
        if up is not None:
            frame = state.read_table(up.getvalue(), up.name)
        elif path_text:
            p = Path(path_text)
            if not p.is_file():
                st.error(f"No file at {p}: check the path.")
                return
            frame = state.read_table(p.read_bytes(), p.name)
        else:
            return
    except EnergysimError as exc:
        st.error(str(exc))
        return
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    text = st.text_input("Filter rows containing", key="portfolio_filter")
    if text:
        mask = (
            frame.astype(str)
            .apply(lambda col: col.str.contains(text, case=False, regex=False))
            .any(axis=1)
        )
        frame = frame[mask]
    if numeric:
        sort_by = st.selectbox("Sort by", numeric, key="portfolio_sort")
        frame = frame.sort_values(sort_by, ascending=False)
    st.metric("Units shown", len(frame))
    st.dataframe(frame, hide_index=True, key="portfolio_table")


{
    "Scenario": scenario_page,
    "Results": results_page,
    "Compare": compare_page,
    "Ownership": ownership_page,
    "Portfolio": portfolio_page,
}[page]()
