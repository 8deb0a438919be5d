"""One table of limits: the schema's ranges, the physical limits and the usual ranges."""

from __future__ import annotations

import types
import typing
from typing import Any

import pytest
from pydantic import BaseModel

from energysim.config.limits import LIMITS, bounds, limit_of, usual_of
from energysim.config.scenario import Scenario, scenario_from_dict
from energysim.core.errors import ScenarioError
from tests.helpers import minimal

RANGE = ("ge", "gt", "le", "lt")


def _range_of(metadata: typing.Iterable[Any]) -> dict[str, float]:
    return {k: getattr(m, k) for m in metadata for k in RANGE if getattr(m, k, None) is not None}


def schema_number_paths() -> dict[str, list[dict[str, float]]]:
    """Every number of the scenario format, as a pattern path (``buildings[].dwellings``),
    with the range the schema gives it at each place (one place per model using it),
    read from the pydantic models themselves."""
    found: dict[str, list[dict[str, float]]] = {}

    def walk(annotation: Any, path: str, rng: dict[str, float]) -> None:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            inner, *meta = typing.get_args(annotation)
            walk(inner, path, {**rng, **_range_of(meta)})
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            for name, info in annotation.model_fields.items():
                walk(info.annotation, f"{path}.{name}" if path else name, _range_of(info.metadata))
        elif origin is list:
            walk(typing.get_args(annotation)[0], f"{path}[]", {})
        elif origin in (typing.Union, types.UnionType):
            for alternative in typing.get_args(annotation):
                if alternative is not type(None):
                    walk(alternative, path, rng)
        elif annotation in (int, float):
            found.setdefault(path, []).append(rng)

    walk(Scenario, "", {})
    return found


def test_every_number_of_the_schema_takes_its_range_from_the_table() -> None:
    """No range is written in a model: each is its row's (one place for every bound),
    and a model used at two places (a battery, shared or at home) fits both rows."""
    for path, ranges in schema_number_paths().items():
        limit = limit_of(path)
        expected = {} if limit is None else {k: getattr(limit, k) for k in RANGE}
        expected = {k: v for k, v in expected.items() if v is not None}
        for rng in ranges:
            assert rng == expected, f"{path}: the schema has {rng}, its row {expected}"


def test_every_row_bounds_a_number_of_the_schema() -> None:
    numbers = set(schema_number_paths())
    for limit in LIMITS:
        assert any(limit.matches(p) for p in numbers), limit.pattern


def test_a_range_error_is_the_schemas_and_a_limit_error_says_its_reason() -> None:
    data = minimal()
    data["buildings"][0]["dwellings"] = 0
    with pytest.raises(ScenarioError, match=r"dwellings': Input should be greater than 0"):
        scenario_from_dict(data)
    data["buildings"][0]["dwellings"] = 20_000
    with pytest.raises(ScenarioError, match=r"at most 10,000 dwellings \(the largest"):
        scenario_from_dict(data)


def test_a_number_given_as_text_is_refused_as_text() -> None:
    """Types are strict: a number in quotes is not converted (and then checked), it is
    refused as text, whatever it says."""
    data = minimal()
    data["buildings"][0]["arrays"][0]["capacity_kwp"] = "1e300"
    with pytest.raises(
        ScenarioError, match="capacity_kwp': expected a number, found '1e300' \\(a text\\)$"
    ):
        scenario_from_dict(data)


def test_lookups() -> None:
    assert bounds("buildings[3].arrays[0].surface_azimuth_deg").lt == 360
    assert usual_of("buildings[0].tenants.annual_kwh[2]").high == 15_000.0
    with pytest.raises(LookupError):
        bounds("buildings[].no_such_field")
    with pytest.raises(LookupError):
        usual_of("site.latitude_deg")


@pytest.mark.parametrize(
    "extra",
    [
        "tariffs.supply_price_eur_per_kwh",  # an old name: bounded by its unit
        "tariffs.feed_in_cost_bands_eur_per_month[]",
        "buildings[].battery.capex_eur_per_kwh",
        "buildings[].no_such_seed",
        "no_such_field",
    ],
)
def test_the_look_up_finds_the_first_matching_row(extra: str) -> None:
    for path in [*schema_number_paths(), extra]:
        first = next((limit for limit in LIMITS if limit.matches(path)), None)
        assert limit_of(path) is first, path


def _plain_leaves(data: Any, path: str = "") -> list[tuple[str, str, Any]]:
    """Every number of a dumped scenario, each pattern path made from its shown path."""
    import re

    out: list[tuple[str, str, Any]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            out += _plain_leaves(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list | tuple):
        for i, value in enumerate(data):
            out += _plain_leaves(value, f"{path}[{i}]")
    elif isinstance(data, int | float) and not isinstance(data, bool):
        out.append((path, re.sub(r"\[\d+\]", "[]", path), data))
    return out


def test_the_numbers_walked_are_those_of_a_plain_walk() -> None:
    # the walk builds each pattern path along with its shown path; a key's own "[3]"
    # (a mapping's key) becomes "[]" as in the shown path's pattern
    from energysim.config.limits import _leaves

    scenario = scenario_from_dict(minimal()).model_dump()
    odd = {
        "a[3]": {"b": [1, 2.5, True, None, "x", [7, (8, float("nan"))]]},
        "[1": [{"k[12]x": 3}],
        3: -1,
        "": [[0.0]],
    }
    for data in (scenario, odd, [odd, scenario], {}):
        assert _nan_equal(list(_leaves(data)), _plain_leaves(data))
    assert ("a[3].b[5][1][1]", "a[].b[][][]") == list(_leaves(odd))[4][:2]


def _nan_equal(a: list[tuple[str, str, Any]], b: list[tuple[str, str, Any]]) -> bool:
    return [x[:2] for x in a] == [x[:2] for x in b] and all(
        x[2] == y[2] or (x[2] != x[2] and y[2] != y[2]) for x, y in zip(a, b, strict=True)
    )
