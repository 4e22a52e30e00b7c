"""The public API is pinned: changing it is a decision, not an accident."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import workoutexport
from workoutexport import steps as s

ROOT = Path(__file__).resolve().parent.parent


def test_exported_members() -> None:
    assert sorted(workoutexport.__all__) == sorted(
        [
            "__version__",
            "BuildOptions",
            "Built",
            "Diagnostic",
            "EmitOptions",
            "Emitted",
            "Imported",
            "Overrides",
            "Pick",
            "PlanBuilt",
            "Run",
            "Position",
            "Profile",
            "Workout",
            "WorkoutError",
            "load_workout",
            "compile_document",
            "emit_options",
            "emit_workout",
            "import_file",
            "verify_output",
            "load_profile",
        ]
    )
    for name in workoutexport.__all__:
        assert getattr(workoutexport, name) is not None
    # dir() lists the API before any of it is imported (it is imported on first use).
    assert set(workoutexport.__all__) <= set(dir(workoutexport))


def test_a_run_through_the_api_hands_out_verified_bytes(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("name: W\nsteps:\n  - run: 10min\n")
    options = workoutexport.BuildOptions(formats=("fit", "tcx"), pick="mid")
    built = workoutexport.Run(options).workout(path)
    assert built.ok and [o.format for o in built.outputs] == ["fit", "tcx"]
    for output in built.outputs:
        assert workoutexport.verify_output(output.data, output.format) == []
    fit = tmp_path / "w.fit"
    fit.write_bytes(built.outputs[0].data)
    # import_file takes a str as load_workout does, and hands back YAML that builds again.
    [imported] = workoutexport.import_file(str(fit))
    assert isinstance(imported, workoutexport.Imported) and imported.stem == "w"
    again = tmp_path / "again.yaml"
    again.write_text(imported.yaml)
    assert built.workout is not None
    assert workoutexport.load_workout(again).steps == built.workout.steps


def test_profile_can_be_given_loaded_or_as_a_path(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text("name: W\nsteps:\n  - run: 1km\n    pace: easy\n")
    (tmp_path / "elsewhere").mkdir()
    profile_path = tmp_path / "elsewhere" / "athlete.yaml"
    profile_path.write_text("paces:\n  easy: 5:00/km\n")
    workout_path = str(tmp_path / "w.yaml")
    loaded = workoutexport.load_workout(
        workout_path, profile=workoutexport.load_profile(profile_path)
    )
    by_path = workoutexport.load_workout(workout_path, profile=profile_path)
    assert loaded == by_path
    # 5:00/km with the default 5 s tolerance: 1000/305 .. 1000/295 m/s.
    step = loaded.steps[0]
    assert isinstance(step, s.Step) and isinstance(step.target, s.SpeedTarget)
    assert (round(step.target.low_mps, 4), round(step.target.high_mps, 4)) == (3.2787, 3.3898)
    with pytest.raises(workoutexport.WorkoutError):
        workoutexport.load_workout(workout_path)  # no profile.yaml beside it: 'easy' unknown


def test_library_use() -> None:
    library = Path(__file__).resolve().parent.parent / "workouts"
    workout = workoutexport.load_workout(library / "tabata.yaml")
    data = workoutexport.emit_workout(workout, "fit").data
    assert workoutexport.verify_output(data, "fit") == []


def test_unknown_format_is_a_value_error_naming_the_known_ones() -> None:
    workout = workoutexport.load_workout(ROOT / "workouts" / "tabata.yaml")
    with pytest.raises(ValueError, match=r"unknown format 'gpx'; the known formats are: fit, tcx"):
        workoutexport.emit_workout(workout, "gpx")
    # Before the format table, verify_output took any name but "fit" for TCX.
    with pytest.raises(ValueError, match=r"the known formats are: fit, tcx"):
        workoutexport.verify_output(b"<x/>", "FIT")


def _readme_example() -> str:
    """The first example of the library API page (it was the README's)."""
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    section = text.split("## From Python", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def _mypy(source: str, tmp_path: Path) -> tuple[str, int]:
    from mypy import api

    path = tmp_path / "example.py"
    path.write_text(source, encoding="utf-8")
    # mypy raises the interpreter's recursion limit for good; put it back, or the recorded
    # recursion crashes of test_import_fuzz stop crashing when they run after this test.
    limit = sys.getrecursionlimit()
    try:
        out, err, status = api.run(
            ["--strict", "--no-error-summary", "--cache-dir", str(tmp_path / "cache"), str(path)]
        )
    finally:
        sys.setrecursionlimit(limit)
    return out + err, status


def test_readme_example_type_checks_and_the_api_is_typed(tmp_path: Path) -> None:
    # One mypy run for both: the README's example must be clean, and a wrong call must be
    # caught, which it was not while the names came from a module __getattr__ typed Any.
    example = _readme_example()
    assert "load_workout(" in example
    wrong = "\n\ndef _wrong() -> None:\n    load_workout(42)\n"
    out, status = _mypy(example + wrong, tmp_path)
    lines = [line for line in out.splitlines() if ": error:" in line]
    assert status == 1 and len(lines) == 1, out
    assert 'Argument 1 to "load_workout" has incompatible type "int"' in lines[0]
    assert lines[0].startswith(f"{tmp_path / 'example.py'}:{example.count(chr(10)) + 4}:")


def test_the_plans_example_of_the_api_page_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # It imported plan_files from plans long after plan_files had moved to run.py.
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    section = text.split("## Plans", 1)[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    exec(compile(example, "docs/api.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "faster-mile/easy-base-run-45min.fit" in printed
    assert "easy-base-run.yaml" in printed


def test_a_run_takes_paths_as_any_iterable(tmp_path: Path) -> None:
    from workoutexport.options import BuildOptions, Overrides
    from workoutexport.run import Run

    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "w.yaml").write_text("name: B\nsteps:\n  - run: 1km\n")
    run_ = Run(BuildOptions(overrides=Overrides({"y": "1"})))
    # A folder is several inputs: an unknown --set is the run-wide error, said at the folder.
    items = run_.inputs(iter([tmp_path / "lib"]))
    done = [b for b in run_.workouts([i.path for i in items]) if b.ok]
    assert len(done) == 1
    [problem] = run_.unapplied()
    assert "no workout here defines a variable 'y'" in problem.message
    assert problem.position.path.endswith("lib")
