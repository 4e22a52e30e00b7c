"""Broken workouts: each file in tests/invalid/ names the diagnostics it must produce.

A header line `# expect: LINE:COL: text` asks for an error at exactly that line and column
whose message starts with `text`. Every error must be expected, so nothing extra slips in.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workoutexport.diagnostics import WorkoutError
from workoutexport.pipeline import load_workout
from workoutexport.source import parse_bytes

HERE = Path(__file__).parent / "invalid"
FILES = sorted(HERE.glob("*.yaml"))
EXPECT = re.compile(r"# expect: (\d+):(\d+): (.*)")


def _expected(path: Path) -> list[tuple[int, int, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = EXPECT.fullmatch(line)
        if m:
            out.append((int(m.group(1)), int(m.group(2)), m.group(3)))
    return out


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_invalid_file(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(HERE)
    expected = _expected(path)
    assert expected, f"{path.name} has no '# expect:' line"
    with pytest.raises(WorkoutError) as info:
        load_workout(Path(path.name))
    errors = [d for d in info.value.diagnostics if d.severity == "error"]
    got = [(d.position.line, d.position.col, d.message) for d in errors]
    for d in errors:
        assert d.position.path == path.name
    assert len(got) == len(expected), f"errors: {got}"
    for (line, col, text), (gl, gc, msg) in zip(expected, got, strict=True):
        assert (gl, gc) == (line, col), f"{msg!r} at {gl}:{gc}, expected {line}:{col}"
        assert msg.startswith(text), f"{msg!r} does not start with {text!r}"


def test_python_tag_constructs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f'name: !!python/object/apply:os.system ["touch {marker}"]\nsteps: [{{run: 1min}}]\n'
    with pytest.raises(WorkoutError):
        parse_bytes(text.encode(), "w.yaml")
    assert not marker.exists()


@pytest.mark.parametrize(
    ("raw", "line", "col", "text"),
    [
        (b"name: caf\xe9\nsteps: []\n", 1, 10, "file is not valid UTF-8"),
        (b"name: x\nsteps:\n  - run: 1min\x00\n", 3, 1, "file contains a NUL"),
        (b"\n\n", 1, 1, "file is empty"),
        (bytes(range(256)), 2, 118, "file is not valid UTF-8"),
    ],
)
def test_bytes_that_are_not_yaml_text(raw: bytes, line: int, col: int, text: str) -> None:
    with pytest.raises(WorkoutError) as info:
        parse_bytes(raw, "w.yaml")
    d = info.value.diagnostics[0]
    assert (d.position.line, d.position.col) == (line, col)
    assert d.message.startswith(text)
