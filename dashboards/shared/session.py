"""The session's one source of truth: the scenario dict, where it came from, its checks.

``st.session_state`` holds the scenario dict being explored (``scenario``), the file it
came from (``source``) and that file's dict as loaded (``original``). Widgets never hold
the truth: each is seeded from the dict when it appears and writes back through
:func:`commit_field`; choosing an example or uploading a file replaces the dict whole
and gives the form fresh widgets (``rev``). Callbacks run before the page and must not
raise: what goes wrong is kept in ``load_error`` and shown at the top of the page.
Uploaded registers and portfolios are saved in the session's own temporary folder
(``_upload_dir``). The scenario, where it came from and the page shown are also kept on
the server under the token in the page's address (:mod:`dashboards.shared.saved_session`),
so a reload of the page picks up where the user was.
"""

from __future__ import annotations

import copy
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from dashboards.shared import form, i18n, numbers, saved_session, state
from dashboards.shared.engine_errors import say_error
from dashboards.shared.i18n import t
from dashboards.shared.upload_files import MAX_TABLE_BYTES, refuse_large_file, refuse_wrong_type
from energysim.core.errors import EnergysimError


def apology_text() -> str:
    """The apology for an unexpected failure, in the current language."""
    return t("session.apology")


def replace(data: dict[str, Any], source: state.Source) -> None:
    """Make ``data`` the scenario of the session, whole: every page runs it from now."""
    ss = st.session_state
    ss["scenario"] = data
    ss["original"] = copy.deepcopy(data)
    ss["source"] = source
    ss["rev"] = ss.get("rev", 0) + 1
    ss["load_error"] = None


def ensure() -> None:
    """Start a session: the one the page's address names (a reload, a copied address),
    else a new one with the default example; the address then names this session."""
    ss = st.session_state
    if "scenario" in ss:
        return
    token = st.query_params.get(saved_session.URL_KEY)
    record = saved_session.load(token)
    if record is None or not _restored(record):
        data, source = state.load_example(state.DEFAULT_EXAMPLE)
        replace(data, source)
        ss["example"] = state.DEFAULT_EXAMPLE
        token = saved_session.new_token()
        saved_session.remove_old()
    ss["session_token"] = token
    st.query_params[saved_session.URL_KEY] = str(token)


def _record() -> dict[str, Any]:
    """What a reload needs of this session (TOML-able)."""
    ss = st.session_state
    src = source()
    return {
        "format": 1,
        "source": {"name": src.name, "kind": src.kind, "base_dir": str(src.base_dir)},
        "example": ss.get("example") or "",
        "page": ss.get("page") or "",
        "scenario": ss["scenario"],
        "original": ss["original"],
    }


def _restored(record: dict[str, Any]) -> bool:
    """Make a kept record the session (False, and nothing changed, when it is not one this
    version wrote, or its example or folder is gone)."""
    try:
        src = record["source"]
        if record.get("format") != 1 or src["kind"] not in ("example", "upload"):
            return False
        source = state.Source(str(src["name"]), src["kind"], Path(src["base_dir"]))
        scenario, original = record["scenario"], record["original"]
        if not (isinstance(scenario, dict) and isinstance(original, dict)):
            return False
    except (KeyError, TypeError):
        return False
    if not source.base_dir.is_dir():
        return False
    ss = st.session_state
    ss["scenario"], ss["original"], ss["source"] = scenario, original, source
    ss["rev"], ss["load_error"] = 1, None
    example = record.get("example")
    ss["example"] = example if example in state.examples() else None
    if record.get("page"):
        ss["page"] = record["page"]
    ss["_kept"] = copy.deepcopy(record)
    return True


def keep() -> None:
    """Keep the session on the server when it changed since it was last kept (after the
    callbacks of a rerun, before the page is drawn). A record that cannot be written is
    said once at the top: the page works on, but a reload would lose the edits."""
    ss = st.session_state
    record = _record()
    if ss.get("_kept") == record:
        return
    try:
        saved_session.save(str(ss["session_token"]), record)
    except (OSError, TypeError, ValueError) as exc:
        st.warning(t("session.not_kept", error=type(exc).__name__), icon=":material/warning:")
        return
    ss["_kept"] = copy.deepcopy(record)


def data() -> dict[str, Any]:
    """The scenario dict of the session."""
    return st.session_state["scenario"]


def source() -> state.Source:
    """Where the session's scenario came from."""
    return st.session_state["source"]


def edited() -> bool:
    """Whether the form changed the scenario since it was loaded."""
    return bool(st.session_state["scenario"] != st.session_state["original"])


def title() -> str:
    """Which scenario the page shows, as a user names it: file, origin, edited."""
    src = source()
    kind = t("session.example") if src.kind == "example" else t("session.uploaded")
    state_ = f", {t('session.edited')}" if edited() else ""
    return f"**{src.name}** ({kind}{state_})"


def field_label(f: form.FormField) -> str:
    """A form field's label in the current language (``name``: its roof array)."""
    return t(f.label, name=f.name) if f.name is not None else t(f.label)


def said(message: object) -> str:
    """An engine error in the page's language, a scenario field named in the form's
    words, without server paths (:mod:`dashboards.shared.engine_errors`)."""
    fields = (
        {f.path: field_label(f) for f in form.form_fields(data())}
        if "scenario" in st.session_state
        else {}
    )
    return say_error(message, fields)


def check() -> state.Check:
    """The session's scenario validated through the library."""
    return state.check(data(), source())


def widget_key(path: str) -> str:
    """The key of a form widget: new keys for every scenario loaded, so a loaded file's
    values are shown and not the previous widgets' leftovers."""
    return f"form{st.session_state['rev']}:{path}"


def saved_upload(upload: Any) -> Path:
    """An uploaded file saved in the session's private temporary folder (the library
    reads registers and portfolios from files); returns its path. A file above
    :data:`~dashboards.shared.upload_files.MAX_TABLE_BYTES` is refused (DataError)."""
    refuse_large_file(len(upload.getvalue()), upload.name, MAX_TABLE_BYTES)
    folder = Path(st.session_state.setdefault("_upload_dir", tempfile.mkdtemp(prefix="energysim-")))
    path = folder / Path(upload.name).name
    path.write_bytes(upload.getvalue())
    return path


def remember_error(message: str, detail: str | None = None) -> None:
    """Keep a callback's failure for the top of the page."""
    st.session_state["load_error"] = (message, detail)
    st.session_state["refused_field"] = None


# --------------------------------------------------------------------------- callbacks
def refused_text(f: form.FormField, refused: numbers.NumberRefused) -> str:
    """One line on a typed number the form did not take: the field, why, and that the
    scenario keeps its value."""
    reason = {
        "ambiguous": t("numbers.ambiguous", **refused.fill),
        "whole": t("numbers.whole", **refused.fill),
    }.get(refused.reason, t("numbers.unreadable"))
    return t("numbers.refused", field=field_label(f), reason=reason)


def refused_at(path: str) -> str | None:
    """The message on a number just refused at this field, if any (shown beside it)."""
    failure = st.session_state.get("load_error")
    if failure and st.session_state.get("refused_field") == path:
        return str(failure[0])
    return None


def fresh_widgets() -> None:
    """Give the form new widgets (they show the scenario's values again): after a
    change of language, so numbers are shown with the new language's decimal mark."""
    if "rev" in st.session_state:
        st.session_state["rev"] += 1


def commit_field(f: form.FormField) -> None:
    """on_change of a form widget: write its value into the scenario dict; a number
    field's text is read the Dutch or English way (:mod:`dashboards.shared.numbers`), and
    a text it cannot read for sure leaves the scenario as it was, saying why."""
    ss = st.session_state
    try:
        shown = ss[widget_key(f.path)]
        if f.kind in ("int", "float"):
            shown = form.typed_number(f, str(shown), i18n.language())
        ss["scenario"] = form.commit(ss["scenario"], ss["original"], f, shown)
        ss["load_error"] = None
        return
    except numbers.NumberRefused as refused:
        remember_error(refused_text(f, refused))
        ss["refused_field"] = f.path  # said at the field too, where the user typed
    except EnergysimError as exc:
        remember_error(f"{field_label(f)}: {said(exc)}")
    except Exception:  # noqa: BLE001 - never a traceback on the page
        remember_error(apology_text(), traceback.format_exc())
    ss["rev"] += 1  # the value was not taken: show the scenario's value again


def edit(
    change: Callable[[dict[str, Any]], dict[str, Any]], what: str, fresh: bool = False
) -> None:
    """Change the scenario dict with ``change`` (given a copy, returns the new dict),
    keeping where it came from: the title then says "edited" and Undo goes back to the
    file. ``fresh``: every widget shows the new dict's values (a change of many fields,
    such as applying a design). For callbacks of widgets that are not one form field."""
    ss = st.session_state
    try:
        ss["scenario"] = change(copy.deepcopy(ss["scenario"]))
        ss["load_error"] = None
        if fresh:
            ss["rev"] += 1
    except EnergysimError as exc:
        remember_error(f"{what}: {said(exc)}")
    except Exception:  # noqa: BLE001 - never a traceback on the page
        remember_error(apology_text(), traceback.format_exc())


def choose_example() -> None:
    """on_change of the example selector: the example replaces the scenario."""
    name = st.session_state.get("example")
    if not name:
        return
    try:
        replace(*state.load_example(name))
    except Exception:  # noqa: BLE001 - an example that cannot be read is our bug
        remember_error(apology_text(), traceback.format_exc())


def upload_key() -> str:
    """The key of the scenario uploader (a fresh one after each file is taken in)."""
    return f"upload{st.session_state.get('upload_rev', 0)}"


def take_upload() -> None:
    """on_change of the uploader: the file replaces the scenario, whatever it holds.

    A file that is not TOML is refused (the scenario stays); any TOML table becomes the
    scenario, and what is wrong with it is shown at the top and at the field.
    """
    ss = st.session_state
    upload = ss.get(upload_key())
    if upload is None:
        return
    ss["upload_rev"] = ss.get("upload_rev", 0) + 1  # an empty uploader for the next file
    try:
        refuse_wrong_type(upload.name, (".toml",))
        replace(*state.parse_upload(upload.getvalue(), upload.name))
        ss["example"] = None
    except EnergysimError as exc:
        remember_error(t("session.upload_refused", message=said(exc)))
    except Exception:  # noqa: BLE001 - never a traceback on the page
        remember_error(apology_text(), traceback.format_exc())


def reset() -> None:
    """Button: discard the form's edits (the file's values again; for an example, the
    example as it ships)."""
    replace(copy.deepcopy(st.session_state["original"]), source())


# --------------------------------------------------------------------------- messages
def show_load_error() -> None:
    """The last callback's failure, if any, at the top of the page."""
    failure = st.session_state.get("load_error")
    if failure:
        message, detail = failure
        st.error(message, icon=":material/error:")
        if detail:
            with st.expander(t("session.details")):
                st.code(detail, language=None)


def apologise() -> None:
    """For an exception nobody expected: a short apology, the traceback folded away."""
    st.error(apology_text(), icon=":material/error:")
    with st.expander(t("session.details")):
        st.code(traceback.format_exc(), language=None)


def guarded(page: Any) -> None:
    """Run a page; a library error shows its one-line message, anything else an apology
    with the detail folded away. No traceback reaches the page."""
    try:
        page()
    except EnergysimError as exc:
        st.error(t("session.library_error", message=said(exc)), icon=":material/error:")
    except Exception:  # noqa: BLE001 - never a traceback on the page
        apologise()
