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
