"""A bounded run of the GarminDevice.xml fuzzer (tests/device_fuzzing.py) on every test run.

benchmarks/device_campaign.py runs the same target on many more inputs. Here a fixed seed
gives the same 300 inputs each time; they must all end cleanly and reach every outcome, so
the mutations test the writing path and not only the XML parser.
"""

from __future__ import annotations

import collections
import random
from pathlib import Path

from device_fuzzing import run_one


def test_three_hundred_hostile_devices_end_cleanly_and_stay_on_the_device(
    tmp_path: Path,
) -> None:
    outcomes: collections.Counter[str] = collections.Counter()
    for i in range(300):
        outcome, _data, _how = run_one(random.Random(f"ci-{i}"), tmp_path)
        outcomes[outcome] += 1
    # Each way through send is reached: refused at the descriptor, refused later, and sent.
    assert outcomes["sent"] >= 30, outcomes
    assert outcomes["device-refused"] >= 30, outcomes
    assert outcomes["send-refused"] >= 1, outcomes
    assert list(tmp_path.iterdir()) == []
