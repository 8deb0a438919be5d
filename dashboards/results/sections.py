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

from contextlib import AbstractContextManager

from dashboards.shared import folding

OPEN_KEY = "results_open"
"""Session key of the sections open: section name -> open."""


def widget_key(name: str) -> str:
    """The key of a section's expander (``results_open_<name>``)."""
    return folding.widget_key(OPEN_KEY, name)


def folded(name: str, label: str, *, icon: str | None = None) -> AbstractContextManager[bool]:
    """A folded section of Results (:func:`dashboards.shared.folding.folded` under
    :data:`OPEN_KEY`): ``with folded(name, label) as shown:``."""
    return folding.folded(OPEN_KEY, name, label, icon=icon)
