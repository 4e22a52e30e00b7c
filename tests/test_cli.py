"""The command line as users meet it: exit codes, diagnostics, files written or not."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from workoutexport.cli import main
from workoutexport.formats.fit.verify import decode_fit
from workoutexport.formats.tcx.verify import problems as tcx_problems

from conftest import assert_valid_tcx, decoded

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "workouts"

GOOD = "name: Good\nsteps:\n  - warmup: 10min\n  - run: 400m\n    pace: 4:00/km\n"
BAD = "name: Bad\nsteps:\n  - run: 400\n"
STRENGTH = """\
name: Strength
sport: strength
steps:
  - exercise: squat/goblet_squat
    reps: 12
"""


def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = runner.invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    src = tmp_path / "lib"
    (src / "intervals").mkdir(parents=True)
    (src / "good.yaml").write_text(GOOD)
    (src / "intervals" / "also-good.yml").write_text(GOOD.replace("Good", "Also good"))
    (src / "bad.yaml").write_text(BAD)
    return src


def test_build_folder_builds_valid_ones_and_reports_the_rest(lib: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _stdout, stderr = run("build", str(lib), "-o", str(out), "-f", "fit", "-f", "tcx")
    assert code == 1
    assert f"{lib / 'bad.yaml'}:3:10: error: '400' has no unit" in stderr
    assert "Traceback" not in stderr
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == [
        "good.fit",
        "good.tcx",
        "intervals/also-good.fit",
        "intervals/also-good.tcx",
    ]
    assert decoded((out / "good.fit").read_bytes())["workout_mesgs"][0]["wkt_name"] == "Good"
    assert_valid_tcx((out / "intervals" / "also-good.tcx").read_bytes())


def test_build_default_is_fit_in_current_folder(tmp_path: Path) -> None:
    (tmp_path / "hills.yaml").write_text(GOOD)
    code, stdout, _ = run("build", "hills.yaml", cwd=tmp_path)
    assert code == 0
    assert (tmp_path / "hills.fit").is_file()
    assert not (tmp_path / "hills.tcx").exists()
    assert "wrote hills.fit" in stdout


def test_build_replaces_a_symlink_instead_of_following_it(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(GOOD)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    out = tmp_path / "out"
    out.mkdir()
    (out / "w.fit").symlink_to(victim)
    code, _, _ = run("build", str(tmp_path / "w.yaml"), "-o", str(out))
    assert code == 0
    assert victim.read_text() == "keep me"
    assert not (out / "w.fit").is_symlink()
    decoded((out / "w.fit").read_bytes())
    assert [p.name for p in out.iterdir()] == ["w.fit"]  # no temporary file left behind


def test_unwritable_output_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(GOOD)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, _, stderr = run("build", str(tmp_path / "w.yaml"), "-o", str(blocker / "sub"))
    assert code in (1, 2)
    assert "Traceback" not in stderr


def test_check_library_passes_and_writes_nothing(tmp_path: Path) -> None:
    before = set(LIBRARY.rglob("*"))
    code, stdout, stderr = run("check", str(LIBRARY))
    assert code == 0, stderr
    # 12 workouts, 3 rides in workouts/bike, 3 swims in workouts/swim, and the 4 plans in
    # workouts/plans (3 faster-mile plans and triathlon-base; their sessions, schedules,
    # calendars and the 10 % rule checked too), counted apart (issue 21, item 6)
    assert "18 workouts and 4 plans checked: 0 errors, 0 warnings" in stdout
    assert set(LIBRARY.rglob("*")) == before


def test_check_strict_fails_on_warnings(lib: Path) -> None:
    (lib / "bad.yaml").unlink()
    (lib / "named.yaml").write_text(
        "name: Named step\nsteps:\n  - run: 1min\n    name: A step name of twenty\n"
    )
    assert run("check", str(lib))[0] == 0
    code, _stdout, stderr = run("check", str(lib), "--strict")
    assert code == 1
    assert "warning: step name" in stderr


def test_check_json_and_github(lib: Path) -> None:
    code, stdout, _ = run("check", str(lib), "--output-format", "json")
    assert code == 1
    items = json.loads(stdout)
    assert items == [
        {
            "file": str(lib / "bad.yaml"),
            "line": 3,
            "column": 10,
            "severity": "error",
            "message": items[0]["message"],
        }
    ]
    assert items[0]["message"].startswith("'400' has no unit")
    code, stdout, _ = run("check", str(lib), "--output-format", "github")
    assert code == 1
    assert stdout.startswith(f"::error file={lib / 'bad.yaml'},line=3,col=10::'400' has no unit")


def test_check_tcx_reports_strength_clearly(tmp_path: Path) -> None:
    # The bundled strength session says it is for FIT: -f tcx skips it, and says so.
    code, _, stderr = run("check", str(LIBRARY / "strength.yaml"), "-f", "tcx")
    assert code == 0, stderr
    assert "strength.yaml:2:1: warning: this workout is for fit only" in stderr
    # Without its formats: line, TCX's refusal is the error, at the sport.
    text = (LIBRARY / "strength.yaml").read_text()
    bare = "".join(x for x in text.splitlines(keepends=True) if not x.startswith("formats:"))
    copy = write(tmp_path / "strength.yaml", bare)
    code, _, stderr = run("check", str(copy), "-f", "tcx")
    assert code == 1
    assert "strength.yaml:4:8: error: TCX cannot carry strength workouts" in stderr


def test_show_prints_tree_and_totals() -> None:
    code, stdout, _ = run("show", str(LIBRARY / "10x400-mile-pace.yaml"))
    assert code == 0
    assert "repeat 10 times:" in stdout
    assert "pace 5:55-6:05/mi" in stdout
    # 15 + 10 x (400 m at ~6:00/mi + 60 s) + 10 minutes
    assert "total time: 49:5" in stdout


def test_set_overrides_a_var(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(
        "name: W\nvars:\n  reps: 4\nsteps:\n  - repeat: ${reps}\n    steps:\n      - run: 1min\n"
    )
    code, _, _ = run("build", "w.yaml", "--set", "reps=7", cwd=tmp_path)
    assert code == 0
    steps = decoded((tmp_path / "w.fit").read_bytes())["workout_step_mesgs"]
    assert steps[-1]["target_value"] == 7
    code, _, stderr = run("build", "w.yaml", "--set", "rep=7", cwd=tmp_path)
    assert code == 1
    assert "this workout defines no variable 'rep'; did you mean 'reps'?" in stderr
    assert run("build", "w.yaml", "--set", "reps", cwd=tmp_path)[0] == 2


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("build")[0] == 2
    assert run("build", str(tmp_path / "missing.yaml"))[0] == 2
    assert run("build", str(LIBRARY), "-f", "gpx")[0] == 2


def test_profile_named_on_the_command_line_is_checked_as_a_profile(tmp_path: Path) -> None:
    assert run("check", str(LIBRARY / "profile.yaml"))[0] == 0
    bad = tmp_path / "profile.yaml"
    bad.write_text("paces:\n  easy: 5:75/km\n")
    code, _, stderr = run("check", str(bad))
    assert code == 1
    assert "profile.yaml:2:9: error: '5:75/km'" in stderr


def test_explicit_profile_option(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text("name: W\nsteps:\n  - run: 20min\n    pace: tempo\n")
    prof = tmp_path / "athlete.yaml"
    prof.write_text("paces:\n  tempo: 4:30/km\n")
    assert run("check", "w.yaml", cwd=tmp_path)[0] == 1
    assert run("check", "w.yaml", "--profile", str(prof), cwd=tmp_path)[0] == 0


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys\n"
        "from workoutexport.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('lxml', 'fit_tool', 'pydantic', 'garmin_fit_sdk', 'ruamel') "
        "if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout


def test_python_dash_m_and_console_script(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "workoutexport", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0 and "workoutexport" in out.stdout
    script = shutil.which("workoutexport", path=str(Path(sys.executable).parent))
    assert script is not None


def test_schema_command_prints_json_schema() -> None:
    code, stdout, _ = run("schema")
    assert code == 0
    schema = json.loads(stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "steps" in schema["properties"]


def test_double_dollar_is_a_literal(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(
        "name: Costs $${price}\nvars:\n  n: 2\nsteps:\n  - run: ${n}min\n    note: $${n} not ${n}\n"
    )
    code, _, stderr = run("build", "w.yaml", cwd=tmp_path)
    assert code == 0, stderr
    msgs = decoded((tmp_path / "w.fit").read_bytes())
    assert msgs["workout_mesgs"][0]["wkt_name"] == "Costs ${price}"
    assert msgs["workout_step_mesgs"][0]["notes"] == "${n} not 2"
    assert msgs["workout_step_mesgs"][0]["duration_time"] == 120.0


def test_a_file_named_twice_is_built_once(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(GOOD)
    code, stdout, stderr = run("build", "w.yaml", "./w.yaml", str(tmp_path), cwd=tmp_path)
    assert code == 0, stderr
    assert stdout.count("wrote") == 1


def test_show_on_a_profile_checks_it() -> None:
    code, stdout, _ = run("show", str(LIBRARY / "profile.yaml"))
    assert code == 0
    assert "is a valid profile" in stdout


def test_named_pace_typo_suggests_the_profile_pace(tmp_path: Path) -> None:
    (tmp_path / "profile.yaml").write_text("paces:\n  threshold: 4:20/km\n")
    (tmp_path / "w.yaml").write_text("name: W\nsteps:\n  - run: 20min\n    pace: treshold\n")
    code, _, stderr = run("check", "w.yaml", cwd=tmp_path)
    assert code == 1
    assert (
        "w.yaml:4:11: error: named pace 'treshold' is not in the profile's paces at "
        "profile.yaml:1:1 (threshold); did you mean 'threshold'?"
    ) in stderr


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# --- what build writes, and what it says -------------------------------------------------


def test_build_outputs_get_the_mode_open_would_give(tmp_path: Path) -> None:
    src = write(tmp_path / "a.yaml", "name: A\nsteps:\n  - run: 10min\n")
    old = os.umask(0o022)
    try:
        code, _, err = run("build", str(src), "-o", str(tmp_path / "out"))
    finally:
        os.umask(old)
    assert code == 0, err
    assert stat.S_IMODE((tmp_path / "out" / "a.fit").stat().st_mode) == 0o644


def test_a_broken_explicit_profile_builds_nothing(tmp_path: Path) -> None:
    write(tmp_path / "lib" / "profile.yaml", "paces:\n  easy: 6:00/km\n")
    write(tmp_path / "lib" / "a.yaml", "name: A\nsteps:\n  - run: 10min\n    pace: easy\n")
    write(tmp_path / "lib" / "b.yaml", "name: B\nsteps:\n  - run: 10min\n")
    bad = write(tmp_path / "bad.yaml", "paces:\n  easy: fast\n")
    out = tmp_path / "out"
    code, _, err = run("build", str(tmp_path / "lib"), "--profile", str(bad), "-o", str(out))
    assert code == 1
    assert not out.exists() or not any(out.rglob("*.fit"))
    assert err.count("not built: the profile given with --profile") == 2
    assert "pass --profile" not in err


def test_build_names_stale_outputs_in_the_summary(tmp_path: Path) -> None:
    src = write(tmp_path / "a.yaml", "name: A\nsteps:\n  - run: 10min\n")
    out = tmp_path / "out"
    assert run("build", str(src), "-o", str(out))[0] == 0
    before = (out / "a.fit").read_bytes()
    src.write_text("name: A\nsteps:\n  - run: 10\n")
    code, _, err = run("build", str(src), "-o", str(out))
    assert code == 1
    assert f"note: {out / 'a.fit'} is from an older {src} (not rebuilt)" in err
    assert (out / "a.fit").read_bytes() == before  # left for the user, not silently removed


def test_a_format_that_cannot_carry_a_workout_fails_that_format_only(
    tmp_path: Path,
) -> None:
    lib = tmp_path / "lib"
    write(lib / "strength.yaml", STRENGTH)
    write(lib / "run.yaml", "name: Run\nsteps:\n  - run: 10min\n")
    out = tmp_path / "out"
    code, _, err = run("build", str(lib), "-f", "fit", "-f", "tcx", "-o", str(out))
    assert code == 1 and "error:" in err
    assert decode_fit((out / "strength.fit").read_bytes())["workout_step_mesgs"]
    assert not (out / "strength.tcx").exists()
    assert tcx_problems((out / "run.tcx").read_bytes()) == []

    out2 = tmp_path / "out2"
    code, _, err = run("build", str(lib), "-f", "fit", "-f", "tcx", "--lossy", "-o", str(out2))
    assert code == 0, err
    assert "warning:" in err and "no TCX file written (--lossy)" in err
    assert (out2 / "strength.fit").exists() and not (out2 / "strength.tcx").exists()

    # A library can say so itself: no error, no TCX.
    write(lib / "strength.yaml", STRENGTH.replace("sport:", "formats: [fit]\nsport:"))
    out3 = tmp_path / "out3"
    code, _, err = run("build", str(lib), "-f", "fit", "-f", "tcx", "-o", str(out3))
    assert code == 0, err
    assert (out3 / "strength.fit").exists() and not (out3 / "strength.tcx").exists()


def test_build_says_a_workout_is_for_no_requested_format(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_text("name: f\nformats: [fit]\nsteps:\n  - run: 10min\n")
    code, _out, err = run("build", "f.yaml", "-f", "tcx", "-o", "out", cwd=tmp_path)
    assert code == 0
    assert "warning: this workout is for fit only" in err
    assert "nothing written for -f tcx" in err
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


# --- --set on a folder --------------------------------------------------------------------


def test_set_on_a_folder_applies_where_the_var_is_defined(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    write(
        lib / "reps.yaml",
        "name: R\nvars:\n  reps: 4\nsteps:\n  - repeat: ${reps}\n"
        "    steps:\n      - run: 400m\n      - recover: 60s\n",
    )
    write(lib / "easy.yaml", "name: E\nsteps:\n  - run: 10min\n")
    out = tmp_path / "out"
    code, _, err = run("build", str(lib), "--set", "reps=6", "-o", str(out))
    assert code == 0, err
    steps = decode_fit((out / "reps.fit").read_bytes())["workout_step_mesgs"]
    assert steps[-1]["repeat_steps"] == 6
    code, _, err = run("build", str(lib), "--set", "nope=1", "-o", str(out))
    assert code == 1
    assert "no workout here defines a variable 'nope'" in err


def test_set_on_a_folder_in_send_and_site(tmp_path: Path) -> None:
    import shutil

    lib = tmp_path / "lib"
    write(
        lib / "reps.yaml",
        "name: R\nvars:\n  reps: 4\nsteps:\n  - repeat: ${reps}\n"
        "    steps:\n      - run: 400m\n      - recover: 60s\n",
    )
    write(lib / "easy.yaml", "name: E\nsteps:\n  - run: 10min\n")
    dev = tmp_path / "dev" / "GARMIN"
    dev.mkdir(parents=True)
    devices = Path(__file__).resolve().parent / "files" / "devices"
    shutil.copyfile(devices / "forerunner-935-GarminDevice.xml", dev / "GarminDevice.xml")
    code, _, err = run("send", str(lib), "--set", "reps=6", "--device", str(dev.parent))
    assert code == 0, err
    sent = (dev / "NEWFILES" / "reps.fit").read_bytes()
    assert decode_fit(sent)["workout_step_mesgs"][-1]["repeat_steps"] == 6
    code, _, err = run("site", str(lib), "--set", "reps=6", "-o", str(tmp_path / "site"))
    assert code == 0, err
    site_fit = (tmp_path / "site" / "files" / "reps.fit").read_bytes()
    assert decode_fit(site_fit)["workout_step_mesgs"][-1]["repeat_steps"] == 6
    code, _, err = run("site", str(lib), "--set", "nope=1", "-o", str(tmp_path / "site2"))
    assert code == 1 and "no workout here defines a variable 'nope'" in err


# --- check --------------------------------------------------------------------------------


def test_check_skips_dotfiles_collects_upper_case_and_excludes(tmp_path: Path) -> None:
    write(tmp_path / ".pre-commit-config.yaml", "repos: []\n")
    write(tmp_path / ".github" / "workflows" / "ci.yml", "on: push\n")
    write(tmp_path / "A.YAML", "name: A\nsteps:\n  - run: 10min\n")
    write(tmp_path / "b.YML", "name: B\nsteps:\n  - run: 10min\n")
    write(tmp_path / "drafts" / "c.yaml", "name: C\nsteps:\n  - run: 10\n")
    code, out, err = run("check", ".", "--exclude", "drafts/*", cwd=tmp_path)
    assert code == 0, err
    assert "2 workouts checked: 0 errors" in out
    code, out, err = run("check", ".", cwd=tmp_path)
    assert code == 1 and "drafts/c.yaml" in err and ".github" not in err


def test_f_is_the_workout_format_and_output_format_the_printing(tmp_path: Path) -> None:
    src = write(tmp_path / "a.yaml", "name: A\nsteps:\n  - run: 10\n")
    code, out, err = run("check", str(src), "--format", "tcx")
    assert code == 1 and "has no unit" in err  # accepted: a workout format
    code, out, err = run("check", str(src), "--output-format", "json")
    assert code == 1 and '"severity": "error"' in out
    # No release ever had the old spelling `-f github`: it is a usage error now (issue 21).
    code, out, err = run("check", str(src), "--format", "github")
    assert code == 2 and "'github' is not one of" in err


def test_checking_a_changed_profile_rechecks_its_workouts(tmp_path: Path) -> None:
    # The pre-commit side (README's config, run by pre-commit) is in test_precommit.py.
    prof = write(tmp_path / "lib" / "profile.yaml", "paces:\n  tempo: 4:30/km\n")
    write(tmp_path / "lib" / "sub" / "t.yaml", "name: T\nsteps:\n  - run: 20min\n    pace: tmpo\n")
    code, _, err = run("check", str(prof))
    assert code == 1
    assert "t.yaml" in err and "did you mean 'tempo'" in err


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("warmup: 10m", "did you mean 10min?"),
        ("recover: 90-60s", "runs from high to low"),
    ],
)
def test_likely_mistakes_draw_warnings(tmp_path: Path, step: str, message: str) -> None:
    src = write(tmp_path / "a.yaml", f"name: A\nsteps:\n  - {step}\n  - run: 1km\n")
    code, _, err = run("check", str(src))
    assert code == 0 and "a.yaml:3:" in err and "warning: " in err and message in err


REVERSED = """name: A
steps:
  - run: 1km
    pace: 4:00-3:00/km
  - repeat: 8-6
    steps:
      - run: 2min
        hr: 160-150bpm
        secondary:
          cadence: 180-170spm
      - run: 1min
        power: 260-240W
"""


def test_a_reversed_pace_hr_power_cadence_or_count_range_is_a_warning(tmp_path: Path) -> None:
    """Read in order as before (the file builds, byte for byte as if written in order), but
    said: a range written backwards is often a typo for another range."""
    src = write(tmp_path / "back" / "a.yaml", REVERSED)
    fixed = REVERSED
    for backwards, ordered in [
        ("4:00-3:00", "3:00-4:00"),
        ("8-6", "6-8"),
        ("160-150", "150-160"),
        ("180-170", "170-180"),
        ("260-240", "240-260"),
    ]:
        fixed = fixed.replace(backwards, ordered)
    ordered_src = write(tmp_path / "fwd" / "a.yaml", fixed)
    code, _, err = run("build", str(src), "-o", str(tmp_path / "out-back"))
    assert code == 0, err
    assert [line for line in err.splitlines() if ": warning: " in line] == [
        f"{src}:4:11: warning: '4:00-3:00/km' is written slow to fast; read as 3:00-4:00/km",
        f"{src}:5:13: warning: '8-6' runs from high to low; read as 6-8",
        f"{src}:8:13: warning: '160-150bpm' runs from high to low; read as 150-160bpm",
        f"{src}:10:20: warning: '180-170spm' runs from high to low; read as 170-180spm",
        f"{src}:12:16: warning: '260-240W' runs from high to low; read as 240-260W",
    ]
    code, _, err = run("build", str(ordered_src), "-o", str(tmp_path / "out-fwd"))
    assert code == 0 and ": warning: " not in err, err
    back = (tmp_path / "out-back" / "a.fit").read_bytes()
    assert decoded(back) == decoded((tmp_path / "out-fwd" / "a.fit").read_bytes())
    step = decoded(back)["workout_step_mesgs"][0]
    # 3:00/km is the fast end (the high speed), 4:00/km the slow end (the low one).
    assert abs(step["custom_target_speed_low"] - 1000 / 240) < 0.002
    assert abs(step["custom_target_speed_high"] - 1000 / 180) < 0.002


def test_a_secondary_target_of_the_same_kind_is_an_error(tmp_path: Path) -> None:
    src = write(
        tmp_path / "a.yaml",
        "name: A\nsteps:\n  - run: 1km\n    hr: z2\n    secondary:\n      hr: 150bpm\n",
    )
    code, _, err = run("check", str(src))
    assert code == 1 and "a.yaml:6:11: error: 'secondary:' holds a hr target" in err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: A\nsteps: []\n", "'steps' needs at least one step"),
        ("name: A\nsteps:\n", "a.yaml:2:1: error: 'steps' has no value; it must be a list"),
        ("name: A\nsteps:\n\t- run: 1km\n", "YAML indents with spaces"),
        (
            "name: A\nsteps:\n  - run: 1km\n    note: Don't stop: go\n",
            "quote text that contains ': '",
        ),
        ("name: A\nsteps:\n  - run: 1km\n   pace: 4:00/km\n", "check the indentation of line 4"),
        ("name: A\nsteps:\n  - run: 1km\n    hr: 150\n", "such as 'z2' or '140-150bpm'"),
    ],
)
def test_library_wording_is_rewritten_in_the_tools_words(
    tmp_path: Path, text: str, expected: str
) -> None:
    src = write(tmp_path / "a.yaml", text)
    code, _, err = run("check", str(src))
    assert code == 1 and expected in err, err
    assert "after validation" not in err and "valid list" not in err


def test_strict_says_that_warnings_failed_the_check(tmp_path: Path) -> None:
    # A run that exits 1 with "0 errors" must say why: --strict made its warnings fail.
    write(tmp_path / "w.yaml", "name: W\nsteps:\n  - warmup: 10m\n  - run: 10min\n")
    code, out, err = run("check", str(tmp_path / "w.yaml"), "--strict")
    assert code == 1
    assert "0 errors, 1 warning (--strict: warnings fail the check)" in out + err
    code, out, err = run("check", str(tmp_path / "w.yaml"))
    assert code == 0
    assert "--strict" not in out + err


# --- colour and progress on a terminal -----------------------------------------------------


def test_no_progress_or_colour_in_a_pipe_colour_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workoutexport import cli, progress

    for i in range(progress.MIN_ITEMS + 1):
        write(tmp_path / f"w{i:02d}.yaml", "name: A\nsteps:\n  - run: 10\n")
    code, _, err = run("check", str(tmp_path))
    assert code == 1 and "\x1b[" not in err and "checking" not in err
    monkeypatch.setattr(cli, "_colour", lambda: True)
    code, _, err = run("check", str(tmp_path))
    assert "\x1b[31m\x1b[1merror\x1b[0m: '10' has no unit" in err
    monkeypatch.undo()

    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stderr", Tty())
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert cli._colour() is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli._colour() is False


def test_progress_bar_when_stderr_is_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from workoutexport.progress import MIN_ITEMS, progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    monkeypatch.setattr("sys.stderr", tty)
    items = list(range(MIN_ITEMS))
    assert list(progress(items, "checking")) == items
    assert "checking" in tty.getvalue()
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    assert list(progress(items, "checking")) == items
    assert pipe.getvalue() == ""


# --- show ---------------------------------------------------------------------------------


def test_show_keeps_the_written_unit_and_converts_on_request(tmp_path: Path) -> None:
    src = write(tmp_path / "m.yaml", "name: M\nsteps:\n  - run: 2mi\n  - recover: 200yd\n")
    code, out, err = run("show", str(src), "--no-chart")
    assert code == 0, err
    assert "run       2mi" in out and "recover   200yd" in out
    # 2 mi + 200 yd = 3218.688 + 182.88 m = 3401.568 m; no pace, so no total distance.
    code, out, err = run("show", str(src), "--no-chart", "--units", "km")
    assert "run       3.22km" in out and "recover   182.9m" in out  # 200 x 0.9144
    code, out, err = run("show", str(src), "--no-chart", "--units", "mi")
    assert "run       2mi" in out and "recover   200yd" in out
    # Read back from FIT (centimetres): still 2 mi and 200 yd, not 3218.69 m.
    assert run("build", str(src), "-o", str(tmp_path / "o"))[0] == 0
    code, out, err = run("show", str(tmp_path / "o" / "m.fit"), "--no-chart")
    assert "run       2mi" in out and "recover   200yd" in out


def test_show_gives_ranges_picks_estimates_zones_and_exercise_names(
    tmp_path: Path,
) -> None:
    write(tmp_path / "profile.yaml", "hr:\n  max: 200\n")
    src = write(
        tmp_path / "h.yaml",
        "name: H\nsteps:\n  - warmup: 10-15min\n  - repeat: 6-8\n    steps:\n"
        "      - run: 1km\n        pace: 4:00/km\n      - recover: 2min\n        hr: z2\n",
    )
    code, out, err = run("show", str(src), "--no-chart", "--pick", "high")
    assert code == 0, err
    assert "repeat 8 times (6-8, --pick high):" in out
    assert "warmup    15:00 (10-15min, --pick high)" in out
    assert "~4:00" in out  # 1 km at 3:55-4:05/km, the middle speed: 4:00 by hand
    assert "hr zone 2 (120-140bpm)" in out  # 60-70 % of 200
    strength = write(tmp_path / "s.yaml", STRENGTH)
    code, out, err = run("show", str(strength), "--no-chart")
    assert "Goblet Squat 12 reps" in out


def test_show_takes_folders(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", "name: Alpha\nsteps:\n  - run: 10min\n")
    write(tmp_path / "sub" / "b.yaml", "name: Beta\nsteps:\n  - run: 10\n")
    code, out, err = run("show", str(tmp_path), "--no-chart")
    assert code == 1  # b is broken; a is still shown
    assert out.startswith("Alpha\n") and "b.yaml:3:10: error:" in err


def test_a_set_no_input_takes_writes_nothing_for_a_folder_as_for_one_file(
    tmp_path: Path,
) -> None:
    # A typo in --set (rpes for reps) on a folder is one error and nothing written, as it is
    # for a single workout; the runner fixes the typo instead of finding half-old files.
    code, _, err = run("build", str(LIBRARY), "--set", "rpes=3", "-o", str(tmp_path / "out"))
    assert code == 1
    assert "no workout here defines a variable 'rpes'" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    code, _, err = run(
        "build", str(LIBRARY / "400m-repeats.yaml"), "--set", "rpes=3", "-o", str(tmp_path / "o1")
    )
    assert code == 1
    assert not (tmp_path / "o1").exists() or not any((tmp_path / "o1").iterdir())
