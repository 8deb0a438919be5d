"""A reload of the dashboard keeps the session's scenario (dashboards/shared/saved_session.py).

Streamlit forgets a session when the browser reloads the page; the dashboard keeps the
scenario on the server under the token in the address (``?sessie=...``). Here a reload is
a new AppTest given the first one's address; the browser's own reload is in
tests/test_dashboard_browser.py.
"""

from __future__ import annotations

import os
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboards.shared import saved_session, state

APP = str(Path(__file__).resolve().parents[1] / "dashboards" / "app.py")
CAPACITY = "buildings[0].arrays[2].capacity_kwp"


def start(query: dict[str, Any] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params.update(query or {})
    at.run()
    assert not at.exception
    return at


def example(name: str) -> dict[str, Any]:
    return tomllib.loads((state.SCENARIO_DIR / f"{name}.toml").read_text(encoding="utf-8"))


def field_key(at: AppTest, path: str) -> str:
    return f"form{at.session_state['rev']}:{path}"


def test_a_token_is_safe_as_a_file_name_and_nothing_else_is_read() -> None:
    token = saved_session.new_token()
    assert saved_session.valid_token(token)
    for bad in ("../../etc/passwd", "", "x" * 21, token + "a", "a/b" + token[3:], None, 12):
        assert not saved_session.valid_token(bad)
        assert saved_session.load(bad) is None
    with pytest.raises(ValueError, match="session token"):
        saved_session.save("../escape", {"a": 1})


def test_a_record_is_kept_whole_and_a_broken_one_is_dropped(tmp_path: Path) -> None:
    token = saved_session.new_token()
    record = {"format": 1, "scenario": example("walkup-portiekflat"), "page": "results"}
    saved_session.save(token, record)
    assert saved_session.load(token) == record  # TOML types kept (ints stay ints)
    path = saved_session.session_dir() / f"{token}.toml"
    path.write_text("scenario = {", encoding="utf-8")  # half a file, as a full disk leaves
    assert saved_session.load(token) is None
    assert not path.exists()


def test_old_records_are_removed() -> None:
    old, new = saved_session.new_token(), saved_session.new_token()
    saved_session.save(old, {"format": 1})
    saved_session.save(new, {"format": 1})
    month_ago = time.time() - 31 * 86400
    os.utime(saved_session.session_dir() / f"{old}.toml", (month_ago, month_ago))
    assert saved_session.remove_old() >= 1
    assert saved_session.load(old) is None
    assert saved_session.load(new) == {"format": 1}


def test_an_edit_and_the_page_survive_a_reload() -> None:
    at = start()
    token = at.query_params[saved_session.URL_KEY]
    token = token[0] if isinstance(token, list) else token
    assert saved_session.valid_token(token)
    at.text_input(key=field_key(at, CAPACITY)).set_value("60,5").run()
    at.sidebar.radio(key="page").set_value("results").run()
    edited = at.session_state["scenario"]
    assert edited["buildings"][0]["arrays"][2]["capacity_kwp"] == 60.5

    again = start({saved_session.URL_KEY: token})  # the same address in a fresh session
    assert again.session_state["scenario"] == edited
    assert again.session_state["original"] == example("rotterdam-galerijflat")
    assert again.session_state["page"] == "results"
    assert "aangepast" in again.sidebar.markdown[0].value


def test_an_unknown_address_starts_afresh_with_a_new_token() -> None:
    unknown = saved_session.new_token()
    at = start({saved_session.URL_KEY: unknown})
    assert at.session_state["scenario"] == example("rotterdam-galerijflat")
    assert at.session_state["session_token"] != unknown
    assert saved_session.load(at.session_state["session_token"]) is not None


def test_an_edited_example_offers_to_start_again_from_it() -> None:
    at = start()
    assert not [b for b in at.sidebar.button if b.key == "example_again"]
    at.text_input(key=field_key(at, CAPACITY)).set_value("60").run()
    offer = [b for b in at.sidebar.button if b.key == "example_again"]
    assert offer and offer[0].label == "Opnieuw beginnen met dit voorbeeld"
    offer[0].click().run()
    assert at.session_state["scenario"] == example("rotterdam-galerijflat")
    assert not [b for b in at.sidebar.button if b.key == "example_again"]
    kept = saved_session.load(at.session_state["session_token"])
    assert kept is not None and kept["scenario"] == example("rotterdam-galerijflat")
