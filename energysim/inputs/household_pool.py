"""A pool of pre-generated household-years, reused across the complexes of a batch.

Generating a household's year (:func:`energysim.inputs.demand.household_profiles_kwh`) is the
largest single cost of a portfolio unit. A batch over thousands of complexes may instead
draw each household from a pool of household-years, generated once (kept on disk) and
held in each worker process:

- **Bins.** A pool member belongs to a bin: its archetype and its *annual-use band*
  ``b``, the households whose annual use lies in ``[BAND_BASE_KWH x BAND_RATIO**b,
  BAND_BASE_KWH x BAND_RATIO**(b + 1))``. Members of band ``b`` are generated for the
  band's geometric centre; a household drawn from it is scaled to its own annual kWh,
  a factor within ``BAND_RATIO**±0.5`` (±4.9%). The generator's appliance peaks have a
  fixed power and a count proportional to annual use, so a household-year cannot be
  rescaled to *any* annual use (a 1,000 kWh year scaled to 4,000 kWh would have peaks
  four times too high); within a band the peaks move by at most that factor, well
  inside their spread between households.
- **Members.** Bin ``(archetype, band)`` is generated lazily in chunks of
  :data:`CHUNK` households, chunk ``c`` from the seed ``(POOL_SEED, archetype, band, c)``:
  a member is the same in every worker and every batch, whatever order the complexes
  come in, so a batch's results do not depend on the executor or the number of workers.
  A chunk is kept in :mod:`energysim.inputs.profile_cache` (exact): later batches and the
  other workers read it instead of generating it.
- **Draws.** A complex's households of one bin are drawn *without replacement* among the
  bin's first ``max(MIN_MEMBERS, CHUNK x ceil(count / CHUNK))`` members, with the
  group's own seed: a building's tenants (or its members) never hold the same
  household-year twice (a household more in a bin than the pool holds only makes the bin
  larger), and they are as independent of one another as the generator's. A tenant and a
  member of the same building, and households of different complexes, may share a
  household-year (up to its scale).
- **Exact.** A drawn household's profile is the member's unscaled profile
  (:func:`energysim.inputs.demand.unscaled_household_profiles`) times its annual kWh over the
  member's float64 sum: the same arithmetic as the generator's last step, so it sums to
  its annual kWh to rounding.

What it changes: each household's quarter-hours (not its annual kWh, archetype or
anything else of the run). Within a complex the statistics the generator is tested on
(15-minute peaks, their correlation with annual use, the after-diversity peak of 40
households) stay within the same tolerances (``tests/test_household_pool.py``).

A run draws from a pool only when its context holds one
(:class:`energysim.inputs.context.RunContext`): `energysim batch` of a portfolio passes
each worker process's pool to its units unless ``--no-household-pool`` is given; a single
`energysim run` never uses one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from energysim.core.messages import Message
from energysim.inputs import profile_cache
from energysim.inputs.demand import ARCHETYPES, unscaled_household_profiles
from energysim.inputs.population import derive_seed

BAND_BASE_KWH = 1000.0
"""Band 0 starts here [kWh/yr]; bands go up and down from it by :data:`BAND_RATIO`."""
BAND_RATIO = 1.1
"""Width of an annual-use band: its top is 1.1 x its bottom (members at the geometric
centre are scaled by at most 1.1**0.5 = 1.049 either way)."""
CHUNK = 4
"""Members of a bin generated together (one random stream)."""
MIN_MEMBERS = 8
"""A complex draws a bin's households among at least this many members."""
POOL_SEED = 2026
"""Seed of every pool's members (a constant: the pool is the same in every batch)."""
MAX_CALENDARS = 4
"""Pools of this many simulation years (index) kept per process (e.g. two rules years)."""


def band_of(annual_kwh: NDArray[np.float64]) -> NDArray[np.int64]:
    """The annual-use band of each annual consumption [kWh/yr] (> 0)."""
    return np.floor(np.log(annual_kwh / BAND_BASE_KWH) / math.log(BAND_RATIO)).astype(np.int64)


def band_centre_kwh(band: int) -> float:
    """The annual use a band's members are generated for: its geometric centre [kWh/yr]."""
    return BAND_BASE_KWH * BAND_RATIO ** (band + 0.5)


@dataclass(frozen=True)
class Draw:
    """The pool members drawn for a group of households (one per household, in order).

    ``archetype``, ``band`` and ``member`` identify a member; households with annual use
    0 have band and member -1 (their profile is zero)."""

    archetype: NDArray[np.int64]
    band: NDArray[np.int64]
    member: NDArray[np.int64]


def draw_members(annual_kwh: NDArray[np.float64], archetypes: Sequence[str], seed: int) -> Draw:
    """Draw a pool member for each household, without replacement within each bin.

    Parameters
    ----------
    annual_kwh : numpy.ndarray
        ``(n,)`` annual use of the households [kWh/yr].
    archetypes : sequence of str
        One of :data:`energysim.inputs.demand.ARCHETYPES` per household.
    seed : int
        The group's seed (the one its generated profiles would use).

    Returns
    -------
    Draw
        Read-only arrays. The last :data:`DRAWS_KEPT` draws are kept in this process,
        keyed on everything a draw depends on (the bytes of ``annual_kwh`` as float64,
        the archetypes, the seed): a complex's units at other sweep points (e.g. its
        two rules years) draw the same households without drawing them again.
    """
    annual = np.asarray(annual_kwh, dtype=np.float64)
    return _draw_members(annual.tobytes(), tuple(archetypes), int(seed))


DRAWS_KEPT = 16
"""Draws :func:`draw_members` keeps per process (a few kB each)."""


@lru_cache(maxsize=DRAWS_KEPT)
def _draw_members(annual_bytes: bytes, archetypes: tuple[str, ...], seed: int) -> Draw:
    """:func:`draw_members` of ``np.frombuffer(annual_bytes)`` (hashable arguments)."""
    annual = np.frombuffer(annual_bytes, dtype=np.float64)
    arche = np.array([ARCHETYPES.index(k) for k in archetypes], dtype=np.int64)
    if len(arche) != len(annual):
        raise ValueError(
            f"household pool: expected one archetype per household ({len(annual)}), "
            f"found {len(arche)}"
        )
    positive = annual > 0
    band = np.full(len(annual), -1, dtype=np.int64)
    band[positive] = band_of(annual[positive])
    member = np.full(len(annual), -1, dtype=np.int64)
    rng = np.random.default_rng([seed, POOL_SEED])
    bins: dict[tuple[int, int], list[int]] = {}
    arche_of, band_of_ = arche.tolist(), band.tolist()
    for i in np.flatnonzero(positive).tolist():
        bins.setdefault((arche_of[i], band_of_[i]), []).append(i)
    for households in (bins[k] for k in sorted(bins)):
        count = len(households)
        size = max(MIN_MEMBERS, CHUNK * math.ceil(count / CHUNK))
        member[households] = rng.choice(size, size=count, replace=False)
    for values in (arche, band, member):
        values.flags.writeable = False  # shared by every caller of the cache
    return Draw(arche, band, member)


@dataclass
class HouseholdPool:
    """Pool members generated so far, per simulation year (index) and bin chunk."""

    chunks: dict[tuple[tuple[object, ...], int, int, int], tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict
    )
    calendars: list[tuple[object, ...]] = field(default_factory=list)

    def _chunk(
        self, index: pd.DatetimeIndex, key: tuple[object, ...], arche: int, band: int, c: int
    ) -> tuple[NDArray[np.float32], NDArray[np.float64]]:
        """Chunk ``c`` of bin (archetype, band): ``(CHUNK, n_steps)`` unscaled float32
        profiles and their float64 sums."""
        found = self.chunks.get((key, arche, band, c))
        if found is None:
            seed = derive_seed(POOL_SEED, arche, band + 1_000, c)

            def compute() -> NDArray[np.float64]:
                centre = np.full(CHUNK, band_centre_kwh(band))
                raw = unscaled_household_profiles(index, centre, [ARCHETYPES[arche]] * CHUNK, seed)
                return raw.T.astype(np.float64)  # exact: float32 values

            # kept on disk like the per-kWp profiles: a later batch, or another worker,
            # reads a chunk instead of generating it (float32 -> float64 -> float32 exact)
            inputs = {
                "first": index[0].isoformat(),
                "last": index[-1].isoformat(),
                "n": len(index),
                "tz": str(index.tz),
                "archetype": ARCHETYPES[arche],
                "band_kwh": band_centre_kwh(band),
                "seed": seed,
                "chunk": CHUNK,
            }
            stored = profile_cache.cached_array(
                "household_pool",
                inputs,
                (CHUNK, len(index)),
                compute,
                files=("inputs/demand.py", "inputs/household_pool.py", "data/e1a_calibration.json"),
                libraries=("numpy", "holidays"),
            )
            rows = stored.astype(np.float32)
            found = (rows, rows.sum(axis=1, dtype=np.float64))
            self.chunks[(key, arche, band, c)] = found
        return found

    def _calendar(self, index: pd.DatetimeIndex) -> tuple[object, ...]:
        """The key of ``index``'s pool; the pools of the oldest years beyond
        :data:`MAX_CALENDARS` are dropped."""
        stamps = index.asi8  # nanoseconds since the epoch (UTC): no Timestamps made
        key = (int(stamps[0]), int(stamps[-1]), len(index), str(index.tz))
        if key not in self.calendars:
            self.calendars.append(key)
            for old in self.calendars[:-MAX_CALENDARS]:
                self.chunks = {k: v for k, v in self.chunks.items() if k[0] != old}
            self.calendars = self.calendars[-MAX_CALENDARS:]
        return key

    def profiles_kwh(
        self,
        index: pd.DatetimeIndex,
        annual_kwh: ArrayLike,
        archetypes: Sequence[str],
        seed: int,
        out: np.ndarray | None = None,
    ) -> np.ndarray:
        """The drawn households' profiles [kWh per interval], as
        :func:`energysim.inputs.demand.household_profiles_kwh` (same arguments) returns them.

        Returns
        -------
        numpy.ndarray
            ``(n_steps, n)`` (``out`` when given); column ``p`` sums to
            ``annual_kwh[p]`` (to rounding).
        """
        index = pd.DatetimeIndex(index)
        annual = np.asarray(annual_kwh, dtype=np.float64)
        shape = (len(index), len(annual))
        if out is None:
            out = np.empty(shape)
        elif out.shape != shape:
            raise ValueError(f"household profiles: expected out of shape {shape}")
        draw = draw_members(annual, archetypes, seed)
        key = self._calendar(index)
        # each drawn household's float32 row, gathered household-major (a copy of the
        # member's row), then scaled and transposed in one pass into ``out``
        rows = np.empty((len(annual), len(index)), dtype=np.float32)
        scale = np.zeros(len(annual))
        drawn = zip(draw.archetype.tolist(), draw.band.tolist(), draw.member.tolist(), strict=True)
        for p, (arche, band, member) in enumerate(drawn):
            if member < 0:  # no use: a zero profile
                rows[p] = 0.0
                continue
            chunk, sums = self._chunk(index, key, arche, band, member // CHUNK)
            rows[p] = chunk[member % CHUNK]
            total = sums[member % CHUNK]
            scale[p] = annual[p] / total if total > 0 else 0.0
        np.multiply(rows.T, scale[None, :], out=out)  # float32 x float64 in float64
        return out


def note(households: int) -> Message:
    """The run's note that its households were drawn from the pool."""
    return Message(
        f"{households} household profile(s) drawn from a pool of pre-generated household-years "
        f"(by archetype and annual use in bands of x{BAND_RATIO:g}, scaled to each household's "
        "annual kWh; no household twice in a run): the quarter-hours are the pool's, the "
        "annual kWh the household's own (energysim batch; --no-household-pool generates each)",
        "household_pool",
        households=households,
        band_ratio=BAND_RATIO,
    )
