"""Results' folded sections: each one drawn only while its reader has it open.

Under the first screen (the answer per household, the headline figures, the owners)
Results lists its details as folded sections, in the page's order
(:func:`dashboards.results.view.page`): where the energy goes, the service-cost rules,
the benefit per household, who gains least, one household, every household, the sharing
keys. A folded section is an expander whose content streamlit runs only while it is
open (``on_change="rerun"``): a closed section costs the server nothing and the browser
one line, so a change of the scenario is on screen as soon as the first screen is.
Which sections are open is kept for the session (:data:`OPEN_KEY`), so after a change
on the Scenario page Results shows again what its reader had opened.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

OPEN_KEY = "results_open"
"""Session key of the sections open: section name -> open."""


def widget_key(name: str) -> str:
    """The key of a section's expander (``results_open_<name>``)."""
    return f"{OPEN_KEY}_{name}"


@contextmanager
def folded(name: str, label: str, *, icon: str | None = None) -> Iterator[bool]:
    """A folded section: ``with folded(...) as shown:`` draws its content inside when
    ``shown``; opening or closing it reruns the page (or the fragment it is in).

    Parameters
    ----------
    name : str
        The section's name, unique on the page (its widget key and its place in
        :data:`OPEN_KEY`).
    label : str
        What the closed section says (its heading, in the page's language).
    icon : str, optional
        A material icon before the label.
    """
    remembered: dict[str, bool] = st.session_state.setdefault(OPEN_KEY, {})
    box = st.expander(
        label,
        expanded=remembered.get(name, False),
        key=widget_key(name),
        on_change="rerun",
        icon=icon,
    )
    shown = bool(box.open)
    remembered[name] = shown
    with box:
        yield shown
