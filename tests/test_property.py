"""Property test: random step trees -> FIT and TCX -> decoded -> the same workout.

The expected messages are worked out here, independently of the emitter, from the FIT
conventions (post-order numbering, repeat step after its block with the total count).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from workoutexport import steps as s
from workoutexport.formats.tcx.emit import NS
from workoutexport.pipeline import emit

from conftest import assert_valid_tcx, decoded

INTENSITIES = {
    s.Intensity.WARMUP: "warmup",
    s.Intensity.ACTIVE: "active",
    s.Intensity.RECOVERY: "recovery",
    s.Intensity.REST: "rest",
    s.Intensity.COOLDOWN: "cooldown",
}

names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=15
).filter(lambda t: t.strip() != "")

durations = st.one_of(
    st.builds(s.Time, seconds=st.integers(1, 86_400_000).map(lambda ms: ms / 1000)),
    st.builds(s.Distance, metres=st.integers(1, 10_000_000).map(lambda cm: cm / 100)),
    st.builds(s.LapButton),
    st.builds(s.HeartRateAbove, bpm=st.integers(30, 220).map(float)),
    st.builds(s.HeartRateBelow, percent_max=st.integers(1, 100).map(float)),
    st.builds(s.Calories, kcal=st.integers(1, 5000).map(float)),
)


@st.composite
def windows(draw: st.DrawFn, lo: float, hi: float) -> tuple[float, float]:
    a = draw(st.floats(lo, hi, allow_nan=False))
    b = draw(st.floats(lo, hi, allow_nan=False))
    return (a, b) if a <= b else (b, a)


# Power apart, because TCX has no power targets.
_targets_but_power: list[st.SearchStrategy[s.Target | None]] = [
    st.none(),
    windows(0.5, 12.0).map(lambda w: s.SpeedTarget(low_mps=w[0], high_mps=w[1], view="pace")),
    st.integers(1, 5).map(lambda z: s.HeartRateZone(zone=z)),
    windows(40, 220).map(lambda w: s.HeartRateRange(low=w[0], high=w[1])),
    windows(30, 100).map(lambda w: s.HeartRateRange(low=w[0], high=w[1], percent_max=True)),
    windows(120, 220).map(lambda w: s.CadenceRange(low=w[0], high=w[1], unit="spm")),
]
targets = st.one_of(
    *_targets_but_power,
    st.integers(1, 7).map(lambda z: s.PowerZone(zone=z)),
    windows(50, 1500).map(lambda w: s.PowerRange(low=w[0], high=w[1])),
)

leaf = st.builds(
    s.Step,
    intensity=st.sampled_from(list(s.Intensity)),
    duration=durations,
    target=targets,
    name=st.none() | names,
)


untils = st.one_of(
    st.builds(s.Time, seconds=st.integers(1, 86_400_000).map(lambda ms: ms / 1000)),
    st.builds(s.Distance, metres=st.integers(1, 10_000_000).map(lambda cm: cm / 100)),
    st.builds(s.Calories, kcal=st.integers(1, 5000).map(float)),
    st.builds(s.HeartRateAbove, bpm=st.integers(30, 220).map(float)),
    st.builds(s.HeartRateBelow, percent_max=st.integers(1, 100).map(float)),
    st.builds(s.PowerAbove, watts=st.integers(1, 2000).map(float)),
    st.builds(s.PowerBelow, watts=st.integers(1, 2000).map(float)),
)
# The FIT repeat step for each condition, and its target_value as Garmin's profile stores it.
UNTIL_FIT: dict[type, tuple[str, Callable[[Any], Any]]] = {
    s.Time: ("repeat_until_time", lambda u: round(u.seconds * 1000)),
    s.Distance: ("repeat_until_distance", lambda u: round(u.metres * 100)),
    s.Calories: ("repeat_until_calories", lambda u: u.kcal),
    s.HeartRateAbove: ("repeat_until_hr_greater_than", lambda u: u.bpm + 100),
    s.HeartRateBelow: ("repeat_until_hr_less_than", lambda u: u.percent_max),
    s.PowerAbove: ("repeat_until_power_greater_than", lambda u: u.watts + 1000),
    s.PowerBelow: ("repeat_until_power_less_than", lambda u: u.watts + 1000),
}


def _repeat(children: st.SearchStrategy[Any]) -> st.SearchStrategy[s.Repeat]:
    return st.builds(
        s.Repeat,
        count=st.integers(2, 120),
        steps=st.lists(children, min_size=1, max_size=4).map(tuple),
        name=st.none() | names,
        until=st.none() | untils,
    ).map(
        lambda r: (
            r if r.until is None else s.Repeat(count=1, steps=r.steps, name=r.name, until=r.until)
        )
    )


nodes = st.recursive(leaf, _repeat, max_leaves=12)
workouts = st.builds(
    s.Workout,
    name=names,
    sport=st.sampled_from([s.Sport.RUNNING, s.Sport.CYCLING, s.Sport.OTHER]),
    steps=st.lists(nodes, min_size=1, max_size=6).map(tuple),
)

# Trees inside TCX's limits (whole seconds, metres and calories up to 65,535, repeats of
# 2..99, no power, at most 20 step ids), so that TCX tests spend their examples on TCX
# rather than on trees it must refuse.
_tcx_leaf = st.builds(
    s.Step,
    intensity=st.sampled_from(list(s.Intensity)),
    duration=st.one_of(
        st.builds(s.Time, seconds=st.integers(1, 65_535).map(float)),
        st.builds(s.Distance, metres=st.integers(1, 65_535).map(float)),
        st.builds(s.LapButton),
        st.builds(s.HeartRateAbove, bpm=st.integers(30, 220).map(float)),
        st.builds(s.HeartRateBelow, percent_max=st.integers(1, 100).map(float)),
        st.builds(s.Calories, kcal=st.integers(1, 65_535).map(float)),
    ),
    target=st.one_of(*_targets_but_power),
    name=st.none() | names,
)
_tcx_nodes = st.recursive(
    _tcx_leaf,
    lambda children: st.builds(
        s.Repeat,
        count=st.integers(2, 99),
        steps=st.lists(children, min_size=1, max_size=3).map(tuple),
    ),
    max_leaves=6,
)
tcx_workouts = st.builds(
    s.Workout,
    name=names,
    sport=st.sampled_from([s.Sport.RUNNING, s.Sport.CYCLING, s.Sport.OTHER]),
    steps=st.lists(_tcx_nodes, min_size=1, max_size=3)
    .map(tuple)
    .filter(lambda nodes: s.count_nodes(nodes) <= 20),
)


def expected_messages(nodes: tuple[s.Node, ...], out: list[tuple[int, s.Node]]) -> None:
    """(first step of the block for a repeat, else -1; node) for each workout_step."""
    for node in nodes:
        if isinstance(node, s.Repeat):
            first = len(out)
            expected_messages(node.steps, out)
            out.append((first, node))
        else:
            out.append((-1, node))


def check_duration(msg: dict[str, Any], d: s.Duration) -> None:
    match d:
        case s.Time(seconds=sec):
            assert msg["duration_type"] == "time"
            assert abs(msg["duration_time"] - sec) < 0.001
        case s.Distance(metres=m):
            assert msg["duration_type"] == "distance"
            assert abs(msg["duration_distance"] - m) < 0.01
        case s.LapButton():
            assert msg["duration_type"] == "open"
        case s.HeartRateAbove(bpm=bpm):
            assert msg["duration_type"] == "hr_greater_than"
            assert bpm is not None
            assert msg["duration_value"] == bpm + 100
        case s.HeartRateBelow(percent_max=pct):
            assert msg["duration_type"] == "hr_less_than"
            assert msg["duration_value"] == pct
        case s.Calories(kcal=kcal):
            assert msg["duration_type"] == "calories"
            assert msg["duration_value"] == kcal


def check_target(msg: dict[str, Any], t: s.Target | None) -> None:
    low, high = msg.get("custom_target_value_low"), msg.get("custom_target_value_high")

    def covers(lo: float, hi: float, scale: float = 1.0, offset: float = 0.0) -> None:
        # stored windows are rounded outwards: never narrower than asked, at most 1 unit wider
        assert low is not None and high is not None
        assert low <= lo * scale + offset + 1e-6 and low > lo * scale + offset - 1
        assert high >= hi * scale + offset - 1e-6 and high < hi * scale + offset + 1

    match t:
        case None:
            assert msg["target_type"] == "open"
        case s.SpeedTarget(low_mps=lo, high_mps=hi):
            assert msg["target_type"] == "speed"
            assert low is not None and high is not None and low <= high
            if lo * 1000 >= 1:
                covers(lo, hi, 1000)
        case s.HeartRateZone(zone=z):
            assert (msg["target_type"], msg["target_value"]) == ("heart_rate", z)
        case s.HeartRateRange(low=lo, high=hi, percent_max=pct):
            assert msg["target_type"] == "heart_rate"
            covers(lo, hi, 1, 0 if pct else 100)
        case s.CadenceRange(low=lo, high=hi):
            assert msg["target_type"] == "cadence"
            covers(lo / 2, hi / 2)
        case s.PowerZone(zone=z):
            assert (msg["target_type"], msg["target_value"]) == ("power", z)
        case s.PowerRange(low=lo, high=hi):
            assert msg["target_type"] == "power"
            covers(lo, hi, 1, 1000)


@settings(deadline=None, suppress_health_check=list(HealthCheck))
@given(workouts)
def test_random_trees_round_trip_through_garmins_decoder(workout: s.Workout) -> None:
    msgs = decoded(emit(workout, "fit").data)
    want: list[tuple[int, s.Node]] = []
    expected_messages(workout.steps, want)
    got = msgs["workout_step_mesgs"]
    assert len(got) == len(want) == msgs["workout_mesgs"][0]["num_valid_steps"]
    assert msgs["workout_mesgs"][0]["wkt_name"] == workout.name
    for index, (msg, (first, node)) in enumerate(zip(got, want, strict=True)):
        assert msg["message_index"] == index
        if isinstance(node, s.Repeat):
            assert msg["duration_value"] == first
            assert msg.get("wkt_step_name") == node.name
            # A repeat until heart rate or power is typed and active, as in the FIT SDK's
            # example WorkoutRepeatGreaterThanStep.fit; other repeats have neither field.
            typed: dict[type, str] = {
                s.HeartRateAbove: "heart_rate",
                s.HeartRateBelow: "heart_rate",
            }
            typed |= {s.PowerAbove: "power", s.PowerBelow: "power"}
            if type(node.until) in typed:
                assert msg["target_type"] == typed[type(node.until)]
                assert msg["intensity"] == "active"
            else:
                assert "intensity" not in msg and "target_type" not in msg
            if node.until is None:
                assert msg["duration_type"] == "repeat_until_steps_cmplt"
                assert msg["target_value"] == node.count
            else:
                kind, value = UNTIL_FIT[type(node.until)]
                assert msg["duration_type"] == kind
                assert msg["target_value"] == value(node.until)
            continue
        assert isinstance(node, s.Step)  # the strategy makes timed steps only
        assert msg["intensity"] == INTENSITIES[node.intensity]
        assert msg.get("wkt_step_name") == node.name
        check_duration(msg, node.duration)
        check_target(msg, node.target)


def _tcx_ok(workout: s.Workout) -> bool:
    def fits(nodes: tuple[s.Node, ...]) -> bool:
        for n in nodes:
            if isinstance(n, s.Repeat):
                if n.until is not None or n.count > 99 or not fits(n.steps):
                    return False
            else:
                assert isinstance(n, s.Step)  # the strategy makes timed steps only
                if isinstance(n.target, s.PowerZone | s.PowerRange):
                    return False
                d = n.duration
                if isinstance(d, s.Time | s.Distance | s.Calories):
                    value = (
                        d.seconds
                        if isinstance(d, s.Time)
                        else (d.metres if isinstance(d, s.Distance) else d.kcal)
                    )
                    if not 1 <= round(value) <= 65535:
                        return False
        return True

    return s.count_nodes(workout.steps) <= 20 and fits(workout.steps)


@settings(deadline=None, suppress_health_check=list(HealthCheck))
@given(workouts)
def test_random_trees_give_schema_valid_tcx(workout: s.Workout) -> None:
    from workoutexport.diagnostics import WorkoutError

    if not _tcx_ok(workout):
        try:
            emit(workout, "tcx")
        except WorkoutError as exc:
            assert any(d.severity == "error" for d in exc.diagnostics)
            return
        raise AssertionError("TCX accepted a workout beyond its limits")
    data = emit(workout, "tcx").data
    assert_valid_tcx(data)
    root = etree.fromstring(data)
    ids = [int(e.text or "0") for e in root.iter(f"{{{NS}}}StepId")]
    assert sorted(ids) == list(range(1, s.count_nodes(workout.steps) + 1))
