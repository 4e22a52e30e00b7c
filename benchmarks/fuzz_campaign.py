"""Fuzz campaign: N inputs through the whole path (YAML bytes -> diagnostics or files).

Inputs come from the hypothesis strategies in tests/fuzzing.py: structured documents with
odd values, mutated copies of the shipped workouts, and random bytes. Each input must give
either path:line:col diagnostics or FIT that Garmin's decoder reads and TCX that validates.
A crash (any other exception, or a broken invariant) is saved under --crashes so it can be
kept as a regression case in tests/fuzz-regressions/.

    python benchmarks/fuzz_campaign.py --inputs 100000 [--crashes fuzz-crashes]
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import sys
import time
import traceback
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hypothesis import HealthCheck, Phase, given, settings

from fuzzing import check_one, inputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--crashes", type=Path, default=Path("fuzz-crashes"))
    args = parser.parse_args()
    counts: collections.Counter[str] = collections.Counter()
    seen: set[str] = set()
    start = time.perf_counter()

    @settings(
        max_examples=args.inputs,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(inputs)
    def run(raw: bytes) -> None:
        counts["inputs"] += 1
        try:
            with warnings.catch_warnings():
                # A warning would reach the user's terminal: count it as a crash.
                warnings.simplefilter("error")
                counts[check_one(raw)] += 1
        except Exception:
            counts["crashes"] += 1
            text = traceback.format_exc()
            key = hashlib.sha256(text.splitlines()[-1].encode()).hexdigest()[:12]
            if key not in seen:
                seen.add(key)
                args.crashes.mkdir(parents=True, exist_ok=True)
                (args.crashes / f"crash-{key}.yaml").write_bytes(raw)
                (args.crashes / f"crash-{key}.txt").write_text(text)
                print(f"crash {key}: {text.splitlines()[-1]}", flush=True)
        if counts["inputs"] % 10_000 == 0:
            rate = counts["inputs"] / (time.perf_counter() - start)
            print(f"{counts['inputs']:,} inputs, {rate:.0f}/s, {dict(counts)}", flush=True)

    run()
    elapsed = time.perf_counter() - start
    print(f"done: {dict(counts)} in {elapsed:.0f} s; distinct crashes: {len(seen)}")


if __name__ == "__main__":
    main()
