"""Positions, diagnostics and the project's one error type.

Error hierarchy::

    WorkoutError          raised by any stage for bad input; carries Diagnostics
                          (the CLI catches only this, so real bugs keep their traceback)

Everything user-facing is a :class:`Diagnostic` with structured fields; text is made only
when printing, and always through :func:`printable`, so nothing read from a file (a value, a
key, a file name) reaches a terminal or a CI log raw.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "note"]
_RANK = {"error": 0, "warning": 1, "note": 2}

#: The longest message and path printed; longer ones are cut in the middle.
MAX_MESSAGE = 400
MAX_PATH = 1000

# Control characters (C0, DEL, C1: ESC starts terminal sequences, OSC ends with BEL or ST),
# line and paragraph separators, bidirectional overrides (they reorder what is shown) and
# lone surrogates (no encoding can print them).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, limit: int | None = None) -> str:
    """`text` (which may come from a file) made safe to print on one line.

    Every control, line-breaking, bidirectional-override and surrogate character becomes a
    visible escape such as ``\\x1b``; text longer than `limit` keeps its start and end around
    an ellipsis, so a long value cannot flood the output and the advice after it survives.
    """
    text = _UNSAFE.sub(_escape, text)
    if limit is not None and len(text) > limit:
        tail = limit // 4
        text = text[: limit - tail - 1] + "…" + text[len(text) - tail :]
    return text


def excerpt(value: object, limit: int = 40) -> str:
    """A short, cleaned excerpt of a value for quoting in a message, cut at the end with …."""
    raw = str(value)
    text = printable(raw[: limit + 1])
    if len(raw) > limit or len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """A place in a source file: 1-based line and column."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        path = printable(self.path, MAX_PATH)
        if self.line == 0:  # a binary file, or a problem with the whole file
            return path
        return f"{path}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One message for the user, tied to a place in a file."""

    position: Position
    severity: Severity
    message: str

    def format(self) -> str:
        """`path:line:col: severity: message`, as printed (message made safe to print)."""
        return f"{self.position}: {self.severity}: {self.text()}"

    def text(self) -> str:
        """The message, safe to print (see :func:`printable`)."""
        return printable(self.message, MAX_MESSAGE)

    def sort_key(self) -> tuple[str, int, int, int]:
        """File, then position, errors before warnings before notes."""
        p = self.position
        return (p.path, p.line, p.col, _RANK[self.severity])

    def as_dict(self) -> dict[str, object]:
        """The diagnostic as JSON output prints it."""
        p = self.position
        # JSON would escape control characters itself, but a reader prints the strings it
        # decodes: clean them here too.
        return {
            "file": printable(p.path, MAX_PATH),
            "line": p.line,
            "column": p.col,
            "severity": self.severity,
            "message": self.text(),
        }


def error(position: Position, message: str) -> Diagnostic:
    """An error: nothing is written for the input it belongs to."""
    return Diagnostic(position, "error", message)


def warning(position: Position, message: str) -> Diagnostic:
    """A warning: the output is written (unless --strict)."""
    return Diagnostic(position, "warning", message)


def note(position: Position, message: str) -> Diagnostic:
    """A note: something done on the user's behalf, said so; never fails a run."""
    return Diagnostic(position, "note", message)


def internal_error(position: Position, exc: BaseException) -> Diagnostic:
    """An unexpected exception while handling one file, as an error for that file alone."""
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return error(
        position,
        f"internal error ({detail}); this is a bug in workoutexport, please report it "
        "with this file",
    )


class WorkoutError(Exception):
    """Bad input: one or more error diagnostics (and any warnings gathered before them)."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(
            sorted(diagnostics, key=Diagnostic.sort_key)
        )
        super().__init__("\n".join(d.format() for d in self.diagnostics))

    def __reduce__(self) -> tuple[type[WorkoutError], tuple[tuple[Diagnostic, ...]]]:
        # Rebuilt from its diagnostics, not its message: errors travel back from --jobs
        # workers (and a profile's error travels to them) by pickling.
        return (type(self), (self.diagnostics,))


#: The kinds of input a summary counts, in the order it names them.
_KINDS = ("workout", "plan", "profile")


@dataclass
class Report:
    """Owns what the user is told and computes the exit code."""

    strict: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: How many inputs were read, by kind ("workout", "plan", "profile"), for the summary.
    counted: dict[str, int] = field(default_factory=dict)
    _seen: set[Diagnostic] = field(default_factory=set, repr=False)

    def add(self, diagnostics: Iterable[Diagnostic]) -> None:
        """Collect diagnostics, each once."""
        for d in diagnostics:
            if d in self._seen:
                continue  # e.g. a broken profile shared by many workouts: say it once
            self._seen.add(d)
            self.diagnostics.append(d)

    def count(self, kinds: Iterable[str]) -> None:
        """Count one input of each kind in `kinds` ("workout", "plan" or "profile")."""
        for kind in kinds:
            self.counted[kind] = self.counted.get(kind, 0) + 1

    def clear(self) -> None:
        """Forget what was collected (once it is printed), so that it may be said again."""
        self.diagnostics.clear()
        self._seen.clear()

    @property
    def errors(self) -> int:
        """How many errors were collected."""
        return sum(1 for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> int:
        """How many warnings were collected."""
        return sum(1 for d in self.diagnostics if d.severity == "warning")

    @property
    def exit_code(self) -> int:
        """1 when anything failed (warnings too under --strict), else 0."""
        if self.errors or (self.strict and self.warnings):
            return 1
        return 0

    def ordered(self) -> list[Diagnostic]:
        """The diagnostics in file and position order."""
        return sorted(self.diagnostics, key=Diagnostic.sort_key)

    def render(self, fmt: str) -> str:
        """Every diagnostic in one of the output formats (text, json, github)."""
        items = self.ordered()
        if fmt == "json":
            import json

            return json.dumps([d.as_dict() for d in items], indent=2, ensure_ascii=False)
        if fmt == "github":
            return "\n".join(_github(d) for d in items)
        return "\n".join(d.format() for d in items)

    def summary(self, verb: str = "checked") -> str:
        """One line: how many workouts, plans and profiles were `verb` (each kind apart),
        with errors and warnings counted: "12 workouts and 3 plans checked: 0 errors, ..."."""

        def plural(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        kinds = [plural(n, k) for k in _KINDS if (n := self.counted.get(k, 0))]
        read = ", ".join(kinds[:-1]) + f" and {kinds[-1]}" if len(kinds) > 1 else None
        line = (
            f"{read or (kinds[0] if kinds else plural(0, 'workout'))} {verb}: "
            f"{plural(self.errors, 'error')}, {plural(self.warnings, 'warning')}"
        )
        if self.strict and self.warnings and not self.errors:
            # Exit status 1 with no error: say why, or the run looks like a bug.
            line += " (--strict: warnings fail the check)"
        return line


def _github_escape(text: str, *, prop: bool) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _github(d: Diagnostic) -> str:
    p = d.position
    kind = "notice" if d.severity == "note" else d.severity
    return (
        f"::{kind} file={_github_escape(printable(p.path, MAX_PATH), prop=True)},"
        f"line={p.line},col={p.col}::{_github_escape(d.text(), prop=False)}"
    )


def did_you_mean(
    word: str,
    choices: Iterable[str],
    *,
    n: int = 3,
    show: Callable[[str], str] | None = None,
) -> str:
    """ "; did you mean 'x'?" (or 'x', 'y' or 'z') for the choices close to `word`; else "".

    `show` spells a match (quotes included) where a bare quoted name would not say enough.
    """
    import difflib

    # Case does not count against a match: '5K' finds '5k'.
    spelling: dict[str, str] = {}
    for choice in choices:
        spelling.setdefault(choice.lower(), choice)
    found = difflib.get_close_matches(word.lower(), list(spelling), n=n, cutoff=0.6)
    matches = [spelling[m] for m in found]
    if not matches:
        return ""
    spelt = [show(m) if show else f"'{m}'" for m in matches]
    if len(spelt) == 1:
        return f"; did you mean {spelt[0]}?"
    return "; did you mean " + ", ".join(spelt[:-1]) + f" or {spelt[-1]}?"
