"""The driver every campaign in benchmarks/ shares: flags, timeout, crash sites, summary.

A campaign script defines how input i is made and how it is checked, then hands both to
`run` (inputs made from a seed, one per `random.Random("S-i")`-style label) or to
`run_hypothesis` (inputs drawn by hypothesis strategies). The driver parses --inputs, --seed,
--timeout and --crashes, stops an input after --timeout seconds (SIGALRM), counts each
check's outcome, keys a crash by its exception type and the innermost frame in workoutexport's
own code, saves one input per crash site under --crashes, prints a progress line now and then
and a summary at the end, and exits 1 if anything crashed.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import signal
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import workoutexport

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

T = TypeVar("T")

# The campaigns' generators and checks live beside the tests that run them on a few inputs.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

# Where workoutexport's own modules are: a crash is placed at its innermost frame there (a
# match on the name alone would take every frame of a checkout in a folder named so).
_PACKAGE = Path(workoutexport.__file__).resolve().parent


class Timeout(Exception):
    """An input ran longer than --timeout seconds."""


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise Timeout


def parse(
    doc: str,
    *,
    inputs: int,
    crashes: str,
    timeout: int | None = None,
    seed: bool = True,
    extra: Callable[[argparse.ArgumentParser], None] | None = None,
) -> argparse.Namespace:
    """The campaign's flags: --inputs, --crashes, and --seed/--timeout where it has them."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    if extra is not None:
        extra(parser)
    parser.add_argument("--inputs", type=int, default=inputs)
    if seed:
        parser.add_argument("--seed", default="1")
    if timeout is not None:
        parser.add_argument("--timeout", type=int, default=timeout)
    parser.add_argument("--crashes", type=Path, default=Path(crashes))
    return parser.parse_args()


def frame_site(exc: BaseException) -> str:
    """Exception type and the innermost frame in our own code: one key per crash site."""
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if Path(f.filename).resolve().is_relative_to(_PACKAGE)
    ]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(exc).__name__} at {where}"


@dataclass
class Campaign:
    """Counts of outcomes and crash sites over one run, and where crashes are saved."""

    crashes: Path
    site: Callable[[BaseException], str] = frame_site
    key_chars: int = 10
    counts: collections.Counter[str] = field(default_factory=collections.Counter)
    sites: dict[str, int] = field(default_factory=dict)
    start: float = field(default_factory=time.perf_counter)

    def crash(
        self,
        exc: BaseException,
        label: str | None,
        files: dict[str, bytes],
        appendix: str = "",
        line: str | None = None,
    ) -> None:
        """Count a crash at its site; the first at a site is saved and printed."""
        site = self.site(exc)
        self.sites[site] = self.sites.get(site, 0) + 1
        if self.sites[site] > 1:
            return
        key = hashlib.sha256(site.encode()).hexdigest()[: self.key_chars]
        self.crashes.mkdir(parents=True, exist_ok=True)
        for suffix, data in files.items():
            (self.crashes / f"crash-{key}.{suffix}").write_bytes(data)
        said = "".join(traceback.format_exception(exc))
        head = f"input {label}\n" if label is not None else ""
        (self.crashes / f"crash-{key}.txt").write_text(head + said + appendix)
        where = f" (input {label})" if label is not None else ""
        print(f"crash {key}{where}: {line if line is not None else site}", flush=True)

    def progress(self, done: int, every: int) -> None:
        """A progress line after every `every` inputs."""
        if done % every == 0:
            rate = done / (time.perf_counter() - self.start)
            print(f"{done:,} inputs, {rate:.0f}/s, {dict(self.counts)}", flush=True)

    def finish(self, inputs: int, *extra: str) -> NoReturn:
        """The summary: outcomes, any extra lines, crash sites by count; exit 1 on a crash."""
        elapsed = time.perf_counter() - self.start
        print(f"done: {inputs:,} inputs in {elapsed:.0f} s: {dict(self.counts)}")
        for text in extra:
            print(text)
        print(f"crash sites: {len(self.sites)}")
        for site, n in sorted(self.sites.items(), key=lambda kv: -kv[1]):
            print(f"  {n:6d}  {site}")
        sys.exit(1 if self.sites else 0)


def run(
    args: argparse.Namespace,
    make: Callable[[str], T],
    check: Callable[[T], str],
    *,
    site: Callable[[BaseException], str] = frame_site,
    saved: Callable[[T], dict[str, bytes]] = lambda _: {},
    appendix: Callable[[T], str] = lambda _: "",
    aside: Callable[[BaseException], str | None] = lambda _: None,
    every: int = 2_000,
    quote: bool = False,
) -> Campaign:
    """Input i is `make("SEED-i")`; `check` gives its outcome or raises.

    `site` keys a crash, `saved` gives the files to keep of its input (by suffix) and
    `appendix` text to add to its traceback; `quote` adds the exception's message to the
    line a new crash site prints. `aside` names an exception counted apart instead of as a
    crash (a failure another change is fixing); an ExceptionGroup is one crash whose
    exceptions each count at their own site.
    Warnings are errors: a warning would reach the user's terminal.
    """
    campaign = Campaign(args.crashes, site)
    signal.signal(signal.SIGALRM, _alarm)
    for i in range(args.inputs):
        label = f"{args.seed}-{i}"
        value = make(label)
        signal.alarm(args.timeout)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                campaign.counts[check(value)] += 1
        except Exception as caught:
            apart = aside(caught)
            if apart is not None:
                campaign.counts[apart] += 1
            else:
                campaign.counts["crashes"] += 1
                found = caught.exceptions if isinstance(caught, ExceptionGroup) else [caught]
                for exc in found:
                    line = f"{site(exc)}: {str(exc)[:120]!r}" if quote else None
                    campaign.crash(exc, label, saved(value), appendix(value), line)
        finally:
            signal.alarm(0)
        campaign.progress(i + 1, every)
    return campaign


def run_hypothesis(
    inputs: int,
    strategies: Iterable[SearchStrategy[Any]],
    body: Callable[..., None],
    seed: int | None = None,
) -> None:
    """`body` on `inputs` examples of `strategies`, generated only, no shrinking or database."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as seeded

    test = given(*strategies)(body)
    if seed is not None:
        test = seeded(seed)(test)
    settings(
        max_examples=inputs,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )(test)()
