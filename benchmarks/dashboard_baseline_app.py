"""The fair baseline of ``benchmarks/dashboard.py``: the dashboard's Scenario -> Results
job as a competent Streamlit user writes it around energysim's library.

Two pages in the sidebar, as the dashboard has them. **Scenario**: the fields the
dashboard's form edits for the default example (each roof array's area or capacity,
the dwellings, participating tenants, members, the year, the two fees) as plain
widgets whose values are kept in the session, and the scenario validated by the
library (``scenario_from_dict``) with its capacity shown. **Results**: the library's
run, cached on the scenario (``st.cache_data``, the scenario dict is the key) together
with the tables the page draws (monthly sums, mean day per season, the households),
then the same content as the dashboard's Results page, laid out the same way: first the
five headline figures, the statistics of the benefit per household and the owners'
figures; then, each in a section drawn only when opened (streamlit's lazy expander, as
the dashboard's), the energy flows, the typical days and the months, the spread of the
benefit per household, the households that gain least and every household, with plotly
charts and streamlit's own tables. No translation, no engine words, no downloads.

Its headline figures print the summary's numbers with Python's own formatting (the
benchmark parses them and checks them against ``energysim run``).

    python -m streamlit run benchmarks/dashboard_baseline_app.py
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from energysim import run, scenario_from_dict, summary
from energysim.results.tables import participants_table, timeseries_table

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "rotterdam-galerijflat.toml"
SEASONS = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring"}
SEASONS |= {6: "summer", 7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn"}


@st.cache_data
def example() -> dict[str, Any]:
    """The default example as the TOML file has it."""
    return tomllib.loads(SCENARIO.read_text(encoding="utf-8"))


def fields(data: dict[str, Any]) -> dict[str, tuple[str, tuple[Any, ...], Any]]:
    """Label -> (path of keys into the scenario dict, its value) of every input."""
    building = data["buildings"][0]
    out: dict[str, tuple[str, tuple[Any, ...], Any]] = {}
    for i, array in enumerate(building["arrays"]):
        name = "area_m2" if "area_m2" in array else "capacity_kwp"
        label = f"{array['id']} {'roof area (m2)' if name == 'area_m2' else 'capacity (kWp)'}"
        out[label] = ("float", ("buildings", 0, "arrays", i, name), float(array[name]))
    out["dwellings"] = ("int", ("buildings", 0, "dwellings"), building["dwellings"])
    out["participating tenants"] = (
        "int",
        ("buildings", 0, "tenants", "participating"),
        building["tenants"]["participating"],
    )
    out["members"] = ("int", ("buildings", 0, "members", "count"), building["members"]["count"])
    out["year"] = ("year", ("year",), data["year"])
    out["panel fee (EUR/yr)"] = (
        "float",
        ("finance", "panel_fee_eur_per_yr"),
        float(data["finance"].get("panel_fee_eur_per_yr", 0.0)),
    )
    out["sharing fee (EUR/kWh)"] = (
        "float",
        ("finance", "sharing_fee_eur_per_kwh"),
        float(data["finance"].get("sharing_fee_eur_per_kwh", 0.0)),
    )
    return out


def scenario_dict() -> dict[str, Any]:
    """The example with the session's inputs written in."""
    data = example()  # st.cache_data hands out a copy
    for _label, (_kind, path, _default) in fields(data).items():
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = st.session_state.inputs[_label]
    return data


@st.cache_data(max_entries=32)
def results(data: dict[str, Any]) -> dict[str, Any]:
    """The library's run of the scenario and the tables the Results page draws."""
    result = run(scenario_from_dict(data, base_dir=SCENARIO.parent, source=SCENARIO.name))
    s = summary(result)
    ts = timeseries_table(result)
    step_h = (ts.index[1] - ts.index[0]) / pd.Timedelta(hours=1)
    use = ["consumption_common_kwh", "consumption_tenants_kwh", "consumption_members_kwh"]
    kw = ts[["generation_kwh", *use]] / step_h
    days = kw.groupby([ts.index.month.map(SEASONS), ts.index.hour + ts.index.minute / 60]).mean()
    days.index.names = ["season", "hour"]
    allocated = ["allocated_common_kwh", "allocated_tenants_kwh", "allocated_members_kwh"]
    months = ts[[*allocated, "export_kwh"]].groupby(ts.index.month).sum()
    households = participants_table(result).query("role != 'common'")
    return {"summary": s, "days": days.reset_index(), "months": months, "households": households}


def scenario_page() -> None:
    st.header("Scenario")
    for label, (kind, _path, _value) in fields(example()).items():
        key = f"w_{label}"
        if key not in st.session_state:  # a widget's value is dropped on the other page
            st.session_state[key] = st.session_state.inputs[label]

        def keep(label: str = label, key: str = key) -> None:
            st.session_state.inputs[label] = st.session_state[key]

        if kind == "year":
            st.selectbox(label, list(range(2025, 2031)), key=key, on_change=keep)
        elif kind == "int":
            st.number_input(label, min_value=0, step=1, key=key, on_change=keep)
        else:
            st.number_input(label, min_value=0.0, key=key, on_change=keep, format="%.3f")
    try:
        scenario = scenario_from_dict(
            scenario_dict(), base_dir=SCENARIO.parent, source=SCENARIO.name
        )
    except Exception as exc:  # noqa: BLE001 - the library's one-line message
        st.error(str(exc))
        return
    st.success(f"The scenario is valid: {scenario.capacity_kwp:.1f} kWp")


def folded(title: str, draw: Callable[[], None]) -> None:
    """A section drawn only while it is open (streamlit's lazy expander)."""
    box = st.expander(title, key=f"open_{title}", on_change="rerun")
    with box:
        if box.open:
            draw()


def flows_days_months(out: dict[str, Any]) -> None:
    s = out["summary"]
    places = ["roof", "common", "tenants", "members", "grid"]
    flows = [*s["allocated_kwh"].values(), s["export_kwh"]]
    st.plotly_chart(
        go.Figure(
            go.Sankey(
                node={"label": places},
                link={"source": [0, 0, 0, 0], "target": [1, 2, 3, 4], "value": flows},
            )
        )
    )
    left, right = st.columns(2)
    left.plotly_chart(
        px.line(
            out["days"].melt(["season", "hour"], var_name="series", value_name="kW"),
            x="hour",
            y="kW",
            color="series",
            facet_col="season",
            facet_col_wrap=2,
            title="Typical days",
        )
    )
    right.plotly_chart(px.bar(out["months"], title="Months (kWh)"))


def results_page() -> None:
    st.header("Results")
    out = results(scenario_dict())
    s, households = out["summary"], out["households"]
    for column, (label, value) in zip(
        st.columns(5),
        {
            "generation (kWh)": f"{s['generation_kwh']:,.0f}",
            "self-consumption": f"{s['self_consumption_frac']:.1%}",
            "self-sufficiency": f"{s['self_sufficiency_frac']:.1%}",
            "local ownership": f"{s['local_ownership_frac']:.1%}",
            "benefit to households (EUR/yr)": f"{s['household_benefit_total_eur']:,.0f}",
        }.items(),
        strict=True,
    ):
        column.metric(label, value)
    for message in s["messages"]:
        st.info(message)
    st.subheader("Benefit per household")
    st.dataframe(pd.DataFrame(s["household_benefit_eur"]).T)
    st.subheader("Owners")
    st.dataframe(pd.DataFrame(s["stakeholders"])[["owner", "capex_eur", "npv_eur", "irr_frac"]])

    folded("Where the energy goes", lambda: flows_days_months(out))
    folded(
        "Benefit per household, spread",
        lambda: st.plotly_chart(
            px.histogram(households, x="benefit_eur", facet_row="role", nbins=30, height=540)
        ),
    )
    folded(
        "Households that gain least",
        lambda: st.dataframe(
            households[households.participating].groupby("role").apply(
                lambda part: part.nsmallest(5, "benefit_eur"), include_groups=False
            )[["participant_id", "consumption_kwh", "allocated_kwh", "benefit_eur"]]
        ),
    )
    folded("Every household", lambda: st.dataframe(households, height=480))


if "inputs" not in st.session_state:
    st.session_state.inputs = {label: v for label, (_k, _p, v) in fields(example()).items()}
page = st.sidebar.radio("Page", ["Scenario", "Results"], key="page")
if page == "Scenario":
    scenario_page()
else:
    results_page()
