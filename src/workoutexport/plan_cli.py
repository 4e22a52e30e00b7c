"""What `build`, `check` and `show` do with a plan file: the command line's side of plans.py.

Kept out of cli.py so that the commands only hand plans over; nothing here is imported by
`workoutexport --help`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .cli import _emit_error, _parse_sets, _profiles
from .diagnostics import Position, Report, WorkoutError, error, internal_error
from .outputs import Input
from .plans import PlanBuild, build_plan

if TYPE_CHECKING:
    from .pipeline import ProfileCache, SetUse


def _build(
    item: Input,
    fmts: tuple[str, ...],
    report: Report,
    *,
    profiles: ProfileCache,
    sets: tuple[str, ...],
    pick: str,
    lossy: bool,
    use: SetUse | None = None,
) -> PlanBuild | None:
    """Build one plan; problems go to `report`. Under a lenient `use` (several inputs) the
    plan takes the `--set` vars its workouts define, and says which in `use.applied`."""
    try:
        build = build_plan(
            item.path,
            fmts,
            profiles=profiles,
            overrides=_parse_sets(sets),
            pick=pick,  # type: ignore[arg-type]
            lossy=lossy,
            lenient=use is not None and use.lenient,
            library=item.root,
        )
    except WorkoutError as exc:
        report.add(exc.diagnostics)
        return None
    except Exception as exc:  # a bug: one plan must not stop the other inputs
        report.add([internal_error(_plan_position(item.path), exc)])
        return None
    report.add(build.diagnostics)
    if use is not None:
        use.applied.update(build.plan.applied)
    return build


def _plan_position(path: Path) -> Position:
    from .pipeline import display_path

    return Position(display_path(path), 0, 0)


def _unverified(build: PlanBuild) -> list[str]:
    """A line for each of the plan's files that the reference readers refuse."""
    from icalendar import Calendar

    from .pipeline import verify

    found = []
    for name, data in build.files:
        suffix = Path(name).suffix[1:]
        if suffix == "ics":
            try:
                Calendar.from_ical(data)
                problems = []
            except ValueError as exc:
                problems = [str(exc)]
        else:
            problems = verify(data, suffix)
        if problems:
            found.append(f"internal error: {name} does not verify: {problems[0]}")
    return found


def plan_outputs(
    plans: list[Input],
    fmts: tuple[str, ...],
    report: Report,
    *,
    profile: Path | None,
    sets: tuple[str, ...],
    pick: str,
    lossy: bool,
    use: SetUse | None = None,
) -> Iterator[tuple[Input, None, list[tuple[str, bytes]]]]:
    """Each file of each plan, shaped as `build` writes workouts: `relative` is the file's
    path under the output folder (suffix included), with one (suffix, bytes) output."""
    profiles = _profiles(profile, report)  # read once for every plan of the run
    for item in plans:
        build = _build(
            item, fmts, report, profiles=profiles, sets=sets, pick=pick, lossy=lossy, use=use
        )
        if build is None:
            continue
        problems = _unverified(build)
        if problems:
            # As for a workout, nothing the reference reader refuses is written; and a
            # schedule must not point at a missing session, so the whole plan is held back.
            where = build.plan.week_sources[0] if build.plan.week_sources else None
            report.add([error(where or _plan_position(item.path), problems[0])])
            continue
        for name, data in build.files:
            relative = item.relative.parent / name
            yield Input(item.path, relative), None, [(relative.suffix[1:], data)]


def check_plans(
    plans: list[Input],
    fmts: tuple[str, ...],
    report: Report,
    *,
    profile: Path | None,
    sets: tuple[str, ...],
    pick: str,
    lossy: bool,
    use: SetUse | None = None,
) -> None:
    """Build each plan in memory, verify every file, and warn where a week breaks the 10 % rule."""
    from .plans import volume_warnings

    profiles = _profiles(profile, report)  # read once for every plan of the run
    for item in plans:
        build = _build(
            item, fmts, report, profiles=profiles, sets=sets, pick=pick, lossy=lossy, use=use
        )
        if build is None:
            continue
        where = build.plan.week_sources[0] if build.plan.week_sources else None
        for problem in _unverified(build):
            report.add([error(where or _plan_position(item.path), problem)])
        report.add(volume_warnings(build))


def show_plan(path: Path, profile: Path | None, sets: tuple[str, ...], pick: str) -> int:
    """Print the plan's calendar; returns the exit status."""
    from .plans import render_plan, volume_warnings

    report = Report()
    build = _build(
        Input(path, Path(path.name)),
        ("fit",),
        report,
        profiles=_profiles(profile, report),
        sets=sets,
        pick=pick,
        lossy=False,
    )
    if build is not None:
        report.add(volume_warnings(build))
    _emit_error(report, "text")
    if build is not None:
        click.echo(render_plan(build), nl=False)
    return report.exit_code
