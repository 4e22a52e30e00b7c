"""Text rendering of a step tree for `workoutexport show`, in the units the runner wrote."""

from __future__ import annotations

from dataclasses import dataclass
from typing import assert_never

from . import steps as s
from .diagnostics import printable
from .importers.yaml_out import duration_text as yaml_duration_text
from .importers.yaml_out import until_text
from .units import (
    KG_PER_LB,
    METRES_PER_PACE_UNIT,
    format_distance,
    format_pace,
    format_seconds,
)

# The YAML kind keys, as the runner wrote them.
_KIND = {
    s.Intensity.WARMUP: "warmup",
    s.Intensity.ACTIVE: "run",
    s.Intensity.RECOVERY: "recover",
    s.Intensity.REST: "rest",
    s.Intensity.COOLDOWN: "cooldown",
}


def duration_text(d: s.Duration) -> str:
    """A duration as `show` prints it."""
    match d:
        case s.Time(seconds=sec):
            return format_seconds(sec) if sec >= 60 else f"{sec:g}s"
        case s.Distance(metres=metres):
            return format_distance(metres)
        case s.LapButton():
            return "until lap button"
        case s.HeartRateAbove() | s.HeartRateBelow() | s.Calories():
            # as the runner writes it in YAML
            text = yaml_duration_text(d)
            return text if isinstance(d, s.Calories) else f"until {text}"
        case s.Reps(count=count):
            return f"{count} reps"
        case _:
            assert_never(d)


def target_text(t: s.Target) -> str:
    """A target as `show` prints it."""
    match t:
        case s.SpeedTarget(low_mps=lo, high_mps=hi, view="pace", pace_unit=unit):
            m = METRES_PER_PACE_UNIT[unit]
            return f"pace {format_pace(m / hi)}-{format_pace(m / lo)}/{unit}"
        case s.SpeedTarget(low_mps=lo, high_mps=hi):
            return f"speed {lo * 3.6:.1f}-{hi * 3.6:.1f}km/h"
        case s.HeartRateZone(zone=zone):
            return f"hr zone {zone}"
        case s.HeartRateRange(low=lo, high=hi, percent_max=True):
            return f"hr {lo:.0f}-{hi:.0f}%max"
        case s.HeartRateRange(low=lo, high=hi):
            return f"hr {lo:.0f}-{hi:.0f}bpm"
        case s.CadenceRange(low=lo, high=hi, unit=unit):
            return f"cadence {lo:.0f}-{hi:.0f}{unit}"
        case s.PowerZone(zone=zone):
            return f"power zone {zone}"
        case s.PowerRange(low=lo, high=hi, percent_ftp=True):
            return f"power {lo:.0f}-{hi:.0f}%ftp"
        case s.PowerRange(low=lo, high=hi):
            return f"power {lo:.0f}-{hi:.0f}W"
        case _:
            assert_never(t)


@dataclass
class Totals:
    seconds: float = 0.0
    metres: float = 0.0
    unknown_time: int = 0
    unknown_distance: int = 0

    def add(self, other: Totals, times: int = 1) -> None:
        """Add `other`, `times` over (a repeat's body)."""
        self.seconds += other.seconds * times
        self.metres += other.metres * times
        self.unknown_time += other.unknown_time * times
        self.unknown_distance += other.unknown_distance * times


def _step_totals(step: s.Step) -> Totals:
    t = Totals()
    speed = None
    if isinstance(step.target, s.SpeedTarget):
        speed = (step.target.low_mps + step.target.high_mps) / 2
    match step.duration:
        case s.Time(seconds=sec):
            t.seconds = sec
            if speed:
                t.metres = sec * speed
            else:
                t.unknown_distance = 1
        case s.Distance(metres=metres):
            t.metres = metres
            if speed:
                t.seconds = metres / speed
            else:
                t.unknown_time = 1
        case _:
            t.unknown_time = t.unknown_distance = 1
    return t


def totals(nodes: tuple[s.Node, ...]) -> Totals:
    """Known time and distance of `nodes`, repeats multiplied out."""
    out = Totals()
    for node in nodes:
        if isinstance(node, s.Step):
            out.add(_step_totals(node))
        elif node.until is not None:
            # How many rounds a condition takes is not known: count it as unknown time.
            inner = totals(node.steps)
            inner.unknown_time += 1
            out.add(inner)
        else:
            out.add(totals(node.steps), node.count)
    return out


def render(workout: s.Workout) -> str:
    """The text `workoutexport show` prints for a workout."""
    lines = [workout.name]
    kind = workout.sport.value + (f", {workout.sub_sport}" if workout.sub_sport else "")
    lines.append(f"  sport: {kind}")
    if workout.description:
        lines.append(f"  {workout.description}")
    lines.append("")
    _render_nodes(workout.steps, 1, lines)
    t = totals(workout.steps)
    lines.append("")
    time = format_seconds(t.seconds)
    if t.unknown_time:
        time += f" + {t.unknown_time} step(s) without a set time"
    lines.append(f"total time: {time}")
    if t.metres and not t.unknown_distance:
        lines.append(f"total distance: {format_distance(t.metres)}")
    elif t.metres:
        lines.append(
            f"total distance: at least {format_distance(t.metres)} "
            "(steps without a pace or distance are not counted)"
        )
    # Names, notes and descriptions come from the file: no control character reaches the
    # terminal (a description's line breaks show as \n).
    return "\n".join(printable(line) for line in lines) + "\n"


def _render_nodes(nodes: tuple[s.Node, ...], depth: int, lines: list[str]) -> None:
    pad = "  " * depth
    for node in nodes:
        if isinstance(node, s.Repeat):
            label = f" ({node.name})" if node.name else ""
            times = f"{node.count} times" if node.until is None else until_text(node.until)
            lines.append(f"{pad}repeat {times}{label}:")
            _render_nodes(node.steps, depth + 1, lines)
            continue
        if node.exercise is not None:
            ex = node.exercise
            kind = ex.category_name + (f"/{ex.name_name}" if ex.name_name else "")
            if ex.weight_kg is not None:
                shown = ex.weight_kg if ex.weight_unit == "kg" else ex.weight_kg / KG_PER_LB
                kind += f" @ {shown:g}{ex.weight_unit}"
            if node.intensity is not s.Intensity.ACTIVE:
                kind += f" ({_KIND[node.intensity]} set)"
        else:
            kind = _KIND[node.intensity]
        parts = [f"{pad}{kind:<9} {duration_text(node.duration)}"]
        if node.target is not None:
            parts.append(target_text(node.target))
        if node.secondary is not None:
            parts.append("+ " + target_text(node.secondary))
        if node.name:
            parts.append(f"'{node.name}'")
        if node.note:
            # One line a step: a note's line breaks (Connect writes them) become ' | '.
            lines_of_note = [line.strip() for line in node.note.splitlines() if line.strip()]
            parts.append(f"({' | '.join(lines_of_note)})")
        lines.append("  ".join(parts))
