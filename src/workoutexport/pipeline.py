"""The public path through the stages: file -> document -> model -> step tree -> bytes.

Each function is a few lines composing stages; the CLI maps arguments to these and does
nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import steps
from .compile import Options, Pick, compile_workout
from .diagnostics import WorkoutError
from .emit import Emitted, emitter
from .profile import EMPTY, Profile, build_profile, find_profile
from .source import Document, read_file


def display_path(path: Path) -> str:
    """A path as the user would recognise it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_profile(path: Path) -> Profile:
    return build_profile(read_file(path, display_path(path)))


@dataclass
class ProfileCache:
    """Profiles found beside workouts, each read once; errors in one are reported once."""

    explicit: Profile | None = None
    found: dict[Path, Profile | WorkoutError] = field(default_factory=dict)

    def for_workout(self, path: Path) -> Profile:
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
    from .model import Workout

    model = parse_workout(doc, overrides or {})
    assert isinstance(model, Workout)
    return compile_workout(model, doc, profile, Options(pick=pick))


def load_workout(
    path: Path,
    *,
    profiles: ProfileCache | None = None,
    overrides: Mapping[str, str] | None = None,
    pick: Pick = "low",
) -> steps.Workout:
    """Read, validate and compile one workout file (raises WorkoutError).

    The tree's `created` is the file's modification time, which FIT writes as time_created
    unless SOURCE_DATE_EPOCH is set: an unchanged file rebuilds to the same bytes.
    """
    doc = read_file(path, display_path(path))
    profile = (profiles or ProfileCache()).for_workout(path)
    tree = compile_document(doc, profile, overrides=overrides, pick=pick)
    return replace(tree, created=int(path.stat().st_mtime))


def emit(workout: steps.Workout, fmt: str, *, lossy: bool = False) -> Emitted:
    return emitter(fmt)(workout, lossy=lossy)


def verify(data: bytes, fmt: str) -> list[str]:
    """Problems Garmin's decoder (FIT) or the TCX schema find in emitted bytes."""
    if fmt == "fit":
        from .verify import VerifyError, decode_fit

        try:
            decode_fit(data)
        except VerifyError as exc:
            return [str(exc)]
        return []
    from .emit.tcx import validate

    return validate(data)
