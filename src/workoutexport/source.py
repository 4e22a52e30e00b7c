"""Reading YAML 1.2 into plain values, remembering the line and column of every node.

Only plain data comes out: mappings, sequences, strings, numbers, booleans and null. YAML tags
are refused before anything is constructed (so no tag can build an object or run code),
duplicate keys are refused, and a document whose alias expansion is too large (an alias
bomb) is refused from the composed graph, before it is expanded.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Position, WorkoutError, error
from .outputs import read_input

#: YAML nodes a file may hold as written (a real workout has a few hundred).
MAX_SOURCE_NODES = 50_000
#: Nodes a document may expand to (aliases counted each time they are used).
MAX_NODES = 200_000
#: Nodes on the way from a document's root down to its deepest node, that node included
#: (a key or a scalar is a level of its own).
MAX_DEPTH = 200
#: Bytes a workout or profile file may have.
MAX_BYTES = 4 * 1024 * 1024
#: Characters of text (keys and scalars) a document may expand to, aliases and `${var}`
#: references counted each time they are used. Twice the largest file: what a file holds
#: as written always fits, and neither aliases nor variables can multiply the work.
MAX_EXPANDED_CHARS = 2 * MAX_BYTES

Loc = tuple[str | int, ...]

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
#: Tags the YAML 1.2 resolver gives plain text by itself; their text is kept as text.
_IMPLICIT_TEXT_TAGS = {"tag:yaml.org,2002:timestamp"}


@dataclass
class Document:
    """A YAML file as plain values, with positions of every value and every key."""

    path: str
    data: Any
    values: dict[Loc, Position] = field(default_factory=dict)
    keys: dict[Loc, Position] = field(default_factory=dict)

    def at(self, loc: Loc) -> Position:
        """Position of the value at `loc`, or of its nearest ancestor that exists."""
        loc = tuple(loc)
        while loc:
            pos = self.values.get(loc)
            if pos is not None:
                return pos
            loc = loc[:-1]
        return self.values.get((), Position(self.path))

    def key_at(self, loc: Loc) -> Position:
        """Position of the key that names `loc` (falls back to the value)."""
        return self.keys.get(tuple(loc)) or self.at(loc)


#: Documents already parsed in this context, by (file, name shown): see `parsed_once`.
_PARSED: ContextVar[dict[tuple[Path, str], Document | WorkoutError] | None] = ContextVar(
    "parsed", default=None
)


@contextlib.contextmanager
def parsed_once(store: dict[tuple[Path, str], Document | WorkoutError]) -> Iterator[None]:
    """Within the block, `read_file` parses each file once into `store` and hands out that
    document (or raises that error) again: one run reads a plan, its sessions' workouts and
    their `vars:` from one parse each. Documents are never changed after parsing."""
    token = _PARSED.set(store)
    try:
        yield
    finally:
        _PARSED.reset(token)


def read_file(path: Path, display: str | None = None) -> Document:
    """Read and parse a YAML file; every problem becomes a WorkoutError."""

    shown = display if display is not None else str(path)
    store = _PARSED.get()
    if store is None:
        return parse_bytes(read_input(path, Position(shown), MAX_BYTES), shown)
    key = (Path(path).resolve(), shown)
    found = store.get(key)
    if found is None:
        try:
            found = parse_bytes(read_input(path, Position(shown), MAX_BYTES), shown)
        except WorkoutError as exc:
            found = exc
        store[key] = found
    if isinstance(found, WorkoutError):
        raise WorkoutError(found.diagnostics)
    return found


def parse_bytes(raw: bytes, path: str) -> Document:
    """A YAML document from file bytes (UTF-8); raises WorkoutError with positions."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise WorkoutError(
            [error(Position(path, line, col), "file is not valid UTF-8 text")]
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return parse_text(text, path)


class _Limit(Exception):
    def __init__(self, mark: Any, message: str) -> None:
        self.mark = mark
        self.message = message


def _yaml() -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.composer import Composer
    from ruamel.yaml.scanner import Scanner

    class Yaml12Scanner(Scanner):
        """Refuses a `%YAML` directive other than 1.2: 1.1 changes what `yes` and `1:30` mean."""

        def scan_yaml_directive_value(self, start_mark: Any) -> Any:
            version = super().scan_yaml_directive_value(start_mark)
            if tuple(version) != (1, 2):
                major, minor = version
                raise _Limit(
                    start_mark,
                    f"'%YAML {major}.{minor}': workout files are YAML 1.2; "
                    "remove the directive or write '%YAML 1.2'",
                )
            return version

        def scan_flow_scalar_non_spaces(self, double: Any, start_mark: Any) -> Any:
            try:
                return super().scan_flow_scalar_non_spaces(double, start_mark)
            except (ValueError, OverflowError):
                # chr() refuses an escape such as "\U00110000", above the last code point
                # (ValueError), or "\U80000000", above a C int (OverflowError).
                raise _Limit(
                    self.reader.get_mark(),
                    "YAML syntax: this escape names no Unicode character "
                    "(the last one is U+10FFFF)",
                ) from None

    class BoundedComposer(Composer):
        """Stops as soon as a document is too deep or too large, before reading the rest."""

        # Not `depth`: ruamel 0.19's Composer keeps a `depth` of its own and adds to it for
        # every node but an alias, so sharing the name counted most levels twice.
        bound_depth = 0
        count = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            self.bound_depth += 1
            self.count += 1
            try:
                if self.bound_depth > MAX_DEPTH:
                    mark = self.parser.peek_event().start_mark
                    raise _Limit(mark, f"YAML is nested more than {MAX_DEPTH} levels deep")
                if self.count > MAX_SOURCE_NODES:
                    mark = self.parser.peek_event().start_mark
                    raise _Limit(
                        mark,
                        f"file holds more than {MAX_SOURCE_NODES:,} YAML nodes; a workout is "
                        "far smaller",
                    )
                return super().compose_node(parent, index)
            finally:
                self.bound_depth -= 1

    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 2)
    yaml.Composer = BoundedComposer
    yaml.Scanner = Yaml12Scanner
    return yaml


def _yaml_in_words(problem: str, line: int) -> str | None:
    """The YAML parser's complaint said the way a workout writer understands it, with what to
    do; None when it is not one of the usual ones."""
    if "'\\t'" in problem or "\t" in problem:
        return f"YAML indents with spaces, not tabs: replace the tab on line {line} with spaces"
    if "mapping values are not allowed" in problem:
        return (
            "a ': ' inside a value starts a new key: quote text that contains ': ', "
            'such as note: "Don\'t stop: keep going"'
        )
    if "expected <block end>" in problem or "could not find expected ':'" in problem:
        return (
            f"check the indentation of line {line}: keys of one step line up under each "
            "other, two spaces in from the '-'"
        )
    return None


def _mark(path: str, mark: Any) -> Position:
    if mark is None:
        return Position(path)
    return Position(path, int(mark.line) + 1, int(mark.column) + 1)


def parse_text(text: str, path: str) -> Document:
    """A YAML 1.2 document with positions kept; raises WorkoutError with positions."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise WorkoutError([error(Position(path, line, 1), "file contains a NUL character")])
    yaml = _yaml()
    try:
        # The first document of a run goes through ruamel alone: importing PyYAML costs a
        # single build more than libyaml saves on one file; from the second on it pays.
        global _warm
        root = _fast_compose(text, yaml) if _warm else None
        _warm = True
        if root is None:
            with warnings.catch_warnings():
                # YAML 1.2 lets an anchor be defined again (the later one counts); ruamel warns.
                warnings.simplefilter("ignore")
                root = yaml.compose(text)
    except _Limit as exc:
        raise WorkoutError([error(_mark(path, exc.mark), exc.message)]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.problem and exc.context and exc.context_mark is not None:
            start = exc.context_mark.line + 1
            problem += f" ({exc.context} that starts at line {start})"
        line = mark.line + 1 if mark is not None else 0
        message = _yaml_in_words(exc.problem or "", line) or f"YAML syntax: {problem}"
        raise WorkoutError([error(_mark(path, mark), message)]) from None
    except YAMLError as exc:
        raise WorkoutError([error(Position(path), f"YAML syntax: {exc}")]) from None
    except RecursionError:
        raise WorkoutError([error(Position(path), "YAML is nested too deeply")]) from None
    doc = Document(path=path, data=None)
    if root is None:
        raise WorkoutError([error(Position(path), "file is empty")])
    _check_size(root, path)
    converter = _Converter(yaml, doc)
    doc.data = converter.convert(root)
    return doc


#: Whether this process has read a document already (see parse_text).
_warm = False


def _fast_compose(text: str, yaml: Any) -> Any:
    """The document's node graph from libyaml (PyYAML's C parser), about thirty times faster
    than ruamel's pure-Python one, as the same ruamel nodes with the same marks and YAML 1.2
    tags; None where the careful path must read it instead.

    That is: any text with a tag or a directive (`!`, or `%` at the start of a line), which
    ruamel's path refuses with its own messages; any text libyaml finds wrong (the
    diagnostics come from ruamel's path, as before); any text past the depth or node limits
    (found from libyaml's events, before anything is composed); and any document with an
    empty value, which the two place differently. Otherwise libyaml and ruamel report the
    same marks, and every plain scalar's tag is resolved again by ruamel's YAML 1.2 resolver.
    """
    if "!" in text or text.startswith("%") or "\n%" in text:
        return None
    try:
        import yaml as pyyaml  # type: ignore[import-untyped]
        from yaml import CSafeLoader
    except ImportError:  # PyYAML without libyaml: the careful path it is
        return None
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    try:
        # Counted as BoundedComposer counts: every node, aliases and scalars included, is a
        # level of its own, one below the collection that holds it. Counting collections
        # alone let a document ruamel refuses (200 lists around a scalar) through here.
        depth = count = 0
        for event in pyyaml.parse(text, Loader=CSafeLoader):
            if isinstance(event, pyyaml.CollectionEndEvent):
                depth -= 1
                continue
            if not isinstance(event, pyyaml.NodeEvent):
                continue
            count += 1
            if depth + 1 > MAX_DEPTH or count > MAX_SOURCE_NODES:
                return None
            if isinstance(event, pyyaml.CollectionStartEvent):
                depth += 1
        root = pyyaml.compose(text, Loader=CSafeLoader)
    except pyyaml.YAMLError:
        return None
    if root is None:
        return None
    resolve = yaml.resolver.resolve
    made: dict[int, Any] = {}

    def node(old: Any) -> Any:
        # Aliases are shared nodes: each is made once, so an alias bomb stays as small here
        # as in the file, and an alias inside its own node stays a cycle for _check_size.
        new = made.get(id(old))
        if new is not None:
            return new
        if isinstance(old, pyyaml.ScalarNode):
            # libyaml marks a plain scalar's style '' (PyYAML's own parser, None).
            plain = not old.style
            if plain and not old.value:
                # An empty value: libyaml puts it after the colon, ruamel at the next token.
                raise _Careful
            tag = resolve(ScalarNode, old.value, (True, False)) if plain else STR
            new = ScalarNode(tag, old.value, old.start_mark, old.end_mark, style=old.style or None)
            made[id(old)] = new
        elif isinstance(old, pyyaml.SequenceNode):
            new = SequenceNode(SEQ, [], old.start_mark, old.end_mark)
            made[id(old)] = new
            new.value.extend(node(item) for item in old.value)
        else:
            new = MappingNode(MAP, [], old.start_mark, old.end_mark)
            made[id(old)] = new
            new.value.extend((node(k), node(v)) for k, v in old.value)
        return new

    try:
        return node(root)
    except _Careful:
        return None


class _Careful(Exception):
    """This document is for ruamel's path after all."""


STR, SEQ, MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


def _children(node: Any) -> Iterator[Any]:
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    if isinstance(node, MappingNode):
        for k, v in node.value:
            yield k
            yield v
    elif isinstance(node, SequenceNode):
        yield from node.value


def _check_size(root: Any, path: str) -> None:
    """Count what the document would expand to, without expanding it (alias bombs).

    Nodes and characters are both counted, each alias as often as it is used, and an alias
    inside the node it names (``&a [*a]``) is refused: it would expand without end.
    """
    from ruamel.yaml.nodes import ScalarNode

    # Per node: (nodes, characters) it expands to. Iterative depth-first walk, so deep
    # nesting cannot exhaust the Python stack; `open_` holds the nodes on the current path.
    sizes: dict[int, tuple[int, int]] = {}
    open_: set[int] = set()
    stack: list[tuple[Any, Iterator[Any]]] = [(root, _children(root))]
    open_.add(id(root))
    while stack:
        node, todo = stack[-1]
        child = next(todo, None)
        if child is not None:
            if id(child) in open_:
                raise WorkoutError(
                    [
                        error(
                            _mark(path, child.start_mark), "an alias refers to a node that holds it"
                        )
                    ]
                )
            if id(child) not in sizes:
                open_.add(id(child))
                stack.append((child, _children(child)))
            continue
        stack.pop()
        open_.discard(id(node))
        nodes = 1
        chars = len(str(node.value)) if isinstance(node, ScalarNode) else 0
        for c in _children(node):
            n, k = sizes[id(c)]
            nodes += n
            chars += k
        if nodes > MAX_NODES:
            raise WorkoutError(
                [
                    error(
                        _mark(path, node.start_mark),
                        f"document expands to more than {MAX_NODES:,} YAML nodes "
                        "(too many aliases?)",
                    )
                ]
            )
        if chars > MAX_EXPANDED_CHARS:
            raise WorkoutError(
                [
                    error(
                        _mark(path, node.start_mark),
                        f"document expands to more than {MAX_EXPANDED_CHARS:,} characters "
                        "of text (an alias of a long text used too often?)",
                    )
                ]
            )
        sizes[id(node)] = (nodes, chars)


class _Converter:
    def __init__(self, yaml: Any, doc: Document) -> None:
        self.yaml = yaml
        self.doc = doc

    def convert(self, root: Any) -> Any:
        # The composer already bounded the depth (MAX_DEPTH), so recursion here is shallow.
        return self._node(root, ())

    def _node(self, node: Any, loc: Loc) -> Any:
        from ruamel.yaml.nodes import MappingNode, SequenceNode

        path = self.doc.path
        pos = _mark(path, node.start_mark)
        self.doc.values[loc] = pos
        tag = str(node.tag)
        if tag not in _PLAIN_TAGS | _COLLECTION_TAGS | _IMPLICIT_TEXT_TAGS:
            # Anything else was written explicitly (!include, !!python/..., !!binary):
            # refused, and never constructed.
            raise WorkoutError(
                [error(pos, f"YAML tags such as '{tag}' are not allowed in workout files")]
            )
        if isinstance(node, MappingNode):
            out: dict[str, Any] = {}
            for knode, vnode in node.value:
                kpos = _mark(path, knode.start_mark)
                if str(knode.tag) == "tag:yaml.org,2002:merge":
                    raise WorkoutError(
                        [error(kpos, "merge keys (<<) are not supported; write the keys out")]
                    )
                if isinstance(knode, MappingNode | SequenceNode):
                    raise WorkoutError([error(kpos, "a key must be a plain word")])
                if str(knode.tag) not in _PLAIN_TAGS | _IMPLICIT_TEXT_TAGS:
                    raise WorkoutError(
                        [error(kpos, f"YAML tags such as '{knode.tag}' are not allowed")]
                    )
                key = self._scalar(knode)
                key = "null" if key is None else str(key)
                if key in out:
                    first = self.doc.keys[(*loc, key)]
                    raise WorkoutError(
                        [
                            error(
                                kpos,
                                f"duplicate key '{key}' (first given at line {first.line})",
                            )
                        ]
                    )
                self.doc.keys[(*loc, key)] = kpos
                out[key] = self._node(vnode, (*loc, key))
            return out
        if isinstance(node, SequenceNode):
            return [self._node(item, (*loc, i)) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _scalar(self, node: Any) -> Any:
        if str(node.tag) not in _PLAIN_TAGS:
            # Implicitly resolved extras (timestamps) stay text.
            return str(node.value)
        try:
            value = self.yaml.constructor.construct_object(node, deep=True)
        except ValueError:
            # Python refuses to read an integer of more than 4,300 digits (a guard against
            # quadratic conversion); no workout value is anywhere near that long.
            raise WorkoutError(
                [
                    error(
                        _mark(self.doc.path, node.start_mark),
                        f"a number of {len(str(node.value)):,} characters is far too long "
                        "to be a workout value",
                    )
                ]
            ) from None
        return value
