"""What a new user tripped on (issue 21, items 3, 5, 6, 10, 11, 12 and 13), one test per item,
named after it, so that each stays fixed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from workoutexport.cli import main

REPO = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args))
    finally:
        os.chdir(old)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


EASY = "name: Easy\nsteps:\n  - run: 20min\n    pace: 5:30/km\n"


def test_item_11_import_takes_exclude(tmp_path: Path) -> None:
    write(tmp_path / "src" / "easy.yaml", EASY)
    write(tmp_path / "src" / "drafts" / "other.yaml", EASY.replace("Easy", "Other"))
    code, _, err = run("build", "src", "-o", "out", cwd=tmp_path)
    assert code == 0, err
    code, _, err = run("import", "out", "-o", "imported", "--exclude", "drafts/*", cwd=tmp_path)
    assert code == 0, err
    assert (tmp_path / "imported" / "easy.yaml").is_file()
    assert not (tmp_path / "imported" / "drafts").exists()
    code, _, err = run("import", "out", "-o", "all", cwd=tmp_path)
    assert code == 0, err
    assert (tmp_path / "all" / "drafts" / "other.yaml").is_file()


def test_item_11_check_help_lists_no_printing_style_under_format() -> None:
    code, out, _ = run("check", "--help")
    assert code == 0
    fmt_line = next(line for line in out.splitlines() if "--format" in line and "-f" in line)
    assert "json" not in fmt_line and "github" not in fmt_line
    assert "--output-format [text|json|github]" in out
    code, _, err = run("check", str(REPO / "workouts"), "-f", "json")
    assert code == 2 and "'json' is not one of" in err


def test_item_13_shell_completion_prints_a_bash_script() -> None:
    exe = Path(sys.executable).parent / "workoutexport"
    env = {**os.environ, "_WORKOUTEXPORT_COMPLETE": "bash_source"}
    done = subprocess.run([str(exe)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "complete -o nosort -F _workoutexport_completion workoutexport" in done.stdout
    assert "_WORKOUTEXPORT_COMPLETE=bash_complete" in done.stdout
    # And it completes: the commands come back for an empty word.
    env = {
        **os.environ,
        "_WORKOUTEXPORT_COMPLETE": "bash_complete",
        "COMP_WORDS": "workoutexport ",
        "COMP_CWORD": "1",
    }
    done = subprocess.run([str(exe)], env=env, capture_output=True, text=True, timeout=60)
    assert "plain,build" in done.stdout.splitlines() and "plain,import" in done.stdout.splitlines()
    docs = (REPO / "docs" / "commands.md").read_text()
    assert "_WORKOUTEXPORT_COMPLETE=bash_source workoutexport" in docs


def test_item_06_summaries_count_workouts_plans_and_profiles_apart(tmp_path: Path) -> None:
    write(tmp_path / "lib" / "profile.yaml", "paces:\n  easy: 5:30/km\n")
    write(tmp_path / "lib" / "a.yaml", EASY)
    write(tmp_path / "lib" / "b.yaml", EASY.replace("Easy", "B"))
    # A profile named on the command line brings its folder's workouts; it is one profile.
    code, out, err = run("check", str(tmp_path / "lib" / "profile.yaml"))
    assert code == 0, err
    assert out == "2 workouts and 1 profile checked: 0 errors, 0 warnings\n"
    plan = REPO / "workouts" / "plans" / "faster-mile.yaml"
    code, out, err = run("check", str(plan))
    assert code == 0, err
    assert out == "1 plan checked: 0 errors, 0 warnings\n"
    code, _, err = run(
        "build", str(plan), str(tmp_path / "lib" / "a.yaml"), "-o", str(tmp_path / "o")
    )
    assert code == 0, err
    assert "; 1 workout and 1 plan read: 0 errors, 0 warnings" in err


TEMPO = """\
name: Tempo run
steps:
  - warmup: 10min
    pace: 6:00/km
  - repeat: 3
    steps:
      - run: 1km
        pace: 4:30-4:40/km
        secondary:
          hr: 80-88%max
      - recover: 90s
  - cooldown: 10min
"""


def _decoded_steps(fit: Path) -> list[object]:
    from garmin_fit_sdk import Decoder, Stream

    data = bytearray(fit.read_bytes())
    assert Decoder(Stream.from_byte_array(data)).check_integrity()
    messages, errors = Decoder(Stream.from_byte_array(data)).read()
    assert errors == []
    return list(messages["workout_step_mesgs"])


def test_item_03_import_pair_of_one_stem(tmp_path: Path) -> None:
    from workoutexport.formats.tcx.verify import problems as tcx_problems

    write(tmp_path / "lib" / "tempo.yaml", TEMPO)
    write(tmp_path / "lib" / "easy.yaml", EASY)
    code, _, err = run("build", "lib", "-f", "fit", "-f", "tcx", "-o", "out", cwd=tmp_path)
    assert code == 0, err
    # tempo: warm-up, repeat(run, recover), cool-down; easy: one step.
    for name, count in (("tempo", 5), ("easy", 1)):
        assert len(_decoded_steps(tmp_path / "out" / f"{name}.fit")) == count
        assert tcx_problems((tmp_path / "out" / f"{name}.tcx").read_bytes()) == []
    code, _, err = run("import", "out", "-o", "imported", cwd=tmp_path)
    assert code == 0, err
    assert "error" not in err
    for name in ("tempo", "easy"):
        assert (
            f"out/{name}.tcx: note: the same workout as out/{name}.fit: imported once, from the "
            f"FIT file (which carries more), as imported/{name}.yaml"
        ) in err
        # The FIT file's import, with what only FIT carries: the warm-up, the HR target.
        code, alone, _ = run("import", f"out/{name}.fit", cwd=tmp_path)
        assert code == 0
        assert (tmp_path / "imported" / f"{name}.yaml").read_text() == alone
    tempo = (tmp_path / "imported" / "tempo.yaml").read_text()
    assert "warmup:" in tempo and "80-88%max" in tempo
    assert sorted(p.name for p in (tmp_path / "imported").iterdir()) == ["easy.yaml", "tempo.yaml"]
    # Only a pair that holds different workouts is an error.
    write(tmp_path / "other" / "easy.yaml", EASY.replace("20min", "25min"))
    code, _, err = run("build", "other", "-f", "tcx", "-o", "out", cwd=tmp_path)
    assert code == 0, err
    code, _, err = run("import", "out", "-o", "again", cwd=tmp_path)
    assert code == 1
    assert (
        "out/easy.tcx: error: again/easy.yaml would also be the import of out/easy.fit, and the "
        "two files hold different workouts"
    ) in err
    assert "out/tempo.tcx: note:" in err


def test_item_05_progress_estimates_from_completed_work() -> None:
    from workoutexport.progress import MIN_DONE, time_left

    # Four workers: the first result comes after 60 s (the workers start, then finish
    # together), then one every 0.1 s; 100 inputs in all.
    first = 60.0
    at = [first + 0.1 * i for i in range(100)]
    assert all(time_left(done, 100, first, at[done - 1]) is None for done in range(1, MIN_DONE))
    for done in (MIN_DONE, 10, 50, 90):
        left = time_left(done, 100, first, at[done - 1])
        truth = at[-1] - at[done - 1]
        assert left is not None and abs(left - truth) <= 0.01 * truth + 1e-9, (done, left, truth)


def test_item_05_progress_bar_is_labelled_and_waits_to_estimate() -> None:
    import io

    from workoutexport.progress import MIN_ITEMS, progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    ticks = iter([0.0] + [30.0 + i for i in range(MIN_ITEMS)])
    tty = Tty()
    items = list(range(MIN_ITEMS))
    assert list(progress(items, "building", stream=tty, clock=lambda: next(ticks))) == items
    drawings = [d.rstrip() for d in tty.getvalue().split("\r") if d]
    assert all(d.startswith("building [") for d in drawings)
    # Nothing estimated at the start, nor after the first or second result...
    assert "left" not in drawings[0] and "left" not in drawings[1] and "left" not in drawings[2]
    # ... and then one second an input, from the rate since the first result.
    assert drawings[3].endswith(f" 3/{MIN_ITEMS}  0:{MIN_ITEMS - 3:02d} left")
    assert drawings[-1].startswith("building [" + "#" * 30 + "] 100%")


def test_item_05_build_labels_its_bar_building(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workoutexport import progress

    labels: list[str] = []
    real = progress.progress

    def spy(items: list[object], label: str) -> object:
        labels.append(label)
        return real(items, label)

    monkeypatch.setattr(progress, "progress", spy)
    write(tmp_path / "lib" / "a.yaml", EASY)
    assert run("build", "lib", "-o", "out", cwd=tmp_path)[0] == 0
    assert run("check", "lib", cwd=tmp_path)[0] == 0
    assert labels == ["building", "checking"]


def test_item_10_show_plan_chart_draws_each_workout_of_the_plan(tmp_path: Path) -> None:
    write(
        tmp_path / "easy.yaml",
        "name: Easy\nvars:\n  minutes: 20min\nsteps:\n  - run: ${minutes}\n    pace: 5:30/km\n",
    )
    write(
        tmp_path / "reps.yaml",
        "name: Reps\nsteps:\n  - warmup: 10min\n  - repeat: 4\n    steps:\n"
        "      - run: 400m\n        pace: 3:40/km\n      - recover: 90s\n",
    )
    plan = write(
        tmp_path / "plan.yaml",
        "name: Two weeks\nstart: 2027-01-04\nweeks:\n  - repeat: 2\n    days:\n"
        "      tue: {workout: easy.yaml, set: {minutes: 30min}}\n"
        "      thu: reps.yaml\n"
        "      sat: {workout: easy.yaml, set: {minutes: 40min}}\n",
    )
    code, out, err = run("show", str(plan), "--chart")
    assert code == 0, err
    calendar, _, charts = out.partition("\nEasy: drawn for")
    assert "Tue 05 Jan  Easy" in calendar and "Thu 07 Jan  Reps" in calendar
    # One chart a workout, for its first session, saying what it stands for.
    assert charts.startswith(" Tue 05 Jan (minutes=30min); 3 more sessions, some with other vars\n")
    assert "\nReps: drawn for Thu 07 Jan; 1 more session\n" in charts
    assert charts.count("Height:") == 2
    assert " 0:00" in charts and "30:00" in charts  # the easy run's time axis, 30 min
    code, out, _ = run("show", str(plan), "--no-chart")
    assert code == 0 and "drawn for" not in out and "Height:" not in out


def _validated(kind: str, text: str) -> Any:
    import json

    import jsonschema

    schema = json.loads((REPO / "schema" / f"{kind}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads(text)
    jsonschema.Draft202012Validator(schema).validate(data)
    return data


def test_item_12_committed_output_schemas_are_the_generated_ones() -> None:
    from workoutexport.json_out import output_schema_text

    for kind in ("show", "paces", "build"):
        committed = (REPO / "schema" / f"{kind}.schema.json").read_text()
        assert committed == output_schema_text(kind), (
            f"schema/{kind}.schema.json is stale: run `python -m workoutexport.json_out`"
        )


def test_item_12_show_json_gives_steps_and_totals(tmp_path: Path) -> None:
    src = write(tmp_path / "tempo.yaml", TEMPO)
    code, out, err = run("show", str(src), "--json")
    assert code == 0, err
    data = _validated("show", out)
    (workout,) = data["workouts"]
    assert workout["name"] == "Tempo run" and workout["file"] == str(src)
    warmup, repeat, _cooldown = workout["steps"]
    assert warmup["kind"] == "step" and warmup["intensity"] == "warmup"
    assert warmup["duration"] == {"type": "time", "seconds": 600.0}
    assert repeat["kind"] == "repeat" and repeat["count"] == 3
    run_step, recover = repeat["steps"]
    assert run_step["duration"] == {"type": "distance", "metres": 1000.0}
    assert run_step["target"]["type"] == "speed_target"
    # 4:30-4:40/km, as metres a second
    assert abs(run_step["target"]["high_mps"] - 1000 / 270) < 1e-9
    assert abs(run_step["target"]["low_mps"] - 1000 / 280) < 1e-9
    assert run_step["secondary"]["type"] == "heart_rate_range"
    assert recover["duration"] == {"type": "time", "seconds": 90.0}
    # 3 km of repeats, and the warm-up's distance estimated from its pace range; 10 min +
    # 3 x 90 s, and the repeats' time estimated from theirs (the cool-down has no pace).
    warm = warmup["target"]
    metres, seconds = workout["totals"]["metres"], workout["totals"]["seconds"]
    assert 3000 + 600 * warm["low_mps"] <= metres <= 3000 + 600 * warm["high_mps"]
    low, high = run_step["target"]["low_mps"], run_step["target"]["high_mps"]
    fixed = 20 * 60 + 3 * 90
    assert fixed + 3000 / high <= seconds <= fixed + 3000 / low
    assert workout["totals"]["unknown_time"] == 0
    # A FIT file read back shows in the same form.
    run("build", str(src), "-o", str(tmp_path / "out"))
    code, out, err = run("show", str(tmp_path / "out" / "tempo.fit"), "--json")
    assert code == 0, err
    back = _validated("show", out)["workouts"][0]
    assert [s["kind"] for s in back["steps"]] == ["step", "repeat", "step"]


def test_item_12_paces_json_gives_the_pace_table() -> None:
    code, out, err = run("paces", "5k 20:00", "--json")
    assert code == 0, err
    data = _validated("paces", out)
    assert data["metres"] == 5000.0 and data["seconds"] == 1200.0
    # Daniels' tables give VDOT 49.8 for a 20:00 5 km.
    assert abs(data["vdot"] - 49.8) < 0.1
    paces = {p["name"]: p for p in data["paces"]}
    # The 5k's own pace is the race's: 4:00/km.
    assert abs(paces["5k"]["fast_seconds"] - 240.0) < 1.0 and paces["5k"]["unit"] == "km"
    assert paces["easy"]["fast_seconds"] < paces["easy"]["slow_seconds"]


def test_item_12_build_json_says_what_was_written(tmp_path: Path) -> None:
    write(tmp_path / "lib" / "tempo.yaml", TEMPO)
    write(tmp_path / "lib" / "easy.yaml", EASY)
    code, out, err = run(
        "build", "lib", "-f", "fit", "-f", "tcx", "-o", "out", "--json", cwd=tmp_path
    )
    assert code == 0, err
    data = _validated("build", out)
    written = {(w["path"], w["format"]) for w in data["written"]}
    assert written == {(f"out/{n}.{f}", f) for n in ("tempo", "easy") for f in ("fit", "tcx")}
    for path, fmt in written:
        assert (tmp_path / path).is_file()
        if fmt == "fit":
            assert _decoded_steps(tmp_path / path)
    assert data["read"] == {"workout": 2} and data["errors"] == 0
    assert "wrote" not in out and "2 workouts read" in err
