"""What `show --json`, `paces --json` and `build --json` print for scripts: pydantic models,
the JSON made from them, and their JSON Schemas (committed under schema/, kept equal to
`output_schema_text` by a test).

A step's duration, target and repeat condition are objects with a `type` (the step tree's
kind of value, such as `time`, `distance`, `speed_target`) and that value's fields, in SI
units as the step tree holds them (`seconds`, `metres`, `low_mps`, ...).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from . import steps as s
from .diagnostics import Report
from .estimate import totals
from .paces import Race, RaceModel, race_paces, race_vdot

OutputKind = Literal["show", "paces", "build"]

#: A duration, target or repeat condition: `type` and the value's fields.
Value = dict[str, float | int | str | bool | None]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StepOut(_Out):
    """A timed step."""

    kind: Literal["step"]
    intensity: str
    duration: Value
    target: Value | None
    secondary: Value | None
    name: str | None
    note: str | None
    equipment: str | None = Field(
        default=None, description="a swim's equipment: fins, kickboard, paddles, ..."
    )


class ExerciseOut(_Out):
    """A strength exercise set."""

    kind: Literal["exercise"]
    intensity: str
    exercise: str = Field(description="category/exercise, as the workout format names it")
    duration: Value
    weight_kg: float | None
    name: str | None
    note: str | None


class RepeatOut(_Out):
    """A repeated block: `count` times, or until `until` holds."""

    kind: Literal["repeat"]
    count: int
    until: Value | None
    name: str | None
    steps: list[NodeOut]


NodeOut = Annotated[StepOut | ExerciseOut | RepeatOut, Field(discriminator="kind")]
RepeatOut.model_rebuild()


class TotalsOut(_Out):
    """Known time and distance, repeats multiplied out."""

    seconds: float
    metres: float
    unknown_time: int = Field(description="steps whose time is not known (lap button, ...)")
    unknown_distance: int = Field(description="steps whose distance is not known")


class WorkoutOut(_Out):
    file: str
    name: str
    sport: str
    pool_metres: float | None = Field(default=None, description="a pool swim's pool length")
    steps: list[NodeOut]
    totals: TotalsOut


class ShowOut(_Out):
    """`workoutexport show --json`: the compiled steps of each workout, with totals."""

    workouts: list[WorkoutOut]


class PaceOut(_Out):
    name: str
    unit: Literal["km", "mi"]
    fast_seconds: float = Field(description="seconds per unit, the fast end")
    slow_seconds: float = Field(description="seconds per unit, the slow end")


class PacesOut(_Out):
    """`workoutexport paces --json`: the named paces a race result gives."""

    race: str
    metres: float
    seconds: float
    vdot: float
    model: str
    paces: list[PaceOut]


class WrittenOut(_Out):
    path: str
    format: str


class BuildOut(_Out):
    """`workoutexport build --json`: every file written, and the run's counts."""

    written: list[WrittenOut]
    read: dict[str, int] = Field(description="inputs read, by kind: workout, plan, profile")
    errors: int
    warnings: int


_MODELS: dict[OutputKind, type[_Out]] = {"show": ShowOut, "paces": PacesOut, "build": BuildOut}


def _value(value: object) -> Value:
    name = re.sub(r"(?<!^)(?=[A-Z])", "_", type(value).__name__).lower()
    out: Value = {"type": name}
    for f in dataclasses.fields(value):  # type: ignore[arg-type]
        if f.compare:
            v = getattr(value, f.name)
            out[f.name] = v.value if isinstance(v, s.Intensity) else v
    return out


def _node(node: s.Node) -> StepOut | ExerciseOut | RepeatOut:
    match node:
        case s.Step():
            return StepOut(
                kind="step",
                intensity=node.intensity.value,
                duration=_value(node.duration),
                target=_value(node.target) if node.target is not None else None,
                secondary=_value(node.secondary) if node.secondary is not None else None,
                name=node.name,
                note=node.note,
                equipment=node.equipment,
            )
        case s.ExerciseStep():
            ex = node.exercise
            return ExerciseOut(
                kind="exercise",
                intensity=node.intensity.value,
                exercise=f"{ex.category_name}/{ex.exercise_name}"
                if ex.exercise_name
                else ex.category_name,
                duration=_value(node.duration),
                weight_kg=node.weight_kg,
                name=node.name,
                note=node.note,
            )
        case s.Repeat():
            return RepeatOut(
                kind="repeat",
                count=node.count,
                until=_value(node.until) if node.until is not None else None,
                name=node.name,
                steps=[_node(n) for n in node.steps],
            )


def _workout(file: str, workout: s.Workout) -> WorkoutOut:
    t = totals(workout.steps, swim=workout.sport.value == "swimming")
    return WorkoutOut(
        file=file,
        name=workout.name,
        sport=workout.sport.value,
        pool_metres=workout.pool_metres,
        steps=[_node(n) for n in workout.steps],
        totals=TotalsOut(
            seconds=t.seconds,
            metres=t.metres,
            unknown_time=t.unknown_time,
            unknown_distance=t.unknown_distance,
        ),
    )


def _text(model: _Out) -> str:
    return model.model_dump_json(indent=2) + "\n"


def show_json(shown: Iterable[tuple[str, Sequence[s.Workout]]]) -> str:
    """`show --json` of (file, its workouts) pairs."""
    return _text(ShowOut(workouts=[_workout(f, w) for f, ws in shown for w in ws]))


def paces_json(race: Race, model: RaceModel) -> str:
    """`paces --json` of a race result."""
    paces = [
        # A race gives running paces: per km or per mile, never per 100.
        PaceOut(
            name=name,
            unit="mi" if p.unit == "mi" else "km",
            fast_seconds=p.fast,
            slow_seconds=p.slow,
        )
        for name, p in race_paces(race, model).items()
    ]
    return _text(
        PacesOut(
            race=race.text,
            metres=race.metres,
            seconds=race.seconds,
            vdot=race_vdot(race),
            model=model,
            paces=paces,
        )
    )


def build_json(written: Sequence[Path], report: Report) -> str:
    """`build --json`: the files written (their format from their suffix) and the counts."""
    files = [WrittenOut(path=str(p), format=p.suffix.lstrip(".").lower()) for p in written]
    counts = {"errors": report.errors, "warnings": report.warnings}
    return _text(BuildOut(written=files, read=dict(report.counted), **counts))


def output_schema(kind: OutputKind) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of what `kind --json` prints."""
    out: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    out.update(_MODELS[kind].model_json_schema(mode="serialization"))
    out["title"] = f"workoutexport {kind} --json"
    return out


def output_schema_text(kind: OutputKind) -> str:
    """The schema as committed in schema/<kind>.schema.json; rewrite them with
    `python -m workoutexport.json_out`."""
    return json.dumps(output_schema(kind), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    for name in _MODELS:
        Path("schema", f"{name}.schema.json").write_text(output_schema_text(name))
