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


def without_formats(workout: Path, folder: Path) -> Path:
    """A copy of a bundled workout (and its profile) in `folder` without its `formats:` line:
    for tests of what a format refuses, since the bundled strength session says it is for
    FIT only, and so is skipped, not refused, by the others."""
    folder.mkdir(parents=True, exist_ok=True)
    profile = workout.parent / "profile.yaml"
    if profile.is_file():
        (folder / "profile.yaml").write_text(profile.read_text())
    text = workout.read_text()
    kept = "".join(x for x in text.splitlines(keepends=True) if not x.startswith("formats:"))
    copy = folder / workout.name
    copy.write_text(kept)
    return copy


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


# Tests that take seconds each (subprocesses, pre-commit, a browser, big inputs, long property
# runs): `pytest -m "not slow"` leaves them out for a quick run while working; CI runs all.
# Listed here, by file and function (every parametrization), rather than decorated in each
# file, so that the list can be reviewed and timed in one place (pytest --durations=60).
SLOW_TESTS = {
    "test_api.py": {"test_readme_example_type_checks_and_the_api_is_typed"},
    "test_batch.py": {"test_a_batch_dropped_unflushed_leaves_no_temporary_file"},
    "test_browser.py": {"test_index_in_chromium"},
    "test_chart.py": {"test_random_trees_chart_one_contiguous_bar_per_executed_step"},
    "test_fuzz.py": {"test_whole_path_never_crashes"},
    "test_import.py": {"test_random_fit_round_trips", "test_random_tcx_round_trips"},
    "test_import_fuzz.py": {
        "test_generated_fit_files_pass_garmins_integrity_checks",
        "test_mutated_tcx_stays_well_formed",
    },
    "test_import_hardening.py": {"test_generated_fit_files_get_a_clean_answer"},
    "test_limits.py": {
        "test_two_builds_into_one_folder_leave_only_complete_files",
        "test_a_100000_step_file_is_refused_early",
    },
    "test_parallel.py": {
        "test_build_with_two_workers_is_byte_identical_to_one",
        "test_check_with_two_workers_reports_the_same",
        "test_site_with_two_workers_is_byte_identical_to_one",
        "test_import_of_a_folder_with_two_workers_matches_one",
        "test_workers_exit_when_the_parent_is_killed",
    },
    "test_precommit.py": {
        "test_pre_commit_try_repo",
        "test_the_readme_pre_commit_config_works_as_written",
    },
    "test_property.py": {
        "test_random_trees_round_trip_through_garmins_decoder",
        "test_random_trees_give_schema_valid_tcx",
    },
    "test_site.py": {"test_downloads_are_the_bytes_build_writes"},
    "test_startup.py": {"test_a_small_fit_build_loads_no_workers_no_tcx"},
    "test_yaml_paths_at_limits.py": {
        "test_node_count_at_the_real_limit",
        "test_flow_nesting_near_the_depth_limit",
        "test_block_nesting_near_the_depth_limit",
        "test_node_count_near_the_limit",
        "test_check_of_a_folder_gives_every_copy_of_a_deep_file_the_same_diagnostic",
        "test_check_gives_a_deep_file_the_same_diagnostic_after_another_file",
    },
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        name = getattr(item, "originalname", item.name)
        if name in SLOW_TESTS.get(item.path.name, ()):
            item.add_marker(pytest.mark.slow)
