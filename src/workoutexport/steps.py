"""The step tree: a compiled workout in SI units with every target resolved.

Every emitter reads this and nothing else. Values are frozen, slotted, keyword-only dataclasses
holding tuples; field names carry their units. `source` (where in the YAML a node came from) is
ignored by equality, so trees compare by meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Literal

from .diagnostics import Position

_NOWHERE = Position("<generated>")


class Intensity(Enum):
    WARMUP = "warmup"
    ACTIVE = "active"
    RECOVERY = "recovery"
    REST = "rest"
    COOLDOWN = "cooldown"


# --- the step kinds a workout writes ----------------------------------------------------------
# One definition for the model, compile, lint, show, the site and import.

#: The kinds of timed step (the key that makes a mapping one), and the intensity each gives.
TIMED_KINDS: dict[str, Intensity] = {
    "warmup": Intensity.WARMUP,
    "run": Intensity.ACTIVE,
    "active": Intensity.ACTIVE,
    "swim": Intensity.ACTIVE,
    "drill": Intensity.ACTIVE,
    "ramp": Intensity.ACTIVE,
    "recover": Intensity.RECOVERY,
    "rest": Intensity.REST,
    "cooldown": Intensity.COOLDOWN,
}
#: Every step kind, in the order the reference lists them.
STEP_KINDS: tuple[str, ...] = (*TIMED_KINDS, "exercise", "repeat")
#: The timed kinds run easy, where a short distance is likely minutes written as `m`.
EASY_KINDS: frozenset[str] = frozenset(
    kind for kind, intensity in TIMED_KINDS.items() if intensity is not Intensity.ACTIVE
)
#: The kinds only a swim has (a pool swim counts them in lengths).
SWIM_KINDS: frozenset[str] = frozenset({"swim", "drill"})
#: The kind a step of each intensity is written as (show, import): `run` for an active one.
WRITTEN_KIND: dict[Intensity, str] = {
    Intensity.WARMUP: "warmup",
    Intensity.ACTIVE: "run",
    Intensity.RECOVERY: "recover",
    Intensity.REST: "rest",
    Intensity.COOLDOWN: "cooldown",
}


class Sport(Enum):
    RUNNING = "running"
    CYCLING = "cycling"
    WALKING = "walking"
    STRENGTH = "strength"
    SWIMMING = "swimming"
    OTHER = "other"


# --- durations ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Time:
    seconds: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Distance:
    metres: float


@dataclass(frozen=True, slots=True, kw_only=True)
class LapButton:
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class HeartRateAbove:
    """Until heart rate rises above `bpm` (or `percent_max`); exactly one is set."""

    bpm: float | None = None
    percent_max: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class HeartRateBelow:
    bpm: float | None = None
    percent_max: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Calories:
    kcal: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Reps:
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RepetitionTime:
    """A swim's send-off (`rest: until 1:45`): rest until `seconds` after the start of the
    swim before it in the same repeat (FIT repetition_time)."""

    seconds: float


#: How long a timed step lasts. Repetitions are not among them: only an exercise has reps.
Duration = Time | Distance | LapButton | HeartRateAbove | HeartRateBelow | Calories | RepetitionTime

#: How long an exercise step lasts: a number of repetitions, a time, or until the lap button.
ExerciseDuration = Reps | Time | LapButton


@dataclass(frozen=True, slots=True, kw_only=True)
class PowerAbove:
    """Until power rises above `watts` (a repeat's condition only)."""

    watts: float


@dataclass(frozen=True, slots=True, kw_only=True)
class PowerBelow:
    watts: float


#: What a conditional repeat runs until (FIT only).
RepeatUntil = Time | Distance | Calories | HeartRateAbove | HeartRateBelow | PowerAbove | PowerBelow


# --- targets --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class SpeedTarget:
    """A speed window, low = slower. `view` says how the runner wrote it."""

    low_mps: float
    high_mps: float
    view: Literal["pace", "speed"]
    pace_unit: Literal["km", "mi", "100m", "100yd"] = "km"


@dataclass(frozen=True, slots=True, kw_only=True)
class HeartRateZone:
    zone: int


@dataclass(frozen=True, slots=True, kw_only=True)
class HeartRateRange:
    """Beats per minute, or percent of maximum heart rate when `percent_max`."""

    low: float
    high: float
    percent_max: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class CadenceRange:
    """Steps per minute (running) or revolutions per minute (cycling)."""

    low: float
    high: float
    unit: Literal["spm", "rpm"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PowerZone:
    zone: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PowerRange:
    """Watts, or percent of FTP when `percent_ftp`."""

    low: float
    high: float
    percent_ftp: bool = False


#: The strokes a swim step names, as written; `choice` is any stroke (FIT: no stroke value).
STROKES: tuple[str, ...] = ("free", "back", "breast", "fly", "drill", "mixed", "im", "choice")
#: Swim equipment, as written (FIT workout_equipment swim_*).
EQUIPMENT: tuple[str, ...] = ("fins", "kickboard", "paddles", "pull_buoy", "snorkel")


@dataclass(frozen=True, slots=True, kw_only=True)
class SwimStroke:
    """The stroke to swim, one of STROKES."""

    stroke: str


Target = (
    SpeedTarget
    | HeartRateZone
    | HeartRateRange
    | CadenceRange
    | PowerZone
    | PowerRange
    | SwimStroke
)


# --- steps ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Exercise:
    """A FIT exercise: its category, and optionally one exercise in it, as numbers and names.

    `category`/`category_name` is the group ('lunge', 22); `exercise`/`exercise_name` the
    exercise within it ('walking_lunge'), absent when only the category was written.
    """

    category: int
    category_name: str
    exercise: int | None = None
    exercise_name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """A timed step: how long it lasts, and what to hold it at."""

    intensity: Intensity
    duration: Duration
    target: Target | None = None
    secondary: Target | None = None
    name: str | None = None
    note: str | None = None
    #: Swim equipment, one of EQUIPMENT.
    equipment: str | None = None
    #: Set on a ramp: the target (a PowerRange or SpeedTarget) is gone through over the step,
    #: `up` from its low end to its high one (power rising, speed rising), `down` the other way.
    ramp: Literal["up", "down"] | None = None
    source: Position = field(default=_NOWHERE, compare=False, repr=False)
    # Where each part was written, so that a format's complaint points at it.
    duration_source: Position = field(default=_NOWHERE, compare=False, repr=False)
    target_source: Position = field(default=_NOWHERE, compare=False, repr=False)
    secondary_source: Position = field(default=_NOWHERE, compare=False, repr=False)
    name_source: Position = field(default=_NOWHERE, compare=False, repr=False)
    note_source: Position = field(default=_NOWHERE, compare=False, repr=False)
    #: A display hint, ignored by equality: the duration as the runner wrote it (variables
    #: substituted), so `show` keeps `2mi` in miles and shows a range and its pick.
    written: str | None = field(default=None, compare=False, repr=False)


#: The intensities an exercise set can have, as Garmin Connect marks them.
ExerciseIntensity = Literal[Intensity.WARMUP, Intensity.ACTIVE, Intensity.COOLDOWN]


@dataclass(frozen=True, slots=True, kw_only=True)
class ExerciseStep:
    """A strength set: an exercise for a number of reps, a time, or until the lap button.

    `name` is the exercise's display title (FIT exercise_title), not a step name.
    """

    exercise: Exercise
    duration: ExerciseDuration
    intensity: ExerciseIntensity = Intensity.ACTIVE
    weight_kg: float | None = None
    weight_unit: Literal["kg", "lb"] = "kg"
    name: str | None = None
    note: str | None = None
    source: Position = field(default=_NOWHERE, compare=False, repr=False)
    duration_source: Position = field(default=_NOWHERE, compare=False, repr=False)
    name_source: Position = field(default=_NOWHERE, compare=False, repr=False)
    note_source: Position = field(default=_NOWHERE, compare=False, repr=False)
    #: A display hint, ignored by equality: a set's time as written (`45s`, `30-45s`).
    written: str | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Repeat:
    count: int
    steps: tuple[Node, ...]
    name: str | None = None
    #: Set for `repeat: until ...`: the block repeats until this holds, and `count` is unused.
    until: RepeatUntil | None = None
    source: Position = field(default=_NOWHERE, compare=False, repr=False)
    #: A display hint, ignored by equality: the count as written, such as `6-8`.
    written: str | None = field(default=None, compare=False, repr=False)


#: A step that runs once when reached: timed, or an exercise set.
Leaf = Step | ExerciseStep
Node = Step | ExerciseStep | Repeat


@dataclass(frozen=True, slots=True, kw_only=True)
class Workout:
    """A compiled workout, as `load_workout` returns it: what the workout means, with every
    var, range and named pace resolved and every value in SI units; the emitters read it."""

    name: str
    sport: Sport
    sub_sport: str | None = None
    #: A pool swim's pool length in metres, and the unit it was given in.
    pool_metres: float | None = None
    pool_unit: Literal["m", "yd"] | None = None
    short_name: str | None = None
    description: str | None = None
    steps: tuple[Node, ...] = ()
    source: Position = field(default=_NOWHERE, compare=False, repr=False)
    name_source: Position = field(default=_NOWHERE, compare=False, repr=False)
    description_source: Position = field(default=_NOWHERE, compare=False, repr=False)
    steps_source: Position = field(default=_NOWHERE, compare=False, repr=False)
    sport_source: Position = field(default=_NOWHERE, compare=False, repr=False)


def count_nodes(nodes: tuple[Node, ...]) -> int:
    """Steps and repeats, each once: FIT's workout_step messages, TCX's StepIds."""
    total = 0
    stack: list[Node] = list(nodes)
    while stack:
        node = stack.pop()
        total += 1
        if isinstance(node, Repeat):
            stack.extend(node.steps)
    return total


def targets_of(step: Leaf) -> tuple[Target, ...]:
    """A step's targets, primary first; an exercise set has none."""
    if isinstance(step, ExerciseStep):
        return ()
    return tuple(t for t in (step.target, step.secondary) if t is not None)


def written_kind(step: Step, sport: Sport) -> str:
    """The kind a timed step is written as (show, import): WRITTEN_KIND, but a swim's work is
    `swim` (`drill` when its stroke target is the drill) and a ride's `active`."""
    if step.ramp is not None:
        return "ramp"
    if sport is Sport.SWIMMING and step.intensity is Intensity.ACTIVE:
        return "drill" if step.target == SwimStroke(stroke="drill") else "swim"
    if sport is Sport.CYCLING and step.intensity is Intensity.ACTIVE:
        return "active"  # a rider does not run
    return WRITTEN_KIND[step.intensity]


# --- ramps in formats without them ----------------------------------------------------------

#: A ramp becomes one steady slice per this many seconds (FIT and TCX have no ramp) ...
RAMP_SLICE_SECONDS = 60
#: ... and at most this many slices, however long the ramp.
RAMP_MAX_SLICES = 10


def ramp_ends(step: Step) -> tuple[float, float]:
    """A ramp's start and end values: watts or %FTP, or metres per second."""
    target = step.target
    if isinstance(target, PowerRange):
        lo, hi = target.low, target.high
    elif isinstance(target, SpeedTarget):
        lo, hi = target.low_mps, target.high_mps
    else:  # pragma: no cover - compile and import give a ramp a power or speed range
        raise AssertionError(target)
    return (lo, hi) if step.ramp == "up" else (hi, lo)


def ramp_slices(step: Step, tick: float) -> tuple[Step, ...]:
    """A ramp as steady steps of equal time: one a minute (at least one, at most
    RAMP_MAX_SLICES), each targeting its own part of the ramp's range, in the ramp's order.
    Times are split in whole `tick`s (the format's time unit, in seconds: its emitter says)
    and add up to the ramp's time."""
    assert step.ramp is not None and isinstance(step.duration, Time)
    total = round(step.duration.seconds / tick)
    n = max(1, min(RAMP_MAX_SLICES, round(step.duration.seconds / RAMP_SLICE_SECONDS)))
    start, end = ramp_ends(step)
    out: list[Step] = []
    for i in range(n):
        a = start + (end - start) * i / n
        b = start + (end - start) * (i + 1) / n
        lo, hi = min(a, b), max(a, b)
        target: Target
        if isinstance(step.target, PowerRange):
            target = PowerRange(low=lo, high=hi, percent_ftp=step.target.percent_ftp)
        else:
            assert isinstance(step.target, SpeedTarget)
            target = SpeedTarget(
                low_mps=lo, high_mps=hi, view=step.target.view, pace_unit=step.target.pace_unit
            )
        ticks = total * (i + 1) // n - total * i // n
        out.append(
            replace(
                step,
                ramp=None,
                duration=Time(seconds=ticks * tick),
                target=target,
                note=step.note if i == 0 else None,
            )
        )
    return tuple(out)


def split_ramps(nodes: tuple[Node, ...], tick: float) -> tuple[Node, ...]:
    """`nodes` with every ramp, in repeats too, replaced by its ramp_slices (`tick`: the
    format's time unit, in seconds)."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, Repeat):
            out.append(replace(node, steps=split_ramps(node.steps, tick)))
        elif isinstance(node, Step) and node.ramp is not None:
            out.extend(ramp_slices(node, tick))
        else:
            out.append(node)
    return tuple(out)
