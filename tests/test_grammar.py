"""One table of spellings, held against both halves of each written form: the parser the tool
uses and the JSON-Schema pattern editors use. They must agree on every line, except where the
schema is looser by a rule a regex cannot say; those lines name the rule, and the rule must be
one the form lists (and the README repeats)."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from workoutexport import units as u
from workoutexport.schema import workout_schema

ACCEPT = True
REJECT = False

# (form, value, ACCEPT / REJECT / the looser rule under which only the schema accepts)
CASES: list[tuple[u.Form, object, bool | str]] = [
    # durations
    *[
        (u.DURATION, v, ACCEPT)
        for v in [
            "90s",
            "45 sec",
            "10min",
            "10 MIN",
            "1h30min",
            "1 h 30 min",
            "1hr30mins15s",
            "1.5min",
            ".5h",
            "1:30",
            "1:05:00",
            "400m",
            "400 m",
            "1.5km",
            "5k",
            "1mi",
            "2 miles",
            "200yd",
            "lap",
            "LAP",
            "lap button",
            "open",
            "hr < 130bpm",
            "hr>160bpm",
            "hr < 75%max",
            "heart rate < 130bpm",
            "heartrate > 150 bpm",
            "300kcal",
            "300 calories",
            "60-90s",
            "10-15min",
            "10 - 15 min",
            "1-2km",
            "1:00-1:30",
            "1min-1:30",
            "1-1:30",
            "400m-1km",
            "  10min  ",
        ]
    ],
    *[
        (u.DURATION, v, REJECT)
        for v in [
            "400",
            "10",
            "",
            "   ",
            "1:5",
            "1:75",
            "1:60:00",
            "1:05:60",
            "10 minutes later",
            "1h30m",
            "30min1h",
            "1h1h",
            "1km-10min",
            "10min-1km",
            "1-2",
            "hr < 130",
            "hr = 130bpm",
            "lapbutton",
            "-5min",
            "5 furlongs",
            "1.5-1:30",
        ]
    ],
    (u.DURATION, "0s", "the value is greater than zero"),
    (u.DURATION, "0:00", "the value is greater than zero"),
    (u.DURATION, "hr < 300bpm", "a heart rate is 25-250 bpm or 1-100 %max"),
    (u.DURATION, "hr < 101%max", "a heart rate is 25-250 bpm or 1-100 %max"),
    # paces
    *[
        (u.PACE, v, ACCEPT)
        for v in [
            "4:00/km",
            "4:00 /km",
            "4:00 min/km",
            "4:00MIN/KM",
            "6:30-6:40/mi",
            "6:30 - 6:40 / mile",
            "4:05.5/km",
            "threshold",
            "marathon_pace",
            "10k",
            "110% mile",
            "110%mile",
            "95-100% threshold",
            "110% of mile",
        ]
    ],
    *[
        (u.PACE, v, REJECT)
        for v in [
            "4:75/km",
            "4:5/km",
            "4:00",
            "4:00/m",
            "4:00/miles",
            "400",
            "1.5",
            "",
            "110%",
            "mile/2",
            "fast pace",
            "4:00-/km",
        ]
    ],
    (u.PACE, "0:00/km", "the value is greater than zero"),
    (u.PACE, "500% mile", "a percentage of a pace is 10-300%"),
    # speeds
    *[(u.SPEED, v, ACCEPT) for v in ["15km/h", "14-15km/h", "9mph", "4.2m/s", "15 KPH"]],
    *[(u.SPEED, v, REJECT) for v in ["15", "15kmh", "15 km / h", "fast"]],
    (u.SPEED, "0km/h", "the value is greater than zero"),
    (u.SPEED, "400km/h", "a speed is at most 100 m/s"),
    # heart rate
    *[
        (u.HEART_RATE, v, ACCEPT)
        for v in [
            "z1",
            "Z5",
            "zone 3",
            "Zone3",
            "z05",
            "150bpm",
            "140-150bpm",
            "140 - 150 BPM",
            "85%max",
            "70-80% max",
            "95-100%lthr",
        ]
    ],
    *[(u.HEART_RATE, v, REJECT) for v in ["z6", "z0", "zone", "150", "140-150", "85%"]],
    (u.HEART_RATE, "300bpm", "a heart rate is 25-250 bpm, 1-100 %max or at most 150 %lthr"),
    (u.HEART_RATE, "0bpm", "the value is greater than zero"),
    # cadence
    *[(u.CADENCE, v, ACCEPT) for v in ["180spm", "175-185spm", "90rpm", "90 RPM"]],
    *[(u.CADENCE, v, REJECT) for v in ["180", "180 steps", "z3"]],
    (u.CADENCE, "400spm", "a cadence is at most 300 spm or 250 rpm"),
    # power
    *[
        (u.POWER, v, ACCEPT)
        for v in ["250W", "250 watts", "240-260W", "90-95%ftp", "90 % FTP", "z7", "zone 1"]
    ],
    *[(u.POWER, v, REJECT) for v in ["z8", "250", "250kw", "90%"]],
    (u.POWER, "5000W", "a power is at most 3000 W or 1000 %ftp"),
    # repeat counts
    *[(u.COUNT, v, ACCEPT) for v in [8, "8", "6-8", "6 - 8", "8x", "8 x", "8 times", "6-8x"]],
    *[(u.COUNT, v, REJECT) for v in [0, -1, "eight", "8X", "8 TIMES", "x8", "1.5", ""]],
    (u.COUNT, "0", "a count is at least 1"),
    # conditional repeats (FIT only)
    *[
        (u.COUNT, v, ACCEPT)
        for v in [
            "until 20min",
            "until 5km",
            "until 300kcal",
            "until hr > 170bpm",
            "until hr < 130bpm",
            "until power > 250W",
            "until power < 150 watts",
            "until 1:30",
        ]
    ],
    *[(u.COUNT, v, REJECT) for v in ["until", "until lap", "untill 20min", "until power > 9"]],
    (u.COUNT, "until hr > 300bpm", "a heart rate is 25-250 bpm or 1-100 %max"),
    # weights
    *[(u.WEIGHT, v, ACCEPT) for v in ["12kg", "12.5 kg", "20lb", "20 LBS"]],
    *[(u.WEIGHT, v, REJECT) for v in ["12", "12 stone", "heavy"]],
    (u.WEIGHT, "700kg", "a weight is at most 600 kg"),
]


def _document(form: u.Form, value: object) -> dict[str, Any]:
    """The smallest workout that puts `value` where `form` is written."""
    if form is u.DURATION:
        return {"name": "t", "steps": [{"run": value}]}
    if form is u.COUNT:
        return {"name": "t", "steps": [{"repeat": value, "steps": [{"run": "1min"}]}]}
    if form is u.WEIGHT:
        step = {"exercise": "squat", "reps": 5, "weight": value}
        return {"name": "t", "sport": "strength", "steps": [step]}
    key = {u.PACE: "pace", u.SPEED: "speed", u.HEART_RATE: "hr", u.CADENCE: "cadence"}.get(
        form, "power"
    )
    return {"name": "t", "steps": [{"run": "1min", key: value}]}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(workout_schema())


def _parses(form: u.Form, value: object) -> bool:
    try:
        form.parse(value)
    except u.UnitError:
        return False
    return True


@pytest.mark.parametrize(
    ("form", "value", "expected"),
    CASES,
    ids=[f"{form.name}:{value!r}" for form, value, _ in CASES],
)
def test_parser_and_schema_agree(
    form: u.Form, value: object, expected: bool | str, validator: jsonschema.Draft202012Validator
) -> None:
    schema_ok = validator.is_valid(_document(form, value))
    if isinstance(expected, str):
        assert expected in form.looser, f"'{expected}' is not a listed looser rule"
        assert not _parses(form, value), "listed as looser, but the parser accepts it"
        assert schema_ok, "listed as looser, but the schema rejects it"
        return
    assert _parses(form, value) is expected
    assert schema_ok is expected


def test_every_form_is_in_the_table() -> None:
    assert {form.name for form, _, _ in CASES} == {form.name for form in u.FORMS}


def test_variables_pass_the_schema(validator: jsonschema.Draft202012Validator) -> None:
    for form in u.FORMS:
        assert validator.is_valid(_document(form, "${x}")), form.name
