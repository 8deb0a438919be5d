"""Meter exports: clock changes, decimal commas, cumulative readings, gaps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from energysim.core.errors import DataError
from energysim.inputs.meter import read_meter_export

TZ = "Europe/Amsterdam"


def local_quarters(start: str, end: str) -> pd.DatetimeIndex:
    return pd.date_range(
        pd.Timestamp(start, tz=TZ), pd.Timestamp(end, tz=TZ), freq="15min", inclusive="left"
    )


def write_local(
    path: Path, index: pd.DatetimeIndex, values: np.ndarray, *, sep: str = ";", comma: bool = True
) -> Path:
    """Wall-clock timestamps without offset, as a Dutch export writes them."""
    lines = [f"datum{sep}meter"]
    for ts, v in zip(index, values, strict=True):
        text = f"{v:.4f}".replace(".", ",") if comma else f"{v:.4f}"
        lines.append(f"{ts.strftime('%d-%m-%Y %H:%M')}{sep}{text}")
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(
    ("start", "end", "quarters"),
    [("2026-03-28", "2026-03-31", 3 * 96 - 4), ("2026-10-24", "2026-10-27", 3 * 96 + 4)],
)
def test_clock_change_days_keep_every_kwh(tmp_path: Path, start, end, quarters) -> None:
    index = local_quarters(start, end)
    assert len(index) == quarters
    values = np.random.default_rng(1).uniform(0.01, 0.3, len(index)).round(4)
    frame, fills = read_meter_export(write_local(tmp_path / "m.csv", index, values))
    assert fills == []
    assert len(frame) == quarters
    assert frame["meter"].sum() == pytest.approx(values.sum(), abs=1e-9)
    assert frame.index.equals(index.rename("time")) or (frame.index == index).all()


def test_cumulative_readings_and_label_end(tmp_path: Path) -> None:
    index = local_quarters("2026-10-24", "2026-10-27")
    usage = np.full(len(index), 0.1)
    readings = np.r_[1000.0, 1000.0 + np.cumsum(usage)]
    stamps = index.append(pd.DatetimeIndex([index[-1] + pd.Timedelta(minutes=15)]))
    path = tmp_path / "c.csv"
    lines = ["time,meter"] + [
        f"{t.isoformat()},{r:.4f}" for t, r in zip(stamps, readings, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    frame, _ = read_meter_export(path, kind="cumulative")
    assert len(frame) == len(index)
    assert frame["meter"].sum() == pytest.approx(usage.sum())
    assert frame.index[0] == index[0]
    # the same readings labelled by the end of each interval shift back one step
    interval = pd.DataFrame({"meter": usage}, index=index + pd.Timedelta(minutes=15))
    interval.index = [t.isoformat() for t in interval.index]
    interval.to_csv(tmp_path / "e.csv", index_label="time")
    ended, _ = read_meter_export(tmp_path / "e.csv", label="end")
    assert ended.index[0] == index[0]


def test_missing_cumulative_reading_is_spread_not_lost(tmp_path: Path) -> None:
    index = local_quarters("2026-05-01", "2026-05-02")
    readings = 500.0 + 0.2 * np.arange(len(index) + 1)
    stamps = list(index.append(pd.DatetimeIndex([index[-1] + pd.Timedelta(minutes=15)])))
    del stamps[10]
    readings = np.delete(readings, 10)
    lines = ["time,meter"] + [
        f"{t.isoformat()},{r:.4f}" for t, r in zip(stamps, readings, strict=True)
    ]
    (tmp_path / "c.csv").write_text("\n".join(lines) + "\n")
    frame, fills = read_meter_export(tmp_path / "c.csv", kind="cumulative")
    assert len(frame) == len(index)
    assert frame["meter"].sum() == pytest.approx(0.2 * len(index))
    assert len(fills) == 1 and fills[0].intervals == 2


def test_gaps_and_duplicates(tmp_path: Path) -> None:
    index = local_quarters("2026-05-01", "2026-05-08")
    values = np.full(len(index), 0.1)
    gap = write_local(tmp_path / "gap.csv", index.delete([100, 101]), np.delete(values, [100, 101]))
    with pytest.raises(DataError, match="column 'meter': gap of 2 interval"):
        read_meter_export(gap)
    frame, fills = read_meter_export(gap, fill_gaps_max_intervals=4)
    assert len(frame) == len(index) and frame["meter"].notna().all()
    assert len(fills) == 1 and fills[0].intervals == 2
    assert fills[0].energy_kwh == pytest.approx(0.2)  # the household's own level
    assert "filled 2 missing interval(s)" in fills[0].describe()
    dup = write_local(tmp_path / "dup.csv", index.insert(50, index[50]), np.insert(values, 50, 0.1))
    with pytest.raises(DataError, match="row 53: duplicate timestamp"):
        read_meter_export(dup)


def test_bad_number(tmp_path: Path) -> None:
    index = local_quarters("2026-05-01", "2026-05-02")
    path = write_local(tmp_path / "m.csv", index, np.full(len(index), 0.1))
    text = path.read_text().replace("0,1000", "n/a", 1)
    path.write_text(text)
    with pytest.raises(DataError, match="column 'meter', row 2: expected a number, found 'n/a'"):
        read_meter_export(path)
