"""Write the measured-data example of scenarios/measured/ (synthetic, reproducible).

The files stand in for the meter exports a cooperative gets: hourly kWh per interval,
ISO-8601 timestamps with UTC offset labelling the start of each hour. They are made
with energysim's own models plus measurement noise (seeded), NOT measured: they only
show the format and drive the example. Run from the repository root:

    python scripts/make_measured_example.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from energysim.config.scenario import load_scenario
from energysim.inputs.context import RunInputs
from energysim.simulate import run

HERE = Path(__file__).resolve().parents[1] / "scenarios" / "measured"


def main() -> None:
    model = load_scenario(HERE / "model-for-data.toml")
    inputs = RunInputs.of(run(model))  # the modelled generation and consumption
    rng = np.random.default_rng(2026)
    gen = inputs.generation_kwh
    gen = gen * rng.normal(1.0, 0.02, size=gen.shape).clip(0.9, 1.1)
    cons = inputs.consumption_kwh
    cons = cons * rng.normal(1.0, 0.05, size=cons.shape).clip(0.7, 1.3)
    for frame, name in ((gen, "generation.csv"), (cons, "consumption.csv")):
        out = frame.round(4)
        out.index = pd.Index([ts.isoformat() for ts in frame.index], name="time")
        out.to_csv(HERE / name)


if __name__ == "__main__":
    main()
