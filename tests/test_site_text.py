"""The site's words for runners: times, distances and sessions as a coach writes them."""

from __future__ import annotations

import pytest

from workoutexport import steps as s
from workoutexport.site_text import amount_text, distance_text, main_set, spaced, time_text


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (30, "30 s"),
        (59.6, "1 min"),
        (150, "2:30"),
        (240, "4 min"),
        (599, "9:59"),
        # From 10 minutes, to the whole minute: 52.49 min (what `progress` makes) is 52 min.
        (52.49 * 60, "52 min"),
        (3600, "1 h 00 min"),
        (3 * 3600 + 7 * 60 + 31, "3 h 08 min"),
        (float("inf"), "too long to count"),
    ],
)
def test_time_text(seconds: float, shown: str) -> None:
    assert time_text(seconds) == shown


@pytest.mark.parametrize(
    ("metres", "unit", "shown"),
    [
        (400, None, "400 m"),
        (8780, None, "8.8 km"),
        (7000, "km", "7 km"),
        # 5.83 mi (a 5 mi long run up 8 % a week, twice) to a tenth of a mile.
        (5.83 * 1609.344, "mi", "5.8 mi"),
        (100 * 0.9144, "yd", "100 yd"),
    ],
)
def test_distance_text(metres: float, unit: str | None, shown: str) -> None:
    assert distance_text(metres, unit) == shown


def test_amount_and_spacing() -> None:
    assert amount_text(45 * 60, 7840) == "45 min · 7.8 km"
    assert amount_text(0, 0) == ""
    assert spaced("pace 5:30-6:00/km, 400m, 5.4mi, 60-90s, 150bpm") == (
        "pace 5:30-6:00/km, 400 m, 5.4 mi, 60-90 s, 150 bpm"
    )


def _run(duration: s.Duration, written: str | None = None) -> s.Step:
    return s.Step(intensity=s.Intensity.ACTIVE, duration=duration, written=written)


def test_main_set_is_the_session_in_its_own_values() -> None:
    warm = s.Step(intensity=s.Intensity.WARMUP, duration=s.Time(seconds=900))
    cool = s.Step(intensity=s.Intensity.COOLDOWN, duration=s.Time(seconds=600))
    jog = s.Step(intensity=s.Intensity.RECOVERY, duration=s.Time(seconds=60))
    repeats = s.Repeat(count=6, steps=(_run(s.Distance(metres=400)), jog))
    intervals = s.Workout(name="400s", sport=s.Sport.RUNNING, steps=(warm, repeats, cool))
    assert main_set(intervals) == "6 \u00d7 400 m"  # a multiplication sign
    long_run = s.Workout(
        name="Long",
        sport=s.Sport.RUNNING,
        steps=(_run(s.Distance(metres=5.4 * 1609.344), "5.4mi"), cool),
    )
    assert main_set(long_run) == "5.4 mi"
    easy = s.Workout(name="Easy", sport=s.Sport.RUNNING, steps=(_run(s.Time(seconds=2700)),))
    assert main_set(easy) == "45 min"
