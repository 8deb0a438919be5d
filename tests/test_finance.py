"""Bills: brackets, net metering, feed-in; hand-computed."""

from __future__ import annotations

import numpy as np
import pytest

from energysim.config.tariffs import resolve_tariffs
from energysim.money import finance


def test_energy_tax_brackets() -> None:
    t = resolve_tariffs(2025, {})
    # 12,000 kWh: 10,000 * 0.10154 + 2,000 * 0.06937 = 1015.40 + 138.74 = 1154.14
    assert float(finance.energy_tax_eur(12_000.0, t)) == pytest.approx(1154.14)


def test_net_metering_nets_feed_in_against_import() -> None:
    t26 = resolve_tariffs(2026, {})
    t27 = resolve_tariffs(2027, {})
    # 2,000 kWh import, 800 kWh fed in. 2026: billed 1,200, nothing left to compensate.
    billed, comp = finance.settle_feed_in(2000.0, 800.0, t26)
    assert (float(billed), float(comp)) == (1200.0, 0.0)
    # 2027: no netting; all 800 kWh compensated at the feed-in price.
    billed, comp = finance.settle_feed_in(2000.0, 800.0, t27)
    assert (float(billed), float(comp)) == (2000.0, 800.0)


def test_bill_difference_is_avoided_import_at_the_import_price() -> None:
    t = resolve_tariffs(2027, {})
    without = finance.connection_bill_eur(2500.0, 0.0, t)
    with_scheme = finance.connection_bill_eur(1700.0, 0.0, t)
    assert float(without - with_scheme) == pytest.approx(800 * t.import_price_eur_per_kwh)


def test_feed_in_costs_and_compensation() -> None:
    t = resolve_tariffs(
        2027,
        {
            "feed_in_cost_incl_vat_eur_per_kwh": 0.1,
            "feed_in_compensation_excl_vat_eur_per_kwh": 0.06,
        },
    )
    base = finance.connection_bill_eur(1000.0, 0.0, t)
    fed = finance.connection_bill_eur(1000.0, 500.0, t)
    # 500 kWh fed in: -500 * 0.06 + 500 * 0.10 = +20 EUR
    assert float(fed - base) == pytest.approx(20.0)


def test_split_by_key_adds_up() -> None:
    parts = finance.split_by_key(100.0, np.array([50.0, 70.0, 80.0]))
    assert parts.sum() == pytest.approx(100.0)
    assert parts[0] == pytest.approx(25.0)


# explicit figures, so that the hand calculations below hold whatever the data file says
FIGURES = {
    "supply_price_excl_vat_eur_per_kwh": 0.115,
    "energy_tax_excl_vat_eur_per_kwh": 0.0916,
    "energy_tax_bracket2_excl_vat_eur_per_kwh": 0.06937,
    "bracket1_limit_kwh": 10_000.0,
    "vat_frac": 0.21,
    "tax_rebate_excl_vat_eur_per_yr": 519.80,
    "network_charge_incl_vat_eur_per_yr": 440.0,
    "feed_in_compensation_excl_vat_eur_per_kwh": 0.0575,
    "feed_in_cost_incl_vat_eur_per_kwh": 0.0,
}


def test_shared_kwh_carry_energy_tax_across_a_bracket() -> None:
    # A member (own connection) uses 12,000 kWh; 3,000 kWh are shared to it over the grid.
    # Its meter records all 12,000 kWh taken from the grid (Wbm art. 50 lid 1): energy tax
    # by bracket on 12,000 = 10,000 x 0.0916 + 2,000 x 0.06937 = 916.00 + 138.74 = 1,054.74
    # with and without the scheme; the supply price on 12,000 - 3,000 = 9,000 kWh only.
    # Saving: 3,000 x 0.115 x 1.21 = 417.45 (the supply price with VAT; no tax saved).
    t = resolve_tariffs(2027, FIGURES)
    assert float(finance.taxed_offtake_kwh(12_000.0, 0.0, t)) == 12_000.0
    assert float(finance.energy_tax_eur(12_000.0, t)) == pytest.approx(1054.74, abs=0.005)
    without = float(finance.connection_bill_eur(12_000.0, 0.0, t))
    with_scheme = float(finance.connection_bill_eur(12_000.0, 0.0, t, shared_kwh=3000.0))
    assert round(without - with_scheme, 2) == 417.45
    # The what-if 'exempt' also drops the tax of the top 3,000 kWh: 2,000 in bracket 2 and
    # 1,000 in bracket 1: (345.00 + 2,000 x 0.06937 + 1,000 x 0.0916) x 1.21
    # = (345.00 + 138.74 + 91.60) x 1.21 = 575.34 x 1.21 = 696.16
    exempt = float(
        finance.connection_bill_eur(12_000.0, 0.0, t, shared_kwh=3000.0, untaxed_kwh=3000.0)
    )
    assert round(without - exempt, 2) == 696.16


def test_a_common_connection_above_the_bracket_saves_the_top_kwh_behind_its_meter() -> None:
    # The common connection uses 14,052.5 kWh; 1,460 kWh of its roof it uses behind its
    # meter, so the meter records 12,592.5 kWh. Both bills reach bracket 2, so the kWh
    # behind the meter save the bracket-2 tax: (1,460 x 0.115 + 1,460 x 0.06937) x 1.21
    # = (167.90 + 101.2802) x 1.21 = 269.1802 x 1.21 = 325.708042 -> 325.71
    t = resolve_tariffs(2027, FIGURES)
    without = float(finance.connection_bill_eur(14_052.5, 0.0, t, rebate=False))
    with_scheme = float(finance.connection_bill_eur(12_592.5, 0.0, t, rebate=False))
    assert round(without - with_scheme, 2) == 325.71
    # Bought from the owners per kWh, those 1,460 kWh are a supply (Wbm art. 50 lid 4-5):
    # their tax sits on top of the 12,592.5 taxed kWh, all in bracket 2:
    # 1,460 x 0.06937 x 1.21 = 101.2802 x 1.21 = 122.549042 -> 122.55
    tax = float(finance.behind_meter_supply_tax_eur(12_592.5, 1460.0, t))
    assert round(tax, 2) == 122.55


def test_net_metering_nets_a_tenants_feed_in_against_its_offtake_for_the_tax() -> None:
    # 2026, a tenant: 2,500 kWh used, 600 of them from its own string behind its meter, 400
    # kWh of the string fed in, 500 kWh shared to it over the grid.
    # Metered offtake M = 2,500 - 600 = 1,900. Energy tax on M - min(400, 1,900) = 1,500;
    # the supply price on M - 500 - 400 = 1,000; nothing left to compensate.
    # With: (1,000 x 0.115 + 1,500 x 0.0916) x 1.21 = (115.00 + 137.40) x 1.21 = 305.404
    # Without: 2,500 x (0.115 + 0.0916) x 1.21 = 516.50 x 1.21 = 624.965
    # Saving 624.965 - 305.404 = 319.561 -> 319.56 (network charge and rebate cancel)
    t = resolve_tariffs(2026, FIGURES)
    assert t.net_metering
    assert float(finance.taxed_offtake_kwh(1900.0, 400.0, t)) == 1500.0
    without = float(finance.connection_bill_eur(2500.0, 0.0, t))
    with_scheme = float(finance.connection_bill_eur(1900.0, 400.0, t, shared_kwh=500.0))
    assert round(without - with_scheme, 2) == 319.56
    # untaxed (the what-if): tax on 1,400 - 400 = 1,000 instead of 1,500, i.e. 500 kWh x
    # 0.0916 x 1.21 = 55.418 more: 374.979 -> 374.98
    exempt = float(
        finance.connection_bill_eur(1900.0, 400.0, t, shared_kwh=500.0, untaxed_kwh=500.0)
    )
    assert round(without - exempt, 2) == 374.98
    # Feed-in beyond what the supplier delivers: 1,000 used, 300 from the string, 900 fed
    # in, 400 shared. M = 700: tax on 700 - min(900, 700) = 0; the supplier delivers
    # 700 - 400 = 300 and nets 300 of the feed-in; 600 kWh are paid 0.0575 = 34.50.
    # Bill: 0 - 34.50 + 440 - 519.80 x 1.21 = 405.50 - 628.958 = -223.458 -> -223.46
    bill = float(finance.connection_bill_eur(700.0, 900.0, t, shared_kwh=400.0))
    assert round(bill, 2) == -223.46


def test_a_dynamic_contract_pays_feed_in_at_the_interval_price() -> None:
    # 2027: 2,000 kWh taken, supply at the interval prices 230.00 EUR; 500 kWh fed in, 300 at
    # -0.05 and 200 at +0.05 EUR/kWh: worth -15.00 + 10.00 = -5.00 (negative prices cost).
    # Bill: (230.00 + 2,000 x 0.0916) x 1.21 + 5.00 + network - rebate
    #     = 413.20 x 1.21 + 5.00 + 440 - 628.958 = 499.972 + 5.00 - 188.958 = 316.014
    t27 = resolve_tariffs(2027, FIGURES)
    kw = {"supply_cost_eur": 230.0, "export_value_eur": -5.0}
    assert round(float(finance.connection_bill_eur(2000.0, 500.0, t27, **kw)), 2) == 316.01
    # 2026 (net metering): the supply is netted in money, 230.00 - (-5.00) = 235.00 with
    # VAT; the tax in kWh, on 2,000 - 500 = 1,500: (235.00 + 137.40) x 1.21 = 450.604;
    # bill 450.604 + 440 - 628.958 = 261.646 -> 261.65
    t26 = resolve_tariffs(2026, FIGURES)
    assert round(float(finance.connection_bill_eur(2000.0, 500.0, t26, **kw)), 2) == 261.65
    # feeding in more than was taken (in money) is paid as is, without VAT: supply 100.00,
    # feed-in worth 150.00 -> balance -50.00 paid; tax on max(0, 2,000 - 2,500) = 0
    # bill: -50.00 + 440 - 628.958 = -238.958 -> -238.96
    more = {"supply_cost_eur": 100.0, "export_value_eur": 150.0}
    assert round(float(finance.connection_bill_eur(2000.0, 2500.0, t26, **more)), 2) == -238.96
