"""workoutexport: structured workouts in YAML -> FIT and TCX workout files for Garmin watches.

The library API, for scripts::

    from workoutexport import emit_options, emit_workout, load_workout
    workout = load_workout("hills.yaml")                # raises WorkoutError on bad input
    options = emit_options("hills.yaml")                # the profile's fit: settings, mtime
    fit_bytes = emit_workout(workout, "fit", options=options).data

or, as the commands do, every input through one run (verified bytes, diagnostics)::

    from workoutexport import BuildOptions, Run
    built = Run(BuildOptions(formats=("fit", "tcx"))).workout(Path("hills.yaml"))

Names are imported on first use, so that `workoutexport --help` stays light; type checkers
see them through the static imports below.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    __version__: str
    from .diagnostics import Diagnostic, Position, WorkoutError
    from .formats import EmitOptions, Emitted
    from .options import BuildOptions, Overrides, Pick
    from .pipeline import (
        Imported,
        compile_document,
        emit_options,
        import_file,
        load_profile,
        load_workout,
    )
    from .pipeline import emit as emit_workout
    from .pipeline import verify as verify_output
    from .profile import Profile
    from .run import Built, PlanBuilt, Run
    from .steps import Workout


def _version() -> str:
    # importlib.metadata costs more to import than the command line itself: look the
    # version up only when asked.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("workoutexport")
    except PackageNotFoundError:  # pragma: no cover - a source tree that is not installed
        return "0.0.0"


# public name -> (module, name there); emit and verify are also subpackage/module names,
# so the functions are exported under longer names.
_EXPORTS = {
    "Diagnostic": ("workoutexport.diagnostics", "Diagnostic"),
    "Position": ("workoutexport.diagnostics", "Position"),
    "WorkoutError": ("workoutexport.diagnostics", "WorkoutError"),
    "Profile": ("workoutexport.profile", "Profile"),
    "Workout": ("workoutexport.steps", "Workout"),
    "EmitOptions": ("workoutexport.formats", "EmitOptions"),
    "Emitted": ("workoutexport.formats", "Emitted"),
    "BuildOptions": ("workoutexport.options", "BuildOptions"),
    "Overrides": ("workoutexport.options", "Overrides"),
    "Pick": ("workoutexport.options", "Pick"),
    "Imported": ("workoutexport.pipeline", "Imported"),
    "Run": ("workoutexport.run", "Run"),
    "Built": ("workoutexport.run", "Built"),
    "PlanBuilt": ("workoutexport.run", "PlanBuilt"),
    "emit_options": ("workoutexport.pipeline", "emit_options"),
    "load_workout": ("workoutexport.pipeline", "load_workout"),
    "load_profile": ("workoutexport.pipeline", "load_profile"),
    "compile_document": ("workoutexport.pipeline", "compile_document"),
    "import_file": ("workoutexport.pipeline", "import_file"),
    "emit_workout": ("workoutexport.pipeline", "emit"),
    "verify_output": ("workoutexport.pipeline", "verify"),
}

__all__ = [
    "BuildOptions",
    "Built",
    "Diagnostic",
    "EmitOptions",
    "Emitted",
    "Imported",
    "Overrides",
    "Pick",
    "PlanBuilt",
    "Position",
    "Profile",
    "Run",
    "Workout",
    "WorkoutError",
    "__version__",
    "compile_document",
    "emit_options",
    "emit_workout",
    "import_file",
    "load_profile",
    "load_workout",
    "verify_output",
]


def __dir__() -> list[str]:
    # The lazily imported API is listed too, not only what has been imported so far.
    return sorted({*globals(), *__all__})


def __getattr__(name: str) -> Any:
    if name == "__version__":
        return _version()
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'workoutexport' has no attribute {name!r}")
    module, attr = target
    return getattr(importlib.import_module(module), attr)
