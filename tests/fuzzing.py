"""The fuzz target over the whole path, and the inputs that drive it.

`check_one(raw)` feeds bytes through read -> validate -> compile -> emit (FIT and TCX) and
enforces the invariants: either a WorkoutError whose diagnostics carry the file name, a
line and column, or output that Garmin's decoder reads without errors and TCX that
validates. Anything else (another exception) is a crash. Used by tests/test_fuzz.py
(bounded, in CI) and benchmarks/fuzz_campaign.py (as many inputs as you like).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from shipped import shipped_workouts
from workoutexport.diagnostics import WorkoutError
from workoutexport.formats.fit.verify import decode_fit
from workoutexport.formats.tcx.verify import validate as validate_tcx
from workoutexport.pipeline import compile_document, emit
from workoutexport.profile import build_profile
from workoutexport.source import parse_bytes, parse_text

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "workouts"
PATH = "fuzz.yaml"
PROFILE = build_profile(
    parse_text((LIBRARY / "profile.yaml").read_text(encoding="utf-8"), "profile.yaml")
)
SEEDS = [p.read_bytes() for p in shipped_workouts(LIBRARY)]


def _check_diagnostics(exc: WorkoutError) -> None:
    assert exc.diagnostics, "a WorkoutError without diagnostics"
    assert any(d.severity == "error" for d in exc.diagnostics)
    for d in exc.diagnostics:
        assert d.position.path == PATH, d
        assert d.position.line >= 1 and d.position.col >= 1, d
        text = d.format()
        assert text.startswith(f"{PATH}:{d.position.line}:{d.position.col}: ")
        assert "\n" not in d.message or d.message.count("\n") < 5


def check_one(raw: bytes) -> str:
    """Run one input; returns 'rejected', 'built' or 'partly' (one format refused)."""
    try:
        workout = compile_document(parse_bytes(raw, PATH), PROFILE)
    except WorkoutError as exc:
        _check_diagnostics(exc)
        return "rejected"
    refused = 0
    for fmt in ("fit", "tcx"):
        try:
            result = emit(workout, fmt)
        except WorkoutError as exc:
            _check_diagnostics(exc)
            refused += 1
            continue
        if fmt == "fit":
            messages = decode_fit(result.data)
            steps = messages["workout_step_mesgs"]
            assert messages["workout_mesgs"][0]["num_valid_steps"] == len(steps)
        else:
            problems = validate_tcx(result.data)
            assert problems == [], problems
    return "built" if refused == 0 else "partly"


# --- inputs ---------------------------------------------------------------------------------

KEYS = [
    "name", "sport", "sub_sport", "short_name", "description", "vars", "steps", "warmup",
    "run", "active", "recover", "rest", "cooldown", "exercise", "repeat", "pace", "speed",
    "hr", "cadence", "power", "secondary", "note", "reps", "time", "weight", "duraton",
    "Name", "warmpu", "<<", "",
]  # fmt: skip
VALUES = [
    "10min", "400m", "1:30", "1:05:00", "60-90s", "10-15min", "lap", "hr < 130bpm",
    "hr > 80%max", "300kcal", "1.5km", "1mi", "200yd", "0s", "-5min", "400", "4:75/km",
    "4:00/km", "6:30-6:40/mi", "threshold", "mile", "110% mile", "95-100% threshold", "easy",
    "nosuchpace", "15km/h", "9mph", "z1", "z5", "z9", "150bpm", "140-150bpm", "300bpm",
    "70-80%max", "95-100%lthr", "180spm", "85-95rpm", "250W", "90-95%ftp", "z3", "squat",
    "lunge/walking_lunge", "sqaut", "hip_raise", "12kg", "20lb", "running", "strength",
    "cycling", "track", "indoor", "6-8", "${reps}", "${nope}", "1h30m", "100000000000000000000h",
    "99999999999", "1e309", "\u00e9\u00e8\u00ea", "x" * 300, "a\tb", "", " ", "~", "null",
]  # fmt: skip
INSERTS = [*VALUES, "\n", ": ", "- ", "&a ", "*a", "!!str ", "!include x", "[", "{", "#"]
scalars = st.one_of(
    st.sampled_from(VALUES),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.text(max_size=40),
)


def _step(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.dictionaries(st.sampled_from(KEYS), scalars, max_size=5),
        st.fixed_dictionaries(
            {"repeat": st.one_of(st.integers(-2, 200), st.sampled_from(["6-8", "${reps}"]))},
            optional={"steps": st.lists(children, max_size=4), "name": scalars},
        ),
        st.lists(children, max_size=3),
    )


steps_tree = st.recursive(
    st.dictionaries(st.sampled_from(KEYS), scalars, min_size=1, max_size=4), _step, max_leaves=20
)

documents = st.fixed_dictionaries(
    {"name": scalars, "steps": st.lists(steps_tree, max_size=6)},
    optional={
        "sport": scalars,
        "vars": st.dictionaries(st.sampled_from(["reps", "recovery", "x"]), scalars, max_size=3),
        "description": scalars,
        "short_name": scalars,
    },
)


def _as_yaml(data: Any) -> bytes:
    # JSON is YAML 1.2: a structured document with every odd value, in flow style.
    return json.dumps(data, ensure_ascii=False, allow_nan=True).encode("utf-8")


@st.composite
def mutated_seed(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "delete", "insert", "dup"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[at] = draw(st.integers(0, 255))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        elif op == "insert":
            data[at:at] = draw(st.sampled_from(INSERTS)).encode()
        else:
            line_start = data.rfind(b"\n", 0, at) + 1
            line_end = data.find(b"\n", at)
            line_end = len(data) if line_end < 0 else line_end
            data[line_end:line_end] = b"\n" + data[line_start:line_end]
    return bytes(data)


# Mostly-valid workouts, so that compile and both emitters see many inputs that build.
def printable(min_size: int = 0, max_size: int = 20) -> st.SearchStrategy[str]:
    chars = st.characters(exclude_categories=("Cc", "Cs"), exclude_characters="\ufeff")
    return st.text(alphabet=chars, min_size=min_size, max_size=max_size)


GOOD_DURATIONS = [v for v in VALUES[:13] if v not in ("0s", "-5min", "400")] + ["2:30", "45s"]
GOOD_TARGETS = {
    "pace": ["4:00/km", "6:30-6:40/mi", "threshold", "mile", "110% mile", "95-100% threshold"],
    "speed": ["15km/h", "9mph", "14-15km/h"],
    "hr": ["z1", "z5", "150bpm", "140-150bpm", "70-80%max", "95-100%lthr"],
    "cadence": ["180spm", "85-95rpm"],
    "power": ["250W", "90-95%ftp", "z3"],
}
good_leaf = st.builds(
    lambda kind, dur, target, name, note: {
        kind: dur,
        **({target[0]: target[1]} if target else {}),
        **({"name": name} if name else {}),
        **({"note": note} if note else {}),
    },
    st.sampled_from(["warmup", "run", "active", "recover", "rest", "cooldown"]),
    st.sampled_from(GOOD_DURATIONS),
    st.none()
    | st.sampled_from(list(GOOD_TARGETS)).flatmap(
        lambda k: st.tuples(st.just(k), st.sampled_from(GOOD_TARGETS[k]))
    ),
    st.none() | printable(min_size=1, max_size=20),
    st.none() | printable(min_size=1, max_size=60),
)
good_tree = st.recursive(
    good_leaf,
    lambda children: st.builds(
        lambda count, steps: {"repeat": count, "steps": steps},
        st.one_of(st.integers(1, 120), st.sampled_from(["6-8", "2-3"])),
        st.lists(children, min_size=1, max_size=4),
    ),
    max_leaves=25,
)
good_documents = st.fixed_dictionaries(
    {
        "name": printable(min_size=1, max_size=40),
        "steps": st.lists(good_tree, min_size=1, max_size=8),
    },
    optional={
        "sport": st.sampled_from(["running", "cycling", "walking", "other"]),
        "sub_sport": st.sampled_from(
            ["track", "treadmill", "trail", "street", "indoor", "generic"]
        ),
        "short_name": printable(min_size=1, max_size=15),
        "description": printable(max_size=300),
    },
)

inputs = st.one_of(
    documents.map(_as_yaml),
    good_documents.map(_as_yaml),
    mutated_seed(),
    st.binary(max_size=200),
)
