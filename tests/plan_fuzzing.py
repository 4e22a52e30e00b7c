"""Inputs for fuzzing plans, aware of their structure, and the target that runs them.

`plan_text(rng)` writes one plan: its `start` (good dates, other weekdays, the edges of the
years a plan holds, impossible dates, times, other types), `name` and `description` (empty,
long, holding line breaks, terminal escapes, bidirectional controls), `vars` and `set:` values
(durations, ranges, counts, junk, hostile text, huge numbers), weeks with `repeat` and
`progress`, day names, and sessions naming workouts by every kind of path: good ones, missing
ones, `..` and absolute paths out of the library, a symlink out of it, a folder, the plan
itself, another plan, a file that is not a workout (binary, text holding a secret), control
characters. Mostly written as JSON (YAML's flow style, every value at its line), sometimes as
block YAML with anchors, sometimes cut or with a byte flipped.

`check_plan(text, library)` builds the plan as `build` does (FIT and TCX, with its calendar),
renders it as `show` does, and checks the invariants: no exception but WorkoutError, no
internal error, every diagnostic at the plan or at a file inside the library, never the
secret's text in anything said or made, and for a plan that builds: one schedule entry and
one decodable FIT per session, every session's workout inside the library, a calendar, and a
rendering free of raw control and bidirectional characters. Used by tests/test_plan_fuzz.py
and benchmarks/plan_campaign.py.
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path
from typing import Any

from workoutexport.diagnostics import WorkoutError
from workoutexport.plans import plan_as_text
from workoutexport.run import build_plan
from workoutexport.verify import decode_fit

SECRET = "token-9f3b2c-do-not-print"

WORKOUTS = {
    "easy.yaml": "name: Easy\nvars:\n  minutes: 40min\nsteps:\n  - run: ${minutes}\n",
    "reps.yaml": (
        "name: Reps\nvars:\n  reps: 6\n  gap: 60-90s\n  note: go\nsteps:\n"
        "  - repeat: ${reps}\n    steps:\n      - run: 400m\n        note: ${note}\n"
        "      - recover: ${gap}\n"
    ),
    "long.yaml": "name: Long\nvars:\n  distance: 10km\nsteps:\n  - run: ${distance}\n",
    "broken.yaml": "name: Broken\nsteps:\n  - run: 400\n",
    "other-plan.yaml": "start: 2027-01-04\nweeks:\n  - days: {}\n",
    "sub/inner.yaml": "name: Inner\nsteps:\n  - run: 1km\n",
    "sub/../../escape.yaml": "",  # not written: a path that leaves
}

# Written out from the Unicode tables: C0 but the line break, DEL, C1, separators, bidi.
UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff]"
)

HOSTILE = [
    "\x1b]0;PWNED\x07",
    "Easy run\rFAKE LINE",
    "a\nb",
    "\u202eevil",
    "x\u2028y",
    "\x9b31m",
    "\t",
    "\x00",
    "${minutes}",
    "$${x}",
    "\ud800",
    "\x85",
    "é" * 300,
    "",
    " ",
]


class Broken(AssertionError):
    """An invariant that did not hold (not a crash of the code under test)."""


# Failures another change is fixing, counted apart rather than as new failures (none now:
# the calendar's line-feed failure was fixed by ics.ics_text).
PENDING: tuple[str, ...] = ()


def pending(exc: BaseException) -> bool:
    return isinstance(exc, Broken) and any(p in str(exc) for p in PENDING)


def make_library(root: Path) -> Path:
    """The workouts, a secret outside, a symlink to it, a binary and a text file, a folder."""
    lib = root / "lib"
    (lib / "sub").mkdir(parents=True, exist_ok=True)
    (root / "outside").mkdir(exist_ok=True)
    (root / "outside" / "secret.yaml").write_text(f"{SECRET}: {SECRET}\n")
    (root / "outside" / "secret.txt").write_text(f"password={SECRET}\n")
    for name, text in WORKOUTS.items():
        if ".." not in name:
            (lib / name).write_text(text)
    (lib / "binary.yaml").write_bytes(b"\x00\x01\xff" + SECRET.encode())
    (lib / "notes.yaml").write_text(f"just text {SECRET}\n")
    (lib / "list.yaml").write_text(f"- {SECRET}\n")
    (lib / "folder.yaml").mkdir(exist_ok=True)
    links = (("leak.yaml", "../outside/secret.yaml"), ("in.yaml", "easy.yaml"))
    for link, target in (*links, ("loop.yaml", "loop.yaml"), ("dangling.yaml", "nowhere.yaml")):
        if not (lib / link).is_symlink():
            os.symlink(target, lib / link)
    return lib


class Rng(random.Random):
    """random.Random with the rate `bad` at which a choice goes wrong: a plan with a low
    rate builds often enough to test what it builds; one with a high rate tests refusals."""

    def __init__(self, seed: str) -> None:
        super().__init__(seed)
        self.bad_rate = 0.1
        self.defined: set[str] = set()  # the variables the week being made defines

    def bad(self, weight: float = 1.0) -> bool:
        return self.random() < self.bad_rate * weight


def _text(rng: Rng) -> Any:
    roll = rng.random()
    if roll < 0.5 or not rng.bad(3):
        return rng.choice(["Base", "Plan ✓", "Faster mile", "P"])
    if roll < 0.85:
        return rng.choice(["Base ", ""]) + rng.choice(HOSTILE) + rng.choice(["", " end"])
    return rng.choice([None, 3, 2.5, True, [], {}, ["a"], "x" * rng.choice([254, 255, 5000])])


def _value(rng: Rng, var: str) -> Any:
    good: dict[str, list[Any]] = {
        "minutes": ["30min", "1:05:00", "45 min", "20-30min", "90s"],
        "reps": [1, 4, 12, "6"],
        "gap": ["45s", "1-2min", "lap"],
        "distance": ["4mi", "12km", "800m", "1-2km"],
        "note": ["relax", "breathe 2:2"],
    }
    if var in good and not rng.bad(2):
        return rng.choice(good[var])
    return rng.choice(
        [
            *HOSTILE,
            0,
            -3,
            10**30,
            "1" * 120,
            1e308,
            -0.0,
            None,
            True,
            [],
            {"a": 1},
            "ten",
            "-3min",
            "999999h",
            "4mi",
            "${reps}",
        ]
    )


VARS = ["minutes", "reps", "gap", "distance", "note", "Minutes", "unknown", "", "a b", "\x1b"]
PATHS = [
    "easy.yaml",
    "reps.yaml",
    "long.yaml",
    "sub/inner.yaml",
    "in.yaml",
    "./easy.yaml",
    "sub/../easy.yaml",
]
BAD_PATHS = [
    "broken.yaml",
    "missing.yaml",
    "plan.yaml",
    "other-plan.yaml",
    "../outside/secret.yaml",
    "../outside/secret.txt",
    "sub/../../outside/secret.yaml",
    "leak.yaml",
    "loop.yaml",
    "dangling.yaml",
    "binary.yaml",
    "notes.yaml",
    "list.yaml",
    "folder.yaml",
    "sub",
    ".",
    "..",
    "",
    "/etc/passwd",
    "/",
    "C:\\x.yaml",
    "\\\\server\\share\\x.yaml",
    "file:///etc/passwd",
    "easy.yaml\x00",
    "ea\nsy.yaml",
    "\u202eeasy.yaml",
    "x" * 300 + ".yaml",
    "a/" * 100 + "x.yaml",
    "EASY.YAML",
    "easy.yml",
    "~/easy.yaml",
    "$HOME/easy.yaml",
    "${x}.yaml",
]


# The variables each good path's workout defines.
DEFINES = {
    "easy.yaml": ["minutes"],
    "./easy.yaml": ["minutes"],
    "sub/../easy.yaml": ["minutes"],
    "in.yaml": ["minutes"],
    "reps.yaml": ["reps", "gap", "note"],
    "long.yaml": ["distance"],
    "sub/inner.yaml": [],
}


def _path(rng: Rng) -> Any:
    if not rng.bad(2):
        path = rng.choice(PATHS)
        rng.defined.update(DEFINES[path])
        return path
    if rng.random() < 0.9:
        return rng.choice(BAD_PATHS)
    return rng.choice([None, 1, [], {}, True])


def _set(rng: Rng, defined: list[str] | None = None) -> Any:
    if rng.bad(0.3):
        return rng.choice([None, [], "reps=3", 1])
    names = VARS if defined is None or rng.bad() else defined
    return {v: _value(rng, v) for v in rng.sample(names, min(len(names), rng.choice([0, 1, 2])))}


def _session(rng: Rng) -> Any:
    roll = rng.random()
    if roll < 0.45:
        return _path(rng)
    if roll < 0.9:
        path = _path(rng)
        out: dict[str, Any] = {"workout": path}
        if rng.random() < 0.7:
            out["set"] = _set(rng, DEFINES.get(path) if isinstance(path, str) else None)
        if rng.bad(0.3):
            out[rng.choice(["sets", "note", "time", "workout "])] = 1
        if rng.bad(0.2):
            del out["workout"]
        return out
    if not rng.bad(3):
        return [_path(rng), _path(rng)]
    return rng.choice([[], None, 3, {"set": {}}])


DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "Sunday", "SAT"]
BAD_DAYS = ["tues", "funday", "", "1", "mon ", "lundi", 1, "mo"]


def _week(rng: Rng) -> Any:
    if rng.bad(0.2):
        return rng.choice([None, [], "mon: easy.yaml", 1])
    days: dict[Any, Any] = {}
    rng.defined = set()
    for _ in range(rng.choice([0, 1, 2, 3, 4])):
        day = rng.choice(BAD_DAYS) if rng.bad(0.5) else rng.choice(DAYS[:7])
        session = _session(rng)
        if rng.random() < 0.1 and not isinstance(session, list):
            other = _session(rng)
            session = [session, *([] if isinstance(other, list) else [other])]
        days[day] = session
    week: dict[str, Any] = {"days": days}
    if rng.bad(0.3):
        week["days"] = rng.choice([None, [], "easy.yaml", {"mon": {}}])
    if rng.random() < 0.3:
        week["repeat"] = (
            rng.choice([0, -1, 600, 10**12, "2", 2.5, None, True])
            if rng.bad(0.5)
            else rng.choice([1, 2, 3, 4])
        )
    if rng.random() < 0.3:
        week["progress"] = {
            (
                rng.choice(VARS)
                if rng.bad() or not rng.defined
                else rng.choice(sorted(rng.defined))
            ): (
                rng.choice(["-100%", "10", "x%", "1e9%", "%", 5, None, "10%%", "\u0661\u0660%"])
                if rng.bad(0.5)
                else rng.choice(["10%", "-10%", "5 %", "+8%", "100%", "-50%", "0%", "-99.9%"])
            )
            for _ in range(rng.choice([1, 1, 2]))
        }
    if rng.bad(0.2):
        week[rng.choice(["repeats", "weeks", "name"])] = 1
    return week


START = ["2027-01-04", "2027-01-07", "2026-12-31", "2099-12-31", "1990-01-01", "2028-02-29"]
BAD_START: list[Any] = [
    "2027-02-30",
    "2027-13-01",
    "soon",
    "1985-01-01",
    "2100-01-01",
    "0001-01-01",
    "9999-12-31",
    "2027-01-04T10:00:00",
    "2027-1-4",
    "20270104",
    "",
    None,
    20270104,
    [],
    "2027-01-04 ",
]


def plan_data(rng: Rng) -> dict[str, Any]:
    plan: dict[str, Any] = {
        "start": rng.choice(BAD_START) if rng.bad(0.5) else rng.choice(START),
        "weeks": [_week(rng) for _ in range(0 if rng.bad(0.2) else rng.choice([1, 2, 3, 4, 6]))],
    }
    if rng.random() < 0.7:
        plan["name"] = _text(rng)
    if rng.random() < 0.3:
        plan["description"] = _text(rng)
    if rng.random() < 0.2:
        plan["vars"] = _set(rng, ["minutes", "reps"])
    if rng.bad(0.3):
        plan[rng.choice(["steps", "week", "Name", "sport"])] = rng.choice([[], 1, "x"])
    if rng.bad(0.2):
        del plan[rng.choice(["start", "weeks"])]
    if rng.bad(0.1):
        plan["weeks"] = rng.choice([None, {}, "x", 1])
    return plan


def plan_text(seed: str) -> str:
    """Plan `seed`'s text: the same seed makes the same plan."""
    rng = Rng(seed)
    rng.bad_rate = rng.choice([0.0, 0.02, 0.05, 0.1, 0.3])
    data = plan_data(rng)
    roll = rng.random()
    if roll < 0.85:
        # Raw, a control character is refused by YAML itself; escaped, it reaches the model.
        text = json.dumps(data, indent=1, ensure_ascii=not rng.bad())
    else:
        # Block YAML with an anchor on the first week, reused: aliases are counted too.
        weeks = data.get("weeks")
        first = json.dumps(weeks[0]) if isinstance(weeks, list) and weeks else "{days: {}}"
        text = (
            f"name: {json.dumps(data.get('name', 'Block'))}\n"
            f"start: {json.dumps(data.get('start'))}\n"
            f"weeks:\n  - &w {first}\n" + "".join("  - *w\n" for _ in range(rng.randint(0, 5)))
        )
    if rng.bad(0.3) and text:
        i = rng.randrange(len(text))
        text = (
            text[:i]
            + rng.choice(["", "\x00", "\ufeff", "'", "{", "\x1b", "&a", "*a"])
            + text[i + rng.choice([0, 1]) :]
        )
    return text


def _inside(path: Path, library: Path) -> bool:
    return path.resolve() == library.resolve() or library.resolve() in path.resolve().parents


def check_plan(text: str, library: Path) -> str:
    """Build `text` as library/plan.yaml; raise Broken when an invariant fails, let a crash
    propagate; return "built" or "refused"."""
    path = library / "plan.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        build = build_plan(path, ("fit", "tcx"))
    except WorkoutError as exc:
        if not any(d.severity == "error" for d in exc.diagnostics):
            raise Broken("refused without an error") from None
        for d in exc.diagnostics:
            said = f"{d.position}: {d.text()}"
            if "internal error" in d.message:
                raise Broken(f"internal error: {said}") from None
            if SECRET in d.message or SECRET in d.position.path:
                raise Broken(f"secret quoted: {said}") from None
            if not _inside(Path(d.position.path), library):
                raise Broken(f"diagnostic outside the library: {said}") from None
            if d.position.path == str(path) and d.position.line < 1 and d.position.col < 1:
                pass  # a whole-plan diagnostic (its size, its volume) may have no line
        return "refused"
    files = dict(build.files)
    for name, data in files.items():
        if SECRET.encode() in data:
            raise Broken(f"secret in {name}")
    if build.sessions:
        schedule = decode_fit(files["plan/plan-schedule.fit"], raw=True)
        if len(schedule["schedule_mesgs"]) != len(build.sessions):
            raise Broken("schedule entries != sessions")
    for c in build.sessions:
        decode_fit(files[f"plan/{c.file}.fit"])  # one file per distinct compiled workout
        if not _inside(c.session.workout, library):
            raise Broken(f"session outside the library: {c.session.workout}")
    if not files["plan/plan.ics"].startswith(b"BEGIN:VCALENDAR"):
        raise Broken("no calendar")
    shown = plan_as_text(build)
    bad = UNSAFE.search(shown)
    if bad:
        raise Broken(f"show prints {bad.group()!r} raw")
    if any(line.startswith("FAKE") for line in shown.splitlines()):
        raise Broken("show prints a line the plan wrote")
    return "built"
