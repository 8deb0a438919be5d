"""What the look at every page at 1366 and 1920 px fixed, checked without a browser:
words on a chart that ran into each other, figures broken from their euro sign."""

from __future__ import annotations

import pandas as pd

from dashboards.design.charts import mark_sides
from dashboards.results import charts as results_charts
from dashboards.shared import formatting as fmt
from dashboards.shared.i18n import t


def test_two_price_marks_put_their_words_on_their_outer_sides() -> None:
    # the default example: the legal top (0.1392) lies left of the break-even (0.1876)
    assert mark_sides({"break_even": 0.1876, "top": 0.1392}) == {
        "break_even": "right",
        "top": "left",
    }
    assert mark_sides({"break_even": 0.10, "top": 0.14}) == {"break_even": "left", "top": "right"}
    assert mark_sides({"break_even": 0.10, "top": float("inf")}) == {"break_even": "right"}
    assert mark_sides({"break_even": None, "top": None}) == {}


def test_the_benefit_histogram_says_median_and_band_in_each_panels_title() -> None:
    households = pd.DataFrame(
        {"role": ["tenant"] * 3 + ["member"] * 2, "benefit_eur": [19.0, 120.0, 169.0, 40.0, 96.0]}
    )
    stats = {
        "tenant": {"median_eur": 120.0, "p10_eur": 19.0, "p90_eur": 169.0},
        "member": {"median_eur": 64.0, "p10_eur": 40.0, "p90_eur": 96.0},
    }
    fig = results_charts.benefit_distribution(households, stats)
    texts = [a.text for a in fig.layout.annotations]
    assert texts == [
        t(
            "results.distribution_panel",
            role=t("role_plural.member" if r == "member" else "role_plural.tenant"),
            median=t("results.median_mark", value=fmt.eur(stats[r]["median_eur"])),
            band=t(
                "results.band_mark",
                low=fmt.eur(stats[r]["p10_eur"]),
                high=fmt.eur(stats[r]["p90_eur"]),
            ),
        )
        for r in ("tenant", "member")
    ]
    # nothing written inside a panel, over the bars: the band and the line stay
    assert [s.type for s in fig.layout.shapes] == ["rect", "line", "rect", "line"]


def test_a_figure_keeps_its_euro_sign_and_unit_and_words_still_wrap() -> None:
    nb = fmt.NBSP
    assert fmt.unbroken("€ 7.214") == f"€{nb}7.214"
    assert fmt.unbroken("-€ 38.459") == f"-€{nb}38.459"
    assert fmt.unbroken("€ 0,1392/kWh") == f"€{nb}0,1392/kWh"
    assert fmt.unbroken("105,0 kWp") == f"105,0{nb}kWp"
    assert fmt.unbroken("€ 20,00 per jaar") == f"€{nb}20,00 per jaar"
    assert fmt.unbroken("geen (niet terugverdiend)") == "geen (niet terugverdiend)"
