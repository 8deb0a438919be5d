"""Money: the balance for every example and regime, worked examples, net metering."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from energysim.cli.main import main
from energysim.config.owner_types import DEFAULT_VAT_REGIME
from energysim.config.scenario import load_scenario, scenario_from_dict
from energysim.config.tariffs import resolve_tariffs
from energysim.money import business, subsidies
from energysim.money.finance import feed_in_cost_eur
from energysim.money.year_one import year_one_money
from energysim.results.tables import participants_table, summary
from energysim.simulate import run
from tests.helpers import minimal, write_measured_csv, write_scenario, year_frame

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((REPO / "scenarios").glob("*.toml"))


def energy_tax(kwh: float, t) -> float:
    """Hand formula: energy tax excl. VAT by bracket (10,000 kWh)."""
    first = min(kwh, t.bracket1_limit_kwh)
    rest = max(0.0, kwh - t.bracket1_limit_kwh)
    return (
        t.energy_tax_excl_vat_eur_per_kwh * first
        + t.energy_tax_bracket2_excl_vat_eur_per_kwh * rest
    )


def variable_cost(kwh: float, t) -> float:
    """Hand formula: (supply + bracketed energy tax) x (1 + VAT)."""
    return (t.supply_price_excl_vat_eur_per_kwh * kwh + energy_tax(kwh, t)) * (1 + t.vat_frac)


def bill_saving(
    row,
    t,
    *,
    metered: float,
    shared: float,
    export: float,
    untaxed: float,
    dynamic: float | None = None,
) -> float:
    """What a connection's electricity bill falls by with the scheme, by hand [EUR/yr].

    Without: all consumption at supply price and energy tax. With: energy tax on the
    metered offtake less the untaxed kWh and the netted own feed-in (2026); the supply
    price on the offtake less the shared kWh and the netted feed-in; the rest of the
    feed-in at the compensation (a dynamic contract: each kWh at its interval's price,
    netted in money while net metering lasts), feed-in costs per kWh fed in.
    """
    v, nm = 1 + t.vat_frac, t.net_metering
    supply_kwh = metered - shared
    taxed = metered - untaxed
    tax_with = energy_tax(taxed - (min(export, taxed) if nm else 0.0), t)
    sup = row.supply_cost_with_eur  # sum_t kWh_t x price_t of what the supplier delivers
    if dynamic is None:
        netted = min(export, supply_kwh) if nm else 0.0
        supply = sup * (supply_kwh - netted) / supply_kwh if supply_kwh > 0 else 0.0
        paid = (export - netted) * t.feed_in_compensation_excl_vat_eur_per_kwh
    elif nm:
        supply, paid = max(sup - dynamic, 0.0), max(dynamic - sup, 0.0)
    else:
        supply, paid = sup, dynamic
    without = (row.supply_cost_without_eur + energy_tax(row.consumption_kwh, t)) * v
    with_scheme = (supply + tax_with) * v - paid + export * t.feed_in_cost_incl_vat_eur_per_kwh
    return without - with_scheme


def untaxed_kwh(r, table) -> pd.Series:
    """Per household, the shared kWh its bill leaves without energy tax: all of them under
    the what-if 'exempt', else the shared battery's kWh whose tax nobody or the owners
    pay (``discharge_energy_tax_paid_by``)."""
    reading = r.scenario.tariffs.shared_energy_tax
    out = table["shared_kwh"] * (reading == "exempt")
    for b in r.scenario.buildings:
        if b.battery is None:
            continue
        payer = b.battery.energy_tax_payer(reading)
        mine = (table.building_id == b.id) & (table.role != "common")
        kwh = table["battery_kwh"].where(mine, 0.0)
        if reading == "charged" and payer != "households":
            out = out + kwh
        elif reading == "exempt" and payer == "households":
            out = out - kwh
    return out


def assert_money_balances(r) -> None:
    """Households' gains plus the owners' net running cash flow equal the connections'
    bill savings (a large common connection's also in transport per kWh and in the
    capacity charge of the monthly peaks its own use shaves), plus scheme revenue,
    subsidy and tax refunds, minus running costs.

    Since energy tax is due on kWh shared over the grid (Wbm art. 50; domain.md section
    4) a shared kWh saves its recipient the supply price only: its energy tax stays on
    the bill, and that of a common connection's roof power bought per kWh
    (``common_fee_energy_tax_eur``) is paid to the state: neither is a gain of anyone.
    Nor is the VAT that leaves the scheme: owners exempt from VAT (a housing corporation
    letting the panels with the dwelling) pay it on their running costs, taxable owners (a
    cooperative) remit it on the fees they receive (:func:`owners_vat_eur`).
    """
    t = r.tariffs
    table = participants_table(r).set_index("participant_id")
    annual = r.annual
    scheme = r.accounts.scheme
    dynamic = r.scenario.tariffs.supply_price_csv is not None
    untaxed = untaxed_kwh(r, table)
    building_of = {b.id: b for b in r.scenario.buildings}
    lhs = table["benefit_eur"].sum() + scheme["owners_net_running_eur"]
    rhs = 0.0
    for pid, row in table.iterrows():
        a = annual.loc[pid]
        if row.role == "common":  # its own use of the roof is behind its meter
            building = r.buildings.loc[row.building_id]
            value = building.common_export_value_eur if dynamic else None
            metered = row.consumption_kwh - row.shared_kwh
            large = building_of[row.building_id].common.connection == "large"
            # a large connection never nets its feed-in; it also saves transport per kWh
            # and the capacity charge of the monthly peaks its own use shaves
            regime = replace(t, net_metering=False) if large else t
            rhs += bill_saving(
                a,
                regime,
                metered=metered,
                shared=0.0,
                export=building.common_export_kwh,
                untaxed=0.0,
                dynamic=value,
            )
            if large:
                saved_kw = building.common_monthly_peaks_without_kw - (
                    building.common_monthly_peaks_with_kw
                )
                rhs += (1 + t.vat_frac) * (
                    row.shared_kwh * t.large_network_transport_excl_vat_eur_per_kwh
                    + saved_kw * t.large_network_peak_excl_vat_eur_per_kw_per_month
                )
        else:
            value = a.own_export_value_eur if dynamic else None
            rhs += bill_saving(
                a,
                t,
                metered=row.consumption_kwh - row.own_string_kwh,
                shared=row.shared_kwh,
                export=row.own_export_kwh,
                untaxed=untaxed[pid],
                dynamic=value,
            )
    rhs -= scheme["common_fee_energy_tax_eur"]
    rhs += scheme["scheme_market_revenue_eur"] + scheme["subsidy_eur"] + scheme["tax_refund_eur"]
    rhs -= scheme["opex_eur"]
    # VAT owners cannot deduct on costs or remit on fees leaves the scheme (owner_vat)
    rhs -= owners_vat_eur(r, table)
    assert lhs == pytest.approx(rhs, abs=1e-6)
    # and what households gain adds up to the summary's benefits by source
    s = summary(r)
    assert table["benefit_eur"].sum() == pytest.approx(sum(s["benefit_eur"].values()))


def owners_vat_eur(r, table: pd.DataFrame) -> float:  # noqa: ANN001
    """VAT that leaves the scheme in year 1, by hand from the scenario: an owner exempt
    from VAT pays it on its running costs (its share of the opex the members' scheme does
    not carry; the scheme's share when its cooperative is exempt), a taxable owner remits
    VAT / (1 + VAT) of its share of every fee households and the common connection pay."""
    v, fin = r.tariffs.vat_frac, r.scenario.finance
    fees = table["fees_eur"].sum()
    opex = scheme_opex = 0.0
    for b in r.scenario.buildings:
        row = r.buildings.loc[b.id]
        opex += b.capacity_kwp * fin.opex_eur_per_kwp_per_yr
        share = row.sce_kwh / row.generation_kwh if row.generation_kwh > 0 else 0.0
        scheme_opex += b.capacity_kwp * fin.opex_eur_per_kwp_per_yr * share
    vat = coop = coop_exempt = 0.0
    for o in r.scenario.ownership:
        exempt = (o.vat or DEFAULT_VAT_REGIME[o.owner_type]) == "exempt"
        vat += o.share_frac * ((opex - scheme_opex) * v if exempt else fees * v / (1 + v))
        if o.owner_type == "resident_cooperative":
            coop += o.share_frac
            coop_exempt += o.share_frac * exempt
    return vat + (scheme_opex * v * coop_exempt / coop if coop else 0.0)


def _uses_measured_data(path: Path) -> bool:
    scenario = load_scenario(path)
    return scenario.generation_csv is not None or scenario.consumption_csv is not None


# every example in both regimes; a measured example only in the year its CSV files cover
REGIME_CASES = [
    (p, y)
    for p in SCENARIOS
    for y in ((load_scenario(p).year,) if _uses_measured_data(p) else (2026, 2027))
]


def _sce_large_exempt_cooperative():  # noqa: ANN202
    """An SCE scheme on a large connection (own use subsidised too), its cooperative set
    VAT-exempt beside a taxable corporation, fees of every kind and paid certificates."""
    data = minimal(year=2026, time_step_min=60)
    data["ownership"] = [
        {"owner": "Coop", "owner_type": "resident_cooperative", "share_frac": 0.7, "vat": "exempt"},
        {"owner": "Corp", "owner_type": "housing_corporation", "share_frac": 0.3, "vat": "taxable"},
    ]
    data["allocation"] = {"order": ["common", "tenants", "members"], "members": {"mode": "sce"}}
    data["buildings"][0]["common"] = {"ventilation_kwh_per_yr": 2000.0, "connection": "large"}
    data["finance"] = {
        "panel_fee_eur_per_yr": 20.0,
        "tenant_sharing_fee_eur_per_kwh": 0.03,
        "common_fee_eur_per_kwh": 0.05,
        "certificate_price_eur": 200.0,
    }
    return scenario_from_dict(data)


@pytest.fixture(
    scope="module",
    params=[*REGIME_CASES, (None, 2026)],
    ids=lambda py: f"{py[0].stem if py[0] else 'sce-large-exempt-cooperative'}-{py[1]}",
)
def regime_run(request):
    path, year = request.param
    if path is None:
        return run(_sce_large_exempt_cooperative())
    scenario = load_scenario(path)
    updates = {"year": year} if _uses_measured_data(path) else {"year": year, "time_step_min": 60}
    return run(scenario.model_copy(update=updates))


def test_money_balances(regime_run) -> None:
    assert_money_balances(regime_run)


def test_postcoderoos_worked_example() -> None:
    # HIER opgewekt: 20 members, 50,000 kWh, tax EUR 0.1007 -> EUR 251.75 each, 304.62 incl. VAT
    excl, incl = subsidies.postcoderoos_refund_eur(
        np.full(20, 50_000 / 20), np.full(20, 3000.0), 0.1007
    )
    assert excl == pytest.approx(np.full(20, 251.75))
    assert np.round(incl, 2) == pytest.approx(np.full(20, 304.62))
    # capped at the member's consumption
    excl, _ = subsidies.postcoderoos_refund_eur([2500.0], [1000.0], 0.1007)
    assert excl[0] == pytest.approx(100.70)


def test_certificate_with_a_ten_year_payback() -> None:
    # Opgewekt Houten: EUR 300 per certificate -> 300 kWh/yr, EUR 30/yr
    flows = np.r_[-300.0, np.full(15, 30.0)]
    assert business.simple_payback_yr(flows) == pytest.approx(10.0)


def test_npv_and_irr_by_hand() -> None:
    flows = np.array([-1000.0, 300.0, 400.0, 500.0])
    # NPV at 5%: -1000 + 300/1.05 + 400/1.05^2 + 500/1.05^3 = -1000 + 285.714 + 362.812 + 431.919
    assert business.npv_eur(flows, 0.05) == pytest.approx(80.4449, abs=1e-3)
    # IRR: root x = 1/(1+r) of -1000 + 300x + 400x^2 + 500x^3 = 0 in (0, 1)
    roots = np.roots([500.0, 400.0, 300.0, -1000.0])
    x = next(v.real for v in roots if abs(v.imag) < 1e-12 and 0 < v.real < 1)
    assert business.irr_frac(flows) == pytest.approx(1 / x - 1, abs=1e-9)
    assert business.irr_frac([100.0, 100.0]) is None
    assert business.simple_payback_yr([-100.0, 10.0]) is None


def test_sce_subsidy_rule() -> None:
    assert subsidies.sce_subsidy_eur_per_kwh(0.124, 0.09, 0.05) == pytest.approx(0.034)
    assert subsidies.sce_subsidy_eur_per_kwh(0.124, 0.03, 0.05) == pytest.approx(0.074)  # floor
    assert subsidies.sce_subsidy_eur_per_kwh(0.124, 0.15, 0.05) == 0.0  # never negative
    assert subsidies.sce_subsidised_kwh(60_000.0, 50.0, "small") == 45_000.0  # 50 kWp x 900 h
    assert subsidies.sce_subsidised_kwh(60_000.0, 50.0, "large") == 40_000.0


COOPERATIVE = [{"owner": "Coop", "owner_type": "resident_cooperative", "share_frac": 1.0}]


def test_sce_run_pays_subsidy_until_it_lapses() -> None:
    # small connection: the SCE needs 100% feed-in, so the members' tier comes first
    data = minimal(year=2026, ownership=COOPERATIVE)
    data["allocation"] = {"order": ["members", "common", "tenants"], "members": {"mode": "sce"}}
    s26 = summary(run(scenario_from_dict(data)))
    data["year"] = 2027
    s27 = summary(run(scenario_from_dict(data)))
    assert s26["scheme_eur"]["subsidy_eur"] > 0
    assert s27["scheme_eur"]["subsidy_eur"] == 0.0  # the regulation lapsed 1 April 2026
    data["finance"] = {"sce_available": True}
    assert summary(run(scenario_from_dict(data)))["scheme_eur"]["subsidy_eur"] > 0


def test_postcoderoos_mode_refunds_tax_to_members() -> None:
    data = minimal(year=2027, ownership=COOPERATIVE)
    data["allocation"] = {"members": {"mode": "postcoderoos"}}
    r = run(scenario_from_dict(data))
    table = participants_table(r).set_index("participant_id")
    sce = r.buildings.loc["B1", "sce_kwh"]
    t = r.tariffs
    # equal certificates: each member's share is half the fed-in energy, capped at use
    share = min(sce / 2, table.loc["B1-M001", "consumption_kwh"])
    assert table.loc["B1-M001", "tax_refund_eur"] == pytest.approx(
        share * t.energy_tax_excl_vat_eur_per_kwh * 1.21
    )


def test_net_metering_hits_own_strings_not_shared_kwh() -> None:
    scenario = load_scenario(REPO / "scenarios" / "rotterdam-galerijflat.toml").model_copy(
        update={"year": 2026, "time_step_min": 60}
    )
    r = run(scenario)
    t26 = r.tariffs
    t27 = replace(t26, net_metering=False)  # same kWh, same prices; only the regime changes
    annual = participants_table(r).set_index("participant_id")
    annual["supply_cost_without_eur"] = (
        annual.consumption_kwh * t26.supply_price_excl_vat_eur_per_kwh
    )
    annual["supply_cost_with_eur"] = annual.grid_import_kwh * t26.supply_price_excl_vat_eur_per_kwh
    m26, _ = year_one_money(r.scenario, t26, r.participants, annual, r.buildings)
    m27, _ = year_one_money(r.scenario, t27, r.participants, annual, r.buildings)
    delta = (m26.benefit_eur - m27.benefit_eur).drop(index="GF1-common")
    tenants = annual.role == "tenant"
    strings = tenants & (annual.own_export_kwh > 0)
    # direction: tenants with own strings lose when net metering ends
    assert (delta[strings] > 0).all() and strings.sum() == 60
    # size by hand: two nettings end. The energy tax nets the own feed-in against the
    # metered offtake M = consumption - own string (Wbm art. 50 lid 2): min(E, M) kWh lose
    # tax x (1 + VAT). The supplier nets it against what it delivers, M - shared: min(E,
    # M - shared) kWh drop from the supply price with VAT to the feed-in compensation.
    # (Everybody is in bracket 1.) The service-cost share is the same in both regimes.
    v = 1 + t26.vat_frac
    metered = (annual.consumption_kwh - annual.own_string_kwh)[strings]
    export = annual.own_export_kwh[strings]
    tax_netted = np.minimum(export, metered)
    supply_netted = np.minimum(export, metered - annual.shared_kwh[strings])
    expected = tax_netted * t26.energy_tax_excl_vat_eur_per_kwh * v + supply_netted * (
        t26.supply_price_excl_vat_eur_per_kwh * v - t26.feed_in_compensation_excl_vat_eur_per_kwh
    )
    np.testing.assert_allclose(delta[strings], expected, atol=1e-6)
    # members (shared kWh only) and non-participating dwellings: no effect
    members = annual.role == "member"
    assert np.abs(delta[members]).max() < 1e-9
    assert np.abs(delta[tenants & ~annual.participating]).max() < 1e-9


@pytest.mark.parametrize("year", [2026, 2027])
@pytest.mark.parametrize("reading", ["charged", "exempt"])
def test_money_balances_with_own_strings_and_a_dynamic_contract(
    tmp_path: Path, year: int, reading: str
) -> None:
    """The balance with own strings, a shared battery and interval prices that go negative
    at sunny noons: every fed-in kWh at its interval's price, under both readings."""
    price = year_frame(year, 60, {"supply_price_excl_vat_eur_per_kwh": 0.12})
    sunny = price.index.month.isin([5, 6, 7]) & (price.index.hour >= 11) & (price.index.hour < 15)
    price.loc[sunny, "supply_price_excl_vat_eur_per_kwh"] = -0.04
    write_measured_csv(tmp_path / "price.csv", price)
    data = minimal(year=year)
    data["buildings"][0]["arrays"].append(
        {"id": "strings", "capacity_kwp": 3.0, "setup": "per_dwelling"}
    )
    data["buildings"][0]["battery"] = {"capacity_kwh": 5.0, "power_kw": 2.0}
    data["tariffs"] = {"supply_price_csv": "price.csv", "shared_energy_tax": reading}
    r = run(load_scenario(write_scenario(tmp_path, data)))
    assert r.annual["own_export_kwh"].sum() > 0 and (price.to_numpy() < 0).any()
    assert_money_balances(r)


def test_feed_in_cost_bands() -> None:
    # bands only: 2027's default per-kWh feed-in costs (0.05184) set to 0
    t = resolve_tariffs(
        2027,
        {
            "feed_in_cost_bands_incl_vat_eur_per_month": [4.07, 8.0, 12.0, 20.32],
            "feed_in_cost_incl_vat_eur_per_kwh": 0.0,
        },
    )
    assert float(feed_in_cost_eur(0.0, t)) == 0.0
    assert float(feed_in_cost_eur(100.0, t)) == pytest.approx(12 * 4.07)
    assert float(feed_in_cost_eur(600.0, t)) == pytest.approx(12 * 12.0)  # band 500-750
    assert float(feed_in_cost_eur(5000.0, t)) == pytest.approx(12 * 20.32)  # beyond the last band


def test_huurcommissie_warning() -> None:
    data = minimal()
    data["buildings"][0]["arrays"].append(
        {"id": "strings", "capacity_kwp": 2.0, "setup": "per_dwelling"}
    )
    data["finance"] = {"panel_fee_eur_per_yr": 100.0, "capex_eur_per_kwp": 800.0}
    r = run(scenario_from_dict(data))
    # investment per dwelling 2 kWp x 800 / 2 = 800 -> limit 80 per year
    assert any(
        "exceeds the Huurcommissie limit of 10%" in m and "EUR 80.00" in m for m in r.messages
    )


def test_dynamic_supply_price(tmp_path: Path) -> None:
    flat = run(scenario_from_dict(minimal(year=2027)))
    price = year_frame(
        2027,
        60,
        {"supply_price_excl_vat_eur_per_kwh": flat.tariffs.supply_price_excl_vat_eur_per_kwh},
    )
    write_measured_csv(tmp_path / "price.csv", price)
    data = minimal(year=2027)
    data["tariffs"] = {"supply_price_csv": "price.csv"}
    same = run(load_scenario(write_scenario(tmp_path, data)))
    pd.testing.assert_series_equal(same.money["benefit_eur"], flat.money["benefit_eur"])
    # a price twice as high in the middle of the day raises the value of solar kWh
    noon = (price.index.hour >= 10) & (price.index.hour < 16)
    price.loc[noon, "supply_price_excl_vat_eur_per_kwh"] *= 2
    write_measured_csv(tmp_path / "price.csv", price)
    dear = run(load_scenario(write_scenario(tmp_path, data)))
    assert dear.money.loc["B1-M002", "benefit_eur"] > flat.money.loc["B1-M002", "benefit_eur"]


def test_negative_day_ahead_prices_are_read_and_priced(tmp_path: Path) -> None:
    """Dutch day-ahead prices go below zero for hundreds of hours a year (down to the
    market's floor of -500 EUR/MWh): a dynamic contract's supply cost follows them."""
    data = minimal(year=2027)
    flat = run(scenario_from_dict(data))
    price = year_frame(2027, 60, {"supply_price_excl_vat_eur_per_kwh": 0.10})
    sunny = (price.index.month.isin([5, 6])) & (price.index.hour >= 12) & (price.index.hour < 15)
    price.loc[sunny, "supply_price_excl_vat_eur_per_kwh"] = -0.05
    write_measured_csv(tmp_path / "price.csv", price)
    data["tariffs"] = {"supply_price_csv": "price.csv"}
    r = run(load_scenario(write_scenario(tmp_path, data)))
    # the supply cost without the scheme is sum over intervals of consumption x price
    p = price["supply_price_excl_vat_eur_per_kwh"].to_numpy()
    consumption = r.consumption_kwh.to_numpy()
    expected = (consumption * p[:, None]).sum(axis=0)
    np.testing.assert_allclose(
        r.annual["supply_cost_without_eur"].to_numpy(), expected, rtol=1e-12, atol=1e-9
    )
    assert (r.consumption_kwh.to_numpy()[sunny].sum() > 0) and (p < 0).any()
    # cheaper supply at noon lowers what solar kWh are worth to members
    assert r.money.loc["B1-M002", "benefit_eur"] < flat.money.loc["B1-M002", "benefit_eur"]


def test_compare_years_cli(tmp_path: Path, capsys) -> None:
    path = write_scenario(tmp_path, minimal())
    assert (
        main(["compare", str(path), "--years", "2026", "2027", "--out", str(tmp_path / "o")]) == 0
    )
    out = capsys.readouterr().out
    assert "mini@2026" in out and "mini@2027" in out and "difference" in out
    households = pd.read_csv(tmp_path / "o" / "compare" / "households.csv")
    assert {"mini@2026", "mini@2027"} <= set(households.columns)
    assert len(households) == 6


def test_cashflows_written(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, minimal())
    assert main(["run", str(path), "--out", str(tmp_path / "o")]) == 0
    flows = pd.read_csv(tmp_path / "o" / "mini" / "cashflows.csv")
    assert set(flows.columns) >= {"owner", "year", "capex_eur", "net_cash_flow_eur"}
    assert flows.year.max() == 25 and flows.loc[flows.year == 0, "capex_eur"].iloc[0] > 0
