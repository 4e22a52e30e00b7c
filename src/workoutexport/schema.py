"""The JSON Schema of the workout format, generated from the pydantic model."""

from __future__ import annotations

import json
from typing import Any


def workout_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a workout file."""
    from .model import Workout

    schema = Workout.model_json_schema(mode="validation")
    out: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    out["title"] = "workoutexport workout"
    out.update(schema)
    return out


def workout_schema_text() -> str:
    """The JSON Schema as the text `workoutexport schema` prints."""
    return json.dumps(workout_schema(), indent=2, ensure_ascii=False) + "\n"
