"""Pure parsers for what people write: "10min", "1:30", "4:00/km", "70-80%max" -> numbers.

Every parser takes the YAML value (text or number) and returns a small frozen value in SI
units, or raises :class:`UnitError` with a message meant for a runner. No I/O, no profile:
named paces and percentages are resolved later, by the compiler.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

METRES_PER_KM = 1000.0
METRES_PER_MILE = 1609.344
METRES_PER_YARD = 0.9144
KG_PER_LB = 0.45359237
#: Metres in each distance unit, by the symbol a workout and `show` write it with.
METRES_PER_UNIT = {"m": 1.0, "km": METRES_PER_KM, "mi": METRES_PER_MILE, "yd": METRES_PER_YARD}
#: Metres in the distance a pace is written per ('4:00/km', '6:30/mi').
METRES_PER_PACE_UNIT = {
    "km": METRES_PER_KM,
    "mi": METRES_PER_MILE,
    "100m": 100.0,
    "100yd": 100 * METRES_PER_YARD,
}
#: What a pace is written per: a km or mile (running), 100 m or 100 yd (swimming).
PaceUnit = Literal["km", "mi", "100m", "100yd"]
#: Garmin's default heart-rate zones, percent of maximum (what `hr: z2` means on a watch
#: that has not been told other zones): `show` prints them in bpm, charts use their middles.
HR_ZONES_PERCENT_MAX = {1: (50, 60), 2: (60, 70), 3: (70, 80), 4: (80, 90), 5: (90, 100)}


class UnitError(ValueError):
    """A value that cannot be read; the message says what to write instead."""


# --- values ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimeSpan:
    """A time duration in seconds; low < high when the workout wrote a range."""

    low: float
    high: float


@dataclass(frozen=True, slots=True)
class DistanceSpan:
    """A distance duration in metres; low < high when the workout wrote a range."""

    low: float
    high: float


@dataclass(frozen=True, slots=True)
class LapButton:
    """Until the lap button is pressed."""


@dataclass(frozen=True, slots=True)
class HrCondition:
    """Until heart rate is above / below a value."""

    above: bool
    value: float
    unit: Literal["bpm", "%max"]


@dataclass(frozen=True, slots=True)
class Calories:
    kcal: float


@dataclass(frozen=True, slots=True)
class Lengths:
    """A number of pool lengths (swimming); low < high when the workout wrote a range."""

    low: int
    high: int


@dataclass(frozen=True, slots=True)
class SendOff:
    """`until 1:45`: rest until this long after the start of the swim before it (swimming)."""

    seconds: float


DurationSpec = TimeSpan | DistanceSpan | LapButton | HrCondition | Calories | Lengths | SendOff


@dataclass(frozen=True, slots=True)
class AbsolutePace:
    """Seconds per `unit`; fast <= slow. `single` when one pace was written."""

    fast: float
    slow: float
    unit: PaceUnit
    single: bool


@dataclass(frozen=True, slots=True)
class NamedPace:
    """A pace from the profile, optionally as a percentage of its speed."""

    name: str
    pct_low: float | None = None
    pct_high: float | None = None


PaceSpec = AbsolutePace | NamedPace


#: The two ends of a written range: clock times (a pace) or numbers.
RANGE_ENDS = re.compile(
    r"(\d+:\d\d(?:\.\d+)?|\d+(?:\.\d+)?)\s*-\s*(\d+:\d\d(?:\.\d+)?|\d+(?:\.\d+)?)"
)


def end_value(text: str) -> float:
    """One end found by RANGE_ENDS, in its unit (a clock time in seconds)."""
    minutes, _, seconds = text.rpartition(":")
    return float(minutes or 0) * 60 + float(seconds)


@dataclass(frozen=True, slots=True)
class Window:
    """A value or a low..high range in `unit` (bpm, %max, %lthr, spm, rpm, W, %ftp, m/s)."""

    low: float
    high: float
    unit: str
    single: bool


@dataclass(frozen=True, slots=True)
class Zone:
    number: int


@dataclass(frozen=True, slots=True)
class Count:
    low: int
    high: int


@dataclass(frozen=True, slots=True)
class PowerCondition:
    """Until power is above / below `watts` (a repeat's condition)."""

    above: bool
    watts: float


@dataclass(frozen=True, slots=True)
class Until:
    """`repeat: until ...`: repeat the block until the condition holds (FIT only)."""

    condition: TimeSpan | DistanceSpan | Calories | HrCondition | PowerCondition


@dataclass(frozen=True, slots=True)
class Weight:
    kg: float
    unit: Literal["kg", "lb"]


# --- helpers --------------------------------------------------------------------------------

# ASCII digits only: Python's \d and int() also read other scripts' digits as numbers.
_NUM = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"

#: Characters a value such as '4:00-4:10/km' may have (the longest real ones have about 20).
MAX_VALUE_CHARS = 100

#: The largest number a value may be written with. Far above any workout value (the emitters
#: say what their format can hold), and small enough that every conversion after it (units,
#: FIT's milliseconds and centimetres) stays a finite number they can range-check.
MAX_WRITTEN_NUMBER = 10**100


def _checked_text(value: object, what: str, example: str) -> str:
    if isinstance(value, bool) or value is None:
        raise UnitError(f"expected {what} such as '{example}', got {_show(value)}")
    if isinstance(value, int | float):
        if what == "a duration":
            n = _show(value)
            raise UnitError(
                f"'{n}' has no unit: write a duration with its unit, such as "
                f"'{n}m' (metres), '{n}s' or '{n}min'"
            )
        raise UnitError(f"'{_show(value)}' has no unit: write {what} such as '{example}'")
    if not isinstance(value, str):
        raise UnitError(f"expected {what} such as '{example}', got a {type(value).__name__}")
    if len(value.strip()) > MAX_VALUE_CHARS:
        # Checked before any regular expression runs on it, and quoted only in part.
        raise UnitError(
            f"'{_cut(value.strip())}' is too long for {what} (at most {MAX_VALUE_CHARS} "
            f"characters); write one such as '{example}'"
        )
    text = " ".join(value.strip().split())
    if not text:
        raise UnitError(f"expected {what} such as '{example}', got an empty value")
    if text.startswith("-"):
        raise UnitError(f"'{text}': {what} cannot be negative")
    return text


def _show(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return _cut(str(int(value)))
    return _cut(str(value))


def _num(text: str) -> float:
    value = float(text)
    # Only digits reach here, so a number that is not finite overflowed: it is too large.
    if not math.isfinite(value) or value > MAX_WRITTEN_NUMBER:
        raise UnitError(f"'{_cut(text)}' is far too large for a workout value")
    return value


def _int(text: str) -> int:
    """An ASCII whole number no larger than MAX_WRITTEN_NUMBER (before int() meets a huge one)."""
    if len(text.lstrip("0")) > len(str(MAX_WRITTEN_NUMBER)):
        raise UnitError(f"'{_cut(text)}' is far too large for a workout value")
    value = int(text)
    if value > MAX_WRITTEN_NUMBER:
        raise UnitError(f"'{text}' is far too large for a workout value")
    return value


def _cut(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ordered(a: float, b: float) -> tuple[float, float]:
    return (a, b) if a <= b else (b, a)


def _split_range(text: str) -> tuple[str, str] | None:
    """'10-15min' -> ('10', '15min'); '4:00-4:10/km' -> ('4:00', '4:10/km')."""
    m = re.fullmatch(r"(.+?)\s*-\s*(.+)", text)
    if m is None:
        return None
    return m.group(1), m.group(2)


# --- durations ------------------------------------------------------------------------------

_TIME_UNITS: dict[str, float] = {}
for _names, _factor in (
    (("h", "hr", "hrs", "hour", "hours"), 3600.0),
    (("min", "mins", "minute", "minutes"), 60.0),
    (("s", "sec", "secs", "second", "seconds"), 1.0),
):
    for _n in _names:
        _TIME_UNITS[_n] = _factor

_DIST_UNITS = {
    **METRES_PER_UNIT,
    "metre": 1.0,
    "metres": 1.0,
    "meter": 1.0,
    "meters": 1.0,
    "k": METRES_PER_KM,  # as runners say it: a 5k
    "mile": METRES_PER_MILE,
    "miles": METRES_PER_MILE,
    "yds": METRES_PER_YARD,
}

_COMPOUND_TIME = re.compile(rf"(?:({_NUM})\s*([a-z]+)\s*)+")
_TIME_PART = re.compile(rf"({_NUM})\s*([a-z]+)")


def clock_seconds(text: str) -> float | None:
    """'1:30' -> 90.0, '1:05:00' -> 3900.0; None if `text` is not a clock time; UnitError
    if it is one written wrong ('1:60')."""
    m = re.fullmatch(r"([0-9]+):([0-9]+)(?::([0-9]+))?", text)
    if m is None:
        return None
    a, b, c = m.group(1), m.group(2), m.group(3)
    if c is None:
        minutes, seconds = _int(a), _int(b)
        if len(b) != 2 or seconds >= 60:
            raise UnitError(f"'{text}': write time as m:ss with seconds below 60, such as '1:30'")
        return minutes * 60.0 + seconds
    hours, minutes, seconds = _int(a), _int(b), _int(c)
    if len(b) != 2 or len(c) != 2 or minutes >= 60 or seconds >= 60:
        raise UnitError(f"'{text}': write time as h:mm:ss, such as '1:05:00'")
    return hours * 3600.0 + minutes * 60.0 + seconds


def _time_seconds(text: str) -> float | None:
    """'1h30min', '90s', '1.5 min', '1:30' -> seconds; None if it is not a time."""
    clock = clock_seconds(text)
    if clock is not None:
        return clock
    compact = text.lower().replace(" ", "")
    if not _COMPOUND_TIME.fullmatch(compact):
        return None
    total = 0.0
    seen: list[float] = []
    for number, unit in _TIME_PART.findall(compact):
        factor = _TIME_UNITS.get(unit)
        if factor is None:
            if unit in _DIST_UNITS and seen:
                raise UnitError(
                    f"'{text}': '{unit}' is a distance; minutes are written 'min', "
                    "such as '1h30min'"
                )
            return None
        if seen and factor >= seen[-1]:
            raise UnitError(f"'{text}': write the larger unit first, such as '1h30min'")
        seen.append(factor)
        total += _num(number) * factor
    return total


def _distance_metres(text: str) -> float | None:
    m = re.fullmatch(rf"({_NUM})\s*([a-z]+)", text.lower())
    if m is None or m.group(2) not in _DIST_UNITS:
        return None
    return _num(m.group(1)) * _DIST_UNITS[m.group(2)]


def _positive(value: float, text: str) -> float:
    if value <= 0:
        raise UnitError(f"'{text}': a duration must be greater than zero")
    return value


def _single_duration(text: str) -> TimeSpan | DistanceSpan | None:
    seconds = _time_seconds(text)
    if seconds is not None:
        s = _positive(seconds, text)
        return TimeSpan(s, s)
    metres = _distance_metres(text)
    if metres is not None:
        d = _positive(metres, text)
        return DistanceSpan(d, d)
    return None


DURATION_EXAMPLES = "'90s', '10min', '1:30', '400m', '1.5km', 'lap', 'hr < 130bpm', '60-90s'"


def parse_duration(value: object) -> DurationSpec:
    """A step duration: time, distance, lap, heart-rate condition, calories or a range."""
    text = _checked_text(value, "a duration", "10min")
    low = text.lower()
    if low in ("lap", "lap button", "open"):
        return LapButton()
    m = re.fullmatch(rf"(?:hr|heart ?rate)\s*([<>])\s*({_NUM})\s*(bpm|%\s*max)", low)
    if m is not None:
        unit: Literal["bpm", "%max"] = "bpm" if m.group(3) == "bpm" else "%max"
        hr = _num(m.group(2))
        _check_hr(hr, unit, text)
        return HrCondition(above=m.group(1) == ">", value=hr, unit=unit)
    if low.startswith("hr") or low.startswith("heart"):
        raise UnitError(f"'{text}': write a heart-rate condition as 'hr < 130bpm' or 'hr > 80%max'")
    m = re.fullmatch(rf"({_NUM})\s*(kcal|cal|calories)", low)
    if m is not None:
        return Calories(_positive(_num(m.group(1)), text))
    m = re.fullmatch(r"([0-9]+)\s*(?:-\s*([0-9]+))?\s*(?:lengths|length|len)", low)
    if m is not None:
        first = _int(m.group(1))
        last = _int(m.group(2)) if m.group(2) else first
        if min(first, last) < 1:
            raise UnitError(f"'{text}': a number of lengths must be at least 1")
        return Lengths(min(first, last), max(first, last))
    if re.match(r"until\b", low):
        seconds = clock_seconds(low[len("until") :].strip())
        if seconds is None or seconds <= 0:
            raise UnitError(
                f"'{text}': write a send-off as 'until' and a clock time, such as 'until 1:45'"
            )
        return SendOff(seconds)
    single = _single_duration(text)
    if single is not None:
        return single
    parts = _split_range(text)
    if parts is not None:
        a_text, b_text = parts
        b = _single_duration(b_text)
        a = _single_duration(a_text)
        if a is None and b is not None:
            # '10-15min': the first number takes the unit of the second
            unit_suffix = re.sub(rf"^{_NUM}", "", b_text.replace(" ", ""))
            a = _single_duration(a_text + unit_suffix)
        if a is not None and b is not None and type(a) is type(b):
            lo, hi = _ordered(a.low, b.low)
            return type(a)(lo, hi)
        if a is not None and b is not None:
            raise UnitError(f"'{text}': a range must be all time or all distance")
    if re.fullmatch(_NUM, text):
        raise UnitError(
            f"'{text}' has no unit: write a duration with its unit, such as "
            f"'{text}m' (metres), '{text}s' or '{text}min'"
        )
    raise UnitError(f"cannot read duration '{text}'; write one such as {DURATION_EXAMPLES}")


def parse_count(value: object) -> Count:
    """A repeat count: 8, '6-8'."""
    if isinstance(value, bool):
        raise UnitError(f"expected a repeat count such as 8 or '6-8', got {_show(value)}")
    if isinstance(value, int):
        if value < 1:
            raise UnitError(f"a repeat count must be at least 1, got {value}")
        if value > MAX_WRITTEN_NUMBER:
            raise UnitError(f"a repeat count of {len(str(value))} digits is far too large")
        return Count(value, value)
    if isinstance(value, float):
        raise UnitError(f"a repeat count must be a whole number, got {value}")
    if isinstance(value, str):
        text = value.strip()
        m = re.fullmatch(r"([0-9]+)\s*(?:-\s*([0-9]+))?\s*(?:x|times)?", text)
        if m is not None:
            a = _int(m.group(1))
            b = _int(m.group(2)) if m.group(2) else a
            lo, hi = sorted((a, b))
            if lo < 1:
                raise UnitError(f"a repeat count must be at least 1, got '{text}'")
            return Count(lo, hi)
    raise UnitError(f"expected a repeat count such as 8 or '6-8', got {_show(value)!r}")


UNTIL_EXAMPLES = (
    "'until 20min', 'until 5km', 'until 300kcal', 'until hr > 170bpm', 'until power > 250W'"
)


def parse_repeat(value: object) -> Count | Until:
    """A repeat count (8, '6-8'), or 'until' a time, distance, calories, heart rate or power."""
    if not isinstance(value, str) or not re.match(r"until\b", value.strip().lower()):
        try:
            return parse_count(value)
        except UnitError as exc:
            if isinstance(value, str) and str(exc).startswith("expected a repeat count"):
                raise UnitError(
                    f"expected a repeat count such as 8 or '6-8', or a condition such as "
                    f"'until 20min', got {value!r}"
                ) from None
            raise
    text = value.strip()
    rest = text[len("until") :].strip()
    if not rest:
        raise UnitError(f"'{text}': repeat until what? write one such as {UNTIL_EXAMPLES}")
    m = re.fullmatch(rf"(?:power)\s*([<>])\s*({_NUM})\s*(?:w|watts)", rest.lower())
    if m is not None:
        watts = _num(m.group(2))
        if watts <= 0:
            raise UnitError(f"'{text}': power must be greater than zero")
        return Until(PowerCondition(above=m.group(1) == ">", watts=watts))
    if rest.lower().startswith("power"):
        raise UnitError(f"'{text}': write a power condition as 'until power > 250W'")
    try:
        condition = parse_duration(rest)
    except UnitError as exc:
        raise UnitError(f"{exc} (after 'until')") from None
    if isinstance(condition, Lengths | SendOff):
        raise UnitError(f"'{text}': a repeat runs until a time or a distance, not {rest!r}")
    if isinstance(condition, LapButton):
        raise UnitError(
            f"'{text}': a repeat cannot run until lap; write one such as {UNTIL_EXAMPLES}"
        )
    return Until(condition)


# --- targets --------------------------------------------------------------------------------

HR_BPM_RANGE = (25.0, 250.0)


def _check_hr(value: float, unit: str, text: str) -> None:
    if unit == "bpm" and not HR_BPM_RANGE[0] <= value <= HR_BPM_RANGE[1]:
        raise UnitError(
            f"'{text}': heart rate must be between {HR_BPM_RANGE[0]:.0f} and "
            f"{HR_BPM_RANGE[1]:.0f} bpm"
        )
    if unit == "%max" and not 1 <= value <= 100:
        raise UnitError(f"'{text}': percent of maximum heart rate must be between 1 and 100")


def _pace_seconds(text: str, whole: str) -> float:
    m = re.fullmatch(r"([0-9]+):([0-9]+)(\.[0-9]+)?", text.strip())
    if m is None:
        raise UnitError(f"'{whole}': write pace as m:ss per km or mi, such as '4:00/km'")
    minutes, seconds = _int(m.group(1)), _int(m.group(2))
    if len(m.group(2)) != 2 or seconds >= 60:
        raise UnitError(f"'{whole}': seconds must be two digits below 60, such as '4:05/km'")
    total = minutes * 60.0 + seconds + (_num(m.group(3)) if m.group(3) else 0.0)
    if total <= 0:
        raise UnitError(f"'{whole}': a pace must be greater than zero")
    return total


def _window(text: str, unit_re: str, what: str) -> tuple[float, float, str, bool] | None:
    m = re.fullmatch(rf"({_NUM})\s*(?:-\s*({_NUM}))?\s*({unit_re})", text, flags=re.IGNORECASE)
    if m is None:
        return None
    a = _num(m.group(1))
    b = _num(m.group(2)) if m.group(2) else a
    lo, hi = _ordered(a, b)
    if lo <= 0:
        raise UnitError(f"'{text}': {what} must be greater than zero")
    unit = m.group(3).lower().replace(" ", "")
    return lo, hi, unit, m.group(2) is None


def parse_absolute_pace(value: object) -> AbsolutePace:
    """A pace per km or mile, one or a range: '4:00/km', '6:30-6:40/mi'."""
    text = _checked_text(value, "a pace", "4:00/km")
    m = re.fullmatch(
        r"(.+?)\s*(?:min)?\s*/\s*(km|mi|mile|100\s*m|100\s*yd)", text, flags=re.IGNORECASE
    )
    if m is None:
        raise UnitError(
            f"'{text}': write pace as m:ss per km or mi, such as '4:00/km' "
            "(a swim: per 100m or 100yd, such as '1:45/100m')"
        )
    per = m.group(2).lower().replace(" ", "")
    unit: PaceUnit = "mi" if per == "mile" else per  # type: ignore[assignment]
    parts = _split_range(m.group(1))
    if parts is None:
        p = _pace_seconds(m.group(1), text)
        return AbsolutePace(p, p, unit, True)
    a, b = (_pace_seconds(x, text) for x in parts)
    fast, slow = _ordered(a, b)
    return AbsolutePace(fast, slow, unit, False)


PACE_NAME = r"[A-Za-z0-9_][A-Za-z0-9_.+-]*"


def parse_pace(value: object) -> PaceSpec:
    """A pace target: absolute, a named pace, or a percentage of a named pace."""
    text = _checked_text(value, "a pace", "4:00/km or threshold")
    if "/" in text:
        return parse_absolute_pace(text)
    m = re.fullmatch(rf"({_NUM})\s*(?:-\s*({_NUM}))?\s*%\s*(?:of\s+)?({PACE_NAME})", text)
    if m is not None:
        a = _num(m.group(1))
        b = _num(m.group(2)) if m.group(2) else a
        lo, hi = _ordered(a, b)
        if not 10 <= lo <= hi <= 300:
            raise UnitError(f"'{text}': a percentage of a pace must be between 10% and 300%")
        return NamedPace(m.group(3), lo, hi)
    if re.fullmatch(PACE_NAME, text) and not re.fullmatch(_NUM, text):
        return NamedPace(text)
    if re.fullmatch(r"[0-9]+:[0-9]+(\s*-\s*[0-9]+:[0-9]+)?", text):
        raise UnitError(f"'{text}': say per what, such as '{text}/km' or '{text}/mi'")
    raise UnitError(
        f"cannot read pace '{text}'; write '4:00/km', '6:30-6:40/mi', a named pace such as "
        "'threshold', or '110% mile'"
    )


_SPEED_UNITS = {"km/h": 1000 / 3600, "kph": 1000 / 3600, "mph": METRES_PER_MILE / 3600, "m/s": 1.0}


def parse_speed(value: object) -> Window:
    """A speed target in m/s: '15km/h', '9mph', '4.2m/s'."""
    text = _checked_text(value, "a speed", "15km/h")
    w = _window(text, r"km/h|kph|mph|m/s", "a speed")
    if w is None:
        raise UnitError(f"cannot read speed '{text}'; write '15km/h', '9mph' or '4.2m/s'")
    lo, hi, unit, single = w
    f = _SPEED_UNITS[unit]
    if hi * f > 100:
        raise UnitError(f"'{text}': faster than 100 m/s is not a running or riding speed")
    return Window(lo * f, hi * f, "m/s", single)


def parse_hr(value: object) -> Window | Zone:
    """A heart-rate target: a zone, bpm, %max or %lthr."""
    # The example reads 'z2' or '140-150bpm' once quoted.
    text = _checked_text(value, "a heart-rate target", "z2' or '140-150bpm")
    m = re.fullmatch(r"z(?:one)?\s*([0-9]+)", text, flags=re.IGNORECASE)
    if m is not None:
        zone = _int(m.group(1))
        if not 1 <= zone <= 5:
            raise UnitError(f"'{text}': heart-rate zones are z1 to z5")
        return Zone(zone)
    w = _window(text, r"bpm|%\s*max|%\s*lthr", "heart rate")
    if w is None:
        if re.fullmatch(rf"{_NUM}(\s*-\s*{_NUM})?", text):
            raise UnitError(f"'{text}' has no unit: write '{text}bpm', '{text}%max' or a zone")
        raise UnitError(
            f"cannot read heart rate '{text}'; write 'z3', '150bpm', '140-150bpm', "
            "'70-80%max' or '95-100%lthr'"
        )
    lo, hi, unit, single = w
    if unit == "%lthr":
        if hi > 150:
            raise UnitError(f"'{text}': percent of threshold heart rate must be at most 150")
    else:
        _check_hr(lo, unit, text)
        _check_hr(hi, unit, text)
    return Window(lo, hi, unit, single)


def parse_cadence(value: object) -> Window:
    """A cadence target: steps (spm) or revolutions (rpm) per minute."""
    text = _checked_text(value, "a cadence", "180spm")
    w = _window(text, r"spm|rpm", "cadence")
    if w is None:
        raise UnitError(
            f"cannot read cadence '{text}'; write steps per minute ('180spm', '175-185spm') "
            "or revolutions per minute ('90rpm')"
        )
    lo, hi, unit, single = w
    limit = 300 if unit == "spm" else 250
    if hi > limit:
        raise UnitError(f"'{text}': a cadence above {limit} {unit} is not humanly possible")
    return Window(lo, hi, unit, single)


def parse_power(value: object) -> Window | Zone:
    """A power target: watts, %ftp or a zone."""
    text = _checked_text(value, "a power target", "250W")
    m = re.fullmatch(r"z(?:one)?\s*([0-9]+)", text, flags=re.IGNORECASE)
    if m is not None:
        zone = _int(m.group(1))
        if not 1 <= zone <= 7:
            raise UnitError(f"'{text}': power zones are z1 to z7")
        return Zone(zone)
    w = _window(text, r"w|watts|%\s*ftp", "power")
    if w is None:
        raise UnitError(
            f"cannot read power '{text}'; write '250W', '240-260W', '90-95%ftp' or 'z3'"
        )
    lo, hi, unit, single = w
    unit = "%ftp" if "ftp" in unit else "W"
    if unit == "W" and hi > 3000:
        raise UnitError(f"'{text}': more than 3000 W is not a human power output")
    if unit == "%ftp" and hi > 1000:
        raise UnitError(f"'{text}': percent of FTP must be at most 1000")
    return Window(lo, hi, unit, single)


def parse_weight(value: object) -> Weight:
    """An exercise weight, kept in kg with the unit it was written in."""
    text = _checked_text(value, "a weight", "10kg")
    m = re.fullmatch(rf"({_NUM})\s*(kg|lb|lbs)", text, flags=re.IGNORECASE)
    if m is None:
        raise UnitError(f"cannot read weight '{text}'; write '10kg' or '20lb'")
    amount = _num(m.group(1))
    if m.group(2).lower() == "kg":
        kg, unit = amount, "kg"
    else:
        kg, unit = amount * KG_PER_LB, "lb"
    if kg > 600:
        raise UnitError(f"'{text}': more than 600 kg is not a training weight")
    return Weight(kg, "kg" if unit == "kg" else "lb")


def parse_tolerance_seconds(value: object) -> float:
    """The profile's pace tolerance, in seconds (at most 120)."""
    text = _checked_text(value, "a tolerance", "5s")
    seconds = _time_seconds(text)
    if seconds is None or seconds > 120:
        raise UnitError(f"'{text}': write a pace tolerance in seconds, such as '5s'")
    return seconds


# --- formatting (for `show` and warnings) ---------------------------------------------------


def format_number(value: float, decimals: int = 2) -> str:
    """`value` to `decimals` places with trailing zeros dropped, never in e-notation (which
    `:g` falls into from a million); from 10,000 up with thousands separators."""
    text = f"{value:,.{decimals}f}" if abs(value) >= 10_000 else f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


#: From this many hours a time is given in days: '4 days 4 h', not '100:00:00'.
DAYS_FROM_HOURS = 100


def format_seconds(seconds: float) -> str:
    """Seconds as m:ss, or h:mm:ss from an hour, or days and hours from 100 hours ("too long
    to count" when not finite)."""
    if not math.isfinite(seconds):
        # Repeats nested in repeats can multiply a total past what a float holds.
        return "too long to count"
    s = round(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    if h >= DAYS_FROM_HOURS:
        days, hours = divmod(round(seconds / 3600), 24)
        text = f"{days:,} day{'' if days == 1 else 's'}"
        return f"{text} {hours} h" if hours else text
    if h:
        return f"{h}:{m:02d}:{sec:02d}"
    return f"{m}:{sec:02d}"


def format_pace(seconds_per_unit: float) -> str:
    """Seconds per km or mile as m:ss."""
    return format_seconds(seconds_per_unit)


def format_distance(metres: float) -> str:
    """Metres as '400m', '1.5km' or '400,000,000km' ("too far to count" when not finite)."""
    if not math.isfinite(metres):
        return "too far to count"
    if metres >= 1000 and metres % 100 == 0:
        return f"{format_number(metres / 1000, 1)}km"
    if metres >= 1000:
        return f"{metres / 1000:,.2f}km" if metres >= 10_000_000 else f"{metres / 1000:.2f}km"
    return f"{metres:.0f}m" if abs(metres - round(metres)) < 0.05 else f"{metres:.1f}m"


# --- the written forms: each parser with the JSON-Schema pattern of what it reads ------------
#
# Editors check workouts against the JSON Schema while the tool checks them with the parsers
# above; a form holds both, so that the two are one definition and a table test
# (tests/test_grammar.py) holds them to the same spellings. The patterns are ECMA-262 regexes
# (JSON Schema has no inline flags, hence `_ci`). Whitespace is `\s*` because every parser
# reads text with its whitespace collapsed. A pattern may be looser than its parser only where
# a regex cannot say the rule; `looser` lists those rules.


def _ci(words: str) -> str:
    """'min|s' -> '[mM][iI][nN]|[sS]'."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in words)


def _units(names: Iterable[str]) -> str:
    """Alternatives longest first, so that a full match never settles for a prefix."""
    return _ci("|".join(sorted(names, key=len, reverse=True)))


_S = r"\s*"
_H_PART = rf"{_NUM}{_S}(?:{_ci('hours|hour|hrs|hr|h')})"
_MIN_PART = rf"{_NUM}{_S}(?:{_ci('minutes|minute|mins|min')})"
_SEC_PART = rf"{_NUM}{_S}(?:{_ci('seconds|second|secs|sec|s')})"
_COMPOUND = (
    rf"(?:{_H_PART}(?:{_S}{_MIN_PART})?(?:{_S}{_SEC_PART})?"
    rf"|{_MIN_PART}(?:{_S}{_SEC_PART})?|{_SEC_PART})"
)
_CLOCK = r"\d+:[0-5]\d(?::[0-5]\d)?"
_TIME_ONE = rf"(?:{_CLOCK}|{_COMPOUND})"
_DIST_ONE = rf"{_NUM}{_S}(?:{_units(_DIST_UNITS)})"
_RANGE = rf"{_S}-{_S}"
_DURATION_PATTERN = "|".join(
    [
        rf"{_ci('lap')}(?:\s+{_ci('button')})?|{_ci('open')}",
        rf"(?:{_ci('hr')}|{_ci('heart')}{_S}{_ci('rate')}){_S}[<>]{_S}{_NUM}{_S}"
        rf"(?:{_ci('bpm')}|%{_S}{_ci('max')})",
        rf"{_NUM}{_S}(?:{_ci('kcal|calories|cal')})",
        rf"\d+(?:{_RANGE}\d+)?{_S}(?:{_ci('lengths|length|len')})",
        rf"{_ci('until')}\s+{_CLOCK}",
        _TIME_ONE,
        _DIST_ONE,
        # In a range a bare first number takes the second's unit: '10-15min', '1-2km'.
        rf"(?:{_TIME_ONE}|{_NUM}){_RANGE}{_COMPOUND}",
        rf"(?:{_TIME_ONE}|\d+){_RANGE}{_CLOCK}",
        rf"(?:{_DIST_ONE}|{_NUM}){_RANGE}{_DIST_ONE}",
    ]
)
_PACE_ONE = r"\d+:[0-5]\d(?:\.\d+)?"
_NUM_WINDOW = rf"{_NUM}(?:{_RANGE}{_NUM})?{_S}"


@dataclass(frozen=True)
class Form:
    """A written form: the parser that reads it and the schema pattern that describes it."""

    name: str
    parse: Callable[[object], object]
    pattern: str
    description: str
    examples: tuple[object, ...]
    looser: tuple[str, ...] = ()

    def schema(self, var_ref: str) -> dict[str, object]:
        """The JSON Schema of a string in this form, or holding a `${variable}` (`var_ref`)."""
        return {
            "type": "string",
            "pattern": rf"^(?:{_S}(?:{self.pattern}){_S}|.*{var_ref}.*)$",
            "description": self.description,
            "examples": list(self.examples),
        }


_ZERO = "the value is greater than zero"
DURATION = Form(
    "duration",
    parse_duration,
    _DURATION_PATTERN,
    "How long the step lasts: a time (90s, 10min, 1:30), a distance (400m, 1.5km, 1mi), "
    "'lap' (until the lap button), a heart-rate condition (hr < 130bpm), calories "
    "(300kcal), or a range (60-90s) resolved by --pick. A swim may also last a number of "
    "pool lengths (4 lengths), and a rest may last 'until' a send-off (until 1:45).",
    ("10min", "400m", "1:30", "lap", "60-90s", "hr < 130bpm"),
    (_ZERO, "a heart rate is 25-250 bpm or 1-100 %max"),
)
PACE = Form(
    "pace",
    parse_pace,
    rf"{_PACE_ONE}(?:{_RANGE}{_PACE_ONE})?{_S}(?:{_ci('min')})?{_S}/{_S}"
    rf"(?:{_ci('km|mile|mi')}|100{_S}(?:{_ci('yd|m')}))"
    rf"|(?:{_NUM_WINDOW}%{_S}(?:of\s+)?)?(?!{_NUM}{_S}$){PACE_NAME}",
    "Pace target: absolute (4:00/km, 6:30-6:40/mi; a swim per 100 m or 100 yd: 1:45/100m), "
    "a named pace from the profile "
    "(threshold), or a percentage of a named pace's speed (110% mile).",
    ("4:00/km", "6:30-6:40/mi", "threshold", "95-100% mile"),
    (_ZERO, "a percentage of a pace is 10-300%"),
)
SPEED = Form(
    "speed",
    parse_speed,
    rf"{_NUM_WINDOW}(?:{_ci('km/h|kph|mph|m/s')})",
    "Speed target: 15km/h, 14-15km/h, 9mph, 4.2m/s.",
    ("15km/h", "14-15km/h", "9mph"),
    (_ZERO, "a speed is at most 100 m/s"),
)
HEART_RATE = Form(
    "heart rate",
    parse_hr,
    rf"[zZ](?:{_ci('one')})?{_S}0*[1-5]"
    rf"|{_NUM_WINDOW}(?:{_ci('bpm')}|%{_S}{_ci('max')}|%{_S}{_ci('lthr')})",
    "Heart-rate target: a zone (z1-z5), bpm (150bpm, 140-150bpm), percent of maximum "
    "(70-80%max) or of lactate-threshold heart rate (95-100%lthr).",
    ("z2", "140-150bpm", "70-80%max", "95-100%lthr"),
    (_ZERO, "a heart rate is 25-250 bpm, 1-100 %max or at most 150 %lthr"),
)
CADENCE = Form(
    "cadence",
    parse_cadence,
    rf"{_NUM_WINDOW}(?:{_ci('spm|rpm')})",
    "Cadence target: running steps per minute (180spm, 175-185spm) or cycling rpm (90rpm).",
    ("180spm", "175-185spm", "90rpm"),
    (_ZERO, "a cadence is at most 300 spm or 250 rpm"),
)
POWER = Form(
    "power",
    parse_power,
    rf"[zZ](?:{_ci('one')})?{_S}0*[1-7]|{_NUM_WINDOW}(?:{_ci('watts|w')}|%{_S}{_ci('ftp')})",
    "Power target: watts (250W, 240-260W), percent of FTP (90-95%ftp) or a zone (z3).",
    ("250W", "240-260W", "90-95%ftp", "z3"),
    (_ZERO, "a power is at most 3000 W or 1000 %ftp"),
)
_UNTIL_PATTERN = (
    rf"{_ci('until')}\s+(?:{_ci('power')}{_S}[<>]{_S}{_NUM}{_S}(?:{_ci('watts|w')})"
    rf"|(?!{_ci('lap')}|{_ci('open')})(?:{_DURATION_PATTERN}))"
)
COUNT = Form(
    "repeat count",
    parse_repeat,
    rf"\d+(?:{_RANGE}\d+)?{_S}(?:x|times)?|{_UNTIL_PATTERN}",
    "How many times: a count (8, '8x', '8 times'), a range (6-8) picked by --pick, "
    "a ${variable}, or until a condition (FIT only): 'until 20min', 'until 5km', "
    "'until 300kcal', 'until hr > 170bpm', 'until power < 150W'.",
    (8, "6-8", "8x", "${reps}", "until 20min", "until hr > 170bpm"),
    ("a count is at least 1", "a heart rate is 25-250 bpm or 1-100 %max"),
)
WEIGHT = Form(
    "weight",
    parse_weight,
    rf"{_NUM}{_S}(?:{_ci('kg|lbs|lb')})",
    "Weight to lift, in kg or lb.",
    ("10kg", "20lb"),
    ("a weight is at most 600 kg",),
)
FORMS = (DURATION, PACE, SPEED, HEART_RATE, CADENCE, POWER, COUNT, WEIGHT)
