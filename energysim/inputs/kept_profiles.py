"""Household profiles kept between runs of one long-lived process (the dashboard).

An edit of a scenario's roof, keys, fees or owners leaves its households as they were:
the same calendar, annual kWh, archetypes and seed, so the same profiles
(:func:`energysim.inputs.demand.household_profiles_kwh` is deterministic in those). Drawing
them is about a third of a run of the default example (0.12 of 0.35 s of CPU). A run given
a :class:`KeptProfiles` (``energysim.run(scenario, kept_profiles=...)``) copies the
profiles kept from a recent call with the same inputs instead of drawing them again: the
same numbers to the bit. A run without one (the command line, a batch: every unit its own
households) keeps nothing and draws every profile, as :mod:`~energysim.inputs.demand` does.

What is kept is bounded in bytes (the most recently used first); a single call whose
profiles exceed the bound is not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from energysim.inputs import demand

FloatArray = NDArray[np.float64]


class KeptProfiles:
    """Household profiles kept between runs, at most ``max_bytes`` of them, the most
    recently used first; give it to :func:`energysim.simulate.run` (``kept_profiles=``) of
    every run that should find and keep them. Safe to share between threads.

    Parameters
    ----------
    max_bytes : int
        The bound on what is kept [bytes]; profiles of a single call above it are not kept.
    """

    def __init__(self, max_bytes: int) -> None:
        if max_bytes <= 0:
            raise ValueError(f"kept profiles: expected max_bytes > 0, found {max_bytes}")
        self.max_bytes = int(max_bytes)
        self._store: OrderedDict[Hashable, FloatArray] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def n_bytes(self) -> int:
        """What is kept now [bytes]."""
        with self._lock:
            return sum(a.nbytes for a in self._store.values())

    def profiles_kwh(
        self,
        index: pd.DatetimeIndex,
        annual_kwh: ArrayLike,
        archetypes: Sequence[str],
        seed: int,
        out: FloatArray | None = None,
    ) -> FloatArray:
        """:func:`energysim.inputs.demand.household_profiles_kwh`, with the same parameters
        and the same result, copied from the profiles kept of an earlier call with the
        same inputs when there is one (and kept for the next call when there is not)."""
        annual = np.ascontiguousarray(annual_kwh, dtype=np.float64)
        index = pd.DatetimeIndex(index)
        key = (
            index[0],
            index[-1],
            len(index),
            str(index.tz),
            annual.tobytes(),
            tuple(str(a) for a in archetypes),
            int(seed),
        )
        with self._lock:
            found = self._store.get(key)
            if found is not None:
                self._store.move_to_end(key)
        if found is not None:
            if out is None:
                return found.copy()
            if out.shape != found.shape:
                raise ValueError(f"household profiles: expected out of shape {found.shape}")
            out[...] = found
            return out
        made = demand.household_profiles_kwh(index, annual, archetypes, seed, out=out)
        if made.nbytes <= self.max_bytes:
            copy = made.copy()
            copy.flags.writeable = False
            with self._lock:
                self._store[key] = copy
                while sum(a.nbytes for a in self._store.values()) > self.max_bytes:
                    self._store.popitem(last=False)
        return made
