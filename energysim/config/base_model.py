"""The base of every scenario model: strict, frozen, finite; paths relative to the file.

Every model of a scenario derives from :class:`Model`: unknown keys are errors, instances
are frozen, numbers are finite, and types are strict. A scenario file is typed TOML, so a
value of the wrong type is an error naming the field, never converted: a string where a
number belongs (``year = "2027"``, ``vat_frac = "0.21"``), a boolean where a count or a
number belongs (``members.count = true``), a number where a boolean belongs
(``net_metering = 1``) or a string for a boolean (``"yes"``), a fraction where a whole
number belongs (``dwellings = 80.5``, and ``80.0`` too). A whole number where a decimal
number belongs is a number all the same (``capex_eur_per_kwp = 1000``) and is accepted,
as pydantic's strict mode does. :data:`DataPath` is the one field read from a string (TOML
has no path type); it resolves a relative path against the scenario file's folder (given
as ``base_dir`` in the validation context).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Strict, ValidationInfo

__all__ = ["DataPath", "Model", "check_list_length", "check_one_of"]


def _resolve_path(value: Path, info: ValidationInfo) -> Path:
    """Resolve a relative path against the scenario file's folder (validation context)."""
    base = (info.context or {}).get("base_dir")
    if base is not None and not value.is_absolute():
        return (Path(base) / value).resolve()
    return value


DataPath = Annotated[Path, Strict(False), AfterValidator(_resolve_path)]
"""A data file's path: a string in TOML (strict mode would ask for a ``Path`` object),
resolved against the scenario file's folder."""


class Model(BaseModel):
    """Base of every scenario model: unknown keys are errors, instances are frozen,
    numbers are finite (``inf`` and ``nan``, which TOML allows, are errors), types are
    strict (pydantic's strict mode: a value of another type is an error, not converted;
    an integer is accepted as a float)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


def check_list_length(field: str, value: Any, expected: int) -> None:
    """Refuse a list (one value per dwelling, member or vehicle) of the wrong length."""
    if isinstance(value, list) and len(value) != expected:
        raise ValueError(f"{field}: expected a list of {expected} values, found {len(value)}")


def check_one_of(value: str | None, known: Sequence[str]) -> str | None:
    """Refuse a name that is not among ``known`` (a supplier, a grid operator: names kept
    in the package's data files), listing the known ones; none passes."""
    if value is not None and value not in known:
        names = ", ".join(repr(k) for k in known)
        raise ValueError(f"expected one of {names}, found {value!r}")
    return value
