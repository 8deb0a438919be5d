"""The design advice in Dutch and English (energysim/design/words.py): every sentence has
both texts, the English is what the design has always written, the Dutch has no English
left in it and writes its numbers the Dutch way."""

from __future__ import annotations

import ast
import json
import re
import string
from dataclasses import replace
from pathlib import Path

import pytest

from energysim.cli.main import main
from energysim.config.scenario import scenario_from_dict
from energysim.design.cliffs import member_count, members_instead
from energysim.design.joint import listed_prices, nobody
from energysim.design.plan import DesignOptions, design_scenario
from energysim.design.report import advice_lines, format_design, recommendation_lines
from energysim.design.words import Said, advice_catalogue, in_language, say
from tests.helpers import minimal, write_scenario

DESIGN = Path(__file__).resolve().parents[1] / "energysim" / "design"
QUICK = DesignOptions(members_search=False, curve_points=3, size_factors=(1.0, 2.0))

ENGLISH = re.compile(
    r"\b(the|and|with|are|owners?|households?|price|prices|members?|tenants?|"
    r"gains?|year|yr|instead|none|not|key|roof|size|EUR)\b"
)
"""Words that mark English left in a Dutch sentence (each is no Dutch word)."""
KEPT = re.compile(r"'[^']*'|\([a-z_.]+\)|[\w./-]+\.(json|csv|md)|buildings\.\w+|\{[^}]*\}")
"""What a Dutch sentence keeps as the files write it (a quoted value, a field, a file)
and a template's placeholders."""


def english_left(text: str) -> list[str]:
    return ENGLISH.findall(KEPT.sub("", text))


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_have_the_same_sentences_with_the_same_figures() -> None:
    en, nl = advice_catalogue("en"), advice_catalogue("nl")
    assert sorted(set(en) ^ set(nl)) == []
    assert [k for k in en if fields(en[k]) != fields(nl[k])] == []
    assert {k: english_left(v) for k, v in nl.items() if english_left(v)} == {}


def _said_keys() -> set[str]:
    """The keys :func:`say` is called with in energysim/design/ (an f-string key by the
    part before its first ``{``: a prefix every variant shares)."""
    keys = set()
    for path in DESIGN.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "say"):
                continue
            arg = node.args[0]
            if isinstance(arg, ast.Constant):
                keys.add(str(arg.value))
            elif isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
                keys.add(str(arg.values[0].value) + "*")
    return keys


def test_every_sentence_the_design_says_has_a_dutch_and_an_english_text() -> None:
    keys = _said_keys()
    assert len(keys) > 80  # the scan finds the sentences
    for lang in ("nl", "en"):
        catalogue = advice_catalogue(lang)
        missing = [
            k
            for k in keys
            if not (
                any(c.startswith(k[:-1]) for c in catalogue) if k.endswith("*") else k in catalogue
            )
        ]
        assert missing == [], lang


def _sentences(tree: ast.Module) -> list[str]:
    """String literals of three words or more outside docstrings, errors and say()."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name.endswith("Error") or name in ("say", "Message", "warn"):
                skip |= {id(n) for n in ast.walk(node)}
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Module)) and ast.get_docstring(
            node
        ):
            skip.add(id(node.body[0].value))  # type: ignore[attr-defined]
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skip.add(id(node.value))  # an attribute's docstring
    out = []
    for node in ast.walk(tree):
        if id(node) in skip or not isinstance(node, ast.Constant):
            continue
        if isinstance(node.value, str) and len(node.value.split()) >= 3:
            out.append(node.value)
    return out


NOT_SENTENCES = {
    "energy prices after 2030",  # a downside figure's name in design.json
    "equal (dynamic, redistribute)",  # a key's name in keys.csv
    "local owners (energy cooperative)",  # the owner a design adds, a name in its files
}
"""Names the files keep in English (said in words by their key)."""
SOURCES = ("estimate", "none assumed")
"""How the financing terms' sources begin: kept in English like every run's assumptions
(the board report and the dashboard say so)."""


def test_no_design_module_writes_an_english_sentence_of_its_own() -> None:
    """A new sentence goes through say() and the words files, so it has a Dutch text."""
    found = {
        path.name: [
            t
            for t in _sentences(ast.parse(path.read_text("utf-8")))
            if t not in NOT_SENTENCES and not t.startswith(SOURCES)
        ]
        for path in sorted(DESIGN.glob("*.py"))
    }
    assert {name: texts for name, texts in found.items() if texts} == {}


def test_dutch_numbers_and_nested_sentences() -> None:
    said = say("price.yr", value=1250.5)
    assert str(said) == "EUR 1,250.50/yr"
    assert in_language(said, "nl") == "€ 1.250,50/jaar"
    line = say("needed.line", price=say("price.kwh", value=0.12), parts="x")
    assert in_language(line, "nl").startswith("  wat deze prijs mogelijk zou maken bij € 0,1200")
    assert in_language("plain text", "nl") == "plain text"
    with pytest.raises(ValueError, match="--lang"):
        in_language(said, "de")


def test_a_loss_in_dutch_has_its_minus_before_the_euro_sign() -> None:
    said = say("today", households_eur=-3488.4, npv_eur=1200.0)
    assert "EUR -3,488" in str(said)
    dutch = in_language(said, "nl")
    assert "-€ 3.488" in dutch and "€ -" not in dutch
    assert "€ 1.200" in dutch and "-€ 1.200" not in dutch


def test_a_tiers_key_note_does_not_name_the_tier_twice() -> None:
    """A note is said after its tier ("Sleutel voor leden: ..."): it does not name it again."""
    for key in ("key_note.nobody", "key_note.supplier", "key_note.members_mode"):
        note = say(key, mode="export")
        for lang in ("en", "nl"):
            line = in_language(say("key.none", tier=say("tier.members"), note=note), lang)
            tier = in_language(say("tier.members"), lang)
            assert line.lower().count(tier.lower()) == 1, line


def test_a_member_count_reads_right_in_both_languages() -> None:
    assert members_instead(1, 0) == "1 member instead of no members"
    assert in_language(members_instead(1, 0), "nl") == "1 lid in plaats van geen leden"
    assert in_language(members_instead(1250, 3), "nl") == "1.250 leden in plaats van 3 leden"
    assert str(member_count(2)) == "2 members"


def test_levers_nobody_pays_are_said_to_have_nobody() -> None:
    prices = {"panel_fee": 0.0, "common": 0.1, "tenants": 0.12, "members": 0.0}
    none = scenario_from_dict(minimal())
    absent = nobody(none)
    if none.buildings[0].members.count == 0:
        assert "members" in absent
    text = listed_prices(prices, ("members",))
    assert "0.0000" not in text.split("common")[1].split("members")[-1]
    assert "no members' price (there are no members)" in text
    assert "geen prijs voor leden (er zijn geen leden)" in in_language(text, "nl")


@pytest.fixture(scope="module")
def design():
    """A small design with a shared battery (its replacement a step the advice hinges on)."""
    data = minimal(year=2027)
    data["buildings"][0]["roof_area_m2"] = 100.0
    data["buildings"][0]["battery"] = {"capacity_kwh": 10.0, "power_kw": 5.0}
    data["ownership"] = [
        {"owner": "Corporatie", "owner_type": "housing_corporation", "share_frac": 0.6},
        {"owner": "Cooperatie", "owner_type": "resident_cooperative", "share_frac": 0.4},
    ]
    return design_scenario(scenario_from_dict(data), replace(QUICK, static_keys_only=True))


def test_the_english_advice_is_the_catalogues_english(design) -> None:
    lines = advice_lines(design)
    assert all(isinstance(line, Said) for line in lines)
    assert recommendation_lines(design) == [str(line) for line in lines]
    assert recommendation_lines(design, "en") == [in_language(x, "en") for x in lines]
    assert format_design(design) == "\n".join(recommendation_lines(design))


def test_the_dutch_advice_has_no_english_left(design) -> None:
    dutch = recommendation_lines(design, "nl")
    english = recommendation_lines(design, "en")
    assert len(dutch) == len(english)
    left = {line: english_left(line) for line in dutch if english_left(line)}
    assert left == {}
    assert dutch[0].startswith("Nu: de huishoudens winnen samen € ")
    assert not any("EUR" in line for line in dutch)
    assert format_design(design, "nl") == "\n".join(dutch)


def test_the_designs_notes_in_dutch(design) -> None:
    """The design's own notes (a tier's key, the roofs) are said in Dutch; the run's are
    the run's messages (with codes the dashboard says in Dutch)."""
    own = [
        m
        for m in design.messages
        if isinstance(m, Said) or str(getattr(m, "code", "")).startswith("design_")
    ]
    for message in own:
        assert in_language(message, "en") == str(message)
        assert english_left(in_language(message, "nl")) == [], message


def test_energysim_design_speaks_dutch_when_asked(tmp_path: Path, capsys) -> None:
    """``--lang nl``: the terminal and design.json's recommendation in Dutch, the other
    files as before; a language energysim does not write is refused (exit status 2)."""
    path = write_scenario(tmp_path, minimal(year=2027))
    out = tmp_path / "out"
    args = ["design", str(path), "--out", str(out), "--sizes", "1", "--no-members-search"]
    assert main([*args, "--lang", "nl"]) == 0
    printed = capsys.readouterr().out
    summary = json.loads((out / "mini" / "design" / "design.json").read_text("utf-8"))
    advice = summary["recommendation"]
    assert advice[0].startswith("Nu: de huishoudens winnen samen € ")
    assert "\n".join(advice) in printed
    assert {line: english_left(line) for line in advice if english_left(line)} == {}
    assert summary["margin"]["downside"][0]["figure"] == "yield"  # the files' names stay
    with pytest.raises(SystemExit) as refused:
        main([*args, "--lang", "de"])
    assert refused.value.code == 2
