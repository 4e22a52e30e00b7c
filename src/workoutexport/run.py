"""The batch runner: one `Run` per command, one path from an input to verified bytes.

Every command that builds (build, check, show, site, send) makes a `Run` from its
`BuildOptions` and hands it each input: `Run.workout(path)` and `Run.plan(path)` load,
compile, emit and verify, and nothing else in the package does. What a command does with
the bytes (write them, send them, publish them, print them) stays in the command.

A run holds what its inputs share:

- the options (formats, profile, `--set` overrides, pick, lossy, ...);
- the profiles, each read once (`--profile`, or each input's nearest profile.yaml);
- the parsed files, each parsed once (a plan, its sessions' workouts and their `vars:`);
- the `--set` rule for several inputs (`several`, `applied`, `unapplied`).

Nothing here prints or takes the command line's Report: results carry diagnostics, and
run-wide ones (a bad `--profile`, a `--set` no input took) are in `Run.diagnostics`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from . import pipeline, steps
from .diagnostics import (
    Diagnostic,
    Position,
    WorkoutError,
    error,
    internal_error,
    note,
    printable,
    warning,
)
from .options import BuildOptions
from .outputs import (
    PROFILE_NAME,
    WORKOUT_SUFFIXES,
    Input,
    Outputs,
    discover,
    is_plan_data,
    read_input,
)
from .pipeline import (
    Extras,
    Imported,
    Output,
    ProfileCache,
    check_profile,
    display_path,
    emit_options,
    emit_verified,
    load_profile,
)
from .profile import Profile
from .source import MAX_BYTES, Document, RecentDocuments, parsed_once, read_file

if TYPE_CHECKING:  # a workout build never imports the plans
    from . import plans

__all__ = [
    "Built",
    "PlanBuilt",
    "Run",
    "Shown",
    "build_plan",
    "import_files",
    "imports",
    "plan_files",
    "several_inputs",
]


@dataclass(frozen=True)
class Built:
    """One workout input of a run: its step tree (None when it did not compile), the files
    that verified, and everything to tell the user about it."""

    path: Path
    workout: steps.Workout | None
    outputs: tuple[Output, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    #: Why an optional format (see `Run.workout`) cannot carry the workout, by format.
    refused: Mapping[str, tuple[Diagnostic, ...]] = field(default_factory=dict)
    #: The `--set` names the workout took.
    applied: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        """Compiled, and no error about any of its files."""
        return self.workout is not None and not any(d.severity == "error" for d in self.diagnostics)

    def data(self, fmt: str) -> bytes | None:
        """The verified bytes in format `fmt`, if any."""
        return next((o.data for o in self.outputs if o.format == fmt), None)


@dataclass
class Shown:
    """What `show` prints for one input, what it says about it, and whether it failed."""

    text: str
    diagnostics: list[Diagnostic]
    failed: bool
    #: A plan: its diagnostics are said just before its calendar, not with the others.
    plan: bool = False
    #: The workouts shown (what `show --json` prints).
    workouts: tuple[steps.Workout, ...] = ()


@dataclass(frozen=True)
class PlanBuilt:
    """One plan input of a run: every file of it verified, or None and why."""

    path: Path
    build: plans.PlanBuild | None
    diagnostics: tuple[Diagnostic, ...] = ()


def several_inputs(paths: Iterable[Path], count: int) -> bool:
    """Whether a run of `count` inputs found below `paths` has several: more than one file,
    or a folder."""
    return count > 1 or any(Path(p).is_dir() for p in paths)


class Run:
    """One command's run over its inputs (see the module docstring)."""

    def __init__(self, options: BuildOptions | None = None) -> None:
        self.options = options if options is not None else BuildOptions()
        self.profiles = ProfileCache()
        #: Run-wide diagnostics: a bad --profile (said once), a --set no input took.
        self.diagnostics: list[Diagnostic] = []
        self.documents: dict[tuple[Path, str], Document | WorkoutError] = RecentDocuments()
        #: Whether each input is a plan (`is_plan`), by path.
        self._plans: dict[Path, bool] = {}
        #: One of several inputs: `--set` applies to the inputs that define each variable,
        #: and is an error only when none does (`unapplied`). With one input, an override
        #: the input does not define is an error in that input.
        self.several = False
        #: The `--set` names some input of the run took.
        self.applied: set[str] = set()
        self._where = Path(".")
        #: The inputs the last `inputs` call found.
        self.found: list[Input] = []
        #: The folder named on the command line that led to each input (a plan's library).
        self._roots: dict[str, Path] = {}
        #: A plan's library given outright (check's plans of a changed workout), by plan.
        self.libraries: dict[Path, Path] = {}
        if self.options.profile is not None:
            try:
                self.profiles.explicit = load_profile(self.options.profile)
            except WorkoutError as exc:
                # Said now, even when no input is found; each input then says it is not
                # built rather than building against another profile.
                self.diagnostics.extend(exc.diagnostics)
                self.profiles.explicit = exc

    # --- pickling: a run travels to --jobs workers, its parse cache does not -------------

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["documents"] = RecentDocuments()
        return state

    # --- inputs ----------------------------------------------------------------------------

    def inputs(
        self,
        paths: Iterable[Path],
        suffixes: tuple[str, ...] = WORKOUT_SUFFIXES,
        *,
        on_skip: Callable[[Path, str], None] | None = None,
    ) -> list[Input]:
        """Every file named or found below `paths` (minus --exclude); decides `several`."""
        paths = tuple(paths)  # walked more than once: a generator would be spent by the first
        found = list(discover(paths, suffixes, exclude=self.options.exclude, on_skip=on_skip))
        self.found = found
        self.several = several_inputs(paths, len(found))
        self._where = Path(paths[0]) if paths else Path(".")
        self._roots.update((str(item.path.resolve()), item.root) for item in found)
        return found

    def each(
        self,
        paths: Iterable[Path],
        *,
        on_skip: Callable[[Path, str], None] | None = None,
        label: str = "checking",
    ) -> Iterator[tuple[Input, Built | plans.PlanBuild | None, list[Diagnostic]]]:
        """Every input below `paths` with what the run made of it and what to say about it:
        a profile.yaml is checked (None), a workout built (`Built`), a plan built (its
        `PlanBuild`, or None when it failed). Workouts come first, in order, in `--jobs`
        workers; the caller reports `unapplied` once every input is done. On a terminal, a
        progress bar labelled `label` (what the command is doing) counts the workouts."""
        from .progress import progress

        items = self.inputs(paths, on_skip=on_skip)
        profiles = [i for i in items if i.path.name == PROFILE_NAME]
        found = [i for i in items if i not in profiles and self.is_plan(i.path)]
        workouts = [i for i in items if i not in profiles and i not in found]
        for item in profiles:
            yield item, None, self.check_profile(item.path)
        built = self.workouts([i.path for i in workouts])
        for item in progress(workouts, label):
            one = next(built)
            yield item, one, list(one.diagnostics)
        for item in found:
            plan = self.plan(item.path)
            yield item, plan.build, list(plan.diagnostics)

    def with_dependents(self, paths: Sequence[Path]) -> tuple[Path, ...]:
        """`paths` and what a change to them can break (what `check` looks at): a named
        profile.yaml's folder, and the plans of a named workout's library that use it or
        name a workout that is not there (`plans.plans_using`), each with that library."""
        from . import plans

        named = [p for p in paths if p.is_file() and p.suffix.lower() in WORKOUT_SUFFIXES]
        changed = [p for p in named if p.name != PROFILE_NAME and not self.is_plan(p)]
        using = plans.plans_using(changed, self.documents)
        self.libraries.update((plan.resolve(), root) for plan, root in using)
        return (
            *paths,
            *(p.parent for p in named if p.name == PROFILE_NAME),
            *(plan for plan, _ in using),
        )

    def is_plan(self, path: Path) -> bool:
        """Whether `path` is a plan (`weeks:`, no `steps:`); known once for the whole run.

        A file without the word `weeks` (or a backslash, which could spell it) is a workout
        without being parsed: a run sorts its inputs before building them, and a library of
        thousands is not parsed twice."""
        key = path  # as the run found it: one spelling per input
        known = self._plans.get(key)
        if known is not None:
            return known
        found = False
        if path.suffix.lower() in WORKOUT_SUFFIXES:
            try:
                shown = display_path(path)
                raw = read_input(path, Position(shown), MAX_BYTES)
                # A key may be written with escapes ("\x77eeks"): such a file is parsed too.
                if b"weeks" in raw or b"\\" in raw:
                    with parsed_once(self.documents):
                        found = is_plan_data(read_file(path, shown).data)
            except WorkoutError:
                pass  # building it as a workout says why
        self._plans[key] = found
        return found

    def kind(self, path: Path) -> Literal["workout", "plan", "profile"]:
        """What the input at `path` is, as a summary counts it (a FIT or TCX file read back
        is a workout)."""
        if path.name == PROFILE_NAME:
            return "profile"
        return "plan" if self.is_plan(path) else "workout"

    def profile_for(self, path: Path) -> Profile:
        """The profile the input at `path` is built against (raises WorkoutError if bad)."""
        return self.profiles.for_workout(path)

    def check_profile(self, path: Path) -> list[Diagnostic]:
        """What is wrong with the profile file at `path` (a profile.yaml among the inputs)."""
        return check_profile(path)

    def unapplied(self) -> list[Diagnostic]:
        """With several inputs, an error for each `--set` variable that no input took."""
        if not self.several:
            return []
        return [
            error(
                Position(display_path(self._where), 0, 0),
                f"--set {name}=...: no workout here defines a variable '{name}'",
            )
            for name in sorted(set(self.options.overrides) - self.applied)
        ]

    # --- one workout -----------------------------------------------------------------------

    def workout(
        self,
        path: Path,
        *,
        formats: Sequence[str] | None = None,
        optional: Iterable[str] = (),
    ) -> Built:
        """The workout at `path` compiled, emitted in `formats` (default: the run's) and
        verified. Never raises for bad input: every problem is in the result.

        A format the workout's own `formats:` leaves out is skipped (said when that leaves
        nothing). An `optional` format that cannot carry the workout is only noted in
        `Built.refused` (the catalog's TCX download).
        """
        built = self._workout(
            path,
            self.options.overrides,
            tuple(self.options.formats if formats is None else formats),
            frozenset(optional),
            only_defined=self.several,
        )
        self.applied.update(built.applied)
        return built

    def workouts(
        self,
        paths: Sequence[Path],
        *,
        formats: Sequence[str] | None = None,
        optional: Iterable[str] = (),
    ) -> Iterator[Built]:
        """`workout` for each of `paths`, in order, shared by `--jobs` worker processes (the
        results are the same as with one)."""
        from .parallel import ordered_map

        fmts = tuple(self.options.formats if formats is None else formats)
        one = functools.partial(_workout_in_worker, self, fmts, frozenset(optional))
        for built in ordered_map(
            one,
            paths,
            jobs=self.options.jobs,
            before_fork=functools.partial(preload, fmts),
            lost=_lost_workout,
        ):
            self.applied.update(built.applied)
            yield built

    def _workout(
        self,
        path: Path,
        overrides: Mapping[str, str],
        fmts: tuple[str, ...],
        optional: frozenset[str],
        *,
        only_defined: bool,
    ) -> Built:
        diagnostics: list[Diagnostic] = []
        extras = Extras()
        try:
            with parsed_once(self.documents):
                workout = pipeline.load_workout(
                    path,
                    profiles=self.profiles,
                    overrides=overrides,
                    pick=self.options.pick,
                    extras=extras,
                    only_defined=only_defined,
                )
            diagnostics.extend(extras.warnings)
            wanted = fmts
            if extras.formats is not None:
                wanted = tuple(f for f in fmts if f in extras.formats)
                if fmts and not wanted:
                    # Not an error (the workout says what it is for), but never silent.
                    diagnostics.append(
                        warning(
                            workout.source,
                            f"this workout is for {', '.join(extras.formats)} only (its "
                            f"formats:); nothing written for {' '.join(f'-f {f}' for f in fmts)}",
                        )
                    )
            emitted = emit_verified(
                workout,
                wanted,
                options=emit_options(path, profiles=self.profiles),
                lossy=self.options.lossy,
                optional=optional,
                reference=self.options.reference,
            )
        except WorkoutError as exc:
            return Built(path, None, (), (*diagnostics, *exc.diagnostics))
        except Exception as exc:  # a bug: one file must not stop the others from building
            problem = internal_error(Position(display_path(path), 0, 0), exc)
            return Built(path, None, (), (*diagnostics, problem))
        return Built(
            path,
            workout,
            tuple(emitted.outputs),
            (*diagnostics, *emitted.diagnostics),
            emitted.refused,
            frozenset(extras.applied),
        )

    # --- one input, as `show` prints it ----------------------------------------------------

    def show(self, path: Path, *, chart: bool, units: str | None) -> Shown:
        """One input of `show` (a workout, plan or profile through `run`; a FIT or TCX file read
        back); never raises for bad input."""
        try:
            return self._show(path, chart, units)
        except WorkoutError as exc:
            return Shown("", list(exc.diagnostics), True)
        except Exception as exc:  # a bug: one file must not stop the others from showing
            return Shown("", [internal_error(Position(display_path(path), 0, 0), exc)], True)

    def _show(self, path: Path, chart: bool, units: str | None) -> Shown:
        from .profile import EMPTY
        from .show import render

        if path.suffix.lower() in (".fit", ".tcx", ".zwo", ".txt"):
            from .importers import RELATIVE, read_workouts

            # A ZWO's targets are fractions of the athlete's: read with its profile.
            relative = self.profile_for(path) if path.suffix.lower() in RELATIVE else None
            workouts, notes = read_workouts(
                path, display_path(path), profile=relative, lossy=self.options.lossy
            )
            file: Literal["fit", "tcx"] = "tcx" if path.suffix.lower() == ".tcx" else "fit"
            texts = [
                render(w, units=units, file=file) + (_chart(w, EMPTY) if chart else "")
                for w in workouts
            ]
            return Shown("\n".join(texts), list(notes), False, workouts=tuple(workouts))
        if path.name == PROFILE_NAME:
            problems = self.check_profile(path)
            return Shown(
                "" if problems else f"{path} is a valid profile\n", problems, bool(problems)
            )
        if self.is_plan(path):
            from . import plans

            built = self.plan(path, formats=("fit",))
            if built.build is None:
                return Shown("", list(built.diagnostics), True, plan=True)
            said = [*built.diagnostics, *plans.volume_warnings(built.build)]
            profile = self.profile_for(path)
            text = plans.plan_as_text(built.build, units, profile.units)
            if chart:
                text += _plan_charts(built.build, self.profile_for)
            return Shown(text, said, False, plan=True)
        done = self.workout(path, formats=())
        if done.workout is None:
            return Shown("", list(done.diagnostics), True)
        profile = self.profile_for(path)
        text = render(done.workout, units=units, profile=profile, pick=self.options.pick)
        shown = text + (_chart(done.workout, profile) if chart else "")
        return Shown(shown, list(done.diagnostics), False, workouts=(done.workout,))

    # --- one plan --------------------------------------------------------------------------

    def plan(
        self,
        path: Path,
        *,
        formats: Sequence[str] | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> PlanBuilt:
        """The plan at `path`: every session from `since` to `until` (both included; None:
        every session) through `workout`'s path, plus its schedule and calendar, every file
        verified. Any problem in any session fails the whole plan: a schedule must not point
        at a missing workout. A session compiles as `build WORKOUT --set NAME=VALUE ...`
        would. Never raises for bad input."""
        fmts = tuple(self.options.formats if formats is None else formats)
        try:
            return self._plan(path, fmts, since, until)
        except WorkoutError as exc:
            return PlanBuilt(path, None, exc.diagnostics)
        except Exception as exc:  # a bug: one plan must not stop the other inputs
            return PlanBuilt(path, None, (internal_error(Position(display_path(path), 0, 0), exc),))

    def _plan(
        self, path: Path, fmts: tuple[str, ...], since: dt.date | None, until: dt.date | None
    ) -> PlanBuilt:
        from . import plans

        with parsed_once(self.documents):
            plan = plans.expand_plan(
                path,
                overrides=self.options.overrides,
                only_defined=self.several,
                library=self.libraries.get(path.resolve())
                or plans.library_of(path, self._roots.get(str(path.resolve()))),
            )
        self.applied.update(plan.applied)
        plan = plans.sessions_between(plan, since, until)
        diagnostics: list[Diagnostic] = []
        failed: list[Diagnostic] = []
        compiled: list[plans.CompiledSession] = []
        # Plans repeat sessions week after week: compile each workout-with-vars once.
        done: dict[tuple[Path, tuple[tuple[str, str], ...]], plans.CompiledSession] = {}
        broken: dict[tuple[Path, tuple[tuple[str, str], ...]], Built] = {}
        # The work and the bytes the plan asks for, bounded (plans.MAX_PLAN_STEPS and
        # MAX_PLAN_BYTES): every session counts its steps, each distinct file its bytes once.
        steps_asked = 0
        bytes_asked = 0
        files_seen: set[tuple[tuple[str, bytes], ...]] = set()
        for session in plan.sessions:
            key = (session.workout.resolve(), tuple(sorted(session.overrides.items())))
            same = done.get(key)
            if key in broken:
                failed.append(_session_failed(session, broken[key]))
                continue
            if same is None:
                built = self._workout(
                    session.workout, session.overrides, fmts, frozenset(), only_defined=False
                )
                outputs = {o.format: o.data for o in built.outputs}
                # A session follows its workout's formats: (none of the ones asked for is
                # no failure: assemble says the session has no file).
                if not (built.ok and built.workout is not None):
                    # The workout's own errors once; each session that uses it at its line.
                    broken[key] = built
                    failed.extend(built.diagnostics)
                    failed.append(_session_failed(session, built))
                    continue
                diagnostics.extend(built.diagnostics)
                same = done[key] = plans.CompiledSession(session, built.workout, outputs)
            compiled.append(dataclasses.replace(same, session=session))
            steps_asked += steps.count_nodes(same.workout.steps)
            content = tuple(sorted(same.outputs.items()))
            if content not in files_seen:
                files_seen.add(content)
                bytes_asked += sum(len(data) for data in same.outputs.values())
            too_much = _past_bounds(steps_asked, bytes_asked)
            if too_much:
                raise WorkoutError([*failed, error(session.source, too_much)])
        if failed:
            raise WorkoutError([*diagnostics, *failed])
        build = plans.assemble(plan, compiled, fmts, diagnostics, profiles=self.profiles)
        diagnostics = list(build.diagnostics)
        where = plan.week_sources[0] if plan.week_sources else Position(display_path(path), 0, 0)
        total = sum(len(data) for _, data in build.files)
        if total > plans.MAX_PLAN_BYTES:
            last = compiled[-1].session.source if compiled else where
            raise WorkoutError([error(last, _past_bounds(0, total))])
        for name, data in build.files:
            problems = _plan_file_problems(name, data, self.options.reference)
            if problems:
                # As for a workout, nothing the reference reader refuses is handed on; and
                # a schedule must not point at a missing session, so the whole plan is held.
                raise WorkoutError(
                    [
                        *diagnostics,
                        error(where, f"internal error: {name} does not verify: {problems[0]}"),
                    ]
                )
        return PlanBuilt(path, build, tuple(diagnostics))


def _session_failed(session: plans.Session, built: Built) -> Diagnostic:
    """The error at a plan's line for a session that does not build, saying why: the first
    of its workout's errors, with where it is (the workout's own errors are said once)."""
    overrides = ", ".join(f"{k}={v}" for k, v in session.overrides.items())
    what = f"this session ({overrides})" if overrides else "this session"
    first = next((d for d in built.diagnostics if d.severity == "error"), None)
    why = f": {first.message} (at {first.position})" if first is not None else ""
    return error(session.source, f"{what} does not build{why}")


def _past_bounds(steps_asked: int, bytes_asked: int) -> str:
    """Why a plan asks for too much ('' while it does not), said at the session that passes
    the bound."""
    from . import plans

    if steps_asked > plans.MAX_PLAN_STEPS:
        return (
            f"with this session the plan asks for more than {plans.MAX_PLAN_STEPS:,} workout "
            "steps in all (each session counts its steps); nothing of the plan is built: "
            "schedule fewer or smaller sessions, or split the plan"
        )
    if bytes_asked > plans.MAX_PLAN_BYTES:
        return (
            f"with this session the plan would write {bytes_asked:,} bytes, more than the "
            f"{plans.MAX_PLAN_BYTES:,} one plan may write; nothing of the plan is built"
        )
    return ""


def _chart(workout: steps.Workout, profile: Profile) -> str:
    from .chart import terminal_chart

    return "\n" + terminal_chart(workout, profile)


def _plan_charts(build: plans.PlanBuild, profile_for: Callable[[Path], Profile]) -> str:
    """`show PLAN --chart`: a chart for each workout the plan uses, drawn once, for its first
    session, saying which sessions it stands for (later ones may differ by their vars)."""
    firsts: dict[Path, list[plans.CompiledSession]] = {}
    for c in build.sessions:
        firsts.setdefault(c.session.workout.resolve(), []).append(c)
    if not firsts:
        return "\nNo sessions, so no charts.\n"
    parts = []
    for sessions in firsts.values():
        first = sessions[0]
        sets = ", ".join(f"{k}={v}" for k, v in first.session.overrides.items())
        head = f"{first.workout.name}: drawn for {first.session.date:%a %d %b}"
        head += f" ({sets})" if sets else ""
        more = len(sessions) - 1
        if more:
            head += f"; {more} more session{'s' if more != 1 else ''}"
            if any(c.session.overrides != first.session.overrides for c in sessions):
                head += ", some with other vars"
        chart = _chart(first.workout, profile_for(first.session.workout))
        parts.append(f"\n{printable(head, 400)}" + chart)
    return "".join(parts)


def _plan_file_problems(name: str, data: bytes, reference: bool) -> list[str]:
    """What the reference readers find wrong with one of a plan's own files (the sessions'
    files were verified as workouts)."""
    suffix = Path(name).suffix[1:]
    if suffix == "ics":
        from icalendar import Calendar

        try:
            Calendar.from_ical(data)
        except ValueError as exc:
            return [str(exc)]
        return []
    if name.endswith("-schedule.fit"):
        from .pipeline import verify

        return verify(data, "fit", reference=reference)
    return []


def _workout_in_worker(
    run: Run, fmts: tuple[str, ...], optional: frozenset[str], path: Path
) -> Built:
    return run._workout(path, run.options.overrides, fmts, optional, only_defined=run.several)


def preload(fmts: Iterable[str] = ("fit", "tcx")) -> None:
    """Import what compiling and emitting `fmts` needs (before workers fork)."""
    from . import compile, formats, model, validate  # noqa: F401

    for fmt in fmts:
        formats.emitter(fmt)
        formats.FORMATS[fmt].verifier()


# --- import ---------------------------------------------------------------------------------


def _lost(path: Path, why: str) -> Diagnostic:
    """An input whose worker process died twice (the OOM killer, a crash): said as an
    internal error for that input, while every other input is still built."""
    return error(
        Position(display_path(path), 0, 0),
        f"internal error: {why}, twice; nothing was made of this file",
    )


def _lost_workout(path: Path, why: str) -> Built:
    return Built(path, None, diagnostics=(_lost(path, why),))


def _lost_import(path: Path, why: str) -> tuple[list[Imported] | None, list[Diagnostic]]:
    return None, [_lost(path, why)]


def _import_one(path: Path, lossy: bool = False) -> tuple[list[Imported] | None, list[Diagnostic]]:
    try:
        found = pipeline.import_file(path, lossy=True) if lossy else pipeline.import_file(path)
        return found, []
    except WorkoutError as exc:
        return None, list(exc.diagnostics)
    except Exception as exc:  # a bug: one file must not stop the others from importing
        return None, [internal_error(Position(display_path(path), 0, 0), exc)]


def import_files(
    paths: Sequence[Path], *, jobs: int | None = 1, lossy: bool = False
) -> Iterator[tuple[list[Imported] | None, list[Diagnostic]]]:
    """`import_file` for each of `paths`, in order: the workouts, or None and the errors.
    Each import is compiled, emitted and verified (`pipeline.emit_verified`) before it is
    handed out. `jobs` worker processes share the work (None: one per CPU)."""
    from .parallel import ordered_map

    one = functools.partial(_import_one, lossy=lossy) if lossy else _import_one
    yield from ordered_map(one, paths, jobs=jobs, lost=_lost_import)


def imports(
    items: Sequence[Input],
    outputs: Outputs,
    *,
    to_folder: bool,
    output: Path | None,
    jobs: int | None = 1,
    lossy: bool = False,
) -> Iterator[tuple[Input, list[Diagnostic], list[tuple[Path | None, str]]]]:
    """What `import` makes of each input: its diagnostics and its (target, YAML text) pairs
    (target None: standard output). Targets are claimed in `outputs`, so that X.fit and X.tcx
    never both write X.yaml; `output` is the one YAML file asked for, unless `to_folder`."""
    from .importers import same_workout

    outputs.protect(item.path for item in items)
    items = _fit_first(items)
    results = import_files([item.path for item in items], jobs=jobs, lossy=lossy)
    #: The input each target was claimed by, to compare a TCX with the FIT of its stem.
    claimed: dict[Path, Path] = {}
    for item, (imported, problems) in zip(items, results, strict=True):
        where = Position(display_path(item.path), 0, 0)
        if imported is None:
            yield item, problems, []
            continue
        if not to_folder and len(imported) > 1:
            why = f"holds {len(imported)} workouts: give -o FOLDER to write one YAML file each"
            yield item, [error(where, why)], []
            continue
        said: list[Diagnostic] = []
        found: list[tuple[Path | None, str]] = []
        for one in imported:
            said.extend(one.diagnostics)
            target = outputs.path_for(item, ".yaml", stem=one.stem) if to_folder else output
            earlier = outputs.claim(target, where.path) if target is not None else None
            first = claimed.setdefault(target.resolve(), item.path) if target else None
            if earlier is not None and first is not None and _pair(first, item.path):
                if same_workout(first, item.path):
                    why = (
                        f"the same workout as {display_path(first)}: imported once, from the "
                        f"FIT file (which carries more), as {target}"
                    )
                    said.append(note(where, why))
                    continue
                why = (
                    f"{target} would also be the import of {display_path(first)}, and the two "
                    "files hold different workouts; nothing written for this file: import "
                    "it on its own with -o NAME.yaml"
                )
                said.append(error(where, why))
                continue
            if earlier is not None:
                said.append(
                    error(
                        where,
                        f"{target} is also the import of {earlier}; nothing written for "
                        "this file: import one of the two on its own with -o NAME.yaml",
                    )
                )
                continue
            found.append((target, one.yaml))
        yield item, said, found


def _pair(fit: Path, tcx: Path) -> bool:
    """Whether `fit` and `tcx` are a FIT file and a TCX file (of one stem: one target)."""
    return fit.suffix.lower() == ".fit" and tcx.suffix.lower() == ".tcx"


def _fit_first(items: Sequence[Input]) -> list[Input]:
    """`items` in their order, except that a FIT file comes just before a TCX file of the same
    stem in the same folder that came earlier (names differing in case only): of a pair, the
    FIT is imported and the TCX compared with it."""

    def stem(item: Input) -> tuple[Path, str]:
        return (item.relative.parent, item.relative.stem.casefold())

    fits = {stem(i): i for i in items if i.path.suffix.lower() == ".fit"}
    out: list[Input] = []
    for item in items:
        if item in out:
            continue
        fit = fits.get(stem(item)) if item.path.suffix.lower() == ".tcx" else None
        if fit is not None and fit not in out:
            out.append(fit)
        out.append(item)
    return out


# --- conveniences for scripts and tests -----------------------------------------------------


def build_plan(
    path: Path,
    fmts: Sequence[str] = ("fit",),
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    **options: Any,
) -> plans.PlanBuild:
    """A plan built on its own (a run of one input); raises WorkoutError with every problem.
    `options` are BuildOptions fields."""
    built = Run(BuildOptions(formats=tuple(fmts), **options)).plan(path, since=since, until=until)
    if built.build is None:
        raise WorkoutError(built.diagnostics)
    return built.build


def plan_files(
    path: Path, fmts: Sequence[str] = ("fit",), **options: Any
) -> list[tuple[str, bytes]]:
    """Every file a plan builds to, as (name relative to the output folder, bytes)."""
    return build_plan(path, fmts, **options).files
