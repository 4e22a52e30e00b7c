"""Putting files on a Garmin device: which format, which folder, which name, and a safe write.

`send` works on **units**: what one input turns into, a list of files each with its kind
(FIT workout, FIT schedule, TCX workouts) and bytes. A workout is a unit of one file; a
training plan is a unit of its session workouts plus a schedule file. A unit goes on the
device whole or not at all.

The steps, each a function the CLI composes:

1. `open_device` reads the device named with --device, or the one mounted device found;
2. `workout_kind` picks the format the device takes workouts in (FIT before TCX);
3. `place` gives every file its folder (from the descriptor), a name that clashes with
   nothing on the device, and draws warnings for the device's known limits;
4. `write_all` writes them through `outputs.write_to_device` (temporary name, then rename;
   read back where rename is not supported) and, if any write fails or SIGINT or SIGTERM
   arrives, removes what this run wrote.

The device root bounds every write: a descriptor naming a folder off the device is refused
when it is read (device.py), `place` refuses a folder that leads out of the device through a
symlink, and before each write `write_all` checks again that the root is still the device
(same file system, descriptor still there) and that the folder still lies inside it. It
never creates a folder at the top of the device (such as `GARMIN` itself): only below one
that is there.

A plan becomes one Unit in `unit_for`: its session workouts (`Kind.FIT_WORKOUT`, or
`Kind.TCX_WORKOUTS` for a TCX-only device) from a given day on, and its schedule
(`Kind.FIT_SCHEDULE`) when the device takes schedules; placing, limits and writing are the
same as for a workout.

Error hierarchy::

    WorkoutError
      DeviceError     (device.py) not a usable Garmin device
      SendError       the device refused a write (read-only, full, ...); nothing is left behind
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import shutil
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .device import (
    Device,
    DeviceError,
    Kind,
    check_present,
    child,
    escapes,
    find_devices,
    read_device,
    resolve,
)
from .diagnostics import Diagnostic, Position, WorkoutError, error, printable, warning
from .outputs import PROFILE_NAME, write_to_device

if TYPE_CHECKING:
    from .run import Run


class SendError(WorkoutError):
    """The device refused a write; everything this run wrote has been removed again."""


class NoDevice(Exception):
    """No mounted Garmin device was found."""


class SeveralDevices(Exception):
    """More than one Garmin device is mounted; the user must choose one with --device."""

    def __init__(self, roots: Sequence[Path]) -> None:
        self.roots = tuple(roots)
        super().__init__(", ".join(str(r) for r in roots))


@dataclass(frozen=True, slots=True, kw_only=True)
class SendFile:
    """One file to put on the device."""

    kind: Kind
    name: str  # wanted name on the device, e.g. "hills.fit"
    data: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class Unit:
    """What one input turns into; sent whole or not at all."""

    source: str  # the input as the user named it
    files: tuple[SendFile, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Placement:
    """Where one file goes, or that the very same file is already there."""

    source: str
    file: SendFile
    target: Path
    device: Device
    already_there: bool = False
    #: An earlier version of this file (same name, same kind, made as ours) that this
    #: placement replaces: its bytes, put back if the send fails.
    previous: bytes | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Limit:
    """Something a device is known to keep only so many of."""

    kind: Kind
    most: int
    what: str
    evidence: str


# What runners report, not what Garmin documents: a warning, never a refusal.
KNOWN_LIMITS = (
    Limit(
        kind=Kind.FIT_SCHEDULE,
        most=30,
        what="scheduled workouts",
        evidence="watches are reported to keep about 30",
    ),
)


def open_device(root: Path | None, *, fs_root: Path | None = None) -> Device:
    """The device at `root`, or else the one mounted Garmin device found below `fs_root`
    (the file system's root: None; a fake one in tests).

    Raises DeviceError (not a usable device), NoDevice or SeveralDevices.
    """
    if root is None:
        found = find_devices(fs_root)
        if not found:
            raise NoDevice
        if len(found) > 1:
            raise SeveralDevices(found)
        root = found[0]
    return read_device(root)


def workout_kind(device: Device) -> Kind:
    """The kind of file the device takes workouts as: FIT if it can, else TCX.

    Raises DeviceError for a device that takes workouts in neither form.
    """
    for kind in (Kind.FIT_WORKOUT, Kind.TCX_WORKOUTS):
        if device.takes(kind):
            return kind
    raise DeviceError(
        [
            error(
                Position(str(device.descriptor), 0, 0),
                f"{device.model} takes no workouts: its GarminDevice.xml lists no folder for "
                f"{Kind.FIT_WORKOUT.label} or {Kind.TCX_WORKOUTS.label} going into the device; "
                "nothing was sent",
            )
        ]
    )


FORMAT_OF = {
    Kind.FIT_WORKOUT: "fit",
    Kind.FIT_SCHEDULE: "fit",
    Kind.TCX_WORKOUTS: "tcx",
    Kind.ZWO: "zwo",  # send --zwift (zwift.py)
}


def workout_unit(source: str, stem: str, kind: Kind, data: bytes) -> Unit:
    """A unit holding one workout file of `kind`, named after its YAML file."""
    return Unit(
        source=source,
        files=(SendFile(kind=kind, name=f"{stem}.{FORMAT_OF[kind]}", data=data),),
    )


def unit_for(
    path: Path,
    shown: str,
    device: Device,
    kind: Kind,
    *,
    run: Run,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> tuple[Unit, list[Diagnostic]]:
    """What one input of `run` puts on `device` (raises WorkoutError).

    The file is built by the run's one path, as `build` builds it (so a sent FIT is the same
    bytes as a built one, and verified the same way): nothing that fails to build or to
    verify reaches the device. A training plan gives its sessions from `since` to `until`
    (every session when None) and its schedule.
    """
    if run.is_plan(path):
        return plan_unit(path, shown, device, kind, run=run, since=since, until=until)
    fmt = FORMAT_OF[kind]
    built = run.workout(path, formats=(fmt,))
    data = built.data(fmt)
    if built.ok and data is not None:
        return workout_unit(shown, path.stem, kind, data), list(built.diagnostics)
    why = "nothing of it was sent"
    if built.workout is not None and kind is Kind.TCX_WORKOUTS:
        # FIT is chosen whenever the device takes it, so TCX here is the device's only form.
        why = (
            f"{device.model} takes workouts only as {kind.label}, which cannot carry this "
            f"workout; {why}"
        )
    elif built.workout is not None:
        why = f"no {fmt.upper()} file of this workout could be made; {why}"
    raise WorkoutError([*built.diagnostics, error(Position(shown, 0, 0), why)])


def units(
    run: Run,
    paths: Sequence[Path],
    device: Device,
    kind: Kind,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Iterator[tuple[Unit | None, list[Diagnostic]]]:
    """Each input of `run` below `paths` as the unit it sends (None: nothing to send, a
    profile.yaml checked or an input that failed), with its diagnostics."""
    for item in run.inputs(paths):
        if item.path.name == PROFILE_NAME:
            yield None, run.check_profile(item.path)
            continue
        try:
            yield unit_for(
                item.path, str(item.path), device, kind, run=run, since=since, until=until
            )
        except WorkoutError as exc:
            yield None, list(exc.diagnostics)


def plan_unit(
    path: Path,
    shown: str,
    device: Device,
    kind: Kind,
    *,
    run: Run,
    since: dt.date | None,
    until: dt.date | None = None,
) -> tuple[Unit, list[Diagnostic]]:
    """A plan's session workouts from `since` to `until`, and its schedule (raises
    WorkoutError).

    The files are those `build` writes for the plan, verified as `build` verifies them (the
    calendar file stays on the computer). A device that takes no FIT schedules gets the
    workouts without their dates, with a warning.
    """
    fmt = FORMAT_OF[kind]
    built = run.plan(path, formats=(fmt,), since=since, until=until)
    build = built.build
    if build is None:
        raise WorkoutError(built.diagnostics)
    notes = list(built.diagnostics)
    where = Position(shown, 0, 0)
    if not build.sessions:
        when = f" on or after {since.isoformat()}" if since else ""
        if until is not None:
            when += f"{' and' if since else ''} up to {until.isoformat()}"
        raise WorkoutError(
            [error(where, f"this plan has no sessions{when}; --all sends every session")]
        )
    # One file per distinct session workout, as build writes them: the schedule points at
    # each as often as the plan has it.
    files = [
        SendFile(kind=kind, name=f"{stem}.{fmt}", data=outputs[fmt])
        for stem, outputs in build.session_files()
        if fmt in outputs
    ]
    if build.schedule is not None and device.takes(Kind.FIT_SCHEDULE):
        files.append(
            SendFile(
                kind=Kind.FIT_SCHEDULE,
                name=f"{build.plan.stem}-schedule.fit",
                data=build.schedule,
            )
        )
    else:
        notes.append(
            warning(
                where,
                f"{device.model} takes no {Kind.FIT_SCHEDULE.label}: the plan's workouts go on "
                "without their dates",
            )
        )
    return Unit(source=shown, files=tuple(files)), notes


def deliver(
    device: Device, units: Sequence[Unit], *, dry_run: bool = False
) -> tuple[list[Placement], int, list[Diagnostic]]:
    """Place `units` on `device` and write them (not under `dry_run`): the placements made
    (none when nothing was written for lack of space or a failed write), how many files were
    written, and the diagnostics of placing and writing."""
    placements, notes = place(device, units)
    full = check_space(placements)
    notes += full
    if full:
        return [], 0, notes
    if dry_run:
        return placements, 0, notes
    try:
        sent = len(write_all(placements))
    except SendError as exc:
        return [], 0, [*notes, *exc.diagnostics]
    return placements, sent, notes


# Characters FAT (and so every watch's storage) cannot hold in a name.
_NOT_ON_FAT = re.compile(r'[\x00-\x1f"*/:<>?\\|]')


# Names Windows refuses for a file whatever its extension; the watch is read there too.
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{d}{n}" for d in ("COM", "LPT") for n in range(1, 10)]
)


def device_name(name: str) -> str:
    """`name` made safe for a FAT file system: reserved characters become '_'."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = _NOT_ON_FAT.sub("_", stem).rstrip(" .") or "workout"
    if stem.upper() in _RESERVED:
        stem += "_"
    return f"{stem}.{ext}" if dot else stem


def place(device: Device, units: Iterable[Unit]) -> tuple[list[Placement], list[Diagnostic]]:
    """Where each file of each unit goes on `device`, and the diagnostics of that choice.

    Names: a file is sent under its own name unless the folder already holds an entry of
    that name (without regard to case). The very same bytes are left alone and reported as
    already there; anything else is never overwritten: the file gets the first free name
    `stem-2.ext`, `stem-3.ext`, ... with a warning. Two inputs of one run that want the same
    name are told apart the same way.

    A unit with a file whose kind the device does not take draws an error and is not placed.
    """
    placements: list[Placement] = []
    diagnostics: list[Diagnostic] = []
    claimed: dict[tuple[Path, str], bytes] = {}
    counts: dict[Kind, int] = {}
    for unit in units:
        where = Position(unit.source, 0, 0)
        missing = [f.kind for f in unit.files if not device.takes(f.kind)]
        if missing:
            diagnostics.append(
                error(
                    where,
                    f"{device.model} takes no {missing[0].label}: its GarminDevice.xml lists "
                    "no folder for them going into the device; nothing of this was sent",
                )
            )
            continue
        try:
            added = [_entries(file) for file in unit.files]
        except ValueError as exc:
            diagnostics.append(error(where, f"{exc}; nothing of this was sent"))
            continue
        try:
            folders = [_folder(device, file.kind) for file in unit.files]
        except ValueError as exc:
            diagnostics.append(error(where, f"{exc}; nothing of this was sent"))
            continue
        for file, count, folder in zip(unit.files, added, folders, strict=True):
            target, same, renamed, previous = _free_name(
                folder, device_name(file.name), file, claimed
            )
            if renamed:
                diagnostics.append(
                    warning(
                        where,
                        f"{folder / device_name(file.name)} on the device is a different file; "
                        f"sending as {target.name} instead of overwriting it",
                    )
                )
            claimed[(folder, target.name.casefold())] = file.data
            placements.append(
                Placement(
                    source=unit.source,
                    file=file,
                    target=target,
                    device=device,
                    already_there=same,
                    previous=previous,
                )
            )
            counts[file.kind] = counts.get(file.kind, 0) + count
    for limit in KNOWN_LIMITS:
        count = counts.get(limit.kind, 0)
        if count > limit.most and device.takes(limit.kind):
            diagnostics.append(
                warning(
                    Position(str(device.root), 0, 0),
                    f"this sends {count} {limit.what} to {device.model}, and {limit.evidence}: "
                    "the rest may not show up; send fewer at a time (for a plan: "
                    "--until DATE sends the sessions up to that day, --from DATE the next part)",
                )
            )
    return placements, diagnostics


def _folder(device: Device, kind: Kind) -> Path:
    """The folder on `device` for files of `kind` (ValueError if it leads off the device)."""
    name = device.inbound_folder(kind)
    assert name is not None
    folder = resolve(device.root, name)
    problem = escapes(device.root, folder, device.fs_id)
    if problem is not None:
        raise ValueError(f"{problem}: send writes only inside the device")
    return folder


def _entries(file: SendFile) -> int:
    """How many things a file adds to the device: scheduled sessions for a schedule, else 1."""
    if file.kind is not Kind.FIT_SCHEDULE:
        return 1
    from .verify import VerifyError, decode_fit

    try:
        return len(decode_fit(file.data).get("schedule_mesgs", []))
    except VerifyError as exc:
        raise ValueError(f"internal error: {file.name} does not decode as FIT: {exc}") from None


def _free_name(
    folder: Path, name: str, file: SendFile, claimed: Mapping[tuple[Path, str], bytes]
) -> tuple[Path, bool, bool, bytes | None]:
    """(target, the same bytes are already there, had to be renamed, the bytes of an earlier
    version of this very file that the target replaces)."""
    data = file.data
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    n = 1
    while True:
        candidate = name if n == 1 else f"{stem}-{n}{dot}{ext}"
        key = (folder, candidate.casefold())
        if key in claimed:
            if claimed[key] == data:
                return folder / candidate, True, n > 1, None
        else:
            existing = child(folder, candidate) if _is_dir(folder) else None
            if existing is None:
                return folder / candidate, False, n > 1, None
            if existing.is_file() and _same_bytes(existing, data):
                return existing, True, n > 1, None
            if n == 1:
                previous = _earlier_version(existing, file)
                if previous is not None:
                    return existing, False, False, previous
        n += 1


#: Largest file on the device read to decide whether it is an earlier version of ours.
MAX_EARLIER = 4 * 1024 * 1024


def _earlier_version(existing: Path, file: SendFile) -> bytes | None:
    """The bytes of `existing` when it is an earlier version of `file` (send.md, "Sending a
    plan in parts"): a FIT file of the same kind (workout or schedule) with the same maker
    in its file_id, and for a workout the same workout name. Anything else (a TCX file, a
    file that does not decode, someone else's) is never replaced: None."""
    if file.kind is Kind.TCX_WORKOUTS:
        return None
    from .verify import VerifyError, decode_fit

    try:
        if not existing.is_file() or existing.stat().st_size > MAX_EARLIER:
            return None
        old = existing.read_bytes()
        before, now = decode_fit(old, raw=True), decode_fit(file.data, raw=True)
    except (OSError, VerifyError):
        return None

    def identity(messages: dict[str, list[dict[str, object]]]) -> tuple[object, ...]:
        first = (messages.get("file_id_mesgs") or [{}])[0]
        name = (messages.get("workout_mesgs") or [{}])[0].get("wkt_name")
        return first.get("type"), first.get("manufacturer"), first.get("product"), name

    return old if identity(before) == identity(now) else None


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name too long, a loop of symlinks: the write will say so
        return False


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(data) + 1) == data
    except OSError:
        return False


def check_space(placements: Sequence[Placement]) -> list[Diagnostic]:
    """An error if the device has clearly less free space than the files need."""
    needed: dict[Path, int] = {}
    for p in placements:
        if not p.already_there:
            anchor = _existing_ancestor(p.target.parent)
            needed[anchor] = needed.get(anchor, 0) + len(p.file.data)
    out = []
    for anchor, size in needed.items():
        try:
            usage = shutil.disk_usage(anchor)
        except OSError:
            continue  # some MTP mounts report nothing; the write itself will tell
        # An MTP mount may report a size of 0 when it knows none: trust only a real answer.
        if usage.total > 0 and usage.free < size:
            out.append(
                error(
                    Position(str(anchor), 0, 0),
                    f"the device is full: {usage.free} bytes free, {size} needed; nothing was sent",
                )
            )
    return out


def _existing_ancestor(path: Path) -> Path:
    while not os.path.exists(path) and path != path.parent:
        path = path.parent
    return path


Writer = Callable[[Path, bytes], None]


class Interrupted(BaseException):
    """SIGTERM arrived during `write_all` (SIGINT arrives as KeyboardInterrupt)."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signum)


def write_all(placements: Sequence[Placement], *, writer: Writer | None = None) -> list[Path]:
    """Write every placement not already there; all or nothing (raises SendError).

    Before each file, the device must still be the one that was read, and the file's folder
    must lie inside it (else SendError). Folders the device's descriptor names but that are
    missing are created below an existing folder of the device, never at its top (and
    removed again if the run fails). A failed write, SIGINT (KeyboardInterrupt) or SIGTERM
    removes every file and folder this run made; the interrupt then goes on (SIGTERM ends
    the process as the signal would have).
    """
    put = writer or write_to_device
    written: list[Path] = []
    made: list[Path] = []
    current: Placement | None = None
    try:
        with _signals_interrupt():
            for p in placements:
                if p.already_there:
                    continue
                current = p
                _check_target(p)
                made.extend(_make_folders(p.target.parent, p.device))
                put(p.target, p.file.data)
                written.append(p.target)
                current = None
    except OSError as exc:
        assert current is not None
        gone = _undo(written, made, current, placements, put)
        # The file the user asked for, not the temporary name the failure may carry.
        message = f"cannot write {current.target}: {_reason(exc)}; nothing was sent{gone}"
        raise SendError([error(Position(current.source, 0, 0), message)]) from None
    except BaseException as exc:
        with _signals_held():  # a second Ctrl-C must not cut the clean-up short
            _undo(written, made, current, placements, put)
        if isinstance(exc, Interrupted):
            signal.signal(exc.signum, signal.SIG_DFL)
            os.kill(os.getpid(), exc.signum)
        raise
    return written


def _check_target(p: Placement) -> None:
    """OSError unless `p`'s device is still there and `p.target`'s folder lies inside it."""
    check_present(p.device)
    problem = escapes(p.device.root, p.target.parent, p.device.fs_id)
    if problem is not None:
        raise OSError(errno.EXDEV, f"{problem}: send writes only inside the device")


def _undo(
    written: Sequence[Path],
    made: Sequence[Path],
    current: Placement | None,
    placements: Sequence[Placement],
    put: Writer = write_to_device,
) -> str:
    """Remove what this run wrote, and put back each earlier version it replaced; '' or,
    when the device has gone, a note that it could not."""
    devices = {id(p.device): p.device for p in placements}
    try:
        for device in devices.values():
            check_present(device)
    except OSError:
        # Its paths now name the computer's own disk: nothing of ours is there to remove.
        return "; files written before the device went may still be on it" if written else ""
    previous = {p.target: p.previous for p in placements if p.previous is not None}
    if current is not None and current.target not in written:
        # An interrupt between the write and its record: undo the file only if it is ours.
        with contextlib.suppress(OSError):
            if current.target.read_bytes() == current.file.data:
                written = [*written, current.target]
    for path in reversed(written):
        with contextlib.suppress(OSError):
            if path in previous:
                put(path, previous[path])  # the earlier version, as it was
            else:
                path.unlink()
    for folder in reversed(made):
        with contextlib.suppress(OSError):
            folder.rmdir()
    return ""


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait (where the platform can hold them) until the block ends."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None:
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    old = mask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, old)


def _raise_interrupted(signum: int, _frame: object) -> None:
    raise Interrupted(signum)


@contextlib.contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGTERM raises Interrupted while sending, so write_all can undo what it wrote (SIGINT
    raises KeyboardInterrupt already, unless someone changed its handler: then it too). A
    signal the process ignores stays ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {
        signum: signal.signal(signum, _raise_interrupted)
        for signum in (signal.SIGTERM, signal.SIGINT)
        if signal.getsignal(signum) not in (signal.default_int_handler, signal.SIG_IGN)
    }
    try:
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.EROFS:
        return "the device is read-only (is it mounted read-only, or its storage locked?)"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the device is full"
    return exc.strerror or str(exc)


def _make_folders(folder: Path, device: Device) -> list[Path]:
    """Create `folder` and missing parents; return the ones created, outermost first.

    A folder is created only below an existing folder of the device, never at its top: a
    missing `GARMIN` means this is not the device (OSError).
    """
    missing = []
    here = folder
    while not os.path.exists(here) and here != here.parent:
        missing.append(here)
        here = here.parent
    made = []
    for path in reversed(missing):
        if os.path.realpath(path.parent) == os.path.realpath(device.root):
            raise OSError(
                errno.ENOENT,
                f"the device has no {path.name} folder, and send makes none at its top",
            )
        path.mkdir()
        made.append(path)
    return made


def describe(p: Placement) -> str:
    """The line the user sees for one placement: `hills.yaml -> /media/.../hills.fit`, with
    every character that is not safe to print escaped."""
    line = f"{printable(p.source)} -> {printable(str(p.target))}"
    if p.already_there:
        return f"{line} (already on the device)"
    if p.previous is not None:
        what = "the plan's schedule" if p.file.kind is Kind.FIT_SCHEDULE else "the workout"
        return f"{line} (replaces {what} sent before under this name)"
    return line
