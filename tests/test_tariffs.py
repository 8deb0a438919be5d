"""Tariffs per year: defaults from domain.md section 4, overrides, legal floor."""

from __future__ import annotations

import pytest

from energysim.config.tariffs import resolve_tariffs
from energysim.core.errors import ScenarioError


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
