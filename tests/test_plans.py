"""Training plans (plan-format.md): dates, vars and progress, the files build writes, the
schedule read back by Garmin's decoder, the calendar read back by icalendar, the 10 % rule,
and bad plans reported at path:line:col."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from workoutexport.cli import main
from workoutexport.diagnostics import WorkoutError
from workoutexport.plans import expand_plan, scale
from workoutexport.run import plan_files
from workoutexport.verify import decode_fit

from conftest import decoded

PROFILE = "paces:\n  easy: 6:00/km\ntolerance:\n  pace: 0s\n"
EASY = "name: Easy\nvars:\n  minutes: 40min\nsteps:\n  - run: ${minutes}\n    pace: easy\n"
LONG = "name: Long run\nvars:\n  distance: 4mi\nsteps:\n  - run: ${distance}\n    pace: easy\n"
REPS = (
    "name: Reps\nvars:\n  reps: 6\nsteps:\n  - repeat: ${reps}\n    steps:\n"
    "      - run: 400m\n        pace: easy\n      - recover: 200m\n        pace: easy\n"
)
PLAN = """\
name: Test plan
start: 2027-01-04
vars:
  minutes: 30min
weeks:
  - days:
      tue: easy.yaml
      thu: {workout: reps.yaml, set: {reps: 5}}
      sat: long.yaml
  - repeat: 3
    progress: {distance: 10%, reps: 10%}
    days:
      Wednesday: [easy.yaml, reps.yaml]
      sun: {workout: long.yaml, set: {distance: 5mi}}
  - days: {}
"""


def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    for name, text in [
        ("profile.yaml", PROFILE),
        ("easy.yaml", EASY),
        ("long.yaml", LONG),
        ("reps.yaml", REPS),
        ("plan.yaml", PLAN),
    ]:
        (tmp_path / name).write_text(text)
    return tmp_path / "plan.yaml"


def test_sessions_fall_on_their_dates_with_their_vars(plan: Path) -> None:
    sessions = expand_plan(plan).sessions
    # 2027-01-04 is a Monday: week 1 runs Mon 4 - Sun 10 January.
    got = [(s.date.isoformat(), s.week, s.workout.name, dict(s.overrides)) for s in sessions]
    assert got == [
        ("2027-01-05", 1, "easy.yaml", {"minutes": "30min"}),
        ("2027-01-07", 1, "reps.yaml", {"reps": "5"}),
        ("2027-01-09", 1, "long.yaml", {}),
        ("2027-01-13", 2, "easy.yaml", {"minutes": "30min"}),
        ("2027-01-13", 2, "reps.yaml", {}),
        ("2027-01-17", 2, "long.yaml", {"distance": "5mi"}),
        # week 3: up 10 %: 5mi * 1.1 = 5.5mi; 6 reps * 1.1 = 6.6 -> 7
        ("2027-01-20", 3, "easy.yaml", {"minutes": "30min"}),
        ("2027-01-20", 3, "reps.yaml", {"reps": "7"}),
        ("2027-01-24", 3, "long.yaml", {"distance": "5.5mi"}),
        # week 4: compounded: 5mi * 1.21 = 6.05mi; 6 * 1.21 = 7.26 -> 7
        ("2027-01-27", 4, "easy.yaml", {"minutes": "30min"}),
        ("2027-01-27", 4, "reps.yaml", {"reps": "7"}),
        ("2027-01-31", 4, "long.yaml", {"distance": "6.05mi"}),
    ]
    assert expand_plan(plan).weeks == 5


def test_a_start_midweek_keeps_weeks_of_seven_days(plan: Path) -> None:
    # Start on Thursday 2027-01-07: week 1 is Thu 7 - Wed 13; its tue is the 12th.
    plan.write_text(PLAN.replace("2027-01-04", "2027-01-07"))
    dates = [s.date.isoformat() for s in expand_plan(plan).sessions[:3]]
    assert dates == ["2027-01-07", "2027-01-09", "2027-01-12"]


def test_command_line_set_wins_over_progress(plan: Path) -> None:
    sessions = expand_plan(plan, overrides={"distance": "3mi"}).sessions
    assert {s.overrides["distance"] for s in sessions if "distance" in s.overrides} == {"3mi"}


@pytest.mark.parametrize(
    ("value", "factor", "expected"),
    [
        ("4mi", 1.1, "4.4mi"),
        ("4mi", 1.1**2, "4.84mi"),
        ("40min", 1.1, "44min"),
        ("40min", 0.9, "36min"),
        (6, 1.1, 7),
        (6, 1.1**2, 7),
        (6, 1.1**3, 8),  # 7.986
        ("6-8", 1.1, "7-9"),
        ("4-6mi", 1.1, "4.4-6.6mi"),
        ("1:30", 1.1, "1:39"),
        ("1:05:00", 1.1, "1:11:30"),
    ],
)
def test_progress_keeps_the_unit_and_rounds_counts(
    value: object, factor: float, expected: object
) -> None:
    assert scale(value, factor) == expected


def test_build_writes_sessions_schedule_and_calendar(
    plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    out = tmp_path / "out"
    code, _, stderr = run("build", str(plan), "-o", str(out))
    assert code == 0, stderr
    folder = out / "plan"
    names = sorted(p.name for p in folder.iterdir())
    # One file per distinct session: easy is 30min every week (the plan's var); long and
    # reps differ by the vars the days and progress give them (named after those values).
    assert names == [
        "easy.fit",
        "long-4mi.fit",
        "long-5.5mi.fit",
        "long-5mi.fit",
        "long-6.05mi.fit",
        "plan-schedule.fit",
        "plan.ics",
        "reps-5.fit",
        "reps-6.fit",
        "reps-7.fit",
    ]
    # The day each session falls on, and the file the schedule points at for it.
    days = [
        ("2027-01-05", "easy"),
        ("2027-01-07", "reps-5"),
        ("2027-01-09", "long-4mi"),
        ("2027-01-13", "easy"),
        ("2027-01-13", "reps-6"),
        ("2027-01-17", "long-5mi"),
        ("2027-01-20", "easy"),
        ("2027-01-20", "reps-7"),  # progress 10 % a week: 6 * 1.1 = 6.6, a count: 7
        ("2027-01-24", "long-5.5mi"),
        ("2027-01-27", "easy"),
        ("2027-01-27", "reps-7"),  # 6 * 1.1 ** 2 = 7.26: 7 again, the same file
        ("2027-01-31", "long-6.05mi"),
    ]
    # A session is the workout built with its vars, exactly as a plain build with --set.
    plain = tmp_path / "plain"
    code, _, _ = run(
        "build", str(tmp_path / "long.yaml"), "--set", "distance=6.05mi", "-o", str(plain)
    )
    assert code == 0
    assert (folder / "long-6.05mi.fit").read_bytes() == (plain / "long.fit").read_bytes()
    steps = decoded((folder / "long-6.05mi.fit").read_bytes())["workout_step_mesgs"]
    assert steps[0]["duration_distance"] == pytest.approx(6.05 * 1609.344, abs=0.01)

    schedule = decoded((folder / "plan-schedule.fit").read_bytes())
    assert schedule["file_id_mesgs"][0]["type"] == "schedules"
    raw = decode_fit((folder / "plan-schedule.fit").read_bytes(), raw=True)
    assert raw["file_id_mesgs"][0]["type"] == 7
    entries = raw["schedule_mesgs"]
    assert len(entries) == len(days)
    for entry, (day_text, stem) in zip(entries, days, strict=True):
        name = f"{stem}.fit"
        file_id = decode_fit((folder / name).read_bytes(), raw=True)["file_id_mesgs"][0]
        assert entry["serial_number"] == file_id["serial_number"] != 0
        assert entry["manufacturer"] == file_id["manufacturer"]
        assert entry["product"] == file_id["product"]
        assert entry["time_created"] == file_id["time_created"] == 1790000000 - 631065600
        assert entry["completed"] == 0
        assert entry["type"] == 0  # workout
        # local 00:00 of the session's day, in seconds since 1989-12-31 00:00
        day = dt.date.fromisoformat(day_text)
        assert entry["scheduled_time"] == (day - dt.date(1989, 12, 31)).days * 86400
    # 2027-01-05 is 13,519 days after 1989-12-31: 1 day to 1990-01-01, 37 years
    # (37 * 365 + 9 leap days = 13,514) to 2027-01-01, 4 days more.
    assert entries[0]["scheduled_time"] == 13519 * 86400
    # Distinct sessions of one workout are distinct files with distinct serials.
    sessions = [n for n in names if n not in ("plan-schedule.fit", "plan.ics")]
    assert len({e["serial_number"] for e in entries}) == len(sessions) == 8
    assert len({(folder / n).read_bytes() for n in sessions}) == 8

    cal = Calendar.from_ical((folder / "plan.ics").read_bytes())
    events = cal.walk("VEVENT")
    assert [e.decoded("dtstart").isoformat() for e in events] == [d for d, _ in days]
    assert [str(e["summary"]) for e in events][:3] == ["Easy", "Reps", "Long run"]
    assert all(e.decoded("dtend") - e.decoded("dtstart") == dt.timedelta(days=1) for e in events)
    # The steps in brief: the repeat of 5 on one line (the calendar tests are in test_ics.py).
    assert str(events[1]["description"]).splitlines()[0] == (
        "5 \u00d7 (run 400m @ pace 6:00-6:00/km, recover 200m @ pace 6:00-6:00/km)"
    )
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == len(uids)
    # Rebuilding gives the same events (stable UIDs) and the same bytes.
    again = tmp_path / "again"
    assert run("build", str(plan), "-o", str(again))[0] == 0
    assert (again / "plan" / "plan.ics").read_bytes() == (folder / "plan.ics").read_bytes()


def test_plan_files_and_tcx(plan: Path) -> None:
    files = dict(plan_files(plan, ("fit", "tcx")))
    assert "plan/easy.tcx" in files
    assert "plan/easy.fit" in files
    assert len([n for n in files if n.endswith(".tcx")]) == 8  # one per distinct session


def test_a_folder_with_a_plan_builds_the_plan_below_its_own_path(
    plan: Path, tmp_path: Path
) -> None:
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "p.yaml").write_text(
        "start: 2027-01-04\nweeks:\n  - days: {mon: ../easy.yaml}\n"
    )
    out = tmp_path / "out"
    code, _, stderr = run("build", str(tmp_path), "-o", str(out))
    assert code == 0, stderr
    assert (out / "easy.fit").is_file()
    assert (out / "plans" / "p" / "easy.fit").is_file()
    assert (out / "plans" / "p" / "p-schedule.fit").is_file()
    assert "2 workouts read" not in stderr


WEEKLY = """\
start: 2027-01-04
weeks:
  - days: {mon: {workout: easy.yaml, set: {minutes: 40min}}}
  - days: {mon: {workout: easy.yaml, set: {minutes: 44min}}}
  - days: {mon: {workout: easy.yaml, set: {minutes: 50min}}}
  - days: {mon: {workout: easy.yaml, set: {minutes: 30min}}}
  - days: {mon: {workout: easy.yaml, set: {minutes: 50min}}}
  - repeat: 2
    progress: {minutes: 12%}
    days: {mon: {workout: easy.yaml, set: {minutes: 54min}}}
"""


def test_check_warns_of_the_10_percent_rule(plan: Path) -> None:
    plan.write_text(WEEKLY)
    code, _stdout, stderr = run("check", str(plan))
    assert code == 0, stderr
    lines = [line for line in stderr.splitlines() if "warning" in line]
    # 44 is 10 % on 40 (allowed); 50 is 13.6 % on 44; 30 then 50 is a return to the top, not a
    # build; 54 is 8 % on 50; 54 * 1.12 = 60.48 is 12 % on 54.
    assert len(lines) == 2, stderr
    assert lines[0].startswith(f"{plan}:5:5: warning: week 3: ")
    assert "14 % more than week 2" in lines[0]
    assert "10 % rule" in lines[0]
    assert lines[1].startswith(f"{plan}:8:5: warning: week 7: ")
    assert "12 % more than week 6" in lines[1]
    assert run("check", "--strict", str(plan))[0] == 1


def test_show_prints_the_calendar(plan: Path) -> None:
    code, stdout, _ = run("show", str(plan))
    assert code == 0
    assert stdout.startswith("Test plan\n  5 weeks from Mon 2027-01-04\n")
    assert "week 2  Mon 11 Jan - Sun 17 Jan" in stdout
    assert "Sun 31 Jan  Long run" in stdout
    assert "distance=6.05mi" in stdout
    # week 1: easy 30 min = 5 km; 5 x (400 + 200) m = 3 km in 18 min; 4 mi = 6437.4 m in
    # 2317.4 s: 14437.4 m = 8.97 mi in 1800 + 1080 + 2317.4 s = 86.6 min. The plan's
    # distances in km or miles are in miles (the 400s and 200s are track metres): its
    # volumes are in miles, to 0.1, its times to the whole minute.
    assert "running 1 h 27 min, 9 mi" in stdout
    assert "rest week" in stdout


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            "start: 2027-01-04\nweeks:\n  - days: {tue: nothere.yaml}\n",
            "3:17",
            "no workout file 'nothere.yaml'",
        ),
        (
            "start: 2027-01-04\nweeks:\n  - days: {tues: easy.yaml}\n",
            "3:12",
            "'tues' is not a day of the week; did you mean 'tue'",
        ),
        (
            "start: 2027-01-04\nweeks:\n  - repeat: 2\n    progress: {pace: 5%}\n"
            "    days: {tue: easy.yaml}\n",
            "4:16",
            "progress on 'pace', but no session",
        ),
        (
            "start: 2027-13-04\nweeks:\n  - days: {tue: easy.yaml}\n",
            "1:8",
            "'2027-13-04' is not a date",
        ),
        (
            "start: next monday\nweeks:\n  - days: {tue: easy.yaml}\n",
            "1:8",
            "'start' must be a date written YYYY-MM-DD",
        ),
        (
            "start: 2027-01-04\nweeks:\n  - days: {tue: plan.yaml}\n",
            "3:17",
            "a plan cannot name itself",
        ),
        (
            "start: 2027-01-04\nweeks:\n  - days: {tue: other.yaml}\n",
            "3:17",
            "'other.yaml' is a plan, not a workout",
        ),
        (
            "start: 2027-01-04\nvars: {reps: 4}\nweeks:\n  - days: {tue: easy.yaml}\n",
            "2:8",
            "no workout of this plan defines 'reps'",
        ),
        (
            "start: 2027-01-04\nweeks:\n"
            "  - days: {tue: {workout: easy.yaml, set: {minute: 3min}}}\n",
            "3:44",
            "defines no variable 'minute'; did you mean 'minutes'",
        ),
        (
            "start: 2027-01-04\nweek:\n  - days: {}\nweeks: []\n",
            "2:1",
            "unknown key 'week'; did you mean 'weeks'",
        ),
        (
            "start: 2027-01-04\nweeks:\n  - repeat: 2\n    progress: {minutes: ten}\n"
            "    days: {tue: easy.yaml}\n",
            "4:25",
            "write progress as a percentage",
        ),
    ],
)
def test_bad_plans_point_at_the_problem(plan: Path, text: str, where: str, message: str) -> None:
    (plan.parent / "other.yaml").write_text("start: 2027-01-04\nweeks:\n  - days: {}\n")
    plan.write_text(text)
    with pytest.raises(WorkoutError) as info:
        expand_plan(plan)
    first = info.value.diagnostics[0]
    assert first.format().startswith(f"{plan}:{where}: error: "), first.format()
    assert message in first.message


# Each at the exact line:col of the key or value at fault, counted by hand from the text.
@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            "strat: 2027-01-04\nweeks:\n  - days: {}\n",
            "1:1",
            "unknown key 'strat'; did you mean 'start'?",
        ),
        (
            "start: 2027-01-04\nwekks: []\nweeks:\n  - days: {}\n",
            "2:1",
            "unknown key 'wekks'; did you mean 'weeks'?",
        ),
        (
            "start: 2027-01-04\nweeks:\n  - dayz: {}\n",
            "3:5",
            "unknown key 'dayz'; did you mean 'days'?",
        ),
        (
            "start: 2027-01-04\nweeks:\n  - days: {tue: {workout: easy.yaml, sett: {}}}\n",
            "3:38",
            "unknown key 'sett'; did you mean 'set'?",
        ),
        (
            "start: 2027-01-04\nweeks:\n  - days: {mon: easy.yaml, tues: easy.yaml}\n",
            "3:28",
            "'tues' is not a day of the week; did you mean 'tue' or 'tuesday'?",
        ),
        (
            "start: 2027-01-04\nweeks:\n  - days: {xyz: easy.yaml}\n",
            "3:12",
            "'xyz' is not a day of the week (mon ... sun, or monday ... sunday)",
        ),
        (
            "start: 2027-01-04\nweeks:\n  - days: {tue: easy.yaml, Tuesday: easy.yaml}\n",
            "3:28",
            "'Tuesday' is the same day as 'tue'",
        ),
        (
            "start: 2027-02-30\nweeks:\n  - days: {}\n",
            "1:8",
            "'2027-02-30' is not a date: day is out of range for month",
        ),
        ("start: 2027-1-4\nweeks:\n  - days: {}\n", "1:8", "written YYYY-MM-DD, got '2027-1-4'"),
        ("start:\nweeks:\n  - days: {}\n", "1:1", "written YYYY-MM-DD, got 'nothing'"),
        (
            "start: 2027-01-04\nweeks:\n  - repeat: 2\n    progress: {minutes: 101%}\n"
            "    days: {tue: easy.yaml}\n",
            "4:25",
            "'101%': progress is a change per week, more than -100 % and at most 100 %",
        ),
        (
            "start: 2027-01-04\nweeks:\n  - repeat: 2\n    progress: {minutes: -100%}\n"
            "    days: {tue: easy.yaml}\n",
            "4:25",
            "more than -100 %",
        ),
        (
            "start: 2027-01-04\nweeks:\n  - repeat: 2\n    progress: {minutes: 10}\n"
            "    days: {tue: easy.yaml}\n",
            "4:25",
            "write progress as a percentage per week, such as '10%', not '10'",
        ),
        (
            "start: 2027-01-04\nweeks:\n  - repeat: 2\n    progress: {minutes: 10%}\n"
            "    days: {tue: {workout: easy.yaml, set: {minutes: ten}}}\n",
            "4:16",
            "cannot grow 'ten'",
        ),
        (
            "start: 2027-01-04\nweeks:\n  - repeat: 2\n    progress: {minutes: 10%}\n"
            "    days: {tue: {workout: easy.yaml, set: {minutes: '1:75'}}}\n",
            "4:16",
            "cannot grow '1:75': write time as m:ss",
        ),
        (
            "start: 2027-01-04\nweeks:\n  - repeat: 0\n    days: {tue: easy.yaml}\n",
            "3:13",
            "'repeat' must be a whole number >= 1",
        ),
        (
            "start: 2027-01-04\nweeks:\n  - repeat: 300\n  - repeat: 300\n",
            "4:13",
            "a plan holds at most 520 weeks",
        ),
        (
            "start: 2027-01-04\nweeks:\n  - days: {tue: 5}\n",
            "3:17",
            "a session is a workout file, such as 'easy-base-run.yaml', or "
            "{workout: FILE, set: {VAR: VALUE}}, or a list of those",
        ),
        (
            "start: 2027-01-04\nvars: {minutes: [1]}\nweeks:\n  - days: {}\n",
            "2:17",
            "a variable's value must be text or a number, not a list",
        ),
    ],
)
def test_plan_mistakes_are_said_at_their_place(
    plan: Path, text: str, where: str, message: str
) -> None:
    plan.write_text(text)
    with pytest.raises(WorkoutError) as info:
        expand_plan(plan)
    found = [d.format() for d in info.value.diagnostics]
    head = f"{plan}:{where}: error: "
    assert any(f.startswith(head) and message in f for f in found), found


def test_a_bad_plan_fails_alone_and_writes_nothing(plan: Path, tmp_path: Path) -> None:
    plan.write_text(
        "start: 2027-01-04\nweeks:\n  - days: {tue: {workout: reps.yaml, set: {reps: 0}}}\n"
    )
    out = tmp_path / "out"
    code, _, stderr = run("build", str(plan), str(tmp_path / "easy.yaml"), "-o", str(out))
    assert code == 1
    assert "Traceback" not in stderr
    assert f"{plan}:3:17: error: this session (reps=0) does not build" in stderr
    assert sorted(p.name for p in out.iterdir()) == ["easy.fit"]


SHIPPED = Path(__file__).resolve().parent.parent / "workouts" / "plans"
# The guide's levels: runs a week, and miles a week.
LEVELS = {
    "faster-mile-beginner": ((3, 4), (10, 15)),
    "faster-mile": ((4, 5), (20, 30)),
    "faster-mile-advanced": ((5, 6), (30, 50)),
}


@pytest.mark.parametrize("stem", sorted(LEVELS))
def test_shipped_plans_follow_the_guide(stem: str) -> None:
    from workoutexport.plans import volume_warnings, week_totals
    from workoutexport.run import build_plan

    # The shipped plans name the workouts beside their folder: the library is `workouts/`.
    build = build_plan(SHIPPED / f"{stem}.yaml")
    assert volume_warnings(build) == []
    assert build.plan.weeks == 8
    (runs_lo, runs_hi), (miles_lo, miles_hi) = LEVELS[stem]
    for week in week_totals(build)[:4]:  # the base weeks
        runs = [c for c in week.sessions if c.workout.sport.value == "running"]
        assert runs_lo <= len(runs) <= runs_hi
        assert miles_lo <= week.metres / 1609.344 <= miles_hi
        # a rest day every week
        assert len({c.session.date for c in week.sessions}) < 7
    names = {c.session.workout.name for c in build.sessions}
    assert {"strength.yaml", "long-run.yaml", "tabata.yaml", "fast-straights.yaml"} <= names


def test_a_broken_workout_is_reported_in_the_workout(plan: Path) -> None:
    (plan.parent / "broken.yaml").write_text(
        "name: Broken\nvars: {reps: 3}\nsteps:\n  - run: 400\n"
    )
    plan.write_text(
        "start: 2027-01-04\nweeks:\n  - days: {tue: {workout: broken.yaml, set: {reps: 4}}}\n"
    )
    with pytest.raises(WorkoutError) as info:
        plan_files(plan)
    text = str(info.value)
    assert f"{plan.parent / 'broken.yaml'}:4:10: error: '400' has no unit" in text
    assert "defines no variable" not in text


def test_an_alias_cannot_make_a_plan_of_millions(plan: Path) -> None:
    day = "[" + ", ".join(["easy.yaml"] * 50) + "]"
    plan.write_text(
        "start: 2027-01-04\nweeks:\n  - repeat: 500\n"
        f"    days: {{mon: &d {day}, tue: *d, wed: *d}}\n"
    )
    with pytest.raises(WorkoutError) as info:
        expand_plan(plan)
    assert "at most 5,000 sessions" in str(info.value)


def test_since_builds_only_the_sessions_from_that_day(plan: Path) -> None:
    from workoutexport.run import build_plan

    build = build_plan(plan, since=dt.date(2027, 1, 27))
    names = [n for n, _ in build.files]
    assert names == [
        "plan/easy.fit",
        "plan/reps.fit",  # one variant of each workout in these days: no vars in the name
        "plan/long.fit",
        "plan/plan-schedule.fit",
        "plan/plan.ics",
    ]
    schedule = decode_fit(dict(build.files)["plan/plan-schedule.fit"], raw=True)
    assert len(schedule["schedule_mesgs"]) == 3
    # The weeks keep their numbers: a later start does not renumber the plan.
    assert [c.session.week for c in build.sessions] == [4, 4, 4]


def test_a_workout_that_mentions_no_weeks_is_not_read_as_a_plan(plan: Path) -> None:
    from workoutexport.plans import is_plan

    assert is_plan(plan)
    assert not is_plan(plan.parent / "easy.yaml")
    (plan.parent / "w.yaml").write_text("name: Weeks of work\nsteps:\n  - run: 1min\n")
    assert not is_plan(plan.parent / "w.yaml")


@pytest.mark.parametrize("value", ["4mi", 1e300, "1:30", "6-8"])
def test_progress_cannot_grow_a_value_without_bound(value: object) -> None:
    with pytest.raises(ValueError, match="progress grows this value past"):
        scale(value, 2.0**519)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("start: 9999-12-01\nweeks:\n  - days: {mon: easy.yaml}\n", "between 1990 and 2099"),
        ("start: 1980-01-01\nweeks:\n  - days: {mon: easy.yaml}\n", "between 1990 and 2099"),
        (
            "start: 2027-01-04\nweeks:\n  - repeat: 2\n    progress: {minutes: 1000%}\n"
            "    days: {mon: easy.yaml}\n",
            "at most 100 %",
        ),
        ('start: 2027-01-04\nweeks:\n  - days: {mon: "easy\\0.yaml"}\n', "control characters"),
    ],
)
def test_plans_outside_what_a_watch_holds_are_refused(plan: Path, text: str, message: str) -> None:
    plan.write_text(text)
    code, _, stderr = run("build", str(plan), "-o", str(plan.parent / "out"))
    assert code == 1
    assert "Traceback" not in stderr
    assert message in stderr
    assert not (plan.parent / "out").exists()


def test_session_names_stay_unique(plan: Path) -> None:
    (plan.parent / "easy-2.yaml").write_text(EASY)
    plan.write_text(
        "start: 2027-01-04\nweeks:\n  - days: {mon: [easy.yaml, easy.yaml, easy-2.yaml]}\n"
    )
    names = [s.name for s in expand_plan(plan).sessions]
    assert names == ["2027-01-04-easy", "2027-01-04-easy-2", "2027-01-04-easy-2-2"]


def test_plan_diagnostics_in_json_and_show_of_a_bad_plan(plan: Path) -> None:
    import json

    plan.write_text("start: 2027-01-04\nweeks:\n  - days: {tue: nothere.yaml}\n")
    code, stdout, _ = run("check", str(plan), "--output-format", "json")
    assert code == 1
    (item,) = json.loads(stdout)
    assert (item["file"], item["line"], item["column"]) == (str(plan), 3, 17)
    code, stdout, stderr = run("show", str(plan))
    assert code == 1
    assert stdout == ""
    assert f"{plan}:3:17: error: no workout file 'nothere.yaml'" in stderr


# --- --set with plans among several inputs --------------------------------------------------

EASY_NO_PACE = "name: Easy\nvars:\n  minutes: 40min\nsteps:\n  - run: ${minutes}\n"
ONE_SESSION_PLAN = "name: P\nstart: 2027-01-04\nweeks:\n  - days:\n      tue: easy.yaml\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A plan, its workout, and a workout of no plan."""
    (tmp_path / "easy.yaml").write_text(EASY_NO_PACE)
    (tmp_path / "plan.yaml").write_text(ONE_SESSION_PLAN)
    (tmp_path / "b.yaml").write_text("name: B\nsteps:\n  - run: 1km\n")
    return tmp_path


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """A plan whose workout lacks `x`, and a workout that defines it."""
    (tmp_path / "easy.yaml").write_text(EASY_NO_PACE)
    (tmp_path / "plan.yaml").write_text(ONE_SESSION_PLAN)
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


def test_show_says_a_shared_profile_error_again_after_a_plan(folder: Path) -> None:
    (folder / "profile.yaml").write_text("paces:\n  easy: fast\n")
    (folder / "c.yaml").write_text("name: C\nsteps:\n  - run: 1km\n")
    code, _out, err = run("show", "b.yaml", "plan.yaml", "c.yaml", cwd=folder)
    assert code == 1
    # Said for b, by the plan's own report, and for c after the plan (not dropped as said).
    profile_lines = [line for line in err.splitlines() if line.startswith("profile.yaml:")]
    assert len(profile_lines) == 3, err
