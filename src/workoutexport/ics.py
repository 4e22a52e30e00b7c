"""A plan's iCalendar file (RFC 5545): one all-day event per session.

Every text that enters the file (the calendar's name and description, each event's summary,
description and UID) goes through :func:`ics_text`, which makes it a value that RFC 5545
allows and that calendar readers read back as written:

- line breaks (CR, LF, CRLF, VT, FF, NEL, U+2028, U+2029) become one line break in a
  multi-line text (a description) and a space elsewhere; a tab becomes a space;
- a run of white space becomes one space, and the text does not end with one: a folded
  line of white space alone is dropped by some readers (ics);
- every other control character (C0, DEL, C1), bidirectional override or mark, lone
  surrogate and byte order mark (U+FEFF) becomes a visible escape such as ``\\x1b`` or
  ``\\u202e``, as in diagnostics;
- a backslash followed by ``n``, ``N``, ``r`` or ``R`` gets a word joiner (U+2060) after
  it: common readers (icalendar, ics) turn the correctly escaped ``\\\\n`` back into a line
  break, so the literal text ``a\\Nb`` would come back split;
- text longer than its limit is cut, ending in "…".

Escaping what is left (backslash, ``;``, ``,``, line breaks) is icalendar's `vText`.

An event's UID is a hash of what makes it the same event across rebuilds: the plan file, the
profile the session is built for (two athletes' calendars of one plan differ), the day's
offset from the plan's start and the session's place in that day. What the session holds
(its workout, vars, paces) is not part of it, so that an edited plan re-imported updates its
events instead of adding new ones. `SEQUENCE`, `LAST-MODIFIED` and `DTSTAMP` say when the
event's sources (the plan, the workout, its profile) last changed, so an edit raises them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import steps as s

if TYPE_CHECKING:
    from icalendar import vText

    from .pipeline import ProfileCache
    from .plans import CompiledSession, ExpandedPlan

#: The longest calendar name, event summary and UID, in characters (after cleaning).
MAX_LINE = 200
#: The longest event or calendar description.
MAX_DESCRIPTION = 1500
#: The longest workout description quoted in an event's description.
MAX_NOTE = 400
#: Top-level steps an event's description lists; the rest are counted.
MAX_STEPS = 12
#: Steps of a repeat listed inside its parentheses; the rest are counted.
MAX_INNER = 4
#: Nesting a repeat's summary shows; deeper repeats show as "…".
MAX_DEPTH = 3
#: The longest line of a step summary.
MAX_STEP_LINE = 160
#: SEQUENCE counts seconds from this time (so that it fits RFC 5545's 32-bit INTEGER to 2088).
SEQUENCE_EPOCH = int(dt.datetime(2020, 1, 1, tzinfo=dt.UTC).timestamp())
_INT32 = 2**31 - 1
#: The multiplication sign of a repeat's count.
TIMES = "\u00d7"

_BREAK = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
# As diagnostics.printable's, and U+FEFF (a byte order mark), which icalendar drops from the
# start of a value.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufeff]"
)
# A run of white space could fill a folded line, which some readers (ics) drop whole.
_SPACES = re.compile(r"[^\S\n]{2,}")
# Readers that unescape with chained str.replace turn "\\n" back into a line break.
_BACKSLASH = re.compile(r"\\(?=[nNrR])")
_JOINER = "\u2060"


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def ics_text(value: str, *, lines: bool = False, limit: int = MAX_LINE) -> str:
    """`value` made fit for an iCalendar TEXT value that every reader reads back as is.

    `lines`: keep line breaks (as ``\\n``, which the writer escapes); else they become spaces.
    `limit`: the longest result in characters (word joiners not counted), cut with "…".
    """
    # Only the start can be kept: clean no more of a long text than can show.
    long = len(value) > 4 * limit + 8
    text = _BREAK.sub("\n" if lines else " ", value[: 4 * limit + 8] if long else value)
    text = text.replace("\t", " ")
    text = _UNSAFE.sub(lambda m: "\n" if m.group() == "\n" else _escape(m), text)
    text = _SPACES.sub(" ", text).rstrip()
    if long or len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return _BACKSLASH.sub("\\\\" + _JOINER, text)


def _vtext(value: str, *, lines: bool = False, limit: int = MAX_LINE) -> vText:
    from icalendar import vText

    return vText(ics_text(value, lines=lines, limit=limit))


# --- identity and time -----------------------------------------------------------------------


def _portable(path: Path) -> str:
    """A path as the same text on every machine that holds the same repository: relative to
    the nearest folder upward with a `.git`, else absolute."""
    full = path.resolve()
    for folder in full.parents:
        if (folder / ".git").exists():
            return full.relative_to(folder).as_posix()
    return full.as_posix()


def _mtime(path: Path | None) -> float:
    try:
        return path.stat().st_mtime if path is not None else 0.0
    except OSError:
        return 0.0


def _fixed_time() -> bool:
    """Whether SOURCE_DATE_EPOCH fixes every time the build writes (then the plan's stamp)."""
    from .formats.common import source_date_epoch

    return source_date_epoch() is not None


def sequence_of(modified: float) -> int:
    """SEQUENCE for an event last changed at Unix time `modified`: seconds since 2020,
    so that any later edit gives a larger number (0 before 2020, capped at 2**31-1)."""
    return min(max(int(modified) - SEQUENCE_EPOCH, 0), _INT32)


def uid_of(plan: str, profile: str, day: int, index: int) -> str:
    """An event's UID: a hash of the plan's and the profile's portable paths, the day's
    offset from the plan's start and the session's place among that day's sessions."""
    key = "\0".join((plan, profile, str(day), str(index)))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32] + (
        "@workoutexport"
    )


class _Profiles:
    """The profile file each workout is built with, as in the build (`--profile` or the
    nearest profile.yaml), found once per folder."""

    def __init__(self, profiles: ProfileCache | None) -> None:
        from .profile import Profile

        explicit = profiles.explicit if profiles is not None else None
        self.explicit: Path | None = None
        if isinstance(explicit, Profile) and explicit.source:
            self.explicit = Path(explicit.source)
        self.found: dict[Path, Path | None] = {}

    def path(self, workout: Path) -> Path | None:
        from .profile import find_profile

        if self.explicit is not None:
            return self.explicit
        folder = workout.parent
        if folder not in self.found:
            self.found[folder] = find_profile(workout)
        return self.found[folder]


# --- what an event says ----------------------------------------------------------------------

_KIND = {
    s.Intensity.WARMUP: "warmup",
    s.Intensity.ACTIVE: "run",
    s.Intensity.RECOVERY: "recover",
    s.Intensity.REST: "rest",
    s.Intensity.COOLDOWN: "cooldown",
}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _leaf(node: s.Leaf) -> str:
    from .show import duration_text, target_text, words
    from .units import KG_PER_LB

    duration = duration_text(node.duration, node.written)
    if isinstance(node, s.ExerciseStep):
        ex = node.exercise
        text = f"{words(ex.exercise_name or ex.category_name)} {duration}"
        if node.weight_kg is not None:
            kg = node.weight_kg
            shown = kg if node.weight_unit == "kg" else kg / KG_PER_LB
            text += f" @ {shown:g}{node.weight_unit}"
        return text
    text = f"{_KIND[node.intensity]} {duration}"
    if node.target is not None:
        text += f" @ {target_text(node.target)}"
    return text


def step_line(node: s.Node, depth: int = 0) -> str:
    """One step in a few words; a repeat as its count, a multiplication sign and its first
    steps in parentheses: '6 \u00d7 (run 400m @ pace 3:55-4:05/km, recover 200m)'."""
    from .importers.yaml_out import until_text

    if not isinstance(node, s.Repeat):
        return _leaf(node)
    if depth >= MAX_DEPTH:
        inner = "…"
    else:
        shown = [step_line(n, depth + 1) for n in node.steps[:MAX_INNER]]
        rest = len(node.steps) - len(shown)
        if rest:
            shown.append(f"{rest} more")
        inner = ", ".join(shown)
    times = f"{node.count} {TIMES}" if node.until is None else f"repeat {until_text(node.until)}"
    return _cut(f"{times} ({inner})", MAX_STEP_LINE)


def describe(workout: s.Workout) -> str:
    """An event's description: the workout's own description (cut short), one line per
    top-level step (at most MAX_STEPS, then how many more), and its estimated time and
    distance. Its size does not grow with the workout's."""
    from .estimate import totals
    from .show import distance_in
    from .units import format_seconds

    parts: list[str] = []
    if workout.description:
        parts += [_cut(workout.description.strip(), MAX_NOTE), ""]
    top = workout.steps
    parts += [_cut(step_line(n), MAX_STEP_LINE) for n in top[:MAX_STEPS]]
    if len(top) > MAX_STEPS:
        parts.append(f"… and {len(top) - MAX_STEPS} more steps")
    t = totals(top)
    about = []
    if t.seconds:
        about.append(format_seconds(t.seconds) + (" or more" if t.unknown_time else ""))
    if t.metres:
        unit = "mi" if _in_miles(top) else None
        about.append(distance_in(t.metres, unit) + (" or more" if t.unknown_distance else ""))
    if about:
        parts += ["", f"about {', '.join(about)}"]
    return "\n".join(parts)


def _in_miles(nodes: tuple[s.Node, ...]) -> bool:
    """Whether some distance was written in miles (then the total is in miles, as in `show`)."""
    from .estimate import written_unit

    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, s.Repeat):
            stack.extend(node.steps)
        elif written_unit(node.written) == "mi":
            return True
    return False


# --- the file ---------------------------------------------------------------------------------


def calendar(
    plan: ExpandedPlan,
    sessions: Sequence[CompiledSession],
    stamp: float,
    *,
    profiles: ProfileCache | None = None,
) -> bytes:
    """The plan's iCalendar file: one all-day event per session (see the module's notes).

    `stamp`: the plan's time (its modification time, or SOURCE_DATE_EPOCH). `profiles`: the
    build's profiles, so that `--profile` counts in the UIDs (else the nearest profile.yaml).
    """
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//workoutexport//training plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _vtext(plan.name))
    if plan.description:
        cal.add("x-wr-caldesc", _vtext(plan.description, lines=True, limit=MAX_DESCRIPTION))
    plan_id = _portable(plan.path)
    found = _Profiles(profiles)
    fixed = _fixed_time()
    described: dict[int, str] = {}
    places: dict[dt.date, int] = {}
    # A plan names few files many times: look at each once.
    times: dict[Path | None, float] = {None: 0.0}
    names: dict[Path | None, str] = {None: ""}
    for c in sessions:
        session = c.session
        profile = found.path(session.workout)
        for path in (session.workout, profile):
            if path not in times:
                times[path] = _mtime(path)
        if profile not in names:
            names[profile] = _portable(profile) if profile is not None else ""
        modified = stamp
        if not fixed:
            modified = max(stamp, times[session.workout], times[profile])
        when = dt.datetime.fromtimestamp(int(modified), tz=dt.UTC)
        index = places.get(session.date, 0)
        places[session.date] = index + 1
        uid = uid_of(plan_id, names[profile], (session.date - plan.start).days, index)
        text = described.get(id(c.workout))
        if text is None:
            text = described[id(c.workout)] = describe(c.workout)
        event = Event()
        event.add("uid", _vtext(uid))
        event.add("dtstamp", when)
        event.add("last-modified", when)
        event.add("sequence", sequence_of(modified))
        event.add("dtstart", session.date)
        event.add("dtend", session.date + dt.timedelta(days=1))
        event.add("summary", _vtext(c.workout.name))
        event.add("description", _vtext(text, lines=True, limit=MAX_DESCRIPTION))
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
