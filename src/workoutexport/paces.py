"""Named paces from a race result (spec section 3.1): Daniels-Gilbert VDOT, or Riegel.

Pure arithmetic on SI-ish numbers (metres, minutes); no I/O. The profile calls
:func:`race_paces` for the names its `paces:` does not define; `workoutexport paces` prints
:func:`pace_table`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from . import units

RaceModel = Literal["daniels", "riegel"]

#: Race distances by the names runners use (metres).
RACE_NAMES = {
    "mile": units.METRES_PER_MILE,
    "half": 21097.5,
    "half marathon": 21097.5,
    "halfmarathon": 21097.5,
    "marathon": 42195.0,
}
#: The race-equivalent paces a race result gives, with their distances (metres).
EQUIVALENTS: dict[str, float] = {
    "mile": units.METRES_PER_MILE,
    "1500m": 1500.0,
    "5k": 5000.0,
    "10k": 10000.0,
    "half": 21097.5,
    "marathon": 42195.0,
}
#: Daniels' training paces as fractions of VDOT (spec 3.1).
TRAINING = {"threshold": 0.88, "interval": 0.975, "repetition": 1.05}
#: Easy is a range. Daniels' prose says 59-74 % of VO2max, but his published E/L paces
#: (Daniels' Running Formula, 3rd ed., table 5.2) sit at VO2 = 63 % of VDOT for the slow end
#: and at a share growing slowly with VDOT for the fast end (72.5 % at 30, 74 % at 85):
#: these match that table within 1 s per km from VDOT 35 to 85 (3.4 s at VDOT 30).
EASY_SLOW = 0.63
EASY_FAST = (0.7165, 0.000285)  # share = a + b * VDOT
RIEGEL_EXPONENT = 1.06
#: How far Daniels' tables go (Daniels' Running Formula, 3rd ed., tables 5.1 and 5.2).
#: Outside it the paces extrapolate his equations: a warning, not a refusal.
TABLES = (30.0, 85.0)
#: What a race result may give at all. Below 15 (a 5k slower than 53 min, 5.6 km/h) the
#: runner walks, and a running formula says nothing; above 90 is faster than world records.
VDOT_RANGE = (15.0, 90.0)


@dataclass(frozen=True, slots=True)
class Race:
    """A race result: distance in metres, time in seconds."""

    metres: float
    seconds: float
    text: str


def parse_race(value: object) -> Race:
    """'5k 20:00', '1mi 5:40', 'half 1:32:00', 'marathon 3:15:00' -> Race (raises UnitError)."""
    if not isinstance(value, str) or not value.strip():
        raise units.UnitError("write a race result as distance and time, such as '5k 20:00'")
    text = " ".join(value.split())
    m = re.fullmatch(r"(.+?)\s+(?:in\s+)?(\S+)", text, flags=re.IGNORECASE)
    if m is None:
        raise units.UnitError(f"'{text}': write a race result such as '5k 20:00' or 'half 1:32:00'")
    where, when = m.group(1).strip().lower(), m.group(2)
    metres = RACE_NAMES.get(where)
    if metres is None:
        span = _duration(where)
        if not isinstance(span, units.DistanceSpan) or span.low != span.high:
            raise units.UnitError(
                f"'{text}': '{m.group(1)}' is not a race distance; write '5k', '10km', '1mi', "
                "'half' or 'marathon'"
            )
        metres = span.low
    span = _duration(when)
    if not isinstance(span, units.TimeSpan) or span.low != span.high:
        raise units.UnitError(f"'{text}': '{when}' is not a race time; write '20:00' or '1:32:00'")
    race = Race(metres, span.low, text)
    value = race_vdot(race)
    if not VDOT_RANGE[0] <= value <= VDOT_RANGE[1]:
        raise units.UnitError(_implausible(race, value, m.group(1), when))
    return race


def _implausible(race: Race, value: float, where: str, when: str) -> str:
    """The error for a race time no runner runs at its distance, with the likely spelling.

    A time read as minutes and seconds that is far too fast was most likely hours and minutes
    ('marathon 3:15' for 3:15:00); a time in hours far too slow, minutes ('mile 5:40:00').
    """
    seconds = race.seconds
    read = f"'{when}' reads as {_spoken(seconds)}"
    fast = value > VDOT_RANGE[1]
    guesses: list[tuple[float, str]] = []
    if fast and seconds < 3600:
        guesses.append((seconds * 60, f"{int(seconds // 60)}:{int(seconds % 60):02d}:00"))
    if not fast and seconds % 60 == 0 and seconds >= 3600:
        guesses.append((seconds / 60, f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}"))
    for guess, spelling in guesses:
        if TABLES[0] <= vdot(race.metres, guess / 60) <= TABLES[1]:
            how = "fast" if fast else "slow"
            return (
                f"'{race.text}': {read}, far too {how} for a {where}; "
                f"did you mean '{where} {spelling}'?"
            )
    if fast:
        why = "faster than the world record"
    else:
        why = "slower than walking pace, where a running formula says nothing"
    return (
        f"'{race.text}': {read}, VDOT {value:.1f}: {why}; paces come from a VDOT of "
        f"{VDOT_RANGE[0]:.0f} to {VDOT_RANGE[1]:.0f}"
    )


def _spoken(seconds: float) -> str:
    """3:15 -> '3 min 15 s'; 3:15:00 -> '3 h 15 min'."""
    whole = round(seconds)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    parts = [f"{h} h" if h else "", f"{m} min" if m else "", f"{s} s" if s else ""]
    return " ".join(p for p in parts if p) or "0 s"


def extrapolated(race: Race) -> str | None:
    """A warning when the race lies outside Daniels' tables (VDOT 30-85), else None."""
    value = race_vdot(race)
    if TABLES[0] <= value <= TABLES[1]:
        return None
    side = "below" if value < TABLES[0] else "above"
    return (
        f"'{race.text}' is VDOT {value:.1f}, {side} Daniels' tables (VDOT {TABLES[0]:.0f} to "
        f"{TABLES[1]:.0f}): these paces extrapolate his equations, so treat them as a guide"
    )


def _duration(text: str) -> units.DurationSpec | None:
    try:
        return units.parse_duration(text)
    except units.UnitError:
        return None


# --- Daniels-Gilbert ------------------------------------------------------------------------


def vo2(v: float) -> float:
    """Oxygen cost (ml/kg/min) of running at v metres per minute."""
    return -4.60 + 0.182258 * v + 0.000104 * v * v


def fraction(t: float) -> float:
    """Fraction of VO2max that can be held for t minutes."""
    return 0.8 + 0.1894393 * math.exp(-0.012778 * t) + 0.2989558 * math.exp(-0.1932605 * t)


def vdot(metres: float, minutes: float) -> float:
    """VDOT of running `metres` in `minutes`."""
    return vo2(metres / minutes) / fraction(minutes)


def race_vdot(race: Race) -> float:
    """The VDOT of a race result (Daniels-Gilbert)."""
    return vdot(race.metres, race.seconds / 60)


def speed_at(vo2_value: float) -> float:
    """The speed (m/min) whose oxygen cost is `vo2_value`: the positive root of vo2(v) = x."""
    a, b, c = 0.000104, 0.182258, -4.60 - vo2_value
    return (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)


def equivalent_minutes(target_vdot: float, metres: float) -> float:
    """The time at `metres` with the same VDOT: vdot(metres, t) falls as t grows; bisect."""
    lo, hi = 0.5, 1000.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if vdot(metres, mid) > target_vdot:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def riegel_minutes(race: Race, metres: float) -> float:
    """Minutes for `metres` by Riegel's T2 = T1 (D2/D1)^1.06 from `race`."""
    return float(race.seconds / 60 * (metres / race.metres) ** RIEGEL_EXPONENT)


# --- paces ----------------------------------------------------------------------------------


def _per(unit: Literal["km", "mi"], metres_per_minute: float) -> float:
    """Seconds per km or mile at a speed in m/min."""
    return units.METRES_PER_PACE_UNIT[unit] / metres_per_minute * 60


def race_paces(race: Race, model: RaceModel = "daniels") -> dict[str, units.AbsolutePace]:
    """Every named pace a race result gives (spec 3.1); `mile` per mile, the rest per km."""
    value = race_vdot(race)
    out: dict[str, units.AbsolutePace] = {}
    for name, metres in EQUIVALENTS.items():
        if model == "riegel":
            minutes = riegel_minutes(race, metres)
        else:
            minutes = equivalent_minutes(value, metres)
        unit: Literal["km", "mi"] = "mi" if name == "mile" else "km"
        pace = _per(unit, metres / minutes)
        out[name] = units.AbsolutePace(pace, pace, unit, True)
    slow = _per("km", speed_at(EASY_SLOW * value))
    fast = _per("km", speed_at((EASY_FAST[0] + EASY_FAST[1] * value) * value))
    out["easy"] = units.AbsolutePace(fast, slow, "km", False)
    for name, share in TRAINING.items():
        pace = _per("km", speed_at(share * value))
        out[name] = units.AbsolutePace(pace, pace, "km", True)
    return out


def pace_table(race: Race, model: RaceModel = "daniels") -> str:
    """The table `workoutexport paces` prints: VDOT, then each pace per km and per mile."""
    lines = [f"race: {race.text}  (VDOT {race_vdot(race):.1f}; race paces: {model})", ""]
    for name, pace in race_paces(race, model).items():
        per_km = (
            pace.fast
            if pace.unit == "km"
            else pace.fast * units.METRES_PER_KM / units.METRES_PER_MILE
        )
        slow_km = (
            pace.slow
            if pace.unit == "km"
            else pace.slow * units.METRES_PER_KM / units.METRES_PER_MILE
        )
        km = _span(per_km, slow_km)
        mi = _span(
            per_km * units.METRES_PER_MILE / units.METRES_PER_KM,
            slow_km * units.METRES_PER_MILE / units.METRES_PER_KM,
        )
        per_400 = _span(per_km * 0.4, slow_km * 0.4)
        lines.append(f"  {name:<11} {km + '/km':<16} {mi + '/mi':<16} {per_400} per 400m")
    return "\n".join(lines) + "\n"


def _span(fast: float, slow: float) -> str:
    if abs(fast - slow) < 0.5:
        return units.format_pace(fast)
    return f"{units.format_pace(fast)}-{units.format_pace(slow)}"
