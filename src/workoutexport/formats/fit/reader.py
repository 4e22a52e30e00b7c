"""FIT workout file -> step tree, read with Garmin's own decoder (raw stored values).

Only what the format expresses exactly is imported; a step that uses something we cannot
express (lap-average power, swim strokes, predefined speed zones, repeat until %FTP, ...) is
named in an error, and nothing is written, rather than imported as something else.
"""

from __future__ import annotations

import math
from typing import Any, Literal, NamedTuple, overload

from ... import steps as s
from ...diagnostics import Diagnostic, Position, WorkoutError, error, warning
from ..common import MAX_REPEAT_DEPTH, from_device_cadence
from . import emit as F
from . import units as U
from .verify import VerifyError, decode_fit

_INTENSITY = {
    0: s.Intensity.ACTIVE,
    1: s.Intensity.REST,
    2: s.Intensity.WARMUP,
    3: s.Intensity.COOLDOWN,
    4: s.Intensity.RECOVERY,
    5: s.Intensity.ACTIVE,  # interval
    6: s.Intensity.ACTIVE,  # other
}
_SPORT = {v: k for k, v in F.SPORT.items()}
_REPEATS = (
    F.DUR_REPEAT_STEPS,
    F.DUR_REPEAT_TIME,
    F.DUR_REPEAT_DISTANCE,
    F.DUR_REPEAT_CALORIES,
    F.DUR_REPEAT_HR_LT,
    F.DUR_REPEAT_HR_GT,
    F.DUR_REPEAT_POWER_LT,
    F.DUR_REPEAT_POWER_GT,
)
_DURATION_NAMES = {
    14: "until power below",
    15: "until power above",
    16: "until a TSS",
    28: "repetition time",
    31: "time only",
}
_TARGET_NAMES = {
    5: "grade",
    6: "resistance",
    7: "3 s power",
    8: "10 s power",
    9: "30 s power",
    10: "lap power",
    11: "swim stroke",
    12: "lap speed",
    13: "lap heart rate",
}
INVALID_U32 = 0xFFFFFFFF


class _Msg:
    """One decoded message whose fields are read through typed accessors.

    A FIT definition may declare any field as an array or a string of any size, so a field
    that the profile calls a number can arrive as a list or as text: `get` refuses those
    with a diagnostic that names the message and the field, rather than letting them reach
    arithmetic.
    """

    def __init__(self, raw: dict[str, Any], label: str, path: str) -> None:
        self.raw = raw
        self.label = label
        self.path = path

    @overload
    def get(self, key: str) -> int | None: ...
    @overload
    def get(self, key: str, default: int) -> int: ...
    def get(self, key: str, default: int | None = None) -> int | None:
        """The field as one whole number, `default` if absent (WorkoutError if not a number)."""
        value = self.raw.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            return int(value)
        if isinstance(value, (list, tuple)):
            found = f"an array of {len(value)} values"
        elif isinstance(value, (str, bytes)):
            found = "text"
        elif isinstance(value, float):
            found = f"the number {value!r}"
        else:
            found = "a value of unknown kind"
        raise WorkoutError(
            [
                error(
                    Position(self.path, 0, 0),
                    f"{self.label}: field '{key}' holds {found} where FIT workouts store "
                    "one whole number",
                )
            ]
        )

    def text(self, key: str) -> str | None:
        """The field as text (Connect's fixed-size names cut at the first NUL), or None."""
        return _before_nul(self.raw.get(key))


def _before_nul(value: Any) -> str | None:
    """Garmin Connect writes fixed-size names with bytes after the NUL: keep the first part."""
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    text = str(value).split("\x00")[0]
    return text if text.strip() else None


def _split_offset(low: float, high: float, offset: int) -> tuple[float, float, bool] | None:
    """FIT's offset windows: above `offset` absolute (minus it), else relative (0..offset).

    Returns (low, high, relative), or None when the two ends disagree.
    """
    if low > offset and high > offset:
        return low - offset, high - offset, False
    if low <= offset and high <= offset:
        return low, high, True
    return None


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Diagnostic] = []
        self.notes: list[Diagnostic] = []

    def where(self) -> Position:
        return Position(self.path, 0, 0)

    def refuse(self, index: int, what: str) -> None:
        self.problems.append(
            error(
                self.where(),
                f"step {index + 1} (message_index {index}): {what} cannot be "
                "expressed in the workout format",
            )
        )

    def duration(self, msg: _Msg, index: int) -> s.Duration | s.Reps | None:
        kind = msg.get("duration_type")
        value = msg.get("duration_value")
        if kind is None or kind == F.DUR_OPEN:
            return s.LapButton()
        if kind in (F.DUR_TIME, F.DUR_DISTANCE, F.DUR_CALORIES, F.DUR_REPS):
            if value is None or value == INVALID_U32:
                return s.LapButton()
            if kind == F.DUR_TIME:
                return s.Time(seconds=value / U.MS_PER_S)
            if kind == F.DUR_DISTANCE:
                return s.Distance(metres=value / U.CM_PER_M)
            if kind == F.DUR_CALORIES:
                return s.Calories(kcal=float(value))
            return s.Reps(count=int(value))
        if kind == F.DUR_REPETITION_TIME and value is not None and value != INVALID_U32:
            return s.RepetitionTime(seconds=value / U.MS_PER_S)
        if kind in (F.DUR_HR_LT, F.DUR_HR_GT):
            if value is None:
                self.refuse(index, "a heart-rate condition without a value")
                return None
            bpm = float(value - U.HR_OFFSET) if value > U.HR_OFFSET else None
            pct = float(value) if value <= U.HR_OFFSET else None
            if kind == F.DUR_HR_GT:
                return s.HeartRateAbove(bpm=bpm, percent_max=pct)
            return s.HeartRateBelow(bpm=bpm, percent_max=pct)
        self.refuse(index, f"duration '{_DURATION_NAMES.get(kind, f'type {kind}')}'")
        return None

    def target(
        self, msg: _Msg, index: int, prefix: str, sport: s.Sport
    ) -> tuple[bool, s.Target | None]:
        kind = msg.get(f"{prefix}target_type")
        value = msg.get(f"{prefix}target_value") or 0
        raw_low = msg.get(f"{prefix}custom_target_value_low")
        raw_high = msg.get(f"{prefix}custom_target_value_high")
        if kind is None or kind == F.TGT_OPEN:
            return True, None
        if kind == F.TGT_SWIM_STROKE:
            raw = msg.get(f"{prefix}target_value")
            if raw in (None, F.ANY_STROKE, INVALID_U32):
                return True, s.SwimStroke(stroke="choice")
            stroke = next((k for k, v in F.SWIM_STROKE.items() if v == raw), None)
            if stroke is None:
                self.refuse(index, f"swim stroke {raw}")
                return False, None
            return True, s.SwimStroke(stroke=stroke)
        custom = value == 0 and raw_low is not None and raw_high is not None
        low = float(raw_low) if raw_low is not None else 0.0
        high = float(raw_high) if raw_high is not None else 0.0
        if kind == F.TGT_SPEED:
            if not custom:
                self.refuse(index, "a predefined speed zone")
                return False, None
            if low <= 0 or high <= 0:
                self.refuse(index, "a speed target with an end of 0 m/s (no pace)")
                return False, None
            view: Literal["pace", "speed"] = "speed" if sport is s.Sport.CYCLING else "pace"
            return True, s.SpeedTarget(
                low_mps=low / U.MMPS_PER_MPS,
                high_mps=high / U.MMPS_PER_MPS,
                view=view,
                pace_unit="100m" if sport is s.Sport.SWIMMING else "km",
            )
        if kind == F.TGT_HR:
            if not custom:
                return True, s.HeartRateZone(zone=int(value))
            split = _split_offset(low, high, U.HR_OFFSET)
            if split is None:
                self.refuse(index, "a heart-rate window mixing bpm and %max")
                return False, None
            lo, hi, relative = split
            return True, s.HeartRateRange(low=lo, high=hi, percent_max=relative)
        if kind == F.TGT_CADENCE:
            if not custom:
                self.refuse(index, "a cadence zone")
                return False, None
            if sport is s.Sport.CYCLING:
                return True, s.CadenceRange(low=low, high=high, unit="rpm")
            return True, s.CadenceRange(
                low=from_device_cadence(low), high=from_device_cadence(high), unit="spm"
            )
        if kind == F.TGT_POWER:
            if not custom:
                return True, s.PowerZone(zone=int(value))
            split = _split_offset(low, high, U.POWER_OFFSET)
            if split is None:
                self.refuse(index, "a power window mixing watts and %FTP")
                return False, None
            lo, hi, relative = split
            return True, s.PowerRange(low=lo, high=hi, percent_ftp=relative)
        self.refuse(index, f"a {_TARGET_NAMES.get(kind, f'type {kind}')} target")
        return False, None

    def until(self, msg: _Msg, index: int) -> tuple[bool, s.RepeatUntil | None]:
        """A repeat step's condition: (True, None) for a plain count, (False, _) if refused."""
        kind = msg.get("duration_type")
        value = msg.get("target_value")
        if kind == F.DUR_REPEAT_STEPS:
            return True, None
        if value is None or value == INVALID_U32:
            self.refuse(index, "a conditional repeat without a value")
            return False, None
        if kind == F.DUR_REPEAT_TIME:
            return True, s.Time(seconds=value / U.MS_PER_S)
        if kind == F.DUR_REPEAT_DISTANCE:
            return True, s.Distance(metres=value / U.CM_PER_M)
        if kind == F.DUR_REPEAT_CALORIES:
            return True, s.Calories(kcal=float(value))
        if kind in (F.DUR_REPEAT_HR_LT, F.DUR_REPEAT_HR_GT):
            bpm = float(value - U.HR_OFFSET) if value > U.HR_OFFSET else None
            pct = float(value) if value <= U.HR_OFFSET else None
            if kind == F.DUR_REPEAT_HR_GT:
                return True, s.HeartRateAbove(bpm=bpm, percent_max=pct)
            return True, s.HeartRateBelow(bpm=bpm, percent_max=pct)
        if value <= U.POWER_OFFSET:
            self.refuse(index, "a repeat until a percentage of FTP")
            return False, None
        watts = float(value - U.POWER_OFFSET)
        if kind == F.DUR_REPEAT_POWER_GT:
            return True, s.PowerAbove(watts=watts)
        return True, s.PowerBelow(watts=watts)

    def exercise(self, msg: _Msg) -> _Set | None:
        category = msg.get("exercise_category")
        if category is None or category == 0xFFFF:
            return None
        from ...exercises import catalogue

        cat_name = next((name for name, (num, _) in catalogue().items() if num == category), None)
        if cat_name is None:
            return None
        number = msg.get("exercise_name")
        exercise_name = None
        if number is not None and number != 0xFFFF:
            names = catalogue()[cat_name][1]
            exercise_name = next((n for n, v in names.items() if v == number), None)
        weight = msg.get("exercise_weight")
        unit: Literal["kg", "lb"] = (
            "lb" if msg.get("weight_display_unit") == F.WEIGHT_UNIT["lb"] else "kg"
        )
        exercise = s.Exercise(
            category=int(category),
            category_name=cat_name,
            exercise=int(number) if exercise_name and number is not None else None,
            exercise_name=exercise_name,
        )
        kg = weight / U.WEIGHT_SCALE if weight not in (None, 0xFFFF) else None
        return _Set(exercise, kg, unit)

    def exercise_step(
        self,
        msg: _Msg,
        index: int,
        found: _Set,
        duration: s.Duration | s.Reps,
        targeted: bool,
        name: str | None,
    ) -> s.ExerciseStep | None:
        """An exercise set, or None (refused) when the step holds what a set cannot."""
        if not isinstance(duration, s.Reps | s.Time | s.LapButton):
            self.refuse(index, "an exercise that lasts other than reps, a time or until lap")
            return None
        if targeted:
            self.refuse(index, "a target on an exercise step")
            return None
        intensity: s.ExerciseIntensity
        match _INTENSITY.get(msg.get("intensity", 0), s.Intensity.ACTIVE):
            case s.Intensity.WARMUP:
                intensity = s.Intensity.WARMUP
            case s.Intensity.COOLDOWN:
                intensity = s.Intensity.COOLDOWN
            case s.Intensity.ACTIVE:
                intensity = s.Intensity.ACTIVE
            case other:
                self.refuse(index, f"an exercise set of intensity '{other.value}'")
                return None
        return s.ExerciseStep(
            exercise=found.exercise,
            duration=duration,
            intensity=intensity,
            weight_kg=found.weight_kg,
            weight_unit=found.weight_unit,
            name=name,
            note=msg.text("notes"),
        )


def _whole_lengths(stack: list[tuple[int, s.Node]], pool_cm: int) -> bool:
    """Whether every distance step is a whole number of pool lengths (FIT: cm vs cm/100 x 100:
    the pool's length is stored in centimetres, so the test is exact)."""

    def ok(node: s.Node) -> bool:
        if isinstance(node, s.Repeat):
            return all(ok(n) for n in node.steps)
        if isinstance(node, s.Step) and isinstance(node.duration, s.Distance):
            return U.centimetres(node.duration.metres) % pool_cm == 0
        return True

    return all(ok(node) for _, node in stack)


class _Set(NamedTuple):
    """What a workout_step message says about its exercise."""

    exercise: s.Exercise
    weight_kg: float | None
    weight_unit: Literal["kg", "lb"]


#: Messages a workout file may hold: 5,000 steps, as many exercise titles, and room to spare.
MAX_MESSAGES = 20_000


def _too_many_messages(data: bytes) -> bool:
    """Whether the records of `data` hold more than MAX_MESSAGES data messages.

    Counted from the record headers alone, stopping at the limit, so that a 16 MiB file of
    tiny messages is refused in a moment instead of decoded for a minute. Anything the count
    cannot follow is left to Garmin's decoder, which checks the file in full.
    """
    if len(data) < 12:
        return False
    header = data[0]
    end = min(len(data), header + int.from_bytes(data[4:8], "little"))
    sizes: dict[int, int] = {}
    pos, count = header, 0
    while pos < end:
        record = data[pos]
        pos += 1
        if record & 0x80:  # compressed timestamp: a data message of local type bits 5-6
            local, definition = (record >> 5) & 0x3, False
        else:
            local, definition = record & 0x0F, bool(record & 0x40)
        if definition:
            if pos + 5 > end:
                return False
            fields = data[pos + 4]
            size = sum(data[pos + 5 + 3 * i + 1] for i in range(fields) if pos + 7 + 3 * i < end)
            pos += 5 + 3 * fields
            if record & 0x20 and pos < end:
                dev = data[pos]
                size += sum(data[pos + 1 + 3 * i + 1] for i in range(dev) if pos + 3 + 3 * i < end)
                pos += 1 + 3 * dev
            sizes[local] = size
            continue
        if local not in sizes:
            return False
        pos += sizes[local]
        count += 1
        if count > MAX_MESSAGES:
            return True
    return False


def read_fit(
    data: bytes, path: str, default_name: str = "Imported workout"
) -> tuple[s.Workout, list[Diagnostic]]:
    """A FIT workout file as a step tree (raises WorkoutError with a one-line reason)."""
    where = Position(path, 0, 0)
    if _too_many_messages(data):
        raise WorkoutError(
            [error(where, f"this FIT file holds more than {MAX_MESSAGES:,} messages")]
        )
    try:
        messages = decode_fit(data, raw=True)
    except VerifyError as exc:
        raise WorkoutError([error(where, str(exc))]) from None
    file_ids = messages.get("file_id_mesgs") or [{}]
    file_type = _Msg(file_ids[0], "file_id", path).get("type")
    if file_type is not None and file_type != F.FILE_WORKOUT:
        raise WorkoutError(
            [error(where, f"this is not a workout file (FIT file type {file_type})")]
        )
    workouts = messages.get("workout_mesgs") or []
    step_msgs = messages.get("workout_step_mesgs") or []
    if not workouts or not step_msgs:
        raise WorkoutError([error(where, "this FIT file holds no workout steps")])
    wkt = _Msg(workouts[0], "workout", path)
    reader = _Reader(path)
    sport_num = wkt.get("sport", 0)
    sub_num = wkt.get("sub_sport")
    if sport_num == F.SPORT[s.Sport.STRENGTH] and sub_num == F.STRENGTH_TRAINING:
        sport = s.Sport.STRENGTH
    else:
        sport = _SPORT.get(sport_num, s.Sport.OTHER)
        if sport_num not in _SPORT or sport is s.Sport.STRENGTH:
            sport = s.Sport.OTHER
            reader.notes.append(
                warning(where, f"FIT sport {sport_num} has no form here; imported as 'other'")
            )
    sub_sport = None
    if sport is not s.Sport.STRENGTH and sub_num not in (None, 0xFF):
        table = F.SUB_SPORT.get(sport, {})
        sub_sport = next((k for k, v in table.items() if v == sub_num), None)
        if sub_sport is None:
            reader.notes.append(
                warning(where, f"FIT sub-sport {sub_num} has no form here; left out")
            )

    # Connect names each exercise once, in exercise_title; on import the name goes on its steps.
    titles: dict[tuple[int, int | None], str] = {}
    for i, raw_title in enumerate(messages.get("exercise_title_mesgs") or []):
        title = _Msg(raw_title, f"exercise_title {i + 1}", path)
        text = title.text("wkt_step_name")
        category, number = title.get("exercise_category"), title.get("exercise_name")
        if text is not None and category is not None:
            titles[(int(category), None if number in (None, 0xFFFF) else int(number))] = text

    # Rebuild the tree: a repeat step closes the block that starts at its duration_value.
    typed = [_Msg(m, f"workout_step {i + 1}", path) for i, m in enumerate(step_msgs)]
    ordered = sorted(typed, key=lambda m: m.get("message_index", 0) or 0)
    stack: list[tuple[int, s.Node]] = []  # (first message index, node)
    depth: dict[int, int] = {}  # id of a repeat -> repeats nested in it, itself included
    for position, msg in enumerate(ordered):
        index = msg.get("message_index", position)
        if index != position:
            raise WorkoutError(
                [
                    error(
                        where,
                        f"workout steps are not numbered 0..N-1 (found {index} at "
                        f"position {position})",
                    )
                ]
            )
        kind = msg.get("duration_type")
        if kind in _REPEATS:
            first = msg.get("duration_value")
            count = msg.get("target_value")
            if first is None or count is None or first >= index:
                reader.refuse(index, "a repeat that points at no earlier step")
                continue
            ok, until = reader.until(msg, index)
            if not ok:
                continue
            block: list[s.Node] = []
            start = None
            while stack and stack[-1][0] >= first:
                start, node = stack.pop()
                block.insert(0, node)
            if not block or start != first:
                reader.refuse(index, "a repeat whose block does not start on a step boundary")
                continue
            # An intensity on a repeat step (the watch writes one) means nothing: not kept.
            if until is None and count < 1:
                reader.refuse(index, f"a repeat {count} times")
                continue
            repeat = s.Repeat(
                count=1 if until is not None else int(count),
                steps=tuple(block),
                name=msg.text("wkt_step_name"),
                until=until,
            )
            depth[id(repeat)] = 1 + max((depth.get(id(n), 0) for n in block), default=0)
            if depth[id(repeat)] > MAX_REPEAT_DEPTH:
                raise WorkoutError(
                    [
                        error(
                            where,
                            f"step {index + 1}: repeats are nested more than "
                            f"{MAX_REPEAT_DEPTH} deep",
                        )
                    ]
                )
            stack.append((first, repeat))
            continue
        ex = reader.exercise(msg)
        duration = reader.duration(msg, index)
        ok, target = reader.target(msg, index, "", sport)
        ok2, secondary = reader.target(msg, index, "secondary_", sport)
        if duration is None or not ok or not ok2:
            continue
        name = msg.text("wkt_step_name")
        leaf: s.Leaf
        if ex is None:
            if isinstance(duration, s.Reps):
                reader.refuse(index, "a repetition count outside a strength exercise")
                continue
            equipment = None
            # Swim equipment: only a swim's is read (it means nothing on another sport's step).
            raw_equipment = msg.get("equipment") if sport is s.Sport.SWIMMING else None
            if raw_equipment not in (None, 0, 0xFF):
                equipment = next((k for k, v in F.EQUIPMENT.items() if v == raw_equipment), None)
                if equipment is None:
                    reader.refuse(index, f"equipment {raw_equipment}")
                    continue
            leaf = s.Step(
                intensity=_INTENSITY.get(msg.get("intensity", 0), s.Intensity.ACTIVE),
                duration=duration,
                target=target,
                secondary=secondary,
                name=name,
                note=msg.text("notes"),
                equipment=equipment,
            )
        else:
            if name is None:
                name = titles.get((ex.exercise.category, ex.exercise.exercise))
                if name == F.display_name(ex.exercise):
                    name = None  # the title a rebuild writes anyway
            targeted = target is not None or secondary is not None
            found = reader.exercise_step(msg, index, ex, duration, targeted, name)
            if found is None:
                continue
            leaf = found
        stack.append((index, leaf))
    pool_metres: float | None = None
    pool_unit: Literal["m", "yd"] | None = None
    if sport is s.Sport.SWIMMING and sub_sport == "lap_swimming":
        raw_pool = wkt.get("pool_length")
        raw_unit = wkt.get("pool_length_unit")
        if raw_pool in (None, 0, 0xFFFF):
            reader.problems.append(error(where, "a pool swim without a pool length"))
        elif raw_unit not in (None, *F.POOL_UNIT.values()):
            reader.problems.append(error(where, f"a pool length in display unit {raw_unit}"))
        else:
            pool_metres = raw_pool / F.POOL_LENGTH_SCALE
            pool_unit = "yd" if raw_unit == F.POOL_UNIT["yd"] else "m"
            lengths_ok = _whole_lengths(stack, raw_pool)
            if not lengths_ok:
                reader.problems.append(
                    error(where, "a swim distance that is not a whole number of pool lengths")
                )
    if reader.problems:
        raise WorkoutError(reader.problems + reader.notes)
    name = wkt.text("wkt_name") or default_name
    workout = s.Workout(
        name=name,
        sport=sport,
        sub_sport=sub_sport,
        pool_metres=pool_metres,
        pool_unit=pool_unit,
        description=wkt.text("wkt_description"),
        steps=tuple(node for _, node in stack),
    )
    return workout, reader.notes
