"""Exercise sets and timed steps are different nodes: what neither can be is refused on import."""

from __future__ import annotations

import pytest

from workoutexport import steps as s
from workoutexport.diagnostics import WorkoutError
from workoutexport.formats.fit.reader import read_fit

# FIT profile numbers (Profile.xlsx): workout_step fields, and the values used below.
INDEX, DUR_TYPE, DUR_VALUE, TGT_TYPE, INTENSITY = 254, 1, 2, 3, 7
CATEGORY, WEIGHT, WEIGHT_UNIT = 10, 12, 13
DUR_DISTANCE, DUR_REPS, TGT_OPEN, TGT_HR = 1, 29, 2, 1
ACTIVE, REST, WARMUP = 0, 1, 2
SQUAT = 28


def _fit(step: dict[int, int]) -> bytes:
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.workout_message import WorkoutMessage
    from fit_tool.profile.messages.workout_step_message import WorkoutStepMessage

    file_id, wkt, msg = FileIdMessage(), WorkoutMessage(), WorkoutStepMessage()
    fields: list[tuple[object, int, object]] = [
        (file_id, 0, 5),  # type: workout
        (wkt, 4, 10),  # sport: training
        (wkt, 11, 20),  # sub_sport: strength_training
        (wkt, 8, "Legs"),
        (wkt, 6, 1),  # num_valid_steps
        (msg, INDEX, 0),
    ]
    fields += [(msg, fid, raw) for fid, raw in step.items()]
    for m, fid, raw in fields:
        m.get_field(fid).set_encoded_value(0, raw)  # type: ignore[attr-defined]
    builder = FitFileBuilder(auto_define=True)
    for m in (file_id, wkt, msg):
        builder.add(m)
    return bytes(builder.build().to_bytes())


def _refusal(step: dict[int, int]) -> str:
    with pytest.raises(WorkoutError) as info:
        read_fit(_fit(step), "legs.fit")
    (d,) = info.value.diagnostics
    return d.format()


def test_a_set_of_ten_squats_with_weight_is_an_exercise_step() -> None:
    workout, _ = read_fit(
        _fit(
            {
                DUR_TYPE: DUR_REPS,
                DUR_VALUE: 10,
                TGT_TYPE: TGT_OPEN,
                INTENSITY: WARMUP,
                CATEGORY: SQUAT,
                WEIGHT: 2000,  # 1/100 kg
                WEIGHT_UNIT: 0,  # kilogram
            }
        ),
        "legs.fit",
    )
    assert workout.steps == (
        s.ExerciseStep(
            exercise=s.Exercise(category=SQUAT, category_name="squat"),
            duration=s.Reps(count=10),
            intensity=s.Intensity.WARMUP,
            weight_kg=20.0,
        ),
    )


def test_reps_without_an_exercise_are_refused() -> None:
    assert _refusal({DUR_TYPE: DUR_REPS, DUR_VALUE: 10, TGT_TYPE: TGT_OPEN}) == (
        "legs.fit: error: step 1 (message_index 0): a repetition count outside a strength "
        "exercise cannot be expressed in the workout format"
    )


def test_an_exercise_lasting_a_distance_is_refused() -> None:
    step = {DUR_TYPE: DUR_DISTANCE, DUR_VALUE: 100_000, TGT_TYPE: TGT_OPEN, CATEGORY: SQUAT}
    assert _refusal(step) == (
        "legs.fit: error: step 1 (message_index 0): an exercise that lasts other than reps, "
        "a time or until lap cannot be expressed in the workout format"
    )


def test_an_exercise_with_a_target_is_refused() -> None:
    # Before the split, the target was kept in the tree and silently left out of the YAML.
    step = {DUR_TYPE: DUR_REPS, DUR_VALUE: 10, TGT_TYPE: TGT_HR, 4: 3, CATEGORY: SQUAT}
    assert _refusal(step) == (
        "legs.fit: error: step 1 (message_index 0): a target on an exercise step cannot be "
        "expressed in the workout format"
    )


def test_a_rest_exercise_set_is_refused() -> None:
    step = {DUR_TYPE: DUR_REPS, DUR_VALUE: 10, TGT_TYPE: TGT_OPEN, INTENSITY: REST}
    assert _refusal({**step, CATEGORY: SQUAT}) == (
        "legs.fit: error: step 1 (message_index 0): an exercise set of intensity 'rest' "
        "cannot be expressed in the workout format"
    )
