"""The command line: map arguments to a `run.Run`, write or send what it hands back, print
diagnostics, exit.

How an input becomes verified bytes is the run's business (`run.py`); what a command does
with them (write, send, publish, print) is the command's. Heavy modules (pydantic models,
fit-tool, lxml) are imported inside the commands, so that `workoutexport --help` stays fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, get_args

import click

from .diagnostics import (
    MAX_PATH,
    Diagnostic,
    Position,
    Report,
    WorkoutError,
    error,
    printable,
    warning,
)
from .formats import FORMATS
from .options import PICKS, BuildOptions, Pick, parse_overrides
from .outputs import PROFILE_NAME, Input, Outputs, discover, quiet

if TYPE_CHECKING:
    from .plans import PlanBuild
    from .profile import Profile
    from .run import Built, Run
    from .steps import Workout


def _colour() -> bool:
    """Colour diagnostics: on a terminal, unless NO_COLOR is set (no-color.org)."""
    return sys.stderr.isatty() and not os.environ.get("NO_COLOR")


_SEVERITY_COLOUR = {"error": "red", "warning": "yellow"}


def _emit_error(report: Report, fmt: str) -> None:
    text = report.render(fmt)
    if fmt == "text":
        if text and _colour():
            text = "\n".join(
                f"{d.position}: "
                f"{click.style(d.severity, fg=_SEVERITY_COLOUR[d.severity], bold=True)}: {d.text()}"
                for d in report.ordered()
            )
        if text:
            click.echo(text, err=True, color=_colour() or None)
    elif fmt == "json" or text:
        click.echo(text)


F = TypeVar("F", bound=Callable[..., Any])
_PRINT_STYLES = ("text", "json", "github")

# The options a command that builds may offer, by name; `build_options` turns the values
# given into one BuildOptions.
_OPTIONS = {
    "profile": click.option(
        "--profile",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Athlete profile (named paces, heart rate, FTP). Default: the nearest "
        "profile.yaml in the workout's folder or a parent folder.",
    ),
    "sets": click.option(
        "--set",
        "sets",
        multiple=True,
        metavar="NAME=VALUE",
        help="Override a variable the workouts define under vars: (in a folder, each "
        "workout that defines it).",
    ),
    "exclude": click.option(
        "--exclude",
        "exclude",
        multiple=True,
        metavar="GLOB",
        help="Leave out files matching GLOB when walking folders (e.g. 'drafts/*'); give it "
        "again for more. Dotfiles and dot-folders are always left out.",
    ),
    "pick": click.option(
        "--pick",
        type=click.Choice(PICKS),
        default="low",
        show_default=True,
        help="How to resolve ranges such as 'repeat: 6-8' or 'recover: 60-90s'.",
    ),
    "lossy": click.option(
        "--lossy", is_flag=True, help="Drop what a format cannot carry, with a warning."
    ),
    "jobs": click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=1),
        default=None,
        help="Worker processes. Default: one per CPU (one for a few files). Output and "
        "diagnostics are the same for any number.",
    ),
}


def _as_pick(value: str) -> Pick:
    for pick in PICKS:
        if pick == value:
            return pick
    raise click.BadParameter(f"'{value}' is not one of {', '.join(PICKS)}", param_hint="--pick")


def build_options(*offered: str, formats: tuple[str, ...] | None = None) -> Callable[[F], F]:
    """The one decorator of every command that builds: adds the `offered` options (names of
    `_OPTIONS`, and `-f/--format` when `formats` lists its choices) and calls the command
    with one `options: BuildOptions` instead. `--set` is parsed here, once. Format choices
    outside FORMATS (check's old printing styles) reach the command as `styles`."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def command(**kwargs: Any) -> Any:
            values = {name: kwargs.pop(name) for name in (*offered, "formats") if name in kwargs}
            try:
                overrides = parse_overrides(values.get("sets", ()))
            except ValueError as exc:
                raise click.BadParameter(str(exc), param_hint="--set") from None
            given = values.get("formats", ())
            if formats is not None and set(formats) - set(FORMATS):
                kwargs["styles"] = tuple(f for f in given if f not in FORMATS)
            options = BuildOptions(
                formats=tuple(dict.fromkeys(f for f in given if f in FORMATS)) or ("fit",),
                profile=values.get("profile"),
                overrides=overrides,
                pick=_as_pick(values.get("pick", "low")),
                lossy=values.get("lossy", False),
                exclude=values.get("exclude", ()),
                jobs=values.get("jobs", 1),
            )
            return fn(options=options, **kwargs)

        wrapped: Any = command
        for name in reversed(offered):
            wrapped = _OPTIONS[name](wrapped)
        if formats is not None:
            wrapped = click.option(
                "-f",
                "--format",
                "formats",
                multiple=True,
                type=click.Choice(formats),
                help="Output format; give it twice for both. Default: fit.",
            )(wrapped)
        result: F = wrapped
        return result

    return decorate


_paths = click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="workoutexport", prog_name="workoutexport")
def main() -> None:
    """Compile structured workouts written in YAML into FIT and TCX workout files."""
    _tolerant_streams()


def _tolerant_streams() -> None:
    """A character the terminal's encoding lacks (an emoji on a latin-1 stdout) is printed
    as an escape instead of ending the run with UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def _start(options: BuildOptions, report: Report) -> Run:
    from .run import Run

    run = Run(options)
    report.add(run.diagnostics)
    return run


def _said(report: Report) -> Callable[[Path, str], None]:
    return lambda path, why: report.add([warning(Position(str(path), 0, 0), why)])


def _every_input(
    run: Run, paths: tuple[Path, ...], report: Report
) -> Iterator[tuple[Input, Built | PlanBuild | None]]:
    """Each input of `build` and `check` with what the run made of it (None: a profile,
    checked, or a plan that failed); every diagnostic goes to `report`."""
    from .progress import progress

    items = run.inputs(paths, on_skip=_said(report))
    report.checked += len(items)
    profiles = [i for i in items if i.path.name == PROFILE_NAME]
    plans = [i for i in items if i not in profiles and run.is_plan(i.path)]
    workouts = [i for i in items if i not in profiles and i not in plans]
    for item in profiles:
        report.add(run.check_profile(item.path))
        yield item, None
    built = run.workouts([i.path for i in workouts])
    for item in progress(workouts, "checking"):
        one = next(built)
        report.add(one.diagnostics)
        yield item, one
    for item in plans:
        plan = run.plan(item.path)
        report.add(plan.diagnostics)
        yield item, plan.build
    report.add(run.unapplied())


@main.command()
@_paths
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder to write into.",
)
@build_options("profile", "sets", "exclude", "pick", "lossy", "jobs", formats=tuple(FORMATS))
def build(paths: tuple[Path, ...], out_dir: Path, options: BuildOptions) -> None:
    """Build workout files from YAML workouts (files or folders)."""
    from .batch import Batch
    from .plans import PlanBuild

    report = Report()
    run = _start(options, report)
    outputs = Outputs(out_dir)
    outputs.protect(item.path for item in discover(paths, on_skip=quiet))
    written = 0
    failed: list[Input] = []

    def done(target: Path, shown: str, exc: OSError | None) -> None:
        nonlocal written
        if exc is not None:
            report.add([error(Position(shown), f"cannot write {target}: {exc.strerror}")])
            return
        written += 1
        click.echo(f"wrote {printable(str(target), MAX_PATH)}")

    files: list[tuple[Input, str, bytes]] = []
    for item, made in _every_input(run, paths, report):
        if isinstance(made, PlanBuild):
            for name, data in made.files:
                relative = item.relative.parent / name
                files.append((Input(item.path, relative), relative.suffix, data))
        elif made is not None and made.workout is not None:
            files += [(item, f".{o.format}", o.data) for o in made.outputs]
        elif made is not None:
            failed.append(item)
    batch = Batch()  # one file-system sync for many files instead of an fsync each
    for item, suffix, data in files:
        shown, target = str(item.path), outputs.path_for(item, suffix)
        earlier = outputs.claim(target, shown)
        if earlier is not None:
            why = f"{target} is also the output of {earlier}; rename one of the two workouts"
            report.add([error(Position(shown), why)])
            continue
        try:
            outputs.check(target)
        except OSError as exc:
            report.add([error(Position(shown), f"cannot write {target}: {exc.strerror}")])
            continue
        batch.add(target, data, functools.partial(done, target, shown))
    batch.flush()
    _emit_error(report, "text")
    for item in failed:
        for fmt in options.formats:
            old = outputs.path_for(item, f".{fmt}")
            if old.is_file():
                # Left as it was (it may be on a watch already); the user must hear it is old.
                click.echo(f"note: {old} is from an older {item.path} (not rebuilt)", err=True)
    click.echo(
        f"{written} file{'s' if written != 1 else ''} written; {report.summary('read')}", err=True
    )
    sys.exit(report.exit_code)


@main.command()
@_paths
# text/json/github: the printing style's old spelling, kept one release (deprecated).
@build_options(
    "profile", "sets", "exclude", "pick", "lossy", "jobs", formats=(*FORMATS, *_PRINT_STYLES)
)
@click.option("--strict", is_flag=True, help="Warnings fail the check too.")
@click.option(
    "--output-format",
    "output_format",
    type=click.Choice(_PRINT_STYLES),
    default=None,
    help="How to print diagnostics: text (default), json, or github (workflow annotations).",
)
def check(
    paths: tuple[Path, ...],
    options: BuildOptions,
    styles: tuple[str, ...],
    strict: bool,
    output_format: str | None,
) -> None:
    """Check workouts: compile, emit in memory, verify every output; write nothing.

    A profile.yaml named here is checked with every workout in its folder, since a change
    to it can break any of them (so the pre-commit hook re-checks them when it changes).
    """
    from .plans import PlanBuild, volume_warnings

    if styles:
        click.echo(
            f"warning: '--format {styles[-1]}' is deprecated and will be removed in the next "
            f"release; write '--output-format {styles[-1]}' (-f/--format is the workout format)",
            err=True,
        )
        output_format = output_format or styles[-1]
    output_format = output_format or "text"
    paths = (*paths, *(p.parent for p in paths if p.name == PROFILE_NAME and p.is_file()))
    report = Report(strict=strict)
    for _item, made in _every_input(_start(options, report), paths, report):
        if isinstance(made, PlanBuild):
            report.add(volume_warnings(made))
    _emit_error(report, output_format)
    if output_format == "text":
        click.echo(report.summary())
    sys.exit(report.exit_code)


@main.command()
@_paths
@build_options("profile", "sets", "exclude", "pick")
@click.option(
    "--chart/--no-chart",
    default=None,
    help="Draw the intensity profile below the steps. Default: when output is a terminal.",
)
@click.option(
    "--units",
    type=click.Choice(["km", "mi"]),
    default=None,
    help="Show distances and paces in km or miles. Default: as each step was written.",
)
def show(
    paths: tuple[Path, ...], options: BuildOptions, chart: bool | None, units: str | None
) -> None:
    """Print the compiled steps of workouts (YAML, FIT or TCX files, or folders), with totals."""
    from .importers import SUFFIXES

    report = Report()
    run = _start(options, report)
    chart = sys.stdout.isatty() if chart is None else chart
    shown: list[str] = []
    status = 0
    for item in run.inputs(paths, (".yaml", ".yml", *SUFFIXES)):
        report.checked += 1
        text, code = _show_one(run, item.path, chart, units, report)
        status = max(status, code)
        if text:
            shown.append(text)
    report.add(run.unapplied())
    _emit_error(report, "text")
    click.echo("\n".join(shown), nl=False)
    sys.exit(max(status, report.exit_code))


def _show_one(
    run: Run, path: Path, chart: bool, units: str | None, report: Report
) -> tuple[str, int]:
    """What `show` prints for one file, and its exit status; diagnostics go to `report`."""
    from .show import render

    if path.suffix.lower() in (".fit", ".tcx"):
        return _show_file(path, report, chart, units)
    if path.name == PROFILE_NAME:
        problems = run.check_profile(path)
        report.add(problems)
        return ("", 1) if problems else (f"{path} is a valid profile\n", 0)
    if run.is_plan(path):
        # A plan prints its own diagnostics, then its calendar.
        _emit_error(report, "text")
        report.clear()
        return "", _show_plan(run, path)
    built = run.workout(path, formats=())
    report.add(built.diagnostics)
    if built.workout is None:
        return "", 1
    try:
        profile = run.profile_for(path)
        text = render(built.workout, units=units, profile=profile, pick=run.options.pick)
        if chart:
            text += _chart_text(built.workout, profile)
    except WorkoutError as exc:
        report.add(exc.diagnostics)
        return "", 1
    except Exception as exc:  # a bug: one file must not stop the others from showing
        report.add([_internal(path, exc)])
        return "", 1
    return text, 0


def _show_plan(run: Run, path: Path) -> int:
    """Print a plan's diagnostics and calendar; returns the exit status."""
    from .plans import render_plan, volume_warnings

    report = Report()
    built = run.plan(path, formats=("fit",))
    report.add(built.diagnostics)
    if built.build is not None:
        report.add(volume_warnings(built.build))
    _emit_error(report, "text")
    if built.build is not None:
        click.echo(render_plan(built.build), nl=False)
    return report.exit_code


def _internal(path: Path, exc: Exception) -> Diagnostic:
    from .diagnostics import internal_error
    from .pipeline import display_path

    return internal_error(Position(display_path(path), 0, 0), exc)


def _chart_text(workout: Workout, profile: Profile) -> str:
    from .chart import terminal_chart

    return "\n" + terminal_chart(workout, profile)


def _show_file(path: Path, report: Report, chart: bool, units: str | None) -> tuple[str, int]:
    from .importers import read_workouts
    from .pipeline import display_path
    from .show import render

    try:
        workouts, notes = read_workouts(path, display_path(path))
        file: Literal["fit", "tcx"] = "tcx" if path.suffix.lower() == ".tcx" else "fit"
        shown = [render(w, units=units, file=file) for w in workouts]
        if chart:
            from .profile import EMPTY

            shown = [text + _chart_text(w, EMPTY) for text, w in zip(shown, workouts, strict=True)]
    except WorkoutError as exc:
        report.add(exc.diagnostics)
        return "", 1
    except Exception as exc:  # a bug: one file must not stop the others from showing
        report.add([_internal(path, exc)])
        return "", 1
    report.add(notes)
    return "\n".join(shown), 0


@main.command(name="import")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="YAML file to write (*.yaml), or a folder (anything else): a folder of files, or a "
    "TCX holding several workouts, needs a folder. Default: standard output.",
)
@_OPTIONS["jobs"]
def import_(source: Path, output: Path | None, jobs: int | None) -> None:
    """Turn FIT or TCX workout files into YAML workouts."""
    from .importers import SUFFIXES
    from .pipeline import display_path
    from .run import import_files

    report = Report()
    if source.is_dir() and output is None:
        raise click.UsageError("importing a folder needs -o OUTDIR")
    # -o names a YAML file, or else a folder.
    to_folder = output is not None and (
        source.is_dir() or output.suffix.lower() not in (".yaml", ".yml")
    )
    outputs = Outputs(output if to_folder and output else Path("."))
    items = list(
        discover(
            [source],
            SUFFIXES,
            ignore_case=True,
            skip_names=(),
            on_skip=lambda p, why: report.add([warning(Position(str(p), 0, 0), why)]),
        )
    )
    outputs.protect(item.path for item in items)
    results = import_files([item.path for item in items], jobs=jobs)
    for item, (imported, problems) in zip(items, results, strict=True):
        report.checked += 1
        shown = display_path(item.path)
        if imported is None:
            report.add(problems)
            continue
        if not to_folder and len(imported) > 1:
            report.add(
                [
                    error(
                        Position(shown, 0, 0),
                        f"holds {len(imported)} workouts: "
                        "give -o FOLDER to write one YAML file each",
                    )
                ]
            )
            continue
        for one in imported:
            report.add(one.diagnostics)
            if output is None:
                click.echo(one.yaml, nl=False)
                continue
            target = outputs.path_for(item, ".yaml", stem=one.stem) if to_folder else output
            earlier = outputs.claim(target, shown)
            if earlier is not None:
                # X.fit and X.tcx both make X.yaml: never let one silently replace the other.
                report.add(
                    [
                        error(
                            Position(shown, 0, 0),
                            f"{target} is also the import of {earlier}; nothing written for "
                            "this file: import one of the two on its own with -o NAME.yaml",
                        )
                    ]
                )
                continue
            try:
                outputs.write(target, one.yaml.encode("utf-8"), named=not to_folder)
            except OSError as exc:
                report.add([error(Position(shown, 0, 0), f"cannot write {target}: {exc.strerror}")])
                continue
            click.echo(f"wrote {printable(str(target), MAX_PATH)}", err=True)
    _emit_error(report, "text")
    sys.exit(report.exit_code)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the workout format."""
    from .schema import workout_schema_text

    click.echo(workout_schema_text(), nl=False)


@main.command()
@click.argument("race")
@click.option(
    "--model",
    type=click.Choice(["daniels", "riegel"]),
    default="daniels",
    show_default=True,
    help="How race-equivalent paces are found (training paces always come from VDOT).",
)
def paces(race: str, model: str) -> None:
    """Print the named paces a race result gives, e.g. paces "5k 20:00"."""
    from .paces import RaceModel, pace_table, parse_race
    from .units import UnitError

    try:
        result = parse_race(race)
    except UnitError as exc:
        raise click.BadParameter(str(exc), param_hint="RACE") from None
    chosen = next(m for m in get_args(RaceModel) if m == model)
    click.echo(pace_table(result, chosen), nl=False)


@main.command()
@_paths
@click.option(
    "--device",
    "device_root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Where the watch is mounted (the folder holding GARMIN/). Default: the one mounted "
    "Garmin device found.",
)
@click.option("--dry-run", is_flag=True, help="Print what would go where; write nothing.")
@click.option(
    "--all",
    "all_sessions",
    is_flag=True,
    help="For a plan: send every session, not only those from today on.",
)
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="For a plan: send the sessions up to this day (YYYY-MM-DD) only; watches keep about "
    "30 scheduled workouts, so send a plan a few weeks at a time.",
)
@build_options("profile", "sets", "exclude", "pick", "lossy")
def send(
    paths: tuple[Path, ...],
    device_root: Path | None,
    dry_run: bool,
    all_sessions: bool,
    until: dt.datetime | None,
    options: BuildOptions,
) -> None:
    """Put workouts (and plans) on a Garmin watch, where its GarminDevice.xml says."""
    from . import send as s
    from .device import MOUNT_HELP

    report = Report()
    try:
        device = s.open_device(device_root)
        kind = s.workout_kind(device)
    except s.NoDevice:
        click.echo(f"error: no mounted Garmin device found; {MOUNT_HELP}", err=True)
        sys.exit(1)
    except s.SeveralDevices as exc:
        listed = "\n".join(f"  {root}" for root in exc.roots)
        raise click.UsageError(
            f"several Garmin devices are mounted:\n{listed}\nchoose one with --device ROOT"
        ) from None
    except WorkoutError as exc:
        report.add(exc.diagnostics)
        _emit_error(report, "text")
        sys.exit(1)
    run = _start(options, report)
    units = []
    for item in run.inputs(paths):
        report.checked += 1
        if item.path.name == PROFILE_NAME:
            report.add(run.check_profile(item.path))
            continue
        try:
            unit, notes = s.unit_for(
                item.path,
                str(item.path),
                device,
                kind,
                run=run,
                since=None if all_sessions else dt.date.today(),
                until=until.date() if until is not None else None,
            )
        except WorkoutError as exc:
            report.add(exc.diagnostics)
            continue
        report.add(notes)
        units.append(unit)
    report.add(run.unapplied())
    placements, notes = s.place(device, units)
    report.add(notes)
    full = s.check_space(placements)
    report.add(full)
    sent = 0
    if full:
        placements = []
    elif not dry_run:
        try:
            sent = len(s.write_all(placements))
        except s.SendError as exc:
            report.add(exc.diagnostics)
            placements = []
    for p in placements:
        click.echo(s.describe(p))
    _emit_error(report, "text")
    done = "dry run: nothing written" if dry_run else f"{sent} file{'s' if sent != 1 else ''} sent"
    click.echo(f"{done} to {device.model} at {device.root}; {report.summary('read')}", err=True)
    sys.exit(report.exit_code)


@main.command()
@_paths
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the site into.",
)
@build_options("profile", "sets", "exclude", "pick", "jobs")
def site(paths: tuple[Path, ...], out_dir: Path, options: BuildOptions) -> None:
    """Write a static catalog (HTML, charts, FIT and TCX downloads) of workouts."""
    from .site import SiteInput, build_site

    report = Report()
    run = _start(options, report)
    found = run.inputs(paths)
    inputs = [SiteInput(i.path, i.relative) for i in found if i.path.name != PROFILE_NAME]
    report.checked += len(inputs)
    # Written as build writes: never over an input, never out through a symlinked folder.
    outputs = Outputs(out_dir)
    outputs.protect(i.path for i in inputs)
    report.add(build_site(inputs, out_dir, run=run, write=outputs.write))
    report.add(run.unapplied())
    _emit_error(report, "text")
    click.echo(f"site written to {out_dir / 'index.html'}; {report.summary('read')}", err=True)
    sys.exit(report.exit_code)
