"""energysim design --static-keys-only: the legally safe variant and what it costs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from energysim.cli.main import main
from energysim.config.allocation_policy import StaticKey
from energysim.config.scenario import load_scenario, scenario_from_dict
from energysim.design.plan import DesignOptions, design_scenario
from energysim.design.static_keys import _figures, dynamic_tiers
from energysim.simulate import run
from tests.helpers import minimal, write_scenario

OPTIONS = DesignOptions(
    size_factors=(1.0,), members_search=False, curve_points=3, static_keys_only=True
)


@pytest.fixture(scope="module")
def design():
    return design_scenario(scenario_from_dict(minimal(year=2027)), OPTIONS)


def test_the_static_variant_shares_by_static_keys_only_and_runs(design) -> None:
    rec = design.recommended
    assert dynamic_tiers(design.scenario)  # the scenario's keys follow consumption
    assert dynamic_tiers(rec) == []
    for tier in ("common", "tenants", "members"):
        assert isinstance(getattr(rec.allocation, tier).key, StaticKey), tier
    # here the dynamic keys do better, so the variant costs something: the design with
    # them keeps them
    cost = design.static_keys
    assert cost is not None and cost.dynamic_tiers == ["tenants", "members"]
    assert dynamic_tiers(cost.dynamic_scenario) == ["common", "tenants", "members"]
    assert run(rec).accounts.stakeholders["npv_eur"].notna().all()


def test_the_cost_of_static_keys_is_the_difference_of_two_runs(design) -> None:
    cost = design.static_keys
    static, dynamic = run(design.recommended), run(cost.dynamic_scenario)
    s, d = _figures(static), _figures(dynamic)
    assert cost.cost.keys() == s.keys()
    for key, value in cost.cost.items():
        assert value == pytest.approx(d[key] - s[key], abs=0.005), key
    # the households' keys were chosen for their total benefit: the dynamic ones give more
    # to the households' tiers, and the safety costs something
    assert any(abs(v) > 0.01 for v in cost.cost.values())


def test_design_static_keys_only_through_the_command_line(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, minimal(year=2027))
    out = tmp_path / "out"
    args = ["design", str(path), "--out", str(out), "--sizes", "1", "--no-members-search"]
    assert main([*args, "--static-keys-only"]) == 0
    folder = out / "mini" / "design"
    summary = json.loads((folder / "design.json").read_text())
    assert summary["options"]["static_keys_only"] is True
    block = summary["static_keys_only"]
    assert "not settled" in block["reason"]
    assert set(block["cost"]) == set(block["static"]) == set(block["dynamic"])
    assert any(line.startswith("Static keys only") for line in summary["recommendation"])
    rec = load_scenario(folder / "scenario.recommended.toml")
    assert dynamic_tiers(rec) == []
    again = run(rec)
    assert block["static"]["owners_npv_eur"] == pytest.approx(
        again.accounts.stakeholders["npv_eur"].sum(), abs=0.005
    )
