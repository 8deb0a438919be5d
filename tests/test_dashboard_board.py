"""What a board reads on Results: the answer per household, the owners' side, and why
the renovation example's average day has a charging peak; checked against the run's
own tables without a browser."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from dashboards.results import answer, ev_note, owners
from dashboards.results import state as results_state
from dashboards.shared import formatting as fmt
from dashboards.shared import i18n
from dashboards.shared import state as shared_state
from energysim import run, summary
from energysim.config.scenario import Scenario, load_scenario
from energysim.results.tables import participants_table, timeseries_table

DEFAULT = shared_state.SCENARIO_DIR / "rotterdam-galerijflat.toml"
RENOVATION = shared_state.SCENARIO_DIR / "galerijflat-na-renovatie.toml"


@pytest.fixture(scope="module")
def default_run() -> tuple[Scenario, dict[str, Any], pd.DataFrame]:
    scenario = load_scenario(DEFAULT)
    result = run(scenario)
    return scenario, summary(result), participants_table(result)


@pytest.fixture(autouse=True)
def dutch() -> Any:
    i18n.set_language("nl")
    yield
    i18n.set_language("nl")


def test_each_group_is_its_households_median_and_p10_to_p90(default_run) -> None:
    _, s, table = default_run
    found = {g["group"]: g for g in answer.groups(table)}
    households = table[table["role"] != "common"]
    assert sum(g["households"] for g in found.values()) == len(households)
    for (role, joins), part in households.groupby(["role", "participating"]):
        g = found[answer.group_name(role, joins)]
        b = part["benefit_eur"].to_numpy()
        assert g["households"] == len(b)
        assert g["median_eur"] == pytest.approx(np.median(b))
        assert g["p10_eur"] == pytest.approx(np.quantile(b, 0.1))
        assert g["p90_eur"] == pytest.approx(np.quantile(b, 0.9))
    # the default example: tenants in and out of the scheme, and members
    assert set(found) == {"tenant_in", "tenant_out", "member_in"}
    # the members' group is the summary's member statistics (all members take part)
    assert found["member_in"]["median_eur"] == pytest.approx(
        s["household_benefit_eur"]["member"]["median_eur"]
    )


def test_the_verdict_says_whether_every_participating_household_gains(default_run) -> None:
    _, _, table = default_run
    gains, text = answer.verdict(table)
    joining = table[(table["role"] != "common") & table["participating"]]
    assert gains == bool((joining["benefit_eur"] >= 0).all())
    assert gains and text == i18n.t("answer.all_gain", count=fmt.count(len(joining)))
    worse = table.copy()
    first, second = joining.index[:2]
    worse.loc[first, "benefit_eur"] = -12.0
    worse.loc[second, "benefit_eur"] = -40.0
    gains, text = answer.verdict(worse)
    assert not gains
    assert text == i18n.t(
        "answer.some_lose", count="2", total=fmt.count(len(joining)), worst=fmt.eur(-40.0)
    )


def test_the_list_of_estimated_figures_leaves_the_notes_box(default_run) -> None:
    _, s, _ = default_run
    codes = [getattr(m, "code", None) for m in s["messages"]]
    assert answer.ESTIMATES_CODE in codes  # the example's 2027 figures are carried forward
    kept = answer.without_estimates(s["messages"])
    assert len(kept) == len(codes) - 1
    assert answer.ESTIMATES_CODE not in [getattr(m, "code", None) for m in kept]


def test_the_total_benefit_carries_the_euro_sign_as_design_writes_it(default_run) -> None:
    _, s, _ = default_run
    value, _ = results_state.headline(s)["results.benefit_total"]
    assert value.startswith("€ ") and value == fmt.eur(s["household_benefit_total_eur"])


def test_owners_cases_and_the_cooperative_per_member_are_the_runs(default_run) -> None:
    _, s, _ = default_run
    rows = owners.owner_rows(s)
    assert list(rows["owner"]) == [o["owner"] for o in s["stakeholders"]]
    assert rows["npv_eur"].tolist() == [o["npv_eur"] for o in s["stakeholders"]]
    assert rows["share_frac"].sum() == pytest.approx(1.0)
    (coop,) = owners.per_member(s)
    members = s["household_benefit_eur"]["member"]["households"]
    (case,) = [o for o in s["stakeholders"] if o["owner_type"] == "resident_cooperative"]
    assert coop["members"] == members == 30
    assert coop["npv_eur"] * members == pytest.approx(case["npv_eur"])
    assert coop["net_year1_eur"] * members == pytest.approx(case["net_year1_eur"])


def test_the_scheme_prices_add_up_to_the_fees_the_owners_receive(default_run) -> None:
    scenario, s, table = default_run
    shown = owners.prices(scenario, s, table).set_index("price")
    f = scenario.finance
    tenants_in = table[(table["role"] == "tenant") & table["participating"]]
    members = table[table["role"] == "member"]
    # hand-computed: the panel fee per participating dwelling; the members' fee per kWh
    # shared to them over the grid
    assert shown.loc["panel_fee", "year1_eur"] == pytest.approx(
        f.panel_fee_eur_per_yr * len(tenants_in)
    )
    assert shown.loc["sharing_fee", "year1_eur"] == pytest.approx(
        f.sharing_fee_eur_per_kwh * members["shared_kwh"].sum()
    )
    scheme = s["scheme_eur"]
    assert shown["year1_eur"].sum() == pytest.approx(
        scheme["panel_fees_eur"] + scheme["sharing_fees_eur"] + scheme["common_fees_eur"]
    )
    assert shown.loc["common_fee", "amount"] == i18n.t("owners.none")  # no price set


def test_the_renovation_examples_morning_peak_is_the_cars_and_the_page_says_so() -> None:
    scenario = load_scenario(RENOVATION)
    ev = next(b.ev_charging for b in scenario.buildings if b.ev_charging is not None)
    assert ev.control == "solar_following" and isinstance(ev.departure_h, float)
    result = run(scenario)
    days = results_state.typical_days(timeseries_table(result))
    fleet_kw = ev.vehicles * ev.charger_kw
    for season in results_state.SEASONS:
        day = days[days["season"] == season].set_index("time_of_day_h")
        load = day["consumption_tenants_kw"]
        before = load.loc[ev.departure_h - 1.0]  # an hour before the cars leave
        peak_at = load.idxmax()
        assert ev.departure_h - 0.75 <= peak_at < ev.departure_h, season
        # the peak is the fleet at full power (less the mornings the sun charged them)
        assert 0.6 * fleet_kw < load.max() - before <= fleet_kw * 1.05, season
        assert load.loc[ev.departure_h] < before + 0.1 * fleet_kw, season  # gone at 08:00
    text = ev_note.note(scenario)
    assert text is not None
    assert "08:00" in text and fmt.number(fleet_kw) in text and "17:30" in text
    assert ev_note.note(load_scenario(DEFAULT)) is None


def test_a_bar_just_under_the_target_has_its_label_inside_not_on_the_line() -> None:
    from dashboards.ownership.charts import LABEL_HEIGHT_PP, label_positions, ownership_shares

    shares = pd.Series([0.479, 0.5, 0.62, 0.1, float("nan")])
    positions = label_positions(shares, 0.5)
    assert positions == ["inside", "outside", "outside", "outside", "outside"]
    # a label above a bar ends LABEL_HEIGHT_PP above it: above a bar inside the window it
    # would cross the line; outside the window it cannot
    for share, where in zip(shares.fillna(0), positions, strict=True):
        crosses = share * 100 < 50 < share * 100 + LABEL_HEIGHT_PP
        assert (where == "inside") == crosses
    chart = pd.DataFrame(
        {
            "area": ["A", "B"],
            "series": ["headline"] * 2,
            "local_share_production_frac": [0.479, 0.2],
        }
    )
    (bar,) = ownership_shares(chart, 0.5, "t").data[:1]
    assert list(bar.textposition) == ["inside", "outside"]


def test_the_sankey_leaves_room_below_for_the_bottom_nodes_label() -> None:
    from dashboards.results import charts

    flows = pd.DataFrame(
        {
            "source": ["roof", "roof", "roof"],
            "target": ["tenants", "grid", "battery_losses"],
            "energy_kwh": [60_000.0, 30_000.0, 1_300.0],
        }
    )
    layout = charts.sankey(flows).layout
    font_px = charts.sankey(flows).data[0].textfont.size
    assert layout.margin.b >= font_px * 2  # a two-line label, centred on a thin node


def test_the_region_note_names_the_shipped_table_in_words_not_its_path() -> None:
    from dashboards.ownership.state import shown_notes
    from energysim.core.messages import Message
    from energysim.ownership.regions import SHIPPED_DIVISION, SHIPPED_SOURCE

    source = f"{SHIPPED_DIVISION}, {SHIPPED_SOURCE}"
    shipped = Message(f"Regions: {source}.", "ownership_regions", source=source)
    own = Message("Regions: my table.", "ownership_regions", source="my table")
    shown = shown_notes([shipped, own])
    assert shown[0] == i18n.t("ownership.regions_shipped") and "energysim/" not in shown[0]
    assert shown[1] is own
