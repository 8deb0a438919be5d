"""Monthly audit (first version)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd


def monthly_audit(
    index: pd.DatetimeIndex,
    consumption_kwh: np.ndarray,
    received_kwh: Mapping[str, np.ndarray],
    tz: str = "Europe/Amsterdam",
) -> pd.DataFrame:
    """One row per local month and a total row."""
    frame = pd.DataFrame({"consumption_kwh": consumption_kwh}, index=index.tz_convert(tz))
    total = np.zeros(len(index))
    for name, v in received_kwh.items():
        frame[f"received_{name}_kwh"] = v
        total = total + v
    frame["grid_import_kwh"] = consumption_kwh - total
    out = frame.groupby(frame.index.strftime("%Y-%m")).sum()
    out.loc["total"] = out.sum()
    return out
