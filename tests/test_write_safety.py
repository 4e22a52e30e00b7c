"""Data loss and leaks through the file system: inputs, symlinks, FIFOs, signals, temp files.

Red-team items 1, 2, 7, 8 and 13: an output never replaces an input of the same run; a
symlink that leaves a walked folder is not followed; a symlinked folder inside -o cannot
carry a write out of it; SIGTERM and SIGINT remove temporary files, and a later run removes
those a killed run left; anything that is not a regular file is refused unread.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from workoutexport.cli import main
from workoutexport.outputs import write_atomic

WORKOUT = "name: Easy\nsport: running\nsteps:\n  - run: 10min\n"


def test_build_never_overwrites_its_own_input(tmp_path: Path) -> None:
    source = tmp_path / "w.fit"  # a YAML workout that happens to be named .fit
    source.write_text(WORKOUT)
    result = CliRunner().invoke(main, ["build", str(source), "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert f"cannot write {source}: it is an input of this run" in result.stderr
    assert source.read_text() == WORKOUT
    # Any other output folder is fine.
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["build", str(source), "-o", str(out)]).exit_code == 0
    assert (out / "w.fit").read_bytes()[8:12] == b".FIT"


def test_import_never_overwrites_its_own_input(tmp_path: Path) -> None:
    from workoutexport.pipeline import compile_document, emit
    from workoutexport.profile import EMPTY
    from workoutexport.source import parse_text

    data = emit(compile_document(parse_text(WORKOUT, "w"), EMPTY), "fit").data
    source = tmp_path / "w.yaml"  # FIT bytes named .yaml
    source.write_bytes(data)
    result = CliRunner().invoke(main, ["import", str(source), "-o", str(source)])
    assert result.exit_code == 1
    # Refused by its name before anything is read (import takes FIT or TCX); were it not,
    # Outputs.protect would refuse the write ("it is an input of this run").
    assert "import takes FIT, TCX" in result.stderr
    assert source.read_bytes() == data


def test_a_symlink_leaving_a_walked_folder_is_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("SECRET-LINE: 1\n")
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "leak.yaml").symlink_to(secret)
    (folder / "good.yaml").write_text(WORKOUT)
    (folder / "alias.yaml").symlink_to(folder / "good.yaml")  # stays inside: read (once)
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 0, result.stderr
    assert f"{folder / 'leak.yaml'}: warning: not followed: a symlink that leaves {folder}" in (
        result.stderr
    )
    assert "SECRET" not in result.output + result.stderr
    # In the report, so in every output format and in the count.
    assert "1 warning" in result.output + result.stderr
    github = CliRunner().invoke(main, ["check", str(folder), "--output-format", "github"])
    assert "::warning file=" in github.output + github.stderr
    assert "not followed" in github.output + github.stderr
    # Named on the command line, a symlink is followed: the user chose that file.
    named = CliRunner().invoke(main, ["check", str(folder / "leak.yaml")])
    assert named.exit_code == 1
    assert "not followed" not in named.stderr


def test_a_symlinked_folder_inside_the_output_folder_cannot_carry_writes_out(
    tmp_path: Path,
) -> None:
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "w.yaml").write_text(WORKOUT)
    (src / "top.yaml").write_text(WORKOUT)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "sub").symlink_to(elsewhere)
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out)])
    assert result.exit_code == 1
    assert f"cannot write {out / 'sub' / 'w.fit'}: {out / 'sub'} is a symlink out of" in (
        result.stderr
    )
    assert list(elsewhere.iterdir()) == []
    assert (out / "top.fit").exists()  # the other input still builds


def test_a_symlinked_output_folder_named_by_the_user_is_followed(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(WORKOUT)
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "out").symlink_to(real)
    result = CliRunner().invoke(
        main, ["build", str(tmp_path / "w.yaml"), "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.stderr
    assert (real / "w.fit").exists()


@pytest.mark.parametrize("command", ["check", "show", "import", "build"])
def test_a_fifo_on_the_command_line_is_refused_not_waited_on(command: str, tmp_path: Path) -> None:
    fifo = tmp_path / ("w.fit" if command == "import" else "w.yaml")
    os.mkfifo(fifo)
    args = [command, str(fifo)] + (["-o", str(tmp_path / "out")] if command == "build" else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "not a regular file (a FIFO, device or socket)" in result.stderr


SIGNAL_SCRIPT = """
import os, signal, sys
from pathlib import Path
from workoutexport import outputs

target = Path(sys.argv[1])
def interrupted(fd):
    os.kill(os.getpid(), getattr(signal, sys.argv[2]))
os.fsync = interrupted  # the signal arrives while the temporary file is open and half done
outputs.write_atomic(target, b"x" * 100000)
"""


@pytest.mark.parametrize("name", ["SIGTERM", "SIGINT"])
def test_a_signal_during_a_write_leaves_no_temporary_file(name: str, tmp_path: Path) -> None:
    target = tmp_path / "w.fit"
    run = subprocess.run(
        [sys.executable, "-c", SIGNAL_SCRIPT, str(target), name],
        capture_output=True,
        check=False,
    )
    assert run.returncode != 0
    if name == "SIGTERM":
        assert run.returncode == -signal.SIGTERM  # ended as the signal ends it
    assert list(tmp_path.iterdir()) == []


def test_a_later_write_removes_temporary_files_a_killed_run_left(tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    dead = int(gone.stdout)
    stale = tmp_path / f".w.fit.wx{dead}.abc123.tmp"
    stale.write_bytes(b"half")
    live = tmp_path / ".w.fit.wx1.def456.tmp"  # pid 1 is alive: not ours to remove
    live.write_bytes(b"busy")
    other = tmp_path / f".x.fit.wx{dead}.abc123.tmp"  # another target's, same dead run: gone
    other.write_bytes(b"half")
    foreign = tmp_path / f".x.fit.{dead}.abc123.tmp"  # not our naming: never touched
    foreign.write_bytes(b"theirs")
    write_atomic(tmp_path / "w.fit", b"whole")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["w.fit", live.name, foreign.name])


def _fit_named(name: str, description: str = "") -> bytes:
    from workoutexport.pipeline import compile_document, emit
    from workoutexport.profile import EMPTY
    from workoutexport.source import parse_text

    text = f'name: "{name}"\nsport: running\n'
    if description:
        text += f'description: "{description}"\n'
    text += "steps:\n  - run: 10min\n"
    return emit(compile_document(parse_text(text, "w"), EMPTY), "fit").data


def _with_crc(data: bytes) -> bytes:
    from garmin_fit_sdk.crc_calculator import CrcCalculator

    body = data[:-2]
    return body + CrcCalculator.calculate_crc(body, 0, len(body)).to_bytes(2, "little")


def test_a_file_name_cannot_inject_yaml_through_the_import_header(tmp_path: Path) -> None:
    source = tmp_path / "b\ndescription: injected\n#.fit"
    source.write_bytes(_fit_named("Easy"))
    out = tmp_path / "w.yaml"
    result = CliRunner().invoke(main, ["import", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert text.splitlines()[0] == (
        "# imported by workoutexport from b\\ndescription: injected\\n#.fit"
    )
    assert "description" not in text.split("\n", 1)[1]
    # The "wrote" line escapes the name too.
    folder = tmp_path / "out"
    result = CliRunner().invoke(main, ["import", str(source), "-o", str(folder)])
    assert result.exit_code == 0, result.stderr
    assert "wrote " in result.stderr and "\ndescription" not in result.stderr


def test_show_escapes_control_characters_from_the_file(tmp_path: Path) -> None:
    source = tmp_path / "w.fit"
    # The YAML format refuses control characters, so they are put into the FIT bytes.
    data = _fit_named("E]0;PWNEDAE[2J Easy", "line one\\nline two")
    data = data.replace(b"E]0;PWNEDAE[2J", b"\x1b]0;PWNED\x07\x1b[2J")
    source.write_bytes(_with_crc(data))
    result = CliRunner().invoke(main, ["show", str(source)])
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert result.stdout.splitlines()[0] == "\\x1b]0;PWNED\\x07\\x1b[2J Easy"
    assert "  line one\\nline two" in result.stdout.splitlines()


@pytest.mark.parametrize("command", ["show", "import"])
def test_a_stdout_that_is_not_utf8_gets_escapes_not_a_crash(command: str, tmp_path: Path) -> None:
    source = tmp_path / "w.fit"
    source.write_bytes(_fit_named("Easy 🏃 run"))
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}
    run = subprocess.run(
        [sys.executable, "-m", "workoutexport", command, str(source)],
        capture_output=True,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert b"Traceback" not in run.stderr
    assert b"Easy \\U0001f3c3 run" in run.stdout


def test_a_pace_too_slow_for_tcx_is_written_at_the_slowest_stored_speed(tmp_path: Path) -> None:
    """99,999,999 min/km is 1.7e-7 m/s. TCX speeds are whole mm/s, as FIT's, with the slow end
    at least 1 mm/s: the window is written as 0.001 m/s (never 0, which the schema refuses)."""
    source = tmp_path / "slow.yaml"
    source.write_text("name: x\nsport: running\nsteps:\n  - run: 10min\n    pace: 99999999:00/km\n")
    out = tmp_path / "out"
    build = CliRunner().invoke(main, ["build", "-f", "tcx", str(source), "-o", str(out)])
    assert build.exit_code == 0, build.stderr
    data = (out / "slow.tcx").read_bytes()
    __import__("conftest").assert_valid_tcx(data)
    assert b"<LowInMetersPerSecond>0.001</LowInMetersPerSecond>" in data


def test_build_never_writes_an_output_that_does_not_verify(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """build holds to what check holds to: an emitter bug gives an error, not a file."""
    from workoutexport import pipeline
    from workoutexport.formats import Emitted

    monkeypatch.setattr(
        pipeline, "emit", lambda workout, fmt, lossy=False, options=None: Emitted(b"<x/>", [])
    )
    source = tmp_path / "w.yaml"
    source.write_text(WORKOUT)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "-f", "tcx", str(source), "-o", str(out)])
    assert result.exit_code == 1
    assert "internal error: emitted TCX does not verify" in result.stderr
    assert not out.exists()
