"""FIT exercise categories and names, read from fit-tool's copy of Garmin's profile."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import cache

from .diagnostics import did_you_mean
from .units import UnitError


@dataclass(frozen=True)
class ExerciseRef:
    category: int
    category_name: str
    name: int | None
    name_name: str | None


def _norm(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


@cache
def catalogue() -> dict[str, tuple[int, dict[str, int]]]:
    """category name -> (category number, {exercise name -> number})."""
    from fit_tool.profile import profile_type

    out: dict[str, tuple[int, dict[str, int]]] = {}
    for member in profile_type.ExerciseCategory:
        if member.name == "UNKNOWN":
            continue
        cls_name = "".join(p.capitalize() for p in member.name.split("_")) + "ExerciseName"
        enum_cls = getattr(profile_type, cls_name, None)
        names: dict[str, int] = {}
        if isinstance(enum_cls, type) and issubclass(enum_cls, Enum):
            for m in enum_cls:
                name = m.name.lower()
                names[name] = int(m.value)
                # fit-tool spells names that start with a digit with an 'n' ('n3_way_...');
                # Garmin's profile does not.
                if re.match(r"n\d", name):
                    names.setdefault(name[1:], int(m.value))
        out[member.name.lower()] = (int(member.value), names)
    return out


def lookup(text: str) -> ExerciseRef:
    """`category` or `category/name` in the FIT exercise profile; raises with a suggestion."""

    cat = catalogue()
    key = _norm(text)
    if "/" in key:
        cat_name, _, ex_name = key.partition("/")
        cat_name, ex_name = cat_name.strip("_"), ex_name.strip("_")
        if cat_name not in cat:
            raise UnitError(f"unknown exercise category '{cat_name}'" + did_you_mean(cat_name, cat))
        number, names = cat[cat_name]
        if ex_name not in names:
            raise UnitError(
                f"unknown exercise '{ex_name}' in category '{cat_name}'"
                + did_you_mean(ex_name, names)
            )
        return ExerciseRef(number, cat_name, names[ex_name], ex_name)
    if key in cat:
        return ExerciseRef(cat[key][0], key, None, None)
    owners = [(c, n) for c, (n, names) in cat.items() if key in names]
    if len(owners) == 1:
        c, n = owners[0]
        return ExerciseRef(n, c, cat[c][1][key], key)
    if len(owners) > 1:
        raise UnitError(
            f"exercise '{key}' is in several categories; write one of "
            + ", ".join(f"'{c}/{key}'" for c, _ in owners)
        )
    every = list(cat) + [n for _, names in cat.values() for n in names]
    raise UnitError(
        f"unknown exercise '{text}'"
        + did_you_mean(key, every)
        + "; use a FIT exercise category (squat, lunge, deadlift, hip_raise, plank, ...) "
        "or category/name"
    )
