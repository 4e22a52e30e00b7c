"""Benchmark: every speed goal of the project as a ratio to a baseline run beside it.

On a shared, noisy machine seconds mean little, and two medians taken minutes apart compare
different loads. So each row runs its command and its baseline alternately, R rounds (the
baseline first in even rounds, second in odd ones), takes the ratio of each round's pair,
and reports the median and the minimum of those paired ratios, with the 1-minute load
average seen over the row's rounds.

Baselines:

  floor      benchmarks/floor.py: fit-tool alone writing the same workouts (the same FIT
             messages, field for field; checked before measuring), no YAML, no validation,
             no TCX. It prints the CPU of its encode-and-write loop; its wall time is that
             of a whole fresh process.
  bare click a click app with one command, for `--help`

The library is benchmarks/library.py's: varied sessions (repeats, tempo, hills, Tabata,
cadence, heart-rate zones, time and distance), with a profile.yaml of named paces.

Rows, with the goal each is judged by:

  single    `workoutexport build one.yaml`, wall / the floor script's wall for that workout
  lib-cpu   `build DIR -f fit -f tcx -j 1`, CPU per workout / floor encode CPU per workout
  lib-wall  the same build with the default --jobs, wall / floor encode CPU
  check     `check DIR` (default --jobs), CPU with its workers / floor encode CPU
  help      `workoutexport --help`, wall / the bare click app's `--help`
  memory    peak RSS (the largest of the process and its workers, from os.wait4) of the
            library build (FIT+TCX, default --jobs) of 5,000 workouts / of 1,000

Beside each row: the medians of the command's and the baseline's figures, and for the two
wall-time rows the paired CPU ratio too (on a loaded machine wall time also counts the wait
for a core). A goal is met when the median of the paired ratios is within it ("min only"
when just the minimum is). Then, once each, a FIT build of one workout of 10 / 100 / 1,000 /
5,000 steps.

Measured as a user runs it: every command is a fresh process, whose environment drops
PYTHONDONTWRITEBYTECODE (with it set no .pyc is written, and each start compiles every
module that has none), and `python -m compileall -q` runs first over the installed
workoutexport and its site-packages so that .pyc files exist. The header says which install
is measured: an editable one (the package outside site-packages) or a regular one (a
wheel's).

To measure a wheel install rather than this checkout's editable one:

    pip wheel . -w dist && python -m venv /tmp/v && /tmp/v/bin/pip install dist/*.whl
    python benchmarks/ratios.py --python /tmp/v/bin/python

(any interpreter with workoutexport installed beside its `workoutexport` script will do;
this script itself needs garmin-fit-sdk, to check the floor against the tool).

    python benchmarks/ratios.py [--quick] [--count 2000] [--rounds 5]
        [--memory-counts 1000 5000] [--no-scaling] [--python PATH]

`--quick` runs everything tiny and once (about as long as a dozen start-ups of the tool): CI
runs it to show that the script works. The figures are not judged: the script fails only
when a command fails or the floor does not write what the tool writes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import library  # noqa: E402  (benchmarks/ is not a package)

FLOOR = HERE / "floor.py"

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

# What the interpreter under test says of its workoutexport and its site-packages.
INSTALL = """
import json, sys, sysconfig, workoutexport
paths = sysconfig.get_paths()
print(json.dumps({"python": sys.version.split()[0], "file": workoutexport.__file__,
                  "site": sorted({paths["purelib"], paths["platlib"]})}))
"""


@dataclass
class Run:
    """One finished process: wall and CPU seconds (its workers included), peak RSS in MiB."""

    wall: float
    cpu: float
    peak_mib: float
    stdout: str


def child_env() -> dict[str, str]:
    """The environment of every measured process: a user's, so bytecode is cached."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


ENV = child_env()


def measured(argv: Sequence[str]) -> Run:
    """Run `argv`, measuring wall, CPU and peak RSS of it and its workers via wait4."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=ENV)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed with status {proc.returncode}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.decode())


def fresh(folder: Path) -> Path:
    """`folder`, emptied: every build and floor run writes into an empty folder."""
    shutil.rmtree(folder, ignore_errors=True)
    return folder


def load() -> float:
    """The 1-minute load average."""
    return os.getloadavg()[0]


def prepare(py: str) -> None:
    """Say which install is measured, and compile its bytecode as a first run would."""
    info = json.loads(
        subprocess.run([py, "-c", INSTALL], capture_output=True, text=True, env=ENV).stdout
    )
    package = Path(info["file"]).parent
    sites = [Path(p) for p in info["site"]]
    editable = not any(package.is_relative_to(site) for site in sites)
    kind = "editable (outside site-packages)" if editable else "regular (in site-packages)"
    print(f"python {info['python']} at {py}")
    print(f"workoutexport: {kind}, {package}")
    start = time.perf_counter()
    dirs = [str(package)] if editable else []
    # A file some package ships that does not compile is no concern here.
    subprocess.run(
        [py, "-m", "compileall", "-q", *dirs, *map(str, sites)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=ENV,
    )
    print(f"compileall over the package and site-packages: {time.perf_counter() - start:.1f} s")


def same_messages(py: str, exe: str, tmp: Path, count: int) -> None:
    """Stop unless the floor writes what the tool writes for workouts 0..count-1."""
    folder, spec = tmp / "same", tmp / "same.json"
    library.generate(folder, count, spec)
    measured([exe, "build", str(folder), "-f", "fit", "-o", str(tmp / "same-tool")])
    measured([py, str(FLOOR), str(tmp / "same-floor"), str(spec)])
    steps = 0
    for i in range(count):
        name = f"{library.stem(i)}.fit"
        ours = (tmp / "same-tool" / name).read_bytes()
        floor = (tmp / "same-floor" / name).read_bytes()
        found = library.differences(floor, ours, names=("floor", "tool"))
        if found:
            raise SystemExit(
                f"the floor does not write what the tool writes, {name}:\n" + "\n".join(found)
            )
        steps += len(library.raw_decode(ours)["workout_step_mesgs"])
    print(
        f"floor = tool, message for message and field for field, for workouts 0-{count - 1} "
        f"({steps} workout_step messages; ignored: file_id serial_number and time_created)"
    )


@dataclass
class Row:
    """A row's paired measurements: baseline and command values, one pair a round."""

    name: str
    goal: float
    base: list[float]
    ours: list[float]
    loads: list[float]
    detail: str = ""

    @property
    def ratios(self) -> list[float]:
        return [o / b for o, b in zip(self.ours, self.base, strict=True)]

    @property
    def median(self) -> float:
        return statistics.median(self.ratios)

    @property
    def least(self) -> float:
        return min(self.ratios)

    def met(self) -> str:
        if self.median <= self.goal:
            return "yes"
        return "min only" if self.least <= self.goal else "no"

    def line(self) -> str:
        loads = f"{min(self.loads):.2f}-{max(self.loads):.2f}"
        return (
            f"{self.name:<44} {'<=' + format(self.goal, '.1f') + 'x':>7} {self.median:6.2f}x "
            f"{self.least:6.2f}x  {self.met():<8} {loads:>9}  {self.detail}"
        )


HEADER = (
    f"{'row':<44} {'goal':>7} {'median':>7} {'min':>7}  {'met':<8} {'load':>9}  medians of each"
)


def paired(
    name: str,
    goal: float,
    rounds: int,
    base: Callable[[], float],
    ours: Callable[[], float],
    detail: Callable[[float, float], str],
) -> Row:
    """Run `base` and `ours` alternately, `rounds` times, and print the row."""
    row = Row(name, goal, [], [], [])
    for k in range(rounds):
        row.loads.append(load())
        if k % 2 == 0:
            row.base.append(base())
            row.ours.append(ours())
        else:
            row.ours.append(ours())
            row.base.append(base())
    row.loads.append(load())
    row.detail = detail(statistics.median(row.ours), statistics.median(row.base))
    print(row.line(), flush=True)
    return row


class WallAndCpu:
    """For a row comparing wall times: the CPU of the same runs, for the CPU ratio beside it
    (on a loaded machine, wall time also counts the wait for a core)."""

    def __init__(self) -> None:
        self.cpu: tuple[list[float], list[float]] = ([], [])

    def base(self, run: Callable[[], Run]) -> Callable[[], float]:
        return self._wall(run, self.cpu[0])

    def ours(self, run: Callable[[], Run]) -> Callable[[], float]:
        return self._wall(run, self.cpu[1])

    @staticmethod
    def _wall(run: Callable[[], Run], cpu: list[float]) -> Callable[[], float]:
        def wall() -> float:
            done = run()
            cpu.append(done.cpu)
            return done.wall

        return wall

    def __str__(self) -> str:
        ratios = [o / b for b, o in zip(*self.cpu, strict=True)]
        return f"CPU {statistics.median(ratios):.2f}x"


def long_workout(path: Path, steps: int) -> Path:
    """One workout of `steps` plain steps."""
    body = "".join(
        f"  - run: {400 + i % 5 * 100}m\n    pace: 4:{i % 60:02d}/km\n" for i in range(steps)
    )
    path.write_text(f"name: {steps} steps\nsteps:\n{body}", encoding="utf-8")
    return path


ROWS = "single,lib-cpu,lib-wall,check,help,memory"


def main() -> None:
    """Print every ratio, then the steps scaling table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny and once, for CI")
    parser.add_argument("--count", type=int, default=2000, help="workouts in the library")
    parser.add_argument("--rounds", type=int, default=5, help="paired rounds per row")
    parser.add_argument(
        "--memory-counts",
        type=int,
        nargs=2,
        default=(1000, 5000),
        metavar=("SMALL", "LARGE"),
        help="the two library builds whose peak memory the memory row compares",
    )
    parser.add_argument("--no-scaling", action="store_true", help="skip the steps table")
    parser.add_argument(
        "--rows", default=ROWS, help=f"the rows to run, comma-separated (default: {ROWS})"
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the interpreter to measure (its workoutexport script beside it); default: this one",
    )
    args = parser.parse_args()
    count, rounds = (20, 1) if args.quick else (args.count, args.rounds)
    small, large = (20, 100) if args.quick else args.memory_counts
    step_counts = (10,) if args.quick else (10, 100, 1000, 5000)
    py = args.python
    exe = str(Path(py).parent / "workoutexport")
    if not Path(exe).exists():
        raise SystemExit(f"no workoutexport beside {py}")

    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    print(f"{os.cpu_count()} CPUs, load {load():.2f} at start")
    prepare(py)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        same_messages(py, exe, tmp, min(count, len(library.KINDS)))
        lib, lib_spec = tmp / "lib", tmp / "lib.json"
        library.generate(lib, count, lib_spec)
        one, one_spec = tmp / "one", tmp / "one.json"
        library.generate(one, 1, one_spec)
        click_py = tmp / "bare_click.py"
        click_py.write_text(BARE_CLICK, encoding="utf-8")
        floor_out, out = tmp / "floor-out", tmp / "out"
        print(
            f"library: {count} workouts of {len(library.KINDS)} kinds; "
            f"{rounds} paired round(s) a row\n"
        )
        print(HEADER)

        def floor(spec: Path) -> Run:
            return measured([py, str(FLOOR), str(fresh(floor_out)), str(spec)])

        def floor_cpu() -> float:
            return float(floor(lib_spec).stdout)

        def build(folder: Path, *options: str) -> Run:
            return measured([exe, "build", str(folder), "-o", str(fresh(out)), *options])

        both = ("-f", "fit", "-f", "tcx")
        single, helps = WallAndCpu(), WallAndCpu()

        def memory_row() -> Row:
            library.generate(tmp / "small", small)
            library.generate(tmp / "large", large)
            return paired(
                f"peak memory, build of {large} / of {small}",
                1.1,
                rounds,
                lambda: build(tmp / "small", *both).peak_mib,
                lambda: build(tmp / "large", *both).peak_mib,
                lambda o, b: f"{o:.0f} MiB vs {b:.0f} MiB",
            )

        makers: dict[str, Callable[[], Row]] = {
            "single": lambda: paired(
                "single build, wall / floor script wall",
                2.0,
                rounds,
                single.base(lambda: floor(one_spec)),
                single.ours(lambda: build(one / "w00000.yaml")),
                lambda o, b: f"{o * 1000:.0f} ms vs {b * 1000:.0f} ms; {single}",
            ),
            "lib-cpu": lambda: paired(
                f"library CPU/workout (-j 1) / floor, {count}",
                2.0,
                rounds,
                floor_cpu,
                lambda: build(lib, *both, "-j", "1").cpu,
                lambda o, b: f"{o / count * 1000:.2f} ms vs {b / count * 1000:.2f} ms a workout",
            ),
            "lib-wall": lambda: paired(
                f"library wall (default -j) / floor CPU, {count}",
                1.2,
                rounds,
                floor_cpu,
                lambda: build(lib, *both).wall,
                lambda o, b: f"{o:.2f} s vs {b:.2f} s",
            ),
            "check": lambda: paired(
                "check DIR, CPU / floor CPU",
                1.5,
                rounds,
                floor_cpu,
                lambda: measured([exe, "check", str(lib)]).cpu,
                lambda o, b: f"{o:.2f} s vs {b:.2f} s",
            ),
            "help": lambda: paired(
                "--help, wall / bare click app",
                1.2,
                rounds,
                helps.base(lambda: measured([py, str(click_py), "--help"])),
                helps.ours(lambda: measured([exe, "--help"])),
                lambda o, b: f"{o * 1000:.0f} ms vs {b * 1000:.0f} ms; {helps}",
            ),
            "memory": memory_row,
        }
        wanted = args.rows.split(",")
        unknown = set(wanted) - set(makers)
        if unknown:
            raise SystemExit(f"unknown rows {', '.join(sorted(unknown))}; the rows: {ROWS}")
        rows = [make() for name, make in makers.items() if name in wanted]
        met = sum(row.met() == "yes" for row in rows)
        print(f"\n{met} of {len(rows)} goals met (on the median of the paired ratios)")

        if args.no_scaling:
            return
        print("\none workout of N steps, FIT build, one run each")
        print(f"{'steps':>9} {'wall s':>8} {'CPU s':>8} {'ms/step':>9} {'peak MiB':>9}  load")
        for n in step_counts:
            path = long_workout(tmp / f"steps{n}.yaml", n)
            r = build(path)
            per = r.wall / n * 1000
            print(f"{n:>9} {r.wall:8.2f} {r.cpu:8.2f} {per:9.3f} {r.peak_mib:9.0f}  {load():.2f}")


if __name__ == "__main__":
    main()
