"""Dispatch strategies of a shared battery: when it may discharge, or an optimal plan.

A strategy turns what the battery *could* do (charge from what would be fed in,
discharge into the demand the waterfall left) into what it *does*:

- ``self_consumption`` (greedy): charge whenever there is surplus, discharge whenever
  there is demand, in time order (:func:`energysim.sharing.battery.dispatch` as it is).
- ``price_aware``: the same, but discharge only in intervals whose day-ahead price is at
  or above a quantile of that delivery day's prices (:func:`price_aware_discharge_room`).
  Causal: the SDAC day-ahead auction publishes every price of a delivery day on the day
  before (results around 12:45 CET), so a rule that looks at the day's own prices uses
  nothing the operator could not know.
- perfect foresight (only on request, and labelled as such in the outputs): the plan
  that maximises the value of the year's discharged energy minus the feed-in value of
  the energy charged, knowing every future price, surplus and demand
  (:func:`perfect_foresight`): an upper bound, not a rule a battery can follow.

References
----------
EPEX SPOT / NEMO Committee, Single Day-Ahead Coupling (SDAC): gate closure 12:00 CET on
D-1, results published from 12:45 CET. HiGHS (Huangfu and Hall 2018) through
``scipy.optimize.linprog`` for the linear programme.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from energysim.sharing.battery import (
    BatteryFlows,
    BatterySpec,
    charge_and_discharge_room,
    dispatch,
)

FloatArray = NDArray[np.float64]
Strategy = Literal["self_consumption", "price_aware"]


def price_aware_discharge_room(
    discharge_room_kwh: ArrayLike,
    price_eur_per_kwh: ArrayLike,
    index: pd.DatetimeIndex,
    quantile_frac: float,
) -> FloatArray:
    """Keep the discharge room only where the price is in the day's upper part.

    Parameters
    ----------
    discharge_room_kwh : array_like
        ``(n_steps,)`` demand the battery may serve [kWh].
    price_eur_per_kwh : array_like
        ``(n_steps,)`` day-ahead price of each interval [EUR/kWh].
    index : pandas.DatetimeIndex
        Interval starts, tz-aware; the delivery day is the local calendar day.
    quantile_frac : float
        Discharge only where ``price >= quantile(day's prices, quantile_frac)`` [-];
        0 discharges whenever there is demand (the greedy rule).

    Returns
    -------
    numpy.ndarray
        ``(n_steps,)`` the discharge room left [kWh].
    """
    room = np.asarray(discharge_room_kwh, dtype=np.float64)
    price = np.asarray(price_eur_per_kwh, dtype=np.float64)
    if room.shape != price.shape or room.shape != (len(index),):
        raise ValueError(
            f"dispatch: expected room and price of shape ({len(index)},), "
            f"found {room.shape} and {price.shape}"
        )
    if not 0.0 <= quantile_frac <= 1.0:
        raise ValueError(f"dispatch: expected quantile_frac in [0, 1], found {quantile_frac}")
    day = pd.factorize(index.date)[0]
    threshold = (
        pd.Series(price).groupby(day).transform(lambda p: np.quantile(p, quantile_frac))
    ).to_numpy()
    return np.where(price >= threshold, room, 0.0)


def perfect_foresight(
    spec: BatterySpec,
    charge_room_kwh: ArrayLike,
    discharge_room_kwh: ArrayLike,
    step_h: float,
    discharge_value_eur_per_kwh: ArrayLike,
    charge_cost_eur_per_kwh: ArrayLike,
) -> BatteryFlows:
    """The year's best plan knowing the future: a linear programme (an upper bound).

    Parameters
    ----------
    spec : BatterySpec
    charge_room_kwh, discharge_room_kwh : array_like
        ``(n_steps,)`` as for :func:`energysim.sharing.battery.dispatch` [kWh].
    step_h : float
        Interval length [h].
    discharge_value_eur_per_kwh : array_like
        ``(n_steps,)`` value of a delivered kWh (the import price it avoids) [EUR/kWh].
    charge_cost_eur_per_kwh : array_like
        ``(n_steps,)`` value of a kWh charged instead of fed in [EUR/kWh].

    Returns
    -------
    BatteryFlows

    Raises
    ------
    RuntimeError
        If the solver fails (it should not: doing nothing is always feasible).

    Notes
    -----
    ``max sum_t v_t d_t - w_t c_t`` subject to ``s_t = s_{t-1} + eta_c c_t - d_t / eta_d``,
    ``s_min <= s_t <= s_max``, ``0 <= c_t <= min(room_c, P_c dt)``,
    ``0 <= d_t <= min(room_d, P_d dt)`` (no discharge while charging is possible), solved
    with HiGHS. A tiny cost per charged kWh keeps the battery from cycling for nothing.
    """
    from scipy import optimize, sparse  # only here: a run without it needs no scipy

    room_c = np.asarray(charge_room_kwh, dtype=np.float64)
    room_d = np.asarray(discharge_room_kwh, dtype=np.float64)
    n = room_c.shape[0]
    eta_c, eta_d = spec.charge_efficiency_frac, spec.discharge_efficiency_frac
    c_max, d_max = charge_and_discharge_room(spec, room_c, room_d, step_h)
    s_min = spec.soc_min_frac * spec.capacity_kwh
    s_max = spec.soc_max_frac * spec.capacity_kwh
    s0 = spec.initial_soc_frac * spec.capacity_kwh
    if spec.capacity_kwh <= 0 or n == 0:
        return dispatch(spec, np.zeros(n), np.zeros(n), step_h)
    value = np.broadcast_to(np.asarray(discharge_value_eur_per_kwh, dtype=np.float64), (n,))
    cost = np.broadcast_to(np.asarray(charge_cost_eur_per_kwh, dtype=np.float64), (n,))
    # variables [c (n), d (n), s (n)]; rows: s_t - s_{t-1} - eta_c c_t + d_t / eta_d = 0
    eye = sparse.identity(n, format="csr")
    shift = sparse.eye(n, k=-1, format="csr")
    a_eq = sparse.hstack([-eta_c * eye, eye / eta_d, eye - shift], format="csr")
    b_eq = np.zeros(n)
    b_eq[0] = s0
    tie_break = 1e-6
    objective = np.concatenate([cost + tie_break, -value, np.zeros(n)])
    bounds = np.concatenate(
        [
            np.column_stack([np.zeros(n), c_max]),
            np.column_stack([np.zeros(n), d_max]),
            np.column_stack([np.full(n, s_min), np.full(n, s_max)]),
        ]
    )
    solution = optimize.linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if solution.status != 0:
        raise RuntimeError(f"dispatch: perfect-foresight plan not solved ({solution.message})")
    x = solution.x
    # replay the plan through the battery kernel: the solver's tolerance (1e-7) must
    # not leak into the SoC window or the energy balance
    return dispatch(spec, np.clip(x[:n], 0.0, c_max), np.clip(x[n : 2 * n], 0.0, d_max), step_h)
