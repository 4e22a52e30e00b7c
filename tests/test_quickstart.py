"""The README's quick start works when pasted, in order, into a fresh clone.

What this runs, honestly: the two commands are read from the README's "Quick start" section
and run with bash, in order, in a copy of this working tree made as a clone would hold it
(the files git tracks or would track, without .venv, out/ or caches). The first command runs
exactly as written: it makes a new virtual environment, installs the project into it from the
package index (pip's cache makes that quick), and builds the bundled library. The second
command's install step runs as written too; its `python -m pytest` step runs with
`--collect-only` appended, so the fresh environment proves that it holds everything the suite
imports and collects every test, without running the whole suite a second time inside itself.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from shipped import shipped_workouts

from conftest import decoded

ROOT = Path(__file__).resolve().parent.parent


def quick_start_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```sh\n(.*?)^```$", section, flags=re.MULTILINE | re.DOTALL)
    return [b.strip() for b in blocks]


def test_the_quick_start_is_two_commands_of_one_line_each() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands), commands
    build, tests = commands
    assert "python3 -m venv .venv" in build and "build workouts" in build
    assert "pytest" in tests


def _clone_like_copy(dest: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    for name in listed:
        src = ROOT / name
        if not src.is_file():  # deleted in the working tree, not yet committed
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)


def _run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # The user's shell: no virtual environment of ours active, nothing of pytest's set.
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(ROOT))
    )
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.slow
def test_the_quick_start_runs_in_a_fresh_clone(tmp_path: Path) -> None:
    clone = tmp_path / "workoutexport"
    _clone_like_copy(clone)
    assert not (clone / ".venv").exists() and not (clone / "out").exists()
    build, tests = quick_start_commands()

    result = _run(build, clone)
    assert result.returncode == 0, result.stdout + result.stderr
    # Every bundled workout became a FIT file that Garmin's decoder reads, named as the
    # README says; every plan became its folder with a schedule and a calendar.
    workouts = [p.stem for p in shipped_workouts(clone / "workouts")]
    assert "hill-repeats" in workouts
    assert sorted(p.stem for p in (clone / "out").glob("*.fit")) == workouts
    for stem in workouts:
        (workout,) = decoded((clone / "out" / f"{stem}.fit").read_bytes())["workout_mesgs"]
        assert workout["wkt_name"]
    for plan in (clone / "workouts" / "plans").glob("*.yaml"):
        folder = clone / "out" / "plans" / plan.stem
        decoded((folder / f"{plan.stem}-schedule.fit").read_bytes())
        assert (folder / f"{plan.stem}.ics").read_text().startswith("BEGIN:VCALENDAR")

    install, _, pytest_step = tests.rpartition(" && ")
    assert pytest_step == ".venv/bin/python -m pytest", tests
    result = _run(f"{install} && {pytest_step} --collect-only -q -p no:cacheprovider", clone)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    collected = re.search(r"^(\d+) tests collected", result.stdout, flags=re.MULTILINE)
    assert collected is not None, result.stdout[-3000:]
    assert int(collected[1]) > 500
