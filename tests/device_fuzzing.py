"""Inputs for fuzzing `send` with hostile devices, and the target that runs them.

`descriptor(rng)` mutates one of the real GarminDevice.xml files in tests/files/devices with
lxml, aware of its structure: folder paths (`..`, absolute, drive and UNC paths, control
characters, huge), data type names, directions and file extensions, the model's name,
duplicated, added and removed entries; then, for some inputs, the bytes: a DOCTYPE with
internal, external and nested entities, another encoding, a cut or a flipped byte.
`layout(rng)` picks how the fake device's folders lie: plain, a lowercase `garmin`, a
`NEWFILES` symlinked out of the device or inside it, a whole `GARMIN` symlinked out, a file
where a folder belongs, files already there.

`check_device(data, layout, work)` builds the fake device in `work/dev` beside
`work/outside` (the computer's disk, holding a secret) and runs what `send` runs: read the
device, pick the kind, place a workout and a schedule, check space, write, describe. A
WorkoutError is a clean answer; any other exception is a crash. The invariants: nothing
changes outside `work/dev`, every file written lies inside it (symlinks resolved), no
temporary file stays, the secret is never read into anything printed, and every printed
line is free of control and bidirectional characters. Used by tests/test_device_fuzz.py and
benchmarks/device_campaign.py.
"""

from __future__ import annotations

import copy
import functools
import os
import random
import shutil
import unicodedata
from pathlib import Path

from lxml import etree

from workoutexport.device import DeviceError, Kind, read_device
from workoutexport.diagnostics import WorkoutError, printable
from workoutexport.send import (
    SendFile,
    Unit,
    check_space,
    describe,
    place,
    workout_kind,
    write_all,
)

DEVICES = Path(__file__).resolve().parent / "files" / "devices"
NS = "{http://www.garmin.com/xmlschemas/GarminDevice/v2}"
SECRET = "s3cr3t-token-do-not-print"

# Placeholders for text lxml will not hold (control characters): replaced in the bytes.
C0, C1 = "@@C0@@", "@@C1@@"

PATHS = [
    "GARMIN/NEWFILES",
    "Garmin/Workouts",
    "GARMIN",
    ".",
    "",
    "./GARMIN//NEWFILES/.",
    "garmin\\newfiles",
    "../../outside/evil",
    "GARMIN/../../outside",
    "GARMIN/NEWFILES/../../..",
    "..",
    "../outside",
    "/tmp/evil",
    "{outside}",
    "{outside}/evil",
    "\\\\server\\share",
    "C:\\evil",
    "c:evil",
    "~/evil",
    "$HOME/evil",
    "GARMIN/CON",
    "GARMIN/a:b",
    "NEWTOP/NEWFILES",
    f"GARMIN/NEW{C0}FILES",
    f"GARMIN/NEW{C1}FILES",
    "GARMIN/NEW\u202eFILES",
    "GARMIN/" + "A" * 300,
    "GARMIN/" + "/".join(["d"] * 60),
    "GARMIN/" + "x" * 5000,
]
TEXTS = [
    "Forerunner 935",
    "",
    "   ",
    f"Mile{C0}]0;PWNED",
    f"csi{C1}31m",
    "cr&#13;FAKE",
    "lf&#10;FAKE LINE",
    "rlo\u202eLIAM",
    "\u2028sep",
    "emoji 🏃",
    "A" * 100_000,
]
NAMES = [k.value for k in Kind] + ["FIT_TYPE_4", "fit_type_5", "", "FitnessWorkout", "X" * 500]
DIRECTIONS = ["InputToUnit", "InputOutput", "OutputFromUnit", "", "inputtounit", "Both"]
EXTENSIONS = ["FIT", "fit", "tcx", "", "../x", "F\u202eIT", "A" * 1000]
LAYOUTS = [
    "plain",
    "plain",
    "plain",
    "lowercase",
    "newfiles-out",
    "newfiles-inside",
    "garmin-out",
    "newfiles-file",
    "occupied",
    "dangling",
]


@functools.cache
def seeds() -> tuple[bytes, ...]:
    return tuple(p.read_bytes() for p in sorted(DEVICES.glob("*.xml")))


def _pick(rng: random.Random, elements: list[etree._Element]) -> etree._Element | None:
    return rng.choice(elements) if elements else None


def _set(rng: random.Random, tree: etree._Element, tag: str, values: list[str]) -> None:
    found = _pick(rng, list(tree.iter(f"{NS}{tag}")))
    if found is not None:
        found.text = rng.choice(values)


def _entry(rng: random.Random, tree: etree._Element) -> None:
    """A new inbound entry for a kind send writes, with any path."""
    storage = _pick(rng, list(tree.iter(f"{NS}MassStorageMode")))
    if storage is None:
        return
    kind = rng.choice([k.value for k in Kind])
    data_type = etree.SubElement(storage, f"{NS}DataType")
    etree.SubElement(data_type, f"{NS}Name").text = kind
    file = etree.SubElement(data_type, f"{NS}File")
    location = etree.SubElement(file, f"{NS}Location")
    etree.SubElement(location, f"{NS}Path").text = rng.choice(PATHS)
    etree.SubElement(location, f"{NS}FileExtension").text = rng.choice(EXTENSIONS)
    etree.SubElement(file, f"{NS}TransferDirection").text = rng.choice(DIRECTIONS[:2])
    if rng.random() < 0.5:  # first in the list, so it is the one used
        storage.remove(data_type)
        storage.insert(0, data_type)


def _duplicate(rng: random.Random, tree: etree._Element) -> None:
    found = _pick(rng, list(tree.iter(f"{NS}DataType")))
    parent = None if found is None else found.getparent()
    if found is not None and parent is not None:
        for _ in range(rng.choice([1, 2, 50])):
            parent.append(copy.deepcopy(found))


def _remove(rng: random.Random, tree: etree._Element) -> None:
    found = _pick(rng, [e for e in tree.iter() if e.getparent() is not None])
    parent = None if found is None else found.getparent()
    if found is not None and parent is not None:
        parent.remove(found)


MUTATIONS = [
    lambda rng, tree: _set(rng, tree, "Path", PATHS),
    lambda rng, tree: _set(rng, tree, "Path", PATHS),
    lambda rng, tree: _set(rng, tree, "Description", TEXTS),
    lambda rng, tree: _set(rng, tree, "Name", NAMES),
    lambda rng, tree: _set(rng, tree, "TransferDirection", DIRECTIONS),
    lambda rng, tree: _set(rng, tree, "FileExtension", EXTENSIONS),
    lambda rng, tree: _set(rng, tree, "PartNumber", TEXTS),
    _entry,
    _entry,
    _duplicate,
    _remove,
]

DOCTYPES = [
    '<!DOCTYPE Device [<!ENTITY x "expanded">]>',
    '<!DOCTYPE Device [<!ENTITY x SYSTEM "file://{secret}">]>',
    '<!DOCTYPE Device SYSTEM "http://example.invalid/evil.dtd">',
    '<!DOCTYPE Device [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY x "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
    '<!DOCTYPE Device [<!ENTITY % p SYSTEM "file://{secret}"> %p;]>',
]


def _bytes(rng: random.Random, data: bytes, secret: Path) -> bytes:
    choice = rng.randrange(6)
    if choice == 0:  # entities: the model's name, or a path, becomes &x;
        doctype = rng.choice(DOCTYPES).replace("{secret}", str(secret)).encode()
        start = data.index(b"?>") + 2 if data.startswith(b"<?xml") else 0
        data = data[:start] + doctype + data[start:]
        target = rng.choice([b"<Description>", b"<Path>"])
        return data.replace(target, target + b"&x;", 1)
    if choice == 1:
        return data[: rng.randrange(len(data) + 1)]
    if choice == 2:
        out = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out)
    if choice == 3:
        encoding = rng.choice([b"ISO-8859-1", b"UTF-16", b"bogus", b"ASCII"])
        return data.replace(b'encoding="UTF-8"', b'encoding="' + encoding + b'"', 1)
    if choice == 4:
        return rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"junk", b" \n"]) + data
    return data.replace(b"GarminDevice/v2", rng.choice([b"GarminDevice/v1", b"x"]), 1)


def descriptor(rng: random.Random, secret: Path, outside: Path) -> bytes:
    """A mutated copy of a real descriptor (see the module's docstring)."""
    tree = etree.fromstring(rng.choice(seeds()))
    for _ in range(rng.randint(1, 4)):
        rng.choice(MUTATIONS)(rng, tree)
    data: bytes = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    data = data.replace(b"{outside}", str(outside).encode())
    for placeholder in (C0, C1):
        while placeholder.encode() in data:
            char = rng.choice(
                ["\x1b", "\x07", "\r", "\n", "\x00"] if placeholder == C0 else ["\x9b", "\x85"]
            )
            form = rng.choice(["raw", "ref"])
            text = char.encode() if form == "raw" else f"&#x{ord(char):x};".encode()
            if form == "raw" and ord(char) >= 0x80:
                text = char.encode("utf-8")
            data = data.replace(placeholder.encode(), text, 1)
    if rng.random() < 0.25:
        data = _bytes(rng, data, secret)
    return data


def layout(rng: random.Random) -> str:
    return rng.choice(LAYOUTS)


@functools.cache
def _files() -> tuple[bytes, bytes, bytes]:
    from test_send import fit_workout, schedule_fit

    return fit_workout("Fuzz"), b"<TrainingCenterDatabase/>", schedule_fit(3)


def _build(data: bytes, how: str, work: Path) -> Path:
    dev = work / "dev"
    outside = work / "outside"
    garmin = dev / ("garmin" if how == "lowercase" else "GARMIN")
    garmin.mkdir(parents=True)
    (garmin / "GarminDevice.xml").write_bytes(data)
    if how == "newfiles-out":
        (garmin / "NEWFILES").symlink_to(outside)
    elif how == "newfiles-inside":
        (garmin / "INBOX").mkdir()
        (garmin / "NEWFILES").symlink_to(garmin / "INBOX")
    elif how == "garmin-out":
        garmin.rename(outside / "GARMIN")
        garmin.symlink_to(outside / "GARMIN")
    elif how == "newfiles-file":
        (garmin / "NEWFILES").write_bytes(b"not a folder")
    elif how == "occupied":
        (garmin / "NEWFILES").mkdir()
        (garmin / "NEWFILES" / "fuzz.fit").write_bytes(b"someone else's")
    elif how == "dangling":
        (garmin / "NEWFILES").symlink_to(outside / "missing")
    return dev


def _state(folder: Path) -> dict[str, bytes | str | None]:
    out: dict[str, bytes | str | None] = {}
    for here, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(here) / name
            key = str(path.relative_to(folder))
            if path.is_symlink():
                out[key] = "-> " + os.readlink(path)
            elif path.is_file():
                out[key] = path.read_bytes()
            else:
                out[key] = None
    return out


def _clean(text: str) -> str | None:
    """The first character not safe to print on a line of `text`, or None."""
    for line in text.split("\n"):
        for c in line:
            if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs"):
                return c
    return None


class Broken(AssertionError):
    """An invariant of `check_device` does not hold."""


def check_device(data: bytes, how: str, work: Path) -> str:
    """Run send's steps on a fake device holding descriptor `data`; the outcome's name.

    Raises Broken when an invariant fails, and lets any unexpected exception through.
    """
    outside = work / "outside"
    outside.mkdir(parents=True)
    (outside / "secret.txt").write_text(SECRET)
    dev = _build(data, how, work)
    before_outside = _state(outside)
    before_work = sorted(p.name for p in work.iterdir())
    printed: list[str] = []
    outcome = "sent"
    written: list[Path] = []
    try:
        device = read_device(dev)
        printed.append(printable(device.model, 80))
        kind = workout_kind(device)
        fit, tcx, schedule = _files()
        name, body = ("fuzz.tcx", tcx) if kind is Kind.TCX_WORKOUTS else ("fuzz.fit", fit)
        files = [SendFile(kind=kind, name=name, data=body)]
        if device.takes(Kind.FIT_SCHEDULE):
            files.append(SendFile(kind=Kind.FIT_SCHEDULE, name="plan-schedule.fit", data=schedule))
        placements, notes = place(device, [Unit(source="fuzz.yaml", files=tuple(files))])
        printed += [d.format() for d in notes]
        full = check_space(placements)
        printed += [d.format() for d in full]
        if any(d.severity == "error" for d in notes):
            outcome = "placed-with-errors"
        if not full:
            written = write_all(placements)
        printed += [describe(p) for p in placements]
    except DeviceError as exc:
        printed += [d.format() for d in exc.diagnostics]
        outcome = "device-refused"
    except WorkoutError as exc:
        printed += [d.format() for d in exc.diagnostics]
        outcome = "send-refused"
    if _state(outside) != before_outside:
        raise Broken(f"{how}: something changed outside the device")
    if sorted(p.name for p in work.iterdir()) != before_work:
        raise Broken(f"{how}: something appeared beside the device")
    base = Path(os.path.realpath(dev))
    for path in written:
        if not Path(os.path.realpath(path)).is_relative_to(base):
            raise Broken(f"{how}: {path} was written off the device")
    if os.path.lexists(dev):
        for here, _dirs, names in os.walk(dev):
            stale = [n for n in names if n.endswith(".tmp") and ".wx" in n]
            if stale:
                raise Broken(f"{how}: temporary files left in {here}: {stale}")
    for text in printed:
        bad = _clean(text)
        if bad is not None:
            raise Broken(f"{how}: {bad!r} printed raw in {text[:200]!r}")
        if SECRET in text:
            raise Broken(f"{how}: the secret outside the device was printed")
    return outcome


def run_one(rng: random.Random, scratch: Path) -> tuple[str, bytes, str]:
    """One input of seed `rng` in a fresh folder below `scratch` (removed after):
    (outcome, descriptor, layout)."""
    work = scratch / f"case-{rng.getrandbits(48):012x}"
    work.mkdir()
    try:
        data = descriptor(rng, work / "outside" / "secret.txt", work / "outside")
        how = layout(rng)
        return check_device(data, how, work), data, how
    finally:
        shutil.rmtree(work, ignore_errors=True)
