"""The pool of household-years of a batch: draws without replacement, exact sums, and the
generator's peak and diversity statistics (tests/test_demand.py) kept for pooled draws."""

from __future__ import annotations

import numpy as np
import pytest

from energysim.config.buildings import ConsumptionDistribution
from energysim.inputs import household_pool
from energysim.inputs.demand import CONNECTION_KW, draw_archetypes, household_profiles_kwh
from energysim.inputs.household_pool import HouseholdPool, band_of, draw_members
from energysim.inputs.population import draw_annual_kwh
from energysim.inputs.timeindex import year_index

IDX = year_index(2026, 15, "Europe/Amsterdam")


def _complex(seed: int, n: int = 40) -> tuple[np.ndarray, list[str]]:
    annual = draw_annual_kwh(ConsumptionDistribution(mean_kwh=2000, sd_kwh=700, seed=seed), n)
    return annual, draw_archetypes(n, seed)


@pytest.fixture(scope="module")
def pooled() -> tuple[np.ndarray, np.ndarray]:
    """Five complexes of 40 households drawn from one pool (as a batch worker does)."""
    pool = HouseholdPool()
    annual, profiles = [], []
    for seed in range(5):
        a, kinds = _complex(seed)
        annual.append(a)
        profiles.append(pool.profiles_kwh(IDX, a, kinds, seed))
    return np.concatenate(annual), np.concatenate(profiles, axis=1)


@pytest.mark.parametrize("seed", range(20))
def test_a_complex_never_draws_the_same_household_twice(seed: int) -> None:
    # a crowded bin (every household one archetype, one band) needs more members than
    # the pool's minimum: it grows, and still no member is drawn twice
    crowded = np.full(50, 2000.0) * np.random.default_rng(seed).uniform(1.0, 1.01, 50)
    for annual, kinds in (_complex(seed, 120), (crowded, ["family"] * 50)):
        draw = draw_members(annual, kinds, seed)
        keys = list(zip(draw.archetype, draw.band, draw.member, strict=True))
        assert len(set(keys)) == len(keys)
        assert (draw.member >= 0).all()
    p = HouseholdPool().profiles_kwh(IDX, crowded, ["family"] * 50, seed)
    corr = np.corrcoef(p.T)[np.triu_indices(50, 1)]
    assert corr.max() < 0.99  # no two columns are one household-year scaled


def test_members_fall_in_their_household_bands() -> None:
    annual, kinds = _complex(3, 200)
    draw = draw_members(annual, kinds, 3)
    lo = household_pool.BAND_BASE_KWH * household_pool.BAND_RATIO ** draw.band.astype(float)
    assert ((lo <= annual) & (annual < lo * household_pool.BAND_RATIO)).all()
    assert (band_of(np.array([1000.0, 1099.0, 1100.0, 999.0])) == [0, 0, 1, -1]).all()


def test_pooled_profiles_sum_exactly_and_do_not_depend_on_earlier_draws() -> None:
    annual, kinds = _complex(11)
    annual[3] = 0.0  # a household without use has a zero profile
    fresh = HouseholdPool().profiles_kwh(IDX, annual, kinds, 11)
    busy = HouseholdPool()
    for seed in range(30, 36):  # other complexes first: other bins and chunks generated
        busy.profiles_kwh(IDX, *_complex(seed), seed)
    out = np.full((len(IDX), 41), np.nan)
    busy.profiles_kwh(IDX, annual, kinds, 11, out=out[:, 1:])
    assert np.array_equal(out[:, 1:], fresh)  # the same in any worker, in any order
    assert np.allclose(fresh.sum(axis=0), annual, rtol=1e-12, atol=0)
    assert not fresh[:, 3].any()
    assert (fresh >= 0).all()
    # a member is the generator's household of the band centre, scaled: same shapes
    generated = household_profiles_kwh(IDX, annual, kinds, 11)
    assert not np.array_equal(fresh, generated)
    assert fresh.mean(axis=1) @ generated.mean(axis=1) > 0.9 * np.linalg.norm(
        fresh.mean(axis=1)
    ) * np.linalg.norm(generated.mean(axis=1))


def test_pooled_household_peaks_like_generated_ones(pooled) -> None:
    # the bounds of tests/test_demand.py::test_household_peaks_like_real_households
    annual, p = pooled
    peak_kw = p.max(axis=0) * 4
    p10, p90 = np.percentile(peak_kw, [10, 90])
    assert 2.0 <= p10 and p90 <= 6.0
    assert peak_kw.max() <= CONNECTION_KW * 1.001 * household_pool.BAND_RATIO**0.5
    corr = np.corrcoef(peak_kw, annual)[0, 1]
    assert 0.3 <= corr <= 0.9
    low, high = annual <= np.percentile(annual, 10), annual >= np.percentile(annual, 90)
    assert annual[high].mean() / annual[low].mean() > 2.5
    assert peak_kw[high].mean() / peak_kw[low].mean() < 2.0


def test_pooled_after_diversity_peak_of_40_households(pooled) -> None:
    # the bounds of tests/test_demand.py::test_after_diversity_peak_of_40_households and
    # ::test_diversity_of_50_households, each group of 40 one complex's draw
    _, p = pooled
    groups = [p[:, g * 40 : (g + 1) * 40] for g in range(5)]
    admd = [g.sum(axis=1).max() * 4 / 40 for g in groups]
    assert 0.6 <= np.mean(admd) <= 1.0
    assert all(0.5 <= a <= 1.1 for a in admd)
    assert all(0.15 <= g.sum(axis=1).max() / g.max(axis=0).sum() <= 0.50 for g in groups)


def test_the_pool_is_used_only_when_passed() -> None:
    from energysim.config.scenario import scenario_from_dict
    from energysim.simulate import run
    from tests.helpers import minimal

    scenario = scenario_from_dict(minimal())
    generated = run(scenario)
    pool = HouseholdPool()
    pooled = run(scenario, household_pool=pool)
    codes = [[getattr(m, "code", "") for m in r.messages] for r in (generated, pooled)]
    assert "household_pool" not in codes[0] and "household_pool" in codes[1]
    assert pool.chunks  # drawn from the pool passed, nowhere else
    assert run(scenario).consumption_kwh.equals(generated.consumption_kwh)


def test_pool_chunks_are_the_same_from_the_cache_cold_warm_or_off(tmp_path, monkeypatch) -> None:
    # the pool's household-years are kept in the profile cache: a worker reading a chunk
    # another generated gets the same profiles to the bit
    annual, kinds = _complex(21, 12)
    monkeypatch.setenv("ENERGYSIM_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("ENERGYSIM_NO_CACHE", raising=False)
    cold = HouseholdPool().profiles_kwh(IDX, annual, kinds, 21)
    assert list(tmp_path.rglob("*.npy"))  # written
    warm = HouseholdPool().profiles_kwh(IDX, annual, kinds, 21)
    monkeypatch.setenv("ENERGYSIM_NO_CACHE", "1")
    off = HouseholdPool().profiles_kwh(IDX, annual, kinds, 21)
    assert np.array_equal(cold, warm) and np.array_equal(cold, off)


def test_a_portfolio_batch_uses_the_pool_and_says_so(tmp_path) -> None:
    from pathlib import Path

    from energysim.batch.runner import plan_batch, run_unit, scenario_hash

    repo = Path(__file__).resolve().parents[1]
    template = repo / "scenarios" / "portfolio_template.toml"
    example = repo / "scenarios" / "portfolio_example.csv"
    pooled = plan_batch(template, portfolio_path=example).units[0]
    generated = plan_batch(template, portfolio_path=example, household_pool=False).units[0]
    assert pooled.household_pool and not generated.household_pool
    # a resumed batch with the other setting refuses the units written before
    assert scenario_hash(pooled) != scenario_hash(generated)
    # one scenario (and its sweep) is never pooled: its units give `energysim run`'s results
    assert not plan_batch(template).units[0].household_pool
    (tmp_path / "units").mkdir()
    rows = [run_unit(u, str(tmp_path)) for u in (pooled, generated)]
    assert [r["status"] for r in rows] == ["ok", "ok"]
    assert "drawn from a pool of pre-generated household-years" in rows[0]["messages"]
    assert "pool" not in rows[1]["messages"]
    # the same households' annual kWh, other quarter-hours
    assert rows[0]["consumption_kwh.tenants"] == pytest.approx(
        rows[1]["consumption_kwh.tenants"], rel=1e-12
    )
    assert rows[0]["allocated_kwh.tenants"] != rows[1]["allocated_kwh.tenants"]


def _plain_pool_profiles(index, annual, kinds, seed):
    """Each drawn household computed afresh from its member's chunk (no pool, no cache):
    the member's float32 row of :func:`unscaled_household_profiles` at its band centre,
    times its annual kWh over the row's float64 sum."""
    from energysim.inputs.demand import ARCHETYPES, unscaled_household_profiles
    from energysim.inputs.population import derive_seed

    draw = household_pool._draw_members.__wrapped__(
        np.asarray(annual, dtype=np.float64).tobytes(), tuple(kinds), seed
    )
    out = np.zeros((len(index), len(annual)))
    chunk = household_pool.CHUNK
    for p in np.flatnonzero(draw.member >= 0):
        a, b, m = int(draw.archetype[p]), int(draw.band[p]), int(draw.member[p])
        centre = np.full(chunk, household_pool.band_centre_kwh(b))
        raw = unscaled_household_profiles(
            index,
            centre,
            [ARCHETYPES[a]] * chunk,
            derive_seed(household_pool.POOL_SEED, a, b + 1_000, m // chunk),
        )[:, m % chunk]
        total = raw.sum(dtype=np.float64)
        out[:, p] = raw.astype(np.float64) * (annual[p] / total)
    return out


@pytest.mark.parametrize(("seed", "n", "year"), [(5, 40, 2026), (6, 9, 2027), (7, 3, 2024)])
def test_pooled_profiles_equal_a_plain_computation_to_the_bit(seed, n, year) -> None:
    # the pool's gather-and-scale (kept chunks, kept draws, written in place into a
    # wider table) is the member's row times its scale, nothing else
    index = year_index(year, 15, "Europe/Amsterdam")
    annual, kinds = _complex(seed, n)
    annual[0] = 0.0  # no use: a zero column
    plain = _plain_pool_profiles(index, annual, kinds, seed)
    pool = HouseholdPool()
    for _ in range(2):  # cold, then with the draw and the chunks kept
        out = np.full((len(index), n + 2), np.nan)
        pool.profiles_kwh(index, annual, kinds, seed, out=out[:, 1:-1])
        assert np.array_equal(out[:, 1:-1].view(np.int64), plain.view(np.int64))
        assert np.isnan(out[:, [0, -1]]).all()  # nothing written beside its columns


def test_kept_draws_are_read_only_and_keyed_on_all_they_depend_on() -> None:
    annual, kinds = _complex(4, 30)
    first = draw_members(annual, kinds, 4)
    assert draw_members(annual.copy(), list(kinds), 4) is first  # kept
    with pytest.raises(ValueError):
        first.member[0] = 3
    fresh = household_pool._draw_members.__wrapped__(annual.tobytes(), tuple(kinds), 4)
    for got, plain in zip(
        (first.archetype, first.band, first.member),
        (fresh.archetype, fresh.band, fresh.member),
        strict=True,
    ):
        assert np.array_equal(got, plain)
    # another seed, another annual use or another archetype is another draw
    assert not np.array_equal(draw_members(annual, kinds, 5).member, first.member)
    other = annual.copy()
    other[0] *= 1.2
    assert not np.array_equal(draw_members(other, kinds, 4).band, first.band)
    swapped = ["family" if k != "family" else "retired_single" for k in kinds]
    assert not np.array_equal(draw_members(annual, swapped, 4).archetype, first.archetype)
    with pytest.raises(ValueError, match="one archetype per household"):
        draw_members(annual, kinds[:-1], 4)
