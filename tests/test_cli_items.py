"""What a new user tripped on (issue 21, items 3, 5, 6, 10, 11, 12 and 13), one test per item,
named after it, so that each stays fixed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
