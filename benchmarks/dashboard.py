"""Benchmark the dashboard: re-running the default scenario after a widget change.

Prints (1) the library run behind the Results page for an edited default scenario (what
a widget change costs: the edit makes a new cache key), (2) the same again from the
cache, and (3) a full AppTest rerun of the Results page after a widget change. Target:
under 2 s for a rerun after a widget change on this 2-core machine.

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


def main() -> None:
    data, base = state.load_example("rotterdam-galerijflat")
    # warm up imports and the solar-position cache as a running dashboard would be
    state.simulate(state.scenario_key(state.validate(data, base, "default")))
    timings = []
    for members in (31, 32, 33):
        scenario = state.validate(state.apply_edits(data, {"members": members}), base, "edited")
        start = time.perf_counter()
        state.simulate(state.scenario_key(scenario))
        timings.append(time.perf_counter() - start)
    print(
        f"library run after a widget change (default scenario, 15 min): best {min(timings):.2f} s, "
        f"worst {max(timings):.2f} s"
    )

    at = AppTest.from_file(str(REPO / "dashboards" / "app.py"), default_timeout=120)
    at.run()
    at.radio(key="page").set_value("Results").run()
    reruns = []
    for fee in (0.03, 0.04, 0.05):
        at.radio(key="page").set_value("Scenario").run()
        at.number_input(key="sharing_fee").set_value(fee).run()
        start = time.perf_counter()
        at.radio(key="page").set_value("Results").run()
        reruns.append(time.perf_counter() - start)
    print(
        "Results page rerun after a widget change (AppTest, whole script): "
        f"best {min(reruns):.2f} s, worst {max(reruns):.2f} s"
    )
    start = time.perf_counter()
    at.run()
    print(f"Results page rerun without a change (cached): {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
