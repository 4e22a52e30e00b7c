"""Random plans, mostly valid: each builds (its schedule decoding to one entry a session) or
is refused with diagnostics at path:line:col in the plan or a workout; never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plan_fuzzing import Broken, check_plan, make_library, pending, plan_text
from workoutexport.diagnostics import WorkoutError
from workoutexport.run import build_plan
from workoutexport.verify import decode_fit

WORKOUTS = {
    "easy.yaml": "name: Easy\nvars:\n  minutes: 40min\nsteps:\n  - run: ${minutes}\n",
    "reps.yaml": (
        "name: Reps\nvars:\n  reps: 6\n  gap: 60-90s\nsteps:\n  - repeat: ${reps}\n    steps:\n"
        "      - run: 400m\n      - recover: ${gap}\n"
    ),
    "broken.yaml": "name: Broken\nsteps:\n  - run: 400\n",
    "other-plan.yaml": "start: 2027-01-04\nweeks:\n  - days: {}\n",
}


def mostly(valid: st.SearchStrategy[Any], invalid: st.SearchStrategy[Any]) -> Any:
    """`valid` nine times in ten: most random plans should build, to test what they build."""
    return st.integers(0, 9).flatmap(lambda i: invalid if i == 0 else valid)


names = st.sampled_from(["minutes", "reps", "gap", "distance", "Minutes"])
junk = st.one_of(
    st.sampled_from(["0", "ten", "-3min", "", "4mi"]),
    st.integers(-2, 0),
    st.floats(-1e3, 1e3, allow_nan=False),
    st.booleans(),
    st.none(),
)
easy = st.fixed_dictionaries(
    {"workout": st.just("easy.yaml")},
    optional={"set": st.fixed_dictionaries({"minutes": st.sampled_from(["30min", "1:05:00"])})},
)
reps = st.fixed_dictionaries(
    {"workout": st.just("reps.yaml")},
    optional={
        "set": st.fixed_dictionaries(
            {}, optional={"reps": st.integers(1, 12), "gap": st.sampled_from(["45s", "1-2min"])}
        )
    },
)
bad_session: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from(["broken.yaml", "missing.yaml", "plan.yaml", "other-plan.yaml", "", "."]),
    st.fixed_dictionaries(
        {"workout": st.sampled_from(["easy.yaml", "reps.yaml"])},
        optional={"set": st.dictionaries(names, junk, min_size=1, max_size=2)},
    ),
    st.fixed_dictionaries({"set": st.just({})}),
)
session = mostly(st.one_of(st.sampled_from(["easy.yaml", "reps.yaml"]), easy, reps), bad_session)
day_names = mostly(
    st.sampled_from(["mon", "tue", "Wednesday", "sun", "fri", "SAT"]),
    st.sampled_from(["tues", "funday", "", "1"]),
)
days = st.dictionaries(day_names, st.one_of(session, st.lists(session, max_size=2)), max_size=3)
percent = mostly(
    st.sampled_from(["10%", "-10%", "5 %", "+8%", "100%", "-50%"]),
    st.one_of(st.sampled_from(["-100%", "10", "x%", "101%"]), st.integers(-5, 5)),
)
week = st.fixed_dictionaries(
    {"days": days},
    optional={
        "repeat": mostly(st.integers(1, 3), st.one_of(st.integers(-1, 0), st.just("2"))),
        "progress": st.dictionaries(
            mostly(st.sampled_from(["minutes", "reps"]), names), percent, max_size=2
        ),
    },
)
plans = st.fixed_dictionaries(
    {
        "start": mostly(
            st.sampled_from(["2027-01-04", "2027-01-07", "2099-12-31", "1990-01-01"]),
            st.sampled_from(["2027-02-30", "soon", "1985-01-01"]),
        ),
        "weeks": st.lists(week, min_size=1, max_size=3),
    },
    optional={
        "vars": st.dictionaries(
            mostly(st.sampled_from(["minutes", "gap"]), names),
            mostly(st.sampled_from(["25min", "2min"]), junk),
            max_size=2,
        ),
        "name": st.sampled_from(["P", "Plan ✓", ""]),
    },
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("plans")
    for name, text in WORKOUTS.items():
        (root / name).write_text(text)
    return root


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(plan=plans)
def test_random_plans_build_or_are_refused_with_positions(folder: Path, plan: Any) -> None:
    path = folder / "plan.yaml"
    # JSON is YAML: the flow style gives every value a line and column.
    path.write_text(json.dumps(plan, indent=1, ensure_ascii=False))
    try:
        build = build_plan(path)
    except WorkoutError as exc:
        assert any(d.severity == "error" for d in exc.diagnostics)
        for d in exc.diagnostics:
            assert Path(d.position.path).name in {"plan.yaml", *WORKOUTS}, d
            assert d.position.line >= 1 and d.position.col >= 1, d
        return
    files = dict(build.files)
    if build.sessions:
        schedule = decode_fit(files["plan/plan-schedule.fit"], raw=True)
        assert len(schedule["schedule_mesgs"]) == len(build.sessions)
        # Every entry points at a session file written beside it.
        serials = {
            decode_fit(files[f"plan/{c.file}.fit"], raw=True)["file_id_mesgs"][0]["serial_number"]
            for c in build.sessions
        }
        assert {e["serial_number"] for e in schedule["schedule_mesgs"]} == serials
    assert files["plan/plan.ics"].startswith(b"BEGIN:VCALENDAR")


# --- the structure-aware fuzzer (tests/plan_fuzzing.py), bounded ------------------------------


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_library(tmp_path_factory.mktemp("plan-fuzz"))


@pytest.mark.parametrize("chunk", range(4))
def test_generated_plans_build_or_are_refused_and_never_leave_the_library(
    library: Path, chunk: int
) -> None:
    """150 plans of seed "ci" (benchmarks/plan_campaign.py runs tens of thousands): no
    traceback, no internal error, no diagnostic off the library, no secret quoted."""
    outcomes: dict[str, int] = {}
    for i in range(chunk, 150, 4):
        text = plan_text(f"ci-{i}")
        try:
            outcome = check_plan(text, library)
        except Broken as exc:
            if pending(exc):
                continue
            raise AssertionError(f"plan ci-{i}: {exc}\n{text}") from None
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    # Both kinds are reached: the generator is neither all junk nor all good.
    assert outcomes.get("built", 0) >= 5 and outcomes.get("refused", 0) >= 5, outcomes
