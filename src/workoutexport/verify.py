"""Reading emitted files back with Garmin's own FIT decoder (garmin-fit-sdk)."""

from __future__ import annotations

from typing import Any


class VerifyError(Exception):
    """The bytes are not a FIT file that Garmin's decoder reads without errors."""


def decode_fit(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """Decode with garmin-fit-sdk: integrity (header, sizes, CRC) first, then every message."""
    from garmin_fit_sdk import Decoder, Stream

    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    if not decoder.is_fit():
        raise VerifyError("not a FIT file")
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    if not decoder.check_integrity():
        raise VerifyError("FIT integrity check failed (header, size or CRC)")
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    messages, errors = decoder.read(
        apply_scale_and_offset=True,
        convert_datetimes_to_dates=False,
        convert_types_to_strings=True,
        enable_crc_check=True,
        expand_sub_fields=True,
        expand_components=True,
        merge_heart_rates=False,
    )
    if errors:
        raise VerifyError("; ".join(str(e) for e in errors))
    return {str(k): list(v) for k, v in messages.items()}  # type: ignore[call-overload]
