"""Paces from a race result (spec 3.1) against Daniels' published values.

Reference: J. Daniels, *Daniels' Running Formula* (3rd ed., Human Kinetics, 2014), the VDOT
tables: a 5 km in 19:57 is VDOT 50; at VDOT 50 the training paces are T 4:15 per km,
I 3:55 per km and R 88 s per 400 m, and the equivalent race times are 10 km 41:21,
half marathon 1:31:35 and marathon 3:10:49. The tables round to the second; our tolerance is
1 s per km (T, I), 1 s per 400 m (R), 0.2 VDOT, and 0.1 % of a race time.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from workoutexport.cli import main
from workoutexport.diagnostics import WorkoutError
from workoutexport.paces import parse_race, race_paces, race_vdot
from workoutexport.pipeline import compile_document, load_profile
from workoutexport.source import parse_text
from workoutexport.units import METRES_PER_MILE, UnitError

VDOT_50 = parse_race("5k 19:57")


def test_5k_in_19_57_is_vdot_50() -> None:
    assert race_vdot(VDOT_50) == pytest.approx(50.0, abs=0.2)


@pytest.mark.parametrize(
    ("name", "per_km"),
    [("threshold", 4 * 60 + 15), ("interval", 3 * 60 + 55)],
)
def test_training_paces_at_vdot_50(name: str, per_km: float) -> None:
    pace = race_paces(VDOT_50)[name]
    assert pace.unit == "km"
    assert pace.fast == pytest.approx(per_km, abs=1.0)


def test_repetition_is_88_seconds_per_400m_at_vdot_50() -> None:
    pace = race_paces(VDOT_50)["repetition"]
    assert pace.fast * 0.4 == pytest.approx(88, abs=1.0)


@pytest.mark.parametrize(
    ("name", "km", "seconds"),
    [
        ("10k", 10, 41 * 60 + 21),
        ("half", 21.0975, 3600 + 31 * 60 + 35),
        ("marathon", 42.195, 3 * 3600 + 10 * 60 + 49),
    ],
)
def test_race_equivalents_at_vdot_50(name: str, km: float, seconds: float) -> None:
    pace = race_paces(VDOT_50)[name]
    assert pace.fast * km == pytest.approx(seconds, rel=0.001)


def test_the_race_itself_comes_back() -> None:
    # The 5k equivalent of a 5k is the race: 19:57 is 239.4 s per km.
    assert race_paces(VDOT_50)["5k"].fast == pytest.approx(239.4, abs=0.01)


def test_mile_is_per_mile_and_easy_is_a_range() -> None:
    paces = race_paces(VDOT_50)
    assert paces["mile"].unit == "mi"
    easy = paces["easy"]
    assert not easy.single
    # 74 % and 59 % of VDOT 50 are 37.0 and 29.5 ml/kg/min: solving
    # -4.60 + 0.182258 v + 0.000104 v^2 for them by hand gives 204.2 and 170.4 m/min.
    assert easy.fast == pytest.approx(1000 / 204.2 * 60, abs=1.0)
    assert easy.slow == pytest.approx(1000 / 170.4 * 60, abs=1.0)


def test_riegel_scales_time_by_distance_to_the_1_06() -> None:
    race = parse_race("10km 40:00")
    paces = race_paces(race, "riegel")
    # 2400 s * (21097.5 / 10000)^1.06 = 2400 * e^(1.06 * 0.746569) = 5295.4 s for the half.
    assert paces["half"].fast * 21.0975 == pytest.approx(5295.4, abs=0.5)
    # The mile, per mile: 2400 * e^(1.06 * ln 0.1609344) = 2400 * 0.144216 = 346.1 s.
    assert paces["mile"].fast == pytest.approx(346.1, abs=0.5)


@pytest.mark.parametrize(
    ("text", "metres", "seconds"),
    [
        ("5k 20:00", 5000, 1200),
        ("1mi 5:40", METRES_PER_MILE, 340),
        ("10km 41:30", 10000, 2490),
        ("half 1:32:00", 21097.5, 5520),
        ("marathon 3:15:00", 42195, 11700),
    ],
)
def test_race_forms(text: str, metres: float, seconds: float) -> None:
    race = parse_race(text)
    assert race.metres == pytest.approx(metres)
    assert race.seconds == seconds


@pytest.mark.parametrize("text", ["5 20:00", "5k", "5k 20", "5k 2:00", "5k 20:75", "mile fast"])
def test_bad_race_results(text: str) -> None:
    with pytest.raises(UnitError):
        parse_race(text)


def test_profile_race_fills_missing_paces_and_paces_win(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text("race: 5k 19:57\npaces:\n  threshold: 4:30/km\n")
    profile = load_profile(path)
    assert profile.paces["threshold"].fast == 270
    assert profile.paces["interval"].fast == pytest.approx(235, abs=1)
    assert set(profile.paces) >= {"mile", "1500m", "5k", "10k", "half", "marathon", "easy"}


def test_profile_race_errors_point_at_the_value(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text("paces: {}\nrace: 5 20:00\n")
    with pytest.raises(WorkoutError) as info:
        load_profile(path)
    assert str(info.value).startswith(f"{path}:2:7: error: ")
    path.write_text("race: 5k 20:00\nrace_model: rigel\n")
    with pytest.raises(WorkoutError) as info:
        load_profile(path)
    assert "did you mean 'riegel'?" in str(info.value)


def test_a_workout_uses_race_paces(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text("race: 5k 19:57\ntolerance:\n  pace: 0s\n")
    profile = load_profile(path)
    doc = parse_text("name: T\nsteps:\n  - run: 20min\n    pace: threshold\n", "w.yaml")
    workout = compile_document(doc, profile)
    target = workout.steps[0].target  # type: ignore[union-attr]
    assert 1000 / target.high_mps == pytest.approx(255, abs=1)  # type: ignore[union-attr]


def test_paces_command() -> None:
    result = CliRunner().invoke(main, ["paces", "5k 19:57"])
    assert result.exit_code == 0
    assert "VDOT 50.0" in result.stdout
    assert "threshold   4:15/km" in result.stdout
    assert "interval    3:55/km" in result.stdout
    bad = CliRunner().invoke(main, ["paces", "5k twenty"])
    assert bad.exit_code == 2
    assert "Traceback" not in bad.output
