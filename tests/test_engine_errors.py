"""The engine's error messages in Dutch: every message has a Dutch text, and the page
says a real error fully in Dutch without the server's paths.

The catalogue is ``dashboards/locales/errors.toml``; its keys are derived from the
engine's raise sites (:mod:`dashboards.shared.error_sources`). A new or reworded raise
site fails :func:`test_every_engine_message_has_a_dutch_text` until its Dutch line is
added (``python -m dashboards.shared.error_sources`` prints the lines to add).
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from pathlib import Path

import pytest
import tomli_w
from pydantic_core._pydantic_core import list_all_errors
from streamlit.testing.v1 import AppTest

from dashboards.shared import i18n
from dashboards.shared.engine_errors import CATALOGUE, catalogue, say_error
from dashboards.shared.error_sources import PLACEHOLDER, templates
from energysim.config.scenario import Scenario, scenario_errors, scenario_from_dict
from energysim.core.errors import DataError
from energysim.ownership.register import read_register

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "scenarios"
APP = str(REPO / "dashboards" / "app.py")
TABLES = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))
ENGLISH = re.compile(r"\b(expected|found|field|column|row|missing|Input should|should)\b")
"""English words of the engine's messages that a Dutch text never holds."""


@pytest.fixture(autouse=True)
def dutch():
    i18n.set_language("nl")
    yield
    i18n.set_language(i18n.DEFAULT_LANGUAGE)


@pytest.fixture(scope="module")
def derived():
    return templates()


def test_every_engine_message_has_a_dutch_text(derived) -> None:
    found, _ = derived
    missing = [f"{t.where}: {t.text}" for t in found if t.text not in TABLES["engine"]]
    assert not missing, (
        "engine messages without a Dutch text in dashboards/locales/errors.toml "
        "(python -m dashboards.shared.error_sources prints the lines to add):\n"
        + "\n".join(missing)
    )


def test_every_raise_site_says_a_message_the_catalogue_can_know(derived) -> None:
    _, unknown = derived
    assert not unknown, f"raise sites whose message is built elsewhere: {unknown}"


def test_the_catalogue_holds_no_message_the_engine_no_longer_gives(derived) -> None:
    texts = {t.text for t in derived[0]}
    stale = [key for key in TABLES["engine"] if key not in texts]
    assert not stale, f"entries of [engine] no raise site gives: {stale}"


def test_dutch_texts_use_only_their_messages_placeholders() -> None:
    for english, dutch in catalogue().items():
        assert dutch.strip(), english
        assert set(PLACEHOLDER.findall(dutch)) <= set(PLACEHOLDER.findall(english)), english
        words = re.sub(r"'[^']*'|\{\w+\}|--?[\w-]+", "", PLACEHOLDER.sub("", dutch))
        assert not ENGLISH.search(words), dutch


def _schema_error_types() -> set[str]:
    """The pydantic error types the scenario schema's constraints can give."""
    schema = json.dumps(Scenario.model_json_schema())
    by_keyword = {
        "exclusiveMinimum": "greater_than",
        "minimum": "greater_than_equal",
        "exclusiveMaximum": "less_than",
        "maximum": "less_than_equal",
        "minItems": "too_short",
        "maxItems": "too_long",
        "minLength": "string_too_short",
        "maxLength": "string_too_long",
        "pattern": "string_pattern_mismatch",
        "enum": "literal_error",
        "const": "literal_error",
        "discriminator": "union_tag_invalid",
    }
    used = {kind for keyword, kind in by_keyword.items() if f'"{keyword}"' in schema}
    if "union_tag_invalid" in used:
        used.add("union_tag_not_found")
    by_type = {"integer": ("int_parsing", "int_from_float"), "number": ("float_parsing",)}
    for name, kinds in by_type.items():
        if f'"type": "{name}"' in schema:
            used.update(kinds)
    if '"type": "boolean"' in schema:
        used.add("bool_parsing")
    return used


def test_every_pydantic_message_the_schema_can_give_has_a_dutch_text() -> None:
    by_type = {e["type"]: e["message_template_python"] for e in list_all_errors()}
    used = _schema_error_types()
    assert {"greater_than", "literal_error", "union_tag_invalid"} <= used  # the schema's own
    missing = [
        f"{kind}: {by_type[kind]}" for kind in used if by_type[kind] not in TABLES["pydantic"]
    ]
    assert not missing, missing


def test_each_message_is_read_back_as_itself() -> None:
    """A message made from each template with plain words as its parts is said as that
    template's Dutch text (no other template takes it)."""
    wrong = []
    for english, dutch in TABLES["engine"].items():
        names = PLACEHOLDER.findall(english)
        fill = {name: f"x{i}" for i, name in enumerate(names)}
        message = PLACEHOLDER.sub(lambda m, fill=fill: fill[m.group(1)], english)
        message = message.replace("{{", "{").replace("}}", "}")
        expected = PLACEHOLDER.sub(lambda m, fill=fill: fill[m.group(1)], dutch)
        if say_error(message) != expected:
            wrong.append((message, say_error(message), expected))
    assert not wrong, wrong


@pytest.fixture(scope="module")
def example() -> dict:
    return tomllib.loads((SCENARIOS / "galerijflat-na-renovatie.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (("buildings", 0, "arrays", 0, "capacity_kwp"), -1),
        (("buildings", 0, "dwellings"), 2.5),
        (("year",), "2027"),
        (("allocation",), {"tenants": {"key": {"method": "nope"}}}),
        (("unknown_field",), 1),
    ],
)
def test_a_bad_scenario_value_is_said_in_dutch(example, where, value) -> None:
    data = copy.deepcopy(example)
    target = data
    for part in where[:-1]:
        target = target[part]
    target[where[-1]] = value
    with pytest.raises(Exception) as first:
        scenario_from_dict(data, source="mijn.toml")
    for message in [str(first.value), *scenario_errors(data, source="mijn.toml")]:
        dutch = say_error(message, {"buildings[0].dwellings": "Woningen"})
        assert not ENGLISH.search(dutch.split(": ", 1)[1]), (message, dutch)
        assert dutch.startswith("mijn.toml: veld '")


def test_a_field_is_named_in_the_scenario_pages_words(example) -> None:
    data = copy.deepcopy(example)
    data["buildings"][0]["dwellings"] = 2.5
    (message,) = scenario_errors(data, source="mijn.toml")
    assert "'Woningen'" in say_error(message, {"buildings[0].dwellings": "Woningen"})
    assert "buildings[0].dwellings" not in say_error(message, {"buildings[0].dwellings": "W"})


def test_a_refused_file_names_the_users_file_not_the_server_path(tmp_path) -> None:
    folder = tmp_path / "energysim-x1"
    folder.mkdir()
    register = folder / "eigenaren.csv"
    register.write_text("installation_id;owner\n1;a\n", encoding="utf-8")
    with pytest.raises(DataError) as refused:
        read_register(register)
    assert str(tmp_path) in str(refused.value)  # the engine names the path it read
    for lang in ("nl", "en"):
        i18n.set_language(lang)
        shown = say_error(refused.value)
        assert str(tmp_path) not in shown and "/" not in shown.split(":")[0]
        assert shown.startswith("eigenaren.csv: ")
    i18n.set_language("nl")
    assert not ENGLISH.search(say_error(refused.value).split(": ", 1)[1])


def test_english_pages_show_the_engines_own_words() -> None:
    i18n.set_language("en")
    message = "mijn.toml: field 'year': expected a whole number, found 2.5"
    assert say_error(message) == message


def test_the_page_refuses_a_wrong_file_and_says_a_bad_value_in_dutch(example) -> None:
    """Streamlit takes any file; ours refuses a text file in Dutch, and an uploaded
    scenario with a bad value shows its error fully in Dutch, the field in its words."""
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    before = at.session_state["scenario"]
    at.sidebar.file_uploader[0].upload("notities.txt", b"hallo", "text/plain").run()
    assert not at.exception and at.session_state["scenario"] == before
    shown = " ".join(str(e.value) for e in at.error)
    assert "notities.txt is geen bestand van het soort dat hier past: verwacht .toml" in shown
    data = copy.deepcopy(example)
    data["buildings"][0]["arrays"][0]["capacity_kwp"] = -1
    at.sidebar.file_uploader[0].upload("mijn.toml", tomli_w.dumps(data).encode(), "text/plain")
    at.run()
    errors = [str(e.value) for e in at.error]
    assert any("moet groter zijn dan 0; gevonden -1" in e for e in errors), errors
    assert not [e for e in errors if ENGLISH.search(e.replace("mijn.toml", ""))], errors
