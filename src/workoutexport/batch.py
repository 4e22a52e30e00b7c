"""Many output files made durable with one file-system sync instead of one fsync each.

`outputs.write_atomic` is right for one file, but its fsync per file is most of the time a
library build spends writing. `Batch` keeps the same promise for many: every file is first
written in full to a temporary file beside its target, then one sync of the file system makes
all of them durable, and only then is each renamed over its target, and each folder synced
once so that the renames last too. A reader, or a crash at any point, sees either the old file
or the whole new one under a final name, never a part.
"""

from __future__ import annotations

import contextlib
import functools
import os
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .diagnostics import Diagnostic
    from .outputs import Input, Outputs
    from .plans import PlanBuild
    from .run import Built

#: Called once per file when its fate is known: None when it was written, else why not.
Done = Callable[[OSError | None], None]

# Files staged before a sync: bounds the temporary files left beside targets at any time.
LIMIT = 1000


def _syncfs(fd: int) -> bool:
    """Sync the file system holding `fd` (Linux syncfs); False where there is no syncfs."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        call = libc.syncfs
    except (OSError, AttributeError):
        return False
    if call(fd) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno))
    return True


def sync_files(paths: list[Path]) -> None:
    """Make the data of every file in `paths` durable, with as few syncs as the system allows:
    one syncfs per file system, else one os.sync, else an fsync per file."""
    by_device: dict[int, Path] = {}
    for path in paths:
        by_device.setdefault(path.stat().st_dev, path)
    for path in by_device.values():
        fd = os.open(path, os.O_RDONLY)
        try:
            if not _syncfs(fd):
                break
        finally:
            os.close(fd)
    else:
        return
    if hasattr(os, "sync"):
        os.sync()
        return
    for path in paths:  # pragma: no cover - systems without sync(2)
        with open(path, "rb+") as fh:
            os.fsync(fh.fileno())


def _sync_folder(folder: Path) -> None:
    # A folder's fsync makes the renames in it durable; some systems cannot open a folder.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove(staged: list[tuple[Path, Path, Done]]) -> None:
    from .outputs import release

    for tmp, _, _ in staged:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        release(str(tmp))
    staged.clear()


class Batch:
    """Stage files with `add`; `flush` (or leaving the `with` block) makes them durable and
    puts them in place. Leaving the block on an exception, or a batch dropped unflushed (an
    interrupted run), removes the staged files and leaves every target as it was."""

    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self.staged: list[tuple[Path, Path, Done]] = []
        # Also at interpreter exit: no temporary file outlives an interrupted run.
        weakref.finalize(self, _remove, self.staged)

    def add(self, target: Path, data: bytes, done: Done) -> None:
        """Write `data` in full to a temporary file beside `target`; `done` hears the outcome
        (at once on failure, else when the batch is flushed)."""
        # The same temporary files as a single write (outputs.py): named by our pid, with
        # the mode open() gives, and removed on SIGTERM.
        from .outputs import stage

        try:
            tmp = stage(target, data)
        except OSError as exc:
            done(exc)
            return
        self.staged.append((Path(tmp), target, done))
        if len(self.staged) >= self.limit:
            self.flush()

    def flush(self) -> None:
        """Sync every staged file, then rename each over its target, in the order added."""
        staged = list(self.staged)
        if not staged:
            return
        from .outputs import release

        placed: list[Done] = []
        try:
            try:
                sync_files([tmp for tmp, _, _ in staged])
            except OSError as exc:
                for _, _, done in staged:
                    done(exc)
                return
            folders: dict[Path, None] = {}
            for tmp, target, done in staged:
                try:
                    os.replace(tmp, target)
                except OSError as exc:
                    done(exc)
                    continue
                release(str(tmp))
                placed.append(done)
                folders[target.parent] = None
            for folder in folders:
                _sync_folder(folder)
        finally:
            # Whatever was not renamed (a failure, an interrupt) goes; renamed names are gone.
            self.discard()
        for done in placed:
            done(None)

    def discard(self) -> None:
        """Remove every staged file; no target changes."""
        _remove(self.staged)

    def __enter__(self) -> Batch:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is None:
            self.flush()
        else:
            self.discard()


def build_files(
    found: Iterable[tuple[Input, Built | PlanBuild | None]],
) -> tuple[list[tuple[Input, str, bytes]], list[Input]]:
    """What `build` writes for each input, as (input, suffix, bytes), and the inputs that
    failed: a workout's verified outputs, or every file of a plan, named under the plan's
    folder. A profile.yaml (None) writes nothing."""
    from .formats import FORMATS
    from .outputs import Input
    from .plans import PlanBuild

    files: list[tuple[Input, str, bytes]] = []
    failed: list[Input] = []
    for item, made in found:
        if isinstance(made, PlanBuild):
            for name, data in made.files:
                relative = item.relative.parent / name
                files.append((Input(item.path, relative), relative.suffix, data))
        elif made is not None and made.workout is not None:
            files += [(item, FORMATS[o.format].suffix, o.data) for o in made.outputs]
        elif made is not None:
            failed.append(item)
    return files, failed


def stale(outputs: Outputs, failed: Iterable[Input], suffixes: Iterable[str]) -> list[str]:
    """A note for each earlier output of an input that did not build this time: the file is
    left as it was (it may be on a watch already), and the user must hear that it is old."""
    from .diagnostics import MAX_PATH, printable

    suffixes = tuple(suffixes)
    return [
        f"note: {printable(str(old), MAX_PATH)} is from an older "
        f"{printable(str(item.path), MAX_PATH)} (not rebuilt)"
        for item in failed
        for old in (outputs.path_for(item, suffix) for suffix in suffixes)
        if old.is_file()
    ]


def write_outputs(
    outputs: Outputs, files: Iterable[tuple[Input, str, bytes]], wrote: Callable[[Path], None]
) -> list[Diagnostic]:
    """Write each (input, suffix, bytes) where `outputs` names it, in one batch: never two
    inputs to one file, never through a symlink out of the folder, never half a file.
    `wrote(target)` hears of each file in place; returns what went wrong, by input."""
    from .diagnostics import Position, error

    said: list[Diagnostic] = []

    def done(target: Path, shown: str, exc: OSError | None) -> None:
        if exc is not None:
            said.append(error(Position(shown), f"cannot write {target}: {exc.strerror}"))
        else:
            wrote(target)

    batch = Batch()  # one file-system sync for many files instead of an fsync each
    for item, suffix, data in files:
        shown, target = str(item.path), outputs.path_for(item, suffix)
        earlier = outputs.claim(target, shown)
        if earlier is not None:
            why = f"{target} is also the output of {earlier}; rename one of the two workouts"
            said.append(error(Position(shown), why))
            continue
        try:
            outputs.check(target)
        except OSError as exc:
            said.append(error(Position(shown), f"cannot write {target}: {exc.strerror}"))
            continue
        batch.add(target, data, functools.partial(done, target, shown))
    batch.flush()
    return said
