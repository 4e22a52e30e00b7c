"""Model + profile + options -> step tree. Every semantic check lives here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, assert_never

from . import model as m
from . import steps as s
from . import units as u
from .diagnostics import Diagnostic, WorkoutError, error
from .options import Pick
from .profile import Profile
from .source import Document, Loc
from .validate import suggest

#: Steps a workout may hold, repeats counted once each (watches take a few hundred at most).
MAX_WRITTEN_STEPS = 5_000


def _is_range(value: object) -> bool:
    if isinstance(value, u.NamedPace):
        return value.pct_low is not None and value.pct_low != value.pct_high
    return isinstance(value, u.Window | u.AbsolutePace) and not value.single


@dataclass
class Options:
    pick: Pick = "low"


def pick_value(low: float, high: float, pick: Pick) -> float:
    """A range's value under --pick: its low end, midpoint or high end."""
    if pick == "low":
        return low
    if pick == "high":
        return high
    return (low + high) / 2


def pick_count(count: u.Count, pick: Pick) -> int:
    """A repeat count under --pick (the midpoint rounds half up)."""
    if pick == "low":
        return count.low
    if pick == "high":
        return count.high
    # round half up, as the spec asks (Python's round() would round half to even)
    return (count.low + count.high + 1) // 2


class _Compiler:
    def __init__(
        self,
        doc: Document,
        profile: Profile,
        options: Options,
        sport: str = "running",
        pool: tuple[float, Literal["m", "yd"]] | None = None,
    ) -> None:
        self.doc = doc
        self.profile = profile
        self.options = options
        self.errors: list[Diagnostic] = []
        self.swimming = sport == "swimming"
        self.pool = pool

    def swim_only(self, loc: Loc, what: str) -> None:
        if not self.swimming:
            self.fail(loc, f"{what} belongs to a swim: this workout needs 'sport: swimming'")

    def written(self, loc: Loc) -> str | None:
        """The text at `loc` in the (substituted) document, for show's display hints."""
        value: object = self.doc.data
        for key in loc:
            if isinstance(value, dict) and key in value:
                value = value[key]
                continue
            if not (isinstance(value, list) and isinstance(key, int) and key < len(value)):
                return None
            value = value[key]
        return " ".join(str(value).split()) if isinstance(value, str | int) else None

    def fail(self, loc: Loc, message: str) -> None:
        self.errors.append(error(self.doc.at(loc), message))

    # --- tree ---------------------------------------------------------------------------

    def nodes(self, items: list[m.Step], loc: Loc) -> tuple[s.Node, ...]:
        out: list[s.Node] = []
        for i, item in enumerate(items):
            here = (*loc, i)
            if isinstance(item, m.RepeatStep):
                children = self.nodes(item.steps, (*here, "steps"))
                if isinstance(item.repeat, u.Until):
                    until = self.until(item.repeat, (*here, "repeat"))
                    if until is not None:
                        out.append(
                            s.Repeat(
                                count=1,
                                steps=children,
                                name=item.name,
                                until=until,
                                source=self.doc.at(here),
                            )
                        )
                    continue
                count = pick_count(item.repeat, self.options.pick)
                if count == 1:
                    out.extend(children)
                else:
                    out.append(
                        s.Repeat(
                            count=count,
                            steps=children,
                            name=item.name,
                            source=self.doc.at(here),
                            written=self.written((*here, "repeat")),
                        )
                    )
            elif isinstance(item, m.ExerciseStep):
                exercise = self.exercise(item, here)
                if exercise is not None:
                    out.append(exercise)
            else:
                step = self.leaf(item, here)
                if step is not None:
                    out.append(step)
        return tuple(out)

    def leaf(self, item: m.Step, loc: Loc) -> s.Step | None:
        assert isinstance(item, m._Leaf)
        kind = next(k for k in s.TIMED_KINDS if k in type(item).model_fields)
        if kind in s.SWIM_KINDS:
            self.swim_only((*loc, kind), f"a '{kind}' step")
        elif self.swimming and s.TIMED_KINDS[kind] is s.Intensity.ACTIVE:
            self.fail(
                (*loc, kind), f"a swim's work is written 'swim:' (or 'drill:'), not '{kind}:'"
            )
        spec = getattr(item, kind)
        if isinstance(spec, u.SendOff) and kind != "rest":
            self.fail((*loc, kind), "a send-off ('until 1:45') is a rest: write 'rest: until ...'")
        duration = self.duration(spec, (*loc, kind))
        if item.equipment is not None:
            self.swim_only((*loc, "equipment"), "'equipment'")
        target = self.target(item, loc)
        if kind == "drill":
            # FIT names a drill as a stroke of its own: the step's one target is that stroke.
            for key, value in item.targets():
                if key != "stroke":
                    self.fail(
                        (*loc, key),
                        "a drill's target is its stroke (drill); put this one under 'secondary:'",
                    )
                elif value != "drill":
                    self.fail(
                        (*loc, key),
                        f"FIT has one drill stroke, not a {value} drill: write 'swim:' with "
                        f"'stroke: {value}', or name the drill in 'name:' or 'note:'",
                    )
            target = s.SwimStroke(stroke="drill")
        secondary = self.target(item.secondary, (*loc, "secondary")) if item.secondary else None
        target_keys = [k for k, _ in item.targets()]
        secondary_keys = [k for k, _ in item.secondary.targets()] if item.secondary else []
        if target_keys and secondary_keys and target_keys[0] == secondary_keys[0]:
            # A watch shows one target of a kind; two disagree or repeat each other.
            self.fail(
                (*loc, "secondary", secondary_keys[0]),
                f"'secondary:' holds a {secondary_keys[0]} target like the step's own; "
                "a secondary target must be of another kind (such as cadence under a pace)",
            )
        intensity = s.TIMED_KINDS[kind]
        ramp: Literal["up", "down"] | None = None
        if isinstance(item, m.RampStep):
            ramp = self.ramp(item, duration, target, loc)
            if item.intensity is not None:
                intensity = s.Intensity(item.intensity)
        at = self.doc.at
        return s.Step(
            intensity=intensity,
            ramp=ramp,
            duration=duration,
            target=target,
            secondary=secondary,
            name=item.name,
            note=item.note,
            equipment=item.equipment,
            source=at(loc),
            duration_source=at((*loc, kind)),
            target_source=at((*loc, *target_keys[:1])),
            secondary_source=at((*loc, "secondary", *secondary_keys[:1])),
            name_source=at((*loc, "name")),
            note_source=at((*loc, "note")),
            written=self.written((*loc, kind)),
        )

    def ramp(
        self, item: m.RampStep, duration: s.Duration, target: s.Target | None, loc: Loc
    ) -> Literal["up", "down"]:
        """A ramp's direction: the order its range is written in ('75-50%ftp' falls; a pace
        written slow to fast, '6:00-5:00/km', speeds up)."""
        if not isinstance(duration, s.Time):
            self.fail((*loc, "ramp"), "a ramp lasts a time, such as '10min'")
        found = item.targets()
        ranged = (
            found
            and found[0][0] in ("power", "pace", "speed")
            and isinstance(target, s.PowerRange | s.SpeedTarget)
            and _is_range(found[0][1])
        )
        if not ranged:
            self.fail(
                (*loc, found[0][0]) if found else (*loc, "ramp"),
                "a ramp goes through a power, pace or speed range, such as "
                "'power: 50-75%ftp' (from the first end to the second)",
            )
            return "up"
        key = found[0][0]
        ends = u.RANGE_ENDS.search(self.written((*loc, key)) or "")
        if ends is None:
            return "up"
        first, second = (u.end_value(e) for e in ends.groups())
        if key == "pace" and ":" in ends.group(1):
            first, second = second, first  # the larger time per km is the slower pace
        return "down" if first > second else "up"

    def exercise(self, item: m.ExerciseStep, loc: Loc) -> s.ExerciseStep | None:
        from .exercises import lookup

        try:
            exercise = lookup(item.exercise)
        except u.UnitError as exc:
            self.fail((*loc, "exercise"), str(exc))
            return None
        duration: s.ExerciseDuration
        if item.reps is not None:
            duration = s.Reps(count=item.reps)
        elif item.time is not None:
            d = self.duration(item.time, (*loc, "time"))
            if not isinstance(d, s.Time):
                self.fail((*loc, "time"), "an exercise's 'time' must be a time, such as '45s'")
                return None
            duration = d
        else:
            duration = s.LapButton()
        weight = item.weight
        intensity: s.ExerciseIntensity = s.Intensity.ACTIVE
        if item.intensity == "warmup":
            intensity = s.Intensity.WARMUP
        elif item.intensity == "cooldown":
            intensity = s.Intensity.COOLDOWN
        return s.ExerciseStep(
            exercise=exercise,
            duration=duration,
            intensity=intensity,
            weight_kg=weight.kg if weight else None,
            weight_unit=weight.unit if weight else "kg",
            name=item.name,
            note=item.note,
            source=self.doc.at(loc),
            duration_source=self.doc.at((*loc, "reps" if item.reps is not None else "time")),
            name_source=self.doc.at((*loc, "name")),
            note_source=self.doc.at((*loc, "note")),
            written=self.written((*loc, "time")) if item.time is not None else None,
        )

    def until(self, spec: u.Until, loc: Loc) -> s.RepeatUntil | None:
        """A conditional repeat's condition; ranges are picked like durations."""
        cond = spec.condition
        if isinstance(cond, u.PowerCondition):
            if cond.above:
                return s.PowerAbove(watts=cond.watts)
            return s.PowerBelow(watts=cond.watts)
        d = self.duration(cond, loc)
        if isinstance(
            d, s.LapButton | s.RepetitionTime
        ):  # pragma: no cover - the parser refuses lap
            raise AssertionError(d)
        return d

    # --- durations ----------------------------------------------------------------------

    def duration(self, spec: u.DurationSpec, loc: Loc) -> s.Duration:
        pick = self.options.pick
        match spec:
            case u.TimeSpan(low=lo, high=hi):
                return s.Time(seconds=pick_value(lo, hi, pick))
            case u.DistanceSpan(low=lo, high=hi):
                metres = pick_value(lo, hi, pick)
                if self.pool is not None:
                    size, unit = self.pool
                    lengths = metres / size
                    if abs(lengths - round(lengths)) > 1e-6 or round(lengths) < 1:
                        self.fail(
                            loc,
                            f"{metres:g} m is not a whole number of {size:g} m lengths"
                            + (f" ({size / u.METRES_PER_YARD:g} yd)" if unit == "yd" else "")
                            + f": {lengths:.2f} lengths",
                        )
                    else:
                        metres = round(lengths) * size
                return s.Distance(metres=metres)
            case u.Lengths(low=lo, high=hi):
                if self.pool is None:
                    self.fail(loc, "lengths need the pool's length: add 'pool: 25m' (or 25yd)")
                    return s.Distance(metres=1.0)
                return s.Distance(metres=pick_count(u.Count(lo, hi), pick) * self.pool[0])
            case u.SendOff(seconds=sec):
                self.swim_only(loc, "a send-off ('until 1:45')")
                return s.RepetitionTime(seconds=sec)
            case u.LapButton():
                return s.LapButton()
            case u.Calories(kcal=kcal):
                return s.Calories(kcal=kcal)
            case u.HrCondition(above=above, value=value, unit=unit):
                bpm = value if unit == "bpm" else None
                pct = value if unit == "%max" else None
                if above:
                    return s.HeartRateAbove(bpm=bpm, percent_max=pct)
                return s.HeartRateBelow(bpm=bpm, percent_max=pct)
            case _:
                assert_never(spec)

    # --- targets ------------------------------------------------------------------------

    def target(self, holder: m.Targets, loc: Loc) -> s.Target | None:
        found = holder.targets()
        if not found:
            return None
        here = (*loc, found[0][0])
        match found[0]:
            case ("pace", pace):
                return self.pace(pace, here)
            case ("speed", speed):
                return self.speed(speed)
            case ("hr", hr):
                return self.heart_rate(hr, here)
            case ("cadence", cadence):
                lo, hi = self.widen(cadence, self.profile.tolerance.cadence, relative=False)
                unit: Literal["spm", "rpm"] = "spm" if cadence.unit == "spm" else "rpm"
                return s.CadenceRange(low=max(lo, 1.0), high=hi, unit=unit)
            case ("power", u.Zone() as zone):
                return s.PowerZone(zone=zone.number)
            case ("power", u.Window() as power):
                lo, hi = self.widen(power, self.profile.tolerance.power, relative=True)
                return s.PowerRange(low=max(lo, 1.0), high=hi, percent_ftp=power.unit == "%ftp")
            case ("stroke", stroke):
                self.swim_only(here, "a stroke")
                return s.SwimStroke(stroke=stroke)
            case _:
                assert_never(found[0])

    @staticmethod
    def widen(w: u.Window, tol: float, *, relative: bool) -> tuple[float, float]:
        if not w.single:
            return w.low, w.high
        delta = w.low * tol / 100 if relative else tol
        return w.low - delta, w.high + delta

    def speed(self, w: u.Window) -> s.SpeedTarget:
        lo, hi = self.widen(w, self.profile.tolerance.speed, relative=True)
        return s.SpeedTarget(low_mps=lo, high_mps=hi, view="speed")

    def pace(self, spec: u.PaceSpec, loc: Loc) -> s.SpeedTarget | None:
        tol = self.profile.tolerance.pace
        if isinstance(spec, u.AbsolutePace):
            return self.pace_window(spec.fast, spec.slow, spec.unit, spec.single, tol, loc)
        base = self.profile.paces.get(spec.name)
        if base is None:
            if self.profile.source is None:
                self.fail(
                    loc,
                    f"named pace '{spec.name}' needs a profile: add a profile.yaml beside the "
                    "workout (or in a parent folder) or pass --profile FILE",
                )
            elif self.profile.paces_at is None:
                self.fail(
                    loc,
                    f"named pace '{spec.name}' is not in the profile {self.profile.source}, "
                    f"which has no paces: add 'paces: {{{spec.name}: ...}}' to it",
                )
            else:
                known = ", ".join(sorted(self.profile.paces)) or "none"
                self.fail(
                    loc,
                    f"named pace '{spec.name}' is not in the profile's paces at "
                    f"{self.profile.paces_at} ({known})" + suggest(spec.name, self.profile.paces),
                )
            return None
        if spec.pct_low is None or spec.pct_high is None:
            return self.pace_window(base.fast, base.slow, base.unit, base.single, tol, loc)
        if base.single and spec.pct_low == spec.pct_high:
            pace = base.fast / (spec.pct_low / 100)
            return self.pace_window(pace, pace, base.unit, True, tol, loc)
        # A range of percentages (or of base paces): slowest and fastest ends.
        fast = base.fast / (spec.pct_high / 100)
        slow = base.slow / (spec.pct_low / 100)
        return self.pace_window(fast, slow, base.unit, False, tol, loc)

    def pace_window(
        self,
        fast: float,
        slow: float,
        unit: u.PaceUnit,
        single: bool,
        tol: float,
        loc: Loc,
    ) -> s.SpeedTarget | None:
        if single:
            fast, slow = fast - tol, slow + tol
        if fast <= 0:
            self.fail(loc, "the pace window is faster than zero seconds; lower the tolerance")
            return None
        metres = u.METRES_PER_PACE_UNIT[unit]
        return s.SpeedTarget(
            low_mps=metres / slow, high_mps=metres / fast, view="pace", pace_unit=unit
        )

    def heart_rate(self, spec: u.Window | u.Zone, loc: Loc) -> s.Target | None:
        if isinstance(spec, u.Zone):
            return s.HeartRateZone(zone=spec.number)
        tol = self.profile.tolerance
        if spec.unit == "%max":
            lo, hi = self.widen(spec, tol.hr_max, relative=False)
            return s.HeartRateRange(low=max(lo, 1.0), high=min(hi, 100.0), percent_max=True)
        if spec.unit == "%lthr":
            lthr = self.profile.lthr
            if lthr is None:
                where = self.profile.source or "a profile"
                advice = f"add 'hr: {{lthr: ...}}' to {where}"
                if self.profile.hr_at is not None:
                    advice = f"add 'lthr: ...' under the profile's hr: at {self.profile.hr_at}"
                self.fail(
                    loc,
                    f"'%lthr' needs the lactate-threshold heart rate: {advice}"
                    + ("" if self.profile.source else " (or pass --profile FILE)"),
                )
                return None
            bpm = u.Window(spec.low * lthr / 100, spec.high * lthr / 100, "bpm", spec.single)
            lo, hi = self.widen(bpm, tol.hr, relative=False)
        else:
            lo, hi = self.widen(spec, tol.hr, relative=False)
        if hi > u.HR_BPM_RANGE[1]:
            self.fail(loc, f"this target reaches {hi:.0f} bpm, above {u.HR_BPM_RANGE[1]:.0f}")
            return None
        return s.HeartRateRange(low=max(lo, 1.0), high=hi)


def named_pace_errors(doc: Document, profile: Profile) -> list[Diagnostic]:
    """The errors the named paces of a workout that failed validation would give once it
    validates ('pace: treshold' beside 'run: 400'), so that one run reports both.

    Reads the document's raw steps; whatever does not have the shape of a step is left to the
    validation errors already found.
    """
    c = _Compiler(doc, profile, Options())

    def walk(items: object, loc: Loc) -> None:
        if not isinstance(items, list):
            return
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            here = (*loc, i)
            walk(item.get("steps"), (*here, "steps"))
            second = item.get("secondary")
            for value, at in (
                (item.get("pace"), (*here, "pace")),
                (
                    second.get("pace") if isinstance(second, dict) else None,
                    (*here, "secondary", "pace"),
                ),
            ):
                try:
                    spec = u.parse_pace(value) if value is not None else None
                except u.UnitError:
                    continue
                if isinstance(spec, u.NamedPace):
                    c.pace(spec, at)

    data = doc.data
    try:
        walk(data.get("steps") if isinstance(data, dict) else None, ("steps",))
    except RecursionError:
        return []
    return c.errors


def compile_workout(
    workout: m.Workout, doc: Document, profile: Profile, options: Options
) -> s.Workout:
    """The step tree of a validated workout: every target resolved against `profile`."""
    pool: tuple[float, Literal["m", "yd"]] | None = None
    if workout.pool is not None:
        text = workout.pool.strip()
        pool_unit: Literal["m", "yd"] = "yd" if text.endswith("yd") else "m"
        size = float(text.rstrip("dmy ")) * u.METRES_PER_UNIT[pool_unit]
        pool = (size, pool_unit)
    c = _Compiler(doc, profile, options, workout.sport, pool)
    if workout.pool is not None:
        if workout.sport != "swimming":
            c.fail(("pool",), "a pool belongs to a swim: this workout needs 'sport: swimming'")
        elif workout.sub_sport not in (None, "generic"):
            c.fail(("pool",), f"a pool swim has no sub_sport '{workout.sub_sport}'")
        elif pool is not None and not 10 <= pool[0] <= 100:
            c.fail(("pool",), "a pool is 10 to 100 m long (such as 25m, 25yd or 50m)")
    tree = c.nodes(workout.steps, ("steps",))
    written = s.count_nodes(tree)
    if written > MAX_WRITTEN_STEPS:
        c.errors = [
            error(
                doc.key_at(("steps",)),
                f"a workout holds at most {MAX_WRITTEN_STEPS:,} steps (repeats count once); this "
                f"one has {written:,}",
            )
        ]
    if c.errors:
        raise WorkoutError(c.errors)
    return s.Workout(
        name=workout.name,
        sport=s.Sport(workout.sport),
        sub_sport="lap_swimming" if pool is not None else workout.sub_sport,
        pool_metres=pool[0] if pool is not None else None,
        pool_unit=pool[1] if pool is not None else None,
        short_name=workout.short_name,
        description=workout.description,
        steps=tree,
        source=doc.at(()),
        name_source=doc.at(("name",)),
        sport_source=doc.at(("sport",)),
        steps_source=doc.key_at(("steps",)),
        description_source=doc.at(("description",)),
    )


# --- targets outside a workout: what the relative formats (ZWO, intervals.icu) read and write --


def pace_target(spec: u.PaceSpec, profile: Profile) -> s.SpeedTarget | None:
    """What `pace: <spec>` compiles to against `profile` (None: the profile cannot say)."""
    c = _Compiler(Document("<pace>", {}), profile, Options())
    found = c.pace(spec, ())
    return None if c.errors else found


def power_target(
    low: float, high: float, *, single: bool, percent_ftp: bool, profile: Profile
) -> s.PowerRange:
    """What `power: <low>-<high>` (a single value when `single`) compiles to."""
    window = u.Window(low, high, "%ftp" if percent_ftp else "W", single)
    lo, hi = _Compiler.widen(window, profile.tolerance.power, relative=True)
    return s.PowerRange(low=max(lo, 1.0), high=hi, percent_ftp=percent_ftp)


def cadence_target(value: float, unit: Literal["spm", "rpm"], profile: Profile) -> s.CadenceRange:
    """What `cadence: <value><unit>` compiles to."""
    lo, hi = _Compiler.widen(
        u.Window(value, value, unit, True), profile.tolerance.cadence, relative=False
    )
    return s.CadenceRange(low=max(lo, 1.0), high=hi, unit=unit)


def heart_rate_target(spec: u.Window | u.Zone, profile: Profile) -> s.Target | None:
    """What `hr: <spec>` compiles to (None: the profile cannot say, e.g. %lthr without lthr)."""
    c = _Compiler(Document("<hr>", {}), profile, Options())
    found = c.heart_rate(spec, ())
    return None if c.errors else found
