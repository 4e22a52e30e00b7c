"""The command line: map arguments to a `run.Run`, write or send what it hands back, print
diagnostics, exit.

How an input becomes verified bytes is the run's business (`run.py`); what a command does
with them (write, send, publish, print) is the command's. Heavy modules (pydantic models,
fit-tool, lxml) are imported inside the commands, so that `workoutexport --help` stays fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

import click

from .cli_options import OPTIONS, PRINT_STYLES, build_options
from .diagnostics import MAX_PATH, Position, Report, WorkoutError, error, printable, warning
from .formats import FORMATS
from .options import BuildOptions
from .outputs import PROFILE_NAME, Input, Outputs, discover, quiet

if TYPE_CHECKING:
    from .plans import PlanBuild
    from .run import Built, Run


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


_FOLDER = click.Path(file_okay=False, path_type=Path)
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
    """`Run.each` with its diagnostics said to `report`, and `--set` checked at the end."""
    for item, made, said in run.each(paths, on_skip=_said(report)):
        report.checked += 1
        report.add(said)
        yield item, made
    report.add(run.unapplied())


@main.command()
@_paths
@click.option(
    "-o", "--output", "out_dir", type=_FOLDER, default=Path("."), show_default=True,
    help="Folder to write into.",
)  # fmt: skip
@build_options("profile", "sets", "exclude", "pick", "lossy", "jobs", formats=tuple(FORMATS))
def build(paths: tuple[Path, ...], out_dir: Path, options: BuildOptions) -> None:
    """Build workout files from YAML workouts (files or folders)."""
    from .batch import write_outputs
    from .plans import PlanBuild

    report = Report()
    run = _start(options, report)
    outputs = Outputs(out_dir)
    outputs.protect(item.path for item in discover(paths, on_skip=quiet))
    failed: list[Input] = []
    # Each format of a workout is written on its own; a plan's files all or none.
    files: list[list[tuple[Input, str, bytes]]] = []
    for item, made in _every_input(run, paths, report):
        if isinstance(made, PlanBuild):
            group = []
            for name, data in made.files:
                relative = item.relative.parent / name
                group.append((Input(item.path, relative), relative.suffix, data))
            files.append(group)
        elif made is not None and made.workout is not None:
            files += [[(item, f".{o.format}", o.data)] for o in made.outputs]
        elif made is not None:
            failed.append(item)
    written: list[Path] = []

    def wrote(target: Path) -> None:
        written.append(target)
        click.echo(f"wrote {printable(str(target), MAX_PATH)}")

    report.add(write_outputs(outputs, files, wrote))
    _emit_error(report, "text")
    for item in failed:
        for fmt in options.formats:
            old = outputs.path_for(item, f".{fmt}")
            if old.is_file():
                # Left as it was (it may be on a watch already); the user must hear it is old.
                click.echo(f"note: {old} is from an older {item.path} (not rebuilt)", err=True)
    count = len(written)
    click.echo(
        f"{count} file{'s' if count != 1 else ''} written; {report.summary('read')}", err=True
    )
    sys.exit(report.exit_code)


@main.command()
@_paths
# text/json/github: the printing style's old spelling, kept one release (deprecated).
@build_options(
    "profile", "sets", "exclude", "pick", "lossy", "jobs", formats=(*FORMATS, *PRINT_STYLES)
)
@click.option("--strict", is_flag=True, help="Warnings fail the check too.")
@click.option(
    "--output-format",
    "output_format",
    type=click.Choice(PRINT_STYLES),
    default=None,
    help="How to print diagnostics: text (default), json, or github (workflow annotations).",
)
def check(
    paths: tuple[Path, ...],
    options: BuildOptions,
    style: str | None,
    strict: bool,
    output_format: str | None,
) -> None:
    """Check workouts: compile, emit in memory, verify every output; write nothing.

    A profile.yaml named here is checked with every workout (and plan) in its folder, since
    a change to it can break any of them; a workout named here is checked with the plans of
    its library that use it (the library: the folder of the nearest profile.yaml, else the
    workout's own folder, and below), and those naming a workout that is not there, since a
    renamed var or file breaks them. So the pre-commit hook re-checks what a change breaks.
    """
    from .plans import PlanBuild, plans_using, volume_warnings

    output_format = output_format or style or "text"
    report = Report(strict=strict)
    run = _start(options, report)
    named = [p for p in paths if p.is_file() and p.suffix.lower() in (".yaml", ".yml")]
    changed = [p for p in named if p.name != PROFILE_NAME and not run.is_plan(p)]
    using = plans_using(changed, run.documents)
    paths = (
        *paths,
        *(p.parent for p in named if p.name == PROFILE_NAME),
        *(plan for plan, _ in using),
    )
    run.libraries.update((plan.resolve(), root) for plan, root in using)
    for _item, made in _every_input(run, paths, report):
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
        one = run.show(item.path, chart=chart, units=units)
        status = max(status, int(one.failed))
        if one.plan:
            # A plan's own diagnostics come just before its calendar, which is printed now.
            _emit_error(report, "text")
            report.clear()
            _emit_error(Report(diagnostics=one.diagnostics), "text")
            click.echo(one.text, nl=False)
            continue
        report.add(one.diagnostics)
        if one.text:
            shown.append(one.text)
    report.add(run.unapplied())
    _emit_error(report, "text")
    click.echo("\n".join(shown), nl=False)
    sys.exit(max(status, report.exit_code))


@main.command(name="import")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="YAML file to write (*.yaml), or a folder (anything else): a folder of files, or a "
    "TCX holding several workouts, needs a folder. Default: standard output.",
)
@OPTIONS["jobs"]
def import_(source: Path, output: Path | None, jobs: int | None) -> None:
    """Turn FIT or TCX workout files into YAML workouts."""
    from .importers import SUFFIXES
    from .pipeline import display_path
    from .run import imports

    report = Report()
    if source.is_dir() and output is None:
        raise click.UsageError("importing a folder needs -o OUTDIR")
    # -o names a YAML file, or else a folder.
    to_folder = output is not None and (
        source.is_dir() or output.suffix.lower() not in (".yaml", ".yml")
    )
    outputs = Outputs(output if to_folder and output else Path("."))
    items = list(discover([source], SUFFIXES, skip_names=(), on_skip=_said(report)))
    report.checked += len(items)
    for item, said, found in imports(items, outputs, to_folder=to_folder, output=output, jobs=jobs):
        report.add(said)
        for target, text in found:
            if target is None:
                click.echo(text, nl=False)
                continue
            try:
                outputs.write(target, text.encode("utf-8"), named=not to_folder)
            except OSError as exc:
                why = f"cannot write {target}: {exc.strerror}"
                report.add([error(Position(display_path(item.path), 0, 0), why)])
                continue
            click.echo(f"wrote {printable(str(target), MAX_PATH)}", err=True)
    _emit_error(report, "text")
    sys.exit(report.exit_code)


@main.command()
@click.argument("kind", type=click.Choice(["workout", "plan"]), default="workout")
def schema(kind: Literal["workout", "plan"]) -> None:
    """Print the JSON Schema of the workout format (or of the plan format: schema plan)."""
    from .schema import schema_text

    click.echo(schema_text(kind), nl=False)


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
    "--from",
    "from_day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="For a plan: send the sessions from this day (YYYY-MM-DD) on, instead of from "
    "today; with --until, one part of a plan. The plan's schedule sent before is replaced.",
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
    from_day: dt.datetime | None,
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
        listed = "\n".join(f"  {printable(str(root), MAX_PATH)}" for root in exc.roots)
        raise click.UsageError(
            f"several Garmin devices are mounted:\n{listed}\nchoose one with --device ROOT"
        ) from None
    except WorkoutError as exc:
        report.add(exc.diagnostics)
        _emit_error(report, "text")
        sys.exit(1)
    run = _start(options, report)
    units = []
    if from_day is not None and all_sessions:
        raise click.UsageError("--from and --all: choose one (--all sends every session)")
    since = from_day.date() if from_day else None if all_sessions else dt.date.today()
    for unit, said in s.units(run, paths, device, kind, since=since, until=until and until.date()):
        report.checked += 1
        report.add(said)
        units += [unit] if unit is not None else []
    report.add(run.unapplied())
    placements, sent, notes = s.deliver(device, units, dry_run=dry_run)
    report.add(notes)
    for p in placements:
        click.echo(s.describe(p))
    _emit_error(report, "text")
    done = "dry run: nothing written" if dry_run else f"{sent} file{'s' if sent != 1 else ''} sent"
    to = f"{printable(device.model, 80)} at {printable(str(device.root), MAX_PATH)}"
    click.echo(f"{done} to {to}; {report.summary('read')}", err=True)
    sys.exit(report.exit_code)


@main.command()
@_paths
@click.option(
    "-o", "--output", "out_dir", type=_FOLDER, required=True, help="Folder to write the site into."
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
