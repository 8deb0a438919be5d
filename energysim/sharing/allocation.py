"""Allocation kernels: split each interval's generation between participants.

Pure functions on float64 ndarrays: generation ``(n_steps,)`` and demand
``(n_steps, n_participants)``, both kWh per interval. Every key is applied per interval
and capped at each participant's consumption in that interval; what is not allocated is
exported. Invariants of every key and variant (domain.md section 3)::

    0 <= a[t, p] <= D[t, p]        sum_p a[t, p] + x[t] == G[t]        x[t] >= 0

The keys are the scenario's own (:mod:`energysim.config.allocation_policy`: one set of
key classes); a :class:`~energysim.config.allocation_policy.ScheduleKey` names the CSV of
its shares, which a kernel takes as an array (``schedule_shares_frac``), like the demand.
Kernels are vectorised over intervals and participants; the only loop runs over blocks
of intervals, to bound memory (:data:`~energysim.sharing.kernel_inputs.BLOCK_STEPS`);
the redistribution of unused shares is :mod:`energysim.sharing.water_filling`.

References
----------
NL: Energiewet (2026), energiedeel-overeenkomst with a registered percentage per
15 minutes. FR: Code de l'énergie art. L315-4 and D315-6: coefficients per measurement
step set by the organiser (clé statique, dynamique personnalisée) or, by default, pro
rata to consumption (dynamique par défaut), never above a consumer's consumption.
AT: ElWOG 2010 §16a ff. and EAG, statische und dynamische Aufteilung. ES: Real
Decreto 244/2019 annex I, fixed coefficients, and Orden TED/1247/2021 (a coefficient for
every hour of the year). DE: EnWG §42b (gemeinschaftliche Gebäudeversorgung, Solarpaket
I 2024), static or dynamic Aufteilungsschlüssel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from energysim.config.allocation_policy import (
    EqualKey,
    Key,
    MaxMinKey,
    PriorityKey,
    ProportionalKey,
    ScheduleKey,
    StaticKey,
)
from energysim.sharing.kernel_inputs import (
    BLOCK_STEPS,
    FloatArray,
    Variant,
    as_inputs,
    check_energy,
    check_shares,
    out_for,
)
from energysim.sharing.maxmin import maxmin_shares
from energysim.sharing.water_filling import redistribute


@dataclass(frozen=True)
class Allocation:
    """Result of one key.

    Attributes
    ----------
    allocated_kwh : numpy.ndarray
        ``(n_steps, n_participants)`` [kWh per interval].
    export_kwh : numpy.ndarray
        ``(n_steps,)`` what is left of the generation [kWh per interval].
    """

    allocated_kwh: FloatArray
    export_kwh: FloatArray


def _finish(g: FloatArray, a: FloatArray) -> Allocation:
    """Export is the remainder; rounding can only make it a few ulp negative -> 0."""
    return Allocation(a, np.maximum(g - a.sum(axis=1), 0.0))


# --------------------------------------------------------------------------- keys
def allocate_proportional(
    generation_kwh: ArrayLike, demand_kwh: ArrayLike, *, out: FloatArray | None = None
) -> Allocation:
    """Allocate pro rata to consumption in each interval.

    Parameters
    ----------
    generation_kwh : array_like
        ``(n_steps,)`` energy to share [kWh].
    demand_kwh : array_like
        ``(n_steps, n_participants)`` consumption [kWh].
    out : numpy.ndarray, optional
        ``(n_steps, n_participants)`` array (or view) to write the allocation into.

    Returns
    -------
    Allocation

    Raises
    ------
    ValueError
        On shapes, or non-finite or negative energy.

    Notes
    -----
    ``a_p = D_p * min(1, G / sum_q D_q)``; with no demand everything is exported,
    ``x = G - sum_p a_p``.

    References
    ----------
    FR clé dynamique par défaut, Code de l'énergie art. D315-6 ("au prorata de leur
    consommation, dans la limite de leur quantité d'électricité consommée"); AT dynamische
    Aufteilung (ElWOG 2010 §16a ff.); DE EnWG §42b dynamic key.
    """
    g, d = as_inputs(generation_kwh, demand_kwh)
    return _proportional(g, d, out_for(d, out))


def _proportional(g: FloatArray, d: FloatArray, a: FloatArray) -> Allocation:
    """:func:`allocate_proportional` of checked float64 inputs into ``a``."""
    export = np.empty_like(g)
    # in blocks of intervals, so that each block's demand stays in the CPU cache
    for start in range(0, len(g), BLOCK_STEPS):
        rows = slice(start, start + BLOCK_STEPS)
        g_b, d_b = g[rows], d[rows]
        total = d_b.sum(axis=1)
        ratio = np.ones_like(g_b)  # min(1, G / sum D) without dividing where it is 1
        np.divide(g_b, total, out=ratio, where=total > g_b)
        a_b = np.multiply(d_b, ratio[:, None], out=a[rows])
        export[rows] = np.maximum(g_b - a_b.sum(axis=1), 0.0)
    return Allocation(a, export)


def _share_based(g: FloatArray, d: FloatArray, shares: FloatArray, variant: Variant) -> Allocation:
    """Shares ``(1 or n_steps, n_participants)``, checked here; both variants."""
    row_scale = check_shares(shares)
    if variant == "export":
        a = shares * (g * row_scale)[:, None]  # one (T, P) temporary, reused as the result
        return _finish(g, np.minimum(a, d, out=a))
    if variant != "redistribute":
        raise ValueError(
            f"allocation: expected variant 'export' or 'redistribute', found {variant!r}"
        )
    a = np.empty_like(d)
    if d.shape[1] == 0:
        return _finish(g, a)
    # one key for every interval, all equal and positive: count instead of summing keys
    equal = shares.shape[0] == 1 and bool((shares > 0).all() and (shares == shares[0, 0]).all())
    return Allocation(a, redistribute(g, d, shares, equal, a))


def allocate_static(
    generation_kwh: ArrayLike, demand_kwh: ArrayLike, shares_frac: ArrayLike, variant: Variant
) -> Allocation:
    """Allocate fixed shares of generation, capped at consumption.

    Parameters
    ----------
    generation_kwh, demand_kwh : array_like
        As in :func:`allocate_proportional` [kWh].
    shares_frac : array_like
        ``(n_participants,)`` shares [-], non-negative, summing to at most 1.
    variant : {"export", "redistribute"}
        ``export``: an unused share (and the unassigned rest when shares sum to less
        than 1) is exported. ``redistribute``: it is re-divided among participants with
        unmet demand in proportion to their shares, until the energy or the demand runs
        out (exact water-filling, see Notes).

    Notes
    -----
    export: ``a_p = min(D_p, w_p G)``.
    redistribute: ``a_p = min(D_p, w_p * lam)`` with ``lam`` the level at which
    ``sum_p a_p = min(G, sum_{w_p > 0} D_p)``; found exactly per interval by sorting the
    saturation levels ``D_p / w_p`` (no fixed number of passes). Because shares sum to at
    most 1, ``lam >= G``: nobody gets less than under ``export``.

    Raises
    ------
    ValueError
        On shapes, non-finite or negative energy or shares, shares summing to more than
        1 (beyond ``SHARE_SUM_TOL``; sums within it are rescaled to 1), or an unknown
        variant.

    References
    ----------
    NL energiedeel-overeenkomst (Energiewet 2026; registered percentage per 15 minutes);
    AT statische Aufteilung (ElWOG §16a); FR clé statique; ES fixed coefficients
    (RD 244/2019); DE EnWG §42b static key.
    """
    g, d = as_inputs(generation_kwh, demand_kwh)
    shares = np.asarray(shares_frac, dtype=np.float64)
    if shares.shape != (d.shape[1],):
        raise ValueError(f"allocation: expected {d.shape[1]} shares, found shape {shares.shape}")
    return _share_based(g, d, shares[None, :], variant)


def allocate_equal(
    generation_kwh: ArrayLike, demand_kwh: ArrayLike, variant: Variant
) -> Allocation:
    """Allocate equal shares ``1/P``; ``redistribute`` gives the max-min fair split.

    Parameters
    ----------
    generation_kwh, demand_kwh : array_like
        As in :func:`allocate_proportional` [kWh].
    variant : {"export", "redistribute"}
        As in :func:`allocate_static`.

    Returns
    -------
    Allocation

    Raises
    ------
    ValueError
        On shapes, non-finite or negative energy, or an unknown variant.

    Notes
    -----
    export: ``a_p = min(D_p, G / P)``. redistribute: water-filling with equal weights,
    ``a_p = min(D_p, lam)`` with ``sum_p a_p = min(G, sum_p D_p)``: nobody's share can
    be raised without lowering someone who has less (max-min fair). With no
    participants everything is exported.

    References
    ----------
    Common practice in cooperative sharing; Luxembourg energy communities (equal split
    by default).
    """
    g, d = as_inputs(generation_kwh, demand_kwh)
    n = d.shape[1]
    if n == 0:
        return _finish(g, d.copy())
    return _share_based(g, d, np.full((1, n), 1.0 / n), variant)


def allocate_schedule(
    generation_kwh: ArrayLike, demand_kwh: ArrayLike, shares_frac: ArrayLike, variant: Variant
) -> Allocation:
    """Allocate shares set in advance per interval, ``(n_steps, n_participants)``.

    Parameters
    ----------
    generation_kwh, demand_kwh : array_like
        As in :func:`allocate_proportional` [kWh].
    shares_frac : array_like
        ``(n_steps, n_participants)`` shares of each interval [-], non-negative; each
        row sums to at most 1 (an hour-of-year table is expanded with
        :func:`expand_hourly_shares`).
    variant : {"export", "redistribute"}
        As in :func:`allocate_static`, interval by interval.

    Returns
    -------
    Allocation

    Raises
    ------
    ValueError
        On shapes, non-finite or negative energy or shares, a row of shares summing to
        more than 1, or an unknown variant.

    Notes
    -----
    :func:`allocate_static` with ``w_pt`` in place of ``w_p``.

    References
    ----------
    ES Orden TED/1247/2021 amending RD 244/2019 annex I (a coefficient per hour of the
    year, set in advance); FR clé dynamique personnalisée (Code de l'énergie art. D315-6,
    coefficients per measurement step).
    """
    g, d = as_inputs(generation_kwh, demand_kwh)
    shares = np.asarray(shares_frac, dtype=np.float64)
    if shares.shape != d.shape:
        raise ValueError(f"allocation: expected shares of shape {d.shape}, found {shares.shape}")
    return _share_based(g, d, shares, variant)


def allocate_priority(
    generation_kwh: ArrayLike,
    demand_kwh: ArrayLike,
    first: ArrayLike,
    base: str = "proportional",
) -> Allocation:
    """Cover the flagged participants' need first, then share the rest by a base key.

    Parameters: ``generation_kwh``, ``demand_kwh`` as in :func:`allocate_proportional`
    [kWh]; ``first`` ``(n_participants,)`` bool, who is served first; ``base``
    (``proportional`` | ``equal``) how the others share what the flagged leave: pro rata
    to consumption, or equal shares with the unused re-divided. Returns an
    :class:`Allocation`; raises ValueError on shapes, bad energy or an unknown base.

    Notes
    -----
    Flagged ``f``: ``a_f = D_f min(1, G / sum_f D_f)``; the rest ``G' = G - sum_f a_f``
    goes to the others by the base key; ``x = G' - sum_o a_o``.

    References
    ----------
    Directive (EU) 2024/1711 art. 15a (energy sharing, with vulnerable and energy-poor
    households in view).
    """
    g, d = as_inputs(generation_kwh, demand_kwh)
    mask = np.asarray(first, dtype=bool)
    if mask.shape != (d.shape[1],):
        raise ValueError(f"allocation: expected {d.shape[1]} priority flags, found {mask.shape}")
    if base not in ("proportional", "equal"):
        raise ValueError(f"allocation: expected base 'proportional' or 'equal', found {base!r}")
    a = np.zeros_like(d)
    served = allocate_proportional(g, d[:, mask])
    a[:, mask] = served.allocated_kwh
    if (~mask).any():
        others = (
            allocate_proportional(served.export_kwh, d[:, ~mask])
            if base == "proportional"
            else allocate_equal(served.export_kwh, d[:, ~mask], "redistribute")
        )
        a[:, ~mask] = others.allocated_kwh
    return Allocation(a, np.maximum(g - a.sum(axis=1), 0.0))


def allocate(
    generation_kwh: ArrayLike,
    demand_kwh: ArrayLike,
    key: Key,
    *,
    schedule_shares_frac: ArrayLike | None = None,
    priority_first: ArrayLike | None = None,
    out: FloatArray | None = None,
) -> Allocation:
    """Allocate with ``key`` (dispatch on its type).

    Parameters
    ----------
    generation_kwh, demand_kwh : array_like
        As in :func:`allocate_proportional` [kWh].
    key : Key
        A key of :mod:`energysim.config.allocation_policy`. A :class:`MaxMinKey` is solved
        on the intervals given (:func:`energysim.sharing.maxmin.maxmin_shares`), then
        shared as a static key: a run resolves it on the whole year before sharing
        (:mod:`energysim.sharing.waterfall`).
    schedule_shares_frac : array_like, optional
        ``(n_steps, n_participants)`` a :class:`ScheduleKey`'s shares of each interval
        [-], as read from its CSV (:func:`energysim.core.series_csv.read_schedule_csv`);
        for a schedule key only.
    priority_first : array_like of bool, optional
        ``(n_participants,)`` who a :class:`PriorityKey` serves first; for it only.
    out : numpy.ndarray, optional
        Array (or view) of the demand's shape that receives the allocation.

    Returns
    -------
    Allocation

    Raises
    ------
    TypeError
        If ``key`` is none of the keys.
    ValueError
        A schedule key without its shares, or shares with another key; a priority key
        without its flags, or flags with another key.
    """
    if isinstance(key, PriorityKey) != (priority_first is not None):
        raise ValueError(
            "allocation: expected priority_first with a priority key and only then, "
            f"found key {key!r}"
        )
    if isinstance(key, ScheduleKey) != (schedule_shares_frac is not None):
        raise ValueError(
            "allocation: expected schedule_shares_frac with a schedule key and only then, "
            f"found key {key!r} and "
            + ("no shares" if schedule_shares_frac is None else "shares per interval")
        )
    if isinstance(key, ProportionalKey):
        return allocate_proportional(generation_kwh, demand_kwh, out=out)
    if isinstance(key, StaticKey):
        result = allocate_static(generation_kwh, demand_kwh, key.shares_frac, key.variant)
    elif isinstance(key, EqualKey):
        result = allocate_equal(generation_kwh, demand_kwh, key.variant)
    elif isinstance(key, ScheduleKey):
        assert schedule_shares_frac is not None
        result = allocate_schedule(generation_kwh, demand_kwh, schedule_shares_frac, key.variant)
    elif isinstance(key, PriorityKey):
        assert priority_first is not None
        result = allocate_priority(generation_kwh, demand_kwh, priority_first, key.base)
    elif isinstance(key, MaxMinKey):
        g, d = as_inputs(generation_kwh, demand_kwh)
        result = allocate_static(g, d, maxmin_shares(g, d), key.variant)
    else:
        raise TypeError(f"allocation: unknown key {key!r}")
    if out is None:
        return result
    out_for(result.allocated_kwh, out)[...] = result.allocated_kwh
    return Allocation(out, result.export_kwh)


def expand_hourly_shares(shares_hourly: ArrayLike, hour_of_year: ArrayLike) -> FloatArray:
    """Map an hour-of-year share table onto intervals.

    Parameters
    ----------
    shares_hourly : array_like
        ``(n_hours, n_participants)`` shares per hour of the year [-].
    hour_of_year : array_like
        ``(n_steps,)`` integer hour of each interval, counted in absolute time from
        1 January 00:00 local time (so 8,760 or 8,784 hours, clock changes included).

    Returns
    -------
    numpy.ndarray
        ``(n_steps, n_participants)`` shares of each interval [-]: every interval of an
        hour takes that hour's row.

    Raises
    ------
    ValueError
        If the table is not 2-D or an hour falls outside it.
    """
    table = np.asarray(shares_hourly, dtype=np.float64)
    hours = np.asarray(hour_of_year)
    if table.ndim != 2 or hours.ndim != 1 or not np.issubdtype(hours.dtype, np.integer):
        raise ValueError(
            "allocation: expected a share table (n_hours, n_participants) and integer "
            f"hours (n_steps,), found {table.shape} and {hours.dtype} {hours.shape}"
        )
    if hours.min(initial=0) < 0 or hours.max(initial=0) >= table.shape[0]:
        raise ValueError(
            f"allocation: schedule has {table.shape[0]} hours, the year needs {hours.max() + 1}"
        )
    return table[hours]


# --------------------------------------------------------------------------- waterfall
@dataclass(frozen=True)
class Tier:
    """One tier of the waterfall.

    Attributes
    ----------
    name : str
        E.g. ``"common"``, ``"tenants"``, ``"members"``.
    demand_kwh : numpy.ndarray
        ``(n_steps, n_participants)`` [kWh].
    key : Key
        How the tier shares what reaches it (a key of
        :mod:`energysim.config.allocation_policy`).
    cap_frac : float, optional
        At most this share of each interval's *generation* goes to the tier [-].
    cap_kwh : float, optional
        At most this much per interval goes to the tier [kWh].
    out : numpy.ndarray, optional
        Array (or view) of the demand's shape that receives the tier's allocation.
    schedule_shares_frac : numpy.ndarray, optional
        ``(n_steps, n_participants)`` a schedule key's shares of each interval [-].
    priority_first : numpy.ndarray, optional
        ``(n_participants,)`` bool: who a priority key serves first.
    """

    name: str
    demand_kwh: FloatArray
    key: Key = field(default_factory=ProportionalKey)
    cap_frac: float | None = None
    cap_kwh: float | None = None
    out: FloatArray | None = None
    schedule_shares_frac: FloatArray | None = None
    priority_first: FloatArray | None = None


@dataclass(frozen=True)
class WaterfallResult:
    """Allocation per tier (``name -> (n_steps, n_participants)``) and export [kWh].

    ``reach_kwh`` holds, per tier, what reached it in each interval (after its caps)
    ``(n_steps,)`` [kWh]: what its key shared out.
    """

    allocated_kwh: dict[str, FloatArray]
    export_kwh: FloatArray
    reach_kwh: dict[str, FloatArray] = field(default_factory=dict)


def allocate_waterfall(
    generation_kwh: ArrayLike, tiers: Sequence[Tier], *, checked: bool = False
) -> WaterfallResult:
    """Share generation tier after tier; the remainder is exported.

    Parameters
    ----------
    generation_kwh : array_like
        ``(n_steps,)`` [kWh].
    tiers : sequence of Tier
        In order of priority (default common -> tenants -> members).
    checked : bool
        The caller has checked that the generation and every tier's demand are float64,
        finite and non-negative (e.g. once for the whole year, :func:`energysim.sharing.
        kernel_inputs.is_clean`, before sharing it block by block): the kernels of
        proportional tiers skip their own checks (every other key still checks). What
        reaches a tier is then finite and non-negative too (a minimum of checked values,
        or a remainder clipped at 0).

    Returns
    -------
    WaterfallResult

    Notes
    -----
    Tier ``i`` receives ``R_i = min(remaining, cap_frac * G, cap_kwh)`` and shares it with
    its key; what it does not use (an unused share under ``export``, or energy beyond its
    demand) and what the cap held back flow on: ``remaining -= sum_p a_ip``. The last
    remainder is exported, so ``sum_i sum_p a_ip + x == G`` in every interval.
    """
    g = np.asarray(generation_kwh, dtype=np.float64)
    if g.ndim != 1:
        raise ValueError(f"allocation: expected generation of shape (n_steps,), found {g.shape}")
    if not checked:
        check_energy(g, "generation")
    names = [t.name for t in tiers]
    if len(set(names)) != len(names):
        raise ValueError(f"allocation: expected unique tier names, found {names}")
    for tier in tiers:
        shape = np.shape(tier.demand_kwh)
        if len(shape) != 2 or shape[0] != len(g):
            raise ValueError(
                f"allocation: tier {tier.name!r}: expected demand_kwh of shape "
                f"({len(g)}, n_participants), found {shape}"
            )
        if tier.cap_frac is not None and not 0.0 <= tier.cap_frac <= 1.0:
            raise ValueError(
                f"allocation: tier {tier.name!r}: expected cap_frac in [0, 1], "
                f"found {tier.cap_frac}"
            )
        if tier.cap_kwh is not None and not 0.0 <= tier.cap_kwh <= np.inf:
            raise ValueError(
                f"allocation: tier {tier.name!r}: expected cap_kwh >= 0 [kWh per interval], "
                f"found {tier.cap_kwh}"
            )
    remaining = g.copy()
    out: dict[str, FloatArray] = {}
    reaches: dict[str, FloatArray] = {}
    for tier in tiers:
        reach = remaining
        if tier.cap_frac is not None:
            reach = np.minimum(reach, tier.cap_frac * g)
        if tier.cap_kwh is not None:
            reach = np.minimum(reach, tier.cap_kwh)
        plain = tier.schedule_shares_frac is None and tier.priority_first is None
        if checked and plain and isinstance(tier.key, ProportionalKey):
            # inputs checked by the caller: the kernel without its own checks
            d = np.asarray(tier.demand_kwh, dtype=np.float64)
            result = _proportional(reach, d, out_for(d, tier.out))
        else:
            result = allocate(
                reach,
                tier.demand_kwh,
                tier.key,
                schedule_shares_frac=tier.schedule_shares_frac,
                priority_first=tier.priority_first,
                out=tier.out,
            )
        out[tier.name] = result.allocated_kwh
        reaches[tier.name] = reach
        if reach is remaining:  # no cap: what is left is the tier's own remainder
            remaining = result.export_kwh
        else:
            remaining = np.maximum(remaining - result.allocated_kwh.sum(axis=1), 0.0)
    return WaterfallResult(out, remaining, reaches)
