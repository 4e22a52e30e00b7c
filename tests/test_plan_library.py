"""A plan names workouts inside its library, and no diagnostic quotes a file that is not a
workout (issue 19 item 1): absolute paths, '..' out of the library and symlinks leading out
are refused at the plan's line, naming the path and nothing that lies behind it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from workoutexport.cli import main
from workoutexport.diagnostics import WorkoutError
from workoutexport.plans import expand_plan

EASY = "name: Easy\nsteps:\n  - run: 10min\n"
TOKEN = "ghp_S3cr3tT0kenThatMustNeverBePrinted0000"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """library/plan folder with a workout; a secret beside the library, outside it."""
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "creds.yaml").write_text(TOKEN + "\n")
    lib = tmp_path / "library"
    (lib / "plans").mkdir(parents=True)
    (lib / "easy.yaml").write_text(EASY)
    (lib / "plans" / "easy.yaml").write_text(EASY)
    return lib


def _refused(plan: Path, day: str, where: str, message: str, library: Path | None = None) -> None:
    plan.write_text(f"start: 2027-01-04\nweeks:\n  - days: {{mon: {day}}}\n")
    with pytest.raises(WorkoutError) as info:
        expand_plan(plan, library=library)
    (only,) = info.value.diagnostics
    assert only.format().startswith(f"{plan}:{where}: error: "), only.format()
    assert message in only.message
    assert TOKEN not in str(info.value)


def test_dot_dot_out_of_the_plans_folder_is_refused(library: Path) -> None:
    _refused(
        library / "plan.yaml",
        "../secret/creds.yaml",
        "3:17",
        "'../secret/creds.yaml' leads out of the plan's library",
    )


def test_dot_dot_out_of_a_named_library_is_refused(library: Path) -> None:
    plan = library / "plans" / "p.yaml"
    _refused(
        plan,
        "../../secret/creds.yaml",
        "3:17",
        "leads out of the plan's library",
        library=library,
    )
    # Inside the library, '..' is fine: the folder named on the command line bounds it.
    plan.write_text("start: 2027-01-04\nweeks:\n  - days: {mon: ../easy.yaml}\n")
    (session,) = expand_plan(plan, library=library).sessions
    assert session.workout.resolve() == (library / "easy.yaml").resolve()
    # Without it, the plan's own folder does.
    _refused(plan, "../easy.yaml", "3:17", "'../easy.yaml' leads out of the plan's library")


def test_an_absolute_path_is_refused(library: Path) -> None:
    _refused(library / "plan.yaml", "/etc/passwd", "3:17", "'/etc/passwd' is an absolute path")
    _refused(
        library / "plan.yaml",
        str(library / "easy.yaml"),
        "3:17",
        "is an absolute path",
    )


def test_a_path_that_leaves_is_refused_whether_or_not_it_exists(library: Path) -> None:
    # Refused before it is looked at: the message cannot tell what is on the machine.
    _refused(library / "plan.yaml", "../nothing/here.yaml", "3:17", "leads out of")


def test_a_symlink_leading_out_is_refused(library: Path) -> None:
    link = library / "creds.yaml"
    link.symlink_to(library.parent / "secret" / "creds.yaml")
    _refused(
        library / "plan.yaml", "creds.yaml", "3:17", "'creds.yaml' is a symlink that leads out"
    )
    folder = library / "elsewhere"
    folder.symlink_to(library.parent / "secret", target_is_directory=True)
    _refused(library / "plan.yaml", "elsewhere/creds.yaml", "3:17", "is a symlink that leads out")


def test_a_symlinked_workout_inside_the_library_is_taken(library: Path) -> None:
    (library / "alias.yaml").symlink_to(library / "plans" / "easy.yaml")
    plan = library / "plan.yaml"
    plan.write_text("start: 2027-01-04\nweeks:\n  - days: {mon: alias.yaml, tue: easy.yaml}\n")
    sessions = expand_plan(plan).sessions
    assert [s.workout.name for s in sessions] == ["alias.yaml", "easy.yaml"]


def test_the_command_line_refuses_it_and_writes_nothing(library: Path, tmp_path: Path) -> None:
    plan = library / "plan.yaml"
    plan.write_text(
        "start: 2027-01-04\nweeks:\n  - days: {mon: ../secret/creds.yaml, tue: /etc/passwd}\n"
    )
    out = tmp_path / "out"
    for command in (
        ["build", str(plan), "-o", str(out)],
        ["check", str(plan)],
        ["show", str(plan)],
    ):
        code, stdout, stderr = run(*command)
        assert code == 1, command
        assert TOKEN not in stdout + stderr
        assert "root:" not in stdout + stderr
        assert f"{plan}:3:17: error: '../secret/creds.yaml' leads out" in stderr
        assert f"{plan}:3:44: error: '/etc/passwd' is an absolute path" in stderr
    assert not out.exists()


def test_a_folder_named_on_the_command_line_is_the_library(library: Path, tmp_path: Path) -> None:
    (library / "plans" / "p.yaml").write_text(
        "start: 2027-01-04\nweeks:\n  - days: {mon: ../easy.yaml}\n"
    )
    code, _, stderr = run("check", str(library))
    assert code == 0, stderr
    code, _, stderr = run("check", str(library / "plans"))
    assert code == 1
    assert "'../easy.yaml' leads out of the plan's library" in stderr


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (TOKEN + "\n", "plain text"),
        (f"- {TOKEN}\n", "a list"),
        ("12345678901234567890\n", "a number"),
    ],
)
def test_a_file_that_is_not_a_workout_is_described_not_quoted(
    tmp_path: Path, content: str, kind: str
) -> None:
    token = tmp_path / "token.yaml"
    token.write_text(content)
    for command in ("check", "build", "show"):
        code, stdout, stderr = run(
            command, str(token), *(["-o", str(tmp_path)] * (command == "build"))
        )
        assert code == 1
        assert TOKEN not in stdout + stderr
        assert "12345678901234567890" not in stdout + stderr
        assert f"{token}:1:1: error: not a YAML mapping: {kind}" in stderr


def test_a_plan_session_that_is_not_a_workout_is_not_quoted(library: Path) -> None:
    (library / "token.yaml").write_text(TOKEN + "\n")
    plan = library / "plan.yaml"
    plan.write_text("start: 2027-01-04\nweeks:\n  - days: {mon: token.yaml}\n")
    code, stdout, stderr = run("check", str(plan))
    assert code == 1
    assert TOKEN not in stdout + stderr
    assert f"{library / 'token.yaml'}:1:1: error: not a YAML mapping: plain text" in stderr


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_plan_named_through_a_symlink_keeps_its_links_folder(
    library: Path, tmp_path: Path
) -> None:
    (library / "plan.yaml").write_text("start: 2027-01-04\nweeks:\n  - days: {mon: easy.yaml}\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "p.yaml").symlink_to(library / "plan.yaml")
    # The link's folder is the library: easy.yaml is looked for there, and is not there.
    with pytest.raises(WorkoutError, match=r"no workout file 'easy\.yaml'"):
        expand_plan(elsewhere / "p.yaml")


def test_a_profile_marks_the_library_of_a_plan_named_by_itself(library: Path) -> None:
    """The shipped layout: plans/ below the library's profile.yaml name '../workout.yaml'.
    Named on its own, the plan's library is the profile's folder, and never above it."""
    from workoutexport.plans import library_of

    plan = library / "plans" / "p.yaml"
    plan.write_text("start: 2027-01-04\nweeks:\n  - days: {mon: ../easy.yaml}\n")
    # No profile: the plan's own folder bounds it.
    assert library_of(plan) == plan.parent.absolute()
    (library / "profile.yaml").write_text("hr:\n  max: 190\n")
    assert library_of(plan) == library.absolute()
    (session,) = expand_plan(plan).sessions
    assert session.workout.resolve() == (library / "easy.yaml").resolve()
    # Still nothing above the profile's folder.
    _refused(plan, "../../secret/creds.yaml", "3:17", "leads out of the plan's library")
    # A folder named above the profile's is the library (the user chose it).
    assert library_of(plan, library.parent) == library.parent.absolute()
    plan.write_text("start: 2027-01-04\nweeks:\n  - days: {mon: ../easy.yaml}\n")
    code, _out, err = run("check", str(plan))
    assert code == 0, err


def test_the_shipped_plans_build_when_named_on_their_own(tmp_path: Path) -> None:
    shipped = Path(__file__).parent.parent / "workouts" / "plans" / "faster-mile.yaml"
    code, _out, err = run("build", str(shipped), "-o", str(tmp_path))
    assert code == 0, err
    assert (tmp_path / "faster-mile" / "faster-mile-schedule.fit").is_file()
