"""workoutexport: structured workouts in YAML -> FIT and TCX workout files for Garmin watches."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
