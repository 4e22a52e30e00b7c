"""Near every limit of source.py, the walk over libyaml's events and ruamel's careful path agree.

Which path reads a document depends on what it holds, so any input the two read differently
would give a diagnostic that depends on a detail of the file; and the command line must give
a file the same diagnostics whatever was read before it (`check a.yaml b.yaml`, `-j 2`).
Limits are lowered here (both paths read them from the module) so that
documents just under, at and just over them stay small; depth is tried at its real value.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workoutexport import source
from workoutexport.diagnostics import WorkoutError
from workoutexport.parallel import MIN_PER_WORKER
from workoutexport.source import parse_text

ROOT = Path(__file__).resolve().parent.parent

# No Hypothesis deadline in this file. Each example reads its document twice, once through
# ruamel, whose pure-Python composer needs tens to hundreds of milliseconds for the nesting
# and node counts tried here; on a loaded machine that crossed the default 200 ms deadline
# (3 runs in 5), and Hypothesis then fails with DeadlineExceeded or Flaky. These tests are
# about what the two paths read, not how fast; that hostile documents are refused quickly is
# tested on its own (test_hostile_yaml.py), not by a wall clock on every example.


def _read(text: str, *, fast: bool) -> tuple[object, bool]:
    """What one path gives (parse_text, which walks libyaml's events where it can, or the
    careful path alone), and whether the walk read the document."""
    taken = False
    real = source._walk

    def spy(text: str, path: str) -> Any:
        nonlocal taken
        doc = real(text, path)
        taken = doc is not None
        return doc

    try:
        if fast:
            with patch.object(source, "_walk", spy):
                doc = parse_text(text, "w.yaml")
        else:
            doc = source._careful(text, "w.yaml")
    except WorkoutError as exc:
        return [d.format() for d in exc.diagnostics], taken
    return (doc.data, doc.values, doc.keys), taken


def _same_on_both_paths(text: str) -> object:
    """The outcome, after checking both paths give it; a document ruamel reads without
    anchors must be read by the walk too (else the comparison would be ruamel against
    itself). Anchors and aliases always go the careful way."""
    careful, _ = _read(text, fast=False)
    fast, taken = _read(text, fast=True)
    assert fast == careful
    if not isinstance(careful, list) and "&" not in text:
        assert taken, "the walk left a document it could read to ruamel"
    return careful


@contextmanager
def _limits(**values: int) -> Iterator[None]:
    with ExitStack() as stack:
        for name, value in values.items():
            stack.enter_context(patch.object(source, name, value))
        yield


# --- depth: the real limit, 200 nodes from the root down to the deepest one -------------

OPEN = {"list": ("[", "]"), "map": ("{k: ", "}")}
LEAVES = ["1", "x", '"q"', "[]", "{}", "*a", "'s'", "2.5"]


@settings(max_examples=50, deadline=None)
@given(
    depth=st.integers(192, 204),
    pattern=st.lists(st.sampled_from(sorted(OPEN)), min_size=1, max_size=4),
    leaf=st.sampled_from(LEAVES),
    wrap=st.sampled_from(["root", "vars", "key"]),
)
def test_flow_nesting_near_the_depth_limit(
    depth: int, pattern: list[str], leaf: str, wrap: str
) -> None:
    kinds = [pattern[i % len(pattern)] for i in range(depth)]
    nest = "".join(OPEN[k][0] for k in kinds) + leaf + "".join(OPEN[k][1] for k in reversed(kinds))
    if wrap == "root":
        text = nest.replace("*a", "1") + "\n"
    elif wrap == "vars":
        text = f"a: &a 7\nvars: {{a: {nest}}}\n"
    else:
        text = f"a: &a 7\nb: {nest}\n"
    _same_on_both_paths(text)


@settings(max_examples=30, deadline=None)
@given(depth=st.integers(192, 204), leaf=st.sampled_from(["1", "x", "[]", "{}"]))
def test_block_nesting_near_the_depth_limit(depth: int, leaf: str) -> None:
    _same_on_both_paths("- " * depth + leaf + "\n")


@pytest.mark.parametrize(
    ("lists", "refused"),
    # The root mapping, its `vars` mapping, the lists, then the scalar: 3 + lists nodes
    # from the root down; 200 are allowed.
    [(196, False), (197, False), (198, True), (199, True)],
)
def test_the_depth_limit_counts_the_scalar_on_both_paths(lists: int, refused: bool) -> None:
    text = "vars: {a: " + "[" * lists + "1" + "]" * lists + "}\n"
    outcome = _same_on_both_paths(text)
    if refused:
        assert outcome == ["w.yaml:1:209: error: YAML is nested more than 200 levels deep"]
    else:
        assert not isinstance(outcome, list)


# --- nodes as written: MAX_SOURCE_NODES, aliases counted as nodes -----------------------

WORDS = st.sampled_from(["x", "y1", "42", "-3", "true", "null", "'q'", '"d"', "*a", "1.5"])
TREES = st.recursive(
    WORDS,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.sampled_from(["k", "m", "n", "p"]), inner, max_size=4)
    ),
    max_leaves=40,
)


def _flow(tree: Any) -> str:
    if isinstance(tree, list):
        return "[" + ", ".join(_flow(t) for t in tree) + "]"
    if isinstance(tree, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in tree.items()) + "}"
    return str(tree)


def _written_nodes(tree: Any) -> int:
    if isinstance(tree, list):
        return 1 + sum(_written_nodes(t) for t in tree)
    if isinstance(tree, dict):
        return 1 + sum(1 + _written_nodes(v) for v in tree.values())
    return 1


@settings(deadline=None)
@given(tree=TREES, delta=st.integers(-2, 2))
def test_node_count_near_the_limit(tree: Any, delta: int) -> None:
    text = f"a: &a [1, 2]\nb: {_flow(tree)}\n"
    # The root mapping, key a, [1, 2] and its two items, key b, then the tree.
    written = 6 + _written_nodes(tree)
    with _limits(MAX_SOURCE_NODES=written + delta):
        outcome = _same_on_both_paths(text)
    refused = isinstance(outcome, list) and any("YAML nodes" in d for d in outcome)
    assert refused == (delta < 0)


def test_node_count_at_the_real_limit() -> None:
    # The root mapping, the key, the list: 3 nodes, then one per item.
    at_limit = "a: [" + "1, " * (source.MAX_SOURCE_NODES - 3) + "]\n"
    assert not isinstance(_same_on_both_paths(at_limit), list)
    over = "a: [" + "1, " * (source.MAX_SOURCE_NODES - 2) + "]\n"
    outcome = _same_on_both_paths(over)
    assert isinstance(outcome, list) and "more than 50,000 YAML nodes" in outcome[0]


# --- expansion: MAX_NODES and MAX_EXPANDED_CHARS, each alias counted where it is used ----


def _chain(width: int, fan: int, links: int, word: str) -> tuple[str, int, int]:
    """`a0: &a0 [word x width]`, then `aN: &aN [*aN-1 x fan]`: the text, and the nodes and
    characters it expands to, worked out level by level."""
    lines = [f"a0: &a0 [{', '.join([word] * width)}]"]
    nodes, chars = 1 + width, width * len(word)
    total_nodes, total_chars = 1 + 1 + nodes, 2 + chars  # the root mapping, key a0, list
    for i in range(1, links + 1):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * fan)}]")
        nodes, chars = 1 + fan * nodes, fan * chars
        total_nodes += 1 + nodes
        total_chars += len(f"a{i}") + chars
    return "\n".join(lines) + "\n", total_nodes, total_chars


CHAINS = st.tuples(
    st.integers(1, 6), st.integers(1, 4), st.integers(0, 4), st.sampled_from(["x", "long words"])
)


@settings(deadline=None)
@given(chain=CHAINS, delta=st.integers(-2, 2))
def test_expanded_nodes_near_the_limit(chain: tuple[int, int, int, str], delta: int) -> None:
    text, nodes, _ = _chain(*chain)
    with _limits(MAX_NODES=nodes + delta):
        outcome = _same_on_both_paths(text)
    refused = isinstance(outcome, list) and any("expands to more than" in d for d in outcome)
    assert refused == (delta < 0)


@settings(deadline=None)
@given(chain=CHAINS, delta=st.integers(-2, 2))
def test_expanded_text_near_the_limit(chain: tuple[int, int, int, str], delta: int) -> None:
    text, _, chars = _chain(*chain)
    with _limits(MAX_EXPANDED_CHARS=chars + delta):
        outcome = _same_on_both_paths(text)
    refused = isinstance(outcome, list) and any("characters of text" in d for d in outcome)
    assert refused == (delta < 0)


# --- every file the project keeps --------------------------------------------------------

FILES = sorted(
    [
        *ROOT.glob("workouts/**/*.yaml"),
        *ROOT.glob("tests/invalid/**/*.yaml"),
        *ROOT.glob("tests/fuzz-regressions/**/*.yaml"),
        *ROOT.glob("tests/cases/**/*.yaml"),
    ],
    key=str,
)


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_every_kept_file_reads_the_same_on_both_paths(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", errors="replace").removeprefix("\ufeff")
    careful, _ = _read(text, fast=False)
    fast, _ = _read(text, fast=True)
    assert fast == careful


# --- the command line: what was read before does not change a file's diagnostics ---------

EASY = "name: Easy\nsteps:\n  - run: 30min\n"


def _deep(lists: int) -> str:
    return f"name: Deep\nvars:\n  a: {'[' * lists}1{']' * lists}\nsteps:\n  - run: 30min\n"


def _check(cwd: Path, *names: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "workoutexport", "check", *names],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1, out.stderr
    return [line for line in out.stderr.splitlines() if line.startswith("deep.yaml:")]


@pytest.mark.parametrize("lists", [197, 198])
def test_check_gives_a_deep_file_the_same_diagnostic_after_another_file(
    tmp_path: Path, lists: int
) -> None:
    (tmp_path / "easy.yaml").write_text(EASY, encoding="utf-8")
    (tmp_path / "deep.yaml").write_text(_deep(lists), encoding="utf-8")
    alone = _check(tmp_path, "deep.yaml")
    assert alone and alone == _check(tmp_path, "easy.yaml", "deep.yaml")
    # The root mapping, vars, the lists and the scalar: 3 + lists levels; 200 allowed.
    if lists == 198:
        assert alone == ["deep.yaml:3:204: error: YAML is nested more than 200 levels deep"]
    else:
        assert "variable 'a' must be a text or a number, not a list" in alone[0]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_check_of_a_folder_gives_every_copy_of_a_deep_file_the_same_diagnostic(
    tmp_path: Path, jobs: str
) -> None:
    # Enough files for two workers (parallel.MIN_PER_WORKER each): each worker reads its
    # first file on a path of its own choosing, every later one on the fast path.
    for i in range(2 * MIN_PER_WORKER):
        (tmp_path / f"deep{i:02d}.yaml").write_text(_deep(198), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "workoutexport", "check", ".", "-j", jobs],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1, out.stderr
    errors = sorted(line for line in out.stderr.splitlines() if ": error: " in line)
    assert errors == [
        f"deep{i:02d}.yaml:3:204: error: YAML is nested more than 200 levels deep"
        for i in range(2 * MIN_PER_WORKER)
    ]
