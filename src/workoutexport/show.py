"""Text rendering of a step tree for `workoutexport show`, in the units the runner wrote.

The tree is in SI units; the runner's own spelling comes from each step's `written` display
hint (`2mi` stays miles, `10-15min` shows its range and pick). Files read back (FIT, TCX) have
no such hint: a distance that is a whole number of miles or yards to the file's precision (FIT
stores centimetres) is shown in that unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, assert_never

from . import steps as s
from .diagnostics import printable
from .estimate import SECONDS_PER_REP, pace_of, totals, written_unit
from .importers.yaml_out import duration_text as yaml_duration_text
from .importers.yaml_out import target_text as yaml_target_text
from .importers.yaml_out import until_text
from .units import (
    HR_ZONES_PERCENT_MAX,
    KG_PER_LB,
    METRES_PER_PACE_UNIT,
    METRES_PER_UNIT,
    format_distance,
    format_number,
    format_pace,
    format_seconds,
)

if TYPE_CHECKING:
    from .profile import Profile

_HR_ZONES = HR_ZONES_PERCENT_MAX


def _file_unit(metres: float) -> str | None:
    """A unit a distance read from a file is a whole (or half) number of, to FIT's 1 cm."""
    for unit in ("mi", "yd"):
        n = metres / METRES_PER_UNIT[unit]
        if n >= 0.5 and abs(round(n * 2) / 2 - n) * METRES_PER_UNIT[unit] < 0.011:
            return unit
    return None


def distance_in(metres: float, unit: str | None, *, convert: bool = False) -> str:
    """`metres` in `unit` ('km', 'mi', 'yd'; None: metres up to 1 km, then km). When
    converting (--units), short distances keep a readable size: metres below 1 km, yards
    below a quarter mile."""
    if convert and unit == "km":
        return format_distance(metres)
    if convert and unit == "mi" and metres < METRES_PER_UNIT["mi"] / 4:
        unit = "yd"
    if unit in ("mi", "yd", "km"):
        return f"{format_number(metres / METRES_PER_UNIT[unit])}{unit}"
    return format_distance(metres)


def duration_text(
    d: s.Duration | s.ExerciseDuration, written: str | None = None, units: str | None = None
) -> str:
    """A duration as `show` prints it: a distance in `units`, else in the unit `written`."""
    match d:
        case s.Time(seconds=sec):
            return format_seconds(sec) if sec >= 60 else f"{sec:g}s"
        case s.Distance(metres=metres):
            if units:
                return distance_in(metres, units, convert=True)
            return distance_in(metres, written_unit(written) or _file_unit(metres))
        case s.LapButton():
            return "until lap button"
        case s.HeartRateAbove() | s.HeartRateBelow() | s.Calories():
            # as the runner writes it in YAML
            text = yaml_duration_text(d)
            return text if isinstance(d, s.Calories) else f"until {text}"
        case s.Reps(count=count):
            return f"{count} reps"
        case s.RepetitionTime(seconds=sec):
            return f"until {format_seconds(sec)} (send-off)"
        case _:
            assert_never(d)


def target_text(
    t: s.Target,
    units: str | None = None,
    hr_max: float | None = None,
    file: Literal["fit", "tcx"] | None = None,
) -> str:
    """A target as `show` prints it (paces and speeds in `units` when given; heart-rate zones
    with their bpm when `hr_max` is known). A pace read from a `file` is shown per mile when
    that is what it was written in (whole seconds per mile, as import decides)."""
    if file is not None and units is None and isinstance(t, s.SpeedTarget) and t.view == "pace":
        units = yaml_target_text(t, file)[1].rpartition("/")[2]
    match t:
        case s.SpeedTarget(low_mps=lo, high_mps=hi, view="pace", pace_unit=unit) if unit in (
            "100m",
            "100yd",
        ):
            # A swim's pace stays per 100: --units mi shows it per 100 yd, km per 100 m.
            per = {"mi": "100yd", "km": "100m"}.get(units or "", units or unit)
            if per not in ("100m", "100yd"):
                per = unit
            m = METRES_PER_PACE_UNIT[per]
            return f"pace {format_pace(m / hi)}-{format_pace(m / lo)}/{per}"
        case s.SpeedTarget(low_mps=lo, high_mps=hi, view="pace", pace_unit=unit):
            per = "mi" if units == "mi" else "km" if units == "km" else unit
            m = METRES_PER_PACE_UNIT[per]
            return f"pace {format_pace(m / hi)}-{format_pace(m / lo)}/{per}"
        case s.SpeedTarget(low_mps=lo, high_mps=hi) if units == "mi":
            mph = 3600 / METRES_PER_UNIT["mi"]
            return f"speed {lo * mph:.1f}-{hi * mph:.1f}mph"
        case s.SpeedTarget(low_mps=lo, high_mps=hi):
            return f"speed {lo * 3.6:.1f}-{hi * 3.6:.1f}km/h"
        case s.HeartRateZone(zone=zone) if hr_max and zone in _HR_ZONES:
            low, high = _HR_ZONES[zone]
            return f"hr zone {zone} ({hr_max * low / 100:.0f}-{hi_bpm(hr_max, high)}bpm)"
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
        case s.SwimStroke(stroke=stroke):
            return f"stroke {stroke}"
        case _:
            assert_never(t)


def hi_bpm(hr_max: float, percent: int) -> str:
    """The top of a zone in bpm."""
    return f"{hr_max * percent / 100:.0f}"


def _all_steps(nodes: tuple[s.Node, ...]) -> list[s.Step]:
    out: list[s.Step] = []
    for node in nodes:
        if isinstance(node, s.Step):
            out.append(node)
        elif isinstance(node, s.Repeat):
            out.extend(_all_steps(node.steps))
    return out


def file_pace_unit(workout: s.Workout, file: Literal["fit", "tcx"]) -> str | None:
    """The one unit a file's paces are shown in: the one most of them round-trip in (whole
    seconds per mile or per km, as import decides); km on a tie; None without paces."""
    found: list[str] = []
    for step in _all_steps(workout.steps):
        for target in (step.target, step.secondary):
            if isinstance(target, s.SpeedTarget) and target.view == "pace":
                found.append(yaml_target_text(target, file)[1].rpartition("/")[2])
    if not found:
        return None
    if workout.sport is s.Sport.SWIMMING:
        return "100yd" if found.count("100yd") > found.count("100m") else "100m"
    return "mi" if found.count("mi") > found.count("km") else "km"


def render(
    workout: s.Workout,
    *,
    units: str | None = None,
    profile: Profile | None = None,
    pick: str = "low",
    file: Literal["fit", "tcx"] | None = None,
) -> str:
    """The text `workoutexport show` prints for a workout.

    `units` ('km', 'mi') converts every distance and pace; by default each is shown as
    written, and totals in miles when the workout's distances were written in miles.
    """
    written = [written_unit(st.written) for st in _all_steps(workout.steps)]
    total_unit = units or ("mi" if "mi" in written else None)
    if workout.sport is s.Sport.SWIMMING and units is None:
        total_unit = "yd" if workout.pool_unit == "yd" or "yd" in written else None
    hr_max = profile.hr_max if profile is not None else None
    paces = units
    if file is not None and units is None:
        paces = file_pace_unit(workout, file)
    ctx = _Ctx(units, hr_max, pick, file, paces, workout.sport, workout.pool_metres)
    lines = [workout.name]
    kind = workout.sport.value + (f", {workout.sub_sport}" if workout.sub_sport else "")
    if workout.pool_metres is not None and workout.pool_unit is not None:
        size = workout.pool_metres / METRES_PER_UNIT[workout.pool_unit]
        kind += f", {size:.4g} {workout.pool_unit} pool"
    lines.append(f"  sport: {kind}")
    if workout.description:
        lines.append(f"  {workout.description}")
    lines.append("")
    _render_nodes(workout.steps, 1, lines, ctx)
    t = totals(workout.steps, swim=workout.sport.value == "swimming")
    lines.append("")
    time = format_seconds(t.seconds)
    if t.estimated:
        time = f"~{time} (sets at {SECONDS_PER_REP:g} s a rep)"
    if t.unknown_time:
        time += f" + {t.unknown_time:,} step(s) without a set time"
    lines.append(f"total time: {time}")
    if t.metres and not t.unknown_distance:
        lines.append(f"total distance: {distance_in(t.metres, total_unit)}")
    elif t.metres:
        lines.append(
            f"total distance: at least {distance_in(t.metres, total_unit)} "
            "(steps without a pace or distance are not counted)"
        )
    # Names, notes and descriptions come from the file: no control character reaches the
    # terminal (a description's line breaks show as \n).
    return "\n".join(printable(line) for line in lines) + "\n"


@dataclass(frozen=True)
class _Ctx:
    units: str | None
    hr_max: float | None
    pick: str
    file: Literal["fit", "tcx"] | None = None
    #: The unit every pace is shown in (`--units`, or a file's one unit), else as written.
    paces: str | None = None
    sport: s.Sport = s.Sport.RUNNING
    #: A pool swim's pool length in metres: distances are shown in lengths too.
    pool: float | None = None


def _range_note(written: str | None, pick: str) -> str:
    """' (6-8, --pick low)' when the value was written as a range, else ''."""
    if written and re.search(r"\d\s*-\s*\d", written) and "<" not in written and ">" not in written:
        return f" ({written}, --pick {pick})"
    return ""


def words(name: str) -> str:
    """An exercise's profile name in words: 'goblet_squat' -> 'Goblet Squat'."""
    return " ".join(part.capitalize() for part in name.split("_") if part)


def _estimate(step: s.Step) -> str:
    """'~m:ss' for a distance step whose pace target gives its time, else ''."""
    pace = pace_of(step)
    if isinstance(step.duration, s.Distance) and pace is not None:
        speed = (pace.low_mps + pace.high_mps) / 2
        return f"~{format_seconds(step.duration.metres / speed)}"
    return ""


def _render_nodes(nodes: tuple[s.Node, ...], depth: int, lines: list[str], ctx: _Ctx) -> None:
    pad = "  " * depth
    for node in nodes:
        if isinstance(node, s.Repeat):
            label = f" ({node.name})" if node.name else ""
            times = f"{node.count} times" if node.until is None else until_text(node.until)
            if node.until is None:
                times += _range_note(node.written, ctx.pick)
            lines.append(f"{pad}repeat {times}{label}:")
            _render_nodes(node.steps, depth + 1, lines, ctx)
            continue
        if isinstance(node, s.ExerciseStep):
            ex = node.exercise
            kind = words(ex.exercise_name or ex.category_name)
            if node.weight_kg is not None:
                kg = node.weight_kg
                shown = kg if node.weight_unit == "kg" else kg / KG_PER_LB
                kind += f" @ {shown:g}{node.weight_unit}"
            if node.intensity is not s.Intensity.ACTIVE:
                kind += f" ({s.WRITTEN_KIND[node.intensity]} set)"
        else:
            kind = s.written_kind(node, ctx.sport)
        duration = duration_text(node.duration, node.written, ctx.units)
        if ctx.pool and isinstance(node.duration, s.Distance) and isinstance(node, s.Step):
            lengths = round(node.duration.metres / ctx.pool)
            duration += f" ({lengths} length{'s' if lengths != 1 else ''})"
        duration += _range_note(node.written, ctx.pick)
        parts = [f"{pad}{kind:<9} {duration}"]
        estimate = _estimate(node) if isinstance(node, s.Step) else ""
        if estimate:
            parts.append(estimate)
        if isinstance(node, s.Step) and node.target is not None:
            parts.append(target_text(node.target, ctx.paces, ctx.hr_max, ctx.file))
        if isinstance(node, s.Step) and node.secondary is not None:
            parts.append("+ " + target_text(node.secondary, ctx.paces, ctx.hr_max, ctx.file))
        if isinstance(node, s.Step) and node.equipment is not None:
            parts.append(f"with {node.equipment.replace('_', ' ')}")
        if node.name:
            parts.append(f"'{node.name}'")
        if node.note:
            # One line a step: a note's line breaks (Connect writes them) become ' | '.
            lines_of_note = [line.strip() for line in node.note.splitlines() if line.strip()]
            parts.append(f"({' | '.join(lines_of_note)})")
        lines.append("  ".join(parts))
