"""Household profiles kept between runs (energysim.inputs.kept_profiles): the same
numbers to the bit as drawing them, bounded in bytes, used only by a run given them."""

from __future__ import annotations

import numpy as np
import pytest

from energysim.config.scenario import scenario_from_dict
from energysim.config.site import DUTCH_TIMEZONE
from energysim.inputs import demand
from energysim.inputs.kept_profiles import KeptProfiles
from energysim.inputs.timeindex import year_index
from energysim.results.tables import participants_table, timeseries_table
from energysim.simulate import run
from tests.helpers import minimal

ARCHETYPES = list(demand.ARCHETYPES)


def annual(n: int) -> np.ndarray:
    return np.linspace(1500.0, 4500.0, n)


def archetypes(n: int) -> list[str]:
    return [ARCHETYPES[i % len(ARCHETYPES)] for i in range(n)]


@pytest.fixture
def calls(monkeypatch) -> list[int]:
    """Every call that draws profiles (demand.household_profiles_kwh)."""
    seen: list[int] = []
    real = demand.household_profiles_kwh

    def counted(*args, **kwargs):
        seen.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(demand, "household_profiles_kwh", counted)
    return seen


def test_a_kept_profile_is_the_same_to_the_bit_and_a_copy(calls) -> None:
    index = year_index(2026, 15, DUTCH_TIMEZONE)
    kept = KeptProfiles(2**26)
    first = kept.profiles_kwh(index, annual(7), archetypes(7), 11)
    direct = demand.household_profiles_kwh(index, annual(7), archetypes(7), 11)
    assert len(calls) == 2
    second = kept.profiles_kwh(index, annual(7), archetypes(7), 11)
    into = np.full((len(index), 9), -1.0)
    third = kept.profiles_kwh(index, annual(7), archetypes(7), 11, out=into[:, 1:8])
    assert len(calls) == 2  # kept: copied, not drawn
    for got in (first, second, third):
        assert got.tobytes() == direct.tobytes()
    assert (into[:, 0] == -1).all() and (into[:, 8] == -1).all()
    second[0, 0] = 1e9  # the caller's copy: changing it changes nothing kept
    assert kept.profiles_kwh(index, annual(7), archetypes(7), 11).tobytes() == direct.tobytes()
    kept.profiles_kwh(index, annual(7), archetypes(7), 12)  # another seed: drawn
    kept.profiles_kwh(index, annual(7) * 1.01, archetypes(7), 11)  # other kWh: drawn
    assert len(calls) == 4


def test_what_is_kept_stays_within_its_bound(calls) -> None:
    index = year_index(2026, 60, DUTCH_TIMEZONE)
    one = len(index) * 5 * 8
    too_small = KeptProfiles(one - 1)  # one call's profiles do not fit
    too_small.profiles_kwh(index, annual(5), archetypes(5), 1)
    too_small.profiles_kwh(index, annual(5), archetypes(5), 1)
    assert len(calls) == 2 and too_small.n_bytes == 0
    two = KeptProfiles(2 * one)  # room for two: the least recently used goes
    for seed in (1, 2, 1, 3, 1, 2):  # 1, 2 drawn; 1 kept; 3 drawn (2 goes); 1 kept; 2 drawn
        two.profiles_kwh(index, annual(5), archetypes(5), seed)
    assert len(calls) == 2 + 4
    assert two.n_bytes == 2 * one
    with pytest.raises(ValueError, match="max_bytes > 0"):
        KeptProfiles(0)


def test_a_run_given_kept_profiles_equals_a_run_without(calls) -> None:
    """The dashboard's case: an edit of the roof after a run; every output the same to
    the bit as a run that draws every profile."""
    data = minimal()
    first = scenario_from_dict(data)
    data["buildings"][0]["arrays"][0]["capacity_kwp"] = 10.0
    edited = scenario_from_dict(data)
    kept = KeptProfiles(2**26)
    run(first, kept_profiles=kept)
    drawn_once = len(calls)
    assert drawn_once > 0
    kept_run = run(edited, kept_profiles=kept)
    assert len(calls) == drawn_once  # the same households: nothing drawn again
    drawn_run = run(edited)
    assert len(calls) == 2 * drawn_once  # without kept profiles: drawn
    assert participants_table(kept_run).equals(participants_table(drawn_run))
    assert timeseries_table(kept_run).equals(timeseries_table(drawn_run))
    kept_values = kept_run.consumption_kwh.to_numpy()
    assert kept_values.tobytes() == drawn_run.consumption_kwh.to_numpy().tobytes()
