"""A run's caches (profiles by folder, resolved output folders) give what they stand for."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workoutexport.outputs import Outputs
from workoutexport.pipeline import ProfileCache


def test_a_symlinked_workout_does_not_lend_its_profile_to_its_neighbours(tmp_path: Path) -> None:
    lib, sub = tmp_path / "lib", tmp_path / "lib" / "sub"
    sub.mkdir(parents=True)
    (lib / "profile.yaml").write_text("paces:\n  easy: 6:00/km\n", encoding="utf-8")
    (sub / "profile.yaml").write_text("paces:\n  easy: 4:00/km\n", encoding="utf-8")
    workout = "name: W\nsteps:\n  - run: 10min\n    pace: easy\n"
    (sub / "a.yaml").write_text(workout, encoding="utf-8")
    (lib / "b.yaml").write_text(workout, encoding="utf-8")
    (lib / "a.yaml").symlink_to(sub / "a.yaml")
    cache = ProfileCache()
    # The symlink's real folder first, then its neighbour: each its own nearest profile.
    assert cache.for_workout(lib / "a.yaml").source == str(sub / "profile.yaml")
    assert cache.for_workout(lib / "b.yaml").source == str(lib / "profile.yaml")


def test_a_folder_swapped_for_a_symlink_is_resolved_again(tmp_path: Path) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    (inputs / "x.fit").write_bytes(b"an input")
    (out / "a").mkdir(parents=True)
    outputs = Outputs(out)
    outputs.protect([inputs / "x.fit"])
    outputs.check(out / "a" / "x.fit")  # a plain folder: fine
    (out / "a").rmdir()
    os.symlink(inputs, out / "a")  # now out/a/x.fit is the input
    with pytest.raises(OSError):
        outputs.check(out / "a" / "x.fit")
