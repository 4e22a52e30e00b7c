"""Where inputs come from and where outputs go: discovery, output naming, atomic writes.

Every command that reads a tree of files and writes a tree of files (build, import, site,
and whatever comes next) uses these, so that all of them find inputs, name outputs, refuse
two inputs writing one file, and never leave a half-written file, in the same way; `send`
writes to a watch through `write_to_device`, the same write with a read-back fallback.
"""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import os
import re
import signal
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Position, WorkoutError, error

#: The athlete profile's file name, found beside workouts (profile.py reads it).
PROFILE_NAME = "profile.yaml"
WORKOUT_SUFFIXES = (".yaml", ".yml")


def is_plan_data(data: object) -> bool:
    """Whether a parsed YAML document is a training plan (`weeks:`, no `steps:`) rather than a
    workout."""
    return isinstance(data, dict) and "weeks" in data and "steps" not in data


@dataclass(frozen=True)
class Input:
    """A file to read, and where its outputs go relative to the output folder."""

    path: Path
    relative: Path

    @property
    def root(self) -> Path:
        """The folder named on the command line that led to this file (its own folder when
        the file itself was named): a plan's library."""
        return self.path.parents[len(self.relative.parts) - 1]


def discover(
    paths: Iterable[Path],
    suffixes: tuple[str, ...] = WORKOUT_SUFFIXES,
    *,
    ignore_case: bool = True,
    skip_names: tuple[str, ...] = (PROFILE_NAME,),
    exclude: tuple[str, ...] = (),
    on_skip: Callable[[Path, str], None] | None = None,
) -> Iterator[Input]:
    """Every file named, or found below a named folder, each once, in a stable order.

    Inside a folder only files ending in one of `suffixes` are taken (in any case: `A.YML`
    too, unless `ignore_case` is off), `skip_names` are left out, and so is anything whose
    name starts with a dot or lies in a dot-folder (`.pre-commit-config.yaml`,
    `.github/workflows/`: tool settings, not workouts) and anything matching an `exclude`
    glob (matched against the path below the folder, the path as given, and the bare name).
    A file named directly is always taken (a symlink named directly is followed: the user
    chose it). A symlink inside a folder that points out of it is not followed: `on_skip(path,
    why)` is told (by default a warning on stderr).
    """
    seen: set[Path] = set()
    for item in _all(paths, suffixes, ignore_case, skip_names, exclude, on_skip or _warn_skipped):
        key = item.path.resolve()
        if key not in seen:
            seen.add(key)
            yield item


def excluded(path: Path, relative: Path, patterns: tuple[str, ...]) -> bool:
    """Whether an `--exclude` glob matches the file (its path below the folder walked, the
    path as given, or its name)."""
    forms = (relative.as_posix(), path.as_posix(), path.name)
    return any(fnmatch.fnmatchcase(form, pat) for pat in patterns for form in forms)


def quiet(_path: Path, _why: str) -> None:
    """An `on_skip` for a second walk of the same paths, which has said it all once."""


def _warn_skipped(path: Path, why: str) -> None:
    from .diagnostics import Position, warning

    print(warning(Position(str(path), 0, 0), why).format(), file=sys.stderr)


def _leaves(link: Path, folder: Path, on_skip: Callable[[Path, str], None]) -> bool:
    """Whether `link`, found below `folder`, is a symlink pointing out of it (then reported).

    A folder of workouts from elsewhere could otherwise hand any file on the machine, such as
    /etc/passwd, to a diagnostic that a public CI log shows.
    """
    if not link.is_symlink():
        return False
    if link.resolve().is_relative_to(folder.resolve()):
        return False
    on_skip(link, f"not followed: a symlink that leaves {folder}")
    return True


def _all(
    paths: Iterable[Path],
    suffixes: tuple[str, ...],
    ignore_case: bool,
    skip: tuple[str, ...],
    exclude: tuple[str, ...],
    on_skip: Callable[[Path, str], None],
) -> Iterator[Input]:
    wanted = tuple(s.lower() for s in suffixes) if ignore_case else suffixes
    for path in paths:
        if not path.is_dir():
            if not excluded(path, Path(path.name), exclude):
                yield Input(path, Path(path.name))
            continue
        found = sorted(
            p
            for p in path.rglob("*")
            if (p.is_file() or p.is_symlink())
            and (p.suffix.lower() if ignore_case else p.suffix) in wanted
            and p.name not in skip
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
            and not excluded(p, p.relative_to(path), exclude)
            and not _leaves(p, path, on_skip)
            and p.is_file()
        )
        for p in found:
            yield Input(p, p.relative_to(path))


@dataclass
class Outputs:
    """Output paths below one folder, each claimed by at most one input."""

    folder: Path
    #: Resolved output path -> the input that claimed it; resolved input paths. Kept as text:
    #: a library build holds one of each per file.
    claimed: dict[str, str] = field(default_factory=dict)
    inputs: set[str] = field(default_factory=set)
    #: Resolved folders of the targets (a library's thousands of files share a few), with
    #: the device and inode they had.
    folders: dict[Path, tuple[Path, int, int]] = field(default_factory=dict)

    def resolve(self, target: Path) -> Path:
        """`target.resolve()`, its folder resolved once per run: the same answer, one stat
        and one lstat instead of one per part of the path (a symlink at the target is
        followed). A folder that is no longer the one resolved (a symlink swapped in
        along the way) is resolved again."""
        try:
            now = os.stat(target.parent)
        except OSError:
            return target.resolve()  # not made yet: resolved in full until it is there
        known = self.folders.get(target.parent)
        if known is None or (known[1], known[2]) != (now.st_dev, now.st_ino):
            known = (target.parent.resolve(), now.st_dev, now.st_ino)
            self.folders[target.parent] = known
        if target.is_symlink():
            return target.resolve()
        return known[0] / target.name

    def path_for(self, item: Input, suffix: str, *, stem: str | None = None) -> Path:
        """Where `item`'s output goes: its relative path with `suffix` (and `stem`, if given)."""
        if stem is None:
            return self.folder / item.relative.with_suffix(suffix)
        return self.folder / item.relative.with_name(stem + suffix)

    def claim(self, target: Path, owner: str) -> str | None:
        """Reserve `target` for `owner`; the earlier owner if another input has it already."""
        key = str(self.resolve(target))
        earlier = self.claimed.get(key)
        if earlier is None:
            self.claimed[key] = owner
        return earlier

    def protect(self, paths: Iterable[Path]) -> None:
        """Mark `paths` as inputs of this run: `write` never replaces one of them."""
        self.inputs.update(str(p.resolve()) for p in paths)

    def check(self, target: Path, *, named: bool = False) -> None:
        """Refuse (OSError) a write that would replace an input of this run, or leave the
        output folder through a symlinked folder inside it (unless the user `named` the
        target outright)."""
        if str(self.resolve(target)) in self.inputs:
            raise OSError(errno.EEXIST, "it is an input of this run, and is never written over")
        if not named:
            _inside(target, self.folder)

    def write(self, target: Path, data: bytes, *, named: bool = False) -> None:
        """`write_atomic`, after `check`."""
        self.check(target, named=named)
        write_atomic(target, data)


def _inside(target: Path, folder: Path) -> None:
    """Raise OSError unless every folder between `folder` and `target` stays inside `folder`.

    `folder` itself may be a symlink (the user named it); a symlinked folder inside it that
    points elsewhere would carry the write out of it. A symlink at `target` itself is
    replaced, not followed (write_atomic renames over it).
    """
    try:
        relative = target.relative_to(folder)
    except ValueError:
        return  # a path the user named outright (import -o FILE), not one below a folder
    root = folder.resolve()
    step = folder
    for part in relative.parts[:-1]:
        step = step / part
        if step.is_symlink() and not step.resolve().is_relative_to(root):
            raise OSError(errno.EXDEV, f"{step} is a symlink out of the output folder")


def read_input(
    path: Path,
    where: Position,
    limit: int,
    *,
    too_large: str | None = None,
    error_class: type[WorkoutError] = WorkoutError,
) -> bytes:
    """The bytes of the input file at `path`, reading no more than `limit` + 1 of them.

    Raises `error_class` at `where` when the file cannot be read, is not a regular file, or
    is larger than `limit` (`too_large` says so in the caller's words). A FIFO, a device or
    a socket named on the command line would block or never end: it is opened without
    blocking, looked at, and refused; a huge file is refused without being read whole.
    """
    try:
        data = _read_regular(path, limit + 1)
    except OSError as exc:
        raise error_class([error(where, f"cannot read: {exc.strerror}")]) from None
    if len(data) > limit:
        message = too_large or f"file is larger than {limit // (1024 * 1024)} MiB"
        raise error_class([error(where, message)])
    return data


def _read_regular(path: Path, limit: int) -> bytes:
    """Up to `limit` bytes of `path`; OSError unless it is a regular file."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "a FIFO, device or socket"
            raise OSError(errno.EINVAL, f"not a regular file ({kind})")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb") as fh:
            fd = -1
            return fh.read(limit)
    finally:
        if fd >= 0:
            os.close(fd)


# Temporary files are named .<target>.wx<pid>.<random>.tmp: the pid says whose they are, so
# a later run can remove those that a killed run (SIGKILL) left behind, and no other.
_TMP = re.compile(r"\.(?P<name>.+)\.wx(?P<pid>[0-9]+)\.[^.]+\.tmp")
_pending: set[str] = set()


def _on_signal(signum: int, _frame: object) -> None:
    for tmp in list(_pending):
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    # Exit as the signal would have, after the cleanup.
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _guard_signals() -> None:
    """SIGTERM ends the run with its temporary files removed (SIGINT does so already, as
    KeyboardInterrupt reaches write_atomic's cleanup)."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _on_signal)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: not ours to judge
    return True


#: Folders this process has already cleared of stale temporary files.
_cleared: set[str] = set()


def _remove_stale(target: Path) -> None:
    """Remove the temporary files in `target`'s folder left by a run of ours that is no
    longer alive (SIGKILL). Each folder is looked at once a process: a library build writes
    hundreds of files into one folder, and scanning it for each would cost O(n^2)."""
    folder = os.path.abspath(target.parent)
    if folder in _cleared:
        return
    _cleared.add(folder)
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            m = _TMP.fullmatch(entry.name)
            if m is None or int(m["pid"]) == os.getpid():
                continue
            if (
                entry.is_file(follow_symlinks=False)
                and entry.stat(follow_symlinks=False).st_uid == os.getuid()
                and not _alive(int(m["pid"]))
            ):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def write_atomic(target: Path, data: bytes) -> None:
    """Write to a temporary file beside `target`, then rename over it (replacing a symlink).

    A reader sees the old file or the whole new one, never a part; raises OSError. SIGINT and
    SIGTERM remove the temporary file; after SIGKILL, the next run writing into that folder
    does.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    _guard_signals()
    _remove_stale(target)
    tmp = _write_temporary(target, data)
    try:
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    finally:
        _pending.discard(tmp)


def write_to_device(target: Path, data: bytes) -> None:
    """Put `data` on a mounted watch as `target`, never leaving a half-written file there.

    As `write_atomic` (the folder must exist), except that some MTP mounts (gvfs, jmtpfs)
    cannot rename: there the file is written directly, read back and compared, and removed
    again if it differs. Raises OSError. The temporary files a killed send left in that
    folder are removed first, as `write_atomic` does. The caller (send.write_all) checks
    that `target` lies on the device; this only writes.
    """
    _guard_signals()
    _remove_stale(target)
    tmp = _write_temporary(target, data)
    try:
        os.rename(tmp, target)
        return
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    finally:
        _pending.discard(tmp)
    _write_and_read_back(target, data)


def stage(target: Path, data: bytes) -> str:
    """`data` in full in a new temporary file beside `target`, not yet synced: the caller
    (batch.py) makes many durable at once, renames each, then calls `release`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _guard_signals()
    _remove_stale(target)
    return _write_temporary(target, data, sync=False)


def release(tmp: str) -> None:
    """Forget a staged temporary file (renamed or removed by the caller)."""
    _pending.discard(tmp)


def _write_temporary(target: Path, data: bytes, *, sync: bool = True) -> str:
    """`data` in a new temporary file beside `target`, on disk unless not `sync`; its path
    (removed on failure). Named `.NAME.wxPID.*.tmp`, mode as open() would give, and in
    `_pending` (removed on SIGTERM) until the caller releases it.
    """
    import tempfile  # not at start-up: `--help` does not write

    fd, tmp = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.wx{os.getpid()}.", suffix=".tmp"
    )
    _pending.add(tmp)
    try:
        # mkstemp makes the file 0600; give it the mode open() would have (0644 under 022).
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        _pending.discard(tmp)
        raise
    return tmp


def _write_and_read_back(target: Path, data: bytes) -> None:
    try:
        with target.open("xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        with target.open("rb") as fh:
            back = fh.read(len(data) + 1)
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise
    if back != data:
        with contextlib.suppress(OSError):
            target.unlink()
        raise OSError(errno.EIO, "the file read back from the device differs", str(target))


def _umask() -> int:
    """The process's umask (reading it means setting it: put it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
