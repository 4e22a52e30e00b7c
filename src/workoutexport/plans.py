"""Training plans (plan-format.md): plan YAML -> dated sessions -> workouts, schedule, calendar.

The stages, each usable on its own (``send`` and the catalog call them too):

- :func:`is_plan`: a YAML file with ``weeks:`` and no ``steps:``;
- :func:`expand_plan`: the plan as dated :class:`Session` s, each a workout file with the
  vars (as ``--set`` would give them) that the plan, the day, ``progress`` and the command line
  set for it;
- :func:`build_plan`: every session compiled and emitted, plus the FIT schedule and the
  ``.ics`` calendar, as ``(relative name, bytes)`` in :attr:`PlanBuild.files`;
- :func:`week_totals`, :func:`volume_warnings`, :func:`render_plan`: what ``show`` prints and
  ``check`` warns about (the 10 % rule).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import steps
from .diagnostics import Diagnostic, Position, WorkoutError, error, warning
from .outputs import read_input
from .source import MAX_BYTES, Document, Loc, read_file

if TYPE_CHECKING:
    from .compile import Pick
    from .pipeline import ProfileCache

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAYS: dict[str, int] = {
    **{name: i for i, name in enumerate(_DAYS)},
    **{name[:3]: i for i, name in enumerate(_DAYS)},
}
PLAN_KEYS = ("name", "description", "start", "vars", "weeks")
WEEK_KEYS = ("days", "repeat", "progress")
SESSION_KEYS = ("workout", "set")
#: The guide's rule: build by no more than about 10 % a week.
RULE_PERCENT = 10.0
#: Weeks a plan may expand to (ten years): a typo such as `repeat: 5000` is refused.
MAX_WEEKS = 520
#: Years a plan may start in: a FIT schedule holds dates from 1989-12-31 to 2126.
FIRST_YEAR, LAST_YEAR = 1990, 2099
#: Weekly change `progress` may ask for, in percent.
MAX_PROGRESS = 100.0
#: Sessions a plan may expand to: aliases can make a small file name very many.
MAX_SESSIONS = 5000

_NUMBER = r"\d+(?:\.\d+)?"
_SCALABLE = re.compile(rf"({_NUMBER})(?:(\s*-\s*)({_NUMBER}))?(\s*[A-Za-z][A-Za-z ]*)?")
_CLOCK = re.compile(r"(\d+):(\d\d)(?::(\d\d))?")
_PERCENT = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*%")


@dataclass(frozen=True)
class Session:
    """One workout on one day of a plan."""

    date: dt.date
    week: int  # 1-based
    workout: Path
    vars: Mapping[str, str]  # as `--set NAME=VALUE` for that workout
    name: str  # file stem: YYYY-MM-DD-<workout stem>, unique in the plan
    source: Position  # where the plan names this session


@dataclass(frozen=True)
class Plan:
    path: Path
    name: str
    description: str | None
    start: dt.date
    weeks: int
    sessions: tuple[Session, ...]
    week_sources: tuple[Position, ...]  # for each week, its entry in the plan
    #: The `--set` names some workout of the plan defines (and so takes).
    applied: frozenset[str] = frozenset()

    @property
    def stem(self) -> str:
        """The plan file's name without its suffix."""
        return self.path.stem


def _display(path: Path) -> str:
    from .pipeline import display_path

    return display_path(path)


def is_plan(path: Path) -> bool:
    """Whether `path` is a plan: a YAML mapping with `weeks:` and no `steps:`."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        return False
    try:
        # Most inputs are workouts: skip parsing any file that cannot hold a `weeks` key.
        if b"weeks" not in read_input(path, Position(str(path)), MAX_BYTES):
            return False
    except WorkoutError:
        return False  # unreadable: not a plan; building it as a workout says why
    try:
        doc = read_file(path, str(path))
    except WorkoutError:
        return False
    return _is_plan_data(doc.data)


def _is_plan_data(data: Any) -> bool:
    return isinstance(data, dict) and "weeks" in data and "steps" not in data


# --- expansion ------------------------------------------------------------------------------


@dataclass
class _Entry:
    """A session as written, before its vars are resolved."""

    week: int
    date: dt.date
    workout: Path
    sets: dict[str, Any]
    source: Position
    set_sources: dict[str, Position]
    progress: dict[str, tuple[float, int, Position]]  # var -> (percent, k, where)


@dataclass
class _Expander:
    path: Path
    doc: Document
    errors: list[Diagnostic] = field(default_factory=list)
    files: dict[Path, Any] = field(default_factory=dict)

    def fail(self, where: Position, message: str) -> None:
        self.errors.append(error(where, message))

    def unknown_keys(self, data: dict[str, Any], loc: Loc, allowed: Sequence[str]) -> None:
        from .validate import suggest

        for key in data:
            if key not in allowed:
                hint = suggest(key, allowed) or f" (expected {', '.join(allowed)})"
                self.fail(self.doc.key_at((*loc, key)), f"unknown key '{key}'{hint}")

    def data_of(self, workout: Path) -> Any:
        """A workout file's plain data, read once (None when it cannot be read)."""
        key = workout.resolve()
        if key not in self.files:
            try:
                self.files[key] = read_file(workout, _display(workout)).data
            except WorkoutError:
                self.files[key] = None
        return self.files[key]

    def vars_of(self, workout: Path) -> dict[str, Any] | None:
        """The `vars:` a workout file defines (None when it cannot be read: compile says why)."""
        data = self.data_of(workout)
        if not isinstance(data, dict):
            return None
        raw = data.get("vars", {})
        return dict(raw) if isinstance(raw, dict) else None

    def start(self, data: dict[str, Any]) -> dt.date | None:
        if "start" not in data:
            self.fail(self.doc.at(()), "missing required key 'start' (the first day, 2027-01-04)")
            return None
        value = data["start"]
        where = self.doc.at(("start",))
        text = str(value).strip() if isinstance(value, str) else None
        if text is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            self.fail(where, f"'start' must be a date written YYYY-MM-DD, got '{value}'")
            return None
        try:
            day = dt.date.fromisoformat(text)
        except ValueError as exc:
            self.fail(where, f"'{text}' is not a date: {exc}")
            return None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            # FIT keeps dates as seconds from 1989-12-31 in 32 bits (to 2126), and a plan may
            # run MAX_WEEKS weeks past its start.
            self.fail(
                where, f"a plan starts between {FIRST_YEAR} and {LAST_YEAR}, not in {day.year}"
            )
            return None
        return day

    def scalar_vars(self, value: Any, loc: Loc, what: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(self.doc.at(loc), f"'{what}' must be a mapping of NAME: VALUE")
            return {}
        out = {}
        for name, v in value.items():
            if isinstance(v, bool) or not isinstance(v, str | int | float):
                self.fail(
                    self.doc.at((*loc, name)), f"the value of '{name}' must be text or a number"
                )
                continue
            out[name] = v
        return out

    def workout_path(self, value: Any, loc: Loc) -> Path | None:
        where = self.doc.at(loc)
        if not isinstance(value, str) or not value.strip():
            self.fail(where, "a session names a workout file, such as 'easy-base-run.yaml'")
            return None
        if any(ord(c) < 32 or ord(c) == 127 for c in value):
            self.fail(where, "a workout path cannot hold control characters")
            return None
        target = self.path.parent / value.strip()
        if not target.is_file():
            self.fail(where, f"no workout file '{value}' (looked for {_display(target)})")
            return None
        if target.resolve() == self.path.resolve():
            self.fail(where, "a plan cannot name itself as a session's workout")
            return None
        # A workout that cannot be read is still named: compiling it reports its errors.
        if _is_plan_data(self.data_of(target)):
            self.fail(where, f"'{value}' is a plan, not a workout; a plan's days name workouts")
            return None
        return target

    def sessions_of_day(
        self, value: Any, loc: Loc
    ) -> list[tuple[Path, dict[str, Any], Position, dict[str, Position]]]:
        items = value if isinstance(value, list) else [value]
        out = []
        for i, item in enumerate(items):
            here: Loc = (*loc, i) if isinstance(value, list) else loc
            if isinstance(item, dict):
                self.unknown_keys(item, here, SESSION_KEYS)
                if "workout" not in item:
                    self.fail(self.doc.at(here), "missing required key 'workout'")
                    continue
                path = self.workout_path(item["workout"], (*here, "workout"))
                sets = self.scalar_vars(item.get("set"), (*here, "set"), "set")
                set_sources = {k: self.doc.key_at((*here, "set", k)) for k in sets}
            else:
                path = self.workout_path(item, here)
                sets, set_sources = {}, {}
            if path is not None:
                out.append((path, sets, self.doc.at(here), set_sources))
        return out

    def progress(self, value: Any, loc: Loc) -> dict[str, tuple[float, Position]]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(self.doc.at(loc), "'progress' must be a mapping such as {distance: 10%}")
            return {}
        out = {}
        for name, v in value.items():
            where = self.doc.at((*loc, name))
            m = _PERCENT.fullmatch(v.strip()) if isinstance(v, str) else None
            if m is None:
                self.fail(
                    where, f"write progress as a percentage per week, such as '10%', not '{v}'"
                )
                continue
            pct = float(m.group(1))
            if not -MAX_PROGRESS < pct <= MAX_PROGRESS:
                self.fail(
                    where,
                    f"'{v}': progress is a change per week, more than -100 % and at most "
                    f"{MAX_PROGRESS:.0f} %",
                )
                continue
            out[name] = (pct, self.doc.key_at((*loc, name)))
        return out

    def weeks(self, start: dt.date, value: Any) -> tuple[list[_Entry], list[Position]]:
        entries: list[_Entry] = []
        sources: list[Position] = []
        if not isinstance(value, list) or not value:
            self.fail(self.doc.at(("weeks",)), "'weeks' must be a list of weeks, each with 'days:'")
            return entries, sources
        week = 0
        for i, raw in enumerate(value):
            loc: Loc = ("weeks", i)
            where = self.doc.at(loc)
            if not isinstance(raw, dict):
                self.fail(where, "a week is a mapping with 'days:' (and 'repeat:', 'progress:')")
                continue
            self.unknown_keys(raw, loc, WEEK_KEYS)
            repeat = raw.get("repeat", 1)
            if isinstance(repeat, bool) or not isinstance(repeat, int) or repeat < 1:
                self.fail(self.doc.at((*loc, "repeat")), "'repeat' must be a whole number >= 1")
                repeat = 1
            if week + repeat > MAX_WEEKS:
                self.fail(self.doc.at((*loc, "repeat")), f"a plan holds at most {MAX_WEEKS} weeks")
                return entries, sources
            progress = self.progress(raw.get("progress"), (*loc, "progress"))
            days = raw.get("days")
            if days is not None and not isinstance(days, dict):
                self.fail(
                    self.doc.at((*loc, "days")), "'days' maps weekdays (mon ... sun) to workouts"
                )
                days = None
            block: list[tuple[int, list[Any]]] = []
            seen: dict[int, str] = {}
            for day, item in (days or {}).items():
                key_where = self.doc.key_at((*loc, "days", day))
                number = WEEKDAYS.get(day.lower())
                if number is None:
                    from .validate import suggest

                    hint = suggest(day.lower(), WEEKDAYS) or " (mon ... sun, or monday ... sunday)"
                    self.fail(key_where, f"'{day}' is not a day of the week{hint}")
                    continue
                if number in seen:
                    self.fail(key_where, f"'{day}' is the same day as '{seen[number]}'")
                    continue
                seen[number] = day
                block.append((number, self.sessions_of_day(item, (*loc, "days", day))))
            per_week = sum(len(sessions) for _, sessions in block)
            if len(entries) + per_week * repeat > MAX_SESSIONS:
                self.fail(where, f"a plan holds at most {MAX_SESSIONS:,} sessions")
                return entries, sources
            block_entries = []
            for k in range(repeat):
                week += 1
                sources.append(where)
                first = start + dt.timedelta(days=7 * (week - 1))
                for number, sessions in sorted(block, key=lambda b: (b[0] - start.weekday()) % 7):
                    date = first + dt.timedelta(days=(number - start.weekday()) % 7)
                    for path, sets, pos, set_sources in sessions:
                        progress_k = {n: (p, k, w) for n, (p, w) in progress.items()}
                        entry = _Entry(week, date, path, sets, pos, set_sources, progress_k)
                        block_entries.append(entry)
            for name, (_pct, where_p) in progress.items():
                if not any(name in (self.vars_of(e.workout) or {}) for e in block_entries):
                    self.fail(
                        where_p,
                        f"progress on '{name}', but no session of these weeks defines a "
                        f"variable '{name}'",
                    )
            entries.extend(block_entries)
        return entries, sources


def expand_plan(
    path: Path, *, overrides: Mapping[str, str] | None = None, lenient: bool = False
) -> Plan:
    """A plan file as dated sessions, each with the vars to compile its workout with.

    Vars, lowest first: the workout's own `vars`, the plan's `vars`, the day's `set`,
    `progress`, then `overrides` (`--set`). Raises WorkoutError with positions in the plan.
    An override no workout of the plan defines is an error, unless `lenient` (one of several
    inputs: another may define it; see `pipeline.several_inputs`).
    """
    shown = _display(path)
    doc = read_file(path, shown)
    ex = _Expander(path, doc)
    data = doc.data
    if not _is_plan_data(data):
        raise WorkoutError([error(doc.at(()), "not a plan: a plan has 'weeks:' and no 'steps:'")])
    ex.unknown_keys(data, (), PLAN_KEYS)
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not name.strip():
        ex.fail(doc.at(("name",)), "'name' must be text")
        name = path.stem
    description = data.get("description")
    if description is not None and not isinstance(description, str):
        ex.fail(doc.at(("description",)), "'description' must be text")
        description = None
    start = ex.start(data)
    plan_vars = ex.scalar_vars(data.get("vars"), ("vars",), "vars")
    entries, week_sources = ex.weeks(start or dt.date(2000, 1, 3), data.get("weeks"))
    overrides = dict(overrides or {})

    def defined(name: str) -> bool:
        return any(name in (ex.vars_of(e.workout) or {}) for e in entries)

    for var in plan_vars:
        if entries and not defined(var):
            ex.fail(doc.key_at(("vars", var)), f"no workout of this plan defines '{var}'")
    for var in overrides:
        if not defined(var) and not lenient:
            ex.fail(Position(shown), f"--set {var}=...: no workout of this plan defines '{var}'")

    sessions: list[Session] = []
    used: set[str] = set()
    for e in sorted(entries, key=lambda e: e.date):  # stable: a day's sessions keep their order
        read = ex.vars_of(e.workout)
        # A workout that cannot be read keeps the day's vars as written: compiling it
        # reports what is wrong with the workout itself.
        own = read if read is not None else dict(e.sets)
        from .validate import suggest

        for var, where in e.set_sources.items():
            if var not in own:
                ex.fail(
                    where,
                    f"{_display(e.workout)} defines no variable '{var}'" + suggest(var, own),
                )
        values: dict[str, Any] = dict(own)
        chosen: dict[str, Any] = {}
        for layer in (plan_vars, e.sets):
            for var, value in layer.items():
                if var in own:
                    values[var] = chosen[var] = value
        for var, (pct, k, where) in e.progress.items():
            if var in own and k:
                try:
                    values[var] = chosen[var] = scale(values[var], (1 + pct / 100) ** k)
                except ValueError as exc:
                    ex.fail(where, str(exc))
        for var, value in overrides.items():
            if var in own:
                chosen[var] = value
        base = stem = f"{e.date.isoformat()}-{e.workout.stem}"
        n = 1
        while stem in used:  # the same workout twice in a day, or two of one name
            n += 1
            stem = f"{base}-{n}"
        used.add(stem)
        sessions.append(
            Session(
                date=e.date,
                week=e.week,
                workout=e.workout,
                vars={k: _text(v) for k, v in chosen.items()},
                name=stem,
                source=e.source,
            )
        )
    if ex.errors or start is None:
        # One bad `progress` fails in every week it reaches: say it once.
        raise WorkoutError(dict.fromkeys(ex.errors))
    return Plan(
        path=path,
        name=name.strip(),
        description=description,
        start=start,
        weeks=len(week_sources),
        sessions=tuple(sessions),
        week_sources=tuple(week_sources),
        applied=frozenset(var for var in overrides if defined(var)),
    )


def _text(value: Any) -> str:
    from .variables import _text as text

    return text(value)


#: Largest amount `progress` may grow a var to: past it, the plan is surely a typo.
MAX_AMOUNT = 1e6


def _number(x: float) -> str:
    """A scaled number as a runner would write it: at most two decimals, no exponent."""
    if not abs(x) < MAX_AMOUNT:
        raise ValueError(f"progress grows this value past {MAX_AMOUNT:,.0f}")
    return f"{round(x, 2):.2f}".rstrip("0").rstrip(".")


def _round_half_up(x: float) -> int:
    if not abs(x) < MAX_AMOUNT:
        raise ValueError(f"progress grows this value past {MAX_AMOUNT:,.0f}")
    return math.floor(x + 0.5)


def scale(value: Any, factor: float) -> Any:
    """`value` times `factor`, keeping its unit: '4mi' -> '4.4mi'; a count rounds to whole.

    Raises ValueError (with a message for the runner) for values that are not amounts.
    """
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not an amount that can grow")
    if isinstance(value, int | float):
        return int(_number(_round_half_up(value * factor)))
    text = str(value).strip()
    clock = _CLOCK.fullmatch(text)
    if clock is not None:
        parts = [int(p) for p in clock.groups() if p is not None]
        seconds = sum(p * 60**i for i, p in enumerate(reversed(parts)))
        total = int(_number(_round_half_up(seconds * factor)))
        hh, rest = divmod(total, 3600)
        mm, ss = divmod(rest, 60)
        return f"{hh}:{mm:02d}:{ss:02d}" if hh or clock.group(3) else f"{mm}:{ss:02d}"
    amount = _SCALABLE.fullmatch(text)
    if amount is None:
        raise ValueError(
            f"cannot grow '{text}': progress needs an amount such as '4mi', '40min' or a count"
        )
    low, dash, high, unit = amount.groups()
    if unit is None:  # a count, or a range of counts
        out = _number(_round_half_up(float(low) * factor))
        if high is not None:
            out += f"{dash}{_number(_round_half_up(float(high) * factor))}"
        return int(out) if high is None else out
    out = _number(float(low) * factor)
    if high is not None:
        out += f"{dash}{_number(float(high) * factor)}"
    return out + unit


# --- building -------------------------------------------------------------------------------


@dataclass
class CompiledSession:
    session: Session
    workout: steps.Workout
    outputs: dict[str, bytes]  # format -> bytes


@dataclass
class PlanBuild:
    """A plan built: its sessions compiled, and every file to write under the output folder.

    `files` names are relative to the output folder: `<plan stem>/<file>`.
    """

    plan: Plan
    sessions: list[CompiledSession]
    files: list[tuple[str, bytes]]
    diagnostics: list[Diagnostic]
    schedule: bytes | None = None  # the FIT schedule file, when FIT is among the formats


def _stamp(path: Path) -> float:
    """SOURCE_DATE_EPOCH when set, else the plan file's modification time (reproducible)."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value.isdigit():
        return float(value)
    return path.stat().st_mtime


def build_plan(
    path: Path,
    fmts: Sequence[str] = ("fit",),
    *,
    profiles: ProfileCache | None = None,
    overrides: Mapping[str, str] | None = None,
    pick: Pick = "low",
    lossy: bool = False,
    since: dt.date | None = None,
    until: dt.date | None = None,
    lenient: bool = False,
) -> PlanBuild:
    """Expand a plan, compile and emit every session, add the schedule and the calendar.

    A session compiles exactly as `build WORKOUT --set NAME=VALUE ...` would. Any error in any
    session fails the whole plan (a schedule must not point at a missing workout): raises
    WorkoutError with every problem found. With `since` and `until`, only the sessions from
    `since` to `until` (both included) are built, and the schedule and calendar hold only
    those (what `send` puts on a watch). `lenient`: see `expand_plan`; the overrides the plan
    takes are `plan.applied`.
    """
    from .pipeline import ProfileCache, emit, emit_options, load_workout

    plan = expand_plan(path, overrides=overrides, lenient=lenient)
    if since is not None or until is not None:
        window = tuple(
            s
            for s in plan.sessions
            if (since is None or s.date >= since) and (until is None or s.date <= until)
        )
        plan = dataclasses.replace(plan, sessions=window)
    cache = profiles if profiles is not None else ProfileCache()
    diagnostics: list[Diagnostic] = []
    failed: list[Diagnostic] = []
    compiled: list[CompiledSession] = []
    # Plans repeat sessions week after week: compile each workout-with-vars once.
    done: dict[tuple[Path, tuple[tuple[str, str], ...]], CompiledSession] = {}
    for session in plan.sessions:
        key = (session.workout.resolve(), tuple(sorted(session.vars.items())))
        same = done.get(key)
        if same is not None:
            compiled.append(dataclasses.replace(same, session=session))
            continue
        try:
            workout = load_workout(
                session.workout,
                profiles=cache,
                overrides=session.vars,
                pick=pick,
            )
            options = emit_options(session.workout, profiles=cache)
            outputs = {}
            for fmt in fmts:
                result = emit(workout, fmt, lossy=lossy, options=options)
                diagnostics.extend(result.diagnostics)
                outputs[fmt] = result.data
        except WorkoutError as exc:
            failed.extend(exc.diagnostics)
            if session.vars:
                sets = ", ".join(f"{k}={v}" for k, v in session.vars.items())
                failed.append(error(session.source, f"this session ({sets}) does not build"))
            continue
        compiled.append(CompiledSession(session, workout, outputs))
        done[key] = compiled[-1]
    if failed:
        raise WorkoutError([*diagnostics, *failed])

    folder = plan.stem
    files: list[tuple[str, bytes]] = []
    for c in compiled:
        for fmt, data in c.outputs.items():
            files.append((f"{folder}/{c.session.name}.{fmt}", data))
    stamp = _stamp(path)
    schedule: bytes | None = None
    if "fit" in fmts and compiled:
        from .formats.fit.schedule import fit_time, schedule_fit

        entries = [(c.outputs["fit"], c.session.date) for c in compiled]
        schedule = schedule_fit(entries, time_created=fit_time(stamp))
        files.append((f"{folder}/{plan.stem}-schedule.fit", schedule))
    files.append((f"{folder}/{plan.stem}.ics", calendar(plan, compiled, stamp)))
    return PlanBuild(plan, compiled, files, diagnostics, schedule)


def plan_files(
    path: Path, fmts: Sequence[str] = ("fit",), **options: Any
) -> list[tuple[str, bytes]]:
    """Every file a plan builds to, as (name relative to the output folder, bytes)."""
    return build_plan(path, fmts, **options).files


def calendar(
    plan: Plan,
    sessions: Sequence[CompiledSession],
    stamp: float,
    *,
    profiles: ProfileCache | None = None,
) -> bytes:
    """The plan's iCalendar file (see `ics.calendar`; `profiles`: the build's, for UIDs)."""
    from .ics import calendar as write_calendar

    return write_calendar(plan, sessions, stamp, profiles=profiles)


# --- looking at a plan ----------------------------------------------------------------------


@dataclass
class WeekTotal:
    week: int
    sessions: list[CompiledSession]
    seconds: float = 0.0
    metres: float = 0.0
    partial: bool = False  # some running step has no distance estimate


def _counts(c: CompiledSession) -> bool:
    """Whether a session counts towards the week's training volume (strength does not)."""
    return c.workout.sport is not steps.Sport.STRENGTH


def week_totals(build: PlanBuild) -> list[WeekTotal]:
    """Each week's sessions and its estimated time and distance (as `show` estimates them)."""
    from .show import totals

    weeks = [WeekTotal(n, []) for n in range(1, build.plan.weeks + 1)]
    for c in build.sessions:
        week = weeks[c.session.week - 1]
        week.sessions.append(c)
        if not _counts(c):
            continue
        t = totals(c.workout.steps)
        week.seconds += t.seconds
        week.metres += t.metres
        week.partial = week.partial or bool(t.unknown_distance)
    return weeks


def volume_warnings(build: PlanBuild) -> list[Diagnostic]:
    """The guide's 10 % rule: a week more than 10 % above the largest week before it.

    Weeks compare by distance when every running session has an estimate, else by time.
    Coming back to an earlier level after a recovery week is no build, so no warning.
    """
    weeks = week_totals(build)
    by_distance = not any(w.partial for w in weeks)
    out = []
    largest = 0.0
    largest_week = 0
    for w in weeks:
        value = w.metres if by_distance else w.seconds
        if largest and value > largest * (1 + RULE_PERCENT / 100) + 1e-9:
            rise = (value / largest - 1) * 100
            out.append(
                warning(
                    build.plan.week_sources[w.week - 1],
                    f"week {w.week}: {_amount(value, by_distance)} is {rise:.0f} % more than "
                    f"week {largest_week} ({_amount(largest, by_distance)}); the 10 % rule: "
                    "build by no more than about 10 % a week",
                )
            )
        if value > largest:
            largest, largest_week = value, w.week
    return out


def _amount(value: float, distance: bool) -> str:
    from .units import format_distance, format_seconds

    return format_distance(value) if distance else format_seconds(value)


def render_plan(build: PlanBuild) -> str:
    """The calendar week by week: sessions with time and distance, totals, change."""
    from .show import totals
    from .units import format_distance, format_seconds

    plan = build.plan
    lines = [plan.name, f"  {plan.weeks} weeks from {plan.start:%a %Y-%m-%d}"]
    if plan.description:
        lines.append(f"  {plan.description}")
    previous: WeekTotal | None = None
    for w in week_totals(build):
        first = plan.start + dt.timedelta(days=7 * (w.week - 1))
        lines += ["", f"week {w.week}  {first:%a %d %b} - {first + dt.timedelta(days=6):%a %d %b}"]
        if not w.sessions:
            lines.append("  rest week")
        for c in w.sessions:
            t = totals(c.workout.steps)
            dist = format_distance(t.metres) if t.metres else "-"
            if t.metres and t.unknown_distance:
                dist = f">={dist}"
            sets = " ".join(f"{k}={v}" for k, v in c.session.vars.items())
            lines.append(
                f"  {c.session.date:%a %d %b}  {c.workout.name:<30} {format_seconds(t.seconds):>8}"
                f"  {dist:>9}  {sets}".rstrip()
            )
        total = f"  running {format_seconds(w.seconds)}, {format_distance(w.metres)}"
        if w.partial:
            total += " (at least)"
        if previous is not None:
            total += f"; {_change(previous, w)}"
        lines.append(total)
        previous = w
    return "\n".join(lines) + "\n"


def _change(before: WeekTotal, now: WeekTotal) -> str:
    def pct(a: float, b: float) -> str:
        return f"{(b / a - 1) * 100:+.0f} %" if a else "new"

    return f"{pct(before.metres, now.metres)} distance, {pct(before.seconds, now.seconds)} time"
