"""Who can own an installation: the owner types of a scenario's ``[[ownership]]`` and of
a register (no pandas, so that reading a scenario does not import it).

:mod:`energysim.ownership.rules` says which of them count as local (``OWNER_CLASSES``) and
re-exports these names.
"""

from __future__ import annotations

from typing import Literal, get_args

OwnerType = Literal[
    "resident_cooperative",
    "tenants_collective",
    "local_crowdfunding",
    "resident",
    "local_business",
    "municipality",
    "water_board",
    "housing_corporation",
    "non_local_investor",
    "other",
]
OWNER_TYPES: tuple[str, ...] = get_args(OwnerType)
