"""The script streamlit runs: the energysim dashboard (:mod:`dashboards.main`).

    python -m streamlit run dashboards/app.py [-- --results-dir DIR]

from the repository root: ``python -m`` puts the root on ``sys.path``, so the dashboard's
modules import each other as the package ``dashboards``. ``streamlit run`` alone puts
only this folder there; the page then says, in Dutch and English, how to start it.
"""

from __future__ import annotations

import importlib.util

import streamlit as st

if importlib.util.find_spec("dashboards") is None:
    st.error(
        "Start het dashboard vanuit de map van energysim met "
        "`python -m streamlit run dashboards/app.py` (niet met `streamlit run`).\n\n"
        "Start the dashboard from the energysim folder with "
        "`python -m streamlit run dashboards/app.py` (not with `streamlit run`)."
    )
    st.stop()
else:
    from dashboards.main import main

    main()
