"""Every command, fed hostile text in every field it reads, prints nothing raw.

One folder is made where every text a command may print holds the same hostile string
(terminal escapes, BEL, CR and LF, the C1 CSI, a bidirectional override, a line separator):
workout names, descriptions, notes, vars, a plan's name, description and `set:` values, the
file and folder names, a profile's pace names, a FIT and TCX file built from them, a fake
watch. Then every command runs on it, in its good and its failing paths (`build`, `check` in
each printing style, `show` of workouts, plans, FIT and TCX, `import`, `paces`, `schema`,
`site`, `send` and `send --dry-run`), and stdout and stderr must hold no C0 character but a
line break, no C1, no line or paragraph separator and no bidirectional control, and no line
the hostile text began.

This walks the print paths instead of listing them: a new message or a new field printed
raw makes one of these runs fail, whichever module prints it.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from workoutexport.cli import main

# Written out from the Unicode tables, not taken from the code under test: C0 but for the line
# break, DEL, C1, U+061C, U+200E/F, U+2028/9, U+202A-E, U+2066-9 and the surrogates.
UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff]"
)

# Every line the hostile text could start, were a CR, LF, NEL or U+2028 printed raw, begins
# with FAKE.
HOSTILE = (
    "A\x1b]0;PWNED\x07B\x1b[2J\rFAKE1\nFAKE2\x9b31m\u202eC\u2028FAKE3\x85FAKE4\x0b\x0c\x7f\u2066D"
)
# In a file name: no "/" (a folder), no NUL (no file system takes it).
NAME = HOSTILE.replace("/", "_")
# What a workout's text may hold (it refuses the other control characters, at their line):
# line breaks, a tab, bidirectional controls, a line separator.
TEXT = "A\rFAKE1\nFAKE2\u202eC\u2028FAKE3\u2066D\tE\u200fF"
# What a plan's workout path may hold.
PATH_TEXT = "\u202eC\u2028FAKE3\u2066D"

DEVICES = Path(__file__).resolve().parent / "files" / "devices"


def q(text: str) -> str:
    """`text` as a YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(text)


def assert_clean(command: list[str], stdout: str, stderr: str) -> None:
    for stream, out in (("stdout", stdout), ("stderr", stderr)):
        bad = UNSAFE.search(out)
        assert bad is None, (command, stream, repr(bad.group()), out)
        injected = [line for line in out.splitlines() if line.startswith("FAKE")]
        assert not injected, (command, stream, injected, out)


def invoke(*args: str | Path) -> tuple[int, str, str]:
    command = [str(a) for a in args]
    result = CliRunner().invoke(main, command, catch_exceptions=False)
    assert "Traceback" not in result.stderr, (command, result.stderr)
    assert_clean(command, result.stdout, result.stderr)
    return result.exit_code, result.stdout, result.stderr


def workout_text(name: str) -> str:
    return (
        f"name: {q(name)}\n"
        f"description: {q(TEXT)}\n"
        f"vars:\n  cue: {q(TEXT)}\n  reps: 2\n"
        "steps:\n"
        f"  - warmup: 10min\n    note: ${{cue}}\n"
        f"  - repeat: ${{reps}}\n    name: {q(TEXT[:12])}\n    steps:\n"
        f"      - run: 400m\n        pace: fast\n        name: {q(TEXT)}\n"
        f"        note: {q(TEXT)}\n"
        "      - recover: 60-90s\n"
        "  - cooldown: 1mi\n"
    )


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("walk") / f"lib{NAME}"
    root.mkdir()
    (root / "profile.yaml").write_text("paces:\n  fast: 4:00/km\nhr:\n  max: 190\n")
    (root / f"w{NAME}.yaml").write_text(workout_text(TEXT))
    (root / f"w{PATH_TEXT}.yaml").write_text(workout_text(TEXT))
    (root / "plain.yaml").write_text(workout_text("Plain"))
    (root / f"plan{NAME}.yaml").write_text(
        f"name: {q(TEXT)}\ndescription: {q(TEXT)}\nstart: 2027-01-04\nweeks:\n"
        f"  - days:\n      mon: {{workout: {q(f'w{PATH_TEXT}.yaml')}, set: {{cue: {q(TEXT)}}}}}\n"
        "      wed: plain.yaml\n"
        f"  - days: {{fri: {{workout: plain.yaml, set: {{cue: {q(TEXT + '2')}}}}}}}\n"
    )
    # A plan a calendar can carry whatever the rules for line breaks in its name: its
    # sessions' workout names and `set:` values hold them instead.
    calm = TEXT.replace("\r", "").replace("\n", "")
    (root / f"calm{NAME}.yaml").write_text(
        f"name: {q(calm)}\ndescription: {q(calm)}\nstart: 2027-01-04\nweeks:\n"
        f"  - days: {{tue: {{workout: {q(f'w{PATH_TEXT}.yaml')}, set: {{cue: {q(TEXT)}}}}}}}\n"
    )
    return root


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Failing inputs whose diagnostics quote hostile text."""
    root = tmp_path_factory.mktemp("broken") / f"bad{NAME}"
    root.mkdir()
    (root / "profile.yaml").write_text(f"paces:\n  {q(HOSTILE)}: 4:00/km\n")
    (root / f"unknown-pace{NAME}.yaml").write_text(
        f"name: x\nsteps:\n  - run: 400m\n    pace: {q(HOSTILE)}\n"
    )
    (root / f"bad-duration{NAME}.yaml").write_text(f"name: x\nsteps:\n  - run: {q(HOSTILE)}\n")
    (root / f"bad-key{NAME}.yaml").write_text(f"name: x\n{q(HOSTILE)}: 1\nsteps:\n  - run: 400m\n")
    (root / f"bad-var{NAME}.yaml").write_text(
        f"name: x\nvars:\n  reps: {q(HOSTILE)}\nsteps:\n  - repeat: ${{reps}}\n"
        "    steps:\n      - run: 400m\n"
    )
    (root / f"long-short{NAME}.yaml").write_text(
        f"name: x\nshort_name: {q(HOSTILE)}\nsteps:\n  - run: 400m\n"
    )
    (root / f"plan-missing{NAME}.yaml").write_text(
        f"name: {q(HOSTILE)}\nstart: 2027-01-04\nweeks:\n"
        f"  - days: {{mon: {q(f'missing{NAME}.yaml')}, {q(HOSTILE)}: x.yaml}}\n"
        f"    progress: {{{q(HOSTILE)}: {q(HOSTILE)}}}\n"
    )
    (root / f"plan-set{NAME}.yaml").write_text(
        f"name: ok\nstart: 2027-01-04\nvars: {{{q(HOSTILE)}: 1}}\nweeks:\n"
        f"  - days: {{mon: {{workout: {q(f'unknown-pace{NAME}.yaml')}, "
        f"set: {{{q(HOSTILE)}: {q(HOSTILE)}}}}}}}\n"
    )
    (root / f"not-a-mapping{NAME}.yaml").write_text(f"- {q(HOSTILE)}\n")
    (root / f"binary{NAME}.fit").write_bytes(b"\x0e\x10" + HOSTILE.encode() * 3)
    (root / f"binary{NAME}.tcx").write_text(f"<x>{HOSTILE.replace(chr(0x1B), '')}</x>")
    return root


@pytest.fixture(scope="module")
def built(library: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built") / f"out{NAME}"
    # The plan may be refused (a calendar cannot carry every character of its name): what
    # is printed is checked either way, and the workouts are written.
    invoke("build", library, "-o", out, "-f", "fit", "-f", "tcx")
    assert (out / f"w{NAME}.fit").is_file() and (out / f"w{NAME}.tcx").is_file()
    return out


def device(root: Path) -> Path:
    (root / "GARMIN").mkdir(parents=True)
    shutil.copyfile(DEVICES / "forerunner-935-GarminDevice.xml", root / "GARMIN/GarminDevice.xml")
    return root


def test_build_check_and_show_of_workouts_and_plans(library: Path, built: Path) -> None:
    assert sorted(p.suffix for p in built.rglob("*.fit"))  # the plan's files and the workouts'
    for style in ("text", "json", "github"):
        invoke("check", library, "--output-format", style, "--strict")
    _, out, _ = invoke("show", library, "--chart", "--units", "km")
    assert "FAKE3" in out  # the names are there, escaped
    code, out, _ = invoke("show", library / f"calm{NAME}.yaml")
    assert code == 0 and "FAKE1" in out and "FAKE3" in out  # the plan was shown
    invoke("show", library / f"plan{NAME}.yaml")
    invoke("show", library / f"w{NAME}.yaml", "--set", f"cue={TEXT}")
    invoke("show", library / f"w{NAME}.yaml", "--set", f"cue={HOSTILE}")  # refused
    invoke("build", library / f"plan{NAME}.yaml", "-o", built, "--set", f"cue={TEXT}")


def test_show_and_import_of_fit_and_tcx(built: Path, tmp_path: Path) -> None:
    files = sorted(built.rglob("*.fit")) + sorted(built.rglob("*.tcx"))
    assert len(files) >= 4
    invoke("show", built, "--chart")
    for f in files:
        invoke("import", f)
    invoke("import", built, "-o", tmp_path / f"imported{NAME}")
    invoke("import", built, "-o", tmp_path / f"imported{NAME}")  # again: over its own files


def test_failing_inputs(broken: Path, library: Path, tmp_path: Path) -> None:
    for style in ("text", "json", "github"):
        code, _, _ = invoke("check", broken, "--output-format", style)
        assert code == 1
    invoke("show", broken)
    invoke("check", broken, "-j", "2")  # diagnostics that come back from worker processes
    invoke("build", broken, "-o", tmp_path / f"o{NAME}")
    invoke("import", broken, "-o", tmp_path / f"i{NAME}")
    invoke("site", broken, "-o", tmp_path / f"s{NAME}")
    invoke("check", library, "--set", f"{HOSTILE}={HOSTILE}", "--profile", broken / "profile.yaml")
    invoke("check", library / f"w{NAME}.yaml", "--set", f"reps={HOSTILE}")
    invoke("check", tmp_path / f"missing{NAME}.yaml")
    invoke("check", library, "--exclude", HOSTILE, "--pick", HOSTILE)
    invoke("check", library, "--set", HOSTILE)  # no '=': a usage error quoting it
    invoke("check", library, "--set", f"={HOSTILE}")
    invoke("check", library, "-f", HOSTILE)
    invoke("send", library, "--until", HOSTILE)
    invoke(HOSTILE)


def test_a_workout_that_breaks_after_it_was_built(tmp_path: Path) -> None:
    (tmp_path / "profile.yaml").write_text("paces:\n  fast: 4:00/km\n")
    source = tmp_path / f"w{NAME}.yaml"
    source.write_text(workout_text(TEXT))
    out = tmp_path / f"out{NAME}"
    assert invoke("build", source, "-o", out)[0] == 0
    source.write_text("name: x\nsteps: []\n")
    code, _, err = invoke("build", source, "-o", out)
    assert code == 1 and "older" in err  # the note that the old file stays


def test_paces_schema_and_site(library: Path, tmp_path: Path) -> None:
    invoke("paces", HOSTILE)
    invoke("paces", f"5k {HOSTILE}")
    invoke("paces", "5k 20:00")
    invoke("schema")
    invoke("schema", "plan")
    invoke("site", library, "-o", tmp_path / f"site{NAME}")
    assert (tmp_path / f"site{NAME}" / "index.html").is_file()


def test_send_and_dry_run(library: Path, broken: Path, tmp_path: Path) -> None:
    dev = device(tmp_path / f"dev{NAME}")
    plan = library / f"plan{NAME}.yaml"
    for extra in (["--dry-run"], []):
        code, out, _ = invoke("send", library / f"w{NAME}.yaml", "--device", dev, *extra)
        assert code == 0 and " -> " in out
        invoke("send", plan, "--all", "--device", dev, *extra)
    invoke("send", library, "--all", "--device", dev)  # already on the device
    invoke("send", broken, "--all", "--device", dev, "--dry-run")
    odd = tmp_path / "odd"
    device(odd)
    (odd / "GARMIN/GarminDevice.xml").write_text(
        f"<Device><Model><Description>{HOSTILE.replace(chr(0x1B), '&#x1b;')}</Description>"
        "</Model></Device>"
    )
    invoke("send", library / f"w{NAME}.yaml", "--device", odd)


def test_import_escapes_bidirectional_controls_and_reads_back_the_same(tmp_path: Path) -> None:
    """A FIT name holding U+202E is written as the escape `\\u202e` in a double-quoted
    scalar, and the YAML builds back to the same name, byte for byte in the FIT."""
    from workoutexport.verify import decode_fit

    name = "Mile\u202eeliM \u2066x\u2069 \u200f"
    note = "left\u202bright\u2028next"
    source = tmp_path / "w.yaml"
    source.write_text(
        f"name: {q(name)}\ndescription: {q(note)}\nsteps:\n  - run: 400m\n"
        f"    name: {q(name[:6])}\n    note: {q(note)}\n"
    )
    assert invoke("build", source, "-o", tmp_path)[0] == 0
    code, text, _ = invoke("import", tmp_path / "w.fit")
    assert code == 0
    assert '"Mile\\u202eeliM \\u2066x\\u2069 \\u200f"' in text
    imported = tmp_path / "again" / "w.yaml"
    imported.parent.mkdir()
    imported.write_text(text)
    assert invoke("build", imported, "-o", imported.parent)[0] == 0
    before = decode_fit((tmp_path / "w.fit").read_bytes())
    after = decode_fit((imported.parent / "w.fit").read_bytes())
    assert after["workout_mesgs"][0]["wkt_name"] == name
    assert after["workout_mesgs"] == before["workout_mesgs"]
    assert after["workout_step_mesgs"] == before["workout_step_mesgs"]


def test_no_command_quotes_a_file_that_is_not_a_workout(tmp_path: Path) -> None:
    """A token in a file that is not a workout (text, a list, bytes, a profile, a plan's
    session) is described, never quoted: not on the terminal, not in the site's pages."""
    token = "ghp_TokenThatMustNeverBePrinted42"
    lib = tmp_path / "lib"
    (lib / "sub").mkdir(parents=True)
    (lib / "text.yaml").write_text(f"{token}\n")
    (lib / "list.yaml").write_text(f"- {token}\n")
    (lib / "bytes.yaml").write_bytes(b"\x00\xff" + token.encode())
    (lib / "sub" / "profile.yaml").write_text(f"{token}\n")
    (lib / "sub" / "w.yaml").write_text("name: W\nsteps:\n  - run: 1km\n")
    (lib / "plan.yaml").write_text(
        "start: 2027-01-04\nweeks:\n  - days: {mon: text.yaml, tue: list.yaml, wed: bytes.yaml}\n"
    )
    site = tmp_path / "site"
    said = ""
    runs: list[list[str | Path]] = [
        ["check", lib],
        ["check", lib, "--output-format", "json"],
        ["check", lib, "--output-format", "github"],
        ["show", lib],
        ["build", lib, "-o", tmp_path / "out"],
        ["site", lib, "-o", site],
        ["check", lib / "sub" / "profile.yaml"],
    ]
    for args in runs:
        code, out, err = invoke(*args)
        assert code == 1
        said += out + err
    assert "not a YAML mapping: plain text" in said and "not valid UTF-8 text" in said
    assert token not in said
    for page in site.rglob("*"):
        assert not page.is_file() or token.encode() not in page.read_bytes(), page
