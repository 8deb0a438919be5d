"""Hand-computed cases for every key, both variants, and the waterfall.

The arithmetic is written beside each case; all numbers are exact in binary floating
point or compared to 1e-12.
"""

from __future__ import annotations

import numpy as np
import pytest

from energysim.allocation import (
    EqualKey,
    ProportionalKey,
    ScheduleKey,
    StaticKey,
    Tier,
    allocate_equal,
    allocate_own_strings,
    allocate_proportional,
    allocate_schedule,
    allocate_static,
    allocate_waterfall,
    expand_hourly_shares,
)

# three participants, three intervals
G = np.array([6.0, 1.0, 0.0])
D = np.array(
    [
        [1.0, 2.0, 5.0],  # sum 8 > 6
        [0.5, 0.25, 0.25],  # sum 1 == 1
        [1.0, 1.0, 1.0],  # no generation
    ]
)


def close(a, b) -> None:
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


def test_proportional() -> None:
    r = allocate_proportional(G, D)
    # t0: 6/8 = 0.75 of each demand -> 0.75, 1.5, 3.75; t1: ratio 1 -> demand; t2: nothing
    close(r.allocated_kwh, [[0.75, 1.5, 3.75], [0.5, 0.25, 0.25], [0, 0, 0]])
    close(r.export_kwh, [0, 0, 0])


def test_static_export() -> None:
    r = allocate_static(G, D, [0.5, 0.25, 0.125], "export")
    # t0: shares of 6 -> 3, 1.5, 0.75; capped by demand 1, 2, 5 -> 1, 1.5, 0.75; export 2.75
    # t1: shares of 1 -> 0.5, 0.25, 0.125; demand caps none -> 0.5, 0.25, 0.125; export 0.125
    close(r.allocated_kwh, [[1.0, 1.5, 0.75], [0.5, 0.25, 0.125], [0, 0, 0]])
    close(r.export_kwh, [2.75, 0.125, 0.0])


def test_static_redistribute() -> None:
    r = allocate_static(G, D, [0.5, 0.25, 0.125], "redistribute")
    # t0: a_p = min(D_p, w_p * lam), target min(6, 8) = 6. Participant 0 saturates at
    #   lam = 1/0.5 = 2, participant 1 at 2/0.25 = 8, participant 2 at 5/0.125 = 40.
    #   After 0 saturates: 1 + lam * (0.25 + 0.125) = 6 -> lam = 5/0.375 = 13.33 > 8, so 1
    #   saturates too: 1 + 2 + 0.125 lam = 6 -> lam = 24 < 40 -> 1, 2, 3; export 0.
    # t1: target min(1, 1) = 1 = total demand: everyone gets its demand.
    close(r.allocated_kwh, [[1.0, 2.0, 3.0], [0.5, 0.25, 0.25], [0, 0, 0]])
    close(r.export_kwh, [0, 0, 0])


def test_zero_share_gets_nothing_even_when_redistributing() -> None:
    r = allocate_static(G, D, [0.5, 0.5, 0.0], "redistribute")
    # t0: participants 0 and 1 want 3 in all < 6 -> they get 1 and 2; 3 kWh exported
    close(r.allocated_kwh[0], [1.0, 2.0, 0.0])
    close(r.export_kwh[0], 3.0)


def test_equal_both_variants() -> None:
    ex = allocate_equal(G, D, "export")
    # t0: 6/3 = 2 each, capped: 1, 2, 2; export 1. t1: 1/3 each capped: 1/3, 0.25, 0.25
    close(ex.allocated_kwh[0], [1.0, 2.0, 2.0])
    close(ex.export_kwh[0], 1.0)
    close(ex.allocated_kwh[1], [1 / 3, 0.25, 0.25])
    re = allocate_equal(G, D, "redistribute")
    # t0 max-min fair: level lam with min(1, lam) + min(2, lam) + min(5, lam) = 6 ->
    #   1 + 2 + lam = 6 -> lam = 3: 1, 2, 3. t1: all demand met.
    close(re.allocated_kwh, [[1.0, 2.0, 3.0], [0.5, 0.25, 0.25], [0, 0, 0]])


def test_schedule() -> None:
    shares = np.array([[1.0, 0.0, 0.0], [0.2, 0.3, 0.5], [0.3, 0.3, 0.4]])
    ex = allocate_schedule(G, D, shares, "export")
    # t0: all to participant 0, capped at 1 -> export 5; t1: 0.2, 0.3->0.25, 0.5->0.25
    close(ex.allocated_kwh[:2], [[1.0, 0.0, 0.0], [0.2, 0.25, 0.25]])
    close(ex.export_kwh[:2], [5.0, 0.3])
    re = allocate_schedule(G, D, shares, "redistribute")
    # t0: only participant 0 has a share: it gets 1, the rest exported (keys of 0 get none)
    # t1: weights 0.2, 0.3, 0.5; target 1 = total demand -> everyone gets its demand
    close(re.allocated_kwh[:2], [[1.0, 0.0, 0.0], [0.5, 0.25, 0.25]])
    close(re.export_kwh[:2], [5.0, 0.0])


def test_hourly_schedule_expansion() -> None:
    table = np.array([[1.0, 0.0], [0.0, 1.0]])
    close(expand_hourly_shares(table, [0, 0, 1, 1]), [[1, 0], [1, 0], [0, 1], [0, 1]])
    with pytest.raises(ValueError, match="schedule has 2 hours"):
        expand_hourly_shares(table, [0, 2])


def test_own_strings() -> None:
    used, surplus = allocate_own_strings([[2.0, 0.5]], [[1.0, 1.0]])
    close(used, [[1.0, 0.5]])
    close(surplus, [[1.0, 0.0]])


def test_waterfall_with_caps() -> None:
    g = np.array([10.0, 2.0])
    common = np.array([[1.0], [0.5]])
    tenants = np.array([[2.0, 4.0], [1.0, 2.0]])
    members = np.array([[1.0, 3.0], [0.1, 0.3]])
    tiers = [
        Tier("common", common),
        Tier("tenants", tenants, ProportionalKey(), cap_frac=0.5),
        Tier("members", members, EqualKey("redistribute"), cap_kwh=3.0),
    ]
    r = allocate_waterfall(g, tiers)
    # t0: common 1 -> 9 left. tenants capped at 0.5 * 10 = 5 < 6 wanted: ratio 5/6 ->
    #   5/3, 10/3; 4 left. members capped at 3 kWh: max-min fair on (1, 3): 1 and 2.
    #   export 4 - 3 = 1.
    # t1: common 0.5 -> 1.5 left. tenants cap 0.5 * 2 = 1 < 3 wanted: 1/3, 2/3;
    #   0.5 left. members want 0.4 -> 0.1, 0.3; export 0.1.
    close(r.allocated_kwh["common"], [[1.0], [0.5]])
    close(r.allocated_kwh["tenants"], [[5 / 3, 10 / 3], [1 / 3, 2 / 3]])
    close(r.allocated_kwh["members"], [[1.0, 2.0], [0.1, 0.3]])
    close(r.export_kwh, [1.0, 0.1])


def test_waterfall_static_export_share_flows_to_the_next_tier() -> None:
    g = np.array([4.0])
    tiers = [
        Tier("tenants", np.array([[1.0, 5.0]]), StaticKey(np.array([0.5, 0.25]), "export")),
        Tier("members", np.array([[10.0]])),
    ]
    r = allocate_waterfall(g, tiers)
    # tenants: 0.5 * 4 = 2 capped to 1; 0.25 * 4 = 1 -> 1; the other 2 kWh go to members
    close(r.allocated_kwh["tenants"], [[1.0, 1.0]])
    close(r.allocated_kwh["members"], [[2.0]])
    close(r.export_kwh, [0.0])


def test_schedule_key_in_a_waterfall() -> None:
    r = allocate_waterfall(
        np.array([2.0]),
        [Tier("t", np.array([[5.0, 5.0]]), ScheduleKey(np.array([[0.25, 0.25]]), "export"))],
    )
    close(r.allocated_kwh["t"], [[0.5, 0.5]])
    close(r.export_kwh, [1.0])


@pytest.mark.parametrize("n_steps", [92, 96, 100, 23, 24, 25])  # 15-min and 1-h DST days
def test_clock_change_day_lengths(n_steps: int) -> None:
    rng = np.random.default_rng(n_steps)
    g = rng.uniform(0, 5, n_steps)
    d = rng.uniform(0, 2, (n_steps, 4))
    r = allocate_waterfall(g, [Tier("a", d[:, :1]), Tier("b", d[:, 1:], EqualKey("redistribute"))])
    total = r.allocated_kwh["a"].sum(axis=1) + r.allocated_kwh["b"].sum(axis=1) + r.export_kwh
    close(total, g)


def test_edge_cases() -> None:
    # zero generation, zero demand, one participant, no participant
    close(allocate_proportional([0.0], [[1.0]]).allocated_kwh, [[0.0]])
    r = allocate_proportional([3.0], [[0.0, 0.0]])
    close(r.export_kwh, [3.0])
    close(allocate_static([3.0], [[5.0]], [1.0], "export").allocated_kwh, [[3.0]])
    close(allocate_equal([3.0], np.zeros((1, 0)), "redistribute").export_kwh, [3.0])
    close(allocate_static([3.0], [[0.0, 0.0]], [0.5, 0.5], "redistribute").export_kwh, [3.0])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: allocate_static([1.0], [[1.0, 1.0]], [0.8, 0.8], "export"),
            "summing to at most 1",
        ),
        (lambda: allocate_static([1.0], [[1.0, 1.0]], [0.5], "export"), "expected 2 shares"),
        (lambda: allocate_proportional([-1.0], [[1.0]]), "non-negative"),
        (lambda: allocate_proportional([np.nan], [[1.0]]), "finite"),
        (lambda: allocate_proportional([1.0, 2.0], [[1.0]]), "expected generation of shape"),
        (lambda: allocate_static([1.0], [[1.0]], [0.5], "lottery"), "expected variant"),
    ],
)
def test_bad_inputs(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
