"""TCX's stored units: whole seconds, metres and heart rates; speeds in mm/s, as FIT's.

The schema allows any decimals of m/s, but a watch keeps a workout's speeds in whole mm/s (its
FIT form), so finer decimals say nothing it can follow. Writing the FIT window here too gives
one workout the same speeds in both files, and lets import give back a short pace
(5:14.3/km, not 5:14.2857/km) that builds to the very same file.
"""

from __future__ import annotations

from ..fit.units import MMPS_PER_MPS, speed_raw

#: Cadence is written with up to six decimals (half strides stay exact).
CADENCE_DECIMALS = 6


def speed_window(low_mps: float, high_mps: float) -> tuple[float, float]:
    """A speed window (m/s) as the TCX emitter writes it: whole mm/s rounded outwards, the
    slow end at least 1 mm/s (FIT's window)."""
    low, high = speed_raw(low_mps, high_mps)
    return low / MMPS_PER_MPS, high / MMPS_PER_MPS


def speed_text(mps: float) -> str:
    """The text of a speed from `speed_window` in the file: '3.183', '4'."""
    return f"{mps:.3f}".rstrip("0").rstrip(".")


def decimal(value: float) -> float:
    """A cadence as the TCX emitter writes it."""
    return round(value, CADENCE_DECIMALS)


def decimal_text(value: float) -> str:
    """The text of `decimal(value)` in the file."""
    return repr(decimal(value))


def same_speed(candidate: float, stored: float, is_low: bool) -> bool:
    """Whether `candidate` (m/s), as the slow (`is_low`) or fast end of a window, is written
    as the same speed as `stored`."""
    if is_low:
        return speed_window(candidate, candidate)[0] == speed_window(stored, stored)[0]
    return speed_window(candidate, candidate)[1] == speed_window(stored, stored)[1]
