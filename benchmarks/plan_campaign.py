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

import tempfile
from pathlib import Path

import campaign

from plan_fuzzing import Broken, check_plan, make_library, pending, plan_text


def _site(exc: BaseException) -> str:
    """A broken invariant is keyed by what broke; any other crash by where it was raised."""
    if isinstance(exc, Broken):
        return f"Broken: {str(exc)[:100]}"
    return campaign.frame_site(exc)


def main() -> None:
    args = campaign.parse(__doc__, inputs=20_000, timeout=30, crashes="plan-fuzz-crashes")
    with tempfile.TemporaryDirectory(prefix="plan-campaign-") as scratch:
        library = make_library(Path(scratch))
        run = campaign.run(
            args,
            plan_text,
            lambda text: check_plan(text, library),
            site=_site,
            appendix=lambda text: f"\n--- plan ---\n{text!r}\n",
            aside=lambda exc: "pending" if pending(exc) else None,
        )
    run.finish(args.inputs)


if __name__ == "__main__":
    main()
