"""How long and how far a workout is, and a plan's week: the one estimate `show`, plans and the
site print and the 10 % rule compares.

A step's time is its `time:`, or its distance at the middle of its pace target; its distance is
its distance, or its time at that pace. A strength set of `reps:` has no time on the watch
(the runner presses lap); it is counted as :data:`SECONDS_PER_REP` a rep and the total says it
is an estimate. A step with neither (lap button, heart-rate condition) is counted as unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from . import steps as s

#: Time a strength rep takes: a controlled tempo of about 2 s lowering and 1 s lifting (the
#: "2-0-1" tempo strength coaches write), so 12 goblet squats take about 36 s.
SECONDS_PER_REP = 3.0


@dataclass
class Totals:
    """Known time and distance of some steps; `estimated` when part of the time is worked out
    from reps rather than written."""

    seconds: float = 0.0
    metres: float = 0.0
    unknown_time: int = 0
    unknown_distance: int = 0
    estimated: bool = False

    def add(self, other: Totals, times: int = 1) -> None:
        """Add `other`, `times` over (a repeat's body)."""
        self.seconds += other.seconds * times
        self.metres += other.metres * times
        self.unknown_time += other.unknown_time * times
        self.unknown_distance += other.unknown_distance * times
        self.estimated = self.estimated or (other.estimated and times > 0)


def pace_of(step: s.Step) -> s.SpeedTarget | None:
    """The pace or speed a step is held at: its target, or a swim's secondary target (a
    swim's pace stands beside its stroke)."""
    target = step.secondary if isinstance(step.target, s.SwimStroke) else step.target
    return target if isinstance(target, s.SpeedTarget) else None


def step_totals(step: s.Leaf, *, swim: bool = False) -> Totals:
    """One step's time and distance (in a swim, a rest's distance is none, not unknown)."""
    t = Totals()
    if isinstance(step, s.ExerciseStep):
        # A set moves the runner nowhere: its distance is none, not unknown.
        match step.duration:
            case s.Time(seconds=sec):
                t.seconds = sec
            case s.Reps(count=count):
                t.seconds = count * SECONDS_PER_REP
                t.estimated = True
            case _:
                t.unknown_time = 1
        return t
    speed = None
    pace = pace_of(step)
    if pace is not None:
        speed = (pace.low_mps + pace.high_mps) / 2
    match step.duration:
        case s.Time(seconds=sec):
            t.seconds = sec
            if speed:
                t.metres = sec * speed
            elif not (swim and step.intensity is s.Intensity.REST):
                t.unknown_distance = 1
        case s.Distance(metres=metres):
            t.metres = metres
            if speed:
                t.seconds = metres / speed
            else:
                t.unknown_time = 1
        case s.RepetitionTime():
            t.unknown_time = 1  # worked out with the swim before it, in `totals`
        case s.LapButton() if swim and step.intensity is s.Intensity.REST:
            t.unknown_time = 1
        case _:
            t.unknown_time = t.unknown_distance = 1
    return t


def totals(nodes: tuple[s.Node, ...], *, swim: bool = False) -> Totals:
    """Known time and distance of `nodes`, repeats multiplied out (`swim`: a swim's)."""
    out = Totals()
    before: Totals | None = None  # the step before, in this block
    for node in nodes:
        if isinstance(node, s.Step) and isinstance(node.duration, s.RepetitionTime):
            # A send-off: the swim before and this rest together last its time.
            send_off = Totals()
            if before is not None and not before.unknown_time:
                send_off.seconds = max(node.duration.seconds - before.seconds, 0.0)
            elif before is not None:
                send_off.seconds = node.duration.seconds
                send_off.unknown_time = -1  # the swim's time is now known, with this rest
            else:
                send_off.unknown_time = 1
            out.add(send_off)
            before = None
        elif not isinstance(node, s.Repeat):
            before = step_totals(node, swim=swim)
            out.add(before)
        elif node.until is not None:
            # How many rounds a condition takes is not known: count it as unknown time.
            inner = totals(node.steps, swim=swim)
            inner.unknown_time += 1
            out.add(inner)
        else:
            out.add(totals(node.steps, swim=swim), node.count)
        if isinstance(node, s.Repeat):
            before = None
    return out


# --- sessions and weeks ---------------------------------------------------------------------


class SessionAmount(Protocol):
    """What a week's total needs of a session."""

    @property
    def seconds(self) -> float:
        """Its time."""
        ...

    @property
    def metres(self) -> float:
        """Its distance."""
        ...

    @property
    def running(self) -> bool:
        """Whether it is running volume."""
        ...

    @property
    def sport(self) -> str:
        """Its sport ('running', 'cycling', 'swimming', 'strength', ...)."""
        ...

    @property
    def partial(self) -> bool:
        """Whether its distance is a lower bound."""
        ...

    @property
    def estimated(self) -> bool:
        """Whether its time is partly worked out from reps."""
        ...

    @property
    def untimed(self) -> bool:
        """Whether its time is a lower bound (some step has no set time)."""
        ...


@dataclass(frozen=True, slots=True)
class Session:
    """A session's estimate: `running` when it counts towards the running volume (only a run
    does: a ride, a swim or strength is training time of its own sport), `partial` when some
    step has no distance estimate, `estimated` when its time is partly worked out from reps,
    `untimed` when some step has no time estimate (its time is a lower bound)."""

    seconds: float
    metres: float
    running: bool
    partial: bool = False
    estimated: bool = False
    untimed: bool = False
    sport: str = "running"


def session(workout: s.Workout) -> Session:
    """`workout`'s estimate as one session of a plan."""
    t = totals(workout.steps, swim=workout.sport is s.Sport.SWIMMING)
    running = workout.sport is s.Sport.RUNNING
    return Session(
        t.seconds,
        t.metres,
        running,
        bool(t.unknown_distance),
        t.estimated,
        bool(t.unknown_time),
        workout.sport.value,
    )


#: The order a week's other sports are listed in, after running.
OTHER_SPORTS = ("cycling", "swimming", "walking", "other", "strength")


@dataclass(frozen=True, slots=True)
class SportWeek:
    """A week's time and distance in one sport other than running (`partial` when some
    session of it has no distance estimate, `estimated` when its time is partly worked out
    from reps)."""

    sport: str
    seconds: float = 0.0
    metres: float = 0.0
    partial: bool = False
    estimated: bool = False


@dataclass(frozen=True, slots=True)
class Week:
    """A week's running volume (`seconds`, `metres`; `partial` when some running session's
    distance is a lower bound: the 10 % rule compares these) and the time of its other
    sessions: in all (`other_seconds`), and sport by sport (`others`)."""

    seconds: float = 0.0
    metres: float = 0.0
    partial: bool = False
    other_seconds: float = 0.0
    #: Whether `other_seconds` is partly worked out from reps.
    other_estimated: bool = False
    #: Whether `seconds` is a lower bound (some running session has a step without a time).
    untimed: bool = False
    #: Each other sport of the week, in the order of :data:`OTHER_SPORTS`.
    others: tuple[SportWeek, ...] = ()


def week(sessions: Iterable[SessionAmount]) -> Week:
    """The week of `sessions`: running sessions add to the running volume, the others to
    their own sport (a ride or a swim is training time, not running volume)."""
    seconds = metres = 0.0
    partial = untimed = False
    by_sport: dict[str, SportWeek] = {}
    for x in sessions:
        if x.running:
            seconds += x.seconds
            metres += x.metres
            partial = partial or x.partial
            untimed = untimed or x.untimed
        else:
            w = by_sport.get(x.sport, SportWeek(x.sport))
            by_sport[x.sport] = SportWeek(
                x.sport,
                w.seconds + x.seconds,
                w.metres + x.metres,
                w.partial or x.partial,
                w.estimated or x.estimated,
            )
    order = {sport: i for i, sport in enumerate(OTHER_SPORTS)}
    others = tuple(sorted(by_sport.values(), key=lambda w: (order.get(w.sport, 99), w.sport)))
    return Week(
        seconds,
        metres,
        partial,
        sum(w.seconds for w in others),
        any(w.estimated for w in others),
        untimed,
        others,
    )


def weeks(sessions: Iterable[tuple[int, SessionAmount]], count: int) -> list[Week]:
    """Weeks 1 to `count` from (week number, session) pairs."""
    by_week: list[list[SessionAmount]] = [[] for _ in range(count)]
    for number, x in sessions:
        by_week[number - 1].append(x)
    return [week(xs) for xs in by_week]


# --- the unit a plan speaks in --------------------------------------------------------------

#: The units a plan's volumes are given in.
PLAN_UNITS = ("km", "mi")

_UNIT_WORDS = {
    "k": "km",
    "km": "km",
    "mi": "mi",
    "mile": "mi",
    "miles": "mi",
    "yd": "yd",
    "yds": "yd",
}


def written_unit(written: str | None) -> str | None:
    """The distance unit a duration was written in ('km', 'mi', 'yd'), None for metres/other."""
    if not written:
        return None
    m = re.search(r"([a-z]+)\s*$", written.lower())
    return _UNIT_WORDS.get(m.group(1)) if m else None


def written_unit_counts(nodes: tuple[s.Node, ...], counts: dict[str, int]) -> None:
    """Add to `counts` each step whose distance is written in km or miles (metres and yards,
    the track's units, say nothing about the unit a runner counts the week in)."""
    for node in nodes:
        if isinstance(node, s.Repeat):
            written_unit_counts(node.steps, counts)
        elif isinstance(node, s.Step) and isinstance(node.duration, s.Distance):
            unit = written_unit(node.written)
            if unit in PLAN_UNITS:
                counts[unit] = counts.get(unit, 0) + 1


def plan_unit(workouts: Iterable[s.Workout], *chosen: str | None) -> str:
    """The unit of a plan's volumes: the first of `chosen` given (`--units`, the plan's
    `units:`, the profile's), else the unit most of its sessions' distances are written in
    (km when as many are in km, or none is written in either)."""
    for unit in chosen:
        if unit is not None:
            return unit
    counts: dict[str, int] = {}
    for workout in workouts:
        written_unit_counts(workout.steps, counts)
    return "mi" if counts.get("mi", 0) > counts.get("km", 0) else "km"
