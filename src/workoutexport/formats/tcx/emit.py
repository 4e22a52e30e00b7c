"""Step tree -> TCX workout (Training Center Database v2, spec 4.2), written with lxml.

TCX is narrower than FIT: names of at most 15 characters, at most 20 step objects, 2..99
repetitions, whole seconds and metres up to 65,535, no power targets, no strength workouts.
What cannot be carried is an error (or, where the spec allows, dropped with a warning).
"""

from __future__ import annotations

from typing import Any, assert_never

from ... import __version__
from ... import steps as s
from ...diagnostics import Position, WorkoutError, error
from .. import DEFAULT_OPTIONS, EmitOptions, Emitted, Encoder
from ..common import device_cadence, outward
from .units import decimal_text, speed_text, speed_window

NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MAX_NAME = 15
MAX_STEP_IDS = 20
MAX_REPETITIONS = 99
MAX_USHORT = 65535

SPORT = {
    s.Sport.RUNNING: "Running",
    s.Sport.CYCLING: "Biking",
    s.Sport.WALKING: "Other",
    s.Sport.OTHER: "Other",
}
INTENSITY = {
    s.Intensity.WARMUP: "Active",
    s.Intensity.ACTIVE: "Active",
    s.Intensity.COOLDOWN: "Active",
    s.Intensity.RECOVERY: "Resting",
    s.Intensity.REST: "Resting",
}


def _token(text: str) -> str:
    return " ".join(text.split())


class _Writer(Encoder):
    format_name = "TCX"

    def __init__(self, lossy: bool, options: EmitOptions) -> None:
        super().__init__(lossy=lossy)
        self.options = options
        self.next_id = 1

    def name(self, text: str, where: Position, what: str) -> str | None:
        token = _token(text)
        if not token:
            return None
        if len(token) > MAX_NAME:
            cut = token[:MAX_NAME].rstrip()
            self.warn(where, f"TCX {what}s hold {MAX_NAME} characters: '{token}' becomes '{cut}'")
            return cut
        return token

    def take_id(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value

    # --- tree ---------------------------------------------------------------------------

    def node(self, parent: Any, tag: str, node: s.Node) -> None:
        from lxml import etree

        el = etree.SubElement(parent, f"{{{NS}}}{tag}")
        if isinstance(node, s.Repeat):
            el.set(f"{{{XSI}}}type", "Repeat_t")
            id_el = etree.SubElement(el, f"{{{NS}}}StepId")
            reps = etree.SubElement(el, f"{{{NS}}}Repetitions")
            if node.until is not None:
                self.unsupported(
                    node.source, "TCX cannot repeat until a condition", droppable=False
                )
            elif node.count > MAX_REPETITIONS:
                self.fail(
                    node.source,
                    f"TCX repeats at most {MAX_REPETITIONS} times, this one {node.count} times",
                )
            reps.text = str(node.count)
            for child in node.steps:
                self.node(el, "Child", child)
            # Garmin numbers a repeat's children first, then the repeat itself.
            id_el.text = str(self.take_id())
            return
        el.set(f"{{{XSI}}}type", "Step_t")
        etree.SubElement(el, f"{{{NS}}}StepId").text = str(self.take_id())
        self.step(el, node)

    def step(self, el: Any, step: s.Leaf) -> None:
        from lxml import etree

        where = step.source
        if isinstance(step, s.ExerciseStep):
            self.unsupported(where, "TCX cannot carry strength exercises")
        if step.name:
            name = self.name(step.name, step.name_source, "step name")
            if name:
                etree.SubElement(el, f"{{{NS}}}Name").text = name
        duration = etree.SubElement(el, f"{{{NS}}}Duration")
        if isinstance(step.duration, s.Reps):
            duration.set(f"{{{XSI}}}type", "UserInitiated_t")
            self.unsupported(step.duration_source, "TCX cannot count repetitions")
        else:
            self.duration(duration, step.duration, step.duration_source)
        etree.SubElement(el, f"{{{NS}}}Intensity").text = INTENSITY[step.intensity]
        target = etree.SubElement(el, f"{{{NS}}}Target")
        if isinstance(step, s.ExerciseStep):
            self.target(target, None, where)
        else:
            self.target(target, step.target, step.target_source)
            if step.secondary is not None:
                self.warn(
                    step.secondary_source,
                    "TCX has no secondary target; it is left out of the TCX file",
                )
        if step.note is not None:
            self.warn(
                step.note_source, "TCX has no step notes; the note is left out of the TCX file"
            )

    def ushort(self, value: float, where: Position, what: str) -> str:
        raw = round(value)
        if raw > MAX_USHORT:
            self.fail(where, f"TCX holds at most {MAX_USHORT:,} {what}; this step has {raw:,}")
        elif raw < 1:
            self.fail(where, f"TCX counts whole {what}; this step rounds to {raw}")
        return str(min(max(raw, 0), MAX_USHORT))

    def hr_value(self, parent: Any, tag: str, bpm: float | None, pct: float | None) -> None:
        from lxml import etree

        el = etree.SubElement(parent, f"{{{NS}}}{tag}")
        if pct is not None:
            el.set(f"{{{XSI}}}type", "HeartRateAsPercentOfMax_t")
            etree.SubElement(el, f"{{{NS}}}Value").text = str(min(max(round(pct), 0), 100))
        else:
            assert bpm is not None
            el.set(f"{{{XSI}}}type", "HeartRateInBeatsPerMinute_t")
            etree.SubElement(el, f"{{{NS}}}Value").text = str(min(max(round(bpm), 1), 255))

    def duration(self, el: Any, d: s.Duration, where: Position) -> None:
        from lxml import etree

        def child(tag: str, text: str) -> None:
            etree.SubElement(el, f"{{{NS}}}{tag}").text = text

        match d:
            case s.Time(seconds=sec):
                el.set(f"{{{XSI}}}type", "Time_t")
                child("Seconds", self.ushort(sec, where, "seconds"))
            case s.Distance(metres=metres):
                el.set(f"{{{XSI}}}type", "Distance_t")
                child("Meters", self.ushort(metres, where, "metres"))
            case s.LapButton():
                el.set(f"{{{XSI}}}type", "UserInitiated_t")
            case s.HeartRateAbove(bpm=bpm, percent_max=pct):
                el.set(f"{{{XSI}}}type", "HeartRateAbove_t")
                self.hr_value(el, "HeartRate", bpm, pct)
            case s.HeartRateBelow(bpm=bpm, percent_max=pct):
                el.set(f"{{{XSI}}}type", "HeartRateBelow_t")
                self.hr_value(el, "HeartRate", bpm, pct)
            case s.Calories(kcal=kcal):
                el.set(f"{{{XSI}}}type", "CaloriesBurned_t")
                child("Calories", self.ushort(kcal, where, "calories"))
            case s.RepetitionTime():  # pragma: no cover - only a swim has one, refused above
                raise AssertionError(d)
            case _:
                assert_never(d)

    def target(self, el: Any, t: s.Target | None, where: Position) -> None:
        from lxml import etree

        def sub(parent: Any, tag: str, text: str | None = None, xsi: str | None = None) -> Any:
            node = etree.SubElement(parent, f"{{{NS}}}{tag}")
            if xsi is not None:
                node.set(f"{{{XSI}}}type", xsi)
            if text is not None:
                node.text = text
            return node

        match t:
            case None:
                el.set(f"{{{XSI}}}type", "None_t")
            case s.SpeedTarget(low_mps=lo, high_mps=hi, view=view):
                el.set(f"{{{XSI}}}type", "Speed_t")
                zone = sub(el, "SpeedZone", xsi="CustomSpeedZone_t")
                sub(zone, "ViewAs", "Pace" if view == "pace" else "Speed")
                low, high = speed_window(lo, hi)
                sub(zone, "LowInMetersPerSecond", speed_text(low))
                sub(zone, "HighInMetersPerSecond", speed_text(high))
            case s.HeartRateZone(zone=number):
                el.set(f"{{{XSI}}}type", "HeartRate_t")
                zone = sub(el, "HeartRateZone", xsi="PredefinedHeartRateZone_t")
                sub(zone, "Number", str(number))
            case s.HeartRateRange(low=lo, high=hi, percent_max=pct):
                el.set(f"{{{XSI}}}type", "HeartRate_t")
                zone = sub(el, "HeartRateZone", xsi="CustomHeartRateZone_t")
                # Whole numbers, rounded outwards so the window never shrinks.
                lo, hi = outward(lo, hi)
                self.hr_value(zone, "Low", None if pct else lo, lo if pct else None)
                self.hr_value(zone, "High", None if pct else hi, hi if pct else None)
            case s.CadenceRange(low=lo, high=hi, unit=unit):
                running = self.options.running_cadence_unit
                el.set(f"{{{XSI}}}type", "Cadence_t")
                sub(el, "Low", decimal_text(device_cadence(lo, unit, running)))
                sub(el, "High", decimal_text(device_cadence(hi, unit, running)))
            case s.PowerZone() | s.PowerRange():
                el.set(f"{{{XSI}}}type", "None_t")
                self.unsupported(where, "TCX has no power targets", droppable=True)
            case s.SwimStroke():  # pragma: no cover - only a swim has one, refused above
                raise AssertionError(t)
            case _:
                assert_never(t)


def emit(
    workout: s.Workout, *, lossy: bool = False, options: EmitOptions = DEFAULT_OPTIONS
) -> Emitted:
    """The TCX workout for `workout`; raises WorkoutError when TCX cannot carry it."""
    from lxml import etree

    w = _Writer(lossy, options)
    if workout.sport in (s.Sport.STRENGTH, s.Sport.SWIMMING):
        raise WorkoutError(
            [
                error(
                    workout.sport_source,
                    f"TCX cannot carry {workout.sport.value} workouts; build this one as FIT "
                    "(-f fit)",
                )
            ]
        )
    # TCX has no ramp: each becomes steady slices (steps.ramp_slices), as in FIT.
    steps = s.split_ramps(workout.steps, tick=1.0)  # TCX times are whole seconds
    total = s.count_nodes(steps)
    if total > MAX_STEP_IDS:
        raise WorkoutError(
            [
                error(
                    workout.steps_source,
                    f"TCX holds at most {MAX_STEP_IDS} steps (repeats count as steps); this "
                    f"workout has {total}: build FIT instead (-f fit)",
                )
            ]
        )

    root = etree.Element(f"{{{NS}}}TrainingCenterDatabase", nsmap={None: NS, "xsi": XSI})  # type: ignore[dict-item]
    root.set(
        f"{{{XSI}}}schemaLocation",
        f"{NS} http://www.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd",
    )
    workouts = etree.SubElement(root, f"{{{NS}}}Workouts")
    wkt = etree.SubElement(workouts, f"{{{NS}}}Workout", Sport=SPORT[workout.sport])
    if workout.short_name:
        name = _token(workout.short_name)
    else:
        name = w.name(workout.name, workout.name_source, "workout name") or "Workout"
    etree.SubElement(wkt, f"{{{NS}}}Name").text = name or "Workout"
    for node in steps:
        w.node(wkt, "Step", node)
    if workout.description:
        etree.SubElement(wkt, f"{{{NS}}}Notes").text = workout.description
    creator = etree.SubElement(wkt, f"{{{NS}}}Creator")
    creator.set(f"{{{XSI}}}type", "Application_t")
    etree.SubElement(creator, f"{{{NS}}}Name").text = "workoutexport"
    build = etree.SubElement(creator, f"{{{NS}}}Build")
    version = etree.SubElement(build, f"{{{NS}}}Version")
    major, minor = [*__version__.split("."), "0"][:2]
    etree.SubElement(version, f"{{{NS}}}VersionMajor").text = str(int(major))
    etree.SubElement(version, f"{{{NS}}}VersionMinor").text = str(int(minor))
    etree.SubElement(creator, f"{{{NS}}}LangID").text = "en"
    etree.SubElement(creator, f"{{{NS}}}PartNumber").text = "000-00000-00"

    w.raise_errors()
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return Emitted(data, w.diagnostics)
