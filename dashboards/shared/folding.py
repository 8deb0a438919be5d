"""A folded part of a page whose content is drawn only while its reader has it open.

A folded part is an expander whose content streamlit runs only while it is open
(``on_change="rerun"``): a closed part costs the server nothing and the browser one
line. Which parts are open is kept in the session under the page's own key, so after a
visit to another page (or a change of the scenario) the page shows again what its reader
had opened. Results (:mod:`dashboards.results.sections`) and the Scenario page
(:mod:`dashboards.scenario.view`) fold their details this way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st


def widget_key(open_key: str, name: str) -> str:
    """The key of a folded part's expander (``<open_key>_<name>``)."""
    return f"{open_key}_{name}"


@contextmanager
def folded(open_key: str, name: str, label: str, *, icon: str | None = None) -> Iterator[bool]:
    """``with folded(...) as shown:`` draws its content inside when ``shown``; opening
    or closing it reruns the page (or the fragment it is in).

    Parameters
    ----------
    open_key : str
        The session key of the page's open parts (name -> open).
    name : str
        The part's name, unique on the page (its widget key and its place under
        ``open_key``).
    label : str
        What the closed part says (its heading, in the page's language).
    icon : str, optional
        A material icon before the label.
    """
    remembered: dict[str, bool] = st.session_state.setdefault(open_key, {})
    box = st.expander(
        label,
        expanded=remembered.get(name, False),
        key=widget_key(open_key, name),
        on_change="rerun",
        icon=icon,
    )
    shown = bool(box.open)
    remembered[name] = shown
    with box:
        yield shown
