"""A plan whose name holds a line break, through `send` to a fake watch.

A plan named `"x\\ny"`, or a file `a\\nb.yaml` with no `name:` (the name then comes from the
file name), once ended `send` with a traceback: it builds the plan's calendar, whose writer
asserted on the line break, and caught only WorkoutError. Whatever the calendar does with
such a name, `send` answers with diagnostics and an exit status, and the watch gets the plan
whole or not at all.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from workoutexport.cli import main

from conftest import decoded

DEVICES = Path(__file__).resolve().parent / "files" / "devices"
WORKOUT = "name: W\nsteps:\n  - run: 1km\n"
PLAN = "start: 2027-01-04\nweeks:\n  - days: {mon: w.yaml, thu: w.yaml}\n"

CASES = {
    "file name": ("a\nb.yaml", PLAN),
    "name with LF": ("named.yaml", f'name: "x\\ny"\n{PLAN}'),
    "name with CR": ("named.yaml", f'name: "x\\rSUMMARY:evil"\n{PLAN}'),
    "name with CRLF": ("named.yaml", f'name: "x\\r\\nBEGIN:VEVENT"\n{PLAN}'),
    "description": ("named.yaml", f'name: N\ndescription: "a\\nb\\rc"\n{PLAN}'),
}


def fake_watch(root: Path) -> Path:
    (root / "GARMIN").mkdir(parents=True)
    shutil.copyfile(DEVICES / "forerunner-935-GarminDevice.xml", root / "GARMIN/GarminDevice.xml")
    return root


def sent(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def send(tmp_path: Path, case: str, *extra: str) -> tuple[int, str, str, Path]:
    file_name, text = CASES[case]
    (tmp_path / "w.yaml").write_text(WORKOUT)
    (tmp_path / file_name).write_text(text)
    dev = fake_watch(tmp_path / "dev")
    result = CliRunner().invoke(
        main,
        ["send", str(tmp_path / file_name), "--all", "--device", str(dev), *extra],
        catch_exceptions=False,
    )
    return result.exit_code, result.stdout, result.stderr, dev


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("dry_run", [False, True])
def test_send_answers_with_diagnostics_and_sends_whole_or_nothing(
    tmp_path: Path, case: str, dry_run: bool
) -> None:
    code, stdout, stderr, dev = send(tmp_path, case, *(["--dry-run"] if dry_run else []))
    assert "Traceback" not in stderr
    assert code in (0, 1)
    on_watch = sent(dev)
    if code == 1:
        assert ": error: " in stderr
        assert on_watch == ["GARMIN/GarminDevice.xml"]  # nothing of the plan
        assert stdout == ""
    elif dry_run:
        assert on_watch == ["GARMIN/GarminDevice.xml"]
        # The two sessions compile to one file (one per distinct workout), and the schedule.
        assert stdout.count(" -> ") == 2
    else:
        fits = [dev / p for p in on_watch if p.endswith(".fit")]
        assert len(fits) == 2  # one file for both sessions of w.yaml, and the schedule
        kinds = sorted(decoded(f.read_bytes())["file_id_mesgs"][0]["type"] for f in fits)
        assert kinds == ["schedules", "workout"]


@pytest.mark.parametrize("case", CASES)
def test_a_line_break_in_a_plan_name_is_not_an_internal_error(tmp_path: Path, case: str) -> None:
    _, _, stderr, _ = send(tmp_path, case)
    assert "internal error" not in stderr
