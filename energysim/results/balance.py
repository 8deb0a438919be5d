"""The energy balance a finished run is checked against (:func:`check_energy_balance`).

Every interval: what the participants received plus what was fed in equals what went
into the scheme (generation less what the batteries stored net), and nobody received
more than it consumed. :func:`energysim.simulate.run` checks it on every run; tests check
it on results too.
"""

from __future__ import annotations

import numpy as np

from energysim.results.result import Result, expect_result
from energysim.sharing.flows import check_balance


def into_scheme_kwh(result: Result) -> np.ndarray:
    """Generation less what batteries stored net, per interval [kWh]."""
    gen = result.generation_kwh.to_numpy().sum(axis=1)
    if result.storage is None or not result.storage.batteries:
        return gen
    return gen - result.storage.net_charge_kwh(len(gen))


def check_energy_balance(result: Result) -> None:
    """Raise if, in any interval, allocated + export differs from generation.

    Notes
    -----
    ``sum_p a_pt + x_t == G_t`` and ``0 <= a_pt <= D_pt`` (domain.md section 3); SCE
    energy is fed in and counted in the export. With batteries, what they charged less
    what they discharged is taken off ``G_t`` (their losses and SoC change)
    (:func:`energysim.sharing.flows.check_balance` on the result's arrays).
    """
    expect_result(result, "check_energy_balance")
    check_balance(
        into_scheme_kwh(result),
        result.flows,
        result.export_kwh.to_numpy().sum(axis=1),
        result.consumption_kwh.to_numpy(),
    )
