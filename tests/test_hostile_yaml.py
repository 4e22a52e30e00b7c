"""Hostile YAML and values, as classes: every case generated is refused cleanly or built.

Each test draws many inputs of one kind of attack (alias cycles, expansion of aliases and
variables, other YAML versions, out-of-range escapes, huge or non-ASCII numbers) and holds
the whole class to the rule: a WorkoutError with a position, never another exception.
The single inputs an outside attack used are kept in tests/invalid/ with their messages.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from workoutexport import source, units, variables
from workoutexport.diagnostics import WorkoutError
from workoutexport.formats.fit.emit import FIT_EPOCH_UNIX, UINT32_MAX, time_created
from workoutexport.pipeline import compile_document, emit
from workoutexport.profile import EMPTY, build_profile
from workoutexport.source import parse_text

from conftest import assert_valid_tcx, decoded

RELAXED = settings(deadline=None, suppress_health_check=list(HealthCheck))


def errors(text: str) -> list[str]:
    """The error messages compiling `text` gives (and emitting it, if it compiles)."""
    try:
        workout = compile_document(parse_text(text, "w.yaml"), EMPTY)
    except WorkoutError as exc:
        return _messages(exc)
    found = []
    for fmt in ("fit", "tcx"):
        try:
            emit(workout, fmt)
        except WorkoutError as exc:
            found += _messages(exc)
    return found


def _messages(exc: WorkoutError) -> list[str]:
    found = [d for d in exc.diagnostics if d.severity == "error"]
    assert found
    for d in found:
        assert d.position.path == "w.yaml" and d.position.line >= 1
    return [d.message for d in found]


# --- alias cycles ---------------------------------------------------------------------------


@st.composite
def cyclic_documents(draw: st.DrawFn) -> str:
    """Nested flow collections where an anchored collection holds an alias of itself."""
    depth = draw(st.integers(1, 6))
    anchor_at = draw(st.integers(0, depth - 1))
    alias_at = draw(st.integers(anchor_at, depth - 1))
    text = "*a"
    for level in reversed(range(depth)):
        sibling = draw(st.sampled_from(["1", "x", "[2]", "{k: v}"]))
        if draw(st.booleans()):
            inner = f"[{sibling}, {text}]" if level >= alias_at else f"[{text}]"
        else:
            inner = f"{{s: {sibling}, k{level}: {text}}}"
        text = f"&a {inner}" if level == anchor_at else inner
    return f"name: x\nsteps: {text}\n"


@RELAXED
@given(cyclic_documents())
def test_an_alias_inside_its_own_anchor_is_refused(text: str) -> None:
    assert errors(text) == ["an alias refers to a node that holds it"]


@RELAXED
@given(st.integers(1, 30), st.integers(1, 5))
def test_an_alias_used_beside_its_anchor_is_no_cycle(uses: int, depth: int) -> None:
    shared = "[" * depth + "{run: 1min}" + "]" * depth
    text = f"name: x\nvars: {{a: &s {shared}}}\nsteps: [{', '.join(['*s'] * uses)}]\n"
    assert "an alias refers to a node that holds it" not in " ".join(errors(text))


# --- expanded size of aliases and variables --------------------------------------------------


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    """A small MAX_EXPANDED_CHARS, so that a case of any size is cheap to generate."""
    limit = 5_000
    monkeypatch.setattr(source, "MAX_EXPANDED_CHARS", limit)
    monkeypatch.setattr(variables, "MAX_EXPANDED_CHARS", limit)
    return limit


@RELAXED
@given(length=st.integers(1, 3_000), uses=st.integers(0, 40))
def test_aliases_of_a_long_text_count_each_use(small_limit: int, length: int, uses: int) -> None:
    aliases = ", ".join(["*t"] * uses)
    text = f"a: &t {'x' * length}\nb: [{aliases}]\n"
    # Worked out by hand: the scalar's characters once per use and once where it is
    # written, plus the keys 'a' and 'b'.
    expanded = length * (uses + 1) + 2
    message = "document expands to more than 5,000 characters"
    refused = any(m.startswith(message) for m in errors(text))
    assert refused == (expanded > small_limit)


@RELAXED
@given(length=st.integers(1, 400), refs=st.integers(1, 30), notes=st.integers(1, 5))
def test_variable_text_is_counted_before_it_is_made(
    small_limit: int, length: int, refs: int, notes: int
) -> None:
    steps = "".join(f'  - run: 1min\n    note: "{"${v}" * refs}"\n' for _ in range(notes))
    text = f'name: x\nvars:\n  v: "{"y" * length}"\nsteps:\n{steps}'
    # The text as written ('name', 'x', 'vars', 'v', the value, 'steps'; per note 'run',
    # '1min', 'note' and the references) must pass the alias check to reach the variables.
    assume(15 + length + notes * (11 + 4 * refs) <= small_limit)
    found = errors(text)
    refused = any(m.startswith("variables expand to more than 5,000 characters") for m in found)
    assert refused == (notes * refs * length > small_limit)


def test_a_real_variable_bomb_is_refused_quickly() -> None:
    text = "name: x\nvars:\n  a: " + "x" * 100_000 + "\nsteps:\n  - run: 10min\n    note: "
    text += '"' + "${a}" * 2_000 + '"\n'
    (message,) = errors(text)
    assert message.startswith("variables expand to more than 8,388,608 characters")


def test_aliases_of_a_two_megabyte_text_are_refused() -> None:
    text = "a: &a " + "x" * 2_000_000 + "\nb: [" + ", ".join(["*a"] * 200) + "]\n"
    (message,) = errors(text)
    assert message.startswith("document expands to more than 8,388,608 characters")


# --- variables: escapes and values ----------------------------------------------------------

plain = st.text(st.characters(codec="ascii", categories=["L", "N", "Zs"]), max_size=12)


@RELAXED
@given(plain, plain)
def test_a_literal_dollar_brace_in_a_var_is_kept(before: str, after: str) -> None:
    value = f"{before}$${{{after}}}"
    text = f'name: x\nvars:\n  v: "{value}"\nsteps:\n  - run: 1min\n    note: "<${{v}}>"\n'
    workout = compile_document(parse_text(text, "w.yaml"), EMPTY)
    step = workout.steps[0]
    assert getattr(step, "note", None) == f"<{before}${{{after}}}>"


@RELAXED
@given(
    st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True),
    st.sampled_from(["", "[1, 2]", "{a: 1}", "null", "~"]),
)
def test_a_var_without_a_usable_value_gives_one_message(name: str, value: str) -> None:
    text = f"name: x\nvars:\n  {name}: {value}\nsteps:\n  - run: 10min\n    note: ${{{name}}}\n"
    (message,) = errors(text)
    assert message.startswith(f"variable '{name}' ")


# --- YAML versions and escapes --------------------------------------------------------------


@RELAXED
@given(st.integers(0, 99), st.integers(0, 99))
def test_only_yaml_1_2_directives_are_taken(major: int, minor: int) -> None:
    text = f"%YAML {major}.{minor}\n---\nname: x\nsteps:\n  - run: 10min\n"
    found = errors(text)
    if (major, minor) == (1, 2):
        assert found == []
    else:
        assert found == [
            f"'%YAML {major}.{minor}': workout files are YAML 1.2; remove the directive or "
            "write '%YAML 1.2'"
        ]


@RELAXED
@given(st.integers(0x110000, 0xFFFFFFFF))
def test_escapes_beyond_unicode_are_refused(code: int) -> None:
    text = f'name: "a\\U{code:08x}"\nsteps:\n  - run: 10min\n'
    (message,) = errors(text)
    assert message.startswith("YAML syntax: this escape names no Unicode character")


# --- numbers --------------------------------------------------------------------------------


@RELAXED
@given(
    st.integers(4_301, 6_000),
    st.sampled_from(
        [
            "repeat: {n}\n    steps: [{{run: 1min}}]",
            "repeat: -{n}\n    steps: [{{run: 1min}}]",
            "run: 1min\n    note: [{n}]",
            "run: 1min\n    ? {n}\n    : 1",
        ]
    ),
)
def test_integers_beyond_pythons_digit_limit_are_refused(digits: int, step: str) -> None:
    text = "name: x\nsteps:\n  - " + step.format(n="7" * digits) + "\n"
    (message,) = errors(text)
    assert message.startswith("a number of ") and "characters is far too long" in message


huge = st.integers(101, 600).map(lambda n: "9" * n)
big_texts = st.one_of(
    huge.map(lambda n: f"run: {n}s"),
    st.tuples(huge, st.sampled_from(["h", "min", "s", "km", "m", "mi", "yd", "kcal"])).map(
        lambda t: f"run: {t[0]}{t[1]}"
    ),
    huge.map(lambda n: f"run: {n}.5h"),
    huge.map(lambda n: f"run: {n}:00"),
    huge.map(lambda n: f"run: 1:{n}:00"),
    huge.map(lambda n: f"run: 1-{n}min"),
    huge.map(lambda n: f"run: 10min\n    pace: {n}:00/km"),
    huge.map(lambda n: f"run: 10min\n    pace: 4:00-{n}:00/mi"),
    huge.map(lambda n: f"run: 10min\n    speed: {n}km/h"),
    huge.map(lambda n: f"run: 10min\n    hr: z{n}"),
    huge.map(lambda n: f"run: 10min\n    hr: {n}bpm"),
    huge.map(lambda n: f"run: 10min\n    power: {n}W"),
    huge.map(lambda n: f"run: 10min\n    cadence: {n}spm"),
    huge.map(lambda n: f"repeat: '{n}'\n    steps: [{{run: 1min}}]"),
    huge.map(lambda n: f"repeat: {n}\n    steps: [{{run: 1min}}]"),
    huge.map(lambda n: f"run: hr < {n}bpm"),
)


@RELAXED
@given(big_texts)
def test_numbers_too_large_for_any_format_are_refused_at_the_value(step: str) -> None:
    text = f"name: x\nsteps:\n  - {step}\n"
    found = errors(text)
    assert found, "a number of more than 100 digits was taken"
    assert any(
        "is too long for" in m or "far too large" in m or "characters is far too long" in m
        for m in found
    ), found


@RELAXED
@given(st.integers(101, 400), st.sampled_from(["", ".5", ".0"]))
def test_the_number_readers_refuse_more_than_100_digits(digits: int, fraction: str) -> None:
    # Values longer than 100 characters never reach them; this is the second line of defence.
    with pytest.raises(units.UnitError, match="far too large"):
        units._num("9" * digits + fraction)
    with pytest.raises(units.UnitError, match="far too large"):
        units._int("9" * digits)
    assert units._int("0" * digits + "7") == 7


@RELAXED
@given(st.integers(1, 100), st.sampled_from(["h", "min", "s", "km", "mi", "m"]))
def test_large_but_finite_durations_reach_the_emitters_limits(digits: int, unit: str) -> None:
    text = f"name: x\nsteps:\n  - run: 9{'0' * (digits - 1)}{unit}\n"
    found = errors(text)  # never an exception other than WorkoutError
    if not found:
        workout = compile_document(parse_text(text, "w.yaml"), EMPTY)
        decoded(emit(workout, "fit").data)
        assert_valid_tcx(emit(workout, "tcx").data)


non_ascii_digits = st.characters(categories=["Nd"]).filter(lambda c: not c.isascii())
VALUE_TEMPLATES = [
    "run: {d}0s",
    "run: 1{d}min",
    "run: 1:{d}0",
    "run: {d}km",
    "run: 10min\n    pace: 4:{d}0/km",
    "run: 10min\n    hr: z{d}",
    "run: 10min\n    hr: 14{d}bpm",
    "run: 10min\n    power: 2{d}0W",
    "run: 10min\n    cadence: 18{d}spm",
    "run: 10min\n    speed: 1{d}km/h",
    "repeat: '{d}'\n    steps: [{{run: 1min}}]",
    "run: hr < 1{d}0bpm",
]


@RELAXED
@given(non_ascii_digits, st.sampled_from(VALUE_TEMPLATES))
def test_only_ascii_digits_are_numbers(digit: str, template: str) -> None:
    assert unicodedata.digit(digit, None) is not None
    text = "name: x\nsteps:\n  - " + template.format(d=digit) + "\n"
    assert errors(text), f"{template.format(d=digit)!r} was read as a number"
    with pytest.raises(units.UnitError):
        units.parse_duration(f"{digit}0s")


@RELAXED
@given(non_ascii_digits)
def test_profile_amounts_take_ascii_digits_only(digit: str) -> None:
    with pytest.raises(WorkoutError):
        build_profile(parse_text(f"ftp: 2{digit}0W\n", "profile.yaml"))


@RELAXED
@given(
    value=st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=30)
    | st.integers(-(10**30), 10**30).map(str)
)
def test_source_date_epoch_never_fails(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    mtime = FIT_EPOCH_UNIX + 12_345  # the workout file's, used when the variable is unusable
    got = time_created(mtime)
    text = value.strip()
    if text.isascii() and text.isdigit() and len(text) <= 20:
        # A usable value wins, held to what FIT's time_created can store.
        assert got == min(max(int(text) - FIT_EPOCH_UNIX, 0), UINT32_MAX)
    else:
        assert got == 12_345


PARSERS = [
    units.parse_duration,
    units.parse_pace,
    units.parse_absolute_pace,
    units.parse_speed,
    units.parse_hr,
    units.parse_cadence,
    units.parse_power,
    units.parse_weight,
    units.parse_tolerance_seconds,
]


@RELAXED
@given(st.text(min_size=1, max_size=40).map(lambda t: (t * 5000)[: 101 + len(t) * 7]))
def test_a_long_value_is_refused_and_quoted_only_in_part(text: str) -> None:
    assume(len(text.strip()) > units.MAX_VALUE_CHARS)
    for parse in PARSERS:
        with pytest.raises(units.UnitError) as info:
            parse(text)
        assert len(str(info.value)) < 200, str(info.value)
