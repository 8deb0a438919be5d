"""The dashboard's words, numbers and downloads: both catalogues complete, numbers as
Dutch and English readers write them, every download readable back."""

from __future__ import annotations

import io
import re
import string
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dashboards.shared import downloads, engine_words, i18n
from dashboards.shared import formatting as fmt
from energysim.config.grid_operators import LARGE_NETWORK_FIELDS
from energysim.core.csv_dialect import read_csv_file
from energysim.core.messages import CODES, Message

REPO = Path(__file__).resolve().parents[1]
DASHBOARDS = REPO / "dashboards"

KEY_CALL = re.compile(r"""\b(?:t|i18n\.t|has|i18n\.has)\(\s*(f?)(["'])(.+?)\2""")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def keys_in_code() -> tuple[set[str], set[str]]:
    """Literal keys the code asks for, and the patterns of its f-string keys."""
    literal, patterns = set(), set()
    for path in DASHBOARDS.rglob("*.py"):
        for prefix, _, key in KEY_CALL.findall(path.read_text(encoding="utf-8")):
            if prefix == "f" and "{" in key:
                patterns.add(re.sub(r"\\\{[^}]*\\\}", r"[^ ]+", re.escape(key)))
            else:
                literal.add(key)
    return literal, patterns


def test_both_catalogues_have_the_same_keys_and_placeholders() -> None:
    nl, en = i18n.catalogue("nl"), i18n.catalogue("en")
    assert sorted(set(nl) - set(en)) == [] and sorted(set(en) - set(nl)) == []
    for key in nl:
        assert placeholders(nl[key]) == placeholders(en[key]), key
        assert nl[key].strip() and en[key].strip(), key


def test_every_key_the_code_uses_exists() -> None:
    literal, patterns = keys_in_code()
    assert len(literal) > 100  # the scan found the code's calls
    known = set(i18n.catalogue("nl"))
    assert sorted(literal - known) == []
    for pattern in patterns:
        assert any(re.fullmatch(pattern, k) for k in known), pattern


def test_download_format_keys_exist() -> None:
    for f in downloads.FORMATS:
        assert i18n.has(f"dl.{f}") and i18n.has(f"dl.{f}_help")


def test_a_missing_key_shows_as_itself_and_is_remembered() -> None:
    i18n.missing.discard("nowhere.nothing")
    assert i18n.t("nowhere.nothing") == "nowhere.nothing"
    assert "nowhere.nothing" in i18n.missing
    i18n.missing.discard("nowhere.nothing")


@pytest.mark.parametrize(
    ("call", "nl", "en"),
    [
        (lambda lang: fmt.kwh(95332.64, lang=lang), "95.333 kWh", "95,333 kWh"),
        (lambda lang: fmt.number(1234.5, 1, lang=lang), "1.234,5", "1,234.5"),
        (lambda lang: fmt.count(80.0, lang=lang), "80", "80"),
        (lambda lang: fmt.count(1250, lang=lang), "1.250", "1,250"),
        (lambda lang: fmt.eur(14272.13, lang=lang), "€ 14.272", "€14,272"),
        (lambda lang: fmt.eur(12.346, cents=True, lang=lang), "€ 12,35", "€12.35"),
        (lambda lang: fmt.eur(-1234.4, lang=lang), "-€ 1.234", "-€1,234"),
        (lambda lang: fmt.eur(-0.2, lang=lang), "€ 0", "€0"),
        (lambda lang: fmt.eur(25.6, sign=True, lang=lang), "+€ 26", "+€26"),
        (lambda lang: fmt.eur_per_kwh(0.25, lang=lang), "€ 0,250/kWh", "€0.250/kWh"),
        (lambda lang: fmt.percent(0.6535, lang=lang), "65,4%", "65.4%"),
        (lambda lang: fmt.percent(1.0, lang=lang), "100,0%", "100.0%"),
        (lambda lang: fmt.percent(-0.016, sign=True, lang=lang), "-1,6%", "-1.6%"),
        (lambda lang: fmt.pp(-1.634, lang=lang), "-1,6 %-punt", "-1.6 pp"),
        (lambda lang: fmt.kwp(105, lang=lang), "105,0 kWp", "105.0 kWp"),
        (lambda lang: fmt.kwh(None, lang=lang), "–", "–"),
        (lambda lang: fmt.percent(float("nan"), lang=lang), "–", "–"),
    ],
)
def test_numbers_are_written_as_each_language_reads_them(call, nl: str, en: str) -> None:
    assert call("nl") == nl
    assert call("en") == en


def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "participant_id": ["GF1-T001", "GF1-T002", "coöp;1"],
            "participating": [True, False, True],
            "consumption_kwh": [1909.786501, 2996.5, 0.0],
            "benefit_eur": [168.547946, -3.25, 0.125],
        }
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_download_format_reads_back_with_headers_in_words(lang: str) -> None:
    i18n.set_language(lang)
    try:
        frame = downloads.labelled(table())
        headers = [downloads.column_label(c) for c in table().columns]
    finally:
        i18n.set_language("nl")
    assert list(frame.columns) == headers
    for header in headers:
        assert not re.search(r"_(kwh|eur|frac)\b", header) and "col." not in header
    assert "(kWh" in headers[2] and "(€" in headers[3]
    # one form of yes and no in every format: ja/nee in Dutch, booleans in English
    no = "nee" if lang == "nl" else False
    wb = openpyxl.load_workbook(io.BytesIO(downloads.file_bytes(frame, "xlsx", "households")))
    rows = list(wb.active.iter_rows(values_only=True))
    assert list(rows[0]) == headers
    # rounded by unit: tenths of a kWh, cents
    assert rows[1][2] == 1909.8 and rows[1][3] == 168.55 and rows[2][1] == no
    back = pd.read_excel(io.BytesIO(downloads.file_bytes(frame, "xlsx")))
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)
    plain = pd.read_csv(io.BytesIO(downloads.file_bytes(frame, "csv")))
    pd.testing.assert_frame_equal(plain, frame, check_dtype=False)
    assert plain.iloc[1, 1] == no
    dutch = downloads.file_bytes(frame, "csv_nl")
    assert dutch.startswith(b"\xef\xbb\xbf")  # so Excel reads the UTF-8 (coöp)
    text = dutch.decode("utf-8-sig")
    assert text.splitlines()[1] == "GF1-T001;ja;1909,8;168,55"
    assert '"coöp;1";ja;0,0;0,12' in text  # 0.125 to even cents
    back_nl = read_csv_file(dutch, "nl")
    yes_no = frame.assign(**{headers[1]: table()["participating"]})
    pd.testing.assert_frame_equal(back_nl, yes_no, check_dtype=False)
    nl_by_pandas = pd.read_csv(io.BytesIO(dutch), sep=";", decimal=",", encoding="utf-8-sig")
    assert nl_by_pandas.iloc[:, 3].sum() == pytest.approx(frame.iloc[:, 3].sum())


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_downloads_show_shares_as_percentages_and_months_by_name(lang: str) -> None:
    raw = pd.DataFrame(
        {"month": [1, 12], "better_off_frac": [1.0, 0.45678], "export_frac": [0.25, 0.5]}
    )
    i18n.set_language(lang)
    try:
        out = downloads.labelled(raw, {"export_frac": "Fed in"})
        as_is = downloads.labelled(raw, {c: c for c in raw.columns})
    finally:
        i18n.set_language("nl")
    assert list(out.iloc[:, 0]) == (
        ["januari", "december"] if lang == "nl" else ["January", "December"]
    )
    assert list(out.iloc[:, 1]) == [100.0, 45.7]
    assert out.columns[1].endswith("(%)") and out.columns[2] == "Fed in (%)"
    assert list(out.iloc[:, 2]) == [25.0, 50.0]
    gaps = pd.DataFrame({"irr_frac": pd.Series([0.0512, None], dtype=object)})  # no IRR
    shown = downloads.labelled(gaps, {"irr_frac": "IRR"})
    assert shown.columns[0] == "IRR (%)" and shown.iloc[0, 0] == 5.1
    assert pd.isna(shown.iloc[1, 0])
    pd.testing.assert_frame_equal(as_is, raw)  # raw names: a table for scripts, untouched


@pytest.mark.parametrize(
    ("name", "nl", "en"),
    [
        ("energy_flows", "energiestromen", "energy_flows"),
        ("ownership_chart_municipality", "lokaal-eigendom-grafiek-gemeente", None),
        ("ownership_res_region", "lokaal-eigendom-res-regio", None),
        ("design-keys-tenants", "ontwerp-verdeelsleutels-huurders", None),
        ("not_in_the_catalogue", "not_in_the_catalogue", None),
    ],
)
def test_files_and_sheets_have_dutch_names_in_dutch(name: str, nl: str, en: str | None) -> None:
    try:
        assert downloads.file_name(name, "xlsx") == f"{nl}.xlsx"
        assert downloads.file_name(name, "csv_nl") == f"{nl}-nl.csv"
        i18n.set_language("en")
        assert downloads.file_name(name, "csv") == f"{en or name}.csv"  # English as it was
    finally:
        i18n.set_language("nl")
    sheet = openpyxl.load_workbook(
        io.BytesIO(downloads.file_bytes(pd.DataFrame({"a": [1]}), "xlsx", nl))
    ).sheetnames
    assert sheet == [nl[:31]]


def test_a_named_index_becomes_the_first_column() -> None:
    frame = table().set_index("participant_id")
    out = downloads.labelled(frame)
    assert out.columns[0] == downloads.column_label("participant_id")
    assert list(out.iloc[:, 0]) == ["GF1-T001", "GF1-T002", "coöp;1"]


# --------------------------------------------------------------------------- engine messages
RAW = re.compile(r"\b[a-z]\w*_(kwh|eur|frac|kw|kwp|yr|m2)\b|\{|\}|msg\.|figure\.")


def sample_params(code: str) -> dict[str, object]:
    """Params of the right kinds for a message code (names as the engine gives them)."""
    words: dict[str, object] = {
        "building": "B1",
        "group": "tenants",
        "kind": "shared",
        "connection": "small",
        "figures": ["supply_price_excl_vat_eur_per_kwh", "B1.contracted_capacity_kw"],
        "households": [f"B1-T{i:03d}" for i in range(12)],
        "replacement_years": [12],
        "start": "2026-03-29T02:00:00+02:00",
        "participant": "B1-T001",
        "array": "east",
        "supplier": "Coöperatie Zon",
        "column": "meter_1",
        "year": 2027,
        "rule": "community",
        "owner_types": ["municipality", "resident_cooperative"],
        "source": "municipal division of 1 January 2023",
        "area": "Voorne aan Zee",
    }
    ints = {"count", "needed", "members", "dwellings", "intervals", "lifetime_yr", "participants"}
    ints |= {"undated", "late", "target_year", "vehicles"}
    return {name: words.get(name, 3 if name in ints else 1234.5678) for name in CODES[code]}


def test_every_engine_message_code_has_a_dutch_and_an_english_sentence() -> None:
    for lang in ("nl", "en"):
        words = i18n.catalogue(lang)
        sentences = {k.removeprefix("msg."): v for k, v in words.items() if k.startswith("msg.")}
        assert sorted(set(CODES) - set(sentences)) == [], lang  # a code without words
        assert sorted(set(sentences) - set(CODES)) == [], lang  # words of no code
        for code, sentence in sentences.items():
            assert placeholders(sentence) <= set(CODES[code]), (lang, code)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_engine_messages_are_said_in_words_without_field_names(lang: str) -> None:
    i18n.set_language(lang)
    i18n.missing.clear()  # what earlier tests in this process looked up is not this test's
    try:
        for code in CODES:
            english = Message(f"the engine's sentence {code}", code, **sample_params(code))
            shown = engine_words.say(english)
            assert shown != str(english) and not RAW.search(shown), (code, shown)
        plain = engine_words.say("an older summary's sentence, as written")
    finally:
        i18n.set_language("nl")
    assert plain == "an older summary's sentence, as written"
    assert not i18n.missing


def test_every_estimated_figure_has_words_and_the_table_dutch_headers() -> None:
    rows = (REPO / "energysim" / "data" / "tariffs.csv").read_text(encoding="utf-8")
    names = {line.split(",")[0] for line in rows.splitlines()[1:] if line}
    names |= {"feed_in_compensation_excl_vat_eur_per_kwh", "contracted_capacity_kw"}
    # the readings a run records (energysim.money.readings)
    names |= {
        "shared_energy_tax_excl_vat_eur_per_kwh",
        "dynamic_feed_in_price_frac",
        "owner_sales_vat_kept_frac",
    }
    # a supplier's bands and a grid operator's network tariff come from their own files
    names |= {"feed_in_cost_bands_incl_vat_eur_per_month", *LARGE_NETWORK_FIELDS}
    names |= {"sce_decision_year", "certificate_price_eur", "owner_cost_vat_frac"}
    for name in names:
        assert i18n.has(f"figure.{name}"), name
    record = {"figure": "B1.contracted_capacity_kw", "year": 2027, "value": 56.0}
    table_nl = engine_words.assumptions_table(
        [
            {**record, "from_year": 2027},
            {"figure": "vat_frac", "year": 2027, "value": 0.21, "from_year": 2026},
        ]
    )
    assert list(table_nl.columns) == [
        i18n.text("nl", f"estimates.{k}") for k in ("figure", "value", "year", "why")
    ]
    assert table_nl.iloc[0].tolist() == [
        i18n.text("nl", "figure.contracted_capacity_kw") + " (B1)",
        "56",
        "2027",
        "eigen schatting",
    ]
    assert table_nl.iloc[1, 1] == "21%" and table_nl.iloc[1, 3] == "cijfer van 2026 doorgetrokken"
    reading = {"figure": "dynamic_feed_in_price_frac", "year": 2027, "value": 1.0}
    row = engine_words.assumptions_table([{**reading, "from_year": 2027, "status": "reading"}])
    assert row.iloc[0].tolist()[1:] == ["100%", "2027", i18n.text("nl", "estimates.reading")]
    # a supplier's terms and a grid operator's tariff say where they come from
    based = engine_words.assumptions_table(
        [
            {
                **record,
                "figure": "feed_in_cost_incl_vat_eur_per_kwh",
                "value": 0.05184,
                "from_year": 2027,
                "basis": "supplier",
                "party": "Greenchoice",
            },
            {
                **record,
                "figure": "large_network_fixed_excl_vat_eur_per_yr",
                "value": 612.84,
                "from_year": 2026,
                "basis": "grid_operator",
                "party": "Stedin",
            },
        ]
    )
    assert based.iloc[:, 3].tolist() == [
        "gepubliceerde voorwaarden van Greenchoice (vanaf 2027)",
        "nettarief 2026 van netbeheerder Stedin",
    ]
    decided = {"figure": "sce_decision_year", "year": 2027, "value": 2026.0, "from_year": 2027}
    assert engine_words.assumptions_table([decided]).iloc[0, 1] == "2026"  # not "2.026"
