"""intervals.icu workout text -> step trees.

Two stages: `parse` reads the syntax (section headers, `Nx` repeat headers, `- [cue]
duration|distance target [cadence] [intensity=...]` steps) and is the format's verifier;
`read_intervals` resolves the targets against the athlete's profile (`75%` is of FTP,
`95% LTHR` needs the profile's lthr, `80% Pace` its threshold pace). A single value is held
within the profile's tolerance, as in the workout format; a range is used as written. A ramp
has no step kind in the workout format: an error naming the line (`lossy`: its average).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ... import steps as s
from ...compile import cadence_target, heart_rate_target, pace_target, power_target
from ...diagnostics import Diagnostic, Position, WorkoutError, error, warning
from ...profile import EMPTY, Profile
from ...units import AbsolutePace, NamedPace, Window
from .units import (
    CLOCK,
    INTENSITY,
    PACE,
    PACE_UNITS,
    PERCENT,
    REPEAT,
    RPM,
    WATTS,
    ZONE,
    metres,
    number_text,
    seconds,
)

#: Lines read from one file at most.
MAX_LINES = 10_000
_INTENSITIES = {
    "warmup": s.Intensity.WARMUP,
    "cooldown": s.Intensity.COOLDOWN,
    "active": s.Intensity.ACTIVE,
    "interval": s.Intensity.ACTIVE,
    "recovery": s.Intensity.RECOVERY,
    "rest": s.Intensity.REST,
}
# " - " between two values is a range written with spaces: "315w - 330w".
_SPACED_RANGE = re.compile(r"(?<=[\d%wW])\s+-\s+(?=[\dzZ])")

Kind = Literal["ftp", "watts", "power zone", "%max", "%lthr", "hr zone", "% pace", "pace"]


@dataclass
class Target:
    kind: Kind
    low: float
    high: float
    single: bool
    #: For an absolute pace: metres per pace unit, and the unit's name.
    per: float = 1000.0


@dataclass
class Step:
    line: int
    cue: str | None
    seconds: float | None = None
    metres: float | None = None
    lap: bool = False
    ramp: bool = False
    targets: list[Target] = field(default_factory=list)
    cadence: tuple[float, float, bool] | None = None
    intensity: str | None = None
    section: str | None = None


@dataclass
class Block:
    line: int
    count: int
    name: str | None
    steps: list[Step] = field(default_factory=list)


@dataclass
class Parsed:
    items: list[Step | Block] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    dropped_headers: list[tuple[int, str]] = field(default_factory=list)


def _window(m: re.Match[str]) -> tuple[float, float, bool]:
    lo = float(m.group("lo"))
    hi = float(m.group("hi")) if m.group("hi") else lo
    return min(lo, hi), max(lo, hi), m.group("hi") is None


def _clock(text: str) -> float:
    minutes, _, sec = text.partition(":")
    return int(minutes) * 60 + float(sec)


def _step(text: str, number: int, out: Parsed) -> Step | None:
    tokens = _SPACED_RANGE.sub("-", text).split()
    step = Step(line=number, cue=None)
    cue: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if seconds(tok) is not None or metres(tok) is not None:
            break
        if tok.lower() == "press" and i + 1 < len(tokens) and tokens[i + 1].lower() == "lap":
            break
        cue.append(tok)
        i += 1
    step.cue = " ".join(cue) or None
    if i == len(tokens):
        out.problems.append((number, f"this step has no duration or distance: '{text[:60]}'"))
        return None
    while i < len(tokens):
        tok = tokens[i]
        nxt = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
        low = tok.lower()
        i += 1
        if (sec := seconds(tok)) is not None and step.seconds is None and step.metres is None:
            step.seconds = sec
        elif (dist := metres(tok)) is not None and step.seconds is None and step.metres is None:
            step.metres = dist
        elif low == "press" and nxt == "lap":
            step.lap = True
            i += 1
        elif low == "ramp":
            step.ramp = True
        elif m := INTENSITY.fullmatch(tok):
            kind = m.group("kind").lower()
            if kind not in _INTENSITIES:
                out.problems.append((number, f"unknown intensity '{kind}'"))
            step.intensity = kind
        elif m := RPM.fullmatch(tok):
            step.cadence = _window(m)
        elif m := PERCENT.fullmatch(tok):
            lo, hi, single = _window(m)
            unit = {"hr": "%max", "lthr": "%lthr", "pace": "% pace"}.get(nxt)
            if nxt == "mmp":
                out.problems.append(
                    (number, "MMP targets cannot be expressed in the workout format")
                )
                i += 2
                continue
            if unit is not None:
                i += 1
            step.targets.append(Target(unit or "ftp", lo, hi, single))  # type: ignore[arg-type]
        elif m := WATTS.fullmatch(tok):
            lo, hi, single = _window(m)
            step.targets.append(Target("watts", lo, hi, single))
        elif m := ZONE.fullmatch(tok):
            lo, hi, single = _window(m)
            kind_z: Kind = "hr zone" if nxt == "hr" else "power zone"
            if nxt == "pace":
                out.problems.append(
                    (number, "pace zones cannot be expressed in the workout format")
                )
                i += 1
                continue
            if nxt == "hr":
                i += 1
            if not single:
                out.problems.append(
                    (number, f"a range of zones ({tok}) cannot be expressed in the workout format")
                )
                continue
            step.targets.append(Target(kind_z, lo, hi, True))
        elif re.fullmatch(rf"{CLOCK}.*", tok) and (m := PACE.fullmatch(tok)):
            if nxt != "pace":
                out.problems.append((number, f"'{tok}' is a pace only when followed by 'Pace'"))
                continue
            i += 1
            unit = (m.group("ua") or m.group("ub") or "").lower()
            if not unit:
                out.problems.append((number, f"give the pace's unit: '{tok}/km'"))
                continue
            a = _clock(m.group("a"))
            b = _clock(m.group("b")) if m.group("b") else a
            if min(a, b) <= 0:
                out.problems.append((number, f"a pace of zero: '{tok}'"))
                continue
            step.targets.append(
                Target("pace", min(a, b), max(a, b), m.group("b") is None, per=PACE_UNITS[unit])
            )
        elif low == "freeride":
            pass
        else:
            out.problems.append((number, f"cannot read '{tok[:40]}' in this step"))
    return step


def parse(text: str) -> Parsed:
    """The syntax of an intervals.icu workout text: its steps and repeat blocks, and what is
    wrong with it (line, message)."""
    out = Parsed()
    block: Block | None = None
    section: str | None = None
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        out.problems.append((0, f"{len(lines):,} lines; at most {MAX_LINES:,} are read"))
        return out
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            block = None
            continue
        if line.startswith("-"):
            step = _step(line[1:].strip(), number, out)
            if step is None:
                continue
            step.section = section
            if block is not None:
                block.steps.append(step)
            else:
                out.items.append(step)
            continue
        m = REPEAT.fullmatch(line)
        if m:
            block = Block(number, int(m.group("count")), m.group("name").strip() or None)
            out.items.append(block)
            section = None
            continue
        block = None
        section = line
        if not _section_intensity(line):
            out.dropped_headers.append((number, line))
    return out


def _section_intensity(header: str | None) -> s.Intensity | None:
    key = re.sub(r"[\s_-]", "", (header or "").lower())
    if key in ("warmup", "warmingup"):
        return s.Intensity.WARMUP
    if key in ("cooldown", "coolingdown"):
        return s.Intensity.COOLDOWN
    return None


class _Resolver:
    def __init__(self, path: str, profile: Profile, lossy: bool, sport: s.Sport) -> None:
        self.path = path
        self.profile = profile
        self.lossy = lossy
        self.sport = sport
        self.problems: list[Diagnostic] = []

    def at(self, line: int) -> Position:
        return Position(self.path, line, 1 if line else 0)

    def fail(self, line: int, message: str) -> None:
        self.problems.append(error(self.at(line), message))

    def target(self, step: Step, t: Target) -> s.Target | None:
        lo, hi, single = t.low, t.high, t.single
        if step.ramp and not single:
            what = (
                f"line {step.line} ramps from {number_text(lo)} to {number_text(hi)}: the "
                "workout format has no ramp step"
            )
            if not self.lossy:
                self.fail(step.line, f"{what} (import with --lossy to take its average)")
                return None
            self.problems.append(
                warning(self.at(step.line), f"{what}; read as its average (--lossy)")
            )
            lo = hi = (lo + hi) / 2
            single = True
        match t.kind:
            case "ftp" | "watts":
                return power_target(
                    lo, hi, single=single, percent_ftp=t.kind == "ftp", profile=self.profile
                )
            case "power zone":
                return s.PowerZone(zone=int(lo))
            case "hr zone":
                return s.HeartRateZone(zone=int(lo))
            case "%max" | "%lthr":
                found = heart_rate_target(Window(lo, hi, t.kind, single), self.profile)
                if found is None:
                    self.fail(
                        step.line,
                        "'% LTHR' needs the profile's lthr"
                        if t.kind == "%lthr"
                        else "'% HR' needs the profile's hr max",
                    )
                return found
            case "% pace":
                found = pace_target(NamedPace("threshold", lo, hi), self.profile)
                if found is None:
                    self.fail(
                        step.line,
                        "'% Pace' is of the threshold pace: the profile must give a "
                        "'threshold' pace",
                    )
                return found
            case "pace":
                if t.per in (1000.0, 1609.344):
                    unit: Literal["km", "mi"] = "km" if t.per == 1000.0 else "mi"
                    return pace_target(AbsolutePace(lo, hi, unit, single), self.profile)
                scale = 1000.0 / t.per
                return pace_target(AbsolutePace(lo * scale, hi * scale, "km", single), self.profile)
        return None  # pragma: no cover

    def leaf(self, step: Step, block: Block | None) -> s.Step | None:
        duration: s.Duration
        if step.lap:
            if step.seconds is not None or step.metres is not None:
                self.problems.append(
                    warning(
                        self.at(step.line),
                        "'press lap' ends this step at the lap button; its duration is left out",
                    )
                )
            duration = s.LapButton()
        elif step.seconds is not None:
            if step.seconds <= 0:
                self.fail(step.line, "a duration of zero")
                return None
            duration = s.Time(seconds=step.seconds)
        elif step.metres is not None:
            if step.metres <= 0:
                self.fail(step.line, "a distance of zero")
                return None
            duration = s.Distance(metres=step.metres)
        else:
            return None
        targets = [x for t in step.targets if (x := self.target(step, t)) is not None]
        if step.cadence is not None:
            lo, hi, single = step.cadence
            unit: Literal["spm", "rpm"] = "rpm" if self.sport is s.Sport.CYCLING else "spm"
            cad = (
                cadence_target(lo, unit, self.profile)
                if single
                else s.CadenceRange(low=lo, high=hi, unit=unit)
            )
            targets.append(cad)
        if len(targets) > 2:
            self.fail(step.line, "more than two targets on one step")
            return None
        intensity = (
            _INTENSITIES.get(step.intensity or "")
            or _section_intensity(step.section)
            or (s.Intensity.ACTIVE)
        )
        return s.Step(
            intensity=intensity,
            duration=duration,
            target=targets[0] if targets else None,
            secondary=targets[1] if len(targets) > 1 else None,
            name=step.cue,
        )


def read_intervals(
    data: bytes,
    path: str,
    *,
    profile: Profile = EMPTY,
    lossy: bool = False,
    default_name: str = "Imported workout",
) -> tuple[s.Workout, list[Diagnostic]]:
    """The workout in an intervals.icu text as a step tree, and warnings (raises
    WorkoutError). The sport is cycling when a step has a power target or cadence in rpm and
    no pace, else running: the text does not say."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WorkoutError([error(Position(path, 0, 0), f"not UTF-8 text: {exc.reason}")]) from None
    parsed = parse(text)
    problems = [error(Position(path, n, 1 if n else 0), m) for n, m in parsed.problems]
    steps = [
        x for item in parsed.items for x in (item.steps if isinstance(item, Block) else [item])
    ]
    kinds = {t.kind for st in steps for t in st.targets}
    power = bool(kinds & {"ftp", "watts", "power zone"})
    sport = s.Sport.CYCLING if power and not kinds & {"pace", "% pace"} else s.Sport.RUNNING
    r = _Resolver(path, profile, lossy, sport)
    nodes: list[s.Node] = []
    for item in parsed.items:
        if isinstance(item, Block):
            children = tuple(x for st in item.steps if (x := r.leaf(st, item)) is not None)
            if not item.steps:
                r.fail(item.line, f"the repeat '{item.count}x' has no steps after it")
            elif item.count < 1:
                r.fail(item.line, "a repeat of zero times")
            elif children:
                nodes.append(s.Repeat(count=item.count, steps=children, name=item.name))
        elif (leaf := r.leaf(item, None)) is not None:
            nodes.append(leaf)
    for number, header in parsed.dropped_headers:
        r.problems.append(
            warning(Position(path, number, 1), f"the section header '{header[:60]}' is not kept")
        )
    problems += r.problems
    if any(d.severity == "error" for d in problems):
        raise WorkoutError(problems)
    if not nodes:
        raise WorkoutError([error(Position(path, 0, 0), "this text holds no workout steps")])
    workout = s.Workout(name=default_name, sport=sport, steps=tuple(nodes))
    return workout, [d for d in problems if d.severity != "error"]
