"""The base of every scenario model: strict, frozen, finite; paths relative to the file.

Every model of a scenario derives from :class:`Model`: unknown keys are errors, instances
are frozen, numbers are finite. :data:`DataPath` resolves a relative path against the
scenario file's folder (given as ``base_dir`` in the validation context).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationInfo

__all__ = ["DataPath", "Model", "check_list_length"]


def _resolve_path(value: Path, info: ValidationInfo) -> Path:
    """Resolve a relative path against the scenario file's folder (validation context)."""
    base = (info.context or {}).get("base_dir")
    if base is not None and not value.is_absolute():
        return (Path(base) / value).resolve()
    return value


DataPath = Annotated[Path, AfterValidator(_resolve_path)]


class Model(BaseModel):
    """Base of every scenario model: unknown keys are errors, instances are frozen,
    numbers are finite (``inf`` and ``nan``, which TOML allows, are errors)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def check_list_length(field: str, value: Any, expected: int) -> None:
    """Refuse a list (one value per dwelling, member or vehicle) of the wrong length."""
    if isinstance(value, list) and len(value) != expected:
        raise ValueError(f"{field}: expected a list of {expected} values, found {len(value)}")
