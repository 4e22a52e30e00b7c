"""Building plans (issue 20 "Plans that fail quietly", "On the watch and in the calendar";
issue 19 items 3 and 7): a session follows its workout's formats, one file per distinct
workout, bounded work, and a plan that fails writes nothing. Every FIT is read back with
garmin-fit-sdk, every TCX against the XSD."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from workoutexport.cli import main
from workoutexport.verify import decode_fit

from conftest import assert_valid_tcx, decoded

EASY = "name: Easy\nvars:\n  minutes: 40min\nsteps:\n  - run: ${minutes}\n"
LONG = "name: Long run\nvars:\n  distance: 4mi\nsteps:\n  - run: ${distance}\n"
CORE = (
    "name: Core\nsport: strength\nsteps:\n  - exercise: squat/goblet_squat\n    reps: 12\n"
    "  - rest: 30s\n"
)
CORE_FIT_ONLY = CORE.replace("sport: strength\n", "sport: strength\nformats: [fit]\n")
# Line 6 names core.yaml on thursday (col 10), line 8 again in week 2.
PLAN = """\
name: Club
start: 2027-01-04
weeks:
  - days:
      tue: easy.yaml
      thu: core.yaml
  - days:
      thu: [core.yaml, {workout: easy.yaml, set: {minutes: 50min}}]
      sun: long.yaml
"""


def run(*args: str, cwd: Path) -> tuple[int, str, str]:
    old = Path.cwd()
    try:
        os.chdir(cwd)
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


def library(folder: Path, core: str = CORE_FIT_ONLY, plan: str = PLAN) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in [
        ("easy.yaml", EASY),
        ("long.yaml", LONG),
        ("core.yaml", core),
        ("club.yaml", plan),
    ]:
        (folder / name).write_text(text)
    return folder


def files_below(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def schedule_points_at_files(folder: Path, schedule: str, skip: str = "") -> list[str]:
    """The session file each schedule entry points at (by file_id), every file decoded
    (but `skip`)."""
    by_id = {}
    for path in folder.glob("*.fit"):
        if path.name in (schedule, skip):
            continue
        file_id = decoded(path.read_bytes())["file_id_mesgs"][0]
        key = (file_id["serial_number"], file_id["time_created"])
        assert key not in by_id, path  # distinct files, distinct identities
        by_id[key] = path.name
    entries = decoded((folder / schedule).read_bytes())["schedule_mesgs"]
    return [by_id[(e["serial_number"], e["time_created"])] for e in entries]


# --- 1. a session follows its workout's formats; --lossy; failures name the plan's line ------


def test_1_a_fit_only_session_is_written_as_fit_alone_and_stays_on_the_schedule(
    tmp_path: Path,
) -> None:
    lib = library(tmp_path / "lib")
    code, _, err = run("build", "club.yaml", "-f", "fit", "-f", "tcx", "-o", "out", cwd=lib)
    assert code == 0, err
    folder = lib / "out" / "club"
    assert files_below(folder) == [
        "club-schedule.fit",
        "club.ics",
        "core.fit",
        "easy-40min.fit",
        "easy-40min.tcx",
        "easy-50min.fit",
        "easy-50min.tcx",
        "long.fit",
        "long.tcx",
    ]
    for tcx in folder.glob("*.tcx"):
        assert_valid_tcx(tcx.read_bytes())
    # Five sessions, in date order; core twice, one file.
    assert schedule_points_at_files(folder, "club-schedule.fit") == [
        "easy-40min.fit",
        "core.fit",
        "core.fit",
        "easy-50min.fit",
        "long.fit",
    ]
    assert decoded((folder / "core.fit").read_bytes())["workout_mesgs"][0]["sport"] == "training"


def test_1_a_fit_only_session_in_a_tcx_build_is_said_and_stays_in_the_calendar(
    tmp_path: Path,
) -> None:
    lib = library(tmp_path / "lib")
    code, _, err = run("build", "club.yaml", "-f", "tcx", "-o", "out", cwd=lib)
    assert code == 0, err
    assert "club.yaml:6:12: warning: this session (and 1 more of this workout) has no file" in err
    folder = lib / "out" / "club"
    assert files_below(folder) == [
        "club.ics",
        "easy-40min.tcx",
        "easy-50min.tcx",
        "long.tcx",
    ]
    events = Calendar.from_ical((folder / "club.ics").read_bytes()).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Easy", "Core", "Core", "Easy", "Long run"]


def test_1_lossy_builds_a_plan_as_it_builds_a_workout(tmp_path: Path) -> None:
    lib = library(tmp_path / "lib", core=CORE)  # no formats: TCX cannot carry it
    code, _, err = run(
        "build", "club.yaml", "-f", "fit", "-f", "tcx", "--lossy", "-o", "out", cwd=lib
    )
    assert code == 0, err
    assert "core.yaml:2:8: warning: TCX cannot carry strength workouts" in err
    folder = lib / "out" / "club"
    assert (folder / "core.fit").is_file() and not (folder / "core.tcx").exists()
    assert schedule_points_at_files(folder, "club-schedule.fit").count("core.fit") == 2


def test_1_a_plan_failure_names_the_plan_and_the_sessions_line(tmp_path: Path) -> None:
    lib = library(tmp_path / "lib", core=CORE)
    code, _, err = run("build", "club.yaml", "-f", "fit", "-f", "tcx", "-o", "out", cwd=lib)
    assert code == 1
    assert "core.yaml:2:8: error: TCX cannot carry strength workouts" in err
    # Both sessions of it, at the plan's lines (thu: core.yaml; thu: [core.yaml, ...]).
    assert "club.yaml:6:12: error: this session does not build" in err
    assert "club.yaml:8:13: error: this session does not build" in err
    # The workout's own error once; each session's line says why, pointing at it.
    assert err.count("core.yaml:2:8: error: TCX cannot carry") == 1
    assert err.count("does not build: TCX cannot carry strength workouts") == 2
    assert err.count("(at core.yaml:2:8)") == 2
    assert not (lib / "out").exists()


def test_1_a_folder_build_keeps_every_plan_that_builds(tmp_path: Path) -> None:
    lib = library(tmp_path / "lib", core=CORE)
    (lib / "plans").mkdir()
    for stem in ("a", "b", "c"):
        (lib / "plans" / f"{stem}.yaml").write_text(
            "start: 2027-01-04\nweeks:\n  - days: {mon: ../easy.yaml, sat: ../long.yaml}\n"
        )
    code, _, err = run("build", ".", "-f", "fit", "-f", "tcx", "-o", "out", cwd=lib)
    assert code == 1  # core.yaml as TCX, and club.yaml which uses it
    assert "club.yaml:6:12: error: this session does not build" in err
    for stem in ("a", "b", "c"):
        folder = lib / "out" / "plans" / stem
        assert files_below(folder) == [
            f"{stem}-schedule.fit",
            f"{stem}.ics",
            "easy.fit",
            "easy.tcx",
            "long.fit",
            "long.tcx",
        ]
        assert schedule_points_at_files(folder, f"{stem}-schedule.fit") == ["easy.fit", "long.fit"]
    assert not (lib / "out" / "club").exists()
    assert (lib / "out" / "core.fit").is_file()  # the workout's FIT, as for any workout


# --- 3. one file per distinct workout --------------------------------------------------------


WEEKS = """\
name: Eight
start: 2027-01-04
weeks:
  - repeat: 4
    progress: {distance: 10%}
    days:
      tue: easy.yaml
      thu: {workout: easy.yaml, set: {minutes: 40min}}
      sat: easy.yaml
      sun: long.yaml
"""


def test_3_one_file_per_distinct_workout_and_the_schedule_points_at_it(tmp_path: Path) -> None:
    lib = library(tmp_path / "lib", plan=WEEKS)
    code, _, err = run("build", "club.yaml", "-o", "out", cwd=lib)
    assert code == 0, err
    folder = lib / "out" / "club"
    # easy: 12 sessions, one workout (40min is its default too); long: 4mi grown 10 % a week.
    assert files_below(folder) == [
        "club-schedule.fit",
        "club.ics",
        "easy.fit",
        "long-4.4mi.fit",
        "long-4.84mi.fit",
        "long-4mi.fit",
        "long-5.32mi.fit",
    ]
    expected = []
    for week in range(4):
        long = ["long-4mi", "long-4.4mi", "long-4.84mi", "long-5.32mi"][week]
        expected += ["easy.fit", "easy.fit", "easy.fit", f"{long}.fit"]
    assert schedule_points_at_files(folder, "club-schedule.fit") == expected
    steps = decoded((folder / "long-5.32mi.fit").read_bytes())["workout_step_mesgs"]
    assert steps[0]["duration_distance"] == pytest.approx(5.32 * 1609.344, abs=0.01)
    # The calendar keeps one event per session, each with its own UID.
    events = Calendar.from_ical((folder / "club.ics").read_bytes()).walk("VEVENT")
    assert len(events) == 16
    assert len({str(e["uid"]) for e in events}) == 16


def test_3_variants_that_cannot_be_told_apart_by_their_vars_are_numbered(tmp_path: Path) -> None:
    lib = library(tmp_path / "lib")
    (lib / "other").mkdir()
    (lib / "other" / "easy.yaml").write_text(EASY.replace("Easy", "Other easy"))
    (lib / "club.yaml").write_text(
        "start: 2027-01-04\nweeks:\n  - days: {mon: easy.yaml, tue: other/easy.yaml}\n"
    )
    code, _, err = run("build", "club.yaml", "-o", "out", cwd=lib)
    assert code == 0, err
    folder = lib / "out" / "club"
    assert schedule_points_at_files(folder, "club-schedule.fit") == ["easy-1.fit", "easy-2.fit"]
    names = [decoded((folder / f"easy-{n}.fit").read_bytes()) for n in (1, 2)]
    assert [d["workout_mesgs"][0]["wkt_name"] for d in names] == ["Easy", "Other easy"]


def test_3_site_downloads_follow_the_files_build_writes(tmp_path: Path) -> None:
    import zipfile

    lib = library(tmp_path / "lib", plan=WEEKS)
    assert run("build", "club.yaml", "-o", "out", cwd=lib)[0] == 0
    code, _, err = run("site", ".", "-o", "site", cwd=lib)
    assert code == 0, err
    with zipfile.ZipFile(lib / "site" / "files" / "club.zip") as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    built = {f"club/{p.name}": p.read_bytes() for p in (lib / "out" / "club").iterdir()}
    assert members == built


# --- 5. the work and the bytes a plan may ask for are bounded ----------------------------------


def big_workout() -> str:
    """A workout of 4,998 steps and repeats written in under 2,000 bytes (aliases)."""
    leaves = "[&s {run: 1min}, " + ", ".join(["*s"] * 15) + "]"
    # 294 repeats of 17 nodes (the repeat and its 16 steps) = 4,998.
    steps = ", ".join([f"&r {{repeat: 2, steps: {leaves}}}"] + ["*r"] * 293)
    return f"name: Big\nsteps: [{steps}]\n"


def test_5_a_plan_cannot_schedule_a_big_workout_many_times(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "big.yaml").write_text(big_workout())
    assert len((lib / "big.yaml").read_bytes()) < 2000
    code, _, err = run("check", "big.yaml", cwd=lib)
    assert code == 0, err  # the workout alone is within every limit
    # The fifth session (week 2, wed: line 6) brings 5 x 4,998 steps: past 20,000.
    (lib / "many.yaml").write_text(
        "start: 2027-01-04\nweeks:\n  - repeat: 500\n    days:\n"
        "      mon: big.yaml\n      wed: big.yaml\n      fri: big.yaml\n"
    )
    started = time.monotonic()
    code, _, err = run("build", "many.yaml", "-o", "out", cwd=lib)
    took = time.monotonic() - started
    assert code == 1
    assert "many.yaml:6:12: error: with this session the plan asks for more than 20,000" in err
    assert not (lib / "out").exists()
    assert took < 60, took  # compiling the one big workout, once: not 1,500 sessions
    code, _, err = run("check", "many.yaml", cwd=lib)
    assert code == 1 and "more than 20,000 workout steps" in err


def test_5_the_bytes_one_plan_writes_are_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workoutexport import plans

    monkeypatch.setattr(plans, "MAX_PLAN_BYTES", 2000)
    lib = library(tmp_path / "lib", plan=WEEKS)
    code, _, err = run("build", "club.yaml", "-o", "out", cwd=lib)
    assert code == 1
    assert "more than the 2,000 one plan may write" in err
    assert "club.yaml:" in err
    assert not (lib / "out").exists()


# --- 6. a plan that fails writes nothing ------------------------------------------------------


def test_6_two_plans_with_one_stem_the_refused_one_writes_nothing(tmp_path: Path) -> None:
    lib = library(tmp_path / "lib")
    (lib / "a.yaml").write_text("start: 2027-01-04\nweeks:\n  - days: {tue: easy.yaml}\n")
    (lib / "a.yml").write_text("start: 2027-01-04\nweeks:\n  - days: {tue: long.yaml}\n")
    code, _, err = run("build", "a.yaml", "a.yml", "-o", "out", cwd=lib)
    assert code == 1
    assert "a.yml:1:1: error: out/a/a-schedule.fit is also the output of a.yaml" in err
    assert "a.yml:1:1: error: nothing of this plan was written" in err
    folder = lib / "out" / "a"
    assert files_below(folder) == ["a-schedule.fit", "a.ics", "easy.fit"]  # a.yaml's, whole
    assert schedule_points_at_files(folder, "a-schedule.fit") == ["easy.fit"]
    events = Calendar.from_ical((folder / "a.ics").read_bytes()).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Easy"]


def test_6_a_session_file_named_as_the_schedule_fails_the_plan_whole(tmp_path: Path) -> None:
    lib = library(tmp_path / "lib")
    (lib / "p-schedule.yaml").write_text(EASY.replace("Easy", "Hard"))
    (lib / "p.yaml").write_text(
        "start: 2027-01-04\nweeks:\n  - days:\n      mon: easy.yaml\n      tue: p-schedule.yaml\n"
    )
    code, _, err = run("build", "p.yaml", "-o", "out", cwd=lib)
    assert code == 1
    assert "p.yaml:5:12: error: this session's file would be p-schedule.fit" in err
    assert not (lib / "out").exists()


def test_6_a_plan_file_that_cannot_be_written_leaves_none_of_the_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workoutexport import outputs

    real = outputs.stage

    def stage(target: Path, data: bytes) -> str:
        if target.name == "long.fit":
            raise OSError(28, "No space left on device")
        return real(target, data)

    monkeypatch.setattr(outputs, "stage", stage)
    lib = library(tmp_path / "lib")
    code, _, err = run("build", "club.yaml", "easy.yaml", "-o", "out", cwd=lib)
    assert code == 1
    assert "cannot write out/club/long.fit: No space left on device" in err
    assert "club.yaml:1:1: error: nothing of this plan was written" in err
    # The workout named beside it is written; the plan's folder holds nothing, not even
    # a temporary file.
    assert files_below(lib / "out") == ["easy.fit"]


# --- 4. sending a plan in parts ---------------------------------------------------------------

FR935 = Path(__file__).resolve().parent / "files" / "devices" / "forerunner-935-GarminDevice.xml"
PARTS = """\
name: Parts
start: 2098-01-06
weeks:
  - repeat: 4
    progress: {distance: 10%}
    days: {tue: easy.yaml, sun: long.yaml}
"""


def watch(root: Path) -> Path:
    (root / "GARMIN").mkdir(parents=True)
    (root / "GARMIN" / "GarminDevice.xml").write_bytes(FR935.read_bytes())
    return root


def newfiles(dev: Path) -> dict[str, bytes]:
    folder = dev / "GARMIN" / "NEWFILES"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_4_send_from_sends_the_next_part_and_replaces_the_plans_schedule(tmp_path: Path) -> None:
    lib = library(tmp_path / "lib", plan=PARTS)
    dev = watch(tmp_path / "dev")
    code, out, err = run(
        "send", "club.yaml", "--device", str(dev), "--until", "2098-01-19", cwd=lib
    )
    assert code == 0, err
    first = newfiles(dev)
    assert sorted(first) == ["club-schedule.fit", "easy.fit", "long-4.4mi.fit", "long-4mi.fit"]
    assert len(decoded(first["club-schedule.fit"])["schedule_mesgs"]) == 4
    # The second part: weeks 3 and 4. Its schedule replaces the first's (no -2 beside it);
    # easy.fit is the very same file, and stays.
    code, out, err = run("send", "club.yaml", "--device", str(dev), "--from", "2098-01-20", cwd=lib)
    assert code == 0, err
    second = newfiles(dev)
    assert sorted(second) == [
        "club-schedule.fit",
        "easy.fit",
        "long-4.4mi.fit",
        "long-4.84mi.fit",
        "long-4mi.fit",
        "long-5.32mi.fit",
    ]
    target = dev / "GARMIN" / "NEWFILES" / "club-schedule.fit"
    assert f"club.yaml -> {target} (replaces the plan's schedule sent before" in out
    assert "easy.fit (already on the device)" in out
    decoded(second["club-schedule.fit"])
    entries = decode_fit(second["club-schedule.fit"], raw=True)["schedule_mesgs"]
    days = [e["scheduled_time"] // 86400 for e in entries]
    # The plan starts on Monday 2098-01-06: from 01-20 come Tue 01-21, Sun 01-26, Tue 01-28
    # and Sun 02-02, each as local midnight in days after 1989-12-31.
    monday = (dt.date(2098, 1, 20) - dt.date(1989, 12, 31)).days
    assert days == [monday + 1, monday + 6, monday + 8, monday + 13]
    pointed = schedule_points_at_files(dev / "GARMIN" / "NEWFILES", "club-schedule.fit")
    assert pointed == ["easy.fit", "long-4.84mi.fit", "easy.fit", "long-5.32mi.fit"]


def test_4_an_edited_workout_replaces_its_earlier_file_and_a_stranger_is_kept(
    tmp_path: Path,
) -> None:
    lib = library(tmp_path / "lib", plan=PARTS)
    dev = watch(tmp_path / "dev")
    assert run("send", "club.yaml", "--device", str(dev), "--all", cwd=lib)[0] == 0
    folder = dev / "GARMIN" / "NEWFILES"
    (folder / "long-4mi.fit").write_bytes(b"someone else's file")  # not a FIT of ours
    (lib / "easy.yaml").write_text(EASY.replace("40min", "45min"))  # the coach edits it
    code, out, err = run("send", "club.yaml", "--device", str(dev), "--all", cwd=lib)
    assert code == 0, err
    assert f"-> {folder / 'easy.fit'} (replaces the workout sent before" in out
    steps = decoded((folder / "easy.fit").read_bytes())["workout_step_mesgs"]
    assert steps[0]["duration_time"] == 45 * 60
    assert (folder / "long-4mi.fit").read_bytes() == b"someone else's file"
    assert "long-4mi-2.fit" in newfiles(dev)
    pointed = schedule_points_at_files(folder, "club-schedule.fit", skip="long-4mi.fit")
    assert pointed[:2] == ["easy.fit", "long-4mi-2.fit"]


def test_4_a_failed_send_puts_back_what_it_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workoutexport import send
    from workoutexport.outputs import write_to_device as real

    lib = library(tmp_path / "lib", plan=PARTS)
    dev = watch(tmp_path / "dev")
    assert run("send", "club.yaml", "--device", str(dev), "--all", cwd=lib)[0] == 0
    before = newfiles(dev)
    (lib / "easy.yaml").write_text(EASY.replace("40min", "45min"))
    calls: list[Path] = []

    def fail_late(target: Path, data: bytes) -> None:
        calls.append(target)
        if target.name == "club-schedule.fit" and data != before["club-schedule.fit"]:
            raise OSError(28, "No space left on device")
        real(target, data)

    monkeypatch.setattr(send, "write_to_device", fail_late)
    code, _, err = run("send", "club.yaml", "--device", str(dev), "--all", cwd=lib)
    assert code == 1
    assert "the device is full; nothing was sent" in err
    assert any(c.name == "easy.fit" for c in calls)  # easy.fit was replaced, then put back
    assert newfiles(dev) == before


# --- 2. check of a workout or profile checks the plans that use it (the pre-commit hook) -------


def club(folder: Path, *, profile: bool = True) -> Path:
    (folder / "plans").mkdir(parents=True)
    if profile:
        (folder / "profile.yaml").write_text("paces:\n  easy: 6:00/km\n")
    (folder / "long-run.yaml").write_text(LONG)
    (folder / "hills.yaml").write_text(EASY.replace("Easy", "Hills"))
    (folder / "easy.yaml").write_text(EASY)
    # Line 4: the long run with its distance; line 5: the hills.
    (folder / "plans" / "base.yaml").write_text(
        "start: 2027-01-04\nweeks:\n  - days:\n"
        "      sun: {workout: ../long-run.yaml, set: {distance: 5mi}}\n"
        "      thu: ../hills.yaml\n"
    )
    # A plan that does not use them, broken on its own: not this change's business.
    (folder / "plans" / "other.yaml").write_text(
        "start: 2027-01-04\nweeks:\n  - days:\n      tue: {workout: ../easy.yaml, set: {x: 1}}\n"
    )
    return folder


def test_2_check_of_a_workout_checks_the_plans_that_use_it(tmp_path: Path) -> None:
    lib = club(tmp_path / "lib")
    code, _, err = run("check", "long-run.yaml", cwd=lib)
    assert code == 0, err  # the plan that uses it is checked, and builds
    (lib / "long-run.yaml").write_text(LONG.replace("distance", "miles"))
    code, out, err = run("check", "long-run.yaml", cwd=lib)
    assert code == 1
    said = out + err
    assert "plans/base.yaml:4:46: error: " in said and "defines no variable 'distance'" in said
    assert "other.yaml" not in said  # it does not use long-run.yaml


def test_2_check_of_a_renamed_workout_checks_the_plans_that_named_it(tmp_path: Path) -> None:
    lib = club(tmp_path / "lib")
    (lib / "hills.yaml").rename(lib / "hill-repeats.yaml")
    code, out, err = run("check", "hill-repeats.yaml", cwd=lib)
    assert code == 1
    assert "plans/base.yaml:5:12: error: no workout file '../hills.yaml'" in out + err


def test_2_without_a_profile_the_library_is_the_workouts_folder(tmp_path: Path) -> None:
    lib = club(tmp_path / "lib", profile=False)
    (lib / "long-run.yaml").write_text(LONG.replace("distance", "miles"))
    code, out, err = run("check", "long-run.yaml", cwd=lib)
    assert code == 1
    said = out + err
    # Checked within the workout's folder: ../long-run.yaml is inside it, so the error is
    # the variable, not a path leading out of the library.
    assert "defines no variable 'distance'" in said and "leads out" not in said
    # A plan above the workout's folder is not in its library.
    (lib / "sub").mkdir()
    (lib / "sub" / "w.yaml").write_text(EASY)
    (lib / "uses-w.yaml").write_text("start: 2027-01-04\nweeks:\n  - days: {mon: sub/w.yaml}\n")
    (lib / "sub" / "w.yaml").write_text(EASY.replace("minutes", "mins"))
    assert run("check", "sub/w.yaml", cwd=lib)[0] == 0


def test_2_check_of_a_profile_checks_the_plans_below_it(tmp_path: Path) -> None:
    lib = club(tmp_path / "lib")
    (lib / "plans" / "other.yaml").unlink()
    (lib / "plans" / "base.yaml").write_text(
        (lib / "plans" / "base.yaml").read_text().replace("../hills.yaml", "../gone.yaml")
    )
    code, out, err = run("check", "profile.yaml", cwd=lib)
    assert code == 1
    assert "plans/base.yaml:5:12: error: no workout file '../gone.yaml'" in out + err


def test_2_the_pre_commit_hook_fails_a_commit_that_breaks_a_plan(tmp_path: Path) -> None:
    """As the hook runs: `workoutexport check` on the YAML files the commit changes."""
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "club"
    club(repo / "workouts")
    (repo / "workouts" / "plans" / "other.yaml").unlink()

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "club")
    for change in ("rename a var", "rename a file"):
        if change == "rename a var":
            path = repo / "workouts" / "long-run.yaml"
            path.write_text(LONG.replace("distance", "miles"))
            git("add", "-A")
        else:
            git("reset", "-q", "--hard")
            git("mv", "workouts/hills.yaml", "workouts/hill-repeats.yaml")
        # pre-commit passes the files added, copied, modified or renamed (types: [yaml]).
        changed = git("diff", "--cached", "--name-only", "--diff-filter=ACMR").split()
        assert changed and all(name.endswith(".yaml") for name in changed)
        code, out, err = run("check", *changed, cwd=repo)
        assert code == 1, (change, out, err)
        assert "workouts/plans/base.yaml:" in out + err, change
