"""Publishing a result replaces only its own folder, whatever happens meanwhile.

Every failure mode a user can meet: ``write`` raising, the process killed at each step
of the publish (and at random moments), two or more processes publishing the same
result at once, on the atomic-exchange path (Linux) and on the rename-aside fallback.
After each, the files beside the result are byte-for-byte what they were, the result
folder is a complete old or new result (never a mix, never missing on the exchange
path), and the next publish clears what a killed writer left. A design published into
a run's folder while the run is written (or swapped in) is never dropped.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

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


# --------------------------------------------------------------------------- a run and its design
# A run's folder holds the design of `energysim design` (design/), which is that command's
# own. Each test widens the window where a run and a design publish at the same time:
# the design published meanwhile must be in the run's folder afterwards, whole.
def _design_tag(run_folder: Path) -> str:
    """The tag of the design in a run's folder (asserts it is whole)."""
    from energysim.design.report import DESIGN_FILES

    folder = run_folder / "design"
    assert sorted(p.name for p in folder.iterdir()) == sorted(DESIGN_FILES)
    return json.loads((folder / "design.json").read_text())["tag"]


def _run_files(run_folder: Path) -> list[str]:
    return sorted(p.name for p in run_folder.iterdir() if p.name != "design")


@pytest.fixture(scope="module")
def mini_result():
    from energysim.config.scenario import scenario_from_dict
    from energysim.simulate import run
    from tests.helpers import minimal

    return run(scenario_from_dict(minimal()))


@pytest.fixture()
def publish_design(monkeypatch: pytest.MonkeyPatch):
    """write_design of a stand-in design (its tables, a tag in design.json): a real
    design takes seconds, and only its publishing is under test."""
    import pandas as pd

    from energysim.design import report

    monkeypatch.setattr(report, "summary_dict", lambda d, lang="en": {"tag": d.tag})

    def publish(result, out: Path, tag: str) -> Path:
        table = pd.DataFrame({"tag": [tag]})
        design = SimpleNamespace(
            tag=tag,
            scenario=result.scenario,
            recommended=result.scenario,
            prices_table=table,
            price_curves=table,
            keys_table=table,
            key_shares=table,
            sizes=SimpleNamespace(curve=table),
            local=SimpleNamespace(money=table),
        )
        return report.write_design(design, out)  # type: ignore[arg-type]

    return publish


def _paused(
    monkeypatch: pytest.MonkeyPatch, module: object, attribute: str, when: Callable[..., bool]
) -> tuple[threading.Event, threading.Event]:
    """Make ``module.attribute`` stop where ``when(*args)`` holds until resumed."""
    paused, resume = threading.Event(), threading.Event()
    real = getattr(module, attribute)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if when(*args):
            paused.set()
            assert resume.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, attribute, wrapper)
    return paused, resume


def _in_thread(
    func: Callable[..., Any], *args: Any
) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def target() -> None:
        try:
            func(*args)
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    return thread, errors


def _no_leftovers(out: Path) -> None:
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    assert [p.name for p in (out / "mini").iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("earlier_design", [True, False], ids=["earlier-design", "first-design"])
def test_a_design_published_while_a_run_is_written_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mini_result, publish_design, earlier_design
) -> None:
    from energysim.results import outputs

    out = tmp_path / "results"
    if earlier_design:
        publish_design(mini_result, out, "earlier")
    paused, resume = _paused(
        monkeypatch, outputs, "write_csv", lambda path, *a: path.name == "cashflows.csv"
    )
    run, errors = _in_thread(outputs.write_run, mini_result, out)
    assert paused.wait(60)  # the run is half-written
    publish_design(mini_result, out, "meanwhile")  # `energysim design` prints "written:"
    assert _design_tag(out / "mini") == "meanwhile"
    resume.set()
    run.join(60)
    assert errors == []
    assert _run_files(out / "mini") == sorted(outputs.OUTPUT_FILES)
    assert _design_tag(out / "mini") == "meanwhile"
    _no_leftovers(out)


def test_a_run_published_while_a_design_is_written_keeps_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mini_result, publish_design
) -> None:
    from energysim.design import report
    from energysim.results import outputs

    out = tmp_path / "results"
    outputs.write_run(mini_result, out)
    paused, resume = _paused(
        monkeypatch, report, "write_csv", lambda path, *a: path.name == "keys.csv"
    )
    design, errors = _in_thread(publish_design, mini_result, out, "slow")
    assert paused.wait(60)  # the design is half-written
    outputs.write_run(mini_result, out)  # neither refused nor moving the design's files
    resume.set()
    design.join(60)
    assert errors == []
    assert _run_files(out / "mini") == sorted(outputs.OUTPUT_FILES)
    assert _design_tag(out / "mini") == "slow"
    _no_leftovers(out)


def test_a_design_waits_while_a_run_swaps_its_folder_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mini_result, publish_design
) -> None:
    from energysim.results import outputs

    out = tmp_path / "results"
    publish_design(mini_result, out, "earlier")
    # the run stops at the last step of publishing: its folder complete, about to swap
    paused, resume = _paused(
        monkeypatch, eio, "_swap_into_place", lambda tmp, final: final.name == "mini"
    )
    run, run_errors = _in_thread(outputs.write_run, mini_result, out)
    assert paused.wait(60)
    design, design_errors = _in_thread(publish_design, mini_result, out, "meanwhile")
    time.sleep(0.5)
    resume.set()
    run.join(60)
    design.join(60)
    assert run_errors == design_errors == []
    assert _run_files(out / "mini") == sorted(outputs.OUTPUT_FILES)
    assert _design_tag(out / "mini") == "meanwhile"
    _no_leftovers(out)


LOOPS = textwrap.dedent(
    """
    import json, os, sys
    from pathlib import Path
    import energysim.core.publish as eio

    out, role, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    if os.environ.get("NO_EXCHANGE"):
        eio._RENAMEAT2 = None
    run_folder = out / "mini"
    for i in range(count):
        if role == "run":
            def write(folder):
                for name in ("summary.json", "participants.csv"):
                    (folder / name).write_text(f"run {i}\\n" + "x" * 20000)
            eio.publish_atomically(run_folder, write, keep=("design",))
        else:
            def write(folder):
                (folder / "design.json").write_text(json.dumps({"tag": i}))
                (folder / "prices.csv").write_text(f"{i}\\n" + "y" * 20000)
            eio.publish_atomically(run_folder / "design", write, within=run_folder)
            if not os.environ.get("NO_EXCHANGE"):  # no instant without the folder
                assert json.loads((run_folder / "design" / "design.json").read_text()) == {
                    "tag": i
                }, i
    """
)


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "rename-aside"])
def test_runs_and_designs_published_in_a_loop_never_drop_the_design(
    tmp_path: Path, exchange: bool
) -> None:
    script = tmp_path / "loops.py"
    script.write_text(LOOPS)
    out = tmp_path / "results"
    count = 60
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(out), role, str(count)],
            env=_env(exchange),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for role in ("run", "design", "run")
    ]
    errors = [proc.communicate(timeout=300)[1] for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0], errors
    design = out / "mini" / "design"
    assert json.loads((design / "design.json").read_text()) == {"tag": count - 1}
    assert (design / "prices.csv").read_text().startswith(f"{count - 1}\n")
    assert sorted(p.name for p in (out / "mini").iterdir()) == [
        "design",
        "participants.csv",
        "summary.json",
    ]
    _no_leftovers(out)


# --------------------------------------------------------------------------- a full disk
# pyarrow and openpyxl report a full disk as an OSError without errno or file name
ARROW_FULL = "Error writing bytes to file. Detail: [errno 28] No space left on device"


def _full_disk(*args: object, **kwargs: object) -> None:
    raise OSError(ARROW_FULL)


def test_a_full_disk_names_the_results_file_not_the_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mini_result
) -> None:
    import pandas as pd

    from energysim.results.outputs import write_run

    out = tmp_path / "results"
    monkeypatch.setattr(pd.DataFrame, "to_parquet", _full_disk)
    with pytest.raises(OSError) as parquet:
        write_run(mini_result, out)
    assert parquet.value.filename == str(out / "mini" / "timeseries.parquet")
    assert parquet.value.strerror == (
        "No space left on device; the result was not published (an earlier one there is kept)"
    )
    monkeypatch.undo()

    def full_text(self: Path, *args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")  # what a write() of Python raises

    monkeypatch.setattr(Path, "write_text", full_text)
    with pytest.raises(OSError) as summary:
        write_run(mini_result, out)
    assert summary.value.filename == str(out / "mini" / "summary.json")
    assert list(out.iterdir()) == []  # nothing published, no temporary folder left


def test_a_full_disk_is_one_line_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import pandas as pd

    from energysim.cli.main import main
    from tests.helpers import minimal, write_scenario

    scenario = write_scenario(tmp_path, minimal())
    out = tmp_path / "results"
    monkeypatch.setattr(pd.DataFrame, "to_parquet", _full_disk)
    assert main(["run", str(scenario), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"energysim: error: {out / 'mini' / 'timeseries.parquet'}: No space left on device; "
        "the result was not published (an earlier one there is kept)\n"
    )


def test_a_full_disk_in_an_atomic_text_write_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_text(self: Path, *args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device", str(self))  # names the temporary

    monkeypatch.setattr(Path, "write_text", full_text)
    monkeypatch.setattr(Path, "write_bytes", full_text)  # the text is written as its bytes
    target = tmp_path / "units" / "C001.json"
    target.parent.mkdir()
    with pytest.raises(OSError) as info:
        eio.write_text_atomically(target, "{}")
    assert (info.value.filename, info.value.strerror) == (
        str(target),
        "No space left on device",
    )
    assert list(target.parent.iterdir()) == []


# --------------------------------------------------------------------------- the API's errors
def test_api_errors_name_the_functions_arguments_not_cli_flags(
    tmp_path: Path, mini_result, publish_design
) -> None:
    from energysim.results.outputs import write_run

    expected = "expected one of 'standard', 'nl', found"
    with pytest.raises(TypeError, match=r"^write_run\(\): out_dir: expected a folder path"):
        write_run(mini_result, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=rf"^write_run\(\): csv_dialect: {expected} list \["):
        write_run(mini_result, tmp_path, ["nl"])  # type: ignore[arg-type]
    with pytest.raises(DataError, match=rf"^write_run\(\): csv_dialect: {expected} 'excel'$"):
        write_run(mini_result, tmp_path, "excel")
    with pytest.raises(TypeError, match=r"^write_design\(\): out_dir: expected a folder path"):
        publish_design(mini_result, 3, "tag")
    import pandas as pd

    from energysim.batch.compare import write_comparison
    from energysim.batch.runner import write_summary
    from energysim.ownership.report import write_report

    table = pd.DataFrame({"unit_id": ["u"]})
    for call, name in (
        (lambda out, dialect: write_comparison(table, table, out, dialect), "write_comparison"),
        (lambda out, dialect: write_report(None, out, dialect), "write_report"),
        (lambda out, dialect: write_summary(table, out, dialect), "write_summary"),
    ):
        with pytest.raises(TypeError, match=rf"^{name}\(\): out_dir: expected a folder path"):
            call(None, "standard")
        with pytest.raises(TypeError, match=rf"^{name}\(\): csv_dialect: {expected} list"):
            call(tmp_path, ["nl"])
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "a-file").write_text("")
    with pytest.raises(DataError) as info:
        write_run(mini_result, tmp_path / "a-file")
    assert "--out" not in str(info.value) and "a-file" in str(info.value)
