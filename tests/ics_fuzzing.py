"""The differential calendar check: a calendar we write, read by icalendar, vobject and ics.

Shared by tests/test_ics.py and benchmarks/ics_campaign.py. `read_all` reads a calendar with
each library and returns what each saw, in one shape, so that a test can say that all three
read the same events, the same properties and the same texts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ics as ics_lib
import vobject
from hypothesis import strategies as st
from icalendar import Calendar

from workoutexport import steps
from workoutexport.diagnostics import Position
from workoutexport.ics import calendar, ics_text
from workoutexport.plans import CompiledSession, ExpandedPlan, Session

#: Every property an event of ours has, and the calendar's own.
EVENT_PROPERTIES = {
    "UID",
    "DTSTAMP",
    "LAST-MODIFIED",
    "SEQUENCE",
    "DTSTART",
    "DTEND",
    "SUMMARY",
    "DESCRIPTION",
}
CALENDAR_PROPERTIES = {"PRODID", "VERSION", "X-WR-CALNAME", "X-WR-CALDESC"}

#: Characters the red team used, and the ones near them.
HOSTILE = [
    "\r",
    "\n",
    "\r\n",
    "\x1b",
    "\x07",
    "\x0b",
    "\x0c",
    "\x00",
    "\x7f",
    "\x85",
    "\x9b",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u2066",
    "\ud800",
    "\ufeff",
    "\t",
    "\\",
    "\\N",
    "\\n",
    "\\r",
    "\\R",
    "\\,",
    "\\;",
    "\\\\",
    ";",
    ",",
    ":",
    '"',
    "\r\nBEGIN:VEVENT\r\nSUMMARY:Visit http://evil.example\r\nEND:VEVENT\r\n",
    "\rEND:VCALENDAR\r",
    "é",
    "😀",
    " ",
]


@dataclasses.dataclass
class Seen:
    """What one library read: the calendar's texts and each event's."""

    name: str | None
    description: str | None
    events: list[dict[str, str]]  # property -> text (summary, description, uid)
    properties: list[set[str]]  # each event's property names
    calendar_properties: set[str]


def rfc_unescape(value: str) -> str:
    """RFC 5545 TEXT unescaping in one left-to-right pass (`ics` leaves X- values raw)."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def read_icalendar(data: bytes) -> Seen:
    cal = Calendar.from_ical(data)
    events = cal.walk("VEVENT")
    # icalendar keeps X- properties as written (vUnknown): unescape them as RFC 5545 says.
    name = cal.get("X-WR-CALNAME")
    desc = cal.get("X-WR-CALDESC")
    return Seen(
        name=None if name is None else rfc_unescape(name.to_ical().decode()),
        description=None if desc is None else rfc_unescape(desc.to_ical().decode()),
        events=[
            {k: str(e[k]) for k in ("UID", "SUMMARY", "DESCRIPTION") if k in e} for e in events
        ],
        properties=[set(e.keys()) for e in events],
        # Any component but our events (an injected VTODO) counts as a property too.
        calendar_properties=set(cal.keys()) | {str(c.name) for c in cal.subcomponents} - {"VEVENT"},
    )


def read_vobject(data: bytes) -> Seen:
    components = list(vobject.readComponents(data.decode("utf-8")))
    assert len(components) == 1, components
    cal = components[0]
    events = [c for c in cal.getChildren() if c.name == "VEVENT"]
    others = [c.name for c in cal.getChildren() if c.name not in ("VEVENT",)]
    props = {c.name for c in cal.getChildren() if not hasattr(c, "getChildren")} | set(others)
    cal_props = {name for name in props if name != "VEVENT"}
    return Seen(
        name=cal.contents["x-wr-calname"][0].value if "x-wr-calname" in cal.contents else None,
        description=(
            cal.contents["x-wr-caldesc"][0].value if "x-wr-caldesc" in cal.contents else None
        ),
        events=[
            {
                k.upper(): e.contents[k][0].value
                for k in ("uid", "summary", "description")
                if k in e.contents
            }
            for e in events
        ],
        properties=[{k.upper() for k in e.contents} for e in events],
        calendar_properties={p.upper() for p in cal_props},
    )


def read_ics(data: bytes) -> Seen:
    cal = ics_lib.Calendar(data.decode("utf-8"))
    extra = {line.name.upper(): line.value for line in cal.extra}
    events = sorted(cal.events, key=lambda e: (e.begin, e.uid))
    return Seen(
        name=rfc_unescape(extra["X-WR-CALNAME"]) if "X-WR-CALNAME" in extra else None,
        description=(rfc_unescape(extra["X-WR-CALDESC"]) if "X-WR-CALDESC" in extra else None),
        events=[
            {
                k: v
                for k, v in (
                    ("UID", e.uid),
                    ("SUMMARY", e.name),
                    ("DESCRIPTION", e.description),
                )
                if v is not None
            }
            for e in events
        ],
        # ics keeps only the properties it does not model in `extra`.
        properties=[{line.name.upper() for line in e.extra} for e in events],
        calendar_properties=set(extra) | {"PRODID", "VERSION"},
    )


def read_all(data: bytes) -> dict[str, Seen]:
    """The calendar as each library reads it."""
    return {"icalendar": read_icalendar(data), "vobject": read_vobject(data), "ics": read_ics(data)}


def in_memory_plan(
    folder: Path,
    plan_name: str,
    plan_description: str | None,
    workouts: Sequence[tuple[str, str | None]],
) -> tuple[ExpandedPlan, list[CompiledSession]]:
    """A plan of one session a day, one per (workout name, description), without YAML."""
    start = dt.date(2027, 1, 4)
    path = folder / "plan.yaml"
    sessions = []
    for i, (name, description) in enumerate(workouts):
        day = start + dt.timedelta(days=i)
        session = Session(
            date=day,
            week=i // 7 + 1,
            workout=folder / "w.yaml",
            overrides={},
            name=f"{day}-w",
            source=Position(str(path)),
        )
        workout = steps.Workout(
            name=name,
            sport=steps.Sport.RUNNING,
            description=description,
            steps=(
                steps.Repeat(
                    count=6,
                    steps=(
                        steps.Step(
                            intensity=steps.Intensity.ACTIVE,
                            duration=steps.Distance(metres=400),
                            name=name,
                        ),
                        steps.Step(
                            intensity=steps.Intensity.RECOVERY,
                            duration=steps.Time(seconds=90),
                        ),
                    ),
                ),
            ),
        )
        sessions.append(CompiledSession(session, workout, {}))
    plan = ExpandedPlan(
        path=path,
        name=plan_name,
        description=plan_description,
        start=start,
        weeks=len(workouts) // 7 + 1,
        sessions=tuple(c.session for c in sessions),
        week_sources=(),
    )
    return plan, sessions


def check_texts(
    folder: Path, plan_name: str, plan_description: str | None, workout_name: str, note: str
) -> dict[str, Any]:
    """Write a calendar of hostile texts; every library must read the very texts we meant.

    Returns counts for a campaign; raises AssertionError on any disagreement.
    """
    plan, sessions = in_memory_plan(
        folder, plan_name, plan_description, [(workout_name, note or None), ("Easy", None)]
    )
    data = calendar(plan, sessions, 1790000000.0)
    check_calendar(data, plan, sessions)
    return {"bytes": len(data)}


def check_calendar(data: bytes, plan: ExpandedPlan, sessions: Sequence[CompiledSession]) -> None:
    """Every library reads the calendar's texts as `ics_text` made them, and nothing more."""
    from workoutexport.ics import MAX_DESCRIPTION, describe

    # The file is lines of printable text: no raw control character, CRLF line ends only.
    text = data.decode("utf-8")
    assert not re.search("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]", text.replace("\r\n", ""))
    want_name = ics_text(plan.name)
    want_desc = (
        None
        if not plan.description
        else ics_text(plan.description, lines=True, limit=MAX_DESCRIPTION)
    )
    want = [
        {
            "SUMMARY": ics_text(c.workout.name),
            "DESCRIPTION": ics_text(describe(c.workout), lines=True, limit=MAX_DESCRIPTION),
        }
        for c in sessions
    ]
    for library, seen in read_all(data).items():
        assert seen.name == want_name, (library, seen.name, want_name)
        assert seen.description == want_desc, (library, seen.description, want_desc)
        assert len(seen.events) == len(sessions), (library, seen.events)
        got = [{k: v for k, v in e.items() if k != "UID"} for e in seen.events]
        assert got == want, (library, got, want)
        assert len({e["UID"] for e in seen.events}) == len(sessions), library
        for props in seen.properties:
            if library == "ics":
                assert props <= {"LAST-MODIFIED", "SEQUENCE", "DTSTAMP"}, (library, props)
            else:
                assert props == EVENT_PROPERTIES, (library, props)
        expected = CALENDAR_PROPERTIES - (set() if want_desc is not None else {"X-WR-CALDESC"})
        assert seen.calendar_properties == expected, (library, seen.calendar_properties)


_pieces = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=8))
#: Text made of hostile pieces and any other characters: mostly short, sometimes longer than
#: every limit (so that cutting and line folding meet the hostile characters too).
texts = st.one_of(
    st.lists(_pieces, max_size=12).map("".join),
    st.lists(_pieces, min_size=40, max_size=400).map("".join),
)
