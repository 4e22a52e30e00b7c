"""The command line as users meet it: exit codes, diagnostics, files written or not."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from workoutexport.cli import main

from conftest import assert_valid_tcx, decoded

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "workouts"

GOOD = "name: Good\nsteps:\n  - warmup: 10min\n  - run: 400m\n    pace: 4:00/km\n"
BAD = "name: Bad\nsteps:\n  - run: 400\n"


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
    # 12 workouts and the 3 plans in workouts/plans (their sessions, schedules, calendars and
    # the 10 % rule checked too), counted apart (issue 21, item 6)
    assert "12 workouts and 3 plans checked: 0 errors, 0 warnings" in stdout
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


def test_check_tcx_reports_strength_clearly() -> None:
    code, _, stderr = run("check", str(LIBRARY), "-f", "tcx")
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
