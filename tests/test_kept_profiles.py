"""Household profiles kept between runs (energysim.inputs.kept_profiles): the same
numbers to the bit as drawing them, kept only inside ``kept``, bounded in bytes."""

from __future__ import annotations

import numpy as np
import pytest

from energysim.config.scenario import scenario_from_dict
from energysim.config.site import DUTCH_TIMEZONE
from energysim.inputs import demand, kept_profiles
from energysim.inputs.timeindex import year_index
from energysim.results.tables import participants_table, timeseries_table
from energysim.simulate import run
from tests.helpers import minimal

ARCHETYPES = list(demand.ARCHETYPES)


@pytest.fixture(autouse=True)
def nothing_kept():
    kept_profiles.forget()
    yield
    kept_profiles.forget()


def draw(index, n: int, seed: int, out=None):
    annual = np.linspace(1500.0, 4500.0, n)
    archetypes = [ARCHETYPES[i % 4] for i in range(n)]
    return kept_profiles.household_profiles_kwh(index, annual, archetypes, seed, out=out)


def test_a_kept_draw_is_the_same_to_the_bit_and_is_a_copy(monkeypatch) -> None:
    index = year_index(2026, 15, DUTCH_TIMEZONE)
    direct = demand.household_profiles_kwh(
        index, np.linspace(1500.0, 4500.0, 7), [ARCHETYPES[i % 4] for i in range(7)], 11
    )
    calls = []
    real = demand.household_profiles_kwh
    monkeypatch.setattr(
        demand, "household_profiles_kwh", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    with kept_profiles.kept(2**26):
        first = draw(index, 7, 11)
        second = draw(index, 7, 11)
        into = np.full((len(index), 9), -1.0)
        third = draw(index, 7, 11, out=into[:, 1:8])
    assert len(calls) == 1  # drawn once, then copied
    for got in (first, second, third):
        assert got.tobytes() == direct.tobytes()
    assert (into[:, 0] == -1).all() and (into[:, 8] == -1).all()
    second[0, 0] = 1e9  # a caller's copy: changing it changes nothing kept
    with kept_profiles.kept(2**26):
        assert draw(index, 7, 11).tobytes() == direct.tobytes()
        draw(index, 7, 12)  # another seed: drawn
    assert len(calls) == 2


def test_nothing_is_kept_outside_kept_or_above_the_bound(monkeypatch) -> None:
    index = year_index(2026, 60, DUTCH_TIMEZONE)
    calls = []
    real = demand.household_profiles_kwh
    monkeypatch.setattr(
        demand, "household_profiles_kwh", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    draw(index, 5, 1)
    draw(index, 5, 1)
    assert len(calls) == 2  # outside `kept`: drawn every time
    one = len(index) * 5 * 8
    with kept_profiles.kept(one - 1):  # too small for one call's profiles
        draw(index, 5, 1)
        draw(index, 5, 1)
    assert len(calls) == 4
    with kept_profiles.kept(2 * one):  # room for two: the least recently used goes
        draw(index, 5, 1)
        draw(index, 5, 2)
        draw(index, 5, 1)  # kept
        draw(index, 5, 3)  # seed 2 goes
        draw(index, 5, 1)  # kept
        draw(index, 5, 2)  # drawn again
    assert len(calls) == 4 + 4
    with pytest.raises(ValueError, match="max_bytes >= 0"):
        with kept_profiles.kept(-1):
            pass


def test_a_run_with_kept_profiles_equals_a_run_without() -> None:
    """The dashboard's case: an edit of the roof after a run; every output the same to
    the bit as a run that drew every profile."""
    first = scenario_from_dict(minimal())
    data = minimal()
    data["buildings"][0]["arrays"][0]["capacity_kwp"] = (
        2 * first.buildings[0].arrays[0].capacity_kwp
    )
    edited = scenario_from_dict(data)
    with kept_profiles.kept(2**26):
        run(first)
        kept_run = run(edited)
    drawn_run = run(edited)
    assert participants_table(kept_run).equals(participants_table(drawn_run))
    assert timeseries_table(kept_run).equals(timeseries_table(drawn_run))
    assert (
        kept_run.consumption_kwh.to_numpy().tobytes()
        == drawn_run.consumption_kwh.to_numpy().tobytes()
    )
