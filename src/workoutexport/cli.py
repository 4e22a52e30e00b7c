"""The command line: parse arguments, call the library, write files, print diagnostics, exit.

Heavy modules (pydantic models, fit-tool, lxml) are imported inside the commands, so that
`workoutexport --help` stays fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .diagnostics import Position, Report, WorkoutError, error, internal_error

if TYPE_CHECKING:
    from .pipeline import ProfileCache
    from .steps import Workout

PROFILE_NAME = "profile.yaml"
FORMATS = ("fit", "tcx")


@dataclass(frozen=True)
class Input:
    path: Path
    relative: Path  # where its outputs go below -o


def _inputs(paths: tuple[Path, ...]) -> Iterator[Input]:
    """Every workout file named or found below a named folder, each once."""
    seen: set[Path] = set()
    for item in _all_inputs(paths):
        key = item.path.resolve()
        if key not in seen:
            seen.add(key)
            yield item


def _all_inputs(paths: tuple[Path, ...]) -> Iterator[Input]:
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for pattern in ("*.yaml", "*.yml")
                for p in path.rglob(pattern)
                if p.is_file() and p.name != PROFILE_NAME
            )
            for p in found:
                yield Input(p, p.relative_to(path))
        else:
            yield Input(path, Path(path.name))


def _parse_sets(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"'{item}': write NAME=VALUE", param_hint="--set")
        out[name.strip()] = value.strip()
    return out


def _profiles(profile: Path | None, report: Report) -> ProfileCache:
    from .pipeline import ProfileCache, load_profile

    cache = ProfileCache()
    if profile is not None:
        try:
            cache.explicit = load_profile(profile)
        except WorkoutError as exc:
            report.add(exc.diagnostics)
    return cache


def _write_atomic(target: Path, data: bytes) -> None:
    """Write to a temporary file beside `target`, then rename over it (replacing a symlink)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _emit_error(report: Report, fmt: str) -> None:
    text = report.render(fmt)
    if fmt == "text":
        if text:
            click.echo(text, err=True)
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
        help="Override a variable the workout defines under vars:.",
    ),
]


F = TypeVar("F", bound=Callable[..., Any])


def _with_common(fn: F) -> F:
    for option in reversed(common_options):
        fn = option(fn)
    return fn


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="workoutexport")
def main() -> None:
    """Compile structured workouts written in YAML into FIT and TCX workout files."""


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


def _compile_all(
    paths: tuple[Path, ...],
    fmts: tuple[str, ...],
    report: Report,
    *,
    profile: Path | None,
    sets: tuple[str, ...],
    pick: str,
    lossy: bool,
) -> Iterator[tuple[Input, Workout, list[tuple[str, bytes]]]]:
    """Each valid workout with its emitted files; every problem goes to `report`."""
    from .pipeline import display_path, emit, load_workout

    overrides = _parse_sets(sets)
    profiles = _profiles(profile, report)
    for item in _inputs(paths):
        report.checked += 1
        if item.path.name == PROFILE_NAME:
            _check_profile(item.path, report)
            continue
        try:
            workout = load_workout(
                item.path,
                profiles=profiles,
                overrides=overrides,
                pick=pick,  # type: ignore[arg-type]
            )
            outputs = []
            for fmt in fmts:
                result = emit(workout, fmt, lossy=lossy)
                report.add(result.diagnostics)
                outputs.append((fmt, result.data))
        except WorkoutError as exc:
            report.add(exc.diagnostics)
            continue
        except Exception as exc:  # a bug: one file must not stop the others from building
            report.add([internal_error(Position(display_path(item.path), 0, 0), exc)])
            continue
        yield item, workout, outputs


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS),
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
def build(
    paths: tuple[Path, ...],
    formats: tuple[str, ...],
    out_dir: Path,
    profile: Path | None,
    sets: tuple[str, ...],
    pick: str,
    lossy: bool,
) -> None:
    """Build workout files from YAML workouts (files or folders)."""
    fmts = tuple(dict.fromkeys(formats)) or ("fit",)
    report = Report()
    claimed: dict[Path, str] = {}
    written = 0
    compiled = _compile_all(paths, fmts, report, profile=profile, sets=sets, pick=pick, lossy=lossy)
    for item, _workout, outputs in compiled:
        shown = str(item.path)
        for fmt, data in outputs:
            target = out_dir / item.relative.with_suffix(f".{fmt}")
            key = target.resolve()
            if key in claimed:
                report.add(
                    [
                        error(
                            Position(shown),
                            f"{target} is also the output of {claimed[key]}; "
                            "rename one of the two workouts",
                        )
                    ]
                )
                continue
            claimed[key] = shown
            try:
                _write_atomic(target, data)
            except OSError as exc:
                report.add([error(Position(shown), f"cannot write {target}: {exc.strerror}")])
                continue
            written += 1
            click.echo(f"wrote {target}")
    _emit_error(report, "text")
    click.echo(
        f"{written} file{'s' if written != 1 else ''} written; {report.summary('read')}", err=True
    )
    sys.exit(report.exit_code)


def _check_profile(path: Path, report: Report) -> None:
    from .pipeline import display_path, load_profile

    try:
        load_profile(path)
    except WorkoutError as exc:
        report.add(exc.diagnostics)
    except Exception as exc:  # a bug: reported for this file, the run goes on
        report.add([internal_error(Position(display_path(path), 0, 0), exc)])


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-f",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS),
    help="Formats to emit and verify in memory; give it twice for both. Default: fit.",
)
@_with_common
@pick_option
@lossy_option
@click.option("--strict", is_flag=True, help="Warnings fail the check too.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="How to print diagnostics.",
)
def check(
    paths: tuple[Path, ...],
    formats: tuple[str, ...],
    profile: Path | None,
    sets: tuple[str, ...],
    pick: str,
    lossy: bool,
    strict: bool,
    output_format: str,
) -> None:
    """Check workouts: compile, emit in memory, verify every output; write nothing."""
    from .pipeline import verify

    fmts = tuple(dict.fromkeys(formats)) or ("fit",)
    report = Report(strict=strict)
    compiled = _compile_all(paths, fmts, report, profile=profile, sets=sets, pick=pick, lossy=lossy)
    for _item, workout, outputs in compiled:
        for fmt, data in outputs:
            problems = verify(data, fmt)
            if problems:
                # Our emitter wrote something the reference reader refuses: a bug, but the
                # user must hear of it as a failed check, not a silent pass.
                report.add(
                    [
                        error(
                            workout.source,
                            f"internal error: emitted {fmt.upper()} does not verify: {problems[0]}",
                        )
                    ]
                )
    _emit_error(report, output_format)
    if output_format == "text":
        click.echo(report.summary())
    sys.exit(report.exit_code)


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_with_common
@pick_option
def show(path: Path, profile: Path | None, sets: tuple[str, ...], pick: str) -> None:
    """Print the compiled steps of a workout (YAML, FIT or TCX file), with totals."""
    from .pipeline import load_workout
    from .show import render

    report = Report()
    if path.suffix.lower() in (".fit", ".tcx"):
        _show_file(path, report)
        return
    if path.name == PROFILE_NAME:
        _check_profile(path, report)
        _emit_error(report, "text")
        if report.exit_code == 0:
            click.echo(f"{path} is a valid profile")
        sys.exit(report.exit_code)
    profiles = _profiles(profile, report)
    try:
        workout = load_workout(
            path,
            profiles=profiles,
            overrides=_parse_sets(sets),
            pick=pick,  # type: ignore[arg-type]
        )
    except WorkoutError as exc:
        report.add(exc.diagnostics)
        _emit_error(report, "text")
        sys.exit(1)
    _emit_error(report, "text")
    click.echo(render(workout), nl=False)
    sys.exit(report.exit_code)


def _show_file(path: Path, report: Report) -> None:
    from .importers import read_workouts
    from .pipeline import display_path
    from .show import render

    try:
        workouts, notes = read_workouts(path, display_path(path))
    except WorkoutError as exc:
        report.add(exc.diagnostics)
        _emit_error(report, "text")
        sys.exit(1)
    report.add(notes)
    _emit_error(report, "text")
    click.echo("\n".join(render(w) for w in workouts), nl=False)
    sys.exit(report.exit_code)


def _import_one(path: Path, shown: str) -> list[tuple[str, str]]:
    """(suggested stem, YAML text) for each workout in the file; raises WorkoutError."""
    from .diagnostics import Position
    from .importers import read_workouts
    from .importers.yaml_out import NotExpressible, to_yaml
    from .pipeline import compile_document
    from .profile import EMPTY
    from .source import parse_text

    workouts, _notes = read_workouts(path, shown)
    out = []
    for i, workout in enumerate(workouts, start=1):
        try:
            tcx = path.suffix.lower() == ".tcx"
            text = to_yaml(workout, source=path.name, exact="tcx" if tcx else "fit")
        except NotExpressible as exc:
            raise WorkoutError([error(Position(shown, 0, 0), str(exc))]) from None
        # Never write YAML that does not build: compile it before anyone sees it.
        compile_document(parse_text(text, f"{shown} (imported)"), EMPTY)
        stem = path.stem if len(workouts) == 1 else f"{path.stem}-{i}"
        out.append((stem, text))
    return out


@main.command(name="import")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="YAML file to write (*.yaml), or a folder (anything else): a folder of files, or a "
    "TCX holding several workouts, needs a folder. Default: standard output.",
)
def import_(source: Path, output: Path | None) -> None:
    """Turn FIT or TCX workout files into YAML workouts."""
    from .importers import SUFFIXES
    from .pipeline import display_path

    report = Report()
    if source.is_dir():
        if output is None:
            raise click.UsageError("importing a folder needs -o OUTDIR")
        files = sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        jobs = [(p, output / p.relative_to(source).parent) for p in files]
        to_folder = True
    else:
        files = [source]
        # -o names a YAML file, or else a folder.
        to_folder = output is not None and output.suffix.lower() not in (".yaml", ".yml")
        jobs = [(source, output if to_folder and output else Path("."))]
    for path, folder in jobs:
        report.checked += 1
        shown = display_path(path)
        try:
            results = _import_one(path, shown)
        except WorkoutError as exc:
            report.add(exc.diagnostics)
            continue
        if not to_folder and len(results) > 1:
            report.add(
                [
                    error(
                        Position(shown, 0, 0),
                        f"holds {len(results)} workouts: "
                        "give -o FOLDER to write one YAML file each",
                    )
                ]
            )
            continue
        for stem, text in results:
            if not to_folder and output is None:
                click.echo(text, nl=False)
                continue
            target = folder / f"{stem}.yaml" if to_folder else output
            assert target is not None
            try:
                _write_atomic(target, text.encode("utf-8"))
            except OSError as exc:
                report.add([error(Position(shown, 0, 0), f"cannot write {target}: {exc.strerror}")])
                continue
            click.echo(f"wrote {target}", err=True)
    _emit_error(report, "text")
    sys.exit(report.exit_code)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the workout format."""
    from .schema import workout_schema_text

    click.echo(workout_schema_text(), nl=False)
