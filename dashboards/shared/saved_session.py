"""The session's scenario kept on the server, so a reload of the page does not lose it.

Streamlit forgets a session when the browser reloads the page: ``st.session_state`` is
new and empty. A volunteer who edited the default example for half an hour, or uploaded
a scenario, would then be back at the default example. So every session gets a random
token that stands in the page's address (``?sessie=...``) and names a small TOML file on
the server (:func:`session_dir`) holding what the session's scenario is: the scenario
dict as edited, the file's dict as loaded, where it came from and the page shown. A
reload (or the same address in a new tab) finds the file and picks up where the user was.

The file holds no more than the page itself shows and lets the user download; the
token is 128 random bits (:func:`secrets.token_urlsafe`), so an address cannot be
guessed, and a token that is not of that form is never turned into a path. Files not
touched for :data:`KEEP_DAYS` days are removed when a new session starts.
"""

from __future__ import annotations

import os
import re
import secrets
import time
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

URL_KEY = "sessie"
"""The query parameter that carries the session's token (Dutch, as the address is read)."""

ENV_DIR = "ENERGYSIM_SESSION_DIR"
"""Environment variable: the folder the sessions are kept in (tests, a server's disk)."""

KEEP_DAYS = 30
"""A session's file is removed after this many days without a change."""

_TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")
"""What :func:`new_token` makes: 16 random bytes in URL-safe base64 (22 characters)."""


def session_dir() -> Path:
    """The folder of the kept sessions: ``$ENERGYSIM_SESSION_DIR``, else the user's cache
    folder (``~/.cache/energysim/dashboard-sessions`` on Linux, as the profile cache)."""
    chosen = os.environ.get(ENV_DIR)
    if chosen:
        return Path(chosen)
    import platformdirs

    return Path(platformdirs.user_cache_dir("energysim", appauthor=False)) / "dashboard-sessions"


def new_token() -> str:
    """A fresh session token (128 random bits)."""
    return secrets.token_urlsafe(16)


def valid_token(token: object) -> bool:
    """Whether ``token`` is of the form :func:`new_token` makes (so it is safe as a file name)."""
    return isinstance(token, str) and _TOKEN.fullmatch(token) is not None


def _path(token: str) -> Path:
    if not valid_token(token):
        raise ValueError(f"session token: expected 22 URL-safe characters, found {token!r}")
    return session_dir() / f"{token}.toml"


def save(token: str, record: Mapping[str, Any]) -> None:
    """Keep ``record`` (TOML-able: the scenario dicts, the source's words, the page) for
    ``token``, replacing the earlier one whole (written beside it, then renamed, so a
    reload never reads half a file)."""
    path = _path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(f".{os.getpid()}.part")
    part.write_bytes(tomli_w.dumps(dict(record)).encode("utf-8"))
    os.replace(part, path)


def load(token: object) -> dict[str, Any] | None:
    """The record kept for ``token``; None when the token is not one of ours or has no
    record (expired, another server). A record that cannot be read is removed and None
    is returned: the user starts afresh rather than with half a scenario."""
    if not valid_token(token):
        return None
    path = _path(str(token))
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        path.unlink(missing_ok=True)
        return None


def remove_old(now_s: float | None = None, keep_days: float = KEEP_DAYS) -> int:
    """Remove the records not changed for ``keep_days`` days; returns how many."""
    folder = session_dir()
    if not folder.is_dir():
        return 0
    limit = (time.time() if now_s is None else now_s) - keep_days * 86400.0
    removed = 0
    for path in folder.glob("*.toml"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another session removed it first
            continue
    return removed
