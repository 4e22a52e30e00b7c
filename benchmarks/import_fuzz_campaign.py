"""Import fuzz campaign: generated FIT files or mutated TCX files through `import` and `show`.

Each input comes from tests/import_fuzzing.py: `fit` writes CRC-correct FIT workout files
with arbitrary definitions, array and string fields and random enum values; `tcx` mutates
TCX trees and keeps the XML well formed. Input i of seed S is made by random.Random("S-i"),
so any input can be made again. A crash (an exception other than WorkoutError, or an input
running longer than --timeout seconds) is saved once per crash site under --crashes.

    python benchmarks/import_fuzz_campaign.py fit --inputs 50000 [--seed 1] [--crashes DIR]
    python benchmarks/import_fuzz_campaign.py tcx --no-schema   # the TCX reader on its own
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import signal
import sys
import time
import traceback
import warnings
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import random

from import_fuzzing import check_import, fit_file, tcx_file, tcx_seeds


class Hang(Exception):
    """An input ran longer than the timeout."""


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise Hang


def _site(exc: BaseException) -> str:
    """Exception type and the innermost frame in our own code: one key per crash site."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "workoutexport" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(exc).__name__} at {where}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["fit", "tcx"])
    parser.add_argument("--inputs", type=int, default=50_000)
    parser.add_argument("--seed", default="1")
    parser.add_argument("--timeout", type=int, default=20)
    parser.add_argument("--crashes", type=Path, default=Path("import-fuzz-crashes"))
    parser.add_argument(
        "--no-schema",
        action="store_true",
        help="tcx: skip the XSD check, so that the reader's own checks meet every mutation",
    )
    args = parser.parse_args()
    if args.no_schema:
        from workoutexport.formats.tcx import reader

        reader._validate = lambda root, path: None  # type: ignore[assignment]
    seeds = tcx_seeds() if args.kind == "tcx" else []
    counts: collections.Counter[str] = collections.Counter()
    sites: dict[str, int] = {}
    signal.signal(signal.SIGALRM, _alarm)
    start = time.perf_counter()
    for i in range(args.inputs):
        rng = random.Random(f"{args.seed}-{i}")
        data = fit_file(rng) if args.kind == "fit" else tcx_file(rng, seeds)
        signal.alarm(args.timeout)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # a warning would reach the user's terminal
                counts[check_import(data, args.kind)] += 1
        except Exception as caught:
            counts["crashes"] += 1
            found = list(caught.exceptions) if isinstance(caught, ExceptionGroup) else [caught]
            for exc in found:
                site = _site(exc)
                sites[site] = sites.get(site, 0) + 1
                if sites[site] > 1:
                    continue
                key = hashlib.sha256(site.encode()).hexdigest()[:10]
                args.crashes.mkdir(parents=True, exist_ok=True)
                (args.crashes / f"crash-{key}.{args.kind}").write_bytes(data)
                text = f"input {args.seed}-{i}\n" + "".join(traceback.format_exception(exc))
                (args.crashes / f"crash-{key}.txt").write_text(text)
                print(f"crash {key}: {site}: {str(exc)[:120]!r}", flush=True)
        finally:
            signal.alarm(0)
        if (i + 1) % 5_000 == 0:
            rate = (i + 1) / (time.perf_counter() - start)
            print(f"{i + 1:,} inputs, {rate:.0f}/s, {dict(counts)}", flush=True)
    elapsed = time.perf_counter() - start
    print(f"done: {dict(counts)} in {elapsed:.0f} s; crash sites: {len(sites)}")
    for site, n in sorted(sites.items(), key=lambda kv: -kv[1]):
        print(f"  {n:6d}  {site}")


if __name__ == "__main__":
    main()
