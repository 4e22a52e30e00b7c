"""`vars` and `${name}` substitution (spec section 2.5), done on plain values before validation."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .diagnostics import Diagnostic, Position, WorkoutError, error
from .source import MAX_EXPANDED_CHARS, Document, Loc
from .validate import suggest

_REF = re.compile(r"\$\{([^}]*)\}")
#: A reference, or `$${` which stands for a literal `${`.
_TOKEN = re.compile(r"\$\$\{|\$\{([^}]*)\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def substitute(doc: Document, overrides: Mapping[str, str], applied: set[str] | None = None) -> Any:
    """The document's data with every ${name} replaced; errors carry positions.

    When `applied` is given (a folder of workouts), an override of a variable this workout
    does not define is skipped rather than an error, and the names applied are added to it.
    """
    data = doc.data
    if not isinstance(data, dict):
        return data
    errors: list[Diagnostic] = []
    raw_vars = data.get("vars")
    defined: dict[str, Any] = {}
    broken: set[str] = set()
    if isinstance(raw_vars, dict):
        for name, value in raw_vars.items():
            problem = _var_problem(name, value)
            if problem is not None:
                # A bad name, or no value at all, is best shown at the key.
                at_key = value is None or not _NAME.fullmatch(name)
                where = doc.key_at(("vars", name)) if at_key else doc.at(("vars", name))
                errors.append(error(where, problem))
                broken.add(name)
            elif isinstance(value, str):
                # '$${' in a value is a literal '${' wherever the value is used.
                defined[name] = _TOKEN.sub("${", value)
            else:
                defined[name] = value
    for name, value in overrides.items():
        if applied is not None:
            if name in defined or name in broken:
                applied.add(name)
            if name not in defined:
                continue
        if name not in defined:
            where = doc.key_at(("vars",)) if "vars" in data else Position(doc.path)
            errors.append(
                error(
                    where,
                    f"--set {name}=...: this workout defines no variable '{name}'"
                    + suggest(name, defined),
                )
            )
        else:
            defined[name] = value
    out = {}
    walk = _Walk(defined, broken, doc, errors)
    for key, value in data.items():
        out[key] = value if key == "vars" else walk.value(value, (key,))
    if errors:
        raise WorkoutError(errors)
    return out


def _var_problem(name: str, value: Any) -> str | None:
    """Why a `vars:` entry cannot be used, in one sentence; None when it can."""
    if not _NAME.fullmatch(name):
        return f"variable name '{name}' must be letters, digits and _"
    if value is None:
        return f"variable '{name}' has no value; give it one, such as '{name}: 8' or '{name}: 90s'"
    if isinstance(value, list | dict):
        kind = "a list" if isinstance(value, list) else "a mapping"
        return f"variable '{name}' must be a text or a number, not {kind}"
    if isinstance(value, str) and any(m.group(1) is not None for m in _TOKEN.finditer(value)):
        return "a variable's value cannot use other variables (write '$${' for a literal '${')"
    return None


class _Walk:
    """Substitutes references through the data, counting the text it makes before making it."""

    def __init__(
        self, defined: dict[str, Any], broken: set[str], doc: Document, errors: list[Diagnostic]
    ) -> None:
        self.defined = defined
        self.broken = broken
        self.doc = doc
        self.errors = errors
        self.expanded = 0

    def value(self, value: Any, loc: Loc) -> Any:
        if isinstance(value, dict):
            return {k: self.value(v, (*loc, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v, (*loc, i)) for i, v in enumerate(value)]
        if not isinstance(value, str) or "${" not in value:
            return value
        return self._expand_text(value, loc)

    def _expand_text(self, value: str, loc: Loc) -> Any:
        defined = self.defined
        whole = _REF.fullmatch(value.strip())
        problems = False
        size = len(value)
        for m in _TOKEN.finditer(value):
            if m.group(1) is None:
                size -= 1  # '$${', a literal '${'
                continue
            name = m.group(1).strip()
            if name in self.broken:
                problems = True  # already reported where the variable is defined
            elif name not in defined:
                self.errors.append(
                    error(
                        self.doc.at(loc),
                        f"undefined variable '{name}'"
                        + suggest(name, defined)
                        + ("" if defined else "; define it under 'vars:'"),
                    )
                )
                problems = True
            else:
                size += len(value_as_text(defined[name])) - len(m.group(0))
        if problems:
            return value
        self.expanded += size
        if self.expanded > MAX_EXPANDED_CHARS:
            # Raised at once: going on would build the very text the limit is there to avoid.
            raise WorkoutError(
                [
                    *self.errors,
                    error(
                        self.doc.at(loc),
                        f"variables expand to more than {MAX_EXPANDED_CHARS:,} characters "
                        "of text; use shorter values or fewer references",
                    ),
                ]
            )
        if whole is not None:
            return defined[whole.group(1).strip()]
        return _TOKEN.sub(
            lambda m: "${" if m.group(1) is None else value_as_text(defined[m.group(1).strip()]),
            value,
        )


def value_as_text(value: Any) -> str:
    """A var's value as it reads inside a longer text ('true', '5' rather than '5.0')."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
