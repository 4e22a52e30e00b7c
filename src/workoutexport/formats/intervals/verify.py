"""Checking intervals.icu text with the reader's own syntax stage (there is no published
schema): every line must read as a step, a repeat header or a section header."""

from __future__ import annotations


def problems(data: bytes) -> list[str]:
    """What the syntax check finds wrong with `data`: the format table's verifier."""
    from .reader import parse

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [f"not UTF-8: {exc.reason}"]
    parsed = parse(text)
    found = [f"line {n}: {m}" for n, m in parsed.problems]
    found += [
        f"line {n}: '{h}' is not a step or a repeat header" for n, h in parsed.dropped_headers
    ]
    return found
