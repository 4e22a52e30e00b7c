"""Benchmark: Garmin's own FIT Encoder (garmin-fit-sdk) beside fit-tool, for the same workout.

The project writes FIT with fit-tool (the design names it); this measures what Garmin's
Encoder would give for the same 10x400 workout (file_id, workout, five workout_step
messages), so that the choice rests on a figure. Both outputs are decoded by Garmin's
Decoder and must carry the same steps. Prints import time and encode time per workout of
each, medians of --repeat runs in this process.

    python benchmarks/garmin_encoder.py [--count 400] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from typing import Any

# (duration_type, duration_value, target_type, low, high): warm-up 15 min at a pace, 400 m at
# a pace, 200 m open, repeat steps 1..3 ten times, cool-down 10 min open.
STEPS = [
    (0, 900000, 0, 2778, 3030),
    (1, 40000, 0, 4000, 4200),
    (1, 20000, 2, None, None),
    (6, 1, None, None, None),
    (0, 600000, 2, None, None),
]


def fit_tool_encode(i: int) -> bytes:
    """The workout with fit-tool, as benchmarks/ratios.py's floor writes it."""
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.workout_message import WorkoutMessage
    from fit_tool.profile.messages.workout_step_message import WorkoutStepMessage

    def put(msg: Any, field_id: int, raw: int | str) -> None:
        msg.get_field(field_id).set_encoded_value(0, raw)

    file_id = FileIdMessage()
    put(file_id, 0, 5)
    put(file_id, 1, 255)
    put(file_id, 3, i + 1)
    wkt = WorkoutMessage()
    put(wkt, 8, f"10x400 {i}")
    put(wkt, 4, 1)
    put(wkt, 6, len(STEPS))
    messages = [file_id, wkt]
    for index, (dur_type, dur_value, tgt_type, low, high) in enumerate(STEPS):
        step = WorkoutStepMessage()
        put(step, 254, index)
        put(step, 1, dur_type)
        put(step, 2, dur_value)
        if dur_type == 6:
            put(step, 4, 10)
        else:
            assert tgt_type is not None
            put(step, 3, tgt_type)
            put(step, 4, 0)
            if low is not None and high is not None:
                put(step, 5, low)
                put(step, 6, high)
        messages.append(step)
    builder = FitFileBuilder(auto_define=True)
    builder.add_all(messages)
    return builder.build_bytes()


def garmin_encode(i: int) -> bytes:
    """The same workout with garmin-fit-sdk's Encoder (raw values, Garmin's field names)."""
    from garmin_fit_sdk import Encoder, Profile

    nums = Profile["mesg_num"]
    encoder = Encoder()
    encoder.on_mesg(nums["FILE_ID"], {"type": 5, "manufacturer": 255, "serial_number": i + 1})
    encoder.on_mesg(
        nums["WORKOUT"], {"wkt_name": f"10x400 {i}", "sport": 1, "num_valid_steps": len(STEPS)}
    )
    for index, (dur_type, dur_value, tgt_type, low, high) in enumerate(STEPS):
        mesg: dict[str, Any] = {
            "message_index": index,
            "duration_type": dur_type,
            "duration_value": dur_value,
        }
        if dur_type == 6:
            mesg["target_value"] = 10
        else:
            mesg["target_type"] = tgt_type
            mesg["target_value"] = 0
            if low is not None:
                mesg["custom_target_value_low"] = low
                mesg["custom_target_value_high"] = high
        encoder.on_mesg(nums["WORKOUT_STEP"], mesg)
    data: bytes = encoder.close()
    return bytes(data)


def steps_of(data: bytes) -> list[tuple[Any, ...]]:
    """(duration_type, duration value, target_type) of each step, as Garmin's Decoder reads
    them."""
    from workoutexport.verify import decode_fit

    return [
        (m.get("duration_type"), m.get("message_index"), m.get("target_type"))
        for m in decode_fit(data)["workout_step_mesgs"]
    ]


def import_ms(module: str) -> float:
    """Milliseconds a fresh interpreter takes to import `module` (median of 5)."""
    code = f"import time; s = time.perf_counter(); import {module}; print(time.perf_counter() - s)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout)
        for _ in range(5)
    ]
    return statistics.median(runs) * 1000


def main() -> None:
    """Print both encoders' figures and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    assert steps_of(fit_tool_encode(0)) == steps_of(garmin_encode(0))
    print(f"load {os.getloadavg()[0]:.2f}; {args.count} workouts x {args.repeat} runs, medians")
    per: dict[str, float] = {}
    for name, fn in (("fit-tool", fit_tool_encode), ("garmin-fit-sdk", garmin_encode)):
        runs = []
        for _ in range(args.repeat):
            start = time.process_time()
            for i in range(args.count):
                fn(i)
            runs.append((time.process_time() - start) / args.count)
        per[name] = statistics.median(runs)
    imports = {
        "fit-tool": import_ms("fit_tool.fit_file_builder"),
        "garmin-fit-sdk": import_ms("garmin_fit_sdk"),
    }
    for name in per:
        print(
            f"{name:<15} encode {per[name] * 1000:6.3f} ms/workout   import {imports[name]:5.0f} ms"
        )
    ratio = per["garmin-fit-sdk"] / per["fit-tool"]
    print(f"garmin-fit-sdk / fit-tool, encode CPU: {ratio:.2f}x (load {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
