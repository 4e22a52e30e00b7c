"""Step tree -> YAML in the workout format, with absolute targets (no profile needed).

Numbers are written as readably as they can be while still building back to the same stored
values: a pace is `m:ss` when that reproduces the file's speed exactly, and gains decimals of
a second only when it must.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable
from typing import Any, Literal, assert_never

from .. import steps as s
from ..diagnostics import MAX_PATH, printable
from ..formats.fit.units import CM_PER_M as CM
from ..formats.fit.units import MS_PER_S as MS
from ..formats.fit.units import centimetres, milliseconds, speed_raw, weight_raw
from ..formats.tcx.units import same_speed as tcx_same
from ..units import (
    KG_PER_LB,
    METRES_PER_MILE,
    METRES_PER_PACE_UNIT,
    METRES_PER_UNIT,
    METRES_PER_YARD,
    RANGE_ENDS,
)


class NotExpressible(ValueError):
    """The tree holds something the YAML format cannot say."""


def _g(value: float) -> str:
    """The shortest text that reads back as exactly `value`."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def duration_text(d: s.Duration) -> str:
    """A duration in the workout format, exact to what FIT stores."""
    match d:
        case s.Time(seconds=sec):
            # Exact to what FIT stores (ms), the finer of the two formats.
            ms = milliseconds(sec)
            if ms % (60 * MS) == 0:
                return f"{ms // (60 * MS)}min"
            if ms % MS == 0:
                return f"{ms // MS}s"
            return f"{ms / MS:.3f}".rstrip("0") + "s"
        case s.Distance(metres=metres):
            cm = centimetres(metres)
            if cm % (1000 * CM) == 0:
                return f"{cm // (1000 * CM)}km"
            if cm % CM == 0:
                return f"{cm // CM}m"
            # 2 mi is 3218.688 m, stored as 321869 cm: say it as the runner did.
            for unit, size, places in (("mi", METRES_PER_MILE, 2), ("yd", METRES_PER_YARD, 0)):
                n = round(metres / size, places)
                if n > 0 and centimetres(n * size) == cm:
                    return f"{n:g}{unit}"
            return f"{cm / CM:.2f}".rstrip("0") + "m"
        case s.LapButton():
            return "lap"
        case s.HeartRateAbove() | s.HeartRateBelow():
            sign = ">" if isinstance(d, s.HeartRateAbove) else "<"
            if d.bpm is not None:
                return f"hr {sign} {_g(d.bpm)}bpm"
            return f"hr {sign} {_g(d.percent_max or 0)}%max"
        case s.Calories(kcal=kcal):
            return f"{_g(kcal)}kcal"
        case s.RepetitionTime(seconds=sec):
            ms = milliseconds(sec)
            if ms % MS:
                raise NotExpressible("a send-off of a fraction of a second")
            minutes, seconds = divmod(ms // MS, 60)
            return f"until {minutes}:{seconds:02d}"
        case _:
            assert_never(d)


def until_text(cond: s.RepeatUntil) -> str:
    """A conditional repeat as the format writes it: 'until 20min', 'until power > 250W'."""
    match cond:
        case s.PowerAbove(watts=watts):
            return f"until power > {_g(watts)}W"
        case s.PowerBelow(watts=watts):
            return f"until power < {_g(watts)}W"
        case _:
            return f"until {duration_text(cond)}"


def _pace_end(mps: float, unit: str, same: Callable[[float], bool]) -> tuple[float, int]:
    """Seconds per unit with the fewest decimals for which `same` holds, and the decimals."""
    metres = METRES_PER_PACE_UNIT[unit]
    return _fewest_decimals(metres / mps, lambda sec: same(metres / sec))


def _pace_window(lo: float, hi: float, unit: str, exact: Exact) -> tuple[str, str]:
    """(fast, slow) texts that read back as the same stored window."""
    same_hi = _speed_same(hi, False, lo, hi, exact)
    same_lo = _speed_same(lo, True, lo, hi, exact)
    fast, slow = _pace_end(hi, unit, same_hi), _pace_end(lo, unit, same_lo)
    if fast[0] > slow[0]:
        # Ends closer than the rounding: short texts would cross and read back swapped, so
        # both ends get the one text that gives both stored values.
        fast = slow = _pace_end(hi, unit, lambda mps: same_hi(mps) and same_lo(mps))
    return _clock(*fast), _clock(*slow)


def _clock(seconds: float, decimals: int) -> str:
    """Seconds as m:ss[.fff]."""
    minutes, rest = divmod(seconds, 60)
    whole = int(minutes)
    frac = f"{rest:0{3 + decimals if decimals else 2}.{decimals}f}"
    return f"{whole}:{frac}"


Exact = Literal["fit", "tcx"]


def _fewest_decimals(exact: float, same: Callable[[float], bool]) -> tuple[float, int]:
    """The shortest decimal near `exact` for which `same` holds, and its number of decimals."""
    for decimals in range(0, 10):
        scale = 10**decimals
        for candidate in (
            round(exact, decimals),
            math.floor(exact * scale) / scale,
            math.ceil(exact * scale) / scale,
        ):
            if candidate > 0 and same(candidate):
                return candidate, decimals
    return exact, 12  # pragma: no cover - nine decimals always suffice


def _speed_same(
    original: float, is_low: bool, low: float, high: float, exact: Exact
) -> Callable[[float], bool]:
    """Equality as the source format stores speed: FIT's mm/s window; TCX's speed as read
    (our TCX files hold the same mm/s window; another program's may have more decimals)."""

    def same(candidate: float) -> bool:
        if exact == "tcx":
            return tcx_same(candidate, original, is_low)
        if is_low:
            return speed_raw(candidate, high)[0] == speed_raw(low, high)[0]
        return speed_raw(low, candidate)[1] == speed_raw(low, high)[1]

    return same


def target_text(t: s.Target, exact: Exact = "fit") -> tuple[str, str]:
    """(key, value) of a target in the workout format, exact to what `exact` stores."""
    match t:
        case s.SpeedTarget(low_mps=lo, high_mps=hi, view="pace", pace_unit=unit):
            # A file stores a speed, not the unit it was written in: per mile when that
            # needs fewer decimals of a second (9:25-9:35/mi, not 5:51.1-5:57.3/km).
            other = {"km": "mi", "mi": "km", "100m": "100yd", "100yd": "100m"}[unit]
            texts = {u: _pace_window(lo, hi, u, exact) for u in (unit, other)}
            best = min(texts, key=lambda u: sum(len(x.partition(".")[2]) for x in texts[u]))
            fast, slow = texts[best]
            return "pace", f"{fast}-{slow}/{best}"
        case s.SpeedTarget(low_mps=lo, high_mps=hi):
            low_text = _decimal(_speed_same(lo, True, lo, hi, exact), lo)
            high_text = _decimal(_speed_same(hi, False, lo, hi, exact), hi)
            return "speed", f"{low_text}-{high_text}m/s"
        case s.HeartRateZone(zone=zone):
            return "hr", f"z{zone}"
        case s.HeartRateRange(low=lo, high=hi, percent_max=pct):
            return "hr", f"{_g(lo)}-{_g(hi)}{'%max' if pct else 'bpm'}"
        case s.CadenceRange(low=lo, high=hi, unit=unit):
            return "cadence", f"{_g(lo)}-{_g(hi)}{unit}"
        case s.PowerZone(zone=zone):
            return "power", f"z{zone}"
        case s.PowerRange(low=lo, high=hi, percent_ftp=pct):
            return "power", f"{_g(lo)}-{_g(hi)}{'%ftp' if pct else 'W'}"
        case s.SwimStroke(stroke=stroke):
            return "stroke", stroke
        case _:
            assert_never(t)


def _ramp_order(key: str, text: str, ramp: str) -> str:
    """A ramp's range written in the order it is gone through: power and speed low to high
    when it rises, a pace slow to fast when it speeds up (target_text writes a pace fast to
    slow and the others low to high)."""
    ends = RANGE_ENDS.search(text)
    if ends is None or (ramp == "up") != (key == "pace"):
        return text
    return f"{text[: ends.start()]}{ends.group(2)}-{ends.group(1)}{text[ends.end() :]}"


def _decimal(same: Callable[[float], bool], value: float) -> str:
    candidate, decimals = _fewest_decimals(value, same)
    return f"{candidate:.{decimals}f}"


def _weight_text(kg: float, unit: str) -> str:
    stored = weight_raw(kg)
    if unit == "kg":
        return f"{_g(kg)}kg"
    pounds, decimals = _fewest_decimals(
        kg / KG_PER_LB, lambda lb: weight_raw(lb * KG_PER_LB) == stored
    )
    return f"{pounds:.{decimals}f}lb"


def _literal(text: str) -> str:
    """Text as the format reads it back: '${' would be a variable, so it is written '$${'."""
    return text.replace("${", "$${")


def _node(node: s.Node, exact: Exact, sport: s.Sport = s.Sport.RUNNING) -> dict[str, Any]:
    if isinstance(node, s.Repeat):
        out: dict[str, Any] = {
            "repeat": node.count if node.until is None else until_text(node.until)
        }
        if node.name:
            out["name"] = _literal(node.name)
        out["steps"] = [_node(child, exact, sport) for child in node.steps]
        return out
    out = {}
    if isinstance(node, s.ExerciseStep):
        ex = node.exercise
        out["exercise"] = ex.category_name + (f"/{ex.exercise_name}" if ex.exercise_name else "")
        match node.duration:
            case s.Reps(count=count):
                out["reps"] = count
            case s.Time():
                out["time"] = duration_text(node.duration)
            case s.LapButton():
                pass
            case _:
                assert_never(node.duration)
        if node.weight_kg is not None:
            out["weight"] = _weight_text(node.weight_kg, node.weight_unit)
        if node.intensity is not s.Intensity.ACTIVE:
            out["intensity"] = node.intensity.value
    else:
        kind = s.written_kind(node, sport)
        out[kind] = duration_text(node.duration)
        if node.target is not None and kind != "drill":  # a drill's stroke is its kind
            key, value = target_text(node.target, exact)
            if node.ramp is not None:
                value = _ramp_order(key, value, node.ramp)
            out[key] = value
        if node.intensity is not s.Intensity.ACTIVE and kind == "ramp":
            out["intensity"] = node.intensity.value
        if node.secondary is not None:
            key, value = target_text(node.secondary, exact)
            out["secondary"] = {key: value}
        if node.equipment is not None:
            out["equipment"] = node.equipment
    if node.name:
        out["name"] = _literal(node.name)
    if node.note:
        out["note"] = _literal(node.note)
    return out


def to_data(workout: s.Workout, exact: Exact = "fit") -> dict[str, Any]:
    """The workout as the plain data of a YAML workout file."""
    out: dict[str, Any] = {"name": _literal(workout.name), "sport": workout.sport.value}
    if workout.pool_metres is not None:
        size = workout.pool_metres / METRES_PER_UNIT[workout.pool_unit or "m"]
        out["pool"] = f"{_g(round(size, 2))}{workout.pool_unit or 'm'}"
    elif workout.sub_sport:
        out["sub_sport"] = workout.sub_sport
    if workout.short_name:
        out["short_name"] = _literal(workout.short_name)
    if workout.description:
        out["description"] = _literal(workout.description)
    out["steps"] = [_node(n, exact, workout.sport) for n in workout.steps]
    return out


# Bidirectional controls: YAML lets them stand raw in any scalar, where they reorder what an
# editor, a terminal or a diff shows. (Line and paragraph separators the emitter escapes.)
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _quoted_bidi(data: Any) -> Any:
    """`data` with every text holding a bidirectional control made a double-quoted scalar,
    the one YAML style where an escape (``\\u202e``) can stand for it."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(data, dict):
        return {k: _quoted_bidi(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_quoted_bidi(v) for v in data]
    if isinstance(data, str) and _BIDI.search(data):
        return DoubleQuotedScalarString(data)
    return data


def to_yaml(workout: s.Workout, source: str | None = None, exact: Exact = "fit") -> str:
    """YAML for `workout`; `exact` names the format whose stored values must come back.

    No bidirectional control is written raw: a text holding one is double-quoted with the
    control as an escape, so the file reads back to the same text."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True)
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    if source:
        # A file name may hold a line break: escaped, it cannot end the comment and add keys.
        buffer.write(f"# imported by workoutexport from {printable(source, MAX_PATH)}\n")
    yaml.dump(_quoted_bidi(to_data(workout, exact)), buffer)
    # Every such character is now inside double quotes (keys are the format's own words).
    return _BIDI.sub(lambda m: f"\\u{ord(m.group()):04x}", buffer.getvalue())
