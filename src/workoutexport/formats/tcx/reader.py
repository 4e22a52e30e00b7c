"""TCX (Training Center Database v2) workouts -> step trees.

A file is validated against Garmin's schema before it is read, and inside a workout every
element is either read or refused: nothing is skipped silently (a misspelt element, a step
where a repeat's child belongs, an extension we cannot read).
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal

from ... import steps as s
from ...diagnostics import Diagnostic, Position, WorkoutError, error
from ..common import MAX_REPEAT_DEPTH, from_device_cadence, refuse_doctype, xml_message
from .emit import NS, XSI

_SPORT = {"Running": s.Sport.RUNNING, "Biking": s.Sport.CYCLING, "Other": s.Sport.OTHER}
# A number as the schema's decimal types write it, in ASCII digits (no '1_000', 'inf', '٣').
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
# Elements read as metadata of the file, not of the workout: the writing program.
_METADATA = {"Creator", "StepId"}
#: No number a TCX workout holds comes near this (the schema's largest is 65,535 s or m);
#: a bigger one would overflow on its way to the units the YAML is exact to.
MAX_NUMBER = 1e6
#: Workouts imported from one TCX file (each becomes a YAML file).
MAX_WORKOUTS = 1_000
#: Schema errors reported for one file; the rest are counted.
MAX_SCHEMA_ERRORS = 10


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _at(path: str, el: Any) -> Position:
    """The element's line in the file (lxml keeps no column), or the whole file."""
    line = getattr(el, "sourceline", None) or 0
    return Position(path, line, 1 if line else 0)


def _local(el: Any) -> str:
    return str(el.tag).rpartition("}")[2] if isinstance(el.tag, str) else ""


def _type(el: Any) -> str:
    value = el.get(f"{{{XSI}}}type") or ""
    return str(value).rpartition(":")[2]


class _Reader:
    def __init__(self, path: str, sport: s.Sport) -> None:
        self.path = path
        self.sport = sport
        self.problems: list[Diagnostic] = []
        self.depth = 0

    def only(self, el: Any, *understood: str) -> None:
        """Refuse every child element of `el` that the importer does not read."""
        for child in el:
            name = _local(child)
            if not name or name in understood or name in _METADATA:
                continue
            if name == "Extensions" and len(child) == 0:
                continue
            self.fail(
                child, f"<{name}> in <{_local(el)}> cannot be expressed in the workout format"
            )

    def fail(self, el: Any, message: str) -> None:
        self.problems.append(error(_at(self.path, el), message))

    def text(self, el: Any, tag: str) -> str | None:
        child = el.find(_q(tag))
        if child is None or child.text is None:
            return None
        return " ".join(str(child.text).split()) or None

    def number(self, el: Any, tag: str) -> float | None:
        value = self.text(el, tag)
        if value is None:
            self.fail(el, f"missing <{tag}>")
            return None
        number = float(value) if _NUMBER.fullmatch(value) else math.nan
        if not math.isfinite(number):
            self.fail(el, f"<{tag}> is not a number: '{value[:40]}'")
            return None
        if abs(number) > MAX_NUMBER:
            self.fail(el, f"<{tag}> is out of range: {number:g} (at most {MAX_NUMBER:g})")
            return None
        return number

    def whole(self, el: Any, tag: str) -> int | None:
        """A count or zone number: a whole number, never rounded."""
        value = self.number(el, tag)
        if value is None:
            return None
        if not value.is_integer():
            self.fail(el, f"<{tag}> is not a whole number: {value:g}")
            return None
        return int(value)

    def hr_value(self, el: Any) -> tuple[float | None, float | None] | None:
        self.only(el, "Value")
        value = self.number(el, "Value")
        if value is None:
            return None
        if _type(el) == "HeartRateAsPercentOfMax_t":
            return None, value
        return value, None

    def nodes(self, parent: Any, tag: str) -> tuple[s.Node, ...]:
        out: list[s.Node] = []
        for el in parent.findall(_q(tag)):
            node = self.node(el)
            if node is not None:
                out.append(node)
        return tuple(out)

    def node(self, el: Any) -> s.Node | None:
        kind = _type(el)
        if kind == "Repeat_t":
            if self.depth >= MAX_REPEAT_DEPTH:
                self.fail(el, f"repeats are nested more than {MAX_REPEAT_DEPTH} deep")
                return None
            self.only(el, "Repetitions", "Child")
            count = self.whole(el, "Repetitions")
            self.depth += 1
            try:
                children = self.nodes(el, "Child")
            finally:
                self.depth -= 1
            if count is None or not children:
                return None
            return s.Repeat(count=count, steps=children)
        if kind != "Step_t":
            self.fail(el, f"unknown step type '{kind}'")
            return None
        self.only(el, "Name", "Duration", "Intensity", "Target")
        duration = self.duration(el.find(_q("Duration")))
        target = self.target(el.find(_q("Target")))
        intensity = self.text(el, "Intensity")
        if duration is None or target is False:
            return None
        return s.Step(
            intensity=s.Intensity.RECOVERY if intensity == "Resting" else s.Intensity.ACTIVE,
            duration=duration,
            target=target or None,
            name=self.text(el, "Name"),
        )

    def duration(self, el: Any) -> s.Duration | None:
        if el is None:
            return s.LapButton()
        kind = _type(el)
        self.only(el, "Seconds", "Meters", "Calories", "HeartRate")
        if kind == "Time_t":
            value = self.number(el, "Seconds")
            return None if value is None else s.Time(seconds=value)
        if kind == "Distance_t":
            value = self.number(el, "Meters")
            return None if value is None else s.Distance(metres=value)
        if kind == "UserInitiated_t":
            return s.LapButton()
        if kind == "CaloriesBurned_t":
            value = self.number(el, "Calories")
            return None if value is None else s.Calories(kcal=value)
        if kind in ("HeartRateAbove_t", "HeartRateBelow_t"):
            hr = el.find(_q("HeartRate"))
            values = self.hr_value(hr) if hr is not None else None
            if values is None:
                self.fail(el, "heart-rate duration without a value")
                return None
            bpm, pct = values
            if kind == "HeartRateAbove_t":
                return s.HeartRateAbove(bpm=bpm, percent_max=pct)
            return s.HeartRateBelow(bpm=bpm, percent_max=pct)
        self.fail(el, f"unknown duration type '{kind}'")
        return None

    def target(self, el: Any) -> s.Target | Literal[False] | None:
        if el is None:
            return None
        kind = _type(el)
        self.only(el, "SpeedZone", "HeartRateZone", "Low", "High")
        if kind == "None_t":
            return None
        if kind == "Speed_t":
            zone = el.find(_q("SpeedZone"))
            if zone is None or _type(zone) != "CustomSpeedZone_t":
                self.fail(el, "a predefined speed zone cannot be expressed in the workout format")
                return False
            self.only(zone, "ViewAs", "LowInMetersPerSecond", "HighInMetersPerSecond")
            low = self.number(zone, "LowInMetersPerSecond")
            high = self.number(zone, "HighInMetersPerSecond")
            if low is None or high is None:
                return False
            if low <= 0 or high <= 0:
                self.fail(zone, "a speed target with an end of 0 m/s (no pace)")
                return False
            low, high = sorted((low, high))
            view: Literal["pace", "speed"] = (
                "speed" if self.text(zone, "ViewAs") == "Speed" else "pace"
            )
            return s.SpeedTarget(low_mps=low, high_mps=high, view=view)
        if kind == "HeartRate_t":
            zone = el.find(_q("HeartRateZone"))
            if zone is None:
                self.fail(el, "heart-rate target without a zone")
                return False
            if _type(zone) == "PredefinedHeartRateZone_t":
                self.only(zone, "Number")
                number = self.whole(zone, "Number")
                return False if number is None else s.HeartRateZone(zone=number)
            self.only(zone, "Low", "High")
            low_el, high_el = zone.find(_q("Low")), zone.find(_q("High"))
            lo = self.hr_value(low_el) if low_el is not None else None
            hi = self.hr_value(high_el) if high_el is not None else None
            if lo is None or hi is None:
                self.fail(el, "custom heart-rate zone without Low and High")
                return False
            if lo[0] is not None and hi[0] is not None:
                a, b = sorted((lo[0], hi[0]))
                return s.HeartRateRange(low=a, high=b)
            if lo[1] is not None and hi[1] is not None:
                a, b = sorted((lo[1], hi[1]))
                return s.HeartRateRange(low=a, high=b, percent_max=True)
            self.fail(el, "a heart-rate zone mixing bpm and %max")
            return False
        if kind == "Cadence_t":
            low = self.number(el, "Low")
            high = self.number(el, "High")
            if low is None or high is None:
                return False
            low, high = sorted((low, high))
            if self.sport is s.Sport.CYCLING:
                return s.CadenceRange(low=low, high=high, unit="rpm")
            return s.CadenceRange(
                low=from_device_cadence(low), high=from_device_cadence(high), unit="spm"
            )
        self.fail(el, f"unknown target type '{kind}'")
        return False


def _validate(root: Any, path: str) -> None:
    """Raise WorkoutError, one diagnostic per schema error, unless `root` is valid TCX v2."""
    from .verify import schema

    checker = schema()
    if checker.validate(root):
        return
    # libxml2 follows a bad value with a note that it has no value: the first line says it.
    found = [e for e in checker.error_log if "No precomputed value" not in str(e.message)]
    problems = [
        error(
            Position(path, e.line, e.column + 1 if e.line else 0),
            "not valid TCX: " + str(e.message).replace(f"{{{NS}}}", ""),
        )
        for e in found[:MAX_SCHEMA_ERRORS]
    ]
    if len(found) > MAX_SCHEMA_ERRORS:
        problems.append(
            error(Position(path, 0, 0), f"{len(found) - MAX_SCHEMA_ERRORS} more schema errors")
        )
    raise WorkoutError(problems)


def read_tcx(data: bytes, path: str) -> list[s.Workout]:
    """Every workout in a TCX file as a step tree (raises WorkoutError)."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (0, 0)
        raise WorkoutError(
            [error(Position(path, line, col), f"not valid XML: {xml_message(exc)}")]
        ) from None
    refuse_doctype(root, data, path, "TCX")
    if root.tag != _q("TrainingCenterDatabase"):
        raise WorkoutError([error(_at(path, root), "not a Training Center Database (TCX v2) file")])
    # Counted before the schema and the reader look at them: each costs time.
    count = sum(1 for _ in root.iterfind(f"{_q('Workouts')}/{_q('Workout')}"))
    if count > MAX_WORKOUTS:
        raise WorkoutError(
            [
                error(
                    _at(path, root),
                    f"this TCX file holds {count:,} workouts; at most "
                    f"{MAX_WORKOUTS:,} are imported from one file",
                )
            ]
        )
    _validate(root, path)
    elements = root.findall(f"{_q('Workouts')}/{_q('Workout')}")
    if not elements:
        holder = root.find(_q("Workouts"))
        where = _at(path, root if holder is None else holder)
        raise WorkoutError([error(where, "this TCX file holds no workouts")])
    workouts: list[s.Workout] = []
    problems: list[Diagnostic] = []
    for el in elements:
        sport = _SPORT.get(str(el.get("Sport")), s.Sport.OTHER)
        reader = _Reader(path, sport)
        reader.only(el, "Name", "Step", "Notes")
        steps = reader.nodes(el, "Step")
        problems += reader.problems
        name_el = el.find(_q("Name"))
        name = " ".join(str(name_el.text or "").split()) if name_el is not None else ""
        notes_el = el.find(_q("Notes"))
        workouts.append(
            s.Workout(
                name=name or "Imported workout",
                sport=sport,
                description=(notes_el.text or None) if notes_el is not None else None,
                steps=steps,
            )
        )
    if problems:
        raise WorkoutError(problems)
    return workouts
