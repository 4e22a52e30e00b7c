"""The public path through the stages: file -> document -> model -> step tree -> bytes.

Each function is a few lines composing stages; the CLI maps arguments to these and does
nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from os import PathLike
from pathlib import Path
from typing import Literal

from . import formats, steps
from .compile import Options, Pick, compile_workout, named_pace_errors
from .diagnostics import Diagnostic, Position, Report, WorkoutError, error, internal_error, warning
from .formats import EmitOptions, Emitted
from .outputs import PROFILE_NAME, Input, discover
from .profile import EMPTY, Profile, build_profile, find_profile
from .source import Document, read_file


def display_path(path: Path) -> str:
    """A path as the user would recognise it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


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

    def for_workout(self, path: Path) -> Profile:
        """The profile for the workout at `path`; raises WorkoutError if that profile is bad.

        The error carries the profile's own diagnostics (a Report says them once) and one
        at the workout, so that every workout a bad profile stops is named.
        """
        cached: Profile | WorkoutError
        if self.explicit is not None:
            cached = self.explicit
        else:
            where = find_profile(path)
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
    #: When set, `--set` of a variable the workout does not define is skipped, not an error
    #: (a folder's workouts each take the vars they define); names applied are added.
    applied: set[str] | None = None


def parse_workout(
    doc: Document, overrides: Mapping[str, str], applied: set[str] | None = None
) -> object:
    """Substitute variables and validate a document against the model (a model.Workout)."""
    from .model import Workout
    from .validate import validate_model
    from .variables import substitute

    data = substitute(doc, overrides, applied)
    return validate_model(Workout, Document(doc.path, data, doc.values, doc.keys), "workout")


def compile_document(
    doc: Document,
    profile: Profile,
    *,
    overrides: Mapping[str, str] | None = None,
    pick: Pick = "low",
    extras: Extras | None = None,
) -> steps.Workout:
    """Validate and compile a parsed YAML document against `profile`; raises WorkoutError.

    Warnings about likely mistakes, and the workout's `formats:`, go to `extras` when given.
    """
    from .lint import lint
    from .model import Workout
    from .validate import validate_model
    from .variables import substitute

    # Compiled against the substituted text, so that display hints show what was used.
    data = substitute(doc, overrides or {}, extras.applied if extras else None)
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
    return tree


def load_workout(
    path: str | PathLike[str],
    *,
    profile: Profile | str | PathLike[str] | None = None,
    profiles: ProfileCache | None = None,
    overrides: Mapping[str, str] | None = None,
    pick: Pick = "low",
    extras: Extras | None = None,
) -> steps.Workout:
    """Read, validate and compile one workout file; raises WorkoutError on bad input.

    The profile is `profile` (a loaded Profile, or the path of a profile file) when given;
    otherwise the nearest profile.yaml in the workout's folder or a parent folder, read
    through `profiles` so that a library's profile is read once. `overrides` replace
    variables (`--set`), and `pick` resolves ranges such as `repeat: 6-8`.

    How to write the tree (the profile's device settings, the file's time) is not part of
    it: see `emit_options`.
    """
    path = Path(path)
    doc = read_file(path, display_path(path))
    resolved = _resolve_profile(path, profile, profiles)
    return compile_document(doc, resolved, overrides=overrides, pick=pick, extras=extras)


def _resolve_profile(
    path: Path, profile: Profile | str | PathLike[str] | None, profiles: ProfileCache | None
) -> Profile:
    if profile is None:
        return (profiles or ProfileCache()).for_workout(path)
    if isinstance(profile, Profile):
        return profile
    return load_profile(profile)


def defined_overrides(
    path: Path, overrides: Mapping[str, str], applied: set[str]
) -> Mapping[str, str]:
    """The `--set` overrides the workout at `path` defines under `vars:` (a folder's workouts
    each take theirs); names found are added to `applied`. A file that cannot be read gets
    them all, so that its own error is the one reported."""
    if not overrides:
        return overrides
    try:
        data = read_file(path, display_path(path)).data
    except WorkoutError:
        return overrides
    defined = data.get("vars") if isinstance(data, dict) else None
    if not isinstance(defined, dict):
        return {}
    mine = {k: v for k, v in overrides.items() if k in defined}
    applied.update(mine)
    return mine


def several_inputs(paths: Iterable[Path], count: int) -> bool:
    """Whether a run of `count` inputs found below `paths` has several: more than one file,
    or a folder. Then `--set` applies to the workouts and plans that define each variable
    (`defined_overrides`, `build_plan(lenient=True)`), and is an error only when none does
    (`unapplied`). The one rule of build, check, site and send."""
    return count > 1 or any(Path(p).is_dir() for p in paths)


@dataclass
class SetUse:
    """How one run applies `--set`: `lenient` with several inputs (`several_inputs`), and the
    names some workout or plan used, for `unapplied` once every input is built."""

    lenient: bool = False
    applied: set[str] = field(default_factory=set)


def unapplied(overrides: Mapping[str, str], applied: set[str], where: Path) -> list[Diagnostic]:
    """An error for each `--set` variable that no workout of the run defines."""
    return [
        error(
            Position(display_path(where), 0, 0),
            f"--set {name}=...: no workout here defines a variable '{name}'",
        )
        for name in sorted(set(overrides) - applied)
    ]


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
    )


def emit(
    workout: steps.Workout, fmt: str, *, lossy: bool = False, options: EmitOptions | None = None
) -> Emitted:
    """`workout` as format `fmt` ("fit", "tcx"); raises WorkoutError when it cannot be written
    (under `lossy`, what can be dropped is dropped with a warning) and ValueError for an
    unknown format. `options` (see `emit_options`) default to the empty profile's."""
    return formats.emit(workout, fmt, lossy=lossy, options=options)


def verify(data: bytes, fmt: str) -> list[str]:
    """Problems Garmin's decoder (FIT) or the TCX schema find in emitted bytes (ValueError for
    an unknown format)."""
    return formats.verify(data, fmt)


@dataclass(frozen=True)
class Imported:
    """One workout read from a FIT or TCX file: suggested file stem, YAML text, warnings."""

    stem: str
    yaml: str
    diagnostics: list[Diagnostic] = field(default_factory=list)


def import_file(path: Path) -> list[Imported]:
    """The workouts in a FIT or TCX file as YAML that builds back (raises WorkoutError).

    Warnings about the file as a whole travel with its first workout, so that each is
    reported once.
    """
    from .diagnostics import Position, error
    from .importers import read_workouts
    from .importers.yaml_out import NotExpressible, to_yaml

    shown = display_path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        raise WorkoutError(
            [
                error(
                    Position(shown, 0, 0),
                    "import takes FIT or TCX workout files and turns them into YAML; "
                    "this is already YAML: give it to 'workoutexport build' (or check, show)",
                )
            ]
        )
    workouts, notes = read_workouts(path, shown)
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
        for fmt in dict.fromkeys(fmts):
            problems = verify(emit(tree, fmt).data, fmt)
            if problems:
                raise WorkoutError([error(Position(shown, 0, 0), problems[0])])
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


def _import_one(path: Path) -> tuple[list[Imported] | None, list[Diagnostic]]:
    try:
        return import_file(path), []
    except WorkoutError as exc:
        return None, list(exc.diagnostics)
    except Exception as exc:  # a bug: one file must not stop the others from importing
        return None, [internal_error(Position(display_path(path), 0, 0), exc)]


def import_files(
    paths: Sequence[Path], *, jobs: int | None = 1
) -> Iterator[tuple[list[Imported] | None, list[Diagnostic]]]:
    """import_file for each of `paths`, in order: the workouts, or None and the errors.

    `jobs` worker processes share the work (None: one per CPU), with the same results.
    """
    from .parallel import ordered_map

    yield from ordered_map(_import_one, paths, jobs=jobs)


def profile_cache(explicit: Path | None, report: Report) -> ProfileCache:
    """The profiles of one run: `explicit` (--profile) for every workout when given, else
    each workout's nearest profile.yaml; a bad explicit profile goes to `report`."""
    cache = ProfileCache()
    if explicit is not None:
        try:
            cache.explicit = load_profile(explicit)
        except WorkoutError as exc:
            # Reported now, even when no workout is found; each workout then says it is
            # not built rather than building against another profile.
            report.add(exc.diagnostics)
            cache.explicit = exc
    return cache


def check_profile(path: Path) -> list[Diagnostic]:
    """What is wrong with the profile file at `path` (empty when it is valid)."""
    try:
        load_profile(path)
    except WorkoutError as exc:
        return list(exc.diagnostics)
    except Exception as exc:  # a bug: reported for this file, the run goes on
        return [internal_error(Position(display_path(path), 0, 0), exc)]
    return []


@dataclass(frozen=True)
class Compiled:
    """A workout file that compiled, with its emitted files as (format, bytes)."""

    input: Input
    workout: steps.Workout
    outputs: list[tuple[str, bytes]]


@dataclass(frozen=True)
class _Job:
    """What every file of one compile_inputs run shares; travels with each chunk of files."""

    profiles: ProfileCache
    fmts: tuple[str, ...]
    overrides: Mapping[str, str]
    pick: Pick
    lossy: bool
    verify: bool
    #: Several inputs: `--set` applies to the workouts that define the variable.
    several: bool


def _compile_one(job: _Job, item: Input) -> tuple[list[Diagnostic], Compiled | None, set[str]]:
    """One input of `job`: its diagnostics in order, what it compiled to, and the `--set`
    names it used (a worker's findings travel back in the result, not in shared state)."""
    if item.path.name == PROFILE_NAME:
        return check_profile(item.path), None, set()
    diagnostics: list[Diagnostic] = []
    extras = Extras(applied=set() if job.several else None)
    try:
        workout = load_workout(
            item.path,
            profiles=job.profiles,
            overrides=job.overrides,
            pick=job.pick,
            extras=extras,
        )
        diagnostics.extend(extras.warnings)
        options = emit_options(item.path, profiles=job.profiles)
        outputs = []
        skipped = [f for f in job.fmts if extras.formats is not None and f not in extras.formats]
        if skipped and len(skipped) == len(job.fmts) and extras.formats is not None:
            # Not an error (the workout says what it is for), but never silent.
            diagnostics.append(
                warning(
                    workout.source,
                    f"this workout is for {', '.join(extras.formats)} only (its formats:); "
                    f"nothing written for {' '.join(f'-f {f}' for f in skipped)}",
                )
            )
        for fmt in job.fmts:
            if fmt in skipped:
                continue
            try:
                result = emit(workout, fmt, lossy=job.lossy, options=options)
            except WorkoutError as exc:
                diagnostics.extend(_format_failed(exc, fmt, job.lossy))
                continue
            diagnostics.extend(result.diagnostics)
            outputs.append((fmt, result.data))
    except WorkoutError as exc:
        return [*diagnostics, *exc.diagnostics], None, extras.applied or set()
    except Exception as exc:  # a bug: one file must not stop the others from building
        problem = internal_error(Position(display_path(item.path), 0, 0), exc)
        return [*diagnostics, problem], None, extras.applied or set()
    if job.verify:
        verified = []
        for fmt, data in outputs:
            problems = verify(data, fmt)
            if problems:
                # Our emitter wrote something the reference reader refuses: a bug, but the
                # user must hear of it as a failure, and the file is not handed on.
                diagnostics.append(
                    error(
                        workout.source,
                        f"internal error: emitted {fmt.upper()} does not verify: {problems[0]}",
                    )
                )
            else:
                verified.append((fmt, data))
        outputs = verified
    return diagnostics, Compiled(item, workout, outputs), extras.applied or set()


def preload(fmts: Iterable[str] = ("fit", "tcx")) -> None:
    """Import what compiling and emitting `fmts` needs (before workers fork)."""
    from . import compile, model, validate  # noqa: F401

    for fmt in fmts:
        formats.emitter(fmt)


def compile_inputs(
    paths: Iterable[Path],
    fmts: Iterable[str],
    report: Report,
    *,
    profile: Path | None = None,
    overrides: Mapping[str, str] | None = None,
    pick: Pick = "low",
    lossy: bool = False,
    aside: Callable[[Input], bool] | None = None,
    exclude: tuple[str, ...] = (),
    failed: list[Input] | None = None,
    verify_outputs: bool = False,
    jobs: int | None = 1,
    sets: SetUse | None = None,
) -> Iterator[Compiled]:
    """Every workout named or found below `paths`, compiled and emitted in each of `fmts`.

    Problems go to `report` and the input is skipped (and added to `failed`); every other
    input still builds. A format that cannot carry a workout is an error for that format
    only (a warning under `lossy`): the other formats are still emitted. A format left out of
    the workout's own `formats:` is skipped. With several inputs, `overrides` (--set) apply
    to the workouts that define them, and one that none defines is an error.
    A profile.yaml among the inputs is checked rather than compiled, and an input for which
    `aside` returns True is counted but left to the caller (other kinds of YAML file).
    Under `verify_outputs` every emitted file is also read back by the reference reader, and
    one it refuses is an error and left out of the outputs. When `sets` is given, it learns
    whether the run is lenient and the `--set` names used, and the caller reports the names
    no input used (after the plans set aside by `aside`, which count too).

    `jobs` worker processes share the work (None: one per CPU); the results and diagnostics
    come in the same order, and are the same, as with one.
    """
    from .parallel import ordered_map
    from .progress import progress

    def skipped(path: Path, why: str) -> None:
        report.add([warning(Position(display_path(path), 0, 0), why)])

    paths = tuple(paths)  # walked more than once: a generator would be spent by the first
    overrides = overrides or {}
    profiles = profile_cache(profile, report)
    found = list(discover(paths, exclude=exclude, on_skip=skipped))
    use = sets if sets is not None else SetUse()
    use.lenient = several_inputs(paths, len(found))
    applied: set[str] | None = use.applied if use.lenient and overrides else None
    items: list[Input] = []
    for item in found:
        report.checked += 1
        if item.path.name != PROFILE_NAME and aside is not None and aside(item):
            continue
        items.append(item)
    fmts = tuple(fmts)
    job = _Job(profiles, fmts, overrides, pick, lossy, verify_outputs, applied is not None)
    results = ordered_map(
        partial(_compile_one, job), items, jobs=jobs, before_fork=partial(preload, fmts)
    )
    for item in progress(items, "checking"):
        diagnostics, done, used = next(results)
        report.add(diagnostics)
        if applied is not None:
            applied.update(used)
        if done is not None:
            yield done
        elif failed is not None and item.path.name != PROFILE_NAME:
            failed.append(item)
    if applied is not None and sets is None:
        report.add(unapplied(overrides, applied, next(iter(paths), Path("."))))


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
