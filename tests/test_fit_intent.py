"""What a runner meant, checked against what Garmin's decoder reads from our FIT files.

Expected numbers are worked out by hand here (not taken from the code under test).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from garmin_fit_sdk import Profile

from shipped import shipped_workouts
from workoutexport.pipeline import compile_document, emit, profile_options
from workoutexport.profile import EMPTY, build_profile
from workoutexport.source import parse_text

from conftest import decoded, workout_steps

MILE = 1609.344


def build(yaml: str, profile: str | None = None, pick: str = "low") -> bytes:
    prof = build_profile(parse_text(profile, "profile.yaml")) if profile else EMPTY
    workout = compile_document(parse_text(yaml, "w.yaml"), prof, pick=pick)  # type: ignore[arg-type]
    return emit(workout, "fit", options=profile_options(prof)).data


def test_pace_window_is_speed_with_low_slower() -> None:
    steps = workout_steps(build("name: x\nsteps:\n  - run: 1km\n    pace: 4:00/km\n"))
    step = steps[0]
    # 4:00/km +- 5 s: 4:05/km is the slow end (low), 3:55/km the fast end (high).
    assert step["custom_target_value_low"] == int(1000 / 245 * 1000)  # 4081.6 -> floor 4081
    assert step["custom_target_value_high"] == 4256  # 1000/235 = 4.2553 m/s -> ceil in mm/s
    assert step["target_type"] == "speed"


def test_mile_pace_tolerance_is_in_seconds_per_mile() -> None:
    profile = "paces:\n  mile: 6:00/mi\n"
    step = workout_steps(build("name: x\nsteps:\n  - run: 400m\n    pace: mile\n", profile))[0]
    slow, fast = MILE / 365, MILE / 355  # 6:05/mi and 5:55/mi
    assert abs(step["custom_target_speed_low"] - slow) < 0.002
    assert abs(step["custom_target_speed_high"] - fast) < 0.002
    assert step["duration_distance"] == 400.0


def test_percent_of_named_pace_is_percent_of_speed() -> None:
    profile = "paces:\n  mile: 6:00/mi\n"
    step = workout_steps(build("name: x\nsteps:\n  - run: 400m\n    pace: 110% mile\n", profile))[0]
    pace = 360 / 1.10  # seconds per mile, faster than mile pace
    assert abs(step["custom_target_speed_low"] - MILE / (pace + 5)) < 0.002
    assert abs(step["custom_target_speed_high"] - MILE / (pace - 5)) < 0.002


def test_heart_rate_offsets() -> None:
    yaml = """name: x
steps:
  - run: 5min
    hr: 140-150bpm
  - run: 5min
    hr: 70-80%max
  - run: 5min
    hr: z4
  - recover: hr < 120bpm
"""
    steps = workout_steps(build(yaml))
    assert (steps[0]["custom_target_value_low"], steps[0]["custom_target_value_high"]) == (240, 250)
    assert (steps[1]["custom_target_value_low"], steps[1]["custom_target_value_high"]) == (70, 80)
    assert steps[2]["target_value"] == 4 and steps[2]["target_type"] == "heart_rate"
    assert steps[3]["duration_type"] == "hr_less_than"
    assert steps[3]["duration_value"] == 220


def test_power_offsets() -> None:
    yaml = """name: x
sport: cycling
steps:
  - run: 5min
    power: 240-260W
  - run: 5min
    power: 90-95%ftp
"""
    steps = workout_steps(build(yaml))
    assert (steps[0]["custom_target_value_low"], steps[0]["custom_target_value_high"]) == (
        1240,
        1260,
    )
    assert (steps[1]["custom_target_value_low"], steps[1]["custom_target_value_high"]) == (90, 95)


def test_running_cadence_is_written_in_strides() -> None:
    yaml = "name: x\nsteps:\n  - run: 5min\n    cadence: 176-184spm\n"
    step = workout_steps(build(yaml))[0]
    assert (step["custom_target_value_low"], step["custom_target_value_high"]) == (88, 92)
    as_steps = "fit:\n  running_cadence: steps\n"
    step = workout_steps(build(yaml, as_steps))[0]
    assert (step["custom_target_value_low"], step["custom_target_value_high"]) == (176, 184)


def test_repeat_follows_its_block_with_total_count() -> None:
    yaml = """name: x
steps:
  - warmup: 10min
  - repeat: 8
    steps:
      - run: 30s
      - recover: lap
  - cooldown: 10min
"""
    data = build(yaml)
    msgs = decoded(data)
    steps = msgs["workout_step_mesgs"]
    assert [s["message_index"] for s in steps] == [0, 1, 2, 3, 4]
    repeat = steps[3]
    assert repeat["duration_type"] == "repeat_until_steps_cmplt"
    assert repeat["duration_value"] == 1  # the block's first step
    assert repeat["target_value"] == 8  # total count, not "extra" repeats
    assert "intensity" not in repeat and "wkt_step_name" not in repeat
    assert steps[2]["duration_type"] == "open"  # lap button
    assert msgs["workout_mesgs"][0]["num_valid_steps"] == 5


@pytest.mark.parametrize(
    ("pick", "count", "seconds"), [("low", 6, 60), ("mid", 7, 75), ("high", 8, 90)]
)
def test_pick_policy(pick: str, count: int, seconds: float) -> None:
    yaml = (
        "name: x\nsteps:\n  - repeat: 6-8\n    steps:\n      - run: 30s\n      - recover: 60-90s\n"
    )
    steps = workout_steps(build(yaml, pick=pick))
    assert steps[2]["target_value"] == count
    assert steps[1]["duration_time"] == seconds


def test_mid_pick_rounds_counts_half_up() -> None:
    yaml = "name: x\nsteps:\n  - repeat: 6-7\n    steps:\n      - run: 30s\n"
    assert workout_steps(build(yaml, pick="mid"))[1]["target_value"] == 7


def test_file_id_and_determinism(monkeypatch: pytest.MonkeyPatch) -> None:
    yaml = "name: x\nsteps:\n  - run: 10min\n"
    first, second = build(yaml), build(yaml)
    assert first == second
    file_id = decoded(first)["file_id_mesgs"][0]
    assert file_id["type"] == "workout"
    assert file_id["manufacturer"] == "garmin"
    assert file_id["product"] == 65534  # Garmin Connect
    assert file_id["serial_number"] != 0
    # A tree made without a file, and no SOURCE_DATE_EPOCH: FIT's own epoch, never "now".
    assert file_id["time_created"] == 0
    other = build("name: y\nsteps:\n  - run: 10min\n")
    assert decoded(other)["file_id_mesgs"][0]["serial_number"] != file_id["serial_number"]

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    stamped = decoded(build(yaml))["file_id_mesgs"][0]
    # FIT time counts seconds from 1989-12-31T00:00:00Z (Unix 631065600).
    assert stamped["time_created"] == 1700000000 - 631065600


def test_strength_exercise_numbers_match_garmins_profile() -> None:
    yaml = """name: x
sport: strength
steps:
  - exercise: lunge/walking_lunge
    reps: 10
    weight: 10kg
  - exercise: deadlift/romanian_deadlift
    reps: 8
  - exercise: hip_raise
    time: 45s
"""
    msgs = decoded(build(yaml))
    assert msgs["workout_mesgs"][0]["sport"] == "training"
    assert msgs["workout_mesgs"][0]["sub_sport"] == "strength_training"
    steps = msgs["workout_step_mesgs"]
    types = Profile["types"]
    assert types["lunge_exercise_name"][steps[0]["exercise_name"]] == "walking_lunge"
    assert types["deadlift_exercise_name"][steps[1]["exercise_name"]] == "romanian_deadlift"
    assert steps[0]["duration_type"] == "reps" and steps[0]["duration_value"] == 10
    assert steps[0]["exercise_weight"] == 10.0
    assert steps[2]["exercise_category"] == "hip_raise"
    assert steps[2]["duration_time"] == 45.0


def test_names_and_notes() -> None:
    yaml = """name: Tempo Tuesday
description: Threshold work.
steps:
  - run: 20min
    name: Tempo
    note: breathe 2:2
"""
    msgs = decoded(build(yaml))
    assert msgs["workout_mesgs"][0]["wkt_name"] == "Tempo Tuesday"
    assert msgs["workout_mesgs"][0]["wkt_description"] == "Threshold work."
    step = msgs["workout_step_mesgs"][0]
    assert step["wkt_step_name"] == "Tempo" and step["notes"] == "breathe 2:2"


def test_a_plan_saved_into_workouts_is_not_read_as_a_workout(tmp_path: Path) -> None:
    """The README has users save `my-plan.yaml` into workouts/: the tests that read every
    shipped workout skip it rather than fail on its missing 'steps'."""
    library = Path(__file__).resolve().parent.parent / "workouts"
    for name in ("profile.yaml", "easy-base-run.yaml"):
        shutil.copy(library / name, tmp_path / name)
    (tmp_path / "my-plan.yaml").write_text(
        "name: Plan\nstart: 2027-01-04\nweeks:\n  - days:\n      tue: easy-base-run.yaml\n"
    )
    assert shipped_workouts(tmp_path) == [tmp_path / "easy-base-run.yaml"]


def test_every_shipped_workout_decodes() -> None:
    from workoutexport.pipeline import load_workout

    library = Path(__file__).resolve().parent.parent / "workouts"
    files = shipped_workouts(library)
    assert len(files) >= 12
    for path in files:
        workout = load_workout(path)
        msgs = decoded(emit(workout, "fit").data)
        assert msgs["workout_mesgs"][0]["wkt_name"] == workout.name
        assert msgs["workout_mesgs"][0]["num_valid_steps"] == len(msgs["workout_step_mesgs"])
