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
import collections
import hashlib
import json
import random
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from ics_fuzzing import check_texts, texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=20_000)
    parser.add_argument("--crashes", type=Path, default=Path("ics-crashes"))
    # Campaigns run side by side with different seeds see different inputs.
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    counts: collections.Counter[str] = collections.Counter()
    folder = Path(tempfile.mkdtemp(prefix="ics-campaign-"))
    start = time.perf_counter()
    biggest = 0

    @settings(
        max_examples=args.inputs,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @seed(args.seed if args.seed is not None else random.getrandbits(64))
    @given(texts, st.none() | texts, texts, texts)
    def run(name: str, description: str | None, workout: str, note: str) -> None:
        nonlocal biggest
        counts["inputs"] += 1
        if counts["inputs"] % 500 == 0:
            print(
                f"{counts['inputs']} inputs: {counts['tracebacks']} tracebacks, "
                f"{counts['disagreements']} disagreements",
                flush=True,
            )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                biggest = max(
                    biggest, check_texts(folder, name, description, workout, note)["bytes"]
                )
        except AssertionError:
            counts["disagreements"] += 1
            save(args.crashes, "disagreement", [name, description, workout, note])
        except Exception:
            counts["tracebacks"] += 1
            save(args.crashes, "traceback", [name, description, workout, note])
            traceback.print_exc()

    run()
    seconds = time.perf_counter() - start
    print(
        f"{counts['inputs']} inputs in {seconds:.0f}s: {counts['tracebacks']} tracebacks, "
        f"{counts['disagreements']} disagreements; largest calendar {biggest} bytes"
    )
    sys.exit(1 if counts["tracebacks"] or counts["disagreements"] else 0)


def save(folder: Path, kind: str, values: list[str | None]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    # surrogatepass: the texts may hold lone surrogates, which JSON writes as \\ud800.
    text = json.dumps(values)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    (folder / f"{kind}-{digest}.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
