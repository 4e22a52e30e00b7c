"""Differential calendar campaign: N calendars of hostile texts, read by three libraries.

Each input is a plan name, a plan description, a workout name and a workout description made
of the characters that broke calendars before (CR, LF, ESC, C1, bidi overrides, `\\N`, `;`,
`,`, backslashes, whole injected events) mixed with any other text. The plan's `.ics` is
written as `build` writes it and read back by icalendar, vobject and ics: each must see the
same events, the same properties and the very texts we meant to write. A traceback or a
disagreement is counted and its input saved under --crashes.

    python benchmarks/ics_campaign.py --inputs 20000 [--crashes ics-crashes] [--seed N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

import campaign
from hypothesis import strategies as st

from ics_fuzzing import check_texts, texts


def _flags(parser: argparse.ArgumentParser) -> None:
    # Campaigns run side by side with different seeds see different inputs.
    parser.add_argument("--seed", type=int, default=None)


def main() -> None:
    args = campaign.parse(__doc__, inputs=20_000, crashes="ics-crashes", seed=False, extra=_flags)
    run = campaign.Campaign(args.crashes)
    folder = Path(tempfile.mkdtemp(prefix="ics-campaign-"))
    biggest = 0

    def one(name: str, description: str | None, workout: str, note: str) -> None:
        nonlocal biggest
        run.counts["inputs"] += 1
        if run.counts["inputs"] % 500 == 0:
            print(
                f"{run.counts['inputs']} inputs: {run.counts['tracebacks']} tracebacks, "
                f"{run.counts['disagreements']} disagreements",
                flush=True,
            )
        # Every failing calendar is kept, not one per site: a disagreement has no site.
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                biggest = max(
                    biggest, check_texts(folder, name, description, workout, note)["bytes"]
                )
        except AssertionError:
            run.counts["disagreements"] += 1
            save(args.crashes, "disagreement", [name, description, workout, note])
        except Exception:
            run.counts["tracebacks"] += 1
            save(args.crashes, "traceback", [name, description, workout, note])
            traceback.print_exc()

    seed = args.seed if args.seed is not None else random.getrandbits(64)
    campaign.run_hypothesis(args.inputs, [texts, st.none() | texts, texts, texts], one, seed=seed)
    seconds = time.perf_counter() - run.start
    print(
        f"{run.counts['inputs']} inputs in {seconds:.0f}s: {run.counts['tracebacks']} tracebacks, "
        f"{run.counts['disagreements']} disagreements; largest calendar {biggest} bytes"
    )
    sys.exit(1 if run.counts["tracebacks"] or run.counts["disagreements"] else 0)


def save(folder: Path, kind: str, values: list[str | None]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    # surrogatepass: the texts may hold lone surrogates, which JSON writes as \\ud800.
    text = json.dumps(values)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    (folder / f"{kind}-{digest}.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
