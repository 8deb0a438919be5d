"""The README's answer to "does the default example pay?" (rules of 2027), re-run.

The default scenario as written leaves the owners with a negative NPV; the design
``energysim design`` recommends for it (scenarios/rotterdam-galerijflat-ontwerp.toml)
is one a corporation and a cooperative could sign: every owner at NPV >= 0, every
household gaining, the panel fee within the Huurcommissie limits, no price per kWh above
what a shared kWh saves its receiver. The figures the README quotes are checked here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from energysim.config.scenario import load_scenario
from energysim.money.readings import shared_kwh_saving_eur_per_kwh
from energysim.results.tables import participants_table, summary
from energysim.simulate import run

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## Does the default example pay?") : README.index("## Speed")]


def _eur(value: float, decimals: int = 0) -> str:
    return f"{value:,.{decimals}f}"


@pytest.fixture(scope="module")
def default():
    return run(load_scenario(REPO / "scenarios" / "rotterdam-galerijflat.toml"))


@pytest.fixture(scope="module")
def designed():
    return run(load_scenario(REPO / "scenarios" / "rotterdam-galerijflat-ontwerp.toml"))


def test_the_default_as_written_does_not_pay_and_the_readme_says_by_how_much(default) -> None:
    s = summary(default)
    npv = {o["owner"]: o["npv_eur"] for o in s["stakeholders"]}
    assert all(v < 0 for v in npv.values())
    for owner, value in npv.items():
        assert f"-EUR {_eur(-value)} ({owner}" in SECTION.replace("\n", " "), owner
    assert f"households gain EUR {_eur(s['household_benefit_total_eur'])} a year" in SECTION


def test_the_designed_scheme_could_be_signed(designed) -> None:
    s = summary(designed)
    npv = {o["owner"]: o["npv_eur"] for o in s["stakeholders"]}
    assert all(v >= 0 for v in npv.values())
    text = SECTION.replace("\n", " ")
    for owner, value in npv.items():
        assert f"EUR {_eur(value)} ({owner})" in text, owner
    table = participants_table(designed)
    households = table[table.role != "common"]
    assert (households.benefit_eur > 0).all() and (households.benefit_npv_eur > 0).all()
    assert f"households EUR {_eur(s['household_benefit_total_eur'])} a year" in text
    least = households.benefit_npv_eur.min()
    assert f"the one that gains least EUR {least:.0f} over the lifetime" in text
    assert s["local_ownership_frac"] == pytest.approx(0.5)
    # no rule broken: no Huurcommissie note, no price above what a shared kWh saves
    codes = {getattr(m, "code", None) for m in designed.messages}
    assert not codes & {"panel_fee_above_limit", "panel_fee_above_limit_after"}
    fin = designed.scenario.finance
    saving = shared_kwh_saving_eur_per_kwh(designed.scenario, designed.tariffs)
    prices = (fin.sharing_fee_eur_per_kwh, fin.tenant_sharing_fee_eur_per_kwh)
    assert max(*prices, fin.common_fee_eur_per_kwh or 0.0) <= saving
    assert f"at most EUR {saving:.4f}" in text


def test_the_readme_quotes_each_groups_range(designed) -> None:
    table = participants_table(designed)
    tenants = table[(table.role == "tenant") & table.participating].benefit_eur
    members = table[table.role == "member"].benefit_eur
    outside = table[(table.role == "tenant") & ~table.participating].benefit_eur
    text = SECTION.replace("\n", " ")
    assert (
        f"a participating tenant gains EUR {tenants.min():.0f} to {tenants.max():.0f} a year "
        f"(median EUR {tenants.median():.0f})" in text
    )
    assert f"a member between EUR {members.min():.2f} and {members.max():.2f}" in text
    assert f"does not take part EUR {outside.max():.2f}" in text
