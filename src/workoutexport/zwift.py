"""`send --zwift`: Zwift's custom workouts folder as a place to send `.zwo` files to.

Zwift reads custom workouts from `Documents/Zwift/Workouts/<id>/`, where `<id>` is the
numeric folder it makes for each account that logs in on the computer. That folder stands
for a device: `open_zwift` picks it (an account folder must already be there; with several,
the user chooses with `--zwift-id`), and `send`'s own placing and writing do the rest, with
the same rules as for a watch: never overwrite a different file, write under a temporary
name then rename, all or nothing, and nothing outside the account folder (a symlink leading
out is refused).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .device import Device, FileLocation, Kind, child, escapes
from .diagnostics import Diagnostic, Position, WorkoutError, error
from .outputs import PROFILE_NAME

if TYPE_CHECKING:
    from .run import Run
    from .send import Unit

#: Where Zwift keeps custom workouts, below the user's home folder.
WORKOUTS = Path("Documents") / "Zwift" / "Workouts"


class SeveralAccounts(Exception):
    """More than one account folder and no `--zwift-id`: the user must choose."""

    def __init__(self, folders: Sequence[Path]) -> None:
        super().__init__("several Zwift account folders")
        self.folders = list(folders)


def _fail(where: Path, message: str) -> WorkoutError:
    return WorkoutError([error(Position(str(where), 0, 0), message)])


def accounts(workouts: Path) -> list[Path]:
    """The numeric account folders in Zwift's workouts folder, by name."""
    try:
        entries = sorted(workouts.iterdir())
    except OSError:
        return []
    return [p for p in entries if p.name.isascii() and p.name.isdigit() and p.is_dir()]


def open_zwift(folder: Path | None = None, account: str | None = None) -> Device:
    """The account folder to send to, as a Device (raises WorkoutError, or SeveralAccounts).

    `folder` is Zwift's workouts folder (default: ~/Documents/Zwift/Workouts); `account`
    the account folder's number when there are several.
    """
    workouts = folder if folder is not None else Path.home() / WORKOUTS
    if not workouts.is_dir():
        raise _fail(
            workouts,
            "no Zwift workouts folder here: Zwift makes Documents/Zwift/Workouts when it is "
            "installed; give the folder with --zwift-folder",
        )
    found = accounts(workouts)
    if account is not None:
        chosen = child(workouts, account) if account.isascii() and account.isdigit() else None
        if chosen is None or chosen not in found:
            names = ", ".join(p.name for p in found) or "none"
            raise _fail(workouts, f"no account folder '{account}' here (there are: {names})")
    elif not found:
        raise _fail(
            workouts,
            "no account folder here: Zwift makes Workouts/<your id> once you log in on this "
            "computer; send makes none",
        )
    elif len(found) > 1:
        raise SeveralAccounts(found)
    else:
        chosen = found[0]
    problem = escapes(workouts, chosen)
    if problem is not None:
        raise _fail(chosen, f"{problem}: send writes only inside Zwift's workouts folder")
    return Device(
        root=chosen,
        descriptor=chosen,
        model="Zwift",
        part_number="",
        locations=(
            FileLocation(
                data_type=Kind.ZWO.value, path="", extension="zwo", direction="InputToUnit"
            ),
        ),
        fs_id=os.stat(chosen).st_dev,
    )


def units(
    run: Run, paths: Sequence[Path], device: Device
) -> Iterator[tuple[Unit | None, list[Diagnostic]]]:
    """Each workout below `paths` as the .zwo unit it sends (None: nothing to send)."""
    from .send import unit_for

    for item in run.inputs(paths):
        if item.path.name == PROFILE_NAME:
            yield None, run.check_profile(item.path)
            continue
        if run.is_plan(item.path):
            yield (
                None,
                [
                    error(
                        Position(str(item.path), 0, 0),
                        "a plan is not sent to Zwift (it has no calendar); send its workouts",
                    )
                ],
            )
            continue
        try:
            yield unit_for(item.path, str(item.path), device, Kind.ZWO, run=run)
        except WorkoutError as exc:
            yield None, list(exc.diagnostics)
