"""Writers at the edge: JSON and CSV files, and a result folder published atomically.

A result is written into a temporary folder beside its place and swapped in only when
complete (on Linux in one ``renameat2(RENAME_EXCHANGE)`` step), so an earlier result is
kept until the new one is whole, also when the process is killed or two processes
publish the same result at once; files beside it are never touched.

Each command owns what it writes. A result that lives inside another's folder (the
design of ``energysim design`` in the folder of ``energysim run``) is staged beside that
folder, not in it, and the outer result carries it over into its new folder at the
moment of its swap. The moments of swapping (and carrying over) are serialised by a
lock on the folder that holds the results, so a result published at any time while
another is being written is never dropped.
"""

from __future__ import annotations

import contextlib
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
from collections.abc import Callable, Collection, Iterator
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

    with naming_errors(path):
        path.write_text(
            json.dumps(clean(data), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )


def write_csv(
    path: Path, frame: pd.DataFrame, *, index: bool = False, dialect: str = "standard"
) -> None:
    """Write a frame as CSV with ISO-8601 times: a comma and a decimal point, or in
    another dialect of :mod:`energysim.core.csv_dialect` (``nl``: semicolon, decimal comma)."""
    from energysim.core.csv_dialect import write_csv_file

    with naming_errors(path):
        write_csv_file(path, frame, dialect, index=index)


_ERRNO_IN_TEXT = re.compile(r"\[errno (\d+)\]", re.IGNORECASE)


def os_reason(exc: OSError) -> tuple[int | None, str]:
    """The errno of a failed write and its words (``No space left on device``).

    pyarrow and openpyxl raise an :class:`OSError` without ``errno`` whose text holds it
    (``Error writing bytes to file. Detail: [errno 28] No space left on device``): the
    number is taken from the text then.
    """
    code = exc.errno
    if code is None:
        found = _ERRNO_IN_TEXT.search(str(exc))
        code = int(found[1]) if found else None
    if code is not None:
        return code, os.strerror(code)
    lines = str(exc).strip().splitlines()
    return None, lines[0] if lines else type(exc).__name__


@contextlib.contextmanager
def naming_errors(path: Path) -> Iterator[None]:
    """Re-raise an :class:`OSError` of writing ``path`` that names no file as one that
    names it (a full disk met by pandas, pyarrow or a file's ``close``)."""
    try:
        yield
    except OSError as exc:
        if exc.filename is not None:
            raise
        code, reason = os_reason(exc)
        raise OSError(code or errno.EIO, reason, str(path)) from exc


OS_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
"""Files a desktop drops into any folder it shows; a result folder may hold them."""

_HOST = f"{zlib.crc32(socket.gethostname().encode()):08x}"
_TEMP_TAG = re.compile(r"^(?P<host>[0-9a-f]{8})-(?P<pid>\d+)-[0-9a-f]+$")


def _output_error(place: Path, exc: OSError) -> DataError:
    """A one-line error for an output place that cannot be written."""
    return DataError(
        f"{place}: cannot write results there ({os_reason(exc)[1]}); choose a folder you "
        "can write to"
    )


def expect_folder_path(value: object, caller: str, argument: str, what: str = "folder") -> Path:
    """``value`` as a :class:`Path`, or a :class:`TypeError` naming ``caller``'s argument
    (``what`` it should name: a ``"folder"``, a ``"file"``).

    Raises
    ------
    TypeError
        When ``value`` is not a ``str`` or an :class:`os.PathLike` (``None``, a number).
    """
    if isinstance(value, str | os.PathLike):
        return Path(value)
    raise TypeError(
        f"{caller}(): {argument}: expected a {what} path (str or pathlib.Path), found "
        f"{type(value).__name__}"
    )


def expect_csv_dialect(value: object, caller: str, argument: str = "csv_dialect") -> str:
    """``value`` when it names a dialect of :mod:`energysim.core.csv_dialect`; else an
    error naming ``caller``'s argument.

    Raises
    ------
    TypeError
        When ``value`` is not a string (a list, None).
    DataError
        When it names no dialect.
    """
    from energysim.core.csv_dialect import CSV_DIALECTS

    names = ", ".join(repr(name) for name in CSV_DIALECTS)
    if not isinstance(value, str):
        raise TypeError(
            f"{caller}(): {argument}: expected one of {names}, found {type(value).__name__} "
            f"{value!r}"[:200]
        )
    if value not in CSV_DIALECTS:
        raise DataError(f"{caller}(): {argument}: expected one of {names}, found {value!r}")
    return value


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
        raise DataError(f"{folder}: exists and is not a folder; expected a folder for the results")
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
    """Write a text file (UTF-8) completely under a temporary name, then rename it into
    place (:func:`write_bytes_atomically`)."""
    write_bytes_atomically(path, text.encode("utf-8"))


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write a file completely under a temporary name, then rename it into place: a
    reader sees the old file or the new one, never half of one.

    Raises
    ------
    OSError
        Naming ``path`` (not the temporary name) when the file cannot be written (a
        full disk, permissions).
    """
    try:
        tmp = make_temp_file(path.parent, f".{path.name}.")
    except OSError as exc:
        raise OSError(exc.errno or errno.EIO, os_reason(exc)[1], str(path)) from exc
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OSError(exc.errno or errno.EIO, os_reason(exc)[1], str(path)) from exc
        raise


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _remove_dead_writers_temp(parent: Path, name: str, final_dir: Path | None = None) -> None:
    """Clear what killed writers of ``name`` on this machine left in ``parent``.

    Their temporary folders are removed. Where a writer without the atomic exchange
    was killed after moving the previous result aside (``.<name>.old-*``) and before
    moving the new one in, the previous result is first put back at ``final_dir``
    (default ``parent / name``; a result nested in another's folder is staged beside
    that folder under a name of its own).
    """
    final_dir = parent / name if final_dir is None else final_dir
    for kind in (".old-", ".tmp-"):
        prefix = f".{name}{kind}"
        for path in parent.glob(f".{name}{kind}*"):
            tag = _TEMP_TAG.match(path.name[len(prefix) :])
            if not tag or tag["host"] != _HOST or _pid_alive(int(tag["pid"])):
                continue
            moved = path / final_dir.name
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
            f"{final_dir}: exists and is not a result folder; move it or choose another "
            "output folder"
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
            "choose another output folder (a result folder is replaced as a whole)"
        )


@contextlib.contextmanager
def _swap_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` while a result in it is swapped into place.

    ``flock`` on the folder itself (no lock file is left behind); the system releases it
    when the holder ends, also when it is killed. The lock is held only while a finished
    result is swapped in (and a sibling result carried over), never while one is
    written. Where there is no ``flock`` (Windows) or the file system refuses it (some
    network file systems), publishing goes on without it: each result is still swapped
    in whole, but one published at the very moment another result's folder is swapped
    may be dropped.
    """
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _link_or_copy(src: str, dst: str) -> None:
    """A hard link to ``src`` at ``dst``: instant, and a sibling's files are replaced as
    a whole, never edited in place; a copy where links are not possible."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _carry_over(final_dir: Path, tmp: Path, keep: Collection[str]) -> None:
    """Put what other commands keep in the result folder (``keep``) into the new one."""
    for name in keep:
        src = final_dir / name
        if src.is_dir() and not (tmp / name).exists():
            shutil.copytree(src, tmp / name, copy_function=_link_or_copy)


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
    file system without the exchange) the old folder is first renamed aside, into a
    folder beside ``tmp`` (``.<name>.old-*``, where a later publish puts it back if this
    one is killed in between).
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
    tag = tmp.name.rpartition(".tmp-")[0]  # ".<name>" of publish_atomically's temp
    try:
        for _ in range(1000):
            try:
                os.rename(tmp, final_dir)
                return
            except OSError as exc:
                if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                    raise
            old = make_temp_dir(tmp.parent, f"{tag}.old-")
            aside.append(old)
            try:
                os.rename(final_dir, old / final_dir.name)
            except FileNotFoundError:  # another writer moved it first
                continue
        raise OSError(errno.EBUSY, "could not put the result in place", str(final_dir))
    finally:
        for old in aside:
            shutil.rmtree(old, ignore_errors=True)


def _write_error(exc: OSError, tmp: Path, final_dir: Path) -> OSError:
    """The error of a result that could not be written, naming its place, not the
    temporary folder (a full disk: ``results/mini/timeseries.parquet: No space left on
    device``)."""
    code, reason = os_reason(exc)
    place = final_dir
    if exc.filename is not None:
        try:
            place = final_dir / Path(os.fsdecode(exc.filename)).relative_to(tmp)
        except ValueError:
            place = Path(os.fsdecode(exc.filename))
    return OSError(
        code or errno.EIO,
        f"{reason}; the result was not published (an earlier one there is kept)",
        str(place),
    )


def _swap_in_whole(
    tmp: Path, final_dir: Path, keep: Collection[str], allowed: Collection[str], nested: bool
) -> None:
    """The step of :func:`publish_atomically` under its lock: carry ``keep`` over from
    ``final_dir``, check it may be replaced, swap ``tmp`` in."""
    if nested:
        ensure_output_dir(final_dir.parent)  # an outer result swapped in meanwhile is fine
    try:
        _carry_over(final_dir, tmp, keep)
    except OSError as exc:
        raise _write_error(exc, tmp, final_dir) from exc
    _check_replaceable(final_dir, allowed)
    _swap_into_place(tmp, final_dir)


def publish_atomically(
    final_dir: Path,
    write: Callable[[Path], None],
    *,
    owned: Collection[str] | None = None,
    keep: Collection[str] = (),
    within: Path | None = None,
) -> Path:
    """Write a result folder completely, then swap it into place.

    ``write`` fills a new temporary folder (named ``.<name>.tmp-<host>-<pid>-<random>``)
    beside ``final_dir``. Only when it returns is the folder put at ``final_dir``; an
    earlier result there is kept until the new one is in place, so an error or a kill
    never leaves half-written output nor loses a result, and nothing beside
    ``final_dir`` is touched. An existing ``final_dir`` is replaced only when it holds
    nothing but files of the kind this result writes (a user's notes in it, or a name
    that points at a folder of other things, stop the publish). Temporary folders of
    this name left by killed writers on this machine are removed. Folders and files
    follow the user's umask.

    Each command owns what it writes. What another command keeps inside this result's
    folder (``keep``: the ``design`` folder in a run's) is carried over into the new
    folder at the moment of the swap; a result nested in another's folder (``within``)
    is staged beside that folder, so the other's swap never moves it. The swaps and the
    carrying over hold a lock on the folder holding the results (:func:`_swap_lock`), so
    a sibling published while this result is written is in the new folder.

    Parameters
    ----------
    final_dir : Path
        The result folder; its name must be a real folder name (not ``.`` or ``..``).
    write : callable
        Fills the folder it is given.
    owned : collection of str, optional
        File names an earlier version of this result may hold besides those ``write``
        writes (and desktop litter such as ``.DS_Store``).
    keep : collection of str, optional
        Folders inside ``final_dir`` that other commands publish (with ``within`` =
        ``final_dir``), carried over; they count as owned.
    within : Path, optional
        The result folder ``final_dir`` is nested in (its parent), itself published by
        another command with ``keep`` naming ``final_dir``'s name.

    Returns
    -------
    Path
        ``final_dir``.

    Raises
    ------
    DataError
        A name that is not a folder name, an output place that is a file or cannot be
        written, a folder holding files the result does not own.
    OSError
        A result that could not be written (a full disk), naming its place.
    """
    final_dir = Path(final_dir)
    if final_dir.name in ("", ".", ".."):
        raise DataError(f"{final_dir}: expected a result folder name, found {final_dir.name!r}")
    if within is not None and Path(within) != final_dir.parent:
        raise ValueError(f"publish_atomically(): {final_dir} is not inside {within}")
    parent = final_dir.parent
    # the folder a temporary result is staged in, and locked while results are swapped;
    # the outer folder of a nested result is made under the lock (its result may be
    # being swapped meanwhile)
    stage = ensure_output_dir(parent if within is None else parent.parent)
    tag = final_dir.name if within is None else f"{parent.name}+{final_dir.name}"
    _check_not_a_file(final_dir)
    _remove_dead_writers_temp(stage, tag, final_dir)
    try:
        tmp = make_temp_dir(stage, f".{tag}.tmp-")
    except OSError as exc:
        raise _output_error(stage, exc) from None
    try:
        try:
            write(tmp)
        except OSError as exc:
            raise _write_error(exc, tmp, final_dir) from exc
        allowed = {p.name for p in tmp.iterdir()} | set(owned or ()) | set(keep) | OS_LITTER
        with _swap_lock(stage):
            _swap_in_whole(tmp, final_dir, keep, allowed, nested=within is not None)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final_dir
