"""A static catalog of a workout library: index, one page per workout and plan, downloads.

The site works from `file://`: relative links only, one CSS file, a few lines of inline script
for the filter box, charts inlined as SVG. Downloads are emitted by the same pipeline functions
as `build` (`pipeline.load_workout`, `pipeline.emit`) and named as `build -o DIR/files` names
them. Every file goes through the one `write` function the caller passes in.

Layout of DIR:

    index.html            every workout and plan, with a filter box
    style.css
    workouts/<slug>.html  steps, notes, chart, downloads
    plans/<slug>.html     calendar with weekly volume bars
    files/<path>.fit      as `build` would write it (and .tcx where TCX can carry it)
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import quote

from .diagnostics import Diagnostic, Position, Report, WorkoutError, error, internal_error

if TYPE_CHECKING:
    from jinja2 import Environment
    from markupsafe import Markup

    from . import steps as s
    from .compile import Pick
    from .formats import Emitted
    from .pipeline import ProfileCache

Writer = Callable[[Path, bytes], None]


@dataclass(frozen=True, slots=True)
class SiteInput:
    """A workout file and its path below the library folder (where its downloads go)."""

    path: Path
    relative: Path


# --- plans: the seam for the plan expansion ---------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanSession:
    """One dated session; `workout_slug` links it to a workout page when there is one."""

    date: dt.date
    name: str
    seconds: float
    metres: float = 0.0
    workout_slug: str | None = None
    #: What makes this session differ from its workout's page: the plan's values of its
    #: vars and its own estimated time and distance ("distance 6.3mi · 1:02:00 · 10.1km").
    detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanWeek:
    """Week `number` is the seven days from `start` (plan-format.md: start + 7 (N - 1))."""

    number: int
    start: dt.date
    sessions: tuple[PlanSession, ...]

    @property
    def seconds(self) -> float:
        """The week's estimated time."""
        return sum(x.seconds for x in self.sessions)

    @property
    def metres(self) -> float:
        """The week's estimated distance."""
        return sum(x.metres for x in self.sessions)


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """A training plan as the calendar page needs it: weeks of dated sessions."""

    name: str
    slug: str
    weeks: tuple[PlanWeek, ...]
    description: str | None = None

    @property
    def totals(self) -> str:
        """Total time and distance of every session, for the index."""
        from .units import format_distance, format_seconds

        seconds = sum(w.seconds for w in self.weeks)
        metres = sum(w.metres for w in self.weeks)
        return format_seconds(seconds) + (f" · {format_distance(metres)}" if metres else "")


# --- what the templates see -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    href: str


@dataclass(kw_only=True)
class WorkoutPage:
    slug: str
    name: str
    sport: str
    source: str
    description: str | None
    time: str
    distance: str
    totals_note: str
    chart: Markup
    no_chart: str  # why there is no chart, when there is none
    legend: str
    estimated: bool  # some bars' widths were worked out from a pace
    nominal: bool  # some bars are open-ended steps drawn at a nominal width
    steps_text: str
    notes: list[tuple[str, str]]
    downloads: list[Link]
    missing: list[tuple[str, str]]  # (format, why it is not offered)
    warnings: list[str] = field(default_factory=list)

    @property
    def search(self) -> str:
        """What the filter box matches against."""
        return " ".join([self.name, self.sport, self.description or "", self.source]).lower()


@dataclass(frozen=True, slots=True)
class Broken:
    source: str
    diagnostics: list[str]


@functools.cache
def _env() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("workoutexport", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render(template: str, **context: object) -> bytes:
    return _env().get_template(template).render(**context).encode("utf-8")


def _href(path: PurePosixPath) -> str:
    return quote(path.as_posix())


def _slug(relative: Path, taken: set[str]) -> str:
    base = "-".join(relative.with_suffix("").parts) or "workout"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def totals_text(workout: s.Workout) -> tuple[str, str, str]:
    """(total time, total distance, what they leave out) as `show` works them out.

    A total that leaves steps out is shown as a lower bound: "≥ 37:48".
    """
    from .show import totals
    from .units import format_distance, format_seconds

    t = totals(workout.steps)
    time = format_seconds(t.seconds) if t.seconds else ""
    notes = []
    if t.unknown_time:
        time = f"≥ {time}" if time else ""
        plural = "s" if t.unknown_time != 1 else ""
        notes.append(f"plus {t.unknown_time} step{plural} without a set time")
    if not t.metres:
        distance = ""
    elif t.unknown_distance:
        distance = f"≥ {format_distance(t.metres)}"
        notes.append("steps without a pace or distance are not counted in the distance")
    else:
        distance = format_distance(t.metres)
    return time, distance, "; ".join(notes)


def _notes(nodes: tuple[s.Node, ...]) -> list[tuple[str, str]]:
    from . import steps as s
    from .chart import step_name
    from .show import duration_text

    out: list[tuple[str, str]] = []
    for node in nodes:
        if isinstance(node, s.Repeat):
            out += _notes(node.steps)
        elif node.note:
            out.append((f"{step_name(node)} {duration_text(node.duration)}", node.note))
    return out


def _workout_page(
    item: SiteInput,
    slug: str,
    workout: s.Workout,
    profiles: ProfileCache,
    downloads: list[Link],
    missing: list[tuple[str, str]],
    warnings: list[str],
) -> WorkoutPage:
    from markupsafe import Markup

    from . import chart
    from .pipeline import display_path
    from .show import render

    profile = profiles.for_workout(item.path)
    try:
        bars = chart.bars(workout, profile)
    except chart.TooManySteps as exc:
        bars, no_chart = [], str(exc)
    else:
        no_chart = ""
    svg = chart.render_svg(bars, f"Intensity profile of {workout.name}").decode("utf-8")
    time, distance, totals_note = totals_text(workout)
    sport = workout.sport.value + (f", {workout.sub_sport}" if workout.sub_sport else "")
    return WorkoutPage(
        slug=slug,
        name=workout.name,
        sport=sport,
        source=display_path(item.path),
        description=workout.description,
        time=time,
        distance=distance,
        totals_note=totals_note,
        # lxml wrote the SVG and escaped every text in it; it is markup, not text.
        chart=Markup(svg) if bars else Markup(),
        no_chart=no_chart,
        legend=chart.legend(workout, profile, bars),
        estimated=any(b.estimated for b in bars),
        nominal=any(b.nominal for b in bars),
        # The page shows name, sport and description above; keep only the steps and totals.
        steps_text=render(workout).split("\n\n", 1)[-1],
        notes=_notes(workout.steps),
        downloads=downloads,
        missing=missing,
        warnings=warnings,
    )


@dataclass(frozen=True)
class _Built:
    """One workout compiled for the site: the tree and its FIT, or the errors; its TCX, or
    why TCX cannot carry it (either is None, with no errors, when the workout's own
    `formats:` leaves it out)."""

    workout: s.Workout | None
    errors: tuple[Diagnostic, ...]
    fit: Emitted | None = None
    tcx: Emitted | None = None
    tcx_errors: tuple[Diagnostic, ...] = ()


def _build_one(job: tuple[ProfileCache, Pick], task: tuple[Path, Mapping[str, str]]) -> _Built:
    """Compile and emit one workout, as `build` would; runs in a worker under --jobs."""
    from .pipeline import Extras, display_path, emit, emit_options, load_workout

    profiles, pick = job
    path, overrides = task
    extras = Extras()
    try:
        workout = load_workout(
            path, profiles=profiles, overrides=overrides, pick=pick, extras=extras
        )
        options = emit_options(path, profiles=profiles)
        # As in build: a workout's own `formats:` says which downloads it gets.
        wanted = extras.formats or ("fit", "tcx")
        fit = emit(workout, "fit", options=options) if "fit" in wanted else None
    except WorkoutError as exc:
        return _Built(None, exc.diagnostics)
    except Exception as exc:  # a bug: one workout must not stop the catalog
        return _Built(None, (internal_error(Position(display_path(path), 0, 0), exc),))
    if "tcx" not in wanted:
        return _Built(workout, (), fit)
    try:
        tcx = emit(workout, "tcx", options=options)
    except WorkoutError as exc:
        return _Built(workout, (), fit, None, exc.diagnostics)
    except Exception as exc:
        return _Built(None, (internal_error(Position(display_path(path), 0, 0), exc),))
    return _Built(workout, (), fit, tcx)


def build_site(
    inputs: Iterable[SiteInput],
    out_dir: Path,
    *,
    profiles: ProfileCache,
    write: Writer,
    overrides: Mapping[str, str] | None = None,
    pick: Pick = "low",
    plans: Sequence[Plan] = (),
    report: Report | None = None,
    jobs: int | None = 1,
    several: bool | None = None,
) -> Report:
    """Write the catalog of `inputs` (and `plans`) into `out_dir`; problems go to the report.

    A workout that does not compile, or whose FIT cannot be written, is listed on the index
    with its diagnostics; every other workout still gets its page and downloads. `jobs`
    worker processes compile the workouts (None: one per CPU), with the same result.
    `several` (default: more than one input) makes `--set` apply to the workouts and plans
    that define each variable (`pipeline.several_inputs`).
    """
    from .parallel import ordered_map
    from .pipeline import defined_overrides, display_path, preload, unapplied

    report = report if report is not None else Report()

    def put(name: PurePosixPath | str, data: bytes, shown: str) -> bool:
        target = out_dir / name
        try:
            write(target, data)
        except OSError as exc:
            report.add([error(Position(shown), f"cannot write {target}: {exc.strerror}")])
            return False
        return True

    from .plans import is_plan

    pages: list[WorkoutPage] = []
    broken: list[Broken] = []
    taken: set[str] = set()
    claimed: dict[PurePosixPath, str] = {}
    slug_of: dict[Path, str] = {}  # a workout file -> its page, for plan calendars to link
    plan_inputs: list[SiteInput] = []
    items = [(item, is_plan(item.path)) for item in inputs]
    overrides = overrides or {}
    # Several workouts: --set applies to those that define the variable (issue 12). Worked
    # out here, before the workers, so that `applied` sees every workout.
    several = len(items) > 1 if several is None else several
    applied: set[str] = set()
    tasks = [
        (item.path, defined_overrides(item.path, overrides, applied) if several else overrides)
        for item, in_plan in items
        if not in_plan
    ]
    compiled = ordered_map(
        functools.partial(_build_one, (profiles, pick)),
        tasks,
        jobs=jobs,
        before_fork=preload,
    )
    for item, in_plan in items:
        report.checked += 1
        shown = display_path(item.path)
        if in_plan:
            plan_inputs.append(item)
            continue
        built = next(compiled)
        workout, fit = built.workout, built.fit
        if workout is None:
            report.add(built.errors)
            broken.append(Broken(shown, [d.format() for d in built.errors]))
            continue
        files = PurePosixPath("files", *item.relative.with_suffix("").parts)
        if files in claimed:
            # As in build: two inputs with one output name; neither may overwrite the other.
            problem = error(
                Position(shown),
                f"{out_dir / files}.fit is also the output of {claimed[files]}; "
                "rename one of the two workouts",
            )
            report.add([problem])
            broken.append(Broken(shown, [problem.format()]))
            continue
        claimed[files] = shown
        slug = _slug(item.relative, taken)
        outputs = []
        missing: list[tuple[str, str]] = []
        warnings = []
        if fit is not None:
            report.add(fit.diagnostics)
            outputs.append(("fit", fit.data))
            warnings += [f"FIT: {d.message}" for d in fit.diagnostics]
        tcx = built.tcx
        if built.tcx_errors:
            # Not a fault of the library: TCX is the older, smaller format.
            missing.append(("TCX", "; ".join(d.message for d in built.tcx_errors)))
        elif tcx is not None:
            outputs.append(("tcx", tcx.data))
            warnings += [f"TCX: {d.message}" for d in tcx.diagnostics]
        downloads = []
        for fmt, data in outputs:
            name = files.with_suffix(f".{fmt}")
            if put(name, data, shown):
                downloads.append(Link(f"{fmt.upper()} ({len(data):,} bytes)", _href(".." / name)))
        # One line per kind of loss, not one per step that suffers it.
        counted = Counter(warnings)
        warnings = [w if n == 1 else f"{w} ({n} times)" for w, n in counted.items()]
        page = _workout_page(item, slug, workout, profiles, downloads, missing, warnings)
        if put(f"workouts/{slug}.html", _render("workout.html.j2", page=page, root="../"), shown):
            pages.append(page)
            slug_of[item.path.resolve()] = slug
    plans = list(plans)
    for item in plan_inputs:
        shown = display_path(item.path)
        try:
            plans.append(
                site_plan(
                    item.path,
                    _slug(item.relative, taken),
                    slug_of,
                    profiles=profiles,
                    overrides=overrides,
                    pick=pick,
                    applied=applied if several else None,
                    # The folder named on the command line bounds what a plan may name.
                    library=item.path.parents[len(item.relative.parts) - 1],
                )
            )
        except WorkoutError as exc:
            report.add(exc.diagnostics)
            broken.append(Broken(shown, [d.format() for d in exc.diagnostics]))
        except Exception as exc:  # a bug: one plan must not stop the catalog
            problem = internal_error(Position(shown, 0, 0), exc)
            report.add([problem])
            broken.append(Broken(shown, [problem.format()]))
    if several:
        report.add(unapplied(overrides, applied, Path(".")))
    for plan in plans:
        put(f"plans/{plan.slug}.html", render_plan(plan, root="../"), plan.name)
    index = _render("index.html.j2", workouts=pages, plans=plans, broken=broken, root="")
    put("index.html", index, str(out_dir))
    css = resources.files("workoutexport").joinpath("templates/style.css").read_bytes()
    put("style.css", css, str(out_dir))
    return report


def site_plan(
    path: Path,
    slug: str,
    slug_of: Mapping[Path, str],
    *,
    profiles: ProfileCache,
    overrides: Mapping[str, str] | None = None,
    pick: Pick = "low",
    applied: set[str] | None = None,
    library: Path | None = None,
) -> Plan:
    """A plan file as its calendar page shows it (raises WorkoutError, as `build` would).

    Each session is compiled as `build` compiles it and timed as `show` estimates it
    (strength sessions are listed but add no volume); a session whose workout has a page in
    the catalog links to it, and says the plan's values of its vars, which that page (the
    workout with its own defaults) does not show.
    """
    from .plans import build_plan
    from .show import totals
    from .steps import Sport
    from .units import format_distance, format_seconds

    build = build_plan(
        path,
        ("fit",),
        profiles=profiles,
        overrides=overrides,
        pick=pick,
        lenient=applied is not None,
        library=library,
    )
    if applied is not None:  # one of several inputs: the plan takes the vars it defines
        applied.update(build.plan.applied)
    plan = build.plan
    weeks: list[list[PlanSession]] = [[] for _ in range(plan.weeks)]
    for c in build.sessions:
        t = totals(c.workout.steps)
        # As in `show plan` and the 10 % rule, strength is listed but is no running volume.
        running = c.workout.sport is not Sport.STRENGTH
        parts = [f"{name} {value}" for name, value in c.session.vars.items()]
        if t.seconds:
            parts.append(format_seconds(t.seconds))
        if t.metres:
            parts.append(format_distance(t.metres))
        weeks[c.session.week - 1].append(
            PlanSession(
                date=c.session.date,
                name=c.workout.name,
                detail=" · ".join(parts),
                seconds=t.seconds if running else 0.0,
                metres=t.metres if running else 0.0,
                workout_slug=slug_of.get(c.session.workout.resolve()),
            )
        )
    return Plan(
        name=plan.name,
        slug=slug,
        description=plan.description,
        weeks=tuple(
            PlanWeek(
                number=n,
                start=plan.start + dt.timedelta(days=7 * (n - 1)),
                sessions=tuple(sessions),
            )
            for n, sessions in enumerate(weeks, start=1)
        ),
    )


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def render_plan(plan: Plan, *, root: str = "../") -> bytes:
    """The calendar page of a plan: one row per week, one column per day, a volume bar.

    Columns follow the plan's weeks, which start on the weekday of the plan's first day.
    """
    from .units import format_distance, format_seconds

    longest = max((w.seconds for w in plan.weeks), default=0.0) or 1.0
    first = plan.weeks[0].start.weekday() if plan.weeks else 0
    weeks = []
    for week in plan.weeks:
        days: list[list[PlanSession]] = [[] for _ in range(7)]
        for session in sorted(week.sessions, key=lambda x: x.date):
            offset = (session.date - week.start).days
            if not 0 <= offset < 7:
                raise ValueError(f"week {week.number}: {session.date} is not in that week")
            days[offset].append(session)
        weeks.append(
            {
                "number": week.number,
                "start": week.start,
                "days": days,
                "time": format_seconds(week.seconds),
                "distance": format_distance(week.metres) if week.metres else "",
                "percent": round(100 * week.seconds / longest, 1),
            }
        )
    header = [WEEKDAYS[(first + i) % 7] for i in range(7)]
    return _render("plan.html.j2", plan=plan, weeks=weeks, header=header, root=root)
