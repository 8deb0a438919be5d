"""Local ownership (first version)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

OwnerType = Literal[
    "resident_cooperative",
    "tenants_collective",
    "municipality",
    "water_board",
    "local_business",
    "housing_corporation",
    "non_local_investor",
    "other",
]
OWNER_TYPES: tuple[str, ...] = OwnerType.__args__  # type: ignore[attr-defined]
DEFAULT_LOCAL_TYPES = frozenset(
    {"resident_cooperative", "tenants_collective", "municipality", "water_board", "local_business"}
)


def local_types(
    *, housing_corporation_local: bool = False, overrides: Mapping[str, bool] | None = None
) -> frozenset[str]:
    """Owner types counted as local."""
    local = set(DEFAULT_LOCAL_TYPES)
    if housing_corporation_local:
        local.add("housing_corporation")
    for k, v in (overrides or {}).items():
        (local.add if v else local.discard)(k)
    return frozenset(local)


def local_share_frac(
    owners: Sequence[tuple[str, float]], local: frozenset[str] = DEFAULT_LOCAL_TYPES
) -> float:
    """Fraction owned locally."""
    return float(sum(s for t, s in owners if t in local))
