"""outputs.read_input: the bounded read that YAML workouts, imports and descriptors share."""

from __future__ import annotations

from pathlib import Path

import pytest

from workoutexport.device import DeviceError
from workoutexport.diagnostics import Position, WorkoutError
from workoutexport.outputs import read_input


def test_a_file_at_the_limit_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "w.fit"
    path.write_bytes(b"x" * 10)
    assert read_input(path, Position("w.fit", 0, 0), 10) == b"x" * 10


def test_one_byte_over_the_limit_is_refused_in_mib(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_bytes(b"x" * (2 * 1024 * 1024 + 1))
    with pytest.raises(WorkoutError) as info:
        read_input(path, Position("w.yaml"), 2 * 1024 * 1024)
    assert [d.format() for d in info.value.diagnostics] == [
        "w.yaml:1:1: error: file is larger than 2 MiB"
    ]


def test_the_callers_words_and_error_class(tmp_path: Path) -> None:
    path = tmp_path / "GarminDevice.xml"
    path.write_bytes(b"<x/>" * 3)
    with pytest.raises(DeviceError) as info:
        read_input(path, Position("d", 0, 0), 4, too_large="too big", error_class=DeviceError)
    assert [d.format() for d in info.value.diagnostics] == ["d: error: too big"]


def test_an_unreadable_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(WorkoutError) as info:
        read_input(tmp_path, Position("folder", 0, 0), 10)  # a folder cannot be opened
    assert [d.format() for d in info.value.diagnostics] == [
        "folder: error: cannot read: not a regular file (a folder)"
    ]
