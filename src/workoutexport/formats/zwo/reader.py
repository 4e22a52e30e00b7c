"""Zwift workout files (.zwo) -> step trees.

Every step element is read or refused: `Warmup`, `Cooldown` and `Ramp` going from `PowerLow`
to a different `PowerHigh` are ramp steps (warm-up and cool-down ramps keep their intensity);
a run workout's targets need the profile's race paces (see `units`). Metadata the
workout format has no place for (category, tags, Zwift's ids) is left out; an element or
attribute that would change the workout is refused.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from ... import steps as s
from ...compile import cadence_target, pace_target, power_target
from ...diagnostics import Diagnostic, Position, WorkoutError, error, warning
from ...profile import EMPTY, Profile
from ...units import NamedPace
from ..common import refuse_doctype, xml_message
from .units import RACE_PACES, number_text

_SPORT = {"bike": s.Sport.CYCLING, "run": s.Sport.RUNNING}
#: Top-level elements read as metadata of the file, not of the workout.
_METADATA = {
    "author", "name", "description", "sportType", "tags", "workout", "category",
    "subcategory", "categoryIndex", "categoryOverride", "uniqueId", "legacyIdHash",
    "activitySaveName", "Skill", "isRepeatable", "visibleAfterTime", "overrideHash",
    "durationType", "ftpOverride",
}  # fmt: skip
#: Attributes that change how Zwift shows a step, not what it asks for.
_DISPLAY = {"Quantize", "show_avg", "FlatRoad", "Zone", "units", "pace", "locIndex"}
_STEP_ATTRS = {
    "SteadyState": {"Duration", "Power", "PowerLow", "PowerHigh", "Cadence"},
    "Warmup": {"Duration", "PowerLow", "PowerHigh", "Cadence"},
    "Cooldown": {"Duration", "PowerLow", "PowerHigh", "Cadence"},
    "Ramp": {"Duration", "PowerLow", "PowerHigh", "Cadence"},
    "FreeRide": {"Duration", "Cadence"},
    "MaxEffort": {"Duration"},
    "IntervalsT": {
        "Repeat", "OnDuration", "OffDuration", "OnPower", "OffPower", "PowerOnLow",
        "PowerOnHigh", "PowerOffLow", "PowerOffHigh", "Cadence", "CadenceResting",
    },
}  # fmt: skip
_INTENSITY = {
    "Warmup": s.Intensity.WARMUP,
    "Cooldown": s.Intensity.COOLDOWN,
}
#: Step elements read from one file at most.
MAX_STEPS = 10_000
MAX_NUMBER = 1e6


class _Reader:
    def __init__(self, path: str, sport: s.Sport, profile: Profile, lossy: bool) -> None:
        self.path = path
        self.sport = sport
        self.profile = profile
        self.lossy = lossy
        self.problems: list[Diagnostic] = []

    def at(self, el: Any) -> Position:
        line = getattr(el, "sourceline", None) or 0
        return Position(self.path, line, 1 if line else 0)

    def fail(self, el: Any, message: str) -> None:
        self.problems.append(error(self.at(el), message))

    def number(self, el: Any, attr: str, *, required: bool = True) -> float | None:
        text = el.get(attr)
        if text is None:
            if required:
                self.fail(el, f"<{el.tag}> has no {attr}")
            return None
        try:
            value = float(text.strip())
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or abs(value) > MAX_NUMBER:
            self.fail(el, f"<{el.tag}> {attr} is not a number in range: '{text[:40]}'")
            return None
        return value

    def seconds(self, el: Any, attr: str) -> float | None:
        value = self.number(el, attr)
        if value is not None and value <= 0:
            self.fail(el, f"<{el.tag}> {attr} must be above 0 seconds, not {number_text(value)}")
            return None
        return value

    def level(self, el: Any, one: str, low: str, high: str) -> float | None:
        """A single power level: `one`, or `low`/`high` when they agree (a ramp otherwise)."""
        if el.get(one) is not None:
            return self.number(el, one)
        lo = self.number(el, low, required=False)
        hi = self.number(el, high, required=False)
        if lo is None or hi is None:
            return lo if hi is None else hi
        if lo == hi:
            return lo
        what = (
            f"<{el.tag}> ramps from {number_text(lo)} to {number_text(hi)}: the workout format "
            "has no ramp step"
        )
        if self.lossy:
            average = (lo + hi) / 2
            self.problems.append(
                warning(
                    self.at(el), f"{what}; read as its average, {number_text(average)} (--lossy)"
                )
            )
            return average
        self.fail(el, f"{what} (import with --lossy to take its average)")
        return None

    def target(self, el: Any, value: float | None, high: float | None = None) -> s.Target | None:
        """The target at `value` (a fraction), or over `value`..`high` (a ramp's range)."""
        if value is None:
            return None
        top = value if high is None else high
        if self.sport is s.Sport.CYCLING:
            return power_target(
                round(value * 100, 9),
                round(top * 100, 9),
                single=high is None,
                percent_ftp=True,
                profile=self.profile,
            )
        index_text = el.get("pace", "0")
        try:
            index = int(index_text)
        except ValueError:
            index = -1
        if not 0 <= index < len(RACE_PACES):
            self.fail(el, f'pace="{index_text[:20]}" is not a race pace index (0-4)')
            return None
        name = RACE_PACES[index]
        found = pace_target(
            NamedPace(name, round(value * 100, 9), round(top * 100, 9)), self.profile
        )
        if found is None:
            self.fail(
                el,
                f'this run step is {number_text(value)} of the {name} pace (pace="{index}"): '
                f"the profile must give a '{name}' pace (give --profile, or put a profile.yaml "
                "beside the file)",
            )
        return found

    def cadence(self, el: Any, attr: str) -> s.CadenceRange | None:
        value = self.number(el, attr, required=False)
        if value is None:
            return None
        if self.sport is s.Sport.CYCLING:
            return cadence_target(value, "rpm", self.profile)
        return cadence_target(value, "spm", self.profile)

    def check_attrs(self, el: Any, known: set[str]) -> None:
        for attr in el.attrib:
            name = str(attr)
            if name in known or name in _DISPLAY:
                continue
            self.fail(
                el, f"attribute {name} of <{el.tag}> cannot be expressed in the workout format"
            )

    def note(self, el: Any) -> str | None:
        messages: list[str] = []
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if child.tag in ("textevent", "TextEvent"):
                message = " ".join(str(child.get("message") or "").split())
                if message:
                    messages.append(message)
            elif child.tag != "gameplayevent":
                self.fail(
                    child, f"<{child.tag}> in <{el.tag}> cannot be expressed in the workout format"
                )
        return "\n".join(messages) or None

    def step(self, el: Any) -> s.Node | None:
        tag = str(el.tag)
        known = _STEP_ATTRS.get(tag)
        if known is None:
            self.fail(el, f"<{tag}> is not a ZWO step this importer reads")
            return None
        self.check_attrs(el, known)
        if tag == "IntervalsT":
            return self.intervals(el)
        duration = self.seconds(el, "Duration")
        note = self.note(el)
        if tag == "MaxEffort":
            note = "\n".join(x for x in ("max effort", note) if x)
            value = None
        elif tag == "FreeRide":
            value = None
        elif tag != "SteadyState" and el.get("Power") is None and self.ramps(el):
            return self.ramp(el, duration, note)
        else:
            value = self.level(el, "Power", "PowerLow", "PowerHigh")
        target = self.target(el, value)
        cadence = self.cadence(el, "Cadence")
        if duration is None:
            return None
        if target is None:
            target, cadence = cadence, None
        return s.Step(
            intensity=_INTENSITY.get(tag, s.Intensity.ACTIVE),
            duration=s.Time(seconds=duration),
            target=target,
            secondary=cadence,
            note=note,
        )

    @staticmethod
    def ramps(el: Any) -> bool:
        low, high = el.get("PowerLow"), el.get("PowerHigh")
        return low is not None and high is not None and low.strip() != high.strip()

    def ramp(self, el: Any, duration: float | None, note: str | None) -> s.Step | None:
        """A `Warmup`, `Cooldown` or `Ramp` from PowerLow to PowerHigh: a ramp step."""
        lo = self.number(el, "PowerLow")
        hi = self.number(el, "PowerHigh")
        cadence = self.cadence(el, "Cadence")
        if lo is None or hi is None or duration is None:
            return None
        ramp: Literal["up", "down"] | None
        if lo == hi:  # the same number written two ways ('0.5', '0.50')
            target = self.target(el, lo)
            ramp = None
        else:
            target = self.target(el, min(lo, hi), max(lo, hi))
            ramp = "up" if lo < hi else "down"
        if target is None:
            return None
        return s.Step(
            intensity=_INTENSITY.get(str(el.tag), s.Intensity.ACTIVE),
            duration=s.Time(seconds=duration),
            target=target,
            secondary=cadence,
            note=note,
            ramp=ramp,
        )

    def intervals(self, el: Any) -> s.Node | None:
        count = self.number(el, "Repeat")
        on = self.seconds(el, "OnDuration")
        off = self.seconds(el, "OffDuration")
        note = self.note(el)
        on_target = self.target(el, self.level(el, "OnPower", "PowerOnLow", "PowerOnHigh"))
        off_target = self.target(el, self.level(el, "OffPower", "PowerOffLow", "PowerOffHigh"))
        on_cadence = self.cadence(el, "Cadence")
        off_cadence = self.cadence(el, "CadenceResting")
        if count is None or on is None or off is None:
            return None
        if not count.is_integer() or count < 1:
            self.fail(
                el, f"<IntervalsT> Repeat must be a whole number from 1, not {number_text(count)}"
            )
            return None
        if on_target is None:
            on_target, on_cadence = on_cadence, None
        if off_target is None:
            off_target, off_cadence = off_cadence, None
        return s.Repeat(
            count=int(count),
            steps=(
                s.Step(
                    intensity=s.Intensity.ACTIVE,
                    duration=s.Time(seconds=on),
                    target=on_target,
                    secondary=on_cadence,
                    note=note,
                ),
                s.Step(
                    intensity=s.Intensity.RECOVERY,
                    duration=s.Time(seconds=off),
                    target=off_target,
                    secondary=off_cadence,
                ),
            ),
        )


def _text(root: Any, tag: str) -> str | None:
    el = root.find(tag)
    if el is None or el.text is None:
        return None
    return str(el.text).strip() or None


def read_zwo(
    data: bytes,
    path: str,
    *,
    profile: Profile = EMPTY,
    lossy: bool = False,
    default_name: str = "Imported workout",
) -> tuple[s.Workout, list[Diagnostic]]:
    """The workout in a .zwo file as a step tree, and warnings (raises WorkoutError)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (0, 0)
        raise WorkoutError(
            [error(Position(path, line, col), f"not valid XML: {xml_message(exc)}")]
        ) from None
    refuse_doctype(root, data, path, "Zwift workout")
    where = Position(path, getattr(root, "sourceline", 0) or 0, 1)
    if root.tag != "workout_file":
        raise WorkoutError([error(where, "not a Zwift workout file (<workout_file>)")])
    sport_text = (_text(root, "sportType") or "bike").lower()
    sport = _SPORT.get(sport_text)
    if sport is None:
        raise WorkoutError([error(where, f"sportType '{sport_text[:20]}' is neither bike nor run")])
    reader = _Reader(path, sport, profile, lossy)
    for child in root:
        if isinstance(child.tag, str) and child.tag not in _METADATA:
            reader.fail(child, f"<{child.tag}> cannot be expressed in the workout format")
    if (_text(root, "durationType") or "time") != "time":
        reader.fail(
            root.find("durationType"),
            "steps measured by distance (durationType) are not read; only time",
        )
    if root.find("ftpOverride") is not None:
        reader.fail(
            root.find("ftpOverride"),
            "ftpOverride (fixed watts) cannot be expressed: give power as a fraction of FTP",
        )
    body = root.find("workout")
    if body is None:
        raise WorkoutError([error(where, "this Zwift workout file has no <workout>")])
    elements = [el for el in body if isinstance(el.tag, str)]
    if len(elements) > MAX_STEPS:
        raise WorkoutError(
            [error(where, f"this file has {len(elements):,} steps; at most {MAX_STEPS:,} are read")]
        )
    steps = tuple(node for el in elements if (node := reader.step(el)) is not None)
    errors = [d for d in reader.problems if d.severity == "error"]
    if errors:
        raise WorkoutError(reader.problems)
    if not steps:
        raise WorkoutError([error(where, "this Zwift workout has no steps")])
    workout = s.Workout(
        name=" ".join((_text(root, "name") or "").split()) or default_name,
        sport=sport,
        description=_text(root, "description"),
        steps=steps,
    )
    return workout, [d for d in reader.problems if d.severity != "error"]
