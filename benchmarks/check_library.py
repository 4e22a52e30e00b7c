"""Benchmark: `workoutexport check` over a generated library, against the floor, on its own.

Generates N workouts (default 1,000) of benchmarks/library.py, then runs, alternately for R
rounds (as benchmarks/ratios.py does, and with its environment and compiled bytecode):

  floor  benchmarks/floor.py writing the same workouts with fit-tool alone: its encode CPU
  check  `workoutexport check DIR [-j N]` as a user runs it (a fresh process: start-up, YAML,
         validation, compile, FIT emit, Garmin decoder verification), CPU with its workers

and prints the median and minimum of the paired ratios check / floor. It is ratios.py's
check row, for a library size or --jobs of one's choosing.

    python benchmarks/check_library.py [--count 1000] [--rounds 3] [--jobs N] [--python PATH]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

# benchmarks/ is not a package: its scripts import each other from their folder.
sys.path.insert(0, str(Path(__file__).resolve().parent))

import library
import ratios


def main() -> None:
    """Print the paired ratio check CPU / floor CPU."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", "-j", type=int, help="check's --jobs (default: its own)")
    parser.add_argument("--python", default=sys.executable, help="the interpreter to measure")
    args = parser.parse_args()
    py, count = args.python, args.count
    exe = str(Path(py).parent / "workoutexport")
    jobs = [] if args.jobs is None else ["-j", str(args.jobs)]
    ratios.prepare(py)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        folder, spec = tmp / "lib", tmp / "lib.json"
        library.generate(folder, count, spec)
        out = tmp / "floor-out"
        print(f"{count} workouts, {args.rounds} paired round(s)\n")
        print(ratios.HEADER)
        ratios.paired(
            " ".join(["check DIR", *jobs]) + ", CPU / floor CPU",
            1.5,
            args.rounds,
            lambda: float(
                ratios.measured([py, str(ratios.FLOOR), str(ratios.fresh(out)), str(spec)]).stdout
            ),
            lambda: ratios.measured([exe, "check", str(folder), *jobs]).cpu,
            lambda o, b: f"{o / count * 1000:.2f} ms vs {b / count * 1000:.2f} ms a workout",
        )


if __name__ == "__main__":
    main()
