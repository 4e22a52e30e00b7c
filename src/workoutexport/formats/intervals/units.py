"""intervals.icu workout text, token by token: durations (`m` is minutes, `mtr` metres),
targets and their units, as its workout builder reads them.

The syntax follows the builder's guide on the intervals.icu forum ("Workout Builder Syntax
Quick Guide", https://forum.intervals.icu/t/workout-builder-syntax-quick-guide/123701).
"""

from __future__ import annotations

import re

from ...units import METRES_PER_MILE, METRES_PER_YARD

#: Metres of each pace unit the builder knows.
PACE_UNITS = {
    "km": 1000.0,
    "mi": METRES_PER_MILE,
    "100m": 100.0,
    "250m": 250.0,
    "400m": 400.0,
    "500m": 500.0,
    "100y": 100 * METRES_PER_YARD,
}
NUM = r"\d+(?:\.\d+)?"
#: 1h2m30s, 10m, 30s, 1m30 (minutes and seconds); 5', 30", 1'30".
TIME = re.compile(rf"(?:(?P<h>{NUM})h)?(?:(?P<m>{NUM})m(?!tr|i))?(?:(?P<s>{NUM})s?)?")
QUOTED = re.compile(rf"(?:(?P<m>{NUM})')?(?:(?P<s>{NUM})\")?")
DISTANCE = re.compile(rf"(?P<n>{NUM})(?P<unit>km|mi|mtr)", re.IGNORECASE)
PERCENT = re.compile(rf"(?P<lo>{NUM})%?(?:-(?P<hi>{NUM}))?%", re.IGNORECASE)
WATTS = re.compile(rf"(?P<lo>{NUM})w?(?:-(?P<hi>{NUM}))?w", re.IGNORECASE)
ZONE = re.compile(r"z(?P<lo>\d)(?:-z(?P<hi>\d))?", re.IGNORECASE)
RPM = re.compile(rf"(?P<lo>{NUM})(?:rpm)?(?:-(?P<hi>{NUM}))?rpm", re.IGNORECASE)
CLOCK = r"\d+:\d{2}(?:\.\d+)?"
UNIT = "|".join(sorted(PACE_UNITS, key=len, reverse=True))
PACE = re.compile(
    rf"(?P<a>{CLOCK})(?:/(?P<ua>{UNIT}))?(?:-(?P<b>{CLOCK})(?:/(?P<ub>{UNIT}))?)?",
    re.IGNORECASE,
)
INTENSITY = re.compile(r"intensity=(?P<kind>\w+)", re.IGNORECASE)
#: `Main Set 5x`, `5x`: a repeat header.
REPEAT = re.compile(r"^(?P<name>.*?)\s*(?P<count>\d+)\s*x$", re.IGNORECASE)


def seconds(token: str) -> float | None:
    """The seconds of a time token, or None when it is not one."""
    for pattern in (TIME, QUOTED):
        m = pattern.fullmatch(token)
        if m and token and any(m.groupdict().values()):
            h = float(m.groupdict().get("h") or 0)
            mins = float(m.group("m") or 0)
            sec = float(m.group("s") or 0)
            if pattern is TIME and m.group("s") and not token.endswith("s") and not m.group("m"):
                return None  # a bare number is not a time
            return h * 3600 + mins * 60 + sec
    return None


def metres(token: str) -> float | None:
    """The metres of a distance token, or None."""
    m = DISTANCE.fullmatch(token)
    if not m:
        return None
    n = float(m.group("n"))
    unit = m.group("unit").lower()
    return n * {"km": 1000.0, "mi": METRES_PER_MILE, "mtr": 1.0}[unit]


def number_text(value: float) -> str:
    """A number with no more digits than it needs."""
    return str(int(value)) if float(value).is_integer() else repr(round(value, 9))


def time_text(total: float) -> str:
    """Whole seconds as 1h2m30s."""
    whole = round(total)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    out = (f"{h}h" if h else "") + (f"{m}m" if m else "") + (f"{s}s" if s else "")
    return out or "0s"
