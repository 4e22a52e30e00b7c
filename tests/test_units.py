"""The unit parsers, one written form at a time: what people write -> SI numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from workoutexport import units as u
from workoutexport.cli import main

MILE = 1609.344


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", u.TimeSpan(90, 90)),
        ("45 sec", u.TimeSpan(45, 45)),
        ("10min", u.TimeSpan(600, 600)),
        ("10 mins", u.TimeSpan(600, 600)),
        ("1h", u.TimeSpan(3600, 3600)),
        ("1h30min", u.TimeSpan(5400, 5400)),
        ("1 hr 30 min", u.TimeSpan(5400, 5400)),
        ("1min30s", u.TimeSpan(90, 90)),
        ("1.5min", u.TimeSpan(90, 90)),
        ("10MIN", u.TimeSpan(600, 600)),
        ("1:30", u.TimeSpan(90, 90)),
        ("1:05:00", u.TimeSpan(3900, 3900)),
        ("400m", u.DistanceSpan(400, 400)),
        ("400 m", u.DistanceSpan(400, 400)),
        ("1.5km", u.DistanceSpan(1500, 1500)),
        ("5k", u.DistanceSpan(5000, 5000)),
        ("1mi", u.DistanceSpan(MILE, MILE)),
        ("200yd", u.DistanceSpan(182.88, 182.88)),
        ("lap", u.LapButton()),
        ("hr < 130bpm", u.HrCondition(False, 130, "bpm")),
        ("hr>160bpm", u.HrCondition(True, 160, "bpm")),
        ("hr < 75%max", u.HrCondition(False, 75, "%max")),
        ("300kcal", u.Calories(300)),
        ("60-90s", u.TimeSpan(60, 90)),
        ("10-15min", u.TimeSpan(600, 900)),
        ("10-15 min", u.TimeSpan(600, 900)),
        ("1-2km", u.DistanceSpan(1000, 2000)),
        ("1:00-1:30", u.TimeSpan(60, 90)),
        ("90-60s", u.TimeSpan(60, 90)),
    ],
)
def test_durations(text: str, expected: u.DurationSpec) -> None:
    got = u.parse_duration(text)
    assert type(got) is type(expected)
    if isinstance(expected, u.TimeSpan | u.DistanceSpan):
        assert got.low == pytest.approx(expected.low)  # type: ignore[union-attr]
        assert got.high == pytest.approx(expected.high)  # type: ignore[union-attr]
    else:
        assert got == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (400, "'400' has no unit"),
        ("400", "'400' has no unit"),
        (1.5, "'1.5' has no unit"),
        ("0s", "a duration must be greater than zero"),
        ("-5min", "cannot be negative"),
        ("1h30m", "'m' is a distance; minutes are written 'min'"),
        ("30min1h", "write the larger unit first"),
        ("4:75", "seconds below 60"),
        ("1:5", "seconds below 60"),
        ("1:60:00", "h:mm:ss"),
        ("hr < 300bpm", "heart rate must be between 25 and 250 bpm"),
        ("hr < 130", "write a heart-rate condition"),
        ("1km-5min", "a range must be all time or all distance"),
        ("ten minutes", "cannot read duration"),
        (None, "got nothing"),
        (True, "got true"),
        ("", "empty"),
    ],
)
def test_bad_durations(value: object, message: str) -> None:
    with pytest.raises(u.UnitError, match=None) as info:
        u.parse_duration(value)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("text", "fast", "slow", "unit", "single"),
    [
        ("4:00/km", 240, 240, "km", True),
        ("4:00 /km", 240, 240, "km", True),
        ("4:00 min/km", 240, 240, "km", True),
        ("6:30-6:40/mi", 390, 400, "mi", False),
        ("6:40-6:30/mi", 390, 400, "mi", False),
        ("6:30/mile", 390, 390, "mi", True),
        ("5:12.5/km", 312.5, 312.5, "km", True),
    ],
)
def test_absolute_paces(text: str, fast: float, slow: float, unit: str, single: bool) -> None:
    assert u.parse_pace(text) == u.AbsolutePace(fast, slow, unit, single)  # type: ignore[arg-type]


def test_named_and_percent_paces() -> None:
    assert u.parse_pace("threshold") == u.NamedPace("threshold")
    assert u.parse_pace("110% mile") == u.NamedPace("mile", 110, 110)
    assert u.parse_pace("95-100% threshold") == u.NamedPace("threshold", 95, 100)
    assert u.parse_pace("5k") == u.NamedPace("5k")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("4:75/km", "seconds must be two digits below 60"),
        ("4:30", "say per what"),
        ("fast!", "cannot read pace"),
        ("500% mile", "between 10% and 300%"),
        (4, "has no unit"),
    ],
)
def test_bad_paces(value: object, message: str) -> None:
    with pytest.raises(u.UnitError) as info:
        u.parse_pace(value)
    assert message in str(info.value)


def test_targets() -> None:
    assert u.parse_hr("Z2") == u.Zone(2)
    assert u.parse_hr("150 bpm") == u.Window(150, 150, "bpm", True)
    assert u.parse_hr("80-70%max") == u.Window(70, 80, "%max", False)
    assert u.parse_hr("95-100%lthr") == u.Window(95, 100, "%lthr", False)
    speed = u.parse_speed("9-10mph")
    assert speed.low == pytest.approx(9 * MILE / 3600) and not speed.single
    assert u.parse_speed("15km/h").low == pytest.approx(15 / 3.6)
    assert u.parse_cadence("180spm") == u.Window(180, 180, "spm", True)
    assert u.parse_cadence("85-95rpm") == u.Window(85, 95, "rpm", False)
    assert u.parse_power("250W") == u.Window(250, 250, "W", True)
    assert u.parse_power("90-95%ftp") == u.Window(90, 95, "%ftp", False)
    assert u.parse_power("z7") == u.Zone(7)
    assert u.parse_weight("20lb").kg == pytest.approx(9.0718474)
    assert u.parse_count("6-8") == u.Count(6, 8)
    assert u.parse_count(8) == u.Count(8, 8)


@pytest.mark.parametrize(
    ("parser", "value", "message"),
    [
        (u.parse_hr, "300bpm", "between 25 and 250"),
        (u.parse_hr, "150", "has no unit"),
        (u.parse_hr, "z6", "zones are z1 to z5"),
        (u.parse_hr, "101%max", "between 1 and 100"),
        (u.parse_cadence, "400spm", "not humanly possible"),
        (u.parse_power, "z8", "zones are z1 to z7"),
        (u.parse_power, "5000W", "not a human power output"),
        (u.parse_speed, "500km/h", "faster than 100 m/s"),
        (u.parse_count, 0, "at least 1"),
        (u.parse_count, 2.5, "whole number"),
        (u.parse_count, "many", "repeat count"),
        (u.parse_weight, "10", "cannot read weight"),
    ],
)
def test_bad_targets(parser: object, value: object, message: str) -> None:
    with pytest.raises(u.UnitError) as info:
        parser(value)  # type: ignore[operator]
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (59 * 60 + 59, "59:59"),
        (99 * 3600 + 59 * 60 + 59, "99:59:59"),
        (100 * 3600, "4 days 4 h"),
        (24 * 3600 * 5, "5 days"),
        # 1,000 x 1,000 x 400 km at 4:00/km: 26,666,666.7 hours = 1,111,111 days and 3 hours
        (1000 * 1000 * 400 * 240, "1,111,111 days 3 h"),
    ],
)
def test_show_prints_absurd_totals_in_days_not_a_19_digit_clock(seconds: float, text: str) -> None:
    assert u.format_seconds(seconds) == text


@pytest.mark.parametrize(
    ("metres", "text"),
    [
        (400, "400m"),
        (1500, "1.5km"),
        (1234, "1.23km"),
        (10_000_000, "10,000km"),
        (400_000_000_000, "400,000,000km"),
        (400_000_000_123, "400,000,000.12km"),
    ],
)
def test_show_prints_large_distances_without_e_notation(metres: float, text: str) -> None:
    assert u.format_distance(metres) == text


def test_show_totals_of_an_absurd_workout_are_readable(tmp_path: Path) -> None:
    src = tmp_path / "big.yaml"
    src.write_text(
        "name: Big\nsteps:\n  - repeat: 1000\n    steps:\n      - repeat: 1000\n"
        "        steps:\n          - run: 26.2mi\n"
    )
    result = CliRunner().invoke(main, ["show", str(src)])
    assert result.exit_code == 0, result.output
    assert "total distance: 26,200,000mi" in result.output
    assert "+ 1,000,000 step(s) without a set time" in result.output
    assert "e+" not in result.output
