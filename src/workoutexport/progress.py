"""A progress bar for long runs, on standard error and only when that is a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

#: Fewer inputs than this finish before a bar would be worth drawing.
MIN_ITEMS = 20


def progress(items: Sequence[T], label: str) -> Iterator[T]:
    """`items`, one by one, drawing a bar on standard error when it is a terminal."""
    if len(items) < MIN_ITEMS or not sys.stderr.isatty():
        yield from items
        return
    import click

    with click.progressbar(items, label=label, file=sys.stderr) as bar:
        yield from bar
