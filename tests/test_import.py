"""Import: FIT and TCX workouts back to YAML, proven by round trips through the decoders.

The acceptance test: building the imported YAML gives a file whose steps decode (with
garmin-fit-sdk) to the same durations, targets, intensities and repeat structure as the
original, and the same name.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from lxml import etree

from shipped import shipped_workouts
from workoutexport import steps as s
from workoutexport.cli import main
from workoutexport.diagnostics import WorkoutError
from workoutexport.formats.fit.reader import read_fit
from workoutexport.formats.fit.verify import decode_fit
from workoutexport.formats.tcx.emit import NS
from workoutexport.formats.tcx.reader import read_tcx
from workoutexport.importers.yaml_out import to_yaml
from workoutexport.pipeline import compile_document, emit
from workoutexport.profile import EMPTY
from workoutexport.source import parse_text

from test_property import _tcx_ok, tcx_workouts, workouts

FILES = Path(__file__).parent / "files"
SAMPLES = sorted((FILES / "fit").glob("*.fit"))
LIBRARY = Path(__file__).resolve().parent.parent / "workouts"

COMPARED = (
    "duration_type",
    "duration_value",
    "target_type",
    "target_value",
    "custom_target_value_low",
    "custom_target_value_high",
    "secondary_target_type",
    "secondary_target_value",
    "secondary_custom_target_value_low",
    "secondary_custom_target_value_high",
    "intensity",
    "wkt_step_name",
    "notes",
    "exercise_category",
    "exercise_name",
    "exercise_weight",
)
REPEAT = 6
OPEN_DURATION, OPEN_TARGET = 5, 2


def _norm_text(value: Any) -> Any:
    if isinstance(value, list):
        value = value[0]
    return value.split("\x00")[0] if isinstance(value, str) else value


def meaning(data: bytes) -> tuple[Any, list[dict[str, Any]]]:
    """What a FIT workout says, from Garmin's decoder's raw view, writer quirks removed."""
    msgs = decode_fit(data, raw=True)
    wkt = msgs["workout_mesgs"][0]
    steps = []
    for msg in sorted(msgs["workout_step_mesgs"], key=lambda m: m["message_index"]):
        step = {k: _norm_text(msg.get(k)) for k in COMPARED}
        if step["duration_type"] == REPEAT:
            keep = ("duration_type", "duration_value", "target_value", "wkt_step_name")
            step = {k: step[k] for k in keep}
        else:
            if step["target_type"] in (None, OPEN_TARGET):
                step["target_type"], step["target_value"] = OPEN_TARGET, 0
                step["custom_target_value_low"] = step["custom_target_value_high"] = None
            elif step["target_value"]:
                # A zone: custom ends mean nothing (the SDK's examples write them as 0).
                step["custom_target_value_low"] = step["custom_target_value_high"] = None
            if step["duration_type"] in (None, OPEN_DURATION):
                step["duration_type"], step["duration_value"] = OPEN_DURATION, None
            if step["intensity"] is None:
                step["intensity"] = 0
        steps.append(step)
    return (_norm_text(wkt.get("wkt_name")), wkt.get("sport")), steps


def rebuild_fit(data: bytes, name: str = "w.fit") -> tuple[str, bytes]:
    workout, _ = read_fit(data, name)
    text = to_yaml(workout)
    rebuilt = compile_document(parse_text(text, "imported.yaml"), EMPTY)
    return text, emit(rebuilt, "fit").data


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_real_garmin_files_round_trip(path: Path) -> None:
    original = path.read_bytes()
    text, rebuilt = rebuild_fit(original, path.name)
    name, steps = meaning(original)
    new_name, new_steps = meaning(rebuilt)
    assert new_steps == steps, text
    if name[0] is not None:
        assert new_name == name
    else:
        assert new_name[1] == name[1]


def test_connect_sample_reads_as_the_coach_wrote_it() -> None:
    text, _ = rebuild_fit((FILES / "fit" / "connect-8x3min-hr-zones.fit").read_bytes())
    assert "name: 8x3 2 recover" in text
    assert "  - repeat: 8\n" in text
    assert "hr: z4" in text and "hr: z3" in text


@pytest.mark.parametrize("path", shipped_workouts(LIBRARY))
def test_shipped_library_round_trips(path: Path) -> None:
    from workoutexport.pipeline import load_workout

    original = emit(load_workout(path), "fit").data
    text, rebuilt = rebuild_fit(original)
    assert meaning(rebuilt) == meaning(original), text


def test_imported_pace_is_readable_when_it_can_be() -> None:
    yaml = "name: x\nsteps:\n  - run: 1km\n    pace: 4:00/km\n"
    data = emit(compile_document(parse_text(yaml, "w.yaml"), EMPTY), "fit").data
    text, _ = rebuild_fit(data)
    assert "pace: 3:55-4:05/km" in text


@settings(deadline=None, suppress_health_check=list(HealthCheck))
@given(workouts)
def test_random_fit_round_trips(workout: s.Workout) -> None:
    original = emit(workout, "fit").data
    text, rebuilt = rebuild_fit(original)
    assert meaning(rebuilt) == meaning(original), text


def _tcx_meaning(data: bytes) -> list[str]:
    """Every element and text of the workout, minus the Creator block and names."""
    root = etree.fromstring(data)
    wkt = root.find(f"{{{NS}}}Workouts/{{{NS}}}Workout")
    assert wkt is not None
    out = []
    for el in wkt.iter():
        if el.tag in (f"{{{NS}}}Creator",) or any(
            a.tag == f"{{{NS}}}Creator" for a in el.iterancestors()
        ):
            continue
        kind = el.get("{http://www.w3.org/2001/XMLSchema-instance}type") or ""
        out.append(f"{etree.QName(el).localname}[{kind}]={(el.text or '').strip()}")
    return out


@settings(deadline=None, suppress_health_check=list(HealthCheck))
@given(tcx_workouts)
def test_random_tcx_round_trips(workout: s.Workout) -> None:
    assert _tcx_ok(workout)  # the strategy makes only trees TCX can carry
    original = emit(workout, "tcx").data
    (imported,) = read_tcx(original, "w.tcx")
    text = to_yaml(imported, exact="tcx")
    rebuilt = emit(compile_document(parse_text(text, "imported.yaml"), EMPTY), "tcx").data
    assert _tcx_meaning(rebuilt) == _tcx_meaning(original), text


def _bad_files(tmp: Path) -> dict[str, Path]:
    good = (FILES / "fit" / "connect-6x800m.fit").read_bytes()
    wrong_crc = bytearray(good)
    wrong_crc[-1] ^= 0xFF
    activity = bytearray(emit_activity())
    files = {
        "truncated.fit": good[: len(good) // 2],
        "wrong-crc.fit": bytes(wrong_crc),
        "random.fit": bytes(range(256)) * 3,
        "activity.fit": bytes(activity),
        "empty.fit": b"",
        "no-workouts.tcx": (
            b'<?xml version="1.0"?><TrainingCenterDatabase xmlns="'
            + NS.encode()
            + b'"><Workouts/></TrainingCenterDatabase>'
        ),
        "broken.tcx": b"<TrainingCenterDatabase><Workouts>",
        "random.tcx": bytes(range(256)),
    }
    out = {}
    for name, data in files.items():
        path = tmp / name
        path.write_bytes(data)
        out[name] = path
    return out


def emit_activity() -> bytes:
    """A FIT file whose type is activity (4), not workout, made with fit-tool."""
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.file_id_message import FileIdMessage

    msg = FileIdMessage()
    msg.get_field(0).set_encoded_value(0, 4)
    msg.get_field(1).set_encoded_value(0, 255)
    msg.get_field(3).set_encoded_value(0, 7)
    builder = FitFileBuilder(auto_define=True)
    builder.add(msg)
    return bytes(builder.build().to_bytes())


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("truncated.fit", "FIT integrity check failed"),
        ("wrong-crc.fit", "FIT integrity check failed"),
        ("random.fit", "not a FIT file"),
        ("activity.fit", "this is not a workout file (FIT file type 4)"),
        ("empty.fit", "file is empty"),
        ("no-workouts.tcx", "this TCX file holds no workouts"),
        ("broken.tcx", "not valid XML"),
        ("random.tcx", "not valid XML"),
    ],
)
def test_bad_files_give_one_line_errors(tmp_path: Path, name: str, message: str) -> None:
    path = _bad_files(tmp_path)[name]
    out = tmp_path / "out.yaml"
    result = CliRunner().invoke(main, ["import", str(path), "-o", str(out)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(str(path)) and message in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_unrepresentable_step_is_named(tmp_path: Path) -> None:
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.workout_message import WorkoutMessage
    from fit_tool.profile.messages.workout_step_message import WorkoutStepMessage

    def put(msg: Any, fid: int, raw: Any) -> None:
        msg.get_field(fid).set_encoded_value(0, raw)

    file_id, wkt = FileIdMessage(), WorkoutMessage()
    put(file_id, 0, 5)
    put(file_id, 3, 9)
    put(wkt, 8, "Until power below")
    put(wkt, 6, 2)
    run, rep = WorkoutStepMessage(), WorkoutStepMessage()
    put(run, 254, 0)
    put(run, 1, 0)
    put(run, 2, 60000)
    put(rep, 254, 1)
    put(rep, 1, 14)  # until power below: a step's condition the format has no words for
    put(rep, 2, 1200)
    builder = FitFileBuilder(auto_define=True)
    for m in (file_id, wkt, run, rep):
        builder.add(m)
    with pytest.raises(WorkoutError) as info:
        read_fit(bytes(builder.build().to_bytes()), "x.fit")
    assert "step 2 (message_index 1): duration 'until power below'" in str(info.value)


def test_import_cli_folder_and_stdout(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["import", str(FILES / "fit" / "connect-6x800m.fit")])
    assert result.exit_code == 0
    assert result.stdout.startswith("# imported by workoutexport from connect-6x800m.fit\n")
    out = tmp_path / "lib"
    result = runner.invoke(main, ["import", str(FILES / "fit"), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [p.stem + ".yaml" for p in SAMPLES]
    result = runner.invoke(main, ["check", str(out)])
    assert result.exit_code == 0, result.stderr


def test_show_reads_fit_and_tcx(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["show", str(FILES / "fit" / "connect-8x3min-hr-zones.fit")])
    assert result.exit_code == 0
    assert "repeat 8 times:" in result.stdout and "hr zone 4" in result.stdout
    tcx = tmp_path / "w.tcx"
    workout = compile_document(parse_text("name: T\nsteps:\n  - run: 2km\n", "t.yaml"), EMPTY)
    tcx.write_bytes(emit(workout, "tcx").data)
    result = runner.invoke(main, ["show", str(tcx)])
    assert result.exit_code == 0 and "2km" in result.stdout


def test_training_center_style_tcx(tmp_path: Path) -> None:
    source = FILES / "tcx" / "training-center.tcx"
    assert_valid = __import__("conftest").assert_valid_tcx
    assert_valid(source.read_bytes())
    hills, spin = read_tcx(source.read_bytes(), source.name)
    text = to_yaml(hills, exact="tcx")
    # High < Low in the file: still the window 3.846..4.167 m/s, i.e. 4:00-4:20/km.
    assert "pace: 4:00-4:20/km" in text
    assert "warmup" not in text and "- run: hr > 140bpm" in text
    assert "recover: lap" in text and "hr: z2" in text
    assert "recover: hr < 65%max" in text and "speed: 2.5-3m/s" in text
    assert "description: Six hills." in text
    assert spin.sport is s.Sport.CYCLING
    assert "cadence: 85-95rpm" in to_yaml(spin, exact="tcx")

    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["import", str(source), "-o", f"{out}/"])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "training-center-1.yaml",
        "training-center-2.yaml",
    ]
    rebuilt = CliRunner().invoke(main, ["check", str(out), "-f", "tcx"])
    assert rebuilt.exit_code == 0, rebuilt.stderr
    single = CliRunner().invoke(main, ["import", str(source), "-o", str(tmp_path / "x.yaml")])
    assert single.exit_code == 1
    assert "holds 2 workouts: give -o FOLDER" in single.stderr


def test_names_that_look_like_variables_round_trip() -> None:
    # Found by test_random_fit_round_trips: a workout named '${}' read back as a variable.
    step = s.Step(intensity=s.Intensity.ACTIVE, duration=s.Time(seconds=60), note="costs ${x}")
    workout = s.Workout(name="${}", sport=s.Sport.RUNNING, steps=(step,))
    original = emit(workout, "fit").data
    text, rebuilt = rebuild_fit(original)
    assert "name: $${}" in text
    assert meaning(rebuilt) == meaning(original)


def test_import_reports_warnings(tmp_path: Path) -> None:
    # A hike (FIT sport 17) has no form in the workout format: it imports as 'other', and
    # the user must hear of it rather than find out later.
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.workout_message import WorkoutMessage
    from fit_tool.profile.messages.workout_step_message import WorkoutStepMessage

    file_id, wkt, run = FileIdMessage(), WorkoutMessage(), WorkoutStepMessage()
    for msg, fid, raw in [
        (file_id, 0, 5),
        (file_id, 3, 9),
        (wkt, 4, 17),
        (wkt, 8, "Hike"),
        (wkt, 6, 1),
        (run, 254, 0),
        (run, 1, 0),
        (run, 2, 60000),
    ]:
        msg.get_field(fid).set_encoded_value(0, raw)
    builder = FitFileBuilder(auto_define=True)
    for m in (file_id, wkt, run):
        builder.add(m)
    path = tmp_path / "hike.fit"
    path.write_bytes(bytes(builder.build().to_bytes()))
    out = tmp_path / "hike.yaml"
    result = CliRunner().invoke(main, ["import", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "warning: FIT sport 17 has no form here; imported as 'other'" in result.stderr
    assert "sport: other" in out.read_text()


def test_tcx_errors_name_the_line(tmp_path: Path) -> None:
    # Whole-file problems of a TCX point at the element that shows them, not at '0:0'.
    empty = (
        b'<?xml version="1.0"?>\n<TrainingCenterDatabase xmlns="'
        + NS.encode()
        + b'">\n\n  <Workouts/>\n</TrainingCenterDatabase>\n'
    )
    with pytest.raises(WorkoutError) as info:
        read_tcx(empty, "w.tcx")
    assert [d.format() for d in info.value.diagnostics] == [
        "w.tcx:4:1: error: this TCX file holds no workouts"
    ]
    with pytest.raises(WorkoutError) as info:
        read_tcx(b"<?xml version='1.0'?>\n\n<gpx/>\n", "w.tcx")
    assert [d.format() for d in info.value.diagnostics] == [
        "w.tcx:3:1: error: not a Training Center Database (TCX v2) file"
    ]


SDK_EXAMPLES = sorted((FILES / "fit-sdk").glob("*.fit"))
SWIM = FILES / "fit-sdk" / "pool-swim.fit"


# The pool swim's own round trip (pool length, equipment) is in test_swim.py.
@pytest.mark.parametrize(
    "path", [p for p in SDK_EXAMPLES if p != SWIM], ids=[p.stem for p in SDK_EXAMPLES if p != SWIM]
)
def test_fit_sdk_examples_round_trip(path: Path) -> None:
    """The FIT SDK cookbook's workouts, written with garmin-fit-sdk's Encoder (sdk/encode.py)."""
    original = path.read_bytes()
    text, rebuilt = rebuild_fit(original, path.name)
    assert meaning(rebuilt) == meaning(original), text


def test_fit_sdk_repeat_until_heart_rate_reads_as_written() -> None:
    text, _ = rebuild_fit((FILES / "fit-sdk" / "repeat-until-hr.fit").read_bytes())
    # target_value 275 on a repeat_until_hr_greater_than step: 175 bpm + FIT's offset of 100.
    assert "  - repeat: until hr > 175bpm\n    name: Until 175 bpm\n" in text


def test_a_window_narrower_than_rounding_reads_back_the_same() -> None:
    """Found by the random round trip: 1.5 m/s at both ends, 1500-1500 mm/s stored.

    The shortest texts for the two ends (11:07 and 11:06.6) cross, and would read back as
    1499-1501 mm/s; both ends must be written as one text that stores 1500 for each.
    """
    step = s.Step(
        intensity=s.Intensity.ACTIVE,
        duration=s.LapButton(),
        target=s.SpeedTarget(low_mps=1.5, high_mps=1.5, view="pace"),
    )
    original = emit(s.Workout(name="x", sport=s.Sport.RUNNING, steps=(step,)), "fit").data
    text, rebuilt = rebuild_fit(original)
    assert meaning(rebuilt) == meaning(original), text
    assert decode_fit(rebuilt, raw=True)["workout_step_mesgs"][0]["custom_target_value_low"] == 1500


def test_item_02_tcx_import_shortest_pace() -> None:
    """`import out/hills.tcx` gave `pace: 5:15.1909-6:17.4578/km`: the file held speeds to six
    decimals of m/s, which only a pace to 1/10000 s rebuilds. A watch keeps whole mm/s (the
    FIT window), and so does TCX now: the shortest pace that rebuilds the same file is short.
    """
    yaml = "name: x\nsteps:\n  - run: 10min\n    pace: 90-105% easy\n"
    profile_doc = parse_text("paces:\n  easy: 5:30-6:00/km\n", "profile.yaml")
    from workoutexport.profile import build_profile

    workout = compile_document(parse_text(yaml, "w.yaml"), build_profile(profile_doc))
    tcx = emit(workout, "tcx").data
    __import__("conftest").assert_valid_tcx(tcx)
    # 5:30 / 1.05 = 5:14.2857/km = 3.18182 m/s; 6:00 / 0.90 = 6:40/km = 2.5 m/s, in mm/s.
    assert b"<LowInMetersPerSecond>2.5</LowInMetersPerSecond>" in tcx
    assert b"<HighInMetersPerSecond>3.182</HighInMetersPerSecond>" in tcx
    # The FIT file of the same workout stores the same window.
    step = decode_fit(emit(workout, "fit").data, raw=True)["workout_step_mesgs"][0]
    assert (step["custom_target_value_low"], step["custom_target_value_high"]) == (2500, 3182)
    (imported,) = read_tcx(tcx, "hills.tcx")
    text = to_yaml(imported, exact="tcx")
    assert "pace: 5:14.3-6:40/km" in text, text
    rebuilt = emit(compile_document(parse_text(text, "imported.yaml"), EMPTY), "tcx").data
    assert _tcx_meaning(rebuilt) == _tcx_meaning(tcx)


# --- the import command ---------------------------------------------------------------------


def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args))
    finally:
        os.chdir(old)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_importing_a_folder_never_overwrites_one_import_with_another(tmp_path: Path) -> None:
    src = write(tmp_path / "w" / "x.yaml", "name: X\nsteps:\n  - run: 10min\n    pace: 5:00/km\n")
    code, _, err = run("build", str(src), "-f", "fit", "-o", str(tmp_path / "d"))
    assert code == 0, err
    # A TCX of the same stem holding another workout (a FIT and a TCX of the same workout
    # are imported once: test_cli_items.py::test_item_03_import_pair_of_one_stem).
    other = write(tmp_path / "w2" / "x.yaml", "name: X\nsteps:\n  - run: 12min\n")
    code, _, err = run("build", str(other), "-f", "tcx", "-o", str(tmp_path / "d"))
    assert code == 0, err
    out = tmp_path / "out"
    code, _, err = run("import", str(tmp_path / "d"), "-o", str(out))
    assert code == 1
    assert "would also be the import of" in err and "x.fit" in err and "x.tcx" in err
    assert "hold different workouts" in err
    assert err.count("wrote ") == 1  # the first is written, the second is refused
    # The FIT one (first in order) won: its pace is still there, not TCX's lossier copy.
    assert "4:55-5:05/km" in (out / "x.yaml").read_text()


def test_import_writes_what_the_file_stores_in_the_runners_units(tmp_path: Path) -> None:
    src = write(
        tmp_path / "m.yaml",
        "name: M\nsteps:\n  - run: 2mi\n    pace: 9:30/mi\n  - recover: 200yd\n",
    )
    assert run("build", str(src), "-o", str(tmp_path / "o"))[0] == 0
    code, out, err = run("import", str(tmp_path / "o" / "m.fit"))
    assert code == 0, err
    # 9:30/mi with the 5 s tolerance is 9:25-9:35/mi; FIT's mm/s keeps it whole seconds.
    assert "  - run: 2mi\n    pace: 9:25-9:35/mi\n  - recover: 200yd\n" in out
    assert "3218.69m" not in out and "5:5" not in out
    code, out, err = run("show", str(tmp_path / "o" / "m.fit"), "--no-chart")
    assert "run       2mi  ~19:00  pace 9:25-9:35/mi" in out


def test_importing_yaml_says_import_takes_fit_or_tcx(tmp_path: Path) -> None:
    src = write(tmp_path / "a.yaml", "name: A\nsteps:\n  - run: 1km\n")
    code, _, err = run("import", str(src))
    assert code == 1 and "import takes FIT, TCX" in err and "'workoutexport build'" in err
    assert "XML" not in err
