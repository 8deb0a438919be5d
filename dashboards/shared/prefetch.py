"""A scenario's run started in the background once it passes its checks.

The Scenario page does not run the scenario (it only checks it, so an edit is on screen
at once); Results runs it, cached by the scenario's content
(:func:`dashboards.shared.banner.cached_run`). So that Results need not wait the whole
run after the click, the Scenario page hands the checked scenario to :func:`start`: one
worker thread of the server runs it into that same cache while the browser draws the
form. Results then finds it cached, or waits for the rest of it (streamlit's cache lets
a second caller of a value being computed wait for it rather than compute it again).

One run at a time, server-wide, and only the latest asked for: a scenario asked for
while another runs replaces any that waits, so a burst of edits costs at most the run in
progress and the last one, never a queue. A run that fails is not kept (streamlit caches
no exception); Results then runs it itself and says why it fails.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

_lock = threading.Condition()
_waiting: tuple[Callable[[str], Any], str] | None = None
_running = False
_worker: threading.Thread | None = None


def start(run: Callable[[str], Any], scenario_json: str) -> None:
    """Have the worker call ``run(scenario_json)`` (the cached run) soon, in place of any
    run that has not begun yet; returns at once."""
    global _waiting, _worker
    with _lock:
        _waiting = (run, scenario_json)
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_work, name="energysim-prefetch", daemon=True)
            _worker.start()
        _lock.notify_all()


def _work() -> None:
    global _waiting, _running
    while True:
        with _lock:
            while _waiting is None:
                _lock.wait()
            run, scenario_json = _waiting
            _waiting, _running = None, True
        try:
            run(scenario_json)
        except Exception:  # noqa: BLE001 - Results runs it again and says why it fails
            pass
        finally:
            with _lock:
                _running = False
                _lock.notify_all()


def idle(timeout_s: float = 60.0) -> bool:
    """Wait until no run is in progress or waiting (for tests); whether that happened
    within ``timeout_s``."""
    with _lock:
        return _lock.wait_for(lambda: _waiting is None and not _running, timeout=timeout_s)
