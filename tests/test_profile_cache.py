"""The persistent profile cache: exact, keyed, safe under concurrent writers, switchable;
and a run that does not import pvlib or scipy when its profiles are cached."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from energysim.config.scenario import load_scenario
from energysim.inputs import profile_cache

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO / "scenarios" / "rotterdam-galerijflat.toml"
FILES = ("inputs/profile_cache.py",)


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(profile_cache.CACHE_DIR_ENV, str(tmp_path))
    monkeypatch.delenv(profile_cache.NO_CACHE_ENV, raising=False)
    return tmp_path


def counting(values: np.ndarray) -> tuple[list[int], object]:
    calls: list[int] = []

    def compute() -> np.ndarray:
        calls.append(1)
        return values.copy()

    return calls, compute


def entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.npy"))


def test_second_call_reads_the_same_bits(cache: Path) -> None:
    values = np.random.default_rng(0).random(1000) * 1e-3
    calls, compute = counting(values)
    first = profile_cache.cached_array("demo", {"a": 1.5}, (1000,), compute, files=FILES)
    second = profile_cache.cached_array("demo", {"a": 1.5}, (1000,), compute, files=FILES)
    assert len(calls) == 1
    assert first.tobytes() == second.tobytes() == values.tobytes()
    assert not second.flags.writeable
    assert len(entries(cache)) == 1


def test_every_input_is_part_of_the_key(cache: Path) -> None:
    calls, compute = counting(np.ones(4))
    for inputs in ({"a": 1.5}, {"a": 1.5000000000000002}, {"a": 1.5, "b": None}):
        profile_cache.cached_array("demo", inputs, (4,), compute, files=FILES)
    profile_cache.cached_array("other", {"a": 1.5}, (4,), compute, files=FILES)
    assert len(calls) == 4
    assert len(entries(cache)) == 4


@pytest.mark.parametrize("name", ["numpy", "pandas", "scipy", "pvlib", "holidays"])
def test_library_version_reads_what_importlib_metadata_reads(name: str) -> None:
    from importlib import metadata

    assert profile_cache.library_version(name) == metadata.version(name)


def test_switched_off_writes_nothing(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(profile_cache.NO_CACHE_ENV, "1")
    calls, compute = counting(np.ones(4))
    for _ in range(2):
        profile_cache.cached_array("demo", {"a": 1}, (4,), compute, files=FILES)
    assert len(calls) == 2
    assert entries(cache) == []
    monkeypatch.setenv(profile_cache.NO_CACHE_ENV, "0")  # "0" means on
    assert profile_cache.cache_dir() == cache


def test_damaged_or_wrong_shape_entry_is_computed_again(cache: Path) -> None:
    calls, compute = counting(np.arange(8.0))
    profile_cache.cached_array("demo", {"a": 1}, (8,), compute, files=FILES)
    (path,) = entries(cache)
    path.write_bytes(path.read_bytes()[:60])  # truncated by a crash of another writer
    again = profile_cache.cached_array("demo", {"a": 1}, (8,), compute, files=FILES)
    assert len(calls) == 2
    np.testing.assert_array_equal(again, np.arange(8.0))
    np.save(path, np.zeros(3))  # another shape under the same name
    profile_cache.cached_array("demo", {"a": 1}, (8,), compute, files=FILES)
    assert len(calls) == 3
    assert np.load(path).shape == (8,)


def test_unwritable_cache_still_returns_the_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(profile_cache.CACHE_DIR_ENV, str(blocker / "cache"))
    calls, compute = counting(np.arange(3.0))
    got = profile_cache.cached_array("demo", {"a": 1}, (3,), compute, files=FILES)
    np.testing.assert_array_equal(got, np.arange(3.0))


def _write_same_entry(folder: str) -> bytes:
    os.environ[profile_cache.CACHE_DIR_ENV] = folder
    values = np.random.default_rng(7).random(200_000)
    got = profile_cache.cached_array("race", {"k": 1}, values.shape, values.copy, files=FILES)
    return got.tobytes()


def test_concurrent_writers_leave_one_whole_entry(cache: Path) -> None:
    with ProcessPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(_write_same_entry, [str(cache)] * 8))
    expected = np.random.default_rng(7).random(200_000).tobytes()
    assert all(r == expected for r in results)
    (path,) = entries(cache)
    assert np.load(path).tobytes() == expected
    whole = profile_cache._read(path, (200_000,))  # its checksum holds
    assert whole is not None and whole.tobytes() == expected
    assert [p for p in path.parent.iterdir() if p.suffix == ".tmp"] == []


def _fresh_run(scenario):
    """simulate.run with every in-process cache emptied (only the disk cache remains)."""
    from energysim import simulate
    from energysim.inputs import array_generation, demand
    from energysim.inputs.weather import sun

    array_generation._embedded_per_kwp_kwh.cache_clear()
    array_generation._embedded_weather_cached.cache_clear()
    sun._SOLAR_CACHE.clear()
    demand._index_parts_cached.cache_clear()
    demand._routines_cached.cache_clear()
    return simulate.run(scenario)


def test_run_is_identical_cold_warm_and_uncached(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = load_scenario(DEFAULT)
    cold = _fresh_run(scenario)
    kinds = {p.parent.name for p in entries(cache)}
    assert {"per_kwp_generation", "solar_position", "day_types"} <= kinds
    warm = _fresh_run(scenario)
    monkeypatch.setenv(profile_cache.NO_CACHE_ENV, "1")
    off = _fresh_run(scenario)
    for other in (warm, off):
        assert other.generation_kwh.equals(cold.generation_kwh)
        assert other.consumption_kwh.equals(cold.consumption_kwh)
        assert other.shared_kwh.equals(cold.shared_kwh)
        assert other.money.equals(cold.money)


PROBE = """
import json, sys
from energysim.cli.main import main
rc = main(sys.argv[1:])
heavy = ("pvlib", "scipy.integrate", "scipy.optimize", "pandas", "holidays")
print(json.dumps({"rc": rc, "imported": [m for m in heavy if m in sys.modules]}))
"""


def _probe(args: list[str], cache_dir: Path) -> dict:
    env = {**os.environ, profile_cache.CACHE_DIR_ENV: str(cache_dir)}
    env.pop(profile_cache.NO_CACHE_ENV, None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_validate_imports_neither_pvlib_nor_scipy(tmp_path: Path) -> None:
    got = _probe(["validate", str(DEFAULT)], tmp_path)
    # a scenario without data files: nothing to read, no pandas (tests/test_validate_fast.py)
    assert got == {"rc": 0, "imported": []}


def test_warm_run_imports_neither_pvlib_nor_scipy(tmp_path: Path) -> None:
    args = ["run", str(DEFAULT), "--out", str(tmp_path / "out")]
    cold = _probe(args, tmp_path / "cache")
    assert cold["rc"] == 0 and "pvlib" in cold["imported"]  # the first run computes
    warm = _probe(args, tmp_path / "cache")
    assert warm == {"rc": 0, "imported": ["pandas"]}


# --------------------------------------------------------------------------- damaged in place
def _data_offset(path: Path) -> int:
    """Where the array's values start in an entry (after the .npy header)."""
    with open(path, "rb") as handle:
        version = np.lib.format.read_magic(handle)
        reader = {(1, 0): np.lib.format.read_array_header_1_0}[version]
        reader(handle)
        return handle.tell()


def _zero_fill_values(path: Path) -> None:
    """Zeros over the values, the file's size unchanged (what a crash of the file
    system leaves: the issue's zero-filled per_kwp_generation entries)."""
    data = bytearray(path.read_bytes())
    start = _data_offset(path)
    end = start + 8 * int(np.prod(np.load(path).shape))
    data[start:end] = bytes(end - start)
    path.write_bytes(bytes(data))


def _flip_bit(path: Path, where: str) -> None:
    data = bytearray(path.read_bytes())
    at = {"value": _data_offset(path) + 13, "header": 20, "trailer": len(data) - 2}[where]
    data[at] ^= 0x10
    path.write_bytes(bytes(data))


DAMAGES = {
    "values-zero-filled": _zero_fill_values,
    "file-zero-filled": lambda p: p.write_bytes(bytes(p.stat().st_size)),
    "bit-in-a-value": lambda p: _flip_bit(p, "value"),
    "bit-in-the-header": lambda p: _flip_bit(p, "header"),
    "bit-in-the-checksum": lambda p: _flip_bit(p, "trailer"),
    "random-bytes": lambda p: p.write_bytes(np.random.default_rng(1).bytes(p.stat().st_size)),
    "plain-npy-without-checksum": lambda p: np.save(p, np.load(p)),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_an_entry_damaged_in_place_is_computed_again_and_replaced(cache: Path, damage: str) -> None:
    values = np.random.default_rng(3).random((4, 500))
    calls, compute = counting(values)
    profile_cache.cached_array("demo", {"a": 1}, values.shape, compute, files=FILES)
    (path,) = entries(cache)
    good = path.read_bytes()
    DAMAGES[damage](path)
    assert path.read_bytes() != good
    got = profile_cache.cached_array("demo", {"a": 1}, values.shape, compute, files=FILES)
    assert len(calls) == 2  # not used: computed again
    assert got.tobytes() == values.tobytes()
    assert path.read_bytes() == good  # and replaced by a whole entry
    again = profile_cache.cached_array("demo", {"a": 1}, values.shape, compute, files=FILES)
    assert len(calls) == 2 and again.tobytes() == values.tobytes()
    assert [p for p in path.parent.iterdir() if p.suffix == ".tmp"] == []


@pytest.mark.parametrize("damage", ["values-zero-filled", "bit-in-a-value"])
def test_a_run_over_damaged_entries_is_the_run_of_a_cold_cache(
    cache: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    scenario = load_scenario(DEFAULT)
    cold = _fresh_run(scenario)
    written = {p: p.read_bytes() for p in entries(cache)}
    kinds = {"per_kwp_generation", "solar_position", "day_types"}
    damaged = [p for p in written if p.parent.name in kinds]
    assert {p.parent.name for p in damaged} == kinds
    for path in damaged:
        DAMAGES[damage](path)
    again = _fresh_run(scenario)  # warnings are errors in the tests: none either
    assert again.generation_kwh.equals(cold.generation_kwh)
    assert again.consumption_kwh.equals(cold.consumption_kwh)
    assert again.money.equals(cold.money)
    assert {p: p.read_bytes() for p in written} == written  # every entry whole again
    assert capsys.readouterr() == ("", "")


def test_a_damaged_chunk_of_the_household_pool_is_generated_again(
    cache: Path,
) -> None:
    from energysim.config.buildings import ConsumptionDistribution
    from energysim.inputs.household_pool import HouseholdPool
    from energysim.inputs.population import draw_annual_kwh
    from energysim.inputs.timeindex import year_index

    index = year_index(2026, 60, "Europe/Amsterdam")
    annual = draw_annual_kwh(ConsumptionDistribution(mean_kwh=2000, sd_kwh=700, seed=4), 6)
    kinds = ["family"] * 6
    cold = HouseholdPool().profiles_kwh(index, annual, kinds, 4)
    chunks = [p for p in entries(cache) if p.parent.name == "household_pool"]
    assert chunks
    for path in chunks:
        _zero_fill_values(path)
    again = HouseholdPool().profiles_kwh(index, annual, kinds, 4)
    assert np.array_equal(cold, again)
