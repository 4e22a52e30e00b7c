"""Intensity profiles: a step tree as bars over time, drawn in a terminal or as SVG.

`bars()` flattens a workout (repeats expanded) into one `Bar` per executed step, with start and
end seconds and a height relative to a reference: threshold pace (or the workout's fastest
pace target), maximum heart rate, or FTP. Steps without a usable target get a height by kind.
`render_text()` and `render_svg()` draw those bars; neither knows about steps.

A bar is as wide as the one estimate (`estimate.step_totals`) says its step lasts, so the time
at the end of the axis (`axis_end`) is the total `show` prints. A step that estimate has no
time for is still drawn, but not counted: a distance without a pace at the easy pace, a lap or
condition step `NOMINAL_SECONDS` wide; the axis then ends on "≥" and the known total.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from . import steps as s
from .estimate import SECONDS_PER_REP, step_totals
from .profile import Profile
from .units import HR_ZONES_PERCENT_MAX, METRES_PER_PACE_UNIT, format_seconds

# Width of a step whose length is not known beforehand (lap button, heart-rate condition,
# calories, reps): wide enough to see and to hover, narrow enough not to dominate.
NOMINAL_SECONDS = 60.0
# Distance steps without a pace target, and no easy pace in the profile: 6:00/km.
DEFAULT_EASY_MPS = 1000.0 / 360.0
# Heights of steps with no target that says how hard they are.
KIND_INTENSITY = {
    s.Intensity.REST: 0.2,
    s.Intensity.RECOVERY: 0.5,
    s.Intensity.COOLDOWN: 0.6,
    s.Intensity.WARMUP: 0.6,
    s.Intensity.ACTIVE: 0.9,
}
# Middles of Garmin's default heart-rate zones (percent of maximum: 50-60, ..., 90-100).
HR_ZONE_PERCENT_MAX = {zone: (lo + hi) / 2 for zone, (lo, hi) in HR_ZONES_PERCENT_MAX.items()}
# Middles of the seven classic power zones, percent of FTP (z1 below 55 %, z7 above 150 %).
POWER_ZONE_PERCENT_FTP = {1: 45.0, 2: 65.0, 3: 83.0, 4: 98.0, 5: 113.0, 6: 135.0, 7: 160.0}

_UNIT_METRES = METRES_PER_PACE_UNIT

Basis = Literal["pace", "hr", "power", "kind"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Bar:
    """One executed step: [start, end) in seconds and its height relative to the reference."""

    start: float
    end: float
    intensity: float
    basis: Basis
    kind: s.Intensity
    label: str
    estimated: bool = False  # the width was worked out from a pace or reps, not written
    nominal: bool = False  # the width is a stand-in: the step ends on lap, heart rate, ...
    #: The width is counted as the step's time in the total (`estimate.totals`); False for
    #: a step the estimate has no time for, drawn at a stand-in width.
    counted: bool = True
    reps: bool = False  # the width is the step's reps at `SECONDS_PER_REP` each


@dataclass(frozen=True, slots=True)
class Scale:
    """What a height of 1.0 means for a pace: the reference speed and where it came from."""

    reference_mps: float | None
    reference_text: str
    easy_mps: float
    #: The workout's sport, for naming its steps (a swim's work is 'swim').
    sport: s.Sport = s.Sport.RUNNING


#: A swim without a pace is drawn at an easy swim: 2:05 per 100 m, or 85 % of CSS's speed.
DEFAULT_SWIM_EASY_MPS = 100 / 125
SWIM_EASY_OF_CSS = 0.85


def _pace_mps(pace_fast: float, pace_slow: float, unit: str) -> float:
    metres = _UNIT_METRES[unit]
    return (metres / pace_fast + metres / pace_slow) / 2


def _speed_targets(nodes: tuple[s.Node, ...]) -> Iterator[s.SpeedTarget]:
    for node in nodes:
        if isinstance(node, s.Repeat):
            yield from _speed_targets(node.steps)
            continue
        for target in s.targets_of(node):
            if isinstance(target, s.SpeedTarget):
                yield target


def _mid_mps(target: s.SpeedTarget) -> float:
    return (target.low_mps + target.high_mps) / 2


def scale_for(workout: s.Workout, profile: Profile) -> Scale:
    """The profile's threshold pace (a swim: its critical swim speed, css), else the fastest
    pace target in the workout."""
    if workout.sport is s.Sport.SWIMMING:
        css = profile.paces.get("css")
        if css is not None:
            css_mps = _pace_mps(css.fast, css.slow, css.unit)
            return Scale(css_mps, "CSS", css_mps * SWIM_EASY_OF_CSS, workout.sport)
        fastest = max((_mid_mps(t) for t in _speed_targets(workout.steps)), default=None)
        return Scale(fastest, "the fastest pace", DEFAULT_SWIM_EASY_MPS, workout.sport)
    easy = profile.paces.get("easy")
    easy_mps = _pace_mps(easy.fast, easy.slow, easy.unit) if easy else DEFAULT_EASY_MPS
    threshold = profile.paces.get("threshold")
    if threshold is not None:
        return Scale(
            _pace_mps(threshold.fast, threshold.slow, threshold.unit),
            "threshold",
            easy_mps,
            workout.sport,
        )
    fastest = max((_mid_mps(t) for t in _speed_targets(workout.steps)), default=None)
    return Scale(fastest, "the fastest pace", easy_mps, workout.sport)


def _target_intensity(
    target: s.Target | None, profile: Profile, scale: Scale
) -> tuple[float, Basis] | None:
    match target:
        case s.SpeedTarget() if scale.reference_mps:
            return _mid_mps(target) / scale.reference_mps, "pace"
        case s.HeartRateZone(zone=zone) if zone in HR_ZONE_PERCENT_MAX:
            return HR_ZONE_PERCENT_MAX[zone] / 100, "hr"
        case s.HeartRateRange(low=lo, high=hi, percent_max=True):
            return (lo + hi) / 200, "hr"
        case s.HeartRateRange(low=lo, high=hi) if profile.hr_max:
            return (lo + hi) / 2 / profile.hr_max, "hr"
        case s.PowerZone(zone=zone) if zone in POWER_ZONE_PERCENT_FTP:
            return POWER_ZONE_PERCENT_FTP[zone] / 100, "power"
        case s.PowerRange(low=lo, high=hi, percent_ftp=True):
            return (lo + hi) / 200, "power"
        case s.PowerRange(low=lo, high=hi) if profile.ftp:
            return (lo + hi) / 2 / profile.ftp, "power"
    # No target, cadence, or a target the profile gives no reference for.
    return None


def _intensity(step: s.Leaf, profile: Profile, scale: Scale) -> tuple[float, Basis]:
    for target in s.targets_of(step):
        found = _target_intensity(target, profile, scale)
        if found is not None:
            return found
    return KIND_INTENSITY[step.intensity], "kind"


def _width(step: s.Leaf, scale: Scale) -> tuple[float, bool, bool, bool]:
    """(seconds, estimated, nominal, counted): the estimate's time when it has one, else a
    distance at the easy pace, else `NOMINAL_SECONDS`; neither of those two is counted."""
    t = step_totals(step, swim=scale.sport is s.Sport.SWIMMING)
    if not t.unknown_time:
        return t.seconds, t.estimated or not isinstance(step.duration, s.Time), False, True
    if isinstance(step.duration, s.Distance):
        return step.duration.metres / scale.easy_mps, True, False, False
    return NOMINAL_SECONDS, False, True, False


def axis_end(bars: Sequence[Bar]) -> str:
    """The time at the end of the axis, as `show` gives the total: the counted bars' time,
    '~' when part of it is worked out from reps, '≥ ' when some bar is not counted."""
    seconds = sum(b.end - b.start for b in bars if b.counted)
    text = format_seconds(seconds)
    if any(b.reps for b in bars):
        text = f"~{text}"
    if not all(b.counted for b in bars):
        text = f"≥ {text}"
    return text


def step_name(step: s.Leaf, sport: s.Sport = s.Sport.RUNNING) -> str:
    """What to call a step: its name, else its exercise, else its kind as written in YAML."""
    if step.name:
        return step.name
    if isinstance(step, s.ExerciseStep):
        return step.exercise.exercise_name or step.exercise.category_name
    return s.written_kind(step, sport)


def _label(step: s.Leaf, where: str, sport: s.Sport = s.Sport.RUNNING) -> str:
    from .show import duration_text, target_text

    parts = [step_name(step, sport), duration_text(step.duration)]
    parts += [target_text(t) for t in s.targets_of(step)]
    return " ".join(parts) + where


class TooManySteps(Exception):
    """The workout executes more steps than a chart draws (`MAX_BARS`)."""

    def __init__(self, count: int) -> None:
        super().__init__(
            f"no chart: the workout runs {count:,} steps with its repeats, "
            f"more than the {MAX_BARS:,} a chart draws"
        )
        self.count = count


# A repeat count may be as large as FIT holds (2^32 - 2); expanding that would never end.
MAX_BARS = 5000


def executed_steps(nodes: tuple[s.Node, ...]) -> int:
    """How many steps run, repeats multiplied out, without expanding anything."""
    return sum(
        node.count * executed_steps(node.steps) if isinstance(node, s.Repeat) else 1
        for node in nodes
    )


def bars(workout: s.Workout, profile: Profile) -> list[Bar]:
    """One bar per executed step, repeats expanded, in order.

    Raises TooManySteps beyond `MAX_BARS` executed steps.
    """
    count = executed_steps(workout.steps)
    if count > MAX_BARS:
        raise TooManySteps(count)
    scale = scale_for(workout, profile)
    out: list[Bar] = []
    _expand(workout.steps, profile, scale, "", out)
    return out


def _expand(
    nodes: tuple[s.Node, ...], profile: Profile, scale: Scale, where: str, out: list[Bar]
) -> None:
    for node in nodes:
        if isinstance(node, s.Repeat):
            for i in range(1, node.count + 1):
                _expand(node.steps, profile, scale, f"{where} ({i}/{node.count})", out)
            continue
        start = out[-1].end if out else 0.0
        seconds, estimated, nominal, counted = _width(node, scale)
        if isinstance(node.duration, s.RepetitionTime) and out and not out[-1].nominal:
            # A send-off: the swim before it and this rest together last its time.
            seconds = max(node.duration.seconds - (out[-1].end - out[-1].start), 0.0)
            estimated, nominal, counted = out[-1].estimated, False, out[-1].counted
        intensity, basis = _intensity(node, profile, scale)
        label = _label(node, where, scale.sport)
        reps = isinstance(node, s.ExerciseStep) and isinstance(node.duration, s.Reps)
        if reps:
            label += f" [time estimated at {SECONDS_PER_REP:g} s a rep]"
        elif estimated and counted:
            label += " [time estimated from pace]"
        elif estimated:
            label += " [no pace: drawn at the easy pace, not in the total]"
        if nominal:
            label += f" [drawn {NOMINAL_SECONDS:g} s wide, not in the total]"
        out.append(
            Bar(
                start=start,
                end=start + seconds,
                intensity=intensity,
                basis=basis,
                kind=node.intensity,
                label=label,
                estimated=estimated,
                nominal=nominal,
                counted=counted,
                reps=reps,
            )
        )


def legend(workout: s.Workout, profile: Profile, bars: Sequence[Bar]) -> str:
    """What the height of these bars means, in one line."""
    scale = scale_for(workout, profile)
    used = {b.basis for b in bars}
    meaning = {
        "pace": f"pace as % of {scale.reference_text}",
        "hr": "heart rate as % of max",
        "power": "power as % of FTP",
        "kind": "steps without such a target by kind",
    }
    return "Height: " + "; ".join(meaning[b] for b in meaning if b in used) + "."


# --- terminal ---------------------------------------------------------------------------------

_BLOCKS = " ▁▂▃▄▅▆▇█"


#: Terminal heights start from this share of the reference, not from 0: an easy run (75 % of
#: threshold pace) would otherwise stand two thirds as tall as a mile-pace effort (116 %).
#: The bottom row says where it starts; steps at or below it keep one eighth.
FLOOR = 0.4


def _allot(bars: Sequence[Bar], width: int) -> list[int]:
    """Columns per bar: at least one each, the rest shared by time (largest remainders)."""
    total = bars[-1].end
    spare = width - len(bars)
    shares = [(b.end - b.start) / total * spare for b in bars]
    counts = [1 + math.floor(x) for x in shares]
    left = width - sum(counts)
    by_remainder = sorted(range(len(bars)), key=lambda i: shares[i] - math.floor(shares[i]))
    for i in by_remainder[::-1][:left]:
        counts[i] += 1
    return counts


def _columns(bars: Sequence[Bar], width: int, max_width: int) -> list[list[Bar]]:
    """The bars each column shows. Every step gets a column of its own, the chart widening
    up to `max_width` for that; with more steps than that, neighbours share a column."""
    columns = max(width, min(len(bars), max_width))
    if len(bars) <= columns:
        cols: list[list[Bar]] = []
        for bar, count in zip(bars, _allot(bars, columns), strict=True):
            cols.extend([bar] for _ in range(count))
        return cols
    groups: list[list[Bar]] = [[] for _ in range(columns)]
    for i, bar in enumerate(bars):
        groups[i * columns // len(bars)].append(bar)
    return groups


def render_text(
    bars: Sequence[Bar], *, width: int = 72, height: int = 8, max_width: int = 72
) -> str:
    """Unicode block chart: every step at least one column, the rest of the width by time.

    A column shared by several steps (more steps than `max_width`) shows the hardest of them
    and is marked `+` below the chart; `~` marks steps whose time was estimated from a pace
    and `?` steps of nominal width. Heights run from `FLOOR` of the reference (the bottom row's
    label) to the hardest step (the top row's).
    """
    if not bars or bars[-1].end <= 0:
        return ""
    cols = _columns(bars, width, max_width)
    top = max(b.intensity for b in bars)
    floor = FLOOR if top > 1.5 * FLOOR else 0.0
    eighths = []
    for col in cols:
        peak = max(b.intensity for b in col)
        # Every step, even a rest, keeps at least one eighth so it is not mistaken for a gap.
        eighths.append(max(1, round((peak - floor) / (top - floor) * height * 8)))
    label_width = 5
    lines = []
    for row in range(height):
        level = (height - 1 - row) * 8
        cells = "".join(_BLOCKS[min(8, max(0, e - level))] for e in eighths)
        tag = f"{top * 100:.0f}%" if row == 0 else ""
        if row == height - 1 and floor and height > 1:
            tag = f"{floor * 100:.0f}%"
        lines.append(f"{tag:>{label_width}} {cells}")
    marks = "".join(
        "+"
        if len(col) > 1
        else "?"
        if any(b.nominal for b in col)
        else "~"
        if any(b.estimated for b in col)
        else " "
        for col in cols
    )
    if marks.strip():
        lines.append(f"{'':>{label_width}} {marks}")
    end = axis_end(bars)
    lines.append(f"{'0:00':>{label_width}} {end:>{len(cols)}}")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def terminal_chart(workout: s.Workout, profile: Profile) -> str:
    """The chart `show --chart` prints: blocks, time axis, and what heights and marks mean."""
    try:
        drawn = bars(workout, profile)
    except TooManySteps as exc:
        return f"({exc})\n"
    import shutil

    room = shutil.get_terminal_size((80, 24)).columns - 7
    text = render_text(drawn, max_width=max(72, room))
    lines = [legend(workout, profile, drawn)]
    if any(b.estimated and not b.reps for b in drawn):
        lines.append("~ time estimated from pace.")
    if any(b.reps for b in drawn):
        lines.append(f"~ time estimated at {SECONDS_PER_REP:g} s a rep.")
    if any(b.estimated and not b.counted for b in drawn):
        lines.append("~ distance without a pace: drawn at the easy pace, not in the total.")
    if any(b.nominal for b in drawn):
        lines.append(
            f"? ends on lap or a condition: drawn {NOMINAL_SECONDS:g} s wide, not in the total."
        )
    if not all(b.counted for b in drawn):
        lines.append("≥ the time at the end counts only the steps with a known time.")
    if "+" in text.splitlines()[-2]:
        lines.append("+ several steps share a column (the hardest is drawn).")
    lines.append("Each step has a column of its own; time sets the rest of the width.")
    return text + "".join(f"{line}\n" for line in lines)


# --- SVG --------------------------------------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
# A small drawing: at the 320 px of a catalog card, 10-unit text is still about 9 px.
SVG_WIDTH = 360.0
SVG_HEIGHT = 120.0
_LEFT, _RIGHT, _TOP, _BOTTOM = 34.0, 8.0, 8.0, 16.0
# Colour by intensity, from easy grey-blue to hard red: (upper bound, colour).
COLOURS = (
    (0.55, "#93a1b0"),
    (0.8, "#3f88c5"),
    (0.9, "#44a55a"),
    (1.0, "#e8b400"),
    (1.1, "#ef7d22"),
    (math.inf, "#d7263d"),
)


def colour(intensity: float) -> str:
    """The fill for a bar of this intensity."""
    return next(c for bound, c in COLOURS if intensity < bound)


def _tick_step(total: float) -> float:
    """Seconds between time labels: a round number of minutes giving at most 6 labels."""
    for minutes in (1, 2, 5, 10, 15, 20, 30, 60, 120):
        if total / (minutes * 60) <= 6:
            return minutes * 60.0
    return 240 * 60.0


def _drawn_at(bars: Sequence[Bar], known: float) -> float:
    """Where on the drawn axis the counted bars' time reaches `known` seconds."""
    done = 0.0
    for b in bars:
        if not b.counted:
            continue
        width = b.end - b.start
        if done + width >= known - 1e-9:
            return b.start + max(0.0, known - done)
        done += width
    return bars[-1].end if bars else 0.0


def render_svg(bars: Sequence[Bar], title: str, *, caption: str | None = None) -> bytes:
    """An SVG chart: one `<rect class="bar">` per bar, each with a `<title>` tooltip.

    `title` becomes the drawing's `<title>` (its accessible name); `caption`, when given, is
    also written visibly above the bars (for a chart shown on its own, as in the README).
    """
    from lxml import etree

    def el(
        parent: etree._Element, tag: str, text: str | None = None, **attrs: str
    ) -> etree._Element:
        node = etree.SubElement(
            parent, f"{{{SVG_NS}}}{tag}", {k.replace("_", "-"): v for k, v in attrs.items()}
        )
        node.text = text
        return node

    top_margin = _TOP + (14.0 if caption else 0.0)
    height = SVG_HEIGHT + (14.0 if caption else 0.0)
    svg = etree.Element(
        f"{{{SVG_NS}}}svg",
        {
            "viewBox": f"0 0 {SVG_WIDTH:g} {height:g}",
            "class": "chart",
            "role": "img",
            "font-family": "system-ui, sans-serif",
            "font-size": "10",
        },
        nsmap={None: SVG_NS},  # type: ignore[dict-item]
    )
    el(svg, "title", title)
    if caption:
        # Shown on its own (README, a dark page): a natural size and its own white ground.
        svg.set("width", f"{SVG_WIDTH * 2:g}")
        svg.set("height", f"{height * 2:g}")
        el(svg, "rect", width="100%", height="100%", rx="4", fill="#fff")
        el(
            svg,
            "text",
            caption,
            x=f"{_LEFT:g}",
            y="12",
            font_size="10",
            font_weight="600",
            fill="#222",
        )
    plot_w = SVG_WIDTH - _LEFT - _RIGHT
    plot_h = height - top_margin - _BOTTOM
    base = top_margin + plot_h
    total = bars[-1].end if bars else 0.0
    top = max([1.0, *(b.intensity for b in bars)]) * 1.05

    def y(value: float) -> float:
        return base - value / top * plot_h

    def fmt(v: float) -> str:
        return f"{v:.2f}".rstrip("0").rstrip(".")

    el(
        svg,
        "line",
        x1=fmt(_LEFT),
        x2=fmt(_LEFT + plot_w),
        y1=fmt(y(1.0)),
        y2=fmt(y(1.0)),
        stroke="#999",
        stroke_width="0.6",
        stroke_dasharray="3 2",
    )
    el(svg, "text", "100%", x=fmt(_LEFT - 3), y=fmt(y(1.0) + 3), text_anchor="end", fill="#555")
    group = el(svg, "g", **{"class": "bars"})
    for bar in bars if total > 0 else ():
        x0 = _LEFT + bar.start / total * plot_w
        w = max(0.8, (bar.end - bar.start) / total * plot_w)
        h = max(1.5, bar.intensity / top * plot_h)
        classes = (
            ["bar"]
            + (["estimated"] if bar.estimated else [])
            + (["nominal"] if bar.nominal else [])
        )
        attrs = {
            "class": " ".join(classes),
            "x": fmt(x0),
            "y": fmt(base - h),
            "width": fmt(w),
            "height": fmt(h),
            "fill": colour(bar.intensity),
            "stroke": "#fff",
            "stroke-width": "0.4",
            "data-start": fmt(bar.start),
            "data-end": fmt(bar.end),
            "data-intensity": f"{bar.intensity:.3f}",
        }
        if bar.estimated or bar.nominal:
            attrs.update(
                {
                    "fill-opacity": "0.55" if bar.nominal else "0.8",
                    "stroke": "#333",
                    "stroke-dasharray": "2 1.5",
                }
            )
        rect = etree.SubElement(group, f"{{{SVG_NS}}}rect", attrs)
        el(rect, "title", f"{bar.label} · {bar.intensity * 100:.0f}%")
    el(
        svg,
        "line",
        x1=fmt(_LEFT),
        x2=fmt(_LEFT + plot_w),
        y1=fmt(base),
        y2=fmt(base),
        stroke="#444",
        stroke_width="0.8",
    )
    # Ticks count the time of the counted bars (`axis_end`): a bar drawn at a stand-in width
    # adds nothing to them, and the end of the axis says the total as `show` does.
    known = sum(b.end - b.start for b in bars if b.counted)
    ticks: list[tuple[float, str]] = []
    step = _tick_step(known) if known > 0 else 0.0
    tick = 0.0
    while step and tick <= known + 1e-9:
        ticks.append((_drawn_at(bars, tick), format_seconds(tick)))
        tick += step
    if total > 0:
        # The end's label replaces a tick too close to it to read.
        ticks = [(at, text) for at, text in ticks if (total - at) / total * plot_w >= 30]
        ticks.append((total, axis_end(bars)))
    for at, text in ticks:
        x = _LEFT + at / total * plot_w
        el(
            svg,
            "line",
            x1=fmt(x),
            x2=fmt(x),
            y1=fmt(base),
            y2=fmt(base + 3),
            stroke="#444",
            stroke_width="0.6",
        )
        anchor = "start" if at == 0 else "end" if x > _LEFT + plot_w - 12 else "middle"
        el(
            svg,
            "text",
            text,
            x=fmt(x),
            y=fmt(base + 12),
            text_anchor=anchor,
            fill="#444",
            **{"class": "tick"},
        )
    data: bytes = etree.tostring(svg, encoding="utf-8")
    return data
