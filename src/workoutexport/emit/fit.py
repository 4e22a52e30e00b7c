"""Step tree -> FIT workout file (spec 4.1), written with fit-tool.

All FIT arithmetic lives here: ms, cm, mm/s, bpm + 100, W + 1000, strides per minute.
Raw values are written with `set_encoded_value` through one helper, because fit-tool's value
setters scale by whichever sub-field matches at the moment of setting. Message objects are
made anew for every file and never changed after they are added to the builder.
"""

from __future__ import annotations

import hashlib
import math
import os
from typing import Any, assert_never

from .. import steps as s
from ..diagnostics import Diagnostic, Position, WorkoutError, error, warning
from . import Emitted, device_cadence

# Profile numbers (Garmin FIT profile).
FILE_WORKOUT = 5
MANUFACTURER_DEVELOPMENT = 255
FIT_EPOCH_UNIX = 631065600  # 1989-12-31T00:00:00Z

# message field numbers
F_TYPE, F_MANUFACTURER, F_PRODUCT, F_SERIAL, F_TIME_CREATED = 0, 1, 2, 3, 4
W_SPORT, W_NUM_VALID_STEPS, W_NAME, W_SUB_SPORT, W_DESCRIPTION = 4, 6, 8, 11, 17
S_INDEX, S_NAME, S_DUR_TYPE, S_DUR_VALUE = 254, 0, 1, 2
S_TGT_TYPE, S_TGT_VALUE, S_LOW, S_HIGH = 3, 4, 5, 6
S_INTENSITY, S_NOTES = 7, 8
S_EX_CATEGORY, S_EX_NAME, S_EX_WEIGHT, S_WEIGHT_UNIT = 10, 11, 12, 13
S_SEC_TYPE, S_SEC_VALUE, S_SEC_LOW, S_SEC_HIGH = 19, 20, 21, 22

DUR_TIME, DUR_DISTANCE, DUR_HR_LT, DUR_HR_GT, DUR_CALORIES, DUR_OPEN = 0, 1, 2, 3, 4, 5
DUR_REPEAT_STEPS, DUR_REPS = 6, 29
TGT_SPEED, TGT_HR, TGT_OPEN, TGT_CADENCE, TGT_POWER = 0, 1, 2, 3, 4

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
    s.Sport.OTHER: {"generic": 0},
}
STRENGTH_TRAINING = 20
WEIGHT_UNIT = {"kg": 1, "lb": 2}

# Units as FIT stores them. The importer reads with the same numbers.
MS_PER_S = 1000  # durations: milliseconds
CM_PER_M = 100  # distances: centimetres
MMPS_PER_MPS = 1000  # speeds: millimetres per second
WEIGHT_SCALE = 100  # exercise weight: 1/100 kg
HR_OFFSET = 100  # heart rate: bpm + 100; 0..100 is percent of maximum
POWER_OFFSET = 1000  # power: W + 1000; 0..1000 is percent of FTP

UINT32_MAX = 0xFFFFFFFE  # 0xFFFFFFFF is FIT's "invalid"
UINT16_MAX = 0xFFFE
MAX_STRING_BYTES = 254  # a FIT string field holds at most 255 bytes, NUL included
MAX_STEPS = UINT16_MAX + 1  # message_index 0..65534


def outward(low: float, high: float) -> tuple[int, int]:
    """A window as whole numbers, rounded outwards so it never excludes what was asked for."""
    return math.floor(low + 1e-6), math.ceil(high - 1e-6)


def speed_raw(low_mps: float, high_mps: float) -> tuple[int, int]:
    """A speed window as FIT stores it: mm/s, low = slower, low at least 1."""
    return outward(max(low_mps * MMPS_PER_MPS, 1), high_mps * MMPS_PER_MPS)


def _put(msg: Any, field_id: int, raw: int | str) -> None:
    """Write a raw (already scaled) value, bypassing fit-tool's sub-field scaling."""
    field = msg.get_field(field_id)
    if field is None:  # pragma: no cover - would be a programming error
        raise AssertionError(f"{msg.name} has no field {field_id}")
    field.set_encoded_value(0, raw)


class _Encoder:
    def __init__(self, workout: s.Workout, lossy: bool) -> None:
        from fit_tool.profile.messages.workout_step_message import WorkoutStepMessage

        self.workout = workout
        self.lossy = lossy
        self.diagnostics: list[Diagnostic] = []
        self.messages: list[Any] = []
        self._new_step = WorkoutStepMessage

    def fail(self, where: Position, message: str) -> None:
        self.diagnostics.append(error(where, message))

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
            if isinstance(node, s.Step):
                self.step(node)
            else:
                first = len(self.messages)
                self.nodes(node.steps)
                msg = self.new_message(node.source)
                _put(msg, S_DUR_TYPE, DUR_REPEAT_STEPS)
                _put(msg, S_DUR_VALUE, first)
                _put(msg, S_TGT_VALUE, self.whole(node.count, node.source, "this repeat count"))
                self.messages.append(msg)

    def new_message(self, where: Position) -> Any:
        msg = self._new_step()
        _put(msg, S_INDEX, len(self.messages))
        return msg

    def step(self, step: s.Step) -> None:
        msg = self.new_message(step.source)
        where = step.source
        if step.name is not None:
            _put(msg, S_NAME, self.text(step.name, step.name_source, "step name"))
            if len(step.name) > 15:
                self.diagnostics.append(
                    warning(
                        step.name_source,
                        f"step name '{step.name}' is longer than the 15 characters watches show",
                    )
                )
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
        if step.exercise is not None:
            ex = step.exercise
            _put(msg, S_EX_CATEGORY, ex.category)
            if ex.name is not None:
                _put(msg, S_EX_NAME, ex.name)
            if ex.weight_kg is not None:
                _put(
                    msg,
                    S_EX_WEIGHT,
                    self.whole(ex.weight_kg * WEIGHT_SCALE, where, "weight", UINT16_MAX),
                )
                _put(msg, S_WEIGHT_UNIT, WEIGHT_UNIT[ex.weight_unit])
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
            case s.Reps(count=count):
                _put(msg, S_DUR_TYPE, DUR_REPS)
                _put(msg, S_DUR_VALUE, self.whole(count, where, "repetitions"))
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
                running = self.workout.running_cadence_unit
                window(
                    TGT_CADENCE,
                    max(device_cadence(lo, unit, running), 1),
                    device_cadence(hi, unit, running),
                )
            case s.PowerZone(zone=zone):
                _put(msg, f_type, TGT_POWER)
                _put(msg, f_value, zone)
            case s.PowerRange(low=lo, high=hi, percent_ftp=pct):
                offset = 0 if pct else POWER_OFFSET
                window(TGT_POWER, lo + offset, hi + offset)
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


def serial_number(workout: s.Workout) -> int:
    """A non-zero 32-bit serial derived from the workout's content (source positions excluded)."""
    digest = hashlib.sha256(repr(workout).encode("utf-8")).digest()
    serial = int.from_bytes(digest[:4], "big") % UINT32_MAX
    return serial or 1


def time_created() -> int | None:
    """FIT timestamp from SOURCE_DATE_EPOCH, or None (left out) so output stays reproducible."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    # ASCII digits only ('²'.isdigit() is true), and short enough for int() to read.
    if not (value.isascii() and value.isdigit()) or len(value) > 20:
        return None
    fit_seconds = int(value) - FIT_EPOCH_UNIX
    if not 0 <= fit_seconds <= UINT32_MAX:
        return None
    return fit_seconds


def emit(workout: s.Workout, *, lossy: bool = False) -> Emitted:
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.workout_message import WorkoutMessage

    total = s.count_nodes(workout.steps)
    if total > MAX_STEPS:
        # Checked before any message is made: fit-tool messages are heavy.
        raise WorkoutError(
            [
                error(
                    workout.steps_source,
                    f"a FIT workout holds at most {MAX_STEPS:,} steps "
                    f"(repeats count as steps); this one has {total:,}",
                )
            ]
        )
    enc = _Encoder(workout, lossy)
    enc.nodes(workout.steps)
    diagnostics = enc.diagnostics

    file_id = FileIdMessage()
    _put(file_id, F_TYPE, FILE_WORKOUT)
    _put(file_id, F_MANUFACTURER, MANUFACTURER_DEVELOPMENT)
    _put(file_id, F_PRODUCT, 0)
    _put(file_id, F_SERIAL, serial_number(workout))
    created = time_created()
    if created is not None:
        _put(file_id, F_TIME_CREATED, created)

    wkt = WorkoutMessage()
    _put(wkt, W_NAME, enc.text(workout.name, workout.name_source, "workout name"))
    sport, sub_sport = _sports(workout, diagnostics)
    _put(wkt, W_SPORT, sport)
    if sub_sport is not None:
        _put(wkt, W_SUB_SPORT, sub_sport)
    _put(wkt, W_NUM_VALID_STEPS, min(len(enc.messages), UINT16_MAX))
    if workout.description:
        _put(
            wkt,
            W_DESCRIPTION,
            enc.long_text(workout.description, workout.description_source, "a description"),
        )

    if any(d.severity == "error" for d in diagnostics):
        raise WorkoutError(diagnostics)

    builder = FitFileBuilder(auto_define=True, min_string_size=0)
    builder.add(file_id)
    builder.add(wkt)
    builder.add_all(enc.messages)
    return Emitted(builder.build().to_bytes(), diagnostics)
