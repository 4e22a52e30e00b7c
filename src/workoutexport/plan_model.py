"""The pydantic schema of what people write in a plan file (plan-format.md section 1).

The model checks the shape of a plan and parses its values (the start date, `repeat`, the
`progress` percentages), with the same error kinds and wording as :mod:`workoutexport.model`:
unknown keys are refused (``extra="forbid"``) with a did-you-mean, and every error is pointed at
its YAML node by :mod:`workoutexport.validate`. What needs the files a plan names (does the
workout exist, is it inside the plan's library, does it define the var) is checked when the
plan is expanded, in :mod:`workoutexport.plans`. The same model gives the plan's JSON Schema.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Discriminator,
    Field,
    PlainValidator,
    Tag,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from .diagnostics import did_you_mean, excerpt
from .model import Text, _Model

_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: Weekday names a plan may write (any case), to Python's weekday number (Monday is 0).
WEEKDAY_NUMBERS: dict[str, int] = {
    **{name: i for i, name in enumerate(_DAY_NAMES)},
    **{name[:3]: i for i, name in enumerate(_DAY_NAMES)},
}
#: Weeks a plan may expand to (ten years): a typo such as `repeat: 5000` is refused.
MAX_WEEKS = 520
#: Years a plan may start in: a FIT schedule holds dates from 1989-12-31 to 2126.
FIRST_YEAR, LAST_YEAR = 1990, 2099
#: Weekly change `progress` may ask for, in percent.
MAX_PROGRESS = 100.0

#: Prefix of the tags that tell the kinds of a day apart (validate.py leaves them out of
#: positions, as it does the step kinds' tags).
DAY_TAG_PREFIX = "day:"
_PATH_TAG, _SESSION_TAG, _LIST_TAG = "day:path", "day:session", "day:list"

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PERCENT = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*%")


def _start(value: object) -> dt.date:
    text = value.strip() if isinstance(value, str) else None
    if text is None or not _DATE.fullmatch(text):
        shown = "nothing" if value is None else excerpt(value)
        raise PydanticCustomError(
            "plan", "'start' must be a date written YYYY-MM-DD, got '{got}'", {"got": shown}
        )
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise PydanticCustomError(
            "plan", "'{text}' is not a date: {why}", {"text": text, "why": str(exc)}
        ) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        # FIT keeps dates as seconds from 1989-12-31 in 32 bits (to 2126), and a plan may
        # run MAX_WEEKS weeks past its start.
        raise PydanticCustomError(
            "plan",
            "a plan starts between {first} and {last}, not in {year}",
            {"first": FIRST_YEAR, "last": LAST_YEAR, "year": day.year},
        )
    return day


def _repeat(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PydanticCustomError("plan", "'repeat' must be a whole number >= 1")
    return value


def _percent(value: object) -> float:
    m = _PERCENT.fullmatch(value.strip()) if isinstance(value, str) else None
    if m is None:
        shown = "nothing" if value is None else excerpt(value)
        raise PydanticCustomError(
            "plan",
            "write progress as a percentage per week, such as '10%', not '{got}'",
            {"got": shown},
        )
    pct = float(m.group(1))
    if not -MAX_PROGRESS < pct <= MAX_PROGRESS:
        raise PydanticCustomError(
            "plan",
            "'{got}': progress is a change per week, more than -100 % and at most {most} %",
            {"got": excerpt(value), "most": f"{MAX_PROGRESS:.0f}"},
        )
    return pct


def _scalar(value: object) -> str | int | float:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        kind = "a list" if isinstance(value, list) else "a mapping" if value else "nothing"
        if isinstance(value, bool):
            kind = "true or false"
        raise PydanticCustomError(
            "plan", "a variable's value must be text or a number, not {kind}", {"kind": kind}
        )
    return value


def _workout_path(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError(
            "plan", "a session names a workout file, such as 'easy-base-run.yaml'"
        )
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise PydanticCustomError("plan", "a workout path cannot hold control characters")
    return value


def _weekday(value: str) -> str:
    if value.lower() not in WEEKDAY_NUMBERS:
        hint = (
            did_you_mean(value.lower(), WEEKDAY_NUMBERS) or " (mon ... sun, or monday ... sunday)"
        )
        raise PydanticCustomError(
            "plan", "'{day}' is not a day of the week{hint}", {"day": excerpt(value), "hint": hint}
        )
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("plan", "'name' must be text, not blank")
    return value


def _case_free(word: str) -> str:
    return "".join(f"[{c}{c.upper()}]" for c in word)


_VAR_NAME = "A variable the session's workout defines under its `vars:`."
ScalarValue = Annotated[
    str | int | float,
    PlainValidator(_scalar, json_schema_input_type=str | int | float),
]
SetVars = dict[str, ScalarValue]
WorkoutPath = Annotated[
    str,
    AfterValidator(_workout_path),
    Field(
        min_length=1,
        description="A workout file, relative to the plan's folder; it stays inside the "
        "plan's library (no absolute path, no '..' out of it).",
        examples=["easy-base-run.yaml", "../long-run.yaml"],
    ),
]
Weekday = Annotated[str, AfterValidator(_weekday)]
Percent = Annotated[
    float,
    PlainValidator(_percent),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*[+-]?\d+(\.\d+)?\s*%\s*$",
            "description": "A change per week, compounded: more than -100 % and at most "
            f"{MAX_PROGRESS:.0f} %.",
            "examples": ["10%", "-20%"],
        }
    ),
]
Repeat = Annotated[
    int,
    PlainValidator(_repeat),
    WithJsonSchema(
        {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_WEEKS,
            "description": "How many weeks this entry stands for.",
            "examples": [4],
        }
    ),
]
StartDate = Annotated[
    dt.date,
    PlainValidator(_start),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*\d{4}-\d{2}-\d{2}\s*$",
            "format": "date",
            "description": f"The first day of week 1, YYYY-MM-DD, from {FIRST_YEAR} to "
            f"{LAST_YEAR}.",
            "examples": ["2027-01-04"],
        }
    ),
]


class PlanSession(_Model):
    """A session written out: a workout file and the vars to build it with."""

    workout: WorkoutPath
    set: SetVars | None = Field(
        default=None,
        description="Vars for this session, as --set NAME=VALUE would give them. " + _VAR_NAME,
        examples=[{"reps": 6}, {"distance": "4mi"}],
    )


def _day_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return _PATH_TAG
    if isinstance(value, dict | PlanSession):
        return _SESSION_TAG
    if isinstance(value, list):
        return _LIST_TAG
    return None


_SESSION_WORDS = (
    "a session is a workout file, such as 'easy-base-run.yaml', or "
    "{workout: FILE, set: {VAR: VALUE}}"
)
OneSession = Annotated[
    Annotated[WorkoutPath, Tag(_PATH_TAG)] | Annotated[PlanSession, Tag(_SESSION_TAG)],
    Discriminator(_day_kind, custom_error_type="plan", custom_error_message=_SESSION_WORDS),
]
Day = Annotated[
    Annotated[WorkoutPath, Tag(_PATH_TAG)]
    | Annotated[PlanSession, Tag(_SESSION_TAG)]
    | Annotated[list[OneSession], Tag(_LIST_TAG)],
    Discriminator(
        _day_kind,
        custom_error_type="plan",
        custom_error_message=_SESSION_WORDS + ", or a list of those",
    ),
]


class PlanWeek(_Model):
    """A week of the plan, or `repeat` weeks alike."""

    days: dict[Weekday, Day] | None = Field(
        default=None,
        description="Weekdays (mon ... sun, or monday ... sunday) to the sessions of that "
        "day. Empty or left out: a rest week.",
        examples=[{"tue": "easy-base-run.yaml", "sat": {"workout": "long-run.yaml"}}],
        json_schema_extra={
            "propertyNames": {
                "pattern": "^("
                + "|".join(_case_free(name) for name in sorted(WEEKDAY_NUMBERS))
                + ")$"
            }
        },
    )
    repeat: Repeat = 1
    progress: dict[str, Percent] | None = Field(
        default=None,
        description="Vars that change week by week over the `repeat` weeks: the k-th week "
        "(from 0) multiplies the var by (1 + P/100)^k, keeping its unit.",
        examples=[{"distance": "10%"}, {"minutes": "-20%"}],
    )


class Plan(_Model):
    """A training plan: dated weeks of workout sessions."""

    name: Annotated[Text, Field(min_length=1), AfterValidator(_not_blank)] | None = Field(
        default=None,
        description="The plan's name (default: the file's name).",
        examples=["Faster mile in 8 weeks"],
    )
    description: Text | None = Field(
        default=None, description="What the plan is for.", examples=["Base, then speed."]
    )
    start: StartDate
    units: Literal["km", "mi"] | None = Field(
        default=None,
        description="The unit of the plan's weekly volumes and session distances, on `show` "
        "and the site (default: the profile's `units:`, else the unit most of the plan's "
        "distances in km or miles are written in).",
        examples=["mi"],
    )
    vars: SetVars | None = Field(
        default=None,
        description="Vars set for every session whose workout defines them.",
        examples=[{"easy_min": "40min"}],
    )
    weeks: list[PlanWeek] = Field(
        min_length=1,
        description="The weeks, in order, from `start`.",
        examples=[[{"days": {"tue": "easy-base-run.yaml"}}, {"days": {}}]],
    )
