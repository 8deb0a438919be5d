"""EV charging at home: one charging session per day per vehicle.

Pure functions on ndarrays. A vehicle arrives at a local clock time, leaves at another
(the next morning when departure is earlier than arrival) and needs its daily energy
before it leaves. Two controls:

- ``uncontrolled``: full charger power from arrival until the daily energy is in (how
  most home chargers behave out of the box);
- ``solar_following``: charge at the rate of the building's PV surplus, shared among the
  vehicles plugged in, and at full power only when that is needed to finish by
  departure (the "solar charging" mode with a departure guarantee of common chargers).
  Causal: each interval uses only that interval's surplus and the time left.

Sessions are built per local calendar day; the morning of 1 January (the end of the
previous year's last session) is not simulated, and a session still open at the end of
the year stops there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Control = Literal["uncontrolled", "solar_following"]


@dataclass(frozen=True)
class Sessions:
    """Charging sessions as padded interval positions.

    Attributes
    ----------
    position : numpy.ndarray
        ``(n_sessions, max_len)`` interval index of each step of a session (0 where
        padded).
    valid : numpy.ndarray
        ``(n_sessions, max_len)`` bool, the real steps.
    vehicle : numpy.ndarray
        ``(n_sessions,)`` vehicle of each session.
    cut : numpy.ndarray
        ``(n_sessions,)`` bool, the session's departure is after the end of the year (it
        stops there).
    """

    position: IntArray
    valid: NDArray[np.bool_]
    vehicle: IntArray
    cut: NDArray[np.bool_]


def _local_times(days: pd.DatetimeIndex, hours: float, tz: str) -> pd.DatetimeIndex:
    """``day + hours`` as tz-aware local times (the missing spring hour shifts forward)."""
    naive = days + pd.to_timedelta(hours, unit="h")
    return naive.tz_localize(tz, ambiguous=False, nonexistent="shift_forward")


def sessions(index: pd.DatetimeIndex, arrival_h: ArrayLike, departure_h: ArrayLike) -> Sessions:
    """Daily sessions of each vehicle on the simulation axis.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval starts, tz-aware, regular.
    arrival_h, departure_h : array_like
        ``(n_vehicles,)`` local clock times [h, 0-24); a departure at or before the
        arrival is the next day's.

    Returns
    -------
    Sessions
        A step belongs to a session when its interval starts at or after the arrival
        and before the departure.
    """
    arrive = np.atleast_1d(np.asarray(arrival_h, dtype=np.float64))
    leave = np.atleast_1d(np.asarray(departure_h, dtype=np.float64))
    if arrive.shape != leave.shape:
        raise ValueError("ev: expected one arrival and one departure time per vehicle")
    tz = str(index.tz)
    days = pd.DatetimeIndex(pd.unique(index.tz_localize(None).normalize()))
    starts: list[IntArray] = []
    ends: list[IntArray] = []
    owner: list[IntArray] = []
    cut: list[NDArray[np.bool_]] = []
    year_end = index[-1] + (index[-1] - index[-2])
    for v, (a, d) in enumerate(zip(arrive.tolist(), leave.tolist(), strict=True)):
        t_arrive = _local_times(days, a, tz)
        t_leave = _local_times(days + pd.Timedelta(days=1 if d <= a else 0), d, tz)
        starts.append(index.searchsorted(t_arrive, side="left").astype(np.int64))
        ends.append(index.searchsorted(t_leave, side="left").astype(np.int64))
        owner.append(np.full(len(days), v, dtype=np.int64))
        cut.append(np.asarray(t_leave > year_end))
    start = np.concatenate(starts)
    end = np.maximum(np.concatenate(ends), start)
    length = end - start
    width = int(length.max(initial=0))
    steps = np.arange(width)
    valid = steps[None, :] < length[:, None]
    position = np.where(valid, start[:, None] + steps[None, :], 0)
    return Sessions(position, valid, np.concatenate(owner), np.concatenate(cut))


def charge_kwh(
    index: pd.DatetimeIndex,
    arrival_h: ArrayLike,
    departure_h: ArrayLike,
    kwh_per_day: ArrayLike,
    charger_kw: ArrayLike,
    control: Control,
    surplus_kwh: ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Charging energy per interval and vehicle, and what could not be charged.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval starts.
    arrival_h, departure_h, kwh_per_day, charger_kw : array_like
        ``(n_vehicles,)`` session times [h], energy needed per day [kWh], charger power
        [kW].
    control : {"uncontrolled", "solar_following"}
    surplus_kwh : array_like, optional
        ``(n_steps,)`` PV surplus the plugged-in vehicles may share (needed for
        ``solar_following``) [kWh].

    Returns
    -------
    charge_kwh : numpy.ndarray
        ``(n_steps, n_vehicles)`` [kWh].
    unserved_kwh : numpy.ndarray
        ``(n_vehicles,)`` energy a session was too short to deliver, over the year [kWh].
        The session cut at the end of the year counts as served: it goes on after the
        year, as the one that ends on the morning of 1 January began before it.

    Notes
    -----
    Uncontrolled: step ``k`` of a session takes ``min(P dt, max(E - k P dt, 0))``.
    Solar-following: ``c_k = min(P dt, R_k, max(surplus_k / n_plugged_k,
    R_k - P dt * left_k))``, where ``R_k`` is the energy still needed and ``left_k``
    the session's steps after ``k``.
    """
    n = len(index)
    step_h = float((index[1] - index[0]) / pd.Timedelta(hours=1))
    sess = sessions(index, arrival_h, departure_h)
    n_vehicles = int(np.atleast_1d(np.asarray(arrival_h)).shape[0])
    energy = np.broadcast_to(np.asarray(kwh_per_day, dtype=np.float64), (n_vehicles,))
    power = np.broadcast_to(np.asarray(charger_kw, dtype=np.float64), (n_vehicles,))
    need = energy[sess.vehicle]
    step_kwh = power[sess.vehicle] * step_h
    width = sess.position.shape[1]
    amounts = np.zeros(sess.position.shape)
    if control == "uncontrolled":
        step_no = np.arange(width)[None, :]
        amounts = np.minimum(
            step_kwh[:, None], np.maximum(need[:, None] - step_no * step_kwh[:, None], 0)
        )
        amounts = np.where(sess.valid, amounts, 0.0)
    elif control == "solar_following":
        if surplus_kwh is None:
            raise ValueError("ev: solar_following needs the PV surplus")
        surplus = np.asarray(surplus_kwh, dtype=np.float64)
        plugged = np.bincount(sess.position[sess.valid], minlength=n).astype(np.float64)
        share = np.divide(surplus, plugged, out=np.zeros(n), where=plugged > 0)
        left_after = sess.valid.sum(axis=1)[:, None] - 1 - np.arange(width)[None, :]
        remaining = need.copy()
        for k in range(width):
            on = sess.valid[:, k]
            must = np.maximum(remaining - step_kwh * left_after[:, k], 0.0)
            want = np.maximum(share[sess.position[:, k]], must)
            c = np.where(on, np.minimum(np.minimum(step_kwh, remaining), want), 0.0)
            amounts[:, k] = c
            remaining = remaining - c
    else:
        raise ValueError(f"ev: unknown control {control!r}")
    out = np.zeros((n, n_vehicles))
    flat = sess.position[sess.valid] * n_vehicles + np.repeat(sess.vehicle, sess.valid.sum(axis=1))
    np.add.at(out.reshape(-1), flat, amounts[sess.valid])
    per_session = amounts.sum(axis=1)
    delivered = np.bincount(sess.vehicle, weights=per_session, minlength=n_vehicles)
    sessions_per_vehicle = np.bincount(sess.vehicle, minlength=n_vehicles)
    after_year = np.where(sess.cut, np.maximum(need - per_session, 0.0), 0.0)
    excused = np.bincount(sess.vehicle, weights=after_year, minlength=n_vehicles)
    unserved = sessions_per_vehicle * energy - excused - delivered
    return out, np.maximum(unserved, 0.0)
