"""The interval flows of a run and the sums over them.

A run's energy per participant and interval is its :class:`Flows`: what the strings
behind the dwellings' meters gave and fed in (:class:`~energysim.sharing.own_strings.
OwnStrings`, one interface whatever form the run keeps them in) and the waterfall's shared
energy (a ``(n_steps, n_participants)`` float64 array in participant order). This module
holds what is computed from them block by block of rows (no whole-table temporaries):
the annual energy and supply cost per participant (:func:`annual_energy`, the input of
the money) and the energy balance every run is checked against (:func:`check_balance`).
The consumption they are compared with may be float32 (a large run); every sum here is
float64.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from energysim.core.frames import float_frame
from energysim.sharing.blocks import Selection, block_rows, column_sums, take_kwh
from energysim.sharing.own_strings import OwnStrings

BALANCE_TOL_KWH = 1e-9
"""Tolerance of the energy balance in an interval [kWh]: of |allocated + export -
generation| (times the largest generation when above 1 kWh) and of received - consumed."""


ANNUAL_COLUMNS = (
    "consumption_kwh",
    "own_string_kwh",
    "shared_kwh",
    "own_export_kwh",
    "allocated_kwh",
    "grid_import_kwh",
    "supply_cost_without_eur",
    "supply_cost_with_eur",
    "own_export_value_eur",
)
"""The columns of :func:`annual_energy`'s frame, in order [kWh/yr, EUR/yr]."""


@dataclass(frozen=True)
class Flows:
    """The interval flows of a run, one column per participant in participant order.

    Attributes
    ----------
    own : OwnStrings
        What the strings behind the dwellings' meters gave and fed in.
    shared : numpy.ndarray
        ``(n_steps, n_participants)`` float64: what each received from the waterfall
        and the shared batteries [kWh/interval].
    """

    own: OwnStrings
    shared: np.ndarray

    def own_kwh(self, rows: slice | None = None, cols: Selection = None) -> np.ndarray:
        """What the own strings gave of some rows and columns [kWh/interval] (``cols``
        as in :meth:`received`)."""
        return self.own.used(rows, cols)

    def own_export_kwh(self, rows: slice | None = None, cols: Selection = None) -> np.ndarray:
        """What the own strings fed in, of some rows and columns [kWh/interval]."""
        return self.own.surplus(rows, cols)

    def received(self, rows: slice | None = None, cols: Selection = None) -> np.ndarray:
        """Own string plus shared of some rows and columns [kWh/interval].

        A new C-ordered float64 array; ``cols`` is None (all), a column number, a slice
        or an array of column numbers.
        """
        total = take_kwh(self.shared, rows, cols)
        self.own.add_used(total, rows, cols)
        return total

    def grid_import_kwh(
        self, consumption_kwh: np.ndarray, rows: slice | None = None, cols: Selection = None
    ) -> np.ndarray:
        """What some participants took from the grid, ``max(D - received, 0)``, of some
        rows and columns: a new float64 array [kWh/interval]."""
        use = take_kwh(consumption_kwh, rows, cols)
        return np.maximum(use - self.received(rows, cols), 0.0)


def annual_energy(
    participant_ids: pd.Index,
    consumption_kwh: np.ndarray,
    flows: Flows,
    price_eur_per_kwh: np.ndarray,
) -> pd.DataFrame:
    """Annual energy and supply cost per participant, from interval flows.

    Parameters
    ----------
    participant_ids : pandas.Index
        The columns of the arrays (the frame's index).
    consumption_kwh : numpy.ndarray
        ``(n_steps, n_participants)`` consumption [kWh/interval], float64 or float32.
    flows : Flows
        What the participants received: own strings (and their export) and the
        waterfall's shared energy [kWh/interval].
    price_eur_per_kwh : numpy.ndarray
        ``(n_steps,)`` bare supply price [EUR/kWh].

    Returns
    -------
    pandas.DataFrame
        ``consumption_kwh``, ``own_string_kwh``, ``shared_kwh``, ``own_export_kwh``,
        ``allocated_kwh``, ``grid_import_kwh``, ``supply_cost_without_eur``,
        ``supply_cost_with_eur``, ``own_export_value_eur`` [kWh/yr, EUR/yr], the input of
        :func:`energysim.money.accounts.build_accounts`. Sums are float64 whatever the
        arrays' precision.

    Notes
    -----
    ``grid_import = consumption - own string - shared`` is what the supplier delivers;
    the meter records ``consumption - own string`` (shared kWh come over the grid), which
    the money derives (:func:`energysim.money.readings.metered_offtake_kwh`). The supply
    costs are ``sum_t kWh_t x price_t`` of the consumption (without) and of the grid
    import (with); ``own_export_value_eur = sum_t own feed-in_t x price_t``, what a
    dynamic contract pays for the own strings' feed-in (excl. VAT).
    """
    n = len(participant_ids)
    n_steps = len(price_eur_per_kwh)
    consumption = consumption_kwh.sum(axis=0, dtype=np.float64)
    own_string, own_export = flows.own.annual_kwh()
    shared = flows.shared.sum(axis=0, dtype=np.float64)
    allocated = own_string + shared
    grid_import = np.maximum(consumption - allocated, 0.0)
    price = price_eur_per_kwh
    if (price == price[0]).all():  # flat: price x kWh (allocated <= consumed per interval)
        cost_without, cost_with = consumption * price[0], grid_import * price[0]
        export_value = own_export * price[0]
    else:  # interval prices; elementwise sums, not BLAS: the same whatever the threads
        cost_without = column_sums(lambda r: consumption_kwh[r] * price[r, None], n_steps, n)
        cost_with = priced_grid_import_eur(consumption_kwh, flows, price)  # no (T, P) copy
        export_value = (
            column_sums(lambda r: flows.own_export_kwh(r) * price[r, None], n_steps, n)
            if own_export.any()
            else np.zeros(n)
        )
    columns = (
        consumption,
        own_string,
        shared,
        own_export,
        allocated,
        grid_import,
        cost_without,
        cost_with,
        export_value,
    )
    # one float64 block (no consolidation of nine arrays)
    return float_frame(dict(zip(ANNUAL_COLUMNS, columns, strict=True)), participant_ids)


def priced_grid_import_eur(consumption: np.ndarray, flows: Flows, price: np.ndarray) -> np.ndarray:
    """Per participant, sum over intervals of grid import x price [EUR].

    Block by block without a full ``(n_steps, n_participants)`` temporary, in the
    order of a sum over all rows at once (:func:`~energysim.sharing.blocks.column_sums`):
    the same to the bit.
    """

    def priced(rows: slice) -> np.ndarray:
        return np.maximum(consumption[rows] - flows.received(rows), 0.0) * price[rows, None]

    return column_sums(priced, len(price), consumption.shape[1])


def check_balance(
    gen: np.ndarray, flows: Flows, export: np.ndarray, consumption: np.ndarray
) -> None:
    """Raise if, in any interval, allocated + export differs from generation, or a
    participant received more than it consumed; arrays [kWh/interval].

    Notes
    -----
    ``sum_p a_pt + x_t == G_t`` and ``0 <= a_pt <= D_pt`` (domain.md section 3); SCE
    energy is fed in and counted in the export. ``gen`` is what went into the scheme:
    with batteries, generation less what they stored net. A NaN anywhere in what was
    received, fed in or generated breaks the balance.

    A check with a tolerance, so its sums need not be those of the figures written: each
    interval's sum over participants is :func:`numpy.einsum`'s (one pass, in another
    order than :meth:`numpy.ndarray.sum`'s pairwise one), and a block of rows where
    nobody received more than it consumed (one comparison) has no excess to measure.
    """
    worst, over = 0.0, 0.0
    # in blocks of rows, so the block stays in the CPU cache between its passes; without
    # own strings what a participant received is its shared energy (+ 0.0), read in place
    step = block_rows(consumption.shape[1])
    shared = flows.shared
    in_place = not flows.own.any and shared.dtype == np.float64
    n_rows, n_columns = min(step, len(gen)), consumption.shape[1]
    above = np.empty((n_rows, n_columns), dtype=bool)  # one buffer for every block
    for start in range(0, len(gen), step):
        rows = slice(start, start + step)
        block = shared[rows] if in_place else flows.received(rows)
        lhs = np.einsum("ij->i", block) + export[rows]
        gap = float(np.max(np.abs(lhs - gen[rows]), initial=0.0))  # NaN if any is
        if not gap <= worst:  # larger, or NaN: kept (max() would drop a NaN)
            worst = gap
            if np.isnan(gap):
                break
        cons = consumption[rows]
        if np.greater(block, cons, out=above[: len(block)]).any():  # someone got more
            over = max(over, float(np.max(block - cons)))
    if not worst <= BALANCE_TOL_KWH * max(1.0, float(np.max(gen, initial=0.0))):
        raise AssertionError(
            f"energy balance broken: max |allocated + export - generation| = {worst:g} kWh"
        )
    if over > BALANCE_TOL_KWH:
        raise AssertionError(f"a participant received more than it consumed by {over:g} kWh")
