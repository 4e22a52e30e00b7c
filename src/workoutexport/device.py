"""Garmin devices as they describe themselves: reading `GARMIN/GarminDevice.xml`, finding mounts.

A Garmin device mounted as a drive (USB mass storage, or an MTP mount through gvfs or jmtpfs)
holds `GARMIN/GarminDevice.xml`, which lists for each kind of file (a `DataType` such as
`FIT_TYPE_5` for FIT workouts or `FitnessWorkouts` for TCX workouts) the folder it is read
from or written to and in which direction. Nothing here guesses a folder: it is what the
device says, matched without regard to case as FAT does.

The device root bounds every write: a descriptor whose folders are absolute, climb out
with `..` or hold control characters is refused when it is read (`read_device`), a folder
`send` writes to must lead, through any symlinks, to a place inside the root and on the
device's file system (`escapes`), and before each write the root must still be the device
found when it was opened (`check_present`): same file system, descriptor still there.

Error hierarchy::

    DeviceError (WorkoutError)   a folder that is not a usable Garmin device; carries
                                 Diagnostics pointing at the device root or its descriptor
"""

from __future__ import annotations

import errno
import os
import re
import string
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from .diagnostics import Diagnostic, Position, WorkoutError, error, excerpt

DESCRIPTOR = ("GARMIN", "GarminDevice.xml")
_NS = "{http://www.garmin.com/xmlschemas/GarminDevice/v2}"
# A real descriptor is tens of kilobytes; anything far larger is not one.
MAX_DESCRIPTOR_BYTES = 4 * 1024 * 1024
INBOUND = frozenset({"InputToUnit", "InputOutput"})
# A folder name a real descriptor gives is a few dozen characters; FAT holds no control ones.
MAX_PATH_CHARS = 1024
MAX_NAME_CHARS = 255
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_DRIVE = re.compile("[A-Za-z]:")


class DeviceError(WorkoutError):
    """A folder that is not a Garmin device we can send to (the descriptor is missing or bad)."""


class Kind(Enum):
    """A kind of file `send` puts on a device, named by the descriptor's `DataType/Name`."""

    FIT_WORKOUT = "FIT_TYPE_5"
    FIT_SCHEDULE = "FIT_TYPE_7"
    TCX_WORKOUTS = "FitnessWorkouts"
    #: Zwift's custom workouts folder (zwift.py): not a descriptor's name.
    ZWO = "ZWO"

    @property
    def label(self) -> str:
        """How the kind is named in messages."""
        return _LABELS[self]


_LABELS = {
    Kind.FIT_WORKOUT: "FIT workouts (FIT_TYPE_5)",
    Kind.FIT_SCHEDULE: "FIT schedules (FIT_TYPE_7)",
    Kind.TCX_WORKOUTS: "TCX workouts (FitnessWorkouts)",
    Kind.ZWO: "Zwift workouts (.zwo)",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class FileLocation:
    """One `DataType/File` entry: where files of that kind live and which way they travel."""

    data_type: str
    path: str  # relative to the device root, '/'-separated, as the descriptor writes it
    extension: str
    direction: str
    line: int = 0  # where the descriptor gives the path (0: not known)


@dataclass(frozen=True, slots=True, kw_only=True)
class Device:
    """A mounted Garmin device and what its descriptor says."""

    root: Path
    descriptor: Path
    model: str
    part_number: str
    locations: tuple[FileLocation, ...]
    # The file system (st_dev) the root was on when the device was read; None when the
    # descriptor was parsed without looking at the root.
    fs_id: int | None = None

    def inbound_folder(self, kind: Kind) -> str | None:
        """The folder the device reads files of `kind` from, or None if it takes none."""
        for loc in self.locations:
            if loc.data_type == kind.value and loc.direction in INBOUND:
                return loc.path
        return None

    def takes(self, kind: Kind) -> bool:
        """Whether the device takes files of `kind` in."""
        return self.inbound_folder(kind) is not None


def child(folder: Path, name: str) -> Path | None:
    """The entry of `folder` called `name` without regard to case (FAT), or None.

    An exact match wins, so a case-sensitive file system holding both spellings is not
    ambiguous.
    """
    exact = folder / name
    try:
        if exact.exists():
            return exact
        wanted = name.casefold()
        for entry in sorted(folder.iterdir()):
            if entry.name.casefold() == wanted:
                return entry
    except OSError:
        return None
    return None


def resolve(root: Path, relative: str) -> Path:
    """`relative` ('A/B') below `root`, each part matched without regard to case.

    Parts that do not exist keep the descriptor's spelling; nothing is created here. A path
    that `path_problem` refuses raises ValueError: the result never climbs above `root`
    by its name (symlinks are `escapes`' business).
    """
    problem = path_problem(relative)
    if problem is not None:
        raise ValueError(f"the folder {relative!r} {problem}")
    here = root
    missing = False
    for part in relative.replace("\\", "/").split("/"):
        if not part or part == ".":
            continue
        found = None if missing else child(here, part)
        if found is None:
            missing = True
            here = here / part
        else:
            here = found
    return here


def path_problem(path: str) -> str | None:
    """Why a descriptor's folder `path` cannot be below the device root, or None.

    Absolute paths (`/x`, `\\x`, `C:x`), any `..` part and control characters are refused
    outright: no real device names such a folder, and each could carry a write off it; so
    are names longer than FAT holds.
    """
    if len(path) > MAX_PATH_CHARS:
        return f"is longer than {MAX_PATH_CHARS} characters"
    if _CONTROL.search(path):
        return "holds a control character"
    slashed = path.replace("\\", "/")
    if slashed.startswith("/") or _DRIVE.match(slashed):
        return "is an absolute path, not a folder of the device"
    parts = slashed.split("/")
    if ".." in parts:
        return "climbs out of the device with '..'"
    if any(len(part) > MAX_NAME_CHARS for part in parts):
        return f"has a folder name longer than {MAX_NAME_CHARS} characters, which FAT cannot hold"
    return None


def escapes(root: Path, folder: Path, fs_id: int | None = None) -> str | None:
    """Why writing into `folder` would leave the device at `root`, or None.

    The deepest part of `folder` that exists (a symlink counts, followed to its end) must
    lie inside `root` once every symlink is resolved, and on the device's file system
    (`fs_id`, when known): a symlinked `GARMIN/NEWFILES` pointing at the computer's disk is
    refused, one pointing elsewhere on the device is not. The parts that do not exist yet
    are made below that one.
    """
    here = folder
    while not os.path.lexists(here) and here != here.parent:
        here = here.parent
    base = Path(os.path.realpath(root))
    real = Path(os.path.realpath(here))
    if not real.is_relative_to(base):
        return f"{here} leads out of the device (to {real})"
    if fs_id is not None:
        try:
            dev = os.stat(here).st_dev
        except OSError:
            return None  # a dangling symlink inside the device: the write itself will fail
        if dev != fs_id:
            return f"{here} is on another file system than the device"
    return None


def check_present(device: Device) -> None:
    """Raise OSError (ENODEV) unless `device.root` is still the device that was read.

    A watch unmounted while its mount point stays behind leaves an empty folder of the
    computer's own disk at the root: another file system, and no descriptor.
    """
    try:
        dev = os.stat(device.root).st_dev
    except OSError:
        dev = None
    gone = dev is None or (device.fs_id is not None and dev != device.fs_id)
    # Zwift's workouts folder (zwift.py) has no descriptor: the folder itself stands for one.
    present = os.path.isdir(device.root) if device.descriptor == device.root else None
    if gone or present is False or (present is None and descriptor_of(device.root) is None):
        raise OSError(
            errno.ENODEV,
            f"the device is no longer mounted at {device.root} (was it unplugged?)",
        )


def descriptor_of(root: Path) -> Path | None:
    """`GARMIN/GarminDevice.xml` below `root` (any case), or None."""
    garmin = child(root, DESCRIPTOR[0])
    if garmin is None or not garmin.is_dir():
        return None
    found = child(garmin, DESCRIPTOR[1])
    return found if found is not None and found.is_file() else None


def read_device(root: Path) -> Device:
    """Read the descriptor of the device mounted at `root` (raises DeviceError)."""
    descriptor = descriptor_of(root)
    if descriptor is None:
        hint = ""
        if child(root, DESCRIPTOR[1]) is not None:
            hint = f"; this looks like the GARMIN folder itself: give {root.parent}"
        else:
            # MTP mounts (gvfs, jmtpfs) show the watch's storage as a folder below the mount.
            inner = [p for p in _subfolders(root) if descriptor_of(p) is not None]
            if len(inner) == 1:
                hint = f"; the watch's storage is a folder below it: give {inner[0]}"
        raise DeviceError(
            [
                error(
                    Position(str(root), 0, 0),
                    f"not a Garmin device: no {'/'.join(DESCRIPTOR)} here{hint}",
                )
            ]
        )
    shown = str(descriptor)
    from .outputs import read_input

    raw = read_input(
        descriptor,
        Position(shown, 0, 0),
        MAX_DESCRIPTOR_BYTES,
        too_large="too large to be a GarminDevice.xml",
        error_class=DeviceError,
    )
    try:
        fs_id = os.stat(root).st_dev
    except OSError as exc:
        raise DeviceError(
            [error(Position(str(root), 0, 0), f"cannot read: {exc.strerror}")]
        ) from None
    device = parse_descriptor(raw, root=root, descriptor=descriptor, fs_id=fs_id)
    # The descriptor itself (GARMIN/) must not be reached through a symlink off the device.
    problem = escapes(root, descriptor.parent, fs_id)
    problems = [] if problem is None else [(0, problem)]
    for loc in device.locations:
        if loc.direction in INBOUND and loc.data_type in _KINDS:
            found = escapes(root, resolve(root, loc.path), fs_id)
            if found is not None:
                problems.append((loc.line, found))
    if problems:
        raise DeviceError(
            [
                error(
                    Position(shown, line, 1 if line else 0),
                    f"{why}: send writes only inside the device; nothing was sent",
                )
                for line, why in dict.fromkeys(problems)
            ]
        )
    return device


def _subfolders(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.is_dir())
    except OSError:
        return []


def parse_descriptor(
    raw: bytes, *, root: Path, descriptor: Path, fs_id: int | None = None
) -> Device:
    """A Device from the bytes of its GarminDevice.xml (raises DeviceError).

    Every folder the descriptor names must be a relative path below the device root (see
    `path_problem`); one that is not makes the whole descriptor an error at that path's line.
    """
    from lxml import etree

    shown = str(descriptor)
    # The descriptor comes from a device someone plugged in: no network, no entities, no DTD.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        tree = etree.fromstring(raw, parser=parser)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position
        raise DeviceError(
            [error(Position(shown, line, col + 1), f"GarminDevice.xml is not XML: {exc.msg}")]
        ) from None
    if tree.tag != f"{_NS}Device":
        at = tree.sourceline
        raise DeviceError(
            [
                error(
                    Position(shown, at if isinstance(at, int) else 1, 1),
                    "not a GarminDevice.xml: its root element is not a GarminDevice v2 Device",
                )
            ]
        )
    locations = []
    problems: list[Diagnostic] = []
    for data_type in tree.iter(f"{_NS}DataType"):
        name = _child_text(data_type, "Name")
        for file in data_type.iterfind(f"{_NS}File"):
            path_element = file.find(f"{_NS}Location/{_NS}Path")
            at = getattr(path_element, "sourceline", None)
            line = at if isinstance(at, int) else 0
            path = _child_text(file, "Location/Path")
            problem = path_problem(path)
            if problem is not None:
                problems.append(
                    error(
                        Position(shown, line, 1 if line else 0),
                        f"the folder '{excerpt(path, 80)}' for {excerpt(name)} {problem}; "
                        "send writes only inside the device; nothing was sent",
                    )
                )
                continue
            locations.append(
                FileLocation(
                    data_type=name,
                    path=path,
                    extension=_child_text(file, "Location/FileExtension"),
                    direction=_child_text(file, "TransferDirection"),
                    line=line,
                )
            )
    if problems:
        raise DeviceError(problems)
    return Device(
        root=root,
        descriptor=descriptor,
        model=_child_text(tree, "Model/Description") or "Garmin device",
        part_number=_child_text(tree, "Model/PartNumber"),
        locations=tuple(locations),
        fs_id=fs_id,
    )


_KINDS = frozenset(k.value for k in Kind)


def _child_text(element: object, path: str) -> str:
    from lxml import etree

    assert isinstance(element, etree._Element)
    found = element.find("/".join(f"{_NS}{part}" for part in path.split("/")))
    if found is None or found.text is None:
        return ""
    return str(found.text).strip()


def mount_points(fs_root: Path | None = None, *, platform: str = sys.platform) -> Iterator[Path]:
    """Places where a removable device or an MTP mount may appear.

    `fs_root` stands for the file system's root (tests point it at a fake one); on Windows
    the drive letters are `fs_root/D:` and so on when `fs_root` is given.
    """
    if platform == "win32":
        listdrives = getattr(os, "listdrives", None)  # Python 3.12+: only drives that exist
        if fs_root is None and listdrives is not None:
            yield from (Path(d) for d in listdrives())
            return
        for letter in string.ascii_uppercase[2:]:  # A: and B: are floppies, never a watch
            yield Path(f"{letter}:\\") if fs_root is None else fs_root / f"{letter}:"
        return
    base = Path("/") if fs_root is None else fs_root
    patterns = ["Volumes/*"] if platform == "darwin" else []
    patterns += [
        "media/*/*",  # udisks on Debian and Ubuntu: /media/<user>/<label>
        "media/*",  # older or hand-made mounts
        "run/media/*/*",  # udisks on Fedora and Arch
        "run/user/*/gvfs/*",  # gvfs: mtp:host=... (a storage may be the device itself)
        "run/user/*/gvfs/*/*",  # gvfs MTP: the storage below the device, e.g. Primary
    ]
    for pattern in patterns:
        try:
            yield from sorted(base.glob(pattern))
        except OSError:
            continue


def find_devices(fs_root: Path | None = None, *, platform: str = sys.platform) -> list[Path]:
    """Mount points holding `GARMIN/GarminDevice.xml`, each once, in a stable order."""
    return _unique(p for p in mount_points(fs_root, platform=platform) if _is_device(p))


def _is_device(path: Path) -> bool:
    try:
        return path.is_dir() and descriptor_of(path) is not None
    except OSError:
        return False


def _unique(paths: Iterable[Path]) -> list[Path]:
    seen: set[Path] = set()
    out = []
    for p in paths:
        try:
            key = p.resolve()
        except OSError:
            key = p
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


MOUNT_HELP = (
    "connect the watch by USB; a watch that shows up as a drive is found under /media, "
    "/run/media, /Volumes or a drive letter. Newer watches use MTP and show up as no drive: "
    "on Linux mount one with `gio mount -li` then `gio mount mtp://<device>/` (or open it in "
    "the file manager; it appears under /run/user/<uid>/gvfs/), or with "
    "`jmtpfs ~/watch`; then give --device with the folder that holds GARMIN/"
)
