"""fit-tool's message classes without the rest of fit-tool: start-up is most of a build.

Importing any fit-tool module runs the package's `__init__`, which imports its whole API
(reader, decoder, validation), and every message module star-imports the generated profile
of FIT's 197 types: together most of a one-workout build's import time. The emitter needs
neither. `load` makes the message modules it names importable on their own:

- the package `fit_tool` is set up without running its `__init__`;
- its profile module holds just the types those message modules name, taken from the
  profile's own source.

Both complete themselves when anything else is asked of them: the first lookup of a name they
do not hold, or the first import of a fit-tool module the messages do not use, runs the real
module into them (the package's `__init__`, the whole profile), so that code importing
fit-tool as usual, in the same process, gets what it expects. One exception: a star-import
of the profile module (`from fit_tool.profile.profile_type import *`) before anything has
completed it gets the emitters' types only, since that is how the message modules import it. The
fit-tool release is pinned exactly (pyproject.toml); tests/test_fit_lean.py checks that every
shipped workout encodes to the same bytes either way.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

#: The message modules the emitters use (workouts and schedules).
MESSAGES = (
    "file_id_message",
    "file_creator_message",
    "workout_message",
    "workout_step_message",
    "exercise_title_message",
    "schedule_message",
)
PACKAGE = "fit_tool"
PROFILE = "fit_tool.profile.profile_type"
#: The fit-tool modules those messages import (fit-tool 0.9.16): what may be imported while
#: the package is partial. Importing any other fit-tool module completes the package first.
LEAN = frozenset(
    {
        *(f"fit_tool.profile.messages.{name}" for name in MESSAGES),
        *(
            f"fit_tool.{name}"
            for name in (
                "base_type",
                "data_message",
                "definition_message",
                "developer_field",
                "developer_field_definition",
                "endian",
                "exceptions",
                "field",
                "field_component",
                "field_definition",
                "message",
                "record",
                "sub_field",
                "utils",
                "utils.logging",
                "profile",
                "profile.messages",
                "profile.messages.common_fields",
            )
        ),
    }
)


#: Held while the partial modules are set up or completed: threads that emit at once.
_LOCK = threading.RLock()


def load() -> None:
    """Make the emitters' fit-tool modules importable without fit-tool's API or its whole
    profile. Does nothing when fit-tool is imported already (either way)."""
    if PACKAGE in sys.modules:
        return
    with _LOCK:
        if PACKAGE not in sys.modules:
            _load()


def _load() -> None:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        return  # not where we expect it: import it the usual way
    package = importlib.util.module_from_spec(spec)
    folder = Path(spec.submodule_search_locations[0])
    profile_path = folder / "profile" / "profile_type.py"
    try:
        profile_text = profile_path.read_text(encoding="utf-8")
        blocks = _top_level_blocks(profile_text)
        words: set[str] = set()
        for name in MESSAGES:
            text = (folder / "profile" / "messages" / f"{name}.py").read_text(encoding="utf-8")
            words.update(re.findall(r"\b[A-Z]\w*", text))
    except OSError:
        return
    wanted = words & blocks.keys()
    profile_spec = importlib.util.spec_from_file_location(PROFILE, profile_path)
    if profile_spec is None or profile_spec.loader is None:
        return
    profile = importlib.util.module_from_spec(profile_spec)
    head = profile_text[: min(start for start, _ in blocks.values())]
    exec(compile(head, str(profile_path), "exec"), profile.__dict__)
    for name in sorted(wanted):
        start, end = blocks[name]
        # Blank lines keep the line numbers of the profile's own source in tracebacks.
        code = "\n" * profile_text.count("\n", 0, start) + profile_text[start:end]
        exec(compile(code, str(profile_path), "exec"), profile.__dict__)
    complete_package = _complete_on_demand(package, spec.loader, star=True)
    _complete_on_demand(profile, profile_spec.loader, star=False)
    sys.modules[PACKAGE] = package
    sys.modules[PROFILE] = profile
    sys.meta_path.insert(0, _Completer(complete_package))


def _top_level_blocks(text: str) -> dict[str, tuple[int, int]]:
    """Each top-level class of a generated module: name -> (start, end) offsets."""
    starts = [(m.start(), m.group(1)) for m in re.finditer(r"^class (\w+)\b", text, re.M)]
    ends = [start for start, _ in starts[1:]] + [len(text)]
    return {name: (start, end) for (start, name), end in zip(starts, ends, strict=True)}


def _complete_on_demand(module: ModuleType, loader: Any, *, star: bool) -> Callable[[], None]:
    """On the first lookup of a name `module` lacks, run its real source into it; returns
    the function that does so (at most once). With `star`, `from module import *` (which
    asks for `__all__`) completes it too; the partial profile is not (the messages
    star-import it: that is how they get only the types they name)."""

    def complete() -> None:
        with _LOCK:
            if module.__dict__.pop("__getattr__", None) is not None:
                loader.exec_module(module)

    def __getattr__(name: str) -> Any:
        # `from module import *` asks for __all__: the whole module then, too.
        if name.startswith("__") and not (star and name == "__all__"):
            raise AttributeError(name)
        complete()
        return getattr(module, name)

    module.__dict__["__getattr__"] = __getattr__
    return complete


class _Completer(importlib.abc.MetaPathFinder):
    """Completes the partial package before any fit-tool module outside `LEAN` is imported:
    that module may need the package whole, and completing it while that module is half
    imported would import it again, in a circle."""

    def __init__(self, complete: Callable[[], None]) -> None:
        self.complete = complete

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if not name.startswith(PACKAGE + ".") or name in LEAN:
            return None
        with _LOCK:
            if self in sys.meta_path:
                sys.meta_path.remove(self)
            self.complete()  # the package's __init__ imports its API, and most modules
        done = sys.modules.get(name)
        if done is None:
            return None  # the usual finders find it
        return importlib.util.spec_from_loader(name, _Imported(done))


class _Imported(importlib.abc.Loader):
    """The loader of a module that completing the package imported already."""

    def __init__(self, module: ModuleType) -> None:
        self.module = module

    def create_module(self, spec: Any) -> ModuleType:
        return self.module

    def exec_module(self, module: ModuleType) -> None:
        pass
