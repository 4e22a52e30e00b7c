"""A progress bar for long runs, on standard error and only when that is a terminal.

The bar is labelled with what the command does ("building", "checking", ...). Its estimate
of the time left comes from completed work only: under `--jobs` the first result arrives
late (the workers start, then finish together), so a rate counted from the start, or from
the first result alone, is off by hundreds of times. The rate is counted from the first
completion on, and nothing is estimated until `MIN_DONE` inputs are done.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TextIO, TypeVar

T = TypeVar("T")

#: Fewer inputs than this finish before a bar would be worth drawing.
MIN_ITEMS = 20
#: Inputs done before the bar estimates the time left.
MIN_DONE = 3
#: Width of the bar itself, in characters.
WIDTH = 30
#: The bar is redrawn at most this often, in seconds (and once at the end).
REDRAW = 0.1


def time_left(done: int, total: int, first: float | None, now: float) -> float | None:
    """Seconds left, from the rate of completions since the `first` one (a clock reading),
    once `MIN_DONE` of `total` are done; None until then."""
    if first is None or done < MIN_DONE or now <= first:
        return None
    rate = (done - 1) / (now - first)
    return (total - done) / rate


def _clock(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def line(label: str, done: int, total: int, left: float | None) -> str:
    """One drawing of the bar: `checking [#####-----]  50%  10/20  0:04 left`."""
    filled = WIDTH * done // total if total else WIDTH
    bar = "#" * filled + "-" * (WIDTH - filled)
    percent = 100 * done // total if total else 100
    text = f"{label} [{bar}] {percent:3d}%  {done}/{total}"
    return text + (f"  {_clock(left)} left" if left is not None and done < total else "")


def progress(
    items: Sequence[T],
    label: str,
    *,
    stream: TextIO | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[T]:
    """`items`, one by one, drawing a bar labelled `label` on standard error (or `stream`)
    when it is a terminal; each item counts as done when the caller asks for the next."""
    out = stream if stream is not None else sys.stderr
    if len(items) < MIN_ITEMS or not out.isatty():
        yield from items
        return
    total = len(items)
    first: float | None = None
    drawn = -REDRAW
    width = 0

    def draw(done: int, now: float) -> None:
        nonlocal width
        text = line(label, done, total, time_left(done, total, first, now))
        out.write("\r" + text.ljust(width))
        out.flush()
        width = len(text)

    draw(0, clock())
    try:
        for done, item in enumerate(items, start=1):
            yield item
            now = clock()
            first = now if first is None else first
            if now - drawn >= REDRAW or done == total:
                draw(done, now)
                drawn = now
    finally:
        out.write("\n")
        out.flush()
