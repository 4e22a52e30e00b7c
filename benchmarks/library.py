"""The benchmark library: varied running workouts as YAML, and the same workouts as raw FIT.

Workout `i` is one of the sessions a running coach writes (400 m repeats with 200 m jogs,
800 m repeats, a tempo run between warm-up and cool-down, hill repeats of 30 s with a lap-
button walk down, Tabata 8 x 20 s / 10 s, cadence blocks, an easy run in a heart-rate zone,
a long run by distance, mile repeats, a time pyramid), with its numbers drawn from a random
generator seeded by `i` alone: the first k workouts of any library are the same.

Each workout is written twice, from one description:

- as YAML for `workoutexport` (absolute and named paces, from the library's profile.yaml,
  heart rate in zones, bpm, %max and %lthr, cadence, time and distance durations, ranges
  resolved as `--pick low` does, notes and step names);
- as the FIT messages `workoutexport` writes for it (file_id, file_creator, workout,
  workout_step), each a dict of raw field values under Garmin's profile names, for
  benchmarks/floor.py to write with fit-tool alone and benchmarks/garmin_encoder.py with
  Garmin's encoder. Targets are widened by the profile's default tolerances and rounded
  outwards, as the compiler does.

`differences` compares raw decodes of two FIT files, so the benchmarks can show that the
floor and the tool write the same messages (only file_id.serial_number and
file_id.time_created differ: the tool derives them from the content and the file's date).

    python benchmarks/library.py DIR COUNT [--spec FILE]   # writes DIR/*.yaml and the spec
"""

from __future__ import annotations

import argparse
import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Fields = dict[str, int | str]
Message = tuple[str, Fields]

PROFILE = """paces:
  easy: 5:30-6:00/km
  threshold: 4:20/km
  5k: 4:00/km
  mile: 6:00/mi
  recovery: 6:30-7:15/km
hr:
  max: 190
  lthr: 172
"""
# The profile's paces as (fast, slow, metres per unit, single); its lactate threshold; the
# default tolerances (profile.py): pace 5 s, heart rate 5 bpm or 2 %max, cadence 5 spm.
NAMED = {
    "easy": (330.0, 360.0, 1000.0, False),
    "threshold": (260.0, 260.0, 1000.0, True),
    "5k": (240.0, 240.0, 1000.0, True),
    "mile": (360.0, 360.0, 1609.344, True),
    "recovery": (390.0, 435.0, 1000.0, False),
}
LTHR = 172
TOL_PACE, TOL_HR, TOL_HR_MAX, TOL_CADENCE = 5.0, 5.0, 2.0, 5.0

# FIT profile numbers, as workoutexport writes them.
DUR_TIME, DUR_DISTANCE, DUR_OPEN, DUR_REPEAT = 0, 1, 5, 6
TGT_SPEED, TGT_HR, TGT_OPEN, TGT_CADENCE = 0, 1, 2, 3
INTENSITY = {"run": 0, "rest": 1, "warmup": 2, "cooldown": 3, "recover": 4}
SUB_SPORT = {"trail": 3, "track": 4}
RUNNING, CAPABILITIES_TCX = 1, 32
FILE_ID: Fields = {"type": 5, "manufacturer": 1, "product": 65534, "time_created": 1_100_000_000}
FILE_CREATOR: Fields = {"software_version": 0, "hardware_version": 0}


def outward(low: float, high: float) -> tuple[int, int]:
    """A window as whole numbers, rounded outwards (as the emitter rounds it)."""
    return math.floor(low + 1e-6), math.ceil(high - 1e-6)


@dataclass(frozen=True)
class Target:
    """A target as YAML writes it and as FIT stores it (type, value, low, high)."""

    key: str
    text: str
    kind: int
    value: int = 0
    low: int | None = None
    high: int | None = None

    def fields(self, prefix: str = "") -> Fields:
        out: Fields = {f"{prefix}target_type": self.kind, f"{prefix}target_value": self.value}
        if self.low is not None and self.high is not None:
            out[f"{prefix}custom_target_value_low"] = self.low
            out[f"{prefix}custom_target_value_high"] = self.high
        return out


def _pace_raw(fast: float, slow: float, metres: float, single: bool) -> tuple[int, int]:
    if single:
        fast, slow = fast - TOL_PACE, slow + TOL_PACE
    low_mps, high_mps = metres / slow, metres / fast
    return outward(max(low_mps * 1000, 1), high_mps * 1000)


def _clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def pace(fast: int, slow: int | None = None) -> Target:
    """An absolute pace per km (seconds), one value or a range."""
    text = _clock(fast) if slow is None else f"{_clock(fast)}-{_clock(slow)}"
    low, high = _pace_raw(fast, slow or fast, 1000.0, slow is None)
    return Target("pace", f"{text}/km", TGT_SPEED, 0, low, high)


def named(name: str, percent: int | None = None) -> Target:
    """A pace of the profile, or a percentage of it ('110% mile')."""
    fast, slow, metres, single = NAMED[name]
    if percent is not None:
        fast, slow = fast / (percent / 100), slow / (percent / 100)
    low, high = _pace_raw(fast, slow, metres, single)
    text = name if percent is None else f"{percent}% {name}"
    return Target("pace", text, TGT_SPEED, 0, low, high)


def hr_zone(zone: int) -> Target:
    return Target("hr", f"z{zone}", TGT_HR, zone)


def hr_bpm(low: int, high: int | None = None) -> Target:
    lo, hi = (low - TOL_HR, low + TOL_HR) if high is None else (low, high)
    text = f"{low}bpm" if high is None else f"{low}-{high}bpm"
    raw_low, raw_high = outward(max(lo, 1.0) + 100, hi + 100)
    return Target("hr", text, TGT_HR, 0, raw_low, raw_high)


def hr_max(low: int, high: int | None = None) -> Target:
    lo, hi = (low - TOL_HR_MAX, low + TOL_HR_MAX) if high is None else (low, high)
    text = f"{low}%max" if high is None else f"{low}-{high}%max"
    raw_low, raw_high = outward(max(lo, 1.0), min(hi, 100.0))
    return Target("hr", text, TGT_HR, 0, raw_low, raw_high)


def hr_lthr(low: int, high: int) -> Target:
    raw_low, raw_high = outward(max(low * LTHR / 100, 1.0) + 100, high * LTHR / 100 + 100)
    return Target("hr", f"{low}-{high}%lthr", TGT_HR, 0, raw_low, raw_high)


def cadence(spm: int) -> Target:
    """A running cadence in steps a minute; FIT stores strides (half)."""
    lo, hi = max(spm - TOL_CADENCE, 1.0), spm + TOL_CADENCE
    raw_low, raw_high = outward(max(lo / 2, 1), hi / 2)
    return Target("cadence", f"{spm}spm", TGT_CADENCE, 0, raw_low, raw_high)


@dataclass(frozen=True)
class Duration:
    """A duration as YAML writes it, and FIT's duration type and value (None: none)."""

    text: str
    kind: int
    value: int | None


def minutes(low: int, high: int | None = None) -> Duration:
    text = f"{low}min" if high is None else f"{low}-{high}min"
    return Duration(text, DUR_TIME, low * 60_000)  # a range is its low end (--pick low)


def seconds(n: int) -> Duration:
    return Duration(f"{n}s", DUR_TIME, n * 1000)


def metres(n: int) -> Duration:
    return Duration(f"{n}m", DUR_DISTANCE, n * 100)


def km(n: float) -> Duration:
    return Duration(f"{n:g}km", DUR_DISTANCE, round(n * 1000 * 100))


def miles(n: float) -> Duration:
    return Duration(f"{n:g}mi", DUR_DISTANCE, round(n * 1609.344 * 100))


LAP = Duration("lap", DUR_OPEN, None)


@dataclass(frozen=True)
class Step:
    kind: str  # warmup, run, recover, rest, cooldown
    duration: Duration
    target: Target | None = None
    secondary: Target | None = None
    name: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Repeat:
    count: int
    steps: tuple[Step | Repeat, ...]
    text: str | None = None  # the count as written ('6-8', '${reps}'), if not the number
    name: str | None = None


Node = Step | Repeat


@dataclass
class Workout:
    """One workout: its YAML and its FIT messages come from these fields alone."""

    name: str
    steps: list[Node]
    description: str | None = None
    sub_sport: str | None = None
    vars: dict[str, str] = field(default_factory=dict)

    def yaml(self) -> str:
        lines = [f"name: {self.name}"]
        if self.sub_sport:
            lines.append(f"sub_sport: {self.sub_sport}")
        if self.description:
            lines.append(f"description: {self.description}")
        if self.vars:
            lines.append("vars:")
            lines += [f"  {key}: {value}" for key, value in self.vars.items()]
        lines.append("steps:")
        _yaml_nodes(self.steps, "  ", lines)
        return "\n".join(lines) + "\n"

    def messages(self, serial: int) -> list[Message]:
        steps: list[Fields] = []
        _fit_nodes(self.steps, steps)
        for index, msg in enumerate(steps):
            msg["message_index"] = index
        workout: Fields = {"wkt_name": self.name, "sport": RUNNING}
        if self.sub_sport:
            workout["sub_sport"] = SUB_SPORT[self.sub_sport]
        workout["capabilities"] = CAPABILITIES_TCX
        workout["num_valid_steps"] = len(steps)
        if self.description:
            workout["wkt_description"] = self.description
        return [
            ("file_id", {**FILE_ID, "serial_number": serial}),
            ("file_creator", dict(FILE_CREATOR)),
            ("workout", workout),
            *(("workout_step", msg) for msg in steps),
        ]


def _yaml_nodes(nodes: list[Node] | tuple[Node, ...], pad: str, lines: list[str]) -> None:
    for node in nodes:
        if isinstance(node, Repeat):
            lines.append(f"{pad}- repeat: {node.text or node.count}")
            if node.name:
                lines.append(f"{pad}  name: {node.name}")
            lines.append(f"{pad}  steps:")
            _yaml_nodes(node.steps, pad + "    ", lines)
            continue
        lines.append(f"{pad}- {node.kind}: {node.duration.text}")
        if node.name:
            lines.append(f"{pad}  name: {node.name}")
        if node.target:
            lines.append(f"{pad}  {node.target.key}: {node.target.text}")
        if node.secondary:
            lines.append(f"{pad}  secondary:")
            lines.append(f"{pad}    {node.secondary.key}: {node.secondary.text}")
        if node.note:
            lines.append(f"{pad}  note: {node.note}")


def _fit_nodes(nodes: list[Node] | tuple[Node, ...], out: list[Fields]) -> None:
    """The workout_step messages: a repeat follows its steps and points back at the first."""
    for node in nodes:
        if isinstance(node, Repeat):
            first = len(out)
            _fit_nodes(node.steps, out)
            msg: Fields = {}
            if node.name:
                msg["wkt_step_name"] = node.name
            msg |= {"duration_type": DUR_REPEAT, "duration_value": first}
            msg["target_value"] = node.count
            out.append(msg)
            continue
        msg = {}
        if node.name:
            msg["wkt_step_name"] = node.name
        msg["duration_type"] = node.duration.kind
        if node.duration.value is not None:
            msg["duration_value"] = node.duration.value
        if node.target is None:
            msg |= {"target_type": TGT_OPEN, "target_value": 0}
        else:
            msg |= node.target.fields()
        if node.secondary is not None:
            msg |= node.secondary.fields("secondary_")
        msg["intensity"] = INTENSITY[node.kind]
        if node.note:
            msg["notes"] = node.note
        out.append(msg)


# --- the sessions ---------------------------------------------------------------------------


def _warm(rng: random.Random) -> Step:
    if rng.random() < 0.5:
        return Step("warmup", minutes(rng.choice([10, 12, 15])), named("easy"))
    return Step("warmup", minutes(10, 15), named("easy"))


def _cool(rng: random.Random) -> Step:
    return Step("cooldown", minutes(rng.choice([5, 10])), named("easy"))


def _reps_400(i: int, rng: random.Random) -> Workout:
    reps = rng.randint(8, 12)
    fast = rng.randint(200, 250)
    jog = Step("recover", metres(200), note="easy jog" if rng.random() < 0.5 else None)
    work = Step("run", metres(400), pace(fast) if i % 2 else pace(fast, fast + 8))
    return Workout(
        f"{reps} x 400 m, 200 m jog {i}",
        [_warm(rng), Repeat(reps, (work, jog)), _cool(rng)],
        description="Speed endurance, one lap hard and half a lap easy.",
        sub_sport="track",
    )


def _reps_800(i: int, rng: random.Random) -> Workout:
    reps = rng.randint(4, 6)
    work = Step("run", metres(800), named("5k") if i % 2 else pace(rng.randint(220, 260)))
    jog = Step("recover", metres(400), named("recovery"))
    return Workout(
        f"{reps} x 800 m {i}",
        [_warm(rng), Repeat(reps, (work, jog), text=f"{reps}-{reps + 2}"), _cool(rng)],
        sub_sport="track",
    )


def _tempo(i: int, rng: random.Random) -> Workout:
    length = rng.choice([20, 25, 30])
    second = hr_lthr(95, 100) if i % 2 else hr_bpm(rng.randint(160, 170))
    main = Step("run", minutes(length), named("threshold"), secondary=second)
    return Workout(
        f"Tempo {length} min {i}",
        [_warm(rng), main, Step("cooldown", minutes(10), named("easy"))],
        description="Comfortably hard, never a race.",
    )


def _hills(i: int, rng: random.Random) -> Workout:
    up = Step("run", seconds(30), name="Uphill", note="80-90% effort, drive the arms")
    down = Step("recover", LAP, name="Walk down", note="press lap at the bottom")
    return Workout(
        f"Hill repeats {i}",
        [_warm(rng), Repeat(6, (up, down), text="${reps}", name="Hills"), _cool(rng)],
        sub_sport="trail",
        vars={"reps": "6-8"},
    )


def _tabata(i: int, rng: random.Random) -> Workout:
    fast = Step("run", seconds(20), named("mile", 110), name="Fast")
    return Workout(
        f"Tabata {i}",
        [_warm(rng), Repeat(8, (fast, Step("rest", seconds(10)))), _cool(rng)],
    )


def _cadence(i: int, rng: random.Random) -> Workout:
    spm = rng.choice([175, 180, 185])
    block = Step("run", minutes(rng.choice([1, 2, 3])), cadence(spm), note="short, quick steps")
    easy = Step("recover", minutes(1), named("easy"))
    return Workout(f"Cadence {spm} {i}", [_warm(rng), Repeat(6, (block, easy)), _cool(rng)])


def _easy(i: int, rng: random.Random) -> Workout:
    length = rng.choice([30, 40, 45, 50, 60])
    run = Step("run", minutes(length), hr_zone(2), note="conversational effort")
    return Workout(f"Easy {length} min {i}", [run])


def _long(i: int, rng: random.Random) -> Workout:
    dist = rng.randint(12, 22)
    run = Step("run", km(dist), named("easy"), secondary=hr_max(65, 75))
    return Workout(f"Long run {dist} km {i}", [run, Step("cooldown", minutes(5), hr_zone(1))])


def _mile_reps(i: int, rng: random.Random) -> Workout:
    reps = rng.randint(3, 5)
    work = Step("run", miles(1), hr_max(88) if i % 2 else named("threshold"))
    rest = Step("recover", minutes(rng.choice([2, 3])), hr_zone(1))
    return Workout(f"Mile repeats {i}", [_warm(rng), Repeat(reps, (work, rest)), _cool(rng)])


def _pyramid(i: int, rng: random.Random) -> Workout:
    base = rng.randint(225, 255)
    nodes: list[Node] = [_warm(rng)]
    for n in (1, 2, 3, 4, 3, 2, 1):
        nodes.append(Step("run", minutes(n), pace(base - 2 * n, base + 5)))
        nodes.append(Step("recover", seconds(30 * n), hr_bpm(120, 140)))
    nodes.append(_cool(rng))
    return Workout(f"Pyramid {i}", nodes, description="1-2-3-4-3-2-1 minutes.")


KINDS: list[Callable[[int, random.Random], Workout]] = [
    _reps_400,
    _reps_800,
    _tempo,
    _hills,
    _tabata,
    _cadence,
    _easy,
    _long,
    _mile_reps,
    _pyramid,
]


def workout(i: int) -> Workout:
    """Workout `i` of every library."""
    return KINDS[i % len(KINDS)](i, random.Random(i))


def stem(i: int) -> str:
    return f"w{i:05d}"


def specs(count: int, first: int = 0) -> list[dict[str, Any]]:
    """The FIT messages of workouts first..first+count-1, for the floor: {file, messages}."""
    return [
        {"file": stem(i), "messages": workout(i).messages(serial=i + 1)}
        for i in range(first, first + count)
    ]


def generate(folder: Path, count: int, spec: Path | None = None, first: int = 0) -> list[Any]:
    """Write workouts first..first+count-1 as YAML (and profile.yaml) into `folder`; with
    `spec`, their FIT messages as JSON there. Returns the messages."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "profile.yaml").write_text(PROFILE, encoding="utf-8")
    for i in range(first, first + count):
        (folder / f"{stem(i)}.yaml").write_text(workout(i).yaml(), encoding="utf-8")
    out = specs(count, first)
    if spec is not None:
        spec.write_text(json.dumps(out), encoding="utf-8")
    return out


# --- comparing files ------------------------------------------------------------------------

#: What the floor legitimately writes otherwise: the tool derives the serial from the
#: workout's content and time_created from the YAML file's date.
IGNORED = {("file_id_mesgs", "serial_number"), ("file_id_mesgs", "time_created")}


def raw_decode(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """Every message of a FIT file as Garmin's Decoder reads it, raw (no scale, no names)."""
    from workoutexport.verify import decode_fit

    return decode_fit(data, raw=True)


def differences(
    a: bytes, b: bytes, ignored: set[tuple[str, str]] = IGNORED, names: tuple[str, str] = ("a", "b")
) -> list[str]:
    """Every message type, message and field on which two FIT files' raw decodes differ."""
    one, two = raw_decode(a), raw_decode(b)
    out = []
    for kind in sorted(set(one) | set(two)):
        left, right = one.get(kind, []), two.get(kind, [])
        if len(left) != len(right):
            out.append(f"{kind}: {len(left)} in {names[0]}, {len(right)} in {names[1]}")
            continue
        for index, (x, y) in enumerate(zip(left, right, strict=True)):
            for key in sorted(set(x) | set(y)):
                if (kind, key) not in ignored and x.get(key) != y.get(key):
                    out.append(
                        f"{kind}[{index}].{key}: {x.get(key)!r} in {names[0]}, "
                        f"{y.get(key)!r} in {names[1]}"
                    )
    return out


def main() -> None:
    """Write a library (and its spec) for a look or for a measurement of one's own."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--spec", type=Path, help="also write the FIT messages as JSON here")
    args = parser.parse_args()
    generate(args.folder, args.count, args.spec)


if __name__ == "__main__":
    main()
