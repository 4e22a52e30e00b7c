"""Indoor rides: FIT's indoor_cycling, cadence in rpm as written, TCX as Biking; and the bike
and swim libraries (workouts/bike, workouts/swim) build, decode and import back."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from test_import import meaning, rebuild_fit
from workoutexport.formats.fit.verify import decode_fit
from workoutexport.formats.tcx.emit import NS
from workoutexport.pipeline import compile_document, emit, load_workout
from workoutexport.profile import EMPTY
from workoutexport.source import parse_text

from conftest import assert_valid_tcx

LIBRARY = Path(__file__).resolve().parent.parent / "workouts"
RIDE = """\
name: Cadence ride
sport: cycling
sub_sport: indoor
steps:
  - warmup: 10min
  - active: 5min
    cadence: 90-100rpm
  - cooldown: 5min
"""


def test_an_indoor_ride_in_fit() -> None:
    data = emit(compile_document(parse_text(RIDE, "ride.yaml"), EMPTY), "fit").data
    msgs = decode_fit(data, raw=True)
    wkt = msgs["workout_mesgs"][0]
    assert (wkt["sport"], wkt["sub_sport"]) == (2, 6)  # cycling, indoor_cycling
    step = msgs["workout_step_mesgs"][1]
    # target_type cadence (3); a rider's rpm is stored as written (a runner's spm is halved).
    assert step["target_type"] == 3
    assert (step["custom_target_value_low"], step["custom_target_value_high"]) == (90, 100)


def test_a_ride_in_tcx_is_biking() -> None:
    data = emit(compile_document(parse_text(RIDE, "ride.yaml"), EMPTY), "tcx").data
    assert_valid_tcx(data)
    root = etree.fromstring(data)
    (workout,) = root.iter(f"{{{NS}}}Workout")
    assert workout.get("Sport") == "Biking"
    # TCX's cadence target is in rpm (Cadence_t), as written.
    low = root.find(f".//{{{NS}}}Low")
    high = root.find(f".//{{{NS}}}High")
    assert low is not None and high is not None
    assert (float(low.text or 0), float(high.text or 0)) == (90, 100)


LIBRARY_FILES = sorted([*LIBRARY.glob("bike/*.yaml"), *LIBRARY.glob("swim/*.yaml")])


def test_the_libraries_are_there() -> None:
    assert [f"{p.parent.name}/{p.name}" for p in LIBRARY_FILES] == [
        "bike/ftp-test.yaml",
        "bike/sweet-spot.yaml",
        "bike/vo2max-intervals.yaml",
        "swim/10x100-send-off.yaml",
        "swim/css-test.yaml",
        "swim/drill-set.yaml",
    ]


@pytest.mark.parametrize("path", LIBRARY_FILES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_each_ride_and_swim_decodes_and_imports_back(path: Path) -> None:
    workout = load_workout(path)
    data = emit(workout, "fit").data
    msgs = decode_fit(data)
    assert msgs["workout_mesgs"][0]["wkt_name"] == workout.name
    assert msgs["workout_mesgs"][0]["num_valid_steps"] == len(msgs["workout_step_mesgs"])
    text, rebuilt = rebuild_fit(data, path.name)
    assert meaning(rebuilt) == meaning(data), text
