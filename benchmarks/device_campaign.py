"""Device campaign: N hostile GarminDevice.xml files and device layouts through `send`.

Each input comes from tests/device_fuzzing.py: a real descriptor mutated with lxml (folder
paths off the device, control characters, entities, huge values, bad XML) on a fake device
whose folders may be symlinked out of it. Input i of seed S is made by random.Random("S-i"),
so any input can be made again. A crash (an exception other than WorkoutError), a broken
invariant (a write off the device, a change outside it, a temporary file left, a raw control
character printed) or an input running longer than --timeout seconds is saved once per site
under --crashes.

    python benchmarks/device_campaign.py --inputs 20000 [--seed 1] [--crashes DIR]
"""

from __future__ import annotations

import collections
import random
import tempfile
from pathlib import Path

import campaign

from device_fuzzing import Broken, run_one


def _site(exc: BaseException) -> str:
    """A broken invariant is keyed by what broke; any other crash by where it was raised."""
    if isinstance(exc, Broken):
        return f"Broken: {str(exc).split(':')[0]}: {str(exc).split(':', 2)[-1][:60]}"
    return campaign.frame_site(exc)


def main() -> None:
    args = campaign.parse(__doc__, inputs=20_000, timeout=20, crashes="device-fuzz-crashes")
    layouts: collections.Counter[str] = collections.Counter()
    with tempfile.TemporaryDirectory(prefix="device-campaign-") as scratch:

        def check(label: str) -> str:
            outcome, _data, how = run_one(random.Random(label), Path(scratch))
            layouts[how] += 1
            return outcome

        run = campaign.run(args, lambda label: label, check, site=_site)
    run.finish(args.inputs, f"layouts: {dict(layouts)}")


if __name__ == "__main__":
    main()
