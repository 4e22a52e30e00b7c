"""Reading emitted files back with Garmin's own FIT decoder (garmin-fit-sdk)."""

from __future__ import annotations

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
