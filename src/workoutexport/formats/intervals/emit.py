"""Step tree -> intervals.icu workout text.

Every target is written as a range (`85.5-94.5%`, `4:50-5:00/km Pace`), which the builder
uses as written, so the text reads back to the same windows. Repeats are `Nx` header lines
followed by their steps and a blank line; a repeat inside a repeat (which the builder does
not support) is written out when that is exact. What the text cannot carry (conditions,
strength exercises, notes) is an error naming the step, or under `--lossy` dropped with a
warning. The workout's name is the file's; its description is left out, with a warning.
"""

from __future__ import annotations

from ... import steps as s
from ...diagnostics import Position, WorkoutError, error
from ...profile import EMPTY, Profile
from ...units import METRES_PER_MILE
from .. import DEFAULT_OPTIONS, EmitOptions, Emitted, Encoder
from .units import metres, number_text, seconds, time_text

#: Lines a workout is written out to at most (repeats unrolled).
MAX_LINES = 2000
_INTENSITY = {
    s.Intensity.WARMUP: "warmup",
    s.Intensity.COOLDOWN: "cooldown",
    s.Intensity.RECOVERY: "recovery",
    s.Intensity.REST: "rest",
}


class _Writer(Encoder):
    format_name = "intervals.icu"

    def __init__(self, lossy: bool, profile: Profile) -> None:
        super().__init__(lossy=lossy)
        self.profile = profile
        self.lines: list[str] = []

    def rounded(self, where: Position, what: str, text: str) -> None:
        """A value the text holds only rounded: an error, or under `lossy` a warning."""
        if self.lossy:
            self.warn(where, f"{what}; written as {text} (--lossy)")
        else:
            self.fail(where, f"{what}; build FIT instead (-f fit) (or pass --lossy to round it)")

    def target(self, t: s.Target, where: Position, label: str) -> str | None:
        match t:
            case s.PowerRange(low=lo, high=hi, percent_ftp=True):
                return f"{number_text(lo)}-{number_text(hi)}%"
            case s.PowerRange(low=lo, high=hi):
                return f"{number_text(lo)}-{number_text(hi)}w"
            case s.PowerZone(zone=zone):
                return f"Z{zone}"
            case s.HeartRateZone(zone=zone):
                return f"Z{zone} HR"
            case s.HeartRateRange(low=lo, high=hi, percent_max=True):
                return f"{number_text(lo)}-{number_text(hi)}% HR"
            case s.HeartRateRange(low=lo, high=hi):
                lthr = self.profile.lthr
                if lthr is None:
                    self.unsupported(
                        where,
                        f"intervals.icu gives heart rate as % of max or of LTHR, not bpm "
                        f"({label}): the profile needs lthr",
                        droppable=True,
                    )
                    return None
                return f"{number_text(lo / lthr * 100)}-{number_text(hi / lthr * 100)}% LTHR"
            case s.SpeedTarget(low_mps=lo, high_mps=hi, pace_unit=unit):
                from ...importers.yaml_out import _pace_window

                fast, slow = _pace_window(lo, hi, unit, "fit")
                return f"{fast}-{slow}/{unit} Pace"
            case s.CadenceRange(low=lo, high=hi, unit="rpm"):
                return f"{number_text(lo)}-{number_text(hi)}rpm"
            case s.CadenceRange():
                self.unsupported(
                    where,
                    f"intervals.icu cadence is cycling's rpm, not steps ({label})",
                    droppable=True,
                )
                return None
        return None  # pragma: no cover

    def leaf(self, step: s.Leaf, indent: str = "") -> None:
        label = f"step '{step.name}'" if step.name else "this step"
        if isinstance(step, s.ExerciseStep):
            self.unsupported(
                step.source,
                f"intervals.icu text has no strength exercises ({label})",
                droppable=True,
            )
            return
        parts: list[str] = []
        if step.name:
            cue = " ".join(step.name.split())
            if any(
                seconds(w) is not None or metres(w) is not None for w in cue.split()
            ) or cue.startswith("-"):
                self.unsupported(
                    step.name_source,
                    f"the name '{cue}' would read as a duration in intervals.icu text",
                    droppable=True,
                )
            else:
                parts.append(cue)
        match step.duration:
            case s.Time(seconds=sec):
                text = time_text(max(sec, 1))
                if abs(sec - round(sec)) > 1e-9 or round(sec) < 1:
                    self.rounded(
                        step.duration_source,
                        f"intervals.icu counts whole seconds; {label} lasts {sec:g} s",
                        text,
                    )
                parts.append(text)
            case s.Distance(metres=m):
                miles = round(m / METRES_PER_MILE, 2)
                if abs(m - round(m)) <= 1e-9 and round(m) >= 1:
                    parts.append(f"{round(m)}mtr")
                elif miles > 0 and abs(miles * METRES_PER_MILE - m) <= 1e-6:
                    parts.append(f"{number_text(miles)}mi")
                else:
                    text = f"{max(round(m), 1)}mtr"
                    self.rounded(
                        step.duration_source,
                        f"intervals.icu counts whole metres (mtr) or miles; {label} is {m:g} m",
                        text,
                    )
                    parts.append(text)
            case s.LapButton():
                parts.append("press lap")
            case _:
                from ...importers.yaml_out import duration_text

                self.unsupported(
                    step.duration_source,
                    "intervals.icu text has no step lasting "
                    f"'{duration_text(step.duration)}' ({label})",
                    droppable=True,
                )
                return
        for t, where in (
            (step.target, step.target_source),
            (step.secondary, step.secondary_source),
        ):
            if t is not None and (written := self.target(t, where, label)) is not None:
                parts.append(written)
        if step.note:
            self.unsupported(
                step.note_source, f"intervals.icu text has no step notes ({label})", droppable=True
            )
        if step.intensity in _INTENSITY:
            parts.append(f"intensity={_INTENSITY[step.intensity]}")
        self.lines.append(f"{indent}- " + " ".join(parts))

    def node(self, node: s.Node, depth: int = 0) -> None:
        if len(self.lines) > MAX_LINES:
            return
        if not isinstance(node, s.Repeat):
            self.leaf(node)
            return
        if node.until is not None:
            self.unsupported(
                node.source, "intervals.icu text cannot repeat until a condition", droppable=True
            )
            return
        nested = any(isinstance(c, s.Repeat) for c in node.steps)
        if depth > 0 or nested:
            # The builder has no nested repeats: the outer ones are written out.
            if node.name:
                self.unsupported(
                    node.source,
                    f"a repeat written out keeps no name ('{node.name}')",
                    droppable=True,
                )
            for _ in range(node.count):
                for child in node.steps:
                    self.node(child, depth)
            if len(self.lines) > MAX_LINES:
                self.fail(
                    node.source, f"written out, these repeats make more than {MAX_LINES} lines"
                )
            return
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
        name = " ".join((node.name or "").split())
        if name and (name[-1:].lower() == "x" or name.startswith("-")):
            self.unsupported(
                node.source, f"the repeat name '{name}' would not read back", droppable=True
            )
            name = ""
        self.lines.append(f"{name} {node.count}x".strip())
        for child in node.steps:
            self.node(child, depth + 1)
        self.lines.append("")


def emit(
    workout: s.Workout, *, lossy: bool = False, options: EmitOptions = DEFAULT_OPTIONS
) -> Emitted:
    """The intervals.icu text for `workout`; raises WorkoutError when it cannot carry it."""
    if workout.sport is s.Sport.STRENGTH:
        raise WorkoutError(
            [
                error(
                    workout.sport_source,
                    "intervals.icu text cannot carry strength workouts; build FIT instead (-f fit)",
                )
            ]
        )
    w = _Writer(lossy, options.profile or EMPTY)
    for node in workout.steps:
        w.node(node)
    if workout.description:
        w.warn(
            workout.description_source,
            "intervals.icu text has no description; it is left out of the text (the name "
            "is the file's)",
        )
    w.raise_errors()
    text = "\n".join(w.lines).strip("\n") + "\n"
    return Emitted(text.encode("utf-8"), w.diagnostics)
