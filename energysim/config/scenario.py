"""Scenario files: the :class:`Scenario` and reading it (:func:`load_scenario`).

A scenario is a TOML file; its models are the only schema of the project, one module per
part: :mod:`~energysim.config.site` (site, weather, roof arrays),
:mod:`~energysim.config.buildings` (households, common installations, buildings),
:mod:`~energysim.config.features` (batteries, heat pumps, EV charging),
:mod:`~energysim.config.allocation_policy` (the waterfall and its keys),
:mod:`~energysim.config.economics` (tariffs, finance, owners), each derived from
:class:`energysim.config.base_model.Model`: unknown keys are errors and a loaded scenario
is frozen, so a typo is an error and a scenario cannot change under a run. Defaults come
from ``../shared/domain.md`` and are documented in ``docs/scenario.md``; a figure marked
*estimate* is ours and meant to be overridden.

Participant ids are derived, so measured CSV columns can name them:
``<building>-common`` for the common connection, ``<building>-T001`` ... for the
dwellings (tenants), ``<building>-M001`` ... for neighbourhood members.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationError, model_validator

from energysim.config.allocation_policy import Allocation, StaticKey
from energysim.config.base_model import DataPath, Model
from energysim.config.buildings import Building
from energysim.config.economics import Finance, Owner, OwnershipPolicy, Tariffs
from energysim.config.limits import bounds, limit_violations
from energysim.config.site import Site, Weather
from energysim.core.errors import ScenarioError
from energysim.core.names import check_safe_name
from energysim.core.textfile import parse_toml, read_text_file

__all__ = [
    "Scenario",
    "load_scenario",
    "scenario_from_dict",
    "scenario_errors",
    "scenario_to_toml",
    "participant_ids",
]


class MeterExport(Model):
    """A household's own meter export, as users get it (see :mod:`energysim.inputs.meter`)."""

    participant_id: str
    path: DataPath
    column: str | None = Field(default=None, description="Value column; default the only one.")
    kind: Literal["interval", "cumulative"] = "interval"
    label: Literal["start", "end"] = "start"
    time_column: str | None = None
    fill_gaps_max_intervals: Annotated[int, bounds("meter_exports[].fill_gaps_max_intervals")] = 0


class Scenario(Model):
    """A complete scenario: site, weather, buildings, allocation, tariffs, finance, owners."""

    name: Annotated[str, AfterValidator(check_safe_name)] = Field(
        description="Names the result folder OUT/<name>/: a safe slug (energysim.core.names)."
    )
    description: str = ""
    year: Annotated[int, bounds("year")] = Field(
        description="Data year: weather, profiles and measured series."
    )
    tariff_year: Annotated[int | None, bounds("tariff_year")] = Field(
        default=None,
        description="Rules year: tariffs, net metering, SCE availability and the first "
        "operating year; default the data year.",
    )
    time_step_min: Literal[15, 60] = 15
    site: Site
    weather: Weather = Field(default_factory=Weather)
    buildings: list[Building] = Field(min_length=1)
    allocation: Allocation = Field(default_factory=Allocation)
    tariffs: Tariffs = Field(default_factory=lambda: Tariffs())
    finance: Finance = Field(default_factory=Finance)
    ownership: list[Owner] = Field(
        default_factory=lambda: [
            Owner(owner="housing corporation", owner_type="housing_corporation", share_frac=1.0)
        ]
    )
    ownership_policy: OwnershipPolicy = Field(default_factory=OwnershipPolicy)
    generation_csv: DataPath | None = Field(
        default=None, description="Measured generation: one column per array id [kWh/interval]."
    )
    consumption_csv: DataPath | None = Field(
        default=None,
        description="Measured consumption: one column per participant id [kWh/interval].",
    )
    meter_exports: list[MeterExport] = Field(
        default_factory=list, description="Households' own meter exports (any common format)."
    )

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        ids = [b.id for b in self.buildings]
        if len(set(ids)) != len(ids):
            raise ValueError(f"buildings: expected unique ids, found {ids}")
        array_ids = [a.id for b in self.buildings for a in b.arrays]
        if len(set(array_ids)) != len(array_ids):
            raise ValueError(f"arrays: expected ids unique across buildings, found {array_ids}")
        total = sum(o.share_frac for o in self.ownership)
        if not math.isclose(total, 1.0, abs_tol=1e-6):
            raise ValueError(f"ownership: expected shares summing to 1, found {total:.6g}")
        for role in ("tenants", "members"):
            key = getattr(self.allocation, role).key
            if isinstance(key, StaticKey):
                for b in self.buildings:
                    n = b.tenants.participating if role == "tenants" else b.members.count
                    if len(key.shares_frac) != n:
                        raise ValueError(
                            f"allocation.{role}.key.shares_frac: expected {n} shares "
                            f"(building {b.id}), found {len(key.shares_frac)}"
                        )
        return self

    @model_validator(mode="after")
    def _battery_prices(self) -> Scenario:
        for b in self.buildings:
            battery = b.battery
            if (
                battery is not None
                and battery.dispatch == "price_aware"
                and battery.price_csv is None
                and self.tariffs.supply_price_csv is None
            ):
                raise ValueError(
                    f"buildings[{b.id}].battery.price_csv: dispatch 'price_aware' needs "
                    "day-ahead prices (price_csv, or tariffs.supply_price_csv), found none"
                )
        return self

    @property
    def capacity_kwp(self) -> float:
        """Total DC capacity of all buildings [kWp]."""
        return float(sum(b.capacity_kwp for b in self.buildings))

    @property
    def rules_year(self) -> int:
        """The year whose rules apply: ``tariff_year``, or the data year when not given."""
        return self.tariff_year if self.tariff_year is not None else self.year


# --------------------------------------------------------------------------- ids
def participant_ids(building: Building) -> dict[str, list[str]]:
    """Return the participant ids of a building per role.

    ``tenants`` lists every dwelling (``<id>-T001`` ...); the first
    ``tenants.participating`` of them take part in direct use.
    """
    return {
        "common": [f"{building.id}-common"],
        "tenants": [f"{building.id}-T{i:03d}" for i in range(1, building.dwellings + 1)],
        "members": [f"{building.id}-M{i:03d}" for i in range(1, building.members.count + 1)],
    }


# --------------------------------------------------------------------------- loading
_NOT_A_FIELD = re.compile(
    r"^(?:function-.*|~.*|float|int|str|bool|none|constrained-\w+|(?:list|dict|literal)\[.*\])$"
)
"""Parts of a pydantic error location that name a validator or a member of a union (the
``float`` of ``float | list[float]``), not a field of the scenario."""


def _format_location(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not _NOT_A_FIELD.match(str(part)):
            out += ("." if out else "") + str(part)
    return out or "(top level)"


_EXPECTED_TYPE = {
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "string_type": "a text in quotes",
    "list_type": "a list [...]",
    "model_type": "a table",
    "dict_type": "a table",
    "model_attributes_type": "a table",
}
"""What a field of each pydantic type error expects, in the words of a TOML file."""


def _toml_value(value: Any) -> str:
    """A value as a TOML file shows it, with its type where the type is the fault:
    ``'2027' (a text)``, ``true (a boolean)``, ``80.5``, ``a table``, ``a list``."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, str):
        return f"{value!r} (a text)"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, float) and value.is_integer():
        return f"{value!r} (a decimal number)"
    return repr(value)


def _error_line(source: str, err: Any) -> str:
    """One pydantic error as the project's one line: source, field, expected, found."""
    loc = _format_location(tuple(err["loc"]))
    kind = err["type"]
    if kind == "missing":
        what = "required field is missing"
    elif kind == "extra_forbidden":
        what = "unknown key (not part of the scenario format)"
    elif kind in _EXPECTED_TYPE:
        what = f"expected {_EXPECTED_TYPE[kind]}, found {_toml_value(err.get('input'))}"
    else:
        msg = err["msg"].removeprefix("Value error, ")
        found = err.get("input")
        shown = repr(found) if not isinstance(found, dict | list) else type(found).__name__
        what = f"{msg}; found {shown}" if "found" not in msg else msg
    return f"{source}: field '{loc}': {what}"


def _first_error_line(source: str, exc: ValidationError) -> str:
    # an unknown key first: it is usually a misspelt field that is reported missing too;
    # a value that fits no member of a union is one error, however many members say so
    errors = exc.errors(include_url=False)
    err = min(errors, key=lambda e: e["type"] != "extra_forbidden")
    more = len({_format_location(tuple(e["loc"])) for e in errors}) - 1
    suffix = f" (and {more} more error{'s' if more > 1 else ''})" if more else ""
    return _error_line(source, err) + suffix


def scenario_from_dict(
    data: dict[str, Any], *, base_dir: Path | None = None, source: str = "<scenario>"
) -> Scenario:
    """Validate a scenario given as a dict.

    Parameters
    ----------
    data : dict
        Parsed TOML content.
    base_dir : Path, optional
        Folder against which relative paths resolve.
    source : str
        Name used in error messages (usually the file path).

    Raises
    ------
    ScenarioError
        One line naming the source, the field, what was expected and what was found:
        a missing, unknown or mistyped field, a value out of its range, or one beyond
        what is physically possible (:data:`energysim.config.limits.LIMITS`).
    TypeError
        When ``data`` is not a dict.
    """
    if not isinstance(data, dict):
        raise TypeError(
            f"scenario_from_dict(): expected a dict of scenario fields (parsed TOML), "
            f"found {type(data).__name__}"
        )
    # impossible numbers first (a 1e12-dwelling list check would hide the real fault),
    # then the schema, then the limits again on what validation filled in or converted
    _raise_limit_violations(source, data)
    try:
        scenario = Scenario.model_validate(data, context={"base_dir": base_dir})
    except ValidationError as exc:
        raise ScenarioError(_first_error_line(source, exc)) from None
    _raise_limit_violations(source, scenario.model_dump())
    return scenario


def _raise_limit_violations(source: str, data: dict[str, Any]) -> None:
    violations = limit_violations(data)
    if violations:
        field, message = violations[0]
        more = len(violations) - 1
        suffix = f" (and {more} more error{'s' if more > 1 else ''})" if more else ""
        raise ScenarioError(f"{source}: field '{field}': {message}{suffix}")


def scenario_errors(
    data: dict[str, Any], *, base_dir: Path | None = None, source: str = "<scenario>"
) -> list[str]:
    """Every problem of a scenario dict, one line each (empty when it is valid).

    :func:`scenario_from_dict` stops at the first problem; a form that shows each
    problem at its field needs them all. The lines are those of :class:`ScenarioError`:
    values beyond what is physically possible first, then the schema's problems.
    """
    lines = [f"{source}: field '{f}': {m}" for f, m in limit_violations(data)]
    try:
        Scenario.model_validate(data, context={"base_dir": base_dir})
    except ValidationError as exc:
        lines += [_error_line(source, err) for err in exc.errors(include_url=False)]
    return lines


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario TOML file; relative paths resolve against its folder.

    Raises
    ------
    ScenarioError
        If the file is missing, is not UTF-8 text, is not valid TOML (or nests deeper
        than any scenario), or fails validation.
    TypeError
        When ``path`` is not a path.
    """
    if not isinstance(path, str | Path):
        raise TypeError(
            f"load_scenario(): expected a path to a scenario TOML file (str or Path), "
            f"found {type(path).__name__}"
        )
    path = Path(path)
    text = read_text_file(path, "scenario file", ScenarioError)
    data = parse_toml(text, path, ScenarioError)
    return scenario_from_dict(data, base_dir=path.resolve().parent, source=str(path))


def scenario_to_toml(scenario: Scenario) -> str:
    """Return the scenario as TOML text (defaults filled in, absolute paths)."""
    import tomli_w

    data = scenario.model_dump(mode="json", exclude_none=True)
    return tomli_w.dumps(data)
