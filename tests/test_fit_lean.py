"""fit-tool loaded in part (formats/fit/lean.py) writes what fit-tool loaded whole writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Emits every shipped workout (and a plan's schedule) as FIT and prints the bytes as hex, with
# the fit-tool modules the process ended up with. The first argument says whether fit-tool
# is imported whole, with its own FitFileBuilder making the records, or in part, with ours.
SCRIPT = r"""
import json, sys
if sys.argv[1] == "whole":
    # fit-tool whole (its __init__: API and profile), and its own builder makes the records.
    from fit_tool.fit_file_builder import FitFileBuilder
    from workoutexport.formats.fit import emit as fit_emit, schedule as fit_schedule

    def builder_records(messages):
        builder = FitFileBuilder(auto_define=True, min_string_size=0)
        builder.add_all(list(messages))
        data = builder.build_bytes()
        return data[data[0] : -2]  # the records, without fit-tool's header and CRC

    fit_emit.records_bytes = fit_schedule.records_bytes = builder_records
from pathlib import Path
from workoutexport.pipeline import emit, load_workout
from workoutexport.run import plan_files
root = Path(sys.argv[2])
out = {}
for path in sorted(root.glob("workouts/**/*.yaml")):
    if path.name == "profile.yaml" or "plans" in path.parts:
        continue
    out[str(path.relative_to(root))] = emit(load_workout(path), "fit").data.hex()
for name, data in plan_files(root / "workouts" / "plans" / "faster-mile.yaml"):
    if name.endswith(".fit"):
        out[name] = data.hex()
loaded = sorted(m for m in sys.modules if m.startswith("fit_tool"))
print(json.dumps({"files": out, "loaded": loaded}))
"""


def _emit(how: str) -> dict[str, object]:
    env_python = sys.executable
    done = subprocess.run(
        [env_python, "-c", SCRIPT, how, str(ROOT)],
        capture_output=True,
        text=True,
        check=True,
        env={"SOURCE_DATE_EPOCH": "1700000000", "PATH": "/usr/bin:/bin"},
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_every_shipped_workout_and_schedule_is_the_same_either_way() -> None:
    lean, whole = _emit("lean"), _emit("whole")
    files = lean["files"]
    assert isinstance(files, dict) and len(files) >= 18
    assert any(name.endswith("-schedule.fit") for name in files)
    assert files == whole["files"]
    # The lean process never ran fit-tool's API (reader, decoder, validation, file writer).
    loaded, every = lean["loaded"], whole["loaded"]
    assert isinstance(loaded, list) and isinstance(every, list)
    assert "fit_tool.profile.profile_type" in loaded
    assert not {"fit_tool.api", "fit_tool.decoder", "fit_tool.fit_file"} & set(loaded)
    assert "fit_tool.api" in every  # the comparison is with the whole of fit-tool


def test_the_partial_modules_complete_themselves_when_asked_for_more() -> None:
    script = (
        "from workoutexport.formats.fit import lean\n"
        "lean.load()\n"
        "import fit_tool.profile.messages.workout_message\n"
        "import fit_tool.profile.profile_type as pt\n"
        "assert 'Manufacturer' not in vars(pt)\n"
        "from fit_tool.profile.profile_type import Manufacturer\n"
        "from fit_tool import FitFileBuilder, SDK_VERSION\n"
        "from fit_tool.profile.messages.file_id_message import FileIdMessage\n"
        "b = FitFileBuilder()\n"
        "b.add(FileIdMessage())\n"
        "print(Manufacturer.GARMIN.value, SDK_VERSION, len(b.build().to_bytes()) > 14)\n"
    )
    assert _printed(script) == ["1", "21.212.0", "True"]


def test_the_header_states_the_profile_of_fit_tools_messages() -> None:
    import fit_tool

    from workoutexport.formats.fit.emit import PROFILE_VERSION

    major, minor, _ = fit_tool.SDK_VERSION.split(".")
    assert int(major) * 1000 + int(minor) == PROFILE_VERSION


def test_importing_the_rest_of_fit_tool_after_the_emitter_runs_works() -> None:
    script = (
        "from workoutexport.pipeline import emit, load_workout\n"
        "import sys\n"
        f"data = emit(load_workout({str(ROOT / 'workouts' / 'tabata.yaml')!r}), 'fit').data\n"
        "from fit_tool.fit_file import FitFile\n"
        "from fit_tool.fit_file_header import FitFileHeader\n"
        "f = FitFile.from_bytes(data)\n"
        "print(len(f.records) > 5, sys.modules['fit_tool.fit_file'].FitFile is FitFile)\n"
    )
    assert _printed(script) == ["True", "True"]


def _printed(script: str) -> list[str]:
    """What `script` prints in a fresh interpreter, word by word."""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return done.stdout.split()
