"""Nothing read from a file reaches the terminal raw, and one file's crash stops no other file.

Generated texts (any code point, terminal escape sequences, long runs) go through every
output format of the diagnostics; no control, line-breaking, bidirectional-override or
surrogate character may come out, and no message may grow past its limit.
"""

from __future__ import annotations

import contextlib
import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workoutexport import cli
from workoutexport.diagnostics import (
    MAX_MESSAGE,
    MAX_PATH,
    Diagnostic,
    Position,
    Report,
    error,
    excerpt,
    printable,
    warning,
)

RELAXED = settings(deadline=None, suppress_health_check=list(HealthCheck))


@contextlib.contextmanager
def in_temp_dir() -> Iterator[pytest.MonkeyPatch]:
    """A fresh working folder per generated case (function fixtures last the whole test)."""
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp)
        yield mp


# Written out from the Unicode tables, not taken from the code under test: C0, DEL, C1,
# U+061C, U+200E/F, U+2028/9, U+202A-E, U+2066-9 and the surrogates.
UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)

escapes = st.sampled_from(
    ["\x1b[2J", "\x1b]0;PWNED\x07", "\x1b]8;;http://x\x1b\\", "\x9b31m", "\x9d0;t\x9c", "\r", "\n"]
)
hostile = st.lists(st.text(max_size=30) | escapes, max_size=12).map("".join) | st.text(
    st.characters(max_codepoint=0x3000), min_size=300, max_size=3000
)


@RELAXED
@given(hostile, hostile, st.integers(0, 10**6), st.integers(0, 10**6))
def test_no_control_character_reaches_any_output_format(
    message: str, path: str, line: int, col: int
) -> None:
    report = Report()
    report.add([error(Position(path, line, col), message), warning(Position(path), message)])
    for fmt in ("text", "json", "github"):
        out = report.render(fmt)
        assert UNSAFE.search(out.replace("\n", "")) is None, (fmt, out)
    for fmt in ("text", "github"):
        assert len(report.render(fmt).split("\n")) == 2  # one line per diagnostic
    for item in json.loads(report.render("json")):
        for value in (item["file"], item["message"]):
            assert UNSAFE.search(value) is None
        assert len(item["message"]) <= MAX_MESSAGE
        assert len(item["file"]) <= MAX_PATH


@RELAXED
@given(hostile)
def test_printable_keeps_start_and_end_of_long_text(text: str) -> None:
    out = printable(text, 100)
    assert UNSAFE.search(out) is None
    assert len(out) <= 100
    if UNSAFE.search(text) is None and len(text) <= 100:
        assert out == text  # safe text is left alone
    elif len(printable(text)) > 100:
        assert "…" in out
        whole = printable(text)
        head, tail = out.split("…")[0], out.rsplit("…", 1)[1]
        assert whole.startswith(head) and whole.endswith(tail)


@RELAXED
@given(hostile, st.integers(5, 80))
def test_excerpts_are_short_and_clean(text: str, limit: int) -> None:
    out = excerpt(text, limit)
    assert len(out) <= limit and UNSAFE.search(out) is None


def test_escapes_are_visible() -> None:
    # Worked out by hand: ESC is \x1b, BEL \x07, the C1 CSI \x9b, RLO \u202e.
    assert printable("a\x1b[2Jb\x07\x9b\u202e\n") == "a\\x1b[2Jb\\x07\\x9b\\u202e\\n"


@RELAXED
@given(st.lists(escapes | st.text(st.characters(codec="ascii"), max_size=5), max_size=8))
def test_cli_prints_escaped_values_from_a_file(parts: list[str]) -> None:
    value = "".join(parts) + "zz"
    quoted = json.dumps(value)  # a JSON string is a YAML double-quoted string
    runner = CliRunner()
    with in_temp_dir():
        Path("w.yaml").write_text(f"name: x\nsteps:\n  - run: {quoted}\n", encoding="utf-8")
        for fmt in ("text", "json", "github"):
            result = runner.invoke(cli.main, ["check", "--output-format", fmt, "w.yaml"])
            assert result.exit_code == 1, result.output
            assert UNSAFE.search(result.output.replace("\n", "")) is None, result.output


# --- one file's crash --------------------------------------------------------------------------

NAMES = ["a", "b", "c", "d", "e"]


@settings(deadline=None, suppress_health_check=list(HealthCheck), max_examples=15)
@given(st.sets(st.sampled_from(NAMES)))
def test_an_unexpected_exception_in_one_file_spares_the_others(broken: set[str]) -> None:
    from workoutexport import pipeline

    real = pipeline.compile_workout  # type: ignore[attr-defined]

    def flaky(model, doc, *args, **kwargs):  # type: ignore[no-untyped-def]
        if model.name in broken:
            raise ValueError(f"bug in \x1b[31m{model.name}")
        return real(model, doc, *args, **kwargs)

    runner = CliRunner()
    with in_temp_dir() as mp:
        mp.setattr(pipeline, "compile_workout", flaky)
        Path("in").mkdir()
        for name in NAMES:
            Path(f"in/{name}.yaml").write_text(f"name: {name}\nsteps:\n  - run: 10min\n")
        result = runner.invoke(cli.main, ["build", "-o", "out", "in"])
        built = {p.stem for p in Path("out").glob("*.fit")} if Path("out").exists() else set()
        assert built == set(NAMES) - broken
        assert result.exit_code == (1 if broken else 0)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        for name in broken:
            assert f"in/{name}.yaml: error: internal error (ValueError: bug in \\x1b[31m" in (
                result.output
            )


def test_the_attack_folder_builds_all_but_the_bad_file() -> None:
    """a, b (an integer of 4,301 digits) and c: only b fails, with a clean diagnostic."""
    runner = CliRunner()
    with in_temp_dir():
        Path("in").mkdir()
        for name in ("a", "c"):
            Path(f"in/{name}.yaml").write_text(f"name: {name}\nsteps:\n  - run: 10min\n")
        Path("in/b.yaml").write_text("name: b\nsteps:\n  - repeat: " + "1" * 4301 + "\n")
        result = runner.invoke(cli.main, ["build", "-o", "out", "in"])
        assert result.exit_code == 1
        assert sorted(p.name for p in Path("out").iterdir()) == ["a.fit", "c.fit"]
        assert "in/b.yaml:3:13: error: a number of 4,301 characters is far too long" in (
            result.output
        )
        assert "Traceback" not in result.output


def test_diagnostic_text_is_the_one_place() -> None:
    d = Diagnostic(Position("f\x1b.yaml", 2, 3), "error", "bad \x1b]0;x\x07 value")
    assert d.format() == "f\\x1b.yaml:2:3: error: bad \\x1b]0;x\\x07 value"


def test_check_reports_an_internal_error_and_checks_the_rest() -> None:
    from workoutexport import pipeline

    real = pipeline.compile_workout  # type: ignore[attr-defined]

    def flaky(model, doc, *args, **kwargs):  # type: ignore[no-untyped-def]
        if model.name == "b":
            raise RecursionError("maximum recursion depth exceeded")
        return real(model, doc, *args, **kwargs)

    runner = CliRunner()
    with in_temp_dir() as mp:
        mp.setattr(pipeline, "compile_workout", flaky)
        for name in ("a", "b", "c"):
            Path(f"{name}.yaml").write_text(f"name: {name}\nsteps:\n  - run: 10min\n")
        Path("c.yaml").write_text("name: c\nsteps:\n  - run: 10 parsecs\n")
        result = runner.invoke(cli.main, ["check", "--output-format", "json", "."])
        assert result.exit_code == 1
        found = {(d["file"], d["message"].split(";")[0]) for d in json.loads(result.stdout)}
        assert found == {
            ("b.yaml", "internal error (RecursionError: maximum recursion depth exceeded)"),
            ("c.yaml", "cannot read duration '10 parsecs'"),
        }
