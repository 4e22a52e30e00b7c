"""Benchmark: `workoutexport check` over a generated library, against a bare fit-tool encode.

Generates N workouts (default 1,000) of the kinds the guide uses, then measures in the same
run:

  baseline  fit-tool alone: build file_id + workout + workout_step messages for each
            workout's steps and encode them to bytes (no YAML, no validation, no decoding)
  check     `workoutexport check DIR` as a user runs it (a fresh process: start-up, YAML,
            validation, compile, FIT emit, Garmin decoder verification)

and prints seconds per workout for each and the ratio check / baseline. Machines are shared
and noisy: compare ratios, not seconds.

    python benchmarks/check_library.py [--count 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEMPLATE = """name: Session {i}
description: Generated workout {i} for the benchmark.
vars:
  reps: {reps}
steps:
  - warmup: {warm}min
    pace: 5:30-6:00/km
  - repeat: ${{reps}}
    steps:
      - run: {dist}m
        pace: {pace}/km
        secondary:
          cadence: 180spm
      - recover: 60-90s
        hr: z2
  - repeat: 2
    steps:
      - run: 30s
        hr: 85-92%max
      - recover: lap
  - cooldown: 10min
"""


def generate(folder: Path, count: int) -> None:
    rng = random.Random(42)
    for i in range(count):
        text = TEMPLATE.format(
            i=i,
            reps=rng.randint(3, 12),
            warm=rng.choice([10, 12, 15]),
            dist=rng.choice([200, 400, 800, 1000]),
            pace=f"{rng.randint(3, 4)}:{rng.randint(0, 59):02d}",
        )
        (folder / f"w{i:05d}.yaml").write_text(text, encoding="utf-8")


def bare_encode(count: int) -> float:
    """Seconds for fit-tool alone to encode `count` workouts of the same shape."""
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.workout_message import WorkoutMessage
    from fit_tool.profile.messages.workout_step_message import WorkoutStepMessage

    def put(msg: object, field_id: int, raw: int | str) -> None:
        msg.get_field(field_id).set_encoded_value(0, raw)  # type: ignore[attr-defined]

    start = time.perf_counter()
    for i in range(count):
        file_id = FileIdMessage()
        put(file_id, 0, 5)
        put(file_id, 1, 255)
        put(file_id, 3, i + 1)
        wkt = WorkoutMessage()
        put(wkt, 8, f"Session {i}")
        put(wkt, 4, 1)
        put(wkt, 6, 9)
        steps = []
        for index, (dur_type, dur_value) in enumerate(
            [(0, 600000), (1, 40000), (0, 60000), (6, 1), (0, 30000), (5, 0), (6, 4), (0, 600000)]
        ):
            step = WorkoutStepMessage()
            put(step, 254, index)
            put(step, 1, dur_type)
            put(step, 2, dur_value)
            if dur_type != 6:
                put(step, 3, 0)
                put(step, 4, 0)
                put(step, 5, 4000)
                put(step, 6, 4200)
                put(step, 7, 0)
            steps.append(step)
        builder = FitFileBuilder(auto_define=True)
        builder.add(file_id)
        builder.add(wkt)
        builder.add_all(steps)
        builder.build().to_bytes()
    return time.perf_counter() - start


def check(folder: Path) -> float:
    exe = Path(sys.executable).parent / "workoutexport"
    start = time.perf_counter()
    result = subprocess.run([str(exe), "check", str(folder)], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"check failed:\n{result.stdout}{result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate(folder, args.count)
        base = [bare_encode(args.count) for _ in range(args.repeat)]
        full = [check(folder) for _ in range(args.repeat)]
    b, c = statistics.median(base), statistics.median(full)
    n = args.count
    print(f"workouts: {n}, runs: {args.repeat} (medians)")
    print(f"baseline (bare fit-tool encode): {b:.2f} s, {b / n * 1000:.2f} ms/workout")
    print(f"workoutexport check:             {c:.2f} s, {c / n * 1000:.2f} ms/workout")
    print(f"ratio check / baseline: {c / b:.1f}x")


if __name__ == "__main__":
    main()
