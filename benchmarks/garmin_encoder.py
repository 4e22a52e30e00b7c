"""Benchmark: Garmin's own FIT Encoder (garmin-fit-sdk) beside fit-tool, for the same workouts.

The project writes FIT with fit-tool (the design names it); this measures what Garmin's
Encoder would give, so that the choice rests on a figure. Both write the workouts of
benchmarks/library.py from the same raw messages (file_id, file_creator, workout,
workout_step), fit-tool through benchmarks/floor.py's `encode` (what the tool writes, with
fit-tool alone).

First both outputs of every workout are decoded by Garmin's Decoder, raw (no scale or
offset, no type names, no sub-fields, no components), and compared message for message and
field for field, in every message type: nothing is ignored, and any difference stops the
script. Only the file headers differ (fit-tool writes 12 bytes, Garmin 14), and they are no
message.

Then it prints the import time of each (a fresh interpreter, as a user's: bytecode cached),
and the encode CPU per workout, in this process: the two encoders alternate --repeat times
over the same workouts, and the ratio of each pair gives a median and a minimum.

    python benchmarks/garmin_encoder.py [--count 400] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

# benchmarks/ is not a package: its scripts import each other from their folder.
sys.path.insert(0, str(Path(__file__).resolve().parent))

import floor
import library

#: The environment of a user: with PYTHONDONTWRITEBYTECODE, a start compiles every module.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def garmin_encode(messages: list[tuple[str, dict[str, Any]]]) -> bytes:
    """One workout with garmin-fit-sdk's Encoder, from the same raw messages as the floor's."""
    from garmin_fit_sdk import Encoder, Profile

    nums = Profile["mesg_num"]
    encoder = Encoder()
    for kind, fields in messages:
        encoder.on_mesg(nums[kind.upper()], fields)
    data: bytes = encoder.close()
    return bytes(data)


def compare(workouts: list[dict[str, Any]]) -> str:
    """Stop at the first field that differs; else say how much was compared."""
    messages = fields = 0
    for workout in workouts:
        ours, garmin = floor.encode(workout["messages"]), garmin_encode(workout["messages"])
        found = library.differences(ours, garmin, ignored=set(), names=("fit-tool", "garmin"))
        if found:
            raise SystemExit(f"{workout['file']}: the encoders differ:\n" + "\n".join(found))
        for found_messages in library.raw_decode(ours).values():
            messages += len(found_messages)
            fields += sum(len(m) for m in found_messages)
    return (
        f"{len(workouts)} workouts decoded raw: {messages} messages, {fields} fields, all the "
        "same in both (nothing ignored)"
    )


def import_ms(module: str) -> float:
    """Milliseconds a fresh interpreter takes to import `module` (median of 5)."""
    code = f"import time; s = time.perf_counter(); import {module}; print(time.perf_counter() - s)"
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, env=ENV
            ).stdout
        )
        for _ in range(5)
    ]
    return statistics.median(runs) * 1000


def main() -> None:
    """Compare both encoders' files, then print their figures and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=400, help="workouts encoded a run")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each encoder")
    args = parser.parse_args()
    workouts = library.specs(args.count)
    print(compare(workouts))
    print(f"load {os.getloadavg()[0]:.2f}; {args.count} workouts x {args.repeat} runs each")
    encoders = {"fit-tool": floor.encode, "garmin-fit-sdk": garmin_encode}
    per: dict[str, list[float]] = {name: [] for name in encoders}
    for k in range(args.repeat):
        order = list(encoders) if k % 2 == 0 else list(reversed(encoders))
        for name in order:
            start = time.process_time()
            for workout in workouts:
                encoders[name](workout["messages"])
            per[name].append((time.process_time() - start) / args.count)
    imports = {
        "fit-tool": import_ms("fit_tool.fit_file_builder"),
        "garmin-fit-sdk": import_ms("garmin_fit_sdk"),
    }
    for name, runs in per.items():
        print(
            f"{name:<15} encode {statistics.median(runs) * 1000:6.3f} ms/workout (median)   "
            f"import {imports[name]:5.0f} ms"
        )
    ratios = [g / f for g, f in zip(per["garmin-fit-sdk"], per["fit-tool"], strict=True)]
    print(
        f"garmin-fit-sdk / fit-tool, encode CPU: {statistics.median(ratios):.2f}x median, "
        f"{min(ratios):.2f}x min of {args.repeat} paired runs (load {os.getloadavg()[0]:.2f})"
    )


if __name__ == "__main__":
    main()
