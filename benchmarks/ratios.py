"""Benchmark: every speed goal of the project as a ratio against baselines built in the same run.

Baselines (built here, so that the ratios compare like with like on whatever machine runs it):

  floor      a fit-tool-only script writing the same 10x400 workout(s): no YAML, no validation,
             no TCX; its start-up and its encode CPU are both measured
  bare click a click app with one command, for `--help`

Rows (medians of --repeat runs; every command runs as a fresh process, as a user runs it):

  single    `workoutexport build one.yaml`, wall / the floor script's wall for one workout
  lib-cpu   `build -f fit -f tcx -j 1` of the library, CPU per workout / floor encode CPU
  lib-wall  the same build with the default --jobs, wall / floor encode CPU for the library
  check     `check -f fit -j 1` of the library, CPU / floor encode CPU
  help      `workoutexport --help`, wall / the bare click app's `--help`

then scaling: a build (FIT+TCX, default --jobs) of 100 / 1,000 / 5,000 workouts, and a FIT
build of one workout of 10 / 100 / 1,000 / 5,000 steps, with wall, CPU and peak memory
(the largest resident set of the process or any of its workers).

The machine is shared and noisy: read the ratios, not the seconds, and the load printed beside
each row. `--quick` runs everything small, once, in seconds (for CI to show the script works).

    python benchmarks/ratios.py [--quick] [--count 400] [--repeat 5] [--no-scaling]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

WORKOUT = """name: 10x400 {i}
description: Generated workout {i} for the benchmark.
steps:
  - warmup: 15min
    pace: 5:30-6:00/km
  - repeat: 10
    steps:
      - run: 400m
        pace: 3:{sec:02d}-3:{sec2:02d}/km
      - recover: 200m
  - cooldown: 10min
"""

# The floor: what fit-tool alone takes to write the same workouts. The step messages match
# what the 10x400 compiles to (warm-up, run, recover, repeat, cool-down).
FLOOR = r"""
import sys, time
from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.workout_message import WorkoutMessage
from fit_tool.profile.messages.workout_step_message import WorkoutStepMessage

def put(msg, field_id, raw):
    msg.get_field(field_id).set_encoded_value(0, raw)

folder, count = sys.argv[1], int(sys.argv[2])
start = time.process_time()
for i in range(count):
    file_id = FileIdMessage()
    put(file_id, 0, 5)
    put(file_id, 1, 255)
    put(file_id, 3, i + 1)
    wkt = WorkoutMessage()
    put(wkt, 8, f"10x400 {i}")
    put(wkt, 4, 1)
    put(wkt, 6, 5)
    steps = []
    for index, (dur_type, dur_value, target) in enumerate(
        [(0, 900000, 1), (1, 40000, 1), (1, 20000, 0), (6, 1, 0), (0, 600000, 0)]
    ):
        step = WorkoutStepMessage()
        put(step, 254, index)
        put(step, 1, dur_type)
        put(step, 2, dur_value)
        if dur_type == 6:
            put(step, 4, 10)
        else:
            put(step, 3, 0 if target else 2)
            put(step, 4, 0)
            if target:
                put(step, 5, 2778)
                put(step, 6, 3030)
            put(step, 7, 1 if index == 0 else 0)
        steps.append(step)
    builder = FitFileBuilder(auto_define=True)
    builder.add(file_id)
    builder.add(wkt)
    builder.add_all(steps)
    with open(f"{folder}/w{i:05d}.fit", "wb") as fh:
        fh.write(builder.build().to_bytes())
print(time.process_time() - start)
"""

BARE_CLICK = """
import click

@click.group()
def main():
    "A bare click app."

@main.command()
def build():
    "Build."

main()
"""


@dataclass
class Run:
    """One finished process: wall and CPU seconds (its workers included), peak RSS in MiB."""

    wall: float
    cpu: float
    peak_mib: float
    stdout: str


def measured(argv: Sequence[str]) -> Run:
    """Run `argv`, measuring wall, CPU and peak RSS of it and its workers via wait4."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed with status {proc.returncode}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.decode())


def load() -> str:
    """The 1-minute load average, to print beside a figure."""
    return f"{os.getloadavg()[0]:.2f}"


def generate(folder: Path, count: int) -> Path:
    """`count` 10x400 workouts in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        sec = 30 + i % 20
        (folder / f"w{i:05d}.yaml").write_text(
            WORKOUT.format(i=i, sec=sec, sec2=sec + 8), encoding="utf-8"
        )
    return folder


def long_workout(path: Path, steps: int) -> Path:
    """One workout of `steps` plain steps."""
    body = "".join(
        f"  - run: {400 + i % 5 * 100}m\n    pace: 4:{i % 60:02d}/km\n" for i in range(steps)
    )
    path.write_text(f"name: {steps} steps\nsteps:\n{body}", encoding="utf-8")
    return path


def median(values: list[float]) -> float:
    """The median of `values`."""
    return statistics.median(values)


def supports_jobs(exe: str) -> bool:
    """Whether this workoutexport has -j/--jobs (so that the script runs before and after)."""
    out = subprocess.run([exe, "build", "--help"], capture_output=True, text=True).stdout
    return "--jobs" in out


def main() -> None:
    """Print every ratio, then the scaling tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small and once: seconds, for CI")
    parser.add_argument("--count", type=int, default=400, help="workouts in the library")
    parser.add_argument("--repeat", type=int, default=5, help="runs per row (medians)")
    parser.add_argument("--no-scaling", action="store_true", help="skip the scaling tables")
    args = parser.parse_args()
    count, repeat = (20, 1) if args.quick else (args.count, args.repeat)
    library_sizes = (10, 30) if args.quick else (100, 1000, 5000)
    step_counts = (10, 100) if args.quick else (10, 100, 1000, 5000)
    py = sys.executable
    exe = str(Path(py).parent / "workoutexport")
    one_proc = ["-j", "1"] if supports_jobs(exe) else []

    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {load()} at start")
    print(f"library: {count} workouts (10x400), {repeat} run(s) per row, medians\n")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        lib = generate(tmp / "lib", count)
        one = generate(tmp / "one", 1) / "w00000.yaml"
        floor_py = tmp / "floor.py"
        floor_py.write_text(FLOOR, encoding="utf-8")
        click_py = tmp / "bare_click.py"
        click_py.write_text(BARE_CLICK, encoding="utf-8")
        floor_out = tmp / "floor-out"
        floor_out.mkdir()
        out = tmp / "out"

        rows: list[tuple[str, float, str, str]] = []

        def row(name: str, ratio: float, detail: str) -> None:
            rows.append((name, ratio, detail, load()))
            print(f"{name:<44} {ratio:5.2f}x  {detail}  (load {rows[-1][3]})", flush=True)

        floor_runs = [measured([py, str(floor_py), str(floor_out), "1"]) for _ in range(repeat)]
        single_runs = [measured([exe, "build", str(one), "-o", str(out)]) for _ in range(repeat)]
        floor_one = median([r.wall for r in floor_runs])
        single = median([r.wall for r in single_runs])
        # CPU beside wall: on a loaded machine wall time also counts waiting for a core.
        cpu_ratio = median([r.cpu for r in single_runs]) / median([r.cpu for r in floor_runs])
        row(
            "single build, wall / floor script wall",
            single / floor_one,
            f"{single * 1000:.0f} ms vs {floor_one * 1000:.0f} ms; CPU ratio {cpu_ratio:.2f}x",
        )

        floor_cpu = median(
            [
                float(measured([py, str(floor_py), str(floor_out), str(count)]).stdout)
                for _ in range(repeat)
            ]
        )
        per_floor = floor_cpu / count
        lib_cpu = median(
            [
                measured(
                    [exe, "build", str(lib), "-f", "fit", "-f", "tcx", "-o", str(out), *one_proc]
                ).cpu
                for _ in range(repeat)
            ]
        )
        row(
            "library FIT+TCX, CPU per workout / floor",
            lib_cpu / count / per_floor,
            f"{lib_cpu / count * 1000:.2f} ms vs {per_floor * 1000:.2f} ms per workout",
        )
        lib_wall = median(
            [
                measured([exe, "build", str(lib), "-f", "fit", "-f", "tcx", "-o", str(out)]).wall
                for _ in range(repeat)
            ]
        )
        row(
            "library FIT+TCX, wall (default -j) / floor CPU",
            lib_wall / floor_cpu,
            f"{lib_wall:.2f} s vs {floor_cpu:.2f} s",
        )
        check_cpu = median(
            [measured([exe, "check", str(lib), *one_proc]).cpu for _ in range(repeat)]
        )
        row(
            "check of the library, CPU / floor",
            check_cpu / floor_cpu,
            f"{check_cpu:.2f} s vs {floor_cpu:.2f} s",
        )
        bare = median([measured([py, str(click_py), "--help"]).wall for _ in range(repeat)])
        ours = median([measured([exe, "--help"]).wall for _ in range(repeat)])
        row(
            "--help, wall / bare click app",
            ours / bare,
            f"{ours * 1000:.0f} ms vs {bare * 1000:.0f} ms",
        )

        if args.no_scaling:
            return
        print("\nscaling, library build FIT+TCX (default -j), one run each")
        print(
            f"{'workouts':>9} {'wall s':>8} {'CPU s':>8} {'ms/workout':>11} {'peak MiB':>9}  load"
        )
        for n in library_sizes:
            folder = generate(tmp / f"scale{n}", n)
            r = measured(
                [exe, "build", str(folder), "-f", "fit", "-f", "tcx", "-o", str(tmp / f"o{n}")]
            )
            per = r.wall / n * 1000
            print(f"{n:>9} {r.wall:8.2f} {r.cpu:8.2f} {per:11.2f} {r.peak_mib:9.0f}  {load()}")
        print("\nscaling, one workout of N steps, FIT build, one run each")
        print(f"{'steps':>9} {'wall s':>8} {'CPU s':>8} {'ms/step':>11} {'peak MiB':>9}  load")
        for n in step_counts:
            path = long_workout(tmp / f"steps{n}.yaml", n)
            r = measured([exe, "build", str(path), "-o", str(tmp / "steps-out")])
            per = r.wall / n * 1000
            print(f"{n:>9} {r.wall:8.2f} {r.cpu:8.2f} {per:11.3f} {r.peak_mib:9.0f}  {load()}")


if __name__ == "__main__":
    main()
