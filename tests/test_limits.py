"""Hostile sizes and values: each is refused with a diagnostic at its YAML line, or built.

Speed and memory for these are measured by benchmarks/limits.py, not asserted here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from workoutexport import steps as s
from workoutexport.diagnostics import WorkoutError
from workoutexport.pipeline import compile_document, emit
from workoutexport.profile import EMPTY
from workoutexport.source import MAX_DEPTH, parse_text

from conftest import assert_valid_tcx, decoded


def compiled(text: str) -> s.Workout:
    return compile_document(parse_text(text, "w.yaml"), EMPTY)


def errors_of(fn: object, *args: object) -> list[str]:
    with pytest.raises(WorkoutError) as info:
        fn(*args)  # type: ignore[operator]
    return [d.format() for d in info.value.diagnostics if d.severity == "error"]


def test_repeats_nested_thousands_deep_are_refused_without_recursion_error() -> None:
    depth = 3000
    text = "name: x\nsteps: " + "[{repeat: 2, steps: " * depth + "[{run: 1min}]" + "}]" * depth
    (message,) = errors_of(compiled, text)
    assert f"YAML is nested more than {MAX_DEPTH} levels deep" in message
    assert message.startswith("w.yaml:2:")


def test_block_nesting_within_the_limit_builds() -> None:
    lines, indent = ["name: Deep", "steps:"], "  "
    for _ in range(40):
        lines += [f"{indent}- repeat: 2", f"{indent}  steps:"]
        indent += "    "
    lines.append(f"{indent}- run: 1min")
    workout = compiled("\n".join(lines) + "\n")
    steps = decoded(emit(workout, "fit").data)["workout_step_mesgs"]
    assert len(steps) == 41


def test_a_100000_step_file_is_refused_early() -> None:
    text = "name: Many\nsteps:\n" + "".join(f"  - run: {i % 50 + 1}min\n" for i in range(100_000))
    (message,) = errors_of(compiled, text)
    assert "holds more than 50,000 YAML nodes" in message


def test_more_steps_than_a_workout_holds() -> None:
    text = "name: Many\nsteps:\n" + "  - run: 1min\n" * 5001
    (message,) = errors_of(compiled, text)
    assert message == (
        "w.yaml:2:1: error: a workout holds at most 5,000 steps (repeats count once); "
        "this one has 5,001"
    )


@pytest.mark.parametrize(
    ("yaml", "fmt", "expected"),
    [
        (
            "name: x\nsteps:\n  - run: 100000000000000000000h\n",
            "fit",
            "w.yaml:3:10: error: this duration is too large for FIT (at most 49 days)",
        ),
        (
            "name: x\nsteps:\n  - run: 50000km\n",
            "fit",
            "w.yaml:3:10: error: this distance is too large for FIT (at most 42,949 km)",
        ),
        (
            "name: x\nsteps:\n  - repeat: 99999999999\n    steps:\n      - run: 1min\n",
            "fit",
            "w.yaml:3:5: error: this repeat count is too large for FIT (at most 4,294,967,294)",
        ),
        (
            "name: " + "x" * 200_000 + "\nsteps:\n  - run: 1min\n",
            "fit",
            "w.yaml:1:7: error: workout name is longer than FIT allows (254 bytes)",
        ),
        (
            "name: x\nsteps:\n  - run: 1min\n    name: " + "\u00e9" * 128 + "\n",
            "fit",
            "w.yaml:4:11: error: step name is longer than FIT allows (254 bytes)",
        ),
        (
            "name: x\nsteps:\n  - run: 20h\n",
            "tcx",
            "w.yaml:3:10: error: TCX holds at most 65,535 seconds; this step has 72,000",
        ),
        (
            "name: x\nsteps:\n  - run: 70km\n",
            "tcx",
            "w.yaml:3:10: error: TCX holds at most 65,535 metres; this step has 70,000",
        ),
        (
            "name: x\nsteps:\n  - repeat: 100\n    steps:\n      - run: 1min\n",
            "tcx",
            "w.yaml:3:5: error: TCX repeats at most 99 times, this one 100 times",
        ),
        (
            "name: x\nsteps:\n" + "  - run: 1min\n" * 21,
            "tcx",
            "w.yaml:2:1: error: TCX holds at most 20 steps (repeats count as steps); this "
            "workout has 21: build FIT instead (-f fit)",
        ),
    ],
)
def test_format_limits_are_diagnostics_at_the_yaml_line(yaml: str, fmt: str, expected: str) -> None:
    workout = compiled(yaml)
    assert errors_of(emit, workout, fmt) == [expected]


def test_long_name_is_cut_in_tcx_with_a_warning() -> None:
    workout = compiled("name: " + "x" * 200_000 + "\nsteps:\n  - run: 1min\n")
    result = emit(workout, "tcx")
    assert_valid_tcx(result.data)
    assert [d.severity for d in result.diagnostics] == ["warning"]


def test_long_note_is_cut_in_fit_with_a_warning() -> None:
    workout = compiled("name: x\nsteps:\n  - run: 1min\n    note: " + "n" * 1000 + "\n")
    result = emit(workout, "fit")
    assert decoded(result.data)["workout_step_mesgs"][0]["notes"] == "n" * 254
    assert [d.format() for d in result.diagnostics] == [
        "w.yaml:4:11: warning: FIT holds 254 bytes of a note; the rest is cut"
    ]


def test_fit_message_index_limit_is_checked_before_encoding() -> None:
    step = s.Step(intensity=s.Intensity.ACTIVE, duration=s.Time(seconds=60))
    workout = s.Workout(name="x", sport=s.Sport.RUNNING, steps=(step,) * 70_000)
    (message,) = errors_of(emit, workout, "fit")
    assert "a FIT workout holds at most 65,535 steps (repeats count as steps)" in message


def test_output_name_comes_from_the_file_not_the_yaml(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from workoutexport.cli import main

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "w.yaml").write_text("name: ../../evil\nsteps:\n  - run: 1min\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(tmp_path / "in"), "-o", str(out)])
    assert result.exit_code == 0
    assert [p.name for p in out.iterdir()] == ["w.fit"]
    assert not (tmp_path / "evil.fit").exists()


def test_two_builds_into_one_folder_leave_only_complete_files(tmp_path: Path) -> None:
    library = Path(__file__).resolve().parent.parent / "workouts"
    out = tmp_path / "out"
    exe = Path(sys.executable).parent / "workoutexport"
    procs = [
        subprocess.Popen(
            [str(exe), "build", str(library), "-o", str(out), "-f", "fit"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(3)
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0, 0]
    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert len([p for p in files if p.parent == out]) == 12
    for path in files:
        # The shipped plans add a calendar each; everything else is FIT.
        if path.suffix == ".ics":
            assert path.read_bytes().startswith(b"BEGIN:VCALENDAR")
            continue
        assert path.suffix == ".fit"
        decoded(path.read_bytes())
