"""Spread independent per-file work over worker processes, results in input order.

Every command that compiles, checks or imports a tree of files does one independent job per
file; `ordered_map` runs those jobs in worker processes, in chunks, and hands the results back
in the order of the inputs, so that diagnostics and outputs are the same as a one-process run.
Small inputs stay in this process: starting workers costs more than it saves.

A worker that dies (the OOM killer, a signal) does not end the run: the results it sent are
kept, the rest of its chunk goes to another worker, and the input it was on is tried once more
alone in a fresh worker. Workers exit as soon as the process that started them is gone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import BaseContext

T = TypeVar("T")
R = TypeVar("R")

# Below this many files per worker, one process is faster than starting workers (a fork plus
# the imports a worker has not inherited cost about as much as compiling a dozen workouts).
MIN_PER_WORKER = 16
# Chunks per worker: enough to even out files of unequal size, few enough that shipping
# each chunk costs little.
CHUNKS_PER_WORKER = 4
# How often a worker checks that its parent is still there, where the system cannot tell it.
PARENT_POLL_SECONDS = 0.25


def default_jobs() -> int:
    """The number of CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def busy_cpus() -> int:
    """How many CPUs others are using now: the threads running on the machine at this moment
    but this one (Linux's /proc/loadavg); elsewhere, the one-minute load average. A moment,
    not an average: a run started right after another is not counted as busy by the
    one before it. System-wide: on a machine whose CPUs this process shares with a busy
    container or another affinity mask, it errs towards fewer workers."""
    try:
        with open("/proc/loadavg", encoding="ascii") as fh:
            return running_others(fh.read())
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.getloadavg()[0])
    except (OSError, AttributeError):
        return 0


def running_others(loadavg: str) -> int:
    """The threads running now but this one, from the text of /proc/loadavg."""
    return max(0, int(loadavg.split()[3].split("/")[0]) - 1)


def free_cpus() -> int:
    """The CPUs this process may run on that no other process is using now (at least 1):
    on a shared machine, workers beyond these would only wait for a CPU, and each costs a
    fork and its share of the work's start."""
    return max(1, default_jobs() - busy_cpus())


def workers_for(count: int, jobs: int | None) -> int:
    """How many processes `count` files get with `--jobs jobs`; None (the default): one per
    CPU that is free now. Fewer when there are too few files for each to pay for itself
    (MIN_PER_WORKER), and one process when only one would."""
    wanted = free_cpus() if jobs is None else jobs
    return max(1, min(wanted, count // MIN_PER_WORKER))


def ordered_map(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    jobs: int | None = None,
    before_fork: Callable[[], None] | None = None,
    lost: Callable[[T, str], R] | None = None,
) -> Iterator[R]:
    """`fn` applied to each of `items`, yielded in the order of `items`.

    With more than one worker, `fn` (a module-level function, or a functools.partial of
    one), the items and the results must pickle, and `before_fork` runs first here: import
    there what every worker needs, so that each inherits it instead of importing it again.
    An exception `fn` raises in a worker is raised here, at that item's turn.

    A worker that dies does not stop the others: the input it was on is tried once more,
    alone, in a fresh worker. An input that kills that one too is lost: its result is
    `lost(item, why)`, or without `lost`, `fn(item)` run a last time in this process.
    """
    workers = workers_for(len(items), jobs)
    if workers == 1:
        yield from map(fn, items)
        return
    # Imported only here: a one-process run does not pay for them.
    import multiprocessing

    if before_fork is not None:
        before_fork()
    chunk = max(1, len(items) // (workers * CHUNKS_PER_WORKER))
    # fork: workers inherit the modules this process has imported, instead of importing
    # them again each.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    yield from _Pool(context, fn, items, workers, chunk, lost).results()


# What a worker sends back for one item: its index, and the result or the exception raised.
_OK, _RAISED, _LOST = 0, 1, 2


def _serve(conn: Connection, fn: Callable[[Any], Any], parent: int) -> None:
    """A worker: run `fn` on each chunk received, one reply per item, until told to stop."""
    _exit_with_parent(parent)
    # Ctrl-C goes to the whole process group: the parent handles it and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            work = conn.recv()
        except EOFError:  # the parent closed its end
            return
        if work is None:
            return
        for index, item in work:
            try:
                reply = (index, _OK, fn(item))
            except Exception as exc:
                reply = (index, _RAISED, exc)
            try:
                conn.send(reply)
            except Exception as exc:  # a result or an exception that does not pickle
                conn.send((index, _RAISED, RuntimeError(f"cannot send the result: {exc!r}")))


def _exit_with_parent(parent: int) -> None:
    """End this process when `parent` ends, however it ends (SIGKILL included).

    Linux kills us itself (PR_SET_PDEATHSIG); elsewhere, and as a safety net, a thread
    notices that the parent changed (an orphan is adopted by another process).
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # no libc to ask: the thread below still works
            pass
    if os.getppid() != parent:  # the parent died before we could ask
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="workoutexport-parent-watch", daemon=True).start()


class _Worker:
    """One worker process, its end of the pipe, and the indices it still owes, in order."""

    def __init__(self, context: BaseContext, fn: Callable[[Any], Any]) -> None:
        here, there = context.Pipe()
        self.process = context.Process(  # type: ignore[attr-defined]
            target=_serve, args=(there, fn, os.getpid()), daemon=True
        )
        self.process.start()
        there.close()
        self.conn = here
        self.owed: list[int] = []

    def why_dead(self) -> str:
        self.process.join(1)
        code = self.process.exitcode
        if code is None:
            self.process.kill()
            self.process.join()
            return "its worker process stopped answering"
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"its worker process was killed by {name}"
        return f"its worker process exited with status {code}"

    def stop(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()


class _Pool(Generic[T, R]):
    """Worker processes fed chunk by chunk; replaced when one dies."""

    def __init__(
        self,
        context: BaseContext,
        fn: Callable[[T], R],
        items: Sequence[T],
        workers: int,
        chunk: int,
        lost: Callable[[T, str], R] | None,
    ) -> None:
        self.context, self.fn, self.items, self.size, self.lost = context, fn, items, workers, lost
        self.queue: deque[list[int]] = deque(
            list(range(start, min(start + chunk, len(items))))
            for start in range(0, len(items), chunk)
        )
        self.done: dict[int, tuple[int, Any]] = {}
        self.retried: set[int] = set()
        self.busy: dict[Connection, _Worker] = {}
        self.idle: list[_Worker] = []

    def results(self) -> Iterator[R]:
        from multiprocessing.connection import wait

        try:
            for _ in range(self.size):
                self._feed(self._start())
            for index in range(len(self.items)):
                while index not in self.done:
                    if not self.busy:  # cannot happen: every unfinished item has a worker
                        raise RuntimeError(f"item {index} was never handed to a worker")
                    for conn in wait(list(self.busy)):
                        self._receive(self.busy[conn])  # type: ignore[index]
                yield self._result(index)
        finally:
            for worker in [*self.busy.values(), *self.idle]:
                worker.stop()

    def _start(self) -> _Worker:
        return _Worker(self.context, self.fn)

    def _feed(self, worker: _Worker) -> None:
        """Give `worker` the next chunk, or let it go when there is none."""
        self.busy.pop(worker.conn, None)
        if not self.queue:
            with contextlib.suppress(OSError):  # already gone: it has nothing left to do
                worker.conn.send(None)
            self.idle.append(worker)
            return
        worker.owed = self.queue.popleft()
        self.busy[worker.conn] = worker
        try:
            worker.conn.send([(i, self.items[i]) for i in worker.owed])
        except OSError:
            self._died(worker)

    def _receive(self, worker: _Worker) -> None:
        try:
            index, kind, value = worker.conn.recv()
        except (EOFError, OSError):
            self._died(worker)
            return
        self.done[index] = (kind, value)
        worker.owed.remove(index)
        if not worker.owed:
            self._feed(worker)

    def _died(self, worker: _Worker) -> None:
        """`worker` is gone: its unfinished items go to others, the one it was on once more."""
        self.busy.pop(worker.conn, None)
        why = worker.why_dead()
        worker.stop()
        if not worker.owed:
            return
        suspect, rest = worker.owed[0], worker.owed[1:]
        if rest:
            self.queue.appendleft(rest)
        if suspect in self.retried:
            self.done[suspect] = (_LOST, why)
        else:
            self.retried.add(suspect)
            self.queue.appendleft([suspect])
        while self.queue and len(self.busy) < self.size:
            self._feed(self._start())

    def _result(self, index: int) -> R:
        kind, value = self.done.pop(index)
        if kind == _RAISED:
            raise value
        if kind == _LOST:
            item = self.items[index]
            return self.fn(item) if self.lost is None else self.lost(item, value)
        return value  # type: ignore[no-any-return]
