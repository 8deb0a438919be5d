"""The chain end to end: energy balance for every example, a measured-data hand case."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from energysim.config.scenario import load_scenario, scenario_from_dict
from energysim.results.tables import participants_table, summary, timeseries_table
from energysim.simulate import run
from tests.helpers import minimal, write_measured_csv, write_scenario, year_frame

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.toml"))


@pytest.fixture(scope="module", params=SCENARIOS, ids=lambda p: p.name)
def example_result(request):
    return run(load_scenario(request.param))


def test_energy_balance_every_interval(example_result) -> None:
    r = example_result
    gen = r.generation_kwh.to_numpy().sum(axis=1)
    allocated = r.received_kwh.to_numpy().sum(axis=1)
    export = r.export_kwh.to_numpy().sum(axis=1)
    # batteries: what they charged less what they delivered (SoC change and losses)
    stored = r.storage.net_charge_kwh(len(gen)) if r.storage is not None else 0.0
    assert gen.sum() > 0
    np.testing.assert_allclose(allocated + export + stored, gen, rtol=0, atol=1e-9)
    assert (export >= -1e-12).all()


def test_no_participant_gets_more_than_it_consumes(example_result) -> None:
    r = example_result
    received = r.received_kwh.to_numpy()
    assert (received >= 0).all()
    assert (received <= r.consumption_kwh.to_numpy() + 1e-12).all()


def test_summary_and_tables_agree(example_result) -> None:
    r = example_result
    s = summary(r)
    table = participants_table(r)
    ts = timeseries_table(r)
    stored = s["storage"]["charge_kwh"] - s["storage"]["discharge_kwh"] if "storage" in s else 0
    total = sum(s["allocated_kwh"].values()) + s["export_kwh"] + stored
    assert total == pytest.approx(s["generation_kwh"])
    assert table["allocated_kwh"].sum() == pytest.approx(sum(s["allocated_kwh"].values()))
    assert ts["generation_kwh"].sum() == pytest.approx(s["generation_kwh"])
    # money: what households gain adds up to the benefits by source
    assert table["benefit_eur"].sum() == pytest.approx(sum(s["benefit_eur"].values()))
    assert 0 <= s["self_consumption_frac"] <= 1
    assert 0 <= s["self_sufficiency_frac"] <= 1
    # every dwelling of every building is a household row
    dwellings = sum(b.dwellings for b in r.scenario.buildings)
    assert (table.role == "tenant").sum() == dwellings


def test_non_participating_dwellings_get_only_the_service_cost_saving(example_result) -> None:
    table = participants_table(example_result)
    out = table[(table.role == "tenant") & ~table.participating]
    assert (out.allocated_kwh == 0).all()
    np.testing.assert_allclose(out.benefit_eur, out.service_cost_saving_eur)


# ----------------------------------------------------------------------------- measured
def _measured_case(tmp_path: Path, *, year: int = 2027) -> Path:
    """Three dwellings (two take part), two members, a one-array roof, hourly data.

    Generation is zero except in three hours; consumption is constant in every hour:
    common 0.5, T001 0.2, T002 0.4, T003 0.3, M001 0.1, M002 0.3 kWh, except where the
    hand case below sets it.
    """
    cons = year_frame(
        year,
        60,
        {
            "B1-common": 0.5,
            "B1-T001": 0.2,
            "B1-T002": 0.4,
            "B1-T003": 0.3,
            "B1-M001": 0.1,
            "B1-M002": 0.3,
        },
    )
    gen = year_frame(year, 60, {"roof": 0.0})
    h_a = pd.Timestamp(f"{year}-06-01 12:00", tz="Europe/Amsterdam")
    h_b = pd.Timestamp(f"{year}-06-01 13:00", tz="Europe/Amsterdam")
    h_c = pd.Timestamp(f"{year}-06-02 12:00", tz="Europe/Amsterdam")
    gen.loc[h_a, "roof"] = 10.0
    cons.loc[h_a] = [1.0, 2.0, 4.0, 9.0, 1.0, 3.0]
    gen.loc[h_b, "roof"] = 2.0
    cons.loc[h_b] = [0.5, 1.0, 2.0, 0.3, 0.1, 0.3]
    gen.loc[h_c, "roof"] = 5.0
    write_measured_csv(tmp_path / "generation.csv", gen)
    write_measured_csv(tmp_path / "consumption.csv", cons)
    data = minimal(year=year, generation_csv="generation.csv", consumption_csv="consumption.csv")
    # 10 kWh in an hour needs at least 10 / 1.5 kWp (physics.IRRADIANCE_PEAK_FRAC)
    data["buildings"][0]["arrays"][0]["capacity_kwp"] = 10.0
    return write_scenario(tmp_path, data)


def test_measured_data_hand_calculation(tmp_path: Path) -> None:
    r = run(load_scenario(_measured_case(tmp_path)))
    table = participants_table(r).set_index("participant_id")
    # Hour A, G = 10: common takes its 1.0 -> 9 left; tenants T001 2 + T002 4 = 6 <= 9, both
    #   served in full -> 3 left; members want 1 + 3 = 4 > 3: pro rata 3/4 -> 0.75 and 2.25;
    #   export 0. (T003 does not take part.)
    # Hour B, G = 2: common 0.5 -> 1.5 left; tenants want 1 + 2 = 3 > 1.5: ratio 0.5 ->
    #   0.5 and 1.0; members nothing; export 0.
    # Hour C, G = 5: common 0.5; tenants 0.2 + 0.4; members 0.1 + 0.3; export 5 - 1.5 = 3.5.
    expected = {
        "B1-common": 1.0 + 0.5 + 0.5,
        "B1-T001": 2.0 + 0.5 + 0.2,
        "B1-T002": 4.0 + 1.0 + 0.4,
        "B1-T003": 0.0,
        "B1-M001": 0.75 + 0.0 + 0.1,
        "B1-M002": 2.25 + 0.0 + 0.3,
    }
    for pid, kwh in expected.items():
        assert table.loc[pid, "allocated_kwh"] == pytest.approx(kwh, abs=1e-12), pid
    s = summary(r)
    assert s["generation_kwh"] == pytest.approx(17.0)
    assert s["export_kwh"] == pytest.approx(3.5)
    # money (2027, no net metering): a kWh shared over the grid saves a member or tenant the
    # supply price with VAT, s = 0.115 x 1.21 (its energy tax stays due, Wbm art. 50), minus
    # no sharing fee (default 0); the common connection's 2.0 kWh are behind its meter and
    # save the import price p = (0.115 + 0.0916) x 1.21, split over 3 dwellings.
    p = r.tariffs.import_price_eur_per_kwh
    s_kwh = r.tariffs.supply_price_excl_vat_eur_per_kwh * (1 + r.tariffs.vat_frac)
    assert table.loc["B1-M002", "benefit_eur"] == pytest.approx(2.55 * s_kwh)
    assert table.loc["B1-T003", "benefit_eur"] == pytest.approx(2.0 * p / 3)
    assert table.loc["B1-T001", "benefit_eur"] == pytest.approx(2.7 * s_kwh + 2.0 * p / 3)
    # the owners receive the feed-in compensation for the 3.5 kWh exported and pay the
    # supplier's feed-in costs on them (2027 default, incl. VAT): 3.5 x (0.0575 - 0.05184)
    # = 3.5 x 0.00566 = 0.01981 EUR
    t = r.tariffs
    assert s["owners_revenue_eur"] == pytest.approx(
        3.5 * (t.feed_in_compensation_excl_vat_eur_per_kwh - t.feed_in_cost_incl_vat_eur_per_kwh)
    )
    assert s["owners_revenue_eur"] == pytest.approx(0.01981, abs=1e-9)


def test_scenario_year_2026_nets_common_export_for_the_owners(tmp_path: Path) -> None:
    r = run(load_scenario(_measured_case(tmp_path, year=2026)))
    s = summary(r)
    # 2026: the 3.5 kWh exported from the common connection are netted against its import
    # (4,380 kWh a year), so they are worth the full import price to the owners.
    assert s["regime"] == "net_metering"
    assert s["owners_revenue_eur"] == pytest.approx(3.5 * r.tariffs.import_price_eur_per_kwh)


def test_supplier_exclusion_is_reported(tmp_path: Path) -> None:
    data = minimal()
    data["buildings"][0]["tenants"]["suppliers"] = ["coop", "other", "coop"]
    data["allocation"] = {"sharing_supplier": "coop"}
    r = run(scenario_from_dict(data))
    table = participants_table(r).set_index("participant_id")
    assert table.loc["B1-T002", "allocated_kwh"] == 0.0
    assert table.loc["B1-T001", "allocated_kwh"] > 0.0
    assert any("B1-T002" in m and "another supplier" in m for m in r.messages)


def test_sce_mode_feeds_the_members_tier_in_and_pays_by_certificates(tmp_path: Path) -> None:
    # a cooperative owns it; on a large common connection common and tenants may use
    # energy before the SCE tier (only what is fed in is subsidised)
    data = minimal(
        year=2027,
        ownership=[{"owner": "Coop", "owner_type": "resident_cooperative", "share_frac": 1.0}],
    )
    data["buildings"][0]["common"]["connection"] = "large"
    data["buildings"][0]["members"]["certificates"] = [1.0, 3.0]
    data["allocation"] = {"members": {"mode": "sce"}}
    r = run(scenario_from_dict(data))
    s = summary(r)
    table = participants_table(r).set_index("participant_id")
    # no kWh netting for members; everything after common and tenants is SCE energy
    assert s["allocated_kwh"]["members"] == 0.0
    assert s["sce_kwh"] > 0
    assert s["export_kwh"] == pytest.approx(s["sce_kwh"])
    gen = r.generation_kwh.to_numpy().sum(axis=1)
    np.testing.assert_allclose(
        r.received_kwh.to_numpy().sum(axis=1) + r.export_kwh.to_numpy().sum(axis=1), gen, atol=1e-9
    )
    payout = table.loc[["B1-M001", "B1-M002"], "payout_eur"].to_numpy()
    assert payout[1] == pytest.approx(3 * payout[0])
    # the SCE energy is not also paid to the owners as export
    assert s["owners_revenue_eur"] == pytest.approx(0.0)


@pytest.mark.parametrize("layout", ["time", "hour_of_year"])
def test_schedule_key_from_csv(tmp_path: Path, layout: str) -> None:
    from energysim.inputs.timeindex import year_index

    index = year_index(2026, 60, "Europe/Amsterdam")
    if layout == "time":
        shares = pd.DataFrame({"B1-T001": 0.75, "B1-T002": 0.25}, index=index)
        write_measured_csv(tmp_path / "schedule.csv", shares)
    else:
        pd.DataFrame({"hour_of_year": np.arange(8760), "B1-T001": 0.75, "B1-T002": 0.25}).to_csv(
            tmp_path / "schedule.csv", index=False
        )
    data = minimal()
    data["allocation"] = {
        "order": ["tenants", "common", "members"],
        "tenants": {"key": {"method": "schedule", "path": "schedule.csv", "variant": "export"}},
    }
    r = run(load_scenario(write_scenario(tmp_path, data)))
    g = r.generation_kwh.to_numpy().sum(axis=1)
    got = r.shared_kwh[["B1-T001", "B1-T002"]].to_numpy()
    d = r.consumption_kwh[["B1-T001", "B1-T002"]].to_numpy()
    # first tier, export variant: each gets min(its demand, its share of generation)
    np.testing.assert_allclose(got, np.minimum(d, g[:, None] * [0.75, 0.25]), atol=1e-12)


def test_schedule_with_shares_above_one_is_rejected(tmp_path: Path) -> None:
    from energysim.core.errors import DataError

    pd.DataFrame({"hour_of_year": np.arange(8760), "B1-T001": 0.75, "B1-T002": 0.5}).to_csv(
        tmp_path / "schedule.csv", index=False
    )
    data = minimal()
    data["allocation"] = {"tenants": {"key": {"method": "schedule", "path": "schedule.csv"}}}
    with pytest.raises(DataError, match="expected a sum of at most 1, found 1.25"):
        run(load_scenario(write_scenario(tmp_path, data)))


def test_own_string_surplus_offered_to_the_next_tier(tmp_path: Path) -> None:
    base = load_scenario(
        Path(__file__).resolve().parents[1] / "scenarios" / "walkup-portiekflat.toml"
    )
    data = base.model_dump(mode="json", exclude_none=True)
    data["time_step_min"] = 60
    data["buildings"][0]["members"] = {"count": 5}
    exported = run(scenario_from_dict(data))
    data["allocation"]["per_dwelling_surplus"] = "next_tier"
    offered = run(scenario_from_dict(data))
    for r in (exported, offered):
        gen = r.generation_kwh.to_numpy().sum(axis=1)
        np.testing.assert_allclose(
            r.received_kwh.to_numpy().sum(axis=1) + r.export_kwh.to_numpy().sum(axis=1),
            gen,
            atol=1e-9,
        )
    # behind-the-meter use is the same; the offered surplus reaches other tiers
    assert offered.own_string_kwh.to_numpy().sum() == pytest.approx(
        exported.own_string_kwh.to_numpy().sum()
    )
    assert offered.shared_kwh.to_numpy().sum() > exported.shared_kwh.to_numpy().sum()
    assert offered.own_export_kwh.to_numpy().sum() == 0.0


def test_meter_export_and_measured_common_installation(tmp_path: Path) -> None:
    from energysim.inputs.timeindex import year_index

    index = year_index(2026, 60, "Europe/Amsterdam")
    # a Dutch export: wall-clock times, ';' and decimal commas, one hour missing
    lines = ["Datum;Verbruik (kWh)"] + [f"{t:%d-%m-%Y %H:%M};0,2" for t in index]
    del lines[1000]
    (tmp_path / "meter.csv").write_text("\n".join(lines) + "\n")
    write_measured_csv(tmp_path / "common.csv", year_frame(2026, 60, {"lighting": 0.05}))
    data = minimal()
    data["meter_exports"] = [
        {"participant_id": "B1-T001", "path": "meter.csv", "fill_gaps_max_intervals": 2}
    ]
    data["buildings"][0]["common"]["profiles_csv"] = "common.csv"
    r = run(load_scenario(write_scenario(tmp_path, data)))
    cons = r.consumption_kwh.sum()
    assert cons["B1-T001"] == pytest.approx(0.2 * 8760)  # the filled hour at the same level
    assert cons["B1-common"] == pytest.approx(0.05 * 8760)  # measured lighting replaces 300 kWh
    assert any("B1-T001" in m and "filled 1 missing interval" in m for m in r.messages)
