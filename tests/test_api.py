"""The public API is pinned: changing it is a decision, not an accident."""

from __future__ import annotations

from pathlib import Path

import workoutexport


def test_exported_members() -> None:
    assert sorted(workoutexport.__all__) == sorted(
        [
            "__version__",
            "Diagnostic",
            "Position",
            "WorkoutError",
            "load_workout",
            "compile_document",
            "emit_workout",
            "verify_output",
            "load_profile",
        ]
    )
    for name in workoutexport.__all__:
        assert getattr(workoutexport, name) is not None


def test_library_use() -> None:
    library = Path(__file__).resolve().parent.parent / "workouts"
    workout = workoutexport.load_workout(library / "tabata.yaml")
    data = workoutexport.emit_workout(workout, "fit").data
    assert workoutexport.verify_output(data, "fit") == []
