"""How a building's generation is shared: the waterfall's order, each tier's key and caps.

The keys (:class:`ProportionalKey`, :class:`StaticKey`, :class:`EqualKey`,
:class:`ScheduleKey`, and the fair keys :class:`PriorityKey` and :class:`MaxMinKey`) are
the one set of key classes: the scenario names them and the kernels of
:mod:`energysim.sharing.allocation` take them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from energysim.config.base_model import DataPath, Model
from energysim.config.limits import bounds

__all__ = [
    "Allocation",
    "EqualKey",
    "IncomeClass",
    "Key",
    "MaxMinKey",
    "MembersPolicy",
    "PriorityKey",
    "ProportionalKey",
    "ScheduleKey",
    "StaticKey",
    "TierPolicy",
]

ROLES = ("common", "tenants", "members")
Role = Literal["common", "tenants", "members"]
DEFAULT_ORDER: tuple[Role, ...] = ("common", "tenants", "members")


class ProportionalKey(Model):
    """Pro rata to consumption in each interval (FR défaut, AT dynamisch, DE §42b dynamic)."""

    method: Literal["proportional"] = "proportional"


class StaticKey(Model):
    """Fixed shares of the tier's energy (NL energiedeel-overeenkomst, AT statisch)."""

    method: Literal["static"] = "static"
    shares_frac: list[Annotated[float, bounds("allocation.tenants.key.shares_frac[]")]]
    variant: Literal["export", "redistribute"] = "export"

    @field_validator("shares_frac")
    @classmethod
    def _sum_at_most_one(cls, value: list[float]) -> list[float]:
        if sum(value) > 1 + 1e-9:
            raise ValueError(f"expected shares summing to at most 1, found {sum(value):.6g}")
        return value


class EqualKey(Model):
    """Equal shares; 'redistribute' makes it max-min fair (Luxembourg, common practice)."""

    method: Literal["equal"] = "equal"
    variant: Literal["export", "redistribute"] = "redistribute"


class ScheduleKey(Model):
    """Shares per interval or per hour of the year from a CSV (ES Orden TED/1247/2021)."""

    method: Literal["schedule"] = "schedule"
    path: DataPath
    variant: Literal["export", "redistribute"] = "export"


IncomeClass = Literal["low", "middle", "high"]
"""A household's income class, as a scenario may give it (``buildings[].tenants.income_class``)."""


def _low_income() -> list[IncomeClass]:
    return ["low"]


class PriorityKey(Model):
    """The flagged households' need covered first in every interval, pro rata to their
    consumption; the rest shared among the others by ``base`` (proportional, or equal
    with the unused re-divided)."""

    method: Literal["priority"] = "priority"
    first: Literal["energy_poor", "income_class"] = Field(
        default="energy_poor",
        description="Who comes first: households flagged energy_poor, or those whose "
        "income_class is one of income_classes.",
    )
    income_classes: list[IncomeClass] = Field(
        default_factory=_low_income, description="The income classes served first."
    )
    base: Literal["proportional", "equal"] = "proportional"


class MaxMinKey(Model):
    """The static key whose smallest household gain (its shared kWh) is the largest of
    all static keys: a linear programme on the energy that reaches the tier."""

    method: Literal["maxmin"] = "maxmin"
    variant: Literal["export", "redistribute"] = "export"


Key = Annotated[
    ProportionalKey | StaticKey | EqualKey | ScheduleKey | PriorityKey | MaxMinKey,
    Field(discriminator="method"),
]


class TierPolicy(Model):
    """How one tier of the waterfall shares what reaches it (ranges as the tenants' rows of
    the limits, which match every tier)."""

    key: Key = Field(default_factory=ProportionalKey)
    cap_frac: Annotated[float | None, bounds("allocation.tenants.cap_frac")] = Field(
        default=None, description="At most this share of each interval's generation."
    )
    cap_kwh: Annotated[float | None, bounds("allocation.tenants.cap_kwh")] = Field(
        default=None, description="At most this per interval [kWh]."
    )


class MembersPolicy(TierPolicy):
    """The neighbourhood tier: kWh netted (``sharing``) or fed in for the SCE (``sce``)."""

    mode: Literal["sharing", "sce", "postcoderoos"] = "sharing"


class Allocation(Model):
    """The waterfall: tiers in order, each with its own key; the remainder is exported."""

    order: list[Role] = Field(default_factory=lambda: list(DEFAULT_ORDER))
    common: TierPolicy = Field(default_factory=TierPolicy)
    tenants: TierPolicy = Field(default_factory=TierPolicy)
    members: MembersPolicy = Field(default_factory=MembersPolicy)
    per_dwelling_surplus: Literal["export", "next_tier"] = Field(
        default="export",
        description="What a dwelling's own string does with what its meter cannot use.",
    )
    sharing_supplier: str | None = Field(
        default=None,
        description="Energy sharing needs one supplier (Energiewet, amendment Kröger nr. 56): "
        "households marked with another supplier are left out of sharing tiers.",
    )

    @field_validator("order")
    @classmethod
    def _order_is_permutation(cls, value: list[str]) -> list[str]:
        if sorted(value) != sorted(ROLES):
            raise ValueError(f"expected each of {list(ROLES)} once, found {value}")
        return value
