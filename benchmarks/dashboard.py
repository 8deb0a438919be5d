"""Benchmark the dashboard: re-running the default scenario after a widget change.

Prints (1) the library run behind the pages for an edited default scenario (what a
widget change costs: the edit makes a new cache key), (2) a full AppTest rerun of the
Scenario page after a widget change (it runs the edited scenario, to say whether it
runs), (3) the Results page after it, and (4) the Results page again from the cache.
Target: under 2 s for a rerun after a widget change on this 2-core machine.

    python benchmarks/dashboard.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "dashboards"))

import state  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from energysim.sweep import set_path  # noqa: E402


def main() -> None:
    data, source = state.load_example("rotterdam-galerijflat")
    # warm up imports and the solar-position cache as a running dashboard would be
    state.simulate(state.scenario_key(state.check(data, source).scenario))
    timings = []
    for members in (31, 32, 33):
        edited = set_path(data, "buildings[0].members.count", members)
        scenario = state.check(edited, source).scenario
        start = time.perf_counter()
        state.simulate(state.scenario_key(scenario))
        timings.append(time.perf_counter() - start)
    print(
        f"library run after a widget change (default scenario, 15 min): best {min(timings):.2f} s, "
        f"worst {max(timings):.2f} s"
    )

    at = AppTest.from_file(str(REPO / "dashboards" / "app.py"), default_timeout=120)
    at.run()
    edits, results = [], []
    for fee in (0.03, 0.04, 0.05):
        at.radio(key="page").set_value("scenario").run()
        fee_key = f"form{at.session_state['rev']}:finance.sharing_fee_eur_per_kwh"
        start = time.perf_counter()
        at.number_input(key=fee_key).set_value(fee).run()
        edits.append(time.perf_counter() - start)
        start = time.perf_counter()
        at.radio(key="page").set_value("results").run()
        results.append(time.perf_counter() - start)
    print(
        "Scenario page rerun after a widget change (AppTest, whole script, runs it): "
        f"best {min(edits):.2f} s, worst {max(edits):.2f} s"
    )
    print(
        "Results page after that change (AppTest, whole script): "
        f"best {min(results):.2f} s, worst {max(results):.2f} s"
    )
    start = time.perf_counter()
    at.run()
    print(f"Results page rerun without a change (cached): {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
