"""What each path imports: nothing it does not need (start-up is most of a single build)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


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
