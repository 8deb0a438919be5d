"""Dutch rules a controller checks: lifetime paths, VAT basis, tariff data, rules year, SCE.

Worked examples are computed by hand in the comments.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from energysim.cli.main import main
from energysim.config.economics import Finance, Tariffs
from energysim.config.scenario import load_scenario, scenario_from_dict
from energysim.config.tariffs import figure_names, resolve_tariffs, tariff_table, yearly_figure
from energysim.core.errors import ScenarioError
from energysim.money import business, finance
from energysim.results.tables import participants_table, summary
from energysim.simulate import run
from tests.helpers import minimal, write_scenario

REPO = Path(__file__).resolve().parents[1]
COOPERATIVE = [{"owner": "Coop", "owner_type": "resident_cooperative", "share_frac": 1.0}]


# --------------------------------------------------------------------------- 1. lifetime paths
def test_each_cash_flow_item_follows_its_own_path() -> None:
    # d = 1%, i = 2%, f = 3%, 20 years. Year 1: energy revenue 1000, panel fees 200,
    # sharing fees 50, opex 300, subsidy 100 (15 years), capex 10,000, inverter 500 in y 13.
    d, i, f, n = 0.01, 0.02, 0.03, 20
    y = np.arange(1, n + 1)
    subsidy = 100.0 * (1 - d) ** (y - 1) * (y <= 15)
    t = business.cash_flow_table(
        capex_eur=10_000.0,
        revenue_first_year_eur=1000.0,
        fixed_fee_first_year_eur=200.0,
        per_kwh_fee_first_year_eur=50.0,
        fee_indexation_frac_per_yr=f,
        opex_first_year_eur=300.0,
        lifetime_yr=n,
        degradation_frac_per_yr=d,
        indexation_frac_per_yr=i,
        inverter_replacement_eur=500.0,
        inverter_replacement_year=13,
        subsidy_by_year_eur=subsidy,
    ).loc[1:]
    # energy revenue: kWh x price, 1000 (0.99 x 1.02)^(y-1); year 25 would be x 1.2538
    np.testing.assert_allclose(t.energy_revenue_eur, 1000 * (0.99 * 1.02) ** (y - 1))
    # fees: the panel fee does not shrink with the yield, 200 x 1.03^(y-1); the sharing
    # fee per kWh does, 50 x (0.99 x 1.03)^(y-1). Year 20: 200 x 1.7535 + 50 x 1.4487
    fees = 200 * 1.03 ** (y - 1) + 50 * (0.99 * 1.03) ** (y - 1)
    np.testing.assert_allclose(t.fee_revenue_eur, fees)
    assert t.fee_revenue_eur.iloc[-1] == pytest.approx(200 * 1.7535061 + 50 * 1.4486917, rel=1e-6)
    np.testing.assert_allclose(t.revenue_eur, t.energy_revenue_eur + t.fee_revenue_eur)
    np.testing.assert_allclose(t.opex_eur, 300 * 1.02 ** (y - 1))
    np.testing.assert_allclose(t.subsidy_eur, subsidy)
    assert t.subsidy_eur.loc[16:].eq(0).all() and t.subsidy_eur.loc[15] > 0
    # inverter replacement in year 13 at year-13 prices: 500 x 1.02^12 = 634.12
    assert t.replacement_eur.loc[13] == pytest.approx(634.1209, abs=1e-3)
    assert t.replacement_eur.drop(13).eq(0).all()
    np.testing.assert_allclose(
        t.net_cash_flow_eur,
        t.revenue_eur + t.subsidy_eur - t.opex_eur - t.replacement_eur,
    )


def test_without_fee_indexation_a_panel_fee_stays_the_same_for_25_years() -> None:
    # the old model shrank it 0.5% a year with the yield: 11% less by year 25
    t = business.cash_flow_table(
        capex_eur=0.0,
        revenue_first_year_eur=0.0,
        fixed_fee_first_year_eur=1200.0,
        opex_first_year_eur=0.0,
        lifetime_yr=25,
        degradation_frac_per_yr=0.005,
        indexation_frac_per_yr=0.02,
    )
    assert (t.fee_revenue_eur.loc[1:] == 1200.0).all()


def test_household_npv_adds_each_part_on_its_path() -> None:
    # a tenant with a panel fee: energy part x (1-d)^(y-1)(1+i)^(y-1), fee part constant;
    # 2027 (no net metering in any year), r = 4%
    from energysim.money.year_one import year_one_parts

    data = minimal(year=2027)
    data["buildings"][0]["arrays"].append(
        {"id": "strings", "capacity_kwp": 2.0, "setup": "per_dwelling"}
    )
    data["finance"] = {"panel_fee_eur_per_yr": 30.0, "sharing_fee_eur_per_kwh": 0.02}
    r = run(scenario_from_dict(data))
    annual = r.annual
    _, _, parts = year_one_parts(r.scenario, r.tariffs, r.participants, annual, r.buildings)
    assert parts.loc["B1-T001", "fixed_fee"] == -30.0
    np.testing.assert_allclose(parts.sum(axis=1), r.money.benefit_eur, atol=1e-9)
    y = np.arange(1, 26)
    disc = 1.04**-y
    energy, fee = (1 - 0.005) ** (y - 1) * 1.02 ** (y - 1), np.ones(25)
    for pid in ("B1-T001", "B1-M001"):
        p = parts.loc[pid]
        expected = (p.energy * energy * disc).sum() + (p.fixed_fee * fee * disc).sum()
        expected += (p.per_kwh_fee * (1 - 0.005) ** (y - 1) * disc).sum()
        assert r.money.loc[pid, "benefit_npv_eur"] == pytest.approx(expected, rel=1e-12)


# --------------------------------------------------------------------------- 2. VAT basis
MONEY_NAME = re.compile(r"_eur(_|$)")


def _money_fields(model: type) -> list[str]:
    return [f for f in model.model_fields if MONEY_NAME.search(f)]


def test_every_tariff_money_field_says_its_vat_basis() -> None:
    fields = _money_fields(Tariffs)
    assert len(fields) >= 11
    for name in fields:
        assert "_excl_vat_" in name or "_incl_vat_" in name, name


def test_docs_state_the_vat_basis_of_every_money_field() -> None:
    # the finance fields follow one documented rule: docs/finance.md lists each one
    text = (REPO / "docs" / "finance.md").read_text()
    table = dict(re.findall(r"^\| `(\w+)` \| (excl\. VAT|incl\. VAT|no VAT) \|", text, re.M))
    for name in _money_fields(Finance) + _money_fields(Tariffs):
        assert name in table, f"docs/finance.md: no VAT basis for {name}"
        if "_excl_vat_" in name:
            assert table[name] == "excl. VAT", name
        if "_incl_vat_" in name:
            assert table[name] == "incl. VAT", name


# (field, import kWh, feed-in kWh, expected bill change per unit of the field [EUR], connection)
# at VAT 21%: an excl.-VAT figure a consumer pays moves the bill by 1.21 per euro
VAT_CASES = [
    ("supply_price_excl_vat_eur_per_kwh", 2000.0, 0.0, 2000 * 1.21, "small"),
    ("energy_tax_excl_vat_eur_per_kwh", 2000.0, 0.0, 2000 * 1.21, "small"),
    ("energy_tax_bracket2_excl_vat_eur_per_kwh", 12_000.0, 0.0, 2000 * 1.21, "small"),
    ("tax_rebate_excl_vat_eur_per_yr", 2000.0, 0.0, -1.21, "small"),
    ("network_charge_incl_vat_eur_per_yr", 2000.0, 0.0, 1.0, "small"),
    # paid to the household as is (VAT small-business exemption)
    ("feed_in_compensation_excl_vat_eur_per_kwh", 2000.0, 500.0, -500.0, "small"),
    ("feed_in_cost_incl_vat_eur_per_kwh", 2000.0, 500.0, 500.0, "small"),
    ("feed_in_cost_bands_incl_vat_eur_per_month", 2000.0, 500.0, 12.0, "small"),
    ("large_network_fixed_excl_vat_eur_per_yr", 2000.0, 0.0, 1.21, "large"),
    ("large_network_contract_excl_vat_eur_per_kw_per_yr", 2000.0, 0.0, 60 * 1.21, "large"),
    ("large_network_peak_excl_vat_eur_per_kw_per_month", 2000.0, 0.0, 90 * 1.21, "large"),
    ("large_network_transport_excl_vat_eur_per_kwh", 2000.0, 0.0, 2000 * 1.21, "large"),
]


@pytest.mark.parametrize("field,imp,exp,per_unit,connection", VAT_CASES, ids=lambda v: str(v))
def test_each_money_field_enters_the_bill_on_its_vat_basis(
    field: str, imp: float, exp: float, per_unit: float, connection: str
) -> None:
    base = resolve_tariffs(2027, {"feed_in_cost_bands_incl_vat_eur_per_month": [1.0]})
    if field == "feed_in_cost_bands_incl_vat_eur_per_month":
        bumped = replace(base, **{field: (2.0,)})  # one euro more a month
    else:
        bumped = replace(base, **{field: getattr(base, field) + 1.0})
    kw = {"connection": connection, "contracted_kw": 60.0, "monthly_peak_kw_sum": 90.0}

    def bill(t):  # noqa: ANN001, ANN202
        return float(finance.connection_bill_eur(imp, exp, t, **kw))

    assert bill(bumped) - bill(base) == pytest.approx(per_unit, rel=1e-12)
    assert field in Tariffs.model_fields


def test_old_tariff_names_say_what_they_are_now() -> None:
    data = minimal()
    data["tariffs"] = {"network_charge_eur_per_yr": 400.0}
    with pytest.raises(ScenarioError, match="network_charge_incl_vat_eur_per_yr"):
        scenario_from_dict(data)


# --------------------------------------------------------------------------- 3. tariff data
def test_tariff_data_file_rows_are_complete() -> None:
    rows = tariff_table()
    assert {r["status"] for r in rows} == {"published", "estimate"}
    for r in rows:
        assert r["vat"] in ("excl", "incl", "none") and r["source"].strip() and r["unit"]
        if r["figure"] in Tariffs.model_fields:
            vat = r["vat"]
            assert vat == "none" or f"_{vat}_vat_" in r["figure"], r["figure"]


def test_years_after_the_last_row_are_carried_forward_as_estimates() -> None:
    fig = yearly_figure("energy_tax_excl_vat_eur_per_kwh", 2026)
    assert (fig.value, fig.status) == (0.09160, "published")
    later = yearly_figure("energy_tax_excl_vat_eur_per_kwh", 2027)
    assert (later.value, later.status, later.from_year) == (0.09160, "estimate", 2026)
    assert "2026 carried forward" in later.describe()
    t = resolve_tariffs(2027, {"energy_tax_excl_vat_eur_per_kwh": 0.1})
    names = {f.figure for f in t.estimates}
    assert "energy_tax_excl_vat_eur_per_kwh" not in names  # the scenario's own figure
    assert {"tax_rebate_excl_vat_eur_per_yr", "feed_in_cost_incl_vat_eur_per_kwh"} <= names


def test_default_scenario_2027_lists_its_estimates(tmp_path: Path) -> None:
    path = REPO / "scenarios" / "rotterdam-galerijflat.toml"
    scenario = load_scenario(path).model_copy(update={"time_step_min": 60})
    s = summary(run(scenario))
    assert s["year"] == 2027
    note = next(m for m in s["messages"] if m.startswith("estimated figures for 2027"))
    for name in (
        "energy_tax_excl_vat_eur_per_kwh = 0.0916",
        "tax_rebate_excl_vat_eur_per_yr = 519.8",
        "feed_in_cost_incl_vat_eur_per_kwh = 0.05184 EUR/kWh fed in incl. VAT (our estimate)",
    ):
        assert name in note
    records = {a["figure"]: a for a in s["assumptions"]}
    assert records["energy_tax_excl_vat_eur_per_kwh"]["from_year"] == 2026
    # 2027's feed-in costs: Greenchoice's published figure, with the range in the source
    assert "Greenchoice" in records["feed_in_cost_incl_vat_eur_per_kwh"]["source"]
    assert "Eneco" in records["feed_in_cost_incl_vat_eur_per_kwh"]["source"]
    assert not any(n.startswith("large_network_") for n in records)  # small connection
    json.dumps(s)  # JSON-ready


def test_tariffs_command_prints_the_table_with_sources(capsys) -> None:
    assert main(["tariffs", "2027"]) == 0
    out = capsys.readouterr().out
    assert "energy_tax_excl_vat_eur_per_kwh" in out and "[estimate (2026)]" in out
    assert "selectra.nl" in out and "net_metering" in out
    assert "feed_in_compensation_floor_frac" in out and "2027-2029" in out
    # the suppliers' terms and the grid operators' network tariffs follow
    assert "greenchoice   from 2027-01-01  feed-in costs 0.05184 EUR/kWh incl. VAT" in out
    assert "stedin          MS/LS  <=    150 kW  2026" in out and "[estimate (2026)]" in out
    assert "province     Zuid-Holland   stedin" in out
    assert main(["tariffs"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in figure_names())
    assert "eneco" in out and "westland_infra" in out and "2025" in out


# --------------------------------------------------------------------------- 4. rules year
def test_tariff_year_applies_other_rules_to_the_same_data() -> None:
    data = minimal(year=2026)
    same = run(scenario_from_dict(data))
    data["tariff_year"] = 2027
    later = run(scenario_from_dict(data))
    assert later.tariffs.net_metering is False and same.tariffs.net_metering is True
    pd.testing.assert_frame_equal(same.generation_kwh, later.generation_kwh)
    pd.testing.assert_frame_equal(same.consumption_kwh, later.consumption_kwh)
    s = summary(later)
    assert (s["year"], s["tariff_year"], s["regime"]) == (2026, 2027, "no_net_metering")


def test_compare_years_on_the_measured_example(tmp_path: Path, capsys) -> None:
    path = REPO / "scenarios" / "measured-complex.toml"
    out = tmp_path / "o"
    assert main(["compare", str(path), "--years", "2026", "2027", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "measured-complex@2027" in text and "no_net_metering" in text
    table = pd.read_csv(out / "compare" / "comparison.csv", index_col=0)
    assert table.loc["year"].tolist() == ["2026", "2026"]  # the data year stays
    assert table.loc["tariff_year"].tolist() == ["2026", "2027"]


# --------------------------------------------------------------------------- 5. SCE, connections
def _sce(**changes) -> dict:  # noqa: ANN003
    data = minimal(year=2026, ownership=COOPERATIVE)
    data["allocation"] = {"order": ["members", "common", "tenants"], "members": {"mode": "sce"}}
    data.update(changes)
    return data


def test_sce_without_a_cooperative_owner_fails() -> None:
    data = _sce()
    data.pop("ownership")  # default: the housing corporation
    with pytest.raises(ScenarioError, match="owner_type 'resident_cooperative'"):
        run(scenario_from_dict(data))


@pytest.mark.parametrize(
    "order", [["common", "members", "tenants"], ["tenants", "members", "common"]]
)
def test_sce_on_a_small_connection_needs_full_feed_in(order: list[str]) -> None:
    data = _sce()
    data["allocation"]["order"] = order
    with pytest.raises(ScenarioError, match="requires 100% feed-in"):
        run(scenario_from_dict(data))
    data["buildings"][0]["common"]["connection"] = "large"  # there it is allowed
    data["finance"] = {"sce_market_value_eur_per_kwh": 0.06}  # below the basisbedrag 0.109
    assert run(scenario_from_dict(data)).accounts.scheme["subsidy_eur"] > 0


def test_sce_on_a_small_connection_feeds_everything_in() -> None:
    r = run(scenario_from_dict(_sce()))
    s = summary(r)
    assert s["sce_kwh"] == pytest.approx(s["generation_kwh"])
    # 2026 data: the decision year defaults to 2026. Its basisbedrag is 2024's 0.124
    # (carried forward), its basisenergieprijs 0.048; the market value is RVO's
    # correctiebedrag, our 2025 estimate 0.055 carried forward (not the retail 0.115).
    # Subsidy per kWh 0.124 - max(0.055, 0.048) = 0.069 on at most 5 kWp x 900 h = 4,500
    # kWh (the embedded year gives ~960 kWh/kWp: the cap binds): 0.069 x 4,500 = 310.50
    assert s["sce_kwh"] > 4500.0
    assert r.accounts.scheme["subsidy_eur"] == pytest.approx(310.50, abs=0.005)
    # the cooperative sells every kWh at the market value: 0.055 x sce_kwh
    assert r.accounts.scheme["scheme_market_revenue_eur"] == pytest.approx(0.055 * s["sce_kwh"])
    records = {a["figure"]: a for a in s["assumptions"]}
    assert records["sce_decision_year"]["value"] == 2026
    assert records["sce_correctiebedrag_small_eur_per_kwh"]["from_year"] == 2025
    assert records["sce_basisbedrag_small_eur_per_kwh"]["from_year"] == 2024
    assert records["certificate_price_eur"]["value"] == 0.0


def test_sce_on_a_large_connection_subsidises_fed_in_kwh_and_own_use() -> None:
    data = _sce()
    data["allocation"]["order"] = ["common", "tenants", "members"]
    # ventilation runs day and night: the common connection uses the roof's power itself
    data["buildings"][0]["common"] = {"ventilation_kwh_per_yr": 2000.0, "connection": "large"}
    r = run(scenario_from_dict(data))
    s = summary(r)
    fed_in = s["sce_kwh"]
    own_use = participants_table(r).set_index("participant_id").loc["B1-common", "shared_kwh"]
    assert 0 < fed_in < s["generation_kwh"] and own_use > 0
    # large connection, decision 2026: basisbedrag 0.109 (2024 carried forward).
    # fed in (netlevering): 0.109 - max(0.055, 0.048) = 0.054 per kWh;
    # own use behind the meter (niet-netlevering): 0.109 - max(0.090, 0.082) = 0.019;
    # both capped together at 5 kWp x 800 h = 4,000 kWh, pro rata
    scale = min(1.0, 4000.0 / (fed_in + own_use))
    expected = scale * (0.054 * fed_in + 0.019 * own_use)
    assert r.accounts.scheme["subsidy_eur"] == pytest.approx(expected)
    # a market value above the basisbedrag: fed-in kWh get nothing, own use still 0.019
    data["finance"] = {"sce_market_value_eur_per_kwh": 0.12}
    r = run(scenario_from_dict(data))
    assert r.accounts.scheme["subsidy_eur"] == pytest.approx(scale * 0.019 * own_use)
    figures = {a["figure"] for a in summary(r)["assumptions"]}
    assert {"sce_basisbedrag_large_eur_per_kwh", "sce_correctiebedrag_own_use_eur_per_kwh"} <= (
        figures
    )
    assert "sce_correctiebedrag_large_eur_per_kwh" not in figures  # the scenario's own


def _terms(decision: int, connection: str = "small"):  # noqa: ANN202
    from energysim.config.tariffs import Figure
    from energysim.money.subsidies import SceTerms

    def fig(value: float) -> Figure:
        return Figure("f", decision, value, "EUR/kWh", "none", "published", "test", decision)

    # basisbedrag 0.124, floors 0.048 / 0.082, market values 0.055 / 0.090
    values = (0.124, 0.048, 0.082, 0.055, 0.090)
    return SceTerms(decision, connection, 5.0, tuple(fig(v) for v in values))


def test_sce_subsidy_runs_15_years_from_the_decision_fixed_in_nominal_euros() -> None:
    from energysim.money.subsidies import sce_subsidy_by_year_eur

    # decision 2025, first operating year 2027, 4,000 kWh fed in (under the cap of
    # 5 kWp x 900 h = 4,500), d = 0.5%, i = 2%, 25 years. The subsidy runs in calendar
    # years 2025-2039: operating years 1-13. Year 1: (0.124 - max(0.055, 0.048)) x 4,000
    # = 0.069 x 4,000 = 276.00. Year 13: the market value follows prices, 0.055 x
    # 1.02^12 = 0.055 x 1.268242 = 0.069753, so 0.124 - 0.069753 = 0.054247 per kWh (the
    # basisbedrag stays 0.124: nominal) on 4,000 x 0.995^12 = 4,000 x 0.941623 =
    # 3,766.49 kWh: 204.32. Year 14 (2040): 0.
    by_year = sce_subsidy_by_year_eur(_terms(2025), 4000.0, 0.0, 2027, 25, 0.005, 0.02)
    assert by_year[0] == pytest.approx(276.00, abs=0.005)
    assert by_year[12] == pytest.approx(204.32, abs=0.005)
    assert (by_year[13:] == 0).all() and (by_year[:13] > 0).all()
    # a market value rising above the basisbedrag ends the subsidy early: at i = 10%,
    # 0.055 x 1.1^8 = 0.1179 < 0.124 still pays in year 9, 0.055 x 1.1^9 = 0.1297 not
    fast = sce_subsidy_by_year_eur(_terms(2025), 4000.0, 0.0, 2027, 25, 0.0, 0.10)
    assert fast[8] > 0 and fast[9] == 0.0
    # the cap: 6,000 kWh fed in are capped at 4,500 in year 1: 0.069 x 4,500 = 310.50
    capped = sce_subsidy_by_year_eur(_terms(2025), 6000.0, 0.0, 2027, 1)
    assert capped[0] == pytest.approx(310.50)


def test_a_2027_run_of_a_scheme_decided_in_2025_keeps_its_subsidy() -> None:
    data = _sce(year=2027)
    assert run(scenario_from_dict(data)).accounts.scheme["subsidy_eur"] == 0.0  # closed
    data["finance"] = {"sce_decision_year": 2025}
    early = run(scenario_from_dict(data))
    # the basisbedrag is the decision year's (2025: 2024's 0.124 carried forward): year 1
    # 0.069 x 4,500 = 310.50, as above
    assert early.accounts.scheme["subsidy_eur"] == pytest.approx(310.50, abs=0.005)
    assert "sce_decision_year" not in {a["figure"] for a in summary(early)["assumptions"]}
    # decided in 2026 it runs one year longer (to 2040, operating year 14): each of the
    # two members (one certificate each) gains half of year 14's subsidy, discounted:
    # (0.124 - 0.055 x 1.02^13) x min(sce_kwh x 0.995^13, 4,500) / 2 / 1.04^14
    data["finance"] = {"sce_decision_year": 2026}
    late = run(scenario_from_dict(data))
    kwh = min(summary(late)["sce_kwh"] * 0.995**13, 4500.0)
    year14 = (0.124 - 0.055 * 1.02**13) * kwh / 2 / 1.04**14
    gain = late.money.benefit_npv_eur - early.money.benefit_npv_eur
    assert gain["B1-M001"] == pytest.approx(year14) and gain["B1-M002"] == pytest.approx(year14)
    # a decision after the first operating year is refused
    data["finance"] = {"sce_decision_year": 2026}
    data["tariff_year"] = 2025
    data["year"] = 2025
    with pytest.raises(ScenarioError, match="finance.sce_decision_year: expected at most"):
        run(scenario_from_dict(data))


def test_members_npv_counts_what_they_paid_for_their_certificates() -> None:
    data = _sce()
    data["buildings"][0]["members"]["certificates"] = [1.0, 3.0]
    free = run(scenario_from_dict(data))
    data["finance"] = {"certificate_price_eur": 250.0}
    paid = run(scenario_from_dict(data))
    # members paid 250 x 1 and 250 x 3 in year 0 (not discounted); the cooperative owner
    # received 250 x 4 = 1,000 then: its NPV is 1,000 higher, year 1 unchanged
    delta = paid.money.benefit_npv_eur - free.money.benefit_npv_eur
    assert delta["B1-M001"] == pytest.approx(-250.0) and delta["B1-M002"] == pytest.approx(-750.0)
    assert (paid.money.benefit_eur == free.money.benefit_eur).all()
    npv = paid.accounts.stakeholders.npv_eur - free.accounts.stakeholders.npv_eur
    assert npv["Coop"] == pytest.approx(1000.0)
    flows = paid.accounts.cashflows.set_index("year")
    assert flows.loc[0, "certificates_eur"] == 1000.0
    assert "certificate_price_eur" not in {a["figure"] for a in summary(paid)["assumptions"]}


def test_large_common_connection_by_hand() -> None:
    # 2026: a small connection nets its feed-in (import price), a large one never does
    # and pays its grid operator's capacity tariff. Rotterdam lies in Zuid-Holland, whose
    # main operator is Stedin; 60 kW contracted is Stedin's category MS/LS (50-150 kW).
    # Stedin 2026, excl. VAT: fixed 441.00 (vastrecht transportdienst) + 171.84
    # (periodieke aansluitvergoeding up to 175 kVA) = 612.84; 47.169 per kW contracted:
    # 60 x 47.169 = 2,830.14; 3.0966 per kW of each month's peak; 0.0198 per kWh.
    # Bill = (612.84 + 2,830.14 + sum_m peak_m x 3.0966 + 0.0198 x kWh) x 1.21, no rebate
    data = minimal(year=2026)
    data["site"]["municipality"] = "Rotterdam"
    data["buildings"][0]["common"] = {"lighting_kwh_per_yr": 3000.0, "connection": "large"}
    r = run(scenario_from_dict(data))
    t, b = r.tariffs, r.buildings.loc["B1"]
    c = participants_table(r).set_index("participant_id").loc["B1-common"]
    cons = r.consumption_kwh["B1-common"]
    recv = r.received_kwh["B1-common"]
    month = cons.index.month
    peaks_without = (cons.groupby(month).max() / 1.0).sum()  # hourly run: kWh = kW
    peaks_with = ((cons - recv).clip(lower=0).groupby(month).max()).sum()
    assert b.common_monthly_peaks_without_kw == pytest.approx(peaks_without)
    assert b.common_monthly_peaks_with_kw == pytest.approx(peaks_with)

    def bill(kwh: float, peaks: float) -> float:
        variable = (0.115 + 0.0916) * kwh * 1.21
        network = (612.84 + 2830.14 + peaks * 3.0966 + 0.0198 * kwh) * 1.21
        return variable + network

    saving = bill(c.consumption_kwh, peaks_without) - bill(c.grid_import_kwh, peaks_with)
    assert r.money.loc["B1-common", "bill_without_eur"] == pytest.approx(
        bill(c.consumption_kwh, peaks_without)
    )
    # the common row's saving: own use + export at the feed-in compensation (owners get
    # the export value by default, so the service costs get the own-use saving only)
    assert r.money.loc["B1-common", "passed_to_service_costs_eur"] == pytest.approx(saving)
    export_value = r.accounts.scheme["owners_export_value_eur"]
    assert export_value == pytest.approx(
        b.common_export_kwh * t.feed_in_compensation_excl_vat_eur_per_kwh
    )
    assert t.net_metering  # 2026: a small connection would have netted it
    # the run names the operator's figures and how the operator was found
    records = {a["figure"]: a for a in summary(r)["assumptions"]}
    fixed = records["large_network_fixed_excl_vat_eur_per_yr"]
    assert (fixed["value"], fixed["party"], fixed["status"]) == (612.84, "Stedin", "published")
    assert "main operator of Zuid-Holland, where Rotterdam lies" in fixed["source"]


def test_too_much_inverter_power_for_a_small_connection_is_said() -> None:
    data = minimal()
    data["buildings"][0]["arrays"][0]["capacity_kwp"] = 80.0
    r = run(scenario_from_dict(data))
    assert any("exceed a small connection" in m for m in r.messages)


def test_scenario_file_with_tariff_year_and_connection(tmp_path: Path) -> None:
    data = minimal(tariff_year=2028)
    data["buildings"][0]["common"]["connection"] = "large"
    s = load_scenario(write_scenario(tmp_path, data))
    assert s.rules_year == 2028 and s.buildings[0].common.connection == "large"


def test_every_tariff_figure_can_be_given_in_a_scenario() -> None:
    """A figure of the year's TariffSet that the scenario's ``[tariffs]`` lacks would be
    left out of ``scenario.resolved.json``; a ``[tariffs]`` field the TariffSet lacks would
    drop the user's figure. Both name the same figures (the scenario also names the file of
    dynamic prices, and its reading of energy tax on shared kWh, which the money reads from
    the scenario: a rule, not a figure)."""
    from energysim.config.tariffs import TariffSet

    figures = set(TariffSet.__dataclass_fields__) - {"year", "estimates"}
    assert figures == set(Tariffs.model_fields) - {"supply_price_csv", "shared_energy_tax"}


# --------------------------------------------------------------------------- 6. energy tax, fees
# explicit figures, so that the hand calculations hold whatever the data file says
FIGURES = {
    "supply_price_excl_vat_eur_per_kwh": 0.115,
    "energy_tax_excl_vat_eur_per_kwh": 0.0916,
    "energy_tax_bracket2_excl_vat_eur_per_kwh": 0.06937,
    "bracket1_limit_kwh": 10_000.0,
    "vat_frac": 0.21,
    "feed_in_compensation_excl_vat_eur_per_kwh": 0.0575,
    "feed_in_cost_incl_vat_eur_per_kwh": 0.0,
}


def _noon_roof(tmp_path: Path, **changes) -> dict:  # noqa: ANN003
    """2027, hourly: the roof gives 4.0 kWh at 12:00 every day (365 h) and the common
    connection uses 4.0 kWh then and 1.5 kWh in each of the other 8,395 hours: 14,052.5
    kWh, 1,460 of them from its roof behind its meter. Dwellings use 0.2 kWh an hour."""
    from tests.helpers import write_measured_csv, year_frame

    cons = year_frame(2027, 60, {"B1-common": 1.5} | {p: 0.2 for p in _HOUSEHOLDS})
    noon = cons.index.hour == 12
    cons.loc[noon, "B1-common"] = 4.0
    gen = year_frame(2027, 60, {"roof": 0.0})
    gen.loc[noon, "roof"] = 4.0
    write_measured_csv(tmp_path / "generation.csv", gen)
    write_measured_csv(tmp_path / "consumption.csv", cons)
    data = minimal(year=2027, generation_csv="generation.csv", consumption_csv="consumption.csv")
    data["tariffs"] = dict(FIGURES)
    data.update(changes)
    return data


_HOUSEHOLDS = ("B1-T001", "B1-T002", "B1-T003", "B1-M001", "B1-M002")


def test_common_connection_above_the_bracket_and_its_roof_bought_per_kwh(tmp_path: Path) -> None:
    # Without the scheme the common connection's meter records 14,052.5 kWh, with it
    # 12,592.5: both in bracket 2, so its 1,460 kWh behind the meter save the bracket-2 tax:
    # (1,460 x 0.115 + 1,460 x 0.06937) x 1.21 = 269.1802 x 1.21 = 325.71 a year, passed to
    # the 3 dwellings' service costs (108.57 each).
    path = write_scenario(tmp_path, _noon_roof(tmp_path))
    r = run(load_scenario(path))
    table = participants_table(r).set_index("participant_id")
    assert table.loc["B1-common", "metered_offtake_kwh"] == pytest.approx(12_592.5)
    assert round(table.loc["B1-common", "passed_to_service_costs_eur"], 2) == 325.71
    assert round(table.loc["B1-T003", "service_cost_saving_eur"], 2) == 108.57
    # A price of 0.05 EUR/kWh to the owners makes those kWh a supply (Wbm art. 50 lid 4-5):
    # energy tax on top of the 12,592.5 taxed kWh, all bracket 2, with VAT:
    # 1,460 x 0.06937 x 1.21 = 122.55; the fee 1,460 x 0.05 = 73.00. The service costs get
    # the saving at actual cost: 325.71 - 122.55 - 73.00 = 130.16 (43.39 per dwelling)
    data = _noon_roof(tmp_path)
    data["finance"] = {"common_fee_eur_per_kwh": 0.05}
    r = run(load_scenario(write_scenario(tmp_path, data)))
    common = r.money.loc["B1-common"]
    assert round(r.accounts.scheme["common_fee_energy_tax_eur"], 2) == 122.55
    assert round(common.fees_eur, 2) == 73.00
    assert round(common.passed_to_service_costs_eur, 2) == 130.16
    assert round(r.money.loc["B1-T003", "service_cost_saving_eur"], 2) == 43.39
    assert r.accounts.scheme["common_fees_eur"] == pytest.approx(73.0)  # owners: the fee only
    assert any(m.code == "common_fee_energy_tax" for m in r.messages)
    # the what-if 'exempt' leaves the fee untaxed: 325.71 - 73.00 = 252.71
    data["tariffs"]["shared_energy_tax"] = "exempt"
    r = run(load_scenario(write_scenario(tmp_path, data)))
    assert round(r.money.loc["B1-common", "passed_to_service_costs_eur"], 2) == 252.71


def test_the_default_example_with_energy_tax_on_shared_kwh() -> None:
    """Members' mean benefit about EUR 123 -> 64, tenants' about EUR 133 -> 108 on the
    default example (2027, 15-minute run; this test runs hourly, within a euro of them).
    Those figures were taken without the 2027 feed-in costs, which lower the tenants' own
    strings' feed-in value: they are set to 0 here to isolate the energy tax."""
    path = REPO / "scenarios" / "rotterdam-galerijflat.toml"
    scenario = load_scenario(path).model_copy(update={"time_step_min": 60})
    no_feed_in_costs = scenario.tariffs.model_copy(
        update={"feed_in_cost_incl_vat_eur_per_kwh": 0.0}
    )
    scenario = scenario.model_copy(update={"tariffs": no_feed_in_costs})
    charged = run(scenario)
    tariffs = scenario.tariffs.model_copy(update={"shared_energy_tax": "exempt"})
    exempt = run(scenario.model_copy(update={"tariffs": tariffs}))
    t = charged.tariffs
    table = participants_table(charged).set_index("participant_id")
    households = table.role != "common"
    # 2027, no netting, everybody in bracket 1: each shared kWh keeps 0.0916 x 1.21 =
    # 0.110836 EUR of energy tax on its recipient's bill
    lost = exempt.money.benefit_eur - charged.money.benefit_eur
    tax = t.energy_tax_excl_vat_eur_per_kwh * (1 + t.vat_frac)
    np.testing.assert_allclose(lost[households], table.shared_kwh[households] * tax, atol=1e-9)
    s_charged, s_exempt = summary(charged), summary(exempt)
    mean = {
        (who, reading): s["household_benefit_eur"][who]["mean_eur"]
        for reading, s in (("charged", s_charged), ("exempt", s_exempt))
        for who in ("tenant", "member")
    }
    assert mean["member", "exempt"] == pytest.approx(123, abs=1.0)
    assert mean["member", "charged"] == pytest.approx(64, abs=1.0)
    assert mean["tenant", "exempt"] == pytest.approx(133, abs=2.0)
    assert mean["tenant", "charged"] == pytest.approx(108, abs=1.0)
    # the run says which reading it used, with its source
    record = {a["figure"]: a for a in s_charged["assumptions"]}[
        "shared_energy_tax_excl_vat_eur_per_kwh"
    ]
    assert record["value"] == t.energy_tax_excl_vat_eur_per_kwh and "art. 50" in record["source"]
    assert record["status"] == "reading"
    what_if = {a["figure"]: a for a in s_exempt["assumptions"]}
    assert what_if["shared_energy_tax_excl_vat_eur_per_kwh"]["value"] == 0.0
    assert "what-if" in what_if["shared_energy_tax_excl_vat_eur_per_kwh"]["source"]
    codes = {getattr(m, "code", None) for m in charged.messages}
    assert "shared_energy_tax_charged" in codes
    estimated = next(m for m in charged.messages if getattr(m, "code", None) == "estimated_figures")
    assert "shared_energy_tax_excl_vat_eur_per_kwh" not in estimated  # a reading, not an estimate
    assert "shared_energy_tax_exempt" in {getattr(m, "code", None) for m in exempt.messages}


def test_a_dynamic_contract_values_the_common_export_per_interval(tmp_path: Path) -> None:
    # The roof of _noon_roof gives 6.0 kWh at noon on 1 and 2 June only; the common
    # connection uses 4.0 then, and the 2 participating tenants and 2 members 0.2 each
    # (T003 does not take part), so 6.0 - 4.0 - 4 x 0.2 = 1.2 kWh is fed in each of those
    # hours. The price is 0.10 EUR/kWh, except -0.20 at noon on 1 June. Owners' export
    # value (2027, no netting): each fed-in kWh at its hour's price:
    # 1.2 x -0.20 + 1.2 x 0.10 = -0.24 + 0.12 = -0.12 EUR (flat: 2.4 x 0.0575 = 0.138).
    from tests.helpers import write_measured_csv, year_frame

    data = _noon_roof(tmp_path)
    gen = year_frame(2027, 60, {"roof": 0.0})
    days = [pd.Timestamp(f"2027-06-0{d} 12:00", tz="Europe/Amsterdam") for d in (1, 2)]
    gen.loc[days, "roof"] = 6.0
    write_measured_csv(tmp_path / "generation.csv", gen)
    price = year_frame(2027, 60, {"supply_price_excl_vat_eur_per_kwh": 0.10})
    price.loc[days[0], "supply_price_excl_vat_eur_per_kwh"] = -0.20
    write_measured_csv(tmp_path / "price.csv", price)
    r = run(load_scenario(write_scenario(tmp_path, data)))
    assert r.buildings.loc["B1", "common_export_kwh"] == pytest.approx(2.4)
    assert r.accounts.scheme["owners_export_value_eur"] == pytest.approx(0.138)
    data["tariffs"]["supply_price_csv"] = "price.csv"
    r = run(load_scenario(write_scenario(tmp_path, data)))
    assert r.accounts.scheme["owners_export_value_eur"] == pytest.approx(-0.12)
    record = {a["figure"]: a for a in summary(r)["assumptions"]}["dynamic_feed_in_price_frac"]
    assert record["value"] == 1.0 and "Frank Energie" in record["source"]
    # a reading has a note of its own, not a place among the estimated figures
    notes = {getattr(m, "code", None): m for m in r.messages}
    assert "dynamic_feed_in" in notes
    assert "dynamic_feed_in_price_frac" not in notes["estimated_figures"].params["figures"]


# --------------------------------------------------------------------------- 7. VAT of the owners
TWO_OWNERS = [
    {"owner": "Corp", "owner_type": "housing_corporation", "share_frac": 0.5},
    {"owner": "Coop", "owner_type": "resident_cooperative", "share_frac": 0.5},
]


def test_each_owner_pays_vat_as_its_regime_says() -> None:
    # 2027, 5 kWp at EUR 750/kWp and EUR 15/kWp a year, a panel fee of EUR 30 from each of
    # the 2 participating tenants (EUR 60, incl. VAT). Corp (housing corporation, exempt
    # by default) and Coop (cooperative, taxable by default) own half each.
    data = minimal(year=2027, ownership=TWO_OWNERS)
    data["finance"] = {"panel_fee_eur_per_yr": 30.0}
    r = run(scenario_from_dict(data))
    st, scheme = r.accounts.stakeholders, r.accounts.scheme
    export = scheme["owners_export_value_eur"]
    assert list(st.vat) == ["exempt", "taxable"]
    # investment: 0.5 x 5 x 750 = 1,875 each; the exempt one pays the VAT on supplying
    # and installing panels on dwellings, 0% since 2023: 1,875 x 1.00
    assert st.capex_eur.tolist() == pytest.approx([1875.0, 1875.0])
    # running costs 0.5 x 75 = 37.50 each; exempt: x 1.21 = 45.375
    assert st.opex_year1_eur.tolist() == pytest.approx([45.375, 37.50])
    # fees: exempt keeps its EUR 30 as received; taxable remits 21/121: 30 / 1.21 = 24.79
    assert st.revenue_year1_eur["Corp"] == pytest.approx(0.5 * export + 30.0)
    assert st.revenue_year1_eur["Coop"] == pytest.approx(0.5 * export + 30.0 / 1.21)
    assert scheme["output_vat_eur"] == pytest.approx(30.0 * 0.21 / 1.21)  # 5.21
    assert scheme["input_vat_eur"] == pytest.approx(37.50 * 0.21)  # 7.875
    # inverter replacement in year 13: 0.5 x 5 x 100 = 250, x 1.02^12 = 317.06, exempt x 1.21
    flows = r.accounts.cashflows.set_index(["owner", "year"])
    assert flows.loc[("Corp", 13), "replacement_eur"] == pytest.approx(250 * 1.02**12 * 1.21)
    assert flows.loc[("Coop", 13), "replacement_eur"] == pytest.approx(250 * 1.02**12)
    # the defaults are readings of the law: each said, with its source
    records = {a["figure"]: a for a in summary(r)["assumptions"]}
    assert records["Corp.owner_cost_vat_frac"]["value"] == 0.21
    assert "BDO, 5 April 2019" in records["Corp.owner_cost_vat_frac"]["source"]
    assert records["Coop.owner_cost_vat_frac"]["value"] == 0.0
    assert records["solar_installation_vat_frac"]["from_year"] == 2023
    # sales of electricity count excl. VAT for both regimes (0.5 x export each, above):
    # a reading (the seller of its installation's output is a taxable person for it)
    sales = records["owner_sales_vat_kept_frac"]
    assert sales["value"] == 0.0 and sales["status"] == "reading"
    assert "C-219/12" in sales["source"]
    note = next(m for m in r.messages if getattr(m, "code", None) == "estimated_figures")
    assert "owner_sales_vat_kept_frac" not in note.params["figures"]
    # a corporation letting the panels as a separate taxable service (vat = "taxable")
    data["ownership"][0]["vat"] = "taxable"
    taxable = run(scenario_from_dict(data)).accounts
    assert taxable.stakeholders.opex_year1_eur["Corp"] == pytest.approx(37.50)
    assert "Corp.owner_cost_vat_frac" not in {a["figure"] for a in taxable.assumptions}


def test_huurcommissie_limit_counts_the_vat_an_exempt_owner_paid(monkeypatch) -> None:
    from energysim.config.tariffs import Figure
    from energysim.money import owner_vat
    from energysim.money.service_costs import panel_fee_limits_eur_per_yr

    # the default example: 30 kWp of strings at EUR 700/kWp for 60 tenants: EUR 350 per
    # dwelling; panels on dwellings carry 0% VAT since 2023: 10% = 35.00, 6% = 21.00
    scenario = load_scenario(REPO / "scenarios" / "rotterdam-galerijflat.toml")
    assert panel_fee_limits_eur_per_yr(scenario)["GF1"] == pytest.approx((35.0, 21.0))
    # bought at 21% VAT (before 2023): the 60% exempt corporation could not deduct its
    # VAT, the taxable cooperative could: 350 x (1 + 0.21 x 0.6) = 394.10 -> 39.41, 23.65
    rate = Figure("solar_installation_vat_frac", 2027, 0.21, "-", "none", "published", "t", 2022)
    monkeypatch.setattr(owner_vat, "installation_vat", lambda s: rate)
    first, after = panel_fee_limits_eur_per_yr(scenario)["GF1"]
    assert (first, after) == (pytest.approx(39.41), pytest.approx(23.646))
