"""The participants of a scenario: one row each, and their columns in a run's arrays.

:func:`participant_table` is the static table, one row per participant (building, role,
taking part, annual kWh drawn from the scenario's distribution, archetype, supplier), in
the order of every ``(n_steps, n_participants)`` array of a run;
:func:`column_positions` finds some participants' columns in those arrays (a slice, a
view without a copy, when they are consecutive). Their consumption is
:mod:`energysim.inputs.consumption`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from energysim.config.scenario import Scenario, participant_ids
from energysim.inputs import demand
from energysim.inputs.population import derive_seed
from energysim.inputs.preflight import AnnualKwh, annual_kwh_draws

ROLE_NAMES = {"common": "common", "tenants": "tenant", "members": "member"}
"""A tier's name -> the role of its participants (``participants["role"]``)."""

Columns = slice | list[int]
"""Positions of some participants' columns: a slice (a view, no copy) when consecutive."""


def column_positions(column: Mapping[str, int], ids: list[str]) -> Columns:
    """Column positions of ``ids``: a slice (a view, no copy) when they are consecutive."""
    cols = [column[p] for p in ids]
    if cols and cols == list(range(cols[0], cols[0] + len(cols))):
        return slice(cols[0], cols[0] + len(cols))
    return cols


def participant_table(scenario: Scenario, annual_kwh: AnnualKwh | None = None) -> pd.DataFrame:
    """One row per participant: building, role, participation, annual kWh, supplier.

    ``annual_kwh``: the households' annual consumption as
    :func:`energysim.inputs.preflight.annual_kwh_draws` drew and checked it (drawn here when
    not given).
    """
    if annual_kwh is None:
        annual_kwh = annual_kwh_draws(scenario)
    rows: list[dict[str, Any]] = []
    supplier_needed = scenario.allocation.sharing_supplier
    for b_idx, b in enumerate(scenario.buildings):
        ids = participant_ids(b)
        rows.append(
            {
                "participant_id": ids["common"][0],
                "building_id": b.id,
                "role": "common",
                "participating": True,
                "annual_kwh": b.common.total_kwh_per_yr,
                "archetype": "",
                "supplier": "",
                "sharing_eligible": True,
            }
        )
        for role, group in (("tenants", b.tenants), ("members", b.members)):
            n = len(ids[role])
            if n == 0:  # no rows: no archetypes or seed to draw
                continue
            annual = annual_kwh[b_idx][role]
            if group.archetypes == "mixed":
                kinds = demand.draw_archetypes(n, derive_seed(group.profile_seed, b_idx, 7))
            else:
                kinds = list(group.archetypes)
            suppliers = group.suppliers or [supplier_needed or ""] * n
            for i, pid in enumerate(ids[role]):
                participating = role == "members" or i < b.tenants.participating
                rows.append(
                    {
                        "participant_id": pid,
                        "building_id": b.id,
                        "role": ROLE_NAMES[role],
                        "participating": participating,
                        "annual_kwh": float(annual[i]),
                        "archetype": kinds[i],
                        "supplier": suppliers[i],
                        "sharing_eligible": supplier_needed is None
                        or suppliers[i] == supplier_needed,
                    }
                )
    columns = {name: [row[name] for row in rows] for name in rows[0]}
    ids = pd.Index(columns.pop("participant_id"), name="participant_id")
    # each column made with its dtype, the text ones in pandas' own text dtype: what
    # inference from the lists gives, without inferring (a third of the frame's cost)
    typed = {
        name: pd.array(values, dtype=_TEXT) if name in _TEXT_COLUMNS else np.array(values)
        for name, values in columns.items()
    }
    return pd.DataFrame(typed, index=ids, copy=False)


_TEXT = pd.Index(["text"]).dtype
"""The dtype pandas infers for a column of str (``str``, Arrow-backed, in pandas 3)."""
_TEXT_COLUMNS = frozenset({"building_id", "role", "archetype", "supplier"})
