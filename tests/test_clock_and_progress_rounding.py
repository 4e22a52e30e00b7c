"""Edges that mutation testing found unguarded (issue 18): the last second of a clock time,
and `progress` rounding half up where Python's round() would round half to even."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from workoutexport import units
from workoutexport.cli import main

from conftest import decoded


@pytest.mark.parametrize("text", ["1:60", "0:60", "4:99"])
def test_a_clock_time_refuses_sixty_seconds(text: str) -> None:
    with pytest.raises(units.UnitError, match="seconds below 60"):
        units.parse_duration(text)


def test_a_clock_time_takes_fifty_nine_seconds() -> None:
    # 1 min 59 s: the last second m:ss can write.
    assert units.parse_duration("1:59") == units.TimeSpan(119.0, 119.0)


def test_a_step_of_sixty_seconds_is_an_error_at_its_line(tmp_path: Path) -> None:
    workout = tmp_path / "w.yaml"
    workout.write_text("name: W\nsteps:\n  - warmup: 10min\n  - run: 1:60\n")
    result = CliRunner().invoke(main, ["build", str(workout), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"{workout}:4:10: error:" in result.stderr
    assert "seconds below 60" in result.stderr
    assert not (tmp_path / "out").exists()


REPS = """\
name: Reps
vars:
  reps: 3
  strides: 1:03
steps:
  - repeat: ${reps}
    steps:
      - run: 400m
      - recover: 200m
  - run: ${strides}
"""

# 50 % a week: factors 1, 1.5, 2.25, 3.375, all exact in binary, so the products below are
# exact too and the halves are true halves.
PLAN = """\
name: Rounding
start: 2027-01-04
weeks:
  - repeat: 4
    progress: {reps: 50%, strides: 50%}
    days:
      mon: reps.yaml
"""


def test_progress_rounds_halves_up(tmp_path: Path) -> None:
    (tmp_path / "reps.yaml").write_text(REPS)
    (tmp_path / "plan.yaml").write_text(PLAN)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(tmp_path / "plan.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    got = []
    # The four Mondays' files, in order, as the schedule points at them (one file per
    # distinct session, found by its file_id's serial number).
    files = {
        decoded(p.read_bytes())["file_id_mesgs"][0]["serial_number"]: p
        for p in (out / "plan").glob("reps*.fit")
    }
    schedule = decoded((out / "plan" / "plan-schedule.fit").read_bytes())["schedule_mesgs"]
    assert len(schedule) == 4
    for entry in schedule:
        steps = decoded(files[entry["serial_number"]].read_bytes())["workout_step_mesgs"]
        repeat = next(s for s in steps if s["duration_type"] == "repeat_until_steps_cmplt")
        last = steps[-1]
        assert last["duration_type"] == "time"
        got.append((repeat["target_value"], last["duration_time"]))
    # reps:    3, 3 * 1.5 = 4.5 -> 5, 3 * 2.25 = 6.75 -> 7, 3 * 3.375 = 10.125 -> 10
    # strides: 63 s, 94.5 s -> 95 s, 141.75 s -> 142 s, 212.625 s -> 213 s
    # round() would give 4 reps and 94 s in week 2 (half to even).
    assert got == [(3, 63.0), (5, 95.0), (7, 142.0), (10, 213.0)]
