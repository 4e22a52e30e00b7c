"""A FIT schedule file (file type 7): which workout file to do on which day (plan-format 2).

Each `schedule` message names a workout by the identity in that workout file's own
`file_id` (manufacturer, product, serial_number, time_created). That identity is read back
from the emitted workout bytes with Garmin's decoder, never recomputed, so a schedule points
at exactly the files written beside it whatever the workout emitter puts in its `file_id`.
Raw values go through the workout emitter's one helper (fit-tool's setters scale), and the
file gets the same Garmin-shaped header as the workouts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from .emit import (
    F_MANUFACTURER,
    F_PRODUCT,
    F_SERIAL,
    F_TIME_CREATED,
    F_TYPE,
    FIT_EPOCH_UNIX,
    UINT32_MAX,
    _put,
    finish_fit_bytes,
    records_bytes,
)
from .verify import decode_fit

FILE_SCHEDULES = 7
SCHEDULE_WORKOUT = 0
FIT_EPOCH = dt.date(1989, 12, 31)

# schedule fields
S_MANUFACTURER, S_PRODUCT, S_SERIAL, S_TIME_CREATED = 0, 1, 2, 3
S_COMPLETED, S_TYPE, S_SCHEDULED_TIME = 4, 5, 6


@dataclass(frozen=True, slots=True)
class WorkoutIdentity:
    """What a schedule entry uses to name a workout file: that file's `file_id` fields."""

    manufacturer: int
    product: int
    serial_number: int
    time_created: int | None


def identity_of(workout_fit: bytes) -> WorkoutIdentity:
    """The `file_id` of an emitted workout file, as Garmin's decoder reads it (raw)."""
    file_id = decode_fit(workout_fit, raw=True)["file_id_mesgs"][0]
    created = file_id.get("time_created")
    return WorkoutIdentity(
        manufacturer=int(file_id["manufacturer"]),
        product=int(file_id.get("product", 0)),
        serial_number=int(file_id["serial_number"]),
        time_created=None if created is None else int(created),
    )


def local_midnight(day: dt.date) -> int:
    """FIT local_date_time of 00:00 on `day`: seconds since 1989-12-31 00:00 local time."""
    return (day - FIT_EPOCH).days * 86400


def fit_time(unix_seconds: float) -> int | None:
    """A Unix time as a FIT date_time, or None when FIT cannot hold it."""
    value = int(unix_seconds) - FIT_EPOCH_UNIX
    return value if 0 <= value <= UINT32_MAX else None


def schedule_fit(
    entries: Sequence[tuple[bytes, dt.date]], *, time_created: int | None = None
) -> bytes:
    """A schedule file with one entry per (workout FIT bytes, day), in the order given.

    The schedule's own file_id takes manufacturer and product from the first workout (so the
    schedule and its workouts claim the same maker), a non-zero serial derived from the
    entries, and `time_created` (a FIT date_time) when given.
    """
    from .lean import load

    load()
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.schedule_message import ScheduleMessage

    known: dict[bytes, WorkoutIdentity] = {}
    identities = []
    for workout_fit, day in entries:
        if workout_fit not in known:
            known[workout_fit] = identity_of(workout_fit)
        identities.append((known[workout_fit], day))
    messages = []
    for ident, day in identities:
        msg = ScheduleMessage()
        _put(msg, S_MANUFACTURER, ident.manufacturer)
        _put(msg, S_PRODUCT, ident.product)
        _put(msg, S_SERIAL, ident.serial_number)
        if ident.time_created is not None:
            _put(msg, S_TIME_CREATED, ident.time_created)
        _put(msg, S_COMPLETED, 0)
        _put(msg, S_TYPE, SCHEDULE_WORKOUT)
        _put(msg, S_SCHEDULED_TIME, local_midnight(day))
        messages.append(msg)

    first = identities[0][0] if identities else WorkoutIdentity(255, 0, 1, None)
    digest = hashlib.sha256(repr(identities).encode("utf-8")).digest()
    serial = int.from_bytes(digest[:4], "big") % UINT32_MAX or 1
    file_id = FileIdMessage()
    _put(file_id, F_TYPE, FILE_SCHEDULES)
    _put(file_id, F_MANUFACTURER, first.manufacturer)
    _put(file_id, F_PRODUCT, first.product)
    _put(file_id, F_SERIAL, serial)
    if time_created is not None:
        _put(file_id, F_TIME_CREATED, time_created)

    # The same 14-byte, protocol 1.0 header as the workout files it points at.
    return finish_fit_bytes(records_bytes([file_id, *messages]))
