"""intervals.icu workout text: written, checked, read back to the same FIT steps; what the
text cannot carry refused with the step named (or dropped under --lossy); the forum guide's
own examples read."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from shipped import shipped_workouts
from workoutexport.cli import main
from workoutexport.formats.intervals.verify import problems
from workoutexport.options import BuildOptions
from workoutexport.pipeline import import_file
from workoutexport.run import Run

from conftest import without_formats, workout_steps

FILES = Path(__file__).parent / "files" / "intervals"
WORKOUTS = Path(__file__).parent.parent / "workouts"

PROFILE = """\
paces:
  easy: 5:30-6:00/km
  threshold: 4:20/km
  5k: 4:00/km
  mile: 6:00/mi
hr:
  max: 190
  lthr: 172
ftp: 250W
"""

BIKE = """\
name: Sweet spot
sport: cycling
steps:
  - warmup: 10min
    power: 60%ftp
  - repeat: 4
    name: Main set
    steps:
      - run: 5min
        power: 90%ftp
        secondary:
          cadence: 90rpm
      - recover: 2min
        power: 150-160W
  - run: 5min
    power: z2
  - cooldown: 5min
    power: 50%ftp
"""

RUN = """\
name: Track session
steps:
  - warmup: 15min
    pace: easy
  - repeat: 2
    steps:
      - repeat: 3
        steps:
          - run: 400m
            name: Fast
            pace: 5k
          - recover: lap
      - rest: 2min
  - run: 1.5km
    pace: threshold
    secondary:
      hr: 95-100%lthr
  - run: 5min
    hr: z2
  - cooldown: 10min
    hr: 60-70%max
"""


def _folder(tmp_path: Path, **files: str) -> Path:
    (tmp_path / "profile.yaml").write_text(PROFILE)
    for name, text in files.items():
        (tmp_path / f"{name}.yaml").write_text(text)
    return tmp_path


def _built(path: Path, fmt: str, *, lossy: bool = False) -> bytes:
    built = Run(BuildOptions(formats=(fmt,), lossy=lossy)).workout(path)
    assert built.ok, [f"{d.position}: {d.message}" for d in built.diagnostics]
    data = built.data(fmt)
    assert data is not None
    return data


def _flat(steps: list[dict[str, object]]) -> list[dict[str, object]]:
    """Steps with every repeat written out, each without its index: the inner repeat the
    text writes out is the same workout."""
    out: list[list[dict[str, object]]] = []
    for step in steps:
        if step.get("duration_type") == "repeat_until_steps_cmplt":
            start = int(step["duration_value"])  # type: ignore[call-overload]
            index = int(step["message_index"])  # type: ignore[call-overload]
            block = [x for group in out[start:index] for x in group]
            del out[start:index]
            out.append(block * int(step["target_value"]))  # type: ignore[call-overload]
            out.extend([] for _ in range(index - start))  # keep the indices in place
        else:
            out.append(
                [{k: v for k, v in step.items() if k not in ("message_index", "wkt_step_name")}]
            )
    return [x for group in out for x in group]


def test_bike_round_trip_gives_the_same_fit_steps(tmp_path: Path) -> None:
    folder = _folder(tmp_path, bike=BIKE)
    text = _built(folder / "bike.yaml", "intervals")
    assert problems(text) == []
    assert text.decode().splitlines()[2:6] == [
        "Main set 4x",
        "- 5m 85.5-94.5% 85-95rpm",
        "- 2m 150-160w intensity=recovery",
        "",
    ]
    (folder / "bike.txt").write_bytes(text)
    [imported] = import_file(folder / "bike.txt")
    assert "sport: cycling" in imported.yaml
    (folder / "back").mkdir()
    (folder / "back" / "bike.yaml").write_text(imported.yaml)
    original = workout_steps(_built(folder / "bike.yaml", "fit"))
    again = workout_steps(_built(folder / "back" / "bike.yaml", "fit"))
    assert again == original


def test_run_round_trip_writes_the_inner_repeat_out(tmp_path: Path) -> None:
    folder = _folder(tmp_path, run=RUN)
    text = _built(folder / "run.yaml", "intervals").decode()
    assert "- Fast 400mtr 3:55-4:05/km Pace" in text
    assert "- press lap intensity=recovery" in text
    assert "- 1500mtr 4:15-4:25/km Pace 95-100% LTHR" in text
    assert "- 5m Z2 HR" in text
    (folder / "run.txt").write_text(text)
    [imported] = import_file(folder / "run.txt")
    (folder / "back").mkdir()
    (folder / "back" / "run.yaml").write_text(imported.yaml)
    original = workout_steps(_built(folder / "run.yaml", "fit"))
    again = workout_steps(_built(folder / "back" / "run.yaml", "fit"))
    assert _flat(again) == _flat(original)
    assert len(again) < len(original) * 3  # the outer repeat is kept as a repeat


@pytest.mark.parametrize("path", shipped_workouts(WORKOUTS), ids=lambda p: p.stem)
def test_bundled_workouts_round_trip_or_are_refused_with_the_step_named(
    path: Path, tmp_path: Path
) -> None:
    if path.name == "profile.yaml":
        return
    if "strength" in path.name:  # FIT only by its formats:; what intervals says of it without
        path = without_formats(path, tmp_path / "lib")
    built = Run(BuildOptions(formats=("intervals",))).workout(path)
    if not built.ok:
        errors = [d for d in built.diagnostics if d.severity == "error"]
        assert errors and all(d.position.line > 0 for d in errors)
        if "strength" in path.name:
            return
        lossy = Run(BuildOptions(formats=("intervals",), lossy=True)).workout(path)
        assert lossy.ok, [d.message for d in lossy.diagnostics]
        assert problems(lossy.data("intervals") or b"") == []
        return
    text = built.data("intervals")
    assert text is not None and problems(text) == []
    folder = tmp_path / "w"
    folder.mkdir()
    (folder / "profile.yaml").write_text((WORKOUTS / "profile.yaml").read_text())
    (folder / f"{path.stem}.txt").write_bytes(text)
    [imported] = import_file(folder / f"{path.stem}.txt")
    (folder / "back").mkdir()
    (folder / "back" / "w.yaml").write_text(imported.yaml)
    original = workout_steps(_built(path, "fit"))
    again = workout_steps(_built(folder / "back" / "w.yaml", "fit"))
    assert _flat(again) == _flat(original)


def test_what_the_text_cannot_carry_is_named(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(
        "name: W\nsteps:\n  - run: hr > 160bpm\n  - run: 5min\n    note: easy\n"
        "  - repeat: until 20min\n    steps:\n      - run: 1min\n"
    )
    built = Run(BuildOptions(formats=("intervals",))).workout(tmp_path / "w.yaml")
    said = {(d.position.line, d.message.partition(";")[0]) for d in built.diagnostics}
    assert (3, "intervals.icu text has no step lasting 'hr > 160bpm' (this step)") in said, said
    assert (5, "intervals.icu text has no step notes (this step)") in said, said
    assert (6, "intervals.icu text cannot repeat until a condition") in said, said


@pytest.mark.parametrize("path", sorted(FILES.glob("*.txt")), ids=lambda p: p.stem)
def test_the_forum_guides_examples_read(path: Path, tmp_path: Path) -> None:
    (tmp_path / "profile.yaml").write_text(PROFILE)
    (tmp_path / path.name).write_bytes(path.read_bytes())
    args = ["import", str(tmp_path / path.name), "-o", str(tmp_path / "w.yaml")]
    if "ramps" in path.name:
        refused = CliRunner().invoke(main, args)
        assert refused.exit_code == 1
        assert f"{path.name}:1:1: error: line 1 ramps from 50 to 75" in refused.output
        args.append("--lossy")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    steps = workout_steps(_built(tmp_path / "w.yaml", "fit"))
    assert steps


def test_the_guides_repeat_header_and_cues(tmp_path: Path) -> None:
    (tmp_path / "profile.yaml").write_text(PROFILE)
    (tmp_path / "c.txt").write_bytes((FILES / "guide-cues.txt").read_bytes())
    [imported] = import_file(tmp_path / "c.txt")
    # A ride's work is 'active:' (sport: cycling, read from power with no pace).
    assert imported.yaml.splitlines()[4:] == [
        "  - active: 10min",
        "    power: 57-63%ftp",
        "    name: Warmup",
        "  - repeat: 6",
        "    name: Main Set",
        "    steps:",
        "      - active: 4min",
        "        power: 95-105%ftp",
        "      - active: 5min",
        "        power: 47.5-52.5%ftp",
        "  - active: 3min",
        "    power: 47.5-52.5%ftp",
        "    name: Recovery",
    ]


@pytest.mark.parametrize(
    "text,message",
    [
        ("- 10m 75% sometimes\n", "cannot read 'sometimes'"),
        ("- easy\n", "has no duration or distance"),
        ("- 5m 5:00 Pace\n", "give the pace's unit"),
        ("- 5m Z2-Z3\n", "a range of zones"),
        ("- 5m 80% Pace\n", "must give a 'threshold' pace"),
        ("4x\n\n- 5m\n", "has no steps after it"),
    ],
)
def test_bad_texts_are_errors_with_a_line(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "profile.yaml").write_text("ftp: 250W\n")
    (tmp_path / "bad.txt").write_text(text)
    result = CliRunner().invoke(main, ["import", str(tmp_path / "bad.txt")])
    assert result.exit_code == 1
    assert message in result.output, result.output
    assert "bad.txt:" in result.output and "Traceback" not in result.output


def test_a_fraction_of_a_second_is_refused_or_rounded_under_lossy(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text("name: W\nsteps:\n  - run: 90.5s\n")
    refused = Run(BuildOptions(formats=("intervals",))).workout(tmp_path / "w.yaml")
    assert not refused.ok
    assert any(
        d.position.line == 3 and "counts whole seconds; this step lasts 90.5 s" in d.message
        for d in refused.diagnostics
    )
    text = _built(tmp_path / "w.yaml", "intervals", lossy=True).decode()
    assert text == "- 1m30s\n"


def test_show_takes_a_text_named_but_not_the_notes_in_a_folder(tmp_path: Path) -> None:
    (tmp_path / "profile.yaml").write_text(PROFILE)
    (tmp_path / "notes.txt").write_text("remember the gels\n")
    (tmp_path / "w.yaml").write_text("name: W\nsteps:\n  - run: 5min\n")
    folder = CliRunner().invoke(main, ["show", str(tmp_path)])
    assert folder.exit_code == 0, folder.output
    (tmp_path / "i.txt").write_bytes((FILES / "guide-repeat-header.txt").read_bytes())
    named = CliRunner().invoke(main, ["show", str(tmp_path / "i.txt")])
    assert named.exit_code == 0, named.output
    assert "repeat 4 times" in named.output
