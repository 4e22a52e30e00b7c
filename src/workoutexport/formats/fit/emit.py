"""Step tree -> FIT workout file (spec 4.1), written with fit-tool.

FIT's arithmetic lives in this package (ms, cm, mm/s, bpm + 100, W + 1000 in units.py).
Raw values are written with `set_encoded_value` through one helper, because fit-tool's value
setters scale by whichever sub-field matches at the moment of setting. Message objects are
made anew for every file and never changed after their records are made; fit-tool's own
package and profile are loaded in part (`lean`), and the file is put together here.

Files are shaped like Garmin Connect's own (spec 4.1): `finish_fit_bytes` gives them the
14-byte, protocol 1.0 header, and `file_identity` decides the file_id that schedules refer to.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable
from typing import Any, NamedTuple, assert_never

from ... import steps as s
from ...diagnostics import Diagnostic, Position, WorkoutError, error, warning
from .. import DEFAULT_OPTIONS, EmitOptions, Emitted, Encoder
from ..common import device_cadence, outward, source_date_epoch
from .units import (
    CM_PER_M,
    HR_OFFSET,
    MAX_PERCENT_FTP,
    MS_PER_S,
    POWER_OFFSET,
    WEIGHT_SCALE,
    speed_raw,
)

# Profile numbers (Garmin FIT profile).
FILE_WORKOUT = 5
MANUFACTURER_DEVELOPMENT = 255
MANUFACTURER_GARMIN = 1
PRODUCT_CONNECT = 65534
#: file_id (manufacturer, product) for each `fit: {identity: ...}` of the profile.
IDENTITY = {
    "connect": (MANUFACTURER_GARMIN, PRODUCT_CONNECT),
    "development": (MANUFACTURER_DEVELOPMENT, 0),
}
CAPABILITIES_TCX = 32  # workout.capabilities as Garmin Connect writes it
FIT_EPOCH_UNIX = 631065600  # 1989-12-31T00:00:00Z

# The file header as Garmin Connect and the FIT SDK's examples write it.
HEADER_SIZE = 14
PROTOCOL_1_0 = 0x10
#: The FIT profile fit-tool's messages are generated from (21.212), as the header states it.
PROFILE_VERSION = 21212

# message field numbers
F_TYPE, F_MANUFACTURER, F_PRODUCT, F_SERIAL, F_TIME_CREATED = 0, 1, 2, 3, 4
FC_SOFTWARE, FC_HARDWARE = 0, 1
W_SPORT, W_CAPABILITIES, W_NUM_VALID_STEPS, W_NAME, W_SUB_SPORT, W_DESCRIPTION = 4, 5, 6, 8, 11, 17
W_POOL_LENGTH, W_POOL_LENGTH_UNIT = 14, 15
T_INDEX, T_CATEGORY, T_NAME, T_TITLE = 254, 0, 1, 2
S_INDEX, S_NAME, S_DUR_TYPE, S_DUR_VALUE = 254, 0, 1, 2
S_TGT_TYPE, S_TGT_VALUE, S_LOW, S_HIGH = 3, 4, 5, 6
S_INTENSITY, S_NOTES, S_EQUIPMENT = 7, 8, 9
S_EX_CATEGORY, S_EX_NAME, S_EX_WEIGHT, S_WEIGHT_UNIT = 10, 11, 12, 13
S_SEC_TYPE, S_SEC_VALUE, S_SEC_LOW, S_SEC_HIGH = 19, 20, 21, 22

DUR_TIME, DUR_DISTANCE, DUR_HR_LT, DUR_HR_GT, DUR_CALORIES, DUR_OPEN = 0, 1, 2, 3, 4, 5
DUR_REPEAT_STEPS, DUR_REPS, DUR_REPETITION_TIME = 6, 29, 28
DUR_REPEAT_TIME, DUR_REPEAT_DISTANCE, DUR_REPEAT_CALORIES = 7, 8, 9
DUR_REPEAT_HR_LT, DUR_REPEAT_HR_GT, DUR_REPEAT_POWER_LT, DUR_REPEAT_POWER_GT = 10, 11, 12, 13
TGT_SPEED, TGT_HR, TGT_OPEN, TGT_CADENCE, TGT_POWER, TGT_SWIM_STROKE = 0, 1, 2, 3, 4, 11
#: FIT swim_stroke for each written stroke. `choice` (any stroke) has no value: the target
#: is a swim-stroke target whose value is left invalid, as the SDK cookbook's pool swim writes
#: its "any stroke" warm-up.
SWIM_STROKE = {"free": 0, "back": 1, "breast": 2, "fly": 3, "drill": 4, "mixed": 5, "im": 6}
ANY_STROKE = 255
#: FIT workout_equipment for each written piece of equipment.
EQUIPMENT = {"fins": 1, "kickboard": 2, "paddles": 3, "pull_buoy": 4, "snorkel": 5}
#: FIT display_measure of a pool's length.
POOL_UNIT = {"m": 0, "yd": 1}
POOL_LENGTH_SCALE = 100  # workout.pool_length: metres x 100

#: The target type a conditional repeat's value is given: its heart rate or power.
_CONDITION_TARGET = {
    DUR_REPEAT_HR_LT: TGT_HR,
    DUR_REPEAT_HR_GT: TGT_HR,
    DUR_REPEAT_POWER_LT: TGT_POWER,
    DUR_REPEAT_POWER_GT: TGT_POWER,
}
INTENSITY = {
    s.Intensity.ACTIVE: 0,
    s.Intensity.REST: 1,
    s.Intensity.WARMUP: 2,
    s.Intensity.COOLDOWN: 3,
    s.Intensity.RECOVERY: 4,
}
SPORT = {
    s.Sport.RUNNING: 1,
    s.Sport.CYCLING: 2,
    s.Sport.WALKING: 11,
    s.Sport.STRENGTH: 10,  # training
    s.Sport.SWIMMING: 5,
    s.Sport.OTHER: 0,
}
SUB_SPORT: dict[s.Sport, dict[str, int]] = {
    s.Sport.RUNNING: {
        "generic": 0,
        "treadmill": 1,
        "street": 2,
        "trail": 3,
        "track": 4,
        "indoor": 45,
    },
    s.Sport.CYCLING: {"generic": 0, "indoor": 6, "street": 7, "trail": 8, "track": 13},
    s.Sport.WALKING: {"generic": 0, "indoor": 27},
    s.Sport.SWIMMING: {"generic": 0, "lap_swimming": 17, "open_water": 18},
    s.Sport.OTHER: {"generic": 0},
}
STRENGTH_TRAINING = 20
WEIGHT_UNIT = {"kg": 1, "lb": 2}

UINT32_MAX = 0xFFFFFFFE  # 0xFFFFFFFF is FIT's "invalid"
UINT16_MAX = 0xFFFE
MAX_STRING_BYTES = 254  # a FIT string field holds at most 255 bytes, NUL included
MAX_STEP_MESSAGES = UINT16_MAX + 1  # message_index 0..65534


def _put(msg: Any, field_id: int, raw: int | str) -> None:
    """Write a raw (already scaled) value, bypassing fit-tool's sub-field scaling."""
    field = msg.get_field(field_id)
    if field is None:  # pragma: no cover - would be a programming error
        raise AssertionError(f"{msg.name} has no field {field_id}")
    field.set_encoded_value(0, raw)


def finish_fit_bytes(records: bytes) -> bytes:
    """A FIT file of `records` with the header Garmin writes: 14 bytes, protocol 1.0, the
    profile version of the messages, both CRCs.

    fit-tool 0.9.16's own file writer gives a 12-byte header without a CRC claiming protocol
    2.3 (its own changelog calls that a bug), and Garmin's C SDK refuses a major version
    newer than it knows. Any FIT writer in this project (workouts, schedules) makes its
    records with `records_bytes` and its file here.
    """
    from .crc import crc16

    header = bytearray(HEADER_SIZE)
    header[0] = HEADER_SIZE
    header[1] = PROTOCOL_1_0
    struct.pack_into("<HI", header, 2, PROFILE_VERSION, len(records))
    header[8:12] = b".FIT"
    struct.pack_into("<H", header, 12, crc16(header[:12]))
    body = bytes(header) + records
    return body + struct.pack("<H", crc16(body))


def records_bytes(messages: Iterable[Any]) -> bytes:
    """The FIT records of fit-tool data `messages`, in order, as fit-tool's builder defines
    them (`auto_define`): a definition before the first message of each local type and
    before any message the last definition of its type cannot carry, then the message."""
    from fit_tool.definition_message import DefinitionMessage
    from fit_tool.record import Record

    definitions: dict[int, Any] = {}
    out = bytearray()
    for message in messages:
        new = DefinitionMessage.from_data_message(message, min_string_size=0)
        known = definitions.get(message.local_id)
        if known is None or not known.supports(new):
            definitions[message.local_id] = new
            out += Record.from_message(new).to_bytes()
        message.set_definition_message(definitions[message.local_id])
        out += Record.from_message(message).to_bytes()
    return bytes(out)


class _Encoder(Encoder):
    format_name = "FIT"

    def __init__(self, options: EmitOptions) -> None:
        from .lean import load

        load()
        from fit_tool.profile.messages.workout_step_message import WorkoutStepMessage

        super().__init__()
        self.options = options
        self.messages: list[Any] = []
        self._new_step = WorkoutStepMessage

    def text(self, value: str, where: Position, what: str) -> str:
        if len(value.encode("utf-8")) > MAX_STRING_BYTES:
            self.fail(where, f"{what} is longer than FIT allows ({MAX_STRING_BYTES} bytes)")
        return value

    def long_text(self, value: str, where: Position, what: str) -> str:
        """Free text (descriptions, notes): cut to what FIT holds, with a warning."""
        raw = value.encode("utf-8")
        if len(raw) <= MAX_STRING_BYTES:
            return value
        cut = raw[:MAX_STRING_BYTES].decode("utf-8", errors="ignore")
        self.diagnostics.append(
            warning(where, f"FIT holds {MAX_STRING_BYTES} bytes of {what}; the rest is cut")
        )
        return cut

    def whole(
        self,
        value: float,
        where: Position,
        what: str,
        limit: int = UINT32_MAX,
        shown: str | None = None,
    ) -> int:
        """`value` as a stored integer, or a diagnostic when FIT cannot hold it."""
        raw = round(value)
        if raw < 0 or raw > limit:
            most = shown or f"{limit:,}"
            self.fail(where, f"{what} is too large for FIT (at most {most})")
            return 0
        return raw

    # --- steps --------------------------------------------------------------------------

    def nodes(self, nodes: tuple[s.Node, ...]) -> None:
        for node in nodes:
            match node:
                case s.Step():
                    self.step(node)
                case s.ExerciseStep():
                    self.exercise_step(node)
                case s.Repeat():
                    self.repeat(node)
                case _:
                    assert_never(node)

    def repeat(self, node: s.Repeat) -> None:
        first = len(self.messages)
        self.nodes(node.steps)
        msg = self.new_message()
        if node.name is not None:
            _put(msg, S_NAME, self.text(node.name, node.source, "repeat name"))
            self.warn_long(node.name, node.source)
        kind, value = self.repeat_until(node)
        _put(msg, S_DUR_TYPE, kind)
        _put(msg, S_DUR_VALUE, first)
        condition = _CONDITION_TARGET.get(kind)
        if condition is not None:
            # Garmin's SDK example of a repeat until heart rate (WorkoutRepeatGreaterThanStep)
            # types its value as the heart-rate target it is and marks the step active;
            # a count repeat stays as Connect writes it, without either.
            _put(msg, S_TGT_TYPE, condition)
            _put(msg, S_INTENSITY, INTENSITY[s.Intensity.ACTIVE])
        _put(msg, S_TGT_VALUE, value)
        self.messages.append(msg)

    def repeat_until(self, node: s.Repeat) -> tuple[int, int]:
        """A repeat step's duration type and target_value: a count, or the condition's value."""
        where = node.source
        match node.until:
            case None:
                return DUR_REPEAT_STEPS, self.whole(node.count, where, "this repeat count")
            case s.Time(seconds=sec):
                return DUR_REPEAT_TIME, self.whole(sec * MS_PER_S, where, "this time")
            case s.Distance(metres=metres):
                return DUR_REPEAT_DISTANCE, self.whole(metres * CM_PER_M, where, "this distance")
            case s.Calories(kcal=kcal):
                return DUR_REPEAT_CALORIES, self.whole(kcal, where, "calories")
            case s.HeartRateAbove() | s.HeartRateBelow():
                above = isinstance(node.until, s.HeartRateAbove)
                kind = DUR_REPEAT_HR_GT if above else DUR_REPEAT_HR_LT
                if node.until.percent_max is not None:
                    return kind, self.whole(node.until.percent_max, where, "heart rate", HR_OFFSET)
                assert node.until.bpm is not None
                return kind, self.whole(node.until.bpm + HR_OFFSET, where, "heart rate")
            case s.PowerAbove(watts=watts):
                return DUR_REPEAT_POWER_GT, self.whole(watts + POWER_OFFSET, where, "power")
            case s.PowerBelow(watts=watts):
                return DUR_REPEAT_POWER_LT, self.whole(watts + POWER_OFFSET, where, "power")
            case _:
                assert_never(node.until)

    def warn_long(self, name: str, where: Position) -> None:
        if len(name) > 15:
            self.diagnostics.append(
                warning(where, f"step name '{name}' is longer than the 15 characters watches show")
            )

    def new_message(self) -> Any:
        msg = self._new_step()
        _put(msg, S_INDEX, len(self.messages))
        return msg

    def step(self, step: s.Step) -> None:
        msg = self.new_message()
        if step.name is not None:
            _put(msg, S_NAME, self.text(step.name, step.name_source, "step name"))
            self.warn_long(step.name, step.name_source)
        self.duration(msg, step.duration, step.duration_source)
        if step.target is None:
            _put(msg, S_TGT_TYPE, TGT_OPEN)
            _put(msg, S_TGT_VALUE, 0)
        else:
            fields = (S_TGT_TYPE, S_TGT_VALUE, S_LOW, S_HIGH)
            self.target(msg, step.target, step.target_source, fields)
        if step.secondary is not None:
            fields = (S_SEC_TYPE, S_SEC_VALUE, S_SEC_LOW, S_SEC_HIGH)
            self.target(msg, step.secondary, step.secondary_source, fields)
        _put(msg, S_INTENSITY, INTENSITY[step.intensity])
        if step.note is not None:
            _put(msg, S_NOTES, self.long_text(step.note, step.note_source, "a note"))
        if step.equipment is not None:
            _put(msg, S_EQUIPMENT, EQUIPMENT[step.equipment])
        self.messages.append(msg)

    def exercise_step(self, step: s.ExerciseStep) -> None:
        # An exercise's name is its exercise_title, as Connect writes it, not a step name.
        msg = self.new_message()
        if isinstance(step.duration, s.Reps):
            _put(msg, S_DUR_TYPE, DUR_REPS)
            count = self.whole(step.duration.count, step.duration_source, "repetitions")
            _put(msg, S_DUR_VALUE, count)
        else:
            self.duration(msg, step.duration, step.duration_source)
        _put(msg, S_TGT_TYPE, TGT_OPEN)
        _put(msg, S_TGT_VALUE, 0)
        _put(msg, S_INTENSITY, INTENSITY[step.intensity])
        if step.note is not None:
            _put(msg, S_NOTES, self.long_text(step.note, step.note_source, "a note"))
        ex = step.exercise
        _put(msg, S_EX_CATEGORY, ex.category)
        if ex.exercise is not None:
            _put(msg, S_EX_NAME, ex.exercise)
        if step.weight_kg is not None:
            weight = self.whole(step.weight_kg * WEIGHT_SCALE, step.source, "weight", UINT16_MAX)
            _put(msg, S_EX_WEIGHT, weight)
            _put(msg, S_WEIGHT_UNIT, WEIGHT_UNIT[step.weight_unit])
        self.messages.append(msg)

    def duration(self, msg: Any, d: s.Duration, where: Position) -> None:
        match d:
            case s.Time(seconds=sec):
                _put(msg, S_DUR_TYPE, DUR_TIME)
                ms = self.whole(sec * MS_PER_S, where, "this duration", shown="49 days")
                if 0 < sec * MS_PER_S < 0.5:
                    self.fail(where, "a duration shorter than a millisecond cannot be written")
                _put(msg, S_DUR_VALUE, ms)
            case s.Distance(metres=metres):
                _put(msg, S_DUR_TYPE, DUR_DISTANCE)
                cm = self.whole(metres * CM_PER_M, where, "this distance", shown="42,949 km")
                if 0 < metres * CM_PER_M < 0.5:
                    self.fail(where, "a distance shorter than a centimetre cannot be written")
                _put(msg, S_DUR_VALUE, cm)
            case s.LapButton():
                _put(msg, S_DUR_TYPE, DUR_OPEN)
            case s.HeartRateAbove() | s.HeartRateBelow():
                above = isinstance(d, s.HeartRateAbove)
                _put(msg, S_DUR_TYPE, DUR_HR_GT if above else DUR_HR_LT)
                if d.percent_max is not None:
                    _put(
                        msg, S_DUR_VALUE, self.whole(d.percent_max, where, "heart rate", HR_OFFSET)
                    )
                else:
                    assert d.bpm is not None
                    _put(msg, S_DUR_VALUE, self.whole(d.bpm + HR_OFFSET, where, "heart rate"))
            case s.Calories(kcal=kcal):
                _put(msg, S_DUR_TYPE, DUR_CALORIES)
                _put(msg, S_DUR_VALUE, self.whole(kcal, where, "calories"))
            case s.RepetitionTime(seconds=sec):
                # The send-off in ms, counted by the watch from the start of the swim before.
                _put(msg, S_DUR_TYPE, DUR_REPETITION_TIME)
                _put(msg, S_DUR_VALUE, self.whole(sec * MS_PER_S, where, "this send-off"))
            case _:
                assert_never(d)

    def target(
        self, msg: Any, t: s.Target, where: Position, fields: tuple[int, int, int, int]
    ) -> None:
        f_type, f_value, f_low, f_high = fields

        def window(kind: int, low: float, high: float) -> None:
            raw_low, raw_high = outward(low, high)
            lo = self.whole(raw_low, where, "target")
            hi = self.whole(raw_high, where, "target")
            _put(msg, f_type, kind)
            _put(msg, f_value, 0)
            _put(msg, f_low, lo)
            _put(msg, f_high, hi)

        match t:
            case s.SpeedTarget(low_mps=lo, high_mps=hi):
                window(TGT_SPEED, *speed_raw(lo, hi))
            case s.HeartRateZone(zone=zone):
                _put(msg, f_type, TGT_HR)
                _put(msg, f_value, zone)
            case s.HeartRateRange(low=lo, high=hi, percent_max=pct):
                offset = 0 if pct else HR_OFFSET
                window(TGT_HR, lo + offset, hi + offset)
            case s.CadenceRange(low=lo, high=hi, unit=unit):
                running = self.options.running_cadence_unit
                window(
                    TGT_CADENCE,
                    max(device_cadence(lo, unit, running), 1),
                    device_cadence(hi, unit, running),
                )
            case s.PowerZone(zone=zone):
                _put(msg, f_type, TGT_POWER)
                _put(msg, f_value, zone)
            case s.PowerRange(low=lo, high=hi, percent_ftp=pct):
                if pct and hi > MAX_PERCENT_FTP:
                    # Above 1000 the stored number would read as watts (W + 1000).
                    self.fail(where, f"FIT holds %FTP up to {MAX_PERCENT_FTP}%; this is {hi:g}%")
                    return
                offset = 0 if pct else POWER_OFFSET
                window(TGT_POWER, lo + offset, hi + offset)
            case s.SwimStroke(stroke=stroke):
                _put(msg, f_type, TGT_SWIM_STROKE)
                _put(msg, f_value, SWIM_STROKE.get(stroke, ANY_STROKE))
            case _:
                assert_never(t)


def _sports(workout: s.Workout, diagnostics: list[Diagnostic]) -> tuple[int, int | None]:
    sport = SPORT[workout.sport]
    if workout.sport is s.Sport.STRENGTH:
        return sport, STRENGTH_TRAINING
    if workout.sub_sport is None:
        return sport, None
    table = SUB_SPORT[workout.sport]
    if workout.sub_sport not in table:
        diagnostics.append(
            warning(
                workout.sport_source,
                f"FIT has no '{workout.sub_sport}' kind of {workout.sport.value}; "
                "written as generic",
            )
        )
        return sport, 0
    return sport, table[workout.sub_sport]


def _tuple_text(items: list[str]) -> str:
    return f"({items[0]},)" if len(items) == 1 else "(" + ", ".join(items) + ")"


def _node_text(node: s.Node) -> str:
    match node:
        case s.Step():
            equipment = f", equipment={node.equipment!r}" if node.equipment else ""
            if node.ramp is not None:  # only a ramp spells it, so no other serial changes
                equipment += f", ramp={node.ramp!r}"
            return (
                f"Step(intensity={node.intensity!r}, duration={node.duration!r}, "
                f"target={node.target!r}, secondary={node.secondary!r}, name={node.name!r}, "
                f"note={node.note!r}, exercise=None{equipment})"
            )
        case s.ExerciseStep(exercise=ex):
            exercise = (
                f"Exercise(category={ex.category!r}, category_name={ex.category_name!r}, "
                f"name={ex.exercise!r}, name_name={ex.exercise_name!r}, "
                f"weight_kg={node.weight_kg!r}, weight_unit={node.weight_unit!r})"
            )
            return (
                f"Step(intensity={node.intensity!r}, duration={node.duration!r}, "
                f"target=None, secondary=None, name={node.name!r}, note={node.note!r}, "
                f"exercise={exercise})"
            )
        case s.Repeat():
            steps = _tuple_text([_node_text(child) for child in node.steps])
            return (
                f"Repeat(count={node.count!r}, steps={steps}, name={node.name!r}, "
                f"until={node.until!r})"
            )
        case _:
            assert_never(node)


def content_text(workout: s.Workout, options: EmitOptions = DEFAULT_OPTIONS) -> str:
    """The text a workout's serial number hashes: its meaning, in a fixed spelling.

    The spelling is the one the step tree's repr had when serials were introduced, written
    out so that reshaping the tree's classes does not change the serial of every workout
    (Connect and watches tell workouts apart by it). Source positions and time_created are
    not part of it; the running cadence unit and the file_id identity are.
    """
    steps = _tuple_text([_node_text(node) for node in workout.steps])
    pool = ""
    if workout.pool_metres is not None:
        # Only a pool swim spells its pool, so that no other workout's serial changes.
        pool = f"pool_metres={workout.pool_metres!r}, pool_unit={workout.pool_unit!r}, "
    return (
        f"Workout(name={workout.name!r}, sport={workout.sport!r}, "
        f"sub_sport={workout.sub_sport!r}, {pool}short_name={workout.short_name!r}, "
        f"description={workout.description!r}, steps={steps}, "
        f"running_cadence_unit={options.running_cadence_unit!r}, "
        f"fit_identity={options.fit_identity!r})"
    )


def serial_number(workout: s.Workout, options: EmitOptions = DEFAULT_OPTIONS) -> int:
    """A non-zero 32-bit serial derived from the workout's content (see `content_text`)."""
    digest = hashlib.sha256(content_text(workout, options).encode("utf-8")).digest()
    serial = int.from_bytes(digest[:4], "big") % UINT32_MAX
    return serial or 1


class FileIdentity(NamedTuple):
    """What names a workout file on a watch: its file_id. Schedules refer to workouts by it."""

    manufacturer: int
    product: int
    serial_number: int
    time_created: int  # FIT seconds (since 1989-12-31T00:00:00Z)


def file_identity(workout: s.Workout, options: EmitOptions = DEFAULT_OPTIONS) -> FileIdentity:
    """The file_id that `emit` writes for `workout`: the one place that decides it.

    Manufacturer and product: Garmin Connect's (1 / 65534), or development (255 / 0) under
    `fit: {identity: development}`. Serial: from the compiled content, never 0. time_created:
    SOURCE_DATE_EPOCH, else the workout file's mtime (see `time_created`).
    """
    manufacturer, product = IDENTITY[options.fit_identity]
    return FileIdentity(
        manufacturer, product, serial_number(workout, options), time_created(options.created)
    )


def time_created(created: int | None) -> int:
    """FIT time_created: SOURCE_DATE_EPOCH when set, else `created` (the workout file's mtime).

    A tree made without a file (the library API) and no SOURCE_DATE_EPOCH gets FIT's epoch,
    0, so its bytes never depend on when it was built. Times outside FIT's range are clamped.
    """
    unix = source_date_epoch()
    if unix is None:
        unix = created if created is not None else FIT_EPOCH_UNIX
    return min(max(unix - FIT_EPOCH_UNIX, 0), UINT32_MAX)


def display_name(exercise: s.Exercise) -> str:
    """An exercise's name in words, as Connect titles it: 'walking_lunge' -> 'Walking Lunge'."""
    words = (exercise.exercise_name or exercise.category_name).split("_")
    return " ".join(w.capitalize() for w in words)


def _titles(enc: _Encoder, nodes: tuple[s.Node, ...]) -> list[Any]:
    """One exercise_title per distinct exercise, in order of first use (Connect writes one)."""
    from .lean import load

    load()
    from fit_tool.profile.messages.exercise_title_message import ExerciseTitleMessage

    seen: dict[s.Exercise, tuple[str, s.ExerciseStep]] = {}
    for step in _exercise_steps(nodes):
        ex = step.exercise
        title = step.name if step.name is not None else display_name(ex)
        if ex not in seen:
            seen[ex] = (title, step)
        elif step.name is not None and seen[ex][0] != title:
            first = seen[ex][1]
            enc.fail(
                step.name_source,
                f"FIT gives an exercise one title; this one is already "
                f"'{seen[ex][0]}' (line {first.name_source.line})",
            )
    out = []
    for index, (ex, (title, step)) in enumerate(seen.items()):
        msg = ExerciseTitleMessage()
        _put(msg, T_INDEX, index)
        _put(msg, T_CATEGORY, ex.category)
        if ex.exercise is not None:
            _put(msg, T_NAME, ex.exercise)
        _put(msg, T_TITLE, enc.text(title, step.name_source, "exercise title"))
        out.append(msg)
    return out


def _exercise_steps(nodes: tuple[s.Node, ...]) -> list[s.ExerciseStep]:
    out: list[s.ExerciseStep] = []
    for node in nodes:
        match node:
            case s.ExerciseStep():
                out.append(node)
            case s.Repeat():
                out.extend(_exercise_steps(node.steps))
            case s.Step():
                pass
            case _:
                assert_never(node)
    return out


def emit(
    workout: s.Workout, *, lossy: bool = False, options: EmitOptions = DEFAULT_OPTIONS
) -> Emitted:
    """The FIT workout file for `workout`; raises WorkoutError when FIT cannot hold it."""
    from .lean import load

    load()
    from fit_tool.profile.messages.file_creator_message import FileCreatorMessage
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.workout_message import WorkoutMessage

    # FIT has no ramp: each becomes steady slices (steps.ramp_slices).
    steps = s.split_ramps(workout.steps, tick=1 / MS_PER_S)
    total = s.count_nodes(steps)
    if total > MAX_STEP_MESSAGES:
        # Checked before any message is made: fit-tool messages are heavy.
        raise WorkoutError(
            [
                error(
                    workout.steps_source,
                    f"a FIT workout holds at most {MAX_STEP_MESSAGES:,} steps "
                    f"(repeats count as steps); this one has {total:,}",
                )
            ]
        )
    enc = _Encoder(options)
    enc.nodes(steps)
    titles = _titles(enc, steps)
    diagnostics = enc.diagnostics

    identity = file_identity(workout, options)
    file_id = FileIdMessage()
    _put(file_id, F_TYPE, FILE_WORKOUT)
    _put(file_id, F_MANUFACTURER, identity.manufacturer)
    _put(file_id, F_PRODUCT, identity.product)
    _put(file_id, F_SERIAL, identity.serial_number)
    _put(file_id, F_TIME_CREATED, identity.time_created)

    # Connect writes versions 0: no version of ours would mean anything to a watch.
    creator = FileCreatorMessage()
    _put(creator, FC_SOFTWARE, 0)
    _put(creator, FC_HARDWARE, 0)

    wkt = WorkoutMessage()
    _put(wkt, W_NAME, enc.text(workout.name, workout.name_source, "workout name"))
    sport, sub_sport = _sports(workout, diagnostics)
    _put(wkt, W_SPORT, sport)
    if sub_sport is not None:
        _put(wkt, W_SUB_SPORT, sub_sport)
    if workout.pool_metres is not None and workout.pool_unit is not None:
        _put(wkt, W_POOL_LENGTH, round(workout.pool_metres * POOL_LENGTH_SCALE))
        _put(wkt, W_POOL_LENGTH_UNIT, POOL_UNIT[workout.pool_unit])
    _put(wkt, W_CAPABILITIES, CAPABILITIES_TCX)
    _put(wkt, W_NUM_VALID_STEPS, min(len(enc.messages), UINT16_MAX))
    if workout.description:
        _put(
            wkt,
            W_DESCRIPTION,
            enc.long_text(workout.description, workout.description_source, "a description"),
        )

    if any(d.severity == "error" for d in diagnostics):
        raise WorkoutError(diagnostics)

    records = records_bytes([file_id, creator, wkt, *enc.messages, *titles])
    return Emitted(finish_fit_bytes(records), diagnostics)
