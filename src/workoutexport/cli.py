"""The command line: map arguments to a `run.Run`, write or send what it hands back, print
diagnostics, exit.

How an input becomes verified bytes is the run's business (`run.py`); what a command does
with them (write, send, publish, print) is the command's. Heavy modules (pydantic models,
fit-tool, lxml) are imported inside the commands, so that `workoutexport --help` stays fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar, get_args

import click

from .cli_options import OPTIONS, build_options
from .diagnostics import MAX_PATH, Position, Report, WorkoutError, error, printable, warning
from .formats import FORMATS
from .options import BuildOptions

if TYPE_CHECKING:
    import datetime as dt

    from .outputs import Input
    from .plans import PlanBuild
    from .run import Built, Run
    from .steps import Workout

T = TypeVar("T")


def _colour() -> bool:
    """Colour diagnostics: on a terminal, unless NO_COLOR is set (no-color.org)."""
    return sys.stderr.isatty() and not os.environ.get("NO_COLOR")


_SEVERITY_COLOUR = {"error": "red", "warning": "yellow", "note": "cyan"}


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


_json = click.option("--json", "as_json", is_flag=True, help="Print JSON (schema: schema/).")
_paths = click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="workoutexport", prog_name="workoutexport")
def main() -> None:
    """Compile structured workouts written in YAML into FIT and TCX workout files."""
    # A character the terminal's encoding lacks (an emoji on a latin-1 stdout) is printed
    # as an escape instead of ending the run with UnicodeEncodeError.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(ValueError, OSError, AttributeError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]


def _start(options: BuildOptions, report: Report) -> Run:
    from .run import Run

    run = Run(options)
    report.add(run.diagnostics)
    return run


def _said(report: Report) -> Callable[[Path, str], None]:
    return lambda path, why: report.add([warning(Position(str(path), 0, 0), why)])


def _every_input(
    run: Run, paths: tuple[Path, ...], report: Report, label: str
) -> Iterator[tuple[Input, Built | PlanBuild | None]]:
    """`Run.each` with its diagnostics said to `report`, and `--set` checked at the end;
    `label` names what the command does on its progress bar."""
    for item, made, said in run.each(paths, on_skip=_said(report), label=label):
        report.count([run.kind(item.path)])
        report.add(said)
        yield item, made
    report.add(run.unapplied())


@main.command()
@_paths
@OPTIONS["build_output"]
@build_options("profile", "overrides", "exclude", "pick", "lossy", "jobs", formats=tuple(FORMATS))
@_json
def build(paths: tuple[Path, ...], out_dir: Path, options: BuildOptions, as_json: bool) -> None:
    """Build workout files from YAML workouts (files or folders)."""
    from .batch import build_files, stale, write_outputs
    from .outputs import Outputs, discover, quiet

    report = Report()
    run = _start(options, report)
    outputs = Outputs(out_dir)
    outputs.protect(item.path for item in discover(paths, on_skip=quiet))
    failed: list[Input] = []
    files = build_files(_every_input(run, paths, report, "building"), failed)
    written: list[Path] = []  # kept for --json only: a library's paths are many
    count = 0

    def wrote(target: Path) -> None:
        nonlocal count
        count += 1
        if as_json:
            written.append(target)
        else:
            click.echo(f"wrote {printable(str(target), MAX_PATH)}")

    # A --set that no input takes is a typo: nothing is written (known only at the end).
    held = (lambda: not run.unapplied()) if options.overrides else None
    report.add(write_outputs(outputs, files, wrote, commit=held))
    _emit_error(report, "text")
    for line in stale(outputs, failed, (FORMATS[fmt].suffix for fmt in options.formats)):
        click.echo(line, err=True)
    if as_json:
        from .json_out import build_json

        click.echo(build_json(written, report), nl=False)
    click.echo(
        f"{count} file{'s' if count != 1 else ''} written; {report.summary('read')}", err=True
    )
    sys.exit(report.exit_code)


@main.command()
@_paths
@build_options("profile", "overrides", "exclude", "pick", "lossy", "jobs", formats=tuple(FORMATS))
@click.option("--strict", is_flag=True, help="Warnings fail the check too.")
@OPTIONS["output_format"]
def check(
    paths: tuple[Path, ...],
    options: BuildOptions,
    strict: bool,
    output_format: str,
) -> None:
    """Check workouts: compile, emit in memory, verify every output; write nothing.

    A profile.yaml named here is checked with every workout (and plan) in its folder, since
    a change to it can break any of them; a workout named here is checked with the plans of
    its library that use it (the library: the folder of the nearest profile.yaml, else the
    workout's own folder, and below), and those naming a workout that is not there, since a
    renamed var or file breaks them. So the pre-commit hook re-checks what a change breaks.
    """
    import dataclasses

    from .plans import PlanBuild, volume_warnings

    report = Report(strict=strict)
    # check reads every FIT file with Garmin's own decoder; build walks their framing.
    run = _start(dataclasses.replace(options, reference=True), report)
    for _item, made in _every_input(run, run.with_dependents(paths), report, "checking"):
        if isinstance(made, PlanBuild):
            report.add(volume_warnings(made))
    _emit_error(report, output_format)
    if output_format == "text":
        click.echo(report.summary())
    sys.exit(report.exit_code)


@main.command()
@_paths
@build_options("profile", "overrides", "exclude", "pick")
@OPTIONS["chart"]
@OPTIONS["units"]
@_json
def show(
    paths: tuple[Path, ...],
    options: BuildOptions,
    chart: bool | None,
    units: str | None,
    as_json: bool,
) -> None:
    """Print the compiled steps of workouts (YAML, FIT, TCX, ZWO or intervals.icu files, or
    folders), with totals."""
    from .importers import SHOWN_IN_FOLDERS
    from .json_out import show_json

    report = Report()
    run = _start(options, report)
    chart = sys.stdout.isatty() and not as_json if chart is None else chart
    shown: list[str] = []
    found: list[tuple[str, tuple[Workout, ...]]] = []
    status = 0
    for item in run.inputs(paths, (".yaml", ".yml", *SHOWN_IN_FOLDERS)):
        report.count([run.kind(item.path)])
        one = run.show(item.path, chart=chart, units=units)
        status = max(status, int(one.failed))
        if one.plan and as_json:
            report.add([warning(Position(str(item.path), 0, 0), "a plan has no --json form")])
        elif one.plan:
            # A plan's own diagnostics come just before its calendar, which is printed now.
            _emit_error(report, "text")
            report.clear()
            _emit_error(Report(diagnostics=one.diagnostics), "text")
            click.echo(one.text, nl=False)
            continue
        report.add(one.diagnostics)
        found.append((str(item.path), one.workouts))
        shown += [one.text] if one.text else []
    report.add(run.unapplied())
    _emit_error(report, "text")
    click.echo(show_json(found) if as_json else "\n".join(shown), nl=False)
    sys.exit(max(status, report.exit_code))


@main.command(name="import")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@OPTIONS["import_output"]
@OPTIONS["exclude"]
@OPTIONS["jobs"]
@OPTIONS["lossy_import"]
def import_(
    source: Path, output: Path | None, exclude: tuple[str, ...], jobs: int | None, lossy: bool
) -> None:
    """Turn FIT, TCX, Zwift (.zwo) or intervals.icu (.txt) workout files into YAML workouts."""
    from .importers import SUFFIXES
    from .outputs import Outputs, discover
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
    items = list(
        discover([source], SUFFIXES, skip_names=(), exclude=exclude, on_skip=_said(report))
    )
    for item, said, found in imports(
        items, outputs, to_folder=to_folder, output=output, jobs=jobs, lossy=lossy
    ):
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
@OPTIONS["race_model"]
@_json
def paces(race: str, model: str, as_json: bool) -> None:
    """Print the named paces a race result gives, e.g. paces "5k 20:00"."""
    from .json_out import paces_json
    from .paces import RaceModel, extrapolated, pace_table, parse_race
    from .units import UnitError

    try:
        result = parse_race(race)
    except UnitError as exc:
        raise click.BadParameter(printable(str(exc), 400), param_hint="RACE") from None
    caveat = extrapolated(result)
    if caveat is not None:
        click.echo(f"warning: {printable(caveat)}", err=True)
    chosen = next(m for m in get_args(RaceModel) if m == model)
    click.echo((paces_json if as_json else pace_table)(result, chosen), nl=False)


@main.command()
@_paths
@OPTIONS["device"]
@click.option("--dry-run", is_flag=True, help="Print what would go where; write nothing.")
@OPTIONS["all_sessions"]
@OPTIONS["from_day"]
@OPTIONS["until"]
@OPTIONS["zwift"]
@OPTIONS["zwift_folder"]
@OPTIONS["zwift_id"]
@build_options("profile", "overrides", "exclude", "pick", "lossy")
def send(
    paths: tuple[Path, ...],
    device_root: Path | None,
    dry_run: bool,
    all_sessions: bool,
    from_day: dt.datetime | None,
    until: dt.datetime | None,
    options: BuildOptions,
    zwift: bool = False,
    zwift_folder: Path | None = None,
    zwift_id: str | None = None,
) -> None:
    """Put workouts (and plans) on a Garmin watch, where its GarminDevice.xml says (or
    workouts into Zwift with --zwift)."""
    from . import send as s

    report = Report()
    if zwift:
        from . import zwift as z

        device = _open(report, lambda: z.open_zwift(zwift_folder, zwift_id))
        run = _start(options, report)
        found = z.units(run, paths, device)
        to = f"Zwift at {printable(str(device.root), MAX_PATH)}"
    else:
        if zwift_folder is not None or zwift_id is not None:
            raise click.UsageError("--zwift-folder and --zwift-id go with --zwift")
        device = _open(report, lambda: s.open_device(device_root))
        kind = _open(report, lambda: s.workout_kind(device))
        if from_day is not None and all_sessions:
            raise click.UsageError("--from and --all: choose one (--all sends every session)")
        run = _start(options, report)
        import datetime as dt

        since = from_day.date() if from_day else None if all_sessions else dt.date.today()
        found = s.units(run, paths, device, kind, since=since, until=until and until.date())
        to = f"{printable(device.model, 80)} at {printable(str(device.root), MAX_PATH)}"
    units = []
    for unit, said in found:
        report.add(said)
        units += [unit] if unit is not None else []
    report.count(run.kind(item.path) for item in run.found)
    report.add(run.unapplied())
    units = [] if run.unapplied() else units  # a --set no input takes: nothing sent
    placements, sent, notes = s.deliver(device, units, dry_run=dry_run)
    report.add(notes)
    for p in placements:
        click.echo(s.describe(p))
    _emit_error(report, "text")
    done = "dry run: nothing written" if dry_run else f"{sent} file{'s' if sent != 1 else ''} sent"
    click.echo(f"{done} to {to}; {report.summary('read')}", err=True)
    sys.exit(report.exit_code)


def _open(report: Report, find: Callable[[], T]) -> T:
    """What `find` finds (where `send` puts files); a problem with it ends the run, said."""
    from . import send as s
    from . import zwift as z
    from .device import MOUNT_HELP

    try:
        return find()
    except s.NoDevice:
        click.echo(f"error: no mounted Garmin device found; {MOUNT_HELP}", err=True)
        sys.exit(1)
    except (s.SeveralDevices, z.SeveralAccounts) as exc:
        watch = isinstance(exc, s.SeveralDevices)
        places = exc.roots if isinstance(exc, s.SeveralDevices) else exc.folders
        listed = "\n".join(f"  {printable(str(p), MAX_PATH)}" for p in places)
        what = "Garmin devices are mounted" if watch else "Zwift accounts have a workouts folder"
        how = "--device ROOT" if watch else "--zwift-id ID"
        raise click.UsageError(f"several {what}:\n{listed}\nchoose one with {how}") from None
    except WorkoutError as exc:
        report.add(exc.diagnostics)
        _emit_error(report, "text")
        sys.exit(1)


@main.command()
@_paths
@OPTIONS["site_output"]
@build_options("profile", "overrides", "exclude", "pick", "jobs")
def site(paths: tuple[Path, ...], out_dir: Path, options: BuildOptions) -> None:
    """Write a static catalog (HTML, charts, FIT and TCX downloads) of workouts."""
    from .outputs import PROFILE_NAME, Outputs
    from .site import SiteInput, build_site

    report = Report()
    run = _start(options, report)
    found = run.inputs(paths)
    inputs = [SiteInput(i.path, i.relative) for i in found if i.path.name != PROFILE_NAME]
    report.count(run.kind(i.path) for i in inputs)
    # Written as build writes: never over an input, never out through a symlinked folder.
    outputs = Outputs(out_dir)
    outputs.protect(i.path for i in inputs)
    report.add(build_site(inputs, out_dir, run=run, write=outputs.write))
    report.add(run.unapplied())
    _emit_error(report, "text")
    index = printable(str(out_dir / "index.html"), MAX_PATH)
    click.echo(f"site written to {index}; {report.summary('read')}", err=True)
    sys.exit(report.exit_code)
