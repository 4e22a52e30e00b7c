"""Plans in a coach's numbers (issue 20, "Units and numbers" and "Names on the watch"): one
estimate of time and distance, strength timed by its reps, plans in their unit, progressed
values rounded as a coach writes them, names that follow their vars.

Every expected number is worked out in the comment above it, by hand.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from workoutexport import estimate, steps
from workoutexport.cli import main
from workoutexport.plans import scale, week_totals
from workoutexport.run import build_plan

from conftest import decoded

ROOT = Path(__file__).resolve().parents[1]

# 6:00/km with no tolerance: 1 km takes 360 s, 1 mi (1609.344 m) 579.36 s.
PROFILE = "paces:\n  easy: 6:00/km\ntolerance:\n  pace: 0s\n"
EASY = "name: Easy\nvars:\n  minutes: 30min\nsteps:\n  - run: ${minutes}\n    pace: easy\n"
LONG = "name: Long\nvars:\n  distance: 5mi\nsteps:\n  - run: ${distance}\n    pace: easy\n"
TEN_K = "name: Ten k\nsteps:\n  - run: 10km\n    pace: easy\n"
# 5 min warm-up, then twice: 10 squats (10 x 3 s = 30 s), a 30 s plank, 60 s rest:
# 300 + 2 x (30 + 30 + 60) = 540 s = 9:00, of which 60 s are worked out from reps.
STRENGTH = """\
name: Strength
sport: strength
steps:
  - warmup: 5min
  - repeat: 2
    steps:
      - exercise: squat
        reps: 10
      - exercise: plank
        time: 30s
      - rest: 60s
"""
# The bundled session's shape: its name follows `reps`.
FOUR_HUNDREDS = """\
name: ${reps} x 400 m at mile pace
short_name: ${reps}x400 mile
vars:
  reps: 10
steps:
  - repeat: ${reps}
    steps:
      - run: 400m
        pace: easy
      - recover: 60s
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


def library(folder: Path, plan: str, **extra: str) -> Path:
    files = {
        "profile.yaml": PROFILE,
        "easy.yaml": EASY,
        "long.yaml": LONG,
        "tenk.yaml": TEN_K,
        "strength.yaml": STRENGTH,
        "reps.yaml": FOUR_HUNDREDS,
        "plan.yaml": plan,
        **extra,
    }
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder / "plan.yaml"


def week_lines(stdout: str) -> list[str]:
    return [line.strip() for line in stdout.splitlines() if line.strip().startswith("running")]


# --- 1. one estimate ---------------------------------------------------------------------------

ONE_WEEK = """\
name: One week
start: 2027-01-04
weeks:
  - days:
      tue: easy.yaml
      thu: [tenk.yaml, strength.yaml]
"""


def test_show_plans_and_the_site_share_one_weekly_total(tmp_path: Path) -> None:
    plan = library(tmp_path, ONE_WEEK)
    build = build_plan(plan)
    (week,) = week_totals(build)
    # running: 30 min (5 km) + 10 km in 3600 s: 5400 s, 15 km; strength 540 s apart.
    assert (week.seconds, week.metres) == pytest.approx((5400, 15000))
    assert week.other_seconds == pytest.approx(540)
    # The site's week is the same definition: its page says the same volume.
    code, _, stderr = run("site", str(tmp_path), "-o", str(tmp_path / "site"))
    assert code == 0, stderr
    page = (tmp_path / "site" / "plans" / "plan.html").read_text()
    volume = re.search(r'class="volume".*?<span>(.*?)</span></td>', page, re.S)
    assert volume is not None
    text = re.sub(r"<[^>]+>", "", volume.group(1))
    # 5400 s = 1 h 30 min; 15 km (the plan's distances are in km); strength ~9 min.
    assert text == "1 h 30 min · 15 km · strength ~9 min"


def test_show_reads_its_totals_from_the_library() -> None:
    import inspect

    from workoutexport import plans, show, site

    # The estimate is defined once, in estimate.py; show, plans and the site call it.
    for module in (show, plans, site):
        source = inspect.getsource(module)
        for definition in ("class Totals", "def totals(nodes", "def _step_totals"):
            assert definition not in source, (module.__name__, definition)
        assert "estimate" in source, module.__name__


# --- 2. strength ------------------------------------------------------------------------------


def test_strength_sessions_have_an_estimated_time(tmp_path: Path) -> None:
    plan = library(tmp_path, ONE_WEEK)
    code, stdout, _ = run("show", str(tmp_path / "strength.yaml"))
    assert code == 0
    # 540 s, with the reps' part an estimate: '~' and the rule said.
    assert "total time: ~9:00 (sets at 3 s a rep)" in stdout
    code, stdout, _ = run("show", str(plan))
    assert code == 0
    line = next(x for x in stdout.splitlines() if "Strength" in x)
    assert "~9 min" in line
    assert week_lines(stdout) == ["running 1 h 30 min, 15 km; strength ~9 min"]


def test_a_strength_session_of_timed_sets_is_no_estimate() -> None:
    timed = steps.ExerciseStep(
        exercise=steps.Exercise(category=0, category_name="squat"),
        duration=steps.Time(seconds=45.0),
    )
    t = estimate.totals((steps.Repeat(count=3, steps=(timed,)),))
    assert (t.seconds, t.metres, t.estimated, t.unknown_time) == (135.0, 0.0, False, 0)


def test_a_set_of_reps_takes_three_seconds_a_rep() -> None:
    # 12 reps at a 2 s down, 1 s up tempo: 36 s.
    sets = steps.ExerciseStep(
        exercise=steps.Exercise(category=0, category_name="squat"), duration=steps.Reps(count=12)
    )
    t = estimate.totals((sets,))
    assert (t.seconds, t.estimated) == (36.0, True)


# --- 3. units ---------------------------------------------------------------------------------

MILES = """\
name: Miles
start: 2027-01-04
weeks:
  - days:
      tue: easy.yaml
      sun: long.yaml
"""


def test_show_plan_honours_units(tmp_path: Path) -> None:
    plan = library(tmp_path, MILES)
    # 30 min at 6:00/km = 5 km; 5 mi = 8046.72 m in 2896.8 s: 13046.72 m in 4696.8 s
    # (78.3 min -> 1 h 18 min) = 13.0 km = 8.107 mi -> 8.1 mi.
    code, stdout, _ = run("show", str(plan), "--units", "km")
    assert code == 0
    assert week_lines(stdout) == ["running 1 h 18 min, 13 km"]
    code, stdout, _ = run("show", str(plan), "--units", "mi")
    assert week_lines(stdout) == ["running 1 h 18 min, 8.1 mi"]


def test_a_plan_defaults_to_the_unit_its_distances_are_written_in(tmp_path: Path) -> None:
    # The one distance in km or miles is the long run's 5 mi: the plan speaks miles.
    plan = library(tmp_path, MILES)
    code, stdout, _ = run("show", str(plan))
    assert code == 0
    assert week_lines(stdout) == ["running 1 h 18 min, 8.1 mi"]
    long = next(x for x in stdout.splitlines() if " Long " in x)
    assert "5 mi" in long


def test_units_in_the_plan_win_over_its_distances(tmp_path: Path) -> None:
    plan = library(tmp_path, "units: km\n" + MILES)
    code, stdout, _ = run("show", str(plan))
    assert code == 0
    assert week_lines(stdout) == ["running 1 h 18 min, 13 km"]


def test_units_in_the_profile_apply_when_the_plan_says_none(tmp_path: Path) -> None:
    plan = library(tmp_path, MILES, **{"profile.yaml": PROFILE + "units: km\n"})
    code, stdout, _ = run("show", str(plan))
    assert code == 0
    assert week_lines(stdout) == ["running 1 h 18 min, 13 km"]
    # ... and the plan's own word wins over the profile's.
    plan.write_text("units: mi\n" + MILES)
    assert week_lines(run("show", str(plan))[1]) == ["running 1 h 18 min, 8.1 mi"]


def test_a_plan_that_says_an_unknown_unit_is_an_error(tmp_path: Path) -> None:
    plan = library(tmp_path, "units: furlongs\n" + MILES)
    code, _, stderr = run("check", str(plan))
    assert code == 1
    assert f"{plan}:1:8: error:" in stderr


def test_the_site_plan_page_and_index_use_the_plan_unit(tmp_path: Path) -> None:
    library(tmp_path, MILES)
    code, _, stderr = run("site", str(tmp_path), "-o", str(tmp_path / "site"))
    assert code == 0, stderr
    page = re.sub(r"<[^>]+>", "", (tmp_path / "site" / "plans" / "plan.html").read_text())
    assert "1 h 18 min · 8.1 mi" in page
    index = re.sub(r"<[^>]+>", "", (tmp_path / "site" / "index.html").read_text())
    assert "1 week · 1 h 18 min · 8.1 mi" in index


# --- 4. rounding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "factor", "expected"),
    [
        # 30 min x 1.08^2 = 34.992 min = 2099.52 s: from 10 min, to 5 s: 2100 s.
        ("30min", 1.08**2, "35min"),
        # 50 min x 1.08^3 = 62.9856 min = 3779.1 s -> 3780 s = 63 min.
        ("50min", 1.08**3, "63min"),
        # 45 min x 1.08 = 48.6 min = 2916 s -> 2915 s = 48 min 35 s.
        ("45min", 1.08, "48min 35s"),
        # 1:03 x 1.5 = 94.5 s: under 10 min, to the second, half up: 95 s.
        ("1:03", 1.5, "1:35"),
        # 9:50 x 1.02 = 601.8 s: from 10 min, to 5 s: 600 s.
        ("9:50", 1.02, "10:00"),
        # 10-15 min x 1.1 = 660 s - 990 s: 11 min and 16 min 30 s.
        ("10-15min", 1.1, "11-16min 30s"),
        # 5 mi x 1.08^2 = 5.832 mi: to 0.01 mi.
        ("5mi", 1.08**2, "5.83mi"),
        # 3 km x 1.1 = 3.3 km; 400 m x 1.08 = 432 m, whole metres.
        ("3km", 1.1, "3.3km"),
        ("400m", 1.08, "432m"),
        # a count: 6 x 1.1 = 6.6 -> 7.
        (6, 1.1, 7),
    ],
)
def test_progress_rounds_as_a_coach_writes(value: object, factor: float, expected: object) -> None:
    assert scale(value, factor) == expected


PROGRESS = """\
name: Progress
start: 2027-01-04
weeks:
  - repeat: 3
    progress: {minutes: 8%, distance: 8%}
    days:
      tue: easy.yaml
      sun: long.yaml
"""


def test_progressed_times_reach_the_watch_rounded(tmp_path: Path) -> None:
    plan = library(tmp_path, PROGRESS)
    out = tmp_path / "out"
    code, _, stderr = run("build", str(plan), "-o", str(out))
    assert code == 0, stderr
    # week 3: 30 min x 1.08^2 = 2099.52 s -> 2100 s on the watch, not 2099.52.
    fit = decoded((out / "plan" / "easy-35min.fit").read_bytes())
    (step,) = fit["workout_step_mesgs"]
    assert step["duration_time"] == 2100.0
    # 5 mi x 1.08^2 = 5.832 mi -> 5.83 mi = 8046.72 + 0.83 x 1609.344 = 9382.4755 m, which
    # FIT keeps to the centimetre: 9382.48 m (5.832 mi would be 9385.69 m).
    fit = decoded((out / "plan" / "long-5.83mi.fit").read_bytes())
    (step,) = fit["workout_step_mesgs"]
    assert step["duration_distance"] == pytest.approx(9382.48, abs=0.001)


def test_show_plan_displays_progressed_values_as_a_coach_reads_them(tmp_path: Path) -> None:
    plan = library(tmp_path, PROGRESS)
    code, stdout, _ = run("show", str(plan))
    assert code == 0
    long = [x for x in stdout.splitlines() if " Long " in x][-1]
    # 5.83 mi = 9382.48 m at 360 s/km = 3377.7 s = 56.3 min: '56 min', '5.8 mi'.
    assert re.search(r"Long\s+56 min\s+5\.8 mi\s+distance=5\.83mi$", long), long
    easy = [x for x in stdout.splitlines() if " Easy " in x][-1]
    assert easy.endswith("minutes=35min"), easy


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        # From 10 min to the whole minute, halves up: 48 min 35 s = 48.58 min -> 49.
        ("48min 35s", "49min"),
        ("32min 25s", "32min"),
        ("52min 30s", "53min"),  # 52.5 -> 53, half up
        ("1h 11min 15s", "1h 11min"),
        ("32:25", "32:00"),
        ("11-16min 30s", "11-17min"),
        # Under 10 min, distances and counts: as they are.
        ("9min 50s", "9min 50s"),
        ("1:35", "1:35"),
        ("5.83mi", "5.83mi"),
        ("7", "7"),
    ],
)
def test_show_reads_a_grown_time_to_the_minute(value: str, shown: str) -> None:
    from workoutexport.plans import shown_value

    assert shown_value(value) == shown


ONE_WEEK_EASY = "name: One\nstart: 2027-01-04\nweeks:\n  - days:\n      tue: easy.yaml\n"


def test_show_plan_rounds_the_column_not_the_watch(tmp_path: Path) -> None:
    # 45 min x 1.08 = 48.6 min = 2916 s -> 2915 s: '48min 35s' on the watch, '49min' shown.
    plan = library(
        tmp_path,
        "name: P\nstart: 2027-01-04\nweeks:\n  - repeat: 2\n    progress: {minutes: 8%}\n"
        "    days:\n      tue: {workout: easy.yaml, set: {minutes: 45min}}\n",
    )
    code, stdout, stderr = run("show", str(plan))
    assert code == 0, stderr
    assert stdout.splitlines()[1] == "  2 weeks from Mon 2027-01-04"
    assert "minutes=48min 35s" not in stdout
    assert [x.split()[-1] for x in stdout.splitlines() if " Easy " in x] == [
        "minutes=45min",
        "minutes=49min",
    ]
    code, _, stderr = run("build", str(plan), "-f", "fit", "-o", str(tmp_path / "out"))
    assert code == 0, stderr
    fits = sorted((tmp_path / "out").rglob("*.fit"))
    durations = [
        m["duration_time"]
        for f in fits
        if not f.name.endswith("-schedule.fit")
        for m in decoded(f.read_bytes())["workout_step_mesgs"]
    ]
    assert sorted(durations) == [2700.0, 2915.0]


def test_one_week_is_one_week(tmp_path: Path) -> None:
    code, stdout, _ = run("show", str(library(tmp_path, ONE_WEEK_EASY)))
    assert code == 0 and stdout.splitlines()[1] == "  1 week from Mon 2027-01-04"


# --- 5. names ---------------------------------------------------------------------------------

EIGHT = """\
name: Eight
start: 2027-01-04
weeks:
  - days:
      tue: {workout: reps.yaml, set: {reps: 8}}
"""


def test_a_session_name_follows_its_vars_on_the_watch_and_calendar(tmp_path: Path) -> None:
    plan = library(tmp_path, EIGHT)
    out = tmp_path / "out"
    code, _, stderr = run("build", str(plan), "-o", str(out))
    assert code == 0, stderr
    fit = decoded((out / "plan" / "reps.fit").read_bytes())  # its one form in the plan
    assert fit["workout_mesgs"][0]["wkt_name"] == "8 x 400 m at mile pace"
    calendar = Calendar.from_ical((out / "plan" / "plan.ics").read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "8 x 400 m at mile pace"


@pytest.mark.parametrize(
    ("lines", "key", "where"),
    [
        # the name says the default reps
        ("name: 10 x 400 m\nvars: {reps: 10}\n", "name", "1:7"),
        # '60-90 s' is '60-90s' spaced
        (
            "name: W\ndescription: 6 reps, 60-90 s rest\nvars: {rec: 60-90s}\n",
            "description",
            "2:14",
        ),
        ("name: W\nshort_name: 10x400\nvars: {reps: 10}\n", "short name", "2:13"),
    ],
)
def test_check_warns_of_a_name_that_states_a_var_default(
    tmp_path: Path, lines: str, key: str, where: str
) -> None:
    workout = tmp_path / "w.yaml"
    var = re.search(r"vars: \{(\w+)", lines).group(1)  # type: ignore[union-attr]
    body = (
        f"steps:\n  - run: 400m\n  - recover: ${{{var}}}\n"
        if var == "rec"
        else ("steps:\n  - repeat: ${reps}\n    steps:\n      - run: 400m\n")
    )
    workout.write_text(lines + body)
    code, _, stderr = run("check", str(workout))
    assert code == 0, stderr
    assert f"{workout}:{where}: warning: the {key} states" in stderr
    assert f"write ${{{var}}}" in stderr


@pytest.mark.parametrize(
    "lines",
    [
        # uses the var
        "name: ${reps} x 400 m\nvars: {reps: 10}\n",
        # a number that is no count of the var: 10 % is a grade, 400 m a distance
        "name: Hills at 10 %, 400 m\nvars: {reps: 10}\n",
        # 10 minutes is not 10 reps
        "name: 10 min of 400s\nvars: {reps: 10}\n",
    ],
)
def test_check_does_not_warn_of_other_numbers(tmp_path: Path, lines: str) -> None:
    workout = tmp_path / "w.yaml"
    workout.write_text(lines + "steps:\n  - repeat: ${reps}\n    steps:\n      - run: 400m\n")
    code, _, stderr = run("check", str(workout))
    assert code == 0
    assert "warning" not in stderr, stderr


def test_the_bundled_library_checks_with_no_warnings() -> None:
    code, stdout, stderr = run("check", "workouts", cwd=ROOT)
    assert code == 0, stderr
    assert "warning" not in stderr, stderr
    assert "0 errors, 0 warnings" in stdout, stdout


def test_the_bundled_400s_are_named_by_their_reps(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, stderr = run(
        "build", str(ROOT / "workouts" / "10x400-mile-pace.yaml"), "--set", "reps=8", "-o", str(out)
    )
    assert code == 0, stderr
    fit = decoded((out / "10x400-mile-pace.fit").read_bytes())
    assert fit["workout_mesgs"][0]["wkt_name"] == "8 x 400 m at mile pace"


def test_the_10_percent_rule_speaks_the_plan_unit(tmp_path: Path) -> None:
    plan = library(
        tmp_path,
        "start: 2027-01-04\nweeks:\n  - days: {sun: long.yaml}\n"
        "  - days: {sun: {workout: long.yaml, set: {distance: 6mi}}}\n",
    )
    code, _, stderr = run("check", str(plan))
    assert code == 0, stderr
    # 6 mi on 5 mi is 20 % more; the plan's distances are in miles.
    assert "week 2: 6 mi is 20 % more than week 1 (5 mi)" in stderr, stderr


# --- a time that leaves steps out ---------------------------------------------------------------

# 10 min warm-up at 6:00/km (1.667 km), 4 x (30 s at 6:00/km = 83.3 m, walk down on lap),
# 10 min cool-down (1.667 km): 22:00 of known time plus 4 lap steps; 22 min at 6:00/km =
# 3.667 km, but the lap steps have no distance either.
HILLS = """\
name: Hills
steps:
  - warmup: 10min
    pace: easy
  - repeat: 4
    steps:
      - run: 30s
        pace: easy
      - recover: lap
  - cooldown: 10min
    pace: easy
"""
HILL_WEEK = "name: H\nstart: 2027-01-04\nweeks:\n  - days:\n      thu: hills.yaml\n"


def test_a_time_that_leaves_steps_out_is_a_lower_bound_in_every_view(tmp_path: Path) -> None:
    plan = library(tmp_path, HILL_WEEK, **{"hills.yaml": HILLS})
    code, shown, _ = run("show", str(tmp_path / "hills.yaml"))
    assert code == 0 and "total time: 22:00 + 4 step(s) without a set time" in shown
    code, stdout, stderr = run("show", str(plan))
    assert code == 0, stderr
    session = next(line for line in stdout.splitlines() if "Hills" in line).split()
    assert session[-6:] == ["≥", "22", "min", "≥", "3.7", "km"]
    assert week_lines(stdout) == ["running 22 min, 3.7 km (at least)"]
    code, _, stderr = run("site", str(tmp_path), "-o", str(tmp_path / "site"))
    assert code == 0, stderr
    page = re.sub(r"<[^>]+>", "", (tmp_path / "site" / "plans" / "plan.html").read_text())
    assert "≥ 22 min · ≥ 3.7 km" in page
    index = re.sub(r"<[^>]+>", "", (tmp_path / "site" / "index.html").read_text())
    assert "1 week · ≥ 22 min · ≥ 3.7 km" in index
