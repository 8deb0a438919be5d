"""Tariffs per year: defaults from domain.md section 4, overrides, the legal floor's years,
suppliers' feed-in terms, large connections' network tariffs by grid operator.

Worked examples are computed by hand in the comments.
"""

from __future__ import annotations

import pytest

from energysim.config.buildings import CommonInstallations
from energysim.config.grid_operators import (
    DEFAULT_CONTRACTED_KW,
    LARGE_NETWORK_FIELDS,
    MAIN_OPERATORS,
    GridOperatorChoice,
    area_table,
    choose_grid_operator,
    large_network_tariff,
    operator_ids,
    operator_table,
)
from energysim.config.scenario import scenario_from_dict
from energysim.config.suppliers import supplier_ids, supplier_table, supplier_terms
from energysim.config.tariffs import FEED_IN_FLOOR_YEARS, resolve_tariffs
from energysim.core.errors import ScenarioError
from energysim.money import finance
from energysim.results.tables import summary
from energysim.simulate import run
from tests.helpers import minimal


def test_2026_defaults_and_import_price() -> None:
    t = resolve_tariffs(2026, {})
    assert t.energy_tax_excl_vat_eur_per_kwh == 0.09160
    assert t.tax_rebate_excl_vat_eur_per_yr == 519.80
    assert t.net_metering is True
    # selectra.nl gives EUR 0.11085 incl. VAT for 2026: 0.09160 * 1.21 = 0.110836
    assert t.energy_tax_excl_vat_eur_per_kwh * (1 + t.vat_frac) == pytest.approx(0.11085, abs=1e-4)
    assert t.import_price_eur_per_kwh == pytest.approx((0.115 + 0.0916) * 1.21)


def test_net_metering_ends_in_2027() -> None:
    assert resolve_tariffs(2025, {}).net_metering is True
    assert resolve_tariffs(2026, {}).net_metering is True
    assert resolve_tariffs(2027, {}).net_metering is False


def test_override_and_feed_in_follows_supply_price() -> None:
    t = resolve_tariffs(2027, {"supply_price_excl_vat_eur_per_kwh": 0.20, "vat_frac": None})
    assert t.supply_price_excl_vat_eur_per_kwh == 0.20
    assert t.feed_in_compensation_excl_vat_eur_per_kwh == pytest.approx(0.10)


def test_feed_in_below_legal_floor_is_an_error() -> None:
    with pytest.raises(
        ScenarioError, match="feed_in_compensation_excl_vat_eur_per_kwh: expected at least"
    ):
        resolve_tariffs(2028, {"feed_in_compensation_excl_vat_eur_per_kwh": 0.01})


def test_year_without_defaults_needs_every_field() -> None:
    with pytest.raises(ScenarioError, match="no default figures for 2021"):
        resolve_tariffs(2021, {})


# --------------------------------------------------------------------------- the floor's years
def test_the_feed_in_floor_runs_2027_to_2029() -> None:
    # Until 1 January 2030 (EK 36 611 nr. D): 2027, 2028 and 2029, not 2030.
    assert FEED_IN_FLOOR_YEARS == range(2027, 2030)
    # 2029: floor = 0.5 x 0.115 (the default bare supply price) = 0.0575 EUR/kWh
    with pytest.raises(ScenarioError, match="expected at least 0.05750 .* in 2029"):
        resolve_tariffs(2029, {"feed_in_compensation_excl_vat_eur_per_kwh": 0.05})
    assert resolve_tariffs(2029, {}).feed_in_compensation_excl_vat_eur_per_kwh == 0.0575
    # 2030: no floor any more, a compensation of 0.01 is the scenario's to give
    t = resolve_tariffs(2030, {"feed_in_compensation_excl_vat_eur_per_kwh": 0.01})
    assert t.feed_in_compensation_excl_vat_eur_per_kwh == 0.01


# --------------------------------------------------------------------------- feed-in costs
def test_2027_feed_in_costs_default_to_the_published_post_net_metering_figure() -> None:
    assert resolve_tariffs(2026, {}).feed_in_cost_incl_vat_eur_per_kwh == 0.0
    t = resolve_tariffs(2027, {})
    assert t.feed_in_cost_incl_vat_eur_per_kwh == 0.05184
    fig = next(f for f in t.estimates if f.figure == "feed_in_cost_incl_vat_eur_per_kwh")
    assert (fig.status, fig.from_year, fig.basis) == ("estimate", 2027, "")
    assert "Greenchoice" in fig.source and "ACM" in fig.source and "Essent" in fig.source
    later = next(
        f for f in resolve_tariffs(2028, {}).estimates if f.figure == fig.figure
    )  # carried forward
    assert (later.value, later.from_year) == (0.05184, 2027)
    # On the bill, 2027, 2,000 kWh imported: feeding in 1,000 kWh more earns the
    # compensation 1,000 x 0.0575 = 57.50 and costs 1,000 x 0.05184 = 51.84 (incl. VAT, as
    # is): the bill falls by 57.50 - 51.84 = 5.66 EUR
    with_feed_in = finance.connection_bill_eur(2000.0, 1000.0, t)
    without = finance.connection_bill_eur(2000.0, 0.0, t)
    assert float(without - with_feed_in) == pytest.approx(5.66, abs=0.005)


def test_a_named_supplier_replaces_the_feed_in_defaults() -> None:
    # Greenchoice from 1 January 2027: costs 0.05184 incl. VAT, compensation 0.05434 per
    # kWh fed in. With a bare supply price of 0.10868 the floor is 0.5 x 0.10868 =
    # 0.05434: the compensation stands. 1,000 kWh fed in: -54.34 + 51.84 = -2.50 EUR on
    # the bill, the "net 0.25 ct per kWh" tweakers.net reported.
    t = resolve_tariffs(
        2027, {"supplier": "greenchoice", "supply_price_excl_vat_eur_per_kwh": 0.10868}
    )
    assert t.supplier == "greenchoice"
    assert t.feed_in_cost_incl_vat_eur_per_kwh == 0.05184
    assert t.feed_in_compensation_excl_vat_eur_per_kwh == 0.05434
    gain = finance.connection_bill_eur(2000.0, 0.0, t) - finance.connection_bill_eur(
        2000.0, 1000.0, t
    )
    assert float(gain) == pytest.approx(2.50, abs=0.005)
    listed = {f.figure: f for f in t.estimates}
    for name in ("feed_in_cost_incl_vat_eur_per_kwh", "feed_in_compensation_excl_vat_eur_per_kwh"):
        f = listed[name]
        assert (f.basis, f.party, f.status, f.from_year) == (
            "supplier",
            "Greenchoice",
            "published",
            2027,
        )
        assert "tweakers.net nieuws 232734" in f.source and "2027-01-01" in f.source
        assert "Greenchoice's terms" in f.describe()
    assert listed["feed_in_cost_incl_vat_eur_per_kwh"].as_record()["basis"] == "supplier"


def test_a_suppliers_compensation_below_the_floor_is_raised_to_it() -> None:
    # default bare supply price 0.115: floor 0.0575 > Greenchoice's 0.05434, and the law
    # binds the supplier, so 0.0575 is paid (2027-2029); from 2030 the 0.05434 stands
    t = resolve_tariffs(2027, {"supplier": "greenchoice"})
    assert t.feed_in_compensation_excl_vat_eur_per_kwh == 0.0575
    fig = next(f for f in t.estimates if f.figure == "feed_in_compensation_excl_vat_eur_per_kwh")
    assert (fig.basis, fig.status) == ("floor", "estimate")
    assert "0.05434" in fig.source and "EK 36 611 nr. D" in fig.source
    later = resolve_tariffs(2030, {"supplier": "greenchoice"})
    assert later.feed_in_compensation_excl_vat_eur_per_kwh == 0.05434
    fig = next(
        f for f in later.estimates if f.figure == "feed_in_compensation_excl_vat_eur_per_kwh"
    )
    assert (fig.basis, fig.status, fig.from_year) == ("supplier", "estimate", 2027)
    assert "2027 carried forward" in fig.describe()


def test_terms_before_2027_and_the_scenarios_own_figures() -> None:
    # Eneco from June 2024: 0.115 per kWh fed in, 0.145 for what is fed in beyond the
    # year's consumption; in force on 1 January 2026, so carried forward: an estimate
    t = resolve_tariffs(2026, {"supplier": "eneco"})
    assert (t.feed_in_cost_incl_vat_eur_per_kwh, t.feed_in_compensation_excl_vat_eur_per_kwh) == (
        0.115,
        0.145,
    )
    assert {f.status for f in t.estimates if f.basis == "supplier"} == {"estimate"}
    # Greenchoice 2025: its 2024 costs; no compensation read: the year's default, 0.0575
    t = resolve_tariffs(2025, {"supplier": "greenchoice"})
    assert t.feed_in_cost_incl_vat_eur_per_kwh == 0.12705
    assert t.feed_in_compensation_excl_vat_eur_per_kwh == 0.0575
    # a figure the scenario gives itself wins and is not listed
    t = resolve_tariffs(
        2027, {"supplier": "greenchoice", "feed_in_cost_incl_vat_eur_per_kwh": 0.03}
    )
    assert t.feed_in_cost_incl_vat_eur_per_kwh == 0.03
    assert "feed_in_cost_incl_vat_eur_per_kwh" not in {f.figure for f in t.estimates}


def test_an_unknown_supplier_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ScenarioError, match="expected one of 'eneco', 'greenchoice', found 'x'"):
        resolve_tariffs(2027, {"supplier": "x"})
    data = minimal(tariffs={"supplier": "vattenfall"})
    with pytest.raises(
        ScenarioError,
        match="field 'tariffs.supplier': expected one of 'eneco', 'greenchoice', found "
        "'vattenfall'",
    ):
        scenario_from_dict(data)
    with pytest.raises(ScenarioError, match="'greenchoice' has no terms for 2024"):
        supplier_terms("greenchoice", 2024)


def test_a_run_names_the_suppliers_terms_in_its_assumptions() -> None:
    data = minimal(year=2027, tariffs={"supplier": "greenchoice"})
    s = summary(run(scenario_from_dict(data)))
    records = {a["figure"]: a for a in s["assumptions"]}
    cost = records["feed_in_cost_incl_vat_eur_per_kwh"]
    assert (cost["value"], cost["basis"], cost["party"]) == (0.05184, "supplier", "Greenchoice")
    assert records["feed_in_compensation_excl_vat_eur_per_kwh"]["basis"] == "floor"
    note = next(m for m in s["messages"] if m.startswith("estimated figures for 2027"))
    assert "feed_in_cost_incl_vat_eur_per_kwh = 0.05184 EUR/kWh fed in incl. VAT" in note
    assert "(Greenchoice's terms)" in note


def test_a_suppliers_monthly_bands_reach_the_bill(monkeypatch: pytest.MonkeyPatch) -> None:
    # No complete band table was found to ship (docs/finance.md), so this supplier is made
    # up for the test: bands of 250 kWh/yr at 0, 4.07, 8.13 and 12.18 EUR a month incl.
    # VAT (the last for 750 kWh and more), no per-kWh costs, compensation 0.06 per kWh.
    row = {
        "supplier": "bands_example",
        "name": "Bands Example",
        "contract": "variable",
        "valid_from": "2027-01-01",
        "feed_in_cost_incl_vat_eur_per_kwh": "",
        "feed_in_cost_bands_incl_vat_eur_per_month": "0;4.07;8.13;12.18",
        "feed_in_compensation_excl_vat_eur_per_kwh": "0.06",
        "source": "made up for a test",
        "read": "2026-12-07",
    }
    monkeypatch.setattr("energysim.config.suppliers.supplier_table", lambda: (row,))
    t = resolve_tariffs(2027, {"supplier": "bands_example"})
    assert t.feed_in_cost_bands_incl_vat_eur_per_month == (0.0, 4.07, 8.13, 12.18)
    assert t.feed_in_cost_incl_vat_eur_per_kwh == 0.0
    # 0.06 >= the floor 0.5 x 0.115 = 0.0575: it stands
    assert t.feed_in_compensation_excl_vat_eur_per_kwh == 0.06
    listed = {f.figure: f for f in t.estimates}
    bands = listed["feed_in_cost_bands_incl_vat_eur_per_month"]
    assert (bands.value, bands.basis, bands.status) == (12.18, "supplier", "published")
    assert "highest of 4 bands" in bands.unit
    # 2027, 2,000 kWh imported. 600 kWh fed in: band 600 // 250 = 2, 8.13 a month, 97.56 a
    # year; compensation 600 x 0.06 = 36.00: feeding in costs 97.56 - 36.00 = 61.56 EUR.
    # 1,000 kWh: the last band, 12.18 x 12 = 146.16, less 60.00 = 86.16 EUR.
    # 200 kWh: band 0, no fee; 12.00 EUR earned.
    base = finance.connection_bill_eur(2000.0, 0.0, t)
    for fed_in, extra in ((600.0, 61.56), (1000.0, 86.16), (200.0, -12.00)):
        cost = finance.connection_bill_eur(2000.0, fed_in, t) - base
        assert float(cost) == pytest.approx(extra, abs=0.005), fed_in


def test_the_supplier_data_file() -> None:
    rows = supplier_table()
    assert {r["supplier"] for r in rows} == set(supplier_ids()) == {"eneco", "greenchoice"}
    for r in rows:
        assert r["source"] and r["read"] and r["valid_from"]


# --------------------------------------------------------------------------- grid operators
@pytest.mark.parametrize(
    "municipality,operator",
    [
        ("Rotterdam", "stedin"),
        ("Den Haag", "stedin"),
        ("GM0599", "stedin"),
        ("Utrecht", "stedin"),
        ("Middelburg", "stedin"),
        ("Amsterdam", "liander"),
        ("Leeuwarden", "liander"),
        ("Almere", "liander"),
        ("Arnhem", "liander"),
        ("Eindhoven", "enexis"),
        ("Maastricht", "enexis"),
        ("Groningen", "enexis"),
        ("Enschede", "enexis"),
        ("Westland", "westland_infra"),
    ],
)
def test_the_grid_operator_follows_the_municipality(municipality: str, operator: str) -> None:
    choice = choose_grid_operator(None, municipality)
    assert (choice.operator, choice.named) == (operator, False)
    if operator != "westland_infra":
        assert "main operator of" in choice.how and "approximation" in choice.how


def test_a_named_grid_operator_wins_and_an_unknown_one_is_refused() -> None:
    choice = choose_grid_operator("liander", "Rotterdam")
    assert (choice.operator, choice.named) == ("liander", True)
    assert choose_grid_operator(None, None).operator is None
    assert choose_grid_operator(None, "Atlantis").operator is None
    with pytest.raises(ScenarioError, match="expected one of 'stedin', 'liander'"):
        choose_grid_operator("tennet", None)
    data = minimal()
    data["site"]["grid_operator"] = "tennet"
    with pytest.raises(ScenarioError, match="field 'site.grid_operator': expected one of"):
        scenario_from_dict(data)


STEDIN = GridOperatorChoice("stedin", "named in [site] grid_operator", named=True)


@pytest.mark.parametrize(
    "kw,category,figures",
    [
        # Stedin 2026 (ACM tariff sheet), excl. VAT: fixed = vastrecht transportdienst +
        # periodieke aansluitvergoeding > 3x80 A up to 175 kVA (171.84)
        (40.0, "LS", (18.00 + 171.84, 18.5799, 0.0, 0.0749)),
        (60.0, "MS/LS", (441.00 + 171.84, 47.169, 3.0966, 0.0198)),
        (150.0, "MS/LS", (441.00 + 171.84, 47.169, 3.0966, 0.0198)),
        (200.0, "MS", (441.00 + 1505.00, 24.2737, 3.0966, 0.0198)),
    ],
)
def test_the_network_tariff_follows_the_contracted_capacitys_category(
    kw: float, category: str, figures: tuple[float, ...]
) -> None:
    tariff = large_network_tariff(STEDIN, 2026, {"B1": kw})
    assert (tariff.category, tariff.status, tariff.from_year) == (category, "published", 2026)
    assert tuple(tariff.values[f] for f in LARGE_NETWORK_FIELDS) == pytest.approx(figures)


def test_one_run_has_one_network_tariff_category() -> None:
    with pytest.raises(
        ScenarioError, match=r"different tariff categories of Stedin \(A: LS, B: MS/LS\)"
    ):
        large_network_tariff(STEDIN, 2026, {"A": 40.0, "B": 60.0})
    with pytest.raises(ScenarioError, match="expected at most 1500 kW .* Stedin .* found 2000"):
        large_network_tariff(STEDIN, 2026, {"A": 2000.0})


def test_an_unknown_operator_takes_the_mean_of_the_three_large_ones() -> None:
    # MS/LS 2026 (60 kW): fixed (612.84 + 706.08 + 842.00) / 3 = 720.306667; contract
    # (47.169 + 44.88 + 49.26) / 3 = 47.103; peak (3.0966 + 3.57 + 3.66) / 3 = 3.4422;
    # per kWh (0.0198 + 0.0226 + 0.0247) / 3 = 0.022367
    t = resolve_tariffs(2026, {})
    assert t.large_network_fixed_excl_vat_eur_per_yr == pytest.approx(720.306667, abs=1e-6)
    assert t.large_network_contract_excl_vat_eur_per_kw_per_yr == pytest.approx(47.103)
    assert t.large_network_peak_excl_vat_eur_per_kw_per_month == pytest.approx(3.4422)
    assert t.large_network_transport_excl_vat_eur_per_kwh == pytest.approx(0.022367, abs=1e-6)
    listed = [f for f in t.estimates if f.figure in LARGE_NETWORK_FIELDS]
    assert len(listed) == 4 and {(f.basis, f.status) for f in listed} == {
        ("operator_unknown", "estimate")
    }


def test_which_network_tariff_figures_a_run_lists() -> None:
    named = resolve_tariffs(2026, {}, grid_operator=STEDIN)
    assert not [f for f in named.estimates if f.figure in LARGE_NETWORK_FIELDS]  # published
    derived = resolve_tariffs(2026, {}, grid_operator=choose_grid_operator(None, "Rotterdam"))
    listed = [f for f in derived.estimates if f.figure in LARGE_NETWORK_FIELDS]
    assert {(f.basis, f.party, f.status) for f in listed} == {
        ("grid_operator", "Stedin", "published")
    }
    assert "main operator of Zuid-Holland" in listed[0].source
    later = resolve_tariffs(2027, {}, grid_operator=STEDIN)  # 2026 carried forward
    listed = [f for f in later.estimates if f.figure in LARGE_NETWORK_FIELDS]
    assert {(f.status, f.from_year) for f in listed} == {("estimate", 2026)}
    assert later.large_network_fixed_excl_vat_eur_per_yr == 612.84
    # before an operator's first year (a scenario giving 2023's other figures itself):
    # its first year's figures, an estimate, not an error
    early = large_network_tariff(STEDIN, 2023, {})
    assert (early.from_year, early.status, early.category) == (2025, "estimate", "MS/LS")
    own = resolve_tariffs(2027, {"large_network_fixed_excl_vat_eur_per_yr": 500.0})
    assert own.large_network_fixed_excl_vat_eur_per_yr == 500.0
    assert "large_network_fixed_excl_vat_eur_per_yr" not in {f.figure for f in own.estimates}


def test_the_grid_operator_data_files() -> None:
    assert {"stedin", "liander", "enexis", "westland_infra"} == set(operator_ids())
    for operator in MAIN_OPERATORS:
        years = {r["year"] for r in operator_table() if r["operator"] == operator}
        assert {"2025", "2026"} <= years
    provinces = {r["area"] for r in area_table() if r["area_type"] == "province"}
    assert len(provinces) == 12  # every province has its main operator
    default = CommonInstallations.model_fields["contracted_capacity_kw"].default
    assert DEFAULT_CONTRACTED_KW == default


def test_as_dict_is_asdict_without_year_and_estimates() -> None:
    """TariffSet.as_dict gives what dataclasses.asdict gives (without ``year`` and
    ``estimates``), key order included: both rules years, with feed-in cost bands."""
    from dataclasses import asdict, replace

    from energysim.config.tariffs import resolve_tariffs

    for year in (2026, 2027):
        plain = resolve_tariffs(year, {})
        banded = replace(plain, feed_in_cost_bands_incl_vat_eur_per_month=(0.5, 1.5))
        for tariffs in (plain, banded):
            want = {k: v for k, v in asdict(tariffs).items() if k not in ("year", "estimates")}
            got = tariffs.as_dict()
            assert list(got) == list(want) and got == want
