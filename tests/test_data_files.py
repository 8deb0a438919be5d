"""The files a scenario names (energysim.config.data_files): the walk over the model's
types, remembered per type, finds what a plain walk finds."""

from __future__ import annotations

import tomllib
import typing
from pathlib import Path, PurePath
from typing import Any

import pytest
from pydantic import BaseModel

from energysim.config.data_files import _found, given_paths, path_fields
from energysim.config.scenario import Scenario, load_scenario
from tests.helpers import minimal

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((REPO / "scenarios").glob("*.toml"))


def _plain_found(value: Any, annotation: Any, at: str) -> list[tuple[str, Any]]:
    """Every path field given in ``value``: each model's every field, each union's every
    alternative, with no plan remembered."""
    out: list[tuple[str, Any]] = []
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, PurePath):
        out.append((at, value))
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            if value is None or (isinstance(value, dict) and name in value):
                inner = None if value is None else value[name]
                out += _plain_found(inner, info.annotation, f"{at}.{name}" if at else name)
    elif origin in (list, tuple):
        items = [(f"{at}[]", None)] if value is None else []
        items += [(f"{at}[{i}]", v) for i, v in enumerate(value if isinstance(value, list) else [])]
        for where, item in items:
            for arg in typing.get_args(annotation):
                out += _plain_found(item, arg, where)
    elif origin is dict:
        pairs = {"*": None} if value is None else value if isinstance(value, dict) else {}
        for key, item in pairs.items():
            out += _plain_found(item, typing.get_args(annotation)[-1], f"{at}.{key}")
    else:
        for arg in typing.get_args(annotation):
            out += _plain_found(value, arg, at)
    return out


def _scenario_dicts() -> list[dict[str, Any]]:
    dicts: list[dict[str, Any]] = [minimal()]
    for path in EXAMPLES:
        dicts.append(tomllib.loads(path.read_text(encoding="utf-8")))
        dicts.append(load_scenario(path).model_dump())
    # path fields given where a union's other member has them, and odd types
    odd = minimal()
    odd["generation_csv"] = "gen.csv"
    odd["buildings"][0]["battery"] = {"price_csv": 3}
    odd["buildings"].append("not a table")
    dicts.append(odd)
    return dicts


@pytest.mark.parametrize("data", _scenario_dicts())
def test_the_files_found_are_those_of_a_plain_walk(data: dict[str, Any]) -> None:
    assert list(_found(data, Scenario, "")) == _plain_found(data, Scenario, "")
    assert given_paths(data) == {
        at: v for at, v in _plain_found(data, Scenario, "") if v is not None
    }


def test_every_path_field_is_found_as_a_plain_walk_finds_it() -> None:
    assert path_fields() == {at for at, _ in _plain_found(None, Scenario, "")}
    assert any(given_paths(load_scenario(p).model_dump()) for p in EXAMPLES)


def test_a_missing_file_is_still_named_with_its_field(tmp_path: Path) -> None:
    from energysim.config.data_files import check_data_files
    from energysim.config.scenario import scenario_from_dict
    from energysim.core.errors import DataError

    (tmp_path / "gen.csv").write_text("time,x\n", encoding="utf-8")
    scenario = scenario_from_dict(minimal(generation_csv="gen.csv"), base_dir=tmp_path)
    check_data_files(scenario)  # there: nothing raised
    (tmp_path / "gen.csv").unlink()
    with pytest.raises(DataError, match=r"gen\.csv: file not found \(field 'generation_csv'\)"):
        check_data_files(scenario)
