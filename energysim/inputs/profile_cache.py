"""A persistent cache of year profiles that take long to compute and never change.

A run of the default scenario spends most of its time on things that are the same in
every run at the same site: the solar position of every interval of the year and the
generation of 1 kWp of each roof orientation in the embedded weather. This module keeps
such arrays on disk, in the user's cache folder, so a second run (or a second complex of
a portfolio, or the dashboard after a restart) reads them in milliseconds and does not
even import pvlib.

Every entry is keyed by *all* that its values depend on: the caller's inputs (site, year,
time step, seed, the plane's figures ...), the package version, the versions of numpy
and pvlib, and a fingerprint of the source of the modules and data files that compute it
(so editing the model invalidates the cache, released or not). Values are stored exactly
(float64 ``.npy``), so a result is the same whether it came from the cache or not.

Every entry carries a checksum of its bytes (:data:`TRAILER`: the CRC-32 of the ``.npy``
bytes, after them), checked on every read: an entry damaged without changing its size
(zero-filled by a crash of the file system, one flipped bit) is computed again and
replaced, like a truncated one, and the run goes on as if it had not been cached. The
check reads nothing more than the entry and costs about 0.2 ms per 0.3 MB entry (a year
of quarter-hours), 0.3-0.5 ms for a 1.1 MB chunk of the household pool (zlib's CRC-32,
1-3 GB/s; measured on the 2-core test machine), against 0.2 s for a warm run of the
default example.

Where: ``$ENERGYSIM_CACHE_DIR`` if set, else the platform's user cache folder
(``platformdirs``: ``~/.cache/energysim`` on Linux, ``~/Library/Caches/energysim`` on
macOS, ``%LOCALAPPDATA%\\energysim\\Cache`` on Windows). Switched off when
``ENERGYSIM_NO_CACHE`` is set to anything but ``""`` or ``0``. Deleting the folder is
always safe.

Concurrent writers (batch workers, several dashboards) are safe: each writes a temporary
file in the cache folder and renames it into place atomically, so a reader sees a whole
entry or none. An unreadable entry (truncated, wrong shape) is computed again and
replaced. A cache that cannot be written (read-only home, full disk) leaves the run
uncached, never wrong.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import struct
import tempfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from energysim.core.version import __version__

CACHE_DIR_ENV = "ENERGYSIM_CACHE_DIR"
"""Environment variable naming the cache folder (overrides the platform default)."""
NO_CACHE_ENV = "ENERGYSIM_NO_CACHE"
"""Environment variable that switches the cache off (any value but ``""`` and ``"0"``)."""
FORMAT_VERSION = 2
"""Bumped when the layout of entries changes (2: the checksum trailer)."""
TRAILER = struct.Struct("<8sI")
"""What follows an entry's ``.npy`` bytes: :data:`MAGIC` and the CRC-32 of those bytes."""
MAGIC = b"escrc32\n"

_PACKAGE_DIR = Path(__file__).resolve().parents[1]


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is switched off.

    Read from the environment at every call, so a test or a batch can redirect or
    disable it at any time.
    """
    if os.environ.get(NO_CACHE_ENV, "") not in ("", "0"):
        return None
    given = os.environ.get(CACHE_DIR_ENV, "")
    if given:
        return Path(given)
    import platformdirs

    return Path(platformdirs.user_cache_dir("energysim", appauthor=False))


@cache
def code_fingerprint(files: tuple[str, ...], libraries: tuple[str, ...]) -> str:
    """Hash of the package version, library versions and the given package files.

    Parameters
    ----------
    files : tuple of str
        Paths relative to the ``energysim`` package folder (modules, data files) whose
        content determines the cached values.
    libraries : tuple of str
        Distributions whose version determines them (e.g. ``"numpy"``, ``"pvlib"``).
    """
    digest = hashlib.sha256(f"energysim {__version__}\n".encode())
    for name in libraries:
        digest.update(f"{name} {library_version(name)}\n".encode())
    for rel in files:
        digest.update(rel.encode() + b"\n")
        digest.update((_PACKAGE_DIR / rel).read_bytes())
    return digest.hexdigest()


@cache
def library_version(name: str) -> str:
    """The installed version of distribution ``name``, without importing it.

    Reads the ``Version:`` field of the distribution's core metadata (the header of its
    ``METADATA`` file, https://packaging.python.org/specifications/core-metadata/)
    directly: :func:`importlib.metadata.version` parses the whole file as an e-mail
    message, which took 10 ms per library, a twentieth of a warm run. Falls back to
    :func:`importlib.metadata.version` when the file has no such line.
    """
    text = metadata.distribution(name).read_text("METADATA") or ""
    for line in text.splitlines():
        if not line:  # the header ends at the first empty line
            break
        if line.startswith("Version:"):
            return line.removeprefix("Version:").strip()
    return metadata.version(name)


def entry_path(kind: str, inputs: Mapping[str, Any], fingerprint: str) -> Path | None:
    """Where the entry of ``kind`` for ``inputs`` lives (None when the cache is off)."""
    folder = cache_dir()
    if folder is None:
        return None
    text = json.dumps(
        {"format": FORMAT_VERSION, "kind": kind, "inputs": inputs, "code": fingerprint},
        sort_keys=True,
        default=repr,
    )
    name = hashlib.sha256(text.encode()).hexdigest()[:40]
    return folder / f"v{FORMAT_VERSION}" / kind / f"{name}.npy"


def cached_array(
    kind: str,
    inputs: Mapping[str, Any],
    shape: Sequence[int],
    compute: Callable[[], NDArray[np.float64]],
    *,
    files: tuple[str, ...],
    libraries: tuple[str, ...] = ("numpy",),
) -> NDArray[np.float64]:
    """Return the float64 array of ``kind`` for ``inputs``: from the cache, or computed.

    Parameters
    ----------
    kind : str
        Name of the quantity (a folder of the cache), e.g. ``"per_kwp_generation"``.
    inputs : mapping
        Everything the values depend on besides code and library versions; must be
        JSON-serialisable (floats are written with their full precision).
    shape : sequence of int
        Expected shape; an entry of another shape is computed again.
    compute : callable
        Computes the array when it is not cached.
    files, libraries
        See :func:`code_fingerprint`.

    Returns
    -------
    numpy.ndarray
        Read-only, float64, of ``shape``; bit-identical to ``compute()``.
    """
    path = entry_path(kind, inputs, code_fingerprint(files, libraries))
    if path is not None:
        values = _read(path, tuple(shape))
        if values is not None:
            return values
    values = np.ascontiguousarray(compute(), dtype=np.float64)
    if values.shape != tuple(shape):
        raise ValueError(f"cache: {kind}: computed shape {values.shape}, expected {tuple(shape)}")
    if path is not None:
        _write(path, values)
    values.flags.writeable = False
    return values


_HEADER_MAX_BYTES = 10 + 65535
"""The longest header of a version 1.0 ``.npy`` file (what :func:`numpy.save` writes for
any array that is not a record of very many fields)."""


def _read(path: Path, shape: tuple[int, ...]) -> NDArray[np.float64] | None:
    """The entry at ``path`` when it is whole: its checksum right and its array float64
    of ``shape``; else None (absent, truncated, damaged or of another layout)."""
    try:
        data = path.read_bytes()
    except OSError:  # absent or unreadable
        return None
    if len(data) < TRAILER.size:
        return None
    magic, crc = TRAILER.unpack_from(data, len(data) - TRAILER.size)
    payload = memoryview(data)[: len(data) - TRAILER.size]
    if magic != MAGIC or zlib.crc32(payload) != crc:
        return None
    try:  # the header from its bytes only (a copy of the whole entry would double the read)
        stream = io.BytesIO(payload[:_HEADER_MAX_BYTES])
        if np.lib.format.read_magic(stream) != (1, 0):
            return None
        header = np.lib.format.read_array_header_1_0(stream)
    except (ValueError, OSError, EOFError, SyntaxError):
        return None
    stored_shape, fortran_order, dtype = header
    count = int(np.prod(shape))
    if stored_shape != shape or fortran_order or dtype != np.float64:
        return None
    if len(payload) - stream.tell() != count * 8:
        return None
    values = np.frombuffer(data, np.float64, count, offset=stream.tell()).reshape(shape)
    return values  # read-only: a view of the file's bytes


def _entry_bytes(values: NDArray[np.float64]) -> bytes:
    """The ``.npy`` bytes of ``values`` followed by :data:`TRAILER`."""
    stream = io.BytesIO()
    np.save(stream, values, allow_pickle=False)
    payload = stream.getvalue()
    return payload + TRAILER.pack(MAGIC, zlib.crc32(payload))


def _write(path: Path, values: NDArray[np.float64]) -> None:
    """Write atomically: a temporary file in the same folder, renamed into place."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    except OSError:  # read-only or full: the run goes on uncached
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(_entry_bytes(values))
        os.replace(tmp, path)
    except BaseException as exc:  # never leave a temporary file behind
        with contextlib.suppress(OSError):
            Path(tmp).unlink(missing_ok=True)
        if not isinstance(exc, OSError):  # a full disk is no error of the run
            raise
