"""Where a year's generation went, as flows between places: what a Sankey draws.

From a run's summary and participants table (nothing recomputed); the dashboard's
Results page and the board report (:mod:`energysim.report`) draw the same flows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd


def energy_flows(s: Mapping[str, Any], participants: pd.DataFrame) -> pd.DataFrame:
    """Where the year's generation went, as flows between places [kWh/yr].

    From the run's summary and participants table (nothing recomputed): the roof
    (``generation_kwh``) feeds the tenants' own strings (their ``own_string_kwh`` and
    ``own_export_kwh``), the common installations, the tenants and the members (the
    shared part of ``allocated_kwh``), the grid (``export_kwh``, less what own strings
    exported) and, with batteries, their losses (``storage.loss_kwh``). The flows out of
    the roof add up to the generation (energy balance, checked by the tests).

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``target`` (``roof``, ``own_strings``, ``common``,
        ``tenants``, ``members``, ``grid``, ``battery_losses``) and ``energy_kwh``;
        flows of zero are left out.
    """
    own_used = float(participants["own_string_kwh"].sum())
    own_export = float(participants["own_export_kwh"].sum())
    own_common = float(participants.loc[participants["role"] == "common", "own_string_kwh"].sum())
    rows = [
        ("roof", "own_strings", own_used + own_export),
        ("own_strings", "tenants", own_used - own_common),
        ("own_strings", "common", own_common),
        ("own_strings", "grid", own_export),
        ("roof", "common", s["allocated_kwh"]["common"] - own_common),
        ("roof", "tenants", s["allocated_kwh"]["tenants"] - (own_used - own_common)),
        ("roof", "members", s["allocated_kwh"]["members"]),
        ("roof", "grid", s["export_kwh"] - own_export),
        ("roof", "battery_losses", (s.get("storage") or {}).get("loss_kwh", 0.0)),
    ]
    out = pd.DataFrame(rows, columns=["source", "target", "energy_kwh"])
    return out[out["energy_kwh"] > 1e-6].reset_index(drop=True)
