"""The kinds of owner of an installation (a schema choice shared by scenarios and registers).

Kept apart from :mod:`energysim.ownership` so that reading a scenario file does not
import pandas (``energysim validate`` stays fast).
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
