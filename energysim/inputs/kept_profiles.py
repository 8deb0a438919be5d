"""Household profiles kept between runs of one long-lived process (the dashboard).

An edit of a scenario's roof, keys, fees or owners leaves its households as they were:
the same calendar, annual kWh, archetypes and seed, so the same profiles
(:func:`energysim.inputs.demand.household_profiles_kwh` is deterministic in those). Drawing
them is about a third of a run of the default example (0.12 of 0.35 s of CPU). Inside
:func:`kept`, a call with the same inputs as a recent one copies the profiles kept from
that call instead of drawing them again: the same numbers to the bit. Outside it (the
command line, a batch: every unit its own households) nothing is kept and every call
draws, as :mod:`~energysim.inputs.demand` does.

What is kept is bounded in bytes (the most recently used first); a single call whose
profiles exceed the bound is not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from energysim.inputs import demand

FloatArray = NDArray[np.float64]

_store: OrderedDict[Hashable, FloatArray] = OrderedDict()
_store_lock = threading.Lock()
_on = threading.local()  # max_bytes of the innermost `kept` of this thread, or none


@contextmanager
def kept(max_bytes: int) -> Iterator[None]:
    """Within the block, on this thread, keep household profiles between calls of
    :func:`household_profiles_kwh`, at most ``max_bytes`` of them in this process.

    The profiles kept outlive the block (a later block finds them); only the lookup
    and the keeping happen inside it.
    """
    if max_bytes < 0:
        raise ValueError(f"kept profiles: expected max_bytes >= 0, found {max_bytes}")
    outer = getattr(_on, "max_bytes", None)
    _on.max_bytes = max_bytes
    try:
        yield
    finally:
        _on.max_bytes = outer


def household_profiles_kwh(
    index: pd.DatetimeIndex,
    annual_kwh: ArrayLike,
    archetypes: Sequence[str],
    seed: int,
    out: FloatArray | None = None,
) -> FloatArray:
    """:func:`energysim.inputs.demand.household_profiles_kwh`, with the same parameters and
    the same result, copied from the profiles kept of an earlier call with the same
    inputs when called inside :func:`kept` (see the module's docstring)."""
    max_bytes = getattr(_on, "max_bytes", None)
    if not max_bytes:
        return demand.household_profiles_kwh(index, annual_kwh, archetypes, seed, out=out)
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
    with _store_lock:
        found = _store.get(key)
        if found is not None:
            _store.move_to_end(key)
    if found is not None:
        if out is None:
            return found.copy()
        if out.shape != found.shape:
            raise ValueError(f"household profiles: expected out of shape {found.shape}")
        out[...] = found
        return out
    made = demand.household_profiles_kwh(index, annual, archetypes, seed, out=out)
    if made.nbytes <= max_bytes:
        copy = made.copy()
        copy.flags.writeable = False
        with _store_lock:
            _store[key] = copy
            while sum(a.nbytes for a in _store.values()) > max_bytes:
                _store.popitem(last=False)
    return made


def forget() -> None:
    """Drop every profile kept (tests; a process that needs the memory back)."""
    with _store_lock:
        _store.clear()
