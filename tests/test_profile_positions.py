"""Errors a profile causes point at the profile as well as at the workout, with real lines."""

from __future__ import annotations

from pathlib import Path

from test_cli import run

WORKOUT = "name: W\nsteps:\n  - run: 1km\n"


def test_a_missing_named_pace_points_at_the_profiles_paces(tmp_path: Path) -> None:
    # The paces: key is on line 3, after a comment and the heart rates.
    (tmp_path / "profile.yaml").write_text("# me\nhr: {max: 190}\npaces:\n  easy: 5:30/km\n")
    (tmp_path / "w.yaml").write_text(WORKOUT + "    pace: tempo\n")
    code, _, stderr = run("check", "w.yaml", cwd=tmp_path)
    assert code == 1
    assert stderr.splitlines()[0] == (
        "w.yaml:4:11: error: named pace 'tempo' is not in the profile's paces at "
        "profile.yaml:3:1 (easy)"
    )


def test_a_profile_without_paces_says_so(tmp_path: Path) -> None:
    (tmp_path / "profile.yaml").write_text("ftp: 250W\n")
    (tmp_path / "w.yaml").write_text(WORKOUT + "    pace: tempo\n")
    code, _, stderr = run("check", "w.yaml", cwd=tmp_path)
    assert code == 1
    assert stderr.splitlines()[0] == (
        "w.yaml:4:11: error: named pace 'tempo' is not in the profile profile.yaml, which has "
        "no paces: add 'paces: {tempo: ...}' to it"
    )


def test_a_missing_lthr_points_at_the_profiles_heart_rates(tmp_path: Path) -> None:
    (tmp_path / "profile.yaml").write_text("ftp: 250W\n\nhr:\n  max: 190\n")
    (tmp_path / "w.yaml").write_text(WORKOUT + "    hr: 90-95%lthr\n")
    code, _, stderr = run("check", "w.yaml", cwd=tmp_path)
    assert code == 1
    assert stderr.splitlines()[0] == (
        "w.yaml:4:9: error: '%lthr' needs the lactate-threshold heart rate: add 'lthr: ...' "
        "under the profile's hr: at profile.yaml:3:1"
    )


def test_every_workout_a_bad_profile_stops_is_named(tmp_path: Path) -> None:
    (tmp_path / "profile.yaml").write_text("# me\nhr:\n  max: 500\n")
    (tmp_path / "a.yaml").write_text(WORKOUT)
    (tmp_path / "b.yaml").write_text(WORKOUT)
    code, _, stderr = run("build", "a.yaml", "b.yaml", "-o", "out", cwd=tmp_path)
    assert code == 1
    lines = stderr.splitlines()
    # The profile's error once, at its value; then one line per workout not built.
    assert lines[:3] == [
        "a.yaml: error: not built: its profile has errors (the first at profile.yaml:3:8)",
        "b.yaml: error: not built: its profile has errors (the first at profile.yaml:3:8)",
        "profile.yaml:3:8: error: '500': maximum heart rate must be between 100 and 250",
    ]
    assert not (tmp_path / "out").exists()


def test_a_bad_explicit_profile_builds_nothing_against_another(tmp_path: Path) -> None:
    # Before: the workout was built with no profile at all, and only the exit code said so.
    (tmp_path / "athlete.yaml").write_text("hr:\n  max: 500\n")
    (tmp_path / "w.yaml").write_text(WORKOUT)
    code, _, stderr = run("build", "--profile", "athlete.yaml", "w.yaml", "-o", "out", cwd=tmp_path)
    assert code == 1
    assert (
        "w.yaml: error: not built: the profile given with --profile has errors "
        "(the first at athlete.yaml:2:8)"
    ) in stderr
    assert not (tmp_path / "out").exists()
