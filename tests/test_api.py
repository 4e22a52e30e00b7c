"""The public API is pinned: changing it is a decision, not an accident."""

from __future__ import annotations

from pathlib import Path

import pytest

import workoutexport

ROOT = Path(__file__).resolve().parent.parent


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


def test_unknown_format_is_a_value_error_naming_the_known_ones() -> None:
    workout = workoutexport.load_workout(ROOT / "workouts" / "tabata.yaml")
    with pytest.raises(ValueError, match=r"unknown format 'gpx'; the known formats are: fit, tcx"):
        workoutexport.emit_workout(workout, "gpx")
    # Before the format table, verify_output took any name but "fit" for TCX.
    with pytest.raises(ValueError, match=r"the known formats are: fit, tcx"):
        workoutexport.verify_output(b"<x/>", "FIT")
