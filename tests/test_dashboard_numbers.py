"""Numbers typed into the dashboard's form the Dutch way and the English way.

The reading rules (:mod:`dashboards.shared.numbers`) worked by hand, then through
streamlit's AppTest: every kind of number field (a price per kWh, a capacity in kWp, a
count, a figure of a storage switch) takes the Dutch form and the English form to the
same scenario, shows it with the page's decimal mark, and refuses an ambiguous text with
one line naming the field, the scenario unchanged.
"""

from __future__ import annotations

import pytest

from dashboards.shared import i18n, numbers
from energysim.batch.sweep import get_path, set_path
from tests.test_dashboard import (
    assert_no_traceback,
    assert_results_are,
    example_dict,
    key,
    start,
    summary_of_dict,
)

FEE = "finance.sharing_fee_eur_per_kwh"
KWP = "buildings[0].arrays[2].capacity_kwp"
DWELLINGS = "buildings[0].dwellings"
AZIMUTH = "buildings[0].arrays[0].surface_azimuth_deg"
DEFAULT = "rotterdam-galerijflat"


# --------------------------------------------------------------------------- the rules
@pytest.mark.parametrize(
    ("text", "path", "whole", "expected"),
    [
        ("0,05", FEE, False, 0.05),  # the Dutch decimal comma
        ("0.05", FEE, False, 0.05),
        ("24,5", KWP, False, 24.5),
        ("24.5", KWP, False, 24.5),
        ("1.250,5", KWP, False, 1250.5),  # point between thousands, comma for decimals
        ("1,250.5", KWP, False, 1250.5),
        ("1 250", KWP, False, 1250.0),  # a space between thousands
        ("1 250,5", KWP, False, 1250.5),
        ("1.250.000", KWP, False, 1_250_000.0),
        ("0,250", KWP, False, 0.25),  # a group of thousands never starts with 0
        ("0.250", KWP, False, 0.25),
        ("1.250", DWELLINGS, True, 1250),  # 1.25 dwellings is no count
        ("1,250", DWELLINGS, True, 1250),
        ("1,250", FEE, False, 1.25),  # EUR 1250 per kWh is above the 10 EUR/kWh limit
        ("1.250", FEE, False, 1.25),
        ("1.250", AZIMUTH, False, 1.25),  # 1250 degrees is no azimuth (below 360)
        ("  80 ", DWELLINGS, True, 80),
    ],
)
def test_a_typed_number_is_read_the_dutch_or_the_english_way(
    text: str, path: str, whole: bool, expected: float
) -> None:
    for lang in ("nl", "en"):  # the page's language changes how numbers look, not how read
        value = numbers.parse(text, path, whole, lang)
        assert value == expected and type(value) is type(expected), (text, lang)


@pytest.mark.parametrize(
    ("text", "path", "whole", "reason"),
    [
        ("1.250", KWP, False, "ambiguous"),  # 1.25 kWp or 1250 kWp: both a roof
        ("1,250", KWP, False, "ambiguous"),
        ("3.000", DWELLINGS, True, "ambiguous"),  # 3 or 3000 dwellings
        ("12,5", DWELLINGS, True, "whole"),
        ("abc", KWP, False, "unreadable"),
        ("", KWP, False, "unreadable"),
        ("1.25.0", KWP, False, "unreadable"),
        ("1 25", KWP, False, "unreadable"),  # spaces only between groups of three
        ("inf", KWP, False, "unreadable"),
    ],
)
def test_a_text_that_is_no_number_for_sure_is_refused(
    text: str, path: str, whole: bool, reason: str
) -> None:
    with pytest.raises(numbers.NumberRefused) as info:
        numbers.parse(text, path, whole, "nl")
    assert info.value.reason == reason


def test_numbers_are_shown_with_the_languages_mark_and_read_back_the_same() -> None:
    assert numbers.shown(0.02, 3, "nl") == "0,020"
    assert numbers.shown(0.02, 3, "en") == "0.020"
    assert numbers.shown(1250.0, 0, "nl") == "1250"  # no thousands point: it reads back
    assert numbers.shown(None, 0, "nl") == ""
    for value, digits in ((0.02, 3), (1250.0, 0), (1250.5, 1), (24.5, 1), (3000.0, 0)):
        for lang in ("nl", "en"):
            assert numbers.parse(numbers.shown(value, digits, lang), KWP, False, lang) == value


# --------------------------------------------------------------------------- the page
def typed(at, path: str, text: str) -> None:  # noqa: ANN001 - AppTest
    at.text_input(key=key(at, path)).input(text).run()
    assert_no_traceback(at)


@pytest.mark.parametrize(
    ("path", "dutch", "english", "value"),
    [
        (FEE, "0,05", "0.05", 0.05),
        (KWP, "24,5", "24.5", 24.5),
        ("buildings[0].members.count", "1.250", "1,250", 1250),
        ("finance.panel_fee_eur_per_yr", "1.250,5", "1,250.5", 1250.5),
    ],
)
def test_both_forms_give_the_same_scenario_and_results(
    path: str, dutch: str, english: str, value: float
) -> None:
    at = start()
    typed(at, path, dutch)
    assert get_path(at.session_state["scenario"], path) == value
    dutch_scenario = at.session_state["scenario"]
    if path == FEE:  # once through Results: the figures of the scenario with that fee
        expected = summary_of_dict(set_path(example_dict(DEFAULT), path, value))
        assert_results_are(at, expected)
    english_page = start("en")
    typed(english_page, path, english)
    assert english_page.session_state["scenario"] == dutch_scenario


def test_numbers_show_the_languages_decimal_mark_and_follow_a_switch() -> None:
    at = start()
    assert at.text_input(key=key(at, FEE)).value == "0,020"
    typed(at, FEE, "0,05")
    assert at.text_input(key=key(at, FEE)).value == "0,05"
    at.radio(key="lang").set_value("en").run()
    assert_no_traceback(at)
    assert at.text_input(key=key(at, FEE)).value == "0.050"
    assert get_path(at.session_state["scenario"], FEE) == 0.05


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_an_ambiguous_number_is_refused_naming_the_field_and_changes_nothing(lang: str) -> None:
    at = start(lang)
    before = at.session_state["scenario"]
    typed(at, KWP, "1.250")
    assert at.session_state["scenario"] == before
    label = i18n.text(lang, "form.capacity", name="GF1-strings")
    reason = i18n.text(
        lang,
        "numbers.ambiguous",
        text="1.250",
        decimal="1,25" if lang == "nl" else "1.25",
        thousands="1250",
    )
    message = i18n.text(lang, "numbers.refused", field=label, reason=reason)
    # one line at the top and at the field, where the user typed
    assert [e.value for e in at.error] == [message, message] and "\n" not in message
    assert at.text_input(key=key(at, KWP)).value == "30"  # the scenario's value again
    assert at.success  # the scenario still runs
    typed(at, KWP, "1250")  # said without doubt: taken, and the message goes
    assert get_path(at.session_state["scenario"], KWP) == 1250.0
    assert not at.error


def test_a_storage_figure_takes_the_dutch_form() -> None:
    at = start()
    at.toggle(key=key(at, "storage:battery")).set_value(True).run()
    typed(at, "buildings[0].battery.capacity_kwh", "1.250,5")
    assert get_path(at.session_state["scenario"], "buildings[0].battery.capacity_kwh") == 1250.5
    typed(at, "buildings[0].battery.power_kw", "62,5")
    assert get_path(at.session_state["scenario"], "buildings[0].battery.power_kw") == 62.5
    assert at.text_input(key=key(at, "buildings[0].battery.power_kw")).value == "62,5"
