"""Monthly audit: rows are local calendar months and add up to the annual totals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from energysim.config.allocation_policy import EqualKey, ProportionalKey
from energysim.results.audit import monthly_audit
from energysim.sharing.allocation import Tier, allocate_waterfall


def year_index(year: int = 2025, freq: str = "15min") -> pd.DatetimeIndex:
    """Local calendar year, interval starts, tz-aware (DST days have 92 and 100 steps)."""
    return pd.date_range(
        f"{year}-01-01", f"{year + 1}-01-01", freq=freq, tz="Europe/Amsterdam", inclusive="left"
    )


def test_monthly_sums_equal_the_annual_totals() -> None:
    index = year_index()
    n = len(index)
    assert n == 35_040
    rng = np.random.default_rng(1)
    consumption = rng.gamma(1.5, 0.05, n)
    generation = np.clip(np.sin(np.arange(n) / 96 * 2 * np.pi), 0, None) * 0.3
    # received from a real waterfall: this participant is column 0 of two tiers
    other = rng.gamma(1.5, 0.05, (n, 2))
    result = allocate_waterfall(
        generation,
        [
            Tier("tenants", np.column_stack([consumption, other[:, 0]]), ProportionalKey()),
            Tier(
                "members",
                np.column_stack([consumption, other[:, 1]]),
                EqualKey(variant="redistribute"),
            ),
        ],
    )
    tenants = result.allocated_kwh["tenants"][:, 0]
    # the same person in a later tier only gets what its earlier share left uncovered
    members = np.minimum(result.allocated_kwh["members"][:, 0], consumption - tenants)
    audit = monthly_audit(index, consumption, {"tenants": tenants, "members": members})

    assert list(audit.columns) == [
        "consumption_kwh",
        "received_tenants_kwh",
        "received_members_kwh",
        "grid_import_kwh",
    ]
    months = audit.drop(index="total")
    assert list(months.index) == [f"2025-{m:02d}" for m in range(1, 13)]
    annual = {
        "consumption_kwh": consumption.sum(),
        "received_tenants_kwh": tenants.sum(),
        "received_members_kwh": members.sum(),
        "grid_import_kwh": (consumption - tenants - members).sum(),
    }
    for column, total in annual.items():
        # 35,040 positive terms summed in two orders: agree to ~1e-12 relative
        assert months[column].sum() == pytest.approx(total, rel=1e-12), column
        assert audit.loc["total", column] == pytest.approx(total, rel=1e-12), column
    # per month: consumption = received + grid import
    np.testing.assert_allclose(
        months["consumption_kwh"],
        months[["received_tenants_kwh", "received_members_kwh", "grid_import_kwh"]].sum(axis=1),
        rtol=1e-12,
    )


def test_months_follow_local_time() -> None:
    # UTC interval starts around midnight local time, 31 January -> 1 February 2025:
    # 22:00Z = 23:00 CET (January); 23:00Z = 00:00 CET and 00:00Z = 01:00 CET (February)
    index = pd.date_range("2025-01-31 22:00", periods=3, freq="1h", tz="UTC")
    audit = monthly_audit(index, [1.0, 2.0, 4.0], {"members": [0.5, 0.0, 1.0]})
    assert list(audit.index) == ["2025-01", "2025-02", "total"]
    # January: 1 consumed, 0.5 received, 0.5 imported; February: 2 + 4 = 6, 1, 5
    assert audit.loc["2025-01"].tolist() == [1.0, 0.5, 0.5]
    assert audit.loc["2025-02"].tolist() == [6.0, 1.0, 5.0]
    assert audit.loc["total"].tolist() == [7.0, 1.5, 5.5]


def test_clock_change_months_count_their_real_intervals() -> None:
    index = year_index().tz_convert("UTC")  # same instants, given in UTC
    audit = monthly_audit(index, np.ones(len(index)), {})
    # March 2025 loses an hour (30 March: 92 quarter-hours), October gains one (26
    # October: 100): 31 * 96 - 4 = 2972 and 31 * 96 + 4 = 2980 intervals of 1 kWh
    assert audit.loc["2025-03", "consumption_kwh"] == 2972
    assert audit.loc["2025-10", "consumption_kwh"] == 2980
    assert audit.loc["2025-06", "consumption_kwh"] == 30 * 96
    assert audit.loc["total", "grid_import_kwh"] == 35_040


def test_hourly_leap_year() -> None:
    index = year_index(2024, "1h")
    assert len(index) == 8784
    audit = monthly_audit(index, np.full(len(index), 0.5), {"own_string": np.zeros(len(index))})
    assert audit.loc["2024-02", "consumption_kwh"] == 29 * 24 * 0.5
    assert audit.loc["total", "consumption_kwh"] == 8784 * 0.5


@pytest.mark.parametrize(
    ("index", "consumption", "received", "message"),
    [
        (pd.date_range("2025-01-01", periods=2, freq="1h"), [1.0, 1.0], {}, "tz-aware"),
        (
            pd.date_range("2025-01-01", periods=2, freq="1h", tz="UTC"),
            [1.0],
            {},
            r"consumption_kwh of shape \(2,\)",
        ),
        (
            pd.date_range("2025-01-01", periods=2, freq="1h", tz="UTC"),
            [1.0, np.nan],
            {},
            "finite, non-negative consumption_kwh",
        ),
        (
            pd.date_range("2025-01-01", periods=2, freq="1h", tz="UTC"),
            [1.0, 1.0],
            {"a": [0.5, 0.5], "b": [0.0, 0.75]},
            "received 1.25 kWh > consumption 1 kWh in the interval starting 2025-01-01 01:00",
        ),
    ],
)
def test_bad_inputs(index, consumption, received, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        monthly_audit(index, consumption, received)
