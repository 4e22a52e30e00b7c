"""The pydantic schema of what people write in a workout file (spec section 2).

Values are parsed by :mod:`workoutexport.units` while validating, so a model holds numbers, not
text. Unknown keys are refused everywhere (``extra="forbid"``); a step needs exactly one kind key.
The same model gives the JSON Schema that editors use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

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

VAR_REF = r"\$\{[A-Za-z_][A-Za-z0-9_]*\}"


def _unit_field(
    parser: Callable[[object], Any], pattern: str, description: str, examples: list[Any]
) -> Any:
    def validate(value: object) -> Any:
        try:
            return parser(value)
        except units.UnitError as exc:
            raise PydanticCustomError("unit", str(exc)) from None

    schema: dict[str, Any] = {
        "type": "string",
        "pattern": f"^(?:{pattern}|.*{VAR_REF}.*)$",
        "description": description,
        "examples": examples,
    }
    return (PlainValidator(validate), WithJsonSchema(schema))


_N = r"(?:\d+(?:\.\d*)?|\.\d+)"


def _ci(words: str) -> str:
    """'min|s' -> '[mM][iI][nN]|[sS]': JSON Schema regexes have no inline (?i) flag."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in words)


_TIME = (
    rf"(?:{_N} ?(?:{_ci('h|hr|hrs|hour|hours')}) ?)?"
    rf"(?:{_N} ?(?:{_ci('min|mins|minute|minutes')}) ?)?"
    rf"(?:{_N} ?(?:{_ci('s|sec|secs|second|seconds')}))?"
)
_CLOCK = r"\d+:\d\d(?::\d\d)?"
_PACE_ONE = r"\d+:\d\d(?:\.\d+)?"
_DIST = rf"{_N} ?(?:{_ci('m|km|k|mi|yd|yds|metre|metres|meter|meters|mile|miles')})"
_DUR_ONE = rf"(?:{_CLOCK}|{_TIME}|{_DIST})"
_DURATION_RE = (
    rf"(?:{_ci('lap|open|lap button')}|{_ci('hr')} ?[<>] ?{_N} ?(?:{_ci('bpm')}|% ?{_ci('max')})"
    rf"|{_N} ?(?:{_ci('kcal|cal|calories')})|{_DUR_ONE}|(?:{_N}|{_DUR_ONE}) ?- ?{_DUR_ONE})"
)

_UNTIL_RE = (
    rf"{_ci('hr')} ?[<>] ?{_N} ?(?:{_ci('bpm')}|% ?{_ci('max')})"
    rf"|{_ci('power')} ?[<>] ?{_N} ?(?:{_ci('w|watts')})"
    rf"|{_N} ?(?:{_ci('kcal|cal|calories')})|{_DUR_ONE}|(?:{_N}|{_DUR_ONE}) ?- ?{_DUR_ONE}"
)

Duration = Annotated[
    units.DurationSpec,
    *_unit_field(
        units.parse_duration,
        _DURATION_RE,
        "How long the step lasts: a time (90s, 10min, 1:30), a distance (400m, 1.5km, 1mi), "
        "'lap' (until the lap button), a heart-rate condition (hr < 130bpm), calories "
        "(300kcal), or a range (60-90s) resolved by --pick.",
        ["10min", "400m", "1:30", "lap", "60-90s", "hr < 130bpm"],
    ),
]
Pace = Annotated[
    units.PaceSpec,
    *_unit_field(
        units.parse_pace,
        rf"{_PACE_ONE}(?: ?- ?{_PACE_ONE})? ?(?:{_ci('min')})? ?/ ?(?:{_ci('km|mi|mile')})"
        rf"|(?:{_N}(?: ?- ?{_N})? ?% ?)?[A-Za-z0-9_][A-Za-z0-9_.+-]*",
        "Pace target: absolute (4:00/km, 6:30-6:40/mi), a named pace from the profile "
        "(threshold), or a percentage of a named pace's speed (110% mile).",
        ["4:00/km", "6:30-6:40/mi", "threshold", "95-100% mile"],
    ),
]
Speed = Annotated[
    units.Window,
    *_unit_field(
        units.parse_speed,
        rf"{_N}(?: ?- ?{_N})? ?(?:{_ci('km/h|kph|mph|m/s')})",
        "Speed target: 15km/h, 14-15km/h, 9mph, 4.2m/s.",
        ["15km/h", "14-15km/h", "9mph"],
    ),
]
HeartRate = Annotated[
    units.Window | units.Zone,
    *_unit_field(
        units.parse_hr,
        rf"(?:[zZ][1-5]|{_N}(?: ?- ?{_N})? ?(?:{_ci('bpm')}|% ?{_ci('max')}|% ?{_ci('lthr')}))",
        "Heart-rate target: a zone (z1-z5), bpm (150bpm, 140-150bpm), percent of maximum "
        "(70-80%max) or of lactate-threshold heart rate (95-100%lthr).",
        ["z2", "140-150bpm", "70-80%max", "95-100%lthr"],
    ),
]
Cadence = Annotated[
    units.Window,
    *_unit_field(
        units.parse_cadence,
        rf"{_N}(?: ?- ?{_N})? ?(?:{_ci('spm|rpm')})",
        "Cadence target: running steps per minute (180spm, 175-185spm) or cycling rpm (90rpm).",
        ["180spm", "175-185spm", "90rpm"],
    ),
]
Power = Annotated[
    units.Window | units.Zone,
    *_unit_field(
        units.parse_power,
        rf"(?:[zZ][1-7]|{_N}(?: ?- ?{_N})? ?(?:{_ci('w|watts')}|% ?{_ci('ftp')}))",
        "Power target: watts (250W, 240-260W), percent of FTP (90-95%ftp) or a zone (z3).",
        ["250W", "240-260W", "90-95%ftp", "z3"],
    ),
]
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
                    "type": "string",
                    "pattern": rf"^(?:\d+ ?(?:- ?\d+)?|{_ci('until')} ?(?:{_UNTIL_RE})"
                    rf"|.*{VAR_REF}.*)$",
                },
            ],
            "description": "How many times: a count (8), a range (6-8) picked by --pick, "
            "a ${variable}, or until a condition (FIT only): 'until 20min', 'until 5km', "
            "'until 300kcal', 'until hr > 170bpm', 'until power < 150W'.",
            "examples": [8, "6-8", "${reps}", "until 20min", "until hr > 170bpm"],
        }
    ),
]
Weight = Annotated[
    units.Weight,
    *_unit_field(
        units.parse_weight,
        rf"{_N} ?(?:{_ci('kg|lb|lbs')})",
        "Weight to lift, in kg or lb.",
        ["10kg", "20lb"],
    ),
]


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
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


TARGET_KEYS = ("pace", "speed", "hr", "cadence", "power")


class Targets(_Model):
    pace: Pace | None = Field(default=None, description="Pace target.")
    speed: Speed | None = Field(default=None, description="Speed target.")
    hr: HeartRate | None = Field(default=None, description="Heart-rate target.")
    cadence: Cadence | None = Field(default=None, description="Cadence target.")
    power: Power | None = Field(default=None, description="Power target.")

    def targets(self) -> list[tuple[str, object]]:
        return [(k, getattr(self, k)) for k in TARGET_KEYS if getattr(self, k) is not None]


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
                "'secondary' holds exactly one target key: pace, speed, hr, cadence or power",
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

    @model_validator(mode="after")
    def _one_target(self) -> _Leaf:
        found = [k for k, _ in self.targets()]
        if len(found) > 1:
            raise PydanticCustomError(
                "targets",
                "a step takes one target key, found {found}; put the second under 'secondary:'",
                {"found": ", ".join(found)},
            )
        return self


_DUR_DOC = "The step's duration."


class WarmupStep(_Leaf):
    warmup: Duration = Field(description="Warm-up. " + _DUR_DOC)


class RunStep(_Leaf):
    run: Duration = Field(description="Work. " + _DUR_DOC)


class ActiveStep(_Leaf):
    active: Duration = Field(description="Work (same as run). " + _DUR_DOC)


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


STEP_KINDS: dict[str, type[_Model]] = {
    "warmup": WarmupStep,
    "run": RunStep,
    "active": ActiveStep,
    "recover": RecoverStep,
    "rest": RestStep,
    "cooldown": CooldownStep,
    "exercise": ExerciseStep,
    "repeat": RepeatStep,
}
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
        import difflib

        known = {k for cls in STEP_KINDS.values() for k in cls.model_fields}
        for key in value:
            close = difflib.get_close_matches(str(key), list(STEP_KINDS), n=1, cutoff=0.6)
            if key not in known and close:
                raise PydanticCustomError(
                    "step_kind_unknown",
                    "unknown step kind '{key}'; did you mean '{close}'?",
                    {"key": str(key), "close": close[0]},
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
    sport: Literal["running", "cycling", "walking", "strength", "other"] = Field(
        default="running", description="The sport.", examples=["running", "strength"]
    )
    sub_sport: Literal["generic", "track", "treadmill", "trail", "street", "indoor"] | None = Field(
        default=None, description="Where it is done.", examples=["track", "treadmill"]
    )
    short_name: Annotated[Text, Field(min_length=1, max_length=15)] | None = Field(
        default=None,
        description="At most 15 characters; used where a format limits names (TCX).",
        examples=["10x400 mile"],
    )
    description: Text | None = Field(
        default=None, description="What the session is for.", examples=["Mile-specific speed."]
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


RepeatStep.model_rebuild()
Workout.model_rebuild()
