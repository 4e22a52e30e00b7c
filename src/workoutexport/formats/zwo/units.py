"""ZWO's numbers: seconds, fractions of FTP (bike) or of a race pace's speed (run).

Run workouts: `pace="i"` picks one of the runner's race paces in Zwift (0 = 1 mile, 1 = 5 km,
2 = 10 km, 3 = half marathon, 4 = marathon) and `Power` is a fraction of that pace's speed.
The profile's named paces of the same names stand for them.
"""

from __future__ import annotations

import math

#: Zwift's race paces by `pace` index, as the profile names them.
RACE_PACES = ("mile", "5k", "10k", "half", "marathon")
#: Decimals a fraction is written with at most.
DECIMALS = 6
#: Relative difference under which two targets are the same (rounding of the written text).
SAME = 1e-6


def number_text(value: float) -> str:
    """A number as ZWO writes it: at most six decimals, no trailing zeros."""
    text = f"{value:.{DECIMALS}f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def close(a: float, b: float) -> bool:
    """Equal up to what the written text can hold."""
    return math.isclose(a, b, rel_tol=SAME, abs_tol=1e-9)


def candidates(value: float) -> list[float]:
    """`value` rounded to 2..6 decimals, shortest first (the first that is exact is written)."""
    out: list[float] = []
    for decimals in range(2, DECIMALS + 1):
        rounded = round(value, decimals)
        if rounded not in out:
            out.append(rounded)
    return out
