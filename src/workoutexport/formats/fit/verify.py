"""Reading emitted FIT files back: Garmin's own decoder (garmin-fit-sdk), and a framing walk.

Two verifiers. The walk refuses every broken file the decoder refuses in each way the tests
break files (tests/test_fit_walk.py), and is stricter in three places (`framing_problems`):

- `problems`: Garmin's decoder reads every message. `check` runs it, and the tests decode
  every emitted file with it and compare values with intent.
- `framing_problems`: a walk over the header, every definition and data record and both
  CRCs, without building a message. `build`, `send` and `site` run it on every file they
  hand on, at a small part of the decoder's cost (and without importing it). Neither catches
  a wrong value: that is what the tests are for.
"""

from __future__ import annotations

import struct
from typing import Any


class VerifyError(Exception):
    """The bytes are not a FIT file that Garmin's decoder reads without errors."""


def decode_fit(data: bytes, *, raw: bool = False) -> dict[str, list[dict[str, Any]]]:
    """Decode with garmin-fit-sdk: integrity (header, sizes, CRC) first, then every message.

    `raw` keeps stored integers (no scale, no offset, no enum names, no sub-fields), which
    is what an exact import wants.
    """
    from garmin_fit_sdk import Decoder, Stream

    if len(data) < 14:
        raise VerifyError("not a FIT file (too short)")
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    try:
        is_fit = decoder.is_fit()
    except Exception:  # the SDK raises bare exceptions on garbage
        is_fit = False
    if not is_fit:
        raise VerifyError("not a FIT file")
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    try:
        intact = decoder.check_integrity()
    except Exception:
        intact = False
    if not intact:
        raise VerifyError("FIT integrity check failed: the file is truncated or its CRC is wrong")
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    messages, errors = decoder.read(
        apply_scale_and_offset=not raw,
        convert_datetimes_to_dates=False,
        convert_types_to_strings=not raw,
        enable_crc_check=True,
        expand_sub_fields=not raw,
        expand_components=not raw,
        merge_heart_rates=False,
    )
    if errors:
        raise VerifyError("; ".join(_plain(e) for e in errors))
    return {str(k): list(v) for k, v in messages.items()}  # type: ignore[call-overload]


def _plain(exc: BaseException) -> str:
    """A decoder error in words: the SDK reports some as a bare key or a struct message."""
    import struct

    if isinstance(exc, KeyError):
        # A developer field description naming a base type FIT does not have, or a
        # definition that refers to one the file never gave.
        return (
            "Garmin's decoder cannot read this file: it refers to a type or definition "
            f"numbered {exc.args[0]!r} that FIT does not define"
        )
    if isinstance(exc, (struct.error, IndexError)):
        return (
            "Garmin's decoder cannot read this file: a field (often a developer field) is "
            "declared smaller than one value of its type"
        )
    return f"Garmin's decoder cannot read this file: {exc}"


def problems(data: bytes) -> list[str]:
    """What Garmin's decoder finds wrong with `data`: the format table's verifier.

    One pass of the decoder with its CRC check, reading stored values only: `check` runs
    this on every file it emits, and the separate integrity pass and the conversions of
    decode_fit (scale, enum names, sub-fields) find nothing more in a file it must refuse
    (tests/test_verify_cost.py corrupts files each way). About 40 % cheaper per file.
    """
    from garmin_fit_sdk import Decoder, Stream

    if len(data) < 14:
        return ["not a FIT file (too short)"]
    try:
        is_fit = Decoder(Stream.from_byte_array(bytearray(data))).is_fit()
    except Exception:  # the SDK raises bare exceptions on garbage
        is_fit = False
    if not is_fit:
        return ["not a FIT file"]
    _messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read(
        apply_scale_and_offset=False,
        convert_datetimes_to_dates=False,
        convert_types_to_strings=False,
        enable_crc_check=True,
        expand_sub_fields=False,
        expand_components=False,
        merge_heart_rates=False,
    )
    return [str(e) for e in errors]


#: The size of one value of each of FIT's base types, by type number (the low five bits of a
#: field definition's base type byte; the endian bit above them is not part of the number).
_BASE_TYPE_SIZES = (
    1,  # 0x00 enum
    1,  # 0x01 sint8
    1,  # 0x02 uint8
    2,  # 0x03 sint16
    2,  # 0x04 uint16
    4,  # 0x05 sint32
    4,  # 0x06 uint32
    1,  # 0x07 string
    4,  # 0x08 float32
    8,  # 0x09 float64
    1,  # 0x0A uint8z
    2,  # 0x0B uint16z
    4,  # 0x0C uint32z
    1,  # 0x0D byte
    8,  # 0x0E sint64
    8,  # 0x0F uint64
    8,  # 0x10 uint64z
)
#: field_description and developer_data_id: developer data, which we never write.
_DEVELOPER_MESSAGES = frozenset({206, 207})


def framing_problems(data: bytes) -> list[str]:
    """What is wrong with the framing of the FIT file `data` (empty when nothing is).

    One pass: the header (size, ".FIT", its CRC), every record up to the size the header
    gives (a definition's base types and field sizes, no developer data message; a data
    record's local type defined before it and its length), the records ending exactly
    there, the file CRC, and nothing after it. These are the checks with which Garmin's
    decoder refuses a file, and three it does not make: the header's CRC (its read skips
    it), a field of size 0 (which it reads in some places) and developer data messages
    (which it refuses only when broken; we never write them). The values inside the
    messages are not read.
    """
    from .crc import crc16

    length = len(data)
    if length < 14:
        return ["not a FIT file (too short)"]
    header_size = data[0]
    if header_size not in (12, 14) or data[8:12] != b".FIT":
        return ["not a FIT file"]
    (records_size,) = struct.unpack_from("<I", data, 4)
    end = header_size + records_size
    if end + 2 > length:
        return [f"the header says {records_size:,} bytes of records; the file is shorter"]
    if end + 2 < length:
        return [f"{length - end - 2:,} bytes after the end of the file its header gives"]
    if header_size == 14:
        (header_crc,) = struct.unpack_from("<H", data, 12)
        if header_crc != crc16(data[:12]):
            return ["the header's CRC is wrong"]
    (file_crc,) = struct.unpack_from("<H", data, end)
    if file_crc != crc16(data[:end]):
        return ["the file's CRC is wrong"]
    # Local message type -> bytes of one data record after its header byte.
    sizes: dict[int, int] = {}
    at = header_size
    while at < end:
        record = data[at]
        at += 1
        if record & 0x80:
            return [f"a compressed-timestamp record at byte {at - 1}: not written by us"]
        local = record & 0x0F
        if not record & 0x40:
            size = sizes.get(local)
            if size is None:
                return [f"a data record at byte {at - 1} of local type {local}, never defined"]
            at += size
            continue
        if at + 5 > end:
            return [f"a definition at byte {at - 1} runs past the records"]
        fields = data[at + 4]
        (number,) = struct.unpack_from(">H" if data[at + 1] else "<H", data, at + 2)
        if number in _DEVELOPER_MESSAGES:
            # Garmin's decoder reads these as it reads them, and fails on a broken one; we
            # never write developer data, so one in our file is a fault.
            return [f"a developer data message (number {number}) at byte {at - 1}"]
        at += 5
        size = 0
        for i in range(fields):
            if at + 3 > end:
                return [f"a definition at byte {at} runs past the records"]
            field_size, base = data[at + 1], data[at + 2] & 0x1F
            at += 3
            if base >= len(_BASE_TYPE_SIZES):
                return [f"field {i} of a definition has base type {base:#04x}, which FIT lacks"]
            if field_size == 0:
                return [f"field {i} of a definition has size 0"]
            size += field_size
        if record & 0x20:
            if at >= end:
                return [f"a definition at byte {at} runs past the records"]
            developer = data[at]
            at += 1
            for _ in range(developer):
                if at + 3 > end:
                    return [f"a definition at byte {at} runs past the records"]
                size += data[at + 1]
                at += 3
        sizes[local] = size
    if at != end:
        return ["the last record runs past the end of the records"]
    return []
