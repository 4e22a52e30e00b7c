"""The JSON Schemas of the workout and plan formats, generated from the pydantic models."""

from __future__ import annotations

import json
from typing import Any, Literal

SchemaKind = Literal["workout", "plan"]


def workout_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a workout file."""
    from .model import Workout

    return _with_header(Workout.model_json_schema(mode="validation"), "workout")


def plan_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a plan file."""
    from .plan_model import Plan

    return _with_header(Plan.model_json_schema(mode="validation"), "plan")


def _with_header(schema: dict[str, Any], kind: SchemaKind) -> dict[str, Any]:
    out: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    out["title"] = f"workoutexport {kind}"
    out.update(schema)
    return out


def schema_text(kind: SchemaKind = "workout") -> str:
    """The JSON Schema as the text `workoutexport schema [workout|plan]` prints."""
    schema = plan_schema() if kind == "plan" else workout_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
