"""Zwift workouts (.zwo): written, validated against kaiord's schema, read back; and what ZWO
cannot carry refused with the step named (or dropped under --lossy)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from shipped import shipped_workouts
from workoutexport.cli import main
from workoutexport.formats.zwo.verify import problems
from workoutexport.options import BuildOptions
from workoutexport.pipeline import import_file
from workoutexport.run import Run

from conftest import without_formats, workout_steps

FILES = Path(__file__).parent / "files" / "zwo"
WORKOUTS = Path(__file__).parent.parent / "workouts"

PROFILE = """\
paces:
  mile: 6:00/mi
  5k: 4:00/km
  marathon: 4:45/km
ftp: 250W
"""

BIKE = """\
name: Sweet spot
sport: cycling
description: Four blocks just under threshold
steps:
  - warmup: 10min
    power: 60%ftp
  - repeat: 4
    steps:
      - run: 5min
        power: 90%ftp
        secondary:
          cadence: 90rpm
      - recover: 2min
        power: 55%ftp
  - run: 5min
    note: spin easy
  - cooldown: 5min
    power: 50%ftp
"""

RUN = """\
name: Treadmill 5k repeats
steps:
  - warmup: 10min
    pace: 80% marathon
  - repeat: 5
    steps:
      - run: 3min
        pace: 5k
      - recover: 90s
        pace: 75% 5k
  - repeat: 2
    steps:
      - run: 1min
        pace: mile
        note: fast and relaxed
      - recover: 1min
        pace: 70% mile
  - cooldown: 5min
    pace: 80% marathon
"""


def _folder(tmp_path: Path, **files: str) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "profile.yaml").write_text(PROFILE)
    for name, text in files.items():
        (tmp_path / f"{name}.yaml").write_text(text)
    return tmp_path


def _built(path: Path, fmt: str, *, lossy: bool = False) -> bytes:
    built = Run(BuildOptions(formats=(fmt,), lossy=lossy)).workout(path)
    assert built.ok, [str(d) for d in built.diagnostics]
    data = built.data(fmt)
    assert data is not None
    return data


@pytest.mark.parametrize("name,text", [("bike", BIKE), ("run", RUN)])
def test_round_trip_gives_the_same_fit_steps(tmp_path: Path, name: str, text: str) -> None:
    folder = _folder(tmp_path, **{name: text})
    source = folder / f"{name}.yaml"
    zwo = _built(source, "zwo")
    assert problems(zwo) == []
    (folder / f"{name}.zwo").write_bytes(zwo)
    [imported] = import_file(folder / f"{name}.zwo")
    back = folder / "back" / f"{name}.yaml"
    back.parent.mkdir()
    back.write_text(imported.yaml)
    original = workout_steps(_built(source, "fit"))
    again = workout_steps(_built(back, "fit"))
    strip = [{k: v for k, v in s.items() if k not in ("wkt_step_name", "notes")} for s in original]
    again_strip = [
        {k: v for k, v in s.items() if k not in ("wkt_step_name", "notes")} for s in again
    ]
    assert again_strip == strip
    # Notes travel as text events.
    assert [s.get("notes") for s in again] == [s.get("notes") for s in original]


def test_bike_file_says_fractions_of_ftp_and_intervals(tmp_path: Path) -> None:
    folder = _folder(tmp_path, bike=BIKE)
    text = _built(folder / "bike.yaml", "zwo").decode()
    assert '<Warmup Duration="600" PowerLow="0.6" PowerHigh="0.6"/>' in text
    assert (
        '<IntervalsT Repeat="4" OnDuration="300" OffDuration="120" OnPower="0.9" '
        'OffPower="0.55" Cadence="90"/>'
    ) in text
    assert '<textevent timeoffset="0" message="spin easy"/>' in text
    assert "<sportType>bike</sportType>" in text


def test_run_targets_are_fractions_of_race_paces(tmp_path: Path) -> None:
    folder = _folder(tmp_path, run=RUN)
    text = _built(folder / "run.yaml", "zwo").decode()
    # 5k is pace index 1, the mile index 0, the marathon index 4 (Zwift's race paces).
    assert 'OnPower="1" OffPower="0.75" pace="1"' in text
    assert 'Power="0.8" pace="4"' in text or 'PowerLow="0.8" PowerHigh="0.8" pace="4"' in text
    # The on step's note is the IntervalsT's text event.
    assert 'OnPower="1" OffPower="0.7" pace="0">' in text
    assert '<textevent timeoffset="0" message="fast and relaxed"/>' in text


def test_run_without_race_paces_in_the_profile_is_refused_on_import(tmp_path: Path) -> None:
    folder = _folder(tmp_path, run=RUN)
    (folder / "run.zwo").write_bytes(_built(folder / "run.yaml", "zwo"))
    (folder / "profile.yaml").write_text("paces:\n  easy: 6:00/km\n")
    result = CliRunner().invoke(main, ["import", str(folder / "run.zwo")])
    assert result.exit_code == 1
    assert "the profile must give a 'marathon' pace" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("path", shipped_workouts(WORKOUTS), ids=lambda p: p.stem)
def test_bundled_workouts_are_refused_with_the_step_named_or_carried(
    path: Path, tmp_path: Path
) -> None:
    if path.name == "profile.yaml":
        return
    if "strength" in path.name:  # FIT only by its formats:; what ZWO says of it without
        path = without_formats(path, tmp_path)
    built = Run(BuildOptions(formats=("zwo",))).workout(path)
    if built.ok:
        assert problems(built.data("zwo") or b"") == []
        return
    errors = [d for d in built.diagnostics if d.severity == "error"]
    # Each refusal points at a line of the workout, where the step is.
    assert errors and all(d.position.line > 0 for d in errors), [str(d) for d in errors]
    assert all(d.position.path.endswith(path.name) for d in errors)
    if "strength" in path.name:
        return  # no bike or run workout: nothing to write
    lossy = Run(BuildOptions(formats=("zwo",), lossy=True)).workout(path)
    assert lossy.ok, [str(d) for d in lossy.diagnostics]
    data = lossy.data("zwo")
    assert data is not None and problems(data) == []
    assert any("--lossy" in d.message for d in lossy.diagnostics)


def test_distance_lap_and_heart_rate_are_named(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(
        "name: W\nsteps:\n  - run: 400m\n  - run: lap\n    name: Walk down\n"
        "  - run: 5min\n    hr: 140-150bpm\n"
    )
    built = Run(BuildOptions(formats=("zwo",))).workout(tmp_path / "w.yaml")
    said = {
        (d.position.line, d.position.col, d.message.partition(";")[0]) for d in built.diagnostics
    }
    assert (3, 10, "ZWO steps last a time in seconds") in said, said
    assert (4, 10, "ZWO steps last a time in seconds") in said, said
    assert any("step 'Walk down' lasts 'lap'" in d.message for d in built.diagnostics)
    assert (7, 9, "ZWO has no heart-rate targets (this step)") in said, said


def test_strength_is_refused(tmp_path: Path) -> None:
    strength = without_formats(WORKOUTS / "strength.yaml", tmp_path)
    built = Run(BuildOptions(formats=("zwo",))).workout(strength)
    assert any(
        "ZWO holds bike and run workouts, not strength" in d.message for d in built.diagnostics
    )


def test_zwift_written_ramps_import_as_ramp_steps() -> None:
    result = CliRunner().invoke(main, ["import", str(FILES / "zwift-the-long-ride.zwo")])
    assert result.exit_code == 0, result.output
    # <Warmup PowerLow="0.50449997" PowerHigh="0.75449997">: a rising warm-up ramp, and the
    # <Cooldown> from 0.75449997 down to 0.50449997, written in the order it is gone through.
    assert "- ramp: 10min\n    power: 50.449997-75.449997%ftp\n    intensity: warmup" in (
        result.output
    )
    assert "- ramp: 9min\n    power: 75.449997-50.449997%ftp\n    intensity: cooldown" in (
        result.output
    )
    # 0.95449996 of FTP within the default 5 %: 90.68-100.22 %FTP.
    assert "power: 90.6774962-100.2224958%ftp" in result.output
    assert "recover: 1min" in result.output


def test_flux_workout_imports_under_lossy(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["import", "--lossy", str(FILES / "flux-dijon.zwo"), "-o", str(tmp_path / "d.yaml")]
    )
    assert result.exit_code == 0, result.output
    steps = workout_steps(_built(tmp_path / "d.yaml", "fit"))
    # a 2 min warm-up ramp (2 one-minute slices in FIT) + 4 flat steps + 3 IntervalsT (2 steps
    # and a repeat each) + 3 steady + a 5 min cool-down ramp (5 slices)
    assert len(steps) == 2 + 4 + 3 * 3 + 3 + 5


def test_kaiords_lossy_annotations_are_refused() -> None:
    result = CliRunner().invoke(main, ["import", str(FILES / "kaiord-individual-steps.zwo")])
    assert result.exit_code == 1
    assert "originalDurationType of <SteadyState> cannot be expressed" in result.output


@pytest.mark.parametrize(
    "body,message",
    [
        (
            "<!DOCTYPE x [<!ENTITY y 'z'>]><workout_file>&y;</workout_file>",
            "DOCTYPE (DTD or entities) is not allowed",
        ),
        (
            "<workout_file><sportType>swim</sportType><workout/></workout_file>",
            "neither bike nor run",
        ),
        (
            "<workout_file><workout><Slope Duration='5'/></workout></workout_file>",
            "<Slope> is not a ZWO step",
        ),
        (
            "<workout_file><workout><SteadyState Duration='-5' Power='1'/></workout>"
            "</workout_file>",
            "must be above 0",
        ),
        (
            "<workout_file><workout><SteadyState Duration='nan' Power='1'/></workout>"
            "</workout_file>",
            "not a number",
        ),
        ("<workout_file", "not valid XML"),
    ],
)
def test_bad_files_are_errors_with_a_position(tmp_path: Path, body: str, message: str) -> None:
    (tmp_path / "bad.zwo").write_text(body)
    result = CliRunner().invoke(main, ["import", str(tmp_path / "bad.zwo")])
    assert result.exit_code == 1
    assert message in result.output, result.output
    assert "bad.zwo:" in result.output and "Traceback" not in result.output


def test_schema_is_kaiords() -> None:
    shipped = (
        Path(__file__).parent.parent / "src/workoutexport/data/zwift-workout.xsd"
    ).read_bytes()
    assert shipped == (FILES / "zwift-workout.xsd").read_bytes()
    assert problems(
        b"<workout_file><name>x</name><sportType>ski</sportType><workout/></workout_file>"
    )


def test_show_reads_a_zwo_against_its_profile(tmp_path: Path) -> None:
    folder = _folder(tmp_path, run=RUN)
    (folder / "run.zwo").write_bytes(_built(folder / "run.yaml", "zwo"))
    result = CliRunner().invoke(main, ["show", str(folder / "run.zwo")])
    assert result.exit_code == 0, result.output
    assert "Treadmill 5k repeats" in result.output
    assert "repeat 5 times" in result.output


# --- send --zwift ---------------------------------------------------------------------------


def _zwift(tmp_path: Path, *ids: str) -> Path:
    workouts = tmp_path / "Zwift" / "Workouts"
    for account in ids:
        (workouts / account).mkdir(parents=True)
    workouts.mkdir(parents=True, exist_ok=True)
    return workouts


def _send(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["send", "--zwift", *args])
    return result.exit_code, result.output


def test_send_zwift_puts_the_zwo_in_the_account_folder(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "w", bike=BIKE)
    workouts = _zwift(tmp_path, "1234567")
    code, out = _send("--zwift-folder", str(workouts), str(folder / "bike.yaml"))
    assert code == 0, out
    sent = workouts / "1234567" / "bike.zwo"
    assert sent.read_bytes() == _built(folder / "bike.yaml", "zwo")
    assert problems(sent.read_bytes()) == []
    code, out = _send("--zwift-folder", str(workouts), str(folder / "bike.yaml"))
    assert code == 0 and "(already on the device)" in out
    # A different file of that name is never overwritten.
    sent.write_text("someone else's")
    code, out = _send("--zwift-folder", str(workouts), str(folder / "bike.yaml"))
    assert code == 0, out
    assert sent.read_text() == "someone else's"
    assert (workouts / "1234567" / "bike-2.zwo").is_file()


def test_send_zwift_asks_which_account(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "w", bike=BIKE)
    workouts = _zwift(tmp_path, "111", "222")
    code, out = _send("--zwift-folder", str(workouts), str(folder / "bike.yaml"))
    assert code == 2 and "choose one with --zwift-id ID" in out
    code, out = _send(
        "--zwift-folder", str(workouts), "--zwift-id", "222", str(folder / "bike.yaml")
    )
    assert code == 0, out
    assert (workouts / "222" / "bike.zwo").is_file() and not (
        workouts / "111" / "bike.zwo"
    ).exists()
    code, out = _send(
        "--zwift-folder", str(workouts), "--zwift-id", "333", str(folder / "bike.yaml")
    )
    assert code == 1 and "no account folder '333' here (there are: 111, 222)" in out


def test_send_zwift_makes_no_folders_and_stays_inside(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "w", bike=BIKE)
    workouts = _zwift(tmp_path)
    code, out = _send("--zwift-folder", str(workouts), str(folder / "bike.yaml"))
    assert code == 1 and "no account folder here" in out
    assert list(workouts.iterdir()) == []
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (workouts / "42").symlink_to(outside)
    code, out = _send("--zwift-folder", str(workouts), str(folder / "bike.yaml"))
    assert code == 1 and "leads out of the device" in out
    assert list(outside.iterdir()) == []


def test_send_zwift_refuses_what_zwo_cannot_carry(tmp_path: Path) -> None:
    workouts = _zwift(tmp_path, "7")
    strength = without_formats(WORKOUTS / "strength.yaml", tmp_path / "lib")
    code, out = _send("--zwift-folder", str(workouts), str(strength))
    assert code == 1 and "ZWO holds bike and run workouts, not strength" in out
    assert list((workouts / "7").iterdir()) == []


# --- bounds, race paces as written, and what --lossy writes --------------------------------


def _zwo_elements(data: bytes) -> list[dict[str, str]]:
    from lxml import etree

    body = etree.fromstring(data).find("workout")
    assert body is not None
    return [{"tag": str(el.tag), **{str(k): str(v) for k, v in el.attrib.items()}} for el in body]


@pytest.mark.parametrize("count", [1001, 1_000_000, 4_000_000_000])
def test_a_huge_repeat_is_refused_at_its_line_before_it_is_unrolled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    from workoutexport.formats.zwo import emit as zwo_emit

    seen: list[object] = []
    leaf = zwo_emit._Writer.leaf

    def counting(self: zwo_emit._Writer, step: object, **kw: bool) -> object:
        seen.append(step)
        return leaf(self, step, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(zwo_emit._Writer, "leaf", counting)
    (tmp_path / "huge.yaml").write_text(
        f"name: Huge\nsteps:\n  - run: 1min\n  - repeat: {count}\n    steps:\n      - run: 100m\n"
    )
    built = Run(BuildOptions(formats=("zwo",))).workout(tmp_path / "huge.yaml")
    assert not built.ok
    said = [(d.position.line, d.message) for d in built.diagnostics]
    assert said == [(4, "written out, this repeat makes more than 1000 ZWO steps")], said
    # Refused before any of the repeat's steps was looked at: only the first step was.
    assert len(seen) == 1


def test_a_repeat_up_to_the_limit_is_written_and_its_steps_say_things_once(
    tmp_path: Path,
) -> None:
    (tmp_path / "w.yaml").write_text(
        "name: W\nsteps:\n  - repeat: 1000\n    steps:\n      - run: 10s\n        name: Go\n"
    )
    built = Run(BuildOptions(formats=("zwo",), lossy=True)).workout(tmp_path / "w.yaml")
    assert built.ok, [str(d) for d in built.diagnostics]
    data = built.data("zwo")
    assert data is not None and problems(data) == []
    assert _zwo_elements(data) == [{"tag": "FreeRide", "Duration": "10"}] * 1000
    # The step name dropped once, not once per turn.
    assert [d.message.partition(";")[0] for d in built.diagnostics] == [
        "ZWO has no step names (step 'Go')"
    ]


RACE = """\
name: Race paces
steps:
  - run: 2min
    pace: mile
  - run: 2min
    pace: 5k
  - run: 2min
    pace: 10k
  - run: 2min
    pace: half
  - run: 2min
    pace: marathon
  - run: 2min
    pace: 105% mile
  - run: 2min
    pace: 90% marathon
"""


def test_race_paces_written_as_is_are_that_pace_at_100_percent(tmp_path: Path) -> None:
    (tmp_path / "profile.yaml").write_text(
        "paces:\n  mile: 6:00/mi\n  5k: 4:00/km\n  10k: 4:10/km\n  half: 4:25/km\n"
        "  marathon: 4:45/km\ntolerance:\n  pace: 5s\n"
    )
    (tmp_path / "race.yaml").write_text(RACE)
    zwo = _built(tmp_path / "race.yaml", "zwo")
    assert problems(zwo) == []
    # Zwift's pace indices: 0 mile, 1 5k, 2 10k, 3 half marathon, 4 marathon.
    assert [(e["Power"], e["pace"]) for e in _zwo_elements(zwo)] == [
        ("1", "0"),
        ("1", "1"),
        ("1", "2"),
        ("1", "3"),
        ("1", "4"),
        ("1.05", "0"),
        ("0.9", "4"),
    ]
    (tmp_path / "race.zwo").write_bytes(zwo)
    [imported] = import_file(tmp_path / "race.zwo")
    (tmp_path / "back").mkdir()
    (tmp_path / "back" / "race.yaml").write_text(imported.yaml)
    (tmp_path / "back" / "profile.yaml").write_text((tmp_path / "profile.yaml").read_text())
    original = workout_steps(_built(tmp_path / "race.yaml", "fit"))
    again = workout_steps(_built(tmp_path / "back" / "race.yaml", "fit"))
    assert [{k: v for k, v in s.items() if k != "wkt_step_name"} for s in again] == [
        {k: v for k, v in s.items() if k != "wkt_step_name"} for s in original
    ]


def test_10x400_is_refused_for_its_distances_and_easy_range_not_its_mile_pace() -> None:
    built = Run(BuildOptions(formats=("zwo",))).workout(WORKOUTS / "10x400-mile-pace.yaml")
    said = {(d.position.line, d.message.partition(";")[0]) for d in built.diagnostics}
    lines = (WORKOUTS / "10x400-mile-pace.yaml").read_text().splitlines()
    assert lines[15].strip() == "- run: 400m" and lines[16].strip() == "pace: mile"
    assert (16, "ZWO steps last a time in seconds") in said, said
    # `pace: mile` (line 17) is carried; the warm-up and cool-down's easy range is not.
    assert {line for line, _ in said} == {13, 16, 20}, said
    easy = [m for line, m in said if line == 13]
    assert easy and "5:30-6:00/km" in easy[0]


def test_10x400_under_lossy_keeps_its_efforts_and_recoveries(tmp_path: Path) -> None:
    path = WORKOUTS / "10x400-mile-pace.yaml"
    built = Run(BuildOptions(formats=("zwo",), lossy=True)).workout(path)
    assert built.ok, [str(d) for d in built.diagnostics]
    data = built.data("zwo")
    assert data is not None and problems(data) == []
    # 400 m at the profile's 6:00/mi: 360 s * 400 / 1609.344 = 89.5 s.
    assert _zwo_elements(data) == [
        {"tag": "Warmup", "Duration": "900"},
        {
            "tag": "IntervalsT",
            "Repeat": "10",
            "OnDuration": "89",
            "OffDuration": "60",
            "OnPower": "1",
            "pace": "0",
        },
        {"tag": "Cooldown", "Duration": "600"},
    ]
    said = {(d.position.line, d.message) for d in built.diagnostics}
    assert (
        16,
        "ZWO steps last a time in seconds; this step lasts '400m': written as 1:29, its time "
        "at the middle of its pace (--lossy)",
    ) in said, said
    # What is said dropped is what is missing: the easy pace of warm-up and cool-down only.
    dropped = sorted(line for line, m in said if "dropped" in m)
    assert dropped == [13, 20], said
    # Read back, the recoveries are still recoveries.
    (tmp_path / "w.zwo").write_bytes(data)
    (tmp_path / "profile.yaml").write_text((WORKOUTS / "profile.yaml").read_text())
    [imported] = import_file(tmp_path / "w.zwo")
    (tmp_path / "w.yaml").write_text(imported.yaml)
    steps = workout_steps(_built(tmp_path / "w.yaml", "fit"))
    kinds = [s.get("intensity") for s in steps]
    assert kinds == ["warmup", "active", "recovery", None, "cooldown"], steps


def test_a_recovery_outside_an_intervals_is_said_written_as_active_under_lossy(
    tmp_path: Path,
) -> None:
    (tmp_path / "w.yaml").write_text("name: W\nsteps:\n  - run: 5min\n  - recover: 2min\n")
    built = Run(BuildOptions(formats=("zwo",), lossy=True)).workout(tmp_path / "w.yaml")
    assert built.ok
    data = built.data("zwo")
    assert data is not None
    assert _zwo_elements(data) == [
        {"tag": "FreeRide", "Duration": "300"},
        {"tag": "FreeRide", "Duration": "120"},
    ]
    [message] = [d.message for d in built.diagnostics]
    assert message.endswith("written as an active step (--lossy)") and "dropped" not in message
