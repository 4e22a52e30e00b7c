"""Spread independent per-file work over worker processes, results in input order.

Every command that compiles, checks or imports a tree of files does one independent job per
file; `ordered_map` runs those jobs in worker processes, in chunks, and hands the results back
in the order of the inputs, so that diagnostics and outputs are the same as a one-process run.
Small inputs stay in this process: starting workers costs more than it saves.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many files per worker, one process is faster than starting workers (a fork plus
# the imports a worker has not inherited cost about as much as compiling a dozen workouts).
MIN_PER_WORKER = 16
# Chunks per worker: enough to even out files of unequal size, few enough that shipping
# each chunk costs little.
CHUNKS_PER_WORKER = 4


def default_jobs() -> int:
    """The number of CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def workers_for(count: int, jobs: int | None) -> int:
    """How many processes `count` files get with `--jobs jobs` (None: one per CPU)."""
    wanted = default_jobs() if jobs is None else jobs
    return max(1, min(wanted, count // MIN_PER_WORKER))


def ordered_map(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    jobs: int | None = None,
    before_fork: Callable[[], None] | None = None,
) -> Iterator[R]:
    """`fn` applied to each of `items`, yielded in the order of `items`.

    With more than one worker, `fn` (a module-level function, or a functools.partial of
    one), the items and the results must pickle, and `before_fork` runs first here: import
    there what every worker needs, so that each inherits it instead of importing it again.
    """
    workers = workers_for(len(items), jobs)
    if workers == 1:
        yield from map(fn, items)
        return
    # Imported only here: a one-process run does not pay for them.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if before_fork is not None:
        before_fork()
    chunk = max(1, len(items) // (workers * CHUNKS_PER_WORKER))
    # fork: workers inherit the modules this process has imported, instead of importing
    # them again each.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(fn, items, chunksize=chunk)
