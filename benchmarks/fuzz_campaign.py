"""Fuzz campaign: N inputs through the whole path (YAML bytes -> diagnostics or files).

Inputs come from the hypothesis strategies in tests/fuzzing.py: structured documents with
odd values, mutated copies of the shipped workouts, and random bytes. Each input must give
either path:line:col diagnostics or FIT that Garmin's decoder reads and TCX that validates.
A crash (any other exception, or a broken invariant) is saved under --crashes so it can be
kept as a regression case in tests/fuzz-regressions/.

    python benchmarks/fuzz_campaign.py --inputs 100000 [--crashes fuzz-crashes]
"""

from __future__ import annotations

import traceback
import warnings

import campaign

from fuzzing import check_one, inputs


def _last_line(exc: BaseException) -> str:
    """These crashes are keyed by the traceback's last line: the exception and its message."""
    return "".join(traceback.format_exception(exc)).splitlines()[-1]


def main() -> None:
    args = campaign.parse(__doc__, inputs=100_000, crashes="fuzz-crashes", seed=False)
    run = campaign.Campaign(args.crashes, site=_last_line, key_chars=12)

    def one(raw: bytes) -> None:
        run.counts["inputs"] += 1
        try:
            with warnings.catch_warnings():
                # A warning would reach the user's terminal: count it as a crash.
                warnings.simplefilter("error")
                run.counts[check_one(raw)] += 1
        except Exception as exc:
            run.counts["crashes"] += 1
            run.crash(exc, None, {"yaml": raw})
        run.progress(run.counts["inputs"], 10_000)

    campaign.run_hypothesis(args.inputs, [inputs], one)
    run.finish(args.inputs)


if __name__ == "__main__":
    main()
