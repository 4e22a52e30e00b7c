"""The `ramp` step kind: a power, pace or speed range gone through over a time. FIT and TCX
have no ramp, so their emitters split one into steady slices, one a minute (at most ten), each
targeting its own part of the range; ZWO writes a true ramp."""

from __future__ import annotations

import pytest
from lxml import etree

from workoutexport.diagnostics import WorkoutError
from workoutexport.formats.fit.verify import decode_fit
from workoutexport.formats.tcx.emit import NS
from workoutexport.lint import lint
from workoutexport.pipeline import compile_document, emit
from workoutexport.profile import EMPTY
from workoutexport.source import parse_text

from conftest import assert_valid_tcx

RIDE = """\
name: Ramps
sport: cycling
steps:
  - ramp: 10min
    intensity: warmup
    power: 50-70%ftp
  - repeat: 2
    steps:
      - active: 5min
        power: 90-95%ftp
      - ramp: 3min
        power: 200-140W
  - ramp: 90s
    power: 60-80%ftp
"""


def _fit_steps(text: str) -> list[dict[str, object]]:
    data = emit(compile_document(parse_text(text, "ramp.yaml"), EMPTY), "fit").data
    msgs = decode_fit(data, raw=True)
    return sorted(msgs["workout_step_mesgs"], key=lambda m: int(m["message_index"]))


def test_a_ramp_becomes_one_fit_step_a_minute_each_with_its_part_of_the_range() -> None:
    steps = _fit_steps(RIDE)
    # 10 slices for the 10 min warm-up, the 5 min step, 3 slices, the repeat, 2 slices.
    assert len(steps) == 10 + 1 + 3 + 1 + 2
    for i, step in enumerate(steps[:10]):
        # 50 → 70 % FTP over ten minutes: 2 % a minute; intensity warmup (2), 60 000 ms each.
        assert step["intensity"] == 2
        assert step["duration_value"] == 60_000
        low, high = step["custom_target_value_low"], step["custom_target_value_high"]
        assert (low, high) == (50 + 2 * i, 52 + 2 * i)
    # Falling watts (written 200-140W): 200→180, 180→160, 160→140, stored as watts + 1000.
    powers = [(s["custom_target_value_low"], s["custom_target_value_high"]) for s in steps[11:14]]
    assert powers == [(1180, 1200), (1160, 1180), (1140, 1160)]
    assert [s["intensity"] for s in steps[11:14]] == [0, 0, 0]  # active
    # The repeat goes back to the first step inside it (index 10), twice.
    repeat = steps[14]
    assert (repeat["duration_value"], repeat["target_value"]) == (10, 2)
    # 90 s rounds to two slices of 45 s: 60→70 and 70→80.
    assert [s["duration_value"] for s in steps[15:]] == [45_000, 45_000]
    assert [(s["custom_target_value_low"], s["custom_target_value_high"]) for s in steps[15:]] == [
        (60, 70),
        (70, 80),
    ]


def test_a_long_ramp_is_ten_slices_and_their_times_add_up() -> None:
    text = "name: Long\nsport: cycling\nsteps:\n  - ramp: 25min\n    power: 100-200W\n"
    steps = _fit_steps(text)
    # 25 min in ten slices of 150 s; 10 W each.
    assert [s["duration_value"] for s in steps] == [150_000] * 10
    assert steps[0]["custom_target_value_low"] == 1100
    assert steps[-1]["custom_target_value_high"] == 1200


def test_a_pace_ramp_in_tcx_speeds_up_when_written_slow_to_fast() -> None:
    text = "name: Build\nsport: running\nsteps:\n  - ramp: 2min\n    pace: 6:00-5:00/km\n"
    data = emit(compile_document(parse_text(text, "ramp.yaml"), EMPTY), "tcx").data
    assert_valid_tcx(data)
    root = etree.fromstring(data)
    lows = [float(e.text or 0) for e in root.iter(f"{{{NS}}}LowInMetersPerSecond")]
    highs = [float(e.text or 0) for e in root.iter(f"{{{NS}}}HighInMetersPerSecond")]
    # 6:00/km = 1000/360 = 2.778 m/s, 5:00/km = 3.333 m/s; the middle is 3.056 m/s.
    assert lows == pytest.approx([2.778, 3.056], abs=0.001)
    assert highs == pytest.approx([3.056, 3.333], abs=0.001)


def test_a_ramp_written_high_to_low_is_not_warned_as_reversed() -> None:
    doc = parse_text(RIDE, "ramp.yaml")
    assert [d for d in lint(doc) if "high to low" in d.message] == []


@pytest.mark.parametrize(
    ("step", "where", "says"),
    [
        ("  - ramp: 2km\n    power: 50-70%ftp\n", "4:11", "a ramp lasts a time"),
        ("  - ramp: 5min\n    power: 70%ftp\n", "5:12", "a ramp goes through a power"),
        ("  - ramp: 5min\n    hr: 120-150bpm\n", "5:9", "a ramp goes through a power"),
        ("  - ramp: 5min\n", "4:11", "a ramp goes through a power"),
    ],
)
def test_what_is_not_a_ramp_is_refused_where_it_is_written(
    step: str, where: str, says: str
) -> None:
    text = "name: Bad\nsport: cycling\nsteps:\n" + step
    with pytest.raises(WorkoutError) as info:
        compile_document(parse_text(text, "bad.yaml"), EMPTY)
    shown = [f"{d.position.line}:{d.position.col} {d.message}" for d in info.value.diagnostics]
    assert any(d.startswith(f"{where} {says}") for d in shown), shown
