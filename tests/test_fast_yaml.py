"""libyaml's fast path reads documents exactly as ruamel's careful path does."""

from __future__ import annotations

from pathlib import Path

import pytest

from workoutexport import source
from workoutexport.diagnostics import WorkoutError
from workoutexport.source import _fast_compose, _yaml, parse_text

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(
    [
        *ROOT.glob("workouts/**/*.yaml"),
        *ROOT.glob("tests/invalid/*.yaml"),
        *ROOT.glob("tests/fuzz-regressions/*.yaml"),
        *ROOT.glob("tests/cases/*/*.yaml"),
    ],
    key=str,
)


def _read(text: str) -> object:
    try:
        doc = parse_text(text, "w.yaml")
    except WorkoutError as exc:
        return [d.format() for d in exc.diagnostics]
    return doc.data, doc.values, doc.keys


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_both_paths_give_the_same_document_or_the_same_diagnostics(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = path.read_text(encoding="utf-8")
    monkeypatch.setattr(source, "_warm", True)  # as from the second file of a run on
    fast = _read(text)
    monkeypatch.setattr(source, "_fast_compose", lambda text, yaml: None)
    assert _read(text) == fast


def test_the_fast_path_reads_ordinary_workouts() -> None:
    text = (ROOT / "workouts" / "400m-repeats.yaml").read_text(encoding="utf-8")
    assert _fast_compose(text, _yaml()) is not None
    taken = sum(
        _fast_compose(p.read_text(encoding="utf-8"), _yaml()) is not None
        for p in ROOT.glob("workouts/*.yaml")
    )
    assert taken >= 10


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object:os.system x\n",  # a tag
        "%YAML 1.1\n---\na: yes\n",  # a directive
        "a: [1, 2\n",  # broken
        "a:\nb: 1\n",  # an empty value
        "a: " + "[" * 201 + "]" * 201 + "\n",  # too deep
        "a: [" + "1, " * 50_001 + "]\n",  # too many nodes
    ],
)
def test_what_the_fast_path_leaves_to_ruamel(text: str) -> None:
    assert _fast_compose(text, _yaml()) is None


def test_an_alias_bomb_is_refused_on_the_fast_path() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 7)]
    text = "\n".join(lines) + "\n"
    assert _fast_compose(text, _yaml()) is not None
    with pytest.raises(WorkoutError, match="expands to more than 200,000 YAML nodes"):
        parse_text(text, "bomb.yaml")


def test_an_alias_inside_its_own_node_is_refused_on_the_fast_path() -> None:
    text = "a: &a [1, *a]\n"
    assert _fast_compose(text, _yaml()) is not None
    with pytest.raises(WorkoutError, match="an alias refers to a node that holds it"):
        parse_text(text, "loop.yaml")
