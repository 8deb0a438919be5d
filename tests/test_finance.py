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
