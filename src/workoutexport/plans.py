"""Training plans (plan-format.md): plan YAML -> dated sessions -> workouts, schedule, calendar.

The stages, each usable on its own (``send`` and the catalog call them too):

- :func:`is_plan`: a YAML file with ``weeks:`` and no ``steps:``;
- :func:`expand_plan`: the plan as an :class:`ExpandedPlan` of dated :class:`Session` s, each
  a workout file with the overrides (as ``--set`` would give them) that the plan, the day,
  ``progress`` and the command line set for it;
- :func:`assemble`: the sessions compiled, emitted and verified (by ``run.Run.plan``, the
  one path every input takes), plus the FIT schedule and the ``.ics`` calendar, as
  ``(relative name, bytes)`` in :attr:`PlanBuild.files`;
- :func:`week_totals`, :func:`volume_warnings`, :func:`plan_as_text`: what ``show`` prints and
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
from .diagnostics import Diagnostic, Position, WorkoutError, error, excerpt, printable, warning
from .formats import FORMATS
from .outputs import is_plan_data, read_input
from .plan_model import MAX_WEEKS, WEEKDAY_NUMBERS
from .source import MAX_BYTES, Document, Loc, read_file
from .units import UnitError, clock_seconds

if TYPE_CHECKING:
    from .estimate import SportWeek
    from .pipeline import ProfileCache
    from .plan_model import Plan as PlanModel

#: The guide's rule: build by no more than about 10 % a week.
RULE_PERCENT = 10.0
#: Sessions a plan may expand to: aliases can make a small file name very many.
MAX_SESSIONS = 5000
#: Workout steps (and repeats) a plan may ask for in all, each session counted: a small
#: workout of thousands of steps (aliases) scheduled many times must not make gigabytes.
MAX_PLAN_STEPS = 20_000
#: Bytes one plan may write in all (its session files, schedule and calendar).
MAX_PLAN_BYTES = 10_000_000
#: Longest file stem a session file gets from its vars (else it is numbered).
MAX_STEM = 64

_NUMBER = r"\d+(?:\.\d+)?"
_SCALABLE = re.compile(rf"({_NUMBER})(?:(\s*-\s*)({_NUMBER}))?(\s*[A-Za-z][A-Za-z ]*)?")
#: A time of several parts, as `progress` writes one it cannot write in a single unit
#: ('52min 30s'): the first part's space and unit.
_COMPOUND_TIME = re.compile(
    rf"{_NUMBER}(\s*)(h|hrs?|hours?|min|mins|minutes?)(?:\s*{_NUMBER}\s*(?:min|s))*\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Session:
    """One workout on one day of a plan."""

    date: dt.date
    week: int  # 1-based
    workout: Path
    overrides: Mapping[str, str]  # as `--set NAME=VALUE` would give them to that workout
    name: str  # file stem: YYYY-MM-DD-<workout stem>, unique in the plan
    source: Position  # where the plan names this session
    #: Every var of the workout as this session has it (its defaults included).
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ExpandedPlan:
    """A plan file expanded (by :func:`expand_plan`) into dated sessions."""

    path: Path
    name: str
    description: str | None
    start: dt.date
    weeks: int
    sessions: tuple[Session, ...]
    week_sources: tuple[Position, ...]  # for each week, its entry in the plan
    #: The `--set` names some workout of the plan defines (and so takes).
    applied: frozenset[str] = frozenset()
    #: The plan's `units:` ('km', 'mi'), when it says one.
    units: str | None = None

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
    return is_plan_data(doc.data)


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
    """The checks that need the files a validated plan names, and the dates it gives them."""

    path: Path
    doc: Document
    library: Path
    errors: list[Diagnostic] = field(default_factory=list)
    files: dict[Path, Any] = field(default_factory=dict)

    def fail(self, where: Position, message: str) -> None:
        self.errors.append(error(where, message))

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

    def workout_path(self, value: str, loc: Loc) -> Path | None:
        """The workout file a session names, if it is one inside the plan's library.

        Checked before anything is read, and said without reading it: a path that leads out
        of the library must not reveal what is there, nor even whether it exists.
        """
        where = self.doc.at(loc)
        written = value.strip()
        shown = excerpt(written)
        if Path(written).is_absolute() or written.startswith("~"):
            self.fail(
                where,
                f"'{shown}' is an absolute path; a plan names its workouts relative to its "
                "own folder, inside its library",
            )
            return None
        target = self.path.parent / written
        root = Path(os.path.abspath(self.library))
        if not _inside(Path(os.path.abspath(target)), root):
            self.fail(
                where,
                f"'{shown}' leads out of the plan's library ({_display(root)}); a plan names "
                "workouts inside the folder it was built from",
            )
            return None
        try:
            # A loop of symlinks is RuntimeError before Python 3.13, OSError after.
            resolved = target.resolve()
            found = target.is_file()
        except (OSError, RuntimeError) as exc:  # a name too long for the file system, a loop
            why = exc.strerror if isinstance(exc, OSError) else "a loop of symlinks"
            self.fail(where, f"cannot open workout file '{shown}': {why}")
            return None
        if not _inside(resolved, root.resolve()):
            self.fail(
                where,
                f"'{shown}' is a symlink that leads out of the plan's library "
                f"({_display(root)}); a plan names workouts inside the folder it was built from",
            )
            return None
        if not found:
            self.fail(where, f"no workout file '{shown}' (looked for {_display(target)})")
            return None
        if resolved == self.path.resolve():
            self.fail(where, "a plan cannot name itself as a session's workout")
            return None
        # A workout that cannot be read is still named: compiling it reports its errors.
        if is_plan_data(self.data_of(target)):
            self.fail(where, f"'{shown}' is a plan, not a workout; a plan's days name workouts")
            return None
        return target

    def sessions_of_day(
        self, value: Any, loc: Loc
    ) -> list[tuple[Path, dict[str, Any], Position, dict[str, Position]]]:
        from .plan_model import PlanSession

        items = value if isinstance(value, list) else [value]
        out = []
        for i, item in enumerate(items):
            here: Loc = (*loc, i) if isinstance(value, list) else loc
            if isinstance(item, PlanSession):
                path = self.workout_path(item.workout, (*here, "workout"))
                sets = dict(item.set or {})
                set_sources = {k: self.doc.key_at((*here, "set", k)) for k in sets}
            else:
                path = self.workout_path(item, here)
                sets, set_sources = {}, {}
            if path is not None:
                out.append((path, sets, self.doc.at(here), set_sources))
        return out

    def weeks(self, model: PlanModel) -> tuple[list[_Entry], list[Position]]:
        start = model.start
        entries: list[_Entry] = []
        sources: list[Position] = []
        week = 0
        for i, raw in enumerate(model.weeks):
            loc: Loc = ("weeks", i)
            where = self.doc.at(loc)
            repeat = raw.repeat
            if week + repeat > MAX_WEEKS:
                self.fail(self.doc.at((*loc, "repeat")), f"a plan holds at most {MAX_WEEKS} weeks")
                return entries, sources
            progress = {
                name: (pct, self.doc.key_at((*loc, "progress", name)))
                for name, pct in (raw.progress or {}).items()
            }
            block: list[tuple[int, list[Any]]] = []
            seen: dict[int, str] = {}
            before = len(self.errors)
            for day, item in (raw.days or {}).items():
                key_where = self.doc.key_at((*loc, "days", day))
                number = WEEKDAY_NUMBERS[day.lower()]
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
            refused = len(self.errors) > before
            for name, (_pct, where_p) in progress.items():
                # A block with a workout refused says that, not what follows from it.
                takers = (e for e in block_entries if name in (self.vars_of(e.workout) or {}))
                if not refused and not any(takers):
                    self.fail(
                        where_p,
                        f"progress on '{name}', but no session of these weeks defines a "
                        f"variable '{name}'",
                    )
            entries.extend(block_entries)
        return entries, sources


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def library_of(path: Path, named: Path | None = None) -> Path:
    """The folder a plan's workouts must lie in: the folder named on the command line
    (`named`; the plan's own folder when the plan itself was named), widened to the folder of
    the nearest profile.yaml above the plan when there is one, since a library's profile marks
    its root (it applies to every workout below it). So `build workouts/plans/p.yaml` may name
    `../long-run.yaml` when `workouts/profile.yaml` exists, and never a file outside
    `workouts/`."""
    chosen = Path(os.path.abspath(named if named is not None else path.parent))
    root = library_root(path)
    return root if chosen.is_relative_to(root) else chosen


def library_root(path: Path) -> Path:
    """The library a workout belongs to, for `check`: the folder of the nearest profile.yaml
    at or above its own folder (a library's profile marks its root), else its own folder."""
    from .outputs import PROFILE_NAME

    here = Path(os.path.abspath(path)).parent
    for folder in (here, *here.parents):
        if (folder / PROFILE_NAME).is_file():
            return folder
    return here


def _named_workouts(data: Any) -> list[str]:
    """The workout paths a plan's plain data names (whatever its shape: nothing is checked)."""
    out: list[str] = []
    weeks = data.get("weeks") if isinstance(data, dict) else None
    for week in weeks if isinstance(weeks, list) else []:
        days = week.get("days") if isinstance(week, dict) else None
        for item in days.values() if isinstance(days, dict) else []:
            for one in item if isinstance(item, list) else [item]:
                named = one.get("workout") if isinstance(one, dict) else one
                if isinstance(named, str):
                    out.append(named.strip())
    return out


def plans_using(
    workouts: Sequence[Path], documents: dict[tuple[Path, str], Any] | None = None
) -> list[tuple[Path, Path]]:
    """The plans that a change to `workouts` may break, each with its library: every plan in
    a workout's library (`library_root`, and below) that names that workout, or names a
    workout file that is not there (a workout renamed or moved away). `documents`: a run's
    parse cache (`run.Run.documents`), so that a plan is parsed once in the run."""
    from .outputs import discover, quiet
    from .source import parsed_once

    wanted: dict[Path, set[Path]] = {}
    for workout in workouts:
        wanted.setdefault(library_root(workout), set()).add(workout.resolve())
    found: dict[Path, Path] = {}
    for root, targets in wanted.items():
        for item in discover([root], on_skip=quiet):
            if item.path.resolve() in found:
                continue
            try:
                # Most files are workouts: skip parsing any that cannot hold a `weeks` key.
                if b"weeks" not in read_input(item.path, Position(str(item.path)), MAX_BYTES):
                    continue
                with parsed_once(documents if documents is not None else {}):
                    data = read_file(item.path, _display(item.path)).data
            except WorkoutError:
                continue
            if not is_plan_data(data):
                continue
            for named in _named_workouts(data):
                target = item.path.parent / named
                if not target.exists() or target.resolve() in targets:
                    found[item.path.resolve()] = root
                    break
    return [(Path(plan), root) for plan, root in found.items()]


def expand_plan(
    path: Path,
    *,
    overrides: Mapping[str, str] | None = None,
    only_defined: bool = False,
    library: Path | None = None,
) -> ExpandedPlan:
    """A plan file as dated sessions, each with the vars to compile its workout with.

    Vars, lowest first: the workout's own `vars`, the plan's `vars`, the day's `set`,
    `progress`, then `overrides` (`--set`). Raises WorkoutError with positions in the plan.
    An override no workout of the plan defines is an error, unless `only_defined` (one of several
    inputs: another may define it; see `run.Run.several`).

    Every workout the plan names must lie inside `library` (default: `library_of(path)`):
    absolute paths, `..` out of it and symlinks leading out of it are refused before anything
    there is read.
    """
    from .plan_model import Plan as PlanModel
    from .validate import suggest, validate_model

    shown = _display(path)
    doc = read_file(path, shown)
    data = doc.data
    if not is_plan_data(data):
        raise WorkoutError([error(doc.at(()), "not a plan: a plan has 'weeks:' and no 'steps:'")])
    model = validate_model(PlanModel, doc, "plan")
    ex = _Expander(path, doc, library if library is not None else library_of(path))
    plan_vars = dict(model.vars or {})
    entries, week_sources = ex.weeks(model)
    overrides = dict(overrides or {})

    def defined(name: str) -> bool:
        return any(name in (ex.vars_of(e.workout) or {}) for e in entries)

    for var in plan_vars:
        if entries and not defined(var):
            ex.fail(doc.key_at(("vars", var)), f"no workout of this plan defines '{var}'")
    for var in overrides:
        if not defined(var) and not only_defined:
            ex.fail(Position(shown), f"--set {var}=...: no workout of this plan defines '{var}'")

    sessions: list[Session] = []
    used: set[str] = set()
    for e in sorted(entries, key=lambda e: e.date):  # stable: a day's sessions keep their order
        read = ex.vars_of(e.workout)
        # A workout that cannot be read keeps the day's vars as written: compiling it
        # reports what is wrong with the workout itself.
        own = read if read is not None else dict(e.sets)
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
                values[var] = chosen[var] = value
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
                overrides={k: _var_text(v) for k, v in chosen.items()},
                name=stem,
                source=e.source,
                values={k: _var_text(v) for k, v in values.items()},
            )
        )
    if ex.errors:
        # One bad `progress` fails in every week it reaches: say it once.
        raise WorkoutError(dict.fromkeys(ex.errors))
    return ExpandedPlan(
        path=path,
        name=(model.name or path.stem).strip(),
        description=model.description,
        start=model.start,
        weeks=len(week_sources),
        sessions=tuple(sessions),
        week_sources=tuple(week_sources),
        applied=frozenset(var for var in overrides if defined(var)),
        units=model.units,
    )


def _var_text(value: Any) -> str:
    from .variables import value_as_text

    return value_as_text(value)


#: Largest amount `progress` may grow a var to: past it, the plan is surely a typo.
MAX_GROWN_AMOUNT = 1e6


def _number(x: float) -> str:
    """A scaled number as a runner would write it: at most two decimals, no exponent."""
    if not abs(x) < MAX_GROWN_AMOUNT:
        raise ValueError(f"progress grows this value past {MAX_GROWN_AMOUNT:,.0f}")
    return f"{round(x, 2):.2f}".rstrip("0").rstrip(".")


def _round_half_up(x: float) -> int:
    if not abs(x) < MAX_GROWN_AMOUNT:
        raise ValueError(f"progress grows this value past {MAX_GROWN_AMOUNT:,.0f}")
    # round(.., 6) first: 4.5 that floating point carries as 4.4999999999 is still a half.
    return math.floor(round(x, 6) + 0.5)


#: Grown times of this many seconds or more are rounded to `TIME_STEP` seconds; shorter ones
#: to the whole second (plan-format.md, "How progress rounds").
LONG_TIME = 600
TIME_STEP = 5


def round_time(seconds: float) -> int:
    """A grown time as a coach writes it: to the second below 10 minutes, else to 5 s (half
    up: 94.5 s -> 95 s, 2099.4 s -> 2100 s, 3147.5 s -> 3150 s)."""
    whole = _round_half_up(seconds)
    if whole < LONG_TIME:
        return whole
    return TIME_STEP * _round_half_up(seconds / TIME_STEP)


def _round_distance(amount: float, unit: str) -> str:
    """A grown distance in its unit: to 0.01 km or mile (10 m, 16 m), metres and yards to the
    whole one; half up."""
    from .units import _DIST_UNITS

    if _DIST_UNITS.get(unit.lower(), 1000.0) < 1000.0:  # metres, yards
        return str(_round_half_up(amount))
    return _number(_round_half_up(amount * 100) / 100)


def _time_words(total: int, unit: str, space: str) -> str:
    """`total` seconds in the unit written ('min', 'h', 's'; its spelling kept), with the
    smaller units after it when it is not whole: '63min', '52min 30s', '1h 11min 15s'."""
    from .units import _TIME_UNITS

    size = int(_TIME_UNITS[unit.lower()])
    if total % size == 0:
        return f"{total // size}{space}{unit}"
    parts = []
    rest = total
    for step, word in ((3600, "h"), (60, "min"), (1, "s")):
        if step > size:
            continue
        n, rest = divmod(rest, step)
        if n:
            parts.append(f"{n}{space}{unit}" if step == size else f"{n}{word}")
    return " ".join(parts)


def scale(value: Any, factor: float) -> Any:
    """`value` times `factor`, keeping its unit: '4mi' -> '4.4mi'; a count rounds to whole.

    Rounded as a coach writes (plan-format.md, "How progress rounds"): counts to the whole
    one, times to the second below 10 minutes and to 5 s from there, km and miles to 0.01,
    metres and yards to the whole one; halves up.
    Raises ValueError (with a message for the runner) for values that are not amounts.
    """
    from .units import _TIME_UNITS

    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not an amount that can grow")
    if isinstance(value, int | float):
        return int(_number(_round_half_up(value * factor)))
    text = str(value).strip()
    try:
        seconds = clock_seconds(text)
    except UnitError as exc:
        raise ValueError(f"cannot grow {exc}") from None
    if seconds is not None:
        total = round_time(seconds * factor)
        hh, rest = divmod(total, 3600)
        mm, ss = divmod(rest, 60)
        return f"{hh}:{mm:02d}:{ss:02d}" if hh or text.count(":") == 2 else f"{mm}:{ss:02d}"
    amount = _SCALABLE.fullmatch(text)
    if amount is None:
        compound = _COMPOUND_TIME.fullmatch(text)
        if compound is not None:  # '52min 30s', grown once already
            from .units import TimeSpan, parse_duration

            try:
                spec = parse_duration(text)
            except UnitError as exc:
                raise ValueError(f"cannot grow {exc}") from None
            if isinstance(spec, TimeSpan):
                total = round_time(spec.low * factor)
                return _time_words(total, compound.group(2), compound.group(1))
        raise ValueError(
            f"cannot grow '{text}': progress needs an amount such as '4mi', '40min' or a count"
        )
    low, dash, high, unit = amount.groups()
    if unit is None:  # a count, or a range of counts
        out = _number(_round_half_up(float(low) * factor))
        if high is not None:
            out += f"{dash}{_number(_round_half_up(float(high) * factor))}"
        return int(out) if high is None else out
    word = unit.strip()
    space = unit[: len(unit) - len(unit.lstrip())]
    if word.lower() in _TIME_UNITS:
        size = _TIME_UNITS[word.lower()]
        high_text = _time_words(round_time(float(high or low) * size * factor), word, space)
        if high is None:
            return high_text
        low_total = round_time(float(low) * size * factor)
        low_text = _time_words(low_total, word, space)
        if low_total % size == 0:
            low_text = str(low_total // int(size))  # '11-16min', as it was written
        return f"{low_text}{dash}{high_text}"
    out = _round_distance(float(low) * factor, word)
    if high is not None:
        out += f"{dash}{_round_distance(float(high) * factor, word)}"
    return out + unit


def shown_value(value: str) -> str:
    """A session's value as `show` prints it, for reading: a time from 10 minutes to the whole
    minute, halves up ('48min 35s' -> '49min', '32:25' -> '32:00'), each end of a range on its
    own; anything else as it is. Only the display: the watch gets `value` itself."""
    if "-" in value:
        return "-".join(shown_value(part) for part in value.split("-"))
    text = value.strip()
    clock = re.fullmatch(r"(\d+):(\d{2})", text)
    if clock is not None:
        seconds = int(clock.group(1)) * 60 + int(clock.group(2))
        if seconds < LONG_TIME:
            return value
        return f"{_round_half_up(seconds / 60)}:00"
    compound = _COMPOUND_TIME.fullmatch(text)
    if compound is None:
        return value
    from .units import TimeSpan, UnitError, parse_duration

    try:
        spec = parse_duration(text)
    except UnitError:
        return value
    if not isinstance(spec, TimeSpan) or spec.low < LONG_TIME:
        return value
    minutes = _round_half_up(spec.low / 60)
    hours, rest = divmod(minutes, 60)
    space = compound.group(1)
    if compound.group(2).lower().startswith("h") or hours:
        return f"{hours}{space}h {rest}min" if rest else f"{hours}{space}h"
    return f"{minutes}{space}min"


# --- building -------------------------------------------------------------------------------


@dataclass
class CompiledSession:
    session: Session
    workout: steps.Workout
    outputs: dict[str, bytes]  # format -> bytes
    #: The stem of the session's files in the plan's folder, shared by every session that
    #: compiles to the same bytes (set by `assemble`; see `file_names`).
    file: str = ""


@dataclass
class PlanBuild:
    """A plan built: its sessions compiled, and every file to write under the output folder.

    `files` names are relative to the output folder: `<plan stem>/<file>`.
    """

    plan: ExpandedPlan
    sessions: list[CompiledSession]
    files: list[tuple[str, bytes]]
    diagnostics: list[Diagnostic]
    schedule: bytes | None = None  # the FIT schedule file, when FIT is among the formats

    def session_files(self) -> list[tuple[str, dict[str, bytes]]]:
        """Each distinct session file stem with its bytes by format, in order of first use."""
        out: dict[str, dict[str, bytes]] = {}
        for c in self.sessions:
            out.setdefault(c.file, c.outputs)
        return list(out.items())


def plan_stamp(path: Path) -> float:
    """When a plan's schedule and calendar say they were made: SOURCE_DATE_EPOCH when it is
    usable (the rule workouts follow), else the plan file's modification time."""
    from .formats.common import source_date_epoch

    epoch = source_date_epoch()
    return float(epoch) if epoch is not None else path.stat().st_mtime


def sessions_between(
    plan: ExpandedPlan, since: dt.date | None, until: dt.date | None
) -> ExpandedPlan:
    """`plan` holding only its sessions from `since` to `until` (both included)."""
    if since is None and until is None:
        return plan
    window = tuple(
        s
        for s in plan.sessions
        if (since is None or s.date >= since) and (until is None or s.date <= until)
    )
    return dataclasses.replace(plan, sessions=window)


def assemble(
    plan: ExpandedPlan,
    compiled: Sequence[CompiledSession],
    fmts: Sequence[str],
    diagnostics: Sequence[Diagnostic] = (),
    *,
    profiles: ProfileCache | None = None,
) -> PlanBuild:
    """A plan's files from its compiled sessions: one file per distinct compiled workout and
    format (named by `file_names`), the FIT schedule (when FIT is among `fmts`; one entry
    per session, pointing at that session's file) and the `.ics` calendar (one event per
    session), named `<plan stem>/<file>`. Raises WorkoutError, at the session's line, when a
    session file would take the schedule's name.

    The sessions are compiled, emitted and verified by the run (`run.Run.plan`), as every
    workout is; this only names and adds the plan's own files.
    """
    folder = plan.stem
    names = file_names(plan, compiled)
    compiled = [dataclasses.replace(c, file=names[_content(c)]) for c in compiled]
    said = [*diagnostics, *_missing_files(compiled, fmts)]
    files: list[tuple[str, bytes]] = []
    done: set[str] = set()
    for c in compiled:
        if c.file in done:
            continue
        done.add(c.file)
        for fmt, data in c.outputs.items():
            suffix = FORMATS[fmt].suffix  # intervals.icu text is .txt
            files.append((f"{folder}/{c.file}{suffix}", data))
    stamp = plan_stamp(plan.path)
    schedule: bytes | None = None
    if "fit" in fmts and compiled:
        from .formats.fit.schedule import fit_time, schedule_fit

        entries = [(c.outputs["fit"], c.session.date) for c in compiled if "fit" in c.outputs]
        if entries:
            schedule = schedule_fit(entries, time_created=fit_time(stamp))
            files.append((f"{folder}/{plan.stem}-schedule.fit", schedule))
    files.append((f"{folder}/{plan.stem}.ics", calendar(plan, compiled, stamp, profiles=profiles)))
    return PlanBuild(plan, compiled, files, said, schedule)


def _missing_files(compiled: Sequence[CompiledSession], fmts: Sequence[str]) -> list[Diagnostic]:
    """A warning for each workout whose sessions have no file the watch schedule can point at
    (no FIT in a build with FIT) or no file at all, at its first session: its `formats:`
    (or --lossy) left the formats asked for out. Such a session stays in the calendar."""
    out: list[Diagnostic] = []
    told: set[Path] = set()
    for c in compiled:
        missing = [f for f in fmts if f not in c.outputs]
        if not missing or "fit" in c.outputs or c.session.workout in told:
            continue
        told.add(c.session.workout)
        count = sum(1 for x in compiled if x.session.workout == c.session.workout)
        which = " ".join(f"-f {f}" for f in missing)
        more = f" (and {count - 1} more of this workout)" if count > 1 else ""
        schedule = "; the watch schedule leaves it out" if "fit" in missing else ""
        out.append(
            warning(
                c.session.source,
                f"this session{more} has no file for {which}: its workout is for "
                f"{', '.join(c.outputs) or 'other formats'} only{schedule}; the calendar "
                "still lists it",
            )
        )
    return out


def _content(c: CompiledSession) -> tuple[tuple[str, bytes], ...]:
    """What makes two sessions one file: the same bytes in every format (a session with no
    file at all is its workout's own)."""
    if not c.outputs:
        return (("", os.fsencode(c.session.workout)),)
    return tuple(sorted(c.outputs.items()))


_UNSAFE = re.compile(r"[^A-Za-z0-9._+]+")


def file_names(
    plan: ExpandedPlan, compiled: Sequence[CompiledSession]
) -> dict[tuple[tuple[str, bytes], ...], str]:
    """The file stem of each distinct compiled workout of a plan (plan-format.md, "Session
    files"), by its content.

    Sessions that compile to the same bytes share one file. A workout with one variant in
    the plan is named after its file (`easy-base-run`); with several, each variant adds the
    values of the vars in which the variants differ (`long-run-5mi`, `long-run-6mi`), other
    characters than letters, digits, `.`, `_` and `+` made `_`. If that leaves two variants
    one name, or a name longer than MAX_STEM, the variants are numbered in order of first
    use instead (`easy-1`, `easy-2`). A name that another workout's file already has (in any
    case) gets `-2`, `-3`, ... A session file may not take the schedule's name: that fails
    the plan, at the session's line.
    """
    variants: dict[str, list[CompiledSession]] = {}
    seen: set[tuple[tuple[str, bytes], ...]] = set()
    for c in compiled:
        key = _content(c)
        if key not in seen:
            seen.add(key)
            variants.setdefault(c.session.workout.stem, []).append(c)
    schedule = f"{plan.stem}-schedule".casefold()
    out: dict[tuple[tuple[str, bytes], ...], str] = {}
    used: set[str] = set()
    for stem, group in variants.items():
        if len(group) == 1:
            wanted = [stem]
        else:
            order = list(dict.fromkeys(k for c in group for k in c.session.values))
            differ = [k for k in order if len({c.session.values.get(k) for c in group}) > 1]
            wanted = [
                "-".join([stem, *(_UNSAFE.sub("_", c.session.values.get(k, "")) for k in differ)])
                for c in group
            ]
            unique = len({w.casefold() for w in wanted}) == len(wanted)
            # A var one form lacks (two workout files of one name) says nothing: numbered.
            every = all(k in c.session.values for c in group for k in differ)
            if not (differ and unique and every) or max(map(len, wanted)) > MAX_STEM:
                wanted = [f"{stem}-{n}" for n in range(1, len(group) + 1)]
        for c, name in zip(group, wanted, strict=True):
            final, n = name, 1
            while final.casefold() in used:
                n += 1
                final = f"{name}-{n}"
            if final.casefold() == schedule:
                raise WorkoutError(
                    [
                        error(
                            c.session.source,
                            f"this session's file would be {final}.fit, the name of the "
                            "plan's schedule; rename the workout file or the plan",
                        )
                    ]
                )
            used.add(final.casefold())
            out[_content(c)] = final
    return out


def calendar(
    plan: ExpandedPlan,
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
    """A week's sessions and its estimate (`estimate.week`): running volume in `seconds` and
    `metres` (`partial` when some running step has no distance estimate: the 10 % rule
    compares these), the other sports' time in `other_seconds` and sport by sport in
    `others`."""

    week: int
    sessions: list[CompiledSession]
    seconds: float = 0.0
    metres: float = 0.0
    partial: bool = False
    other_seconds: float = 0.0
    other_estimated: bool = False
    untimed: bool = False
    others: tuple[SportWeek, ...] = ()


def week_totals(build: PlanBuild) -> list[WeekTotal]:
    """Each week's sessions and its estimated time and distance (as `show` estimates them;
    the one definition the site's weeks use too)."""
    from . import estimate

    amounts = [(c.session.week, estimate.session(c.workout)) for c in build.sessions]
    out = []
    for n, week in enumerate(estimate.weeks(amounts, build.plan.weeks), start=1):
        sessions = [c for c in build.sessions if c.session.week == n]
        out.append(
            WeekTotal(
                n,
                sessions,
                week.seconds,
                week.metres,
                week.partial,
                week.other_seconds,
                week.other_estimated,
                week.untimed,
                week.others,
            )
        )
    return out


def volume_warnings(build: PlanBuild) -> list[Diagnostic]:
    """The guide's 10 % rule: a week more than 10 % above the largest week before it.

    Weeks compare by distance when every running session has an estimate, else by time.
    Coming back to an earlier level after a recovery week is no build, so no warning.
    """
    weeks = week_totals(build)
    by_distance = not any(w.partial for w in weeks)
    unit = plan_unit(build)
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
                    f"week {w.week}: {_amount(value, by_distance, unit)} is {rise:.0f} % more "
                    f"than week {largest_week} ({_amount(largest, by_distance, unit)}); the "
                    "10 % rule: "
                    "build by no more than about 10 % a week",
                )
            )
        if value > largest:
            largest, largest_week = value, w.week
    return out


def _amount(value: float, distance: bool, unit: str) -> str:
    """A week's volume as `show` prints it (in the plan's unit)."""
    from .site_text import distance_text, time_text

    return distance_text(value, unit) if distance else time_text(value)


def plan_unit(build: PlanBuild, *chosen: str | None) -> str:
    """The unit `build`'s volumes are shown in: the first of `chosen` given (`--units`),
    then the plan's `units:`, then the unit most of its distances are written in."""
    from .estimate import plan_unit as unit_of

    workouts = [c.workout for c in build.sessions]
    return unit_of(workouts, *chosen[:1], build.plan.units, *chosen[1:])


def plan_as_text(
    build: PlanBuild, units: str | None = None, profile_units: str | None = None
) -> str:
    """The calendar week by week: sessions with time and distance, totals, change.

    Volumes are in `units` when given, else in the plan's unit (`plan_unit`); times and
    distances are shown as a coach writes them (whole minutes from 10 minutes, distances to
    0.1); a time worked out from strength reps is marked '~'.
    """
    from . import estimate
    from .site_text import distance_text, time_text

    plan = build.plan
    unit = plan_unit(build, units, profile_units)
    weeks = f"{plan.weeks} week{'s' if plan.weeks != 1 else ''}"
    lines = [plan.name, f"  {weeks} from {plan.start:%a %Y-%m-%d}"]
    if plan.description:
        lines.append(f"  {plan.description}")
    previous: WeekTotal | None = None
    for w in week_totals(build):
        first = plan.start + dt.timedelta(days=7 * (w.week - 1))
        lines += ["", f"week {w.week}  {first:%a %d %b} - {first + dt.timedelta(days=6):%a %d %b}"]
        if not w.sessions:
            lines.append("  rest week")
        for c in w.sessions:
            t = estimate.totals(c.workout.steps, swim=c.workout.sport is steps.Sport.SWIMMING)
            dist = distance_text(t.metres, unit) if t.metres else "-"
            if t.metres and t.unknown_distance:
                dist = f"≥ {dist}"
            time = ("~" if t.estimated else "") + time_text(t.seconds)
            if t.unknown_time:
                time = f"≥ {time}"
            overrides = " ".join(f"{k}={shown_value(v)}" for k, v in c.session.overrides.items())
            lines.append(
                f"  {c.session.date:%a %d %b}  {c.workout.name:<30} {time:>10}"
                f"  {dist:>9}  {overrides}".rstrip()
            )
        total = "  running " + (
            f"{time_text(w.seconds)}, {distance_text(w.metres, unit)}"
            if w.seconds or w.metres
            else "none"
        )
        if w.partial or w.untimed:
            total += " (at least)"
        for part in other_sports_text(w.others, unit):
            total += f"; {part}"
        if previous is not None:
            total += f"; {_change(previous, w)}"
        lines.append(total)
        previous = w
    # Names, descriptions and `set:` values come from files: each line is printed on one line,
    # with no control or bidirectional character raw.
    return "\n".join(printable(line) for line in lines) + "\n"


def other_sports_text(others: Sequence[SportWeek], unit: str) -> list[str]:
    """Each sport of `others` as `show` and the site print a week's: 'cycling 2 h', 'swimming
    1 h 20 min, 3.4 km', 'strength ~30 min'. A ride's distance is in `unit`; a swim's in km
    (yards in a plan in miles); '~' marks a time worked out from reps, '>=' a distance some
    session adds nothing to."""
    from .site_text import distance_text, time_text

    out = []
    for w in others:
        text = f"{w.sport} {'~' if w.estimated else ''}{time_text(w.seconds)}"
        if w.metres and w.sport != "strength":
            swim_unit = "yd" if unit == "mi" else "km"
            dist = distance_text(w.metres, swim_unit if w.sport == "swimming" else unit)
            text += f", {'>=' if w.partial else ''}{dist}"
        out.append(text)
    return out


def _change(before: WeekTotal, now: WeekTotal) -> str:
    def pct(a: float, b: float) -> str:
        return f"{(b / a - 1) * 100:+.0f} %" if a else "new"

    return f"{pct(before.metres, now.metres)} distance, {pct(before.seconds, now.seconds)} time"
