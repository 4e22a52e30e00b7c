"""Review findings: plan outputs verified as workouts are, one file's crash stops no other
file in every command, the catalog writes through `Outputs`, `--set` lenient across plans."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from workoutexport.cli import main
from workoutexport.formats.fit import emit as fit_emit
from workoutexport.formats.fit import schedule as fit_schedule
from workoutexport.verify import decode_fit

EASY = "name: Easy\nvars:\n  minutes: 40min\nsteps:\n  - run: ${minutes}\n"
PLAN = "name: P\nstart: 2027-01-04\nweeks:\n  - days:\n      tue: easy.yaml\n"
B = "name: B\nsteps:\n  - run: 1km\n"


def run(*args: str, cwd: Path) -> tuple[int, str, str]:
    old = Path.cwd()
    try:
        os.chdir(cwd)
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "easy.yaml").write_text(EASY)
    (tmp_path / "plan.yaml").write_text(PLAN)
    (tmp_path / "b.yaml").write_text(B)
    return tmp_path


def _damage(data: bytes) -> bytes:
    # The data CRC no longer matches: Garmin's decoder refuses the file.
    return data[:-3] + bytes([data[-3] ^ 0xFF]) + data[-2:]


def test_build_does_not_write_a_plan_whose_session_fit_fails_verification(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = fit_emit.finish_fit_bytes
    monkeypatch.setattr(fit_emit, "finish_fit_bytes", lambda data: _damage(real(data)))
    code, _out, err = run("build", "plan.yaml", "-o", "out", cwd=folder)
    assert code == 1
    assert "plan.yaml" in err and "internal error" in err
    assert not (folder / "out" / "plan").exists()


def test_build_skips_a_plan_whose_schedule_fails_verification_and_builds_the_rest(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = fit_emit.finish_fit_bytes
    monkeypatch.setattr(fit_schedule, "finish_fit_bytes", lambda data: _damage(real(data)))
    code, _out, err = run("build", "b.yaml", "plan.yaml", "-o", "out", cwd=folder)
    assert code == 1
    assert "plan.yaml:" in err and "internal error" in err and "does not verify" in err
    assert not (folder / "out" / "plan").exists()
    decode_fit((folder / "out" / "b.fit").read_bytes())


def test_build_reports_a_crash_in_a_plan_and_builds_the_rest(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr("workoutexport.plans.expand_plan", boom)
    code, _out, err = run("build", "b.yaml", "plan.yaml", "-o", "out", cwd=folder)
    assert code == 1
    assert "plan.yaml:" in err and "internal error (RuntimeError: bug)" in err
    decode_fit((folder / "out" / "b.fit").read_bytes())


def test_check_reports_a_plan_that_does_not_verify_even_without_weeks(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workoutexport import plans

    real = plans.expand_plan
    # A plan that names no week entry to blame: the problem is reported at the plan file.
    monkeypatch.setattr(
        plans, "expand_plan", lambda *a, **k: dataclasses.replace(real(*a, **k), week_sources=())
    )
    monkeypatch.setattr(plans, "calendar", lambda *_a: b"not a calendar")
    code, _out, err = run("check", "plan.yaml", cwd=folder)
    assert code == 1
    assert "plan.yaml" in err and "does not verify" in err


# --- one file's crash, in every command -----------------------------------------------------


def test_import_reports_a_crash_in_one_file_and_imports_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workoutexport import pipeline

    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(f"name: {name}\nsteps:\n  - run: 10min\n")
    assert run("build", "a.yaml", "b.yaml", "-o", "fit", cwd=tmp_path)[0] == 0
    real = pipeline.import_file

    def flaky(path: Path) -> list[pipeline.Imported]:
        if path.stem == "a":
            raise RuntimeError("bug")
        return real(path)

    monkeypatch.setattr(pipeline, "import_file", flaky)
    code, _out, err = run("import", "fit", "-o", "yaml", "-j", "1", cwd=tmp_path)
    assert code == 1
    assert "fit/a.fit:" in err and "internal error (RuntimeError: bug)" in err
    assert [p.name for p in (tmp_path / "yaml").iterdir()] == ["b.yaml"]


def test_site_reports_a_crash_in_one_workout_and_builds_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workoutexport import pipeline

    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(f"name: {name}\nsteps:\n  - run: 10min\n")
    real = pipeline.load_workout

    def flaky(path: Path, **kwargs: object) -> object:
        if Path(path).stem == "a":
            raise RuntimeError("bug")
        return real(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "load_workout", flaky)
    code, _out, err = run("site", ".", "-o", "out", "-j", "1", cwd=tmp_path)
    assert code == 1
    assert "a.yaml:" in err and "internal error (RuntimeError: bug)" in err
    decode_fit((tmp_path / "out" / "files" / "b.fit").read_bytes())
    assert not (tmp_path / "out" / "files" / "a.fit").exists()


def test_site_reports_a_crash_in_a_plan_and_builds_the_rest(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr("workoutexport.plans.expand_plan", boom)
    code, _out, err = run("site", ".", "-o", "out", "-j", "1", cwd=folder)
    assert code == 1
    assert "plan.yaml:" in err and "internal error (RuntimeError: bug)" in err
    decode_fit((folder / "out" / "files" / "b.fit").read_bytes())


def test_show_reports_a_crash_in_one_file_and_shows_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workoutexport import show

    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(f"name: {name}\nsteps:\n  - run: 10min\n")
    real = show.render

    def flaky(workout: object, **kwargs: object) -> str:
        if getattr(workout, "name", None) == "a":
            raise RuntimeError("bug")
        return real(workout, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(show, "render", flaky)
    code, out, err = run("show", "a.yaml", "b.yaml", cwd=tmp_path)
    assert code == 1
    assert "a.yaml:" in err and "internal error (RuntimeError: bug)" in err
    assert "b" in out and "10:00" in out


# --- site -----------------------------------------------------------------------------------


def test_site_offers_only_the_formats_a_workout_is_for(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_text("name: f\nformats: [fit]\nsteps:\n  - run: 10min\n")
    (tmp_path / "t.yaml").write_text("name: t\nformats: [tcx]\nsteps:\n  - run: 10min\n")
    code, _out, err = run("site", ".", "-o", "out", "-j", "1", cwd=tmp_path)
    assert code == 0, err
    files = tmp_path / "out" / "files"
    assert sorted(p.name for p in files.iterdir()) == ["f.fit", "t.tcx"]
    decode_fit((files / "f.fit").read_bytes())
    from workoutexport.pipeline import verify

    assert verify((files / "t.tcx").read_bytes(), "tcx") == []
    assert "t.html" in (tmp_path / "out" / "index.html").read_text()


def test_site_does_not_write_through_a_symlinked_folder_out_of_it(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text("name: w\nsteps:\n  - run: 10min\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "files").symlink_to(elsewhere)
    code, _out, err = run("site", "w.yaml", "-o", "out", "-j", "1", cwd=tmp_path)
    assert code == 1
    assert "symlink out of the output folder" in err
    assert list(elsewhere.iterdir()) == []
    assert (tmp_path / "out" / "index.html").exists()


# --- --set with plans among several inputs --------------------------------------------------


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """A plan whose workout lacks `x`, and a workout that defines it."""
    (tmp_path / "easy.yaml").write_text(EASY)
    (tmp_path / "plan.yaml").write_text(PLAN)
    (tmp_path / "x.yaml").write_text("name: X\nvars:\n  x: 10min\nsteps:\n  - run: ${x}\n")
    return tmp_path


def test_check_a_folder_with_a_plan_applies_set_where_defined(mixed: Path) -> None:
    code, out, err = run("check", ".", "--set", "x=5min", "-j", "1", cwd=mixed)
    assert code == 0, out + err


def test_build_a_folder_with_a_plan_applies_set_where_defined(mixed: Path) -> None:
    code, _out, err = run("build", ".", "-o", "out", "--set", "x=5min", "-j", "1", cwd=mixed)
    assert code == 0, err
    assert (mixed / "out" / "plan" / "plan-schedule.fit").exists()
    # 5 min at no pace target: the step's duration is 300 s (300,000 ms in FIT).
    steps = decode_fit((mixed / "out" / "x.fit").read_bytes())["workout_step_mesgs"]
    assert steps[0]["duration_time"] == 300


def test_a_set_nobody_defines_is_one_error_counting_plans(mixed: Path) -> None:
    for command in (["check", "."], ["build", ".", "-o", "out"], ["site", ".", "-o", "site"]):
        code, out, err = run(*command, "--set", "y=1", "-j", "1", cwd=mixed)
        assert code == 1
        said = (out + err).count("--set y=...")
        assert said == 1, (command, out, err)


def test_a_set_the_plan_alone_defines_is_taken_by_the_plan(mixed: Path) -> None:
    code, _out, err = run("build", ".", "-o", "out", "--set", "minutes=20min", "-j", "1", cwd=mixed)
    assert code == 0, err
    session = mixed / "out" / "plan" / "easy.fit"
    steps = decode_fit(session.read_bytes())["workout_step_mesgs"]
    assert steps[0]["duration_time"] == 1200


def test_site_a_folder_with_a_plan_applies_set_where_defined(mixed: Path) -> None:
    code, _out, err = run("site", ".", "-o", "site", "--set", "x=5min", "-j", "1", cwd=mixed)
    assert code == 0, err


def test_send_a_folder_with_a_plan_applies_set_where_defined(mixed: Path) -> None:
    import shutil

    root = mixed.parent / "fr935"
    (root / "GARMIN").mkdir(parents=True)
    devices = Path(__file__).resolve().parent / "files" / "devices"
    shutil.copyfile(
        devices / "forerunner-935-GarminDevice.xml", root / "GARMIN" / "GarminDevice.xml"
    )
    args = ("send", ".", "--device", str(root), "--all", "--dry-run")
    code, out, err = run(*args, "--set", "x=5min", cwd=mixed)
    assert code == 0, out + err
    code, out, err = run(*args, "--set", "y=1", cwd=mixed)
    assert code == 1
    assert (out + err).count("--set y=...") == 1, out + err


# --- small ones -----------------------------------------------------------------------------


def test_a_run_takes_paths_as_any_iterable(tmp_path: Path) -> None:
    from workoutexport.options import BuildOptions, Overrides
    from workoutexport.run import Run

    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "w.yaml").write_text(B)
    run_ = Run(BuildOptions(overrides=Overrides({"y": "1"})))
    # A folder is several inputs: an unknown --set is the run-wide error, said at the folder.
    items = run_.inputs(iter([tmp_path / "lib"]))
    done = [b for b in run_.workouts([i.path for i in items]) if b.ok]
    assert len(done) == 1
    [problem] = run_.unapplied()
    assert "no workout here defines a variable 'y'" in problem.message
    assert problem.position.path.endswith("lib")


def test_a_workout_for_no_requested_format_is_said(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_text("name: f\nformats: [fit]\nsteps:\n  - run: 10min\n")
    code, _out, err = run("build", "f.yaml", "-f", "tcx", "-o", "out", cwd=tmp_path)
    assert code == 0
    assert "warning: this workout is for fit only" in err
    assert "nothing written for -f tcx" in err
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_show_says_a_shared_profile_error_again_after_a_plan(folder: Path) -> None:
    (folder / "profile.yaml").write_text("paces:\n  easy: fast\n")
    (folder / "c.yaml").write_text("name: C\nsteps:\n  - run: 1km\n")
    code, _out, err = run("show", "b.yaml", "plan.yaml", "c.yaml", cwd=folder)
    assert code == 1
    # Said for b, by the plan's own report, and for c after the plan (not dropped as said).
    profile_lines = [line for line in err.splitlines() if line.startswith("profile.yaml:")]
    assert len(profile_lines) == 3, err
