"""energysim's Streamlit dashboard: one sub-package per page, and what the pages share.

Started from the repository root (which puts the root on ``sys.path``, so the modules
import each other by their full names, ``dashboards.shared.i18n``)::

    python -m streamlit run dashboards/app.py [-- --results-dir DIR]

``app.py`` is the script streamlit runs; it starts ``main.py``: the sidebar and the page
chosen. Each page's
folder holds its view (``view.py``: the streamlit calls), its state (plain Python,
testable without a browser) and its charts (plotly figures); ``shared/`` holds the
words, number formats, the session's scenario, downloads and the engine's messages.
"""
