"""TCX's stored units: whole seconds, metres and heart rates, speeds to six decimals."""

from __future__ import annotations

SPEED_DECIMALS = 6


def decimal(value: float) -> float:
    """A speed (or cadence) as the TCX emitter writes it."""
    return round(value, SPEED_DECIMALS)


def decimal_text(value: float) -> str:
    """The text of `decimal(value)` in the file."""
    return repr(decimal(value))
