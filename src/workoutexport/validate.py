"""Validating a Document against a pydantic model and pointing every error at its YAML node."""

from __future__ import annotations

import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .diagnostics import Diagnostic, WorkoutError, did_you_mean, error, excerpt
from .model import STEP_KINDS, TAG_PREFIX
from .source import Document, Loc

M = TypeVar("M", bound=BaseModel)


def suggest(word: str, choices: typing.Iterable[str]) -> str:
    """'; did you mean 'x'?' or '' — for unknown keys, kinds, names."""
    return did_you_mean(word, choices)


def validate_model(cls: type[M], doc: Document, what: str) -> M:
    """Validate `doc` against `cls`; pydantic errors become positioned diagnostics."""
    if not isinstance(doc.data, dict):
        # Said, never quoted: the file may be anything (a key, a password file) that a path
        # led here, and a diagnostic may end up in a CI log or on a web page.
        raise WorkoutError(
            [
                error(
                    doc.at(()),
                    f"not a YAML mapping: {kind_of(doc.data)}; a {what} file is a mapping "
                    "of keys (name:, ...)",
                )
            ]
        )
    try:
        return cls.model_validate(doc.data)
    except ValidationError as exc:
        raise WorkoutError(_diagnostics(cls, doc, exc)) from None
    except RecursionError:
        raise WorkoutError([error(doc.at(()), f"the {what} is nested too deeply")]) from None


#: Tags of the unions that choose a model by the value's shape (step kinds, plan days), and
#: the part pydantic adds after a mapping's key when the key itself is wrong.
_TAG_PREFIXES = (TAG_PREFIX, "day:")
_KEY = "[key]"


def kind_of(data: Any) -> str:
    """What kind of YAML value `data` is, in words that quote none of it."""
    if isinstance(data, list):
        return "a list"
    if isinstance(data, dict):
        return "a mapping"
    if isinstance(data, bool):
        return "true or false"
    if isinstance(data, int | float):
        return "a number"
    if data is None:
        return "nothing"
    return "plain text"


def _clean(loc: tuple[Any, ...]) -> Loc:
    return tuple(
        p for p in loc if not (isinstance(p, str) and (p.startswith(_TAG_PREFIXES) or p == _KEY))
    )


def _tagged_model(tag: str) -> type[BaseModel] | None:
    if tag.startswith(TAG_PREFIX):
        return STEP_KINDS.get(tag[len(TAG_PREFIX) :])
    if tag == "day:session":
        from .plan_model import PlanSession

        return PlanSession
    return None


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    stack = [annotation]
    while stack:
        a = stack.pop()
        if isinstance(a, type) and issubclass(a, BaseModel):
            found.append(a)
            continue
        origin = typing.get_origin(a)
        if origin is typing.Annotated:
            stack.append(typing.get_args(a)[0])
        elif origin in (typing.Union, types.UnionType, list, dict, tuple):
            stack.extend(typing.get_args(a))
    return found


def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    current: type[BaseModel] | None = root
    for part in loc:
        if isinstance(part, str) and part.startswith(_TAG_PREFIXES):
            current = _tagged_model(part)
            continue
        if isinstance(part, int) or current is None:
            continue
        info = current.model_fields.get(part)
        if info is None:
            # A key of a plain dict (vars, paces): stay put.
            continue
        models = _models_in(info.annotation)
        current = models[0] if len(models) == 1 else None
    return current


def _field_name(loc: Loc) -> str:
    for part in reversed(loc):
        if isinstance(part, str):
            return part
    return "value"


# pydantic's wording for the usual shape mistakes, said in the format's own terms.
_WORDS = {
    "too_short": "needs at least one item",
    "list_type": "must be a list: write each item on its own line starting with '- '",
    "dict_type": "must be a mapping of keys, of 'key: value' lines indented under it",
    "model_type": "must be a mapping of keys, of 'key: value' lines indented under it",
    "model_attributes_type": "must be a mapping of keys, of 'key: value' lines indented under it",
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
}


def _diagnostics(root: type[BaseModel], doc: Document, exc: ValidationError) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    seen: set[tuple[Any, ...]] = set()
    for err in exc.errors(include_url=False):
        raw_loc = tuple(err["loc"])
        loc = _clean(raw_loc)
        kind = err["type"]
        ctx = err.get("ctx") or {}
        field = _field_name(loc)
        if kind == "extra_forbidden":
            owner = _model_at(root, raw_loc[:-1])
            allowed = list(owner.model_fields) if owner else []
            msg = f"unknown key '{excerpt(field)}'" + suggest(field, allowed)
            if not suggest(field, allowed) and "dur" in field.lower():
                msg += "; a step's duration is the value of its kind key, such as 'run: 400m'"
            pos = doc.key_at(loc)
        elif kind == "missing":
            msg = f"missing required key '{excerpt(field)}'"
            pos = doc.at(loc[:-1])
        elif kind == "step_kind_unknown":
            key = str(ctx.get("key"))
            msg = err["msg"]
            pos = doc.key_at((*loc, key))
        elif kind == "literal_error":
            expected = str(ctx.get("expected", ""))
            choices = [c.strip(" '") for c in expected.replace(" or ", ",").split(",")]
            value = err.get("input")
            msg = f"'{excerpt(value)}' is not a valid {field} (expected {expected})" + suggest(
                str(value), choices
            )
            pos = doc.at(loc)
        elif kind == "targets" and ctx.get("keys"):
            # At the second target key as written: the one to move under 'secondary:'.
            written = sorted(
                ((doc.key_at((*loc, k)), k) for k in ctx["keys"]),
                key=lambda found: (found[0].line, found[0].col),
            )
            pos, second = written[1]
            keys = ", ".join(k for _, k in written)
            move = f"put '{second}'" if len(written) == 2 else "keep one and put one more"
            msg = f"a step takes one target key, found {keys}; {move} under 'secondary:'"
        elif kind in ("unit", "step", "step_kind", "targets", "secondary", "exercise", "text"):
            msg = err["msg"]
            pos = doc.at(loc)
        elif kind == "plan":
            msg = err["msg"]
            # A wrong key (a weekday that is none), or a key with nothing after it, is
            # pointed at, not the next token.
            at_key = raw_loc[-1:] == (_KEY,) or err.get("input", "") is None
            pos = doc.key_at(loc) if at_key else doc.at(loc)
        elif kind == "too_short" and field == "steps":
            msg = "'steps' needs at least one step, such as '- run: 10min'"
            pos = doc.at(loc)
        elif kind in _WORDS and err.get("input", "") is None:
            # Nothing after the key: point at the key, not past the end of the file.
            msg = f"'{field}' has no value; it {_WORDS[kind]}"
            pos = doc.key_at(loc)
        elif kind in _WORDS:
            msg = f"'{field}' {_WORDS[kind]}"
            pos = doc.at(loc)
        else:
            text = err["msg"]
            msg = f"'{field}': {text[:1].lower()}{text[1:]}"
            pos = doc.at(loc)
        marker = (pos, msg)
        if marker in seen:
            continue
        seen.add(marker)
        out.append(error(pos, msg))
    return out
