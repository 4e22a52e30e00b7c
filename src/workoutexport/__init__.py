"""workoutexport: structured workouts in YAML -> FIT and TCX workout files for Garmin watches.

The library API, for scripts::

    from workoutexport import emit_workout, load_workout
    workout = load_workout(Path("hills.yaml"))          # raises WorkoutError on bad input
    fit_bytes = emit_workout(workout, "fit").data

Names are imported on first use, so that `workoutexport --help` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> (module, name there); emit and verify are also subpackage/module names,
# so the functions are exported under longer names.
_EXPORTS = {
    "Diagnostic": ("workoutexport.diagnostics", "Diagnostic"),
    "Position": ("workoutexport.diagnostics", "Position"),
    "WorkoutError": ("workoutexport.diagnostics", "WorkoutError"),
    "load_workout": ("workoutexport.pipeline", "load_workout"),
    "load_profile": ("workoutexport.pipeline", "load_profile"),
    "compile_document": ("workoutexport.pipeline", "compile_document"),
    "emit_workout": ("workoutexport.pipeline", "emit"),
    "verify_output": ("workoutexport.pipeline", "verify"),
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'workoutexport' has no attribute {name!r}")
    module, attr = target
    return getattr(importlib.import_module(module), attr)
