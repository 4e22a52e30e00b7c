"""Writes the FIT SDK cookbook's example workouts with garmin-fit-sdk's own Encoder.

Run from this folder: ``python encode.py``. The workouts transcribe Garmin's "WorkoutEncode"
cookbook program (C#: CreateBikeTempoWorkout, CreateRun800RepeatsWorkout,
CreateCustomTargetValuesWorkout, CreatePoolSwimWorkout) field for field, through its
``CreateWorkoutStep`` / ``CreateWorkoutStepRepeat`` helpers. Two things differ on purpose:
the serial number and time_created are fixed (the program uses a random serial and "now"),
so the fixtures do not change between runs. ``repeat-until-hr.fit`` is ours, not Garmin's: a
repeat until heart rate is above 175 bpm written in the same style with the same helpers,
because the program has no conditional repeat; its repeat step carries a heart-rate target
type and intensity active, as the SDK's example file WorkoutRepeatGreaterThanStep.fit does.
garmin-fit-sdk's Encoder writes its own
header (14 bytes, protocol 2.0); the C# program asks for protocol 1.0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from garmin_fit_sdk import Encoder, Profile

NUM = Profile["mesg_num"]
# Profile enum values, from Garmin's profile (types wkt_step_duration, wkt_step_target, ...).
TIME, DISTANCE, OPEN_DURATION, REPEAT_STEPS, REPEAT_HR_GT, REPETITION_TIME = 0, 1, 5, 6, 11, 28
SPEED, HEART_RATE, OPEN, POWER, SWIM_STROKE = 0, 1, 2, 4, 11
ACTIVE, REST, WARMUP, COOLDOWN = 0, 1, 2, 3
RUNNING, CYCLING, SWIMMING, LAP_SWIMMING = 1, 2, 5, 17
# swim_stroke freestyle 0 and drill 4; workout_equipment swim_kickboard 2; display_measure
# statute 1.
FREESTYLE, DRILL, KICKBOARD, STATUTE = 0, 4, 2, 1


def step(
    index: int,
    *,
    intensity: int = ACTIVE,
    duration_type: int = OPEN_DURATION,
    duration_value: int | None = None,
    target_type: int = OPEN,
    target_value: int = 0,
    low: int | None = None,
    high: int | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """The cookbook's CreateWorkoutStep: a custom range, or a zone with both custom ends 0."""
    mesg: dict[str, Any] = {
        "mesg_num": NUM["WORKOUT_STEP"],
        "message_index": index,
        "intensity": intensity,
        "duration_type": duration_type,
    }
    if name is not None:
        mesg["wkt_step_name"] = name
    if duration_value is not None:
        mesg["duration_value"] = duration_value
    mesg["target_type"] = target_type
    if low is not None and high is not None:
        mesg.update(target_value=0, custom_target_value_low=low, custom_target_value_high=high)
    else:
        mesg.update(target_value=target_value, custom_target_value_low=0)
        mesg["custom_target_value_high"] = 0
    return mesg


def repeat(
    index: int, first: int, value: int, kind: int = REPEAT_STEPS, name: str | None = None
) -> dict[str, Any]:
    """The cookbook's CreateWorkoutStepRepeat (open target, the count in target_value)."""
    mesg: dict[str, Any] = {
        "mesg_num": NUM["WORKOUT_STEP"],
        "message_index": index,
        "duration_type": kind,
        "duration_value": first,
        "target_type": OPEN,
        "target_value": value,
    }
    if name is not None:
        mesg["wkt_step_name"] = name
    return mesg


def write(path: str, serial: int, workout: dict[str, Any], steps: list[dict[str, Any]]) -> None:
    encoder = Encoder()
    encoder.write_mesg(
        {
            "mesg_num": NUM["FILE_ID"],
            "type": 5,  # workout
            "manufacturer": 255,  # development
            "product": 0,
            "time_created": 1_000_000_000,  # fixed: the program writes "now"
            "serial_number": serial,  # fixed: the program draws a random one
        }
    )
    encoder.write_mesg({"mesg_num": NUM["WORKOUT"], "num_valid_steps": len(steps), **workout})
    for mesg in steps:
        encoder.write_mesg(mesg)
    Path(path).write_bytes(encoder.close())


def main() -> None:
    write(
        "tempo-bike.fit",
        1,
        {"wkt_name": "Tempo Bike", "sport": CYCLING},
        [
            step(0, duration_type=TIME, duration_value=600000, target_type=HEART_RATE,
                 target_value=1, intensity=WARMUP),
            step(1, duration_type=TIME, duration_value=2400000, target_type=POWER,
                 target_value=3),
            step(2, intensity=COOLDOWN),
        ],
    )  # fmt: skip
    write(
        "running-800m-repeats.fit",
        2,
        {"wkt_name": "Running 800m Repeats", "sport": RUNNING},
        [
            step(0, duration_type=DISTANCE, duration_value=400000, target_type=HEART_RATE,
                 target_value=1, intensity=WARMUP),
            step(1, duration_type=DISTANCE, duration_value=80000, target_type=HEART_RATE,
                 target_value=4),
            step(2, duration_type=DISTANCE, duration_value=20000, target_type=HEART_RATE,
                 target_value=2, intensity=REST),
            repeat(3, 1, 5),
            step(4, duration_type=DISTANCE, duration_value=100000, target_type=HEART_RATE,
                 target_value=2, intensity=COOLDOWN),
        ],
    )  # fmt: skip
    write(
        "custom-target-values.fit",
        3,
        {"wkt_name": "Custom Target Values", "sport": CYCLING},
        [
            step(0, duration_type=TIME, duration_value=600000, target_type=HEART_RATE,
                 low=235, high=255, intensity=WARMUP),  # 135-155 bpm, + 100
            step(1, duration_type=TIME, duration_value=2400000, target_type=POWER,
                 low=1175, high=1195),  # 175-195 W, + 1000
            step(2, duration_type=TIME, duration_value=600000, target_type=SPEED,
                 low=5556, high=6944, intensity=COOLDOWN),  # mm/s
        ],
    )  # fmt: skip
    write(
        "repeat-until-hr.fit",
        4,
        {"wkt_name": "Repeat Until HR", "sport": RUNNING},
        [
            step(0, duration_type=TIME, duration_value=600000, intensity=WARMUP),
            step(1, duration_type=DISTANCE, duration_value=40000, target_type=HEART_RATE,
                 target_value=4),
            step(2, duration_type=TIME, duration_value=60000, intensity=REST),
            # 175 bpm + 100; typed as a heart-rate target and active, as in the FIT SDK's
            # example file WorkoutRepeatGreaterThanStep.fit (a repeat until HR > 80 %max).
            {**repeat(3, 1, 275, REPEAT_HR_GT, name="Until 175 bpm"), "target_type": HEART_RATE,
             "intensity": ACTIVE},
            step(4, intensity=COOLDOWN),
        ],
    )  # fmt: skip
    swim = {"mesg_num": NUM["WORKOUT_STEP"], "target_type": SWIM_STROKE}
    write(
        "pool-swim.fit",
        5,
        {
            "wkt_name": "Pool Swim",
            "sport": SWIMMING,
            "sub_sport": LAP_SWIMMING,
            "pool_length": 22.86,  # 25 yards, in metres (the Encoder applies the scale)
            "pool_length_unit": STATUTE,
        },
        [
            {**swim, "message_index": 0, "intensity": WARMUP, "duration_type": DISTANCE,
             "duration_value": 18288, "target_value": 255},
            {**swim, "message_index": 1, "intensity": REST, "duration_type": OPEN_DURATION,
             "target_type": OPEN},
            {**swim, "message_index": 2, "intensity": ACTIVE, "duration_type": DISTANCE,
             "duration_value": 18288, "target_value": DRILL, "equipment": KICKBOARD},
            {**swim, "message_index": 3, "intensity": REST, "duration_type": OPEN_DURATION,
             "target_type": OPEN},
            {**swim, "message_index": 4, "intensity": ACTIVE, "duration_type": DISTANCE,
             "duration_value": 9144, "target_value": FREESTYLE},
            {**swim, "message_index": 5, "intensity": REST, "duration_type": REPETITION_TIME,
             "duration_value": 120000, "target_type": OPEN},
            repeat(6, 4, 5),
            {**swim, "message_index": 7, "intensity": REST, "duration_type": OPEN_DURATION,
             "target_type": OPEN},
            {**swim, "message_index": 8, "intensity": COOLDOWN, "duration_type": DISTANCE,
             "duration_value": 9144, "target_value": 255},
        ],
    )  # fmt: skip


if __name__ == "__main__":
    main()
