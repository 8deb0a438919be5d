"""An uploaded scenario never reaches a file on the server.

The scenario uploader runs the file on the server; a path field in it (``generation_csv``,
``weather.path``, a schedule key's ``path``, ``price_csv`` ...) would open any file the
server can read, and the parser's message would show its first line. Every path field of
an upload is refused unless it names a file shipped with the examples (the download of
the measured example must still upload and run).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from streamlit.testing.v1 import AppTest

from dashboards.shared import i18n, state
from dashboards.shared.upload_files import (
    MAX_SCENARIO_BYTES,
    MAX_SUMMARY_BYTES,
    MAX_TABLE_BYTES,
    refuse_large_file,
)
from energysim.batch.sweep import set_path
from energysim.config.data_files import path_fields
from energysim.config.scenario import Scenario
from energysim.core.errors import EnergysimError, ScenarioError
from tests.helpers import minimal

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "dashboards" / "app.py")

GALERIJFLAT = state.SCENARIO_DIR / "rotterdam-galerijflat.toml"
MEASURED = state.SCENARIO_DIR / "measured-complex.toml"
SECRET = "SECRET-FIRST-LINE"


def schema_path_fields() -> set[str]:
    """Every path-typed field of the Scenario, read from its JSON schema (``format:
    path``), as ``buildings[].battery.price_csv``: found independently of the code."""
    schema = Scenario.model_json_schema()
    defs = schema["$defs"]
    found: set[str] = set()

    def walk(node: Any, at: str, seen: tuple[str, ...]) -> None:
        if not isinstance(node, dict):
            return
        if node.get("format") == "path":
            found.add(at)
            return
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                walk(defs[name], at, (*seen, name))
            return
        for alternative in node.get("anyOf", []) + node.get("oneOf", []):
            walk(alternative, at, seen)
        if "items" in node:
            walk(node["items"], f"{at}[]", seen)
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], f"{at}.*", seen)
        for name, sub in node.get("properties", {}).items():
            walk(sub, f"{at}.{name}" if at else name, seen)

    walk(schema, "", ())
    return found


def holding(template: str, value: str) -> dict[str, Any]:
    """A scenario dict with ``value`` at the field ``template`` (``a[].b``: the first
    element of list ``a``)."""
    data: dict[str, Any] = {}
    node: Any = data
    parts = template.split(".")
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        name, is_list = part.removesuffix("[]"), part.endswith("[]")
        if last:
            node[name] = [value] if is_list else value
        elif is_list:
            node[name] = [{}]
            node = node[name][0]
        else:
            node = node.setdefault(name, {})
    return data


def toml_bytes(data: dict[str, Any]) -> bytes:
    return tomli_w.dumps(data).encode()


def good() -> dict[str, Any]:
    return tomllib.loads(GALERIJFLAT.read_text(encoding="utf-8"))


def refused(data: dict[str, Any], name: str = "upload.toml") -> str:
    with pytest.raises(ScenarioError) as info:
        state.parse_upload(toml_bytes(data), name)
    return str(info.value)


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A CSV on the server, outside the examples, whose first line must never show."""
    path = tmp_path / "server" / "secret.csv"
    path.parent.mkdir()
    path.write_text(f"{SECRET}\n1\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- every field
def test_every_path_field_of_the_scenario_model_is_checked() -> None:
    from_schema = schema_path_fields()
    assert {"generation_csv", "weather.path", "tariffs.supply_price_csv"} <= from_schema
    assert any(f.endswith("key.path") for f in from_schema)  # schedule keys
    assert path_fields() == from_schema


@pytest.mark.parametrize("template", sorted(schema_path_fields()))
def test_every_path_field_is_refused_in_an_upload(template: str, secret: Path) -> None:
    data = good()
    data.update(holding(template, str(secret)))
    message = refused(data, "evil.toml")
    concrete = template.replace("[]", "[0]")
    assert message.startswith("evil.toml: ")
    assert f"'{concrete}'" in message and str(secret) in message
    assert SECRET not in message
    assert "\n" not in message


# --------------------------------------------------------------------------- kinds of path
def escapes(secret: Path) -> dict[str, str]:
    """Ways to name the secret file from an upload (relative ones resolve against the
    examples folder)."""
    relative = os.path.relpath(secret, state.SCENARIO_DIR)
    return {
        "absolute": str(secret),
        "dot-dot": relative,
        "dot-dot inside a shipped folder": f"measured/../{relative}",
        "etc": "../../../../../../../../etc/hostname",
        "a repository file that is no example": "../dashboards/app.py",
        "a shipped folder": "measured",
        "missing": "absent.csv",
    }


@pytest.mark.parametrize("how", list(escapes(Path("/x/secret.csv"))))
@pytest.mark.parametrize("field", ["generation_csv", "weather.path"])
def test_absolute_and_dot_dot_paths_are_refused(how: str, field: str, secret: Path) -> None:
    value = escapes(secret)[how]
    data = set_path(good(), field, value)
    if field == "weather.path":
        data["weather"]["source"] = "csv"
    message = refused(data)
    assert f"'{field}'" in message and value in message
    assert SECRET not in message


def test_a_symlink_out_of_the_examples_is_refused(
    tmp_path: Path, secret: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    examples = tmp_path / "scenarios"
    (examples / "measured").mkdir(parents=True)
    (examples / "measured" / "real.csv").write_text("time,x\n", encoding="utf-8")
    (examples / "measured" / "link.csv").symlink_to(secret)
    (examples / "measured" / "linked-folder").symlink_to(secret.parent, target_is_directory=True)
    monkeypatch.setattr(state, "SCENARIO_DIR", examples)
    for value in ("measured/link.csv", "measured/linked-folder/secret.csv"):
        message = refused(set_path(good(), "consumption_csv", value))
        assert "'consumption_csv'" in message and value in message
        assert SECRET not in message
    for value in ("measured/real.csv", str(examples / "measured" / "real.csv")):
        data, _ = state.parse_upload(toml_bytes(set_path(good(), "consumption_csv", value)), "x")
        assert data["consumption_csv"] == value  # a real shipped file is taken in as given


def test_the_refusal_says_what_to_do_in_dutch_and_english() -> None:
    data = set_path(good(), "generation_csv", "/etc/hostname")
    for lang in ("nl", "en"):
        i18n.set_language(lang)
        try:
            message = refused(data, "evil.toml")
        finally:
            i18n.set_language(i18n.DEFAULT_LANGUAGE)
        fill = {"name": "evil.toml", "field": "generation_csv", "path": "/etc/hostname"}
        assert message == i18n.text(lang, "upload.server_file", **fill)
        assert "energysim run" in message and "measured-complex" in message


# --------------------------------------------------------------------------- shipped files
def test_the_measured_example_and_its_download_upload_and_run() -> None:
    example, source = state.load_example("measured-complex")
    assert source.kind == "example" and state.check(example, source).ok
    as_file = MEASURED.read_bytes()  # relative paths, resolved against the examples
    uploaded, upload_source = state.parse_upload(as_file, "measured-complex.toml")
    checked = state.check(uploaded, upload_source)
    assert checked.ok and checked.scenario is not None
    download = state.to_toml(checked.scenario)  # absolute paths to the shipped files
    assert str(state.SCENARIO_DIR / "measured" / "generation.csv") in download
    again, again_source = state.parse_upload(download.encode(), "downloaded.toml")
    rechecked = state.check(again, again_source)
    assert rechecked.ok and rechecked.scenario == checked.scenario


def test_the_upload_is_refused_on_the_page_and_the_scenario_stays(secret: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    before = at.session_state["scenario"]
    data = set_path(good(), "generation_csv", str(secret))
    at.sidebar.file_uploader[0].upload("evil.toml", toml_bytes(data), "application/toml").run()
    assert not at.exception
    assert at.session_state["scenario"] == before
    shown = " ".join(str(e.value) for e in at.error)
    assert "evil.toml" in shown and "'generation_csv'" in shown and SECRET not in shown
    assert i18n.text("nl", "session.upload_refused", message="").strip(". ") in shown


# --------------------------------------------------------------------------- upload limits
def test_streamlit_refuses_nothing_a_limit_of_ours_would_not_say_in_dutch() -> None:
    config = tomllib.loads((REPO / "dashboards" / ".streamlit" / "config.toml").read_text())
    hard_mb = config["server"]["maxUploadSize"]
    assert hard_mb < 200  # not Streamlit's default
    ours = (MAX_SCENARIO_BYTES, MAX_TABLE_BYTES, MAX_SUMMARY_BYTES)
    assert all(limit <= hard_mb * 1024 * 1024 for limit in ours)


def test_a_scenario_file_above_its_limit_is_refused_in_dutch() -> None:
    data = toml_bytes(good()) + b"# " + b"x" * MAX_SCENARIO_BYTES + b"\n"
    with pytest.raises(EnergysimError) as info:
        state.parse_upload(data, "groot.toml")
    size = f"{len(data) / 1_000_000:.1f}".replace(".", ",")  # 1,0: a decimal comma in Dutch
    assert str(info.value) == (
        f"groot.toml is {size} MB; het dashboard neemt een bestand van dit soort aan tot "
        "1 MB: reken grotere bestanden door met de opdrachtregel (energysim)"
    )


def test_a_register_above_its_limit_is_refused_before_it_is_saved() -> None:
    with pytest.raises(EnergysimError) as info:
        refuse_large_file(MAX_TABLE_BYTES + 1, "register.csv", MAX_TABLE_BYTES)
    assert str(info.value).startswith("register.csv is 5,0 MB; het dashboard neemt")
    refuse_large_file(MAX_TABLE_BYTES, "register.csv", MAX_TABLE_BYTES)  # at the limit


@pytest.mark.parametrize(
    ("dwellings", "step_min", "refused_too"),
    [(2_000, 15, False), (2_001, 15, True), (8_000, 60, False), (8_000, 15, True)],
)
def test_a_scenario_too_large_to_run_quickly_is_refused(
    dwellings: int, step_min: int, refused_too: bool
) -> None:
    data = minimal(time_step_min=step_min)
    building = data["buildings"][0]
    building.update(dwellings=dwellings, tenants={"participating": 1})
    del building["members"]
    if not refused_too:
        state.parse_upload(toml_bytes(data), "complex.toml")
        return
    message = refused(data, "complex.toml")
    limit = "2.000" if step_min == 15 else "8.000"
    assert message == (
        f"complex.toml is te groot om in het dashboard vlot door te rekenen: "
        f"{dwellings:,} huishoudens in stappen van {step_min} minuten, en het dashboard rekent "
        f"bij die stap tot {limit} huishoudens (een berekening van enkele seconden). Reken dit "
        "scenario door met de opdrachtregel: energysim run complex.toml"
    ).replace(",", ".", 1)


def test_the_page_says_the_limit_and_refuses_a_slow_scenario_in_dutch() -> None:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    uploader = at.sidebar.file_uploader[0]
    assert "Ten hoogste 1 MB." in uploader.help
    before = at.session_state["scenario"]
    data = good()
    data["buildings"][0]["dwellings"] = 8_000
    uploader.upload("groot.toml", toml_bytes(data), "application/toml").run()
    assert not at.exception
    assert at.session_state["scenario"] == before
    shown = " ".join(str(e.value) for e in at.error)
    assert "groot.toml is te groot om in het dashboard vlot door te rekenen" in shown
    assert "energysim run groot.toml" in shown and "Het scenario is niet veranderd." in shown
