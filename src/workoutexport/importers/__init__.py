"""Importers: FIT and TCX workout files -> step trees -> YAML in the workout format."""

from __future__ import annotations

from pathlib import Path

from .. import steps as s
from ..diagnostics import Diagnostic, Position, WorkoutError, error
from ..outputs import read_input

MAX_BYTES = 16 * 1024 * 1024
SUFFIXES = (".fit", ".tcx")


def read_workouts(path: Path, shown: str) -> tuple[list[s.Workout], list[Diagnostic]]:
    """The workouts in a FIT or TCX file, and any warnings (raises WorkoutError)."""

    data = read_input(path, Position(shown, 0, 0), MAX_BYTES)
    if not data:
        raise WorkoutError([error(Position(shown, 0, 0), "file is empty")])
    is_fit = path.suffix.lower() == ".fit" or (len(data) >= 12 and data[8:12] == b".FIT")
    if is_fit:
        from ..formats.fit.reader import read_fit

        workout, notes = read_fit(data, shown, default_name=path.stem)
        return [workout], notes
    from ..formats.tcx.reader import read_tcx

    return read_tcx(data, shown), []


def _as_tcx_says_it(workout: s.Workout) -> list[tuple[object, ...]]:
    """What a TCX file can say of `workout` at FIT's precision: the workout written as FIT,
    read back, written as TCX (dropping what TCX cannot carry) and read back; its sport and
    steps (TCX names are short names, so names are not compared)."""
    from ..formats import emit
    from ..formats.fit.reader import read_fit
    from ..formats.tcx.reader import read_tcx

    fit, _ = read_fit(emit(workout, "fit", lossy=True).data, "", default_name=workout.name)
    tcx = read_tcx(emit(fit, "tcx", lossy=True).data, "")
    return [(w.sport, w.sub_sport, w.steps) for w in tcx]


def same_workout(fit: Path, tcx: Path) -> bool:
    """Whether the TCX file at `tcx` holds one workout, the same as the FIT file at `fit`
    (say `build -f fit -f tcx` made both): the TCX says nothing the FIT does not, so
    importing the FIT, which carries more (intensities, secondary targets, notes), loses
    nothing. False for any file that does not read."""
    try:
        (from_fit,), _ = read_workouts(fit, str(fit))
        from_tcx, _ = read_workouts(tcx, str(tcx))
        if len(from_tcx) != 1:
            return False
        return _as_tcx_says_it(from_fit) == _as_tcx_says_it(from_tcx[0])
    except (WorkoutError, ValueError):
        return False
