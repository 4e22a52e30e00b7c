"""The walk over libyaml's events reads documents exactly as ruamel's careful path does."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from workoutexport import source
from workoutexport.diagnostics import WorkoutError
from workoutexport.source import _careful, _walk, parse_text

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


def _outcome(read: object, text: str) -> object:
    try:
        doc = read(text, "w.yaml")  # type: ignore[operator]
    except WorkoutError as exc:
        return [d.format() for d in exc.diagnostics]
    if doc is None:
        return None
    return doc.data, doc.values, doc.keys


def _same(text: str) -> object:
    careful = _outcome(_careful, text)
    walked = _outcome(_walk, text)
    assert walked is None or walked == careful
    assert _outcome(parse_text, text) == careful
    return walked


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_both_paths_give_the_same_document_or_the_same_diagnostics(path: Path) -> None:
    _same(path.read_text(encoding="utf-8").removeprefix("\ufeff"))


def test_the_walk_reads_every_shipped_workout() -> None:
    shipped = sorted(ROOT.glob("workouts/**/*.yaml"))
    assert len(shipped) >= 20
    for path in shipped:
        assert _walk(path.read_text(encoding="utf-8"), "w.yaml") is not None, path


SCALARS = [
    "x",
    "400m",
    "3:40-3:50/km",
    "1:30",
    "10",
    "-3",
    "+5",
    "0",
    "-0",
    "007",
    "0o17",
    "0x1F",
    "0b101",
    "1_000",
    "1.5",
    "-0.0",
    "1.",
    ".5",
    "1e3",
    "1E-3",
    "+1.5e+2",
    ".inf",
    "-.Inf",
    ".nan",
    "true",
    "True",
    "TRUE",
    "tRue",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "null",
    "Null",
    "~",
    "nUll",
    "2026-01-05",
    "2026-01-05T10:00:00Z",
    "2026-1-5",
    "12345-6",
    "<<",
    "=",
    "1:30:00",
    "5.",
    "-",
    "--",
    "-x",
    ".",
    "..",
    "1.2.3",
    "1e",
    "e3",
    "0.5e",
    "9" * 120,
    "1,000",
    "1_2e-5",
    "9_9e-1",
    "1234-5",
    "1_34-5",
    "12_4-",
    "0_1.5",
    "3-4",
    "6-8",
    "NaN",
    "Infinity",
    "tru",
    "n",
    "y",
    "Y",
    "1__0",
    "_1",
    "0x",
    "0o",
]


@pytest.mark.parametrize("word", SCALARS)
def test_each_kind_of_plain_value_reads_the_same(word: str) -> None:
    _same(f"a: {word}\nb: [{word}]\n{word}: 1\n")


@settings(deadline=None, max_examples=300)
@given(st.text(alphabet="0123456789+-.eE_xobTtFfNnUuLlAaRrSs:~ ", min_size=1, max_size=12))
@example("1_2e-5")  # a number with an underscore and a '-' where a date has one
def test_any_plain_value_reads_the_same(word: str) -> None:
    _same(f"a: {word}\n")


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object:os.system x\n",  # a tag (never reaches the walk)
        "%YAML 1.1\n---\na: yes\n",  # a directive (never reaches the walk)
        "a: [1, 2\n",  # broken
        "a:\nb: 1\n",  # an empty value
        "a: " + "[" * 201 + "]" * 201 + "\n",  # too deep
        "a: [" + "1, " * 1_001 + "]\n",  # too many nodes (the limit lowered to 1,000 here)
        "a: &x 1\nb: *x\n",  # an anchor and an alias
        "a: 1\na: 2\n",  # a duplicate key
        "[a]: 1\n",  # a key that is not a word
        "<<: {a: 1}\n",  # a merge key
        "a: 1\n---\nb: 2\n",  # two documents
        "",  # nothing
        "# only a comment\n",
        "a:\t1\n",  # a tab (ruamel: indent with spaces)
        "a: x\u2028b: 2\n",  # a line break in YAML 1.1 only
        "# \x85\na: 1\n",  # NEL in a comment: libyaml would count a line more
    ],
)
def test_what_the_walk_leaves_to_the_careful_path(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source, "MAX_SOURCE_NODES", 1_000)
    assert _walk(text, "w.yaml") is None
    _same(text)


def test_an_alias_bomb_is_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 7)]
    with pytest.raises(WorkoutError, match="expands to more than 200,000 YAML nodes"):
        parse_text("\n".join(lines) + "\n", "bomb.yaml")


def test_an_alias_inside_its_own_node_is_refused() -> None:
    with pytest.raises(WorkoutError, match="an alias refers to a node that holds it"):
        parse_text("a: &a [1, *a]\n", "loop.yaml")


def test_the_careful_loaders_classes_are_made_once_and_its_state_is_not_shared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert source._classes() is source._classes()
    assert source._yaml() is not source._yaml()
    monkeypatch.setattr(source, "MAX_SOURCE_NODES", 100)
    big = "a: [" + "1, " * 60 + "]\n"
    for _ in range(3):  # node counts do not add up from one document to the next
        assert source._careful(big, "w.yaml").data["a"][0] == 1
