"""What FIT and TCX store alike: windows rounded outwards, running cadence in strides, and
the build time (SOURCE_DATE_EPOCH) that makes files reproducible."""

from __future__ import annotations

import math
import os
import re
from typing import Any

from ..diagnostics import Position, WorkoutError, error

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


# lxml ends a syntax error's message with where it happened, which the diagnostic already says.
_XML_WHERE = re.compile(r",? line \d+, column \d+$")


def xml_message(exc: Any) -> str:
    """An lxml syntax error's message without lxml's own ', line N, column M'."""
    return _XML_WHERE.sub("", str(exc.msg)).strip()


def refuse_doctype(root: Any, data: bytes, path: str, kind: str) -> None:
    """Raise WorkoutError if the XML file declares a DOCTYPE (a DTD or entities).

    No workout file needs one, the parser resolves none of its entities, and a schema
    validator meeting an unresolved entity fails inside libxml2: the file is refused first.
    """
    info = root.getroottree().docinfo
    if not info.doctype and info.internalDTD is None and info.externalDTD is None:
        return
    at = data.find(b"<!DOCTYPE")
    if at >= 0:
        line = data.count(b"\n", 0, at) + 1
        column = at - (data.rfind(b"\n", 0, at) + 1) + 1
    else:  # an encoding other than ASCII's kin: the root's line is the nearest we know
        line = getattr(root, "sourceline", None) or 0
        column = 1 if line else 0
    message = f"a DOCTYPE (DTD or entities) is not allowed in a {kind} file"
    raise WorkoutError([error(Position(path, line, column), message)])
