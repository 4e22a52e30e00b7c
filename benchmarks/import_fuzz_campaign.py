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
import random

import campaign

from import_fuzzing import check_import, fit_file, tcx_file, tcx_seeds


def _flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=["fit", "tcx"])
    parser.add_argument(
        "--no-schema",
        action="store_true",
        help="tcx: skip the XSD check, so that the reader's own checks meet every mutation",
    )


def main() -> None:
    args = campaign.parse(
        __doc__, inputs=50_000, timeout=20, crashes="import-fuzz-crashes", extra=_flags
    )
    if args.no_schema:
        from workoutexport.formats.tcx import reader

        reader._validate = lambda root, path: None  # type: ignore[assignment]
    kind: str = args.kind
    seeds = tcx_seeds() if kind == "tcx" else []

    def make(label: str) -> bytes:
        rng = random.Random(label)
        return fit_file(rng) if kind == "fit" else tcx_file(rng, seeds)

    run = campaign.run(
        args,
        make,
        lambda data: check_import(data, kind),
        saved=lambda data: {kind: data},
        every=5_000,
        quote=True,
    )
    run.finish(args.inputs)


if __name__ == "__main__":
    main()
