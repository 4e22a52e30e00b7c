"""The shipped library as tests read it (a module without pytest's set-up, so that the
fuzzing campaigns in benchmarks/ can import it too)."""

from __future__ import annotations

from pathlib import Path


def shipped_workouts(library: Path) -> list[Path]:
    """The workouts in a library folder: its YAML files but the profile and any plan (the
    README has users save a plan such as `my-plan.yaml` beside the workouts)."""
    from workoutexport.plans import is_plan

    return sorted(p for p in library.glob("*.yaml") if p.name != "profile.yaml" and not is_plan(p))
