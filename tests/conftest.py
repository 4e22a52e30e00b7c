"""Shared test helpers: Garmin's decoder for FIT, the XSD for TCX, and golden-file options."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from workoutexport.formats.fit.verify import decode_fit
from workoutexport.formats.tcx.verify import validate as validate_tcx

# Property tests: a bounded run by default (CI); HYPOTHESIS_PROFILE=long for a campaign.
# In CI the examples are derived from the test names, so a red run can be repeated exactly.
settings.register_profile("default", max_examples=100, derandomize=bool(os.environ.get("CI")))
settings.register_profile("long", max_examples=3000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="Rewrite tests/cases/*/expected.* from the current output (review the diff!).",
    )


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def decoded(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """Decode with garmin-fit-sdk; fails the test on any integrity or decoding error."""
    return decode_fit(data)


def workout_steps(data: bytes) -> list[dict[str, Any]]:
    return decoded(data)["workout_step_mesgs"]


def assert_valid_tcx(data: bytes) -> None:
    problems = validate_tcx(data)
    assert problems == [], problems


def dump_fit(data: bytes) -> str:
    """One decoded message a line, keys sorted: what golden files hold and people review."""
    lines = []
    for kind, messages in decoded(data).items():
        for msg in messages:
            fields = " ".join(f"{k}={_value(v)}" for k, v in sorted(msg.items()))
            lines.append(f"{kind.removesuffix('_mesgs')}: {fields}")
    return "\n".join(lines) + "\n"


def _value(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return repr(v) if isinstance(v, str) else str(v)
