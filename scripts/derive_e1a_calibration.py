"""Derive the household-profile calibration from the NEDU/EDSN E1A standard profile 2018.

Reads ../shared/data/nedu/EDSN_E1A_2018.csv (35,040 quarter-hour fractions of annual
consumption, row 1 = 1 January 2018 00:00 local time, 96 rows per day) and writes
energysim/data/e1a_calibration.json: per month and day type (weekday, Saturday,
Sunday or public holiday) the average quarter-hour day normalised to 1, the mean daily
share of annual consumption, and the monthly shares. Only these derived figures are kept.

    python scripts/derive_e1a_calibration.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from energysim.inputs.demand import day_types


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[2] / "shared" / "data"
    parser.add_argument("--data", default=str(default))
    args = parser.parse_args()
    values = pd.read_csv(Path(args.data) / "nedu" / "EDSN_E1A_2018.csv", header=None)[0].to_numpy()
    days = values.reshape(365, 96)
    dates = pd.date_range("2018-01-01", periods=365, freq="D")
    kinds = day_types(dates)
    shapes, daily = [], []
    for m in range(1, 13):
        per_kind_shape, per_kind_daily = [], []
        for k in range(3):
            sel = (dates.month == m) & (kinds == k)
            if not sel.any():  # no such day in the month: use all days of the month
                sel = dates.month == m
            mean_day = days[sel].mean(axis=0)
            per_kind_shape.append([round(float(v), 7) for v in mean_day / mean_day.sum()])
            per_kind_daily.append(float(days[sel].sum(axis=1).mean()))
        shapes.append(per_kind_shape)
        daily.append(per_kind_daily)
    monthly = [float(days[dates.month == m].sum()) for m in range(1, 13)]
    out = {
        "source": "NEDU/EDSN standard electricity profile E1A (households <= 3x25A), 2018, via "
        "github quintel/etdataset-public commit 58b253cf; derived by "
        "scripts/derive_e1a_calibration.py",
        "day_types": ["weekday", "saturday", "sunday_or_holiday"],
        "day_shape_by_month_and_day_type": shapes,
        "daily_frac_by_month_and_day_type": daily,
        "monthly_frac": monthly,
    }
    target = Path(__file__).resolve().parents[1] / "energysim" / "data" / "e1a_calibration.json"
    target.write_text(json.dumps(out) + "\n")
    print(f"written {target}; monthly sum {sum(monthly):.6f}")


if __name__ == "__main__":
    main()
