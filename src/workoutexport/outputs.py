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
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Position, WorkoutError, error

PROFILE_NAME = "profile.yaml"
WORKOUT_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Input:
    """A file to read, and where its outputs go relative to the output folder."""

    path: Path
    relative: Path


def discover(
    paths: Iterable[Path],
    suffixes: tuple[str, ...] = WORKOUT_SUFFIXES,
    *,
    ignore_case: bool = True,
    skip_names: tuple[str, ...] = (PROFILE_NAME,),
    exclude: tuple[str, ...] = (),
) -> Iterator[Input]:
    """Every file named, or found below a named folder, each once, in a stable order.

    Inside a folder only files ending in one of `suffixes` are taken (in any case: `A.YML`
    too, unless `ignore_case` is off), `skip_names` are left out, and so is anything whose
    name starts with a dot or lies in a dot-folder (`.pre-commit-config.yaml`,
    `.github/workflows/`: tool settings, not workouts) and anything matching an `exclude`
    glob (matched against the path below the folder, the path as given, and the bare name).
    A file named directly is always taken.
    """
    seen: set[Path] = set()
    for item in _all(paths, suffixes, ignore_case, skip_names, exclude):
        key = item.path.resolve()
        if key not in seen:
            seen.add(key)
            yield item


def excluded(path: Path, relative: Path, patterns: tuple[str, ...]) -> bool:
    """Whether an `--exclude` glob matches the file (its path below the folder walked, the
    path as given, or its name)."""
    forms = (relative.as_posix(), path.as_posix(), path.name)
    return any(fnmatch.fnmatchcase(form, pat) for pat in patterns for form in forms)


def _all(
    paths: Iterable[Path],
    suffixes: tuple[str, ...],
    ignore_case: bool,
    skip: tuple[str, ...],
    exclude: tuple[str, ...],
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
            if p.is_file()
            and (p.suffix.lower() if ignore_case else p.suffix) in wanted
            and p.name not in skip
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
            and not excluded(p, p.relative_to(path), exclude)
        )
        for p in found:
            yield Input(p, p.relative_to(path))


@dataclass
class Outputs:
    """Output paths below one folder, each claimed by at most one input."""

    folder: Path
    claimed: dict[Path, str] = field(default_factory=dict)

    def path_for(self, item: Input, suffix: str, *, stem: str | None = None) -> Path:
        """Where `item`'s output goes: its relative path with `suffix` (and `stem`, if given)."""
        if stem is None:
            return self.folder / item.relative.with_suffix(suffix)
        return self.folder / item.relative.with_name(stem + suffix)

    def claim(self, target: Path, owner: str) -> str | None:
        """Reserve `target` for `owner`; the earlier owner if another input has it already."""
        key = target.resolve()
        earlier = self.claimed.get(key)
        if earlier is None:
            self.claimed[key] = owner
        return earlier


def write_atomic(target: Path, data: bytes) -> None:
    """Write to a temporary file beside `target`, then rename over it (replacing a symlink).

    A reader sees the old file or the whole new one, never a part; raises OSError.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _write_temporary(target, data)
    try:
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_to_device(target: Path, data: bytes) -> None:
    """Put `data` on a mounted watch as `target`, never leaving a half-written file there.

    As `write_atomic` (the folder must exist), except that some MTP mounts (gvfs, jmtpfs)
    cannot rename: there the file is written directly, read back and compared, and removed
    again if it differs. Raises OSError.
    """
    tmp = _write_temporary(target, data)
    try:
        os.rename(tmp, target)
        return
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    _write_and_read_back(target, data)


def _write_temporary(target: Path, data: bytes) -> str:
    """`data` in a new temporary file beside `target`, on disk; its path (removed on failure)."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file 0600; give it the mode open() would have (0644 under 022).
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
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


def read_input(
    path: Path,
    where: Position,
    limit: int,
    *,
    too_large: str | None = None,
    error_class: type[WorkoutError] = WorkoutError,
) -> bytes:
    """The bytes of the input file at `path`, reading no more than `limit` + 1 of them.

    Raises `error_class` at `where` when the file cannot be read or is larger than `limit`
    (`too_large` says so in the caller's words), so that a huge or endless file (a FIFO,
    /dev/zero) is refused without being read whole.
    """
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise error_class([error(where, f"cannot read: {exc.strerror}")]) from None
    if len(data) > limit:
        message = too_large or f"file is larger than {limit // (1024 * 1024)} MiB"
        raise error_class([error(where, message)])
    return data


def _umask() -> int:
    """The process's umask (reading it means setting it: put it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
