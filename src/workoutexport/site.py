"""A static catalog of a workout library: index, one page per workout and plan, downloads.

The site works from `file://`: relative links only, one CSS file, a few lines of inline script
for the filter box, charts inlined as SVG. Downloads are built by the run's one path, as
`build` builds them (`run.Run.workout`: compiled, emitted, verified), and named as
`build -o DIR/files` names them. Every file goes through the one `write` function the caller
passes in.

Layout of DIR:

    index.html            every workout and plan, with a filter box
    style.css
    workouts/<slug>.html  steps, chart, downloads, the plans that use it
    plans/<slug>.html     calendar with weekly volume bars (stacked by day on a phone), downloads
    files/<path>.fit      as `build` would write it (and .tcx where TCX can carry it)
    files/<folder>/<plan>/<plan>.ics, <plan>-schedule.fit   as `build PLAN` writes them
    files/<folder>/<plan>.zip   every file `build PLAN` writes, as <plan>/<file>

Pages speak to runners (site_text.py), not in the command line's words.
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

from .diagnostics import Diagnostic, Position, WorkoutError, error, internal_error
from .estimate import SECONDS_PER_REP

if TYPE_CHECKING:
    from jinja2 import Environment
    from markupsafe import Markup

    from . import steps as s
    from .estimate import Week
    from .pipeline import ProfileCache
    from .run import Run
    from .site_text import StepLine

Writer = Callable[[Path, bytes], None]
#: The site's folder of downloads.
FILES = PurePosixPath("files")


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
    #: The session in its own values, which its workout's page (with the workout's
    #: defaults) does not show: "8 x 400 m", "6.3 mi", "45 min".
    detail: str = ""
    #: Whether it counts towards the week's running volume (only a run does).
    running: bool = True
    #: Its sport: a week's volume lists the sports other than running one by one.
    sport: str = "running"
    #: Some step has no distance estimate: `metres` is a lower bound.
    partial: bool = False
    #: `seconds` is partly worked out from strength reps (shown with '~').
    estimated: bool = False
    #: Some step has no time estimate: `seconds` is a lower bound (shown with '≥').
    untimed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanWeek:
    """Week `number` is the seven days from `start` (plan-format.md: start + 7 (N - 1))."""

    number: int
    start: dt.date
    sessions: tuple[PlanSession, ...]

    @property
    def totals(self) -> Week:
        """The week's estimate, as `show` and the 10 % rule work it out (`estimate.week`)."""
        from .estimate import week

        return week(self.sessions)

    @property
    def seconds(self) -> float:
        """The week's estimated running time."""
        return self.totals.seconds

    @property
    def metres(self) -> float:
        """The week's estimated running distance."""
        return self.totals.metres


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanPage:
    """A training plan as the calendar page needs it: weeks of dated sessions."""

    name: str
    slug: str
    weeks: tuple[PlanWeek, ...]
    description: str | None = None
    #: What the page offers to take away: links relative to the plan's page.
    downloads: tuple[Link, ...] = ()
    #: The files behind `downloads`, by their path in the site folder.
    files: tuple[tuple[PurePosixPath, bytes], ...] = ()
    #: The unit of its distances ('km', 'mi'): the plan's `units:`, the profile's, else
    #: the unit most of its distances are written in (`estimate.plan_unit`).
    unit: str = "km"

    @property
    def totals(self) -> str:
        """Total running time and distance of every week, for the index."""
        from .site_text import amount_text

        seconds = sum(w.seconds for w in self.weeks)
        metres = sum(w.metres for w in self.weeks)
        untimed = any(w.totals.untimed for w in self.weeks)
        partial = any(w.totals.partial for w in self.weeks)
        return amount_text(seconds, metres, self.unit, untimed=untimed, partial=partial)


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
    downloads: list[Link]
    missing: list[tuple[str, str]]  # (format, why it is not offered)
    warnings: list[str] = field(default_factory=list)
    steps: list[StepLine] = field(default_factory=list)
    #: The plans with a session of this workout, linked from the workout's page.
    plans: list[Link] = field(default_factory=list)

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

    env = Environment(
        loader=PackageLoader("workoutexport", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Every name put into a link goes through `href` (templates: `{{ w.slug | href }}`).
    env.filters["href"] = lambda name: _href(PurePosixPath(name))
    return env


def _render(template: str, **context: object) -> bytes:
    return _env().get_template(template).render(**context).encode("utf-8")


def _href(path: PurePosixPath) -> str:
    """A relative URL for `path`: every character but letters, digits, `-._~` and `/` is
    %-escaped, so `#`, `?`, `%`, `:`, spaces and non-ASCII letters in a file's name reach
    the file of that name (`a#b` -> `a%23b`)."""
    return quote(path.as_posix(), safe="/")


def _slug(relative: Path, taken: set[str]) -> str:
    base = "-".join(relative.with_suffix("").parts) or "workout"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _below_plans(relative: Path) -> Path:
    """A plan's path below the library without a leading `plans` folder: its page is
    `plans/faster-mile.html`, not `plans/plans-faster-mile.html`."""
    if len(relative.parts) > 1 and relative.parts[0] == "plans":
        return Path(*relative.parts[1:])
    return relative


def totals_text(workout: s.Workout) -> tuple[str, str, str]:
    """(total time, total distance, what they leave out) as `show` works them out.

    A total that leaves steps out is shown as a lower bound: "≥ 38 min". The distance is in
    miles when the workout's distances are written in miles, as in `show`.
    """
    from .estimate import totals
    from .site_text import distance_text, time_text, written_in_miles

    t = totals(workout.steps, swim=workout.sport.value == "swimming")
    unit = "mi" if written_in_miles(workout.steps) else None

    def format_distance(metres: float) -> str:
        return distance_text(metres, unit)

    time = time_text(t.seconds) if t.seconds else ""
    notes = []
    if t.estimated and time:
        time = f"~{time}"
        notes.append(f"strength sets counted at {SECONDS_PER_REP:g} s a rep")
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
    from .site_text import step_lines

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
        steps=step_lines(workout.steps, workout.sport),
        downloads=downloads,
        missing=[(fmt, _for_athletes(workout, fmt, why)) for fmt, why in missing],
        warnings=warnings,
    )


def _for_athletes(workout: s.Workout, fmt: str, why: str) -> str:
    """Why a format is not offered, without the command-line advice the diagnostic gives
    ("build this one as FIT (-f fit)"): the page offers the FIT file instead."""
    from .steps import Sport

    if fmt == "TCX" and workout.sport is Sport.STRENGTH:
        return "strength sets do not fit in TCX"
    if fmt == "TCX" and workout.sport is Sport.SWIMMING:
        return "TCX has no swimming"
    return why.split(";")[0].split(": build ")[0].strip()


def build_site(
    inputs: Iterable[SiteInput],
    out_dir: Path,
    *,
    run: Run,
    write: Writer,
    plans: Sequence[PlanPage] = (),
) -> list[Diagnostic]:
    """Write the catalog of `inputs` (and `plans`) into `out_dir`; returns the diagnostics.

    Every input goes through `run` (its options, profiles, `--set` rule and worker
    processes). A workout that does not compile, or whose FIT cannot be written or does not
    verify, is listed on the index with its diagnostics; every other workout still gets its
    page and downloads (TCX where TCX can carry it).
    """
    from .pipeline import display_path

    said: list[Diagnostic] = []

    def put(name: PurePosixPath | str, data: bytes, shown: str) -> bool:
        target = out_dir / name
        try:
            write(target, data)
        except OSError as exc:
            said.append(error(Position(shown), f"cannot write {target}: {exc.strerror}"))
            return False
        return True

    pages: list[WorkoutPage] = []
    broken: list[Broken] = []
    taken: set[str] = set()
    claimed: dict[PurePosixPath, str] = {}
    slug_of: dict[Path, str] = {}  # a workout file -> its page, for plan calendars to link
    plan_inputs: list[SiteInput] = []
    items = [(item, run.is_plan(item.path)) for item in inputs]
    compiled = run.workouts(
        [item.path for item, in_plan in items if not in_plan],
        formats=("fit", "tcx"),
        optional=("tcx",),  # TCX is the older, smaller format: a download where it fits
    )
    for item, in_plan in items:
        shown = display_path(item.path)
        if in_plan:
            plan_inputs.append(item)
            continue
        built = next(compiled)
        workout = built.workout
        if workout is None or not built.ok:
            said.extend(built.diagnostics)
            broken.append(Broken(shown, [d.format() for d in built.diagnostics]))
            continue
        files = PurePosixPath("files", *item.relative.with_suffix("").parts)
        if files in claimed:
            # As in build: two inputs with one output name; neither may overwrite the other.
            problem = error(
                Position(shown),
                f"{out_dir / files}.fit is also the output of {claimed[files]}; "
                "rename one of the two workouts",
            )
            said.append(problem)
            broken.append(Broken(shown, [problem.format()]))
            continue
        claimed[files] = shown
        slug = _slug(item.relative, taken)
        # A loss in the optional TCX download is said on the workout's page, not on the
        # terminal: the user asked for a site, not for TCX files.
        on_page = {id(d) for o in built.outputs if o.format == "tcx" for d in o.warnings}
        said.extend(d for d in built.diagnostics if id(d) not in on_page)
        missing = [
            (fmt.upper(), "; ".join(d.message for d in why)) for fmt, why in built.refused.items()
        ]
        # A format the workout's own formats: leaves out is not offered either, and said.
        offered = [o.format for o in built.outputs]
        missing += [
            (fmt.upper(), f"this workout is for {' and '.join(offered).upper()} only")
            for fmt in ("fit", "tcx")
            if offered and fmt not in offered and fmt not in built.refused
        ]
        warnings = [_loss_text(o.format, d.message) for o in built.outputs for d in o.warnings]
        downloads = []
        for fmt, data in ((o.format, o.data) for o in built.outputs):
            name = files.with_suffix(f".{fmt}")
            if put(name, data, shown):
                downloads.append(Link(f"{fmt.upper()} ({len(data):,} bytes)", _href(".." / name)))
        # One line per kind of loss, not one per step that suffers it.
        counted = Counter(warnings)
        warnings = [w if n == 1 else f"{w} ({n} times)" for w, n in counted.items()]
        pages.append(_workout_page(item, slug, workout, run.profiles, downloads, missing, warnings))
        slug_of[item.path.resolve()] = slug
    plans = list(plans)
    # Plan pages have a folder of their own: named apart from the workouts' pages, and
    # after the plan's path below the library without the folder `plans` again.
    plan_taken = {plan.slug for plan in plans}
    for item in plan_inputs:
        shown = display_path(item.path)
        try:
            plans.append(
                site_plan(
                    item.path,
                    _slug(_below_plans(item.relative), plan_taken),
                    slug_of,
                    run=run,
                    files_under=PurePosixPath("files", *item.relative.parent.parts),
                )
            )
        except WorkoutError as exc:
            said.extend(exc.diagnostics)
            broken.append(Broken(shown, [d.format() for d in exc.diagnostics]))
        except Exception as exc:  # a bug: one plan must not stop the catalog
            problem = internal_error(Position(shown, 0, 0), exc)
            said.append(problem)
            broken.append(Broken(shown, [problem.format()]))
    for plan in plans:
        put(f"plans/{plan.slug}.html", render_plan_page(plan, root="../"), plan.name)
        for name, data in plan.files:
            put(name, data, plan.name)
    # Written once the plans are known: a workout's page names the plans that use it.
    _link_plans(pages, plans)
    pages = [
        page
        for page in pages
        if put(
            f"workouts/{page.slug}.html",
            _render("workout.html.j2", page=page, root="../"),
            page.source,
        )
    ]
    index = _render("index.html.j2", workouts=pages, plans=plans, broken=broken, root="")
    put("index.html", index, str(out_dir))
    css = resources.files("workoutexport").joinpath("templates/style.css").read_bytes()
    put("style.css", css, str(out_dir))
    return said


def _loss_text(fmt: str, message: str) -> str:
    """'TCX: the note is ...' with the format named once: a message that names it already
    ('TCX has no step notes; ...') is not prefixed again."""
    name = fmt.upper()
    return message if message.upper().startswith(name) else f"{name}: {message}"


def _link_plans(pages: Sequence[WorkoutPage], plans: Sequence[PlanPage]) -> None:
    """Give each workout page a link to every plan with a session of that workout."""
    by_slug = {page.slug: page for page in pages}
    for plan in sorted(plans, key=lambda p: p.name.casefold()):
        used = {x.workout_slug for week in plan.weeks for x in week.sessions}
        for slug in sorted(s for s in used if s in by_slug):
            by_slug[slug].plans.append(
                Link(plan.name, f"../plans/{_href(PurePosixPath(plan.slug))}.html")
            )


def site_plan(
    path: Path,
    slug: str,
    slug_of: Mapping[Path, str],
    *,
    run: Run,
    files_under: PurePosixPath = FILES,
) -> PlanPage:
    """A plan file as its calendar page shows it (raises WorkoutError, as `build` would).

    Each session is compiled as `build` compiles it and timed as `show` estimates it
    (strength sessions are listed but add no volume); a session whose workout has a page in
    the catalog links to it, and says what it is in its own values ("8 x 400 m"), which that
    page (the workout with its own defaults) does not show. The plan's downloads are the
    files `build PLAN` writes into `<plan stem>/`, placed under `files_under` in the site:
    the calendar, the watch schedule, and a zip of the whole folder.
    """
    from . import estimate
    from .plans import plan_unit
    from .site_text import main_set

    built = run.plan(path, formats=("fit",))
    if built.build is None:
        raise WorkoutError(built.diagnostics)
    build = built.build
    plan = build.plan
    unit = plan_unit(build, None, run.profile_for(path).units)
    weeks: list[list[PlanSession]] = [[] for _ in range(plan.weeks)]
    for c in build.sessions:
        # As in `show plan` and the 10 % rule, strength is listed but is no running volume.
        amount = estimate.session(c.workout)
        weeks[c.session.week - 1].append(
            PlanSession(
                date=c.session.date,
                name=c.workout.name,
                detail=main_set(c.workout, unit),
                seconds=amount.seconds,
                metres=amount.metres,
                running=amount.running,
                sport=amount.sport,
                partial=amount.partial,
                estimated=amount.estimated,
                untimed=amount.untimed,
                workout_slug=slug_of.get(c.session.workout.resolve()),
            )
        )
    files = _plan_downloads(build.files, plan.stem, files_under)
    return PlanPage(
        name=plan.name,
        slug=slug,
        description=plan.description,
        unit=unit,
        downloads=tuple(link for link, _, _ in files),
        files=tuple((name, data) for _, name, data in files),
        weeks=tuple(
            PlanWeek(
                number=n,
                start=plan.start + dt.timedelta(days=7 * (n - 1)),
                sessions=tuple(sessions),
            )
            for n, sessions in enumerate(weeks, start=1)
        ),
    )


def _plan_downloads(
    built: Sequence[tuple[str, bytes]], stem: str, under: PurePosixPath
) -> list[tuple[Link, PurePosixPath, bytes]]:
    """The plan's downloads, as (link from its page, path in the site, bytes): a zip of the
    folder `build` writes, then the calendar and the watch schedule as they are in it."""
    by_name = dict(built)
    offered = [
        (
            f"{stem}.zip",
            _zip(built),
            "Every file of the plan (zip): a FIT workout for each session, the watch "
            "schedule and the calendar",
        ),
        (
            f"{stem}/{stem}.ics",
            by_name.get(f"{stem}/{stem}.ics"),
            "Calendar (.ics): every session as an all-day event, for your phone's calendar",
        ),
        (
            f"{stem}/{stem}-schedule.fit",
            by_name.get(f"{stem}/{stem}-schedule.fit"),
            "Watch schedule (FIT): puts each session on the watch's calendar, with the "
            "session workouts from the zip",
        ),
    ]
    out = []
    for name, data, text in offered:
        if data is None:
            continue
        path = under / name
        out.append((Link(f"{text}, {_size(len(data))}", _href(".." / path)), path, data))
    return out


def _size(n: int) -> str:
    return f"{n:,} bytes" if n < 10_000 else f"{round(n / 1000):,} kB"


def _zip(files: Sequence[tuple[str, bytes]]) -> bytes:
    """A zip of `files` (name, bytes) that is the same bytes for the same files: a fixed
    timestamp and file mode for every member, in the order given."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buffer.getvalue()


SHORT_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day_label(day: dt.date) -> str:
    """'Tue 5 Jan', in English whatever the machine's locale."""
    return f"{SHORT_WEEKDAYS[day.weekday()]} {day.day} {SHORT_MONTHS[day.month - 1]}"


def render_plan_page(plan: PlanPage, *, root: str = "../") -> bytes:
    """The calendar page of a plan: one row per week, one column per day, a volume bar.

    Columns follow the plan's weeks, which start on the weekday of the plan's first day.
    Below a phone's width the stylesheet stacks each week as a list of its days; each day
    carries its own label ("Tue 5 Jan") for that.
    """
    from .site_text import amount_text, time_text

    longest = max((w.seconds for w in plan.weeks), default=0.0) or 1.0
    first = plan.weeks[0].start.weekday() if plan.weeks else 0
    weeks = []
    for week in plan.weeks:
        days: list[list[dict[str, object]]] = [[] for _ in range(7)]
        for session in sorted(week.sessions, key=lambda x: x.date):
            offset = (session.date - week.start).days
            if not 0 <= offset < 7:
                raise ValueError(f"week {week.number}: {session.date} is not in that week")
            amount = amount_text(
                session.seconds,
                session.metres,
                plan.unit,
                untimed=session.untimed,
                partial=session.partial,
            )
            if session.estimated:
                amount = f"~{amount}"
            # "45 min" above "45 min · 7.8 km" says nothing new.
            same = session.detail == time_text(session.seconds)
            days[offset].append(
                {
                    "name": session.name,
                    "slug": session.workout_slug,
                    "detail": "" if same else session.detail,
                    "amount": amount,
                }
            )
        weeks.append(
            {
                "number": week.number,
                "start": week.start,
                "days": [
                    {"label": _day_label(week.start + dt.timedelta(days=i)), "sessions": d}
                    for i, d in enumerate(days)
                ],
                "volume": _volume(week.totals, plan.unit),
                "percent": round(100 * week.seconds / longest, 1),
            }
        )
    header = [SHORT_WEEKDAYS[(first + i) % 7] for i in range(7)]
    return _render(
        "plan.html.j2",
        plan=plan,
        weeks=weeks,
        header=header,
        root=root,
        seconds_per_rep=f"{SECONDS_PER_REP:g}",
    )


def _volume(week: Week, unit: str) -> str:
    """A week's running volume and, after it, each other sport's: '3 h 10 min · 19.4 mi ·
    cycling 2 h · swimming 1 h 20 min, 3.4 km · strength ~30 min'."""
    from .plans import other_sports_text
    from .site_text import amount_text

    parts = [
        amount_text(week.seconds, week.metres, unit, untimed=week.untimed, partial=week.partial)
    ]
    parts += other_sports_text(week.others, unit)
    return " · ".join(x for x in parts if x) or "rest"
