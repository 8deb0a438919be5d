"""Hand-computed cases for every key, both variants, and the waterfall.

The arithmetic is written beside each case; all numbers are exact in binary floating
point or compared to 1e-12.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from energysim.config.allocation_policy import EqualKey, ProportionalKey, ScheduleKey, StaticKey
from energysim.sharing.allocation import (
    Tier,
    allocate,
    allocate_equal,
    allocate_proportional,
    allocate_schedule,
    allocate_static,
    allocate_waterfall,
    expand_hourly_shares,
)
from energysim.sharing.kernel_inputs import BLOCK_STEPS
from energysim.sharing.own_strings import allocate_own_strings

# a schedule key names the CSV of its shares; the kernels take the shares read from it
SCHEDULE_CSV = Path("schedule.csv")

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
        Tier("members", members, EqualKey(variant="redistribute"), cap_kwh=3.0),
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
        Tier(
            "tenants",
            np.array([[1.0, 5.0]]),
            StaticKey(shares_frac=[0.5, 0.25], variant="export"),
        ),
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
        [
            Tier(
                "t",
                np.array([[5.0, 5.0]]),
                ScheduleKey(path=SCHEDULE_CSV, variant="export"),
                schedule_shares_frac=np.array([[0.25, 0.25]]),
            )
        ],
    )
    close(r.allocated_kwh["t"], [[0.5, 0.5]])
    close(r.export_kwh, [1.0])


@pytest.mark.parametrize("n_steps", [92, 96, 100, 23, 24, 25])  # 15-min and 1-h DST days
def test_clock_change_day_lengths(n_steps: int) -> None:
    rng = np.random.default_rng(n_steps)
    g = rng.uniform(0, 5, n_steps)
    d = rng.uniform(0, 2, (n_steps, 4))
    r = allocate_waterfall(
        g, [Tier("a", d[:, :1]), Tier("b", d[:, 1:], EqualKey(variant="redistribute"))]
    )
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


# four participants, one interval: G = 10, D = (2, 3, 10, 0)
G4 = np.array([10.0])
D4 = np.array([[2.0, 3.0, 10.0, 0.0]])
W4 = np.array([0.1, 0.2, 0.3, 0.2])  # sums to 0.8: 0.2 of the roof is not assigned


def test_static_four_participants_shares_below_one() -> None:
    ex = allocate_static(G4, D4, W4, "export")
    # export: w * 10 = 1, 2, 3, 2 capped by 2, 3, 10, 0 -> 1, 2, 3, 0; export 10 - 6 = 4
    # (participant 3's unused 2 kWh and the unassigned 0.2 * 10 = 2 kWh)
    close(ex.allocated_kwh, [[1.0, 2.0, 3.0, 0.0]])
    close(ex.export_kwh, [4.0])
    re = allocate_static(G4, D4, W4, "redistribute")
    # redistribute: target min(10, 15) = 10; saturation levels D/w = 20, 15, 33.3, 0.
    #   Participant 3 (level 0) is served at once with 0. Try 15 <= lam <= 20:
    #   participant 1 saturated (3), 0 and 2 at w * lam: 3 + 0.1 lam + 0.3 lam = 10
    #   -> lam = 7 / 0.4 = 17.5, inside [15, 20] -> 1.75, 3, 5.25, 0; export 0.
    #   Each is at least its static-export amount (1, 2, 3, 0).
    close(re.allocated_kwh, [[1.75, 3.0, 5.25, 0.0]])
    close(re.export_kwh, [0.0])


def test_equal_four_participants() -> None:
    d = np.array([[1.0, 2.0, 4.0, 6.0]])
    ex = allocate_equal(G4, d, "export")
    # 10 / 4 = 2.5 each, capped by 1, 2, 4, 6 -> 1, 2, 2.5, 2.5; export 10 - 8 = 2
    close(ex.allocated_kwh, [[1.0, 2.0, 2.5, 2.5]])
    close(ex.export_kwh, [2.0])
    re = allocate_equal(G4, d, "redistribute")
    # max-min fair: 1 + 2 + 2 lam = 10 -> lam = 3.5 <= 4 -> 1, 2, 3.5, 3.5; export 0
    close(re.allocated_kwh, [[1.0, 2.0, 3.5, 3.5]])
    close(re.export_kwh, [0.0])


def test_proportional_four_participants() -> None:
    r = allocate_proportional(G4, np.array([[2.0, 6.0, 4.0, 8.0]]))
    # sum D = 20 > 10: everyone gets half its demand -> 1, 3, 2, 4; export 0
    close(r.allocated_kwh, [[1.0, 3.0, 2.0, 4.0]])
    close(r.export_kwh, [0.0])


def test_redistribute_with_a_vanishing_share() -> None:
    # shares 0.5 and 1e-320 (subnormal): D/w overflows for the second participant, yet
    # it still has a positive key: participant 0 saturates at 1, the other 0.5 kWh go
    # to participant 1 (1 + 1e-320 * lam = 1.5 -> lam = 5e319), nothing is exported
    r = allocate_static([1.5], [[1.0, 1.0]], [0.5, 1e-320], "redistribute")
    close(r.allocated_kwh, [[1.0, 0.5]])
    close(r.export_kwh, [0.0])


def test_shares_summing_to_one_by_rounding_are_rescaled() -> None:
    shares = np.array([0.6, 0.4 + 5e-10])  # within SHARE_SUM_TOL above 1
    r = allocate_static([1.0], [[1.0, 1.0]], shares, "export")
    assert r.allocated_kwh.sum() + r.export_kwh[0] == pytest.approx(1.0, abs=1e-15)


def test_waterfall_with_both_caps_reserving_roof_for_the_neighbourhood() -> None:
    g = np.array([12.0, 4.0])
    tiers = [
        Tier("common", np.array([[2.0], [3.0]]), ProportionalKey(), cap_kwh=2.5),
        Tier(
            "tenants",
            np.array([[4.0, 1.0, 2.0], [1.0, 1.0, 1.0]]),
            StaticKey(shares_frac=[0.5, 0.25, 0.25], variant="export"),
            cap_frac=0.5,
        ),
        Tier("members", np.array([[3.0, 1.0], [2.0, 2.0]]), ProportionalKey(), cap_kwh=3.0),
    ]
    r = allocate_waterfall(g, tiers)
    # t0, G = 12:
    #   common: reach min(12, 2.5) = 2.5, wants 2 -> 2; left 10
    #   tenants: reach min(10, 0.5 * 12) = 6; shares of 6 = 3, 1.5, 1.5 capped by 4, 1, 2
    #     -> 3, 1, 1.5 (5.5); left 10 - 5.5 = 4.5 (unused share 0.5 + 4 held back by the cap)
    #   members: reach min(4.5, 3) = 3 < 4 wanted -> 3/4 each: 2.25, 0.75; left 1.5
    #   export 1.5;  2 + 5.5 + 3 + 1.5 = 12
    # t1, G = 4:
    #   common: reach 2.5 < 3 wanted -> 2.5; left 1.5
    #   tenants: reach min(1.5, 0.5 * 4 = 2) = 1.5; shares 0.75, 0.375, 0.375 (all <= 1)
    #   members: nothing left; export 0;  2.5 + 1.5 = 4
    close(r.allocated_kwh["common"], [[2.0], [2.5]])
    close(r.allocated_kwh["tenants"], [[3.0, 1.0, 1.5], [0.75, 0.375, 0.375]])
    close(r.allocated_kwh["members"], [[2.25, 0.75], [0.0, 0.0]])
    close(r.export_kwh, [1.5, 0.0])


def test_waterfall_without_tiers_or_with_an_empty_tier_exports_everything() -> None:
    close(allocate_waterfall([1.0, 2.0], []).export_kwh, [1.0, 2.0])
    r = allocate_waterfall(
        [1.0], [Tier("members", np.zeros((1, 0)), EqualKey(variant="redistribute"))]
    )
    assert r.allocated_kwh["members"].shape == (1, 0)
    close(r.export_kwh, [1.0])
    r = allocate_waterfall([1.0], [Tier("tenants", np.ones((1, 2)), cap_frac=0.0)])
    close(r.allocated_kwh["tenants"], [[0.0, 0.0]])
    close(r.export_kwh, [1.0])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: allocate_waterfall([1.0], [Tier("a", np.ones((1, 1)), cap_kwh=np.nan)]),
            "tier 'a': expected cap_kwh >= 0",
        ),
        (
            lambda: allocate_waterfall([1.0], [Tier("a", np.ones((1, 1)), cap_frac=1.5)]),
            r"tier 'a': expected cap_frac in \[0, 1\], found 1.5",
        ),
        (
            lambda: allocate_waterfall([1.0], [Tier("a", np.ones((2, 1)))]),
            r"tier 'a': expected demand_kwh of shape \(1, n_participants\)",
        ),
        (
            lambda: allocate_waterfall([1.0], [Tier("a", np.ones((1, 1)))] * 2),
            "unique tier names",
        ),
        (lambda: allocate_waterfall([-1.0], []), r"non-negative generation.*index \(0,\)"),
        (lambda: allocate_own_strings([[1.0, -2.0]], [[1.0, 1.0]]), "non-negative string"),
        (lambda: allocate_own_strings([1.0], [1.0]), "n_dwellings"),
        (
            lambda: allocate_schedule([1.0], [[1.0, 1.0]], [[0.7, 0.7]], "redistribute"),
            "summing to at most 1, found 1.4",
        ),
        (
            lambda: allocate_proportional([1.0], [[1.0, np.inf]]),
            r"finite demand \[kWh\], found inf at index \(0, 1\)",
        ),
    ],
)
def test_bad_waterfall_and_other_inputs(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "key",
    [
        ProportionalKey(),
        StaticKey(shares_frac=[0.5, 0.3, 0.2], variant="export"),
        StaticKey(shares_frac=[0.5, 0.3, 0.2], variant="redistribute"),
        EqualKey(variant="redistribute"),
        ScheduleKey(path=SCHEDULE_CSV, variant="export"),
    ],
)
def test_allocation_written_into_a_given_array(key) -> None:
    shares = np.full((3, 3), 1.0 / 3.0) if isinstance(key, ScheduleKey) else None
    plain = allocate(G, D, key, schedule_shares_frac=shares)
    buffer = np.full((3, 5), -1.0)
    into = allocate(G, D, key, schedule_shares_frac=shares, out=buffer[:, 1:4])
    np.testing.assert_array_equal(into.allocated_kwh, plain.allocated_kwh)
    np.testing.assert_array_equal(into.export_kwh, plain.export_kwh)
    np.testing.assert_array_equal(buffer[:, 1:4], plain.allocated_kwh)
    assert (buffer[:, [0, 4]] == -1.0).all()  # nothing written outside the view
    with pytest.raises(ValueError, match="expected out of shape"):
        allocate(G, D, key, schedule_shares_frac=shares, out=np.zeros((3, 2)))


def test_waterfall_tiers_written_into_one_array() -> None:
    tiers = [
        Tier("common", D[:, :1]),
        Tier("tenants", D[:, 1:], key=EqualKey(variant="redistribute"), cap_frac=0.5),
    ]
    plain = allocate_waterfall(G, tiers)
    table = np.zeros((3, 3))
    placed = [
        Tier(t.name, t.demand_kwh, t.key, t.cap_frac, out=table[:, cols])
        for t, cols in zip(tiers, (slice(0, 1), slice(1, 3)), strict=True)
    ]
    into = allocate_waterfall(G, placed)
    np.testing.assert_array_equal(table[:, :1], plain.allocated_kwh["common"])
    np.testing.assert_array_equal(table[:, 1:], plain.allocated_kwh["tenants"])
    np.testing.assert_array_equal(into.export_kwh, plain.export_kwh)


def test_proportional_over_many_blocks_of_intervals() -> None:
    # longer than several blocks of BLOCK_STEPS intervals, with scarce and ample intervals
    rng = np.random.default_rng(3)
    n = 3 * BLOCK_STEPS + 17
    d = rng.random((n, 4))
    g = rng.random(n) * 4.0
    result = allocate_proportional(g, d)
    expected = d * np.minimum(1.0, g / d.sum(axis=1))[:, None]
    close(result.allocated_kwh, expected)
    close(result.export_kwh, np.maximum(g - expected.sum(axis=1), 0.0))
    with pytest.raises(ValueError, match="non-negative demand"):
        d[n - 3, 2] = -1.0  # in the last block
        allocate_proportional(g, d)


def _one_at_a_time(n_slow: int, n_big: int, g: float) -> np.ndarray:
    """Demands that progressive filling saturates one per round, then ``n_big`` that
    never saturate: demand ``k`` lies just above the level of round ``k - 2`` and below
    that of round ``k - 1`` (levels: ``lam_k = rest_k / (P - k)``)."""
    p = n_slow + n_big
    d: list[float] = []
    before, level, rest = 0.0, g / p, g
    for k in range(1, n_slow + 1):
        d.append(before + 1e-3 * (level - before))
        rest -= d[-1]
        before, level = level, rest / (p - k)
    return np.array(d + [1e6] * n_big)


EQUAL_16 = np.full(16, 1 / 16)


def _count_sorted_rows(monkeypatch) -> list[int]:
    """The number of intervals of each call to the sorting method (spied on)."""
    import energysim.sharing.water_filling as water_filling

    sorted_rows: list[int] = []
    by_sorting = water_filling._water_fill_sorted

    def spy(g, d, w, equal):
        sorted_rows.append(len(g))
        return by_sorting(g, d, w, equal)

    monkeypatch.setattr(water_filling, "_water_fill_sorted", spy)
    return sorted_rows


@pytest.mark.parametrize(
    "key",
    [
        EqualKey(variant="redistribute"),
        StaticKey(shares_frac=np.asarray(EQUAL_16).tolist(), variant="redistribute"),
    ],
)
def test_redistribute_needing_many_rounds_matches_progressive_filling(key, monkeypatch) -> None:
    from tests.test_allocation_properties import reference_redistribute

    sorted_rows = _count_sorted_rows(monkeypatch)
    d = np.tile(_one_at_a_time(14, 2, 100.0), (3, 1))
    g = np.array([100.0, 50.0, 0.0])
    a = allocate(g, d, key).allocated_kwh
    assert sorted_rows == [1]  # 15 rounds > FILL_ROUNDS: that interval is sorted instead
    for t in range(2):
        ref = reference_redistribute(g[t], d[t], EQUAL_16)
        np.testing.assert_allclose(a[t], ref, rtol=1e-12, atol=1e-12)
    assert a[0].sum() == pytest.approx(100.0, rel=1e-13)
    assert (a[2] == 0).all()


def test_redistribute_does_not_depend_on_the_block_size(monkeypatch) -> None:
    import energysim.sharing.water_filling as water_filling

    rng = np.random.default_rng(5)
    d = rng.gamma(1.5, 0.05, (3000, 300))
    g = d.sum(axis=1) * rng.uniform(0.0, 1.2, 3000)
    shares = rng.dirichlet(np.ones(300))
    schedule = rng.dirichlet(np.ones(300), 3000)
    keys = [
        EqualKey(variant="redistribute"),
        StaticKey(shares_frac=np.asarray(shares).tolist(), variant="redistribute"),
    ]
    keys.append(ScheduleKey(path=SCHEDULE_CSV, variant="redistribute"))
    results = []
    for block_bytes in (1, 64 * 1024, 1 << 30):  # 8 rows, 27 rows, BLOCK_STEPS rows
        monkeypatch.setattr(water_filling, "BLOCK_BYTES", block_bytes)
        results.append(
            [
                allocate(g, d, k, schedule_shares_frac=schedule if k is keys[-1] else None)
                for k in keys
            ]
        )
    for other in results[1:]:
        for a, b in zip(results[0], other, strict=True):
            assert a.allocated_kwh.tobytes() == b.allocated_kwh.tobytes()
            assert a.export_kwh.tobytes() == b.export_kwh.tobytes()


@pytest.mark.parametrize(
    "key",
    [
        EqualKey(variant="redistribute"),
        StaticKey(shares_frac=np.asarray(EQUAL_16).tolist(), variant="redistribute"),
    ],
)
def test_redistribute_many_rounds_at_block_edges(key, monkeypatch) -> None:
    """Intervals needing many rounds at the last row of a block and the first of the
    next, one needing FILL_ROUNDS (12, filled) and one more (13, sorted), between
    intervals done at once, at night and with energy for all: each row as the
    one-interval reference, the export its remainder, and only the 13-round interval
    sorted."""
    import energysim.sharing.water_filling as water_filling
    from tests.test_allocation_properties import reference_redistribute

    sorted_rows = _count_sorted_rows(monkeypatch)
    monkeypatch.setattr(water_filling, "BLOCK_BYTES", 1)  # blocks of 8 intervals
    rng = np.random.default_rng(11)
    n = 40
    d = rng.gamma(1.5, 0.05, (n, 16))
    g = d.sum(axis=1) * rng.uniform(0.1, 0.9, n)
    g[[0, 9, 30]] = 0.0  # night
    g[[1, 22]] = d[[1, 22]].sum(axis=1) * 2  # energy for all
    slow = {7: _one_at_a_time(11, 5, 100.0), 8: _one_at_a_time(10, 6, 100.0)}
    slow |= {15: _one_at_a_time(12, 4, 100.0), 16: _one_at_a_time(5, 11, 100.0)}
    for t, row in slow.items():  # rows 7 | 8 and 15 | 16 straddle block edges
        d[t], g[t] = row, 100.0
    r = allocate(g, d, key)
    for t in range(n):
        ref = reference_redistribute(g[t], d[t], EQUAL_16)
        np.testing.assert_allclose(r.allocated_kwh[t], ref, rtol=1e-12, atol=1e-15)
    assert (r.allocated_kwh[[0, 9, 30]] == 0).all()
    assert (r.allocated_kwh[[1, 22]] == d[[1, 22]]).all()
    np.testing.assert_array_equal(r.export_kwh, np.maximum(g - r.allocated_kwh.sum(axis=1), 0))
    assert sum(sorted_rows) == 1  # row 15: 13 rounds > FILL_ROUNDS


def test_a_schedule_key_takes_its_shares_and_no_other_key_does() -> None:
    with pytest.raises(ValueError, match="expected schedule_shares_frac with a schedule key"):
        allocate(G, D, ScheduleKey(path=SCHEDULE_CSV, variant="export"))
    with pytest.raises(ValueError, match="and only then"):
        allocate(G, D, EqualKey(variant="export"), schedule_shares_frac=np.full((3, 3), 0.1))
