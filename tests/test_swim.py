"""Pool swims in FIT: every file decoded by garmin-fit-sdk and compared with values worked
out by hand from Garmin's FIT profile (sport swimming 5, sub_sport lap_swimming 17,
pool_length in metres x 100, display_measure metric 0 / statute 1, wkt_step_duration
repetition_time 28, wkt_step_target swim_stroke 11, swim_stroke freestyle 0 .. im 6,
workout_equipment swim_fins 1 .. swim_snorkel 5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from test_import import meaning
from workoutexport.cli import main
from workoutexport.diagnostics import WorkoutError
from workoutexport.formats.fit.reader import read_fit
from workoutexport.formats.fit.verify import decode_fit
from workoutexport.importers.yaml_out import to_yaml
from workoutexport.pipeline import compile_document, emit
from workoutexport.profile import EMPTY
from workoutexport.source import parse_text

SDK_SWIM = Path(__file__).parent / "files" / "fit-sdk" / "pool-swim.fit"

TEN_BY_100 = """\
name: 10 x 100 on 1:45
sport: swimming
pool: 25yd
steps:
  - warmup: 200yd
    stroke: choice
  - drill: 4 lengths
    equipment: kickboard
  - repeat: 10
    steps:
      - swim: 100yd
        stroke: free
        secondary: {pace: 1:30/100yd}
      - rest: until 1:45
  - rest: 20s
  - rest: lap
  - cooldown: 100yd
    stroke: back
"""


def build(text: str) -> dict[str, list[dict[str, Any]]]:
    workout = compile_document(parse_text(text, "swim.yaml"), EMPTY)
    return decode_fit(emit(workout, "fit").data, raw=True)


def errors(text: str, fmt: str = "fit") -> list[str]:
    with pytest.raises(WorkoutError) as info:
        workout = compile_document(parse_text(text, "swim.yaml"), EMPTY)
        emit(workout, fmt)
    return [d.format() for d in info.value.diagnostics]


def test_a_pool_swim_in_yards_as_garmin_stores_it() -> None:
    msgs = build(TEN_BY_100)
    wkt = msgs["workout_mesgs"][0]
    # 25 yd = 22.86 m, stored x 100; statute.
    assert (wkt["sport"], wkt["sub_sport"]) == (5, 17)
    assert (wkt["pool_length"], wkt["pool_length_unit"]) == (2286, 1)
    steps = sorted(msgs["workout_step_mesgs"], key=lambda m: m["message_index"])
    got = [
        (
            m["duration_type"],
            m.get("duration_value"),
            m.get("target_type"),
            m.get("target_value"),
            m.get("intensity"),
            m.get("equipment"),
        )
        for m in steps
    ]
    assert got == [
        (1, 18288, 11, 255, 2, None),  # 200 yd = 182.88 m, any stroke, warm-up
        (1, 9144, 11, 4, 0, 2),  # 4 lengths of 22.86 m, drill, kickboard
        (1, 9144, 11, 0, 0, None),  # 100 yd, freestyle
        (28, 105000, 2, 0, 1, None),  # send-off 1:45 in ms, rest
        (6, 2, None, 10, None, None),  # repeat from step 2, ten times (as Connect writes)
        (0, 20000, 2, 0, 1, None),
        (5, None, 2, 0, 1, None),
        (1, 9144, 11, 1, 3, None),  # backstroke cool-down
    ]
    # 1:30/100yd = 91.44 m / 90 s = 1.016 m/s, with the profile's 5 s tolerance each way:
    # 91.44 / 95 = 0.9625 m/s and 91.44 / 85 = 1.0758 m/s, stored in mm/s (widened outward).
    free = steps[2]
    assert free["secondary_target_type"] == 0
    assert (
        free["secondary_custom_target_value_low"],
        free["secondary_custom_target_value_high"],
    ) == (
        962,
        1076,
    )


@pytest.mark.parametrize(("pool", "raw", "unit"), [("25m", 2500, 0), ("50m", 5000, 0)])
def test_metric_pools(pool: str, raw: int, unit: int) -> None:
    text = f"name: s\nsport: swimming\npool: {pool}\nsteps:\n  - swim: 2 lengths\n"
    msgs = build(text)
    wkt = msgs["workout_mesgs"][0]
    assert (wkt["pool_length"], wkt["pool_length_unit"]) == (raw, unit)
    assert msgs["workout_step_mesgs"][0]["duration_value"] == 2 * raw  # cm


def test_open_water_has_no_pool() -> None:
    msgs = build("name: s\nsport: swimming\nsub_sport: open_water\nsteps:\n  - swim: 1500m\n")
    wkt = msgs["workout_mesgs"][0]
    assert (wkt["sport"], wkt["sub_sport"], wkt.get("pool_length")) == (5, 18, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name: s\nsport: swimming\npool: 25yd\nsteps:\n  - swim: 100m\n",
            "swim.yaml:5:11: error: 100 m is not a whole number of 22.86 m lengths (25 yd): "
            "4.37 lengths",
        ),
        (
            "name: s\nsport: swimming\nsteps:\n  - swim: 4 lengths\n",
            "swim.yaml:4:11: error: lengths need the pool's length: add 'pool: 25m' (or 25yd)",
        ),
        (
            "name: s\nsteps:\n  - swim: 100m\n",
            "swim.yaml:3:11: error: a 'swim' step belongs to a swim: this workout needs "
            "'sport: swimming'",
        ),
        (
            "name: s\nsteps:\n  - run: 100m\n    stroke: free\n",
            "swim.yaml:4:13: error: a stroke belongs to a swim: this workout needs "
            "'sport: swimming'",
        ),
        (
            "name: s\nsport: swimming\nsteps:\n  - run: 100m\n",
            "swim.yaml:4:10: error: a swim's work is written 'swim:' (or 'drill:'), not 'run:'",
        ),
        (
            "name: s\nsport: swimming\nsteps:\n  - swim: until 1:45\n",
            "swim.yaml:4:11: error: a send-off ('until 1:45') is a rest: write 'rest: until ...'",
        ),
    ],
)
def test_swim_errors_point_at_the_value(text: str, message: str) -> None:
    assert errors(text) == [message]


def test_a_drill_is_fits_one_drill_stroke() -> None:
    text = "name: s\nsport: swimming\nsteps:\n  - drill: 50m\n    stroke: fly\n"
    assert errors(text) == [
        "swim.yaml:5:13: error: FIT has one drill stroke, not a fly drill: write 'swim:' with "
        "'stroke: fly', or name the drill in 'name:' or 'note:'"
    ]


def test_tcx_has_no_swimming() -> None:
    assert errors(TEN_BY_100, "tcx") == [
        "swim.yaml:2:8: error: TCX cannot carry swimming workouts; build this one as FIT (-f fit)"
    ]


def test_a_swim_round_trips_through_import() -> None:
    data = emit(compile_document(parse_text(TEN_BY_100, "swim.yaml"), EMPTY), "fit").data
    workout, notes = read_fit(data, "swim.fit")
    assert notes == []
    text = to_yaml(workout)
    assert "pool: 25yd\n" in text and "  - drill: 100yd\n    equipment: kickboard\n" in text
    assert "      - rest: until 1:45\n" in text and "pace: 1:25-1:35/100yd" in text
    rebuilt = emit(compile_document(parse_text(text, "again.yaml"), EMPTY), "fit").data
    assert meaning(rebuilt) == meaning(data)
    for key in ("pool_length", "pool_length_unit", "sub_sport"):
        again = decode_fit(rebuilt, raw=True)["workout_mesgs"][0][key]
        assert again == decode_fit(data, raw=True)["workout_mesgs"][0][key]


# The FIT SDK cookbook's pool swim (tests/files/fit-sdk/encode.py), as a swimmer writes it.
COOKBOOK = """\
name: Pool Swim
sport: swimming
pool: 25yd
steps:
  - warmup: 200yd
    stroke: choice
  - rest: lap
  - drill: 8 lengths
    equipment: kickboard
  - rest: lap
  - repeat: 5
    steps:
      - swim: 100yd
        stroke: free
      - rest: until 2:00
  - rest: lap
  - cooldown: 100yd
    stroke: choice
"""


def _with_equipment(data: bytes) -> list[tuple[Any, ...]]:
    msgs = decode_fit(data, raw=True)
    return [
        (m["message_index"], m.get("equipment") or None)
        for m in msgs["workout_step_mesgs"]
        if m.get("duration_type") != 6
    ]


def test_the_cookbook_pool_swim_imports_losslessly() -> None:
    original = SDK_SWIM.read_bytes()
    workout, _ = read_fit(original, "pool-swim.fit")
    text = to_yaml(workout)
    rebuilt = emit(compile_document(parse_text(text, "imported.yaml"), EMPTY), "fit").data
    assert meaning(rebuilt) == meaning(original), text
    assert _with_equipment(rebuilt) == _with_equipment(original)
    for key in ("sub_sport", "pool_length", "pool_length_unit"):
        assert (
            decode_fit(rebuilt, raw=True)["workout_mesgs"][0][key]
            == decode_fit(original, raw=True)["workout_mesgs"][0][key]
        )


def test_the_cookbook_pool_swim_written_in_yaml_builds_the_same_steps() -> None:
    original = SDK_SWIM.read_bytes()
    built = emit(compile_document(parse_text(COOKBOOK, "cookbook.yaml"), EMPTY), "fit").data
    assert meaning(built) == meaning(original)
    assert _with_equipment(built) == _with_equipment(original)


def test_show_of_a_swim(tmp_path: Path) -> None:
    path = tmp_path / "swim.yaml"
    path.write_text(TEN_BY_100)
    result = CliRunner().invoke(main, ["show", str(path)])
    assert result.exit_code == 0, result.stderr
    assert "  drill     100yd (4 lengths)  stroke drill  with kickboard\n" in result.stdout
    # 200 + 100 + 10 x 100 + 100 yd; a swim's rests move nowhere.
    assert "total distance: 1400yd\n" in result.stdout
    assert "    rest      until 1:45 (send-off)\n" in result.stdout
    # 10 x 1:45 (each send-off holds its swim) + 20 s rest; warm-up, drill, cool-down and the
    # lap rest have no pace: unknown.
    assert "total time: 17:50 + 4 step(s) without a set time\n" in result.stdout


def test_show_of_a_swim_in_lengths_and_per_100(tmp_path: Path) -> None:
    (tmp_path / "profile.yaml").write_text("css: 1:40/100m\npaces:\n  swim_easy: 2:00/100m\n")
    path = tmp_path / "css.yaml"
    path.write_text(
        "name: CSS set\nsport: swimming\npool: 25m\nsteps:\n"
        "  - warmup: 400m\n    stroke: choice\n    secondary: {pace: swim_easy}\n"
        "  - repeat: 8\n    steps:\n"
        "      - swim: 100m\n        stroke: free\n        secondary: {pace: 105% css}\n"
        "      - rest: 15s\n"
    )
    result = CliRunner().invoke(main, ["show", str(path)])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "  sport: swimming, lap_swimming, 25 m pool\n" in out
    # 2:00/100m with the 5 s tolerance: 1:55-2:05; 400 m at the middle of the two speeds
    # (100/115 and 100/125 m/s, 0.8348 m/s) takes 479 s.
    assert "  warmup    400m (16 lengths)  ~7:59  stroke choice  + pace 1:55-2:05/100m\n" in out
    # 105 % of CSS's speed: 100 s / 1.05 = 95.2 s per 100 m, then +-5 s.
    assert "    swim      100m (4 lengths)  ~1:35  stroke free  + pace 1:30-1:40/100m\n" in out


def test_css_must_be_a_swim_pace(tmp_path: Path) -> None:
    (tmp_path / "profile.yaml").write_text("css: 4:00/km\n")
    path = tmp_path / "s.yaml"
    path.write_text("name: s\nsport: swimming\nsteps:\n  - swim: 100m\n")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert "profile.yaml:1:6: error: 'css' is a swim pace per 100 m or 100 yd" in result.stderr


def test_a_swim_chart_is_relative_to_css_and_a_send_off_holds_its_swim() -> None:
    from workoutexport.chart import bars
    from workoutexport.pipeline import load_profile, load_workout

    library = Path(__file__).resolve().parent.parent / "workouts"
    profile = load_profile(library / "profile.yaml")  # css: 1:45/100m
    drawn = bars(load_workout(library / "swim" / "10x100-send-off.yaml"), profile)
    swim, send_off = drawn[3], drawn[4]
    # pace: css is 1:45 +- 5 s: 1:40-1:50 per 100 m, 1.0 and 0.90909 m/s, 0.954545 in the
    # middle; CSS itself is 100 / 105 = 0.952381 m/s.
    assert swim.basis == "pace" and swim.intensity == pytest.approx(0.954545 / 0.952381)
    # 100 m at 0.954545 m/s takes 104.76 s; leaving every 2:00 leaves 15.24 s of rest.
    assert swim.end - swim.start == pytest.approx(104.7619, abs=1e-3)
    assert send_off.end - send_off.start == pytest.approx(15.2381, abs=1e-3)
    # A swim without a pace is drawn at 85 % of CSS's speed: 300 m in 370.6 s.
    assert drawn[0].end == pytest.approx(300 / (0.952381 * 0.85), abs=0.1)


def test_the_site_names_a_swims_steps() -> None:
    from workoutexport.pipeline import load_workout
    from workoutexport.site_text import step_lines

    library = Path(__file__).resolve().parent.parent / "workouts"
    workout = load_workout(library / "swim" / "10x100-send-off.yaml")
    lines = step_lines(workout.steps, workout.sport)
    assert [line.what for line in lines] == ["Warm-up", "Drill", "Rest", "Repeat", "Cool-down"]
    swim, send_off = lines[3].steps
    assert (swim.what, send_off.what) == ("Swim", "Rest")
    ride = load_workout(library / "bike" / "sweet-spot.yaml")
    assert step_lines(ride.steps, ride.sport)[1].steps[0].what == "Ride"


def test_show_json_of_a_swim(tmp_path: Path) -> None:
    import json

    path = tmp_path / "swim.yaml"
    path.write_text(TEN_BY_100)
    result = CliRunner().invoke(main, ["show", "--json", str(path)])
    assert result.exit_code == 0, result.stderr
    (workout,) = json.loads(result.stdout)["workouts"]
    assert workout["pool_metres"] == pytest.approx(22.86)  # 25 yd
    drill = workout["steps"][1]
    assert drill["equipment"] == "kickboard"
    assert drill["target"] == {"type": "swim_stroke", "stroke": "drill"}
    send_off = workout["steps"][2]["steps"][1]
    assert send_off["duration"] == {"type": "repetition_time", "seconds": 105.0}
