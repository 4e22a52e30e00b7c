"""The floor: fit-tool alone writing the same workouts as `workoutexport` writes.

No YAML, no validation, no compiling, no TCX, no read-back: for each workout, the messages
the tool writes (file_id, file_creator, workout, workout_step, raw values as the tool stores
them) are made with fit-tool and encoded by its FitFileBuilder, as the tool does, and the
bytes written to a file. That is the least any tool built on fit-tool can do, so the speed
goals (benchmarks/ratios.py) are ratios to it. What the tool does beyond it (its own 14-byte
header with both CRCs, file names, diagnostics) is counted against the tool.

The workouts come from benchmarks/library.py: a JSON spec it wrote beside the YAML (`--spec`),
or a count, which writes workouts 0..COUNT-1 of the generated library (made before timing).

    python benchmarks/floor.py OUT_DIR SPEC_OR_COUNT

prints the CPU seconds (time.process_time) of the encode-and-write loop alone: not the
start-up, the imports or reading the spec. A fresh process's wall time is its whole cost, as
for the tool's.

Imported, `encode(messages)` gives one workout's bytes (benchmarks/garmin_encoder.py).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.file_creator_message import FileCreatorMessage
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.workout_message import WorkoutMessage
from fit_tool.profile.messages.workout_step_message import WorkoutStepMessage

#: For each message the floor writes: fit-tool's class, and Garmin's profile name of each
#: field it may carry -> the field number.
MESSAGES: dict[str, tuple[Any, dict[str, int]]] = {
    "file_id": (
        FileIdMessage,
        {"type": 0, "manufacturer": 1, "product": 2, "serial_number": 3, "time_created": 4},
    ),
    "file_creator": (FileCreatorMessage, {"software_version": 0, "hardware_version": 1}),
    "workout": (
        WorkoutMessage,
        {
            "sport": 4,
            "capabilities": 5,
            "num_valid_steps": 6,
            "wkt_name": 8,
            "sub_sport": 11,
            "wkt_description": 17,
        },
    ),
    "workout_step": (
        WorkoutStepMessage,
        {
            "message_index": 254,
            "wkt_step_name": 0,
            "duration_type": 1,
            "duration_value": 2,
            "target_type": 3,
            "target_value": 4,
            "custom_target_value_low": 5,
            "custom_target_value_high": 6,
            "intensity": 7,
            "notes": 8,
            "secondary_target_type": 19,
            "secondary_target_value": 20,
            "secondary_custom_target_value_low": 21,
            "secondary_custom_target_value_high": 22,
        },
    ),
}


def encode(messages: list[tuple[str, dict[str, Any]]]) -> bytes:
    """One workout's FIT bytes, from (message name, {field name: raw value}) in file order."""
    builder = FitFileBuilder(auto_define=True, min_string_size=0)
    for kind, fields in messages:
        cls, numbers = MESSAGES[kind]
        msg = cls()
        for name, raw in fields.items():
            # The raw value, as the tool writes it: fit-tool's setters would scale it.
            msg.get_field(numbers[name]).set_encoded_value(0, raw)
        builder.add(msg)
    data: bytes = builder.build_bytes()
    return data


def load(spec_or_count: str) -> list[dict[str, Any]]:
    """The workouts to write: a spec file's, or the first COUNT of the generated library."""
    if spec_or_count.isdigit():
        sys.path.insert(0, str(Path(__file__).parent))
        import library

        return library.specs(int(spec_or_count))
    workouts: list[dict[str, Any]] = json.loads(Path(spec_or_count).read_text(encoding="utf-8"))
    return workouts


def main(argv: list[str]) -> None:
    """Write the workouts into OUT_DIR and print the encode CPU seconds."""
    if len(argv) != 2:
        raise SystemExit("usage: python benchmarks/floor.py OUT_DIR SPEC_OR_COUNT")
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    workouts = load(argv[1])
    start = time.process_time()
    for workout in workouts:
        with open(out / f"{workout['file']}.fit", "wb") as fh:
            fh.write(encode(workout["messages"]))
    print(time.process_time() - start)


if __name__ == "__main__":
    main(sys.argv[1:])
