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
from collections.abc import Callable, Iterable, Iterator, Sequence
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

    def add(self, target: Path, data: bytes, done: Done, *, hold: bool = False) -> bool:
        """Write `data` in full to a temporary file beside `target`; `done` hears the outcome
        (at once on failure, else when the batch is flushed). With `hold`, the batch is not
        flushed here even when full (the caller stages a group and flushes after it).
        Returns whether the file was staged."""
        # The same temporary files as a single write (outputs.py): named by our pid, with
        # the mode open() gives, and removed on SIGTERM.
        from .outputs import stage

        try:
            tmp = stage(target, data)
        except OSError as exc:
            done(exc)
            return False
        self.staged.append((Path(tmp), target, done))
        if len(self.staged) >= self.limit and not hold:
            self.flush()
        return True

    def drop(self, targets: Iterable[Path]) -> None:
        """Remove the staged files for `targets` (a group that cannot be written whole)."""
        gone = set(targets)
        _remove([entry for entry in self.staged if entry[1] in gone])
        self.staged[:] = [entry for entry in self.staged if entry[1] not in gone]

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
    found: Iterable[tuple[Input, Built | PlanBuild | None]], failed: list[Input]
) -> Iterator[list[tuple[Input, str, bytes]]]:
    """What `build` writes for each input, as each is built, in groups of (input, suffix,
    bytes) that are written whole or not at all (`write_outputs`); the inputs that failed
    go to `failed`. Each format of a workout is a group of its own; a plan's files, named
    under the plan's folder, are one group. A profile.yaml (None) writes nothing. A
    generator, so that a library is written as it is built, in memory that does not grow
    with the number of workouts."""
    from .formats import FORMATS
    from .outputs import Input
    from .run import Built

    for item, made in found:
        if made is not None and not isinstance(made, Built):  # a plan
            group = []
            for name, data in made.files:
                relative = item.relative.parent / name
                group.append((Input(item.path, relative), relative.suffix, data))
            yield group
        elif made is not None and made.workout is not None:
            for o in made.outputs:
                yield [(item, FORMATS[o.format].suffix, o.data)]
        elif made is not None:
            failed.append(item)


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
    outputs: Outputs,
    groups: Iterable[Sequence[tuple[Input, str, bytes]]],
    wrote: Callable[[Path], None],
    *,
    commit: Callable[[], bool] | None = None,
) -> list[Diagnostic]:
    """Write each group of (input, suffix, bytes) where `outputs` names it, in one batch:
    never two inputs to one file, never through a symlink out of the folder, never half a
    file. A group (a plan's files; each format of a workout is a group of its own) is
    written whole or not at all: if any of its files is another input's, or cannot be
    written, none of it is staged. `wrote(target)` hears of each file in place; returns what
    went wrong, by input.

    Files are put in place every `LIMIT` files as the groups come. With `commit`, every
    file is held staged (on disk, beside its target) to the end, and put in place only if
    `commit()` then says so, else removed: for a run whose outcome is known only at its
    end (a `--set` that no input takes writes nothing)."""
    from .diagnostics import Position, error

    said: list[Diagnostic] = []

    def done(target: Path, shown: str, exc: OSError | None) -> None:
        if exc is not None:
            said.append(error(Position(shown), f"cannot write {target}: {exc.strerror}"))
        else:
            wrote(target)

    batch = Batch()  # one file-system sync for many files instead of an fsync each
    made: dict[Path, None] = {}  # folders this run creates, when files are held (commit)
    for group in groups:
        problems: list[Diagnostic] = []
        placed: list[tuple[Path, str, bytes]] = []
        mine: set[str] = set()
        for item, suffix, data in group:
            shown, target = str(item.path), outputs.path_for(item, suffix)
            key = str(outputs.resolve(target))
            earlier = outputs.claimed.get(key)
            if earlier is not None or key in mine:
                why = f"{target} is also the output of {earlier or shown}; rename one of the two"
                why += " inputs" if len(group) > 1 else " workouts"
                problems.append(error(Position(shown), why))
                continue
            mine.add(key)
            try:
                outputs.check(target)
            except OSError as exc:
                problems.append(error(Position(shown), f"cannot write {target}: {exc.strerror}"))
                continue
            placed.append((target, shown, data))
        whole = len(group) > 1
        if problems:
            said.extend(problems)
            if whole:
                said.append(error(problems[0].position, "nothing of this plan was written"))
                continue
        staged: list[Path] = []
        for target, shown, data in placed:
            outputs.claim(target, shown)
            if commit is not None:
                folder = target.parent
                while folder not in made and not folder.exists() and folder != folder.parent:
                    made[folder] = None
                    folder = folder.parent
            if batch.add(target, data, functools.partial(done, target, shown), hold=True):
                staged.append(target)
            elif whole:
                batch.drop(staged)
                said.append(error(Position(shown), "nothing of this plan was written"))
                break
        if commit is None and len(batch.staged) >= batch.limit:
            batch.flush()
    if commit is None or commit():
        batch.flush()
    else:
        batch.discard()
        # Nothing written leaves nothing behind: the folders made for the files go too.
        for folder in sorted(made, key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()
    return said
