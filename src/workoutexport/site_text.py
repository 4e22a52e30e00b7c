"""What the site's pages say, in a runner's words rather than the command line's.

`show` speaks to whoever runs the tool ("10:00 (10-15min, --pick low)"); the site speaks to
the athlete who runs the workout ("10-15 min: 10 min shown"). Times are rounded as a coach
would write them, distances to 0.1 of their unit, and every number is spaced from its unit.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from . import steps as s
from .units import KG_PER_LB, METRES_PER_KM, METRES_PER_MILE, METRES_PER_YARD

_KIND = {
    s.Intensity.WARMUP: "Warm-up",
    s.Intensity.ACTIVE: "Run",
    s.Intensity.RECOVERY: "Recover",
    s.Intensity.REST: "Rest",
    s.Intensity.COOLDOWN: "Cool-down",
}
#: The multiplication sign, as in "8 x 400 m".
TIMES = "\u00d7"
_RANGE = re.compile(r"\d\s*-\s*\d")


def spaced(text: str) -> str:
    """A number and its unit with a space between them: '400m' -> '400 m', '5.4mi' -> '5.4 mi'."""
    return re.sub(r"(\d)(?=(?:km|mi|m|yd|s|min|h|bpm|spm|rpm|W|kg|lb)\b)", r"\1 ", text)


def time_text(seconds: float) -> str:
    """A time as a coach writes it: '30 s', '2:30', '4 min', '52 min', '1 h 05 min'.

    Below 10 minutes to the second, from 10 minutes to the whole minute.
    """
    if not math.isfinite(seconds):
        return "too long to count"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 600:
        m, sec = divmod(whole, 60)
        return f"{m} min" if not sec else f"{m}:{sec:02d}"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def distance_text(metres: float, unit: str | None = None) -> str:
    """A distance to 0.1 of `unit` ('km', 'mi'; by default metres below 1 km, else km);
    whole metres and yards stay whole ('400 m')."""
    if not math.isfinite(metres):
        return "too far to count"
    if unit is None and metres < 1000:
        return f"{metres:.0f} m"
    if unit == "yd":
        return f"{metres / METRES_PER_YARD:.0f} yd"
    size = METRES_PER_MILE if unit == "mi" else METRES_PER_KM
    return f"{round(metres / size, 1):g} {'mi' if unit == 'mi' else 'km'}"


def _step_distance(metres: float, unit: str | None) -> str:
    """A step's distance as written, to the hundredth: '400 m', '5.25 km', '6.3 mi'."""
    if not math.isfinite(metres):
        return "too far to count"
    if unit == "yd" or (unit is None and metres < 1000):
        return distance_text(metres, unit)
    size = METRES_PER_MILE if unit == "mi" else METRES_PER_KM
    return f"{round(metres / size, 2):g} {'mi' if unit == 'mi' else 'km'}"


def written_in_miles(nodes: tuple[s.Node, ...]) -> bool:
    """Whether any step's distance is written in miles (its totals are then in miles)."""
    from .estimate import written_unit

    for node in nodes:
        if isinstance(node, s.Repeat):
            if written_in_miles(node.steps):
                return True
        elif isinstance(node, s.Step) and written_unit(node.written) == "mi":
            return True
    return False


def amount_text(
    seconds: float,
    metres: float,
    unit: str | None = None,
    *,
    untimed: bool = False,
    partial: bool = False,
) -> str:
    """'45 min · 7.8 km': a time and, when known, a distance (in km unless `unit`); '≥ '
    before a time that leaves steps out (`untimed`) and a distance that does (`partial`),
    as the index's cards and `show` give them."""
    time = time_text(seconds) if seconds else ""
    distance = distance_text(metres, unit or "km") if metres else ""
    time = f"≥ {time}" if time and untimed else time
    distance = f"≥ {distance}" if distance and partial else distance
    return " · ".join(x for x in (time, distance) if x)


def _duration(d: s.Duration | s.ExerciseDuration, written: str | None) -> str:
    """A step's length as the athlete reads it, with a written range and the value shown."""
    from .estimate import written_unit

    match d:
        case s.Time(seconds=sec):
            # Written in seconds ('60-90s'): the value shown stays in seconds ('60 s').
            in_seconds = written and re.search(r"\ds$", written.replace(" ", ""))
            text = f"{sec:g} s" if in_seconds else time_text(sec)
        case s.Distance(metres=metres):
            text = _step_distance(metres, written_unit(written))
        case s.LapButton():
            return "until you press lap"
        case s.Reps(count=count):
            return f"{count} reps"
        case _:
            from .show import duration_text

            return spaced(duration_text(d))
    if written and _RANGE.search(written) and "<" not in written and ">" not in written:
        return f"{spaced(written)}: {text} shown"
    return text


def _estimate(step: s.Step) -> str:
    from .estimate import pace_of

    pace = pace_of(step)
    if isinstance(step.duration, s.Distance) and pace is not None:
        speed = (pace.low_mps + pace.high_mps) / 2
        return f"about {time_text(step.duration.metres / speed)}"
    return ""


@dataclass
class StepLine:
    """One line of a workout's steps on its page; a repeat holds its steps in `steps`."""

    what: str
    amount: str
    details: list[str] = field(default_factory=list)
    name: str = ""
    note: str = ""
    steps: list[StepLine] = field(default_factory=list)


def step_lines(nodes: tuple[s.Node, ...], sport: s.Sport = s.Sport.RUNNING) -> list[StepLine]:
    """A workout's steps for its page: 'Warm-up 10-15 min: 10 min shown · pace 5:30-6:00/km'
    (a swim's work is 'Swim' or 'Drill', a ride's 'Ride')."""
    from .show import target_text, words

    out: list[StepLine] = []
    for node in nodes:
        if isinstance(node, s.Repeat):
            if node.until is not None:
                from .importers.yaml_out import until_text

                times = spaced(until_text(node.until))
            elif node.written and _RANGE.search(node.written):
                times = f"{node.written} times: {node.count} shown"
            else:
                times = f"{node.count} times"
            out.append(
                StepLine("Repeat", times, name=node.name or "", steps=step_lines(node.steps, sport))
            )
            continue
        if isinstance(node, s.ExerciseStep):
            ex = node.exercise
            what = words(ex.exercise_name or ex.category_name)
            details = []
            if node.weight_kg is not None:
                kg = node.weight_kg
                shown = kg if node.weight_unit == "kg" else kg / KG_PER_LB
                details.append(f"{shown:g} {node.weight_unit}")
            if node.intensity is not s.Intensity.ACTIVE:
                details.append(f"{_KIND[node.intensity].lower()} set")
        else:
            kind = s.written_kind(node, sport)
            what = {"swim": "Swim", "drill": "Drill", "active": "Ride"}.get(kind) or _KIND[
                node.intensity
            ]
            details = [x for x in (_estimate(node),) if x]
            details += [spaced(target_text(t)) for t in s.targets_of(node)]
        out.append(
            StepLine(
                what,
                _duration(node.duration, node.written),
                details,
                name=node.name or "",
                note=" ".join(node.note.split()) if node.note else "",
            )
        )
    return out


def main_set(workout: s.Workout, unit: str | None = None) -> str:
    """What a session is, in its own values: '8 x 400 m', '5 mi', '45 min', '3 x 5
    exercises' (with a multiplication sign).

    The steps between the warm-up and the cool-down: a repeat as count times its effort, a
    single step as its length; one part or several joined by ' + '.
    """
    parts = []
    for node in workout.steps:
        if isinstance(node, s.Repeat):
            if node.until is not None:
                continue
            sets = [x for x in node.steps if isinstance(x, s.ExerciseStep)]
            if sets:
                plural = "s" if len(sets) != 1 else ""
                parts.append(f"{node.count} {TIMES} {len(sets)} exercise{plural}")
                continue
            efforts = [
                x for x in node.steps if isinstance(x, s.Step) and x.intensity is s.Intensity.ACTIVE
            ]
            if efforts:
                parts.append(f"{node.count} {TIMES} {_bare(efforts[0])}")
        elif isinstance(node, s.Step) and node.intensity is s.Intensity.ACTIVE:
            parts.append(_bare(node, unit))
    return " + ".join(parts)


def _bare(step: s.Step, unit: str | None = None) -> str:
    """A step's length without its range, to 0.1 of a km or mile: '400 m', '5.8 mi'."""
    from .estimate import written_unit

    match step.duration:
        case s.Time(seconds=sec):
            return time_text(sec)
        case s.Distance(metres=metres):
            shown = unit or written_unit(step.written)
            return distance_text(metres, shown if shown or metres < 1000 else "km")
        case _:
            return _duration(step.duration, None)
