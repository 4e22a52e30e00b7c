"""The athlete profile (spec section 3): named paces, heart rate, FTP and target tolerances."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator

from . import units
from .diagnostics import Position
from .model import Pace, _wrap
from .outputs import PROFILE_NAME
from .source import Document


def _amount(unit_re: str, what: str, example: str, lo: float, hi: float) -> Any:
    def parse(value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise units.UnitError(f"expected {what} such as '{example}'")
        text = str(value).strip()
        m = re.fullmatch(rf"([0-9]+(?:\.[0-9]+)?)\s*(?:{unit_re})", text, flags=re.IGNORECASE)
        if m is None:
            raise units.UnitError(f"cannot read {what} '{text}'; write it as '{example}'")
        amount = float(m.group(1))
        if not lo <= amount <= hi:
            raise units.UnitError(f"'{text}': {what} must be between {lo:g} and {hi:g}")
        return amount

    return PlainValidator(lambda v: _wrap(parse, v))


def _pace_tolerance(value: object) -> float:
    return units.parse_tolerance_seconds(value)


class _Model(BaseModel):
    # defer_build: built when a profile is first read, not by every run that imports this.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class HeartRate(_Model):
    max: Annotated[float, _amount(r"(?:bpm)?", "maximum heart rate", "190", 100, 250)] | None = None
    lthr: Annotated[float, _amount(r"(?:bpm)?", "threshold heart rate", "172", 80, 240)] | None = (
        None
    )


class Tolerance(_Model):
    pace: Annotated[float, PlainValidator(lambda v: _wrap(_pace_tolerance, v))] = 5.0
    speed: Annotated[float, _amount("%", "speed tolerance", "2%", 0, 50)] = 2.0
    hr: Annotated[float, _amount("bpm", "heart-rate tolerance", "5bpm", 0, 50)] = 5.0
    hr_max: Annotated[float, _amount(r"%\s*max", "heart-rate tolerance", "2%max", 0, 20)] = 2.0
    cadence: Annotated[float, _amount("spm|rpm", "cadence tolerance", "5spm", 0, 50)] = 5.0
    power: Annotated[float, _amount("%", "power tolerance", "5%", 0, 50)] = 5.0


class FitOptions(_Model):
    running_cadence: Literal["strides", "steps"] = "strides"
    identity: Literal["connect", "development"] = "connect"


class ProfileModel(_Model):
    paces: dict[str, Pace] = Field(default_factory=dict)
    hr: HeartRate = Field(default_factory=HeartRate)
    ftp: Annotated[float, _amount(r"\s*w|\s*watts", "FTP", "280W", 30, 2000)] | None = None
    #: Critical swim speed, as a pace per 100 m or 100 yd: the named pace `css`.
    css: Pace | None = None
    tolerance: Tolerance = Field(default_factory=Tolerance)
    fit: FitOptions = Field(default_factory=FitOptions)
    race: Annotated[Any, PlainValidator(lambda v: _wrap(_race, v))] = None
    race_model: Literal["daniels", "riegel"] = "daniels"
    #: The unit of plan volumes for this athlete (a plan's own `units:` wins).
    units: Literal["km", "mi"] | None = None


def _race(value: object) -> Any:
    from .paces import parse_race

    return parse_race(value)


@dataclass(frozen=True)
class Profile:
    """A validated profile; `source` is the file it came from (None for the empty profile)."""

    paces: dict[str, units.AbsolutePace] = field(default_factory=dict)
    hr_max: float | None = None
    lthr: float | None = None
    ftp: float | None = None
    # Built without validation: the defaults are valid, and a run without a profile.yaml
    # never needs the profile's validators (their build is a large part of start-up).
    tolerance: Tolerance = field(default_factory=Tolerance.model_construct)
    running_cadence_unit: Literal["strides", "steps"] = "strides"
    fit_identity: Literal["connect", "development"] = "connect"
    #: The unit of plan volumes (`units:`), when the profile says one.
    units: Literal["km", "mi"] | None = None
    source: str | None = None
    #: Where the profile defines its paces (the `paces:` key, else `race:`) and heart rates
    #: (`hr:`), so that a workout asking for one it lacks can point there.
    paces_at: Position | None = None
    hr_at: Position | None = None


EMPTY = Profile()


def build_profile(doc: Document) -> Profile:
    """Validate a profile document (raises WorkoutError with positions)."""
    from .validate import validate_model

    model = validate_model(ProfileModel, doc, "profile")
    paces: dict[str, units.AbsolutePace] = {}
    errors = []
    from .diagnostics import WorkoutError, error

    for name, pace in model.paces.items():
        if not isinstance(pace, units.AbsolutePace):
            errors.append(
                error(
                    doc.at(("paces", name)),
                    f"a profile pace must be absolute, such as '4:20/km'; '{name}' is not",
                )
            )
            continue
        paces[name] = pace
    if model.css is not None:
        css = model.css
        if not isinstance(css, units.AbsolutePace) or css.unit not in ("100m", "100yd"):
            errors.append(
                error(
                    doc.at(("css",)),
                    "'css' is a swim pace per 100 m or 100 yd, such as '1:40/100m'",
                )
            )
        elif "css" in paces:
            errors.append(
                error(doc.at(("paces", "css")), "'css' is given twice: here and as 'css:'")
            )
        else:
            paces["css"] = css
    if errors:
        raise WorkoutError(errors)
    if model.race is not None:
        from .paces import race_paces

        # A pace the runner wrote wins over one derived from the race (spec 3.1).
        paces = {**race_paces(model.race, model.race_model), **paces}
    return Profile(
        paces=paces,
        hr_max=model.hr.max,
        lthr=model.hr.lthr,
        ftp=model.ftp,
        tolerance=model.tolerance,
        running_cadence_unit=model.fit.running_cadence,
        fit_identity=model.fit.identity,
        units=model.units,
        source=doc.path,
        paces_at=doc.keys.get(("paces",)) or doc.keys.get(("race",)) or doc.keys.get(("css",)),
        hr_at=doc.keys.get(("hr",)),
    )


def find_profile(workout_path: Path) -> Path | None:
    """The nearest profile.yaml in the workout's folder or a parent folder."""
    folder = workout_path.resolve().parent
    for candidate in (folder, *folder.parents):
        path = candidate / PROFILE_NAME
        if path.is_file():
            return path
    return None
