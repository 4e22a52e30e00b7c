"""`send` on fake device roots built from real GarminDevice.xml files (shared/devices).

Each device is a folder holding the descriptor exactly as the device wrote it, with the folder
spelling of the real device (`GARMIN/` on the Forerunner and the vivoactive, `Garmin/` on the
Edge 705). Expected folders come from reading those descriptors by eye:
Forerunner 935 FIT_TYPE_5 InputToUnit -> GARMIN/NEWFILES; Edge 705 FitnessWorkouts
InputOutput -> Garmin/Workouts; vivoactive HR lists neither.
"""

from __future__ import annotations

import errno
import functools
import os
import shutil
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner

from workoutexport import send as send_mod
from workoutexport.cli import main
from workoutexport.device import Kind, find_devices, read_device, resolve
from workoutexport.diagnostics import WorkoutError
from workoutexport.outputs import write_to_device as put_file
from workoutexport.send import SendFile, Unit, device_name, place, write_all

from conftest import assert_valid_tcx, decoded

GOOD = "name: Good\nsteps:\n  - warmup: 10min\n  - run: 400m\n    pace: 4:00/km\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def fit_workout(name: str) -> bytes:
    """A FIT workout as `build` writes it."""
    from workoutexport.pipeline import compile_document, emit
    from workoutexport.profile import EMPTY
    from workoutexport.source import parse_text

    workout = compile_document(parse_text(GOOD.replace("Good", name), "w.yaml"), EMPTY)
    return emit(workout, "fit").data


# Copies of shared/devices: real descriptors, byte for byte.
DEVICES = Path(__file__).resolve().parent / "files" / "devices"

FR935 = "forerunner-935-GarminDevice.xml"
EDGE705 = "edge705-GarminDevice.xml"
VIVOACTIVE = "vivoactive-hr-GarminDevice.xml"
GARMIN_FOLDER = {FR935: "GARMIN", EDGE705: "Garmin", VIVOACTIVE: "GARMIN"}

STRENGTH = (
    "name: Core\nsport: strength\nsteps:\n  - exercise: squat/goblet_squat\n    reps: 12\n"
    "  - rest: 30s\n"
)
PLAN = "name: Base\nstart: 2026-01-05\nweeks:\n  - days: {mon: good.yaml}\n"


def make_device(root: Path, descriptor: str) -> Path:
    """A fake mount point holding a real descriptor, as the device lays it out."""
    garmin = root / GARMIN_FOLDER[descriptor]
    garmin.mkdir(parents=True)
    shutil.copyfile(DEVICES / descriptor, garmin / "GarminDevice.xml")
    return root


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every entry below root with its bytes (None for folders)."""
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture
def workouts(tmp_path: Path) -> Path:
    src = tmp_path / "workouts"
    src.mkdir()
    (src / "hills.yaml").write_text(GOOD.replace("Good", "Hills"))
    return src


# --- where each device takes workouts --------------------------------------------------------


def test_forerunner_gets_fit_in_newfiles_byte_identical_to_build(
    tmp_path: Path, workouts: Path
) -> None:
    dev = make_device(tmp_path / "fr935", FR935)
    code, stdout, stderr = run("send", str(workouts / "hills.yaml"), "--device", str(dev))
    assert code == 0, stderr
    target = dev / "GARMIN" / "NEWFILES" / "hills.fit"
    assert stdout == f"{workouts / 'hills.yaml'} -> {target}\n"
    assert "1 file sent to Forerunner 935" in stderr

    out = tmp_path / "built"
    code, _, _ = run("build", str(workouts / "hills.yaml"), "-o", str(out))
    assert code == 0
    assert target.read_bytes() == (out / "hills.fit").read_bytes()
    msgs = decoded(target.read_bytes())
    assert msgs["workout_mesgs"][0]["wkt_name"] == "Hills"
    assert msgs["file_id_mesgs"][0]["type"] == "workout"  # FIT_TYPE_5
    # Nothing else appeared on the device: no temporary file left behind.
    assert sorted(snapshot(dev)) == [
        "GARMIN",
        "GARMIN/GarminDevice.xml",
        "GARMIN/NEWFILES",
        "GARMIN/NEWFILES/hills.fit",
    ]


def test_edge_705_gets_tcx_in_garmin_workouts(tmp_path: Path, workouts: Path) -> None:
    dev = make_device(tmp_path / "edge", EDGE705)
    code, stdout, stderr = run("send", str(workouts), "--device", str(dev))
    assert code == 0, stderr
    target = dev / "Garmin" / "Workouts" / "hills.tcx"
    assert stdout == f"{workouts / 'hills.yaml'} -> {target}\n"
    assert_valid_tcx(target.read_bytes())
    assert b"<Name>Hills</Name>" in target.read_bytes()


def test_strength_to_the_tcx_only_edge_is_an_error_and_others_still_go(
    tmp_path: Path, workouts: Path
) -> None:
    (workouts / "core.yaml").write_text(STRENGTH)
    dev = make_device(tmp_path / "edge", EDGE705)
    code, stdout, stderr = run("send", str(workouts), "--device", str(dev))
    assert code == 1
    assert f"{workouts / 'core.yaml'}: error: EDGE705 takes workouts only as TCX" in stderr
    assert "TCX cannot carry strength workouts" in stderr
    assert "Traceback" not in stderr
    assert sorted(p.name for p in (dev / "Garmin" / "Workouts").iterdir()) == ["hills.tcx"]
    assert "core" not in stdout


def test_strength_alone_to_the_edge_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "core.yaml").write_text(STRENGTH)
    dev = make_device(tmp_path / "edge", EDGE705)
    before = snapshot(dev)
    code, _, stderr = run("send", str(tmp_path / "core.yaml"), "--device", str(dev))
    assert code == 1
    assert "cannot carry this workout" in stderr
    assert snapshot(dev) == before


def test_vivoactive_hr_takes_no_workouts_and_nothing_is_written(
    tmp_path: Path, workouts: Path
) -> None:
    dev = make_device(tmp_path / "vivo", VIVOACTIVE)
    before = snapshot(dev)
    code, stdout, stderr = run("send", str(workouts), "--device", str(dev))
    assert code == 1
    assert (
        f"{dev / 'GARMIN' / 'GarminDevice.xml'}: error: vivoactive HR takes no workouts" in stderr
    )
    assert stdout == ""
    assert snapshot(dev) == before


def test_folder_without_descriptor_is_an_error(tmp_path: Path, workouts: Path) -> None:
    dev = tmp_path / "stick"
    (dev / "GARMIN").mkdir(parents=True)
    code, _, stderr = run("send", str(workouts), "--device", str(dev))
    assert code == 1
    assert f"{dev}: error: not a Garmin device: no GARMIN/GarminDevice.xml here" in stderr
    assert snapshot(dev) == {"GARMIN": None}


def test_the_garmin_folder_itself_gets_a_hint(tmp_path: Path, workouts: Path) -> None:
    dev = make_device(tmp_path / "fr935", FR935)
    code, _, stderr = run("send", str(workouts), "--device", str(dev / "GARMIN"))
    assert code == 1
    assert f"looks like the GARMIN folder itself: give {dev}" in stderr


def test_an_mtp_mount_point_gets_a_hint_to_its_storage(tmp_path: Path, workouts: Path) -> None:
    mount = tmp_path / "watch"
    storage = make_device(mount / "Primary", FR935)
    code, _, stderr = run("send", str(workouts), "--device", str(mount))
    assert code == 1
    assert f"the watch's storage is a folder below it: give {storage}" in stderr
    assert not (storage / "GARMIN" / "NEWFILES").exists()


def test_a_descriptor_that_is_not_xml_is_an_error_with_its_position(
    tmp_path: Path, workouts: Path
) -> None:
    dev = tmp_path / "broken"
    (dev / "GARMIN").mkdir(parents=True)
    (dev / "GARMIN" / "GarminDevice.xml").write_text("<Device>\n  <Model>\n</Device>\n")
    code, _, stderr = run("send", str(workouts), "--device", str(dev))
    assert code == 1
    assert f"{dev / 'GARMIN' / 'GarminDevice.xml'}:3:" in stderr
    assert "GarminDevice.xml is not XML" in stderr


def test_descriptor_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do-not-read")
    text = (DEVICES / FR935).read_text()
    text = text.replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE Device [<!ENTITY x SYSTEM "file://{secret}">]>',
    ).replace("<Description>Forerunner 935</Description>", "<Description>&x;</Description>")
    dev = tmp_path / "evil"
    (dev / "GARMIN").mkdir(parents=True)
    (dev / "GARMIN" / "GarminDevice.xml").write_text(text)
    device = read_device(dev)
    assert "do-not-read" not in device.model
    assert device.inbound_folder(Kind.FIT_WORKOUT) == "GARMIN/NEWFILES"


def test_descriptors_read_as_the_devices_wrote_them(tmp_path: Path) -> None:
    fr = read_device(make_device(tmp_path / "a", FR935))
    assert (fr.model, fr.part_number) == ("Forerunner 935", "006-B2691-00")
    assert fr.inbound_folder(Kind.FIT_WORKOUT) == "GARMIN/NEWFILES"
    assert fr.inbound_folder(Kind.FIT_SCHEDULE) == "GARMIN/NEWFILES"
    assert fr.inbound_folder(Kind.TCX_WORKOUTS) is None
    edge = read_device(make_device(tmp_path / "b", EDGE705))
    assert edge.model == "EDGE705"
    assert edge.inbound_folder(Kind.FIT_WORKOUT) is None
    assert edge.inbound_folder(Kind.TCX_WORKOUTS) == "Garmin/Workouts"
    vivo = read_device(make_device(tmp_path / "c", VIVOACTIVE))
    assert not any(vivo.takes(k) for k in Kind)


def test_a_device_taking_fit_and_tcx_gets_fit(tmp_path: Path, workouts: Path) -> None:
    # A Forerunner 935 descriptor with the Edge 705's FitnessWorkouts entry added, as
    # devices of the FIT/TCX overlap years listed both.
    tcx_entry = (
        "<DataType><Name>FitnessWorkouts</Name><File><Specification><Identifier>"
        "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2</Identifier>"
        "</Specification><Location><Path>Garmin/Workouts</Path><FileExtension>tcx"
        "</FileExtension></Location><TransferDirection>InputOutput</TransferDirection>"
        "</File></DataType>"
    )
    text = (
        (DEVICES / FR935)
        .read_text()
        .replace("</MassStorageMode>", f"{tcx_entry}</MassStorageMode>")
    )
    dev = tmp_path / "both"
    (dev / "GARMIN").mkdir(parents=True)
    (dev / "GARMIN" / "GarminDevice.xml").write_text(text)
    assert read_device(dev).takes(Kind.TCX_WORKOUTS)
    code, stdout, stderr = run("send", str(workouts), "--device", str(dev))
    assert code == 0, stderr
    assert stdout == f"{workouts / 'hills.yaml'} -> {dev / 'GARMIN' / 'NEWFILES' / 'hills.fit'}\n"
    assert decoded((dev / "GARMIN" / "NEWFILES" / "hills.fit").read_bytes())["workout_mesgs"]


# --- folders and names on the device ----------------------------------------------------------


def test_folder_names_match_without_regard_to_case(tmp_path: Path, workouts: Path) -> None:
    dev = make_device(tmp_path / "fr935", FR935)
    (dev / "GARMIN" / "NewFiles").mkdir()
    code, _, stderr = run("send", str(workouts), "--device", str(dev))
    assert code == 0, stderr
    assert sorted(p.name for p in (dev / "GARMIN").iterdir()) == ["GarminDevice.xml", "NewFiles"]
    assert (dev / "GARMIN" / "NewFiles" / "hills.fit").is_file()


def test_descriptor_folder_found_in_any_case(tmp_path: Path) -> None:
    root = tmp_path / "dev"
    (root / "garmin").mkdir(parents=True)
    shutil.copyfile(DEVICES / FR935, root / "garmin" / "garmindevice.xml")
    (root / "garmin" / "newfiles").mkdir()
    device = read_device(root)
    assert resolve(root, "GARMIN/NEWFILES") == root / "garmin" / "newfiles"
    assert resolve(root, "GARMIN/SCHEDULE") == root / "garmin" / "SCHEDULE"
    assert device.model == "Forerunner 935"


def test_same_file_already_there_is_left_alone(tmp_path: Path, workouts: Path) -> None:
    dev = make_device(tmp_path / "fr935", FR935)
    assert run("send", str(workouts), "--device", str(dev))[0] == 0
    before = snapshot(dev)
    code, stdout, stderr = run("send", str(workouts), "--device", str(dev))
    assert code == 0, stderr
    assert stdout.endswith("hills.fit (already on the device)\n")
    assert "0 files sent" in stderr
    assert snapshot(dev) == before


def test_a_different_file_of_that_name_is_never_overwritten(tmp_path: Path, workouts: Path) -> None:
    dev = make_device(tmp_path / "fr935", FR935)
    newfiles = dev / "GARMIN" / "NEWFILES"
    newfiles.mkdir()
    (newfiles / "HILLS.FIT").write_bytes(b"someone else's file")
    code, stdout, stderr = run("send", str(workouts), "--device", str(dev))
    assert code == 0, stderr
    assert (newfiles / "HILLS.FIT").read_bytes() == b"someone else's file"
    assert stdout == f"{workouts / 'hills.yaml'} -> {newfiles / 'hills-2.fit'}\n"
    assert f"warning: {newfiles / 'hills.fit'} on the device is a different file" in stderr
    assert decoded((newfiles / "hills-2.fit").read_bytes())["workout_mesgs"][0]["wkt_name"] == (
        "Hills"
    )


def test_two_inputs_wanting_one_name_both_arrive(tmp_path: Path) -> None:
    for folder, name in (("a", "Hills A"), ("b", "Hills B")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "hills.yaml").write_text(GOOD.replace("Good", name))
    dev = make_device(tmp_path / "fr935", FR935)
    code, _, stderr = run("send", str(tmp_path / "a"), str(tmp_path / "b"), "--device", str(dev))
    assert code == 0, stderr
    newfiles = dev / "GARMIN" / "NEWFILES"
    names = {
        p.name: decoded(p.read_bytes())["workout_mesgs"][0]["wkt_name"] for p in newfiles.iterdir()
    }
    assert names == {"hills.fit": "Hills A", "hills-2.fit": "Hills B"}


def test_names_are_made_safe_for_fat() -> None:
    assert device_name("10:00 tempo?.fit") == "10_00 tempo_.fit"
    assert device_name("plain.tcx") == "plain.tcx"
    assert device_name("...fit") == "workout.fit"
    assert device_name("con.fit") == "con_.fit"
    assert device_name("com1.tcx") == "com1_.tcx"


def test_dry_run_prints_and_writes_nothing(tmp_path: Path, workouts: Path) -> None:
    dev = make_device(tmp_path / "fr935", FR935)
    before = snapshot(dev)
    code, stdout, stderr = run("send", str(workouts), "--device", str(dev), "--dry-run")
    assert code == 0, stderr
    assert stdout == f"{workouts / 'hills.yaml'} -> {dev / 'GARMIN' / 'NEWFILES' / 'hills.fit'}\n"
    assert "dry run: nothing written" in stderr
    assert snapshot(dev) == before


def test_a_bad_workout_is_reported_and_the_good_ones_still_go(
    tmp_path: Path, workouts: Path
) -> None:
    (workouts / "bad.yaml").write_text("name: Bad\nsteps:\n  - run: 400\n")
    dev = make_device(tmp_path / "fr935", FR935)
    code, _, stderr = run("send", str(workouts), "--device", str(dev))
    assert code == 1
    assert f"{workouts / 'bad.yaml'}:3:10: error: '400' has no unit" in stderr
    assert sorted(p.name for p in (dev / "GARMIN" / "NEWFILES").iterdir()) == ["hills.fit"]


def test_a_plan_sends_its_sessions_and_schedule_as_build_writes_them(
    tmp_path: Path, workouts: Path
) -> None:
    (workouts / "good.yaml").write_text(GOOD)
    (workouts / "base.yaml").write_text(PLAN)
    dev = make_device(tmp_path / "fr935", FR935)
    code, _, stderr = run("send", str(workouts / "base.yaml"), "--device", str(dev), "--all")
    assert code == 0, stderr
    newfiles = dev / "GARMIN" / "NEWFILES"
    assert sorted(p.name for p in newfiles.iterdir()) == [
        "base-schedule.fit",
        "good.fit",
    ]
    out = tmp_path / "built"
    code, _, stderr = run("build", str(workouts / "base.yaml"), "-o", str(out))
    assert code == 0, stderr
    for name in ("good.fit", "base-schedule.fit"):
        assert (newfiles / name).read_bytes() == (out / "base" / name).read_bytes()
    # The schedule names the sent workout by its own file_id, on the plan's first Monday.
    session = decoded((newfiles / "good.fit").read_bytes())["file_id_mesgs"][0]
    [entry] = decoded((newfiles / "base-schedule.fit").read_bytes())["schedule_mesgs"]
    for key in ("manufacturer", "product", "serial_number", "time_created"):
        assert entry[key] == session[key]


def test_a_plan_sends_only_the_sessions_from_today_on(tmp_path: Path, workouts: Path) -> None:
    (workouts / "good.yaml").write_text(GOOD)
    (workouts / "past.yaml").write_text(PLAN)  # 2026-01-05: before any day these tests run
    (workouts / "future.yaml").write_text(PLAN.replace("2026-01-05", "2098-01-06"))
    dev = make_device(tmp_path / "fr935", FR935)
    code, _, stderr = run("send", str(workouts / "past.yaml"), "--device", str(dev))
    assert code == 1
    assert "this plan has no sessions on or after" in stderr and "--all" in stderr
    assert not (dev / "GARMIN" / "NEWFILES").exists()
    code, _, stderr = run("send", str(workouts / "future.yaml"), "--device", str(dev))
    assert code == 0, stderr
    assert sorted(p.name for p in (dev / "GARMIN" / "NEWFILES").iterdir()) == [
        "future-schedule.fit",
        "good.fit",
    ]


def test_until_sends_a_plan_a_few_weeks_at_a_time(tmp_path: Path, workouts: Path) -> None:
    (workouts / "good.yaml").write_text(GOOD)
    # Four Mondays from 2098-01-06; --until the second Monday sends the first two only.
    (workouts / "long.yaml").write_text(
        PLAN.replace("2026-01-05", "2098-01-06").replace(
            "  - days: {mon: good.yaml}\n", "  - repeat: 4\n    days: {mon: good.yaml}\n"
        )
    )
    dev = make_device(tmp_path / "fr935", FR935)
    code, _, stderr = run(
        "send", str(workouts / "long.yaml"), "--device", str(dev), "--until", "2098-01-13"
    )
    assert code == 0, stderr
    newfiles = dev / "GARMIN" / "NEWFILES"
    # The same workout on both Mondays: one file, two schedule entries pointing at it.
    assert sorted(p.name for p in newfiles.iterdir()) == ["good.fit", "long-schedule.fit"]
    entries = decoded((newfiles / "long-schedule.fit").read_bytes())["schedule_mesgs"]
    assert len(entries) == 2
    serial = decoded((newfiles / "good.fit").read_bytes())["file_id_mesgs"][0]["serial_number"]
    assert [e["serial_number"] for e in entries] == [serial, serial]


def test_a_plan_to_a_device_without_schedules_goes_without_dates(
    tmp_path: Path, workouts: Path
) -> None:
    (workouts / "good.yaml").write_text(GOOD)
    (workouts / "base.yaml").write_text(PLAN)
    dev = make_device(tmp_path / "edge", EDGE705)
    code, _, stderr = run("send", str(workouts / "base.yaml"), "--device", str(dev), "--all")
    assert code == 0, stderr
    assert "takes no FIT schedules (FIT_TYPE_7)" in stderr
    [sent] = (dev / "Garmin" / "Workouts").iterdir()
    assert sent.name == "good.tcx"
    assert_valid_tcx(sent.read_bytes())


# --- finding the device -----------------------------------------------------------------------


def _discover_below(monkeypatch: pytest.MonkeyPatch, fs: Path) -> None:
    """Device discovery looks below the fake file system root `fs`, not the real one."""
    monkeypatch.setattr(
        send_mod, "open_device", functools.partial(send_mod.open_device, fs_root=fs)
    )


def test_auto_detection_under_a_fake_mount_root(
    tmp_path: Path, workouts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fs = tmp_path / "fs"
    (fs / "media" / "runner" / "USBSTICK").mkdir(parents=True)  # a drive, but not a Garmin
    dev = make_device(fs / "media" / "runner" / "GARMIN", FR935)
    _discover_below(monkeypatch, fs)
    code, stdout, stderr = run("send", str(workouts))
    assert code == 0, stderr
    assert stdout == f"{workouts / 'hills.yaml'} -> {dev / 'GARMIN' / 'NEWFILES' / 'hills.fit'}\n"


def test_several_devices_are_listed_and_need_device(
    tmp_path: Path, workouts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fs = tmp_path / "fs"
    a = make_device(fs / "media" / "runner" / "GARMIN", FR935)
    b = make_device(fs / "run" / "media" / "runner" / "EDGE", EDGE705)
    _discover_below(monkeypatch, fs)
    code, stdout, stderr = run("send", str(workouts))
    assert code == 2
    assert str(a) in stderr and str(b) in stderr
    assert "--device" in stderr
    assert stdout == ""
    assert not (a / "GARMIN" / "NEWFILES").exists()
    assert not (b / "Garmin" / "Workouts").exists()


def test_no_device_explains_how_to_mount_an_mtp_watch(
    tmp_path: Path, workouts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fs = tmp_path / "fs"
    (fs / "media" / "runner" / "USBSTICK").mkdir(parents=True)
    _discover_below(monkeypatch, fs)
    code, _, stderr = run("send", str(workouts))
    assert code == 1
    assert "no mounted Garmin device found" in stderr
    assert "gio mount" in stderr and "jmtpfs" in stderr


def test_every_kind_of_mount_point_is_searched(tmp_path: Path) -> None:
    fs = tmp_path / "fs"
    media = make_device(fs / "media" / "u" / "GARMIN", FR935)
    run_media = make_device(fs / "run" / "media" / "u" / "EDGE", EDGE705)
    gvfs = make_device(
        fs / "run" / "user" / "1000" / "gvfs" / "mtp:host=091e_4b80" / "Primary", FR935
    )
    mac = make_device(fs / "Volumes" / "GARMIN", FR935)
    win = make_device(fs / "E:", FR935)
    (fs / "media" / "u" / "EMPTY").mkdir()
    assert find_devices(fs, platform="linux") == [media, run_media, gvfs]
    assert find_devices(fs, platform="darwin") == [mac, media, run_media, gvfs]
    assert find_devices(fs, platform="win32") == [win]


# --- writing safely ---------------------------------------------------------------------------


def test_read_only_device_gives_an_error_and_nothing_is_written(
    tmp_path: Path, workouts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Running as root makes chmod useless for this, so the device's refusal is simulated
    # where every write starts.
    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    dev = make_device(tmp_path / "fr935", FR935)
    before = snapshot(dev)
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    monkeypatch.setattr(Path, "mkdir", lambda *a, **k: refuse())
    code, stdout, stderr = run("send", str(workouts), "--device", str(dev))
    assert code == 1
    assert "the device is read-only" in stderr
    assert "nothing was sent" in stderr
    assert stdout == ""
    assert snapshot(dev) == before


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes through chmod 0555"
)
def test_read_only_folder_for_real(tmp_path: Path, workouts: Path) -> None:
    dev = make_device(tmp_path / "fr935", FR935)
    (dev / "GARMIN" / "NEWFILES").mkdir()
    (dev / "GARMIN" / "NEWFILES").chmod(0o555)
    try:
        code, _, stderr = run("send", str(workouts), "--device", str(dev))
    finally:
        (dev / "GARMIN" / "NEWFILES").chmod(0o755)
    assert code == 1
    assert "nothing was sent" in stderr
    assert list((dev / "GARMIN" / "NEWFILES").iterdir()) == []


def test_device_full_midway_removes_what_the_run_wrote(
    tmp_path: Path, workouts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workouts / "tempo.yaml").write_text(GOOD.replace("Good", "Tempo"))
    dev = make_device(tmp_path / "fr935", FR935)
    before = snapshot(dev)
    calls: list[Path] = []

    def fill_up(target: Path, data: bytes) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        put_file(target, data)

    monkeypatch.setattr(send_mod, "write_to_device", fill_up)
    code, stdout, stderr = run("send", str(workouts), "--device", str(dev))
    assert code == 1
    assert len(calls) == 2  # the first file really was written before the device filled up
    assert "the device is full; nothing was sent" in stderr
    assert stdout == ""
    assert snapshot(dev) == before  # the first file and the NEWFILES folder are gone again


def test_a_device_short_of_space_is_refused_before_writing(
    tmp_path: Path, workouts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dev = make_device(tmp_path / "fr935", FR935)
    before = snapshot(dev)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: SimpleNamespace(total=1 << 30, free=10))
    code, _, stderr = run("send", str(workouts), "--device", str(dev))
    assert code == 1
    assert "the device is full: 10 bytes free" in stderr
    assert snapshot(dev) == before


def test_where_rename_fails_the_file_is_written_and_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_rename(src: str, dst: str) -> None:
        raise OSError(errno.ENOSYS, os.strerror(errno.ENOSYS))

    monkeypatch.setattr(os, "rename", no_rename)
    put_file(tmp_path / "a.fit", b"payload")
    assert snapshot(tmp_path) == {"a.fit": b"payload"}


def test_a_read_back_that_differs_is_an_error_and_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_rename(src: str, dst: str) -> None:
        raise OSError(errno.ENOSYS, os.strerror(errno.ENOSYS))

    real_open = Path.open

    class KeepsThreeBytes:
        """A file on a device that keeps only part of what it is given."""

        def __init__(self, fh: Any) -> None:
            self.fh = fh

        def __enter__(self) -> KeepsThreeBytes:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()

        def write(self, data: bytes) -> int:
            return int(self.fh.write(data[:3]))

        def flush(self) -> None:
            self.fh.flush()

        def fileno(self) -> int:
            return int(self.fh.fileno())

    def lossy_open(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if mode == "xb":
            return KeepsThreeBytes(real_open(self, mode))
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(os, "rename", no_rename)
    monkeypatch.setattr(Path, "open", lossy_open)
    with pytest.raises(OSError, match="read back from the device differs"):
        put_file(tmp_path / "a.fit", b"payload")
    monkeypatch.undo()
    assert snapshot(tmp_path) == {}


# --- device limits, and what a plan will hand to send -----------------------------------------


def schedule_fit(entries: int) -> bytes:
    """A real FIT schedule file (file_id type 7) with `entries` schedule messages."""
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.schedule_message import ScheduleMessage
    from fit_tool.profile.profile_type import FileType, Manufacturer, Schedule

    builder = FitFileBuilder(auto_define=True, min_string_size=0)
    file_id = FileIdMessage()
    file_id.type = FileType.SCHEDULES
    file_id.manufacturer = Manufacturer.DEVELOPMENT.value
    file_id.serial_number = 7
    builder.add(file_id)
    for day in range(entries):
        msg = ScheduleMessage()
        msg.manufacturer = Manufacturer.DEVELOPMENT.value
        msg.serial_number = 100 + day
        msg.completed = False
        msg.type = Schedule.WORKOUT
        # local_date_time, stored raw: seconds since the FIT epoch (1989-12-31), from 2026-01-05
        msg.scheduled_time = 1_767_571_200 - 631_065_600 + 86_400 * day
        builder.add(msg)
    data: bytes = builder.build().to_bytes()
    assert len(decoded(data)["schedule_mesgs"]) == entries
    return data


@pytest.mark.parametrize(("entries", "warned"), [(30, False), (31, True)])
def test_more_scheduled_entries_than_a_watch_keeps_draw_a_warning(
    tmp_path: Path, entries: int, warned: bool
) -> None:
    device = read_device(make_device(tmp_path / "fr935", FR935))
    unit = Unit(
        source="base.yaml",
        files=(
            SendFile(kind=Kind.FIT_WORKOUT, name="2026-01-05-easy.fit", data=fit_workout("Easy")),
            SendFile(
                kind=Kind.FIT_SCHEDULE,
                name="base-schedule.fit",
                data=schedule_fit(entries),
            ),
        ),
    )
    placements, notes = place(device, [unit])
    newfiles = device.root / "GARMIN" / "NEWFILES"
    assert [p.target for p in placements] == [
        newfiles / "2026-01-05-easy.fit",
        newfiles / "base-schedule.fit",
    ]
    warnings = [d.message for d in notes if d.severity == "warning"]
    assert bool(warnings) is warned
    if warned:
        assert "31 scheduled workouts" in warnings[0] and "about 30" in warnings[0]
    written = write_all(placements)
    assert written == [p.target for p in placements]
    assert len(decoded((newfiles / "base-schedule.fit").read_bytes())["schedule_mesgs"]) == entries


def test_a_unit_the_device_cannot_take_is_not_placed_at_all(tmp_path: Path) -> None:
    device = read_device(make_device(tmp_path / "edge", EDGE705))
    unit = Unit(
        source="base.yaml",
        files=(
            SendFile(kind=Kind.TCX_WORKOUTS, name="easy.tcx", data=b"<x/>"),
            SendFile(kind=Kind.FIT_SCHEDULE, name="base-schedule.fit", data=schedule_fit(2)),
        ),
    )
    placements, notes = place(device, [unit])
    assert placements == []
    assert [d.severity for d in notes] == ["error"]
    assert "EDGE705 takes no FIT schedules" in notes[0].message


def test_a_schedule_that_does_not_decode_is_not_sent(tmp_path: Path) -> None:
    device = read_device(make_device(tmp_path / "fr935", FR935))
    broken = schedule_fit(3)[:-5]
    unit = Unit(
        source="base.yaml",
        files=(SendFile(kind=Kind.FIT_SCHEDULE, name="base-schedule.fit", data=broken),),
    )
    placements, notes = place(device, [unit])
    assert placements == []
    assert [d.severity for d in notes] == ["error"]
    assert "base-schedule.fit does not decode as FIT" in notes[0].message


def test_send_errors_are_workout_errors() -> None:
    assert issubclass(send_mod.SendError, WorkoutError)
