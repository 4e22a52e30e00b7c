"""Plan campaign: N generated plans through the plan path `build` and `show` take.

Each input comes from tests/plan_fuzzing.py: a plan aware of its structure (dates, weeks,
`repeat`, `progress`, day names, workout paths in and out of the library, vars and `set:`
values, names holding control characters) built as `build` builds it, FIT and TCX, with its
calendar, and rendered as `show` renders it. Input i of seed S is `plan_text("S-i")`, so any
input can be made again. A crash (an exception other than WorkoutError), a broken invariant
(an internal error, a diagnostic off the library, a secret quoted, a session outside the
library, a raw character shown) or an input running longer than --timeout seconds is saved
once per site under --crashes. Failures another change is fixing (plan_fuzzing.PENDING) are
counted apart.

    python benchmarks/plan_campaign.py --inputs 20000 [--seed 1] [--crashes DIR]
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import signal
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from plan_fuzzing import Broken, check_plan, make_library, pending, plan_text


class Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: object) -> None:
    raise Timeout


def _site(exc: BaseException) -> str:
    """Exception type and the innermost frame in our own code: one key per crash site."""
    if isinstance(exc, Broken):
        return f"Broken: {str(exc)[:100]}"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "workoutexport" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(exc).__name__} at {where}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=20_000)
    parser.add_argument("--seed", default="1")
    parser.add_argument("--timeout", type=int, default=30)
    parser.add_argument("--crashes", type=Path, default=Path("plan-fuzz-crashes"))
    args = parser.parse_args()
    counts: collections.Counter[str] = collections.Counter()
    sites: dict[str, int] = {}
    signal.signal(signal.SIGALRM, _alarm)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="plan-campaign-") as scratch:
        library = make_library(Path(scratch))
        for i in range(args.inputs):
            text = plan_text(f"{args.seed}-{i}")
            signal.alarm(args.timeout)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("error")  # a warning would reach the user's terminal
                    counts[check_plan(text, library)] += 1
            except Exception as exc:
                if pending(exc):
                    counts["pending"] += 1
                    continue
                counts["crashes"] += 1
                site = _site(exc)
                sites[site] = sites.get(site, 0) + 1
                if sites[site] == 1:
                    key = hashlib.sha256(site.encode()).hexdigest()[:10]
                    args.crashes.mkdir(parents=True, exist_ok=True)
                    said = "".join(traceback.format_exception(exc))
                    (args.crashes / f"crash-{key}.txt").write_text(
                        f"input {args.seed}-{i}\n{said}\n--- plan ---\n{text!r}\n"
                    )
                    print(f"crash {key} (input {args.seed}-{i}): {site}", flush=True)
            finally:
                signal.alarm(0)
            if (i + 1) % 2_000 == 0:
                rate = (i + 1) / (time.perf_counter() - start)
                print(f"{i + 1:,} inputs, {rate:.0f}/s, {dict(counts)}", flush=True)
    elapsed = time.perf_counter() - start
    print(f"done: {args.inputs:,} inputs in {elapsed:.0f} s: {dict(counts)}")
    print(f"crash sites: {len(sites)}")
    for site, n in sorted(sites.items(), key=lambda kv: -kv[1]):
        print(f"  {n:6d}  {site}")
    sys.exit(1 if sites else 0)


if __name__ == "__main__":
    main()
