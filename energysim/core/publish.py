"""Writers at the edge: JSON and CSV files, and a result folder published atomically.

A result is written into a temporary folder beside its place and swapped in only when
complete (on Linux in one ``renameat2(RENAME_EXCHANGE)`` step), so an earlier result is
kept until the new one is whole, also when the process is killed or two processes
publish the same result at once; files beside it are never touched.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import re
import secrets
import shutil
import socket
import stat
import sys
import zlib
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from energysim.core.errors import DataError


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented UTF-8 JSON (no NaN: they become null)."""

    def clean(obj: Any) -> Any:
        if isinstance(obj, dict):
            return {str(k): clean(v) for k, v in obj.items()}
        if isinstance(obj, list | tuple):
            return [clean(v) for v in obj]
        if isinstance(obj, float | np.floating):
            value = float(obj)
            return value if np.isfinite(value) else None
        if isinstance(obj, np.integer):
            return int(obj)
        if isinstance(obj, np.bool_):
            return bool(obj)
        return obj

    path.write_text(json.dumps(clean(data), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_csv(
    path: Path, frame: pd.DataFrame, *, index: bool = False, dialect: str = "standard"
) -> None:
    """Write a frame as CSV with ISO-8601 times: a comma and a decimal point, or in
    another dialect of :mod:`energysim.core.csv_dialect` (``nl``: semicolon, decimal comma)."""
    from energysim.core.csv_dialect import write_csv_file

    write_csv_file(path, frame, dialect, index=index)


OS_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
"""Files a desktop drops into any folder it shows; a result folder may hold them."""

_HOST = f"{zlib.crc32(socket.gethostname().encode()):08x}"
_TEMP_TAG = re.compile(r"^(?P<host>[0-9a-f]{8})-(?P<pid>\d+)-[0-9a-f]+$")


def _output_error(place: Path, exc: OSError) -> DataError:
    """A one-line error for an output place that cannot be written."""
    return DataError(
        f"{place}: cannot write results there ({exc.strerror or exc}); give --out a folder "
        "you can write to"
    )


def ensure_output_dir(folder: Path) -> Path:
    """Create an output folder (and its parents) or raise a one-line :class:`DataError`.

    Raises
    ------
    DataError
        When ``folder`` or a parent is a file, or cannot be created (permissions, a
        read-only or virtual file system such as /proc).
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _output_error(folder, exc) from None
    if not folder.is_dir():
        raise DataError(f"{folder}: exists and is not a folder; give --out a folder")
    return folder


def _temp_name(prefix: str) -> str:
    """``<prefix><host>-<pid>-<random>``: whose it is, so a dead writer's can be removed."""
    return f"{prefix}{_HOST}-{os.getpid()}-{secrets.token_hex(4)}"


def make_temp_dir(parent: Path, prefix: str) -> Path:
    """Create a new empty folder in ``parent``, with the user's umask (not 0700).

    :func:`tempfile.mkdtemp` makes folders only their owner can read; results are meant
    to be shared like any file the user writes, so the mode is ``0o777 & ~umask``.
    """
    for _ in range(100):
        path = parent / _temp_name(prefix)
        try:
            path.mkdir(mode=0o777)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(parent / prefix))


def make_temp_file(parent: Path, prefix: str, suffix: str = "") -> Path:
    """Create a new empty file in ``parent`` with the user's umask (not 0600)."""
    for _ in range(100):
        path = parent / (_temp_name(prefix) + suffix)
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(parent / prefix))


def write_text_atomically(path: Path, text: str) -> None:
    """Write a text file completely under a temporary name, then rename it into place."""
    tmp = make_temp_file(path.parent, f".{path.name}.")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _remove_dead_writers_temp(parent: Path, name: str) -> None:
    """Clear what killed writers of ``name`` on this machine left beside it.

    Their temporary folders are removed. Where a writer without the atomic exchange
    was killed after moving the previous result aside (``.<name>.old-*``) and before
    moving the new one in, the previous result is first put back.
    """
    for kind in (".old-", ".tmp-"):
        prefix = f".{name}{kind}"
        for path in parent.glob(f".{name}{kind}*"):
            tag = _TEMP_TAG.match(path.name[len(prefix) :])
            if not tag or tag["host"] != _HOST or _pid_alive(int(tag["pid"])):
                continue
            final_dir, moved = parent / name, path / name
            if kind == ".old-" and moved.is_dir() and not final_dir.exists():
                try:
                    os.rename(moved, final_dir)
                except OSError:
                    pass  # another writer put a result in place meanwhile
            shutil.rmtree(path, ignore_errors=True)


def _check_not_a_file(final_dir: Path) -> None:
    """Refuse a file or a symbolic link where the result folder goes (one ``lstat``, so a
    folder another writer is swapping meanwhile is not mistaken for a file)."""
    try:
        mode = os.lstat(final_dir).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(mode):
        raise DataError(
            f"{final_dir}: exists and is not a result folder; move it or choose another --out"
        )


def _check_replaceable(final_dir: Path, allowed: Collection[str]) -> None:
    """Refuse to replace anything but a folder of this result's own files."""
    _check_not_a_file(final_dir)
    try:
        names = os.listdir(final_dir)
    except (FileNotFoundError, NotADirectoryError):  # not there (or being swapped)
        return
    foreign = sorted(name for name in names if name not in allowed)
    if foreign:
        shown = ", ".join(foreign[:3]) + (" ..." if len(foreign) > 3 else "")
        raise DataError(
            f"{final_dir}: holds files energysim did not write ({shown}); move them or "
            "choose another --out (a result folder is replaced as a whole)"
        )


_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2
_AT_FDCWD = -100


def _renameat2() -> Any:
    """glibc's ``renameat2`` (Linux 3.15+, glibc 2.28+), or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        func = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func


_RENAMEAT2 = _renameat2()


def _rename2(src: Path, dst: Path, flags: int) -> int:
    """``renameat2(src, dst, flags)``: 0, or the errno of the failure."""
    if _RENAMEAT2(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), flags) == 0:
        return 0
    return ctypes.get_errno()


def _swap_into_place(tmp: Path, final_dir: Path) -> None:
    """Put the complete folder ``tmp`` at ``final_dir``; remove what was there before.

    On Linux the swap is one atomic ``renameat2(RENAME_EXCHANGE)``: at every instant
    ``final_dir`` is either the old complete result or the new one, even when the
    process is killed or another process publishes the same result at the same time
    (the last one to swap wins; each removes what it swapped out). Elsewhere (or on a
    file system without the exchange) the old folder is first renamed aside.
    """
    if _RENAMEAT2 is not None:
        for _ in range(1000):
            code = _rename2(tmp, final_dir, _RENAME_EXCHANGE)
            if code == 0:  # tmp now holds the previous result
                shutil.rmtree(tmp, ignore_errors=True)
                return
            if code == errno.ENOENT:  # nothing there yet: move in unless someone else did
                code = _rename2(tmp, final_dir, _RENAME_NOREPLACE)
                if code == 0:
                    return
                if code == errno.EEXIST:
                    continue
            if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
                break  # this file system cannot exchange: rename aside below
            raise OSError(code, os.strerror(code), str(final_dir))
    aside: list[Path] = []
    try:
        for _ in range(1000):
            try:
                os.rename(tmp, final_dir)
                return
            except OSError as exc:
                if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                    raise
            old = make_temp_dir(final_dir.parent, f".{final_dir.name}.old-")
            aside.append(old)
            try:
                os.rename(final_dir, old / final_dir.name)
            except FileNotFoundError:  # another writer moved it first
                continue
        raise OSError(errno.EBUSY, "could not put the result in place", str(final_dir))
    finally:
        for old in aside:
            shutil.rmtree(old, ignore_errors=True)


def publish_atomically(
    final_dir: Path,
    write: Callable[[Path], None],
    *,
    owned: Collection[str] | None = None,
) -> Path:
    """Write a result folder completely, then swap it into place.

    ``write`` fills a new temporary folder beside ``final_dir`` (named
    ``.<name>.tmp-<host>-<pid>-<random>``). Only when it returns is the folder put at
    ``final_dir``; an earlier result there is kept until the new one is in place, so an
    error or a kill never leaves half-written output nor loses a result, and nothing
    beside ``final_dir`` is touched. An existing ``final_dir`` is replaced only when it
    holds nothing but files of the kind this result writes (a user's notes in it, or a
    name that points at a folder of other things, stop the publish). Temporary folders
    of this name left by killed writers on this machine are removed. Folders and files
    follow the user's umask.

    Parameters
    ----------
    final_dir : Path
        The result folder; its name must be a real folder name (not ``.`` or ``..``).
    write : callable
        Fills the folder it is given.
    owned : collection of str, optional
        File names an earlier version of this result may hold besides those ``write``
        writes (and desktop litter such as ``.DS_Store``).

    Returns
    -------
    Path
        ``final_dir``.

    Raises
    ------
    DataError
        A name that is not a folder name, an output place that is a file or cannot be
        written, a folder holding files the result does not own.
    """
    final_dir = Path(final_dir)
    if final_dir.name in ("", ".", ".."):
        raise DataError(f"{final_dir}: expected a result folder name, found {final_dir.name!r}")
    parent = ensure_output_dir(final_dir.parent)
    _check_not_a_file(final_dir)
    _remove_dead_writers_temp(parent, final_dir.name)
    try:
        tmp = make_temp_dir(parent, f".{final_dir.name}.tmp-")
    except OSError as exc:
        raise _output_error(parent, exc) from None
    try:
        write(tmp)
        allowed = {p.name for p in tmp.iterdir()} | set(owned or ()) | OS_LITTER
        _check_replaceable(final_dir, allowed)
        _swap_into_place(tmp, final_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final_dir
