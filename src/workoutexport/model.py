"""The pydantic schema of what people write in a workout file (spec section 2).

Values are parsed by :mod:`workoutexport.units` while validating, so a model holds numbers, not
text. Unknown keys are refused everywhere (``extra="forbid"``); a step needs exactly one kind key.
The same model gives the JSON Schema that editors use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    Tag,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import units
from .diagnostics import did_you_mean
from .steps import EQUIPMENT, STROKES
from .steps import STEP_KINDS as KINDS

VAR_REF = r"\$\{[A-Za-z_][A-Za-z0-9_]*\}"


def _unit_field(form: units.Form) -> Any:
    def validate(value: object) -> Any:
        try:
            return form.parse(value)
        except units.UnitError as exc:
            raise PydanticCustomError("unit", str(exc)) from None

    return (PlainValidator(validate), WithJsonSchema(form.schema(VAR_REF)))


# Each written form is defined once, parser and schema pattern together, in units.py.
Duration = Annotated[units.DurationSpec, *_unit_field(units.DURATION)]
Pace = Annotated[units.PaceSpec, *_unit_field(units.PACE)]
Speed = Annotated[units.Window, *_unit_field(units.SPEED)]
HeartRate = Annotated[units.Window | units.Zone, *_unit_field(units.HEART_RATE)]
Cadence = Annotated[units.Window, *_unit_field(units.CADENCE)]
Power = Annotated[units.Window | units.Zone, *_unit_field(units.POWER)]
RepeatCount = Annotated[
    units.Count | units.Until,
    PlainValidator(
        lambda v: _wrap(units.parse_repeat, v),
        json_schema_input_type=int | str,
    ),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1},
                {
                    key: value
                    for key, value in units.COUNT.schema(VAR_REF).items()
                    if key in ("type", "pattern")
                },
            ],
            "description": units.COUNT.description,
            "examples": list(units.COUNT.examples),
        }
    ),
]
Weight = Annotated[units.Weight, *_unit_field(units.WEIGHT)]


def _wrap(parser: Callable[[object], Any], value: object) -> Any:
    try:
        return parser(value)
    except units.UnitError as exc:
        raise PydanticCustomError("unit", str(exc)) from None


def _plain_text(value: str) -> str:
    """Text that every format can carry: no control characters, no lone surrogates."""
    for char in value:
        code = ord(char)
        if (code < 32 and char not in "\t\n\r") or 0x7F <= code < 0xA0:
            raise PydanticCustomError(
                "text", f"text may not contain control characters (found U+{code:04X})"
            )
        if 0xD800 <= code < 0xE000 or code in (0xFFFE, 0xFFFF):
            raise PydanticCustomError("text", f"text may not contain U+{code:04X}")
    return value


Text = Annotated[str, AfterValidator(_plain_text)]

Label = Annotated[
    Text,
    Field(
        min_length=1,
        description="A short label shown on the watch (about 15 characters fit).",
        examples=["Hill"],
    ),
]
Note = Annotated[
    Text,
    Field(
        min_length=1,
        description="A cue for the athlete, shown with the step.",
        examples=["relax the shoulders"],
    ),
]


class _Model(BaseModel):
    # defer_build: each model's validator is made on its first use, as part of the one for
    # Workout, instead of once per class at import (most of this module's import time).
    model_config = ConfigDict(
        extra="forbid", frozen=True, coerce_numbers_to_str=True, defer_build=True
    )


TARGET_KEYS = ("pace", "speed", "hr", "cadence", "power", "stroke")
Stroke = Literal["free", "back", "breast", "fly", "drill", "mixed", "im", "choice"]
Equipment = Literal["fins", "kickboard", "paddles", "pull_buoy", "snorkel"]
assert get_args(Stroke) == STROKES and get_args(Equipment) == EQUIPMENT  # one definition
#: A target as written: its key with the value parsed for that key.
WrittenTarget = (
    tuple[Literal["pace"], units.PaceSpec]
    | tuple[Literal["speed"], units.Window]
    | tuple[Literal["hr"], units.Window | units.Zone]
    | tuple[Literal["cadence"], units.Window]
    | tuple[Literal["power"], units.Window | units.Zone]
    | tuple[Literal["stroke"], str]
)


class Targets(_Model):
    pace: Pace | None = Field(default=None, description="Pace target.")
    speed: Speed | None = Field(default=None, description="Speed target.")
    hr: HeartRate | None = Field(default=None, description="Heart-rate target.")
    cadence: Cadence | None = Field(default=None, description="Cadence target.")
    power: Power | None = Field(default=None, description="Power target.")
    stroke: Stroke | None = Field(
        default=None, description="The stroke to swim (swimming).", examples=["free", "im"]
    )

    def targets(self) -> list[WrittenTarget]:
        """(key, value) of each target given, in TARGET_KEYS order."""
        out: list[WrittenTarget] = []
        if self.pace is not None:
            out.append(("pace", self.pace))
        if self.speed is not None:
            out.append(("speed", self.speed))
        if self.hr is not None:
            out.append(("hr", self.hr))
        if self.cadence is not None:
            out.append(("cadence", self.cadence))
        if self.power is not None:
            out.append(("power", self.power))
        if self.stroke is not None:
            out.append(("stroke", self.stroke))
        return out


class Secondary(Targets):
    """One more target (FIT secondary target), such as a cadence or heart-rate cap."""

    model_config = ConfigDict(
        json_schema_extra={"minProperties": 1, "maxProperties": 1},
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Secondary:
        if len(self.targets()) != 1:
            raise PydanticCustomError(
                "secondary",
                "'secondary' holds exactly one target key: pace, speed, hr, cadence, power "
                "or stroke",
            )
        return self


class _Leaf(Targets):
    name: Label | None = None
    note: Note | None = None
    secondary: Secondary | None = Field(
        default=None,
        description="A second target (pace plus a cadence or heart-rate cap).",
        examples=[{"cadence": "180spm"}, {"hr": "z3"}],
    )
    equipment: Equipment | None = Field(
        default=None, description="Swim equipment for this step (swimming).", examples=["fins"]
    )

    @model_validator(mode="after")
    def _one_target(self) -> _Leaf:
        found = [k for k, _ in self.targets()]
        if len(found) > 1:
            raise PydanticCustomError(
                "targets",
                "a step takes one target key, found {found}; put the second under 'secondary:'",
                {"found": ", ".join(found), "keys": found},
            )
        return self


_DUR_DOC = "The step's duration."


class WarmupStep(_Leaf):
    warmup: Duration = Field(description="Warm-up. " + _DUR_DOC)


class RunStep(_Leaf):
    run: Duration = Field(description="Work. " + _DUR_DOC)


class ActiveStep(_Leaf):
    active: Duration = Field(description="Work (same as run). " + _DUR_DOC)


class SwimStep(_Leaf):
    swim: Duration = Field(description="A swim (swimming): a distance or lengths. " + _DUR_DOC)


class DrillStep(_Leaf):
    drill: Duration = Field(description="A drill (swimming; stroke drill). " + _DUR_DOC)


class RampStep(_Leaf):
    ramp: Duration = Field(
        description="A ramp: a time over which the power, pace or speed range is gone through "
        "from its first end to its second (`power: 50-75%ftp` rises, `75-50%ftp` falls). "
        + _DUR_DOC
    )
    intensity: Literal["warmup", "cooldown"] | None = Field(
        default=None,
        description="A warm-up or cool-down ramp (Zwift's Warmup and Cooldown).",
        examples=["warmup"],
    )


class RecoverStep(_Leaf):
    recover: Duration = Field(description="Recovery jog or walk. " + _DUR_DOC)


class RestStep(_Leaf):
    rest: Duration = Field(description="Standing rest. " + _DUR_DOC)


class CooldownStep(_Leaf):
    cooldown: Duration = Field(description="Cool-down. " + _DUR_DOC)


class ExerciseStep(_Model):
    exercise: str = Field(
        description="A FIT exercise category (squat), category/name (lunge/walking_lunge), "
        "or an everyday name that leads to one (glute bridge).",
        examples=["squat", "lunge/walking_lunge", "hip_raise", "glute bridge"],
    )
    reps: Annotated[int, Field(ge=1, le=10_000)] | None = Field(
        default=None, description="Repetitions.", examples=[12]
    )
    time: Duration | None = Field(default=None, description="Time instead of repetitions.")
    weight: Weight | None = None
    intensity: Literal["warmup", "cooldown"] | None = Field(
        default=None,
        description="A warm-up or cool-down set, as Garmin Connect marks them.",
        examples=["warmup"],
    )
    name: Label | None = Field(
        default=None,
        description="The exercise's display name (FIT exercise_title); default: its name in words.",
        examples=["Glute bridge"],
    )
    note: Note | None = None

    @model_validator(mode="after")
    def _reps_or_time(self) -> ExerciseStep:
        if self.reps is not None and self.time is not None:
            raise PydanticCustomError("exercise", "give 'reps' or 'time', not both")
        return self


class RepeatStep(_Model):
    repeat: RepeatCount
    name: Label | None = None
    steps: list[Step] = Field(
        min_length=1,
        description="The steps to repeat.",
        examples=[[{"run": "400m", "pace": "mile"}, {"recover": "200m"}]],
    )


#: Each step kind (steps.STEP_KINDS, in its order) to the model of a step of that kind.
STEP_KINDS: dict[str, type[_Model]] = dict(
    zip(
        KINDS,
        (
            *(WarmupStep, RunStep, ActiveStep, SwimStep, DrillStep, RampStep),
            *(RecoverStep, RestStep, CooldownStep),
            *(ExerciseStep, RepeatStep),
        ),
        strict=True,
    )
)
TAG_PREFIX = "step:"


def _step_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        kinds = [k for k in value if k in STEP_KINDS]
        if len(kinds) == 1:
            return TAG_PREFIX + str(kinds[0])
    elif isinstance(value, BaseModel):
        for kind, cls in STEP_KINDS.items():
            if isinstance(value, cls):
                return TAG_PREFIX + kind
    return None


#: Words runners write for a step that the format spells another way ('jog: 10min').
KIND_WORDS = {
    "run": (
        "jog",
        "jogging",
        "easy",
        "tempo",
        "interval",
        "intervals",
        "effort",
        "work",
        "stride",
        "strides",
        "sprint",
        "fast",
        "long",
        "steady",
        "hill",
        "hills",
        "go",
    ),
    "warmup": ("warm", "warm-up", "warm_up", "warming"),
    "cooldown": ("cool", "cool-down", "cool_down", "warmdown", "warm-down"),
    "recover": ("recovery", "walk", "float", "easy jog", "shuffle"),
    "rest": ("pause", "break", "stand", "standing"),
    "repeat": ("repeats", "reps", "times", "loop", "sets", "set"),
    "exercise": ("strength", "lift"),
    "drill": ("drills",),
    "swim": ("swimming", "kick", "pull"),
}
_KIND_OF_WORD = {word: kind for kind, words in KIND_WORDS.items() for word in words}


def _kind_hint(key: str, value: Any) -> str:
    """'; did you mean 'run'?' for a key that names a step kind another way, is close to one
    in spelling, or holds a duration (then 'run', the plain kind); else ''."""
    kind = _KIND_OF_WORD.get(key.strip().lower())
    if kind is not None:
        return f"; did you mean '{kind}'?"
    close = did_you_mean(key, STEP_KINDS, n=1)
    if close:
        return close
    try:
        units.parse_duration(value)
    except (units.UnitError, TypeError, ValueError):
        return ""
    return f"; did you mean 'run'? (a step's kind is one of {', '.join(STEP_KINDS)})"


def _check_step_kind(value: Any) -> Any:
    kinds_doc = ", ".join(STEP_KINDS)
    if isinstance(value, BaseModel):
        return value
    if not isinstance(value, dict):
        raise PydanticCustomError(
            "step", "a step is a mapping with one kind key ({kinds})", {"kinds": kinds_doc}
        )
    kinds = [k for k in value if k in STEP_KINDS]
    if not kinds:
        known = {k for cls in STEP_KINDS.values() for k in cls.model_fields}
        for key in value:
            hint = _kind_hint(str(key), value[key])
            if key not in known and hint:
                raise PydanticCustomError(
                    "step_kind_unknown",
                    "unknown step kind '{key}'{hint}",
                    {"key": str(key), "hint": hint},
                )
        raise PydanticCustomError(
            "step_kind",
            "a step needs one kind key ({kinds}); this one has none",
            {"kinds": kinds_doc},
        )
    if len(kinds) > 1:
        raise PydanticCustomError(
            "step_kind",
            "a step has exactly one kind key; this one has {found}",
            {"found": " and ".join(kinds)},
        )
    return value


Step = Annotated[
    Annotated[WarmupStep, Tag("step:warmup")]
    | Annotated[RunStep, Tag("step:run")]
    | Annotated[ActiveStep, Tag("step:active")]
    | Annotated[SwimStep, Tag("step:swim")]
    | Annotated[DrillStep, Tag("step:drill")]
    | Annotated[RampStep, Tag("step:ramp")]
    | Annotated[RecoverStep, Tag("step:recover")]
    | Annotated[RestStep, Tag("step:rest")]
    | Annotated[CooldownStep, Tag("step:cooldown")]
    | Annotated[ExerciseStep, Tag("step:exercise")]
    | Annotated[RepeatStep, Tag("step:repeat")],
    Discriminator(_step_kind),
    BeforeValidator(_check_step_kind),
]


class Workout(_Model):
    """One workout: a name, a sport and its steps."""

    name: Annotated[Text, Field(min_length=1)] = Field(
        description="The workout's name, shown on the watch.", examples=["10 x 400 m"]
    )
    sport: Literal["running", "cycling", "walking", "strength", "swimming", "other"] = Field(
        default="running", description="The sport.", examples=["running", "strength"]
    )
    sub_sport: (
        Literal["generic", "track", "treadmill", "trail", "street", "indoor", "open_water"] | None
    ) = Field(default=None, description="Where it is done.", examples=["track", "treadmill"])
    pool: Annotated[str, Field(pattern=r"^\s*[0-9]+(?:\.[0-9]+)?\s*(?:m|yd)\s*$")] | None = Field(
        default=None,
        description="A pool swim's pool length, in metres or yards (swimming).",
        examples=["25m", "25yd", "50m"],
    )
    short_name: (
        Annotated[
            Text,
            Field(min_length=1, max_length=15),
            # Checked once its vars are filled in: '${reps}x400 mile' is 11 characters then.
            WithJsonSchema(
                {
                    "type": "string",
                    "minLength": 1,
                    "anyOf": [{"maxLength": 15}, {"pattern": r"\$\{"}],
                }
            ),
        ]
        | None
    ) = Field(
        default=None,
        description="At most 15 characters once its vars are filled in; used where a format "
        "limits names (TCX).",
        examples=["10x400 mile"],
    )
    description: Text | None = Field(
        default=None, description="What the session is for.", examples=["Mile-specific speed."]
    )
    formats: list[Literal["fit", "tcx"]] | None = Field(
        default=None,
        min_length=1,
        description="The formats this workout is meant for (default: any). A build asking "
        "for another format skips this workout for that format.",
        examples=[["fit"]],
    )
    vars: dict[str, str | int | float] | None = Field(
        default=None,
        description="Named values used as ${name}; --set NAME=VALUE overrides them.",
        examples=[{"reps": 10, "recovery": "60-90s"}],
    )
    steps: list[Step] = Field(
        min_length=1,
        description="The steps, in order.",
        examples=[[{"warmup": "15min"}, {"run": "20min", "pace": "threshold"}]],
    )
