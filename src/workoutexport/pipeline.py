"""The library's public API: file -> document -> model -> step tree -> verified bytes.

Each function is a few lines composing stages, for scripts and for the batch runner
(`run.py`), which runs them over every input of a command. Nothing here prints or takes
the command line's Report: problems are raised (WorkoutError) or returned as diagnostics.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Literal

from . import formats, steps
from .compile import Options, compile_workout, named_pace_errors
from .diagnostics import Diagnostic, Position, WorkoutError, error, internal_error, warning
from .formats import EmitOptions, Emitted
from .options import Pick
from .profile import EMPTY, Profile, build_profile, find_profile
from .source import Document, read_file


def display_path(path: Path) -> str:
    """A path as the user would recognise it: relative to the working folder when inside it."""
    return _display(path, os.getcwd())


@functools.lru_cache(maxsize=1024)
def _display(path: Path, cwd: str) -> str:
    # Each input is shown several times in a run; resolving costs a system call per part.
    try:
        return str(path.resolve().relative_to(_resolved_folder(cwd)))
    except ValueError:
        return str(path)


@functools.lru_cache(maxsize=8)
def _resolved_folder(folder: str) -> Path:
    return Path(folder).resolve()


def load_profile(path: str | PathLike[str]) -> Profile:
    """Read and check an athlete profile (profile.yaml); raises WorkoutError on bad input."""
    path = Path(path)
    return build_profile(read_file(path, display_path(path)))


@dataclass
class ProfileCache:
    """Profiles found beside workouts, each read once; errors in one are reported once."""

    #: --profile: every workout's profile, or what is wrong with it.
    explicit: Profile | WorkoutError | None = None
    found: dict[Path, Profile | WorkoutError] = field(default_factory=dict)
    #: The nearest profile.yaml of each workout folder (a library's workouts share a few).
    nearest: dict[Path, Path | None] = field(default_factory=dict)

    def for_workout(self, path: Path) -> Profile:
        """The profile for the workout at `path`; raises WorkoutError if that profile is bad.

        The error carries the profile's own diagnostics (a Report says them once) and one
        at the workout, so that every workout a bad profile stops is named.
        """
        cached: Profile | WorkoutError
        if self.explicit is not None:
            cached = self.explicit
        else:
            # The folder find_profile starts from: a symlinked workout's real folder.
            folder = path.resolve().parent
            if folder in self.nearest:
                where = self.nearest[folder]
            else:
                where = self.nearest[folder] = find_profile(path)
            if where is None:
                return EMPTY
            found = self.found.get(where)
            if found is None:
                try:
                    found = load_profile(where)
                except WorkoutError as exc:
                    found = exc
                self.found[where] = found
            cached = found
        if isinstance(cached, WorkoutError):
            first = min(cached.diagnostics, key=Diagnostic.sort_key).position
            if cached is self.explicit:
                # Never a fall back to another profile: the user chose this one.
                why = (
                    f"the profile given with --profile has errors (the first at {first}); "
                    "fix it, or leave out --profile to use the nearest profile.yaml"
                )
            else:
                why = f"its profile has errors (the first at {first})"
            blame = error(Position(display_path(path), 0, 0), f"not built: {why}")
            raise WorkoutError([*cached.diagnostics, blame])
        return cached


@dataclass
class Extras:
    """What loading a workout tells besides its step tree (pass one in to hear it)."""

    #: Likely mistakes (lint.py): the workout still builds.
    warnings: list[Diagnostic] = field(default_factory=list)
    #: The workout's own `formats:`, the formats it is meant for (None: any).
    formats: tuple[str, ...] | None = None
    #: The `--set` names the workout took (under `only_defined`, those it defines).
    applied: set[str] = field(default_factory=set)


def compile_document(
    doc: Document,
    profile: Profile,
    *,
    overrides: Mapping[str, str] | None = None,
    pick: Pick = "low",
    extras: Extras | None = None,
    only_defined: bool = False,
) -> steps.Workout:
    """Validate and compile a parsed YAML document against `profile`; raises WorkoutError.

    Warnings about likely mistakes, the workout's `formats:` and the overrides it took go to
    `extras` when given. `only_defined`: an override of a variable the workout does not
    define is skipped, not an error (the rule for one of several inputs, `run.Run`).
    """
    from .lint import lint
    from .model import Workout
    from .validate import validate_model
    from .variables import substitute

    # Compiled against the substituted text, so that display hints show what was used.
    applied: set[str] | None = set() if only_defined else None
    data = substitute(doc, overrides or {}, applied)
    done = Document(doc.path, data, doc.values, doc.keys)
    try:
        model = validate_model(Workout, done, "workout")
    except WorkoutError as exc:
        # Report the named paces that would fail next with the validation errors, in one run.
        raise WorkoutError([*exc.diagnostics, *named_pace_errors(done, profile)]) from None
    tree = compile_workout(model, done, profile, Options(pick=pick))
    if extras is not None:
        extras.warnings.extend(lint(doc))
        extras.formats = tuple(model.formats) if model.formats else None
        extras.applied.update(applied if applied is not None else (overrides or {}))
    return tree


def load_workout(
    path: str | PathLike[str],
    *,
    profile: Profile | str | PathLike[str] | None = None,
    profiles: ProfileCache | None = None,
    overrides: Mapping[str, str] | None = None,
    pick: Pick = "low",
    extras: Extras | None = None,
    only_defined: bool = False,
) -> steps.Workout:
    """Read, validate and compile one workout file; raises WorkoutError on bad input.

    The profile is `profile` (a loaded Profile, or the path of a profile file) when given;
    otherwise the nearest profile.yaml in the workout's folder or a parent folder, read
    through `profiles` so that a library's profile is read once. `overrides` replace
    variables (`--set`; see `compile_document` for `only_defined`), and `pick` resolves
    ranges such as `repeat: 6-8`.

    How to write the tree (the profile's device settings, the file's time) is not part of
    it: see `emit_options`.
    """
    path = Path(path)
    doc = read_file(path, display_path(path))
    resolved = _resolve_profile(path, profile, profiles)
    return compile_document(
        doc, resolved, overrides=overrides, pick=pick, extras=extras, only_defined=only_defined
    )


def _resolve_profile(
    path: Path, profile: Profile | str | PathLike[str] | None, profiles: ProfileCache | None
) -> Profile:
    if profile is None:
        return (profiles or ProfileCache()).for_workout(path)
    if isinstance(profile, Profile):
        return profile
    return load_profile(profile)


def emit_options(
    path: str | PathLike[str],
    *,
    profile: Profile | str | PathLike[str] | None = None,
    profiles: ProfileCache | None = None,
) -> EmitOptions:
    """How `build` writes the workout file at `path`: its profile's `fit:` settings (the
    profile found as `load_workout` finds it), and the file's modification time, which FIT
    writes as time_created unless SOURCE_DATE_EPOCH is set, so that an unchanged file
    rebuilds to the same bytes. Raises WorkoutError for a bad profile."""
    path = Path(path)
    resolved = _resolve_profile(path, profile, profiles)
    return profile_options(resolved, created=int(path.stat().st_mtime))


def profile_options(profile: Profile, *, created: int | None = None) -> EmitOptions:
    """The emitter options a profile's `fit:` settings ask for (`created`: FIT time_created's
    Unix time, None for FIT's epoch)."""
    return EmitOptions(
        running_cadence_unit=profile.running_cadence_unit,
        fit_identity=profile.fit_identity,
        created=created,
        profile=profile,
    )


def emit(
    workout: steps.Workout, fmt: str, *, lossy: bool = False, options: EmitOptions | None = None
) -> Emitted:
    """`workout` as format `fmt` ("fit", "tcx"); raises WorkoutError when it cannot be written
    (under `lossy`, what can be dropped is dropped with a warning) and ValueError for an
    unknown format. `options` (see `emit_options`) default to the empty profile's.

    The bytes are not yet verified: `emit_verified` is what commands hand on."""
    return formats.emit(workout, fmt, lossy=lossy, options=options)


def verify(data: bytes, fmt: str, *, reference: bool = True) -> list[str]:
    """Problems Garmin's decoder (FIT) or the TCX schema find in emitted bytes (ValueError for
    an unknown format). Unless `reference`, FIT is walked instead of decoded: its header,
    records and CRCs, which refuse what the decoder refuses, without reading values."""
    return formats.verify(data, fmt, reference=reference)


@dataclass(frozen=True)
class Output:
    """One emitted file that its format's reference reader accepts, and its warnings."""

    format: str
    data: bytes
    warnings: tuple[Diagnostic, ...] = ()


@dataclass
class Emission:
    """A workout emitted in several formats: what verified, and what to tell the user."""

    outputs: list[Output] = field(default_factory=list)
    #: Warnings, and errors for the formats that failed (not under `optional`).
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: Why an `optional` format cannot carry the workout, by format.
    refused: dict[str, tuple[Diagnostic, ...]] = field(default_factory=dict)


def emit_verified(
    workout: steps.Workout,
    fmts: Iterable[str],
    *,
    options: EmitOptions | None = None,
    lossy: bool = False,
    optional: Iterable[str] = (),
    reference: bool = False,
) -> Emission:
    """`workout` in each of `fmts`, every file read back: the one place where emitted bytes
    become bytes that may be written, sent or published.

    TCX, ZWO and intervals.icu text are read by their schema or reader. FIT is walked
    (header, every record's framing, both CRCs: what Garmin's decoder refuses, at a tenth of
    its cost) unless `reference`, when Garmin's decoder reads every message (`check`).

    A format that cannot carry the workout is an error for that format only (a warning
    saying no file was written under `lossy`; for an `optional` format, only its reason in
    `refused`). A file the reference reader refuses is an internal error (a bug of ours)
    and is left out: an emitter fault never reaches a watch.
    """
    optional = frozenset(optional)
    out = Emission()
    for fmt in fmts:
        try:
            result = emit(workout, fmt, lossy=lossy, options=options)
        except WorkoutError as exc:
            if fmt in optional:
                out.refused[fmt] = exc.diagnostics
            else:
                out.diagnostics.extend(_format_failed(exc, fmt, lossy))
            continue
        problems = verify(result.data, fmt, reference=reference)
        if problems:
            out.diagnostics.append(
                error(
                    workout.source,
                    f"internal error: emitted {fmt.upper()} does not verify: {problems[0]}",
                )
            )
            continue
        out.diagnostics.extend(result.diagnostics)
        out.outputs.append(Output(fmt, result.data, tuple(result.diagnostics)))
    return out


def _format_failed(exc: WorkoutError, fmt: str, lossy: bool) -> list[Diagnostic]:
    """A format that cannot carry a workout: its errors, or under `lossy` the same as warnings
    saying the file was not written (the workout's other formats are)."""
    if not lossy:
        return list(exc.diagnostics)
    return [
        warning(d.position, f"{d.message}; no {fmt.upper()} file written (--lossy)")
        if d.severity == "error"
        else d
        for d in exc.diagnostics
    ]


@dataclass(frozen=True)
class Imported:
    """One workout read from a FIT or TCX file: suggested file stem, YAML text, warnings."""

    stem: str
    yaml: str
    diagnostics: list[Diagnostic] = field(default_factory=list)


def import_file(
    path: str | PathLike[str], *, profiles: ProfileCache | None = None, lossy: bool = False
) -> list[Imported]:
    """The workouts in a FIT, TCX, ZWO or intervals.icu file as YAML that builds back (raises
    WorkoutError). ZWO and intervals.icu targets are read against the nearest profile
    (through `profiles`); `lossy` reads a ramp as its average, with a warning.

    Warnings about the file as a whole travel with its first workout, so that each is
    reported once.
    """
    from .diagnostics import Position, error
    from .importers import RELATIVE, read_workouts
    from .importers.yaml_out import NotExpressible, to_yaml

    path = Path(path)
    shown = display_path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        raise WorkoutError(
            [
                error(
                    Position(shown, 0, 0),
                    "import takes FIT, TCX, ZWO or intervals.icu workout files and turns them "
                    "into YAML; "
                    "this is already YAML: give it to 'workoutexport build' (or check, show)",
                )
            ]
        )
    profile = None
    if path.suffix.lower() in RELATIVE:
        # Their targets are fractions of the athlete's FTP and paces: the nearest profile's.
        profile = (profiles or ProfileCache()).for_workout(path)
    workouts, notes = read_workouts(path, shown, profile=profile, lossy=lossy)
    exact: Literal["fit", "tcx"] = "tcx" if path.suffix.lower() == ".tcx" else "fit"
    out = []
    for i, workout in enumerate(workouts, start=1):
        try:
            text = to_yaml(workout, source=path.name, exact=exact)
        except NotExpressible as exc:
            raise WorkoutError([error(Position(shown, 0, 0), str(exc))]) from None
        # Never hand out YAML that does not build: compile and emit it, in build's default
        # format and in the source's, before anyone sees it.
        _round_trip(text, shown, ("fit", exact))
        stem = path.stem if len(workouts) == 1 else f"{path.stem}-{i}"
        out.append(Imported(stem, text, notes if i == 1 else []))
    return out


def _round_trip(text: str, shown: str, fmts: tuple[str, ...]) -> None:
    """Raise WorkoutError at `shown` (the file the user named, never the YAML made from it,
    which nobody has seen) unless `text` compiles and emits to each of `fmts`."""
    from .diagnostics import Position, error
    from .source import parse_text

    try:
        tree = compile_document(parse_text(text, "imported YAML"), EMPTY)
        emitted = emit_verified(tree, dict.fromkeys(fmts))
        problems = [d for d in emitted.diagnostics if d.severity == "error"]
        if problems:
            raise WorkoutError(problems)
    except WorkoutError as exc:
        first = next((d for d in exc.diagnostics if d.severity == "error"), None)
        why = first.message if first is not None else "it does not compile"
        raise WorkoutError(
            [
                error(
                    Position(shown, 0, 0),
                    f"this workout cannot be imported: the YAML made from it would not "
                    f"build ({why})",
                )
            ]
        ) from None


def check_profile(path: Path) -> list[Diagnostic]:
    """What is wrong with the profile file at `path` (empty when it is valid)."""
    try:
        load_profile(path)
    except WorkoutError as exc:
        return list(exc.diagnostics)
    except Exception as exc:  # a bug: reported for this file, the run goes on
        return [internal_error(Position(display_path(path), 0, 0), exc)]
    return []
