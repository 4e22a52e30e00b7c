"""What FIT and TCX store alike: windows rounded outwards, running cadence in strides, and
the build time (SOURCE_DATE_EPOCH) that makes files reproducible."""

from __future__ import annotations

import math
import os

#: Repeats nested deeper than this are refused on import: it is the deepest a YAML workout
#: holds within its 200 levels of nesting (tests/test_import_hardening.py), and every reader
#: of the tree (the YAML writer, `show`) may then walk it recursively.
MAX_REPEAT_DEPTH = 98


def outward(low: float, high: float) -> tuple[int, int]:
    """A window as whole numbers, rounded outwards so it never excludes what was asked for."""
    return math.floor(low + 1e-6), math.ceil(high - 1e-6)


def device_cadence(value: float, unit: str, running_unit: str) -> float:
    """Running cadence as devices store it: strides (steps / 2) unless the profile says steps.

    Not yet confirmed on a watch; this is the one place that decides it (spec 4.1).
    """
    if unit == "spm" and running_unit == "strides":
        return value / 2
    return value


def from_device_cadence(value: float) -> float:
    """Running cadence read from a file, in steps per minute: the inverse of the above.

    A file does not say which unit it used; strides, the FIT unit, is assumed.
    """
    return value * 2


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH (Unix seconds) when it is set to a whole number, else None: the one
    place that reads it, for workout files and plan files alike."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    # ASCII digits only ('²'.isdigit() is true), and short enough for int() to read.
    if not (value.isascii() and value.isdigit()) or len(value) > 20:
        return None
    return int(value)
