"""Where inputs come from and where outputs go: discovery, output naming, atomic writes.

Every command that reads a tree of files and writes a tree of files (build, import, and
whatever comes next) uses these, so that all of them find inputs, name outputs, refuse two
inputs writing one file, and never leave a half-written file, in the same way.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

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
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file 0600; give it the mode open() would have (0644 under 022).
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    """The process's umask (reading it means setting it: put it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
