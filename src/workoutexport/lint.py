"""Likely mistakes in a workout that still builds: warnings, never errors.

These read the document as written (before variables), since what gives a mistake away is
the text itself: `warmup: 10m` (metres, meant minutes) or `recover: 90-60s` (a range written
backwards).
"""

from __future__ import annotations

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
