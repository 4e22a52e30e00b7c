"""The public path through the stages: file -> document -> model -> step tree -> bytes.

Each function is a few lines composing stages; the CLI maps arguments to these and does
nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from os import PathLike
from pathlib import Path
from typing import Literal

from . import formats, steps
from .compile import Options, Pick, compile_workout
from .diagnostics import Diagnostic, Position, Report, WorkoutError, error, internal_error
from .formats import Emitted
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

    explicit: Profile | None = None
    found: dict[Path, Profile | WorkoutError] = field(default_factory=dict)

    def for_workout(self, path: Path) -> Profile:
        """The profile for the workout at `path`; raises WorkoutError if that profile is bad."""
        if self.explicit is not None:
            return self.explicit
        where = find_profile(path)
        if where is None:
            return EMPTY
        cached = self.found.get(where)
        if cached is None:
            try:
                cached = load_profile(where)
            except WorkoutError as exc:
                cached = exc
            self.found[where] = cached
        if isinstance(cached, WorkoutError):
            raise cached
        return cached


def parse_workout(doc: Document, overrides: Mapping[str, str]) -> object:
    """Substitute variables and validate a document against the model (a model.Workout)."""
    from .model import Workout
    from .validate import validate_model
    from .variables import substitute

    data = substitute(doc, overrides)
    return validate_model(Workout, Document(doc.path, data, doc.values, doc.keys), "workout")


def compile_document(
    doc: Document,
    profile: Profile,
    *,
    overrides: Mapping[str, str] | None = None,
    pick: Pick = "low",
) -> steps.Workout:
    """Validate and compile a parsed YAML document against `profile`; raises WorkoutError."""
    from .model import Workout

    model = parse_workout(doc, overrides or {})
    assert isinstance(model, Workout)
    return compile_workout(model, doc, profile, Options(pick=pick))


def load_workout(
    path: str | PathLike[str],
    *,
    profile: Profile | str | PathLike[str] | None = None,
    profiles: ProfileCache | None = None,
    overrides: Mapping[str, str] | None = None,
    pick: Pick = "low",
) -> steps.Workout:
    """Read, validate and compile one workout file; raises WorkoutError on bad input.

    The profile is `profile` (a loaded Profile, or the path of a profile file) when given;
    otherwise the nearest profile.yaml in the workout's folder or a parent folder, read
    through `profiles` so that a library's profile is read once. `overrides` replace
    variables (`--set`), and `pick` resolves ranges such as `repeat: 6-8`.

    The tree's `created` is the file's modification time, which FIT writes as time_created
    unless SOURCE_DATE_EPOCH is set: an unchanged file rebuilds to the same bytes.
    """
    path = Path(path)
    doc = read_file(path, display_path(path))
    if profile is None:
        resolved = (profiles or ProfileCache()).for_workout(path)
    elif isinstance(profile, Profile):
        resolved = profile
    else:
        resolved = load_profile(profile)
    tree = compile_document(doc, resolved, overrides=overrides, pick=pick)
    return replace(tree, created=int(path.stat().st_mtime))


def emit(workout: steps.Workout, fmt: str, *, lossy: bool = False) -> Emitted:
    """`workout` as format `fmt` ("fit", "tcx"); raises WorkoutError when it cannot be written
    (under `lossy`, what can be dropped is dropped with a warning) and ValueError for an
    unknown format."""
    return formats.emit(workout, fmt, lossy=lossy)


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
    from .source import parse_text

    shown = display_path(path)
    workouts, notes = read_workouts(path, shown)
    exact: Literal["fit", "tcx"] = "tcx" if path.suffix.lower() == ".tcx" else "fit"
    out = []
    for i, workout in enumerate(workouts, start=1):
        try:
            text = to_yaml(workout, source=path.name, exact=exact)
        except NotExpressible as exc:
            raise WorkoutError([error(Position(shown, 0, 0), str(exc))]) from None
        # Never hand out YAML that does not build: compile it before anyone sees it.
        compile_document(parse_text(text, f"{shown} (imported)"), EMPTY)
        stem = path.stem if len(workouts) == 1 else f"{path.stem}-{i}"
        out.append(Imported(stem, text, notes if i == 1 else []))
    return out


def _import_one(path: Path) -> tuple[list[Imported] | None, list[Diagnostic]]:
    try:
        return import_file(path), []
    except WorkoutError as exc:
        return None, list(exc.diagnostics)


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
            report.add(exc.diagnostics)
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
    overrides: Mapping[str, str] | None
    pick: Pick
    lossy: bool
    verify: bool


def _compile_one(job: _Job, item: Input) -> tuple[list[Diagnostic], Compiled | None]:
    """One input of `job`: its diagnostics in order, and what it compiled to."""
    if item.path.name == PROFILE_NAME:
        return check_profile(item.path), None
    diagnostics: list[Diagnostic] = []
    try:
        workout = load_workout(
            item.path, profiles=job.profiles, overrides=job.overrides, pick=job.pick
        )
        outputs = []
        for fmt in job.fmts:
            result = emit(workout, fmt, lossy=job.lossy)
            diagnostics.extend(result.diagnostics)
            outputs.append((fmt, result.data))
    except WorkoutError as exc:
        return [*diagnostics, *exc.diagnostics], None
    except Exception as exc:  # a bug: one file must not stop the others from building
        return [*diagnostics, internal_error(Position(display_path(item.path), 0, 0), exc)], None
    if job.verify:
        for fmt, data in outputs:
            problems = verify(data, fmt)
            if problems:
                # Our emitter wrote something the reference reader refuses: a bug, but the
                # user must hear of it as a failed check, not a silent pass.
                diagnostics.append(
                    error(
                        workout.source,
                        f"internal error: emitted {fmt.upper()} does not verify: {problems[0]}",
                    )
                )
    return diagnostics, Compiled(item, workout, outputs)


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
    verify_outputs: bool = False,
    jobs: int | None = 1,
) -> Iterator[Compiled]:
    """Every workout named or found below `paths`, compiled and emitted in each of `fmts`.

    Problems go to `report` and the input is skipped; every other input still builds.
    A profile.yaml among the inputs is checked rather than compiled, and an input for which
    `aside` returns True is counted but left to the caller (other kinds of YAML file).
    Under `verify_outputs` every emitted file is also read back by the reference reader.

    `jobs` worker processes share the work (None: one per CPU); the results and diagnostics
    come in the same order, and are the same, as with one.
    """
    from .parallel import ordered_map

    profiles = profile_cache(profile, report)
    items: list[Input] = []
    for item in discover(paths):
        report.checked += 1
        if item.path.name != PROFILE_NAME and aside is not None and aside(item):
            continue
        items.append(item)
    fmts = tuple(fmts)
    job = _Job(profiles, fmts, overrides, pick, lossy, verify_outputs)
    for diagnostics, done in ordered_map(
        partial(_compile_one, job), items, jobs=jobs, before_fork=partial(preload, fmts)
    ):
        report.add(diagnostics)
        if done is not None:
            yield done
