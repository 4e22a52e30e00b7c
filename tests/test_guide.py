"""The shipped sessions do what the guide says (issue: the library as the guide says).

Paces here come from workouts/profile.yaml: mile 6:00/mi, i.e. 1609.344 m / 360 s = 4.470 m/s.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from workoutexport import steps as s
from workoutexport.pipeline import load_workout

LIBRARY = Path(__file__).resolve().parent.parent / "workouts"
MILE_MPS = 1609.344 / 360


def _runs(workout: s.Workout) -> list[s.Step]:
    out: list[s.Step] = []
    stack: list[s.Node] = list(workout.steps)
    while stack:
        node = stack.pop()
        if isinstance(node, s.Repeat):
            stack.extend(node.steps)
        elif isinstance(node, s.Step) and node.intensity is s.Intensity.ACTIVE:
            out.append(node)
    return out


def _repeat(workout: s.Workout) -> s.Repeat:
    return next(n for n in workout.steps if isinstance(n, s.Repeat))


def test_tabata_runs_10_percent_faster_than_mile_pace() -> None:
    (run,) = _runs(load_workout(LIBRARY / "tabata.yaml"))
    assert isinstance(run.target, s.SpeedTarget)
    middle = (run.target.low_mps + run.target.high_mps) / 2
    # 110 % of 6:00/mi is 5:27/mi (4.917 m/s); the window is +-5 s per mile around it.
    assert middle == pytest.approx(MILE_MPS * 1.10, rel=0.01)
    assert run.duration == s.Time(seconds=20)


def test_straights_are_faster_than_mile_pace() -> None:
    (straight,) = _runs(load_workout(LIBRARY / "fast-straights.yaml"))
    assert isinstance(straight.target, s.SpeedTarget)
    assert straight.target.low_mps > MILE_MPS


@pytest.mark.parametrize(("pick", "reps"), [("low", 6), ("high", 8)])
def test_treadmill_hills_are_6_to_8_times_30_seconds(pick: str, reps: int) -> None:
    workout = load_workout(LIBRARY / "treadmill-hills.yaml", pick=pick)  # type: ignore[arg-type]
    assert _repeat(workout).count == reps
    (run,) = _runs(workout)
    assert run.duration == s.Time(seconds=30)
    assert "10%" in (run.name or "")


@pytest.mark.parametrize(
    ("overrides", "pick", "miles"),
    [
        ({}, "low", 4),
        ({}, "high", 6),
        ({"distance": "8-12mi"}, "low", 8),
        ({"distance": "8-12mi"}, "high", 12),
    ],
)
def test_long_run_for_beginners_and_experienced(
    overrides: dict[str, str], pick: str, miles: float
) -> None:
    workout = load_workout(LIBRARY / "long-run.yaml", overrides=overrides, pick=pick)  # type: ignore[arg-type]
    (run,) = _runs(workout)
    assert run.duration == s.Distance(metres=pytest.approx(miles * 1609.344))  # type: ignore[arg-type]
