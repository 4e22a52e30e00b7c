"""A bounded fuzz run over the whole path, and every crash a campaign ever found."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from fuzzing import check_one, inputs

REGRESSIONS = sorted((Path(__file__).parent / "fuzz-regressions").glob("*"))


@settings(deadline=None, suppress_health_check=list(HealthCheck))
@given(inputs)
def test_whole_path_never_crashes(raw: bytes) -> None:
    check_one(raw)


@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.name for p in REGRESSIONS])
def test_fuzz_regressions(path: Path) -> None:
    check_one(path.read_bytes())


def test_seeds_build() -> None:
    from fuzzing import SEEDS

    assert {check_one(seed) for seed in SEEDS} <= {"built", "partly"}
