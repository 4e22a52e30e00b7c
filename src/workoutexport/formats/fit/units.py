"""FIT's stored units: what a step-tree value (SI) becomes in a FIT file, and back.

The emitter, the reader and the YAML writer (which must write back exactly what a file
stored) all scale with these numbers.
"""

from __future__ import annotations

from ..common import outward

MS_PER_S = 1000  # durations: milliseconds
CM_PER_M = 100  # distances: centimetres
MMPS_PER_MPS = 1000  # speeds: millimetres per second
WEIGHT_SCALE = 100  # exercise weight: 1/100 kg
HR_OFFSET = 100  # heart rate: bpm + 100; 0..100 is percent of maximum
POWER_OFFSET = 1000  # power: W + 1000; 0..1000 is percent of FTP
MAX_PERCENT_FTP = POWER_OFFSET  # a larger %FTP would read as watts


def milliseconds(seconds: float) -> int:
    """A duration as FIT stores it."""
    return round(seconds * MS_PER_S)


def centimetres(metres: float) -> int:
    """A distance as FIT stores it."""
    return round(metres * CM_PER_M)


def weight_raw(kg: float) -> int:
    """An exercise weight as FIT stores it."""
    return round(kg * WEIGHT_SCALE)


def speed_raw(low_mps: float, high_mps: float) -> tuple[int, int]:
    """A speed window as FIT stores it: mm/s, low = slower, low at least 1."""
    return outward(max(low_mps * MMPS_PER_MPS, 1), high_mps * MMPS_PER_MPS)
