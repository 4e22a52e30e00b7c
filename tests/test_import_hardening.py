"""Importer crash classes closed where the values enter, each shown on generated cases.

FIT fields go through one typed accessor; TCX is validated against the schema and then read
strictly (ASCII decimal numbers, whole counts, every element read or refused); repeats
nested past MAX_REPEAT_DEPTH are refused; `import` round-trips its YAML through build and
reports at the file the user named.
"""

from __future__ import annotations

import functools
import math
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from import_fuzzing import (
    NUMBERS,
    check_import,
    developer_field_fit,
    fit_file,
    nested_repeats_fit,
    tcx_file,
    tcx_seeds,
)
from workoutexport.cli import main
from workoutexport.diagnostics import WorkoutError
from workoutexport.formats.common import MAX_REPEAT_DEPTH
from workoutexport.formats.tcx.verify import validate as verify_tcx
from workoutexport.units import format_distance, format_pace, format_seconds

RELAXED = settings(deadline=None, suppress_health_check=list(HealthCheck), max_examples=60)
# 'yaml-rejected': the YAML would not build, which `import` reports as an error.
CLEAN = {"rejected", "refused", "yaml-rejected", "imported"}
TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"


@functools.cache
def seeds() -> list[bytes]:
    return tcx_seeds()


@RELAXED
@given(st.randoms(use_true_random=False))
def test_generated_fit_files_get_a_clean_answer(rng: random.Random) -> None:
    # check_import raises anything but WorkoutError: a crash fails the test.
    assert check_import(fit_file(rng), "fit") in CLEAN


@RELAXED
@given(st.randoms(use_true_random=False))
def test_mutated_tcx_files_get_a_clean_answer(rng: random.Random) -> None:
    assert check_import(tcx_file(rng, seeds()), "tcx") in CLEAN


@RELAXED
@given(st.randoms(use_true_random=False))
def test_the_tcx_reader_holds_without_the_schema(rng: random.Random) -> None:
    """The reader's own checks close the classes even where the schema would not look."""
    from workoutexport.formats.tcx import reader

    original = reader._validate
    reader._validate = lambda root, path: None
    try:
        assert check_import(tcx_file(rng, seeds()), "tcx") in CLEAN
    finally:
        reader._validate = original


FIELD_VALUES = st.one_of(
    st.lists(st.integers(0, 2**32), min_size=0, max_size=5),
    st.text(max_size=8),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**40), 2**40),
)


@given(FIELD_VALUES)
def test_a_fit_field_is_one_whole_number_or_a_diagnostic(value: object) -> None:
    from workoutexport.formats.fit.reader import _Msg

    msg = _Msg({"duration_value": value}, "workout_step 3", "w.fit")
    try:
        got = msg.get("duration_value")
    except WorkoutError as exc:
        (d,) = exc.diagnostics
        assert str(d.position) == "w.fit"
        assert d.message.startswith("workout_step 3: field 'duration_value' holds ")
        return
    assert isinstance(got, int)
    assert got == value


# What <Repetitions> reads as, worked out by hand: fractions are not rounded, '1_000' and
# Arabic-Indic digits are not numbers, infinities and NaN never reach arithmetic.
WHOLE = {"0": 0, "1": 1, "-1": -1, "2.7": None, "1_000": None, "inf": None, "nan": None,
         "-inf": None, "1e308": None, "1e20": None, "4294967296": None,
         "9" * 400: None, "٣٠": None, " 5 ": 5, "": None, "0x10": None, "1e-300": None,
         "65535": 65535, "99": 99}  # fmt: skip
# ('1e308', '1e20' and 2**32 are finite but over MAX_NUMBER, 10**6: refused as out of range.)


@pytest.mark.parametrize("text", NUMBERS)
def test_tcx_numbers_are_ascii_decimals_and_counts_whole(text: str) -> None:
    from lxml import etree

    from workoutexport import steps as s
    from workoutexport.formats.tcx.reader import _Reader

    el = etree.fromstring(f'<R xmlns="{TCX_NS}"><Repetitions>{text}</Repetitions></R>')
    reader = _Reader("w.tcx", s.Sport.RUNNING)
    got = reader.whole(el, "Repetitions")
    if WHOLE[text] is None:
        assert got is None
        assert len(reader.problems) == 1
    else:
        assert got == pytest.approx(WHOLE[text], rel=1e-15)
        assert not reader.problems


def test_tcx_whole_refuses_fractions_and_underscores() -> None:
    from lxml import etree

    from workoutexport import steps as s
    from workoutexport.formats.tcx.reader import _Reader

    for text, word in [("2.7", "whole"), ("1_000", "number"), ("inf", "number"), ("٣٠", "number")]:
        el = etree.fromstring(f'<R xmlns="{TCX_NS}"><Repetitions>{text}</Repetitions></R>')
        reader = _Reader("w.tcx", s.Sport.RUNNING)
        assert reader.whole(el, "Repetitions") is None
        assert word in reader.problems[0].message


def test_repeats_nested_to_the_limit_import_and_one_deeper_is_refused(tmp_path: Path) -> None:
    assert check_import(nested_repeats_fit(MAX_REPEAT_DEPTH), "fit") == "imported"
    source = tmp_path / "deep.fit"
    source.write_bytes(nested_repeats_fit(MAX_REPEAT_DEPTH + 1))
    for command in ("show", "import"):
        result = CliRunner().invoke(main, [command, str(source)])
        assert result.exit_code == 1
        assert f"{source}: error: step {MAX_REPEAT_DEPTH + 2}: repeats are nested more than" in (
            result.stderr
        )


def test_unknown_elements_inside_a_workout_are_refused(tmp_path: Path) -> None:
    """Valid against the schema, but holding what the importer cannot carry over."""
    seed = seeds()[0].decode()
    end = seed.rindex("</Step>") + len("</Step>")
    scheduled = seed[:end] + "<ScheduledOn>2026-01-01</ScheduledOn>" + seed[end:]
    extended = seed.replace("</Workout>", '<Extensions><X xmlns="urn:x"/></Extensions></Workout>')
    for text, name in [(scheduled, "ScheduledOn"), (extended, "Extensions")]:
        source = tmp_path / "w.tcx"
        source.write_text(text)
        result = CliRunner().invoke(main, ["import", str(source)])
        assert result.exit_code == 1, result.stderr
        assert f"<{name}> in <Workout> cannot be expressed in the workout format" in (result.stderr)


def test_a_misspelt_element_is_a_schema_error_at_its_line(tmp_path: Path) -> None:
    seed = seeds()[0].decode()
    assert "<Duration " in seed
    text = seed.replace("<Duration ", "<Duraton ", 1).replace("</Duration>", "</Duraton>", 1)
    line = text[: text.index("<Duraton")].count("\n") + 1
    source = tmp_path / "w.tcx"
    source.write_text(text)
    result = CliRunner().invoke(main, ["import", str(source)])
    assert result.exit_code == 1
    assert f"{source}:{line}:1: error: not valid TCX: Element 'Duraton'" in result.stderr


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan], ids=["inf", "-inf", "nan"])
def test_totals_that_overflow_are_printed_not_crashed(value: float) -> None:
    assert format_seconds(value) == "too long to count"
    assert format_pace(value) == "too long to count"
    assert format_distance(value) == "too far to count"


def test_yaml_that_would_not_build_is_reported_at_the_users_file(tmp_path: Path) -> None:
    """A FIT power window of 64,535-65,035 W reads fine but the YAML would not build: the
    error names the FIT file, and nothing is written."""
    regressions = Path(__file__).parent / "import-fuzz-regressions"
    source = tmp_path / "w.fit"
    source.write_bytes((regressions / "fit-yaml-rejected-12208fd0a0.fit").read_bytes())
    out = tmp_path / "w.yaml"
    result = CliRunner().invoke(main, ["import", str(source), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"{source}: error: this workout cannot be imported: the YAML made from it would not "
        "build ('64535-65035W': more than 3000 W is not a human power output)\n"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("base_type", "size", "words"),
    [
        (23, 1, "it refers to a type or definition numbered 23 that FIT does not define"),
        (0x86, 1, "a field (often a developer field) is declared smaller than one value"),
        (0x86, 0, "a field (often a developer field) is declared smaller than one value"),
    ],
)
def test_developer_field_errors_are_in_plain_words(
    base_type: int, size: int, words: str, tmp_path: Path
) -> None:
    """Base type 23 does not exist; a uint32 field of 1 or 0 bytes cannot hold a value."""
    source = tmp_path / "w.fit"
    source.write_bytes(developer_field_fit(base_type, size))
    for command in ("import", "show"):
        result = CliRunner().invoke(main, [command, str(source)])
        assert result.exit_code == 1
        assert (
            result.stderr
            == f"{source}: error: Garmin's decoder cannot read this file: {words}"
            + (" of its type\n" if "smaller" in words else "\n")
        )


def test_a_well_formed_developer_field_does_not_stop_an_import(tmp_path: Path) -> None:
    source = tmp_path / "w.fit"
    source.write_bytes(developer_field_fit(0x86, 4))
    result = CliRunner().invoke(main, ["import", str(source)])
    assert result.exit_code == 0, result.stderr
    assert "run: 1min" in result.stdout


def _tiny_messages_fit(count: int) -> bytes:
    """A file_id definition and `count` two-byte file_id messages (valid framing and CRCs)."""
    from import_fuzzing import FILE_ID, FitWriter

    w = FitWriter(random.Random(0))
    w.records += bytes([0x40, 0, 0]) + FILE_ID.to_bytes(2, "little") + bytes([1, 0, 1, 0x00])
    w.records += bytes([0x00, 5]) * count
    return w.finish()


def test_a_fit_file_of_too_many_messages_is_refused_before_decoding(tmp_path: Path) -> None:
    from workoutexport.formats.fit.reader import MAX_MESSAGES, _too_many_messages

    assert _too_many_messages(_tiny_messages_fit(MAX_MESSAGES + 1))
    assert not _too_many_messages(_tiny_messages_fit(MAX_MESSAGES))
    assert not _too_many_messages(nested_repeats_fit(MAX_REPEAT_DEPTH))
    source = tmp_path / "w.fit"
    source.write_bytes(_tiny_messages_fit(1_000_000))  # 2 MB of messages
    result = CliRunner().invoke(main, ["import", str(source)])
    assert result.exit_code == 1
    assert result.stderr == f"{source}: error: this FIT file holds more than 20,000 messages\n"


def test_a_tcx_of_too_many_workouts_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from workoutexport.formats.tcx.reader import MAX_WORKOUTS

    seed = seeds()[0].decode()
    start, end = seed.index("<Workout "), seed.index("</Workout>") + len("</Workout>")
    many = seed[:start] + seed[start:end] * (MAX_WORKOUTS + 1) + seed[end:]
    source = tmp_path / "w.tcx"
    source.write_text(many)
    result = CliRunner().invoke(main, ["import", str(source), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "holds 1,001 workouts; at most 1,000 are imported from one file" in result.stderr
    assert not (tmp_path / "out").exists()


NO_SCHEMA = sorted((Path(__file__).parent / "import-fuzz-regressions").glob("tcx-noschema-*"))


@pytest.mark.parametrize("path", NO_SCHEMA, ids=[p.name for p in NO_SCHEMA])
def test_no_schema_regressions_get_a_clean_answer_from_the_reader(path: Path) -> None:
    """Found by the campaign with --no-schema: a finite number too big for the units the
    YAML is exact to (1e308 s). The schema refuses them too; the reader must on its own."""
    from workoutexport.formats.tcx import reader

    original = reader._validate
    reader._validate = lambda root, path: None
    try:
        assert check_import(path.read_bytes(), "tcx") in CLEAN
    finally:
        reader._validate = original


def test_there_are_no_schema_regressions() -> None:
    assert len(NO_SCHEMA) == 2


def test_the_repeat_depth_limit_is_the_deepest_a_yaml_workout_holds() -> None:
    # MAX_REPEAT_DEPTH is what YAML's 200 levels hold (each repeat is a list item holding a
    # mapping holding `steps:`): imports never refuse a tree that a workout file can write.
    from workoutexport.pipeline import compile_document
    from workoutexport.profile import EMPTY
    from workoutexport.source import parse_text

    def nested(depth: int) -> str:
        lines, pad = ["name: D", "steps:"], "  "
        for _ in range(depth):
            lines += [f"{pad}- repeat: 2", f"{pad}  steps:"]
            pad += "    "
        return "\n".join([*lines, f"{pad}- run: 1min"]) + "\n"

    compile_document(parse_text(nested(MAX_REPEAT_DEPTH), "d.yaml"), EMPTY)
    with pytest.raises(WorkoutError) as info:
        compile_document(parse_text(nested(MAX_REPEAT_DEPTH + 1), "d.yaml"), EMPTY)
    assert "nested more than 200 levels" in info.value.diagnostics[0].message


# A DOCTYPE and the entity reference put in the workout's name.
DOCTYPES = {
    "external-entity": ('<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"),
    "internal-entity": ('<!DOCTYPE x [<!ENTITY name "Entity run">]>', "&name;"),
    "bare": ("<!DOCTYPE TrainingCenterDatabase>", ""),
}


@pytest.mark.parametrize("doctype", DOCTYPES.values(), ids=DOCTYPES.keys())
def test_a_tcx_with_a_doctype_or_entity_is_refused_at_the_doctype(
    tmp_path: Path, doctype: tuple[str, str]
) -> None:
    """An entity reaching the schema validator failed inside libxml2 ('internal error')."""
    seed = seeds()[0].decode()
    declaration, _, rest = seed.partition("\n")
    declared, reference = doctype
    assert "<Name>" in rest
    text = f"{declaration}\n{declared}\n" + rest.replace("<Name>", f"<Name>{reference}", 1)
    source = tmp_path / "x.tcx"
    source.write_text(text)
    out = tmp_path / "out"
    for command in (["show", str(source)], ["import", str(source), "-o", str(out)]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 1, result.output
        assert result.stderr == (
            f"{source}:2:1: error: a DOCTYPE (DTD or entities) is not allowed in a TCX file\n"
        )
    assert not out.exists()
    assert verify_tcx(text.encode()) == ["a DOCTYPE (DTD or entities) is not allowed in a TCX file"]


def test_a_zwo_with_an_entity_is_refused_at_the_doctype(tmp_path: Path) -> None:
    source = tmp_path / "x.zwo"
    source.write_text(
        '<?xml version="1.0"?>\n\n  <!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        "<workout_file><name>&xxe;</name><sportType>bike</sportType>"
        '<workout><SteadyState Duration="300" Power="0.7"/></workout></workout_file>\n'
    )
    result = CliRunner().invoke(main, ["import", str(source), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"{source}:3:3: error: a DOCTYPE (DTD or entities) is not allowed in a Zwift workout file\n"
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("suffix", ["tcx", "zwo"])
def test_an_xml_syntax_error_says_its_location_once(tmp_path: Path, suffix: str) -> None:
    source = tmp_path / f"bad.{suffix}"
    source.write_text('<?xml version="1.0"?>\n<foo>')
    result = CliRunner().invoke(main, ["show", str(source)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"{source}:2:6: error: not valid XML: Premature end of data in tag foo line 2\n"
    )
