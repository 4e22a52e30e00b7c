"""Likely mistakes in a workout that still builds: warnings, never errors.

These read the document as written (before variables), since what gives a mistake away is
the text itself: `warmup: 10m` (metres, meant minutes), `recover: 90-60s` (a range written
backwards), or `name: 10 x 400 m` beside `vars: {reps: 10}` (a name that stays "10 x 400 m"
when a plan sets `reps: 8`).
"""

from __future__ import annotations

import re
from typing import Any

from . import units as u
from .diagnostics import Diagnostic, warning
from .source import Document, Loc
from .steps import EASY_KINDS, TIMED_KINDS

#: Steps this short in distance are almost always minutes written as `m`.
SHORT_METRES = 50.0


def lint(doc: Document) -> list[Diagnostic]:
    """Warnings for the likely mistakes in `doc`'s steps."""
    data = doc.data
    out: list[Diagnostic] = []
    if isinstance(data, dict) and isinstance(data.get("steps"), list):
        _steps(doc, data["steps"], ("steps",), out)
    if isinstance(data, dict) and isinstance(data.get("vars"), dict):
        out.extend(_stated_vars(doc, data))
    return out


#: The texts a runner reads on the watch and in the calendar.
_TEXTS = ("name", "short_name", "description")
#: A number as a text states it: a clock time, or a number or range with the word after it.
_STATED = re.compile(
    r"(?<![\w.:$])(?:(\d+:\d\d(?::\d\d)?)|(\d+(?:\.\d+)?(?:\s*-\s*\d+(?:\.\d+)?)?))"
    r"(?![\d.:])(?:\s*([A-Za-z]+|%))?"
)


def _unit_family(word: str | None) -> object:
    """What a unit word measures and in what size (all of 'min', 'mins', 'minutes' alike); a
    word that is no unit ('x', 'laps') is None, as is no word."""
    if word is None:
        return None
    if word == "%":
        return "%"
    w = word.lower()
    if w in u._TIME_UNITS:
        return ("s", u._TIME_UNITS[w])
    if w in u._DIST_UNITS:
        return ("m", u._DIST_UNITS[w])
    return None


def _stated(text: str) -> list[tuple[str, object]]:
    """The numbers `text` states, each as (number, unit family)."""
    out = []
    for m in _STATED.finditer(text):
        number = (m.group(1) or m.group(2)).replace(" ", "")
        out.append((number, _unit_family(m.group(3))))
    return out


def _stated_vars(doc: Document, data: dict[str, Any]) -> list[Diagnostic]:
    """A name or description that states a var's default without using the var: a plan (or
    --set) that changes the var leaves the text saying the old number."""
    out = []
    for var, default in data["vars"].items():
        if isinstance(default, bool) or not isinstance(default, int | float | str):
            continue
        said = _stated(str(default).strip())
        if len(said) != 1 or _STATED.fullmatch(str(default).strip()) is None:
            continue  # not one amount (a pace, a word): nothing a text would state
        number, family = said[0]
        for key in _TEXTS:
            text = data.get(key)
            if not isinstance(text, str) or f"${{{var}}}" in text:
                continue
            if (number, family) in _stated(text):
                shown = str(default).strip()
                out.append(
                    warning(
                        doc.at((key,)),
                        f"the {key.replace('_', ' ')} states {shown}, the default of "
                        f"'{var}', without using it: a plan or --set that changes {var} "
                        f"leaves it saying {shown}; write ${{{var}}} there",
                    )
                )
    return out


def _steps(doc: Document, items: list[Any], loc: Loc, out: list[Diagnostic]) -> None:
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        here = (*loc, i)
        if isinstance(item.get("steps"), list):
            _steps(doc, item["steps"], (*here, "steps"), out)
        for kind in TIMED_KINDS:
            value = item.get(kind)
            if isinstance(value, str) and "${" not in value:
                out.extend(_duration(doc, kind, value, (*here, kind)))
        second = item.get("secondary")
        # A ramp's range is written in the order it is gone through: either way is meant.
        holders = [(second, (*here, "secondary"))]
        if "ramp" not in item:
            holders.insert(0, (item, here))
        for holder, at in holders:
            if not isinstance(holder, dict):
                continue
            for key, parse in _RANGED.items():
                value = holder.get(key)
                if isinstance(value, str) and "${" not in value:
                    out.extend(_backwards(doc, key, parse, value, (*at, key)))


#: The values written as a range whose ends the parser puts in order, each with its parser.
_RANGED: dict[str, Any] = {
    "pace": u.parse_pace,
    "speed": u.parse_speed,
    "hr": u.parse_hr,
    "cadence": u.parse_cadence,
    "power": u.parse_power,
    "repeat": u.parse_count,
}
_ENDS = u.RANGE_ENDS
_end_value = u.end_value


def _backwards(doc: Document, key: str, parse: Any, text: str, loc: Loc) -> list[Diagnostic]:
    """A range written from its high end to its low one ('160-150bpm', '4:00-3:00/km'): it
    builds (the ends are put in order) but a reversed range is often a typo for another."""
    text = text.strip()
    try:
        parse(text)
    except u.UnitError:
        return []  # the parser reports it
    m = _ENDS.search(text)
    if m is None or _end_value(m.group(1)) <= _end_value(m.group(2)):
        return []
    ordered = f"{text[: m.start()]}{m.group(2)}-{m.group(1)}{text[m.end() :]}"
    if key == "pace" and ":" in m.group(1):
        how = "is written slow to fast"  # the larger time per km or mile is the slower pace
    else:
        how = "runs from high to low"
    return [warning(doc.at(loc), f"'{text}' {how}; read as {ordered}")]


def _duration(doc: Document, kind: str, text: str, loc: Loc) -> list[Diagnostic]:
    try:
        spec = u.parse_duration(text)
    except u.UnitError:
        return []
    out = []
    if isinstance(spec, u.DistanceSpan) and kind in EASY_KINDS and spec.high < SHORT_METRES:
        minutes = text.strip().removesuffix("m").strip()
        out.append(
            warning(
                doc.at(loc),
                f"'{kind}: {text.strip()}' is {spec.high:g} metres; "
                f"did you mean {minutes}min? ('m' is always metres)",
            )
        )
    if isinstance(spec, u.TimeSpan | u.DistanceSpan) and spec.low < spec.high:
        halves = u._split_range(text.strip())
        if halves is not None:
            try:
                second = u.parse_duration(halves[1])
            except u.UnitError:
                return out
            if isinstance(second, type(spec)) and second.high == spec.low:
                out.append(
                    warning(
                        doc.at(loc),
                        f"the range '{text.strip()}' runs from high to low; "
                        "write the smaller end first",
                    )
                )
    return out
