"""Step tree -> Zwift workout file (.zwo), written with lxml.

ZWO is narrow: steps last seconds; a target is one number, a fraction of FTP (bike) or of a
race pace's speed (run, see `units`), held within the profile's tolerance; one cadence; a
note as a text event. A repeat of an active and a recovery step becomes `IntervalsT`; any
other repeat is written out step by step (the same workout, longer file). What ZWO cannot
carry is an error naming the step, or under `--lossy` dropped with a warning.
"""

from __future__ import annotations

from typing import Any, assert_never

from ... import steps as s
from ...compile import cadence_target, pace_target, power_target
from ...diagnostics import Position, WorkoutError, error
from ...profile import EMPTY, Profile
from ...units import NamedPace
from .. import DEFAULT_OPTIONS, EmitOptions, Emitted, Encoder
from .units import RACE_PACES, candidates, close, number_text

SPORT = {s.Sport.RUNNING: "run", s.Sport.CYCLING: "bike"}
#: Elements a workout is written out to at most (repeats unrolled).
MAX_ELEMENTS = 1000
_TAG = {s.Intensity.WARMUP: "Warmup", s.Intensity.COOLDOWN: "Cooldown"}


def _same(a: s.Target, b: s.Target | None) -> bool:
    """The same target up to the text ZWO writes."""
    match a, b:
        case s.PowerRange(), s.PowerRange():
            return a.percent_ftp == b.percent_ftp and close(a.low, b.low) and close(a.high, b.high)
        case s.SpeedTarget(), s.SpeedTarget():
            return close(a.low_mps, b.low_mps) and close(a.high_mps, b.high_mps)
        case s.CadenceRange(), s.CadenceRange():
            return a.unit == b.unit and close(a.low, b.low) and close(a.high, b.high)
    return False


class _Writer(Encoder):
    format_name = "ZWO"

    def __init__(self, lossy: bool, profile: Profile, sport: s.Sport) -> None:
        super().__init__(lossy=lossy)
        self.profile = profile
        self.sport = sport
        self.count = 0

    # --- targets ------------------------------------------------------------------------

    def level(self, t: s.Target, where: Position) -> tuple[float, int | None] | None:
        """The `Power` fraction (and run `pace` index) that reads back as target `t`."""
        if self.sport is s.Sport.CYCLING:
            if isinstance(t, s.PowerRange) and t.percent_ftp:
                mid = (t.low + t.high) / 2 / 100
                for f in candidates(mid):
                    back = power_target(
                        f * 100, f * 100, single=True, percent_ftp=True, profile=self.profile
                    )
                    if _same(t, back):
                        return f, None
                self.unsupported(
                    where,
                    f"ZWO holds one power per step, held within the profile's "
                    f"{self.profile.tolerance.power:g} %: {t.low:g}-{t.high:g}%ftp is not "
                    "one such value",
                    droppable=True,
                )
                return None
            if isinstance(t, s.PowerRange):
                ftp = self.profile.ftp
                if ftp is None:
                    self.unsupported(
                        where,
                        "ZWO writes power as a fraction of FTP: watts need the profile's ftp",
                        droppable=True,
                    )
                    return None
                mid = (t.low + t.high) / 2 / ftp
                self.warn(
                    where,
                    f"ZWO writes power as a fraction of FTP: {t.low:g}-{t.high:g} W becomes "
                    f"{number_text(mid)} of the profile's {ftp:g} W",
                )
                return round(mid, 6), None
            self.unsupported(
                where, f"ZWO bike steps hold only power targets, not {_kind(t)}", droppable=True
            )
            return None
        if not isinstance(t, s.SpeedTarget):
            self.unsupported(
                where, f"ZWO run steps hold only pace targets, not {_kind(t)}", droppable=True
            )
            return None
        found = self.race_fraction(t)
        if found is None:
            self.unsupported(
                where,
                "ZWO run targets are a fraction of a race pace (the profile's mile, 5k, 10k, "
                f"half or marathon pace), held within the profile's "
                f"{self.profile.tolerance.pace:g} s: no such fraction gives {_pace_text(t)}",
                droppable=True,
            )
        return found

    def race_fraction(self, t: s.SpeedTarget) -> tuple[float, int] | None:
        best: tuple[float, int] | None = None
        for index, name in enumerate(RACE_PACES):
            base = self.profile.paces.get(name)
            if base is None:
                continue
            metres = 1000.0 if base.unit == "km" else 1609.344
            if base.single:
                centre = (metres / t.low_mps + metres / t.high_mps) / 2
                exact = base.fast / centre
            else:
                exact = t.high_mps * base.fast / metres
            for f in candidates(exact):
                back = pace_target(NamedPace(name, f * 100, f * 100), self.profile)
                if back is not None and _same(t, back):
                    if best is None or len(number_text(f)) < len(number_text(best[0])):
                        best = (f, index)
                    break
        return best

    def cadence(self, t: s.CadenceRange, where: Position) -> int | None:
        value = round((t.low + t.high) / 2)
        if _same(t, cadence_target(value, t.unit, self.profile)):
            return value
        self.unsupported(
            where,
            f"ZWO holds one whole cadence per step, held within the profile's "
            f"{self.profile.tolerance.cadence:g}: {t.low:g}-{t.high:g}{t.unit} is not one",
            droppable=True,
        )
        return None

    # --- steps --------------------------------------------------------------------------

    def leaf(self, step: s.Leaf, *, off: bool = False) -> dict[str, Any] | None:
        """A step as {'tag', 'seconds', 'level', 'cadence', 'note', 'intensity'}, or None."""
        label = f"step '{step.name}'" if step.name else "this step"
        if isinstance(step, s.ExerciseStep):
            self.unsupported(
                step.source, f"ZWO has no strength exercises ({label})", droppable=True
            )
            return None
        seconds = self.seconds(step, label)
        if seconds is None:
            return None
        if step.name:
            self.unsupported(step.name_source, f"ZWO has no step names ({label})", droppable=True)
        level: tuple[float, int | None] | None = None
        cadence: int | None = None
        ramp = self.ramp(step, label) if step.ramp is not None else None
        for t, where in (
            (None if step.ramp is not None else step.target, step.target_source),
            (step.secondary, step.secondary_source),
        ):
            if t is None:
                continue
            if isinstance(t, s.CadenceRange):
                if cadence is None:
                    cadence = self.cadence(t, where)
                continue
            if isinstance(t, s.HeartRateZone | s.HeartRateRange):
                self.unsupported(where, f"ZWO has no heart-rate targets ({label})", droppable=True)
                continue
            if level is None:
                level = self.level(t, where)
        if step.intensity in (s.Intensity.RECOVERY, s.Intensity.REST) and not off:
            what = (
                f"ZWO marks recovery only as the off part of an IntervalsT ({label} is a "
                f"{step.intensity.value} step outside one)"
            )
            if self.lossy:
                self.warn(step.source, f"{what}; written as an active step (--lossy)")
            else:
                self.unsupported(step.source, f"{what}; it would be written as active")
        tag = _TAG.get(step.intensity, "SteadyState" if level is not None else "FreeRide")
        if ramp is not None:
            tag = _TAG.get(step.intensity, "Ramp")
        return {
            "ramp": ramp,
            "tag": tag,
            "seconds": seconds,
            "level": level,
            "cadence": cadence,
            "note": step.note,
            "intensity": step.intensity,
        }

    def ramp(self, step: s.Step, label: str) -> tuple[float, float] | None:
        """A ramp's PowerLow (start) and PowerHigh (end), as fractions of FTP."""
        t = step.target
        if self.sport is not s.Sport.CYCLING or not isinstance(t, s.PowerRange):
            self.unsupported(
                step.target_source,
                f"ZWO ramps go through power in a bike workout; {label} ramps another target",
                droppable=True,
            )
            return None
        start, end = s.ramp_ends(step)
        if t.percent_ftp:
            return round(start / 100, 9), round(end / 100, 9)
        ftp = self.profile.ftp
        if ftp is None:
            self.unsupported(
                step.target_source,
                "ZWO writes power as a fraction of FTP: watts need the profile's ftp",
                droppable=True,
            )
            return None
        self.warn(
            step.target_source,
            f"ZWO writes power as a fraction of FTP: the ramp {start:g}-{end:g} W becomes "
            f"{number_text(start / ftp)}-{number_text(end / ftp)} of the profile's {ftp:g} W",
        )
        return round(start / ftp, 6), round(end / ftp, 6)

    def seconds(self, step: s.Step, label: str) -> float | None:
        """How long `step` lasts in seconds; under --lossy a distance at a known pace is
        written as its time at the middle of that pace, and said so."""
        if isinstance(step.duration, s.Time):
            return step.duration.seconds
        from ...importers.yaml_out import duration_text

        lasts = duration_text(step.duration)
        what = f"ZWO steps last a time in seconds; {label} lasts '{lasts}'"
        pace = next(
            (t for t in (step.target, step.secondary) if isinstance(t, s.SpeedTarget)), None
        )
        if self.lossy and isinstance(step.duration, s.Distance) and pace is not None:
            per_metre = (1 / pace.low_mps + 1 / pace.high_mps) / 2
            seconds = float(max(1, round(step.duration.metres * per_metre)))
            self.warn(
                step.duration_source,
                f"{what}: written as {_clock(seconds)}, its time at the middle of its pace "
                "(--lossy)",
            )
            return seconds
        self.unsupported(step.duration_source, what, droppable=True)
        return None

    def element(self, parent: Any, tag: str, attrs: dict[str, str], note: str | None) -> None:
        from lxml import etree

        self.count += 1
        el = etree.SubElement(parent, tag)
        for key, value in attrs.items():
            el.set(key, value)
        if note:
            etree.SubElement(el, "textevent", timeoffset="0", message=note)

    def write_leaf(self, parent: Any, step: s.Leaf) -> None:
        got = self.leaf(step)
        if got is None:
            return
        attrs = {"Duration": number_text(got["seconds"])}
        level = got["level"]
        if got["ramp"] is not None:
            attrs["PowerLow"], attrs["PowerHigh"] = (number_text(x) for x in got["ramp"])
        elif level is not None:
            if got["tag"] == "SteadyState":
                attrs["Power"] = number_text(level[0])
            else:
                attrs["PowerLow"] = attrs["PowerHigh"] = number_text(level[0])
            if level[1] is not None:
                attrs["pace"] = str(level[1])
        if got["cadence"] is not None:
            attrs["Cadence"] = str(got["cadence"])
        self.element(parent, got["tag"], attrs, got["note"])

    def intervals(self, parent: Any, node: s.Repeat) -> bool:
        """Write `node` as one IntervalsT when it is an active step and a recovery step."""
        if node.until is not None or node.name or len(node.steps) != 2:
            return False
        on, off = node.steps
        if not (isinstance(on, s.Step) and isinstance(off, s.Step)):
            return False
        if on.intensity is not s.Intensity.ACTIVE or off.intensity is not s.Intensity.RECOVERY:
            return False
        if off.note or on.name or off.name:
            return False  # written out, where each step keeps its own (an IntervalsT's
            # text events are read as its on step's note)
        said = len(self.diagnostics)
        got_on = self.leaf(on)
        got_off = self.leaf(off, off=True)
        if got_on is None or got_off is None:
            if not self.lossy:
                return True  # refused, and said why
            del self.diagnostics[said:]  # written out without the dropped step, said there
            return False
        lon, loff = got_on["level"], got_off["level"]
        if lon and loff and lon[1] != loff[1]:
            del self.diagnostics[said:]  # written out instead, and said there
            return False
        attrs = {
            "Repeat": str(node.count),
            "OnDuration": number_text(got_on["seconds"]),
            "OffDuration": number_text(got_off["seconds"]),
        }
        # A side without a target has no power attribute (read back as no target).
        if lon is not None:
            attrs["OnPower"] = number_text(lon[0])
        if loff is not None:
            attrs["OffPower"] = number_text(loff[0])
        index = (lon or loff or (0.0, None))[1]
        if index is not None:
            attrs["pace"] = str(index)
        if got_on["cadence"] is not None:
            attrs["Cadence"] = str(got_on["cadence"])
        if got_off["cadence"] is not None:
            attrs["CadenceResting"] = str(got_off["cadence"])
        self.element(parent, "IntervalsT", attrs, on.note)
        return True

    def node(self, parent: Any, node: s.Node) -> None:
        if self.count > MAX_ELEMENTS:
            return
        if not isinstance(node, s.Repeat):
            self.write_leaf(parent, node)
            return
        if self.intervals(parent, node):
            return
        if node.until is not None:
            self.unsupported(node.source, "ZWO cannot repeat until a condition", droppable=True)
            return
        if node.name:
            self.unsupported(
                node.source, f"ZWO has no repeat names ('{node.name}')", droppable=True
            )
        # Written out: the same steps in the same order; bounded before any is written.
        if self.count + node.count * sum(_size(c) for c in node.steps) > MAX_ELEMENTS:
            self.fail(
                node.source, f"written out, this repeat makes more than {MAX_ELEMENTS} ZWO steps"
            )
            return
        said = len(self.diagnostics)
        for turn in range(node.count):
            after_first = len(self.diagnostics)
            for child in node.steps:
                self.node(parent, child)
            if turn:
                del self.diagnostics[after_first:]  # the same steps say the same once
            if self.count > MAX_ELEMENTS:
                del self.diagnostics[said:]
                self.fail(
                    node.source,
                    f"written out, this repeat makes more than {MAX_ELEMENTS} ZWO steps",
                )
                return


def _size(node: s.Node) -> int:
    """Elements `node` is written as at least (an active-recovery pair as one IntervalsT),
    capped just above the limit so no count is ever unrolled to be measured."""
    if not isinstance(node, s.Repeat):
        return 1
    if node.until is None and not node.name and len(node.steps) == 2:
        on, off = node.steps
        if (
            isinstance(on, s.Step)
            and isinstance(off, s.Step)
            and on.intensity is s.Intensity.ACTIVE
            and off.intensity is s.Intensity.RECOVERY
        ):
            return 1
    return min(node.count * sum(_size(c) for c in node.steps), MAX_ELEMENTS + 1)


def _pace_text(t: s.SpeedTarget) -> str:
    unit = t.pace_unit or "km"
    metres = 1000.0 if unit == "km" else 1609.344
    return f"{_clock(metres / t.high_mps)}-{_clock(metres / t.low_mps)}/{unit}"


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _kind(t: s.Target) -> str:
    match t:
        case s.SpeedTarget():
            return "pace or speed"
        case s.HeartRateZone() | s.HeartRateRange():
            return "heart rate"
        case s.CadenceRange():
            return "cadence"
        case s.PowerZone():
            return "power zones"
        case s.PowerRange():
            return "power"
        case s.SwimStroke():
            return "swim stroke"
        case _:
            assert_never(t)


def emit(
    workout: s.Workout, *, lossy: bool = False, options: EmitOptions = DEFAULT_OPTIONS
) -> Emitted:
    """The .zwo file for `workout`; raises WorkoutError when ZWO cannot carry it."""
    from lxml import etree

    sport = SPORT.get(workout.sport)
    if sport is None:
        raise WorkoutError(
            [
                error(
                    workout.sport_source,
                    f"ZWO holds bike and run workouts, not {workout.sport.value}; build FIT "
                    "instead (-f fit)",
                )
            ]
        )
    w = _Writer(lossy, options.profile or EMPTY, workout.sport)
    root = etree.Element("workout_file")
    etree.SubElement(root, "author").text = "workoutexport"
    etree.SubElement(root, "name").text = workout.name
    if workout.description:
        etree.SubElement(root, "description").text = workout.description
    etree.SubElement(root, "sportType").text = sport
    body = etree.SubElement(root, "workout")
    for node in workout.steps:
        w.node(body, node)
    w.raise_errors()
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return Emitted(data, w.diagnostics)
