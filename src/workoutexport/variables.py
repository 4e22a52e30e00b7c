"""`vars` and `${name}` substitution (spec section 2.5), done on plain values before validation."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .diagnostics import Diagnostic, Position, WorkoutError, error
from .source import Document, Loc
from .validate import suggest

_REF = re.compile(r"\$\{([^}]*)\}")
#: A reference, or `$${` which stands for a literal `${`.
_TOKEN = re.compile(r"\$\$\{|\$\{([^}]*)\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def substitute(doc: Document, overrides: Mapping[str, str]) -> Any:
    """The document's data with every ${name} replaced; errors carry positions."""
    data = doc.data
    if not isinstance(data, dict):
        return data
    errors: list[Diagnostic] = []
    raw_vars = data.get("vars")
    defined: dict[str, Any] = {}
    if isinstance(raw_vars, dict):
        for name, value in raw_vars.items():
            if not _NAME.fullmatch(name):
                errors.append(
                    error(
                        doc.key_at(("vars", name)),
                        f"variable name '{name}' must be letters, digits and _",
                    )
                )
            elif isinstance(value, str) and _REF.search(value):
                errors.append(
                    error(doc.at(("vars", name)), "a variable's value cannot use other variables")
                )
            else:
                defined[name] = value
    for name, value in overrides.items():
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
    for key, value in data.items():
        out[key] = value if key == "vars" else _walk(value, (key,), defined, doc, errors)
    if errors:
        raise WorkoutError(errors)
    return out


def _walk(
    value: Any, loc: Loc, defined: dict[str, Any], doc: Document, errors: list[Diagnostic]
) -> Any:
    if isinstance(value, dict):
        return {k: _walk(v, (*loc, k), defined, doc, errors) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, (*loc, i), defined, doc, errors) for i, v in enumerate(value)]
    if not isinstance(value, str) or "${" not in value:
        return value
    whole = _REF.fullmatch(value.strip())
    problems = False
    for m in _TOKEN.finditer(value):
        if m.group(1) is None:
            continue  # '$${', a literal '${'
        name = m.group(1).strip()
        if name not in defined:
            errors.append(
                error(
                    doc.at(loc),
                    f"undefined variable '{name}'"
                    + suggest(name, defined)
                    + ("" if defined else "; define it under 'vars:'"),
                )
            )
            problems = True
    if problems:
        return value
    if whole is not None:
        return defined[whole.group(1).strip()]
    return _TOKEN.sub(
        lambda m: "${" if m.group(1) is None else _text(defined[m.group(1).strip()]), value
    )


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
