"""The bundled triathlon plan (issue 23, "A triathlete's week"): swim, bike, run and strength
in one week, through `build`, `show`, the site and `send`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import html

from workoutexport.cli import main

from conftest import decoded

LIBRARY = Path(__file__).resolve().parent.parent / "workouts"
PLAN = LIBRARY / "plans" / "triathlon-base.yaml"
DEVICES = Path(__file__).resolve().parent / "files" / "devices"

# The FIT profile's sport for each sport a workout file says: strength is `training`.
FIT_SPORT = {
    "running": "running",
    "cycling": "cycling",
    "swimming": "swimming",
    "strength": "training",
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def sport_of(workout: Path) -> str:
    found = re.search(r"^sport: (\w+)", workout.read_text(), re.MULTILINE)
    return found.group(1) if found else "running"


def named_workouts() -> list[Path]:
    """Every workout the plan's YAML names, read as text."""
    names = set(re.findall(r"\.\./[\w/.-]+\.yaml", PLAN.read_text()))
    return sorted((PLAN.parent / n).resolve() for n in names)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built")
    code, _, stderr = run("build", str(PLAN), "-o", str(out))
    assert code == 0, stderr
    return out / "triathlon-base"


def test_the_plan_names_every_sport() -> None:
    assert {sport_of(p) for p in named_workouts()} == {
        "running",
        "cycling",
        "swimming",
        "strength",
    }


def test_check_passes_the_10_percent_rule_on_running() -> None:
    code, stdout, stderr = run("check", str(PLAN))
    assert code == 0, stderr
    assert "1 plan checked: 0 errors, 0 warnings" in stdout


def test_every_session_decodes_with_its_sport_and_the_schedule_points_at_them(
    built: Path,
) -> None:
    by_stem = {p.stem: p for p in named_workouts()}
    by_id = {}
    sports = set()
    for fit in built.glob("*.fit"):
        if fit.name == "triathlon-base-schedule.fit":
            continue
        msgs = decoded(fit.read_bytes())
        # A session file is named after its workout, then its vars: easy-base-run-35min.fit.
        [source] = [p for stem, p in by_stem.items() if fit.stem.startswith(stem)]
        sport = msgs["workout_mesgs"][0]["sport"]
        assert sport == FIT_SPORT[sport_of(source)], fit.name
        sports.add(sport)
        file_id = msgs["file_id_mesgs"][0]
        by_id[(file_id["serial_number"], file_id["time_created"])] = fit.name
    assert sports == {"running", "cycling", "swimming", "training"}
    entries = decoded((built / "triathlon-base-schedule.fit").read_bytes())["schedule_mesgs"]
    # 4 weeks: 8 swims, 8 rides, 12 runs and 7 strength sessions (two a week, one in week 4).
    assert len(entries) == 8 + 8 + 12 + 7
    pointed = {by_id[(e["serial_number"], e["time_created"])] for e in entries}
    assert pointed == set(by_id.values())


def test_show_prints_each_sport_of_a_week() -> None:
    code, stdout, stderr = run("show", str(PLAN))
    assert code == 0, stderr
    totals = [line.strip() for line in stdout.splitlines() if line.startswith("  running ")]
    assert len(totals) == 4
    for line in totals:
        parts = [p.split(" ")[0] for p in line.split("; ")[:4]]
        assert parts == ["running", "cycling", "swimming", "strength"], line
        # Indoor rides have power, not speed: their distance is not known, so none is said.
        assert re.search(r"; cycling [\d h min]+; swimming", line), line
        assert "; strength ~" in line  # counted from its reps
    # Week 1 swims the CSS test and the drill set: their distances add up to the week's.
    week1 = stdout.split("\nweek 2")[0]
    swims = [
        float(m.group(1)) for m in re.finditer(r"(?:CSS test|Drill set)\S*.*?\s([\d.]+) km", week1)
    ]
    assert len(swims) == 2
    said = re.search(r"swimming [\d h min]+, ([\d.]+) km", totals[0])
    assert said is not None
    assert float(said.group(1)) == pytest.approx(sum(swims), abs=0.11)

    # Week 4 is the easier week: less running than week 3.
    def running_km(line: str) -> float:
        found = re.match(r"running [\d h min]+, ([\d.]+) km", line)
        assert found is not None, line
        return float(found.group(1))

    assert running_km(totals[3]) < running_km(totals[2])


def test_send_puts_every_session_and_the_schedule_on_the_watch(tmp_path: Path, built: Path) -> None:
    dev = tmp_path / "fr935"
    (dev / "GARMIN").mkdir(parents=True)
    shutil.copyfile(
        DEVICES / "forerunner-935-GarminDevice.xml", dev / "GARMIN" / "GarminDevice.xml"
    )
    code, _, stderr = run("send", str(PLAN), "--device", str(dev), "--all")
    assert code == 0, stderr
    newfiles = dev / "GARMIN" / "NEWFILES"
    sent = sorted(p.name for p in newfiles.iterdir())
    assert sent == sorted(p.name for p in built.glob("*.fit"))
    for name in sent:
        assert (newfiles / name).read_bytes() == (built / name).read_bytes()


def test_the_site_links_the_plan_to_its_rides_and_swims(tmp_path: Path) -> None:
    out = tmp_path / "site"
    code, _, stderr = run("site", str(LIBRARY), "-o", str(out))
    assert code == 0, stderr
    page = out / "plans" / "triathlon-base.html"
    doc: Any = html.fromstring(page.read_bytes())  # lxml's stubs lack its HTML methods
    links = {a.get("href") for a in doc.iter("a")}
    for stem in ("bike-sweet-spot", "bike-vo2max-intervals", "bike-ftp-test"):
        assert f"../workouts/{stem}.html" in links
    for stem in ("swim-css-test", "swim-drill-set", "swim-10x100-send-off"):
        assert f"../workouts/{stem}.html" in links
    for href in links:
        if href and href.startswith("../workouts/"):
            assert (out / "plans" / href).resolve().is_file(), href
    # Each week's volume: running first, then each other sport by name (not all "strength").
    volumes = [td.text_content() for td in doc.find_class("volume")]
    assert len(volumes) == 4
    for volume in volumes:
        parts = volume.split(" · ")
        assert [p.split(" ")[0] for p in parts[2:]] == ["cycling", "swimming", "strength"]
        assert parts[1].endswith(" km")  # the running distance, in the plan's units
