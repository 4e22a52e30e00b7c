"""The catalog site of the bundled library: links, downloads, charts, broken files, plans."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner
from lxml import etree, html

from workoutexport.cli import main
from workoutexport.run import Run
from workoutexport.site import (
    PlanPage,
    PlanSession,
    PlanWeek,
    SiteInput,
    build_site,
    render_plan_page,
)
from workoutexport.verify import decode_fit

from conftest import assert_valid_tcx, decoded

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "workouts"

# Executed steps of each bundled workout, repeats expanded (--pick low), counted by hand
# from the YAML: warm-up + count x steps in the repeat + cool-down.
EXECUTED_STEPS = {
    "10x400-mile-pace": 1 + 10 * 2 + 1,
    "400m-repeats": 1 + 8 * 2 + 1,
    "800m-repeats": 1 + 5 * 2 + 1,
    "cadence-drills": 1 + 6 * 2 + 1,
    "easy-base-run": 1,
    "fast-straights": 1 + 8 * 2 + 1,
    "hill-repeats": 1 + 6 * 2 + 1,
    "long-run": 2,
    "strength": 1 + 3 * 5,
    "tabata": 1 + 8 * 2 + 1,
    "tempo-run": 3,
    "treadmill-hills": 1 + 6 * 2 + 1,
    # workouts/bike, workouts/swim: a page named by folder and file
    "bike-sweet-spot": 1 + 3 * 2 + 1,
    "bike-vo2max-intervals": 1 + 5 * 2 + 1,
    "bike-ftp-test": 1 + 3 * 2 + 5,
    "swim-10x100-send-off": 3 + 10 * 2 + 1,
    "swim-css-test": 3 + 4 * 2 + 5,
    "swim-drill-set": 1 + 4 * 4 * 2 + 1,
}
NAMES = {
    "10 x 400 m at mile pace",
    "400 m repeats, 200 m jog",
    "800 m repeats, 400 m jog",
    "Cadence work at 180",
    "Easy base run",
    "Fast straights, easy turns",
    "Hill repeats",
    "Long run",
    "Runner strength",
    "Tabata",
    "Tempo run",
    "Treadmill hills at 10 %",
    # workouts/bike and workouts/swim
    "Sweet spot 3 x 12 min",
    "VO2max 5 x 4 min",
    "FTP test (20 min)",
    "CSS test (400 + 200)",
    "10 x 100 on a send-off",
    "Drill set with equipment",
}


def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    code, _, stderr = run("site", str(LIBRARY), "-o", str(out))
    assert code == 0, stderr
    return out


def _html(data: bytes) -> Any:
    """A page's root element (lxml's stubs type it without its HTML methods)."""
    return html.fromstring(data)


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def local_links(page: Path) -> list[str]:
    doc = html.parse(str(page)).getroot()
    return [
        str(el.get(attr))
        for el in doc.iter()
        for attr in ("href", "src")
        if isinstance(el.tag, str) and el.get(attr)
    ]


def test_every_local_link_resolves_and_nothing_is_fetched_from_elsewhere(site: Path) -> None:
    checked = 0
    for page in pages(site):
        for link in local_links(page):
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc, f"{page.name}: external {link}"
            if not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page.relative_to(site)} links to missing {link}"
            checked += 1
    # index: CSS, 12 x (title link, chart link); each page: CSS, index, FIT (and TCX).
    assert checked >= 1 + 24 + 12 * 3


def test_index_lists_every_workout_with_its_totals(site: Path) -> None:
    doc = html.parse(str(site / "index.html")).getroot()
    cards = doc.find_class("card")
    assert {c.findtext(".//h3/a") for c in cards} == NAMES
    by_name = {c.findtext(".//h3/a"): c for c in cards}
    meta = by_name["Tempo run"].find_class("meta")[0].text_content()
    # 10 + 20 + 10 minutes (--pick low).
    assert "running" in meta and "40 min" in meta
    assert by_name["Runner strength"].find_class("sport")[0].text == "strength"
    # 10 min + 6 x 30 s + 10 min, and six walks down that end on lap: a lower bound.
    hills = by_name["Hill repeats"].find_class("meta")[0]
    assert hills.find_class("time")[0].text == "≥ 23 min"
    # long-run.yaml: 4mi (the low end of 4-6mi) ~38:01 and 5 min cool-down at 6:30-7:15/km.
    assert by_name["Long run"].find_class("distance")[0].text == "4.5 mi"
    assert hills.get("title", "").startswith("plus 6 steps without a set time")


def test_every_fit_download_decodes_and_every_tcx_validates(site: Path) -> None:
    fits = tcxs = 0
    for page in sorted((site / "workouts").glob("*.html")):
        for link in local_links(page):
            data = (page.parent / unquote(link)).read_bytes() if "files/" in link else None
            if data is None:
                continue
            if link.endswith(".fit"):
                steps = decoded(data)["workout_step_mesgs"]
                assert steps, link
                fits += 1
            elif link.endswith(".tcx"):
                assert_valid_tcx(data)
                tcxs += 1
    # TCX cannot carry the strength workout, the swims, or the rides' power targets.
    assert (fits, tcxs) == (18, 11)


def test_downloads_are_the_bytes_build_writes(site: Path, tmp_path: Path) -> None:
    code, _, _ = run("build", str(LIBRARY), "-f", "fit", "-o", str(tmp_path))
    assert code == 0
    # The strength workout is for FIT only (its formats:): TCX is written for the other
    # eleven, and the strength one is skipped with a warning.
    code, _, err = run("build", str(LIBRARY), "-f", "tcx", "-o", str(tmp_path))
    assert code == 0, err
    assert not (tmp_path / "strength.tcx").exists()

    # The bundled plans are built too (under plans/): test_plan_downloads_* compares those.
    def workout_files(folder: Path) -> list[Path]:
        return sorted(
            p.relative_to(folder)
            for p in folder.rglob("*")
            if p.is_file() and p.relative_to(folder).parts[0] != "plans"
        )

    built = workout_files(tmp_path)
    offered = workout_files(site / "files")
    assert len(built) == 18 + 11
    assert built == offered
    for rel in built:
        assert (site / "files" / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel


def test_each_chart_has_one_bar_per_executed_step(site: Path) -> None:
    seen = {}
    for page in sorted((site / "workouts").glob("*.html")):
        svg = html.parse(str(page)).getroot().find(".//svg")
        assert svg is not None, page
        rects = [r for r in svg.iter("rect") if "bar" in (r.get("class") or "").split()]
        assert all(r.find("title") is not None for r in rects)
        seen[page.stem] = len(rects)
    assert seen == EXECUTED_STEPS
    index = html.parse(str(site / "index.html")).getroot()
    on_cards = {}
    for card in index.find_class("card"):
        stem = Path(card.find(".//h3/a").get("href")).stem
        on_cards[stem] = sum("bar" in (r.get("class") or "").split() for r in card.iter("rect"))
    assert on_cards == EXECUTED_STEPS


def test_a_workout_tcx_cannot_carry_has_no_tcx_link_and_says_why(site: Path) -> None:
    doc = html.parse(str(site / "workouts" / "strength.html")).getroot()
    hrefs = [a.get("href") for a in doc.iter("a")]
    assert "../files/strength.fit" in hrefs
    assert not any(h and h.endswith(".tcx") for h in hrefs)
    note = doc.find_class("note")[0].text_content()
    assert note == "FIT only: strength sets do not fit in TCX."


def step_texts(doc: Any) -> list[str]:
    """Each step's line on a workout page, nested steps after their repeat."""
    return [" ".join(li.text_content().split()) for li in doc.find_class("steps")[0].iter("li")]


def test_workout_page_shows_steps_and_notes(site: Path) -> None:
    doc = html.parse(str(site / "workouts" / "hill-repeats.html")).getroot()
    steps = step_texts(doc)
    # hill-repeats.yaml: warmup 10-15min, repeat 6-8 of (30s uphill, walk down until lap).
    assert steps[0] == "Warm-up 10-15 min: 10 min shown · pace 5:30-6:00/km"
    assert steps[1].startswith("Repeat 6-8 times: 6 shown “Hills”")
    assert steps[2] == "Run 30 s “Uphill”80-90% effort, drive the arms"
    assert steps[3].startswith("Recover until you press lap “Walk down”")
    assert doc.find_class("step-note")[1].text == "walk back down, press lap at the bottom"
    # Both notes are lost in TCX: said once, with how often.
    assert [li.text for li in doc.find_class("warnings")[0].iter("li")] == [
        "TCX has no step notes; the note is left out of the TCX file (2 times)"
    ]
    strength = html.parse(str(site / "workouts" / "strength.html")).getroot()
    # strength.yaml: 12 goblet squats with 12kg, 10 walking lunges (10 each leg), ...
    assert step_texts(strength)[2:4] == [
        "Goblet Squat 12 reps · 12 kg",
        "Walking Lunge 10 reps10 each leg",
    ]


def test_pages_speak_to_runners_not_to_the_command_line(site: Path) -> None:
    import re

    for page in pages(site):
        main = _html(page.read_bytes()).find(".//main")
        # A description is the coach's own text (the long run's suggests a --set), and a
        # source is a file name (400m-repeats.yaml).
        for own in main.find_class("description") + main.find_class("source"):
            own.drop_tree()
        # (The charts' tooltips are the chart's own, in `show`'s words.)
        for chart in main.iter("{*}svg", "svg"):
            chart.drop_tree()
        text = main.text_content()
        for cli in ("--pick", "(-f ", "--lossy", "--set", "reps 8", "minutes 4"):
            assert cli not in text, f"{page.relative_to(site)} says {cli!r}"
        # Values with a space before their unit ("52 min", "5.4 mi"), not "52.49min".
        glued = re.findall(r"\d(?:min|mi|km|m)\b", text)
        assert not glued, f"{page.relative_to(site)}: {glued}"
    # The 10 x 400 page: recovery written 60-90s, the watch gets the low end.
    doc = _html((site / "workouts" / "10x400-mile-pace.html").read_bytes())
    assert "Recover 60-90 s: 60 s shown" in step_texts(doc)


def test_index_sorts_workouts_and_plans_by_name(site: Path) -> None:
    index = _html((site / "index.html").read_bytes())
    names = [c.findtext(".//h3/a") for c in index.find_class("card")]
    assert names == sorted(NAMES, key=str.casefold)
    # File names would put 10x400-mile-pace.yaml first and treadmill-hills.yaml last.
    assert names[0] == "10 x 100 on a send-off" and names[-1] == "VO2max 5 x 4 min"
    assert names.index("Treadmill hills at 10 %") == len(names) - 2
    plans = [a.text for a in index.find_class("plans")[0].iter("a")]
    assert plans == [
        "Faster mile in 8 weeks (advanced)",
        "Faster mile in 8 weeks (beginner)",
        "Faster mile in 8 weeks (intermediate)",
        "Triathlon base in 4 weeks",
    ]


def test_a_workout_page_names_the_plans_that_use_it(site: Path) -> None:
    def plans_of(stem: str) -> list[str]:
        doc = _html((site / "workouts" / f"{stem}.html").read_bytes())
        found = doc.find_class("used-in")
        links = [a.get("href") for a in found[0].iter("a")] if found else []
        for href in links:
            assert (site / "workouts" / href).resolve().is_file(), href
        return [Path(h).stem for h in links]

    # Every bundled plan has a long run; only two have hills (their YAML names the file).
    uses_hills = sorted(
        p.stem for p in (LIBRARY / "plans").glob("*.yaml") if "hill-repeats.yaml" in p.read_text()
    )
    assert uses_hills == ["faster-mile", "faster-mile-advanced"]
    assert sorted(plans_of("hill-repeats")) == uses_hills
    uses_long_run = [p for p in (LIBRARY / "plans").glob("*.yaml") if "long-run" in p.read_text()]
    assert len(uses_long_run) == 4  # the three faster-mile plans and triathlon-base
    assert len(plans_of("long-run")) == 4
    # No plan uses the 800s, and the page says nothing of plans.
    assert plans_of("800m-repeats") == []
    assert "In the plan" not in (site / "workouts" / "800m-repeats.html").read_text()


def test_chart_caption_explains_only_what_the_chart_shows(site: Path) -> None:
    def caption(stem: str) -> str:
        page = html.parse(str(site / "workouts" / f"{stem}.html")).getroot()
        return str(page.find(".//figcaption").text_content())

    # Reps are timed at 3 s a rep, as `show` counts them (dashed); 400 m efforts are timed
    # from their pace (dashed); the hills' walk down ends on lap (pale).
    assert "Dashed" in caption("strength") and "Pale:" not in caption("strength")
    assert "Pale:" in caption("hill-repeats")
    assert "Dashed" in caption("10x400-mile-pace") and "Pale:" not in caption("10x400-mile-pace")
    assert caption("tempo-run").split() == ["Height:", "pace", "as", "%", "of", "threshold."]


def test_broken_workouts_are_listed_and_the_rest_still_builds(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    shutil.copytree(LIBRARY, lib)
    (lib / "broken.yaml").write_text("name: Broken <b>\nsteps:\n  - run: 400\n")
    (lib / "escaped.yaml").write_text("name: <script>alert(1)</script>\nsteps:\n  - run: 1min\n")
    out = tmp_path / "out"
    code, _, stderr = run("site", str(lib), "-o", str(out))
    assert code == 1
    assert f"{lib / 'broken.yaml'}:3:10: error: '400' has no unit" in stderr
    index = (out / "index.html").read_text()
    assert "broken.yaml:3:10: error: &#39;400&#39; has no unit" in index
    assert '<a href="#errors">1 with errors</a>' in index
    assert "<script>alert(1)" not in index and "&lt;script&gt;alert(1)" in index
    assert len(list((out / "workouts").glob("*.html"))) == len(EXECUTED_STEPS) + 1
    assert not (out / "files" / "broken.fit").exists()


def test_a_workout_too_long_to_chart_still_gets_its_page_and_downloads(tmp_path: Path) -> None:
    (tmp_path / "huge.yaml").write_text(
        "name: Huge\nsteps:\n  - repeat: 1000000\n    steps:\n      - run: 1s\n      - rest: 1s\n"
    )
    out = tmp_path / "out"
    code, _, stderr = run("site", str(tmp_path / "huge.yaml"), "-o", str(out))
    assert code == 0, stderr
    page = (out / "workouts" / "huge.html").read_text()
    assert "no chart: the workout runs 2,000,000 steps" in page and "<svg" not in page
    assert decoded((out / "files" / "huge.fit").read_bytes())["workout_step_mesgs"]
    # TCX holds at most 99 repetitions.
    assert "FIT only: TCX repeats at most 99 times" in page and "-f fit" not in page


def test_two_workouts_with_one_output_name_are_refused_like_build(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.yaml").write_text(f"name: {folder}\nsteps:\n  - run: 1min\n")
    out = tmp_path / "out"
    code, _, stderr = run(
        "site", str(tmp_path / "a" / "x.yaml"), str(tmp_path / "b"), "-o", str(out)
    )
    assert code == 1
    assert (
        f"{tmp_path / 'b' / 'x.yaml'}:1:1: error: {out / 'files' / 'x'}.fit is also the output"
        in stderr
    )
    assert decoded((out / "files" / "x.fit").read_bytes())["workout_mesgs"][0]["wkt_name"] == "a"
    assert "also the output of" in (out / "index.html").read_text()


PLAN = PlanPage(
    name="Mile build-up",
    slug="mile",
    weeks=(
        PlanWeek(
            number=1,
            start=dt.date(2026, 3, 2),
            sessions=(
                PlanSession(
                    date=dt.date(2026, 3, 2),
                    name="Easy",
                    seconds=3600,
                    metres=10000,
                    workout_slug="easy-base-run",
                ),
                PlanSession(date=dt.date(2026, 3, 4), name="Tempo", seconds=2 * 3600, metres=20000),
            ),
        ),
        PlanWeek(
            number=2,
            start=dt.date(2026, 3, 9),
            sessions=(PlanSession(date=dt.date(2026, 3, 15), name="Long", seconds=5400),),
        ),
    ),
)


def test_plan_calendar_puts_sessions_on_their_weekday_with_weekly_volume() -> None:
    doc = _html(render_plan_page(PLAN))
    rows = doc.find_class("week")
    assert len(rows) == 2
    cells = [row.findall("td") for row in rows]
    # 2 March 2026 is a Monday, 4 March a Wednesday, 15 March a Sunday.
    assert session_names(cells[0][0]) == ["Easy"]
    assert session_names(cells[0][2]) == ["Tempo"]
    assert session_names(cells[1][6]) == ["Long"]
    # Each day says its date, for the phone layout where there are no columns.
    assert [c.find_class("day-label")[0].text for c in cells[0][:3]] == [
        "Mon 2 Mar",
        "Tue 3 Mar",
        "Wed 4 Mar",
    ]
    assert cells[0][0].find(".//a").get("href") == "../workouts/easy-base-run.html"
    # A session's own time and distance: 3600 s and 10000 m.
    assert cells[0][0].find_class("amount")[0].text_content() == "1 h 00 min · 10 km"
    # Week 1: 3 h and 30 km, the longest; week 2: 1.5 h, half as long.
    assert cells[0][7].text_content() == "3 h 00 min · 30 km"
    bars = [row.find_class("volume-bar")[0].get("style") for row in rows]
    assert bars == ["width: 100.0%", "width: 50.0%"]


def test_plan_weeks_starting_on_a_wednesday_start_their_columns_there() -> None:
    # 4 March 2026 is a Wednesday; the Sunday after it is the fifth day of that week.
    week = PlanWeek(
        number=1,
        start=dt.date(2026, 3, 4),
        sessions=(PlanSession(date=dt.date(2026, 3, 8), name="Long", seconds=3600),),
    )
    doc = _html(render_plan_page(PlanPage(name="P", slug="p", weeks=(week,))))
    assert [th.text for th in doc.iter("th")][:9] == [
        "Week",
        "Wed",
        "Thu",
        "Fri",
        "Sat",
        "Sun",
        "Mon",
        "Tue",
        "Volume",
    ]
    assert [session_names(td) for td in doc.find_class("week")[0].findall("td")][:7] == [
        [],
        [],
        [],
        [],
        ["Long"],
        [],
        [],
    ]


def session_names(cell: Any) -> list[str]:
    """The names of the sessions in one day's cell of a plan calendar."""
    return [x[0].text_content() for x in cell.find_class("session")]


def test_a_file_that_cannot_be_written_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "workouts").write_text("a file where the pages folder should be")
    code, _, stderr = run("site", str(LIBRARY / "tabata.yaml"), "-o", str(out))
    assert code == 1
    assert f"tabata.yaml:1:1: error: cannot write {out / 'workouts' / 'tabata.html'}" in stderr
    assert "Traceback" not in stderr
    # The download and the index are still written; the index offers no page it could not write.
    assert decoded((out / "files" / "tabata.fit").read_bytes())["workout_step_mesgs"]
    assert "workouts/tabata.html" not in (out / "index.html").read_text()


def test_plans_are_listed_on_the_index(tmp_path: Path) -> None:
    written: dict[Path, bytes] = {}

    def write(path: Path, data: bytes) -> None:
        written[path.relative_to(tmp_path)] = data

    inputs = [SiteInput(LIBRARY / "tempo-run.yaml", Path("tempo-run.yaml"))]
    diagnostics = build_site(inputs, tmp_path, run=Run(), write=write, plans=[PLAN])
    assert [d for d in diagnostics if d.severity == "error"] == []
    assert Path("plans/mile.html") in written
    index = _html(written[Path("index.html")])
    assert [a.get("href") for a in index.find_class("plans")[0].iter("a")] == ["plans/mile.html"]
    # 1 h + 2 h + 1.5 h; 10 km + 20 km.
    assert "2 weeks · 4 h 30 min · 30 km" in index.find_class("plans")[0].text_content()
    assert etree.tostring(index, encoding="unicode").count('class="card"') == 1


def test_help_does_not_import_the_page_and_picture_libraries() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from workoutexport.cli import main\n"
        "for args in (['--help'], ['site', '--help'], ['show', '--help']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('HEAVY', [m for m in ('jinja2', 'markupsafe', 'lxml') if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout
    assert "Write a static catalog" in out.stdout


def test_the_bundled_plans_get_calendar_pages_linking_their_sessions(site: Path) -> None:
    index = _html((site / "index.html").read_bytes())
    links = [a.get("href") for a in index.find_class("plans")[0].iter("a")]
    assert sorted(links) == [
        "plans/faster-mile-advanced.html",
        "plans/faster-mile-beginner.html",
        "plans/faster-mile.html",
        "plans/triathlon-base.html",
    ]
    for href in links:
        page = _html((site / href).read_bytes())
        rows = page.find_class("week")
        # the faster-mile plans are eight weeks, the triathlon base four
        assert len(rows) == (4 if "triathlon" in href else 8)
        sessions = [a.get("href") for row in rows for a in row.iter("a")]
        # Every session is a bundled workout, so every one links to its page.
        assert sessions and all(s.startswith("../workouts/") for s in sessions)
        for s in sessions:
            assert (site / "plans" / s).resolve().is_file()
    # A session's own values show on the calendar, as values: the workout page has only its
    # defaults. The intermediate plan's week 4, 8 % a week up from week 1, compounded:
    page = _html((site / "plans" / "faster-mile.html").read_bytes())
    week4 = {x[0].text_content(): x for x in page.find_class("week")[3].find_class("session")}
    # The long run: 5mi x 1.08^3 = 6.2986 -> 6.3 mi.
    assert week4["Long run"].find_class("detail")[0].text == "6.3 mi"
    # Tuesday's easy run, 45min x 1.08^3 = 56.69 min, shown to the minute; its own time is
    # all there is to say, so there is no detail line above it.
    tuesday = page.find_class("week")[3].findall("td")[1]
    easy = tuesday.find_class("session")[0]
    assert easy.find_class("amount")[0].text_content().startswith("57 min · ")
    assert not easy.find_class("detail")
    # Week 6's 400s: 8 of them (set: {reps: 8}), not the workout's default 10.
    week6 = page.find_class("week")[5].find_class("session")
    assert "8 \u00d7 400 m" in [d.text for x in week6 for d in x.find_class("detail")]


def test_plan_downloads_are_the_bytes_build_writes(site: Path, tmp_path: Path) -> None:
    import zipfile

    for plan in sorted((LIBRARY / "plans").glob("*.yaml")):
        out = tmp_path / plan.stem
        code, _, stderr = run("build", str(plan), "-o", str(out))
        assert code == 0, stderr
        built = {
            p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()
        }
        # A FIT workout per session, the schedule and the calendar, in <plan stem>/.
        assert f"{plan.stem}/{plan.stem}.ics" in built
        assert f"{plan.stem}/{plan.stem}-schedule.fit" in built
        # One file per distinct session: the schedule points at each, some several times.
        serials = {
            decoded(data)["file_id_mesgs"][0]["serial_number"]
            for name, data in built.items()
            if name.endswith(".fit") and not name.endswith("-schedule.fit")
        }
        entries = decoded(built[f"{plan.stem}/{plan.stem}-schedule.fit"])["schedule_mesgs"]
        assert {e["serial_number"] for e in entries} == serials
        assert len(entries) > len(serials) > 5
        page = site / "plans" / f"{plan.stem}.html"
        links = [
            a.get("href") for a in _html(page.read_bytes()).find_class("downloads")[0].iter("a")
        ]
        assert [Path(unquote(h)).name for h in links] == [
            f"{plan.stem}.zip",
            f"{plan.stem}.ics",
            f"{plan.stem}-schedule.fit",
        ]
        files = {Path(unquote(h)).name: (page.parent / unquote(h)).read_bytes() for h in links}
        with zipfile.ZipFile(site / "plans" / unquote(links[0])) as z:
            assert z.testzip() is None
            members = {info.filename: z.read(info) for info in z.infolist()}
            # Fixed times: the same plan zips to the same bytes whenever it is built.
            assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert members == built
        assert files[f"{plan.stem}.ics"] == built[f"{plan.stem}/{plan.stem}.ics"]
        schedule = files[f"{plan.stem}-schedule.fit"]
        assert schedule == built[f"{plan.stem}/{plan.stem}-schedule.fit"]
        assert decoded(schedule)["schedule_mesgs"]
        for name, data in members.items():
            if name.endswith(".fit") and not name.endswith("-schedule.fit"):
                assert decoded(data)["workout_step_mesgs"], name


def test_a_plan_zip_is_the_same_bytes_on_every_build(tmp_path: Path) -> None:
    plan = LIBRARY / "plans" / "faster-mile-beginner.yaml"
    zips = []
    for name in ("a", "b"):
        code, _, stderr = run("site", str(plan), "-o", str(tmp_path / name))
        assert code == 0, stderr
        zips.append((tmp_path / name / "files" / "faster-mile-beginner.zip").read_bytes())
    assert zips[0] == zips[1]


# --- what a site folder holds ---------------------------------------------------------------


def test_site_offers_only_the_formats_a_workout_is_for(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_text("name: f\nformats: [fit]\nsteps:\n  - run: 10min\n")
    (tmp_path / "t.yaml").write_text("name: t\nformats: [tcx]\nsteps:\n  - run: 10min\n")
    code, _out, err = run("site", ".", "-o", "out", "-j", "1", cwd=tmp_path)
    assert code == 0, err
    files = tmp_path / "out" / "files"
    assert sorted(p.name for p in files.iterdir()) == ["f.fit", "t.tcx"]
    decode_fit((files / "f.fit").read_bytes())
    from workoutexport.pipeline import verify

    assert verify((files / "t.tcx").read_bytes(), "tcx") == []
    assert "t.html" in (tmp_path / "out" / "index.html").read_text()


def test_site_does_not_write_through_a_symlinked_folder_out_of_it(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text("name: w\nsteps:\n  - run: 10min\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "files").symlink_to(elsewhere)
    code, _out, err = run("site", "w.yaml", "-o", "out", "-j", "1", cwd=tmp_path)
    assert code == 1
    assert "symlink out of the output folder" in err
    assert list(elsewhere.iterdir()) == []
    assert (tmp_path / "out" / "index.html").exists()


def test_tcx_losses_are_said_on_the_page_not_on_the_terminal(tmp_path: Path) -> None:
    # TCX is an optional download the user did not ask for: its lost notes are said on the
    # workout's page (test_workout_page_shows_steps_and_notes), not as terminal warnings.
    (tmp_path / "w.yaml").write_text("name: W\nsteps:\n  - run: 5min\n    note: relax\n")
    code, _, stderr = run("site", str(tmp_path), "-o", str(tmp_path / "site"))
    assert code == 0, stderr
    assert "warning" not in stderr.replace("0 warnings", "")
    page = (tmp_path / "site" / "workouts" / "w.html").read_text()
    assert "TCX has no step notes; the note is left out of the TCX file" in page
    assert "TCX: TCX" not in page
    # build, which was asked for TCX, still says it.
    code, _, stderr = run("build", str(tmp_path / "w.yaml"), "-f", "tcx", "-o", str(tmp_path))
    assert code == 0 and "w.yaml:4:11: warning: TCX has no step notes" in stderr


def test_a_plan_page_is_named_after_its_path_below_plans(tmp_path: Path) -> None:
    (tmp_path / "plans" / "track").mkdir(parents=True)
    (tmp_path / "easy.yaml").write_text("name: Easy\nsteps:\n  - run: 30min\n")
    plan = "name: {}\nstart: 2027-01-04\nweeks:\n  - days:\n      tue: {}\n"
    (tmp_path / "plans" / "easy.yaml").write_text(plan.format("A", "../easy.yaml"))
    (tmp_path / "plans" / "track" / "mile.yaml").write_text(plan.format("B", "../../easy.yaml"))
    code, _, stderr = run("site", str(tmp_path), "-o", str(tmp_path / "site"))
    assert code == 0, stderr
    # plans/easy.yaml is plans/easy.html, beside workouts/easy.html (no clash, no '-2').
    got = sorted(
        p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*.html")
    )
    assert got == ["index.html", "plans/easy.html", "plans/track-mile.html", "workouts/easy.html"]
    index = (tmp_path / "site" / "index.html").read_text()
    assert 'href="plans/easy.html"' in index and 'href="plans/track-mile.html"' in index
    assert 'href="../plans/easy.html"' in (tmp_path / "site" / "workouts" / "easy.html").read_text()
