"""The command line's side of `BuildOptions`: one click decorator that every command that
builds shares, so that each option is spelled, checked and defaulted once."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .diagnostics import printable
from .options import PICKS, BuildOptions, Pick, parse_overrides

F = TypeVar("F", bound=Callable[..., Any])

# The options a command that builds may offer, by name; `build_options` turns the values
# given into one BuildOptions.
OPTIONS = {
    "profile": click.option(
        "--profile",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Athlete profile (named paces, heart rate, FTP). Default: the nearest "
        "profile.yaml in the workout's folder or a parent folder.",
    ),
    "overrides": click.option(
        "--set",
        "overrides",
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
        help="Worker processes. Default: one per CPU that no other process is using "
        "(one for a few files). Output and diagnostics are the same for any number.",
    ),
}


#: How `check` prints diagnostics (`--output-format`).
PRINT_STYLES = ("text", "json", "github")

#: Options of one command each, kept here so that cli.py holds the commands only.
COMMAND_OPTIONS = {
    "build_output": click.option(
        "-o",
        "--output",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("."),
        show_default=True,
        help="Folder to write into.",
    ),
    "output_format": click.option(
        "--output-format",
        type=click.Choice(PRINT_STYLES),
        default="text",
        show_default=True,
        help="How to print diagnostics: text, json, or github (workflow annotations).",
    ),
    "chart": click.option(
        "--chart/--no-chart",
        default=None,
        help="Draw the intensity profile below the steps. Default: when output is a terminal.",
    ),
    "units": click.option(
        "--units",
        type=click.Choice(["km", "mi"]),
        default=None,
        help="Show distances and paces in km or miles. Default: as each step was written.",
    ),
    "import_output": click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path),
        help="YAML file to write (*.yaml), or a folder (anything else): a folder of files, or a "
        "TCX holding several workouts, needs a folder. Default: standard output.",
    ),
    "race_model": click.option(
        "--model",
        type=click.Choice(["daniels", "riegel"]),
        default="daniels",
        show_default=True,
        help="How race-equivalent paces are found (training paces always come from VDOT).",
    ),
    "device": click.option(
        "--device",
        "device_root",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="Where the watch is mounted (the folder holding GARMIN/). Default: the one mounted "
        "Garmin device found.",
    ),
    "all_sessions": click.option(
        "--all",
        "all_sessions",
        is_flag=True,
        help="For a plan: send every session, not only those from today on.",
    ),
    "from_day": click.option(
        "--from",
        "from_day",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        help="For a plan: send the sessions from this day (YYYY-MM-DD) on, instead of from "
        "today; with --until, one part of a plan. The plan's schedule sent before is replaced.",
    ),
    "until": click.option(
        "--until",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        help="For a plan: send the sessions up to this day (YYYY-MM-DD) only; watches keep about "
        "30 scheduled workouts, so send a plan a few weeks at a time.",
    ),
    "zwift": click.option(
        "--zwift",
        is_flag=True,
        help="Send .zwo files to Zwift's custom workouts folder (Documents/Zwift/Workouts/<id>) "
        "instead of a watch.",
    ),
    "zwift_folder": click.option(
        "--zwift-folder",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="With --zwift: Zwift's Workouts folder, if not ~/Documents/Zwift/Workouts.",
    ),
    "zwift_id": click.option(
        "--zwift-id",
        default=None,
        help="With --zwift: the account folder (a number) when there are several.",
    ),
    "site_output": click.option(
        "-o",
        "--output",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        required=True,
        help="Folder to write the site into.",
    ),
    "lossy_import": click.option(
        "--lossy",
        is_flag=True,
        help="Read what the workout format cannot say approximately, with a warning (an "
        "intervals.icu ramp becomes its average).",
    ),
}
OPTIONS.update(COMMAND_OPTIONS)


def _as_pick(value: str) -> Pick:
    for pick in PICKS:
        if pick == value:
            return pick
    raise click.BadParameter(
        f"'{printable(value, 80)}' is not one of {', '.join(PICKS)}", param_hint="--pick"
    )


def build_options(*offered: str, formats: tuple[str, ...] | None = None) -> Callable[[F], F]:
    """The one decorator of every command that builds: adds the `offered` options (names of
    `OPTIONS`, and `-f/--format` when `formats` lists its choices) and calls the command
    with one `options: BuildOptions` instead. `--set` is parsed here, once."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def command(**kwargs: Any) -> Any:
            values = {name: kwargs.pop(name) for name in (*offered, "formats") if name in kwargs}
            try:
                overrides = parse_overrides(values.get("overrides", ()))
            except ValueError as exc:
                raise click.BadParameter(printable(str(exc), 400), param_hint="--set") from None
            given = values.get("formats", ())
            options = BuildOptions(
                formats=tuple(dict.fromkeys(given)) or ("fit",),
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
            wrapped = OPTIONS[name](wrapped)
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
