"""-j/--jobs: worker processes change nothing the user sees, only how long it takes."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from workoutexport.cli import main
from workoutexport.parallel import MIN_PER_WORKER, ordered_map, workers_for

from conftest import assert_valid_tcx, decoded

GOOD = """name: Intervals {i}
steps:
  - warmup: 10min
  - repeat: {reps}
    steps:
      - run: 400m
        pace: 4:{sec:02d}/km
      - recover: 200m
"""


def _pid_of(value: int) -> tuple[int, int]:
    return value, os.getpid()


def test_ordered_map_keeps_order_across_worker_processes() -> None:
    items = list(range(4 * MIN_PER_WORKER))
    results = list(ordered_map(_pid_of, items, jobs=2))
    assert [value for value, _ in results] == items
    # Worker processes did the work (which of the two took which chunk is up to the OS).
    assert os.getpid() not in {pid for _, pid in results}


def test_small_inputs_stay_in_one_process() -> None:
    assert workers_for(MIN_PER_WORKER * 2 - 1, 8) == 1
    assert workers_for(MIN_PER_WORKER * 2, 8) == 2
    assert workers_for(1000, 1) == 1
    results = list(ordered_map(_pid_of, [1, 2, 3], jobs=4))
    assert results == [(1, os.getpid()), (2, os.getpid()), (3, os.getpid())]


def _library(root: Path) -> Path:
    lib = root / "lib"
    (lib / "sub").mkdir(parents=True)
    for i in range(3 * MIN_PER_WORKER):
        folder = lib / "sub" if i % 3 == 0 else lib
        (folder / f"w{i:03d}.yaml").write_text(
            GOOD.format(i=i, reps=2 + i % 5, sec=i % 60), encoding="utf-8"
        )
    # Bad files scattered through the order, so that their diagnostics must interleave.
    (lib / "w005.yaml").write_text("name: Bad\nsteps:\n  - run: 400\n", encoding="utf-8")
    (lib / "w020.yaml").write_text("name: x\nsteps: [\n", encoding="utf-8")
    (lib / "sub" / "w030.yaml").write_text("name: y\nsteps:\n  - run: 5 parsecs\n")
    return lib


def _run(cwd: Path, *args: str) -> tuple[int, str, str]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_build_with_two_workers_is_byte_identical_to_one(tmp_path: Path) -> None:
    _library(tmp_path)
    args = ("build", "lib", "-f", "fit", "-f", "tcx", "-o")
    one = _run(tmp_path, *args, "one", "-j", "1")
    two = _run(tmp_path, *args, "two", "-j", "2")
    assert one[0] == two[0] == 1
    assert one[1].replace("one/", "two/") == two[1]
    assert one[2] == two[2]
    # Diagnostics come in the order inputs are found (sorted paths: sub/ before w...).
    stderr = one[2]
    assert stderr.index("lib/sub/w030.yaml") < stderr.index("lib/w005.yaml")
    assert stderr.index("lib/w005.yaml") < stderr.index("lib/w020.yaml")
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")
    built = _tree(tmp_path / "two")
    # 48 workouts, 3 of them bad: 45 FIT and 45 TCX files.
    assert len(built) == 2 * (3 * MIN_PER_WORKER - 3)
    assert decoded(built["w001.fit"])["workout_mesgs"][0]["num_valid_steps"] == 4
    assert_valid_tcx(built["sub/w003.tcx"])


def test_check_with_two_workers_reports_the_same(tmp_path: Path) -> None:
    _library(tmp_path)
    for fmt in ("text", "json"):
        one = _run(
            tmp_path, "check", "lib", "-f", "fit", "-f", "tcx", "--output-format", fmt, "-j", "1"
        )
        two = _run(
            tmp_path, "check", "lib", "-f", "fit", "-f", "tcx", "--output-format", fmt, "-j", "2"
        )
        assert one == two
        assert one[0] == 1


def test_site_with_two_workers_is_byte_identical_to_one(tmp_path: Path) -> None:
    _library(tmp_path)
    one = _run(tmp_path, "site", "lib", "-o", "one", "-j", "1")
    two = _run(tmp_path, "site", "lib", "-o", "two", "-j", "2")
    assert one[0] == two[0] == 1
    assert one[2].replace("one/", "two/") == two[2]
    assert "lib/w005.yaml" in one[2]
    site = _tree(tmp_path / "two")
    assert _tree(tmp_path / "one") == site
    assert "workouts/w001.html" in site
    assert decoded(site["files/w001.fit"])["workout_mesgs"][0]["num_valid_steps"] == 4


def test_import_of_a_folder_with_two_workers_matches_one(tmp_path: Path) -> None:
    _library(tmp_path)
    assert _run(tmp_path, "build", "lib", "-o", "built", "-j", "1")[0] == 1
    (tmp_path / "built" / "broken.fit").write_bytes(b"\x0e\x10not a fit file at all")
    one = _run(tmp_path, "import", "built", "-o", "one", "-j", "1")
    two = _run(tmp_path, "import", "built", "-o", "two", "-j", "2")
    assert one[0] == two[0] == 1
    assert one[2].replace("one/", "two/") == two[2]
    assert "built/broken.fit" in one[2]
    imported = _tree(tmp_path / "two")
    assert _tree(tmp_path / "one") == imported
    # 48 workouts, 3 of them bad: 45 FIT files, 45 YAML files.
    assert len(imported) == 45
    assert b"400m" in imported["w001.yaml"]


def test_a_bad_profile_reaches_every_worker_as_its_errors(tmp_path: Path) -> None:
    # The profile's WorkoutError travels to the workers (and errors back) by pickling: it
    # must come back as diagnostics, never as a broken process pool.
    import pickle

    from workoutexport.diagnostics import Position, WorkoutError, error

    original = WorkoutError([error(Position("p.yaml", 2, 3), "bad")])
    copy = pickle.loads(pickle.dumps(original))
    assert type(copy) is WorkoutError and copy.diagnostics == original.diagnostics
    lib = tmp_path / "lib"
    lib.mkdir()
    for i in range(40):
        (lib / f"w{i:02}.yaml").write_text(f"name: W{i}\nsteps:\n  - run: 10min\n    pace: easy\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("paces:\n  easy: fast\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", str(lib), "--profile", str(bad), "-j", "2", "-o", str(out)]
    )
    assert result.exit_code == 1
    assert result.stderr.count("not built: the profile given with --profile") == 40
    assert not out.exists() or not any(out.rglob("*.fit"))


# --- Faults: a worker killed, the parent killed (issue 19) ---

MAIN_PID = os.getpid()


def _twice(value: int) -> int:
    return 2 * value


def _die_on(victim: int, value: int) -> int:
    """Killed like the OOM killer kills: no exception, no clean-up, in whichever process."""
    if value == victim:
        os.kill(os.getpid(), signal.SIGKILL)
    return 2 * value


def _die_once_on(victim: int, marker: str, value: int) -> int:
    if value == victim and not os.path.exists(marker):
        Path(marker).touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return 2 * value


def _die_in_a_worker_on(victim: int, value: int) -> tuple[int, bool]:
    # The parent is where the test runs: this one kills only worker processes.
    if value == victim and os.getpid() != MAIN_PID:
        os.kill(os.getpid(), signal.SIGKILL)
    return 2 * value, os.getpid() == MAIN_PID


def _raise_on(victim: int, value: int) -> int:
    if value == victim:
        raise ValueError(f"no {value}")
    return 2 * value


def _lost(value: int, why: str) -> str:
    return f"lost {value}: {why}"


needs_sigkill = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="no SIGKILL here")


@needs_sigkill
def test_a_killed_worker_loses_only_the_item_it_was_on() -> None:
    items = list(range(4 * MIN_PER_WORKER))
    results = list(ordered_map(partial(_die_on, 13), items, jobs=2, lost=_lost))
    # Item 13 killed its worker, then the fresh worker it was retried in: it is reported.
    # Every other item, including the rest of the dead worker's chunk, has its result, in order.
    assert results == [
        "lost 13: its worker process was killed by SIGKILL" if v == 13 else 2 * v for v in items
    ]
    assert multiprocessing.active_children() == []


@needs_sigkill
def test_a_worker_killed_once_is_retried_and_nothing_is_lost(tmp_path: Path) -> None:
    marker = str(tmp_path / "died")
    items = list(range(4 * MIN_PER_WORKER))
    fn = partial(_die_once_on, 40, marker)
    assert list(ordered_map(fn, items, jobs=2, lost=_lost)) == [2 * v for v in items]
    assert os.path.exists(marker)  # the fault did fire


@needs_sigkill
def test_without_lost_an_item_that_kills_two_workers_runs_here() -> None:
    items = list(range(4 * MIN_PER_WORKER))
    results = list(ordered_map(partial(_die_in_a_worker_on, 3), items, jobs=2))
    assert [value for value, _ in results] == [2 * v for v in items]
    # Only item 3 ran in this process, after dying in two workers.
    assert [v for v, (_, here) in zip(items, results, strict=True) if here] == [3]


def test_an_exception_in_a_worker_is_raised_at_its_turn() -> None:
    got: list[int] = []
    with pytest.raises(ValueError, match="no 20"):
        for value in ordered_map(partial(_raise_on, 20), list(range(64)), jobs=2):
            got.append(value)
    assert got == [2 * v for v in range(20)]
    assert multiprocessing.active_children() == []


def test_stopping_early_stops_the_workers() -> None:
    results = ordered_map(_twice, list(range(64)), jobs=2)
    assert next(results) == 0
    results.close()  # type: ignore[attr-defined]
    assert multiprocessing.active_children() == []


@needs_sigkill
def test_build_keeps_every_file_when_a_worker_is_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fault is injected around whatever function the command hands to ordered_map, so
    # the test does not depend on the command's private names. It kills the worker process
    # that takes w017.yaml, every time (as an input that exhausts memory would): that input
    # is reported as an internal error, and every other input is built as with -j 1.
    from workoutexport import parallel

    _library(tmp_path)
    one = _run(tmp_path, "build", "lib", "-o", "one", "-j", "1")
    real = parallel.ordered_map

    def faulty(fn: Any, items: Any, **options: Any) -> Any:
        return real(partial(_kill_worker_on, "w017.yaml", fn), items, **options)

    monkeypatch.setattr(parallel, "ordered_map", faulty)
    two = _run(tmp_path, "build", "lib", "-o", "two", "-j", "2")
    assert one[0] == two[0] == 1  # the three bad files of the library, and now w017
    lost = [line for line in two[2].splitlines() if "w017.yaml" in line]
    assert lost == [
        "lib/w017.yaml: error: internal error: its worker process was killed by SIGKILL, "
        "twice; nothing was made of this file"
    ], two[2]
    built = _tree(tmp_path / "two")
    expected = _tree(tmp_path / "one")
    del expected["w017.fit"]
    assert built == expected
    assert "w017.fit" not in built


def _kill_worker_on(victim: str, fn: Any, item: Any) -> Any:
    if victim in repr(item) and os.getpid() != MAIN_PID:
        os.kill(os.getpid(), signal.SIGKILL)
    return fn(item)


def _children(pid: int) -> set[int]:
    """The live processes whose parent is `pid` (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if fields[0] != "Z" and int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds workers through /proc")
@pytest.mark.parametrize("sig", ["SIGKILL", "SIGTERM"])
def test_workers_exit_when_the_parent_is_killed(tmp_path: Path, sig: str) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    # Enough work that the build is still running when its parent is killed.
    for i in range(2000):
        (lib / f"w{i:04}.yaml").write_text(GOOD.format(i=i, reps=8, sec=i % 60))
    command = [sys.executable, "-m", "workoutexport", "build", "lib", "-j", "2", "-o", "out"]
    parent = subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while len(workers) < 2 and parent.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
            workers = _children(parent.pid)
        assert len(workers) == 2, "the build never started its two workers"
        parent.send_signal(getattr(signal, sig))
        parent.wait(10)
        deadline = time.monotonic() + 5
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(_alive, workers)), "workers outlived their parent"
    finally:
        parent.kill()
        parent.wait()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_the_default_takes_the_cpus_no_other_process_is_using(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from workoutexport import parallel

    monkeypatch.setattr(parallel, "default_jobs", lambda: 4)
    monkeypatch.setattr(parallel, "busy_cpus", lambda: 0)
    assert workers_for(1000, None) == 4
    monkeypatch.setattr(parallel, "busy_cpus", lambda: 3)
    assert workers_for(1000, None) == 1  # the others are busy: one process, no fork
    monkeypatch.setattr(parallel, "busy_cpus", lambda: 9)
    assert workers_for(1000, None) == 1
    assert workers_for(1000, 3) == 3  # -j N is what the user asked for, busy or not


def test_the_running_threads_are_read_from_proc_loadavg() -> None:
    from workoutexport.parallel import running_others

    assert running_others("0.52 0.58 0.59 3/456 78901\n") == 2  # this one is not busy
    assert running_others("0.00 0.01 0.05 1/97 123\n") == 0
