"""`send` stays on the device: hostile descriptors, symlinked folders, a device that goes away
mid-send, signals during a send, and names that must not reach the terminal raw.

Each fake device is a real descriptor (tests/files/devices) in a folder of its own beside an
`outside` folder that stands for the computer's disk: every test checks that nothing appeared
anywhere but where it should.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from test_send import DEVICES, FR935, make_device, run, snapshot
from workoutexport import send as send_mod
from workoutexport.device import DeviceError, Kind, read_device
from workoutexport.outputs import write_to_device as put_file
from workoutexport.send import SendError, SendFile, Unit, place, write_all

from conftest import decoded

# Twelve sessions and a schedule: a send of many files, interrupted or cut off midway.
# Twelve distinct sessions (a plan writes one file per distinct session): the warm-up grows.
PLAN = (
    "name: Base\nstart: 2098-01-06\nweeks:\n"
    "  - repeat: 6\n    progress: {warm: 10%}\n"
    "    days: {mon: good.yaml, wed: {workout: good.yaml, set: {warm: 12min}}}\n"
)
GOOD = "name: Good\nvars:\n  warm: 10min\nsteps:\n  - warmup: ${warm}\n  - run: 400m\n"


def hostile_descriptor(root: Path, *, old: str, new: str, garmin: str = "GARMIN") -> Path:
    """A fake device whose Forerunner 935 descriptor has `old` replaced by `new`."""
    text = (DEVICES / FR935).read_text()
    assert old in text
    (root / garmin).mkdir(parents=True)
    (root / garmin / "GarminDevice.xml").write_text(text.replace(old, new))
    return root


def tree(folder: Path) -> dict[str, bytes | None]:
    return snapshot(folder) if folder.exists() else {}


def assert_printable(text: str) -> None:
    """No control, format (bidi) or separator character on any line printed."""
    for line in text.split("\n"):
        bad = [c for c in line if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs")]
        assert not bad, f"raw {bad!r} in {line!r}"


@pytest.fixture
def space(tmp_path: Path) -> Path:
    """A workout to send, and an 'outside' folder standing for the computer's disk."""
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "hills.yaml").write_text(GOOD.replace("Good", "Hills"))
    (tmp_path / "outside").mkdir()
    return tmp_path


# --- every folder a descriptor names lies inside the device -----------------------------------


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("../../outside/evil", "climbs out of the device with '..'"),
        ("GARMIN/../../outside", "climbs out of the device with '..'"),
        ("GARMIN\\..\\..\\outside", "climbs out of the device with '..'"),
        ("{outside}/evil", "is an absolute path"),
        ("\\\\server\\share", "is an absolute path"),
        ("C:/evil", "is an absolute path"),
        ("c:evil", "is an absolute path"),
        ("GARMIN/NEW&#x9b;FILES", "holds a control character"),
        ("GARMIN/NEW&#10;FILES", "holds a control character"),
    ],
)
def test_a_descriptor_folder_off_the_device_is_refused_and_nothing_written(
    space: Path, path: str, why: str
) -> None:
    path = path.format(outside=space / "outside")
    dev = hostile_descriptor(space / "dev", old="GARMIN/NEWFILES", new=path)
    before = snapshot(space)
    code, stdout, stderr = run("send", str(space / "w"), "--device", str(dev))
    assert code == 1
    assert f"{dev / 'GARMIN' / 'GarminDevice.xml'}:1:1: error: the folder" in stderr
    assert why in stderr and "nothing was sent" in stderr
    assert "Traceback" not in stderr
    assert stdout == ""
    assert snapshot(space) == before
    assert_printable(stderr)
    with pytest.raises(DeviceError):
        read_device(dev)


def test_a_folder_inside_the_device_with_dot_parts_is_still_taken(space: Path) -> None:
    dev = hostile_descriptor(space / "dev", old="GARMIN/NEWFILES", new="./GARMIN//NEWFILES/.")
    code, _, stderr = run("send", str(space / "w"), "--device", str(dev))
    assert code == 0, stderr
    sent = dev / "GARMIN" / "NEWFILES" / "hills.fit"
    assert decoded(sent.read_bytes())["workout_mesgs"][0]["wkt_name"] == "Hills"


@pytest.mark.parametrize("link", ["GARMIN/NEWFILES", "GARMIN"])
def test_a_symlinked_folder_leaving_the_device_is_refused(space: Path, link: str) -> None:
    dev = make_device(space / "dev", FR935)
    if link == "GARMIN":
        # The whole GARMIN folder, descriptor and all, lives on the computer's disk.
        (dev / "GARMIN").rename(space / "outside" / "GARMIN")
        (dev / "GARMIN").symlink_to(space / "outside" / "GARMIN")
    else:
        (dev / "GARMIN" / "NEWFILES").symlink_to(space / "outside")
    before = snapshot(space / "outside")
    code, stdout, stderr = run("send", str(space / "w"), "--device", str(dev))
    assert code == 1
    assert "leads out of the device" in stderr and "nothing was sent" in stderr
    assert stdout == ""
    assert snapshot(space / "outside") == before


def test_a_symlink_that_stays_on_the_device_is_followed(space: Path) -> None:
    dev = make_device(space / "dev", FR935)
    (dev / "GARMIN" / "INBOX").mkdir()
    (dev / "GARMIN" / "NEWFILES").symlink_to(dev / "GARMIN" / "INBOX")
    code, _, stderr = run("send", str(space / "w"), "--device", str(dev))
    assert code == 0, stderr
    assert decoded((dev / "GARMIN" / "INBOX" / "hills.fit").read_bytes())["workout_mesgs"]


def test_a_folder_turned_into_a_symlink_after_placing_is_refused_at_the_write(
    space: Path,
) -> None:
    device = read_device(make_device(space / "dev", FR935))
    unit = Unit(source="w.yaml", files=(SendFile(kind=Kind.FIT_WORKOUT, name="w.fit", data=b"x"),))
    placements, notes = place(device, [unit])
    assert notes == []
    (device.root / "GARMIN" / "NEWFILES").symlink_to(space / "outside")
    with pytest.raises(SendError) as caught:
        write_all(placements)
    assert "leads out of the device" in caught.value.diagnostics[0].message
    assert tree(space / "outside") == {}


def test_send_never_creates_a_folder_at_the_top_of_the_device(space: Path) -> None:
    # The descriptor puts workouts in INBOX/NEW, and the device has no INBOX: not made.
    dev = hostile_descriptor(space / "dev", old="GARMIN/NEWFILES", new="INBOX/NEW")
    before = snapshot(dev)
    code, _, stderr = run("send", str(space / "w"), "--device", str(dev))
    assert code == 1
    assert "the device has no INBOX folder, and send makes none at its top" in stderr
    assert snapshot(dev) == before


# --- the device must still be the device ------------------------------------------------------


def test_a_device_unplugged_midway_leaves_nothing_on_the_computer(
    space: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (space / "w" / "good.yaml").write_text(GOOD)
    (space / "w" / "base.yaml").write_text(PLAN)
    dev = make_device(space / "dev", FR935)
    calls: list[Path] = []

    def unplug_after_first(target: Path, data: bytes) -> None:
        put_file(target, data)
        calls.append(target)
        if len(calls) == 1:
            # The watch goes away; its mount point stays behind, empty, on the computer.
            dev.rename(space / "unplugged")
            dev.mkdir()

    monkeypatch.setattr(send_mod, "write_to_device", unplug_after_first)
    code, stdout, stderr = run("send", str(space / "w" / "base.yaml"), "--device", str(dev))
    assert code == 1
    assert len(calls) == 1
    assert f"the device is no longer mounted at {dev}" in stderr
    assert "nothing was sent" in stderr and "may still be on it" in stderr
    assert stdout == ""
    assert snapshot(dev) == {}  # no GARMIN/NEWFILES made on the computer's disk
    assert tree(space / "outside") == {}


def test_a_root_on_another_file_system_than_when_opened_gets_nothing(
    space: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dev = make_device(space / "dev", FR935)
    (space / "w" / "tempo.yaml").write_text(GOOD.replace("Good", "Tempo"))
    real_stat = os.stat
    swapped: list[bool] = []

    def stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        st = real_stat(path, *args, **kwargs)
        if swapped and str(path) == str(dev):
            fields = list(st)
            fields[2] = st.st_dev + 1  # st_dev: another file system is mounted there now
            return os.stat_result(fields)
        return st

    def swap_after_first(target: Path, data: bytes) -> None:
        put_file(target, data)
        swapped.append(True)

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(send_mod, "write_to_device", swap_after_first)
    code, _, stderr = run("send", str(space / "w"), "--device", str(dev))
    assert code == 1
    assert len(swapped) == 1
    assert "the device is no longer mounted at" in stderr
    assert sorted(p.name for p in (dev / "GARMIN" / "NEWFILES").iterdir()) == ["hills.fit"]


# --- all or nothing on signals ----------------------------------------------------------------

SIGNAL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from workoutexport import send
    from workoutexport.cli import main
    from workoutexport.outputs import write_to_device

    # As at a terminal: a shell's background job (CI, nohup) would inherit SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    written = []

    def write_then_signal(target, data):
        write_to_device(target, data)
        written.append(target)
        if len(written) == 3:
            os.kill(os.getpid(), getattr(signal, sys.argv[1]))

    send.write_to_device = write_then_signal
    main(sys.argv[2:])
    """
)


@pytest.mark.parametrize(("signame", "code"), [("SIGTERM", -signal.SIGTERM), ("SIGINT", 1)])
def test_a_signal_during_a_plan_send_leaves_none_of_its_files(
    space: Path, signame: str, code: int
) -> None:
    (space / "w" / "good.yaml").write_text(GOOD)
    (space / "w" / "base.yaml").write_text(PLAN)
    dev = make_device(space / "dev", FR935)
    newfiles = dev / "GARMIN" / "NEWFILES"
    newfiles.mkdir()
    (newfiles / "mine.fit").write_bytes(b"someone else's file")
    before = snapshot(dev)
    script = space / "send_then_signal.py"
    script.write_text(SIGNAL_SCRIPT)
    argv = ["send", str(space / "w" / "base.yaml"), "--device", str(dev)]
    done = subprocess.run(
        [sys.executable, str(script), signame, *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    assert snapshot(dev) == before  # no session, no schedule, no temporary file


def test_an_interrupt_right_after_a_write_removes_that_file_too(space: Path) -> None:
    device = read_device(make_device(space / "dev", FR935))
    files = tuple(
        SendFile(kind=Kind.FIT_WORKOUT, name=f"{n}.fit", data=n.encode()) for n in ("a", "b")
    )
    placements, _ = place(device, [Unit(source="p.yaml", files=files)])
    before = snapshot(device.root)

    def write_then_interrupt(target: Path, data: bytes) -> None:
        put_file(target, data)
        if target.name == "b.fit":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_all(placements, writer=write_then_interrupt)
    assert snapshot(device.root) == before


def test_a_killed_sends_temporary_files_are_removed_by_the_next(space: Path) -> None:
    dev = make_device(space / "dev", FR935)
    newfiles = dev / "GARMIN" / "NEWFILES"
    newfiles.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = newfiles / f".hills.fit.wx{dead.pid}.k3j2.tmp"
    stale.write_bytes(b"half a FIT")
    alive = newfiles / f".tempo.fit.wx{os.getppid()}.k3j2.tmp"  # a live process's: kept
    alive.write_bytes(b"in progress")
    code, _, stderr = run("send", str(space / "w"), "--device", str(dev))
    assert code == 0, stderr
    assert sorted(p.name for p in newfiles.iterdir()) == [alive.name, "hills.fit"]


# --- nothing printed raw ----------------------------------------------------------------------

HOSTILE = ["esc\x1b]0;PWNED\x07", "csi\x9b31m", "cr\rFAKE LINE", "lf\nFAKE LINE", "rlo\u202eLIAM"]


def test_source_names_model_and_device_root_are_printed_safely(space: Path) -> None:
    for i, name in enumerate(HOSTILE):
        (space / "w" / f"{name}.yaml").write_text(GOOD.replace("Good", f"W{i}"))
    model = "Fore&#x9b;runner&#13;&#10;FAKE\u202e935"
    dev = hostile_descriptor(
        space / "dev\x1b[2Jroot", old="<Description>Forerunner 935<", new=f"<Description>{model}<"
    )
    for args in ([], ["--dry-run"]):
        code, stdout, stderr = run("send", str(space / "w"), "--device", str(dev), *args)
        assert code == 0, stderr
        assert_printable(stdout)
        assert_printable(stderr)
        # One line per file sent, each an escaped source name and its target.
        assert len(stdout.splitlines()) == len(HOSTILE) + 1
        assert "\\x1b]0;PWNED\\x07" in stdout and "\\u202eLIAM" in stdout
        assert "Fore\\x9brunner\\r\\nFAKE\\u202e935" in stderr
        assert "dev\\x1b[2Jroot" in stderr


def test_a_hostile_descriptor_path_is_printed_safely(space: Path) -> None:
    dev = hostile_descriptor(space / "dev", old="GARMIN/NEWFILES", new="../\u202eevil&#x9b;")
    code, _, stderr = run("send", str(space / "w"), "--device", str(dev))
    assert code == 1
    assert_printable(stderr)
    assert "../\\u202eevil\\x9b" in stderr


def test_several_devices_with_hostile_names_are_listed_safely(
    space: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fs = space / "fs"
    for name in HOSTILE[:4]:
        make_device(fs / "media" / "runner" / name.replace("\n", "_"), FR935)
    make_device(fs / "run" / "media" / "runner" / "lf\nFAKE", FR935)
    monkeypatch.setattr(
        send_mod, "open_device", functools.partial(send_mod.open_device, fs_root=fs)
    )
    code, stdout, stderr = run("send", str(space / "w"))
    assert code == 2
    assert stdout == ""
    assert_printable(stderr)
    assert "esc\\x1b]0;PWNED\\x07" in stderr and "lf\\nFAKE" in stderr
    listed = [line for line in stderr.splitlines() if line.startswith("  ")]
    assert len(listed) == 5
