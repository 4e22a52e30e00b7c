"""What each path imports: nothing it does not need (start-up is most of a single build)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _top(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_help_and_version_lookup_stay_out_of_start_up(tmp_path: Path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\nfrom workoutexport.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(*sorted(sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    loaded = set(out.stdout.split())
    # importlib.metadata (the version) costs more than click; workers are for big inputs.
    assert "importlib.metadata" not in loaded
    assert not {"multiprocessing", "concurrent"} & _top(loaded)


def test_a_small_fit_build_loads_no_workers_no_tcx(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text("name: W\nsteps:\n  - run: 400m\n", encoding="utf-8")
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\nfrom workoutexport.cli import main\n"
            "try:\n    main(['build', 'w.yaml'])\nexcept SystemExit:\n    pass\n"
            "print(*sorted(sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert (tmp_path / "w.fit").is_file()
    loaded = _top(set(out.stdout.split()[2:]))
    assert "fit_tool" in loaded  # the check can fail: the build did run
    # An ordinary workout is read by the walk over libyaml's events: ruamel's careful path
    # (and its import) is for documents that need it.
    assert not {"lxml", "concurrent", "multiprocessing", "ruamel"} & loaded
    # build walks what it writes (framing and CRCs); Garmin's decoder is check's.
    assert "garmin_fit_sdk" not in loaded
    # fit-tool's messages only: not its API, reader or decoder (formats/fit/lean.py).
    every = set(out.stdout.split())
    assert not {"fit_tool.api", "fit_tool.decoder", "fit_tool.fit_file_builder"} & every
    # Neither the plans nor the JSON output models: this input is a workout, without --json.
    assert not {"workoutexport.plans", "workoutexport.plan_model", "workoutexport.json_out"} & every


# --- the import budget of each command: what it must not load ------------------------------

HEAVY = {"pydantic", "fit_tool", "yaml", "ruamel", "lxml", "garmin_fit_sdk", "jinja2", "icalendar"}
WORKERS = {"multiprocessing", "concurrent"}
PLANS = {"workoutexport.plans", "workoutexport.plan_model", "workoutexport.json_out"}
BUDGET: dict[str, tuple[list[str], set[str], set[str]]] = {
    # command line: (argv, modules it must load (so the check can fail), modules it must not)
    "help": (["--help"], {"click"}, HEAVY | WORKERS | {"workoutexport.run", "tempfile"}),
    "build FIT": (
        ["build", "w.yaml"],
        {"fit_tool", "pydantic", "yaml"},
        {"lxml", "garmin_fit_sdk", "ruamel", "jinja2", "icalendar", "fit_tool.api"}
        | WORKERS
        | PLANS,
    ),
    "build TCX": (
        ["build", "w.yaml", "-f", "tcx"],
        {"lxml"},
        {"fit_tool", "garmin_fit_sdk", "ruamel", "jinja2", "icalendar"} | WORKERS | PLANS,
    ),
    "check": (
        ["check", "w.yaml"],
        {"garmin_fit_sdk", "fit_tool"},  # check reads FIT with Garmin's own decoder
        # (and looks for the plans of the library that use the workout: plans is needed)
        {"lxml", "ruamel", "jinja2", "icalendar", "fit_tool.api", "workoutexport.json_out"}
        | WORKERS,
    ),
    "show": (
        ["show", "w.yaml", "--no-chart"],
        {"pydantic"},
        {"fit_tool", "garmin_fit_sdk", "lxml", "ruamel", "jinja2", "icalendar"} | WORKERS,
    ),
}


@pytest.mark.parametrize("command", list(BUDGET))
def test_each_command_imports_only_what_it_uses(tmp_path: Path, command: str) -> None:
    argv, needed, banned = BUDGET[command]
    (tmp_path / "w.yaml").write_text("name: W\nsteps:\n  - run: 400m\n", encoding="utf-8")
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\nfrom workoutexport.cli import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
            "print('MODULES', *sorted(sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    listed = out.stdout.rsplit("MODULES", 1)[1].split()
    loaded = set(listed) | _top(set(listed))
    assert needed <= loaded, needed - loaded
    assert not banned & loaded, banned & loaded
