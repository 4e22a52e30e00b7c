"""Reading YAML 1.2 into plain values, remembering the line and column of every node.

Only plain data comes out: mappings, sequences, strings, numbers, booleans and null. YAML tags
are refused before anything is constructed (so no tag can build an object or run code),
duplicate keys are refused, and a document whose alias expansion is too large (an alias
bomb) is refused from the composed graph, before it is expanded.
"""

from __future__ import annotations

import contextlib
import functools
import re
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


class RecentDocuments(dict[tuple[Path, str], "Document | WorkoutError"]):
    """A run's parse cache (`parsed_once`), holding the `size` documents parsed last: a plan
    and the workouts its sessions name are read close together, and a library of thousands
    of workouts is read in memory that does not grow with it. A document that has left is
    parsed again if it is asked for again, to the same data."""

    def __init__(self, size: int = 256) -> None:
        super().__init__()
        self.size = size

    def __setitem__(self, key: tuple[Path, str], value: Document | WorkoutError) -> None:
        super().__setitem__(key, value)
        if len(self) > self.size:
            del self[next(iter(self))]


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
    """A ruamel loader for the careful path. A new one for each document (a loader keeps
    state from one document to the next); its classes are made once (`_classes`)."""
    from ruamel.yaml import YAML

    scanner, composer = _classes()
    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 2)
    yaml.Composer = composer
    yaml.Scanner = scanner
    return yaml


@functools.cache
def _classes() -> tuple[Any, Any]:
    """The careful path's scanner (YAML 1.2 only, bad escapes refused) and composer (depth
    and node limits), defined once per process."""
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

    return Yaml12Scanner, BoundedComposer


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
    """A YAML 1.2 document with positions kept; raises WorkoutError with positions.

    Most workouts are read in one walk over libyaml's events (`_walk`). A document goes the
    careful way, through ruamel.yaml with every check and every diagnostic, when it needs
    to: when it has tags or directives, anchors or aliases (whose expansion is bounded on
    that path), more nodes or depth than the limits allow, anything libyaml finds wrong, or
    a value whose reading is not plain (see `_plain_value`). Both ways give the same data
    and positions (tests/test_fast_yaml.py).
    """
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise WorkoutError([error(Position(path, line, 1), "file contains a NUL character")])
    doc = _walk(text, path)
    if doc is not None:
        return doc
    return _careful(text, path)


#: Tabs, and the line breaks of YAML 1.1 that 1.2 does not have (NEL, U+2028, U+2029):
#: libyaml reads them as ruamel does not, so a text holding one goes the careful way.
_NOT_FOR_THE_WALK = re.compile("[\t\x85\u2028\u2029]")


def _careful(text: str, path: str) -> Document:
    """`parse_text` through ruamel.yaml: every check, every diagnostic."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = _yaml()
    try:
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


class _Careful(Exception):
    """This document is for the careful path after all."""


#: Plain scalars YAML 1.2 reads as something other than text, as the careful path reads
#: them; any other plain scalar starting with one of _SPECIAL_FIRST goes that way.
_CONSTANTS: dict[str, Any] = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
}
_SPECIAL_FIRST = frozenset("-+.0123456789tTfFnN~<=")
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]{0,99})")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+|\.[0-9]+)")
#: What YAML 1.2's resolver reads as a number, a constant, a merge key or a timestamp,
#: loosely: a plain scalar matching none of these is text for certain.
_MAYBE_SPECIAL = re.compile(
    r"[-+]?(?:0[box][0-9a-fA-F_]+|[0-9_]+(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9_]+"
    r"(?:[eE][-+]?[0-9]+)?|\.(?:inf|Inf|INF|nan|NaN|NAN))"
    r"|true|True|TRUE|false|False|FALSE|~|null|Null|NULL|<<|=|[0-9]{4}-.*"
)


def _plain_value(text: str) -> Any:
    """A plain scalar's value as YAML 1.2 reads it, when that is plain: text, true/false,
    null, a decimal integer or a decimal float. Raises _Careful for anything else (hex,
    octal, underscores, leading zeros, infinities, a merge key, an empty value)."""
    if not text:
        raise _Careful  # libyaml and ruamel place an empty value differently
    if text[0] not in _SPECIAL_FIRST:
        return text
    if text in _CONSTANTS:
        return _CONSTANTS[text]
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    if len(text) >= 5 and text[:4].isdigit() and text[4] == "-":
        return text  # a date or timestamp: kept as written
    if _MAYBE_SPECIAL.fullmatch(text):
        raise _Careful
    return text


def _walk(text: str, path: str) -> Document | None:
    """The document from one pass over libyaml's events, values and positions together;
    None where the careful path must read it (see `parse_text`)."""
    if _NOT_FOR_THE_WALK.search(text):
        return None
    try:
        import yaml as pyyaml  # type: ignore[import-untyped]
        from yaml import CSafeLoader
    except ImportError:  # PyYAML without libyaml: the careful path it is
        return None
    scalar_event, alias_event = pyyaml.ScalarEvent, pyyaml.AliasEvent
    mapping_start, sequence_start = pyyaml.MappingStartEvent, pyyaml.SequenceStartEvent
    collection_end = pyyaml.CollectionEndEvent
    document_start = pyyaml.DocumentStartEvent
    doc = Document(path=path, data=None)
    values, keys = doc.values, doc.keys
    # One frame per open collection: [container, its loc, the key waiting for its value].
    stack: list[list[Any]] = []
    count = documents = 0
    root: Any = None
    loader = CSafeLoader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            kind = type(event)
            if kind is collection_end or issubclass(kind, collection_end):
                stack.pop()
                continue
            if kind is alias_event:
                return None
            if not (kind is scalar_event or kind is mapping_start or kind is sequence_start):
                if kind is document_start:
                    documents += 1
                    if documents > 1 or event.version is not None or event.tags:
                        return None  # a directive: ruamel's path refuses all but 1.2
                continue
            if event.anchor is not None or event.tag is not None:
                return None  # an anchor, or a tag: never constructed, refused there
            count += 1
            if count > MAX_SOURCE_NODES or len(stack) + 1 > MAX_DEPTH:
                return None
            mark = event.start_mark
            pos = Position(path, mark.line + 1, mark.column + 1)
            if stack:
                frame = stack[-1]
                parent = frame[0]
                if type(parent) is dict and frame[2] is None:
                    # A key: a plain word, given once.
                    if kind is not scalar_event:
                        return None
                    value = _plain_value(event.value) if not event.style else event.value
                    key = "null" if value is None else str(value)
                    if key in parent or (key == "<<" and not event.style):
                        return None
                    keys[(*frame[1], key)] = pos
                    frame[2] = key
                    continue
                where = frame[2] if type(parent) is dict else len(parent)
                loc = (*frame[1], where)
            else:
                loc = ()
            values[loc] = pos
            if kind is scalar_event:
                node: Any = _plain_value(event.value) if not event.style else event.value
            elif kind is mapping_start:
                node = {}
            else:
                node = []
            if stack:
                frame = stack[-1]
                if type(frame[0]) is dict:
                    frame[0][frame[2]] = node
                    frame[2] = None
                else:
                    frame[0].append(node)
            else:
                root = node
            if kind is not scalar_event:
                stack.append([node, loc, None])
    except (pyyaml.YAMLError, _Careful):
        return None
    finally:
        loader.dispose()
    if documents != 1 or not values:
        return None
    doc.data = root
    return doc


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
