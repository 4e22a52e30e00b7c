"""The plan's .ics: hostile texts read back the same in icalendar, vobject and ics, brief
descriptions with real line breaks, UIDs that survive edits but tell plans and athletes
apart, and SEQUENCE / LAST-MODIFIED that rise when a plan is edited."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ics_fuzzing import HOSTILE, check_texts, in_memory_plan, read_all, texts
from workoutexport import steps
from workoutexport.cli import main
from workoutexport.ics import MAX_DESCRIPTION, calendar, describe, ics_text, sequence_of
from workoutexport.pipeline import ProfileCache, load_profile

EASY = "name: Easy\nvars:\n  minutes: 40min\nsteps:\n  - run: ${minutes}\n    pace: easy\n"
PLAN = """\
name: Club plan
start: 2027-01-04
weeks:
  - days:
      tue: easy.yaml
      thu: [easy.yaml, {workout: easy.yaml, set: {minutes: 20min}}]
"""
PROFILE = "paces:\n  easy: 6:00/km\n"


def make_library(folder: Path, plan: str = PLAN, profile: str = PROFILE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "profile.yaml").write_text(profile)
    (folder / "easy.yaml").write_text(EASY)
    (folder / "plan.yaml").write_text(plan)
    return folder / "plan.yaml"


def ics_of(plan: Path) -> bytes:
    """The .ics that `workoutexport build PLAN` writes."""
    with tempfile.TemporaryDirectory() as out:
        result = CliRunner().invoke(main, ["build", str(plan), "-o", out])
        assert result.exit_code == 0, result.output
        return (Path(out) / plan.stem / f"{plan.stem}.ics").read_bytes()


def events(data: bytes) -> list[dict[str, str]]:
    """Each event's UID, DTSTART, SEQUENCE and LAST-MODIFIED as vobject reads them."""
    import vobject

    cal = vobject.readOne(data.decode())
    return [
        {
            "uid": e.uid.value,
            "start": e.dtstart.value.isoformat(),
            "sequence": e.sequence.value,
            "modified": e.last_modified.value.isoformat(),
            "summary": e.summary.value,
        }
        for e in cal.vevent_list
    ]


# --- hostile texts ---------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["plan name", "plan description", "workout name", "note"])
@pytest.mark.parametrize("piece", HOSTILE, ids=repr)
def test_hostile_text_reads_back_the_same_in_three_libraries(
    tmp_path: Path, where: str, piece: str
) -> None:
    texts = {"plan name": "Plan", "plan description": "About", "workout name": "W", "note": "N"}
    texts[where] = f"a{piece}b{piece}"
    check_texts(
        tmp_path,
        texts["plan name"],
        texts["plan description"],
        texts["workout name"],
        texts["note"],
    )


def test_very_long_texts_are_cut_and_read_back_the_same(tmp_path: Path) -> None:
    long = "Long name, with; commas\\ " * 400
    check_texts(tmp_path, long, long, long, long)
    plan, sessions = in_memory_plan(tmp_path, long, long, [(long, long)])
    for library, seen in read_all(calendar(plan, sessions, 0.0)).items():
        assert seen.name is not None and len(seen.name) == 200, library
        assert seen.name.endswith("…"), library
        assert len(seen.events[0]["DESCRIPTION"]) <= MAX_DESCRIPTION, library


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(texts, st.none() | texts, texts, texts)
def test_any_text_reads_back_the_same_in_three_libraries(
    name: str, description: str | None, workout: str, note: str
) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        check_texts(Path(folder), name, description, workout, note)


def test_injected_events_stay_text(tmp_path: Path) -> None:
    evil = "Plan\r\nBEGIN:VEVENT\rSUMMARY:Visit http://evil.example\rEND:VEVENT\n"
    plan, sessions = in_memory_plan(tmp_path, evil, evil, [(evil, evil)])
    data = calendar(plan, sessions, 0.0)
    assert data.split(b"\r\n").count(b"BEGIN:VEVENT") == 1
    for library, seen in read_all(data).items():
        assert len(seen.events) == 1, library
        assert seen.name == "Plan BEGIN:VEVENT SUMMARY:Visit http://evil.example END:VEVENT"


def test_backslash_n_in_a_name_comes_back_as_text_not_a_line_break(tmp_path: Path) -> None:
    # RFC 5545 escapes a backslash as \\; icalendar and ics then read "\\N" as a backslash and
    # a line break. A word joiner after the backslash keeps the text as written.
    plan, sessions = in_memory_plan(tmp_path, r"a\Nb", None, [(r"a\Nb \n \r \R", None)])
    for library, seen in read_all(calendar(plan, sessions, 0.0)).items():
        summary = seen.events[0]["SUMMARY"]
        assert "\n" not in summary and "\r" not in summary, library
        assert summary.replace("\u2060", "") == r"a\Nb \n \r \R", library
        assert seen.name is not None and seen.name.replace("\u2060", "") == r"a\Nb", library


def test_controls_become_visible_and_line_breaks_spaces_in_one_line_texts() -> None:
    assert ics_text("a\x1bb\x07c\x00d\x7fe\x9bf\u202eg") == r"a\x1bb\x07c\x00d\x7fe\x9bf\u202eg"
    for brk in ("\r", "\n", "\r\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"):
        assert ics_text(f"a{brk}b") == "a b"
        assert ics_text(f"a{brk}b", lines=True) == "a\nb"
    assert ics_text("a\tb") == "a b"
    # A long text is cut, white space and all: the rest never shows.
    assert ics_text("a" + " " * 10_000 + "b") == "a…"
    assert ics_text("ab" * 10_000, limit=5) == "abab…"
    assert ics_text("lone \ud800 surrogate") == r"lone \ud800 surrogate"
    # icalendar drops a byte order mark from the start of a value.
    assert ics_text("\ufeffName") == r"\ufeffName"


def test_a_plan_name_with_a_line_break_builds_under_python_O(tmp_path: Path) -> None:
    # icalendar asserts that a content line holds no line break: that assert is gone under
    # -O, so the calendar must never rely on it.
    plan = make_library(tmp_path, PLAN.replace("name: Club plan", 'name: "Club\\nBEGIN:VEVENT"'))
    for flags in ([], ["-O"]):
        folder = tmp_path / f"out{len(flags)}"
        subprocess.run(
            [sys.executable, *flags, "-m", "workoutexport", "build", str(plan), "-o", str(folder)],
            capture_output=True,
            check=True,
            env={**os.environ, "SOURCE_DATE_EPOCH": "1790000000"},
        )
        out = (folder / "plan" / "plan.ics").read_bytes()
        assert out.split(b"\r\n").count(b"BEGIN:VEVENT") == 3
        for library, seen in read_all(out).items():
            assert seen.name == "Club BEGIN:VEVENT", library


# --- what an event says ----------------------------------------------------------------------


def test_description_line_breaks_are_real_line_breaks(tmp_path: Path) -> None:
    plan, sessions = in_memory_plan(tmp_path, "P", "one\ntwo", [("W", "first line\nsecond line")])
    data = calendar(plan, sessions, 0.0)
    for library, seen in read_all(data).items():
        lines = seen.events[0]["DESCRIPTION"].split("\n")
        assert lines[:2] == ["first line", "second line"], library
        assert seen.description == "one\ntwo", library
    assert b"\\\\n" not in data  # no literal backslash-n written for a line break


def test_description_says_the_steps_briefly(tmp_path: Path) -> None:
    _, sessions = in_memory_plan(tmp_path, "P", None, [("W", None)])
    assert describe(sessions[0].workout) == (
        "6 \u00d7 (run 400m, recover 1:30)\n\nabout 9:00 or more, 2.4km or more"
    )
    # A repeat's steps with a pace, and a total in the unit the distances were written in.
    pace = steps.SpeedTarget(low_mps=1000 / 245, high_mps=1000 / 235, view="pace")
    fast = steps.Step(
        intensity=steps.Intensity.ACTIVE,
        duration=steps.Distance(metres=400),
        target=pace,
        written="400m",
    )
    jog = steps.Step(
        intensity=steps.Intensity.RECOVERY,
        duration=steps.Distance(metres=200),
        written="200m",
    )
    mile = steps.Step(
        intensity=steps.Intensity.WARMUP, duration=steps.Distance(metres=1609.344), written="1mi"
    )
    workout = steps.Workout(
        name="Reps",
        sport=steps.Sport.RUNNING,
        steps=(mile, steps.Repeat(count=6, steps=(fast, jog))),
    )
    assert describe(workout).split("\n")[:2] == [
        "warmup 1mi",
        "6 \u00d7 (run 400m @ pace 3:55-4:05/km, recover 200m)",
    ]


def test_a_huge_workout_gives_a_short_description(tmp_path: Path) -> None:
    # The red team's amplification: 5,000 steps in each of many sessions made 694 MB.
    leaf = steps.Step(intensity=steps.Intensity.ACTIVE, duration=steps.Time(seconds=60))
    inner = steps.Repeat(count=2, steps=(leaf,) * 2000)
    nested = steps.Repeat(count=2, steps=(steps.Repeat(count=2, steps=(inner,) * 3),) * 3)
    workout = steps.Workout(
        name="Huge",
        sport=steps.Sport.RUNNING,
        description="x" * 10_000,
        steps=(leaf,) * 3000 + (inner, nested),
    )
    text = describe(workout)
    assert len(text) <= 2500
    assert "… and 2990 more steps" in text
    # Every event is small whatever its workout: 300 sessions of it stay under 1 MB.
    plan, sessions = in_memory_plan(tmp_path, "P", None, [("Huge", None)] * 300)
    sessions = [type(c)(c.session, workout, {}) for c in sessions]
    data = calendar(plan, sessions, 0.0)
    assert len(data) < 300 * 3000
    short = steps.Workout(name="Repeat", sport=steps.Sport.RUNNING, steps=(inner,))
    assert describe(short).split("\n")[0] == (
        "2 \u00d7 (run 1:00, run 1:00, run 1:00, run 1:00, 1996 more)"
    )


# --- identity and updates --------------------------------------------------------------------


def test_sequence_counts_seconds_from_2020() -> None:
    assert sequence_of(dt.datetime(2020, 1, 1, tzinfo=dt.UTC).timestamp()) == 0
    # 2020-2026: 366 + 365 + 365 + 365 + 366 + 365 + 365 = 2557 days.
    assert sequence_of(dt.datetime(2027, 1, 1, tzinfo=dt.UTC).timestamp()) == 2557 * 86400
    assert sequence_of(0) == 0
    assert sequence_of(2**40) == 2**31 - 1


def test_uids_differ_for_plans_of_one_file_name_in_two_folders(tmp_path: Path) -> None:
    one = events(ics_of(make_library(tmp_path / "club-a")))
    two = events(ics_of(make_library(tmp_path / "club-b")))
    assert len(one) == len(two) == 3
    assert not {e["uid"] for e in one} & {e["uid"] for e in two}


def test_uids_differ_for_two_athletes_profiles(tmp_path: Path) -> None:
    # `build PLAN --profile anna.yaml` and `--profile ben.yaml`: the run's profiles.
    (tmp_path / "anna.yaml").write_text("paces:\n  easy: 5:00/km\n")
    (tmp_path / "ben.yaml").write_text("paces:\n  easy: 7:00/km\n")
    plan, sessions = in_memory_plan(tmp_path, "P", None, [("Easy", None)] * 3)
    uids = []
    for athlete in ("anna.yaml", "ben.yaml"):
        profiles = ProfileCache(explicit=load_profile(tmp_path / athlete))
        data = calendar(plan, sessions, 0.0, profiles=profiles)
        uids.append({e["uid"] for e in events(data)})
    assert len(uids[0]) == len(uids[1]) == 3
    assert not uids[0] & uids[1]
    # Each athlete's library with its own profile.yaml: the plan's own folder differs too.
    one = events(ics_of(make_library(tmp_path / "anna", profile="paces:\n  easy: 5:00/km\n")))
    two = events(ics_of(make_library(tmp_path / "ben", profile="paces:\n  easy: 7:00/km\n")))
    assert not {e["uid"] for e in one} & {e["uid"] for e in two}


def test_an_edited_plan_keeps_its_uids_and_raises_sequence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    plan = make_library(tmp_path / "club")
    t0 = dt.datetime(2026, 5, 1, tzinfo=dt.UTC).timestamp()
    for path in plan.parent.iterdir():
        os.utime(path, (t0, t0))
    before = events(ics_of(plan))
    assert ics_of(plan) == ics_of(plan)  # a rebuild changes nothing
    assert [e["modified"] for e in before] == ["2026-05-01T00:00:00+00:00"] * 3
    assert [e["sequence"] for e in before] == [str(sequence_of(t0))] * 3

    # The coach moves the plan a week later and changes Thursday's first session.
    plan.write_text(
        PLAN.replace("2027-01-04", "2027-01-11").replace(
            "thu: [easy.yaml,", "thu: [{workout: easy.yaml, set: {minutes: 50min}},"
        )
    )
    t1 = t0 + 3600
    os.utime(plan, (t1, t1))
    after = events(ics_of(plan))
    assert [e["uid"] for e in after] == [e["uid"] for e in before]
    assert [e["start"] for e in after] == ["2027-01-12", "2027-01-14", "2027-01-14"]
    assert all(int(a["sequence"]) > int(b["sequence"]) for a, b in zip(after, before, strict=True))
    assert [e["modified"] for e in after] == ["2026-05-01T01:00:00+00:00"] * 3

    # Editing a workout (not the plan) raises the events that use it too.
    t2 = t1 + 60
    os.utime(plan.parent / "easy.yaml", (t2, t2))
    again = events(ics_of(plan))
    assert [e["uid"] for e in again] == [e["uid"] for e in before]
    assert all(
        int(a["sequence"]) == int(b["sequence"]) + 60 for a, b in zip(again, after, strict=True)
    )


def test_source_date_epoch_fixes_every_time_in_the_calendar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    plan = make_library(tmp_path / "club")
    os.utime(plan.parent / "easy.yaml", (1_900_000_000, 1_900_000_000))
    got = events(ics_of(plan))
    # 1790000000 is 2026-09-21 14:13:20 UTC.
    assert {e["modified"] for e in got} == {"2026-09-21T14:13:20+00:00"}
    assert {e["sequence"] for e in got} == {str(1790000000 - 1577836800)}
