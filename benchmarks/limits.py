"""Time and peak memory of `workoutexport check` on hostile inputs, against a normal workout.

Each input is checked in a fresh process; the baseline is the bundled 10 x 400 m workout,
measured in the same run. Reports seconds, peak resident memory, and ratios to the
baseline. Machines are shared and noisy: read the ratios.

    python benchmarks/limits.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cases() -> dict[str, str]:
    deep = 3000
    bomb = ["name: Bomb"] + [
        f"{c}: &{c} [" + ", ".join([f"*{p}"] * 10 if p else ['"x"'] * 10) + "]"
        for p, c in zip([None, *"abcdefghi"], "abcdefghij", strict=True)
    ]
    return {
        "alias bomb (10^10 nodes)": "\n".join(bomb) + "\nsteps: [{run: 1min}]\n",
        "repeats nested 3,000 deep": "name: x\nsteps: "
        + "[{repeat: 2, steps: " * deep
        + "[{run: 1min}]"
        + "}]" * deep
        + "\n",
        "100,000 steps": "name: Many\nsteps:\n" + "  - run: 1min\n" * 100_000,
        "5,000 steps (the most allowed), with pace": "name: Many\nsteps:\n"
        + "  - run: 1min\n    pace: 4:00/km\n" * 5_000,
        "10^20-hour step": "name: x\nsteps:\n  - run: 100000000000000000000h\n",
        "repeat count past 32 bits": "name: x\nsteps:\n  - repeat: 99999999999\n"
        "    steps: [{run: 1min}]\n",
        "200,000-character name": "name: " + "x" * 200_000 + "\nsteps: [{run: 1min}]\n",
        "alias inside its own anchor (&a [*a])": "&a [*a]\n",
        "200 aliases of a 2 MB text": "a: &a "
        + "x" * 2_000_000
        + "\nb: ["
        + ", ".join(["*a"] * 200)
        + "]\n",
        "${var} of 100 KB used 2,000 times": "name: x\nvars:\n  a: "
        + "x" * 100_000
        + '\nsteps:\n  - run: 10min\n    note: "'
        + "${a}" * 2_000
        + '"\n',
        "${var} of 1 MB used 100,000 times": "name: x\nvars:\n  a: "
        + "x" * 1_000_000
        + '\nsteps:\n  - run: 10min\n    note: "'
        + "${a}" * 100_000
        + '"\n',
        "integer of 4,301 digits": "name: x\nsteps:\n  - repeat: " + "9" * 4301 + "\n",
        "306-digit km": "name: x\nsteps:\n  - run: " + "1" * 306 + "km\n",
        "NUL bytes": "name: x\x00\nsteps: [{run: 1min}]\n",
        "random bytes": os.urandom(4096).decode("latin-1"),
        "empty file": "",
    }


def measure(path: Path) -> tuple[float, float, int]:
    exe = Path(sys.executable).parent / "workoutexport"
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(exe), "check", str(path), "-f", "fit", "-f", "tcx"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    base_t, base_m, _ = measure(ROOT / "workouts" / "10x400-mile-pace.yaml")
    print(f"{'input':44} {'exit':>4} {'seconds':>8} {'x base':>7} {'MiB':>7} {'x base':>7}")
    print(
        f"{'baseline: 10 x 400 m workout':44} {0:>4} {base_t:8.2f} {1:7.1f} {base_m:7.0f} {1:7.1f}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in cases().items():
            path = Path(tmp) / "case.yaml"
            path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
            t, mem, code = measure(path)
            print(f"{name:44} {code:>4} {t:8.2f} {t / base_t:7.1f} {mem:7.0f} {mem / base_m:7.1f}")


if __name__ == "__main__":
    main()
