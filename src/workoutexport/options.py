"""The build options: one frozen value saying how every input of a run is built.

Made once per command (the CLI's one options decorator, or a script), and handed to a
`run.Run`; nothing below the command line takes the options one by one. Light on purpose:
`workoutexport --help` imports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

#: How ranges such as `repeat: 6-8` or `recover: 60-90s` are resolved.
Pick = Literal["low", "mid", "high"]
PICKS: tuple[Pick, ...] = get_args(Pick)


class Overrides(Mapping[str, str]):
    """The `--set NAME=VALUE` values of a run: an immutable mapping that pickles (it travels
    to worker processes with the options)."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        self._items: dict[str, str] = dict(pairs)

    def __getitem__(self, key: str) -> str:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __repr__(self) -> str:
        return f"Overrides({self._items!r})"

    def __getstate__(self) -> dict[str, str]:
        return self._items

    def __setstate__(self, state: dict[str, str]) -> None:
        self._items = dict(state)


def parse_overrides(values: Iterable[str]) -> Overrides:
    """`NAME=VALUE` texts as overrides; raises ValueError naming the first that is not one."""
    out: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"'{item}': write NAME=VALUE")
        out[name.strip()] = value.strip()
    return Overrides(out)


def _no_overrides() -> Overrides:
    return Overrides()


@dataclass(frozen=True, kw_only=True)
class BuildOptions:
    """How a run builds its inputs; every field has the command line's default."""

    #: Formats to emit, in order ("fit", "tcx").
    formats: tuple[str, ...] = ("fit",)
    #: --profile: the profile of every input; None: each input's nearest profile.yaml.
    profile: Path | None = None
    #: --set: variables to override (with several inputs, in the inputs that define them).
    overrides: Overrides = field(default_factory=_no_overrides)
    pick: Pick = "low"
    #: Drop what a format cannot carry, with a warning, instead of failing that format.
    lossy: bool = False
    #: Globs left out when walking folders.
    exclude: tuple[str, ...] = ()
    #: Worker processes (None: one per CPU).
    jobs: int | None = 1
    #: Read every FIT file back with Garmin's decoder (`check`) rather than walk its framing
    #: and CRCs (build, send, site): see `pipeline.emit_verified`.
    reference: bool = False
