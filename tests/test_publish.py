"""Publishing a result replaces only its own folder, whatever happens meanwhile.

Every failure mode a user can meet: ``write`` raising, the process killed at each step
of the publish (and at random moments), two or more processes publishing the same
result at once, on the atomic-exchange path (Linux) and on the rename-aside fallback.
After each, the files beside the result are byte-for-byte what they were, the result
folder is a complete old or new result (never a mix, never missing on the exchange
path), and the next publish clears what a killed writer left.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from energysim.core import publish as eio
from energysim.core.errors import DataError

REPO = Path(__file__).resolve().parents[1]
FILES = ("summary.json", "participants.csv", "timeseries.parquet")

WRITER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    import energysim.core.publish as eio

    target, tag, mode, repeat = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    if os.environ.get("NO_EXCHANGE"):
        eio._RENAMEAT2 = None

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    def write(folder):
        for i, name in enumerate(FILES_HERE):
            (folder / name).write_text(f"{tag}\\n" + "x" * 20000)
            if mode == "kill-during-write" and i == 1:
                die()

    if mode == "kill-before-swap":
        eio._swap_into_place = lambda tmp, final: die()
    if mode == "kill-after-swap":  # the new result is in place; the old one not removed
        eio.shutil.rmtree = lambda *a, **k: die()
    if mode == "kill-during-remove":
        real_unlink = os.unlink
        count = [0]
        def unlink(path, *a, **k):
            count[0] += 1
            if count[0] == 2:
                die()
            return real_unlink(path, *a, **k)
        eio.shutil.os.unlink = unlink
    if mode == "kill-after-aside":  # fallback only: old result moved aside, new not in
        real_rename = os.rename
        def rename(src, dst):
            real_rename(src, dst)
            if ".old-" in str(dst):
                die()
        eio.os.rename = rename
    for i in range(repeat):
        eio.publish_atomically(target, write)
    """
).replace("FILES_HERE", repr(FILES))


def _writer(tmp_path: Path) -> Path:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    return script


def _env(exchange: bool) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("NO_EXCHANGE", None)
    if not exchange:
        env["NO_EXCHANGE"] = "1"
    return env


def _setup(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path / "results"
    neighbour = out / "other-scenario"
    neighbour.mkdir(parents=True)
    (neighbour / "summary.json").write_text('{"scenario": "other"}')
    (out / "NOTES.txt").write_text("my notes")
    (out / ".mini.tmp-not-ours").mkdir()  # looks like ours, but no writer tag: kept
    return out / "mini", _neighbours(out / "mini")


def _neighbours(target: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(target.parent)): (p.read_bytes() if p.is_file() else b"")
        for p in sorted(target.parent.rglob("*"))
        if not p.relative_to(target.parent).parts[0].startswith((target.name, f".{target.name}."))
        or p.relative_to(target.parent).parts[0] == ".mini.tmp-not-ours"
    }


def _tags(target: Path) -> set[str]:
    """The writer tags of a complete result folder (asserts it is complete)."""
    assert sorted(p.name for p in target.iterdir()) == sorted(FILES)
    return {(target / n).read_text().split("\n", 1)[0] for n in FILES}


def _publish(script: Path, target: Path, tag: str, mode: str, *, exchange: bool = True):
    return subprocess.run(
        [sys.executable, str(script), str(target), tag, mode, "1"],
        env=_env(exchange),
        capture_output=True,
        text=True,
    )


def _leftovers(target: Path) -> list[str]:
    return sorted(
        p.name
        for p in target.parent.iterdir()
        if p.name.startswith(f".{target.name}.") and p.name != ".mini.tmp-not-ours"
    )


@pytest.mark.parametrize(
    ("mode", "exchange", "after"),
    [
        ("kill-during-write", True, "old"),
        ("kill-before-swap", True, "old"),
        ("kill-after-swap", True, "new"),
        ("kill-during-remove", True, "new"),
        ("kill-during-write", False, "old"),
        ("kill-before-swap", False, "old"),
        ("kill-after-aside", False, "restored"),
    ],
)
def test_a_kill_at_any_step_keeps_neighbours_and_a_whole_result(
    tmp_path: Path, mode: str, exchange: bool, after: str
) -> None:
    script = _writer(tmp_path)
    target, neighbours = _setup(tmp_path)
    assert _publish(script, target, "old", "ok", exchange=exchange).returncode == 0
    killed = _publish(script, target, "new", mode, exchange=exchange)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert _neighbours(target) == neighbours
    if after == "restored":  # the fallback's window: the old result waits beside it
        assert not target.exists()
        assert _leftovers(target)
    else:
        assert _tags(target) == {after}
    # the next publish clears what the killed writer left, restoring first if needed
    if after == "restored":
        eio._remove_dead_writers_temp(target.parent, target.name)
        assert _tags(target) == {"old"}
    assert _publish(script, target, "next", "ok", exchange=exchange).returncode == 0
    assert _tags(target) == {"next"}
    assert _leftovers(target) == []
    assert _neighbours(target) == neighbours


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "rename-aside"])
def test_kills_at_random_moments(tmp_path: Path, exchange: bool) -> None:
    script = _writer(tmp_path)
    target, neighbours = _setup(tmp_path)
    assert _publish(script, target, "first", "ok", exchange=exchange).returncode == 0
    rng = random.Random(13)
    for k in range(6):
        proc = subprocess.Popen(
            [sys.executable, str(script), str(target), f"w{k}", "ok", "1000"],
            env=_env(exchange),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.3 + rng.random() * 0.4)  # past the interpreter's start-up
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert _neighbours(target) == neighbours
        eio._remove_dead_writers_temp(target.parent, target.name)
        tags = _tags(target)  # whole: one writer's files, all present
        assert len(tags) == 1
        assert _leftovers(target) == []


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "rename-aside"])
def test_concurrent_publishers_never_fail_nor_leave_temp_folders(
    tmp_path: Path, exchange: bool
) -> None:
    script = _writer(tmp_path)
    target, neighbours = _setup(tmp_path)
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(target), f"w{k}", "ok", "100"],
            env=_env(exchange),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(4)
    ]
    errors = [proc.communicate(timeout=300)[1] for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * len(procs), errors
    assert len(_tags(target)) == 1
    assert _leftovers(target) == []
    assert _neighbours(target) == neighbours


def test_write_failure_keeps_the_old_result_and_removes_its_temp(tmp_path: Path) -> None:
    target, neighbours = _setup(tmp_path)

    def good(folder: Path) -> None:
        for name in FILES:
            (folder / name).write_text("old\n")

    def bad(folder: Path) -> None:
        (folder / FILES[0]).write_text("half")
        raise RuntimeError("disk full")

    eio.publish_atomically(target, good)
    with pytest.raises(RuntimeError):
        eio.publish_atomically(target, bad)
    assert _tags(target) == {"old"}
    assert _leftovers(target) == []
    assert _neighbours(target) == neighbours


def test_a_file_or_a_users_folder_in_the_way_is_not_replaced(tmp_path: Path) -> None:
    target, neighbours = _setup(tmp_path)

    def write(folder: Path) -> None:
        for name in FILES:
            (folder / name).write_text("new\n")

    target.write_text("a file of the user's")
    with pytest.raises(DataError, match="exists and is not a result folder"):
        eio.publish_atomically(target, write)
    assert target.read_text() == "a file of the user's"
    target.unlink()
    target.mkdir()
    (target / "summary.json").write_text("old")
    (target / "analysis.xlsx").write_text("mine")
    with pytest.raises(DataError, match=r"holds files energysim did not write \(analysis.xlsx\)"):
        eio.publish_atomically(target, write)
    assert (target / "analysis.xlsx").read_text() == "mine"
    assert _leftovers(target) == []
    assert _neighbours(target) == neighbours
