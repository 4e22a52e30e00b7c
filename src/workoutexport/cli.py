"""The command line: parse arguments, call the library, write files, print diagnostics, exit.

Heavy modules (pydantic models, fit-tool, lxml) are imported inside the commands, so that
`workoutexport --help` stays fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import click

from .diagnostics import (
    MAX_PATH,
    Diagnostic,
    Position,
    Report,
    WorkoutError,
    error,
    internal_error,
    printable,
    warning,
)
from .formats import FORMATS
from .outputs import PROFILE_NAME, Input, Outputs, discover, quiet

if TYPE_CHECKING:
    from .pipeline import ProfileCache, SetUse
    from .profile import Profile
    from .steps import Workout


def _parse_sets(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"'{item}': write NAME=VALUE", param_hint="--set")
        out[name.strip()] = value.strip()
    return out


def _profiles(profile: Path | None, report: Report) -> ProfileCache:
    from .pipeline import profile_cache

    return profile_cache(profile, report)


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


common_options = [
    click.option(
        "--profile",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Athlete profile (named paces, heart rate, FTP). Default: the nearest "
        "profile.yaml in the workout's folder or a parent folder.",
    ),
    click.option(
        "--set",
        "sets",
        multiple=True,
        metavar="NAME=VALUE",
        help="Override a variable the workouts define under vars: (in a folder, each "
        "workout that defines it).",
    ),
    click.option(
        "--exclude",
        "exclude",
        multiple=True,
        metavar="GLOB",
        help="Leave out files matching GLOB when walking folders (e.g. 'drafts/*'); give it "
        "again for more. Dotfiles and dot-folders are always left out.",
    ),
]


F = TypeVar("F", bound=Callable[..., Any])


def _with_common(fn: F) -> F:
    for option in reversed(common_options):
        fn = option(fn)
    return fn


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


pick_option = click.option(
    "--pick",
    type=click.Choice(["low", "mid", "high"]),
    default="low",
    show_default=True,
    help="How to resolve ranges such as 'repeat: 6-8' or 'recover: 60-90s'.",
)
lossy_option = click.option(
    "--lossy", is_flag=True, help="Drop what a format cannot carry, with a warning."
)
jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes. Default: one per CPU (one for a few files). Output and "
    "diagnostics are the same for any number.",
)


def _compile_all(
    paths: tuple[Path, ...],
    fmts: tuple[str, ...],
    report: Report,
    *,
    profile: Path | None,
    sets: tuple[str, ...],
    pick: str,
    lossy: bool,
    plans: list[Input] | None = None,
    exclude: tuple[str, ...] = (),
    failed: list[Input] | None = None,
    jobs: int | None = 1,
    verify: bool = False,
    use: SetUse | None = None,
) -> Iterator[tuple[Input, Workout, list[tuple[str, bytes]]]]:
    """Each valid workout with its emitted files; every problem goes to `report`.

    Plans found among the inputs are set aside in `plans` (plan-format.md), not compiled.
    """
    from .pipeline import compile_inputs
    from .plans import is_plan

    def set_aside(item: Input) -> bool:
        if plans is not None and is_plan(item.path):
            plans.append(item)
            return True
        return False

    overrides = _parse_sets(sets)
    for done in compile_inputs(
        paths,
        fmts,
        report,
        profile=profile,
        overrides=overrides,
        pick=pick,  # type: ignore[arg-type]
        lossy=lossy,
        aside=set_aside,
        exclude=exclude,
        failed=failed,
        verify_outputs=verify,
        jobs=jobs,
        sets=use,
    ):
        yield done.input, done.workout, done.outputs


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(list(FORMATS)),
    help="Output format; give it twice for both. Default: fit.",
)
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder to write into.",
)
@_with_common
@pick_option
@lossy_option
@jobs_option
def build(
    paths: tuple[Path, ...],
    formats: tuple[str, ...],
    out_dir: Path,
    profile: Path | None,
    sets: tuple[str, ...],
    exclude: tuple[str, ...],
    pick: str,
    lossy: bool,
    jobs: int | None,
) -> None:
    """Build workout files from YAML workouts (files or folders)."""
    fmts = tuple(dict.fromkeys(formats)) or ("fit",)
    report = Report()
    outputs = Outputs(out_dir)
    outputs.protect(item.path for item in discover(paths, on_skip=quiet))
    written = 0
    plans: list[Input] = []
    failed: list[Input] = []
    use = _set_use()
    compiled = _compile_all(
        paths,
        fmts,
        report,
        profile=profile,
        sets=sets,
        pick=pick,
        lossy=lossy,
        plans=plans,
        exclude=exclude,
        failed=failed,
        jobs=jobs,
        # build holds to what check holds to: an output the reference reader refuses is
        # reported (where it was compiled, in its worker) and not written.
        verify=True,
        use=use,
    )
    from .batch import Batch
    from .plan_cli import plan_outputs

    planned = plan_outputs(
        plans, fmts, report, profile=profile, sets=sets, pick=pick, lossy=lossy, use=use
    )

    def done(target: Path, shown: str, exc: OSError | None) -> None:
        nonlocal written
        if exc is not None:
            report.add([error(Position(shown), f"cannot write {target}: {exc.strerror}")])
            return
        written += 1
        click.echo(f"wrote {printable(str(target), MAX_PATH)}")

    batch = Batch()  # one file-system sync for many files instead of an fsync each
    for item, _workout, emitted in (*compiled, *planned):
        shown = str(item.path)
        for fmt, data in emitted:
            target = outputs.path_for(item, f".{fmt}")
            earlier = outputs.claim(target, shown)
            if earlier is not None:
                report.add(
                    [
                        error(
                            Position(shown),
                            f"{target} is also the output of {earlier}; "
                            "rename one of the two workouts",
                        )
                    ]
                )
                continue
            try:
                outputs.check(target)
            except OSError as exc:
                report.add([error(Position(shown), f"cannot write {target}: {exc.strerror}")])
                continue
            batch.add(target, data, functools.partial(done, target, shown))
    batch.flush()
    _unapplied(sets, use, paths, report)
    _emit_error(report, "text")
    for line in _stale(failed, fmts, outputs):
        click.echo(line, err=True)
    click.echo(
        f"{written} file{'s' if written != 1 else ''} written; {report.summary('read')}", err=True
    )
    sys.exit(report.exit_code)


def _set_use() -> SetUse:
    from .pipeline import SetUse

    return SetUse()


def _unapplied(sets: tuple[str, ...], use: SetUse, paths: tuple[Path, ...], report: Report) -> None:
    """With several inputs, an error for each `--set` that no workout or plan took."""
    from .pipeline import unapplied

    if use.lenient:
        report.add(unapplied(_parse_sets(sets), use.applied, paths[0]))


def _stale(failed: list[Input], fmts: tuple[str, ...], outputs: Outputs) -> list[str]:
    """A line for each earlier output of a workout that did not build this time: the file
    is left as it was (it may be on a watch already), and the user must hear it is old."""
    lines = []
    for item in failed:
        for fmt in fmts:
            old = outputs.path_for(item, f".{fmt}")
            if old.is_file():
                lines.append(f"note: {old} is from an older {item.path} (not rebuilt)")
    return lines


def _check_profile(path: Path, report: Report) -> None:
    from .pipeline import check_profile

    report.add(check_profile(path))


_PRINT_STYLES = ("text", "json", "github")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    # text/json/github: the printing style's old spelling, kept one release (deprecated).
    type=click.Choice([*FORMATS, *_PRINT_STYLES]),
    help="Formats to emit and verify in memory; give it twice for both. Default: fit.",
)
@_with_common
@pick_option
@lossy_option
@click.option("--strict", is_flag=True, help="Warnings fail the check too.")
@click.option(
    "--output-format",
    "output_format",
    type=click.Choice(_PRINT_STYLES),
    default=None,
    help="How to print diagnostics: text (default), json, or github (workflow annotations).",
)
@jobs_option
def check(
    paths: tuple[Path, ...],
    formats: tuple[str, ...],
    profile: Path | None,
    sets: tuple[str, ...],
    exclude: tuple[str, ...],
    pick: str,
    lossy: bool,
    strict: bool,
    output_format: str | None,
    jobs: int | None,
) -> None:
    """Check workouts: compile, emit in memory, verify every output; write nothing.

    A profile.yaml named here is checked with every workout in its folder, since a change
    to it can break any of them (so the pre-commit hook re-checks them when it changes).
    """
    styles = [f for f in formats if f in _PRINT_STYLES]
    if styles:
        click.echo(
            f"warning: '--format {styles[-1]}' is deprecated and will be removed in the next "
            f"release; write '--output-format {styles[-1]}' (-f/--format is the workout format)",
            err=True,
        )
        output_format = output_format or styles[-1]
    output_format = output_format or "text"
    fmts = tuple(dict.fromkeys(f for f in formats if f in FORMATS)) or ("fit",)
    paths = (*paths, *(p.parent for p in paths if p.name == PROFILE_NAME and p.is_file()))
    report = Report(strict=strict)
    plans: list[Input] = []
    use = _set_use()
    compiled = _compile_all(
        paths,
        fmts,
        report,
        profile=profile,
        sets=sets,
        pick=pick,
        lossy=lossy,
        plans=plans,
        exclude=exclude,
        jobs=jobs,
        # Every emitted file is verified where it was compiled (in its worker).
        verify=True,
        use=use,
    )
    for _done in compiled:
        pass
    from .plan_cli import check_plans

    check_plans(plans, fmts, report, profile=profile, sets=sets, pick=pick, lossy=lossy, use=use)
    _unapplied(sets, use, paths, report)
    _emit_error(report, output_format)
    if output_format == "text":
        click.echo(report.summary())
    sys.exit(report.exit_code)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@_with_common
@pick_option
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
    paths: tuple[Path, ...],
    profile: Path | None,
    sets: tuple[str, ...],
    exclude: tuple[str, ...],
    pick: str,
    chart: bool | None,
    units: str | None,
) -> None:
    """Print the compiled steps of workouts (YAML, FIT or TCX files, or folders), with totals."""
    from .importers import SUFFIXES

    report = Report()
    if chart is None:
        chart = sys.stdout.isatty()
    profiles = _profiles(profile, report)
    suffixes = (".yaml", ".yml", *SUFFIXES)
    shown: list[str] = []
    status = 0
    for item in discover(paths, suffixes, exclude=exclude):
        report.checked += 1
        text, code = _show_one(item.path, profiles, profile, sets, pick, chart, units, report)
        status = max(status, code)
        if text:
            shown.append(text)
    _emit_error(report, "text")
    click.echo("\n".join(shown), nl=False)
    sys.exit(max(status, report.exit_code))


def _show_one(
    path: Path,
    profiles: ProfileCache,
    profile: Path | None,
    sets: tuple[str, ...],
    pick: str,
    chart: bool,
    units: str | None,
    report: Report,
) -> tuple[str, int]:
    """What `show` prints for one file, and its exit status; diagnostics go to `report`."""
    from .pipeline import Extras, load_workout
    from .show import render

    if path.suffix.lower() in (".fit", ".tcx"):
        return _show_file(path, report, chart, units)
    if path.name == PROFILE_NAME:
        before = report.errors
        _check_profile(path, report)
        return ("", 1) if report.errors > before else (f"{path} is a valid profile\n", 0)
    from .plans import is_plan

    if is_plan(path):
        from .plan_cli import show_plan

        # A plan prints its own diagnostics and calendar.
        _emit_error(report, "text")
        report.clear()
        return "", show_plan(path, profile, sets, pick)
    extras = Extras()
    try:
        workout = load_workout(
            path,
            profiles=profiles,
            overrides=_parse_sets(sets),
            pick=pick,  # type: ignore[arg-type]
            extras=extras,
        )
        text = render(workout, units=units, profile=profiles.for_workout(path), pick=pick)
        if chart:
            text += _chart_text(workout, profiles.for_workout(path))
    except WorkoutError as exc:
        report.add(exc.diagnostics)
        return "", 1
    except Exception as exc:  # a bug: one file must not stop the others from showing
        report.add([_internal(path, exc)])
        return "", 1
    report.add(extras.warnings)
    return text, 0


def _internal(path: Path, exc: Exception) -> Diagnostic:
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
@jobs_option
def import_(source: Path, output: Path | None, jobs: int | None) -> None:
    """Turn FIT or TCX workout files into YAML workouts."""
    from .importers import SUFFIXES
    from .pipeline import display_path, import_files

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
    from .paces import extrapolated, pace_table, parse_race
    from .units import UnitError

    try:
        result = parse_race(race)
    except UnitError as exc:
        raise click.BadParameter(str(exc), param_hint="RACE") from None
    caveat = extrapolated(result)
    if caveat is not None:
        click.echo(f"warning: {caveat}", err=True)
    click.echo(pace_table(result, model), nl=False)  # type: ignore[arg-type]


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
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
@_with_common
@pick_option
@lossy_option
def send(
    paths: tuple[Path, ...],
    device_root: Path | None,
    dry_run: bool,
    all_sessions: bool,
    until: dt.datetime | None,
    profile: Path | None,
    sets: tuple[str, ...],
    exclude: tuple[str, ...],
    pick: str,
    lossy: bool,
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
    from .pipeline import defined_overrides, several_inputs, unapplied
    from .plans import is_plan

    overrides = _parse_sets(sets)
    profiles = _profiles(profile, report)
    units = []
    items = list(discover(paths, exclude=exclude))
    # Several inputs: --set applies to the workouts and plans that define the variable.
    lenient = several_inputs(paths, len(items))
    applied: set[str] = set()
    for item in items:
        report.checked += 1
        if item.path.name == PROFILE_NAME:
            _check_profile(item.path, report)
            continue
        try:
            unit, notes = s.unit_for(
                item.path,
                str(item.path),
                device,
                kind,
                profiles=profiles,
                overrides=defined_overrides(item.path, overrides, applied)
                if lenient and not is_plan(item.path)
                else overrides,
                applied=applied if lenient else None,
                pick=pick,  # type: ignore[arg-type]
                lossy=lossy,
                since=None if all_sessions else dt.date.today(),
                until=until.date() if until is not None else None,
            )
        except WorkoutError as exc:
            report.add(exc.diagnostics)
            continue
        report.add(notes)
        units.append(unit)
    if lenient:
        report.add(unapplied(overrides, applied, paths[0]))
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
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the site into.",
)
@_with_common
@pick_option
@jobs_option
def site(
    paths: tuple[Path, ...],
    out_dir: Path,
    profile: Path | None,
    sets: tuple[str, ...],
    exclude: tuple[str, ...],
    pick: str,
    jobs: int | None,
) -> None:
    """Write a static catalog (HTML, charts, FIT and TCX downloads) of workouts."""
    from .site import SiteInput, build_site

    report = Report()
    profiles = _profiles(profile, report)
    from .pipeline import several_inputs

    found = list(discover(paths, exclude=exclude))
    inputs = [SiteInput(i.path, i.relative) for i in found if i.path.name != PROFILE_NAME]
    # Written as build writes: never over an input, never out through a symlinked folder.
    outputs = Outputs(out_dir)
    outputs.protect(i.path for i in inputs)
    build_site(
        inputs,
        out_dir,
        profiles=profiles,
        write=outputs.write,
        overrides=_parse_sets(sets),
        pick=pick,  # type: ignore[arg-type]
        report=report,
        jobs=jobs,
        several=several_inputs(paths, len(found)),
    )
    _emit_error(report, "text")
    click.echo(f"site written to {out_dir / 'index.html'}; {report.summary('read')}", err=True)
    sys.exit(report.exit_code)
