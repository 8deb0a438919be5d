"""The energy balance check of every run (energysim.sharing.flows.check_balance) fails
where it must, with and without own strings (read in place or as received)."""

from __future__ import annotations

import numpy as np
import pytest

from energysim.sharing.flows import Flows, check_balance
from energysim.sharing.own_strings import StringShare, own_strings

N_STEPS = 5000  # several blocks of rows


def _run(with_strings: bool) -> tuple[np.ndarray, Flows, np.ndarray, np.ndarray]:
    """A balanced run of 4 participants: generation, flows, export, consumption."""
    rng = np.random.default_rng(7)
    consumption = rng.random((N_STEPS, 4))
    shared = consumption * 0.5
    parts = [StringShare(slice(1, 3), rng.random(N_STEPS) * 0.1)] if with_strings else []
    own = own_strings(parts, consumption - shared, exported=True)
    flows = Flows(own, shared)
    export = rng.random(N_STEPS)
    gen = flows.received().sum(axis=1) + export
    return gen, flows, export, consumption


@pytest.mark.parametrize("with_strings", [False, True])
def test_a_balanced_run_passes_and_a_broken_one_fails(with_strings: bool) -> None:
    gen, flows, export, consumption = _run(with_strings)
    before = flows.shared.copy()
    check_balance(gen, flows, export, consumption)
    assert np.array_equal(flows.shared, before)  # the check never writes the run's array
    broken = gen.copy()
    broken[4321] += 1e-3
    with pytest.raises(AssertionError, match="energy balance broken"):
        check_balance(broken, flows, export, consumption)
    over = flows.shared.copy()
    over[4999, 3] = consumption[4999, 3] + 1e-6
    gen_over = gen + (over - flows.shared).sum(axis=1)
    with pytest.raises(AssertionError, match="received more than it consumed"):
        check_balance(gen_over, Flows(flows.own, over), export, consumption)
