"""Emitters: step tree -> bytes. Looked up by name and imported only when used.

Each emitter module provides ``emit(workout, *, lossy=False) -> Emitted`` and raises
``WorkoutError`` when the tree holds something its format cannot carry (under ``lossy``,
what can be dropped is dropped with a warning instead).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Protocol

from ..diagnostics import Diagnostic
from ..steps import Workout

FORMATS: dict[str, str] = {
    "fit": "workoutexport.formats.fit.emit",
    "tcx": "workoutexport.formats.tcx.emit",
}


@dataclass
class Emitted:
    data: bytes
    diagnostics: list[Diagnostic] = field(default_factory=list)


class Emitter(Protocol):
    def __call__(self, workout: Workout, *, lossy: bool = False) -> Emitted: ...


def emitter(fmt: str) -> Emitter:
    module = importlib.import_module(FORMATS[fmt])
    fn: Emitter = module.emit
    return fn


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
