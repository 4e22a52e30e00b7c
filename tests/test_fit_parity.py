"""Our FIT files against Garmin Connect's own (shared/fit-samples): header, identity, shape.

The expected bytes and values come from Garmin's files, never from the code under test.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import Any

import pytest

from workoutexport.diagnostics import WorkoutError
from workoutexport.exercises import EVERYDAY, lookup
from workoutexport.formats.fit import emit as fit_emit
from workoutexport.formats.fit.emit import file_identity, finish_fit_bytes
from workoutexport.formats.fit.reader import read_fit
from workoutexport.importers.yaml_out import to_yaml
from workoutexport.pipeline import (
    compile_document,
    emit,
    emit_options,
    load_workout,
    profile_options,
)
from workoutexport.profile import EMPTY, build_profile
from workoutexport.source import parse_text
from workoutexport.units import UnitError, parse_repeat
from workoutexport.verify import decode_fit

SAMPLES = Path(__file__).parent / "files" / "fit"  # copies of shared/fit-samples
CONNECT = sorted(SAMPLES.glob("connect-*.fit"))


def _build(yaml: str, profile: str | None = None) -> bytes:
    prof = build_profile(parse_text(profile, "profile.yaml")) if profile else EMPTY
    workout = compile_document(parse_text(yaml, "w.yaml"), prof)
    return emit(workout, "fit", options=profile_options(prof)).data


@pytest.mark.parametrize("path", CONNECT, ids=[p.name for p in CONNECT])
def test_finish_gives_back_connects_own_header_and_crcs(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = path.read_bytes()
    assert original[0] == 14 and original[1] == 0x10  # what Connect writes
    records = original[14:-2]
    # Connect's records behind our header, with Connect's profile version: Connect's file,
    # both CRCs as Garmin computed them.
    (connect_profile,) = struct.unpack_from("<H", original, 2)
    monkeypatch.setattr(fit_emit, "PROFILE_VERSION", connect_profile)
    assert finish_fit_bytes(records) == original


def test_our_header_is_fourteen_bytes_protocol_one(tmp_path: Path) -> None:
    data = _build("name: x\nsteps:\n  - run: 10min\n")
    assert data[0] == 14
    assert data[1] == 0x10
    assert data[8:12] == b".FIT"
    (records_size,) = struct.unpack_from("<I", data, 4)
    assert len(data) == 14 + records_size + 2
    assert data[12:14] != b"\x00\x00"  # a header CRC, not "none"
    decode_fit(data)  # Garmin's integrity check and both CRCs


def test_file_id_creator_and_capabilities_as_connect_writes_them() -> None:
    ours = decode_fit(_build("name: x\nsteps:\n  - run: 10min\n"), raw=True)
    connect = decode_fit((SAMPLES / "connect-6x800m.fit").read_bytes(), raw=True)
    for key in ("type", "manufacturer", "product"):
        assert ours["file_id_mesgs"][0][key] == connect["file_id_mesgs"][0][key]
    assert ours["file_creator_mesgs"] == connect["file_creator_mesgs"]
    assert ours["workout_mesgs"][0]["capabilities"] == 32
    assert list(ours) == list(connect)[: len(ours)]  # messages in Connect's order


def test_development_identity_from_the_profile() -> None:
    data = _build("name: x\nsteps:\n  - run: 10min\n", "fit:\n  identity: development\n")
    file_id = decode_fit(data, raw=True)["file_id_mesgs"][0]
    assert (file_id["manufacturer"], file_id["product"]) == (255, 0)


def _write(tmp_path: Path, mtime: int) -> Path:
    path = tmp_path / "w.yaml"
    path.write_text("name: x\nsteps:\n  - run: 10min\n", encoding="utf-8")
    os.utime(path, (mtime, mtime))
    return path


def test_time_created_is_the_files_mtime_and_rebuilds_identically(tmp_path: Path) -> None:
    path = _write(tmp_path, 1_600_000_000)
    first = emit(load_workout(path), "fit", options=emit_options(path)).data
    second = emit(load_workout(path), "fit", options=emit_options(path)).data
    assert first == second
    # FIT time counts seconds from 1989-12-31T00:00:00Z (Unix 631065600).
    created = decode_fit(first, raw=True)["file_id_mesgs"][0]["time_created"]
    assert created == 1_600_000_000 - 631_065_600


def test_source_date_epoch_wins_and_rebuilds_identically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    path = _write(tmp_path, 1_600_000_000)
    first = emit(load_workout(path), "fit", options=emit_options(path)).data
    # Touching the file changes nothing while SOURCE_DATE_EPOCH is set.
    path = _write(tmp_path, 1_650_000_000)
    second = emit(load_workout(path), "fit", options=emit_options(path)).data
    assert first == second
    created = decode_fit(first, raw=True)["file_id_mesgs"][0]["time_created"]
    assert created == 1_700_000_000 - 631_065_600


# --- import without loss: Connect's files rebuild to the same messages, field by field ------

UNDOCUMENTED = int  # a field number Garmin's profile does not name comes back as an int key


def _rebuild(data: bytes, name: str) -> tuple[str, bytes]:
    workout, _ = read_fit(data, name)
    text = to_yaml(workout)
    rebuilt = compile_document(parse_text(text, f"{name}.yaml"), EMPTY)
    return text, emit(rebuilt, "fit").data


def _workout_fields(msgs: dict[str, list[dict[str, Any]]]) -> dict[Any, Any]:
    (wkt,) = msgs["workout_mesgs"]
    out = {k: v for k, v in wkt.items() if not isinstance(k, UNDOCUMENTED)}
    name = out.get("wkt_name")
    # Connect writes wkt_name into a fixed-size buffer: the name, NUL, then leftover bytes.
    if isinstance(name, list):
        out["wkt_name"] = name[0]
    return out


def _step_fields(msgs: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    out = []
    for msg in sorted(msgs["workout_step_mesgs"], key=lambda m: m["message_index"]):
        step = dict(msg)
        # Connect writes weight_display_unit on running steps, where it means nothing.
        if "exercise_category" not in step:
            step.pop("weight_display_unit", None)
        out.append(step)
    return out


def _title_fields(msgs: dict[str, list[dict[str, Any]]]) -> dict[tuple[Any, Any], Any]:
    # Keyed by exercise, not message_index: Connect's title order follows none of the steps.
    return {
        (t["exercise_category"], t.get("exercise_name")): t["wkt_step_name"]
        for t in msgs.get("exercise_title_mesgs", [])
    }


@pytest.mark.parametrize("path", CONNECT, ids=[p.name for p in CONNECT])
def test_connect_files_rebuild_message_by_message(path: Path) -> None:
    original = decode_fit(path.read_bytes(), raw=True)
    text, data = _rebuild(path.read_bytes(), path.name)
    rebuilt = decode_fit(data, raw=True)
    assert _workout_fields(rebuilt) == _workout_fields(original), text
    assert _step_fields(rebuilt) == _step_fields(original), text
    assert _title_fields(rebuilt) == _title_fields(original), text
    assert len(rebuilt.get("exercise_title_mesgs", [])) == len(
        original.get("exercise_title_mesgs", [])
    )
    assert list(rebuilt) == list(original)  # the same kinds of message, in the same order


def test_watch_file_rebuilds_to_its_meaning() -> None:
    """The watch's quirks (intensity on the repeat, no target_value on open steps) go."""
    path = SAMPLES / "watch-interval-run.fit"
    _, data = _rebuild(path.read_bytes(), path.name)
    steps = _step_fields(decode_fit(data, raw=True))
    # Worked out from the file: open warm-up; 5 x (1 km active, 600 m rest); open cool-down.
    assert [(s["duration_type"], s.get("duration_value"), s.get("intensity")) for s in steps] == [
        (5, None, 2),
        (1, 100000, 0),
        (1, 60000, 1),
        (6, 1, None),
        (5, None, 3),
    ]
    assert steps[3]["target_value"] == 5
    assert all(s["target_type"] == 2 and s["target_value"] == 0 for s in steps if s is not steps[3])


def test_strength_import_reads_as_connect_shows_it() -> None:
    text, _ = _rebuild((SAMPLES / "connect-strength-fullbody.fit").read_bytes(), "s.fit")
    # The first step: Connect's warm-up exercise, titled 'Warm-up', ended with the lap key.
    assert text.split("steps:\n", 1)[1].startswith(
        "  - exercise: warm_up\n    intensity: warmup\n    name: Warm-up\n"
    )
    assert "      - rest: lap\n" in text
    assert "name: Wide-hands Push-up" in text  # Connect's title, not ours ("Wide Hands ...")
    assert "\\nInspirer en descendant\\n" in text  # line breaks in notes survive


# --- what the workout format gained for parity --------------------------------------------


def _steps(yaml: str, profile: str | None = None) -> list[dict[str, Any]]:
    msgs = decode_fit(_build(yaml, profile), raw=True)
    return sorted(msgs["workout_step_mesgs"], key=lambda m: m["message_index"])


@pytest.mark.parametrize(
    ("until", "kind", "value"),
    [
        ("until 20min", 7, 1_200_000),  # repeat_until_time, ms
        ("until 5km", 8, 500_000),  # repeat_until_distance, cm
        ("until 300kcal", 9, 300),  # repeat_until_calories
        ("until hr < 130bpm", 10, 230),  # repeat_until_hr_less_than, bpm + 100
        ("until hr > 170bpm", 11, 270),  # repeat_until_hr_greater_than
        ("until hr > 90%max", 11, 90),  # 0..100 is percent of maximum
        ("until power < 150W", 12, 1150),  # repeat_until_power_less_than, W + 1000
        ("until power > 250W", 13, 1250),  # repeat_until_power_greater_than
    ],
)
def test_conditional_repeats(until: str, kind: int, value: int) -> None:
    yaml = (
        f"name: x\nsteps:\n  - warmup: 5min\n  - repeat: {until}\n    name: Fartlek\n"
        "    steps:\n      - run: 1min\n      - recover: 1min\n"
    )
    rep = _steps(yaml)[3]
    assert rep["duration_type"] == kind
    assert rep["duration_value"] == 1  # the block starts at message_index 1
    assert rep["target_value"] == value
    assert rep["wkt_step_name"] == "Fartlek"
    if kind in (10, 11, 12, 13):
        # Heart rate 1 / power 4, and active 0, as the FIT SDK's WorkoutRepeatGreaterThanStep.
        assert rep["target_type"] == (1 if kind in (10, 11) else 4)
        assert rep["intensity"] == 0
    else:
        assert "intensity" not in rep and "target_type" not in rep  # as Connect writes repeats


def test_conditional_repeat_is_an_error_in_tcx() -> None:
    yaml = "name: x\nsteps:\n  - repeat: until 20min\n    steps:\n      - run: 1min\n"
    workout = compile_document(parse_text(yaml, "w.yaml"), EMPTY)
    with pytest.raises(WorkoutError) as info:
        emit(workout, "tcx")
    (diag,) = info.value.diagnostics
    assert diag.position.line == 3 and "TCX cannot repeat until a condition" in diag.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("until lap", "cannot run until lap"),
        ("until", "repeat until what?"),
        ("until power 250W", "until power > 250W"),
        ("until 20", "has no unit"),
    ],
)
def test_bad_conditions_are_named(text: str, message: str) -> None:
    with pytest.raises(UnitError, match=message):
        parse_repeat(text)


def test_repeat_name_is_its_step_name() -> None:
    yaml = "name: x\nsteps:\n  - repeat: 3\n    name: Hills\n    steps:\n      - run: 30s\n"
    assert _steps(yaml)[1]["wkt_step_name"] == "Hills"


def test_percent_ftp_above_1000_is_an_error() -> None:
    ok = _steps("name: x\nsteps:\n  - run: 1min\n    power: 900-1000%ftp\n")[0]
    assert (ok["custom_target_value_low"], ok["custom_target_value_high"]) == (900, 1000)
    # 1000%ftp is allowed as written, but the default 5 % window reaches 950-1050.
    with pytest.raises(WorkoutError, match="FIT holds %FTP up to 1000%; this is 1050%"):
        _build("name: x\nsteps:\n  - run: 1min\n    power: 1000%ftp\n")


STRENGTH = """name: x
sport: strength
steps:
  - exercise: warm_up
    intensity: warmup
    name: Warm-up
    note: "Mobility\\nShoulders"
  - repeat: 2
    steps:
      - exercise: glute bridge
        reps: 10
        intensity: warmup
      - rest: lap
      - exercise: hip_raise
        reps: 12
      - exercise: lunge/walking_lunge
        time: 45s
      - rest: 60s
"""


def test_strength_as_connect_writes_it() -> None:
    msgs = decode_fit(_build(STRENGTH), raw=True)
    steps = sorted(msgs["workout_step_mesgs"], key=lambda m: m["message_index"])
    # Profile numbers: warm_up 31, hip_raise 10, lunge 17 / walking_lunge 78; intensity
    # warmup 2, active 0, rest 1; duration open 5, reps 29, time 0.
    assert steps[0]["exercise_category"] == 31 and steps[0]["intensity"] == 2
    assert steps[0]["duration_type"] == 5 and steps[0]["notes"] == "Mobility\nShoulders"
    assert "wkt_step_name" not in steps[0]  # an exercise's name is its title
    assert (steps[1]["exercise_category"], steps[1]["intensity"]) == (10, 2)
    assert (steps[2]["duration_type"], steps[2]["intensity"]) == (5, 1)  # rest: lap
    assert (steps[3]["exercise_category"], steps[3]["intensity"]) == (10, 0)
    titles = {
        (t["exercise_category"], t.get("exercise_name")): t["wkt_step_name"]
        for t in msgs["exercise_title_mesgs"]
    }
    assert titles == {(31, None): "Warm-up", (10, None): "Hip Raise", (17, 78): "Walking Lunge"}


def test_one_exercise_with_two_titles_is_an_error() -> None:
    yaml = (
        "name: x\nsport: strength\nsteps:\n  - exercise: squat\n    reps: 5\n    name: Back\n"
        "  - exercise: squat\n    reps: 5\n    name: Front\n"
    )
    with pytest.raises(WorkoutError, match="this one is already 'Back'"):
        _build(yaml)


def test_an_exercise_cannot_be_a_rest() -> None:
    yaml = "name: x\nsport: strength\nsteps:\n  - exercise: squat\n    intensity: rest\n"
    with pytest.raises(WorkoutError):
        _build(yaml)


@pytest.mark.parametrize(
    ("everyday", "category", "name"),
    [
        ("glute bridge", "hip_raise", None),
        ("Glute Bridges", "hip_raise", None),
        ("deadlift", "deadlift", None),
        ("lunges", "lunge", None),
        ("calf raises", "calf_raise", None),
        ("push-ups", "push_up", None),
        ("RDL", "deadlift", "romanian_deadlift"),
        ("side plank", "plank", "side_plank"),
    ],
)
def test_everyday_exercise_names(everyday: str, category: str, name: str | None) -> None:
    ref = lookup(everyday)
    assert (ref.category_name, ref.exercise_name) == (category, name)


def test_everyday_names_all_lead_somewhere() -> None:
    for target in EVERYDAY.values():
        lookup(target)  # raises if an entry names nothing in Garmin's profile


def test_did_you_mean_offers_everyday_names() -> None:
    with pytest.raises(UnitError, match=r"did you mean 'glute bridge' \(hip_raise\)"):
        lookup("glute brige")


def test_a_long_repeat_name_draws_the_step_name_warning() -> None:
    yaml = (
        "name: x\nsteps:\n  - repeat: 3\n    name: Sixteen chars abc\n    steps:\n"
        "      - run: 30s\n"
    )
    result = emit(compile_document(parse_text(yaml, "w.yaml"), EMPTY), "fit")
    (diag,) = result.diagnostics
    assert diag.severity == "warning" and diag.position.line == 3
    assert "longer than the 15 characters watches show" in diag.message


def test_file_identity_is_what_the_file_says(tmp_path: Path) -> None:
    """Schedules refer to a workout by these four values; they must be the file's own."""
    path = _write(tmp_path, 1_600_000_000)
    workout, options = load_workout(path), emit_options(path)
    file_id = decode_fit(emit(workout, "fit", options=options).data, raw=True)["file_id_mesgs"][0]
    identity = file_identity(workout, options)
    assert tuple(identity) == (1, 65534, file_id["serial_number"], 1_600_000_000 - 631_065_600)
    assert identity.serial_number == file_id["serial_number"] != 0


def test_show_keeps_a_step_on_one_line_and_marks_warm_up_sets() -> None:
    from click.testing import CliRunner

    from workoutexport.cli import main

    result = CliRunner().invoke(main, ["show", str(SAMPLES / "connect-strength-fullbody.fit")])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[3] == (
        "  Warm Up (warmup set) until lap button  'Warm-up'  (Mobilisations articulaires)"
    )
    assert "(Rétraction scapulaire | Inspirer en descendant | Expirer en montant)" in lines[5]


def test_a_misspelt_until_is_not_read_as_a_condition() -> None:
    with pytest.raises(UnitError, match="or a condition such as 'until 20min', got 'untill 5'"):
        parse_repeat("untill 5")
    with pytest.raises(UnitError, match="must be at least 1"):
        parse_repeat(0)


def test_cli_rebuilds_an_unchanged_file_to_the_same_bytes(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from workoutexport.cli import main

    source = _write(tmp_path, 1_650_000_000)
    runs = []
    for out in ("a", "b"):
        result = CliRunner().invoke(main, ["build", str(source), "-o", str(tmp_path / out)])
        assert result.exit_code == 0, result.stderr
        runs.append((tmp_path / out / "w.fit").read_bytes())
    assert runs[0] == runs[1]
    created = decode_fit(runs[0], raw=True)["file_id_mesgs"][0]["time_created"]
    assert created == 1_650_000_000 - 631_065_600


# Written by hand as a coach would, from what tests/files/fit/README.md says the files hold.
BY_HAND = {
    "connect-8x3min-hr-zones.fit": """name: 8x3 2 recover
steps:
  - warmup: 10min
    hr: z2
  - repeat: 8
    steps:
      - run: 3min
        hr: z4
      - recover: 2min
        hr: z3
  - cooldown: 10min
    hr: z2
""",
    "connect-6x800m.fit": """name: 6x800
steps:
  - warmup: 12min
  - repeat: 6
    steps:
      - run: 800m
      - recover: 400m
  - cooldown: 10min
""",
}


@pytest.mark.parametrize("name", sorted(BY_HAND))
def test_a_workout_written_by_hand_builds_to_connects_messages(name: str) -> None:
    """Not through the importer: our YAML for the same session gives Connect's messages."""
    connect = decode_fit((SAMPLES / name).read_bytes(), raw=True)
    ours = decode_fit(_build(BY_HAND[name]), raw=True)
    assert _workout_fields(ours) == _workout_fields(connect)
    assert _step_fields(ours) == _step_fields(connect)
    assert list(ours) == list(connect)
    for key in ("type", "manufacturer", "product"):
        assert ours["file_id_mesgs"][0][key] == connect["file_id_mesgs"][0][key]
