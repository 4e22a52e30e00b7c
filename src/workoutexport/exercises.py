"""FIT exercise categories and names, read from fit-tool's copy of Garmin's profile.

Runners write "glute bridge" or "calf raises", not FIT's `hip_raise` or `calf_raise`:
`EVERYDAY` leads those names to the FIT ones, and the did-you-mean offers them too.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import cache

from .diagnostics import did_you_mean
from .steps import Exercise
from .units import UnitError

#: Everyday names -> a FIT category, or category/name. Plurals ('lunges') find the singular.
EVERYDAY: dict[str, str] = {
    "glute_bridge": "hip_raise",
    "bridge": "hip_raise",
    "hip_thrust": "hip_raise/barbell_hip_thrust_on_floor",
    "clamshell": "hip_raise/clams",
    "clam": "hip_raise/clams",
    "kettlebell_swing": "hip_raise/kettlebell_swing",
    "rdl": "deadlift/romanian_deadlift",
    "pushup": "push_up",
    "press_up": "push_up",
    "pullup": "pull_up",
    "chin_up": "pull_up/chin_up",
    "situp": "sit_up",
    "crunches": "crunch",
    "calf_raises": "calf_raise",
    "side_plank": "plank/side_plank",
    "mountain_climber": "plank/mountain_climber",
    "dead_bug": "hip_stability/dead_bug",
    "fire_hydrant": "hip_stability/fire_hydrant_kicks",
    "monster_walk": "banded_exercises/lateral_band_walks",
    "band_walk": "banded_exercises/lateral_band_walks",
    "burpee": "total_body/burpee",
    "box_jump": "plyo/box_jump",
    "jump_squat": "plyo/jump_squat",
    "step_up": "squat/step_up",
    "goblet_squat": "squat/goblet_squat",
    "good_morning": "leg_curl/good_morning",
    "superman": "hyperextension/superman_from_floor",
    "russian_twist": "core/russian_twist",
    "jump_rope": "cardio/jump_rope",
    "skipping": "cardio/jump_rope",
}


def _everyday(key: str) -> str | None:
    """The FIT name an everyday name leads to ('lunges' -> 'lunge', 'glute_bridge' -> ...)."""
    for candidate in (key, key.removesuffix("s"), key.removesuffix("es")):
        if candidate in EVERYDAY:
            return EVERYDAY[candidate]
    if key.endswith("s") and key[:-1] in catalogue():
        return key[:-1]
    return None


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


def lookup(text: str) -> Exercise:
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
        return Exercise(
            category=number,
            category_name=cat_name,
            exercise=names[ex_name],
            exercise_name=ex_name,
        )
    if key in cat:
        return Exercise(category=cat[key][0], category_name=key)
    fit_name = _everyday(key)
    if fit_name is not None:
        return lookup(fit_name)
    owners = [(c, n) for c, (n, names) in cat.items() if key in names]
    if len(owners) == 1:
        c, n = owners[0]
        return Exercise(category=n, category_name=c, exercise=cat[c][1][key], exercise_name=key)
    if len(owners) > 1:
        raise UnitError(
            f"exercise '{key}' is in several categories; write one of "
            + ", ".join(f"'{c}/{key}'" for c, _ in owners)
        )
    every = [*cat, *EVERYDAY, *(n for _, names in cat.values() for n in names)]

    def spell(name: str) -> str:
        everyday = EVERYDAY.get(name)
        return f"'{name.replace('_', ' ')}' ({everyday})" if everyday else f"'{name}'"

    raise UnitError(
        f"unknown exercise '{text}'"
        + did_you_mean(key, every, show=spell)
        + "; use a FIT exercise category (squat, lunge, deadlift, hip_raise, plank, ...) "
        "or category/name"
    )
