"""Intensity profiles: bar times and heights worked out by hand, and how they are drawn."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from workoutexport import steps as s
from workoutexport.chart import Bar, bars, colour, render_svg, render_text
from workoutexport.pipeline import ProfileCache, load_workout
from workoutexport.profile import Profile
from workoutexport.units import AbsolutePace

from test_property import workouts

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"


def pace(sec_per_km: float) -> s.SpeedTarget:
    """An exact pace target (low = high)."""
    mps = 1000 / sec_per_km
    return s.SpeedTarget(low_mps=mps, high_mps=mps, view="pace")


def workout(*nodes: s.Node) -> s.Workout:
    return s.Workout(name="T", sport=s.Sport.RUNNING, steps=nodes)


def km(fast: float, slow: float | None = None) -> AbsolutePace:
    return AbsolutePace(fast=fast, slow=slow or fast, unit="km", single=slow is None)


ACTIVE, REST = s.Intensity.ACTIVE, s.Intensity.REST


def test_ten_by_400_from_the_bundled_library() -> None:
    path = ROOT / "workouts" / "10x400-mile-pace.yaml"
    cache = ProfileCache()
    got = bars(load_workout(path, profiles=cache), cache.for_workout(path))
    # warm-up, 10 x (400 m, recovery), cool-down
    assert len(got) == 1 + 10 * 2 + 1
    warmup, rep, rest = got[0], got[1], got[2]
    # Easy is 5:30-6:00/km: middle speed (1000/330 + 1000/360) / 2 = 2.90404 m/s; threshold
    # 4:20/km is 3.84615 m/s: 0.75505.
    assert (warmup.start, warmup.end) == (0, 900)
    assert warmup.intensity == pytest.approx(0.75505, abs=1e-5)
    # Mile pace 6:00/mi +- 5 s: 5:55-6:05/mi = 4.53336-4.40916 m/s, middle 4.47126 m/s.
    # 400 m take 89.460 s; 4.47126 / 3.84615 = 1.16253.
    assert rep.start == 900
    assert rep.end == pytest.approx(989.460, abs=1e-3)
    assert rep.intensity == pytest.approx(1.16253, abs=1e-5)
    assert rep.estimated and not rep.nominal
    assert rep.basis == "pace"
    assert "(1/10)" in rep.label and "400m" in rep.label
    # --pick low: 60 s recovery, no target: height by kind.
    assert rest.end - rest.start == pytest.approx(60)
    assert (rest.basis, rest.intensity, rest.estimated) == ("kind", 0.5, False)
    assert "(10/10)" in got[20].label
    # 900 + 10 x (89.460 + 60) + 600
    assert got[-1].end == pytest.approx(2994.60, abs=1e-2)
    # Bars follow each other without gaps.
    assert all(a.end == b.start for a, b in itertools.pairwise(got))


def test_pace_relative_to_the_fastest_target_without_a_threshold() -> None:
    got = bars(
        workout(
            s.Step(intensity=ACTIVE, duration=s.Time(seconds=60), target=pace(240)),
            s.Step(intensity=ACTIVE, duration=s.Time(seconds=60), target=pace(300)),
        ),
        Profile(),
    )
    # 4:00/km is the fastest: 1.0; 5:00/km is 240/300 of its speed.
    assert [b.intensity for b in got] == pytest.approx([1.0, 0.8])
    assert [b.basis for b in got] == ["pace", "pace"]


def test_distance_steps_are_timed_from_their_pace_or_the_easy_pace() -> None:
    tree = workout(
        s.Step(intensity=ACTIVE, duration=s.Distance(metres=1000), target=pace(250)),
        s.Step(intensity=REST, duration=s.Distance(metres=1000)),
    )
    with_easy = bars(tree, Profile(paces={"easy": km(300)}))
    # 1 km at 4:10/km = 250 s; then 1 km at the easy 5:00/km = 300 s.
    assert [x for b in with_easy for x in (b.start, b.end)] == pytest.approx([0, 250, 250, 550])
    assert all(b.estimated for b in with_easy)
    # Without an easy pace in the profile: 6:00/km.
    assert bars(tree, Profile())[1].end == pytest.approx(250 + 360)


def test_open_ended_steps_get_a_nominal_width() -> None:
    got = bars(
        workout(
            s.Step(intensity=s.Intensity.RECOVERY, duration=s.LapButton()),
            s.Step(intensity=ACTIVE, duration=s.HeartRateAbove(bpm=160)),
            s.Step(intensity=ACTIVE, duration=s.Time(seconds=30)),
        ),
        Profile(),
    )
    assert [(b.start, b.end) for b in got] == [(0, 60), (60, 120), (120, 150)]
    assert [b.nominal for b in got] == [True, True, False]


@pytest.mark.parametrize(
    ("target", "profile", "expected", "basis"),
    [
        (s.HeartRateZone(zone=3), Profile(), 0.75, "hr"),  # zone 3 = 70-80 %max
        (s.HeartRateRange(low=70, high=80, percent_max=True), Profile(), 0.75, "hr"),
        (s.HeartRateRange(low=140, high=150), Profile(hr_max=200), 0.725, "hr"),
        (s.HeartRateRange(low=140, high=150), Profile(), 0.9, "kind"),  # no max: by kind
        (s.PowerRange(low=266, high=294), Profile(ftp=280), 1.0, "power"),
        (s.PowerRange(low=90, high=100, percent_ftp=True), Profile(), 0.95, "power"),
        (s.PowerZone(zone=4), Profile(), 0.98, "power"),  # 91-105 % FTP
        (s.CadenceRange(low=175, high=185, unit="spm"), Profile(), 0.9, "kind"),
        (None, Profile(), 0.9, "kind"),
    ],
)
def test_heights_from_heart_rate_power_or_kind(
    target: s.Target | None, profile: Profile, expected: float, basis: str
) -> None:
    (bar,) = bars(
        workout(s.Step(intensity=ACTIVE, duration=s.Time(seconds=60), target=target)), profile
    )
    assert bar.intensity == pytest.approx(expected)
    assert bar.basis == basis


def test_secondary_target_gives_the_height_when_the_primary_cannot() -> None:
    step = s.Step(
        intensity=ACTIVE,
        duration=s.Time(seconds=60),
        target=s.CadenceRange(low=175, high=185, unit="spm"),
        secondary=s.HeartRateZone(zone=2),
    )
    assert bars(workout(step), Profile())[0].intensity == pytest.approx(0.65)


def test_nested_repeats_are_expanded() -> None:
    inner = s.Repeat(count=3, steps=(s.Step(intensity=ACTIVE, duration=s.Time(seconds=10)),))
    outer = s.Repeat(count=2, steps=(inner, s.Step(intensity=REST, duration=s.Time(seconds=5))))
    got = bars(workout(outer), Profile())
    # 2 x (3 x 10 s + 5 s)
    assert [b.end for b in got] == [10, 20, 30, 35, 45, 55, 65, 70]
    assert got[5].label.endswith("(2/2) (2/3)")


def bar(start: float, end: float, intensity: float, **kw: bool) -> Bar:
    """A bar drawn by hand (`counted=False` for one left out of the total)."""
    return Bar(
        start=start, end=end, intensity=intensity, basis="kind", kind=ACTIVE, label="x", **kw
    )


def test_text_chart_columns_by_hand() -> None:
    text = render_text([bar(0, 30, 1.0), bar(30, 60, 0.5)], width=4, height=1)
    # One column each, the two spare ones shared by time: 2 and 2. Heights run from 40 % to
    # the top (100 %): 0.5 is (0.5 - 0.4) / 0.6 of 8 eighths = 1.3, one eighth.
    assert text.splitlines() == [" 100% ██▁▁", " 0:00 1:00"]


def test_text_chart_two_rows_and_estimate_marks() -> None:
    text = render_text(
        [bar(0, 30, 1.0, estimated=True), bar(30, 60, 0.25, nominal=True)], width=2, height=2
    )
    # 16 eighths, and 0.25 (below the 40 % floor, labelled on the bottom row) keeps one.
    assert text.splitlines() == [" 100% █", "  40% █▁", "      ~?", " 0:00 1:00"]


def test_text_chart_keeps_a_short_hard_step_visible() -> None:
    # A 1 s step in 200 s: every step gets a column, widening 2 columns to 3.
    steps = [bar(0, 100, 0.5), bar(100, 101, 1.0), bar(101, 200, 0.5)]
    assert render_text(steps, width=2, height=1).splitlines()[0] == " 100% ▁█▁"
    # Held to 2 columns, the first two steps share one (the hardest drawn), marked '+'.
    merged = render_text(steps, width=2, height=1, max_width=2).splitlines()
    assert merged[:2] == [" 100% █▁", "      +"]


def test_item_03_chart_every_executed_step_gets_a_column() -> None:
    """Issue 21 item 4: the chart of 10x400-mile-pace drew 6 effort blocks for 10 repeats,
    and the easy warm-up stood about 2/3 as tall as the efforts."""
    path = ROOT / "workouts" / "10x400-mile-pace.yaml"
    cache = ProfileCache()
    got = bars(load_workout(path, profiles=cache), cache.for_workout(path))
    text = render_text(got)
    rows = text.splitlines()
    # The top row holds the efforts only: ten separate blocks of full cells.
    assert len(rows[0][6:].split()) == 10
    # Heights from 40 %: warm-up (75.5 % of threshold) 0.355 / 0.7625 of 64 eighths = 30,
    # recoveries (0.5 by kind) 8, efforts (116.3 %) 64: under half the efforts' height.
    heights = [
        sum(" ▁▂▃▄▅▆▇█".index(row[6 + i]) if len(row) > 6 + i else 0 for row in rows[:8])
        for i in range(72)
    ]
    assert heights[0] == 30 and max(heights) == 64 and min(heights) == 8
    # Order is kept: a harder step is never drawn lower.
    from workoutexport.chart import _columns

    cols = _columns(got, 72, 72)
    assert {id(b) for col in cols for b in col} == {id(b) for b in got}
    assert all(len(col) == 1 for col in cols)
    pairs = sorted(zip((col[0].intensity for col in cols), heights, strict=True))
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(pairs))


def test_item_03_chart_too_many_steps_merge_visibly() -> None:
    from workoutexport.chart import terminal_chart

    step = s.Step(intensity=ACTIVE, duration=s.Time(seconds=30))
    easy = s.Step(intensity=s.Intensity.RECOVERY, duration=s.Time(seconds=30))
    many = workout(s.Repeat(count=150, steps=(step, easy)))
    text = terminal_chart(many, Profile())
    assert "+ several steps share a column (the hardest is drawn)." in text
    assert "+" * 10 in text


def test_colour_bands() -> None:
    assert colour(0.5) == "#93a1b0"
    assert colour(0.75) == "#3f88c5"
    assert colour(1.0) == "#ef7d22"
    assert colour(1.16) == "#d7263d"


def test_svg_has_a_title_and_one_titled_bar_per_step() -> None:
    got = [bar(0, 600, 0.6), bar(600, 660, 1.2), bar(660, 720, 0.2)]
    root = etree.fromstring(render_svg(got, "Intensity of <T>", caption="T & co"))
    assert root.tag == f"{SVG}svg"
    assert root.findtext(f"{SVG}title") == "Intensity of <T>"
    rects = root.findall(f".//{SVG}rect[@class='bar']")
    assert len(rects) == 3
    assert all(r.findtext(f"{SVG}title", "").startswith("x ") for r in rects)
    assert [r.get("fill") for r in rects] == [colour(0.6), colour(1.2), colour(0.2)]
    # Plot area x 34..352 (360 wide, margins 34 and 8): 720 s -> 318 units, 0.44167 per second.
    xs = [float(r.get("x", "")) for r in rects]
    widths = [float(r.get("width", "")) for r in rects]
    assert xs == pytest.approx([34, 299, 325.5])
    assert widths == pytest.approx([265, 26.5, 26.5])
    assert "T &amp; co" in etree.tostring(root, encoding="unicode")


def test_readme_picture_is_current(request: pytest.FixtureRequest) -> None:
    """docs/chart-10x400.svg is what the code draws today (`--update-goldens` rewrites it)."""
    path = ROOT / "workouts" / "10x400-mile-pace.yaml"
    cache = ProfileCache()
    tree = load_workout(path, profiles=cache)
    drawn = render_svg(
        bars(tree, cache.for_workout(path)),
        f"Intensity profile of {tree.name}",
        caption=f"{tree.name} · 49:55",
    )
    picture = ROOT / "docs" / "chart-10x400.svg"
    if request.config.getoption("--update-goldens"):
        picture.parent.mkdir(exist_ok=True)
        picture.write_bytes(drawn + b"\n")
    assert picture.read_bytes() == drawn + b"\n"
    rects = etree.fromstring(drawn).findall(f".//{SVG}rect[@class]")
    assert len([r for r in rects if "bar" in r.get("class", "").split()]) == 22


def test_show_chart_on_request_only() -> None:
    from click.testing import CliRunner

    from workoutexport.cli import main

    path = str(ROOT / "workouts" / "hill-repeats.yaml")
    plain = CliRunner().invoke(main, ["show", path])
    assert plain.exit_code == 0 and "█" not in plain.stdout  # not a terminal: no chart
    drawn = CliRunner().invoke(main, ["show", path, "--chart"])
    assert drawn.exit_code == 0
    assert drawn.stdout.startswith(plain.stdout)
    chart = drawn.stdout[len(plain.stdout) :]
    # Drawn: 10 + 6 x (0.5 + 1 nominal) + 10 = 29 minutes; but the axis ends on the total
    # `show` gives, 10 + 6 x 0.5 + 10 = 23:00, and says the lap steps are left out.
    assert "total time: 23:00 + 6 step(s) without a set time" in plain.stdout
    axis = next(line for line in chart.splitlines() if line.startswith(" 0:00"))
    assert axis.endswith(" ≥ 23:00")
    assert "29:00" not in chart
    assert "Height: pace as % of threshold; steps without such a target by kind." in chart
    assert "? ends on lap or a condition: drawn 60 s wide, not in the total." in chart


def test_strength_chart_takes_rep_times_from_the_estimate() -> None:
    from click.testing import CliRunner

    from workoutexport.cli import main

    path = str(ROOT / "workouts" / "strength.yaml")
    plain = CliRunner().invoke(main, ["show", path])
    chart = CliRunner().invoke(main, ["show", path, "--chart"]).stdout[len(plain.stdout) :]
    # 5 min + 3 x (12 + 10 + 10 reps at 3 s, 45 s, 60 s rest) = 300 + 3 x 201 = 903 s.
    assert "total time: ~15:03" in plain.stdout
    axis = next(line for line in chart.splitlines() if line.startswith(" 0:00"))
    assert axis.endswith(" ~15:03")
    assert "~ time estimated at 3 s a rep." in chart and "?" not in chart
    tree = load_workout(Path(path), profiles=ProfileCache())
    widths = [b.end - b.start for b in bars(tree, Profile())]
    assert widths == pytest.approx([300] + [36, 30, 30, 45, 60] * 3)


def test_axis_end_counts_what_show_counts() -> None:
    from workoutexport.chart import axis_end

    squat = s.ExerciseStep(
        exercise=s.Exercise(category=28, category_name="squat"), duration=s.Reps(count=12)
    )
    got = bars(
        workout(
            s.Step(intensity=ACTIVE, duration=s.Time(seconds=90)),
            squat,
            s.Step(intensity=REST, duration=s.Distance(metres=1000)),
            s.Step(intensity=REST, duration=s.LapButton()),
        ),
        Profile(),
    )
    # 90 s; 12 reps x 3 s = 36 s (estimated); 1 km without a pace drawn at 6:00/km but not
    # counted; the lap step drawn 60 s wide, not counted.
    ends = [x for b in got for x in (b.start, b.end)]
    assert ends == pytest.approx([0, 90, 90, 126, 126, 486, 486, 546])
    assert [b.counted for b in got] == [True, True, False, False]
    assert [b.reps for b in got] == [False, True, False, False]
    assert axis_end(got) == "≥ ~2:06"  # 90 + 36 = 126 s
    assert axis_end(got[:1]) == "1:30"


def test_svg_ticks_count_known_time_only() -> None:
    got = [bar(0, 600, 0.6), bar(600, 660, 0.2, nominal=True, counted=False), bar(660, 1260, 1)]
    root = etree.fromstring(render_svg(got, "T"))
    ticks = root.findall(f".//{SVG}text[@class='tick']")
    # 1200 s known: a tick every 5 min. 15:00 is 300 s into the third bar (660 + 300 = 960
    # drawn); 20:00 is the end, labelled as a lower bound. 318 units for 1260 s drawn.
    assert [t.text for t in ticks] == ["0:00", "5:00", "10:00", "15:00", "≥ 20:00"]
    xs = [float(t.get("x", "")) for t in ticks]
    assert xs == pytest.approx([34, 109.71, 185.43, 276.29, 352], abs=0.01)


def test_show_draws_the_chart_by_default_on_a_terminal() -> None:
    import os
    import pty
    import subprocess
    import sys

    path = str(ROOT / "workouts" / "tabata.yaml")
    ours, theirs = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "workoutexport", "show", path],
            stdout=theirs,
            stderr=subprocess.PIPE,
            check=False,
        )
        os.close(theirs)
        chunks = []
        while True:
            try:
                chunk = os.read(ours, 65536)
            except OSError:  # the terminal is closed once everything is read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(ours)
    assert proc.returncode == 0, proc.stderr
    out = b"".join(chunks).decode("utf-8")
    # 10 min + 8 x 30 s + 10 min
    assert "█" in out and "24:00" in out


def test_a_huge_repeat_is_counted_not_expanded() -> None:
    from workoutexport.chart import MAX_BARS, TooManySteps, executed_steps, terminal_chart

    step = s.Step(intensity=ACTIVE, duration=s.Time(seconds=1))
    huge = workout(s.Repeat(count=4_000_000_000, steps=(step, step)))
    assert executed_steps(huge.steps) == 8_000_000_000
    with pytest.raises(TooManySteps):
        bars(huge, Profile())
    assert "8,000,000,000 steps" in terminal_chart(huge, Profile())
    # Exactly at the limit it still draws.
    at_limit = workout(s.Repeat(count=MAX_BARS // 2, steps=(step, step)))
    assert len(bars(at_limit, Profile())) == MAX_BARS


profiles = st.builds(
    Profile,
    paces=st.sampled_from([{}, {"threshold": km(260)}, {"easy": km(330, 360)}]),
    hr_max=st.none() | st.integers(150, 220).map(float),
    ftp=st.none() | st.integers(100, 400).map(float),
)


@settings(deadline=None, suppress_health_check=list(HealthCheck))
@given(workouts, profiles)
def test_random_trees_chart_one_contiguous_bar_per_executed_step(
    tree: s.Workout, profile: Profile
) -> None:
    from workoutexport.chart import MAX_BARS, TooManySteps, executed_steps

    count = executed_steps(tree.steps)
    if count > MAX_BARS:
        with pytest.raises(TooManySteps):
            bars(tree, profile)
        return
    got = bars(tree, profile)
    assert len(got) == count
    assert got[0].start == 0
    assert all(a.end == b.start for a, b in itertools.pairwise(got))
    assert all(b.end > b.start and 0 < b.intensity < 100 for b in got)
    root = etree.fromstring(render_svg(got, tree.name))
    assert len(root.findall(f".//{SVG}rect[@class]")) == count
    assert len(render_text(got).splitlines()) in (9, 10)  # 8 rows, marks when any, axis
