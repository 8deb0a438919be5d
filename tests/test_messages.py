"""The run's messages: English text as before, with a stable code and its figures."""

from __future__ import annotations

import json
import pickle

import pytest

from energysim.config.plausibility import plausibility_warnings
from energysim.config.scenario import scenario_from_dict
from energysim.core.messages import CODES, Message
from tests.helpers import minimal


def test_a_message_is_its_english_sentence_and_keeps_code_and_figures() -> None:
    m = Message("B1: 3 kWp per dwelling", "sce_capacity_high", building="B1", capacity_kwp=600.0)
    assert m == "B1: 3 kWp per dwelling" and isinstance(m, str)
    assert json.loads(json.dumps({"messages": [m]})) == {"messages": ["B1: 3 kWp per dwelling"]}
    back = pickle.loads(pickle.dumps(m))  # the dashboard's cache and process pools
    assert back == m and back.code == "sce_capacity_high"
    assert back.params == {"building": "B1", "capacity_kwp": 600.0}


def test_an_unknown_code_or_other_figures_are_refused() -> None:
    with pytest.raises(ValueError, match="found 'no_such_code'"):
        Message("text", "no_such_code")
    with pytest.raises(ValueError, match=r"expected params \['building', 'capacity_kwp'\]"):
        Message("text", "sce_capacity_high", building="B1")


def test_the_engine_gives_its_warnings_a_code_and_the_figures_it_names() -> None:
    data = minimal(allocation={"members": {"mode": "sce"}})
    b = data["buildings"][0]
    b["arrays"][0]["capacity_kwp"] = 600.0
    b["tenants"]["annual_kwh"] = {"mean_kwh": 200.0, "sd_kwh": 10.0}
    warnings = plausibility_warnings(scenario_from_dict(data))
    codes = {w.code: w.params for w in warnings}  # type: ignore[attr-defined]
    assert set(codes) >= {
        "kwp_per_dwelling_high",
        "consumption_mean_unusual",
        "sce_members_few",
        "sce_capacity_high",
    }
    assert codes["sce_capacity_high"] == {"building": b["id"], "capacity_kwp": 600.0}
    assert codes["consumption_mean_unusual"]["mean_kwh"] == 200.0
    assert all(set(p) == set(CODES[c]) for c, p in codes.items())
