"""The output formats: one table, one emitter protocol, one policy for what a format can't carry.

Each format is a package (`formats/fit`, `formats/tcx`) holding its profile numbers, units and
rounding (`units`), its emitter (`emit`), its reader (`reader`) and its verifier (`verify`).
The packages are imported only when a format is used, so the table itself stays light.

Emitters report what their format cannot carry through `Encoder.unsupported`, and the one
error level, `lossy`, set by whoever uses the table, decides whether that is an error or a
warning with the thing dropped.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from ..diagnostics import Diagnostic, Position, WorkoutError, error, warning

if TYPE_CHECKING:  # the step tree is not needed to list the formats (--help)
    from ..profile import Profile
    from ..steps import Workout


@dataclass
class Emitted:
    """An emitted file and the warnings met while writing it."""

    data: bytes
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class EmitOptions:
    """How to write a workout, apart from what it means: the device and the file's origin.

    The pipeline fills these from the workout's profile and file (`pipeline.emit_options`);
    the defaults are the empty profile's, for a tree made without a file.
    """

    #: What a watch counts as running cadence: strides (FIT and TCX's own unit) or steps.
    running_cadence_unit: Literal["strides", "steps"] = "strides"
    #: Whose identity a FIT file_id carries: Garmin Connect's (1/65534) or development (255/0).
    fit_identity: Literal["connect", "development"] = "connect"
    #: When the workout was written (Unix seconds, its file's mtime): FIT's time_created.
    created: int | None = None
    #: The workout's profile: what ZWO and intervals.icu text write relative to (FTP, race
    #: paces, tolerances). None: the empty profile.
    profile: Profile | None = None


DEFAULT_OPTIONS = EmitOptions()


class Emitter(Protocol):
    def __call__(
        self, workout: Workout, *, lossy: bool = False, options: EmitOptions = DEFAULT_OPTIONS
    ) -> Emitted:
        """The file for `workout`; raises WorkoutError when the format cannot carry it."""


@dataclass(frozen=True)
class Format:
    """A format in the table: its name, file suffix and package."""

    name: str
    suffix: str
    package: str

    def emitter(self) -> Emitter:
        """The package's `emit.emit`, imported now."""
        fn: Emitter = importlib.import_module(f"{self.package}.emit").emit
        return fn

    def verifier(self, *, reference: bool = True) -> Callable[[bytes], list[str]]:
        """The package's `verify.problems`, what the format's reference reader finds wrong;
        or, unless `reference`, its `framing_problems` where it has one (FIT: a walk over
        the file's framing and CRCs that refuses what Garmin's decoder refuses, at a small
        part of its cost)."""
        module = importlib.import_module(f"{self.package}.verify")
        fn: Callable[[bytes], list[str]] = (
            module.problems if reference else getattr(module, "framing_problems", module.problems)
        )
        return fn


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("fit", ".fit", "workoutexport.formats.fit"),
        Format("tcx", ".tcx", "workoutexport.formats.tcx"),
        # Relative formats: their targets are fractions of the profile's FTP and paces.
        Format("zwo", ".zwo", "workoutexport.formats.zwo"),
        Format("intervals", ".txt", "workoutexport.formats.intervals"),
    )
}


def get_format(name: str) -> Format:
    """The format called `name`; a ValueError naming the known ones for any other name."""
    found = FORMATS.get(name)
    if found is None:
        known = ", ".join(FORMATS)
        raise ValueError(f"unknown format {name!r}; the known formats are: {known}")
    return found


def emitter(fmt: str) -> Emitter:
    """The emitter of format `fmt` (ValueError for an unknown format)."""
    return get_format(fmt).emitter()


def emit(
    workout: Workout, fmt: str, *, lossy: bool = False, options: EmitOptions | None = None
) -> Emitted:
    """`workout` as format `fmt`; raises WorkoutError when it cannot be written."""
    return emitter(fmt)(workout, lossy=lossy, options=options or DEFAULT_OPTIONS)


def verify(data: bytes, fmt: str, *, reference: bool = True) -> list[str]:
    """Problems the reference reader of format `fmt` finds in `data` (empty when none);
    see `Format.verifier` for `reference`."""
    return get_format(fmt).verifier(reference=reference)(data)


class Encoder:
    """What every emitter shares: its diagnostics, and the one unsupported-feature policy."""

    format_name = ""

    def __init__(self, *, lossy: bool = False) -> None:
        self.lossy = lossy
        self.diagnostics: list[Diagnostic] = []

    def fail(self, where: Position, message: str) -> None:
        """An error: the file is not written."""
        self.diagnostics.append(error(where, message))

    def warn(self, where: Position, message: str) -> None:
        """A warning: the file is written."""
        self.diagnostics.append(warning(where, message))

    def unsupported(
        self,
        where: Position,
        what: str,
        *,
        droppable: bool = False,
        advice: str = "build FIT instead (-f fit)",
    ) -> None:
        """Something the format cannot carry: dropped with a warning under `lossy` when
        `droppable`, else an error that says what to do instead."""
        if droppable and self.lossy:
            self.warn(where, f"{what}; dropped from the {self.format_name} file (--lossy)")
        else:
            hint = " (or pass --lossy to drop it)" if droppable else ""
            self.fail(where, f"{what}; {advice}{hint}")

    def raise_errors(self) -> None:
        """Stop with every diagnostic so far when any of them is an error."""
        if any(d.severity == "error" for d in self.diagnostics):
            raise WorkoutError(self.diagnostics)


__all__ = [
    "DEFAULT_OPTIONS",
    "FORMATS",
    "EmitOptions",
    "Emitted",
    "Emitter",
    "Encoder",
    "Format",
    "emit",
    "emitter",
    "get_format",
    "verify",
]
