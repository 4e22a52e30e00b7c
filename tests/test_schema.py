"""The JSON Schema editors use: generated from the model, committed, and strict enough."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from shipped import shipped_workouts
from workoutexport.cli import main

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "schema" / "workout.schema.json"
LIBRARY = ROOT / "workouts"
WORKOUTS = shipped_workouts(LIBRARY)


def _load(text: str) -> Any:
    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 2)
    return yaml.load(text)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schema_is_what_the_command_prints() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert result.stdout == SCHEMA_FILE.read_text(encoding="utf-8"), (
        "schema/workout.schema.json is stale: run `workoutexport schema > "
        "schema/workout.schema.json`"
    )


@pytest.mark.parametrize("path", WORKOUTS, ids=[p.stem for p in WORKOUTS])
def test_shipped_workouts_point_at_the_schema_and_are_valid(
    path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    assert (path.parent / first.removeprefix(prefix)).resolve() == SCHEMA_FILE
    errors = [e.message for e in validator.iter_errors(_load(text))]
    assert errors == []


MISTAKES = {
    "unknown key": "name: x\nsteps:\n  - run: 400m\n    duraton: 400m\n",
    "no unit": "name: x\nsteps:\n  - run: 400\n",
    "unit-less text": "name: x\nsteps:\n  - run: '400'\n",
    "two kind keys": "name: x\nsteps:\n  - run: 1min\n    recover: 1min\n",
    "empty steps": "name: x\nsteps: []\n",
    "no kind key": "name: x\nsteps:\n  - pace: 4:00/km\n",
    "unknown sport": "name: x\nsport: runing\nsteps:\n  - run: 1min\n",
    "missing name": "steps:\n  - run: 1min\n",
    "pace without unit": "name: x\nsteps:\n  - run: 1km\n    pace: '4:00'\n",
    "hr zone 6": "name: x\nsteps:\n  - run: 1km\n    hr: z6\n",
    "repeat without steps": "name: x\nsteps:\n  - repeat: 3\n",
    "repeat of zero": "name: x\nsteps:\n  - repeat: 0\n    steps: [{run: 1min}]\n",
    "short name too long": "name: x\nshort_name: sixteen chars xx\nsteps:\n  - run: 1min\n",
}


@pytest.mark.parametrize("text", MISTAKES.values(), ids=list(MISTAKES))
def test_typical_mistakes_are_invalid(
    text: str, validator: jsonschema.Draft202012Validator
) -> None:
    assert list(validator.iter_errors(_load(text))), "the schema accepted a broken workout"


VALID = [
    "name: x\nsteps:\n  - warmup: 10-15min\n  - run: 1:30\n  - recover: lap\n",
    "name: x\nsteps:\n  - run: 10MIN\n    hr: 140-150 bpm\n",
    "name: x\nvars: {reps: 4}\nsteps:\n  - repeat: ${reps}\n    steps: [{run: 400m}]\n",
    "name: x\nsteps:\n  - run: hr < 130bpm\n    pace: 95-100% threshold\n",
    "name: x\nsport: strength\nsteps:\n  - exercise: squat\n    reps: 10\n    weight: 20lb\n",
]


@pytest.mark.parametrize("text", VALID)
def test_valid_forms_are_accepted(text: str, validator: jsonschema.Draft202012Validator) -> None:
    assert [e.message for e in validator.iter_errors(_load(text))] == []


def _properties(node: Any) -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        for name, prop in node.get("properties", {}).items():
            found.append((name, prop))
        for value in node.values():
            found += _properties(value)
    elif isinstance(node, list):
        for value in node:
            found += _properties(value)
    return found


def test_every_property_has_help_for_editors() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    props = _properties(schema)
    assert len(props) > 30
    for name, prop in props:
        branches = [prop, *prop.get("anyOf", [])]
        assert any("description" in b for b in branches), f"{name} has no description"
        assert any("examples" in b for b in branches), f"{name} has no examples"


PLAN_SCHEMA_FILE = ROOT / "schema" / "plan.schema.json"


def _load_plan(text: str) -> Any:
    """As an editor reads it: YAML 1.2's core schema has no dates, `2027-01-04` is text."""
    from workoutexport.source import parse_text

    return parse_text(text, "plan.yaml").data


PLANS = sorted((LIBRARY / "plans").glob("*.yaml"))


@pytest.fixture(scope="module")
def plan_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(PLAN_SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("args", [["schema", "plan"], ["schema", "workout"], ["schema"]])
def test_committed_schemas_are_what_the_command_prints(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0
    committed = PLAN_SCHEMA_FILE if args[1:] == ["plan"] else SCHEMA_FILE
    assert result.stdout == committed.read_text(encoding="utf-8"), (
        f"{committed.relative_to(ROOT)} is stale: run `workoutexport {' '.join(args)} > "
        f"{committed.relative_to(ROOT)}`"
    )


def test_schema_of_an_unknown_format_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["schema", "profile"])
    assert result.exit_code == 2
    assert "'profile' is not one of 'workout', 'plan'" in result.stderr


@pytest.mark.parametrize("path", PLANS, ids=[p.stem for p in PLANS])
def test_shipped_plans_point_at_the_plan_schema_and_are_valid(
    path: Path, plan_validator: jsonschema.Draft202012Validator
) -> None:
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    assert (path.parent / first.removeprefix(prefix)).resolve() == PLAN_SCHEMA_FILE
    assert [e.message for e in plan_validator.iter_errors(_load_plan(text))] == []


PLAN_MISTAKES = {
    "unknown key": "start: 2027-01-04\nwekks: []\nweeks:\n  - days: {}\n",
    "no start": "weeks:\n  - days: {}\n",
    "no weeks": "start: 2027-01-04\n",
    "empty weeks": "start: 2027-01-04\nweeks: []\n",
    "not a date": "start: next monday\nweeks:\n  - days: {}\n",
    "weekday typo": "start: 2027-01-04\nweeks:\n  - days: {tues: a.yaml}\n",
    "repeat of zero": "start: 2027-01-04\nweeks:\n  - repeat: 0\n    days: {}\n",
    "progress not a percentage": (
        "start: 2027-01-04\nweeks:\n  - repeat: 2\n    progress: {d: ten}\n    days: {}\n"
    ),
    "session without workout": "start: 2027-01-04\nweeks:\n  - days: {mon: {set: {a: 1}}}\n",
    "session key typo": (
        "start: 2027-01-04\nweeks:\n  - days: {mon: {workout: a.yaml, sett: {a: 1}}}\n"
    ),
    "day as a number": "start: 2027-01-04\nweeks:\n  - days: {mon: 5}\n",
}


@pytest.mark.parametrize("text", PLAN_MISTAKES.values(), ids=list(PLAN_MISTAKES))
def test_typical_plan_mistakes_are_invalid(
    text: str, plan_validator: jsonschema.Draft202012Validator
) -> None:
    assert list(plan_validator.iter_errors(_load_plan(text))), "the schema accepted a broken plan"


PLAN_VALID = [
    "start: 2027-01-04\nweeks:\n  - days: {}\n",
    "start: 2027-01-04\nweeks:\n  - days:\n      Wednesday: [a.yaml, {workout: b.yaml}]\n",
    "start: 2027-01-04\nvars: {m: 40min}\nweeks:\n  - repeat: 3\n    progress: {m: -5 %}\n"
    "    days: {SAT: {workout: a.yaml, set: {m: 30min, n: 4}}}\n",
]


@pytest.mark.parametrize("text", PLAN_VALID)
def test_valid_plan_forms_are_accepted(
    text: str, plan_validator: jsonschema.Draft202012Validator
) -> None:
    assert [e.message for e in plan_validator.iter_errors(_load_plan(text))] == []


def test_each_step_kind_is_validated_by_the_model_that_holds_its_key() -> None:
    # The kinds the workout format lists (workout-format.md), defined once in steps.py.
    from workoutexport import model, steps

    written = {"warmup", "run", "active", "swim", "drill", "ramp", "recover", "rest", "cooldown"}
    written |= {"exercise", "repeat"}
    assert set(steps.STEP_KINDS) == written
    assert tuple(model.STEP_KINDS) == steps.STEP_KINDS
    for kind, cls in model.STEP_KINDS.items():
        assert [k for k in steps.STEP_KINDS if k in cls.model_fields] == [kind]
