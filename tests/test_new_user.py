"""What a new user tripped on (issue 12), one test per item, so that each stays fixed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from workoutexport.cli import main
from workoutexport.formats.fit.verify import decode_fit
from workoutexport.formats.tcx.verify import problems as tcx_problems

STRENGTH = """\
name: Strength
sport: strength
steps:
  - exercise: squat/goblet_squat
    reps: 12
"""


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


def test_item_01_import_dir_never_overwrites_silently(tmp_path: Path) -> None:
    src = write(tmp_path / "w" / "x.yaml", "name: X\nsteps:\n  - run: 10min\n    pace: 5:00/km\n")
    code, _, err = run("build", str(src), "-f", "fit", "-f", "tcx", "-o", str(tmp_path / "d"))
    assert code == 0, err
    out = tmp_path / "out"
    code, _, err = run("import", str(tmp_path / "d"), "-o", str(out))
    assert code == 1
    assert "is also the import of" in err and "x.fit" in err and "x.tcx" in err
    assert err.count("wrote ") == 1  # the first is written, the second is refused
    # The FIT one (first in order) won: its pace is still there, not TCX's lossier copy.
    assert "4:55-5:05/km" in (out / "x.yaml").read_text()


def test_item_02_outputs_get_the_mode_open_would_give(tmp_path: Path) -> None:
    src = write(tmp_path / "a.yaml", "name: A\nsteps:\n  - run: 10min\n")
    old = os.umask(0o022)
    try:
        code, _, err = run("build", str(src), "-o", str(tmp_path / "out"))
    finally:
        os.umask(old)
    assert code == 0, err
    assert stat.S_IMODE((tmp_path / "out" / "a.fit").stat().st_mode) == 0o644


def test_item_03_a_broken_explicit_profile_builds_nothing(tmp_path: Path) -> None:
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


def test_item_04_stale_outputs_are_named_in_the_summary(tmp_path: Path) -> None:
    src = write(tmp_path / "a.yaml", "name: A\nsteps:\n  - run: 10min\n")
    out = tmp_path / "out"
    assert run("build", str(src), "-o", str(out))[0] == 0
    before = (out / "a.fit").read_bytes()
    src.write_text("name: A\nsteps:\n  - run: 10\n")
    code, _, err = run("build", str(src), "-o", str(out))
    assert code == 1
    assert f"note: {out / 'a.fit'} is from an older {src} (not rebuilt)" in err
    assert (out / "a.fit").read_bytes() == before  # left for the user, not silently removed


def test_item_05_a_format_that_cannot_carry_a_workout_fails_that_format_only(
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


def test_item_06_set_on_a_folder_applies_where_the_var_is_defined(tmp_path: Path) -> None:
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


def test_item_06_set_on_a_folder_in_send_and_site(tmp_path: Path) -> None:
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


def test_item_07_check_skips_dotfiles_collects_upper_case_and_excludes(tmp_path: Path) -> None:
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


def test_item_08_f_is_the_workout_format_and_output_format_the_printing(tmp_path: Path) -> None:
    src = write(tmp_path / "a.yaml", "name: A\nsteps:\n  - run: 10\n")
    code, out, err = run("check", str(src), "--format", "tcx")
    assert code == 1 and "has no unit" in err  # accepted: a workout format
    code, out, err = run("check", str(src), "--output-format", "json")
    assert code == 1 and '"severity": "error"' in out and "deprecated" not in err
    code, out, err = run("check", str(src), "--format", "github")
    assert code == 1 and out.startswith("::error file=")
    assert "'--format github' is deprecated" in err and "--output-format github" in err


def test_item_09_changed_profile_rechecks_its_workouts(tmp_path: Path) -> None:
    # The pre-commit side (README's config, run by pre-commit) is in test_precommit.py.
    prof = write(tmp_path / "lib" / "profile.yaml", "paces:\n  tempo: 4:30/km\n")
    write(tmp_path / "lib" / "sub" / "t.yaml", "name: T\nsteps:\n  - run: 20min\n    pace: tmpo\n")
    code, _, err = run("check", str(prof))
    assert code == 1
    assert "t.yaml" in err and "did you mean 'tempo'" in err


def test_item_10_no_progress_or_colour_in_a_pipe_colour_on_a_terminal(
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


def test_item_10_progress_bar_when_stderr_is_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
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


def test_item_11_show_keeps_the_written_unit_and_converts_on_request(tmp_path: Path) -> None:
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


def test_item_11_import_writes_what_the_file_stores_in_the_runners_units(tmp_path: Path) -> None:
    src = write(
        tmp_path / "m.yaml",
        "name: M\nsteps:\n  - run: 2mi\n    pace: 9:30/mi\n  - recover: 200yd\n",
    )
    assert run("build", str(src), "-o", str(tmp_path / "o"))[0] == 0
    code, out, err = run("import", str(tmp_path / "o" / "m.fit"))
    assert code == 0, err
    # 9:30/mi with the 5 s tolerance is 9:25-9:35/mi; FIT's mm/s keeps it whole seconds.
    assert "  - run: 2mi\n    pace: 9:25-9:35/mi\n  - recover: 200yd\n" in out
    assert "3218.69m" not in out and "5:5" not in out
    code, out, err = run("show", str(tmp_path / "o" / "m.fit"), "--no-chart")
    assert "run       2mi  ~19:00  pace 9:25-9:35/mi" in out


def test_item_12_show_gives_ranges_picks_estimates_zones_and_exercise_names(
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


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("warmup: 10m", "did you mean 10min?"),
        ("recover: 90-60s", "runs from high to low"),
    ],
)
def test_item_13_likely_mistakes_draw_warnings(tmp_path: Path, step: str, message: str) -> None:
    src = write(tmp_path / "a.yaml", f"name: A\nsteps:\n  - {step}\n  - run: 1km\n")
    code, _, err = run("check", str(src))
    assert code == 0 and "a.yaml:3:" in err and "warning: " in err and message in err


def test_item_13_a_secondary_target_of_the_same_kind_is_an_error(tmp_path: Path) -> None:
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
def test_item_14_library_wording_is_rewritten_in_the_tools_words(
    tmp_path: Path, text: str, expected: str
) -> None:
    src = write(tmp_path / "a.yaml", text)
    code, _, err = run("check", str(src))
    assert code == 1 and expected in err, err
    assert "after validation" not in err and "valid list" not in err


def test_item_14_importing_yaml_says_import_takes_fit_or_tcx(tmp_path: Path) -> None:
    src = write(tmp_path / "a.yaml", "name: A\nsteps:\n  - run: 1km\n")
    code, _, err = run("import", str(src))
    assert code == 1 and "import takes FIT, TCX" in err and "'workoutexport build'" in err
    assert "XML" not in err


def test_item_15_show_takes_folders(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", "name: Alpha\nsteps:\n  - run: 10min\n")
    write(tmp_path / "sub" / "b.yaml", "name: Beta\nsteps:\n  - run: 10\n")
    code, out, err = run("show", str(tmp_path), "--no-chart")
    assert code == 1  # b is broken; a is still shown
    assert out.startswith("Alpha\n") and "b.yaml:3:10: error:" in err


def test_strict_says_that_warnings_failed_the_check(tmp_path: Path) -> None:
    # A run that exits 1 with "0 errors" must say why: --strict made its warnings fail.
    write(tmp_path / "w.yaml", "name: W\nsteps:\n  - warmup: 10m\n  - run: 10min\n")
    code, out, err = run("check", str(tmp_path / "w.yaml"), "--strict")
    assert code == 1
    assert "0 errors, 1 warning (--strict: warnings fail the check)" in out + err
    code, out, err = run("check", str(tmp_path / "w.yaml"))
    assert code == 0
    assert "--strict" not in out + err
