"""Compare page: the session's scenario beside its other years or the examples."""

from __future__ import annotations

import pandas as pd
import session
import state
import streamlit as st

from energysim.errors import EnergysimError
from views import common


def page(checked: state.Check) -> None:
    """Render the Compare page: two to four variants side by side, with differences."""
    st.header("Compare")
    out = common.banner(checked)
    if out is None or checked.scenario is None:
        st.info("Fix the scenario on the Scenario page (or choose an example) to compare it.")
        return
    current = checked.scenario
    this = f"this scenario ({session.source().name})"
    st.caption(
        "Two to four variants side by side: this scenario, it in another year, or an example."
    )
    measured = current.generation_csv or current.consumption_csv or current.meter_exports
    if measured:  # measured series cover their own year only
        st.caption("This scenario uses measured data of one year, so it has no other years.")
    years = [] if measured else [f"this scenario in {y}" for y in (2026, 2027)]
    examples = [f"{n} (example)" for n in state.examples() if f"{n}.toml" != session.source().name]
    options = [this, *years, *examples]
    other_year = [y for y in years if not y.endswith(str(current.year))]
    default = [this, (other_year or examples)[0]]
    chosen = st.multiselect(
        "Variants", options, default=default, key=f"variants{st.session_state['rev']}"
    )
    if not 2 <= len(chosen) <= 4:
        st.info("Choose two to four variants.")
        return
    rows = {}
    failed = []
    for label in chosen:
        if label == this:
            scenario = current
        elif label.startswith("this scenario in "):
            scenario = current.model_copy(update={"year": int(label.rsplit(" ", 1)[1])})
        else:
            example = state.check(*state.load_example(label.removesuffix(" (example)")))
            if example.scenario is None:
                st.error(f"{label} cannot run: {example.errors[0]}", icon=":material/error:")
                return
            scenario = example.scenario
        try:
            s = common.run(scenario)["summary"]
        except EnergysimError as exc:
            failed.append(label)
            st.error(f"{label} cannot run: {exc}", icon=":material/error:")
            continue
        row = {
            "year": s["year"],
            "self-consumption": s["self_consumption_frac"],
            "local ownership": s["local_ownership_frac"],
        }
        for role, st_ in s["household_benefit_eur"].items():
            row[f"{role}: mean EUR/yr"] = st_["mean_eur"]
            row[f"{role}: median EUR/yr"] = st_["median_eur"]
            row[f"{role}: p10 EUR/yr"] = st_["p10_eur"]
        rows[label] = row
    if len(rows) < 2:
        return
    chosen = [c for c in chosen if c not in failed]
    table = pd.DataFrame(rows)
    first = table.columns[0]
    for col in table.columns[1:]:
        table[f"{col} - {first}"] = table[col] - table[first]
    years = pd.IndexSlice[["year"], :]
    st.table(table.style.format(precision=3).format("{:.0f}", subset=years))
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
