"""Importers: FIT, TCX, ZWO and intervals.icu workout files -> step trees -> YAML workouts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .. import steps as s
from ..diagnostics import Diagnostic, Position, WorkoutError, error
from ..outputs import read_input

if TYPE_CHECKING:
    from ..profile import Profile

MAX_BYTES = 16 * 1024 * 1024
SUFFIXES = (".fit", ".tcx", ".zwo", ".txt")
#: What `show` picks up in a folder of workouts: not .txt, which is as often a note as an
#: intervals.icu text (named on its own, a .txt is shown).
SHOWN_IN_FOLDERS = (".fit", ".tcx", ".zwo")
#: Formats whose targets are relative to the athlete (FTP, race paces): read with a profile.
RELATIVE = (".zwo", ".txt")


def read_workouts(
    path: Path, shown: str, *, profile: Profile | None = None, lossy: bool = False
) -> tuple[list[s.Workout], list[Diagnostic]]:
    """The workouts in a FIT, TCX, ZWO or intervals.icu text file, and any warnings (raises
    WorkoutError). `profile` resolves ZWO and intervals.icu targets; `lossy` reads what they
    hold that the workout format cannot say (a ramp) approximately, with a warning."""

    data = read_input(path, Position(shown, 0, 0), MAX_BYTES)
    if not data:
        raise WorkoutError([error(Position(shown, 0, 0), "file is empty")])
    is_fit = path.suffix.lower() == ".fit" or (len(data) >= 12 and data[8:12] == b".FIT")
    if is_fit:
        from ..formats.fit.reader import read_fit

        workout, notes = read_fit(data, shown, default_name=path.stem)
        return [workout], notes
    suffix = path.suffix.lower()
    if suffix == ".zwo":
        from ..formats.zwo.reader import read_zwo
        from ..profile import EMPTY

        workout, notes = read_zwo(
            data, shown, profile=profile or EMPTY, lossy=lossy, default_name=path.stem
        )
        return [workout], notes
    if suffix == ".txt":
        from ..formats.intervals.reader import read_intervals
        from ..profile import EMPTY

        workout, notes = read_intervals(
            data, shown, profile=profile or EMPTY, lossy=lossy, default_name=path.stem
        )
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
